"""The team commands of `missiva`: clone, sync (with conflict resolution) and change requests."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import UsageError, project_folder


def _progress(line: str) -> None:
    print(line, file=sys.stderr)


# Commands ---------------------------------------------------------------------------------


def cmd_clone(args: argparse.Namespace) -> int:
    from studio.core.sync import clone

    root = clone(args.url, args.dir, progress=None if args.quiet else _progress)
    print(f"cloned into {root}")
    print(f"open it with: missiva open {root}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from studio.core.sync import abandon, resolve, sync, take_back

    root = project_folder(args.project)
    if args.take_back:
        count = take_back(root, args.take_back)
        print(f"{count} commit(s) taken back: their changes are in your files, uncommitted")
        return 0
    if args.abandon:
        abandon(root)
        print("sync abandoned: your project is as it was before the sync")
        return 0
    for take in ("mine", "theirs", "edited"):
        for path in getattr(args, take) or []:
            resolve(root, _relative(root, path), take)
            if not args.json:
                print(f"resolved {path}: {take}", file=sys.stderr)
    result = sync(root, progress=None if args.json else _progress)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    print(result.message)
    for arrival in result.received:
        print(f"  received {arrival.commit[:10]} {arrival.author}: {arrival.subject}")
    for arrival in result.sent:
        print(f"  sent     {arrival.commit[:10]} {arrival.author}: {arrival.subject}")
    if result.state == "conflict":
        for conflict in result.conflicts:
            keys = f" — keys {', '.join(conflict.keys)}" if conflict.keys else ""
            print(f"{conflict.path}:0:0: error: conflict in {conflict.name}{keys}")
        project = args.project
        print(
            "\nyour version is in the files now. For each file, choose:\n"
            f"  missiva sync {project} --mine PATH      keep your wording where you clash\n"
            f"  missiva sync {project} --theirs PATH    take your colleague's wording\n"
            f"  missiva sync {project} --edited PATH    after writing the combined text in it\n"
            f"  missiva sync {project} --abandon        back to before the sync",
            file=sys.stderr,
        )
    elif result.base:  # refused for the compliance rules: syncing again will not help
        print(f"\ntake your commits back (their changes stay in your files):\n"
              f"  missiva sync {args.project} --take-back {result.base[:10]}", file=sys.stderr)
    elif result.state == "refused":
        print(f"\nrun missiva sync {args.project} again", file=sys.stderr)
    return 0 if result.ok else 1


def _relative(root: Path, path: str) -> str:
    candidate = Path(path)
    for base in (Path.cwd(), root):
        try:
            return (base / candidate).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return candidate.as_posix()


def cmd_change(args: argparse.Namespace) -> int:
    from studio.core import sync

    root = project_folder(args.project)
    if args.action == "start":
        branch = sync.start_change(root, _needs_name(args))
        print(f"working on {branch}: commit, then missiva change submit")
        return 0
    if args.action == "submit":
        change = sync.submit_change(root)
        print(f"change {change.name} submitted for review: {change.ahead} commit(s), "
              f"blocks: {', '.join(change.blocks) or 'none'}")
        return 0
    if args.action == "list":
        changes = sync.list_changes(root)
        if args.json:
            print(json.dumps([c.as_json() for c in changes], ensure_ascii=False, indent=2))
            return 0
        if not changes:
            print("no changes waiting for review")
        for change in changes:
            regulatory = ", ".join(f"{b} {s}" for b, s in change.regulatory.items())
            print(f"{change.name}: {change.ahead} commit(s) by {', '.join(change.authors)}; "
                  f"blocks: {', '.join(change.blocks) or 'none'}"
                  + (f"; regulatory: {regulatory}" if regulatory else "")
                  + (f"; sent back: {change.returned}" if change.returned else ""))
        return 0
    if args.action == "merge":
        commit = sync.merge_change(root, _needs_name(args))
        print(f"merged into {sync.main_branch(root)} at {commit[:10]} and sent to the server")
        return 0
    if args.action == "return":
        if not args.message:
            raise UsageError("say what to change: -m COMMENT")
        sync.return_change(root, _needs_name(args), args.message)
        print("change sent back to its author")
        return 0
    raise UsageError(f"unknown action {args.action}")


def _needs_name(args: argparse.Namespace) -> str:
    if not args.name:
        raise UsageError(f"change {args.action} needs the change's NAME")
    return str(args.name)


# Parser -----------------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """Add clone, sync and change to `missiva`'s subcommands."""
    p = subparsers.add_parser("clone", help="get a project from the team's server")
    p.add_argument("url", help="https://, ssh://, git:// URL, user@host:path or a folder")
    p.add_argument("dir", nargs="?", help="the new folder (default: the repository's name)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_clone)

    p = subparsers.add_parser(
        "sync", help="receive the team's work, send yours; exit 1 on a conflict or refusal"
    )
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="the result as a JSON object")
    p.add_argument("--mine", nargs="+", metavar="PATH", help="resolve: keep my version")
    p.add_argument("--theirs", nargs="+", metavar="PATH", help="resolve: take theirs")
    p.add_argument("--edited", nargs="+", metavar="PATH", help="resolve: the file as edited")
    p.add_argument("--abandon", action="store_true", help="back to the state before the sync")
    p.add_argument("--take-back", metavar="REV",
                   help="my commits after REV (the server's tip a refused sync names) become "
                        "uncommitted changes again")
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser("change", help="change requests: start, submit, list, merge")
    p.add_argument("action", choices=("start", "submit", "list", "merge", "return"))
    p.add_argument("name", nargs="?")
    p.add_argument("-C", "--project", default=".", help="the project folder (default: here)")
    p.add_argument("--json", action="store_true", help="list: a JSON array")
    p.add_argument("-m", "--message", help="return: what the author should change")
    p.set_defaults(func=cmd_change)

