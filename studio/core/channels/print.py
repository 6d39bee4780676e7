"""Print: the composed content in the print shell, laid out as a PDF by WeasyPrint."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
from typing import Any

from markupsafe import Markup
from weasyprint import HTML, Document
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from studio.core.channels import CHANNELS, Rendition, reused
from studio.core.compose import Composition
from studio.core.fetch import AssetResolver, FetchRefused
from studio.core.fonts import font_faces
from studio.core.layouts import render_layout, shell_context
from studio.core.messages import msg
from studio.core.paper import GeometryError, PageGeometry, page_geometry
from studio.core.problems import Problem, ProblemError, error, warning

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r'\balt="[^"]*\S[^"]*"', re.I)
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-4b", "pdf/ua-1", "pdf/ua-2")


@functools.cache
def font_config() -> FontConfiguration:
    """One font configuration per process: building it scans the system fonts, and previews
    re-render often."""
    return FontConfiguration()


class ProjectFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to the project's assets and styles: nothing else is read,
    and nothing is fetched over the network."""

    def __init__(self, resolver: AssetResolver) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.resolver = resolver

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        data, media_type = self.resolver.read(url)
        return URLFetcherResponse(url, data, {"Content-Type": media_type})


def print_settings(composition: Composition) -> dict[str, Any]:
    """studio.yaml's print settings, with the template's own on top."""
    return {**composition.project.config.print, **composition.template.print}


def geometry(composition: Composition) -> PageGeometry:
    try:
        return page_geometry(print_settings(composition))
    except GeometryError as exc:
        template = composition.template
        if "print" in template.raw:
            path, (line, col) = template.path, template.where("print")
        else:
            raw = composition.project.config.raw
            path, (line, col) = (
                "studio.yaml",
                (raw.where("print") if hasattr(raw, "where") else (1, 1)),
            )
        raise ProblemError(error(path, line, col, msg("print: {reason}", reason=exc))) from None


def final_html(composition: Composition, *, compact_address: bool = False) -> str:
    """The print shell filled in: what WeasyPrint lays out (also used by the benchmarks)."""
    project = composition.project
    context = shell_context(project, composition)
    context["page_css"] = Markup(geometry(composition).css())
    context["fonts_css"] = Markup(font_faces(project.root))
    context["address_class"] = "compact" if compact_address else ""
    return render_layout(project, "print", context)


def layout(html: str, resolver: AssetResolver, options: dict[str, Any]) -> Document:
    base_url = resolver.root.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=ProjectFetcher(resolver)).render(
        font_config=font_config(), **options
    )


def write_pdf(html: str, resolver: AssetResolver, options: dict[str, Any]) -> tuple[bytes, int]:
    document = layout(html, resolver, options)
    return document.write_pdf(**options), len(document.pages)


def block_places(document: Document) -> tuple[dict[str, list[int]], dict[str, list[float]]]:
    """The pages (from 1) each block's section is laid out on, and where it starts (its first
    page, and the top of its box there in PDF points), so a reviewer or the preview can go to
    the block itself, not to the top of its page. Reads WeasyPrint's laid-out boxes; an API
    change gives no places, not a failed render."""
    pages: dict[str, list[int]] = {}
    tops: dict[str, list[float]] = {}
    try:
        for number, page in enumerate(document.pages, start=1):
            for box in page._page_box.descendants():
                if getattr(box, "element_tag", "") != "section":
                    continue
                block = box.element.get("data-block")
                if block and number not in pages.setdefault(block, []):
                    pages[block].append(number)
                    # CSS pixels (1/96 in) to PDF points (1/72 in)
                    tops.setdefault(block, [number, round(box.position_y * 0.75, 1)])
    except AttributeError:
        return {}, {}
    return pages, tops


def hidden_address_lines(document: Document) -> list[str]:
    """The lines of the address that fall outside the envelope window (and are not printed)."""
    if not document.pages:
        return []
    for box in document.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or "address-window" not in (element.get("class") or "").split():
            continue
        bottom = box.content_box_y() + box.height + 0.5
        return [
            line.text
            for line in box.descendants()
            if isinstance(line, TextBox) and line.position_y + line.height > bottom
        ]
    return []


# An address of at most this many lines, none longer than this, fits the window at the normal
# size; anything larger is tried out on a page holding only the letterhead and the address.
_SURELY_FITS = (6, 38)


def _address_needs_compacting(composition: Composition, resolver: AssetResolver,
                              options: dict[str, Any]) -> bool:
    """Whether the address overflows the envelope window at the normal size.

    Laying out the whole letter twice would double the render time; a page with no content
    costs a tenth of it, and most addresses need not even that.
    """
    lines = [line for line in composition.address_text.splitlines() if line.strip()]
    if not lines or (len(lines) <= _SURELY_FITS[0]
                     and max(map(len, lines)) <= _SURELY_FITS[1]):
        return False
    probe = final_html(dataclasses.replace(composition, blocks=()))
    return bool(hidden_address_lines(layout(probe, resolver, options)))


class _Collect(logging.Handler):
    """WeasyPrint reports what it skipped (a refused image, bad CSS) through logging."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdf_options(composition: Composition) -> dict[str, Any]:
    settings = print_settings(composition)
    options: dict[str, Any] = {"uncompressed_pdf": False}
    variant = settings.get("pdf_variant")
    if variant is not None:
        if variant not in PDF_VARIANTS:
            template = composition.template
            line, col = template.where("print", "pdf_variant")
            raise ProblemError(
                error(
                    template.path if "print" in template.raw else "studio.yaml",
                    line,
                    col,
                    msg("print: unknown pdf_variant {variant!r} (variants: {variants})",
                        variant=variant, variants=", ".join(PDF_VARIANTS)),
                )
            )
        options["pdf_variant"] = variant
    if settings.get("tagged") or (isinstance(variant, str) and variant.startswith("pdf/ua")):
        options["pdf_tags"] = True
    # A stable identifier: same input, same bytes.
    options["pdf_identifier"] = (
        hashlib.sha256(f"{composition.template.name}|{composition.locale}".encode())
        .hexdigest()[:32]
        .encode()
    )
    return options


def render(composition: Composition) -> Rendition:
    # Laid out once in a run that asks for reuse (proof, a batch's partition), for the print
    # channel and an email attaching it alike.
    record = json.dumps(composition.record, sort_keys=True, ensure_ascii=False, default=str)
    key = ("print", id(composition.project), composition.template.name, composition.locale,
           composition.send_date, hashlib.sha256(record.encode()).hexdigest())
    return reused(key, lambda: _render(composition))


def _render(composition: Composition) -> Rendition:
    project = composition.project
    resolver = AssetResolver(project.root)
    html = final_html(composition)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    options = pdf_options(composition)
    try:
        compact = _address_needs_compacting(composition, resolver, options)
        if compact:
            html = final_html(composition, compact_address=True)
        document = layout(html, resolver, options)
        hidden = hidden_address_lines(document)
        pdf, pages = document.write_pdf(**options), len(document.pages)
        located, tops = block_places(document)
    finally:
        logger.removeHandler(collector)
    warnings: list[Problem] = [
        warning(composition.template.path, 0, 0, msg("print: {reason}", reason=message))
        for message in collector.messages
        if "refused" not in message
    ]
    warnings += [
        warning(composition.template.path, 0, 0,
                msg("print: not loaded: {reason}", reason=refused))
        for refused in resolver.refused
    ]
    for tag in _IMG_TAG.findall(html):
        if not _ALT.search(tag):
            warnings.append(
                warning(
                    composition.template.path,
                    0,
                    0,
                    msg("print: image without alt text (PDF/UA needs one): {tag}",
                        tag=tag[:80]),
                )
            )
    if hidden:
        line, col = composition.template.where("print", "address_block")
        warnings.append(
            warning(
                composition.template.path,
                line,
                col,
                msg("print: the address does not fit the envelope window; {count} line(s) not "
                    "printed: {lines}", count=len(hidden), lines=" / ".join(hidden)),
            )
        )
    return Rendition(
        template=composition.template.name,
        channel="print",
        locale=composition.locale,
        content=pdf,
        media_type=CHANNELS["print"].media_type,
        extension=CHANNELS["print"].extension,
        facts={
            "pages": pages,
            "bytes": len(pdf),
            "title": composition.title,
            "block_pages": located,
            "block_tops": tops,  # block -> [page, points from the page's top]
        },
        warnings=tuple(warnings),
        used_blocks=composition.used_blocks,
    )


__all__ = ["render", "final_html", "write_pdf", "font_config", "FetchRefused"]
