"""Email: a real MIME message, parsed back with the standard library."""

from __future__ import annotations

import email
import email.policy

import pytest

from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101001c6a3a2f0000000049454e44ae426082"
)


def _message(rendition):
    return email.message_from_bytes(rendition.content, policy=email.policy.default)


def test_multipart_alternative_with_headers(project_dir):
    rendition = render(load_project(project_dir()), "letter", "email", BASE_RECORD, "it")
    message = _message(rendition)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Per Mario Rossi"
    assert message["From"] == "Test <noreply@test.example>"
    assert message["To"] == "Mario Rossi <mario@test.example>"
    assert message["MIME-Version"] == "1.0"
    assert message["Message-ID"].endswith("@test.example>")
    assert message["Date"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Gentile Mario Rossi," in plain and "Trattiamo i tuoi dati" in plain
    assert "<table" in html and 'lang="it"' in html
    assert "Totale 1.234,50" in html  # the preheader
    assert rendition.facts["subject"] == "Per Mario Rossi"
    assert rendition.facts["bytes"] == len(rendition.content)


def test_css_is_inlined(project_dir):
    rendition = render(load_project(project_dir()), "letter", "email", BASE_RECORD, "en")
    html = _message(rendition).get_body(("html",)).get_content()
    assert 'class="content" style="' in html
    assert "#123456" in html  # brand colour resolved from the CSS variable
    assert "var(--" not in html.split("<body", 1)[1]


def test_assets_images_become_inline_parts(project_dir):
    root = project_dir({"blocks/amount.md": "![Logo Test](assets/logo.png)\n"})
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "logo.png").write_bytes(PNG)
    message = _message(render(load_project(root), "letter", "email", BASE_RECORD, "it"))
    related = message.get_body(("related",))
    assert related is not None
    [image] = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert image.get_content() == PNG
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in message.get_body(("html",)).get_content()


def test_warnings_for_missing_alt_and_long_subject(project_dir):
    root = project_dir(
        {
            "blocks/amount.md": "![](assets/logo.png)\n",
            "templates/letter.yaml": "title: L\nchannels: [email]\nemail:\n  subject: "
            + "x" * 90
            + "\nbody:\n  - block: amount\n",
        }
    )
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "logo.png").write_bytes(PNG)
    rendition = render(load_project(root), "letter", "email", BASE_RECORD, "it")
    messages = [w.message for w in rendition.warnings]
    assert any("without alt text" in m for m in messages)
    assert any("subject is 90 characters" in m for m in messages)


def test_mjml_layout_gives_mail_client_structure(project_dir):
    rendition = render(load_project(project_dir()), "letter", "email", BASE_RECORD, "it")
    html = _message(rendition).get_body(("html",)).get_content()
    assert "<!--[if mso | IE]>" in html  # Outlook's table scaffolding from MJML
    assert '<meta name="color-scheme" content="light dark"' in html
    assert "prefers-color-scheme: dark" in html
    assert '<html lang="it" dir="ltr"' in html
    assert 'role="presentation"' in html


def test_project_can_write_its_email_shell_in_mjml_or_html(project_dir):
    mjml_shell = (
        "<mjml><mj-body><mj-section><mj-column><mj-text>CUSTOM {{ content }}</mj-text>"
        "</mj-column></mj-section></mj-body></mjml>"
    )
    root = project_dir({"layouts/email.mjml": mjml_shell})
    html = (
        _message(render(load_project(root), "letter", "email", BASE_RECORD, "it"))
        .get_body(("html",))
        .get_content()
    )
    assert "CUSTOM" in html and "Gentile Mario Rossi" in html
    broken = project_dir({"layouts/email.mjml": "<mjml><mj-body><mj-text>x</mj-body></mjml>"})
    with pytest.raises(ProblemError) as caught:
        render(load_project(broken), "letter", "email", BASE_RECORD, "it")
    assert caught.value.problem.path == "layouts/email.mjml"
    assert "MJML" in caught.value.problem.message


def test_pitfall_warnings_http_links_and_svg(project_dir):
    root = project_dir(
        {"blocks/amount.md": "[old site](http://old.example/) ![Logo](assets/logo.svg)\n"}
    )
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    messages = [
        w.message for w in render(load_project(root), "letter", "email", BASE_RECORD, "it").warnings
    ]
    assert any("http://old.example/ is not https" in m for m in messages)
    assert any("assets/logo.svg is SVG" in m for m in messages)


def test_text_part_has_links_as_text_and_url(project_dir):
    root = project_dir({"blocks/amount.md": "Paga su [area clienti](https://pay.example/x).\n"})
    plain = (
        _message(render(load_project(root), "letter", "email", BASE_RECORD, "it"))
        .get_body(("plain",))
        .get_content()
    )
    assert "Paga su area clienti (https://pay.example/x)." in plain


def test_same_input_same_bytes_in_any_folder(tmp_path):
    """Export, the server and sign-off hashes compare emails by their bytes: the MIME
    boundaries must not be random, nor depend on where the project sits."""
    import shutil

    from tests.conftest import SAMPLE

    contents = []
    for name in ("a", "b"):
        root = shutil.copytree(SAMPLE, tmp_path / name)
        project = load_project(root)
        sample = project.samples["typical"]
        contents.append(render(project, "bill", "email", sample.record, "it").content)
    assert contents[0] == contents[1]
    message = email.message_from_bytes(contents[0], policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    boundaries = [p.get_boundary() for p in message.walk() if p.is_multipart()]
    assert len(boundaries) == 2 and len(set(boundaries)) == 2
    assert [p.get_content_type() for p in message.walk()][:3] == [
        "multipart/alternative", "text/plain", "multipart/related"
    ]


def test_attach_print_adds_the_print_rendition_as_a_pdf(project_dir):
    import io

    from pypdf import PdfReader

    root = project_dir()
    template = root / "templates" / "letter.yaml"
    template.write_text(template.read_text().replace("email:\n", "email:\n  attach_print: true\n"))
    project = load_project(root)
    rendition = render(project, "letter", "email", BASE_RECORD, "it", send_date="2026-12-01")
    message = _message(rendition)
    assert message.get_content_type() == "multipart/mixed"
    assert message["Content-Language"] == "it"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Lettera.pdf"
    pdf = attachment.get_content()
    printed = render(project, "letter", "print", BASE_RECORD, "it", send_date="2026-12-01")
    assert pdf == printed.content  # the same bytes the print channel gives
    assert "Trattiamo i tuoi dati" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert message.get_body(("plain",)).get_content().startswith("Gentile Mario Rossi,")
    assert rendition.facts["attachments"] == ["Lettera.pdf"]

    template.write_text(template.read_text().replace("[print, email, mobile, sms]",
                                                     "[email, sms]"))
    with pytest.raises(ProblemError) as refused:
        render(load_project(root), "letter", "email", BASE_RECORD, "it")
    assert refused.value.problem.path == "templates/letter.yaml"
    assert refused.value.problem.line == 4 and "attach_print" in refused.value.problem.message


def test_marketing_email_has_one_click_unsubscribe(project_dir):
    root = project_dir()
    template = root / "templates" / "letter.yaml"
    plain = template.read_text()
    template.write_text(plain.replace(
        "email:\n", "email:\n  marketing: true\n"
        "  unsubscribe: \"https://test.example/u?c={{ customer.name | urlencode }}\"\n"))
    message = _message(render(load_project(root), "letter", "email", BASE_RECORD, "it"))
    assert message["List-Unsubscribe"] == "<https://test.example/u?c=Mario%20Rossi>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # a transactional message has neither
    template.write_text(plain)
    ordinary = _message(render(load_project(root), "letter", "email", BASE_RECORD, "it"))
    assert ordinary["List-Unsubscribe"] is None and ordinary["List-Unsubscribe-Post"] is None
    # marketing without an https address to unsubscribe at is refused, at the line that says so
    template.write_text(plain.replace("email:\n", "email:\n  marketing: true\n"))
    with pytest.raises(ProblemError) as refused:
        render(load_project(root), "letter", "email", BASE_RECORD, "it")
    assert (refused.value.problem.path, refused.value.problem.line) == ("templates/letter.yaml", 4)
    assert "RFC 8058" in refused.value.problem.message


def test_proof_attaches_the_very_pdf_it_prints(project_dir, tmp_path):
    # proof lays a letter out once for its print rendition and the email attaching it
    from studio.cli import main

    root = project_dir()
    template = root / "templates" / "letter.yaml"
    template.write_text(template.read_text().replace("email:\n", "email:\n  attach_print: true\n"))
    out = tmp_path / "proof"
    assert main(["proof", str(root), "-o", str(out), "--quiet", "--send-date", "2026-12-01"]) == 0
    for locale in ("it", "en"):
        printed = (out / "letter" / f"typical.{locale}.print.pdf").read_bytes()
        message = email.message_from_bytes(
            (out / "letter" / f"typical.{locale}.email.eml").read_bytes(),
            policy=email.policy.default)
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content() == printed
        assert message["Date"] == "Tue, 01 Dec 2026 00:00:00 +0100"
