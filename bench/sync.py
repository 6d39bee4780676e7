#!/usr/bin/env python3
"""Sync on a large history: two designers on the 1,000-block, 5,000-commit project.

    python3 bench/sync.py [--blocks 1000] [--commits 5000] [--each-way 10] [--runs 5]

The project is generated as in bench/history.py. Each run starts from a fresh server (a bare
clone on this disk: network aside) and two fresh clones; one designer commits --each-way edits
to blocks and syncs; the other commits as many edits to other blocks and syncs, which fetches
them, merges (no conflict) and pushes. Measured for that second sync (time.perf_counter, split
by the sync's own progress steps): the fetch, the integration itself (the merge), the push,
and the whole. Target: integration under 2 s. Reported, never asserted. Prints a table and
one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.history import block_path, build  # noqa: E402
from studio.core import sync  # noqa: E402
from studio.core.history import Repository  # noqa: E402

TARGET_MS = 2000.0


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def edit(root: Path, indexes: range, who: str) -> None:
    repository = Repository(root)
    try:
        for index in indexes:
            path = root / block_path(index)
            path.write_text(path.read_text(encoding="utf-8") + f"\nNota di {who}.\n",
                            encoding="utf-8")
            repository.commit(f"{who}: block {index}", [block_path(index)])
    finally:
        repository.close()


def one_run(base: Path, work: Path, each_way: int) -> dict[str, float]:
    server = work / "server.git"
    git(work, "clone", "-q", "--bare", str(base), str(server))
    anna, bruno = work / "anna", work / "bruno"
    sync.clone(str(server), anna)
    sync.clone(str(server), bruno)
    edit(anna, range(10, 10 + each_way), "Anna")
    assert sync.sync(anna).ok
    edit(bruno, range(500, 500 + each_way), "Bruno")
    marks: dict[str, float] = {}

    def progress(line: str) -> None:
        marks.setdefault(line.split()[0], time.perf_counter())

    start = time.perf_counter()
    result = sync.sync(bruno, progress=progress)
    end = time.perf_counter()
    assert result.ok and len(result.received) == each_way, result.message
    return {
        "fetch": (marks["combining"] - marks["receiving"]) * 1000,
        "integration": (marks["sending"] - marks["combining"]) * 1000,
        "push": (end - marks["sending"]) * 1000,
        "whole sync": (end - start) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--each-way", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("MISSIVA_AUTHOR_NAME", "Bench")
    os.environ.setdefault("MISSIVA_AUTHOR_EMAIL", "bench@large.example")
    with tempfile.TemporaryDirectory(prefix="missiva-bench-sync-") as folder:
        base = Path(folder) / "base"
        built = build(base, args.blocks, args.commits)
        print(f"built {args.blocks} blocks, {args.commits} commits in {built:.1f} s")
        runs = []
        for number in range(args.runs):
            work = Path(folder) / f"run{number}"
            work.mkdir()
            runs.append(one_run(base, work, args.each_way))
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{'measure':<14} {'median':>10} {'max':>10}")
    for key, value in medians.items():
        print(f"{key:<14} {value:>8.1f}ms {max(r[key] for r in runs):>8.1f}ms")
    met = medians["integration"] < TARGET_MS
    print(f"integration < {TARGET_MS:.0f} ms: {'met' if met else 'missed'}")
    print(json.dumps({"bench": "sync", "each_way": args.each_way, "runs": args.runs,
                      "median_ms": {k: round(v, 1) for k, v in medians.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
