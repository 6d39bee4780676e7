"""Findings: what an accessibility or client-support check found in one rendition, as values."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# axe-core's impacts, least to most severe; Matterhorn and caniemail findings use the same scale.
IMPACTS = ("minor", "moderate", "serious", "critical")
BLOCKING = frozenset({"serious", "critical"})


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

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
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
