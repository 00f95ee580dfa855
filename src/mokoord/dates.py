"""Dates and times as people type them: ISO (2023-03-14), German (14.03.2023),
today/heute; 18:00, 18.30, 18 Uhr."""

from __future__ import annotations

import datetime as dt
import re

from mokoord.i18n import N_, _

_GERMAN_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_WORDS = {
    "today": 0,
    "heute": 0,
    "yesterday": -1,
    "gestern": -1,
    "tomorrow": 1,
    "morgen": 1,
}


_REASONS = {
    "day is out of range for month": N_("day is out of range for month"),
    "month must be in 1..12": N_("month must be in 1..12"),
    "year 0 is out of range": N_("year 0 is out of range"),
}
"""Python's reasons for an impossible date, as messages of the catalogue."""


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """Parse a date; raise ``ValueError`` with a message that says what is accepted."""
    value = text.strip()
    today = today or dt.date.today()
    if value.lower() in _WORDS:
        return today + dt.timedelta(days=_WORDS[value.lower()])
    match = _GERMAN_RE.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            if year < 100:
                year += 2000
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        reason = _REASONS.get(str(exc))
        if reason:
            message = _("'{text}' is not a valid date ({reason}); write 2023-03-14 or 14.03.2023")
            raise ValueError(message.format(text=text, reason=_(reason))) from None
        raise ValueError(
            _("'{text}' is not a valid date; write 2023-03-14 or 14.03.2023").format(text=text)
        ) from None


_TIME_RE = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?(?:\s*(?:uhr|h))?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time:
    """A wall-clock time: ``18:00``, ``18.30``, ``9``, ``18 Uhr``; ``ValueError`` else."""
    match = _TIME_RE.match(text.strip())
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValueError(_("'{text}' is not a time of day; write 18:00 or 18.30").format(text=text))


def clock(value: dt.time | None) -> str | None:
    """A wall-clock time as ``18:00`` (``None`` stays ``None``)."""
    return value.isoformat(timespec="minutes") if value is not None else None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clipped to the month's end."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
