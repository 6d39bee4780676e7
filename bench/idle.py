"""The studio left alone: CPU over 20 s idle, and how long quitting takes.

    QT_QPA_PLATFORM=offscreen python3 bench/idle.py [--seconds 20] [--source DIR] [--json-out F]

For the sample project and a generated 1,000-block project (bench/run.py's generator, as a git
repository), a fresh interpreter opens the project in the real window with the Changes dock
showing, waits until the first renders and validation are done and two more seconds have
passed, then lets the event loop run untouched for `--seconds`. The number is the CPU time
(user + system) used meanwhile by the studio's process and all its children (render workers,
QtWebEngine's processes), from psutil. Then it quits (window.close() and the end of the
event loop) and that time is reported too. `--source` runs another checkout's `studio` package
with this interpreter (to measure the code before a change).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
import git
import psutil
from PySide6.QtCore import QEventLoop, QSettings, QStandardPaths, QTimer
from studio.gui.app import create_application
from studio.gui.main_window import MainWindow

project, seconds, settings = sys.argv[1], float(sys.argv[2]), sys.argv[3]
git_calls = [0]  # every git command GitPython runs in the studio's process, counted
_execute = git.cmd.Git.execute
def counted_execute(self, *args, **kwargs):
    git_calls[0] += 1
    return _execute(self, *args, **kwargs)
git.cmd.Git.execute = counted_execute
QStandardPaths.setTestModeEnabled(True)
app = create_application()
window = MainWindow(settings=QSettings(settings, QSettings.Format.IniFormat))
window.resize(1600, 960)
window.show()
started = time.perf_counter()
window.open_project(project)
window.changes_dock.show()
window.changes_dock.raise_()
window.open_file(sorted(window.session.project.blocks.values(), key=lambda b: b.path)[0].path)

def pump(seconds, until=lambda: False):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not until():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

pump(120, lambda: not window.session.service.busy() and not window.review.is_busy()
     and all(p.rendition is not None for c, p in window.previews.items()
             if c in window.session.channels()))
ready_s = time.perf_counter() - started
pump(2.0)

me = psutil.Process()
def cpu_by_process():
    found = {}
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
            name = "studio" if process is me else " ".join(process.cmdline())[-60:]
            found[process.pid] = (name, times.user + times.system,
                                  times.children_user + times.children_system)
        except psutil.Error:
            continue
    return found

def idle_cpu_since(start):
    # Per process, what it used since START.
    end = cpu_by_process()
    total, gone, busy = 0.0, sorted(set(start) - set(end)), {}
    for pid, (name, own, reaped) in end.items():
        _, own0, reaped0 = start.get(pid, (name, 0.0, 0.0))
        used = own - own0
        total += used + (reaped - reaped0)
        if used >= 0.05:
            busy[f"{name} {pid}" + (" (new)" if pid not in start else "")] = round(used, 2)
    # A process that ended meanwhile comes back whole in its parent's children_* times (all
    # its life, not only the idle part): what it had used before the idle period goes out.
    for pid in gone:
        _, own0, reaped0 = start[pid]
        total -= own0 + reaped0
    return total, [start[pid][0] for pid in gone], busy

# (getattr: --source may be a checkout from before these counters existed)
watcher_before = getattr(window.watcher, "emitted", 0)
git_before = git_calls[0]
before, wall = cpu_by_process(), time.perf_counter()
QTimer.singleShot(int(seconds * 1000), app.quit)
app.exec()
idle_wall = time.perf_counter() - wall
idle_cpu, gone, busy = idle_cpu_since(before)
quit_started = time.perf_counter()
window.close()
app.processEvents()
quit_s = time.perf_counter() - quit_started
print(json.dumps({"ready_s": round(ready_s, 2), "idle_wall_s": round(idle_wall, 2),
                  "idle_cpu_s": round(idle_cpu, 3), "processes": len(before),
                  "ended_while_idle": gone, "busiest": busy,
                  "watcher_reports": getattr(window.watcher, "emitted", 0) - watcher_before,
                  "git_commands": git_calls[0] - git_before,
                  "quit_s": round(quit_s, 3)}), flush=True)
"""


def big_project(folder: Path) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from run import generate_big_project

    root = folder / "big"
    generate_big_project(root, 1000)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Generated"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    return root


def sample_project(folder: Path) -> Path:
    import shutil

    root = folder / "lumen"
    shutil.copytree(REPO / "sample_projects" / "lumen-energia", root,
                    ignore=shutil.ignore_patterns("__init__.py"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Sample"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    return root


def measure(project: Path, seconds: float, source: Path, folder: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(project), str(seconds),
                          str(folder / "idle.ini")], capture_output=True, text=True, env=env,
                         cwd=source, timeout=600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the studio did not report:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--source", type=Path, default=REPO)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in (("sample", sample_project), ("big_1000_blocks", big_project)):
            project = make(folder)
            print(f"[idle] {name}: {args.seconds:.0f} s idle…", file=sys.stderr, flush=True)
            results[name] = measure(project, args.seconds, args.source.resolve(), folder)
            print(f"[idle] {name}: {results[name]}", file=sys.stderr, flush=True)
    report = {"seconds": args.seconds, "source": str(args.source), "results": results}
    text = json.dumps(report, indent=2)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
