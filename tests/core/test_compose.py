"""Composition: conditions, parameters, includes, locales, filters and located errors."""

from __future__ import annotations

import pytest

from studio.core.compose import compose
from studio.core.problems import ProblemError
from studio.core.project import load_project
from tests.conftest import BASE_RECORD, SAMPLE


def _project(project_dir, files=None, **kwargs):
    return load_project(project_dir(files, **kwargs))


def test_blocks_compose_in_order_with_locale_formatting(project_dir):
    project = _project(project_dir)
    it = compose(project, "letter", "email", BASE_RECORD, "it")
    assert [b.block for b in it.blocks] == ["greeting", "amount", "legal/privacy"]
    assert "Gentile Mario Rossi," in it.text
    assert "1.234,50\xa0€" in it.text and "1 marzo 2026" in it.text
    en = compose(project, "letter", "email", BASE_RECORD, "en")
    assert "Dear Mario Rossi," in en.text
    assert "€1,234.50" in en.text and "March 1, 2026" in en.text
    assert en.subject == "Per Mario Rossi" and en.preheader == "Totale €1,234.50"


def test_channel_restrictions_and_variants(project_dir):
    sms = compose(_project(project_dir), "letter", "sms", BASE_RECORD, "it")
    assert [b.block for b in sms.blocks] == ["greeting", "amount"]  # privacy is not for SMS
    assert sms.blocks[0].text == "Ciao Mario Rossi!"


def test_when_conditions(project_dir):
    files = {
        "blocks/gold.md": "Offerta Gold\n",
        "templates/letter.yaml": """
            title: L
            channels: [email]
            email: {subject: S}
            body:
              - block: greeting
              - block: gold
                when: customer.segment is defined and customer.segment == "gold"
        """,
    }
    project = _project(project_dir, files)
    plain = compose(project, "letter", "email", BASE_RECORD)
    assert "Offerta Gold" not in plain.text
    gold = {**BASE_RECORD, "customer": {**BASE_RECORD["customer"], "segment": "gold"}}
    assert "Offerta Gold" in compose(project, "letter", "email", gold).text


def test_with_parameters_keep_their_type_and_defaults(project_dir):
    files = {
        "blocks/cta.md": """
            ---
            title: Call to action
            params: {label: null, times: 1}
            ---
            {{ label }} x{{ times + 1 }}
        """,
        "templates/letter.yaml": """
            title: L
            channels: [email]
            email: {subject: S}
            body:
              - block: cta
                with: {label: "Paga {{ customer.name }}", times: "{{ invoice.total }}"}
        """,
    }
    composition = compose(_project(project_dir, files), "letter", "email", BASE_RECORD)
    assert composition.text == "Paga Mario Rossi x1235.5"


def test_missing_required_parameter_is_located(project_dir):
    files = {
        "blocks/cta.md": "---\ntitle: C\nparams: {label: null}\n---\n{{ label }}\n",
        "templates/letter.yaml": "title: L\nchannels: [email]\nemail: {subject: S}\nbody:\n"
        "  - block: greeting\n  - block: cta\n",
    }
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "email", BASE_RECORD)
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("templates/letter.yaml", 6)
    assert "needs parameter(s) label" in problem.message


def test_include_another_block(project_dir):
    files = {
        "blocks/contacts.md": "Chiama il **800 000 000**.\n",
        "blocks/amount.md": "Importo {{ invoice.total | number }}.\n\n{{ block('contacts') }}\n",
    }
    composition = compose(_project(project_dir, files), "letter", "print", BASE_RECORD)
    # the included block's number is tappable (links.py), the SMS text keeps it plain
    assert '<strong><a href="tel:+39800000000">800 000 000</a></strong>' in composition.html
    assert "Chiama il 800 000 000." in composition.text
    assert {"amount", "contacts"} <= composition.used_blocks


def test_circular_include_is_refused(project_dir):
    files = {
        "blocks/a.md": "A {{ block('b') }}\n",
        "blocks/b.md": "B {{ block('a') }}\n",
        "templates/letter.yaml": "title: L\nchannels: [sms]\nbody:\n  - block: a\n",
    }
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "sms", BASE_RECORD)
    assert "circular block reference: a → b → a" in caught.value.problem.message


def test_undefined_variable_names_block_file_and_line(project_dir):
    files = {"blocks/amount.md": "---\ntitle: A\n---\nRiga uno\n\nTotale {{ invoice.totale }}\n"}
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "email", BASE_RECORD)
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("blocks/amount.md", 6)
    assert "totale" in problem.message


def test_undefined_variable_in_translation_names_the_translation(project_dir):
    files = {"blocks/greeting.en.md": "---\ntitle: G\n---\nDear {{ customer.nome }}\n"}
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "email", BASE_RECORD, "en")
    assert (caught.value.problem.path, caught.value.problem.line) == ("blocks/greeting.en.md", 4)


def test_record_values_are_data_on_every_path(project_dir):
    nasty = "{{ 7*7 }} *Star* <b>Ltd</b> | # 1."
    record = {**BASE_RECORD, "customer": {"name": nasty}}
    project = _project(project_dir)
    email = compose(project, "letter", "email", record)
    assert nasty in email.text
    assert email.subject == f"Per {nasty}"
    assert "&lt;b&gt;Ltd&lt;/b&gt;" in email.html and "<b>" not in email.html
    assert "<em>" not in email.html and "49" not in email.text


def test_number_filters_in_both_locales(project_dir):
    files = {
        "blocks/amount.md": "{{ 0.255 | percent }} {{ 3.14159 | decimal(3) }} "
        "{{ 'IT60X0542811101000000123456' | mask }}\n"
    }
    project = _project(project_dir, files)
    assert "26% 3,142 •••••3456" in compose(project, "letter", "sms", BASE_RECORD, "it").text
    assert "26% 3.142 •••••3456" in compose(project, "letter", "sms", BASE_RECORD, "en").text


def test_bad_filter_input_is_located(project_dir):
    files = {"blocks/amount.md": "Importo:\n{{ invoice.due | currency }}\n"}
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "email", BASE_RECORD)
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("blocks/amount.md", 2)
    assert "expected a number" in problem.message


def test_unknown_channel_for_template(project_dir):
    files = {"templates/letter.yaml": "title: L\nchannels: [sms]\nbody:\n  - block: greeting\n"}
    with pytest.raises(ProblemError) as caught:
        compose(_project(project_dir, files), "letter", "print", BASE_RECORD)
    assert "has no print channel" in caught.value.problem.message


def test_an_edit_reaches_only_the_channels_that_read_what_changed():
    from studio.core.compose import channels_reading_change
    from studio.core.project import reload

    project = load_project(SAMPLE)
    rel = "blocks/reminder/notice.md"
    text = (SAMPLE / rel).read_text(encoding="utf-8")
    assert 'sms: "' in text  # the notice has a wording of its own for the SMS
    before = project.blocks["reminder/notice"]
    channels, locales = ("print", "email", "mobile", "sms"), project.config.locales

    def after(new_text: str):
        return reload(project, [rel], {rel: new_text}).blocks["reminder/notice"]

    body_edit = text.replace("\n---\n", "\n---\nUrgente. ", 1)
    sms_edit = text.replace('sms: "', 'sms: "Urgente. ', 1)
    title_edit = text.replace("title: ", "title: Nuovo ", 1)
    default = project.config.default_locale
    assert channels_reading_change(before, after(body_edit), channels, locales, default) == {
        "print", "email", "mobile"}
    assert channels_reading_change(before, after(sms_edit), channels, locales, default) == {"sms"}
    assert channels_reading_change(before, after(title_edit), channels, locales, default) == set(
        channels)
    assert channels_reading_change(before, before, channels, locales, default) == set()
    assert channels_reading_change(None, before, channels, locales, default) == set(channels)


def _outer_inner_files(inner: str) -> dict[str, str]:
    return {
        "blocks/outer.md": 'Prima {{ block("inner") }} dopo, {{ customer.name }}.\n',
        "blocks/inner.md": inner,
        "templates/letter.yaml": """
            title: L
            channels: [email, sms]
            email: {subject: S}
            body:
              - block: greeting
              - block: outer
        """,
    }


def test_reused_renders_follow_every_block_they_read(project_dir):
    # Validation composes every template again after each edit, reusing the blocks rendered
    # before from the same texts: an edit of a block included by another renders both again.
    from studio.core.project import reload

    root = project_dir(_outer_inner_files("testo interno"))
    project = load_project(root)
    plain = compose(project, "letter", "email", BASE_RECORD, "it")
    first = compose(project, "letter", "email", BASE_RECORD, "it", reuse=True)
    again = compose(project, "letter", "email", BASE_RECORD, "it", reuse=True)
    assert first.text == again.text == plain.text
    assert "Prima testo interno dopo, Mario Rossi." in again.text
    assert again.used_blocks == plain.used_blocks == {"greeting", "outer", "inner"}

    edited = reload(project, ["blocks/inner.md"], {"blocks/inner.md": "testo nuovo"})
    after = compose(edited, "letter", "email", BASE_RECORD, "it", reuse=True)
    assert "Prima testo nuovo dopo, Mario Rossi." in after.text
    assert after.text == compose(edited, "letter", "email", BASE_RECORD, "it").text
    # another record, locale or channel: rendered for it
    other = {**BASE_RECORD, "customer": {**BASE_RECORD["customer"], "name": "Anna Verdi"}}
    assert "dopo, Anna Verdi." in compose(edited, "letter", "email", other, "it",
                                          reuse=True).text
    assert compose(edited, "letter", "sms", BASE_RECORD, "it", reuse=True).blocks[0].text == (
        "Ciao Mario Rossi!")
    assert compose(edited, "letter", "email", BASE_RECORD, "en", reuse=True).blocks[0].text == (
        "Dear Mario Rossi,")


def test_reused_renders_keep_the_loop_budget_of_the_whole_letter(project_dir):
    # range() counts against one budget for the whole rendition: a block that took loop steps
    # is rendered again each time, so the second of two such blocks still runs past it.
    loop = "{% for i in range(60000) %}{% endfor %}giro\n"
    root = project_dir({**_outer_inner_files(loop), "blocks/greeting.md": loop})
    project = load_project(root)
    for reuse in (False, True, True):
        with pytest.raises(ProblemError, match="more than 100000 loop steps"):
            compose(project, "letter", "email", BASE_RECORD, "it", reuse=reuse)


def test_a_reused_render_is_not_taken_deeper_than_includes_may_go(project_dir):
    # c1 → c2 → … → c16 is as deep as includes go; c0 → c1 → … one too deep, whether c1's
    # render was kept from the letter's first item or not.
    from studio.core.compose import MAX_DEPTH

    chain = {f"blocks/c{n}.md": f'{n} {{{{ block("c{n + 1}") }}}}\n' for n in range(MAX_DEPTH)}
    chain[f"blocks/c{MAX_DEPTH}.md"] = "fine\n"
    files = {**chain, "templates/letter.yaml": """
        title: L
        channels: [email]
        email: {subject: S}
        body:
          - block: c1
          - block: c0
    """}
    project = load_project(project_dir(files))
    for reuse in (False, True, True):
        with pytest.raises(ProblemError, match="circular block reference"):
            compose(project, "letter", "email", BASE_RECORD, "it", reuse=reuse)
