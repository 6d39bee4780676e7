"""HTML: the visible text of each block in an email or mobile page, compared."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:

    pass
from studio.core.diff.text import LAYOUT, TextDiff, word_diff

# HTML: the visible text of each block -----------------------------------------------------

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_HIDDEN = {"script", "style", "head", "title", "template", "noscript", "svg"}
_BREAKING = {
    "p", "div", "section", "article", "header", "footer", "li", "tr", "table", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dl", "dt", "dd",
}  # fmt: skip
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)


class _BlockText(HTMLParser):
    """Visible text of an HTML document, grouped by the `data-block` element it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, block key, hidden
        self.texts: dict[str, list[str]] = {LAYOUT: []}
        self.seen: dict[str, int] = {}

    def _block(self) -> str:
        for _, key, _ in reversed(self.stack):
            if key is not None:
                return key
        return LAYOUT

    def _hidden(self) -> bool:
        return any(hidden for _, _, hidden in self.stack)

    def _emit(self, text: str) -> None:
        if not self._hidden():
            self.texts.setdefault(self._block(), []).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _VOID:
            if tag == "br":
                self._emit("\n")
            elif tag == "img" and values.get("alt"):
                self._emit(f" [{values['alt']}] ")
            elif tag == "hr":
                self._emit("\n")
            return
        if tag in _BREAKING:
            self._emit("\n")
        key = None
        block = values.get("data-block")
        if block:
            count = self.seen.get(block, 0) + 1
            self.seen[block] = count
            key = block if count == 1 else f"{block} #{count}"
            self.texts.setdefault(key, [])
        hidden = tag in _HIDDEN or bool(_DISPLAY_NONE.search(values.get("style") or ""))
        self.stack.append((tag, key, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag in _BREAKING or tag in ("td", "th"):
            self._emit("\n" if tag in _BREAKING else " ")

    def handle_data(self, data: str) -> None:
        self._emit(data)


def html_blocks(html_text: str) -> dict[str, str]:
    """Visible text by block (in document order); the shell's own text is under "(layout)"."""
    parser = _BlockText()
    parser.feed(html_text)
    parser.close()
    result: dict[str, str] = {}
    for key, pieces in parser.texts.items():
        lines = (" ".join(line.split()) for line in "".join(pieces).splitlines())
        text = "\n".join(line for line in lines if line)
        if text or key != LAYOUT:
            result[key] = text
    return result


@dataclass(frozen=True)
class BlockChange:
    block: str  # block id ("legal/privacy"), "(layout)" for the shell's own text
    status: str  # equal, changed, added, removed
    diff: TextDiff

    def as_json(self) -> dict[str, Any]:
        return {"block": self.block, "status": self.status, **self.diff.as_json()}


@dataclass(frozen=True)
class HtmlDiff:
    """An HTML-aware diff: the visible text of each block, compared block by block."""

    blocks: tuple[BlockChange, ...]
    order_changed: bool = False

    @property
    def changed(self) -> bool:
        return self.order_changed or any(b.status != "equal" for b in self.blocks)

    @property
    def changed_blocks(self) -> list[str]:
        return [b.block for b in self.blocks if b.status != "equal"]

    def as_json(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "order_changed": self.order_changed,
            "changed_blocks": self.changed_blocks,
            "blocks": [b.as_json() for b in self.blocks],
        }


def html_diff(old_html: str, new_html: str) -> HtmlDiff:
    """Compare two HTML renditions block by block (by their `data-block` attributes)."""
    old, new = html_blocks(old_html), html_blocks(new_html)
    old_keys, new_keys = list(old), list(new)
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            merged += new_keys[j1:j2]
        else:
            merged += [k for k in old_keys[i1:i2] if k not in new]
            merged += new_keys[j1:j2]
    seen: set[str] = set()
    changes = []
    for key in merged:
        if key in seen:
            continue
        seen.add(key)
        if key not in old:
            status = "added"
        elif key not in new:
            status = "removed"
        else:
            status = "equal" if old[key] == new[key] else "changed"
        changes.append(BlockChange(key, status, word_diff(old.get(key, ""), new.get(key, ""))))
    common_old = [k for k in old_keys if k in new]
    common_new = [k for k in new_keys if k in old]
    return HtmlDiff(tuple(changes), order_changed=common_old != common_new)
