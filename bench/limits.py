"""The cost of the rendition budget (limits.py, the bounded sandbox) on normal renders.

    git worktree add /tmp/missiva-base <a revision before the limits>
    python3 bench/limits.py --baseline /tmp/missiva-base [--runs 9] [--project PATH]

Long-lived processes importing this tree and the baseline render the same cases in lockstep:
every template × channel × sample of the project in the default locale, each case warmed up,
then rendered `--runs` times by each process in turn (the order rotating), so all run under the
same machine load (a shared machine's load drifts by tens of percent within a minute; whole
runs made one after the other measure the drift). Each tree gets two processes, started in the
order this, baseline, baseline, this: an A/A run (`--baseline .`) showed one process slot ~7 %
slower than the other on a 2-core machine, whatever it ran, and the pairs cancel that out.
A channel's figure is the sum over its cases of the median of the tree's runs; the overhead is
this tree's figure over the baseline's. Without --baseline it prints this tree's figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def serve(project: str) -> None:
    """The child: list the cases, then render the case asked on each stdin line, once."""
    from studio.core.project import load_project
    from studio.core.render import render

    loaded = load_project(project)
    cases = []
    for name, template in sorted(loaded.templates.items()):
        for channel in template.channels:
            for sample in sorted(loaded.samples):
                try:
                    render(loaded, template, channel, loaded.samples[sample].record)  # warm-up
                except Exception:  # noqa: BLE001 - a sample the template rejects: not a case
                    continue
                cases.append((name, channel, sample))
    print(json.dumps(cases), flush=True)
    for line in sys.stdin:
        name, channel, sample = json.loads(line)
        record = loaded.samples[sample].record
        started = time.perf_counter()
        render(loaded, name, channel, record)
        print(time.perf_counter() - started, flush=True)


class Child:
    def __init__(self, tree: Path, project: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "bench" / "limits.py"), "--serve", "--project", project],
            cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.cases = [tuple(c) for c in json.loads(self.process.stdout.readline())]

    def time(self, case: tuple[Any, ...]) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(case) + "\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout without the limits")
    parser.add_argument("--project", default=str(HERE / "sample_projects" / "lumen-energia"))
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.project)
        return 0
    slots: list[tuple[str, Child]] = [("limits", Child(HERE, args.project))]
    if args.baseline is not None:
        base = args.baseline.resolve()
        slots += [("baseline", Child(base, args.project)), ("baseline", Child(base, args.project)),
                  ("limits", Child(HERE, args.project))]
    cases = slots[0][1].cases
    assert all(child.cases == cases for _, child in slots), "the trees render different cases"
    names = sorted({name for name, _ in slots})
    totals: dict[str, dict[str, float]] = {name: {} for name in names}
    for number, case in enumerate(cases):
        times: dict[str, list[float]] = {name: [] for name in names}
        for run in range(args.runs):
            for offset in range(len(slots)):
                name, child = slots[(run + offset) % len(slots)]
                times[name].append(child.time(case))
        channel = str(case[1])
        for name in names:
            totals[name][channel] = totals[name].get(channel, 0.0) + statistics.median(
                times[name])
        print(f"{number + 1}/{len(cases)} {case}", file=sys.stderr)
    for _, child in slots:
        child.close()
    report: dict[str, dict[str, float]] = {}
    print(f"{'channel':<8} {'cases':>5} {'limits ms':>10} {'baseline ms':>12} {'overhead':>9}")
    for channel in sorted(totals["limits"]):
        count = sum(1 for case in cases if case[1] == channel)
        mine = totals["limits"][channel] * 1000
        row = {"cases": count, "limits_ms": round(mine, 2)}
        line = f"{channel:<8} {count:>5} {mine:>10.2f}"
        if "baseline" in totals:
            base = totals["baseline"][channel] * 1000
            row.update(baseline_ms=round(base, 2), overhead_pct=round(100 * (mine / base - 1), 2))
            line += f" {base:>12.2f} {row['overhead_pct']:>8.2f}%"
        report[channel] = row
        print(line)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
