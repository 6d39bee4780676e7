"""Accessibility of real email and mobile renditions: axe-core in a QtWebEngine child process.

One child run checks every rendition of the project (Chromium's start is the slow part), so the
findings are computed once for the module."""

import pytest

from studio.core.checks.run import check_renditions, proof_matrix
from studio.core.project import load_project

FILES = {
    "assets/chart.png": None,
    "blocks/picture.md": """
        ---
        title: Picture
        ---
        Il grafico dei consumi:

        ![](assets/chart.png)
    """,
    "blocks/headings.md": """
        ---
        title: Headings
        ---
        ## I Suoi consumi

        #### Dettaglio

        Consumi del mese.
    """,
    "blocks/faint.md": """
        ---
        title: Faint
        ---
        Questo testo è grigio chiaro su bianco.
    """,
    "styles/mobile.css": """
        section.block[data-block="faint"] p { color: #c8c8c8; background: #ffffff; }
    """,
    "layouts/mobile.html": """
        <!DOCTYPE html>
        <html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
        <style>{{ css }}</style></head>
        <body><main><h1>{{ title }}</h1>
        <table><tr><td>{{ content }}</td><td>&nbsp;</td></tr></table>
        </main></body></html>
    """,
    "templates/letter.yaml": """
        title: Lettera
        channels: [email, mobile]
        email:
          subject: "Per {{ customer.name }}"
        body:
          - block: greeting
          - block: picture
          - block: headings
          - block: faint
    """,
}


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    from tests.conftest import write_project

    root = write_project(tmp_path_factory.mktemp("axe") / "project", FILES)
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
    )
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "chart.png").write_bytes(png)
    project = load_project(root)
    found = {(c.channel, c.locale): c for c in check_renditions(project, proof_matrix(project))}
    return {**found, "project": project}


def _found(check):
    return {(f.rule, f.block): f.impact for f in check.accessibility}


def test_image_without_alt_text_is_reported_on_its_block(checks):
    for channel in ("email", "mobile"):
        found = _found(checks[(channel, "it")])
        assert found[("block-image-alt", "picture")] == "critical"
        assert not checks[(channel, "it")].ok


def test_heading_level_skipped_in_a_source_reaches_no_rendition(checks):
    # The block jumps ## → ####; composition nests its headings under the title one level
    # at a time (studio/core/headings.py), and axe, which reads the page, agrees.
    assert ("heading-order", "headings") not in _found(checks[("mobile", "it")])
    assert ("heading-order", "headings") not in _found(checks[("email", "en")])
    assert ("color-contrast", "faint") in _found(checks[("mobile", "it")])  # axe did run


def test_low_contrast_is_reported_on_its_block(checks):
    assert _found(checks[("mobile", "it")])[("color-contrast", "faint")] == "serious"
    # The email shell does not carry the project's mobile stylesheet: its text is dark.
    assert ("color-contrast", "faint") not in _found(checks[("email", "it")])


def test_layout_table_without_role_is_reported_on_the_layout(checks):
    found = _found(checks[("mobile", "it")])
    assert found[("layout-table-role", None)] == "serious"
    # MJML's tables carry role="presentation": the email has no such finding.
    assert not any(rule == "layout-table-role" for rule, _ in _found(checks[("email", "it")]))


def test_findings_travel_as_json_with_rule_impact_and_block(checks):
    data = checks[("mobile", "it")].as_json()
    assert {"template", "channel", "sample", "locale", "accessibility", "readability"} <= set(data)
    assert {"rule": "color-contrast", "block": "faint"}.items() <= next(
        f for f in data["accessibility"] if f["rule"] == "color-contrast"
    ).items()


def test_the_studio_gets_axe_findings_in_italian_from_axes_own_locale(checks):
    # The Problems panel's text: our sentence from our catalogue, axe's help from axe's.
    from studio.core.checks.run import check_problems

    problems = check_problems(checks["project"], checks[("mobile", "it")])
    contrast = next(p for p in problems if "color-contrast in faint" in p.message)
    assert contrast.message == ("mobile: serious color-contrast in faint: Elements must meet "
                                "minimum color contrast ratio thresholds")
    assert contrast.in_language("it") == (
        "mobile: color-contrast (grave) in faint: Gli elementi devono soddisfare le soglie "
        "minime del rapporto di contrasto di colore")
    image = next(p for p in problems if "block-image-alt" in p.message)
    assert image.in_language("it").endswith(
        "Le immagini in un blocco devono dire che cosa mostrano: ![descrizione](immagine)")
    layout = next(p for p in problems if "layout-table-role" in p.message)
    assert "nell'impaginazione" in layout.in_language("it")


_PAGE = ('<!DOCTYPE html><html lang="it"><head><title>Bolletta</title></head><body><main>'
         '<h1>Bolletta</h1><section data-block="picture"><img src="chart.png"></section>'
         '</main></body></html>')


def test_one_child_checks_page_after_page_and_a_new_one_replaces_a_dead_one():
    import os
    import signal

    from studio.core.checks.axe import AxeEngine, Page

    with AxeEngine() as engine:
        first = engine.check(Page("1", _PAGE))
        pid = engine.pid
        assert {(f.rule, f.block) for f in first} == {("image-alt", "picture")}
        assert [f.rule for f in engine.check(Page("2", _PAGE))] == ["image-alt"]
        assert engine.pid == pid and engine.starts == 1  # the same Chromium for both pages
        os.kill(pid, signal.SIGKILL)  # Chromium crashed, or was killed, between two pages
        assert [f.rule for f in engine.check(Page("3", _PAGE))] == ["image-alt"]
        assert engine.starts == 2 and engine.pid not in (None, pid)
        child = engine.pid
    assert engine.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # closed with the engine, not left behind


def test_a_page_past_its_budget_is_given_up_and_the_next_page_is_checked():
    import pytest

    from studio.core.checks.axe import AxeEngine, AxePageFailed, Page

    endless = "<!DOCTYPE html><html><body><script>for (;;) {}</script></body></html>"
    with AxeEngine() as engine:
        engine.check(Page("warm", _PAGE))  # the child is up: the budget below is the page's
        with pytest.raises(AxePageFailed, match="no answer in 2 s"):
            engine.check(Page("endless", endless), timeout=2)
        assert [f.rule for f in engine.check(Page("next", _PAGE))] == ["image-alt"]
        assert engine.starts == 2
