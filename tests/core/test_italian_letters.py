"""Italian letter rules: a company's registration details (art. 2250 c.c.) in the letterhead
and checked by validate."""

from __future__ import annotations

import email
import email.policy
import io

import pytest
from pypdf import PdfReader

from studio.core.project import load_project
from studio.core.render import render
from studio.core.validate import validate
from tests.conftest import BASE_FILES, BASE_RECORD, SAMPLE

DETAILS = """
          registered_office: "Via Roma 1, 20121 Milano (MI)"
          company_register: "Milano Monza Brianza Lodi n. 01234567890"
          rea: "MI-1234567"
          share_capital: "120.000,00 €"
"""


def _studio_yaml(company: str, vat: str | None, details: str = "") -> str:
    brand = 'brand: {company: Test S.p.A., primary: "#123456"}'
    fields = f'\n          vat: "{vat}"' if vat else ""
    replacement = ("brand:\n          company: " + company + '\n          primary: "#123456"'
                   + fields + details.rstrip())
    return BASE_FILES["studio.yaml"].replace(brand, replacement)


@pytest.mark.parametrize(("company", "vat", "details", "missing"), [
    ("Acme S.p.A.", "IT01234567890", "", ["company_register", "rea", "registered_office",
                                         "share_capital"]),
    ("Acme srl", "IT01234567890", DETAILS, []),
    ("Acme S.p.A.", None, "", []),           # not an Italian company's letterhead
    ("Acme Ltd", "IT01234567890", "", []),   # not a capital company
])
def test_validate_requires_art_2250_details_of_italian_companies(project_dir, company, vat,
                                                                  details, missing):
    root = project_dir({"studio.yaml": _studio_yaml(company, vat, details)})
    problems = [p for p in validate(load_project(root), trial_render=False)
                if "2250" in p.message]
    assert sorted(p.message.split()[0] for p in problems) == [f"brand.{k}" for k in missing]
    lines = (root / "studio.yaml").read_text().splitlines()
    company_line = next(n for n, text in enumerate(lines, 1) if "company:" in text)
    assert all((p.path, p.line, p.severity.value) == ("studio.yaml", company_line, "error")
               for p in problems)


def test_sample_letterhead_prints_the_registration_details():
    project = load_project(SAMPLE)
    assert [p for p in validate(project, trial_render=False) if "2250" in p.message] == []
    record = project.samples["typical"].record
    italian = render(project, "contract-change", "print", record, "it")
    first = PdfReader(io.BytesIO(italian.content)).pages[0].extract_text()
    for text in ("Sede legale: Via dei Mille 24, 20129 Milano (MI)",
                 "Cap. soc. 12.000.000,00 € i.v.",
                 "Reg. Imprese Milano Monza Brianza Lodi n. 09876543210", "REA MI-2087654"):
        assert text in first
    english = render(project, "contract-change", "print", record, "en")
    first = PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    assert "Share capital 12.000.000,00 € fully paid" in first
    mail = render(project, "bill", "email", record, "it")
    message = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert "Cap. soc. 12.000.000,00 € i.v." in message.get_body(("html",)).get_content()


def test_letterhead_without_details_prints_none(project_dir):
    rendition = render(load_project(project_dir()), "letter", "print", BASE_RECORD, "it")
    text = PdfReader(io.BytesIO(rendition.content)).pages[0].extract_text()
    assert "Sede legale" not in text and "Cap. soc." not in text
