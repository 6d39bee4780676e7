"""The compliance commands of `missiva`: signoff, status and verify (export is in cli_export)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _usage(message: str) -> Exception:
    from studio.cli import UsageError

    return UsageError(message)


def _project(project: str) -> Path:
    root = Path(project)
    if not root.is_dir():
        raise _usage(f"{project}: no such project folder")
    if not (root / "studio.yaml").is_file():
        raise _usage(f"{project}: not a Missiva project (no studio.yaml)")
    return root


def cmd_signoff(args: argparse.Namespace) -> int:
    from studio.core.compliance import signoff

    root = _project(args.project)
    decision = "approve" if args.approve else "reject"
    record = signoff(root, args.block, decision, args.message, args.as_email)
    print(
        f"{decision}d block {record.block} (blob {record.blob[:10]}) as {record.reviewer} "
        f"({record.role}); recorded in {record.ledger_commit[:10]}"
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from studio.core.compliance import block_states

    states = block_states(_project(args.project))
    if args.json:
        print(json.dumps([s.as_json() for s in states], ensure_ascii=False, indent=2))
        return 0
    if not states:
        print("no regulatory blocks")
        return 0
    width = max(len(s.block) for s in states)
    for state in states:
        last = f"{state.reviewer} {state.time}" if state.reviewer else "-"
        used = ", ".join(state.templates) or "(no template)"
        print(f"{state.block:<{width}}  {state.state:<8}  {last}  [{used}]")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from studio.core.compliance import ledger_signatures, verify

    root = _project(args.project)
    problems = verify(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    signatures = ledger_signatures(root)
    if signatures:
        counts = Counter(s.state for s in signatures)
        shown = ", ".join(f"{n} {state}" for state, n in counts.most_common())
        print(f"sign-off commits: {len(signatures)} ({shown})")
        for signature in signatures:
            if signature.code != "N":
                print(f"  {signature.commit[:10]} {signature.state}"
                      + (f" — {signature.signer}" if signature.signer else ""))
    if problems:
        print(f"{len(problems)} compliance problem(s)", file=sys.stderr)
        return 1
    print("ledger and regulatory blocks verified")
    return 0


# Parser -----------------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """Add signoff, status and verify to `missiva`'s subcommands."""
    p = subparsers.add_parser("signoff", help="approve or reject a regulatory block's version")
    p.add_argument("project")
    p.add_argument("block", metavar="BLOCK_ID")
    decision = p.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--reject", action="store_true")
    p.add_argument("-m", "--message", required=True, metavar="COMMENT")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="the reviewer's email")
    p.set_defaults(func=cmd_signoff)

    p = subparsers.add_parser("status", help="the sign-off state of each regulatory block")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="a JSON array of blocks")
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser("verify", help="check the sign-off ledger and block ownership")
    p.add_argument("project")
    p.set_defaults(func=cmd_verify)


if __name__ == "__main__":
    from studio.cli import main

    sys.exit(main())
