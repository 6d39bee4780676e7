"""A block as an editable document: front matter, then units (paragraphs, headings, lists and
raw source) made of inline runs, with Jinja kept as opaque atoms — and back to the same bytes.

The body is cut into *units* at blank lines. A unit the visual editor can represent becomes a
paragraph, an ATX heading, a flat list or a pipe table whose items (cells) are inline runs
(`Span` text with bold, italic, link and code marks; `Atom` for a `{{ … }}`, `{% … %}` or
`{# … #}` kept verbatim; `Break` for a line break). Anything else (quotes, code, nested lists,
statement lines, tables with Jinja between their rows, constructs we do not model) is a `raw`
unit: shown and written exactly as it was.

Writing never reformats what the author did not touch: `rewrite()` aligns the edited units
with the originals (by their canonical Markdown) and keeps each unchanged unit's original text
and the blank lines around it, so a diff shows only the units — the lines — that changed (in a
table, only the rows that changed). The
canonical Markdown a unit is written in is defined in `studio/core/fmt.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from studio.core.markdown import trailing_style

# The parser the studio renders with (commonmark + tables + strikethrough, no raw HTML); a
# separate instance because the rendering one drops relative links, which would lose text here.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_ATOM = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PLACEHOLDER_BASE = 0xE000  # private use: Markdown treats them as letters, nobody types them
_PLACEHOLDER = re.compile("[\ue000-\uf8ff]")
# A unit: non-blank lines, up to (not including) the newline of its last line.
_UNIT = re.compile(r"^[ \t]*\S[^\n]*(?:\n[ \t]*\S[^\n]*)*", re.M)
_FRONT = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Marks:
    bold: bool = False
    italic: bool = False
    href: str | None = None


PLAIN = Marks()


@dataclass(frozen=True)
class Span:
    text: str
    marks: Marks = PLAIN
    code: bool = False


@dataclass(frozen=True)
class Atom:
    """A Jinja expression, statement or comment, kept exactly as written."""

    source: str
    marks: Marks = PLAIN

    @property
    def kind(self) -> str:
        return {"{{": "field", "{%": "statement"}.get(self.source[:2], "comment")

    @property
    def expression(self) -> str:
        """The inside of `{{ … }}` (whitespace control and spaces trimmed)."""
        return self.source[2:-2].strip("-+ \t\n")


@dataclass(frozen=True)
class Break:
    hard: bool = True
    marks: Marks = PLAIN


Inline = Span | Atom | Break


@dataclass(frozen=True)
class Unit:
    """One stretch of the body between blank lines.

    kind is "paragraph", "heading" (level 1-6), "list" (ordered or not, one tuple of inline
    runs an item), "table" (its cells row by row, the header row first, `columns` a row, each
    column's alignment in `align`: "left", "right", "center" or "") or "raw"; `source` is the
    unit's text as read (without its last newline), "" for a unit made in the editor. A
    paragraph may have a named `style` (the project's `p.NAME` classes), written ` {.NAME}`.
    """

    kind: str
    items: tuple[tuple[Inline, ...], ...] = ()
    level: int = 0
    ordered: bool = False
    start: int = 1
    source: str = ""
    columns: int = 0
    align: tuple[str, ...] = ()
    style: str = ""  # a paragraph's named style (` {.note}` at its end), "" for none

    @property
    def rows(self) -> list[tuple[tuple[Inline, ...], ...]]:
        """A table's rows (the header first)."""
        return [self.items[n:n + self.columns] for n in range(0, len(self.items), self.columns)]

    def markdown(self) -> str:
        """The unit in canonical Markdown (a raw unit: its source)."""
        if self.kind == "raw":
            return self.source
        if self.kind == "heading":
            return "#" * self.level + " " + inline_markdown(self.items[0])
        if self.kind == "list":
            lines = []
            for n, item in enumerate(self.items):
                marker = f"{self.start + n}. " if self.ordered else "- "
                lines.append(marker + inline_markdown(item))  # a continuation: lazy
            return "\n".join(lines)
        if self.kind == "table":
            rows = [table_row(row) for row in self.rows]
            return "\n".join([rows[0], table_delimiter(self.align), *rows[1:]])
        text = inline_markdown(self.items[0])
        return f"{text} {{.{self.style}}}" if self.style and text else text


_DELIMITERS = {"left": ":---", "right": "---:", "center": ":---:"}


def table_row(cells: Sequence[Sequence[Inline]]) -> str:
    """A table row in canonical Markdown: `| a | b |`, an empty cell `| |`."""
    return "|" + "".join(f" {text} |" if text else " |"
                         for text in (inline_markdown(c, cell=True) for c in cells))


def table_delimiter(align: Sequence[str]) -> str:
    """The delimiter row: `|:---|---:|` (`---` unaligned, `:---:` centred)."""
    return "|" + "".join(_DELIMITERS.get(a, "---") + "|" for a in align)


@dataclass
class BlockDocument:
    """A block file cut into front matter and units; `text()` gives back the same bytes."""

    front: str
    lead: str
    units: list[Unit] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # the text after each unit (newlines)

    def text(self) -> str:
        return self.front + self.lead + "".join(
            u.source + g for u, g in zip(self.units, self.gaps, strict=True))

    @property
    def body_start_line(self) -> int:
        """The file line (1-based) where the body starts."""
        return self.front.count("\n") + 1


class _Unsupported(Exception):
    pass


def split_front_matter(text: str) -> tuple[str, str]:
    match = _FRONT.match(text)
    if match is None:
        return "", text
    return match.group(0), text[match.end():]


def parse_block(text: str) -> BlockDocument:
    """Cut a block file into its front matter and units (see the module docstring)."""
    front, body = split_front_matter(text)
    if "\r" in body:  # we only write "\n" endings: keep such a body whole, as it is
        return BlockDocument(front, "", [Unit("raw", source=body)], [""]) if body \
            else BlockDocument(front, "")
    spans = [(m.start(), m.end()) for m in _UNIT.finditer(body)]
    doc = BlockDocument(front, body[: spans[0][0]] if spans else body)
    for n, (begin, end) in enumerate(spans):
        following = spans[n + 1][0] if n + 1 < len(spans) else len(body)
        doc.units.append(parse_unit(body[begin:end]))
        doc.gaps.append(body[end:following])
    if doc.text() != text:  # never guess: a body we cut wrongly stays one raw unit
        return BlockDocument(front, "", [Unit("raw", source=body)], [""]) if body \
            else BlockDocument(front, "")
    return doc


def parse_unit(source: str) -> Unit:
    """A unit's structure, or a raw unit when it holds what the editor does not model."""
    try:
        return replace(_structured(source), source=source)
    except _Unsupported:
        return Unit("raw", source=source)


def _structured(source: str) -> Unit:
    if _PLACEHOLDER.search(source):
        raise _Unsupported
    atoms: list[str] = []

    def hide(match: re.Match[str]) -> str:
        atoms.append(match.group(0))
        return chr(_PLACEHOLDER_BASE + len(atoms) - 1)

    hidden = _ATOM.sub(hide, source)
    if len(atoms) > 0x18FF or "{{" in hidden or "{%" in hidden or "{#" in hidden:
        raise _Unsupported
    if atoms and not _PLACEHOLDER.sub("", hidden).strip():
        raise _Unsupported  # only Jinja (statement lines): the editor shows them as source
    tokens = _MD.parse(hidden)
    kinds = [t.type for t in tokens]
    if kinds == ["paragraph_open", "inline", "paragraph_close"]:
        runs = _inlines(tokens[1], atoms)
        last = runs[-1] if runs else None
        style = trailing_style(last.text) if isinstance(last, Span) and not last.code \
            and last.marks == PLAIN else None
        if style is not None and (style[0] or len(runs) > 1):
            # the style, as the renderer reads it (studio/core/markdown.py)
            runs = normalized((*runs[:-1], Span(last.text[:style[0]])))  # type: ignore[union-attr]
            return Unit("paragraph", (runs,), style=style[1])
        return Unit("paragraph", (runs,))
    if kinds == ["heading_open", "inline", "heading_close"] and tokens[0].markup.startswith("#"):
        return Unit("heading", (_inlines(tokens[1], atoms),), level=int(tokens[0].tag[1]))
    if kinds and kinds[0] in ("bullet_list_open", "ordered_list_open") \
            and kinds[-1] == kinds[0].replace("open", "close"):
        items = []
        body = kinds[1:-1]
        if len(body) % 5 or body != ["list_item_open", "paragraph_open", "inline",
                                     "paragraph_close", "list_item_close"] * (len(body) // 5):
            raise _Unsupported
        for n in range(len(body) // 5):
            items.append(_inlines(tokens[1 + n * 5 + 2], atoms))
        ordered = kinds[0] == "ordered_list_open"
        start = int(tokens[0].attrGet("start") or 1) if ordered else 1
        return Unit("list", tuple(items), ordered=ordered, start=start)
    if kinds and kinds[0] == "table_open":
        return _table(hidden, tokens, atoms)
    raise _Unsupported


_CELL_EDGE = re.compile(r"(?<!\\)\|")


def _table(hidden: str, tokens: list[Token], atoms: Sequence[str]) -> Unit:
    """A pipe table whose every line is one row between `|`s, cells of inline runs only."""
    cells: list[tuple[Inline, ...]] = []
    align: list[str] = []
    rows = 0
    in_header = False
    for token in tokens:
        if token.type == "thead_open":
            in_header = True
        elif token.type == "thead_close":
            in_header = False
        elif token.type == "tr_open":
            rows += 1
        elif token.type in ("th_open", "td_open"):
            if in_header:
                style = str(token.attrGet("style") or "")
                align.append(style.removeprefix("text-align:").strip())
        elif token.type == "inline":
            runs = _inlines(token, atoms)
            if any(isinstance(r, Break) for r in runs):
                raise _Unsupported
            cells.append(runs)
        elif token.type not in ("table_open", "table_close", "tbody_open", "tbody_close",
                                "tr_close", "th_close", "td_close"):
            raise _Unsupported
    lines = hidden.split("\n")
    columns = len(align)
    if not columns or len(cells) != rows * columns or len(lines) != rows + 1:
        raise _Unsupported
    for line in lines:  # each row written whole: no Jinja between rows, no missing cell
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1) \
                or len(_CELL_EDGE.findall(stripped)) != columns + 1:
            raise _Unsupported
    return Unit("table", tuple(cells), columns=columns, align=tuple(align))


def _restore(text: str, atoms: Sequence[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: atoms[ord(m.group(0)) - _PLACEHOLDER_BASE], text)


def _inlines(token: Token, atoms: Sequence[str]) -> tuple[Inline, ...]:
    runs: list[Inline] = []
    bold = italic = 0
    href: str | None = None
    for child in token.children or []:
        marks = Marks(bold > 0, italic > 0, href)
        kind = child.type
        if kind == "text":
            for piece in re.split("([\ue000-\uf8ff])", child.content):
                if not piece:
                    continue
                if _PLACEHOLDER.fullmatch(piece):
                    runs.append(Atom(atoms[ord(piece) - _PLACEHOLDER_BASE], marks))
                else:
                    runs.append(Span(piece, marks))
        elif kind == "code_inline":
            if "`" in child.content or child.content != child.content.strip():
                raise _Unsupported
            runs.append(Span(_restore(child.content, atoms), marks, code=True))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Break(kind == "hardbreak", marks))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open" and href is None and not child.attrGet("title"):
            href = _restore(unquote(str(child.attrGet("href") or "")), atoms)
        elif kind == "link_close":
            href = None
        else:
            raise _Unsupported  # images, strikethrough, _emphasis_ / __strong__ kept as written
    return normalized(runs)


def normalized(runs: Iterable[Inline]) -> tuple[Inline, ...]:
    """Adjacent spans with the same marks joined, empty spans dropped."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Span):
            if not run.text:
                continue
            last = out[-1] if out else None
            if isinstance(last, Span) and last.marks == run.marks and last.code == run.code:
                out[-1] = Span(last.text + run.text, run.marks, run.code)
                continue
        out.append(run)
    return tuple(out)


# Writing ------------------------------------------------------------------------------------

_ALWAYS = re.compile(r"([*`\[\]])")
_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|=+\s*$)")


def _escape_text(text: str, at_line_start: bool, before: str, after: str) -> str:
    # A backslash only matters before punctuation or at the end (where it would break a line).
    out = re.sub(r"\\(?=[!-/:-@\[-`{-~]|$)", r"\\\\", text)
    out = _ALWAYS.sub(r"\\\1", out)
    if "_" in out:  # `_` can only emphasise at a word's edge
        chars = before[-1:] + out + after[:1]
        offset = len(before[-1:])
        result = []
        for i, ch in enumerate(out):
            j = i + offset
            left = chars[j - 1] if j > 0 else " "
            right = chars[j + 1] if j + 1 < len(chars) else " "
            result.append("\\_" if ch == "_" and not (left.isalnum() and right.isalnum()) else ch)
        out = "".join(result)
    out = re.sub(r"&(?=#?\w+;)", r"\\&", out)
    out = re.sub(r"~(?=~)|(?<=~)~", r"\\~", out)
    out = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", out)
    if at_line_start:
        out = _LINE_START.sub(lambda m: "\\" + m.group(0), out, count=1)
        digits = re.match(r"^(\d{1,9})([.)])(\s|$)", out)
        if digits:
            out = digits.group(1) + "\\" + out[len(digits.group(1)):]
    return out


def _emphasis(run: Inline | None) -> tuple[bool, bool]:
    return (run.marks.bold, run.marks.italic) if run is not None else (False, False)


def _split_edges(runs: Sequence[Inline]) -> list[Inline]:
    """Whitespace at the edge of bold or italic moved outside it (`** x**` is not bold)."""
    out: list[Inline] = []
    for n, run in enumerate(runs):
        if isinstance(run, Span) and not run.code and (run.marks.bold or run.marks.italic):
            before = _emphasis(runs[n - 1]) if n else (False, False)
            after = _emphasis(runs[n + 1]) if n + 1 < len(runs) else (False, False)
            text = run.text
            bare = Marks(href=run.marks.href)
            core = text.strip(" \t")
            if not core:
                out.append(Span(text, bare) if before != _emphasis(run)
                           or after != _emphasis(run) else run)
                continue
            left = text[: len(text) - len(text.lstrip(" \t"))]
            right = text[len(text.rstrip(" \t")):]
            if left and before != _emphasis(run):
                out.append(Span(left, bare))
                text = text[len(left):]
            tail = None
            if right and after != _emphasis(run):
                tail = Span(right, bare)
                text = text[: len(text) - len(right)]
            out.append(Span(text, run.marks))
            if tail is not None:
                out.append(tail)
        else:
            out.append(run)
    return list(normalized(out))


def _mark_list(marks: Marks) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    if marks.href is not None:
        found.append(("link", marks.href))
    if marks.bold:
        found.append(("bold", None))
    if marks.italic:
        found.append(("italic", None))
    return found


def _closing(mark: tuple[str, str | None]) -> str:
    kind, href = mark
    return {"bold": "**", "italic": "*"}.get(kind) or f"]({href})"


def _opening(mark: tuple[str, str | None]) -> str:
    return {"bold": "**", "italic": "*", "link": "["}[mark[0]]


def inline_markdown(runs: Sequence[Inline], cell: bool = False) -> str:
    """Inline runs as canonical Markdown: `**bold**`, `*italic*`, `[text](href)`, `` `code` ``,
    atoms verbatim, a hard break as a backslash at the line's end; in a table CELL, `|` is
    escaped and nothing is at a line's start."""
    runs = _split_edges(runs)
    out: list[str] = []
    open_marks: list[tuple[str, str | None]] = []
    at_line_start = not cell
    plain = "".join(r.text if isinstance(r, Span) else "x" for r in runs)  # neighbours for `_`
    position = 0
    for index, run in enumerate(runs):
        want = _mark_list(run.marks)
        common = 0
        while common < min(len(open_marks), len(want)) and open_marks[common] == want[common]:
            common += 1
        for mark in reversed(open_marks[common:]):
            out.append(_closing(mark))
        for mark in want[common:]:
            out.append(_opening(mark))
        open_marks = want
        if isinstance(run, Break):
            if index == len(runs) - 1:
                continue  # a break at the end of a paragraph is no break in Markdown
            out.append("\\\n" if run.hard else "\n")
            at_line_start = True
            continue
        if isinstance(run, Atom):
            out.append(run.source)
            position += 1
            at_line_start = False
            continue
        text = run.text
        if (at_line_start or cell and not out) and not open_marks:
            text = text.lstrip(" \t")
        if run.code:
            if cell and "|" in text:
                text = text.replace("|", "\\|")
            out.append(f"`{text}`")
        else:
            before = plain[max(0, position - 1):position]
            after = plain[position + len(run.text):position + len(run.text) + 1]
            escaped = _escape_text(text, at_line_start and not open_marks, before, after)
            out.append(escaped.replace("|", "\\|") if cell else escaped)
        position += len(run.text)
        at_line_start = False
    for mark in reversed(open_marks):
        out.append(_closing(mark))
    return "".join(out).rstrip(" \t")


def rewrite(doc: BlockDocument, units: Sequence[Unit]) -> str:
    """The block's text with `units` as its body: each unit equal (in canonical Markdown) to an
    original keeps its original text and the blank lines after it; changed and new units are
    written canonically, one blank line apart."""
    old = [u.markdown() for u in doc.units]
    new = [u.markdown() for u in units]
    pieces: list[tuple[str, str | None]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                pieces.append((doc.units[i1 + k].source, doc.gaps[i1 + k]))
        elif op in ("replace", "insert"):
            for k in range(j2 - j1):
                gap = doc.gaps[i1 + k] if op == "replace" and i1 + k < i2 else None
                text = new[j1 + k]
                if gap is not None and doc.units[i1 + k].kind == units[j1 + k].kind == "table":
                    text = _table_rows_kept(doc.units[i1 + k], text)
                pieces.append((text, gap))
    if not pieces:
        return doc.front + doc.lead
    ending = doc.gaps[-1] if doc.gaps and doc.gaps[-1] else "\n"
    out = [doc.front, doc.lead]
    for n, (text, gap) in enumerate(pieces):
        last = n == len(pieces) - 1
        if last:
            gap = gap if gap and gap.count("\n") == ending.count("\n") and gap == ending \
                else ending
        elif gap is None or gap.count("\n") < 2:
            gap = "\n\n"
        out.append(text + gap)
    return "".join(out)


def _table_rows_kept(old: Unit, new: str) -> str:
    """NEW (a table's canonical Markdown) with each line equal to one of OLD's, canonically,
    written as OLD wrote it: an edited cell changes its row's line, nothing else."""
    written = old.source.split("\n")
    canonical = old.markdown().split("\n")
    if len(written) != len(canonical):
        return new
    lines = new.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=canonical, b=lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        out.extend(written[i1:i2] if op == "equal" else lines[j1:j2])
    return "\n".join(out)


def atoms_in(units: Iterable[Unit]) -> list[Atom]:
    return [run for unit in units for item in unit.items for run in item
            if isinstance(run, Atom)]
