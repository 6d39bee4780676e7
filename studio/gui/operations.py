"""One way to run the studio's long work off the GUI thread (Anki's CollectionOp, in our terms).

    operations.run(history.history_of, root, rel,
                   success=self._show_versions, failure=self._show_problem, key="history")

The function runs in a worker process (one small pool for the whole studio: git, compares,
reviews), never on the GUI thread; its result, or the problem that stopped it, comes back to
the callback on the GUI thread. A newer operation with the same ``key`` supersedes an older
one: the older one's callbacks are dropped (the newest request wins, as with the previews).
Callbacks of an operation whose ``owner`` widget is gone are dropped too.

Work that writes (commit, restore, sign-off) returns an :class:`OpChanges`: what it changed,
so each view refreshes only when something it shows did.

The previews' renders have their own lanes in ``render_service`` (one running and the newest
waiting per channel, a worker per heavy channel); everything else comes here.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from studio.core.jobs import background_worker, internal_error, leave_with_parent
from studio.core.problems import Problem, ProblemError


def _call(environment: dict[str, str], fn: Callable[..., Any], args: tuple[Any, ...],
          kwargs: dict[str, Any]) -> Any:
    """In the worker: take the studio's environment, then run FN."""
    if os.environ != environment:
        os.environ.clear()
        os.environ.update(environment)
    return fn(*args, **kwargs)


@dataclass(frozen=True)
class OpChanges:
    """What an operation changed, for views to decide whether to refresh."""

    files: frozenset[str] = frozenset()  # project-relative paths written on disk
    history: bool = False  # commits were added (history, changes since approval)
    compliance: bool = False  # decisions were recorded (review states)

    def touches(self, rel: str) -> bool:
        return rel in self.files


@dataclass
class _Op:
    key: str | None
    success: Callable[[Any], None]
    failure: Callable[[Problem], None] | None
    owner: QObject | None


class Operations(QObject):
    """The studio's pool for long work, and the callbacks back on the GUI thread."""

    finished = Signal(int)  # an operation's id, once its callback has run (or was dropped)
    _wake = Signal()

    def __init__(self, parent: QObject | None = None, workers: int = 2,
                 background: bool = False) -> None:
        """BACKGROUND: its workers run at a lower priority than the previews' (live checks)."""
        super().__init__(parent)
        self._workers = workers
        self._background = background
        self._pool: ProcessPoolExecutor | None = None
        self._ops: dict[int, _Op] = {}
        self._latest: dict[str, int] = {}
        self._lanes: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
        self._ids = itertools.count(1)
        self.runs = 0  # operations started (an idle studio starts none)
        self._lock = threading.Lock()
        self._closed = False
        # Results arrive on the pool's thread; they wait here and a bare queued signal wakes
        # the GUI thread (no Python objects through cross-thread signals).
        self._inbox: queue.SimpleQueue[tuple[int, Future[Any]]] = queue.SimpleQueue()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # never fork a Qt process
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=context,
                initializer=background_worker if self._background else leave_with_parent)
        return self._pool

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        success: Callable[[Any], None],
        failure: Callable[[Problem], None] | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        kwargs: dict[str, Any] | None = None,
        lane: str | None = None,
    ) -> int:
        """Run FN(*ARGS) in a worker process; SUCCESS(result) or FAILURE(problem) follows on
        the GUI thread. FN must be a module-level function; ARGS and its result picklable.
        Operations of one LANE (e.g. a repository's git) run one after the other, in order:
        a commit must not meet the index lock of a status still running."""
        op_id = next(self._ids)
        if self._closed:
            return op_id
        self.runs += 1
        # The worker runs as the studio would at this moment: its environment (who commits,
        # where the settings are) is the window's now, not the one the pool was started with.
        call = (_call, dict(os.environ), fn, args, kwargs or {})
        with self._lock:
            self._ops[op_id] = _Op(key, success, failure, owner)
            if key is not None:
                self._latest[key] = op_id
            if lane is not None:
                waiting = self._lanes.setdefault(lane, [])
                waiting.append((op_id, call))
                if len(waiting) > 1:
                    return op_id  # starts when the ones before it are done
        self._start(op_id, call, lane)
        return op_id

    def _start(self, op_id: int, call: tuple[Any, ...], lane: str | None) -> None:
        future = self._executor().submit(*call)
        future.add_done_callback(lambda done: self._post(op_id, done, lane))

    def pending(self) -> int:
        """Operations whose callbacks have not run yet."""
        with self._lock:
            return len(self._ops)

    def shutdown(self) -> None:
        """Stop: pending operations are dropped, running workers are not waited for."""
        self._closed = True
        with self._lock:
            self._ops.clear()
        if self._pool is not None:
            # the pool forgets its processes on shutdown: take them first, to stop them
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.kill()  # a compare of a long PDF must not hold the quit
            self._pool = None

    # Internals -----------------------------------------------------------------------------

    def _post(self, op_id: int, future: Future[Any], lane: str | None = None) -> None:
        if lane is not None and not self._closed:
            following = None
            with self._lock:
                waiting = self._lanes.get(lane, [])
                if waiting and waiting[0][0] == op_id:
                    waiting.pop(0)
                if waiting:
                    following = waiting[0]
                else:
                    self._lanes.pop(lane, None)
            if following is not None:
                with contextlib.suppress(RuntimeError):  # the pool was shut down meanwhile
                    self._start(following[0], following[1], lane)
        self._inbox.put((op_id, future))
        try:
            self._wake.emit()
        except RuntimeError:  # the runner is gone with its window
            return

    def _drain(self) -> None:
        while True:
            try:
                op_id, future = self._inbox.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                op = self._ops.pop(op_id, None)
                current = op is not None and (op.key is None or self._latest.get(op.key) == op_id)
                if op is not None and op.key is not None and self._latest.get(op.key) == op_id:
                    del self._latest[op.key]
            if op is not None and current and (op.owner is None or shiboken6.isValid(op.owner)):
                self._deliver(op, future)
            self.finished.emit(op_id)

    @staticmethod
    def _deliver(op: _Op, future: Future[Any]) -> None:
        if future.cancelled():
            return
        exception = future.exception()
        if exception is None:
            op.success(future.result())
            return
        if isinstance(exception, ProblemError):
            problem = exception.problem
        else:  # a bug, or a worker that died: said, never a traceback to the author
            problem = internal_error(exception)
        if op.failure is not None:
            op.failure(problem)


def git_lane(root: str | os.PathLike[str]) -> str:
    """The lane of one repository's git work (status, commit, restore, sign-off): in order."""
    return f"git:{os.path.realpath(root)}"


_shared: Operations | None = None


def shared() -> Operations:
    """The studio's one runner, made on first use and stopped when the application quits."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        _shared = Operations(app)
        if app is not None:
            app.aboutToQuit.connect(_shared.shutdown)
    return _shared
