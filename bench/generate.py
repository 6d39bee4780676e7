#!/usr/bin/env python3
"""A library the size of a real utility's: the generator the library benchmark and tests use.

    python3 bench/generate.py DIR [--blocks 1000] [--commits 300] [--approve 10]

The working tree is bench/run.py's generated project (blocks in 20 folders, a third translated
into en, templates of 20 blocks each: 50 templates on 1,000 blocks, a regulatory block in ten,
`common/contacts` included by one block in nine, so it reaches every template only through other
blocks). It is then made a git repository with COMMITS commits: the first holds everything, each
following one edits one block (seeded, so every run builds the same library). The project's
legal role is its author, so `missiva verify` accepts the edits of regulatory blocks. APPROVE
regulatory blocks are approved at the end (real sign-offs), so states are mixed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from run import generate_big_project  # noqa: E402

AUTHOR = ("Legal Team", "legal@big.example")
OWNERS = ("billing", "marketing", "care")


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env
    ).stdout


def _owned(root: Path, rng: random.Random) -> None:
    """Give non-regulatory blocks an owner (one in three), so the explorer's filter by owner has
    something to find besides legal."""
    for path in sorted((root / "blocks").rglob("*.md")):
        if path.name.count(".") > 1:  # a translation: its block's front matter is the .md
            continue
        text = path.read_text("utf-8")
        if "owner:" in text or rng.random() > 1 / 3:
            continue
        path.write_text(text.replace("---\n", f"---\nowner: {rng.choice(OWNERS)}\n", 1), "utf-8")


def generate_library(
    root: Path, blocks: int = 1000, commits: int = 300, approve: int = 0, seed: int = 23
) -> dict[str, Any]:
    """Write the library into ROOT (an empty or missing folder); its shape as a dict."""
    root.mkdir(parents=True, exist_ok=True)
    shape: dict[str, Any] = generate_big_project(root, blocks)
    rng = random.Random(seed)
    _owned(root, rng)
    text = (root / "studio.yaml").read_text("utf-8")
    (root / "studio.yaml").write_text(text.replace("roles:\n", (
        "roles:\n  billing: [billing@big.example]\n  marketing: [marketing@big.example]\n"
        "  care: [care@big.example]\n"), 1), "utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
           "GIT_COMMITTER_NAME": AUTHOR[0], "GIT_COMMITTER_EMAIL": AUTHOR[1],
           "GIT_AUTHOR_DATE": "2026-01-01T09:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T09:00:00Z"}
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", AUTHOR[0])
    _git(root, "config", "user.email", AUTHOR[1])
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "The library", env=env)
    files = sorted(p for p in (root / "blocks").rglob("*.md") if p.name.count(".") == 1)
    for number in range(1, commits):
        path = rng.choice(files)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"\nRevision {number}.\n")
        rel = path.relative_to(root).as_posix()
        stamp = f"2026-01-{1 + number // 12:02d}T{9 + number % 12:02d}:00:00Z"
        _git(root, "commit", "-q", "-m", f"Edit {rel}", "--", rel,
             env={**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    if approve:
        from studio.core.compliance import signoff
        from studio.core.project import load_project

        project = load_project(root)
        regulatory = sorted(b for b, block in project.blocks.items() if block.regulatory)
        for block_id in regulatory[:approve]:
            signoff(root, block_id, "approve", "Wording checked", AUTHOR[1])
    shape.update(commits=commits, approved=approve)
    return shape


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--approve", type=int, default=0)
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        parser.error(f"{args.folder} is not empty")
    print(generate_library(args.folder, args.blocks, args.commits, args.approve))
    return 0


if __name__ == "__main__":
    sys.exit(main())
