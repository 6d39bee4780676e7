"""What the `missiva` command's modules share: usage errors, loading the project and the
template a command names, reading records, the --time-limit option."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.project import Project, Template, load_project

if TYPE_CHECKING:  # jsonschema is a third of a second to import: only the commands reading
    from studio.core.records import Record  # records pay for it


class UsageError(Exception):
    """A command that cannot run as asked: the message says why, exit code 2."""


# Records -----------------------------------------------------------------------------------


def records_from(project: Project, sample: str | None, data: str | None) -> list[Record]:
    """The records a command is given: the file (or stdin, "-") of --data, the --sample, or
    the project's default sample; each read and checked on the core's one record path."""
    from studio.core.records import records_in, sample_record

    if data is not None:
        try:
            text = sys.stdin.read() if data == "-" else Path(data).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {data}: {exc}") from None
        return list(records_in(project.schema, text, "<stdin>" if data == "-" else data))
    if sample is None:
        sample = str(project.config.raw.get("default_sample") or "") or None
        if sample is None:
            if not project.samples:
                raise UsageError("the project has no samples in data/samples/: give --data FILE")
            sample = sorted(project.samples)[0]
    if sample not in project.samples:
        known = ", ".join(sorted(project.samples)) or "none"
        raise UsageError(f"no sample {sample!r} in data/samples/ (samples: {known})")
    return [sample_record(project, sample)]


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


def send_date(text: str) -> str:
    """--send-date YYYY-MM-DD (or a local time, YYYY-MM-DDTHH:MM)."""
    from studio.core.senddate import SendDateError, parse_send_date

    try:
        return parse_send_date(text)
    except SendDateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


SEND_DATE_HELP = ("the day the communication goes out (YYYY-MM-DD, or YYYY-MM-DDTHH:MM): the "
                  "letter's date, the email's Date and Message-ID (default: today in the "
                  "project's time zone)")

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
