"""Rendering for the server: a request (or a batch line) as a partition item for the batch's
worker, and what the worker produced as the server's Outcome.

Every request is rendered by `studio.core.batch.render_partition`, the task `missiva batch`
sends to its Dask workers: `/v1/render` as a partition of one, `/v1/batch` in chunks, in this
server's process pool or, with `--scheduler`, on the Dask cluster. That worker keeps the
projects it loaded (here one per package id: a package never changes, so the cache is never
stale), reads and checks each record on the one record path and names the field at fault.

Rendering is CPU-bound Python (Jinja, and WeasyPrint's layout holds the GIL for the whole
document), so it runs in worker processes: threads would serialise on the GIL and stall the
event loop's own thread between awaits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from studio.core.batch import BatchSpec, Item, Produced
from studio.core.jobs import leave_with_parent, worker_pool
from studio.core.limits import DEFAULT_MEMORY_MB, prepare_worker
from studio.core.problems import Problem


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


def request_item(store: str, package: str, template: Any, channel: Any, data: Mapping[str, Any],
                 locale: Any = None, where: str = "(record)", line: int = 1,
                 time_limit: float | None = None,
                 send_date: str | None = None) -> tuple[BatchSpec, Item]:
    """What to render for one request (or batch line): a template of a package, on a channel,
    for one record. WHERE and LINE are what problems call the record: "(record)", or
    "(batch)" and its NDJSON line. TIME_LIMIT is the server's --time-limit (None: the
    package's limits). SEND_DATE (ISO) dates it; None: today in the project's time zone."""
    spec = BatchSpec(str(Path(store) / "packages" / package), template, channel, locale, where,
                     package, time_limit, send_date)
    return spec, Item(line, line, data, (channel,))


def outcome_of(produced: Produced) -> Outcome:
    """What the batch's worker produced, as the server answers it: 200 and the rendition; 422
    and the problem, naming the request field at fault (a template past its budget is the
    package's fault, like any template error); 500 for a bug."""
    rendition = produced.rendition
    if rendition is not None:
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
    assert produced.problem is not None
    if produced.internal:
        return Outcome(500, problem=replace(produced.problem, path="(server)"))
    return Outcome(422, problem=produced.problem, field=produced.field)


def warm_up(memory_mb: int = DEFAULT_MEMORY_MB) -> None:
    """Set up a worker process: leave with the server, import the print stack and build its
    font configuration before the first request, then cap its memory (limits.prepare_worker:
    a worker stuck past a rendition's budget ends itself, and the pool is replaced)."""
    leave_with_parent()
    from studio.core.channels.print import font_config

    font_config()
    prepare_worker(memory_mb)


def executor(workers: int, memory_mb: int = DEFAULT_MEMORY_MB) -> Executor:
    """WORKERS processes (forks of the fork server that imported the render stack once, or
    spawned: the server's threads and event loop are never forked; jobs.worker_context), or,
    with 0, one thread in the server's own process (for debugging and tiny machines)."""
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
    return worker_pool(workers, warm_up, (memory_mb,))


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
