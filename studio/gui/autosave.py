"""Autosave of unsaved buffers, outside the project, and their recovery after a crash.

Each window has its own slot (a folder named after its lock id), so two windows on one project
never overwrite each other's autosaves, and a slot is offered back only when its window is gone
(its lock is stale). Each record keeps the digest of the file on disk the text was typed over,
so a recovered buffer knows whether the file has changed since, and saving it asks first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from studio.core.files import write_atomic
from studio.core.lock import LockOwner, ProjectLock


@dataclass(frozen=True)
class Recovered:
    """Unsaved text a window that is gone left behind."""

    path: str  # project-relative
    text: str
    based_on: str | None  # digest of the disk version it was typed over (None: unknown)
    file: Path  # the autosave record


def default_base() -> Path:
    location = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(location or Path.home() / ".local" / "share" / "missiva") / "autosave"


class AutosaveStore:
    """One folder per project under the user's data folder; in it one slot per window, and
    one file per unsaved buffer.

    Never inside the project: a project is a git repository, and autosaves are not history.
    """

    def __init__(self, project_root: Path, base: Path | None = None) -> None:
        base = base or default_base()
        key = hashlib.sha256(str(project_root.resolve()).encode()).hexdigest()[:16]
        self.project_folder = base / key
        self.root = project_root
        self.lock = ProjectLock(self.project_folder / "windows")
        self.folder = self.project_folder / self.lock.me.id

    def open(self) -> list[LockOwner]:
        """Claim this window's slot; the other live windows on the project."""
        return self.lock.acquire()

    def close(self) -> None:
        """The window closes cleanly: its slot (empty by now, or discarded) and lock go."""
        with contextlib.suppress(OSError):
            if self.folder.is_dir() and not any(self.folder.iterdir()):
                self.folder.rmdir()
        self.lock.release()

    def _file(self, rel: str, kind: str = "") -> Path:
        return self.folder / (hashlib.sha256(rel.encode()).hexdigest()[:24] + kind + ".json")

    def save(self, rel: str, text: str, based_on: str | None, *, kind: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {"path": rel, "text": text, "based_on": based_on, "time": time.time()}
        write_atomic(self._file(rel, kind), json.dumps(record, ensure_ascii=False))

    def keep(self, rel: str, text: str, based_on: str | None) -> None:
        """Text the author set aside (took the disk version instead): a record of its own,
        which autosaving or saving the file later does not replace; offered back like any
        other once this window is gone, unless the file then holds the same text."""
        self.save(rel, text, based_on, kind=".kept")

    def discard(self, rel: str) -> None:
        self._file(rel).unlink(missing_ok=True)

    def forget(self, found: Recovered) -> None:
        found.file.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            found.file.parent.rmdir()  # the slot of a gone window, once empty

    def recoverable(self) -> dict[str, Recovered]:
        """Autosaved buffers of windows that are gone, that differ from the file on disk (what
        a crash would lose). Live windows' slots, this one's included, are theirs."""
        found: dict[str, Recovered] = {}
        if not self.project_folder.is_dir():
            return found
        live = self.lock.live_ids()
        files = sorted(self.project_folder.glob("*.json"))  # before slots existed
        for slot in sorted(self.project_folder.iterdir()):
            if slot.is_dir() and slot.name != "windows" and slot.name not in live:
                files += sorted(slot.glob("*.json"))
        def written(file: Path) -> float:
            try:
                return file.stat().st_mtime
            except OSError:  # forgotten meanwhile by another window
                return 0.0

        for file in sorted(files, key=written):
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
                rel, text = str(record["path"]), str(record["text"])
                based_on = record.get("based_on")
            except (OSError, ValueError, KeyError, TypeError):
                continue
            try:
                current = (self.root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            recovered = Recovered(rel, text, str(based_on) if based_on else None, file)
            if current != text:
                found[rel] = recovered  # the newest record of a file wins
            else:
                self.forget(recovered)
        return found
