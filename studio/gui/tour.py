"""The first-run tour: a few dismissible steps pointing at the four previews, the history and
the review view. Dismissal is remembered in the window's QSettings (`tour/dismissed`); nothing
leaves the machine."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SETTINGS_KEY = "tour/dismissed"
MARGIN = 12  # px between the card, its target and the window's edges
ACCENT = "#2f6fde"


@dataclass(frozen=True)
class TourStep:
    target: str  # objectName of the widget the step points at
    title: str  # English source; shown through _t (resources/translations/missiva_tour_*.ts)
    text: str
    channel: str | None = None  # a preview pane: show a template that has this channel


# The card's own words, for packaging/tour_translations.py (the step texts are above).
FIXED_STRINGS = ("Back", "Next", "Done", "Skip tour", "Step %1 of %2", "Take the &Tour")


def _t(text: str) -> str:
    return QCoreApplication.translate("Tour", text)


def tour_steps() -> list[TourStep]:
    return [
        TourStep("preview-print", "Print",
            "The letter as the customer receives it on paper: real PDF pages, laid out for a "
            "window envelope. It follows what you type, for the sample customer and language "
            "chosen in the toolbar.", "print"),
        TourStep("preview-email", "Email",
            "The same content as an email, as a mail client shows it. <i>Text</i> shows the "
            "plain-text part, <i>Dark</i> the dark-mode rules.", "email"),
        TourStep("preview-mobile", "Mobile",
            "A page for a phone screen: pick a viewport, light or dark.", "mobile"),
        TourStep("preview-sms", "SMS",
            "The text message: characters, segments and the encoding, with the characters "
            "that force UCS-2 highlighted.", "sms"),
        TourStep("historyDock", "History",
            "Every block and template is versioned in git. Compare two versions, as source "
            "and as rendered output per channel, or restore one as a new commit."),
        TourStep("reviewButton", "Review",
            "Compliance reviewers open the review here: which regulatory blocks changed since "
            "their approval, everywhere they appear, and approve or reject them."),
    ]


def tour_dismissed(settings: QSettings) -> bool:
    return str(settings.value(SETTINGS_KEY, "false")).lower() in ("true", "1")


class Tour(QWidget):
    """The tour: an outline around the widget of the current step, drawn by a click-through
    overlay over the main window, and a card beside it that explains it. Esc or *Skip* ends
    it; either way it is dismissed.

    The card is a frameless window of its own, not a child: Qt composites the previews'
    WebEngine and PDF views over sibling widgets in the same window, which would hide (and
    refuse to dim) anything painted there.
    """

    finished = Signal()

    def __init__(self, window: QMainWindow, steps: list[TourStep] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("tour")
        self.window_ = window
        # Steps whose widget this window lacks (the review view on an older build) are skipped.
        self.steps = [s for s in (steps or tour_steps()) if self._find(s.target) is not None]
        self.index = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # A tooltip-kind window: no frame, no taskbar entry, placed relative to the studio
        # (also on Wayland, where it becomes a popup of the window), never steals activation.
        self.card = QFrame(None, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.card.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.card.setObjectName("tourCard")
        self.card.setStyleSheet(
            "#tourCard { background: palette(window); border: 2px solid " + ACCENT + "; "
            "border-radius: 8px; } QLabel { background: transparent; }")
        self.card.setFixedWidth(340)
        self.title = QLabel(self.card)
        self.title.setObjectName("tourTitle")
        self.body = QLabel(self.card)
        self.body.setWordWrap(True)
        self.counter = QLabel(self.card)
        self.back_button = QPushButton(_t("Back"), self.card)
        self.next_button = QPushButton(self.card)
        self.next_button.setDefault(True)
        self.skip_button = QPushButton(_t("Skip tour"), self.card)
        self.skip_button.setFlat(True)
        self.back_button.clicked.connect(lambda: self.go(self.index - 1))
        self.next_button.clicked.connect(self.next)
        self.skip_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self.card)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.counter)
        layout.addLayout(buttons)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self.dismiss)
        self._escape = escape
        window.installEventFilter(self)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state)

    # Steps -----------------------------------------------------------------------------------

    def _find(self, name: str) -> QWidget | None:
        found = self.window_.findChild(QWidget, name)
        return found if isinstance(found, QWidget) else None

    def current(self) -> TourStep:
        return self.steps[self.index]

    def target(self) -> QWidget | None:
        return self._find(self.current().target) if self.steps else None

    def start(self) -> None:
        if not self.steps:
            self.dismiss()
            return
        session = getattr(self.window_, "session", None)
        # The tour may show another template to point at a channel; the author's own comes
        # back when it ends.
        self._template_before = session.template if session is not None else None
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        self.card.show()
        self.setFocus()
        self.go(0)

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        step = self.current()
        self._bring_forward(step)
        self.title.setText(f"<b>{_t(step.title)}</b>")
        self.body.setText(_t(step.text))
        self.counter.setText(_t("Step %1 of %2").replace("%1", str(self.index + 1))
                             .replace("%2", str(len(self.steps))))
        self.back_button.setEnabled(self.index > 0)
        last = self.index == len(self.steps) - 1
        self.next_button.setText(_t("Done") if last else _t("Next"))
        self.card.adjustSize()
        self._place()
        # Showing a pane or a dock changes the layout only when the event loop runs again.
        QTimer.singleShot(0, self._place)

    def next(self) -> None:
        if self.index >= len(self.steps) - 1:
            self.dismiss()
        else:
            self.go(self.index + 1)

    def dismiss(self) -> None:
        if self._escape is None:
            return  # already dismissed
        self.window_.removeEventFilter(self)
        self._escape.setEnabled(False)
        self._escape.deleteLater()
        self._escape = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.disconnect(self._on_application_state)
        self.card.hide()
        self.card.deleteLater()
        self.hide()
        session = getattr(self.window_, "session", None)
        before = getattr(self, "_template_before", None)
        if session is not None and session.project is not None and before is not None \
                and before in session.project.templates and session.template != before:
            session.select(template=before)
        self.finished.emit()
        self.deleteLater()

    def is_running(self) -> bool:
        return self._escape is not None

    def _bring_forward(self, step: TourStep) -> None:
        target = self._find(step.target)
        if target is None:
            return
        session = getattr(self.window_, "session", None)
        if step.channel and not target.isVisible() and session is not None \
                and session.project is not None:
            # The template on show lacks this channel: show one that has it.
            for name, template in session.project.templates.items():
                if step.channel in template.channels:
                    session.select(template=name)
                    break
        if isinstance(target, QDockWidget):
            target.show()
            target.raise_()

    # Drawing ---------------------------------------------------------------------------------

    def target_rect(self) -> QRect:
        target = self.target()
        if target is None or not target.isVisible():
            return QRect()
        top_left = target.mapTo(self.window_, QPoint(0, 0))
        return QRect(top_left, target.size()).adjusted(-4, -4, 4, 4)

    def _place(self) -> None:
        if not self.steps:
            return
        self.setGeometry(self.window_.rect())
        area = self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        target = self.target_rect()
        width = self.card.width()
        # A word-wrapped card: its height follows from its fixed width, not its size hint.
        size = QSize(width, max(self.card.sizeHint().height(), self.card.heightForWidth(width)))
        if target.isNull():
            spot = QRect(QPoint(0, 0), size)
            spot.moveCenter(area.center())
        else:
            candidates = [
                QPoint(target.right() + MARGIN, target.top()),  # right of it
                QPoint(target.left() - MARGIN - size.width(), target.top()),  # left of it
                QPoint(target.center().x() - size.width() // 2,
                       target.top() - MARGIN - size.height()),  # above
                QPoint(target.center().x() - size.width() // 2,
                       target.bottom() + MARGIN),  # below
            ]
            spot = QRect()
            for point in candidates:
                candidate = self._inside(QRect(point, size), area)
                if not candidate.intersects(target):
                    spot = candidate
                    break
            if spot.isNull():
                # A target filling the window: the card sits inside it, low.
                spot = QRect(QPoint(0, 0), size)
                spot.moveCenter(QPoint(target.center().x(),
                                       target.bottom() - MARGIN - size.height() // 2))
                spot = self._inside(spot, area)
        self.card.setGeometry(QRect(self.window_.mapToGlobal(spot.topLeft()), spot.size()))
        self.update()

    def card_rect(self) -> QRect:
        """The card's place in the main window's coordinates (it is a window of its own)."""
        return QRect(self.window_.mapFromGlobal(self.card.pos()), self.card.size())

    @staticmethod
    def _inside(rect: QRect, area: QRect) -> QRect:
        """`rect` moved (not resized) to lie within `area` as far as it can."""
        moved = QRect(rect)
        moved.moveLeft(max(area.left(), min(rect.left(), area.right() - rect.width() + 1)))
        moved.moveTop(max(area.top(), min(rect.top(), area.bottom() - rect.height() + 1)))
        return moved

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        target = self.target_rect()
        if target.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(ACCENT), 3))
        painter.drawRoundedRect(target, 6, 6)

    # Events ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window_:
            kind = event.type()
            if kind in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.LayoutRequest):
                QTimer.singleShot(0, self._place)
            elif kind == QEvent.Type.Hide or (kind == QEvent.Type.WindowStateChange
                                              and self.window_.isMinimized()):
                self.card.hide()
            elif kind == QEvent.Type.Show or kind == QEvent.Type.WindowStateChange:
                self.card.show()
        return False

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        # A tooltip-kind window stays above other applications: follow the studio's state.
        if state == Qt.ApplicationState.ApplicationActive and self.window_.isVisible():
            self.card.show()
        elif state != Qt.ApplicationState.ApplicationActive:
            self.card.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.next()
        elif event.key() == Qt.Key.Key_Left:
            self.go(self.index - 1)
        else:
            super().keyPressEvent(event)


def start_tour(window: QMainWindow, settings: QSettings) -> Tour:
    """Show the tour now; its end (done, skipped, Esc) is remembered as dismissed."""
    tour = Tour(window)
    tour.finished.connect(lambda: settings.setValue(SETTINGS_KEY, True))
    tour.start()
    return tour


def start_on_first_run(window: QMainWindow, settings: QSettings) -> Tour | None:
    """The tour, unless the user has dismissed it before."""
    if tour_dismissed(settings):
        return None
    return start_tour(window, settings)


def install(window: QMainWindow, settings: QSettings) -> None:
    """Help → Take the tour (again), for the window's menu."""
    menu = getattr(window, "help_menu", None)
    if menu is not None:
        action = menu.addAction(_t("Take the &Tour"))
        action.setObjectName("tourAction")
        action.triggered.connect(lambda: start_tour(window, settings))
