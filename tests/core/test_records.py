"""The one record path: JSON text, values, samples and files of records to checked records or
the problem refusing them, with the JSON pointer of the field at fault."""

from __future__ import annotations

import json

import pytest

from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.records import (
    record_from_json,
    record_from_value,
    records_in,
    sample_record,
)
from studio.core.render import render
from tests.conftest import SAMPLE

SCHEMA = {
    "type": "object",
    "required": ["customer", "total"],
    "properties": {
        "customer": {"type": "object", "required": ["name", "a/b", "c~d"],
                     "properties": {"name": {"type": "string"}}},
        "total": {"type": "number"},
        "lines": {"type": "array", "items": {"type": "object", "required": ["amount"]}},
    },
}
GOOD = {"customer": {"name": "Ada", "a/b": 1, "c~d": 2}, "total": 3}


def test_each_missing_property_is_named_by_its_own_pointer() -> None:
    refused = record_from_value(SCHEMA, {"customer": {"name": "Ada"},
                                         "lines": [{"amount": 1}, {}]})
    assert refused.data is not None and refused.problem is not None
    from studio.core.schema import record_problems

    pointers = [p.pointer for p in record_problems(SCHEMA, refused.data, "(record)")]
    # RFC 6901: "/" in a name is ~1, "~" is ~0; an array item by its index.
    assert sorted(pointers) == ["/customer/a~1b", "/customer/c~0d", "/lines/1/amount", "/total"]
    assert refused.problem.pointer == "/total"  # the record's own level sorts first
    assert refused.problem.message == "(record): 'total' is a required property"


def test_a_wrong_type_points_at_the_value_and_a_good_record_passes() -> None:
    wrong = record_from_value(SCHEMA, {**GOOD, "total": "a lot"}, "data/x.json")
    assert wrong.problem is not None and wrong.problem.pointer == "/total"
    assert wrong.problem.message == "total: 'a lot' is not of type 'number'"
    good = record_from_value(SCHEMA, GOOD)
    assert good.ok and good.checked() == GOOD
    with pytest.raises(ProblemError, match="is not of type"):
        wrong.checked()


def test_not_an_object_is_refused_at_the_record_itself() -> None:
    refused = record_from_value(SCHEMA, [1, 2], "r.json", line=4)
    assert refused.data is None and refused.problem is not None
    assert (refused.problem.line, refused.problem.pointer) == (4, "")
    assert refused.problem.message == "a record must be a JSON object"


def test_a_line_of_ndjson_is_refused_at_its_own_line_and_column() -> None:
    bad_json = record_from_json(SCHEMA, '{"total": }', "in.ndjson", line=7)
    assert bad_json.data is None and bad_json.problem is not None
    assert (bad_json.problem.path, bad_json.problem.line, bad_json.problem.col) == (
        "in.ndjson", 7, 11)
    text = json.dumps({**GOOD, "total": "x"})
    wrong = record_from_json(SCHEMA, text, "in.ndjson", line=9)
    assert wrong.problem is not None
    assert (wrong.problem.line, wrong.problem.col) == (9, text.index('"x"') + 1)


def test_a_file_of_records_json_or_ndjson() -> None:
    lines = [json.dumps(GOOD), "", "{oops", json.dumps({"customer": GOOD["customer"]})]
    found = list(records_in(SCHEMA, "\n".join(lines) + "\n", "batch.ndjson"))
    assert [(r.label, r.index, r.ok) for r in found] == [
        ("batch.ndjson:1", 1, True), ("batch.ndjson:3", 2, False), ("batch.ndjson:4", 3, False)]
    assert found[1].data is None and found[1].problem.line == 3
    assert found[2].data is not None and found[2].problem.pointer == "/total"
    assert found[2].problem.line == 4

    pretty = json.dumps({**GOOD, "total": "x"}, indent=2)
    [whole] = records_in(SCHEMA, pretty, "one/record.json")
    assert (whole.label, whole.path) == ("record", "one/record.json")
    assert whole.problem is not None
    assert whole.problem.line == pretty[: pretty.index('"x"')].count("\n") + 1


def test_samples_and_render_take_the_same_path() -> None:
    project = load_project(SAMPLE)
    typical = sample_record(project, "typical")
    assert typical.ok and typical.label == "typical"
    assert typical.path == "data/samples/typical.json"
    missing = sample_record(project, "nope")
    assert missing.problem is not None and "no sample 'nope'" in missing.problem.message
    with pytest.raises(ProblemError, match="no sample"):
        render(project, "otp", "sms", missing)
    assert render(project, "otp", "sms", typical).content == render(
        project, "otp", "sms", project.samples["typical"].record).content
    nameless = json.loads(json.dumps(project.samples["typical"].record))
    del nameless["customer"]["name"]
    with pytest.raises(ProblemError) as refused:
        render(project, "otp", "sms", nameless, record_path="(request)")
    assert refused.value.problem.pointer == "/customer/name"
    assert str(refused.value.problem).startswith("(request):1:1: error: customer: 'name'")
    assert "pointer" not in refused.value.problem.as_json()
