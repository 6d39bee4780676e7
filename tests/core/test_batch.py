"""The production batch on a real Dask cluster: a scheduler and two worker processes on loopback.

Outputs are compared byte for byte with `missiva render`; a batch killed mid-run is restarted
and must finish without loss, duplicates or half-written files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import get_task_stream
from pypdf import PdfReader

from studio.cli import main
from studio.core.batch import (
    BatchSpec,
    Item,
    WorkerProblem,
    local_client,
    project_loads,
    project_version,
    render_partition,
    run_batch,
)
from studio.core.project import load_project
from tests.conftest import SAMPLE

# many-lines is left out: a long bill renders slowly and adds nothing here.
SAMPLES = ["typical", "no-email", "consent-withdrawn", "invalid-phone", "unknown-preference",
           "long-address", "non-gsm", "english", "gold-customer", "injection"]


def sample(name: str) -> dict:
    return json.loads((SAMPLE / "data" / "samples" / f"{name}.json").read_text(encoding="utf-8"))


def write_ndjson(path: Path, records: list, extra: list[str] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_of(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.ndjson").read_text().splitlines()]


def test_routed_batch_on_an_existing_cluster_matches_render(tmp_path, cluster, capsys):
    bad_schema = sample("typical")
    del bad_schema["invoice"]
    data = write_ndjson(tmp_path / "records.ndjson", [sample(n) for n in SAMPLES] + [bad_schema],
                        extra=["{not json"])
    out = tmp_path / "batch"
    address = cluster.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    code = main(["batch", str(SAMPLE), "payment-reminder", "--data", str(data), "--out", str(out),
                 "--routed", "--scheduler", address, "--quiet"])
    summary = capsys.readouterr().out
    assert code == 1  # two bad records, reported; the rest rendered
    rows = rows_of(out)
    good = [r for r in rows if r["ok"]]
    assert sorted((r["index"], r["channel"]) for r in good) == [
        (1, "email"), (2, "sms"), (3, "email"), (4, "email"), (5, "email"), (6, "print"),
        (7, "sms"), (8, "email"), (9, "email"), (10, "email")]
    bad = {r["index"]: r for r in rows if not r["ok"]}
    assert bad[11]["channel"] == "email"
    assert bad[11]["error"] == f"{data}:11:1: error: (record): 'invoice' is a required property"
    assert bad[12]["channel"] is None and bad[12]["error"].startswith(f"{data}:12:2: error: JSON")
    assert good[0]["id"].startswith("C") and all(r["id"] for r in good)

    # The same records through `missiva render`, channel by channel: the same bytes.
    for channel in ("print", "email", "sms"):
        rendered = tmp_path / f"render-{channel}"
        capsys.readouterr()
        main(["render", str(SAMPLE), "payment-reminder", "--channel", channel,
              "--data", str(data), "-o", str(rendered), "--json"])
        reported = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        if channel == "email":  # the bad record: the same problem, at the same place
            assert reported[10]["error"] == bad[11]["error"]
        for row in (r for r in good if r["channel"] == channel):
            produced = (out / row["file"]).read_bytes()
            assert produced == (rendered / row["file"]).read_bytes(), row["file"]
            assert hashlib.sha256(produced).hexdigest() == row["sha256"]
            if channel == "print":
                assert len(PdfReader(io.BytesIO(produced)).pages) == row["pages"]
    assert "print " in summary and "sms " in summary and "email " in summary


def test_print_stream_collates_by_postal_code(tmp_path, cluster):
    records = []
    for number, postal in enumerate(["50124", "00184", "20121", "10121", "00184"]):
        record = sample("typical")
        record["customer"]["id"] = f"C0000000{number:02d}"
        record["customer"]["address"]["postal_code"] = postal
        records.append(record)
    data = write_ndjson(tmp_path / "letters.ndjson", records)
    project = load_project(SAMPLE)
    result = run_batch(cluster, project, "payment-reminder", data, tmp_path / "out",
                       channel="print", print_stream=3)
    manifest = [json.loads(x) for x in (tmp_path / "out/print-stream.ndjson").read_text().splitlines()]
    assert manifest == result.stream
    # Ordered by postal code, then by record; each two-page letter is one duplex sheet.
    assert [(m["postal_code"], m["index"]) for m in manifest] == [
        ("00184", 2), ("00184", 5), ("10121", 4), ("20121", 3), ("50124", 1)]
    assert [m["file"] for m in manifest] == ["print-stream-0001.pdf"] * 3 + [
        "print-stream-0002.pdf"] * 2
    assert [(m["first_page"], m["last_page"], m["sheets"]) for m in manifest[:3]] == [
        (1, 2, 1), (3, 4, 1), (5, 6, 1)]
    stream = PdfReader(tmp_path / "out/print-stream-0001.pdf")
    assert len(stream.pages) == 6
    for entry in manifest[:3]:
        letter = PdfReader(tmp_path / "out" / entry["source"])
        assert stream.pages[entry["first_page"] - 1].extract_text() == \
            letter.pages[0].extract_text()
    assert "C000000001" in stream.pages[0].extract_text() or "00184" in \
        stream.pages[0].extract_text()


def test_records_travel_in_partitions_and_each_worker_loads_the_project_once(tmp_path):
    client = local_client(2)  # fresh workers: nothing loaded yet
    try:
        data = write_ndjson(tmp_path / "otp.ndjson", [sample("typical")] * 40)
        with get_task_stream(client) as stream:
            result = run_batch(client, load_project(SAMPLE), "otp", data, tmp_path / "out",
                               channel="sms", partition_size=4)
        loads = client.run(project_loads)
        tasks = [t["key"] for t in stream.data]
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    assert result.progress.renditions == 40
    assert sorted(loads.values()) in ([1, 1], [0, 1])  # once per worker that got work
    assert len(result.worker_peak_kib) == 2
    # Ten tasks of four records, not forty of one.
    assert len(tasks) == 10 and all(str(k).startswith("render_partition") for k in tasks)


def test_a_cut_last_row_is_redone_once(tmp_path, cluster):
    records = [sample(n) for n in ("typical", "no-email", "non-gsm", "english")]
    data = write_ndjson(tmp_path / "otp.ndjson", records)
    project = load_project(SAMPLE)
    out = tmp_path / "out"
    run_batch(cluster, project, "otp", data, out, channel="sms")
    results = out / "results.ndjson"
    whole = results.read_bytes()
    results.write_bytes(whole[: len(whole) - 40])  # a kill in the middle of a row
    (out / ".otp-sms-1.txt.tmp").write_bytes(b"half")  # and of a rendition
    again = run_batch(cluster, project, "otp", data, out, channel="sms")
    assert again.progress.renditions == 1 and again.progress.skipped == 3
    rows = rows_of(out)
    assert sorted(r["index"] for r in rows) == [1, 2, 3, 4]
    assert not list(out.glob(".*.tmp"))


def test_other_arguments_in_the_same_folder_are_refused(tmp_path, cluster, capsys):
    data = write_ndjson(tmp_path / "one.ndjson", [sample("typical")])
    out = tmp_path / "out"
    assert main(["batch", str(SAMPLE), "otp", "--data", str(data), "--out", str(out),
                 "--channel", "sms", "--scheduler", cluster.scheduler.address, "-q"]) == 0
    assert main(["batch", str(SAMPLE), "otp", "--data", str(data), "--out", str(out),
                 "--routed", "--scheduler", cluster.scheduler.address, "-q"]) == 2
    assert "holds a batch with other arguments (channel)" in capsys.readouterr().err


def test_a_killed_batch_resumes_without_loss_or_duplicates(tmp_path):
    records = []
    for number in range(24):
        record = sample("typical")
        record["customer"]["id"] = f"C0000001{number:02d}"
        records.append(record)
    data = write_ndjson(tmp_path / "many.ndjson", records)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "studio.cli", "batch", str(SAMPLE), "payment-reminder",
               "--data", str(data), "--out", str(out), "--channel", "print", "--workers", "2",
               "--partition-size", "1"]
    # Its own process group, so the kill takes the driver and its local cluster together.
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    results = out / "results.ndjson"
    try:
        while first.poll() is None:
            if results.exists() and results.read_text().count("\n") >= 4:
                os.killpg(first.pid, signal.SIGKILL)
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                first.wait(timeout=0.05)
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    before = results.read_bytes()
    done_before = before.count(b"\n")
    assert 4 <= done_before < 24

    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    after = results.read_bytes()
    # The first run's complete rows are untouched, and followed by the rest, once each.
    complete = before[: before.rfind(b"\n") + 1]
    assert after.startswith(complete)
    rows = rows_of(out)
    assert sorted(r["index"] for r in rows) == list(range(1, 25))
    assert all(r["ok"] for r in rows)
    kept = complete.count(b"\n")
    assert f"{kept} done by an earlier run, not redone" in second.stdout
    for row in rows:
        assert hashlib.sha256((out / row["file"]).read_bytes()).hexdigest() == row["sha256"]
    assert not list(out.glob(".*.tmp"))
    assert len(list(out.glob("*.pdf"))) == 24


def test_a_worker_without_the_project_says_so(tmp_path, cluster):
    spec = BatchSpec(str(tmp_path / "elsewhere"), "otp", "sms", None, "r.ndjson", "v1")
    future = cluster.submit(render_partition, spec, [], pure=False)
    with pytest.raises(WorkerProblem, match=r"no project at .*elsewhere; every worker needs"):
        future.result()


def test_render_partition_is_the_one_worker_task_for_batch_and_server(cluster):
    """What `missiva batch` and the server's /v1/render and /v1/batch send to a worker
    (tests/server/test_server_dask.py sees the server's task on the cluster): records as JSON
    text (an NDJSON line) or as values (a request's data), in process or on Dask; a refused
    record names the field at fault."""
    spec = BatchSpec(str(SAMPLE), "payment-reminder", "sms", "en", "request",
                     project_version(SAMPLE))
    nameless = sample("typical")
    del nameless["customer"]["name"]
    items = [Item(7, 7, json.dumps(sample("no-email")), ("sms",)),
             Item(8, 8, "{oops", ("sms",)),
             Item(9, 9, nameless, ("sms",)),
             Item(10, 10, sample("typical"), ("fax",))]
    letter = BatchSpec(str(SAMPLE), "payment-reminder", "print", None, "request",
                       project_version(SAMPLE))
    letters = [Item(11, 11, sample("long-address"), ("print",), "C1", "24015")]
    for produced in (render_partition(spec, items) + render_partition(letter, letters),
                     cluster.submit(render_partition, spec, items, pure=False).result()
                     + cluster.submit(render_partition, letter, letters, pure=False).result()):
        assert [(p.row["index"], p.row["ok"], p.field) for p in produced] == [
            (7, True, None), (8, False, None), (9, False, "data.customer.name"),
            (10, False, "channel"), (11, True, None)]
        sms, bad, refused, fax, pdf = produced
        assert sms.content.decode().startswith("Lumen Energia: bill no.")  # English, as asked
        assert sms.rendition.facts["segments"] >= 1
        assert bad.content is None and "JSON" in bad.row["error"] and bad.problem.line == 8
        assert (refused.problem.path, refused.problem.line) == ("request", 9)
        assert refused.problem.pointer == "/customer/name"
        assert "'name' is a required property" in refused.problem.message
        assert "'fax' is not a channel of payment-reminder" in fax.problem.message
        assert pdf.content.startswith(b"%PDF") and pdf.row["postal_code"] == "24015"
        assert pdf.row["sha256"] == hashlib.sha256(pdf.content).hexdigest()


def test_a_batch_keeps_its_send_date_when_resumed(tmp_path, cluster, capsys):
    import email
    import email.policy

    data = write_ndjson(tmp_path / "r.ndjson", [sample("typical"), sample("english")])
    out = tmp_path / "out"
    args = ["batch", str(SAMPLE), "payment-reminder", "--data", str(data), "--out", str(out),
            "--channel", "email", "--scheduler", cluster.scheduler.address, "-q"]
    assert main([*args, "--send-date", "2026-12-01"]) == 0
    assert json.loads((out / "batch.json").read_text())["send_date"] == "2026-12-01"
    first = (out / "payment-reminder-email-1.eml").read_bytes()
    # killed before the second record was written: resumed without --send-date (the next day,
    # say), the rest of the batch is still dated as the batch was
    results = out / "results.ndjson"
    [kept] = [line for line in results.read_text().splitlines() if json.loads(line)["index"] == 1]
    results.write_text(kept + "\n")
    (out / "payment-reminder-email-2.eml").unlink()
    assert main(args) == 0
    dates = {email.message_from_bytes((out / f"payment-reminder-email-{n}.eml").read_bytes(),
                                      policy=email.policy.default)["Date"] for n in (1, 2)}
    assert dates == {"Tue, 01 Dec 2026 00:00:00 +0100"}
    assert (out / "payment-reminder-email-1.eml").read_bytes() == first
    capsys.readouterr()
    assert main([*args, "--send-date", "2026-12-02"]) == 2
    assert "other arguments (send_date)" in capsys.readouterr().err
