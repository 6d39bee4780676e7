"""The frame every channel preview shares: a header bar over a content widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QMouseEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.channels import Rendition
from studio.gui.flow import FlowLayout

# The badge keeps fixed colours: amber on near-black reads the same on light and dark palettes.
_STALE_STYLE = (
    "QLabel { background: #f59e0b; color: #1f2937; border-radius: 7px;"
    " padding: 0px 6px; font-weight: 600; }"
)
# Whether the previewed customer actually receives this channel (the delivery rules' choice).
_SENT_STYLE = (
    "QLabel { background: #15803d; color: #ffffff; border-radius: 7px;"
    " padding: 0px 6px; font-weight: 600; }"
)
_NOT_SENT_STYLE = (
    "QLabel { background: #6b7280; color: #ffffff; border-radius: 7px; padding: 0px 6px; }"
)
_OK_STYLE = (
    "QLabel { background: #d9f7e0; color: #116329; border-radius: 7px;"
    " padding: 0px 6px; font-weight: 600; }"
)


def _frame_icon(colour: QColor, maximized: bool) -> QIcon:
    """A window-frame glyph: one square (maximise) or two overlapping ones (restore)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2.5))
    if maximized:
        painter.drawRect(QRectF(11, 5, 16, 16))
        # The front window hides the back one's corner.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        painter.fillRect(QRectF(4, 10, 18, 18), Qt.GlobalColor.transparent)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.drawRect(QRectF(5, 11, 16, 16))
    else:
        painter.drawRect(QRectF(5, 5, 22, 22))
        painter.fillRect(QRectF(5, 5, 22, 5), colour)  # the title bar
    painter.end()
    return QIcon(pixmap)


#: How a preview outlines the block hovered in the editor (issue 19): one colour everywhere.
OUTLINE_COLOUR = "#2563eb"


_PRESS_RELEASE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease)


class ClickFilter(QObject):
    """Click to edit's one rule for every preview: a left press and release within a few
    pixels is a click on what is under the press (a drag selects or scrolls, and opens
    nothing). Watches the widgets given to `watch`; CLICKED gets the press's position in the
    watched widget."""

    def __init__(self, parent: QObject, clicked: Callable[[QPoint], object]) -> None:
        super().__init__(parent)
        self._clicked = clicked
        self._pressed_at: QPoint | None = None

    def watch(self, widget: QObject) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        try:
            kind = event.type()
        except RuntimeError:  # the window going away: its objects are half gone
            return False
        if kind not in _PRESS_RELEASE:
            return False  # the cheap answer first: most events are not a click's
        if isinstance(event, QMouseEvent) and event.button() == Qt.MouseButton.LeftButton:
            if event.type() == QEvent.Type.MouseButtonPress:
                self._pressed_at = event.position().toPoint()
            elif event.type() == QEvent.Type.MouseButtonRelease and self._pressed_at is not None:
                pressed, self._pressed_at = self._pressed_at, None
                if (event.position().toPoint() - pressed).manhattanLength() < 5:
                    self._clicked(pressed)
        return False


def format_elapsed(elapsed_ms: float) -> str:
    """A render time as people read it: "85 ms", "1.4 s"."""
    if elapsed_ms < 1000:
        return f"{elapsed_ms:.0f} ms"
    return f"{elapsed_ms / 1000:.1f} s"


class PreviewPane(QWidget):
    """A channel preview: header (name, stale badge, render time, maximise) over its content.

    A pane is fed finished renditions and never renders anything itself, so it can be reused
    by the main window, a diff view or a test without the core's pipeline behind it.
    Subclasses build their content widget, hand it to `_set_content`, may add controls with
    `_add_tool`, and implement `_display`.
    """

    maximizeRequested = Signal(bool)
    #: The reader clicked a paragraph: the block that wrote it and the text clicked (issue 19:
    #: click to edit). Panes that can tell emit it; the window opens the block there.
    blockClicked = Signal(str, str)

    #: The channel name a subclass shows; `show_rendition` refuses renditions of another one.
    channel: ClassVar[str] = ""
    #: The human name in the header.
    title: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rendition: Rendition | None = None
        self._outlined: str | None = None
        self._stale = False
        self._stale_reason = ""

        self._header = QFrame(self)
        self._header.setObjectName("previewHeader")
        # Palette roles rather than colours, so the bar follows a light or dark theme.
        self._header.setAutoFillBackground(True)
        self._header.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        # Title, badges, tools and render time wrap onto a second line in a narrow pane
        # rather than being cut ("non a…"); the maximise toggle stays top right.
        header = QHBoxLayout(self._header)
        header.setContentsMargins(8, 3, 4, 3)
        header.setSpacing(6)
        self._flow = FlowLayout(spacing=6)
        header.addLayout(self._flow, 1)

        self._title_label = QLabel(
            QCoreApplication.translate("PreviewPane", self.title) if self.title else self.channel,
            self._header)
        title_font = QFont(self._title_label.font())
        title_font.setBold(True)
        self._title_label.setFont(title_font)
        self._flow.addWidget(self._title_label)

        self._stale_badge = QLabel(self.tr("stale"), self._header)
        self._stale_badge.setObjectName("staleBadge")
        self._stale_badge.setStyleSheet(_STALE_STYLE)
        self._stale_badge.setVisible(False)
        self._flow.addWidget(self._stale_badge)
        self._badge = QLabel(self._header)  # a note from the view showing the pane (review)
        self._badge.setObjectName("noteBadge")
        self._badge.setVisible(False)
        self._flow.addWidget(self._badge)

        self._delivery_badge = QLabel(self._header)
        self._delivery_badge.setObjectName("deliveryBadge")
        self._delivery_badge.setVisible(False)
        self._delivered: bool | None = None
        self._flow.addWidget(self._delivery_badge)

        self._tools = QWidget(self._header)
        self._tools_layout = FlowLayout(self._tools, spacing=2)
        self._flow.addWidget(self._tools)

        self._time_label = QLabel(self._header)
        self._time_label.setObjectName("renderTime")
        self._time_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._time_label.setToolTip(self.tr("Render time"))
        self._flow.addWidget(self._time_label)

        self._maximize_button = QToolButton(self._header)
        self._maximize_button.setObjectName("maximizeButton")
        self._maximize_button.setCheckable(True)
        self._maximize_button.setAutoRaise(True)
        self._maximize_button.toggled.connect(self._on_maximize_toggled)
        self._update_maximize_button(False)
        header.addWidget(self._maximize_button, 0, Qt.AlignmentFlag.AlignTop)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setForegroundRole(QPalette.ColorRole.Mid)

        # Page 0: the channel's content; page 1: a message when there is nothing to show.
        self._stack = QStackedWidget(self)
        self._message = QLabel(self._stack)
        self._message.setObjectName("previewMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._message.setMargin(24)
        self._content: QWidget = QWidget(self._stack)
        self._stack.addWidget(self._content)
        self._stack.addWidget(self._message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        layout.addWidget(line)
        layout.addWidget(self._stack, 1)
        # Not `clear()`: a subclass's `_clear_content` would run before its own __init__.
        self._message.setText(self.tr("No preview yet"))
        self._tools.setVisible(False)
        self._stack.setCurrentWidget(self._message)

    # -- public API ----------------------------------------------------------------------

    @property
    def rendition(self) -> Rendition | None:
        """The rendition last shown, or None after `clear`."""
        return self._rendition

    @property
    def is_stale(self) -> bool:
        """Whether the preview no longer matches the editor."""
        return self._stale

    @property
    def stale_reason(self) -> str:
        return self._stale_reason

    def show_rendition(self, rendition: Rendition, elapsed_ms: float | None = None) -> None:
        """Show a finished rendition; the preview is current again."""
        if self.channel and rendition.channel != self.channel:
            raise ValueError(
                f"{type(self).__name__} shows {self.channel} renditions, not {rendition.channel}"
            )
        self._display(rendition)
        self._rendition = rendition
        self._time_label.setText("" if elapsed_ms is None else format_elapsed(elapsed_ms))
        self._tools.setVisible(True)
        self._stack.setCurrentWidget(self._content)
        self.set_stale(False)

    def outline_block(self, block: str | None) -> None:
        """Outline what BLOCK wrote (the author hovers it in the editor); None: no outline.
        Kept across renditions until changed."""
        if block != self._outlined:
            self._outlined = block
            self._show_outline()

    @property
    def outlined_block(self) -> str | None:
        return self._outlined

    def set_stale(self, stale: bool, reason: str = "") -> None:
        """Mark the preview as out of date (e.g. the editor's buffer fails to render).

        The last good preview stays on screen: seeing it, marked, is more useful than a blank.
        """
        self._stale = stale
        self._stale_reason = reason if stale else ""
        self._stale_badge.setVisible(stale)
        self._stale_badge.setToolTip(reason or self.tr("The preview no longer matches the editor"))

    @property
    def delivered(self) -> bool | None:
        """Whether the previewed record receives this channel (None: not known)."""
        return self._delivered

    def set_delivery(self, delivered: bool | None, reason: str = "") -> None:
        """Mark whether the sample customer would actually receive this channel, and why."""
        self._delivered = delivered
        self._delivery_badge.setVisible(delivered is not None)
        if delivered is None:
            return
        self._delivery_badge.setText(self.tr("sent") if delivered else self.tr("not sent"))
        self._delivery_badge.setStyleSheet(_SENT_STYLE if delivered else _NOT_SENT_STYLE)
        self._delivery_badge.setToolTip(reason)
    def set_badge(self, text: str, tooltip: str = "", ok: bool = False) -> None:
        """A note in the header ("changed since approval"); empty text hides it."""
        self._badge.setText(text)
        self._badge.setToolTip(tooltip)
        self._badge.setStyleSheet(_OK_STYLE if ok else _STALE_STYLE)
        self._badge.setVisible(bool(text))

    def badge(self) -> str:
        return self._badge.text() if self._badge.isVisibleTo(self) else ""

    def set_maximizable(self, maximizable: bool) -> None:
        """Hide the maximise toggle where the pane is not one of the window's previews."""
        self._maximize_button.setVisible(maximizable)

    def clear(self, message: str) -> None:
        """Drop the preview and show a message instead ("This template has no SMS channel")."""
        self._rendition = None
        self._message.setText(message)
        self._time_label.clear()
        self._tools.setVisible(False)
        self._stack.setCurrentWidget(self._message)
        self.set_stale(False)
        self._clear_content()

    def set_maximized(self, maximized: bool) -> None:
        """Sync the toggle with the window's layout without emitting `maximizeRequested`."""
        blocked = self._maximize_button.blockSignals(True)
        self._maximize_button.setChecked(maximized)
        self._maximize_button.blockSignals(blocked)
        self._update_maximize_button(maximized)

    def message(self) -> str:
        """The message shown instead of a preview, or "" when a preview is shown."""
        return self._message.text() if self._stack.currentWidget() is self._message else ""

    # -- for subclasses ------------------------------------------------------------------

    def _display(self, rendition: Rendition) -> None:
        raise NotImplementedError

    def _clear_content(self) -> None:
        """Release what the content holds (documents, pages); the message is already up."""

    def _show_outline(self) -> None:
        """Draw the outline of `outlined_block` (panes that can tell where a block is)."""

    def _set_content(self, widget: QWidget) -> None:
        old = self._content
        self._stack.insertWidget(0, widget)
        self._stack.removeWidget(old)
        old.deleteLater()
        self._content = widget
        self._stack.setCurrentWidget(self._message)

    def _add_tool(self, widget: QWidget) -> None:
        self._tools_layout.addWidget(widget)

    def _tool_button(self, text: str, tooltip: str, name: str) -> QToolButton:
        button = QToolButton(self._tools)
        button.setText(text)
        button.setToolTip(tooltip)
        button.setObjectName(name)
        button.setAutoRaise(True)
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._add_tool(button)
        return button

    # -- internals -----------------------------------------------------------------------

    def _on_maximize_toggled(self, checked: bool) -> None:
        self._update_maximize_button(checked)
        self.maximizeRequested.emit(checked)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._update_maximize_button(self._maximize_button.isChecked())

    def _update_maximize_button(self, maximized: bool) -> None:
        # Drawn in the palette's text colour: the styles' title-bar pixmaps are dark-on-dark
        # under a dark palette.
        self._maximize_button.setIcon(
            _frame_icon(self.palette().color(QPalette.ColorRole.ButtonText), maximized)
        )
        self._maximize_button.setToolTip(
            self.tr("Restore the other previews") if maximized else self.tr("Maximise this preview")
        )
