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
