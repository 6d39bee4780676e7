"""Who is committing? Asked once, in the user's language, before a first commit fails for it.

Git needs a name and an email for every commit. Without them the studio's commit used to fail
with a message that the next refresh wiped out. Now the author is asked in a dialog, prefilled
from git's own configuration when it has one, and the answer is kept in the studio's settings
(author: {name, email}), where the CLI finds it too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.core.history import Identity, open_repository
from studio.core.problems import ProblemError
from studio.core.settings import update_user_settings

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def git_config(root: Path, key: str) -> str:
    """A value of git's configuration as seen from ROOT ("" when unset)."""
    try:
        done = subprocess.run(["git", "config", "--get", key], cwd=root, capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


class IdentityDialog(QDialog):
    """Name and email for the commits made in the studio."""

    def __init__(self, name: str = "", email: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who is committing?"))
        intro = QLabel(self.tr(
            "Every version records who made it. Your name and email are kept in the studio's "
            "settings and used for your commits and sign-offs."))
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setObjectName("authorName")
        self.email = QLineEdit(email)
        self.email.setObjectName("authorEmail")
        self.email.setPlaceholderText("nome.cognome@example.com")
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Email"), self.email)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._check)
        self.email.textChanged.connect(self._check)
        self._check()

    def identity(self) -> Identity:
        return Identity(self.name.text().strip(), self.email.text().strip(), "settings")

    def _check(self) -> None:
        ok = bool(self.name.text().strip()) and bool(_EMAIL.match(self.email.text().strip()))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def ensure_identity(root: Path, parent: QWidget | None = None,
                    ask: type[IdentityDialog] = IdentityDialog) -> Identity | None:
    """Who commits in ROOT: known already (environment, settings, git config), or asked now
    and saved in the settings. None when the author declined to say."""
    try:
        return open_repository(root).identity()
    except ProblemError:
        pass
    dialog = ask(git_config(root, "user.name"), git_config(root, "user.email"), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    who = dialog.identity()
    update_user_settings(author={"name": who.name, "email": who.email})
    return who
