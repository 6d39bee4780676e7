"""Studio latency as the author sees it: a key pressed in the editor of a real window, to the
moment the changed preview is painted, per channel; GUI-thread stalls; how long the window
takes to open.

    xvfb-run -a python3 bench/gui.py [--edits 30] [--json-out FILE]     # a real X11 window
    QT_QPA_PLATFORM=offscreen python3 bench/gui.py                      # no X server at hand

Each edit is a real key event (QTest.keyClick: an x typed first, not counted, then a y typed
and taken back with Backspace on the next edit, so the text is never the saved one again) in
the block's editor. A preview counts when it is painted:
- SMS: the bubble's first paint after the rendition reached the pane;
- email and mobile: the page finished loading (or its body was patched), then the web view's
  first paint after that;
- print: the first paint of the PDF view after which its viewport shows the page's ink
  (QPdfView renders pages in the background and paints blank pages until then). While the
  author types, print is a draft (the pages through the edited one laid out, the later ones
  from the last whole letter, core/channels/draft.py): the bench's keys come 150 ms after
  the paint, before the whole letter would follow (`--settle-ms 700` measures a key that
  comes while the whole letter is being laid out).
Only channels the edit actually sent to render are waited for (an SMS variant edit renders no
PDF). A 5 ms timer on the GUI thread records the longest gap between its ticks.

Live checks (issue 21): `--checks off` turns them off (MISSIVA_LIVE_CHECKS=0); `--checks on`
with `--settle-ms 2000` leaves, after each edit, time for the check of the preview (it starts
1.2 s after the last rendition) to be running when the next key comes: the keystroke → paint
figures then show what a check in flight costs the next preview. The report counts the checks
that finished and how long after the paint their findings arrived.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SETTLE_MS = 150  # between edits: the author's next key comes after a look at the preview
# (template, block, where to type: after this text in the file)
CASES = (
    ("payment-reminder", "blocks/reminder/notice.md", "\n---\n"),  # the body: print, email
    ("payment-reminder", "blocks/reminder/notice.md", 'sms: "'),  # its SMS wording
    ("bill", "blocks/billing/summary.md", "\n---\n"),  # print, email, mobile
)
TARGETS_MS = {"sms": 100, "email": 150, "mobile": 150, "print": 400}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_open() -> dict[str, float]:
    """Process start to a shown window with the project loaded, in a fresh interpreter."""
    sample = str(REPO / "sample_projects" / "lumen-energia")
    code = (
        "import time; t0=time.perf_counter()\n"
        "import gc; gc.disable()  # as `missiva open` starts\n"
        "from studio.core.jobs import start_worker_server; start_worker_server()\n"
        "from PySide6.QtCore import QSettings\n"
        "from studio.gui.app import create_application, freeze_what_lives_on\n"
        "from studio.gui.main_window import MainWindow\n"
        "app=create_application(); w=MainWindow(settings=QSettings('/tmp/bench-open.ini', "
        f"QSettings.Format.IniFormat)); w.show(); w.open_project({sample!r}); "
        "freeze_what_lives_on(); app.processEvents()\n"
        "import sys; print(time.time(), time.perf_counter()-t0, flush=True)\n"
        "w.session.close()\n"
    )
    runs = []
    for _ in range(3):
        # Wall clock at the start and when the child has its window: the child's own exit
        # (worker processes, QtWebEngine teardown) is not part of opening.
        started = time.time()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=REPO, timeout=120)
        shown_at, inside = map(float, out.stdout.strip().splitlines()[-1].split())
        runs.append((shown_at - started, inside))
    return {"process_to_window_s": statistics.median(r[0] for r in runs),
            "imports_to_window_s": statistics.median(r[1] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--json-out")
    parser.add_argument("--checks", choices=("on", "off"), default="on",
                        help="the studio's live checks after each preview (default on)")
    parser.add_argument("--settle-ms", type=int, default=SETTLE_MS,
                        help=f"pause after each edit's paint (default {SETTLE_MS})")
    parser.add_argument("--skip-open", action="store_true", help="do not time window opening")
    parser.add_argument("--editor", choices=("source", "visual"), default="source",
                        help="type in the block's source editor or its visual editor (the "
                        "body only: a front-matter SMS wording is not in the visual view)")
    args = parser.parse_args()
    if args.checks == "off":
        os.environ["MISSIVA_LIVE_CHECKS"] = "0"
    else:
        os.environ.pop("MISSIVA_LIVE_CHECKS", None)

    from studio.core.jobs import start_worker_server

    start_worker_server()  # as `missiva open` does, before Qt
    from PySide6.QtCore import (
        QElapsedTimer,
        QEvent,
        QEventLoop,
        QObject,
        QSettings,
        QStandardPaths,
        Qt,
        QTimer,
    )
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    from studio.gui.app import create_application, freeze_what_lives_on
    from studio.gui.main_window import MainWindow

    # The bench's edits must not land in the user's autosaves (nor be offered back later).
    QStandardPaths.setTestModeEnabled(True)
    # A copy of the sample, settings and autosaves of its own: an earlier run's leftovers (a
    # recovery question, a project lock) must not stand between the bench and the window.
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="missiva-bench-gui-"))
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")
    sample = scratch / "lumen-energia"
    shutil.copytree(REPO / "sample_projects" / "lumen-energia", sample)
    app = create_application()
    window = MainWindow(settings=QSettings(str(scratch / "studio.ini"), QSettings.Format.IniFormat))
    window.session.service.warm_up()
    window.resize(1600, 1000)
    window.show()

    handed: dict[str, float] = {}  # channel -> when the pane was given a changed rendition
    shown_content: dict[str, bytes] = {}  # what each pane shows: an unchanged one paints nothing
    loaded: dict[str, float] = {}  # web channels -> when the page (or its body) was in
    painted: dict[str, float] = {}  # channel -> when it was painted, as counted above
    dispatched: set[str] = set()
    unchanged: set[str] = set()  # rendered again, the same bytes: nothing new to see
    grabbing = {"now": False}

    bench_ms = {"since_tick": 0.0}  # the bench's own GUI-thread work: not the studio's stall

    def ink(widget) -> bool:
        grabbing["now"] = True
        began = time.perf_counter()
        try:
            image = widget.grab().toImage().scaled(120, 160)
            dark = 0
            for y in range(0, image.height(), 2):
                for x in range(0, image.width(), 2):
                    if image.pixelColor(x, y).lightness() < 100:
                        dark += 1
            return dark > 5
        finally:
            grabbing["now"] = False
            bench_ms["since_tick"] += (time.perf_counter() - began) * 1000

    class PaintClock(QObject):
        """Notes when a channel's visible widget is painted, by the rules in the docstring."""

        def __init__(self, channel: str, widget) -> None:
            super().__init__(widget)
            self.channel, self.widget = channel, widget
            widget.installEventFilter(self)

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() != QEvent.Type.Paint or grabbing["now"]:
                return False
            c = self.channel
            if c in painted or c not in handed:
                return False
            if c in ("email", "mobile") and c not in loaded:
                return False
            now = time.perf_counter()
            if c == "print":
                QTimer.singleShot(0, lambda: ink(self.widget) and painted.setdefault(c, now))
            else:
                painted[c] = now
            return False

    clocks = []
    web_views: dict[object, str] = {}
    for channel, pane in window.previews.items():
        original = pane.show_rendition

        def patched(rendition, elapsed_ms=None, _c=channel, _o=original):
            if elapsed_ms is not None:
                worker_ms[_c] = elapsed_ms
            _o(rendition, elapsed_ms)
            if shown_content.get(_c) != rendition.content:
                handed[_c] = time.perf_counter()
            else:
                unchanged.add(_c)
            shown_content[_c] = rendition.content

        pane.show_rendition = patched  # type: ignore[method-assign]
        if channel in ("email", "mobile"):
            pane.htmlLoaded.connect(
                lambda _ok, _c=channel: loaded.__setitem__(_c, time.perf_counter()))
            web_views[pane.view()] = channel
        elif channel == "print":
            clocks.append(PaintClock(channel, pane.findChild(QObject, "pdfView").viewport()))
        else:
            clocks.append(PaintClock(channel, pane.findChild(QObject, "smsBubble")))

    def watch_web_views() -> None:
        """Chromium's frames reach the screen through widgets Qt makes inside the web view
        once a page is loaded: watch every one of them."""
        for view, c in web_views.items():
            for widget in [view, *view.findChildren(QWidget)]:
                if not any(clock.widget is widget for clock in clocks):
                    clocks.append(PaintClock(c, widget))
    window.session.renderStarted.connect(dispatched.add)
    submitted: dict[str, float] = {}  # channel -> when its job went to a worker
    worker_ms: dict[str, float] = {}  # channel -> the worker's own time for the job
    window.session.renderStarted.connect(
        lambda c: submitted.__setitem__(c, time.perf_counter()))
    checked: list[float] = []  # ms from a channel's last paint to its check's findings
    last_paint: dict[str, float] = {}
    original_checked = window.checks._on_checked

    def on_checked(channel, result, _o=original_checked):
        _o(channel, result)
        if os.environ.get("BENCH_DEBUG"):
            print("checked", channel, sorted(last_paint))
        if channel in last_paint:
            checked.append((time.perf_counter() - last_paint[channel]) * 1000)

    window.checks._on_checked = on_checked  # type: ignore[method-assign]

    def pump(condition, timeout=60.0):
        """Run the event loop until CONDITION holds (looked at every 5 ms) or TIMEOUT s pass.
        The loop sleeps between events: a processEvents() spin would take a core of this
        2-core machine from the render workers and make every figure worse than it is."""
        if condition():
            return True
        end = time.perf_counter() + timeout
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(
            lambda: (condition() or time.perf_counter() >= end) and loop.quit())
        poll.start()
        loop.exec()
        poll.stop()
        return condition()

    results: dict[str, object] = {}
    window.open_project(sample)
    freeze_what_lives_on()  # as `missiva open` does once its window is up
    stall = {"max": 0.0}
    clock = QElapsedTimer()
    clock.start()
    ticker = QTimer()
    ticker.setInterval(5)

    def tick():
        stall["max"] = max(stall["max"], clock.restart() - bench_ms["since_tick"])
        bench_ms["since_tick"] = 0.0

    ticker.timeout.connect(tick)
    if args.checks == "on":  # a session whose checks worker and axe child are up already
        window.session.select(template=CASES[0][0], sample="typical", locale="it")
        pump(lambda: window.checks.check("email") is not None, timeout=120)
    for template, block, anchor in CASES:
        window.session.select(template=template, sample="typical", locale="it")
        channels = tuple(window.session.channels())
        pump(lambda ch=channels: all(c in shown_content for c in ch))
        watch_web_views()
        if args.editor == "visual" and "sms" in anchor:
            continue
        tab = window.open_file(block)
        if args.editor == "visual":
            typed_in = tab.views.visual  # the keystroke goes through the rich text and back
            tab.views.show_visual()
            typed_in.setFocus()
            cursor = typed_in.textCursor()
            cursor.setPosition(0)  # the body's first paragraph
            typed_in.setTextCursor(cursor)
        else:
            typed_in = tab.editor
            tab.views.show_source()  # the author types in the view they see
            tab.editor.setFocus()
            text = tab.editor.toPlainText()
            cursor = tab.editor.textCursor()
            cursor.setPosition(text.index(anchor) + len(anchor))
            tab.editor.setTextCursor(cursor)
        pump(lambda: False, timeout=1.0)
        samples: dict[str, list[float]] = {c: [] for c in channels}
        ticker.start()
        clock.restart()
        stall["max"] = 0.0
        for i in range(args.edits + 1):  # the first edit warms up and is not counted
            for d in (handed, loaded, painted, submitted, worker_ms):
                d.clear()
            dispatched.clear()
            unchanged.clear()
            watch_web_views()  # a full page load may give the view new inner widgets
            # x (the warm-up), then y and Backspace in turn: the text never goes back to the
            # saved one, as an author's typing does not (the studio renders an edit typed back
            # to the saved text as a whole letter, not as a draft of the edited pages).
            key = (Qt.Key.Key_X if i == 0 else
                   Qt.Key.Key_Y if i % 2 else Qt.Key.Key_Backspace)
            started = time.perf_counter()
            QTest.keyClick(typed_in, key)
            pump(lambda: bool(dispatched) and all(c in painted or c in unchanged
                                                  for c in dispatched), timeout=10)
            if os.environ.get("BENCH_DEBUG"):
                # per channel: submitted, worker's own ms, handed, loaded, painted (ms from key)
                print(i, {c: (*(round((d[c] - started) * 1000) if c in d else None
                                for d in (submitted,)), round(worker_ms.get(c, -1)),
                              *(round((d[c] - started) * 1000) if c in d else None
                                for d in (handed, loaded, painted))) for c in dispatched})
            last_paint.update(painted)
            if i:
                for c in dispatched - unchanged:
                    if c in painted:
                        samples[c].append((painted[c] - started) * 1000)
            pump(lambda: False, timeout=args.settle_ms / 1000)
        ticker.stop()
        window.session.drop_buffer(block)
        for c in channels:
            if not samples[c]:
                continue
            results[f"{block.split('/')[-1]} {'sms: wording' if 'sms' in anchor else 'body'}"
                    f" → {c}"] = {
                "key_to_paint_p50_ms": round(statistics.median(samples[c]), 1),
                "key_to_paint_p95_ms": round(percentile(samples[c], 0.95), 1),
                "target_p95_ms": TARGETS_MS[c],
                "n": len(samples[c]),
            }
        results[f"{template} ({'sms' if 'sms' in anchor else 'body'}): longest GUI stall"] = \
            stall["max"]
    window.session.buffers.clear()
    if window.autosave is not None:
        for rel in list(window.autosave.recoverable()):
            window.autosave.discard(rel)
    window.close()
    if checked:
        results["live checks: findings after the paint (p50/p95 ms, n)"] = (
            f"{statistics.median(checked):.0f} / {percentile(checked, 0.95):.0f}, "
            f"{len(checked)}")
    report = {"edits": args.edits, "checks": args.checks, "editor": args.editor,
              "settle_ms": args.settle_ms,
              "latency": results, "open": {} if args.skip_open else measure_open(),
              "platform": app.platformName(), "cpus": os.cpu_count(),
              "python": sys.version.split()[0]}
    print(f"{'case':40} {'p50':>8} {'p95':>8} {'target':>7}  "
          f"(key to paint, ms; {app.platformName()})")
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"{key:40} {value['key_to_paint_p50_ms']:8.1f} "
                  f"{value['key_to_paint_p95_ms']:8.1f} {value['target_p95_ms']:7}")
        elif isinstance(value, str):
            print(f"{key:40} {value}")
        else:
            print(f"{key:40} {value:8.1f} ms")
    print(f"window open: {report['open']}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
