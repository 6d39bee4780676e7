"""Writing files so that a crash leaves the old content or the new, never half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Replace PATH with DATA (text is written as UTF-8, newlines untouched).

    The bytes go to a temporary file beside PATH, are flushed to disk, then renamed over it:
    readers and a crash see the old file or the new one. An existing file keeps its
    permissions; a new one gets the usual ones (the umask applies, unlike mkstemp's 0600).
    The temporary name is unique per process and thread, so two writers never share it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
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
    return path
