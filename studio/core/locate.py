"""Click to edit: from a place in a rendition back to the block, and the line, that wrote it.

The previews know where a click fell; this module answers which block made that text and
which line of the block's source it comes from:

- print: the rendition's facts say where each block's section starts (`block_tops`: page and
  points from the page's top, studio/core/channels/print.py); the block at a point is the last
  one starting before it, in reading order. The clicked line's text is read from the PDF's
  text layer with pypdfium2.
- email and mobile: each block's HTML carries `data-block`, the preview reads it and the
  clicked paragraph's text from the page.

`source_line` then finds the source line (Markdown with Jinja) that best matches the text
the reader clicked, so the editor opens at that paragraph, not at the top of the block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
LINE_TOLERANCE = 8.0  # points: a click in the leading between two lines takes the nearer


def block_at(block_tops: Mapping[str, Sequence[Any]], page: int, top: float,
             left: float | None = None,
             block_spans: Mapping[str, Sequence[Any]] | None = None) -> str | None:
    """The block whose section holds the point TOP points down PAGE (from 1): the last block
    starting before it. None above the first block (letterhead, address). Given LEFT (points
    from the page's left edge) and the rendition's BLOCK_SPANS, blocks laid out side by side
    (columns) are told apart: on the page where a block starts, it counts only when its left
    and right edges enclose LEFT."""
    def beside(block: str, where: Sequence[Any]) -> bool:
        span = (block_spans or {}).get(block) or ()
        if left is None or len(span) < 2 or int(where[0]) != page:
            return True
        return float(span[0]) - 1.0 <= left <= float(span[1]) + 1.0

    starts = sorted(((int(where[0]), float(where[1])), block)
                    for block, where in block_tops.items()
                    if len(where) >= 2 and beside(block, where))
    found = None
    for (start_page, start_top), block in starts:
        if (start_page, start_top) <= (page, top + 1.0):  # a click on a block's first line
            found = block
        else:
            break
    return found


def block_span(block_spans: Mapping[str, Sequence[Any]], block: str) -> tuple[float, float] | None:
    """The left and right edges of BLOCK's section in points, when the rendition has them."""
    span = block_spans.get(block) or ()
    return (float(span[0]), float(span[1])) if len(span) >= 2 else None


def line_text_at(pdf: bytes, page: int, top: float,
                 within: tuple[float, float] | None = None) -> str:
    """The text of the line TOP points down PAGE (from 0) of the PDF; "" where there is none.
    WITHIN (left and right edges in points, a block's: block_span) keeps to the characters
    between them, so a line of one column is not read with its neighbour's."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        if not 0 <= page < len(document):
            return ""
        sheet = document[page]
        height = sheet.get_height()
        text_page = sheet.get_textpage()
        y = height - top
        boxes = [text_page.get_charbox(i) for i in range(text_page.count_chars())]

        def inside(box: Sequence[float]) -> bool:
            return within is None or within[0] - 1.0 <= (box[0] + box[2]) / 2 <= within[1] + 1.0

        best, distance = None, LINE_TOLERANCE
        for index, box in enumerate(boxes):
            _left, bottom, _right, upper = box
            if upper <= bottom or not inside(box):
                continue  # spaces and line breaks have no box
            gap = 0.0 if bottom <= y <= upper else min(abs(y - bottom), abs(y - upper))
            if gap < distance:
                best, distance = index, gap
        if best is None:
            return ""
        middle = (boxes[best][1] + boxes[best][3]) / 2
        on_line = [i for i, box in enumerate(boxes)
                   if box[1] <= middle <= box[3] and box[2] > box[0] and inside(box)]
        # From the line's first character to its last: the spaces between words have no box.
        text = text_page.get_text_range(on_line[0], on_line[-1] - on_line[0] + 1)
        return " ".join(text.split())
    finally:
        document.close()


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def source_line(source: str, text: str) -> int:
    """The line of SOURCE (from 0) that best matches TEXT, a rendered line or paragraph: the
    one sharing most of its words (Jinja expressions left out, they render as data)."""
    wanted = _words(text)
    if not wanted:
        return 0
    wanted_set = set(wanted)
    best, score = 0, 0.0
    for number, line in enumerate(source.splitlines()):
        words = _words(_JINJA.sub(" ", line))
        if not words:
            continue
        shared = sum(1 for word in set(words) if word in wanted_set)
        # Most of the clicked words, and a line that is mostly the clicked text.
        value = shared / len(wanted_set) + shared / (len(set(words)) * 10)
        if value > score:
            best, score = number, value
    return best
