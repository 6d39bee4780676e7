"""Dates and numbers as the studio's reader reads them, in the UI language (Babel's CLDR data):
"3 March 2026, 14:05" in English, "3 marzo 2026, 14:05" in Italian."""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_decimal
from PySide6.QtCore import QLocale

from studio.core.problems import Problem


def ui_locale() -> Locale:
    """The language the studio speaks (QLocale's default, set with the translations)."""
    name = QLocale().name()  # "it_IT"; "C" when the system says nothing
    try:
        return Locale.parse(name if name and name != "C" else "en")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def date_in_words(iso: str, *, time: bool = True) -> str:
    """An ISO 8601 date in local time: "3 March 2026, 14:05" ("3 marzo 2026, 14:05")."""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    pattern = "d MMMM y, HH:mm" if time else "d MMMM y"
    return format_datetime(moment, pattern, locale=ui_locale())


def number(value: float) -> str:
    """A number with the UI language's separators: 1,382 (1.382)."""
    return format_decimal(value, locale=ui_locale())


def problem_text(problem: Problem) -> str:
    """A problem's message in the UI language (the core's catalogue; English without one)."""
    return problem.in_language(ui_locale().language)


def problem_line(problem: Problem) -> str:
    """"file:line:col: severity: message", the message in the UI language."""
    return (f"{problem.path}:{problem.line}:{problem.col}: {problem.severity}: "
            f"{problem_text(problem)}")
