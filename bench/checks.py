"""Cost of `missiva check` per rendition on the sample: readability, Matterhorn (pikepdf) and
axe-core (one QtWebEngine child for a batch of pages, its start-up measured apart).

    .venv/bin/python bench/checks.py [--pages 20]

The checks follow the preview (they run after a rendition is painted, off the GUI thread), so
they add nothing to keystroke → preview latency; these numbers say how soon after it the
findings arrive.
"""

from __future__ import annotations

import argparse
import statistics
import time

from studio.core.channels import renderer
from studio.core.checks.axe import Page, html_of, run_axe
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
    start = time.perf_counter()
    run_axe([Page("0", html)])
    one = time.perf_counter() - start
    start = time.perf_counter()
    run_axe([Page(str(i), html) for i in range(args.pages)])
    many = time.perf_counter() - start
    per_page = (many - one) / (args.pages - 1) * 1000
    print(f"axe child, 1 page: {one:.2f} s; {args.pages} pages: {many:.2f} s "
          f"(≈ {per_page:.0f} ms a page after start-up)")


if __name__ == "__main__":
    main()
