"""Compliance: the sign-off ledger of regulatory blocks, their states, checks and the export gate.

The ledger is `compliance/signoffs.jsonl`, one JSON object a line, committed in the project's
repository. Each record carries `prev`, the sha256 (hex) of the previous line's exact bytes
(without its newline; "" for the first line), and `hash`, the sha256 of the record's canonical
JSON without "hash": ``json.dumps(record, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode("utf-8")``. Lines are written in that same canonical form.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studio.core.channels import Rendition
from studio.core.files import write_atomic as _write_atomic
from studio.core.history import Repository, open_repository
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, load_project

LEDGER = "compliance/signoffs.jsonl"
DECISIONS = ("approve", "reject")
STATES = ("approved", "stale", "pending", "rejected")
_LOCALE_SUFFIX = re.compile(r"^(?P<id>.+)\.(?P<locale>[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)$")

Root = str | os.PathLike[str] | Repository


@dataclass(frozen=True)
class SignOff:
    """One ledger record."""

    block: str
    blob: str
    decision: str
    comment: str
    reviewer: str
    role: str
    time: str
    commit: str
    renditions: Mapping[str, str]
    prev: str
    hash: str
    ledger_commit: str = ""  # the commit that recorded it (filled in by `signoff`)

    def as_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "blob": self.blob,
            "decision": self.decision,
            "comment": self.comment,
            "reviewer": self.reviewer,
            "role": self.role,
            "time": self.time,
            "commit": self.commit,
            "renditions": dict(self.renditions),
            "prev": self.prev,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class BlockState:
    block: str
    state: str  # approved, stale, pending, rejected
    reviewer: str = ""  # of the last decision
    time: str = ""
    templates: tuple[str, ...] = ()
    owner: str | None = None
    blob: str = ""  # the block's committed blob now
    approved_blob: str = ""  # the blob of its last approval
    history: tuple[SignOff, ...] = field(default=(), repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "state": self.state,
            "reviewer": self.reviewer,
            "time": self.time,
            "templates": list(self.templates),
            "owner": self.owner,
        }


# Canonical form ---------------------------------------------------------------------------


def canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(
        dict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def record_hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "hash"})).hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lines(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\n") if line.strip()]


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _signoff(record: Mapping[str, Any]) -> SignOff:
    renditions = record.get("renditions")
    return SignOff(
        block=str(record.get("block", "")),
        blob=str(record.get("blob", "")),
        decision=str(record.get("decision", "")),
        comment=str(record.get("comment", "")),
        reviewer=str(record.get("reviewer", "")),
        role=str(record.get("role", "")),
        time=str(record.get("time", "")),
        commit=str(record.get("commit", "")),
        renditions=dict(renditions) if isinstance(renditions, Mapping) else {},
        prev=str(record.get("prev", "")),
        hash=str(record.get("hash", "")),
    )


def read_ledger(root: Root) -> list[SignOff]:
    """The records of the ledger on disk, oldest first (unreadable lines are skipped:
    `verify` reports them)."""
    repository = open_repository(root)
    path = repository.root / LEDGER
    data = path.read_bytes() if path.is_file() else b""
    return [_signoff(r) for r in map(_parse, _lines(data)) if r is not None]


# Helpers on the project -------------------------------------------------------------------


def _git(repository: Repository, *args: str, check: bool = True) -> bytes:
    done = subprocess.run(["git", *args], cwd=repository.root, capture_output=True, check=False)
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise ProblemError(error(str(repository.root), 0, 0, f"git {args[0]} failed: {message}"))
    return done.stdout


def _pathspec(repository: Repository, path: str) -> str:
    """A project path as a git pathspec. git runs in the project's folder, which is a subfolder
    of the repository when the project has a prefix: ":/" anchors the path at the top."""
    return f":/{repository.prefix}{path}" if repository.prefix else path


def _blob_hash(repository: Repository, path: str, rev: str = "HEAD") -> str:
    out = _git(
        repository, "rev-parse", "--verify", "-q", f"{rev}:{repository.prefix}{path}", check=False
    )
    return out.decode().strip()


def _emails(project: Project, role: str | None) -> set[str]:
    if not role:
        return set()
    return {e.strip().lower() for e in project.config.roles.get(role, ())}


def approver_role(project: Project, email: str) -> str | None:
    """The first approver role (compliance.approvers) that lists EMAIL."""
    approvers = project.config.compliance.get("approvers") or []
    if isinstance(approvers, str):
        approvers = [approvers]
    for role in approvers:
        if email.strip().lower() in _emails(project, str(role)):
            return str(role)
    return None


def template_blocks(project: Project, template: str) -> set[str]:
    """The blocks a template uses: its body, and block("…") includes, recursively."""
    from studio.core.validate import includes

    found: set[str] = set()
    todo = [item.block for item in project.templates[template].body]
    while todo:
        block_id = todo.pop()
        if block_id in found:
            continue
        found.add(block_id)
        block = project.blocks.get(block_id)
        if block is None:
            continue
        for source in block.sources.values():
            for text in (source.body, *source.variants.values()):
                todo.extend(included for included, _ in includes(text))
    return found


def templates_using(project: Project, block_id: str) -> tuple[str, ...]:
    return tuple(sorted(t for t in project.templates if block_id in template_blocks(project, t)))


def _block_of_path(project: Project, path: str) -> str | None:
    """The block a file of blocks/ belongs to (any locale)."""
    if not (path.startswith("blocks/") and path.endswith(".md")):
        return None
    stem = path[len("blocks/") : -len(".md")]
    if stem in project.blocks:
        return stem
    match = _LOCALE_SUFFIX.match(stem)
    if match and match["locale"] in project.config.locales and match["id"] in project.blocks:
        return match["id"]
    return None


def _default_sample(project: Project) -> Any:
    name = str(project.config.raw.get("default_sample") or "")
    if name in project.samples:
        return project.samples[name]
    return project.samples[sorted(project.samples)[0]] if project.samples else None


def rendition_hashes(project: Project, block_id: str) -> dict[str, str]:
    """sha256 of each template × channel using the block, on the default sample and locale."""
    from studio.core.render import render

    sample = _default_sample(project)
    if sample is None:
        return {}
    hashes: dict[str, str] = {}
    for name in templates_using(project, block_id):
        for channel in project.templates[name].channels:
            try:
                rendition = render(
                    project,
                    name,
                    channel,
                    sample.record,
                    project.config.default_locale,
                    record_path=sample.path,
                )
            except ProblemError as exc:
                hashes[f"{name}/{channel}"] = f"error: {exc.problem.message}"
                continue
            hashes[f"{name}/{channel}"] = _sha(rendition.content)
    return hashes


# Review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRendition:
    """One template × channel a regulatory block appears in, as a reviewer sees it."""

    template: str
    channel: str
    rendition: Rendition | None
    problem: Problem | None = None
    sha256: str = ""
    # What the last approval recorded for this template × channel ("" when nothing comparable:
    # never approved, or another sample or locale than the default the ledger records).
    approved_sha256: str = ""

    @property
    def changed_since_approval(self) -> bool | None:
        """True or False against the last approval; None when there is nothing to compare."""
        if not self.approved_sha256:
            return None
        return self.sha256 != self.approved_sha256


def last_approval(root: Root, block_id: str) -> SignOff | None:
    records = [r for r in read_ledger(root) if r.block == block_id and r.decision == "approve"]
    return records[-1] if records else None


def review_renditions(
    root: Root,
    block_id: str,
    *,
    sample: str | None = None,
    locale: str | None = None,
    rev: str = "HEAD",
) -> list[ReviewRendition]:
    """Every template × channel that uses BLOCK_ID, rendered from the committed project (what a
    sign-off would approve) on SAMPLE (the default sample) in LOCALE (the default locale).

    Each carries the hash the last approval recorded for it when the sample and locale are the
    ledger's defaults, so a reviewer sees which renditions changed since they were approved."""
    from studio.core.render import render

    repository = open_repository(root)
    project = repository.project_at(rev)
    if block_id not in project.blocks:
        raise ProblemError(
            error(f"blocks/{block_id}.md", 0, 0, f"no block {block_id!r} at {rev}")
        )
    default = _default_sample(project)
    chosen = project.samples.get(sample) if sample else default
    if chosen is None:
        known = ", ".join(sorted(project.samples)) or "none"
        raise ProblemError(
            error("data/samples", 0, 0, f"no sample {sample!r} (samples: {known})")
        )
    locale = locale or project.config.default_locale
    approval = last_approval(repository, block_id)
    recorded: Mapping[str, str] = {}
    if approval is not None and chosen is default and locale == project.config.default_locale:
        recorded = approval.renditions
    results = []
    for name in templates_using(project, block_id):
        for channel in project.templates[name].channels:
            approved = recorded.get(f"{name}/{channel}", "")
            try:
                rendition = render(
                    project, name, channel, chosen.record, locale, record_path=chosen.path
                )
            except ProblemError as exc:
                results.append(ReviewRendition(name, channel, None, exc.problem, "", approved))
                continue
            results.append(
                ReviewRendition(name, channel, rendition, None, _sha(rendition.content), approved)
            )
    return results


# Sign-off ---------------------------------------------------------------------------------


def signoff(
    root: Root, block_id: str, decision: str, comment: str, as_email: str | None = None
) -> SignOff:
    """Record DECISION (approve | reject) on the block's committed version and commit it."""
    repository = open_repository(root)
    if decision not in DECISIONS:
        raise ProblemError(
            error(LEDGER, 0, 0, f"a decision is approve or reject, not {decision!r}")
        )
    if not comment.strip():
        raise ProblemError(error(LEDGER, 0, 0, "a sign-off needs a comment"))
    if not repository.has_commits():
        raise ProblemError(error(str(repository.root), 0, 0, "nothing committed to sign off"))
    project = repository.project_at("HEAD")
    email = (as_email or repository.identity().email).strip()
    role = approver_role(project, email)
    if role is None:
        approvers = ", ".join(map(str, project.config.compliance.get("approvers") or [])) or "none"
        raise ProblemError(
            error(
                "studio.yaml",
                0,
                0,
                f"{email} is not in an approver role (compliance.approvers: {approvers})",
            )
        )
    block = project.blocks.get(block_id)
    if block is None:
        raise ProblemError(
            error(f"blocks/{block_id}.md", 0, 0, f"no block {block_id!r} in the committed project")
        )
    if not block.regulatory:
        raise ProblemError(
            error(block.path, 0, 0, f"block {block_id} is not regulatory: it needs no sign-off")
        )
    dirty = [
        c
        for c in repository.status()
        if _block_of_path(project, c.path) == block_id or c.path == LEDGER
    ]
    if dirty:
        shown = ", ".join(str(c) for c in dirty)
        raise ProblemError(
            error(
                dirty[0].path, 0, 0, f"uncommitted changes ({shown}): commit them before a sign-off"
            )
        )
    blob = _blob_hash(repository, block.path)
    head = repository.resolve("HEAD")
    ledger = repository.root / LEDGER
    existing = ledger.read_bytes() if ledger.is_file() else b""
    previous = _lines(existing)
    record: dict[str, Any] = {
        "block": block_id,
        "blob": blob,
        "decision": decision,
        "comment": comment,
        "reviewer": email,
        "role": role,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": head,
        "renditions": rendition_hashes(project, block_id),
        "prev": _sha(previous[-1]) if previous else "",
    }
    record["hash"] = record_hash(record)
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    _write_atomic(ledger, existing + canonical(record) + b"\n")
    subject = comment.strip().splitlines()[0]
    try:
        revision = repository.commit(f"Sign-off: {decision} block {block_id} — {subject}", [LEDGER])
    except ProblemError:
        if existing:
            _write_atomic(ledger, existing)
        else:
            ledger.unlink(missing_ok=True)
        raise
    return SignOff(**{**_signoff(record).__dict__, "ledger_commit": revision.commit})


# States -----------------------------------------------------------------------------------


def _state(records: Sequence[SignOff], blob: str) -> str:
    if not records:
        return "pending"
    current = [r for r in records if r.blob == blob and r.decision in DECISIONS]
    if current:
        return "approved" if current[-1].decision == "approve" else "rejected"
    return "stale" if any(r.decision == "approve" for r in records) else "pending"


def block_states(root: Root, rev: str | None = None) -> list[BlockState]:
    """Every regulatory block of the project with its state at its committed version (HEAD and
    the ledger on disk), or at REV: the blocks and the ledger as committed there."""
    repository = open_repository(root)
    if rev is None:
        project = load_project(repository.root)
        records = read_ledger(repository)
        at = "HEAD"
    else:
        at = repository.resolve(rev)
        project = repository.project_at(at)
        ledger = repository.blob(LEDGER, at) or b""
        records = [_signoff(r) for r in map(_parse, _lines(ledger)) if r is not None]
    states = []
    for block_id, block in sorted(project.blocks.items()):
        if not block.regulatory:
            continue
        mine = [r for r in records if r.block == block_id]
        blob = _blob_hash(repository, block.path, at) if repository.has_commits() else ""
        approvals = [r for r in mine if r.decision == "approve"]
        states.append(
            BlockState(
                block=block_id,
                state=_state(mine, blob) if blob else "pending",
                reviewer=mine[-1].reviewer if mine else "",
                time=mine[-1].time if mine else "",
                templates=templates_using(project, block_id),
                owner=block.owner,
                blob=blob,
                approved_blob=approvals[-1].blob if approvals else "",
                history=tuple(mine),
            )
        )
    return states


# Verify -----------------------------------------------------------------------------------


def chain_problems(data: bytes, where: str = LEDGER) -> list[Problem]:
    problems = []
    previous: bytes | None = None
    number = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        record = _parse(line)
        if record is None:
            problems.append(error(where, number, 0, "ledger record is not a JSON object"))
        else:
            if record.get("hash") != record_hash(record):
                problems.append(
                    error(
                        where,
                        number,
                        0,
                        f"record of block {record.get('block')} was altered "
                        "(its hash does not match its content)",
                    )
                )
            expected = _sha(previous) if previous is not None else ""
            if record.get("prev") != expected:
                problems.append(
                    error(
                        where,
                        number,
                        0,
                        "broken chain: prev does not match the previous record "
                        "(a record was removed, inserted or edited)",
                    )
                )
        previous = line
    return problems


def _show(repository: Repository, rev: str, path: str) -> bytes | None:
    done = subprocess.run(
        ["git", "show", f"{rev}:{repository.prefix}{path}"],
        cwd=repository.root,
        capture_output=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def history_problems(repository: Repository) -> list[Problem]:
    """Each commit that touched the ledger must only have appended to it."""
    problems: list[Problem] = []
    if not repository.has_commits():
        return problems
    out = _git(repository, "log", "--format=%H %P", "--", _pathspec(repository, LEDGER))
    for line in out.decode().splitlines():
        commit, *parents = line.split()
        new = _show(repository, commit, LEDGER) or b""
        old = (_show(repository, parents[0], LEDGER) if parents else None) or b""
        if not new.startswith(old):
            problems.append(
                error(
                    LEDGER,
                    0,
                    0,
                    f"commit {commit[:10]} edited or removed ledger records "
                    "(the ledger is append-only)",
                )
            )
    committed = _show(repository, "HEAD", LEDGER) or b""
    on_disk = repository.root / LEDGER
    if on_disk.is_file() and not on_disk.read_bytes().startswith(committed):
        problems.append(
            error(LEDGER, 0, 0, "the ledger on disk edits or removes committed records")
        )
    return problems


def record_problems(repository: Repository, records: Iterable[SignOff]) -> list[Problem]:
    """A record must name a commit of the history holding the block's recorded blob: a
    rewritten history loses them."""
    problems = []
    for number, record in enumerate(records, start=1):
        known = (
            bool(re.fullmatch(r"[0-9a-f]{40}", record.commit))
            and subprocess.run(
                ["git", "merge-base", "--is-ancestor", record.commit, "HEAD"],
                cwd=repository.root,
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        if not known:
            problems.append(
                error(
                    LEDGER,
                    number,
                    0,
                    f"record of block {record.block} names commit "
                    f"{record.commit[:10]}, not in the project's history "
                    "(was the history rewritten?)",
                )
            )
            continue
        if _blob_hash(repository, f"blocks/{record.block}.md", record.commit) != record.blob:
            problems.append(
                error(
                    LEDGER,
                    number,
                    0,
                    f"record of block {record.block}: the block at "
                    f"{record.commit[:10]} is not the version signed off",
                )
            )
    return problems


def owner_problems(repository: Repository, project: Project) -> list[Problem]:
    """Commits that changed or removed a regulatory block while their author was not in its
    owner role.

    Adding a block is not judged: an import (`missiva new`, a first `git add`, a project copied
    into a repository) creates blocks before any role could own them, and new wording is
    *pending* until an approver signs it off, so the export gate holds it anyway."""
    problems: list[Problem] = []
    if not repository.has_commits():
        return problems
    out = _git(
        repository,
        "-c",
        "core.quotePath=false",
        "log",
        "--format=%x1e%H%x00%ae",
        "--name-status",
        "--no-renames",
        "--",
        _pathspec(repository, "blocks/"),
    )
    for entry in out.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, names = entry.partition("\n")
        commit, _, email = head.partition("\0")
        for line in names.splitlines():
            status, _, path = line.partition("\t")
            if not path or status.startswith("A"):
                continue
            path = path.strip()
            if repository.prefix and path.startswith(repository.prefix):
                path = path[len(repository.prefix) :]
            block_id = _block_of_path(project, path)
            if block_id is None:
                continue
            block = project.blocks[block_id]
            if not block.regulatory:
                continue
            if email.strip().lower() not in _emails(project, block.owner):
                verb = "removed" if status.startswith("D") else "changed"
                problems.append(
                    error(
                        path,
                        0,
                        0,
                        f"commit {commit[:10]} by {email} {verb} regulatory "
                        f"block {block_id}, owned by role {block.owner or '(none)'}",
                    )
                )
    return problems


#: git's %G? codes: what a reviewer reads for each.
SIGNATURE_STATES = {
    "G": "good",
    "U": "good (signer not marked trusted)",
    "X": "good, but the signature has expired",
    "Y": "good, but the key has expired",
    "R": "made with a revoked key",
    "E": "cannot be checked (key not available)",
    "B": "BAD",
    "N": "unsigned",
}


@dataclass(frozen=True)
class LedgerSignature:
    commit: str
    code: str  # git's %G?
    signer: str  # %GS, the signer's identity as the key names it

    @property
    def state(self) -> str:
        return SIGNATURE_STATES.get(self.code, self.code)


def ledger_signatures(root: Root) -> list[LedgerSignature]:
    """The signature of each commit that wrote the ledger, oldest first. Sign-offs are signed
    when git is configured to sign commits (commit.gpgsign; GPG or SSH keys): `signoff` commits
    through git, which applies it."""
    repository = open_repository(root)
    if not repository.has_commits():
        return []
    spec = _pathspec(repository, LEDGER)
    out = _git(repository, "log", "--reverse", "--format=%H%x00%G?%x00%GS", "--", spec)
    signatures = []
    for line in out.decode("utf-8", "replace").splitlines():
        commit, code, signer = (line.split("\0") + ["", ""])[:3]
        signatures.append(LedgerSignature(commit, code or "N", signer))
    return signatures


def signature_problems(signatures: Iterable[LedgerSignature]) -> list[Problem]:
    """A bad signature on a sign-off commit means its content is not what was signed."""
    return [
        error(LEDGER, 0, 0, f"commit {s.commit[:10]} has a bad signature (its content changed "
              "after it was signed)")
        for s in signatures
        if s.code == "B"
    ]


def verify(root: Root) -> list[Problem]:
    """Everything wrong with the ledger and the regulatory blocks' history (empty: all good)."""
    repository = open_repository(root)
    ledger = repository.root / LEDGER
    data = ledger.read_bytes() if ledger.is_file() else b""
    problems = chain_problems(data)
    problems += history_problems(repository)
    if repository.has_commits():
        problems += record_problems(repository, read_ledger(repository))
        problems += signature_problems(ledger_signatures(repository))
    problems += owner_problems(repository, load_project(repository.root))
    return problems


# Export gate ------------------------------------------------------------------------------


def export_gate(root: Root, templates: Iterable[str], rev: str | None = None) -> list[str]:
    """The regulatory blocks used by TEMPLATES that are not approved at their current version
    (or at REV, with the ledger as committed there)."""
    repository = open_repository(root)
    project = load_project(repository.root) if rev is None else repository.project_at(rev)
    states = {s.block: s for s in block_states(repository, rev)}
    blocked: set[str] = set()
    for name in templates:
        if name not in project.templates:
            raise ProblemError(error(f"templates/{name}.yaml", 0, 0, f"no template {name!r}"))
        for block_id in template_blocks(project, name):
            state = states.get(block_id)
            if state is not None and state.state != "approved":
                blocked.add(block_id)
    return sorted(blocked)
