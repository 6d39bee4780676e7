"""Print page geometry: paper sizes, margins and the envelope window, from the settings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PAPER_MM: Mapping[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "LETTER": (215.9, 279.4),
    "LEGAL": (215.9, 355.6),
}
# Address windows, measured on the sheet from its top-left corner (left, top, width, height,
# in mm). DL is A4 folded in three, C5 folded once; "left"/"right" is the window's side.
# DIN 5008 form B puts the address field 20 mm from the left and 45 mm from the top.
WINDOWS_MM: Mapping[str, tuple[float, float, float, float]] = {
    "DL-left": (20.0, 45.0, 90.0, 45.0),
    "DL-right": (100.0, 50.0, 90.0, 45.0),
    "C5-left": (20.0, 45.0, 90.0, 45.0),
    "C5-right": (100.0, 45.0, 90.0, 45.0),
    "DIN-5008-B": (20.0, 45.0, 85.0, 45.0),
    "US-10": (22.2, 50.8, 101.6, 31.8),
}
# Windows whose upper part is kept for postal endorsements: the address itself starts this far
# below the window's top. DIN 5008 form B: a 17.7 mm endorsement zone, so the address zone
# (27.3 mm, at most 6 lines) begins 62.7 mm from the top of the sheet.
ADDRESS_ZONE_INSET_MM: Mapping[str, float] = {"DIN-5008-B": 17.7}
DEFAULT_MARGINS_MM = (18.0, 18.0, 22.0, 20.0)  # top, right, bottom, left
_UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt|px)?\s*$")


class GeometryError(ValueError):
    """A print setting that cannot be understood; the message says which and why."""


def length_mm(value: Any, what: str) -> float:
    """20, "20mm", "2cm", "0.75in", "54pt" → millimetres."""
    if isinstance(value, bool):
        raise GeometryError(f"{what}: expected a length like 20mm, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    match = _LENGTH.match(str(value))
    if not match:
        raise GeometryError(f"{what}: expected a length like 20mm, got {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2) or "mm"]


@dataclass(frozen=True)
class PageGeometry:
    paper: str
    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left (mm)
    window: tuple[float, float, float, float] | None  # left, top, width, height on the sheet
    zone_inset: float = 0.0  # mm from the window's top to the address (ADDRESS_ZONE_INSET_MM)

    def css(self) -> str:
        top, right, bottom, left = self.margins
        rules = [
            f"@page {{ size: {self.width:g}mm {self.height:g}mm; "
            f"margin: {top:.2f}mm {right:.2f}mm {bottom:.2f}mm {left:.2f}mm; }}"
        ]
        if self.window:
            # Absolute boxes are placed in the first page's content area: subtract the margins.
            x, y, w, h = self.window
            rules.append(
                f".address-window {{ left: {x - left:.2f}mm; top: {y - top:.2f}mm; "
                f"width: {w:g}mm; height: {h:g}mm; }}"
            )
            if self.zone_inset:
                # The address starts at the zone's top whatever its size (compact included),
                # and six lines at 10 pt fit the zone's 27.3 mm.
                rules.append(
                    f"div.address-window, div.address-window.compact {{ "
                    f"padding-top: {self.zone_inset:.2f}mm; padding-bottom: 0; }}"
                    " div.address-window { line-height: 1.25; }"
                )
            # The letterhead is absolutely placed too, so the flow starts below the window.
            rules.append(f".address-spacer {{ height: {max(0.0, y + h - top) + 6:.2f}mm; }}")
        return "\n".join(rules)


def page_geometry(settings: Mapping[str, Any]) -> PageGeometry:
    """Geometry from merged print settings (studio.yaml print:, then the template's print:)."""
    paper = str(settings.get("paper") or "A4")
    if paper.upper() not in PAPER_MM:
        raise GeometryError(f"paper: unknown size {paper!r} (sizes: A4, A5, Letter, Legal)")
    width, height = PAPER_MM[paper.upper()]
    margins = list(DEFAULT_MARGINS_MM)
    given = settings.get("margins")
    if isinstance(given, Mapping):
        for index, side in enumerate(("top", "right", "bottom", "left")):
            if side in given:
                margins[index] = length_mm(given[side], f"margins.{side}")
    elif given is not None:
        margins = [length_mm(given, "margins")] * 4
    window_setting = settings.get("address_window", "DL-right")
    window: tuple[float, float, float, float] | None
    preset = (str(window_setting.get("preset")) if isinstance(window_setting, Mapping)
              else str(window_setting))
    if window_setting in (None, False, "none"):
        window = None
    elif isinstance(window_setting, str):
        if window_setting not in WINDOWS_MM:
            raise GeometryError(
                f"address_window: unknown window {window_setting!r} "
                f"(windows: {', '.join(WINDOWS_MM)}, or left/top/width/height)"
            )
        window = WINDOWS_MM[window_setting]
    elif isinstance(window_setting, Mapping):
        base = (
            WINDOWS_MM[str(window_setting.get("preset", "DL-right"))]
            if window_setting.get("preset") in WINDOWS_MM
            else WINDOWS_MM["DL-right"]
        )
        window = tuple(  # type: ignore[assignment]
            length_mm(window_setting[key], f"address_window.{key}")
            if key in window_setting
            else base[i]
            for i, key in enumerate(("left", "top", "width", "height"))
        )
    else:
        raise GeometryError("address_window: a preset name or {left, top, width, height}")
    if window is not None:
        x, y, w, h = window
        if x < margins[3] or y < margins[0] or x + w > width - margins[1]:
            raise GeometryError(
                f"address_window: {w}×{h} mm at ({x}, {y}) mm does not fit inside the page margins"
            )
    return PageGeometry(
        paper.upper(), width, height, (margins[0], margins[1], margins[2], margins[3]), window,
        ADDRESS_ZONE_INSET_MM.get(preset, 0.0) if window is not None else 0.0,
    )
