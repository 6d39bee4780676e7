"""The budget of a rendition: hostile templates and records end within it, with a located problem.

Each case renders a real project with the real engine. Limits are small (1 s) so the suite
stays fast; elapsed times are only bounded by generous factors, never asserted exactly.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from studio.core.limits import Limits, json_depth, limits_from, text_problem
from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from studio.core.sources import load_json, load_yaml
from studio.core.validate import validate
from tests.conftest import BASE_RECORD, write_project

ONE_SECOND = Limits(time=1)


def block(body: str) -> dict[str, str]:
    return {"blocks/greeting.md": "---\ntitle: Greeting\n---\n" + body + "\n"}


def failure(root: Path, channel: str = "sms", record: Any = None,
            limits: Limits = ONE_SECOND) -> tuple[str, float]:
    project = load_project(root)
    started = time.monotonic()
    with pytest.raises(ProblemError) as caught:
        render(project, "letter", channel, record or BASE_RECORD, limits=limits)
    return str(caught.value.problem), time.monotonic() - started


# Time ----------------------------------------------------------------------------------------


def test_nested_loops_end_at_the_time_limit_at_their_line(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", block(
        'Hi\n{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}'))
    message, elapsed = failure(root)
    assert message == "blocks/greeting.md:5:0: error: rendering took longer than 1 s"
    assert elapsed < 5


def test_blocks_calling_blocks_end_at_the_time_limit(tmp_path: Path) -> None:
    files = {f"blocks/b{i}.md": "---\ntitle: b\n---\n" + f'{{{{ block("b{i + 1}") }}}}' * 4
             for i in range(12)}
    files["blocks/b12.md"] = "---\ntitle: b\n---\nx\n"
    root = write_project(tmp_path / "p", {**files, **block('{{ block("b0") }}')})
    message, elapsed = failure(root)
    assert "rendering took longer than 1 s" in message
    assert message.startswith("blocks/b")
    assert elapsed < 5


def test_a_long_layout_outside_the_sandbox_ends_at_the_time_limit(tmp_path: Path) -> None:
    # Short to compose, long for WeasyPrint to lay out: the watchdog interrupts the layout.
    root = write_project(tmp_path / "p", block(
        "{% for i in range(3000) %}{{ 'word ' * 100 }}\n\n{% endfor %}"))
    message, elapsed = failure(root, "print")
    assert message == "templates/letter.yaml:1:0: error: rendering took longer than 1 s"
    assert elapsed < 6
    # The thread is clean afterwards: no timeout left pending hits its next rendition (which
    # gets a budget no loaded machine exhausts, so only a stale timeout could fail it).
    project = load_project(root)
    for _ in range(3):
        assert render(project, "letter", "sms", BASE_RECORD, limits=Limits(time=60)).content
        time.sleep(0.6)  # past the watchdog's re-raise interval


def test_the_time_limit_comes_from_studio_yaml(tmp_path: Path) -> None:
    files = block('{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}')
    files["studio.yaml"] = "name: T\nlocales: [it, en]\ndefault_locale: it\nlimits: {time: 1}\n"
    root = write_project(tmp_path / "p", files)
    project = load_project(root)
    assert limits_from(project.config.raw) == Limits(time=1)
    started = time.monotonic()
    with pytest.raises(ProblemError, match="rendering took longer than 1 s"):
        render(project, "letter", "sms", BASE_RECORD)
    assert time.monotonic() - started < 5


def test_validate_stops_at_the_first_runaway_trial(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", block(
        '{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}'),
        samples={f"s{i}": BASE_RECORD for i in range(5)})
    started = time.monotonic()
    problems = [str(p) for p in validate(load_project(root), time_limit=1)]
    assert time.monotonic() - started < 8  # one budget, not 5 samples × 2 locales × 4 channels
    assert any("rendering took longer than 1 s" in p for p in problems)


def test_bad_limits_are_reported_with_their_line(tmp_path: Path) -> None:
    files = {"studio.yaml": "name: T\nlocales: [it]\ndefault_locale: it\n"
                            "limits:\n  time: -3\n  memroy_mb: 5\n"}
    root = write_project(tmp_path / "p", files)
    problems = [str(p) for p in validate(load_project(root), trial_render=False)]
    assert "studio.yaml:5:3: error: limits.time: expected seconds > 0, got -3" in problems
    assert any(p.startswith("studio.yaml:6:3: error: limits: unknown key 'memroy_mb'")
               for p in problems)


# Memory: every operator that builds text is bounded before it allocates ------------------------


@pytest.mark.parametrize(("body", "refusal"), [
    ('{% set s = "x"*900000 %}{{ ([s]*2000)|join }}', "|join: the result would be over"),
    ('{% set s = "x"*600000 %}{% set s = s ~ s %}{{ s }}', "~: the result would be over"),
    ('{% set s = "x"*600000 %}{{ s + s }}', "+: the result would be over"),
    ('{{ "%999999999s" % 1 }}', "%: width 999999999 is over the limit"),
    ('{{ "%*s" % (999999999, 1) }}', "%: a width from the arguments"),
    ('{{ "{:>999999999}".format(1) }}', "format: width 999999999 is over the limit"),
    ('{{ "{:{}}".format(1, 999999999) }}', "format: a width from the arguments"),
    ('{{ "x".ljust(999999999) }}', "ljust: width 999999999 is over the limit"),
    ('{{ ("x"*1000).replace("x", "y"*10000) }}', "replace: the result would be over"),
    ('{% set s = "x"*900000 %}{{ [s]*1000 }}', "printing a value: over"),
    ('{% set s = "x"*900000 %}{{ ([s]*1000)|string }}', "|string: over"),
    ('{% set s = "x"*900000 %}{{ ([s]*1000)|upper }}', "|upper: over"),
    ('{% for i in "x"*100000 %}{{ "y"*900 }}{% endfor %}', "the output would be over"),
])
def test_text_building_is_refused_before_it_allocates(
    tmp_path: Path, body: str, refusal: str
) -> None:
    root = write_project(tmp_path / "p", block(body))
    message, elapsed = failure(root, limits=Limits(time=30))
    assert message.startswith("blocks/greeting.md:4:0: error: ")
    assert refusal in message
    assert elapsed < 10


def test_ordinary_formatting_still_works(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", block(
        '{{ "%05d|%s|" % (42, "ab") }}{{ "{:*>6}|{:.2f}".format("x", 3.14159) }}'
        '{{ ["a", "b"]|join("-") }}{{ "a" ~ 1 ~ "b" }}{{ "ab".center(6, ".") }}'))
    rendition = render(load_project(root), "letter", "sms", BASE_RECORD)
    assert rendition.content.decode().startswith("00042|ab|*****x|3.14a-ba1b..ab..")


def test_a_layout_is_bounded_too(tmp_path: Path) -> None:
    files = {"layouts/mobile.html": '{% set s = "x"*900000 %}{{ s ~ s }}'}
    root = write_project(tmp_path / "p", files)
    message, _ = failure(root, "mobile")
    assert message.startswith("layouts/mobile.html:1:0: error: ")
    assert "~: the result would be over" in message


# Safe loading -------------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_its_line() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[level]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    with pytest.raises(ProblemError) as caught:
        load_yaml("\n".join(lines) + "\n", "studio.yaml")
    assert str(caught.value.problem) == (
        "studio.yaml:5:4: error: YAML: aliases expand this file past 100000 values")


def test_yaml_aliases_within_bounds_and_merge_keys_still_load() -> None:
    text = "base: &base {paper: A4, margin: 20}\nletter:\n  <<: *base\n  fold: 2\n"
    assert load_yaml(text, "x.yaml") == {"base": {"paper": "A4", "margin": 20},
                                          "letter": {"paper": "A4", "margin": 20, "fold": 2}}


def test_a_validate_of_a_project_with_an_alias_bomb_says_where(tmp_path: Path) -> None:
    bomb = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n"
                   for i in range(1, 9))
    files = {"studio.yaml": "name: T\nlocales: [it]\ndefault_locale: it\nl0: &l0 [1]\n" + bomb}
    root = write_project(tmp_path / "p", files)
    problems = [str(p) for p in validate(load_project(root))]
    assert any(p.startswith("studio.yaml:") and "aliases expand this file" in p
               for p in problems)


def test_json_nested_too_deep_is_a_problem_at_its_position() -> None:
    text = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert json_depth(text) == 6 + 63
    with pytest.raises(ProblemError) as caught:
        load_json(text, "data/samples/deep.json")
    assert str(caught.value.problem) == (
        "data/samples/deep.json:1:70: error: JSON: nested deeper than 64 levels")
    # Brackets inside strings are text, not nesting.
    assert load_json(json.dumps({"a": "[" * 1000}), "x.json")[0] == {"a": "[" * 1000}


def test_a_lone_surrogate_is_a_record_problem_naming_the_field(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    record = json.loads('{"customer": {"name": "Mario \\ud800"}, "invoice": {"total": 1}}')
    found = text_problem(record)
    assert found is not None
    assert (found[0], str(found[1])) == (
        "customer.name", "holds \\ud800 (a lone surrogate), which no channel can encode")
    for channel in ("print", "email", "mobile", "sms"):
        message, _ = failure(root, channel, record)
        assert message == ("(record):1:1: error: customer.name: holds \\ud800 (a lone "
                           "surrogate), which no channel can encode")


# The memory cap of worker processes ------------------------------------------------------------

_CAPPED = """
import sys
from studio.core.limits import Limits, prepare_worker, within
from studio.core.problems import ProblemError

prepare_worker(64)
try:
    within(Limits(time=30), "templates/letter.yaml", lambda: bytearray(512 * 1024 * 1024))
except ProblemError as exc:
    print(exc.problem)
print(len(bytearray(8 * 1024 * 1024)))  # the worker goes on working within its cap
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_capped_worker_reports_memory_over_its_budget(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run([sys.executable, "-c", _CAPPED], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "templates/letter.yaml:1:0: error: rendering needed more memory than its budget "
        "(the worker's limit is 64 MB)",
        str(8 * 1024 * 1024),
    ]


def test_an_escaped_surrogate_pair_is_ordinary_text(tmp_path: Path) -> None:
    from studio.core.batch import BatchSpec, Item, render_item

    text = json.dumps({**BASE_RECORD, "customer": {"name": "Mario \U0001F600"}})
    assert "\\ud83d\\ude00" in text  # json.dumps escapes the emoji as a surrogate pair
    assert load_json(text, "r.json")[0]["customer"]["name"] == "Mario \U0001F600"
    root = write_project(tmp_path / "p")
    spec = BatchSpec(str(root), "letter", "sms", None, "r.ndjson", "v1")
    [produced] = render_item(load_project(root), spec, Item(1, 1, text, ("sms",)))
    assert produced.row["ok"] and produced.content is not None
    assert "Mario \U0001F600".encode() in produced.content
