"""Print: real PDFs from WeasyPrint, read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from studio.core.validate import validate
from tests.conftest import BASE_RECORD
from tests.pages import last_page_fill as pdf_last_page_fill

TABLE_BLOCK = """
---
title: Lines
---
| Voce | Importo |
|---|---:|
{% for line in invoice.lines %}
| {{ line.text }} | {{ line.amount | currency }} |
{% endfor %}
"""


def _pdf(rendition) -> PdfReader:
    return PdfReader(io.BytesIO(rendition.content))


def test_letter_is_a_pdf_with_page_numbers_and_content(project_dir):
    project = load_project(project_dir())
    rendition = render(project, "letter", "print", BASE_RECORD, "it")
    assert rendition.content.startswith(b"%PDF-")
    assert rendition.media_type == "application/pdf"
    reader = _pdf(rendition)
    assert rendition.facts["pages"] == len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Gentile Mario Rossi" in text
    assert "1.234,50 €" in text.replace("\xa0", " ")
    assert "Pagina 1 di 1" in text
    assert reader.metadata.title == "Lettera"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_long_table_spans_pages_with_repeated_header(project_dir):
    files = {
        "blocks/lines.md": TABLE_BLOCK,
        "templates/letter.yaml": "title: Bolletta\nchannels: [print]\nbody:\n"
        "  - block: greeting\n  - block: lines\n",
    }
    lines = [{"text": f"Voce numero {i}", "amount": i * 1.25} for i in range(1, 81)]
    record = {**BASE_RECORD, "invoice": {**BASE_RECORD["invoice"], "lines": lines}}
    rendition = render(load_project(project_dir(files)), "letter", "print", record, "en")
    reader = _pdf(rendition)
    pages = len(reader.pages)
    assert pages >= 3 and rendition.facts["pages"] == pages
    texts = [page.extract_text() for page in reader.pages]
    assert all("Voce" in t and "Importo" in t for t in texts)  # header row on every page
    assert "Voce numero 80" in texts[-1]
    assert f"Page {pages} of {pages}" in texts[-1]
    assert "Bolletta" in texts[1]  # running header from the second page
    # Where each block lies, checked against the PDF's own text.
    located = rendition.facts["block_pages"]
    assert located["greeting"] == [1]
    assert located["lines"] == list(range(1, pages + 1))
    assert all("Voce" not in texts[n - 1] for n in range(1, pages + 1)
               if n not in located["lines"])


def test_same_input_gives_the_same_bytes(project_dir):
    project = load_project(project_dir())
    first = render(project, "letter", "print", BASE_RECORD, "it").content
    second = render(load_project(project.root), "letter", "print", BASE_RECORD, "it").content
    assert first == second


def test_address_block_is_placed_in_the_window(project_dir):
    files = {
        "blocks/address.md": "{{ customer.name }}  \nVia Verdi 3  \n20100 Milano MI\n",
        "templates/letter.yaml": "title: L\nchannels: [print]\nprint: {address_block: address}\n"
        "body:\n  - block: amount\n",
    }
    rendition = render(load_project(project_dir(files)), "letter", "print", BASE_RECORD, "it")
    text = _pdf(rendition).pages[0].extract_text()
    assert "Via Verdi 3" in text and "20100 Milano MI" in text


def test_project_assets_are_embedded(project_dir):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#123456"/></svg>'
    )
    root = project_dir({"assets/logo.svg": svg})
    (root / "studio.yaml").write_text(
        (root / "studio.yaml").read_text().replace("primary:", "logo: assets/logo.svg, primary:")
    )
    with_logo = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    (root / "assets" / "logo.svg").unlink()
    without = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    assert with_logo.content != without.content
    assert any("assets/logo.svg" in w.message for w in without.warnings)
    assert not any("logo" in w.message for w in with_logo.warnings)


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_letter_paper_and_margins(project_dir):
    root = project_dir(
        {
            "templates/letter.yaml": "title: L\nchannels: [print]\n"
            "print: {paper: Letter, margins: 0.75in, address_window: US-10}\n"
            "body:\n  - block: amount\n"
        }
    )
    page = _pdf(render(load_project(root), "letter", "print", BASE_RECORD, "en")).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_bad_paper_setting_is_located(project_dir):
    root = project_dir(
        {
            "templates/letter.yaml": "title: L\nchannels: [print]\n"
            "print: {paper: B7}\nbody:\n  - block: amount\n"
        }
    )
    with pytest.raises(ProblemError) as caught:
        render(load_project(root), "letter", "print", BASE_RECORD, "en")
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("templates/letter.yaml", 3)
    assert "unknown size 'B7'" in problem.message


def test_block_can_request_a_page_break(project_dir):
    root = project_dir(
        {
            "blocks/legal/privacy.md": "---\ntitle: P\nowner: legal\n"
            "regulatory: true\npage_break: before\n---\nTrattiamo i dati.\n"
        }
    )
    reader = _pdf(render(load_project(root), "letter", "print", BASE_RECORD, "it"))
    assert len(reader.pages) == 2
    assert "Trattiamo i dati" in reader.pages[1].extract_text()
    assert "Trattiamo i dati" not in reader.pages[0].extract_text()


def test_shipped_font_is_embedded(project_dir):
    reader = _pdf(render(load_project(project_dir()), "letter", "print", BASE_RECORD, "it"))
    assert {n.split("+")[1] for n in _fonts(reader)} == {"Missiva-Sans", "Missiva-Sans-Bold"}


def test_project_font_from_assets_is_embedded(project_dir):
    root = project_dir({"styles/print.css": "main { font-family: 'DejaVu Serif'; }\n"})
    fonts = root / "assets" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "corporate.ttf").write_bytes(
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").read_bytes()
        if Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").exists()
        else pytest.skip("no DejaVu Serif on this machine to stand in for a project font")
    )
    reader = _pdf(render(load_project(root), "letter", "print", BASE_RECORD, "it"))
    assert any(n.endswith("+DejaVu-Serif") for n in _fonts(reader))


def test_long_address_is_compacted_then_reported(project_dir):
    files = {
        "blocks/address.md": "{% for line in customer.name.split('|') %}{{ line }}  \n{% endfor %}",
        "templates/letter.yaml": "title: L\nchannels: [print]\nprint: {address_block: address}\n"
        "body:\n  - block: amount\n",
    }
    project = load_project(project_dir(files))
    eleven = {**BASE_RECORD, "customer": {"name": "|".join(f"Riga {i}" for i in range(11))}}
    fitted = render(project, "letter", "print", eleven, "it")
    assert "Riga 10" in _pdf(fitted).pages[0].extract_text()
    # Printed, but more than the post reads.
    [poste] = fitted.warnings
    assert "prints on 11 lines; Poste Italiane accepts at most 6" in poste.message
    assert (poste.path, poste.line, poste.severity.value) == ("templates/letter.yaml", 3, "warning")
    thirty = {**BASE_RECORD, "customer": {"name": "|".join(f"Riga {i}" for i in range(30))}}
    warnings = render(project, "letter", "print", thirty, "it").warnings
    [warning] = [w for w in warnings if "envelope window" in w.message]
    assert "does not fit the envelope window" in warning.message and "Riga 29" in warning.message
    assert (warning.path, warning.line) == ("templates/letter.yaml", 3)
    six = {**BASE_RECORD, "customer": {"name": "|".join(f"Riga {i}" for i in range(6))}}
    assert render(project, "letter", "print", six, "it").warnings == ()


def test_address_over_six_printed_lines_is_a_validate_error(project_dir):
    """Poste Italiane reads at most 6 lines: validate counts the lines as printed, wrapped
    ones included, on every sample."""
    files = {
        "blocks/address.md": "{{ customer.name }}  \nVia Roma 1  \n20121 Milano MI\n",
        "templates/letter.yaml": "title: L\nchannels: [print]\nprint: {address_block: address}\n"
        "body:\n  - block: amount\n",
    }
    wrapping = "Maria Antonietta Elisabetta Montecuccoli degli Erri Santangelo " * 4
    samples = {"typical": BASE_RECORD,
               "long": {**BASE_RECORD, "customer": {"name": wrapping.strip()}}}
    problems = validate(load_project(project_dir(files, samples=samples)))
    assert [(p.path, p.line, p.severity.value) for p in problems] == [
        ("templates/letter.yaml", 3, "error")]
    assert "Poste Italiane accepts at most 6" in problems[0].message
    assert "sample long" in problems[0].message


@pytest.mark.parametrize(
    ("variant", "marker"), [("pdf/a-3b", 'pdfaid:part="3"'), ("pdf/ua-1", 'pdfuaid:part="1"')]
)
def test_archival_and_accessible_variants(project_dir, variant, marker):
    root = project_dir(
        {
            "templates/letter.yaml": "title: Lettera\nchannels: [print]\n"
            f"print: {{pdf_variant: {variant}}}\nbody:\n  - block: amount\n"
        }
    )
    reader = _pdf(render(load_project(root), "letter", "print", BASE_RECORD, "it"))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert marker in xmp
    assert catalog["/Lang"] == "it" and reader.metadata.title == "Lettera"
    if variant.startswith("pdf/ua"):
        assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    else:
        assert "/OutputIntents" in catalog


def test_unknown_pdf_variant_is_located(project_dir):
    root = project_dir(
        {
            "templates/letter.yaml": "title: L\nchannels: [print]\n"
            "print:\n  pdf_variant: pdf/z-9\nbody:\n  - block: amount\n"
        }
    )
    with pytest.raises(ProblemError) as caught:
        render(load_project(root), "letter", "print", BASE_RECORD, "it")
    assert (caught.value.problem.path, caught.value.problem.line) == ("templates/letter.yaml", 4)


def _paragraphs(count: int) -> str:
    return "---\ntitle: Long\n---\n" + "\n\n".join(
        f"Paragrafo numero {i} della lettera." for i in range(count))


def test_near_empty_last_page_is_fitted_onto_fewer_pages(project_dir):
    files = {"blocks/long.md": _paragraphs(31),
             "templates/letter.yaml": "title: L\nchannels: [print]\nbody:\n  - block: long\n"}
    root = project_dir(files)
    fitted = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    reader = _pdf(fitted)
    assert len(reader.pages) == fitted.facts["pages"] == 1 and fitted.warnings == ()
    assert "Paragrafo numero 30 della lettera." in reader.pages[0].extract_text()
    # The same letter with the fit turned off: a second page holding two paragraphs.
    (root / "templates" / "letter.yaml").write_text(
        "title: L\nchannels: [print]\nprint: {min_last_page_fill: 0}\nbody:\n  - block: long\n")
    loose = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    assert len(_pdf(loose).pages) == 2 and loose.warnings == ()
    assert pdf_last_page_fill(loose.content) < 0.15
    assert abs(pdf_last_page_fill(loose.content) - loose.facts["last_page_fill"]) < 0.03


def test_last_page_under_the_set_fill_is_a_warning(project_dir):
    root = project_dir({
        "blocks/long.md": _paragraphs(58),
        "templates/letter.yaml": "title: L\nchannels: [print]\n"
        "print: {min_last_page_fill: 0.95}\nbody:\n  - block: long\n"})
    rendition = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    [warning] = rendition.warnings
    assert (warning.path, warning.line) == ("templates/letter.yaml", 3)
    filled = round(pdf_last_page_fill(rendition.content) * 100)
    assert "last page (page 2)" in warning.message and 80 <= filled < 95
    assert f"{round(rendition.facts['last_page_fill'] * 100)}%" in warning.message


def test_bad_min_last_page_fill_is_located(project_dir):
    root = project_dir({"templates/letter.yaml": "title: L\nchannels: [print]\n"
                        "print:\n  min_last_page_fill: lots\nbody:\n  - block: amount\n"})
    with pytest.raises(ProblemError) as caught:
        render(load_project(root), "letter", "print", BASE_RECORD, "it")
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("templates/letter.yaml", 4)
    assert "min_last_page_fill" in problem.message


def _baseline_mm(pdf: bytes, text: str) -> tuple[float, float]:
    """Where TEXT's baseline starts on the first page: mm from the left and from the top."""
    page = _pdf_bytes(pdf).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[float, float]] = []

    def visit(chunk, cm, tm, font, size):
        if chunk.startswith(text):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x * 25.4 / 72, (height - y) * 25.4 / 72))

    page.extract_text(visitor_text=visit)
    assert found, text
    return found[0]


def _pdf_bytes(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@pytest.mark.parametrize(("window", "left", "top"),
                         [("DIN-5008-B", 25.0, 62.7), ("DL-right", 105.0, 54.0)])
def test_address_starts_in_the_windows_address_zone(project_dir, window, left, top):
    root = project_dir({
        "blocks/address.md": "{{ customer.name }}  \nVia Roma 1  \n20121 Milano MI\n",
        "templates/letter.yaml": "title: L\nchannels: [print]\n"
        f"print: {{address_block: address, address_window: {window}}}\n"
        "body:\n  - block: amount\n"})
    rendition = render(load_project(root), "letter", "print", BASE_RECORD, "it")
    x, baseline = _baseline_mm(rendition.content, "Mario Rossi")
    # The first line's baseline lies within its 10 pt line below the zone's top.
    assert abs(x - left) < 0.5 and top < baseline < top + 4.6, (x, baseline)


def test_validate_warns_of_a_near_empty_last_page_on_the_default_sample(project_dir):
    root = project_dir({
        "blocks/long.md": _paragraphs(58),
        "templates/letter.yaml": "title: L\nchannels: [print]\n"
        "print: {min_last_page_fill: 0.95}\nbody:\n  - block: long\n"})
    problems = validate(load_project(root))
    # Reported once (validate keeps one of a problem found in both locales).
    [problem] = problems
    assert (problem.path, problem.line, problem.severity.value) == (
        "templates/letter.yaml", 3, "warning")
    assert "last page (page 2)" in problem.message and "sample typical" in problem.message
    # The studio validates after every keystroke without whole-letter layouts (two a keystroke
    # took a core from the previews): its print preview lays the letter out and warns itself.
    assert validate(load_project(root), full_layouts=False) == []

