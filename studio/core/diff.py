"""Compare two versions: source diffs (lines and words) and rendered diffs per channel."""

from __future__ import annotations

import difflib
import email
import email.policy
import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.history import WORKTREE, Repository, describe_path, open_repository
from studio.core.problems import ProblemError, error

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from studio.core.channels import Rendition
    from studio.core.project import Project

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
LAYOUT = "(layout)"  # the text of a channel shell outside every block
_WORD = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_BINARY_PROBE = 8000


# Words ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    tag: str  # equal, insert, delete
    text: str


@dataclass(frozen=True)
class TextDiff:
    """A word diff of two texts: the segments read in order give both versions."""

    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.tag != EQUAL for s in self.segments)

    @property
    def old(self) -> str:
        return "".join(s.text for s in self.segments if s.tag != INSERT)

    @property
    def new(self) -> str:
        return "".join(s.text for s in self.segments if s.tag != DELETE)

    def as_json(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "segments": [[s.tag, s.text] for s in self.segments],
        }


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def word_diff(old: str, new: str) -> TextDiff:
    """Word-level diff of two texts (words, spaces and punctuation are the units)."""
    a, b = _tokens(old), _tokens(new)
    segments: list[Segment] = []

    def add(tag: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].tag == tag:
            segments[-1] = Segment(tag, segments[-1].text + text)
        else:
            segments.append(Segment(tag, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add(EQUAL, "".join(a[i1:i2]))
        else:
            add(DELETE, "".join(a[i1:i2]))
            add(INSERT, "".join(b[j1:j2]))
    return TextDiff(tuple(segments))


def word_spans(
    old: str, new: str
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """The character spans of the words that differ, in the old line and in the new one."""
    a, b = _tokens(old), _tokens(new)
    offsets_a = _offsets(a)
    offsets_b = _offsets(b)
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            _add_span(spans_a, offsets_a[i1], offsets_a[i2])
        if j2 > j1:
            _add_span(spans_b, offsets_b[j1], offsets_b[j2])
    return tuple(spans_a), tuple(spans_b)


def _offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _add_span(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


# Lines ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    tag: str  # equal, insert, delete
    text: str  # without its line ending
    old_line: int | None  # 1-based, None for an inserted line
    new_line: int | None  # 1-based, None for a deleted line
    spans: tuple[tuple[int, int], ...] = ()  # changed words, for a line replaced by another


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        return (
            f"@@ -{_range(self.old_start, self.old_count)} "
            f"+{_range(self.new_start, self.new_count)} @@"
        )


def _range(start: int, count: int) -> str:
    if count == 1:
        return str(start)
    return f"{start - 1 if count == 0 else start},{count}"


def line_diff(old: str, new: str, context: int = 3) -> tuple[Hunk, ...]:
    """Hunks of a line diff; a replaced line is paired with its replacement and carries the
    spans of the words that changed."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [DiffLine(EQUAL, a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            spans_old: dict[int, tuple[tuple[int, int], ...]] = {}
            spans_new: dict[int, tuple[tuple[int, int], ...]] = {}
            if op == "replace":
                for k in range(min(i2 - i1, j2 - j1)):
                    spans_old[i1 + k], spans_new[j1 + k] = word_spans(a[i1 + k], b[j1 + k])
            lines += [
                DiffLine(DELETE, a[i], i + 1, None, spans_old.get(i, ())) for i in range(i1, i2)
            ]
            lines += [
                DiffLine(INSERT, b[j], None, j + 1, spans_new.get(j, ())) for j in range(j1, j2)
            ]
        first, last = group[0], group[-1]
        hunks.append(
            Hunk(
                old_start=first[1] + 1,
                old_count=last[2] - first[1],
                new_start=first[3] + 1,
                new_count=last[4] - first[3],
                lines=tuple(lines),
            )
        )
    return tuple(hunks)


@dataclass(frozen=True)
class FileDiff:
    path: str  # at REV_B (or at REV_A for a deleted file)
    old_path: str  # at REV_A (differs from path after a rename)
    status: str  # added, deleted, modified, renamed
    name: str  # as a reviewer reads it: "block legal/privacy"
    hunks: tuple[Hunk, ...]
    binary: bool = False

    @property
    def insertions(self) -> int:
        return sum(line.tag == INSERT for hunk in self.hunks for line in hunk.lines)

    @property
    def deletions(self) -> int:
        return sum(line.tag == DELETE for hunk in self.hunks for line in hunk.lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "old_path": self.old_path,
            "status": self.status,
            "name": self.name,
            "binary": self.binary,
            "insertions": self.insertions,
            "deletions": self.deletions,
            "hunks": [
                {
                    "header": hunk.header,
                    "lines": [
                        {
                            "tag": line.tag,
                            "text": line.text,
                            "old_line": line.old_line,
                            "new_line": line.new_line,
                            "spans": [list(s) for s in line.spans],
                        }
                        for line in hunk.lines
                    ],
                }
                for hunk in self.hunks
            ],
        }


@dataclass(frozen=True)
class SourceDiff:
    rev_a: str  # full hashes (or WORKTREE)
    rev_b: str
    files: tuple[FileDiff, ...]

    @property
    def changed(self) -> bool:
        return bool(self.files)

    def as_json(self) -> dict[str, Any]:
        return {
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "files": [f.as_json() for f in self.files],
        }


def _resolve(repository: Repository, rev: str) -> str:
    return WORKTREE if rev == WORKTREE else repository.resolve(rev)


def _text(data: bytes | None) -> tuple[str, bool]:
    if data is None:
        return "", False
    if b"\0" in data[:_BINARY_PROBE]:
        return "", True
    return data.decode("utf-8", errors="replace"), False


def file_diff(
    repository: Repository, path: str, old_path: str, rev_a: str, rev_b: str, context: int = 3
) -> FileDiff | None:
    """The diff of one file between two resolved revisions; None when it did not change."""
    old_data = repository.blob(old_path, rev_a) if old_path else None
    new_data = repository.blob(path, rev_b) if path else None
    if old_data == new_data and old_path == path:
        return None
    if old_data is None and new_data is None:
        return None
    if old_data is None:
        status = "added"
    elif new_data is None:
        status = "deleted"
    elif old_path != path:
        status = "renamed"
    else:
        status = "modified"
    old_text, old_binary = _text(old_data)
    new_text, new_binary = _text(new_data)
    shown = path or old_path
    binary = old_binary or new_binary
    hunks = () if binary else line_diff(old_text, new_text, context)
    return FileDiff(
        path=shown,
        old_path=old_path if old_data is not None else "",
        status=status,
        name=describe_path(shown),
        hunks=hunks,
        binary=binary,
    )


def source_diff(
    root: str | os.PathLike[str] | Repository,
    rev_a: str,
    rev_b: str,
    path: str | None = None,
    *,
    context: int = 3,
) -> SourceDiff:
    """The source diff between two revisions (REV_B may be WORKTREE: the files on disk), of
    one PATH (followed across a rename) or of every file that changed."""
    repository = open_repository(root)
    commit_a, commit_b = _resolve(repository, rev_a), _resolve(repository, rev_b)
    files: list[FileDiff] = []
    if path is not None:
        relative = repository.relative(path)
        new_path = relative if repository.blob(relative, commit_b) is not None else ""
        old_path = _old_path(repository, relative, commit_a, commit_b)
        if new_path == "" and old_path is None:
            raise ProblemError(
                error(relative, 0, 0, f"{describe_path(relative)} exists at neither revision")
            )
        found = file_diff(repository, new_path, old_path or "", commit_a, commit_b, context)
        files = [found] if found is not None else []
    else:
        for old, new in _changed_paths(repository, commit_a, commit_b):
            found = file_diff(repository, new, old, commit_a, commit_b, context)
            if found is not None:
                files.append(found)
    return SourceDiff(commit_a, commit_b, tuple(files))


def _old_path(repository: Repository, path: str, rev_a: str, rev_b: str) -> str | None:
    """PATH's name at REV_A: itself, the source of a rename between the two trees (one tree
    diff, cheap), or else any earlier name in its history."""
    if rev_a == WORKTREE or repository.blob(path, rev_a) is not None:
        return path
    for old, new in _changed_paths(repository, rev_a, rev_b):
        if new == path and old and repository.blob(old, rev_a) is not None:
            return old
    return repository.path_at(path, rev_a)


def _changed_paths(repository: Repository, rev_a: str, rev_b: str) -> list[tuple[str, str]]:
    """(old path, new path) of every file that differs: one `git diff --name-status`."""
    if rev_a == WORKTREE:
        raise ProblemError(error(rev_a, 0, 0, "the first revision must be a commit"))
    command = ["git", "-c", "core.quotePath=false", "diff", "--name-status", "-z", "-M", rev_a]
    if rev_b != WORKTREE:
        command.append(rev_b)
    command += ["--", repository.prefix or "."]
    with repository._lock:
        out = str(repository.repo.git.execute(command, strip_newline_in_stdout=False))
    fields = out.split("\0")
    pairs: list[tuple[str, str]] = []
    index = 0
    strip = repository._project_path
    while index < len(fields):
        code = fields[index]
        index += 1
        if not code:
            continue
        if code[0] in "RC":
            old, new = strip(fields[index]), strip(fields[index + 1])
            index += 2
            pairs.append((old, new))
            continue
        path = strip(fields[index])
        index += 1
        if code[0] == "A":
            pairs.append(("", path))
        elif code[0] == "D":
            pairs.append((path, ""))
        else:
            pairs.append((path, path))
    if rev_b == WORKTREE:
        pairs += [("", c.path) for c in repository.status() if c.kind == "untracked"]
    return sorted(pairs, key=lambda p: p[1] or p[0])


# Terminal output --------------------------------------------------------------------------

_RED, _GREEN, _CYAN, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"
_RED_WORD, _GREEN_WORD = "\x1b[1;97;41m", "\x1b[1;30;42m"


def _use_colour(color: bool | None) -> bool:
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def format_unified(diff: SourceDiff) -> str:
    """A plain unified diff (as `git diff` prints it)."""
    return format_terminal(diff, color=False)


def format_terminal(diff: SourceDiff, color: bool | None = None) -> str:
    """The diff for a terminal: unified, with ANSI colours and the changed words highlighted
    when stdout is a terminal (or color=True)."""
    colour = _use_colour(color)
    out: list[str] = []
    for file in diff.files:
        heading = f"{file.name}: {file.status}"
        if file.status == "renamed":
            heading += f" from {file.old_path}"
        out.append(f"{_BOLD}{heading}{_RESET}" if colour else heading)
        a = f"a/{file.old_path}" if file.old_path else "/dev/null"
        b = f"b/{file.path}" if file.status != "deleted" else "/dev/null"
        out += [f"--- {a}", f"+++ {b}"]
        if file.binary:
            out.append("Binary files differ")
            continue
        for hunk in file.hunks:
            out.append(f"{_CYAN}{hunk.header}{_RESET}" if colour else hunk.header)
            for line in hunk.lines:
                out.append(_terminal_line(line, colour))
    return "\n".join(out) + ("\n" if out else "")


def _terminal_line(line: DiffLine, colour: bool) -> str:
    mark = {EQUAL: " ", INSERT: "+", DELETE: "-"}[line.tag]
    if not colour:
        return mark + line.text
    if line.tag == EQUAL:
        return mark + line.text
    base = _GREEN if line.tag == INSERT else _RED
    word = _GREEN_WORD if line.tag == INSERT else _RED_WORD
    parts, at = [base, mark], 0
    for start, end in line.spans:
        parts += [line.text[at:start], word, line.text[start:end], _RESET, base]
        at = end
    parts += [line.text[at:], _RESET]
    return "".join(parts)


def format_words(diff: TextDiff, color: bool | None = None, *, only_changed: bool = False) -> str:
    """A word diff: coloured on a terminal, else [-deleted-]{+inserted+} as git shows it.
    With only_changed, just the lines that hold a change."""
    colour = _use_colour(color)
    lines: list[list[str]] = [[]]
    touched = [False]
    for segment in diff.segments:
        pieces = segment.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
                touched.append(False)
            if not piece:
                continue
            if segment.tag == EQUAL:
                lines[-1].append(piece)
                continue
            touched[-1] = True
            if colour:
                style = _RED_WORD if segment.tag == DELETE else _GREEN_WORD
                lines[-1].append(f"{style}{piece}{_RESET}")
            else:
                lines[-1].append(f"[-{piece}-]" if segment.tag == DELETE else f"{{+{piece}+}}")
    kept = [
        "".join(parts)
        for parts, changed in zip(lines, touched, strict=True)
        if changed or not only_changed
    ]
    return "\n".join(kept)


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


# Print: page images -----------------------------------------------------------------------

_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe


@dataclass(frozen=True)
class Region:
    """A changed area of a page, in pixels of the page image (at PrintDiff.dpi)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def area(self) -> int:
        return (self.x1 - self.x0) * (self.y1 - self.y0)


@dataclass(frozen=True)
class PageChange:
    page: int  # 1-based
    status: str  # changed, added (only in B), removed (only in A)
    regions: tuple[Region, ...]
    image: str | None = None  # the side-by-side PNG, when an output folder was given

    def as_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "status": self.status,
            "regions": [[r.x0, r.y0, r.x1, r.y1] for r in self.regions],
            "image": self.image,
        }


@dataclass(frozen=True)
class PrintDiff:
    pages_a: int
    pages_b: int
    dpi: float
    pages: tuple[PageChange, ...]  # the pages that differ, and only those

    @property
    def changed_pages(self) -> list[int]:
        return [p.page for p in self.pages]

    @property
    def changed(self) -> bool:
        return bool(self.pages) or self.pages_a != self.pages_b

    def as_json(self) -> dict[str, Any]:
        return {
            "pages_a": self.pages_a,
            "pages_b": self.pages_b,
            "dpi": self.dpi,
            "changed_pages": self.changed_pages,
            "pages": [p.as_json() for p in self.pages],
        }


def page_images(pdf: bytes, dpi: float = 80) -> list[PILImage.Image]:
    """Every page of a PDF as an RGB image, rasterized in process by PDFium."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            images = []
            for index in range(len(document)):
                page = document[index]
                try:
                    bitmap = page.render(scale=dpi / 72)
                    images.append(bitmap.to_pil().convert("RGB"))
                finally:
                    page.close()
            return images
        finally:
            document.close()


def changed_regions(
    a: PILImage.Image, b: PILImage.Image, *, tile: int = 8, gap: int = 2, threshold: int = 24
) -> tuple[Region, ...]:
    """Bounding boxes of the pixels that differ between two page images; boxes closer than
    `gap` tiles are merged, so a changed paragraph is one region, not one per glyph."""
    from PIL import Image, ImageChops, ImageFilter

    width, height = max(a.width, b.width), max(a.height, b.height)
    if a.size != b.size:
        a, b = _padded(a, (width, height)), _padded(b, (width, height))
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > threshold else 0)
    if mask.getbbox() is None:
        return ()
    columns, rows = -(-width // tile), -(-height // tile)
    grid = mask.resize((columns, rows), Image.Resampling.BOX, reducing_gap=None)
    grid = grid.point(lambda v: 255 if v > 0 else 0)
    grown = grid.filter(ImageFilter.MaxFilter(2 * gap + 1)) if gap else grid
    changed_cells = grid.tobytes()
    cells = grown.tobytes()
    label = [0] * len(cells)
    boxes: list[list[int]] = []
    for start in range(len(cells)):
        if not cells[start] or label[start]:
            continue
        label[start] = len(boxes) + 1
        stack = [start]
        box = [columns, rows, -1, -1]
        while stack:
            cell = stack.pop()
            y, x = divmod(cell, columns)
            if changed_cells[cell]:
                box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
            for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
                if 0 <= nx < columns and 0 <= ny < rows:
                    neighbour = ny * columns + nx
                    if cells[neighbour] and not label[neighbour]:
                        label[neighbour] = label[start]
                        stack.append(neighbour)
        if box[2] >= 0:
            boxes.append(box)
    regions = []
    for x0, y0, x1, y1 in boxes:
        area = (x0 * tile, y0 * tile, min(width, (x1 + 1) * tile), min(height, (y1 + 1) * tile))
        tight = mask.crop(area).getbbox()
        if tight is None:
            continue
        regions.append(
            Region(area[0] + tight[0], area[1] + tight[1], area[0] + tight[2], area[1] + tight[3])
        )
    return tuple(_merge(regions, gap * tile))


def _padded(image: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    from PIL import Image

    canvas = Image.new("RGB", size, "white")
    canvas.paste(image, (0, 0))
    return canvas


def _merge(regions: list[Region], distance: int) -> list[Region]:
    """Merge regions that overlap or lie within `distance` pixels, until none do."""
    merged = list(regions)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                r, s = merged[i], merged[j]
                if (
                    r.x0 - distance <= s.x1
                    and s.x0 - distance <= r.x1
                    and r.y0 - distance <= s.y1
                    and s.y0 - distance <= r.y1
                ):
                    merged[i] = Region(
                        min(r.x0, s.x0), min(r.y0, s.y0), max(r.x1, s.x1), max(r.y1, s.y1)
                    )
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return sorted(merged, key=lambda r: (r.y0, r.x0))


def print_diff(
    pdf_a: bytes,
    pdf_b: bytes,
    *,
    dpi: float = 80,
    output_dir: str | os.PathLike[str] | None = None,
    labels: tuple[str, str] = ("A", "B"),
    stem: str = "page",
) -> PrintDiff:
    """Compare two PDFs page by page. With an output folder, write for each changed page a
    side-by-side PNG (A | B) with the changed regions outlined and tinted in red."""
    if pdf_a == pdf_b:
        # same bytes, same pages (print output is deterministic): nothing to rasterize
        return PrintDiff(_page_count(pdf_a), _page_count(pdf_b), dpi, ())
    images_a, images_b = page_images(pdf_a, dpi), page_images(pdf_b, dpi)
    pages: list[PageChange] = []
    for index in range(max(len(images_a), len(images_b))):
        a = images_a[index] if index < len(images_a) else None
        b = images_b[index] if index < len(images_b) else None
        if a is not None and b is not None:
            if a.size == b.size and a.tobytes() == b.tobytes():
                continue
            status, regions = "changed", changed_regions(a, b)
            if not regions:
                continue
        else:
            only = a if a is not None else b
            assert only is not None
            status = "removed" if b is None else "added"
            regions = (Region(0, 0, only.width, only.height),)
        image = None
        if output_dir is not None:
            folder = Path(output_dir)
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{stem}-{index + 1}.png"
            side_by_side(a, b, regions, labels, index + 1, (len(images_a), len(images_b))).save(
                target, optimize=True
            )
            image = str(target)
        pages.append(PageChange(index + 1, status, regions, image))
    return PrintDiff(len(images_a), len(images_b), dpi, tuple(pages))


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def side_by_side(
    a: PILImage.Image | None,
    b: PILImage.Image | None,
    regions: Sequence[Region],
    labels: tuple[str, str],
    page: int,
    counts: tuple[int, int],
) -> PILImage.Image:
    """Page A beside page B, the changed regions tinted and outlined in red on both."""
    from PIL import Image, ImageDraw, ImageFont

    reference = a if a is not None else b
    assert reference is not None
    width, height = reference.size
    if a is not None and b is not None:
        width, height = max(a.width, b.width), max(a.height, b.height)
    margin, gap, band = 16, 24, 34
    canvas = Image.new("RGB", (2 * width + gap + 2 * margin, height + band + margin), "#d9dce1")
    draw = ImageDraw.Draw(canvas)
    try:
        font: Any = ImageFont.load_default(size=15)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    for side, (image, label, count) in enumerate(zip((a, b), labels, counts, strict=True)):
        left = margin + side * (width + gap)
        caption = (
            f"{label} · page {page} of {count}"
            if image is not None
            else f"{label} · no page {page}"
        )
        draw.text((left, 9), caption, fill="#1d1d1f", font=font)
        if image is None:
            draw.rectangle(
                (left, band, left + width - 1, band + height - 1), fill="#eceef1", outline="#9aa0a6"
            )
            continue
        canvas.paste(image, (left, band))
        draw.rectangle(
            (left - 1, band - 1, left + image.width, band + image.height), outline="#9aa0a6"
        )
    tint = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    tint_draw = ImageDraw.Draw(tint)
    for side, image in enumerate((a, b)):
        if image is None:
            continue
        left = margin + side * (width + gap)
        for region in regions:
            box = (
                left + region.x0 - 3,
                band + region.y0 - 3,
                left + region.x1 + 2,
                band + region.y1 + 2,
            )
            tint_draw.rectangle(box, fill=(230, 20, 20, 48), outline=(220, 0, 0, 255), width=2)
            # a bar in the margin, so a small change is found at a glance on a full page
            tint_draw.rectangle((left - 11, box[1], left - 5, box[3]), fill=(220, 0, 0, 255))
    canvas = Image.alpha_composite(canvas.convert("RGBA"), tint).convert("RGB")
    return canvas


# Rendered diffs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedDiff:
    """One template on one channel, rendered at two revisions with the same record, compared."""

    template: str
    channel: str
    sample: str
    locale: str
    rev_a: str  # full hashes
    rev_b: str
    facts_a: Mapping[str, Any] = field(default_factory=dict)
    facts_b: Mapping[str, Any] = field(default_factory=dict)
    text: TextDiff | None = None  # sms text; email text/plain part
    html: HtmlDiff | None = None  # email and mobile
    print: PrintDiff | None = None
    fields: Mapping[str, TextDiff] = field(default_factory=dict)  # email subject, preheader
    notes: tuple[str, ...] = ()  # how the record was fitted to a revision's schema

    @property
    def changed(self) -> bool:
        parts: list[Any] = [self.text, self.html, self.print, *self.fields.values()]
        return any(part is not None and part.changed for part in parts)

    @property
    def changed_pages(self) -> list[int]:
        return self.print.changed_pages if self.print is not None else []

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "template": self.template,
            "channel": self.channel,
            "sample": self.sample,
            "locale": self.locale,
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "changed": self.changed,
            "facts_a": dict(self.facts_a),
            "facts_b": dict(self.facts_b),
        }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.fields:
            data["fields"] = {name: d.as_json() for name, d in self.fields.items()}
        if self.text is not None:
            data["text"] = self.text.as_json()
        if self.html is not None:
            data["html"] = self.html.as_json()
        if self.print is not None:
            data.update(self.print.as_json())
        return data


def _pick_sample(project: Project, name: str | None) -> str:
    if name is not None:
        return name
    default = str(project.config.raw.get("default_sample") or "")
    if default:
        return default
    if not project.samples:
        raise ProblemError(error("data/samples", 0, 0, "the project has no sample records"))
    return sorted(project.samples)[0]


def _record_at(
    project: Project, label: str, sample_name: str, record: Mapping[str, Any], record_path: str
) -> tuple[Mapping[str, Any], str, str | None]:
    """The record to render PROJECT (one revision) with, its path, and a note when it differs.

    The same record on both sides shows what the project's changes do. When a revision's
    schema does not accept it (the schema gained fields since), the fields it does not know
    are left out and the note names them; when even that does not fit, the revision's own
    sample of the same name is used."""
    from studio.core.schema import fit_record, record_problems

    if not record_problems(project.schema, record, record_path):
        return record, record_path, None
    fitted, dropped = fit_record(project.schema, record)
    if dropped and not record_problems(project.schema, fitted, record_path):
        names = ", ".join(dropped)
        return fitted, record_path, (
            f"at {label} the schema does not have {names}: "
            f"sample {sample_name!r} rendered without {'it' if len(dropped) == 1 else 'them'}"
        )
    own = project.samples.get(sample_name)
    if own is not None and not record_problems(project.schema, own.record, own.path):
        return own.record, own.path, f"at {label} sample {sample_name!r} as it was then"
    return record, record_path, None  # the render reports what does not fit


def _render_at(
    project: Project,
    label: str,
    template: str,
    channel: str,
    record: Mapping[str, Any],
    record_path: str,
    locale: str,
) -> Rendition:
    from studio.core.render import render

    found = project.templates.get(template)
    if found is None:
        raise ProblemError(
            error(
                f"templates/{template}.yaml",
                0,
                0,
                f"template {template!r} does not exist at {label}",
            )
        )
    try:
        return render(project, found, channel, record, locale, record_path=record_path)
    except ProblemError as exc:
        p = exc.problem
        raise ProblemError(error(p.path, p.line, p.col, f"at {label}: {p.message}")) from None


def _email_parts(content: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(content, policy=email.policy.default)
    plain = message.get_body(("plain",))  # type: ignore[attr-defined]
    rich = message.get_body(("html",))  # type: ignore[attr-defined]
    return (
        plain.get_content() if plain is not None else "",
        rich.get_content() if rich is not None else "",
    )


def rendered_diff(
    root: str | os.PathLike[str] | Repository,
    rev_a: str,
    rev_b: str,
    template: str,
    channel: str,
    *,
    sample: str | None = None,
    locale: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    dpi: float = 80,
) -> RenderedDiff:
    """Render TEMPLATE on CHANNEL at both revisions and compare what a customer would get.

    Both sides use the same record: the sample as it is at REV_B (or at REV_A when REV_B does
    not have it), so the diff shows what the project's changes do, not the record's."""
    repository = open_repository(root)
    commit_a, commit_b = _resolve(repository, rev_a), _resolve(repository, rev_b)
    project_a, project_b = repository.project_at(commit_a), repository.project_at(commit_b)
    sample_name = _pick_sample(project_b, sample)
    found = project_b.samples.get(sample_name) or project_a.samples.get(sample_name)
    if found is None:
        known = ", ".join(sorted(set(project_a.samples) | set(project_b.samples))) or "none"
        raise ProblemError(
            error(
                f"data/samples/{sample_name}.json",
                0,
                0,
                f"no sample {sample_name!r} at either revision (samples: {known})",
            )
        )
    locale = locale or project_b.config.default_locale
    label_a, label_b = _label(commit_a), _label(commit_b)
    notes: list[str] = []
    sides = []
    for project, label in ((project_a, label_a), (project_b, label_b)):
        record, path, note = _record_at(project, label, sample_name, found.record, found.path)
        if note:
            notes.append(note)
        sides.append(_render_at(project, label, template, channel, record, path, locale))
    a, b = sides
    common: dict[str, Any] = {
        "template": template,
        "channel": channel,
        "sample": sample_name,
        "locale": locale,
        "rev_a": commit_a,
        "rev_b": commit_b,
        "facts_a": _plain_facts(a.facts),
        "facts_b": _plain_facts(b.facts),
        "notes": tuple(notes),
    }
    if channel == "sms":
        return RenderedDiff(**common, text=word_diff(_sms_text(a), _sms_text(b)))
    if channel == "email":
        text_a, html_a = _email_parts(a.content)
        text_b, html_b = _email_parts(b.content)
        fields = {
            name: word_diff(str(a.facts.get(name, "")), str(b.facts.get(name, "")))
            for name in ("subject", "preheader")
        }
        return RenderedDiff(
            **common, text=word_diff(text_a, text_b), html=html_diff(html_a, html_b), fields=fields
        )
    if channel == "mobile":
        return RenderedDiff(
            **common,
            html=html_diff(
                a.content.decode("utf-8", "replace"), b.content.decode("utf-8", "replace")
            ),
        )
    if channel == "print":
        stem = f"{template.replace('/', '_')}-print-{sample_name}-{locale}-page"
        result = print_diff(
            a.content,
            b.content,
            dpi=dpi,
            output_dir=output_dir,
            labels=(f"A {label_a}", f"B {label_b}"),
            stem=stem,
        )
        return RenderedDiff(**common, print=result)
    raise ProblemError(error(template, 0, 0, f"unknown channel {channel!r}"))


def _label(commit: str) -> str:
    return "the working tree" if commit == WORKTREE else commit[:10]


def _sms_text(rendition: Rendition) -> str:
    text = rendition.facts.get("text")
    return str(text) if text is not None else rendition.content.decode("utf-8", "replace")


def _plain_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if isinstance(v, str | int | float | bool)}


def iter_changed_blocks(diff: RenderedDiff) -> Iterator[BlockChange]:
    """The blocks whose visible text changed (email and mobile)."""
    if diff.html is not None:
        yield from (b for b in diff.html.blocks if b.status != "equal")
