"""The report's periods: inclusive date ranges and the period before each."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from mokoord.dates import add_months


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def whole_months(self) -> bool:
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return self.start.day == 1 and self.end.day == last

    def months(self) -> list[str]:
        """Every month the period touches, as ``YYYY-MM``."""
        out: list[str] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def previous(self) -> Period:
        """The period of equal length just before: whole months step back by months."""
        end = self.start - dt.timedelta(days=1)
        if self.whole_months:
            count = (self.end.year * 12 + self.end.month) - (
                self.start.year * 12 + self.start.month
            )
            return Period(add_months(self.start, -(count + 1)), end)
        days = (self.end - self.start).days
        return Period(end - dt.timedelta(days=days), end)

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
