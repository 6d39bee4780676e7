"""Print accessibility: the Matterhorn Protocol's machine-checkable conditions for our PDFs.

pikepdf reads the PDF the print channel made; each condition that applies to WeasyPrint's output
is a named checkpoint (the Matterhorn index where the protocol has one for it):

  01-005  content neither tagged nor marked as an artifact (running headers and footers
          included: they must be artifacts, everything else real content)
  06-003  no title in the document's metadata          07-001  title not the window's title
  09      not a tagged PDF (no structure tree)         10-001  text without a Unicode mapping
  11-006  no document language                         13-004  figure without alternative text
  14-002  first heading not H1                          14-003  heading levels skipped
  15      table without header cells                    31      font program not embedded

Only a PDF that asks to be tagged (`print: {tagged: true}` or a PDF/UA variant) is judged on its
structure; an untagged one gets the single finding that it is untagged.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from studio.core.checks.findings import Finding
from studio.core.messages import Message, msg

_HEADING = re.compile(r"^/H([1-6])$")
_TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def check_pdf(content: bytes) -> list[Finding]:
    """The Matterhorn checkpoints CONTENT (a PDF) fails, each a Finding."""
    import pikepdf  # imported here: only the checks need it

    findings: list[Finding] = []

    def fail(rule: str, impact: str, message: Message, count: int = 1) -> None:
        findings.append(Finding(rule, impact, str(message), source="matterhorn", count=count,
                                text=message))

    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PdfError as exc:
        unreadable = msg("the PDF cannot be read: {reason}", reason=str(exc))
        return [Finding("pdf-unreadable", "critical", str(unreadable), source="matterhorn",
                        text=unreadable)]
    with pdf:
        root = pdf.Root
        if not str(root.get("/Lang", "")).strip():
            fail("11-006", "serious", msg("the document has no language (/Lang)"))
        title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo is not None else ""
        if not title.strip():
            fail("06-003", "serious", msg("the document has no title"))
        viewer = root.get("/ViewerPreferences")
        if title.strip() and (viewer is None or not bool(viewer.get("/DisplayDocTitle", False))):
            fail("07-001", "minor",
                 msg("viewers show the file name, not the title (DisplayDocTitle)"))
        _fonts(pdf, fail)
        structure = root.get("/StructTreeRoot")
        marked = root.get("/MarkInfo")
        if structure is None or marked is None or not bool(marked.get("/Marked", False)):
            fail("09", "serious", msg("the PDF is not tagged: screen readers get no structure "
                                      "({setting} in the template or studio.yaml)",
                                      setting="print: {tagged: true}"))
            return findings
        _structure(structure, fail)
        untagged = sum(_untagged_text(page) for page in pdf.pages)
        if untagged:
            fail("01-005", "serious", msg("{count} text run(s) neither tagged nor marked as "
                                          "artifacts", count=untagged), count=untagged)
    return findings


def _fonts(pdf: Any, fail: Any) -> None:
    import pikepdf

    seen: set[str] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for font in fonts.values():
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            descriptor = font.get("/FontDescriptor")
            descendants = font.get("/DescendantFonts")
            if descriptor is None and isinstance(descendants, pikepdf.Array) and descendants:
                descriptor = descendants[0].get("/FontDescriptor")
            subtype = str(font.get("/Subtype", ""))
            if subtype != "/Type3" and (
                descriptor is None
                or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            ):
                fail("31", "serious", msg("font {font} is not embedded", font=name))
            if subtype == "/Type0" and "/ToUnicode" not in font:
                fail("10-001", "serious",
                     msg("font {font} has no Unicode mapping (ToUnicode)", font=name))


def _elements(node: Any) -> Iterator[Any]:
    """Structure elements under NODE, depth first, in document order."""
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for kid in node:
            yield from _elements(kid)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    if "/S" in node:
        yield node
    kids = node.get("/K")
    if kids is not None:
        yield from _elements(kids)


def _structure(tree: Any, fail: Any) -> None:
    figures_without_alt = 0
    tables_without_headers = 0
    levels: list[int] = []
    for element in _elements(tree.get("/K")):
        kind = str(element.get("/S"))
        if kind == "/Figure" and not str(element.get("/Alt", "")).strip() and not str(
            element.get("/ActualText", "")
        ).strip():
            figures_without_alt += 1
        elif kind == "/Table" and not any(
            str(e.get("/S")) == "/TH" for e in _elements(element.get("/K"))
        ):
            tables_without_headers += 1
        heading = _HEADING.match(kind)
        if heading:
            levels.append(int(heading.group(1)))
    if figures_without_alt:
        fail("13-004", "critical", msg("{count} figure(s) without alternative text",
                                       count=figures_without_alt), count=figures_without_alt)
    if tables_without_headers:
        fail("15", "serious", msg("{count} table(s) without header cells (TH)",
                                  count=tables_without_headers), count=tables_without_headers)
    if levels and levels[0] != 1:
        fail("14-002", "moderate", msg("the first heading is H{level}, not H1", level=levels[0]))
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    if skips:
        a, b = skips[0]
        fail("14-003", "moderate", msg("heading levels skipped: H{before} is followed by "
                                       "H{after}", before=a, after=b), count=len(skips))


def _untagged_text(page: Any) -> int:
    """Text-showing operators on PAGE outside any marked content (tagged or artifact)."""
    import pikepdf

    depth = 0
    untagged = 0
    for instruction in pikepdf.parse_content_stream(page):
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            depth += 1
        elif op == "EMC":
            depth = max(depth - 1, 0)
        elif op in _TEXT_OPERATORS and depth == 0:
            untagged += 1
    return untagged
