"""Plain words: problems in a block said as an author understands them, English and Italian."""

from __future__ import annotations

import shutil

import pytest

from studio.core.engine import FILTERS
from studio.core.plain import field_paths, plain
from studio.core.project import load_project
from studio.core.validate import validate
from tests.conftest import SAMPLE


@pytest.fixture
def broken(tmp_path):
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py"))
    return root


def problems_of(root, rel):
    project = load_project(root)
    fields = field_paths(project.schema)
    return [plain(p, fields, FILTERS) for p in validate(project) if p.path == rel]


def append(root, rel, text):
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_an_unknown_field_is_named_with_a_suggestion_in_both_languages(broken):
    append(broken, "blocks/common/contacts.md", "\n{{ customer.iban }} {{ customer.nmae }}\n")
    found = problems_of(broken, "blocks/common/contacts.md")
    texts = sorted(p.in_language("it") for p in found)
    assert texts[0] == "Il campo customer.iban non esiste nei dati di esempio."
    assert texts[1] == ("Il campo customer.nmae non esiste nei dati di esempio. "
                        "Forse intendeva customer.name?")
    english = sorted(p.message for p in found)
    assert english[0] == "The field customer.iban does not exist in the sample data."
    assert all(p.line == 14 and p.path == "blocks/common/contacts.md" for p in found)


@pytest.mark.parametrize(("text", "english", "italian"), [
    ("\n{{ customer.name \n", "A field opened with {{ is not closed: add }} after its name.",
     "Un campo aperto con {{ non è chiuso: aggiunga }} dopo il suo nome."),
    ("\n{{ invoice.total | currencyy }}\n",
     "There is no format called currencyy. Did you mean currency?",
     "Non esiste un formato chiamato currencyy. Forse intendeva currency?"),
    ("\n{% if customer.name %}x\n",
     "A {% if %} is not closed: add {% endif %} where it should end.",
     "Un {% if %} non è chiuso: aggiunga {% endif %} dove deve finire."),
    ("\n{% iff customer.name %}x{% endif %}\n",
     "{% iff %} is not an instruction the studio knows.",
     "{% iff %} non è un'istruzione che lo studio conosce."),
])
def test_jinja_syntax_errors_in_plain_words(broken, text, english, italian):
    append(broken, "blocks/reminder/notice.md", text)
    found = problems_of(broken, "blocks/reminder/notice.md")
    assert [p.message for p in found] == [english]
    assert [p.in_language("it") for p in found] == [italian]
    assert "Jinja" not in found[0].message


def test_a_problem_it_does_not_know_is_left_as_it_was(broken):
    from studio.core.problems import error

    problem = error("x.md", 3, 1, "something else")
    assert plain(problem) is problem


def test_field_paths_name_list_items_under_the_list_or_bare_for_completion():
    schema = {"properties": {"invoice": {"properties": {"lines": {
        "type": "array", "items": {"properties": {"amount": {"type": "number"}}}}}}}}
    assert field_paths(schema) == ["invoice", "invoice.lines", "invoice.lines.amount"]
    assert field_paths(schema, item_prefix=False) == ["invoice", "invoice.lines", "amount"]
