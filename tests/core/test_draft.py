"""The print preview while the author types (channels/draft.py): the pages through the edited
one laid out, the later ones from the last whole rendition — the same pages as the whole
letter, or no draft at all."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from studio.core.channels import draft
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import SAMPLE

SUMMARY = "blocks/billing/summary.md"


def _pixels(pdf: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=1).to_pil().convert("RGB").tobytes() for page in document]
    finally:
        document.close()


def _bill(overlay: dict[str, str], request: draft.Request | None = None):
    project = load_project(SAMPLE, overlay)
    record = project.samples["typical"].record
    if request is None:
        return render(project, "bill", "print", record, preview=True)
    with draft.requested(request):
        return render(project, "bill", "print", record, preview=True)


def _basis() -> draft.Basis:
    request = draft.Request()
    whole = _bill({}, request)
    assert "draft" not in whole.facts
    assert request.made is not None
    assert request.made.boundaries[0] is not None  # the bill's page 2 starts at its break
    return request.made


def _edited(words: str) -> dict[str, str]:
    text = (SAMPLE / SUMMARY).read_text(encoding="utf-8")
    at = text.index("\n\n", text.index("---", 3))
    return {SUMMARY: text[:at] + words + text[at:]}


def test_a_draft_has_the_whole_letters_pages():
    basis = _basis()
    overlay = _edited(" Grazie per aver scelto Lumen.")
    request = draft.Request(basis, frozenset({"billing/summary"}))
    drafted = _bill(overlay, request)
    assert drafted.facts["draft"] is True
    assert drafted.facts["drafted_pages"] == 1  # page 1 laid out, page 2 taken
    assert request.made is None  # a draft leaves the basis as it was
    whole = _bill(overlay)
    assert drafted.facts["pages"] == whole.facts["pages"] == 2
    assert _pixels(drafted.content) == _pixels(whole.content)  # footers "di 2" included
    assert drafted.facts["block_pages"] == whole.facts["block_pages"]
    assert drafted.facts["block_tops"] == whole.facts["block_tops"]


def test_an_edit_that_moves_the_next_page_is_laid_out_whole():
    basis = _basis()
    # Enough words to push the first page's boxes over its break: page 2 starts elsewhere.
    overlay = _edited(" Grazie per aver scelto Lumen." * 40)
    request = draft.Request(basis, frozenset({"billing/summary"}))
    rendition = _bill(overlay, request)
    assert "draft" not in rendition.facts
    assert request.made is not None  # a whole rendition: the next drafts start from it
    assert _pixels(rendition.content) == _pixels(_bill(overlay).content)


@pytest.mark.parametrize("changed", [frozenset(), frozenset({"legal/complaints-adr"}),
                                     frozenset({"marketing/gold-offer"})])
def test_no_draft_for_the_last_page_or_a_block_not_printed(changed):
    # complaints-adr is on the last page (nothing after it to take); the gold offer is not
    # printed for this sample (its edit may bring it in); no block named: a style, a template.
    basis = _basis()
    request = draft.Request(basis, changed)
    rendition = _bill({}, request)
    assert "draft" not in rendition.facts
    assert request.made is not None


@pytest.mark.parametrize("strings", [False, True])
def test_a_letter_with_strings_for_its_headers_is_never_drafted(project_dir, strings):
    css = "section.block { break-after: page; }\n"
    if strings:
        css += ("h1 { string-set: heading content(); }\n"
                "@page { @top-center { content: string(heading); } }\n")
    root = project_dir({"styles/print.css": css})
    project = load_project(root)
    template = next(name for name, t in project.templates.items() if "print" in t.channels)
    record = project.samples["typical"].record
    request = draft.Request()
    with draft.requested(request):
        render(project, template, "print", record, preview=True)
    assert request.made is not None
    assert request.made.facts["pages"] > 1
    # Each page would start where it did; a string for the headers ties them together.
    assert all((b is None) == strings for b in request.made.boundaries)


def test_only_the_studios_preview_drafts():
    request = draft.Request()
    project = load_project(SAMPLE)
    with draft.requested(request):
        render(project, "bill", "print", project.samples["typical"].record)  # archival
    assert request.made is None


def test_a_preview_job_drafts_only_from_its_own_letters_basis():
    from studio.core.jobs import ProjectState, RenderJob, run_render

    root = str(SAMPLE)

    def job(overlay, draft_=False, basis=None, sample="typical"):
        return RenderJob(ProjectState(root, tuple(overlay.items()), 0), "bill", "print", "it",
                         sample, draft=draft_, basis=basis)

    whole = run_render(job({}))
    assert whole.basis is not None and "draft" not in whole.rendition.facts
    edited = _edited(" Grazie per aver scelto Lumen.")
    drafted = run_render(job(edited, True, whole.basis))
    assert drafted.rendition.facts.get("draft") is True
    assert drafted.basis is None
    # The basis of another letter (here: another sample), or a job not typed: a whole letter.
    other = run_render(job({}, sample="gold-customer"))
    assert "draft" not in run_render(job(edited, True, other.basis)).rendition.facts
    assert "draft" not in run_render(job(edited, False, whole.basis)).rendition.facts
    # The saved files changed under the basis: a whole letter.
    moved = job(edited, True, whole.basis)
    moved = RenderJob(ProjectState(root, moved.state.overlay, 1), "bill", "print", "it",
                      "typical", draft=True, basis=whole.basis)
    assert "draft" not in run_render(moved).rendition.facts
