#!/usr/bin/env python3
"""Versioning on a large history: a generated project of 1,000 blocks and 5,000 commits.

    python3 bench/history.py [--blocks 1000] [--commits 5000] [--runs 15] [--keep]

The history is built in one `git fast-import` process (seeded, so every run builds the same
repository). One "hot" block is edited in every 10th commit and renamed half way, so its
history is long and crosses a rename. Measured (median of warm runs, time.perf_counter):

- history of the hot block (one `git log --follow`),
- source diff of the hot block between a revision before the rename and HEAD,
- rendered diff of a template using the hot block, sms and print, warm (both revisions
  already exported) and cold (each run exports both trees again),
- compliance verify and block states (one walk judging every commit),
- status of the working tree with three files changed.

Targets are reported (met / missed), never asserted. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from studio.core.diff import rendered_diff, source_diff  # noqa: E402
from studio.core.history import Repository  # noqa: E402

TARGETS_MS = {"history": 300.0, "source diff": 100.0, "status": 500.0,
              "compliance verify": 2000.0}
HOT_OLD = "blocks/legal/terms.md"
HOT_NEW = "blocks/legal/terms-and-conditions.md"
AUTHORS = [
    ("Giulia Bianchi", "giulia.bianchi@lumen.example"),
    ("Marco Verdi", "marco.verdi@lumen.example"),
    ("Anna Neri", "anna.neri@lumen.example"),
]

STUDIO_YAML = """name: Large history
locales: [it, en]
default_locale: it
brand: {company: Large S.p.A., primary: "#0b5fff"}
email: {from: "Large <noreply@large.example>"}
"""
SCHEMA = {
    "type": "object",
    "required": ["customer"],
    "properties": {
        "customer": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "code": {"type": "string"}},
        }
    },
}
RECORD = {"customer": {"name": "Mario Rossi", "code": "C000123"}}


def block_path(index: int) -> str:
    return f"blocks/group{index // 50:02d}/block{index:04d}.md"


def block_text(title: str, version: int, rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    return (
        f'---\ntitle: {title}\nvariants:\n  sms: "{title} v{version} per {{{{ customer.name }}}}"\n'
        f"---\n{title}, versione {version}.\n\nGentile {{{{ customer.name }}}}, {words}.\n"
    )


_SENTENCE = (
    "contratto fornitura energia importo scadenza pagamento cliente servizio bolletta "
    "periodo consumo lettura offerta prezzo tariffa condizioni informazioni reclamo"
)
WORDS = _SENTENCE.split()


def template_text(hot_id: str) -> str:
    body = "\n".join(
        f"  - block: {b}"
        for b in (
            "group00/block0001",
            "group00/block0002",
            hot_id,
            "group01/block0050",
            "group19/block0999",
        )
    )
    return (
        'title: Notice\nchannels: [print, email, sms]\nemail:\n  subject: "Avviso"\n'
        f"sms:\n  max_segments: 4\nbody:\n{body}\n"
    )


def data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def fast_import_stream(blocks: int, commits: int, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    out = bytearray()
    when = 1_767_225_600  # 2026-01-01
    rename_at = commits // 2

    def commit(number: int, message: str, changes: list[bytes]) -> None:
        name, email = AUTHORS[number % len(AUTHORS)]
        stamp = when + number * 3600
        out.extend(b"commit refs/heads/main\nmark :%d\n" % number)
        out.extend(f"author {name} <{email}> {stamp} +0100\n".encode())
        out.extend(f"committer {name} <{email}> {stamp} +0100\n".encode())
        out.extend(data(message))
        if number > 1:
            out.extend(b"from :%d\n" % (number - 1))
        for change in changes:
            out.extend(change)
        out.extend(b"\n")

    def modify(path: str, text: str) -> bytes:
        return f"M 100644 inline {path}\n".encode() + data(text)

    first = [
        modify("studio.yaml", STUDIO_YAML),
        modify("data/schema.json", json.dumps(SCHEMA, indent=2)),
        modify("data/samples/typical.json", json.dumps(RECORD, indent=2)),
        modify("templates/notice.yaml", template_text("legal/terms")),
        modify(HOT_OLD, block_text("Condizioni", 0, rng)),
    ]
    first += [modify(block_path(i), block_text(f"Blocco {i}", 0, rng)) for i in range(blocks)]
    commit(1, "Initial project", first)
    hot_version = 0
    for number in range(2, commits + 1):
        if number == rename_at:
            hot_version += 1
            changes = [
                f"R {HOT_OLD} {HOT_NEW}\n".encode(),
                modify("templates/notice.yaml", template_text("legal/terms-and-conditions")),
            ]
            commit(number, "Rename the terms block", changes)
            continue
        if number % 10 == 0:
            hot_version += 1
            path = HOT_NEW if number > rename_at else HOT_OLD
            text = block_text("Condizioni", hot_version, rng)
            commit(number, f"Terms, version {hot_version}", [modify(path, text)])
            continue
        index = rng.randrange(blocks)
        text = block_text(f"Blocco {index}", number, rng)
        commit(number, f"Edit block {index}", [modify(block_path(index), text)])
    return bytes(out)


def build(root: Path, blocks: int, commits: int) -> float:
    start = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        input=fast_import_stream(blocks, commits),
        check=True,
    )
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return time.perf_counter() - start


def measure(function: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--print-runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="missiva-bench-history-")
    root = Path(folder) / "project"
    build_s = build(root, args.blocks, args.commits)
    repository = Repository(root)
    count = int(
        subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout
    )

    revisions = repository.history(HOT_NEW)
    before_rename = next(r.commit for r in revisions if r.path == HOT_OLD)
    rows: list[dict[str, Any]] = []

    def row(name: str, median: float, runs: list[float], note: str = "") -> None:
        target = TARGETS_MS.get(name)
        rows.append(
            {
                "measure": name,
                "median_ms": round(median, 1),
                "min_ms": round(min(runs), 1),
                "max_ms": round(max(runs), 1),
                "runs": len(runs),
                "target_ms": target,
                "met": None if target is None else median < target,
                "note": note,
            }
        )

    repository.history(HOT_NEW)  # warm the git processes and the OS cache
    median, runs = measure(lambda: repository.history(HOT_NEW), args.runs)
    row("history", median, runs, f"{len(revisions)} commits, across a rename")

    median, runs = measure(
        lambda: source_diff(repository, before_rename, "HEAD", HOT_NEW), args.runs
    )
    row("source diff", median, runs, "hot block, before its rename vs HEAD")
    # the block edited by HEAD~1 ("Edit block N"): changed in the range, never renamed
    plain = block_path(int(repository.revision("HEAD~1").subject.split()[-1]))
    median, runs = measure(lambda: source_diff(repository, "HEAD~100", "HEAD", plain), args.runs)
    row("source diff (no rename)", median, runs, f"{plain}, HEAD~100 vs HEAD")

    def sms() -> Any:
        return rendered_diff(repository, before_rename, "HEAD", "notice", "sms")

    assert sms().changed
    median, runs = measure(sms, args.runs)
    row("rendered diff sms (warm)", median, runs, "both revisions already exported")

    def cold(function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            repository.clear_snapshots()
            return function()

        return run

    median, runs = measure(cold(sms), args.print_runs)
    row("rendered diff sms (cold)", median, runs, "exports both trees (git archive) and loads")

    output = Path(folder) / "pages"

    def pdf() -> Any:
        return rendered_diff(
            repository, before_rename, "HEAD", "notice", "print", output_dir=output
        )

    result = pdf()
    median, runs = measure(pdf, args.print_runs)
    row(
        "rendered diff print (warm)",
        median,
        runs,
        f"{result.print.pages_b if result.print else 0} page(s), changed {result.changed_pages}",
    )
    median, runs = measure(cold(pdf), args.print_runs)
    row("rendered diff print (cold)", median, runs)

    # Compliance: verify judges every commit against the rules before it in one walk of the
    # history (git log --raw -M, the objects it needs in one cat-file --batch).
    from studio.core.compliance import block_states, verify

    median, runs = measure(lambda: verify(repository), args.print_runs)
    row("compliance verify", median, runs, f"every one of {count} commits judged")
    median, runs = measure(lambda: block_states(repository), args.print_runs)
    row("compliance states", median, runs, "the walk, then the project at HEAD")

    for index in (3, 500, 998):
        path = root / block_path(index)
        path.write_text(path.read_text() + "\nModificato.\n")
    (root / "blocks" / "new-block.md").write_text("---\ntitle: New\n---\nNuovo.\n")
    changes = repository.status()
    median, runs = measure(repository.status, args.runs)
    row("status", median, runs, f"{len(changes)} changes among {args.blocks + 5} files")

    print(
        f"\nversioning on {args.blocks} blocks, {count} commits "
        f"(built by git fast-import in {build_s:.1f} s)\n"
    )
    print(f"{'measure':<28} {'median':>9} {'min':>9} {'max':>9} {'target':>9}  {'':<6} note")
    for r in rows:
        target = f"{r['target_ms']:.0f} ms" if r["target_ms"] else ""
        state = "" if r["met"] is None else ("met" if r["met"] else "MISSED")
        print(
            f"{r['measure']:<28} {r['median_ms']:>6.1f} ms {r['min_ms']:>6.1f} ms "
            f"{r['max_ms']:>6.1f} ms {target:>9}  {state:<6} {r['note']}"
        )
    print(
        json.dumps(
            {
                "bench": "history",
                "blocks": args.blocks,
                "commits": count,
                "build_s": round(build_s, 2),
                "results": rows,
            }
        )
    )
    repository.close()
    if args.keep:
        print(f"kept {root}", file=sys.stderr)
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
