"""Hypothesis writes hostile blocks (nested loops, joins, repetition, concatenation, format
widths): each rendition either succeeds or fails with a problem, within a small factor of its
budget, and never takes the process's memory with it."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.limits import Limits
from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD, write_project

BUDGET = Limits(time=1)
SIZES = st.sampled_from([0, 1, 2, 10, 1000, 99_999, 100_000, 1_000_000, 10**9])
WIDTHS = st.sampled_from([1, 5, 9_999, 10_001, 1_000_000, 999_999_999])

atoms = st.sampled_from(['"x"', '"ab"', "s", "customer.name", "1"])


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, SIZES).map(lambda t: f"({t[0]} * {t[1]})"),
        st.tuples(inner, SIZES).map(lambda t: f"(([{t[0]}] * {t[1]})|join)"),
        st.tuples(inner, SIZES).map(lambda t: f"(([{t[0]}] * {t[1]})|string)"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} ~ {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} + {t[1]})"),
        st.tuples(WIDTHS, inner).map(lambda t: f'("%{t[0]}s" % {t[1]})'),
        st.tuples(WIDTHS, inner).map(lambda t: f'("{{:>{t[0]}}}".format({t[1]}))'),
        st.tuples(inner, WIDTHS).map(lambda t: f"(({t[0]})|string).ljust({t[1]})"),
    )


expressions = st.recursive(atoms, _compound, max_leaves=6)


def _statement(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(expressions, inner).map(
            lambda t: f"{{% for i in {t[0]} %}}{t[1]}{{% endfor %}}"),
        st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
    )


blocks = st.recursive(expressions.map(lambda e: "{{ " + e + " }}"), _statement, max_leaves=5)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("fuzz") / "p")


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=blocks)
def test_hostile_blocks_stay_within_their_budget(root: Path, body: str) -> None:
    source = "---\ntitle: Fuzz\n---\n{% set s = 'x' * 999999 %}" + body + "\n"
    project = load_project(root, {"blocks/greeting.md": source})
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        render(project, "letter", "sms", BASE_RECORD, limits=BUDGET)
    except ProblemError as exc:
        assert exc.problem.path in ("blocks/greeting.md", "templates/letter.yaml"), exc.problem
    elapsed = time.monotonic() - started
    assert elapsed < 5 * BUDGET.time, (elapsed, body)
    # No rendition may grow the process by a gigabyte (peak resident memory, KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 1_000_000
