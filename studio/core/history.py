"""A project's git history: commit, the history of one file, old versions, restore, releases."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from studio.core.files import remove_leftover_temporaries
from studio.core.files import write_atomic as _write_atomic
from studio.core.messages import Message, msg
from studio.core.problems import ProblemError, error
from studio.core.project import Project, load_project
from studio.core.settings import settings_author

_SNAPSHOTS_KEPT = 8
_FIELD = "\x1f"
_RECORD = "\x1e"
# %H commit, %an/%ae author, %aI strict ISO date, %P parents, %D refs, %B raw message
_LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%P%x1f%D%x1f%B%x1f"
_CHANGE_KINDS = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "modified",
}
# Never content: temporary files of a save in progress (or killed) and editors' backups. They
# are left out of status and commits even when no .gitignore says so.
# ([~]: a bare ~ does not match as a glob; the excludes go with "." only: with literal paths
# git 2.39 applies them to those paths too.)
_NOT_CONTENT = ("**/.*.tmp", "**/*[~]", "**/.*.sw[px]")
_LOCALE_SUFFIX = re.compile(r"^(?P<id>.+)\.(?P<locale>[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)$")

if TYPE_CHECKING:
    import git
else:

    class _GitPython:
        """GitPython, imported when first used: a tenth of a second (and a `git version`)
        that the commands reading objects, status and logs (`missiva status`) never need."""

        def __getattr__(self, name: str) -> Any:
            import git as module

            globals()["git"] = module
            return getattr(module, name)

    git = _GitPython()


# Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """One commit, as a reviewer reads it; in a file's history, with the file's path then."""

    commit: str  # full hash
    author: str
    email: str
    date: str  # ISO 8601, with the author's offset
    message: str
    parents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    path: str = ""  # in a history: the file's path in this commit (it follows renames)
    change: str = ""  # in a history: added, modified, renamed, deleted, copied
    old_path: str = ""  # for a rename: the path before

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def subject(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "message": self.message,
            "tags": list(self.tags),
            "parents": list(self.parents),
        }
        if self.path:
            data.update(path=self.path, change=self.change)
            if self.old_path:
                data["old_path"] = self.old_path
        return data


@dataclass(frozen=True)
class Change:
    """One uncommitted change in the working tree."""

    path: str
    kind: str  # modified, added, deleted, renamed, untracked, conflict
    name: str  # as a reviewer would say it: "block legal/privacy"
    old_path: str = ""
    staged: bool = False

    def __str__(self) -> str:
        if self.kind == "renamed" and self.old_path:
            return f"renamed: {describe_path(self.old_path)} → {self.name}"
        return f"{self.kind}: {self.name}"

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "name": self.name,
            "old_path": self.old_path,
            "staged": self.staged,
        }


@dataclass(frozen=True)
class Release:
    name: str
    commit: str
    message: str
    tagger: str
    email: str


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    source: str  # "environment", "settings" or "git config"


# Naming -----------------------------------------------------------------------------------


def describe_path(path: str, locales: Iterable[str] | None = None) -> str:
    """A project file named as a reviewer would: "block legal/privacy", "template bill"."""
    return str(path_label(path, locales))


def path_label(path: str, locales: Iterable[str] | None = None) -> Message:
    """describe_path() as a message: in Italian "blocco legal/privacy", "modello bill"."""
    path = path.replace(os.sep, "/").strip("/")
    head, _, rest = path.partition("/")
    stem, dot, ext = rest.rpartition(".")
    if path == "studio.yaml":
        return msg("project settings")
    if path == "data/schema.json":
        return msg("schema")
    if path == "compliance/signoffs.jsonl":
        return msg("sign-off ledger")
    if path.startswith("compliance/decisions/"):
        return msg("sign-off decision")
    if head == "blocks" and ext == "md" and dot:
        match = _LOCALE_SUFFIX.match(stem)
        if match and (locales is None or match["locale"] in set(locales)):
            return msg("block {id} ({locale})", id=match["id"], locale=match["locale"])
        return msg("block {id}", id=stem)
    if head == "templates" and ext == "yaml" and dot:
        return msg("template {name}", name=stem)
    if path.startswith("data/samples/") and path.endswith(".json"):
        return msg("sample {name}", name=path[len("data/samples/") : -len(".json")])
    if head == "layouts" and dot:
        return msg("layout {name}", name=stem)
    if head == "styles" and ext == "css" and dot:
        return msg("style {name}", name=stem)
    if head == "assets" and rest:
        return msg("asset {name}", name=rest)
    return msg("file {path}", path=path)


def path_of(item: str) -> str:
    """The file behind a reviewer's name ("block legal/privacy" → blocks/legal/privacy.md);
    anything else is returned as given (a path)."""
    kind, _, rest = item.strip().partition(" ")
    rest = rest.strip()
    if not rest:
        return {"schema": "data/schema.json"}.get(kind, item)
    if kind == "block":
        return f"blocks/{rest}.md"
    if kind == "template":
        return f"templates/{rest}.yaml"
    if kind == "sample":
        return f"data/samples/{rest}.json"
    if kind == "style":
        return f"styles/{rest}.css"
    if kind == "asset":
        return f"assets/{rest}"
    if item.strip() == "project settings":
        return "studio.yaml"
    return item


# The repository ---------------------------------------------------------------------------


class Repository:
    """A project's git repository. Holds the persistent `git cat-file --batch` reader, so keep
    one per project (`open_repository` does) rather than one per call."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        # Found by git itself (one `git rev-parse`), as GitPython's search of the parent
        # folders would: GitPython is imported only by the commands that need it (see `repo`).
        try:
            found = subprocess.run(
                ["git", "rev-parse", "--is-bare-repository", "--absolute-git-dir",
                 "--git-common-dir", "--show-toplevel"],
                cwd=self.root, capture_output=True, encoding="utf-8", errors="surrogateescape",
                check=False,
            )
            lines = found.stdout.splitlines()  # a bare repository: all but the top folder,
            # then an error
        except OSError:  # no such folder, or no git on this machine
            lines = []
        if len(lines) != 4 or found.returncode != 0:
            if len(lines) == 3 and lines[0] in ("true", "false"):
                raise ProblemError(error(str(root), 0, 0,
                                         msg("a bare repository has no project files")))
            raise ProblemError(
                error(
                    str(root),
                    0,
                    0,
                    msg("not a git repository: versioning needs the project folder to be "
                        "one (git init)"),
                )
            )
        self.git_dir = Path(lines[1])
        self.common_dir = (self.root / lines[2]).resolve()  # relative to where git ran
        self.top = Path(lines[3]).resolve()
        prefix = self.root.relative_to(self.top).as_posix()
        self.prefix = "" if prefix == "." else prefix + "/"
        self._lock = threading.RLock()  # one process pipe: one caller at a time
        self._repo: git.Repo | None = None
        self._readers: dict[str, _CatFile] = {}
        self._snapshots: OrderedDict[str, tuple[tempfile.TemporaryDirectory[str], Project]] = (
            OrderedDict()
        )

    @property
    def repo(self) -> git.Repo:
        """The GitPython handle, made on first use (commits, tags, archives)."""
        with self._lock:
            if self._repo is None:
                from git.db import GitCmdObjectDB

                self._repo = git.Repo(self.top, odbt=GitCmdObjectDB)
            return self._repo

    def _read(self, ref: str, *, data: bool = True) -> tuple[str, str, bytes] | None:
        """(id, kind, content: empty unless DATA) of the object REF names, through a `git
        cat-file` process kept running; None when there is no such object."""
        if not ref or "\n" in ref or "\r" in ref:
            return None
        mode = "--batch" if data else "--batch-check"
        with self._lock:
            reader = self._readers.get(mode)
            if reader is None:
                reader = self._readers[mode] = _CatFile(self.top, mode)
            return reader.ask(ref)

    # Paths and revisions ------------------------------------------------------------------

    def relative(self, path: str | os.PathLike[str]) -> str:
        """A path given by a user (relative to the project, absolute, or a reviewer's name)
        as a project-relative path with forward slashes."""
        text = os.fspath(path)
        candidate = Path(text)
        if candidate.is_absolute():
            try:
                return candidate.resolve().relative_to(self.root).as_posix()
            except ValueError:
                raise ProblemError(error(text, 0, 0, msg("is not inside the project"))) from None
        text = text.replace(os.sep, "/").removeprefix("./")
        if not (self.root / text).exists() and " " in text:
            text = path_of(text)
        return text

    def resolve(self, rev: str) -> str:
        """The full hash of a commit named by a hash, branch, tag or HEAD~n."""
        problem = error(rev, 0, 0, msg("no such revision {rev} in the project's history",
                                       rev=repr(rev)))
        if not rev.strip() or "\n" in rev or rev == WORKTREE:
            raise ProblemError(problem)
        found = self._read(f"{rev}^{{commit}}", data=False)
        if found is None:
            raise ProblemError(problem)
        return found[0]

    def commit_of(self, ref: str) -> str | None:
        """The commit REF (a full ref name, HEAD) names, None when there is none."""
        found = self._read(f"{ref}^{{commit}}", data=False)
        return found[0] if found is not None else None

    def path_at(self, path: str, rev: str) -> str | None:
        """The name PATH had at REV: itself, or an older name it was renamed from (None: it
        did not exist then)."""
        if self.blob(path, rev) is not None:
            return path
        for old in dict.fromkeys(r.path for r in self.history(path)):
            if old != path and self.blob(old, rev) is not None:
                return old
        return None

    def has_commits(self) -> bool:
        return self._read("HEAD^{commit}", data=False) is not None  # None: an unborn branch

    def _git_path(self, path: str) -> str:
        return self.prefix + path

    def _project_path(self, git_path: str) -> str:
        return git_path[len(self.prefix) :] if git_path.startswith(self.prefix) else git_path

    # Reading -----------------------------------------------------------------------------

    def blob(self, path: str, rev: str) -> bytes | None:
        """The content of PATH at REV (None: the file did not exist then). REV "WORKTREE"
        means the file on disk. Read through the persistent cat-file process."""
        if rev == WORKTREE:
            try:
                return (self.root / path).read_bytes()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None
        found = self._read(f"{rev}:{self._git_path(path)}")
        return found[2] if found is not None and found[1] == "blob" else None

    def object(self, ref: str) -> bytes | None:
        """The blob named REF (a blob id, or "commit:git/path" from the repository's top), read
        through the persistent cat-file process; None when there is no such blob."""
        found = self._read(ref)
        return found[2] if found is not None and found[1] == "blob" else None

    def history(self, path: str, *, limit: int | None = None) -> list[Revision]:
        """The commits that changed PATH, newest first, following renames: one `git log`."""
        path = self.relative(path)
        if not self.has_commits():
            return []
        args = [
            "-c",
            "core.quotePath=false",
            "log",
            "--follow",
            "--name-status",
            "--find-renames",
            f"--format={_LOG_FORMAT}",
        ]
        if limit:
            args.append(f"--max-count={limit}")
        args += ["--", self._git_path(path)]
        with self._lock:
            try:
                out = self.repo.git.execute(["git", *args], strip_newline_in_stdout=False)
            except git.GitCommandError as exc:
                raise ProblemError(error(path, 0, 0, msg("git log failed: {output}",
                                                         output=_stderr(exc)))) from None
        revisions = []
        for record in str(out).split(_RECORD)[1:]:
            parts = record.split(_FIELD)
            if len(parts) < 8:
                continue
            commit, author, email, date, parents, refs, message, status = parts[:8]
            change, file_path, old_path = "modified", path, ""
            for line in status.strip("\n").splitlines():
                columns = line.split("\t")
                if len(columns) >= 2 and columns[0]:
                    change = _CHANGE_KINDS.get(columns[0][0], "modified")
                    file_path = self._project_path(_unquote(columns[-1]))
                    if len(columns) >= 3:
                        old_path = self._project_path(_unquote(columns[1]))
                    break
            revisions.append(
                Revision(
                    commit=commit,
                    author=author,
                    email=email,
                    date=date,
                    message=message.rstrip("\n"),
                    parents=tuple(parents.split()),
                    tags=_tags(refs),
                    path=file_path,
                    change=change,
                    old_path=old_path,
                )
            )
        return revisions

    def revision(self, rev: str) -> Revision:
        """One commit's facts (tags included)."""
        commit = self.resolve(rev)
        with self._lock:
            out = self.repo.git.execute(
                ["git", "show", "-s", f"--format={_LOG_FORMAT}", commit],
                strip_newline_in_stdout=False,
            )
        parts = str(out).split(_RECORD)[1].split(_FIELD)
        return Revision(
            commit=parts[0],
            author=parts[1],
            email=parts[2],
            date=parts[3],
            message=parts[6].rstrip("\n"),
            parents=tuple(parts[4].split()),
            tags=_tags(parts[5]),
        )

    def status(self) -> list[Change]:
        """The uncommitted changes (staged or not, and untracked files): one `git status`."""
        done = Repository.command(self.top, "-c", "core.quotePath=false", "status",
                                  "--porcelain=v1", "-z", "--untracked-files=all", "--",
                                  self.prefix or ".", *self._not_content())
        if done.returncode != 0:
            raise ProblemError(error(str(self.root), 0, 0, msg(
                "git {command} failed: {output}", command="status",
                output=done.stderr.decode("utf-8", "replace").strip())))
        entries = done.stdout.decode("utf-8", "surrogateescape").split("\0")
        changes: list[Change] = []
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if len(entry) < 4:
                continue
            x, y, git_path = entry[0], entry[1], entry[3:]
            path = self._project_path(git_path)
            old_path = ""
            if x in "RC":
                old_path = self._project_path(entries[index])
                index += 1
            if x == "?":
                kind = "untracked"
            elif "U" in (x, y) or (x, y) in (("A", "A"), ("D", "D")):
                kind = "conflict"
            elif x == "R":
                kind = "renamed"
            elif "D" in (x, y):
                kind = "deleted"
            elif x in "AC":
                kind = "added"
            else:
                kind = "modified"
            changes.append(Change(path, kind, describe_path(path), old_path, staged=x not in " ?"))
        return sorted(changes, key=lambda c: c.path)

    def is_dirty(self) -> bool:
        return bool(self.status())

    def _not_content(self) -> list[str]:
        return [f":(exclude,glob){self.prefix}{pattern}" for pattern in _NOT_CONTENT]

    def index_lock(self) -> Path | None:
        """The index lock a git program holds while it writes the index, or left behind when
        it was killed (then every commit fails until it is removed); None when there is none."""
        lock = self.git_dir / "index.lock"
        return lock if lock.exists() else None

    def stale_index_lock(self, older_than: float = 10.0) -> Path | None:
        """The index lock when it has been there OLDER_THAN seconds: git holds it for the
        moment it writes the index, so one that old was left by a git program that died."""
        lock = self.index_lock()
        if lock is None:
            return None
        try:
            age = time.time() - lock.stat().st_mtime
        except OSError:
            return None
        return lock if age >= older_than else None

    def clear_index_lock(self) -> bool:
        """Remove a stale index lock (only when no git program is running on the repository:
        the caller asks the author). True when one was removed."""
        lock = self.index_lock()
        if lock is None:
            return False
        lock.unlink(missing_ok=True)
        return True

    def _check_index_lock(self) -> None:
        lock = self.index_lock()
        if lock is not None:
            raise ProblemError(
                error(
                    str(self.root),
                    0,
                    0,
                    msg("git's index is locked ({lock}): another git program is running, or "
                        "one was interrupted and left its lock behind. If no git program is "
                        "running, clear the lock and commit again", lock=str(lock)),
                )
            )

    # Writing -----------------------------------------------------------------------------

    def identity(self) -> Identity:
        """Who signs a commit: MISSIVA_AUTHOR_NAME/EMAIL, the user settings, or git config."""
        name = os.environ.get("MISSIVA_AUTHOR_NAME", "").strip()
        email = os.environ.get("MISSIVA_AUTHOR_EMAIL", "").strip()
        if name and email:
            return Identity(name, email, "environment")
        from_settings = settings_author()
        if from_settings is not None:
            return Identity(*from_settings, "settings")
        with self._lock:
            configured = self._user_config()
        if all(configured):
            return Identity(configured[0], configured[1], "git config")
        raise ProblemError(
            error(
                str(self.root),
                0,
                0,
                msg("who is committing? Set your name and email in the studio settings "
                    "({setting} in ~/.config/missiva/user.yaml), in MISSIVA_AUTHOR_NAME and "
                    "MISSIVA_AUTHOR_EMAIL, or with git config user.name / user.email",
                    setting="author: {name, email}"),
            )
        )

    def _user_config(self) -> tuple[str, str]:
        """git config's user.name and user.email, in one git (the studio asks at opening, for
        the review panel and the signing notice): the last value of each wins, as git's own
        --get says. git itself, not GitPython: asking who commits must not import it (0.85 s
        of the studio's opening, on the GUI thread)."""
        done = self.run("config", "--null", "--get-regexp", r"^user\.(name|email)$",
                        check=False, text=True)
        found = {"user.name": "", "user.email": ""}
        if done.returncode == 0:
            for entry in done.stdout.split("\0"):
                key, _, value = entry.partition("\n")
                if key.lower() in found:
                    found[key.lower()] = value.strip()
        return found["user.name"], found["user.email"]

    def _identity_env(self, author: Identity | None = None) -> dict[str, str]:
        try:
            who = self.identity()
        except ProblemError:
            if author is None:
                raise
            who = author
        author = author or who
        return {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": who.name,
            "GIT_COMMITTER_EMAIL": who.email,
        }

    def commit(
        self, message: str, paths: Sequence[str] | None = None, *, author: Identity | None = None
    ) -> Revision:
        """Commit every change of the project (new, changed and deleted files), or only PATHS.
        AUTHOR, when given, authors the commit (as git's --author: the committer stays whoever
        commits).

        Raises ProblemError when there is nothing to commit or no author is known."""
        if not message.strip():
            raise ProblemError(error(str(self.root), 0, 0, msg("a commit needs a message")))
        env = self._identity_env(author)
        with self._lock:
            self._check_index_lock()
            try:
                return self._commit(message, paths, env)
            except git.GitCommandError as exc:
                self._check_index_lock()  # taken while we ran: say so, not git's words
                raise ProblemError(
                    error(str(self.root), 0, 0, msg("git commit failed: {output}",
                                                    output=_stderr(exc)))
                ) from None

    def _commit(self, message: str, paths: Sequence[str] | None, env: dict[str, str]) -> Revision:
        if paths:
            relative = [self._git_path(self.relative(p)) for p in paths]
            missing = [
                p
                for p in relative
                if not (self.top / p).exists()
                and not self._tracked(p)
            ]
            if missing:
                raise ProblemError(
                    error(
                        self._project_path(missing[0]),
                        0,
                        0,
                        msg("no such file in the project or its history"),
                    )
                )
            self.repo.git.execute(["git", "add", "--all", "--", *relative])
            staged = self._staged(relative)
            if not staged:
                raise ProblemError(
                    error(
                        self._project_path(relative[0]),
                        0,
                        0,
                        msg("nothing to commit: no changes in the given path(s)"),
                    )
                )
            command = ["git", "commit", "--no-verify", "-q", "-m", message, "--", *relative]
        else:
            self.repo.git.execute(
                ["git", "add", "--all", "--", self.prefix or ".", *self._not_content()]
            )
            if not self._staged(None):
                raise ProblemError(
                    error(str(self.root), 0, 0,
                          msg("nothing to commit: the project is unchanged"))
                )
            command = ["git", "commit", "--no-verify", "-q", "-m", message]
        self.repo.git.execute(command, env=env)
        return self.revision("HEAD")

    def _tracked(self, git_path: str) -> bool:
        try:
            out = self.repo.git.execute(
                ["git", "ls-files", "--error-unmatch", "--", git_path],
            )
        except git.GitCommandError:
            return False
        return bool(str(out).strip())

    def _staged(self, git_paths: list[str] | None) -> list[str]:
        command = ["git", "diff", "--cached", "--name-only", "-z"]
        if self.has_commits():
            command.append("HEAD")
        else:
            command = ["git", "ls-files", "-z", "--cached"]
        command += ["--", *(git_paths or [self.prefix or "."])]
        out = self.repo.git.execute(command)
        return [p for p in str(out).split("\0") if p]

    def restore(self, path: str, rev: str, message: str | None = None) -> Revision:
        """Bring back PATH as it was at REV, as a new commit on top of the history.

        Nothing is reset or rewritten: the old commits stay, and a new one records the
        restored content. A path renamed since is looked up under its name at REV."""
        path = self.relative(path)
        commit = self.resolve(rev)
        source_path = self.path_at(path, commit)
        content = None if source_path is None else self.blob(source_path, commit)
        if content is None:
            raise ProblemError(
                error(path, 0, 0, msg("{file} did not exist at {rev} ({commit})",
                                      file=path_label(path), rev=rev, commit=commit[:10]))
            )
        if any(c.path == path and c.kind != "untracked" for c in self.status()):
            raise ProblemError(
                error(
                    path,
                    0,
                    0,
                    msg("{file} has uncommitted changes: commit them (or discard them) before "
                        "restoring an older version", file=path_label(path)),
                )
            )
        current = self.blob(path, WORKTREE)
        if current == content and self.blob(path, "HEAD") == content:
            raise ProblemError(
                error(path, 0, 0, msg("{file} is already as it was at {commit}",
                                      file=path_label(path), commit=commit[:10]))
            )
        old = self.revision(commit)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, content)
        default = f"Restore {describe_path(path)} as of {commit[:10]} ({old.date[:10]})"
        if source_path != path:
            default += f" (then {source_path})"
        default += f"\n\nRestored from: {old.subject}"
        return self.commit(message or default, [path])

    def release(self, name: str, message: str | None = None) -> Release:
        """An annotated tag NAME on HEAD; refuses uncommitted changes and an existing NAME."""
        if not self.has_commits():
            raise ProblemError(error(str(self.root), 0, 0,
                                     msg("nothing to release: no commits yet")))
        with self._lock:
            try:
                self.repo.git.check_ref_format(f"refs/tags/{name}")
            except git.GitCommandError:
                raise ProblemError(
                    error(name, 0, 0, msg("{name} is not a valid release name (git tag name)",
                                          name=repr(name)))
                ) from None
            if name in {t.name for t in self.repo.tags}:
                existing = self.repo.tags[name].commit.hexsha
                raise ProblemError(
                    error(name, 0, 0, msg("release {name} already exists (on {commit})",
                                          name=repr(name), commit=existing[:10]))
                )
        dirty = self.status()
        if dirty:
            shown = ", ".join(str(c) for c in dirty[:5]) + (" …" if len(dirty) > 5 else "")
            raise ProblemError(
                error(
                    str(self.root),
                    0,
                    0,
                    msg("cannot release with uncommitted changes ({files}): commit them first",
                        files=shown),
                )
            )
        env = self._identity_env()
        text = message or f"Release {name}"
        with self._lock:
            try:
                self.repo.git.execute(["git", "tag", "-a", name, "-m", text, "HEAD"], env=env)
            except git.GitCommandError as exc:
                raise ProblemError(error(name, 0, 0, msg("git tag failed: {output}",
                                                         output=_stderr(exc)))) from None
            tag = self.repo.tags[name]
        return Release(
            name=name,
            commit=tag.commit.hexsha,
            message=text,
            tagger=env["GIT_COMMITTER_NAME"],
            email=env["GIT_COMMITTER_EMAIL"],
        )

    # Projects at a revision ---------------------------------------------------------------

    def project_at(self, rev: str) -> Project:
        """The project as it was at REV, loaded without touching the working tree.

        The tree is exported (`git archive`) to a temporary folder that lives as long as the
        snapshot is cached (renders read layouts and assets from it); the cache keeps the
        last few commits, keyed by commit hash."""
        if rev == WORKTREE:
            return load_project(self.root)
        commit = self.resolve(rev)
        with self._lock:
            cached = self._snapshots.get(commit)
            if cached is not None:
                self._snapshots.move_to_end(commit)
                return cached[1]
            folder = tempfile.TemporaryDirectory(prefix=f"missiva-{commit[:10]}-")
            stream = io.BytesIO()
            treeish = f"{commit}:{self.prefix.rstrip('/')}" if self.prefix else commit
            self.repo.git.archive(treeish, format="tar", output_stream=stream)
        stream.seek(0)
        import tarfile  # a snapshot is rare; every command imports this module

        with tarfile.open(fileobj=stream, mode="r:") as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(folder.name, filter="data")
            else:  # pragma: no cover - Python < 3.11.4
                archive.extractall(folder.name)  # noqa: S202 - our own repository's tree
        project = load_project(folder.name)
        with self._lock:
            self._snapshots[commit] = (folder, project)
            while len(self._snapshots) > _SNAPSHOTS_KEPT:
                _, (old_folder, _) = self._snapshots.popitem(last=False)
                old_folder.cleanup()
        return project

    def clear_snapshots(self) -> None:
        """Forget the projects loaded at past revisions and remove their folders."""
        with self._lock:
            while self._snapshots:
                _, (folder, _) = self._snapshots.popitem()
                folder.cleanup()

    def close(self) -> None:
        """Remove the snapshots and stop the git processes."""
        self.clear_snapshots()
        with self._lock:
            for reader in self._readers.values():
                reader.close()
            self._readers.clear()
            if self._repo is not None:
                self._repo.close()

    # Running git: every git command of the core goes through these ---------------------------

    def execute(self, *args: str, strip: bool = True, env: Mapping[str, str] | None = None
                ) -> str:
        """git ARGS at the repository's top, through the repository's GitPython handle and
        one caller at a time; a failure raises git.GitCommandError. STRIP drops the output's
        last newline."""
        extra: dict[str, Any] = {} if env is None else {"env": dict(env)}
        with self._lock:
            return str(self.repo.git.execute(["git", *args], strip_newline_in_stdout=strip,
                                             **extra))

    def run(self, *args: str, check: bool = True, input: bytes | str | None = None,
            text: bool = False, env: Mapping[str, str] | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess[Any]:
        """git ARGS in the project's folder, a process of its own (output as bytes, or TEXT);
        with CHECK a failure is a ProblemError "git ARGS[0] failed: <git's message>"."""
        done = Repository.command(self.root, *args, input=input, text=text, env=env,
                                  timeout=timeout)
        if check and done.returncode != 0:
            message = done.stderr if text else done.stderr.decode("utf-8", "replace")
            raise ProblemError(error(str(self.root), 0, 0, msg(
                "git {command} failed: {output}", command=args[0], output=message.strip())))
        return done

    @staticmethod
    def command(folder: str | os.PathLike[str] | None, *args: str,
                input: bytes | str | None = None, text: bool = False,
                env: Mapping[str, str] | None = None, timeout: float | None = None,
                ) -> subprocess.CompletedProcess[Any]:
        """git ARGS in FOLDER, which need not be a repository yet (a clone's target, files of
        a conflict): the result whatever git answered.

        Without git's optional locks: a `git status` refreshing the index took
        .git/index.lock for a moment, and the author's own `git commit` right after a save
        (when the studio looks at its changes) failed with "index.lock: File exists". The
        locks a command needs to write are still taken."""
        return subprocess.run(["git", "--no-optional-locks", *args], cwd=folder,
                              capture_output=True, input=input,
                              text=text, env=None if env is None else dict(env),
                              timeout=timeout, check=False)

    @staticmethod
    def spawn(folder: str | os.PathLike[str] | None, *args: str,
              env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        """git ARGS in FOLDER, started and left running, its messages (stderr) on a pipe to
        read as they come (a clone's progress)."""
        return subprocess.Popen(["git", "--no-optional-locks", *args], cwd=folder,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                env=None if env is None else dict(env))

    def read_objects(self, refs: Sequence[str]) -> dict[str, bytes | None]:
        """REFS (blob ids or "rev:path") read in one `git cat-file --batch`: ref -> bytes, None
        when missing or not a blob."""
        if not refs:
            return {}
        out = self.run("cat-file", "--batch", check=False,
                       input="".join(f"{ref}\n" for ref in refs).encode("utf-8")).stdout
        found: dict[str, bytes | None] = {}
        at = 0
        for ref in refs:
            end = out.find(b"\n", at)
            if end < 0:
                break
            header = out[at:end].split()
            at = end + 1
            if len(header) != 3 or not header[2].isdigit():
                found[ref] = None  # "<ref> missing", "ambiguous"
                continue
            size = int(header[2])
            found[ref] = out[at : at + size] if header[1] == b"blob" else None
            at += size + 1
        return found

    @staticmethod
    def create(root: str | os.PathLike[str], message: str, *, signed_by_studio: bool = False
               ) -> str:
        """A new repository at ROOT whose first commit holds every file; returns its hash. The
        commit is by the identity git is configured with, or (none configured, or
        SIGNED_BY_STUDIO) by the studio itself."""
        repo = git.Repo.init(root)
        try:
            repo.git.add(A=True)
            committed = False
            if not signed_by_studio:
                try:
                    repo.git.commit(m=message)
                    committed = True
                except git.GitCommandError:
                    pass  # no identity configured for git on this machine
            if not committed:
                author = git.Actor("Missiva Studio", "studio@missiva.invalid")
                repo.index.commit(message, author=author, committer=author)
            return str(repo.head.commit.hexsha)
        finally:
            repo.close()


WORKTREE = "WORKTREE"  # the revision name for the files on disk


class _CatFile:
    """One `git cat-file --batch` (or `--batch-check`) process, kept running: a question is a
    line written and an answer read back, no process started for each object."""

    def __init__(self, top: Path, mode: str) -> None:
        self.top = top
        self.mode = mode
        self._process: subprocess.Popen[bytes] | None = None

    def ask(self, ref: str) -> tuple[str, str, bytes] | None:
        for attempt in (1, 2):  # a process that died (a git upgraded, killed) is started again
            try:
                return self._ask(ref)
            except (OSError, ValueError):
                self.close()
                if attempt == 2:
                    raise
        return None  # pragma: no cover - the loop returns or raises

    def _ask(self, ref: str) -> tuple[str, str, bytes] | None:
        if self._process is None:
            self._process = subprocess.Popen(["git", "cat-file", self.mode], cwd=self.top,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        pipe_in: IO[bytes] | None = self._process.stdin
        pipe_out: IO[bytes] | None = self._process.stdout
        assert pipe_in is not None and pipe_out is not None  # noqa: S101 - made with pipes
        pipe_in.write(ref.encode("utf-8", "surrogateescape") + b"\n")
        pipe_in.flush()
        header = pipe_out.readline()
        if not header.endswith(b"\n"):
            raise ValueError("git cat-file ended")
        fields = header.split()
        if len(fields) != 3 or not fields[2].isdigit():
            return None  # "<ref> missing", "<ref> ambiguous"
        size = int(fields[2])
        data = b""
        if self.mode == "--batch":
            data = pipe_out.read(size + 1)[:size]
            if len(data) != size:
                raise ValueError("git cat-file ended")
        return fields[0].decode(), fields[1].decode(), data

    def __del__(self) -> None:  # a Repository dropped without close(): its git processes end
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class _Open:
    repositories: OrderedDict[Path, Repository] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_OPEN = _Open()


def open_repository(root: str | os.PathLike[str] | Repository) -> Repository:
    """The project's Repository, reused between calls (it holds the git object reader)."""
    if isinstance(root, Repository):
        return root
    key = Path(root).resolve()
    with _OPEN.lock:
        found = _OPEN.repositories.get(key)
        if found is not None:
            _OPEN.repositories.move_to_end(key)
            return found
    repository = Repository(key)
    with _OPEN.lock:
        _OPEN.repositories[key] = repository
        while len(_OPEN.repositories) > 8:
            _, old = _OPEN.repositories.popitem(last=False)
            old.close()
    return repository


# Module-level shortcuts (what the CLI and the studio call) --------------------------------

Root = str | os.PathLike[str] | Repository


def commit(root: Root, message: str, paths: Sequence[str] | None = None) -> Revision:
    return open_repository(root).commit(message, paths)


def history(root: Root, path: str) -> list[Revision]:
    return open_repository(root).history(path)


def blob_at(root: Root, path: str, rev: str) -> bytes | None:
    return open_repository(root).blob(path, rev)


def restore(root: Root, path: str, rev: str, message: str | None = None) -> Revision:
    return open_repository(root).restore(path, rev, message)


def release(root: Root, name: str, message: str | None = None) -> Release:
    return open_repository(root).release(name, message)


def status(root: Root) -> list[Change]:
    return open_repository(root).status()


@dataclass(frozen=True)
class WorkingState:
    """What the Changes view shows: the uncommitted changes, and a stale index lock if any."""

    changes: tuple[Change, ...]
    stale_lock: str | None  # the lock's path, when a dead git program left it


def working_state(root: Root) -> WorkingState:
    repository = open_repository(root)
    stale = repository.stale_index_lock()
    return WorkingState(tuple(repository.status()), None if stale is None else str(stale))


def commit_all(root: Root, message: str, author: Identity | None = None) -> Revision:
    """Commit every change of the project (the Changes view's Commit), after removing what a
    killed save left behind: leftovers are not content."""
    remove_leftover_temporaries(Path(root) if not isinstance(root, Repository) else root.root)
    return open_repository(root).commit(message, author=author)


def project_at(repo_path: Root, rev: str) -> Project:
    return open_repository(repo_path).project_at(rev)


# Helpers ----------------------------------------------------------------------------------


def _tags(refs: str) -> tuple[str, ...]:
    return tuple(
        ref.strip()[len("tag: ") :] for ref in refs.split(",") if ref.strip().startswith("tag: ")
    )


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "r": "\r"}


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of unusual paths ("a\\tb", octal UTF-8 bytes)."""
    if not (len(path) >= 2 and path[0] == '"' and path[-1] == '"'):
        return path
    raw = path[1:-1]
    out = bytearray()
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            following = raw[index + 1]
            if following in "01234567" and index + 3 < len(raw) + 1:
                out.append(int(raw[index + 1 : index + 4], 8))
                index += 4
                continue
            out += _ESCAPES.get(following, following).encode()
            index += 2
            continue
        out += char.encode()
        index += 1
    return out.decode("utf-8", errors="replace")


def _stderr(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or exc).strip()
    return text.removeprefix("stderr:").strip().strip("'").strip()


