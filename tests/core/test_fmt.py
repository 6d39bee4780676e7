"""`missiva fmt`: the sample is canonical; a block written otherwise is rewritten into the
canonical form, once (idempotent), and every rendition stays byte for byte the same."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from studio.core.blockdoc import parse_block
from studio.core.fmt import canonical_text, format_project
from studio.core.limits import Limits
from studio.core.project import load_project
from studio.core.records import sample_record
from studio.core.render import render
from studio.core.resources import sample_project


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio.cli", *args], capture_output=True,
                          text=True, timeout=120)


def _untidy(text: str) -> str:
    """The same block as another author might write it: `*` bullets, spaces after `#`, extra
    blank lines, two trailing spaces for a line break (in the units the editor models: the others,
    tables and statement lines, are kept as written by fmt)."""
    doc = parse_block(text)
    out = [doc.front, "\n" + doc.lead]
    for unit, gap in zip(doc.units, doc.gaps, strict=True):
        source = unit.source
        if unit.kind != "raw":
            source = re.sub(r"^- ", "* ", source, flags=re.M)
            source = re.sub(r"^(#+) ", r"\1   ", source).replace("\\\n", "  \n")
        # more blank lines, except after a Jinja tag: its newline is trimmed, so there they
        # count (one blank line less would join two paragraphs)
        out.append(source + (gap if source.endswith(("%}", "#}")) else gap.replace("\n\n", "\n\n\n")))
    return "".join(out)


def _renditions(root: Path) -> dict[tuple[str, str], bytes]:
    project = load_project(root)
    assert not [p for p in project.problems if p.is_error]
    record = sample_record(project, "typical")
    budget = Limits(time=300)  # a loaded CI machine must not turn a slow render into a failure
    return {(name, channel): render(project, name, channel, record, limits=budget).content
            for name, template in project.templates.items() for channel in template.channels}


def test_the_sample_is_canonical():
    result = run("fmt", str(sample_project()), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_fmt_rewrites_untidy_blocks_to_the_sample_and_renders_the_same(tmp_path):
    root = tmp_path / "lumen"
    shutil.copytree(sample_project(), root, ignore=shutil.ignore_patterns(".git"))
    untidied = []
    for path in sorted((root / "blocks").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "regulatory: true" in text:
            continue
        untidy = _untidy(text)
        if untidy != text:
            path.write_text(untidy, encoding="utf-8")
            untidied.append(path.relative_to(root).as_posix())
    assert len(untidied) > 20
    before = _renditions(root)

    check = run("fmt", str(root), "--check")
    assert check.returncode == 1
    listed = {line.split(":")[0] for line in check.stdout.splitlines()}
    assert listed == set(untidied)

    assert run("fmt", str(root)).returncode == 0
    for rel in untidied:  # back to the sample's own bytes
        assert (root / rel).read_bytes() == (sample_project() / rel).read_bytes(), rel
    assert run("fmt", str(root), "--check").returncode == 0
    assert format_project(root, write=True) == []  # idempotent
    assert _renditions(root) == before


def test_fmt_never_changes_what_a_block_renders():
    # `*` right before a word would become emphasis if written unescaped: kept as written
    text = "---\ntitle: T\n---\n3 * 4 = 12, a_b_c and \\*literal\\*\n"
    formatted = canonical_text(text)
    assert canonical_text(formatted) == formatted
    assert "\\*literal\\*" in formatted


def test_fmt_on_a_folder_that_is_not_a_project(tmp_path):
    result = run("fmt", str(tmp_path))
    assert result.returncode == 2
    assert "no blocks/ folder" in result.stderr and "Traceback" not in result.stderr


def test_fmt_leaves_regulatory_wording_to_its_owners(tmp_path):
    # Found trying it as a billing author: fmt rewrote the privacy notice's English text (a
    # translation carries no `regulatory:` of its own, so it was not even marked), and the
    # commit that followed was a change of regulatory wording by a non-owner.
    root = tmp_path / "lumen"
    shutil.copytree(sample_project(), root, ignore=shutil.ignore_patterns(".git", "compliance"))
    untidy = {}
    for rel in ("blocks/legal/privacy.en.md", "blocks/common/contacts.md"):
        text = (root / rel).read_text(encoding="utf-8")
        untidy[rel] = _untidy(text)
        assert untidy[rel] != text
        (root / rel).write_text(untidy[rel], encoding="utf-8")

    def as_(email: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MISSIVA_AUTHOR_NAME": email.split("@")[0],
               "MISSIVA_AUTHOR_EMAIL": email, "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}
        return subprocess.run([sys.executable, "-m", "studio.cli", "fmt", str(root), *args],
                              capture_output=True, text=True, timeout=120, env=env)

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    luca, giulia = "luca.moretti@lumen-energia.example", "giulia.bianchi@lumen-energia.example"
    check = as_(luca, "--check")
    assert check.returncode == 1
    assert ("blocks/legal/privacy.en.md: not in canonical form (missiva fmt rewrites it) "
            "(regulatory, owned by legal: only its owners rewrite it; you are "
            f"{luca})") in check.stdout.splitlines()
    result = as_(luca)
    assert result.returncode == 1
    assert "left blocks/legal/privacy.en.md as it is (regulatory, owned by legal" in result.stdout
    assert "1 regulatory block file(s) left for their owners to format" in result.stderr
    assert (root / "blocks/legal/privacy.en.md").read_text(encoding="utf-8") == \
        untidy["blocks/legal/privacy.en.md"]
    assert (root / "blocks/common/contacts.md").read_bytes() == \
        (sample_project() / "blocks/common/contacts.md").read_bytes()

    result = as_(giulia)  # legal's: rewritten, with the sign-off it now needs said
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ("formatted blocks/legal/privacy.en.md (regulatory: its owners "
                             "must sign off the new text)\n")
    assert (root / "blocks/legal/privacy.en.md").read_bytes() == \
        (sample_project() / "blocks/legal/privacy.en.md").read_bytes()
