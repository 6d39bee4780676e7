"""Live checks in the studio: a finding reaches the Problems panel with its block, the pane gets
a badge, and a block's editor shows its readability gauge — after the preview, never before."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QLabel

from studio.gui.main_window import MainWindow
from tests.conftest import write_project

WAIT = 60_000  # ms: a worker process, then a QtWebEngine child for axe

FILES = {
    "blocks/faint.md": """
        ---
        title: Faint
        readability: {min: 60}
        ---
        Questo testo è grigio chiaro su bianco e nessuno lo legge bene. Lo scriviamo lo stesso.
    """,
    "styles/mobile.css": """
        section.block[data-block="faint"] p { color: #c8c8c8; background: #ffffff; }
    """,
    "templates/letter.yaml": """
        title: Lettera
        channels: [mobile]
        body:
          - block: greeting
          - block: faint
    """,
}


@pytest.fixture
def window(qapp, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    yield window
    window.session.buffers.clear()  # an edit a test typed is not to be saved
    window.close()


def test_low_contrast_reaches_problems_badge_and_gauge(window, tmp_path, qtbot, grabs):
    root = write_project(tmp_path / "project", FILES)
    window.resize(1500, 900)
    window.open_project(root)
    window.session.select(template="letter", locale="it")
    qtbot.waitUntil(lambda: window.previews["mobile"].rendition is not None, timeout=WAIT)

    def found():
        return [p for p in window.problems_model.problems()
                if p.path == "blocks/faint.md" and "color-contrast" in p.message]

    qtbot.waitUntil(lambda: bool(found()), timeout=WAIT)
    [problem] = found()
    assert problem.is_error and "in faint" in problem.message
    badge = window.previews["mobile"].findChild(QLabel, "checksBadge")
    assert badge is not None and badge.isVisible() and badge.text().startswith("⚠")
    assert "color-contrast [faint]" in badge.toolTip()
    tab = window.open_file("blocks/faint.md")
    assert tab.readability_gauge is not None and tab.readability_gauge.isVisible()
    assert tab.readability_gauge.format().startswith("Gulpease")
    assert tab.readability_gauge.format().endswith("(budget 60)")
    qtbot.waitUntil(lambda: bool(found()), timeout=WAIT)  # the problems shown with the tab
    # The README's pictures (MISSIVA_GRABS=docs/screenshots refreshes them).
    assert window.grab().save(str(grabs / "checks-problems-badge.png"))
    assert tab.grab().save(str(grabs / "readability-gauge.png"))


def test_gauge_and_badge_speak_italian(qapp, tmp_path):
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations
    from studio.gui.checks_view import ReadabilityGauge

    before = QLocale()  # install_translations sets the default locale: put it back after
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        gauge = ReadabilityGauge()
        gauge.show_score("gulpease", 58.0, 60.0, 40)
        assert gauge.format() == "Gulpease 58 (soglia 60)"
        assert gauge.toolTip().startswith("40 parole")
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        QLocale.setDefault(before)


def test_checks_of_successive_previews_share_one_axe_child(window, tmp_path, qtbot):
    """Chromium starts once for the session: the check after an edit goes to the same child."""
    from studio.core.checks.run import live_engine_state
    from studio.gui.checks_view import checks_runner

    root = write_project(tmp_path / "project", FILES)
    window.open_project(root)
    window.session.select(template="letter", locale="it")
    qtbot.waitUntil(lambda: window.checks.check("mobile") is not None, timeout=WAIT)
    first = window.checks.check("mobile")
    assert any(f.rule == "color-contrast" and f.block == "faint" for f in first.accessibility)

    def engine_state():
        answer = []
        checks_runner().run(live_engine_state, success=answer.append)
        qtbot.waitUntil(lambda: bool(answer), timeout=WAIT)
        return answer[0]

    pid, starts = engine_state()
    assert pid is not None
    tab = window.open_file("blocks/faint.md")
    cursor = tab.editor.textCursor()
    cursor.setPosition(tab.editor.text().index("grigio chiaro") + len("grigio"))
    tab.editor.setTextCursor(cursor)
    qtbot.keyClicks(tab.editor, " tenue e")
    qtbot.waitUntil(lambda: "grigio tenue e chiaro" in window.previews["mobile"].html(),
                    timeout=WAIT)
    qtbot.waitUntil(lambda: window.checks.check("mobile") is not first
                    and not window.checks.busy(), timeout=WAIT)
    assert any(f.rule == "color-contrast" for f in window.checks.check("mobile").accessibility)
    assert engine_state() == (pid, starts)  # no second Chromium for the second check


def test_an_italian_studio_shows_the_findings_in_italian(qapp, qtbot, tmp_path):
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations

    root = write_project(tmp_path / "project", FILES)
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        window.show()
        window.open_project(root)
        window.session.select(template="letter", locale="it")
        model = window.problems_model
        italian = ("mobile: color-contrast (grave) in faint: Gli elementi devono soddisfare le "
                   "soglie minime del rapporto di contrasto di colore")

        def shown() -> list[str]:
            return [model.data(model.index(row, 3)) for row in range(model.rowCount())]

        qtbot.waitUntil(lambda: italian in shown(), timeout=WAIT)
        row = shown().index(italian)
        assert model.problem(row).message.startswith("mobile: serious color-contrast in faint")
        badge = window.previews["mobile"].findChild(QLabel, "checksBadge")
        assert badge is not None
        assert "grave: color-contrast [faint] — Gli elementi devono" in badge.toolTip()
    finally:
        window.session.buffers.clear()
        window.close()
        for translator in translators:
            qapp.removeTranslator(translator)
