"""The channels: one module a channel, each with `render(composition) -> Rendition`."""

from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.core.problems import Problem


@dataclass(frozen=True)
class Channel:
    """What the rest of the program knows of a channel: everything outside this package asks
    the registry (``CHANNELS``) rather than comparing channel names."""

    name: str
    title: str  # for people: "Print (PDF)"
    module: str  # the module whose render(composition) makes its rendition
    extension: str  # of a rendition's file, without the dot
    media_type: str
    binary: bool  # its rendition is not for a terminal
    paged: bool = False  # pages, paper, an address window, the mail room's postal sort
    heavy: bool = False  # a render costs hundreds of ms: its own worker in the studio
    addressed: str | None = None  # the record field routing needs: an address, a number
    subject: bool = False  # a subject line and preheader (the template's email: settings)
    segmented: bool = False  # counted in segments against a budget (the template's sms:)
    text_variant: bool = False  # blocks may carry a wording of their own for it (variants:)
    reads_assets: bool = True  # images, fonts and styles reach it
    trial: bool = False  # validation renders it on every sample: cheap, and its warnings matter
    layouts: tuple[str, ...] = ()  # layout file suffixes it accepts, preferred first
    compare: str = "html"  # how two renditions are compared: pages, mime, html, text
    text_heading: str = ""  # the heading of its text comparison
    mail_clients: bool = False  # read in mail clients: checked against their support (caniemail)

    def summary(self, facts: Mapping[str, Any]) -> str:
        """One line of a rendition's facts, for a person."""
        size = f"{int(facts.get('bytes', 0) or 0) // 1024} KB"
        if self.paged:
            return f"{facts.get('pages')} page(s), {size}"
        if self.subject:
            return f"“{facts.get('subject', '')}”, {size}"
        if self.segmented:
            return (f"{facts.get('segments')} segment(s), {facts.get('encoding')}, "
                    f"{facts.get('characters')} chars")
        return size


CHANNELS: Mapping[str, Channel] = {
    channel.name: channel
    for channel in (
        Channel("print", "Print (PDF)", "studio.core.channels.print", "pdf", "application/pdf",
                binary=True, paged=True, heavy=True, layouts=(".html",), compare="pages"),
        Channel("email", "Email", "studio.core.channels.email", "eml", "message/rfc822",
                binary=False, addressed="email", subject=True, trial=True,
                layouts=(".mjml", ".html"), compare="mime", text_heading="Plain-text part",
                mail_clients=True),
        Channel("mobile", "Mobile", "studio.core.channels.mobile", "html",
                "text/html; charset=utf-8",
                binary=False, layouts=(".html",), compare="html"),
        Channel("sms", "SMS", "studio.core.channels.sms", "txt", "text/plain; charset=utf-8",
                binary=False, addressed="phone", segmented=True, text_variant=True,
                reads_assets=False, trial=True, compare="text", text_heading="Text"),
    )
}
CHANNEL_NAMES: tuple[str, ...] = tuple(CHANNELS)
CHANNEL_MODULES: Mapping[str, str] = {name: c.module for name, c in CHANNELS.items()}


def channel(name: str) -> Channel:
    """The registry's entry for NAME (KeyError for a name that is not a channel)."""
    return CHANNELS[name]


@dataclass(frozen=True)
class Rendition:
    """One template, for one channel, one record, one locale: its bytes and its facts."""

    template: str
    channel: str
    locale: str
    content: bytes = field(repr=False)
    media_type: str
    extension: str
    facts: Mapping[str, Any]
    warnings: tuple[Problem, ...] = ()
    used_blocks: frozenset[str] = frozenset()
    # What a reader's client shows of CONTENT, when the maker took it apart already (the
    # studio's preview worker: a MailView for email); not part of the rendition's identity.
    view: Any = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "channel": self.channel,
            "locale": self.locale,
            "ok": True,
            **self.facts,
            "warnings": [str(w) for w in self.warnings],
        }


class Superseded(Exception):  # noqa: N818 - what happened, not an error
    """A rendition given up before it was done: a later edit's is wanted instead (the studio's
    whole print letter after a pause in typing, when a key is pressed: channels/draft.py)."""


def renderer(channel: str) -> Callable[[Any], Rendition]:
    """The channel's render(composition) (a studio.core.compose.Composition, which is not
    named here: compose needs this registry); imported on first use (print pulls in
    WeasyPrint)."""
    module = importlib.import_module(CHANNEL_MODULES[channel])
    return module.render  # type: ignore[no-any-return]


# Renditions kept while one run renders the same letter on several channels (proof, a batch's
# partition): an email attaching its print rendition takes the one just laid out instead of
# laying it out again. Off unless a run asks: the studio keeps nothing across edits.
_REUSE: contextvars.ContextVar[dict[tuple[Any, ...], Rendition] | None] = (
    contextvars.ContextVar("rendition_reuse", default=None))


@contextlib.contextmanager
def reusing_renditions() -> Iterator[None]:
    """Within the block, `reused` makes each rendition once per key (a run holds one project)."""
    token = _REUSE.set({})
    try:
        yield
    finally:
        _REUSE.reset(token)


def reused(key: tuple[Any, ...], make: Callable[[], Rendition]) -> Rendition:
    """The rendition KEY names, made by MAKE unless this run made it already."""
    kept = _REUSE.get()
    if kept is None:
        return make()
    if key not in kept:
        if len(kept) >= 16:  # the letters of a record or two, not a whole run's
            kept.clear()
        kept[key] = make()
    return kept[key]


def wording_checker(channel: str) -> Callable[..., list[Problem]] | None:
    """A channel's check that the regulatory wording shows as written (its module's
    wording_problems(composition, laid_out=…), when it has one: see studio/core/wording.py)."""
    module = importlib.import_module(CHANNEL_MODULES[channel])
    return getattr(module, "wording_problems", None)


def trial_checker(channel: str) -> Callable[..., list[Problem]] | None:
    """A heavy channel's cheap checks for validation on every sample (its module's
    trial_problems(composition), when it has one): what would go wrong that a full render is
    too slow to find there, such as print's address lines."""
    module = importlib.import_module(CHANNEL_MODULES[channel])
    return getattr(module, "trial_problems", None)
