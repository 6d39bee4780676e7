"""Authoring without code (issue 19): conditions from the rule editor, a template's blocks
reordered and inserted as cards; all without typing a brace, asserted on the bytes written."""

from __future__ import annotations

import difflib
import shutil

import pytest
from PySide6.QtCore import QLocale, QPointF, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from studio.core import rules
from studio.core.project import load_project
from studio.gui.main_window import MainWindow
from studio.gui.rule_editor import RuleEditor, schema_fields
from tests.conftest import SAMPLE

WAIT = 30_000  # ms: the first print render starts a worker process


@pytest.fixture(scope="module")
def studio(qapp, tmp_path_factory):
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path_factory.mktemp("settings")
    window = MainWindow(settings=QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    window.session.service.warm_up()
    window.show()
    yield window
    window.session.buffers.clear()
    window.close()


@pytest.fixture
def project(studio, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    studio.session.buffers.clear()
    studio.open_project(root)
    studio.session.select(template="bill", sample="typical", locale="it")
    yield root
    studio.session.buffers.clear()
    while studio.tabs.count():
        studio._close_tab_widget(studio.tabs.widget(0))


def diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  n=0, lineterm="")
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def card_row(view, block: str) -> int:
    return next(i for i, card in enumerate(view.cards) if card.block == block)


def select_card(qtbot, view, row: int) -> None:
    rect = view.list.visualItemRect(view.list.item(row))
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.list.currentRow() == row


def test_a_condition_built_in_the_rule_editor_is_written_to_the_yaml(studio, project, qtbot):
    path = project / "templates/bill.yaml"
    before = path.read_text(encoding="utf-8")
    tab = studio.open_file("templates/bill.yaml")
    view = tab.composition
    row = card_row(view, "common/contacts")
    select_card(qtbot, view, row)
    qtbot.mouseClick(view.condition, Qt.MouseButton.LeftButton)
    editor = view.rule_editor
    qtbot.waitUntil(editor.isVisible)
    # open(), not exec(): window-modal, and the test goes on while it is shown.
    assert editor.windowModality() == Qt.WindowModality.WindowModal
    condition = editor.group.members()[0]
    # Pick the field from the list as a mouse user would: by its entry, not by typing it.
    condition.field.setCurrentIndex(condition.field.findData("customer.segment"))
    assert condition.comparison.currentData() == rules.EQUALS
    qtbot.keyClicks(condition.value, "gold")
    assert editor.expression() == 'customer.segment == "gold"'
    assert "False" in editor.verdict_text()  # the typical customer is not gold
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.cards[row].when == 'customer.segment == "gold"')
    assert studio.save("templates/bill.yaml")
    after = path.read_text(encoding="utf-8")
    assert diff(before, after) == ['+    when: customer.segment == "gold"']
    assert "  - block: common/contacts\n    when: customer.segment == \"gold\"\n" in after
    contacts = [i for i in load_project(project).templates["bill"].body
                if i.block == "common/contacts"]
    assert contacts[0].when == 'customer.segment == "gold"'


def test_reordering_cards_moves_only_those_lines(studio, project, qtbot):
    path = project / "templates/contract-change.yaml"
    before = path.read_text(encoding="utf-8")
    tab = studio.open_file("templates/contract-change.yaml")
    view = tab.composition
    assert [c.block for c in view.cards][:2] == ["common/account", "common/greeting"]
    select_card(qtbot, view, 0)
    qtbot.mouseClick(view.down, Qt.MouseButton.LeftButton)  # the keyboard user's way
    assert [c.block for c in view.cards][:2] == ["common/greeting", "common/account"]
    assert view.list.currentRow() == 1
    assert studio.save("templates/contract-change.yaml")
    after = path.read_text(encoding="utf-8")
    changes = diff(before, after)
    assert sorted(line[1:] for line in changes if line[0] == "-") == sorted(
        line[1:] for line in changes if line[0] == "+")
    assert {line[1:] for line in changes} <= {"  - block: common/account",
                                              "  - block: common/greeting"}
    # Every comment of the file is still there, word for word.
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and comments == [
        line for line in after.splitlines() if line.lstrip().startswith("#")]
    # Undo in the YAML source takes the move back.
    tab.editor.undo()
    assert tab.editor.text() == before
    studio.session.buffers.clear()


def test_a_block_dragged_from_the_project_panel_is_inserted(studio, project, qtbot):
    path = project / "templates/otp.yaml"
    before = path.read_text(encoding="utf-8")
    tab = studio.open_file("templates/otp.yaml")
    view = tab.composition
    index = studio.tree_model.find("block", "common/closing")
    mime = studio.tree_model.mimeData([index])  # what dragging the explorer's row carries
    rect = view.list.visualItemRect(view.list.item(0))
    drop = QDropEvent(QPointF(rect.center().x(), rect.bottom() + 4), Qt.DropAction.CopyAction,
                      mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.list.dropEvent(drop)
    assert [c.block for c in view.cards] == ["otp/code", "common/closing"]
    # A channel toggle: the new card only on SMS is all channels of the OTP, so no key.
    assert diff(before, tab.editor.text()) == ["+  - block: common/closing"]
    studio.session.buffers.clear()


def test_rule_editor_keeps_what_it_cannot_show_and_speaks_italian(qapp, qtbot, grabs):
    from studio.gui.app import install_translations

    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        project = load_project(SAMPLE)
        record = project.samples["gold-customer"].record
        fields = schema_fields(project.schema)
        editor = RuleEditor('customer.segment == "gold" and invoice.lines | length > 0',
                            fields, record, "it")
        qtbot.addWidget(editor)
        editor.show()
        assert editor.windowTitle() == "Condizione"
        assert [type(m).__name__ for m in editor.group.members()] == ["ConditionRow"] * 2
        assert editor.verdict_text().startswith("✔ Vera per questo esempio")
        editor.resize(860, 250)
        editor.grab().save(str(grabs / "rule-editor-it.png"))
        # What the rows cannot show opens as source, verbatim, and comes back the same.
        editor.set_expression("customer.name | upper == 'MARIO'")
        assert editor.toggle.isChecked()
        assert editor.expression() == "customer.name | upper == 'MARIO'"
        editor.toggle.click()  # back to rules would lose it: it stays source
        assert editor.toggle.isChecked()
        assert editor.expression() == "customer.name | upper == 'MARIO'"
        editor.set_expression("customer.iban == 'x'")
        assert "iban" in editor.verdict_text() and "Impossibile" in editor.verdict_text()
        editor.close()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
