"""A studio that rests when left alone and never loses a word: the author's text against
another editor, git, a second window, a crash, a failed save and a deleted file.

Every case runs on real files in a copy of the sample project with the real watcher. Every
question the window could ask is recorded (`prompts`), so each case shows how many it asked:
at most one for one change, and none for what a bar on the editor can say.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from studio.core.files import write_atomic
from studio.core.project import load_project
from studio.gui import operations
from studio.gui.main_window import AUTOSAVE_LONGEST_MS, MainWindow
from studio.gui.watcher import QUIET_MS, ProjectWatcher
from tests.conftest import SAMPLE

WAIT = 30_000  # ms: the first render starts a worker process
NOTICE = "blocks/reminder/notice.md"
CLOSING = "blocks/common/closing.md"


@pytest.fixture(scope="module")
def studio(qapp, tmp_path_factory):
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path_factory.mktemp("settings")
    window = MainWindow(settings=QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    window.show()
    yield window
    window.session.buffers.clear()
    window.close()


def copy_sample(root: Path) -> Path:
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    return root


@pytest.fixture
def project(studio, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = copy_sample(tmp_path / "lumen")
    studio.session.buffers.clear()
    studio.open_project(root)
    studio.session.select(template="payment-reminder", sample="typical", locale="it")
    return root


class Prompts:
    """Every modal question, recorded, answered as the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.asked: list[tuple[str, str]] = []
        self.overwrite = True
        self.unsaved = QMessageBox.StandardButton.Cancel
        self.recover = QMessageBox.StandardButton.Yes
        self.revert = False

        def modal(*args, **kwargs):  # anything else the window might pop up
            self.asked.append(("modal", str(args[1] if len(args) > 1 else "")))
            return QMessageBox.StandardButton.Cancel

        for name in ("question", "warning", "information", "critical"):
            monkeypatch.setattr(QMessageBox, name, modal)

    def watch(self, window: MainWindow) -> MainWindow:
        def ask(kind, answer):
            def asking(rels):
                self.asked.append((kind, str(rels)))
                return getattr(self, answer)
            return asking

        self.monkeypatch.setattr(window, "ask_overwrite", ask("overwrite", "overwrite"))
        self.monkeypatch.setattr(window, "ask_unsaved", ask("unsaved", "unsaved"))
        self.monkeypatch.setattr(window, "ask_recover", ask("recover", "recover"))
        self.monkeypatch.setattr(window, "ask_revert", ask("revert", "revert"))
        return window


@pytest.fixture
def prompts(studio, monkeypatch):
    found = Prompts(monkeypatch)
    found.watch(studio)
    return found


def type_into(qtbot, window, rel, words):
    tab = window.open_file(rel)
    tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.Start)
    qtbot.keyClicks(tab.editor, words)
    qtbot.waitUntil(lambda: rel in window.session.buffers, timeout=WAIT)
    return tab


def conflicts_told(window):
    told = []
    window.session.fileChangedOnDisk.connect(told.append)
    return told


def autosaved(window, rel):
    """The text of REL in the window's own autosave slot (None: not autosaved)."""
    for file in window.autosave.folder.glob("*.json"):
        record = json.loads(file.read_text(encoding="utf-8"))
        if record["path"] == rel:
            return record["text"]
    return None


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def new_window(tmp_path, prompts):
    window = MainWindow(settings=QSettings(str(tmp_path / "second.ini"),
                                           QSettings.Format.IniFormat))
    prompts.watch(window)
    window.show()
    return window


def close_window(window):
    window.session.buffers.clear()
    window.close()


# Resting ------------------------------------------------------------------------------------


def test_reads_and_the_studios_own_writes_are_not_reported(qtbot, tmp_path):
    root = copy_sample(tmp_path / "lumen")
    watcher = ProjectWatcher()
    watcher.watch(root)
    seen = []
    watcher.changed.connect(seen.append)
    for _ in range(3):  # what the studio does all day: read blocks, load the project
        for path in root.rglob("*"):
            if path.is_file():
                path.read_bytes()
        load_project(root)
    watcher.expect(CLOSING, "Scritto dallo studio.\n")
    write_atomic(root / CLOSING, "Scritto dallo studio.\n")
    qtbot.wait(QUIET_MS * 5)
    assert seen == [] and watcher.emitted == 0
    # Someone else's write is reported, once, and a temporary file is not.
    with qtbot.waitSignal(watcher.changed, timeout=5_000) as blocker:
        (root / "blocks/common/.closing.md.1-2.tmp").write_text("temporaneo")
        (root / CLOSING).write_text("Scritto da un altro editor.\n")
    assert blocker.args == [[CLOSING]]
    watcher.stop()


def test_an_idle_studio_renders_validates_and_runs_git_nothing(
        studio, project, prompts, qtbot, monkeypatch):
    for name in ("NAME", "EMAIL"):
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", "Luca Moretti" if name == "NAME" else "l@m.it")
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", "Luca Moretti" if name == "NAME" else "l@m.it")
    repo = git.Repo.init(project)
    repo.git.add(A=True)
    repo.index.commit("Initial")
    studio.changes.set_root(project)
    studio.changes_dock.show()
    studio.changes_dock.raise_()
    studio.open_file(NOTICE)  # reading a block is not a change
    # A readiness wait: the opening's validation, review and live checks (a QtWebEngine page
    # each) took over 30 s on a CI machine running another worker's GUI tests beside it.
    qtbot.waitUntil(lambda: not studio.session.service.busy() and not studio.review.is_busy()
                    and not studio.checks.busy(), timeout=4 * WAIT)
    qtbot.wait(QUIET_MS * 3)  # the open's own events (none expected) have settled

    calls = {"render": 0, "validate": 0, "git": 0}
    service = studio.session.service
    for name, key in (("submit", "render"), ("validate", "validate")):
        real = getattr(service, name)

        def counted(*args, _real=real, _key=key, **kwargs):
            calls[_key] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(service, name, counted)
    real_execute = git.cmd.Git.execute

    def counted_execute(self, *args, **kwargs):
        calls["git"] += 1
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(git.cmd.Git, "execute", counted_execute)
    emitted, status_runs = studio.watcher.emitted, studio.changes.status_runs
    operations_started = operations.shared().runs  # git status & co. run there
    qtbot.wait(3_000)
    assert calls == {"render": 0, "validate": 0, "git": 0}
    assert studio.watcher.emitted == emitted and studio.changes.status_runs == status_runs
    assert operations.shared().runs == operations_started

    # The same counters do move when something changes: one edit by another editor.
    path = project / NOTICE
    path.write_text(path.read_text().replace("ignori questo SMS", "grazie comunque"))
    qtbot.waitUntil(lambda: calls["render"] > 0 and studio.changes.status_runs > status_runs,
                    timeout=WAIT)
    assert studio.changes.status_runs == status_runs + 1
    assert prompts.asked == []


# One change, one bar -------------------------------------------------------------------------


def test_another_editors_write_raises_one_bar(studio, project, prompts, qtbot):
    told = conflicts_told(studio)
    tab = type_into(qtbot, studio, NOTICE, "MIA FRASE. ")
    path = project / NOTICE
    theirs = path.read_text() + "Riga aggiunta da un altro editor.\n"
    # An editor's save: a temporary file renamed over the block, then touched again.
    temporary = path.with_name(".notice.md.swp")
    temporary.write_text(theirs)
    os.replace(temporary, path)
    qtbot.waitUntil(lambda: "changed on disk" in tab.notice.text(), timeout=WAIT)
    path.write_text(theirs)  # the same content written again: nothing new to say
    qtbot.wait(QUIET_MS * 4)
    assert told == [NOTICE]
    assert list(tab.notice.buttons) == ["Show both", "Keep mine", "Take theirs"]
    assert tab.editor.text().startswith("MIA FRASE. ")

    both = studio.show_both(NOTICE)
    shown = both.view.toPlainText()
    assert "+ MIA FRASE." in shown and "− Riga aggiunta da un altro editor." in shown
    both.close()

    tab.notice.buttons["Take theirs"].click()
    assert tab.editor.text() == theirs and NOTICE not in studio.session.buffers
    assert autosaved(studio, NOTICE).startswith("MIA FRASE. ")  # mine, kept in recovery
    tab.notice.buttons["Bring mine back"].click()  # back to where it was: the bar again
    assert tab.editor.text().startswith("MIA FRASE. ")
    assert studio.session.buffers[NOTICE].startswith("MIA FRASE. ")
    assert "changed on disk" in tab.notice.text()
    tab.notice.buttons["Keep mine"].click()

    studio.save(NOTICE)  # asks once: the disk holds the other editor's version
    assert prompts.asked == [("overwrite", NOTICE)]
    assert path.read_text().startswith("MIA FRASE. ")
    assert tab.notice.text() == ""


def test_a_git_checkout_under_unsaved_edits(studio, project, prompts, qtbot, monkeypatch):
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{kind}_NAME", "Luca Moretti")
        monkeypatch.setenv(f"GIT_{kind}_EMAIL", "luca.moretti@lumen-energia.example")
    repo = git.Repo.init(project, initial_branch="main")
    repo.git.add(A=True)
    repo.index.commit("Initial")
    repo.git.checkout("-b", "wording")
    (project / NOTICE).write_text("Avviso riscritto sul ramo.\n")
    (project / CLOSING).write_text("Chiusura riscritta sul ramo.\n")
    repo.git.add(A=True)
    repo.index.commit("New wording")
    repo.git.checkout("main")
    told = conflicts_told(studio)
    edited = type_into(qtbot, studio, NOTICE, "NON PERDERMI. ")
    mine = edited.editor.text()
    unedited = studio.open_file(CLOSING)
    subprocess.run(["git", "checkout", "-q", "wording"], cwd=project, check=True)
    qtbot.waitUntil(lambda: "changed on disk" in edited.notice.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: unedited.editor.text() == "Chiusura riscritta sul ramo.\n",
                    timeout=WAIT)  # no unsaved edits: it follows the disk
    qtbot.wait(QUIET_MS * 4)
    assert told == [NOTICE] and edited.editor.text() == mine
    # Back to main: the file is again what the edits were typed over; the bar goes.
    subprocess.run(["git", "checkout", "-q", "main"], cwd=project, check=True)
    qtbot.waitUntil(lambda: edited.notice.text() == "", timeout=WAIT)
    subprocess.run(["git", "checkout", "-q", "wording"], cwd=project, check=True)
    qtbot.waitUntil(lambda: "changed on disk" in edited.notice.text(), timeout=WAIT)
    assert told == [NOTICE, NOTICE] and edited.editor.text() == mine
    edited.notice.buttons["Keep mine"].click()
    studio.save(NOTICE)
    assert prompts.asked == [("overwrite", NOTICE)]
    assert (project / NOTICE).read_text() == mine


def test_a_stale_index_lock_is_offered_to_clear(studio, project, prompts, monkeypatch, qtbot):
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{kind}_NAME", "Luca Moretti")
        monkeypatch.setenv(f"GIT_{kind}_EMAIL", "luca.moretti@lumen-energia.example")
    monkeypatch.setenv("MISSIVA_AUTHOR_NAME", "Luca Moretti")
    monkeypatch.setenv("MISSIVA_AUTHOR_EMAIL", "luca.moretti@lumen-energia.example")
    repo = git.Repo.init(project)
    repo.git.add(A=True)
    repo.index.commit("Initial")
    (project / CLOSING).write_text("Cordiali saluti.\n")
    (project / "blocks/common/.closing.md.999999999-1.tmp").write_text("mezzo salvatag")
    lock = project / ".git" / "index.lock"
    lock.write_text("")
    with qtbot.waitSignal(studio.changes.refreshed, timeout=WAIT):
        studio.changes.set_root(project)
    assert not studio.changes.clear_lock_button.isVisibleTo(studio.changes)  # may be in use
    os.utime(lock, (lock.stat().st_atime - 60, lock.stat().st_mtime - 60))
    with qtbot.waitSignal(studio.changes.refreshed, timeout=WAIT):
        studio.changes.refresh()  # a minute old: left by a git program that died
    assert "index is locked" in studio.changes.heading.text()
    assert studio.changes.clear_lock_button.isVisibleTo(studio.changes)
    studio.changes.message.setText("Shorter closing")
    with qtbot.waitSignal(studio.changes.commitFailed, timeout=WAIT):
        studio.changes.commit()
    assert "index.lock" in studio.changes.heading.text()
    assert studio.changes.clear_lock_button.isVisibleTo(studio.changes)
    assert repo.head.commit.message == "Initial"
    studio.changes.clear_lock_button.click()
    studio.changes.message.setText("Shorter closing")
    with qtbot.waitSignal(studio.changes.committed, timeout=WAIT):
        studio.changes.commit()
    assert repo.head.commit.message.strip() == "Shorter closing"
    assert [p for p in repo.head.commit.stats.files] == [CLOSING]  # no leftover committed
    assert not (project / "blocks/common/.closing.md.999999999-1.tmp").exists()
    assert prompts.asked == []


# Windows and crashes ---------------------------------------------------------------------------


def test_a_second_window_says_so_and_keeps_its_own_autosave(
        studio, project, prompts, qtbot, tmp_path):
    first_mine = type_into(qtbot, studio, NOTICE, "PRIMA FINESTRA. ").editor.text()
    qtbot.waitUntil(lambda: autosaved(studio, NOTICE) == first_mine, timeout=5_000)
    told = conflicts_told(studio)
    second = new_window(tmp_path, prompts)
    try:
        second.open_project(project)
        notice = second.window_notice.text()
        assert "also open in another Missiva window" in notice
        assert f"process {os.getpid()}" in notice
        assert second.autosave.folder != studio.autosave.folder
        # The first window's live edits are its own: not offered as "closed with unsaved".
        assert ("recover", f"[{NOTICE!r}]") not in prompts.asked
        assert second.autosave.recoverable() == {}
        second_mine = type_into(qtbot, second, CLOSING, "SECONDA FINESTRA. ").editor.text()
        second.autosave_now()
        assert autosaved(second, CLOSING) == second_mine
        assert autosaved(studio, NOTICE) == first_mine  # not overwritten by the other window
        # A save in the second window is a change on disk for the first: one bar.
        type_into(qtbot, second, NOTICE, "SALVATO DALLA SECONDA. ")
        assert second.save(NOTICE)
        tab = studio.tab_for(NOTICE)
        qtbot.waitUntil(lambda: "changed on disk" in tab.notice.text(), timeout=WAIT)
        qtbot.wait(QUIET_MS * 4)
        assert told == [NOTICE] and tab.editor.text() == first_mine
        assert prompts.asked == []  # the second window saved over the version it had read
    finally:
        close_window(second)
    assert studio.autosave.lock.owners() == []


def test_kill_and_recover_with_a_newer_version_on_disk(
        studio, project, prompts, qtbot, tmp_path):
    mine = type_into(qtbot, studio, CLOSING, "TESTO DA NON PERDERE. ").editor.text()
    # Autosaved on the typing pause (under a second), not on a timer minutes later.
    qtbot.waitUntil(lambda: autosaved(studio, CLOSING) == mine, timeout=5_000)
    # The crash: the window is gone without closing; its claim on the project is stale.
    lock = studio.autosave.lock
    record = json.loads(lock._file(lock.me.id).read_text())
    record["pid"] = dead_pid()
    lock._file(lock.me.id).write_text(json.dumps(record))
    studio.watcher.stop()
    # Meanwhile another editor appends a line to the file.
    path = project / CLOSING
    theirs = path.read_text() + "Riga aggiunta dopo il crash.\n"
    path.write_text(theirs)

    fresh = new_window(tmp_path, prompts)
    try:
        fresh.open_project(project)
        assert prompts.asked == [("recover", f"[{CLOSING!r}]")]
        tab = fresh.tab_for(CLOSING)
        assert tab.editor.text() == mine and fresh.session.buffers[CLOSING] == mine
        assert "changed on disk" in tab.notice.text()  # the recovered text is on an old version
        prompts.overwrite = False
        assert not fresh.save(CLOSING)  # asks before replacing the newer version: no
        assert path.read_text() == theirs
        assert prompts.asked[1:] == [("overwrite", CLOSING)]
        both = fresh.show_both(CLOSING).view.toPlainText()
        assert "− Riga aggiunta dopo il crash." in both and "+ TESTO DA NON PERDERE." in both
        assert autosaved(fresh, CLOSING) == mine  # safe again, in the new window's slot
    finally:
        close_window(fresh)


# Failed saves, deleted files -----------------------------------------------------------------


def test_a_failed_save_is_shown_and_quit_does_not_pass_it(studio, project, prompts, qtbot):
    path = project / NOTICE
    before = path.read_text()
    path.chmod(0o444)
    tab = type_into(qtbot, studio, NOTICE, "NON SI PUÒ SALVARE. ")
    mine = tab.editor.text()
    assert not studio.save(NOTICE)
    assert tab.notice.kind == "error" and "read-only" in tab.notice.text()
    assert "read-only" in studio.statusBar().currentMessage()
    assert path.read_text() == before and studio.session.buffers[NOTICE] == mine
    assert autosaved(studio, NOTICE) == mine
    # Quit → Save: the save fails, so the window stays with the text.
    prompts.unsaved = QMessageBox.StandardButton.Save
    assert not studio.close()
    assert studio.isVisible() and studio.session.buffers[NOTICE] == mine
    assert prompts.asked == [("unsaved", f"[{NOTICE!r}]")]
    path.chmod(0o644)
    tab.notice.buttons["Try again"].click()
    assert path.read_text() == mine and tab.notice.text() == ""


def test_a_save_into_a_folder_that_is_gone_fails_with_its_reason(
        studio, project, prompts, qtbot):
    tab = type_into(qtbot, studio, CLOSING, "CARTELLA SPARITA. ")
    mine = tab.editor.text()
    shutil.rmtree(project / "blocks/common")
    (project / "blocks/common").write_text("not a folder")  # even root cannot write into it
    qtbot.waitUntil(lambda: "deleted on disk" in tab.notice.text(), timeout=WAIT)
    tab.notice.buttons["Keep mine"].click()
    assert not studio.save(CLOSING)
    assert tab.notice.kind == "error" and "Could not save" in tab.notice.text()
    assert studio.session.buffers[CLOSING] == mine == tab.editor.text()
    assert prompts.asked == []


def test_a_deleted_file_keeps_its_text_until_the_author_decides(
        studio, project, prompts, qtbot):
    greeting = "blocks/common/greeting.md"
    unedited = studio.open_file(greeting)
    text = unedited.editor.text()
    (project / greeting).unlink()
    qtbot.waitUntil(lambda: "deleted on disk" in unedited.notice.text(), timeout=WAIT)
    assert unedited.editor.text() == text
    unedited.notice.buttons["Keep mine"].click()
    assert studio.session.buffers[greeting] == text  # unsaved now: saving puts it back
    assert studio.save(greeting)
    assert (project / greeting).read_text() == text

    edited = type_into(qtbot, studio, NOTICE, "ULTIME PAROLE. ")
    mine = edited.editor.text()
    (project / NOTICE).unlink()
    qtbot.waitUntil(lambda: "deleted on disk" in edited.notice.text(), timeout=WAIT)
    edited.notice.buttons["Take theirs"].click()
    qtbot.waitUntil(lambda: studio.tab_for(NOTICE) is None, timeout=WAIT)
    assert NOTICE not in studio.session.buffers
    assert autosaved(studio, NOTICE) == mine  # kept in recovery
    assert prompts.asked == []


def test_the_notices_speak_italian(qapp, tmp_path):
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations
    from studio.gui.notice import BothVersionsDialog

    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"),
                                               QSettings.Format.IniFormat))
        assert window.tr("Take theirs") == "Prendi quella sul disco"
        assert window.changes.clear_lock_button.text() == "Rimuovi il blocco"
        dialog = BothVersionsDialog(NOTICE, None, "mio", window)
        assert dialog.windowTitle() == f"{NOTICE}: sul disco e la tua"
        assert "eliminato dal disco" in dialog.view.toPlainText()
        window.session.close()
        window.deleteLater()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_text_set_aside_survives_later_saves_and_comes_back(qapp, tmp_path):
    from studio.gui.autosave import AutosaveStore

    root = tmp_path / "project"
    root.mkdir()
    (root / "a.md").write_text("dal disco\n")
    first = AutosaveStore(root, base=tmp_path / "autosave")
    first.open()
    first.keep("a.md", "la mia versione\n", None)  # Take theirs
    first.save("a.md", "scritto dopo\n", None)  # typing on the disk version, then saving it
    first.discard("a.md")
    second = AutosaveStore(root, base=tmp_path / "autosave")
    assert second.open() != [] and second.recoverable() == {}  # the first window is open
    first.close()
    found = second.recoverable()
    assert found["a.md"].text == "la mia versione\n"


def test_steady_typing_is_autosaved_without_a_pause(studio, project, qtbot, monkeypatch):
    # A key every 0.2 s never leaves the 0.7 s pause the autosave waits for: a crash would
    # have taken the whole burst. The longest stretch without an autosave is bounded.
    studio._autosave_ceiling.setInterval(1500)
    try:
        tab = studio.open_file(NOTICE)
        tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.Start)
        saved_while_typing = []
        for key in "SENZA SOSTA":
            qtbot.keyClicks(tab.editor, key)
            qtbot.wait(200)
            text = autosaved(studio, NOTICE)
            if text is not None:
                saved_while_typing.append(text)
    finally:
        studio._autosave_ceiling.setInterval(AUTOSAVE_LONGEST_MS)
    assert saved_while_typing, "nothing autosaved while typing"
    assert saved_while_typing[0].startswith("SENZA")


def test_revert_asks_before_it_drops_the_unsaved_text(studio, project, prompts, qtbot):
    tab = type_into(qtbot, studio, NOTICE, "DA TENERE. ")
    mine = tab.editor.text()
    studio.tabs.setCurrentWidget(tab)
    studio.revert_current()  # answered Cancel
    assert ("revert", NOTICE) in prompts.asked
    assert tab.editor.text() == mine and studio.session.buffers[NOTICE] == mine
    studio.autosave_now()
    assert autosaved(studio, NOTICE) == mine
    prompts.revert = True
    studio.revert_current()
    assert tab.editor.text() == (project / NOTICE).read_text(encoding="utf-8")
    assert NOTICE not in studio.session.buffers and autosaved(studio, NOTICE) is None


def test_no_to_recovery_keeps_the_text_for_the_next_start_discard_deletes_it(
    studio, project, prompts
):
    from studio.gui.autosave import AutosaveStore

    gone = AutosaveStore(project, base=studio.autosave.project_folder.parent)
    gone.open()
    gone.save(NOTICE, "SCRITTO PRIMA DEL CRASH\n", None)
    gone.close()  # its window is gone; its text is left
    assert set(studio.autosave.recoverable()) == {NOTICE}
    prompts.recover = QMessageBox.StandardButton.No  # also what Esc answers
    studio.offer_recovery()
    assert NOTICE not in studio.session.buffers
    assert studio.autosave.recoverable()[NOTICE].text == "SCRITTO PRIMA DEL CRASH\n"
    prompts.recover = QMessageBox.StandardButton.Discard
    studio.offer_recovery()
    assert studio.autosave.recoverable() == {}


def test_an_edit_changes_only_its_line_nbsp_crlf_and_bom_kept(studio, project, prompts, qtbot):
    # A file from Windows (CRLF, a byte-order mark) with no-break spaces on a line nobody
    # touches: reading it is no change, saving an edit changes the edited line only.
    rel = "blocks/reminder/how-to-pay.md"
    path = project / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1] + " Totale:\u00a0100\u00a0€"
    original = b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"
    path.write_bytes(original)
    studio.session.files_changed([rel])
    tab = studio.open_file(rel)
    assert "\u00a0100\u00a0€" in tab.editor.text() and "\r" not in tab.editor.text()
    assert not studio.session.changed_on_disk(rel)  # no false "changed on disk"
    body = tab.editor.text().index("\n---\n") + len("\n---\n")
    cursor = tab.editor.textCursor()
    cursor.setPosition(body)
    tab.editor.setTextCursor(cursor)
    qtbot.keyClicks(tab.editor, "NUOVO ")
    qtbot.waitUntil(lambda: rel in studio.session.buffers, timeout=WAIT)
    assert studio.save(rel)
    assert prompts.asked == []
    saved = path.read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf") and b"\n" not in saved.replace(b"\r\n", b"")
    before, after = original.split(b"\r\n"), saved.split(b"\r\n")
    assert len(before) == len(after)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [
        next(i for i, line in enumerate(after) if b"NUOVO " in line)]
    assert "Totale:\u00a0100\u00a0€".encode() in saved
