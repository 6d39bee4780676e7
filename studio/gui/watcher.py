"""Files changed on disk (another editor, a git checkout), told to the GUI thread, coalesced.

One save by an editor is often several events (a temporary file, a rename, a modify): events
are collected for a short quiet period and handed over once, as a set of relative paths.
"""

from __future__ import annotations

import queue
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_MS = 200
IGNORED_PARTS = {".git", "__pycache__", ".missiva"}


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: ProjectWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.watcher._post(str(raw))


class ProjectWatcher(QObject):
    changed = Signal(list)  # relative paths, once per quiet period

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root: Path | None = None
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._inbox: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._collected: set[str] = set()
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._quiet.timeout.connect(self._flush)
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    _wake = Signal()  # no arguments cross threads: the paths wait in the inbox

    def watch(self, root: Path) -> None:
        self.stop()
        self._root = root.resolve()
        observer = Observer()
        observer.schedule(_Handler(self), str(self._root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def _post(self, path: str) -> None:
        self._inbox.put(path)
        self._wake.emit()

    def _drain(self) -> None:
        while True:
            try:
                raw = self._inbox.get_nowait()
            except queue.Empty:
                break
            rel = self._relative(raw)
            if rel is not None:
                self._collected.add(rel)
        if self._collected:
            self._quiet.start()

    def _relative(self, raw: str) -> str | None:
        if self._root is None:
            return None
        try:
            rel = Path(raw).resolve().relative_to(self._root)
        except (ValueError, OSError):
            return None
        if IGNORED_PARTS & set(rel.parts) or rel.name.startswith(".") or rel.name.endswith("~"):
            return None
        return rel.as_posix()

    def _flush(self) -> None:
        paths, self._collected = sorted(self._collected), set()
        self.changed.emit(paths)

    def stop(self) -> None:
        self._quiet.stop()
        self._collected.clear()
        self._root = None  # events still in flight are dropped
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
            self._observer = None
