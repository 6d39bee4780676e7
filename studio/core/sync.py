"""A team on one shared repository: clone, sync (fetch, integrate, push), conflicts, changes.

Integration is a merge, never a rebase: a rebase would rewrite the designer's unpublished
commits, and in this product commits are evidence. A sign-off names the commit it was made on
(compliance/decisions/<sha>.json), signed projects sign each commit, and verify judges every
commit against the rules before it; rewritten commits would orphan decisions and signatures. A
merge keeps every commit as it was made, so the history each person saw stays the history.

Until a conflict is resolved, both sides stay reachable (refs/missiva/sync/mine and
refs/missiva/sync/theirs), the working tree holds *mine* (so the project still loads, renders
and validates), and git's index holds the conflict (base, theirs, mine). `abandon` goes back to
the state before the sync.

Every call runs git with GIT_TERMINAL_PROMPT=0: credentials come from git's own credential
helpers, never from us and never from a prompt that would hang a window.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from studio.core.channels import CHANNELS
from studio.core.history import (
    Repository,
    describe_path,
    open_repository,
    path_label,
)
from studio.core.messages import Message, joined, msg
from studio.core.problems import Problem, ProblemError, error

MINE_REF = "refs/missiva/sync/mine"
THEIRS_REF = "refs/missiva/sync/theirs"
CHANGE_PREFIX = "change/"
RETURNED = "Returned for changes: "
_TIMEOUT = 600  # seconds for one network operation; git's own low-speed limits apply too

Progress = Callable[[str], None]


# Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Commits to send (mine, not on the server) and to receive (on the server, not mine)."""

    to_send: int
    to_receive: int
    upstream: str  # e.g. origin/main; "" when the branch is not on the server yet

    def as_json(self) -> dict[str, Any]:
        return {"to_send": self.to_send, "to_receive": self.to_receive, "upstream": self.upstream}


@dataclass(frozen=True)
class Conflict:
    """One file both sides changed in ways git cannot combine: its three versions (None where
    the file does not exist on that side), and for YAML the keys in conflict."""

    path: str
    name: str  # as a reviewer says it: "block legal/privacy"
    base: str | None
    theirs: str | None
    mine: str | None
    keys: tuple[str, ...] = ()  # dotted YAML keys changed differently on both sides

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "keys": list(self.keys),
            "base": self.base,
            "theirs": self.theirs,
            "mine": self.mine,
        }


@dataclass(frozen=True)
class Arrival:
    """A commit that came with a sync, or that is about to leave."""

    commit: str
    author: str
    subject: str


@dataclass(frozen=True)
class SyncResult:
    """What a sync did. state: in-sync, conflict, refused, offline."""

    state: str
    message: str  # English (the CLI, JSON); `text` the same words for the studio's language
    sent: tuple[Arrival, ...] = ()
    received: tuple[Arrival, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    counts: Counts | None = None
    tags: tuple[str, ...] = ()
    text: Message | None = field(default=None, compare=False, repr=False)
    # Refused for breaking the compliance rules: the server's tip to take my commits back to
    # (take_back), "" otherwise.
    base: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "in-sync"

    def in_language(self, language: str | None) -> str:
        return self.text.in_language(language) if self.text is not None else self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "ok": self.ok,
            "message": self.message,
            "sent": [a.__dict__ for a in self.sent],
            "received": [a.__dict__ for a in self.received],
            "conflicts": [c.as_json() for c in self.conflicts],
            "counts": self.counts.as_json() if self.counts else None,
            "take_back_to": self.base or None,
        }


@dataclass(frozen=True)
class ChangeRequest:
    """A change on the server (a branch change/<name>) ahead of the main branch."""

    name: str
    branch: str
    commit: str
    ahead: int
    behind: int
    authors: tuple[str, ...]
    files: tuple[str, ...]
    blocks: tuple[str, ...]
    regulatory: Mapping[str, str] = field(default_factory=dict)  # block -> state at the tip
    returned: str = ""  # the reviewer's comment when sent back

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "branch": self.branch,
            "commit": self.commit,
            "ahead": self.ahead,
            "behind": self.behind,
            "authors": list(self.authors),
            "files": list(self.files),
            "blocks": list(self.blocks),
            "regulatory": dict(self.regulatory),
            "returned": self.returned,
        }


# git --------------------------------------------------------------------------------------


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # no prompt: credentials come from helpers or not at all
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=15")
    env["LC_ALL"] = "C"  # git's messages are classified below: keep them in English
    if extra:
        env.update(extra)
    return env


def _git(
    root: Path, *args: str, check: bool = True, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = Repository.command(root, *args, text=True, env=_env(env), timeout=_TIMEOUT)
    if check and done.returncode != 0:
        raise ProblemError(
            error(str(root), 0, 0, msg("git {command} failed: {output}", command=args[0],
                                       output=_last_lines(done.stderr)))
        )
    return done


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines() if line.strip()]
    return " ".join(lines[-count:]) or "no message from git"


_AUTH = re.compile(
    r"Authentication failed|could not read Username|could not read Password|"
    r"terminal prompts disabled|\b401\b|\b403\b|Permission denied \(|access denied",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"Could not resolve host|Connection refused|unable to connect|Failed to connect|"
    r"Connection timed out|Network is unreachable|No route to host|Could not read from remote|"
    r"unable to look up|Connection reset|Couldn't connect",
    re.IGNORECASE,
)
_NOT_A_REPO = re.compile(
    r"does not appear to be a git repository|Repository not found|not found|"
    r"No such file or directory|not a git repository|not exported|\b404\b",
    re.IGNORECASE,
)


def failure_kind(stderr: str) -> str:
    """auth, unreachable, not-a-repository or other: what a failed network git call means."""
    if _UNREACHABLE.search(stderr):
        return "unreachable"
    if _NOT_A_REPO.search(stderr):  # before auth: git daemon says "access denied or not exported"
        return "not-a-repository"
    if _AUTH.search(stderr):
        return "auth"
    return "other"


def _network_message(kind: str, url: str, stderr: str) -> Message:
    if kind == "auth":
        return msg("the server at {url} refused your credentials: check the user name and "
                   "password (or token) your git credential helper gives (git config "
                   "credential.helper)", url=url)
    if kind == "unreachable":
        return msg("cannot reach the server at {url}: you may be offline, or the address is "
                   "wrong", url=url)
    if kind == "not-a-repository":
        return msg("there is no project repository at {url}: check the address", url=url)
    return msg("the server at {url} answered: {output}", url=url, output=_last_lines(stderr))


def redact(url: str) -> str:
    """A URL as it may be shown: without a password written into it."""
    return re.sub(r"(://[^/@:]+):[^/@]*@", r"\1:***@", url)


# Clone ------------------------------------------------------------------------------------


def default_folder(url: str) -> str:
    name = re.split(r"[/:]", url.rstrip("/"))[-1]
    name = name.removesuffix(".git") or "project"
    return name


def clone(
    url: str,
    dest: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Clone the project at URL (https, ssh, git:// or a path) into DEST (a new or empty folder;
    by default the repository's name in the current folder) and return it.

    PROGRESS gets git's progress lines; CANCELLED is polled and stops the clone (the partial
    folder is removed). Raises ProblemError with a plain message when the server cannot be
    reached, refuses the credentials, has no repository there, or the repository is not a
    Missiva project (no studio.yaml)."""
    target = Path(dest if dest is not None else default_folder(url)).resolve()
    shown = redact(url)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProblemError(
            error(str(target), 0, 0, msg("the folder exists and is not empty: choose another"))
        )
    existed = target.exists()
    process = Repository.spawn(None, "clone", "--progress", url, str(target), env=_env())
    assert process.stderr is not None
    stream = process.stderr
    captured: list[str] = []
    tail: list[bytes] = [b""]

    def read() -> None:
        # git's progress ends lines with \r: split on both, hand each line on as it comes.
        buffer = b""
        while chunk := stream.read1(4096):  # type: ignore[attr-defined]
            buffer += chunk
            *lines, buffer = re.split(rb"[\r\n]", buffer)
            for raw in lines:
                line = raw.decode("utf-8", "replace").strip()
                if line:
                    captured.append(line)
                    if progress is not None:
                        progress(line)
        tail[0] = buffer

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stopped = False
    # Cancel is honoured within a tenth of a second, even while the server says nothing.
    while process.poll() is None:
        if cancelled is not None and cancelled():
            process.kill()
            stopped = True
            break
        reader.join(timeout=0.1)
    code = process.wait()
    reader.join(timeout=10)
    stderr = "\n".join(captured[-20:]) + "\n" + tail[0].decode("utf-8", "replace")

    def remove() -> None:
        if existed:
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            shutil.rmtree(target, ignore_errors=True)

    if stopped:
        remove()
        raise ProblemError(error(str(target), 0, 0, msg("clone cancelled: nothing was kept")))
    if code != 0:
        if target.exists():
            remove()
        kind = failure_kind(stderr)
        raise ProblemError(error(shown, 0, 0, _network_message(kind, shown, stderr)))
    if not (target / "studio.yaml").is_file():
        remove()
        raise ProblemError(
            error(shown, 0, 0, msg("{url} is a git repository but not a Missiva project (no "
                                   "studio.yaml at its top): nothing was kept", url=shown))
        )
    return target


def clone_reporting(
    url: str, dest: str | os.PathLike[str], progress_file: str, cancel_file: str
) -> Path:
    """clone() for a caller in another process (the studio's worker): git's progress lines are
    appended to PROGRESS_FILE, and the clone stops once CANCEL_FILE exists."""
    log = Path(progress_file)
    stop = Path(cancel_file)

    def progress(line: str) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    return clone(url, dest, progress=progress, cancelled=stop.exists)


# State ------------------------------------------------------------------------------------


def _top(root: Path) -> Path:
    return open_repository(root).root


def _branch(root: Path) -> str:
    done = _git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    if done.returncode != 0:
        raise ProblemError(
            error(str(root), 0, 0, msg("not on a branch (an old version is checked out): "
                                       "switch back to a branch before syncing"))
        )
    return done.stdout.strip()


def _remote(root: Path, branch: str) -> str:
    configured = _git(root, "config", "--get", f"branch.{branch}.remote", check=False)
    name = configured.stdout.strip() or "origin"
    if _git(root, "remote", "get-url", name, check=False).returncode != 0:
        raise ProblemError(
            error(str(root), 0, 0, msg("this project has no server to sync with (no git "
                                       "remote 'origin'): get it with missiva clone URL, or "
                                       "add one"))
        )
    return name


def _remote_url(root: Path, remote: str) -> str:
    return redact(_git(root, "remote", "get-url", remote).stdout.strip())


def _rev(root: Path, ref: str) -> str:
    done = _git(root, "rev-parse", "--verify", "-q", ref + "^{commit}", check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def _count(root: Path, spec: str) -> int:
    return int(_git(root, "rev-list", "--count", spec).stdout.strip() or 0)


def _arrivals(root: Path, spec: str) -> tuple[Arrival, ...]:
    out = _git(root, "log", "--format=%H%x1f%an <%ae>%x1f%s", spec).stdout
    return tuple(
        Arrival(*line.split("\x1f", 2)) for line in out.splitlines() if line.count("\x1f") == 2
    )


def counts(root: str | os.PathLike[str]) -> Counts:
    """Commits to send and to receive, as of the last fetch (no network)."""
    top = _top(Path(root))
    branch = _branch(top)
    remote = _remote(top, branch)
    upstream = f"{remote}/{branch}"
    if not _rev(top, f"refs/remotes/{upstream}"):
        return Counts(_count(top, "HEAD") if _rev(top, "HEAD") else 0, 0, "")
    left, right = _git(
        top, "rev-list", "--left-right", "--count", f"HEAD...refs/remotes/{upstream}"
    ).stdout.split()
    return Counts(int(left), int(right), upstream)


def not_on_server(root: str | os.PathLike[str]) -> tuple[Arrival, ...]:
    """My commits the server does not have yet (newest first), as of the last fetch."""
    top = _top(Path(root))
    branch = _branch(top)
    remote = _remote(top, branch)
    if not _rev(top, f"refs/remotes/{remote}/{branch}"):
        return _arrivals(top, "HEAD")
    return _arrivals(top, f"refs/remotes/{remote}/{branch}..HEAD")


def last_arrived(root: str | os.PathLike[str]) -> tuple[Arrival, ...]:
    """The commits that arrived with the last sync (newest first)."""
    top = _top(Path(root))
    before = _rev(top, "refs/missiva/sync/before")
    received = _rev(top, "refs/missiva/sync/received")
    if not (before and received):
        return ()
    return _arrivals(top, f"{before}..{received}")


def activity(root: str | os.PathLike[str]) -> tuple[tuple[Arrival, ...], tuple[Arrival, ...]]:
    """Who changed what, for History and Changes: (my commits not on the server yet, the
    commits that arrived with the last sync), newest first, without network."""
    try:
        waiting = not_on_server(root)
    except ProblemError:  # no server: nothing is "not on the server"
        waiting = ()
    return waiting, last_arrived(root)


def in_conflict(root: str | os.PathLike[str]) -> bool:
    top = _top(Path(root))
    return bool(_rev(top, "MERGE_HEAD")) and bool(_rev(top, MINE_REF))


# Sync -------------------------------------------------------------------------------------


def _fetch(top: Path, remote: str, progress: Progress | None) -> Message | None:
    """Fetch with tags; None when done, else the message saying why not."""
    if progress:
        progress("receiving the team's work…")
    done = _git(top, "fetch", "--tags", "--prune", "--no-progress", remote, check=False)
    if done.returncode == 0:
        return None
    url = _remote_url(top, remote)
    return _network_message(failure_kind(done.stderr), url, done.stderr)


def _dirty(top: Path) -> list[str]:
    out = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=no").stdout
    return [entry[3:] for entry in out.split("\0") if len(entry) > 3]


def _identity(top: Path) -> dict[str, str]:
    who = open_repository(top).identity()
    return {
        "GIT_AUTHOR_NAME": who.name,
        "GIT_AUTHOR_EMAIL": who.email,
        "GIT_COMMITTER_NAME": who.name,
        "GIT_COMMITTER_EMAIL": who.email,
    }


def sync(root: str | os.PathLike[str], *, progress: Progress | None = None) -> SyncResult:
    """Fetch the team's work (and release tags), merge it into mine, push mine (with tags).

    Uncommitted edits are refused (commit them first: nothing is stashed or queued silently).
    A push the server refuses because someone pushed meanwhile is retried by integrating their
    work, up to three times. On a conflict, returns state "conflict" with each file's three
    versions: resolve them with `resolve` and call `sync` again, or `abandon`."""
    top = _top(Path(root))
    if in_conflict(top):
        left = conflicts(top)
        if left:
            return _conflict_result(top, left)
        return _finish_merge_and_push(top, progress, Path(root))
    branch = _branch(top)
    remote = _remote(top, branch)
    dirty = _dirty(top)
    if dirty:
        shown = joined(path_label(p) for p in dirty[:5])
        raise ProblemError(
            error(dirty[0], 0, 0, msg("uncommitted changes ({files}): commit them before "
                                      "syncing (nothing is sent or received while they are "
                                      "pending)", files=shown))
        )
    return _integrate_and_push(top, branch, remote, progress, project=Path(root))


def _integrate_and_push(
    top: Path, branch: str, remote: str, progress: Progress | None, before: str = "",
    project: Path | None = None,
) -> SyncResult:
    start = _rev(top, "HEAD")
    before = before or start
    sent: tuple[Arrival, ...] = ()
    received: tuple[Arrival, ...] = ()
    for _attempt in range(3):
        offline = _fetch(top, remote, progress)
        if offline is not None:
            return _result(
                "offline",
                msg("{reason}. Nothing was sent or received; your commits stay here, sync "
                    "again when the server can be reached.", reason=offline),
                counts=_safe_counts(top),
            )
        upstream = f"refs/remotes/{remote}/{branch}"
        theirs = _rev(top, upstream)
        if theirs and start:
            received += _arrivals(top, f"HEAD..{theirs}")
            result = _merge(top, theirs, remote, branch, progress)
            if result is not None:
                return result
        elif theirs:
            _git(top, "merge", "--ff-only", "-q", theirs)
        if progress:
            progress("sending your work…")
        to_send = _arrivals(top, f"{theirs}..HEAD" if theirs else "HEAD")
        broken = _breaking(top, project or top, to_send) if to_send else []
        if broken:
            base = theirs or _rev(top, f"refs/remotes/{remote}/{main_branch(top)}")
            return _result("refused", _refusal(broken, base), received=received,
                           counts=_safe_counts(top), base=base)
        pushed = _push(top, remote, branch)
        if pushed is None:
            sent += to_send
            _mark(top, before, theirs)
            return _result(
                "in-sync",
                _summary(len(sent), len(received)),
                sent=sent,
                received=received,
                counts=_safe_counts(top),
            )
        if pushed != "rejected":
            state = "offline" if "cannot reach" in str(pushed) else "refused"
            return _result(state, pushed, received=received, counts=_safe_counts(top))
    return _result(
        "refused",
        msg("the server kept refusing your commits (others are pushing right now): sync "
            "again"),
        received=received,
        counts=_safe_counts(top),
    )


def _breaking(top: Path, project: Path, sending: Sequence[Arrival]) -> list[Problem]:
    """What my commits SENDING would bring into the team's history that the compliance rules
    forbid (a non-owner's edit of a regulatory block, roles changed by a non-approver…): the
    problems the history's judgement finds in them. Once pushed, `verify` would report them
    in every clone for good (history is never rewritten)."""
    from studio.core.ledger import judge_history

    mine = {arrival.commit for arrival in sending}
    try:
        judged = judge_history(open_repository(project), ["HEAD"])
    except ProblemError:
        return []  # not a project's history (no studio.yaml): nothing to judge
    return [p for p, commit in zip(judged.problems, judged.blamed, strict=True)
            if commit in mine]


def _refusal(broken: list[Problem], base: str) -> Message:
    problem = broken[0]
    said = joined(problem.parts or (problem.message,), "")
    return msg("nothing was sent: {problem}{more}. Once on the server, missiva verify would "
               "report it in every clone for good. Take your commits back (their changes stay "
               "in your files: git reset --soft {base}), undo that change and commit again.",
               problem=said, base=base[:10] if base else "HEAD~1",
               more=msg(" (and {count} more)", count=len(broken) - 1) if len(broken) > 1
               else "")


def take_back(root: str | os.PathLike[str], base: str) -> int:
    """Undo my commits since BASE (the server's tip a refused sync named), their changes kept
    in the files as uncommitted: what sync's refusal for the compliance rules asks for, so the
    change that broke them can be undone before committing again. Only commits the server
    does not have are taken back (they were never published: nothing of the team's history is
    rewritten). Returns how many."""
    top = _top(Path(root))
    target = _rev(top, base)
    head = _rev(top, "HEAD")
    if not target or not head or _git(top, "merge-base", "--is-ancestor", target, head,
                                      check=False).returncode != 0:
        raise ProblemError(error(str(top), 0, 0, msg(
            "cannot take your commits back to {base}: it is not in your history", base=base)))
    branch = _branch(top)
    published = _rev(top, f"refs/remotes/{_remote(top, branch)}/{branch}")
    if published and _git(top, "merge-base", "--is-ancestor", published, target,
                          check=False).returncode != 0:
        raise ProblemError(error(str(top), 0, 0, msg(
            "cannot take your commits back to {base}: the server has commits after it (sync "
            "again first)", base=base)))
    count = _count(top, f"{target}..HEAD")
    _git(top, "reset", "-q", "--soft", target)
    return count


def _summary(sent: int, received: int) -> Message:
    return msg("in sync with the server: {sent} commit(s) sent, {received} received",
               sent=sent, received=received)


def _result(state: str, text: Message | str, **details: Any) -> SyncResult:
    return SyncResult(state, str(text), text=text if isinstance(text, Message) else None,
                      **details)


def _safe_counts(top: Path) -> Counts | None:
    try:
        return counts(top)
    except ProblemError:
        return None


def _mark(top: Path, before: str, received: str) -> None:
    """Remember what the last sync brought: the commits between BEFORE (mine, before it) and
    RECEIVED (the server's tip it integrated). History shows whose commits arrived."""
    if before and received:
        _git(top, "update-ref", "refs/missiva/sync/before", before)
        _git(top, "update-ref", "refs/missiva/sync/received", received)
    else:
        _git(top, "update-ref", "-d", "refs/missiva/sync/received", check=False)


def _push(top: Path, remote: str, branch: str) -> Message | str | None:
    """None when pushed; "rejected" when the server has commits we lack; else a message."""
    done = _git(
        top,
        "push",
        "--porcelain",
        "--follow-tags",
        "--set-upstream",
        remote,
        f"HEAD:refs/heads/{branch}",
        check=False,
    )
    if done.returncode == 0:
        tags = _git(top, "push", "--porcelain", "--tags", remote, check=False)
        if tags.returncode != 0 and "rejected" not in tags.stdout + tags.stderr:
            return _network_message(failure_kind(tags.stderr), _remote_url(top, remote),
                                    tags.stderr)
        return None
    text = done.stdout + done.stderr
    if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text:
        return "rejected"
    url = _remote_url(top, remote)
    return msg("{reason}. Your commits stay here.",
               reason=_network_message(failure_kind(text), url, text))


def _merge(
    top: Path, theirs: str, remote: str, branch: str, progress: Progress | None
) -> SyncResult | None:
    """Merge THEIRS into HEAD; None when merged (or nothing to merge), else a conflict result."""
    if _git(top, "merge-base", "--is-ancestor", theirs, "HEAD", check=False).returncode == 0:
        return None
    if _git(top, "merge-base", "--is-ancestor", "HEAD", theirs, check=False).returncode == 0:
        _git(top, "merge", "--ff-only", "-q", theirs)
        return None
    if progress:
        progress("combining their work with yours…")
    mine = _rev(top, "HEAD")
    message = f"Sync: combine the team's work from {remote}/{branch}"
    done = _git(
        top, "merge", "--no-ff", "--no-edit", "-m", message, theirs, check=False,
        env=_identity(top),
    )
    if done.returncode == 0:
        return None
    if not _rev(top, "MERGE_HEAD"):  # the merge did not start (e.g. an untracked file)
        raise ProblemError(error(str(top), 0, 0, msg("cannot combine: {output}",
                                                     output=_last_lines(done.stderr))))
    _git(top, "update-ref", MINE_REF, mine)
    _git(top, "update-ref", THEIRS_REF, theirs)
    _git(top, "update-ref", "refs/missiva/sync/before", mine)
    # YAML files first: keys changed on different sides combine without asking anyone.
    for conflict in _raw_conflicts(top):
        if conflict.path.endswith((".yaml", ".yml")):
            merged = _yaml_merge(conflict)
            if merged is not None and not merged[1]:
                _write_resolution(top, conflict.path, merged[0])
    left = conflicts(top)
    # The working tree holds mine until resolved: the project loads, renders, validates.
    for conflict in left:
        _write_working(top, conflict.path, conflict.mine)
    if not left:
        return _commit_merge(top) or None
    return _conflict_result(top, left)


def _conflict_result(top: Path, left: list[Conflict]) -> SyncResult:
    names = joined(
        [msg("{name} (keys: {keys})", name=path_label(c.path), keys=", ".join(c.keys))
         if c.keys else path_label(c.path) for c in left],
        "; ",
    )
    return _result(
        "conflict",
        msg("you and a colleague changed the same text in: {names}. For each, keep yours, "
            "take theirs or write the combined text; then sync again (or abandon to go back "
            "to before the sync: nothing is lost).", names=names),
        conflicts=tuple(left),
        counts=_safe_counts(top),
    )


def _commit_merge(top: Path) -> SyncResult | None:
    done = _git(top, "commit", "--no-edit", "--no-verify", "-q", check=False, env=_identity(top))
    if done.returncode != 0:
        raise ProblemError(
            error(str(top), 0, 0, msg("cannot record the combined work: {output}",
                                      output=_last_lines(done.stderr)))
        )
    _git(top, "update-ref", "-d", MINE_REF, check=False)
    _git(top, "update-ref", "-d", THEIRS_REF, check=False)
    return None


def _finish_merge_and_push(top: Path, progress: Progress | None,
                           project: Path | None = None) -> SyncResult:
    before = _rev(top, "refs/missiva/sync/before")
    theirs = _rev(top, THEIRS_REF)
    _commit_merge(top)
    branch = _branch(top)
    remote = _remote(top, branch)
    result = _integrate_and_push(top, branch, remote, progress, before=before,
                                 project=project)
    if result.ok and before and theirs:
        received = _arrivals(top, f"{before}..{theirs}")
        return SyncResult(result.state, result.message, result.sent, received + result.received,
                          counts=result.counts, text=result.text)
    return result


# Conflicts --------------------------------------------------------------------------------


def _stage(top: Path, stage: int, path: str) -> str | None:
    done = Repository.command(top, "show", f":{stage}:{path}")
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def _unmerged(top: Path) -> list[str]:
    out = _git(top, "diff", "--name-only", "--diff-filter=U", "-z").stdout
    return sorted({p for p in out.split("\0") if p})


def _raw_conflicts(top: Path) -> list[Conflict]:
    prefix = open_repository(top).prefix
    found = []
    for git_path in _unmerged(top):
        base, mine, theirs = (_stage(top, n, git_path) for n in (1, 2, 3))
        path = git_path[len(prefix):] if prefix and git_path.startswith(prefix) else git_path
        found.append(Conflict(path, describe_path(path), base, theirs, mine))
    return found


def conflicts(root: str | os.PathLike[str]) -> list[Conflict]:
    """The files still in conflict, each with its three versions (and YAML keys in conflict)."""
    top = _top(Path(root))
    found = []
    for conflict in _raw_conflicts(top):
        keys: tuple[str, ...] = ()
        if conflict.path.endswith((".yaml", ".yml")):
            merged = _yaml_merge(conflict)
            keys = merged[1] if merged is not None else ()
        found.append(
            Conflict(conflict.path, conflict.name, conflict.base, conflict.theirs,
                     conflict.mine, keys)
        )
    return found


_MISSING = object()


def _load_yaml(text: str | None) -> Any:
    if text is None:
        return _MISSING
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return _MISSING


def _yaml_merge(
    conflict: Conflict, choice: Mapping[str, str] | None = None
) -> tuple[str, tuple[str, ...]] | None:
    """Combine a YAML file key by key: (the merged text, the keys changed on both sides).
    For those keys CHOICE says mine or theirs (unset: mine). None when not mappings."""
    base, mine, theirs = (_load_yaml(t) for t in (conflict.base, conflict.mine, conflict.theirs))
    if not all(isinstance(v, dict) for v in (mine, theirs)):
        return None
    if not isinstance(base, dict):
        base = {}
    clashes: list[str] = []

    def combine(b: Any, m: Any, t: Any, where: str) -> Any:
        if m == t:
            return m
        if m == b:
            return t
        if t == b:
            return m
        if isinstance(m, dict) and isinstance(t, dict):
            b = b if isinstance(b, dict) else {}
            out: dict[Any, Any] = {}
            for key in [*m, *(k for k in t if k not in m)]:
                value = combine(
                    b.get(key, _MISSING), m.get(key, _MISSING), t.get(key, _MISSING),
                    f"{where}.{key}" if where else str(key),
                )
                if value is not _MISSING:
                    out[key] = value
            return out
        clashes.append(where)
        return t if (choice or {}).get(where) == "theirs" else m

    merged = combine(base, mine, theirs, "")
    text = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True, width=100)
    return text, tuple(clashes)


def _merge_file(conflict: Conflict, side: str) -> str | None:
    """The text with git's line merge, conflicting hunks taken from SIDE (mine or theirs)."""
    chosen = conflict.mine if side == "mine" else conflict.theirs
    if conflict.mine is None or conflict.theirs is None or conflict.base is None:
        return chosen
    with tempfile.TemporaryDirectory(prefix="missiva-merge-") as folder:
        files = []
        for label, text in (("mine", conflict.mine), ("base", conflict.base),
                            ("theirs", conflict.theirs)):
            path = Path(folder) / label
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        flag = "--ours" if side == "mine" else "--theirs"
        done = Repository.command(None, "merge-file", "-p", flag, *files)
    if done.returncode < 0 or done.returncode > 127:
        return chosen
    return done.stdout.decode("utf-8", "replace")


def _write_working(top: Path, path: str, text: str | None) -> None:
    target = open_repository(top).root / path
    if text is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _write_resolution(top: Path, path: str, text: str | None) -> None:
    _write_working(top, path, text)
    repository = open_repository(top)
    git_path = repository.prefix + path
    if text is None:
        _git(repository.root, "rm", "-q", "--cached", "--ignore-unmatch", "--", git_path)
    else:
        _git(repository.root, "add", "--", git_path)


def resolve(
    root: str | os.PathLike[str],
    path: str,
    take: str,
    text: str | None = None,
    keys: Mapping[str, str] | None = None,
) -> None:
    """Resolve one conflicting file. TAKE: "mine" or "theirs" (their changes elsewhere in the
    file are kept: only the clashing parts follow the choice), or "edited" with TEXT (the merged
    text as written; None: the file as it is on disk). For YAML, KEYS maps a clashing key to
    mine or theirs (the others follow TAKE)."""
    top = _top(Path(root))
    found = {c.path: c for c in conflicts(top)}
    conflict = found.get(path)
    if conflict is None:
        listed = ", ".join(found) or "none"
        raise ProblemError(error(path, 0, 0, msg("not in conflict (files in conflict: {files})",
                                                 files=listed)))
    if take == "edited":
        if text is None:
            disk = open_repository(top).root / path
            text = disk.read_text(encoding="utf-8") if disk.exists() else None
        if text is not None and re.search(r"^(<{7}|>{7}) ", text, re.MULTILINE):
            raise ProblemError(
                error(path, 0, 0, msg("the text still holds conflict markers ({markers})",
                                      markers="<<<<<<< / >>>>>>>"))
            )
        _write_resolution(top, path, text)
        return
    if take not in ("mine", "theirs"):
        raise ProblemError(error(path, 0, 0, msg("take mine, theirs or edited, not {take}",
                                                 take=repr(take))))
    if conflict.keys:
        choice = {k: take for k in conflict.keys} | dict(keys or {})
        merged = _yaml_merge(conflict, choice)
        if merged is not None:
            _write_resolution(top, path, merged[0])
            return
    _write_resolution(top, path, _merge_file(conflict, take))


def abandon(root: str | os.PathLike[str]) -> None:
    """Go back to the state before the sync: my commits and files as they were (their work
    stays on the server and in the remote-tracking branch, to sync again later)."""
    top = _top(Path(root))
    if not in_conflict(top):
        raise ProblemError(error(str(top), 0, 0, msg("no sync in conflict to abandon")))
    mine = _rev(top, MINE_REF)
    _git(top, "merge", "--abort", check=False)
    if _rev(top, "HEAD") != mine or _rev(top, "MERGE_HEAD"):
        _git(top, "reset", "-q", "--merge", mine)
    _git(top, "update-ref", "-d", MINE_REF, check=False)
    _git(top, "update-ref", "-d", THEIRS_REF, check=False)


# Change requests ---------------------------------------------------------------------------


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._/-]+", "-", name.strip()).strip("-/.").lower()
    slug = slug.removeprefix(CHANGE_PREFIX)
    if not slug or ".." in slug:
        raise ProblemError(error("", 0, 0, msg("{name} cannot name a change: use words and -",
                                               name=repr(name))))
    return slug


def main_branch(root: str | os.PathLike[str]) -> str:
    """studio.yaml's compliance.branch, else main or master (whichever exists)."""
    top = _top(Path(root))
    try:
        raw = yaml.safe_load((top / "studio.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raw = {}
    if isinstance(raw, dict) and isinstance(raw.get("compliance"), dict):
        configured = str(raw["compliance"].get("branch") or "")
        if configured:
            return configured
    for name in ("main", "master"):
        if _rev(top, f"refs/heads/{name}") or _rev(top, f"refs/remotes/origin/{name}"):
            return name
    return "main"


def start_change(root: str | os.PathLike[str], name: str) -> str:
    """Start a change named NAME (branch change/<name>) from the main branch, or continue
    one the server already has (a reviewer's way in). Returns the branch."""
    top = _top(Path(root))
    branch = CHANGE_PREFIX + _slug(name)
    if _dirty(top):
        raise ProblemError(error(str(top), 0, 0,
                                 msg("commit your changes before starting a change")))
    remote = "origin" if _git(top, "remote", "get-url", "origin", check=False).returncode == 0 \
        else ""
    if remote:
        _fetch(top, remote, None)  # offline is fine: start from what we have
    if _rev(top, f"refs/heads/{branch}"):
        _git(top, "switch", "-q", branch)
        if remote and _rev(top, f"refs/remotes/{remote}/{branch}"):
            _git(top, "merge", "--ff-only", "-q", f"refs/remotes/{remote}/{branch}", check=False)
    elif remote and _rev(top, f"refs/remotes/{remote}/{branch}"):
        _git(top, "switch", "-q", "-c", branch, "--track", f"{remote}/{branch}")
    else:
        main = main_branch(top)
        start = _rev(top, f"refs/heads/{main}") or _rev(top, f"refs/remotes/{remote}/{main}")
        _git(top, "switch", "-q", "-c", branch, start or "HEAD")
    return branch


def submit_change(root: str | os.PathLike[str]) -> ChangeRequest:
    """Send the current change to the server for review (its branch, with my commits)."""
    top = _top(Path(root))
    branch = _branch(top)
    if not branch.startswith(CHANGE_PREFIX):
        raise ProblemError(
            error(str(top), 0, 0, msg("you are on {branch}, not on a change: start one with "
                                      "missiva change start NAME", branch=branch))
        )
    if _dirty(top):
        raise ProblemError(error(str(top), 0, 0, msg("commit your changes before submitting")))
    result = _integrate_and_push(top, branch, _remote(top, branch), None, project=Path(root))
    if not result.ok:
        raise ProblemError(error(str(top), 0, 0, result.text or result.message))
    name = branch[len(CHANGE_PREFIX):]
    for change in list_changes(top, fetch=False):
        if change.name == name:
            return change
    raise ProblemError(
        error(str(top), 0, 0, msg("change {name} has no commits beyond {branch}", name=name,
                                  branch=main_branch(top)))
    )


def list_changes(root: str | os.PathLike[str], *, fetch: bool = True) -> list[ChangeRequest]:
    """The changes on the server ahead of the main branch, with what they touch and the state
    of each regulatory block they change at the change's tip."""
    from studio.core.compliance import block_states
    from studio.core.ledger import judge_history, main_line

    top = _top(Path(root))
    repository = open_repository(top)
    if fetch:
        offline = _fetch(top, "origin", None)
        if offline is not None:
            raise ProblemError(error(str(top), 0, 0, offline))
    main = main_branch(top)
    base = _rev(top, f"refs/remotes/origin/{main}") or _rev(top, f"refs/heads/{main}")
    out = _git(top, "for-each-ref", "--format=%(refname)",
               f"refs/remotes/origin/{CHANGE_PREFIX}").stdout
    found = []
    for ref in out.split():
        tip = _rev(top, ref)
        ahead = _count(top, f"{base}..{tip}") if base else _count(top, tip)
        if ahead == 0:
            continue
        behind = _count(top, f"{tip}..{base}") if base else 0
        fork = _git(top, "merge-base", base, tip).stdout.strip() if base else ""
        files = [f for f in _git(top, "diff", "--name-only", "-z", f"{fork}..{tip}" if fork
                                 else tip).stdout.split("\0") if f]
        prefix = repository.prefix
        files = [f[len(prefix):] for f in files if f.startswith(prefix)]
        blocks = sorted({describe_path(f).removeprefix("block ") for f in files
                         if f.startswith("blocks/")})
        authors = tuple(dict.fromkeys(
            _git(top, "log", "--format=%an <%ae>", f"{base}..{tip}" if base else tip)
            .stdout.splitlines()
        ))
        judged = judge_history(repository, [tip, *main_line(repository)])
        states = {s.block: s.state for s in block_states(top, rev=tip, judged=judged)}
        regulatory = {b: states[b] for b in blocks if b in states}
        subject = _git(top, "log", "-1", "--format=%B", tip).stdout.strip()
        found.append(
            ChangeRequest(
                name=ref.removeprefix(f"refs/remotes/origin/{CHANGE_PREFIX}"),
                branch=ref.removeprefix("refs/remotes/origin/"),
                commit=tip,
                ahead=ahead,
                behind=behind,
                authors=authors,
                files=tuple(files),
                blocks=tuple(blocks),
                regulatory=regulatory,
                returned=subject[len(RETURNED):] if subject.startswith(RETURNED) else "",
            )
        )
    return found


def _change(top: Path, name: str) -> ChangeRequest:
    slug = _slug(name)
    listed = list_changes(top)
    for change in listed:
        if change.name == slug:
            return change
    known = ", ".join(c.name for c in listed) or "none"
    raise ProblemError(error(str(top), 0, 0, msg("no change {name} waiting on the server "
                                                 "(changes: {known})", name=repr(slug),
                                                 known=known)))


def return_change(root: str | os.PathLike[str], name: str, comment: str) -> None:
    """Send a change back to its author with COMMENT (an empty commit on the change)."""
    top = _top(Path(root))
    if not comment.strip():
        raise ProblemError(error(str(top), 0, 0, msg("say what to change: a comment is needed")))
    change = _change(top, name)
    here = _branch(top)
    start_change(top, change.name)
    _git(top, "commit", "--allow-empty", "-q", "--no-verify", "-m", RETURNED + comment,
         env=_identity(top))
    pushed = _push(top, "origin", change.branch)
    _git(top, "switch", "-q", here)
    if pushed is not None:
        raise ProblemError(error(str(top), 0, 0, msg("cannot send the change back: {reason}",
                                                     reason=pushed)))


def merge_change(root: str | os.PathLike[str], name: str) -> str:
    """Merge the change NAME into the main branch (fast-forward when it is on top of it, else
    a merge commit) and push main; the change's branch leaves the server. Refused while a
    regulatory block the change touches is not approved at the change's version, or when
    verify finds the merged history breaks the compliance rules. Returns the new main commit."""
    from studio.core.compliance import verify

    top = _top(Path(root))
    if _dirty(top):
        raise ProblemError(error(str(top), 0, 0,
                                 msg("commit your changes before merging a change")))
    change = _change(top, name)
    unapproved = {b: s for b, s in change.regulatory.items() if s != "approved"}
    if unapproved:
        shown = ", ".join(f"{b} ({s})" for b, s in sorted(unapproved.items()))
        raise ProblemError(
            error(f"blocks/{sorted(unapproved)[0]}.md", 0, 0,
                  msg("change {name} changes regulatory blocks not approved at its version: "
                      "{blocks}. Approve them on the change (missiva change start {name}, "
                      "missiva signoff, missiva change submit), then merge", name=change.name,
                      blocks=shown))
        )
    main = main_branch(top)
    if _rev(top, f"refs/heads/{main}"):
        _git(top, "switch", "-q", main)
    else:
        _git(top, "switch", "-q", "-c", main, "--track", f"origin/{main}")
    upstream = _rev(top, f"refs/remotes/origin/{main}")
    if upstream:
        _git(top, "merge", "--ff-only", "-q", upstream, check=False)
    before = _rev(top, "HEAD")
    # Judge what the merge adds: problems main already had are not this change's.
    known = {str(p) for p in verify(top)}
    done = _git(top, "merge", "--ff", "--no-edit", "-m",
                f"Merge change {change.name}", change.commit, check=False, env=_identity(top))
    if done.returncode != 0:
        _git(top, "merge", "--abort", check=False)
        raise ProblemError(
            error(str(top), 0, 0, msg("change {name} conflicts with {branch}: its author syncs "
                                      "it with main first (missiva change start, missiva "
                                      "sync), then merge", name=change.name, branch=main))
        )
    problems = [p for p in verify(top) if str(p) not in known]
    if problems:
        _git(top, "reset", "-q", "--hard", before)  # never published: undo the local merge
        raise ProblemError(problems[0])
    pushed = _push(top, "origin", main)
    if pushed is not None:
        _git(top, "reset", "-q", "--hard", before)
        said = msg("someone pushed to main meanwhile: merge again") if pushed == "rejected" \
            else pushed
        raise ProblemError(error(str(top), 0, 0, said))
    _git(top, "push", "-q", "origin", "--delete", change.branch, check=False)
    _git(top, "branch", "-q", "-D", change.branch, check=False)
    return _rev(top, "HEAD")


# Rendered previews of a conflict -----------------------------------------------------------


@dataclass(frozen=True)
class ConflictPreview:
    """One side of a conflict (base, theirs, mine) rendered as the customer would see it: a
    template using the file, on a text-like channel (mobile HTML, else SMS, else email)."""

    side: str
    template: str
    channel: str
    media_type: str
    content: str
    problem: str = ""


_PREVIEW_ORDER = ("html", "text", "mime")  # how a channel compares: the readiest to show first


def _preview_channel(channels: Sequence[str]) -> str:
    shown = [c for c in channels if not CHANNELS[c].binary and CHANNELS[c].compare in
             _PREVIEW_ORDER]
    shown.sort(key=lambda c: _PREVIEW_ORDER.index(CHANNELS[c].compare))
    return shown[0] if shown else ""


def conflict_previews(root: str | os.PathLike[str], path: str) -> list[ConflictPreview]:
    """The rendered previews of PATH's three versions in a sync left in conflict: each from its
    own commit (the common ancestor, theirs, mine), for the default sample and locale."""
    from studio.core.compliance import templates_using
    from studio.core.render import render

    top = _top(Path(root))
    mine, theirs = _rev(top, MINE_REF), _rev(top, THEIRS_REF)
    if not (mine and theirs):
        raise ProblemError(error(path, 0, 0, msg("no sync in conflict")))
    base = _git(top, "merge-base", mine, theirs, check=False).stdout.strip()
    repository = open_repository(top)
    previews = []
    for side, rev in (("base", base), ("theirs", theirs), ("mine", mine)):
        if not rev:
            continue
        try:
            project = repository.project_at(rev)
        except ProblemError as exc:
            previews.append(ConflictPreview(side, "", "", "", "", exc.problem.message))
            continue
        names: list[str] = []
        if path.startswith("blocks/") and path.endswith(".md"):
            block = path[len("blocks/"):-len(".md")]
            names = sorted(templates_using(project, block)) if block in project.blocks else []
        elif path.startswith("templates/"):
            names = [Path(path).stem] if Path(path).stem in project.templates else []
        names = names or sorted(project.templates)
        if not names:
            previews.append(ConflictPreview(side, "", "", "", "", "no template uses it"))
            continue
        template = project.templates[names[0]]
        channel = _preview_channel(template.channels)
        samples = project.samples
        sample_name = str(project.config.raw.get("default_sample") or "") or \
            (sorted(samples)[0] if samples else "")
        if not channel or sample_name not in samples:
            previews.append(ConflictPreview(side, names[0], channel, "", "",
                                            "nothing to preview without a sample"))
            continue
        sample = samples[sample_name]
        try:
            rendition = render(project, names[0], channel, sample.record,
                               project.config.default_locale, record_path=sample.path)
        except ProblemError as exc:
            previews.append(ConflictPreview(side, names[0], channel, "", "", str(exc.problem)))
            continue
        previews.append(ConflictPreview(side, names[0], channel, rendition.media_type,
                                        rendition.content.decode("utf-8", "replace")))
    return previews


# A change's rendered diff against main -------------------------------------------------------


def change_diffs(root: str | os.PathLike[str], name: str, *, fetch: bool = False) -> list[Any]:
    """What a change does to the customer's communications: each template it touches (through
    a block or the template itself), on each channel but print (whose page images the History
    compare shows), rendered at the point it left main and at its tip, compared
    (studio.core.diff.RenderedDiff values, the default sample and locale)."""
    from studio.core.compliance import templates_using
    from studio.core.diff import rendered_diff

    top = _top(Path(root))
    slug = _slug(name)
    found = [c for c in list_changes(top, fetch=fetch) if c.name == slug]
    if not found:
        raise ProblemError(error(str(top), 0, 0, msg("no change {name} waiting on the server",
                                                     name=repr(slug))))
    change = found[0]
    main = main_branch(top)
    base = _rev(top, f"refs/remotes/origin/{main}") or _rev(top, f"refs/heads/{main}")
    fork = _git(top, "merge-base", base, change.commit).stdout.strip()
    project = open_repository(top).project_at(change.commit)
    names: set[str] = set()
    for block in change.blocks:
        if block in project.blocks:
            names.update(templates_using(project, block))
    for path in change.files:
        if path.startswith("templates/") and Path(path).stem in project.templates:
            names.add(Path(path).stem)
    diffs = []
    for template in sorted(names):
        for channel in project.templates[template].channels:
            if CHANNELS[channel].heavy:
                continue
            try:
                diffs.append(rendered_diff(top, fork, change.commit, template, channel))
            except ProblemError:
                continue  # e.g. a template new in the change: nothing to compare with
    return diffs
