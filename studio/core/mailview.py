"""What a mail client shows of an .eml rendition: its headers and its HTML and text bodies.

The studio's email pane needs the message taken apart; parsing a long bill's MIME costs
10-30 ms, so the preview worker does it beside the render (`jobs.run_render`) and the pane
receives the parts ready, instead of parsing on the GUI thread at every keystroke.
"""

from __future__ import annotations

import base64
import email
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


def mail_view(content: bytes) -> MailView:
    """Parse an .eml; the HTML body comes with its related images inlined as data: URIs."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
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
