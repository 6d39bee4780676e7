"""The widths of a letter's words measured once (channels/textcache.py): the same letters,
and a font changed under a family's name measured again."""

from __future__ import annotations

import shutil

import pytest

from studio.core.channels import textcache
from studio.core.project import load_project
from studio.core.render import render
from studio.core.resources import resources_dir
from tests.conftest import SAMPLE


@pytest.fixture
def reference_measure():
    """WeasyPrint's own measurement for the body of the test; the cache again afterwards."""
    import studio.core.channels.print  # noqa: F401 - it installs the cache when imported

    textcache.uninstall()
    yield
    assert textcache.install()


def _letters(project) -> dict[tuple[str, str, str], bytes]:
    letters = {}
    for name, template in project.templates.items():
        if "print" not in template.channels:
            continue
        for sample in ("typical", "long-address", "many-lines", "gold-customer"):
            record = project.samples[sample].record
            for locale in project.config.locales:
                letters[name, sample, locale] = render(project, name, "print", record,
                                                       locale).content
    return letters


def test_the_installed_weasyprint_measures_as_the_cache_expects():
    # Its min/max-content measure reads only a width and a resume index: were that to change
    # with a new WeasyPrint, the cache would stay out, and the letters would be slower.
    assert textcache.installable()


def test_every_sample_letter_is_the_same_pdf_with_the_cache(reference_measure):
    project = load_project(SAMPLE)
    measured = textcache.stats["measured"]
    reference = _letters(project)
    assert textcache.stats["measured"] == measured  # WeasyPrint's own, not through the cache
    assert textcache.install()
    cached = _letters(project)  # fills the cache
    hits = textcache.stats["hits"]
    measured = textcache.stats["measured"]
    again = _letters(project)  # the words measured before, from the cache
    assert textcache.stats["hits"] > hits + 1000
    assert textcache.stats["measured"] == measured  # nothing new to measure
    assert len(reference) >= 20
    assert cached == reference
    assert again == reference


def test_a_font_given_to_a_family_name_is_measured_again(project_dir, reference_measure):
    # Before the project's stylesheet gives "Corpo" a face, its text is set (and measured) in
    # the fallback font; after, in the face: the same family name, other widths.
    fonts = resources_dir() / "fonts"
    table = ("| Voce | Importo |\n|---|---|\n"
             "| Quota fissa e quota potenza del mese | 12,40 € |\n"
             "| Spesa per la materia energia | 48,10 € |\n")
    root = project_dir({
        "blocks/amount.md": "---\ntitle: Amount\n---\nLa Sua bolletta in sintesi.\n\n" + table,
    })
    (root / "assets" / "corpo").mkdir(parents=True)
    shutil.copy(fonts / "DejaVuSansMono.ttf", root / "assets" / "corpo" / "mono.ttf")
    (root / "styles").mkdir(exist_ok=True)
    face = '@font-face { font-family: "Corpo"; src: url("assets/corpo/mono.ttf"); }\n'

    def letter(css: str) -> bytes:
        (root / "styles" / "print.css").write_text(css + 'body, table { font-family: "Corpo"; }\n')
        project = load_project(root)
        template = next(name for name, t in project.templates.items()
                        if "print" in t.channels)
        record = project.samples["typical"].record
        return render(project, template, "print", record).content

    assert textcache.install()
    fallback = letter("")
    cached = letter(face)  # the same words, the same family name, now another font
    textcache.uninstall()
    assert cached == letter(face)
    assert cached != fallback
