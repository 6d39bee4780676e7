"""The source editor: edits, gutter, problem marks, highlighting, completion, navigation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCharFormat, QTextFormat
from PySide6.QtWidgets import QApplication, QToolTip

from studio.core.problems import Severity, error, warning
from studio.gui.editor import CodeEditor

BLOCK = """---
title: Privacy
owner: legal
---
# Privacy

Dear {{ customer.name }}, we process your data under **GDPR**.
{% if customer.email is defined %}We write to {{ customer.email }}.{% endif %}
Plain prose.
"""

WORDS = ["customer.name", "customer.email", "invoice.lines", "legal/privacy", "currency"]


@pytest.fixture
def editor(qtbot):
    widget = CodeEditor()
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.setFocus()
    return widget


def line_pos(editor: CodeEditor, line: int) -> QPoint:
    """A viewport point in the middle of 1-based `line`."""
    block = editor.document().findBlockByNumber(line - 1)
    rect = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
    return QPoint(20, int(rect.center().y()))


def formats_at(editor: CodeEditor, line: int, column: int) -> QTextCharFormat:
    """The highlighter's format at 0-based `column` of 1-based `line` (default if none)."""
    block = editor.document().findBlockByNumber(line - 1)
    for span in block.layout().formats():
        if span.start <= column < span.start + span.length:
            return QTextCharFormat(span.format)  # a copy: the range owns its format
    return QTextCharFormat()


# Text and the edited signal -------------------------------------------------------------


def test_typing_emits_edited_but_set_text_does_not(editor, qtbot):
    seen = []
    editor.edited.connect(lambda: seen.append(True))

    editor.set_text(BLOCK)
    editor.set_language("block")
    editor.set_problems([error("blocks/p.md", 1, 0, "x")])
    editor.go_to(3)
    assert seen == []
    assert editor.text() == BLOCK
    assert not editor.document().isUndoAvailable()  # loading a file is not an undoable edit

    with qtbot.waitSignal(editor.edited, timeout=1000):
        qtbot.keyClicks(editor, "x")
    assert "\nxowner: legal\n" in editor.text()  # typed where go_to put the cursor
    assert editor.document().isUndoAvailable()


def test_set_language_rejects_unknown_kinds(editor):
    editor.set_language("json")
    assert editor.language() == "json"
    with pytest.raises(ValueError, match="unknown language"):
        editor.set_language("markdown")


# Gutter ------------------------------------------------------------------------------------


def test_gutter_grows_with_the_number_of_lines(editor):
    editor.set_text("one line")
    narrow = editor.gutter_width()
    editor.set_text("\n".join(f"line {n}" for n in range(1200)))
    assert editor.blockCount() == 1200
    assert editor.gutter_width() > narrow
    assert editor.viewportMargins().left() == editor.gutter_width()
    gutter = editor.childAt(2, 10)  # the strip left of the text
    assert gutter is not editor.viewport()
    assert gutter.width() == editor.gutter_width()


# Problems ----------------------------------------------------------------------------------


def problem_selections(editor: CodeEditor):
    return [
        selection
        for selection in editor.extraSelections()
        if selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    ]


def test_problems_underline_their_line_in_the_severity_colour(editor):
    editor.set_text(BLOCK)
    problems = [error("blocks/p.md", 7, 6, "undefined variable 'customer.name'")]
    editor.set_problems(problems)

    assert editor.problems() == problems
    (selection,) = problem_selections(editor)
    cursor = selection.cursor
    assert cursor.block().blockNumber() == 6
    assert cursor.selectionStart() - cursor.block().position() == 5  # col 6, 1-based
    assert cursor.selectedText() == "{{ customer.name }}, we process your data under **GDPR**."
    assert selection.format.underlineColor() == editor.severity_color(Severity.ERROR)
    assert editor.severity_color(Severity.ERROR) != editor.severity_color(Severity.WARNING)

    # The current-line highlight is still there alongside the problem marks.
    assert any(
        s.format.property(QTextFormat.Property.FullWidthSelection) for s in editor.extraSelections()
    )


def test_whole_line_and_whole_file_problems(editor):
    editor.set_text(BLOCK)
    editor.set_problems(
        [warning("blocks/p.md", 2, 0, "title is short"), error("blocks/p.md", 0, 0, "broken")]
    )
    by_line = {s.cursor.block().blockNumber(): s for s in problem_selections(editor)}
    assert by_line[1].cursor.selectedText() == "title: Privacy"
    assert by_line[1].format.underlineColor() == editor.severity_color(Severity.WARNING)
    assert by_line[0].cursor.selectedText() == "---"  # line 0 = the whole file, shown on line 1
    assert by_line[0].format.underlineColor() == editor.severity_color(Severity.ERROR)

    editor.set_problems([])
    assert problem_selections(editor) == []
    assert editor.problems() == []


def test_problem_tooltip_at_its_line(editor, qtbot):
    editor.set_text(BLOCK)
    editor.set_problems([error("blocks/p.md", 7, 9, "undefined variable 'customer.name'")])

    assert editor.problem_tooltip_at(line_pos(editor, 7)) == (
        "error: undefined variable 'customer.name'"
    )
    assert editor.problem_tooltip_at(line_pos(editor, 6)) == ""
    assert editor.problem_tooltip_at(QPoint(20, editor.viewport().height() - 2)) == ""

    # The same text through Qt's own tooltip event, as a hovering mouse would send it.
    pos = line_pos(editor, 7)
    viewport = editor.viewport()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text() == "error: undefined variable 'customer.name'"
    QToolTip.hideText()


def test_gutter_shows_a_marker_in_the_error_colour(editor):
    editor.set_text(BLOCK)
    editor.set_problems([error("blocks/p.md", 7, 0, "broken line")])
    image = editor.grab().toImage()

    block = editor.document().findBlockByNumber(6)
    rect = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
    top = editor.contentsRect().top() + int(rect.top())
    wanted = editor.severity_color(Severity.ERROR)

    def near(color: QColor) -> bool:
        return all(
            abs(a - b) <= 8 for a, b in zip(color.getRgb()[:3], wanted.getRgb()[:3], strict=True)
        )

    def marked(first_row: int, last_row: int) -> bool:
        return any(
            near(image.pixelColor(x, y))
            for y in range(first_row, last_row)
            for x in range(editor.contentsRect().left(), editor.gutter_width())
        )

    assert marked(top, top + int(rect.height()))
    line_one = editor.blockBoundingGeometry(editor.document().firstBlock())
    assert not marked(editor.contentsRect().top(), int(line_one.bottom()))


def test_colours_follow_a_dark_palette(editor):
    editor.set_language("block")
    editor.set_text(BLOCK)
    column = editor.document().findBlockByNumber(6).text().index("customer")
    light_jinja = formats_at(editor, 7, column).foreground().color()
    light_error = editor.severity_color(Severity.ERROR)

    dark = QPalette(editor.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#d4d4d4"))
    editor.setPalette(dark)

    dark_jinja = formats_at(editor, 7, column).foreground().color()
    assert dark_jinja.lightness() > light_jinja.lightness() + 60  # light text on dark Base
    assert editor.severity_color(Severity.ERROR).lightness() > light_error.lightness()


# Highlighting ------------------------------------------------------------------------------


def test_jinja_is_highlighted_differently_from_prose(editor):
    editor.set_language("block")
    editor.set_text(BLOCK)
    line = editor.document().findBlockByNumber(6).text()
    assert line.startswith("Dear {{")

    plain = formats_at(editor, 7, 0)
    opening = formats_at(editor, 7, line.index("{{"))
    name = formats_at(editor, 7, line.index("customer"))
    assert opening.foreground().color() != plain.foreground().color()
    assert name.foreground().color() != plain.foreground().color()
    assert name.background() != plain.background()

    statement = editor.document().findBlockByNumber(7).text()
    keyword = formats_at(editor, 8, statement.index("if"))
    assert keyword.fontWeight() == 700  # {% if %}: keywords are bold

    # Plain text: no formats at all.
    editor.set_language("text")
    assert editor.document().findBlockByNumber(6).layout().formats() == []


def test_front_matter_is_yaml_and_the_body_is_markdown(editor):
    editor.set_language("block")
    editor.set_text("---\ntitle: A\n---\ntitle: not a key\n# Heading\n")
    key_in_front = formats_at(editor, 2, 0)
    same_in_body = formats_at(editor, 4, 0)
    heading = formats_at(editor, 5, 3)
    assert key_in_front.foreground().color() != same_in_body.foreground().color()
    assert heading.fontWeight() == 700

    # Removing the opening `---` turns the whole file into body.
    editor.set_text("title: A\n---\n")
    assert formats_at(editor, 1, 0).foreground().color() == same_in_body.foreground().color()


def test_yaml_and_json_keys_strings_and_comments(editor):
    editor.set_language("yaml")
    editor.set_text('primary: "#0b5fff"  # brand colour\n')
    key, string, comment = (formats_at(editor, 1, c) for c in (0, 10, 21))
    assert (
        len(
            {
                key.foreground().color().name(),
                string.foreground().color().name(),
                comment.foreground().color().name(),
            }
        )
        == 3
    )
    assert comment.fontItalic() and not string.fontItalic()  # '#' inside a string is no comment

    editor.set_language("json")
    editor.set_text('{"total": 12.5, "name": "x"}')
    key, number, value = (formats_at(editor, 1, c) for c in (2, 10, 25))
    assert (
        len(
            {
                key.foreground().color().name(),
                number.foreground().color().name(),
                value.foreground().color().name(),
            }
        )
        == 3
    )


# Completion --------------------------------------------------------------------------------


def completions(editor: CodeEditor) -> list[str]:
    model = editor.completer().completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_completion_pops_up_in_jinja_and_inserts_the_choice(editor, qtbot):
    editor.set_completions(WORDS)
    popup = editor.completer().popup()

    qtbot.keyClicks(editor, "{{ cus")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert completions(editor) == ["customer.email", "customer.name"]

    popup.setCurrentIndex(editor.completer().completionModel().index(1, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # a real key press goes to the popup
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=2000)
    assert editor.text() == "{{ customer.name"


def test_tab_accepts_and_the_whole_word_is_replaced(editor, qtbot):
    editor.set_completions(WORDS)
    editor.set_text("{{ cuXX }}")
    cursor = editor.textCursor()
    cursor.setPosition(len("{{ cu"))
    editor.setTextCursor(cursor)
    popup = editor.completer().popup()

    qtbot.keyClicks(editor, "s")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert not popup.isVisible()
    assert editor.text() == "{{ customer.email }}"


def test_completion_stays_away_from_prose_unless_forced(editor, qtbot):
    editor.set_completions(WORDS)
    popup = editor.completer().popup()

    qtbot.keyClicks(editor, "Dear cus")
    assert not popup.isVisible()

    qtbot.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert "customer.name" in completions(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not popup.isVisible()


@pytest.mark.parametrize("prefix", ['{{ block("le', "  - block: le", "{% if x %}{{ le"])
def test_block_ids_complete_where_a_block_is_named(editor, qtbot, prefix):
    editor.set_completions(WORDS)
    popup = editor.completer().popup()
    qtbot.keyClicks(editor, prefix)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert completions(editor) == ["legal/privacy"]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.text().endswith("legal/privacy")


def test_a_closed_expression_is_not_completed(editor, qtbot):
    editor.set_completions(WORDS)
    qtbot.keyClicks(editor, "{{ x }} cus")
    assert not editor.completer().popup().isVisible()


# Navigation and typing ---------------------------------------------------------------------


def test_go_to_moves_the_cursor_and_focuses(editor):
    editor.set_text("\n".join(f"line {n}" for n in range(1, 301)))
    editor.clearFocus()
    editor.go_to(250, 3)
    cursor = editor.textCursor()
    assert cursor.blockNumber() == 249
    assert cursor.positionInBlock() == 2
    assert editor.firstVisibleBlock().blockNumber() > 200  # scrolled to it
    assert editor.hasFocus()

    editor.go_to(0)
    assert editor.textCursor().blockNumber() == 0
    editor.go_to(10_000)
    assert editor.textCursor().blockNumber() == 299


def test_enter_keeps_the_indentation(editor, qtbot):
    editor.set_language("yaml")
    editor.set_text("body:\n    - block: a")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "x")
    assert editor.text() == "body:\n    - block: a\n    x"

    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.text().endswith("\n    x\n    ")  # a real newline, not U+2028


def test_tab_inserts_two_spaces_and_backtab_removes_them(editor, qtbot):
    qtbot.keyClicks(editor, "a")
    editor.moveCursor(editor.textCursor().MoveOperation.StartOfLine)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.text() == "  a"
    assert editor.hasFocus()  # Tab did not move the focus away

    qtbot.keyClick(editor, Qt.Key.Key_Backtab)
    assert editor.text() == "a"


def test_tab_indents_every_selected_line_in_one_undo_step(editor, qtbot):
    editor.set_text("a\nb\nc")
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.text() == "  a\n  b\n  c"
    editor.undo()
    assert editor.text() == "a\nb\nc"
