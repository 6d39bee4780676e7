"""Rules without code: a `when:` expression as a tree an author edits, and back.

A condition of a template's body item (`when: customer.segment == "gold"`) is a Jinja
expression (compose.py evaluates it). The rule editor shows it as fields, comparisons and
values grouped by "all of" / "any of"; this module reads the expression into that tree
(`parse_rule`) and writes the tree back (`write_rule`) in one canonical spelling:

    parse_rule(write_rule(rule)) == rule            for every normalized rule
    write_rule(parse_rule(text))                    a canonical equivalent of TEXT

An expression the tree cannot hold (a filter other than `length`, arithmetic, `not (...)`, a
syntax error) comes back as `SourceRule` with the text verbatim, so it stays editable as source
and is never lost. `evaluate` runs any expression through the same sandboxed engine compose
uses, for the editor's "true for this sample" badge.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import TemplateSyntaxError, nodes
from jinja2.parser import Parser

from studio.core.engine import TEXT_ENV, _compile_expression, describe
from studio.core.messages import Message, msg

# The comparisons the editor offers, by the symbol it shows; their Jinja spelling.
EQUALS, NOT_EQUALS, LESS, AT_MOST, GREATER, AT_LEAST = "=", "≠", "<", "≤", ">", "≥"
CONTAINS, ONE_OF, DEFINED, NOT_DEFINED = "contains", "in", "defined", "not defined"
COMPARISONS: tuple[str, ...] = (EQUALS, NOT_EQUALS, LESS, AT_MOST, GREATER, AT_LEAST,
                                CONTAINS, ONE_OF, DEFINED, NOT_DEFINED)
UNARY = (DEFINED, NOT_DEFINED)
_TO_JINJA = {EQUALS: "==", NOT_EQUALS: "!=", LESS: "<", AT_MOST: "<=", GREATER: ">",
             AT_LEAST: ">="}
_FROM_JINJA = {"eq": EQUALS, "ne": NOT_EQUALS, "lt": LESS, "lteq": AT_MOST, "gt": GREATER,
               "gteq": AT_LEAST}
_FLIPPED = {EQUALS: EQUALS, NOT_EQUALS: NOT_EQUALS, LESS: GREATER, AT_MOST: AT_LEAST,
            GREATER: LESS, AT_LEAST: AT_MOST}
# Words Jinja reads as constants or operators: a field path cannot start with one.
_RESERVED = {"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is",
             "if", "else"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

Scalar = str | int | float | bool | None
Value = Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Condition:
    """FIELD (a dotted record path) compared by COMPARISON with VALUE; with COUNT the number
    of items in the field is compared (`invoice.lines | length > 0`)."""

    field: str
    comparison: str
    value: Value = None
    count: bool = False


@dataclass(frozen=True)
class Group:
    """All ("and") or any ("or") of two or more rules."""

    kind: Literal["and", "or"]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class SourceRule:
    """An expression the editor cannot show as a rule, kept as written; REASON says why."""

    text: str
    reason: Message | None = None


Rule = Condition | Group | SourceRule


def is_field(path: str) -> bool:
    parts = path.split(".")
    return all(_NAME.match(part) for part in parts) and parts[0] not in _RESERVED


# Reading ---------------------------------------------------------------------------------------


class _Unrepresentable(Exception):
    pass


def parse_rule(text: str) -> Rule:
    """The rule TEXT (a Jinja expression) says; a SourceRule when no rule can say it."""
    try:
        # As Environment.compile_expression reads it: one expression, then the end.
        parser = Parser(TEXT_ENV, text, state="variable")
        node = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError("unexpected text after the expression",
                                      parser.stream.current.lineno)
    except TemplateSyntaxError as exc:
        return SourceRule(text, msg("the expression is not valid: {reason}",
                                    reason=exc.message or ""))
    try:
        return _rule(node)
    except _Unrepresentable:
        return SourceRule(text, msg("this condition can only be edited as source"))


def _rule(node: nodes.Node) -> Rule:
    if isinstance(node, nodes.And | nodes.Or):
        kind: Literal["and", "or"] = "and" if isinstance(node, nodes.And) else "or"
        return Group(kind, tuple(_flatten(node, type(node))))
    if isinstance(node, nodes.Compare):
        return _comparison(node)
    if isinstance(node, nodes.Test) and node.name == "defined" and not node.args:
        return Condition(_field(node.node), DEFINED)
    if isinstance(node, nodes.Not) and isinstance(node.node, nodes.Test):
        test = node.node
        if test.name == "defined" and not test.args:
            return Condition(_field(test.node), NOT_DEFINED)
    raise _Unrepresentable


def _flatten(node: nodes.Node, kind: type) -> list[Rule]:
    if isinstance(node, kind):
        return _flatten(node.left, kind) + _flatten(node.right, kind)  # type: ignore[attr-defined]
    return [_rule(node)]


def _comparison(node: nodes.Compare) -> Condition:
    if len(node.ops) != 1:
        raise _Unrepresentable
    left, op, right = node.expr, node.ops[0].op, node.ops[0].expr
    if op == "in":
        if isinstance(right, nodes.List | nodes.Tuple):
            values = tuple(_scalar(item) for item in right.items)
            return Condition(_field(left), ONE_OF, values)
        return Condition(_field(right), CONTAINS, _scalar(left))
    if op not in _FROM_JINJA:
        raise _Unrepresentable
    comparison = _FROM_JINJA[op]
    if _is_operand(left):
        field, count = _operand(left)
        return Condition(field, comparison, _scalar(right), count)
    field, count = _operand(right)
    return Condition(field, _FLIPPED[comparison], _scalar(left), count)


def _is_operand(node: nodes.Node) -> bool:
    try:
        _operand(node)
    except _Unrepresentable:
        return False
    return True


def _operand(node: nodes.Node) -> tuple[str, bool]:
    if (isinstance(node, nodes.Filter) and node.name in ("length", "count") and not node.args
            and not node.kwargs and node.node is not None):
        return _field(node.node), True
    return _field(node), False


def _field(node: nodes.Node) -> str:
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name) or node.name in _RESERVED:
        raise _Unrepresentable
    parts.append(node.name)
    path = ".".join(reversed(parts))
    if not is_field(path):
        raise _Unrepresentable
    return path


def _scalar(node: nodes.Node) -> Scalar:
    if isinstance(node, nodes.Neg) and isinstance(node.node, nodes.Const):
        value = node.node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
        raise _Unrepresentable
    if isinstance(node, nodes.Const):
        value = node.value
        if value is None or isinstance(value, str | bool | int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise _Unrepresentable
            return value  # type: ignore[no-any-return]
    raise _Unrepresentable


# Writing ---------------------------------------------------------------------------------------


def write_rule(rule: Rule) -> str:
    """The Jinja expression of RULE, in canonical spelling (double quotes, one space around
    operators, parentheses only where a group sits inside the other kind)."""
    if isinstance(rule, SourceRule):
        return rule.text
    if isinstance(rule, Group):
        parts = []
        for inner in rule.rules:
            text = write_rule(inner)
            if isinstance(inner, Group) or (isinstance(inner, SourceRule)
                                            and not _is_atomic(inner.text)):
                text = f"({text})"
            parts.append(text)
        return f" {rule.kind} ".join(parts)
    if not is_field(rule.field):
        raise ValueError(f"not a field path: {rule.field!r}")
    operand = f"{rule.field} | length" if rule.count else rule.field
    if rule.comparison == DEFINED:
        return f"{rule.field} is defined"
    if rule.comparison == NOT_DEFINED:
        return f"{rule.field} is not defined"
    if rule.comparison == CONTAINS:
        return f"{write_value(rule.value)} in {rule.field}"
    if rule.comparison == ONE_OF:
        values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
        return f"{rule.field} in [{', '.join(write_value(v) for v in values)}]"
    return f"{operand} {_TO_JINJA[rule.comparison]} {write_value(rule.value)}"


def _is_atomic(text: str) -> bool:
    rule = parse_rule(text)
    return isinstance(rule, Condition)


def write_value(value: Value) -> str:
    """A value as a Jinja literal."""
    if isinstance(value, tuple):
        return "[" + ", ".join(write_value(v) for v in value) + "]"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a rule's number must be finite")
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def read_value(text: str) -> Scalar:
    """What an author typed in a value box: a number when it reads as one, true/false, else
    the text itself (so "gold" needs no quotes)."""
    stripped = text.strip()
    if re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"-?\d+\.\d+", stripped):
        return float(stripped)
    if stripped in ("true", "false"):
        return stripped == "true"
    return text


def normalized(rule: Rule) -> Rule:
    """RULE with groups of one rule unwrapped and a group inside one of its own kind merged."""
    if not isinstance(rule, Group):
        return rule
    flat: list[Rule] = []
    for inner in (normalized(r) for r in rule.rules):
        if isinstance(inner, Group) and inner.kind == rule.kind:
            flat.extend(inner.rules)
        else:
            flat.append(inner)
    return flat[0] if len(flat) == 1 else Group(rule.kind, tuple(flat))


# Evaluating ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether a rule holds for a record: VALUE, or the PROBLEM that stopped it."""

    value: bool | None
    problem: Message | str | None = None


def evaluate(rule: Rule | str, context: Mapping[str, Any]) -> Verdict:
    """Evaluate RULE (or an expression) with CONTEXT (a record, plus locale and channel) through
    the same sandboxed engine composition uses."""
    text = rule if isinstance(rule, str) else write_rule(rule)
    try:
        expression = _compile_expression(text)
    except TemplateSyntaxError as exc:
        return Verdict(None, msg("the expression is not valid: {reason}",
                                 reason=exc.message or ""))
    try:
        return Verdict(bool(expression(**context)))
    except Exception as exc:  # noqa: BLE001 - the author's expression failing is data
        return Verdict(None, describe(exc))
