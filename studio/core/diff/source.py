"""Source diffs: what changed in the project's files between two revisions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.core.history import (
    WORKTREE,
    Repository,
    describe_path,
    open_repository,
    path_label,
)
from studio.core.messages import msg
from studio.core.problems import ProblemError, error

if TYPE_CHECKING:

    pass
from studio.core.diff.text import DELETE, INSERT, Hunk, line_diff

_BINARY_PROBE = 8000


@dataclass(frozen=True)
class FileDiff:
    path: str  # at REV_B (or at REV_A for a deleted file)
    old_path: str  # at REV_A (differs from path after a rename)
    status: str  # added, deleted, modified, renamed
    name: str  # as a reviewer reads it: "block legal/privacy"
    hunks: tuple[Hunk, ...]
    binary: bool = False

    @property
    def insertions(self) -> int:
        return sum(line.tag == INSERT for hunk in self.hunks for line in hunk.lines)

    @property
    def deletions(self) -> int:
        return sum(line.tag == DELETE for hunk in self.hunks for line in hunk.lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "old_path": self.old_path,
            "status": self.status,
            "name": self.name,
            "binary": self.binary,
            "insertions": self.insertions,
            "deletions": self.deletions,
            "hunks": [
                {
                    "header": hunk.header,
                    "lines": [
                        {
                            "tag": line.tag,
                            "text": line.text,
                            "old_line": line.old_line,
                            "new_line": line.new_line,
                            "spans": [list(s) for s in line.spans],
                        }
                        for line in hunk.lines
                    ],
                }
                for hunk in self.hunks
            ],
        }


@dataclass(frozen=True)
class SourceDiff:
    rev_a: str  # full hashes (or WORKTREE)
    rev_b: str
    files: tuple[FileDiff, ...]

    @property
    def changed(self) -> bool:
        return bool(self.files)

    def as_json(self) -> dict[str, Any]:
        return {
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "files": [f.as_json() for f in self.files],
        }


def resolve_revision(repository: Repository, rev: str) -> str:
    return WORKTREE if rev == WORKTREE else repository.resolve(rev)


def _text(data: bytes | None) -> tuple[str, bool]:
    if data is None:
        return "", False
    if b"\0" in data[:_BINARY_PROBE]:
        return "", True
    return data.decode("utf-8", errors="replace"), False


def file_diff(
    repository: Repository, path: str, old_path: str, rev_a: str, rev_b: str, context: int = 3
) -> FileDiff | None:
    """The diff of one file between two resolved revisions; None when it did not change."""
    old_data = repository.blob(old_path, rev_a) if old_path else None
    new_data = repository.blob(path, rev_b) if path else None
    if old_data == new_data and old_path == path:
        return None
    if old_data is None and new_data is None:
        return None
    if old_data is None:
        status = "added"
    elif new_data is None:
        status = "deleted"
    elif old_path != path:
        status = "renamed"
    else:
        status = "modified"
    old_text, old_binary = _text(old_data)
    new_text, new_binary = _text(new_data)
    shown = path or old_path
    binary = old_binary or new_binary
    hunks = () if binary else line_diff(old_text, new_text, context)
    return FileDiff(
        path=shown,
        old_path=old_path if old_data is not None else "",
        status=status,
        name=describe_path(shown),
        hunks=hunks,
        binary=binary,
    )


def source_diff(
    root: str | os.PathLike[str] | Repository,
    rev_a: str,
    rev_b: str,
    path: str | None = None,
    *,
    context: int = 3,
) -> SourceDiff:
    """The source diff between two revisions (REV_B may be WORKTREE: the files on disk), of
    one PATH (followed across a rename) or of every file that changed."""
    repository = open_repository(root)
    commit_a, commit_b = resolve_revision(repository, rev_a), resolve_revision(repository, rev_b)
    files: list[FileDiff] = []
    if path is not None:
        relative = repository.relative(path)
        new_path = relative if repository.blob(relative, commit_b) is not None else ""
        old_path = _old_path(repository, relative, commit_a, commit_b)
        if new_path == "" and old_path is None:
            raise ProblemError(
                error(relative, 0, 0,
                      msg("{file} exists at neither revision", file=path_label(relative)))
            )
        found = file_diff(repository, new_path, old_path or "", commit_a, commit_b, context)
        files = [found] if found is not None else []
    else:
        for old, new in _changed_paths(repository, commit_a, commit_b):
            found = file_diff(repository, new, old, commit_a, commit_b, context)
            if found is not None:
                files.append(found)
    return SourceDiff(commit_a, commit_b, tuple(files))


def _old_path(repository: Repository, path: str, rev_a: str, rev_b: str) -> str | None:
    """PATH's name at REV_A: itself, the source of a rename between the two trees (one tree
    diff, cheap), or else any earlier name in its history."""
    if rev_a == WORKTREE or repository.blob(path, rev_a) is not None:
        return path
    for old, new in _changed_paths(repository, rev_a, rev_b):
        if new == path and old and repository.blob(old, rev_a) is not None:
            return old
    return repository.path_at(path, rev_a)


def _changed_paths(repository: Repository, rev_a: str, rev_b: str) -> list[tuple[str, str]]:
    """(old path, new path) of every file that differs: one `git diff --name-status`."""
    if rev_a == WORKTREE:
        raise ProblemError(error(rev_a, 0, 0, msg("the first revision must be a commit")))
    command = ["-c", "core.quotePath=false", "diff", "--name-status", "-z", "-M", rev_a]
    if rev_b != WORKTREE:
        command.append(rev_b)
    command += ["--", repository.prefix or "."]
    out = repository.execute(*command, strip=False)
    fields = out.split("\0")
    pairs: list[tuple[str, str]] = []
    index = 0
    strip = repository._project_path
    while index < len(fields):
        code = fields[index]
        index += 1
        if not code:
            continue
        if code[0] in "RC":
            old, new = strip(fields[index]), strip(fields[index + 1])
            index += 2
            pairs.append((old, new))
            continue
        path = strip(fields[index])
        index += 1
        if code[0] == "A":
            pairs.append(("", path))
        elif code[0] == "D":
            pairs.append((path, ""))
        else:
            pairs.append((path, path))
    if rev_b == WORKTREE:
        pairs += [("", c.path) for c in repository.status() if c.kind == "untracked"]
    return sorted(pairs, key=lambda p: p[1] or p[0])
