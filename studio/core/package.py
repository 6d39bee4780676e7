"""Packages: a committed project version as one deterministic zip, and the reader that verifies it.

A package holds `manifest.json` and the files the engine reads (studio.yaml, blocks/,
templates/, layouts/, styles/, assets/, data/schema.json; data/samples/ when asked). Members
are written in a fixed order (manifest first, then paths sorted), with a fixed timestamp
(1980-01-01), fixed permissions (0644) and a fixed compression level, so the same commit gives
the same bytes. The package id is the SHA-256 of the manifest's bytes; the manifest carries the
SHA-256 of every other member, so the id names the whole content.

The reader treats the bytes as hostile: it bounds the package size, the member count, each
member's size (read, not just declared) and the total; refuses absolute paths, `..`, members
outside the engine's folders, symlinks and other non-regular files (zip external attributes),
encrypted or exotically compressed members, duplicates, members missing from the manifest or
missing from the package, hash or size mismatches and malformed manifests. Every refusal is a
ProblemError naming the member (and for the manifest, the line).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studio.core.channels import CHANNEL_NAMES
from studio.core.history import Repository, open_repository
from studio.core.limits import json_depth
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project

FORMAT = 1
MANIFEST = "manifest.json"
# What the engine reads: files, and folders whose whole content it may read.
ENGINE_FILES = ("studio.yaml", "data/schema.json")
ENGINE_FOLDERS = ("blocks/", "templates/", "layouts/", "styles/", "assets/")
SAMPLES_FOLDER = "data/samples/"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX40 = re.compile(r"[0-9a-f]{40}")
_MIB = 1024 * 1024
# The releaser's detached SSH signature of manifest.json (`ssh-keygen -Y sign -n
# missiva-package`): not listed in the manifest it signs, and optional.
SIGNATURE = "manifest.json.sig"
MAX_SIGNATURE_BYTES = 64 * 1024


class PackageError(ProblemError):
    """A package refused: the problem names the member at fault."""


class PackageTooLarge(PackageError):
    """A package refused for one of the size or count limits."""


@dataclass(frozen=True)
class Limits:
    """What the reader accepts; the server's are configurable (`missiva serve --max-…`)."""

    max_package_bytes: int = 64 * _MIB
    max_members: int = 10_000
    max_member_bytes: int = 32 * _MIB
    max_total_bytes: int = 256 * _MIB


@dataclass(frozen=True)
class Package:
    """A package, built or verified: its bytes, its manifest and its members."""

    id: str  # sha256 of the manifest's bytes
    data: bytes = field(repr=False)
    manifest: Mapping[str, Any] = field(repr=False)
    manifest_bytes: bytes = field(repr=False)
    files: Mapping[str, bytes] = field(repr=False)  # every member but manifest and signature
    signature: bytes | None = field(default=None, repr=False)  # SIGNATURE, when signed

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def commit(self) -> str:
        return str(self.manifest["commit"])

    @property
    def project(self) -> str:
        return str(self.manifest["project"])

    @property
    def tag(self) -> str | None:
        tag = self.manifest.get("tag")
        return str(tag) if tag else None

    @property
    def file_name(self) -> str:
        """`<project>-<commit12>[-samples].zip`: one name per commit and content."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.project.lower()).strip("-") or "project"
        samples = "-samples" if self.manifest.get("samples") else ""
        return f"{slug}-{self.commit[:12]}{samples}.zip"

    def summary(self) -> dict[str, Any]:
        """What a listing shows of a package."""
        return {
            "id": self.id,
            "project": self.project,
            "commit": self.commit,
            "tag": self.tag,
            "time": self.manifest.get("time"),
            "templates": dict(self.manifest.get("templates", {})),
        }


# Building ---------------------------------------------------------------------------------


def engine_path(path: str, with_samples: bool = False) -> bool:
    """Whether a project file goes into a package."""
    if path in ENGINE_FILES or path.startswith(ENGINE_FOLDERS):
        return True
    return with_samples and path.startswith(SAMPLES_FOLDER)


def canonical_json(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree(repository: Repository, commit: str) -> list[tuple[str, str]]:
    """(mode, project-relative path) of every entry of the project's tree at COMMIT."""
    treeish = f"{commit}:{repository.prefix.rstrip('/')}" if repository.prefix else commit
    out = repository.execute("-c", "core.quotePath=false", "ls-tree", "-r", "-z", treeish,
                             strip=False)
    entries = []
    for entry in out.split("\0"):
        if not entry:
            continue
        head, _, path = entry.partition("\t")
        entries.append((head.split(" ")[0], path))
    return entries


def _tag(repository: Repository, commit: str) -> str | None:
    out = repository.execute("tag", "--points-at", commit, "--sort=refname")
    tags = [t for t in out.splitlines() if t.strip()]
    return tags[0] if tags else None


def _commit_time(repository: Repository, commit: str) -> str:
    seconds = int(repository.execute("show", "-s", "--format=%ct", commit))
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _signoff_evidence(repository: Repository, commit: str) -> list[dict[str, Any]]:
    """Per regulatory block: its version, its state at COMMIT, and the ledger records (as
    committed there) that decided on exactly that version."""
    from studio.core.compliance import block_states

    evidence = []
    for state in block_states(repository, commit):
        evidence.append(
            {
                "block": state.block,
                "owner": state.owner,
                "blob": state.blob,
                "state": state.state,
                "templates": list(state.templates),
                "records": [r.as_json() for r in state.history if r.blob == state.blob],
            }
        )
    return evidence


def build_package(
    root: str | Repository, rev: str | None = None, *, with_samples: bool = False
) -> Package:
    """The package of a committed version: REV, or HEAD when the packaged files are clean."""
    repository = open_repository(root)
    if not repository.has_commits():
        raise ProblemError(error(str(repository.root), 0, 0, "nothing committed to export"))
    if rev is None:
        dirty = [
            c
            for c in repository.status()
            if engine_path(c.path, with_samples) or c.path.startswith("compliance/")
            or engine_path(c.old_path, with_samples)
        ]
        if dirty:
            shown = ", ".join(str(c) for c in dirty[:5]) + (" …" if len(dirty) > 5 else "")
            raise ProblemError(
                error(
                    dirty[0].path,
                    0,
                    0,
                    f"uncommitted changes ({shown}): commit them, or export a committed "
                    "version with --rev",
                )
            )
    commit = repository.resolve(rev or "HEAD")
    tree = [(mode, path) for mode, path in _tree(repository, commit)
            if engine_path(path, with_samples)]
    for mode, path in tree:
        if mode == "120000":
            raise ProblemError(error(path, 0, 0, "a symbolic link cannot go into a package"))
    project = repository.project_at(commit)
    errors = [p for p in project.problems if p.is_error]
    if errors:
        raise ProblemError(
            Problem(
                errors[0].path,
                errors[0].line,
                errors[0].col,
                errors[0].severity,
                f"{errors[0].message} (the version to export has {len(errors)} error(s): "
                "fix them first)",
            )
        )
    files: dict[str, bytes] = {}
    for mode, path in tree:
        if mode not in ("100644", "100755"):
            continue  # submodules: not project files
        data = repository.blob(path, commit)
        if data is not None:
            files[path] = data
    manifest = _manifest(repository, project, commit, files, with_samples)
    return package_from(manifest, files)


def _manifest(
    repository: Repository,
    project: Project,
    commit: str,
    files: Mapping[str, bytes],
    with_samples: bool,
) -> dict[str, Any]:
    templates = {}
    for name, template in sorted(project.templates.items()):
        title = template.title if isinstance(template.title, str) else dict(template.title)
        templates[name] = {"title": title, "channels": list(template.channels)}
    return {
        "format": FORMAT,
        "project": project.name,
        "commit": commit,
        "tag": _tag(repository, commit),
        "time": _commit_time(repository, commit),
        "locales": list(project.config.locales),
        "default_locale": project.config.default_locale,
        "templates": templates,
        "schema": json.loads(json.dumps(project.schema)) if project.schema is not None else None,
        "samples": sorted(project.samples) if with_samples else [],
        "files": {
            path: {"sha256": _sha(data), "size": len(data)} for path, data in sorted(files.items())
        },
        "signoffs": _signoff_evidence(repository, commit),
        # A package pins no send date: each request (render, batch) says the day it goes out,
        # and one that does not goes out today in the project's time zone. Said here so whoever
        # reruns a package knows to pass the day to reproduce an output.
        "send_date": {"from": "request", "default": "today",
                      "timezone": project.config.timezone},
    }


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix: the permissions below are read as such
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def deterministic_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of MEMBERS in the order given, with fixed timestamps, permissions and compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(_zip_info(name), data, compresslevel=9)
    return buffer.getvalue()


def package_from(
    manifest: Mapping[str, Any], files: Mapping[str, bytes], signature: bytes | None = None
) -> Package:
    """The package of MANIFEST and FILES: manifest first, its signature (if any) next, then the
    files sorted by path."""
    manifest_bytes = canonical_json(manifest)
    signed = [(SIGNATURE, signature)] if signature is not None else []
    data = deterministic_zip([(MANIFEST, manifest_bytes), *signed, *sorted(files.items())])
    return Package(
        _sha(manifest_bytes), data, dict(manifest), manifest_bytes, dict(files), signature
    )


def signed_package(package: Package, signature: bytes) -> Package:
    """PACKAGE with SIGNATURE (of its manifest's bytes) added; same id, same other members."""
    return package_from(package.manifest, package.files, signature)


# Reading ----------------------------------------------------------------------------------


def _refuse(path: str, message: str, line: int = 0, col: int = 0) -> PackageError:
    return PackageError(error(path, line, col, message))


def _too_large(path: str, message: str) -> PackageError:
    return PackageTooLarge(error(path, 0, 0, message))


def member_name_problem(name: str) -> str | None:
    """Why a member name is unacceptable (None: it is fine)."""
    if not name:
        return "a member has an empty name"
    if len(name) > 1024 or any(ord(c) < 32 or c == "\x7f" for c in name):
        return "member name with control characters or too long"
    if "\\" in name:
        return "member name with a backslash"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "absolute path: a member must stay inside the package folder"
    parts = name.split("/")
    if ".." in parts:
        return "path traversal ('..'): a member must stay inside the package folder"
    if "" in parts or "." in parts:
        return "member name with an empty or '.' component (a folder entry?)"
    if name not in (MANIFEST, SIGNATURE) and not engine_path(name, with_samples=True):
        return (
            "not a file the engine reads (only studio.yaml, data/schema.json, data/samples/, "
            "blocks/, templates/, layouts/, styles/ and assets/)"
        )
    return None


def read_package(data: bytes, limits: Limits | None = None) -> Package:
    """Verify package bytes: limits, member names and kinds, the manifest, every hash."""
    limits = limits or Limits()
    where = "(package)"
    if len(data) > limits.max_package_bytes:
        raise _too_large(
            where, f"package of {len(data)} bytes is over the limit of {limits.max_package_bytes}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(where, "not a package: the bytes are not a zip archive") from None
    except Exception as exc:  # noqa: BLE001 - zipfile raises odd things on hostile bytes
        reason = type(exc).__name__
        raise _refuse(where, f"not a package: unreadable zip archive ({reason})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise _too_large(
                where, f"{len(infos)} members: over the limit of {limits.max_members}"
            )
        contents: dict[str, bytes] = {}
        total = 0
        for info in infos:
            name = info.filename
            problem = member_name_problem(name)
            if problem is not None:
                raise _refuse(name or where, problem)
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind == stat.S_IFLNK:
                raise _refuse(name, "a symbolic link: packages hold regular files only")
            if kind not in (0, stat.S_IFREG) or info.is_dir():
                raise _refuse(name, "not a regular file: packages hold regular files only")
            if info.flag_bits & 0x1:
                raise _refuse(name, "an encrypted member")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _refuse(name, f"unsupported compression (method {info.compress_type})")
            if name in contents:
                raise _refuse(name, "the member appears twice")
            if info.file_size > limits.max_member_bytes:
                raise _too_large(
                    name,
                    f"member of {info.file_size} bytes is over the limit of "
                    f"{limits.max_member_bytes}",
                )
            content = _read_member(archive, info, limits.max_member_bytes)
            total += len(content)
            if total > limits.max_total_bytes:
                raise _too_large(
                    name, f"the members add up to more than {limits.max_total_bytes} bytes"
                )
            contents[name] = content
    folders = {name.rsplit("/", 1)[0] for name in contents if "/" in name}
    folders |= {folder.rsplit("/", i)[0] for folder in folders
                for i in range(1, folder.count("/") + 1)}
    for name in sorted(folders & contents.keys()):
        raise _refuse(name, "a file and a folder of the same name")
    if MANIFEST not in contents:
        raise _refuse(MANIFEST, "the package has no manifest.json")
    manifest_bytes = contents.pop(MANIFEST)
    manifest = check_manifest(manifest_bytes)
    signature = contents.pop(SIGNATURE, None)
    if signature is not None and (
        len(signature) > MAX_SIGNATURE_BYTES
        or not signature.startswith(b"-----BEGIN SSH SIGNATURE-----")
    ):
        raise _refuse(SIGNATURE, "not an SSH signature (ssh-keygen -Y sign)")
    listed: Mapping[str, Mapping[str, Any]] = manifest["files"]
    for name in sorted(contents.keys() - listed.keys()):
        raise _refuse(name, "member not listed in the manifest")
    for name in sorted(listed.keys() - contents.keys()):
        raise _refuse(name, "listed in the manifest but missing from the package")
    for name, content in contents.items():
        expected = listed[name]
        if len(content) != expected["size"] or _sha(content) != expected["sha256"]:
            raise _refuse(name, "content does not match its SHA-256 in the manifest")
    return Package(_sha(manifest_bytes), data, manifest, manifest_bytes, contents, signature)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    try:
        with archive.open(info) as stream:
            content = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise _refuse(info.filename, "damaged member (bad data or CRC)") from None
    except Exception as exc:  # noqa: BLE001 - zipfile raises odd things on hostile bytes
        raise _refuse(info.filename, f"damaged member ({type(exc).__name__})") from None
    if len(content) > limit:
        raise _too_large(info.filename, f"member is over the limit of {limit} bytes")
    return content


def check_manifest(data: bytes) -> dict[str, Any]:
    """The manifest as a dict, its shape checked; a problem with its line otherwise."""
    try:
        if json_depth(data) is not None:
            raise _refuse(MANIFEST, "nested too deeply")
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refuse(MANIFEST, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _refuse(MANIFEST, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _refuse(MANIFEST, "nested too deeply") from None
    if not isinstance(manifest, dict):
        raise _refuse(MANIFEST, "the manifest must be a JSON object")
    lines = data.decode("utf-8").splitlines()

    def bad(key: str, message: str) -> PackageError:
        line = next((n for n, text in enumerate(lines, 1) if f'"{key}":' in text), 0)
        return _refuse(MANIFEST, f"{key}: {message}", line)

    if manifest.get("format") != FORMAT or isinstance(manifest.get("format"), bool):
        raise bad("format", f"unsupported package format {manifest.get('format')!r} "
                  f"(this server reads format {FORMAT})")
    if not isinstance(manifest.get("project"), str) or not manifest["project"].strip():
        raise bad("project", "the project name is missing")
    if not isinstance(manifest.get("commit"), str) or not _HEX40.fullmatch(manifest["commit"]):
        raise bad("commit", "not a 40-digit commit hash")
    if manifest.get("tag") is not None and not isinstance(manifest["tag"], str):
        raise bad("tag", "must be a string or null")
    locales = manifest.get("locales")
    if (not isinstance(locales, list) or not locales
            or not all(isinstance(x, str) and x for x in locales)):
        raise bad("locales", "must be a non-empty list of locale names")
    if manifest.get("default_locale") not in locales:
        raise bad("default_locale", "must be one of the locales")
    templates = manifest.get("templates")
    if not isinstance(templates, dict):
        raise bad("templates", "must be an object of template names")
    for name, entry in templates.items():
        channels = entry.get("channels") if isinstance(entry, dict) else None
        if (not name or not isinstance(channels, list)
                or not all(c in CHANNEL_NAMES for c in channels)):
            raise bad("templates", f"template {name!r} needs a list of channels among "
                      f"{', '.join(CHANNEL_NAMES)}")
    if manifest.get("schema") is not None and not isinstance(manifest["schema"], dict):
        raise bad("schema", "must be a JSON Schema object or null")
    if not isinstance(manifest.get("signoffs", []), list):
        raise bad("signoffs", "must be a list")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise bad("files", "must be an object of member paths")
    for path, entry in files.items():
        if (not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str)
                or not _HEX64.fullmatch(entry["sha256"])
                or not isinstance(entry.get("size"), int) or isinstance(entry["size"], bool)
                or entry["size"] < 0):
            raise bad("files", f"{path!r} needs a sha256 (64 hex digits) and a size")
        if path == MANIFEST or member_name_problem(path) is not None:
            raise bad("files", f"{path!r} is not a valid member path")
    for required in ("studio.yaml", *(f"templates/{t}.yaml" for t in templates)):
        if required not in files:
            raise bad("files", f"{required} is missing")
    return manifest
