"""Readability of a block's text: Gulpease (Italian), Flesch Reading Ease (English), budgets.

Gulpease (Lucisano and Piemontese, 1988): 89 + (300 × sentences − 10 × letters) / words,
counting *letters* (not characters: digits, spaces and punctuation are not letters). Flesch
Reading Ease (1948): 206.835 − 1.015 × words / sentences − 84.6 × syllables / words, syllables
counted by vowel groups with the usual English corrections (silent final e, -le, -ed). Both
read 0-100, higher is easier; 60 is the usual floor for text meant for everyone.

How text is counted, the same for both indexes so a reader can redo the sum by hand:
- a word is a run of letters or digits; an apostrophe ends a word (l'energia is two words);
- a sentence ends at . ! ? … followed by a space and a capital letter, a line break or the end
  of the text; a paragraph or list item without final punctuation is a sentence too, and a
  period inside "art. 13", "c.c." or an address is no sentence end.

Budgets: `readability: {min: 60}` in studio.yaml for every block, per locale as
`readability: {it: {min: 60}, en: {min: 50}}`, and the same key in a block's front matter
(`readability: {min: 40}` for a legal block, `readability: false` to leave a block out, such
as a table of figures), and per owner in studio.yaml (`readability: {owners: {legal: {min: 45}}}`:
wording a regulator fixes reads harder than a greeting).
Blocks of fewer than MIN_WORDS words (a greeting, a table of figures) are reported, never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from studio.core.messages import msg
from studio.core.problems import Problem, error, warning

GULPEASE = "gulpease"
FLESCH = "flesch-reading-ease"
MIN_WORDS = 12

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)]*(?=\s+[\"'“«(]?[A-ZÀ-ÖØ-Þ]|\s*$)")
_SEGMENT_END = re.compile(r"[.!?…:;]+[\"'”»)]*\s*$")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class TextCounts:
    sentences: int
    words: int
    letters: int
    syllables: int
    longest_sentence: int  # words in the longest sentence


@dataclass(frozen=True)
class Readability:
    """One text's readability: the index for its locale, and what it was computed from."""

    index: str
    value: float
    counts: TextCounts

    @property
    def words_per_sentence(self) -> float:
        return self.counts.words / self.counts.sentences if self.counts.sentences else 0.0


@dataclass(frozen=True)
class Budget:
    """The lowest index a text may have, and where that rule is written."""

    min: float
    path: str
    line: int


def index_for(locale: str) -> str:
    """The index used for LOCALE: Gulpease for Italian, Flesch Reading Ease otherwise."""
    return GULPEASE if locale.split("-")[0].split("_")[0].lower() == "it" else FLESCH


def count(text: str) -> TextCounts:
    """Sentences, words, letters, English syllables and the longest sentence of TEXT."""
    sentences = words = letters = syllables = longest = 0
    for segment in _segments(text):
        start = 0
        ends = [m.end() for m in _SENTENCE_END.finditer(segment)]
        if not _SEGMENT_END.search(segment) or not ends or ends[-1] < len(segment.rstrip()):
            ends.append(len(segment))
        for end in ends:
            found = _WORD.findall(segment[start:end])
            start = end
            if not found:
                continue
            sentences += 1
            words += len(found)
            longest = max(longest, len(found))
            letters += sum(ch.isalpha() for word in found for ch in word)
            syllables += sum(english_syllables(word) for word in found)
    return TextCounts(sentences, words, letters, syllables, longest)


def _segments(text: str) -> list[str]:
    """Paragraphs and list items: each line of text (wrapped prose is joined back)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        for line in paragraph.splitlines():
            line = line.strip()
            if not line:
                continue
            item = re.match(r"^([-*•]|\d+[.)])\s+", line)
            if item or not out or _SEGMENT_END.search(out[-1]) or not out[-1]:
                out.append(line[item.end():] if item else line)
            else:
                out[-1] += " " + line
        out.append("")  # a paragraph break ends the segment
    return [s for s in out if s]


def english_syllables(word: str) -> int:
    """Syllables of an English word by vowel groups (a number is one syllable a digit group)."""
    w = word.lower()
    if not w.isalpha():
        return 1
    groups = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # silent final e: "rate", "service"
    elif w.endswith("ed") and not w.endswith(("ted", "ded")) and groups > 1:
        groups -= 1  # "changed", "used"
    return max(groups, 1)


def gulpease(counts: TextCounts) -> float:
    """89 + (300 × sentences − 10 × letters) / words, on the index's scale of 0 to 100 (Lucisano
    and Piemontese's: a text of very short sentences would otherwise score 139 and a gauge of
    100 show it past its end)."""
    if not counts.words:
        return 0.0
    return min(100.0, max(0.0, 89 + (300 * counts.sentences - 10 * counts.letters) / counts.words))


def flesch_reading_ease(counts: TextCounts) -> float:
    """206.835 − 1.015 × words / sentences − 84.6 × syllables / words."""
    if not counts.words or not counts.sentences:
        return 0.0
    return (
        206.835
        - 1.015 * counts.words / counts.sentences
        - 84.6 * counts.syllables / counts.words
    )


def readability(text: str, locale: str) -> Readability:
    """TEXT's readability by the index for LOCALE."""
    counts = count(text)
    index = index_for(locale)
    value = gulpease(counts) if index == GULPEASE else flesch_reading_ease(counts)
    return Readability(index, round(value, 1), counts)


def budget(
    setting: Any, locale: str, path: str, line: int, inherited: Budget | None = None
) -> Budget | None:
    """The budget a `readability:` SETTING (front matter or studio.yaml) gives LOCALE.

    A setting without a rule for this locale keeps INHERITED (the project's); `false` or
    `{min: null}` removes it."""
    if setting is None:
        return inherited
    if setting is False:
        return None
    if not isinstance(setting, Mapping):
        return inherited
    language = locale.split("-")[0].split("_")[0]
    for key in (locale, language):
        own = setting.get(key)
        if isinstance(own, Mapping) or own is False:
            return budget(own, locale, path, line, inherited)
    if "min" not in setting:
        return inherited
    value = setting.get("min")
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Budget(float(value), path, line)


def setting_problem(setting: Any) -> str | None:
    """What is wrong with a `readability:` setting, in words (None when it is well formed)."""
    found = setting_problems({"readability": setting}, "readability", "")
    return found[0].message if found else None


def setting_problems(
    parent: Mapping[str, Any], key: str, path: str, locales: Iterable[str] = (),
    roles: Iterable[str] = (), project_wide: bool = True,
) -> list[Problem]:
    """Every mistake in the `readability:` setting PARENT[KEY] (a block's front matter or
    studio.yaml), each at its own line: a wrong type, an unknown key, a locale the project
    does not have (LOCALES, when given), an owner that is not one of ROLES (when given).
    `owners:` belongs to studio.yaml (PROJECT_WIDE), not to a block."""
    known = {name for locale in locales for name in (locale, locale.split("-")[0].split("_")[0])}
    role_names = set(roles)
    problems: list[Problem] = []

    def at(node: Any, name: Any) -> tuple[int, int]:
        return node.where(name) if hasattr(node, "where") else (1, 1)

    def walk(node: Any, name: Any, label: str, top: bool) -> None:
        setting = node.get(name)
        if setting is None or setting is False:
            return
        line, col = at(node, name)
        if not isinstance(setting, Mapping):
            problems.append(error(path, line, col, msg(
                "{label}: expected {{min: NUMBER}} or false, not {setting!r}", label=label,
                setting=setting)))
            return
        for sub, value in setting.items():
            line, col = at(setting, sub)
            if sub == "min":
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if value is not None and not number:
                    problems.append(error(path, line, col, msg(
                        "{label}: min must be a number, not {value!r}", label=label,
                        value=value)))
                elif number and not 0 <= value <= 100:
                    problems.append(warning(path, line, col, msg(
                        "{label}: min {value:g} is outside the index's 0-100 scale",
                        label=label, value=value)))
            elif sub == "owners":
                if not top:
                    problems.append(error(path, line, col, msg(
                        "{label}: owners belongs in studio.yaml (a block's own budget is "
                        "{{min: NUMBER}})", label=label)))
                    continue
                if not isinstance(value, Mapping):
                    problems.append(error(path, line, col, msg(
                        "{label}: owners expects {{OWNER: {{min: NUMBER}}}}", label=label)))
                    continue
                for owner in value:
                    if role_names and owner not in role_names:
                        problems.append(warning(path, *at(value, owner), msg(
                            "{label}: owner {owner!r} is not a role in studio.yaml",
                            label=label, owner=owner)))
                    walk(value, owner, f"{label}.owners.{owner}", False)
            elif isinstance(value, Mapping) or value is False:
                if known and str(sub) not in known:
                    problems.append(warning(path, line, col, msg(
                        "{label}: {sub!r} is not a locale of the project", label=label,
                        sub=sub)))
                walk(setting, sub, f"{label}.{sub}", False)
            else:
                problems.append(error(path, line, col, msg(
                    "{label}: unknown key {sub!r} (min, or a locale such as it: {{min: 60}})",
                    label=label, sub=sub)))

    walk(parent, key, "readability", project_wide)
    return problems
