"""The budget of one rendition: wall-clock time and memory, and the limits on hostile input.

Templates and records are untrusted (they run on the production server). The sandbox bounds
what one operation may build (engine.py); this module bounds the rest:

- **Time.** `within(limits, where, work)` runs WORK with a deadline. The sandbox checks it
  cooperatively on every call and every loop step (a located problem, at the template line),
  and a watchdog thread raises `RenderTimeout` in the rendering thread when code outside the
  sandbox (WeasyPrint's layout) runs past it. A process that can be stopped (a server, studio
  or batch worker) also sets `exit_when_stuck`: code stuck in C beyond the grace period ends
  the process, and its parent replaces it.
- **Memory.** `cap_memory(mb)` caps a worker process's address space (RLIMIT_AS) at what it
  uses now plus the budget, so a render that allocates too much gets a MemoryError, reported
  as a problem, instead of taking the machine.
- **Input.** `json_depth` finds nesting deeper than `MAX_DEPTH` before a parser recurses;
  `text_problem` finds text no output can encode (a lone surrogate) and names its field.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from studio.core.messages import Message, msg
from studio.core.problems import Problem, ProblemError, error

DEFAULT_TIME = 10.0  # seconds a rendition may take
DEFAULT_MEMORY_MB = 1024  # address space a worker may add to what it uses after start-up
MAX_DEPTH = 64  # nesting of a record (JSON) or of a YAML/JSON project file
MAX_YAML_NODES = 100_000  # values a YAML file may expand to (aliases counted each time used)
GRACE = 2.0  # seconds past the deadline before a stuck worker process ends itself

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """The budget of one rendition."""

    time: float = DEFAULT_TIME  # seconds; 0 for none
    memory_mb: int = DEFAULT_MEMORY_MB  # per worker process

    def describe_time(self) -> str:
        return f"{self.time:g} s"


def limits_from(raw: Any, override_time: float | None = None) -> Limits:
    """The limits a project sets in studio.yaml (`limits: {time: 10, memory_mb: 1024}`), with
    a command line's --time-limit over them. Bad values are reported by `config_problems`
    and ignored here."""
    time_limit, memory = DEFAULT_TIME, DEFAULT_MEMORY_MB
    section = raw.get("limits") if isinstance(raw, Mapping) else None
    if isinstance(section, Mapping):
        value = section.get("time")
        if isinstance(value, int | float) and _positive(value):
            time_limit = float(value)
        value = section.get("memory_mb")
        if _positive(value) and isinstance(value, int):
            memory = value
    if override_time is not None:
        time_limit = override_time
    return Limits(time_limit, memory)


def config_problems(raw: Any, path: str = "studio.yaml") -> list[Problem]:
    section = raw.get("limits") if isinstance(raw, Mapping) else None
    if section is None:
        return []
    line, col = raw.where("limits") if hasattr(raw, "where") else (1, 1)
    if not isinstance(section, Mapping):
        return [error(path, line, col,
                      msg("limits: expected a mapping (time: seconds, memory_mb: MB)"))]
    problems = []
    for key, value in section.items():
        line, col = section.where(key) if hasattr(section, "where") else (line, col)
        if key == "time" and not _positive(value):
            message = msg("limits.time: expected seconds > 0, got {value!r}", value=value)
        elif key == "memory_mb" and not (_positive(value) and isinstance(value, int)):
            message = msg("limits.memory_mb: expected a whole number of MB > 0, got {value!r}",
                          value=value)
        elif key not in ("time", "memory_mb"):
            message = msg("limits: unknown key {key!r} (known: time, memory_mb)", key=key)
        else:
            continue
        problems.append(error(path, line, col, message))
    return problems


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


# Time ------------------------------------------------------------------------------------------


class RenderTimeout(BaseException):  # noqa: N818 - raised into a thread, like KeyboardInterrupt
    """Raised asynchronously in a thread whose rendition ran past its deadline. A
    BaseException, so a library's `except Exception` does not swallow it."""


class TimeLimitExceeded(Exception):
    """The cooperative check's exception (the sandbox locates it at the template line)."""


# The current rendition's [deadline, seconds, countdown]: the clock is read every CHECK_EVERY
# checks (a sandboxed call costs far more than a check; reading the clock at each would not).
_deadline: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "deadline", default=None
)
CHECK_EVERY = 16


def check_time() -> None:
    """Raise TimeLimitExceeded when the current rendition is past its deadline (cheap)."""
    current = _deadline.get()
    if current is not None:
        current[2] -= 1
        if current[2] <= 0:
            current[2] = CHECK_EVERY
            if time.monotonic() > current[0]:
                raise TimeLimitExceeded(str(time_message(current[1])))


def time_message(seconds: float) -> Message:
    return msg("rendering took longer than {seconds} s", seconds=f"{seconds:g}")


class _Watch:
    """Deadlines of the threads rendering now; one daemon thread enforces them."""

    def __init__(self) -> None:
        self.lock = threading.Condition(threading.Lock())
        self.entries: dict[int, list[Any]] = {}  # thread id → [deadline, limit, fired]
        self.thread: threading.Thread | None = None
        self.on_stuck: Callable[[float], None] | None = None
        self.wake_at = 0.0  # when the watchdog looks next (it sleeps until then)
        self.pid = 0  # the process that started the watchdog thread (a fork has none)

    def add(self, thread_id: int, deadline: float, seconds: float) -> None:
        with self.lock:
            self.entries[thread_id] = [deadline, seconds, 0]
            if self.thread is None or self.pid != os.getpid():
                self.wake_at, self.pid = 0.0, os.getpid()
                self.thread = threading.Thread(target=self.run, name="render-deadline",
                                               daemon=True)
                self.thread.start()
            elif deadline < self.wake_at:
                # Woken only for a deadline earlier than its next look: renditions in a row
                # (each deadline later than the last) cost no thread switch.
                self.lock.notify()

    def remove(self, thread_id: int) -> None:
        with self.lock:
            entry = self.entries.pop(thread_id, None)
            if entry is not None and entry[2]:
                # A timeout raised but not delivered yet must not hit the next rendition.
                _set_async_exc(thread_id, None)

    def run(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                wake = now + 60.0
                for thread_id, entry in list(self.entries.items()):
                    deadline, seconds, fired = entry
                    # The sandbox's own check comes first (it says which line); this is for
                    # code outside it. Raised again every half second in case something
                    # catches it, and past the grace period a stuck worker ends itself.
                    due = deadline + 0.25 + 0.5 * fired
                    if now >= due:
                        if self.on_stuck is not None and now >= deadline + max(GRACE, seconds):
                            self.on_stuck(seconds)
                        entry[2] = fired + 1
                        _set_async_exc(thread_id, RenderTimeout)
                        due = deadline + 0.25 + 0.5 * entry[2]
                    wake = min(wake, due)
                self.wake_at = wake
                self.lock.wait(timeout=max(0.01, wake - time.monotonic()))


_WATCH = _Watch()


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    import ctypes  # only when a rendition overruns: not at every command's start

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


def exit_when_stuck(message: Callable[[float], str] | None = None, code: int = 3) -> None:
    """End this process when a rendition is stuck past its deadline (and the grace period) in
    code no exception can interrupt: a worker's parent starts another; a command prints
    MESSAGE(seconds) first and exits with CODE."""

    def stop(seconds: float) -> None:
        if message is not None:
            with contextlib.suppress(OSError):
                os.write(2, (message(seconds) + "\n").encode("utf-8", "replace"))
        os._exit(code)

    _WATCH.on_stuck = stop


def within(limits: Limits | None, where: str, work: Callable[[], T]) -> T:
    """WORK() under the time budget of LIMITS; past it a ProblemError at WHERE (or at the
    template line the sandbox was at), never a hang. Budgets nest: the earlier deadline wins."""
    if limits is None or limits.time <= 0:
        return work()
    seconds = limits.time
    deadline = time.monotonic() + seconds
    enclosing = _deadline.get()
    if enclosing is not None and enclosing[0] <= deadline:
        return work()  # an enclosing budget ends first and is enforced already
    outer = None if enclosing is None else (enclosing[0], enclosing[1])
    thread_id = threading.get_ident()
    token = _deadline.set([deadline, seconds, 1])
    try:
        try:
            _WATCH.add(thread_id, deadline, seconds)
            try:
                return work()
            finally:
                _unwatch(thread_id, outer)
        finally:
            _deadline.reset(token)
    except RenderTimeout:
        raise ProblemError(error(where, 1, 0, time_message(seconds))) from None
    except TimeLimitExceeded:
        raise ProblemError(error(where, 1, 0, time_message(seconds))) from None
    except MemoryError:
        raise ProblemError(error(where, 1, 0, memory_message())) from None


def _unwatch(thread_id: int, outer: tuple[float, float] | None) -> None:
    """Take the thread off the watch, whatever arrives meanwhile: a timeout delivered while
    waiting for the watchdog's lock must not leave the entry behind (the watchdog would go on
    raising into the thread's next rendition)."""
    while True:
        try:
            _WATCH.remove(thread_id)
            if outer is not None:
                _WATCH.add(thread_id, *outer)
            return
        except RenderTimeout:
            continue


# Memory ----------------------------------------------------------------------------------------

_CAP: list[int] = [0]


def cap_memory(memory_mb: int) -> None:
    """Cap this (worker) process's address space at its present size plus MEMORY_MB."""
    try:
        import resource
    except ImportError:  # not on this platform: the string bounds still hold
        return
    size = _address_space()
    if size is None:
        return
    limit = size + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _CAP[0] = memory_mb


def prepare_worker(memory_mb: int = DEFAULT_MEMORY_MB) -> None:
    """Set up a worker process (server pool, studio preview, local batch cluster): its address
    space capped, and a rendition stuck past its budget ends it (its parent replaces it)."""
    cap_memory(memory_mb)
    exit_when_stuck()


def memory_message() -> Message:
    if _CAP[0]:
        return msg("rendering needed more memory than its budget "
                   "(the worker's limit is {limit} MB)", limit=_CAP[0])
    return msg("rendering needed more memory than its budget")


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# Input -----------------------------------------------------------------------------------------

_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(text: str | bytes, limit: int = MAX_DEPTH) -> int | None:
    """The offset where JSON text nests deeper than LIMIT, or None. A scan, not a parse: the
    parsers (and everything that walks a record) recurse, and must never meet such input."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def depth_message(limit: int = MAX_DEPTH) -> Message:
    return msg("nested deeper than {limit} levels", limit=limit)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def may_hold_unencodable(text: str | bytes) -> bool:
    """Whether JSON TEXT may hold a lone surrogate (a \\udXXX escape, or a surrogate itself):
    a C-speed look at the text, so clean records never pay for `text_problem`'s walk."""
    if isinstance(text, bytes):
        return b"\\u" in text and bool(_SURROGATE_ESCAPE.search(text.decode("ascii", "replace")))
    if _SURROGATE_ESCAPE.search(text):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text_problem(value: Any, limit: int = MAX_DEPTH) -> tuple[str, Message] | None:
    """(field, reason) for the first text in a record that no output can encode (a lone
    surrogate, as JSON's \\ud800 makes), or a nesting deeper than LIMIT; None when clean.
    Every record pays for this check, so the clean path is the fast one: ASCII text is
    skipped without encoding, and the path is only spelled out for a problem."""
    found = _scan(value, limit)
    if found is None:
        return None
    at, reason = found
    return ".".join(reversed(at)) or str(msg("(record)")), reason


def _scan(value: Any, depth: int) -> tuple[list[str], Message] | None:
    if isinstance(value, str):
        if value.isascii():
            return None
        reason = _unencodable(value)
        return ([], reason) if reason else None
    if isinstance(value, dict):
        if depth <= 0:
            return [], depth_message()
        for key, child in value.items():
            reason = _unencodable(key) if isinstance(key, str) and not key.isascii() else None
            if reason is not None:
                return [], msg("a key {reason}", reason=reason)
            if isinstance(child, str | dict | list | tuple):
                found = _scan(child, depth - 1)
                if found is not None:
                    found[0].append(str(key))
                    return found
        return None
    if isinstance(value, list | tuple):
        if depth <= 0:
            return [], depth_message()
        for index, child in enumerate(value):
            if isinstance(child, str | dict | list | tuple):
                found = _scan(child, depth - 1)
                if found is not None:
                    found[0].append(str(index))
                    return found
    return None


def _unencodable(text: str) -> Message | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        return msg("holds {character} (a lone surrogate), which no channel can encode",
                   character=ascii(bad)[1:-1])
    return None
