"""The sign-off ledger read from git history: one file per decision, the legacy hash-chained
ledger, and one walk of the history that judges every commit against the rules before it.

Storage. A decision is a file `compliance/decisions/<sha256>.json` holding one canonical JSON
object (``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in
UTF-8, then a newline); its name is the sha256 of those bytes without the newline. Two clones
never write the same name for different decisions, so concurrent sign-offs merge as two added
files. The order of decisions and the evidence against tampering come from git's commit graph:
each decision belongs to the commit that added its file, whose author must be the reviewer it
names, and a decision file is never changed, renamed or removed afterwards. Projects signed off
before this format keep `compliance/signoffs.jsonl` (one record a line, `prev`/`hash` chain):
it is read as it is, each record attributed to the commit that appended its line.

The walk. `judge_history` reads `git log --raw -M` once (the blobs it needs through the
persistent cat-file reader, never a checkout) and, for each commit, takes the regulatory flag
and owner of each block it touches from the block as it was in the commit's first parent, and
the roles and approvers from that parent's studio.yaml.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from studio.core.history import Change, Repository
from studio.core.located import LocatedDict
from studio.core.messages import Message, msg
from studio.core.parsecache import parse_cache
from studio.core.problems import Problem, ProblemError, error
from studio.core.sources import load_yaml, split_front_matter

DECISIONS_DIR = "compliance/decisions"
LEGACY = "compliance/signoffs.jsonl"
DECISIONS = ("approve", "reject")
_DECISION_WORDS = {"approve": msg("an approval"), "reject": msg("a rejection")}
_FIELDS = ("block", "blob", "decision", "comment", "reviewer", "role", "time", "commit")
_DECISION_NAME = re.compile(r"^compliance/decisions/(?P<hash>[0-9a-f]{64})\.json$")
_LOCALE_SUFFIX = re.compile(r"^(?P<id>.+)\.(?P<locale>[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class SignOff:
    """One decision: what the reviewer decided on, and where history recorded it."""

    block: str
    blob: str
    decision: str
    comment: str
    reviewer: str
    role: str
    time: str
    commit: str
    renditions: Mapping[str, str]
    id: str = ""  # the decision file's hash (a legacy record: its `hash`)
    ledger_commit: str = ""  # the commit that recorded it
    author: str = ""  # that commit's author email
    committer: str = ""  # that commit's committer email
    legacy: bool = False  # a line of compliance/signoffs.jsonl
    path: str = ""  # the file that holds it
    valid: bool = True  # attributable, unaltered, by an approver, about a real version

    def record(self) -> dict[str, Any]:
        """The decision as stored (without where history recorded it)."""
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
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.record(), "id": self.id, "ledger_commit": self.ledger_commit}


# Canonical form ---------------------------------------------------------------------------


def canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(
        dict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decision_file(record: Mapping[str, Any]) -> tuple[str, bytes]:
    """The path (from the project's top) and bytes of the file that stores RECORD."""
    data = canonical(record)
    return f"{DECISIONS_DIR}/{sha256(data)}.json", data + b"\n"


def signoff_from(record: Mapping[str, Any], **where: Any) -> SignOff:
    renditions = record.get("renditions")
    text = {name: str(record.get(name, "")) for name in _FIELDS}
    return SignOff(
        block=text["block"],
        blob=text["blob"],
        decision=text["decision"],
        comment=text["comment"],
        reviewer=text["reviewer"],
        role=text["role"],
        time=text["time"],
        commit=text["commit"],
        renditions=dict(renditions) if isinstance(renditions, Mapping) else {},
        **where,
    )


def parse_decision(path: str, data: bytes) -> tuple[dict[str, Any] | None, str]:
    """The record a decision file holds, or None and why it is not a decision."""
    match = _DECISION_NAME.match(path)
    if match is None:
        return None, "not a decision file (compliance/decisions/<sha256>.json)"
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "not JSON"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    if sha256(data.rstrip(b"\n")) != match["hash"] or data != canonical(record) + b"\n":
        return None, "its content does not match its name (the decision was altered)"
    missing = [name for name in _FIELDS if not isinstance(record.get(name), str)]
    if missing:
        return None, f"it lacks {', '.join(missing)}"
    if record["decision"] not in DECISIONS:
        return None, f"its decision is {record['decision']!r}, not approve or reject"
    return record, ""


# Legacy ledger ----------------------------------------------------------------------------


def legacy_hash(record: Mapping[str, Any]) -> str:
    return sha256(canonical({k: v for k, v in record.items() if k != "hash"}))


def legacy_lines(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\n") if line.strip()]


def parse_legacy(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def chain_problems(data: bytes, where: str = LEGACY) -> list[Problem]:
    """What is wrong with the legacy ledger's hash chain."""
    problems = []
    previous: bytes | None = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        record = parse_legacy(line)
        if record is None:
            problems.append(error(where, number, 0, msg("ledger record is not a JSON object")))
        else:
            if record.get("hash") != legacy_hash(record):
                problems.append(
                    error(
                        where,
                        number,
                        0,
                        msg("record of block {block} was altered (its hash does not match its "
                            "content)", block=str(record.get("block"))),
                    )
                )
            expected = sha256(previous) if previous is not None else ""
            if record.get("prev") != expected:
                problems.append(
                    error(
                        where,
                        number,
                        0,
                        msg("broken chain: prev does not match the previous record (a record "
                            "was removed, inserted or edited)"),
                    )
                )
        previous = line
    return problems


# Rules as they stood ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What studio.yaml said about compliance at one commit."""

    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    approvers: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    gated_targets: frozenset[str] = frozenset()  # targets with requires_approval
    targets: frozenset[str] = frozenset()  # every target's name
    # Targets that deliver to a rendering server without the gate, as (name, url, token_env):
    # one a non-approver adds or points elsewhere (the production server's url, under a new
    # name) would let unapproved wording out where the gated target cannot.
    open_servers: frozenset[tuple[str, str, str]] = frozenset()
    compliance: str = ""  # the roles and compliance keys, canonical: changed or not
    # compliance.four_eyes: an approval by someone who changed the text since its last
    # approval does not count (the maker is not the checker)
    four_eyes: bool = False

    def members(self, role: str | None) -> frozenset[str]:
        return self.roles.get(role or "", frozenset())

    def approver_role(self, email: str) -> str | None:
        for role in self.approvers:
            if email.strip().lower() in self.members(role):
                return role
        return None


def _safe_yaml(text: str) -> Any:
    """studio.yaml's data as the project reads it (sources.load_yaml: bounded, and from the
    parse cache, so `missiva status`, which reads it at HEAD every time, never loads PyYAML);
    None when it is not valid YAML."""
    try:
        return load_yaml(text, "studio.yaml")
    except ProblemError:
        return None


def _where_in(data: bytes | None, paths: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """The line and column of the first of PATHS (keys, nested) studio.yaml's DATA holds;
    (0, 0) when none (the file removed, or not YAML)."""
    raw = _safe_yaml(data.decode("utf-8", "replace")) if data else None
    for path in paths:
        node, where = raw, (0, 0)
        for key in path:
            if not isinstance(node, LocatedDict) or key not in node:
                break
            where, node = node.where(key), node[key]
        else:
            return where
    return 0, 0


def rules_from(data: bytes | None) -> Rules:
    if not data:
        return Rules()
    try:
        raw = _safe_yaml(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Rules()
    if not isinstance(raw, dict):
        return Rules()
    roles: dict[str, frozenset[str]] = {}
    if isinstance(raw.get("roles"), dict):
        for name, emails in raw["roles"].items():
            listed = emails if isinstance(emails, list) else [emails]
            roles[str(name)] = frozenset(str(e).strip().lower() for e in listed if e)
    settings = raw.get("compliance")
    settings = settings if isinstance(settings, dict) else {}
    approvers = settings.get("approvers") or []
    if isinstance(approvers, str):
        approvers = [approvers]
    targets = raw.get("targets")
    targets = targets if isinstance(targets, dict) else {}
    locales = raw.get("locales")
    locales = locales if isinstance(locales, list) else []
    return Rules(
        roles=roles,
        approvers=tuple(str(a) for a in approvers) if isinstance(approvers, list) else (),
        locales=tuple(str(x) for x in locales),
        gated_targets=frozenset(
            str(name)
            for name, target in targets.items()
            if isinstance(target, dict) and target.get("requires_approval")
        ),
        targets=frozenset(str(name) for name in targets),
        open_servers=frozenset(
            (str(name), str(target.get("url")), str(target.get("token_env")))
            for name, target in targets.items()
            if isinstance(target, dict) and target.get("url")
            and not target.get("requires_approval")
        ),
        compliance=json.dumps(
            {"roles": raw.get("roles"), "compliance": raw.get("compliance")},
            sort_keys=True,
            default=str,
        ),
        four_eyes=settings.get("four_eyes") is True,
    )


@dataclass(frozen=True)
class Flag:
    """A block file's front matter, as far as compliance reads it."""

    regulatory: bool = False
    owner: str | None = None


def flag_from(data: bytes | None) -> Flag:
    if data is None:
        return Flag()
    try:
        meta, _, _ = split_front_matter(data.decode("utf-8", "replace"), "block")
    except ProblemError:
        return Flag()
    owner = meta.get("owner")
    return Flag(bool(meta.get("regulatory", False)), None if owner is None else str(owner))


# The walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """What one walk of the history found."""

    decisions: tuple[SignOff, ...]  # in the order history recorded them (valid or not)
    problems: tuple[Problem, ...]
    renamed: Mapping[str, str]  # block id -> the id it was renamed from
    unflagged: Mapping[str, Problem]  # blocks a non-owner took the regulatory flag off
    regulated: tuple[str, ...]  # commits that decided, or touched regulatory content or rules
    legacy: bytes = b""  # the legacy ledger at the (first) tip
    tampering: tuple[Problem, ...] = ()  # of the problems: decisions altered or removed
    must_hold: frozenset[str] = frozenset()  # decision files changed or removed after adding
    must_go: frozenset[str] = frozenset()  # invalid files added under compliance/decisions
    # studio.yaml versions (blob ids) whose change of the roles or compliance settings was made
    # by a non-approver: the rules before it stay in force, and no export goes from them
    void_settings: frozenset[str] = frozenset()
    blamed: tuple[str, ...] = ()  # the commit each of the problems was found in
    # who changed each block's text (any language) since its last valid approval, by block
    # id: under compliance.four_eyes none of them may approve it
    makers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    four_eyes: bool = False  # compliance.four_eyes in force at the (first) tip

    def valid(self) -> list[SignOff]:
        return [d for d in self.decisions if d.valid]


@dataclass
class _Entry:
    status: str
    old: str  # blob id in the first parent ("" when added)
    new: str  # blob id in the commit ("" when deleted)
    path: str  # project path in the commit (the old one for a deletion)
    old_path: str  # project path in the first parent


class _Walk:
    def __init__(self, repository: Repository, deep: bool) -> None:
        self.repository = repository
        self.prefix = repository.prefix
        self.deep = deep
        self.decisions: list[SignOff] = []
        self.problems: list[Problem] = []
        self.blamed: list[str] = []
        self.renamed: dict[str, str] = {}
        self.unflagged: dict[str, Problem] = {}
        self.regulated: list[str] = []
        self.tampering: list[Problem] = []
        self._seen: set[str] = set()  # decision files already admitted
        self.must_hold: set[str] = set()  # admitted decisions a later commit changed/removed
        self.void_settings: set[str] = set()  # studio.yaml blobs a non-approver's change made
        self.must_go: set[str] = set()  # files added that are not valid decisions
        self._rules: dict[bytes, Rules] = {}  # by studio.yaml's content
        self._flags: dict[bytes, Flag] = {}  # by the block file's content
        self._blobs: dict[str, bytes | None] = {}
        self.makers: dict[str, set[str]] = {}  # Judged.makers, as the walk goes

    # Objects, cached by what names them -------------------------------------------------

    def read(self, ref: str) -> bytes | None:
        if ref in self._blobs:
            return self._blobs[ref]
        return self.repository.object(ref)

    def rules_at(self, commit: str) -> Rules:
        data = self.read(f"{commit}:{self.prefix}studio.yaml")
        key = data or b""
        if key not in self._rules:
            self._rules[key] = rules_from(data)
        return self._rules[key]

    def flag_of(self, ref: str) -> Flag:
        data = self.read(ref)
        if data is None or b"regulatory" not in data:
            return Flag()  # most blocks: no YAML to parse
        if data not in self._flags:
            self._flags[data] = flag_from(data)
        return self._flags[data]

    def prefetch(self, commits: Sequence[tuple[str, list[str], list[_Entry]]]) -> None:
        """Read every object the judging will need in one `git cat-file --batch` process."""
        refs: dict[str, None] = {}
        for _, parents, entries in commits:
            parent = parents[0] if parents else ""
            if parent:
                refs[f"{parent}:{self.prefix}studio.yaml"] = None
            for entry in entries:
                if entry.status != "A" and entry.old:
                    refs[entry.old] = None
                    match = _LOCALE_SUFFIX.match(entry.old_path[len("blocks/") : -len(".md")])
                    if parent and match and entry.old_path.startswith("blocks/"):
                        refs[f"{parent}:{self.prefix}blocks/{match['id']}.md"] = None
                if entry.new and entry.path.startswith("compliance/"):
                    refs[entry.new] = None
                if entry.new and entry.path == "studio.yaml":
                    refs[entry.new] = None
        self._blobs.update(self.repository.read_objects(list(refs)))

    def main_file(self, parent: str, rules: Rules, path: str) -> tuple[str, str] | None:
        """The block a path under blocks/ belongs to in PARENT and the ref of its main file."""
        if not (path.startswith("blocks/") and path.endswith(".md")):
            return None
        stem = path[len("blocks/") : -len(".md")]
        match = _LOCALE_SUFFIX.match(stem)
        if match:
            main = f"{parent}:{self.prefix}blocks/{match['id']}.md"
            # a translation of a block is its block's, whether or not its locale is among
            # the project's now (one taken off for a commit would make it a block of its own)
            if match["locale"] in rules.locales or self.read(main) is not None:
                return match["id"], main
        return stem, f"{parent}:{self.prefix}{path}"

    # The walk ---------------------------------------------------------------------------

    def run(self, tips: Sequence[str]) -> None:
        spec = f":/{self.prefix}" if self.prefix else "."
        command = [
            "-c", "core.quotePath=false", "log", "--no-show-signature", "--reverse",
            "--topo-order", "--full-history", "--no-abbrev", "--raw", "-M",
            "--diff-merges=dense-combined", "-z", "--format=%x1e%H %P%x1f%ae%x1f%ce",
            *tips, "--", spec,
        ]
        out = self.repository.run(*command, check=False)
        if out.returncode != 0 and b"diff-merges" in out.stderr:
            # git before 2.31: merges show no diff of their own (so they are not judged)
            command.remove("--diff-merges=dense-combined")
            out = self.repository.run(*command, check=False)
        if out.returncode != 0:
            message = out.stderr.decode("utf-8", "replace").strip()
            raise ProblemError(error(str(self.repository.root), 0, 0,
                                     msg("git log failed: {output}", output=message)))
        commits = []
        for chunk in out.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
            head, _, rest = chunk.partition("\0")
            ids, author, committer = (head.split("\x1f") + ["", ""])[:3]
            commit, *parents = ids.split()
            commits.append((commit, parents, author.strip(), committer.strip(), self.entries(rest)))
        self.prefetch([(c, parents, entries) for c, parents, _, _, entries in commits])
        for commit, parents, author, committer, entries in commits:
            found = len(self.problems)
            self.commit(commit, parents, author, committer, entries)
            self.blamed += [commit] * (len(self.problems) - found)

    def entries(self, raw: str) -> list[_Entry]:
        tokens = raw.lstrip("\n").split("\0")
        entries = []
        index = 0
        while index < len(tokens):
            meta = tokens[index].strip("\n")
            index += 1
            if not meta.startswith(":"):
                continue
            colons = len(meta) - len(meta.lstrip(":"))
            fields = meta.lstrip(":").split()
            # one mode per parent and the commit's, then as many blob ids, then the status
            shas = fields[colons + 1 : 2 * colons + 2]
            status = fields[-1] if fields else ""
            first = tokens[index] if index < len(tokens) else ""
            index += 1
            second = ""
            if colons == 1 and status[:1] in "RC":
                second = tokens[index] if index < len(tokens) else ""
                index += 1
            old_sha, new_sha = (shas[0], shas[-1]) if shas else ("", "")
            zero = "0" * 40
            if colons > 1:  # a merge's own change (a combined diff): judged against parent 1
                status = "A" if all(c == "A" for c in status) else (
                    "D" if new_sha == zero else "M"
                )
                if status == "A" or old_sha == zero:
                    status = "A"
            old_path = self.project_path(first)
            new_path = self.project_path(second) if second else old_path
            if old_path is None or new_path is None:
                continue
            entries.append(
                _Entry(
                    status[:1],
                    "" if old_sha == zero else old_sha,
                    "" if new_sha == zero else new_sha,
                    new_path,
                    old_path,
                )
            )
        return entries

    def project_path(self, git_path: str) -> str | None:
        if self.prefix:
            return git_path[len(self.prefix) :] if git_path.startswith(self.prefix) else None
        return git_path

    def commit(
        self, commit: str, parents: list[str], author: str, committer: str, entries: list[_Entry]
    ) -> None:
        parent = parents[0] if parents else ""
        before = self.rules_at(parent) if parent else Rules()
        regulated = False
        # the locales that say which files are translations: the first commit's own
        locales = before if parent else self.rules_at(commit)
        for entry in entries:
            self.made(commit, author, locales, entry)
            if entry.old_path.startswith(f"{DECISIONS_DIR}/") or entry.path.startswith(
                f"{DECISIONS_DIR}/"
            ):
                regulated |= self.decision(commit, author, committer, before, entry)
            elif entry.path == LEGACY or entry.old_path == LEGACY:
                regulated |= self.legacy(commit, author, committer, before, entry)
            elif entry.old_path == "studio.yaml" and entry.status == "M" and parent:
                regulated |= self.settings(commit, author, before, entry)
            elif parent and (entry.status != "A" or self.translation(parent, before, entry)):
                regulated |= self.block(commit, parent, author, before, entry)
            if entry.status == "R" and entry.path.endswith(".md"):
                old = entry.old_path[len("blocks/") : -len(".md")]
                new = entry.path[len("blocks/") : -len(".md")]
                if entry.old_path.startswith("blocks/") and entry.path.startswith("blocks/"):
                    self.renamed[new] = old
        if regulated:
            self.regulated.append(commit)

    def made(self, commit: str, author: str, rules: Rules, entry: _Entry) -> None:
        """Note AUTHOR as a maker of the block whose text ENTRY changes (a new block, a new
        translation, an edit, a rename: its makers go with it; a removal ends its record)."""
        if not entry.path.startswith("blocks/") or not entry.path.endswith(".md"):
            return
        block_id = self.block_id(entry.path, rules, commit)
        if entry.status == "R" and entry.old_path.startswith("blocks/"):
            old = self.block_id(entry.old_path, rules, commit)
            if old != block_id:
                self.makers.setdefault(block_id, set()).update(self.makers.pop(old, set()))
        if entry.status == "D":
            if entry.path == f"blocks/{block_id}.md":
                self.makers.pop(block_id, None)
            return
        self.makers.setdefault(block_id, set()).add(author.lower())

    def block_id(self, path: str, rules: Rules, commit: str) -> str:
        """The block a file under blocks/ holds at COMMIT (a translation's: its block, as in
        main_file, whether or not its locale is among the project's)."""
        stem = path[len("blocks/") : -len(".md")]
        match = _LOCALE_SUFFIX.match(stem)
        if match and (match["locale"] in rules.locales or self.read(
                f"{commit}:{self.prefix}blocks/{match['id']}.md") is not None):
            return match["id"]
        return stem

    def translation(self, parent: str, rules: Rules, entry: _Entry) -> bool:
        """Whether ENTRY adds a translation of a block that stands in PARENT (a new block is
        anyone's to add; a new language of a regulatory one is its owners')."""
        found = self.main_file(parent, rules, entry.path)
        return found is not None and not found[1].endswith(f":{self.prefix}{entry.path}")

    # What each kind of change is judged by ---------------------------------------------

    def block(self, commit: str, parent: str, author: str, before: Rules, entry: _Entry) -> bool:
        found = self.main_file(parent, before, entry.old_path)
        if found is None:
            return False
        block_id, main_ref = found
        flag = self.flag_of(entry.old if main_ref.endswith(f":{self.prefix}{entry.old_path}")
                            else main_ref)
        if not flag.regulatory:
            return False
        is_main = main_ref.endswith(f":{self.prefix}{entry.old_path}")
        new_flag = self.flag_of(entry.new) if is_main and entry.new else None
        owner = author.lower() in before.members(flag.owner)
        if is_main and entry.status == "M" and new_flag is not None:
            if not new_flag.regulatory:
                if owner:
                    self.unflagged.pop(block_id, None)
                else:
                    self.unflagged[block_id] = self.owner_problem(
                        commit, author, entry, block_id, flag, msg("took the regulatory flag off")
                    )
            elif block_id in self.unflagged:
                self.unflagged.pop(block_id)
        if (is_main and entry.status == "R" and new_flag is not None and not new_flag.regulatory
                and not owner and entry.path.startswith("blocks/")):
            # renamed and un-flagged at once: still listed (and judged) under its new name
            self.unflagged[entry.path[len("blocks/"):-len(".md")]] = self.owner_problem(
                commit, author, entry, block_id, flag,
                msg("renamed it to {path}, took the regulatory flag off and so changed",
                    path=entry.path))
        if owner:
            return True
        verb: Message
        if entry.status == "A":
            verb = msg("added a translation ({path}) to", path=entry.path)
        elif entry.status == "D":
            verb = msg("removed")
        elif entry.status == "R":
            verb = msg("renamed it to {path} and so changed", path=entry.path)
        elif new_flag is not None and not new_flag.regulatory:
            verb = msg("took the regulatory flag off")
        elif new_flag is not None and new_flag.owner != flag.owner:
            verb = msg("changed the owner ({before} → {after}) of", before=flag.owner,
                       after=new_flag.owner)
        else:
            verb = msg("changed")
        self.problems.append(self.owner_problem(commit, author, entry, block_id, flag, verb))
        return True

    def owner_problem(
        self, commit: str, author: str, entry: _Entry, block_id: str, flag: Flag, verb: Message
    ) -> Problem:
        return error(
            entry.old_path,
            0,
            0,
            msg("commit {commit} by {author} {verb} regulatory block {block}, owned by role "
                "{owner} before that commit: only its owners may change, rename, remove or "
                "un-flag it", commit=commit[:10], author=author, verb=verb, block=block_id,
                owner=flag.owner or "(none)"),
        )

    def settings(self, commit: str, author: str, before: Rules, entry: _Entry) -> bool:
        after = rules_from(self.read(entry.new)) if entry.new else Rules()
        loosened = sorted(before.gated_targets - after.gated_targets)
        served = sorted({name for name, *_ in after.open_servers - before.open_servers})
        if after.compliance == before.compliance and not loosened and not served:
            return False
        data = self.read(entry.new) if entry.new else None
        # what would let something out that the rules before kept in: other roles or
        # compliance settings, a target kept but no longer gated (one removed gates nothing),
        # a server reached without the gate that was not (a new target, another url or token)
        opened = after.compliance != before.compliance or bool(
            (before.gated_targets - after.gated_targets) & after.targets) or bool(served)
        approver = before.approver_role(author) is not None
        if approver or not opened:
            self._rules[data or b""] = after  # in force (also if once made by a non-approver)
            self.void_settings.discard(entry.new)
        else:
            # Not in force: the rules before it go on judging what follows (a self-granted
            # approver role approves nothing, a dropped requires_approval gates still, a
            # version holding the new server target exports nowhere).
            self._rules[data or b""] = before
            if entry.new:
                self.void_settings.add(entry.new)
        if not approver:
            what = (
                msg("dropped requires_approval from target {targets}",
                    targets=", ".join(loosened))
                if loosened
                else msg("sent target {targets} to a rendering server without "
                         "requires_approval", targets=", ".join(served))
                if served
                else msg("changed the roles or compliance settings")
            )
            # where it stands in the commit's studio.yaml: the target, else the key changed
            line, col = _where_in(data, [("targets", name) for name in loosened + served]
                                  + [("compliance",), ("roles",)])
            self.problems.append(
                error(
                    "studio.yaml",
                    line,
                    col,
                    msg("commit {commit} by {author} {what}: only an approver "
                        "(compliance.approvers: {approvers}) may", commit=commit[:10],
                        author=author, what=what,
                        approvers=", ".join(before.approvers) or "none"),
                )
            )
        return True

    def decision(
        self, commit: str, author: str, committer: str, before: Rules, entry: _Entry
    ) -> bool:
        if entry.status != "A":
            if entry.old_path not in self._seen:  # never a decision: removing it is cleanup
                return True
            self.must_hold.add(entry.old_path)
            verb = {"D": msg("removed"), "R": msg("renamed")}.get(entry.status, msg("changed"))
            self.tamper(
                error(
                    entry.old_path,
                    0,
                    0,
                    msg("commit {commit} by {author} {verb} a recorded decision (decisions are "
                        "never changed or removed: record a new one)", commit=commit[:10],
                        author=author, verb=verb),
                )
            )
            return True
        if entry.path in self._seen:
            return True  # the same decision put back after a removal: already counted
        data = self.read(entry.new) or b""
        record, why = parse_decision(entry.path, data)
        if record is None:
            self.must_go.add(entry.path)
            self.tamper(
                error(entry.path, 0, 0, msg("commit {commit} by {author} added a decision file "
                                            "that is not valid: {why}", commit=commit[:10],
                                            author=author, why=why))
            )
            return True
        signoff = signoff_from(
            record,
            id=entry.path[len(DECISIONS_DIR) + 1 : -len(".json")],
            ledger_commit=commit,
            author=author,
            committer=committer,
            path=entry.path,
        )
        self._seen.add(entry.path)
        self.admit(signoff, before, entry.path, 0)
        return True

    def legacy(
        self, commit: str, author: str, committer: str, before: Rules, entry: _Entry
    ) -> bool:
        old = self.read(entry.old) if entry.old else b""
        new = self.read(entry.new) if entry.new else b""
        old, new = old or b"", new or b""
        if entry.status in "DR" or not new.startswith(old):
            self.tamper(
                error(
                    LEGACY,
                    0,
                    0,
                    msg("commit {commit} by {author} edited or removed ledger records (the "
                        "ledger is append-only)", commit=commit[:10], author=author),
                )
            )
            return True
        start = len(legacy_lines(old))
        for number, line in enumerate(legacy_lines(new)[start:], start=start + 1):
            record = parse_legacy(line)
            if record is None:
                continue  # chain_problems says so
            signoff = signoff_from(
                record,
                id=str(record.get("hash", "")),
                ledger_commit=commit,
                author=author,
                committer=committer,
                legacy=True,
                path=LEGACY,
            )
            if record.get("hash") != legacy_hash(record):
                signoff = replace(signoff, valid=False)
            self.admit(signoff, before, LEGACY, number)
        return True

    def tamper(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.tampering.append(problem)

    def admit(self, signoff: SignOff, before: Rules, path: str, line: int) -> None:
        """Judge a recorded decision and add it to the ledger (marked invalid when it fails)."""
        where = msg("commit {commit} records {decision} of block {block} by {reviewer}",
                    commit=signoff.ledger_commit[:10],
                    decision=_DECISION_WORDS.get(signoff.decision, signoff.decision),
                    block=signoff.block, reviewer=signoff.reviewer)
        problems: list[Message] = []
        if signoff.reviewer.strip().lower() != signoff.author.lower():
            problems.append(msg("{where}, but its author is {author}: a decision must be "
                                "committed by the reviewer it names", where=where,
                                author=signoff.author))
        role = before.approver_role(signoff.reviewer)
        if role is None:
            problems.append(msg("{where}, who was not in an approver role before that commit "
                                "(compliance.approvers: {approvers})", where=where,
                                approvers=", ".join(before.approvers) or "none"))
        version = self.decided_version(signoff)
        if version:
            problems.append(msg("{where}: {why}", where=where, why=version))
        if before.four_eyes and signoff.decision == "approve" and \
                signoff.reviewer.strip().lower() in self.makers.get(signoff.block, ()):
            problems.append(msg("{where}, who changed its text since its last approval: under "
                                "compliance.four_eyes another approver must approve it",
                                where=where))
        if problems or not signoff.valid:
            signoff = replace(signoff, valid=False)
        elif signoff.decision == "approve":
            self.makers[signoff.block] = set()
        self.problems.extend(error(path, line, 0, message) for message in problems)
        self.decisions.append(signoff)

    def decided_version(self, signoff: SignOff) -> Message | None:
        """Why the decision does not name a real version of its block (None when it does)."""
        if not _SHA1.match(signoff.commit):
            return msg("it names no commit ({commit})", commit=repr(signoff.commit[:12]))
        blob = self.repository.object(f"{signoff.commit}:{self.prefix}blocks/{signoff.block}.md")
        if blob is None:
            return msg("its commit {commit} is not in the project's history or has no block "
                       "{block} (was the history rewritten?)", commit=signoff.commit[:10],
                       block=signoff.block)
        if sha1_blob(blob) != signoff.blob:
            return msg("the block at {commit} is not the version decided on",
                       commit=signoff.commit[:10])
        if self.deep and not _is_ancestor(self.repository, signoff.commit, signoff.ledger_commit):
            return msg("its commit {commit} is not in the history before it (was the history "
                       "rewritten?)", commit=signoff.commit[:10])
        return None


def sha1_blob(data: bytes) -> str:
    """git's id of a blob holding DATA."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _is_ancestor(repository: Repository, ancestor: str, commit: str) -> bool:
    done = repository.run("merge-base", "--is-ancestor", ancestor, commit, check=False)
    return done.returncode == 0


def main_line(repository: Repository) -> list[str]:
    """The tips whose decisions govern: HEAD, and the project's main branch (studio.yaml's
    compliance.branch, else main or master) with its counterpart on origin, where they exist."""
    if not repository.has_commits():
        return []
    rules = repository.object(f"HEAD:{repository.prefix}studio.yaml")
    branch = ""
    try:
        raw = _safe_yaml((rules or b"").decode("utf-8")) or {}
        if isinstance(raw, dict) and isinstance(raw.get("compliance"), dict):
            branch = str(raw["compliance"].get("branch") or "")
    except UnicodeDecodeError:
        pass
    names = [branch] if branch else ["main", "master"]
    refs = [f"refs/heads/{n}" for n in names] + [f"refs/remotes/origin/{n}" for n in names]
    tips: list[str] = []
    for ref in ["HEAD", *refs]:  # through the running cat-file reader, not a process a ref
        found = repository.commit_of(ref)
        if found is not None and found not in tips:
            tips.append(found)
    return tips


def judge_history(
    repository: Repository, tips: Iterable[str] | None = None, *, deep: bool = False
) -> Judged:
    """Walk the history reachable from TIPS (HEAD) once and judge every commit against the
    rules before it: the decisions recorded (each checked), the problems found, the renames of
    blocks, the blocks a non-owner took the regulatory flag off, and the commits that a signed
    project must have signed. DEEP also checks each decision's commit is an ancestor of the
    commit recording it (one git process per decision: verify's thoroughness)."""
    tips = list(tips) if tips is not None else (["HEAD"] if repository.has_commits() else [])
    if not tips:
        return Judged((), (), {}, {}, ())
    key = None if deep else _judged_key(repository, tips)
    if key is not None:
        found = parse_cache().get_value("judged", key)
        if isinstance(found, Judged):
            return found
    walk = _Walk(repository, deep)
    walk.run(tips)
    legacy = repository.object(f"{tips[0]}:{repository.prefix}{LEGACY}") or b""
    judged = Judged(
        tuple(walk.decisions),
        tuple(walk.problems),
        dict(walk.renamed),
        dict(walk.unflagged),
        tuple(walk.regulated),
        legacy,
        tuple(walk.tampering),
        frozenset(walk.must_hold),
        frozenset(walk.must_go),
        frozenset(walk.void_settings),
        tuple(walk.blamed),
        {block: frozenset(who) for block, who in walk.makers.items() if who},
        walk.rules_at(tips[0]).four_eyes,
    )
    if key is not None:
        cache = parse_cache()
        cache.put_value("judged", key, judged)
        cache.save()
    return judged


def _judged_key(repository: Repository, tips: Sequence[str]) -> str | None:
    """What the judgement of the history reachable from TIPS depends on, as a text to keep it
    by (None: not to be kept). A commit id names its whole history, so the ids of the tips,
    the project's folder in the repository and the judging code's own text make the
    judgement. Except where git shows another history than the commits name: a shallow clone
    (kept with its boundary, which a fetch moves), replaced objects or grafts (never kept).
    `verify` (DEEP) never uses it: it judges again, every time."""
    common = repository.common_dir
    if (common / "info" / "grafts").exists() or any((common / "refs" / "replace").glob("*")):
        return None
    try:
        packed = (common / "packed-refs").read_bytes()
    except OSError:
        packed = b""
    if b" refs/replace/" in packed:
        return None
    try:
        ids = [tip if _SHA1.match(tip) else repository.resolve(tip) for tip in tips]
    except ProblemError:
        return None  # the walk says what is wrong with it
    try:
        shallow = (common / "shallow").read_text(encoding="utf-8")
    except OSError:
        shallow = ""
    return "\n".join([_code(), repository.prefix, " ".join(ids), shallow])


def _code() -> str:
    """The judging code's fingerprint: this module's and the front matter reader's text."""
    global _CODE
    if _CODE is None:
        digest = hashlib.sha256()
        for module in (__file__, split_front_matter.__code__.co_filename):
            try:
                with open(module, "rb") as file:
                    digest.update(file.read())
            except OSError:  # a frozen build: its version says which code it is
                digest.update(module.encode())
        _CODE = digest.hexdigest()
    return _CODE


_CODE: str | None = None


def uncommitted_decisions(
    repository: Repository, changes: Sequence[Change] | None = None
) -> list[tuple[SignOff | None, str, str]]:
    """Decision files in the working tree that no commit holds yet (an interrupted sign-off):
    (the decision or None when unreadable, its path, what git says of it). CHANGES: the
    repository's status when the caller has it already (one `git status` for a command)."""
    found = []
    for change in repository.status() if changes is None else changes:
        if not change.path.startswith(f"{DECISIONS_DIR}/") or change.kind == "deleted":
            continue
        try:
            data = (repository.root / change.path).read_bytes()
        except OSError:
            continue
        record, _ = parse_decision(change.path, data)
        signoff = None
        if record is not None:
            signoff = signoff_from(
                record,
                id=change.path[len(DECISIONS_DIR) + 1 : -len(".json")],
                path=change.path,
                valid=False,
            )
        found.append((signoff, change.path, "staged" if change.staged else change.kind))
    return found
