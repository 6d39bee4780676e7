"""The previews' headers at 1366×768, in Italian and in English: every word readable."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QLocale, QPoint, QRect, QSettings, QStandardPaths
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from studio.gui.app import install_translations
from studio.gui.main_window import MainWindow
from tests.conftest import SAMPLE

WAIT = 30_000


def cut_words(pane: QWidget) -> list[str]:
    """The header's labels and buttons shown narrower than their text, or outside the header."""
    header = pane.findChild(QWidget, "previewHeader")
    area = header.rect()
    found = []
    for widget in header.findChildren(QWidget):
        if not widget.isVisibleTo(pane) or not isinstance(widget, QLabel | QAbstractButton):
            continue
        text = widget.text()
        if not text:
            continue
        needed = widget.fontMetrics().horizontalAdvance(text)
        place = QRect(widget.mapTo(header, QPoint(0, 0)), widget.size())
        if (widget.width() < widget.sizeHint().width() or widget.width() < needed
                or not area.contains(place)):
            found.append(f"{text!r}: {widget.width()} px of {widget.sizeHint().width()}")
    return found


@pytest.mark.parametrize("language", [QLocale.Language.Italian, QLocale.Language.English])
def test_preview_headers_are_not_cut_at_1366_by_768(qapp, qtbot, qtlog, tmp_path, language,
                                                    grabs):
    QStandardPaths.setTestModeEnabled(True)
    translators = install_translations(qapp, QLocale(language))
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        root = tmp_path / "lumen"
        shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
        window.resize(1366, 768)
        window.show()
        window.open_project(root)
        locale = "it" if language == QLocale.Language.Italian else "en"
        window.session.select(template="payment-reminder", sample="typical", locale=locale)
        panes = window.previews
        qtbot.waitUntil(lambda: all(panes[c].rendition is not None
                                    for c in ("print", "email", "sms")), timeout=WAIT)
        qtbot.waitUntil(lambda: panes["sms"].delivered is not None, timeout=WAIT)
        window.open_file("blocks/reminder/notice.md")
        for pane in panes.values():  # the longest headers: stale, delivery, tools, time
            pane.set_stale(True, "the editor's text does not render")
        qtbot.wait(100)
        shown = [c for c in ("print", "email", "sms") if panes[c].isVisible()]
        assert shown == ["print", "email", "sms"]
        assert window.width() <= 1366
        window.grab().save(str(grabs / f"headers-1366-{locale}.png"))
        for channel in shown:
            assert cut_words(panes[channel]) == [], channel
            delivery = panes[channel].findChild(QLabel, "deliveryBadge")
            assert delivery.isVisible() and delivery.text() in (
                "inviata", "non inviata", "sent", "not sent")
        # The email header was once given the height its layout has for no width (-1):
        # "QWidget::setMinimumSize: (mailHeader/QFrame) Negative sizes (0,-1)".
        assert not [r.message for r in qtlog.records if "Negative sizes" in r.message]
    finally:
        window.session.buffers.clear()
        window.close()
        window.session.close()
        window.deleteLater()
        for translator in translators:
            qapp.removeTranslator(translator)


def test_the_check_sees_a_cut_label(qtbot):
    from studio.gui.previews import SmsPreview

    pane = SmsPreview()
    qtbot.addWidget(pane)
    pane.resize(400, 300)
    pane.show()
    pane.set_stale(True)
    qtbot.wait(20)
    assert cut_words(pane) == []
    badge = pane.findChild(QLabel, "staleBadge")
    badge.setFixedWidth(10)  # what a row that does not wrap does to a badge
    qtbot.wait(20)
    assert cut_words(pane) and cut_words(pane)[0].startswith("'stale'")
