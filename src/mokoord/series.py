"""Training series (Qualifizierungsreihen): attendance across the sessions of a series.

A series is the events sharing ``series`` (matched without regard to case).
Sessions after today are planned: listed, but their attendance is not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mokoord.activities import filter_events, is_held, partner_name
from mokoord.dataset import Dataset
from mokoord.errors import NotFound
from mokoord.i18n import _
from mokoord.models import Event
from mokoord.textmatch import fold


@dataclass
class SeriesOrg:
    id: str
    name: str
    sessions: list[str] = field(default_factory=list)
    people: int = 0


@dataclass
class Series:
    """Attendance across the sessions of one training series (held sessions count)."""

    name: str
    sessions: list[Event]
    organisations: list[SeriesOrg]
    today: dt.date

    @property
    def held(self) -> list[Event]:
        return [session for session in self.sessions if is_held(session, self.today)]

    @property
    def participants(self) -> int:
        return sum(session.head_count for session in self.held)

    def as_json(self) -> dict[str, Any]:
        return {
            "series": self.name,
            "sessions": [
                {
                    "id": s.id,
                    "date": s.date,
                    "title": s.title,
                    "kind": s.kind,
                    "participants": s.head_count,
                    "organisations": [a.organisation for a in s.attended],
                    "held": is_held(s, self.today),
                }
                for s in self.sessions
            ],
            "organisations": [
                {
                    "id": o.id,
                    "name": o.name,
                    "sessions_attended": len(o.sessions),
                    "sessions": o.sessions,
                    "people": o.people,
                }
                for o in self.organisations
            ],
            "participants": self.participants,
        }


def series_attendance(
    data: Dataset, name: str, *, today: dt.date, year: int | None = None
) -> Series:
    """Which organisations came to which held session of a series (name matched without case)."""
    sessions = filter_events(data, series=name, year=year)
    if not sessions:
        known = series_names(data)
        message = (
            _("--series: no events in a series named '{name}' in {year}")
            if year is not None
            else _("--series: no events in a series named '{name}'")
        )
        raise NotFound(
            message.format(name=name, year=year),
            hint=_("series in this store: {names}").format(names=", ".join(known))
            if known
            else _("add sessions with `mokoord add-event --series NAME`"),
        )
    orgs: dict[str, SeriesOrg] = {}
    for session in sessions:
        if not is_held(session, today):
            continue
        for entry in session.attended:
            item = orgs.setdefault(
                entry.organisation,
                SeriesOrg(entry.organisation, partner_name(data, entry.organisation)),
            )
            item.sessions.append(session.id)
            item.people += entry.people or 0
    ordered = sorted(orgs.values(), key=lambda o: (-len(o.sessions), fold(o.name)))
    return Series(sessions[0].series or name, sessions, ordered, today)


def series_rows(series: Series) -> list[dict[str, Any]]:
    """One row per organisation (``attended``: session id → head count or ``True``)
    and a last row of the sessions' participants, for the series table."""
    rows: list[dict[str, Any]] = []
    for item in series.organisations:
        attended: dict[str, int | bool] = {}
        for session in series.sessions:
            if session.id in item.sessions:
                count = next(
                    (a.people for a in session.attended if a.organisation == item.id), None
                )
                attended[session.id] = count if count is not None else True
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "attended": attended,
                "sessions": f"{len(item.sessions)}/{len(series.held)}",
                "people": item.people,
            }
        )
    rows.append(
        {
            "id": "",
            "name": _("participants"),
            "attended": {s.id: s.head_count for s in series.held},
            "sessions": "",
            "people": series.participants,
        }
    )
    return rows


def series_names(data: Dataset) -> list[str]:
    """The names of the store's training series, alphabetically."""
    return sorted({e.series for e in data.events.values() if e.series}, key=fold)


__all__ = ["Series", "SeriesOrg", "series_attendance", "series_names", "series_rows"]
