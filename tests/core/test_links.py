"""Links a reader can tap, on real output: <a href> in email and mobile, PDF link annotations,
tel: with +39; never inside an existing link, never in the SMS."""

from __future__ import annotations

import email
import email.policy
import io
import re

import pytest
from pypdf import PdfReader

from studio.core.limits import Limits
from studio.core.links import linkify
from studio.core.project import load_project
from studio.core.records import sample_record
from studio.core.render import render as _render
from studio.core.resources import sample_project

# The bill's email lays out its PDF too: on a CI machine busy with other jobs that can take
# longer than the sample's 10 s budget, which is not what these tests are about.
LOOSE = Limits(time=300)


def render(*args, **kwargs):
    return _render(*args, limits=LOOSE, **kwargs)


WANTED = {"tel:+39800012345", "https://www.lumen-energia.example/area-clienti",
          "mailto:clienti@lumen-energia.example"}


@pytest.fixture(scope="module")
def sample():
    return load_project(sample_project())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Chiami il 800 012 345.</p>",
         '<p>Chiami il <a href="tel:+39800012345">800 012 345</a>.</p>'),
        ("<p>o +39 340 111 2233 o 02 1234 5678</p>",
         '<p>o <a href="tel:+393401112233">+39 340 111 2233</a> o '
         '<a href="tel:+390212345678">02 1234 5678</a></p>'),
        ("<p>su www.lumen.example/paga.</p>",
         '<p>su <a href="https://www.lumen.example/paga">www.lumen.example/paga</a>.</p>'),
        ("<p>(https://a.example/x?a=1&amp;b=2)</p>",
         '<p>(<a href="https://a.example/x?a=1&amp;b=2">https://a.example/x?a=1&amp;b=2</a>)</p>'),
        ("<li>scriva a clienti@lumen.example</li>",
         '<li>scriva a <a href="mailto:clienti@lumen.example">clienti@lumen.example</a></li>'),
    ],
)
def test_linkify_cases(source, expected):
    assert linkify(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '<p><a href="https://x.example">https://x.example, 800 012 345</a></p>',  # a link already
        "<pre><code>https://code.example</code></pre>",
        # codes that are numbers but no phone: an IBAN, a pagoPA notice code, a POD, amounts,
        # dates, a postal code and a customer code
        "<p>IT28X0200802435000104567890 301000012345678901 IT001E12345678 1.234,50 € "
        "26/03/2026 20101 Milano C000123456 2410 kWh</p>",
        # a gas meter's PDR code is no satellite phone dialled with 00
        "<td>00881234567890</td><td>00941200998877</td>",
    ],
)
def test_linkify_leaves_alone(source):
    assert linkify(source) == source


def _links_in_pdf(content: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation:
                found.add(str(annotation["/A"].get("/URI")))
    return found


def test_every_channel_but_sms_has_the_links(sample):
    record = sample_record(sample, "typical")
    pdf = render(sample, "bill", "print", record, "it", send_date="2026-12-01")
    assert _links_in_pdf(pdf.content) >= WANTED

    message = email.message_from_bytes(
        render(sample, "bill", "email", record, "it", send_date="2026-12-01").content,
        policy=email.policy.default)
    hrefs = set(re.findall(r'<a\b[^>]*href="([^"]+)"', message.get_body(("html",)).get_content()))
    assert hrefs >= WANTED

    page = render(sample, "bill", "mobile", record, "it").content.decode()
    assert set(re.findall(r'<a\b[^>]*href="([^"]+)"', page)) >= WANTED

    sms = render(sample, "payment-reminder", "sms", record, "it").facts["text"]
    assert "800 012 345" in sms or "lumen-energia.example" in sms
    assert "<a" not in sms and "href" not in sms and "tel:" not in sms


def test_a_link_in_the_record_is_not_doubled(project_dir):
    root = project_dir({"blocks/amount.md": "Paghi su [la pagina](https://pay.example/x) o al "
                                            "{{ customer.name }}\n"})
    record = {"customer": {"name": "800 012 345"}, "invoice": {"total": 1, "due": "2026-03-01"}}
    page = render(load_project(root), "letter", "mobile", record, "it").content.decode()
    assert page.count('href="https://pay.example/x"') == 1
    assert '<a href="tel:+39800012345">800 012 345</a>' in page
