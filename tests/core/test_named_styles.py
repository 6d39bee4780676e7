"""Named paragraph styles (issue 19): the project's `p.NAME` classes, taken by a paragraph
with ` {.NAME}` at its end, rendered as that class in print, email and mobile."""

from __future__ import annotations

import io
import shutil

from pypdf import PdfReader

from studio.core.layouts import named_styles
from studio.core.mailview import mail_view
from studio.core.project import load_project
from studio.core.records import sample_record
from studio.core.render import render
from tests.conftest import SAMPLE


def test_a_project_style_is_offered_and_rendered_in_every_channel(tmp_path):
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root)
    (root / "styles").mkdir(exist_ok=True)
    (root / "styles" / "print.css").write_text(
        "/* p.commented { } */\np.avviso { color: #a4161a; }\n", encoding="utf-8")
    notice = root / "blocks/reminder/notice.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("scusarci per il disturbo.",
                                   "scusarci per il disturbo. {.avviso}"), encoding="utf-8")
    project = load_project(root)
    assert named_styles(project) == ["avviso", "highlight", "note"]
    record = dict(sample_record(project, "typical").checked())

    email = mail_view(render(project, "payment-reminder", "email", record, "it").content)
    assert '<p class="avviso"' in email.html
    assert "{.avviso}" not in email.html and "scusarci per il disturbo.</p>" in email.html
    assert "{.avviso}" not in email.text

    pdf = render(project, "payment-reminder", "print", record, "it").content
    printed = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "disturbo." in printed and "{.avviso}" not in printed

    sms = render(project, "payment-reminder", "sms", record, "it").facts["text"]
    assert "{.avviso}" not in sms


def test_a_trailing_style_is_found_in_time_linear_in_the_text():
    from studio.core.markdown import trailing_style

    assert trailing_style("Pay by Friday {.note}") == (13, "note")
    assert trailing_style("Pay by Friday \t{.note}  ") == (13, "note")
    assert trailing_style("   {.note}") == (0, "note")
    assert trailing_style("Pay{.note}") is None  # a blank before the brace, as in the editor
    assert trailing_style("Pay {.1note}") is None
    assert trailing_style("a {.x} {.y}") == (6, "y")
    # A hostile block: a million blanks without a style. A regular expression searched from
    # every blank took the square of that (the render hung past its time limit).
    assert trailing_style(" " * 1_000_000 + "x}") is None
    assert trailing_style("x" + " \t" * 500_000 + "{.note}") == (1, "note")
