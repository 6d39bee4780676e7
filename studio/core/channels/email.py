"""Email: the composed content in the email shell, CSS inlined, as a MIME message (.eml)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html as html_lib
import json
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Any

import css_inline
from markupsafe import Markup
from mjml import mjml2html

from studio.core import wording
from studio.core.channels import CHANNELS, Rendition, renderer
from studio.core.compose import Composition, compose
from studio.core.fetch import AssetResolver, FetchRefused
from studio.core.layouts import (
    brand_variables,
    channel_css,
    render_layout_file,
    shell_context,
)
from studio.core.messages import msg
from studio.core.problems import Problem, ProblemError, error, warning
from studio.core.routing import delivery_for, field_value
from studio.core.senddate import send_moment

GMAIL_CLIP_BYTES = 102 * 1024
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")', re.I)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_HTTP_LINK = re.compile(r'<a\b[^>]*?\bhref="(http://[^"]+)"', re.I)


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    # Remote stylesheets are never loaded; @media rules stay in a <style> for clients that
    # honour them (dark mode, narrow screens); variables are resolved, mail clients lack them.
    return css_inline.CSSInliner(
        load_remote_stylesheets=False,
        keep_link_tags=False,
        keep_at_rules=True,
        resolve_css_variables=True,
    )


def final_html(composition: Composition) -> str:
    """The email shell filled in, compiled from MJML when it is MJML, with CSS inlined."""
    project = composition.project
    brand = project.config.brand
    logo = brand.get("email_logo") or brand.get("logo")
    # Comments go (they may mention tags, which MJML's parser would take for elements).
    css = brand_variables(brand) + "\n" + _CSS_COMMENT.sub("", channel_css(project, "email"))
    css = css.replace("<", "\\3c ")
    context = shell_context(
        project, composition, content=composition.html, css=css, logo=str(logo) if logo else None
    )
    context["blocks"] = [
        {
            "id": b.block,
            "html": Markup(b.html),
            "css_class": " ".join(
                (*b.classes, *(["legal"] if b.block.startswith("legal/") else []))
            ),
        }
        for b in composition.blocks
        if b.html.strip()
    ]
    source, label = render_layout_file(project, "email", context)
    if label.endswith(".mjml"):
        try:
            source = mjml2html(source)
        except ValueError as exc:
            raise ProblemError(error(label, 0, 0, msg("MJML: {reason}", reason=exc))) from None
        # MRML writes dir="auto" on <html>; the locale knows better.
        source = source.replace(' dir="auto"', f' dir="{context["dir"]}"', 1)
        # MJML keeps <mj-style> as a <style> element; inline it like the rest.
    return _inliner().inline(source)


def wording_problems(composition: Composition, *, laid_out: bool) -> list[Problem]:
    """The regulatory wording as the message's HTML shows it (studio/core/wording.py)."""
    from studio.core.channels.print import screen_of

    if not wording.to_check(composition, "email", laid_out):
        return []
    return wording.check_screens(composition, final_html(composition), "email",
                                 layout=screen_of(composition, 600) if laid_out else None)


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "missiva.invalid"


def _message_date(composition: Composition) -> dt.datetime:
    """The Date a message carries: its send date in the project's time zone (a send date
    without a time is the start of its day), so a re-render of the same send says the same."""
    return send_moment(composition.send_date, composition.project.config.timezone)


def _record_id(composition: Composition) -> str:
    """What names the record: the delivery rules' record_id (customer.id in the sample), else
    a digest of the whole record."""
    rules = delivery_for(composition.project, composition.template)
    value = field_value(composition.record, rules.record_id or "id")
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    canonical = json.dumps(composition.record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def message_id(composition: Composition, sender: str) -> str:
    """One send, one Message-ID: the record, the send date, the template and locale. A
    re-render of the same send gets the same ID; the next send (another date) a new one, which
    mail clients do not drop as a duplicate of the first."""
    key = "|".join((_record_id(composition), composition.send_date,
                    composition.template.name, composition.locale))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{_domain(sender)}>"


def build_message(
    composition: Composition, html: str, text: str, resolver: AssetResolver
) -> tuple[EmailMessage, list[Problem], list[str]]:
    settings = {**composition.project.config.email, **composition.template.email}
    warnings: list[Problem] = []
    path = composition.template.path
    sender = str(settings.get("from") or f"{composition.project.name} <noreply@missiva.invalid>")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = composition.subject
    message["From"] = sender
    recipient = _recipient(composition)
    if recipient:
        message["To"] = recipient
    elif (
        isinstance(composition.record.get("customer"), dict)
        and composition.record["customer"].get("email") is not None
    ):
        warnings.append(
            warning(path, 0, 0, msg("email: customer.email is not one plain address; "
                                     "no recipient set"))
        )
    if settings.get("reply_to"):
        message["Reply-To"] = str(settings["reply_to"])
    message["Date"] = format_datetime(_message_date(composition))
    message["Message-ID"] = message_id(composition, sender)

    images: dict[str, tuple[str, bytes, str]] = {}

    def to_cid(match: re.Match[str]) -> str:
        src = html_lib.unescape(match.group(2))
        if src.startswith(("cid:", "data:")):
            return match.group(0)
        if src.startswith(("http://", "https://", "//")):
            warnings.append(
                warning(
                    path,
                    0,
                    0,
                    msg("email: remote image {src} (blocked by many clients until the reader "
                        "allows it)", src=src),
                )
            )
            return match.group(0)
        try:
            data, media_type = resolver.read(src)
        except FetchRefused as exc:
            warnings.append(warning(path, 0, 0, msg("email: image not attached: {reason}",
                                                             reason=exc)))
            return match.group(0)
        if src not in images:
            cid = f"{hashlib.sha256(data).hexdigest()[:16]}@{_domain(sender)}"
            images[src] = (cid, data, media_type)
        return f"{match.group(1)}cid:{images[src][0]}{match.group(3)}"

    html = _IMG_SRC.sub(to_cid, html)
    for tag in _IMG_TAG.findall(html):
        if not re.search(r'\balt="[^"]+"', tag):
            warnings.append(warning(path, 0, 0, msg("email: image without alt text: {tag}",
                                                                 tag=tag[:80])))
    message.set_content(text + "\n", subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    attached = _attach_print(message, composition, settings)
    _list_unsubscribe(message, composition, settings)
    # Last: set_content() clears every Content-* header, and an attachment moves them to the
    # inner part.
    message["Content-Language"] = composition.locale.replace("_", "-")
    if images:
        html_part = message.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        for src, (cid, data, media_type) in images.items():
            maintype, _, subtype = media_type.partition("/")
            html_part.add_related(
                data,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{cid}>",
                filename=src.rsplit("/", 1)[-1],
                disposition="inline",
            )
    for url in sorted(set(_HTTP_LINK.findall(html))):
        warnings.append(warning(path, 0, 0, msg("email: link {url} is not https", url=url)))
    for src in images:
        if src.lower().endswith(".svg"):
            warnings.append(
                warning(
                    path,
                    0,
                    0,
                    msg("email: {src} is SVG, which Gmail and Outlook do not show; "
                        "set brand.email_logo to a PNG", src=src),
                )
            )
    if len(html.encode()) > GMAIL_CLIP_BYTES:
        warnings.append(
            warning(
                path,
                0,
                0,
                msg("email: HTML is {size} KB; Gmail clips messages over 102 KB",
                    size=len(html.encode()) // 1024),
            )
        )
    if len(composition.subject) > 78:
        warnings.append(
            warning(
                path,
                *composition.template.where("email", "subject"),
                msg("email: subject is {length} characters; many clients cut it after 78",
                    length=len(composition.subject)),
            )
        )
    return message, warnings, attached


def _attach_print(message: EmailMessage, composition: Composition,
                  settings: dict[str, Any]) -> list[str]:
    """`email: attach_print: true`: the template's print rendition for the same record, locale
    and send date, attached as a PDF (bills are sent so in Italy). The names attached."""
    if not settings.get("attach_print") or not composition.attachments:
        return []
    template = composition.template
    if "print" not in template.channels:
        raise ProblemError(error(template.path, *template.where("email", "attach_print"),
                                 msg("email: attach_print needs the print channel in the "
                                     "template's channels")))
    paged = compose(composition.project, template, "print", composition.record,
                    composition.locale, send_date=composition.send_date)
    pdf = renderer("print")(paged)
    name = _UNSAFE_NAME.sub("", composition.title).strip() or template.name
    message.add_attachment(pdf.content, maintype="application", subtype="pdf",
                           filename=f"{name}.pdf")
    return [f"{name}.pdf"]


def _list_unsubscribe(message: EmailMessage, composition: Composition,
                      settings: dict[str, Any]) -> None:
    """A marketing template (`email: marketing: true`) carries the one-click unsubscribe of
    RFC 8058, which large mailbox providers require of bulk senders: an https address the
    mailbox provider POSTs to, never a page the reader must find."""
    if not settings.get("marketing"):
        return
    address = composition.unsubscribe
    if not address.startswith("https://") or any(ch in address for ch in "<> ,"):
        template = composition.template
        raise ProblemError(error(template.path, *template.where("email", "marketing"),
                                 msg("email: a marketing template needs email.unsubscribe, "
                                     "an https:// address (one-click unsubscribe, RFC 8058)")))
    message["List-Unsubscribe"] = f"<{address}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def _recipient(composition: Composition) -> str:
    """The customer's address as a To header, only when it is exactly one plain address:
    record data must never add a recipient."""
    customer = composition.record.get("customer")
    if not isinstance(customer, dict) or not isinstance(customer.get("email"), str):
        return ""
    address = customer["email"].strip()
    if not _ADDRESS.match(address):
        return ""
    username, _, domain = address.partition("@")
    name = " ".join(str(customer.get("name") or "").split())
    return str(Address(display_name=name, username=username, domain=domain))


def text_part(composition: Composition) -> str:
    parts = [composition.text]
    brand = composition.project.config.brand
    footer = " · ".join(str(brand[k]) for k in ("company", "address", "website") if brand.get(k))
    if footer:
        parts.append("--\n" + footer)
    return "\n\n".join(p for p in parts if p)


def fix_boundaries(message: EmailMessage, seed: str) -> None:
    """MIME boundaries derived from the content instead of the generator's random ones: the
    same input gives the same .eml, so the server's output equals the studio's. "=_" cannot
    occur in quoted-printable or base64 bodies, so the boundary cannot collide with them."""
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            digest = hashlib.sha256(f"{seed}|{number}".encode()).hexdigest()[:32]
            part.set_boundary(f"=_{digest}")


def render(composition: Composition) -> Rendition:
    resolver = AssetResolver(composition.project.root)
    html = final_html(composition)
    text = text_part(composition)
    message, warnings, attached = build_message(composition, html, text, resolver)
    fix_boundaries(message, composition.subject + html + text)
    data = message.as_bytes()
    return Rendition(
        template=composition.template.name,
        channel="email",
        locale=composition.locale,
        content=data,
        media_type=CHANNELS["email"].media_type,
        extension=CHANNELS["email"].extension,
        facts={
            "subject": composition.subject,
            "preheader": composition.preheader,
            "bytes": len(data),
            "html_bytes": len(html.encode()),
            "to": str(message.get("To", "")),
            "attachments": attached,
        },
        warnings=tuple(warnings),
        used_blocks=composition.used_blocks,
    )
