"""The SMS preview: the message as a phone bubble, with its encoding and segment facts."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.core.channels import Rendition
from studio.gui.previews.base import ClickFilter, PreviewPane

# Red with white text stays legible on both bubble colours, and reads as "this costs you".
_UCS2_MARK = "background-color:#e53935; color:#ffffff;"
# The lines of the block hovered in the editor: the outline colour, light, as a highlighter.
_OUTLINE_MARK = "background-color:#dbe7fd;"
_OVER_BUDGET = "#e53935"
_BUBBLE_RADIUS = 18.0


ZWSP = "\u200b"  # a break opportunity that shows nothing: long URLs wrap as on a phone
_BREAK_AFTER = set("/.?&=-_#")
_LONG_WORD = 16


def bubble_html(text: str, highlight: Iterable[int], outlined: Iterable[int] = ()) -> str:
    """The message as rich text, the characters at `highlight` (code point indexes) marked,
    the lines at `outlined` (from 0: the block hovered in the editor) tinted.
    A long unbroken run (a payment link) may break after / . ? & = - _ # or every 16
    characters, as a phone wraps it, rather than running out of the bubble."""
    marked = set(highlight)
    tinted = set(outlined)
    out: list[str] = [f'<span style="{_OUTLINE_MARK}">' if 0 in tinted else ""]
    run = 0
    line = 0
    for index, char in enumerate(text):
        if char == "\n":
            out.append(("</span>" if line in tinted else "") + "<br>")
            line += 1
            out.append(f'<span style="{_OUTLINE_MARK}">' if line in tinted else "")
            run = 0
            continue
        escaped = html.escape(char)
        if char == " " and (index == 0 or text[index - 1] == " "):
            escaped = "&nbsp;"  # rich text would fold runs of spaces the phone shows
        out.append(f'<span style="{_UCS2_MARK}">{escaped}</span>' if index in marked else escaped)
        run = 0 if char.isspace() else run + 1
        if run >= 2 and (char in _BREAK_AFTER or run % _LONG_WORD == 0):
            out.append(ZWSP)
    out.append("</span>" if line in tinted else "")
    return "".join(out)


class _Bubble(QLabel):
    """A received-message bubble; colours from the palette so it suits light and dark themes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setMargin(12)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setCursor(Qt.CursorShape.IBeamCursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText():
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt's name)
        menu = QMenu(self)
        copy = menu.addAction(self.tr("Copy"))
        copy.setEnabled(self.hasSelectedText())
        copy.triggered.connect(self.copy_selection)
        whole = menu.addAction(self.tr("Copy the whole message"))
        whole.triggered.connect(self.copy_message)
        menu.exec(event.globalPos())

    def copy_selection(self) -> None:
        """The selected text, as the customer receives it: without the break opportunities."""
        QGuiApplication.clipboard().setText(self.selectedText().replace(ZWSP, ""))

    def copy_message(self) -> None:
        document = QTextDocument()
        document.setHtml(self.text())
        QGuiApplication.clipboard().setText(document.toPlainText().replace(ZWSP, ""))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        # The label draws its text in WindowText; the bubble is chosen to contrast with it.
        dark = self.palette().color(QPalette.ColorRole.WindowText).lightness() > 128
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#3a3a3c") if dark else QColor("#e9e9eb"))
        painter.drawRoundedRect(QRectF(self.rect()), _BUBBLE_RADIUS, _BUBBLE_RADIUS)
        painter.end()
        super().paintEvent(event)


class SmsPreview(PreviewPane):
    """The SMS as the recipient's phone shows it, UCS-2-forcing characters marked in red."""

    channel = "sms"
    title = QT_TRANSLATE_NOOP("PreviewPane", "SMS")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._highlighted: list[int] = []

        self._screen = QWidget()
        self._screen.setAutoFillBackground(True)
        self._screen.setBackgroundRole(QPalette.ColorRole.Base)
        self._bubble = _Bubble(self._screen)
        self._bubble.setObjectName("smsBubble")
        ClickFilter(self, self.click_at).watch(self._bubble)  # opens the block that wrote it
        self._facts = QLabel(self._screen)
        self._facts.setObjectName("smsFacts")
        self._facts.setTextFormat(Qt.TextFormat.RichText)
        self._facts.setWordWrap(True)
        self._facts.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # A received message sits on the left, at most ~80 % of the screen wide.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._bubble, 0, Qt.AlignmentFlag.AlignLeft)
        row.addStretch(1)
        screen_layout = QVBoxLayout(self._screen)
        screen_layout.setContentsMargins(16, 16, 16, 16)
        screen_layout.setSpacing(8)
        screen_layout.addLayout(row)
        screen_layout.addWidget(self._facts)
        screen_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._screen)
        self._scroll = scroll
        self._set_content(scroll)

    # -- test / integration helpers ------------------------------------------------------

    def highlighted_indexes(self) -> list[int]:
        """The code point indexes of the text marked as forcing UCS-2."""
        return list(self._highlighted)

    def text(self) -> str:
        """The message text shown in the bubble."""
        return str(self._rendition.facts.get("text", "")) if self._rendition else ""

    def outlined_lines(self) -> list[int]:
        """The message's lines (from 0) the outlined block wrote."""
        if self._rendition is None or not self._outlined:
            return []
        return [line for block, first, count in self._rendition.facts.get("block_lines") or ()
                if block == self._outlined for line in range(int(first), int(first) + int(count))]

    def _show_outline(self) -> None:
        if self._rendition is not None:
            self._display(self._rendition)

    def bubble(self) -> QLabel:
        return self._bubble

    def line_at(self, pos: QPoint) -> int | None:
        """The message's line (from 0) under POS of the bubble, as the label lays it out."""
        if self._rendition is None:
            return None
        area = self._bubble.contentsRect().adjusted(
            self._bubble.margin(), self._bubble.margin(), -self._bubble.margin(),
            -self._bubble.margin())
        document = QTextDocument()
        document.setDefaultFont(self._bubble.font())
        document.setDocumentMargin(0)
        document.setHtml(self._bubble.text())
        document.setTextWidth(area.width())
        top = area.top() + max(0.0, (area.height() - document.size().height()) / 2)  # centred
        hit = document.documentLayout().hitTest(
            QPointF(pos.x() - area.left(), pos.y() - top), Qt.HitTestAccuracy.FuzzyHit)
        if hit < 0:
            return None
        return document.toPlainText()[:hit].count("\n")

    def click_at(self, pos: QPoint) -> str | None:
        """Emit blockClicked for the block that wrote the line clicked; the block."""
        line = self.line_at(pos)
        if line is None or self._rendition is None:
            return None
        for block, first, count in self._rendition.facts.get("block_lines") or ():
            if int(first) <= line < int(first) + int(count):
                self.blockClicked.emit(str(block), self.text().split("\n")[line])
                return str(block)
        return None

    def facts_text(self) -> str:
        """The facts line as plain text."""
        if self._rendition is None:
            return ""
        return QTextDocumentFragment.fromHtml(self._facts.text()).toPlainText()

    def facts_html(self, facts: Mapping[str, Any]) -> str:
        """The facts line, "2 segments · GSM-7 · 201 characters (202 units) · budget 2", in the
        UI language ("2 segmenti · GSM-7 · 201 caratteri (202 unità) · limite 2").

        The budget turns red when the message is over it.
        """
        segments = int(facts.get("segments", 0))
        characters = int(facts.get("characters", 0))
        units = int(facts.get("units", 0))
        parts = [
            self.tr("%n segment(s)", "", segments),
            html.escape(str(facts.get("encoding", ""))),
            self.tr("%n character(s)", "", characters) + " " + self.tr("(%n unit(s))", "", units),
        ]
        budget = facts.get("max_segments")
        if isinstance(budget, int):
            text = self.tr("budget %1").replace("%1", str(budget))
            if segments > budget:
                over = self.tr("%1 — over").replace("%1", text)
                text = f'<span style="color:{_OVER_BUDGET}; font-weight:600;">{over}</span>'
            parts.append(text)
        return " · ".join(parts)

    # -- PreviewPane ---------------------------------------------------------------------

    def _display(self, rendition: Rendition) -> None:
        facts = rendition.facts
        text = str(facts.get("text", rendition.content.decode("utf-8", "replace")))
        self._highlighted = sorted(
            int(item["index"])
            for item in facts.get("ucs2_characters", ())
            if 0 <= int(item["index"]) < len(text)
        )
        self._bubble.setText(bubble_html(text, self._highlighted, self.outlined_lines()))
        self._facts.setText(self.facts_html(facts))
        self._fit_bubble()

    def _clear_content(self) -> None:
        self._highlighted = []
        self._bubble.clear()
        self._facts.clear()

    # -- layout --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_bubble()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._bubble.update()

    def _fit_bubble(self) -> None:
        # A word-wrapping label asks for an arbitrary narrow width; a phone's bubble is as wide
        # as its text, up to ~80 % of the screen, so the width is set from the text's own.
        # From the pane's width: the scroll area is not laid out while the message page shows.
        scrollbar = self._scroll.verticalScrollBar().sizeHint().width()
        room = max(120, int((self.width() - 32 - scrollbar) * 0.8))
        document = QTextDocument()
        document.setDefaultFont(self._bubble.font())
        document.setDocumentMargin(0)
        document.setHtml(self._bubble.text())
        padding = 2 * (self._bubble.margin() + self._bubble.frameWidth()) + 4
        self._bubble.setFixedWidth(min(room, math.ceil(document.idealWidth()) + padding))
