"""The one entry point that turns (project, template, channel, record, locale) into a Rendition."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from studio.core.channels import Rendition, renderer
from studio.core.compose import compose
from studio.core.limits import Limits, limits_from, text_problem, within
from studio.core.messages import msg
from studio.core.problems import ProblemError, error
from studio.core.project import Project, Template
from studio.core.records import Record, record_from_value


def render(
    project: Project,
    template: Template | str,
    channel: str,
    record: Record | Mapping[str, Any],
    locale: str | None = None,
    *,
    record_path: str = "(record)",
    limits: Limits | None = None,
    send_date: str | None = None,
    attachments: bool = True,
    preview: bool = False,
) -> Rendition:
    """Render one rendition. Raises ProblemError naming the file and line at fault.

    RECORD is a `records.Record` (read and checked on the one record path: its problem, if
    any, is raised as is) or a plain mapping, which goes through that path here (problems
    named after RECORD_PATH). Either way a bad record is reported as such rather than as a
    puzzling template error (text no channel can encode, a lone surrogate, is a record problem
    naming its field too, whatever the schema says). The rendition runs within LIMITS (the
    project's `limits:` by default): past its time it is a ProblemError "rendering took
    longer than N s" at the template line it had reached. SEND_DATE (ISO: 2026-12-01, or a
    local time 2026-12-01T09:30; senddate.py) dates the letter, the email's Date and its
    Message-ID; today in the project's time zone when None. ATTACHMENTS False leaves out what a
    rendition would carry of another channel (the bill's print PDF attached to its email): the
    studio's live preview, which shows print in its own pane, pays for one layout a keystroke.
    PREVIEW: a rendition only looked at, in the studio's preview panes: the print PDF's streams
    are not compressed (the same PDF/A, tagged, the same pages; a tenth to a third less time to
    write). What is exported, sent or saved is never a preview.
    """
    if not isinstance(record, Record):
        record = record_from_value(project.schema, record, record_path)
    data, record_path = record.checked(), record.path
    budget = limits if limits is not None else limits_from(project.config.raw)
    name = template if isinstance(template, str) else template.name
    found = project.templates.get(name)
    where = found.path if found is not None else f"templates/{name}.yaml"

    def work() -> Rendition:
        composition = compose(project, template, channel, data, locale, send_date=send_date)
        if not attachments or preview:
            composition = dataclasses.replace(composition, attachments=attachments,
                                              preview=preview)
        return renderer(channel)(composition)

    try:
        return within(budget, where, work)
    except (UnicodeError, ProblemError):
        # Text no channel can encode (a lone surrogate) is refused where records are parsed;
        # a record made otherwise is looked at only when it fails, so clean ones pay nothing.
        bad = text_problem(data)
        if bad is None:
            raise
        raise ProblemError(error(record_path, 1, 1, msg("{field}: {reason}", field=bad[0],
                                                        reason=bad[1]))) from None
