"""The first-run tour over a real studio window on a copy of the sample project."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QWidget

from studio.gui import tour as tour_module
from studio.gui.main_window import MainWindow
from studio.gui.tour import ACCENT, SETTINGS_KEY, start_on_first_run, tour_dismissed
from tests.conftest import SAMPLE

WAIT = 30_000  # ms: the first print render starts a worker process
PREVIEW_STEPS = ["preview-print", "preview-email", "preview-mobile", "preview-sms"]


@pytest.fixture(scope="module")
def studio(qapp, tmp_path_factory):
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path_factory.mktemp("tour")
    window = MainWindow(settings=QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    root = folder / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    window.open_project(root)
    window.session.select(template="payment-reminder", sample="typical", locale="it")
    yield window
    window.session.buffers.clear()
    window.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "user.ini"), QSettings.Format.IniFormat)


def _visible_on_screen(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _colour_at(window, point):
    return window.grab().toImage().pixelColor(point)


def test_first_run_walks_the_previews_and_the_history(studio, settings, qtbot):
    assert not tour_dismissed(settings)
    tour = start_on_first_run(studio, settings)
    assert tour is not None and tour.isVisible()
    assert [s.target for s in tour.steps] == [*PREVIEW_STEPS, "historyDock", "reviewButton"]

    for index, name in enumerate([*PREVIEW_STEPS, "historyDock", "reviewButton"]):
        assert tour.index == index
        target = studio.findChild(QWidget, name)
        assert tour.target() is target
        # The reminder has no mobile channel: the tour shows a template that has it.
        qtbot.waitUntil(lambda t=target: _visible_on_screen(t), timeout=WAIT)
        qtbot.waitUntil(lambda: not tour.target_rect().isNull(), timeout=WAIT)
        # The card sits beside what it explains, whole, inside the window.
        qtbot.waitUntil(lambda: not tour.card_rect().intersects(tour.target_rect()),
                        timeout=WAIT)
        assert studio.rect().contains(tour.card_rect())
        assert tour.card.isVisible() and tour.card.isWindow()
        assert tour.card.height() >= tour.card.heightForWidth(tour.card.width())
        assert tour.title.text() == f"<b>{tour.current().title}</b>"
        assert f"Step {index + 1} of 6" == tour.counter.text()
        if name.startswith("preview-"):
            assert name.removeprefix("preview-") in studio.session.channels()
        qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)

    assert studio.history_dock.isVisible()
    qtbot.waitUntil(lambda: not tour.isVisible() and not tour.card.isVisible(), timeout=WAIT)
    # it showed the bill for the mobile step; the author's reminder is back on show
    assert studio.session.template == "payment-reminder"
    assert tour_dismissed(settings)
    assert start_on_first_run(studio, settings) is None


def test_the_step_is_outlined_and_the_window_stays_usable(studio, settings, qtbot):
    tour = start_on_first_run(studio, settings)
    assert tour is not None
    qtbot.waitUntil(lambda: _visible_on_screen(tour.target()) and tour.card.isVisible(),
                    timeout=WAIT)
    ring = tour.target_rect()
    point = QPoint(ring.left(), ring.center().y())  # on the 3 px pen, not its blended edge
    qtbot.waitUntil(lambda: _colour_at(studio, point).name() == ACCENT, timeout=WAIT)
    # The overlay lets clicks through to the studio: it is a guide, not a lock.
    assert tour.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    tour.dismiss()
    qtbot.waitUntil(lambda: _colour_at(studio, point).name() != ACCENT, timeout=WAIT)


def test_escape_dismisses_and_is_remembered(studio, settings, qtbot):
    tour = start_on_first_run(studio, settings)
    assert tour is not None
    qtbot.keyClick(tour, Qt.Key.Key_Right)
    assert tour.index == 1
    qtbot.keyClick(tour, Qt.Key.Key_Escape)
    assert not tour.isVisible() and not tour.card.isVisible()
    assert settings.value(SETTINGS_KEY) in (True, "true")
    # A fresh settings object on the same file: the choice survives a restart.
    again = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    assert tour_dismissed(again)


def test_the_review_button_is_the_last_step(studio, settings, qtbot):
    tour = start_on_first_run(studio, settings)
    assert tour is not None
    assert tour.steps[-1].target == "reviewButton"
    tour.go(len(tour.steps) - 1)
    button = studio.toolbar.widgetForAction(studio.review_action)
    assert tour.target() is button
    qtbot.waitUntil(lambda: _visible_on_screen(button), timeout=WAIT)
    assert tour.next_button.text() == "Done"
    qtbot.mouseClick(tour.skip_button, Qt.MouseButton.LeftButton)
    assert tour_dismissed(settings)


def test_help_menu_offers_the_tour_again(studio, settings, qtbot):
    settings.setValue(SETTINGS_KEY, True)
    tour_module.install(studio, settings)
    [action] = [a for a in studio.help_menu.actions() if a.objectName() == "tourAction"]
    action.trigger()
    shown = studio.findChildren(tour_module.Tour)
    assert any(t.isVisible() for t in shown)
    for t in shown:
        t.dismiss()
    studio.help_menu.removeAction(action)


def test_the_tour_speaks_italian_on_an_italian_system(studio, settings, qapp):
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations

    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        tour = start_on_first_run(studio, settings)
        assert tour is not None
        assert tour.title.text() == "<b>Stampa</b>"
        assert tour.body.text().startswith("La lettera come il cliente la riceve su carta")
        assert tour.counter.text() == "Passo 1 di 6"
        assert (tour.next_button.text(), tour.skip_button.text()) == ("Avanti", "Salta la guida")
        tour.dismiss()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
