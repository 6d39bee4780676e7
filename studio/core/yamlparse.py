"""The YAML parser behind sources.load_yaml: PyYAML's safe loader (libyaml's when PyYAML has
it) building Located containers, with the expansion limits. Imported only when the parse cache
misses: a command on a project read before (`missiva status` on 1,000 blocks) never loads
PyYAML."""

from __future__ import annotations

from typing import Any

import yaml

from studio.core.limits import MAX_DEPTH, MAX_YAML_NODES
from studio.core.located import LocatedDict, LocatedList
from studio.core.messages import Message, msg
from studio.core.problems import ProblemError, error

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


def parse_yaml(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse YAML safely into Located containers; a syntax error, or aliases that expand past
    the limits, becomes a ProblemError at its file, line and column."""
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
