#!/usr/bin/env python3
"""Validate after one edit, in one process, as the studio does it: wall and CPU time.

    python3 bench/validate_edit.py PROJECT [--block REL] [--runs 5] [--cli-default]

The project is loaded and validated once (what the studio has done when an author starts
typing); then, RUNS times, one block's text changes in an unsaved buffer: `reload(project,
[REL], overlay)` and `validate` again, timed together. `full_layouts=False` is what the
studio's validation runs (studio/core/jobs.py); --cli-default measures `missiva validate`'s
default (the print letter of the default sample laid out whole) as well. CPU time is this
process's (time.process_time): on a shared machine it is the figure to read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--block", default="blocks/section05/b0005.md")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli-default", action="store_true",
                        help="also measure full_layouts=True (missiva validate's default)")
    args = parser.parse_args(argv)

    from studio.core.project import load_project, reload
    from studio.core.validate import validate

    root = args.project.resolve()
    original = (root / args.block).read_text(encoding="utf-8")
    modes = [False, True] if args.cli_default else [False]
    for full in modes:
        start, cpu = time.perf_counter(), time.process_time()
        project = load_project(root)
        first = validate(project, full_layouts=full)
        print(f"full_layouts={full}: load + validate {time.perf_counter() - start:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU, {len(first)} problems")
        walls, cpus = [], []
        for number in range(args.runs):
            overlay = {args.block: original + f"\nOne more sentence, number {number}.\n"}
            start, cpu = time.perf_counter(), time.process_time()
            project = reload(project, [args.block], overlay)
            problems = validate(project, full_layouts=full)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            if len(problems) != len(first):
                print(f"  edit {number}: {len(problems)} problems (was {len(first)})")
        print(f"  after one edit: wall median {statistics.median(walls) * 1000:.0f} ms "
              f"(min {min(walls) * 1000:.0f}), CPU median {statistics.median(cpus) * 1000:.0f} ms"
              f" (min {min(cpus) * 1000:.0f}), n={args.runs}, load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
