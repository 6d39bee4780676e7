"""The one entry point that turns (project, template, channel, record, locale) into a Rendition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.core.channels import Rendition, renderer
from studio.core.compose import compose
from studio.core.problems import ProblemError
from studio.core.project import Project, Template
from studio.core.schema import record_problems


def render(
    project: Project,
    template: Template | str,
    channel: str,
    record: Mapping[str, Any],
    locale: str | None = None,
    *,
    record_path: str = "(record)",
    check_record: bool = True,
) -> Rendition:
    """Render one rendition. Raises ProblemError naming the file and line at fault.

    The record is checked against the data schema first, so a bad record is reported as such
    rather than as a puzzling template error.
    """
    if check_record:
        problems = record_problems(project.schema, record, record_path)
        if problems:
            raise ProblemError(problems[0])
    composition = compose(project, template, channel, record, locale)
    return renderer(channel)(composition)
