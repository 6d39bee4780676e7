"""Finding one's way in a library of 1,000 blocks (issue 23): the explorer's filter, quick-open,
project search and Where used, on the library bench/generate.py makes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, QModelIndex, QSettings, QStandardPaths, Qt

from bench.generate import generate_library
from studio.gui.main_window import MainWindow
from studio.gui.models import IdRole, KindRole

WAIT = 60_000  # ms: opening 1,000 blocks on a busy machine


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("library") / "lib1000"
    generate_library(root, blocks=1000, commits=2)
    return root


@pytest.fixture(scope="module")
def studio(qapp, tmp_path_factory, library):
    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path_factory.mktemp("settings")
    window = MainWindow(settings=QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 960)
    window.show()
    window.open_project(library)
    yield window
    window.quick_open.hide()
    window.session.buffers.clear()
    window.close()


def _blocks_shown(window) -> list[QModelIndex]:
    """The block rows the explorer's view holds now (through its filter)."""
    model, found = window.tree.model(), []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(KindRole) == "block":
                found.append(index)
            walk(index)

    walk(QModelIndex())
    return found


def test_the_explorer_filters_to_one_block_among_a_thousand(studio, qtbot):
    assert len(studio.session.project.blocks) == 1000
    assert len(_blocks_shown(studio)) == 1000
    studio.tree.collapseAll()  # its folder is collapsed: the filter must still find it
    qtbot.keyClicks(studio.explorer_filter, "b0537")
    [shown] = _blocks_shown(studio)
    assert shown.data(IdRole) == "section17/b0537"
    assert studio.tree.isExpanded(shown.parent())  # its folder was opened to show it
    assert studio.tree.visualRect(shown).height() > 0
    # words match id, title, owner together: legal's blocks of one folder
    studio.explorer_filter.setText("legal section10")
    ids = {i.data(IdRole) for i in _blocks_shown(studio)}
    assert ids and all(i.startswith("section10/") for i in ids)
    assert all(studio.session.project.blocks[i].owner == "legal" for i in ids)
    assert len(ids) == sum(1 for b in studio.session.project.blocks.values()
                           if b.owner == "legal" and b.id.startswith("section10/"))
    studio.explorer_filter.setText("no such block anywhere")
    assert _blocks_shown(studio) == []
    studio.explorer_filter.clear()
    assert len(_blocks_shown(studio)) == 1000
    assert studio.explorer_dock.widget().minimumWidth() >= 150


def test_quick_open_opens_a_block_and_a_template(studio, qtbot):
    studio.show_quick_open()
    qtbot.waitUntil(studio.quick_open.isVisible)
    qtbot.keyClicks(studio.quick_open.query, "b0421")
    assert studio.quick_open.results.count() == 1
    qtbot.keyClick(studio.quick_open.query, Qt.Key.Key_Return)
    assert not studio.quick_open.isVisible()
    assert studio.current_tab().rel == "blocks/section01/b0421.md"
    studio.show_quick_open()
    qtbot.keyClicks(studio.quick_open.query, "lettera 7")  # a template, by its title
    labels = [studio.quick_open.results.item(i).text()
              for i in range(studio.quick_open.results.count())]
    assert labels and labels[0].startswith("letter-007")
    qtbot.keyClick(studio.quick_open.query, Qt.Key.Key_Return)
    assert studio.current_tab().rel == "templates/letter-007.yaml"


def test_project_search_finds_a_phrase_by_block_and_template(studio, qtbot, grabs):
    studio.show_search()
    assert studio.search_dock.isVisible()
    studio.search_panel.search("paragraph 537 of")
    results = studio.search_panel.results
    assert results.topLevelItemCount() == 1
    block = results.topLevelItem(0)
    assert block.text(0) == "section17/b0537" and block.text(1) == "letter-027"
    # the Italian text and its English translation, each a line naming its file; the
    # templates column is the block's: empty on its lines
    lines = [block.child(i) for i in range(block.childCount())]
    assert {line.text(0).split(":")[0] for line in lines} == {"b0537.md", "b0537.en.md"}
    assert {line.toolTip(0) for line in lines} == {"blocks/section17/b0537.md",
                                                   "blocks/section17/b0537.en.md"}
    assert all(line.text(1) == "" for line in lines)
    assert all("paragraph 537 of the section17" in line.text(0) for line in lines)
    # the shared contacts: one block, in every template
    studio.search_panel.search("800 000 000")
    assert results.topLevelItemCount() == 1
    assert results.topLevelItem(0).text(0) == "common/contacts"
    assert len(results.topLevelItem(0).text(1).split(", ")) == 50
    assert "50 template(s)" in studio.search_panel.summary.text()
    # a phrase in many blocks: grouped, one entry a block, each line under it
    studio.search_panel.search("Gentile")
    assert results.topLevelItemCount() == 999  # every block but common/contacts
    studio.search_panel.search("paragraph 537 of")
    results.setCurrentItem(results.topLevelItem(0).child(0))
    results.itemActivated.emit(results.topLevelItem(0).child(0), 0)
    assert studio.current_tab().rel == "blocks/section17/b0537.md"
    studio.grab().save(str(grabs / "search.png"))


def test_where_used_lists_every_template_through_the_blocks_between(studio, qtbot, grabs):
    studio.explorer_filter.setText("common/contacts")
    [shown] = _blocks_shown(studio)
    studio.tree.setCurrentIndex(shown)
    studio.show_where_used()  # the explorer's context menu entry
    panel = studio.where_used_panel
    assert studio.where_used_dock.isVisible()
    assert sorted(panel.templates()) == [f"letter-{n:03d}" for n in range(1, 51)]
    for row in range(panel.uses.topLevelItemCount()):
        through = panel.uses.topLevelItem(row).text(1)
        assert through.startswith("section")  # never "directly": only through other blocks
    assert "50 template(s): 0 directly, 50 through other blocks" in panel.heading.text()
    first = panel.uses.topLevelItem(0)
    includer = first.text(1)
    assert 'block("common/contacts")' in (
        studio.session.root / f"blocks/{includer}.md").read_text("utf-8")
    # what the index knows besides: the fields a block reads, and whether it is regulatory
    assert panel.facts.text() == "Reads no record field."
    studio.grab().save(str(grabs / "where-used.png"))
    panel.uses.itemActivated.emit(first, 0)
    assert studio.current_tab().rel == f"templates/{first.text(0)}.yaml"
    panel.show_block(studio.session.project, "section10/b0910")  # regulatory, a parameter
    assert panel.facts.text() == (
        "Regulatory: a change needs a sign-off. Reads 5 record field(s), its includes' too: "
        "customer.first_name, customer.last_name, invoice.due_date, invoice.number, "
        "invoice.total")  # not its parameter `emphasis`, not a record field
    studio.explorer_filter.clear()


def test_problems_say_checking_until_the_check_ends_then_follow_an_edit(studio, qtbot):
    studio.session.buffers.clear()
    # the worker says how far it got: a count, a bar that fills, a percentage in the title
    seen = []

    def progressed(done: int, total: int) -> None:
        seen.append((done, total, studio.checking_label.text(), studio.checking_bar.value(),
                     studio.checking_bar.maximum(), studio.problems_dock.windowTitle()))

    studio.session.checkingProgress.connect(progressed)
    studio.open_project(studio.session.root)
    # a check of 1,000 blocks is running: never "0 errors" meanwhile
    assert studio.session.checking
    assert "checking" in studio.problems_dock.windowTitle()
    assert "errors" not in studio.problems_dock.windowTitle()
    assert not studio.checking_bar.isHidden()
    label = studio.checking_label.text()  # before the worker's first count, or with it
    assert "1000 blocks and 50 templates" in label or " of 1102 parts" in label
    qtbot.waitUntil(lambda: not studio.session.checking, timeout=300_000)
    studio.session.checkingProgress.disconnect(progressed)
    assert studio.checking_bar.isHidden()
    assert seen, "no progress reported while checking 1,000 blocks"
    parts = 1000 + 50 + 2 + 50  # blocks, templates, samples, each template's trial renders
    assert {total for _, total, *_ in seen} == {parts}
    dones = [done for done, *_ in seen]
    assert dones == sorted(dones) and dones[0] > 0 and dones[-1] <= parts
    number = QLocale()
    for done, total, label, value, maximum, title in seen:
        assert f"Checking {number.toString(done)} of {number.toString(total)} parts" in label
        assert (value, maximum) == (done, total)
        assert f"checking… {100 * done // total}%" in title and "errors" not in title
    before = [p for p in studio.problems_model.problems() if p.is_error]
    assert studio.problems_dock.windowTitle().startswith(f"Problems ({len(before)} errors")
    # an error typed into a block is found, by itself, and filtered by severity
    rel = "blocks/section05/b0005.md"
    text = (studio.session.root / rel).read_text("utf-8")
    studio.session.set_buffer(rel, text + "\n{{ customer.nowhere }}\n")
    # the preview says it first (undefined field), the check then names the schema
    qtbot.waitUntil(lambda: any(p.path == rel and "customer.nowhere" in p.message
                                for p in studio.problems_model.problems()), timeout=120_000)
    qtbot.waitUntil(lambda: not studio.session.checking, timeout=120_000)
    found = [p for p in studio.problems_model.problems() if p.path == rel]
    assert found and all(p.is_error for p in found)
    errors = sum(p.is_error for p in studio.problems_model.problems())
    assert studio.problems_dock.windowTitle().startswith(f"Problems ({errors} errors")
    studio.severity_box.setCurrentIndex(studio.severity_box.findData("warning"))
    assert studio.problems_view.model().rowCount() == sum(
        not p.is_error for p in studio.problems_model.problems())
    studio.severity_box.setCurrentIndex(studio.severity_box.findData("error"))
    view = studio.problems_view.model()
    assert view.rowCount() == errors
    shown = [view.index(row, 1).data() for row in range(view.rowCount())]
    assert shown.count(rel) == 1  # the file named once, on its group's first row
    # fixed: gone at the next check
    studio.session.set_buffer(rel, text)
    qtbot.waitUntil(lambda: not any(p.path == rel for p in studio.problems_model.problems()),
                    timeout=120_000)
    studio.severity_box.setCurrentIndex(0)
    studio.session.buffers.clear()


def test_the_review_queue_filters_by_state_owner_and_template(studio, qtbot):
    review = studio.review
    review.refresh()
    qtbot.waitUntil(lambda: len(review.states) == 99, timeout=300_000)
    assert len(review.queued()) == 99
    studio.set_review_mode(True)
    template = review.template_filter
    template.setCurrentIndex(template.findData("letter-001"))
    # letter-001 holds b0001..b0020: its regulatory blocks are b0010 and b0020
    assert sorted(review.queued()) == ["section00/b0020", "section10/b0010"]
    state = review.state_filter
    assert state.findData("approved") == -1  # only the states the library has are offered
    state.setCurrentIndex(state.findData("pending"))
    assert sorted(review.queued()) == ["section00/b0020", "section10/b0010"]
    template.setCurrentIndex(0)
    owner = review.owner_filter
    owner.setCurrentIndex(owner.findData("legal"))
    assert len(review.queued()) == 99
    state.setCurrentIndex(0)
    owner.setCurrentIndex(0)
    studio.set_review_mode(False)
