"""Studio latency in the real window: keystroke to preview per channel, GUI-thread stalls, and
how long the window takes to open.

    QT_QPA_PLATFORM=offscreen python3 bench/gui.py [--edits 30] [--json-out FILE]

An "edit" replaces a word in a block's editor, as typing does (the editor's `edited` signal).
For each channel the time is measured from the edit to the moment the preview widget has been
given the new rendition, and also from the moment the render was dispatched (after the typing
pause), so the pause and the render are told apart. Meanwhile a 5 ms timer on the GUI thread
records the longest gap between its ticks: how long the window ever stopped responding.
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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_open() -> dict[str, float]:
    """Process start to a shown window with the project loaded, in a fresh interpreter."""
    sample = str(REPO / "sample_projects" / "lumen-energia")
    code = (
        "import time; t0=time.perf_counter()\n"
        "from PySide6.QtCore import QSettings\n"
        "from studio.gui.app import create_application\n"
        "from studio.gui.main_window import MainWindow\n"
        "app=create_application(); w=MainWindow(settings=QSettings('/tmp/bench-open.ini', "
        f"QSettings.Format.IniFormat)); w.show(); w.open_project({sample!r}); "
        "app.processEvents()\n"
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
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QStandardPaths, QTimer

    from studio.gui.app import create_application
    from studio.gui.main_window import MainWindow

    # The bench's edits must not land in the user's autosaves (nor be offered back later).
    QStandardPaths.setTestModeEnabled(True)
    app = create_application()
    window = MainWindow(settings=QSettings("/tmp/bench-gui.ini", QSettings.Format.IniFormat))
    window.session.service.warm_up()
    window.resize(1800, 1000)
    window.show()
    shown: dict[str, float] = {}
    dispatched: dict[str, float] = {}

    for channel, pane in window.previews.items():
        original = pane.show_rendition

        def patched(rendition, elapsed_ms=None, _c=channel, _o=original):
            _o(rendition, elapsed_ms)
            shown[_c] = time.perf_counter()

        pane.show_rendition = patched  # type: ignore[method-assign]
    window.session.renderStarted.connect(lambda c: dispatched.__setitem__(c, time.perf_counter()))

    def pump(condition, timeout=60.0):
        end = time.perf_counter() + timeout
        while not condition() and time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return condition()

    results = {}
    cases = (("payment-reminder", "blocks/reminder/notice.md", ("print", "email", "sms")),
             ("bill", "blocks/billing/summary.md", ("print", "email", "mobile")))
    window.open_project(REPO / "sample_projects" / "lumen-energia")
    stall = {"max": 0.0}
    clock = QElapsedTimer()
    clock.start()
    ticker = QTimer()
    ticker.setInterval(5)

    def tick():
        gap = clock.restart()
        stall["max"] = max(stall["max"], gap)

    ticker.timeout.connect(tick)
    for template, block, channels in cases:
        window.session.select(template=template, sample="typical", locale="it")
        pump(lambda ch=channels: all(c in shown for c in ch))
        tab = window.open_file(block)
        base = tab.editor.text()
        # warm: one edit whose results we do not count
        samples: dict[str, list[float]] = {c: [] for c in channels}
        render_only: dict[str, list[float]] = {c: [] for c in channels}
        ticker.start()
        clock.restart()
        stall["max"] = 0.0
        for i in range(args.edits + 1):
            shown.clear()
            dispatched.clear()
            marker = f"Prova{i} "
            text = base.replace("\n---\n", f"\n---\n{marker}", 1)
            started = time.perf_counter()
            tab.editor.set_text(text)
            tab.editor.edited.emit()
            pump(lambda ch=channels: all(c in shown for c in ch), timeout=20)
            if i == 0:
                continue
            for c in channels:
                if c in shown:
                    samples[c].append((shown[c] - started) * 1000)
                    if c in dispatched:
                        render_only[c].append((shown[c] - dispatched[c]) * 1000)
        ticker.stop()
        window.session.drop_buffer(block)
        for c in channels:
            key = f"{template}/{c}"
            results[key] = {
                "edit_to_preview_p50_ms": round(statistics.median(samples[c]), 1),
                "edit_to_preview_p95_ms": round(percentile(samples[c], 0.95), 1),
                "dispatch_to_preview_p50_ms": round(statistics.median(render_only[c]), 1),
                "dispatch_to_preview_p95_ms": round(percentile(render_only[c], 0.95), 1),
                "n": len(samples[c]),
            }
        results[f"{template}/gui_thread_longest_stall_ms"] = stall["max"]
    window.session.buffers.clear()
    if window.autosave is not None:
        for rel in list(window.autosave.recoverable()):
            window.autosave.discard(rel)
    window.close()
    report = {"edits": args.edits, "latency": results, "open": measure_open(),
              "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(f"{'case':38} {'p50':>8} {'p95':>8} {'render p50':>11} {'render p95':>11}")
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"{key:38} {value['edit_to_preview_p50_ms']:8.1f} "
                  f"{value['edit_to_preview_p95_ms']:8.1f} "
                  f"{value['dispatch_to_preview_p50_ms']:11.1f} "
                  f"{value['dispatch_to_preview_p95_ms']:11.1f}")
        else:
            print(f"{key:38} {value:8.1f} ms")
    print(f"window open: {report['open']}")
    print(json.dumps(report))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
