"""`missiva check` on the bundled sample: every rendition accessible and readable, exit 0."""

import json

from studio.cli import main
from tests.conftest import SAMPLE


def test_check_json_on_the_sample_exits_0_with_one_object_per_rendition(capsys):
    # One sample record: every template, channel and locale of the proof matrix (the whole
    # matrix, 11 samples, is 264 renditions and 2.5 minutes of CI for the same code paths).
    assert main(["check", str(SAMPLE), "--sample", "typical", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {row["sample"] for row in rows} == {"typical"}
    from studio.core.project import load_project

    project = load_project(SAMPLE)
    assert len(rows) == len(project.config.locales) * sum(
        len(t.channels) for t in project.templates.values())
    channels = {row["channel"] for row in rows}
    assert {"print", "email", "mobile", "sms"} <= channels
    for row in rows:
        assert row["ok"], row
        assert {"template", "channel", "sample", "locale"} <= set(row)
        assert not [f for f in row["accessibility"] if f["impact"] in ("serious", "critical")]
        for r in row["readability"]:
            assert {"index", "value", "budget", "ok"} <= set(r)
    italian = [r for row in rows if row["locale"] == "it" and row["channel"] != "sms"
               for r in row["readability"] if r["block"] and r["budget"] is not None]
    assert italian and all(r["index"] == "gulpease" for r in italian)
    # Customer-facing blocks hold 60; the legal team's wording has its own floor.
    assert any(r["budget"] == 60 and r["value"] >= 60 for r in italian)


def test_check_names_the_samples_when_the_one_asked_for_is_not_there(capsys):
    assert main(["check", str(SAMPLE), "--sample", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "no sample 'nobody'" in err and "typical" in err


def test_check_exits_1_when_a_budget_is_missed(tmp_path, capsys):
    from tests.conftest import write_project

    root = write_project(tmp_path / "p", {
        "studio.yaml": """
            name: Test Project
            locales: [it]
            default_locale: it
            readability: {it: {min: 60}}
            email: {from: "Test <noreply@test.example>"}
        """,
        "blocks/amount.md": """
            ---
            title: Amount
            ---
            La presente vale come costituzione in mora ai sensi dell'articolo 1219 del Codice civile e trascorsi i termini previsti dalla regolazione potremo chiedere al distributore la sospensione della fornitura.
        """,
        "templates/letter.yaml": """
            title: Lettera
            channels: [sms]
            body:
              - block: amount
        """,
    })
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "readability [amount]: gulpease 43 < 60" in out


def test_export_to_a_target_that_requires_checks_is_refused_on_a_failing_rendition(
    tmp_path, monkeypatch
):
    import pytest

    from studio.core.export import export
    from studio.core.history import open_repository
    from studio.core.problems import ProblemError
    from tests.conftest import write_project

    for key, value in {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@test.example",
                       "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@test.example"}.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out"
    root = write_project(tmp_path / "p", {
        "studio.yaml": f"""
            name: Test Project
            locales: [it]
            default_locale: it
            readability: {{it: {{min: 60}}}}
            targets:
              vault: {{path: {out}, requires_checks: true}}
        """,
        "blocks/amount.md": """
            ---
            title: Amount
            ---
            La presente vale come costituzione in mora ai sensi dell'articolo 1219 del Codice civile e trascorsi i termini previsti dalla regolazione potremo chiedere al distributore la sospensione della fornitura.
        """,
        "templates/letter.yaml": """
            title: Lettera
            channels: [sms]
            body:
              - block: amount
        """,
    })
    import subprocess

    subprocess.run(["git", "init", "-q", str(root)], check=True)
    repository = open_repository(root)
    repository.commit("First")
    with pytest.raises(ProblemError, match="fail missiva check"):
        export(root, target="vault")
    assert not out.exists()
    (root / "blocks" / "amount.md").write_text(
        "---\ntitle: Amount\n---\nLa bolletta è pronta. Può pagare entro il mese. Grazie.\n",
        encoding="utf-8",
    )
    repository.commit("Plain words")
    assert export(root, target="vault").path.is_file()
