"""Mobile (responsive HTML) and SMS (text, encoding, segments)."""

from __future__ import annotations

from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD


def test_mobile_is_a_responsive_page(project_dir):
    rendition = render(load_project(project_dir()), "letter", "mobile", BASE_RECORD, "en")
    html = rendition.content.decode()
    assert rendition.media_type.startswith("text/html")
    assert '<meta name="viewport" content="width=device-width' in html
    assert "prefers-color-scheme: dark" in html
    assert "Dear Mario Rossi," in html and 'lang="en"' in html


def test_sms_facts_gsm(project_dir):
    rendition = render(load_project(project_dir()), "letter", "sms", BASE_RECORD, "it")
    facts = rendition.facts
    # the no-break space Babel puts before € is sent as a plain space
    assert facts["text"] == "Ciao Mario Rossi!\nImporto: 1.234,50 €, scadenza 1 marzo 2026."
    assert facts["encoding"] == "GSM-7"
    assert facts["segments"] == 1
    assert facts["characters"] == len(facts["text"])
    assert facts["units"] == len(facts["text"]) + 1  # € is an extension character
    # which block wrote which line: the greeting (its SMS variant) the first, the amount the
    # second (click to edit on the bubble)
    assert facts["block_lines"] == [["greeting", 0, 1], ["amount", 1, 1]]


def test_sms_ucs2_and_budget(project_dir):
    name = "Zoë Παπαδοπούλου " * 8
    record = {**BASE_RECORD, "customer": {"name": name}}
    rendition = render(load_project(project_dir()), "letter", "sms", record, "it")
    facts = rendition.facts
    assert facts["encoding"] == "UCS-2"
    assert facts["segments"] == 3
    assert {c["char"] for c in facts["ucs2_characters"]} >= {"ë", "α"}
    assert any("over the budget of 2" in w.message for w in rendition.warnings)


def test_mobile_reports_phone_viewports(project_dir):
    rendition = render(load_project(project_dir()), "letter", "mobile", BASE_RECORD, "en")
    widths = {v["width"] for v in rendition.facts["viewports"]}
    assert {360, 393, 430} <= widths and all(320 <= w <= 430 for w in widths)


def test_sms_whitespace_is_normalised_and_links_kept_whole(project_dir):
    root = project_dir(
        {
            "blocks/greeting.md": "---\ntitle: G\nvariants:\n  sms: |\n"
            "    Ciao   {{ customer.name }} ,\n\n\n    paga su https://pay.example/a_b-c?x=1\n"
            "---\nx\n"
        }
    )
    text = render(load_project(root), "letter", "sms", BASE_RECORD, "it").facts["text"]
    assert text.splitlines()[:2] == ["Ciao Mario Rossi ,", "paga su https://pay.example/a_b-c?x=1"]


def test_sms_transliteration_keeps_gsm(project_dir):
    variant = "L’offerta “Gold” – {{ customer.name }}…"
    root = project_dir(
        {
            "blocks/greeting.md": f'---\ntitle: G\nvariants:\n  sms: "{variant}"\n---\nx\n',
            "templates/letter.yaml": "title: L\nchannels: [sms]\n"
            "sms: {max_segments: 1, transliterate: true}\n"
            "body:\n  - block: greeting\n",
        }
    )
    facts = render(load_project(root), "letter", "sms", BASE_RECORD, "it").facts
    assert facts["text"] == 'L\'offerta "Gold" - Mario Rossi...'
    assert facts["encoding"] == "GSM-7" and facts["ucs2_characters"] == []
