"""Print: PDF pages rasterized and compared, changed regions outlined."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image as PILImage



# Print: page images -----------------------------------------------------------------------

_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe


@dataclass(frozen=True)
class Region:
    """A changed area of a page, in pixels of the page image (at PrintDiff.dpi)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def area(self) -> int:
        return (self.x1 - self.x0) * (self.y1 - self.y0)


@dataclass(frozen=True)
class PageChange:
    page: int  # 1-based
    status: str  # changed, added (only in B), removed (only in A)
    regions: tuple[Region, ...]
    image: str | None = None  # the side-by-side PNG, when an output folder was given

    def as_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "status": self.status,
            "regions": [[r.x0, r.y0, r.x1, r.y1] for r in self.regions],
            "image": self.image,
        }


@dataclass(frozen=True)
class PrintDiff:
    pages_a: int
    pages_b: int
    dpi: float
    pages: tuple[PageChange, ...]  # the pages that differ, and only those

    @property
    def changed_pages(self) -> list[int]:
        return [p.page for p in self.pages]

    @property
    def changed(self) -> bool:
        return bool(self.pages) or self.pages_a != self.pages_b

    def as_json(self) -> dict[str, Any]:
        return {
            "pages_a": self.pages_a,
            "pages_b": self.pages_b,
            "dpi": self.dpi,
            "changed_pages": self.changed_pages,
            "pages": [p.as_json() for p in self.pages],
        }


def page_images(pdf: bytes, dpi: float = 80) -> list[PILImage.Image]:
    """Every page of a PDF as an RGB image, rasterized in process by PDFium."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            images = []
            for index in range(len(document)):
                page = document[index]
                try:
                    bitmap = page.render(scale=dpi / 72)
                    images.append(bitmap.to_pil().convert("RGB"))
                finally:
                    page.close()
            return images
        finally:
            document.close()


def changed_regions(
    a: PILImage.Image, b: PILImage.Image, *, tile: int = 8, gap: int = 2, threshold: int = 24
) -> tuple[Region, ...]:
    """Bounding boxes of the pixels that differ between two page images; boxes closer than
    `gap` tiles are merged, so a changed paragraph is one region, not one per glyph."""
    from PIL import Image, ImageChops, ImageFilter

    width, height = max(a.width, b.width), max(a.height, b.height)
    if a.size != b.size:
        a, b = _padded(a, (width, height)), _padded(b, (width, height))
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > threshold else 0)
    if mask.getbbox() is None:
        return ()
    columns, rows = -(-width // tile), -(-height // tile)
    grid = mask.resize((columns, rows), Image.Resampling.BOX, reducing_gap=None)
    grid = grid.point(lambda v: 255 if v > 0 else 0)
    grown = grid.filter(ImageFilter.MaxFilter(2 * gap + 1)) if gap else grid
    changed_cells = grid.tobytes()
    cells = grown.tobytes()
    label = [0] * len(cells)
    boxes: list[list[int]] = []
    for start in range(len(cells)):
        if not cells[start] or label[start]:
            continue
        label[start] = len(boxes) + 1
        stack = [start]
        box = [columns, rows, -1, -1]
        while stack:
            cell = stack.pop()
            y, x = divmod(cell, columns)
            if changed_cells[cell]:
                box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
            for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
                if 0 <= nx < columns and 0 <= ny < rows:
                    neighbour = ny * columns + nx
                    if cells[neighbour] and not label[neighbour]:
                        label[neighbour] = label[start]
                        stack.append(neighbour)
        if box[2] >= 0:
            boxes.append(box)
    regions = []
    for x0, y0, x1, y1 in boxes:
        area = (x0 * tile, y0 * tile, min(width, (x1 + 1) * tile), min(height, (y1 + 1) * tile))
        tight = mask.crop(area).getbbox()
        if tight is None:
            continue
        regions.append(
            Region(area[0] + tight[0], area[1] + tight[1], area[0] + tight[2], area[1] + tight[3])
        )
    return tuple(_merge(regions, gap * tile))


def _padded(image: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    from PIL import Image

    canvas = Image.new("RGB", size, "white")
    canvas.paste(image, (0, 0))
    return canvas


def _merge(regions: list[Region], distance: int) -> list[Region]:
    """Merge regions that overlap or lie within `distance` pixels, until none do."""
    merged = list(regions)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                r, s = merged[i], merged[j]
                if (
                    r.x0 - distance <= s.x1
                    and s.x0 - distance <= r.x1
                    and r.y0 - distance <= s.y1
                    and s.y0 - distance <= r.y1
                ):
                    merged[i] = Region(
                        min(r.x0, s.x0), min(r.y0, s.y0), max(r.x1, s.x1), max(r.y1, s.y1)
                    )
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return sorted(merged, key=lambda r: (r.y0, r.x0))


def print_diff(
    pdf_a: bytes,
    pdf_b: bytes,
    *,
    dpi: float = 80,
    output_dir: str | os.PathLike[str] | None = None,
    labels: tuple[str, str] = ("A", "B"),
    stem: str = "page",
) -> PrintDiff:
    """Compare two PDFs page by page. With an output folder, write for each changed page a
    side-by-side PNG (A | B) with the changed regions outlined and tinted in red."""
    if pdf_a == pdf_b:
        # same bytes, same pages (print output is deterministic): nothing to rasterize
        return PrintDiff(_page_count(pdf_a), _page_count(pdf_b), dpi, ())
    images_a, images_b = page_images(pdf_a, dpi), page_images(pdf_b, dpi)
    pages: list[PageChange] = []
    for index in range(max(len(images_a), len(images_b))):
        a = images_a[index] if index < len(images_a) else None
        b = images_b[index] if index < len(images_b) else None
        if a is not None and b is not None:
            if a.size == b.size and a.tobytes() == b.tobytes():
                continue
            status, regions = "changed", changed_regions(a, b)
            if not regions:
                continue
        else:
            only = a if a is not None else b
            assert only is not None
            status = "removed" if b is None else "added"
            regions = (Region(0, 0, only.width, only.height),)
        image = None
        if output_dir is not None:
            folder = Path(output_dir)
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{stem}-{index + 1}.png"
            side_by_side(a, b, regions, labels, index + 1, (len(images_a), len(images_b))).save(
                target, optimize=True
            )
            image = str(target)
        pages.append(PageChange(index + 1, status, regions, image))
    return PrintDiff(len(images_a), len(images_b), dpi, tuple(pages))


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def side_by_side(
    a: PILImage.Image | None,
    b: PILImage.Image | None,
    regions: Sequence[Region],
    labels: tuple[str, str],
    page: int,
    counts: tuple[int, int],
) -> PILImage.Image:
    """Page A beside page B, the changed regions tinted and outlined in red on both."""
    from PIL import Image, ImageDraw, ImageFont

    reference = a if a is not None else b
    assert reference is not None
    width, height = reference.size
    if a is not None and b is not None:
        width, height = max(a.width, b.width), max(a.height, b.height)
    margin, gap, band = 16, 24, 34
    canvas = Image.new("RGB", (2 * width + gap + 2 * margin, height + band + margin), "#d9dce1")
    draw = ImageDraw.Draw(canvas)
    try:
        font: Any = ImageFont.load_default(size=15)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    for side, (image, label, count) in enumerate(zip((a, b), labels, counts, strict=True)):
        left = margin + side * (width + gap)
        caption = (
            f"{label} · page {page} of {count}"
            if image is not None
            else f"{label} · no page {page}"
        )
        draw.text((left, 9), caption, fill="#1d1d1f", font=font)
        if image is None:
            draw.rectangle(
                (left, band, left + width - 1, band + height - 1), fill="#eceef1", outline="#9aa0a6"
            )
            continue
        canvas.paste(image, (left, band))
        draw.rectangle(
            (left - 1, band - 1, left + image.width, band + image.height), outline="#9aa0a6"
        )
    tint = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    tint_draw = ImageDraw.Draw(tint)
    for side, image in enumerate((a, b)):
        if image is None:
            continue
        left = margin + side * (width + gap)
        for region in regions:
            box = (
                left + region.x0 - 3,
                band + region.y0 - 3,
                left + region.x1 + 2,
                band + region.y1 + 2,
            )
            tint_draw.rectangle(box, fill=(230, 20, 20, 48), outline=(220, 0, 0, 255), width=2)
            # a bar in the margin, so a small change is found at a glance on a full page
            tint_draw.rectangle((left - 11, box[1], left - 5, box[3]), fill=(220, 0, 0, 255))
    canvas = Image.alpha_composite(canvas.convert("RGBA"), tint).convert("RGB")
    return canvas
