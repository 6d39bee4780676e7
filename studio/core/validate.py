"""Validation: every problem a render would hit, and more, found without producing output."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import threading
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import TemplateSyntaxError

from studio.core import channels, headings, limits, markdown, senddate, wording
from studio.core.channels import CHANNELS
from studio.core.checks import readability
from studio.core.checks.clients import client_problems
from studio.core.compose import compose
from studio.core.engine import (
    TEXT_ENV,
    compile_expression,
    compile_template,
    expression_paths,
    variable_paths,
)
from studio.core.index import includes, index_of
from studio.core.layouts import layout_file
from studio.core.messages import Message, msg
from studio.core.problems import Problem, ProblemError, Severity, error, warning
from studio.core.project import SCHEMA_FILE, Block, Project, Template
from studio.core.routing import delivery_problems
from studio.core.schema import record_problems, schema_has_path, schema_problems
from studio.core.sources import LocatedDict

# Names every block may use without the schema defining them.
BUILTIN_NAMES = frozenset(
    {
        "locale",
        "channel",
        "brand",
        "params",
        "block",
        "loop",
        "range",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "_currency",
        "_timezone",
        "send_date",
    }
)


Progress = Callable[[int, int], None]  # (parts checked, parts in all)


class _Counter:
    """Calls PROGRESS(done, total) as parts are checked: a block, a template, a sample, a
    template's trial compositions; at most about a hundred calls a validation."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, max(total, 1), 0
        self._step = max(1, self.total // 100)
        self._told = -1

    def add(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        if self.progress is not None and (self.done - self._told >= self._step
                                          or self.done == self.total):
            self._told = self.done
            self.progress(self.done, self.total)


def validate(project: Project, *, trial_render: bool = True,
             time_limit: float | None = None,
             progress: Progress | None = None, full_layouts: bool = True,
             screen_layouts: bool | frozenset[str] | None = None) -> list[Problem]:
    """All problems of a project, sorted by file and line, each reported once. Each trial
    composition runs within the rendition's budget (the project's `limits:`, or TIME_LIMIT
    seconds), so a runaway template is a problem, not a validation that never ends.

    Validation is incremental: the problems of each block, template, sample and each template's
    trial compositions are kept by the content they were found on (see `_Memo`), so validating
    again after one edit re-checks that block and the templates that reach it, nothing else.

    PROGRESS, when given, is called with (parts checked, parts in all) as the work goes: each
    block, template and sample is a part, and so are each template's trial compositions.

    FULL_LAYOUTS False leaves out laying heavy channels out whole (the print letter of the
    default sample, for its last page's fill): the studio's validation after each keystroke,
    whose print preview lays the letter out and warns of that fill itself. Two layouts a
    keystroke (one per locale) took a core from the previews on a 2-core machine.
    SCREEN_LAYOUTS (as FULL_LAYOUTS unless given; or the names of the templates to do it for)
    is the same for the light channels' screens (email at 600 px, mobile at 360), laid out for
    the regulatory wording as shown where the project styles them: their previews are not
    WeasyPrint, so the studio asks for the template on screen."""
    facts = _Facts(project)
    trials = len(project.templates) if trial_render else 0
    counter = _Counter(progress, len(project.blocks) + len(project.templates)
                       + len(project.samples) + trials)
    problems: list[Problem] = list(project.problems)
    problems += _config_problems(project)
    if project.schema is not None:
        problems += _MEMO.get(("schema", facts.schema), lambda: list(
            schema_problems(project.schema or {}, SCHEMA_FILE)))
    for block in project.blocks.values():
        problems += _MEMO.get(
            ("block", facts.block(block.id), facts.config, facts.schema, facts.ids),
            functools.partial(_listed, _block_problems, project, block))
        counter.add()
    problems += _reference_cycles(project)
    problems += _look_alike_ids(project)
    for template in project.templates.values():
        used = tuple(facts.block(item.block) for item in template.body)
        problems += _MEMO.get(
            ("template", facts.template(template), used, facts.config, facts.schema),
            functools.partial(_listed, _template_problems, project, template))
        counter.add()
    for sample in project.samples.values():
        problems += _MEMO.get(("sample", facts.sample(sample), facts.schema), functools.partial(
            _listed, record_problems, project.schema, sample.record, sample.path,
            sample.positions))
        counter.add()
    problems += _layout_problems(project)
    problems += delivery_problems(project)
    if trial_render and not any(p.is_error for p in problems):
        problems += _trial_problems(project, limits.limits_from(project.config.raw, time_limit),
                                    facts, counter.add, full_layouts,
                                    full_layouts if screen_layouts is None else screen_layouts)
    counter.add(counter.total)  # trials not run (an error first) or cut short: all done
    return _unique(problems)


def _listed(find: Callable[..., Iterable[Problem]], *args: Any) -> list[Problem]:
    return list(find(*args))


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


_DIGESTS: dict[int, tuple[weakref.ref[Any], str]] = {}  # by id, while the object lives


def _digest_of(part: object) -> str:
    """_digest of a loaded block or template, worked out once for each: `reload` keeps every
    part the edit did not touch (the same object), so a validation after one edit spells out
    the edited block again, not the library. An entry goes with its object."""
    key = id(part)
    kept = _DIGESTS.get(key)
    if kept is not None and kept[0]() is part:
        return kept[1]
    found = _digest(part)

    def forget(_: weakref.ref[Any]) -> None:
        _DIGESTS.pop(key, None)

    _DIGESTS[key] = (weakref.ref(part, forget), found)
    return found


class _Facts:
    """Fingerprints of one Project value's parts: what a kept result was found on. A part's
    repr holds everything it is (text, front matter, settings), so equal fingerprints mean
    equal parts, whether the project was reloaded, loaded again or edited elsewhere."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.config = _digest(project.config)
        self.schema = _digest(project.schema)
        self.ids = _digest(tuple(project.blocks))
        self._blocks: dict[str, str] = {}

    def block(self, block_id: str) -> str:
        found = self._blocks.get(block_id)
        if found is None:
            block = self.project.blocks.get(block_id)
            found = self._blocks[block_id] = _digest_of(block) if block is not None else "-"
        return found

    def template(self, template: Template) -> str:
        return _digest_of(template)

    def sample(self, sample: Any) -> str:
        return _digest((sample.name, sample.path, sample.record))

    def files(self) -> str:
        """The files a composition reads besides the loaded project: layouts, styles, assets."""
        seen = []
        for folder in ("layouts", "styles", "assets"):
            for path in sorted((self.project.root / folder).rglob("*")):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                seen.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
        return _digest(seen)


class _Memo:
    """Problems kept by the fingerprints of what they were found on, the oldest forgotten
    first. Shared by every validation in the process (the studio validates after each edit,
    possibly from two threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[tuple[Any, ...], list[Problem]] = {}
        self._lock = threading.Lock()

    def peek(self, key: tuple[Any, ...]) -> list[Problem] | None:
        with self._lock:
            found = self._kept.pop(key, None)
            if found is not None:
                self._kept[key] = found  # most recently used last
            return found

    def put(self, key: tuple[Any, ...], problems: list[Problem]) -> None:
        with self._lock:
            self._kept[key] = problems
            while len(self._kept) > self.size:
                del self._kept[next(iter(self._kept))]

    def get(self, key: tuple[Any, ...],
            find: Callable[[], list[Problem]]) -> list[Problem]:
        found = self.peek(key)
        if found is None:
            found = find()
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


_MEMO = _Memo(20_000)


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, int, str]] = set()
    result = []
    for problem in problems:
        key = (problem.path, problem.line, problem.message.split(" [")[0])
        if key in seen:
            continue
        seen.add(key)
        result.append(problem)
    severity_order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(result, key=lambda p: (p.path, p.line, p.col, severity_order[p.severity]))


def _config_problems(project: Project) -> Iterator[Problem]:
    config = project.config
    raw = config.raw
    logo = config.brand.get("logo")
    if logo and not (project.root / str(logo)).is_file():
        brand = raw.get("brand")
        line, col = brand.where("logo") if isinstance(brand, LocatedDict) else (1, 1)
        yield error("studio.yaml", line, col, msg("brand logo {logo} does not exist", logo=logo))
    approvers = config.compliance.get("approvers") or []
    for role in approvers if isinstance(approvers, list) else []:
        if role not in config.roles:
            yield error(
                "studio.yaml",
                *_where(raw, "compliance"),
                msg("approver role {role!r} is not declared in roles", role=role),
            )
    yield from _four_eyes_problems(config, raw)
    if not project.templates:
        yield warning("templates", 0, 0, msg("the project has no templates"))
    if not senddate.known_zone(config.timezone):
        yield error("studio.yaml", *_where(raw, "timezone"),
                    msg("timezone: unknown time zone {zone!r} (an IANA name like Europe/Rome)",
                        zone=config.timezone))
    yield from limits.config_problems(raw)
    yield from _company_letterhead_problems(config.brand, raw)
    # issue 21: what missiva check reads, checked where it is written
    yield from readability.setting_problems(raw, "readability", "studio.yaml", config.locales,
                                            config.roles)
    yield from client_problems(raw)


def _four_eyes_problems(config: Any, raw: Any) -> Iterator[Problem]:
    """compliance.four_eyes: true or false (anything else would leave the rule off without a
    word), and with it on, two approvers at least (one could approve nothing they wrote)."""
    settings = raw.get("compliance")
    if not isinstance(settings, dict) or "four_eyes" not in settings:
        return
    value = settings["four_eyes"]
    line, col = settings.where("four_eyes") if isinstance(settings, LocatedDict) \
        else _where(raw, "compliance")
    if not isinstance(value, bool):
        yield error("studio.yaml", line, col,
                    msg("compliance.four_eyes: true or false, got {value!r}", value=value))
        return
    approvers = config.compliance.get("approvers") or []
    people = {str(e).strip().lower() for role in approvers if isinstance(approvers, list)
              for e in config.roles.get(role, ())}
    if value and len(people) < 2:
        yield warning("studio.yaml", line, col,
                      msg("compliance.four_eyes needs two approvers at least: with {count}, a "
                          "text its approver changed can never be approved", count=len(people)))


# Company forms whose letters and documents must state the company's registration details
# (art. 2250 c.c.): S.p.A., S.r.l. (and semplificata), S.a.p.a., written with or without dots.
_CAPITAL_COMPANY = re.compile(
    r"(?<=\s)(s\.?\s?p\.?\s?a|s\.?\s?r\.?\s?l(\.?\s?s)?|s\.?\s?a\.?\s?p\.?\s?a)\.?(?!\w)"
    r"|societ[àa] (per azioni|a responsabilit[àa] limitata|in accomandita per azioni)", re.I)
# What art. 2250 c.c. requires on an Italian company's letters, as brand fields: registered
# office, the Registro delle Imprese (office and number), REA number, paid-up share capital.
ART_2250_FIELDS = ("registered_office", "company_register", "rea", "share_capital")


def _company_letterhead_problems(brand: Any, raw: Any) -> Iterator[Problem]:
    """An Italian capital company (brand.vat IT…, an S.p.A./S.r.l. name) prints its
    registration details on every letter (art. 2250 c.c.): the letterhead reads them from
    brand:, so a missing one is an error."""
    company = str(brand.get("company") or "")
    vat = str(brand.get("vat") or "").replace(" ", "").upper()
    if not vat.startswith("IT") or not _CAPITAL_COMPANY.search(company):
        return
    node = raw.get("brand")
    line, col = _where(node, "company")
    for key in ART_2250_FIELDS:
        if not str(brand.get(key) or "").strip():
            yield error("studio.yaml", line, col, msg(
                "brand.{key} is missing: an Italian company's letters state its registered "
                "office, Registro delle Imprese and REA numbers and paid-up share capital "
                "(art. 2250 c.c.)", key=key))


def _where(node: Any, key: str) -> tuple[int, int]:
    return node.where(key) if hasattr(node, "where") else (1, 1)


# Blocks ------------------------------------------------------------------------------------


def _block_problems(project: Project, block: Block) -> Iterator[Problem]:
    config = project.config
    if block.owner is not None and block.owner not in config.roles:
        yield error(
            block.path,
            *_where(block.sources[config.default_locale].meta, "owner"),
            msg("owner {owner!r} is not a role in studio.yaml", owner=block.owner),
        )
    if block.regulatory and block.owner is None:
        yield warning(
            block.path,
            *_where(block.sources[config.default_locale].meta, "regulatory"),
            msg("a regulatory block should name its owner role"),
        )
    for source in block.sources.values():
        texts = [(source.body, source.body_line)]
        variants = source.meta.get("variants")
        for channel, text in source.variants.items():
            texts.append((text, _where(variants, channel)[0]))
        for text, line in texts:
            try:
                compile_template(text, source.path, line)
                paths = variable_paths("\n" * (line - 1) + text, source.path)
            except ProblemError as exc:
                yield exc.problem
                continue
            yield from _unknown_variables(project, paths, source.path, set(block.params))
            yield from _unknown_includes(project, "\n" * (line - 1) + text, source.path)
        yield from _images_without_alt(source.body, source.path, source.body_line)
        yield from _skipped_heading_levels(source.body, source.path, source.body_line)
        yield from readability.setting_problems(source.meta, "readability", source.path,
                                                config.locales, project_wide=False)


def _images_without_alt(body: str, path: str, first_line: int) -> Iterator[Problem]:
    """Images need alt text: screen readers, PDF/UA and mail clients that block images."""
    for token in markdown.parse(body):
        for child in token.children or []:
            if child.type == "image" and not child.content.strip():
                line = first_line + (token.map[0] if token.map else 0)
                yield warning(
                    path,
                    line,
                    0,
                    msg("image {src} has no alt text (write ![what it shows](…))",
                        src=child.attrGet("src")),
                )


def _skipped_heading_levels(body: str, path: str, first_line: int) -> Iterator[Problem]:
    """A heading more than one level below the one before it in the same block (## then
    ####): screen readers and the tagged PDF's outline need one level at a time. The renditions
    renumber it (headings.py); the warning says the source does not read as written."""
    tokens = [t for t in markdown.parse(body) if t.type == "heading_open"]
    levels = [int(t.tag[1]) for t in tokens]
    for index, before, level in headings.skips(levels):
        token = tokens[index]
        line = first_line + (token.map[0] if token.map else 0)
        yield warning(path, line, 0, msg(
            "heading level skips from {before} to {level} (use {fixed}: one level at a time)",
            before="#" * before, level="#" * level, fixed="#" * (before + 1)))


def _unknown_variables(
    project: Project, paths: Iterable[tuple[tuple[str, ...], int]], path: str, extra_names: set[str]
) -> Iterator[Problem]:
    if project.schema is None:
        return
    for parts, line in paths:
        if parts[0] in BUILTIN_NAMES or parts[0] in extra_names or parts[0] in TEXT_ENV.globals:
            continue
        if not schema_has_path(project.schema, parts):
            shown = ".".join(p for p in parts if p != "[]")
            yield error(
                path, line, 0, msg("variable {name!r} is not in the data schema ({schema})",
                                  name=shown, schema=SCHEMA_FILE)
            )


def _unknown_includes(project: Project, source: str, path: str) -> Iterator[Problem]:
    for block_id, line in includes(source):
        if block_id not in project.blocks:
            yield error(
                path, line, 0, msg("includes unknown block {block!r} (no file blocks/{block}.md)",
                                  block=block_id)
            )


def _reference_cycles(project: Project) -> Iterator[Problem]:
    graph: dict[str, list[tuple[str, str, int]]] = {}
    for block in project.blocks.values():
        edges = []
        for source in block.sources.values():
            texts = [("\n" * (source.body_line - 1) + source.body)]
            texts += list(source.variants.values())
            for text in texts:
                edges += [(target, source.path, line) for target, line in includes(text)]
        graph[block.id] = edges
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> Iterator[Problem]:
        state[node] = 1
        stack.append(node)
        for target, path, line in graph.get(node, []):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield error(path, line, 0, msg("circular block reference: {cycle}",
                                                      cycle=" → ".join(cycle)))
            elif state.get(target) is None:
                yield from visit(target)
        stack.pop()
        state[node] = 2

    for block_id in sorted(graph):
        if state.get(block_id) is None:
            yield from visit(block_id)


# Templates ---------------------------------------------------------------------------------


# Letters of other scripts that look like Latin ones (Unicode's confusables, the usual few): a
# block named legal/privacу (a Cyrillic у) beside legal/privacy is how a template could swap a
# regulatory text for an unregulated copy that a reviewer reads as the same name.
_LOOK_ALIKES = str.maketrans(
    "аерсуохіјѕԁԛԝнмткв" "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖαεικνορτυχ",
    "aepcyoxijsdqwhmtkb" "abehikmnoptyxzaeiknoptux")


def _scripts(text: str) -> set[str]:
    """The scripts of TEXT's letters, by their Unicode names: LATIN, CYRILLIC, GREEK…"""
    return {unicodedata.name(ch, "?").split(" ")[0] for ch in text if ch.isalpha()}


def _look_alike_ids(project: Project) -> Iterator[Problem]:
    """Block ids that mix scripts, or read as another block's id."""
    seen: dict[str, str] = {}
    for block_id in sorted(project.blocks):
        block = project.blocks[block_id]
        scripts = _scripts(block_id)
        skeleton = unicodedata.normalize("NFKC", block_id).translate(_LOOK_ALIKES).casefold()
        other = seen.setdefault(skeleton, block_id)
        if other != block_id:
            yield error(block.path, 1, 1, msg(
                "block id {block!r} reads as {other!r}: rename one of them (a look-alike name "
                "can stand in for a regulatory text in a review)", block=block_id, other=other))
        elif len(scripts) > 1:
            yield error(block.path, 1, 1, msg(
                "block id {block!r} mixes {scripts} letters: name it in one script (a look-alike "
                "name can stand in for a regulatory text in a review)", block=block_id,
                scripts=" and ".join(sorted(s.title() for s in scripts))))


def _template_problems(project: Project, template: Template) -> Iterator[Problem]:
    path = template.path
    if not template.channels and "channels" in template.raw:
        yield error(path, *template.where("channels"), msg("a template needs at least one channel"))
    for name in template.channels:
        kind = CHANNELS[name]
        where = template.where(name) if name in template.raw else (1, 1)
        if kind.subject and not template.email.get("subject"):
            yield error(path, *where,
                        msg("the {channel} channel needs {channel}.subject", channel=name))
        if kind.segmented and not isinstance(template.sms.get("max_segments"), int):
            yield warning(path, *where,
                          msg("the {channel} channel should set {channel}.max_segments "
                              "(its segment budget)", channel=name))
    address_block = template.print.get("address_block")
    if address_block and str(address_block) not in project.blocks:
        yield error(
            path,
            *template.where("print", "address_block"),
            msg("unknown address block {block!r}", block=address_block),
        )
    for key in ("subject", "preheader"):
        value = template.email.get(key)
        values = value.values() if isinstance(value, dict) else [value]
        for text in values:
            if isinstance(text, str):
                line = template.where("email", key)[0]
                try:
                    compile_template(text, path, line, kind="text")
                    paths = variable_paths(text, path)
                except ProblemError as exc:
                    yield exc.problem
                    continue
                yield from _unknown_variables(project, [(p, line) for p, _ in paths], path, set())
    for item in template.body:
        block = project.blocks.get(item.block)
        if block is None:
            yield error(
                path,
                item.line,
                item.col,
                msg("unknown block {block!r} (no file blocks/{block}.md)", block=item.block),
            )
            continue
        if item.when is not None:
            try:
                compile_expression(item.when, path, item.line, item.col)
                when_paths = expression_paths(item.when)
            except (ProblemError, TemplateSyntaxError) as exc:
                if isinstance(exc, ProblemError):
                    yield exc.problem
                continue
            yield from _unknown_variables(
                project, [(p, item.line) for p in when_paths], path, set()
            )
        for name in item.with_:
            if name not in block.params:
                yield error(
                    path,
                    item.line,
                    item.col,
                    msg("block {block!r} takes no parameter {name!r} (it declares: {declared})",
                        block=item.block, name=name,
                        declared=", ".join(block.params) or msg("none")),
                )
        for name, default in block.params.items():
            if default is None and name not in item.with_:
                yield error(
                    path, item.line, item.col,
                    msg("block {block!r} needs parameter {name!r}", block=item.block, name=name)
                )
        reachable = [
            c
            for c in template.channels
            if (item.channels is None or c in item.channels)
            and (block.channels is None or c in block.channels)
        ]
        if not reachable:
            yield warning(
                path,
                item.line,
                item.col,
                msg("block {block!r} appears on none of the template's channels ({channels})",
                    block=item.block, channels=", ".join(template.channels)),
            )


def _layout_problems(project: Project) -> Iterator[Problem]:
    folder = project.root / "layouts"
    if not folder.is_dir():
        return
    for file in sorted(folder.glob("*.html")):
        rel = f"layouts/{file.name}"
        if file.stem not in CHANNELS or not CHANNELS[file.stem].layouts:
            yield warning(
                rel, 0, 0,
                msg("not a channel layout (print.html, email.html, mobile.html); ignored")
            )
            continue
        path, _ = layout_file(project, file.stem)
        try:
            TEXT_ENV.parse(path.read_text(encoding="utf-8"))
        except TemplateSyntaxError as exc:
            yield error(rel, exc.lineno or 0, 0, msg("Jinja: {reason}", reason=exc.message))
        except (OSError, UnicodeDecodeError) as exc:
            yield error(rel, 0, 0, msg("cannot read: {reason}", reason=exc))


# Trial composition: what only running the templates on the samples reveals ---------------------


def _trial_problems(project: Project, budget: limits.Limits, facts: _Facts,
                    tried: Callable[[], None] = lambda: None,
                    full_layouts: bool = True,
                    screen_layouts: bool | frozenset[str] = True) -> Iterator[Problem]:
    """Each template's trial compositions, kept by everything they read: the template, every
    block it reaches (through includes too), the samples, settings, schema and layout files.
    TRIED is called after each template's."""
    index = index_of(project)
    files = facts.files()
    samples = tuple(facts.sample(s) for s in project.samples.values())
    for template in project.templates.values():
        screens = (screen_layouts if isinstance(screen_layouts, bool)
                   else template.name in screen_layouts)
        key = ("trial", facts.template(template),
               tuple(sorted(facts.block(b) for b in index.template_blocks(template.name))),
               samples, facts.config, facts.schema, files, repr(budget), full_layouts, screens)
        kept = _MEMO.peek(key)
        if kept is not None:
            yield from kept
            tried()
            continue
        found: list[Problem] = []
        ran_out = False
        for problem in _template_trials(project, template, budget, full_layouts, screens):
            found.append(problem)
            ran_out = ran_out or problem.message.startswith(
                str(limits.time_message(budget.time)))
        yield from found
        if ran_out:  # a time-out depends on the machine's load: never kept
            yield warning(template.path, 0, 0, msg(
                "trial renders stopped after the first that ran out of time"))
            return
        _MEMO.put(key, found)
        tried()


def _template_trials(project: Project, template: Template, budget: limits.Limits,
                     full_layouts: bool = True, screen_layouts: bool = True) -> Iterator[Problem]:
    # Heavy channels are laid out whole for one sample only: the one the studio shows first.
    default_sample: str | None = str(project.config.raw.get("default_sample") or "typical")
    if default_sample not in project.samples:
        default_sample = min(project.samples, default="")
    for sample in project.samples.values():
        for locale in project.config.locales:
            for channel in template.channels:
                context = msg(" [sample {sample}, locale {locale}, {channel}]",
                              sample=sample.name, locale=locale, channel=channel)
                try:
                    warnings = limits.within(budget, template.path, functools.partial(
                        _trial, project, template, channel, sample.record, locale,
                        sample.name == default_sample and (
                            screen_layouts if CHANNELS[channel].trial else full_layouts)))
                except ProblemError as exc:
                    yield _with_context(exc.problem, context)
                    if exc.problem.message.startswith(str(limits.time_message(budget.time))):
                        # One runaway is enough to report: the rest would each wait
                        # out the budget too (the CI job must end).
                        return
                else:
                    for problem in warnings:
                        yield _with_context(problem, context)


def _trial(project: Project, template: Template, channel: str, record: Any,
           locale: str, full: bool = False) -> list[Problem]:
    composition = dataclasses.replace(compose(project, template, channel, record, locale,
                                              reuse=True), attachments=False)
    if CHANNELS[channel].trial:
        # Cheap channels: their warnings (segment budget, subject length, missing alt text)
        # belong in validation, and so does their regulatory wording as shown: laid out for
        # the default sample (FULL) where the project styles the channel itself (the export
        # gate lays it out always; an email's screen costs what a letter does).
        found = list(channels.renderer(channel)(composition).warnings)
        check_wording = channels.wording_checker(channel)
        if check_wording is not None:
            found += check_wording(composition,
                                   laid_out=full and wording.styled(project, channel))
        return found
    check = channels.trial_checker(channel)
    return list(check(composition, full=full)) if check else []


def _with_context(problem: Problem, context: Message) -> Problem:
    return problem.with_suffix(context)
