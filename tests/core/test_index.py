"""The project index: includes both ways, where a block is used and through what."""

from __future__ import annotations

from studio.core.index import Use, fields_read, index_of
from studio.core.project import load_project, reload
from tests.conftest import SAMPLE


def test_where_used_follows_blocks_included_by_other_blocks():
    project = load_project(SAMPLE)
    index = index_of(project)
    # common/contacts is named by the bill, and reached by the other letters through the
    # closing that includes it: "used by 1" was wrong.
    closing_users = {t for t, tpl in project.templates.items()
                     if any(item.block == "common/closing" for item in tpl.body)}
    assert closing_users - {"bill"}
    assert set(index.templates_using("common/contacts")) == closing_users | {"bill"}
    uses = {use.template: use for use in index.where_used("common/contacts")}
    assert uses["bill"].direct and uses["bill"].chain == ("common/contacts",)
    other = sorted(closing_users - {"bill"})[0]
    assert uses[other].chain == ("common/closing", "common/contacts")
    assert uses[other].describe() == f"{other} via common/closing"
    assert isinstance(uses[other].line, int) and uses[other].line > 1
    assert index.included_by["common/contacts"] == frozenset({"common/closing"})


def test_template_blocks_are_the_body_and_what_it_includes():
    project = load_project(SAMPLE)
    index = index_of(project)
    body = {item.block for item in project.templates["payment-reminder"].body}
    assert index.template_blocks("payment-reminder") >= body
    if "common/closing" in body:
        assert "common/contacts" in index.template_blocks("payment-reminder")
    assert index.template_blocks("no-such-template") == frozenset()


def test_the_index_belongs_to_one_project_value():
    project = load_project(SAMPLE)
    assert index_of(project) is index_of(project)
    rels = ["blocks/common/closing.md", "blocks/common/closing.en.md"]  # both languages
    texts = {rel: (SAMPLE / rel).read_text(encoding="utf-8").replace(
        '{{ block("common/contacts") }}', "") for rel in rels}
    edited = reload(project, rels, texts)
    assert index_of(edited) is not index_of(project)
    assert "common/closing" not in index_of(edited).included_by.get("common/contacts", ())
    assert set(index_of(edited).templates_using("common/contacts")) == {"bill"}


def test_a_use_in_words():
    assert Use("bill", ("common/contacts",), 30).describe() == "bill"
    assert Use("otp", ("a", "b", "c"), 9).describe() == "otp via a → b"


def test_the_index_knows_the_fields_a_block_reads_and_which_are_regulatory():
    project = load_project(SAMPLE)
    index = index_of(project)
    assert index.regulatory == {b.id for b in project.blocks.values() if b.regulatory}
    assert "legal/privacy" in index.regulatory
    assert index.regulatory_in("bill") <= index.regulatory
    assert index.regulatory_in("bill") == index.template_blocks("bill") & index.regulatory
    # a loop's item fields are the list's: [] for "any item"
    text = ("{{ customer.first_name }} {% for l in invoice.lines %}{{ l.amount }}{% endfor %}"
            "{{ params.x }}")
    assert fields_read(text) == ("customer.first_name", "invoice.lines", "invoice.lines[].amount",
                                 "params.x")
    assert fields_read("{{ broken") == ()


def test_fields_follow_includes_and_leave_out_what_is_no_record_field(project_dir):
    root = project_dir({
        "blocks/inner.md": "---\ntitle: Inner\n---\nDue {{ invoice.total }}.\n",
        "blocks/outer.md": ('---\ntitle: Outer\nparams: {x: 1}\n---\n'
                            'Hi {{ customer.name }} {{ params.x }} {{ locale }}\n'
                            '{{ block("inner") }}\n'),
    })
    index = index_of(load_project(root))
    assert index.fields("outer", through_includes=False) == {"customer.name"}
    assert index.fields("outer") == {"customer.name", "invoice.total"}
    assert index.fields("inner") == {"invoice.total"}
