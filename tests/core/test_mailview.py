"""The email pane's parts taken apart in the preview worker, and the conversions a keystroke
does not need to redo."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from studio.core.jobs import ProjectState, RenderJob, run_render
from studio.core.mailview import MailView, mail_view
from studio.core.markdown import convert
from tests.conftest import SAMPLE

SUMMARY = "blocks/billing/summary.md"


def _job(overlay: tuple[tuple[str, str], ...] = (), channel: str = "email") -> RenderJob:
    return RenderJob(ProjectState(str(SAMPLE), overlay), "bill", channel, "it", "typical")


def test_an_email_rendition_comes_with_its_parts_ready_for_the_pane():
    outcome = run_render(_job())
    assert outcome.problem is None and outcome.rendition is not None
    view = outcome.rendition.view
    assert isinstance(view, MailView)
    assert view == mail_view(outcome.rendition.content)  # the same as parsing it in the pane
    assert view.subject.startswith("La Sua bolletta Lumen")
    assert "Informazioni utili" in view.html and "cid:" not in view.html
    # Not part of what the rendition is: equal with or without it; other channels carry none.
    assert replace(outcome.rendition, view=None) == outcome.rendition
    assert run_render(_job(channel="mobile")).rendition.view is None


def test_a_keystroke_converts_only_the_block_that_changed():
    text = (Path(SAMPLE) / SUMMARY).read_text(encoding="utf-8")
    first = run_render(_job(((SUMMARY, text + "\nUno.\n"),)))
    before = convert.cache_info()
    second = run_render(_job(((SUMMARY, text + "\nDue.\n"),)))
    after = convert.cache_info()
    assert after.misses - before.misses == 1  # the edited block, and only it
    assert after.hits > before.hits
    assert b"Uno." not in second.rendition.content and "Due." in second.rendition.view.text
    assert "Uno." in first.rendition.view.text


def test_the_studios_preview_does_not_lay_the_attached_bill_out_again(tmp_path):
    """A bill whose email attaches its print PDF (attach_print): the studio's preview, which
    shows print in its own pane, leaves it out instead of a second layout a keystroke; the
    same render outside the studio attaches it."""
    import email
    import shutil
    from email import policy

    from studio.core.project import load_project
    from studio.core.records import sample_record
    from studio.core.render import render

    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    bill = root / "templates" / "bill.yaml"
    text = bill.read_text(encoding="utf-8")
    assert "\nemail:\n" in text
    bill.write_text(text.replace("\nemail:\n", "\nemail:\n  attach_print: true\n", 1),
                    encoding="utf-8")
    job = RenderJob(ProjectState(str(root), ()), "bill", "email", "it", "typical")
    preview = run_render(job)
    assert preview.problem is None
    parts = email.message_from_bytes(preview.rendition.content, policy=policy.default)
    assert "application/pdf" not in [p.get_content_type() for p in parts.walk()]
    project = load_project(root)
    sent = render(project, "bill", "email", sample_record(project, "typical"), "it")
    parts = email.message_from_bytes(sent.content, policy=policy.default)
    assert "application/pdf" in [p.get_content_type() for p in parts.walk()]


def _every_sample_email() -> list[bytes]:
    from studio.core.project import load_project
    from studio.core.render import render

    project = load_project(SAMPLE)
    found = []
    for name, template in project.templates.items():
        if "email" not in template.channels:
            continue
        for sample in project.samples.values():
            for locale in project.config.locales:
                try:
                    found.append(render(project, name, "email", sample.record, locale).content)
                except Exception:  # noqa: BLE001 - a sample the template refuses is not ours
                    continue
    return found


def test_the_fast_parse_shows_what_the_full_parser_shows_on_every_sample_email():
    from studio.core.mailview import mail_view_reference

    emails = _every_sample_email()
    assert len(emails) >= 10
    for content in emails:
        assert mail_view(content) == mail_view_reference(content)


def test_the_fast_parse_decodes_headers_and_bodies_as_the_full_parser_does():
    from email.message import EmailMessage
    from email.utils import formataddr

    from studio.core.mailview import mail_view_reference

    message = EmailMessage()
    message["From"] = formataddr(("Lumen Energia — Servizio clienti", "clienti@lumen.example"))
    message["To"] = ", ".join([formataddr(("Rossi, Mario", "mario@posta.example")),
                               formataddr(("Nicolò Džeko", "nicolo@posta.example"))])
    message["Subject"] = "Più di una riga: la Sua bolletta di novembre è pronta " * 3
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message.set_content("Gentile cliente, è pronta.\n€ 12,30\n", charset="utf-8")
    message.add_alternative("<p>Gentile cliente, è <b>pronta</b> € 12,30 "
                            "<img src=\"cid:logo@lumen\"></p>", subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG fake", maintype="image", subtype="png",
                                         cid="<logo@lumen>")
    message.add_attachment("allegato, non il corpo", subtype="html", filename="nota.html")
    content = message.as_bytes()
    fast = mail_view(content)
    assert fast == mail_view_reference(content)
    assert fast.to == "\"Rossi, Mario\" <mario@posta.example>, Nicolò Džeko <nicolo@posta.example>"
    assert fast.subject.startswith("Più di una riga") and "\n" not in fast.subject
    assert "è <b>pronta</b> € 12,30" in fast.html and "data:image/png;base64," in fast.html
    assert fast.text == "Gentile cliente, è pronta.\n€ 12,30\n"
