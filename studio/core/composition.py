"""Composition by hand: a template's body read as cards and edited without losing a byte.

The composition view shows `body:` of templates/<name>.yaml as a list of cards (block,
channels, condition) and edits it: move, insert, remove, set a card's channels or condition.
Every edit returns the file's new text; the author's comments, quoting and layout are kept:

- unchanged → the same bytes (nothing is rewritten);
- move, insert and remove work on the lines of the items: an item is its own lines plus the
  comment lines right above its dash, so a moved card takes its comment along and only the
  moved lines change in a diff;
- a card's channels or condition is changed with ruamel.yaml's round trip (comments, flow
  style and quotes preserved) on that item alone.

A body this module cannot edit safely (not a block list, flow style `body: [...]`, YAML that
does not parse) raises CompositionError with a message; the YAML source stays editable.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from studio.core.messages import Message, msg


class CompositionError(ValueError):
    """The body cannot be edited as cards; MESSAGE says why, for the author."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Card:
    """One item of a template's body as the composition view shows it."""

    block: str
    channels: tuple[str, ...] | None = None
    when: str | None = None
    has_params: bool = False
    line: int = 0  # 1-based line of the item's dash


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long subject line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(text: str) -> tuple[CommentedMap, CommentedSeq]:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise CompositionError(msg("the template is not valid YAML: {reason}",
                                   reason=str(exc).splitlines()[0])) from None
    body = data.get("body") if isinstance(data, CommentedMap) else None
    if not isinstance(body, CommentedSeq) or body.fa.flow_style():
        raise CompositionError(msg("the body is not a list of blocks, one a line: "
                                   "edit it as source"))
    return data, body


def _card(item: Any, line: int) -> Card:
    if isinstance(item, str):
        return Card(item.strip().removesuffix(".md"), line=line)
    if isinstance(item, CommentedMap) and isinstance(item.get("block"), str):
        channels = item.get("channels")
        when = item.get("when")
        return Card(
            str(item["block"]).strip().removesuffix(".md"),
            tuple(str(c) for c in channels) if isinstance(channels, list) else None,
            None if when is None else str(when),
            bool(item.get("with")),
            line,
        )
    raise CompositionError(msg("body item at line {line} has no block: edit it as source",
                               line=line))


def read_cards(text: str) -> list[Card]:
    """The cards of the template TEXT's body, in order."""
    _, body = _load(text)
    return [_card(item, body.lc.item(i)[0] + 1) for i, item in enumerate(body)]


# Items as lines -------------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spans(text: str) -> tuple[list[str], list[tuple[int, int]], int]:
    """The lines of TEXT, each body item's [start, end) line span, and the dashes' column."""
    _, body = _load(text)
    lines = text.splitlines(keepends=True)
    if not len(body):
        raise CompositionError(msg("the body is empty: add a block in the source"))
    dashes = [body.lc.item(i)[0] for i in range(len(body))]
    column = _indent(lines[dashes[0]])
    for dash in dashes:
        if not lines[dash].lstrip(" ").startswith("-") or _indent(lines[dash]) != column:
            raise CompositionError(msg("the body is not a list of blocks, one a line: "
                                       "edit it as source"))
    spans = []
    for dash in dashes:
        start = dash
        while (start > 0 and lines[start - 1].lstrip(" ").startswith("#")
               and _indent(lines[start - 1]) == column):
            start -= 1
        end = dash + 1
        # The item's lines: deeper than its dash, blank lines inside it included.
        while end < len(lines) and any(_indent(line) > column
                                       for line in _until_content(lines, end)):
            end += 1
        spans.append((start, end))
    return lines, spans, column


def _until_content(lines: Sequence[str], index: int) -> Iterable[str]:
    """The first non-blank line at or after INDEX (nothing when there is none)."""
    for line in lines[index:]:
        if line.strip():
            yield line
            return


def _with_newline(chunk: list[str]) -> list[str]:
    if chunk and not chunk[-1].endswith("\n"):
        return [*chunk[:-1], chunk[-1] + "\n"]
    return chunk


def _rebuild(lines: list[str], spans: list[tuple[int, int]], order: list[list[str]]) -> str:
    """LINES with the item spans' contents replaced, slot by slot, by ORDER's chunks."""
    out: list[str] = []
    position = 0
    last = len(spans) - 1
    for slot, (start, end) in enumerate(spans):
        out += lines[position:start]
        chunk = order[slot] if slot < len(order) else []
        had_newline = lines[end - 1].endswith("\n")
        out += _with_newline(chunk) if (slot < last or had_newline) else chunk
        position = end
    for chunk in order[len(spans):]:
        out += _with_newline(chunk)
    out += lines[position:]
    text = "".join(out)
    return text


def move(text: str, source: int, target: int) -> str:
    """TEXT with body item SOURCE moved to position TARGET (0-based, in the list without it)."""
    lines, spans, _ = _spans(text)
    chunks = [lines[s:e] for s, e in spans]
    if not (0 <= source < len(chunks) and 0 <= target < len(chunks)):
        raise IndexError(f"no body item {source} or position {target}")
    if source == target:
        return text
    if spans[-1][1] == len(lines) and not lines[-1].endswith("\n"):
        chunks[-1] = _with_newline(chunks[-1])
        moved = chunks.pop(source)
        chunks.insert(target, moved)
        chunks[-1] = [*chunks[-1][:-1], chunks[-1][-1].removesuffix("\n")]
    else:
        chunks.insert(target, chunks.pop(source))
    return _rebuild(lines, spans, chunks)


def insert(text: str, position: int, block: str) -> str:
    """TEXT with a card for BLOCK inserted at POSITION of the body (the end when it is the
    number of items)."""
    lines, spans, column = _spans(text)
    new = [" " * column + f"- block: {_scalar(block)}\n"]
    position = max(0, min(position, len(spans)))
    if position == len(spans):
        end = spans[-1][1]
        return "".join(_with_newline(lines[:end]) + new + lines[end:])
    start = spans[position][0]  # before the item there, and the comment above it
    return "".join(lines[:start] + new + lines[start:])


def remove(text: str, position: int) -> str:
    """TEXT without body item POSITION (its lines and the comment above it)."""
    lines, spans, _ = _spans(text)
    if len(spans) == 1:
        raise CompositionError(msg("a template needs a body: a list of blocks"))
    start, end = spans[position]
    return "".join(lines[:start] + lines[end:])


def _scalar(value: str) -> str:
    """VALUE as a YAML scalar of one line, quoted only when it must be."""
    stream = io.StringIO()
    yaml = _yaml()
    yaml.dump({"v": value}, stream)
    return stream.getvalue().strip()[len("v: "):]


def _edited_item(text: str, position: int, change: Any) -> str:
    """TEXT with item POSITION changed by CHANGE(item mapping) through a round trip of the
    item alone; the rest of the file, the comment above the item included, keeps its bytes."""
    lines, spans, column = _spans(text)
    _, end = spans[position]
    _, body = _load(text)
    dash = body.lc.item(position)[0]
    item = body[position]
    if isinstance(item, str):
        item = CommentedMap([("block", item)])
    change(item)
    stream = io.StringIO()
    _yaml().dump(CommentedSeq([item]), stream)
    dumped = stream.getvalue().splitlines(keepends=True)
    shift = _indent(dumped[0])
    new = [" " * column + dumped[0][shift:]]
    for index, line in enumerate(dumped[1:], start=1):
        if not line.strip():
            if any(_indent(later) > shift for later in _until_content(dumped, index)):
                new.append(line)
                continue
            break
        if _indent(line) <= shift:
            break  # the comment ruamel keeps after the item belongs to the next one
        new.append(" " * column + line[shift:])
    if not lines[end - 1].endswith("\n"):
        new[-1] = new[-1].removesuffix("\n")
    return "".join(lines[:dash] + new + lines[end:])


def set_channels(text: str, position: int, channels: Sequence[str] | None) -> str:
    """TEXT with item POSITION shown on CHANNELS only (None: every channel of the template)."""
    def change(item: CommentedMap) -> None:
        if channels is None:
            item.pop("channels", None)
            return
        value = CommentedSeq(list(channels))
        value.fa.set_flow_style()
        if "channels" in item:
            item["channels"] = value
        else:
            item.insert(1, "channels", value)
    return _edited_item(text, position, change)


def set_when(text: str, position: int, when: str | None) -> str:
    """TEXT with item POSITION's condition set to WHEN (None or blank: always)."""
    def change(item: CommentedMap) -> None:
        if when is None or not when.strip():
            item.pop("when", None)
            return
        if "when" in item:
            item["when"] = when
        else:
            item.insert(2 if "channels" in item else 1, "when", when)
    return _edited_item(text, position, change)
