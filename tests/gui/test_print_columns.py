"""Click to edit on a page set in columns: the bill's first page (Bolletta 2.0) has boxes side
by side, and a click opens the box under the pointer, not the one at the same height."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from studio.core.project import load_project  # noqa: E402
from studio.core.render import render  # noqa: E402
from studio.core.resources import sample_project  # noqa: E402
from studio.gui.previews import PrintPreview  # noqa: E402


@pytest.fixture
def bill(qtbot):
    """The typical bill's print in a pane wide enough for its first page's two columns."""
    project = load_project(sample_project())
    rendition = render(project, "bill", "print", project.samples["typical"].record,
                       send_date="2026-03-05")
    pane = PrintPreview()
    try:
        pane.resize(900, 1000)
        pane.show()
        qtbot.waitExposed(pane)
        pane.show_rendition(rendition)
        view = pane.findChild(QWidget, "pdfView")
        qtbot.waitUntil(lambda: pane.page_count() == 2 and view.viewport().height() > 0)
        yield pane, view, rendition
    finally:
        pane.close()
        pane.deleteLater()


def test_a_click_in_either_column_opens_the_box_under_it(qtbot, bill):
    pane, view, rendition = bill
    tops, spans = rendition.facts["block_tops"], rendition.facts["block_spans"]
    page, top = tops["billing/receipt"]
    assert (page, top) == tuple(tops["common/account"])  # side by side, same height
    pane.go_to_place(page - 1, top)
    scale = pane.zoom_factor() * view.logicalDpiY() / 72
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)

    def viewport_point(left_points: float, top_points: float) -> QPoint:
        # the inverse of the pane's own mapping: page 1 starts below the top margin
        margins = view.documentMargins()
        width = 595.3 * scale
        page_x = (max(width + margins.left() + margins.right(),
                      view.viewport().width()) - width) / 2
        y = margins.top() + top_points * scale - bar.value()
        return QPoint(round(page_x + left_points * scale), round(y))

    # The receipt's first charge: 40 points into the box, in the right column.
    y = top + 40
    for block, left in (("billing/receipt", spans["billing/receipt"][0] + 30),
                        ("common/account", spans["common/account"][0] + 30)):
        with qtbot.waitSignal(pane.blockClicked, timeout=10_000) as clicked:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=viewport_point(left, y))
        assert clicked.args[0] == block
        if block == "billing/receipt":
            assert "Mario Rossi" not in clicked.args[1]
            assert clicked.args[1].split()[0] in ("Spesa", "Quanto")
        else:
            assert "€" not in clicked.args[1]


def test_the_hover_outline_keeps_to_the_column_of_its_block(qtbot, bill):
    pane, view, rendition = bill
    tops, spans = rendition.facts["block_tops"], rendition.facts["block_spans"]
    scale = pane.zoom_factor() * view.logicalDpiY() / 72
    outlines = {}
    for block in ("billing/receipt", "common/account"):
        pane.outline_block(block)
        qtbot.waitUntil(lambda: pane.outline_rects() != [])
        outlines[block] = pane.outline_rects()[0]
    receipt, account = outlines["billing/receipt"], outlines["common/account"]
    # side by side: the two outlines do not overlap, the receipt's is on the right
    assert account.right() < receipt.left()
    for block, rect in outlines.items():
        left, right = spans[block]
        assert rect.width() == pytest.approx((right - left) * scale + 6, abs=1)
    # each ends where the next box of its own column starts, not at the other column's
    next_in_column = min(
        (float(w[1]) for b, w in tops.items()
         if int(w[0]) == tops["billing/receipt"][0] and float(w[1]) > tops["billing/receipt"][1]
         and spans.get(b) and spans[b][0] < spans["billing/receipt"][1] - 1
         and spans[b][1] > spans["billing/receipt"][0] + 1))
    assert receipt.height() == pytest.approx(
        (next_in_column - tops["billing/receipt"][1]) * scale + 2, abs=1)
