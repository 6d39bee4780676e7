"""The widths of a letter's words measured once, not at every rendition.

Before WeasyPrint lays out a table it asks every cell how narrow and how wide its text can be
(the min- and max-content widths of CSS's automatic table layout; floats and inline blocks ask
too). It answers with Pango, one layout a word for the narrowest width: about 470 Pango
layouts for the Bolletta bill's first page, 70-90 ms of a 420 ms rendition, at every keystroke
of the print preview and every letter of a batch — for text that, but for the word being
typed, was measured the rendition before (and in a batch, the whole legal wording was).

What such a measurement answers is decided by the text, the flags it is asked with and the
properties of the text's style that Pango and WeasyPrint's line breaking read (the fonts and
their features, size, spacing, language, white-space and hyphenation: `_STYLE`), within one
font configuration. So it is kept by those. A font face registered in the configuration (a
stylesheet parsed that was not parsed before: the stylesheet cache keeps parses) starts a new
generation, and measurements of an earlier one are not used again.

Only the one caller that reads nothing but the width and where the next line starts is
answered from the cache (`inline_line_widths`, checked in its bytecode when installing): the
layout of the lines themselves still makes Pango layouts, which the PDF is drawn from.
tests/core/test_textcache.py compares every sample letter's PDF with and without the cache.
"""

from __future__ import annotations

import dis
import hashlib
import threading
from collections import OrderedDict
from typing import Any

import weasyprint.layout.preferred as _preferred
from weasyprint.text.fonts import FontConfiguration

_original = _preferred.split_first_line
_original_add_font_face = FontConfiguration.add_font_face
# What the cache can stand in for: a caller that keeps only the resume index and the width
# (`_, _, new_resume_index, width, _, _ = split_first_line(...)`).
_KEPT_BY_CALLER = ["_", "_", "new_resume_index", "width", "_", "_"]
# The style's properties that a measurement of text reads (weasyprint/text: the Pango layout's
# font, features and language; line breaking's white-space, wrapping and hyphenation).
_STYLE = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_size", "line_height",
    "font_variant_ligatures", "font_variant_position", "font_variant_caps",
    "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings", "font_variation_settings", "font_language_override",
    "font_kerning", "lang", "direction", "letter_spacing", "word_spacing", "white_space",
    "tab_size", "overflow_wrap", "word_break", "hyphens", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone", "text_decoration_line",
)
_KEPT = 50_000  # measurements kept (~150 bytes each): a large letter asks for a few thousand
_lock = threading.Lock()
_generation = 0
_cache: OrderedDict[tuple[Any, ...], tuple[int | None, float]] = OrderedDict()
stats = {"hits": 0, "measured": 0}


def _hashable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                     justification_spacing: float, is_line_start: bool = True,
                     minimum: bool = False) -> tuple[Any, ...]:
    """weasyprint's split_first_line for `inline_line_widths`: its width and resume index from
    the cache when the same text in the same style was measured before (the layout, length,
    height and baseline, which that caller drops, are None)."""
    try:
        key = (hashlib.blake2b(text.encode(), digest_size=16).digest(), len(text), max_width,
               justification_spacing, is_line_start, minimum, style.font_config, _generation,
               tuple(_hashable(style[name]) for name in _STYLE))
        hash(key)
    except (TypeError, AttributeError):  # a value with no hash: measured as WeasyPrint does
        return _original(text, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    if found is not None:
        stats["hits"] += 1
        return None, None, found[0], found[1], None, None
    stats["measured"] += 1
    result = _original(text, style, context, max_width, justification_spacing, is_line_start,
                       minimum)
    with _lock:
        _cache[key] = (result[2], result[3])
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return result


def _add_font_face(self: FontConfiguration, *args: Any, **kwargs: Any) -> Any:
    """A face registered may change which font a family's text is set in: a new generation."""
    global _generation
    with _lock:
        _generation += 1
    return _original_add_font_face(self, *args, **kwargs)


def installable() -> bool:
    """Whether this WeasyPrint's min/max-content measure reads only what the cache keeps: its
    one call of split_first_line unpacked into the resume index and the width, the rest
    dropped. Read from the bytecode, which a frozen application has too."""
    code = list(dis.get_instructions(_preferred.inline_line_widths))
    calls = [i for i, ins in enumerate(code) if ins.argval == "split_first_line"]
    if len(calls) != 1:
        return False
    after = code[calls[0]:]
    unpack = next((i for i, ins in enumerate(after) if ins.opname == "UNPACK_SEQUENCE"), None)
    if unpack is None or after[unpack].argval != len(_KEPT_BY_CALLER):
        return False
    stored = after[unpack + 1:unpack + 1 + len(_KEPT_BY_CALLER)]
    return ([ins.opname for ins in stored] == ["STORE_FAST"] * len(_KEPT_BY_CALLER)
            and [ins.argval for ins in stored] == _KEPT_BY_CALLER)


def install() -> bool:
    """Route the min/max-content measurement of text through the cache (idempotent). False
    where this WeasyPrint's measure is not the one the cache was made for."""
    if not installable():
        return False
    _preferred.split_first_line = split_first_line
    FontConfiguration.add_font_face = _add_font_face
    return True


def uninstall() -> None:
    """WeasyPrint's own measurement, every time (the tests' reference)."""
    _preferred.split_first_line = _original
    FontConfiguration.add_font_face = _original_add_font_face
    with _lock:
        _cache.clear()


__all__ = ["split_first_line", "install", "installable", "uninstall"]
