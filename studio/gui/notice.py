"""Non-modal notices: a bar above an editor or the window that says what happened and offers
what can be done (a file changed on disk, a failed save, the project open in another window).

A bar replaces its own text and buttons when told something new, so one situation is one bar,
never a pile of dialogs; the author answers when it suits them, or not at all.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.core.diff import DELETE, INSERT, line_diff

_STYLES = {
    "info": "background: #e8f1fb; color: #0b3d66; border-bottom: 1px solid #9cc3e6;",
    "warning": "background: #fff4e5; color: #663c00; border-bottom: 1px solid #f0c36d;",
    "error": "background: #fdecea; color: #611a15; border-bottom: 1px solid #e6a19b;",
}


class NoticeBar(QFrame):
    """A message and up to a few buttons; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.kind = ""
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(8, 4, 8, 4)
        self._row.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        self.hide()

    def show_notice(self, kind: str, text: str,
                    actions: list[tuple[str, Callable[[], object]]] | None = None) -> None:
        """Say TEXT (kind: info, warning or error) with ACTIONS as (button text, callback)."""
        for button in self.buttons.values():
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for label, callback in actions or []:
            button = QPushButton(label, self)
            button.clicked.connect(lambda _=False, c=callback: c())
            self._row.addWidget(button)
            self.buttons[label] = button
        self.kind = kind
        self.setStyleSheet(f"QFrame#noticeBar {{ {_STYLES.get(kind, _STYLES['info'])} }}")
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def clear(self) -> None:
        self.kind = ""
        self.label.clear()
        self.hide()


class BothVersionsDialog(QDialog):
    """The version on disk and the author's unsaved one, as a line diff (non-modal)."""

    def __init__(self, rel: str, theirs: str | None, mine: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("%s: on disk and yours") % rel)
        self.resize(760, 560)
        self.view = QTextBrowser(self)
        self.view.setHtml(self.diff_html(theirs, mine))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>−</b> only on disk &nbsp; <b>+</b> only in "
                                        "your unsaved version"), self))
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def diff_html(self, theirs: str | None, mine: str) -> str:
        if theirs is None:
            return "<p>" + html.escape(self.tr("The file was deleted on disk.")) + "</p>"
        hunks = line_diff(theirs, mine)
        if not hunks:
            return "<p>" + html.escape(self.tr("The two versions are the same.")) + "</p>"
        rows = []
        for hunk in hunks:
            rows.append(f"<div style='color:#666'>{html.escape(hunk.header)}</div>")
            for line in hunk.lines:
                sign, colour = {DELETE: ("−", "#fdecea"), INSERT: ("+", "#e6f4ea")}.get(
                    line.tag, (" ", "transparent"))
                rows.append(f"<div style='background:{colour}'>{sign} "
                            f"{html.escape(line.text) or '&nbsp;'}</div>")
        return "<pre style='font-family:monospace'>" + "".join(rows) + "</pre>"
