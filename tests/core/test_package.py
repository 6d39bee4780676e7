"""Packages: deterministic build from a committed version, and a reader that refuses hostile bytes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.history import open_repository
from studio.core.package import (
    MANIFEST,
    Limits,
    PackageError,
    PackageTooLarge,
    build_package,
    deterministic_zip,
    package_from,
    read_package,
)
from studio.core.problems import ProblemError
from tests.conftest import REPO, SAMPLE, edit, write_project

IDENTITY = {
    f"GIT_{who}_{what}": value
    for who in ("AUTHOR", "COMMITTER")
    for what, value in (("NAME", "Giulia Bianchi"), ("EMAIL", "legal@test.example"))
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True,
        env={**os.environ, **IDENTITY},
    ).stdout


@pytest.fixture
def project(tmp_path: Path, git_env: Path) -> Path:
    root = write_project(tmp_path / "project")
    (root / "README.md").write_text("notes for the team\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


def members(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [i.filename for i in archive.infolist()]


def test_same_commit_same_bytes_even_from_another_clone(project: Path, tmp_path: Path) -> None:
    first = build_package(project)
    assert build_package(project).data == first.data
    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    again = build_package(clone)
    assert again.data == first.data and again.id == first.id
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos][0] == MANIFEST
    assert [i.filename for i in infos][1:] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {stat.S_IMODE(i.external_attr >> 16) for i in infos} == {0o644}


def test_contents_and_manifest(project: Path) -> None:
    git(project, "tag", "-a", "v1", "-m", "first release")
    package = build_package(project)
    names = members(package.data)
    assert "studio.yaml" in names and "blocks/legal/privacy.md" in names
    assert "templates/letter.yaml" in names and "data/schema.json" in names
    assert not [n for n in names if n.startswith((".git", "data/samples")) or n == "README.md"]
    manifest = json.loads(package.manifest_bytes)
    assert manifest["format"] == 1 and manifest["project"] == "Test Project"
    assert manifest["commit"] == git(project, "rev-parse", "HEAD").strip()
    assert manifest["tag"] == "v1"
    assert manifest["templates"] == {
        "letter": {"title": "Lettera", "channels": ["print", "email", "mobile", "sms"]}
    }
    assert manifest["locales"] == ["it", "en"] and manifest["default_locale"] == "it"
    assert manifest["schema"]["required"] == ["customer", "invoice"]
    assert set(manifest["files"]) == set(names) - {MANIFEST}
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        privacy = archive.read("blocks/legal/privacy.md")
    import hashlib

    assert manifest["files"]["blocks/legal/privacy.md"] == {
        "sha256": hashlib.sha256(privacy).hexdigest(),
        "size": len(privacy),
    }
    [evidence] = manifest["signoffs"]
    assert evidence["block"] == "legal/privacy" and evidence["state"] == "pending"
    assert evidence["blob"] == git(project, "rev-parse", "HEAD:blocks/legal/privacy.md").strip()
    with_samples = build_package(project, with_samples=True)
    assert "data/samples/typical.json" in members(with_samples.data)
    assert with_samples.manifest["samples"] == ["typical"]
    assert with_samples.file_name.endswith("-samples.zip") and with_samples.id != package.id


def test_manifest_says_the_send_date_comes_from_the_request(project: Path) -> None:
    """A package pins no send date (the same commit gives the same bytes on any day); its
    manifest says each request supplies the day, else today in the project's time zone."""
    manifest = json.loads(build_package(project).manifest_bytes)
    assert manifest["send_date"] == {"from": "request", "default": "today",
                                     "timezone": "Europe/Rome"}


def test_dirty_tree_refused_unless_rev(project: Path) -> None:
    before = build_package(project)
    edit(project, "blocks/greeting.md", "Gentile", "Caro")
    with pytest.raises(ProblemError, match="uncommitted changes.*--rev") as refused:
        build_package(project)
    assert refused.value.problem.path == "blocks/greeting.md"
    assert build_package(project, "HEAD").data == before.data  # the committed version
    (project / "notes.txt").write_text("not a project file")  # not packaged: not dirty
    git(project, "checkout", "-q", "--", "blocks/greeting.md")
    assert build_package(project).data == before.data
    (project / "blocks" / "new.md").write_text("---\ntitle: New\n---\nNew.\n")
    with pytest.raises(ProblemError, match="untracked"):
        build_package(project)


def test_bad_revision_and_empty_repository(project: Path, tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="no such revision"):
        build_package(project, "nope")
    empty = write_project(tmp_path / "empty")
    git(empty, "init", "-q")
    with pytest.raises(ProblemError, match="nothing committed"):
        build_package(empty)


def test_a_version_with_errors_is_not_exported(project: Path) -> None:
    (project / "templates" / "broken.yaml").write_text("title: [unclosed\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Broken")
    with pytest.raises(ProblemError, match="fix them first") as refused:
        build_package(project)
    assert refused.value.problem.path == "templates/broken.yaml"


def test_sample_project_inside_this_repository(tmp_path: Path) -> None:
    # The bundled sample lives in a subfolder of the Missiva repository: the repository prefix.
    package = build_package(SAMPLE, "HEAD", with_samples=True)
    names = members(package.data)
    assert "studio.yaml" in names and "templates/bill.yaml" in names
    assert "data/samples/typical.json" in names
    assert not [n for n in names if n.startswith(("sample_projects", "studio/", "README"))]
    assert package.manifest["project"] == "Lumen Energia"
    assert package.commit == git(REPO, "rev-parse", "HEAD").strip()
    assert read_package(package.data).id == package.id


def test_symlink_in_the_tree_is_refused(project: Path) -> None:
    (project / "assets").mkdir()
    (project / "assets" / "link.png").symlink_to("/etc/passwd")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Link")
    with pytest.raises(ProblemError, match="symbolic link") as refused:
        build_package(project)
    assert refused.value.problem.path == "assets/link.png"


# The reader -------------------------------------------------------------------------------


@pytest.fixture
def good(project: Path) -> bytes:
    return build_package(project).data


def rezip(data: bytes, change) -> bytes:
    """The package with its members passed through CHANGE(list of [ZipInfo, bytes])."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [[info, archive.read(info)] for info in archive.infolist()]
    change(entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes, *, listed: bool = True,
                mode: int = stat.S_IFREG | 0o644) -> bytes:
    """The package with an extra member (listed in a re-hashed manifest unless told not)."""
    package = read_package(data)
    files = {**package.files}
    manifest = json.loads(package.manifest_bytes)
    if listed:
        import hashlib

        manifest["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                   "size": len(content)}
    rebuilt = package_from(manifest, files).data

    def add(entries):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = mode << 16
        entries.append([info, content])

    return rezip(rebuilt, add)


def test_the_reader_accepts_a_built_package(good: bytes) -> None:
    package = read_package(good)
    assert package.data == good and "studio.yaml" in package.files


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.md", "traversal"),
        ("blocks/../../evil.md", "traversal"),
        ("/etc/cron.d/evil", "absolute"),
        ("C:/evil.md", "absolute"),
        ("blocks\\..\\evil.md", "backslash"),
        (".git/hooks/post-checkout", "not a file the engine reads"),
        ("blocks//x.md", "empty"),
    ],
)
def test_hostile_member_names(good: bytes, name: str, message: str) -> None:
    with pytest.raises(PackageError, match=message):
        read_package(with_member(good, name, b"x"))


def test_symlink_member(good: bytes) -> None:
    hostile = with_member(good, "assets/passwd", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)
    with pytest.raises(PackageError, match="symbolic link") as refused:
        read_package(hostile)
    assert refused.value.problem.path == "assets/passwd"


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_unlisted_missing_and_altered_members(good: bytes) -> None:
    with pytest.raises(PackageError, match="not listed in the manifest"):
        read_package(with_member(good, "assets/extra.png", b"x", listed=False))

    def drop(entries):
        entries[:] = [e for e in entries if e[0].filename != "blocks/greeting.md"]

    with pytest.raises(PackageError, match="missing from the package") as missing:
        read_package(rezip(good, drop))
    assert missing.value.problem.path == "blocks/greeting.md"

    def alter(entries):
        for entry in entries:
            if entry[0].filename == "blocks/greeting.md":
                entry[1] = entry[1].replace(b"Gentile", b"Egregio")

    with pytest.raises(PackageError, match="SHA-256") as altered:
        read_package(rezip(good, alter))
    assert altered.value.problem.path == "blocks/greeting.md"

    def twice(entries):
        entries.append([entries[1][0], entries[1][1]])

    with pytest.raises(PackageError, match="twice"):
        read_package(rezip(good, twice))


def replace_manifest(data: bytes, text: bytes) -> bytes:
    def change(entries):
        entries[0][1] = text

    return rezip(data, change)


@pytest.mark.parametrize(
    ("edit_manifest", "message"),
    [
        (lambda m: m.update(format=99), "unsupported package format"),
        (lambda m: m.update(commit="abc"), "commit"),
        (lambda m: m.update(locales=[]), "locales"),
        (lambda m: m.update(default_locale="fr"), "default_locale"),
        (lambda m: m["templates"].update(letter={"channels": ["fax"]}), "channels"),
        (lambda m: m.update(files=[]), "files"),
        (lambda m: m["files"]["studio.yaml"].update(sha256="zz"), "sha256"),
        (lambda m: m.pop("templates"), "templates"),
        (lambda m: m["files"].pop("templates/letter.yaml"), "missing"),
    ],
)
def test_malformed_manifests(good: bytes, edit_manifest, message: str) -> None:
    manifest = json.loads(read_package(good).manifest_bytes)
    edit_manifest(manifest)
    with pytest.raises(PackageError, match=message) as refused:
        read_package(replace_manifest(good, json.dumps(manifest, indent=1).encode()))
    assert refused.value.problem.path in (MANIFEST, "templates/letter.yaml")


def test_manifest_that_is_not_json_is_located(good: bytes) -> None:
    with pytest.raises(PackageError, match="not JSON") as refused:
        read_package(replace_manifest(good, b'{\n "format": 1,\n "project": }\n'))
    assert (refused.value.problem.path, refused.value.problem.line) == (MANIFEST, 3)
    with pytest.raises(PackageError, match="JSON object"):
        read_package(replace_manifest(good, b"[1, 2]"))

    def drop(entries):
        del entries[0]

    with pytest.raises(PackageError, match="no manifest"):
        read_package(rezip(good, drop))


def test_non_zip_bytes() -> None:
    for data in (b"", b"%PDF-1.7 not a zip", b"PK\x03\x04" + b"\0" * 40):
        with pytest.raises(PackageError, match="not a zip"):
            read_package(data)


def test_limits(good: bytes) -> None:
    with pytest.raises(PackageTooLarge, match="package of"):
        read_package(good, Limits(max_package_bytes=len(good) - 1))
    with pytest.raises(PackageTooLarge, match="members"):
        read_package(good, Limits(max_members=3))
    with pytest.raises(PackageTooLarge, match="member of"):
        read_package(good, Limits(max_member_bytes=64))
    with pytest.raises(PackageTooLarge, match="add up"):
        read_package(good, Limits(max_total_bytes=1000))
    # A zip bomb: 8 MiB of zeros deflate to a few KB; the member limit holds on what is read.
    bomb = with_member(good, "assets/bomb.png", b"\0" * (8 << 20))
    assert len(bomb) < 100_000
    with pytest.raises(PackageTooLarge, match="bomb.png"):
        read_package(bomb, Limits(max_member_bytes=1 << 20))


def test_encrypted_flag_and_odd_compression(good: bytes) -> None:
    # zipfile clears the encryption flag when writing: set it in the central directory.
    central = good.index(b"PK\x01\x02", good.index(b"PK\x01\x02") + 4)
    encrypted = bytearray(good)
    encrypted[central + 8] |= 0x1
    with pytest.raises(PackageError, match="encrypted"):
        read_package(bytes(encrypted))

    def bzip(entries):
        entries[1][0].compress_type = zipfile.ZIP_BZIP2

    with pytest.raises(PackageError, match="compression"):
        read_package(rezip(good, bzip))


def test_deterministic_zip_is_stable() -> None:
    members_ = [("b.txt", b"2"), ("a.txt", b"1")]
    assert deterministic_zip(members_) == deterministic_zip(members_)
    assert members(deterministic_zip(members_)) == ["b.txt", "a.txt"]  # the order given


# Fuzzing ----------------------------------------------------------------------------------

_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SMALL = Limits(max_package_bytes=1 << 20, max_members=200, max_member_bytes=1 << 20,
                max_total_bytes=4 << 20)


def _only_package_errors(data: bytes) -> None:
    try:
        package = read_package(data, _SMALL)
    except PackageError as exc:
        assert exc.problem.message
        return
    # Accepted: then it really is a consistent package.
    assert set(json.loads(package.manifest_bytes)["files"]) == set(package.files)


@_FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(data: bytes) -> None:
    _only_package_errors(data)


@pytest.fixture(scope="module")
def fuzz_seed(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    manifest = {
        "format": 1, "project": "P", "commit": "a" * 40, "tag": None, "time": "",
        "locales": ["it"], "default_locale": "it",
        "templates": {"t": {"title": "T", "channels": ["sms"]}}, "schema": None,
        "samples": [], "signoffs": [], "files": {},
    }
    files = {"studio.yaml": b"name: P\n", "templates/t.yaml": b"channels: [sms]\nbody: []\n"}
    import hashlib

    for name, content in files.items():
        manifest["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                   "size": len(content)}
    data = package_from(manifest, files).data
    read_package(data)
    return data


@_FUZZ
@given(st.data())
def test_fuzz_mutated_packages(fuzz_seed: bytes, data: st.DataObject) -> None:
    mutated = bytearray(fuzz_seed)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(mutated)))
    chosen = bytes(mutated[:cut]) if data.draw(st.booleans()) else bytes(mutated)
    _only_package_errors(chosen)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@_FUZZ
@given(st.lists(st.tuples(st.text(min_size=1, max_size=40), st.binary(max_size=64)),
                max_size=6))
def test_fuzz_member_names(fuzz_seed: bytes, extra: list[tuple[str, bytes]]) -> None:
    def add(entries):
        for name, content in extra:
            with contextlib.suppress(ValueError):
                entries.append([zipfile.ZipInfo(name), content])

    try:
        hostile = rezip(fuzz_seed, add)
    except (ValueError, UnicodeEncodeError, zipfile.BadZipFile):
        return
    _only_package_errors(hostile)


def test_sample_copy_roundtrip(tmp_path: Path, git_env: Path) -> None:
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    package = build_package(open_repository(root), with_samples=True)
    again = read_package(package.data)
    assert again.files == package.files and again.manifest == package.manifest
