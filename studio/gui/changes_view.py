"""The changes view: what differs from the last commit, named as a reviewer would, and commit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import history
from studio.core.history import Change, Identity, Revision, open_repository, path_label
from studio.core.problems import Problem
from studio.gui import operations
from studio.gui.formats import problem_text, ui_locale
from studio.gui.identity import ensure_identity


class ChangesPanel(QWidget):
    """Uncommitted changes ("modified: block legal/privacy") and a commit message box."""

    committed = Signal(str)  # the new commit's hash
    commitFailed = Signal(str)  # why not, in words (also shown in the heading)
    refreshed = Signal()  # the list shows the changes as git status saw them just now
    fileActivated = Signal(str)  # a changed file to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        self._changes: list[Change] = []
        self.status_runs = 0  # how many times git status ran (an idle studio: none)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        # A git program killed mid-write leaves .git/index.lock: every commit fails until it
        # goes. Offered (not done): a running git program holds the same file.
        self.clear_lock_button = QPushButton(self.tr("Clear the lock"), self)
        self.clear_lock_button.clicked.connect(self.clear_index_lock)
        self.clear_lock_button.hide()
        self.list = QListWidget(self)
        self.list.itemActivated.connect(
            lambda item: self.fileActivated.emit(str(item.data(256))))
        self.message = QLineEdit(self)
        self.message.setPlaceholderText(self.tr("What changed, and why"))
        self.commit_button = QPushButton(self.tr("Commit"), self)
        self.commit_button.clicked.connect(self.commit)
        self.message.returnPressed.connect(self.commit)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.commit_button)
        row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.clear_lock_button)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)

    def set_root(self, root: Path) -> None:
        self.root = root
        self.refresh()

    def changes(self) -> list[Change]:
        return list(self._changes)

    def clear_index_lock(self) -> None:
        if self.root is None:
            return
        open_repository(self.root).clear_index_lock()
        self.clear_lock_button.hide()
        self.heading.setText(self.tr("The lock is cleared: commit again."))

    def refresh(self) -> None:
        """Read the changes again, in the studio's runner (git status is off the GUI thread);
        `refreshed` says when they are shown."""
        if self.root is None:
            self.list.clear()
            self._changes = []
            return
        operations.shared().run(history.working_state, str(self.root),
                                success=self._show, failure=self._show_failure,
                                key=f"changes:{id(self)}", owner=self,
                                lane=operations.git_lane(self.root))

    def _show_failure(self, problem: Problem) -> None:
        # not a repository, git missing: say so
        self.list.clear()
        self._changes = []
        self.heading.setText(self.tr("No version control here: %s") % problem_text(problem))
        self.commit_button.setEnabled(False)
        self.refreshed.emit()

    def _show(self, state: history.WorkingState) -> None:
        self.list.clear()
        self._changes = list(state.changes)
        self.status_runs += 1
        for change in self._changes:
            item = QListWidgetItem(self.describe(change), self.list)
            item.setData(256, change.path)
            item.setToolTip(change.path)
        self.heading.setText(self.tr("%d change(s) since the last commit") % len(self._changes)
                             if self._changes else self.tr("No changes since the last commit"))
        self.commit_button.setEnabled(bool(self._changes))
        stale = state.stale_lock
        self.clear_lock_button.setVisible(stale is not None)
        if stale is not None:
            self.heading.setText(self.heading.text() + " — " + self.tr(
                "git's index is locked (%s) by a git program that seems to have stopped: "
                "commits will fail until the lock is cleared.") % stale)
        self.refreshed.emit()

    def describe(self, change: Change) -> str:
        """"modified: block legal/privacy", in the studio's language ("modificato: blocco
        legal/privacy"): git's words for what happened, the reviewer's for the file."""
        kinds = {"modified": self.tr("modified"), "added": self.tr("added"),
                 "deleted": self.tr("deleted"), "renamed": self.tr("renamed"),
                 "untracked": self.tr("new"), "conflict": self.tr("in conflict")}
        language = ui_locale().language
        name = path_label(change.path).in_language(language)
        kind = kinds.get(change.kind, change.kind)
        if change.kind == "renamed" and change.old_path:
            name = f"{path_label(change.old_path).in_language(language)} → {name}"
        return f"{kind}: {name}"

    def commit(self) -> None:
        """Commit every change, as the author (asked once if nobody is known), in the
        studio's runner; `committed` or an explanation in the heading follows."""
        text = self.message.text().strip()
        if not text or self.root is None:
            self.heading.setText(self.tr("Write a commit message first."))
            return
        author = self.ensure_identity(self.root)
        if author is None:
            self.heading.setText(self.tr(
                "Not committed: a version needs its author's name and email."))
            return
        root = self.root
        self.commit_button.setEnabled(False)

        def done(revision: Revision) -> None:
            self.clear_lock_button.hide()
            self.message.clear()
            self.refresh()
            self.committed.emit(revision.commit)

        def failed(problem: Problem) -> None:
            self.heading.setText(problem_text(problem))
            self.commit_button.setEnabled(bool(self._changes))
            self.clear_lock_button.setVisible(
                (Path(root) / ".git" / "index.lock").exists())
            self.commitFailed.emit(problem_text(problem))

        operations.shared().run(history.commit_all, str(root), text, author,
                                success=done, failure=failed, owner=self,
                                lane=operations.git_lane(root))

    def ensure_identity(self, root: Path) -> Identity | None:
        """Overridable (tests answer for the author): who commits, asked if unknown."""
        return ensure_identity(root, self)


QObject  # noqa: B018 - imported for type checkers reading the signals' owner
