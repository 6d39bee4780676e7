"""Rendered diffs: one template on one channel at two revisions, compared."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studio.core.history import WORKTREE, Repository, open_repository
from studio.core.messages import msg
from studio.core.problems import ProblemError, error
from studio.core.senddate import today

if TYPE_CHECKING:

    from studio.core.channels import Rendition
    from studio.core.project import Project
from studio.core.channels import CHANNELS
from studio.core.diff.html import BlockChange, HtmlDiff, html_diff
from studio.core.diff.pages import PrintDiff, print_diff
from studio.core.diff.source import resolve_revision
from studio.core.diff.text import TextDiff, word_diff

# Rendered diffs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedDiff:
    """One template on one channel, rendered at two revisions with the same record, compared."""

    template: str
    channel: str
    sample: str
    locale: str
    rev_a: str  # full hashes
    rev_b: str
    facts_a: Mapping[str, Any] = field(default_factory=dict)
    facts_b: Mapping[str, Any] = field(default_factory=dict)
    text: TextDiff | None = None  # sms text; email text/plain part
    html: HtmlDiff | None = None  # email and mobile
    print: PrintDiff | None = None
    fields: Mapping[str, TextDiff] = field(default_factory=dict)  # email subject, preheader
    notes: tuple[str, ...] = ()  # how the record was fitted to a revision's schema
    send_date: str = ""  # the day both sides were rendered as sent on

    @property
    def changed(self) -> bool:
        parts: list[Any] = [self.text, self.html, self.print, *self.fields.values()]
        return any(part is not None and part.changed for part in parts)

    @property
    def changed_pages(self) -> list[int]:
        return self.print.changed_pages if self.print is not None else []

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "template": self.template,
            "channel": self.channel,
            "sample": self.sample,
            "locale": self.locale,
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "send_date": self.send_date,
            "changed": self.changed,
            "facts_a": dict(self.facts_a),
            "facts_b": dict(self.facts_b),
        }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.fields:
            data["fields"] = {name: d.as_json() for name, d in self.fields.items()}
        if self.text is not None:
            data["text"] = self.text.as_json()
        if self.html is not None:
            data["html"] = self.html.as_json()
        if self.print is not None:
            data.update(self.print.as_json())
        return data


def _pick_sample(project: Project, name: str | None) -> str:
    if name is not None:
        return name
    default = str(project.config.raw.get("default_sample") or "")
    if default:
        return default
    if not project.samples:
        raise ProblemError(error("data/samples", 0, 0, msg("the project has no sample records")))
    return sorted(project.samples)[0]


def _record_at(
    project: Project, label: str, sample_name: str, record: Mapping[str, Any], record_path: str
) -> tuple[Mapping[str, Any], str, str | None]:
    """The record to render PROJECT (one revision) with, its path, and a note when it differs.

    The same record on both sides shows what the project's changes do. When a revision's
    schema does not accept it (the schema gained fields since), the fields it does not know
    are left out and the note names them; when even that does not fit, the revision's own
    sample of the same name is used."""
    from studio.core.schema import fit_record, record_problems

    if not record_problems(project.schema, record, record_path):
        return record, record_path, None
    fitted, dropped = fit_record(project.schema, record)
    if dropped and not record_problems(project.schema, fitted, record_path):
        names = ", ".join(dropped)
        return fitted, record_path, (
            f"at {label} the schema does not have {names}: "
            f"sample {sample_name!r} rendered without {'it' if len(dropped) == 1 else 'them'}"
        )
    own = project.samples.get(sample_name)
    if own is not None and not record_problems(project.schema, own.record, own.path):
        return own.record, own.path, f"at {label} sample {sample_name!r} as it was then"
    return record, record_path, None  # the render reports what does not fit


def _render_at(
    project: Project,
    label: str,
    template: str,
    channel: str,
    record: Mapping[str, Any],
    record_path: str,
    locale: str,
    send_date: str,
) -> Rendition:
    from studio.core.render import render

    found = project.templates.get(template)
    if found is None:
        raise ProblemError(
            error(
                f"templates/{template}.yaml",
                0,
                0,
                f"template {template!r} does not exist at {label}",
            )
        )
    try:
        return render(project, found, channel, record, locale, record_path=record_path,
                      send_date=send_date)
    except ProblemError as exc:
        p = exc.problem
        raise ProblemError(error(p.path, p.line, p.col, msg("at {label}: {message}", label=label,
                                                           message=p.message))) from None


def _email_parts(content: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(content, policy=email.policy.default)
    plain = message.get_body(("plain",))  # type: ignore[attr-defined]
    rich = message.get_body(("html",))  # type: ignore[attr-defined]
    return (
        plain.get_content() if plain is not None else "",
        rich.get_content() if rich is not None else "",
    )


def rendered_diff(
    root: str | os.PathLike[str] | Repository,
    rev_a: str,
    rev_b: str,
    template: str,
    channel: str,
    *,
    sample: str | None = None,
    locale: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    dpi: float = 80,
    send_date: str | None = None,
) -> RenderedDiff:
    """Render TEMPLATE on CHANNEL at both revisions and compare what a customer would get.

    Both sides use the same record: the sample as it is at REV_B (or at REV_A when REV_B does
    not have it), so the diff shows what the project's changes do, not the record's. Both
    are sent on the same day, SEND_DATE (today in REV_B's time zone when None, taken once): a
    letter's date, an email's Date and Message-ID never show as a change, and a diff given a
    send date is the same whenever it is run."""
    repository = open_repository(root)
    commit_a, commit_b = resolve_revision(repository, rev_a), resolve_revision(repository, rev_b)
    project_a, project_b = repository.project_at(commit_a), repository.project_at(commit_b)
    sample_name = _pick_sample(project_b, sample)
    found = project_b.samples.get(sample_name) or project_a.samples.get(sample_name)
    if found is None:
        known = ", ".join(sorted(set(project_a.samples) | set(project_b.samples))) or "none"
        raise ProblemError(
            error(
                f"data/samples/{sample_name}.json",
                0,
                0,
                f"no sample {sample_name!r} at either revision (samples: {known})",
            )
        )
    locale = locale or project_b.config.default_locale
    sent = send_date or today(project_b.config.timezone)
    label_a, label_b = _label(commit_a), _label(commit_b)
    notes: list[str] = []
    sides = []
    for project, label in ((project_a, label_a), (project_b, label_b)):
        record, path, note = _record_at(project, label, sample_name, found.record, found.path)
        if note:
            notes.append(note)
        sides.append(_render_at(project, label, template, channel, record, path, locale, sent))
    a, b = sides
    common: dict[str, Any] = {
        "template": template,
        "channel": channel,
        "sample": sample_name,
        "locale": locale,
        "rev_a": commit_a,
        "rev_b": commit_b,
        "facts_a": _plain_facts(a.facts),
        "facts_b": _plain_facts(b.facts),
        "notes": tuple(notes),
        "send_date": sent,
    }
    compare = CHANNELS[channel].compare if channel in CHANNELS else ""
    if compare == "text":
        return RenderedDiff(**common, text=word_diff(_sms_text(a), _sms_text(b)))
    if compare == "mime":
        text_a, html_a = _email_parts(a.content)
        text_b, html_b = _email_parts(b.content)
        fields = {
            name: word_diff(str(a.facts.get(name, "")), str(b.facts.get(name, "")))
            for name in ("subject", "preheader")
        }
        return RenderedDiff(
            **common, text=word_diff(text_a, text_b), html=html_diff(html_a, html_b), fields=fields
        )
    if compare == "html":
        return RenderedDiff(
            **common,
            html=html_diff(
                a.content.decode("utf-8", "replace"), b.content.decode("utf-8", "replace")
            ),
        )
    if compare == "pages":
        stem = f"{template.replace('/', '_')}-{channel}-{sample_name}-{locale}-page"
        result = print_diff(
            a.content,
            b.content,
            dpi=dpi,
            output_dir=output_dir,
            labels=(f"A {label_a}", f"B {label_b}"),
            stem=stem,
        )
        return RenderedDiff(**common, print=result)
    raise ProblemError(error(template, 0, 0, msg("unknown channel {channel!r}", channel=channel)))


def _label(commit: str) -> str:
    return "the working tree" if commit == WORKTREE else commit[:10]


def _sms_text(rendition: Rendition) -> str:
    text = rendition.facts.get("text")
    return str(text) if text is not None else rendition.content.decode("utf-8", "replace")


def _plain_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if isinstance(v, str | int | float | bool)}


def iter_changed_blocks(diff: RenderedDiff) -> Iterator[BlockChange]:
    """The blocks whose visible text changed (email and mobile)."""
    if diff.html is not None:
        yield from (b for b in diff.html.blocks if b.status != "equal")


def compare_channel(
    root: str | os.PathLike[str],
    revs: tuple[str, str],
    template: str,
    channel: str,
    sample: str | None,
    locale: str | None,
    output_dir: str | None,
    send_date: str | None = None,
) -> RenderedDiff | str:
    """The studio's compare of one channel (run in a worker): the rendered diff, or in words
    why there is none (the template is not sent on CHANNEL at the newer revision)."""
    repository = open_repository(root)
    found = repository.project_at(revs[1]).templates.get(template)
    if found is not None and channel not in found.channels:
        return f"Template {template} is not sent by {channel}."
    return rendered_diff(repository, revs[0], revs[1], template, channel, sample=sample,
                         locale=locale, output_dir=output_dir, send_date=send_date)
