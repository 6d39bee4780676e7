"""Signatures: commits judged against the allowed signers before them, with real SSH keys."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studio.core import signatures
from studio.core.signatures import (
    ALLOWED_SIGNERS,
    commit_signature_problems,
    commits_needing_signature,
    parse_allowed_signers,
    signing_setup,
    verify_signatures,
)

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                reason="ssh-keygen (OpenSSH client) is not installed")

GIULIA = "giulia.bianchi@lumen.example"  # legal: owner of the regulatory block, approver
MALLORY = "mallory@lumen.example"  # marketing: wants around the control

STUDIO_YAML = """\
name: Signed
locales: [it]
default_locale: it
roles:
  legal: [giulia.bianchi@lumen.example]
  marketing: [mallory@lumen.example]
compliance:
  approvers: [legal]
  signatures: required
"""
PRIVACY = """\
---
title: Privacy
owner: legal
regulatory: true
---
Trattiamo i tuoi dati secondo il GDPR.
"""


def keygen(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
                   check=True)
    return key


def public(key: Path) -> str:
    return key.with_name(key.name + ".pub").read_text(encoding="utf-8").strip()


class Repo:
    """A throwaway repository; every git call names its identity and signing settings."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "HOME": str(home)}

    def git(self, *args: str, who: str = GIULIA, key: Path | None = None,
            stdin: str | None = None) -> str:
        name = who.split("@")[0]
        env = {**self.env, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": who,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": who}
        signing = (["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}",
                    "-c", "commit.gpgsign=true"] if key else ["-c", "commit.gpgsign=false"])
        return subprocess.run(["git", *signing, *args], cwd=self.root, env=env, check=True,
                              capture_output=True, text=True, input=stdin).stdout

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, who: str = GIULIA, key: Path | None = None) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, who=who, key=key)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("giulia", "mallory")}


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Repo:
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    root = tmp_path / "project"
    root.mkdir()
    repo = Repo(root, home)
    repo.git("init", "-q", "-b", "main")
    repo.write("studio.yaml", STUDIO_YAML)
    repo.write("blocks/legal/privacy.md", PRIVACY)
    repo.write(ALLOWED_SIGNERS, f"{GIULIA} {public(keys['giulia'])}\n")
    repo.commit("Set up the project: signatures required")
    return repo


def problems_of(repo: Repo, commit: str) -> list[str]:
    return [p.message for p in commit_signature_problems(repo.root, {commit: "blocks/x.md"})]


def test_a_commit_signed_by_its_authors_listed_key_is_accepted(repo: Repo, keys) -> None:
    repo.write("blocks/legal/privacy.md", PRIVACY + "Nuova clausola.\n")
    commit = repo.commit("Privacy: new clause", key=keys["giulia"])
    assert problems_of(repo, commit) == []
    [signature] = signatures.commit_signatures(repo.root, [commit])
    assert (signature.code, signature.ok, signature.author) == ("G", True, GIULIA)
    assert verify_signatures(repo.root) == []


def test_a_forged_unsigned_commit_is_refused(repo: Repo) -> None:
    # Mallory commits in Giulia's name, without a signature.
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    commit = repo.commit("Privacy: tidy up", who=GIULIA)
    [message] = problems_of(repo, commit)
    assert message.startswith(f"commit {commit[:10]} by {GIULIA} (blocks/x.md): unsigned")
    assert "studio.yaml compliance.signatures: required" in message
    # verify finds the commit on its own: it changed a block that was regulatory before it.
    assert commits_needing_signature(repo.root) == {commit: "blocks/legal/privacy.md"}
    [problem] = verify_signatures(repo.root)
    assert problem.path == "blocks/legal/privacy.md" and "unsigned" in problem.message
    # The hook compliance.verify calls with the commits its own history walk found regulated.
    assert signatures.commit_problems(repo.root, [commit]) == [problem]


def test_a_signature_by_an_unlisted_key_is_refused(repo: Repo, keys) -> None:
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    commit = repo.commit("Privacy", who=GIULIA, key=keys["mallory"])
    [message] = problems_of(repo, commit)
    assert "unknown key" in message and "does not list" in message
    assert signatures.fingerprint(public(keys["mallory"]).split()[1]) in message


def test_a_key_listed_for_someone_else_is_refused(repo: Repo, keys) -> None:
    repo.write(ALLOWED_SIGNERS, f"{GIULIA} {public(keys['giulia'])}\n"
                                f"{MALLORY} {public(keys['mallory'])}\n")
    repo.commit("Signers: Mallory may sign her own commits", key=keys["giulia"])
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    commit = repo.commit("Privacy", who=GIULIA, key=keys["mallory"])
    [message] = problems_of(repo, commit)
    assert f"listed for {MALLORY}, not for {GIULIA}" in message


def test_a_key_added_by_the_same_commit_does_not_vouch_for_it(repo: Repo, keys) -> None:
    # The allowed signers are read from the commit's parent.
    repo.write(ALLOWED_SIGNERS, f"{GIULIA} {public(keys['giulia'])}\n"
                                f"{GIULIA} {public(keys['mallory'])}\n")
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    commit = repo.commit("Privacy", who=GIULIA, key=keys["mallory"])
    [message] = problems_of(repo, commit)
    assert "unknown key" in message


def test_a_signed_commit_altered_afterwards_is_refused(repo: Repo, keys) -> None:
    repo.write("blocks/legal/privacy.md", PRIVACY + "Nuova clausola.\n")
    signed = repo.commit("Privacy: new clause", key=keys["giulia"])
    raw = repo.git("cat-file", "commit", signed)
    forged = repo.git("hash-object", "-w", "-t", "commit", "--stdin",
                      stdin=raw.replace("Privacy: new clause", "Privacy: approved wording"))
    forged = forged.strip()
    assert forged != signed
    [message] = problems_of(repo, forged)
    assert "bad signature" in message


def test_commits_before_the_rule_are_not_judged(tmp_path: Path, keys, monkeypatch) -> None:
    home = tmp_path / "home2"
    home.mkdir()
    (home / "gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    root = tmp_path / "optional"
    root.mkdir()
    repo = Repo(root, home)
    repo.git("init", "-q", "-b", "main")
    repo.write("studio.yaml", STUDIO_YAML.replace("signatures: required", "signatures: optional"))
    repo.write("blocks/legal/privacy.md", PRIVACY)
    repo.commit("Import")
    repo.write("blocks/legal/privacy.md", PRIVACY + "Nuova clausola.\n")
    before = repo.commit("Unsigned, while signatures were optional")
    assert problems_of(repo, before) == []
    # Turning the rule off is judged by the rule before it: that commit is not exempt.
    repo.write("studio.yaml", STUDIO_YAML)
    repo.commit("Require signatures", key=keys["giulia"])
    repo.write("studio.yaml", STUDIO_YAML.replace("signatures: required", "signatures: optional"))
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    off = repo.commit("Signatures optional again, and a new clause", who=GIULIA)
    assert [p.message for p in verify_signatures(root)] == [
        f"commit {off[:10]} by {GIULIA} (blocks/legal/privacy.md): unsigned; signatures are "
        "required (studio.yaml compliance.signatures: required)"
    ]


def test_commits_the_caller_found_regulated_are_judged_too(repo: Repo) -> None:
    repo.write("templates/letter.yaml", "title: Lettera\nchannels: [sms]\nbody: []\n")
    commit = repo.commit("A template, by a caller's rule a regulated change", who=MALLORY)
    assert verify_signatures(repo.root) == []
    [problem] = signatures.commit_problems(repo.root, [commit])
    assert problem.path == "templates/letter.yaml"
    assert problem.message.startswith(
        f"commit {commit[:10]} by {MALLORY} (templates/letter.yaml): unsigned")


def test_sign_off_records_need_a_signature(repo: Repo, keys) -> None:
    repo.write("compliance/signoffs.jsonl", '{"block": "legal/privacy"}\n')
    commit = repo.commit("Sign-off: approve block legal/privacy", who=GIULIA)
    assert commits_needing_signature(repo.root) == {commit: "compliance/signoffs.jsonl"}
    assert "unsigned" in verify_signatures(repo.root)[0].message


def test_only_approvers_change_the_allowed_signers(repo: Repo, keys) -> None:
    repo.write(ALLOWED_SIGNERS, f"{GIULIA} {public(keys['giulia'])}\n"
                                f"{MALLORY} {public(keys['mallory'])}\n")
    commit = repo.commit("Signers: add myself", who=MALLORY, key=keys["mallory"])
    messages = [p.message for p in verify_signatures(repo.root)]
    assert (f"commit {commit[:10]} by {MALLORY} changed the allowed signers, which only "
            "approvers (compliance.approvers) may change") in messages
    # ...and the commit is itself held to the signature rule (her key was not listed before).
    assert any(m.startswith(f"commit {commit[:10]} by {MALLORY}") and "unknown key" in m
               for m in messages)


def test_allowed_signers_lines_are_parsed_with_their_problems(keys) -> None:
    key = public(keys["giulia"])
    text = (f"# the legal team\n{GIULIA},*@legal.lumen.example {key}\n"
            f'{MALLORY} namespaces="git",valid-after="20260101" {key} laptop\n'
            "nonsense\n"
            f"{MALLORY} ssh-ed25519 not-base64!\n")
    signers, problems = parse_allowed_signers(text)
    assert [s.line for s in signers] == [2, 3]
    assert signers[0].allows(GIULIA) and signers[0].allows("anna@legal.lumen.example")
    assert not signers[0].allows(MALLORY)
    assert signers[1].options == 'namespaces="git",valid-after="20260101"'
    assert [(p.path, p.line) for p in problems] == [(ALLOWED_SIGNERS, 4), (ALLOWED_SIGNERS, 5)]
    # The studio shows them in its language; the English stays for the CLI.
    assert problems[1].message == "the ssh-ed25519 key is not valid base64"
    assert problems[1].in_language("it") == "la chiave ssh-ed25519 non è in base64 valido"
    assert problems[0].in_language("it").startswith("non è una riga di firmatari ammessi")
    assert not signatures.principals_match(["*@lumen.example", "!mallory@lumen.example"], MALLORY)


def test_signing_setup_says_what_is_missing(repo: Repo, keys) -> None:
    assert signing_setup(repo.root, GIULIA).problem == "not-signing"
    repo.git("config", "commit.gpgsign", "true")
    assert signing_setup(repo.root, GIULIA).problem == "not-ssh"
    repo.git("config", "gpg.format", "ssh")
    assert signing_setup(repo.root, GIULIA).problem == "no-key"
    repo.git("config", "user.signingkey", str(keys["mallory"]) + ".pub")
    setup = signing_setup(repo.root, GIULIA)
    assert setup.problem == "not-listed" and "not listed for your email" in setup.message
    repo.git("config", "user.signingkey", str(keys["giulia"]))
    assert signing_setup(repo.root, GIULIA) == signatures.SigningSetup(
        True, None, GIULIA, str(keys["giulia"]))
    assert signing_setup(repo.root, GIULIA).message == ""


# What the review shows: decisions and changes that lack the signature the project requires --


def sign_off_as_giulia(repo: Repo, monkeypatch: pytest.MonkeyPatch, key: Path | None) -> str:
    """Giulia approves the privacy block through the studio's own sign-off, with git set up to
    sign with KEY (unsigned without one); the id of the sign-off commit."""
    from studio.core.compliance import signoff

    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", "Giulia Bianchi")
        monkeypatch.setenv(f"{prefix}_EMAIL", GIULIA)
    if key is not None:
        repo.git("config", "gpg.format", "ssh")
        repo.git("config", "user.signingkey", str(key))
        repo.git("config", "commit.gpgsign", "true")
    record = signoff(repo.root, "legal/privacy", "approve", "GDPR ok")
    if key is not None:
        repo.git("config", "commit.gpgsign", "false")
    return record.ledger_commit


def state_of_privacy(repo: Repo):
    from studio.core.compliance import block_states

    [state] = block_states(repo.root)
    return state


def test_an_unsigned_decision_does_not_count_and_says_why(repo: Repo, monkeypatch,
                                                          capsys) -> None:
    from studio.cli import main

    commit = sign_off_as_giulia(repo, monkeypatch, key=None)
    state = state_of_privacy(repo)
    assert state.state == "pending" and state.history == ()
    [unsigned] = state.unsigned
    assert (unsigned.commit, unsigned.author, unsigned.kind) == (commit, GIULIA, "unsigned")
    assert unsigned.decision is not None and unsigned.decision.reviewer == GIULIA
    assert state.as_json()["unsigned"][0]["kind"] == "unsigned"
    assert main(["status", str(repo.root)]) == 0
    assert (f"signature missing: approve by {GIULIA} not counted in commit {commit[:10]} "
            "(unsigned)") in capsys.readouterr().out


def test_a_decision_signed_with_an_unlisted_key_does_not_count(repo: Repo, keys,
                                                              monkeypatch) -> None:
    commit = sign_off_as_giulia(repo, monkeypatch, key=keys["mallory"])
    state = state_of_privacy(repo)
    assert state.state == "pending"
    [unsigned] = state.unsigned
    assert (unsigned.commit, unsigned.kind) == (commit, "unlisted")
    assert "does not list" in unsigned.reason


def test_a_signed_decision_counts_and_covers_the_unsigned_change_it_approved(
        repo: Repo, keys, monkeypatch) -> None:
    sign_off_as_giulia(repo, monkeypatch, key=keys["giulia"])
    assert (state_of_privacy(repo).state, state_of_privacy(repo).unsigned) == ("approved", ())
    # An unsigned change to the approved text: stale, and the review is told who cannot be
    # proven to have made it.
    repo.write("blocks/legal/privacy.md", PRIVACY + "I dati vengono venduti.\n")
    change = repo.commit("Privacy: tidy up", who=GIULIA)
    state = state_of_privacy(repo)
    assert state.state == "stale"
    [unsigned] = state.unsigned
    assert (unsigned.commit, unsigned.kind, unsigned.decision) == (change, "unsigned", None)
    # Once an approver signs off that text, with her listed key, the change is covered.
    sign_off_as_giulia(repo, monkeypatch, key=keys["giulia"])
    assert (state_of_privacy(repo).state, state_of_privacy(repo).unsigned) == ("approved", ())
