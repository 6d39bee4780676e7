"""The versioning commands of `missiva`: commit, history, diff, restore and release."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import UsageError, send_date
from studio.core.channels import CHANNEL_NAMES, CHANNELS


def _usage(message: str) -> Exception:

    return UsageError(message)


def _repository(project: str) -> Any:
    from studio.core.history import open_repository

    root = Path(project)
    if not root.is_dir():
        raise _usage(f"{project}: no such project folder")
    if not (root / "studio.yaml").is_file():
        raise _usage(f"{project}: not a Missiva project (no studio.yaml)")
    return open_repository(root)


def _when(date: str) -> str:
    return date[:16].replace("T", " ")


# Commands ---------------------------------------------------------------------------------


def cmd_commit(args: argparse.Namespace) -> int:
    repository = _repository(args.project)
    args.paths = [*(args.paths or []), *getattr(args, "more_paths", [])]
    changes = {c.path: c for c in repository.status()}
    revision = repository.commit(args.message, args.paths or None)
    committed = [
        c
        for path, c in changes.items()
        if not args.paths or any(_covers(repository.relative(p), path) for p in args.paths)
    ]
    print(f"committed {revision.short}: {revision.subject}")
    for change in committed:
        kind = "added" if change.kind == "untracked" else change.kind
        print(f"  {kind}: {change.name}")
    return 0


def _covers(given: str, path: str) -> bool:
    given = given.rstrip("/")
    return path == given or path.startswith(given + "/")


def cmd_history(args: argparse.Namespace) -> int:
    from studio.core.history import describe_path

    repository = _repository(args.project)
    path = repository.relative(args.path)
    revisions = repository.history(path)
    if args.json:
        print(json.dumps([r.as_json() for r in revisions], ensure_ascii=False, indent=2))
    if not revisions:
        if not (repository.root / path).exists():
            from studio.core.problems import ProblemError, error

            raise ProblemError(error(path, 0, 0, "no such file in the project or its history"))
        if not args.json:
            print(f"{describe_path(path)}: not committed yet", file=sys.stderr)
        return 0
    if args.json:
        return 0
    print(f"history of {describe_path(path)} ({len(revisions)} commits, newest first)")
    for revision in revisions:
        line = (
            f"{revision.short}  {_when(revision.date)}  {revision.author:<20}  {revision.subject}"
        )
        if revision.tags:
            line += f"  [{', '.join(revision.tags)}]"
        if revision.change == "renamed" and revision.old_path:
            line += f"  (renamed from {revision.old_path})"
        elif revision.change in ("added", "deleted"):
            line += f"  ({revision.change})"
        elif revision.path != path:
            line += f"  (as {revision.path})"
        print(line)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    colour = {"always": True, "never": False}.get(args.color)
    if args.rendered:
        if args.path is not None:
            raise _usage("PATH is for a source diff; a rendered diff takes --template")
        if not args.template or not args.channel:
            raise _usage("--rendered needs --template T and --channel C")
        return _rendered(args, colour)
    for option in ("template", "channel", "sample", "locale", "output", "send_date"):
        if getattr(args, option) is not None:
            raise _usage(f"--{option.replace('_', '-')} is for a rendered diff: add --rendered")
    from studio.cli.terminal import format_terminal
    from studio.core.diff import source_diff

    repository = _repository(args.project)
    diff = source_diff(repository, args.rev_a, args.rev_b, args.path)
    if args.json:
        print(json.dumps(diff.as_json(), ensure_ascii=False, indent=2))
        return 0
    if not diff.files:
        what = repository.relative(args.path) if args.path else "the project"
        print(f"no differences in {what} between {args.rev_a} and {args.rev_b}", file=sys.stderr)
        return 0
    sys.stdout.write(format_terminal(diff, colour))
    return 0


def _rendered(args: argparse.Namespace, colour: bool | None) -> int:
    from studio.cli.terminal import format_words
    from studio.core.diff import rendered_diff

    repository = _repository(args.project)
    diff = rendered_diff(
        repository,
        args.rev_a,
        args.rev_b,
        args.template,
        args.channel,
        sample=args.sample,
        locale=args.locale,
        output_dir=args.output,
        dpi=args.dpi,
        send_date=args.send_date,
    )
    if args.json:
        print(json.dumps(diff.as_json(), ensure_ascii=False, indent=2, default=str))
        return 0
    a, b = repository.revision(diff.rev_a), repository.revision(diff.rev_b)
    print(f"{diff.template} · {diff.channel} · sample {diff.sample} · {diff.locale} · "
          f"sent {diff.send_date}")
    print(f"  A {a.short}  {_when(a.date)}  {a.author}  {a.subject}")
    print(f"  B {b.short}  {_when(b.date)}  {b.author}  {b.subject}")
    for note in diff.notes:
        print(f"note: {note}", file=sys.stderr)
    if not diff.changed:
        print("no difference in the rendered output")
        return 0
    for name, text in diff.fields.items():
        if text.changed:
            print(f"{name}: {format_words(text, colour)}")
    if CHANNELS[diff.channel].segmented and diff.text is not None:
        for fact in ("segments", "encoding", "characters"):
            before, after = diff.facts_a.get(fact), diff.facts_b.get(fact)
            if before != after:
                print(f"{fact}: {before} → {after}")
        print(format_words(diff.text, colour))
    if diff.html is not None:
        if diff.html.order_changed:
            print("the order of the blocks changed")
        for block in diff.html.blocks:
            if block.status == "equal":
                continue
            label = "layout" if block.block == "(layout)" else f"block {block.block}"
            print(f"{label}: {block.status}")
            shown = format_words(block.diff, colour, only_changed=block.status == "changed")
            for line in shown.splitlines():
                print(f"    {line}")
    if diff.print is not None:
        result = diff.print
        if result.pages_a != result.pages_b:
            print(f"pages: {result.pages_a} → {result.pages_b}")
        else:
            print(f"pages: {result.pages_b}")
        for page in result.pages:
            regions = len(page.regions)
            line = f"page {page.page}: {page.status}"
            if page.status == "changed":
                line += f" ({regions} region{'s' if regions != 1 else ''})"
            if page.image:
                line += f" → {page.image}"
            print(line)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from studio.core.history import describe_path

    repository = _repository(args.project)
    old = repository.revision(args.rev)
    revision = repository.restore(args.path, args.rev, args.message)
    name = describe_path(repository.relative(args.path))
    print(
        f"restored {name} as of {old.short} ({_when(old.date)}, {old.author}: {old.subject}) "
        f"in a new commit {revision.short}"
    )
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    repository = _repository(args.project)
    release = repository.release(args.name, args.message)
    print(f"released {release.name} on {release.commit[:10]} (annotated tag by {release.tagger})")
    return 0


# Parser -----------------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """Add commit, history, diff, restore and release to `missiva`'s subcommands."""
    p = subparsers.add_parser(
        "commit",
        help="commit the project's changes (all, or the paths)",
        usage="missiva commit PROJECT -m MSG [PATH ...]",
    )
    p.add_argument("project")
    # `-m MSG PATH…`: argparse would not give positionals that follow an option to `paths`
    p.add_argument("-m", "--message", required=True, nargs="+", action=_MessageThenPaths)
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(func=cmd_commit)

    p = subparsers.add_parser(
        "history", help="the commits that changed a block, template, layout or sample"
    )
    p.add_argument("project")
    p.add_argument("path", help='a file of the project, or a name such as "block legal/privacy"')
    p.add_argument("--json", action="store_true", help="a JSON array of commits")
    p.set_defaults(func=cmd_history)

    p = subparsers.add_parser(
        "diff", help="compare two versions: source, or rendered output per channel"
    )
    p.add_argument("project")
    p.add_argument("rev_a", metavar="REV_A")
    p.add_argument("rev_b", metavar="REV_B", help="a revision, or WORKTREE for the files on disk")
    p.add_argument("path", nargs="?", metavar="PATH")
    p.add_argument("--rendered", action="store_true", help="compare the rendered output")
    p.add_argument("--template")
    p.add_argument("--channel", choices=CHANNEL_NAMES)
    p.add_argument("--sample")
    p.add_argument("--locale")
    p.add_argument("-o", "--output", help="print: folder for side-by-side PNGs of changed pages")
    p.add_argument("--dpi", type=float, default=80, help="print: resolution of the page images")
    p.add_argument("--send-date", type=send_date, metavar="DATE",
                   help="the day both versions are sent on (YYYY-MM-DD): letter date, email "
                        "Date and Message-ID stay the same, so the compare is reproducible "
                        "(default: today)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.set_defaults(func=cmd_diff)

    p = subparsers.add_parser("restore", help="bring an older version back as a new commit")
    p.add_argument("project")
    p.add_argument("path")
    p.add_argument("rev", metavar="REV")
    p.add_argument("-m", "--message")
    p.set_defaults(func=cmd_restore)

    p = subparsers.add_parser("release", help="tag the current commit as a release")
    p.add_argument("project")
    p.add_argument("name", metavar="NAME")
    p.add_argument("-m", "--message")
    p.set_defaults(func=cmd_release)


class _MessageThenPaths(argparse.Action):
    """-m MSG, where the words after MSG are more PATHs of the commit."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        message, *paths = values
        setattr(namespace, self.dest, message)
        namespace.more_paths = [*getattr(namespace, "more_paths", []), *paths]

