"""Email: a real MIME message, parsed back with the standard library."""

from __future__ import annotations

import email
import email.policy

from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import BASE_RECORD

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101001c6a3a2f0000000049454e44ae426082")


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
    root = project_dir({
        "blocks/amount.md": "![](assets/logo.png)\n",
        "templates/letter.yaml": "title: L\nchannels: [email]\nemail:\n  subject: " + "x" * 90
                                 + "\nbody:\n  - block: amount\n",
    })
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "logo.png").write_bytes(PNG)
    rendition = render(load_project(root), "letter", "email", BASE_RECORD, "it")
    messages = [w.message for w in rendition.warnings]
    assert any("without alt text" in m for m in messages)
    assert any("subject is 90 characters" in m for m in messages)
