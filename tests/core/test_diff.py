"""Source diffs (lines, words) and rendered diffs per channel, on real git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from studio.cli.terminal import format_terminal, format_words
from studio.core import history
from studio.core.diff import (
    DELETE,
    EQUAL,
    INSERT,
    html_blocks,
    html_diff,
    line_diff,
    print_diff,
    rendered_diff,
    source_diff,
    word_diff,
)
from studio.core.history import WORKTREE
from studio.core.problems import ProblemError
from tests.conftest import SAMPLE, edit, without_record_fields, write_project


def init(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    history.commit(root, "First version")
    return root


@pytest.fixture
def small_repo(tmp_path: Path, git_env: None) -> Path:
    return init(write_project(tmp_path / "project"))


# Words and lines ---------------------------------------------------------------------------


def test_word_diff_marks_exactly_the_changed_words() -> None:
    result = word_diff("Paghi entro 30 giorni.", "Paghi entro 45 giorni lavorativi.")
    assert result.changed
    assert [(s.tag, s.text) for s in result.segments] == [
        (EQUAL, "Paghi entro "),
        (DELETE, "30"),
        (INSERT, "45"),
        (EQUAL, " giorni"),
        (INSERT, " lavorativi"),
        (EQUAL, "."),
    ]
    assert result.old == "Paghi entro 30 giorni."
    assert result.new == "Paghi entro 45 giorni lavorativi."
    assert format_words(result, color=False) == ("Paghi entro [-30-]{+45+} giorni{+ lavorativi+}.")
    assert not word_diff("same", "same").changed


def test_line_diff_pairs_replaced_lines_with_word_spans() -> None:
    old = "uno\ndue\ntre volte\nquattro\n"
    new = "uno\ndue\ntre giorni\nquattro\ncinque\n"
    [hunk] = line_diff(old, new, context=1)
    assert hunk.header == "@@ -2,3 +2,4 @@"
    tags = [(line.tag, line.text) for line in hunk.lines]
    assert tags == [
        (EQUAL, "due"),
        (DELETE, "tre volte"),
        (INSERT, "tre giorni"),
        (EQUAL, "quattro"),
        (INSERT, "cinque"),
    ]
    deleted, inserted = hunk.lines[1], hunk.lines[2]
    assert [deleted.text[a:b] for a, b in deleted.spans] == ["volte"]
    assert [inserted.text[a:b] for a, b in inserted.spans] == ["giorni"]
    assert (deleted.old_line, inserted.new_line) == (3, 3)
    assert hunk.lines[4].spans == ()  # a plain insertion has no word spans


# Source diffs -------------------------------------------------------------------------------


def test_source_diff_of_one_block_between_revisions(small_repo: Path) -> None:
    edit(small_repo, "blocks/amount.md", "Importo:", "Totale da pagare:")
    history.commit(small_repo, "Clearer amount")
    result = source_diff(small_repo, "HEAD~1", "HEAD", "blocks/amount.md")
    [file] = result.files
    assert (file.path, file.status, file.name) == ("blocks/amount.md", "modified", "block amount")
    assert (file.insertions, file.deletions) == (1, 1)
    [hunk] = file.hunks
    changed = [line for line in hunk.lines if line.tag != EQUAL]
    assert [line.tag for line in changed] == [DELETE, INSERT]
    assert [changed[0].text[a:b] for a, b in changed[0].spans] == ["Importo"]
    assert [changed[1].text[a:b] for a, b in changed[1].spans] == ["Totale da pagare"]

    plain = format_terminal(result, color=False)
    assert "--- a/blocks/amount.md\n+++ b/blocks/amount.md\n" in plain
    assert "\n-Importo: {{ invoice.total | currency }}" in plain
    assert "\n+Totale da pagare: {{ invoice.total | currency }}" in plain
    assert "\x1b[" not in plain
    coloured = format_terminal(result, color=True)
    assert "\x1b[1;30;42mTotale da pagare\x1b[0m" in coloured
    assert "\x1b[1;97;41mImporto\x1b[0m" in coloured
    # unchanged between the same revision
    assert source_diff(small_repo, "HEAD", "HEAD", "blocks/amount.md").files == ()


def test_source_diff_of_the_whole_project_follows_a_rename(small_repo: Path) -> None:
    subprocess.run(
        ["git", "mv", "blocks/legal/privacy.md", "blocks/legal/gdpr.md"], cwd=small_repo, check=True
    )
    edit(small_repo, "templates/letter.yaml", "legal/privacy", "legal/gdpr")
    edit(small_repo, "blocks/legal/gdpr.md", "Trattiamo", "Trattiamo con cura")
    (small_repo / "blocks" / "amount.md").unlink()
    history.commit(small_repo, "Rename privacy, drop amount")

    result = source_diff(small_repo, "HEAD~1", "HEAD")
    by_path = {f.path: f for f in result.files}
    assert set(by_path) == {"blocks/amount.md", "blocks/legal/gdpr.md", "templates/letter.yaml"}
    assert by_path["blocks/amount.md"].status == "deleted"
    renamed = by_path["blocks/legal/gdpr.md"]
    assert (renamed.status, renamed.old_path) == ("renamed", "blocks/legal/privacy.md")
    inserted = [line for h in renamed.hunks for line in h.lines if line.tag == INSERT]
    assert [line.text for line in inserted] == ["Trattiamo con cura i tuoi dati secondo il GDPR."]

    # one path, followed across its rename
    [single] = source_diff(small_repo, "HEAD~1", "HEAD", "blocks/legal/gdpr.md").files
    assert single.old_path == "blocks/legal/privacy.md" and single.insertions == 1

    # against the working tree
    edit(small_repo, "blocks/greeting.md", "Gentile", "Caro")
    [working] = source_diff(small_repo, "HEAD", WORKTREE).files
    assert working.name == "block greeting"

    with pytest.raises(ProblemError, match="exists at neither"):
        source_diff(small_repo, "HEAD~1", "HEAD", "blocks/nothing.md")


# HTML ---------------------------------------------------------------------------------------


def test_html_blocks_reads_visible_text_by_block() -> None:
    page = """<html><head><title>T</title><style>p{}</style></head><body>
    <span style="display:none">preheader</span><h1>Header</h1>
    <div data-block="common/greeting"><p>Dear <b>Anna</b>,</p></div>
    <section data-block="legal/privacy"><p>We process<br>data.</p><img src="x.png" alt="seal">
      <div data-block="common/contacts"><p>Call us</p></div><p>After</p></section>
    <script>var x = "hidden";</script><footer>Lumen</footer></body></html>"""
    assert html_blocks(page) == {
        "(layout)": "Header\nLumen",
        "common/greeting": "Dear Anna,",
        "legal/privacy": "We process\ndata.\n[seal]\nAfter",
        "common/contacts": "Call us",
    }


def test_html_diff_names_changed_added_and_removed_blocks() -> None:
    old = '<div data-block="a"><p>one two</p></div><div data-block="b"><p>keep</p></div>'
    new = '<div data-block="a"><p>one three</p></div><div data-block="c"><p>new</p></div>'
    result = html_diff(old, new)
    assert [(b.block, b.status) for b in result.blocks] == [
        ("a", "changed"),
        ("b", "removed"),
        ("c", "added"),
    ]
    assert result.changed_blocks == ["a", "b", "c"]
    assert format_words(result.blocks[0].diff, color=False) == "one [-two-]{+three+}"


# Rendered diffs ------------------------------------------------------------------------------


def test_rendered_sms_diff_is_a_word_diff(small_repo: Path) -> None:
    edit(small_repo, "blocks/greeting.md", 'sms: "Ciao', 'sms: "Buongiorno')
    history.commit(small_repo, "Formal SMS greeting")
    result = rendered_diff(small_repo, "HEAD~1", "HEAD", "letter", "sms", sample="typical")
    assert result.changed and result.text is not None
    assert [(s.tag, s.text) for s in result.text.segments if s.tag != EQUAL] == [
        (DELETE, "Ciao"),
        (INSERT, "Buongiorno"),
    ]
    assert result.text.new.startswith("Buongiorno Mario Rossi!")
    assert result.print is None and result.changed_pages == []
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=small_repo, capture_output=True, text=True
    ).stdout
    assert result.rev_b == head.strip()
    # the English version did not change
    english = rendered_diff(small_repo, "HEAD~1", "HEAD", "letter", "sms", locale="en")
    assert not english.changed


def test_rendered_diff_reports_a_missing_template(small_repo: Path) -> None:
    (small_repo / "templates" / "notice.yaml").write_text(
        "title: Notice\nchannels: [sms]\nbody:\n  - block: greeting\n"
    )
    history.commit(small_repo, "Add a notice")
    with pytest.raises(ProblemError, match="does not exist at"):
        rendered_diff(small_repo, "HEAD~1", "HEAD", "notice", "sms")


@pytest.fixture(scope="module")
def lumen_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with one commit changing the last paragraph of legal/complaints-adr:
    in the 5-page `bill` for `many-lines`, that paragraph is all that page 5 holds."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("home")
    (home / "gitconfig").write_text("")
    for name, value in {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "MISSIVA_AUTHOR_NAME": "Giulia Bianchi",
        "MISSIVA_AUTHOR_EMAIL": "giulia.bianchi@lumen.example",
    }.items():
        mp.setenv(name, value)
    root = tmp_path_factory.mktemp("lumen") / "lumen-energia"
    shutil.copytree(SAMPLE, root)
    init(root)
    edit(
        root,
        "blocks/legal/complaints-adr.md",
        "Per informazioni: www.arera.it.",
        "Per informazioni: www.arera.it oppure lo Sportello per il consumatore.",
    )
    history.commit(root, "Point to the consumer help desk")
    yield root
    mp.undo()


def test_rendered_print_diff_flags_exactly_the_changed_page(
    lumen_repo: Path, tmp_path: Path
) -> None:
    import pypdfium2 as pdfium

    # where the edit lands: the new words are on page 4 of the new PDF, and only there
    from studio.core.render import render

    new_project = history.project_at(lumen_repo, "HEAD")
    pdf = render(new_project, "bill", "print", new_project.samples["many-lines"].record).content
    document = pdfium.PdfDocument(pdf)
    pages_with_edit = [
        i + 1
        for i in range(len(document))
        if "Sportello" in document[i].get_textpage().get_text_range()
    ]
    assert len(document) == 4 and pages_with_edit == [4]

    out = tmp_path / "pages"
    result = rendered_diff(
        lumen_repo, "HEAD~1", "HEAD", "bill", "print", sample="many-lines", output_dir=out
    )
    assert result.print is not None
    assert (result.print.pages_a, result.print.pages_b) == (4, 4)
    assert result.changed_pages == [4]
    [page] = result.print.pages
    assert page.status == "changed" and page.regions
    # the change is in the lower part of the last page, where the paragraph is
    page_height = 842 * result.print.dpi / 72
    assert all(r.y0 > page_height * 0.6 and r.area > 0 for r in page.regions)
    assert page.image is not None and Path(page.image).parent == out
    assert sorted(p.name for p in out.iterdir()) == [Path(page.image).name]

    image = Image.open(page.image).convert("RGB")
    width = image.width
    # both halves carry red outlines
    for half in (
        image.crop((0, 0, width // 2, image.height)),
        image.crop((width // 2, 0, width, image.height)),
    ):
        data = half.tobytes()
        reds = sum(
            1
            for i in range(0, len(data), 3)
            if data[i] > 200 and data[i + 1] < 40 and data[i + 2] < 40
        )
        assert reds > 100


def test_rendered_email_diff_names_the_changed_block(lumen_repo: Path) -> None:
    result = rendered_diff(lumen_repo, "HEAD~1", "HEAD", "bill", "email", sample="typical")
    assert result.html is not None and result.text is not None
    assert result.html.changed_blocks == ["legal/complaints-adr"]
    [block] = [b for b in result.html.blocks if b.status != "equal"]
    assert [s.text for s in block.diff.segments if s.tag == INSERT] == [
        " oppure lo Sportello per il consumatore"
    ]
    assert "{+ oppure lo Sportello per il consumatore+}" in format_words(result.text, color=False)
    assert not result.fields["subject"].changed
    assert result.changed_pages == []

    mobile = rendered_diff(lumen_repo, "HEAD~1", "HEAD", "bill", "mobile", sample="typical")
    assert mobile.html is not None and mobile.html.changed_blocks == ["legal/complaints-adr"]

    same = rendered_diff(lumen_repo, "HEAD~1", "HEAD", "otp", "sms", sample="typical")
    assert not same.changed


def test_print_diff_reports_added_pages_and_the_footer_that_moved(small_repo: Path) -> None:
    (small_repo / "blocks" / "annex.md").write_text(
        "---\ntitle: Annex\npage_break: before\n---\nAllegato: condizioni generali.\n"
    )
    edit(
        small_repo,
        "templates/letter.yaml",
        "  - block: legal/privacy",
        "  - block: legal/privacy\n  - block: annex",
    )
    history.commit(small_repo, "Add an annex on its own page")
    result = rendered_diff(small_repo, "HEAD~1", "HEAD", "letter", "print")
    assert result.print is not None
    assert (result.print.pages_a, result.print.pages_b) == (1, 2)
    statuses = {p.page: p.status for p in result.print.pages}
    assert statuses[2] == "added"
    assert result.changed_pages == sorted(statuses)
    # "page 1 of 1" became "page 1 of 2": on page 1, only the footer changed
    assert result.changed_pages == [1, 2]
    [first] = [p for p in result.print.pages if p.page == 1]
    height = 842 * result.print.dpi / 72
    assert all(r.y0 > height * 0.8 for r in first.regions)


def test_print_diff_of_identical_documents_is_empty(small_repo: Path) -> None:
    project = history.project_at(small_repo, "HEAD")
    from studio.core.render import render

    pdf = render(project, "letter", "print", project.samples["typical"].record).content
    result = print_diff(pdf, pdf)
    assert result.pages == () and result.changed_pages == [] and not result.changed


# A schema that gained fields ---------------------------------------------------------------


@pytest.fixture
def schema_grew(tmp_path: Path, git_env: None) -> Path:
    """The sample as it was before the record gained `consent` and `preferred_channel`, then
    today's sample, then an edit to the bill's regulatory text: the life of a real project."""
    root = tmp_path / "lumen-energia"
    shutil.copytree(SAMPLE, root)
    restore = without_record_fields(root, "consent", "preferred_channel")
    init(root)
    restore()
    history.commit(root, "Records carry consent and the preferred channel")
    edit(
        root,
        "blocks/legal/complaints-adr.md",
        "Per informazioni: www.arera.it.",
        "Per informazioni: www.arera.it oppure lo Sportello per il consumatore.",
    )
    history.commit(root, "Point to the consumer help desk")
    return root


@pytest.mark.parametrize(
    ("template", "channel"), [("bill", "email"), ("bill", "mobile"), ("bill", "print"),
                              ("payment-reminder", "sms")]
)
def test_rendered_diff_across_a_schema_that_gained_fields(
    schema_grew: Path, tmp_path: Path, template: str, channel: str
) -> None:
    result = rendered_diff(
        schema_grew, "HEAD~2", "HEAD", template, channel, sample="typical", output_dir=tmp_path
    )
    [note] = result.notes
    assert "customer.consent" in note and "customer.preferred_channel" in note
    assert result.as_json()["notes"] == [note]
    if channel in ("email", "mobile"):
        assert result.html is not None
        assert result.html.changed_blocks == ["legal/complaints-adr"]
    if channel == "print":
        assert result.print is not None and result.changed_pages
    if channel == "sms":
        assert result.text is not None and not result.changed  # the help desk is not in the SMS


def test_rendered_diff_with_a_record_both_revisions_accept_has_no_note(schema_grew: Path) -> None:
    result = rendered_diff(schema_grew, "HEAD~1", "HEAD", "bill", "email", sample="typical")
    assert result.notes == () and result.html is not None
    assert result.html.changed_blocks == ["legal/complaints-adr"]


def test_fit_record_drops_only_what_the_schema_refuses() -> None:
    from studio.core.schema import fit_record

    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "a": {"type": "object", "additionalProperties": False,
                  "properties": {"x": {"type": "integer"}}},
            "b": {"type": "string"},
        },
    }
    record = {"a": {"x": 1, "y": 2}, "b": "kept", "c": [1]}
    fitted, dropped = fit_record(schema, record)
    assert fitted == {"a": {"x": 1}, "b": "kept"} and dropped == ["a.y", "c"]
    assert record == {"a": {"x": 1, "y": 2}, "b": "kept", "c": [1]}  # the caller's is untouched
    assert fit_record(schema, {"a": {"x": "wrong"}}) == ({"a": {"x": "wrong"}}, [])
