#!/usr/bin/env python3
"""Production batch throughput and worker memory on a local Dask cluster.

    python3 bench/batch.py                          # 10,000 records, 1 and 2 workers (long)
    python3 bench/batch.py --records 200 --print-records 40 --memory 100,400   # a smoke run

Before and after, a control: the same print loop in one plain process, then in two at once
(no Dask): its ratio is what the machine can give a second worker at that moment.
For each case (sms, email, print on `payment-reminder`, and `--routed`) and each worker count
it starts a fresh local cluster (not timed), runs `run_batch` into a fresh folder and reports
renditions/s (wall time of the batch, project loads in the workers included) and the peak RSS
of each worker process. Memory flatness is the peak per worker for the smaller vs the larger
record count (`--memory`, default 1,000 and 10,000 sms records on 2 workers). The load average
is printed before and after: the scaling figure means something only on an idle machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from studio.core.batch import local_client, run_batch  # noqa: E402
from studio.core.project import load_project  # noqa: E402

SAMPLE = REPO / "sample_projects" / "lumen-energia"
VARIANTS = ["typical", "no-email", "consent-withdrawn", "invalid-phone", "unknown-preference",
            "long-address", "non-gsm", "english", "gold-customer"]


def make_records(path: Path, count: int) -> Path:
    """Records varied from the samples: distinct ids and postal codes, the samples' routing
    cases in turn (so --routed mixes print, email and sms as a real population would)."""
    bases = [json.loads((SAMPLE / "data/samples" / f"{n}.json").read_text()) for n in VARIANTS]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = copy.deepcopy(bases[number % len(bases)])
            record["customer"]["id"] = f"C{number:09d}"
            record["customer"]["address"]["postal_code"] = f"{(number * 7919) % 100000:05d}"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def run_case(records: Path, workers: int, channel: str | None, out: Path) -> dict[str, Any]:
    client = local_client(workers)
    try:
        project = load_project(SAMPLE)
        started = time.perf_counter()
        result = run_batch(client, project, "payment-reminder", records, out, channel=channel)
        elapsed = time.perf_counter() - started
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    made = result.progress.renditions
    peaks = sorted(result.worker_peak_kib.values())
    return {
        "case": channel or "routed", "workers": workers, "records": result.progress.records_total,
        "renditions": made, "failed": result.progress.failed, "seconds": round(elapsed, 2),
        "renditions_per_s": round(made / elapsed, 2),
        "worker_peak_mib": [round(p / 1024, 1) for p in peaks],
        "by_channel": {c: s.ok for c, s in result.channels.items()},
        "print_pages": result.channels["print"].pages if "print" in result.channels else 0,
    }


def _render_loop(count: int) -> float:
    """Renditions/s of print letters rendered in a plain loop (no Dask): the control."""
    from studio.core.render import render

    project = load_project(SAMPLE)
    record = json.loads((SAMPLE / "data/samples/typical.json").read_text())
    render(project, "payment-reminder", "print", record)
    started = time.perf_counter()
    for _ in range(count):
        render(project, "payment-reminder", "print", record)
    return count / (time.perf_counter() - started)


def control(count: int = 40) -> dict[str, float]:
    """What the machine gives two processes right now: the same print loop in one process,
    then in two at once. If two plain processes do not reach ~2x, no Dask setting will."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        alone = pool.apply(_render_loop, (count,))
    with context.Pool(2) as pool:
        pair = sum(pool.starmap(_render_loop, [(count,), (count,)]))
    return {"one_process_per_s": round(alone, 2), "two_processes_per_s": round(pair, 2),
            "ratio": round(pair / alone, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--print-records", type=int, help="records for print (default --records)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cases", default="sms,email,print,routed")
    parser.add_argument("--memory", default="1000,10000",
                        help="two sms record counts whose worker peaks are compared")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    load_before = os.getloadavg()
    report: dict[str, Any] = {"load_before": [round(x, 2) for x in load_before], "cases": []}
    print("control: print in 1, then 2 plain processes…", file=sys.stderr)
    report["control_before"] = control()
    scratch = Path(tempfile.mkdtemp(prefix="missiva-batch-bench-"))
    try:
        for case in args.cases.split(","):
            count = args.print_records or args.records if case == "print" else args.records
            data = make_records(scratch / f"{case}-{count}.ndjson", count)
            for workers in (int(w) for w in args.workers.split(",")):
                print(f"{case}: {count} records on {workers} worker(s)…", file=sys.stderr)
                out = scratch / f"out-{case}-{workers}"
                row = run_case(data, workers, None if case == "routed" else case, out)
                report["cases"].append(row)
                shutil.rmtree(out)
        small, large = (int(n) for n in args.memory.split(","))
        memory = []
        for count in (small, large):
            data = make_records(scratch / f"memory-{count}.ndjson", count)
            print(f"memory: {count} sms records on 2 workers…", file=sys.stderr)
            memory.append(run_case(data, 2, "sms", scratch / f"memory-{count}"))
        report["memory"] = memory
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("control: print in 1, then 2 plain processes…", file=sys.stderr)
    report["control_after"] = control()
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]

    print(f"load average before {report['load_before']}, after {report['load_after']}")
    for when in ("before", "after"):
        c = report[f"control_{when}"]
        print(f"control {when}: print in plain processes, 1: {c['one_process_per_s']}/s, "
              f"2 at once: {c['two_processes_per_s']}/s ({c['ratio']}x: what the machine "
              "gives a second process now)")
    print(f"{'case':<8} {'workers':>7} {'records':>8} {'renditions/s':>13} {'speed-up':>9} "
          f"{'peak MiB per worker':>20}")
    one: dict[str, float] = {}
    for row in report["cases"]:
        if row["workers"] == 1:
            one[row["case"]] = row["renditions_per_s"]
        base = one.get(row["case"])
        speedup = f"{row['renditions_per_s'] / base:.2f}×" if base else "–"
        print(f"{row['case']:<8} {row['workers']:>7} {row['records']:>8} "
              f"{row['renditions_per_s']:>13.1f} {speedup:>9} {str(row['worker_peak_mib']):>20}")
    for row in report["memory"]:
        print(f"memory: {row['records']} sms records, peak per worker {row['worker_peak_mib']} MiB")
    prints = [r for r in report["cases"] if r["case"] == "print" and r["workers"] == 1]
    if prints:
        row = prints[0]
        per_hour = row["renditions_per_s"] * 3600
        pages = per_hour * row["print_pages"] / max(1, row["renditions"])
        print(f"anchor: {per_hour:,.0f} print letters ({pages:,.0f} PDF pages) per hour per core")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1))
    else:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
