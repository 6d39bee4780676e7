"""Signed packages: the releaser's SSH signature of the manifest, and the provenance checks a
server with trusted signers makes (signature, sign-off evidence)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from studio.core.export import export
from studio.core.package import MANIFEST, SIGNATURE, package_from, read_package
from studio.core.project import load_project
from studio.core.provenance import (
    ProvenanceError,
    evidence_problems,
    git_blob_id,
    package_signer,
    trusted_signers_problems,
)
from tests.conftest import write_project

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                reason="ssh-keygen (OpenSSH client) is not installed")

RELEASER = "giulia.bianchi@lumen.example"
IDENTITY = {
    f"GIT_{who}_{what}": value
    for who in ("AUTHOR", "COMMITTER")
    for what, value in (("NAME", "Giulia Bianchi"), ("EMAIL", RELEASER))
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **IDENTITY}).stdout


def keygen(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
                   check=True)
    return key


def members(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [i.filename for i in archive.infolist()]


@pytest.fixture
def project(tmp_path: Path, git_env: Path) -> Path:
    root = write_project(tmp_path / "project")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("releaser", "mallory")}


@pytest.fixture
def trusted(tmp_path: Path, keys: dict[str, Path]) -> Path:
    path = tmp_path / "trusted_signers"
    public = keys["releaser"].with_name("releaser.pub").read_text(encoding="utf-8")
    path.write_text(f"{RELEASER} {public}", encoding="utf-8")
    return path


def test_export_signs_the_manifest_and_changes_nothing_else(project, tmp_path, keys) -> None:
    plain = export(project, out=tmp_path / "plain")
    signed = export(project, out=tmp_path / "signed", signing_key=str(keys["releaser"]))
    assert plain.package.signature is None and plain.signed_by is None
    assert members(signed.package.data) == [MANIFEST, SIGNATURE, *members(plain.package.data)[1:]]
    assert signed.package.id == plain.package.id  # the id names the manifest: unchanged
    assert signed.package.manifest_bytes == plain.package.manifest_bytes
    assert signed.package.files == plain.package.files
    public = keys["releaser"].with_name("releaser.pub").read_text().split()[1]
    from studio.core.signatures import fingerprint

    assert signed.signed_by == fingerprint(public) == signed.as_json()["signed_by"]
    # Ed25519 signatures are deterministic: the same commit and key give the same bytes.
    again = export(project, out=tmp_path / "again", signing_key=str(keys["releaser"]))
    assert again.package.data == signed.package.data
    # The signature travels with the package and verifies against the manifest.
    read = read_package(signed.path.read_bytes())
    assert read.signature == signed.package.signature


def test_export_signs_with_gits_ssh_signing_key(project, tmp_path, keys, trusted) -> None:
    git(project, "config", "gpg.format", "ssh")
    git(project, "config", "user.signingkey", str(keys["releaser"]))
    done = export(project, out=tmp_path / "out")
    package = read_package(done.path.read_bytes())
    assert package_signer(package.manifest_bytes, package.signature, trusted) == RELEASER


def test_a_package_altered_and_rehashed_after_export_is_refused(project, tmp_path, keys,
                                                                 trusted) -> None:
    genuine = export(project, out=tmp_path / "out", signing_key=str(keys["releaser"])).package
    files = dict(genuine.files)
    files["blocks/legal/privacy.md"] += b"\nI tuoi dati saranno venduti a terzi.\n"
    manifest = json.loads(genuine.manifest_bytes)
    manifest["files"]["blocks/legal/privacy.md"] = {
        "sha256": hashlib.sha256(files["blocks/legal/privacy.md"]).hexdigest(),
        "size": len(files["blocks/legal/privacy.md"]),
    }
    tampered = read_package(package_from(manifest, files, genuine.signature).data)  # consistent
    with pytest.raises(ProvenanceError) as refused:
        package_signer(tampered.manifest_bytes, tampered.signature, trusted)
    assert refused.value.problem.path == SIGNATURE
    assert "does not verify" in refused.value.problem.message
    # Re-signed by a key the server does not trust.
    resigned = export(project, out=tmp_path / "m", signing_key=str(keys["mallory"])).package
    with pytest.raises(ProvenanceError, match="not signed by a trusted key"):
        package_signer(resigned.manifest_bytes, resigned.signature, trusted)
    with pytest.raises(ProvenanceError, match="the package is not signed"):
        package_signer(genuine.manifest_bytes, None, trusted)
    assert package_signer(genuine.manifest_bytes, genuine.signature, trusted) == RELEASER


def test_evidence_must_cover_the_regulatory_blocks(project, tmp_path) -> None:
    package = export(project, out=tmp_path / "out").package
    folder = tmp_path / "extracted"
    for name, data in package.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    loaded = load_project(folder)
    [problem] = evidence_problems(loaded, package.manifest)
    assert problem.path == "blocks/legal/privacy.md"
    assert "regulatory block legal/privacy" in problem.message and "pending" in problem.message
    # Evidence that claims an approval of the packaged version covers it...
    blob = git_blob_id((folder / "blocks/legal/privacy.md").read_bytes())
    assert blob == git(project, "rev-parse", "HEAD:blocks/legal/privacy.md").strip()
    approved = {**package.manifest, "signoffs": [{
        "block": "legal/privacy", "blob": blob, "state": "approved",
        "records": [{"blob": blob, "decision": "approve"}]}]}
    assert evidence_problems(loaded, approved) == []
    # ...but not once the file differs from the version approved.
    privacy = folder / "blocks/legal/privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "Altro testo.\n", encoding="utf-8")
    [problem] = evidence_problems(load_project(folder), approved)
    assert "another version than the packaged file" in problem.message


def test_trusted_signers_file_problems(tmp_path, trusted) -> None:
    assert trusted_signers_problems(trusted) == (1, [])
    bad = tmp_path / "bad"
    bad.write_text("someone@example.com ssh-ed25519\n", encoding="utf-8")
    count, [problem] = trusted_signers_problems(bad)
    assert (count, problem.path, problem.line) == (0, str(bad), 1)
    assert "cannot read" in trusted_signers_problems(tmp_path / "missing")[1][0].message


def test_the_cli_says_whether_the_package_is_signed(project, tmp_path, keys, capsys) -> None:
    from studio.cli import main

    assert main(["export", str(project), "--out", str(tmp_path / "a")]) == 0
    assert "manifest not signed" in capsys.readouterr().out
    assert main(["export", str(project), "--out", str(tmp_path / "b"),
                 "--signing-key", str(keys["releaser"])]) == 0
    out = capsys.readouterr().out
    public = keys["releaser"].with_name("releaser.pub").read_text().split()[1]
    from studio.core.signatures import fingerprint

    assert f"manifest signed with key {fingerprint(public)}" in out
    assert main(["export", str(project), "--out", str(tmp_path / "c"),
                 "--signing-key", str(tmp_path / "no-such-key")]) == 1
    assert "the signing key file does not exist" in capsys.readouterr().err
