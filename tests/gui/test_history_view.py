"""The history panel on a real git repository: list, compare in words and pages, restore."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser

from studio.core.history import open_repository
from studio.gui.history_view import DELETED_STYLE, INSERTED_STYLE, HistoryPanel
from tests.conftest import SAMPLE, edit, without_record_fields

PRIVACY = "blocks/legal/privacy.md"
WAIT = 60_000  # ms: the print diff renders two PDFs and rasterizes them


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The sample project under git, with three versions of the privacy notice."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key, value in {
        "MISSIVA_AUTHOR_NAME": "Giulia Bianchi",
        "MISSIVA_AUTHOR_EMAIL": "giulia.bianchi@lumen.example",
        "GIT_AUTHOR_NAME": "Giulia Bianchi",
        "GIT_AUTHOR_EMAIL": "giulia.bianchi@lumen.example",
        "GIT_COMMITTER_NAME": "Giulia Bianchi",
        "GIT_COMMITTER_EMAIL": "giulia.bianchi@lumen.example",
    }.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    repository = open_repository(root)
    target = root / PRIVACY
    original = target.read_text(encoding="utf-8")
    second = original.replace("dpo@lumen-energia.example", "privacy@lumen-energia.example")
    third = second.replace("per 10 anni", "per dieci anni")
    assert original != second != third
    for day, (text, message) in enumerate(
        [
            (original, "Import the Lumen Energia project"),
            (second, "Updated DPO address"),
            (third, "Retention period in words"),
        ],
        start=1,
    ):
        target.write_text(text, encoding="utf-8")
        stamp = f"2026-03-0{day}T10:00:00+01:00"
        monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
        repository.commit(message, None if day == 1 else [PRIVACY])
    yield root, (original, second, third)
    repository.close()


@pytest.fixture
def panel(qtbot, project):
    root, _ = project
    widget = HistoryPanel()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=WAIT):  # git log runs in a worker process
        widget.set_item(root, PRIVACY, "Informativa privacy")
    widget.show()
    return widget


def _messages(panel):
    model = panel.model()
    return [model.index(row, 2).data() for row in range(panel.row_count())]


def test_lists_the_versions_newest_first(panel):
    assert panel.row_count() == 3
    assert _messages(panel) == [
        "Retention period in words",
        "Updated DPO address",
        "Import the Lumen Energia project",
    ]
    model = panel.model()
    assert model.index(0, 1).data() == "Giulia Bianchi"
    assert model.index(0, 0).data().startswith("3 March 2026")
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Date",
        "Author",
        "Message",
        "Tags",
    ]


def test_compare_two_versions_shows_the_changed_words(panel, qtbot):
    panel.select_rows([0, 1])
    dialog = panel.compare()
    qtbot.addWidget(dialog)
    assert dialog.header_text == (
        "block legal/privacy — Giulia Bianchi, 2 March 2026 “Updated DPO address” → "
        "Giulia Bianchi, 3 March 2026 “Retention period in words”"
    )
    assert f'<span style="{DELETED_STYLE}">10</span>' in dialog.source_html
    assert f'<span style="{INSERTED_STYLE}">dieci</span>' in dialog.source_html
    assert "dieci" in dialog.source_view.toPlainText()
    text = dialog.source_view.toPlainText()
    assert "I dati sono comunicati" in text  # the changed paragraph, whole
    assert "privacy@lumen-energia.example" not in text  # unchanged paragraphs left out: ⋯
    assert dialog.tabs.count() == 1  # no preview context: only the text


def test_one_version_compares_with_the_working_copy(panel, qtbot):
    panel.select_rows([2])
    dialog = panel.compare()
    qtbot.addWidget(dialog)
    assert dialog.header_text.endswith("“Import the Lumen Energia project” → working copy")
    assert f'<span style="{DELETED_STYLE}">dpo</span>' in dialog.source_html


def test_compare_with_preview_context_shows_changed_print_pages(panel, qtbot, tmp_path):
    panel.set_preview_context("contract-change", "typical", "it", ["sms", "email", "print"])
    panel.select_rows([0, 1])
    dialog = panel.compare()
    qtbot.addWidget(dialog)
    dialog.resize(1100, 800)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Text",
        "sms",
        "email",
        "print",
    ]
    qtbot.waitUntil(lambda: not dialog.is_rendering(), timeout=WAIT)
    sms = dialog.channel_tabs["sms"]
    assert isinstance(sms, QLabel) and "not sent by sms" in sms.text()
    assert dialog.page_images["print"]
    pictures = [
        label
        for label in dialog.channel_tabs["print"].findChildren(QLabel)
        if not label.pixmap().isNull()
    ]
    assert pictures
    email = dialog.channel_tabs["email"].toPlainText()
    assert "block legal/privacy" in email and "dieci" in email
    dialog.tabs.setCurrentWidget(dialog.channel_tabs["print"])
    assert dialog.grab().save(str(tmp_path / "compare-print.png"))
    dialog.tabs.setCurrentIndex(0)
    assert dialog.grab().save(str(tmp_path / "compare.png"))


def test_restore_the_oldest_version_adds_a_commit(panel, project, qtbot):
    root, (original, _, _) = project
    asked = []

    def confirm(rev, rel):
        asked.append((rev, rel))
        return True

    panel.confirm_restore = confirm
    oldest = panel.model().revision(2).commit
    panel.select_rows([2])
    with qtbot.waitSignal(panel.restored, timeout=WAIT) as signal:
        assert panel.restore_selected()
    assert signal.args == [PRIVACY]
    assert asked == [(oldest, PRIVACY)]
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=root, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.splitlines()) == 4
    assert (root / PRIVACY).read_text(encoding="utf-8") == original
    qtbot.waitUntil(lambda: panel.row_count() == 4, timeout=WAIT)
    assert _messages(panel)[0].startswith("Restore block legal/privacy")


def test_restore_declined_changes_nothing(panel, project):
    root, (_, _, third) = project
    panel.confirm_restore = lambda rev, rel: False
    panel.select_rows([2])
    assert not panel.restore_selected()
    assert panel.row_count() == 3
    assert (root / PRIVACY).read_text(encoding="utf-8") == third


def test_compare_across_a_schema_that_gained_fields_renders_and_says_so(
    project, qtbot, monkeypatch
):
    """The reviewer's before/after must not fail because the record gained fields since."""
    root, _ = project
    repository = open_repository(root)
    restore = without_record_fields(root, "consent", "preferred_channel")
    edit(root, PRIVACY, "per dieci anni", "per undici anni")
    repository.commit("Records as they were before consent; eleven years", None)
    restore()
    repository.commit("Records carry consent and the preferred channel", None)
    edit(root, PRIVACY, "per undici anni", "per dodici anni")
    repository.commit("Retention period: twelve years", [PRIVACY])
    widget = HistoryPanel()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=WAIT):
        widget.set_item(root, PRIVACY, "Informativa privacy")
    widget.set_preview_context("contract-change", "typical", "it", ["email"])
    widget.select_rows([0, 1])  # newest privacy edit against the one before the schema grew
    dialog = widget.compare()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.is_rendering(), timeout=WAIT)
    shown = dialog.channel_tabs["email"]
    notes = [label.text() for label in shown.findChildren(QLabel, "compare-note")]
    assert notes and "customer.consent" in notes[0]
    [view] = shown.findChildren(QTextBrowser)
    assert "dodici" in view.toPlainText() and "Could not compare" not in view.toPlainText()
