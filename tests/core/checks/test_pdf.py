"""Print accessibility: Matterhorn checkpoints read by pikepdf from real WeasyPrint PDFs."""

import weasyprint

from studio.core.checks.pdf import check_pdf

PAGE = """<!doctype html><html lang="{lang}"><head><title>{title}</title>
<style>@page {{ @top-center {{ content: "Lumen" }} }}</style></head><body>{body}</body></html>"""


def _pdf(body: str, *, tagged: bool = True, lang: str = "it", title: str = "Bolletta") -> bytes:
    html = weasyprint.HTML(string=PAGE.format(lang=lang, title=title, body=body))
    return html.write_pdf(pdf_tags=tagged, uncompressed_pdf=True)


def _rules(content: bytes) -> dict[str, str]:
    return {f.rule: f.impact for f in check_pdf(content)}


def test_a_well_made_tagged_pdf_passes_every_checkpoint():
    body = """<h1>Bolletta</h1><h2>Importi</h2><p>Testo.</p>
    <table><thead><tr><th>Voce</th><th>Importo</th></tr></thead>
    <tbody><tr><td>Energia</td><td>10 €</td></tr></tbody></table>"""
    found = check_pdf(_pdf(body))
    assert [f for f in found if f.impact in ("serious", "critical")] == []
    assert "14-003" not in _rules(_pdf(body))


def test_untagged_pdf_is_one_serious_finding():
    rules = _rules(_pdf("<h1>Bolletta</h1><p>Testo.</p>", tagged=False))
    assert rules["09"] == "serious"


def test_skipped_heading_missing_alt_and_headerless_table_are_each_named():
    body = """<h1>Bolletta</h1><h3>Salto</h3>
    <img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" width="20" height="20">
    <table><tr><td>a</td><td>b</td></tr></table>"""
    rules = _rules(_pdf(body))
    assert rules["14-003"] == "moderate"
    assert rules["13-004"] == "critical"
    assert rules["15"] == "serious"


def test_missing_language_and_title():
    rules = _rules(_pdf("<h1>Bolletta</h1>", lang="", title=""))
    assert rules["11-006"] == "serious"
    assert rules["06-003"] == "serious"


def test_running_header_is_an_artifact_not_untagged_text():
    # The @top-center margin box is drawn on every page; tagged output marks it as an artifact.
    assert "01-005" not in _rules(_pdf("<h1>Bolletta</h1><p>Testo.</p>"))


def test_findings_speak_the_studios_language_and_stay_english_elsewhere():
    found = {f.rule: f for f in check_pdf(_pdf("<h1>Bolletta</h1>", lang="", title=""))}
    assert found["11-006"].message == "the document has no language (/Lang)"
    assert found["11-006"].in_language(None) == found["11-006"].message
    assert found["11-006"].in_language("it") == "il documento non ha una lingua (/Lang)"
    assert found["06-003"].in_language("it_IT") == "il documento non ha un titolo"
    assert "text" not in found["06-003"].as_json()  # the CLI's JSON stays as it was
    untagged = {f.rule: f for f in check_pdf(_pdf("<h1>B</h1>", tagged=False))}["09"]
    assert untagged.in_language("it").startswith("il PDF non è marcato (tagged)")
    assert "print: {tagged: true}" in untagged.in_language("it")
