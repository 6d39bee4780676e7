"""The bundled sample project: clean, and every template renders on every channel and sample."""

from __future__ import annotations

import email
import email.policy
import io
import json

import pytest
from pypdf import PdfReader

from studio.cli import main
from studio.core.project import load_project
from studio.core.validate import validate
from tests.conftest import SAMPLE
from tests.pages import last_page_fill


@pytest.fixture(scope="module")
def proof(tmp_path_factory):
    out = tmp_path_factory.mktemp("proof")
    assert main(["proof", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    return out, json.loads((out / "proof.json").read_text())


def test_sample_validates_clean():
    project = load_project(SAMPLE)
    assert validate(project) == []
    assert len(project.templates) >= 4 and len(project.blocks) >= 12
    assert sum(b.regulatory for b in project.blocks.values()) >= 3
    assert len(project.samples) >= 6
    assert all(set(b.sources) == {"it", "en"} for b in project.blocks.values())


def test_every_rendition_renders_without_warnings(proof):
    _, rows = proof
    project = load_project(SAMPLE)
    expected = (
        sum(len(t.channels) for t in project.templates.values())
        * len(project.samples)
        * len(project.config.locales)
    )
    assert len(rows) == expected
    assert [r for r in rows if not r["ok"] or r["warnings"]] == []


def test_no_letter_ends_on_a_near_empty_page(proof):
    """Every printed rendition of the sample: a last page at least 15% filled, measured on
    the PDF (20 of 22 contract-change letters once ended with 3-4 lines of privacy notice)."""
    out, rows = proof
    printed = [r for r in rows if r["channel"] == "print"]
    assert len(printed) >= 60
    fills = {
        (r["template"], r["sample"], r["locale"]):
            round(last_page_fill((out / r["file"]).read_bytes()), 3)
        for r in printed if r["facts"]["pages"] > 1
    }
    assert fills and {key: fill for key, fill in fills.items() if fill < 0.15} == {}


def test_long_bill_spans_pages(proof):
    out, rows = proof
    [row] = [
        r
        for r in rows
        if (r["template"], r["sample"], r["locale"], r["channel"])
        == ("bill", "many-lines", "it", "print")
    ]
    reader = PdfReader(io.BytesIO((out / row["file"]).read_bytes()))
    assert len(reader.pages) >= 3
    last = reader.pages[-1].extract_text()
    assert f"Pagina {len(reader.pages)} di {len(reader.pages)}" in last


def test_injection_sample_is_literal_everywhere(proof):
    out, rows = proof
    nasty = "{{ 7*7 }} *Star* <b>Ltd</b>"
    for row in (r for r in rows if r["sample"] == "injection" and r["template"] == "bill"):
        data = (out / row["file"]).read_bytes()
        if row["channel"] == "print":
            text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            assert nasty in text.replace("\n", " ")
        elif row["channel"] == "email":
            message = email.message_from_bytes(data, policy=email.policy.default)
            assert nasty in message.get_body(("plain",)).get_content()
            html = message.get_body(("html",)).get_content()
            assert "{{ 7*7 }} *Star* &lt;b&gt;Ltd&lt;/b&gt;" in html and "<b>Ltd" not in html
        else:
            html = data.decode()
            assert "{{ 7*7 }} *Star* &lt;b&gt;Ltd&lt;/b&gt;" in html and "<b>Ltd" not in html


def test_sample_carries_a_realistic_ledger():
    """Approved blocks, one renamed and changed since approval (stale), one never decided
    (pending); the ledger's chain and its records' commits check out in this repository's
    history."""
    import subprocess

    from studio.core.compliance import block_states, chain_problems, verify

    states = {s.block: s for s in block_states(SAMPLE)}
    kinds = sorted(s.state for s in states.values())
    assert kinds.count("approved") >= 2
    assert kinds.count("stale") == 1 and kinds.count("pending") == 1
    stale = next(s for s in states.values() if s.state == "stale")
    assert stale.approved_blob and stale.approved_blob != stale.blob
    # Its owner renamed it and changed its words: the review compares them with the wording
    # approved under its old name, not as a new block.
    assert (stale.block, stale.renamed_from) == ("legal/useful-info", "legal/bill-info")
    assert [r.block for r in stale.history] == ["legal/bill-info"]
    reviewers = {r.reviewer for s in states.values() for r in s.history}
    assert len(reviewers) >= 2  # more than one lawyer signed
    assert chain_problems((SAMPLE / "compliance/signoffs.jsonl").read_bytes()) == []
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=SAMPLE,
                             capture_output=True, text=True).stdout.strip()
    if shallow == "true":
        pytest.skip("a shallow clone lacks the commits the ledger's records name")
    assert verify(SAMPLE) == []


def test_sample_export_to_production_is_gated(tmp_path, monkeypatch, capsys):
    """The sample's production target requires approval: its stale and pending blocks stop it,
    named, before anything is sent (no server needed to see the refusal)."""
    monkeypatch.setenv("MISSIVA_PROD_TOKEN", "not-used")
    assert main(["export", str(SAMPLE), "--target", "production", "--rev", "HEAD"]) == 1
    message = capsys.readouterr().err
    assert "refused" in message
    assert "legal/useful-info (stale, renamed from legal/bill-info)" in message
    assert "reminder/consequences (pending)" in message
    # A target without the approval requirement takes the same version.
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["export", str(SAMPLE), "--target", "proofs", "--rev", "HEAD", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["path"].startswith(str(tmp_path / "missiva-packages" / "lumen-energia"))


def test_sample_status_shows_the_renamed_block(capsys):
    """What the sample's README promises `missiva status` prints."""
    assert main(["status", str(SAMPLE)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    renamed = lines["legal/useful-info"]
    assert renamed.split()[1] == "stale" and renamed.endswith("(renamed from legal/bill-info)")
    assert "legal/bill-info" not in lines
    assert lines["reminder/consequences"].split()[1] == "pending"
    assert {lines[b].split()[1] for b in ("legal/privacy", "legal/withdrawal",
                                          "legal/complaints-adr")} == {"approved"}
