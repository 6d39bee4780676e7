"""Print is archival and accessible by default (PDF/A-3a, tagged, PDF/UA-1 identified), read
back with pikepdf; PDF/X for print shops and a plain PDF on request."""

from __future__ import annotations

import io

import pikepdf
import pytest

from studio.core.limits import limits_from
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD, SAMPLE

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"


def _structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the structure tree, depth first."""
    found: list[pikepdf.Dictionary] = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def test_sample_bill_is_pdf_a_3a_and_pdf_ua_1_with_alt_text():
    project = load_project(SAMPLE)
    rendition = render(project, "bill", "print", project.samples["typical"].record, "it",
                       limits=limits_from(project.config.raw, 300))  # not a timing test
    with pikepdf.open(io.BytesIO(rendition.content)) as pdf:
        meta = pdf.open_metadata()
        assert (meta[f"{PDFAID}part"], meta[f"{PDFAID}conformance"]) == ("3", "A")
        assert meta[f"{PDFUAID}part"] == "1"
        # pdfuaid is not one of PDF/A's own schemas: the packet declares it.
        xmp = bytes(pdf.Root.Metadata.read_bytes()).decode()
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "it"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert "/OutputIntents" in pdf.Root
        elements = _structure(pdf)
        figures = [e for e in elements if e.S == "/Figure"]
        assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)
        assert "Lumen Energia S.p.A." in [str(e.Alt) for e in figures]  # the logo
        assert {"/H1", "/H2", "/Table", "/P"} <= {str(e.S) for e in elements}
    assert rendition.warnings == ()


def test_english_letter_declares_its_language(project_dir):
    rendition = render(load_project(project_dir()), "letter", "print", BASE_RECORD, "en")
    with pikepdf.open(io.BytesIO(rendition.content)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert pdf.open_metadata()[f"{PDFAID}conformance"] == "A"


@pytest.mark.parametrize(("variant", "check"), [
    ("pdf/x-4", "x"), ("none", "plain"), ("pdf/a-2a", "a2")])
def test_other_variants_on_request(project_dir, variant, check):
    root = project_dir({"templates/letter.yaml": "title: Lettera\nchannels: [print]\n"
                        f"print: {{pdf_variant: {variant}}}\nbody:\n  - block: amount\n"})
    rendition = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    with pikepdf.open(io.BytesIO(rendition.content)) as pdf:
        meta = pdf.open_metadata()
        xmp = bytes(pdf.Root.Metadata.read_bytes()).decode() if "/Metadata" in pdf.Root else ""
        if check == "x":
            # For print shops (their CMYK profile comes from the project's @color-profile):
            # identified as PDF/X-4, no PDF/A claim, and still the same bytes every time.
            assert "GTS_PDFXVersion" in xmp and "PDF/X-4" in xmp
            assert f"{PDFAID}part" not in meta
            again = render(load_project(root), "letter", "print", BASE_RECORD, "it")
            assert again.content == rendition.content
        elif check == "plain":
            assert "/OutputIntents" not in pdf.Root and f"{PDFAID}part" not in meta
        else:
            assert (meta[f"{PDFAID}part"], meta[f"{PDFAID}conformance"]) == ("2", "A")
            assert meta[f"{PDFUAID}part"] == "1" and "/StructTreeRoot" in pdf.Root


def test_the_studio_preview_is_the_archival_letter_with_streams_not_compressed():
    """The live preview's PDF (render(preview=True), what the studio's render worker asks for)
    skips compressing its streams: still PDF/A-3a and tagged (the studio's live check reads it:
    the same Matterhorn findings), the pages pixel for pixel the archival letter's; what leaves
    the studio (render, the CLI, export) is never a preview."""
    import pypdfium2

    from studio.core.checks.pdf import check_pdf
    from studio.core.jobs import ProjectState, RenderJob, run_render

    project = load_project(SAMPLE)
    record = project.samples["typical"].record
    archival = render(project, "payment-reminder", "print", record, "it")
    preview = render(project, "payment-reminder", "print", record, "it", preview=True)

    def compressed(content: bytes) -> bool:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            assert "/StructTreeRoot" in pdf.Root and "/OutputIntents" in pdf.Root
            meta = pdf.open_metadata()
            assert (meta[f"{PDFAID}part"], meta[f"{PDFAID}conformance"]) == ("3", "A")
            return all("/Filter" in page.Contents for page in pdf.pages
                       if isinstance(page.Contents, pikepdf.Stream))

    assert compressed(archival.content) and not compressed(preview.content)
    assert len(preview.content) > len(archival.content)
    assert check_pdf(preview.content) == check_pdf(archival.content)
    assert preview.facts["pages"] == archival.facts["pages"] == 2
    assert preview.facts["block_tops"] == archival.facts["block_tops"]
    assert preview.warnings == archival.warnings
    pages = [pypdfium2.PdfDocument(r.content) for r in (preview, archival)]
    for number in range(2):
        one, other = (document[number].render(scale=1).to_pil().tobytes() for document in pages)
        assert one == other
    studio = run_render(RenderJob(ProjectState(str(SAMPLE)), "payment-reminder", "print", "it",
                                  "typical"))
    assert studio.rendition is not None
    assert not compressed(studio.rendition.content)  # the preview, written faster
