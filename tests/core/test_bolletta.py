"""The sample bill follows Bolletta 2.0 (ARERA 315/2024/R/com): a first page with the
essentials, the "Scontrino dell'energia" adding up to the total, the offer box, the essential
information, and a QR code to the offer portal that a real decoder reads back from the PDF."""

from __future__ import annotations

import email
import email.policy
import io
import re
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD, SAMPLE

PORTAL = "https://www.ilportaleofferte.it"
SEND = "2026-03-05"
COMPONENTS = ("Spesa per la materia energia", "Spesa per il trasporto e la gestione del contatore",
              "Spesa per oneri di sistema", "Imposte e IVA", "Altre partite")


@pytest.fixture(scope="module")
def sample():
    return load_project(SAMPLE)


def _pdf(sample, name: str, locale: str = "it") -> bytes:
    record = sample.samples[name].record
    return render(sample, "bill", "print", record, locale, send_date=SEND).content


def _euros(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _first_page(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


@pytest.mark.parametrize("name", ["typical", "gold-customer", "long-address", "many-lines"])
def test_first_page_holds_the_essentials_and_the_receipt_adds_up(sample, name):
    record = sample.samples[name].record
    invoice, contract = record["invoice"], record["contract"]
    first = _first_page(_pdf(sample, name))
    for text in ("Scontrino dell'energia", "Totale da pagare", "Scadenza",
                 f"Bolletta n. {invoice['number']}", "periodo di fatturazione",
                 contract["pod"], "Indirizzo di fornitura", "Pagamento:",
                 "La Sua offerta", contract["offer_code"], "Condizioni valide fino al",
                 "I Suoi consumi", "negli ultimi 12 mesi", "Informazioni essenziali",
                 "Reclami", "Bonus sociale", "Lumen Energia S.p.A."):
        assert text in first, (name, text)
    amounts = []
    for label in COMPONENTS:
        found = re.search(re.escape(label) + r" (-?[\d.]+,\d\d) € (\d+)%", first)
        assert found, (name, label, first)
        amounts.append(_euros(found.group(1)))
    total = re.search(r"Totale da pagare ([\d.]+,\d\d) € 100%", first)
    assert total and sum(amounts) == _euros(total.group(1)) == Decimal(str(invoice["total"]))
    # the detail (the lines table) starts on page 2
    assert "Dettaglio degli importi" not in first


def test_english_bill_has_the_receipt_too(sample):
    first = _first_page(_pdf(sample, "english", "en"))
    for text in ("Energy receipt", "Transport and meter management", "System charges",
                 "Taxes and VAT", "Other items", "Your offer", "Essential information"):
        assert text in first


def test_printed_qr_code_decodes_to_the_offer_portal(sample):
    """The QR code read from the PDF's pixels by ZXing, as a phone would read the paper."""
    document = pypdfium2.PdfDocument(_pdf(sample, "typical"))
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    assert [(code.format.name, code.text) for code in found] == [("QRCode", PORTAL)]


@pytest.mark.parametrize("channel", ["email", "mobile"])
def test_screens_get_a_link_to_the_portal_not_a_picture_to_scan(sample, channel):
    record = sample.samples["typical"].record
    content = render(sample, "bill", channel, record, "it", send_date=SEND,
                     attachments=False).content
    if channel == "email":
        message = email.message_from_bytes(content, policy=email.policy.default)
        html = message.get_body(("html",)).get_content()
    else:
        html = content.decode() if isinstance(content, bytes) else content
    assert f'href="{PORTAL}"' in html
    assert f'href="{PORTAL}"' in html and 'alt="Codice QR' not in html
    assert "Scontrino dell'energia" in html or "Scontrino dell&#x27;energia" in html


def test_qr_filter_limits_and_channels(project_dir):
    block = ('{{ "https://x.example/a" | qr("Codice") }} · {{ customer.name | qr }}\n')
    root = project_dir({"blocks/greeting.md": "---\ntitle: G\n---\n" + block})
    project = load_project(root)
    record = BASE_RECORD
    mobile = render(project, "letter", "mobile", record, "it", send_date=SEND).content
    mobile = mobile.decode() if isinstance(mobile, bytes) else mobile
    assert 'href="https://x.example/a"' in mobile and "Mario Rossi" in mobile
    pdf = render(project, "letter", "print", record, "it", send_date=SEND).content
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    assert sorted(code.text for code in zxingcpp.read_barcodes(image)) == [
        "Mario Rossi", "https://x.example/a"]
    too_long = project_dir({"blocks/greeting.md": "---\ntitle: G\n---\n{{ ('x' * 2000) | qr }}\n"})
    with pytest.raises(ProblemError) as failed:
        render(load_project(too_long), "letter", "print", record, "it", send_date=SEND)
    assert failed.value.problem.path == "blocks/greeting.md" and "too long" in str(
        failed.value.problem.message)


def test_a_data_link_written_in_a_block_is_still_dropped():
    from studio.core import markdown
    html = markdown.to_html("[x](data:image/svg+xml;base64,PHN2Zy8+) and "
                            "![y](data:text/html;base64,PHN2Zy8+)")
    assert "<a " not in html and "<img" not in html
