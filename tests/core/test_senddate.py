"""The send date: the letter's date line, the email's Date and Message-ID, on real output."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import io
import zoneinfo

import pytest
from pypdf import PdfReader

from studio.core.limits import Limits
from studio.core.project import load_project
from studio.core.records import sample_record
from studio.core.render import render as _render
from studio.core.resources import sample_project
from studio.core.senddate import SendDateError, parse_send_date, today
from studio.core.validate import validate
from tests.conftest import BASE_RECORD

# The bill's email lays out its PDF too: on a CI machine busy with other jobs that can take
# longer than the sample's 10 s budget, which is not what these tests are about.
LOOSE = Limits(time=300)


def render(*args, **kwargs):
    return _render(*args, limits=LOOSE, **kwargs)


@pytest.fixture(scope="module")
def sample():
    return load_project(sample_project())


def _message(rendition):
    return email.message_from_bytes(rendition.content, policy=email.policy.default)


def _pdf_text(rendition) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendition.content)).pages)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2026-12-01", "2026-12-01"), (" 2026-12-01 ", "2026-12-01"),
     ("2026-12-01T09:30", "2026-12-01T09:30"), ("2026-12-01T09:30:15", "2026-12-01T09:30:15")],
)
def test_parse_send_date(given, expected):
    assert parse_send_date(given) == expected


@pytest.mark.parametrize("given", ["1/12/2026", "2026-13-01", "tomorrow", "2026-12-01T09:30+01:00"])
def test_parse_send_date_refuses(given):
    with pytest.raises(SendDateError, match="send date"):
        parse_send_date(given)


def test_letter_is_dated_with_place_in_italian_long_form(sample):
    record = sample_record(sample, "typical")
    rendition = render(sample, "payment-reminder", "print", record, "it", send_date="2026-12-01")
    text = _pdf_text(rendition)
    assert "Milano, 1 dicembre 2026" in text
    english = render(sample, "payment-reminder", "print", record, "en", send_date="2026-12-01")
    assert "Milan, December 1, 2026" in _pdf_text(english)


def test_letter_without_send_date_is_dated_today_in_the_project_zone(sample):
    record = sample_record(sample, "typical")
    rendition = render(sample, "contract-change", "print", record, "it")
    day = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Rome")).date()
    months = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
              "settembre", "ottobre", "novembre", "dicembre"]
    assert f"Milano, {day.day} {months[day.month - 1]} {day.year}" in _pdf_text(rendition)
    assert today("Europe/Rome") == day.isoformat()


def test_email_date_is_the_send_date_in_the_project_zone(sample):
    record = sample_record(sample, "typical")
    winter = _message(render(sample, "bill", "email", record, "it", send_date="2026-12-01"))
    assert winter["Date"] == "Tue, 01 Dec 2026 00:00:00 +0100"
    summer = _message(render(sample, "bill", "email", record, "it",
                             send_date="2026-07-15T09:30"))
    moment = email.utils.parsedate_to_datetime(summer["Date"])
    assert moment == dt.datetime(2026, 7, 15, 7, 30, tzinfo=dt.UTC)  # 09:30 CEST
    assert summer["Date"].endswith("+0200")


def test_message_id_one_per_send(sample):
    typical = sample_record(sample, "typical")
    gold = sample_record(sample, "gold-customer")

    def message_id(record, day, template="payment-reminder", locale="it"):
        rendition = render(sample, template, "email", record, locale, send_date=day)
        return _message(rendition)["Message-ID"]

    first = message_id(typical, "2026-12-01")
    assert first == message_id(typical, "2026-12-01")  # a re-render of the same send
    assert first.endswith("@lumen-energia.example>")
    others = {message_id(typical, "2026-12-02"), message_id(gold, "2026-12-01"),
              message_id(typical, "2026-12-01", "bill"), message_id(typical, "2026-12-01",
                                                                     locale="en")}
    assert len(others) == 4 and first not in others
    # the same send is the same message whatever the content's edits since
    assert _message(render(sample, "payment-reminder", "email", typical, "it",
                           send_date="2026-12-01"))["Message-ID"] == first


def test_content_language_survives_in_the_message(project_dir):
    project = load_project(project_dir())
    for locale in ("it", "en"):
        message = _message(render(project, "letter", "email", BASE_RECORD, locale,
                                  send_date="2026-12-01"))
        assert message["Content-Language"] == locale
        assert message.get_content_type() == "multipart/alternative"


def test_message_id_without_record_id_follows_the_record(project_dir):
    project = load_project(project_dir())
    other = {**BASE_RECORD, "customer": {"name": "Anna Bianchi"}}
    ids = {_message(render(project, "letter", "email", record, "it", send_date=day))["Message-ID"]
           for record in (BASE_RECORD, other) for day in ("2026-12-01", "2026-12-02")}
    assert len(ids) == 4


def test_blocks_read_send_date(project_dir):
    root = project_dir({"blocks/amount.md": "Milano, {{ send_date | date('d MMMM yyyy') }}\n"})
    project = load_project(root)
    rendition = render(project, "letter", "sms", BASE_RECORD, "it", send_date="2026-12-01")
    assert "Milano, 1 dicembre 2026" in rendition.facts["text"]
    assert not [p for p in validate(project) if p.is_error]


def test_unknown_time_zone_is_a_validate_error(project_dir):
    root = project_dir()
    config = root / "studio.yaml"
    config.write_text(config.read_text() + "timezone: Europe/Atlantis\n")
    problems = [p for p in validate(load_project(root)) if p.is_error]
    assert [(p.path, "Europe/Atlantis" in p.message) for p in problems] == [("studio.yaml", True)]
