"""The sample project the studio opens: in place in a checkout, else the user's own copy."""

from __future__ import annotations

import shutil
import stat

import git

from studio.core.project import load_project
from studio.core.userdata import in_writable_checkout, studio_sample_project
from tests.conftest import SAMPLE


def _installed_copy(tmp_path):
    """The sample as an install lays it out: read-only files, an __init__.py, no git."""
    bundled = tmp_path / "site-packages" / "studio" / "_samples" / "lumen-energia"
    shutil.copytree(SAMPLE, bundled)
    (bundled / "__init__.py").write_text("")
    for path in bundled.rglob("*"):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return bundled


def test_in_a_checkout_the_sample_opens_in_place():
    assert in_writable_checkout(SAMPLE)
    assert studio_sample_project(SAMPLE) == SAMPLE


def test_installed_sample_is_copied_once_as_a_git_repository(tmp_path, git_env):
    bundled = _installed_copy(tmp_path)
    assert not in_writable_checkout(bundled)
    target = tmp_path / "data" / "projects" / "lumen-energia"
    opened = studio_sample_project(bundled, target)
    assert opened == target
    repo = git.Repo(target)
    assert not repo.is_dirty(untracked_files=True)
    first, *signoffs = reversed(list(repo.iter_commits()))
    assert first.author.name == "Missiva Studio"
    # The shipped decisions that still hold are recorded again in this repository, by the
    # same reviewers: a ledger that verifies here. The stale block's is not carried over.
    from studio.core.compliance import block_states, verify

    assert all(c.message.startswith("Sign-off: approve block") for c in signoffs)
    assert {c.author.email for c in signoffs} >= {"giulia.bianchi@lumen-energia.example"}
    states = {s.block: s.state for s in block_states(target)}
    assert states["legal/privacy"] == "approved" and states["legal/withdrawal"] == "approved"
    assert states["legal/useful-info"] == "pending"  # approved on an older text, stale at home
    assert verify(target) == []
    assert not (target / "__init__.py").exists()
    assert (target / "blocks").is_dir() and load_project(target).name == "Lumen Energia"
    # The copy is the user's: it can be edited although the install was read-only.
    notice = target / "blocks" / "reminder" / "notice.md"
    notice.write_text(notice.read_text() + "\nEdited.\n")
    # A second start keeps the user's copy and edits as they are.
    assert studio_sample_project(bundled, target) == target
    assert notice.read_text().endswith("Edited.\n")
    assert not list(target.parent.glob(".*.new"))


def test_default_copy_goes_to_the_users_data_folder(tmp_path, git_env, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    bundled = _installed_copy(tmp_path)
    opened = studio_sample_project(bundled)
    assert opened == tmp_path / "xdg-data" / "missiva" / "projects" / "lumen-energia"
    assert (opened / ".git").is_dir()


def test_an_install_inside_a_checkout_is_still_an_install(tmp_path):
    (tmp_path / ".git").mkdir()  # a venv made inside a developer's checkout
    bundled = tmp_path / ".venv" / "lib" / "site-packages" / "studio" / "_samples" / "x"
    bundled.mkdir(parents=True)
    assert not in_writable_checkout(bundled)
    assert in_writable_checkout(tmp_path)
