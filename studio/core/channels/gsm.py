"""GSM 03.38 SMS analysis: encoding, length, segments and GSM-safe transliteration of SMS text.

Follows 3GPP TS 23.038 (the GSM 7-bit default alphabet and its extension table) and the
concatenated-SMS limits of TS 23.040: a lone message carries 160 septets (GSM-7) or 70 UTF-16
code units (UCS-2); each part of a multi-part message loses room to the User Data Header and
carries 153 septets or 67 code units.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "SmsFacts",
    "analyse",
    "is_gsm7",
    "transliterate",
]

Encoding = Literal["GSM-7", "UCS-2"]

# The basic table laid out by code (row = high nibble, column = low nibble), so a review against
# TS 23.038 section 6.2.1 is a line-by-line comparison. 0x1B is the escape to the extension
# table, not a character, hence the placeholder that is removed below.
_BASIC_TABLE: Final[str] = (
    "@£$¥èéùìòÇ\nØø\rÅå"  # 0x00-0x0F
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"  # 0x10-0x1F
    " !\"#¤%&'()*+,-./"  # 0x20-0x2F
    "0123456789:;<=>?"  # 0x30-0x3F
    "¡ABCDEFGHIJKLMNO"  # 0x40-0x4F
    "PQRSTUVWXYZÄÖÑÜ§"  # 0x50-0x5F
    "¿abcdefghijklmno"  # 0x60-0x6F
    "pqrstuvwxyzäöñüà"  # 0x70-0x7F
)

_ESCAPE_SLOT: Final = 0x1B

#: The 127 characters of the GSM 7-bit default alphabet (the escape slot is not a character).
GSM7_BASIC: Final[frozenset[str]] = frozenset(
    ch for code, ch in enumerate(_BASIC_TABLE) if code != _ESCAPE_SLOT
)

#: The default extension table: each is sent as ESC + code, so it costs 2 septets.
GSM7_EXTENSION: Final[frozenset[str]] = frozenset("\f^{}\\[~]|€")

_GSM7_ALL: Final[frozenset[str]] = GSM7_BASIC | GSM7_EXTENSION

# Single-part capacity versus per-part capacity once the concatenation header takes its room.
_GSM7_SINGLE: Final = 160
_GSM7_MULTI: Final = 153
_UCS2_SINGLE: Final = 70
_UCS2_MULTI: Final = 67


@dataclass(frozen=True, slots=True)
class SmsFacts:
    """What a text costs as an SMS.

    ``units`` are septets for GSM-7 and UTF-16 code units for UCS-2. ``remaining`` is the room
    left in the last segment; for empty text it is the room of a whole single message.
    ``ucs2_forcing`` lists ``(code point index, character)`` for every character outside the
    GSM-7 alphabet and extension table, i.e. exactly what would have to go for GSM-7.
    """

    encoding: Encoding
    characters: int
    units: int
    segments: int
    per_segment: int
    remaining: int
    ucs2_forcing: tuple[tuple[int, str], ...]


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` can be sent in the GSM 7-bit alphabet."""
    return all(ch in _GSM7_ALL for ch in text)


def _septets(ch: str) -> int:
    return 2 if ch in GSM7_EXTENSION else 1


def _utf16_units(ch: str) -> int:
    # Astral characters (most emoji) travel as a surrogate pair.
    return 2 if ord(ch) > 0xFFFF else 1


def _pack(costs: list[int], capacity: int) -> tuple[int, int]:
    """Fill segments greedily without splitting any character; return (segments, last fill).

    Dividing total units by capacity undercounts when a 2-unit character (an escape sequence or
    a surrogate pair) would straddle a boundary: real senders push it whole into the next part
    and leave a unit unused, so only packing gives the count the operator will bill.
    """
    segments, fill = 1, 0
    for cost in costs:
        if fill + cost > capacity:
            segments += 1
            fill = 0
        fill += cost
    return segments, fill


def analyse(text: str) -> SmsFacts:
    """Encoding, size and segment count of ``text`` sent as an SMS."""
    forcing = tuple((i, ch) for i, ch in enumerate(text) if ch not in _GSM7_ALL)
    encoding: Encoding
    if forcing:
        # A single character outside GSM-7 switches the whole message to UCS-2.
        encoding = "UCS-2"
        costs = [_utf16_units(ch) for ch in text]
        single, multi = _UCS2_SINGLE, _UCS2_MULTI
    else:
        encoding = "GSM-7"
        costs = [_septets(ch) for ch in text]
        single, multi = _GSM7_SINGLE, _GSM7_MULTI

    units = sum(costs)
    if not text:
        segments, per_segment, fill = 0, single, 0
    elif units <= single:
        segments, per_segment, fill = 1, single, units
    else:
        per_segment = multi
        segments, fill = _pack(costs, multi)

    return SmsFacts(
        encoding=encoding,
        characters=len(text),
        units=units,
        segments=segments,
        per_segment=per_segment,
        remaining=per_segment - fill,
        ucs2_forcing=forcing,
    )


# Typographic characters that word processors and CMSs substitute for plain ones; each has an
# unambiguous GSM-7 stand-in that reads the same.
_TYPOGRAPHIC: Final[dict[str, str]] = {
    # single quotes, apostrophes and primes
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u201a": "'",  # ‚
    "\u201b": "'",  # ‛
    "\u2032": "'",  # ′
    "\u2039": "'",  # ‹
    "\u203a": "'",  # ›
    # double quotes and guillemets
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',  # ‟
    "\u2033": '"',  # ″
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    # hyphens and dashes
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    # bullets and ellipsis
    "\u2022": "-",  # •
    "\u2026": "...",  # …
    # spaces: visually a space, so a plain space loses nothing
    "\t": " ",
    "\u00a0": " ",
    "\u1680": " ",
    **{chr(code): " " for code in range(0x2000, 0x200B)},  # en quad .. hair space
    "\u202f": " ",
    "\u205f": " ",
    "\u3000": " ",
    # line and paragraph separators are line breaks in every reader
    "\u2028": "\n",
    "\u2029": "\n",
    # Invisible characters that sneak in through copy and paste; they would force UCS-2 (and
    # more than double the cost) while showing nothing. ZWJ/ZWNJ are kept: they shape emoji
    # and scripts, so dropping them would change what is displayed.
    "\u200b": "",  # zero-width space
    "\u2060": "",  # word joiner
    "\ufeff": "",  # byte order mark / zero-width no-break space
    "\u00ad": "",  # soft hyphen
    # Look-alike symbols whose canonical letter is in the GSM table.
    "\u2206": "Δ",  # increment
    # Latin letters without a canonical decomposition, so the accent stripping below misses them.
    "\u0141": "L",  # Ł
    "\u0142": "l",  # ł
    "\u0110": "D",  # Đ
    "\u0111": "d",  # đ
    "\u0152": "OE",  # Œ
    "\u0153": "oe",  # œ
    # Italian writes a capital with a grave accent as the letter and an apostrophe when the
    # accent is not to hand ("E'", "PERCHE'", "CITTA'"): a bare "E" would turn "is" into "and".
    # The lower-case ones (à è ì ò ù) are GSM-7 letters and stay as they are.
    "\u00c0": "A'",  # À
    "\u00c8": "E'",  # È
    "\u00cc": "I'",  # Ì
    "\u00d2": "O'",  # Ò
    "\u00d9": "U'",  # Ù
}


def _clusters(text: str) -> list[str]:
    """Split into base character + following combining marks, so decomposed accents travel
    with their letter."""
    clusters: list[str] = []
    for ch in text:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _fold(cluster: str) -> str:
    composed = unicodedata.normalize("NFC", cluster)
    if is_gsm7(composed):
        # Covers the canonical equivalents too: "e" + U+0301 becomes é, the Ohm sign becomes Ω.
        return composed
    if composed in _TYPOGRAPHIC:
        return _TYPOGRAPHIC[composed]

    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or base not in GSM7_BASIC or not base.isalpha():
        # Not an accented letter we can reason about: leave it for the user to see.
        return cluster
    # Keep as much of the accent as GSM can carry (ǻ -> å), else fall back to the bare letter
    # in the same case (á -> a, Ó -> O, ç -> c). Case is never changed, so Ç is not used for ç:
    # a capital in the middle of a word would change the text more than a missing cedilla.
    for keep in range(len(marks) - 1, 0, -1):
        candidate = unicodedata.normalize("NFC", base + marks[:keep])
        if len(candidate) == 1 and candidate in GSM7_BASIC:
            return candidate
    return base


def transliterate(text: str) -> str:
    """Replace typographic and accented characters with their closest GSM-7 equivalents.

    Characters already in GSM-7 (including è é ù ì ò à and the extension table) are kept as they
    are; characters with no safe equivalent (emoji, non-Latin scripts, ...) are left unchanged,
    so ``analyse`` still reports them as forcing UCS-2.
    """
    if is_gsm7(text):
        return text
    return "".join(_fold(cluster) for cluster in _clusters(text))
