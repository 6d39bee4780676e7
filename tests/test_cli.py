"""The `missiva` command as a user runs it: exit codes, messages and JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest

from studio.cli import main
from tests.conftest import BASE_RECORD


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_validate_clean_exits_0(project_dir):
    result = run("validate", str(project_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_validate_reports_path_line_col_and_exits_1(project_dir):
    root = project_dir({"blocks/amount.md": "Totale\n{{ invoice.totale }}\n"})
    result = run("validate", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "blocks/amount.md:2:0: error: variable 'invoice.totale' is not in the data schema "
        "(data/schema.json)"
    ]
    assert "Traceback" not in result.stderr


def test_validate_json(project_dir, capsys):
    root = project_dir({"templates/x.yaml": "title: [\n"})
    assert main(["validate", str(root), "--json"]) == 1
    [problem] = json.loads(capsys.readouterr().out)
    assert problem["path"] == "templates/x.yaml" and problem["severity"] == "error"
    assert set(problem) == {"path", "line", "col", "severity", "message"}


def test_validate_not_a_project(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.returncode == 2
    assert "not a Missiva project (no studio.yaml)" in result.stderr


@pytest.mark.parametrize(
    ("channel", "keys"),
    [
        ("print", {"pages", "bytes"}),
        ("email", {"subject", "bytes"}),
        ("mobile", {"bytes"}),
        ("sms", {"text", "encoding", "segments", "characters"}),
    ],
)
def test_render_json_facts(project_dir, tmp_path, capsys, channel, keys):
    out = tmp_path / f"out-{channel}"
    code = main(
        [
            "render",
            str(project_dir()),
            "letter",
            "--channel",
            channel,
            "--sample",
            "typical",
            "-o",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    data = json.loads(line)
    assert data["template"] == "letter" and data["channel"] == channel and data["ok"] is True
    assert keys <= set(data)
    written = Path(data["output"])
    assert written.is_file() and written.stat().st_size > 0
    if "bytes" in data:
        assert data["bytes"] == written.stat().st_size


def test_render_ndjson_one_rendition_per_line_with_bad_record(project_dir, tmp_path, capsys):
    data = tmp_path / "records.ndjson"
    good = json.dumps(BASE_RECORD)
    bad = json.dumps({"customer": {"name": 7}, "invoice": {}})
    data.write_text(f"{good}\n\n{bad}\nnot json\n{good}\n")
    code = main(
        ["render", str(project_dir()), "letter", "--channel", "sms", "--data", str(data), "--json"]
    )
    assert code == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["ok"] for x in lines] == [True, False, False, True]
    assert lines[1]["error"].startswith(f"{data}:3:")
    assert "customer.name: 7 is not of type 'string'" in lines[1]["error"]
    assert lines[2]["error"].startswith(f"{data}:4:")
    assert lines[0]["text"].startswith("Ciao Mario Rossi!")


def test_render_sms_to_stdout_and_locale(project_dir):
    result = run("render", str(project_dir()), "letter", "--channel", "sms", "--locale", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Hi Mario Rossi!\n")


def test_render_sms_over_budget_exits_1_unless_allowed(project_dir):
    # The letter's budget is 2 segments; this name makes 3 (UCS-2). validate fails on it, so
    # render must too: a batch script would otherwise send three times what was approved.
    record = {**BASE_RECORD, "customer": {"name": "Zoë Παπαδοπούλου " * 8}}
    args = ("render", str(project_dir()), "letter", "--channel", "sms", "--data", "-")
    refused = run(*args, "--json", stdin=json.dumps(record))
    assert refused.returncode == 1
    facts = json.loads(refused.stdout)
    assert facts["segments"] == 3 and facts["over_budget"] is True
    assert "over its segment budget" in refused.stderr and "Traceback" not in refused.stderr
    allowed = run(*args, "--allow-over-budget", stdin=json.dumps(record))
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("Ciao Zoë")
    within = run(*args, stdin=json.dumps(BASE_RECORD))
    assert within.returncode == 0 and "over its segment budget" not in within.stderr


def test_render_data_from_stdin(project_dir):
    record = {**BASE_RECORD, "customer": {"name": "Luisa"}}
    result = run(
        "render",
        str(project_dir()),
        "letter",
        "--channel",
        "sms",
        "--data",
        "-",
        stdin=json.dumps(record),
    )
    assert result.returncode == 0 and result.stdout.startswith("Ciao Luisa!")


def test_render_error_is_located_not_a_traceback(project_dir):
    root = project_dir({"blocks/amount.md": "x\n{{ invoice.missing }}\n"})
    result = run("render", str(root), "letter", "--channel", "email")
    assert result.returncode == 1
    assert result.stderr.startswith("blocks/amount.md:2:0: error: undefined field 'missing'")
    assert "Traceback" not in result.stderr


def test_render_unknown_template_and_sample(project_dir):
    root = str(project_dir())
    result = run("render", root, "nope", "--channel", "sms")
    assert result.returncode == 2 and "no template 'nope' (templates: letter)" in result.stderr
    result = run("render", root, "letter", "--channel", "sms", "--sample", "ghost")
    assert result.returncode == 2 and "no sample 'ghost'" in result.stderr


def test_proof_writes_every_rendition_and_an_index(project_dir, tmp_path):
    out = tmp_path / "proof"
    result = run("proof", str(project_dir()), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    rows = json.loads((out / "proof.json").read_text())
    assert len(rows) == 1 * 1 * 2 * 4  # template × sample × locale × channel
    for row in rows:
        assert row["ok"] and (out / row["file"]).stat().st_size > 0
    index = (out / "index.html").read_text()
    assert index.count("<tr class=") == 8 and 'href="letter/typical.en.print.pdf"' in index


def test_proof_in_processes_is_the_proof_in_one(project_dir, tmp_path):
    root = project_dir(
        {"templates/notice.yaml": "title: Avviso\nchannels: [sms, email]\nbody: [amount]\n"},
        samples={"typical": BASE_RECORD, "second": BASE_RECORD})
    outs = {jobs: tmp_path / f"proof-{jobs}" for jobs in ("1", "3")}
    for jobs, out in outs.items():
        result = run("proof", str(root), "-o", str(out), "--jobs", jobs,
                     "--send-date", "2026-03-05")
        assert result.returncode == 0, result.stderr
        # every rendition said, in the proof's order, whatever finished first
        said = [line.split()[1:] for line in result.stderr.splitlines() if line.startswith("ok")]
        assert said == sorted(said, key=lambda r: (r[0], r[1])) and len(said) == 2 * 2 * 6
    one, three = (json.loads((out / "proof.json").read_text()) for out in outs.values())
    assert one == three
    for row in one:
        assert (outs["1"] / row["file"]).read_bytes() == (outs["3"] / row["file"]).read_bytes()
    assert (outs["1"] / "index.html").read_text() == (outs["3"] / "index.html").read_text()


def test_new_creates_a_committed_project(tmp_path):
    target = tmp_path / "acme"
    result = run("new", str(target), "--name", "ACME Bank")
    assert result.returncode == 0, result.stderr
    repo = git.Repo(target)
    assert not repo.is_dirty(untracked_files=True)
    files = {item.path for item in repo.head.commit.tree.traverse()}
    assert {"studio.yaml", "templates/welcome.yaml", "data/schema.json"} <= files
    assert "name: ACME Bank" in (target / "studio.yaml").read_text()
    assert run("validate", str(target)).returncode == 0


def test_new_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("new", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("missiva 0.")
