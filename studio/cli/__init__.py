"""The `missiva` command: validate, render, proof and manage projects from a terminal."""

from __future__ import annotations

import argparse
import functools
import gc
import html
import json
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import (
    SEND_DATE_HELP,
    TIME_LIMIT_HELP,
    UsageError,
    records_from,
    send_date,
    time_limit,
)
from studio.cli.common import load as _load
from studio.cli.common import template_named as _template
from studio.core.channels import CHANNEL_NAMES, CHANNELS, Rendition, reusing_renditions
from studio.core.files import write_atomic as _write_atomic
from studio.core.limits import Limits, limits_from
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project
from studio.core.senddate import today

if TYPE_CHECKING:
    from studio.core.records import Record


def cmd_validate(args: argparse.Namespace) -> int:
    from studio.core.validate import validate

    project = _load(args.project)
    _stop_when_stuck()
    problems = validate(project, time_limit=args.time_limit)
    if args.lang:  # English unless asked: scripts and CI logs read these lines
        problems = [Problem(p.path, p.line, p.col, p.severity, p.in_language(args.lang))
                    for p in problems]
    if args.json:
        print(json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem)
        errors = sum(p.is_error for p in problems)
        summary = (
            f"{project.name}: {len(project.templates)} templates, {len(project.blocks)} "
            f"blocks, {len(project.samples)} samples: "
        )
        summary += (
            f"{errors} error(s), {len(problems) - errors} warning(s)" if problems else "no problems"
        )
        print(summary, file=sys.stderr)
    return 1 if problems else 0


def _render_one(
    project: Project, template: str, channel: str, record: Record, locale: str | None,
    limits: Limits | None = None, sent: str | None = None,
) -> tuple[Rendition | None, Problem | None]:
    from studio.core.render import render

    try:
        return render(project, template, channel, record, locale, limits=limits,
                      send_date=sent), None
    except ProblemError as exc:
        return None, exc.problem


def _output_path(
    out: Path, many: bool, template: str, channel: str, record: Record, extension: str
) -> Path:
    if many or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        suffix = f"-{record.index}" if many else ""
        return out / f"{template.replace('/', '_')}-{channel}{suffix}.{extension}"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def cmd_render(args: argparse.Namespace) -> int:
    project = _load(args.project)
    _template(project, args.template)
    if args.locale is not None and args.locale not in project.config.locales:
        raise UsageError(
            f"unknown locale {args.locale!r} (locales: {', '.join(project.config.locales)})"
        )
    records = records_from(project, args.sample, args.data)
    many = len(records) > 1
    if many and not args.json and args.output is None:
        raise UsageError("several records: give -o DIR for the renditions, or --json")
    limits = limits_from(project.config.raw, args.time_limit)
    _stop_when_stuck()
    failures = 0
    # One send date for every record of the run, even one that crosses midnight.
    sent = args.send_date or today(project.config.timezone)
    for record in records:
        rendition, problem = _render_one(project, args.template, args.channel, record, args.locale,
                                         limits, sent)
        written = None
        if rendition is not None and args.output is not None:
            written = _output_path(
                Path(args.output), many, args.template, args.channel, record, rendition.extension
            )
            _write_atomic(written, rendition.content)
        # Over its segment budget a message costs more than the template allows: validate
        # fails on it, and so does render, unless the sender accepts the cost.
        over = (rendition is not None and bool(rendition.facts.get("over_budget"))
                and not args.allow_over_budget)
        if args.json:
            if rendition is not None:
                line = rendition.as_json()
            else:
                line = {
                    "template": args.template,
                    "channel": args.channel,
                    "locale": args.locale or project.config.default_locale,
                    "ok": False,
                    "error": str(problem),
                }
            line["record"] = record.label
            if written is not None:
                line["output"] = str(written)
            print(json.dumps(line, ensure_ascii=False), flush=True)
        elif problem is not None:
            print(problem, file=sys.stderr)
        elif rendition is not None:
            for warning in rendition.warnings:
                print(warning, file=sys.stderr)
            if written is None:
                _to_stdout(rendition)
        if over:
            print("missiva: error: the SMS is over its segment budget (sms.max_segments); "
                  "--allow-over-budget sends it anyway", file=sys.stderr)
        failures += rendition is None or over
    return 1 if failures else 0


def _stop_when_stuck() -> None:
    """A rendition stuck past its budget in code no exception reaches ends the command with
    exit 1 and the problem, rather than never."""
    from studio.core.limits import exit_when_stuck, time_message

    exit_when_stuck(lambda seconds: f"missiva: error: {time_message(seconds)} (stopped)", 1)


def _to_stdout(rendition: Rendition) -> None:
    kind = CHANNELS[rendition.channel]
    if kind.binary and sys.stdout.isatty():
        raise UsageError(f"a {kind.extension.upper()} is not for the terminal: "
                         f"give -o FILE.{kind.extension}")
    sys.stdout.buffer.write(rendition.content)
    if kind.segmented:  # a text message ends without a newline of its own
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def cmd_proof(args: argparse.Namespace) -> int:
    project = _load(args.project)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    sent = args.send_date or today(project.config.timezone)
    parts = [(name, sample) for name in sorted(project.templates)
             for sample in sorted(project.samples)]
    jobs = min(args.jobs or proof_jobs(), len(parts))
    rows: list[dict[str, Any]] = []

    def collect(done: Iterable[list[dict[str, Any]]]) -> None:
        for part in done:  # in the proof's order, each as soon as it and those before are done
            rows.extend(part)
            for row in part if not args.quiet else ():
                state = "ok " if row["ok"] else "ERR"
                print(f"{state} {row['template']} {row['sample']} {row['locale']} "
                      f"{row['channel']}", file=sys.stderr)

    if jobs > 1:
        # Each template and sample is a part of its own, in processes of their own (spawned:
        # nothing of this one is copied).
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                collect(pool.map(_proof_part_of, *zip(
                    *[(str(project.root), name, sample, sent, str(out))
                      for name, sample in parts], strict=True)))
        except BrokenProcessPool:
            raise ProblemError(error(str(out), 0, 0, (
                "a proof process stopped before its part was done (killed, or out of "
                "memory): nothing was indexed; run the proof again, or with --jobs 1"))) from None
    else:
        collect(_proof_part(project, name, sample, sent, out) for name, sample in parts)
    failures = sum(not row["ok"] for row in rows)
    _write_atomic(out / "index.html", _proof_index(project, rows).encode("utf-8"))
    _write_atomic(
        out / "proof.json",
        json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
    )
    print(f"{len(rows)} renditions, {failures} failed: {out / 'index.html'}")
    return 1 if failures else 0


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return jobs


def proof_jobs() -> int:
    """How many processes a proof renders in by default: the processors this one may use, at
    most 8 (each holds WeasyPrint and a copy of the project)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(8, usable))


def _proof_part_of(root: str, name: str, sample: str, sent: str, out: str
                   ) -> list[dict[str, Any]]:
    """_proof_part in a proof's worker process, the project loaded once a process."""
    return _proof_part(_proof_project(root), name, sample, sent, Path(out))


@functools.cache
def _proof_project(root: str) -> Project:
    from studio.core.project import load_project

    return load_project(root)


def _proof_part(project: Project, name: str, sample: str, sent: str, out: Path
                ) -> list[dict[str, Any]]:
    """Every locale and channel of template NAME for SAMPLE, written under OUT: the proof's
    rows for them."""
    from studio.core.records import sample_record
    from studio.core.render import render

    template = project.templates[name]
    record = sample_record(project, sample)
    rows: list[dict[str, Any]] = []
    # A bill's print and the email attaching it are laid out once.
    with reusing_renditions():
        for locale in project.config.locales:
            for channel in template.channels:
                row: dict[str, Any] = {
                    "template": name,
                    "sample": sample,
                    "locale": locale,
                    "channel": channel,
                }
                try:
                    rendition = render(project, template, channel, record, locale,
                                       send_date=sent)
                except ProblemError as exc:
                    row.update(ok=False, error=str(exc.problem))
                else:
                    relative = (
                        f"{name.replace('/', '_')}/{sample}.{locale}."
                        f"{channel}.{rendition.extension}"
                    )
                    target = out / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _write_atomic(target, rendition.content)
                    row.update(
                        ok=True,
                        file=relative,
                        facts=dict(rendition.facts),
                        warnings=[str(w) for w in rendition.warnings],
                    )
                rows.append(row)
    return rows


def _fact_summary(row: dict[str, Any]) -> str:
    return CHANNELS[row["channel"]].summary(row.get("facts") or {})


def _proof_index(project: Project, rows: list[dict[str, Any]]) -> str:
    esc = html.escape
    body = []
    for row in rows:
        if row["ok"]:
            link = f'<a href="{esc(row["file"])}">{esc(row["channel"])}</a>'
            facts = esc(_fact_summary(row))
            notes = "<br>".join(esc(w) for w in row["warnings"])
            status = "ok" if not row["warnings"] else "warn"
        else:
            link, facts, notes, status = esc(row["channel"]), "", esc(row["error"]), "error"
        body.append(
            f'<tr class="{status}"><td>{esc(row["template"])}</td><td>'
            f"{esc(row['sample'])}</td><td>{esc(row['locale'])}</td><td>{link}</td>"
            f"<td>{facts}</td><td>{notes}</td></tr>"
        )
    failed = sum(not r["ok"] for r in rows)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Proof — {esc(project.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }}
tr.error td {{ background: #fde8e8; }} tr.warn td {{ background: #fff7e0; }}
</style></head><body>
<h1>Proof: {esc(project.name)}</h1>
<p>{len(rows)} renditions ({failed} failed): every template × sample × locale × channel.</p>
<table><thead><tr><th>Template</th><th>Sample</th><th>Locale</th><th>Channel</th>
<th>Facts</th><th>Problems</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""


def cmd_send_test(args: argparse.Namespace) -> int:
    from studio.core.sending import as_test, send, smtp_settings

    project = _load(args.project)
    _template(project, args.template)
    [record] = records_from(project, args.sample, None)
    rendition, problem = _render_one(project, args.template, "email", record, args.locale)
    if rendition is None:
        print(problem, file=sys.stderr)
        return 1
    smtp = project.config.raw.get("smtp") or {}
    settings = smtp_settings(smtp if isinstance(smtp, dict) else {})
    message = as_test(rendition.content, args.to)
    send(message, settings)
    print(f"sent “{message['Subject']}” to {args.to} through {settings.host}:{settings.port}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from studio.core.create import create_project

    target = Path(args.path)
    try:
        commit = create_project(target, args.name)
    except ProblemError as exc:  # a folder in the way: how the command was called
        raise UsageError(f"{target}: {exc.problem.message}") from None
    print(f"created {target} (git repository, first commit {commit[:10]})")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from studio.core.userdata import studio_sample_project

    # Never the installed sample itself: an installed app must not write inside its files.
    project = Path(args.project) if args.project else studio_sample_project()
    # No collection while the studio starts (it would walk the modules and widgets it is
    # still making, 0.1-0.2 s of the start): once the window is up with its project, what it
    # holds for good is frozen and collection comes back (app.freeze_what_lives_on).
    gc.disable()
    # The render workers' fork server imports the render stack while Qt loads (jobs.py).
    from studio.core.jobs import start_worker_server

    start_worker_server()
    try:
        from studio.gui.app import run  # type: ignore[import-not-found]
    except ImportError:
        print(
            f"missiva open: the desktop studio is not built yet; meanwhile try\n"
            f"  missiva validate {project}\n  missiva proof {project} -o proof",
            file=sys.stderr,
        )
        return 2
    return int(run(project))


# Parser ------------------------------------------------------------------------------------


class _Version(argparse.Action):
    """--version: the version looked up only when asked (see studio.__getattr__)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from studio import __version__

        print(f"missiva {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="missiva",
        description="Missiva Studio: design customer communications once; "
        "preview and produce them as print, email, mobile and SMS.",
    )
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show program's version number and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("open", help="open the desktop studio (the sample project by default)")
    p.add_argument("project", nargs="?")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("validate", help="check a project; exit 1 when it has problems")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="problems as a JSON array")
    p.add_argument("--time-limit", type=time_limit, metavar="SECONDS", help=TIME_LIMIT_HELP)
    p.add_argument("--lang", metavar="LANG",
                   help="the problems' messages in LANG (it); English by default")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("render", help="render a template on one channel")
    p.add_argument("project")
    p.add_argument("template")
    p.add_argument("--channel", required=True, choices=CHANNEL_NAMES)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--sample", help="a sample record from data/samples/")
    source.add_argument("--data", help="a JSON record, or NDJSON (one record a line); - for stdin")
    p.add_argument("--locale")
    p.add_argument("-o", "--output", help="file (or folder, for several records)")
    p.add_argument("--json", action="store_true", help="one JSON object per rendition")
    p.add_argument("--time-limit", type=time_limit, metavar="SECONDS", help=TIME_LIMIT_HELP)
    p.add_argument("--send-date", type=send_date, metavar="DATE", help=SEND_DATE_HELP)
    p.add_argument("--allow-over-budget", action="store_true",
                   help="exit 0 even when an SMS is over its segment budget (sms.max_segments)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("proof", help="every template × channel × sample × locale, with an index")
    p.add_argument("project")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--send-date", type=send_date, metavar="DATE", help=SEND_DATE_HELP)
    p.add_argument("--jobs", type=_jobs, metavar="N",
                   help="render in N processes (default: one a processor, at most 8)")
    p.set_defaults(func=cmd_proof)

    p = sub.add_parser("send-test", help="send a template's email to a test address via SMTP")
    p.add_argument("project")
    p.add_argument("template")
    p.add_argument("--sample")
    p.add_argument("--locale")
    p.add_argument("--to", required=True, help="the test recipient")
    p.set_defaults(func=cmd_send_test)

    p = sub.add_parser("new", help="create a project from the starter, as a git repository")
    p.add_argument("path")
    p.add_argument("--name")
    p.set_defaults(func=cmd_new)

    from studio.cli.batch import add_commands as add_batch
    from studio.cli.check import add_commands as add_check
    from studio.cli.compliance import add_commands as add_compliance
    from studio.cli.export import add_commands as add_export
    from studio.cli.fmt import add_commands as add_fmt
    from studio.cli.packaging import add_commands as add_packaging
    from studio.cli.sync import add_commands as add_sync
    from studio.cli.versioning import add_commands as add_versioning

    add_versioning(sub)
    add_compliance(sub)
    add_export(sub)
    add_packaging(sub)
    add_batch(sub)
    add_sync(sub)
    add_check(sub)
    add_fmt(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"missiva {args.command}: {exc}", file=sys.stderr)
        return 2
    except ProblemError as exc:
        print(exc.problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # noqa: BLE001 - a bug: say so plainly, keep the details for a report
        if os.environ.get("MISSIVA_DEBUG"):
            traceback.print_exc()
        else:
            print(
                f"missiva {args.command}: internal error (a bug in Missiva). Run again with "
                "MISSIVA_DEBUG=1 for the details to report.",
                file=sys.stderr,
            )
        return 70

