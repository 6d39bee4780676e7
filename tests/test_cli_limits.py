"""The command line under hostile templates and records: each command ends within its budget
with `path:line: error: …` and exit 1, never a hang or exit 70; one batch per output folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.batch import LOCK_FILE, run_batch
from studio.core.project import load_project
from tests.conftest import BASE_RECORD, REPO, write_project

LOOP = '{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}'
# The greeting block loops only for one customer, so a batch has good and runaway records.
SELECTIVE = {"blocks/greeting.md": (
    "---\ntitle: Greeting\n---\n{% if customer.name == 'Loop' %}" + LOOP + "{% endif %}"
    "Ciao {{ customer.name }}\n")}


def missiva(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (a runaway must not be able to hang the test run)."""
    return subprocess.run([sys.executable, "-m", "studio.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MISSIVA_DEBUG": ""})


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", SELECTIVE, samples={"loop": {
        **BASE_RECORD, "customer": {"name": "Loop"}}})


def test_render_and_validate_end_at_the_time_limit(looping: Path) -> None:
    started = time.monotonic()
    done = missiva("render", str(looping), "letter", "--channel", "sms", "--time-limit", "1")
    assert done.returncode == 1
    assert done.stderr.strip() == "blocks/greeting.md:4:0: error: rendering took longer than 1 s"
    done = missiva("validate", str(looping), "--time-limit", "1")
    assert done.returncode == 1
    assert ("blocks/greeting.md:4:0: error: rendering took longer than 1 s [sample loop, "
            "locale it, ") in done.stdout
    assert time.monotonic() - started < 60  # two process starts and two 1 s budgets


def test_time_limit_must_be_positive(looping: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["render", str(looping), "letter", "--channel", "sms", "--time-limit", "0"])
    assert caught.value.code == 2
    assert "--time-limit: expected seconds > 0, got '0'" in capsys.readouterr().err


def test_a_record_nested_100000_deep_is_a_record_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p")
    data = tmp_path / "r.ndjson"
    data.write_text(json.dumps(BASE_RECORD) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    assert main(["render", str(root), "letter", "--channel", "sms", "--data", str(data),
                 "--json"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["ok"] for row in rows] == [True, False]
    assert rows[1]["error"] == f"{data}:2:65: error: JSON: nested deeper than 64 levels"
    assert main(["route", str(root), "letter", "--data", str(data)]) == 1
    assert f"{data}:2:65: error: JSON: nested deeper than 64 levels" in capsys.readouterr().err


def test_a_lone_surrogate_is_a_record_problem_on_render_and_route(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p")
    data = tmp_path / "r.json"
    data.write_text('{"customer": {"name": "\\ud800"}, "invoice": {"total": 1}}')
    expected = (f"{data}:1:23: error: customer.name: holds \\ud800 (a lone surrogate), which "
                "no channel can encode")
    assert main(["render", str(root), "letter", "--channel", "sms", "--data", str(data)]) == 1
    assert capsys.readouterr().err.strip() == expected
    assert main(["route", str(root), "letter", "--data", str(data)]) == 1
    assert capsys.readouterr().err.strip() == expected


def records(path: Path, names: list[str]) -> Path:
    path.write_text("".join(json.dumps({**BASE_RECORD, "customer": {"name": n}}) + "\n"
                            for n in names))
    return path


def test_batch_fails_the_runaway_and_hostile_rows_only(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SELECTIVE)
    data = records(tmp_path / "r.ndjson", ["Anna", "Loop", "Bruno"])
    with data.open("a") as stream:
        stream.write("[" * 100_000 + "]" * 100_000 + "\n")
        stream.write('{"customer": {"name": "\\ud800"}, "invoice": {"total": 1}}\n')
    out = tmp_path / "out"
    done = missiva("batch", str(root), "letter", "--channel", "sms", "--data", str(data),
                   "--out", str(out), "--time-limit", "2", "--workers", "1", "-q")
    assert done.returncode == 1, done.stderr
    rows = {row["index"]: row for row in map(json.loads, (out / "results.ndjson").open())}
    assert [rows[i]["ok"] for i in (1, 2, 3, 4, 5)] == [True, False, True, False, False]
    assert rows[2]["error"] == "blocks/greeting.md:4:0: error: rendering took longer than 2 s"
    assert rows[4]["error"] == f"{data}:4:65: error: JSON: nested deeper than 64 levels"
    assert rows[5]["error"] == (f"{data}:5:23: error: customer.name: holds \\ud800 (a lone "
                                "surrogate), which no channel can encode")


def test_one_batch_per_output_folder(tmp_path: Path, cluster: object) -> None:
    import fcntl

    root = write_project(tmp_path / "p")
    data = records(tmp_path / "r.ndjson", ["Anna", "Bruno"])
    out = tmp_path / "out"
    out.mkdir()
    # Another batch holds the folder (another process, as a second `missiva batch` would).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+b'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(120)",
         str(out / LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = missiva("batch", str(root), "letter", "--channel", "sms", "--data", str(data),
                       "--out", str(out), "-q")
        assert done.returncode == 2
        # (after the note that the project's regulatory text is not approved: no history)
        assert done.stderr.strip().splitlines()[-1] == (
            f"missiva batch: {out}: another batch is running into this folder; wait for it to "
            "finish, or give another --out")
        assert not (out / "results.ndjson").exists()
    finally:
        holder.kill()
        holder.wait()
    # The holder died (as a killed batch does): the kernel dropped its lock, the batch runs.
    result = run_batch(cluster, load_project(root), "letter", data, out,  # type: ignore[arg-type]
                       channel="sms")
    assert result.progress.renditions == 2
    assert len((out / "results.ndjson").read_text().splitlines()) == 2
    # And the lock is released when the batch ends.
    with (out / LOCK_FILE).open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
