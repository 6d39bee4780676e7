"""Words the core writes for people: English in the code, other languages from a catalogue.

A message is written once, in English, with named fields::

    msg("owner {owner!r} is not a role in studio.yaml", owner=block.owner)

and is a value (`Message`): ``str()`` gives the English (the CLI, logs, JSON, the server), and
``in_language("it")`` the same message from the Italian catalogue,
resources/translations/missiva_core_it.po (gettext's format, read with Babel; a translator's
tools open it). The English text is the message's id, so the code stays readable and a
message without a translation falls back to English. A field may itself be a Message (a
reason inside a sentence) and is translated with it.

Adding a message: write it with msg() (only a literal string: tests/core/test_messages.py
reads them from the code), run ``python packaging/translations.py`` (it adds the new ids to the
catalogue) and translate them; the test fails on a msg() id the Italian catalogue lacks or
translates with other fields. Another wording of the same fact (plainer words for a
non-programmer) is another message id, chosen where the message is written.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.resources import resources_dir

CATALOGUE = "missiva_core_{language}.po"


@dataclass(frozen=True)
class Message:
    """A sentence for a person: its English text with {fields}, and their values."""

    text: str
    fields: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return self.in_language(None)

    def in_language(self, language: str | None) -> str:
        """The message in LANGUAGE ("it", "it_IT"); English for None or a language, or a
        message, the catalogues do not have."""
        values = {name: value.in_language(language) if isinstance(value, Message) else value
                  for name, value in self.fields}
        template = translations(language).get(self.text, self.text) if language else self.text
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            return self.text.format(**values)  # a broken translation never hides the message


def msg(text: str, /, **fields: Any) -> Message:
    """The message TEXT (English, with {name} fields) with the values of its FIELDS."""
    return Message(text, tuple(fields.items()))


def joined(items: Iterable[Message | str], separator: str = ", ") -> Message:
    """ITEMS in one message, each in the language asked for ("blocco a, modello b")."""
    values = list(items)
    text = separator.replace("{", "{{").replace("}", "}}").join(
        f"{{item{i}}}" for i in range(len(values)))
    return Message(text, tuple((f"item{i}", value) for i, value in enumerate(values)))


def in_language(text: str | Message, language: str | None) -> str:
    return text.in_language(language) if isinstance(text, Message) else text


def field_names(text: str) -> set[str]:
    """The names of the {fields} in a message text."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def catalogue_path(language: str) -> Path:
    return resources_dir() / "translations" / CATALOGUE.format(language=language)


@functools.cache
def translations(language: str | None) -> Mapping[str, str]:
    """The catalogue of LANGUAGE ("it_IT" falls back to "it") as English text → translation;
    empty when there is none."""
    if not language:
        return {}
    for name in (language, language.split("_")[0].split("-")[0]):
        path = catalogue_path(name)
        if path.is_file():
            return read_catalogue(path)
    return {}


def read_catalogue(path: Path) -> dict[str, str]:
    from babel.messages.pofile import read_po  # only when a translation is asked for

    with path.open("rb") as file:
        catalogue = read_po(file)
    return {str(message.id): str(message.string) for message in catalogue
            if message.id and message.string and not message.fuzzy}
