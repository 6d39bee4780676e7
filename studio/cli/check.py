"""`missiva check`: every rendition of the proof matrix, for accessibility and readability."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio.cli.common import UsageError, load, template_named


def cmd_check(args: argparse.Namespace) -> int:
    from studio.core.checks.axe import AxeUnavailable
    from studio.core.checks.run import RenditionCheck, check_renditions, proof_matrix

    project = load(args.project)
    if args.template is not None:
        template_named(project, args.template)
    if args.sample is not None and args.sample not in project.samples:
        known = ", ".join(sorted(project.samples)) or "none"
        raise UsageError(f"no sample {args.sample!r} in data/samples/ (samples: {known})")

    def show(check: RenditionCheck) -> None:
        if args.json:
            print(json.dumps(check.as_json(), ensure_ascii=False), flush=True)
            return
        state = "ok  " if check.ok else "FAIL"
        print(f"{state} {check.template} {check.sample} {check.locale} {check.channel}")
        if check.error:
            print(f"     {check.error}")
        for f in check.accessibility:
            where = f" [{f.block}]" if f.block else ""
            times = f" ×{f.count}" if f.count > 1 else ""
            print(f"     {f.impact}: {f.rule}{where}{times}: {f.message}")
        for r in check.readability:
            if r.block is not None and not r.ok:
                print(f"     readability [{r.block}]: {r.index} {r.value:g} < {r.budget:g}")

    try:
        checks = check_renditions(project, proof_matrix(project, args.template, args.sample), show)
    except AxeUnavailable as exc:
        raise UsageError(f"{exc} (missiva doctor says whether Qt WebEngine works here)") from None
    failed = sum(not c.ok for c in checks)
    if not args.json:
        print(f"{len(checks)} renditions checked, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "check", help="accessibility and readability of every rendition; exit 1 on a serious "
        "finding or a missed readability budget",
    )
    p.add_argument("project")
    p.add_argument("--template", help="only this template")
    p.add_argument("--sample", help="only this sample record (from data/samples/)")
    p.add_argument("--json", action="store_true", help="one JSON object per rendition")
    p.set_defaults(func=cmd_check)
