"""/v1/batch on a Dask cluster (`missiva serve --scheduler`): the same partitions path as
`missiva batch` (its task, `render_partition`), with a real scheduler and two worker processes
on loopback."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from distributed import get_task_stream

from studio.core.package import build_package
from tests.server.conftest import start_server

CHANNELS = ("sms", "email", "print")


def test_batch_goes_to_the_cluster_in_partitions_with_the_same_bytes(
    tmp_path: Path, lumen: Path, cluster
) -> None:
    package = build_package(lumen)
    samples = ["typical", "english", "long-address", "non-gsm", "gold-customer", "no-email"]
    records = [json.loads((lumen / "data/samples" / f"{n}.json").read_text("utf-8"))
               for n in samples]
    lines = [json.dumps({"template": "payment-reminder", "channel": channel, "data": data,
                         "id": f"{channel}-{number}"})
             for channel in CHANNELS for number, data in enumerate(records)]
    body = ("\n".join(lines) + "\n").encode()
    answers = {}
    for name, extra in (("local", ()), ("dask", ("--scheduler", cluster.scheduler.address))):
        (tmp_path / name).mkdir()
        server = start_server(tmp_path / name / "store", *extra)
        try:
            with server.client() as client:
                assert client.post("/v1/packages", content=package.data).status_code == 201
                assert client.post(f"/v1/packages/{package.id}/activate").status_code == 200
                with get_task_stream(client=cluster) as stream:
                    answer = client.post("/v1/batch", content=body,
                                         headers={"Content-Type": "application/x-ndjson"})
                assert answer.status_code == 200
                answers[name] = [json.loads(line) for line in answer.text.splitlines()]
                ran = len({t["key"] for t in stream.data
                           if str(t["key"]).startswith("render_partition")})
        finally:
            server.stop()
        if name == "local":
            assert ran == 0  # without --scheduler the cluster is not used
        else:
            assert 1 < ran < len(lines)  # partitions, not one task a record
    local, dask = answers["local"], answers["dask"]
    assert [r["id"] for r in dask] == [r["id"] for r in local]  # input order kept
    assert all(r["ok"] for r in dask), [r.get("problem") for r in dask if not r["ok"]]
    for ours, theirs in zip(dask, local, strict=True):
        assert base64.b64decode(ours["content_base64"]) == base64.b64decode(
            theirs["content_base64"]), ours["id"]
    assert base64.b64decode(dask[-1]["content_base64"]).startswith(b"%PDF")
