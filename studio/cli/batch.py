"""The production commands of `missiva`: route (who gets which channel, and why) and batch."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import (
    SEND_DATE_HELP,
    TIME_LIMIT_HELP,
    UsageError,
    load,
    records_from,
    send_date,
    template_named,
    time_limit,
)

if TYPE_CHECKING:
    from studio.core.batch import BatchProgress, BatchResult


def _usage(message: str) -> Exception:

    return UsageError(message)


def cmd_route(args: argparse.Namespace) -> int:
    from studio.core.routing import MISSING, delivery_for, field_value, route

    project = load(args.project)
    template_named(project, args.template)
    rules = delivery_for(project, args.template)
    records = records_from(project, args.sample, args.data)
    failures = 0
    for record in records:
        if record.data is None:  # not a record at all; one the schema refuses is still routed
            assert record.problem is not None
            failures += 1
            if args.json:
                print(json.dumps({"record": record.label, "ok": False,
                                  "error": str(record.problem)}, ensure_ascii=False))
            else:
                print(record.problem, file=sys.stderr)
            continue
        chosen = route(project, args.template, record.data)
        identity = field_value(record.data, rules.record_id or "id")
        identity = None if identity is MISSING else identity
        failures += not chosen.channels
        if args.json:
            line = {"record": record.label, "id": identity, "template": args.template,
                    "ok": bool(chosen.channels), **chosen.as_json()}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            who = record.label if identity is None else f"{record.label} ({identity})"
            where = " + ".join(chosen.channels) or "NONE"
            print(f"{who}: {where} — {chosen.reason}")
    return 1 if failures else 0


class ProgressBar:
    """Renditions, rate and ETA: a bar redrawn in place on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.every = every
        self.last: float | None = None  # the first state is always shown
        self.closed = False

    def __call__(self, state: BatchProgress) -> None:
        now = time.monotonic()
        finished = state.records_done >= state.records_total
        interval = 0.2 if self.tty else self.every
        if self.closed or (not finished and self.last is not None and now - self.last < interval):
            return
        self.closed = finished
        self.last = now
        eta = state.eta
        eta_text = "--" if eta is None else _duration(eta)
        counts = (f"{state.records_done}/{state.records_total} records, {state.renditions} "
                  f"renditions ({state.failed} failed), {state.rate:.1f}/s, ETA {eta_text}")
        if self.tty:
            width = 30
            filled = int(width * state.records_done / max(1, state.records_total))
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(f"\r[{bar}] {counts}\033[K")
            if finished:
                self.stream.write("\n")
        else:
            self.stream.write(counts + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def summary_lines(result: BatchResult) -> list[str]:
    lines = []
    state = result.progress
    for channel, entry in sorted(result.channels.items()):
        facts = []
        if entry.pages:
            facts.append(f"{entry.pages} pages")
        if entry.segments:
            facts.append(f"{entry.segments} segments")
        facts.append(f"{entry.bytes / 1e6:.1f} MB")
        lines.append(f"  {channel:<7} {entry.ok:>8} ok {entry.failed:>6} failed   "
                     + ", ".join(facts))
    if result.unrouted:
        lines.append(f"  {result.unrouted} record(s) not rendered: bad record or no channel "
                     "(see results.ndjson)")
    rate = state.renditions / result.elapsed if result.elapsed > 0 else 0.0
    lines.append(
        f"{state.renditions} renditions in {result.elapsed:.1f} s ({rate:.1f}/s) on "
        f"{result.workers} worker(s)"
        + (f"; {state.skipped} done by an earlier run, not redone" if state.skipped else "")
    )
    if result.worker_peak_kib:
        peak = max(result.worker_peak_kib.values()) / 1024
        lines.append(f"peak memory per worker: {peak:.0f} MiB")
    if result.stream:
        files = len({m["file"] for m in result.stream})
        lines.append(f"print stream: {len(result.stream)} letters in {files} file(s), "
                     "manifest print-stream.ndjson")
    return lines


def cmd_batch(args: argparse.Namespace) -> int:
    from distributed import KilledWorker

    from studio.core.batch import BatchMismatch, WorkerProblem, local_client, run_batch
    from studio.core.limits import limits_from

    project = load(args.project)
    template = template_named(project, args.template)
    if args.channel is not None and args.channel not in template.channels:
        raise _usage(f"template {args.template!r} has no channel {args.channel} "
                     f"(channels: {', '.join(template.channels)})")
    if args.channel is None and not args.routed:
        raise _usage("give --channel C, or --routed for each record's own channels")
    if args.locale is not None and args.locale not in project.config.locales:
        raise _usage(f"unknown locale {args.locale!r} "
                     f"(locales: {', '.join(project.config.locales)})")
    data = Path(args.data)
    if not data.is_file():
        raise _usage(f"{args.data}: no such data file")
    if args.workers < 1:
        raise _usage("--workers must be at least 1")
    if args.print_stream is not None and args.print_stream < 1:
        raise _usage("--print-stream needs a number of sheets, at least 1")
    # A batch is how letters reach a mail house: say when their regulatory wording is not
    # cleared (not approved, or changed since the last commit), or refuse with --approved-only.
    from studio.core.compliance import uncleared

    reasons = "; ".join(str(r) for r in uncleared(project.root, args.template))
    if reasons:
        note = (f"missiva batch: the regulatory wording of {args.template} is not cleared for "
                f"customers ({reasons}; missiva status says why)")
        if args.approved_only:
            print(f"{note}: refused (--approved-only)", file=sys.stderr)
            return 1
        print(f"{note}: this output is a proof, not a send", file=sys.stderr)
    if args.scheduler:
        from distributed import Client

        try:
            client = Client(args.scheduler, timeout="20s")
        except OSError as exc:
            raise _usage(f"cannot reach the Dask scheduler {args.scheduler}: {exc}") from None
    else:
        client = local_client(args.workers, limits_from(project.config.raw).memory_mb)
    try:
        result = run_batch(client, project, args.template, data, Path(args.out),
                           channel=args.channel, locale=args.locale,
                           partition_size=args.partition_size, print_stream=args.print_stream,
                           progress=None if args.quiet else ProgressBar(sys.stderr),
                           time_limit=args.time_limit, send_date=args.send_date)
    except BatchMismatch as exc:
        raise _usage(str(exc)) from None
    except WorkerProblem as exc:
        print(f"missiva batch: {exc}", file=sys.stderr)
        return 1
    except KilledWorker as exc:
        print(f"missiva batch: a worker died rendering a partition ({exc}); what was done is "
              "kept: run the same command again to resume", file=sys.stderr)
        return 1
    finally:
        cluster: Any = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and not args.scheduler:
            cluster.close()
    for line in summary_lines(result):
        print(line)
    if reasons:
        print(f"not cleared for customers: {reasons}")
    failed = sum(e.failed for e in result.channels.values()) + result.unrouted
    return 1 if failed else 0


def add_commands(sub: Any) -> None:
    from studio.core.channels import CHANNEL_NAMES

    p = sub.add_parser("route", help="which channel(s) each record receives, and why")
    p.add_argument("project")
    p.add_argument("template")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--sample", help="a sample record from data/samples/")
    source.add_argument("--data", help="a JSON record, or NDJSON (one record a line); - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per record")
    p.set_defaults(func=cmd_route)

    p = sub.add_parser("batch", help="render every record of an NDJSON file, on Dask")
    p.add_argument("project")
    p.add_argument("template")
    p.add_argument("--data", required=True, help="NDJSON: one record a line")
    p.add_argument("--out", required=True, help="folder for the renditions and results.ndjson")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--channel", choices=CHANNEL_NAMES, help="every record on this channel")
    how.add_argument("--routed", action="store_true",
                     help="each record on the channel(s) its delivery rules choose")
    p.add_argument("--locale")
    p.add_argument("--workers", type=int, default=2,
                   help="worker processes of the local cluster (default 2)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="an existing Dask cluster, e.g. tcp://HOST:8786")
    p.add_argument("--print-stream", type=int, metavar="N",
                   help="also collate print into PDFs of at most N sheets, by postal code")
    p.add_argument("--partition-size", type=int, help="records a task (default: automatic)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress")
    p.add_argument("--time-limit", type=time_limit, metavar="SECONDS", help=TIME_LIMIT_HELP)
    p.add_argument("--send-date", type=send_date, metavar="DATE",
                   help=SEND_DATE_HELP + "; kept in the folder, so a resumed batch keeps it")
    p.add_argument("--approved-only", action="store_true",
                   help="refuse unless every regulatory text the template uses is approved and "
                        "committed (a production run)")
    p.set_defaults(func=cmd_batch)
