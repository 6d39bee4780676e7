"""Loading a project folder: ids, locales, templates, and problems located by file and line."""

from __future__ import annotations

import pytest

from studio.core.project import load_project


def test_loads_blocks_with_folder_ids_and_translations(project_dir):
    project = load_project(project_dir())
    assert set(project.blocks) == {"greeting", "amount", "legal/privacy"}
    greeting = project.blocks["greeting"]
    assert set(greeting.sources) == {"it", "en"}
    assert greeting.sources["en"].path == "blocks/greeting.en.md"
    assert greeting.source("de", "it").locale == "it"  # falls back to the default locale
    privacy = project.blocks["legal/privacy"]
    assert privacy.regulatory and privacy.owner == "legal"
    assert privacy.channels == frozenset({"print", "email", "mobile"})
    assert project.problems == ()


def test_body_line_counts_from_the_file(project_dir):
    project = load_project(project_dir())
    source = project.blocks["greeting"].sources["it"]
    assert source.body_line == 6
    assert source.body.startswith("Gentile")


def test_template_items_remember_their_lines(project_dir):
    project = load_project(project_dir())
    letter = project.templates["letter"]
    assert letter.channels == ("print", "email", "mobile", "sms")
    assert [(i.block, i.line) for i in letter.body] == [
        ("greeting", 9),
        ("amount", 10),
        ("legal/privacy", 11),
    ]


def test_yaml_error_in_template_is_located(project_dir):
    project = load_project(project_dir({"templates/broken.yaml": "title: [x\nbody: 1\n"}))
    [problem] = [p for p in project.problems if p.path == "templates/broken.yaml"]
    assert problem.line == 2 and problem.col > 0
    assert problem.severity == "error"


def test_yaml_error_in_front_matter_counts_file_lines(project_dir):
    root = project_dir({"blocks/bad.md": "---\ntitle: ok\nowner: [legal\n---\nbody\n"})
    [problem] = load_project(root).problems
    assert problem.path == "blocks/bad.md"
    assert problem.line in (3, 4)


def test_unterminated_front_matter(project_dir):
    [problem] = load_project(project_dir({"blocks/bad.md": "---\ntitle: x\nbody\n"})).problems
    assert (problem.path, problem.line) == ("blocks/bad.md", 1)
    assert "never ends" in problem.message


def test_translation_without_original(project_dir):
    [problem] = load_project(project_dir({"blocks/orphan.en.md": "Hello\n"})).problems
    assert problem.path == "blocks/orphan.en.md"
    assert "without its it original" in problem.message


def test_unknown_channel_in_template_is_located(project_dir):
    root = project_dir(
        {"templates/fax.yaml": "title: Fax\nchannels: [print, fax]\nbody:\n  - block: greeting\n"}
    )
    [problem] = load_project(root).problems
    assert (problem.path, problem.line, problem.col) == ("templates/fax.yaml", 2, 19)
    assert "unknown channel 'fax'" in problem.message


def test_duplicate_yaml_keys_are_refused(project_dir):
    root = project_dir({"templates/dup.yaml": "title: A\ntitle: B\nchannels: [sms]\nbody: []\n"})
    [problem] = load_project(root).problems
    assert problem.line == 2 and "duplicate key" in problem.message


def test_unsafe_yaml_tags_are_refused(project_dir):
    root = project_dir(
        {"templates/evil.yaml": "title: !!python/object/apply:os.system ['touch pwned']\n"}
    )
    [problem] = load_project(root).problems
    assert problem.path == "templates/evil.yaml" and problem.line == 1
    assert not (root / "pwned").exists()


def test_invalid_utf8_is_a_problem_not_a_crash(project_dir):
    root = project_dir()
    (root / "blocks" / "latin1.md").write_bytes("---\ntitle: caffè\n---\nè\n".encode("latin-1"))
    [problem] = load_project(root).problems
    assert problem.path == "blocks/latin1.md" and "UTF-8" in problem.message


def test_sample_json_error_is_located(project_dir):
    root = project_dir()
    (root / "data" / "samples" / "bad.json").write_text('{\n  "customer": {,\n}\n')
    [problem] = load_project(root).problems
    assert (problem.path, problem.line, problem.col) == ("data/samples/bad.json", 2, 16)


def test_templates_using(project_dir):
    from studio.core.index import index_of

    project = load_project(project_dir())
    assert index_of(project).templates_using("legal/privacy") == ("letter",)
    assert index_of(project).templates_using("nowhere") == ()


def _same(a, b):
    assert a.blocks == b.blocks and a.templates == b.templates and a.samples == b.samples
    assert a.schema == b.schema and sorted(a.problems) == sorted(b.problems)


def test_overlay_is_read_instead_of_the_disk(project_dir):
    root = project_dir()
    overlay = {"blocks/greeting.md": "---\ntitle: Unsaved\n---\nCiao\n"}
    project = load_project(root, overlay)
    assert project.blocks["greeting"].title == "Unsaved"
    assert "Gentile" in (root / "blocks" / "greeting.md").read_text()  # the disk is untouched


def test_reload_of_changed_files_equals_a_full_load(project_dir):
    from studio.core.project import reload

    root = project_dir()
    project = load_project(root)
    edits = {
        "blocks/greeting.en.md": "---\ntitle: [broken\n---\nHi\n",
        "templates/letter.yaml": "title: L\nchannels: [sms]\nbody:\n  - block: amount\n",
        "data/samples/typical.json": '{"customer": {"name": "Anna"}, "invoice": {}}',
    }
    for rel, text in edits.items():
        _same(reload(project, [rel], {rel: text}), load_project(root, {rel: text}))
    all_edits = reload(project, list(edits), edits)
    _same(all_edits, load_project(root, edits))
    # and back: the broken translation's problem goes away when the buffer is dropped
    _same(reload(all_edits, list(edits)), project)


def test_reload_sees_new_and_deleted_files(project_dir):
    from studio.core.project import reload

    root = project_dir()
    project = load_project(root)
    (root / "blocks" / "extra.md").write_text("Nuovo\n")
    (root / "blocks" / "amount.md").unlink()
    updated = reload(project, ["blocks/extra.md", "blocks/amount.md"])
    _same(updated, load_project(root))
    assert "extra" in updated.blocks and "amount" not in updated.blocks


@pytest.mark.parametrize(("rel", "block"), [
    ("blocks/legal/privacy.md", "legal/privacy"),
    ("blocks/legal/privacy.en.md", "legal/privacy"),
    ("blocks/legal/privacy.fr.md", "legal/privacy.fr"),  # fr is not a project locale
    ("blocks/v1.2/notes.md", "v1.2/notes"),
    ("templates/bill.yaml", None),
    ("blocks/legal/privacy.txt", None),
])
def test_one_path_to_block_function(rel, block):
    from studio.core.project import block_of_path

    assert block_of_path(rel, ("it", "en")) == block
