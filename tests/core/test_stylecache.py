"""The print letter's stylesheets parsed once (channels/stylecache.py): the same letters, the
same warnings, and a changed stylesheet seen at once."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from studio.core.channels import stylecache
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import SAMPLE


@pytest.fixture
def reference_parse():
    """WeasyPrint's own parse for the body of the test; the cache again afterwards."""
    import studio.core.channels.print  # noqa: F401 - it installs the cache when imported

    stylecache.uninstall()
    yield
    stylecache.install()


def _letters(project) -> dict[tuple[str, str], bytes]:
    letters = {}
    for name, template in project.templates.items():
        if "print" not in template.channels:
            continue
        for locale in project.config.locales:
            record = project.samples["typical"].record
            letters[name, locale] = render(project, name, "print", record, locale).content
    return letters


def test_every_sample_letter_is_the_same_pdf_with_the_cache(reference_parse):
    project = load_project(SAMPLE)
    parses = stylecache.stats["parses"]
    reference = _letters(project)
    assert stylecache.stats["parses"] == parses  # WeasyPrint's own, not through the cache
    stylecache.install()
    cached = _letters(project)  # fills the cache (the page footer's words make a key a locale)
    hits = stylecache.stats["hits"]
    again = _letters(project)  # every letter's stylesheets from the cache
    # a hit at least once a letter (twice where the tighter fit lays it out again)
    assert stylecache.stats["hits"] >= hits + len(reference)
    assert len(reference) >= 6
    assert cached == reference
    assert again == reference


def test_a_stylesheet_warning_comes_with_every_letter(project_dir):
    root = project_dir({"styles/print.css": "p { colour: red; margin-top: 3mm; }\n"})
    project = load_project(root)
    record = project.samples["typical"].record
    stylecache.install()
    hits = stylecache.stats["hits"]
    for _ in range(3):  # the cache holds the parse after the first; the warning stays
        rendition = render(project, "letter", "print", record, "it")
        said = [str(w) for w in rendition.warnings]
        assert any("colour" in w for w in said), said
    assert stylecache.stats["hits"] >= hits + 2


def test_a_changed_stylesheet_is_laid_out_at_once(project_dir):
    root = project_dir({"styles/print.css": "p { font-size: 10pt; }\n"})
    project = load_project(root)
    record = project.samples["typical"].record
    stylecache.install()
    before = render(project, "letter", "print", record, "it")
    (root / "styles" / "print.css").write_text("p { font-size: 30pt; }\n", encoding="utf-8")
    after = render(load_project(root), "letter", "print", record, "it")
    assert after.content != before.content
    sizes = []
    for rendition in (before, after):
        page = PdfReader(io.BytesIO(rendition.content)).pages[0]
        found: list[float] = []

        def visit(text, cm, tm, font, size, found=found):
            if "Gentile" in text:
                found.append(size * tm[0])

        page.extract_text(visitor_text=visit)
        sizes.append(max(found))
    assert sizes[1] / sizes[0] == pytest.approx(3, rel=0.02)  # 10pt, then 30pt
