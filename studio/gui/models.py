"""Qt item models over core values: the project explorer tree and the problems table."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon

from studio.core.problems import Problem
from studio.core.project import Project
from studio.core.resources import resources_dir
from studio.gui.formats import problem_line, problem_text

PathRole = Qt.ItemDataRole.UserRole + 1  # the file a node opens (relative to the project)
KindRole = Qt.ItemDataRole.UserRole + 2  # template, block, folder, layout, style, sample, asset
IdRole = Qt.ItemDataRole.UserRole + 3  # the block id or template name
RegulatoryRole = Qt.ItemDataRole.UserRole + 4  # a regulatory block (shown with a lock)
StateRole = Qt.ItemDataRole.UserRole + 5  # a regulatory block's sign-off state and owner
BLOCK_MIME = "application/x-missiva-block"  # a block dragged from the explorer onto a template


@functools.cache
def _lock_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "lock.svg"))


@dataclass
class Node:
    label: str
    kind: str
    path: str | None = None
    ident: str | None = None
    tooltip: str = ""
    regulatory: bool = False
    owner: str = ""
    title: str = ""
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


# Words shown from variables: marked here so lupdate puts them in the catalogues.
SECTION_WORDS = (QT_TRANSLATE_NOOP("ProjectTreeModel", "Templates"),
                 QT_TRANSLATE_NOOP("ProjectTreeModel", "Blocks"),
                 QT_TRANSLATE_NOOP("ProjectTreeModel", "Layouts"),
                 QT_TRANSLATE_NOOP("ProjectTreeModel", "Styles"),
                 QT_TRANSLATE_NOOP("ProjectTreeModel", "Assets"),
                 QT_TRANSLATE_NOOP("ProjectTreeModel", "Data"))


def build_tree(project: Project) -> Node:
    """The explorer's tree: what a designer thinks in (templates, blocks by folder, …)."""
    root = Node(project.name, "root")
    templates = root.add(Node("Templates", "section"))
    for name, template in project.templates.items():
        title = template.localized(template.title, project.config.default_locale,
                                   project.config.default_locale)
        templates.add(Node(name, "template", template.path, name,
                           f"{title} — {', '.join(template.channels)}", title=title))
    blocks = root.add(Node("Blocks", "section"))
    folders: dict[str, Node] = {}
    for block_id, block in project.blocks.items():
        parent = blocks
        parts = block_id.split("/")
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in folders:
                folders[key] = parent.add(Node(parts[depth - 1], "folder"))
            parent = folders[key]
        locales = ", ".join(sorted(block.sources))
        tip = f"{block.title} ({locales})"
        if block.regulatory:
            tip += f" — regulatory, owned by {block.owner or 'nobody'}"
        parent.add(Node(parts[-1], "block", block.path, block_id, tip, block.regulatory,
                        block.owner or "", block.title))
    for section, folder, kind in (("Layouts", "layouts", "layout"), ("Styles", "styles", "style"),
                                  ("Assets", "assets", "asset")):
        node = root.add(Node(section, "section"))
        base = project.root / folder
        if base.is_dir():
            for path in sorted(p for p in base.rglob("*") if p.is_file()
                               and not p.name.startswith(".")):
                rel = path.relative_to(project.root).as_posix()
                node.add(Node(path.relative_to(base).as_posix(), kind, rel, rel))
    data = root.add(Node("Data", "section"))
    if project.schema is not None:
        data.add(Node("schema.json", "schema", "data/schema.json", "schema"))
    for name, sample in project.samples.items():
        data.add(Node(name, "sample", sample.path, name))
    root.add(Node("studio.yaml", "settings", "studio.yaml", "studio.yaml"))
    return root


class ProjectTreeModel(QAbstractItemModel):
    """The project explorer. Rebuilt from the core Project whenever the project changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = Node("", "root")
        self._states: dict[str, tuple[str, str]] = {}  # block → (state, owner)

    def set_project(self, project: Project | None) -> None:
        self.beginResetModel()
        self._root = build_tree(project) if project else Node("", "root")
        self.endResetModel()

    def set_states(self, states: dict[str, tuple[str, str]]) -> None:
        """The sign-off state and owner of each regulatory block, shown as a badge."""
        changed = {b for b in states.keys() | self._states.keys()
                   if states.get(b) != self._states.get(b)}
        self._states = dict(states)
        for block in changed:
            index = self.find("block", block)
            if index.isValid():
                self.dataChanged.emit(index, index, [StateRole, Qt.ItemDataRole.ToolTipRole])

    def node(self, index: QModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(node.children) and column == 0:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.node(parent).children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(node.label) if node.kind == "section" else node.label
        if role == Qt.ItemDataRole.DecorationRole and node.regulatory:
            return _lock_icon()
        if role == RegulatoryRole:
            return node.regulatory
        if role == StateRole:
            return self._states.get(node.ident or "") if node.kind == "block" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            state = self._states.get(node.ident or "") if node.kind == "block" else None
            tip = node.tooltip or node.path
            return f"{tip} — {state[0]}" if state else tip
        if role == Qt.ItemDataRole.FontRole and node.kind == "section":
            font = QFont()
            font.setBold(True)
            return font
        if role == PathRole:
            return node.path
        if role == KindRole:
            return node.kind
        if role == IdRole:
            return node.ident
        return None

    def search_text(self, index: QModelIndex) -> str:
        """What the explorer's filter matches a block or template on: its id, title, owner and
        sign-off state, folded for case ("" for other nodes: they show when a child does)."""
        node = self.node(index)
        if node.kind not in ("block", "template"):
            return ""
        state = self._states.get(node.ident or "", ("", "")) if node.kind == "block" else ("", "")
        return " ".join((node.ident or "", node.title, node.owner, state[0], state[1])).casefold()

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.node(index).kind == "block":
            flags |= Qt.ItemFlag.ItemIsDragEnabled  # onto a template's composition view
        return flags

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt's name)
        return [BLOCK_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:  # noqa: N802 (Qt's name)
        data = QMimeData()
        blocks = [self.node(i).ident for i in indexes
                  if i.isValid() and self.node(i).kind == "block"]
        if blocks and blocks[0]:
            data.setData(BLOCK_MIME, blocks[0].encode("utf-8"))
            data.setText(blocks[0])
        return data

    def find(self, kind: str, ident: str) -> QModelIndex:
        """The index of a template or block by name, for selecting it from elsewhere."""
        def walk(node: Node) -> Node | None:
            for child in node.children:
                if child.kind == kind and child.ident == ident:
                    return child
                found = walk(child)
                if found:
                    return found
            return None

        found = walk(self._root)
        return self.createIndex(found.row(), 0, found) if found else QModelIndex()


class ProblemsModel(QAbstractTableModel):
    HEADERS = ("", QT_TRANSLATE_NOOP("ProblemsModel", "File"),
               QT_TRANSLATE_NOOP("ProblemsModel", "Line"),
               QT_TRANSLATE_NOOP("ProblemsModel", "Message"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        """Grouped by file (a file's problems together, by line), its name on its first row."""
        self.beginResetModel()
        self._problems = sorted(problems, key=lambda p: (p.path, p.line, p.col))
        self.endResetModel()

    def first_of_file(self, row: int) -> bool:
        return row == 0 or self._problems[row - 1].path != self._problems[row].path

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section]) if self.HEADERS[section] else ""
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        problem = self._problems[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            # the file once for its group: the eye reads one file's problems as one block
            path = problem.path if self.first_of_file(index.row()) else ""
            return ("●" if problem.is_error else "▲",
                    path, problem.line or "", problem_text(problem))[column]
        if role == Qt.ItemDataRole.FontRole and column == 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor("#d32f2f") if problem.is_error else QColor("#ef8f00")
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem_line(problem)
        return None


class ProblemsFilter(QSortFilterProxyModel):
    """The problems list showing one severity ("error", "warning") or all ("")."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.severity = ""

    def set_severity(self, severity: str) -> None:
        self.beginFilterChange()
        self.severity = severity or ""
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self.severity:
            return True
        model = self.sourceModel()
        assert isinstance(model, ProblemsModel)
        return str(model.problem(row).severity) == self.severity

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 1 and self.severity:
            # the group's first row may be filtered out: name the file on its first shown row
            model = self.sourceModel()
            assert isinstance(model, ProblemsModel)
            path = model.problem(self.mapToSource(index).row()).path
            if index.row() == 0:
                return path
            above = model.problem(self.mapToSource(self.index(index.row() - 1, 0)).row()).path
            return path if above != path else ""
        return super().data(index, role)
