"""`missiva fmt`: rewrite a project's blocks in the canonical Markdown the visual editor writes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import UsageError


def cmd_fmt(args: argparse.Namespace) -> int:
    from studio.core.fmt import format_project
    from studio.core.history import open_repository
    from studio.core.problems import ProblemError

    root = Path(args.project)
    if not (root / "blocks").is_dir():
        raise UsageError(f"{args.project}: no blocks/ folder here (is it a Missiva project?)")
    # Under git, compliance judges who changes regulatory wording: fmt rewrites a regulatory
    # block only for its owners (who commits is who rewrote it).
    try:
        repository = open_repository(root)
    except ProblemError:
        repository = None
    author = None
    if repository is not None:
        try:
            author = repository.identity().email
        except ProblemError:
            author = None
    found = format_project(root, write=not args.check, author=author,
                           guarded=repository is not None)
    locked = [item for item in found if item.locked]
    for item in found:
        if item.locked:
            note = (f" (regulatory, owned by {item.owner or '?'}: only its owners rewrite it; "
                    f"you are {author or 'nobody git knows'})")
        elif item.regulatory:
            note = " (regulatory: its owners must sign off the new text)"
        else:
            note = ""
        if args.check:
            print(f"{item.path}: not in canonical form (missiva fmt rewrites it){note}")
        elif item.locked:
            print(f"left {item.path} as it is{note}")
        else:
            print(f"formatted {item.path}{note}")
    if args.check:
        print(f"{len(found)} block file(s) not in canonical form" if found
              else "every block is in canonical form", file=sys.stderr)
        return 1 if found else 0
    if locked:
        print(f"{len(locked)} regulatory block file(s) left for their owners to format",
              file=sys.stderr)
        return 1
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "fmt", help="rewrite blocks in canonical Markdown (what the visual editor writes); "
        "--check: exit 1 listing the files that are not")
    p.add_argument("project")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 when a block "
                   "is not in canonical form")
    p.set_defaults(func=cmd_fmt)
