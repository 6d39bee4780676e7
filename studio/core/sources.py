"""Reading YAML, JSON and front matter safely, keeping the line of every value for problems."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from studio.core.limits import (
    depth_message,
    json_depth,
    may_hold_unencodable,
    text_problem,
)
from studio.core.located import LocatedDict
from studio.core.messages import msg
from studio.core.parsecache import MISSING, ParseCache, parse_cache
from studio.core.problems import ProblemError, error

Path_ = tuple[str | int, ...]


def load_yaml(text: str, path: str, line_offset: int = 0, cache: ParseCache | None = None
              ) -> Any:
    """Parse YAML safely; a syntax error becomes a ProblemError at its file, line and column.
    A text parsed before (in this run or an earlier one) is taken from the parse cache (CACHE,
    when the caller reading many files has it at hand)."""
    cache = cache or parse_cache()
    kind = f"yaml:{line_offset}"
    found = cache.get(kind, text)
    if found is not MISSING:
        return found
    from studio.core.yamlparse import parse_yaml  # PyYAML only when the cache misses

    value = parse_yaml(text, path, line_offset)
    cache.put(kind, text, value)
    return value


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str, path: str, cache: ParseCache | None = None
                       ) -> tuple[LocatedDict, str, int]:
    """Split a block file into its front matter and body (CACHE: see load_yaml).

    Returns the front matter, the body and the 1-based line in the file where the body starts.
    """
    if not text.startswith("---"):
        empty = LocatedDict()
        empty.key_lines = {}
        return empty, text, 1
    match = _FRONT.match(text)
    if match is None:
        raise ProblemError(error(path, 1, 1, msg("front matter starts with '---' but never ends")))
    data = load_yaml(match.group(1), path, line_offset=1, cache=cache)
    if data is None:
        data = LocatedDict()
        data.key_lines = {}
    if not isinstance(data, LocatedDict):
        raise ProblemError(error(path, 2, 1,
            msg("front matter must be a mapping of keys to values")))
    body_line = text.count("\n", 0, match.end()) + 1
    return data, text[match.end() :], body_line


# JSON ---------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


def load_json(text: str, path: str) -> tuple[Any, dict[Path_, tuple[int, int]]]:
    """Parse JSON and map every value's path (keys and indexes) to its (line, col).

    The standard parser does the parsing (and its errors carry line and column); a second,
    cheap pass records positions so a schema error can point at the offending value.
    """
    deep = json_depth(text)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        col = deep - (text.rfind("\n", 0, deep) + 1) + 1
        raise ProblemError(error(path, line, col, msg("JSON: {reason}", reason=depth_message())))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(error(path, exc.lineno, exc.colno,
            msg("JSON: {reason}", reason=exc.msg))) from None
    positions: dict[Path_, tuple[int, int]] = {}
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def where(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - line_starts[lo] + 1

    def skip(i: int) -> int:
        return _WS.match(text, i).end()  # type: ignore[union-attr]

    def walk(i: int, at: Path_) -> int:
        i = skip(i)
        positions[at] = where(i)
        ch = text[i]
        if ch == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                i = skip(i)
                key, i = scanstring(text, i + 1)
                i = walk(skip(i) + 1, (*at, key))  # past ':'
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                i += 1  # ','
        if ch == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(walk(i, (*at, index)))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if ch == '"':
            return scanstring(text, i + 1)[1]
        for literal in ("true", "false", "null"):
            if text.startswith(literal, i):
                return i + len(literal)
        match = _NUMBER.match(text, i)
        return match.end() if match else i + 1

    walk(0, ())
    if may_hold_unencodable(text):
        bad = text_problem(value)
        if bad is not None:
            field, reason = bad
            probe = _located(positions, field)
            line, col = positions.get(probe, (1, 1))
            raise ProblemError(error(path, line, col,
                msg("{field}: {reason}", field=field, reason=reason)))
    return value, positions


def _located(positions: dict[Path_, tuple[int, int]], field: str) -> Path_:
    """The positions key of a dotted field path ("lines.0.text": the 0 may be an index)."""
    if field == "(record)":
        return ()
    at: Path_ = ()
    for part in field.split("."):
        if (*at, part) in positions:
            at = (*at, part)
        elif part.isdigit() and (*at, int(part)) in positions:
            at = (*at, int(part))
        else:
            break
    return at
