"""Links a reader can tap: web addresses, email addresses and phone numbers in composed HTML.

A payment page, the customer area, the toll-free number written as plain text are what a
customer on a phone wants to tap, and what a PDF reader can open. Composition runs each
block's HTML through `linkify`: text outside existing links gets `<a href>` — https:// for
web addresses (www.… included), mailto: for email addresses, tel: with the international
prefix for the phone numbers of the project's country (phonenumbers: the numbering plan, so an
IBAN, a POD or an amount is never taken for a number). The SMS reads the blocks' plain text and
is left alone; WeasyPrint turns the links into PDF link annotations.
"""

from __future__ import annotations

import functools
import html
import re

import phonenumbers

_TAG = re.compile(r"(<[^>]*>)")
# Text inside these is not prose: a URL in code stays code.
_SKIPPED = re.compile(r"<(/?)(a|code|pre|script|style|title)\b", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.I)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\b")
# A run of at least six digits, spaced or dotted as numbers are written: only there can a
# phone number be, and only there the (slow) numbering-plan matcher looks.
_DIGITS = re.compile(r"\+?\(?\d[\d ().\-/\u00a0]{4,}\d")
# Anything that may become a link: most text has none and is left at once.
_CANDIDATE = re.compile(r"://|www\.|@|\d[\d ().\-/\u00a0]{4,}\d", re.I)
_TRAILING = ".,;:!?)]'"
_ENTITY_END = re.compile(r"&(?:quot|#39|#x27|gt|lt|apos);", re.I)


def _url_end(text: str, start: int, end: int) -> int:
    entity = _ENTITY_END.search(text, start, end)
    if entity is not None:
        end = entity.start()
    while end > start and text[end - 1] in _TRAILING:
        # a closing bracket that the URL opened stays part of it
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _spans(text: str, region: str) -> list[tuple[int, int, str]]:
    """(start, end, href) of every link in TEXT (HTML-escaped text, no tags), not overlapping."""
    found: list[tuple[int, int, str]] = []
    for match in _URL.finditer(text):
        end = _url_end(text, match.start(), match.end())
        url = html.unescape(text[match.start():end])
        if "." not in url.split("//")[-1]:
            continue
        href = url if "://" in url else f"https://{url}"
        found.append((match.start(), end, href))
    for match in _EMAIL.finditer(text):
        found.append((match.start(), match.end(), f"mailto:{match.group(0)}"))
    for run in _DIGITS.finditer(text):
        if sum(ch.isdigit() for ch in run.group(0)) < 6:
            continue
        # The words just before a run tell the matcher nothing it needs; the run itself, with
        # a character either side (a letter glued to it makes it a code, not a number), does.
        start, end = max(0, run.start() - 1), min(len(text), run.end() + 1)
        for number in phonenumbers.PhoneNumberMatcher(text[start:end], region,
                                                      leniency=phonenumbers.Leniency.VALID):
            # A number written without "+" is a domestic one: "00881234567890" is a gas
            # meter's PDR code, not a satellite phone dialled with 00.
            if (not number.raw_string.lstrip("(").startswith("+")
                    and phonenumbers.region_code_for_number(number.number) != region):
                continue
            e164 = phonenumbers.format_number(number.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((start + number.start, start + number.end, f"tel:{e164}"))
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _link_text(text: str, region: str) -> str:
    spans = _spans(text, region)
    if not spans:
        return text
    out, at = [], 0
    for start, end, href in spans:
        out.append(text[at:start])
        out.append(f'<a href="{html.escape(href, quote=True)}">{text[start:end]}</a>')
        at = end
    out.append(text[at:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def linkify(source: str, region: str = "IT") -> str:
    """SOURCE (HTML) with its web addresses, email addresses and phone numbers (read as
    numbers of REGION, an ISO country code, when written without a prefix) as links; text
    already inside a link, code or preformatted text is left as it is. Kept by text, as
    markdown.convert is: composing again after an edit links the blocks that did not change
    without reading them again."""
    if _CANDIDATE.search(source) is None:
        return source
    parts = _TAG.split(source)
    skipped = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            tag = _SKIPPED.match(part)
            if tag is not None:
                skipped = max(0, skipped + (-1 if tag.group(1) else 1))
            continue
        if part and not skipped and _CANDIDATE.search(part) is not None:
            parts[index] = _link_text(part, region)
    return "".join(parts)
