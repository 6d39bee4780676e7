"""The core's messages: English in the code, Italian from the catalogue, every one translated."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from studio.core.messages import Message, msg, translations
from studio.core.problems import ProblemError
from studio.core.project import load_project
from studio.core.render import render
from studio.core.validate import validate
from tests.conftest import BASE_RECORD, write_project

REPO = Path(__file__).resolve().parents[2]


def _translations_tool():
    spec = importlib.util.spec_from_file_location("translations", REPO / "packaging" /
                                                  "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_core_message_has_an_italian_translation_with_the_same_fields():
    tool = _translations_tool()
    found, not_literal = tool.core_messages()
    assert len(found) > 100  # the validator's, the loader's, the channels' messages
    assert not_literal == []
    catalogue = tool.FOLDER / "missiva_core_it.po"
    assert tool.core_problems(catalogue) == []
    italian = translations("it")
    assert set(found) <= set(italian)
    assert italian["the project has no templates"] == "il progetto non ha modelli"


def test_the_check_fails_on_a_message_without_translation(tmp_path):
    # The same check on a copy of the code with one more message: it names it.
    tool = _translations_tool()
    for folder in tool.CORE_SOURCES:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "studio/core/new.py").write_text(
        'from studio.core.messages import msg\nX = msg("a brand new {thing}", thing=1)\n'
        'Y = msg(X.text)\n')
    found, not_literal = tool.core_messages(tmp_path)
    assert found == {"a brand new {thing}": "studio/core/new.py:2"}
    assert not_literal == ["studio/core/new.py:3"]


def test_a_validation_problem_in_english_and_in_italian(tmp_path):
    root = write_project(tmp_path / "p", {"blocks/greeting.md": "Hello {{ customer.shoe_size }}"})
    problems = [p for p in validate(load_project(root)) if p.path == "blocks/greeting.md"]
    assert len(problems) == 1
    problem = problems[0]
    english = "variable 'customer.shoe_size' is not in the data schema (data/schema.json)"
    assert problem.message == english
    assert str(problem).endswith(english)
    assert problem.in_language(None) == english
    assert problem.in_language("en") == english
    assert problem.in_language("it") == (
        "la variabile 'customer.shoe_size' non è nello schema dei dati (data/schema.json)")
    assert problem.in_language("it_IT") == problem.in_language("it")
    assert problem.as_json()["message"] == english  # the CLI's and the server's JSON


def test_a_record_problem_and_a_trial_render_context_are_translated(tmp_path):
    record = {**BASE_RECORD, "customer": {"email": "mario@test.example"}}
    root = write_project(tmp_path / "p", samples={"typical": record})
    problems = [p for p in validate(load_project(root)) if p.path.startswith("data/samples")]
    assert [p.message for p in problems] == ["customer: 'name' is a required property"]
    assert problems[0].in_language("it") == "customer: 'name' è una proprietà obbligatoria"


def test_a_render_error_crosses_a_process_with_its_translation(tmp_path):
    root = write_project(tmp_path / "p", {"blocks/greeting.md": "Hello {{ nobody.here }}"})
    try:
        render(load_project(root), "letter", "sms", BASE_RECORD)
    except ProblemError as exc:
        problem = pickle.loads(pickle.dumps(exc)).problem  # as a worker process returns it
    else:
        raise AssertionError("the render should fail")
    assert problem.message == "undefined variable 'nobody'"
    assert problem.in_language("it") == "variabile non definita 'nobody'"


def test_a_missing_or_broken_translation_falls_back_to_english():
    assert msg("no catalogue has this {x}", x=1).in_language("it") == "no catalogue has this 1"
    assert msg("the project has no templates").in_language("fr") == "the project has no templates"
    # A field that is a message is translated with the sentence around it.
    nested = msg("{field}: {reason}", field="x", reason=msg("none"))
    assert nested.in_language("it") == "x: nessuno"
    assert isinstance(nested, Message) and str(nested) == "x: none"


def test_the_cli_speaks_english_unless_asked(tmp_path):
    root = write_project(tmp_path / "p", {"blocks/greeting.md": "Hello {{ customer.shoe_size }}"})
    english = subprocess.run([sys.executable, "-m", "studio.cli", "validate", str(root)],
                             capture_output=True, text=True, timeout=120,
                             env={**os.environ, "LANG": "it_IT.UTF-8", "LC_ALL": "it_IT.UTF-8"})
    assert "variable 'customer.shoe_size' is not in the data schema" in english.stdout
    italian = subprocess.run([sys.executable, "-m", "studio.cli", "validate", str(root),
                              "--lang", "it", "--json"], capture_output=True, text=True,
                             timeout=120)
    assert english.returncode == italian.returncode == 1
    messages = [p["message"] for p in json.loads(italian.stdout)]
    assert ("la variabile 'customer.shoe_size' non è nello schema dei dati (data/schema.json)"
            in messages)
