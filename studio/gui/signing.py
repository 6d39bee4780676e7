"""The notice the studio shows when the project requires signatures and git here cannot sign.

Its strings are in the studio's catalogue (resources/translations/missiva_it.ts). Settings
shows it; the Review view can add one the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QLabel, QWidget

from studio.core.history import open_repository
from studio.core.problems import ProblemError
from studio.core.signatures import SigningSetup, signing_setup


class SigningNotice(QLabel):
    """Says plainly, in the user's language, what stops git here from making the signatures
    the project requires; hidden when nothing does (or the project does not require them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signingNotice")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #8a1c1c; }")
        self.setVisible(False)

    def reason(self, problem: str) -> str:
        reasons = {
            "not-signing": self.tr("git does not sign commits on this computer "
                                   "(git config commit.gpgsign true)"),
            "not-ssh": self.tr("git does not sign with SSH keys on this computer "
                               "(git config gpg.format ssh)"),
            "no-key": self.tr("no signing key is set "
                              "(git config user.signingkey ~/.ssh/id_ed25519.pub)"),
            "key-missing": self.tr("the signing key file (git config user.signingkey) "
                                   "does not exist"),
            "not-listed": self.tr("your signing key is not listed for your email in "
                                  "compliance/allowed_signers"),
        }
        return reasons.get(problem, problem)

    def show_setup(self, setup: SigningSetup | None) -> None:
        if setup is None or not setup.required or setup.problem is None:
            self.clear()
            self.setVisible(False)
            return
        self.setText(self.tr("This project requires signed sign-offs and regulatory changes, "
                             "but %s: your commits will be refused by verify.")
                     % self.reason(setup.problem))
        self.setVisible(True)

    def check(self, root: str | os.PathLike[str] | None, email: str) -> None:
        """Check the project at ROOT for EMAIL (a folder that is not a repository: nothing)."""
        if root is None or not (Path(root) / "studio.yaml").is_file():
            self.show_setup(None)
            return
        try:
            email = email or open_repository(root).identity().email
            self.show_setup(signing_setup(root, email))
        except ProblemError:
            self.show_setup(None)
