"""The project lock: who else has the project open (pid, host); stale claims are ignored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from studio.core.lock import ProjectLock, process_alive


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_owner_sees_the_first_with_its_pid_and_host(tmp_path: Path) -> None:
    first, second = ProjectLock(tmp_path / "windows"), ProjectLock(tmp_path / "windows")
    assert first.acquire() == []
    others = second.acquire()
    assert [o.id for o in others] == [first.me.id]
    assert others[0].pid == first.me.pid and others[0].host == first.me.host
    assert str(first.me.pid) in others[0].describe()
    assert first.live_ids() == {first.me.id, second.me.id}
    first.release()
    assert second.owners() == []


def test_a_claim_whose_process_is_gone_is_stale_and_removed(tmp_path: Path) -> None:
    folder = tmp_path / "windows"
    crashed = ProjectLock(folder, "crashed")
    crashed.acquire()
    record = json.loads((folder / "crashed.lock").read_text())
    record["pid"] = dead_pid()
    (folder / "crashed.lock").write_text(json.dumps(record))
    fresh = ProjectLock(folder)
    assert fresh.acquire() == []
    assert not (folder / "crashed.lock").exists()
    assert fresh.live_ids() == {fresh.me.id}


def test_a_reused_pid_does_not_keep_a_claim_alive(tmp_path: Path) -> None:
    # Our own pid, but the claim is older than this process: another process had the id.
    assert not process_alive(ProjectLock(tmp_path).me.pid, since=0.0)
    assert process_alive(ProjectLock(tmp_path).me.pid)
    assert not process_alive(dead_pid())


def test_a_half_written_claim_is_nobodys(tmp_path: Path) -> None:
    folder = tmp_path / "windows"
    folder.mkdir()
    (folder / "broken.lock").write_text('{"id": "broken", "pid"')
    assert ProjectLock(folder).owners() == []
    assert not (folder / "broken.lock").exists()
