"""The visual block editor: every sample block through the rich text and back byte for byte,
key edits that change only the lines they touch, a field inserted from the Data panel with a
currency format without typing a brace, and a regulatory block that stays locked."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from studio.core.resources import sample_project
from studio.gui.visual_editor import CHIP, LABEL, SOURCE, STATE, STYLE_TINT, BlockViews

SAMPLE_BLOCKS = sorted((sample_project() / "blocks").rglob("*.md"))
WAIT = 30_000


@pytest.fixture
def views(qtbot):
    source = QPlainTextEdit()
    widget = BlockViews(source)
    widget.visual.values = lambda expressions: {e: f"«{e}»" for e in expressions}
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old lines, new lines) of each change a line diff finds."""
    a, b = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [("\n".join(a[i1:i2]), "\n".join(b[j1:j2]))
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def chips(views: BlockViews) -> list[tuple[str, str, str]]:
    """(source, state, label) of every chip in the visual editor, in order."""
    found = []
    block = views.visual.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.objectType() == CHIP:
                found += [(fmt.property(SOURCE), fmt.property(STATE), fmt.property(LABEL))] \
                    * fragment.text().count("\ufffc")
            iterator += 1
        block = block.next()
    return found


def cursor_after(views: BlockViews, words: str) -> None:
    """Put the visual editor's cursor right after WORDS (in its visible text)."""
    document = views.visual.document()
    found = document.find(words)
    assert not found.isNull(), words
    cursor = views.visual.textCursor()
    cursor.setPosition(found.selectionEnd())
    views.visual.setTextCursor(cursor)
    views.visual.setFocus()


@pytest.mark.parametrize("path", SAMPLE_BLOCKS,
                         ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_sample_block_through_the_rich_text_is_the_same_bytes(views, path: Path):
    text = path.read_text(encoding="utf-8")
    views.source.setPlainText(text)
    assert views.is_visual()
    assert views.visual.markdown() == text
    assert views.source.toPlainText() == text  # opening wrote nothing


def test_blocks_of_the_generated_library_through_the_rich_text_are_the_same_bytes(
        views, library_1000):
    paths = sorted((library_1000 / "blocks").rglob("*.md"))
    assert len(paths) >= 1000
    for path in paths:
        text = path.read_text(encoding="utf-8")
        views.source.setPlainText(text)
        assert views.visual.markdown() == text, path
        assert views.source.toPlainText() == text, path


def test_typing_in_a_generated_block_changes_only_that_line(views, qtbot, library_1000):
    text = (library_1000 / "blocks/section12/b0012.md").read_text(encoding="utf-8")
    views.source.setPlainText(text)
    cursor_after(views, "this is paragraph 12")
    qtbot.keyClicks(views.visual, " (updated)")
    changes = changed_lines(text, views.source.toPlainText())
    assert len(changes) == 1
    old, new = changes[0]
    assert new == old.replace("paragraph 12", "paragraph 12 (updated)")


def test_fields_show_as_chips_with_the_sample_value(views):
    views.source.setPlainText((sample_project() / "blocks/reminder/notice.md").read_text())
    shown = chips(views)
    assert ("{{ invoice.number }}", "field", "«invoice.number»") in shown
    # the source holds the expression, the page shows the value
    assert "invoice.number" not in views.visual.toPlainText()
    # and the chip takes the room of its label (the layout asks the chip's handler)
    found = views.visual.document().find("la bolletta n. ")
    at = found.selectionEnd()  # the chip's character
    assert views.visual.document().characterAt(at) == "\ufffc"
    cursor = QTextCursor(views.visual.document())
    cursor.setPosition(at)
    left = views.visual.cursorRect(cursor).x()
    cursor.setPosition(at + 1)
    width = views.visual.cursorRect(cursor).x() - left
    label_width = views.visual.fontMetrics().horizontalAdvance("«invoice.number»")
    assert width >= label_width


def test_typing_in_a_paragraph_changes_only_its_line(views, qtbot):
    text = (sample_project() / "blocks/reminder/notice.md").read_text()
    views.source.setPlainText(text)
    cursor_after(views, "scusarci per il disturbo.")
    qtbot.keyClicks(views.visual, " Grazie.")
    after = views.source.toPlainText()
    changes = changed_lines(text, after)
    assert len(changes) == 1
    old, new = changes[0]
    assert old.endswith("scusarci per il disturbo.") and new == old + " Grazie."


def test_enter_makes_a_new_paragraph_and_moves_nothing_else(views, qtbot):
    text = (sample_project() / "blocks/reminder/notice.md").read_text()
    views.source.setPlainText(text)
    cursor_after(views, "scusarci per il disturbo.")
    qtbot.keyClick(views.visual, Qt.Key.Key_Return)
    qtbot.keyClicks(views.visual, "Cordiali saluti")
    assert views.source.toPlainText() == text.rstrip("\n") + "\n\nCordiali saluti\n"


def test_bold_and_a_list_item_by_keys_touch_only_their_lines(views, qtbot):
    path = sample_project() / "blocks/common/contacts.md"
    text = path.read_text()
    views.source.setPlainText(text)
    # a word made bold with Ctrl+B
    views.visual.setTextCursor(views.visual.document().find("Email"))  # the word selected
    qtbot.keyClick(views.visual, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    # and a new list item after the third
    cursor_after(views, "clienti@lumen-energia.example")
    qtbot.keyClick(views.visual, Qt.Key.Key_Return)
    qtbot.keyClicks(views.visual, "Chat: nell'app")
    after = views.source.toPlainText()
    assert changed_lines(text, after) == [
        ("- Email: clienti@lumen-energia.example",
         "- **Email**: clienti@lumen-energia.example\n- Chat: nell'app")]


def test_a_table_is_edited_in_its_cells_and_only_the_row_changes(views, qtbot):
    text = (sample_project() / "blocks/appointment/details.md").read_text()
    views.source.setPlainText(text)
    found = views.visual.document().find("Tecnico", 0, QTextDocument.FindFlag.FindCaseSensitively)
    table = found.currentTable()
    assert table is not None and (table.rows(), table.columns()) == (6, 2)
    # the technician's cell: a chip in a cell of the table, not the table's source
    cell = table.cellAt(found)
    value = table.cellAt(cell.row(), 1)
    assert views.visual.document().characterAt(value.firstPosition()) == "\ufffc"
    cursor = value.lastCursorPosition()
    views.visual.setTextCursor(cursor)
    views.visual.setFocus()
    qtbot.keyClicks(views.visual, " (Lumen)")
    cursor_after(views, "Fascia oraria")
    qtbot.keyClick(views.visual, Qt.Key.Key_Home)
    qtbot.keyClicks(views.visual, "La ")
    assert changed_lines(text, views.source.toPlainText()) == [
        ("| Fascia oraria | dalle {{ appointment.time_from }} alle {{ appointment.time_to }} |\n"
         "| Tecnico | {{ appointment.technician }} |",
         "| La Fascia oraria | dalle {{ appointment.time_from }} alle {{ appointment.time_to }} |\n"
         "| Tecnico | {{ appointment.technician }} (Lumen) |")]


def test_tab_moves_between_cells_and_past_the_last_adds_a_row(views, qtbot):
    text = (sample_project() / "blocks/billing/summary.md").read_text()
    views.source.setPlainText(text)
    table = views.visual.document().find("Scadenza").currentTable()
    views.visual.setTextCursor(table.cellAt(0, 0).lastCursorPosition())
    views.visual.setFocus()
    for _ in range(4):  # through the 2 × 2 table's cells, then past the last one
        qtbot.keyClick(views.visual, Qt.Key.Key_Tab)
    qtbot.keyClicks(views.visual, "Rate")
    qtbot.keyClick(views.visual, Qt.Key.Key_Tab)
    qtbot.keyClicks(views.visual, "no")
    last_row = next(line for line in text.split("\n") if line.startswith("| **{{ invoice.total"))
    after = views.source.toPlainText()
    assert changed_lines(text, after) == [("", "| Rate | no |")]  # one line added, nothing else
    assert last_row + "\n| Rate | no |\n" in after
    qtbot.keyClick(views.visual, Qt.Key.Key_Backtab)  # back to the new row's first cell
    assert views.visual.textCursor().block().text() == "Rate"


def test_a_named_style_from_the_style_box_is_written_as_its_attribute(views, qtbot):
    text = (sample_project() / "blocks/reminder/notice.md").read_text()
    views.source.setPlainText(text)
    views.set_styles(["highlight", "note"])
    assert views.styles() == ["highlight", "note"]
    cursor_after(views, "scusarci per il disturbo.")
    box = views.style_box
    box.setCurrentIndex(box.findData("note") - 1)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the author picks "Style: note"
    [(old, new)] = changed_lines(text, views.source.toPlainText())
    assert old.endswith("scusarci per il disturbo.") and new == old + " {.note}"
    assert views.visual.textCursor().blockFormat().background().color() == STYLE_TINT
    # and back to a plain paragraph: the file as it was
    box.setCurrentIndex(1)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert views.source.toPlainText() == text


def test_a_source_edit_shows_in_the_visual_view(views, qtbot):
    views.source.setPlainText("---\ntitle: T\n---\nCiao {{ customer.name }}.\n")
    views.show_source()
    cursor = views.source.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    views.source.setTextCursor(cursor)
    qtbot.keyClick(views.source, Qt.Key.Key_Return)
    qtbot.keyClicks(views.source, "## Nuovo titolo")
    views.show_visual()
    assert "Nuovo titolo" in views.visual.toPlainText()
    heading = views.visual.document().findBlockByNumber(1)
    assert heading.blockFormat().headingLevel() == 2


# In the studio window -----------------------------------------------------------------------


@pytest.fixture
def project(studio, tmp_path, qtbot, monkeypatch):
    # no author configured: regulatory blocks are locked
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("question", "warning", "critical"):  # a test never waits on a person
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Cancel)
    root = tmp_path / "lumen"
    shutil.copytree(sample_project(), root)
    studio.session.buffers.clear()
    studio.open_project(root)
    studio.session.select(template="payment-reminder", sample="typical", locale="it")
    yield root
    studio.session.buffers.clear()
    for index in reversed(range(studio.tabs.count())):
        studio.tabs.removeTab(index)


def test_the_data_panel_lists_the_schema_with_sample_values(studio, project):
    panel = studio.fields.panel
    index = panel.item_for("invoice.total")
    assert index.isValid()
    assert index.siblingAtColumn(1).data() == "359,63"  # as printed in Italian
    due = panel.item_for("invoice.due_date")
    assert due.siblingAtColumn(1).data() == "25 marzo 2026"
    assert "customer.name" in (panel.item_for("customer.name").data(Qt.ItemDataRole.ToolTipRole)
                               or "")


def test_insert_a_currency_field_without_typing_a_brace(studio, project, qtbot):
    rel = "blocks/reminder/notice.md"
    tab = studio.open_file(rel)
    assert tab.views is not None and tab.views.is_visual()
    text = tab.editor.text()
    cursor_after(tab.views, "scusarci per il disturbo.")
    qtbot.keyClicks(tab.views.visual, " Totale: ")
    panel = studio.fields.panel
    index = panel.item_for("invoice.total")
    panel.view.scrollTo(index)
    rect = panel.view.visualRect(index)
    # a double-click as the mouse makes it: press, release, then the double-click
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    menu = panel.format_menu
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    currency = next(a for a in menu.actions() if a.data() == "currency")
    currency.trigger()
    menu.close()
    expected = text.replace("scusarci per il disturbo.",
                            "scusarci per il disturbo. Totale: {{ invoice.total | currency }}")
    assert tab.editor.text() == expected
    assert studio.session.buffers[rel] == expected  # the same buffer the source editor feeds
    assert ("{{ invoice.total | currency }}", "field", "359,63\u00a0€") in chips(tab.views)
    # the previews follow: the email shows the amount in the new sentence
    qtbot.waitUntil(lambda: studio.previews["sms"].rendition is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: studio.previews["email"].rendition is not None and b"Totale:" in
                    studio.previews["email"].rendition.content, timeout=WAIT)
    studio.session.drop_buffer(rel)


def test_an_unknown_field_is_marked(studio, project, qtbot):
    tab = studio.open_file("blocks/reminder/notice.md")
    cursor_after(tab.views, "scusarci per il disturbo.")
    assert tab.views.insert_field("{{ customer.iban }}")
    assert ("{{ customer.iban }}", "unknown", "⚠ customer.iban") in chips(tab.views)
    studio.session.drop_buffer("blocks/reminder/notice.md")


def test_a_locked_regulatory_block_refuses_visual_edits(studio, project, qtbot):
    rel = "blocks/legal/privacy.md"
    tab = studio.open_file(rel)
    assert tab.editor.isReadOnly() and tab.views.visual.isReadOnly()
    assert tab.banner.isVisible() and "locked" in tab.banner.text()
    before = tab.editor.text()
    cursor_after(tab.views, "titolare del trattamento")
    qtbot.keyClicks(tab.views.visual, "MODIFICA")
    qtbot.keyClick(tab.views.visual, Qt.Key.Key_Return)
    qtbot.keyClick(tab.views.visual, Qt.Key.Key_Backspace)
    assert not tab.views.insert_field("{{ customer.name }}")
    studio.fields.insert("{{ customer.name }}")  # as the Data panel would: refused, said so
    assert "locked" in studio.statusBar().currentMessage()
    assert tab.editor.text() == before
    assert rel not in studio.session.buffers
    assert (project / rel).read_text() == before


def test_typing_in_the_visual_view_keeps_no_break_spaces_it_did_not_touch(views, qtbot):
    def plain_text(edit: QPlainTextEdit) -> str:
        return edit.document().toRawText().replace("\u2029", "\n")

    text = "---\ntitle: T\n---\nPrimo paragrafo.\n\nTotale:\u00a0100\u00a0€ da pagare.\n"
    views.source.setPlainText(text)
    views.show_visual()
    cursor_after(views, "Primo")
    qtbot.keyClicks(views.visual, "X")
    assert plain_text(views.source) == text.replace("Primo", "PrimoX")
    qtbot.keyClick(views.visual, Qt.Key.Key_Backspace)
    assert plain_text(views.source) == text  # back to the saved bytes: nothing unsaved
