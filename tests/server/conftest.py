"""The real rendering server, started as `missiva serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, SAMPLE

TOKEN = "test-token-0123456789"
# The sample's approver: a server target without the gate is only in force when an approver
# adds it (studio/core/ledger.py), and these tests add their own.
IDENTITY = {
    f"GIT_{who}_{what}": value
    for who in ("AUTHOR", "COMMITTER")
    for what, value in (("NAME", "Giulia Bianchi"),
                        ("EMAIL", "giulia.bianchi@lumen-energia.example"))
}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env
    ).stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Running:
    url: str
    store: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, token: str | None = TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(store: Path, *extra: str, token: str = TOKEN) -> Running:
    port = free_port()
    log = store.parent / f"serve-{port}.log"
    env = {**os.environ, "MISSIVA_TOKEN": token}
    command = [sys.executable, "-m", "studio.cli", "serve", "--store", str(store),
               "--port", str(port), "--workers", "1", *extra]
    with log.open("wb") as stream:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=stream,
                                   stderr=subprocess.STDOUT)
    running = Running(f"http://127.0.0.1:{port}", store, process, log)
    deadline = time.monotonic() + 120  # a readiness wait, not a timing assertion
    while True:
        if process.poll() is not None:
            raise AssertionError(f"missiva serve exited: {log.read_text()}")
        try:
            if httpx.get(f"{running.url}/v1/health", timeout=5).status_code == 200:
                return running
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            running.stop()
            raise AssertionError(f"missiva serve did not answer: {log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def lumen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project copied into its own git repository, committed."""
    root = tmp_path_factory.mktemp("lumen") / "lumen"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server for a test module, with small limits so hostile packages are cheap to make."""
    store = tmp_path_factory.mktemp("server") / "store"
    running = start_server(store, "--max-package-mb", "1", "--max-member-mb", "0.5",
                           "--max-members", "300", "--max-batch-records", "50")
    yield running
    running.stop()
