"""Dates and numbers in the UI language, through Babel."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QLocale

from studio.gui.formats import date_in_words, number


@pytest.fixture
def ui_language(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Rome")  # dates are shown in local time: pin it
    time.tzset()
    before = QLocale()

    def set_to(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield set_to
    QLocale.setDefault(before)
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("language", "day", "figure"), [
    ("en_GB", "3 March 2026", "1,382"),
    ("it_IT", "3 marzo 2026", "1.382"),
])
def test_dates_and_numbers_speak_the_ui_language(ui_language, language, day, figure):
    ui_language(language)
    assert date_in_words("2026-03-03T12:00:00+00:00", time=False) == day
    assert date_in_words("2026-03-03T12:00:00+00:00").startswith(day + ", ")
    assert number(1382) == figure


def test_a_date_that_is_not_one_is_shown_as_written(ui_language):
    ui_language("it_IT")
    assert date_in_words("yesterday") == "yesterday"
