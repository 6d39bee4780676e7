"""The studio's and the server's worker processes (jobs.worker_pool): forks of a fork server
that imported the render stack once, given their caller's present environment, and gone when
their caller is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.core.jobs import inherited_modules, start_worker_server, worker_pool

REPO = Path(__file__).resolve().parents[2]
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server: Linux")


@linux
def test_a_worker_starts_with_the_render_stack_and_its_callers_environment_of_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_worker_server()  # as `missiva open` does, before what follows
    monkeypatch.setenv("MISSIVA_WORKER_MARK", "set after the fork server started")
    monkeypatch.chdir(tmp_path)
    with worker_pool(1) as pool:
        inherited = pool.submit(inherited_modules).result(timeout=120)
        mark = pool.submit(os.getenv, "MISSIVA_WORKER_MARK").result(timeout=60)
        folder = pool.submit(os.getcwd).result(timeout=60)
        worker = pool.submit(os.getpid).result(timeout=60)
    # imported by the fork server before this worker existed, not by the worker itself
    assert {"weasyprint", "jinja2", "markdown_it", "studio.core.render"} <= inherited
    assert mark == "set after the fork server started"
    assert Path(folder) == tmp_path
    assert worker != os.getpid()


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


@linux
def test_a_worker_leaves_when_the_process_that_asked_for_it_is_killed(tmp_path: Path) -> None:
    # The fork server lives as long as any of its children: a worker must watch the studio
    # (or the server) itself, not its parent, or both would outlive a killed studio.
    code = (
        "import os, sys, time\n"
        "from studio.core.jobs import leave_with_parent, worker_pool\n"
        "if __name__ == '__main__':\n"
        "    pool = worker_pool(1, leave_with_parent)\n"
        "    print(pool.submit(os.getpid).result(timeout=120), flush=True)\n"
        "    time.sleep(600)\n"
    )
    script = tmp_path / "studio_like.py"
    script.write_text(code)
    caller = subprocess.Popen([sys.executable, str(script)], cwd=REPO, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert caller.stdout is not None
        worker = int(caller.stdout.readline())
        assert not _gone(worker)
        caller.send_signal(signal.SIGKILL)
        caller.wait(30)
        deadline = time.monotonic() + 30  # a readiness wait: the worker looks every second
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(worker)
    finally:
        caller.kill()
        caller.wait(30)

