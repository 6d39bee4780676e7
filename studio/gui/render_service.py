"""Background rendering for the studio: worker processes, newest request wins, stale dropped.

Print renders in its own process (WeasyPrint holds the GIL for a whole layout), the light
channels in another, validation in a third, so the window never waits on any of them. Each
channel has at most one job running and one waiting: a newer request replaces the waiting one.

Templates being edited may run away: every job runs within the project's budget (limits.py;
past it the preview shows "rendering took longer than N s" at the line), workers have their
memory capped, and a worker stuck past its budget ends itself: its pool is replaced, and the
preview says so.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from studio.core.channels import CHANNELS
from studio.core.jobs import (
    PREVIEW_WORKER_STOPPED,
    VALIDATION_WORKER_STOPPED,
    ProjectState,
    RenderJob,
    RenderOutcome,
    prepare_checker_worker,
    prepare_preview_worker,
    prepare_print_worker,
    prepare_whole_worker,
    run_render,
    run_validation,
    worker_context,
    worker_pool,
)
from studio.core.jobs import warm_up as _warm_up
from studio.core.problems import error


@dataclass
class _Lane:
    """One channel's queue: the job running and the newest job waiting."""

    running: Future[RenderOutcome] | None = None
    waiting: RenderJob | None = None
    latest: int = field(default=-1)
    pool: str = "light"  # the pool its jobs run in: "print", "light" or "whole"


class RenderService(QObject):
    finished = Signal(object)  # RenderOutcome, only the newest for its channel
    validated = Signal(int, list)  # generation, problems
    validationProgress = Signal(int, int, int)  # generation, parts checked, parts in all

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._print = _pool(1, prepare_print_worker)
        # The whole letter after a pause in typing (print drafts meanwhile: core/channels/
        # draft.py), in a worker of its own at a lower priority: a key pressed while it is laid
        # out does not wait for it, and the letter it lays out is given up at its next block
        # (SUPERSEDED set: jobs.prepare_whole_worker). Started at its first job.
        self._superseded = worker_context().Event()
        self._whole = _pool(1, prepare_whole_worker, (self._superseded,))
        # Two workers for the light channels, so an SMS does not wait behind an email.
        self._light = _pool(2)
        # the validation worker reports how far it got on this queue, read while it runs
        self._progress = worker_context().Queue()
        self._checker = _checker_pool(self._progress)
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(100)
        self._progress_timer.timeout.connect(self._read_progress)
        self._lanes: dict[str, _Lane] = {}
        self._validation_waiting: tuple[ProjectState, int, str | None] | None = None
        self._validation_running = False
        self._latest_validation = -1
        self._closed = False
        self._starting = False  # the workers are being started off the GUI thread (warm_up)
        # Results come back on the executors' threads: they are queued here and a bare
        # signal wakes the GUI thread to take them (Python objects are not sent through
        # cross-thread signals, which PySide does not always count references of correctly).
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    _wake = Signal()

    def _post(self, kind: str, payload: Any) -> None:
        self._inbox.put((kind, payload))
        try:
            self._wake.emit()
        except RuntimeError:  # the service is gone (the window closed): nobody to tell
            return

    def _drain(self) -> None:
        while True:
            try:
                kind, payload = self._inbox.get_nowait()
            except queue.Empty:
                return
            if kind == "render":
                self._on_done(payload)
            elif kind == "started":
                self._on_started()
            else:
                self._on_validated(*payload)

    def warm_up(self) -> None:
        """Start the workers and set up their fonts now, not on the first keystroke, and off
        the GUI thread: starting a process waits for it to be forked (or spawned), the fork
        server's imports included when it has only just started (jobs.worker_pool). The
        jobs asked for meanwhile wait in their lanes and start when the workers are there."""
        self._starting = True
        threading.Thread(target=self._start_workers, name="start-workers", daemon=True).start()

    def _start_workers(self) -> None:
        try:
            self._print.submit(_warm_up)
            for _ in range(2):
                self._light.submit(_warm_up)
            self._checker.submit(_warm_up)
        except Exception:  # noqa: BLE001, S110 - closed meanwhile, or broken: the jobs say so
            pass
        finally:
            self._post("started", None)

    def _on_started(self) -> None:
        self._starting = False
        if self._closed:
            return
        for lane in self._lanes.values():
            if lane.running is None and lane.waiting is not None:
                job, lane.waiting = lane.waiting, None
                self._start(lane, job)
        if self._validation_waiting is not None and not self._validation_running:
            self._validation_waiting, waiting = None, self._validation_waiting
            self.validate(*waiting)

    def submit(self, job: RenderJob, background: bool = False) -> None:
        """Render JOB in its channel's lane; BACKGROUND: in the channel's background lane
        (the whole letter after typing), whose worker yields to the previews'."""
        if self._closed:
            return
        lane = self._lanes.setdefault(job.channel + ("/whole" if background else ""),
                                      _Lane(pool="whole") if background else _Lane())
        lane.latest = job.generation
        whole = self._lanes.get(job.channel + "/whole")
        if not background and whole is not None:
            # A key pressed: the whole letter of an earlier text is not wanted any more.
            whole.waiting = None
            if whole.running is not None:
                self._superseded.set()
        if lane.running is None and not self._starting:
            self._start(lane, job)
        else:
            lane.waiting = job  # replaces any older waiting job: the newest edit wins

    def _start(self, lane: _Lane, job: RenderJob) -> None:
        which = ("whole" if lane.pool == "whole" else
                 "print" if CHANNELS[job.channel].heavy else "light")
        if which == "whole":
            self._superseded.clear()  # the one before is done: this one is wanted
        try:
            future = getattr(self, f"_{which}").submit(run_render, job)
        except BrokenExecutor:
            self._replace_pool(which)
            future = getattr(self, f"_{which}").submit(run_render, job)
        lane.running, lane.pool = future, which
        future.add_done_callback(lambda f: self._post("render", f))

    def _on_done(self, future: Future[RenderOutcome]) -> None:
        if self._closed:
            return
        # the lane: a channel's, or its background lane ("print/whole")
        key = next((k for k, lane in self._lanes.items() if lane.running is future), None)
        try:
            outcome: RenderOutcome | None = future.result()
        except BrokenExecutor:
            # The worker ended itself (stuck past its budget, or out of memory) or was killed:
            # a fresh pool for the next job, and the author is told why the preview is stale.
            if key is not None:
                self._replace_pool(self._lanes[key].pool)
            problem = error("(studio)", 0, 0, PREVIEW_WORKER_STOPPED)
            outcome = None if key is None else RenderOutcome(
                key.split("/")[0], self._lanes[key].latest, None, problem, 0.0)
        except Exception:  # noqa: BLE001 - a failed job: the next one runs as usual
            outcome = None
        if key is None and outcome is not None:
            key = outcome.channel
        if key is None:
            return
        lane = self._lanes[key]
        lane.running = None
        if lane.waiting is not None:
            job, lane.waiting = lane.waiting, None
            if not self._closed:
                self._start(lane, job)
        if outcome is not None and outcome.generation == lane.latest:
            self.finished.emit(outcome)

    def validate(self, state: ProjectState, generation: int, template: str | None = None) -> None:
        """The whole project checked in the validation worker; TEMPLATE, the one on screen, has
        its email and mobile screens laid out for the regulatory wording too."""
        if self._closed:
            return
        self._latest_validation = generation
        if self._validation_running or self._starting:
            self._validation_waiting = (state, generation, template)
            return
        self._validation_running = True
        self._progress_timer.start()
        try:
            future = self._checker.submit(run_validation, state, generation, template)
        except BrokenExecutor:
            self._replace_pool("checker")
            future = self._checker.submit(run_validation, state, generation, template)
        future.add_done_callback(
            lambda f: self._post("validation", (generation, _problems_of(f))))

    def _read_progress(self) -> None:
        """The newest progress the validation worker sent (older ones are skipped)."""
        newest = None
        while True:
            try:
                newest = self._progress.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
        if newest is not None and not self._closed:
            self.validationProgress.emit(*newest)

    def _on_validated(self, generation: int, problems: list) -> None:
        if self._closed:
            return
        self._validation_running = False
        self._progress_timer.stop()
        self._read_progress()
        if self._validation_waiting is not None:
            self._validation_waiting, waiting = None, self._validation_waiting
            self.validate(*waiting)
        if generation == self._latest_validation:
            self.validated.emit(generation, problems)

    def _replace_pool(self, which: str) -> None:
        """A fresh pool for WHICH when the current one is broken (two lanes may both see the
        same broken pool: it is replaced once)."""
        old = getattr(self, f"_{which}")
        if not getattr(old, "_broken", True):
            return
        fresh = {"checker": lambda: _checker_pool(self._progress),
                 "print": lambda: _pool(1, prepare_print_worker),
                 "whole": lambda: _pool(1, prepare_whole_worker, (self._superseded,)),
                 "light": lambda: _pool(old._max_workers)}
        setattr(self, f"_{which}", fresh[which]())
        old.shutdown(wait=False, cancel_futures=True)

    def busy(self) -> bool:
        return self._validation_running or any(
            lane.running is not None or lane.waiting is not None for lane in self._lanes.values())

    def shutdown(self) -> None:
        self._closed = True
        self._progress_timer.stop()
        for pool in (self._print, self._whole, self._light, self._checker):
            pool.shutdown(wait=False, cancel_futures=True)
        self._progress.cancel_join_thread()  # never wait at exit for progress nobody reads
        self._progress.close()


def _checker_pool(progress: Any) -> ProcessPoolExecutor:
    """The validation worker, given the queue it reports its progress on when it starts (a
    queue passes to a process only then)."""
    return worker_pool(1, prepare_checker_worker, (progress,))


def _pool(workers: int, initializer: Any = prepare_preview_worker,
          initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    # forks of the fork server where there is one, never of this Qt process (jobs.worker_context)
    return worker_pool(workers, initializer, initargs)


def _problems_of(future: Future[list]) -> list:
    try:
        return list(future.result())
    except BrokenExecutor:
        return [error("(studio)", 0, 0, VALIDATION_WORKER_STOPPED)]
    except Exception:  # noqa: BLE001
        return []
