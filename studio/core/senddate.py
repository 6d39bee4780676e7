"""The send date: the day a communication goes out, in the project's time zone.

Letters are dated, emails carry a `Date`, a Message-ID names one send: all of them read the
send date, never the machine's clock in the middle of a render. Whoever starts the work
chooses it once — `--send-date` on the command line, `send_date` in a batch or a server
request, today (in the project's time zone) when nobody says — and hands the same value to
every rendition, so a re-run of the same send gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools

DEFAULT_TIMEZONE = "Europe/Rome"  # a project without `timezone:` in studio.yaml


class SendDateError(ValueError):
    """A send date that is not one (the message says what was expected)."""


def parse_send_date(text: str) -> str:
    """TEXT as a send date in ISO form: a day (2026-12-01) or a local time of that day
    (2026-12-01T09:30); SendDateError otherwise."""
    value = str(text).strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SendDateError(f"send date {text!r} is not a date like 2026-12-01 "
                            "(or 2026-12-01T09:30)") from None
    if moment.tzinfo is not None:
        raise SendDateError(f"send date {text!r}: give the project's local time, "
                            "without a UTC offset")
    return moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")


@functools.lru_cache(maxsize=32)
def project_zone(name: str | None) -> dt.tzinfo:
    """The time zone named in studio.yaml (the IANA database: Python's own or `tzdata`'s on
    systems without one, Windows); an unknown name is UTC rather than a failed render
    (validate reports it)."""
    import zoneinfo  # on first use: 3 ms every command would pay

    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def known_zone(name: str | None) -> bool:
    """Whether NAME is a time zone of the IANA database."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name or DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def today(zone: str | None) -> str:
    """Today's date in the time zone ZONE, as a send date."""
    return dt.datetime.now(project_zone(zone)).date().isoformat()


def send_day(send_date: str) -> dt.date:
    """The day of a send date."""
    return dt.date.fromisoformat(send_date[:10])


def send_moment(send_date: str, zone: str | None) -> dt.datetime:
    """The moment of a send date in the project's time zone: its time when it has one, else
    the start of its day (what an email's Date header says)."""
    value = dt.datetime.fromisoformat(send_date)
    return value.replace(tzinfo=project_zone(zone))
