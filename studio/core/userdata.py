"""Where the studio writes for its user: the data folder and the user's copy of the sample.

An installed studio (a wheel in site-packages, a PyInstaller bundle, a system package) must
never write inside its own files: they may be read-only, shared by users, or signed. So the
sample project is opened in place only from a writable source checkout; everywhere else it is
copied once into the user's data folder as a git repository of its own, where history,
commits and sign-offs work as in any project.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from studio.core.resources import sample_project

APP_FOLDER = "missiva"
_SKIP = shutil.ignore_patterns("__init__.py", "__pycache__", "*.pyc")


def data_dir() -> Path:
    """The user's data folder: `$XDG_DATA_HOME/missiva` (default ~/.local/share/missiva),
    ~/Library/Application Support/Missiva on macOS, %LOCALAPPDATA%\\Missiva on Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Missiva"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Missiva"
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / APP_FOLDER


def in_writable_checkout(path: Path) -> bool:
    """True when `path` is a writable folder inside a git work tree (a developer's checkout)."""
    if getattr(sys, "frozen", False) or not os.access(path, os.W_OK):
        return False
    if {"site-packages", "dist-packages"} & set(path.parts):
        return False  # an install (say a venv inside a checkout), not the checkout itself
    return any((parent / ".git").exists() for parent in (path, *path.parents))


def studio_sample_project(bundled: Path | None = None, target: Path | None = None) -> Path:
    """The sample project the studio opens by default, in a place it may write to.

    In a source checkout, the bundled sample itself. Otherwise the user's copy in
    `data_dir()/projects/<name>`, made on first use as a git repository with one commit; an
    existing copy is kept as it is (it holds the user's edits).
    """
    bundled = bundled or sample_project()
    if in_writable_checkout(bundled):
        return bundled
    target = target or data_dir() / "projects" / bundled.name
    if (target / "studio.yaml").is_file():
        return target
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(bundled, staging, ignore=_SKIP)
    for path in staging.rglob("*"):
        # Files from a read-only install stay read-only when copied: make the copy editable.
        path.chmod(path.stat().st_mode | 0o200)
    ledger = staging / "compliance" / "signoffs.jsonl"
    shipped = ledger.read_bytes() if ledger.is_file() else b""
    ledger.unlink(missing_ok=True)
    _first_commit(staging, f"The {bundled.name} sample project, as shipped")
    if shipped:
        _replay_ledger(staging, shipped)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return target


def _first_commit(root: Path, message: str) -> None:
    from studio.core.history import Repository

    Repository.create(root, message, signed_by_studio=True)


def _replay_ledger(root: Path, shipped: bytes) -> None:
    """Record again, in the user's copy, the shipped decisions that still hold.

    The shipped ledger's records name commits of the repository the sample was made in; in a
    new repository those do not exist and `verify` would rightly flag every record. So each
    block's last decision is signed off again here, by the same reviewer with the same comment,
    when the block's text is the one decided on; a decision on an older text is not carried
    over (that block is pending here). The ledger is then valid in this repository."""
    import json

    from studio.core.compliance import signoff
    from studio.core.history import open_repository

    latest: dict[str, dict[str, str]] = {}
    for line in shipped.splitlines():
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(record, dict) and record.get("block") and record.get("reviewer"):
            latest[str(record["block"])] = record
    repository = open_repository(root)
    try:
        for block, record in latest.items():
            path = f"blocks/{block}.md"
            # A block renamed or removed since its decision has no text here: nothing holds.
            found = repository.run("rev-parse", "--verify", "-q", f"HEAD:{path}",
                                   check=False, text=True)
            current = found.stdout if found.returncode == 0 else ""
            if current.strip() != record.get("blob"):
                continue
            reviewer = str(record["reviewer"])
            saved = {k: os.environ.get(k) for k in ("MISSIVA_AUTHOR_NAME", "MISSIVA_AUTHOR_EMAIL")}
            os.environ["MISSIVA_AUTHOR_NAME"] = reviewer
            os.environ["MISSIVA_AUTHOR_EMAIL"] = reviewer
            try:
                signoff(repository, block, str(record.get("decision")),
                        str(record.get("comment") or "as shipped"), as_email=reviewer)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
    finally:
        repository.close()
