"""Settings says plainly, in English and Italian, when the project requires signatures and git
on this computer will not make them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import QLocale

from studio.gui.app import install_translations
from studio.gui.main_window import SettingsDialog
from studio.gui.signing import SigningNotice

GIULIA = "giulia.bianchi@lumen.example"


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", "Giulia Bianchi")
        monkeypatch.setenv(f"{prefix}_EMAIL", GIULIA)
    root = tmp_path / "project"
    root.mkdir()
    (root / "studio.yaml").write_text(
        "name: Signed\nlocales: [it]\nroles: {legal: [giulia.bianchi@lumen.example]}\n"
        "compliance: {approvers: [legal], signatures: required}\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


def test_settings_says_git_does_not_sign(qtbot, project):
    dialog = SettingsDialog(project_root=project)
    qtbot.addWidget(dialog)
    notice = dialog.findChild(SigningNotice, "signingNotice")
    assert not notice.isHidden()
    assert notice.text() == (
        "This project requires signed sign-offs and regulatory changes, but git does not sign "
        "commits on this computer (git config commit.gpgsign true): your commits will be "
        "refused by verify.")


def test_nothing_is_said_when_signatures_are_not_required(qtbot, project):
    (project / "studio.yaml").write_text("name: Plain\nlocales: [it]\n", encoding="utf-8")
    git(project, "commit", "-q", "-am", "Signatures no longer required")
    dialog = SettingsDialog(project_root=project)
    qtbot.addWidget(dialog)
    assert dialog.findChild(SigningNotice, "signingNotice").isHidden()


def test_the_notice_in_italian(qapp, qtbot, project):
    git(project, "config", "commit.gpgsign", "true")
    git(project, "config", "gpg.format", "ssh")
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        notice = SigningNotice()
        qtbot.addWidget(notice)
        notice.check(project, GIULIA)
        assert notice.text() == (
            "Questo progetto richiede approvazioni e modifiche normative firmate, ma non è "
            "impostata una chiave di firma (git config user.signingkey "
            "~/.ssh/id_ed25519.pub): verify rifiuterà i tuoi commit.")
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_review_says_it_too(qtbot, project):
    from studio.gui.review_view import ReviewPanel

    panel = ReviewPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.statesChanged, timeout=90_000):
        panel.set_root(project)
    try:
        notice = panel.findChild(SigningNotice, "signingNotice")
        assert not notice.isHidden()
        assert "git does not sign commits on this computer" in notice.text()
        # Set up as required (a key listed for the reviewer): the notice goes.
        key = project.parent / "giulia"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                       check=True)
        (project / "compliance").mkdir()
        (project / "compliance/allowed_signers").write_text(
            f"{GIULIA} {key.with_name('giulia.pub').read_text()}", encoding="utf-8")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "Allowed signers")
        for name, value in (("commit.gpgsign", "true"), ("gpg.format", "ssh"),
                            ("user.signingkey", str(key))):
            git(project, "config", name, value)
        with qtbot.waitSignal(panel.statesChanged, timeout=90_000):
            panel.refresh()
        assert notice.isHidden()
    finally:
        panel.shutdown()
