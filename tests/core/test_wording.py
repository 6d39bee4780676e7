"""Regulatory wording shown as written: what the template, the layouts, the stylesheets and the
blocks around a regulatory block make of it, in the renditions themselves (print from
WeasyPrint's laid-out boxes, email and mobile laid out as a screen shows them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.core import channels, wording
from studio.core.compose import compose
from studio.core.export import wording_problems
from studio.core.problems import ProblemError, Severity
from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import SAMPLE


def copy_of_sample(tmp_path: Path) -> Path:
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return root


def append(root: Path, name: str, text: str) -> Path:
    """TEXT added at the end of the project's file NAME (made if missing)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + "\n" + text + "\n", encoding="utf-8")
    return path


def shown(root: Path, channel: str, template: str = "contract-change", *,
          laid_out: bool = True) -> list[str]:
    project = load_project(root)
    composition = compose(project, project.templates[template], channel,
                          project.samples["typical"].record, "it")
    check = channels.wording_checker(channel)
    assert check is not None
    return [f"{p.path}:{p.line}: {p.message}" for p in check(composition, laid_out=laid_out)]


def test_the_sample_shows_its_regulatory_wording_as_written() -> None:
    project = load_project(SAMPLE)
    assert wording.carriers(project) >= {"legal/privacy", "legal/withdrawal",
                                         "legal/useful-info", "reminder/consequences"}
    assert wording_problems(project, project.templates) == []


@pytest.mark.parametrize(("css", "expected"), [
    ('[data-block="legal/privacy"] { display: none }', "is not in print at all"),
    ('[data-block="legal/privacy"] p::after { content: " (salvo diversa indicazione)" }',
     "words are added to the regulatory wording in block legal/privacy in print: (salvo"),
    ('[data-block="legal/privacy"] p:first-of-type { color: white }', "is hidden in print"),
    ('[data-block="legal/privacy"] p { color: #d0d0d0 }', "is hidden in print"),
    ('[data-block="legal/privacy"] * { font-size: 2px }', "is hidden in print"),
    ('[data-block="legal/privacy"] p { visibility: hidden }', "is hidden in print"),
    ('[data-block="legal/privacy"] { height: 3mm; overflow: hidden }', "is hidden in print"),
    ('[data-block="legal/privacy"] { position: relative; left: 300mm }', "is hidden in print"),
    ('main > section:last-child p { opacity: 0 }', "is hidden in print"),
    ('[data-block="legal/privacy"] p { transform: scale(0.05) }', "is hidden in print"),
    ('[data-block="legal/privacy"] p { letter-spacing: -6px }', "is hidden in print"),
    # Painted over: a white panel the block's own ::after lays on it, or another section's.
    ('[data-block="legal/privacy"] { position: relative } [data-block="legal/privacy"]::after '
     '{ content: ""; position: absolute; inset: 0; background: #fff }', "is hidden in print"),
    ('[data-block="legal/privacy"] p:last-child { position: relative; z-index: 1 } '
     'main > section:last-child { position: relative } main > section:last-child::before '
     '{ content: ""; position: absolute; top: 0; left: 0; width: 100%; height: 100%; '
     'background: #fff; z-index: 2 }', "is hidden in print"),
])
def test_a_stylesheet_that_hides_or_adds_to_the_wording_is_caught_in_print(
        tmp_path: Path, css: str, expected: str) -> None:
    root = copy_of_sample(tmp_path)
    append(root, "styles/print.css", css)
    found = shown(root, "print")
    assert len(found) == 1, found
    assert found[0].startswith("templates/contract-change.yaml:")
    assert "legal/privacy" in found[0] and expected in found[0]


def test_styling_that_keeps_the_wording_legible_is_not_a_problem(tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    append(root, "styles/print.css", """
        [data-block="legal/privacy"] { font-size: 7.5pt; color: #334155; background: #f1f5f9;
                                       border: 1pt solid #94a3b8; padding: 2mm; }
        [data-block="legal/privacy"] h2 { text-transform: uppercase; letter-spacing: 0.5pt }
        [data-block="legal/privacy"] p::before { content: "▸ " }
        [data-block="legal/privacy"] strong { color: #0b4f8a }
        /* A tint laid behind the text (z-index -1: painted before the page's text). */
        [data-block="legal/privacy"] { position: relative }
        [data-block="legal/privacy"]::after { content: ""; position: absolute; inset: 0;
                                              background: #fef3c7; z-index: -1 }
    """)
    assert shown(root, "print") == []
    assert shown(root, "print", "bill") == []


def test_the_print_preview_warns_of_hidden_wording(tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    append(root, "styles/print.css", '[data-block="legal/withdrawal"] p:last-child { display: none }')
    project = load_project(root)
    rendition = render(project, "contract-change", "print", project.samples["typical"].record,
                       preview=True)
    [warning] = [w for w in rendition.warnings if "legal/withdrawal" in w.message]
    assert warning.severity is Severity.WARNING and "» left out" in warning.message
    assert "the regulatory wording in block legal/withdrawal does not show as written in " \
        "print" in warning.message


def test_a_layout_that_filters_the_content_is_caught_on_every_sample(tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    layout = (Path(wording.__file__).parents[2] / "resources/layouts/print.html").read_text()
    assert "{{ content }}" in layout
    (root / "layouts").mkdir()
    (root / "layouts/print.html").write_text(
        layout.replace("{{ content }}", '{{ content | replace("Regolamento", "Suggerimento") }}'),
        encoding="utf-8")
    # Without a layout (the samples validation does not lay out) as with one.
    for laid_out in (False, True):
        [found] = shown(root, "print", laid_out=laid_out)
        assert "legal/privacy does not show as written in print: «Regolamento» → «Suggerimento»" in found


def test_an_include_that_filters_regulatory_wording_fails_the_render(tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    contacts = append(root, "blocks/common/contacts.md",
                      '{{ block("legal/privacy") | replace("GDPR", "nulla") }}')
    line = contacts.read_text(encoding="utf-8").splitlines().index(
        '{{ block("legal/privacy") | replace("GDPR", "nulla") }}') + 1
    project = load_project(root)
    for channel in ("print", "email", "mobile"):
        with pytest.raises(ProblemError) as failed:
            render(project, "bill", channel, project.samples["typical"].record)
        problem = failed.value.problem
        assert (problem.path, problem.line) == ("blocks/common/contacts.md", line)
        assert "changes the wording of the regulatory block legal/privacy" in problem.message


def test_an_include_as_written_is_checked_where_it_is_shown(tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    append(root, "blocks/common/contacts.md", '{{ block("legal/privacy") }}')
    assert "common/contacts" in wording.carriers(load_project(root))
    assert shown(root, "print", "bill") == []
    append(root, "styles/print.css", '[data-block="common/contacts"] p:last-child { display: none }')
    [found] = shown(root, "print", "bill")
    assert "regulatory wording in block common/contacts" in found


@pytest.mark.parametrize(("channel", "css"), [
    ("email", '[data-block="legal/privacy"] { display: none }'),
    ("email", '[data-block="legal/privacy"] p { font-size: 0 !important }'),
    ("mobile", "main section:last-child { display: none !important }"),
    # WeasyPrint reads media types only: the query is decided for a phone's screen first.
    ("mobile", '@media (max-width: 500px) { [data-block="legal/withdrawal"] p:first-of-type '
               "{ visibility: hidden } }"),
])
def test_a_stylesheet_that_hides_the_wording_is_caught_in_email_and_mobile(
        tmp_path: Path, channel: str, css: str) -> None:
    root = copy_of_sample(tmp_path)
    append(root, f"styles/{channel}.css", css)
    found = shown(root, channel)
    assert len(found) == 1, found
    assert f"in {channel}" in found[0] and "legal/" in found[0]


def test_media_queries_are_decided_for_the_screen() -> None:
    assert wording.media_applies("only screen and (max-width:479px)", 360)
    assert not wording.media_applies("only screen and (max-width:479px)", 600)
    assert wording.media_applies("(min-width: 30em)", 600)
    assert not wording.media_applies("print", 600)
    assert not wording.media_applies("(prefers-color-scheme: dark)", 600)
    assert wording.media_applies("not print", 600)
    kept = wording.screen_stylesheets(
        "<style>@media (max-width: 400px) { p { color: red } } p { margin: 0 }</style>", 360)
    assert "@media all" in kept and "margin" in kept


def test_the_studio_validation_lays_out_the_screens_of_the_template_on_screen(
        tmp_path: Path) -> None:
    """The studio's validation after an edit: no print letter (its preview has it), the email
    and mobile screens of the template on screen only (every template's would cost a big
    library seconds an edit)."""
    from studio.core.validate import validate

    root = copy_of_sample(tmp_path)
    append(root, "styles/email.css", '[data-block="legal/complaints-adr"] { display: none }')

    def hidden(screens: frozenset[str]) -> set[str]:
        return {p.path for p in validate(load_project(root), full_layouts=False,
                                         screen_layouts=screens)
                if "regulatory wording in block legal/complaints-adr" in p.message}

    assert hidden(frozenset()) == set()
    assert hidden(frozenset({"contract-change"})) == {"templates/contract-change.yaml"}
    assert hidden(frozenset({"bill", "contract-change"})) == {
        "templates/bill.yaml", "templates/contract-change.yaml"}


@pytest.mark.parametrize("channel", ["email", "mobile"])
def test_a_rule_for_readers_in_dark_mode_is_checked_in_dark_mode(
        tmp_path: Path, channel: str) -> None:
    """Found trying to get around the check: the notice set in the dark background's own
    colour for readers in dark mode only; the screen was laid out light, and it passed."""
    root = copy_of_sample(tmp_path)
    # A project styling dark mode itself, harmlessly: the shipped dark colours pass.
    append(root, f"styles/{channel}.css",
           "@media (prefers-color-scheme: dark) { a { text-decoration: underline } }")
    assert wording.dark_styled(load_project(root), channel)
    assert shown(root, channel) == []
    append(root, f"styles/{channel}.css",
           '@media (prefers-color-scheme: dark) { [data-block="legal/privacy"] p '
           "{ color: #1f2937 !important } }")
    [found] = shown(root, channel)
    assert f"block legal/privacy is hidden in {channel} in dark mode" in found


def test_without_dark_rules_of_its_own_the_screen_is_laid_out_light_only(
        tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path)
    append(root, "styles/email.css", "a { text-decoration: underline }")
    assert not wording.dark_styled(load_project(root), "email")
    assert wording.media_applies("(prefers-color-scheme: dark)", 600, "dark")
    assert not wording.media_applies("(prefers-color-scheme: dark)", 600)


def test_a_plain_block_may_not_pass_parameters_to_a_regulatory_one(tmp_path: Path) -> None:
    """Found trying to get around the control: a plain block including the withdrawal notice
    with its own deadline (`block("legal/withdrawal", deadline="…")`) changed what the notice
    says; the approval covered the template's `with:`, not this, and the rendered check saw
    what the block composed to. Now the render fails at the include's line."""
    root = copy_of_sample(tmp_path)
    line = 'Ultimo giorno utile: {{ block("legal/withdrawal", deadline="2026-06-02") }}'
    contacts = append(root, "blocks/common/contacts.md", line)
    number = contacts.read_text(encoding="utf-8").splitlines().index(line) + 1
    project = load_project(root)
    for channel in ("print", "email", "mobile"):
        with pytest.raises(ProblemError) as failed:
            render(project, "bill", channel, project.samples["typical"].record)
        problem = failed.value.problem
        assert (problem.path, problem.line) == ("blocks/common/contacts.md", number)
        assert "block common/contacts passes deadline to the regulatory block " \
            "legal/withdrawal: no approval covers" in problem.message
    # The template's with: is the place (its approval covers it): the sample renders.
    assert render(load_project(SAMPLE), "contract-change", "print",
                  project.samples["typical"].record).facts["pages"] == 2
