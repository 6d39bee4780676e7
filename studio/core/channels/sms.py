"""SMS: the composed content as plain text, with its encoding and segment count."""

from __future__ import annotations

from studio.core.channels import CHANNELS, Rendition
from studio.core.channels.gsm import analyse, transliterate
from studio.core.compose import Composition
from studio.core.messages import msg
from studio.core.problems import Problem, warning

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})


def _lines(text: str) -> list[str]:
    # Locale formatting puts no-break spaces in amounts ("1.234,50\u00a0€"); on a phone they
    # look like spaces but would force the whole message into UCS-2.
    text = text.translate(_SPACES)
    # Each line trimmed, runs of spaces collapsed, no blank lines: every character is paid for.
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def block_lines(composition: Composition) -> list[list[str | int]]:
    """Which lines of the message each block wrote: [block, first line (from 0), count], in
    order (click to edit on the SMS bubble)."""
    out: list[list[str | int]] = []
    first = 0
    for block in composition.blocks:
        count = len(_lines(block.text))
        if count:
            out.append([block.block, first, count])
        first += count
    return out


def sms_text(composition: Composition) -> str:
    """Blocks joined as short paragraphs; optionally transliterated into GSM-7."""
    text = "\n".join(line for block in composition.blocks for line in _lines(block.text))
    settings = composition.template.sms
    if settings.get("transliterate"):
        text = transliterate(text)
    return text


def render(composition: Composition) -> Rendition:
    text = sms_text(composition)
    facts = analyse(text)
    template = composition.template
    warnings: list[Problem] = []
    budget = template.sms.get("max_segments")
    over_budget = isinstance(budget, int) and facts.segments > budget
    if over_budget:
        line, col = template.where("sms", "max_segments")
        warnings.append(
            warning(
                template.path,
                line,
                col,
                msg("sms: {segments} segments ({encoding}, {units} units) is over the budget "
                    "of {budget}", segments=facts.segments, encoding=facts.encoding,
                    units=facts.units, budget=budget),
            )
        )
    if facts.ucs2_forcing:
        # Point at the block whose text carries the character (it may come from the record).
        by_block: dict[str, set[str]] = {}
        for _, ch in facts.ucs2_forcing:
            source = next((b.path for b in composition.blocks if ch in b.text), template.path)
            by_block.setdefault(source, set()).add(ch)
        for source, chars in by_block.items():
            forcing = "".join(sorted(chars))
            warnings.append(
                warning(
                    source,
                    0,
                    0,
                    msg("sms: UCS-2 (70 characters a segment, not 160) forced by {characters!r}; "
                        "consider sms.transliterate", characters=forcing),
                )
            )
    return Rendition(
        template=template.name,
        channel="sms",
        locale=composition.locale,
        content=text.encode("utf-8"),
        media_type=CHANNELS["sms"].media_type,
        extension=CHANNELS["sms"].extension,
        facts={
            "text": text,
            "encoding": facts.encoding,
            "segments": facts.segments,
            "characters": facts.characters,
            "units": facts.units,
            "per_segment": facts.per_segment,
            "ucs2_characters": [{"index": i, "char": ch} for i, ch in facts.ucs2_forcing],
            "max_segments": budget if isinstance(budget, int) else None,
            "over_budget": over_budget,
            "block_lines": block_lines(composition),
        },
        warnings=tuple(warnings),
        used_blocks=composition.used_blocks,
    )
