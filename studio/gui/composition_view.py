"""The composition view: a template's body as block cards, edited without writing YAML.

Cards can be dragged to reorder them (or moved with Move up / Move down, for the keyboard),
a block dragged from the Project panel is inserted where it is dropped, each card has channel
toggles and a condition that opens the rule editor. The view holds no text of its own: it
reads the template's YAML from the editor's buffer and writes every change back into that
buffer as the smallest replacement (studio/core/composition.py keeps comments and layout),
so the YAML source is one toggle away, undo works there, and saving is the editor's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import composition, rules
from studio.core.composition import Card, CompositionError, read_cards
from studio.core.messages import in_language
from studio.gui.editor import plain_text
from studio.gui.models import BLOCK_MIME
from studio.gui.rule_editor import RuleEditor


def replace_text(editor: QPlainTextEdit, text: str) -> None:
    """Put TEXT in EDITOR as one undoable edit of the span that differs (the rest of the
    document, the cursor's line included, is left alone)."""
    old = plain_text(editor)
    if old == text:
        return
    start = 0
    limit = min(len(old), len(text))
    while start < limit and old[start] == text[start]:
        start += 1
    end_old, end_new = len(old), len(text)
    while end_old > start and end_new > start and old[end_old - 1] == text[end_new - 1]:
        end_old -= 1
        end_new -= 1
    cursor = QTextCursor(editor.document())
    cursor.setPosition(start)
    cursor.setPosition(end_old, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text[start:end_new])


class CardList(QListWidget):
    """The cards; internal drags reorder, a block dragged in from the Project panel inserts."""

    moved = Signal(int, int)  # from row, to row
    blockDropped = Signal(str, int)  # block id, row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSpacing(3)
        self.setWordWrap(True)
        self.setStyleSheet("QListWidget::item { border: 1px solid palette(mid); "
                           "border-radius: 4px; padding: 6px; }"
                           "QListWidget::item:selected { border: 2px solid palette(highlight); }")

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt's name)
        return [*super().mimeTypes(), BLOCK_MIME]

    def _drop_row(self, event: QDropEvent | QDragMoveEvent) -> int:
        item = self.itemAt(event.position().toPoint())
        if item is None:
            return self.count()
        row = self.row(item)
        rect = self.visualItemRect(item)
        return row + 1 if event.position().y() > rect.center().y() else row

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(BLOCK_MIME):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(BLOCK_MIME):
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        data = event.mimeData()
        row = self._drop_row(event)
        if data.hasFormat(BLOCK_MIME):
            block = bytes(data.data(BLOCK_MIME).data()).decode("utf-8")
            event.acceptProposedAction()
            self.blockDropped.emit(block, row)
            return
        source = self.currentRow()
        if event.source() is self and source >= 0:
            # The text is the truth: the view is rebuilt from it, Qt moves no item itself.
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept()
            target = row - 1 if row > source else row
            if target != source:
                self.moved.emit(source, max(0, min(target, self.count() - 1)))
            return
        event.ignore()


def block_mime(block: str) -> QMimeData:
    data = QMimeData()
    data.setData(BLOCK_MIME, block.encode("utf-8"))
    data.setText(block)
    return data


class CompositionView(QWidget):
    """A template's body as cards, over the template's editor buffer."""

    openBlockRequested = Signal(str)  # block id

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.cards: list[Card] = []
        self.channels: tuple[str, ...] = ()
        self.titles: Mapping[str, str] = {}
        self.fields: Sequence[tuple[str, str]] = ()
        self.context_of: Callable[[], Mapping[str, Any]] = dict
        self.language: str | None = None
        self.rule_editor: Any = None
        self._stale = True
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("composition-problem")
        self.problem.hide()
        self.list = CardList(self)
        self.list.setObjectName("composition-cards")
        self.list.setAccessibleName(self.tr("Blocks of the template, in order"))
        self.list.moved.connect(self.move_card)
        self.list.blockDropped.connect(self.insert_block)
        self.list.currentRowChanged.connect(self._update_tools)
        self.list.itemActivated.connect(
            lambda item: self.openBlockRequested.emit(self.cards[self.list.row(item)].block))
        self.up = QPushButton(self.tr("Move up"), self)
        self.up.setObjectName("card-up")
        self.up.clicked.connect(lambda: self._step(-1))
        self.down = QPushButton(self.tr("Move down"), self)
        self.down.setObjectName("card-down")
        self.down.clicked.connect(lambda: self._step(+1))
        self.condition = QPushButton(self.tr("Condition…"), self)
        self.condition.setObjectName("card-condition")
        self.condition.clicked.connect(self.edit_condition)
        self.remove = QPushButton(self.tr("Remove"), self)
        self.remove.setObjectName("card-remove")
        self.remove.clicked.connect(self.remove_card)
        self.channel_bar = QHBoxLayout()
        self.channel_buttons: dict[str, QToolButton] = {}
        tools = QHBoxLayout()
        for button in (self.up, self.down, self.condition, self.remove):
            tools.addWidget(button)
        tools.addStretch(1)
        hint = QLabel(self.tr("Drag cards to reorder them; drag a block from the Project "
                              "panel to add it. Double-click a card to open its block."), self)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(self.list, 1)
        layout.addLayout(self.channel_bar)
        layout.addLayout(tools)
        editor.textChanged.connect(self.refresh)
        self.refresh()

    # From the project ----------------------------------------------------------------------

    def set_context(self, *, channels: Sequence[str], titles: Mapping[str, str],
                    fields: Sequence[tuple[str, str]],
                    context_of: Callable[[], Mapping[str, Any]],
                    language: str | None) -> None:
        """What the cards show beside the text: the template's channels, the blocks' titles,
        the fields a rule may test and the previewed sample (for the rule editor's badge)."""
        if tuple(channels) != self.channels:
            self.channels = tuple(channels)
            while self.channel_bar.count():
                item = self.channel_bar.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self.channel_buttons = {}
            self.channel_bar.addWidget(QLabel(self.tr("Channels:"), self))
            for channel in self.channels:
                button = QToolButton(self)
                button.setText(channel)
                button.setCheckable(True)
                button.setObjectName(f"card-channel-{channel}")
                button.setToolTip(self.tr("Show the selected block on this channel"))
                button.toggled.connect(lambda _on: self._channels_toggled())
                self.channel_buttons[channel] = button
                self.channel_bar.addWidget(button)
            self.channel_bar.addStretch(1)
        self.titles = titles
        self.fields = fields
        self.context_of = context_of
        self.language = language
        self.refresh()

    # Reading the text ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the cards from the editor's text (when shown: typing in the YAML source
        costs no YAML parse per keystroke; showing the cards reads them)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        try:
            cards = read_cards(plain_text(self.editor))
        except CompositionError as exc:
            self.problem.setText(self.tr("Cannot show the body as cards: %s")
                                 % in_language(exc.message, self.language))
            self.problem.show()
            self.list.setEnabled(False)
            return
        self.problem.hide()
        self.list.setEnabled(True)
        row = self.list.currentRow()
        self.cards = cards
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for card in cards:
            lines = [card.block]
            title = self.titles.get(card.block)
            if title:
                lines[0] += f" — {title}"
            details = []
            if card.when:
                details.append(self.tr("only if %s") % self.describe_condition(card.when))
            if card.channels is not None:
                details.append(self.tr("on %s") % ", ".join(card.channels))
            if card.has_params:
                details.append(self.tr("with settings"))
            if details:
                lines.append(" · ".join(details))
            item = QListWidgetItem("\n".join(lines))
            item.setToolTip(card.when or "")
            self.list.addItem(item)
        self.list.setCurrentRow(min(row, len(cards) - 1) if row >= 0 else -1)
        self.list.blockSignals(blocked)
        self._update_tools()

    def describe_condition(self, when: str) -> str:
        """A condition in the words the cards show ("customer.segment = gold")."""
        return self._words(rules.parse_rule(when))

    def _words(self, rule: rules.Rule) -> str:
        if isinstance(rule, rules.SourceRule):
            return rule.text
        if isinstance(rule, rules.Group):
            joiner = self.tr(" and ") if rule.kind == "and" else self.tr(" or ")
            return joiner.join(f"({self._words(r)})" if isinstance(r, rules.Group)
                               else self._words(r) for r in rule.rules)
        field = self.tr("number of %s") % rule.field if rule.count else rule.field
        words = {rules.CONTAINS: self.tr("contains"), rules.ONE_OF: self.tr("is one of"),
                 rules.DEFINED: self.tr("is present"), rules.NOT_DEFINED: self.tr("is missing")}
        comparison = words.get(rule.comparison, rule.comparison)
        if rule.comparison in rules.UNARY:
            return f"{field} {comparison}"
        value = rule.value
        shown = ", ".join(map(str, value)) if isinstance(value, tuple) else str(value)
        return f"{field} {comparison} {shown}"

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _update_tools(self, *_args: Any) -> None:
        row = self.list.currentRow()
        has = 0 <= row < len(self.cards)
        writable = not self.editor.isReadOnly()
        self.up.setEnabled(writable and has and row > 0)
        self.down.setEnabled(writable and has and row < len(self.cards) - 1)
        self.condition.setEnabled(writable and has)
        self.remove.setEnabled(writable and has and len(self.cards) > 1)
        for channel, button in self.channel_buttons.items():
            blocked = button.blockSignals(True)
            chosen = self.cards[row].channels if has else None
            button.setChecked(has and (chosen is None or channel in chosen))
            button.setEnabled(writable and has)
            button.blockSignals(blocked)

    # Writing the text ------------------------------------------------------------------------

    def _apply(self, edit: Callable[[str], str], select: int | None = None) -> None:
        if self.editor.isReadOnly():
            return
        try:
            text = edit(plain_text(self.editor))
        except CompositionError as exc:
            self.problem.setText(in_language(exc.message, self.language))
            self.problem.show()
            return
        replace_text(self.editor, text)
        if select is not None:
            self.list.setCurrentRow(select)

    def move_card(self, source: int, target: int) -> None:

        self._apply(lambda text: composition.move(text, source, target), target)

    def _step(self, delta: int) -> None:
        row = self.list.currentRow()
        if 0 <= row + delta < len(self.cards):
            self.move_card(row, row + delta)

    def insert_block(self, block: str, row: int) -> None:

        self._apply(lambda text: composition.insert(text, row, block), row)

    def remove_card(self) -> None:

        row = self.list.currentRow()
        if row >= 0:
            self._apply(lambda text: composition.remove(text, row), max(0, row - 1))

    def _channels_toggled(self) -> None:

        row = self.list.currentRow()
        if row < 0:
            return
        chosen = [c for c, b in self.channel_buttons.items() if b.isChecked()]
        value = None if len(chosen) == len(self.channel_buttons) else chosen
        self._apply(lambda text: composition.set_channels(text, row, value), row)

    def set_condition(self, row: int, when: str | None) -> None:

        self._apply(lambda text: composition.set_when(text, row, when), row)

    def edit_condition(self) -> Any:
        """Open the rule editor on the selected card (never modal-exec'd: open())."""

        row = self.list.currentRow()
        if row < 0:
            return None
        editor = RuleEditor(self.cards[row].when, self.fields, self.context_of(),
                            self.language, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.accepted.connect(lambda: self.set_condition(row, editor.expression()))
        self.rule_editor = editor
        editor.open()
        return editor

    def current_index(self) -> QModelIndex:
        return self.list.currentIndex()
