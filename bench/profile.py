#!/usr/bin/env python3
"""Profile renders with pyinstrument (pip install pyinstrument, or the `bench` extra).

    python3 bench/profile.py TEMPLATE CHANNEL [SAMPLE] [--project PATH] [--runs N] [--html FILE]
    python3 bench/profile.py --validate-big        # validate() of the generated 1,000-block project

One warm-up render first (imports, font configuration, compile caches), then N warm renders
under the profiler; the text report goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pyinstrument import Profiler  # noqa: E402

from studio.core.project import load_project  # noqa: E402
from studio.core.render import render  # noqa: E402


def _package(file_path: str | None) -> str:
    """Which library a frame's file belongs to: 'studio', 'weasyprint', 'jinja2', …"""
    if not file_path:
        return "(native)"
    parts = Path(file_path).parts
    if "site-packages" in parts:
        name = parts[parts.index("site-packages") + 1]
        return name.removesuffix(".py").split(".")[0]
    if "studio" in parts:
        return "studio"
    if "lib" in parts or "Lib" in parts:
        return "stdlib"
    return Path(file_path).name


def self_time_by_package(profiler: Profiler) -> list[tuple[str, float]]:
    """Self time (time in the frame itself, not its callees) summed by package."""
    root = profiler.last_session.root_frame() if profiler.last_session else None
    totals: dict[str, float] = {}
    stack = [root] if root else []
    while stack:
        frame = stack.pop()
        children = frame.children
        own = frame.time - sum(child.time for child in children)
        # pyinstrument keeps a function's own time in a synthetic "[self]" child frame, and
        # built-ins have no file: both count for the nearest caller that has one.
        owner = frame
        while owner.parent and (not owner.file_path or owner.file_path.startswith("<")):
            owner = owner.parent
        key = _package(owner.file_path)
        totals[key] = totals.get(key, 0.0) + max(own, 0.0)
        stack.extend(children)
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("template", nargs="?")
    parser.add_argument("channel", nargs="?")
    parser.add_argument("sample", nargs="?", default="typical")
    parser.add_argument("--project", type=Path, default=REPO / "sample_projects" / "lumen-energia")
    parser.add_argument("--locale", default=None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report")
    parser.add_argument("--validate-big", action="store_true")
    args = parser.parse_args(argv)

    profiler = Profiler(interval=0.0005)
    if args.validate_big:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from run import generate_big_project

        from studio.core.validate import validate

        with tempfile.TemporaryDirectory(prefix="missiva-profile-") as tmp:
            root = Path(tmp) / "big"
            root.mkdir()
            generate_big_project(root, 1000)
            project = load_project(root)
            profiler.start()
            validate(project)
            profiler.stop()
    else:
        if not (args.template and args.channel):
            parser.error("give TEMPLATE and CHANNEL, or --validate-big")
        project = load_project(args.project)
        record = project.samples[args.sample].record
        render(project, args.template, args.channel, record, args.locale)  # warm-up
        profiler.start()
        for _ in range(args.runs):
            render(project, args.template, args.channel, record, args.locale)
        profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    by_package = self_time_by_package(profiler)
    total = sum(t for _, t in by_package) or 1.0
    print("self time by package:")
    for name, seconds in by_package:
        if seconds / total >= 0.005:
            print(f"  {name:<20} {seconds:8.3f} s  {100 * seconds / total:5.1f}%")
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
