"""Reading YAML, JSON and front matter safely, keeping the line of every value for problems."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import yaml

from studio.core.limits import (
    MAX_DEPTH,
    MAX_YAML_NODES,
    depth_message,
    json_depth,
    may_hold_unencodable,
    text_problem,
)
from studio.core.located import LocatedDict, LocatedList
from studio.core.messages import Message, msg
from studio.core.parsecache import MISSING, ParseCache, parse_cache
from studio.core.problems import ProblemError, error

Path_ = tuple[str | int, ...]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LocatingLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader (no arbitrary objects) that builds Located containers."""

    line_offset = 0


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line, result.col = (
        node.start_mark.line + 1 + loader.line_offset,
        node.start_mark.column + 1,
    )
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = (
            key_node.start_mark.line + 1 + loader.line_offset,
            key_node.start_mark.column + 1,
        )
    return result


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    offset = loader.line_offset
    result.line, result.col = node.start_mark.line + 1 + offset, node.start_mark.column + 1
    result.item_lines = [
        (c.start_mark.line + 1 + offset, c.start_mark.column + 1) for c in node.value
    ]
    return result


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)


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
    value = _parse_yaml(text, path, line_offset)
    cache.put(kind, text, value)
    return value


def _parse_yaml(text: str, path: str, line_offset: int) -> Any:
    loader = _LocatingLoader(text)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, path, line_offset)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 0
        reason = exc.problem or exc.context or msg("invalid YAML")
        raise ProblemError(error(path, line, col, msg("YAML: {reason}", reason=reason))) from None
    except yaml.YAMLError as exc:
        raise ProblemError(error(path, line_offset + 1, 0,
            msg("YAML: {reason}", reason=exc))) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, path: str, line_offset: int) -> None:
    """Refuse YAML whose aliases expand it past limits.MAX_YAML_NODES values (a "billion
    laughs": a few lines that mean gigabytes once every alias is followed), an alias to itself,
    or nesting deeper than limits.MAX_DEPTH. The node graph is walked once, each node's
    expanded size remembered, so the check costs as much as the file, not its expansion."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()

    def refuse(node: yaml.Node, message: Message) -> ProblemError:
        mark = node.start_mark
        return ProblemError(error(path, mark.line + 1 + line_offset, mark.column + 1,
                                  msg("YAML: {reason}", reason=message)))

    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_YAML_NODES:
                raise refuse(node, msg("aliases expand this file past {limit} values",
                                         limit=MAX_YAML_NODES))
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise refuse(node, msg("an alias refers to the value that contains it"))
        if depth > MAX_DEPTH:
            raise refuse(node, msg("nested deeper than {limit} levels", limit=MAX_DEPTH))
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
