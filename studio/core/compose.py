"""Composition: a template, its blocks and one record become channel-ready content."""

from __future__ import annotations

import dataclasses
import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.core import headings, links, markdown, senddate
from studio.core.channels import CHANNELS
from studio.core.engine import (
    TrustedMarkdown,
    compile_expression,
    compile_template,
    located_error,
    range_left,
    render_bounded,
    render_budget,
    reset_budget,
)
from studio.core.messages import msg
from studio.core.problems import ProblemError, error
from studio.core.project import Block, BodyItem, Project, Template
from studio.core.sources import LocatedDict

_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.S)
MAX_DEPTH = 16


@dataclass(frozen=True)
class ComposedBlock:
    block: str
    path: str
    markdown: str
    html: str
    text: str
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Composition:
    """What every channel starts from: the blocks that apply, rendered for one record."""

    project: Project = field(repr=False)
    template: Template
    channel: str
    locale: str
    record: Mapping[str, Any] = field(repr=False)
    blocks: tuple[ComposedBlock, ...]
    used_blocks: frozenset[str]  # every block read, included ones too: what a change affects
    title: str
    subject: str
    preheader: str
    address_html: str
    address_text: str
    send_date: str = ""  # ISO day (or local time) the communication goes out: senddate.py
    unsubscribe: str = ""  # a marketing email's one-click unsubscribe address (RFC 8058)
    # Whether a rendition may carry others (the print PDF attached to an email): validation's
    # trial leaves them out, the print channel is checked on its own.
    attachments: bool = True
    # The studio's live preview: what is only looked at may be made faster (the print PDF's
    # streams not compressed: the same pages). Never set for what leaves the studio.
    preview: bool = False

    @property
    def html(self) -> str:
        return "\n".join(
            f'<section class="{" ".join(("block", *b.classes))}" '
            f'data-block="{html.escape(b.block)}">\n{b.html}</section>'
            for b in self.blocks
            if b.html.strip()
        )

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text.strip())


# Rendered blocks kept for `compose(..., reuse=True)` (validation's trial compositions): a block
# rendered for the same record, locale, channel and settings from the same texts renders the
# same, so after an edit only the edited block, and the blocks including it, render again.
# A kept render is found by the block's text and everything the render was given; it is used
# only while every block it read (itself and those it included, at any depth) still has the
# text and parameters it had. Renders that took loop steps (range: a budget of the whole
# composition) or drew at random are never kept.
_Read = tuple[str, tuple[str, str] | None]  # (block id, what rendering it reads of it)
_KEPT_RENDERS = 50_000
# key -> (output, what it read, how deep its includes went: 1 for none)
_renders: OrderedDict[tuple[Any, ...], tuple[str, frozenset[_Read], int]] = OrderedDict()
_renders_lock = threading.Lock()
_NOT_KEPT: _Read = ("", ("\0not kept", ""))  # a read no block ever matches


def _kept_render(key: tuple[Any, ...]) -> tuple[str, frozenset[_Read], int] | None:
    with _renders_lock:
        found = _renders.get(key)
        if found is not None:
            _renders.move_to_end(key)
        return found


def _keep_render(key: tuple[Any, ...], output: str, reads: frozenset[_Read], depth: int
                 ) -> None:
    with _renders_lock:
        _renders[key] = (output, reads, depth)
        while len(_renders) > _KEPT_RENDERS:
            _renders.popitem(last=False)


class _Composer:
    def __init__(
        self,
        project: Project,
        template: Template,
        channel: str,
        locale: str,
        record: Mapping[str, Any],
        send_date: str = "",
        reuse: bool = False,
    ) -> None:
        self.project = project
        self.template = template
        self.channel = channel
        self.locale = locale
        self.record = record
        self.used: set[str] = set()
        self.stack: list[str] = []
        config = project.config
        self.base_context: dict[str, Any] = {
            **record,
            "locale": locale,
            "channel": channel,
            "brand": dict(config.brand),
            "_currency": config.currency,
            "_timezone": config.timezone,
            "send_date": send_date,
        }
        # what every render of this composition is given besides its block's text and params
        self.given = repr((self.base_context, config.default_locale)) if reuse else None
        self.reading: list[set[_Read]] = []  # the blocks each render under way has read
        # what each render under way included of regulatory blocks: (id, output)
        self.included: list[list[tuple[str, str]]] = []
        self.depths: list[int] = []  # and how deep its includes have gone

    def _read(self, block_id: str) -> tuple[str, str] | None:
        """What rendering BLOCK_ID reads of the project: its text for this locale and channel
        (the block's own string: kept renders hold no copies), and its declared parameters
        (None: no such block)."""
        block = self.project.blocks.get(block_id)
        if block is None:
            return None
        default = self.project.config.default_locale
        return block_text(block, self.channel, self.locale, default), repr(block.params)

    def _reused(self, key: tuple[Any, ...]) -> str | None:
        kept = _kept_render(key)
        if kept is None:
            return None
        output, reads, depth = kept
        if len(self.stack) + depth > MAX_DEPTH:  # rendered here, it would go too deep
            return None
        if any(self._read(read_id) != read for read_id, read in reads):
            return None
        self.used.update(read_id for read_id, _ in reads)
        if self.reading:
            self.reading[-1].update(reads)
            self.depths[-1] = max(self.depths[-1], depth)
        return output

    # Blocks ----------------------------------------------------------------------------------

    def render_block(
        self, block_id: str, params: Mapping[str, Any], path: str, line: int, col: int
    ) -> str:
        block = self.project.blocks.get(block_id)
        if block is None:
            raise ProblemError(
                error(path, line, col, msg("unknown block {block!r} (no file blocks/{block}.md)",
                                           block=block_id))
            )
        if block_id in self.stack or len(self.stack) >= MAX_DEPTH:
            cycle = " → ".join([*self.stack, block_id])
            raise ProblemError(error(path, line, col,
                                     msg("circular block reference: {cycle}", cycle=cycle)))
        source = block.source(self.locale, self.project.config.default_locale)
        values = self._params(block, params, path, line, col)
        key: tuple[Any, ...] | None = None
        if self.given is not None:
            key = (block_id, self.given, repr(values))
            output = self._reused(key)
            if output is not None:
                return output
        self.used.add(block_id)
        variant = source.variants.get(self.channel)
        if variant is None and source is not block.sources.get(self.project.config.default_locale):
            # A translation without its own variant falls back to the original's variant.
            variant = block.source(
                self.project.config.default_locale, self.project.config.default_locale
            ).variants.get(self.channel)
        variant_line = source.body_line
        if variant is not None:
            variants = source.meta.get("variants")
            variant_line = (
                variants.where(self.channel)[0] if isinstance(variants, LocatedDict) else 1
            )
            template = compile_template(variant, source.path, variant_line)
        else:
            template = compile_template(source.body, source.path, source.body_line)
        context = {**self.base_context, **values, "params": values, "block": self._include}
        self.stack.append(block_id)
        reads: set[_Read] = set()
        self.reading.append(reads)
        self.depths.append(0)
        self.included.append([])
        steps = range_left()
        try:
            output = render_bounded(template, context)
        except ProblemError:
            raise
        except Exception as exc:  # noqa: BLE001 - any template failure is the author's to fix
            raise ProblemError(located_error(exc, source.path, source.body_line)) from None
        finally:
            self.stack.pop()
            self.reading.pop()
            depth = self.depths.pop() + 1
            included = self.included.pop()
        for included_id, shown in included:
            # Regulatory wording is shown as its owners wrote it, not filtered on the way.
            text, first_line = ((variant, variant_line) if variant is not None
                                else (source.body, source.body_line))
            check_include(block_id, source.path, str(text), first_line, included_id, shown,
                          output)
        if key is not None:
            own = self._read(block_id)
            if own is None or range_left() != steps or "random" in own[0]:
                reads.add(_NOT_KEPT)
            else:
                reads.add((block_id, own))
            if _NOT_KEPT not in reads:
                _keep_render(key, output, frozenset(reads), depth)
            if self.reading:
                self.reading[-1].update(reads)
        if self.depths:
            self.depths[-1] = max(self.depths[-1], depth)
        return output

    def _params(
        self, block: Block, given: Mapping[str, Any], path: str, line: int, col: int
    ) -> dict[str, Any]:
        values = dict(block.params)
        for name, value in given.items():
            if name not in block.params:
                raise ProblemError(
                    error(
                        path,
                        line,
                        col,
                        msg("block {block!r} takes no parameter {name!r} (it declares: {declared})",
                            block=block.id, name=name,
                            declared=", ".join(block.params) or msg("none")),
                    )
                )
            values[name] = value
        missing = [name for name, value in values.items() if value is None and name not in given]
        if missing:
            raise ProblemError(
                error(
                    path, line, col, msg("block {block!r} needs parameter(s) {names}",
                                         block=block.id, names=", ".join(missing))
                )
            )
        return values

    def _include(self, block_id: str, **params: Any) -> TrustedMarkdown:
        current = self.project.blocks[self.stack[-1]]
        source = current.source(self.locale, self.project.config.default_locale)
        path = source.path
        included = self.project.blocks.get(str(block_id))
        if included is not None and included.regulatory and params and not current.regulatory:
            refuse_include_params(current.id, path, source.body, source.body_line,
                                  included.id, sorted(params))
        output = self.render_block(str(block_id), params, path, 0, 0)
        if included is not None and included.regulatory and self.included:
            self.included[-1].append((str(block_id), output))
        return TrustedMarkdown(output)

    # Template items --------------------------------------------------------------------------

    def applies(self, item: BodyItem) -> bool:
        if item.channels is not None and self.channel not in item.channels:
            return False
        block = self.project.blocks.get(item.block)
        if block is not None and block.channels is not None and self.channel not in block.channels:
            return False
        if item.when is None:
            return True
        expression = compile_expression(item.when, self.template.path, item.line, item.col)
        try:
            return bool(expression(**self.base_context))
        except Exception as exc:  # noqa: BLE001
            raise ProblemError(
                located_error(exc, self.template.path, item.line, item.col)
            ) from None

    def with_values(self, item: BodyItem) -> dict[str, Any]:
        values = {}
        for name, value in item.with_.items():
            values[str(name)] = self.evaluate(value, item.line, item.col)
        return values

    def evaluate(self, value: Any, line: int, col: int) -> Any:
        """A setting's value: "{{ expr }}" alone keeps the expression's type, other strings
        with Jinja are rendered as text, everything else is taken as written."""
        if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
            return value
        try:
            single = _SINGLE_EXPRESSION.match(value)
            if single and "}}" not in single.group(1):
                expression = compile_expression(single.group(1), self.template.path, line, col)
                return expression(**self.base_context)
            return self.text(value, line)
        except ProblemError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ProblemError(located_error(exc, self.template.path, line, col)) from None

    def text(self, source: str, line: int) -> str:
        template = compile_template(source, self.template.path, line, kind="text")
        try:
            return render_bounded(template, self.base_context).strip()
        except Exception as exc:  # noqa: BLE001
            raise ProblemError(located_error(exc, self.template.path, line)) from None

    def setting(self, section: Mapping[str, Any], *keys: str) -> str:
        value = section.get(keys[-1])
        if value is None:
            return ""
        localized = self.template.localized(value, self.locale, self.project.config.default_locale)
        line, _ = self.template.where(*keys)
        return self.text(localized, line) if "{" in localized else localized


def compose(
    project: Project,
    template: Template | str,
    channel: str,
    record: Mapping[str, Any],
    locale: str | None = None,
    *,
    send_date: str | None = None,
    reuse: bool = False,
) -> Composition:
    """Compose one rendition's content. Raises ProblemError with the file and line at fault.
    SEND_DATE (ISO, see senddate.py) is `send_date` in every block; today in the project's
    time zone when None. REUSE takes blocks rendered before from the same texts for the same
    record and settings (see `_renders`): validation's trials, which compose every template
    again after each edit."""
    if isinstance(template, str):
        found = project.templates.get(template)
        if found is None:
            known = ", ".join(sorted(project.templates)) or msg("none")
            raise ProblemError(
                error(
                    f"templates/{template}.yaml",
                    0,
                    0,
                    msg("unknown template {template!r} (templates: {known})",
                        template=template, known=known),
                )
            )
        template = found
    locale = locale or project.config.default_locale
    if locale not in project.config.locales:
        raise ProblemError(
            error(
                "studio.yaml",
                0,
                0,
                msg("unknown locale {locale!r} (locales: {locales})",
                    locale=locale, locales=", ".join(project.config.locales)),
            )
        )
    if channel not in template.channels:
        line, col = template.where("channels")
        raise ProblemError(
            error(
                template.path,
                line,
                col,
                msg("template {template!r} has no {channel} channel (it has: {channels})",
                    template=template.name, channel=channel,
                    channels=", ".join(template.channels)),
            )
        )
    if send_date is None:
        send_date = senddate.today(project.config.timezone)
    budget = render_budget()
    try:
        return _compose(project, template, channel, record, locale, send_date, reuse)
    finally:
        reset_budget(budget)


def _compose(
    project: Project, template: Template, channel: str, record: Mapping[str, Any], locale: str,
    send_date: str, reuse: bool = False,
) -> Composition:
    composer = _Composer(project, template, channel, locale, record, send_date, reuse)
    composed: list[ComposedBlock] = []
    # Phone numbers written without a prefix are the project's country's (studio.yaml
    # `country:`, Italy by default).
    region = str(project.config.raw.get("country") or "IT").upper()
    for item in template.body:
        if not composer.applies(item):
            continue
        source = composer.render_block(
            item.block, composer.with_values(item), template.path, item.line, item.col
        )
        converted = markdown.convert(source)
        tappable = links.linkify(converted.html, region)
        path = project.blocks[item.block].source(locale, project.config.default_locale).path
        block = project.blocks[item.block]
        classes = []
        if block.page_break in ("before", "both"):
            classes.append("break-before")
        if block.page_break in ("after", "both"):
            classes.append("break-after")
        if block.keep_together:
            classes.append("keep-together")
        composed.append(
            ComposedBlock(item.block, path, source, tappable, converted.text, tuple(classes))
        )

    # The shells give the title the h1; the blocks' headings nest below it without a skip.
    nested = headings.nest_headings([b.html for b in composed])
    composed = [dataclasses.replace(b, html=h) for b, h in zip(composed, nested, strict=True)]

    address_html = address_text = ""
    address_block = template.print.get("address_block") if CHANNELS[channel].paged else None
    if address_block:
        line, col = template.where("print", "address_block")
        source = composer.render_block(str(address_block), {}, template.path, line, col)
        converted = markdown.convert(source)
        address_html, address_text = converted.html, converted.text

    unsubscribe = ""
    if CHANNELS[channel].subject and template.email.get("marketing"):
        # The address may name the record (…?c={{ customer.id }}); a template's own over the
        # project's.
        own = "unsubscribe" in template.email
        value = (template.email if own else project.config.email).get("unsubscribe")
        if value:
            line = template.where("email", "unsubscribe")[0] if own else 1
            unsubscribe = _one_line(composer.text(str(value), line))
    title = template.localized(template.title, locale, project.config.default_locale)
    if "{" in title:
        title = composer.text(title, template.where("title")[0])
    return Composition(
        project=project,
        template=template,
        channel=channel,
        locale=locale,
        record=record,
        blocks=tuple(composed),
        used_blocks=frozenset(composer.used),
        title=title,
        subject=_one_line(composer.setting(template.email, "email", "subject"))
        if CHANNELS[channel].subject
        else "",
        preheader=(
            _one_line(composer.setting(template.email, "email", "preheader"))
            if CHANNELS[channel].subject
            else ""
        ),
        address_html=address_html,
        address_text=address_text,
        send_date=send_date,
        unsubscribe=unsubscribe,
    )


# Regulatory wording included in another block ----------------------------------------------------
# An author who may not edit a regulatory block could include it through a filter and change
# what it says ({{ block("legal/privacy") | replace("30", "60") }}): the including block must
# show the included text as is. The rendered letter's own check is studio/core/wording.py.

# What the comparison ignores: white space, hyphens a line break may add or a soft hyphen.
_IGNORED = re.compile(r"[\s\u00ad\u2010\u2011-]+")


def canonical(text: str) -> str:
    """TEXT as wording is compared: no white space or hyphens, entities decoded, any case."""
    return _IGNORED.sub("", html.unescape(text)).casefold()


class WordingError(ProblemError):
    """A render that would change regulatory wording on the way (an include filtered)."""


def check_include(including: str, path: str, source: str, first_line: int, included: str,
                  shown: str, output: str) -> None:
    """Refuse a render of block INCLUDING whose OUTPUT does not show what its regulatory
    include INCLUDED rendered to (SHOWN) as is. PATH, SOURCE and FIRST_LINE (the file line of
    the source's first) name the including block's text, for the line of the include."""
    if canonical(shown) in canonical(output):
        return
    line = next((number for number, text in enumerate(source.splitlines(), start=first_line)
                 if included in text and "block" in text), first_line)
    raise WordingError(error(path, line, 0, msg(
        "block {block} changes the wording of the regulatory block {included} it includes (a "
        "filter or an expression around block()): include it as {{{{ block(\"{included}\") }}}}",
        block=including, included=included)))


def refuse_include_params(including: str, path: str, source: str, first_line: int,
                          included: str, names: Sequence[str]) -> None:
    """Refuse a plain block's include that passes parameters to a regulatory block: they change
    the wording (the withdrawal's deadline) and no approval covers them. A template's `with:`
    is covered by the block's approval (a change makes it stale), and so is a regulatory
    block's own text, so those may."""
    line = next((number for number, text in enumerate(source.splitlines(), start=first_line)
                 if included in text and "block" in text), first_line)
    raise WordingError(error(path, line, 0, msg(
        "block {block} passes {names} to the regulatory block {included}: no approval covers "
        "what it makes the wording say. Give the values in the template (with:), which the "
        "block's approval covers, and include it as {{{{ block(\"{included}\") }}}}",
        block=including, names=", ".join(names), included=included)))


def _one_line(text: str) -> str:
    """Subjects and preheaders are one line: a newline from a record must not reach a header."""
    return " ".join(text.split())


# Which channels a change of a block reaches --------------------------------------------------


def block_text(block: Block, channel: str, locale: str, default_locale: str) -> str:
    """The source text CHANNEL reads of BLOCK in LOCALE: its variant for the channel (a
    translation without one falls back to the original's), else the body."""
    source = block.source(locale, default_locale)
    variant = source.variants.get(channel)
    if variant is None and source is not block.sources.get(default_locale):
        variant = block.source(default_locale, default_locale).variants.get(channel)
    return variant if variant is not None else source.body


def _shape(block: Block) -> tuple[Any, ...]:
    """Everything of a block but its texts: a change there may reach any channel."""
    sources = tuple(
        (locale, source.path, tuple(sorted(
            (k, repr(v)) for k, v in source.meta.items() if k != "variants")))
        for locale, source in sorted(block.sources.items())
    )
    return (block.id, block.title, block.owner, block.regulatory, block.channels,
            repr(block.params), block.page_break, block.keep_together, sources)


def channels_reading_change(
    before: Block | None,
    after: Block | None,
    channels: Iterable[str],
    locales: Iterable[str],
    default_locale: str,
) -> set[str]:
    """The CHANNELS whose text of the block differs between BEFORE and AFTER: an edit of the
    SMS wording (variants.sms) reaches only the SMS, an edit of the body every channel
    without a wording of its own. A new or deleted block, or a change of anything but its
    texts, reaches them all."""
    channels = list(channels)
    if before is None or after is None or _shape(before) != _shape(after):
        return set(channels)
    return {
        channel for channel in channels
        if any(block_text(before, channel, locale, default_locale)
               != block_text(after, channel, locale, default_locale)
               for locale in locales)
    }
