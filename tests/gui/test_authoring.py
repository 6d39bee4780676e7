"""Authoring without code (issue 19): conditions from the rule editor, a template's blocks
reordered and inserted as cards; all without typing a brace, asserted on the bytes written."""

from __future__ import annotations

import difflib
import shutil

import pytest
from PySide6.QtCore import QLocale, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from studio.core import rules
from studio.core.project import load_project
from studio.gui.rule_editor import RuleEditor, schema_fields
from tests.conftest import SAMPLE

WAIT = 90_000  # ms: the first print render starts a worker process (a loaded machine)


@pytest.fixture
def project(studio, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    # These tests are about authoring, not budgets: a loaded machine (CI, parallel runs) must
    # not fail the bill's print render on the default 10 s limit.
    config = root / "studio.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  time: 90\n",
                      encoding="utf-8")
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


def wait_for(studio, qtbot, channel):
    qtbot.waitUntil(lambda: studio.previews[channel].rendition is not None
                    and studio.previews[channel].rendition.template == "bill", timeout=WAIT)
    return studio.previews[channel]


def test_clicking_a_paragraph_in_the_print_preview_opens_its_block_there(studio, project,
                                                                          qtbot):
    pane = wait_for(studio, qtbot, "print")
    page, top = pane.rendition.facts["block_tops"]["billing/payment"]
    assert page == 2  # on the second page: the pages above it count
    # A reader reading the print: the pane maximised, zoomed in. The view's own navigation
    # puts the paragraph (22 points into the block) 12 points below the top of the view; a
    # reader's click lands there.
    studio.maximize_channel("print")
    qtbot.waitUntil(lambda: pane._view.viewport().width() > 600, timeout=WAIT)
    for _ in range(3):
        pane.zoom_in()
    qtbot.waitUntil(lambda: pane._view.verticalScrollBar().maximum() > 1000, timeout=WAIT)
    pane.go_to_place(page - 1, top + 22)
    scale = pane.zoom_factor() * pane._view.logicalDpiY() / 72
    viewport = pane._view.viewport()
    with qtbot.waitSignal(pane.blockClicked, timeout=WAIT) as clicked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton,
                         pos=viewport.rect().topLeft() + QPoint(viewport.width() // 2,
                                                                round(12 * scale)))
    studio.maximize_channel(None)
    assert clicked.args[0] == "billing/payment"
    assert clicked.args[1].startswith("L'importo di")
    tab = studio.current_tab()
    assert tab.rel == "blocks/billing/payment.md"
    line = tab.editor.textCursor().block().text()
    assert line.startswith("L'importo di **{{ invoice.total")
    # The visual editor (the default view) has its cursor on the same paragraph.
    assert tab.views.is_visual()
    assert "L'importo di" in tab.views.visual.textCursor().block().text()


def test_clicking_a_paragraph_in_the_email_and_mobile_previews_opens_its_block(studio, project,
                                                                                qtbot):
    for channel in ("email", "mobile"):
        pane = wait_for(studio, qtbot, channel)
        qtbot.waitUntil(lambda p=pane: p.html() != "", timeout=WAIT)
        view = pane.view()
        place = ""
        for _ in range(120):  # the page loads after the rendition arrives: ask until it is there
            found: list = []
            view.page().runJavaScript(
                "(function(){var p=document.querySelector("
                "'[data-block=\"common/contacts\"] li');if(!p)return '';"
                "p.scrollIntoView({block:'center'});var r=p.getBoundingClientRect();"
                "return (r.left+r.width*0.75)+' '+(r.top+r.height/2);})()",
                QWebEngineScript.ScriptWorldId.ApplicationWorld, found.append)
            qtbot.waitUntil(lambda f=found: bool(f), timeout=WAIT)
            # Until the page has settled (loaded, fitted to the pane): the same place twice.
            if found[0] and found[0] == place:
                break
            place = found[0]
            qtbot.wait(250)
        x, y = (float(v) for v in place.split())
        zoom = view.zoomFactor()
        target = view.focusProxy() or view
        with qtbot.waitSignal(pane.blockClicked, timeout=WAIT) as clicked:
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton,
                             pos=QPoint(round(x * zoom), round(y * zoom)))
        assert clicked.args[0] == "common/contacts", channel
        tab = studio.current_tab()
        assert tab.rel == "blocks/common/contacts.md"
        assert tab.editor.textCursor().block().text().startswith("- Numero verde"), channel


def test_channel_toggles_and_a_group_of_conditions(studio, project, qtbot):
    path = project / "templates/payment-reminder.yaml"
    before = path.read_text(encoding="utf-8")
    tab = studio.open_file("templates/payment-reminder.yaml")
    view = tab.composition
    row = card_row(view, "reminder/consequences")
    select_card(qtbot, view, row)
    assert set(view.channel_buttons) == {"print", "email", "sms"}
    assert all(b.isChecked() for b in view.channel_buttons.values())  # no key: every channel
    qtbot.mouseClick(view.channel_buttons["sms"], Qt.MouseButton.LeftButton)
    assert diff(before, tab.editor.text()) == ["+    channels: [print, email]"]
    qtbot.mouseClick(view.channel_buttons["sms"], Qt.MouseButton.LeftButton)
    assert tab.editor.text() == before  # all channels again: the key goes
    # Any of: gold customers, or a reminder above 100 (a group made with the buttons).
    qtbot.mouseClick(view.condition, Qt.MouseButton.LeftButton)
    editor = view.rule_editor
    first = editor.group.members()[0]
    first.field.setCurrentIndex(first.field.findData("customer.segment"))
    qtbot.keyClicks(first.value, "gold")
    editor.group.kind.setCurrentIndex(editor.group.kind.findData("or"))
    qtbot.mouseClick(editor.group.add_group_button, Qt.MouseButton.LeftButton)
    group = editor.group.members()[1]
    inner = group.members()[0]
    inner.field.setCurrentIndex(inner.field.findData("reminder.amount_due"))
    inner.comparison.setCurrentIndex(inner.comparison.findData(rules.GREATER))
    qtbot.keyClicks(inner.value, "100")
    second = group.add_condition(None)
    second.field.setCurrentIndex(second.field.findData("customer.email"))
    second.comparison.setCurrentIndex(second.comparison.findData(rules.DEFINED))
    expected = ('customer.segment == "gold" or '
                '(reminder.amount_due > 100 and customer.email is defined)')
    assert editor.expression() == expected
    assert "True" in editor.verdict_text()  # the typical customer owes more than 100, by email
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert diff(before, tab.editor.text()) == [f"+    when: {expected}"]
    assert load_project_text_when(tab.editor.text(), "reminder/consequences") == expected
    studio.session.buffers.clear()


def load_project_text_when(text: str, block: str) -> str | None:
    from studio.core.composition import read_cards

    return next(c.when for c in read_cards(text) if c.block == block)


def outlined_in_page(qtbot, pane) -> str:
    """The data-block of each element the page shows outlined (read back from the DOM)."""
    found: list = []
    pane.view().page().runJavaScript(
        "Array.prototype.map.call(document.querySelectorAll('.missiva-outline'),"
        "function(e){return e.getAttribute('data-block')+':'+getComputedStyle(e).outlineStyle;})"
        ".join(',')", QWebEngineScript.ScriptWorldId.ApplicationWorld, found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT)
    return str(found[0])


def test_hovering_a_block_in_the_editor_outlines_it_in_every_preview(studio, project, qtbot):
    panes = {channel: wait_for(studio, qtbot, channel) for channel in ("print", "email", "mobile")}
    for channel in ("email", "mobile"):
        qtbot.waitUntil(lambda p=panes[channel]: p.html() != "", timeout=WAIT)
    printed = panes["print"]
    printed.fit_width()
    page, top = printed.rendition.facts["block_tops"]["billing/payment"]
    tab = studio.open_file("blocks/billing/payment.md")
    qtbot.wait(100)
    printed.go_to_place(page - 1, top)
    qtbot.wait(100)
    viewport = printed._view.viewport()
    before = viewport.grab().toImage()
    assert printed.outline_rects() == []

    # the mouse comes over the block's text in the editor
    qtbot.mouseMove(tab.views.visual.viewport(), QPoint(60, 40))
    qtbot.waitUntil(lambda: printed.outlined_block == "billing/payment", timeout=5000)
    rects = printed.outline_rects()
    assert rects
    qtbot.wait(100)
    after = viewport.grab().toImage()
    ratio = viewport.devicePixelRatioF()
    rect = rects[0].intersected(QRectF(viewport.rect())).toRect()
    assert rect.height() > 10, (rects, viewport.rect(), printed.vertical_scroll())
    changed = outside = 0
    for y in range(0, viewport.height(), 3):
        for x in range(0, viewport.width(), 3):
            differs = before.pixel(round(x * ratio), round(y * ratio)) != \
                after.pixel(round(x * ratio), round(y * ratio))
            if rect.adjusted(-3, -3, 3, 3).contains(x, y):
                changed += differs
            else:
                outside += differs
    assert changed > 100 and outside == 0  # drawn over the block's place, nowhere else
    for channel in ("email", "mobile"):
        qtbot.waitUntil(lambda c=channel: outlined_in_page(qtbot, panes[c])
                        == "billing/payment:solid", timeout=WAIT)

    # and it goes when the mouse leaves the editor
    qtbot.mouseMove(studio.previews["sms"], QPoint(10, 10))
    qtbot.waitUntil(lambda: printed.outlined_block is None, timeout=5000)
    assert printed.outline_rects() == []
    for channel in ("email", "mobile"):
        qtbot.waitUntil(lambda c=channel: outlined_in_page(qtbot, panes[c]) == "", timeout=WAIT)


def test_clicking_the_sms_bubble_opens_the_block_that_wrote_that_line(studio, project, qtbot):
    studio.session.select(template="meter-appointment", sample="typical", locale="it")
    pane = studio.previews["sms"]
    qtbot.waitUntil(lambda: pane.rendition is not None
                    and pane.rendition.template == "meter-appointment", timeout=WAIT)
    bubble = pane.bubble()
    qtbot.waitUntil(lambda: bubble.isVisible() and bubble.height() > 40, timeout=WAIT)
    line = bubble.fontMetrics().height()
    inside = bubble.margin() + line // 2
    # the last line of the bubble: the reschedule block's SMS wording
    with qtbot.waitSignal(pane.blockClicked, timeout=WAIT) as clicked:
        qtbot.mouseClick(bubble, Qt.MouseButton.LeftButton,
                         pos=QPoint(bubble.width() // 3, bubble.height() - inside))
    assert clicked.args == ["appointment/reschedule",
                            "Per spostare l'appuntamento: 800 012 345 o "
                            "lumen-energia.example/appuntamenti"]
    tab = studio.current_tab()
    assert tab.rel == "blocks/appointment/reschedule.md"
    # its SMS wording is in the front matter: the source view, on the variant's line
    assert not tab.views.is_visual()
    assert tab.editor.textCursor().block().text().lstrip().startswith("sms:")
    # the first line: the appointment's details
    with qtbot.waitSignal(pane.blockClicked, timeout=WAIT) as clicked:
        qtbot.mouseClick(bubble, Qt.MouseButton.LeftButton, pos=QPoint(bubble.width() // 3, inside))
    assert clicked.args[0] == "appointment/details"
    assert studio.current_tab().rel == "blocks/appointment/details.md"
    assert studio.current_tab().editor.textCursor().block().text().lstrip().startswith("sms:")

    # hovering that block's source outlines its line in the bubble (a tint), not the other's
    tab = studio.open_file("blocks/appointment/reschedule.md")
    qtbot.mouseMove(tab.editor.viewport(), QPoint(80, 20))
    qtbot.waitUntil(lambda: pane.outlined_block == "appointment/reschedule", timeout=5000)
    assert pane.outlined_lines() == [1]
    qtbot.wait(50)
    image = bubble.grab().toImage()
    ratio = bubble.devicePixelRatioF()
    tint = QColor("#dbe7fd").rgb()

    def tinted(top: int, bottom: int) -> int:
        return sum(image.pixel(round(x * ratio), round(y * ratio)) == tint
                   for y in range(top, bottom) for x in range(0, bubble.width(), 2))

    assert tinted(bubble.height() - inside - line // 2, bubble.height() - inside + line // 2) > 50
    assert tinted(inside - line // 2, inside + line // 2) == 0
