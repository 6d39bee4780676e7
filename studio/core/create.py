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
    import git

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
    repo = git.Repo.init(target)
    try:
        repo.git.add(A=True)
        message = f"New Missiva project: {name}"
        try:
            repo.git.commit(m=message)
        except git.GitCommandError:
            # No identity configured for git on this machine: the studio signs the first commit.
            author = git.Actor("Missiva Studio", "studio@missiva.invalid")
            repo.index.commit(message, author=author, committer=author)
        return repo.head.commit.hexsha
    finally:
        repo.close()
