"""Validation: one malformed input of each kind gives a located problem."""

from __future__ import annotations

import json

import pytest

from studio.core.project import load_project
from studio.core.validate import validate
from tests.conftest import BASE_RECORD


def _problems(project_dir, files=None, **kwargs):
    return validate(load_project(project_dir(files, **kwargs)))


def _only(problems, path):
    found = [p for p in problems if p.path == path]
    assert found, f"no problem in {path}: {problems}"
    return found


def test_clean_project_has_no_problems(project_dir):
    assert _problems(project_dir) == []


def test_jinja_syntax_error_is_located(project_dir):
    [problem] = _only(
        _problems(
            project_dir,
            {"blocks/amount.md": "---\ntitle: A\n---\nRiga\n{% if invoice.total %}\nsenza fine\n"},
        ),
        "blocks/amount.md",
    )
    assert problem.line == 6 and "Jinja" in problem.message


def test_jinja_syntax_error_in_variant(project_dir):
    [problem] = _only(
        _problems(
            project_dir,
            {"blocks/amount.md": '---\ntitle: A\nvariants:\n  sms: "{{ invoice.total "\n---\nx\n'},
        ),
        "blocks/amount.md",
    )
    assert problem.line == 4


def test_unknown_block_in_template(project_dir):
    [problem] = _only(
        _problems(
            project_dir,
            {
                "templates/letter.yaml": "title: L\nchannels: [sms]\nsms: {max_segments: 1}\nbody:\n"
                "  - block: greeting\n  - block: legal/nonexistent\n"
            },
        ),
        "templates/letter.yaml",
    )
    assert (problem.line, problem.col) == (6, 5)
    assert "unknown block 'legal/nonexistent'" in problem.message


def test_missing_include(project_dir):
    [problem] = _only(
        _problems(project_dir, {"blocks/amount.md": "Riga\n\n{{ block('contacts') }}\n"}),
        "blocks/amount.md",
    )
    assert problem.line == 3 and "unknown block 'contacts'" in problem.message


def test_circular_reference(project_dir):
    problems = _problems(
        project_dir,
        {
            "blocks/a.md": "A\n{{ block('b') }}\n",
            "blocks/b.md": "B\n\n{{ block('a') }}\n",
        },
    )
    [problem] = [p for p in problems if "circular" in p.message]
    assert problem.path in ("blocks/a.md", "blocks/b.md") and problem.line in (2, 3)


def test_unknown_channel(project_dir):
    [problem] = _only(
        _problems(
            project_dir, {"blocks/amount.md": "---\ntitle: A\nchannels: [print, pigeon]\n---\nx\n"}
        ),
        "blocks/amount.md",
    )
    assert problem.line == 3 and "unknown channel 'pigeon'" in problem.message


def test_variable_absent_from_schema(project_dir):
    problems = _only(
        _problems(
            project_dir,
            {
                "blocks/amount.md": "Totale\n{{ invoice.totale }}\n"
                "{% for l in invoice.lines %}{{ l.amount }} {{ l.price }}{% endfor %}\n"
                "{% if customer.vip is defined %}vip{% endif %}\n"
            },
        ),
        "blocks/amount.md",
    )
    messages = {(p.line, p.message.split(" is not")[0]) for p in problems}
    assert messages == {(2, "variable 'invoice.totale'"), (3, "variable 'invoice.lines.price'")}


def test_variable_in_condition_absent_from_schema(project_dir):
    [problem] = _only(
        _problems(
            project_dir,
            {
                "templates/letter.yaml": "title: L\nchannels: [sms]\nsms: {max_segments: 1}\nbody:\n"
                "  - block: greeting\n    when: customer.segmento == 'gold'\n"
            },
        ),
        "templates/letter.yaml",
    )
    assert problem.line == 5 and "customer.segmento" in problem.message


def test_sample_not_matching_schema(project_dir):
    bad = {"customer": {"name": 42}, "invoice": {"total": "tanti"}}
    problems = _only(
        _problems(project_dir, samples={"typical": BASE_RECORD, "bad": bad}),
        "data/samples/bad.json",
    )
    assert {(p.line, p.message) for p in problems} == {
        (3, "customer.name: 42 is not of type 'string'"),
        (6, "invoice.total: 'tanti' is not of type 'number'"),
    }


def test_invalid_schema(project_dir):
    [problem] = _only(_problems(project_dir, schema={"type": "objekt"}), "data/schema.json")
    assert "not a valid JSON Schema" in problem.message


def test_yaml_syntax(project_dir):
    [problem] = _only(
        _problems(project_dir, {"studio.yaml": "name: X\nlocales: [it\n"}), "studio.yaml"
    )
    assert problem.line in (2, 3)  # where the parser noticed: the unclosed list runs to the end


def test_unreadable_file(project_dir):
    root = project_dir()
    (root / "templates" / "bin.yaml").write_bytes(b"title: \xff\xfe\n")
    [problem] = _only(validate(load_project(root)), "templates/bin.yaml")
    assert "UTF-8" in problem.message


def test_render_time_error_found_by_trial(project_dir):
    # Valid syntax and schema, but a sample lacks an optional field a block uses unguarded.
    record = {"customer": {"name": "Anna"}, "invoice": {"total": 1}}
    problems = _problems(project_dir, samples={"typical": BASE_RECORD, "partial": record})
    [problem] = [p for p in problems if "sample partial" in p.message]
    assert (problem.path, problem.line) == ("blocks/amount.md", 4)
    assert "due" in problem.message


def test_sms_over_budget_is_a_warning(project_dir):
    record = {**BASE_RECORD, "customer": {"name": "Mario " * 80}}
    problems = _problems(project_dir, samples={"long": record})
    over = [p for p in problems if "budget" in p.message]
    assert over and {(p.severity, p.path, p.line) for p in over} == {
        ("warning", "templates/letter.yaml", 7)
    }


def test_unknown_owner_role(project_dir):
    [problem] = _only(
        _problems(
            project_dir,
            {
                "blocks/legal/privacy.md": "---\ntitle: P\nowner: lawyers\nregulatory: true\n---\nx\n"
            },
        ),
        "blocks/legal/privacy.md",
    )
    assert problem.line == 3 and "lawyers" in problem.message


@pytest.mark.parametrize("payload", ['{"customer": ', "[1, 2]"])
def test_broken_sample_json(project_dir, payload):
    root = project_dir()
    (root / "data" / "samples" / "broken.json").write_text(payload)
    [problem] = _only(validate(load_project(root)), "data/samples/broken.json")
    assert problem.line == 1
    json.dumps(problem.as_json())


def test_macros_and_includes_are_not_part_of_the_language(project_dir):
    problems = _only(
        _problems(
            project_dir,
            {
                "blocks/amount.md": "---\ntitle: A\n---\nx\n{% macro m() %}{{ m() }}{% endmacro %}\n",
                "blocks/greeting.md": "{% include 'x.md' %}\n",
            },
        ),
        "blocks/amount.md",
    )
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (5, "macros are not available in blocks")
    ]


def test_image_without_alt_text(project_dir):
    [problem] = _only(
        _problems(
            project_dir, {"blocks/amount.md": "---\ntitle: A\n---\nTesto\n\n![](assets/x.png)\n"}
        ),
        "blocks/amount.md",
    )
    assert (problem.line, problem.severity) == (6, "warning") and "no alt text" in problem.message


_CONFIG = """
    name: Test Project
    locales: [it, en]
    default_locale: it
    currency: EUR
    brand: {company: Test S.p.A., primary: "#123456"}
    roles: {legal: [legal@test.example]}
    compliance: {approvers: [legal]}
"""


def test_readability_settings_in_studio_yaml_are_checked_where_written(project_dir):
    config = _CONFIG + """
    readability:
      it: {min: sixty}
      fr: {min: 50}
      owners:
        legal: {it: {min: 45}}
        marketing: {min: 70}
      max: 80
    email: {from: "Test <noreply@test.example>"}
"""
    found = {(p.line, p.severity.value, p.message)
             for p in _only(_problems(project_dir, {"studio.yaml": config}), "studio.yaml")}
    assert (10, "error", "readability.it: min must be a number, not 'sixty'") in found
    assert (11, "warning", "readability: 'fr' is not a locale of the project") in found
    assert (14, "warning",
            "readability: owner 'marketing' is not a role in studio.yaml") in found
    assert any(line == 15 and severity == "error" and "unknown key 'max'" in message
               for line, severity, message in found)
    assert len(found) == 4


def test_readability_in_front_matter_is_checked_at_its_line(project_dir):
    block = "---\ntitle: Legal\nreadability:\n  min: [45]\n---\nTesto.\n"
    scalar = "---\ntitle: Legal\nreadability: 45\n---\nTesto.\n"
    owners = "---\ntitle: Legal\nreadability: {owners: {legal: {min: 40}}}\n---\nTesto.\n"
    problems = _problems(project_dir, {"blocks/legal.md": block, "blocks/plain.md": scalar,
                                       "blocks/own.md": owners})
    [wrong] = _only(problems, "blocks/legal.md")
    assert (wrong.line, wrong.message) == (4, "readability: min must be a number, not [45]")
    assert wrong.is_error
    [scalar_problem] = _only(problems, "blocks/plain.md")
    assert scalar_problem.line == 3 and "expected {min: NUMBER} or false" in scalar_problem.message
    [misplaced] = _only(problems, "blocks/own.md")
    assert misplaced.line == 3 and "owners belongs in studio.yaml" in misplaced.message


def test_well_formed_readability_and_clients_give_no_problem(project_dir):
    config = _CONFIG + """
    readability: {it: {min: 60}, en: false, owners: {legal: {min: 45}}}
    email:
      from: "Test <noreply@test.example>"
      clients: [gmail, outlook/windows, apple-mail/ios]
"""
    block = "---\ntitle: Legal\nreadability: {it: {min: 40}}\n---\nTesto.\n"
    assert _problems(project_dir, {"studio.yaml": config, "blocks/legal.md": block}) == []


def test_email_clients_of_a_wrong_type_or_unknown_are_located(project_dir):
    config = _CONFIG + """
    email:
      from: "Test <noreply@test.example>"
      clients:
        - gmail/desktop-webmail
        - outlook/windos
        - libero
        - 42
"""
    found = {(p.line, p.severity.value): p.message
             for p in _only(_problems(project_dir, {"studio.yaml": config}), "studio.yaml")}
    assert set(found) == {(13, "warning"), (14, "warning"), (15, "error")}
    assert "'outlook/windos'" in found[(13, "warning")]
    assert "outlook/windows" in found[(13, "warning")]  # the platforms it does have
    assert "'libero'" in found[(14, "warning")] and "known families" in found[(14, "warning")]
    assert "42 is not a client name" in found[(15, "error")]
    single = _CONFIG + "    email: {clients: gmail}\n"
    [problem] = _only(_problems(project_dir, {"studio.yaml": single}), "studio.yaml")
    assert problem.is_error and problem.line == 8 and "expected a list" in problem.message


# Incremental validation (issue 23): what is kept is kept by content --------------------------

_NESTED = {
    "blocks/inner.md": "---\ntitle: Inner\n---\nCiao.\n",
    "blocks/outer.md": '---\ntitle: Outer\n---\nSaluti. {{ block("inner") }}\n',
    "templates/nested.yaml": "title: N\nchannels: [sms]\nsms: {max_segments: 1}\n"
    "body:\n  - block: outer\n",
}


def test_an_edit_to_a_block_reached_through_another_is_validated_again(project_dir):
    from studio.core.project import reload

    project = load_project(project_dir(_NESTED))
    assert not [p for p in validate(project) if p.path == "templates/nested.yaml"]
    long = "---\ntitle: Inner\n---\n" + "Una frase lunga. " * 40 + "\n"
    edited = reload(project, ["blocks/inner.md"], {"blocks/inner.md": long})
    over = [p for p in validate(edited) if p.path == "templates/nested.yaml"]
    assert over and all("budget" in p.message for p in over)
    back = reload(edited, ["blocks/inner.md"], {"blocks/inner.md": _NESTED["blocks/inner.md"]})
    assert not [p for p in validate(back) if p.path == "templates/nested.yaml"]


def test_a_fixed_error_is_gone_at_once_and_a_new_one_is_found(project_dir):
    from studio.core.project import reload

    project = load_project(project_dir(_NESTED))
    clean = validate(project)
    broken = reload(project, ["blocks/inner.md"],
                    {"blocks/inner.md": "---\ntitle: Inner\n---\n{{ customer.nowhere }}\n"})
    [problem] = [p for p in validate(broken) if p.path == "blocks/inner.md"]
    assert problem.line == 4 and "customer.nowhere" in problem.message
    fixed = reload(broken, ["blocks/inner.md"], {"blocks/inner.md": "---\ntitle: I\n---\nOk.\n"})
    assert validate(fixed) == clean
    # a project loaded again from the same files gives the same answer as the first time
    assert validate(load_project(project.root)) == clean


def test_validate_says_how_far_it_got(project_dir):
    project = load_project(project_dir())
    told: list[tuple[int, int]] = []
    validate(project, progress=lambda done, total: told.append((done, total)))
    parts = len(project.blocks) + 2 * len(project.templates) + len(project.samples)
    assert told and {total for _, total in told} == {parts}
    dones = [done for done, _ in told]
    assert dones == sorted(dones) and dones[-1] == parts
    assert len(told) >= min(parts, 5)  # along the way, not only at the end
    told.clear()  # without trial renders they are no part
    validate(project, trial_render=False, progress=lambda d, t: told.append((d, t)))
    assert told[-1] == (parts - len(project.templates),) * 2


def test_look_alike_block_ids_are_refused(project_dir):
    # A block named with a Cyrillic у beside the Latin one: a template could swap the
    # regulatory text for an unregulated copy whose name a reviewer reads as the same.
    look_alike = "blocks/privac\u0443.md"
    mixed = "blocks/\u0441ontract.md"  # a Cyrillic с, and no Latin twin
    problems = _problems(project_dir, {
        "blocks/privacy.md": "---\ntitle: P\n---\nI Suoi dati.\n",
        look_alike: "---\ntitle: P\n---\nI Suoi dati, forse.\n",
        mixed: "---\ntitle: C\n---\nContratto.\n",
        "blocks/privacy-en.md": "---\ntitle: P\n---\nOther.\n",
    })
    [twin] = _only(problems, look_alike)
    assert twin.is_error and (twin.line, twin.col) == (1, 1)
    assert "block id 'privac\u0443' reads as 'privacy'" in twin.message
    [scripts] = _only(problems, mixed)
    assert "mixes Cyrillic and Latin letters" in scripts.message
    assert not [p for p in problems if p.path in ("blocks/privacy.md", "blocks/privacy-en.md")]


def test_four_eyes_is_a_boolean_and_needs_two_approvers(project_dir):
    def problems(value):
        config = _CONFIG.replace("    compliance: {approvers: [legal]}\n",
                                 f"    compliance:\n      approvers: [legal]\n"
                                 f"      four_eyes: {value}\n")
        return [(p.line, p.severity.value, p.message)
                for p in _problems(project_dir, {"studio.yaml": config})
                if p.path == "studio.yaml"]

    # a misspelt value would leave the rule off without a word
    assert problems('"yes"') == [(9, "error", "compliance.four_eyes: true or false, got 'yes'")]
    assert problems("true") == [(9, "warning", "compliance.four_eyes needs two approvers at "
                                 "least: with 1, a text its approver changed can never be "
                                 "approved")]
    assert problems("false") == []
