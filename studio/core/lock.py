"""Who has a project open: one small file per studio window, with its process id and host.

A second window (or a second studio) on the same project reads the others' files to say so;
a file whose process is gone (same host, no such process, or a process started after the file
was written: its id was reused) is stale and is removed. Nothing here blocks anyone: the lock
tells, it does not forbid, and each window keeps its own autosave slot under its id.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil

from studio.core.files import write_atomic


@dataclass(frozen=True)
class LockOwner:
    """One window holding a project open."""

    id: str
    pid: int
    host: str
    since: float  # time.time() when it opened the project

    def alive(self) -> bool:
        """Whether the owner may still be running (another host cannot be asked: yes)."""
        if self.host != socket.gethostname():
            return True
        return process_alive(self.pid, self.since)

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def process_alive(pid: int, since: float | None = None) -> bool:
    """Whether PID runs, and (given SINCE) was started before SINCE, so it is the same one."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        started = process.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.AccessDenied:
        return True
    return since is None or started <= since + 1.0


class ProjectLock:
    """This window's claim on a project, kept in FOLDER (one file per owner)."""

    def __init__(self, folder: Path, owner_id: str | None = None) -> None:
        self.folder = Path(folder)
        self.me = LockOwner(owner_id or uuid.uuid4().hex[:12], os.getpid(),
                            socket.gethostname(), time.time())

    def _file(self, owner_id: str) -> Path:
        return self.folder / f"{owner_id}.lock"

    def owners(self) -> list[LockOwner]:
        """Every live owner but this one; stale files are removed on the way."""
        found: list[LockOwner] = []
        if not self.folder.is_dir():
            return found
        for file in sorted(self.folder.glob("*.lock")):
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                owner = LockOwner(str(data["id"]), int(data["pid"]), str(data["host"]),
                                  float(data["since"]))
            except (OSError, ValueError, KeyError, TypeError):
                file.unlink(missing_ok=True)  # half written by a killed process: nobody's
                continue
            if owner.id == self.me.id:
                continue
            if owner.alive():
                found.append(owner)
            else:
                file.unlink(missing_ok=True)
        return found

    def acquire(self) -> list[LockOwner]:
        """Record this owner; return the others that hold the project open."""
        others = self.owners()
        record = {"id": self.me.id, "pid": self.me.pid, "host": self.me.host,
                  "since": self.me.since}
        write_atomic(self._file(self.me.id), json.dumps(record))
        return others

    def live_ids(self) -> set[str]:
        """The ids of every live owner, this one included."""
        return {o.id for o in self.owners()} | {self.me.id}

    def release(self) -> None:
        self._file(self.me.id).unlink(missing_ok=True)
