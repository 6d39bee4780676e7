"""Shared fixtures: small real projects written into tmp_path."""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The parse cache (studio/core/parsecache.py) of this run in a folder of its own, not the
    user's: for the tests and every process they start."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="missiva-test-cache-")
SAMPLE = REPO / "sample_projects" / "lumen-energia"

BASE_FILES: dict[str, str] = {
    "studio.yaml": """
        name: Test Project
        locales: [it, en]
        default_locale: it
        currency: EUR
        brand: {company: Test S.p.A., primary: "#123456"}
        email: {from: "Test <noreply@test.example>"}
        roles: {legal: [legal@test.example]}
        compliance: {approvers: [legal]}
    """,
    "blocks/greeting.md": """
        ---
        title: Greeting
        variants:
          sms: "Ciao {{ customer.name }}!"
        ---
        Gentile {{ customer.name }},
    """,
    "blocks/greeting.en.md": """
        ---
        title: Greeting
        variants:
          sms: "Hi {{ customer.name }}!"
        ---
        Dear {{ customer.name }},
    """,
    "blocks/amount.md": """
        ---
        title: Amount
        ---
        Importo: {{ invoice.total | currency }}, scadenza {{ invoice.due | date }}.
    """,
    "blocks/legal/privacy.md": """
        ---
        title: Privacy
        owner: legal
        regulatory: true
        channels: [print, email, mobile]
        ---
        Trattiamo i tuoi dati secondo il GDPR.
    """,
    "templates/letter.yaml": """
        title: Lettera
        channels: [print, email, mobile, sms]
        email:
          subject: "Per {{ customer.name }}"
          preheader: "Totale {{ invoice.total | currency }}"
        sms:
          max_segments: 2
        body:
          - block: greeting
          - block: amount
          - block: legal/privacy
    """,
}

BASE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["customer", "invoice"],
    "properties": {
        "customer": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "segment": {"type": "string"},
            },
        },
        "invoice": {
            "type": "object",
            "properties": {
                "total": {"type": "number"},
                "due": {"type": "string"},
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "amount": {"type": "number"}},
                    },
                },
            },
        },
    },
}

BASE_RECORD: dict[str, Any] = {
    "customer": {"name": "Mario Rossi", "email": "mario@test.example"},
    "invoice": {"total": 1234.5, "due": "2026-03-01", "lines": []},
}


def write_project(
    root: Path,
    files: Mapping[str, str | None] | None = None,
    *,
    schema: Any = None,
    samples: Mapping[str, Any] | None = None,
) -> Path:
    """Write the base project with `files` added or replaced (None deletes a base file)."""
    merged: dict[str, str | None] = {**BASE_FILES, **(files or {})}
    for relative, text in merged.items():
        if text is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "data" / "samples").mkdir(parents=True, exist_ok=True)
    (root / "data" / "schema.json").write_text(json.dumps(schema or BASE_SCHEMA, indent=2))
    for name, record in (samples if samples is not None else {"typical": BASE_RECORD}).items():
        (root / "data" / "samples" / f"{name}.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return root


@pytest.fixture
def project_dir(tmp_path: Path) -> Callable[..., Path]:
    """Make a project in tmp_path: project_dir({"blocks/x.md": "..."}, samples={...})."""

    def make(files: Mapping[str, str | None] | None = None, **kwargs: Any) -> Path:
        return write_project(tmp_path / "project", files, **kwargs)

    return make


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated git: no system or global config, the author from MISSIVA_AUTHOR_*."""
    home = tmp_path / "home"
    home.mkdir()
    empty = home / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("MISSIVA_AUTHOR_NAME", "Giulia Bianchi")
    monkeypatch.setenv("MISSIVA_AUTHOR_EMAIL", "giulia.bianchi@lumen.example")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


def without_record_fields(root: Path, *names: str) -> Callable[[], None]:
    """Take customer fields NAMES out of a copy of the sample's schema and records, as they were
    before the record gained them; the function returned puts them back."""
    files = [root / "data" / "schema.json", *sorted((root / "data" / "samples").glob("*.json"))]
    saved = {path: path.read_text(encoding="utf-8") for path in files}
    schema = json.loads(saved[files[0]])
    for name in names:
        del schema["properties"]["customer"]["properties"][name]
    files[0].write_text(json.dumps(schema, indent=2), encoding="utf-8")
    for path in files[1:]:
        record = json.loads(saved[path])
        for name in names:
            record.get("customer", {}).pop(name, None)
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")

    def restore() -> None:
        for path, text in saved.items():
            path.write_text(text, encoding="utf-8")

    return restore


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def cluster():
    """A real Dask scheduler and two worker processes on 127.0.0.1 (batch and server tests)."""
    from studio.core.batch import local_client

    client = local_client(2)
    try:
        yield client
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


@pytest.fixture(scope="session")
def library_1000(tmp_path_factory):
    """The generated 1,000-block library (bench/generate.py), made once per test session."""
    from bench.generate import generate_library

    root = tmp_path_factory.mktemp("library") / "lib1000"
    generate_library(root, blocks=1000, commits=2)
    return root
