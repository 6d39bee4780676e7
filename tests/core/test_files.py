"""write_atomic: the old content or the new, permissions kept, no temporary left behind."""

from __future__ import annotations

import os
import stat

import pytest

from studio.core.files import write_atomic


def test_replaces_content_and_keeps_permissions(tmp_path):
    path = tmp_path / "script.sh"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o750)
    write_atomic(path, "nuovo testo — è\n")
    assert path.read_bytes() == "nuovo testo — è\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["script.sh"]


def test_a_new_file_follows_the_umask_and_its_folder_is_made(tmp_path):
    previous = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "out" / "bill.pdf", b"%PDF-1.7")
    finally:
        os.umask(previous)
    assert path.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"record\n")
    with pytest.raises(TypeError):
        write_atomic(path, 42)  # type: ignore[arg-type]
    assert path.read_bytes() == b"record\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.jsonl"]


def test_a_read_only_file_is_not_replaced(tmp_path):
    from studio.core.files import ReadOnlyError

    path = tmp_path / "notice.md"
    path.write_text("approved wording\n")
    path.chmod(0o444)
    with pytest.raises(ReadOnlyError) as raised:
        write_atomic(path, "replaced\n")
    assert "read-only" in str(raised.value)
    assert path.read_text() == "approved wording\n"  # renaming over it would have worked
    assert [p.name for p in tmp_path.iterdir()] == ["notice.md"]


def test_leftovers_of_a_killed_save_are_found_and_removed(tmp_path):
    import subprocess
    import sys

    from studio.core.files import leftover_temporaries, remove_leftover_temporaries

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (tmp_path / "blocks").mkdir()
    killed = tmp_path / "blocks" / f".notice.md.{child.pid}-140.tmp"
    killed.write_text("half a bl")
    running = tmp_path / "blocks" / f".notice.md.{os.getpid()}-1.tmp"  # a save in progress
    running.write_text("being written")
    (tmp_path / "blocks" / "notice.md").write_text("the block\n")
    assert leftover_temporaries(tmp_path) == [killed]
    assert remove_leftover_temporaries(tmp_path) == [killed]
    assert sorted(p.name for p in (tmp_path / "blocks").iterdir()) == [
        running.name, "notice.md"]


def test_a_link_stays_a_link_and_a_pipe_a_pipe(tmp_path):
    # `missiva render ... -o /dev/null` run as root replaced the device with a regular file.
    import threading

    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert write_atomic(link, "new") == link
    assert link.is_symlink() and target.read_text() == "new"

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_atomic(pipe, b"through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "pipe", "real.txt"]
