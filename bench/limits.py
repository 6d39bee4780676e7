"""The cost of the rendition budget (limits.py, the bounded sandbox) on normal renders.

    git worktree add /tmp/missiva-base <a revision before the limits>
    python3 bench/limits.py --baseline /tmp/missiva-base [--rounds 5] [--project PATH]

Each round runs the same cases in a fresh process of this tree and of the baseline tree, one
after the other (alternating which goes first), so both see the same machine load: every
template × channel × sample of the project, default locale, each case rendered `--runs` times
(print: a third of that) after a warm-up. A round's figure per channel is the sum over its cases
of each case's median; the report gives, per channel, the median over rounds of both trees and
the overhead. Without --baseline it prints this tree's figures only.
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

HERE = Path(__file__).resolve().parent.parent


def child(project: str, runs: int) -> dict[str, float]:
    from studio.core.project import load_project
    from studio.core.render import render

    loaded = load_project(project)
    totals: dict[str, float] = {}
    for _name, template in sorted(loaded.templates.items()):
        for channel in template.channels:
            for sample in sorted(loaded.samples.values(), key=lambda s: s.name):
                try:
                    render(loaded, template, channel, sample.record)  # warm-up
                except Exception:  # noqa: BLE001 - a sample the template rejects: not a case
                    continue
                times = []
                for _ in range(max(3, runs // 3) if channel == "print" else runs):
                    started = time.perf_counter()
                    render(loaded, template, channel, sample.record)
                    times.append(time.perf_counter() - started)
                totals[channel] = totals.get(channel, 0.0) + statistics.median(times)
    return totals


def run_tree(tree: Path, project: str, runs: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(HERE / "bench" / "limits.py"), "--child", "--project", project,
         "--runs", str(runs)], cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout without the limits")
    parser.add_argument("--project", default=str(HERE / "sample_projects" / "lumen-energia"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.project, args.runs)))
        return 0
    trees = {"limits": HERE}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for number in range(args.rounds):
        order = list(trees.items())
        if number % 2:
            order.reverse()
        for name, tree in order:
            rounds[name].append(run_tree(tree, args.project, args.runs))
        print(f"round {number + 1}/{args.rounds} done", file=sys.stderr)
    channels = sorted(rounds["limits"][0])
    report: dict[str, dict[str, float]] = {}
    print(f"{'channel':<8} {'limits ms':>10} {'baseline ms':>12} {'overhead':>9}")
    for channel in channels:
        mine = statistics.median(r[channel] for r in rounds["limits"]) * 1000
        row = {"limits_ms": round(mine, 2)}
        line = f"{channel:<8} {mine:>10.2f}"
        if "baseline" in rounds:
            base = statistics.median(r[channel] for r in rounds["baseline"]) * 1000
            row.update(baseline_ms=round(base, 2), overhead_pct=round(100 * (mine / base - 1), 2))
            line += f" {base:>12.2f} {row['overhead_pct']:>8.2f}%"
        report[channel] = row
        print(line)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
