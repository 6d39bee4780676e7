"""The compliance commands of `missiva`: signoff, status and verify (export is in export.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from studio.cli.common import UsageError, project_folder


def cmd_signoff(args: argparse.Namespace) -> int:
    from studio.core.compliance import finish_signoffs, signoff

    root = project_folder(args.project)
    if args.finish:
        if args.block or args.approve or args.reject or args.message:
            raise UsageError("signoff --finish takes no block, decision or comment: it commits "
                         "the interrupted sign-off as it was written")
        for record in finish_signoffs(root, args.as_email):
            print(
                f"finished: {record.decision} of block {record.block} by {record.reviewer}; "
                f"recorded in {record.ledger_commit[:10]}"
            )
        return 0
    if not args.block or not (args.approve or args.reject) or not args.message:
        raise UsageError("signoff needs BLOCK_ID, --approve or --reject, and -m COMMENT "
                     "(or --finish to complete an interrupted sign-off)")
    decision = "approve" if args.approve else "reject"
    record = signoff(root, args.block, decision, args.message, args.as_email)
    print(
        f"{decision}d block {record.block} (blob {record.blob[:10]}) as {record.reviewer} "
        f"({record.role}); recorded in {record.ledger_commit[:10]}"
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from studio.core.compliance import block_states, interrupted_problems
    from studio.core.history import open_repository

    repository = open_repository(project_folder(args.project))
    changes = repository.status()  # one `git status` for both questions
    states = block_states(repository, changes=changes)
    problems = interrupted_problems(repository, changes)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.json:
        print(json.dumps([s.as_json() for s in states], ensure_ascii=False, indent=2))
        return 1 if problems else 0
    if not states:
        print("no regulatory blocks")
    width = max((len(s.block) for s in states), default=0)
    for state in states:
        last = f"{state.reviewer} {state.time}" if state.reviewer else "-"
        used = ", ".join(state.templates) or "(no template)"
        notes = []
        if state.renamed_from:
            notes.append(f"renamed from {state.renamed_from}")
        if state.interrupted:
            notes.append("interrupted sign-off by "
                         + ", ".join(d.reviewer for d in state.interrupted))
        for unsigned in state.unsigned:
            what = (f"{unsigned.decision.decision} by {unsigned.decision.reviewer} not counted"
                    if unsigned.decision is not None else "changed")
            notes.append(f"signature missing: {what} in commit {unsigned.commit[:10]} "
                         f"({unsigned.reason})")
        if state.note:
            notes.append(state.note)
        if state.makers:
            notes.append(f"four eyes: changed by {', '.join(state.makers)}, another approver "
                         "approves")
        shown = f"  ({'; '.join(notes)})" if notes else ""
        print(f"{state.block:<{width}}  {state.state:<8}  {last}  [{used}]{shown}")
    return 1 if problems else 0


def cmd_verify(args: argparse.Namespace) -> int:
    from studio.core.compliance import ledger_signatures, verify

    root = project_folder(args.project)
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
    from studio.core.history import open_repository
    from studio.core.ledger import judge_history

    for decision in judge_history(open_repository(root)).valid():
        if decision.committer and decision.committer.lower() != decision.author.lower():
            print(f"  {decision.ledger_commit[:10]} {decision.decision} of block "
                  f"{decision.block} by {decision.reviewer}, committed by {decision.committer}")
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
    p.add_argument("block", metavar="BLOCK_ID", nargs="?")
    decision = p.add_mutually_exclusive_group()
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--reject", action="store_true")
    p.add_argument("-m", "--message", metavar="COMMENT")
    p.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="decide and commit as EMAIL (sets the commit's author, as git --author does)",
    )
    p.add_argument(
        "--finish",
        action="store_true",
        help="commit an interrupted sign-off (written, not committed) as its reviewer",
    )
    p.set_defaults(func=cmd_signoff)

    p = subparsers.add_parser("status", help="the sign-off state of each regulatory block")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="a JSON array of blocks")
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser("verify", help="check the sign-off ledger and block ownership")
    p.add_argument("project")
    p.set_defaults(func=cmd_verify)

