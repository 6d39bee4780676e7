"""The visual block editor: a block edited as rich text (paragraphs, headings, bold, italic,
lists, links, tables, the project's named paragraph styles; record fields as chips showing the
sample's value), saved as the project's Markdown through the same buffer as the source editor,
which stays one toggle away.

The rich text is a view over `core.blockdoc`: loading builds a QTextDocument from the block's
units, every edit reads the units back and `blockdoc.rewrite()`s the file, so untouched units
keep their bytes. A table is a QTextTable whose cells are edited in place (an edited cell
rewrites its row's line only; Tab moves on, past the last cell it adds a row). Units the editor
does not model (quotes, statement lines, tables with Jinja between rows) are one atomic object
showing their source. The text goes into the source editor as one minimal replacement, so the
session, autosave, save and conflicts see an ordinary edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPyTextObject,
    QStandardItem,
    QStandardItemModel,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextListFormat,
    QTextTable,
    QTextTableCellFormat,
    QTextTableFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from studio.core.blockdoc import (
    Atom,
    BlockDocument,
    Break,
    Inline,
    Marks,
    Span,
    Unit,
    atoms_in,
    normalized,
    parse_block,
    rewrite,
)
from studio.core.fields import (
    Field,
    field_expression,
    sample_values,
    schema_fields,
    unknown_fields,
)
from studio.core.layouts import named_styles
from studio.core.problems import ProblemError
from studio.core.records import sample_record
from studio.gui.editor import plain_text

CHIP = QTextFormat.ObjectTypes.UserObject + 1
SOURCE = QTextFormat.Property.UserProperty + 1  # the atom's / raw unit's source text
LABEL = QTextFormat.Property.UserProperty + 2  # what the chip shows
STATE = QTextFormat.Property.UserProperty + 3  # "field", "unknown", "statement", "raw"
SOFT = QTextFormat.Property.UserProperty + 4  # a line separator that was a soft break
CODE = QTextFormat.Property.UserProperty + 5
ALIGN = QTextFormat.Property.UserProperty + 6  # a table's column alignments, "left,right,"
STYLE = QTextFormat.Property.UserProperty + 7  # a paragraph's named style ("note")
STYLE_TINT = QColor("#fff4d6")  # how a paragraph with a named style shows
OBJECT = "\ufffc"
LINE = "\u2028"
HEADING_SIZES = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 0.95}

# (expressions) -> {expression: sample value or None}; (expression) -> unknown paths
Values = Callable[[list[str]], dict[str, str | None]]
Unknown = Callable[[str], list[str]]


class ChipObject(QPyTextObject):  # PySide's QObject + QTextObjectInterface, for Python
    """Draws a field (its sample value in a rounded chip), a Jinja statement (its source, quiet)
    and a raw unit (its source, monospaced, on a tinted band)."""

    def _lines(self, fmt: QTextFormat) -> list[str]:
        return str(fmt.property(LABEL) or "").split("\n")

    def _font(self, fmt: QTextFormat) -> QFont:
        font = QTextCharFormat(fmt.toCharFormat()).font()
        if fmt.property(STATE) == "raw":
            font.setFamily("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
        return font

    def intrinsicSize(self, doc: QTextDocument, _pos: int, fmt: QTextFormat) -> QSizeF:  # noqa: N802
        metrics = QFontMetricsF(self._font(fmt))
        lines = self._lines(fmt)
        width = max(metrics.horizontalAdvance(line) for line in lines) + 12
        if fmt.property(STATE) == "raw":
            width = max(width, doc.textWidth() - 40)
        return QSizeF(width, metrics.height() * len(lines) + 4)

    def drawObject(self, painter: QPainter, rect: QRectF, _doc: QTextDocument,  # noqa: N802
                   _pos: int, fmt: QTextFormat) -> None:
        state = fmt.property(STATE)
        fill, ink = {
            "field": (QColor("#e3effd"), QColor("#0b4f9c")),
            "unknown": (QColor("#fde7e7"), QColor("#a4161a")),
            "statement": (QColor("#f1ecf9"), QColor("#5b3f8c")),
        }.get(state, (QColor("#f3f3f3"), QColor("#555555")))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(ink.lighter(170) if state != "raw" else Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5)
        painter.setFont(self._font(fmt))
        painter.setPen(ink)
        metrics = QFontMetricsF(self._font(fmt))
        for n, line in enumerate(self._lines(fmt)):
            painter.drawText(QPoint(int(rect.left() + 6),
                                    int(rect.top() + 2 + metrics.ascent() + n * metrics.height())),
                             line)
        painter.restore()


def _plain(fmt: QTextCharFormat) -> QTextCharFormat:
    """FMT without what makes a chip (typing after a chip must not type chips)."""
    clean = QTextCharFormat(fmt)
    clean.setObjectType(QTextFormat.ObjectTypes.NoObject)
    for prop in (SOURCE, LABEL, STATE):
        clean.clearProperty(prop)
    return clean


class VisualBlockEditor(QTextEdit):
    """Rich text over a block file. `load(text)` shows it; every edit emits `textEdited` with
    the whole file as Markdown (unchanged units keep their bytes)."""

    textEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self._chips = ChipObject(self)
        self.document().documentLayout().registerHandler(CHIP, self._chips)
        self.document().setDocumentMargin(12)
        self._model = BlockDocument("", "")
        self._loading = False
        self._text = ""
        self.values: Values = lambda expressions: {}
        self.unknown: Unknown = lambda expression: []
        self.document().contentsChanged.connect(self._on_changed)
        self.cursorPositionChanged.connect(self._on_cursor_moved)

    # Loading ---------------------------------------------------------------------------------

    def load(self, text: str) -> None:
        """Show the block file TEXT (no textEdited)."""
        self._model = parse_block(text)
        self._text = text
        position = self.textCursor().position()
        self._loading = True
        try:
            self.document().clear()
            cursor = QTextCursor(self.document())
            expressions = [a.expression for a in atoms_in(self._model.units) if a.kind == "field"]
            values = self.values(expressions) if expressions else {}
            first = True
            current_list = None
            for unit in self._model.units:
                if unit.kind == "table":
                    self._insert_table(cursor, unit, values)
                    first = True  # the cursor is on the empty block after the table
                    continue
                if unit.kind == "list":
                    style = (QTextListFormat.Style.ListDecimal if unit.ordered
                             else QTextListFormat.Style.ListDisc)
                    for item in unit.items:
                        if not first:
                            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
                        first = False
                        if current_list is None:
                            list_format = QTextListFormat()
                            list_format.setStyle(style)
                            list_format.setStart(unit.start)
                            current_list = cursor.createList(list_format)
                        else:
                            current_list.add(cursor.block())
                        self._insert_runs(cursor, item, values, QTextCharFormat())
                    current_list = None
                    continue
                if not first:
                    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
                    if cursor.currentList() is not None:
                        cursor.currentList().remove(cursor.block())
                        cursor.setBlockFormat(QTextBlockFormat())
                first = False
                block_format = QTextBlockFormat()
                block_format.setBottomMargin(8)
                base = QTextCharFormat()
                if unit.kind == "heading":
                    block_format.setHeadingLevel(unit.level)
                    base.setFontPointSize(self.font().pointSizeF() * HEADING_SIZES[unit.level])
                    base.setFontWeight(QFont.Weight.DemiBold)
                if unit.style:
                    block_format.setProperty(STYLE, unit.style)
                    block_format.setBackground(STYLE_TINT)
                cursor.setBlockFormat(block_format)
                if unit.kind == "raw":
                    cursor.insertText(OBJECT, self._chip_format(unit.source, "raw", unit.source))
                else:
                    self._insert_runs(cursor, unit.items[0], values, base)
        finally:
            self._loading = False
        self.document().clearUndoRedoStacks()
        cursor = self.textCursor()
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        self.setTextCursor(cursor)

    def _insert_table(self, cursor: QTextCursor, unit: Unit,
                      values: dict[str, str | None]) -> None:
        table_format = QTextTableFormat()
        table_format.setProperty(ALIGN, ",".join(unit.align))
        table_format.setCellPadding(4)
        table_format.setCellSpacing(0)
        table_format.setBorder(0.5)
        table_format.setBorderBrush(QColor("#c8c8c8"))
        table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        table_format.setBottomMargin(8)
        rows = unit.rows
        table = cursor.insertTable(len(rows), unit.columns, table_format)
        alignments = {"right": Qt.AlignmentFlag.AlignRight,
                      "center": Qt.AlignmentFlag.AlignHCenter}
        for r, row in enumerate(rows):
            for c, runs in enumerate(row):
                cell = table.cellAt(r, c)
                if r == 0:  # the header row: a tinted band, not bold (bold is the author's)
                    cell_format = QTextTableCellFormat()
                    cell_format.setBackground(QColor("#e8eef6"))
                    cell.setFormat(cell_format)
                at = cell.firstCursorPosition()
                block_format = at.blockFormat()
                block_format.setAlignment(alignments.get(unit.align[c], Qt.AlignmentFlag.AlignLeft))
                at.setBlockFormat(block_format)
                self._insert_runs(at, runs, values, QTextCharFormat())
        cursor.setPosition(table.lastPosition() + 1)

    def _table_unit(self, table: QTextTable) -> Unit:
        """A QTextTable as a table unit (a cell's paragraphs joined by a space)."""
        align = str(table.format().property(ALIGN) or "").split(",")
        columns = table.columns()
        align = (align + [""] * columns)[:columns]
        cells: list[tuple[Inline, ...]] = []
        document = self.document()
        for r in range(table.rows()):
            for c in range(columns):
                cell = table.cellAt(r, c)
                runs: list[Inline] = []
                block = document.findBlock(cell.firstPosition())
                while block.isValid() and block.position() <= cell.lastPosition():
                    for piece in self._block_pieces(block):
                        if isinstance(piece, tuple):
                            if runs:
                                runs.append(Span(" "))
                            runs.extend(r for r in piece if not isinstance(r, Break))
                    block = block.next()
                cells.append(normalized(runs))
        return Unit("table", tuple(cells), columns=columns, align=tuple(align))

    def _chip_format(self, source: str, state: str, label: str,
                     base: QTextCharFormat | None = None) -> QTextCharFormat:
        fmt = QTextCharFormat(base) if base is not None else QTextCharFormat()
        fmt.setObjectType(CHIP)
        fmt.setProperty(SOURCE, source)
        fmt.setProperty(STATE, state)
        fmt.setProperty(LABEL, label)
        fmt.setToolTip(source)
        return fmt

    def chip_for(self, atom_source: str, values: dict[str, str | None] | None = None,
                 base: QTextCharFormat | None = None) -> QTextCharFormat:
        atom = Atom(atom_source)
        if atom.kind != "field":
            return self._chip_format(atom.source, "statement", atom.source, base)
        expression = atom.expression
        if values is None:
            values = self.values([expression])
        unknown = self.unknown(expression)
        value = values.get(expression)
        if unknown:
            return self._chip_format(atom.source, "unknown", "⚠ " + ", ".join(unknown), base)
        return self._chip_format(atom.source, "field", value if value else expression, base)

    def _insert_runs(self, cursor: QTextCursor, runs: tuple[Inline, ...],
                     values: dict[str, str | None], base: QTextCharFormat) -> None:
        for run in runs:
            fmt = QTextCharFormat(base)
            marks = run.marks
            if marks.bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            if marks.italic:
                fmt.setFontItalic(True)
            if marks.href is not None:
                fmt.setAnchor(True)
                fmt.setAnchorHref(marks.href)
                fmt.setForeground(self.palette().color(QPalette.ColorRole.Link))
                fmt.setFontUnderline(True)
            if isinstance(run, Atom):
                cursor.insertText(OBJECT, self.chip_for(run.source, values, fmt))
            elif isinstance(run, Break):
                if not run.hard:
                    fmt.setProperty(SOFT, True)
                cursor.insertText(LINE, fmt)
            else:
                if run.code:
                    fmt.setProperty(CODE, True)
                    fmt.setFontFamilies(["monospace"])
                cursor.insertText(run.text.replace("\n", " "), fmt)

    # Reading back ----------------------------------------------------------------------------

    def units(self) -> list[Unit]:
        """The document as block units (what `rewrite` writes)."""
        units: list[Unit] = []
        block = self.document().begin()
        open_list: Any = None
        while block.isValid():
            table = QTextCursor(block).currentTable()
            if table is not None:
                units.append(self._table_unit(table))
                open_list = None
                end = table.lastPosition()
                while block.isValid() and block.position() <= end:
                    block = block.next()
                continue
            text_list = block.textList()
            pieces = self._block_pieces(block)
            if text_list is not None:
                runs = pieces[0] if len(pieces) == 1 and isinstance(pieces[0], tuple) else ()
                if text_list is not open_list or not units or units[-1].kind != "list":
                    style = text_list.format().style()
                    ordered = style in (QTextListFormat.Style.ListDecimal,
                                        QTextListFormat.Style.ListLowerAlpha,
                                        QTextListFormat.Style.ListUpperAlpha,
                                        QTextListFormat.Style.ListLowerRoman,
                                        QTextListFormat.Style.ListUpperRoman)
                    units.append(Unit("list", (), ordered=ordered,
                                      start=max(1, text_list.format().start())))
                    open_list = text_list
                if runs:
                    last = units[-1]
                    units[-1] = Unit("list", (*last.items, runs), ordered=last.ordered,
                                     start=last.start)
            else:
                open_list = None
                level = block.blockFormat().headingLevel()
                style = str(block.blockFormat().property(STYLE) or "")
                for piece in pieces:
                    if isinstance(piece, Unit):
                        units.append(piece)
                    elif piece:
                        units.append(Unit("heading", (piece,), level=level) if level
                                     else Unit("paragraph", (piece,), style=style))
            block = block.next()
        return [u for u in units if u.kind not in ("list", "table") or u.items]

    def _block_pieces(self, block: QTextBlock) -> list[tuple[Inline, ...] | Unit]:
        """A block's inline runs, cut where a raw unit's object sits (text typed beside it
        becomes a paragraph of its own)."""
        pieces: list[tuple[Inline, ...] | Unit] = []
        runs: list[Inline] = []
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            iterator += 1
            if not fragment.isValid():
                continue
            fmt = fragment.charFormat()
            text = fragment.text()
            marks = Marks(fmt.fontWeight() >= QFont.Weight.Bold, fmt.fontItalic(),
                          fmt.anchorHref() if fmt.isAnchor() and fmt.anchorHref() else None)
            if block.blockFormat().headingLevel():
                marks = Marks(fmt.fontWeight() >= QFont.Weight.ExtraBold or
                              (fmt.fontWeight() >= QFont.Weight.Bold
                               and fmt.fontWeight() != QFont.Weight.DemiBold),
                              marks.italic, marks.href)
            chip = fmt.objectType() == CHIP
            for ch_index, piece in enumerate(text.split(OBJECT)):
                if ch_index and chip:
                    source = str(fmt.property(SOURCE) or "")
                    if fmt.property(STATE) == "raw":
                        if normalized(runs):
                            pieces.append(normalized(runs))
                        runs = []
                        pieces.append(Unit("raw", source=source))
                    else:
                        runs.append(Atom(source, marks))
                elif ch_index:
                    pass  # an object character that is no chip of ours (pasted): dropped
                for n, line in enumerate(piece.split(LINE)):
                    if n:
                        runs.append(Break(not fmt.property(SOFT), marks))
                    if line:
                        runs.append(Span(line, marks, code=bool(fmt.property(CODE))))
        if normalized(runs):
            pieces.append(normalized(runs))
        return pieces

    def markdown(self) -> str:
        """The block file as the editor would save it now."""
        return rewrite(self._model, self.units())

    # Editing ---------------------------------------------------------------------------------

    def locked(self) -> bool:
        return self.isReadOnly()

    def _on_changed(self) -> None:
        if self._loading:
            return
        text = self.markdown()
        if text != self._text:
            self._text = text
            self.textEdited.emit(text)

    def _on_cursor_moved(self) -> None:
        fmt = self.currentCharFormat()
        if fmt.objectType() == CHIP:
            self.setCurrentCharFormat(_plain(fmt))

    def insert_atom(self, source: str) -> bool:
        """A field chip (or a statement) at the cursor; False when the block is locked."""
        if self.locked():
            return False
        cursor = self.textCursor()
        base = _plain(cursor.charFormat())
        cursor.insertText(OBJECT, self.chip_for(source, base=base))
        cursor.setCharFormat(base)
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(base)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        # Ctrl+B / Ctrl+I here rather than as window shortcuts: the editor has them wherever
        # it is docked, and they never reach another widget
        if event.matches(QKeySequence.StandardKey.Bold):
            self.toggle_bold()
        elif event.matches(QKeySequence.StandardKey.Italic):
            self.toggle_italic()
        elif event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and self.textCursor().currentTable() is not None:
            self._next_cell(event.key() == Qt.Key.Key_Tab)
        else:
            super().keyPressEvent(event)

    def _next_cell(self, forward: bool) -> None:
        """Tab: the next cell (after the last one, a new row); Shift+Tab: the previous one."""
        cursor = self.textCursor()
        table = cursor.currentTable()
        cell = table.cellAt(cursor)
        index = cell.row() * table.columns() + cell.column() + (1 if forward else -1)
        if index < 0:
            return
        added = index >= table.rows() * table.columns()
        if added:
            if self.locked():
                return
            table.appendRows(1)  # a row the author fills: one new line in the file
        target = table.cellAt(index // table.columns(), index % table.columns())
        self.setTextCursor(target.lastCursorPosition())
        if added:
            self.setCurrentCharFormat(QTextCharFormat())  # not the bold of the cell above

    def toggle_bold(self) -> None:
        self._merge(lambda f, on: f.setFontWeight(QFont.Weight.Bold if on else QFont.Weight.Normal),
                    self.fontWeight() < QFont.Weight.Bold)

    def toggle_italic(self) -> None:
        self._merge(lambda f, on: f.setFontItalic(on), not self.fontItalic())

    def _merge(self, change: Callable[[QTextCharFormat, bool], None], on: bool) -> None:
        if self.locked():
            return
        fmt = QTextCharFormat()
        change(fmt, on)
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        cursor.mergeCharFormat(fmt)
        self.mergeCurrentCharFormat(fmt)

    def set_heading(self, level: int) -> None:
        """0: a paragraph; 1-6: a heading of that level."""
        if self.locked():
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        block_format = cursor.blockFormat()
        block_format.setHeadingLevel(level)
        block_format.clearProperty(STYLE)
        block_format.clearBackground()
        cursor.setBlockFormat(block_format)
        if cursor.currentList() is not None:
            cursor.currentList().remove(cursor.block())
        select = QTextCursor(cursor.block())
        select.movePosition(QTextCursor.MoveOperation.EndOfBlock,
                            QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setFontPointSize(self.font().pointSizeF() * HEADING_SIZES.get(level, 1.0))
        fmt.setFontWeight(QFont.Weight.DemiBold if level else QFont.Weight.Normal)
        select.mergeCharFormat(fmt)
        cursor.endEditBlock()

    def set_style(self, name: str) -> None:
        """Give the paragraph at the cursor the project's named style NAME ("": none); a
        heading or list item becomes a paragraph."""
        if self.locked():
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        if cursor.blockFormat().headingLevel() or cursor.currentList() is not None:
            self.set_heading(0)
            cursor = self.textCursor()
        block_format = cursor.blockFormat()
        if name:
            block_format.setProperty(STYLE, name)
            block_format.setBackground(STYLE_TINT)
        else:
            block_format.clearProperty(STYLE)
            block_format.clearBackground()
        cursor.setBlockFormat(block_format)
        cursor.endEditBlock()

    def set_list(self, ordered: bool | None) -> None:
        """Make the paragraph a bulleted (False) or numbered (True) list item; None: no list."""
        if self.locked():
            return
        cursor = self.textCursor()
        current = cursor.currentList()
        if current is not None:
            current.remove(cursor.block())
            block_format = cursor.blockFormat()
            block_format.setIndent(0)
            cursor.setBlockFormat(block_format)
        if ordered is None:
            return
        list_format = QTextListFormat()
        list_format.setStyle(QTextListFormat.Style.ListDecimal if ordered
                             else QTextListFormat.Style.ListDisc)
        cursor.createList(list_format)

    def set_link(self, href: str) -> None:
        if self.locked():
            return
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        fmt = QTextCharFormat()
        fmt.setAnchor(bool(href))
        fmt.setAnchorHref(href)
        fmt.setFontUnderline(bool(href))
        fmt.setForeground(self.palette().color(
            QPalette.ColorRole.Link if href else QPalette.ColorRole.Text))
        cursor.mergeCharFormat(fmt)

    # Drops: a field dragged from the Data panel arrives as its `{{ … }}` text --------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 (Qt override)
        return not self.locked() and super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        text = source.text().strip()
        atoms = parse_block(text).units
        if len(atoms) == 1 and atoms[0].kind == "paragraph" and all(
                isinstance(r, Atom) for r in atoms[0].items[0]) and text.startswith("{{"):
            for run in atoms[0].items[0]:
                self.insert_atom(run.source)
            return
        super().insertFromMimeData(source)


class BlockViews(QWidget):
    """A block's two views: the visual editor (default) and the source editor, a toggle apart,
    with the formatting tools. Both edit the same text: the source editor's."""

    def __init__(self, source: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.visual = VisualBlockEditor(self)
        self._pushing = False
        self._stale = False
        self.toolbar = QToolBar(self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        group = QActionGroup(self)
        self.visual_action = self._tool(self.tr("Visual"), self.show_visual, checkable=True)
        self.visual_action.setToolTip(self.tr("Edit the block as formatted text"))
        self.source_action = self._tool(self.tr("Source"), self.show_source, checkable=True)
        self.source_action.setToolTip(self.tr("Edit the block's Markdown and Jinja source"))
        group.addAction(self.visual_action)
        group.addAction(self.source_action)
        self.toolbar.addSeparator()
        self.style_box = QComboBox(self)
        self.style_box.addItem(self.tr("Paragraph"), 0)
        for level in (1, 2, 3, 4):
            self.style_box.addItem(self.tr("Heading %d") % level, level)
        self.style_box.activated.connect(self._apply_style)
        self.style_box.setToolTip(self.tr("Paragraph style"))
        self.format_actions = [self.toolbar.addWidget(self.style_box)]
        for label, tip, slot in (
            (self.tr("B"), self.tr("Bold (Ctrl+B)"), self.visual.toggle_bold),
            (self.tr("I"), self.tr("Italic (Ctrl+I)"), self.visual.toggle_italic),
            (self.tr("• List"), self.tr("Bulleted list"), lambda: self.visual.set_list(False)),
            (self.tr("1. List"), self.tr("Numbered list"), lambda: self.visual.set_list(True)),
            (self.tr("Link…"), self.tr("Link the selected words to an address"), self.ask_link),
        ):
            action = self._tool(label, slot)
            action.setToolTip(tip)
            self.format_actions.append(action)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.visual)
        self.stack.addWidget(source)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack)
        self.visual.textEdited.connect(self._push)
        source.document().contentsChanged.connect(self._pull)
        source.installEventFilter(self)
        self.visual.setReadOnly(source.isReadOnly())
        self.visual.load(plain_text(source))
        self.show_visual()

    def set_styles(self, names: list[str]) -> None:
        """The project's named paragraph styles, offered after the headings in the style box."""
        while self.style_box.count() > 5:  # Paragraph, Heading 1-4
            self.style_box.removeItem(self.style_box.count() - 1)
        for name in names:
            self.style_box.addItem(self.tr("Style: %s") % name, name)

    def styles(self) -> list[str]:
        return [str(self.style_box.itemData(i)) for i in range(5, self.style_box.count())]

    def _apply_style(self, index: int) -> None:
        data = self.style_box.itemData(index)
        if isinstance(data, str):
            self.visual.set_style(data)
        else:
            self.visual.set_heading(int(data))

    def _tool(self, label: str, slot: Callable[[], None], checkable: bool = False) -> QAction:
        action = self.toolbar.addAction(label)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def is_visual(self) -> bool:
        return self.stack.currentWidget() is self.visual

    def show_visual(self) -> None:
        if self._stale:
            self._stale = False
            self.visual.load(plain_text(self.source))
        self.stack.setCurrentWidget(self.visual)
        self.visual_action.setChecked(True)
        for action in self.format_actions:
            action.setVisible(True)

    def show_source(self) -> None:
        self.stack.setCurrentWidget(self.source)
        self.source_action.setChecked(True)
        for action in self.format_actions:
            action.setVisible(False)

    def insert_field(self, expression: str) -> bool:
        """Insert `{{ … }}` where the author is: a chip in the visual view, text in the source."""
        if self.source.isReadOnly():
            return False
        if self.is_visual():
            return self.visual.insert_atom(expression)
        self.source.textCursor().insertText(expression)
        return True

    def refresh(self) -> None:
        """Show the chips' values again (another sample, language or schema)."""
        self.visual.load(plain_text(self.source))

    def ask_link(self) -> None:
        # open(), never exec(): no nested event loop, nothing a test could hang on
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Link"))
        dialog.setLabelText(self.tr("Address (https://, mailto: or tel:)"))
        dialog.setTextValue("https://")
        dialog.textValueSelected.connect(self.visual.set_link)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.source and event.type() == QEvent.Type.ReadOnlyChange:
            self.visual.setReadOnly(self.source.isReadOnly())
        return super().eventFilter(watched, event)

    def _push(self, text: str) -> None:
        """The visual edit into the source editor, as one replacement of the part that changed
        (its undo history and the session's edited signal stay those of a typed edit)."""
        old = plain_text(self.source)
        if text == old:
            return
        start = 0
        limit = min(len(old), len(text))
        while start < limit and old[start] == text[start]:
            start += 1
        end = 0
        while end < limit - start and old[-1 - end] == text[-1 - end]:
            end += 1

        def utf16(s: str) -> int:
            return len(s.encode("utf-16-le")) // 2

        cursor = QTextCursor(self.source.document())
        cursor.setPosition(utf16(old[:start]))
        cursor.setPosition(utf16(old[:len(old) - end]), QTextCursor.MoveMode.KeepAnchor)
        self._pushing = True
        try:
            cursor.insertText(text[start:len(text) - end])
        finally:
            self._pushing = False

    def _pull(self) -> None:
        if self._pushing:
            return
        if not self.is_visual():
            self._stale = True  # typing in the source view pays nothing for the hidden view
            return
        if self.visual.markdown() != plain_text(self.source):
            self.visual.load(plain_text(self.source))


# The Data panel -----------------------------------------------------------------------------

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
FORMATS_ROLE = Qt.ItemDataRole.UserRole + 2


class FieldModel(QStandardItemModel):
    """The schema's fields (title, sample value); a dragged field is its `{{ … }}` text."""

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt override)
        return ["text/plain"]

    def mimeData(self, indexes: list[QModelIndex | QPersistentModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        for index in indexes:
            path = index.siblingAtColumn(0).data(PATH_ROLE)
            if path:
                formats = index.siblingAtColumn(0).data(FORMATS_ROLE) or ("plain",)
                data.setText(field_expression(path, formats[0]))
                break
        return data


class DataPanel(QWidget):
    """The record's fields from data/schema.json with the sample's value beside each; a
    double-click offers the formats that suit the field, then inserts it as a chip."""

    insertRequested = Signal(str)  # the `{{ … }}` expression

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FieldModel(self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setDragEnabled(True)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(self._offer_formats)
        self.hint = QLabel(self.tr("Double-click a field, or drag it into the block."), self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.view)
        self.format_menu = QMenu(self)
        self._format_names = {
            "plain": self.tr("As written"),
            "currency": self.tr("Currency (€1,234.50)"),
            "number": self.tr("Number (1,234.5)"),
            "date_long": self.tr("Date, long (25 March 2026)"),
            "date_short": self.tr("Date, short (25/03/26)"),
        }

    def set_fields(self, fields: list[Field], values: dict[str, str | None]) -> None:
        self.model.clear()
        self.model.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Sample value")])
        parents: dict[str, QStandardItem] = {}
        for field in fields:
            item = QStandardItem(field.title)
            item.setData(field.path, PATH_ROLE)
            item.setData(field.formats, FORMATS_ROLE)
            item.setToolTip(f"{field.path}\n{field.description}".strip())
            item.setDragEnabled(field.kind not in ("object", "array"))
            value = QStandardItem(values.get(field.path) or "")
            value.setToolTip(values.get(field.path) or "")
            value.setData(field.path, PATH_ROLE)
            value.setData(field.formats, FORMATS_ROLE)
            parent = parents.get(field.path.rpartition(".")[0])
            (parent or self.model.invisibleRootItem()).appendRow([item, value])
            parents[field.path] = item
        self.view.expandToDepth(0)
        self.view.resizeColumnToContents(0)

    def item_for(self, path: str) -> QModelIndex:
        found = self.model.match(self.model.index(0, 0), PATH_ROLE, path, 1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        return found[0] if found else QModelIndex()

    def _offer_formats(self, index: QModelIndex) -> None:
        path = index.siblingAtColumn(0).data(PATH_ROLE)
        formats = index.siblingAtColumn(0).data(FORMATS_ROLE)
        if not path or self.model.itemFromIndex(index.siblingAtColumn(0)).hasChildren():
            return
        self.format_menu.clear()
        for name in formats or ("plain",):
            action = self.format_menu.addAction(self._format_names[name])
            action.setData(name)
            action.triggered.connect(
                lambda _c=False, p=path, n=name: self.insertRequested.emit(field_expression(p, n)))
        rect = self.view.visualRect(index)
        # popup(), never exec(): the menu does not hold an event loop a test could hang on
        self.format_menu.popup(self.view.viewport().mapToGlobal(rect.bottomLeft()))


def _display_format(field: Field) -> str:
    return "number" if field.kind in ("number", "integer") else field.formats[0]


def _inside(expression: str) -> str:
    return Atom(expression).expression


class FieldsController(QObject):
    """The Data dock of a window, and the chips' values in its block editors: both read the
    selected sample (in the selected language) of the open project."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.panel = DataPanel(window)
        self.panel.setObjectName("dataPanel")
        dock = QDockWidget(self.tr("Data"), window)
        dock.setObjectName("dataDock")
        dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.dock = dock
        self.panel.insertRequested.connect(self.insert)
        self._shown: tuple[Any, ...] = ()
        self._checked: tuple[Any, dict[str, Any]] | None = None
        session = window.session
        session.projectChanged.connect(lambda _project: self.refresh())
        session.selectionChanged.connect(self.refresh)

    def _record(self) -> tuple[Any, dict[str, Any]]:
        session = self.window.session
        project = session.project
        if project is None or session.sample not in project.samples:
            return project, {}
        # checked once per sample and schema, not on every keystroke's project reload
        key = (project.samples[session.sample], project.schema)
        if self._checked is None or self._checked[0] != key:
            try:
                record = dict(sample_record(project, session.sample).checked())
            except ProblemError:
                record = {}
            self._checked = (key, record)
        return project, self._checked[1]

    def values(self, rel: str, expressions: list[str]) -> dict[str, str | None]:
        project, record = self._record()
        if project is None or not record:
            return {}
        block = project.blocks.get(project.block_of(rel) or "")
        params = dict(block.params) if block is not None else {}
        return sample_values(project, record, self.window.session.locale or "",
                             expressions, params)

    def unknown(self, rel: str, expression: str) -> list[str]:
        project = self.window.session.project
        if project is None:
            return []
        block = project.blocks.get(project.block_of(rel) or "")
        return unknown_fields(expression, project.schema,
                              block.params if block is not None else ())

    def attach(self, tab: Any) -> None:
        views = getattr(tab, "views", None)
        if views is None:
            return
        views.visual.values = lambda expressions, rel=tab.rel: self.values(rel, expressions)
        views.visual.unknown = lambda expression, rel=tab.rel: self.unknown(rel, expression)
        project = self.window.session.project
        views.set_styles(named_styles(project) if project is not None else [])
        views.refresh()

    def refresh(self) -> None:
        """The panel (and the chips) again when the schema, the sample or the language changed:
        not on every keystroke, which also reloads the project."""
        project, record = self._record()
        session = self.window.session
        shown = (project.schema if project is not None else None, record, session.locale)
        if shown == self._shown:
            return
        self._shown = shown
        if project is None:
            self.panel.set_fields([], {})
            return
        fields = schema_fields(project.schema)
        # each value as the author will see it printed: numbers and dates in the language
        shown_as = {f.path: _inside(field_expression(f.path, _display_format(f)))
                    for f in fields if f.kind not in ("object", "array")}
        values = sample_values(project, record, session.locale or "", list(shown_as.values()))
        self.panel.set_fields(fields, {p: values.get(e) for p, e in shown_as.items()})
        for tab in self.window.editor_tabs():
            if getattr(tab, "views", None) is not None:
                tab.views.refresh()

    def insert(self, expression: str) -> None:
        tab = self.window.current_tab()
        views = getattr(tab, "views", None)
        if views is None:
            self.window.statusBar().showMessage(
                self.tr("Open a block to insert a field into it."), 5000)
        elif not views.insert_field(expression):
            self.window.statusBar().showMessage(
                self.tr("This block is locked: only its owners may change it."), 5000)


class PreviewOutline(QObject):
    """Hovering a block's text in its editor (visual or source) outlines that block in every
    preview of the window; leaving it takes the outline away (issue 19)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._watched: dict[QObject, str] = {}

    def watch(self, tab: Any) -> None:
        views = getattr(tab, "views", None)
        if views is None:
            return
        for widget in (views.visual.viewport(), tab.editor.viewport()):
            self._watched[widget] = tab.rel
            widget.installEventFilter(self)
            widget.destroyed.connect(lambda _o=None, w=widget: self._watched.pop(w, None))

    def outline(self, block: str | None) -> None:
        for pane in self.window.previews.values():
            pane.outline_block(block)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        rel = self._watched.get(watched)
        if rel is not None and event.type() == QEvent.Type.Enter:
            project = self.window.session.project
            self.outline(project.block_of(rel) if project is not None else None)
        elif rel is not None and event.type() == QEvent.Type.Leave:
            self.outline(None)
        return False
