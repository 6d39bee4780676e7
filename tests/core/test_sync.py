"""A team on one shared repository, against real git servers on 127.0.0.1: clone, sync,
conflicts resolved each way, abandon, offline, a refused push, change requests."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.cli import main
from studio.core import sync
from studio.core.compliance import block_states, signoff, verify
from studio.core.history import open_repository
from studio.core.problems import ProblemError
from tests.conftest import SAMPLE
from tests.git_servers import credential_helper, free_port, git_daemon, git_has, git_http

GIULIA = ("Giulia Bianchi", "giulia.bianchi@lumen-energia.example")  # legal
MARCO = ("Marco Ferri", "marco.ferri@lumen-energia.example")  # legal
SARA = ("Sara Conti", "sara.conti@lumen-energia.example")  # marketing
GREETING = "blocks/common/greeting.md"
PAPERLESS = "blocks/marketing/paperless.md"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def become(monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> None:
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", who[0])
        monkeypatch.setenv(f"{prefix}_EMAIL", who[1])


@dataclass
class Team:
    tmp: Path
    servers: Path  # the bare repositories the servers serve
    gitconfig: Path
    monkeypatch: pytest.MonkeyPatch

    def desk(self, name: str, url: str) -> Path:
        return sync.clone(url, self.tmp / name)

    def edit(self, root: Path, relative: str, old: str, new: str, who: tuple[str, str]) -> None:
        become(self.monkeypatch, who)
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        open_repository(root).commit(f"{relative}: {new[:30]}")


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    home = tmp_path / "home"
    home.mkdir()
    gitconfig = home / "gitconfig"
    gitconfig.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    become(monkeypatch, GIULIA)
    seed = tmp_path / "seed"
    shutil.copytree(
        SAMPLE, seed, ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "compliance")
    )
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Import")
    git(seed, "tag", "-a", "v1", "-m", "first release")
    servers = tmp_path / "servers"
    servers.mkdir()
    git(servers, "clone", "-q", "--bare", str(seed), "lumen.git")
    return Team(tmp_path, servers, gitconfig, monkeypatch)


@pytest.fixture
def daemon(team: Team) -> Iterator[str]:
    """The team's server over git://; where this machine's git has no daemon, over http, and
    without http-backend either, as a path (sync does the same on each)."""
    if git_has("daemon"):
        with git_daemon(team.servers) as url:
            yield url + "/lumen.git"
    elif git_has("http-backend"):
        credential_helper(team.gitconfig)
        with git_http(team.servers) as url:
            yield url + "/lumen.git"
    else:
        yield str(team.servers / "lumen.git")


@pytest.fixture
def http(team: Team) -> Iterator[str]:
    if not git_has("http-backend"):
        pytest.skip("this machine's git has no http-backend")
    credential_helper(team.gitconfig)
    with git_http(team.servers) as url:
        yield url + "/lumen.git"


def tree(root: Path) -> str:
    return git(root, "rev-parse", "HEAD^{tree}").strip()


# Clone ------------------------------------------------------------------------------------


def test_clone_from_git_daemon_and_http_with_credential_helper(
    team: Team, daemon: str, http: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if not daemon.startswith("git://"):
        pytest.skip("this machine's git has no daemon")
    first = team.desk("over-git", daemon)
    assert (first / "studio.yaml").is_file()
    assert "v1" in git(first, "tag")  # release tags travel
    assert main(["clone", "-q", http, str(team.tmp / "over-http")]) == 0
    assert "cloned into" in capsys.readouterr().out
    second = team.tmp / "over-http"
    assert tree(first) == tree(second)
    assert main(["validate", str(second)]) == 0


def test_clone_failures_have_plain_messages(team: Team, daemon: str, http: str) -> None:
    credential_helper(team.gitconfig, password="wrong")
    with pytest.raises(ProblemError, match="refused your credentials"):
        sync.clone(http, team.tmp / "denied")
    assert not (team.tmp / "denied").exists()
    credential_helper(team.gitconfig)  # the right password again
    with pytest.raises(ProblemError, match="cannot reach the server"):
        sync.clone(f"git://127.0.0.1:{free_port()}/lumen.git", team.tmp / "nowhere")
    with pytest.raises(ProblemError, match="no project repository"):
        sync.clone(daemon.replace("lumen.git", "missing.git"), team.tmp / "missing")
    plain = team.tmp / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("not a project\n")
    git(plain, "init", "-q", "-b", "main")
    git(plain, "add", "-A")
    git(plain, "commit", "-q", "-m", "notes")
    git(team.servers, "clone", "-q", "--bare", str(plain), "notes.git")
    with pytest.raises(ProblemError, match="not a Missiva project"):
        sync.clone(daemon.replace("lumen.git", "notes.git"), team.tmp / "notes")
    assert not (team.tmp / "notes").exists()


def test_clone_reports_progress_and_can_be_cancelled(team: Team, daemon: str) -> None:
    lines: list[str] = []
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 3

    # A server that accepts the connection and never answers: only cancel ends the clone.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"git://127.0.0.1:{silent.getsockname()[1]}/lumen.git"
        with pytest.raises(ProblemError, match="cancelled"):
            sync.clone(url, team.tmp / "stopped", progress=lines.append, cancelled=cancelled)
    assert not (team.tmp / "stopped").exists()
    sync.clone(daemon, team.tmp / "full", progress=lines.append)
    assert any("Cloning into" in line or "objects" in line for line in lines)


# Sync -------------------------------------------------------------------------------------


def test_two_clones_editing_different_blocks_sync_to_the_same_state(
    team: Team, daemon: str
) -> None:
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    team.edit(sara, PAPERLESS, "in un minuto", "in due minuti", SARA)
    assert sync.counts(sara) == sync.Counts(1, 0, "origin/main")
    become(team.monkeypatch, GIULIA)
    first = sync.sync(giulia)
    assert (first.state, len(first.sent), len(first.received)) == ("in-sync", 1, 0)
    become(team.monkeypatch, SARA)
    second = sync.sync(sara)
    assert second.ok, second.message
    assert [a.author for a in second.received] == [f"{GIULIA[0]} <{GIULIA[1]}>"]
    assert len(second.sent) == 2  # her edit and the merge that combined both
    become(team.monkeypatch, GIULIA)
    third = sync.sync(giulia)
    assert third.ok and len(third.received) == 2
    assert tree(giulia) == tree(sara)
    assert "Gentilissimo" in (sara / GREETING).read_text()
    assert "in due minuti" in (giulia / PAPERLESS).read_text()
    assert [a.subject for a in sync.last_arrived(giulia)][-1].startswith(PAPERLESS)
    assert sync.counts(giulia) == sync.Counts(0, 0, "origin/main")
    assert verify(giulia) == [] and verify(sara) == []


def test_release_tags_travel_both_ways(team: Team, daemon: str) -> None:
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    open_repository(giulia).release("v2", "spring release")
    assert sync.sync(giulia).ok
    assert sync.sync(sara).ok
    assert "v2" in git(sara, "tag").split()


def conflicting(team: Team, url: str) -> tuple[Path, Path]:
    """Giulia and Sara edit the same line of the greeting; Giulia syncs first."""
    giulia, sara = team.desk("giulia", url), team.desk("sara", url)
    team.edit(giulia, GREETING, "Gentile", "Gentilissima", GIULIA)
    team.edit(sara, GREETING, "Gentile", "Cara", SARA)
    team.edit(sara, PAPERLESS, "in un minuto", "in due minuti", SARA)
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    become(team.monkeypatch, SARA)
    return giulia, sara


@pytest.mark.parametrize(
    ("take", "expected"),
    [("mine", "Cara"), ("theirs", "Gentilissima"), ("edited", "Carissima")],
)
def test_same_block_edited_on_both_sides_is_resolved_in_the_cli(
    team: Team, daemon: str, capsys: pytest.CaptureFixture[str], take: str, expected: str
) -> None:
    giulia, sara = conflicting(team, daemon)
    mine_before = git(sara, "rev-parse", "HEAD").strip()
    assert main(["sync", str(sara)]) == 1
    out = capsys.readouterr()
    assert f"{GREETING}:0:0: error: conflict in block common/greeting" in out.out
    assert "--theirs PATH" in out.err
    # Nothing lost: both sides reachable; the working tree is a consistent project (mine).
    assert git(sara, "rev-parse", sync.MINE_REF).strip() == mine_before
    theirs = git(sara, "rev-parse", sync.THEIRS_REF).strip()
    assert "Gentilissima" in git(sara, "show", f"{theirs}:{GREETING}")
    assert "Cara" in (sara / GREETING).read_text()
    assert main(["validate", str(sara)]) == 0
    capsys.readouterr()
    # Asked again before resolving: still the same conflict, exit 1, as JSON.
    assert main(["sync", str(sara), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    (conflict,) = report["conflicts"]
    assert (conflict["path"], report["state"]) == (GREETING, "conflict")
    assert "Gentile " in conflict["base"] and "Cara" in conflict["mine"]
    assert "Gentilissima" in conflict["theirs"]

    if take == "edited":
        text = (sara / GREETING).read_text().replace("Cara", "Carissima")
        (sara / GREETING).write_text(text)
    assert main(["sync", str(sara), f"--{take}", GREETING]) == 0, capsys.readouterr()
    assert expected in (sara / GREETING).read_text()
    assert "in due minuti" in (sara / PAPERLESS).read_text()
    parents = git(sara, "log", "-1", "--format=%P").split()
    assert parents == [mine_before, theirs]
    assert subprocess.run(
        ["git", "rev-parse", "--verify", "-q", sync.MINE_REF], cwd=sara, check=False
    ).returncode != 0
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    assert tree(giulia) == tree(sara)
    assert expected in (giulia / GREETING).read_text()
    assert verify(giulia) == [] and verify(sara) == []
    assert main(["verify", str(sara)]) == 0


def test_a_conflict_shows_each_side_rendered_from_its_commit(team: Team, daemon: str) -> None:
    _, sara = conflicting(team, daemon)
    assert sync.sync(sara).state == "conflict"
    previews = {p.side: p for p in sync.conflict_previews(sara, GREETING)}
    assert set(previews) == {"base", "theirs", "mine"}
    assert all(not p.problem and p.template for p in previews.values())
    assert "Gentilissima" in previews["theirs"].content
    assert "Cara" in previews["mine"].content and "Cara" not in previews["base"].content
    assert "Gentile" in previews["base"].content


@pytest.mark.parametrize("take", ["mine", "theirs"])
def test_edited_here_deleted_there(team: Team, daemon: str, take: str) -> None:
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    (giulia / "README.md").unlink()
    open_repository(giulia).commit("No README in the project")
    assert sync.sync(giulia).ok
    team.edit(sara, "README.md", "Lumen", "Lumen (sample)", SARA)
    become(team.monkeypatch, SARA)
    result = sync.sync(sara)
    (conflict,) = result.conflicts
    assert (conflict.path, conflict.theirs) == ("README.md", None)
    assert "Lumen (sample)" in (conflict.mine or "")
    assert (sara / "README.md").exists()  # mine, until decided
    sync.resolve(sara, "README.md", take)
    assert sync.sync(sara).ok
    assert (sara / "README.md").exists() is (take == "mine")
    assert git(sara, "status", "--porcelain") == ""


def test_a_conflict_can_be_abandoned_back_to_before_the_sync(team: Team, daemon: str) -> None:
    _, sara = conflicting(team, daemon)
    before = git(sara, "rev-parse", "HEAD").strip()
    result = sync.sync(sara)
    assert result.state == "conflict"
    sync.abandon(sara)
    assert git(sara, "rev-parse", "HEAD").strip() == before
    assert git(sara, "status", "--porcelain") == ""
    assert "Cara" in (sara / GREETING).read_text()
    assert not sync.in_conflict(sara)
    # Their work is still there to sync again.
    assert "Gentilissima" in git(sara, "show", f"origin/main:{GREETING}")
    assert sync.counts(sara).to_receive == 1


def test_yaml_is_combined_key_by_key(team: Team, daemon: str) -> None:
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    template = "templates/otp.yaml"
    # Different keys on neighbouring lines (a text conflict for git): combined without asking.
    team.edit(giulia, template, "max_segments: 1", "max_segments: 2", GIULIA)
    team.edit(giulia, template, "en: Verification code (OTP)", "en: One-time code", GIULIA)
    team.edit(sara, template, "it: Codice di verifica (OTP)", "it: Codice OTP", SARA)
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    become(team.monkeypatch, SARA)
    combined = sync.sync(sara)
    assert combined.ok, combined.message
    text = (sara / template).read_text()
    assert "max_segments: 2" in text and "Codice OTP" in text and "One-time code" in text
    assert sync.in_conflict(sara) is False
    # The same key on both sides: a conflict naming the key; theirs for it, mine elsewhere.
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    team.edit(giulia, template, "max_segments: 2", "max_segments: 3", GIULIA)
    team.edit(giulia, template, "en: One-time code", "en: Code", GIULIA)
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    team.edit(sara, template, "max_segments: 2", "max_segments: 4", SARA)
    team.edit(sara, template, "it: Codice OTP", "it: Codice di accesso", SARA)
    become(team.monkeypatch, SARA)
    result = sync.sync(sara)
    assert result.state == "conflict", result.message
    (conflict,) = result.conflicts
    assert conflict.keys == ("sms.max_segments",)
    assert "sms.max_segments" in result.message
    sync.resolve(sara, template, "theirs")
    assert sync.sync(sara).ok
    text = (sara / template).read_text()
    assert "max_segments: 3" in text and "en: Code" in text and "Codice di accesso" in text
    assert main(["validate", str(sara)]) == 0


def test_offline_sync_says_so_and_keeps_the_commits(
    team: Team, daemon: str, capsys: pytest.CaptureFixture[str]
) -> None:
    giulia = team.desk("giulia", daemon)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    git(giulia, "remote", "set-url", "origin", f"git://127.0.0.1:{free_port()}/lumen.git")
    result = sync.sync(giulia)
    assert result.state == "offline"
    assert "cannot reach the server" in result.message and "Nothing was sent" in result.message
    # The studio says it in its language; the CLI and the JSON stay English.
    assert result.in_language("it").startswith("impossibile raggiungere il server git://")
    assert "Non si è inviato né ricevuto nulla" in result.in_language("it")
    assert result.as_json()["message"] == result.message == result.in_language(None)
    assert result.counts is not None and result.counts.to_send == 1
    assert main(["sync", str(giulia)]) == 1
    assert "offline" in capsys.readouterr().out


def test_uncommitted_edits_are_refused_not_stashed(team: Team, daemon: str) -> None:
    giulia = team.desk("giulia", daemon)
    (giulia / GREETING).write_text("---\ntitle: x\n---\nCiao\n")
    with pytest.raises(ProblemError, match="commit them before syncing") as refused:
        sync.sync(giulia)
    assert refused.value.problem.in_language("it").startswith(
        "modifiche non registrate (blocco common/greeting): registrale prima di sincronizzare")
    assert (giulia / GREETING).read_text().endswith("Ciao\n")


def test_a_refused_push_is_retried_by_integrating(team: Team, daemon: str) -> None:
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    team.edit(sara, PAPERLESS, "in un minuto", "in due minuti", SARA)
    become(team.monkeypatch, GIULIA)
    pushed_meanwhile: list[str] = []

    def progress(line: str) -> None:
        # Sara pushes right between Giulia's fetch and her push: the server refuses Giulia's.
        if line.startswith("sending") and not pushed_meanwhile:
            git(sara, "push", "-q", "origin", "main")
            pushed_meanwhile.append(line)

    result = sync.sync(giulia, progress=progress)
    assert pushed_meanwhile
    assert result.ok, result.message
    assert [a.author for a in result.received] == [f"{SARA[0]} <{SARA[1]}>"]
    server = git(team.servers / "lumen.git", "rev-parse", "main").strip()
    assert server == git(giulia, "rev-parse", "HEAD").strip()
    assert "in due minuti" in (giulia / PAPERLESS).read_text()


def test_sync_over_http_with_credentials(team: Team, http: str) -> None:
    giulia, sara = team.desk("giulia", http), team.desk("sara", http)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    assert sync.sync(giulia).ok
    assert sync.sync(sara).ok
    assert tree(giulia) == tree(sara)


# Change requests --------------------------------------------------------------------------


def test_change_request_from_start_to_merge_with_a_regulatory_approval(
    team: Team, daemon: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    giulia, marco = team.desk("giulia", daemon), team.desk("marco", daemon)
    become(monkeypatch, GIULIA)
    assert main(["change", "start", "Privacy wording 2026", "-C", str(giulia)]) == 0
    assert git(giulia, "branch", "--show-current").strip() == "change/privacy-wording-2026"
    path = giulia / "blocks" / "legal" / "privacy.md"
    path.write_text(path.read_text() + "\nInformativa aggiornata al 2026.\n")
    open_repository(giulia).commit("Privacy: 2026 wording")
    assert main(["change", "submit", "-C", str(giulia)]) == 0
    assert "submitted for review" in capsys.readouterr().out

    become(monkeypatch, MARCO)
    assert main(["change", "list", "--json", "-C", str(marco)]) == 0
    (change,) = json.loads(capsys.readouterr().out)
    assert change["name"] == "privacy-wording-2026"
    assert change["blocks"] == ["legal/privacy"]
    assert change["regulatory"] == {"legal/privacy": "pending"}
    assert change["authors"] == [f"{GIULIA[0]} <{GIULIA[1]}>"]
    # What it does to the customer's communications, per template and channel, against main.
    diffs = sync.change_diffs(marco, "privacy-wording-2026")
    assert diffs and all(d.channel != "print" for d in diffs)
    changed = [d for d in diffs if d.changed]
    assert changed
    assert "Informativa aggiornata" in json.dumps([d.as_json() for d in changed])
    # Not approved yet: the merge is refused and says what to do.
    assert main(["change", "merge", "privacy-wording-2026", "-C", str(marco)]) == 1
    assert "not approved" in capsys.readouterr().err
    assert git(team.servers / "lumen.git", "branch", "--list", "main")
    # The reviewer approves the block on the change, sends the decision, merges.
    sync.start_change(marco, "privacy-wording-2026")
    signoff(marco, "legal/privacy", "approve", "2026 wording ok")
    sync.submit_change(marco)
    (listed,) = sync.list_changes(marco)
    assert listed.regulatory == {"legal/privacy": "approved"}
    assert main(["change", "merge", "privacy-wording-2026", "-C", str(marco)]) == 0
    assert git(marco, "branch", "--show-current").strip() == "main"
    assert sync.list_changes(marco) == []
    assert "change/privacy-wording-2026" not in git(team.servers / "lumen.git", "branch")
    become(monkeypatch, GIULIA)
    git(giulia, "switch", "-q", "main")
    assert sync.sync(giulia).ok
    assert "Informativa aggiornata" in (giulia / "blocks/legal/privacy.md").read_text()
    states = {s.block: s.state for s in block_states(giulia)}
    assert states["legal/privacy"] == "approved"
    assert verify(giulia) == [] and verify(marco) == []


def test_a_change_sent_back_with_a_comment(team: Team, daemon: str) -> None:
    sara, marco = team.desk("sara", daemon), team.desk("marco", daemon)
    become(team.monkeypatch, SARA)
    sync.start_change(sara, "paperless")
    team.edit(sara, PAPERLESS, "in un minuto", "subito", SARA)
    sync.submit_change(sara)
    become(team.monkeypatch, MARCO)
    sync.return_change(marco, "paperless", "say 'in un minuto' again, it is the promise")
    assert git(marco, "branch", "--show-current").strip() == "main"
    (change,) = sync.list_changes(sara)
    assert change.returned == "say 'in un minuto' again, it is the promise"


def test_a_change_breaking_the_ownership_rules_is_not_merged(team: Team, daemon: str) -> None:
    sara, marco = team.desk("sara", daemon), team.desk("marco", daemon)
    become(team.monkeypatch, SARA)  # marketing: not an owner of the legal blocks
    sync.start_change(sara, "privacy by marketing")
    path = sara / "blocks" / "legal" / "privacy.md"
    path.write_text(path.read_text() + "\nScrivici quando vuoi!\n")
    open_repository(sara).commit("Privacy: friendlier")
    with pytest.raises(ProblemError, match="nothing was sent: .*legal/privacy"):
        sync.submit_change(sara)  # the studio's own way stops it on her desk
    git(sara, "push", "-q", "-u", "origin", "change/privacy-by-marketing")  # git's does not
    become(team.monkeypatch, MARCO)
    sync.start_change(marco, "privacy-by-marketing")
    signoff(marco, "legal/privacy", "approve", "fine by me")
    sync.submit_change(marco)
    main_before = git(team.servers / "lumen.git", "rev-parse", "main").strip()
    with pytest.raises(ProblemError) as refused:
        sync.merge_change(marco, "privacy-by-marketing")
    assert "legal/privacy" in str(refused.value.problem)
    assert git(team.servers / "lumen.git", "rev-parse", "main").strip() == main_before
    assert git(marco, "rev-parse", "main").strip() == main_before
    assert verify(marco) == []


def test_a_commit_breaking_the_ownership_rules_is_not_sent(
        team: Team, daemon: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Found trying to get around the control: a marketing author's edit of the privacy notice,
    committed with git, went to the team's main line with the next sync, where verify reports
    it in every clone for good. Sync keeps it on her desk and says how to take it back."""
    sara, giulia = team.desk("sara", daemon), team.desk("giulia", daemon)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    server_main = git(team.servers / "lumen.git", "rev-parse", "main").strip()
    team.edit(sara, "blocks/legal/privacy.md", "GDPR", "GDPR (in breve)", SARA)
    team.edit(sara, PAPERLESS, "in un minuto", "in due minuti", SARA)
    become(team.monkeypatch, SARA)
    refused = sync.sync(sara)
    assert refused.state == "refused" and not refused.sent
    assert refused.message.startswith("nothing was sent: commit ")
    assert f"by {SARA[1]} changed regulatory block legal/privacy" in refused.message
    assert f"git reset --soft {server_main[:10]}" in refused.message
    assert "non è stato inviato nulla" in refused.in_language("it")
    assert "Riprendi le tue versioni" in refused.in_language("it")
    assert [a.author for a in refused.received] == [f"{GIULIA[0]} <{GIULIA[1]}>"]  # hers came
    assert git(team.servers / "lumen.git", "rev-parse", "main").strip() == server_main
    assert main(["sync", str(sara)]) == 1
    assert f"missiva sync {sara} --take-back {server_main[:10]}" in capsys.readouterr().err

    assert refused.base == server_main and refused.as_json()["take_back_to"] == server_main
    # Taken back (sync.take_back: what the studio's button does), the notice put back, her own
    # edit committed again: it goes.
    assert main(["sync", str(sara), "--take-back", refused.base[:10]]) == 0
    assert "3 commit(s) taken back" in capsys.readouterr().out  # her two and the merge
    assert "in due minuti" in (sara / PAPERLESS).read_text()  # her edits stay in the files
    assert "GDPR (in breve)" in (sara / "blocks/legal/privacy.md").read_text()
    git(sara, "checkout", server_main, "--", "blocks/legal/privacy.md")
    open_repository(sara).commit("Paperless: two minutes")
    again = sync.sync(sara)
    assert again.ok, again.message
    assert verify(sara) == []
