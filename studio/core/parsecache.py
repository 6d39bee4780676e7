"""What parsing a text gave, kept between runs: a project of 1,000 blocks is read by every
`missiva status` and every studio start, and its 1,333 front matters and 50 templates rarely
change between two of them.

Entries are keyed by what was parsed (a hash of the kind of parse and the whole text), never by
a file's name, size or time: an entry can only be found again for exactly the same text, so a
file edited on disk, by any means, is parsed again, and no cache entry can ever be stale.
Only successful parses are kept (problems are made again, with their file's name).

The cache lives in the user's cache folder (`$XDG_CACHE_HOME/missiva`, by default
~/.cache/missiva; ~/Library/Caches/Missiva on macOS; %LOCALAPPDATA%\\Missiva\\cache on
Windows), not in the project: nothing to ignore in git, and a read-only project works too.
`MISSIVA_PARSE_CACHE=0` turns it off (the benches measure a cold load with it).

Values are pickled, and read back by an unpickler that builds only the types a parse gives
(YAML's located mappings and lists, dates): a cache file someone else wrote cannot make this
program run anything. A file that cannot be read is an empty cache.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib
import importlib.util
import io
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

from studio.core import located
from studio.core.files import write_atomic

FORMAT = 2  # 2: each entry pickled on its own, read when asked for
MAX_ENTRIES = 100_000  # past it, a save keeps only what this process used
SLOT_VALUES = 8  # a slot's last values kept: the working tree's, a few snapshots' (put_slot)
_FILE = "parsed.pickle"
MISSING = object()


def cache_dir() -> Path:
    """The user's cache folder for the studio."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Missiva" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Missiva"
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "missiva"


_ALLOWED = {
    ("studio.core.located", "LocatedDict"),
    ("studio.core.located", "LocatedList"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}
# What judging a history gives (studio.core.ledger.judge_history, kept by the commits judged):
# plain values whose making runs no code of the file's choosing. Kept as bytes in the file (see
# `put_value`), so a process that never judges a history does not import their modules.
_JUDGED = {
    ("studio.core.ledger", "Judged"),
    ("studio.core.ledger", "SignOff"),
    ("studio.core.problems", "Problem"),
    ("studio.core.problems", "Severity"),
    ("studio.core.messages", "Message"),
    # What loading a project's blocks gives (studio.core.project.load_blocks, kept by the
    # texts it read): frozen values of plain data.
    ("studio.core.project", "Block"),
    ("studio.core.project", "BlockSource"),
    ("studio.core.project", "Template"),
    ("studio.core.project", "BodyItem"),
    ("studio.core.delivery", "Delivery"),
    ("studio.core.delivery", "DeliverySection"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return getattr(datetime if module == "datetime" else located, name)
        if (module, name) in _JUDGED:
            return getattr(importlib.import_module(module), name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a parse result")


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


# project.py and the rest: their blocks, templates and problems are kept whole (put_slot);
# index.py and engine.py: what a block's Jinja includes and reads (kept by its text)
_PARSERS = ("parsecache.py", "sources.py", "yamlparse.py", "located.py", "limits.py",
            "project.py", "delivery.py", "problems.py", "messages.py",
            "channels/__init__.py",  # the channel names a block or template may use
            "index.py", "engine.py")
_VERSION: list[str] = []


def _version() -> str:
    """Which code made the entries: the text of the modules that parse (their limits
    included) and PyYAML's (its __init__.py, which holds its version: read, not imported, so a
    command whose every parse is cached never loads PyYAML); a build without those files (a
    frozen app), the studio's version. A developer's edit of the parsing code, which leaves the
    version as it is, is a new cache too."""
    if not _VERSION:
        digest = hashlib.blake2b(digest_size=16)
        try:
            spec = importlib.util.find_spec("yaml")
            digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else b"")
            for name in _PARSERS:
                digest.update((Path(__file__).parent / name).read_bytes())
            _VERSION.append(f"code {digest.hexdigest()}")
        except OSError:
            from studio import __version__

            _VERSION.append(str(__version__))
    return _VERSION[0]


class ParseCache:
    """Parse results by (kind, text), in memory and in one file of the user's cache folder."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[bytes, bytes] | None = None
        self._used: set[bytes] = set()
        self._checked: set[bytes] = set()  # entries read once by the careful unpickler, or put
        self._added = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(kind: str, text: str) -> bytes:
        digest = hashlib.blake2b(kind.encode(), digest_size=20)
        digest.update(b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.digest()

    def _load(self) -> dict[bytes, bytes]:
        """The file's entries: pickled bytes by key, each unpickled (by the careful unpickler)
        only when `get` asks for it. The file holds every project the user opened: reading it
        costs as much as its bytes, not as much as all their values (5,600 entries: 3 ms,
        not 135)."""
        entries: dict[bytes, bytes] = {}
        if self.path is not None:
            with contextlib.suppress(Exception):  # unreadable, truncated, foreign: start empty
                stored = _loads(self.path.read_bytes())
                if (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT
                        and stored[1] == _version() and isinstance(stored[2], dict)):
                    entries = {key: value for key, value in stored[2].items()
                               if isinstance(key, bytes) and isinstance(value, bytes)}
        return entries

    def get(self, kind: str, text: str) -> Any:
        """What parsing TEXT as KIND gave (a fresh copy each time), or MISSING."""
        key = self.key(kind, text)
        with self._lock:
            if self._entries is None:
                self._entries = self._load()
            data = self._entries.get(key)
            if data is not None:
                self._used.add(key)
            checked = key in self._checked
        if data is None:
            return MISSING
        if checked:  # bytes this process made, or read before by the careful unpickler
            return pickle.loads(data)  # noqa: S301 - see above
        try:
            value = _loads(data)  # the file's bytes: only the types a parse gives
        except Exception:  # noqa: BLE001 - a damaged entry is a missing one
            return MISSING
        with self._lock:
            self._checked.add(key)
        return value

    def put(self, kind: str, text: str, value: Any) -> None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value that does not pickle is not kept
            return
        key = self.key(kind, text)
        with self._lock:
            if self._entries is None:
                self._entries = self._load()
            self._entries[key] = data
            self._used.add(key)
            self._checked.add(key)
            self._added += 1

    def get_value(self, kind: str, text: str) -> Any:
        """What `put_value` kept for (KIND, TEXT), or MISSING."""
        data = self.get(kind, text)
        if not isinstance(data, bytes):
            return MISSING
        try:
            return _loads(data)
        except Exception:  # noqa: BLE001 - a damaged entry is a missing one
            return MISSING

    def put_value(self, kind: str, text: str, value: Any) -> None:
        """Keep VALUE, built of the types the careful unpickler allows (`_JUDGED`), as bytes
        unpickled only when asked for by `get_value`."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            _loads(data)  # a value the careful unpickler refuses would never be found again
        except Exception:  # noqa: BLE001 - a value that does not pickle is not kept
            return
        self.put(kind, text, data)

    def get_slot(self, slot: str, version: str) -> Any:
        """What `put_slot` kept in SLOT for VERSION (a digest of everything it was made from),
        while it is one of the slot's last SLOT_VALUES; else MISSING."""
        return self.get_value(f"slot:{slot}", version)

    def put_slot(self, slot: str, version: str, value: Any) -> None:
        """Keep VALUE (built of the types `put_value` allows) in SLOT for VERSION, among the
        slot's last SLOT_VALUES values (the oldest goes). A project's blocks are big (1,000
        blocks: 800 KB) and change with every edit, and snapshots of commits are loaded from
        temporary folders: kept by version alone, each edit and each diff would leave a whole
        library behind."""
        kind = f"slot:{slot}"
        self.put_value(kind, version, value)
        kept = self.get(kind, "")  # the slot's versions, oldest first
        versions = [v for v in kept if isinstance(v, str) and v and v != version] \
            if isinstance(kept, list) else []
        with self._lock:
            if self._entries is None or self.key(kind, version) not in self._entries:
                return  # not a value it keeps
            versions.append(version)
            for old in versions[:-SLOT_VALUES]:
                self._entries.pop(self.key(kind, old), None)
        self.put(kind, "", versions[-SLOT_VALUES:])

    def save(self, at_least: int = 1) -> None:
        """Write the cache when AT_LEAST entries were added since the last save (a save writes
        every entry: a caller on a hot path, like the index rebuilt after one edit, asks for
        many, so a keystroke never pays for it)."""
        with self._lock:
            if self._added < max(at_least, 1) or self.path is None or self._entries is None:
                return
            entries = self._entries
            if len(entries) > MAX_ENTRIES:
                entries = {k: v for k, v in entries.items() if k in self._used}
                self._entries = entries
            payload = pickle.dumps((FORMAT, _version(), entries),
                                   protocol=pickle.HIGHEST_PROTOCOL)
            self._added = 0
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            write_atomic(self.path, payload)


_SHARED: dict[tuple[str | None, ...], ParseCache] = {}
_SHARED_LOCK = threading.Lock()


def parse_cache() -> ParseCache:
    """The process's cache (one a cache folder; MISSIVA_PARSE_CACHE=0: in memory only, empty
    at each start)."""
    environ = os.environ
    where = (environ.get("MISSIVA_PARSE_CACHE"), environ.get("XDG_CACHE_HOME"),
             environ.get("HOME"), environ.get("LOCALAPPDATA"))
    with _SHARED_LOCK:
        found = _SHARED.get(where)
        if found is None:
            path = None if where[0] == "0" else cache_dir() / _FILE
            found = _SHARED[where] = ParseCache(path)
        return found
