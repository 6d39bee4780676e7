"""The print preview while the author types: the pages through the one being edited laid out
and drawn, the pages after it taken from the last whole rendition.

WeasyPrint lays out every page of a letter before it draws any: at each keystroke in the
Bolletta bill's summary (page 1) the preview paid for page 2 as well — ~420 ms of a print
worker's CPU, ~250 of them page 1's (bench/README.md, "a seventh look"). WeasyPrint itself
re-lays out only the pages whose starting state changed when it paginates again (`page_maker`:
where each page starts in the box tree, its page counters, whether it is a left or right
page). A draft uses the same test across two renditions: it lays out the pages through the
last page an edited block was on in the last whole rendition, and if the next page would
start from the very state it started from then, that page and those after it are as they
were: they are taken from the last whole rendition's PDF (pypdfium2 imports them), and the
footers count the last rendition's pages. If not (the edit pushed a line over), WeasyPrint
goes on and the draft is a whole letter.

A draft is only looked at: it is not tagged as one document (the pages come from two), its
facts say `draft: true`, and the studio renders the whole letter when the typing pauses; the
live checks read only whole renditions. A letter whose pages are tied together beyond that
state — strings or running elements in its headers, cross-references (target-counter),
footnotes, fixed boxes, content that counts the pages, a float broken over a page — is never
drafted. tests/core/test_draft.py compares a draft's pages with the whole letter's.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import weasyprint.layout as _layout
import weasyprint.layout.block as _block

from studio.core.channels import Superseded

_make_all_pages = _layout.make_all_pages
_make_margin_boxes = _layout.make_margin_boxes
_block_level_layout = _block.block_level_layout


@dataclass
class Watch:
    """One layout watched: the state each page after the first starts from; for a draft, the
    page to stop after, the state the next page must start from, and the page total."""

    stop_after: int | None = None
    expected: Any = None
    total: int = 0
    boundaries: list[Any] = field(default_factory=list)
    stopped: bool = False
    fixed: bool = False  # a page had fixed boxes (they are drawn on every page)
    context: Any = field(default=None, repr=False)  # the layout's, until it is looked at

    def tied(self) -> bool:
        """Whether the laid-out pages are tied together beyond where each starts: strings
        or running elements for the headers, cross-references, footnotes, fixed boxes.
        (Known once the layout is done; the context is let go.)"""
        context, self.context = self.context, None
        if self.fixed or context is None:
            return True
        if context.footnotes or context.target_collector.counter_lookup_items:
            return True
        return any(any(by_page.values())  # name -> page -> values
                   for kept in (context.string_set, context.running_elements)
                   for by_page in kept.values())

    def final_boundaries(self) -> list[Any]:
        """The boundaries a whole layout leaves for drafts: none where its pages are tied."""
        return [None] * len(self.boundaries) if self.tied() else self.boundaries


_watch: contextvars.ContextVar[Watch | None] = contextvars.ContextVar("print_draft",
                                                                      default=None)


@dataclass
class Basis:
    """What a whole preview rendition leaves for the drafts that follow it: its PDF and
    facts, the state each of its pages after the first started from (None where its pages
    are tied together beyond it), and the shell's options it was laid out with."""

    content: bytes
    facts: dict[str, Any]
    boundaries: list[Any]
    compact: bool
    fit: bool


def _boundary(context: Any, index: int) -> Any:
    """The state page INDEX+1 (from 0) starts from, as WeasyPrint's pagination compares it;
    None where later pages depend on more than it."""
    if context.broken_out_of_flow or context.reported_footnotes:
        return None
    for entry in context.page_maker[:index + 2]:
        if entry[-1]["pages_wanted"]:
            return None
    resume_at, next_page, right_page, page_state, _ = context.page_maker[index + 1]
    quotes, counters, scopes, groups = copy.deepcopy(page_state)
    counters.pop("pages", None)  # the total: known only at the end, the footers ask for it
    return (resume_at, next_page, right_page, (quotes, counters, scopes, groups))


def _watched_pages(context: Any, root_box: Any, html: Any, pages: Any) -> Iterator[Any]:
    watch = _watch.get()
    if watch is None:
        yield from _make_all_pages(context, root_box, html, pages)
        return
    request = _request.get()
    watch.boundaries = []
    watch.context = context
    for index, page in enumerate(_make_all_pages(context, root_box, html, pages)):
        watch.fixed = watch.fixed or bool(page.fixed_boxes)  # repeated on every page
        if request is not None:
            request.check()
        yield page
        if context.page_maker[index + 1][0] is None:
            continue  # the last page: WeasyPrint ends the pagination itself
        state = None if watch.fixed else _boundary(context, index)
        watch.boundaries.append(state)
        if (watch.stop_after == index + 1 and state is not None
                and state == watch.expected):
            # The next page starts where it started in the whole rendition: stop here, as
            # WeasyPrint does after its last page.
            watch.stopped = True
            resume_at, next_page, right_page, page_state, remake = context.page_maker[index + 1]
            remake = {**remake, "content_changed": False, "pages_wanted": False}
            context.page_maker = context.page_maker[:index + 1] + [
                (None, next_page, right_page, page_state, remake)]
            return


def _block_level(*args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's layout of a block's children, which asks first whether the letter is
    still wanted (a given-up letter stops within a block, not at the end of its page)."""
    request = _request.get()
    if request is not None:
        request.check()
    return _block_level_layout(*args, **kwargs)


def _margin_boxes(context: Any, page: Any, state: Any) -> Any:
    watch = _watch.get()
    if watch is not None and watch.stopped:
        state[1]["pages"] = [watch.total]  # the footers count the whole letter's pages
    return _make_margin_boxes(context, page, state)


@contextlib.contextmanager
def _set(variable: contextvars.ContextVar[Any], value: Any) -> Iterator[Any]:
    token = variable.set(value)
    try:
        yield value
    finally:
        variable.reset(token)


def watching(watch: Watch) -> contextlib.AbstractContextManager[Watch]:
    """Lay out under WATCH (this thread, this context): boundaries recorded, a draft stopped."""
    return _set(_watch, watch)


def _last_page(pages: list[int]) -> int:
    return max(pages) if pages else 0


def through_page(basis: Basis, changed_blocks: frozenset[str]) -> int | None:
    """The last page of the whole rendition that an edited block was on; None when a draft
    cannot help (a block it did not print, or the last page)."""
    located: dict[str, list[int]] = basis.facts.get("block_pages") or {}
    total = int(basis.facts.get("pages") or 0)
    if not changed_blocks or any(block not in located for block in changed_blocks):
        return None
    through = max(_last_page(located[block]) for block in changed_blocks)
    if not 0 < through < total or len(basis.boundaries) < through:
        return None
    if basis.boundaries[through - 1] is None:
        return None
    return through


def joined(first: bytes, basis: Basis, through: int) -> bytes:
    """The draft's pages followed by the whole rendition's pages after THROUGH, one PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(first)
    try:
        later = pdfium.PdfDocument(basis.content)
        try:
            document.import_pages(later, list(range(through, len(later))))
        finally:
            later.close()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def joined_places(facts: dict[str, Any], basis: Basis,
                  through: int) -> tuple[dict[str, list[int]], dict[str, Any], dict[str, Any]]:
    """Where each block is in the joined PDF: the draft's places through THROUGH, the whole
    rendition's after it."""
    pages = {block: list(found) for block, found in facts["block_pages"].items()}
    tops = dict(facts["block_tops"])
    spans = dict(facts["block_spans"])
    for block, found in (basis.facts.get("block_pages") or {}).items():
        later = [page for page in found if page > through]
        if later:
            pages.setdefault(block, []).extend(p for p in later if p not in pages[block])
            if block not in tops:
                tops[block] = basis.facts["block_tops"][block]
                spans[block] = basis.facts["block_spans"][block]
    return pages, tops, spans


@dataclass
class Request:
    """The studio's print worker asking for a draft: the last whole rendition's BASIS (None:
    a whole letter now) and the blocks CHANGED since it. MADE: the basis a whole rendition
    made meanwhile, for the next drafts."""

    basis: Basis | None = None
    changed: frozenset[str] = frozenset()
    made: Basis | None = None
    # Whether the letter is no longer wanted (a key was pressed after it was asked for):
    # asked between pages and before drawing, and the layout given up (Superseded).
    superseded: Callable[[], bool] | None = field(default=None, repr=False)

    def check(self) -> None:
        if self.superseded is not None and self.superseded():
            raise Superseded


_request: contextvars.ContextVar[Request | None] = contextvars.ContextVar("print_draft_request",
                                                                          default=None)


def requested(request: Request) -> contextlib.AbstractContextManager[Request]:
    """Print renditions made under REQUEST (this thread) are drafts where they can be."""
    return _set(_request, request)


def current() -> Request | None:
    return _request.get()


def install() -> None:
    """Route WeasyPrint's pagination through the watch (idempotent; unwatched layouts are
    WeasyPrint's own)."""
    _layout.make_all_pages = _watched_pages
    _layout.make_margin_boxes = _margin_boxes
    _block.block_level_layout = _block_level


__all__ = ["Basis", "Request", "Watch", "current", "install", "joined", "joined_places",
           "requested", "through_page", "watching"]
