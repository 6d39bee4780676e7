"""Signatures: who really made a commit or a package, checked with SSH keys and git itself.

A project opts in with `compliance: {signatures: required}` in studio.yaml. Its people's keys
are listed in `compliance/allowed_signers`, in git's SSH allowed-signers format
(`ssh-keygen(1)`, ALLOWED SIGNERS):

    giulia.bianchi@lumen-energia.example ssh-ed25519 AAAAC3Nza… giulia@laptop
    marco.ferri@lumen-energia.example namespaces="git" ssh-ed25519 AAAAC3Nza…

A commit that needs a signature (a sign-off, a change to a regulatory block) is judged by the
rules as they stood before it: the requirement and the allowed signers are read from its first
parent, so a commit cannot vouch for itself by adding its own key. It passes when git finds a
good SSH signature (`gpg.format ssh`, `gpg.ssh.allowedSignersFile` pointing at the parent's
list) made with a key the list gives to the commit's author email. Changes to the list itself
are owned by the approvers (`compliance.approvers`), as a regulatory block is by its owners.

Packages are signed the same way, over their manifest, with `ssh-keygen -Y sign -n
missiva-package` (see `sign`, `verify_signed`); `provenance.py` is the server's side.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.history import Repository, open_repository
from studio.core.messages import msg
from studio.core.problems import Problem, ProblemError, error
from studio.core.sources import load_yaml, split_front_matter

ALLOWED_SIGNERS = "compliance/allowed_signers"
LEDGER_FOLDER = "compliance/"
CONFIG = "studio.yaml"
GIT_NAMESPACE = "git"
PACKAGE_NAMESPACE = "missiva-package"
RULE = "studio.yaml compliance.signatures: required"

# The second field of a line is a key type when it looks like one; otherwise it is options.
_KEY_TYPE = re.compile(r"^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)"
                       r"(@openssh\.com)?$")
_LOCALE_SUFFIX = re.compile(r"^(?P<id>.+)\.(?P<locale>[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)$")


class SigningError(ProblemError):
    """Signing or checking could not be done (no ssh-keygen, no key, a key that does not sign)."""


# The allowed-signers file -----------------------------------------------------------------


@dataclass(frozen=True)
class AllowedSigner:
    """One line of an allowed-signers file: who may sign with which key."""

    principals: tuple[str, ...]  # patterns: alice@example.com, *@example.com, !bob@example.com
    key_type: str
    key: str  # base64, as written
    options: str = ""  # namespaces="git", valid-after=…, cert-authority
    line: int = 0

    @property
    def fingerprint(self) -> str:
        """`SHA256:…` as ssh-keygen -l and git's %GK print it."""
        return fingerprint(self.key)

    def allows(self, email: str) -> bool:
        """Whether the principals name EMAIL (OpenSSH pattern lists: `*`, `?`, `!` negates)."""
        return principals_match(self.principals, email)


def fingerprint(key_base64: str) -> str:
    digest = hashlib.sha256(base64.b64decode(key_base64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def principals_match(patterns: Iterable[str], email: str) -> bool:
    wanted = email.strip().lower()
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = "".join(
            ".*" if c == "*" else "." if c == "?" else re.escape(c)
            for c in pattern.removeprefix("!").strip().lower()
        )
        if re.fullmatch(regex, wanted):
            if negated:
                return False
            matched = True
    return matched


def _fields(line: str) -> list[str]:
    """Whitespace-separated fields, double quotes keeping spaces (as in namespaces="a b")."""
    fields: list[str] = []
    current = ""
    quoted = False
    for c in line:
        if c == '"':
            quoted = not quoted
            current += c
        elif c.isspace() and not quoted:
            if current:
                fields.append(current)
                current = ""
        else:
            current += c
    if current:
        fields.append(current)
    return fields


def parse_allowed_signers(
    text: str, path: str = ALLOWED_SIGNERS
) -> tuple[list[AllowedSigner], list[Problem]]:
    """The signers listed in TEXT, and a problem (with its line) for each line that is not one."""
    signers: list[AllowedSigner] = []
    problems: list[Problem] = []
    shape = "expected: principals [options] key-type base64-key [comment]"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = _fields(line)
        if len(fields) < 3:
            problems.append(error(path, number, 1, msg("not an allowed-signers line ({shape})",
                                                        shape=shape)))
            continue
        principals = tuple(p.strip('"') for p in fields[0].split(",") if p.strip('"'))
        options = ""
        rest = fields[1:]
        if not _KEY_TYPE.match(rest[0]):
            options, rest = rest[0], rest[1:]
        if len(rest) < 2 or not _KEY_TYPE.match(rest[0]):
            problems.append(error(path, number, 1, msg("no key type in this line ({shape})",
                                                        shape=shape)))
            continue
        key_type, key = rest[0], rest[1]
        try:
            blob = base64.b64decode(key, validate=True)
        except (binascii.Error, ValueError):
            problems.append(error(path, number, 1, msg("the {type} key is not valid base64",
                                                        type=key_type)))
            continue
        named = blob[4 : 4 + int.from_bytes(blob[:4], "big")] if len(blob) > 4 else b""
        if named.decode("ascii", "replace") != key_type:
            problems.append(
                error(path, number, 1, msg("the key is not a {type} key (it says {named})",
                                           type=key_type, named=repr(named)))
            )
            continue
        if not principals:
            problems.append(error(path, number, 1, msg("no principal (email) ({shape})",
                                                        shape=shape)))
            continue
        signers.append(AllowedSigner(principals, key_type, key, options, number))
    return signers, problems


# The rule, as committed ---------------------------------------------------------------------


def _config_at(repository: Repository, rev: str) -> Mapping[str, Any]:
    data = repository.blob(CONFIG, rev)
    if data is None:
        return {}
    try:
        config = load_yaml(data.decode("utf-8", "replace"), CONFIG)
    except ProblemError:
        return {}
    return config if isinstance(config, Mapping) else {}


def signatures_rule(compliance: Mapping[str, Any] | Any) -> str:
    """`required` or `optional`: the `compliance.signatures` setting (anything else is optional
    here; `setting_problems` reports it)."""
    if not isinstance(compliance, Mapping):
        return "optional"
    value = compliance.get("signatures")
    return "required" if str(value).strip().lower() == "required" else "optional"


def signatures_required(root: str | os.PathLike[str] | Repository, rev: str = "HEAD") -> bool:
    """Whether studio.yaml as committed at REV requires signatures."""
    repository = open_repository(root)
    if not repository.has_commits():
        return False
    return signatures_rule(_config_at(repository, rev).get("compliance")) == "required"


def setting_problems(config: Mapping[str, Any]) -> list[Problem]:
    """A `compliance.signatures` value that means nothing (a typo would silently turn the rule
    off)."""
    compliance = config.get("compliance")
    if not isinstance(compliance, Mapping) or "signatures" not in compliance:
        return []
    value = compliance.get("signatures")
    if isinstance(value, str) and value.strip().lower() in ("required", "optional"):
        return []
    line, col = compliance.where("signatures") if hasattr(compliance, "where") else (0, 0)
    return [error(CONFIG, line, col,
                  msg("compliance.signatures is {value}: write required or optional",
                      value=repr(value)))]


def _approver_emails(config: Mapping[str, Any]) -> set[str]:
    compliance = config.get("compliance")
    roles = config.get("roles")
    if not isinstance(compliance, Mapping) or not isinstance(roles, Mapping):
        return set()
    approvers = compliance.get("approvers") or []
    if isinstance(approvers, str):
        approvers = [approvers]
    emails: set[str] = set()
    for role in approvers if isinstance(approvers, list) else []:
        members = roles.get(str(role)) or []
        if isinstance(members, str):
            members = [members]
        if isinstance(members, list):
            emails.update(str(e).strip().lower() for e in members)
    return emails


# Commits ----------------------------------------------------------------------------------


#: git's %G? codes, for the reasons a commit is refused.
_REFUSED = {
    "N": "unsigned",
    "B": "bad signature (the commit was changed after it was signed)",
    "E": "the signature cannot be checked (not an SSH signature, or ssh-keygen failed)",
    "X": "the signature has expired",
    "Y": "signed with an expired key",
    "R": "signed with a revoked key",
}


@dataclass(frozen=True)
class CommitSignature:
    """What git says of one commit's signature, judged against the allowed signers before it."""

    commit: str
    author: str  # the author email
    code: str  # git's %G?
    key: str  # %GK: the key's fingerprint for SSH
    subject: str
    reason: str | None  # None: a good signature by a key listed for the author

    @property
    def ok(self) -> bool:
        return self.reason is None


def _first_parent(repository: Repository, commit: str) -> str | None:
    out = _git(repository, "rev-list", "--parents", "-n", "1", commit).split()
    return out[1] if len(out) > 1 else None


def _git(repository: Repository, *args: str, stdin: str | None = None) -> str:
    done = repository.run(*args, input=stdin.encode() if stdin is not None else None)
    return bytes(done.stdout).decode("utf-8", "replace")


@contextmanager
def _signers_file(text: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="missiva-signers-") as folder:
        path = Path(folder) / "allowed_signers"
        path.write_text(text, encoding="utf-8")
        yield path


def _judge(code: str, key: str, author: str, signers: list[AllowedSigner]) -> str | None:
    if code in _REFUSED:
        return _REFUSED[code]
    if code not in ("G", "U"):
        return f"signature state {code!r}"
    listed = [s for s in signers if s.fingerprint == key]
    if not listed:
        return f"signed with key {key}, which {ALLOWED_SIGNERS} does not list (unknown key)"
    if not any(s.allows(author) for s in listed):
        owners = ", ".join(sorted({p for s in listed for p in s.principals}))
        return f"signed with key {key}, listed for {owners}, not for {author}"
    if code != "G":
        return (f"the key listed for {author} is not valid for git signatures then "
                f"(namespaces or validity dates in {ALLOWED_SIGNERS})")
    return None


def commit_signatures(
    root: str | os.PathLike[str] | Repository, commits: Iterable[str]
) -> list[CommitSignature]:
    """The signature of each of COMMITS, checked against compliance/allowed_signers as it was
    at the commit's first parent (none before the first commit: every key is unknown then)."""
    repository = open_repository(root)
    wanted = list(dict.fromkeys(repository.resolve(c) for c in commits))
    if not wanted:
        return []
    if shutil.which("ssh-keygen") is None:
        raise SigningError(error(ALLOWED_SIGNERS, 0, 0, msg(
            "cannot check signatures: ssh-keygen is not installed (OpenSSH client)")))
    groups: dict[str, list[str]] = {}
    for commit in wanted:
        parent = _first_parent(repository, commit)
        listed = repository.blob(ALLOWED_SIGNERS, parent) if parent else None
        groups.setdefault((listed or b"").decode("utf-8", "replace"), []).append(commit)
    found: dict[str, CommitSignature] = {}
    for text, group in groups.items():
        signers, _ = parse_allowed_signers(text)
        with _signers_file(text) as path:
            out = _git(
                repository, "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={path}",
                "log", "--no-walk=unsorted", "--stdin",
                "--format=%H%x00%G?%x00%GK%x00%ae%x00%s%x1e", stdin="\n".join(group) + "\n",
            )
        for entry in out.split("\x1e"):
            parts = entry.strip("\n").split("\0")
            if len(parts) < 5:
                continue
            commit, code, key, author, subject = parts[:5]
            code = code or "N"
            found[commit] = CommitSignature(commit, author, code, key, subject,
                                            _judge(code, key, author, signers))
    return [found[c] for c in wanted if c in found]


def commit_signature_problems(
    root: str | os.PathLike[str] | Repository,
    commits_needing_signature: Mapping[str, str] | Iterable[str],
) -> list[Problem]:
    """A problem for each commit that needed a signature and has no good one from a key listed
    for its author, naming the commit, its author and the reason.

    COMMITS_NEEDING_SIGNATURE: commit ids, or a mapping of commit id to the project path that
    made it need one (the problem's path; the allowed-signers file otherwise). Only commits
    made while the project required signatures are judged (the rule in studio.yaml as
    committed at the commit's first parent)."""
    repository = open_repository(root)
    where: Mapping[str, str] = (
        commits_needing_signature if isinstance(commits_needing_signature, Mapping)
        else dict.fromkeys(commits_needing_signature, ALLOWED_SIGNERS)
    )
    judged: dict[str, str] = {}
    for commit, path in where.items():
        full = repository.resolve(commit)
        parent = _first_parent(repository, full)
        if parent is not None and signatures_required(repository, parent):
            judged[full] = path
    try:
        signatures = commit_signatures(repository, judged)
    except SigningError as exc:
        return [exc.problem]
    problems = []
    for signature in signatures:
        if signature.ok:
            continue
        path = judged[signature.commit]
        what = f" ({path})" if path != ALLOWED_SIGNERS else ""
        problems.append(
            error(path, 0, 0,
                  msg("commit {commit} by {author}{what}: {reason}; signatures are required "
                      "({rule})", commit=signature.commit[:10], author=signature.author,
                      what=what, reason=signature.reason, rule=RULE))
        )
    return problems


# Which commits need a signature -----------------------------------------------------------


def _regulatory_at(repository: Repository, path: str, rev: str) -> str | None:
    """The block file PATH belongs to, when that block was regulatory at REV (its main file's
    front matter then; a translation follows its block)."""
    if not (path.startswith("blocks/") and path.endswith(".md")):
        return None
    main = path
    data = repository.blob(path, rev)
    match = _LOCALE_SUFFIX.match(path[len("blocks/") : -len(".md")])
    if match:
        candidate = f"blocks/{match['id']}.md"
        other = repository.blob(candidate, rev)
        if other is not None:
            main, data = candidate, other
    if data is None:
        return None
    try:
        meta, _, _ = split_front_matter(data.decode("utf-8", "replace"), main)
    except ProblemError:
        return None
    return main if meta.get("regulatory") is True else None


def commits_needing_signature(root: str | os.PathLike[str] | Repository) -> dict[str, str]:
    """Every commit (merges and the first commit aside) that records a decision or changes
    compliance/ (the ledger, the allowed signers), or changes a file of a block that was
    regulatory before it: commit id → the path that makes it need a signature."""
    repository = open_repository(root)
    if not repository.has_commits():
        return {}
    spec = [f":/{repository.prefix}{p}" if repository.prefix else p
            for p in ("blocks/", LEDGER_FOLDER)]
    out = _git(repository, "-c", "core.quotePath=false", "log", "--no-merges",
               "--format=%x1e%H%x00%P", "--name-only", "--no-renames", "--", *spec)
    needing: dict[str, str] = {}
    for entry in out.split("\x1e")[1:]:
        head, _, names = entry.partition("\n")
        commit, _, parents = head.partition("\0")
        if not parents.split():
            continue  # the first commit: no rules stood before it
        parent = parents.split()[0]
        for git_path in names.splitlines():
            path = git_path.strip()
            if repository.prefix:
                if not path.startswith(repository.prefix):
                    continue
                path = path[len(repository.prefix) :]
            if path.startswith(LEDGER_FOLDER):
                needing.setdefault(commit, path)
                break
            main = _regulatory_at(repository, path, parent)
            if main is not None:
                needing.setdefault(commit, main)
                break
    return needing


def allowed_signers_problems(root: str | os.PathLike[str] | Repository) -> list[Problem]:
    """Commits that changed compliance/allowed_signers while their author was not an approver
    (compliance.approvers as committed before the commit), and lines of the file at HEAD that
    are not allowed-signers lines.

    The first commit of a project, and changes made while no approver role is declared, are
    not judged: someone has to set the project up."""
    repository = open_repository(root)
    problems: list[Problem] = []
    if not repository.has_commits():
        return problems
    current = repository.blob(ALLOWED_SIGNERS, "HEAD")
    if current is not None:
        problems += parse_allowed_signers(current.decode("utf-8", "replace"))[1]
    spec = f":/{repository.prefix}{ALLOWED_SIGNERS}" if repository.prefix else ALLOWED_SIGNERS
    out = _git(repository, "log", "--format=%H%x00%P%x00%ae", "--", spec)
    for line in out.splitlines():
        commit, parents, author = (line.split("\0") + ["", ""])[:3]
        if not parents.split():
            continue
        approvers = _approver_emails(_config_at(repository, parents.split()[0]))
        if approvers and author.strip().lower() not in approvers:
            problems.append(
                error(ALLOWED_SIGNERS, 0, 0,
                      msg("commit {commit} by {author} changed the allowed signers, which only "
                          "approvers (compliance.approvers) may change", commit=commit[:10],
                          author=author))
            )
    return problems


def _first_path(repository: Repository, commit: str) -> str:
    """The first project file COMMIT changed (where a problem about it points)."""
    out = _git(repository, "-c", "core.quotePath=false", "diff-tree", "--no-commit-id",
               "--name-only", "-r", "--root", commit)
    for path in out.splitlines():
        if path.startswith(repository.prefix):
            return path[len(repository.prefix) :]
    return CONFIG


def commit_problems(
    root: str | os.PathLike[str] | Repository, commits: Iterable[str] = ()
) -> list[Problem]:
    """What `verify` reports about signatures. COMMITS: those the caller's walk of the history
    found regulated (decisions, regulatory blocks, compliance rules); with the ones
    `commits_needing_signature` finds, each is judged where the project required signatures
    before it. Plus the approvers' rule on compliance/allowed_signers and a meaningless
    `compliance.signatures` value. (compliance.verify calls this hook.)"""
    repository = open_repository(root)
    if not repository.has_commits():
        return []
    needing = commits_needing_signature(repository)
    for commit in commits:
        full = repository.resolve(commit)
        if full not in needing and _first_parent(repository, full) is not None:
            needing[full] = _first_path(repository, full)
    problems = allowed_signers_problems(repository)
    problems += setting_problems(_config_at(repository, "HEAD"))
    problems += commit_signature_problems(repository, needing)
    return problems


def verify_signatures(root: str | os.PathLike[str] | Repository) -> list[Problem]:
    """`commit_problems` with only the commits this module finds by itself."""
    return commit_problems(root)


# Signing data (packages) --------------------------------------------------------------------


def _git_config(repository: Repository, key: str) -> str:
    done = repository.run("config", "--get", key, check=False)
    return bytes(done.stdout).decode("utf-8", "replace").strip() if done.returncode == 0 else ""


def signing_key(
    root: str | os.PathLike[str] | Repository | None, explicit: str | None = None
) -> str | None:
    """The SSH key to sign with: EXPLICIT, or git's user.signingkey when git signs with SSH
    (gpg.format ssh). A `key::ssh-…` literal is returned as is (the agent holds its secret)."""
    if explicit:
        return explicit
    if root is None:
        return None
    repository = open_repository(root)
    if _git_config(repository, "gpg.format").lower() != "ssh":
        return None
    return _git_config(repository, "user.signingkey") or None


def _public_key(key: str) -> str | None:
    """The base64 public key of a signing key setting (None: cannot tell without its secret)."""
    text = key[len("key::") :] if key.startswith("key::") else ""
    if not text:
        path = Path(key).expanduser()
        public = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
        try:
            text = public.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    fields = text.split()
    return fields[1] if len(fields) >= 2 else None


#: Why git on this machine will not make the signatures the project requires (SigningSetup).
SETUP_PROBLEMS = {
    "not-signing": "git does not sign commits here (git config commit.gpgsign true)",
    "not-ssh": "git does not sign with SSH keys here (git config gpg.format ssh)",
    "no-key": "no signing key is set (git config user.signingkey ~/.ssh/id_ed25519.pub)",
    "key-missing": "the signing key file (user.signingkey) does not exist",
    "not-listed": f"your signing key is not listed for your email in {ALLOWED_SIGNERS}",
}


@dataclass(frozen=True)
class SigningSetup:
    """Whether the project requires signatures and whether git here is set up to make them."""

    required: bool
    problem: str | None = None  # a key of SETUP_PROBLEMS; None: all set (or not required)
    email: str = ""
    key: str = ""

    @property
    def message(self) -> str:
        if not self.required or self.problem is None:
            return ""
        return ("This project requires signed sign-offs and regulatory changes, but "
                f"{SETUP_PROBLEMS[self.problem]}: your commits would be refused by verify.")


def signing_setup(root: str | os.PathLike[str] | Repository, email: str) -> SigningSetup:
    """Whether git in ROOT signs what EMAIL commits the way the project requires (studio.yaml
    and the allowed signers as committed at HEAD)."""
    repository = open_repository(root)
    if not signatures_required(repository, "HEAD"):
        return SigningSetup(False, email=email)

    def lacking(problem: str, key: str = "") -> SigningSetup:
        return SigningSetup(True, problem, email, key)

    if _git_config(repository, "commit.gpgsign").lower() not in ("true", "yes", "on", "1"):
        return lacking("not-signing")
    if _git_config(repository, "gpg.format").lower() != "ssh":
        return lacking("not-ssh")
    key = _git_config(repository, "user.signingkey")
    if not key:
        return lacking("no-key")
    if not key.startswith("key::") and not Path(key).expanduser().is_file():
        return lacking("key-missing", key)
    public = _public_key(key)
    listed = repository.blob(ALLOWED_SIGNERS, "HEAD") or b""
    signers, _ = parse_allowed_signers(listed.decode("utf-8", "replace"))
    if public is not None and not any(s.key == public and s.allows(email) for s in signers):
        return lacking("not-listed", key)
    return SigningSetup(True, None, email, key)


@contextmanager
def _key_file(key: str) -> Iterator[str]:
    if key.startswith("key::"):
        with tempfile.TemporaryDirectory(prefix="missiva-key-") as folder:
            path = Path(folder) / "key.pub"
            path.write_text(key[len("key::") :].strip() + "\n", encoding="utf-8")
            yield str(path)
        return
    path = Path(key).expanduser()
    if not path.is_file():
        raise SigningError(error(key, 0, 0, msg("the signing key file does not exist")))
    yield str(path)


def _ssh_keygen() -> str:
    program = shutil.which("ssh-keygen")
    if program is None:
        raise SigningError(error("(signature)", 0, 0, msg(
            "ssh-keygen is not installed: SSH signatures need the OpenSSH client")))
    return program


def sign(data: bytes, key: str, namespace: str = PACKAGE_NAMESPACE) -> bytes:
    """A detached SSH signature of DATA (`ssh-keygen -Y sign`), armored text."""
    program = _ssh_keygen()
    with _key_file(key) as path:
        done = subprocess.run([program, "-q", "-Y", "sign", "-f", path, "-n", namespace],
                              input=data, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else f"ssh-keygen exit {done.returncode}"
        raise SigningError(error(key, 0, 0, msg("could not sign with this key: {reason}",
                                                reason=reason)))
    return done.stdout


def verify_signed(
    data: bytes, signature: bytes, allowed_signers: str | os.PathLike[str],
    namespace: str = PACKAGE_NAMESPACE,
) -> str:
    """The principal of ALLOWED_SIGNERS whose key made SIGNATURE over DATA; SigningError with
    the reason otherwise (no listed key made it, the data changed, the key is not allowed for
    NAMESPACE)."""
    program = _ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="missiva-verify-") as folder:
        signature_path = Path(folder) / "data.sig"
        signature_path.write_bytes(signature)
        found = subprocess.run([program, "-Y", "find-principals", "-s", str(signature_path),
                                "-f", os.fspath(allowed_signers)],
                               capture_output=True, check=False)
        principals = [p for p in found.stdout.decode("utf-8", "replace").splitlines() if p]
        if found.returncode != 0 or not principals:
            raise SigningError(error("(signature)", 0, 0, msg(
                "not signed by a trusted key (no key of the trusted signers made this "
                "signature)")))
        reasons = []
        for principal in principals:
            done = subprocess.run([program, "-Y", "verify", "-f", os.fspath(allowed_signers),
                                   "-I", principal, "-n", namespace, "-s", str(signature_path)],
                                  input=data, capture_output=True, check=False)
            if done.returncode == 0:
                return principal
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reasons.append(lines[0] if lines else "verification failed")
    raise SigningError(error("(signature)", 0, 0, msg(
        "the signature does not verify: the signed content was altered after it was signed, "
        "or the key is not allowed for this use ({reason})", reason=reasons[0])))


def signature_key_fingerprint(signature: bytes) -> str | None:
    """The fingerprint of the public key inside an SSH signature (None: not one)."""
    text = signature.decode("ascii", "replace")
    body = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None
    # SSHSIG: magic (6 bytes), version (uint32), then the public key as an SSH string.
    if not blob.startswith(b"SSHSIG") or len(blob) < 14:
        return None
    size = int.from_bytes(blob[10:14], "big")
    key = blob[14 : 14 + size]
    if len(key) != size:
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")
