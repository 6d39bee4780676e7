"""Finding one's way in a large library: the explorer's filter, quick-open (Ctrl+P), project
search (Ctrl+Shift+F) and the Where used panel. Each asks the core (the project and its index);
none holds project logic."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.index import index_of, search_blocks
from studio.core.project import Project
from studio.gui.models import ProjectTreeModel

PathRole = Qt.ItemDataRole.UserRole + 1
LineRole = Qt.ItemDataRole.UserRole + 2


def _terms(text: str) -> list[str]:
    return text.casefold().split()


class ExplorerFilter(QSortFilterProxyModel):
    """The explorer's tree showing only the blocks and templates whose id, title, owner or state
    hold every word typed, with the folders and sections leading to them (inside collapsed
    folders too: the view expands what is left)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._terms: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._terms = _terms(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def active(self) -> bool:
        return bool(self._terms)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self._terms:
            return True
        model = self.sourceModel()
        assert isinstance(model, ProjectTreeModel)
        haystack = model.search_text(model.index(row, 0, parent))
        return bool(haystack) and all(term in haystack for term in self._terms)


class QuickOpen(QDialog):
    """Ctrl+P: type part of a block's or template's id or title, Enter opens it. Not modal: it
    closes itself once a file is chosen, or on Escape."""

    chosen = Signal(str)  # the file, relative to the project

    LIMIT = 200  # rows shown: the list is for picking, not reading

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open a block or template"))
        self.setObjectName("quickOpen")
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Block or template: id or title"))
        self.results = QListWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.resize(560, 420)
        self._entries: list[tuple[str, str, str]] = []  # (search text, label, file)
        self.query.textChanged.connect(self._fill)
        self.query.returnPressed.connect(self._choose_current)
        self.results.itemActivated.connect(lambda item: self._choose(item))
        self.query.installEventFilter(self)

    def set_project(self, project: Project | None) -> None:
        entries = []
        if project is not None:
            default = project.config.default_locale
            for name, template in project.templates.items():
                title = template.localized(template.title, default, default)
                label = self.tr("%s — %s (template)") % (name, title)
                entries.append((f"{name} {title}".casefold(), label, template.path))
            for block_id, block in project.blocks.items():
                entries.append((f"{block_id} {block.title}".casefold(),
                                f"{block_id} — {block.title}", block.path))
        self._entries = entries

    def open(self) -> None:  # type: ignore[override]
        self.query.clear()
        self._fill("")
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()

    def _fill(self, text: str) -> None:
        terms = _terms(text)
        self.results.clear()
        shown = 0
        for haystack, label, rel in self._entries:
            if all(term in haystack for term in terms):
                item = QListWidgetItem(label, self.results)
                item.setData(PathRole, rel)
                shown += 1
                if shown >= self.LIMIT:
                    break
        if shown:
            self.results.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: object) -> bool:  # noqa: N802
        # Up and Down in the query move through the results: the hands stay on the keys.
        if watched is self.query and isinstance(event, QKeyEvent) and event.type() == \
                QKeyEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _choose_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        rel = item.data(PathRole)
        self.hide()
        if rel:
            self.chosen.emit(rel)


class SearchPanel(QWidget):
    """Ctrl+Shift+F: a phrase searched in every block's text (bodies, channel wordings, every
    language); the results by block, each with the templates it appears in, then its lines."""

    openRequested = Signal(str, int)  # file, line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Search the text of every block"))
        self.query.setClearButtonEnabled(True)
        self.summary = QLabel(self)
        self.results = QTreeWidget(self)
        self.results.setHeaderLabels([self.tr("Block / line"), self.tr("Used in templates")])
        # the lines get the room: a block's templates (all 50 for a shared one) are one cell
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.results.setColumnWidth(1, 360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self._project: Project | None = None
        # a search a keystroke is wasted work on 1,000 blocks: wait for a pause in typing
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(200)
        self._pause.timeout.connect(self.run)
        self.query.textChanged.connect(lambda _: self._pause.start())
        self.query.returnPressed.connect(self.run)
        self.results.itemActivated.connect(self._activated)

    def set_project(self, project: Project | None) -> None:
        self._project = project

    def search(self, phrase: str) -> None:
        self.query.setText(phrase)
        self.run()

    def run(self) -> None:
        self._pause.stop()
        self.results.clear()
        project, phrase = self._project, self.query.text()
        if project is None or not phrase.strip():
            self.summary.setText("")
            return
        matches = search_blocks(project, phrase)
        index = index_of(project)
        by_block: dict[str, QTreeWidgetItem] = {}
        for match in matches:
            parent = by_block.get(match.block)
            if parent is None:
                used = index.templates_using(match.block)
                parent = QTreeWidgetItem(self.results, [
                    match.block, ", ".join(used) if used else self.tr("no template")])
                parent.setData(0, PathRole, project.blocks[match.block].path)
                parent.setData(0, LineRole, 1)
                by_block[match.block] = parent
            # a line says which file (the original or a translation) in its own column: the
            # templates column is the block's, and stays empty here
            name = match.path.rpartition("/")[2]
            child = QTreeWidgetItem(parent, [f"{name}:{match.line}  {match.text}", ""])
            child.setToolTip(0, match.path)
            child.setData(0, PathRole, match.path)
            child.setData(0, LineRole, match.line)
        if len(by_block) <= 20:
            self.results.expandAll()
        templates = {t for block in by_block for t in index.templates_using(block)}
        self.summary.setText(self.tr("%d line(s) in %d block(s), used in %d template(s)") % (
            len(matches), len(by_block), len(templates)))

    def _activated(self, item: QTreeWidgetItem) -> None:
        rel = item.data(0, PathRole)
        if rel:
            self.openRequested.emit(rel, int(item.data(0, LineRole) or 1))


class WhereUsedPanel(QWidget):
    """Every template a block appears in, and the chain of blocks that brings it there."""

    openRequested = Signal(str, int)  # file, line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whereUsedPanel")
        self.heading = QLabel(self.tr("Choose a block, then Where used."), self)
        self.heading.setWordWrap(True)
        # what else the index knows of the block: the record fields it reads, whether it is
        # regulatory (a change then needs a sign-off)
        self.facts = QLabel(self)
        self.facts.setObjectName("whereUsedFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.uses = QTreeWidget(self)
        self.uses.setRootIsDecorated(False)
        self.uses.setHeaderLabels([self.tr("Template"), self.tr("Through"), self.tr("Line")])
        self.uses.setColumnWidth(0, 200)
        self.uses.setColumnWidth(1, 360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.uses, 1)
        self.block: str | None = None
        self.uses.itemActivated.connect(self._activated)

    def show_block(self, project: Project, block_id: str) -> None:
        self.block = block_id
        self.uses.clear()
        index = index_of(project)
        uses = index.where_used(block_id)
        fields = sorted(index.fields(block_id))
        facts = [self.tr("Reads %d record field(s), its includes' too: %s") % (
            len(fields), ", ".join(fields)) if fields
            else self.tr("Reads no record field.")]
        if block_id in index.regulatory:
            facts.insert(0, self.tr("Regulatory: a change needs a sign-off."))
        self.facts.setText(" ".join(facts))
        for use in uses:
            through = (" → ".join(use.chain[:-1]) if not use.direct
                       else self.tr("directly in its body"))
            item = QTreeWidgetItem(self.uses, [use.template, through, str(use.line)])
            item.setData(0, PathRole, project.templates[use.template].path)
            item.setData(0, LineRole, use.line)
        direct = sum(use.direct for use in uses)
        if uses:
            self.heading.setText(self.tr(
                "Block %s is used by %d template(s): %d directly, %d through other blocks.")
                % (block_id, len(uses), direct, len(uses) - direct))
        else:
            self.heading.setText(self.tr("Block %s is used by no template.") % block_id)

    def templates(self) -> list[str]:
        return [self.uses.topLevelItem(i).text(0) for i in range(self.uses.topLevelItemCount())]

    def _activated(self, item: QTreeWidgetItem) -> None:
        rel = item.data(0, PathRole)
        if rel:
            self.openRequested.emit(rel, int(item.data(0, LineRole) or 1))
