#!/usr/bin/env python3
"""`missiva status` of one code tree on one project, in fresh processes: wall and CPU time.

    python3 bench/status_ab.py CODE PROJECT [RUNS]      # CODE: a checkout's root (its studio/)

Each run is `python -m studio.cli status PROJECT` with CODE first on the path, so two trees
(a "before" exported with `git archive REV studio | tar -x -C DIR`, and this one) are measured
by the same interpreter; run them alternately. The first run is not counted: it writes the
.pyc files and fills the parse cache. CPU time is the child's user + system time, git's
processes included; on a shared machine it is the figure to read.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    code, root = argv[0], argv[1]
    runs = int(argv[2]) if len(argv) > 2 else 5
    env = {**os.environ, "PYTHONPATH": code}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    walls, cpus = [], []
    for number in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "studio.cli", "status", root], cwd=code,
                              env=env, capture_output=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            print(done.stderr.decode(errors="replace"), file=sys.stderr)
            return 1
        if number:
            walls.append(wall)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"{code} {root}: wall median {statistics.median(walls):.3f} s "
          f"(min {min(walls):.3f}), CPU median {statistics.median(cpus):.3f} s "
          f"(min {min(cpus):.3f}), n={runs}, load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
