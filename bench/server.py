#!/usr/bin/env python3
"""The rendering server through HTTP: single-record latency per channel, batch throughput.

    python3 bench/server.py [--quick] [--json-out FILE] [--workers 1,2]

For each worker count it starts the real `missiva serve --workers N` on a free loopback port
with a fresh store, uploads and activates the package of the bundled sample project (its
committed HEAD), then measures:

1. latency: sequential `POST /v1/render` requests, one at a time, per channel (print: bill,
   email: bill, mobile: bill, sms: otp; the `typical` sample), after 3 warm-up requests; the
   wall time of each request as the client sees it (JSON encoding, HTTP, queueing to the
   worker, rendering, the answer);
2. throughput: one `POST /v1/batch` per channel with records cycling over the samples the
   template accepts, NDJSON answer read to the end; renditions/s = renditions ÷ wall time.

It prints a table and the JSON report, and the load average before and after (the box is
shared: read the numbers with it). Numbers are measurements, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from studio.core.package import build_package  # noqa: E402

SAMPLE = REPO / "sample_projects" / "lumen-energia"
CASES = {"print": "bill", "email": "bill", "mobile": "bill", "sms": "otp"}
TOKEN = "bench-token-0123456789"  # the server refuses a token under 16 characters


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(store: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "MISSIVA_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "serve", "--store", str(store), "--port", str(port),
         "--workers", str(workers)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/v1/health", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("missiva serve did not start")


def samples() -> dict[str, dict[str, Any]]:
    folder = SAMPLE / "data" / "samples"
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(client: httpx.Client, runs: dict[str, int]) -> dict[str, Any]:
    record = samples()["typical"]
    results = {}
    for channel, template in CASES.items():
        body = {"template": template, "channel": channel, "data": record}
        for _ in range(3):
            assert client.post("/v1/render", json=body).status_code == 200
        times = []
        for _ in range(runs[channel]):
            started = time.perf_counter()
            answer = client.post("/v1/render", json=body)
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
        results[channel] = {
            "template": template,
            "median_ms": round(statistics.median(times), 2),
            "p90_ms": round(percentile(times, 0.9), 2),
            "n": len(times),
        }
        print(f"  latency {channel:<6} {results[channel]['median_ms']:8.2f} ms", file=sys.stderr)
    return results


def throughput(client: httpx.Client, records: dict[str, int]) -> dict[str, Any]:
    results = {}
    all_samples = samples()
    for channel, template in CASES.items():
        usable = []
        for record in all_samples.values():
            probe = client.post("/v1/render", json={"template": template, "channel": channel,
                                                    "data": record})
            if probe.status_code == 200:
                usable.append(record)
        lines = [json.dumps({"data": usable[i % len(usable)]}) for i in range(records[channel])]
        body = ("\n".join(lines) + "\n").encode()
        started = time.perf_counter()
        answer = client.post("/v1/batch", params={"template": template, "channel": channel},
                             content=body)
        rendered = sum(json.loads(x)["ok"] for x in answer.text.splitlines())
        elapsed = time.perf_counter() - started
        results[channel] = {
            "template": template,
            "records": len(lines),
            "rendered": rendered,
            "samples": len(usable),
            "seconds": round(elapsed, 3),
            "renditions_per_s": round(rendered / elapsed, 1),
        }
        print(f"  batch   {channel:<6} {results[channel]['renditions_per_s']:8.1f} /s",
              file=sys.stderr)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run, not a measurement")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--json-out")
    args = parser.parse_args(argv)
    runs = ({"print": 5, "email": 10, "mobile": 10, "sms": 10} if args.quick
            else {"print": 40, "email": 100, "mobile": 100, "sms": 200})
    batch = ({"print": 10, "email": 20, "mobile": 20, "sms": 50} if args.quick
             else {"print": 100, "email": 400, "mobile": 400, "sms": 2000})
    package = build_package(SAMPLE, "HEAD")
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": os.getloadavg()},
        "package": {"commit": package.commit, "bytes": len(package.data)},
        "runs": runs, "batch_records": batch, "workers": {},
    }
    for workers in [int(w) for w in args.workers.split(",")]:
        print(f"workers {workers}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="missiva-bench-") as folder:
            process, url = start(Path(folder) / "store", workers)
            try:
                headers = {"Authorization": f"Bearer {TOKEN}"}
                with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
                    upload = client.post("/v1/packages", content=package.data)
                    assert upload.status_code == 201, upload.text
                    client.post(f"/v1/packages/{package.id}/activate")
                    report["workers"][workers] = {
                        "latency": latency(client, runs),
                        "throughput": throughput(client, batch),
                    }
            finally:
                process.terminate()
                process.wait(30)
    report["machine"]["load_after"] = os.getloadavg()
    print(f"\nload average before {report['machine']['load_before']}, "
          f"after {report['machine']['load_after']}")
    print(f"{'workers':>7} {'channel':<7} {'latency median':>15} {'p90':>9} {'batch /s':>9}")
    for workers, result in report["workers"].items():
        for channel in CASES:
            lat, thr = result["latency"][channel], result["throughput"][channel]
            print(f"{workers:>7} {channel:<7} {lat['median_ms']:>12.2f} ms {lat['p90_ms']:>6.2f} "
                  f"ms {thr['renditions_per_s']:>9.1f}")
    text = json.dumps(report, indent=1)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
