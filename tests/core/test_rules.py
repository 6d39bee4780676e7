"""Rules without code: `when:` expressions read into a rule tree and written back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studio.core import rules
from studio.core.rules import Condition, Group, SourceRule, evaluate, parse_rule, write_rule


def test_sample_conditions_read_as_rules() -> None:
    assert parse_rule('customer.segment == "gold"') == Condition("customer.segment", "=", "gold")
    assert parse_rule("invoice.lines | length > 0") == Condition(
        "invoice.lines", ">", 0, count=True)
    assert parse_rule("customer.email is not defined") == Condition(
        "customer.email", "not defined")


def test_groups_comparisons_and_canonical_spelling() -> None:
    text = "customer.segment=='gold' and (invoice.total>=100 or 'vip' in customer.tags)"
    rule = parse_rule(text)
    assert rule == Group("and", (
        Condition("customer.segment", "=", "gold"),
        Group("or", (Condition("invoice.total", "≥", 100),
                     Condition("customer.tags", "contains", "vip"))),
    ))
    assert write_rule(rule) == ('customer.segment == "gold" and '
                                '(invoice.total >= 100 or "vip" in customer.tags)')
    # A constant on the left is read with the comparison turned round.
    assert parse_rule("10 < invoice.total") == Condition("invoice.total", ">", 10)
    assert parse_rule("customer.segment in ['gold', 'silver']") == Condition(
        "customer.segment", "in", ("gold", "silver"))
    assert parse_rule("b is defined and c != -2.5 and d") == SourceRule(
        "b is defined and c != -2.5 and d", parse_rule("d").reason)  # bare "d": source
    assert parse_rule("b is defined and c != -2.5") == Group(
        "and", (Condition("b", "defined"), Condition("c", "≠", -2.5)))


def test_what_a_rule_cannot_say_is_kept_verbatim() -> None:
    for text in ("customer.name | upper == 'X'", "not (a == 1)", "a + 1 > 2",
                 "customer['first name'] == 1", "a == ", "x }} {{ y"):
        rule = parse_rule(text)
        assert isinstance(rule, SourceRule), text
        assert write_rule(rule) == text
        assert rule.reason is not None
    # Inside a group an unrepresentable part makes the whole expression source: nothing lost.
    mixed = 'customer.segment == "gold" and customer.name | upper == "X"'
    assert write_rule(parse_rule(mixed)) == mixed


def test_evaluate_against_a_record_uses_the_engine() -> None:
    record = {"customer": {"segment": "gold", "tags": ["vip"]}, "invoice": {"lines": [1, 2]}}
    assert evaluate(parse_rule('customer.segment == "gold"'), record).value is True
    assert evaluate(Condition("invoice.lines", "≥", 3, count=True), record).value is False
    assert evaluate(Condition("customer.tags", "contains", "vip"), record).value is True
    assert evaluate(Condition("customer.email", "not defined"), record).value is True
    failed = evaluate("customer.iban.code == 1", record)
    assert failed.value is None and "iban" in str(failed.problem)


# Property tests ---------------------------------------------------------------------------------

_names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda name: name not in rules._RESERVED)
_fields = st.lists(_names, min_size=1, max_size=3).map(".".join)
_scalars = st.one_of(
    st.text(max_size=12), st.integers(-10**9, 10**9), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


@st.composite
def _conditions(draw: st.DrawFn) -> Condition:
    comparison = draw(st.sampled_from(rules.COMPARISONS))
    field = draw(_fields)
    if comparison in rules.UNARY:
        return Condition(field, comparison)
    if comparison == rules.ONE_OF:
        return Condition(field, comparison, tuple(draw(st.lists(_scalars, max_size=4))))
    if comparison == rules.CONTAINS:
        return Condition(field, comparison, draw(_scalars))
    return Condition(field, comparison, draw(_scalars), draw(st.booleans()))


_rules = st.recursive(
    _conditions(),
    lambda children: st.builds(
        Group, st.sampled_from(["and", "or"]),
        st.lists(children, min_size=2, max_size=4).map(tuple)),
    max_leaves=8,
).map(rules.normalized)


@given(_rules)
def test_parse_of_write_is_the_rule(rule: rules.Rule) -> None:
    assert parse_rule(write_rule(rule)) == rule


@given(_rules)
def test_write_of_parse_is_canonical_and_equivalent(rule: rules.Rule) -> None:
    canonical = write_rule(rule)
    # An equivalent spelling (single quotes, no spaces, extra parentheses) writes the same.
    loose = f"(({canonical}))".replace(" == ", "==")
    assert write_rule(parse_rule(loose)) == canonical
    assert write_rule(parse_rule(canonical)) == canonical
