"""The rendering server under hostile packages and requests: runaway templates end at their
budget while other requests are answered, SIGTERM ends the server whatever its workers do, and
hostile-but-well-formed input is a 4xx naming the field, never a 500."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from studio.core.package import Package, build_package, package_from
from tests.conftest import BASE_RECORD, BASE_SCHEMA, REPO, write_project
from tests.server.conftest import Running, git, start_server
from tests.server.test_server import rebuilt, record

RUNAWAY = {"blocks/greeting.md": (
    "---\ntitle: Greeting\n---\n"
    '{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}\n')}


def committed(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


@pytest.fixture(scope="module")
def clean(lumen: Path) -> Package:
    return build_package(lumen)


@pytest.fixture(scope="module")
def runaway(tmp_path_factory: pytest.TempPathFactory) -> Package:
    root = write_project(tmp_path_factory.mktemp("runaway") / "p", RUNAWAY)
    return build_package(committed(root))


def upload(running: Running, *packages: Package) -> None:
    with running.client() as client:
        for package in packages:
            assert client.post("/v1/packages", content=package.data).status_code in (200, 201)


def render_in_background(running: Running, package: Package,
                         results: list[httpx.Response | BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            with running.client() as client:
                results.append(client.post("/v1/render", json={
                    "template": "letter", "channel": "sms", "data": BASE_RECORD,
                    "package": package.id}))
        except BaseException as exc:  # noqa: BLE001 - the server going away, in the SIGTERM test
            results.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_server(tmp_path_factory.mktemp("bounded") / "store", "--workers", "2",
                           "--time-limit", "2")
    yield running
    running.stop()


def test_two_runaways_end_at_their_budget_and_others_are_answered(
    bounded: Running, clean: Package, runaway: Package, lumen: Path
) -> None:
    upload(bounded, clean, runaway)
    results: list[httpx.Response | BaseException] = []
    started = time.monotonic()
    threads = [render_in_background(bounded, runaway, results) for _ in range(2)]
    time.sleep(0.3)  # both runaways reach the workers first
    with bounded.client() as client:
        assert client.get("/v1/health").status_code == 200  # the server itself never waits
        normal = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                 "data": record(lumen), "package": clean.id})
    assert normal.status_code == 200, normal.text
    assert "Lumen" in normal.text
    for thread in threads:
        thread.join(60)
    # Each runaway is stopped at the 2 s budget: everything is over well before 2 × 2 s × 3.
    assert time.monotonic() - started < 12
    assert len(results) == 2
    for answer in results:
        assert isinstance(answer, httpx.Response)
        assert answer.status_code == 422
        problem = answer.json()["problem"]
        assert problem["message"] == "rendering took longer than 2 s"
        assert (problem["path"], problem["line"]) == ("blocks/greeting.md", 4)
    # The workers are free again.
    with bounded.client() as client:
        again = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                "data": record(lumen), "package": clean.id})
    assert again.status_code == 200


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_sigterm_ends_the_server_within_10_s_during_runaway_renders(
    tmp_path: Path, runaway: Package
) -> None:
    from tests.server.test_server import _gone, _render_workers

    # A budget far longer than the test: only the shutdown can end these renders.
    running = start_server(tmp_path / "store", "--workers", "2", "--time-limit", "600")
    try:
        upload(running, runaway)
        results: list[httpx.Response | BaseException] = []
        threads = [render_in_background(running, runaway, results) for _ in range(2)]
        time.sleep(1.0)  # both renders are running in the workers
        deadline = time.monotonic() + 30  # a readiness wait: the workers may still be starting
        while len(workers := _render_workers(running.process.pid)) < 2:
            assert time.monotonic() < deadline, workers
            time.sleep(0.1)
        assert len(workers) == 2
        started = time.monotonic()
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(30)
        assert time.monotonic() - started < 10
        assert _gone(workers)
        for thread in threads:
            thread.join(30)
    finally:
        running.stop()


# Hostile but well-formed input: 4xx naming the field, never 500 -------------------------------


def test_a_lone_surrogate_in_a_record_is_a_422_naming_the_field(
    bounded: Running, clean: Package, lumen: Path
) -> None:
    upload(bounded, clean)
    data = {**record(lumen)}
    data["customer"] = {**data["customer"], "name": "Mario \ud800"}
    body = json.dumps({"template": "otp", "channel": "sms", "data": data, "package": clean.id})
    with bounded.client() as client:
        answer = client.post("/v1/render", content=body.encode("ascii"))
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "data.customer.name"
        assert "lone surrogate" in answer.json()["problem"]["message"]
        line = json.dumps({"id": "x\ud800", "data": record(lumen)})
        batch = client.post("/v1/batch", params={"template": "otp", "channel": "sms",
                                                 "package": clean.id},
                            content=(line + "\n" + json.dumps({"data": data}) + "\n").encode())
    assert batch.status_code == 200
    first, second = (json.loads(x) for x in batch.text.splitlines())
    assert (first["status"], first["field"]) == (422, "id")
    assert (second["status"], second["field"]) == (422, "data.customer.name")


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


def test_data_nested_900_deep_is_a_422(bounded: Running, clean: Package, lumen: Path) -> None:
    upload(bounded, clean)
    data = {**record(lumen), "extra": nested(900)}
    with bounded.client() as client:
        answer = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                 "data": data, "package": clean.id})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "data"
        assert "nested deeper than 64 levels" in answer.json()["problem"]["message"]
        # Within the bound, a nested record goes on to the schema (which has no "extra").
        within = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                 "data": {**record(lumen), "extra": nested(40)},
                                                 "package": clean.id})
        assert within.status_code == 422, within.text
        assert "'extra' was unexpected" in within.json()["problem"]["message"]


def test_a_file_and_a_folder_of_the_same_name_is_a_422(bounded: Running, clean: Package) -> None:
    from tests.server.test_server import REGULAR

    data = rebuilt(clean, [("assets/logo", b"x", REGULAR), ("assets/logo/a.txt", b"y", REGULAR)])
    with bounded.client() as client:
        answer = client.post("/v1/packages", content=data)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problem"] == {
        "path": "assets/logo", "line": 0, "col": 0, "severity": "error",
        "message": "a file and a folder of the same name"}


def test_a_deeply_nested_schema_is_a_422(bounded: Running, tmp_path: Path) -> None:
    # export refuses a version with load errors: the package is made by hand, as an attacker
    # would make it.
    schema = {**BASE_SCHEMA, "$defs": {"deep": nested(500)}}
    base = build_package(committed(write_project(tmp_path / "p")))
    manifest = json.loads(base.manifest_bytes)
    deep_schema = json.dumps(schema).encode()
    files = {**base.files, "data/schema.json": deep_schema}
    manifest["files"]["data/schema.json"] = {"sha256": hashlib.sha256(deep_schema).hexdigest(),
                                             "size": len(deep_schema)}
    hostile = package_from(manifest, files)
    with bounded.client() as client:
        answer = client.post("/v1/packages", content=hostile.data)
    assert answer.status_code == 422, answer.text
    problem = answer.json()["problem"]
    assert problem["path"] == "data/schema.json"
    assert "nested deeper than 64 levels" in problem["message"]


def test_serve_refuses_a_short_token(tmp_path: Path) -> None:
    env = {**os.environ, "MISSIVA_TOKEN": "x" * 15}
    done = subprocess.run([sys.executable, "-m", "studio.cli", "serve", "--store",
                           str(tmp_path / "store"), "--port", "0"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "MISSIVA_TOKEN is 15 characters: a token must have at least 16" in done.stderr
    assert "Traceback" not in done.stderr
