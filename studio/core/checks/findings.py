"""Findings: what an accessibility or client-support check found in one rendition, as values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from studio.core.messages import Message, msg

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
            from studio.core.checks.axe import AxeHelp

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
