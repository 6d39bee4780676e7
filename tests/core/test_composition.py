"""Composition by hand: a template's body edited as cards keeps every byte it does not touch."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest

from studio.core import composition
from studio.core.composition import CompositionError, read_cards
from studio.core.resources import sample_project

TEMPLATES = sorted((sample_project() / "templates").glob("*.yaml"))

COMMENTED = """\
# A bill.
title: Bill
channels: [print, email]
body:
  - block: common/greeting   # always first
    channels: [email]
  # The figures, before anything else.
  - block: billing/summary
  - common/account
  - block: marketing/gold-offer
    when: customer.segment == 'gold'
    with: {discount: 0.15}

  - block: legal/useful-info
"""


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm=""):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_move_of_every_sample_template_moves_only_its_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cards = read_cards(text)
    assert [c.block for c in cards]  # the sample's templates all read as cards
    for source in range(len(cards)):
        for target in range(len(cards)):
            moved = composition.move(text, source, target)
            expected = [c.block for c in cards]
            expected.insert(target, expected.pop(source))
            assert [c.block for c in read_cards(moved)] == expected
            # The same lines, in another order: nothing rewritten, no comment lost.
            assert Counter(moved.splitlines()) == Counter(text.splitlines())
            assert composition.move(moved, target, source) == text


def test_move_carries_the_comment_above_and_leaves_the_rest() -> None:
    moved = composition.move(COMMENTED, 1, 3)
    assert [c.block for c in read_cards(moved)] == [
        "common/greeting", "common/account", "marketing/gold-offer", "billing/summary",
        "legal/useful-info"]
    removed, added = changed_lines(COMMENTED, moved)
    assert sorted(removed) == sorted(added)
    assert set(removed) <= {"  # The figures, before anything else.", "  - block: billing/summary"}
    assert "  # The figures, before anything else.\n  - block: billing/summary\n" in moved
    assert "\n\n  - block: legal/useful-info\n" in moved  # the blank line stays where it was


def test_condition_and_channels_change_only_their_item() -> None:
    with_when = composition.set_when(COMMENTED, 1, 'customer.segment == "gold"')
    assert changed_lines(COMMENTED, with_when) == (
        [], ['    when: customer.segment == "gold"'])
    assert read_cards(with_when)[1].when == 'customer.segment == "gold"'
    assert composition.set_when(with_when, 1, None) == COMMENTED
    # A bare "- common/account" becomes a mapping to carry a condition.
    bare = composition.set_when(COMMENTED, 2, "invoice.total > 100")
    assert changed_lines(COMMENTED, bare) == (
        ["  - common/account"], ["  - block: common/account", "    when: invoice.total > 100"])
    # The existing condition's quotes and the flow-style parameters are kept.
    channels = composition.set_channels(COMMENTED, 3, ["print"])
    assert changed_lines(COMMENTED, channels) == ([], ["    channels: [print]"])
    assert "when: customer.segment == 'gold'\n    with: {discount: 0.15}\n" in channels
    first = composition.set_channels(COMMENTED, 0, ["email", "print"])
    assert changed_lines(COMMENTED, first) == (
        ["    channels: [email]"], ["    channels: [email, print]"])
    assert "# always first" in first
    assert composition.set_channels(first, 0, ["email"]) == COMMENTED


def test_insert_and_remove() -> None:
    inserted = composition.insert(COMMENTED, 1, "legal/privacy")
    assert changed_lines(COMMENTED, inserted) == ([], ["  - block: legal/privacy"])
    assert [c.block for c in read_cards(inserted)][:3] == [
        "common/greeting", "legal/privacy", "billing/summary"]
    assert composition.remove(inserted, 1) == COMMENTED
    at_end = composition.insert(COMMENTED, 99, "legal/privacy")
    assert at_end == COMMENTED + "  - block: legal/privacy\n"
    no_newline = COMMENTED.rstrip("\n")
    assert composition.insert(no_newline, 99, "x").endswith("info\n  - block: x\n")
    assert composition.move(no_newline, 4, 0).startswith(
        COMMENTED.split("  - block: common")[0] + "  - block: legal/useful-info\n")
    assert not composition.move(no_newline, 4, 0).endswith("\n")


def test_a_body_it_cannot_edit_is_refused_with_a_reason() -> None:
    for text in ("body: [a, b]\n", "title: x\n", "body:\n  - block: [\n"):
        with pytest.raises(CompositionError) as caught:
            read_cards(text)
        assert caught.value.message.in_language("it") != ""
