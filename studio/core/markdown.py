"""Block bodies from Markdown to HTML (print, email, mobile) and to plain text (SMS, email text)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# CommonMark with tables and strikethrough; raw HTML off, so markup in a body shows as text.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# Links may only point where a customer can follow them safely. Images may also name a project
# file (a relative path), which each channel's fetcher then guards; a relative *link* would
# point at the rendering server's disk, so it is dropped and its text kept.
_SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|#)", re.I)
_RELATIVE = re.compile(r"^(?![a-z][a-z0-9+.-]*:)(?!//)(?!\\)", re.I)
# The one data: URL kept: an SVG image, as the qr filter makes (an <img> never runs an SVG's
# scripts, and print fetches nothing an SVG names outside the project). A data: *link* is still
# dropped below, its text kept.
_SVG_DATA = re.compile(r"^data:image/svg\+xml;base64,[A-Za-z0-9+/]+={0,2}$")
_MD.validateLink = lambda url: bool(  # type: ignore[method-assign]
    _SAFE_LINK.match(url.strip()) or _RELATIVE.match(url.strip()) or _SVG_DATA.match(url.strip())
)


def _drop_relative_links(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        kept: list[Token] = []
        dropping = False
        for child in token.children:
            if child.type == "link_open":
                dropping = not _SAFE_LINK.match(str(child.attrGet("href") or ""))
                if dropping:
                    continue
            elif child.type == "link_close" and dropping:
                dropping = False
                continue
            kept.append(child)
        token.children = kept


_MD.core.ruler.push("drop_relative_links", _drop_relative_links)

_STYLE = re.compile(r"\{\.([A-Za-z][\w-]*)\}")


def trailing_style(text: str) -> tuple[int, str] | None:
    """A named style on a paragraph: ` {.note}` at the end of its text (the project's styles are
    the `p.NAME` classes of its stylesheets, see layouts.named_styles). Where the text ends
    without it, and the style's name; None without one. Linear in the text: a regular
    expression searched from every blank of a long run of them took the square of its length
    (a hostile block of a million spaces hung the render past its time limit)."""
    body = text.rstrip(" \t")
    if not body.endswith("}"):
        return None
    brace = body.rfind("{.")
    if brace < 1 or body[brace - 1] not in " \t":
        return None
    found = _STYLE.fullmatch(body, brace)
    if found is None:
        return None
    return len(body[:brace].rstrip(" \t")), found.group(1)


def _named_styles(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "paragraph_open" or token.hidden or inline.type != "inline" \
                or not inline.children or inline.children[-1].type != "text":
            continue
        last = inline.children[-1]
        style = trailing_style(last.content)
        if style is None or (style[0] == 0 and len(inline.children) == 1):
            continue
        last.content = last.content[:style[0]]
        token.attrSet("class", style[1])


_MD.core.ruler.push("named_styles", _named_styles)

_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape(text: str) -> str:
    """Make data show literally in Markdown: every ASCII punctuation backslash-escaped,
    and a newline kept as a hard line break rather than a paragraph or a table break."""
    escaped = _PUNCT.sub(r"\\\1", text)
    if "\n" in escaped or "\r" in escaped:
        unified = escaped.replace("\r\n", "\n").replace("\r", "\n")
        lines = [line.strip() for line in unified.split("\n")]
        escaped = "\\\n".join(line for line in lines if line)
    return escaped


@dataclass(frozen=True)
class Converted:
    html: str
    text: str


@functools.lru_cache(maxsize=4096)
def convert(source: str) -> Converted:
    """HTML and plain text of a Markdown source. Kept by text: a keystroke changes one block and
    the preview worker converts every other block again; a block composed for print, email and
    mobile on the same record converts once (validation composes each template on every channel,
    sample and locale)."""
    tokens = _MD.parse(source)
    return Converted(_MD.renderer.render(tokens, _MD.options, {}), to_text(tokens))


def parse(source: str) -> list[Token]:
    return _MD.parse(source)


def to_html(source: str) -> str:
    return _MD.render(source)


def to_text(tokens: Sequence[Token] | str) -> str:
    """Plain text a person would write: paragraphs, "- " lists, links as "text (url)"."""
    if isinstance(tokens, str):
        tokens = _MD.parse(tokens)
    out: list[str] = []
    lists: list[list[int]] = []  # stack of [ordered?, counter]
    row: list[str] = []
    cell: list[str] | None = None
    for token in tokens:
        kind = token.type
        if kind in ("paragraph_close", "heading_close"):
            if not (lists and token.hidden):
                out.append("\n\n")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append("\n")
        elif kind == "list_item_open":
            indent = "  " * (len(lists) - 1)
            if lists[-1][0]:
                out.append(f"{indent}{lists[-1][1]}. ")
                lists[-1][1] += 1
            else:
                out.append(f"{indent}- ")
        elif kind == "list_item_close":
            if not out or not out[-1].endswith("\n"):
                out.append("\n")
        elif kind == "hr":
            out.append("----\n\n")
        elif kind in ("code_block", "fence"):
            out.append(token.content + "\n")
        elif kind == "tr_open":
            row = []
        elif kind in ("th_open", "td_open"):
            cell = []
        elif kind in ("th_close", "td_close"):
            row.append("".join(cell or []).strip())
            cell = None
        elif kind == "tr_close":
            out.append("  ".join(c for c in row if c) + "\n")
        elif kind == "table_close":
            out.append("\n")
        elif kind == "inline":
            text = _inline_text(token.children or [])
            if cell is not None:
                cell.append(text)
            else:
                out.append(text)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    href: list[str | None] = []
    link_text_start: list[int] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content)
        elif kind == "link_open":
            href.append(str(child.attrGet("href") or ""))
            link_text_start.append(len(parts))
        elif kind == "link_close":
            url = href.pop() or ""
            start = link_text_start.pop()
            label = "".join(parts[start:])
            bare = url.removeprefix("mailto:").removeprefix("tel:")
            if url and label.strip() not in (url, bare):
                parts.append(f" ({bare})")
    return "".join(parts)
