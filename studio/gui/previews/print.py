"""The print preview: the rendition's PDF in a scrolling page view with zoom and paging."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QWidget

from studio.core import locate
from studio.core.channels import Rendition
from studio.gui.previews.base import OUTLINE_COLOUR, ClickFilter, PreviewPane

_ZOOM_STEP = 1.25
_ZOOM_MIN = 0.25
_ZOOM_MAX = 6.0


class _PdfView(QPdfView):
    """QPdfView, with the hovered block's outline drawn over its pages."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.outline: Callable[[], list[QRectF]] = list

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        rects = self.outline()
        if not rects:
            return
        painter = QPainter(self.viewport())
        colour = QColor(OUTLINE_COLOUR)
        painter.setPen(QPen(colour, 2))
        colour.setAlpha(28)
        painter.setBrush(colour)
        for rect in rects:
            painter.drawRect(rect)
        painter.end()


class PrintPreview(PreviewPane):
    """A PDF rendition, page after page; a new rendition keeps the page and zoom in view."""

    channel = "print"
    title = QT_TRANSLATE_NOOP("PreviewPane", "Print")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = QPdfDocument(self)
        # QPdfDocument reads from the device lazily, so the buffer (which holds its own copy of
        # the bytes) must outlive the load call: it is a member, replaced only on the next load.
        self._buffer: QBuffer | None = None
        self._pending_page: int | None = None
        self._pending_top: float | None = None  # with _pending_page: a place on that page

        self._view = _PdfView(self)
        self._view.outline = self.outline_rects
        self._view.setObjectName("pdfView")
        self._view.setDocument(self._document)
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # A fitted page's size follows the viewport's, which a scrollbar coming and going
        # changes: with a page within a bar's width of fitting, QPdfView would flip the bar
        # forever in one event-loop pass (the studio froze so). The page column always
        # scrolls; sideways only at a chosen zoom, where the page can be wider than the pane.
        self._view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The pages stand out on a neutral, palette-following backdrop.
        self._view.setBackgroundRole(QPalette.ColorRole.Mid)
        self._view.setPageSpacing(12)
        self._view.setDocumentMargins(QMargins(12, 12, 12, 12))
        self._navigator = self._view.pageNavigator()
        ClickFilter(self, self.click_at).watch(self._view.viewport())  # opens the block there

        self._zoom_out_button = self._tool_button("−", self.tr("Zoom out"), "zoomOut")
        self._zoom_in_button = self._tool_button("+", self.tr("Zoom in"), "zoomIn")
        self._fit_button = self._tool_button(self.tr("Fit"), self.tr("Fit width"), "fitWidth")
        self._fit_button.setCheckable(True)
        self._fit_button.setChecked(True)
        # In a narrow pane the width fit makes text unreadable and a page tall: a whole page
        # at once shows the letter's layout, the envelope window, where a block falls.
        self._page_button = self._tool_button(self.tr("Page"), self.tr("Fit the whole page"),
                                              "fitPage")
        self._page_button.setCheckable(True)
        self._previous_button = self._tool_button("‹", self.tr("Previous page"), "previousPage")
        self._page_label = QLabel(self)
        self._page_label.setObjectName("pageIndicator")
        self._add_tool(self._page_label)
        self._next_button = self._tool_button("›", self.tr("Next page"), "nextPage")

        self._zoom_out_button.clicked.connect(self.zoom_out)
        self._zoom_in_button.clicked.connect(self.zoom_in)
        self._fit_button.clicked.connect(self.fit_width)
        self._page_button.clicked.connect(self.fit_page)
        self._previous_button.clicked.connect(self.previous_page)
        self._next_button.clicked.connect(self.next_page)
        self._navigator.currentPageChanged.connect(self._update_page_indicator)
        self._document.pageCountChanged.connect(self._update_page_indicator)

        self._set_content(self._view)
        self._update_page_indicator()

    # -- public API ----------------------------------------------------------------------

    def page_count(self) -> int:
        return self._document.pageCount()

    def current_page(self) -> int:
        """The page in view, from 0."""
        return self._navigator.currentPage()

    def page_indicator(self) -> str:
        """The header's "Page 2 of 5"."""
        return self._page_label.text()

    def vertical_scroll(self) -> tuple[int, int]:
        """Where the view is scrolled to, and how far it can go (pixels)."""
        bar = self._view.verticalScrollBar()
        return bar.value(), bar.maximum()

    def document(self) -> QPdfDocument:
        return self._document

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.page_count():
            # Zoom 0 in a jump means "keep the current zoom".
            self._navigator.jump(page, QPointF(), 0)
            self._pending_top = None
            # A view not yet shown and sized lays its pages out later, back at the top: the
            # page is kept and jumped to again once the view has its size.
            self._pending_page = None if self._laid_out() else page

    def go_to_place(self, page: int, top_points: float) -> None:
        """Show PAGE (from 0) scrolled to TOP_POINTS from its top (a block's first line)."""
        if not 0 <= page < self.page_count():
            return
        self._navigator.jump(page, QPointF(), 0)
        if not self._laid_out():
            self._pending_page, self._pending_top = page, top_points
            return
        self._pending_page = self._pending_top = None
        # QPdfView scrolls to a page's top and ignores the location within it: scroll on by
        # the block's depth on the page, at the zoom in effect (a few points above it).
        pixels = max(0.0, top_points - 12) * self.zoom_factor() * self._view.logicalDpiY() / 72
        bar = self._view.verticalScrollBar()
        bar.setValue(bar.value() + round(pixels))

    def _laid_out(self) -> bool:
        return self._view.isVisible() and self._view.viewport().height() > 0

    def _apply_pending_page(self) -> None:
        if self._pending_page is not None and self._laid_out():
            if self._pending_top is not None:
                self.go_to_place(self._pending_page, self._pending_top)
            else:
                self.go_to_page(self._pending_page)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        QTimer.singleShot(0, self, self._apply_pending_page)  # dropped with the pane

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self._pending_page is not None:
            QTimer.singleShot(0, self, self._apply_pending_page)  # dropped with the pane

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def zoom_factor(self) -> float:
        """The zoom in effect, also when fitting the width (which QPdfView doesn't report)."""
        if self._view.zoomMode() == QPdfView.ZoomMode.Custom or self.page_count() == 0:
            return self._view.zoomFactor()
        size = self._document.pagePointSize(max(0, self.current_page()))
        margins = self._view.documentMargins()
        available = self._view.viewport().width() - margins.left() - margins.right()
        page_pixels = size.width() * self._view.logicalDpiX() / 72.0
        factor = available / page_pixels if page_pixels > 0 else 1.0
        if self._view.zoomMode() == QPdfView.ZoomMode.FitInView:
            tall = self._view.viewport().height() - margins.top() - margins.bottom()
            page_height = size.height() * self._view.logicalDpiY() / 72.0
            factor = min(factor, tall / page_height if page_height > 0 else factor)
        return factor

    def zoom_in(self) -> None:
        self._set_zoom(self.zoom_factor() * _ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.zoom_factor() / _ZOOM_STEP)

    def fit_width(self) -> None:
        self._view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._fit_button.setChecked(True)
        self._page_button.setChecked(False)

    def fit_page(self) -> None:
        """A whole page in view (QPdfView's fit-in-view), the page in view kept."""
        page = self.current_page()
        self._view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._page_button.setChecked(True)
        self._fit_button.setChecked(False)
        self.go_to_page(page)

    # -- click to edit -------------------------------------------------------------------

    def point_at(self, pos: QPoint) -> tuple[int, float] | None:
        """The page (from 0) and the points from its top under POS of the view's viewport, as
        QPdfView lays its pages out (one under the other, margins and spacing between)."""
        if self.page_count() == 0:
            return None
        scale = self.zoom_factor() * self._view.logicalDpiY() / 72.0
        y = pos.y() + self._view.verticalScrollBar().value()
        top = float(self._view.documentMargins().top())
        for page in range(self.page_count()):
            height = self._document.pagePointSize(page).height() * scale
            if top <= y <= top + height:
                return page, (y - top) / scale
            top += height + self._view.pageSpacing()
        return None

    def left_at(self, pos: QPoint, page: int) -> float:
        """The points from PAGE's left edge under POS of the viewport: QPdfView centres each
        page in the wider of the document (pages and margins) and the viewport."""
        scale = self.zoom_factor() * self._view.logicalDpiY() / 72.0
        width = self._document.pagePointSize(page).width() * scale
        margins = self._view.documentMargins()
        document = width + margins.left() + margins.right()
        page_x = (max(document, self._view.viewport().width()) - width) / 2
        x = pos.x() + self._view.horizontalScrollBar().value()
        return (x - page_x) / scale

    def click_at(self, pos: QPoint) -> str | None:
        """Emit blockClicked for the block printed at POS of the viewport; the block. Where
        blocks stand side by side (the bill's first page) the click's left picks the column."""
        place = self.point_at(pos)
        rendition = self.rendition
        if place is None or rendition is None:
            return None
        page, points = place
        spans = rendition.facts.get("block_spans") or {}
        block = locate.block_at(rendition.facts.get("block_tops") or {}, page + 1, points,
                                self.left_at(pos, page), spans)
        if block is None:
            return None
        self.blockClicked.emit(block, locate.line_text_at(rendition.content, page, points,
                                                          locate.block_span(spans, block)))
        return block

    def _page_tops(self) -> list[float]:
        """Each page's top in the view's document (pixels, unscrolled), as point_at reads them."""
        scale = self.zoom_factor() * self._view.logicalDpiY() / 72.0
        tops, top = [], float(self._view.documentMargins().top())
        for page in range(self.page_count()):
            tops.append(top)
            top += self._document.pagePointSize(page).height() * scale + self._view.pageSpacing()
        return tops

    def outline_rects(self) -> list[QRectF]:
        """Where the outlined block is printed, in viewport pixels: from its first line to the
        next block's (over pages if it runs on), across the page or its column."""
        rendition = self.rendition
        tops = (rendition.facts.get("block_tops") or {}) if rendition is not None else {}
        if not self._outlined or self._outlined not in tops or not self.page_count():
            return []
        # Where blocks stand side by side (the bill's first page) the block ends where the next
        # one of its own column starts, and the outline keeps to the column's edges.
        spans = (rendition.facts.get("block_spans") or {}) if rendition is not None else {}
        own = locate.block_span(spans, self._outlined)

        def same_column(block: str) -> bool:
            other = locate.block_span(spans, block)
            return own is None or other is None or (other[0] < own[1] - 1 and other[1] > own[0] + 1)

        starts = sorted((int(w[0]) - 1, float(w[1])) for b, w in tops.items()
                        if len(w) >= 2 and same_column(b))
        page, top = int(tops[self._outlined][0]) - 1, float(tops[self._outlined][1])
        following = [s for s in starts if s > (page, top)]
        end_page, end = following[0] if following else (self.page_count() - 1, None)
        scale = self.zoom_factor() * self._view.logicalDpiY() / 72.0
        page_tops = self._page_tops()
        scroll_x = self._view.horizontalScrollBar().value()
        scroll_y = self._view.verticalScrollBar().value()
        margins = self._view.documentMargins()
        rects = []
        for number in range(max(0, page), min(end_page, self.page_count() - 1) + 1):
            size = self._document.pagePointSize(number)
            width = size.width() * scale
            left = max(float(margins.left()), (self._view.viewport().width() - width) / 2)
            y0 = top if number == page else 0.0
            y1 = end if number == end_page and end is not None else size.height()
            if y1 - y0 < 1:
                continue
            x, wide = left + 6, width - 12
            if number == page and own is not None:
                x, wide = left + own[0] * scale - 3, (own[1] - own[0]) * scale + 6
            rects.append(QRectF(x - scroll_x, page_tops[number] + y0 * scale - scroll_y - 2,
                                wide, (y1 - y0) * scale + 2))
        return rects

    def _show_outline(self) -> None:
        self._view.viewport().update()

    # -- PreviewPane ---------------------------------------------------------------------

    def _display(self, rendition: Rendition) -> None:
        page = self.current_page() if self.page_count() else 0
        scroll = (
            self._view.horizontalScrollBar().value(),
            self._view.verticalScrollBar().value(),
        )
        buffer = QBuffer(self)
        buffer.setData(QByteArray(rendition.content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        # Load before letting the old buffer go: the document still reads from it until then.
        self._document.load(buffer)
        old = self._buffer
        self._buffer = buffer
        if old is not None:
            old.close()
            old.deleteLater()
        if self._document.status() == QPdfDocument.Status.Error:
            raise ValueError(f"the print rendition is not a readable PDF: {self._document.error()}")
        if page < self.page_count():
            # Same page still there: restore the exact scroll position, not just the page top,
            # so an edit doesn't make the reader lose their place.
            self._navigator.jump(page, QPointF(), 0)
            self._view.horizontalScrollBar().setValue(scroll[0])
            self._view.verticalScrollBar().setValue(scroll[1])
        else:
            # The document got shorter: its new last page is the nearest to where we were.
            self._navigator.jump(max(0, self.page_count() - 1), QPointF(), 0)
        self._update_page_indicator()

    def _clear_content(self) -> None:
        self._document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = None
        self._update_page_indicator()

    # -- internals -----------------------------------------------------------------------

    def _set_zoom(self, factor: float) -> None:
        self._view.setZoomMode(QPdfView.ZoomMode.Custom)
        self._view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._view.setZoomFactor(min(_ZOOM_MAX, max(_ZOOM_MIN, factor)))
        self._fit_button.setChecked(False)
        self._page_button.setChecked(False)

    def _update_page_indicator(self) -> None:
        count = self.page_count()
        page = min(max(0, self.current_page()), max(0, count - 1))
        self._page_label.setText(
            self.tr("Page {0} of {1}").format(page + 1, count) if count else self.tr("No pages")
        )
        self._previous_button.setEnabled(count > 0 and page > 0)
        self._next_button.setEnabled(page < count - 1)
