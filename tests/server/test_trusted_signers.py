"""`missiva serve --trusted-signers`: the real server refuses packages it cannot trace to an
approved, signed export (tampered and re-hashed, unsigned, signed by someone else, sign-off
evidence short of the regulatory blocks) and accepts the genuine one."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.core.compliance import block_states, signoff
from studio.core.export import export
from studio.core.package import Package, package_from, read_package
from tests.conftest import REPO
from tests.server.conftest import Running, git, start_server

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                reason="ssh-keygen (OpenSSH client) is not installed")

RELEASER = "giulia.bianchi@lumen-energia.example"  # legal: an approver of the sample


@dataclass
class Setup:
    project: Path
    keys: dict[str, Path]
    trusted: Path
    store: Path
    plain_log: str  # what a server without --trusted-signers said at start
    unsigned: Package  # stored by that server


def keygen(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
                   check=True)
    return key


def rehashed(package: Package, path: str, extra: bytes, signature: bytes | None) -> bytes:
    """PACKAGE with PATH changed and the manifest re-hashed to match, as an attacker would."""
    files = dict(package.files)
    files[path] += extra
    manifest = json.loads(package.manifest_bytes)
    manifest["files"][path] = {"sha256": hashlib.sha256(files[path]).hexdigest(),
                               "size": len(files[path])}
    data = package_from(manifest, files, signature).data
    read_package(data)  # consistent with itself: only provenance can tell
    return data


@pytest.fixture(scope="module")
def setup(lumen: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    base = tmp_path_factory.mktemp("trusted")
    project = base / "lumen"
    git(base, "clone", "-q", str(lumen), str(project))
    keys = {name: keygen(base, name) for name in ("releaser", "mallory")}
    trusted = base / "trusted_signers"
    trusted.write_text(f"{RELEASER} {keys['releaser'].with_suffix('.pub').read_text()}",
                       encoding="utf-8")
    store = base / "store"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        unsigned = export(project, out=base / "unsigned").package
    plain = start_server(store, "--workers", "0")
    try:
        with plain.client() as client:
            assert client.post("/v1/packages", content=unsigned.data).status_code == 201
    finally:
        plain.stop()
    yield Setup(project, keys, trusted, store, plain.log.read_text(), unsigned)


@pytest.fixture(scope="module")
def server(setup: Setup) -> Iterator[Running]:
    running = start_server(setup.store, "--workers", "0", "--trusted-signers", str(setup.trusted))
    yield running
    running.stop()


def signed_export(setup: Setup, name: str, key: str = "releaser") -> Package:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        out = setup.project.parent / "packages" / name
        return export(setup.project, out=out, signing_key=str(setup.keys[key])).package


def approve_everything(setup: Setup) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        env.setenv("MISSIVA_AUTHOR_NAME", "Giulia Bianchi")
        env.setenv("MISSIVA_AUTHOR_EMAIL", RELEASER)
        for state in block_states(setup.project):
            if state.state != "approved":
                signoff(setup.project, state.block, "approve", "wording checked for release")


def test_without_the_option_the_server_says_it_checks_no_provenance(setup: Setup) -> None:
    assert "no --trusted-signers: packages are NOT checked" in setup.plain_log


def test_the_trusted_server_says_so_at_start(server: Running, setup: Setup) -> None:
    log = server.log.read_text()
    assert f"1 trusted signer key(s) in {setup.trusted}" in log
    assert "packages must be signed by a key of" in log


def test_a_package_stored_unsigned_is_not_activated(server: Running, setup: Setup) -> None:
    with server.client() as client:
        answer = client.post(f"/v1/packages/{setup.unsigned.id}/activate")
        assert answer.status_code == 403
        assert "the package is not signed" in answer.json()["problem"]["message"]
        answer = client.post("/v1/render", json={"package": setup.unsigned.id, "template": "bill",
                                                 "channel": "sms", "data": {}})
        assert answer.status_code == 403
        assert client.post("/v1/packages", content=setup.unsigned.data).status_code == 403


def test_signed_but_not_approved_is_refused_naming_the_block(server: Running,
                                                              setup: Setup) -> None:
    # The sample ships with regulatory blocks not approved at their current version (changed
    # since approval, or never approved).
    states = {s.block: s.state for s in block_states(setup.project)}
    assert set(states.values()) != {"approved"}
    package = signed_export(setup, "unapproved")
    with server.client() as client:
        answer = client.post("/v1/packages", content=package.data)
    assert answer.status_code == 403, answer.text
    problem = answer.json()["problem"]
    named = re.match(r"refused: regulatory block (\S+) \(template \S+\) is (\w+) at the "
                     r"exported commit: no approval covers it", problem["message"])
    assert named, problem["message"]
    assert problem["path"] == f"blocks/{named[1]}.md"
    assert states[named[1]] == named[2] != "approved"


def test_genuine_accepted_tampered_refused(server: Running, setup: Setup) -> None:
    approve_everything(setup)
    genuine = signed_export(setup, "genuine")
    with server.client() as client:
        answer = client.post("/v1/packages", content=genuine.data)
        assert answer.status_code == 201, answer.text
        assert answer.json()["signed_by"] == RELEASER
        assert client.post(f"/v1/packages/{genuine.id}/activate").status_code == 200
        record = json.loads((setup.project / "data/samples/typical.json").read_text())
        rendered = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                   "data": record})
        assert rendered.status_code == 200, rendered.text
        assert rendered.headers["x-missiva-package"] == genuine.id

        # Altered after export, every hash recomputed, the releaser's signature kept.
        sold = b"\nI tuoi dati possono essere ceduti a terzi.\n"
        tampered = rehashed(genuine, "blocks/legal/privacy.md", sold, genuine.signature)
        answer = client.post("/v1/packages", content=tampered)
        assert answer.status_code == 403
        problem = answer.json()["problem"]
        assert problem["path"] == "manifest.json.sig"
        assert "the signature does not verify" in problem["message"]
        assert "altered after it was signed" in problem["message"]

        # The same, signed again with a key the server does not trust.
        other = signed_export(setup, "mallory", key="mallory")
        answer = client.post("/v1/packages", content=rehashed(other, "blocks/legal/privacy.md",
                                                              sold, other.signature))
        assert answer.status_code == 403
        assert "not signed by a trusted key" in answer.json()["problem"]["message"]

        # And without a signature at all.
        answer = client.post("/v1/packages",
                             content=rehashed(genuine, "blocks/legal/privacy.md", sold, None))
        assert answer.status_code == 403
        assert "the package is not signed" in answer.json()["problem"]["message"]
        assert client.get("/v1/packages").json()["active"] == genuine.id


def test_a_broken_trusted_signers_file_stops_the_server(tmp_path: Path) -> None:
    broken = tmp_path / "trusted"
    broken.write_text("releaser@example.com ssh-ed25519\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "studio.cli", "serve", "--store", str(tmp_path / "store"),
         "--trusted-signers", str(broken)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "MISSIVA_TOKEN": "x" * 20},
    )
    assert done.returncode != 0
    assert f"{broken}:1:1" in done.stderr and "Traceback" not in done.stderr
