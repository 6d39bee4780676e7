"""Real git servers on 127.0.0.1 for tests: `git daemon` (git://) and `git http-backend` behind a
small HTTP server with basic auth (http://). Free ports from binding port 0; stopped on exit."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

USER = "alice"
PASSWORD = "s3cret-token"


def git_has(command: str) -> bool:
    """Whether this machine's git has COMMAND (some distributions ship git daemon apart)."""
    done = subprocess.run(["git", "--exec-path"], capture_output=True, text=True, check=False)
    return done.returncode == 0 and (Path(done.stdout.strip()) / f"git-{command}").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)  # a readiness poll of a child process, not a wait for a result
    return False


@contextmanager
def git_daemon(base: Path) -> Iterator[str]:
    """Serve the bare repositories under BASE at git://127.0.0.1:PORT/<name> (push enabled)."""
    for _attempt in range(5):
        port = free_port()
        process = subprocess.Popen(
            [
                "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
                f"--base-path={base}", "--listen=127.0.0.1", f"--port={port}", str(base),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_listening(port, process, time.monotonic() + 20):
            break
        process.kill()
        process.wait()
    else:
        raise RuntimeError("git daemon did not start")
    try:
        yield f"git://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _GitHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    root: Path

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        if not self._authorised():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="missiva test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self._body() if self.command == "POST" else b""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": USER,
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.root),
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        done = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve


@contextmanager
def git_http(base: Path) -> Iterator[str]:
    """Serve the bare repositories under BASE at http://127.0.0.1:PORT/<name>, basic auth."""
    handler = type("Handler", (_GitHandler,), {"root": base})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def credential_helper(gitconfig: Path, password: str = PASSWORD) -> None:
    """Configure git's credential helper in GITCONFIG (the tests' global config) to answer
    USER and PASSWORD: the way a designer's keychain would."""
    helper = f"!f() {{ echo username={USER}; echo password={password}; }}; f"
    subprocess.run(
        ["git", "config", "--file", str(gitconfig), "credential.helper", helper], check=True
    )
