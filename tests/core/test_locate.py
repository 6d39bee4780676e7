"""Click to edit: a point of the print rendition back to its block and source line."""

from __future__ import annotations

import pytest

from studio.core import locate
from studio.core.project import load_project
from studio.core.render import render
from studio.core.resources import sample_project


@pytest.fixture(scope="module")
def bill():
    project = load_project(sample_project())
    rendition = render(project, "bill", "print", project.samples["typical"].record)
    return project, rendition


def test_a_point_of_the_pdf_names_its_block_and_line(bill) -> None:
    project, rendition = bill
    tops = rendition.facts["block_tops"]
    page, top = tops["billing/payment"]
    # Below the payment block's heading: the paragraph about the direct debit.
    text = locate.line_text_at(rendition.content, page - 1, top + 22)
    assert text.startswith("L'importo di 359,63 € sarà addebitato il 25 marzo 2026")
    assert locate.block_at(tops, page, top + 22) == "billing/payment"
    source = project.blocks["billing/payment"].sources["it"].body
    line = source.splitlines()[locate.source_line(source, text)]
    assert line.startswith("L'importo di **{{ invoice.total")


def test_every_block_of_the_bill_is_found_where_it_starts(bill) -> None:
    """Side by side too: the bill's first page sets its boxes in two columns, so the block
    and the line are looked up at the click's left as well as its height."""
    project, rendition = bill
    tops, spans = rendition.facts["block_tops"], rendition.facts["block_spans"]
    assert spans["billing/receipt"][0] > spans["common/account"][1]  # columns: side by side
    for block, (page, top) in tops.items():
        left = spans[block][0] + 8
        assert locate.block_at(tops, page, top + 8, left, spans) == block
        heading = locate.line_text_at(rendition.content, page - 1, top + 8,
                                      locate.block_span(spans, block))
        assert heading, block
        source = project.blocks[block].sources["it"].body
        found = source.splitlines()[locate.source_line(source, heading)]
        assert set(heading.lower().split()[:2]) <= set(
            found.lower().replace("*", "").replace("#", "").replace("|", " ").split()), block


def test_above_the_first_block_and_off_the_page_nothing(bill) -> None:
    _, rendition = bill
    tops = rendition.facts["block_tops"]
    assert locate.block_at(tops, 1, 10.0) is None  # the letterhead is no block
    assert locate.line_text_at(rendition.content, 99, 100.0) == ""
    assert locate.source_line("a\nb\n", "") == 0


def test_a_click_in_the_right_column_reads_the_right_column(bill) -> None:
    _, rendition = bill
    tops, spans = rendition.facts["block_tops"], rendition.facts["block_spans"]
    page, top = tops["billing/receipt"]
    assert tops["common/account"][:2] == [page, top]  # both columns start at the same height
    right, left = spans["billing/receipt"][0] + 20, spans["common/account"][0] + 20
    for y in range(int(top) + 20, int(top) + 90, 7):
        assert locate.block_at(tops, page, y, right, spans) == "billing/receipt"
        assert locate.block_at(tops, page, y, left, spans) == "common/account"
    texts = [locate.line_text_at(rendition.content, page - 1, y,
                                 locate.block_span(spans, "billing/receipt"))
             for y in range(int(top) + 10, int(top) + 130, 4)]
    assert "Spesa per la materia energia 196,78 € 55%" in texts
    assert not [t for t in texts if "Mario Rossi" in t or "Intestatario" in t]
