"""The channels: one module a channel, each with `render(composition) -> Rendition`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studio.core.problems import Problem

if TYPE_CHECKING:
    from studio.core.compose import Composition

CHANNEL_MODULES: Mapping[str, str] = {
    "print": "studio.core.channels.print",
    "email": "studio.core.channels.email",
    "mobile": "studio.core.channels.mobile",
    "sms": "studio.core.channels.sms",
}


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

    def as_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "channel": self.channel,
            "locale": self.locale,
            "ok": True,
            **self.facts,
            "warnings": [str(w) for w in self.warnings],
        }


def renderer(channel: str) -> Callable[[Composition], Rendition]:
    """The channel's render function; imported on first use (print pulls in WeasyPrint)."""
    module = importlib.import_module(CHANNEL_MODULES[channel])
    return module.render  # type: ignore[no-any-return]
