"""Compliance: sign-offs, block states, verify (history, attribution, owners), export gate."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli.compliance import add_commands
from studio.core import compliance
from studio.core.compliance import LEDGER, block_states, export_gate, signoff, verify
from studio.core.export import export
from studio.core.history import open_repository
from studio.core.package import read_package
from studio.core.problems import ProblemError
from tests.conftest import REPO, SAMPLE

GIULIA = "giulia.bianchi@lumen-energia.example"  # legal: owner and approver
MARCO = "marco.ferri@lumen-energia.example"  # legal
LUCA = "luca.moretti@lumen-energia.example"  # billing


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def become(monkeypatch: pytest.MonkeyPatch, name: str, email: str) -> None:
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", name)
        monkeypatch.setenv(f"{prefix}_EMAIL", email)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    root = tmp_path / "lumen"
    # The sample's own ledger names commits of the studio's repository: a fresh import starts
    # without decisions.
    shutil.copytree(
        SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "compliance")
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


def edit_block(root: Path, block: str, extra: str = "\nUlteriore clausola.\n") -> None:
    path = root / "blocks" / f"{block}.md"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def state_of(root: Path, block: str) -> compliance.BlockState:
    return {s.block: s for s in block_states(root)}[block]


def test_pending_approved_stale_approved(project: Path) -> None:
    states = {s.block: s for s in block_states(project)}
    assert set(states) >= {"legal/privacy", "legal/useful-info", "reminder/consequences"}
    assert all(s.state == "pending" for s in states.values())
    assert states["legal/privacy"].templates == ("contract-change",)

    record = signoff(project, "legal/privacy", "approve", "GDPR wording checked")
    head = git(project, "rev-parse", "HEAD").strip()
    assert record.ledger_commit == head
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "log", "-1", "--format=%s") == (
        "Sign-off: approve block legal/privacy — GDPR wording checked\n"
    )
    # One file, named by the hash of its content, is all the sign-off commit adds.
    [added] = git(project, "show", "--format=", "--name-status", "HEAD").splitlines()
    status, path = added.split("\t")
    assert status == "A" and path == f"{LEDGER}/{record.id}.json"
    data = (project / path).read_bytes()
    assert hashlib.sha256(data.rstrip(b"\n")).hexdigest() == record.id
    line = json.loads(data)
    assert line["blob"] == git(project, "rev-parse", "HEAD~1:blocks/legal/privacy.md").strip()
    assert line["commit"] == git(project, "rev-parse", "HEAD~1").strip()
    assert line["reviewer"] == GIULIA and line["role"] == "legal"
    assert git(project, "log", "-1", "--format=%ae").strip() == GIULIA  # committed by its reviewer
    assert line["time"].endswith("Z")
    channels = open_repository(project).project_at("HEAD").templates["contract-change"].channels
    assert set(line["renditions"]) == {f"contract-change/{c}" for c in channels}
    assert all(len(h) == 64 for h in line["renditions"].values())
    privacy = state_of(project, "legal/privacy")
    assert (privacy.state, privacy.reviewer) == ("approved", GIULIA)

    edit_block(project, "legal/privacy")
    with pytest.raises(ProblemError, match="uncommitted"):
        signoff(project, "legal/privacy", "approve", "too early")
    open_repository(project).commit("Extra clause", ["blocks/legal/privacy.md"])
    assert state_of(project, "legal/privacy").state == "stale"

    # --as sets the identity of both the decision and the commit's author (as git --author).
    signoff(project, "legal/privacy", "approve", "extra clause ok", as_email=MARCO)
    privacy = state_of(project, "legal/privacy")
    assert (privacy.state, privacy.reviewer) == ("approved", MARCO)
    assert git(project, "log", "-1", "--format=%ae %ce").split() == [MARCO, GIULIA]
    assert [r.reviewer for r in privacy.history] == [GIULIA, MARCO]
    assert verify(project) == []


def test_review_renditions_show_what_changed_since_approval(project: Path) -> None:
    first = compliance.review_renditions(project, "legal/privacy")
    channels = open_repository(project).project_at("HEAD").templates["contract-change"].channels
    assert [(r.template, r.channel) for r in first] == [("contract-change", c) for c in channels]
    assert all(r.rendition is not None and r.problem is None for r in first)
    assert all(r.changed_since_approval is None for r in first)  # never approved
    assert first[0].rendition is not None and first[0].rendition.content.startswith(b"%PDF")

    signoff(project, "legal/privacy", "approve", "ok")
    approved = compliance.review_renditions(project, "legal/privacy")
    assert [r.changed_since_approval for r in approved] == [False] * len(channels)
    assert [r.sha256 for r in approved] == [r.sha256 for r in first]

    edit_block(project, "legal/privacy", "\nI dati sono conservati in Italia.\n")
    # The review shows the committed version: an uncommitted edit changes nothing yet.
    assert [r.sha256 for r in compliance.review_renditions(project, "legal/privacy")] == [
        r.sha256 for r in first
    ]
    open_repository(project).commit("Where data is kept", ["blocks/legal/privacy.md"])
    after = compliance.review_renditions(project, "legal/privacy")
    for review in after:
        assert review.rendition is not None
        shows_block = "legal/privacy" in review.rendition.used_blocks
        assert review.changed_since_approval is shows_block, review.channel
    assert any(r.changed_since_approval for r in after)
    # Another sample has nothing recorded to compare against.
    other = compliance.review_renditions(project, "legal/privacy", sample="long-address")
    assert all(r.changed_since_approval is None for r in other)
    with pytest.raises(ProblemError, match="no sample"):
        compliance.review_renditions(project, "legal/privacy", sample="nobody")


def test_non_approver_unknown_and_non_regulatory_blocks_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ProblemError, match="not in an approver role"):
        signoff(project, "legal/privacy", "approve", "ok", as_email=LUCA)
    become(monkeypatch, "Luca Moretti", LUCA)
    with pytest.raises(ProblemError, match="not in an approver role"):
        signoff(project, "legal/privacy", "approve", "ok")
    with pytest.raises(ProblemError, match="not regulatory") as refused:
        signoff(project, "common/greeting", "approve", "ok", as_email=GIULIA)
    # the reviewer's studio says it in Italian
    assert refused.value.problem.in_language("it") == (
        "il blocco common/greeting non è normativo: non richiede approvazione")
    with pytest.raises(ProblemError, match="no block") as refused:
        signoff(project, "legal/nothing", "approve", "ok", as_email=GIULIA)
    assert "nessun blocco 'legal/nothing'" in refused.value.problem.in_language("it")
    assert not (project / LEDGER).exists()
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"


def test_the_approver_role_is_the_committed_studio_yaml_s(project: Path) -> None:
    from studio.core.history import open_repository

    repository = open_repository(project)
    assert compliance.approver_role_at(repository, GIULIA) == "legal"
    assert compliance.approver_role_at(repository, " Giulia.Bianchi@Lumen-Energia.example ") == "legal"
    assert compliance.approver_role_at(repository, LUCA) is None  # billing does not approve
    # Luca names billing an approver role in his copy: until that is committed, he is not one
    config = project / "studio.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "approvers: [legal]", "approvers: [legal, billing]"), encoding="utf-8")
    assert compliance.approver_role_at(repository, LUCA) is None
    git(project, "commit", "-qam", "Billing approves too")
    assert compliance.approver_role_at(repository, LUCA) == "billing"
    assert compliance.approver_role_at(repository, LUCA, "HEAD~1") is None


def test_rejection(project: Path) -> None:
    signoff(project, "legal/withdrawal", "approve", "fine")
    signoff(project, "legal/withdrawal", "reject", "the 14-day term is wrong", as_email=MARCO)
    state = state_of(project, "legal/withdrawal")
    assert (state.state, state.reviewer) == ("rejected", MARCO)
    edit_block(project, "legal/withdrawal")
    open_repository(project).commit("Fix the term", ["blocks/legal/withdrawal.md"])
    assert state_of(project, "legal/withdrawal").state == "stale"  # approved once, changed since


def decision_paths(project: Path) -> list[Path]:
    return sorted((project / LEDGER).glob("*.json"))


def test_tampered_decision_caught(project: Path) -> None:
    signoff(project, "legal/privacy", "approve", "ok")
    signoff(project, "legal/useful-info", "approve", "ok")
    assert verify(project) == []
    first = git(project, "log", "--reverse", "--format=%H", "--", LEDGER).split()[0]
    [path] = git(project, "show", "--format=", "--name-only", first).split()
    target = project / path
    original = target.read_bytes()
    target.write_text(target.read_text().replace('"comment":"ok"', '"comment":"looks fine"'))
    git(project, "commit", "-q", "-am", "Tidy the ledger")
    tidied = head(project)
    messages = [p.message for p in verify(project)]
    assert messages == [f"commit {tidied[:10]} by {GIULIA} changed a recorded decision "
                        "(decisions are never changed or removed: record a new one)"]
    # A decision is read from the commit that added it: the edit changes no state…
    assert state_of(project, "legal/privacy").state == "approved"
    # …but gated exports stop until the file is put back as it was committed.
    repository = open_repository(project)
    [broken] = compliance.ledger_integrity(repository, compliance.judge_history(repository))
    assert broken.path == path and "put it back" in broken.message
    target.write_bytes(original)
    git(project, "commit", "-q", "-am", "Put the decision back")
    assert compliance.ledger_integrity(repository, compliance.judge_history(repository)) == []
    assert len(verify(project)) == 2  # history still shows both changes


def test_removed_decision_caught(project: Path) -> None:
    signoff(project, "legal/privacy", "approve", "ok")
    signoff(project, "legal/privacy", "reject", "no")
    rejection = git(project, "show", "--format=", "--name-only", "HEAD").strip()
    git(project, "rm", "-q", rejection)
    git(project, "commit", "-q", "-m", "Drop the rejection")
    messages = [p.message for p in verify(project)]
    assert len(messages) == 1 and "removed a recorded decision" in messages[0]
    head = git(project, "rev-parse", "HEAD").strip()
    assert head[:10] in messages[0]


def test_rewritten_ledger_history_caught(project: Path) -> None:
    signoff(project, "legal/privacy", "approve", "ok")
    # rewrite history: replay the project on a new root commit, the ledger as if first written
    tree = git(project, "rev-parse", "HEAD^{tree}").strip()
    orphan = git(project, "commit-tree", tree, "-m", "Everything").strip()
    git(project, "reset", "-q", "--hard", orphan)
    messages = [p.message for p in verify(project)]
    assert any("history rewritten" in m for m in messages)


def test_regulatory_block_changed_by_non_owner(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert verify(project) == []
    become(monkeypatch, "Luca Moretti", LUCA)
    edit_block(project, "legal/complaints-adr")
    edit_block(project, "billing/summary")  # not regulatory: anyone may
    open_repository(project).commit("Reword")
    problems = verify(project)
    assert len(problems) == 1
    assert LUCA in problems[0].message and "legal/complaints-adr" in problems[0].message
    assert git(project, "rev-parse", "--short=10", "HEAD").strip() in problems[0].message
    assert "owned by role legal before that commit" in problems[0].message
    assert problems[0].path == "blocks/legal/complaints-adr.md"


def test_export_gate_refuses_then_allows(project: Path) -> None:
    out = add_vault(project)
    assert export_gate(project, ["bill"]) == ["legal/complaints-adr", "legal/useful-info"]
    assert export_gate(project, ["otp"]) == []
    with pytest.raises(ProblemError) as refused:
        export(project, target="vault")
    for block in ("legal/useful-info", "legal/privacy", "reminder/consequences"):
        assert f"block {block}" in refused.value.problem.message
    assert not out.exists()
    # A folder is not a target: writing a package file there needs no approval.
    assert export(project, out=project.parent / "draft").path.is_file()

    approve_all(project)
    done = export(project, target="vault")
    assert done.path is not None and done.path.parent == out
    package = read_package(done.path.read_bytes())
    assert package.commit == git(project, "rev-parse", "HEAD").strip()
    evidence = {e["block"]: e for e in package.manifest["signoffs"]}
    assert evidence["legal/privacy"]["state"] == "approved"
    [record] = evidence["legal/privacy"]["records"]
    assert record["decision"] == "approve" and record["blob"] == evidence["legal/privacy"]["blob"]
    with pytest.raises(ProblemError, match="no target"):
        export(project, target="staging")
    # An older version with the same texts is judged with today's decisions: approved.
    assert export(project, rev="HEAD~3", target="vault").package.commit == git(
        project, "rev-parse", "HEAD~3").strip()
    # Targets are read from the version exported: before the commit that added it, no vault.
    with pytest.raises(ProblemError, match="no target 'vault'"):
        export(project, rev="HEAD~6", target="vault")


def _cli(argv: list[str]) -> int:
    from studio.cli import UsageError

    parser = argparse.ArgumentParser(prog="missiva")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError:
        return 2
    except ProblemError:
        return 1


def test_cli_commands(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project)
    assert _cli(["signoff", root, "legal/privacy", "--approve", "-m", "ok", "--as", LUCA]) == 1
    assert _cli(["signoff", root, "legal/privacy", "--approve", "-m", "ok"]) == 0
    assert "approved block legal/privacy" in capsys.readouterr().out
    assert _cli(["status", root, "--json"]) == 0
    rows = {r["block"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["legal/privacy"]["state"] == "approved"
    assert rows["legal/privacy"]["templates"] == ["contract-change"]
    assert set(rows["legal/privacy"]) >= {"block", "state", "reviewer", "time", "templates"}
    assert _cli(["status", root]) == 0
    assert "pending" in capsys.readouterr().out
    assert _cli(["verify", root]) == 0
    assert _cli(["status", str(project / "missing")]) == 2


def test_cli_subprocess_verify_exit_codes(project: Path) -> None:
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studio.cli", *argv],
            cwd=REPO,
            capture_output=True,
            text=True,
        )

    signoff(project, "legal/privacy", "approve", "ok")
    assert run("verify", str(project)).returncode == 0
    [path] = decision_paths(project)
    path.write_text(path.read_text().replace('"ok"', '"OK"'))
    git(project, "commit", "-q", "-am", "Tidy the ledger")
    done = run("verify", str(project))
    assert done.returncode == 1
    assert "changed a recorded decision" in done.stderr and "Traceback" not in done.stderr


def test_status_keeps_the_judged_history_by_commit(project: Path) -> None:
    # `missiva status` keeps its judgement of the history between runs, by the commits judged:
    # a new commit, a history rewritten or a block edited on disk is never answered from it.
    from studio.core import ledger
    from studio.core.parsecache import parse_cache

    signoff(project, "legal/privacy", "approve", "GDPR wording checked")
    approved = git(project, "rev-parse", "HEAD").strip()
    assert state_of(project, "legal/privacy").state == "approved"
    repository = open_repository(project)
    key = ledger._judged_key(repository, ledger.main_line(repository))
    assert key is not None and approved in key
    kept = parse_cache().get_value("judged", key)
    assert kept == ledger.judge_history(repository, ledger.main_line(repository))
    assert [(d.block, d.decision) for d in kept.valid()] == [("legal/privacy", "approve")]

    # Edited on disk, not committed: the state is the committed text's, still approved.
    edit_block(project, "legal/privacy")
    privacy = state_of(project, "legal/privacy")
    assert privacy.state == "approved"
    assert privacy.blob == git(project, "rev-parse", "HEAD:blocks/legal/privacy.md").strip()
    git(project, "commit", "-q", "-am", "Extra clause")
    assert state_of(project, "legal/privacy").state == "stale"

    # The sign-off taken out of the history (a reset): pending, whatever was kept before.
    git(project, "reset", "-q", "--hard", "HEAD~2")
    assert state_of(project, "legal/privacy").state == "pending"
    git(project, "reset", "-q", "--hard", approved)
    assert state_of(project, "legal/privacy").state == "approved"

    # Replaced objects show git another history than the commit ids name: never kept.
    git(project, "replace", approved, "HEAD~1")
    assert ledger._judged_key(repository, ledger.main_line(repository)) is None
    assert state_of(project, "legal/privacy").state == "pending"  # git's history: no sign-off
    git(project, "replace", "-d", approved)
    assert state_of(project, "legal/privacy").state == "approved"
    assert verify(project) == []


def test_a_new_project_verifies_clean(tmp_path, monkeypatch):
    # `missiva new` commits the starter's regulatory block as whoever runs it: that import is
    # not a change by a non-owner.
    from studio.cli import main as cli_main
    from studio.core.compliance import verify

    monkeypatch.setenv("GIT_AUTHOR_NAME", "Someone")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "someone@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Someone")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "someone@example.com")
    assert cli_main(["new", str(tmp_path / "p")]) == 0
    assert verify(tmp_path / "p") == []


def test_signed_signoffs_are_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With commit signing configured (here an SSH key), sign-off commits are signed by git,
    and verify reports each signature."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    key = project.parent / "giulia-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", GIULIA, "-f", str(key)],
                   check=True)
    allowed = project.parent / "allowed_signers"
    allowed.write_text(f"{GIULIA} {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    signoff(project, "legal/withdrawal", "approve", "before signing was set up")
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)),
                        ("commit.gpgsign", "true"), ("gpg.ssh.allowedSignersFile", str(allowed))):
        git(project, "config", name, value)
    signoff(project, "legal/privacy", "approve", "signed decision")

    unsigned, signed = compliance.ledger_signatures(project)
    assert (unsigned.code, unsigned.state) == ("N", "unsigned")
    assert (signed.code, signed.state) == ("G", "good")
    assert signed.commit == git(project, "rev-parse", "HEAD").strip()
    assert signed.signer == GIULIA
    assert verify(project) == []
    args = argparse.Namespace(project=str(project))
    from studio.cli.compliance import cmd_verify

    assert cmd_verify(args) == 0
    out = capsys.readouterr().out
    assert "sign-off commits: 2 (1 unsigned, 1 good)" in out or \
        "sign-off commits: 2 (1 good, 1 unsigned)" in out
    assert f"{signed.commit[:10]} good — {GIULIA}" in out


def test_checks_read_the_history_of_a_project_in_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project inside a bigger repository (as the bundled sample is): the append-only and
    owner checks must see its commits, not silently read none."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    outer = tmp_path / "company"
    project = outer / "letters" / "lumen"
    shutil.copytree(
        SAMPLE, project, ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "compliance")
    )
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "Import")
    assert open_repository(project).prefix == "letters/lumen/"
    signoff(project, "legal/privacy", "approve", "ok")
    signoff(project, "legal/withdrawal", "approve", "ok")
    assert verify(project) == []
    assert [s.code for s in compliance.ledger_signatures(project)] == ["N", "N"]

    become(monkeypatch, "Luca Moretti", LUCA)
    edit_block(project, "legal/privacy")
    open_repository(project).commit("Reword privacy")
    decision_paths(project)[-1].unlink()  # drop a decision
    git(outer, "commit", "-q", "-am", "Tidy the ledger")
    messages = [p.message for p in verify(project)]
    assert any("removed a recorded decision" in m for m in messages)
    assert any(LUCA in m and "legal/privacy" in m for m in messages)


# The cases: an author who wants around the control -----------------------------------
# Each is played on a throwaway copy of the sample and must be refused with a message naming
# the commit, the block and the rule.


def add_vault(project: Path) -> Path:
    """A folder target that requires approval, committed by an approver."""
    out = project.parent / "vault"
    config = project / "studio.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "targets:\n", f"targets:\n  vault: {{path: {out}, requires_approval: true}}\n", 1
        ),
        encoding="utf-8",
    )
    open_repository(project).commit("Vault target", ["studio.yaml"])
    return out


def approve_all(project: Path, comment: str = "ready for production") -> None:
    """Every regulatory block approved by the current reviewer."""
    for state in block_states(project):
        signoff(project, state.block, "approve", comment)


def head(project: Path, rev: str = "HEAD") -> str:
    return git(project, "rev-parse", rev).strip()


def decision_by_hand(project: Path, block: str, reviewer: str) -> str:
    """An approval of BLOCK's committed text naming REVIEWER, written and committed by hand
    (by whoever the environment commits as), past every check signoff() makes: its path."""
    from studio.core.ledger import decision_file

    record = {
        "block": block,
        "blob": head(project, f"HEAD:blocks/{block}.md"),
        "decision": "approve",
        "comment": "fine",
        "reviewer": reviewer,
        "role": "legal",
        "time": "2026-12-01T00:00:00Z",
        "commit": head(project),
        "renditions": {},
    }
    path, data = decision_file(record)
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    (project / path).write_bytes(data)
    git(project, "add", path)
    git(project, "commit", "-q", "-m", f"Sign-off: approve block {block} — fine")
    return path


def test_case1_a_non_owner_cannot_unflag_a_regulatory_block(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = add_vault(project)
    signoff(project, "legal/privacy", "approve", "GDPR wording checked")
    become(monkeypatch, "Luca Moretti", LUCA)
    edit_block(project, "legal/privacy", "\nUna frase in più.\n")
    git(project, "commit", "-q", "-am", "Privacy: one more sentence")  # plain git
    earlier = head(project)
    path = project / "blocks/legal/privacy.md"
    text = path.read_text(encoding="utf-8")
    assert "regulatory: true\n" in text
    path.write_text(text.replace("regulatory: true\n", "") + "\nE un'altra.\n", encoding="utf-8")
    open_repository(project).commit("Privacy is plain text")  # missiva commit
    unflagged = head(project)

    messages = [p.message for p in verify(project)]
    assert len(messages) == 2
    # The earlier edit is judged with the flag as it was then: removing it later hides nothing.
    assert f"commit {earlier[:10]} by {LUCA} changed regulatory block legal/privacy" in messages[0]
    assert (f"commit {unflagged[:10]} by {LUCA} took the regulatory flag off regulatory block "
            "legal/privacy, owned by role legal before that commit") in messages[1]
    assert all("only its owners may" in m for m in messages)
    # status keeps listing it, and says why; the export gate still holds it.
    state = state_of(project, "legal/privacy")
    assert state.state == "stale" and "took the regulatory flag off" in state.note
    with pytest.raises(ProblemError) as refused:
        export(project, target="vault")
    message = refused.value.problem.message
    assert "block legal/privacy (stale" in message and unflagged[:10] in message
    assert not out.exists()
    assert _cli(["verify", str(project)]) == 1
    assert "took the regulatory flag off" in capsys.readouterr().err
    # An owner putting the flag back (or taking it off themselves) settles the listing.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    path.write_text(path.read_text(encoding="utf-8").replace("owner: legal\n",
                                                             "owner: legal\nregulatory: true\n"))
    open_repository(project).commit("Privacy is regulatory again")
    assert state_of(project, "legal/privacy").note == ""


def test_case2_delete_or_rename_of_a_regulatory_block(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = project / "templates/contract-change.yaml"
    signoff(project, "legal/privacy", "approve", "GDPR wording checked")

    # An owner renames it and rewords it: the new name carries the history, shown as stale.
    git(project, "mv", "blocks/legal/privacy.md", "blocks/legal/gdpr.md")
    git(project, "mv", "blocks/legal/privacy.en.md", "blocks/legal/gdpr.en.md")
    edit_block(project, "legal/gdpr", "\nUna frase in più.\n")
    template.write_text(template.read_text().replace("block: legal/privacy", "block: legal/gdpr"))
    open_repository(project).commit("Privacy becomes gdpr")
    state = state_of(project, "legal/gdpr")
    assert (state.state, state.renamed_from) == ("stale", "legal/privacy")
    assert [r.block for r in state.history] == ["legal/privacy"]
    assert verify(project) == []
    signoff(project, "legal/gdpr", "approve", "new wording ok")

    # A rename without a change of text keeps its approval.
    git(project, "mv", "blocks/legal/gdpr.md", "blocks/legal/data-protection.md")
    git(project, "mv", "blocks/legal/gdpr.en.md", "blocks/legal/data-protection.en.md")
    template.write_text(template.read_text().replace("block: legal/gdpr",
                                                     "block: legal/data-protection"))
    open_repository(project).commit("gdpr becomes data-protection")
    state = state_of(project, "legal/data-protection")
    assert (state.state, state.renamed_from) == ("approved", "legal/gdpr")
    assert [r.block for r in state.history] == ["legal/privacy", "legal/gdpr"]
    assert verify(project) == []

    # A non-owner renaming it, or deleting it with its use, is refused by verify.
    become(monkeypatch, "Luca Moretti", LUCA)
    git(project, "mv", "blocks/legal/data-protection.md", "blocks/legal/notice.md")
    git(project, "mv", "blocks/legal/data-protection.en.md", "blocks/legal/notice.en.md")
    template.write_text(template.read_text().replace("block: legal/data-protection",
                                                     "block: legal/notice"))
    open_repository(project).commit("Shorter name")
    renamed = head(project)
    git(project, "rm", "-q", "blocks/legal/withdrawal.md", "blocks/legal/withdrawal.en.md")
    text = template.read_text()
    template.write_text(text[: text.index("  - block: legal/withdrawal")]
                        + text[text.index("  - block: legal/complaints-adr"):])
    git(project, "commit", "-q", "-am", "Withdrawal is in the contract anyway")
    removed = head(project)
    messages = [p.message for p in verify(project)]
    assert any(f"commit {renamed[:10]} by {LUCA} renamed it to blocks/legal/notice.md" in m
               and "regulatory block legal/data-protection" in m for m in messages)
    assert any(f"commit {removed[:10]} by {LUCA} removed regulatory block legal/withdrawal" in m
               and "only its owners may" in m for m in messages)


def test_case3_a_decision_must_be_committed_by_its_reviewer(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = add_vault(project)
    become(monkeypatch, "Luca Moretti", LUCA)
    path = decision_by_hand(project, "legal/privacy", GIULIA)
    forged = head(project)
    [problem] = verify(project)
    assert problem.path == path
    assert (f"commit {forged[:10]} records an approval of block legal/privacy by {GIULIA}, but its "
            f"author is {LUCA}: a decision must be committed by the reviewer it names"
            ) == problem.message
    assert state_of(project, "legal/privacy").state == "pending"  # it counts for nothing
    with pytest.raises(ProblemError, match="legal/privacy"):
        export(project, target="vault")
    assert not out.exists()

    # --as only sets who decides and authors the commit: the record and the commit agree, and
    # the commit still says who made it. (Signatures are what prove it: docs/compliance.md.)
    signoff(project, "legal/privacy", "approve", "as Giulia", as_email=GIULIA)
    assert git(project, "log", "-1", "--format=%ae %ce").split() == [GIULIA, LUCA]
    assert _cli(["verify", str(project)]) == 1  # the forged record above still stands out
    shown = capsys.readouterr().out
    assert f"by {GIULIA}, committed by {LUCA}" in shown


def test_case4_the_latest_decision_governs_older_revisions(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = add_vault(project)
    approve_all(project, "ready")
    approved = head(project)
    assert export(project, rev=approved, target="vault").path is not None
    become(monkeypatch, "Marco Ferri", MARCO)
    signoff(project, "legal/privacy", "reject", "the DPO's address is wrong")
    rejected = head(project)
    for rev in (approved, rejected):
        with pytest.raises(ProblemError) as refused:
            export(project, rev=rev, target="vault")
        message = refused.value.problem.message
        assert f"not approved at {rev[:10]}" in message
        assert "block legal/privacy (rejected)" in message
    assert len(list(out.iterdir())) == 1  # only the export made before the rejection


def test_case5_gate_settings_come_from_the_exported_commit(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = add_vault(project)
    config = project / "studio.yaml"
    committed = config.read_text(encoding="utf-8")
    config.write_text(committed.replace("requires_approval: true}", "requires_approval: false}"),
                      encoding="utf-8")
    with pytest.raises(ProblemError) as refused:
        export(project, rev="HEAD", target="vault")
    assert (f"export to vault refused: studio.yaml in the working tree differs from the "
            f"exported commit {head(project)[:10]}") in refused.value.problem.message
    assert not out.exists()
    # A plain folder without approval is fine; so is export to a folder (not a target).
    monkeypatch.setenv("HOME", str(tmp_path))
    assert export(project, rev="HEAD", target="proofs").path is not None
    assert export(project, rev="HEAD", out=tmp_path / "draft").path is not None

    # Committed by a non-approver, the change is in the history, and verify names it.
    become(monkeypatch, "Luca Moretti", LUCA)
    open_repository(project).commit("Vault needs no approval", ["studio.yaml"])
    loosened = head(project)
    [problem] = verify(project)
    assert problem.path == "studio.yaml"
    assert (f"commit {loosened[:10]} by {LUCA} dropped requires_approval from target vault: "
            "only an approver") in problem.message
    # So does adding oneself to the approvers' role.
    config.write_text(committed.replace("  marketing:", f"    - {LUCA}\n  marketing:"))
    git(project, "commit", "-q", "-am", "Luca joins legal")
    messages = [p.message for p in verify(project)]
    assert any(head(project)[:10] in m and "changed the roles or compliance settings" in m
               for m in messages)


def test_case7_two_clones_sign_off_and_merge_without_conflict(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(project, "push", "-q", str(remote), "main")
    desks = {}
    for name in ("giulia", "marco"):
        git(tmp_path, "clone", "-q", str(remote), name)
        git(tmp_path / name, "config", "pull.rebase", "false")
        desks[name] = tmp_path / name
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    signoff(desks["giulia"], "legal/privacy", "approve", "GDPR ok")
    git(desks["giulia"], "push", "-q")
    become(monkeypatch, "Marco Ferri", MARCO)
    signoff(desks["marco"], "legal/withdrawal", "approve", "withdrawal ok")
    git(desks["marco"], "pull", "-q", "--no-edit")  # a merge: no conflict
    assert "Merge" in git(desks["marco"], "log", "-1", "--format=%s")
    git(desks["marco"], "push", "-q")
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    git(desks["giulia"], "pull", "-q", "--no-edit")
    for desk in desks.values():
        assert verify(desk) == []
        states = {s.block: s for s in block_states(desk)}
        assert (states["legal/privacy"].state, states["legal/privacy"].reviewer) == (
            "approved", GIULIA)
        assert (states["legal/withdrawal"].state, states["legal/withdrawal"].reviewer) == (
            "approved", MARCO)
        assert len(list((desk / LEDGER).glob("*.json"))) == 2


def test_case8_an_interrupted_signoff_is_reported_and_finished(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def killed(repository, path, record, who, note=""):  # the process dies after `git add`
        git(project, "add", path)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(compliance, "_commit_decision", killed)
        with pytest.raises(KeyboardInterrupt):
            signoff(project, "legal/privacy", "approve", "GDPR ok")
    [staged] = git(project, "diff", "--cached", "--name-only").split()
    assert staged.startswith(f"{LEDGER}/")

    state = state_of(project, "legal/privacy")
    assert state.state == "pending"  # written, not committed: not a decision yet
    assert [d.reviewer for d in state.interrupted] == [GIULIA]
    assert _cli(["status", str(project)]) == 1
    captured = capsys.readouterr()
    assert "interrupted sign-off by " + GIULIA in captured.out
    assert f"{staged}:0:0: error: interrupted sign-off: the approve of block legal/privacy by " \
        f"{GIULIA} is written but not committed (staged)" in captured.err
    [problem] = verify(project)
    assert "interrupted sign-off" in problem.message and "--finish" in problem.message

    # Later sign-offs are not held up, and leave the interrupted one as it is.
    signoff(project, "legal/withdrawal", "approve", "ok")
    assert git(project, "diff", "--cached", "--name-only").split() == [staged]
    # Only the reviewer it names may finish it.
    assert _cli(["signoff", str(project), "--finish", "--as", MARCO]) == 1
    assert _cli(["signoff", str(project), "--finish"]) == 0
    assert git(project, "log", "-1", "--format=%ae %s").startswith(
        f"{GIULIA} Sign-off: approve block legal/privacy — GDPR ok")
    assert state_of(project, "legal/privacy").state == "approved"
    assert verify(project) == []
    assert _cli(["signoff", str(project), "--finish"]) == 1  # nothing left to finish


def test_a_legacy_ledger_still_counts_and_stays_append_only(project: Path) -> None:
    """Projects signed off before decision files keep compliance/signoffs.jsonl: its records
    count, attributed to the commit that appended each, and tampering is still caught."""
    from studio.core.ledger import LEGACY, canonical, legacy_hash, sha256

    lines: list[bytes] = []
    for block in ("legal/privacy", "legal/withdrawal"):
        record = {
            "block": block, "blob": head(project, f"HEAD:blocks/{block}.md"),
            "decision": "approve", "comment": "ok", "reviewer": GIULIA, "role": "legal",
            "time": "2026-11-26T00:00:00Z", "commit": head(project), "renditions": {},
            "prev": sha256(lines[-1]) if lines else "",
        }
        record["hash"] = legacy_hash(record)
        lines.append(canonical(record))
        (project / "compliance").mkdir(exist_ok=True)
        (project / LEGACY).write_bytes(b"\n".join(lines) + b"\n")
        git(project, "add", LEGACY)
        git(project, "commit", "-q", "-m", f"Sign-off: approve block {block} — ok")
    assert state_of(project, "legal/privacy").state == "approved"
    assert verify(project) == []
    signoff(project, "legal/useful-info", "approve", "new format beside the old")
    assert verify(project) == []

    (project / LEGACY).write_bytes(lines[0].replace(b'"ok"', b'"OK"') + b"\n" + lines[1] + b"\n")
    git(project, "commit", "-q", "-am", "Tidy the ledger")
    messages = [p.message for p in verify(project)]
    assert any("was altered" in m for m in messages)
    assert any(f"commit {head(project)[:10]}" in m and "append-only" in m for m in messages)
    italian = [p.in_language("it") for p in verify(project)]
    assert "la voce del blocco legal/privacy è stata alterata (il suo hash non corrisponde al " \
           "contenuto)" in italian
    assert f"il commit {head(project)[:10]} di {GIULIA} ha modificato o rimosso voci del " \
           "registro (al registro si può solo aggiungere)" in italian
    add_vault(project)
    with pytest.raises(ProblemError, match="ledger is broken") as refused:
        export(project, target="vault")
    assert refused.value.problem.in_language("it").startswith(
        "esportazione verso vault rifiutata: il registro delle approvazioni è danneggiato (")


def test_a_merge_that_rewords_a_regulatory_block_is_judged(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change made in the merge commit itself (not on either side) is the merger's change."""
    if subprocess.run(["git", "log", "-1", "--diff-merges=dense-combined"], cwd=project,
                      capture_output=True).returncode != 0:
        pytest.skip("this git has no --diff-merges (before 2.31): merges carry no diff")
    become(monkeypatch, "Luca Moretti", LUCA)
    git(project, "checkout", "-q", "-b", "side")
    edit_block(project, "billing/summary")
    git(project, "commit", "-q", "-am", "Summary on the side")
    git(project, "checkout", "-q", "main")
    edit_block(project, "common/greeting")
    git(project, "commit", "-q", "-am", "Greeting on main")
    git(project, "merge", "-q", "--no-commit", "side")
    edit_block(project, "legal/privacy")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--no-edit")
    merge = head(project)
    assert len(git(project, "show", "-s", "--format=%P", merge).split()) == 2
    [problem] = verify(project)
    assert f"commit {merge[:10]} by {LUCA} changed regulatory block legal/privacy" in \
        problem.message


def test_case9_an_approval_covers_the_block_in_every_language(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: a non-owner's edit of the English translation was
    # reported by verify, but the block stayed approved and the gate let it out.
    signoff(project, "legal/privacy", "approve", "GDPR wording checked, both languages")
    become(monkeypatch, "Luca Moretti", LUCA)
    english = project / "blocks/legal/privacy.en.md"
    english.write_text(english.read_text(encoding="utf-8").replace("10 years", "1 year"),
                       encoding="utf-8")
    open_repository(project).commit("Shorter retention in English")
    state = state_of(project, "legal/privacy")
    assert state.state == "stale"
    assert "translation(s) en changed since the approval" in state.note
    assert "legal/privacy" in export_gate(project, ["contract-change"])
    assert any("legal/privacy" in p.message and LUCA in p.message for p in verify(project))

    # The owner's reviewer approves the block as it now reads: approved again.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    signoff(project, "legal/privacy", "approve", "English retention checked")
    assert state_of(project, "legal/privacy").state == "approved"
    assert "legal/privacy" not in export_gate(project, ["contract-change"])


def test_case10_renamed_and_unflagged_at_once_by_a_non_owner_stays_judged(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signoff(project, "legal/privacy", "approve", "GDPR wording checked")
    become(monkeypatch, "Luca Moretti", LUCA)
    (project / "blocks/common").mkdir(exist_ok=True)
    git(project, "mv", "blocks/legal/privacy.md", "blocks/common/privacy.md")
    git(project, "mv", "blocks/legal/privacy.en.md", "blocks/common/privacy.en.md")
    moved = project / "blocks/common/privacy.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("regulatory: true",
                                                               "regulatory: false"),
                     encoding="utf-8")
    template = project / "templates/contract-change.yaml"
    template.write_text(template.read_text().replace("block: legal/privacy",
                                                     "block: common/privacy"))
    open_repository(project).commit("Privacy is common wording now")
    state = state_of(project, "common/privacy")
    assert (state.state, state.renamed_from) == ("stale", "legal/privacy")
    assert LUCA in state.note and "took the regulatory flag off" in state.note
    assert "common/privacy" in export_gate(project, ["contract-change"])


def test_case11_a_role_a_non_approver_gives_themselves_approves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: the role took effect at once, so the self-made
    # approver's own sign-off counted and the export went out; verify only named the change.
    add_vault(project)
    config = project / "studio.yaml"
    approve_all(project, "ready")
    become(monkeypatch, "Luca Moretti", LUCA)
    config.write_text(config.read_text(encoding="utf-8").replace(
        f"    - {MARCO}\n", f"    - {MARCO}\n    - {LUCA}\n", 1), encoding="utf-8")
    edit_block(project, "legal/privacy")
    open_repository(project).commit("Luca in legal, and a shorter privacy notice")
    signoff(project, "legal/privacy", "approve", "my own wording")  # HEAD says he may
    assert state_of(project, "legal/privacy").state == "stale"
    assert any(f"by {LUCA}, who was not in an approver role" in p.message
               for p in verify(project))
    with pytest.raises(ProblemError, match="not in force until an approver makes it"):
        export(project, target="vault")


def test_case12_requires_approval_dropped_by_a_non_approver_still_gates(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_vault(project)
    config = project / "studio.yaml"
    become(monkeypatch, "Luca Moretti", LUCA)
    config.write_text(config.read_text(encoding="utf-8").replace(
        ", requires_approval: true}", "}", 1), encoding="utf-8")
    open_repository(project).commit("No gate on the vault")
    with pytest.raises(ProblemError, match="export to vault refused"):
        export(project, target="vault")
    assert not (project.parent / "vault").exists()
    # The same change made by an approver is in force: the vault is a plain folder then.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    git(project, "revert", "--no-edit", "HEAD")
    config.write_text(config.read_text(encoding="utf-8").replace(
        ", requires_approval: true}", "}", 1), encoding="utf-8")
    open_repository(project).commit("The vault is a plain folder")
    assert export(project, target="vault").path is not None


def test_case13_a_stylesheet_or_layout_that_alters_approved_wording_stops_the_export(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: every regulatory text approved, a non-owner hides
    # the privacy notice with the project's stylesheet (no block file touched): the blocks
    # stayed approved and the gated export let the letter out without it.
    out = add_vault(project)
    approve_all(project)
    become(monkeypatch, "Luca Moretti", LUCA)
    css = project / "styles/print.css"
    css.write_text(css.read_text(encoding="utf-8")
                   + '\n[data-block="legal/privacy"] p { color: #fefefe }\n', encoding="utf-8")
    open_repository(project).commit("Lighter small print")
    assert {s.state for s in block_states(project)} == {"approved"}
    with pytest.raises(ProblemError) as refused:
        export(project, target="vault")
    problem = refused.value.problem
    assert problem.path == "templates/contract-change.yaml" and problem.line > 0
    assert "export to vault refused: the approved wording does not reach the reader" in \
        problem.message
    assert "part of the regulatory wording in block legal/privacy is hidden in print" in \
        problem.message
    assert not out.exists()

    # A layout filtering the content on some records only is found on them.
    css.write_text(css.read_text(encoding="utf-8").replace("color: #fefefe", "color: #333"),
                   encoding="utf-8")
    layout = (REPO / "resources/layouts/mobile.html").read_text(encoding="utf-8")
    (project / "layouts").mkdir()
    (project / "layouts/mobile.html").write_text(layout.replace(
        "{{ content }}",
        '{% if record.customer.segment == "gold" %}'
        '{{ content | replace("Regolamento", "Codice") }}'
        "{% else %}{{ content }}{% endif %}"), encoding="utf-8")
    open_repository(project).commit("A mobile page of our own")
    with pytest.raises(ProblemError, match="«Regolamento» → «Codice»"):
        export(project, target="vault")

    # As written again: out it goes.
    (project / "layouts/mobile.html").unlink()
    open_repository(project).commit("The shipped mobile page")
    assert export(project, target="vault").path is not None


def test_case14_an_approval_covers_how_the_templates_use_the_block(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: the withdrawal notice's deadline is a parameter the
    # template passes (with: deadline: ...). A non-owner shortened it in the template, the
    # block's file untouched: approved, exported.
    add_vault(project)
    approve_all(project)
    template = project / "templates/contract-change.yaml"
    original = template.read_text(encoding="utf-8")
    become(monkeypatch, "Luca Moretti", LUCA)

    # Another block's parameters and the order of the others are not the notice's business.
    template.write_text(original.replace(
        "signature: \"{{ 'Customer Service' if locale == 'en' else 'Servizio Clienti' }}\"",
        "signature: \"{{ 'Customer Care' if locale == 'en' else 'Assistenza Clienti' }}\""),
        encoding="utf-8")
    open_repository(project).commit("Signed by customer care")
    assert state_of(project, "legal/withdrawal").state == "approved"

    for changed in (
        original.replace('deadline: "{{ contract.price_change.effective_date }}"',
                         'deadline: "{{ send_date }}"'),
        original.replace("  - block: legal/withdrawal\n",
                         "  - block: legal/withdrawal\n    when: customer.segment == 'gold'\n"),
        original.replace("  - block: legal/privacy\n", ""),
    ):
        template.write_text(changed, encoding="utf-8")
        open_repository(project).commit("Template tidied")
        stale = {s.block: s for s in block_states(project) if s.state == "stale"}
        assert len(stale) == 1, stale
        [(block, state)] = stale.items()
        assert "its use in template(s) contract-change changed since the approval" in state.note
        with pytest.raises(ProblemError, match=f"block {block} \\(stale"):
            export(project, target="vault", rev="HEAD")
        template.write_text(original, encoding="utf-8")
        open_repository(project).commit("Back as approved")
        assert {s.state for s in block_states(project)} == {"approved"}

    # The owners' approver approves the notice as the template now uses it: approved again.
    template.write_text(original.replace('deadline: "{{ contract.price_change.effective_date }}"',
                                         'deadline: "{{ send_date }}"'), encoding="utf-8")
    open_repository(project).commit("Deadline from the send date")
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    signoff(project, "legal/withdrawal", "approve", "the deadline as the template passes it")
    assert state_of(project, "legal/withdrawal").state == "approved"


def test_case15_a_server_target_without_the_gate_is_an_approver_s_to_add(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: the production server's url under a new target's
    # name, without requires_approval, committed by a billing author: verify said nothing and
    # the export went to production with the wording nobody approved.
    config = project / "studio.yaml"

    def add_target(line: str, message: str) -> None:
        config.write_text(config.read_text(encoding="utf-8").replace(
            "targets:\n", f"targets:\n  {line}\n", 1), encoding="utf-8")
        open_repository(project).commit(message, ["studio.yaml"])

    monkeypatch.delenv("MISSIVA_PROD_TOKEN", raising=False)
    become(monkeypatch, "Luca Moretti", LUCA)
    add_target("mirror: {url: 'http://127.0.0.1:8470', token_env: MISSIVA_PROD_TOKEN, retries: 0}",
               "A mirror of production for the bill run")
    [problem] = [p for p in verify(project) if "sent target mirror" in p.message]
    assert f"commit {head(project)[:10]} by {LUCA} sent target mirror to a rendering server " \
        "without requires_approval: only an approver" in problem.message
    # at the target's line, where the Problems panel takes the reader
    lines = config.read_text(encoding="utf-8").splitlines()
    assert (problem.path, lines[problem.line - 1].strip()[:7]) == ("studio.yaml", "mirror:")
    with pytest.raises(ProblemError, match="export to mirror refused: .* not in force until "
                                           "an approver makes it"):
        export(project, target="mirror")

    # The same target added by an approver is in force: the export goes on to the server
    # (and stops here at the token, which this machine does not have).
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    git(project, "revert", "--no-edit", "HEAD")
    add_target("staging: {url: 'http://127.0.0.1:8471', token_env: MISSIVA_PROD_TOKEN, "
               "retries: 0}", "A staging server")
    with pytest.raises(ProblemError, match="MISSIVA_PROD_TOKEN.* is not set"):
        export(project, target="staging")

    # Pointed at production by a non-approver, it is not in force again.
    become(monkeypatch, "Luca Moretti", LUCA)
    config.write_text(config.read_text(encoding="utf-8").replace(":8471", ":8470"),
                      encoding="utf-8")
    open_repository(project).commit("Staging is production now", ["studio.yaml"])
    with pytest.raises(ProblemError, match="not in force until an approver makes it"):
        export(project, target="staging")
    # A folder target, or a gated one, stays anyone's to add.
    git(project, "revert", "--no-edit", "HEAD")
    add_target(f"drafts: {{path: {project.parent / 'drafts'}}}", "Drafts for the print shop")
    assert export(project, target="drafts").path is not None
    assert not [p for p in verify(project) if "Drafts" in p.message or "drafts" in p.message]


def test_case16_an_approval_covers_the_project_values_and_blocks_the_wording_reads(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the gate: the privacy notice names the data controller as
    # {{ brand.company }}, from studio.yaml. A billing author renamed the company there: every
    # block stayed approved, verify said nothing and the export went out with a GDPR notice
    # naming a controller nobody in legal had read.
    add_vault(project)
    approve_all(project)
    config = project / "studio.yaml"
    original = config.read_text(encoding="utf-8")
    become(monkeypatch, "Luca Moretti", LUCA)

    def commit_config(old: str, new: str, message: str) -> None:
        assert original.count(old) == 1
        config.write_text(original.replace(old, new), encoding="utf-8")
        open_repository(project).commit(message, ["studio.yaml"])

    # A value no regulatory wording prints is anyone's to change.
    commit_config('accent: "#f2a900"', 'accent: "#e29900"', "A warmer accent")
    assert {s.state for s in block_states(project)} == {"approved"}

    commit_config("company: Lumen Energia S.p.A.", "company: Lumen Servizi S.r.l.",
                  "Company name tidied")
    stale = {s.block: s.note for s in block_states(project) if s.state == "stale"}
    assert sorted(stale) == ["legal/complaints-adr", "legal/privacy"], stale
    assert "the project's value(s) brand.company it prints changed since the approval" \
        in stale["legal/privacy"]
    with pytest.raises(ProblemError, match="block legal/(complaints-adr|privacy) \\(stale"):
        export(project, target="vault", rev="HEAD")

    # Back as approved: approved again, nothing to sign.
    config.write_text(original, encoding="utf-8")
    open_repository(project).commit("Back as approved", ["studio.yaml"])
    assert {s.state for s in block_states(project)} == {"approved"}

    # Read without naming the key (a method, a key in a variable): any brand value counts.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    useful = project / "blocks/legal/useful-info.md"
    useful.write_text(useful.read_text(encoding="utf-8") + "\n{{ brand.get('phone') }} "
                      "{% set k = 'vat' %}{{ brand[k] }}\n", encoding="utf-8")
    open_repository(project).commit("Phone and VAT number in the useful information")
    signoff(project, "legal/useful-info", "approve", "as printed")
    become(monkeypatch, "Luca Moretti", LUCA)
    commit_config('vat: "IT09876543210"', 'vat: "IT01234567890"', "Another VAT number")
    assert {s.block for s in block_states(project) if s.state == "stale"} == \
        {"legal/useful-info"}
    config.write_text(original, encoding="utf-8")
    open_repository(project).commit("Back as approved", ["studio.yaml"])
    assert {s.state for s in block_states(project)} == {"approved"}

    # An amount in the project's currency reads the currency: legal states the reminder's
    # fee, approves it; the currency changes under it.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    edit_block(project, "reminder/consequences", "\nIl sollecito costa {{ 5 | currency }}.\n")
    open_repository(project).commit("The reminder's fee")
    signoff(project, "reminder/consequences", "approve", "the fee as ARERA allows")
    become(monkeypatch, "Luca Moretti", LUCA)
    original = config.read_text(encoding="utf-8")
    commit_config("currency: EUR", "currency: CHF", "Francs")
    stale = {s.block: s.note for s in block_states(project) if s.state == "stale"}
    assert list(stale) == ["reminder/consequences"], stale
    assert "value(s) currency it prints" in stale["reminder/consequences"]
    config.write_text(original, encoding="utf-8")
    open_repository(project).commit("Euros again", ["studio.yaml"])
    assert {s.state for s in block_states(project)} == {"approved"}

    # A block the regulatory wording includes is part of it: legal includes the contacts
    # (anyone's block) in the complaints notice and approves it; billing edits the contacts.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    adr = project / "blocks/legal/complaints-adr.md"
    adr.write_text(adr.read_text(encoding="utf-8") + '\n{{ block("common/contacts") }}\n',
                   encoding="utf-8")
    open_repository(project).commit("Contacts in the complaints notice")
    signoff(project, "legal/complaints-adr", "approve", "with our contacts")
    assert {s.state for s in block_states(project)} == {"approved"}
    become(monkeypatch, "Luca Moretti", LUCA)
    edit_block(project, "common/contacts", "\nScriva a reclami@altro-dominio.example.\n")
    open_repository(project).commit("Contacts updated")
    stale = {s.block: s.note for s in block_states(project) if s.state == "stale"}
    assert list(stale) == ["legal/complaints-adr"], stale
    assert "the block(s) common/contacts it includes changed since the approval" \
        in stale["legal/complaints-adr"]
    with pytest.raises(ProblemError, match="block legal/complaints-adr \\(stale"):
        export(project, target="vault", rev="HEAD")

    # The owners' approver reads the notice as it now prints and approves it: approved again.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    signoff(project, "legal/complaints-adr", "approve", "the new contacts are ours")
    assert {s.state for s in block_states(project)} == {"approved"}
    assert export(project, target="vault", rev="HEAD").path is not None


def test_case17_under_four_eyes_who_wrote_the_text_does_not_approve_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found trying to get around the gate: Giulia, legal's owner and one of its approvers,
    # rewrote the privacy notice and approved it herself: one person wrote regulatory wording
    # and cleared it for customers. compliance.four_eyes is the maker-checker rule of a bank:
    # whoever changed a text since its last approval may not approve it.
    out = add_vault(project)
    config = project / "studio.yaml"
    plain = config.read_text(encoding="utf-8")
    assert plain.count("  approvers: [legal]\n") == 1
    config.write_text(plain.replace("  approvers: [legal]\n",
                                    "  approvers: [legal]\n  four_eyes: true\n"),
                      encoding="utf-8")
    open_repository(project).commit("Four eyes on regulatory wording", ["studio.yaml"])

    # The import was Giulia's commit: she made every text, so Marco approves them.
    assert state_of(project, "legal/privacy").makers == (GIULIA,)
    with pytest.raises(ProblemError, match="giulia.bianchi@lumen-energia.example changed block "
                                           "legal/privacy since its last approval: under "
                                           "compliance.four_eyes another approver"):
        signoff(project, "legal/privacy", "approve", "my own notice")
    become(monkeypatch, "Marco Ferri", MARCO)
    approve_all(project, "read by a second pair of eyes")
    states = block_states(project)
    assert {s.state for s in states} == {"approved"}
    assert {s.makers for s in states} == {()}

    # Giulia rewrites the notice: stale, and hers to write, not to approve.
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    edit_block(project, "legal/privacy", "\nConserviamo i dati per dieci anni.\n")
    edit_block(project, "legal/privacy.en", "\nWe keep the data for ten years.\n")
    open_repository(project).commit("Retention period")
    state = state_of(project, "legal/privacy")
    assert (state.state, state.makers) == ("stale", (GIULIA,))
    assert _cli(["status", str(project)]) == 0
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("legal/privacy ")]
    assert f"(four eyes: changed by {GIULIA}, another approver approves)" in line
    with pytest.raises(ProblemError, match="under compliance.four_eyes"):
        signoff(project, "legal/privacy", "approve", "as I wrote it")

    # Around the studio: the decision file written and committed by hand counts for nothing,
    # and verify names it.
    decision_by_hand(project, "legal/privacy", GIULIA)
    by_hand = head(project)
    assert state_of(project, "legal/privacy").state == "stale"
    assert (f"commit {by_hand[:10]} records an approval of block legal/privacy by {GIULIA}, who "
            "changed its text since its last approval: under compliance.four_eyes another "
            "approver must approve it") in [p.message for p in verify(project)]
    with pytest.raises(ProblemError, match="legal/privacy"):
        export(project, target="vault")
    assert not out.exists()
    # A rejection is hers to record; Marco's approval clears the text.
    signoff(project, "legal/privacy", "reject", "the period is not settled yet")
    assert state_of(project, "legal/privacy").state == "rejected"
    become(monkeypatch, "Marco Ferri", MARCO)
    signoff(project, "legal/privacy", "approve", "ten years, as the retention policy says")
    assert (state_of(project, "legal/privacy").state,
            state_of(project, "legal/privacy").makers) == ("approved", ())
    assert export(project, target="vault").path is not None

    # The rule is a compliance setting: a billing author taking it off is not in force.
    become(monkeypatch, "Luca Moretti", LUCA)
    config.write_text(plain, encoding="utf-8")
    open_repository(project).commit("Simpler rules", ["studio.yaml"])
    assert any("changed the roles or compliance settings" in p.message for p in verify(project))
    become(monkeypatch, "Giulia Bianchi", GIULIA)
    edit_block(project, "legal/privacy", "\nUlteriore precisazione.\n")
    open_repository(project).commit("One more line")
    with pytest.raises(ProblemError, match="under compliance.four_eyes"):
        signoff(project, "legal/privacy", "approve", "the rule is off, isn't it")


def test_case18_a_translation_stays_its_block_s_while_its_locale_is_off(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying to get around the owners' rule: a billing author took `en` off the
    # project's locales, so privacy.en.md read as a block of its own (legal/privacy.en, not
    # regulatory), rewrote it, and put `en` back. The notice went stale, but verify blamed
    # no one: its owners would have read the change as a colleague's.
    add_vault(project)
    approve_all(project)
    config = project / "studio.yaml"
    original = config.read_text(encoding="utf-8")
    assert original.count("locales: [it, en]\n") == 1
    become(monkeypatch, "Luca Moretti", LUCA)
    config.write_text(original.replace("locales: [it, en]\n", "locales: [it]\n"),
                      encoding="utf-8")
    open_repository(project).commit("Italian only for now", ["studio.yaml"])
    edit_block(project, "legal/privacy.en", "\nWe may share your data with partners.\n")
    open_repository(project).commit("English wording")
    reworded = head(project)
    config.write_text(original, encoding="utf-8")
    open_repository(project).commit("English again", ["studio.yaml"])
    [problem] = [p for p in verify(project) if reworded[:10] in p.message]
    assert problem.path == "blocks/legal/privacy.en.md"
    assert (f"by {LUCA} changed regulatory block legal/privacy, owned by role legal"
            in problem.message)
    assert state_of(project, "legal/privacy").state == "stale"

    # A new language of it is its owners' to add too (a new block is anyone's).
    french = project / "blocks/legal/privacy.fr.md"
    french.write_text("---\ntitle: Vie privée\n---\nNous partageons vos données.\n",
                      encoding="utf-8")
    (project / "blocks/billing/news.md").write_text("---\ntitle: News\n---\nNovità.\n",
                                                    encoding="utf-8")
    open_repository(project).commit("French privacy notice, billing news")
    added = head(project)
    [problem] = [p for p in verify(project) if added[:10] in p.message]
    assert problem.path == "blocks/legal/privacy.fr.md"
    assert (f"commit {added[:10]} by {LUCA} added a translation (blocks/legal/privacy.fr.md) "
            "to regulatory block legal/privacy, owned by role legal") in problem.message


def test_uncleared_names_what_keeps_a_template_from_customers(
    project: Path, tmp_path: Path
) -> None:
    assert [str(m) for m in compliance.uncleared(project, "otp")] == []
    assert [str(m) for m in compliance.uncleared(project, "contract-change")] == [
        "legal/complaints-adr is pending", "legal/privacy is pending",
        "legal/withdrawal is pending"]
    approve_all(project)
    assert compliance.uncleared(project, "contract-change") == []
    edit_block(project, "legal/privacy")  # approved at HEAD, changed on disk
    assert [str(m) for m in compliance.uncleared(project, "contract-change")] == [
        "uncommitted: block legal/privacy"]
    plain = tmp_path / "no-history"
    shutil.copytree(SAMPLE, plain, ignore=shutil.ignore_patterns("__pycache__"))
    assert [str(m) for m in compliance.uncleared(plain, "payment-reminder")] == [
        "the project has no git history: no regulatory text is approved "
        "(reminder/consequences)"]
