"""The history of the current item, for a reviewer: versions, compare two, restore one."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.core import diff, history
from studio.core.channels import CHANNELS
from studio.core.history import WORKTREE, Revision, open_repository, path_label
from studio.core.problems import Problem
from studio.gui import operations
from studio.gui.formats import date_in_words, problem_text, ui_locale

DELETED_STYLE = "color:#a40e26;background:#ffe3e6;text-decoration:line-through"
INSERTED_STYLE = "color:#116329;background:#d9f7e0;font-weight:bold"
_AnyIndex = QModelIndex | QPersistentModelIndex


def file_label(rel: str) -> str:
    """A project file named as a reviewer would, in the studio's language."""
    return path_label(rel).in_language(ui_locale().language)


# A page's status in a print compare, shown from a variable: marked for lupdate.
PAGE_WORDS = (QT_TRANSLATE_NOOP("CompareDialog", "changed"),
              QT_TRANSLATE_NOOP("CompareDialog", "added"),
              QT_TRANSLATE_NOOP("CompareDialog", "removed"))


def version_in_words(revision: Revision | None) -> str:
    """One side of a comparison: "Giulia Bianchi, 3 March 2026 “Updated DPO address”"."""
    if revision is None:
        return QCoreApplication.translate("HistoryPanel", "working copy")
    day = date_in_words(revision.date, time=False)
    return f"{revision.author}, {day} “{revision.subject}”"


def words_html(text_diff: diff.TextDiff, *, only_changed: bool = False) -> str:
    """A word diff as HTML: deleted words struck through in red, inserted words in green.
    With only_changed, just the lines holding a change, with "⋯" where lines were left out."""
    lines: list[list[str]] = [[]]
    touched = [False]
    for segment in text_diff.segments:
        for number, piece in enumerate(segment.text.split("\n")):
            if number:
                lines.append([])
                touched.append(False)
            if not piece:
                continue
            escaped = html.escape(piece)
            if segment.tag == diff.EQUAL:
                lines[-1].append(escaped)
                continue
            touched[-1] = True
            style = DELETED_STYLE if segment.tag == diff.DELETE else INSERTED_STYLE
            # A replacement is a deletion then an insertion: a thin space keeps "10" and
            # "dieci" from reading as one word "10dieci".
            gap = "&#8201;" if segment.tag == diff.INSERT and lines[-1] and \
                lines[-1][-1].startswith(f'<span style="{DELETED_STYLE}"') else ""
            lines[-1].append(f'{gap}<span style="{style}">{escaped}</span>')
    if not only_changed:
        return "<br>".join("".join(parts) for parts in lines)
    shown: list[str] = []
    skipped = False
    for parts, changed in zip(lines, touched, strict=True):
        if not changed:
            skipped = skipped or bool(parts)
            continue
        if skipped or not shown:
            shown.append('<p style="color:#6e6e73">⋯</p>' if skipped else "")
        shown.append(f"<p>{''.join(parts)}</p>")
        skipped = False
    if skipped:
        shown.append('<p style="color:#6e6e73">⋯</p>')
    return "".join(shown) or "<p><i>No visible change.</i></p>"


# The table -------------------------------------------------------------------------------


class HistoryModel(QAbstractTableModel):
    """A file's revisions, newest first, as a reviewer reads them."""

    COLUMNS = ("Date", "Author", "Message", "Tags")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._revisions: list[Revision] = []

    def set_revisions(self, revisions: Sequence[Revision]) -> None:
        self.beginResetModel()
        self._revisions = list(revisions)
        self.endResetModel()

    def revision(self, row: int) -> Revision:
        return self._revisions[row]

    def revisions(self) -> list[Revision]:
        return list(self._revisions)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._revisions)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        revision = self._revisions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                date_in_words(revision.date),
                revision.author,
                revision.subject,
                ", ".join(revision.tags),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{revision.message}\n\n{revision.author} <{revision.email}> · {revision.short}"
        return None


# Comparing two versions ------------------------------------------------------------------


class CompareDialog(QDialog):
    """Two versions of one file side by side in words, and what each channel then sends."""

    rendering_done = Signal()

    def __init__(
        self,
        root: Path,
        rel: str,
        old: Revision,
        new: Revision | None,
        preview: tuple[str, str, str, Sequence[str]] | None = None,
        parent: QWidget | None = None,
        sides: tuple[str, str] | None = None,
        old_rel: str | None = None,
    ) -> None:
        """OLD_REL: the file's path at OLD when it had another then (a renamed block)."""
        super().__init__(parent)
        self.root, self.rel, self.old, self.new = root, rel, old, new
        name = file_label(rel)
        before, after = sides or (version_in_words(old), version_in_words(new))
        self.header_text = f"{name} — {before} → {after}"
        self.setWindowTitle(self.tr("Compare %s") % name)
        self.resize(1000, 700)
        header = QLabel(self.header_text)
        header.setWordWrap(True)
        header.setStyleSheet("font-size: 14px; font-weight: bold; padding: 4px;")
        self.tabs = QTabWidget()
        repository = open_repository(root)
        old_text = (repository.blob(old_rel or rel, old.commit) or b"").decode("utf-8",
                                                                               "replace")
        new_rev = WORKTREE if new is None else new.commit
        new_text = (repository.blob(rel, new_rev) or b"").decode("utf-8", "replace")
        self.source_html = words_html(diff.word_diff(old_text, new_text), only_changed=True)
        self.source_view = QTextBrowser()
        self.source_view.setHtml(self.source_html)
        self.tabs.addTab(self.source_view, self.tr("Text"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.channel_tabs: dict[str, QWidget] = {}
        self.page_images: dict[str, list[str]] = {}
        self._pending = 0
        self._pages_dir = tempfile.TemporaryDirectory(
            prefix="missiva-compare-", ignore_cleanup_errors=True
        )
        self.finished.connect(lambda _result: self._pages_dir.cleanup())
        if preview is not None and rel.startswith(("blocks/", "templates/")):
            self._start_rendering(new_rev, preview)

    def is_rendering(self) -> bool:
        return self._pending > 0

    def _start_rendering(self, new_rev: str, preview: tuple[str, str, str, Sequence[str]]) -> None:
        template, sample, locale, channels = preview
        for channel in channels:
            waiting = QLabel(self.tr("Rendering %1 for %2 at both versions…")
                             .replace("%1", template).replace("%2", channel))
            waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.channel_tabs[channel] = waiting
            self.tabs.addTab(waiting, channel)
        self._pending = len(channels)
        # Each channel in a worker process of the studio's runner: two PDFs rendered and
        # rasterized must not stall the window (nor share the GUI process's GIL).
        for channel in channels:
            operations.shared().run(
                diff.compare_channel,
                str(self.root), (self.old.commit, new_rev), template, channel, sample, locale,
                self._pages_dir.name,
                success=lambda result, c=channel: self._take_result(c, result),
                failure=lambda problem, c=channel: self._take_result(
                    c, self.tr("Could not compare: %s") % problem_text(problem)),
                owner=self,
            )

    def _take_result(self, channel: str, result: Any) -> None:
        self._pending -= 1
        widget = self._channel_widget(channel, result)
        index = self.tabs.indexOf(self.channel_tabs[channel])
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, channel)
        self.channel_tabs[channel].deleteLater()
        self.channel_tabs[channel] = widget
        if self._pending == 0:
            self.rendering_done.emit()

    def _channel_widget(self, channel: str, result: Any) -> QWidget:
        if isinstance(result, str):
            label = QLabel(result)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label
        rendered: diff.RenderedDiff = result
        if rendered.print is not None:
            shown: QWidget = self._pages_widget(channel, rendered.print)
        else:
            view = QTextBrowser()
            view.setHtml(_rendered_html(rendered))
            shown = view
        if not rendered.notes:
            return shown
        # the record had to be fitted to an older schema: say so above what it shows
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for note in rendered.notes:
            label = QLabel(self.tr("Note: %s") % note)
            label.setWordWrap(True)
            label.setObjectName("compare-note")
            label.setStyleSheet("background: #fff4ce; color: #3d2e00; padding: 4px;")
            column.addWidget(label)
        column.addWidget(shown, 1)
        return box

    def _pages_widget(self, channel: str, printed: diff.PrintDiff) -> QWidget:
        body = QWidget()
        column = QVBoxLayout(body)
        images = [page.image for page in printed.pages if page.image]
        self.page_images[channel] = images
        if not printed.pages:
            column.addWidget(QLabel(self.tr("No printed page changes.")))
        for page in printed.pages:
            column.addWidget(QLabel(self.tr("<b>Page %1</b>: %2").replace("%1", str(page.page))
                                    .replace("%2", self.tr(page.status))))
            if page.image:
                picture = QLabel()
                picture.setPixmap(QPixmap(page.image))
                column.addWidget(picture)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        return scroll


def _rendered_html(rendered: diff.RenderedDiff) -> str:
    parts: list[str] = []
    if not rendered.changed:
        parts.append("<p><i>What the customer receives does not change.</i></p>")
    for name, field_diff in rendered.fields.items():
        if field_diff.changed:
            parts.append(f"<p><b>{name.capitalize()}:</b> {words_html(field_diff)}</p>")
    if rendered.html is not None:
        changed = list(diff.iter_changed_blocks(rendered))
        if changed:
            parts.append("<h4>Changed blocks</h4><ul>")
            for block in changed:
                label = "the layout" if block.block == diff.LAYOUT else f"block {block.block}"
                parts.append(
                    f"<li><b>{html.escape(label)}</b> ({block.status})"
                    f"{words_html(block.diff, only_changed=True)}</li>"
                )
            parts.append("</ul>")
    if rendered.text is not None and rendered.text.changed:
        heading = CHANNELS[rendered.channel].text_heading
        parts.append(f"<h4>{heading}</h4>{words_html(rendered.text, only_changed=True)}")
    return "".join(parts)


# The panel -------------------------------------------------------------------------------


class HistoryPanel(QWidget):
    """The versions of the studio's current item, with Compare… and Restore this version.

    The history (one `git log`), a restore (a commit) and the compare dialog's rendered diffs
    run on the studio's operation runner, off the GUI thread."""

    restored = Signal(str)  # the project-relative path that was restored
    loaded = Signal()  # the versions of the item on show are listed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        self.rel = ""
        self.title = ""
        self._preview: tuple[str, str, str, tuple[str, ...]] | None = None
        self._model = HistoryModel(self)
        self.heading = QLabel(self.tr("No item selected"))
        self.heading.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self._model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # One line a version: dates do not wrap into rows too short to show them.
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._compare_clicked())
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.compare_button.setToolTip(self.tr(
            "Two versions selected: compare them. One: compare it with the working copy."))
        self.compare_button.clicked.connect(self._compare_clicked)
        self.restore_button = QPushButton(self.tr("Restore this version"))
        self.restore_button.setToolTip(self.tr(
            "Bring this version back as a new version; the history is kept."))
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # For the window and the tests -------------------------------------------------------

    def model(self) -> HistoryModel:
        return self._model

    def row_count(self) -> int:
        return self._model.rowCount()

    def set_item(self, root: Path, rel: str, title: str) -> None:
        self.root, self.rel, self.title = Path(root), rel, title
        self.reload()

    def set_preview_context(
        self, template: str, sample: str, locale: str, channels: Sequence[str]
    ) -> None:
        self._preview = (template, sample, locale, tuple(channels))

    def reload(self) -> None:
        if self.root is None or not self.rel:
            self._show_revisions([])
            return
        operations.shared().run(
            history.history, str(self.root), self.rel,
            success=self._show_revisions, failure=self._show_failure,
            key=f"history:{id(self)}", owner=self,
        )

    def _show_failure(self, problem: Problem) -> None:
        self.heading.setText(f"{self.title}: {problem_text(problem)}")
        self._model.set_revisions([])
        self._update_buttons()
        self.loaded.emit()

    def _show_revisions(self, revisions: list[Revision]) -> None:
        self._model.set_revisions(revisions)
        count = len(revisions)
        self.heading.setText(
            f"<b>{html.escape(self.title)}</b> ({html.escape(file_label(self.rel))}): "
            + self.tr("%n version(s)", "", count))
        self._update_buttons()
        self.loaded.emit()

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def select_rows(self, rows: Sequence[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self._model.index(row, 0), flags)

    def compare(self) -> CompareDialog | None:
        """The dialog comparing the two selected versions (older → newer), or the selected
        one with the working copy; shown, not run modally."""
        rows = self.selected_rows()
        if self.root is None or not 1 <= len(rows) <= 2:
            return None
        old = self._model.revision(rows[-1])
        new = self._model.revision(rows[0]) if len(rows) == 2 else None
        dialog = CompareDialog(self.root, self.rel, old, new, self._preview, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def restore_selected(self) -> bool:
        """Restore the one selected version as a new commit, after confirmation (in the
        background: `restored` says when it is done). False when nothing was started."""
        rows = self.selected_rows()
        if self.root is None or len(rows) != 1:
            return False
        revision = self._model.revision(rows[0])
        if not self.confirm_restore(revision.commit, self.rel):
            return False
        rel = self.rel
        self.restore_button.setEnabled(False)

        def done(_made: Revision) -> None:
            self.reload()
            self.restored.emit(rel)

        operations.shared().run(
            history.restore, str(self.root), rel, revision.commit, None,
            success=done, failure=lambda problem: self.show_problem(problem_text(problem)),
            owner=self, lane=operations.git_lane(self.root),
        )
        return True

    # Overridable questions ----------------------------------------------------------------

    def confirm_restore(self, rev: str, rel: str) -> bool:
        revision = next((r for r in self._model.revisions() if r.commit == rev), None)
        answer = QMessageBox.question(
            self,
            self.tr("Restore this version"),
            self.tr("Bring back %1 as it was in the version of %2?\n\nThis adds a new version "
                    "on top; no version is deleted.").replace("%1", file_label(rel))
            .replace("%2", version_in_words(revision)),
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_problem(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("History"), message)

    # Internals ----------------------------------------------------------------------------

    def _compare_clicked(self) -> None:
        self.compare()

    def _update_buttons(self) -> None:
        count = len(self.selected_rows())
        self.compare_button.setEnabled(1 <= count <= 2)
        self.restore_button.setEnabled(count == 1)
