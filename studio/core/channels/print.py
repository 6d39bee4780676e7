"""Print: the composed content in the print shell, laid out as a PDF by WeasyPrint."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox, TableRowBox, TextBox
from weasyprint.pdf import VARIANTS as WEASYPRINT_VARIANTS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from studio.core import wording
from studio.core.channels import CHANNELS, Rendition, draft, reused, stylecache, textcache
from studio.core.compose import Composition
from studio.core.fetch import AssetResolver, FetchRefused
from studio.core.fonts import font_faces
from studio.core.layouts import render_layout, shell_context
from studio.core.messages import msg
from studio.core.paper import GeometryError, PageGeometry, page_geometry
from studio.core.problems import Problem, ProblemError, Severity, error, warning

stylecache.install()  # the letter's stylesheets parsed once, not at every rendition
textcache.install()  # the min/max-content widths of text measured once, not at every rendition
draft.install()  # the studio's typing preview: the pages through the edited one (draft.py)

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r'\balt="[^"]*\S[^"]*"', re.I)
# Archival and accessible by default: PDF/A-3a (conformance "a": tagged, with alt text and
# Unicode text) identified as PDF/UA-1 as well. "none" is a plain PDF; the PDF/X variants are
# for print shops (colour-managed, untagged).
DEFAULT_PDF_VARIANT = "pdf/a-3a"
PDF_VARIANTS = tuple(
    variant
    for variant in ("pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-3a", "pdf/a-3b", "pdf/a-4b",
                    "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4")
    if variant in WEASYPRINT_VARIANTS
) + ("none",)
# Conformance "a" variants are tagged and accessible: they also claim PDF/UA-1 (ISO 14289-1),
# which XMP must declare in a PDF/A extension schema, pdfuaid not being one of PDF/A's own.
_ACCESSIBLE = ("pdf/a-2a", "pdf/a-3a")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUA_XMP = f"""<rdf:RDF xmlns:rdf="{_RDF}">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>"""
for _prefix, _uri in (("pdfuaid", "http://www.aiim.org/pdfua/ns/id/"),
                      ("pdfaExtension", "http://www.aiim.org/pdfa/ns/extension/"),
                      ("pdfaSchema", "http://www.aiim.org/pdfa/ns/schema#"),
                      ("pdfaProperty", "http://www.aiim.org/pdfa/ns/property#")):
    ElementTree.register_namespace(_prefix, _uri)


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


# A last page filled under this share of its height (a few lines of the privacy notice alone
# on a sheet) costs paper and postage and looks like a mistake: the letter is fitted tighter,
# and a warning says when even that leaves the page near-empty (print: min_last_page_fill).
MIN_LAST_PAGE_FILL = 0.15
# The tighter fit: slightly less leading and spacing, the same text and sizes. Applied only
# when it saves the near-empty last page.
FIT_CSS = """
html { line-height: 1.3; }
p, ul, ol, table, blockquote { margin-bottom: 1.8mm; }
h2 { margin: 3.5mm 0 1.5mm; } h3 { margin: 3mm 0 1mm; }
section.block { margin-bottom: 1mm; }
"""


def final_html(composition: Composition, *, compact_address: bool = False,
               fit: bool = False) -> str:
    """The print shell filled in: what WeasyPrint lays out (also used by the benchmarks)."""
    project = composition.project
    context = shell_context(project, composition)
    # The project's stylesheet comes after page_css and may set what it likes: the fit is
    # given the last word.
    context["css"] = Markup(str(context["css"]) + (FIT_CSS if fit else ""))
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
    complete_metadata(document, options)
    return document.write_pdf(**options), len(document.pages)


def block_places(
    document: Document,
) -> tuple[dict[str, list[int]], dict[str, list[float]], dict[str, list[float]]]:
    """The pages (from 1) each block's section is laid out on, where it starts (its first
    page, and the top of its box there in PDF points), so a reviewer or the preview can go to
    the block itself, not to the top of its page, and its left and right edges there (which
    tell apart blocks laid out side by side, as the bill's first-page columns). Reads
    WeasyPrint's laid-out boxes; an API change gives no places, not a failed render."""
    pages: dict[str, list[int]] = {}
    tops: dict[str, list[float]] = {}
    spans: dict[str, list[float]] = {}
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
                    left = box.border_box_x()
                    spans.setdefault(block, [round(left * 0.75, 1),
                                             round((left + box.border_width()) * 0.75, 1)])
    except AttributeError:
        return {}, {}, {}
    return pages, tops, spans


def last_page_fill(document: Document) -> float:
    """How much of the last page's content area its content fills (0 to 1): from the top of
    the area to the bottom of its lowest line, image or table row, as WeasyPrint laid it out
    (the running header and footer are not content)."""
    if not document.pages:
        return 0.0
    page = document.pages[-1]._page_box
    top, height = page.content_box_y(), page.height
    if not page.children or height <= 0:
        return 0.0
    bottom = top
    for box in page.children[0].descendants():
        if isinstance(box, LineBox | ReplacedBox | TableRowBox):
            bottom = max(bottom, box.position_y + box.height)
    return max(0.0, min(1.0, (bottom - top) / height))


def min_last_page_fill(composition: Composition) -> float:
    """print: min_last_page_fill (studio.yaml or the template), a share of the page; 0 turns
    the fit and the warning off."""
    value = print_settings(composition).get("min_last_page_fill", MIN_LAST_PAGE_FILL)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        template = composition.template
        line, col = template.where("print", "min_last_page_fill")
        raise ProblemError(error(
            template.path if "print" in template.raw else "studio.yaml", line, col,
            msg("print: min_last_page_fill must be a share of the page from 0 to 0.99, "
                "got {value!r}", value=value)))
    return float(value)


def _address_window(document: Document) -> Any:
    if not document.pages:
        return None
    for box in document.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and "address-window" in (element.get("class") or "").split():
            return box
    return None


def hidden_address_lines(document: Document) -> list[str]:
    """The lines of the address that fall outside the envelope window (and are not printed)."""
    box = _address_window(document)
    if box is None:
        return []
    bottom = box.content_box_y() + box.height + 0.5
    return [
        line.text
        for line in box.descendants()
        if isinstance(line, TextBox) and line.position_y + line.height > bottom
    ]


def address_line_count(document: Document) -> int:
    """The lines the address is printed on, wrapped ones counted."""
    box = _address_window(document)
    if box is None:
        return 0
    return sum(
        isinstance(line, LineBox)
        and any(isinstance(t, TextBox) and t.text.strip() for t in line.descendants())
        for line in box.descendants()
    )


# Poste Italiane reads at most this many address lines (and sorts by the last ones).
MAX_ADDRESS_LINES = 6


def _too_many_address_lines(composition: Composition, count: int) -> Problem | None:
    if count <= MAX_ADDRESS_LINES:
        return None
    line, col = composition.template.where("print", "address_block")
    return error(composition.template.path, line, col, msg(
        "print: the address prints on {count} lines; Poste Italiane accepts at most {limit} "
        "(shorten the record's address fields)", count=count, limit=MAX_ADDRESS_LINES))


def trial_problems(composition: Composition, *, full: bool = False) -> list[Problem]:
    """What validation checks on every sample without laying out the whole letter: the
    address's printed lines (a page holding only the letterhead and the address, and only
    when the address may not surely fit), the regulatory wording as the layout hands it to
    WeasyPrint. FULL (the default sample): the whole letter is laid out too, for a near-empty
    last page and the regulatory wording as printed."""
    problems: list[Problem] = []
    if full:
        document, _, fill, minimum = _laid_out(
            composition, AssetResolver(composition.project.root), pdf_options(composition))
        underfilled = _underfilled(composition, len(document.pages), fill, minimum)
        problems += [underfilled] if underfilled else []
        problems += wording.check_document(composition, document)
    else:
        problems += wording_problems(composition, laid_out=False)
    if not composition.address_text.strip():
        return problems
    lines = [line for line in composition.address_text.splitlines() if line.strip()]
    if len(lines) <= _SURELY_FITS[0] and max(map(len, lines)) <= _SURELY_FITS[1]:
        return problems
    resolver = AssetResolver(composition.project.root)
    options = pdf_options(composition)
    letterhead = dataclasses.replace(composition, blocks=())
    document = layout(final_html(letterhead), resolver, options)
    if hidden_address_lines(document):  # the render compacts it: count that
        document = layout(final_html(letterhead, compact_address=True), resolver, options)
    problem = _too_many_address_lines(
        composition, address_line_count(document) - len(hidden_address_lines(document)))
    return problems + ([problem] if problem else [])


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
    variant = settings.get("pdf_variant", DEFAULT_PDF_VARIANT)
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
        if variant != "none":
            options["pdf_variant"] = variant
    if (settings.get("tagged") or variant in _ACCESSIBLE
            or (isinstance(variant, str) and variant.startswith("pdf/ua"))):
        options["pdf_tags"] = True
    # A stable identifier: same input, same bytes.
    options["pdf_identifier"] = (
        hashlib.sha256(f"{composition.template.name}|{composition.locale}".encode())
        .hexdigest()[:32]
        .encode()
    )
    return options


def complete_metadata(document: Document, options: dict[str, Any]) -> None:
    """The metadata WeasyPrint does not write itself. Claim PDF/UA-1 beside PDF/A for the
    accessible variants: WeasyPrint writes one identification (pdfaid), so its XMP packet
    gets pdfuaid and its schema added."""
    metadata = document.metadata
    if str(options.get("pdf_variant", "")).startswith("pdf/x"):
        # PDF/X needs creation and modification dates, and WeasyPrint would write the clock's:
        # a fixed one keeps same input, same bytes (the reproducible-build epoch of ZIP).
        metadata.created = metadata.created or "1980-01-01T00:00:00+00:00"
        metadata.modified = metadata.modified or metadata.created
    variant = options.get("pdf_variant")
    original = metadata.generate_rdf_metadata
    identifier = options["pdf_identifier"].decode("ascii")

    def completed(kind: str, version: int, conformance: str | None) -> bytes:
        rdf = ElementTree.fromstring(original(kind, version, conformance))
        for document_id in rdf.iter("{http://ns.adobe.com/xap/1.0/mm/}DocumentID"):
            document_id.text = f"xmp.did:{identifier}"  # PDF/X-4's, random otherwise
        if variant in _ACCESSIBLE:
            rdf.extend(list(ElementTree.fromstring(_PDFUA_XMP)))
        return ElementTree.tostring(rdf)

    metadata.generate_rdf_metadata = completed  # type: ignore[method-assign]


def _laid_out(composition: Composition, resolver: AssetResolver,
              options: dict[str, Any], made: dict[str, Any] | None = None,
              ) -> tuple[Document, str, float, float]:
    """The letter laid out (the address compacted if it must be, the fit applied if it saves
    the near-empty last page): the document, its HTML, its last page's fill and the minimum.
    MADE, when given, is told how (for the drafts that follow: channels/draft.py): the
    layout's watch, the address compacted, the fit; MADE["first"], when given, is a
    (html, document, watch) laid out already, taken when its HTML is the letter's."""
    compact = _address_needs_compacting(composition, resolver, options)
    html = final_html(composition, compact_address=compact)
    watching = made is not None
    first = (made or {}).get("first")
    if first is not None and first[0] == html:
        _, document, watch = first
    else:
        watch = draft.Watch()
        with draft.watching(watch) if watching else contextlib.nullcontext():
            document = layout(html, resolver, options)
    minimum = min_last_page_fill(composition)
    fill = last_page_fill(document)
    fit = False
    # The fit saves under a tenth of the letter's height: try it only where that could
    # empty the last page (a second layout costs as much as the first).
    if len(document.pages) > 1 and fill < min(minimum, 0.1 * (len(document.pages) - 1 + fill)):
        fitted_watch = draft.Watch()
        with draft.watching(fitted_watch) if watching else contextlib.nullcontext():
            fitted = layout(final_html(composition, compact_address=compact, fit=True),
                            resolver, options)
        if len(fitted.pages) < len(document.pages):
            document, fill, watch, fit = fitted, last_page_fill(fitted), fitted_watch, True
    if made is not None:
        made.update(watch=watch, compact=compact, fit=fit)
    return document, html, fill, minimum


# A screen as one long page: nothing a reader could scroll to is cut off by a page's bottom.
_SCREEN = "@page {{ size: {width}px 200000px; margin: 0 }}"


def layout_screen(html: str, resolver: AssetResolver, width: int,
                  kept: frozenset[str], scheme: str = "light") -> Document:
    """An email's or a mobile page's final HTML laid out as a screen WIDTH CSS pixels wide
    shows it to a reader in colour SCHEME (light or dark), for the regulatory wording's check
    (studio/core/wording.py); nothing fetched
    beyond the project's own files. Of the marked blocks, only those in KEPT keep their
    content: the others are laid out empty (their element stays, so selectors count them),
    which saves most of the work."""
    with _quiet():
        return _layout_screen(html, resolver, width, kept, scheme)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """WeasyPrint's warnings about an email's CSS (Outlook's mso- properties) are not the
    reader's business, nor a print rendition's: this thread's are dropped while it lays out."""
    here = threading.get_ident()

    def other_threads(record: logging.LogRecord) -> bool:
        return record.thread != here

    logging.getLogger("weasyprint").addFilter(other_threads)
    try:
        yield
    finally:
        logging.getLogger("weasyprint").removeFilter(other_threads)


def _layout_screen(html: str, resolver: AssetResolver, width: int,
                   kept: frozenset[str], scheme: str) -> Document:
    screen = CSS(string=_SCREEN.format(width=width), font_config=font_config())
    page = HTML(string=wording.screen_stylesheets(html, width, scheme),
                base_url=resolver.root.as_uri() + "/", url_fetcher=ProjectFetcher(resolver),
                media_type="screen")
    for element in page.etree_element.iter():
        block = element.get("data-block")
        if block and block not in kept and not any(
                inner.get("data-block") in kept for inner in element.iter()):
            for child in list(element):
                element.remove(child)
            element.text = None
    return page.render(stylesheets=[screen], font_config=font_config())


def screen_of(composition: Composition,
              width: int) -> Callable[[str, frozenset[str], str], Document]:
    """layout_screen for COMPOSITION's project, on a screen WIDTH pixels wide."""
    resolver = AssetResolver(composition.project.root)
    return lambda page, kept, scheme: layout_screen(page, resolver, width, kept, scheme)


def wording_problems(composition: Composition, *, laid_out: bool) -> list[Problem]:
    """The regulatory wording as the letter prints it, from WeasyPrint's boxes (LAID_OUT), or
    as the layout hands it to WeasyPrint (studio/core/wording.py)."""
    if not wording.to_check(composition, "print", laid_out):
        return []
    if not laid_out:
        return wording.check_html(composition, final_html(composition), "print", layout=None)
    document, *_ = _laid_out(composition, AssetResolver(composition.project.root),
                             pdf_options(composition))
    return wording.check_document(composition, document)


def _underfilled(composition: Composition, pages: int, fill: float,
                 minimum: float) -> Problem | None:
    if pages <= 1 or fill >= minimum:
        return None
    line, col = composition.template.where("print", "min_last_page_fill")
    return warning(
        composition.template.path, line, col,
        msg("print: the last page (page {page}) is only {fill}% filled (under "
            "min_last_page_fill {minimum}%): shorten the text or move a block",
            page=pages, fill=round(fill * 100), minimum=round(minimum * 100)))


def render(composition: Composition) -> Rendition:
    # Laid out once in a run that asks for reuse (proof, a batch's partition), for the print
    # channel and an email attaching it alike.
    record = json.dumps(composition.record, sort_keys=True, ensure_ascii=False, default=str)
    key = ("print", id(composition.project), composition.template.name, composition.locale,
           composition.send_date, composition.preview, hashlib.sha256(record.encode()).hexdigest())
    return reused(key, lambda: _render(composition))


def _render(composition: Composition) -> Rendition:
    project = composition.project
    resolver = AssetResolver(project.root)
    html = final_html(composition)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    options = pdf_options(composition)
    request = draft.current() if composition.preview else None
    made: dict[str, Any] | None = None if request is None else {}
    try:
        if request is not None and request.basis is not None:
            drafted = _draft(composition, resolver, options, request.basis, request.changed,
                             made)
            if drafted is not None:
                return drafted
        document, html, fill, minimum = _laid_out(composition, resolver, options, made)
        if request is not None:
            request.check()  # given up while it was laid out: not drawn
        hidden = hidden_address_lines(document)
        address_lines = address_line_count(document)
        complete_metadata(document, options)
        # Only looked at, the preview's streams are not compressed: 20-60 ms of the bill's
        # 190 ms write, and no pixel. It stays PDF/A and tagged: the studio's live check of
        # print reads this very PDF (the Matterhorn checkpoints).
        written = {**options, "uncompressed_pdf": True} if composition.preview else options
        pdf, pages = document.write_pdf(**written), len(document.pages)
        located, tops, spans = block_places(document)
        # A rendition's warnings (render --json, the server); validate and the export
        # gate hold them as errors.
        altered = [dataclasses.replace(p, severity=Severity.WARNING)
                   for p in wording.check_document(composition, document)]
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
    warnings += altered
    underfilled = _underfilled(composition, len(document.pages), fill, minimum)
    if underfilled:
        warnings.append(underfilled)
    too_many = _too_many_address_lines(composition, address_lines - len(hidden))
    if too_many:
        warnings.append(dataclasses.replace(too_many, severity=Severity.WARNING))
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
    facts = {
        "pages": pages,
        "bytes": len(pdf),
        "last_page_fill": round(fill, 3),
        "title": composition.title,
        "block_pages": located,
        "block_tops": tops,  # block -> [page, points from the page's top]
        "block_spans": spans,  # block -> [left, right] in points on its first page
    }
    if request is not None and made is not None and "watch" in made:
        request.made = draft.Basis(pdf, facts, made["watch"].final_boundaries(),
                                   made["compact"], made["fit"])
    return _rendition(composition, pdf, facts, tuple(warnings))


def _rendition(composition: Composition, pdf: bytes, facts: dict[str, Any],
               warnings: tuple[Problem, ...]) -> Rendition:
    return Rendition(
        template=composition.template.name,
        channel="print",
        locale=composition.locale,
        content=pdf,
        media_type=CHANNELS["print"].media_type,
        extension=CHANNELS["print"].extension,
        facts=facts,
        warnings=warnings,
        used_blocks=composition.used_blocks,
    )


def _draft(composition: Composition, resolver: AssetResolver, options: dict[str, Any],
           basis: draft.Basis, changed: frozenset[str],
           made: dict[str, Any] | None) -> Rendition | None:
    """The studio's print preview while the author types (channels/draft.py): the pages
    through the last one an edited block was on, laid out and drawn, then the last whole
    rendition's pages after it. None when that cannot be: the caller lays out the letter
    (taking the layout made here when it went on to the end, in MADE["first"])."""
    through = draft.through_page(basis, changed)
    if through is None:
        return None
    compact = _address_needs_compacting(composition, resolver, options)
    if compact != basis.compact:
        return None
    html = final_html(composition, compact_address=compact, fit=basis.fit)
    watch = draft.Watch(stop_after=through, expected=basis.boundaries[through - 1],
                        total=int(basis.facts["pages"]))
    with draft.watching(watch):
        document = layout(html, resolver, options)
    if not watch.stopped:
        if made is not None and not basis.fit:
            made["first"] = (html, document, watch)
        return None
    if watch.tied():  # the edit tied its pages to the later ones (a string for a header)
        return None
    # Only looked at, its later pages from another PDF: not tagged (the same pixels).
    first = document.write_pdf(**{**options, "uncompressed_pdf": True, "pdf_tags": False})
    located, tops, spans = block_places(document)
    pages, tops, spans = draft.joined_places(
        {"block_pages": located, "block_tops": tops, "block_spans": spans}, basis, through)
    pdf = draft.joined(first, basis, through)
    return _rendition(composition, pdf, {
        **basis.facts, "bytes": len(pdf), "title": composition.title, "block_pages": pages,
        "block_tops": tops, "block_spans": spans, "draft": True, "drafted_pages": through,
    }, ())


__all__ = ["render", "final_html", "write_pdf", "font_config", "FetchRefused"]
