"""Cost of `missiva check` per rendition on the sample: readability, Matterhorn (pikepdf) and
axe-core (one long-lived QtWebEngine child, its start-up measured apart from each page).

    .venv/bin/python bench/checks.py [--pages 20]

Each page's cost is the median of PAGES checks in one AxeEngine; "a check without a kept
child" is what a check cost when every check started its own child (start-up + one page).

The checks follow the preview (they run after a rendition is painted, off the GUI thread), so
they add nothing to keystroke → preview latency; these numbers say how soon after it the
findings arrive.
"""

from __future__ import annotations

import argparse
import statistics
import time

from studio.core.channels import renderer
from studio.core.checks.axe import AxeEngine, Page, html_of
from studio.core.checks.pdf import check_pdf
from studio.core.checks.run import block_readability
from studio.core.compose import compose
from studio.core.project import load_project
from studio.core.resources import sample_project


def _ms(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    project = load_project(sample_project())
    record = project.samples["typical"].record
    bill = project.templates["bill"]
    email = compose(project, bill, "email", record, "it")
    printed = renderer("print")(compose(project, bill, "print", record, "it"))
    mail = renderer("email")(email)
    readable = _ms(lambda: block_readability(project, email))
    print(f"readability, bill/email/it (all blocks): {readable:.2f} ms")
    print(f"matterhorn (pikepdf), bill/print/it: {_ms(lambda: check_pdf(printed.content)):.1f} ms")
    html = html_of(mail.content, mail.media_type)
    mobile = renderer("mobile")(compose(project, bill, "mobile", record, "it"))
    started = time.perf_counter()
    with AxeEngine() as engine:
        engine.check(Page("first", html))
        first = time.perf_counter() - started
        for name, page in (("email", html), ("mobile", html_of(mobile.content, "text/html"))):
            each = []
            for i in range(args.pages):
                start = time.perf_counter()
                engine.check(Page(f"{name}{i}", page))
                each.append((time.perf_counter() - start) * 1000)
            print(f"axe, bill/{name}/it, each page in the kept child: median "
                  f"{statistics.median(each):.0f} ms, max {max(each):.0f} ms")
        assert engine.starts == 1
    started = time.perf_counter()
    with AxeEngine() as engine:
        engine.check(Page("alone", html))
    alone = time.perf_counter() - started
    print(f"axe child start-up + first page: {first:.2f} s; a check without a kept child "
          f"(start, one page, stop): {alone:.2f} s")


if __name__ == "__main__":
    main()
