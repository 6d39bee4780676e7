"""The block document model: every block read and written back byte for byte; an edit changes
only the lines it touches (the sample's blocks and a few hundred generated ones)."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.blockdoc import (
    Atom,
    Break,
    Marks,
    Span,
    Unit,
    inline_markdown,
    parse_block,
    parse_unit,
    rewrite,
)
from studio.core.fmt import _rendered, canonical_text
from studio.core.resources import sample_project

SAMPLE_BLOCKS = sorted((sample_project() / "blocks").rglob("*.md"))


def _changed_lines(before: str, after: str) -> set[int]:
    """Line numbers (1-based, in BEFORE) that a line diff marks as changed."""
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before.split("\n"), b=after.split("\n"), autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op != "equal":
            changed.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return changed


def _unit_lines(doc, index: int) -> set[int]:
    start = doc.text().index(doc.units[index].source,
                             len(doc.front + doc.lead) + sum(
                                 len(u.source) + len(g)
                                 for u, g in zip(doc.units[:index], doc.gaps[:index], strict=True)))
    first = doc.text()[:start].count("\n") + 1
    return set(range(first, first + doc.units[index].source.count("\n") + 1))


def test_the_sample_has_blocks_of_every_modelled_kind():
    kinds = {u.kind for path in SAMPLE_BLOCKS for u in parse_block(path.read_text()).units}
    assert {"paragraph", "heading", "list", "table", "raw"} <= kinds


@pytest.mark.parametrize("path", SAMPLE_BLOCKS, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_sample_block_round_trips_and_is_canonical(path: Path):
    text = path.read_text(encoding="utf-8")
    doc = parse_block(text)
    assert doc.text() == text
    assert rewrite(doc, doc.units) == text  # opened and saved unchanged: the same bytes
    for unit in doc.units:
        if unit.kind != "raw":
            assert unit.markdown() == unit.source  # the sample is written canonically


@pytest.mark.parametrize("path", SAMPLE_BLOCKS, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_an_edit_of_one_unit_changes_only_its_lines(path: Path):
    text = path.read_text(encoding="utf-8")
    doc = parse_block(text)
    editable = [n for n, u in enumerate(doc.units) if u.kind != "raw"]
    if not editable:
        pytest.skip("no unit the visual editor models")
    for n in editable:
        unit = doc.units[n]
        items = list(unit.items)
        items[-1] = items[-1] + (Span(" aggiunto"),)
        edited = list(doc.units)
        edited[n] = replace(unit, items=tuple(items), source="")
        after = rewrite(doc, edited)
        assert "aggiunto" in after
        changed = _changed_lines(text, after)
        last_line = max(_unit_lines(doc, n))
        assert changed == {last_line}, (n, changed)


def test_an_inserted_paragraph_adds_lines_and_moves_nothing():
    text = "---\ntitle: T\n---\nFirst.\n\nSecond.\n"
    doc = parse_block(text)
    units = [doc.units[0], Unit("paragraph", ((Span("Middle, "), Atom("{{ customer.name }}")),)),
             doc.units[1]]
    assert rewrite(doc, units) == "---\ntitle: T\n---\nFirst.\n\nMiddle, {{ customer.name }}\n\n" \
        "Second.\n"
    assert rewrite(doc, [doc.units[1]]) == "---\ntitle: T\n---\nSecond.\n"


def test_inline_markdown_writes_marks_atoms_and_escapes():
    runs = (Span("Pay "), Span("by ", Marks(bold=True)),
            Atom("{{ invoice.due_date | date }}", Marks(bold=True)), Span(" or "),
            Span("see", Marks(href="https://x.example/a_b")), Span(" 2*3 [a] "),
            Span("note", Marks(italic=True)), Break(True), Span("# not a heading"))
    assert inline_markdown(runs) == (
        "Pay **by {{ invoice.due_date | date }}** or [see](https://x.example/a_b) 2\\*3 \\[a\\] "
        "*note*\\\n\\# not a heading")
    # whitespace at the edge of bold moves outside it, or Markdown would not read it as bold
    assert inline_markdown((Span("a"), Span(" b ", Marks(bold=True)), Span("c"))) == "a **b** c"


def test_jinja_is_kept_verbatim_even_inside_marks():
    unit = parse_unit("**{{ x | currency(invoice.currency) }}** {% if a %}yes{% endif %}")
    assert unit.kind == "paragraph"
    atoms = [r for r in unit.items[0] if isinstance(r, Atom)]
    assert [a.kind for a in atoms] == ["field", "statement", "statement"]
    assert atoms[0].marks.bold and atoms[0].expression == "x | currency(invoice.currency)"
    assert unit.markdown() == unit.source


def test_units_the_editor_does_not_model_stay_raw():
    for source in ("| a | b |\n|---|---|\n| 1 |", "| a |\n|---|\n{% for x in y %}| 1 |",
                   "> quoted", "    code", "- a\n  - nested",
                   "{% if x %}", "~~struck~~", "![img](a.png)"):
        assert parse_unit(source).kind == "raw", source


def test_a_table_is_cells_of_inline_runs_and_writes_back_canonically():
    unit = parse_unit("|Voce|Importo|\n|:-|-:|\n| **Totale** | {{ invoice.total | currency }} |\n"
                      "| a \\| b | `x\\|y` |")
    assert unit.kind == "table" and unit.columns == 2 and unit.align == ("left", "right")
    header, total, piped = unit.rows
    assert header == ((Span("Voce"),), (Span("Importo"),))
    assert total == ((Span("Totale", Marks(bold=True)),),
                     (Atom("{{ invoice.total | currency }}"),))
    assert piped == ((Span("a | b"),), (Span("x|y", code=True),))
    assert unit.markdown() == ("| Voce | Importo |\n|:---|---:|\n"
                               "| **Totale** | {{ invoice.total | currency }} |\n"
                               "| a \\| b | `x\\|y` |")


def test_an_edited_cell_changes_only_its_row_even_in_a_table_not_written_canonically():
    text = "Prima.\n\n|Voce|Importo|\n|:-|-:|\n|Luce|10|\n|Gas|20|\n\nDopo.\n"
    doc = parse_block(text)
    table = doc.units[1]
    cells = list(table.items)
    cells[5] = (Span("25"),)  # Gas: 20 -> 25
    after = rewrite(doc, [doc.units[0], replace(table, items=tuple(cells), source=""),
                          doc.units[2]])
    assert after == "Prima.\n\n|Voce|Importo|\n|:-|-:|\n|Luce|10|\n| Gas | 25 |\n\nDopo.\n"


def test_a_named_style_is_a_paragraph_attribute_the_renderer_reads_too():
    from studio.core.markdown import convert

    source = "Leggere con attenzione **{{ invoice.due_date | date }}** {.note}"
    unit = parse_unit(source)
    assert unit.kind == "paragraph" and unit.style == "note"
    assert unit.items[0][-1] == Atom("{{ invoice.due_date | date }}", Marks(bold=True))
    assert unit.markdown() == source
    assert replace(unit, style="").markdown() == source.removesuffix(" {.note}")
    assert convert("Leggere con attenzione {.note}").html == \
        '<p class="note">Leggere con attenzione</p>\n'
    # only at the end of a paragraph's plain text: elsewhere it is text
    for text in ("*corsivo {.note}*", "- voce {.note}", "[link {.note}](https://x.example)"):
        assert "{.note}" in convert(text).html and not getattr(parse_unit(text), "style", "")


# Generated blocks ---------------------------------------------------------------------------

_words = st.sampled_from(["Gentile", "cliente", "la", "bolletta", "è", "pronta", "kWh", "n.",
                          "l'importo", "3,5", "(art. 6)", "€", "snake_case", "a*b", "#1",
                          "1.", "[nota]", "x_", "\\", "-", "+", "&amp;", "~~", "C:\\dir"])
_atoms = st.sampled_from(["{{ customer.name }}", "{{ invoice.total | currency(invoice.currency) }}",
                          "{{ invoice.due_date | date }}", "{% if x %}", "{% endif %}",
                          "{# note #}", "{{ block(\"common/contacts\") }}"])


@st.composite
def _inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        piece = draw(st.one_of(_words, _atoms))
        wrap = draw(st.sampled_from(["", "", "**", "*", "__", "_", "link", "`"]))
        if wrap == "link":
            piece = f"[{piece}](https://lumen.example/{draw(st.sampled_from(['a', 'b_c']))})"
        elif wrap == "`":
            piece = f"`{piece.replace('`', '')}`"
        elif wrap:
            piece = f"{wrap}{piece}{wrap}"
        parts.append(piece)
    return " ".join(parts)


@st.composite
def _unit(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["p", "p", "h", "ul", "ol", "table", "stmt", "quote", "break"]))
    if kind == "h":
        return "#" * draw(st.integers(1, 6)) + " " + draw(_inline())
    if kind in ("ul", "ol"):
        bullet = draw(st.sampled_from(["- ", "* ", "+ "]))
        return "\n".join((f"{n + 1}. " if kind == "ol" else bullet) + draw(_inline())
                         for n in range(draw(st.integers(1, 4))))
    if kind == "table":
        return "| a | b |\n|:---|---:|\n| " + draw(_inline()).replace("|", "") + " | 2 |"
    if kind == "stmt":
        return draw(st.sampled_from(["{% if customer.segment == \"gold\" %}", "{% endif %}",
                                     "{% for l in invoice.lines %}"]))
    if kind == "quote":
        return "> " + draw(_inline())
    if kind == "break":
        return draw(_inline()) + "\\\n" + draw(_inline())
    return draw(_inline())


@st.composite
def _block(draw: st.DrawFn) -> str:
    units = draw(st.lists(_unit(), min_size=1, max_size=8))
    gaps = [draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n \n"])) for _ in units]
    body = "".join(u + g for u, g in zip(units, gaps, strict=True))[:-1] + draw(st.sampled_from(["", "\n"]))
    return "---\ntitle: Generato\n---\n" + draw(st.sampled_from(["", "\n"])) + body


_GENERATED = settings(max_examples=300, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])


@_GENERATED
@given(_block())
def test_generated_blocks_round_trip_byte_for_byte(text: str):
    doc = parse_block(text)
    assert doc.text() == text
    assert rewrite(doc, doc.units) == text


@_GENERATED
@given(_block())
def test_fmt_is_idempotent_and_renders_the_same(text: str):
    formatted = canonical_text(text)
    assert canonical_text(formatted) == formatted
    body = parse_block(text)
    assert _rendered(formatted[len(body.front):]) == _rendered(text[len(body.front):])


@_GENERATED
@given(_block(), st.data())
def test_generated_edit_changes_only_the_touched_lines(text: str, data: st.DataObject):
    canonical = canonical_text(text)
    doc = parse_block(canonical)
    editable = [n for n, u in enumerate(doc.units) if u.kind != "raw"]
    if not editable:
        return
    n = data.draw(st.sampled_from(editable))
    unit = doc.units[n]
    items = list(unit.items)
    items[0] = (Span("Nuovo "),) + items[0]
    edited = list(doc.units)
    edited[n] = replace(unit, items=tuple(items), source="")
    after = rewrite(doc, edited)
    changed = _changed_lines(canonical, after)
    assert changed and changed <= _unit_lines(doc, n)


# The generated 1,000-block library ---------------------------------------------------------


def test_every_block_of_the_generated_library_round_trips(library_1000: Path):
    paths = sorted((library_1000 / "blocks").rglob("*.md"))
    assert len(paths) >= 1000
    kinds: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = parse_block(text)
        kinds.update(u.kind for u in doc.units)
        assert doc.text() == text, path
        assert rewrite(doc, doc.units) == text, path
        # and an edit of its last modelled unit touches only that unit's lines
        editable = [n for n, u in enumerate(doc.units) if u.kind != "raw"]
        n = editable[-1]
        unit = doc.units[n]
        edited = list(doc.units)
        edited[n] = replace(unit, items=(*unit.items[:-1], unit.items[-1] + (Span(" nuovo"),)),
                            source="")
        assert _changed_lines(text, rewrite(doc, edited)) == {max(_unit_lines(doc, n))}, path
    assert {"paragraph", "heading"} <= kinds
