"""Diffs for a terminal: unified text and coloured words (the CLI's, not the core's)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    pass
from studio.core.diff.source import SourceDiff
from studio.core.diff.text import DELETE, EQUAL, INSERT, DiffLine, TextDiff

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
