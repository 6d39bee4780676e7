"""Check renditions: accessibility (axe, Matterhorn) and readability of every block, as values.

`check_renditions` walks the proof matrix (template × sample × locale × channel), renders each
rendition once and judges it: HTML pages go to one long-lived axe child (`AxeEngine`), PDFs to
pikepdf, every block's text to its readability index and budget. The CLI (`missiva check`),
the export gate (`requires_checks: true`) and the studio's checks all read these values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from studio.core.channels import CHANNELS, Rendition, renderer
from studio.core.checks import readability as rd
from studio.core.checks.axe import AxeEngine, AxePageFailed, Page, html_of
from studio.core.checks.findings import IMPACT_WORDS, Finding
from studio.core.checks.pdf import check_pdf
from studio.core.compose import Composition, compose
from studio.core.messages import msg
from studio.core.problems import Problem, ProblemError
from studio.core.project import Project


@dataclass(frozen=True)
class BlockReadability:
    block: str | None  # None: the whole rendition
    index: str
    value: float
    words: int
    sentences: int
    budget: float | None
    path: str = ""  # where the budget is written (the block's file, or studio.yaml)

    @property
    def ok(self) -> bool:
        return self.budget is None or self.words < rd.MIN_WORDS or self.value >= self.budget

    def as_json(self) -> dict[str, Any]:
        return {"block": self.block, "index": self.index, "value": self.value,
                "budget": self.budget, "ok": self.ok, "words": self.words,
                "sentences": self.sentences}


@dataclass(frozen=True)
class RenditionCheck:
    """What the checks found in one rendition."""

    template: str
    channel: str
    sample: str
    locale: str
    accessibility: tuple[Finding, ...] = ()
    readability: tuple[BlockReadability, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and not any(f.blocking for f in self.accessibility)
            and all(r.ok for r in self.readability)
        )

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "template": self.template, "channel": self.channel, "sample": self.sample,
            "locale": self.locale, "ok": self.ok,
            "accessibility": [f.as_json() for f in self.accessibility],
            "readability": [r.as_json() for r in self.readability],
        }
        if self.error is not None:
            data["error"] = self.error
        return data


def block_readability(project: Project, composition: Composition) -> list[BlockReadability]:
    """The rendition's readability as a whole (first), then each block's, with its budget."""
    locale = composition.locale
    whole = rd.readability(composition.text, locale)
    out = [BlockReadability(None, whole.index, whole.value, whole.counts.words,
                            whole.counts.sentences, None)]
    setting = project.config.raw.get("readability")
    project_budget = rd.budget(setting, locale, "studio.yaml", 1)
    by_owner = setting.get("owners") if isinstance(setting, dict) else None
    for composed in composition.blocks:
        if not composed.text.strip():
            continue
        block = project.blocks.get(composed.block)
        own: Any = None
        path = composed.path
        if block is not None:
            source = block.source(locale, project.config.default_locale)
            own = source.meta.get("readability")
            if own is None:
                own = block.source(
                    project.config.default_locale, project.config.default_locale
                ).meta.get("readability")
        inherited = project_budget
        if block is not None and isinstance(by_owner, dict) and block.owner in by_owner:
            inherited = rd.budget(by_owner[block.owner], locale, "studio.yaml", 1, project_budget)
        budget = rd.budget(own, locale, path, 1, inherited)
        value = rd.readability(composed.text, locale)
        out.append(BlockReadability(
            composed.block, value.index, value.value, value.counts.words,
            value.counts.sentences, budget.min if budget else None,
            budget.path if budget else "",
        ))
    return out


def readability_problems(project: Project, composition: Composition) -> list[Problem]:
    """A missed budget as a problem on the block's file (for the studio's Problems panel)."""
    from studio.core.problems import warning

    problems = []
    for r in block_readability(project, composition):
        if r.block is not None and not r.ok:
            problems.append(warning(
                r.path or "studio.yaml", 1, 1,
                msg("readability: {block} scores {value} ({index}), its budget is {budget}: "
                    "shorter sentences and shorter words raise it", block=r.block,
                    value=f"{r.value:g}", index=r.index, budget=f"{r.budget:g}"),
            ))
    return problems


def check_renditions(
    project: Project,
    items: Iterable[tuple[str, str, str, str]],
    progress: Callable[[RenditionCheck], None] | None = None,
    rendered: Rendition | None = None,
    engine: AxeEngine | None = None,
) -> list[RenditionCheck]:
    """Check each (template, sample, locale, channel), reporting each to PROGRESS as soon as it
    is judged. HTML pages go to ENGINE's one axe child (an engine of this call's own when None:
    one child for the whole run); a page seen before is not checked again.

    RENDERED, when given, is the rendition of the single item already made (the studio's
    preview): it is checked as it is, only composed again for the blocks' text."""
    if engine is None:
        with AxeEngine() as own:
            return check_renditions(project, items, progress, rendered, own)
    from studio.core.checks.clients import check_clients, target_clients

    clients = target_clients(project.config.raw)
    results: list[RenditionCheck] = []
    seen: dict[bytes, tuple[Finding, ...] | str] = {}  # a page's findings, or why it failed
    for template, sample_name, locale, channel in items:
        sample = project.samples[sample_name]
        check = RenditionCheck(template, channel, sample_name, locale)
        try:
            composition = compose(project, project.templates[template], channel,
                                  sample.record, locale)
            rendition = rendered if rendered is not None else renderer(channel)(composition)
        except ProblemError as exc:
            check = _with(check, error=str(exc.problem))
        else:
            readable = tuple(block_readability(project, composition))
            findings: tuple[Finding, ...] = ()
            failed = None
            kind = CHANNELS[channel]
            if kind.paged:
                findings = tuple(check_pdf(rendition.content))
            elif not kind.segmented:
                html = html_of(rendition.content, rendition.media_type)
                if rendition.content not in seen:
                    try:
                        seen[rendition.content] = tuple(
                            engine.check(Page(str(len(seen)), html)))
                    except AxePageFailed as exc:
                        seen[rendition.content] = str(exc)
                found = seen[rendition.content]
                if isinstance(found, str):
                    failed = found
                else:
                    findings = found
                if kind.mail_clients:  # what the targeted mail clients do not support
                    findings = (*findings, *check_clients(html, clients))
            check = _with(check, accessibility=findings, readability=readable, error=failed)
        results.append(check)
        if progress is not None:
            progress(check)
    return results


def proof_matrix(project: Project, template: str | None = None, sample: str | None = None
                 ) -> list[tuple[str, str, str, str]]:
    """Every (template, sample, locale, channel) the proof covers, in the proof's order; only
    TEMPLATE's, or SAMPLE's, when given."""
    names = [template] if template is not None else sorted(project.templates)
    samples = [sample] if sample is not None else sorted(project.samples)
    return [
        (name, sample_name, locale, channel)
        for name in names
        for sample_name in samples
        for locale in project.config.locales
        for channel in project.templates[name].channels
    ]


def _with(check: RenditionCheck, **changes: Any) -> RenditionCheck:
    from dataclasses import replace

    return replace(check, **changes)


def checks_gate(project: Project, templates: Iterable[str], target: str) -> None:
    """Refuse an export to TARGET (`requires_checks: true`) while a rendition of TEMPLATES has
    a serious or critical finding or misses a readability budget: raises ProblemError."""
    from studio.core.checks.axe import AxeUnavailable
    from studio.core.problems import error

    items = [item for name in sorted(templates) if name in project.templates
             for item in proof_matrix(project, name)]
    try:
        failed = [c for c in check_renditions(project, items) if not c.ok]
    except AxeUnavailable as exc:
        raise ProblemError(error("studio.yaml", 0, 0, msg(
            "export to {target} refused: the accessibility checks could not run ({reason})",
            target=target, reason=str(exc)))) from None
    if failed:
        first = failed[0]
        raise ProblemError(error("studio.yaml", 0, 0, msg(
            "export to {target} refused: {count} rendition(s) fail missiva check "
            "(requires_checks), the first {template} {sample} {locale} {channel}: run missiva "
            "check for the list", target=target, count=len(failed), template=first.template,
            sample=first.sample, locale=first.locale, channel=first.channel)))


def check_problems(project: Project, check: RenditionCheck) -> list[Problem]:
    """A rendition's findings and missed budgets as Problems on the file of the block at fault
    (the template's file for what the layout produced), for the studio's Problems panel."""
    from studio.core.problems import error, warning

    template = project.templates.get(check.template)
    fallback = template.path if template is not None else "studio.yaml"

    def path_of(block_id: str | None) -> str:
        block = project.blocks.get(block_id or "")
        if block is None:
            return fallback
        source = block.source(check.locale, project.config.default_locale)
        return source.path

    problems: list[Problem] = []
    for f in check.accessibility:
        make = error if f.blocking else warning
        impact = IMPACT_WORDS.get(f.impact, f.impact)
        if f.block:
            text = msg("{channel}: {impact} {rule} in {block}: {message}", channel=check.channel,
                       impact=impact, rule=f.rule, block=f.block, message=f.words())
        else:
            text = msg("{channel}: {impact} {rule} in the layout: {message}",
                       channel=check.channel, impact=impact, rule=f.rule, message=f.words())
        problems.append(make(path_of(f.block), 1, 1, text))
    for r in check.readability:
        if r.block is not None and not r.ok and r.budget is not None:
            problems.append(warning(path_of(r.block), 1, 1, msg(
                "{channel}: readability of {block} is {value} ({index}), its budget {budget}: "
                "shorter sentences and words raise it", channel=check.channel, block=r.block,
                value=f"{r.value:g}", index=r.index, budget=f"{r.budget:g}")))
    return problems


def check_live(
    state: Any, template: str, channel: str, sample: str, locale: str,
    rendition: Rendition | None = None,
) -> tuple[RenditionCheck, list[Problem]]:
    """The studio's live check of the previewed RENDITION (run in a worker process, after the
    preview, never before it; not rendered again): the check and its problems."""
    from studio.core.jobs import _last_project

    project = _last_project().get(state)
    [check] = check_renditions(project, [(template, sample, locale, channel)],
                               rendered=rendition, engine=live_engine())
    return check, check_problems(project, check)


@functools.cache
def live_engine() -> AxeEngine:
    """The checks worker's one axe engine: its child lives as long as the worker (it quits
    when the worker's end closes its standard input), so a preview's check costs a page, not
    a Chromium start."""
    return AxeEngine()


def live_engine_state() -> tuple[int | None, int]:
    """In the checks worker: its axe child's process id and how many children it started."""
    engine = live_engine()
    return engine.pid, engine.starts
