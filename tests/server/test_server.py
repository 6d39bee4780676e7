"""The rendering server, running for real: every endpoint, auth, hostile packages, byte identity."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studio.cli import main as missiva
from studio.core.package import Package, build_package, package_from, read_package
from tests.conftest import REPO
from tests.server.conftest import TOKEN, Running, git, start_server

ENDPOINTS = [
    ("GET", "/v1/packages"),
    ("POST", "/v1/packages"),
    ("GET", "/v1/packages/" + "0" * 64),
    ("POST", "/v1/packages/" + "0" * 64 + "/activate"),
    ("POST", "/v1/render"),
    ("POST", "/v1/batch"),
]


@pytest.fixture(scope="module")
def package(lumen: Path) -> Package:
    return build_package(lumen, with_samples=True)


@pytest.fixture(scope="module")
def active(server: Running, package: Package) -> str:
    """The sample package uploaded and active."""
    with server.client() as client:
        assert client.post("/v1/packages", content=package.data).status_code == 201
        assert client.post(f"/v1/packages/{package.id}/activate").status_code == 200
    return package.id


def record(lumen: Path, sample: str = "typical") -> dict:
    return json.loads((lumen / "data" / "samples" / f"{sample}.json").read_text("utf-8"))


def test_health_and_openapi_need_no_token(server: Running) -> None:
    with server.client(token=None) as client:
        health = client.get("/v1/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        spec = client.get("/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item}
    for method, path in ENDPOINTS:
        template = path.replace("0" * 64, "{id}")
        assert (method, template) in documented
    assert ("GET", "/v1/health") in documented


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_auth_failures(server: Running, method: str, path: str) -> None:
    for token, message in ((None, "bearer token is required"), ("wrong", "not valid")):
        with server.client(token=token) as client:
            response = client.request(method, path, content=b"{}")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert message in response.json()["problem"]["message"]
    with server.client(token=None) as client:
        response = client.request(method, path, headers={"Authorization": f"Basic {TOKEN}"})
    assert response.status_code == 401


def test_package_lifecycle(tmp_path: Path, package: Package, lumen: Path) -> None:
    running = start_server(tmp_path / "store", "--workers", "0")  # renders in a thread
    try:
        with running.client() as client:
            assert client.get("/v1/packages").json() == {"active": None, "packages": []}
            refused = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                      "data": record(lumen)})
            assert refused.status_code == 409 and refused.json()["field"] == "package"

            created = client.post("/v1/packages", content=package.data,
                                  headers={"Content-Type": "application/zip"})
            assert created.status_code == 201
            assert created.json()["id"] == package.id and created.json()["created"] is True
            assert created.json()["commit"] == package.commit
            again = client.post("/v1/packages", content=package.data)
            assert again.status_code == 201 and again.json()["created"] is False

            listed = client.get("/v1/packages").json()
            assert listed["active"] is None
            [entry] = listed["packages"]
            assert entry["id"] == package.id and entry["active"] is False
            assert entry["templates"]["otp"]["channels"] == ["sms"]
            manifest = client.get(f"/v1/packages/{package.id}").json()
            assert manifest == json.loads(package.manifest_bytes)

            by_id = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                    "data": record(lumen),
                                                    "package": package.id})
            assert by_id.status_code == 200

            assert client.post("/v1/packages/" + "f" * 64 + "/activate").status_code == 404
            assert client.post("/v1/packages/nope/activate").status_code == 404
            assert client.get("/v1/packages/" + "f" * 64).status_code == 404
            activated = client.post(f"/v1/packages/{package.id}/activate")
            assert activated.json() == {"active": package.id}
            assert client.get("/v1/packages").json()["packages"][0]["active"] is True
            assert client.get("/v1/nothing-here").status_code == 404
        # The store, as documented: one folder per package id, the active id in `active`.
        store = running.store
        assert (store / "active").read_text().strip() == package.id
        folder = store / "packages" / package.id
        assert (folder / "manifest.json").read_bytes() == package.manifest_bytes
        for name, content in package.files.items():
            assert (folder / name).read_bytes() == content
        assert list((store / "tmp").iterdir()) == []
    finally:
        running.stop()


def test_two_instances_share_one_store(tmp_path: Path, package: Package, lumen: Path) -> None:
    store = tmp_path / "store"
    first, second = start_server(store), start_server(store)
    try:
        with first.client() as client:
            assert client.post("/v1/packages", content=package.data).status_code == 201
            assert client.post(f"/v1/packages/{package.id}/activate").status_code == 200
        with second.client() as client:
            assert client.get("/v1/packages").json()["active"] == package.id
            answer = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                     "data": record(lumen)})
            assert answer.status_code == 200
            assert answer.headers["x-missiva-package"] == package.id
    finally:
        first.stop()
        second.stop()


def missiva_render(root: Path, out: Path, template: str, channel: str, locale: str) -> bytes:
    target = out / f"{template}.{channel}.{locale}"
    assert missiva(["render", str(root), template, "--channel", channel, "--sample", "typical",
                    "--locale", locale, "-o", str(target)]) == 0
    return target.read_bytes()


def test_output_is_byte_identical_to_missiva_render(
    server: Running, active: str, lumen: Path, package: Package, tmp_path: Path
) -> None:
    media = {"print": "application/pdf", "email": "message/rfc822",
             "mobile": "text/html; charset=utf-8", "sms": "text/plain; charset=utf-8"}
    data = record(lumen)
    seen = set()
    with server.client() as client:
        for template, entry in package.manifest["templates"].items():
            for channel in entry["channels"]:
                for locale in ("it", "en"):
                    answer = client.post("/v1/render", json={
                        "template": template, "channel": channel, "data": data,
                        "locale": locale})
                    assert answer.status_code == 200, answer.text
                    assert answer.headers["content-type"] == media[channel]
                    expected = missiva_render(lumen, tmp_path, template, channel, locale)
                    assert answer.content == expected, (template, channel, locale)
                    facts = json.loads(answer.headers["x-missiva-facts"])
                    if channel == "print":
                        assert answer.content.startswith(b"%PDF") and facts["pages"] >= 1
                    seen.add(channel)
    assert seen == {"print", "email", "mobile", "sms"}


def test_bad_requests_and_records(server: Running, active: str, lumen: Path) -> None:
    good = record(lumen)
    broken_customer = {**good, "customer": {**good["customer"]}}
    del broken_customer["customer"]["name"]
    wrong_type = {**good, "invoice": {**good["invoice"], "total": "a lot"}}
    cases = [
        ({"template": "bill", "channel": "print", "data": broken_customer}, 422,
         "data.customer.name"),
        ({"template": "bill", "channel": "sms", "data": good}, 422, "channel"),
        ({"template": "nope", "channel": "sms", "data": good}, 422, "template"),
        ({"template": "otp", "channel": "fax", "data": good}, 422, "channel"),
        ({"template": "otp", "channel": "sms", "data": good, "locale": "fr"}, 422, "locale"),
        ({"template": "otp", "channel": "sms", "data": [1, 2]}, 422, "data"),
        ({"template": "otp", "channel": "sms"}, 422, "data"),
        ({"template": "otp", "channel": "sms", "data": good, "package": "f" * 64}, 404,
         "package"),
    ]
    with server.client() as client:
        for body, status, field in cases:
            answer = client.post("/v1/render", json=body)
            assert answer.status_code == status, (body, answer.text)
            assert answer.headers["content-type"] == "application/json"
            assert answer.json()["field"] == field, answer.json()
            problem = answer.json()["problem"]
            assert set(problem) == {"path", "line", "col", "severity", "message"}
        typed = client.post("/v1/render", json={"template": "bill", "channel": "print",
                                                "data": wrong_type})
        assert typed.status_code == 422
        assert typed.json()["field"].startswith("data.invoice")
        assert "'a lot' is not of type 'number'" in typed.json()["problem"]["message"]
        not_json = client.post("/v1/render", content=b'{"template": ')
        assert not_json.status_code == 400 and "not JSON" in not_json.json()["problem"]["message"]
        assert client.post("/v1/render", json=[1]).status_code == 400


def test_a_template_error_names_file_and_line(
    server: Running, tmp_path: Path, git_env: Path
) -> None:
    from tests.conftest import BASE_RECORD, write_project

    root = write_project(tmp_path / "p", {"blocks/amount.md": """
        ---
        title: Amount
        ---
        Importo: {{ invoice.total | currency }}.
        {{ customer.name | nosuchfilter }}
    """})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    broken = build_package(root)
    with server.client() as client:
        assert client.post("/v1/packages", content=broken.data).status_code == 201
        answer = client.post("/v1/render", json={"template": "letter", "channel": "sms",
                                                 "data": BASE_RECORD, "package": broken.id})
    assert answer.status_code == 422
    problem = answer.json()["problem"]
    assert problem["path"] == "blocks/amount.md" and problem["line"] == 5, problem


def test_batch_ndjson_and_zip(server: Running, active: str, lumen: Path) -> None:
    good, english = record(lumen), record(lumen, "english")
    nameless = {**good, "customer": {k: v for k, v in good["customer"].items() if k != "name"}}
    lines = [
        json.dumps({"data": good, "id": "a"}),
        json.dumps({"data": nameless, "id": "b"}),
        "not json",
        "",
        json.dumps({"data": english, "locale": "en", "id": "c"}),
        json.dumps({"template": "bill", "channel": "print", "data": good, "id": "d"}),
    ]
    body = ("\n".join(lines) + "\n").encode()
    with server.client() as client:
        single = client.post("/v1/render", json={"template": "otp", "channel": "sms",
                                                 "data": good})
        answer = client.post("/v1/batch", params={"template": "otp", "channel": "sms"},
                             content=body, headers={"Content-Type": "application/x-ndjson"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/x-ndjson")
        results = [json.loads(line) for line in answer.text.splitlines()]
        assert [r["line"] for r in results] == [1, 2, 3, 5, 6]
        assert [r["ok"] for r in results] == [True, False, False, True, True]
        assert [r.get("id") for r in results] == ["a", "b", None, "c", "d"]
        assert base64.b64decode(results[0]["content_base64"]) == single.content
        assert results[1]["status"] == 422 and results[1]["field"] == "data.customer.name"
        assert results[1]["problem"]["path"] == "(batch)" and results[1]["problem"]["line"] == 2
        assert results[2]["status"] == 400 and results[2]["problem"]["line"] == 3
        assert results[3]["locale"] == "en" and results[3]["facts"]["segments"] >= 1
        assert base64.b64decode(results[4]["content_base64"]).startswith(b"%PDF")

        zipped = client.post("/v1/batch", params={"template": "otp", "channel": "sms"},
                             content=body, headers={"Accept": "application/zip"})
        assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
            index = [json.loads(x) for x in archive.read("results.ndjson").splitlines()]
            assert [r["ok"] for r in index] == [True, False, False, True, True]
            assert archive.read(index[0]["file"]) == single.content
            assert archive.read(index[4]["file"]).startswith(b"%PDF")
            assert "content_base64" not in index[0]

        too_many = client.post("/v1/batch", params={"template": "otp", "channel": "sms"},
                               content=(json.dumps({"data": good}) + "\n").encode() * 51)
        assert too_many.status_code == 413
        unknown = client.post("/v1/batch", params={"package": "f" * 64}, content=body)
        assert unknown.status_code == 404


# Hostile packages -------------------------------------------------------------------------


def rebuilt(package: Package, extra: list[tuple[str, bytes, int]], *, listed: bool = True,
            drop: str | None = None, alter: str | None = None) -> bytes:
    """The package with extra members (name, content, mode), listed in its manifest or not."""
    manifest = json.loads(package.manifest_bytes)
    if listed:
        for name, content, _ in extra:
            manifest["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                       "size": len(content)}
    base = package_from(manifest, {k: v for k, v in package.files.items() if k != drop}).data
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            if info.filename == alter:
                content = content + b"\nIgnora le istruzioni precedenti.\n"
            archive.writestr(info, content)
        for name, content, mode in extra:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


REGULAR = stat.S_IFREG | 0o644


def hostile_packages(package: Package) -> dict[str, tuple[bytes, int, str]]:
    many = [(f"assets/f{i}.txt", b"x", REGULAR) for i in range(300)]
    manifest = json.loads(package.manifest_bytes)
    manifest["format"] = "one"
    return {
        "traversal": (rebuilt(package, [("../../escaped.txt", b"pwned", REGULAR)]), 422,
                      "traversal"),
        "traversal-inside": (rebuilt(package, [("assets/../../../escaped.txt", b"x", REGULAR)]),
                             422, "traversal"),
        "absolute": (rebuilt(package, [("/tmp/escaped-missiva.txt", b"x", REGULAR)]), 422,
                     "absolute"),
        "symlink": (rebuilt(package, [("assets/passwd", b"/etc/passwd",
                                       stat.S_IFLNK | 0o777)]), 422, "symbolic link"),
        "hash-mismatch": (rebuilt(package, [], alter="blocks/legal/privacy.md"), 422,
                          "SHA-256"),
        "unlisted-member": (rebuilt(package, [("assets/extra.png", b"x", REGULAR)],
                                    listed=False), 422, "not listed"),
        "missing-member": (rebuilt(package, [], drop="templates/otp.yaml"), 422, "missing"),
        "malformed-manifest": (package_from(manifest, package.files).data, 422,
                               "unsupported package format"),
        "not-a-manifest": (rebuilt(package, [("manifest.json", b"{", REGULAR)], listed=False),
                           422, "twice"),
        "non-zip": (b"%PDF-1.7\n" + os.urandom(2000), 422, "not a zip"),
        "oversized-package": (os.urandom(1024 * 1024 + 10), 413, "over the limit"),
        "oversized-member": (rebuilt(package, [("assets/bomb.png", b"\0" * (600 * 1024),
                                                REGULAR)]), 413, "over the limit"),
        "too-many-members": (rebuilt(package, many), 413, "members"),
    }


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_hostile_packages_are_refused_and_nothing_is_written(
    tmp_path: Path, package: Package
) -> None:
    sandbox = tmp_path / "sandbox"
    store = sandbox / "deep" / "store"
    store.mkdir(parents=True)
    running = start_server(store, "--max-package-mb", "1", "--max-member-mb", "0.5",
                           "--max-members", "300")
    try:
        before = _files_under(sandbox) - {running.log}
        with running.client() as client:
            for kind, (data, status, message) in hostile_packages(package).items():
                answer = client.post("/v1/packages", content=data)
                assert answer.status_code == status, (kind, answer.text)
                assert message in answer.json()["problem"]["message"], (kind, answer.json())
            assert client.get("/v1/packages").json()["packages"] == []
        after = _files_under(sandbox) - {running.log}
        assert after == before, sorted(map(str, after - before))
        assert not Path("/tmp/escaped-missiva.txt").exists()
        assert list((store / "packages").iterdir()) == []
        assert list((store / "tmp").iterdir()) == []
    finally:
        running.stop()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_each_hostile_kind_fails_the_reader_too(package: Package) -> None:
    from studio.core.package import Limits, PackageError

    limits = Limits(max_package_bytes=1 << 20, max_member_bytes=600 * 1024 - 1, max_members=300)
    for kind, (data, _, message) in hostile_packages(package).items():
        with pytest.raises(PackageError, match=message):
            read_package(data, limits)
        assert kind


def test_serve_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MISSIVA_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "studio.cli", "serve", "--store",
                           str(tmp_path / "store"), "--port", "0"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "MISSIVA_TOKEN is not set" in done.stderr and "Traceback" not in done.stderr


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(p) for p in (task / "children").read_text().split()]
    return children


def _render_workers(server_pid: int) -> list[int]:
    """The server's worker processes: spawned (their command line runs spawn_main), or forked
    by the fork server the server started (jobs.worker_context)."""
    workers: list[int] = []
    for pid in _children(server_pid):
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"spawn_main" in command:
            workers.append(pid)
        elif b"multiprocessing.forkserver" in command:
            workers += _children(pid)
    return workers


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_dead_worker_is_replaced(tmp_path: Path, package: Package, lumen: Path) -> None:
    import signal

    running = start_server(tmp_path / "store")
    try:
        body = {"template": "otp", "channel": "sms", "data": record(lumen),
                "package": package.id}
        with running.client() as client:
            assert client.post("/v1/packages", content=package.data).status_code == 201
            assert client.post("/v1/render", json=body).status_code == 200
            [worker] = _render_workers(running.process.pid)
            os.kill(worker, signal.SIGKILL)
            statuses = [client.post("/v1/render", json=body).status_code for _ in range(2)]
            assert statuses in ([503, 200], [200, 200])  # the pool may notice before the call
            assert client.post("/v1/render", json=body).status_code == 200
            assert worker not in _render_workers(running.process.pid)
    finally:
        running.stop()


def _gone(pids: list[int]) -> bool:
    """Whether the processes have exited (waiting up to 30 s: a readiness wait, no timing)."""
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()
                 and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_no_worker_outlives_the_server(tmp_path: Path, package: Package, lumen: Path,
                                       how: str) -> None:
    running = start_server(tmp_path / "store", "--workers", "2")
    try:
        with running.client() as client:
            assert client.post("/v1/packages", content=package.data).status_code == 201
            body = "\n".join(json.dumps({"data": record(lumen)}) for _ in range(6)).encode()
            answer = client.post("/v1/batch", params={"template": "otp", "channel": "sms",
                                                      "package": package.id}, content=body)
            assert all(json.loads(x)["ok"] for x in answer.text.splitlines())
        workers = _render_workers(running.process.pid)
        assert workers
        getattr(running.process, how)()
        running.process.wait(60)
        assert _gone(workers)
    finally:
        running.stop()


def test_send_date_of_a_request_dates_the_email_as_missiva_render_does(
    server: Running, active: str, lumen: Path, tmp_path: Path
) -> None:
    import email
    import email.policy

    def parsed(content: bytes) -> email.message.EmailMessage:
        return email.message_from_bytes(content, policy=email.policy.default)

    data = record(lumen)
    target = tmp_path / "reminder.eml"
    assert missiva(["render", str(lumen), "payment-reminder", "--channel", "email", "--sample",
                    "typical", "--send-date", "2026-12-01", "-o", str(target)]) == 0
    with server.client() as client:
        answer = client.post("/v1/render", json={
            "template": "payment-reminder", "channel": "email", "data": data,
            "send_date": "2026-12-01"})
        assert answer.status_code == 200, answer.text
        assert answer.content == target.read_bytes()
        assert parsed(answer.content)["Date"] == "Tue, 01 Dec 2026 00:00:00 +0100"
        refused = client.post("/v1/render", json={
            "template": "payment-reminder", "channel": "email", "data": data,
            "send_date": "1 dicembre"})
        assert refused.status_code == 422 and refused.json()["field"] == "send_date"
        lines = [json.dumps({"data": data}), json.dumps({"data": data, "send_date": "2026-12-02"}),
                 json.dumps({"data": data, "send_date": "ieri"})]
        batch = client.post("/v1/batch", params={"template": "payment-reminder",
                                                 "channel": "email", "send_date": "2026-12-01"},
                            content=("\n".join(lines) + "\n").encode())
        results = [json.loads(line) for line in batch.text.splitlines()]
        assert [r["ok"] for r in results] == [True, True, False]
        first, second = (parsed(base64.b64decode(r["content_base64"])) for r in results[:2])
        assert base64.b64decode(results[0]["content_base64"]) == target.read_bytes()
        assert second["Date"] == "Wed, 02 Dec 2026 00:00:00 +0100"
        assert first["Message-ID"] != second["Message-ID"]
        assert results[2]["field"] == "send_date" and results[2]["status"] == 422
