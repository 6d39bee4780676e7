"""Block bodies from Markdown to HTML (print, email, mobile) and to plain text (SMS, email text)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark with tables and strikethrough; raw HTML off, so markup in a body shows as text.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# Links and images may only point where a reader can follow them safely, or at a project
# file (relative: no scheme before the first "/"), which the channel's fetcher then guards.
_SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|#|[^:/?#]*(?:[/?#]|$))", re.I)
_MD.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]

_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape(text: str) -> str:
    """Make data show literally in Markdown: every ASCII punctuation backslash-escaped,
    and a newline kept as a hard line break rather than a paragraph or a table break."""
    escaped = _PUNCT.sub(r"\\\1", text)
    if "\n" in escaped or "\r" in escaped:
        lines = [line.strip() for line in escaped.replace("\r\n", "\n").split("\n")]
        escaped = "\\\n".join(line for line in lines if line)
    return escaped


@dataclass(frozen=True)
class Converted:
    html: str
    text: str


def convert(source: str) -> Converted:
    tokens = _MD.parse(source)
    return Converted(_MD.renderer.render(tokens, _MD.options, {}), to_text(tokens))


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
