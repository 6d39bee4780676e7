"""A new project: the starter copied into an empty folder, under git, with a first commit.
One function for `missiva new` and the studio's File → New project."""

from __future__ import annotations

import shutil
from pathlib import Path

from studio.core.problems import ProblemError, error
from studio.core.resources import resources_dir


def create_project(target: Path, name: str | None = None) -> str:
    """Create a project in TARGET (missing or empty), named NAME (the folder's name by
    default). Returns the first commit's hash; ProblemError when TARGET is not empty."""
    from studio.core.history import Repository

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProblemError(error(str(target), 0, 0, "exists and is not empty"))
    try:
        shutil.copytree(resources_dir() / "starter", target, dirs_exist_ok=True)
    except OSError as exc:
        raise ProblemError(error(str(target), 0, 0, f"cannot write: {exc.strerror or exc}")) \
            from None
    name = name or target.resolve().name
    config = target / "studio.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("__NAME__", name), encoding="utf-8"
    )
    return Repository.create(target, f"New Missiva project: {name}")
