"""Findings: what an accessibility or client-support check found in one rendition, as values."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from studio.core.messages import Message, msg
from studio.core.resources import resources_dir

# axe-core's impacts, least to most severe; Matterhorn and caniemail findings use the same scale.
IMPACTS = ("minor", "moderate", "serious", "critical")
BLOCKING = frozenset({"serious", "critical"})
IMPACT_WORDS = {"minor": msg("minor"), "moderate": msg("moderate"),
                "serious": msg("serious"), "critical": msg("critical")}


@dataclass(frozen=True)
class Finding:
    """One failed rule: which rule, how bad, what it says, and the block that produced it."""

    rule: str
    impact: str
    message: str
    source: str = "axe"  # axe, matterhorn, caniemail
    block: str | None = None
    element: str = ""  # a CSS selector or a short excerpt of the element
    help_url: str = ""
    wcag: tuple[str, ...] = ()
    count: int = 1
    # The message as a value the studio shows in its language (None: `message` as it is, or,
    # for axe's own rules, axe's translation of its help).
    text: Message | None = field(default=None, compare=False, repr=False)

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        data["wcag"] = list(self.wcag)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=str(data["rule"]),
            impact=str(data.get("impact") or "minor"),
            message=str(data.get("message") or ""),
            source=str(data.get("source") or "axe"),
            block=data.get("block") or None,
            element=str(data.get("element") or ""),
            help_url=str(data.get("help_url") or ""),
            wcag=tuple(data.get("wcag") or ()),
            count=int(data.get("count") or 1),
        )

    def words(self) -> Message:
        """The message as a Message, for a sentence that carries it into the studio."""
        if self.text is not None:
            return self.text
        if self.source == "axe":
            return AxeHelp(self.message, rule=self.rule)
        return Verbatim(self.message)

    def in_language(self, language: str | None) -> str:
        """The message in LANGUAGE ("it") as far as a catalogue has it; English otherwise."""
        return self.words().in_language(language)


def impact_in_language(impact: str, language: str | None) -> str:
    word = IMPACT_WORDS.get(impact)
    return word.in_language(language) if word is not None else impact


@dataclass(frozen=True)
class Verbatim(Message):
    """Words no catalogue has (a checker's own text): the same in every language."""

    def in_language(self, language: str | None) -> str:
        return self.text


@functools.cache
def axe_locale(language: str) -> Mapping[str, Any]:
    """axe-core's own translation of its rules into LANGUAGE ("it"), shipped beside axe.min.js
    (resources/axe/locales/, by packaging/update_checkers.py); empty when axe has none."""
    path = resources_dir() / "axe" / "locales" / f"{language}.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class AxeHelp(Message):
    """The help axe gives for one of its rules: English from axe-core, another language from
    axe-core's locale of it (its translators', not ours)."""

    rule: str = ""

    def in_language(self, language: str | None) -> str:
        if not language:
            return self.text
        rules = axe_locale(language.split("_")[0].split("-")[0]).get("rules") or {}
        help_text = (rules.get(self.rule) or {}).get("help")
        return str(help_text) if help_text else self.text
