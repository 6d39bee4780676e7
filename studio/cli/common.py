"""What the `missiva` command's modules share: usage errors, loading the project and the
template a command names, reading records, the --time-limit option."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.limits import json_depth
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, Template, load_project
from studio.core.sources import load_json


class UsageError(Exception):
    """A command that cannot run as asked: the message says why, exit code 2."""


# Records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    label: str  # sample name or "<file>:<line>"
    path: str  # where problems in it are reported
    index: int  # 1-based position in the input
    data: Any
    positions: Any
    problem: Problem | None = None


def records_from(project: Project, sample: str | None, data: str | None) -> list[Record]:
    if data is not None:
        return list(_read_data(data))
    if sample is None:
        sample = str(project.config.raw.get("default_sample") or "") or None
        if sample is None:
            if not project.samples:
                raise UsageError("the project has no samples in data/samples/: give --data FILE")
            sample = sorted(project.samples)[0]
    found = project.samples.get(sample)
    if found is None:
        known = ", ".join(sorted(project.samples)) or "none"
        raise UsageError(f"no sample {sample!r} in data/samples/ (samples: {known})")
    return [Record(found.name, found.path, 1, found.record, found.positions)]


def _read_data(path: str) -> Iterator[Record]:
    """A JSON record, or NDJSON: one record a line (blank lines skipped)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    label = "<stdin>" if path == "-" else path
    try:
        whole, positions = load_json(text, label)
        if isinstance(whole, dict):
            yield Record(Path(label).stem, label, 1, whole, positions)
            return
    except ProblemError as exc:
        if not _ndjson(text):
            # One record over several lines, refused as a whole (nested too deep, unencodable
            # text, a syntax error): say so once, not "bad line" for each of its lines.
            yield Record(Path(label).stem, label, 1, None, None, exc.problem)
            return
    index = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        index += 1
        try:
            data, positions = load_json(line, label)
        except ProblemError as exc:
            p = exc.problem
            yield Record(
                f"{label}:{number}",
                label,
                index,
                None,
                None,
                error(label, number, p.col, p.message),
            )
            continue
        positions = {k: (number, c) for k, (_, c) in positions.items()}
        if not isinstance(data, dict):
            yield Record(
                f"{label}:{number}",
                label,
                index,
                None,
                None,
                error(label, number, 1, "a record must be a JSON object"),
            )
            continue
        yield Record(f"{label}:{number}", label, index, data, positions)


def _ndjson(text: str) -> bool:
    """Whether TEXT reads as NDJSON: one line, or a first line that is a record by itself (or
    is too deep to tell)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) <= 1 or json_depth(lines[0]) is not None:
        return True
    try:
        return isinstance(json.loads(lines[0]), dict)
    except ValueError:
        return False


# Commands ----------------------------------------------------------------------------------


def load(path: str) -> Project:
    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{path}: no such project folder")
    if not (root / "studio.yaml").is_file():
        raise UsageError(f"{path}: not a Missiva project (no studio.yaml)")
    return load_project(root)


def template_named(project: Project, name: str) -> Template:
    """The template a command names, or a usage error listing the project's templates."""
    if name not in project.templates:
        known = ", ".join(sorted(project.templates)) or "none"
        raise UsageError(f"no template {name!r} (templates: {known})")
    return project.templates[name]


def time_limit(text: str) -> float:
    """--time-limit SECONDS: a positive number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text!r}")
    return value


TIME_LIMIT_HELP = ("seconds a rendition may take (default: limits.time in studio.yaml, "
                   "or 10)")


def project_folder(project: str) -> Path:
    """PROJECT as a folder that holds a Missiva project (studio.yaml), or a usage error."""
    root = Path(project)
    if not root.is_dir():
        raise UsageError(f"{project}: no such project folder")
    if not (root / "studio.yaml").is_file():
        raise UsageError(f"{project}: not a Missiva project (no studio.yaml)")
    return root
