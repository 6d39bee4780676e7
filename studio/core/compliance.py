"""Compliance: sign-offs of regulatory blocks, their states, verify and the export gate.

Decisions are files under compliance/decisions/, one each, committed by the reviewer they name;
`studio.core.ledger` reads them (and the legacy compliance/signoffs.jsonl) from git history and
judges every commit against the rules as they stood before it. docs/compliance.md says what
this guarantees and against whom.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from studio.core.channels import Rendition
from studio.core.files import write_atomic as _write_atomic
from studio.core.history import Change, Identity, Repository, open_repository
from studio.core.index import index_of
from studio.core.ledger import (
    DECISIONS,
    DECISIONS_DIR,
    LEGACY,
    Judged,
    SignOff,
    chain_problems,
    decision_file,
    judge_history,
    main_line,
    parse_decision,
    rules_from,
    signoff_from,
    uncommitted_decisions,
)
from studio.core.ledger import (
    sha256 as _sha,
)
from studio.core.messages import Message, msg
from studio.core.parsecache import parse_cache
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import BodyItem, Project, load_project, template_from_text
from studio.core.sources import load_yaml

__all__ = [
    "DECISIONS",
    "LEDGER",
    "LEGACY",
    "BlockState",
    "ReviewRendition",
    "SignOff",
    "UnsignedCommit",
    "block_states",
    "chain_problems",
    "export_gate",
    "finish_signoffs",
    "review_renditions",
    "signoff",
    "verify",
]

LEDGER = DECISIONS_DIR  # where new decisions go: one file each
STATES = ("approved", "stale", "pending", "rejected")
_LOCALE_SUFFIX = re.compile(r"^(?P<id>.+)\.(?P<locale>[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)$")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

Root = str | os.PathLike[str] | Repository


@dataclass(frozen=True)
class UnsignedCommit:
    """A commit the project required to be signed (compliance.signatures before it) that has no
    good signature from a key compliance/allowed_signers lists for its author: a decision that
    therefore does not count, or a change to a regulatory block's text."""

    commit: str
    author: str
    kind: str  # unsigned | unlisted (a key not listed for the author) | invalid | unchecked
    reason: str  # the signature check's own words
    decision: SignOff | None = None  # the decision it recorded; None: it changed the block

    def as_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "author": self.author, "kind": self.kind,
                "reason": self.reason,
                "decision": self.decision.as_json() if self.decision is not None else None}


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
    renamed_from: str = ""  # the block id it had before a rename (its decisions carry over)
    interrupted: tuple[SignOff, ...] = field(default=(), repr=False)  # uncommitted decisions
    note: str = ""  # what follows, as one text: `unflagged`, then `changed_around`
    unflagged: str = ""  # why a block no longer flagged regulatory is still listed
    # why an approved text is stale all the same: its translations, its use in templates, the
    # studio.yaml values or blocks it prints changed since the approval
    changed_around: tuple[str, ...] = ()
    # templates whose use of it changed since its approval (one may have dropped it)
    uses_changed: tuple[str, ...] = ()
    # Signatures required and missing: decisions that do not count, changes not yet approved.
    unsigned: tuple[UnsignedCommit, ...] = field(default=(), repr=False)
    # Under compliance.four_eyes: who changed its text since its last approval, and so may
    # not approve it (empty when the rule is not in force).
    makers: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "state": self.state,
            "reviewer": self.reviewer,
            "time": self.time,
            "templates": list(self.templates),
            "owner": self.owner,
            "renamed_from": self.renamed_from,
            "interrupted": [d.reviewer for d in self.interrupted],
            "note": self.note,
            "unsigned": [u.as_json() for u in self.unsigned],
            "makers": list(self.makers),
        }


def read_ledger(root: Root) -> list[SignOff]:
    """The valid decisions committed on the project's main line, in the order history recorded
    them (a decision that fails verify's checks does not count)."""
    repository = open_repository(root)
    return counted(repository, judge_history(repository, main_line(repository)))


# Helpers on the project -------------------------------------------------------------------


def _git(repository: Repository, *args: str, check: bool = True) -> bytes:
    return bytes(repository.run(*args, check=check).stdout)


def _pathspec(repository: Repository, path: str) -> str:
    """A project path as a git pathspec. git runs in the project's folder, which is a subfolder
    of the repository when the project has a prefix: ":/" anchors the path at the top."""
    return f":/{repository.prefix}{path}" if repository.prefix else path


def _contains(repository: Repository, commit: str, ancestor: str) -> bool:
    """Whether ANCESTOR is COMMIT or in its history."""
    return repository.run("merge-base", "--is-ancestor", ancestor, commit,
                          check=False).returncode == 0


def _blob_hash(repository: Repository, path: str, rev: str = "HEAD") -> str:
    out = _git(
        repository, "rev-parse", "--verify", "-q", f"{rev}:{repository.prefix}{path}", check=False
    )
    return out.decode().strip()


def _blob_hashes(repository: Repository, rev: str = "HEAD") -> dict[str, str]:
    """The blob of every file under blocks/ at REV, by project path: one `git ls-tree` for the
    whole library instead of a `rev-parse` a block (99 processes on a 1,000-block library)."""
    # --full-tree: from a project in a subfolder, ls-tree would keep only the entries under it
    out = _git(repository, "ls-tree", "-r", "-z", "--full-tree",
               f"{rev}:{repository.prefix}blocks", check=False)
    hashes = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        info, tab, name = entry.partition("\t")
        fields = info.split()
        if tab and len(fields) == 3 and fields[1] == "blob":
            hashes[f"blocks/{name}"] = fields[2]
    return hashes


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


def approver_role_at(repository: Repository, email: str, rev: str = "HEAD") -> str | None:
    """The approver role EMAIL holds by studio.yaml as committed at REV, the rules a decision is
    judged by: read from that one file (the review panel asks on every refresh; a snapshot of
    the project cost 0.65 s of the studio's opening)."""
    if not repository.has_commits():
        return None
    return rules_from(repository.object(f"{rev}:{repository.prefix}studio.yaml")).approver_role(
        email)


def template_blocks(project: Project, template: str) -> set[str]:
    """The blocks a template uses: its body, and block("…") includes, recursively."""
    return set(index_of(project).template_blocks(template))


def templates_using(project: Project, block_id: str) -> tuple[str, ...]:
    """The templates that reach the block, directly or through other blocks (one index)."""
    return index_of(project).templates_using(block_id)


def _block_of_path(project: Project, path: str) -> str | None:
    """The known block a file of blocks/ belongs to (any locale)."""
    block = project.block_of(path)
    return block if block in project.blocks else None


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
    """The latest approval that counts for BLOCK_ID (under the names it had before renames)."""
    repository = open_repository(root)
    judged = judge_history(repository, main_line(repository))
    names = _aliases(block_id, judged.renamed)
    records = [r for r in counted(repository, judged)
               if r.block in names and r.decision == "approve"]
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
            error(f"blocks/{block_id}.md", 0, 0,
                  msg("no block {block!r} at {rev}", block=block_id, rev=rev))
        )
    default = _default_sample(project)
    chosen = project.samples.get(sample) if sample else default
    if chosen is None:
        known = ", ".join(sorted(project.samples)) or "none"
        raise ProblemError(
            error("data/samples", 0, 0,
                  msg("no sample {sample!r} (samples: {known})", sample=sample, known=known))
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


def _decider(repository: Repository, as_email: str | None) -> Identity:
    """Who decides: the identity that will author the sign-off commit. --as sets it, as git's
    --author does; the record and the commit always name the same person."""
    if as_email:
        email = as_email.strip()
        try:
            mine = repository.identity()
        except ProblemError:
            mine = None
        name = mine.name if mine is not None and mine.email.lower() == email.lower() else email
        return Identity(name, email, "--as")
    return repository.identity()


def _not_an_approver(project: Project, email: str) -> ProblemError:
    approvers = ", ".join(map(str, project.config.compliance.get("approvers") or [])) or "none"
    return ProblemError(
        error(
            "studio.yaml",
            0,
            0,
            f"{email} is not in an approver role (compliance.approvers: {approvers})",
        )
    )


def _commit_decision(
    repository: Repository, path: str, record: Mapping[str, Any], who: Identity, note: str = ""
) -> str:
    subject = str(record["comment"]).strip().splitlines()[0]
    message = f"Sign-off: {record['decision']} block {record['block']} — {subject}{note}"
    return repository.commit(message, [path], author=who).commit


def signoff(
    root: Root, block_id: str, decision: str, comment: str, as_email: str | None = None
) -> SignOff:
    """Record DECISION (approve | reject) on the block's committed version: a new decision file,
    committed on its own, authored by the reviewer it names (AS_EMAIL, else the identity the
    project commits as)."""
    repository = open_repository(root)
    if decision not in DECISIONS:
        raise ProblemError(
            error(LEDGER, 0, 0, msg("a decision is approve or reject, not {decision!r}",
                                  decision=decision))
        )
    if not comment.strip():
        raise ProblemError(error(LEDGER, 0, 0, msg("a sign-off needs a comment")))
    if not repository.has_commits():
        raise ProblemError(error(str(repository.root), 0, 0, "nothing committed to sign off"))
    project = repository.project_at("HEAD")
    who = _decider(repository, as_email)
    role = approver_role(project, who.email)
    if role is None:
        raise _not_an_approver(project, who.email)
    block = project.blocks.get(block_id)
    if block is None:
        raise ProblemError(
            error(f"blocks/{block_id}.md", 0, 0, msg("no block {block!r} in the committed project",
                                                     block=block_id))
        )
    if not block.regulatory:
        judged = judge_history(repository)
        if block_id not in judged.unflagged:
            raise ProblemError(
                error(block.path, 0, 0, msg("block {block} is not regulatory: it needs no "
                                                "sign-off", block=block_id))
            )
    dirty = [c for c in repository.status() if _block_of_path(project, c.path) == block_id]
    if dirty:
        shown = ", ".join(str(c) for c in dirty)
        raise ProblemError(
            error(
                dirty[0].path, 0, 0, f"uncommitted changes ({shown}): commit them before a sign-off"
            )
        )
    if decision == "approve":
        judged = judge_history(repository)
        if judged.four_eyes and who.email.strip().lower() in judged.makers.get(block_id, ()):
            raise ProblemError(error(block.path, 0, 0, msg(
                "{reviewer} changed block {block} since its last approval: under "
                "compliance.four_eyes another approver must approve it (a rejection is "
                "yours to record)", reviewer=who.email, block=block_id)))
    record: dict[str, Any] = {
        "block": block_id,
        "blob": _blob_hash(repository, block.path),
        "decision": decision,
        "comment": comment,
        "reviewer": who.email,
        "role": role,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": repository.resolve("HEAD"),
        "renditions": rendition_hashes(project, block_id),
    }
    path, data = decision_file(record)
    target = repository.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(target, data)
    try:
        recorded = _commit_decision(repository, path, record, who)
    except ProblemError:
        # Not recorded: leave nothing behind, in the index either (a later commit of everything
        # would otherwise record it under someone else's name).
        _git(repository, "reset", "-q", "--", _pathspec(repository, path), check=False)
        target.unlink(missing_ok=True)
        raise
    return signoff_from(
        record, id=path[len(DECISIONS_DIR) + 1 : -len(".json")], ledger_commit=recorded,
        author=who.email, path=path,
    )


def finish_signoffs(root: Root, as_email: str | None = None) -> list[SignOff]:
    """Commit the decisions an interrupted `signoff` wrote but did not commit, each authored
    by the reviewer it names, who must be the one finishing it (the project's identity, or
    AS_EMAIL)."""
    repository = open_repository(root)
    pending = uncommitted_decisions(repository)
    if not pending:
        raise ProblemError(error(LEDGER, 0, 0, msg("no interrupted sign-off to finish")))
    project = repository.project_at("HEAD")
    who = _decider(repository, as_email)
    done = []
    for decision, path, _ in pending:
        if decision is None:
            _, why = parse_decision(path, (repository.root / path).read_bytes())
            raise ProblemError(
                error(path, 0, 0, msg("not a decision that can be finished: {why}; remove it",
                                    why=why))
            )
        if decision.reviewer.strip().lower() != who.email.lower():
            raise ProblemError(
                error(
                    path,
                    0,
                    0,
                    f"this sign-off of block {decision.block} was made by {decision.reviewer}: "
                    f"only they can finish it (you are {who.email}); or remove the file",
                )
            )
        if approver_role(project, who.email) is None:
            raise _not_an_approver(project, who.email)
        if _blob_hash(repository, f"blocks/{decision.block}.md", decision.commit) != decision.blob:
            raise ProblemError(
                error(path, 0, 0, msg("block {block} at {commit} is not the version this "
                                      "decision names: remove the file and sign off again",
                                      block=decision.block, commit=decision.commit[:10]))
            )
        recorded = _commit_decision(
            repository, path, decision.record(), who, " (finished after an interruption)"
        )
        done.append(signoff_from(decision.record(), id=decision.id, ledger_commit=recorded,
                                 author=who.email, path=path))
    return done


# States -----------------------------------------------------------------------------------


def _state(records: Sequence[SignOff], blob: str) -> str:
    if not records:
        return "pending"
    current = [r for r in records if r.blob == blob and r.decision in DECISIONS]
    if current:
        return "approved" if current[-1].decision == "approve" else "rejected"
    return "stale" if any(r.decision == "approve" for r in records) else "pending"


def _aliases(block_id: str, renamed: Mapping[str, str]) -> list[str]:
    """BLOCK_ID and the ids it had before renames, newest first."""
    names = [block_id]
    while names[-1] in renamed and renamed[names[-1]] not in names:
        names.append(renamed[names[-1]])
    return names


def block_states(
    root: Root, rev: str | None = None, judged: Judged | None = None,
    changes: Sequence[Change] | None = None,
) -> list[BlockState]:
    """Every regulatory block of the project with its state at its committed version (HEAD), or
    at REV. The decisions that count are those committed on the project's main line (HEAD and
    the main branch, see ledger.main_line): the latest decision on a text governs every revision
    that holds that text. A block a non-owner took the regulatory flag off is still listed.
    CHANGES: the repository's status when the caller has it (one `git status` a command)."""
    repository = open_repository(root)
    if rev is None:
        project = load_project(repository.root)
        at = "HEAD"
    else:
        at = repository.resolve(rev)
        project = repository.project_at(at)
    if judged is None:
        judged = judge_history(repository, main_line(repository))
    valid = judged.valid()
    refused = unsigned_commits(repository, [d.ledger_commit for d in valid])
    decisions = [d for d in valid if d.ledger_commit not in refused]
    # Changes made without the signature the project requires: listed for the review, now
    # (the rule as committed at HEAD says whether to look at all).
    signed_project = getattr(_signatures(), "signatures_required", None)
    unsigned_changes = _unsigned_changes(repository) if rev is None \
        and signed_project is not None and repository.has_commits() \
        and signed_project(repository, "HEAD") else {}
    interrupted = [d for d, _, _ in uncommitted_decisions(repository, changes)
                   if d is not None] \
        if rev is None else []
    blobs = _blob_hashes(repository, at) if repository.has_commits() else {}
    reviewed: dict[str, dict[str, str]] = {}  # the blobs at each approval's reviewed commit
    templates_at: dict[str, dict[str, list[BodyItem]]] = {}  # templates' bodies, by commit
    configs: dict[str, Mapping[str, Any]] = {}  # studio.yaml's data, by commit
    states = []
    for block_id, block in sorted(project.blocks.items()):
        unflagged = ""
        uses_changed: list[str] = []
        if not block.regulatory:
            if block_id not in judged.unflagged:
                continue
            unflagged = judged.unflagged[block_id].message
        names = _aliases(block_id, judged.renamed)
        mine = [r for r in decisions if r.block in names]
        blob = blobs.get(block.path, "")
        approvals = [r for r in mine if r.decision == "approve"]
        unsigned = [replace(refused[r.ledger_commit], decision=r) for r in valid
                    if r.block in names and r.ledger_commit in refused]
        for name in names:
            for change in unsigned_changes.get(f"blocks/{name}.md", ()):
                # one an approval since then covers (its author vouched for that text) aside
                if not approvals or not _contains(repository, approvals[-1].commit,
                                                  change.commit):
                    unsigned.append(change)
        state = _state(mine, blob) if blob else "pending"
        around: list[str] = []  # why its approved text is stale: what changed around it
        if state == "approved":
            changed = _translations_changed(repository, project, block_id, blobs, mine, blob,
                                            reviewed)
            if changed:
                around.append(str(msg(
                    "its translation(s) {locales} changed since the approval (an approval "
                    "covers the block in every language)", locales=", ".join(changed))))
            used = uses_changed = _uses_changed(repository, at, block_id, mine, blob,
                                                templates_at)
            if used:
                around.append(str(msg(
                    "its use in template(s) {templates} changed since the approval (the "
                    "parameters, condition or channels a template gives it, or whether it uses "
                    "it at all)", templates=", ".join(used))))
            values = _values_changed(repository, project, at, block_id, mine, blob, configs)
            if values:
                around.append(str(msg(
                    "the project's value(s) {values} it prints changed since the approval "
                    "(studio.yaml)", values=", ".join(values))))
            included = _includes_changed(repository, project, block_id, mine, blob, blobs,
                                         reviewed)
            if included:
                around.append(str(msg(
                    "the block(s) {blocks} it includes changed since the approval",
                    blocks=", ".join(included))))
            if around:
                state = "stale"
        states.append(
            BlockState(
                block=block_id,
                state=state,
                reviewer=mine[-1].reviewer if mine else "",
                time=mine[-1].time if mine else "",
                templates=templates_using(project, block_id),
                owner=block.owner,
                blob=blob,
                approved_blob=approvals[-1].blob if approvals else "",
                history=tuple(mine),
                renamed_from=names[1] if len(names) > 1 else "",
                interrupted=tuple(d for d in interrupted if d.block == block_id),
                note="; ".join(filter(None, (unflagged, *around))),
                unflagged=unflagged,
                changed_around=tuple(around),
                unsigned=tuple(unsigned),
                uses_changed=tuple(uses_changed),
                makers=tuple(sorted(judged.makers.get(block_id, ())))
                if judged.four_eyes else (),
            )
        )
    # what the values' check parsed, for the next run (`status` then never imports Jinja)
    parse_cache().save()
    return states


def _translations_changed(repository: Repository, project: Project, block_id: str,
                          blobs: Mapping[str, str], mine: Sequence[SignOff], blob: str,
                          reviewed: dict[str, dict[str, str]]) -> list[str]:
    """The locales whose translation of BLOCK_ID differs from the one in the commit its
    approval reviewed (added, changed or removed since): the decision names the original's
    blob, and a reviewer approves the wording in every language the letter goes out in."""
    approval = _approval(mine, blob)
    then = _reviewed_blobs(repository, approval, reviewed)
    config = project.config
    changed = []
    for locale in config.locales:
        if locale == config.default_locale:
            continue
        now = blobs.get(f"blocks/{block_id}.{locale}.md", "")
        before = then.get(f"blocks/{approval.block}.{locale}.md", "")
        if now != before:
            changed.append(locale)
    return changed


def _approval(mine: Sequence[SignOff], blob: str) -> SignOff:
    """The decision that governs BLOB (the block's text now): the latest naming it."""
    return [r for r in mine if r.blob == blob and r.decision in DECISIONS][-1]


def _reviewed_blobs(repository: Repository, approval: SignOff,
                    reviewed: dict[str, dict[str, str]]) -> Mapping[str, str]:
    """The blobs under blocks/ at the commit APPROVAL reviewed (kept in REVIEWED by commit)."""
    if approval.commit not in reviewed:
        reviewed[approval.commit] = _blob_hashes(repository, approval.commit) \
            if _SHA.fullmatch(approval.commit) and repository.has_commits() else {}
    return reviewed[approval.commit]


def _includes_changed(repository: Repository, project: Project, block_id: str,
                      mine: Sequence[SignOff], blob: str, blobs: Mapping[str, str],
                      reviewed: dict[str, dict[str, str]]) -> list[str]:
    """The blocks BLOCK_ID includes (at any depth, in any language) whose text differs from
    the commit its approval reviewed: what they print is part of its wording, and their
    owners need not be its owners."""
    included = index_of(project).reach([block_id]) - {block_id}
    if not included:
        return []
    then = _reviewed_blobs(repository, _approval(mine, blob), reviewed)
    if not then:
        return []
    changed = []
    for one in sorted(included):
        block = project.blocks.get(one)
        paths = [source.path for source in block.sources.values()] if block is not None \
            else [f"blocks/{one}.md"]
        if any(blobs.get(path, "") != then.get(path, "") for path in paths):
            changed.append(one)
    return changed


def _config_at(repository: Repository, rev: str,
               cache: dict[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    """studio.yaml's data as committed at REV ({} when absent or not a mapping)."""
    if rev not in cache:
        data = repository.object(f"{rev}:{repository.prefix}studio.yaml")
        try:
            raw = load_yaml(data.decode("utf-8", "replace"), "studio.yaml") if data else None
        except ProblemError:
            raw = None
        cache[rev] = raw if isinstance(raw, Mapping) else {}
    return cache[rev]


def _config_value(raw: Mapping[str, Any], name: str, other: Mapping[str, Any]) -> str:
    """One value a block can print (index.project_values_read's names), comparable with
    OTHER's. A key neither holds (brand.get, brand.items: a method, not a value) stands for
    the whole mapping: the text reads it in a way no key names."""
    head, _, key = name.partition(".")
    value = raw.get(head)
    if key:
        mapping, others = value, other.get(head)
        named = any(isinstance(m, Mapping) and key in m for m in (mapping, others))
        if named:
            value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return json.dumps(value, sort_keys=True, default=str)


def _values_changed(repository: Repository, project: Project, at: str, block_id: str,
                    mine: Sequence[SignOff], blob: str,
                    cache: dict[str, Mapping[str, Any]]) -> list[str]:
    """The values of studio.yaml BLOCK_ID prints (through its includes) that differ from the
    commit its approval reviewed: the privacy notice names {{ brand.company }} as the data
    controller, so renaming the company in studio.yaml rewrites the notice."""
    names = index_of(project).project_values(block_id)
    approval = _approval(mine, blob)
    if not names or not _SHA.fullmatch(approval.commit) or not repository.has_commits():
        return []
    then, now = _config_at(repository, approval.commit, cache), _config_at(repository, at, cache)
    return sorted(name for name in names
                  if _config_value(then, name, now) != _config_value(now, name, then))


def _bodies_at(repository: Repository, rev: str,
               cache: dict[str, dict[str, list[BodyItem]]]) -> dict[str, list[BodyItem]]:
    """Each template's body at REV, by template name (one `git ls-tree`, then the blobs)."""
    if rev in cache:
        return cache[rev]
    out = _git(repository, "ls-tree", "-r", "-z", "--full-tree",
               f"{rev}:{repository.prefix}templates", check=False)
    bodies: dict[str, list[BodyItem]] = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        info, tab, name = entry.partition("\t")
        fields = info.split()
        if not (tab and len(fields) == 3 and fields[1] == "blob" and name.endswith(".yaml")):
            continue
        data = repository.object(fields[2])
        if data is None:
            continue
        template = template_from_text(f"templates/{name}",
                                      data.decode("utf-8", "replace"), [])
        if template is not None:
            bodies[template.name] = list(template.body)
    cache[rev] = bodies
    return bodies


def _uses(bodies: Mapping[str, list[BodyItem]], block_id: str) -> dict[str, list[str]]:
    """How each template places BLOCK_ID in its body: parameters, condition, channels."""
    uses: dict[str, list[str]] = {}
    for name, body in bodies.items():
        found = [json.dumps({"with": dict(item.with_), "when": item.when,
                             "channels": sorted(item.channels) if item.channels else None},
                            sort_keys=True, default=str)
                 for item in body if item.block == block_id]
        if found:
            uses[name] = found
    return uses


def _uses_changed(repository: Repository, at: str, block_id: str, mine: Sequence[SignOff],
                  blob: str, cache: dict[str, dict[str, list[BodyItem]]]) -> list[str]:
    """The templates whose use of BLOCK_ID differs from the commit its approval reviewed: one
    that started or stopped using it, or gives it other parameters (`with:`: the withdrawal's
    deadline), another condition (`when:`) or other channels. The approval covered the wording
    as the letters used it; a template's line can change what it says, or drop it."""
    approval = _approval(mine, blob)
    if not _SHA.fullmatch(approval.commit) or not repository.has_commits():
        return []
    then = _uses(_bodies_at(repository, approval.commit, cache), approval.block)
    now = _uses(_bodies_at(repository, at, cache), block_id)
    return sorted(name for name in then.keys() | now.keys() if then.get(name) != now.get(name))


def uncleared(root: Root, template: str) -> list[Message]:
    """Why TEMPLATE's regulatory wording, as the working tree has it, is not cleared for
    customers: its blocks not approved (state and why), those changed since the last commit
    (no approval covers an uncommitted text), or no history at all. Empty when it is cleared,
    or uses no regulatory block. What `missiva batch` says before it renders."""
    project = load_project(root.root if isinstance(root, Repository) else os.fspath(root))
    used = sorted(b for b in template_blocks(project, template)
                  if b in project.blocks and project.blocks[b].regulatory)
    if not used:
        return []
    try:
        repository = open_repository(root)
        committed = repository.has_commits()
    except ProblemError:
        committed = False
    if not committed:
        return [msg("the project has no git history: no regulatory text is approved ({blocks})",
                    blocks=", ".join(used))]
    reasons: list[Message] = []
    for state in gate_states(repository, [template]):
        reasons.append(msg("{block} is {state}", block=state.block, state=state.state))
    paths = {f"templates/{template}.yaml"} | {
        source.path for block_id in used for source in project.blocks[block_id].sources.values()}
    changed = sorted({c.name for c in repository.status()
                      if c.path in paths or c.old_path in paths})
    if changed:
        reasons.append(msg("uncommitted: {changes}", changes=", ".join(changed)))
    return reasons


# Verify -----------------------------------------------------------------------------------


def interrupted_problems(
    repository: Repository, changes: Sequence[Change] | None = None
) -> list[Problem]:
    """Decisions written but not committed (a sign-off killed before its commit), and
    uncommitted edits of the legacy ledger. CHANGES: the status, when the caller has it."""
    if changes is None:
        changes = repository.status()
    problems = []
    for decision, path, kind in uncommitted_decisions(repository, changes):
        if decision is None:
            problems.append(error(path, 0, 0, msg("uncommitted ({kind}) file in {folder} that is "
                                                      "not a valid decision: remove it",
                                                      kind=kind, folder=DECISIONS_DIR)))
            continue
        problems.append(
            error(
                path,
                0,
                0,
                f"interrupted sign-off: the {decision.decision} of block {decision.block} by "
                f"{decision.reviewer} is written but not committed ({kind}); it does not count "
                f"until {decision.reviewer} runs `missiva signoff PROJECT --finish`",
            )
        )
    for change in changes:
        if change.path == LEGACY:
            problems.append(
                error(LEGACY, 0, 0, msg("uncommitted change to the legacy ledger ({kind}): it is "
                                        "append-only and written only by sign-offs",
                                        kind=change.kind))
            )
    return problems


def _signatures() -> Any:
    """The signatures module (SSH signatures, compliance/allowed_signers), None without it."""
    try:
        return importlib.import_module("studio.core.signatures")
    except ModuleNotFoundError as exc:
        if exc.name != "studio.core.signatures":
            raise
        return None


def counted(repository: Repository, judged: Judged) -> list[SignOff]:
    """The decisions that count: valid (attributable, unaltered, by an approver, about a real
    version) and, where the project required signatures before the commit that recorded one,
    signed by a key listed for its reviewer. A signature that cannot be checked counts as
    missing."""
    decisions = judged.valid()
    refused = unsigned_commits(repository, [d.ledger_commit for d in decisions])
    return [d for d in decisions if d.ledger_commit not in refused]


def unsigned_commits(repository: Repository, commits: Iterable[str]) -> dict[str, UnsignedCommit]:
    """Those of COMMITS made while the project required signatures (studio.yaml at the commit's
    first parent) that lack a good signature from a key listed for their author, by commit id.
    A signature that cannot be checked (no ssh-keygen) counts as missing."""
    signatures = _signatures()
    required = getattr(signatures, "signatures_required", None)
    check = getattr(signatures, "commit_signatures", None)
    if required is None or check is None:
        return {}
    needing = []
    for commit in dict.fromkeys(commits):
        parent = f"{commit}^"
        if repository.object(f"{parent}:{repository.prefix}studio.yaml") is not None and \
                required(repository, parent):
            needing.append(commit)
    if not needing:
        return {}
    try:
        found = {s.commit: s for s in check(repository, needing)}
    except ProblemError as exc:
        return {c: UnsignedCommit(c, "", "unchecked", exc.problem.message) for c in needing}
    refused = {}
    for commit in needing:
        signature = found.get(commit) or found.get(repository.resolve(commit))
        if signature is None:
            refused[commit] = UnsignedCommit(commit, "", "unchecked", "no signature found")
        elif not signature.ok:
            # a good signature whose key is not the author's (unknown, or someone else's)
            unlisted = signature.code in ("G", "U") and \
                (signature.reason or "").startswith("signed with key")
            kind = "unsigned" if signature.code == "N" else "unlisted" if unlisted else "invalid"
            refused[commit] = UnsignedCommit(commit, signature.author, kind,
                                             signature.reason or "")
    return refused


def _unsigned_changes(repository: Repository) -> dict[str, list[UnsignedCommit]]:
    """Block path → the commits that changed that regulatory block (or a translation) while the
    project required signatures, without a good signature by their author (newest first)."""
    needing = getattr(_signatures(), "commits_needing_signature", None)
    if needing is None:
        return {}
    blocks = {c: p for c, p in needing(repository).items() if p.startswith("blocks/")}
    refused = unsigned_commits(repository, blocks)
    changes: dict[str, list[UnsignedCommit]] = {}
    for commit, path in blocks.items():
        if commit in refused:
            changes.setdefault(path, []).append(refused[commit])
    return changes


def commit_signature_problems(repository: Repository, commits: Sequence[str]) -> list[Problem]:
    """Per-commit signature problems of the commits that must be signed in a signed project
    (sign-off commits, changes to regulatory blocks or the compliance rules). The signatures
    module (SSH signatures against compliance/allowed_signers) provides them when present."""
    check = getattr(_signatures(), "commit_problems", None)
    return list(check(repository, commits)) if check is not None else []


def verify(root: Root) -> list[Problem]:
    """Everything wrong with the sign-offs and the regulatory blocks' history (empty: all good):
    every commit judged against the rules before it, every decision's attribution, the legacy
    ledger's chain, interrupted sign-offs."""
    repository = open_repository(root)
    judged = judge_history(repository, deep=True)
    problems = list(judged.problems)
    problems += chain_problems(judged.legacy)
    if repository.has_commits():
        problems += signature_problems(ledger_signatures(repository))
        problems += commit_signature_problems(repository, judged.regulated)
    problems += interrupted_problems(repository)
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
    """The signature of each commit that recorded decisions, oldest first. Sign-offs are signed
    when git is configured to sign commits (commit.gpgsign; GPG or SSH keys): `signoff` commits
    through git, which applies it."""
    repository = open_repository(root)
    if not repository.has_commits():
        return []
    specs = [_pathspec(repository, DECISIONS_DIR), _pathspec(repository, LEGACY)]
    out = _git(repository, "log", "--reverse", "--format=%H%x00%G?%x00%GS", "--", *specs)
    signatures = []
    for line in out.decode("utf-8", "replace").splitlines():
        commit, code, signer = (line.split("\0") + ["", ""])[:3]
        signatures.append(LedgerSignature(commit, code or "N", signer))
    return signatures


def signature_problems(signatures: Iterable[LedgerSignature]) -> list[Problem]:
    """A bad signature on a sign-off commit means its content is not what was signed."""
    return [
        error(LEDGER, 0, 0, msg("commit {commit} has a bad signature (its content changed after it "
                              "was signed)", commit=s.commit[:10]))
        for s in signatures
        if s.code == "B"
    ]


# Export gate ------------------------------------------------------------------------------


def ledger_integrity(repository: Repository, judged: Judged) -> list[Problem]:
    """What makes the ledger untrustworthy now: a decision file altered or removed and not put
    back, an invalid file, a broken legacy chain. The export gate refuses while there is one.
    (Decisions are read from the commits that added them, so a later edit changes no state;
    verify keeps reporting it.) A decision that is merely invalid (not attributable, not by an
    approver) counts for nothing, so it cannot approve, but does not stop exports."""
    broken = []
    for path in sorted(judged.must_hold):
        data = repository.object(f"HEAD:{repository.prefix}{path}")
        if data is None or parse_decision(path, data)[0] is None:
            broken.append(error(path, 0, 0, msg(
                "a recorded decision was changed or removed: put it back as it was committed "
                "(a change of mind is a new decision)")))
    for path in sorted(judged.must_go):
        if repository.object(f"HEAD:{repository.prefix}{path}") is not None:
            broken.append(error(path, 0, 0, msg("not a valid decision file: remove it")))
    return broken + chain_problems(judged.legacy)


def export_gate(root: Root, templates: Iterable[str], rev: str | None = None) -> list[str]:
    """The regulatory blocks used by TEMPLATES that are not approved at their version in REV
    (HEAD when None), judged with the decisions of the project's main line."""
    return [s.block for s in gate_states(root, templates, rev)]


def gate_states(root: Root, templates: Iterable[str], rev: str | None = None) -> list[BlockState]:
    """The states of the regulatory blocks TEMPLATES use at REV that stop an export."""
    repository = open_repository(root)
    project = load_project(repository.root) if rev is None else repository.project_at(rev)
    states = {s.block: s for s in block_states(repository, rev)}
    blocked: dict[str, BlockState] = {}
    for name in templates:
        if name not in project.templates:
            raise ProblemError(error(f"templates/{name}.yaml", 0, 0,
                                     msg("no template {name!r}", name=name)))
        for block_id in template_blocks(project, name):
            state = states.get(block_id)
            if state is not None and state.state != "approved":
                blocked[block_id] = state
        # a regulatory block the template dropped or re-conditioned since its approval
        for state in states.values():
            if name in state.uses_changed and state.state != "approved":
                blocked[state.block] = state
    return [blocked[b] for b in sorted(blocked)]
