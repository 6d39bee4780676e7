"""Rendering for the server: one request → one Outcome, in a worker process.

`render_request` is the whole per-record work (load the package's project, check the request
and the record, render): `/v1/render` runs it once, `/v1/batch` once a record. It takes and
returns plain picklable values so any executor can run it — the process pool here, or a Dask
cluster for batches spread over machines. Each process keeps the projects it loaded, per
package id (a package never changes, so the cache is never stale).

Rendering is CPU-bound Python (Jinja, and WeasyPrint's layout holds the GIL for the whole
document), so it runs in worker processes: threads would serialise on the GIL and stall the
event loop's own thread between awaits.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.jobs import leave_with_parent
from studio.core.limits import DEFAULT_MEMORY_MB, limits_from, prepare_worker
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, load_project

_KEPT = 8


@dataclass(frozen=True)
class RenderRequest:
    """What to render: a template of a package, on a channel, for one record."""

    store: str  # the store's folder
    package: str  # package id
    template: Any
    channel: Any
    data: Any = field(repr=False)
    locale: Any = None
    where: str = "(record)"  # the name problems give the record: "(record)", "(batch)"
    line: int = 1  # its line (in a batch, the NDJSON line)
    time_limit: float | None = None  # the server's --time-limit (None: the package's limits)


@dataclass(frozen=True)
class Outcome:
    """A rendition's bytes and facts, or the problem that stopped it (with an HTTP status and,
    for a bad request or record, the field at fault)."""

    status: int
    content: bytes = field(default=b"", repr=False)
    media_type: str = ""
    extension: str = ""
    template: str = ""
    channel: str = ""
    locale: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    problem: Problem | None = None
    field: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Projects:
    """The projects this process loaded, by (store, package id), least recently used dropped."""

    def __init__(self) -> None:
        self.loaded: OrderedDict[tuple[str, str], Project] = OrderedDict()

    def get(self, store: str, package: str) -> Project:
        key = (store, package)
        project = self.loaded.get(key)
        if project is None:
            project = load_project(Path(store) / "packages" / package)
            self.loaded[key] = project
            while len(self.loaded) > _KEPT:
                self.loaded.popitem(last=False)
        self.loaded.move_to_end(key)
        return project


_PROJECTS = _Projects()


def _bad(request: RenderRequest, name: str, message: str, status: int = 422) -> Outcome:
    return Outcome(status, problem=error(request.where, request.line, 0, message), field=name)


def render_request(request: RenderRequest) -> Outcome:
    """Render one request; every failure comes back as an Outcome, never as an exception."""
    from studio.core.render import render
    from studio.core.schema import record_problems

    try:
        project = _PROJECTS.get(request.store, request.package)
        template, channel, locale = request.template, request.channel, request.locale
        if not isinstance(template, str) or template not in project.templates:
            known = ", ".join(sorted(project.templates))
            return _bad(request, "template", f"template: no template {template!r} (templates: "
                        f"{known})")
        channels = project.templates[template].channels
        if channel not in channels:
            return _bad(request, "channel", f"channel: {channel!r} is not a channel of "
                        f"{template} ({', '.join(channels)})")
        if locale is not None and locale not in project.config.locales:
            return _bad(request, "locale", f"locale: {locale!r} is not a locale of the project "
                        f"({', '.join(project.config.locales)})")
        if not isinstance(request.data, Mapping):
            return _bad(request, "data", "data: the record must be a JSON object")
        problems = record_problems(project.schema, request.data, request.where)
        if problems:
            first = problems[0]
            return Outcome(
                422,
                problem=Problem(request.where, request.line, 0, first.severity, first.message),
                field=_field(first.message),
            )
        limits = limits_from(project.config.raw, request.time_limit)
        rendition = render(project, template, channel, request.data, locale, check_record=False,
                           limits=limits)
    except ProblemError as exc:
        # A template past its budget is the package's fault, like any template error: 422,
        # with the limit in the message.
        return Outcome(422, problem=exc.problem)
    except Exception as exc:  # noqa: BLE001 - a bug must not take the worker down
        return Outcome(500, problem=error("(server)", 0, 0, f"internal error: {exc!r}"))
    return Outcome(
        200,
        content=rendition.content,
        media_type=rendition.media_type,
        extension=rendition.extension,
        template=rendition.template,
        channel=rendition.channel,
        locale=rendition.locale,
        facts=dict(rendition.facts),
        warnings=tuple(str(w) for w in rendition.warnings),
    )


def render_requests(requests: list[RenderRequest]) -> list[Outcome]:
    """Several requests in one worker task (what a batch sends to the pool)."""
    return [render_request(request) for request in requests]


def _field(message: str) -> str:
    """The record field a schema problem names ("customer.name: …" → "data.customer.name"; a
    missing required property is named itself)."""
    at, _, rest = message.partition(": ")
    parts = [] if at == "(record)" else [at]
    missing = _REQUIRED.match(rest)
    if missing:
        parts.append(missing[1])
    return ".".join(["data", *parts])


_REQUIRED = re.compile(r"'([^']+)' is a required property")


def warm_up(memory_mb: int = DEFAULT_MEMORY_MB) -> None:
    """Set up a worker process: leave with the server, import the print stack and build its
    font configuration before the first request, then cap its memory (limits.prepare_worker:
    a worker stuck past a rendition's budget ends itself, and the pool is replaced)."""
    leave_with_parent()
    from studio.core.channels.print import font_config

    font_config()
    prepare_worker(memory_mb)


def executor(workers: int, memory_mb: int = DEFAULT_MEMORY_MB) -> Executor:
    """WORKERS processes (spawned: the server's threads and event loop are not forked), or,
    with 0, one thread in the server's own process (for debugging and tiny machines)."""
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up,
                               initargs=(memory_mb,))


def stop_pool(pool: Executor, grace: float = 2.0) -> None:
    """Stop a pool now, whatever its workers are doing: queued work is cancelled, the worker
    processes are asked to end (SIGTERM), and killed after GRACE seconds. A worker in the
    middle of a runaway rendition would otherwise hold the server's exit for its budget."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))
