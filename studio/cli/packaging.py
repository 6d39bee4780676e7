"""The installation commands of `missiva`: doctor (is this machine ready, how to fix it)."""

from __future__ import annotations

import argparse
import json
import sys

MARKS = {"ok": "ok  ", "warning": "warn", "failed": "FAIL"}


def cmd_doctor(args: argparse.Namespace) -> int:
    from studio import __version__
    from studio.core.doctor import FAILED, describe_platform, run_checks

    checks = run_checks(qt=not args.no_gui)
    failed = any(check.status == FAILED for check in checks)
    if args.json:
        print(json.dumps({"version": __version__, "platform": describe_platform(),
                          "ok": not failed, "checks": [c.as_json() for c in checks]},
                         ensure_ascii=False, indent=2))
        return 1 if failed else 0
    print(f"Missiva Studio {__version__} on {describe_platform()}")
    for check in checks:
        print(f"[{MARKS.get(check.status, check.status)}] {check.name:<10} {check.detail}")
        if check.fix and check.status != "ok":
            print(f"       {'':<10} fix: {check.fix}")
    warnings = sum(check.status == "warning" for check in checks)
    if failed:
        print("Some required checks failed: the fixes are above.", file=sys.stderr)
    elif warnings:
        print(f"Ready, with {warnings} warning(s).", file=sys.stderr)
    else:
        print("Ready.", file=sys.stderr)
    return 1 if failed else 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="check fonts, Qt, WeasyPrint's libraries, git; say how to "
                       "fix what is missing (exit 1 when a required check fails)")
    p.add_argument("--json", action="store_true", help="the checks as one JSON object")
    p.add_argument("--no-gui", action="store_true",
                   help="skip the Qt checks (a server or CI machine without the desktop studio)")
    p.set_defaults(func=cmd_doctor)
