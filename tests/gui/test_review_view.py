"""The review view on a real repository: the queue, a block in every template and channel,
the changes since approval, approving and rejecting, and the explorer's badges."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QPushButton

from studio.core.compliance import LEDGER
from studio.core.history import open_repository
from studio.gui.history_view import INSERTED_STYLE
from studio.gui.models import StateRole
from studio.gui.review_view import ReviewPanel
from tests.conftest import SAMPLE

GIULIA = ("Giulia Bianchi", "giulia.bianchi@lumen-energia.example")  # legal: approver, owner
LUCA = ("Luca Moretti", "luca.moretti@lumen-energia.example")  # billing
WAIT = 90_000  # ms: the worker process starts, then renders every channel of a template


def dispose(widget):
    """Delete a widget now: its web pages must go before Qt's profile does at exit."""
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def become(monkeypatch, who):
    name, email = who
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", name)
        monkeypatch.setenv(f"{prefix}_EMAIL", email)


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    become(monkeypatch, GIULIA)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root,
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "compliance"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    yield root
    open_repository(root).close()


@pytest.fixture
def panel(qtbot, project):
    widget = ReviewPanel()
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    with qtbot.waitSignal(widget.statesChanged, timeout=WAIT):
        widget.set_root(project)
    yield widget
    widget.shutdown()
    dispose(widget)


def queue_rows(panel):
    return [(panel.queue.topLevelItem(i).text(0), panel.queue.topLevelItem(i).text(1))
            for i in range(panel.queue.topLevelItemCount())]


def last_decision(project):
    """The decision file the last commit added (a sign-off commits exactly one)."""
    [path] = git(project, "show", "--format=", "--name-only", "HEAD").split()
    assert path.startswith(f"{LEDGER}/")
    return json.loads((project / path).read_text(encoding="utf-8"))


def review(panel, qtbot, block):
    with qtbot.waitSignal(panel.renderingDone, timeout=WAIT):
        panel.select(block)


def decide(panel, qtbot, button, comment):
    qtbot.keyClicks(panel.comment, comment)
    assert button.isEnabled()
    # The decision, then its own refresh of the states: waited for together, since the
    # refresh may arrive before a second wait would start; a refresh from before the
    # decision (one may still be on its way) does not count.
    with qtbot.waitSignals([panel.decided, panel.statesChanged], order="simple", timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT)


def test_queue_lists_regulatory_blocks_awaiting_first(panel):
    rows = queue_rows(panel)
    assert {block for block, _ in rows} == {"legal/complaints-adr", "legal/privacy",
                                            "legal/useful-info", "legal/withdrawal",
                                            "reminder/consequences"}
    assert {state for _, state in rows} == {"pending"}
    assert "approver (legal)" in panel.identity_label.text()


def test_a_block_in_every_template_and_channel(panel, qtbot, project):
    review(panel, qtbot, "legal/complaints-adr")
    tabs = [panel.appearances.tabText(i) for i in range(panel.appearances.count())]
    assert tabs == ["bill", "contract-change"]  # both templates that use it
    panes = panel.panes()
    project_now = open_repository(project).project_at("HEAD")
    expected = {(t, c) for t in ("bill", "contract-change")
                for c in project_now.templates[t].channels}
    assert set(panes) == expected
    printed = panes[("bill", "print")].rendition
    assert printed is not None and printed.content.startswith(b"%PDF")
    assert "legal/complaints-adr" in printed.used_blocks
    # The print pane opens on the page the block starts on (the ADR notice ends the bill).
    first = printed.facts["block_pages"]["legal/complaints-adr"][0]
    assert first > 1
    # The view moved down to it: to its page's top, or as far as the view scrolls.
    qtbot.waitUntil(lambda: panes[("bill", "print")].vertical_scroll()[0] > 0, timeout=WAIT)
    # Email and mobile scroll to the block's section too (it ends the message).
    qtbot.waitUntil(lambda: panes[("bill", "email")].scrolled_to() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: panes[("bill", "mobile")].scrolled_to() > 0, timeout=WAIT)
    assert all(p.badge() == "" for p in panes.values())  # never approved: nothing to compare
    assert "Never approved" in panel.changes_view.toPlainText()
    # Another sample renders again: the customer's name follows.
    index = panel.sample_box.findText("english")
    panel.sample_box.setCurrentIndex(index)
    with qtbot.waitSignal(panel.renderingDone, timeout=WAIT):
        panel.render_block()
    assert panel.panes()[("bill", "email")].rendition.facts["subject"] != \
        panes[("bill", "email")].rendition.facts["subject"]


def test_a_block_low_on_its_page_is_shown_and_one_not_in_a_channel_says_so(panel, qtbot):
    review(panel, qtbot, "reminder/consequences")
    panes = panel.panes()
    printed = panes[("payment-reminder", "print")]
    page, top = printed.rendition.facts["block_tops"]["reminder/consequences"]
    assert page > 1 or top > 500  # low in the letter: not at the top of its first page
    # the view goes to the block itself, not to the top of its first page
    qtbot.waitUntil(lambda: printed.vertical_scroll()[0] > 0, timeout=WAIT)
    sms = panes[("payment-reminder", "sms")]
    assert sms.rendition is None  # no SMS bubble to search: the SMS has its own wording
    assert "not in the sms of payment-reminder" in sms.message()


def test_approve_then_stale_with_the_changed_words(panel, qtbot, project):
    review(panel, qtbot, "legal/privacy")
    decide(panel, qtbot, panel.approve_button, "GDPR wording checked")
    record = last_decision(project)
    assert (record["block"], record["decision"], record["reviewer"]) == (
        "legal/privacy", "approve", GIULIA[1])
    assert record["comment"] == "GDPR wording checked"
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "log", "-1", "--format=%s").startswith(
        "Sign-off: approve block legal/privacy")
    assert dict(queue_rows(panel))["legal/privacy"] == "approved"
    assert panel.decisions.rowCount() == 1
    assert panel.decisions.item(0, 4).text() == "GDPR wording checked"
    assert panel.decisions.item(0, 3).text().endswith("(current)")
    qtbot.waitUntil(lambda: bool(panel.panes()) and not panel.is_busy(), timeout=WAIT)
    assert {p.badge() for p in panel.panes().values()} == {"as approved"}

    privacy = project / "blocks/legal/privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace(
        "per 10 anni", "per dodici anni"), encoding="utf-8")
    git(project, "commit", "-q", "-am", "Retention: twelve years")
    with qtbot.waitSignal(panel.statesChanged, timeout=WAIT):
        panel.refresh()
    assert dict(queue_rows(panel))["legal/privacy"] == "stale"
    review(panel, qtbot, "legal/privacy")
    html = panel.changes_view.toHtml()
    assert "dodici" in panel.changes_view.toPlainText()
    assert "#d9f7e0" in html  # inserted words marked (INSERTED_STYLE's background)
    assert "#d9f7e0" in INSERTED_STYLE
    badges = {c: p.badge() for (_, c), p in panel.panes().items()}
    assert badges["print"] == "changed since approval"
    # Compare names the two versions of the block: who approved it, who changed it since
    [compare] = [b for b in panel.findChildren(QPushButton)
                 if b.text() == "Compare contract-change"]
    qtbot.mouseClick(compare, Qt.MouseButton.LeftButton)
    dialog = panel._dialogs[-1]
    assert dialog.header_text.startswith(f"block legal/privacy — approved version ({GIULIA[1]}, ")
    assert dialog.header_text.endswith(", “Retention: twelve years”)")
    assert "→ current (" in dialog.header_text
    qtbot.waitUntil(lambda: not dialog.is_rendering(), timeout=WAIT)
    assert "dodici" in dialog.channel_tabs["email"].toPlainText()
    dialog.close()
    panel.awaiting_only.setChecked(True)
    assert [b for b, _ in queue_rows(panel)][0] == "legal/privacy"  # stale comes first
    assert "approved" not in {s for _, s in queue_rows(panel)}


def test_reject_is_recorded(panel, qtbot, project):
    review(panel, qtbot, "reminder/consequences")
    decide(panel, qtbot, panel.reject_button, "Cite the article of the regulation")
    assert dict(queue_rows(panel))["reminder/consequences"] == "rejected"
    record = last_decision(project)
    assert record["decision"] == "reject"
    assert panel.decisions.item(0, 1).text() == "rejected"


def reviewing(qtbot, project, block, comment):
    """A review panel of its own (not the fixture's: made after the test set who reviews) on
    BLOCK, with COMMENT typed."""
    widget = ReviewPanel()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.statesChanged, timeout=WAIT):
        widget.set_root(project)
    with qtbot.waitSignal(widget.renderingDone, timeout=WAIT):
        widget.select(block)
    qtbot.keyClicks(widget.comment, comment)
    return widget


def test_a_non_approver_reads_but_cannot_decide(qtbot, project, monkeypatch):
    become(monkeypatch, LUCA)
    widget = reviewing(qtbot, project, "legal/privacy", "looks fine to me")
    assert not widget.approve_button.isEnabled() and not widget.reject_button.isEnabled()
    assert widget.approve_button.toolTip() == "Only approvers decide."
    assert "not an approver" in widget.identity_label.text()
    assert widget.panes()  # reading is allowed
    widget.shutdown()
    dispose(widget)
    assert not (project / LEDGER).exists()


def test_under_four_eyes_who_wrote_the_text_cannot_approve_it(qtbot, project):
    # compliance.four_eyes: the import was Giulia's commit, so each text is hers to reject or
    # leave to another approver, not hers to approve.
    config = project / "studio.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  approvers: [legal]\n",
                                   "  approvers: [legal]\n  four_eyes: true\n"), encoding="utf-8")
    git(project, "commit", "-q", "-am", "Four eyes")
    widget = reviewing(qtbot, project, "legal/privacy", "my own notice")
    assert not widget.approve_button.isEnabled()
    assert "four-eyes rule another approver must approve it" in widget.approve_button.toolTip()
    assert widget.reject_button.isEnabled()
    # said before she tries: in the queue and the block's heading
    assert dict(queue_rows(widget))["legal/privacy"] == "pending · four eyes"
    assert "You changed this text since its last approval" in widget.heading.text()
    widget.shutdown()
    dispose(widget)
    assert not (project / LEDGER).exists()


def test_a_refused_signoff_is_explained(panel, qtbot, project):
    review(panel, qtbot, "legal/withdrawal")
    path = project / "blocks/legal/withdrawal.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAggiunta.\n", encoding="utf-8")
    qtbot.keyClicks(panel.comment, "ok")
    # Refused: nothing recorded, so no statesChanged to wait for (waiting for it cost the
    # whole WAIT, 90 s of CI); the status line says why.
    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not recorded" in panel.status.text(), timeout=WAIT)
    assert "uncommitted" in panel.status.text()
    assert not (project / LEDGER).exists()


def test_a_text_stale_for_what_changed_around_it_says_what(panel, qtbot, project):
    # It was shown "stale · un-flagged" with "No longer flagged regulatory, but not by its
    # owners": the heading took every note of the state for an un-flagging.
    from studio.core.compliance import signoff

    signoff(project, "legal/withdrawal", "approve", "deadline checked")
    template = project / "templates/contract-change.yaml"
    text = template.read_text(encoding="utf-8")
    assert text.count("  - block: legal/withdrawal\n") == 1
    template.write_text(text.replace("  - block: legal/withdrawal\n",
                                     "  - block: legal/withdrawal\n    when: false\n"),
                        encoding="utf-8")
    git(project, "commit", "-q", "-am", "Withdrawal for nobody")
    with qtbot.waitSignal(panel.statesChanged, timeout=WAIT):
        panel.refresh()
    assert dict(queue_rows(panel))["legal/withdrawal"] == "stale"
    review(panel, qtbot, "legal/withdrawal")
    heading = panel.heading.text()
    assert "un-flagged" not in heading and "No longer flagged" not in heading
    assert ("Its text is the approved one, but its use in template(s) contract-change changed "
            "since the approval") in heading


def test_a_renamed_block_shows_where_it_comes_from(panel, qtbot, project):
    from studio.core.compliance import signoff

    signoff(project, "legal/privacy", "approve", "GDPR ok")
    git(project, "mv", "blocks/legal/privacy.md", "blocks/legal/gdpr.md")
    git(project, "mv", "blocks/legal/privacy.en.md", "blocks/legal/gdpr.en.md")
    gdpr = project / "blocks/legal/gdpr.md"
    gdpr.write_text(gdpr.read_text(encoding="utf-8").replace("per 10 anni", "per dodici anni"),
                    encoding="utf-8")
    template = project / "templates/contract-change.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "block: legal/privacy", "block: legal/gdpr"), encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Privacy becomes gdpr, twelve years")
    with qtbot.waitSignal(panel.statesChanged, timeout=WAIT):
        panel.refresh()
    assert dict(queue_rows(panel))["legal/gdpr"] == "stale · renamed"
    review(panel, qtbot, "legal/gdpr")
    assert "Renamed from legal/privacy" in panel.heading.text()
    # The changes are against the wording approved under the old name, not a whole new text.
    assert "Never approved" not in panel.changes_view.toPlainText()
    assert "dodici" in panel.changes_view.toPlainText()
    assert panel.decisions.rowCount() == 1


def test_an_interrupted_signoff_is_shown_and_finished(panel, qtbot, project, monkeypatch):
    from studio.core import compliance

    def killed(repository, path, record, who, note=""):  # the process dies after `git add`
        git(project, "add", path)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(compliance, "_commit_decision", killed)
        with pytest.raises(KeyboardInterrupt):
            compliance.signoff(project, "legal/withdrawal", "approve", "Recesso ok")
    with qtbot.waitSignal(panel.statesChanged, timeout=WAIT):
        panel.refresh()
    assert dict(queue_rows(panel))["legal/withdrawal"] == "pending · interrupted"
    review(panel, qtbot, "legal/withdrawal")
    assert "Interrupted sign-off" in panel.heading.text()
    assert panel.finish_button.isVisible() and panel.finish_button.isEnabled()
    with qtbot.waitSignal(panel.decided, timeout=WAIT):
        qtbot.mouseClick(panel.finish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dict(queue_rows(panel))["legal/withdrawal"] == "approved",
                    timeout=WAIT)
    assert git(project, "log", "-1", "--format=%ae").strip() == GIULIA[1]
    assert git(project, "status", "--porcelain") == ""
    assert not panel.finish_button.isVisible()


# In the window: the explorer's badges and the locked editor ---------------------------------


@pytest.fixture
def window(qtbot, project, tmp_path):
    from studio.gui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    studio = MainWindow(settings=QSettings(str(tmp_path / "studio.ini"),
                                           QSettings.Format.IniFormat))
    studio.show()  # closed below, after its buffers are dropped (not by qtbot: it would ask)
    with qtbot.waitSignal(studio.review.statesChanged, timeout=WAIT):
        studio.open_project(project)
    yield studio
    studio.session.buffers.clear()
    studio.close()
    dispose(studio)


def test_explorer_shows_owner_and_state(window, qtbot, project):
    index = window.tree_model.find("block", "legal/privacy")
    assert index.data(StateRole) == ("pending", "legal")
    assert "pending" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert window.tree_model.find("block", "common/greeting").data(StateRole) is None
    assert window.review_action.text() == "Review (5)"
    window.show_review("legal/privacy")
    assert window.in_review() and window.review.isVisible()
    assert window.review_action.isChecked()
    assert not window.previews["print"].isVisible()  # the review has its own previews
    qtbot.waitUntil(lambda: bool(window.review.panes()), timeout=WAIT)
    window.review.comment.setText("ok")
    with qtbot.waitSignal(window.review.decided, timeout=WAIT):
        window.review.decide("approve")
    qtbot.waitUntil(lambda: window.tree_model.find("block", "legal/privacy").data(StateRole)
                    == ("approved", "legal"), timeout=WAIT)
    assert window.review_action.text() == "Review (4)"
    # Activating a regulatory block in the explorer reviews it; "Open block" goes to editing.
    window.tree.expandAll()
    window._on_tree_activated(window.tree_model.find("block", "legal/withdrawal"))
    assert window.review.block == "legal/withdrawal" and window.in_review()
    qtbot.mouseClick(window.review.open_button, Qt.MouseButton.LeftButton)
    assert not window.in_review() and not window.review_action.isChecked()
    assert window.current_tab().rel == "blocks/legal/withdrawal.md"


def test_locked_editor_for_non_owners(window, qtbot, project, monkeypatch):
    from studio.core.settings import update_user_settings

    update_user_settings(author={"name": LUCA[0], "email": LUCA[1]})
    tab = window.open_file("blocks/legal/privacy.md")
    assert tab.editor.isReadOnly()
    assert "locked" in tab.banner.text() and "legal" in tab.banner.text()
    before = tab.editor.text()
    qtbot.keyClicks(tab.editor, "abc")
    assert tab.editor.text() == before
    assert "blocks/legal/privacy.md" not in window.session.buffers
    window.close_tab(window.tabs.indexOf(tab))

    update_user_settings(author={"name": GIULIA[0], "email": GIULIA[1]})
    tab = window.open_file("blocks/legal/privacy.md")
    assert not tab.editor.isReadOnly()
    assert "you are an owner" in tab.banner.text()
    qtbot.keyClicks(tab.editor, "abc")
    assert "blocks/legal/privacy.md" in window.session.buffers
