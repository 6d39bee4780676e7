"""The studio window driven as an author would, on a copy of the sample project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from studio.core.index import index_of
from studio.gui.models import RegulatoryRole
from tests.conftest import SAMPLE

WAIT = 30_000  # ms: the first print render starts a worker process


@pytest.fixture
def project(studio, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    studio.session.buffers.clear()
    studio.open_project(root)
    studio.session.select(template="payment-reminder", sample="typical", locale="it")
    wait_for_previews(studio, qtbot, ("print", "email", "sms"))
    return root


def wait_for_previews(window, qtbot, channels, after=None):
    after = after or {}

    def ready():
        return all(window.previews[c].rendition is not None
                   and window.previews[c].rendition is not after.get(c) for c in channels)

    qtbot.waitUntil(ready, timeout=WAIT)


def snapshot(window):
    return {c: p.rendition for c, p in window.previews.items()}


def test_window_shows_the_project_and_its_previews(studio, project):
    assert studio.windowTitle() == "Missiva Studio — Lumen Energia"
    assert studio.previews["sms"].text().startswith("Lumen Energia: la bolletta n.")
    assert "Mario Rossi" in studio.previews["email"].html()
    assert studio.previews["print"].page_count() == 2
    assert not studio.previews["mobile"].isVisible()  # the reminder has no mobile channel
    assert studio.template_box.currentText() == "payment-reminder"


def test_an_edit_right_after_switching_template_reaches_its_previews(studio, project, qtbot):
    """The bill's renditions read no reminder block: an edit typed before the reminder's own
    renditions are back must still render (it was judged to reach no channel, and the
    previews stayed without it)."""
    reminder = snapshot(studio)
    studio.session.select(template="bill")
    wait_for_previews(studio, qtbot, ("print", "email"), after=reminder)
    assert "blocks/reminder/notice.md" not in studio.session._last_used["email"]
    before = snapshot(studio)
    rel = "blocks/reminder/notice.md"
    studio.session.select(template="payment-reminder")
    text = studio.session.read(rel)
    studio.session.set_buffer(rel, text.replace("Da un controllo", "SUBITO. Da un controllo"))
    qtbot.waitUntil(lambda: "SUBITO. Da un controllo" in studio.previews["email"].html(),
                    timeout=WAIT)
    wait_for_previews(studio, qtbot, ("print",), after=before)
    document = studio.previews["print"].document()  # the page the pane shows
    qtbot.waitUntil(lambda: "SUBITO. Da un controllo" in document.getAllText(0).text(),
                    timeout=WAIT)
    studio.session.drop_buffer(rel)


def test_fixing_the_block_that_broke_a_preview_renders_it_again(studio, project, qtbot):
    """The reminder given the bill's summary block, broken, fails to render; fixing that block
    (which the last good rendition never read) must render again, not leave the failure up."""
    failed: list[str] = []
    studio.session.renditionFailed.connect(lambda channel, _problem: failed.append(channel))
    block = "blocks/billing/summary.md"
    good = studio.session.read(block)
    studio.session.set_buffer(block, good + "\n{{ oops(\n")
    template = "templates/payment-reminder.yaml"
    studio.session.set_buffer(template, studio.session.read(template).replace(
        "  - block: reminder/how-to-pay\n",
        "  - block: billing/summary\n  - block: reminder/how-to-pay\n"))
    qtbot.waitUntil(lambda: "email" in failed, timeout=WAIT)
    studio.session.set_buffer(block, good.replace("\n---\n", "\n---\nRiepilogo aggiunto.\n", 1))
    qtbot.waitUntil(lambda: "Riepilogo aggiunto." in studio.previews["email"].html(), timeout=WAIT)
    studio.session.drop_buffer(template)
    studio.session.drop_buffer(block)


def test_typing_in_a_block_updates_sms_and_email(studio, project, qtbot):
    tab = studio.open_file("blocks/reminder/notice.md")
    before = snapshot(studio)
    text = tab.editor.text()
    tab.editor.set_text(text)
    cursor = tab.editor.textCursor()
    position = text.index("Lumen Energia: la bolletta")
    cursor.setPosition(position + len("Lumen Energia:"))
    tab.editor.setTextCursor(cursor)
    qtbot.keyClicks(tab.editor, " URGENTE")
    qtbot.waitUntil(lambda: "Lumen Energia: URGENTE la bolletta" in studio.previews["sms"].text(),
                    timeout=WAIT)
    assert "blocks/reminder/notice.md" in studio.session.buffers
    assert studio.tabs.tabText(studio.tabs.indexOf(tab)).startswith("●")
    # the email's body comes from the same block's body, not its sms variant: edit that too
    body_at = tab.editor.text().index("Da un controllo")
    cursor.setPosition(body_at)
    tab.editor.setTextCursor(cursor)
    qtbot.keyClicks(tab.editor, "ATTENZIONE. ")
    qtbot.waitUntil(lambda: "ATTENZIONE. Da un controllo" in studio.previews["email"].html(),
                    timeout=WAIT)
    assert studio.previews["email"].rendition is not before["email"]
    # nothing was written to disk
    assert "URGENTE" not in (project / "blocks/reminder/notice.md").read_text()


def test_an_edit_renders_only_the_channels_that_read_what_changed(studio, project, qtbot):
    tab = studio.open_file("blocks/reminder/notice.md")
    started: list[str] = []
    studio.session.renderStarted.connect(started.append)
    try:
        cursor = tab.editor.textCursor()
        cursor.setPosition(tab.editor.text().index("Lumen Energia: la bolletta") + 14)
        tab.editor.setTextCursor(cursor)
        qtbot.keyClicks(tab.editor, " SUBITO")  # inside the SMS wording (variants: sms)
        qtbot.waitUntil(lambda: "SUBITO" in studio.previews["sms"].text(), timeout=WAIT)
        qtbot.wait(300)  # anything else that was going to start has started
        assert set(started) == {"sms"}  # no PDF, no email for an SMS wording
        started.clear()
        cursor.setPosition(tab.editor.text().index("Da un controllo"))
        tab.editor.setTextCursor(cursor)
        qtbot.keyClicks(tab.editor, "NOTA. ")  # the body: print and email, not the SMS
        qtbot.waitUntil(lambda: "NOTA. Da un controllo" in studio.previews["email"].html(),
                        timeout=WAIT)
        qtbot.wait(300)
        assert set(started) == {"print", "email"}
    finally:
        studio.session.renderStarted.disconnect(started.append)


def test_syntax_error_is_listed_and_the_last_preview_stays(studio, project, qtbot):
    tab = studio.open_file("blocks/reminder/notice.md")
    good_sms = studio.previews["sms"].text()
    lines = tab.editor.text().splitlines()
    broken_line = len(lines) + 1
    cursor = tab.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    tab.editor.setTextCursor(cursor)
    qtbot.keyClick(tab.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.editor, "{% if reminder.days_overdue > 10 %}senza chiusura")

    def listed():
        return [p for p in studio.problems_model.problems()
                if p.path == "blocks/reminder/notice.md" and p.is_error]

    qtbot.waitUntil(lambda: bool(listed()), timeout=WAIT)
    assert {p.line for p in listed()} <= {broken_line, broken_line + 1}
    # Said in plain words (issue 19), not in Jinja's.
    assert listed()[0].message == "A {% if %} is not closed: add {% endif %} where it should end."
    qtbot.waitUntil(lambda: studio.previews["email"].is_stale, timeout=WAIT)
    assert studio.previews["sms"].text() == good_sms  # sms reads the variant: still good
    assert studio.previews["email"].rendition is not None  # the last good email stays
    assert [p.line for p in tab.editor.problems()] == [p.line for p in listed()]


def test_external_edit_updates_the_preview(studio, project, qtbot):
    path = project / "blocks/reminder/notice.md"
    path.write_text(path.read_text().replace("ignori questo SMS", "grazie comunque"))
    qtbot.waitUntil(lambda: "grazie comunque" in studio.previews["sms"].text(), timeout=WAIT)


def test_switching_sample_and_locale_updates_every_channel(studio, project, qtbot):
    before = snapshot(studio)
    studio.sample_box.setCurrentIndex(studio.sample_box.findData("english"))
    studio.sample_box.activated.emit(studio.sample_box.currentIndex())
    wait_for_previews(studio, qtbot, ("print", "email", "sms"), before)
    assert "Oliver Bennett" in studio.previews["email"].html()
    before = snapshot(studio)
    studio.locale_box.setCurrentIndex(studio.locale_box.findData("en"))
    studio.locale_box.activated.emit(studio.locale_box.currentIndex())
    wait_for_previews(studio, qtbot, ("print", "email", "sms"), before)
    assert all(studio.previews[c].rendition.locale == "en" for c in ("print", "email", "sms"))
    assert "Lumen Energia: bill no." in studio.previews["sms"].text()


def test_regulatory_block_is_marked_and_locked(studio, project):
    index = studio.tree_model.find("block", "legal/privacy")
    assert index.isValid() and index.data(RegulatoryRole) is True
    assert index.data(0) == "privacy"
    assert studio.tree_model.find("block", "common/greeting").data(RegulatoryRole) is False
    tab = studio.open_file("blocks/legal/privacy.md")
    assert tab.editor.isReadOnly()
    assert "locked" in tab.banner.text() and tab.banner.isVisibleTo(tab)


def test_save_is_atomic_and_autosave_recovers(studio, project, qtbot, monkeypatch):
    tab = studio.open_file("blocks/common/closing.md")
    qtbot.keyClicks(tab.editor, "Nota. ")
    qtbot.waitUntil(lambda: "blocks/common/closing.md" in studio.session.buffers, timeout=WAIT)
    studio.autosave_now()
    record = json.loads(next(studio.autosave.folder.glob("*.json")).read_text())
    assert record["path"] == "blocks/common/closing.md"
    assert record["text"].startswith("Nota. ")
    assert studio.autosave.recoverable() == {}  # this window is alive: its edits are its own
    studio.tabs.setCurrentWidget(tab)
    studio.save_current()
    assert (project / "blocks/common/closing.md").read_text().startswith("Nota. ")
    assert "blocks/common/closing.md" not in studio.session.buffers
    assert list(studio.autosave.folder.glob("*.json")) == []
    assert not list((project / "blocks/common").glob(".*.tmp"))


def test_unsaved_edits_are_never_silently_overwritten(studio, project, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(studio, "ask_overwrite", lambda rel: asked.append(rel) or False)
    tab = studio.open_file("blocks/reminder/how-to-pay.md")
    qtbot.keyClicks(tab.editor, "MIA MODIFICA ")
    path = project / "blocks/reminder/how-to-pay.md"
    path.write_text("Versione di un altro editor\n")
    qtbot.waitUntil(lambda: "changed on disk" in tab.notice.text(), timeout=WAIT)
    assert tab.editor.text().startswith("MIA MODIFICA ")  # kept
    studio.save("blocks/reminder/how-to-pay.md")  # asks, and the answer is no
    assert asked == ["blocks/reminder/how-to-pay.md"]
    assert path.read_text() == "Versione di un altro editor\n"


def test_the_studio_lists_regulatory_wording_a_stylesheet_hides(studio, project, qtbot):
    """The walk-around the export gate refuses, shown while the author works: print from the
    preview's own layout (its rendition's warnings), email from the validation worker, which
    lays the email's screen out for the default sample (the email preview is not WeasyPrint)."""
    def append(name, text):
        path = project / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(old + "\n" + text + "\n", encoding="utf-8")

    def listed(channel):
        return [p for p in studio.problems_model.problems()
                if p.message.startswith("the regulatory wording in block")
                and p.message.endswith(f", {channel}]")]

    assert not listed("print") and not listed("email")
    append("styles/print.css", '[data-block="legal/withdrawal"] p:last-child { display: none }')
    append("styles/email.css", '[data-block="legal/privacy"] { display: none }')
    studio.session.select(template="contract-change")
    qtbot.waitUntil(lambda: bool(listed("print")) and bool(listed("email")), timeout=2 * WAIT)
    [printed] = listed("print")
    assert "block legal/withdrawal" in printed.message and not printed.is_error
    assert printed.message.endswith("[sample typical, locale it, print]")
    assert printed.path == "templates/contract-change.yaml"  # where the template takes it in
    assert all("block legal/privacy" in p.message for p in listed("email"))
    # Put right, the warnings go.
    for name in ("styles/print.css", "styles/email.css"):
        path = project / name
        path.write_text(path.read_text(encoding="utf-8").replace("display: none", "color: #000"),
                        encoding="utf-8")
    qtbot.waitUntil(lambda: not listed("print") and not listed("email"), timeout=2 * WAIT)


def test_problem_activation_opens_the_file_at_the_line(studio, project, qtbot):
    path = project / "blocks/common/contacts.md"
    path.write_text(path.read_text() + "\n{{ customer.nonexistent_field }}\n")
    qtbot.waitUntil(lambda: any(p.path == "blocks/common/contacts.md"
                                for p in studio.problems_model.problems()), timeout=WAIT)
    row = next(i for i, p in enumerate(studio.problems_model.problems())
               if p.path == "blocks/common/contacts.md")
    studio.problems_view.activated.emit(studio.problems_model.index(row, 0))
    tab = studio.current_tab()
    assert tab.rel == "blocks/common/contacts.md"
    problem = studio.problems_model.problem(row)
    assert tab.editor.textCursor().blockNumber() + 1 == problem.line


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch):
    # A test never waits on a person: any unexpected question is answered "cancel".
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)


Path  # noqa: B018 - keep the import for readers of the fixtures' types


def test_template_shows_its_blocks_in_order(studio, project, qtbot):
    tab = studio.open_file("templates/payment-reminder.yaml")
    view = tab.composition
    assert tab.template_views.currentWidget() is view  # cards first; the YAML one toggle away
    blocks = [card.block for card in view.cards]
    assert blocks == [i.block for i in studio.session.project.templates["payment-reminder"].body]
    tab.source_toggle.click()
    assert tab.template_views.currentWidget() is tab.editor
    text = tab.editor.text()
    first = blocks[0]
    tab.editor.set_text(text)
    cursor = tab.editor.textCursor()
    cursor.setPosition(text.index(f"block: {first}") + len("block: "))
    tab.editor.setTextCursor(cursor)
    qtbot.keyClicks(tab.editor, "x")  # the YAML names a block that does not exist (yet)
    tab.source_toggle.click()  # back to the cards: they show the text as it is now
    assert view.cards[0].block == "x" + first
    assert view.list.item(0).text().startswith("x" + first)


def test_history_dock_follows_the_file_in_front(studio, project, qtbot, monkeypatch):
    import git

    from studio.core.history import open_repository

    for name, value in (("NAME", "Giulia Bianchi"), ("EMAIL", "giulia.bianchi@lumen-energia.example")):
        monkeypatch.setenv(f"MISSIVA_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", value)
    git.Repo.init(project)
    repository = open_repository(project)
    repository.commit("First version")
    path = project / "blocks/reminder/notice.md"
    path.write_text(path.read_text().replace("Lumen Energia:", "Lumen:"))
    repository.commit("Shorter sender name", ["blocks/reminder/notice.md"])
    studio.open_file("blocks/reminder/notice.md")
    studio.open_file("blocks/common/closing.md")
    studio.open_file("blocks/reminder/notice.md")
    qtbot.waitUntil(lambda: studio.history.row_count() == 2, timeout=WAIT)
    assert studio.history.model().index(0, 2).data() == "Shorter sender name"


def test_changes_dock_names_changes_and_commits(studio, project, qtbot, monkeypatch):
    import git

    for name, value in (("NAME", "Luca Moretti"), ("EMAIL", "luca.moretti@lumen-energia.example")):
        monkeypatch.setenv(f"MISSIVA_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", value)
    repo = git.Repo.init(project)
    repo.git.add(A=True)
    repo.index.commit("Initial")
    tab = studio.open_file("blocks/common/closing.md")
    qtbot.keyClicks(tab.editor, "Grazie. ")
    studio.tabs.setCurrentWidget(tab)
    studio.save_current()
    with qtbot.waitSignal(studio.changes.refreshed, timeout=WAIT):
        studio.changes.set_root(project)
    assert [str(c) for c in studio.changes.changes()] == ["modified: block common/closing"]
    studio.changes.message.setText("A warmer closing")
    with qtbot.waitSignal(studio.changes.committed, timeout=WAIT):
        studio.changes.commit()
    qtbot.waitUntil(lambda: studio.changes.changes() == [], timeout=WAIT)
    assert repo.head.commit.message.strip() == "A warmer closing"
    assert repo.head.commit.author.email == "luca.moretti@lumen-energia.example"
    assert "Grazie. " in repo.head.commit.tree["blocks/common/closing.md"].data_stream.read().decode()


def test_previews_mark_the_channel_the_sample_would_receive(studio, project, qtbot):
    panes = studio.previews
    # Mario Rossi prefers email and has an address: the email pane is the one sent.
    assert (panes["email"].delivered, panes["print"].delivered, panes["sms"].delivered) == (
        True, False, False)
    badge = panes["email"].findChild(QLabel, "deliveryBadge")
    assert badge.isVisible() and badge.text() == "sent"
    assert badge.toolTip() == "preferred email → email"
    # Giuseppe Esposito prefers email but has no address: the reminder goes by SMS.
    studio.sample_box.setCurrentIndex(studio.sample_box.findData("no-email"))
    studio.sample_box.activated.emit(studio.sample_box.currentIndex())
    qtbot.waitUntil(lambda: panes["sms"].delivered is True, timeout=WAIT)
    assert panes["email"].delivered is False
    assert panes["email"].findChild(QLabel, "deliveryBadge").toolTip() == "no address"
    assert panes["sms"].findChild(QLabel, "deliveryBadge").toolTip() == (
        "preferred email, no address → sms")


def test_the_editor_keeps_a_readable_column_at_1366_by_768(studio, project, qtbot):
    studio.resize(1366, 768)
    tab = studio.open_file("blocks/reminder/notice.md")
    qtbot.waitUntil(lambda: tab.isVisible(), timeout=WAIT)
    studio._balance_editor()
    qtbot.wait(50)
    assert studio.editor_stack.width() >= 360
    for pane in studio.previews.values():  # every preview stale: badges, longer headers
        pane.set_stale(True, "the editor's text does not render")
    qtbot.wait(50)
    assert studio.editor_stack.width() >= 360
    studio.set_review_mode(True)
    qtbot.wait(50)
    studio.set_review_mode(False)
    qtbot.wait(50)
    assert studio.editor_stack.width() >= 360
    for pane in studio.previews.values():
        pane.set_stale(False)
    # everything fits a 1366 px laptop screen, in either mode
    assert studio.minimumSizeHint().width() <= 1366
    studio.set_review_mode(True)
    assert studio.minimumSizeHint().width() <= 1366
    studio.set_review_mode(False)
    # and a window wider than its screen is brought back within it (as far as it can shrink)
    screen = studio.screen().availableGeometry()
    studio.resize(screen.width() + 300, screen.height())
    studio.keep_on_screen()
    assert studio.width() <= max(screen.width(), studio.minimumSizeHint().width())
    assert studio.width() < screen.width() + 300


def test_opening_a_block_shows_a_template_that_uses_it(studio, project, qtbot):
    assert studio.session.template == "payment-reminder"
    studio.open_file("blocks/otp/code.md")  # the reminder does not use it; the OTP does
    assert studio.session.template == "otp"
    assert "otp" in studio.statusBar().currentMessage()
    studio.open_file("blocks/common/closing.md")  # the OTP has no closing: one that does
    assert "common/closing" in index_of(studio.session.project).template_blocks(
        studio.session.template)
    studio.session.select(template="payment-reminder")
    studio.open_file("blocks/reminder/notice.md")  # used by the template on show: it stays
    assert studio.session.template == "payment-reminder"


def test_undo_back_to_the_saved_text_is_not_modified(studio, project, qtbot):
    tab = studio.open_file("blocks/common/closing.md")
    title = lambda: studio.tabs.tabText(studio.tabs.indexOf(tab))  # noqa: E731
    assert not title().startswith("●")
    qtbot.keyClicks(tab.editor, "Grazie. ")
    assert title().startswith("●") and "blocks/common/closing.md" in studio.session.buffers
    for _ in range(20):  # Ctrl+Z until the editor holds the saved text again
        if "Grazie" not in tab.editor.text():
            break
        qtbot.keyClick(tab.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Grazie" not in tab.editor.text()
    assert not title().startswith("●")
    assert "blocks/common/closing.md" not in studio.session.buffers


def test_typing_shows_a_draft_of_the_edited_page_then_the_whole_letter(studio, project, qtbot):
    """While the author types, the bill's print pane shows page 1 laid out anew and page 2
    from the last whole letter (core/channels/draft.py); when the typing pauses, the whole
    letter follows, and only it reaches the live checks."""
    before = snapshot(studio)
    studio.session.select(template="bill")
    wait_for_previews(studio, qtbot, ("print", "email"), after=before)
    whole = studio.previews["print"].rendition
    assert "draft" not in whole.facts
    shown = []

    def printed(channel, rendition, _ms):
        if channel == "print":
            shown.append(rendition)

    studio.session.renditionReady.connect(printed)
    try:
        rel = "blocks/billing/summary.md"
        text = studio.session.read(rel)
        studio.session.set_buffer(rel, text.replace("periodo di fatturazione",
                                                    "periodo ZETA di fatturazione"))
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT)
        drafted = shown[0]
        assert drafted.facts["draft"] is True and drafted.facts["drafted_pages"] == 1
        assert studio.checks._renditions.get("print") is not drafted
        document = studio.previews["print"].document()
        qtbot.waitUntil(lambda: "ZETA" in document.getAllText(0).text(), timeout=WAIT)
        assert document.pageCount() == 2
        # The whole letter after the pause: the same pages.
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT)
        final = shown[1]
        assert "draft" not in final.facts
        assert studio.previews["print"].rendition is final
        assert studio.checks._renditions.get("print") is final
        assert _page_texts(drafted.content) == _page_texts(final.content)
        assert _page_texts(final.content)[1] == _page_texts(whole.content)[1]
    finally:
        studio.session.renditionReady.disconnect(printed)
        studio.session.drop_buffer(rel)


def _page_texts(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
