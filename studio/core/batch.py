"""Production batch: the records of an NDJSON file rendered in partitions on a Dask cluster.

Two layers; the rendering server (`/v1/render`, `/v1/batch`) uses the first without the second:

- `render_partition(spec, items)` runs in a worker (a Dask worker, or the server's process
  pool): it loads the project once per worker process (cached by root and the project's file
  signature, or the package id), checks each item's record on the one record path and renders
  its channels, returning rows and renditions (or the problem, naming the field at fault).
  `iter_batch(client, spec, items)` feeds partitions to a `distributed.Client`, a bounded
  number in flight, and yields what comes back.
- `run_batch(...)` is the command's batch: it reads the NDJSON lazily, routes each record
  (`--routed`) in the driver, skips what an earlier run of the same batch finished, writes each
  rendition to the output folder (`files.write_atomic`: on disk under a temporary name, then
  renamed) and only then its row to `results.ndjson`, so a killed batch restarted with the
  same arguments neither redoes nor duplicates anything and leaves nothing half-written.
  With `print_stream` it collates the print renditions for the mail room
  (`collate_print_stream`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.channels import CHANNELS, Rendition, reusing_renditions
from studio.core.files import write_atomic
from studio.core.limits import json_depth, limits_from
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, load_project
from studio.core.records import record_from_json, record_from_value
from studio.core.routing import MISSING, delivery_for, field_value, route
from studio.core.senddate import today

if TYPE_CHECKING:
    from distributed import Client

RESULTS = "results.ndjson"
BATCH_FILE = "batch.json"  # the arguments of the batch in this folder: a restart must match them
STREAM_MANIFEST = "print-stream.ndjson"


@dataclass(frozen=True)
class BatchSpec:
    """What every worker needs to render for one batch: plain values, cheap to send."""

    root: str
    template: str
    channel: str | None  # one channel for every record, or None: each record's routed channels
    locale: str | None
    source: str  # the data file's name, as problems in a record name it
    version: str  # the project's file signature: a worker reloads when the project changed
    time_limit: float | None = None  # seconds a rendition may take (None: the project's limits)
    send_date: str | None = None  # ISO (senddate.py); None: today where the worker renders

    @property
    def routed(self) -> bool:
        return self.channel is None


@dataclass(frozen=True)
class Item:
    """One record and the channels still to render for it."""

    index: int  # 1-based position among the input's records, as `missiva render` numbers them
    line: int  # its line in the input
    record: str | Mapping[str, Any] = field(repr=False)  # its JSON text, or the record itself
    channels: tuple[str, ...]
    record_id: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class Produced:
    """One rendition's row for results.ndjson and the rendition, or the problem that stopped it:
    `field` names what the problem is about ("template", "channel", "locale", or the record's
    field as "data.customer.name"; None for a template's own error), `internal` marks a bug."""

    row: Mapping[str, Any]
    rendition: Rendition | None = field(default=None, repr=False)
    problem: Problem | None = None
    field: str | None = None
    internal: bool = False

    @property
    def content(self) -> bytes | None:
        """The rendition's bytes (None when it failed)."""
        return None if self.rendition is None else self.rendition.content


def output_name(template: str, channel: str, index: int, extension: str) -> str:
    """The file name `missiva render --data FILE -o DIR` gives the same rendition."""
    return f"{template.replace('/', '_')}-{channel}-{index}.{extension}"


def project_version(root: str | os.PathLike[str]) -> str:
    """A signature of the project's files (path, size, mtime), so cached loads go stale."""
    digest = hashlib.sha256()
    base = Path(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(base)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


# In the worker ---------------------------------------------------------------------------------

_LOADED: OrderedDict[str, tuple[str, Project]] = OrderedDict()  # root → (version, project)
_KEPT = 8  # projects a process keeps (a server's worker renders several packages)
_LOADS = [0]  # how many times this process loaded a project (the tests and the bench ask)


class WorkerProblem(Exception):
    """A worker cannot do its part (no project at the batch's path on its machine). A plain
    message, so it pickles back to the driver intact."""


def worker_project(spec: BatchSpec) -> Project:
    """The project, loaded once per worker process and version, not once per record: the
    last few projects are kept (least recently used dropped), a project's older version never."""
    kept = _LOADED.get(spec.root)
    if kept is not None and kept[0] == spec.version:
        _LOADED.move_to_end(spec.root)
        return kept[1]
    if not (Path(spec.root) / "studio.yaml").is_file():
        import socket

        raise WorkerProblem(
            f"worker on {socket.gethostname()}: no project at {spec.root}; every worker "
            "needs the project at the same path as the batch (docs/batch.md)")
    _LOADED.pop(spec.root, None)
    project = load_project(spec.root)
    _LOADED[spec.root] = (spec.version, project)
    while len(_LOADED) > _KEPT:
        _LOADED.popitem(last=False)
    _LOADS[0] += 1
    return project


def project_loads() -> int:
    """How many projects this (worker) process has loaded."""
    return _LOADS[0]


def _failed(spec: BatchSpec, item: Item, channel: Any, problem: Problem,
            name: str | None = None, *, internal: bool = False) -> Produced:
    return Produced(_row(spec, item, channel, ok=False, error=str(problem)), None, problem, name,
                    internal)


def _row(spec: BatchSpec, item: Item, channel: Any, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"index": item.index, "id": item.record_id, "line": item.line,
                           "channel": channel}
    row.update(values)
    if item.postal_code is not None and channel in CHANNELS and CHANNELS[channel].paged:
        row["postal_code"] = item.postal_code
    return row


def _request_problem(project: Project, spec: BatchSpec, channel: Any) -> tuple[str, str] | None:
    """(field, message) when the template, channel or locale asked for is not the project's
    (`missiva batch` checks them before it starts; the server's requests name them per line)."""
    template = project.templates.get(spec.template) if isinstance(spec.template, str) else None
    if template is None:
        known = ", ".join(sorted(project.templates))
        return "template", f"template: no template {spec.template!r} (templates: {known})"
    if channel not in template.channels:
        return "channel", (f"channel: {channel!r} is not a channel of {spec.template} "
                           f"({', '.join(template.channels)})")
    if spec.locale is not None and spec.locale not in project.config.locales:
        return "locale", (f"locale: {spec.locale!r} is not a locale of the project "
                          f"({', '.join(project.config.locales)})")
    return None


def field_name(pointer: str | None) -> str:
    """The request field a record's problem is about, from its JSON pointer: "/customer/name"
    → "data.customer.name", "" (the record itself) → "data"."""
    parts = (pointer or "").split("/")[1:]
    return ".".join(["data", *(p.replace("~1", "/").replace("~0", "~") for p in parts)])


def render_item(project: Project, spec: BatchSpec, item: Item) -> list[Produced]:
    """Every channel of one record, as `missiva render` would render it: the record read and
    checked on the one record path (`studio.core.records`), then `render()`."""
    from studio.core.render import render

    for channel in item.channels:
        asked = _request_problem(project, spec, channel)
        if asked is not None:
            problem = error(spec.source, item.line, 0, asked[1])
            return [_failed(spec, item, c, problem, asked[0]) for c in item.channels]
    if isinstance(item.record, str):
        record = record_from_json(project.schema, item.record, spec.source, line=item.line,
                                  index=item.index)
    else:
        record = record_from_value(project.schema, item.record, spec.source, index=item.index)
        if record.problem is not None:  # a value has no lines of its own: the item's line
            record = dataclasses.replace(
                record, problem=dataclasses.replace(record.problem, line=item.line, col=0))
    if record.problem is not None:
        name = field_name(record.problem.pointer) if record.data is not None else None
        return [_failed(spec, item, c, record.problem, name) for c in item.channels or (None,)]
    produced = []
    limits = limits_from(project.config.raw, spec.time_limit)
    for channel in item.channels:
        try:
            rendition = render(project, spec.template, channel, record, spec.locale,
                               limits=limits, send_date=spec.send_date)
        except ProblemError as exc:
            produced.append(_failed(spec, item, channel, exc.problem))
            continue
        except Exception as exc:  # noqa: BLE001 - one record's bug must not stop the batch
            produced.append(_failed(spec, item, channel,
                                    error("(studio)", 0, 0, f"internal error: {exc!r}"),
                                    internal=True))
            continue
        facts = rendition.facts
        measure = {k: facts[k] for k in ("pages", "segments", "encoding") if k in facts}
        produced.append(Produced(
            _row(spec, item, channel,
                 file=output_name(spec.template, channel, item.index, rendition.extension),
                 sha256=hashlib.sha256(rendition.content).hexdigest(),
                 bytes=len(rendition.content), **measure, ok=True, error=None),
            rendition,
        ))
    return produced


def render_partition(spec: BatchSpec, items: list[Item]) -> list[Produced]:
    """A partition of records rendered in one worker (the task Dask runs)."""
    project = worker_project(spec)
    produced: list[Produced] = []
    with reusing_renditions():  # a record's print, and its email attaching it, laid out once
        for item in items:
            produced += render_item(project, spec, item)
    return produced


def plan_item(project: Project, spec: BatchSpec, index: int, line: int,
              text: str) -> tuple[Item, list[Produced]]:
    """One input record as an item: its id, postal code and channels (`spec.channel`, or its
    routed ones). A record that will not be rendered (not a JSON object, no channel can reach
    it) comes back with no channels and the rows that report it."""
    rules = delivery_for(project, spec.template)
    try:
        record = json.loads(text) if json_depth(text) is None else None
    except json.JSONDecodeError:
        record = None
    record_id = postal = None
    if isinstance(record, dict):
        record_id = _as_text(field_value(record, rules.record_id or "id"))
        if rules.postal_code:
            postal = _as_text(field_value(record, rules.postal_code))
    item = Item(index, line, text, (), record_id, postal)
    if spec.channel is not None:
        # A bad record is reported when rendered, as `missiva render` reports it.
        return dataclasses.replace(item, channels=(spec.channel,)), []
    if not isinstance(record, dict):
        return item, render_item(project, spec, item)
    chosen = route(project, spec.template, record)
    if not chosen.channels:
        problem = error(spec.source, line, 1, f"no channel: {chosen.reason}")
        return item, [_failed(spec, item, None, problem)]
    return dataclasses.replace(item, channels=chosen.channels), []


def peak_memory_kib() -> int:
    """This process's peak resident memory, in KiB (what the bench asks of each worker).

    Linux's VmHWM is the peak of this process's own address space; ru_maxrss, the fallback,
    survives exec and so may include the memory of the process that spawned this one.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# The driver -----------------------------------------------------------------------------------


def worker_count(client: Client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def iter_batch(client: Client, spec: BatchSpec, partitions: Iterable[list[Item]],
               in_flight: int | None = None) -> Iterator[list[Produced]]:
    """Each partition rendered on the cluster, results as they complete. At most `in_flight`
    partitions are out at once, so neither the driver nor the scheduler holds the whole batch."""
    from distributed import as_completed

    limit = in_flight or 3 * worker_count(client)
    source = iter(partitions)
    pending = as_completed()

    def submit() -> bool:
        items = next(source, None)
        if items is None:
            return False
        pending.add(client.submit(render_partition, spec, items, pure=False))
        return True

    for _ in range(limit):
        if not submit():
            break
    for future in pending:
        produced = future.result()
        future.release()
        submit()
        yield produced


@dataclass
class ChannelSummary:
    ok: int = 0
    failed: int = 0
    pages: int = 0
    segments: int = 0
    bytes: int = 0


@dataclass
class BatchProgress:
    records_total: int
    records_done: int = 0
    renditions: int = 0
    failed: int = 0
    skipped: int = 0  # renditions an earlier run had finished
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        """Renditions a second in this run."""
        elapsed = time.monotonic() - self.started
        return self.renditions / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if self.records_done == 0 or elapsed <= 0:
            return None
        return (self.records_total - self.records_done) * elapsed / self.records_done


@dataclass
class BatchResult:
    out: Path
    progress: BatchProgress
    channels: dict[str, ChannelSummary]
    unrouted: int = 0
    elapsed: float = 0.0
    workers: int = 0
    worker_peak_kib: dict[str, int] = field(default_factory=dict)
    stream: list[dict[str, Any]] = field(default_factory=list)


class BatchMismatch(Exception):
    """The output folder holds a batch run with other arguments."""


class BatchBusy(BatchMismatch):
    """Another batch is running into the same output folder."""


LOCK_FILE = ".batch.lock"


def _lock(out: Path) -> Any:
    """An exclusive lock on OUT for this process's lifetime (or until closed): two batches
    into one folder would both append to results.ndjson, and the mail room would send every
    letter twice. The kernel drops the lock when the process dies, so a killed batch resumes."""
    handle = (out / LOCK_FILE).open("a+b")
    try:
        import fcntl
    except ImportError:  # no flock on this platform: nothing to hold
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BatchBusy(f"{out}: another batch is running into this folder; wait for it to "
                        "finish, or give another --out") from None
    return handle


def _finished_rows(results: Path) -> list[dict[str, Any]]:
    """The rows of an earlier run; a last line cut by a kill is dropped (and cut from the file),
    so its rendition is done again."""
    if not results.exists():
        return []
    data = results.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with results.open("r+b") as handle:
            handle.truncate(len(complete))
    rows = []
    for line in complete.splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def _records(path: Path) -> Iterator[tuple[int, int, str]]:
    """(index, line, text) of each record line; blank lines skipped, as `render --data` does."""
    index = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            index += 1
            yield index, number, line.rstrip("\n")


def count_records(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())


def _as_text(value: Any) -> str | None:
    if value is None or value is MISSING or isinstance(value, (dict, list)):
        return None
    return str(value)


def run_batch(
    client: Client,
    project: Project,
    template: str,
    data: Path,
    out: Path,
    *,
    channel: str | None = None,
    locale: str | None = None,
    partition_size: int | None = None,
    print_stream: int | None = None,
    progress: Callable[[BatchProgress], None] | None = None,
    time_limit: float | None = None,
    send_date: str | None = None,
) -> BatchResult:
    """Render every record of an NDJSON file into `out`, resuming a batch left unfinished.
    One batch at a time in a folder: a second one raises BatchBusy. SEND_DATE (ISO) dates
    every rendition; without one, the batch is dated today in the project's time zone and the
    date is kept in the folder's batch.json, so resuming it tomorrow dates the rest alike."""
    out.mkdir(parents=True, exist_ok=True)
    lock = _lock(out)
    try:
        return _run_batch(client, project, template, data, out, channel=channel, locale=locale,
                          partition_size=partition_size, print_stream=print_stream,
                          progress=progress, time_limit=time_limit, send_date=send_date)
    finally:
        lock.close()


def _run_batch(
    client: Client,
    project: Project,
    template: str,
    data: Path,
    out: Path,
    *,
    channel: str | None,
    locale: str | None,
    partition_size: int | None,
    print_stream: int | None,
    progress: Callable[[BatchProgress], None] | None,
    time_limit: float | None,
    send_date: str | None,
) -> BatchResult:
    started = time.monotonic()
    arguments = {"template": template, "channel": channel or "routed", "locale": locale,
                 "data": str(data.resolve()), "project": str(project.root)}
    recorded = out / BATCH_FILE
    if recorded.exists():
        before = json.loads(recorded.read_text(encoding="utf-8"))
        # A batch's send date is pinned when it starts: a resumed one keeps it (an older
        # folder without one is dated as it resumes).
        arguments["send_date"] = send_date or before.get("send_date") or today(
            project.config.timezone)
        before.setdefault("send_date", arguments["send_date"])
        if before != arguments:
            changed = ", ".join(k for k in arguments if before.get(k) != arguments[k])
            raise BatchMismatch(f"{out} holds a batch with other arguments ({changed}); "
                                "give another --out")
    else:
        arguments["send_date"] = send_date or today(project.config.timezone)
        write_atomic(recorded, (json.dumps(arguments, indent=1) + "\n").encode())
    for stale in out.glob(".*.tmp"):
        stale.unlink()
    results = out / RESULTS
    earlier = _finished_rows(results)
    done = {(row.get("index"), row.get("channel")) for row in earlier}

    spec = BatchSpec(str(project.root), template, channel, locale, str(data),
                     project_version(project.root), time_limit, arguments["send_date"])
    total = count_records(data)
    workers = worker_count(client)
    size = partition_size or max(1, min(50, math.ceil(total / (workers * 4))))
    state = BatchProgress(total)
    summary: dict[str, ChannelSummary] = {}
    unrouted = 0

    def tally(row: Mapping[str, Any]) -> None:
        nonlocal unrouted
        if row.get("channel") is None:
            unrouted += 1
            return
        entry = summary.setdefault(row["channel"], ChannelSummary())
        if row.get("ok"):
            entry.ok += 1
            entry.pages += int(row.get("pages") or 0)
            entry.segments += int(row.get("segments") or 0)
            entry.bytes += int(row.get("bytes") or 0)
        else:
            entry.failed += 1

    for row in earlier:
        tally(row)
    handle = results.open("a", encoding="utf-8")
    # Each file is flushed to disk before its row is written; the flushes of a partition wait
    # on the disk together, not one after the other (a cheap rendition costs less than one).
    writer = ThreadPoolExecutor(max_workers=4, thread_name_prefix="batch-write")

    def record_rows(produced: Sequence[Produced]) -> None:
        files = [(out / e.row["file"], e.content) for e in produced if e.content is not None]
        for _ in writer.map(lambda file: write_atomic(*file), files):
            pass  # a failed write raises here, before any row of the partition is written
        for entry in produced:
            handle.write(json.dumps(entry.row, ensure_ascii=False) + "\n")
            tally(entry.row)
            state.renditions += entry.row.get("channel") is not None
            state.failed += not entry.row.get("ok")
        handle.flush()

    def partitions() -> Iterator[list[Item]]:
        batch: list[Item] = []
        for index, line, text in _records(data):
            item, unrendered = plan_item(project, spec, index, line, text)
            if unrendered and (index, None) not in done:
                record_rows(unrendered)
            wanted = item.channels
            todo = tuple(c for c in wanted if (index, c) not in done)
            state.skipped += len(wanted) - len(todo)
            if todo:
                batch.append(dataclasses.replace(item, channels=todo))
            else:
                state.records_done += 1
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    try:
        for produced in iter_batch(client, spec, partitions()):
            record_rows(produced)
            state.records_done += len({p.row["index"] for p in produced})
            if progress is not None:
                progress(state)
    finally:
        writer.shutdown()
        handle.close()
    if progress is not None:
        progress(state)
    result = BatchResult(out, state, summary, unrouted, time.monotonic() - started, workers)
    try:
        result.worker_peak_kib = dict(client.run(peak_memory_kib))
    except Exception:  # noqa: BLE001 - a figure for the summary, not worth failing a batch
        result.worker_peak_kib = {}
    if print_stream:
        result.stream = collate_print_stream(out, _finished_rows(results), print_stream)
    return result


# The mail room -------------------------------------------------------------------------------


def collate_print_stream(out: Path, rows: Iterable[Mapping[str, Any]],
                         max_sheets: int) -> list[dict[str, Any]]:
    """The print renditions collated into PDF files of at most `max_sheets` sheets, ordered by
    postal code (then record), with a manifest naming each letter's pages.

    Printing is duplex: each letter starts on a new sheet, so a letter with an odd number of
    pages is followed by a blank page. A letter longer than `max_sheets` gets a file of its own.
    """
    from pypdf import PdfReader, PdfWriter

    for old in out.glob("print-stream-*.pdf"):
        old.unlink()
    letters = sorted(
        (r for r in rows if r.get("ok") and r.get("channel") in CHANNELS
         and CHANNELS[r["channel"]].paged),
        key=lambda r: (r.get("postal_code") or "", r["index"]),
    )
    manifest: list[dict[str, Any]] = []
    writer: PdfWriter | None = None
    number = sheets = 0

    def flush() -> None:
        nonlocal writer
        if writer is not None:
            pdf = io.BytesIO()
            writer.write(pdf)
            write_atomic(out / f"print-stream-{number:04d}.pdf", pdf.getvalue())
            writer = None

    for row in letters:
        reader = PdfReader(out / row["file"])
        pages = len(reader.pages)
        need = math.ceil(pages / 2)
        if writer is None or sheets + need > max_sheets:
            flush()
            writer, number, sheets = PdfWriter(), number + 1, 0
        first = len(writer.pages) + 1
        writer.append(reader)
        if pages % 2:
            writer.add_blank_page()
        sheets += need
        manifest.append({
            "file": f"print-stream-{number:04d}.pdf", "first_page": first,
            "last_page": first + pages - 1, "sheets": need, "index": row["index"],
            "id": row.get("id"), "postal_code": row.get("postal_code"), "source": row["file"],
        })
    flush()
    lines = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in manifest)
    write_atomic(out / STREAM_MANIFEST, lines.encode("utf-8"))
    return manifest


def local_client(workers: int, memory_mb: int | None = None) -> Client:
    """A Dask cluster of `workers` processes on this machine (loopback only), one thread each:
    rendering holds the GIL, so processes, not threads, give the parallelism. With MEMORY_MB,
    each worker's address space is capped (limits.prepare_worker) and a worker stuck past a
    rendition's budget ends itself; its nanny starts another."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    # The workers' statistical profiler keeps a history that grows with the run's length
    # (30 MiB more per print worker after 300 letters, and 8% slower): a batch has no use for it.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               # None does not turn the dashboard off (dask/distributed
                               # #8136): a free loopback port, so batches never collide.
                               host="127.0.0.1", dashboard_address="127.0.0.1:0",
                               silence_logs=logging.ERROR)
    client = Client(cluster)
    if memory_mb is not None:
        from studio.core.limits import prepare_worker

        client.register_worker_callbacks(functools.partial(prepare_worker, memory_mb))
    return client
