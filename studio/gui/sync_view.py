"""The team in the studio: File → Open from server…, the Sync action, the conflict dialog, and the
change requests waiting for review. All git work runs through operations (off the GUI thread)."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core import sync
from studio.core.diff.text import word_diff
from studio.core.history import path_label
from studio.core.problems import Problem
from studio.gui import operations
from studio.gui.formats import problem_text, ui_locale
from studio.gui.history_view import _rendered_html as rendered_html
from studio.gui.history_view import words_html


def _pre(body: str) -> str:
    return f'<div style="font-family: monospace; white-space: pre-wrap">{body}</div>'


def _missing(text: str | None, label: str) -> str:
    return f"<i>{html.escape(label)}</i>" if text is None else ""


class ConflictDialog(QDialog):
    """Each conflicting file's three versions (common, theirs, mine) with word highlights, and
    take mine / take theirs / use the edited text. When the last is resolved, the sync goes on
    (the combined work is recorded and sent); Abandon goes back to before the sync."""

    synced = Signal(object)  # the SyncResult once every conflict is resolved and sync ran again
    abandoned = Signal()

    def __init__(self, root: Path, conflicts: list[sync.Conflict],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.conflicts = list(conflicts)
        self.setWindowTitle(self.tr("Resolve conflicts"))
        self.resize(1200, 760)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self.tr(
            "You and a colleague changed the same text. For each file, keep your version, take "
            "theirs, or write the combined text. Nothing is lost until you decide: both versions "
            "are kept."), self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.files = QListWidget(self)
        self.files.setObjectName("conflictFiles")
        self.files.setMaximumHeight(110)
        layout.addWidget(self.files)
        grid = QGridLayout()
        self.base_view, self.theirs_view, self.mine_view = (QTextBrowser(self) for _ in range(3))
        for column, (title, view) in enumerate(((self.tr("Common version"), self.base_view),
                                                (self.tr("Theirs"), self.theirs_view),
                                                (self.tr("Mine"), self.mine_view))):
            grid.addWidget(QLabel(f"<b>{html.escape(title)}</b>", self), 0, column)
            grid.addWidget(view, 1, column)
        self.keys = QLabel(self)
        grid.addWidget(self.keys, 2, 0, 1, 3)
        # The same three versions rendered as the customer sees them (each from its commit).
        self.rendered = {side: QTextBrowser(self) for side in ("base", "theirs", "mine")}
        for column, view in enumerate(self.rendered.values()):
            view.setObjectName("renderedPreview")
            grid.addWidget(view, 3, column)
        self.rendered_label = QLabel(self)
        grid.addWidget(self.rendered_label, 4, 0, 1, 3)
        layout.addLayout(grid, 3)
        layout.addWidget(QLabel(self.tr("Combined text (edit, then use it):"), self))
        self.merged = QPlainTextEdit(self)
        self.merged.setObjectName("mergedText")
        layout.addWidget(self.merged, 2)
        buttons = QHBoxLayout()
        self.mine_button = QPushButton(self.tr("Keep &mine"), self)
        self.theirs_button = QPushButton(self.tr("Take &theirs"), self)
        self.edited_button = QPushButton(self.tr("Use the &edited text"), self)
        self.abandon_button = QPushButton(self.tr("&Abandon the sync"), self)
        for button in (self.mine_button, self.theirs_button, self.edited_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.abandon_button)
        layout.addLayout(buttons)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        self.mine_button.clicked.connect(lambda: self.take("mine"))
        self.theirs_button.clicked.connect(lambda: self.take("theirs"))
        self.edited_button.clicked.connect(lambda: self.take("edited"))
        self.abandon_button.clicked.connect(self.abandon)
        self.files.currentRowChanged.connect(self._show)
        self._fill()

    def _fill(self) -> None:
        self.files.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(
                f"{path_label(conflict.path).in_language(ui_locale().language)} — {conflict.path}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.path)
            self.files.addItem(item)
        if self.conflicts:
            self.files.setCurrentRow(0)

    def current(self) -> sync.Conflict | None:
        row = self.files.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show(self, _row: int = 0) -> None:
        conflict = self.current()
        if conflict is None:
            return
        base = conflict.base or ""
        self.base_view.setHtml(
            _missing(conflict.base, self.tr("(not in the common version)"))
            or _pre(html.escape(base).replace("\n", "<br>")))
        self.theirs_view.setHtml(
            _missing(conflict.theirs, self.tr("(deleted by them)"))
            or _pre(words_html(word_diff(base, conflict.theirs or ""))))
        self.mine_view.setHtml(
            _missing(conflict.mine, self.tr("(deleted by you)"))
            or _pre(words_html(word_diff(base, conflict.mine or ""))))
        self.keys.setText(self.tr("Keys changed on both sides: %1").replace(
            "%1", ", ".join(conflict.keys)) if conflict.keys else "")
        self.merged.setPlainText(conflict.mine or "")
        for view in self.rendered.values():
            view.setPlainText(self.tr("Rendering…"))
        operations.shared().run(sync.conflict_previews, self.root, conflict.path,
                                success=self._show_previews, failure=self._no_previews,
                                key="sync-previews", owner=self)

    def _show_previews(self, previews: list[sync.ConflictPreview]) -> None:
        for preview in previews:
            view = self.rendered[preview.side]
            if preview.problem:
                view.setPlainText(preview.problem)
            elif preview.media_type.startswith("text/html"):
                view.setHtml(preview.content)
            else:
                view.setPlainText(preview.content)
        shown = next((p for p in previews if p.template), None)
        self.rendered_label.setText(
            self.tr("Rendered: %1, %2, default sample").replace("%1", shown.template)
            .replace("%2", shown.channel) if shown else "")

    def _no_previews(self, problem: Problem) -> None:
        for view in self.rendered.values():
            view.setPlainText(problem_text(problem))

    def _busy(self, on: bool, text: str = "") -> None:
        for button in (self.mine_button, self.theirs_button, self.edited_button,
                       self.abandon_button):
            button.setEnabled(not on)
        self.status.setText(text)

    def take(self, choice: str) -> None:
        conflict = self.current()
        if conflict is None:
            return
        text = self.merged.toPlainText() if choice == "edited" else None
        self._busy(True, self.tr("Resolving…"))
        operations.shared().run(
            sync.resolve, self.root, conflict.path, choice, text,
            success=lambda _: self._resolved(conflict.path), failure=self._failed,
            key="sync-resolve", owner=self)

    def _resolved(self, path: str) -> None:
        self.conflicts = [c for c in self.conflicts if c.path != path]
        self._fill()
        if self.conflicts:
            self._busy(False)
            return
        self._busy(True, self.tr("Recording the combined work and sending it…"))
        operations.shared().run(sync.sync, self.root, success=self._synced,
                                failure=self._failed, key="sync", owner=self)

    def _synced(self, result: sync.SyncResult) -> None:
        self._busy(False, result.in_language(ui_locale().language))
        self.synced.emit(result)
        if result.state == "conflict":  # someone pushed a new clash meanwhile
            self.conflicts = list(result.conflicts)
            self._fill()
            return
        self.accept()

    def abandon(self) -> None:
        self._busy(True, self.tr("Going back to before the sync…"))
        operations.shared().run(sync.abandon, self.root, success=self._abandoned,
                                failure=self._failed, key="sync-resolve", owner=self)

    def _abandoned(self, _: Any) -> None:
        self.abandoned.emit()
        self.reject()

    def _failed(self, problem: Problem) -> None:
        self._busy(False, problem_text(problem))


class CloneDialog(QDialog):
    """File → Open from server…: an address and a folder; the clone runs off the GUI thread."""

    cloned = Signal(object)  # Path

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open from server"))
        form = QFormLayout(self)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://git.example.org/team/project.git")
        form.addRow(self.tr("Address:"), self.url)
        row = QHBoxLayout()
        self.folder = QLineEdit(str(folder or Path.home()), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._choose)
        row.addWidget(self.folder)
        row.addWidget(browse)
        form.addRow(self.tr("Into folder:"), row)
        self.note = QLabel(self.tr(
            "Your user name and password (or token) come from git's credential helper; Missiva "
            "never stores them."), self)
        self.note.setWordWrap(True)
        form.addRow(self.note)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        form.addRow(self.progress)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Get the project"))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._files: tempfile.TemporaryDirectory[str] | None = None
        self._log: Path | None = None
        self._stop: Path | None = None
        self._poll = QTimer(self, interval=200)
        self._poll.timeout.connect(self._show_progress)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where to put the project"))
        if folder:
            self.folder.setText(folder)

    def target(self) -> Path:
        return Path(self.folder.text()) / sync.default_folder(self.url.text().strip())

    def start(self) -> None:
        url = self.url.text().strip()
        if not url:
            self.message.setText(self.tr("Give the project's address."))
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.message.setText(self.tr("Getting the project…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        # The clone runs in the studio's worker process: it reports through a file and stops
        # when the cancel file appears (Cancel, or closing the dialog).
        self._files = tempfile.TemporaryDirectory(prefix="missiva-clone-")
        folder = Path(self._files.name)
        self._log, self._stop = folder / "progress.log", folder / "cancel"
        self._log.touch()
        self._poll.start()
        operations.shared().run(sync.clone_reporting, url, str(self.target()), str(self._log),
                                str(self._stop), success=self._done, failure=self._failed,
                                key="clone", owner=self)

    def _show_progress(self) -> None:
        if self._log is None:
            return
        try:
            lines = self._log.read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        if not lines:
            return
        self.message.setText(lines[-1])
        percent = re.search(r"(\d+)%", lines[-1])
        if percent:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(percent.group(1)))

    def _finish(self) -> None:
        self._poll.stop()
        self.progress.hide()
        self._log = self._stop = None
        if self._files is not None:
            self._files.cleanup()
            self._files = None

    def _done(self, root: Path) -> None:
        self._finish()
        self.cloned.emit(root)
        self.accept()

    def _failed(self, problem: Problem) -> None:
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.message.setText(problem_text(problem))

    def cancel(self) -> None:
        """Stop a running clone (its partial folder is removed); the dialog stays open."""
        if self._stop is not None:
            self._stop.touch()
            self.message.setText(self.tr("Cancelling…"))

    def reject(self) -> None:
        if self._stop is not None:
            self.cancel()
            return
        super().reject()


class ChangeRequestsPanel(QWidget):
    """The changes on the server waiting for review: who, which blocks, the regulatory blocks'
    states at the change; merge one (refused while one is not approved) or send it back."""

    merged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("changeRequests")
        self.tree.setHeaderLabels([self.tr("Change"), self.tr("By"), self.tr("Blocks"),
                                   self.tr("Regulatory")])
        layout.addWidget(self.tree)
        # The selected change rendered against main, per template and channel.
        self.diff_view = QTextBrowser(self)
        self.diff_view.setObjectName("changeDiff")
        layout.addWidget(self.diff_view, 1)
        self.tree.currentItemChanged.connect(lambda *_: self._compare())
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.merge_button = QPushButton(self.tr("&Merge into main"), self)
        self.return_button = QPushButton(self.tr("Send &back…"), self)
        for button in (self.refresh_button, self.merge_button, self.return_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh_button.clicked.connect(self.refresh)
        self.merge_button.clicked.connect(self.merge)
        self.return_button.clicked.connect(self.send_back)
        self.changes: list[sync.ChangeRequest] = []

    def set_root(self, root: Path | None) -> None:
        self.root = root
        self.refresh()

    def refresh(self) -> None:
        if self.root is None or not (self.root / ".git").exists():
            return
        operations.shared().run(sync.list_changes, self.root, success=self._show,
                                failure=self._failed, key="change-list", owner=self)

    def _show(self, changes: list[sync.ChangeRequest]) -> None:
        self.changes = changes
        self.tree.clear()
        for change in changes:
            regulatory = ", ".join(f"{b}: {s}" for b, s in change.regulatory.items())
            item = QTreeWidgetItem([change.name, ", ".join(change.authors),
                                    ", ".join(change.blocks), regulatory])
            if change.returned:
                item.setToolTip(0, self.tr("Sent back: %1").replace("%1", change.returned))
            self.tree.addTopLevelItem(item)
        self.status.setText(self.tr("%n change(s) waiting for review", "", len(changes)))

    def selected(self) -> sync.ChangeRequest | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        index = self.tree.indexOfTopLevelItem(item)
        return self.changes[index] if 0 <= index < len(self.changes) else None

    def _compare(self) -> None:
        change = self.selected()
        if change is None or self.root is None:
            self.diff_view.clear()
            return
        self.diff_view.setPlainText(self.tr("Rendering the change against main…"))
        operations.shared().run(sync.change_diffs, self.root, change.name,
                                success=self._show_diffs, failure=self._failed,
                                key="change-diff", owner=self)

    def _show_diffs(self, diffs: list[Any]) -> None:
        parts = []
        for rendered in diffs:
            parts.append(f"<h3>{html.escape(rendered.template)} — "
                         f"{html.escape(rendered.channel)}</h3>{rendered_html(rendered)}")
        self.diff_view.setHtml("".join(parts) or html.escape(
            self.tr("The change does not alter what customers receive on screen channels.")))

    def merge(self) -> None:
        change = self.selected()
        if change is None or self.root is None:
            return
        self.status.setText(self.tr("Merging…"))
        operations.shared().run(sync.merge_change, self.root, change.name,
                                success=lambda _: self._merged(change.name),
                                failure=self._failed, key="change-merge", owner=self)

    def _merged(self, name: str) -> None:
        self.merged.emit(name)
        self.refresh()

    def send_back(self) -> None:
        change = self.selected()
        if change is None or self.root is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Send the change back"))
        box = QVBoxLayout(dialog)
        comment = QPlainTextEdit(dialog)
        box.addWidget(QLabel(self.tr("What should its author change?"), dialog))
        box.addWidget(comment)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        box.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        operations.shared().run(sync.return_change, self.root, change.name,
                                comment.toPlainText(), success=lambda _: self.refresh(),
                                failure=self._failed, key="change-return", owner=self)

    def _failed(self, problem: Problem) -> None:
        self.status.setText(problem_text(problem))


class ActivityPanel(QWidget):
    """Who changed what: my commits not on the server yet, and whose arrived with the last
    sync (author, commit, subject)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("teamActivity")
        self.tree.setHeaderLabels([self.tr("Commit"), self.tr("Who"), self.tr("What")])
        layout.addWidget(self.tree)
        self.waiting = QTreeWidgetItem([self.tr("Not on the server yet")])
        self.arrived = QTreeWidgetItem([self.tr("Arrived with the last sync")])
        self.tree.addTopLevelItems([self.waiting, self.arrived])

    def refresh(self, root: Path) -> None:
        operations.shared().run(sync.activity, root, success=self._show,
                                key="sync-activity", owner=self)

    def _show(self, found: tuple[tuple[sync.Arrival, ...], tuple[sync.Arrival, ...]]) -> None:
        for parent, arrivals in zip((self.waiting, self.arrived), found, strict=True):
            parent.takeChildren()
            for arrival in arrivals:
                parent.addChild(QTreeWidgetItem([arrival.commit[:10], arrival.author,
                                                 arrival.subject]))
            parent.setExpanded(True)


class Team(QObject):
    """The studio's team actions on one window: Open from server…, Sync (with the counts to
    send and receive), the conflict dialog, and the change requests dock."""

    synced = Signal(object)  # SyncResult

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.root: Path | None = None
        self.dialog: ConflictDialog | None = None
        self.clone_action = QAction(self.tr("Open from &Server…"), self)
        self.clone_action.triggered.connect(self.open_from_server)
        self.sync_action = QAction(self.tr("Sync"), self)
        self.sync_action.setObjectName("syncAction")
        self.sync_action.setToolTip(self.tr("Receive the team's work and send yours"))
        self.sync_action.triggered.connect(self.sync)
        self.sync_action.setEnabled(False)
        self.changes = ChangeRequestsPanel(window)
        self.activity = ActivityPanel(window)
        self.tabs = QTabWidget(window)
        self.tabs.addTab(self.changes, self.tr("Changes to review"))
        self.tabs.addTab(self.activity, self.tr("Who changed what"))
        self.dock = QDockWidget(self.tr("Team"), window)
        self.dock.setObjectName("changeRequestsDock")
        self.dock.setWidget(self.tabs)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.changes.merged.connect(lambda _: self.refresh_counts())

    def install(self, file_menu: Any, toolbar: Any) -> None:
        first = file_menu.actions()[1] if len(file_menu.actions()) > 1 else None
        file_menu.insertAction(first, self.clone_action)
        toolbar.addSeparator()
        toolbar.addAction(self.sync_action)

    def set_root(self, root: Path | None) -> None:
        self.root = root
        if root is not None and root != self.changes.root:
            self.changes.set_root(root)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        if self.root is None:
            self.sync_action.setEnabled(False)
            return
        operations.shared().run(sync.counts, self.root, success=self._show_counts,
                                failure=self._no_server, key="sync-counts", owner=self)
        self.activity.refresh(self.root)

    def _show_counts(self, counts: sync.Counts) -> None:
        self.sync_action.setEnabled(True)
        self.sync_action.setText(
            self.tr("Sync ↑%1 ↓%2").replace("%1", str(counts.to_send))
            .replace("%2", str(counts.to_receive)))
        self.sync_action.setToolTip(
            self.tr("%1 commit(s) to send, %2 to receive (as of the last sync)")
            .replace("%1", str(counts.to_send)).replace("%2", str(counts.to_receive)))

    def _no_server(self, problem: Problem) -> None:
        self.sync_action.setEnabled(False)
        self.sync_action.setText(self.tr("Sync"))
        self.sync_action.setToolTip(problem_text(problem))

    def sync(self) -> None:
        """Sync off the GUI thread; a sync left in conflict shows its conflicts again."""
        if self.root is None:
            return
        self.sync_action.setEnabled(False)
        self.sync_action.setText(self.tr("Syncing…"))
        operations.shared().run(sync.sync, self.root, success=self._synced,
                                failure=self._failed, key="sync", owner=self)

    def _synced(self, result: sync.SyncResult) -> None:
        self.synced.emit(result)
        self.refresh_counts()
        if result.state == "conflict":
            self._show_conflicts(list(result.conflicts))
        elif result.base:
            self._offer_take_back(result)
        elif not result.ok:
            self._message(result.in_language(ui_locale().language))
        else:
            self.window.statusBar().showMessage(result.in_language(ui_locale().language), 10000)

    def _show_conflicts(self, conflicts: list[sync.Conflict]) -> None:
        assert self.root is not None
        self.dialog = ConflictDialog(self.root, conflicts, self.window)
        self.dialog.synced.connect(self._synced_after_conflict)
        self.dialog.abandoned.connect(self.refresh_counts)
        self.dialog.open()

    def _synced_after_conflict(self, result: sync.SyncResult) -> None:
        self.synced.emit(result)
        self.refresh_counts()

    def _failed(self, problem: Problem) -> None:
        self.refresh_counts()
        self._message(problem_text(problem))

    def _offer_take_back(self, result: sync.SyncResult) -> None:
        """A sync refused for the compliance rules: the author may take the unsent commits
        back (their changes stay in the files), undo what broke the rules and commit again."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Sync"),
                          result.in_language(ui_locale().language),
                          QMessageBox.StandardButton.Close, self.window)
        box.setObjectName("syncMessage")
        take = box.addButton(self.tr("Take my commits back"), QMessageBox.ButtonRole.ActionRole)
        take.setObjectName("takeBack")
        take.setToolTip(self.tr("Your commits not on the server become uncommitted changes "
                                "again: nothing in your files changes."))
        take.clicked.connect(lambda: operations.shared().run(
            sync.take_back, self.root, result.base, success=self._taken_back,
            failure=self._failed, key="take-back", owner=self))
        box.open()

    def _taken_back(self, count: int) -> None:
        self.refresh_counts()
        self.window.statusBar().showMessage(
            self.tr("%n commit(s) taken back: their changes are in your files, uncommitted.",
                    "", count), 15000)
        for panel in ("changes", "review"):  # the uncommitted changes, the states at HEAD
            refresh = getattr(getattr(self.window, panel, None), "refresh", None)
            if callable(refresh):
                refresh()

    def _message(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Sync"), text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("syncMessage")
        box.open()

    def open_from_server(self) -> None:
        dialog = CloneDialog(self.window)
        opener = getattr(self.window, "open_project", None)
        if opener is not None:
            dialog.cloned.connect(opener)
        dialog.open()


def install_team(window: Any) -> Team:
    """Add the team's actions to WINDOW (a MainWindow): the File menu's Open from server…, the
    Sync action on the toolbar, the changes-to-review dock; follow the project it opens."""
    team = Team(window)
    file_menu = window.menuBar().actions()[0].menu()
    team.install(file_menu, window.toolbar)
    window.session.projectChanged.connect(
        lambda project: team.set_root(project.root) if project.root != team.root else None)
    view_menus = [a.menu() for a in window.menuBar().actions()[1:2]]
    for menu in view_menus:
        menu.addAction(team.dock.toggleViewAction())
    if hasattr(window, "changes"):
        window.changes.committed.connect(lambda _: team.refresh_counts())
    if hasattr(window, "review_action"):
        # Review shows the changes waiting on the server next to the regulatory blocks.
        window.review_action.toggled.connect(team.dock.setVisible)
    return team
