"""The batch command's terminal output: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import re

import pytest

from studio.cli import main
from studio.cli.batch import ProgressBar
from studio.core.batch import BatchProgress
from tests.conftest import SAMPLE


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal():
    screen = Terminal()
    bar = ProgressBar(screen)
    state = BatchProgress(records_total=200, records_done=50, renditions=60, failed=1)
    state.started -= 10  # ten seconds in: about 6 renditions/s, 150 records in about 30 s more
    bar(state)
    drawn = screen.getvalue()
    assert drawn.startswith("\r[" + "█" * 7 + "·" * 23 + "] ")
    assert re.search(r"50/200 records, 60 renditions \(1 failed\), [56]\.\d/s, ETA \d\ds", drawn)
    state.records_done = 200
    bar(state)
    assert screen.getvalue().endswith("\n")


@pytest.mark.parametrize("booted", [12.0, 86_400.0])
def test_progress_is_plain_lines_in_a_log(booted, monkeypatch):
    # the machine's uptime (the monotonic clock's origin) must not decide what is shown
    clock = iter(booted + step for step in range(100))
    monkeypatch.setattr("studio.cli.batch.time.monotonic", lambda: next(clock))
    log = io.StringIO()
    bar = ProgressBar(log, every=3600)
    state = BatchProgress(records_total=10, records_done=3, renditions=3)
    bar(state)
    bar(state)  # within the interval: not repeated
    state.records_done = 10
    bar(state)
    bar(state)  # the end is said once
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in log.getvalue()
    assert lines[0].startswith("3/10 records") and lines[1].startswith("10/10 records")


def test_batch_refuses_a_channel_the_template_lacks(tmp_path, capsys):
    data = tmp_path / "r.ndjson"
    data.write_text("{}\n")
    code = main(["batch", str(SAMPLE), "otp", "--data", str(data), "--out", str(tmp_path / "o"),
                 "--channel", "print"])
    assert code == 2
    assert "template 'otp' has no channel print (channels: sms)" in capsys.readouterr().err
    assert main(["batch", str(SAMPLE), "otp", "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    assert "give --channel C, or --routed" in capsys.readouterr().err


def test_a_production_batch_refuses_wording_not_cleared(tmp_path, capsys):
    # The sample's bill carries a regulatory text changed since its approval: a batch for the
    # mail house (--approved-only) refuses before it renders anything.
    data = tmp_path / "r.ndjson"
    data.write_text((SAMPLE / "data/samples/typical.json").read_text().replace("\n", " ") + "\n")
    out = tmp_path / "o"
    code = main(["batch", str(SAMPLE), "bill", "--data", str(data), "--out", str(out),
                 "--channel", "print", "--approved-only"])
    err = capsys.readouterr().err
    assert code == 1
    assert "the regulatory wording of bill is not cleared for customers (legal/useful-info is " \
        "stale; missiva status says why): refused (--approved-only)" in err
    assert not out.exists()
