"""Words and lines: the word diff a reviewer reads, and unified hunks."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:

    pass



EQUAL, INSERT, DELETE = "equal", "insert", "delete"
LAYOUT = "(layout)"  # the text of a channel shell outside every block
_WORD = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


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
