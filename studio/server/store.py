"""The server's store: verified packages, extracted one folder per package id, and the active one.

    STORE/
      packages/<id>/        a verified package, extracted: manifest.json and the project
                            files; written once (into tmp/, then renamed), never changed
      active                the active package id (written to a temporary file, then
                            renamed over it: readers see the old id or the new, never half)
      tmp/                  uploads being extracted

Nothing else is kept, so several server instances can share one store (a shared folder):
packages are content addressed (the same id is the same content, whoever wrote it first) and
activation is one atomic rename.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio.core.package import MANIFEST, SIGNATURE, Package, member_name_problem
from studio.core.problems import ProblemError, error
from studio.core.project import Project, load_project

_ID = re.compile(r"[0-9a-f]{64}")


def valid_id(package_id: str) -> bool:
    return bool(_ID.fullmatch(package_id))


class Store:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.packages = self.root / "packages"
        self.tmp = self.root / "tmp"
        self.packages.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def folder(self, package_id: str) -> Path:
        if not valid_id(package_id):
            raise KeyError(package_id)
        return self.packages / package_id

    def has(self, package_id: str) -> bool:
        return valid_id(package_id) and (self.packages / package_id / MANIFEST).is_file()

    def ids(self) -> list[str]:
        return sorted(p.name for p in self.packages.iterdir() if self.has(p.name))

    def manifest(self, package_id: str) -> dict[str, Any]:
        return _manifest(str(self.folder(package_id) / MANIFEST))

    def signature(self, package_id: str) -> bytes | None:
        """The releaser's signature of the package's manifest, as uploaded (None: unsigned)."""
        try:
            return (self.folder(package_id) / SIGNATURE).read_bytes()
        except FileNotFoundError:
            return None

    def add(self, package: Package, check: Callable[[Project], None] | None = None) -> bool:
        """Extract a verified package into the store; False when it was there already.

        CHECK sees the loaded project before the package is stored (and raises ProblemError to
        refuse it): the server's provenance rules."""
        if self.has(package.id):
            if check is not None:
                check(load_project(self.folder(package.id)))
            if package.signature is not None and self.signature(package.id) is None:
                self.set_signature(package.id, package.signature)
            return False
        staging = Path(tempfile.mkdtemp(prefix="upload-", dir=self.tmp))
        try:
            signed = [(SIGNATURE, package.signature)] if package.signature is not None else []
            for name, data in [(MANIFEST, package.manifest_bytes), *signed,
                               *package.files.items()]:
                _write_member(staging, name, data)
            loaded = load_project(staging)
            errors = [p for p in loaded.problems if p.is_error]
            if errors:
                raise ProblemError(errors[0])
            if check is not None:
                check(loaded)
            try:
                os.rename(staging, self.packages / package.id)
            except OSError:
                if not self.has(package.id):  # not another instance winning the race
                    raise
                return False
            return True
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def set_signature(self, package_id: str, signature: bytes) -> None:
        """Keep SIGNATURE as the package's (a signed upload of a package stored unsigned, or
        signed by a key the server no longer trusts): the one file of a package that may be
        replaced, atomically; the signed content never changes."""
        folder = self.folder(package_id)
        handle, temporary = tempfile.mkstemp(prefix=".signature.", dir=folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(signature)
            os.chmod(temporary, 0o644)
            os.replace(temporary, folder / SIGNATURE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def active(self) -> str | None:
        try:
            package_id = (self.root / "active").read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return package_id if self.has(package_id) else None

    def activate(self, package_id: str) -> None:
        if not self.has(package_id):
            raise KeyError(package_id)
        handle, temporary = tempfile.mkstemp(prefix=".active.", dir=self.root)
        try:
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                stream.write(package_id + "\n")
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.root / "active")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@lru_cache(maxsize=256)
def _manifest(path: str) -> dict[str, Any]:
    # A package folder never changes once renamed into place: its manifest can be cached.
    return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write_member(folder: Path, name: str, data: bytes) -> None:
    """Write one member under FOLDER, checking again that it stays there (the reader already
    refused hostile names: this is the second lock on the door)."""
    problem = member_name_problem(name)
    if problem is not None:
        raise ProblemError(error(name, 0, 0, problem))
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ProblemError(error(name, 0, 0, "a member must stay inside the package folder"))
    target.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL and O_NOFOLLOW: never through a link, never over an existing file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(target, flags, 0o644)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
