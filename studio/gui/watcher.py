"""Files changed on disk (another editor, a git checkout), told to the GUI thread, coalesced.

Only content changes count: a file created, modified, moved or deleted. Reads (open, close
without writing) are not even asked of the operating system, so the studio's own reads of the
project never wake it. One save by an editor is often several events (a temporary file, a
rename, a modify): events are collected for a short quiet period and handed over once, as a set
of relative paths. Temporary files (ours and other editors'), `.git` and caches are dropped on
the watchdog thread, before they cost the GUI thread anything; a file the studio wrote itself is
dropped when its content is still what the studio wrote (`expect`).
"""

from __future__ import annotations

import hashlib
import queue
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

QUIET_MS = 200
IGNORED_PARTS = {".git", "__pycache__", ".missiva"}
CONTENT_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent]
_CONTENT_KINDS = {"created", "modified", "moved", "deleted"}


def is_temporary(name: str) -> bool:
    """Names editors and the studio write before renaming (or leave behind): never content."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".tmp", ".swp", ".swx"))
            or name == "4913")  # vim probes a folder's permissions with this name


def relative_content_path(root: Path, raw: str) -> str | None:
    """RAW relative to ROOT as posix, or None when it is not project content."""
    try:
        rel = Path(raw).relative_to(root)
    except ValueError:
        return None
    if IGNORED_PARTS & set(rel.parts) or is_temporary(rel.name):
        return None
    return rel.as_posix()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: ProjectWatcher, root: Path) -> None:
        self.watcher = watcher
        self.root = root

    def on_any_event(self, event: FileSystemEvent) -> None:
        # On the watchdog thread: filter here, so .git churn never wakes the GUI thread.
        if event.is_directory or event.event_type not in _CONTENT_KINDS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                rel = relative_content_path(self.root, str(raw))
                if rel is not None:
                    self.watcher._post(self.root, rel)


class ProjectWatcher(QObject):
    changed = Signal(list)  # relative paths, once per quiet period

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root: Path | None = None
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._inbox: queue.SimpleQueue[tuple[Path, str]] = queue.SimpleQueue()
        self._collected: set[str] = set()
        self._expected: dict[str, str | None] = {}  # rel -> digest of what we wrote (None: deleted)
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._quiet.timeout.connect(self._flush)
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self.emitted = 0  # how many times `changed` fired (what an idle studio must keep at 0)

    _wake = Signal()  # no arguments cross threads: the paths wait in the inbox

    def watch(self, root: Path) -> None:
        self.stop()
        # The real path: inotify reports paths under the folder as it was scheduled.
        self._root = root.resolve()
        observer = Observer()
        handler = _Handler(self, self._root)
        try:  # the OS is not even asked about reads (inotify's mask)
            observer.schedule(handler, str(self._root), recursive=True,
                              event_filter=CONTENT_EVENTS)
        except TypeError:  # an older watchdog: the handler drops them instead
            observer.schedule(handler, str(self._root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def expect(self, rel: str, data: bytes | str | None) -> None:
        """The studio is about to write DATA to REL (None: delete it): when the events come
        back and the file still holds exactly that, they are ours and not reported."""
        if data is None:
            self._expected[rel] = None
            return
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self._expected[rel] = hashlib.sha256(payload).hexdigest()

    def _post(self, root: Path, rel: str) -> None:
        self._inbox.put((root, rel))
        self._wake.emit()

    def _drain(self) -> None:
        while True:
            try:
                root, rel = self._inbox.get_nowait()
            except queue.Empty:
                break
            if root == self._root:  # events of a previous project are dropped
                self._collected.add(rel)
        if self._collected:
            self._quiet.start()

    def _ours(self, rel: str) -> bool:
        if rel not in self._expected or self._root is None:
            return False
        expected = self._expected.pop(rel)
        path = self._root / rel
        try:
            now = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        except OSError:
            return False
        return now == expected

    def _flush(self) -> None:
        paths = sorted(rel for rel in self._collected if not self._ours(rel))
        self._collected = set()
        if paths:
            self.emitted += 1
            self.changed.emit(paths)

    def stop(self) -> None:
        self._quiet.stop()
        self._collected.clear()
        self._expected.clear()
        self._root = None  # events still in flight are dropped
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=1)
            self._observer = None
