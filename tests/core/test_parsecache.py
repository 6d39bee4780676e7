"""The parse cache: kept between runs, keyed by the text parsed, never stale, never a way in."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.parsecache import MISSING, ParseCache
from studio.core.project import load_project
from studio.core.sources import LocatedDict, load_yaml
from tests.conftest import REPO

BLOCK = """---
title: Informativa
owner: legal
regulatory: true
params: {{emphasis: false}}
---
Testo {n}.
"""


def status(root: Path, cache: Path) -> str:
    """`missiva status` in a process of its own, as a user runs it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("MISSIVA_PARSE_CACHE", None)
    done = subprocess.run([sys.executable, "-m", "studio.cli", "status", str(root)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Giulia Bianchi",
                    "-c", "user.email=giulia.bianchi@lumen.example", *args],
                   cwd=root, check=True, capture_output=True)


def test_status_sees_a_block_edited_on_disk_between_two_runs(
    project_dir, git_env: Path, tmp_path: Path
) -> None:
    root = project_dir({f"blocks/legal/b{n}.md": BLOCK.format(n=n) for n in range(3)})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    cache = tmp_path / "cache"
    first = status(root, cache)
    assert [line.split()[0] for line in first.splitlines()] == [
        "legal/b0", "legal/b1", "legal/b2", "legal/privacy"]
    stored = cache / "missiva" / "parsed.pickle"
    assert stored.is_file()
    kept = stored.read_bytes()

    # the same size, and the file's time put back: only the text tells the change
    path = root / "blocks/legal/b1.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("regulatory: true",
                                                             "regulatory: no  "))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    second = status(root, cache)
    assert [line.split()[0] for line in second.splitlines()] == ["legal/b0", "legal/b2",
                                                                  "legal/privacy"]
    assert stored.read_bytes() != kept  # the new front matter was kept for the next run

    # a block gone is gone, one added is there
    path.unlink()
    (root / "blocks/legal/b9.md").write_text(BLOCK.format(n=9), encoding="utf-8")
    third = status(root, cache)
    assert [line.split()[0] for line in third.splitlines()] == ["legal/b0", "legal/b2",
                                                                 "legal/b9", "legal/privacy"]


def test_a_cached_parse_equals_a_fresh_one_with_its_lines(tmp_path: Path) -> None:
    text = "title: A\nparams:\n  x: 1\nlist: [a, b]\nwhen: 2026-12-01\n"
    cache = ParseCache(tmp_path / "parsed.pickle")
    cache.put("yaml:1", text, load_yaml(text, "x.md", 1))
    cache.save()
    again = ParseCache(tmp_path / "parsed.pickle")  # as the next run reads it
    found = again.get("yaml:1", text)
    fresh = load_yaml(text, "x.md", 1)
    assert found == fresh
    assert isinstance(found, LocatedDict) and found.key_lines == fresh.key_lines
    assert found["params"].where("x") == (4, 3)
    assert found["list"].item_lines == fresh["list"].item_lines
    assert again.get("yaml:0", text) is MISSING  # another line offset is another parse
    assert again.get("yaml:1", text + " ") is MISSING
    # each answer is a copy of its own: a caller changing it changes nothing for the next
    found["title"] = "changed"
    assert again.get("yaml:1", text)["title"] == "A"


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize("payload", [
    pickle.dumps((1, "x", {b"k": _Boom()})),
    b"not a pickle at all",
    b"",
])
def test_a_foreign_or_damaged_cache_file_is_an_empty_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes
) -> None:
    monkeypatch.chdir(tmp_path)
    stored = tmp_path / "parsed.pickle"
    stored.write_bytes(payload)
    cache = ParseCache(stored)
    assert cache.get("yaml:1", "a: 1") is MISSING
    assert not (tmp_path / "pwned").exists()


def test_load_project_fills_the_cache_and_reads_it_back(
    project_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    root = project_dir()
    first = load_project(root)
    assert (tmp_path / "c" / "missiva" / "parsed.pickle").is_file()
    second = load_project(root)
    assert first.blocks == second.blocks
    assert first.templates == second.templates
    assert first.problems == second.problems


def test_a_save_on_a_hot_path_waits_for_enough_new_entries(tmp_path: Path) -> None:
    stored = tmp_path / "parsed.pickle"
    cache = ParseCache(stored)
    cache.put("yaml:1", "a: 1", {"a": 1})
    cache.save(at_least=50)  # the index rebuilt after one edit: not worth writing everything
    assert not stored.exists()
    cache.save()  # a project load: whatever it added
    assert ParseCache(stored).get("yaml:1", "a: 1") == {"a": 1}


def test_entries_of_other_parsing_code_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache says which code made it: the parsing modules' own text (a developer's edit
    # leaves the version number as it is), so entries another build made are parsed again.
    from studio.core import parsecache

    monkeypatch.chdir(tmp_path)
    stored = tmp_path / "parsed.pickle"
    cache = ParseCache(stored)
    cache.put("yaml:1", "a: 1", {"a": 1})
    cache.save()
    assert ParseCache(stored).get("yaml:1", "a: 1") == {"a": 1}
    version = parsecache._version()
    assert version.startswith("code ")
    key = ParseCache.key("yaml:1", "a: 1")
    entry = pickle.dumps({"a": 2})
    stored.write_bytes(pickle.dumps((parsecache.FORMAT, "0.1.0", {key: entry})))
    assert ParseCache(stored).get("yaml:1", "a: 1") is MISSING
    stored.write_bytes(pickle.dumps((parsecache.FORMAT, version, {key: entry})))
    assert ParseCache(stored).get("yaml:1", "a: 1") == {"a": 2}
    # an entry is read by the careful unpickler when asked for: one that would build anything
    # else is a miss, and the others are still read
    other = ParseCache.key("yaml:1", "b: 1")
    stored.write_bytes(pickle.dumps((parsecache.FORMAT, version, {
        key: entry, other: pickle.dumps(_Boom())})))
    again = ParseCache(stored)
    assert again.get("yaml:1", "b: 1") is MISSING
    assert again.get("yaml:1", "a: 1") == {"a": 2}
    assert not (Path.cwd() / "pwned").exists()


def test_a_kept_value_is_only_of_the_types_the_careful_unpickler_reads(tmp_path: Path) -> None:
    from studio.core.ledger import Judged, SignOff
    from studio.core.problems import error

    stored = tmp_path / "parsed.pickle"
    cache = ParseCache(stored)
    decision = SignOff("legal/privacy", "b" * 40, "approve", "ok", "giulia@example.com",
                       "legal", "2026-12-01T10:00:00Z", "c" * 40, {"letter/print": "d" * 64})
    judged = Judged((decision,), (error("blocks/a.md", 1, 2, "wrong"),), {"b": "a"}, {}, ())
    cache.put_value("judged", "tips", judged)
    cache.put_value("judged", "path", Path("blocks"))  # not a type it reads: not kept
    cache.save()
    again = ParseCache(stored)
    assert again.get_value("judged", "tips") == judged
    assert again.get_value("judged", "path") is MISSING


def test_a_slot_keeps_its_last_values_by_the_version_they_were_made_from(
    tmp_path: Path,
) -> None:
    from studio.core.parsecache import SLOT_VALUES

    stored = tmp_path / "parsed.pickle"
    cache = ParseCache(stored)
    big = "x" * 50_000
    for n in range(20):  # twenty edits of one library: the last few kept, not twenty
        cache.put_slot("blocks", f"v{n}", {"n": n, "text": big})
    cache.put_slot("blocks", "v15", {"n": 15, "text": big})  # put again: the newest now
    cache.put_slot("templates", "v0", {"n": "t"})
    cache.save()
    assert stored.stat().st_size < (SLOT_VALUES + 1) * len(big)
    again = ParseCache(stored)
    assert again.get_slot("blocks", "v19") == {"n": 19, "text": big}
    assert again.get_slot("blocks", "v15") == {"n": 15, "text": big}
    assert again.get_slot("blocks", f"v{20 - SLOT_VALUES}")["n"] == 20 - SLOT_VALUES
    assert again.get_slot("blocks", f"v{19 - SLOT_VALUES}") is MISSING
    assert again.get_slot("templates", "v0") == {"n": "t"}
    assert again.get_slot("templates", "v19") is MISSING
    again.put_slot("blocks", "v20", Path("blocks"))  # not a type it reads: not kept
    assert again.get_slot("blocks", "v20") is MISSING


SLOTTED = {
    "blocks/intro.md": "---\ntitle: Intro\nvariants: {sms: Ciao, fax: no}\n---\nBuongiorno.\n",
    "blocks/intro.en.md": "---\ntitle: Intro\n---\nGood morning.\n",
    "blocks/only.en.md": "Orphan translation.\n",
    "templates/letters/late.yaml": "title: Late\nchannels: [print, sms]\nbody:\n"
                                   "  - block: intro\n    colour: red\n",
    "templates/old.yml": "title: Old\n",
}


def test_blocks_and_templates_kept_whole_equal_those_parsed_file_by_file(
    project_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_dir(SLOTTED)
    monkeypatch.setenv("MISSIVA_PARSE_CACHE", "0")  # a cache of this process only
    fresh = load_project(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.delenv("MISSIVA_PARSE_CACHE")
    first, second = load_project(root), load_project(root)  # parsed, then kept whole
    for loaded in (first, second):
        assert loaded.blocks == fresh.blocks and loaded.templates == fresh.templates
        assert loaded.problems == fresh.problems
    messages = [str(p) for p in second.problems]
    assert any("unknown channel 'fax'" in m for m in messages)
    assert any("only.en.md" in m and "without its" in m for m in messages)
    assert any("old.yml" in m for m in messages)
    assert any("colour" in m for m in messages)
    assert "late" not in second.templates and "letters/late" in second.templates
    # an unsaved buffer and a file changed on disk are read, not taken from the slot
    edited = load_project(root, {"blocks/intro.md": "---\ntitle: Nuovo\n---\nSalve.\n"})
    assert edited.blocks["intro"].title == "Nuovo"
    assert not any("fax" in str(p) for p in edited.problems)
    (root / "templates/letters/late.yaml").write_text(
        "title: Later\nchannels: [sms]\nbody: [intro]\n", encoding="utf-8")
    changed = load_project(root)
    assert changed.templates["letters/late"].title == "Later"
    assert changed.blocks["intro"].title == "Intro"
    # the same texts in another folder (a snapshot of a commit) are the same blocks, kept once
    import shutil

    from studio.core.parsecache import parse_cache

    copy = tmp_path / "snapshot"
    shutil.copytree(root, copy)
    entries = len(parse_cache()._entries or {})
    elsewhere = load_project(copy)
    assert elsewhere.blocks == changed.blocks and elsewhere.templates == changed.templates
    assert elsewhere.problems == changed.problems
    assert len(parse_cache()._entries or {}) == entries


_SCHEMA_CHILD = """
import json, sys
from jsonschema import Draft202012Validator
checked = []
original = Draft202012Validator.check_schema.__func__

def counted(cls, schema, *args, **kwargs):
    checked.append(1)
    return original(cls, schema, *args, **kwargs)

Draft202012Validator.check_schema = classmethod(counted)
from studio.core.schema import record_problems, schema_problems
schema = json.loads(sys.argv[1])
problems = schema_problems(schema, "data/schema.json") + record_problems(
    schema, {"name": 7}, "data/samples/typical.json")
print(json.dumps({"checked": len(checked), "problems": [str(p) for p in problems]}))
"""


def test_a_schema_found_valid_is_checked_against_the_meta_schema_once_not_once_a_run(
    tmp_path: Path,
) -> None:
    """The meta-schema check (200 ms a process) was paid by every studio opening and every
    command reading a record; a valid schema's is remembered, an invalid one is checked (and
    reported) every time."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "PYTHONPATH": str(REPO)}
    env.pop("MISSIVA_PARSE_CACHE", None)

    def run(schema: str) -> dict:
        done = subprocess.run([sys.executable, "-c", _SCHEMA_CHILD, schema], capture_output=True,
                              text=True, env=env, cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        return __import__("json").loads(done.stdout)

    valid = '{"type": "object", "properties": {"name": {"type": "string"}}}'
    first, second = run(valid), run(valid)
    assert first["checked"] == 1 and second["checked"] == 0
    assert first["problems"] == second["problems"]
    assert len(first["problems"]) == 1 and "name" in first["problems"][0]
    invalid = '{"type": "object", "properties": {"name": {"type": 12}}}'
    for _ in range(2):
        again = run(invalid)
        assert again["checked"] >= 1
        assert any("not a valid JSON Schema" in p for p in again["problems"])


@pytest.mark.parametrize("module", ["index.py", "engine.py"])
def test_the_index_s_entries_are_as_old_as_its_code(monkeypatch: pytest.MonkeyPatch,
                                                    module: str) -> None:
    # "includes", "fields" and "project values" are found by index.py with engine.py's
    # parser: an edit of either makes a new cache, as an edit of the YAML parsers does.
    from studio.core import parsecache

    monkeypatch.setattr(parsecache, "_VERSION", [])
    before = parsecache._version()
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = real(path)
        return data + b"\n# edited\n" if path.name == module and path.parent.name == "core" \
            else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    monkeypatch.setattr(parsecache, "_VERSION", [])
    assert parsecache._version() != before
