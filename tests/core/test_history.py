"""Git history of a project: commit, history across renames, blobs, restore, release, status."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import git
import pytest

from studio.core import history
from studio.core.history import (
    Repository,
    describe_path,
    open_repository,
    path_label,
    path_of,
    project_at,
)
from studio.core.messages import joined
from studio.core.problems import ProblemError
from studio.core.settings import save_user_settings, settings_path, user_settings
from tests.conftest import edit, write_project


def git_cmd(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo_dir(tmp_path: Path, git_env: Path) -> Path:
    root = write_project(tmp_path / "project")
    git_cmd(root, "init", "-q", "-b", "main")
    history.commit(root, "First version")
    return root


def test_commit_all_changes_then_only_the_given_paths(repo_dir: Path) -> None:
    repo = git.Repo(repo_dir)
    assert repo.head.commit.message.strip() == "First version"
    assert repo.head.commit.author.name == "Giulia Bianchi"
    assert repo.head.commit.author.email == "giulia.bianchi@lumen.example"
    assert history.status(repo_dir) == []

    edit(repo_dir, "blocks/greeting.md", "Gentile", "Caro")
    edit(repo_dir, "blocks/amount.md", "Importo", "Totale")
    (repo_dir / "blocks" / "new.md").write_text("---\ntitle: New\n---\nNuovo.\n")
    revision = history.commit(repo_dir, "Warmer greeting", ["blocks/greeting.md", "blocks/new.md"])

    assert revision.commit == repo.head.commit.hexsha
    changed = set(repo.head.commit.stats.files)
    assert changed == {"blocks/greeting.md", "blocks/new.md"}
    left = {(c.path, c.kind) for c in history.status(repo_dir)}
    assert left == {("blocks/amount.md", "modified")}

    (repo_dir / "blocks" / "new.md").unlink()
    history.commit(repo_dir, "Everything else")
    assert history.status(repo_dir) == []
    assert set(repo.head.commit.stats.files) == {"blocks/amount.md", "blocks/new.md"}
    assert "blocks/new.md" not in git_cmd(repo_dir, "ls-files")


def test_commit_refuses_nothing_to_commit_and_an_empty_message(repo_dir: Path) -> None:
    with pytest.raises(ProblemError, match="nothing to commit") as refused:
        history.commit(repo_dir, "Nothing")
    assert refused.value.problem.in_language("it") == ("niente da registrare: il progetto non "
                                                       "è cambiato")
    edit(repo_dir, "blocks/greeting.md", "Gentile", "Caro")
    with pytest.raises(ProblemError, match="needs a message"):
        history.commit(repo_dir, "  ")
    with pytest.raises(ProblemError, match="nothing to commit"):
        history.commit(repo_dir, "Other file", ["blocks/amount.md"])


def test_author_from_environment_then_settings_then_git_config(
    repo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = open_repository(repo_dir)
    assert repository.identity().source == "environment"
    monkeypatch.delenv("MISSIVA_AUTHOR_NAME")
    monkeypatch.delenv("MISSIVA_AUTHOR_EMAIL")
    with pytest.raises(ProblemError, match="who is committing"):
        repository.identity()

    git_cmd(repo_dir, "config", "user.name", "Git Person")
    with pytest.raises(ProblemError, match="who is committing"):  # a name is not enough
        repository.identity()
    git_cmd(repo_dir, "config", "user.email", "git@example.org")
    assert repository.identity().name == "Git Person"
    # the user's global git config, then the repository's: the repository's wins, as git's
    git_cmd(repo_dir, "config", "--global", "user.name", "Global Person")
    git_cmd(repo_dir, "config", "--global", "user.email", "global@example.org")
    git_cmd(repo_dir, "config", "--global", "user.signingkey", "not the name")
    who = repository.identity()
    assert (who.name, who.email, who.source) == ("Git Person", "git@example.org", "git config")
    git_cmd(repo_dir, "config", "--unset", "user.email")
    assert repository.identity().email == "global@example.org"

    save_user_settings({"author": {"name": "Studio User", "email": "studio@example.org"}})
    assert settings_path().is_file()
    assert user_settings()["author"]["name"] == "Studio User"
    edit(repo_dir, "blocks/greeting.md", "Gentile", "Caro")
    history.commit(repo_dir, "By the settings' author")
    head = git.Repo(repo_dir).head.commit
    assert (head.author.name, head.author.email) == ("Studio User", "studio@example.org")


def test_user_settings_survive_a_broken_file(git_env: Path) -> None:
    path = settings_path()
    assert path == git_env / ".config" / "missiva" / "user.yaml"
    assert user_settings() == {}
    path.parent.mkdir(parents=True)
    path.write_text("author: [unclosed")
    assert user_settings() == {}
    save_user_settings({"author": {"name": "Anna", "email": "anna@example.org"}, "theme": "dark"})
    assert user_settings() == {
        "author": {"name": "Anna", "email": "anna@example.org"},
        "theme": "dark",
    }


def make_renamed_history(root: Path) -> list[str]:
    """add (in the fixture), edit, git mv, edit, an unrelated commit: returns the subjects."""
    edit(root, "blocks/legal/privacy.md", "GDPR.", "GDPR (Regolamento UE 2016/679).")
    history.commit(root, "Cite the regulation")
    git_cmd(root, "mv", "blocks/legal/privacy.md", "blocks/legal/privacy-notice.md")
    edit(root, "templates/letter.yaml", "legal/privacy", "legal/privacy-notice")
    history.commit(root, "Rename the privacy block")
    edit(root, "blocks/legal/privacy-notice.md", "Trattiamo", "Il titolare tratta")
    history.commit(root, "Reword the privacy notice")
    edit(root, "blocks/amount.md", "Importo", "Totale")
    history.commit(root, "Unrelated change")
    return ["Reword the privacy notice", "Rename the privacy block", "Cite the regulation"]


def test_history_follows_renames_like_git_log_follow(repo_dir: Path) -> None:
    subjects = make_renamed_history(repo_dir)
    path = "blocks/legal/privacy-notice.md"
    revisions = history.history(repo_dir, path)

    expected = git_cmd(repo_dir, "log", "--follow", "--format=%H", "--", path).split()
    assert [r.commit for r in revisions] == expected
    assert len(revisions) == 4
    assert [r.subject for r in revisions] == [*subjects, "First version"]
    assert [r.change for r in revisions] == ["modified", "renamed", "modified", "added"]
    assert [r.path for r in revisions] == [
        path,
        path,
        "blocks/legal/privacy.md",
        "blocks/legal/privacy.md",
    ]
    assert revisions[1].old_path == "blocks/legal/privacy.md"
    assert {r.author for r in revisions} == {"Giulia Bianchi"}
    assert revisions[0].date[:4].isdigit() and "T" in revisions[0].date
    # a reviewer's name works as well as the path
    assert [r.commit for r in history.history(repo_dir, "block legal/privacy-notice")] == expected


def test_history_shows_release_tags(repo_dir: Path) -> None:
    make_renamed_history(repo_dir)
    history.release(repo_dir, "v1.0", "First release")
    [top, *_] = history.history(repo_dir, "blocks/amount.md")
    assert top.tags == ("v1.0",)


def test_blob_at_a_revision(repo_dir: Path) -> None:
    make_renamed_history(repo_dir)
    first = git_cmd(repo_dir, "rev-list", "--max-parents=0", "HEAD").strip()
    old = history.blob_at(repo_dir, "blocks/legal/privacy.md", first)
    assert old is not None and b"Trattiamo i tuoi dati secondo il GDPR." in old
    assert history.blob_at(repo_dir, "blocks/legal/privacy.md", "HEAD") is None
    now = history.blob_at(repo_dir, "blocks/legal/privacy-notice.md", "HEAD")
    assert now == (repo_dir / "blocks/legal/privacy-notice.md").read_bytes()
    assert open_repository(repo_dir).path_at("blocks/legal/privacy-notice.md", first) == (
        "blocks/legal/privacy.md"
    )


def test_restore_adds_a_commit_and_keeps_the_old_ones(repo_dir: Path) -> None:
    make_renamed_history(repo_dir)
    repo = git.Repo(repo_dir)
    before = [c.hexsha for c in repo.iter_commits("HEAD")]
    first = before[-1]
    path = "blocks/legal/privacy-notice.md"

    revision = history.restore(repo_dir, path, first)

    after = [c.hexsha for c in repo.iter_commits("HEAD")]
    assert after[1:] == before  # the old commits, untouched, under one new commit
    assert after[0] == revision.commit
    assert repo.head.commit.parents[0].hexsha == before[0]
    old_content = repo.commit(first).tree["blocks/legal/privacy.md"].data_stream.read()
    assert repo.head.commit.tree[path].data_stream.read() == old_content
    assert (repo_dir / path).read_bytes() == old_content
    assert set(repo.head.commit.stats.files) == {path}
    assert "Restore block legal/privacy-notice" in revision.message
    assert history.status(repo_dir) == []
    # and the restore is itself history: four commits before, five now
    assert len(history.history(repo_dir, path)) == 5


def test_restore_refuses_uncommitted_changes_and_unknown_files(repo_dir: Path) -> None:
    make_renamed_history(repo_dir)
    edit(repo_dir, "blocks/amount.md", "Totale", "Somma")
    with pytest.raises(ProblemError, match="uncommitted changes"):
        history.restore(repo_dir, "blocks/amount.md", "HEAD~1")
    assert "Somma" in (repo_dir / "blocks/amount.md").read_text()  # the edit is kept
    with pytest.raises(ProblemError, match="did not exist"):
        history.restore(repo_dir, "blocks/nothing.md", "HEAD~1")
    with pytest.raises(ProblemError, match="no such revision"):
        history.restore(repo_dir, "blocks/greeting.md", "no-such-rev")


def test_release_is_an_annotated_tag_and_refuses_a_dirty_tree(repo_dir: Path) -> None:
    repo = git.Repo(repo_dir)
    release = history.release(repo_dir, "2026.03", "March release")
    tag = repo.tags["2026.03"]
    assert tag.tag is not None  # annotated, not lightweight
    assert tag.tag.message.strip() == "March release"
    assert tag.tag.tagger.name == "Giulia Bianchi"
    assert tag.commit.hexsha == repo.head.commit.hexsha == release.commit

    with pytest.raises(ProblemError, match="already exists"):
        history.release(repo_dir, "2026.03")
    with pytest.raises(ProblemError, match="not a valid release name"):
        history.release(repo_dir, "bad..name")

    edit(repo_dir, "blocks/greeting.md", "Gentile", "Caro")
    with pytest.raises(ProblemError, match="uncommitted changes.*block greeting"):
        history.release(repo_dir, "2026.04")
    assert "2026.04" not in [t.name for t in repo.tags]


def test_status_names_changes_as_a_reviewer_would(repo_dir: Path) -> None:
    edit(repo_dir, "blocks/legal/privacy.md", "GDPR", "RGPD")
    (repo_dir / "templates" / "bill.yaml").write_text("title: Bill\nchannels: [sms]\nbody: []\n")
    (repo_dir / "data" / "samples" / "typical.json").unlink()
    (repo_dir / "layouts").mkdir()
    (repo_dir / "layouts" / "print.html").write_text("<html></html>")
    (repo_dir / "styles").mkdir()
    (repo_dir / "styles" / "email.css").write_text("p {}")
    edit(repo_dir, "studio.yaml", "Test Project", "Test Project 2")
    (repo_dir / "data" / "schema.json").write_text("{}")
    git_cmd(repo_dir, "mv", "blocks/greeting.en.md", "blocks/hello.en.md")

    found = {(c.name, c.kind) for c in history.status(repo_dir)}
    assert found == {
        ("block legal/privacy", "modified"),
        ("template bill", "untracked"),
        ("sample typical", "deleted"),
        ("layout print", "untracked"),
        ("style email", "untracked"),
        ("project settings", "modified"),
        ("schema", "modified"),
        ("block hello (en)", "renamed"),
    }


def test_describe_path_and_back() -> None:
    assert describe_path("blocks/legal/privacy.md") == "block legal/privacy"
    assert describe_path("blocks/legal/privacy.en.md") == "block legal/privacy (en)"
    assert describe_path("templates/bill.yaml") == "template bill"
    assert describe_path("data/samples/typical.json") == "sample typical"
    assert describe_path("layouts/email.mjml") == "layout email"
    assert describe_path("styles/print.css") == "style print"
    assert describe_path("assets/logo.svg") == "asset logo.svg"
    assert describe_path("README.md") == "file README.md"
    assert path_label("blocks/legal/privacy.en.md").in_language("it") == "blocco legal/privacy (en)"
    assert path_label("templates/bill.yaml").in_language("it") == "modello bill"
    assert joined([path_label("studio.yaml"), path_label("data/samples/typical.json")]).in_language(
        "it") == "impostazioni del progetto, esempio typical"
    for name in ("block legal/privacy", "template bill", "sample typical", "schema"):
        assert describe_path(path_of(name)) == name
    assert path_of("project settings") == "studio.yaml"


def test_project_at_a_revision_leaves_the_working_tree_alone(repo_dir: Path) -> None:
    edit(repo_dir, "blocks/amount.md", "title: Amount", "title: Total amount")
    history.commit(repo_dir, "Retitle")
    edit(repo_dir, "blocks/amount.md", "Importo", "Da pagare")  # uncommitted
    working = (repo_dir / "blocks/amount.md").read_text()

    old = project_at(repo_dir, "HEAD~1")
    new = project_at(repo_dir, "HEAD")
    assert old.blocks["amount"].title == "Amount"
    assert new.blocks["amount"].title == "Total amount"
    assert "Importo" in new.blocks["amount"].sources["it"].body
    assert old.root != repo_dir and not old.problems
    assert set(old.templates) == {"letter"} and set(old.samples) == {"typical"}
    # the working tree is untouched
    assert (repo_dir / "blocks/amount.md").read_text() == working
    assert {c.path for c in history.status(repo_dir)} == {"blocks/amount.md"}
    # cached by commit, whatever the revision is called
    first = git_cmd(repo_dir, "rev-parse", "HEAD~1").strip()
    assert project_at(repo_dir, first) is old


def test_not_a_repository(tmp_path: Path) -> None:
    root = write_project(tmp_path / "plain")
    with pytest.raises(ProblemError, match="not a git repository"):
        Repository(root)


def test_a_bare_repository_and_a_folder_that_is_gone(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    with pytest.raises(ProblemError, match="a bare repository has no project files"):
        Repository(bare)
    with pytest.raises(ProblemError, match="not a git repository"):
        Repository(tmp_path / "missing")


def test_objects_read_without_gitpython(tmp_path: Path) -> None:
    # What `missiva status` asks of a repository (is there a commit, a file's blob at a
    # revision, a revision's id, the status) is read by git's own processes: GitPython, a tenth
    # of a second to import, is loaded by the commands that commit, tag or archive.
    root = write_project(tmp_path / "p")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    code = textwrap.dedent(f"""
        import sys
        from studio.core.history import Repository
        repository = Repository({str(root)!r})
        assert not repository.has_commits()  # an unborn branch
        assert repository.blob("blocks/amount.md", "HEAD") is None
        Repository.command(repository.root, "add", "-A")
        done = Repository.command(repository.root, "-c", "user.name=A", "-c",
                                  "user.email=a@example.com", "commit", "-q", "-m", "one")
        assert done.returncode == 0, done.stderr
        assert repository.has_commits()
        head = repository.resolve("HEAD")
        assert len(head) == 40 and repository.resolve("HEAD~0") == head
        on_disk = (repository.root / "blocks/amount.md").read_bytes()
        assert repository.blob("blocks/amount.md", head) == on_disk
        assert repository.blob("blocks/none.md", "HEAD") is None
        assert repository.object("HEAD:") is None  # a tree, not a blob
        (repository.root / "blocks/amount.md").write_text("changed")
        assert [(c.path, c.kind) for c in repository.status()] == [("blocks/amount.md",
                                                                     "modified")]
        try:
            repository.resolve("no-such-branch")
        except Exception as exc:
            assert "no such revision" in str(exc), exc
        else:
            raise AssertionError("resolved a revision that does not exist")
        assert "git" not in sys.modules, "GitPython imported"
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr


def test_temporary_files_are_never_listed_nor_committed(repo_dir: Path) -> None:
    # What a save killed mid-write leaves, and editors' backups: never content.
    (repo_dir / "blocks" / ".greeting.md.4242-1401.tmp").write_text("half a blo")
    (repo_dir / "blocks" / "amount.md~").write_text("backup")
    (repo_dir / "blocks" / "new.md").write_text("---\ntitle: New\n---\nNuovo.\n")
    assert [c.path for c in history.status(repo_dir)] == ["blocks/new.md"]
    history.commit(repo_dir, "A new block")
    tree = git_cmd(repo_dir, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert "blocks/new.md" in tree
    assert not [name for name in tree if name.endswith(("~", ".tmp"))]


def test_a_stale_index_lock_is_named_and_can_be_cleared(repo_dir: Path) -> None:
    lock = repo_dir / ".git" / "index.lock"
    lock.write_text("")  # a git program killed while writing the index
    edit(repo_dir, "blocks/amount.md", "Importo", "Totale")
    repository = open_repository(repo_dir)
    with pytest.raises(ProblemError) as raised:
        repository.commit("Totale")
    assert "index.lock" in raised.value.problem.message
    assert "clear the lock" in raised.value.problem.message
    assert repository.index_lock() == lock
    assert git_cmd(repo_dir, "log", "--format=%s") == "First version\n"
    assert repository.clear_index_lock()
    assert repository.index_lock() is None
    repository.commit("Totale")
    assert git_cmd(repo_dir, "log", "-1", "--format=%s") == "Totale\n"


def test_an_index_lock_is_stale_only_when_old(repo_dir: Path) -> None:
    import os

    lock = repo_dir / ".git" / "index.lock"
    lock.write_text("")
    repository = open_repository(repo_dir)
    assert repository.stale_index_lock() is None  # a git program may be writing right now
    os.utime(lock, (lock.stat().st_atime - 60, lock.stat().st_mtime - 60))
    assert repository.stale_index_lock() == lock


def test_looking_at_the_changes_never_writes_the_index(repo_dir: Path) -> None:
    # The studio looks at the changes after every save; git status refreshing the index took
    # .git/index.lock for a moment, and the author's own `git commit` failed on it.
    import os

    index = repo_dir / ".git" / "index"
    block = repo_dir / "blocks" / "greeting.md"
    os.utime(block, (block.stat().st_atime, block.stat().st_mtime + 5))  # same text, newer
    before = index.stat().st_mtime_ns, index.read_bytes()
    assert history.status(repo_dir) == []
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before
    git_cmd(repo_dir, "status", "--porcelain")  # what the studio used to run: it rewrites it
    assert index.read_bytes() != before[1]
