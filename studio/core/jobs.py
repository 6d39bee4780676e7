"""Render and validation jobs as plain values, so they can run in a worker process.

The studio renders print in a separate process (WeasyPrint holds the GIL for the whole layout)
and validates there too; a job carries everything the worker needs, and the worker keeps the
project it loaded last, so a keystroke costs a reload of the changed files only.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from studio.core.channels import CHANNELS, Rendition, Superseded
from studio.core.messages import msg
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, load_project, reload

# What the studio says when a worker process ended under a job (the studio restarts it).
PREVIEW_WORKER_STOPPED = msg("the preview worker stopped (a rendition ran past its time or "
                             "memory budget); it has been restarted")
VALIDATION_WORKER_STOPPED = msg("the validation worker stopped (a trial rendition ran past its "
                                "time or memory budget); it has been restarted")


def internal_error(exception: BaseException) -> Problem:
    """A bug or a worker that died, said to the author (never a traceback)."""
    return error("(studio)", 0, 0, msg("internal error: {exception}", exception=repr(exception)))


@dataclass(frozen=True)
class ProjectState:
    """A project as the editor sees it: the folder, the unsaved buffers, and a counter that
    changes whenever something changed on disk."""

    root: str
    overlay: tuple[tuple[str, str], ...] = ()
    disk_version: int = 0

    @property
    def overlay_map(self) -> dict[str, str]:
        return dict(self.overlay)


@dataclass(frozen=True)
class RenderJob:
    state: ProjectState
    template: str
    channel: str
    locale: str
    sample: str | None = None
    record: Mapping[str, Any] | None = field(default=None, hash=False)
    generation: int = 0
    # The author is typing: print may be a draft (the pages through the edited one laid out,
    # the later ones from the last whole rendition: channels/draft.py), from BASIS: what a
    # whole rendition left (RenderOutcome.basis), used only if it was this letter's.
    draft: bool = False
    basis: Any = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class RenderOutcome:
    channel: str
    generation: int
    rendition: Rendition | None
    problem: Problem | None
    elapsed_ms: float
    # A whole print preview's (its job's ProjectState, (template, locale, sample), the
    # draft.Basis): what the drafts of that letter start from.
    basis: Any = field(default=None, compare=False, repr=False)


class _LastProject:
    """The worker's last loaded project, updated by reloading only what changed."""

    def __init__(self) -> None:
        self.state: ProjectState | None = None
        self.project: Project | None = None

    def get(self, state: ProjectState) -> Project:
        previous, project = self.state, self.project
        if (previous is None or project is None or previous.root != state.root
                or previous.disk_version != state.disk_version):
            project = load_project(state.root, state.overlay_map)
        elif previous.overlay != state.overlay:
            old, new = previous.overlay_map, state.overlay_map
            changed = {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
            project = reload(project, changed, new)
        self.state, self.project = state, project
        return project


@functools.cache
def _last_project() -> _LastProject:
    return _LastProject()


def _draft_request(job: RenderJob, project: Project) -> Any:
    """The draft request for JOB (channels/draft.py): from its basis, with the blocks edited
    since, where JOB may be a draft; for a whole letter that leaves a basis otherwise; None
    for a channel without pages or a record that is not a sample."""
    if not CHANNELS[job.channel].paged or job.record is not None:
        return None
    from studio.core.channels import draft

    if not job.draft or job.basis is None:
        return draft.Request()
    state, letter, basis = job.basis
    if (letter != (job.template, job.locale, job.sample) or state.root != job.state.root
            or state.disk_version != job.state.disk_version):
        return draft.Request()
    old, new = state.overlay_map, job.state.overlay_map
    changed = {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
    blocks = {project.block_of(p) for p in changed}
    if None in blocks:  # a template, a style, studio.yaml: the whole letter
        return draft.Request()
    return draft.Request(basis, frozenset(b for b in blocks if b))


class IdleCollector:
    """A preview worker's garbage collection, moved out of its renders.

    A render builds a WeasyPrint document of hundreds of thousands of objects, all alive until
    it is written. Python's collector, counting allocations, walked them all in the middle of
    the layout: a full collection took 150-250 ms of a bill's print preview every other
    keystroke (and the young collections 10-60 ms of every one), measured in the studio's
    print worker (bench/README, "Print, a fifth time"). Here no collection runs by itself: a
    thread collects once a render is over and its result sent, while the author reads the
    preview (or, when edits come faster than renders, at the start of the next one), so a
    render's garbage never outlives the next render: a bill leaves ~6 MB of cycles, and left
    to pile up, eight of them took 340 ms to collect. What lives as long as the worker (its
    modules, fonts, the project it loaded first) is frozen out of collections after the first.
    """

    # Long enough for the result to be pickled and written to the studio (a few ms), short
    # against the pause between keystrokes.
    DELAY_S = 0.02

    def __init__(self) -> None:
        self._due = threading.Event()
        self._started = False

    def start(self) -> None:
        """Take over collection in this process (a worker's initializer calls it once)."""
        gc.disable()
        self._started = True
        threading.Thread(target=self._run, name="idle-gc", daemon=True).start()

    @contextlib.contextmanager
    def rendering(self) -> Iterator[None]:
        try:
            yield
        finally:
            if self._started:
                self._due.set()

    def _run(self) -> None:
        first = True
        while True:
            self._due.wait()
            self._due.clear()
            time.sleep(self.DELAY_S)
            gc.collect()
            if first:
                gc.freeze()
                first = False


_collector = IdleCollector()


def run_render(job: RenderJob) -> RenderOutcome:
    """Render one job; every failure comes back as a Problem, never as an exception."""
    started = time.perf_counter()
    with _collector.rendering():
        return _render_job(job, started)


def _drafting(request: Any) -> contextlib.AbstractContextManager[Any]:
    if request is None:
        return contextlib.nullcontext()
    from studio.core.channels import draft

    return draft.requested(request)


def _render_job(job: RenderJob, started: float) -> RenderOutcome:
    from studio.core.records import record_from_value, sample_record
    from studio.core.render import render

    basis = None
    try:
        project = _last_project().get(job.state)
        record = (sample_record(project, job.sample or "") if job.record is None
                  else record_from_value(project.schema, job.record))
        # The email attaching its print PDF would lay the letter out again on every keystroke
        # (5.8 s a keystroke under load): the print pane shows that PDF already.
        request = _draft_request(job, project)
        if request is not None and _SUPERSEDED is not None:
            request.superseded = _SUPERSEDED.is_set
        with _drafting(request):
            rendition = render(project, job.template, job.channel, record, job.locale,
                               attachments=False, preview=True)
        if request is not None and request.made is not None:
            basis = (job.state, (job.template, job.locale, job.sample), request.made)
        if rendition.media_type.startswith("message/"):
            # The email pane shows the message's parts: taken apart here, off the GUI thread.
            from studio.core.mailview import mail_view

            rendition = replace(rendition, view=mail_view(rendition.content))
        problem = None
    except ProblemError as exc:
        rendition, problem = None, exc.problem
    except Superseded:  # a later edit's letter is wanted: this one says nothing
        rendition, problem = None, None
    except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker
        rendition, problem = None, internal_error(exc)
    return RenderOutcome(job.channel, job.generation, rendition, problem,
                         (time.perf_counter() - started) * 1000, basis)


# Where the validation worker says how far it got: a multiprocessing queue the studio hands
# the worker when it starts (prepare_checker_worker), read by the studio while it waits.
_PROGRESS: Any = None


def prepare_checker_worker(progress: Any = None) -> None:
    """The validation worker's initializer: a preview worker's, at a lower priority, and the
    studio's queue for (generation, parts checked, parts in all) messages."""
    global _PROGRESS
    _prepare_worker()  # its validations run long: Python collects as usual there
    lower_priority()
    _PROGRESS = progress


def lower_priority(by: int = 10) -> None:
    """Yield the processor to the previews: background work (the studio's validation after
    an edit, about a second of processor time on the sample, its live checks) runs while the
    author types, and on a 2-core machine took a core from the next keystroke's renders."""
    with contextlib.suppress(AttributeError, OSError):  # os.nice: POSIX only
        os.nice(by)


def background_worker() -> None:
    """A background worker process's initializer: leaves with its parent, at a lower priority."""
    leave_with_parent()
    lower_priority()


def _tell_progress(generation: int, done: int, total: int) -> None:
    queue = _PROGRESS
    if queue is not None:
        try:
            queue.put_nowait((generation, done, total))
        except Exception:  # noqa: BLE001 - progress is a courtesy: the validation goes on
            return


def run_validation(state: ProjectState, generation: int = 0,
                   template: str | None = None) -> list[Problem]:
    from studio.core.validate import validate

    try:
        # The print preview lays its letter out and warns of the last page's fill and the
        # regulatory wording as printed itself. The email and mobile previews are not
        # WeasyPrint: the screens of TEMPLATE (the one on screen) are laid out here for the
        # wording, for the default sample where the project styles them (studio/core/
        # wording.py); every template's, for a big library, would cost seconds an edit.
        return validate(_last_project().get(state), full_layouts=False,
                        screen_layouts=frozenset({template} if template else ()),
                        progress=functools.partial(_tell_progress, generation))
    except Exception as exc:  # noqa: BLE001
        return [error("(studio)", 0, 0, f"validation failed: {exc!r}")]


def warm_up() -> bool:
    """Import the print stack and build the font configuration before the first preview."""
    from studio.core.channels.print import font_config

    font_config()
    return True


def guarded(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, Problem | None]:
    """Call FUNCTION in a worker: its result, or the Problem it raised (never an exception,
    so a bad block or a git failure reaches the window as a message)."""
    try:
        return function(*args, **kwargs), None
    except ProblemError as exc:
        return None, exc.problem
    except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker
        return None, error("(studio)", 0, 0, f"internal error: {exc!r}")


def prepare_preview_worker() -> None:
    """The studio's preview worker: leaves with the studio, memory capped, and ends itself
    when a rendition is stuck past its budget (the studio replaces it), its garbage collected
    between renders."""
    _prepare_worker()
    _collector.start()


def _prepare_worker() -> None:
    from studio.core.limits import prepare_worker

    leave_with_parent()
    prepare_worker()


# The print worker's niceness: a keystroke renders print (a few hundred ms of WeasyPrint) and
# the light channels (tens of ms each) at once, and on a 2-core machine the email and mobile
# previews waited for a core behind the layout. Slightly lower, print yields to them and takes
# the processor back when they are done (bench/README, "Key to paint").
PRINT_NICENESS = 4


def prepare_print_worker() -> None:
    """The print preview worker: a preview worker that lets the light channels go first."""
    prepare_preview_worker()
    lower_priority(PRINT_NICENESS)


# The whole-letter worker's flag, set by the studio when a key is pressed while it lays a
# letter out: the layout is given up at its next block (channels/draft.py, Superseded).
_SUPERSEDED: Any = None


def prepare_whole_worker(superseded: Any = None) -> None:
    """The worker of the whole letter after a pause in typing (the print preview shows
    drafts meanwhile): a preview worker that lets the next keystroke's previews go first,
    and gives a letter up when the studio sets SUPERSEDED (a multiprocessing Event)."""
    global _SUPERSEDED
    prepare_preview_worker()
    lower_priority()
    _SUPERSEDED = superseded


# Starting workers ----------------------------------------------------------------------------

# The module a fork server imports before it forks the workers (studio/core/preload.py).
PRELOAD = "studio.core.preload"


def worker_context() -> Any:
    """How the studio and the rendering server start their worker processes.

    On Linux, as forks of one fork server that imported the render stack once (PRELOAD): a
    worker is ready in milliseconds, where a spawned one spends about a second of processor
    time importing it, and the studio starts four at once beside its window. Elsewhere spawned
    afresh (forking a process that loaded macOS's or Windows' system libraries is not safe),
    and in the frozen desktop application (its executable re-enters as a spawned worker, not
    as a Python running a fork server's `-c` command). Never a fork of the caller itself: the
    studio is a Qt process with threads.
    """
    if sys.platform.startswith("linux") and not getattr(sys, "frozen", False):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


def start_worker_server() -> None:
    """Start the fork server now, so it imports the render stack while the caller starts
    (`missiva open` calls it before importing Qt); the first pool would otherwise wait for it."""
    context = worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


# The modules a worker had when it started (before its initializer): the fork server's.
_INHERITED: frozenset[str] = frozenset()
# The process that asked for this worker (the studio, the server): a fork server's child is
# the server's child, and the fork server lives as long as its children do.
_CLIENT: int | None = None


def inherited_modules() -> frozenset[str]:
    return _INHERITED


def as_parent(client: int, environ: dict[str, str], cwd: str | None,
              initializer: Callable[..., Any] | None, *args: Any) -> None:
    """A worker's first step: the process that asked for it (CLIENT), that process's
    environment and working folder as they are now (a fork server's child would have the
    server's, from when the server started), then INITIALIZER(*ARGS)."""
    global _INHERITED, _CLIENT
    _INHERITED = frozenset(sys.modules)
    _CLIENT = client
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    if cwd is not None:
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    if initializer is not None:
        initializer(*args)


def worker_pool(workers: int, initializer: Callable[..., Any] | None = None,
                initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """WORKERS processes started as `worker_context` says, each given its parent's present
    environment and working folder before INITIALIZER(*INITARGS)."""
    try:
        cwd: str | None = os.getcwd()
    except OSError:  # the folder was removed under us
        cwd = None
    return ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                               initializer=as_parent,
                               initargs=(os.getpid(), dict(os.environ), cwd, initializer,
                                         *initargs))


def _started_at(pid: int) -> str | None:
    """When process PID started (in clock ticks since boot, from /proc), None when it is gone,
    a zombie, or there is no /proc to ask."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def leave_with_parent() -> None:
    """A worker process's initializer: exit when the process that started it is gone (killed
    without a chance to stop its pool). A worker blocked on the pool's queue would otherwise
    wait for ever, an orphan. The process that started it is the studio or the server that
    asked for it, also when a fork server forked it (and would outlive the studio with it)."""
    parent = _CLIENT if _CLIENT is not None else os.getppid()
    born = _started_at(parent)

    def gone() -> bool:
        if born is None:  # no /proc: the parent is the one asking, or init once it is gone
            return os.getppid() != parent
        return _started_at(parent) != born  # ended, a zombie, or its number reused

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if gone():
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
