"""What a mail client shows of an .eml rendition: its headers and its HTML and text bodies.

The studio's email pane needs the message taken apart at every keystroke; the preview worker
does it beside the render (`jobs.run_render`) and the pane receives the parts ready. The
parse reads the MIME with the stdlib's compat32 policy and decodes only the four headers and
the parts shown: the default policy parses every header of every part into objects, each time
it is asked (a Content-Type lookup re-parses it), which was half of the bill's email preview.
`mail_view_reference` is the same view through the default policy, what tests compare with.
"""

from __future__ import annotations

import base64
import email
import email.header
import email.policy
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

_CID = re.compile(r"""cid:([^"'\s)>]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class MailView:
    """What a mail client shows of a message: its headers and its HTML and text bodies."""

    sender: str
    to: str
    subject: str
    date: str
    html: str
    text: str
    related: Mapping[str, str] = field(default_factory=dict)


def inline_cid_references(html: str, related: Mapping[str, str]) -> str:
    """`cid:` URLs replaced by the `data:` URIs of the related parts (the view can't fetch cid).

    An unknown Content-ID becomes an empty data URI, so no `cid:` is left for the engine.
    """

    def replace(match: re.Match[str]) -> str:
        # RFC 2392: a cid URL is the Content-ID, URL-encoded.
        content_id = urllib.parse.unquote(match.group(1))
        return related.get(content_id, "data:,")

    return _CID.sub(replace, html)


def _header(message: email.message.Message, name: str) -> str:
    """A header as the default policy gives it: encoded words decoded, folding undone."""
    value = message.get(name)
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        value = str(value)
    return str(email.header.make_header(email.header.decode_header(
        re.sub(r"\r?\n[ \t]", " ", value))))


def _text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _body(message: email.message.Message, subtype: str) -> email.message.Message | None:
    """The part a client shows as the message's SUBTYPE body: the first text/SUBTYPE part
    that is not an attachment (what EmailMessage.get_body finds in the messages the channel
    builds: tests compare the two on every sample email)."""
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_subtype() != subtype:
            continue
        if (part.get("Content-Disposition") or "").strip().lower().startswith("attachment"):
            continue
        return part
    return None


def _related(message: email.message.Message) -> dict[str, str]:
    """The parts with a Content-ID (the images the HTML shows by cid:), as data: URIs."""
    related: dict[str, str] = {}
    for part in message.walk():
        content_id = part.get("Content-ID")
        if not content_id or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        encoded = base64.b64encode(payload).decode("ascii")
        related[str(content_id).strip().strip("<>")] = (
            f"data:{part.get_content_type()};base64,{encoded}"
        )
    return related


def mail_view(content: bytes) -> MailView:
    """Parse an .eml; the HTML body comes with its related images inlined as data: URIs."""
    message = email.message_from_bytes(content, policy=email.policy.compat32)
    related = _related(message)
    html_part, text_part = _body(message, "html"), _body(message, "plain")
    return MailView(
        sender=_header(message, "From"),
        to=_header(message, "To"),
        subject=_header(message, "Subject"),
        date=_header(message, "Date"),
        html=inline_cid_references(_text(html_part), related) if html_part is not None else "",
        text=_text(text_part) if text_part is not None else "",
        related=related,
    )


def mail_view_reference(content: bytes) -> MailView:
    """The view through the stdlib's default policy (slow, every header parsed): what
    `mail_view` must equal."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    related = _related(message)
    html_part = message.get_body(preferencelist=("html",))
    text_part = message.get_body(preferencelist=("plain",))
    html = html_part.get_content() if html_part is not None else ""
    return MailView(
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=str(message.get("Date", "")),
        html=inline_cid_references(html, related),
        text=text_part.get_content() if text_part is not None else "",
        related=related,
    )
