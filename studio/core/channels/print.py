"""Print: the composed content in the print shell, laid out as a PDF by WeasyPrint."""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from studio.core.channels import Rendition
from studio.core.compose import Composition
from studio.core.fetch import AssetResolver, FetchRefused
from studio.core.layouts import channel_css, render_layout, shell_context
from studio.core.problems import Problem, warning

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


def final_html(composition: Composition) -> str:
    """The print shell filled in: what WeasyPrint lays out (also used by the benchmarks)."""
    project = composition.project
    logo = project.config.brand.get("logo")
    context = shell_context(
        project,
        composition,
        content=composition.html,
        css=channel_css(project, "print"),
        logo=str(logo) if logo else None,
    )
    return render_layout(project, "print", context)


def write_pdf(html: str, resolver: AssetResolver, options: dict[str, Any]) -> tuple[bytes, int]:
    base_url = resolver.root.as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=ProjectFetcher(resolver)).render(
        font_config=font_config(), **options
    )
    pdf = document.write_pdf(**options)
    return pdf, len(document.pages)


class _Collect(logging.Handler):
    """WeasyPrint reports what it skipped (a refused image, bad CSS) through logging."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdf_options(composition: Composition) -> dict[str, Any]:
    settings = {**composition.project.config.print, **composition.template.print}
    options: dict[str, Any] = {"uncompressed_pdf": False}
    variant = settings.get("pdf_variant")
    if variant in PDF_VARIANTS:
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
    project = composition.project
    resolver = AssetResolver(project.root)
    html = final_html(composition)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        pdf, pages = write_pdf(html, resolver, pdf_options(composition))
    finally:
        logger.removeHandler(collector)
    warnings: list[Problem] = [
        warning(composition.template.path, 0, 0, f"print: {message}")
        for message in collector.messages
        if "refused" not in message
    ]
    warnings += [
        warning(composition.template.path, 0, 0, f"print: not loaded: {refused}")
        for refused in resolver.refused
    ]
    return Rendition(
        template=composition.template.name,
        channel="print",
        locale=composition.locale,
        content=pdf,
        media_type="application/pdf",
        extension="pdf",
        facts={"pages": pages, "bytes": len(pdf), "title": composition.title},
        warnings=tuple(warnings),
        used_blocks=composition.used_blocks,
    )


__all__ = ["render", "final_html", "write_pdf", "font_config", "FetchRefused"]
