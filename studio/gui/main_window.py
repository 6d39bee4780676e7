"""The studio's main window: explorer, editors, the four live previews and the problems list.

The window is a thin arrangement of widgets around a Session. It holds no project logic: edits
go to the session as buffers, and the session's signals update previews and problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QLocale, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from studio import __version__
from studio.core.channels import CHANNEL_NAMES
from studio.core.engine import FILTERS
from studio.core.files import ReadOnlyError, remove_leftover_temporaries
from studio.core.index import index_of
from studio.core.locate import source_line
from studio.core.plain import field_paths, plain
from studio.core.problems import Problem, ProblemError
from studio.core.project import Project
from studio.core.resources import resources_dir
from studio.core.settings import settings_author, update_user_settings
from studio.core.sources import LocatedDict
from studio.gui.autosave import AutosaveStore
from studio.gui.changes_view import ChangesPanel
from studio.gui.checks_view import LiveChecks
from studio.gui.composition_view import CompositionView
from studio.gui.editor import CodeEditor
from studio.gui.finder import ExplorerFilter, QuickOpen, SearchPanel, WhereUsedPanel
from studio.gui.formats import problem_line, problem_text, ui_locale
from studio.gui.history_view import HistoryPanel
from studio.gui.models import (
    IdRole,
    KindRole,
    PathRole,
    ProblemsFilter,
    ProblemsModel,
    ProjectTreeModel,
    StateRole,
)
from studio.gui.notice import BothVersionsDialog, NoticeBar
from studio.gui.previews import PREVIEW_PANES, PreviewPane
from studio.gui.review_view import ReviewPanel, StateBadgeDelegate
from studio.gui.rule_editor import schema_fields
from studio.gui.session import Session, digest
from studio.gui.signing import SigningNotice
from studio.gui.visual_editor import BlockViews, FieldsController, PreviewOutline
from studio.gui.watcher import ProjectWatcher

AUTOSAVE_PAUSE_MS = 700  # typing pause before unsaved text is autosaved (crash-safe)
# ... and the longest unsaved typing goes without one: a steady typist (a key every 0.2 s)
# never pauses 0.7 s, and a crash would have taken the whole burst
AUTOSAVE_LONGEST_MS = 5000
MAX_RECENT = 8
EDITOR_MIN_WIDTH = 360  # px: about 45 characters of the editor's font, a readable column
PREVIEW_MIN_WIDTH = 160  # px: a pane's header (name, badge, time) stays whole
EXPLORER_MIN_WIDTH = 170  # px: a block's name and its state badge, not squeezed to 60 px


def language_of(rel: str) -> str:
    suffix = Path(rel).suffix
    return {".md": "block", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".css": "css",
            ".html": "html", ".mjml": "html"}.get(suffix, "text")


class EditorTab(QWidget):
    """One open file: a banner (locked regulatory block, changed on disk) and the editor."""

    def __init__(self, rel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rel = rel
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4e5; color: #663c00; padding: 6px; "
                                  "border-bottom: 1px solid #f0c36d; }")
        self.banner.hide()
        # Changed or deleted on disk, a failed save: one bar, replaced, never a second prompt.
        self.notice = NoticeBar(self)
        self.editor = CodeEditor(self)
        self.editor.set_language(language_of(rel))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        self.composition: CompositionView | None = None
        # A block opens in the visual editor; its source (self.editor) is one toggle away.
        self.views = BlockViews(self.editor, self) if rel.startswith("blocks/") \
            and rel.endswith(".md") else None
        if rel.startswith("templates/") and rel.endswith(".yaml"):
            # A template opens as its body's block cards (issue 19); the YAML is one toggle away.
            self.composition = CompositionView(self.editor, self)
            self.source_toggle = QPushButton(self.tr("YAML source"), self)
            self.source_toggle.setObjectName("template-source-toggle")
            self.source_toggle.setCheckable(True)
            self.source_toggle.setToolTip(self.tr("Show the template's YAML instead of cards"))
            self.template_views = QStackedWidget(self)
            self.template_views.addWidget(self.composition)
            self.template_views.addWidget(self.editor)
            self.source_toggle.toggled.connect(
                lambda on: self.template_views.setCurrentIndex(1 if on else 0))
            bar = QHBoxLayout()
            bar.setContentsMargins(4, 2, 4, 2)
            bar.addStretch(1)
            bar.addWidget(self.source_toggle)
            layout.addLayout(bar)
            layout.addWidget(self.template_views)
        else:
            layout.addWidget(self.views or self.editor)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))


class SettingsDialog(QDialog):
    """Who the author is: used for commits and sign-offs, shared with the command line."""

    def __init__(self, parent: QWidget | None = None, project_root: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        author = settings_author() or ("", "")
        self.name = QLineEdit(author[0], self)
        self.email = QLineEdit(author[1], self)
        form = QFormLayout(self)
        form.addRow(self.tr("Author name"), self.name)
        form.addRow(self.tr("Author email"), self.email)
        # Whether git here makes the signatures the project requires (signatures: required).
        self.signing = SigningNotice(self)
        self.signing.check(project_root, self.email.text().strip())
        self.email.editingFinished.connect(
            lambda: self.signing.check(project_root, self.email.text().strip()))
        form.addRow(self.signing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        update_user_settings(author={"name": self.name.text().strip(),
                                     "email": self.email.text().strip()})
        super().accept()


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session or Session(parent=self)
        self.settings = settings or QSettings("Missiva", "Missiva Studio")
        self.autosave: AutosaveStore | None = None
        self.setWindowTitle("Missiva Studio")
        self.setWindowIcon(QIcon(str(resources_dir() / "icons" / "missiva.svg")))
        self.resize(1600, 960)
        self._build_toolbar()
        self._build_central()
        self._build_explorer()
        self._build_problems()
        self._build_history()
        self._build_finders()
        self._build_review()
        self._build_status()
        self._build_menus()
        from studio.gui.sync_view import install_team  # issue 18: team sync, in its own module

        self.team = install_team(self)
        self.watcher = ProjectWatcher(self)
        self.watcher.changed.connect(self._on_disk_changed)
        self.session.writing.connect(self.watcher.expect)
        # Autosave on the typing pause: what was typed up to a second before a crash survives,
        # and an idle window writes nothing.
        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_PAUSE_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self._autosave_ceiling = QTimer(self, singleShot=True, interval=AUTOSAVE_LONGEST_MS)
        self._autosave_ceiling.timeout.connect(self.autosave_now)
        self._both: dict[str, BothVersionsDialog] = {}
        self._connect_session()
        self.checks = LiveChecks(self)  # issue 21: accessibility and readability of previews
        state = self.settings.value("window/state")
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    # Construction ----------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Preview"), self)
        bar.setObjectName("previewToolbar")
        self.toolbar = bar
        self.addToolBar(bar)
        self.template_box = QComboBox(self)
        self.sample_box = QComboBox(self)
        self.locale_box = QComboBox(self)
        for label, box in ((self.tr("Template"), self.template_box),
                           (self.tr("Sample"), self.sample_box),
                           (self.tr("Locale"), self.locale_box)):
            box.setMinimumContentsLength(12)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            bar.addWidget(QLabel(f"  {label} "))
            bar.addWidget(box)
        self.template_box.activated.connect(
            lambda _: self.session.select(template=self.template_box.currentData()))
        self.sample_box.activated.connect(
            lambda _: self.session.select(sample=self.sample_box.currentData()))
        self.locale_box.activated.connect(
            lambda _: self.session.select(locale=self.locale_box.currentData()))

    def _build_central(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.placeholder = QLabel(self.tr(
            "<h3>Nothing open yet</h3><p>Open a block, a template or a sample from the "
            "<b>Project</b> panel: the previews follow what you type.</p><p>Choose the "
            "template, the sample customer and the language in the toolbar.</p>"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.editor_stack = QStackedWidget(self)
        self.editor_stack.addWidget(self.placeholder)
        self.editor_stack.addWidget(self.tabs)
        self.tabs.currentChanged.connect(
            lambda _: self.editor_stack.setCurrentIndex(1 if self.tabs.count() else 0))
        self.previews: dict[str, PreviewPane] = {}
        self.preview_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for channel in CHANNEL_NAMES:
            pane = PREVIEW_PANES[channel](self)
            pane.setObjectName(f"preview-{channel}")
            pane.maximizeRequested.connect(
                lambda on, c=channel: self.maximize_channel(c if on else None))
            pane.blockClicked.connect(  # click to edit (issue 19)
                lambda block, text, c=channel: self.open_block_at(block, text, c))
            self.previews[channel] = pane
            self.preview_splitter.addWidget(pane)
        # The author's text comes first: the editor never gets narrower than a readable column
        # (a preview turning stale, a long name, must not squeeze it to a word a line).
        self.editor_stack.setMinimumWidth(EDITOR_MIN_WIDTH)
        for pane in self.previews.values():
            pane.setMinimumWidth(PREVIEW_MIN_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.editor_stack)
        self.splitter.addWidget(self.preview_splitter)
        self.splitter.setCollapsible(0, False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([560, 1100])
        self._maximized: str | None = None
        self._shown_once = False
        self._project_shape: tuple[Any, ...] | None = None
        # The review mode replaces editors and previews: it has its own, for one block.
        self.central = QStackedWidget(self)
        self.central.addWidget(self.splitter)
        # The window's own notices (the project is open in another window) above everything.
        self.window_notice = NoticeBar(self)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.window_notice)
        column.addWidget(self.central, 1)
        self.setCentralWidget(holder)

    def _build_explorer(self) -> None:
        self.tree_model = ProjectTreeModel(self)
        # issue 23: the tree shows the model through the filter (ids, titles, owners, states)
        self.tree_filter = ExplorerFilter(self)
        self.tree_filter.setSourceModel(self.tree_model)
        self.tree = QTreeView(self)
        self.tree.setModel(self.tree_filter)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)  # a block onto a template's cards
        self.tree.setDragDropMode(QTreeView.DragDropMode.DragOnly)
        self.tree.activated.connect(self._on_tree_activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        where_used = QAction(self.tr("Where used"), self.tree)
        where_used.triggered.connect(self.show_where_used)
        self.tree.addAction(where_used)
        self.explorer_filter = QLineEdit(self)
        self.explorer_filter.setObjectName("explorerFilter")
        self.explorer_filter.setClearButtonEnabled(True)
        self.explorer_filter.setPlaceholderText(self.tr("Filter: id, title, owner, state"))
        self.explorer_filter.textChanged.connect(self._filter_explorer)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.explorer_filter)
        column.addWidget(self.tree, 1)
        # wide enough for "section07/b0123" and its badge beside four previews
        holder.setMinimumWidth(EXPLORER_MIN_WIDTH)
        dock = QDockWidget(self.tr("Project"), self)
        dock.setObjectName("explorerDock")
        dock.setWidget(holder)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resizeDocks([dock], [230], Qt.Orientation.Horizontal)
        self.explorer_dock = dock
        self.fields = FieldsController(self)  # the Data dock and the block editors' chips
        self.outline = PreviewOutline(self)  # a hovered block outlined in the previews

    def _filter_explorer(self, text: str) -> None:
        self.tree_filter.set_text(text)
        if self.tree_filter.active():
            self.tree.expandAll()  # what matches inside collapsed folders is shown

    def _build_finders(self) -> None:
        """Quick-open, project search and Where used (issue 23)."""
        self.quick_open = QuickOpen(self)
        self.quick_open.chosen.connect(lambda rel: self.open_file(rel))
        self.search_panel = SearchPanel(self)
        self.search_panel.openRequested.connect(lambda rel, line: self.open_file(rel, line))
        self.where_used_panel = WhereUsedPanel(self)
        self.where_used_panel.openRequested.connect(lambda rel, line: self.open_file(rel, line))
        for widget, title, name in ((self.search_panel, self.tr("Search"), "searchDock"),
                                    (self.where_used_panel, self.tr("Where used"),
                                     "whereUsedDock")):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.tabifyDockWidget(self.problems_dock, dock)
        self.search_dock = self.search_panel.parentWidget()
        self.where_used_dock = self.where_used_panel.parentWidget()
        self.problems_dock.raise_()

    def _build_problems(self) -> None:
        self.problems_model = ProblemsModel(self)
        self.problems_view = QTableView(self)
        self.problems_view.setModel(self.problems_model)
        self.problems_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.problems_view.verticalHeader().hide()
        header = self.problems_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.problems_view.activated.connect(self._on_problem_activated)
        # issue 23: filter by severity, and say when a check is running (never "0 errors" then)
        self.problems_filter = ProblemsFilter(self)
        self.problems_filter.setSourceModel(self.problems_model)
        self.problems_view.setModel(self.problems_filter)
        self.severity_box = QComboBox(self)
        self.severity_box.setObjectName("problemSeverity")
        for label, value in ((self.tr("Errors and warnings"), ""), (self.tr("Errors only"),
                             "error"), (self.tr("Warnings only"), "warning")):
            self.severity_box.addItem(label, value)
        self.severity_box.currentIndexChanged.connect(
            lambda _: self.problems_filter.set_severity(self.severity_box.currentData()))
        self.checking_bar = QProgressBar(self)
        self.checking_bar.setObjectName("checkingBar")
        self.checking_bar.setRange(0, 0)  # busy: the check runs in a worker process
        self.checking_bar.setMaximumWidth(160)
        self.checking_bar.setMaximumHeight(12)
        self.checking_label = QLabel(self)
        self.checking_label.setObjectName("checkingLabel")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.severity_box)
        bar.addWidget(self.checking_bar)
        bar.addWidget(self.checking_label, 1)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.problems_view, 1)
        self._show_checking(False)
        dock = QDockWidget(self.tr("Problems"), self)
        dock.setObjectName("problemsDock")
        dock.setWidget(holder)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [160], Qt.Orientation.Vertical)
        self.problems_dock = dock

    def _build_history(self) -> None:
        self.history = HistoryPanel(self)
        self.history.restored.connect(self._on_restored)
        dock = QDockWidget(self.tr("History"), self)
        dock.setObjectName("historyDock")
        dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.problems_dock, dock)
        self.problems_dock.raise_()
        self.history_dock = dock
        self.tabs.currentChanged.connect(lambda _: self._update_history())
        self.changes = ChangesPanel(self)
        self.changes.fileActivated.connect(lambda rel: self.open_file(rel))
        self.changes.committed.connect(lambda _: self._update_history())
        changes_dock = QDockWidget(self.tr("Changes"), self)
        changes_dock.setObjectName("changesDock")
        changes_dock.setWidget(self.changes)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, changes_dock)
        self.tabifyDockWidget(dock, changes_dock)
        self.problems_dock.raise_()
        self.changes_dock = changes_dock

    def _build_review(self) -> None:
        self.review = ReviewPanel(self)
        self.review.setObjectName("reviewView")
        self.review.statesChanged.connect(self._on_states)
        self.review.openRequested.connect(self.open_block)
        self.review.decided.connect(lambda _: (self._update_history(), self.changes.refresh()))
        self.changes.committed.connect(lambda _: self.review.refresh())
        self.tree.setItemDelegate(StateBadgeDelegate(self.tree))
        self.central.addWidget(self.review)

    def in_review(self) -> bool:
        return self.central.currentWidget() is self.review

    def set_review_mode(self, on: bool) -> None:
        """Review replaces the editors and previews; the explorer and docks stay."""
        self.central.setCurrentWidget(self.review if on else self.splitter)
        if self.review_action.isChecked() != on:
            self.review_action.setChecked(on)
        if on and self.review.block is None and self.review.awaiting():
            self.review.select(sorted(self.review.awaiting())[0])
        QTimer.singleShot(0, self.keep_on_screen)

    def show_review(self, block: str | None = None) -> None:
        self.set_review_mode(True)
        if block is not None and block != self.review.block:
            self.review.select(block)

    def _on_states(self) -> None:
        states = self.review.states
        self.tree_model.set_states({b: (s.state, s.owner or "") for b, s in states.items()})
        waiting = len(self.review.awaiting())
        self.review_action.setText(self.tr("Review (%d)") % waiting if waiting
                                   else self.tr("Review"))
        self.review_action.setToolTip(
            self.tr("%d regulatory block(s) await a decision") % waiting)

    def open_block(self, block_id: str) -> None:
        project = self.session.project
        if project is not None and block_id in project.blocks:
            self.set_review_mode(False)
            self.open_file(project.blocks[block_id].path)

    def open_block_at(self, block_id: str, text: str, channel: str = "") -> EditorTab | None:
        """Open the block a reader clicked in a preview, at the line that wrote TEXT, in the
        previewed language; where the block has its own wording for CHANNEL (an SMS variant),
        at that wording in the source view."""
        project = self.session.project
        block = project.blocks.get(block_id) if project is not None else None
        if project is None or block is None:
            return None
        default = project.config.default_locale
        source = block.source(self.session.locale or default, default)
        if channel and channel not in source.variants \
                and channel in block.source(default, default).variants:
            source = block.source(default, default)  # a translation uses the original's variant
        if channel in source.variants:
            variants = source.meta.get("variants")
            line = variants.where(channel)[0] if isinstance(variants, LocatedDict) else 1
            tab = self.open_file(source.path, line)
            if tab is not None and tab.views is not None:
                tab.views.show_source()  # the variant is in the front matter
                tab.editor.go_to(line)
            return tab
        line = source.body_line + source_line(source.body, text)
        tab = self.open_file(source.path, line)
        if tab is not None and tab.views is not None and tab.views.is_visual():
            # The visual editor shows the paragraph as the reader read it: find its words.
            visual = tab.views.visual
            words = text.split()
            for count in (6, 3, 1):
                cursor = visual.textCursor()
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                visual.setTextCursor(cursor)
                if words and visual.find(" ".join(words[:count])):
                    visual.ensureCursorVisible()
                    break
        return tab

    def _update_history(self) -> None:
        """The history panel follows the file in front, in the preview's context."""
        tab = self.current_tab()
        root = self.session.root
        if tab is None or root is None:
            return
        project = self.session.project
        if project is not None and self.session.template in project.templates:
            self.history.set_preview_context(self.session.template or "", self.session.sample or "",
                                             self.session.locale or "", self.session.channels())
        try:
            self.history.set_item(root, tab.rel, Path(tab.rel).name)
        except Exception as exc:  # noqa: BLE001 - not a git repository, git missing: say so
            self.history.heading.setText(self.tr("No history: %s") % exc)

    def _on_restored(self, rel: str) -> None:
        tab = self.tab_for(rel)
        if tab is not None and rel not in self.session.buffers and self.session.root:
            tab.editor.set_text(self.session.disk_text(rel))
        self.session.files_changed([rel])
        self.review.refresh()

    def _build_status(self) -> None:
        self.render_labels: dict[str, QLabel] = {}
        for channel in CHANNEL_NAMES:
            label = QLabel(f"{channel}: –", self)
            label.setObjectName(f"time-{channel}")
            self.statusBar().addPermanentWidget(label)
            self.render_labels[channel] = label

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        self._action(menu, self.tr("&Open Project…"), self.choose_project, QKeySequence.Open)
        self.recent_menu = menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(menu, self.tr("&New Project…"), self.new_project, QKeySequence.New)
        menu.addSeparator()
        self._action(menu, self.tr("&Save"), self.save_current, QKeySequence.Save)
        self._action(menu, self.tr("Save &All"), self.save_all, "Ctrl+Shift+S")
        self._action(menu, self.tr("&Revert"), self.revert_current)
        self._action(menu, self.tr("&Close Tab"), lambda: self.close_tab(self.tabs.currentIndex()),
                     QKeySequence.Close)
        menu.addSeparator()
        self._action(menu, self.tr("&Settings…"), self.edit_settings, QKeySequence.Preferences)
        self._action(menu, self.tr("&Quit"), self.close, QKeySequence.Quit)
        view = self.menuBar().addMenu(self.tr("&View"))
        view.addAction(self.explorer_dock.toggleViewAction())
        view.addAction(self.problems_dock.toggleViewAction())
        view.addAction(self.history_dock.toggleViewAction())
        view.addAction(self.changes_dock.toggleViewAction())
        view.addSeparator()
        for channel in CHANNEL_NAMES:
            self._action(view, self.tr("Maximise %s") % channel,
                         lambda _=False, c=channel: self.maximize_channel(c))
        self._action(view, self.tr("Show all channels"), lambda: self.maximize_channel(None))
        find = self.menuBar().addMenu(self.tr("F&ind"))
        self._action(find, self.tr("&Open Block or Template…"), self.show_quick_open, "Ctrl+P")
        self._action(find, self.tr("&Search in Blocks…"), self.show_search, "Ctrl+Shift+F")
        self._action(find, self.tr("&Where Used"), lambda: self.show_where_used_of(),
                     "Ctrl+Shift+U")
        self._action(find, self.tr("&Filter the Explorer"), self._focus_filter, "Ctrl+Shift+E")
        view.addAction(self.search_dock.toggleViewAction())
        view.addAction(self.where_used_dock.toggleViewAction())
        tools = self.menuBar().addMenu(self.tr("&Tools"))
        self._action(tools, self.tr("&Render all"), self.session.render_all, "F5")
        self.review_action = self._action(tools, self.tr("Review"), self.set_review_mode,
                                          "Ctrl+Shift+R")
        self.review_action.setObjectName("reviewAction")
        self.review_action.setCheckable(True)
        self.review_action.setToolTip(self.tr("Review regulatory blocks and sign them off"))
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.review_action)
        self.toolbar.widgetForAction(self.review_action).setObjectName("reviewButton")
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&About Missiva Studio"), self.about)
        self.help_menu = help_menu  # studio.gui.tour adds its entry

    def _focus_filter(self) -> None:
        self.explorer_dock.show()
        self.explorer_filter.setFocus()
        self.explorer_filter.selectAll()

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect_session(self) -> None:
        session = self.session
        session.projectChanged.connect(self._on_project_changed)
        session.selectionChanged.connect(self._sync_selection)
        session.selectionChanged.connect(self._update_history)
        session.selectionChanged.connect(self._mark_delivery)
        session.projectChanged.connect(lambda _project: self._mark_delivery())
        session.renditionReady.connect(self._on_rendition)
        session.renditionFailed.connect(self._on_render_failed)
        session.renderStarted.connect(
            lambda c: self.render_labels[c].setText(f"{c}: …"))
        session.problemsChanged.connect(self._on_problems)
        session.checkingChanged.connect(self._show_checking)
        session.checkingProgress.connect(self._show_checking_progress)
        session.buffersChanged.connect(self._refresh_tab_titles)
        session.fileChangedOnDisk.connect(self._on_conflict)
        session.conflictGone.connect(self._on_conflict_gone)

    # Project ---------------------------------------------------------------------------------

    def open_project(self, root: str | Path) -> None:
        root = Path(root).resolve()
        if not self.confirm_discard():
            return
        for index in reversed(range(self.tabs.count())):
            self.tabs.removeTab(index)
        if self.autosave is not None:
            self.autosave.close()
        remove_leftover_temporaries(root)  # what a killed save left behind: never content
        project = self.session.open(root)
        self.setWindowTitle(f"Missiva Studio — {project.name}")
        self.watcher.watch(root)
        self.autosave = AutosaveStore(root)
        self._say_other_windows(self.autosave.open())
        self.changes.set_root(root)
        self.review.set_root(root)
        self._remember_recent(root)
        self.tree.expandToDepth(0)
        self.offer_recovery()

    def _say_other_windows(self, others: list[Any]) -> None:
        if not others:
            self.window_notice.clear()
            return
        self.window_notice.show_notice("info", self.tr(
            "This project is also open in another Missiva window (%s). Each window keeps its "
            "own unsaved edits; a file saved there shows here as changed on disk.")
            % ", ".join(o.describe() for o in others),
            [(self.tr("OK"), self.window_notice.clear)])

    def choose_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a Missiva project"))
        if folder:
            self.open_project(folder)

    def new_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the new project"))
        if not folder:
            return
        from studio.core.create import create_project

        try:
            create_project(Path(folder))
        except ProblemError as exc:
            QMessageBox.warning(self, self.tr("New project"),
                                self.tr("Cannot create a project in {0}: {1}").format(
                                    folder, problem_text(exc.problem)))
            return
        self.open_project(folder)

    def _remember_recent(self, root: Path) -> None:
        recent = [str(root)] + [p for p in self.recent_projects() if p != str(root)]
        self.settings.setValue("recent", recent[:MAX_RECENT])

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recent") or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_projects():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))

    def _on_project_changed(self, project: Project) -> None:
        # Most changes are keystrokes inside one file: the explorer and the completion lists
        # change only when files, titles or the schema do.
        shape = (tuple((n, t.title if isinstance(t.title, str) else tuple(t.title.items()),
                        t.channels) for n, t in project.templates.items()),
                 tuple((i, b.title, b.regulatory, b.owner, tuple(b.sources))
                       for i, b in project.blocks.items()),
                 tuple(project.samples), repr(project.schema))
        if shape != self._project_shape:
            self._project_shape = shape
            expanded = self._expanded_paths()
            self.tree_model.set_project(project)
            self._restore_expanded(expanded)
            if self.tree_filter.active():
                self.tree.expandAll()
            completions = (field_paths(project.schema, item_prefix=False) + list(project.blocks)
                           + list(FILTERS))
            for tab in self.editor_tabs():
                tab.editor.set_completions(completions)
        for tab in self.editor_tabs():
            self._update_outline(tab)
        self.search_panel.set_project(project)
        self._sync_selection()

    def _update_outline(self, tab: EditorTab) -> None:
        project = self.session.project
        if tab.composition is None or project is None:
            return
        template = project.templates.get(tab.rel[len("templates/"):-len(".yaml")])
        tab.composition.set_context(
            channels=template.channels if template is not None else CHANNEL_NAMES,
            titles={i: b.title for i, b in project.blocks.items() if isinstance(b.title, str)},
            fields=schema_fields(project.schema), context_of=self._rule_context,
            language=ui_locale().language)

    def _rule_context(self) -> dict[str, Any]:
        """What a condition is evaluated with in the rule editor: the previewed sample."""
        project = self.session.project
        sample = project.samples.get(self.session.sample or "") if project else None
        return {**(sample.record if sample is not None else {}),
                "locale": self.session.locale or ""}

    def _expanded_paths(self) -> set[str]:
        found: set[str] = set()

        def walk(parent: QModelIndex, prefix: str) -> None:
            for row in range(self.tree_model.rowCount(parent)):
                index = self.tree_model.index(row, 0, parent)
                key = prefix + "/" + str(index.data())
                if self.tree.isExpanded(self.tree_filter.mapFromSource(index)):
                    found.add(key)
                    walk(index, key)

        walk(QModelIndex(), "")
        return found

    def _restore_expanded(self, keys: set[str]) -> None:
        def walk(parent: QModelIndex, prefix: str) -> None:
            for row in range(self.tree_model.rowCount(parent)):
                index = self.tree_model.index(row, 0, parent)
                key = prefix + "/" + str(index.data())
                if key in keys:
                    self.tree.setExpanded(self.tree_filter.mapFromSource(index), True)
                    walk(index, key)

        walk(QModelIndex(), "")

    def _sync_selection(self) -> None:
        project = self.session.project
        if project is None:
            return
        fill = ((self.template_box, list(project.templates), self.session.template),
                (self.sample_box, sorted(project.samples), self.session.sample),
                (self.locale_box, list(project.config.locales), self.session.locale))
        for box, values, current in fill:
            box.blockSignals(True)
            if [box.itemData(i) for i in range(box.count())] != values:
                box.clear()
                for value in values:
                    box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)
        available = self.session.channels()
        for channel, pane in self.previews.items():
            # Only the template's channels take room; the others are not part of it.
            pane.setVisible(channel in available and (self._maximized in (None, channel)))
            message = self.tr("The template has no %s channel") % channel
            # Runs on every keystroke (the project changed): clear a pane only once.
            if channel not in available and (pane.rendition is not None
                                             or pane.message() != message):
                pane.clear(message)
                self.render_labels[channel].setText(f"{channel}: –")

    # Previews --------------------------------------------------------------------------------

    def _mark_delivery(self) -> None:
        """Mark the panes the sample customer would actually receive (the delivery rules)."""
        chosen = self.session.delivery_route()
        for channel, pane in self.previews.items():
            if chosen is None:
                pane.set_delivery(None)
            else:
                why = chosen.ruled_out.get(channel, chosen.reason)
                pane.set_delivery(channel in chosen.channels, why)

    def _on_rendition(self, channel: str, rendition: Any, elapsed_ms: float) -> None:
        self.previews[channel].show_rendition(rendition, elapsed_ms)
        self.render_labels[channel].setText(f"{channel}: {elapsed_ms:.0f} ms")

    def _on_render_failed(self, channel: str, problem: Problem) -> None:
        # The last good preview stays, marked stale; the problem goes to the list.
        self.previews[channel].set_stale(True, problem_line(problem))
        self.render_labels[channel].setText(f"{channel}: ✗")

    def maximize_channel(self, channel: str | None) -> None:
        self._maximized = channel
        available = self.session.channels()
        for name, pane in self.previews.items():
            pane.setVisible(name in available and (channel is None or name == channel))
            pane.set_maximized(name == channel)

    # Editors ---------------------------------------------------------------------------------

    def editor_tabs(self) -> list[EditorTab]:
        return [w for i in range(self.tabs.count())
                if isinstance(w := self.tabs.widget(i), EditorTab)]

    def tab_for(self, rel: str) -> EditorTab | None:
        return next((tab for tab in self.editor_tabs() if tab.rel == rel), None)

    def open_file(self, rel: str, line: int = 0, col: int = 0) -> EditorTab | None:
        project = self.session.project
        if project is None:
            return None
        tab = self.tab_for(rel)
        if tab is None:
            try:
                text = self.session.read(rel)
            except (OSError, UnicodeDecodeError) as exc:
                QMessageBox.warning(self, self.tr("Open"), f"{rel}: {exc}")
                return None
            tab = EditorTab(rel, self)
            tab.editor.set_text(text)
            tab.editor.set_completions(field_paths(project.schema, item_prefix=False)
                                       + list(project.blocks) + list(FILTERS))
            tab.editor.set_problems(
                [p for p in self.plain_problems(self.session.problems()) if p.path == rel])
            tab.editor.edited.connect(lambda t=tab: self._on_edited(t))
            tab.readability_gauge = self.checks.gauge_for(rel, tab)  # issue 21
            if tab.readability_gauge is not None:
                tab.layout().addWidget(tab.readability_gauge)
            self._apply_lock(tab)
            if tab.composition is not None:
                tab.composition.openBlockRequested.connect(
                    lambda block: self.open_file(f"blocks/{block}.md"))
            self.fields.attach(tab)
            self.outline.watch(tab)
            self._update_outline(tab)
            self.tabs.addTab(tab, Path(rel).name)
            self.tabs.setTabToolTip(self.tabs.indexOf(tab), rel)
            self._refresh_tab_titles()
        self.tabs.setCurrentWidget(tab)
        if line:
            tab.editor.go_to(line, col)
        self._show_a_template_using(rel)
        return tab

    def _show_a_template_using(self, rel: str) -> None:
        """Opening a block the previewed template does not use switches the previews to one
        that does: the author sees what they edit."""
        project = self.session.project
        block = project.block_of(rel) if project is not None else None
        if project is None or block is None or block not in project.blocks:
            return
        index = index_of(project)
        current = self.session.template
        if current is not None and block in index.template_blocks(current):
            return
        users = index.templates_using(block)
        if users:
            self.session.select(template=users[0])
            self.statusBar().showMessage(
                self.tr("Previewing %s: it uses %s") % (users[0], block), 5000)
    def _apply_lock(self, tab: EditorTab) -> None:
        """A regulatory block is editable only by its owners; others see it locked."""
        project = self.session.project
        if project is None:
            return
        block = project.blocks.get(project.block_of(tab.rel) or "")
        if block is None or not block.regulatory:
            tab.show_banner("")
            return
        author = settings_author()
        members = project.config.roles.get(block.owner or "", ())
        if author and author[1] in members:
            tab.show_banner(self.tr("Regulatory block owned by %s: you are an owner; "
                                    "changes need sign-off.") % block.owner)
            tab.editor.setReadOnly(False)
        else:
            tab.show_banner(self.tr("Regulatory block owned by %s: locked. Only its "
                                    "owners may change it.") % (block.owner or "?"))
            tab.editor.setReadOnly(True)

    def _on_edited(self, tab: EditorTab) -> None:
        text, rel = tab.editor.text(), tab.rel
        if rel in self.session.buffers and rel not in self.session.conflicts \
                and self.session.disk_digests.get(rel) == digest(self.session.on_disk(rel, text)):
            # Back to the text on disk (Ctrl+Z to the saved state): nothing unsaved any more.
            self.session.drop_buffer(rel)
            if self.autosave is not None:
                self.autosave.discard(rel)
            self._refresh_tab_titles()
            return
        self.session.set_buffer(rel, text)
        self._autosave_timer.start()
        if not self._autosave_ceiling.isActive():
            self._autosave_ceiling.start()

    def _refresh_tab_titles(self) -> None:
        for tab in self.editor_tabs():
            dirty = tab.rel in self.session.buffers
            self.tabs.setTabText(self.tabs.indexOf(tab), ("● " if dirty else "")
                                 + Path(tab.rel).name)

    def current_tab(self) -> EditorTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, EditorTab) else None

    def save_current(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.save(tab.rel)

    def save_all(self) -> None:
        for rel in list(self.session.buffers):
            self.save(rel)

    def save(self, rel: str) -> bool:
        """Save a buffer, never over a file someone else changed meanwhile without asking.

        False when not saved (the author said no, or writing failed: the reason is shown on
        the file's editor and in the status bar, and the unsaved text stays)."""
        if rel not in self.session.buffers:
            return True
        if self.session.changed_on_disk(rel) and not self.ask_overwrite(rel):
            return False
        try:
            self.session.save(rel)
        except OSError as exc:
            self._show_save_failure(rel, exc)
            return False
        if self.autosave:
            self.autosave.discard(rel)
        tab = self.tab_for(rel)
        if tab is not None:
            tab.notice.clear()
        self.statusBar().showMessage(self.tr("Saved %s") % rel, 3000)
        self._refresh_tab_titles()
        self.changes.refresh()
        return True

    def _show_save_failure(self, rel: str, exc: OSError) -> None:
        if isinstance(exc, ReadOnlyError):
            why = self.tr("the file is read-only. Make it writable (or ask its owner), then "
                          "save again.")
        elif isinstance(exc, PermissionError):
            why = self.tr("permission denied. Check that you may write to its folder, then "
                          "save again.")
        elif exc.errno == 28:  # ENOSPC
            why = self.tr("the disk is full. Free some space, then save again.")
        else:
            why = (exc.strerror or str(exc)) + ". " + self.tr("Fix it, then save again.")
        text = self.tr("Could not save %s: %s Your text is kept here and autosaved.") % (rel, why)
        self.autosave_now()
        tab = self.tab_for(rel) or self.open_file(rel)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            tab.notice.show_notice("error", text, [(self.tr("Try again"),
                                                    lambda: self.save(rel))])
        self.statusBar().showMessage(text)

    def revert_current(self) -> None:
        tab = self.current_tab()
        if tab is None or tab.rel not in self.session.buffers:
            return
        if not self.ask_revert(tab.rel):
            return
        text = self.session.take_disk(tab.rel)
        if text is None:
            return  # deleted on disk: its bar offers what can be done
        tab.editor.set_text(text)
        tab.notice.clear()
        if self.autosave:
            self.autosave.discard(tab.rel)

    def close_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if not isinstance(tab, EditorTab):
            return
        if tab.rel in self.session.buffers:
            answer = self.ask_unsaved([tab.rel])
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save(tab.rel):
                return
            if answer == QMessageBox.StandardButton.Discard:
                self.session.drop_buffer(tab.rel)
                if self.autosave:
                    self.autosave.discard(tab.rel)
        self.tabs.removeTab(index)
        tab.deleteLater()

    # Disk changes, conflicts, autosave -------------------------------------------------------

    def _on_disk_changed(self, rels: list[str]) -> None:
        # Editors without unsaved edits follow the disk; the session decides about the rest.
        root = self.session.root
        for rel in rels:
            tab = self.tab_for(rel)
            if tab is None or rel in self.session.buffers or root is None:
                continue
            path = root / rel
            if path.is_file():
                try:
                    text = self.session.disk_text(rel)  # its form (mark, line endings) too
                except (OSError, UnicodeDecodeError):
                    continue
                if text != tab.editor.text():
                    tab.editor.set_text(text)
                if tab.notice.kind == "warning":
                    tab.notice.clear()  # it came back (a checkout of another branch and back)
            else:
                self._on_deleted_unedited(tab)
        self.session.files_changed(rels)
        if self.changes_dock.isVisible():
            self.changes.refresh()
        if any(rel.startswith(("blocks/", "compliance/", "studio.yaml")) for rel in rels):
            self.review.refresh()

    def _on_deleted_unedited(self, tab: EditorTab) -> None:
        """An open file without unsaved edits was deleted: its text is still here; say so and
        let the author keep it (as unsaved text, saving puts it back) or close it."""
        rel = tab.rel

        def keep() -> None:
            self.session.set_buffer(rel, tab.editor.text())
            tab.notice.clear()
            self.autosave_now()

        tab.notice.show_notice(
            "warning", self.tr("%s was deleted on disk. Its text is still here: keep it to "
                               "save it again, or close it.") % rel,
            [(self.tr("Keep mine"), keep),
             (self.tr("Close"), lambda: self._close_tab_widget(tab))])

    def _on_conflict(self, rel: str) -> None:
        """A file with unsaved edits changed on disk: one bar on its editor, updated (never a
        second one) if the disk changes again. Nothing is replaced until the author says so."""
        tab = self.tab_for(rel)
        if tab is None:
            return
        deleted = self.session.disk_digest(rel) is None
        if deleted:
            text = self.tr("%s was deleted on disk while you have unsaved edits. Keep yours "
                           "(saving writes the file again), or let it go (your text is kept "
                           "in recovery).") % rel
        else:
            text = self.tr("%s changed on disk (another editor, git or another window) while "
                           "you have unsaved edits.") % rel
        tab.notice.show_notice("warning", text, [
            (self.tr("Show both"), lambda: self.show_both(rel)),
            (self.tr("Keep mine"), lambda: self.keep_mine(rel)),
            (self.tr("Take theirs"), lambda: self.take_theirs(rel)),
        ])

    def _on_conflict_gone(self, rel: str) -> None:
        tab = self.tab_for(rel)
        if tab is not None and tab.notice.kind != "error":
            tab.notice.clear()

    def show_both(self, rel: str) -> BothVersionsDialog:
        """The disk version and the unsaved one side by side, as a diff (non-modal)."""
        theirs = None
        if self.session.root is not None and self.session.disk_digest(rel) is not None:
            try:
                theirs = (self.session.root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                theirs = None
        mine = self.session.buffers.get(rel, "")
        previous = self._both.pop(rel, None)
        if previous is not None:
            previous.close()
        dialog = BothVersionsDialog(rel, theirs, mine, self)
        self._both[rel] = dialog
        dialog.show()
        return dialog

    def keep_mine(self, rel: str) -> None:
        """Keep the unsaved text; saving will ask before it replaces the other version."""
        tab = self.tab_for(rel)
        if tab is not None:
            tab.notice.show_notice("info", self.tr(
                "Your unsaved edits are kept. Saving will ask before replacing the version "
                "on disk."))

    def take_theirs(self, rel: str) -> None:
        """Load the disk version (or close a deleted file); the author's text is kept in
        recovery, and can be brought back from the bar until something else is said."""
        mine = self.session.buffers.get(rel)
        based_on = self.session.disk_digests.get(rel)
        if mine is not None and self.autosave is not None:
            self.autosave.keep(rel, mine, based_on)  # offered back when this window is gone
        tab = self.tab_for(rel)
        text = self.session.take_disk(rel)
        if tab is None:
            return
        if text is None:
            self._close_tab_widget(tab)
            return
        tab.editor.set_text(text)
        if mine is None:
            tab.notice.clear()
            return

        def restore() -> None:  # back to the conflict as it was: saving will ask
            tab.editor.set_text(mine)
            tab.notice.clear()
            self.session.recover(rel, mine, based_on)

        tab.notice.show_notice("info", self.tr(
            "The version on disk is loaded. Yours is kept in recovery."),
            [(self.tr("Bring mine back"), restore)])

    def _close_tab_widget(self, tab: EditorTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.removeTab(index)
            tab.deleteLater()

    def _confirm(self, title: str, text: str, button: QMessageBox.StandardButton) -> bool:
        """A warning that does something only on BUTTON; Cancel is the default."""
        return QMessageBox.warning(self, title, text, button | QMessageBox.StandardButton.Cancel,
                                   QMessageBox.StandardButton.Cancel) == button

    def ask_overwrite(self, rel: str) -> bool:
        return self._confirm(
            self.tr("Overwrite?"),
            self.tr("%s changed on disk since you opened it. Replace it with your version?")
            % rel, QMessageBox.StandardButton.Save)

    def ask_revert(self, rel: str) -> bool:
        return self._confirm(
            self.tr("Revert?"),
            self.tr("Revert %s to the version on disk? Your unsaved edits in it will be lost.")
            % rel, QMessageBox.StandardButton.Discard)

    def ask_unsaved(self, rels: list[str]) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Save changes to %s?") % ", ".join(rels),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)

    def ask_recover(self, rels: list[str]) -> QMessageBox.StandardButton:
        """Yes: recover them; Discard: delete them for good; No (or Esc): keep them for the
        next start. Only an explicit Discard destroys text."""
        return QMessageBox.question(
            self, self.tr("Recover unsaved edits"),
            self.tr("Missiva Studio closed with unsaved edits in:\n%s\n\nRecover them? "
                    "(No keeps them for the next start; Discard deletes them for good.)")
            % "\n".join(rels),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Yes)

    def autosave_now(self) -> None:
        self._autosave_timer.stop()
        self._autosave_ceiling.stop()
        if self.autosave is None:
            return
        for rel, text in self.session.buffers.items():
            try:
                self.autosave.save(rel, text, self.session.disk_digests.get(rel))
            except OSError as exc:
                self.statusBar().showMessage(self.tr("Autosave failed: %s") % exc)
                return

    def offer_recovery(self) -> None:
        """Unsaved text left by a window that is gone (a crash): offered back, each buffer on
        the disk version it was typed over, so saving asks before replacing a newer one."""
        if self.autosave is None:
            return
        found = self.autosave.recoverable()
        if not found:
            return
        answer = self.ask_recover(sorted(found))
        if answer not in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Discard):
            return  # kept, offered again at the next start
        if answer == QMessageBox.StandardButton.Yes:
            for rel, recovered in found.items():
                self.session.recover(rel, recovered.text, recovered.based_on)
                tab = self.open_file(rel)
                if tab is not None:
                    tab.editor.set_text(recovered.text)
                    if rel in self.session.conflicts:
                        self._on_conflict(rel)
            self.autosave_now()  # in this window's slot now
        for recovered in found.values():
            self.autosave.forget(recovered)

    def confirm_discard(self) -> bool:
        dirty = sorted(self.session.buffers)
        if not dirty:
            return True
        answer = self.ask_unsaved(dirty)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return all(self.save(rel) for rel in dirty)  # stops at the first failed save
        for rel in dirty:
            self.session.drop_buffer(rel)
            if self.autosave:
                self.autosave.discard(rel)
        return True

    # Explorer and problems -------------------------------------------------------------------

    def _on_tree_activated(self, index: QModelIndex) -> None:
        kind = index.data(KindRole)
        rel = index.data(PathRole)
        if self.in_review() and kind == "block" and index.data(StateRole):
            self.review.select(index.data(IdRole))  # reviewing: a regulatory block is reviewed
            return
        if self.in_review():
            self.set_review_mode(False)
        if kind == "template":
            self.session.select(template=index.data(Qt.ItemDataRole.DisplayRole))
        elif kind == "sample":
            self.session.select(sample=index.data(Qt.ItemDataRole.DisplayRole))
        if rel and kind not in ("asset",):
            self.open_file(rel)

    def show_where_used(self) -> None:
        index = self.tree.currentIndex()
        if self.session.project is None or index.data(KindRole) != "block":
            return
        self.show_where_used_of(index.data(IdRole))

    def show_where_used_of(self, block_id: str | None = None) -> None:
        """The Where used panel for BLOCK_ID (else the block in front): every template, and the
        blocks it goes through to get there."""
        project = self.session.project
        if block_id is None:
            tab = self.current_tab()
            block_id = project.block_of(tab.rel) if project and tab else None
        if project is None or block_id not in project.blocks:
            return
        self.where_used_panel.show_block(project, block_id)
        self.where_used_dock.show()
        self.where_used_dock.raise_()

    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.query.setFocus()
        self.search_panel.query.selectAll()

    def show_quick_open(self) -> None:
        self.quick_open.set_project(self.session.project)
        self.quick_open.open()

    def plain_problems(self, problems: list[Problem]) -> list[Problem]:
        """PROBLEMS as an author reads them: Jinja's messages in plain words (issue 19)."""
        project = self.session.project
        fields = field_paths(project.schema) if project is not None else []
        sources: dict[str, str] = {}

        def source(rel: str) -> str:
            if rel not in sources:
                # Not session.read(): that records the disk's digest, which the watcher owns.
                text = self.session.buffers.get(rel)
                if text is None and self.session.root is not None:
                    try:
                        text = (self.session.root / rel).read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        text = ""
                sources[rel] = text or ""
            return sources[rel]

        return [plain(p, fields, FILTERS,
                      source(p.path) if "undefined field" in p.message else "")
                for p in problems]

    def _show_checking(self, on: bool) -> None:
        self.checking_bar.setVisible(on)
        self.checking_bar.setRange(0, 0)  # busy until the worker says how far it got
        project = self.session.project
        self.checking_label.setText(self.tr("Checking %d blocks and %d templates…") % (
            len(project.blocks), len(project.templates)) if on and project is not None else "")
        if hasattr(self, "problems_dock"):
            self._on_problems(self.session.problems())

    def _show_checking_progress(self, done: int, total: int) -> None:
        """The validation worker's count: "Checking 120 of 1,050 parts…" and the bar."""
        if not self.session.checking:
            return
        self.checking_bar.setRange(0, total)
        self.checking_bar.setValue(done)
        number = QLocale()
        self.checking_label.setText(self.tr("Checking %s of %s parts (blocks, templates, "
                                            "samples, trial renders)…") % (
            number.toString(done), number.toString(total)))
        self.problems_dock.setWindowTitle(self.tr("Problems (checking… %d%%)")
                                          % (100 * done // max(total, 1)))

    def _on_problems(self, problems: list[Problem]) -> None:
        problems = self.plain_problems(problems)
        if hasattr(self, "checks"):  # issue 21: the live checks' findings join the list
            problems = [*problems, *self.checks.problems()]
        self.problems_model.set_problems(problems)
        errors = sum(p.is_error for p in problems)
        self.problems_dock.setWindowTitle(
            self.tr("Problems (checking…)") if self.session.checking
            else self.tr("Problems (%d errors, %d warnings)") % (errors, len(problems) - errors))
        for tab in self.editor_tabs():
            tab.editor.set_problems([p for p in problems if p.path == tab.rel])

    def _on_problem_activated(self, index: QModelIndex) -> None:
        if index.model() is self.problems_filter:
            index = self.problems_filter.mapToSource(index)
        problem = self.problems_model.problem(index.row())
        if self.session.root and (self.session.root / problem.path).is_file():
            self.open_file(problem.path, problem.line or 1, problem.col)

    # Misc ------------------------------------------------------------------------------------

    def edit_settings(self) -> None:
        if SettingsDialog(self, self.session.root).exec():
            for tab in self.editor_tabs():
                self._apply_lock(tab)

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Missiva Studio"),
                          self.tr("Missiva Studio %s — design customer communications once; "
                                  "preview print, email, mobile and SMS.") % __version__)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self.settings.value("window/state") is None:
                # First start: a modest problems list and explorer (docks remember later).
                self.resizeDocks([self.problems_dock], [150], Qt.Orientation.Vertical)
                self.resizeDocks([self.explorer_dock], [230], Qt.Orientation.Horizontal)
            QTimer.singleShot(0, self._balance_editor)

    def _balance_editor(self) -> None:
        """A third of the room for the editor, never less than its readable column."""
        room = self.splitter.width()
        editor = max(EDITOR_MIN_WIDTH, room // 3)
        self.splitter.setSizes([editor, max(0, room - editor)])

    def keep_on_screen(self) -> None:
        """A mode that needs more room than the screen has must not push the window (and its
        buttons) off it: the window stays within the screen it is on."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None:
            return
        if self.width() > screen.width() or self.height() > screen.height():
            self.resize(min(self.width(), screen.width()), min(self.height(), screen.height()))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.confirm_discard():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.watcher.stop()
        self.review.shutdown()
        self.session.close()
        if self.autosave is not None:
            self.autosave.close()
        event.accept()
