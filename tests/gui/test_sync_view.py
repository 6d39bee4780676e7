"""The team in the studio, against a real git daemon: the conflict dialog resolved each way,
abandon, and the Sync action's counts in the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from studio.core import sync
from studio.core.compliance import verify
from studio.gui.main_window import MainWindow
from studio.gui.sync_view import ConflictDialog
from tests.core.test_sync import (  # noqa: F401 - fixtures
    GIULIA,
    GREETING,
    PAPERLESS,
    SARA,
    become,
    conflicting,
    daemon,
    git,
    team,
    tree,
)

WAIT = 60_000  # ms: the first operation starts a worker process


@pytest.mark.parametrize(
    ("take", "expected"),
    [("mine", "Cara"), ("theirs", "Gentilissima"), ("edited", "Carissima")],
)
def test_conflict_dialog_resolves_each_way(qtbot, team, daemon, take, expected,  # noqa: F811
                                           grabs):
    giulia, sara = conflicting(team, daemon)
    result = sync.sync(sara)
    assert result.state == "conflict"
    dialog = ConflictDialog(sara, list(result.conflicts))
    qtbot.addWidget(dialog)
    assert dialog.files.count() == 1
    assert "common/greeting" in dialog.files.item(0).text()
    # Three versions, with word highlights against the common one.
    assert "Gentilissima" in dialog.theirs_view.toPlainText()
    assert "Cara" in dialog.mine_view.toPlainText()
    assert "Gentile" in dialog.base_view.toPlainText()
    assert "<span" in dialog.theirs_view.toHtml() and "color" in dialog.theirs_view.toHtml()
    # And rendered, each side from its own commit.
    qtbot.waitUntil(lambda: "Gentilissima" in dialog.rendered["theirs"].toPlainText(),
                    timeout=WAIT)
    qtbot.waitUntil(lambda: "Cara" in dialog.rendered["mine"].toPlainText(), timeout=WAIT)
    assert "Gentile" in dialog.rendered["base"].toPlainText()
    assert "Rendering" not in dialog.rendered["base"].toPlainText()
    dialog.resize(1200, 760)
    assert dialog.grab().save(str(grabs / "team-conflict.png"))
    with qtbot.waitSignal(dialog.synced, timeout=WAIT) as synced:
        if take == "edited":
            dialog.merged.setPlainText(dialog.merged.toPlainText().replace("Cara", "Carissima"))
            dialog.edited_button.click()
        else:
            (dialog.mine_button if take == "mine" else dialog.theirs_button).click()
    assert synced.args[0].ok, synced.args[0].message
    assert expected in (sara / GREETING).read_text()
    assert "in due minuti" in (sara / PAPERLESS).read_text()
    become(team.monkeypatch, GIULIA)
    assert sync.sync(giulia).ok
    assert tree(giulia) == tree(sara)
    assert verify(sara) == [] and verify(giulia) == []


def test_conflict_dialog_abandons_back_to_before(qtbot, team, daemon):  # noqa: F811
    _, sara = conflicting(team, daemon)
    before = git(sara, "rev-parse", "HEAD").strip()
    result = sync.sync(sara)
    dialog = ConflictDialog(sara, list(result.conflicts))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.abandoned, timeout=WAIT):
        dialog.abandon_button.click()
    assert git(sara, "rev-parse", "HEAD").strip() == before
    assert not sync.in_conflict(sara)
    assert "Cara" in (sara / GREETING).read_text()


def test_sync_action_counts_and_syncs_in_the_window(qapp, qtbot, team, daemon, tmp_path,  # noqa: F811
                                                   grabs):
    QStandardPaths.setTestModeEnabled(True)
    giulia, sara = team.desk("giulia", daemon), team.desk("sara", daemon)
    team.edit(sara, PAPERLESS, "in un minuto", "in due minuti", SARA)
    become(team.monkeypatch, SARA)
    assert sync.sync(sara).ok
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    git(giulia, "fetch", "-q")
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        window.open_project(giulia)
        action = window.team.sync_action
        assert action in window.toolbar.actions()
        file_menu = window.menuBar().actions()[0].menu()
        assert window.team.clone_action in file_menu.actions()
        qtbot.waitUntil(lambda: action.text() == "Sync ↑1 ↓1", timeout=WAIT)
        waiting = window.team.activity.waiting
        qtbot.waitUntil(lambda: waiting.childCount() == 1, timeout=WAIT)
        assert waiting.child(0).text(1) == f"{GIULIA[0]} <{GIULIA[1]}>"
        window.resize(1366, 768)
        window.team.dock.show()
        qtbot.wait(200)
        assert window.grab().save(str(grabs / "team-sync.png"))
        assert action.isEnabled()
        with qtbot.waitSignal(window.team.synced, timeout=WAIT) as synced:
            action.trigger()
        assert synced.args[0].ok, synced.args[0].message
        qtbot.waitUntil(lambda: action.text() == "Sync ↑0 ↓0", timeout=WAIT)
        assert "in due minuti" in (giulia / PAPERLESS).read_text()
        arrived = window.team.activity.arrived
        qtbot.waitUntil(lambda: arrived.childCount() == 1, timeout=WAIT)
        assert arrived.child(0).text(1) == f"{SARA[0]} <{SARA[1]}>"
        assert window.team.activity.waiting.childCount() == 0
        # Review shows the changes waiting on the server.
        window.review_action.trigger()
        assert window.team.dock.isVisibleTo(window)
    finally:
        window.session.buffers.clear()
        window.session.close()
        window.close()
        window.deleteLater()


def test_team_strings_are_in_italian(qapp, tmp_path):
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations
    from studio.gui.sync_view import ChangeRequestsPanel, CloneDialog

    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        conflict = sync.Conflict("blocks/a.md", "block a", "x\n", "y\n", "z\n")
        dialog = ConflictDialog(tmp_path, [conflict])
        assert dialog.mine_button.text() == "Tieni la &mia"
        assert dialog.theirs_button.text() == "Prendi la &loro"
        assert dialog.windowTitle() == "Risolvi i conflitti"
        assert CloneDialog().windowTitle() == "Apri dal server"
        panel = ChangeRequestsPanel()
        panel._show([])
        assert panel.status.text() == "0 modifiche in attesa di revisione"
        for widget in (dialog, panel):
            widget.deleteLater()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_open_from_server_clones_reports_and_cancels(qtbot, team, daemon, tmp_path):  # noqa: F811
    import socket

    from studio.gui.sync_view import CloneDialog

    dialog = CloneDialog(folder=tmp_path / "desk")
    qtbot.addWidget(dialog)
    (tmp_path / "desk").mkdir()
    # A server that accepts the connection and never answers: only Cancel ends the clone.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        dialog.url.setText(f"git://127.0.0.1:{silent.getsockname()[1]}/lumen.git")
        dialog.start()
        dialog.reject()  # closing while it runs cancels it and keeps the dialog
        qtbot.waitUntil(lambda: "cancelled" in dialog.message.text(), timeout=WAIT)
    assert not (tmp_path / "desk" / "lumen").exists()
    dialog.url.setText(daemon)
    with qtbot.waitSignal(dialog.cloned, timeout=WAIT) as cloned:
        dialog.start()
    assert (cloned.args[0] / "studio.yaml").is_file()
    assert cloned.args[0] == (tmp_path / "desk" / "lumen").resolve()


def test_review_lists_a_change_with_its_rendered_diff_and_guards_the_merge(
    qtbot, team, daemon, grabs  # noqa: F811
):
    from studio.core.history import open_repository
    from studio.gui.sync_view import ChangeRequestsPanel

    giulia, marco = team.desk("giulia", daemon), team.desk("marco", daemon)
    become(team.monkeypatch, GIULIA)
    sync.start_change(giulia, "privacy 2026")
    path = giulia / "blocks" / "legal" / "privacy.md"
    path.write_text(path.read_text() + "\nInformativa aggiornata al 2026.\n")
    open_repository(giulia).commit("Privacy: 2026 wording")
    sync.submit_change(giulia)
    panel = ChangeRequestsPanel()
    qtbot.addWidget(panel)
    panel.set_root(marco)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1, timeout=WAIT)
    item = panel.tree.topLevelItem(0)
    assert (item.text(0), item.text(2), item.text(3)) == (
        "privacy-2026", "legal/privacy", "legal/privacy: pending")
    panel.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: "Informativa aggiornata" in panel.diff_view.toPlainText(),
                    timeout=WAIT)
    panel.resize(1000, 640)
    panel.show()
    qtbot.wait(100)
    assert panel.grab().save(str(grabs / "team-change-request.png"))
    panel.merge()
    qtbot.waitUntil(lambda: "not approved" in panel.status.text(), timeout=WAIT)
    assert "change/privacy-2026" in git(team.servers / "lumen.git", "branch")


def test_an_italian_studio_says_the_sync_went_offline_in_italian(qapp, qtbot, team, daemon,  # noqa: F811
                                                                tmp_path):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QMessageBox

    from studio.gui.app import install_translations
    from tests.git_servers import free_port

    giulia = team.desk("giulia", daemon)
    team.edit(giulia, GREETING, "Gentile", "Gentilissimo", GIULIA)
    git(giulia, "remote", "set-url", "origin", f"git://127.0.0.1:{free_port()}/lumen.git")
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        window.open_project(giulia)
        with qtbot.waitSignal(window.team.synced, timeout=WAIT) as synced:
            window.team.sync()
        assert synced.args[0].state == "offline"
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "syncMessage") is not None,
                        timeout=WAIT)
        box = window.findChild(QMessageBox, "syncMessage")
        assert box.text().startswith("impossibile raggiungere il server git://127.0.0.1:")
        assert "Non si è inviato né ricevuto nulla; le tue versioni restano qui" in box.text()
        box.close()
    finally:
        window.session.buffers.clear()
        window.session.close()
        window.close()
        window.deleteLater()
        for translator in translators:
            qapp.removeTranslator(translator)


def test_a_sync_refused_for_the_rules_offers_to_take_the_commits_back(
        qapp, qtbot, team, daemon, tmp_path, grabs):  # noqa: F811
    """Sara (marketing) edited the privacy notice outside the studio and committed; Sync sends
    nothing and offers to take her unsent commits back, their changes left in her files."""
    from PySide6.QtWidgets import QMessageBox, QPushButton

    sara = team.desk("sara", daemon)
    server_main = git(team.servers / "lumen.git", "rev-parse", "main").strip()
    team.edit(sara, "blocks/legal/privacy.md", "GDPR", "GDPR (in breve)", SARA)
    become(team.monkeypatch, SARA)
    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        window.open_project(sara)
        with qtbot.waitSignal(window.team.synced, timeout=WAIT) as synced:
            window.team.sync()
        assert synced.args[0].state == "refused" and synced.args[0].base == server_main
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "syncMessage") is not None,
                        timeout=WAIT)
        box = window.findChild(QMessageBox, "syncMessage")
        assert box.text().startswith("nothing was sent: commit ")
        qtbot.wait(100)
        assert box.grab().save(str(grabs / "team-sync-refused.png"))
        box.findChild(QPushButton, "takeBack").click()
        qtbot.waitUntil(lambda: git(sara, "rev-parse", "HEAD").strip() == server_main,
                        timeout=WAIT)
        assert "GDPR (in breve)" in (sara / "blocks/legal/privacy.md").read_text()  # kept
        assert "blocks/legal/privacy.md" in git(sara, "status", "--porcelain")
        qtbot.waitUntil(lambda: "1 commit(s) taken back" in window.statusBar().currentMessage(),
                        timeout=WAIT)
        assert git(team.servers / "lumen.git", "rev-parse", "main").strip() == server_main
    finally:
        window.session.buffers.clear()
        window.session.close()
        window.close()
        window.deleteLater()
