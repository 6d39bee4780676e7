"""`missiva commit / history / diff / restore / release` on real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git
import pytest

from studio.cli import main
from tests.conftest import edit, write_project


@pytest.fixture
def project(tmp_path: Path, git_env: Path) -> Path:
    root = write_project(tmp_path / "project")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_commit_history_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "commit", str(project), "-m", "First version")
    assert code == 0 and out.startswith("committed ")
    assert "added: block legal/privacy" in out

    subprocess.run(
        ["git", "mv", "blocks/legal/privacy.md", "blocks/legal/gdpr.md"], cwd=project, check=True
    )
    edit(project, "templates/letter.yaml", "legal/privacy", "legal/gdpr")
    code, _, _ = run(capsys, "commit", str(project), "-m", "Rename privacy")
    assert code == 0
    edit(project, "blocks/legal/gdpr.md", "GDPR", "Regolamento (UE) 2016/679")
    edit(project, "blocks/amount.md", "Importo", "Totale")
    code, out, _ = run(
        capsys, "commit", str(project), "-m", "Cite the regulation", "blocks/legal/gdpr.md"
    )
    assert code == 0 and "modified: block legal/gdpr" in out and "amount" not in out

    code, out, _ = run(capsys, "history", str(project), "blocks/legal/gdpr.md", "--json")
    assert code == 0
    entries = json.loads(out)
    expected = subprocess.run(
        ["git", "log", "--follow", "--format=%H", "--", "blocks/legal/gdpr.md"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [e["commit"] for e in entries] == expected and len(expected) == 3
    assert [e["message"] for e in entries] == [
        "Cite the regulation",
        "Rename privacy",
        "First version",
    ]
    assert {e["author"] for e in entries} == {"Giulia Bianchi"}
    assert {e["email"] for e in entries} == {"giulia.bianchi@lumen.example"}
    assert all(e["date"][10] == "T" and len(e["commit"]) == 40 for e in entries)

    code, out, _ = run(capsys, "history", str(project), "block legal/gdpr")
    assert code == 0
    assert "history of block legal/gdpr (3 commits" in out
    assert "(renamed from blocks/legal/privacy.md)" in out


def test_source_and_rendered_diffs(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "commit", str(project), "-m", "First version")
    edit(project, "blocks/greeting.md", 'sms: "Ciao', 'sms: "Buongiorno')
    edit(project, "blocks/legal/privacy.md", "secondo il GDPR", "nel rispetto del GDPR")
    run(capsys, "commit", str(project), "-m", "Second version")

    code, out, _ = run(capsys, "diff", str(project), "HEAD~1", "HEAD", "blocks/greeting.md")
    assert code == 0
    assert '-  sms: "Ciao {{ customer.name }}!"' in out
    assert '+  sms: "Buongiorno {{ customer.name }}!"' in out
    assert "\x1b[" not in out  # not a terminal: no colours

    code, out, _ = run(capsys, "diff", str(project), "HEAD~1", "HEAD", "--json")
    assert code == 0
    files = json.loads(out)["files"]
    assert [f["path"] for f in files] == ["blocks/greeting.md", "blocks/legal/privacy.md"]

    base = ["diff", str(project), "HEAD~1", "HEAD", "--rendered", "--template", "letter"]
    code, out, _ = run(capsys, *base, "--channel", "sms", "--color", "never")
    assert code == 0
    assert "[-Ciao-]{+Buongiorno+} Mario Rossi!" in out

    code, out, _ = run(capsys, *base, "--channel", "email", "--json")
    data = json.loads(out)
    assert code == 0 and data["changed"]
    assert data["html"]["changed_blocks"] == ["legal/privacy"]

    code, out, _ = run(capsys, *base, "--channel", "print", "-o", str(tmp_path / "png"), "--json")
    data = json.loads(out)
    assert code == 0 and data["changed_pages"] == [1] and data["pages_a"] == 1
    assert Path(data["pages"][0]["image"]).is_file()


def test_restore_and_release(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "commit", str(project), "-m", "First version")
    first = git.Repo(project).head.commit.hexsha
    edit(project, "blocks/amount.md", "Importo", "Totale")
    run(capsys, "commit", str(project), "-m", "Totale")

    code, out, _ = run(capsys, "restore", str(project), "blocks/amount.md", first[:8])
    assert code == 0 and "restored block amount" in out
    repo = git.Repo(project)
    assert [c.message.splitlines()[0] for c in repo.iter_commits()][1:] == [
        "Totale",
        "First version",
    ]
    assert "Importo" in (project / "blocks/amount.md").read_text()

    code, out, _ = run(capsys, "release", str(project), "v1", "-m", "First release")
    assert code == 0 and "released v1" in out
    assert repo.tags["v1"].tag is not None
    assert repo.tags["v1"].commit == repo.head.commit

    edit(project, "blocks/amount.md", "Importo", "Somma")
    code, out, err = run(capsys, "release", str(project), "v2")
    assert code == 1 and "uncommitted changes" in err and "Traceback" not in err
    assert "v2" not in [t.name for t in repo.tags]
    code, _, err = run(capsys, "release", str(project), "v1")
    assert code == 1 and "already exists" in err


def test_errors_are_sentences_not_tracebacks(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "commit", str(project), "-m", "First version")
    code, _, err = run(capsys, "diff", str(project), "nope", "HEAD")
    assert code == 1 and "no such revision 'nope'" in err
    code, _, err = run(capsys, "history", str(project), "blocks/none.md")
    assert code == 1 and "blocks/none.md:0:0: error: no such file" in err
    code, _, err = run(capsys, "diff", str(project), "HEAD", "HEAD", "--rendered")
    assert code == 2 and "--rendered needs --template" in err
    code, _, err = run(capsys, "commit", str(project), "-m", "Again")
    assert code == 1 and "nothing to commit" in err
    code, _, err = run(capsys, "history", str(tmp_path / "missing"), "x")
    assert code == 2 and "no such project folder" in err
    plain = write_project(tmp_path / "plain")
    code, _, err = run(capsys, "commit", str(plain), "-m", "x")
    assert code == 1 and "not a git repository" in err
    for error_output in (err,):
        assert "Traceback" not in error_output


def test_rendered_diff_takes_the_send_date(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both versions are rendered as sent on --send-date: what depends on the day shows that
    day, the diff says which day it used, and running it again gives the same answer."""
    run(capsys, "commit", str(project), "-m", "First version")
    edit(project, "blocks/greeting.md", 'sms: "Ciao {{ customer.name }}!',
         'sms: "Ciao {{ customer.name }}, oggi {{ send_date }}!')
    run(capsys, "commit", str(project), "-m", "Date in the SMS")

    base = ["diff", str(project), "HEAD~1", "HEAD", "--rendered", "--template", "letter",
            "--channel", "sms", "--send-date", "2026-03-05"]
    code, out, _ = run(capsys, *base, "--color", "never")
    assert code == 0 and "sent 2026-03-05" in out.splitlines()[0]
    assert "Ciao Mario Rossi{+, oggi 2026-03-05+}!" in out
    code, first, _ = run(capsys, *base, "--json")
    code_again, again, _ = run(capsys, *base, "--json")
    assert code == code_again == 0 and first == again
    assert json.loads(first)["send_date"] == "2026-03-05"

    code, _, err = run(capsys, *base[:4], "--send-date", "2026-03-05")
    assert code == 2 and "--send-date is for a rendered diff" in err
    with pytest.raises(SystemExit) as refused:
        main([*base[:-1], "5 marzo"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "is not a date like 2026-12-01" in err
