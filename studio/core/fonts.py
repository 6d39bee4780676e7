"""Fonts for print: the shipped default family and the project's own, as @font-face rules."""

from __future__ import annotations

import functools
from pathlib import Path

from studio.core.resources import resources_dir

DEFAULT_FAMILY = "Missiva Sans"
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")

# The shipped faces (DejaVu Sans, under its own family name so a different DejaVu installed on
# the machine can never be picked instead): print output does not depend on the machine.
_SHIPPED = (
    ("Missiva Sans", "DejaVuSans.ttf", 400, "normal"),
    ("Missiva Sans", "DejaVuSans-Bold.ttf", 700, "normal"),
    ("Missiva Sans", "DejaVuSans-Oblique.ttf", 400, "italic"),
    ("Missiva Sans", "DejaVuSans-BoldOblique.ttf", 700, "italic"),
    ("Missiva Mono", "DejaVuSansMono.ttf", 400, "normal"),
)


def _face(family: str, url: str, weight: int, style: str) -> str:
    family = family.replace("\\", "").replace('"', "")
    return (
        f'@font-face {{ font-family: "{family}"; src: url("{url}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
    )


@functools.cache
def shipped_font_faces() -> str:
    folder = resources_dir() / "fonts"
    return "\n".join(
        _face(family, (folder / name).as_uri(), weight, style)
        for family, name, weight, style in _SHIPPED
    )


@functools.lru_cache(maxsize=512)
def _describe(path: Path, mtime_ns: int) -> tuple[str, int, str] | None:
    """Family, weight and style from the font's own tables (not from its file name)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
            italic = bool(font["OS/2"].fsSelection & 1) if "OS/2" in font else False
            if "head" in font and font["head"].macStyle & 2:
                italic = True
    except (TTLibError, OSError, KeyError, AssertionError):
        return None
    if not family:
        return None
    return family, int(weight), "italic" if italic else "normal"


def project_fonts(root: Path) -> list[tuple[str, str, int, str]]:
    """(relative path, family, weight, style) of each readable font in assets/fonts."""
    folder = root / "assets" / "fonts"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
            continue
        described = _describe(path, path.stat().st_mtime_ns)
        if described is not None:
            found.append((path.relative_to(root).as_posix(), *described))
    return found


def font_faces(root: Path) -> str:
    own = [
        _face(family, relative, weight, style)
        for relative, family, weight, style in project_fonts(root)
    ]
    return "\n".join([shipped_font_faces(), *own])
