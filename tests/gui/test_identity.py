"""A first commit without a known author asks who is committing, once, and commits as them."""

from __future__ import annotations

import shutil

import git
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from studio.core.settings import settings_author
from studio.gui.changes_view import ChangesPanel
from studio.gui.identity import IdentityDialog, git_config
from tests.conftest import SAMPLE

WAIT = 60_000


@pytest.fixture
def nobody(tmp_path, monkeypatch):
    """A machine where nobody told git (or the studio) who they are."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("MISSIVA_AUTHOR_NAME", "MISSIVA_AUTHOR_EMAIL", "GIT_AUTHOR_NAME",
                 "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    repo = git.Repo.init(root)
    repo.git.add(A=True)
    who = git.Actor("Seed", "seed@example.com")
    repo.index.commit("Initial", author=who, committer=who)
    return root, repo


def answer(name: str, email: str, accept: bool = True) -> list[str]:
    """Answer the modal dialog when it shows, as the author would type."""
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, IdentityDialog):
            QTimer.singleShot(50, fill)
            return
        seen.append(dialog.windowTitle())
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # nothing typed yet
        dialog.name.setText(name)
        dialog.email.setText(email)
        if accept:
            ok.click()
        else:
            dialog.reject()

    QTimer.singleShot(50, fill)
    return seen


def test_a_first_commit_asks_who_is_committing_and_remembers(nobody, qtbot):
    root, repo = nobody
    (root / "blocks/common/closing.md").write_text("Cordiali saluti.\n", encoding="utf-8")
    panel = ChangesPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        panel.set_root(root)
    panel.message.setText("A shorter closing")
    seen = answer("Sara Conti", "sara.conti@lumen-energia.example")
    with qtbot.waitSignal(panel.committed, timeout=WAIT):
        panel.commit()
    assert seen == ["Who is committing?"]
    assert repo.head.commit.message.strip() == "A shorter closing"
    assert (repo.head.commit.author.name, repo.head.commit.author.email) == (
        "Sara Conti", "sara.conti@lumen-energia.example")
    assert settings_author() == ("Sara Conti", "sara.conti@lumen-energia.example")
    # the next commit does not ask again
    (root / "blocks/common/closing.md").write_text("Saluti.\n", encoding="utf-8")
    panel.message.setText("Shorter still")
    with qtbot.waitSignal(panel.committed, timeout=WAIT):
        panel.commit()
    assert repo.head.commit.author.email == "sara.conti@lumen-energia.example"


def test_declining_to_say_commits_nothing_and_says_why(nobody, qtbot):
    root, repo = nobody
    (root / "blocks/common/closing.md").write_text("Cordiali saluti.\n", encoding="utf-8")
    panel = ChangesPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        panel.set_root(root)
    panel.message.setText("A shorter closing")
    answer("", "", accept=False)
    panel.commit()
    assert repo.head.commit.message == "Initial"
    assert "author's name and email" in panel.heading.text()
    assert panel.message.text() == "A shorter closing"  # nothing the author wrote is lost


def test_the_dialog_starts_from_gits_own_settings(nobody, qtbot):
    root, repo = nobody
    repo.git.config("user.name", "Sara Conti")
    dialog = IdentityDialog(git_config(root, "user.name"), git_config(root, "user.email"), None)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Sara Conti"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.email.setText("not an address")
    assert not ok.isEnabled()
    dialog.email.setText("sara.conti@lumen-energia.example")
    assert ok.isEnabled()
