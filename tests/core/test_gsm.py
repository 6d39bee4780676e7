"""Tests for GSM 03.38 SMS analysis and transliteration."""

from __future__ import annotations

import dataclasses
import math

import pytest

from studio.core.channels.gsm import GSM7_BASIC, GSM7_EXTENSION, analyse, is_gsm7, transliterate

# The basic table written out independently of the module, code by code, from TS 23.038 6.2.1.
# fmt: off
_REFERENCE_BASIC = {
    0x00: "\u0040", 0x01: "\u00a3", 0x02: "\u0024", 0x03: "\u00a5",
    0x04: "\u00e8", 0x05: "\u00e9", 0x06: "\u00f9", 0x07: "\u00ec",
    0x08: "\u00f2", 0x09: "\u00c7", 0x0A: "\u000a", 0x0B: "\u00d8",
    0x0C: "\u00f8", 0x0D: "\u000d", 0x0E: "\u00c5", 0x0F: "\u00e5",
    0x10: "\u0394", 0x11: "\u005f", 0x12: "\u03a6", 0x13: "\u0393",
    0x14: "\u039b", 0x15: "\u03a9", 0x16: "\u03a0", 0x17: "\u03a8",
    0x18: "\u03a3", 0x19: "\u0398", 0x1A: "\u039e", 0x1C: "\u00c6",
    0x1D: "\u00e6", 0x1E: "\u00df", 0x1F: "\u00c9", 0x24: "\u00a4",
    0x40: "\u00a1", 0x5B: "\u00c4", 0x5C: "\u00d6", 0x5D: "\u00d1",
    0x5E: "\u00dc", 0x5F: "\u00a7", 0x60: "\u00bf", 0x7B: "\u00e4",
    0x7C: "\u00f6", 0x7D: "\u00f1", 0x7E: "\u00fc", 0x7F: "\u00e0",
}
# fmt: on
# Everything else (except the 0x1B escape) coincides with ASCII.
for _code in range(0x20, 0x80):
    _REFERENCE_BASIC.setdefault(_code, chr(_code))


# --- the alphabet -------------------------------------------------------------------------


def test_basic_table_matches_the_standard() -> None:
    assert 0x1B not in _REFERENCE_BASIC
    assert len(_REFERENCE_BASIC) == 127
    assert set(_REFERENCE_BASIC.values()) == GSM7_BASIC


def test_extension_table() -> None:
    assert set("^{}\\[~]|€\f") == GSM7_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize("ch", ["ë", "ç", "á", "È", "’", "`", "\t", "\x1b", "\u2126", "α", "😀"])
def test_not_gsm7(ch: str) -> None:
    # U+2126 OHM SIGN looks like Ω (U+03A9, which is GSM) but is a different code point.
    assert not is_gsm7(ch)


def test_is_gsm7() -> None:
    assert is_gsm7("")
    assert is_gsm7("Ciao! È tutto ok? no: È isn't") is False
    assert is_gsm7("Perché sì, è così: 10€ {ok} [x] ~ | ^ \\ @£$¥ ΔΦΓΛΩΠΨΣΘΞ ÆæßÉ ¤§¿¡ Ç\r\n")


# --- GSM-7 lengths and segments -----------------------------------------------------------


def test_empty_text() -> None:
    facts = analyse("")
    assert facts.encoding == "GSM-7"
    assert facts.characters == 0
    assert facts.units == 0
    assert facts.segments == 0
    assert facts.per_segment == 160
    assert facts.remaining == 160
    assert facts.ucs2_forcing == ()


@pytest.mark.parametrize(
    ("length", "segments", "per_segment", "remaining"),
    [
        (1, 1, 160, 159),
        (160, 1, 160, 0),
        (161, 2, 153, 145),
        (306, 2, 153, 0),
        (307, 3, 153, 152),
        (459, 3, 153, 0),
        (460, 4, 153, 152),
    ],
)
def test_gsm7_boundaries(length: int, segments: int, per_segment: int, remaining: int) -> None:
    facts = analyse("a" * length)
    assert facts.encoding == "GSM-7"
    assert facts.characters == length
    assert facts.units == length
    assert (facts.segments, facts.per_segment, facts.remaining) == (
        segments,
        per_segment,
        remaining,
    )


def test_extension_characters_cost_two_septets() -> None:
    facts = analyse("€" * 80)
    assert facts.encoding == "GSM-7"
    assert facts.characters == 80
    assert facts.units == 160
    assert facts.segments == 1
    assert facts.remaining == 0

    facts = analyse("€" * 81)
    assert facts.units == 162
    assert facts.segments == 2
    assert facts.per_segment == 153
    # 76 euros fill 152 septets of part one (the 77th does not fit in the last septet).
    assert facts.remaining == 153 - 2 * 5


def test_escape_sequence_is_not_split_across_segments() -> None:
    # 152 + 2 + 152 = 306 septets: division says 2 parts, but the € would straddle septets
    # 153/154, so it moves whole into part two, which then needs 154 > 153 septets.
    text = "a" * 152 + "€" + "b" * 152
    facts = analyse(text)
    assert facts.units == 306
    assert math.ceil(facts.units / 153) == 2
    assert facts.segments == 3
    assert facts.remaining == 153 - 1


def test_escape_at_exact_boundary_fits() -> None:
    # 151 + 2 = 153: the escape sequence ends exactly at the boundary, nothing moves.
    facts = analyse("a" * 151 + "€" + "b" * 153)
    assert facts.units == 306
    assert facts.segments == 2
    assert facts.remaining == 0


# --- UCS-2 lengths and segments -----------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "segments", "per_segment", "remaining"),
    [
        (70, 1, 70, 0),
        (71, 2, 67, 63),
        (134, 2, 67, 0),
        (135, 3, 67, 66),
    ],
)
def test_ucs2_boundaries(length: int, segments: int, per_segment: int, remaining: int) -> None:
    facts = analyse("ж" * length)
    assert facts.encoding == "UCS-2"
    assert facts.characters == length
    assert facts.units == length
    assert (facts.segments, facts.per_segment, facts.remaining) == (
        segments,
        per_segment,
        remaining,
    )


def test_one_non_gsm_character_switches_everything_to_ucs2() -> None:
    facts = analyse("a" * 69 + "ë")
    assert facts.encoding == "UCS-2"
    assert facts.units == 70
    assert facts.segments == 1
    assert analyse("a" * 70 + "ë").segments == 2


def test_emoji_counts_two_utf16_units() -> None:
    facts = analyse("Ciao 😀")
    assert facts.encoding == "UCS-2"
    assert facts.characters == 6
    assert facts.units == 7
    assert facts.segments == 1
    assert facts.remaining == 63
    assert facts.ucs2_forcing == ((5, "😀"),)

    assert analyse("😀" * 35).segments == 1
    assert analyse("😀" * 36).segments == 2


def test_surrogate_pair_is_not_split_across_segments() -> None:
    text = "a" * 66 + "😀" + "a" * 66
    facts = analyse(text)
    assert facts.encoding == "UCS-2"
    assert facts.characters == 133
    assert facts.units == 134
    assert math.ceil(facts.units / 67) == 2
    assert facts.segments == 3
    assert facts.remaining == 67 - 1


# --- what forces UCS-2 --------------------------------------------------------------------


def test_ucs2_forcing_lists_exact_characters_and_indexes() -> None:
    # é and è are GSM; ë and the curly apostrophes are not. Indexes are code point indexes,
    # so the emoji after them sits at 17.
    text = "Ciao Zoë ’x’ é è 😀!"
    facts = analyse(text)
    assert facts.encoding == "UCS-2"
    assert facts.ucs2_forcing == ((7, "ë"), (9, "’"), (11, "’"), (17, "😀"))
    for index, ch in facts.ucs2_forcing:
        assert text[index] == ch


def test_gsm_text_has_no_forcing_characters() -> None:
    assert analyse("Perché è così? 5€").ucs2_forcing == ()


def test_facts_are_frozen() -> None:
    facts = analyse("hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.units = 3  # type: ignore[misc]


# --- transliteration ----------------------------------------------------------------------


def test_transliterate_typographic_text() -> None:
    out = transliterate("L’offerta “Gold” – 10…")
    assert out == 'L\'offerta "Gold" - 10...'
    assert is_gsm7(out)
    assert analyse(out).encoding == "GSM-7"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("‘a’ ‚b‛", "'a' 'b'"),
        ("“a” „b”", '"a" "b"'),
        ("«ciao»", '"ciao"'),
        ("a–b—c", "a-b-c"),
        ("• uno", "- uno"),
        ("10\u00a0€", "10 €"),
        ("a\u2009b\u202fc\u3000d", "a b c d"),
        ("á í ó ú â ê î ô û ë ï ã õ", "a i o u a e i o u e i a o"),
        ("Á Í Ó Ú È Ì Ò Ù À Ë", "A I O U E' I' O' U' A' E"),
        # Italian usage: "È" ("is") as "E'", never "E" ("and")
        ("È valido. PERCHÈ? CITTÀ", "E' valido. PERCHE'? CITTA'"),
        ("français", "francais"),
        ("Ça va", "Ça va"),
        ("perché è così più là però", "perché è così più là però"),
        ("e\u0301 a\u0300 o\u0303", "é à o"),
        ("Łódź", "Lodz"),
    ],
)
def test_transliterate_cases(source: str, expected: str) -> None:
    assert transliterate(source) == expected


def test_transliterate_keeps_gsm_text_unchanged() -> None:
    every_gsm_char = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))
    assert transliterate(every_gsm_char) == every_gsm_char


def test_transliterate_leaves_unmappable_characters() -> None:
    text = "Ciao 😀 Привет 你好 ✓"
    assert transliterate(text) == text
    mixed = transliterate("Zoë’s 😀")
    assert mixed == "Zoe's 😀"
    assert analyse(mixed).ucs2_forcing == ((6, "😀"),)


def test_transliteration_can_bring_cost_down() -> None:
    text = "Gentile cliente, l’offerta “Premium” è attiva – grazie…" * 3
    assert analyse(text).encoding == "UCS-2"
    folded = transliterate(text)
    assert analyse(folded).encoding == "GSM-7"
    assert analyse(folded).segments < analyse(text).segments
