"""Measuring printed pages from the PDF itself (not from the engine's own layout)."""

from __future__ import annotations

import io

from pypdf import PdfReader

MM = 72 / 25.4


def last_page_fill(pdf: bytes, top_mm: float = 18.0, bottom_mm: float = 22.0) -> float:
    """How much of the last page's content area (between the margins, in mm) holds text: from
    its top to the lowest baseline above the bottom margin (the page footer sits in it)."""
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    height = float(page.mediabox.height)
    baselines: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            baselines.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    lowest = min(y for y in baselines if y > bottom_mm * MM)
    return (height - top_mm * MM - lowest) / (height - (top_mm + bottom_mm) * MM)
