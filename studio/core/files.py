"""Writing files so that a crash leaves the old content or the new, never half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import threading
from pathlib import Path

# .<name>.<pid>-<thread>.tmp: what write_atomic leaves behind when it is killed mid-write.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-(?P<thread>\d+)\.tmp$")


class ReadOnlyError(PermissionError):
    """The file is marked read-only: the studio does not replace it."""


def is_read_only(path: Path) -> bool:
    """Whether PATH exists and nobody may write it (its mode, not who we are: root included)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Replace PATH with DATA (text is written as UTF-8, newlines untouched).

    The bytes go to a temporary file beside PATH, are flushed to disk, then renamed over it:
    readers and a crash see the old file or the new one. An existing file keeps its
    permissions; a new one gets the usual ones (the umask applies, unlike mkstemp's 0600).
    A read-only file is not replaced (ReadOnlyError), though renaming over it would work.
    The temporary name is unique per process and thread, so two writers never share it.
    A symbolic link stays a link (the file it points to is replaced); a device or a pipe
    (`-o /dev/stdout`, `/dev/null`) is written to, never replaced by a file."""
    named = path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if is_read_only(path):
        raise ReadOnlyError(errno.EACCES, "the file is read-only", str(named))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, "wb") as stream:
            stream.write(payload)
        return named
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(temporary, "xb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return named


def leftover_temporaries(root: Path) -> list[Path]:
    """write_atomic's temporary files under ROOT whose writer is gone (killed mid-save):
    never content, safe to delete. A live writer's file (its process runs) is left alone."""
    import psutil

    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            match = TEMPORARY.match(name)
            if match and not psutil.pid_exists(int(match["pid"])):
                found.append(Path(dirpath) / name)
    return sorted(found)


def remove_leftover_temporaries(root: Path) -> list[Path]:
    """Delete leftover_temporaries(ROOT); return what was deleted."""
    removed = []
    for path in leftover_temporaries(root):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
