#!/usr/bin/env python3
"""What tappable links and an attached PDF cost a rendition (issue 20).

    python3 bench/links.py [--runs N]

Interleaved A/B in one process, so a busy machine slows both sides alike: each sample
template's email and mobile with links (studio.core.links.linkify, as shipped) and without
(linkify replaced by the identity), and the bill's email with attach_print set and without.
Prints medians in ms; never asserts (bench/README.md records the runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from studio.core import compose as compose_module  # noqa: E402
from studio.core.project import load_project  # noqa: E402
from studio.core.records import sample_record  # noqa: E402
from studio.core.render import render  # noqa: E402
from studio.core.resources import sample_project  # noqa: E402

SEND_DATE = "2026-12-01"


def timed(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    project = load_project(sample_project())
    record = sample_record(project, "typical")
    linkify = compose_module.links.linkify

    def without_links(html: str, region: str = "IT") -> str:
        return html

    print(f"{'case':40} {'with':>9} {'without':>9} {'delta':>8}")
    for template, channel in (("bill", "mobile"), ("contract-change", "email"),
                              ("payment-reminder", "email"), ("bill", "email")):
        on: list[float] = []
        off: list[float] = []
        for run in range(args.runs + 1):
            compose_module.links.linkify = linkify
            case = (template, channel)
            a = timed(lambda case=case: render(project, *case, record, send_date=SEND_DATE))
            compose_module.links.linkify = without_links  # type: ignore[assignment]
            b = timed(lambda case=case: render(project, *case, record, send_date=SEND_DATE))
            if run:  # the first is the warm-up
                on.append(a)
                off.append(b)
        compose_module.links.linkify = linkify
        with_ms, without_ms = statistics.median(on), statistics.median(off)
        print(f"{template + ' ' + channel + ' (links)':40} {with_ms:9.2f} {without_ms:9.2f} "
              f"{with_ms - without_ms:+8.2f}")

    bill = project.templates["bill"]
    attaching = dataclasses.replace(bill, email={**bill.email, "attach_print": True})
    projects = (dataclasses.replace(project, templates={**project.templates, "bill": attaching}),
                project)
    attached: list[float] = []
    alone: list[float] = []
    for run in range(args.runs + 1):
        a = timed(lambda: render(projects[0], "bill", "email", record, send_date=SEND_DATE))
        b = timed(lambda: render(projects[1], "bill", "email", record, send_date=SEND_DATE))
        if run:
            attached.append(a)
            alone.append(b)
    with_ms, without_ms = statistics.median(attached), statistics.median(alone)
    print(f"{'bill email (attach_print)':40} {with_ms:9.2f} {without_ms:9.2f} "
          f"{with_ms - without_ms:+8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
