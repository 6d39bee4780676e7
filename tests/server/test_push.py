"""`missiva export` to url: targets — pushed over real HTTP to a real server on loopback."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from studio.cli import main as missiva
from studio.core.export import export, push
from studio.core.problems import ProblemError
from tests.conftest import edit
from tests.server.conftest import TOKEN, Running, free_port, git


def with_targets(root: Path, targets: str) -> None:
    """Replace the sample's targets: section (up to the next top-level key) with TARGETS."""
    path = root / "studio.yaml"
    text = path.read_text(encoding="utf-8")
    replaced = re.sub(r"(?ms)^targets:.*?(?=^\S|\Z)", targets.rstrip("\n") + "\n", text)
    assert replaced != text
    path.write_text(replaced, encoding="utf-8")
    git(root, "commit", "-q", "-am", "Targets")


@pytest.fixture
def project(lumen: Path, tmp_path: Path) -> Path:
    """A fresh clone of the committed sample, so each test edits its own studio.yaml."""
    root = tmp_path / "lumen"
    git(tmp_path, "clone", "-q", str(lumen), str(root))
    return root


def test_export_to_a_url_target_uploads_and_activates(
    project: Path, server: Running, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_targets(project, f"targets:\n  test: {{url: '{server.url}', token_env: LUMEN_TOKEN}}")
    monkeypatch.setenv("LUMEN_TOKEN", TOKEN)
    assert missiva(["export", str(project), "--target", "test", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["commit"] == git(project, "rev-parse", "HEAD").strip()
    assert shown["activated"] is True and shown["path"] is None and shown["sha256"]
    with server.client() as client:
        assert client.get("/v1/packages").json()["active"] == shown["id"]
    assert "LUMEN_TOKEN" in (project / "studio.yaml").read_text()
    assert TOKEN not in (project / "studio.yaml").read_text()


def test_refusals_are_reported_with_the_servers_message(
    project: Path, server: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_targets(project, f"targets:\n  test: {{url: '{server.url}/', token_env: LUMEN_TOKEN}}")
    monkeypatch.setenv("LUMEN_TOKEN", "not-the-token")
    with pytest.raises(ProblemError) as refused:
        export(project, target="test")
    message = refused.value.problem.message
    assert "test refused the package: 401" in message and "the token is not valid" in message
    monkeypatch.delenv("LUMEN_TOKEN")
    with pytest.raises(ProblemError, match="LUMEN_TOKEN .* is not set"):
        export(project, target="test")


def test_the_gate_applies_before_anything_is_sent(
    project: Path, server: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_targets(project, f"targets:\n  production: {{url: '{server.url}', "
                          "token_env: LUMEN_TOKEN, requires_approval: true}")
    monkeypatch.setenv("LUMEN_TOKEN", TOKEN)
    with server.client() as client:
        before = client.get("/v1/packages").json()
    with pytest.raises(ProblemError, match="export to production refused: not approved"):
        export(project, target="production")
    with server.client() as client:
        assert client.get("/v1/packages").json() == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{url: 'https://r.example', token: abc}", "tokens never go in the project"),
        ("{url: 'http://render.example', token_env: X}", "plain http"),
        ("{url: 'ftp://render.example', token_env: X}", "not an http"),
        ("{url: 'https://r.example'}", "needs token_env"),
        ("{}", "needs either path: or url:"),
    ],
)
def test_bad_targets(project: Path, target: str, message: str,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X", raising=False)
    with_targets(project, f"targets:\n  t: {target}")
    with pytest.raises(ProblemError, match=message) as refused:
        export(project, target="t")
    # at the target's line of studio.yaml, where an editor takes the reader
    lines = (project / "studio.yaml").read_text(encoding="utf-8").splitlines()
    problem = refused.value.problem
    assert problem.path == "studio.yaml" and lines[problem.line - 1].startswith("  t: ")


def test_path_target_and_out(project: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    with_targets(project, "targets:\n  archive: {path: ../archive}")
    assert missiva(["export", str(project), "--target", "archive", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    written = Path(shown["path"])
    assert written.resolve().parent == (project.parent / "archive").resolve()
    assert missiva(["export", str(project), "--out", str(tmp_path / "out"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["sha256"] == shown["sha256"]
    assert Path(again["path"]).read_bytes() == written.read_bytes()
    edit(project, "blocks/common/greeting.md", "Gentile", "Caro")
    assert missiva(["export", str(project), "--out", str(tmp_path / "out")]) == 1
    assert "uncommitted changes" in capsys.readouterr().err
    assert missiva(["export", str(project), "--rev", "HEAD", "--out", str(tmp_path / "o2"),
                    "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sha256"] == shown["sha256"]


# Retries, against a real HTTP server that fails on purpose -------------------------------


class Flaky(BaseHTTPRequestHandler):
    """Answers 503 to the first `failures` requests, then 201 with an id (and 200 for
    activation); records every path it was sent."""

    failures = 2
    seen: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        Flaky.seen.append(self.path)
        if len(Flaky.seen) <= Flaky.failures:
            self.send_response(503)
            body = json.dumps({"problem": {"message": "warming up"}}).encode()
        else:
            self.send_response(201)
            body = json.dumps({"id": "f" * 64}).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    Flaky.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_5xx_answers_are_retried_with_backoff(flaky: str) -> None:
    waits: list[float] = []
    package_id = push(flaky, b"PK", "t", attempts=4, backoff=0.5, sleep=waits.append)
    assert package_id == "f" * 64
    assert Flaky.seen == ["/v1/packages"] * 3 + [f"/v1/packages/{'f' * 64}/activate"]
    assert waits == [0.5, 1.0]


def test_give_up_after_the_attempts(flaky: str) -> None:
    Flaky.failures = 10
    try:
        waits: list[float] = []
        with pytest.raises(ProblemError, match="after 3 attempt.*503 warming up"):
            push(flaky, b"PK", "t", attempts=3, sleep=waits.append)
        assert waits == [0.5, 1.0] and len(Flaky.seen) == 3
    finally:
        Flaky.failures = 2


def test_connection_errors_are_retried() -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    waits: list[float] = []
    with pytest.raises(ProblemError, match="after 4 attempt.*ConnectError"):
        push(closed, b"PK", "t", attempts=4, backoff=0.1, sleep=waits.append)
    assert waits == [0.1, 0.2, 0.4]
