"""`missiva fmt`: rewrite a project's blocks in the canonical Markdown the visual editor writes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import UsageError


def cmd_fmt(args: argparse.Namespace) -> int:
    from studio.core.fmt import format_project

    root = Path(args.project)
    if not (root / "blocks").is_dir():
        raise UsageError(f"{args.project}: no blocks/ folder here (is it a Missiva project?)")
    found = format_project(root, write=not args.check)
    for item in found:
        note = " (regulatory: its owners must sign off the new text)" if item.regulatory else ""
        if args.check:
            print(f"{item.path}: not in canonical form (missiva fmt rewrites it){note}")
        else:
            print(f"formatted {item.path}{note}")
    if args.check:
        print(f"{len(found)} block file(s) not in canonical form" if found
              else "every block is in canonical form", file=sys.stderr)
        return 1 if found else 0
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "fmt", help="rewrite blocks in canonical Markdown (what the visual editor writes); "
        "--check: exit 1 listing the files that are not")
    p.add_argument("project")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 when a block "
                   "is not in canonical form")
    p.set_defaults(func=cmd_fmt)
