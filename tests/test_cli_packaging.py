"""`missiva --version` and `missiva doctor` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import studio
from studio.cli import main

REPO = Path(__file__).resolve().parent.parent


def _missiva(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio.cli", *args], capture_output=True,
                          text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=180)


def test_version_is_the_installed_distributions(capsys):
    try:
        main(["--version"])
    except SystemExit as exit:
        assert exit.code == 0
    expected = metadata.version("missiva-studio")
    assert capsys.readouterr().out.strip() == f"missiva {expected}"
    assert studio.__version__ == expected


def test_doctor_passes_here_and_lists_each_check(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}
    result = _missiva("doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Missiva Studio {studio.__version__} on ")
    for name in ("fonts", "weasyprint", "qt", "git", "sample", "config", "data"):
        assert any(line.startswith("[ok  ] " + name) for line in lines), name
    assert "Ready" in result.stderr


def test_doctor_fails_with_exit_1_and_a_fix_when_git_is_missing(tmp_path):
    env = {"PATH": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d")}
    result = _missiva("doctor", "--json", "--no-gui", env=env)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    [git_check] = [c for c in report["checks"] if c["name"] == "git"]
    assert git_check["status"] == "failed" and git_check["fix"]
    assert not [c for c in report["checks"] if c["name"] == "qt"]  # --no-gui


def test_doctor_text_shows_the_fix_under_a_failed_check(tmp_path):
    blocker = tmp_path / "config-file"
    blocker.write_text("")
    result = _missiva("doctor", "--no-gui", env={"XDG_CONFIG_HOME": str(blocker),
                                                 "XDG_DATA_HOME": str(tmp_path / "d")})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[FAIL] config"))
    assert "fix: make" in lines[at + 1]
    assert "Traceback" not in result.stderr
