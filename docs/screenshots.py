"""Retake the README's studio screenshots that show the sample bill, on a real window:

    export QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python docs/screenshots.py tour
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python docs/screenshots.py review
    LANG=it_IT.UTF-8 LC_ALL=it_IT.UTF-8 \
        xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots.py italian
    xvfb-run -a -s "-screen 0 1600x960x24" .venv/bin/python docs/screenshots.py library

The web panes (email, mobile) paint nothing in an offscreen grab: hence Xvfb, and a grab of the
X screen (the tour's card is a window of its own). Settings and autosaves go to a scratch
directory; the tour runs on the copy of the sample an installed studio makes on first run (a
git repository of its own, the shipped decisions replayed), the Italian studio on a scratch
copy, the review on the sample in this checkout (its ledger names this repository's commits),
which it does not change, the library scene (Search and Where used) on the 1,000-block library
bench/generate.py makes.
Each scene waits until every channel of the bill was rendered and the web pages loaded, then
a little longer for the PDF view to paint its pages. Look at the pictures before committing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"
SAMPLE = REPO / "sample_projects" / "lumen-energia"
GIULIA = ("Giulia Bianchi", "giulia.bianchi@lumen-energia.example")  # legal: an approver


def main(scene: str) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="missiva-screens-"))
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        os.environ[f"{prefix}_NAME"], os.environ[f"{prefix}_EMAIL"] = GIULIA

    from PySide6.QtCore import QEventLoop, QSettings, QStandardPaths, QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget, QTextBrowser

    from studio.gui import tour
    from studio.gui.app import create_application
    from studio.gui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    app = create_application()

    def pump(condition, timeout: float = 180.0) -> bool:
        end = time.monotonic() + timeout
        while not condition() and time.monotonic() < end:
            loop = QEventLoop()
            QTimer.singleShot(50, loop.quit)
            loop.exec()
        return condition()

    def settle(seconds: float) -> None:
        pump(lambda: False, seconds)

    def shoot(name: str, widget=None) -> None:
        screen = app.primaryScreen()
        if widget is None:
            picture = screen.grabWindow(0)
        else:
            frame = widget.frameGeometry()
            picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        picture.save(str(OUT / name))
        print("saved", OUT / name, picture.width(), "x", picture.height(), flush=True)

    root = SAMPLE
    if scene == "tour":  # the user's copy an installed studio makes on its first run
        from studio.core import userdata

        userdata.in_writable_checkout = lambda _path: False  # as if installed
        root = userdata.studio_sample_project(SAMPLE, scratch / "data" / "lumen-energia")
    elif scene == "library":
        from bench.generate import generate_library

        root = scratch / "lib1000"
        generate_library(root, blocks=1000, commits=2)
    elif scene != "review":
        root = scratch / "lumen-energia"
        shutil.copytree(SAMPLE, root)
    window = MainWindow(settings=QSettings(str(scratch / "studio.ini"),
                                           QSettings.Format.IniFormat))
    window.session.service.warm_up()
    window.setGeometry(app.primaryScreen().availableGeometry())  # Xvfb has no window manager
    window.show()
    shown: dict[str, object] = {}
    loaded: set[str] = set()
    for channel, pane in window.previews.items():
        original = pane.show_rendition

        def patched(rendition, elapsed_ms=None, _c=channel, _o=original):
            _o(rendition, elapsed_ms)
            shown[_c] = rendition

        pane.show_rendition = patched  # type: ignore[method-assign]
        if channel in ("email", "mobile"):
            pane.htmlLoaded.connect(lambda _ok, _c=channel: loaded.add(_c))
    window.open_project(root)

    def previews_done() -> None:
        channels = tuple(window.session.channels())
        pump(lambda: all(c in shown for c in channels)
             and all(c in loaded for c in channels if c in ("email", "mobile")))
        pump(lambda: not window.session.checking and not window.checking_bar.isVisible())
        settle(5)  # the PDF view paints its pages, the previews' live checks report

    if scene != "library":
        window.session.select(template="bill", sample="typical", locale="it")
        previews_done()

    if scene == "library":
        window.show_search()
        window.search_panel.search("paragraph 537 of")
        results = window.search_panel.results
        line = results.topLevelItem(0).child(0)
        results.setCurrentItem(line)
        shown.clear()
        loaded.clear()
        results.itemActivated.emit(line, 0)  # opens the block, previews a template using it
        previews_done()
        shoot("search.png")
        window.explorer_filter.setText("common/contacts")
        model = window.tree.model()
        folder = model.index(0, 0, window.tree.rootIndex())  # Blocks, the only one left
        while model.rowCount(folder):
            folder = model.index(0, 0, folder)  # common, then contacts
        window.tree.setCurrentIndex(folder)
        window.show_where_used()
        settle(3)
        shoot("where-used.png")
    elif scene == "tour":
        tour.install(window, window.settings)
        guide = tour.start_on_first_run(window, window.settings)
        assert guide is not None
        settle(3)
        shoot("first-run-tour.png")
        guide.go(len(guide.steps) - 1)  # the last step: the Review button
        settle(3)
        shoot("tour-review.png")
    elif scene == "italian":
        window.open_file("blocks/billing/summary.md")
        settle(4)
        shoot("studio-1366-italian.png")
    elif scene == "review":
        panel = window.review
        window.show_review("legal/useful-info")
        pump(lambda: panel.block == "legal/useful-info" and not panel.is_busy())
        for dock in window.findChildren(QDockWidget):
            if dock.windowTitle() == "Team":  # empty here: the review's previews get its room
                dock.close()
        settle(6)
        panel.views.setCurrentIndex(0)  # Where it appears: print, email and mobile
        settle(2)
        shoot("review-stale-block.png")
        panel.views.setCurrentIndex(1)  # Changes since approval, with Compare bill
        settle(1)
        shoot("review-bill-info.png")
        approval = panel.states["legal/useful-info"].history[-1]
        dialog = panel.compare_rendered("bill", approval.commit, approval)
        assert dialog is not None
        dialog.resize(1560, 940)  # both printed pages side by side, whole
        dialog.move(20, 30)
        pump(lambda: not dialog.is_rendering())
        for channel in ("print", "email", "mobile"):
            shown_tab = dialog.channel_tabs[channel]
            dialog.tabs.setCurrentWidget(shown_tab)
            settle(1)
            browser = shown_tab.findChild(QTextBrowser)
            if browser is not None and browser.find("block legal/bill-info"):
                # the words the reviewer is asked about: the block's text, old and new, on top
                cursor = browser.textCursor()
                layout = browser.document().documentLayout()
                top = layout.blockBoundingRect(cursor.block()).top()
                cursor.clearSelection()
                browser.setTextCursor(cursor)
                settle(0.5)
                browser.verticalScrollBar().setValue(int(top) - 8)
            settle(1.5)
            shoot(f"review-bill-info-compare-{channel}.png", dialog)
        dialog.close()
    window.session.close()
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "tour"))
