"""Heading levels: a communication's outline that never skips a level (h1 → h3).

Blocks are written on their own, each with the heading level its author liked, and the shells
put the title in an h1; screen readers, the tagged PDF's structure (Matterhorn 14-003) and mail
clients' outlines need levels that go down one at a time. The composed blocks' headings are
renumbered by their nesting, so the source (signed regulatory wording included) stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.S | re.I)


def nested_levels(levels: Iterable[int], top: int = 1) -> list[int]:
    """The level each heading gets when a heading may go at most one level below the one it
    follows: a heading's level is one more than the nearest earlier heading written above it
    (by its source level), `top` being the title's. Siblings keep one level, so `### ###`
    under the title become `h2 h2`, and `## ####` become `h2 h3`."""
    stack: list[tuple[int, int]] = []  # (source level, new level)
    result = []
    for level in levels:
        while stack and stack[-1][0] >= level:
            stack.pop()
        new = min(6, (stack[-1][1] if stack else top) + 1)
        stack.append((level, new))
        result.append(new)
    return result


def nest_headings(parts: Sequence[str], top: int = 1) -> list[str]:
    """The HTML of consecutive parts (a communication's blocks) with their headings
    renumbered by nested_levels, carried from one part to the next."""
    levels = [int(m.group(1)) for part in parts for m in _HEADING.finditer(part)]
    if not levels:
        return list(parts)
    new = iter(nested_levels(levels, top))

    def renumber(match: re.Match[str]) -> str:
        level = next(new)
        return f"<h{level}{match.group(2)}>{match.group(3)}</h{level}>"

    return [_HEADING.sub(renumber, part) for part in parts]


def heading_levels(html: str) -> list[int]:
    """The levels of the headings in an HTML page, in order."""
    return [int(m.group(1)) for m in _HEADING.finditer(html)]


def skips(levels: Sequence[int]) -> Iterator[tuple[int, int, int]]:
    """(index, previous level, level) wherever a heading goes more than one level below the
    heading before it."""
    for index in range(1, len(levels)):
        if levels[index] > levels[index - 1] + 1:
            yield index, levels[index - 1], levels[index]
