"""Autosave of unsaved buffers, outside the project, and their recovery after a crash."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from studio.gui.session import write_atomic


class AutosaveStore:
    """One folder per project under the user's data folder; one file per unsaved buffer.

    Never inside the project: a project is a git repository, and autosaves are not history.
    """

    def __init__(self, project_root: Path, base: Path | None = None) -> None:
        if base is None:
            location = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.AppLocalDataLocation)
            base = Path(location or Path.home() / ".local" / "share" / "missiva") / "autosave"
        key = hashlib.sha256(str(project_root.resolve()).encode()).hexdigest()[:16]
        self.folder = base / key
        self.root = project_root

    def _file(self, rel: str) -> Path:
        return self.folder / (hashlib.sha256(rel.encode()).hexdigest()[:24] + ".json")

    def save(self, rel: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {"path": rel, "text": text, "time": time.time()}
        write_atomic(self._file(rel), json.dumps(record, ensure_ascii=False))

    def discard(self, rel: str) -> None:
        self._file(rel).unlink(missing_ok=True)

    def recoverable(self) -> dict[str, str]:
        """Autosaved buffers that differ from the file on disk (what a crash would lose)."""
        found: dict[str, str] = {}
        if not self.folder.is_dir():
            return found
        for file in sorted(self.folder.glob("*.json")):
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
                rel, text = str(record["path"]), str(record["text"])
            except (OSError, ValueError, KeyError):
                continue
            on_disk = self.root / rel
            try:
                current = on_disk.read_text(encoding="utf-8")
            except OSError:
                current = None
            if current != text:
                found[rel] = text
            else:
                file.unlink(missing_ok=True)
        return found
