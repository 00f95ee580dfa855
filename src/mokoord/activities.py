"""Events, training series, cooperations, networks and room matching (§3.2 tasks 5-10).

Pure functions over models and :class:`~mokoord.dataset.Dataset`; no I/O, no printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mokoord.dataset import Dataset
from mokoord.dates import clock
from mokoord.errors import NotFound
from mokoord.models import Attendance, Cooperation, Event, Network, Organisation, Record
from mokoord.slugs import MAX_ID_LENGTH, slugify, unique
from mokoord.textmatch import fold, pick

R = TypeVar("R", bound=Record)

ROOMS_NEED = "rooms"
EXCLUDED_FROM_ROOMS = frozenset({"declined", "dissolved", "inactive"})
"""Organisations in these statuses are left out of room matching."""
NO_DISTRICT = ""


# --------------------------------------------------------------------------- lookups


def _suggest(text: str, candidates: Mapping[str, Iterable[str]]) -> str:
    from rapidfuzz import fuzz

    keys = [m.key for m in pick(text, candidates, limit=4)]
    keys += [key for key in candidates if fuzz.ratio(text, key) >= 75 and key not in keys]
    return ", ".join(keys[:4])


def require_org(data: Dataset, org_id: str, flag: str = "--org") -> Organisation:
    """The organisation with this id; the error names ``flag`` and suggests close names."""
    from mokoord.register import get_org

    return get_org(data, org_id, flag)


def partner_name(data: Dataset, partner: str) -> str:
    """The name of an organisation or institution id (the id when unknown)."""
    if partner in data.organisations:
        return data.organisations[partner].name
    if partner in data.institutions:
        return data.institutions[partner].name
    return partner


def require_partner(data: Dataset, partner: str, flag: str = "--partner") -> str:
    """An organisation or institution id; the error suggests close names."""
    if partner in data.organisations or partner in data.institutions:
        return partner
    for kind in ("organisation", "institution"):
        broken = data.unreadable(kind, partner)
        if broken is not None:
            raise broken
    names: dict[str, list[str]] = {k: [o.name, *o.aliases] for k, o in data.organisations.items()}
    names.update({k: [i.name] for k, i in data.institutions.items()})
    suggestion = _suggest(partner, names)
    raise NotFound(
        f"{flag}: no organisation or institution with id '{partner}'",
        hint=f"did you mean: {suggestion}"
        if suggestion
        else "a partner is the id of an organisation or of an institution in institutions/",
    )


# --------------------------------------------------------------------------- events


def event_id(date: dt.date, title: str, taken: Iterable[str]) -> str:
    """``<date>-<title slug>``, with ``-2``, ``-3``… when taken."""
    slug = slugify(title, max_length=MAX_ID_LENGTH - 11 - 3) or "event"
    return unique(f"{date.isoformat()}-{slug}", set(taken))


def with_attendance(event: Event, org_ids: Iterable[str], people: int | None) -> Event:
    """The event with these organisations attending; ``people`` updates a known entry."""
    attendance = [
        Attendance(organisation=a.organisation, people=a.people) for a in event.attendance
    ]
    for org_id in org_ids:
        for i, entry in enumerate(attendance):
            if entry.organisation == org_id:
                if people is not None:
                    attendance[i] = Attendance(organisation=org_id, people=people)
                break
        else:
            attendance.append(Attendance(organisation=org_id, people=people))
    return event.model_copy(update={"attendance": attendance})


def replaced_head_counts(old: Event, new: Event) -> list[tuple[str, int, int | None]]:
    """(organisation, old count, new count) for every organisation whose head count was
    recorded already and is now another (a count given for the first time is none)."""
    before = {entry.organisation: entry.people for entry in old.attendance}
    return [
        (entry.organisation, count, entry.people)
        for entry in new.attendance
        if (count := before.get(entry.organisation)) is not None and count != entry.people
    ]


def event_year(event: Event) -> int:
    return event.date.year


def filter_events(
    data: Dataset,
    *,
    year: int | None = None,
    kind: str | None = None,
    org: str | None = None,
    series: str | None = None,
) -> list[Event]:
    """Events matching every given filter, by date."""
    result = []
    for event in data.events.values():
        if year is not None and event.date.year != year:
            continue
        if kind is not None and event.kind != kind:
            continue
        if org is not None and not involves(event, org):
            continue
        if series is not None and (event.series is None or fold(event.series) != fold(series)):
            continue
        result.append(event)
    return sorted(result, key=lambda e: (e.date, e.id))


def involves(event: Event, org_id: str) -> bool:
    """The organisation attended, organised or hosted the event."""
    return (
        any(a.organisation == org_id for a in event.attendance)
        or org_id in event.organisers
        or event.place_org == org_id
    )


def series_names(data: Dataset) -> list[str]:
    return sorted({e.series for e in data.events.values() if e.series}, key=fold)


def event_row(data: Dataset, event: Event) -> dict[str, Any]:
    """An event as stable JSON keys (documented in docs/activities.md)."""
    return {
        "id": event.id,
        "kind": event.kind,
        "title": event.title,
        "date": event.date,
        "end": event.end,
        "time": clock(event.time),
        "until": clock(event.until),
        "series": event.series,
        "topics": list(event.topics),
        "place": event.place,
        "place_org": event.place_org,
        "organisers": list(event.organisers),
        "participants": event.head_count,
        "organisations": len(event.attendance),
        "attendance": [
            {
                "organisation": a.organisation,
                "name": partner_name(data, a.organisation),
                "people": a.people,
            }
            for a in event.attendance
        ],
    }


@dataclass
class SeriesOrg:
    id: str
    name: str
    sessions: list[str] = field(default_factory=list)
    people: int = 0


@dataclass
class Series:
    """Attendance across the sessions of one training series."""

    name: str
    sessions: list[Event]
    organisations: list[SeriesOrg]

    @property
    def participants(self) -> int:
        return sum(session.head_count for session in self.sessions)

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
                    "organisations": [a.organisation for a in s.attendance],
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


def series_attendance(data: Dataset, name: str, *, year: int | None = None) -> Series:
    """Which organisations came to which session of a series (name matched without case)."""
    sessions = filter_events(data, series=name, year=year)
    if not sessions:
        known = series_names(data)
        raise NotFound(
            f"--series: no events in a series named '{name}'"
            + (f" in {year}" if year is not None else ""),
            hint=f"series in this store: {', '.join(known)}"
            if known
            else "add sessions with `mokoord add-event --series NAME`",
        )
    orgs: dict[str, SeriesOrg] = {}
    for session in sessions:
        for entry in session.attendance:
            item = orgs.setdefault(
                entry.organisation,
                SeriesOrg(entry.organisation, partner_name(data, entry.organisation)),
            )
            item.sessions.append(session.id)
            item.people += entry.people or 0
    ordered = sorted(orgs.values(), key=lambda o: (-len(o.sessions), fold(o.name)))
    return Series(sessions[0].series or name, sessions, ordered)


# --------------------------------------------------------------------------- cooperations


def cooperation_id(since: dt.date, org_id: str, partner: str, taken: Iterable[str]) -> str:
    """``<year>-<organisation>-<partner>``, shortened to fit, unique among ``taken``."""
    base = slugify(f"{org_id} {partner}", max_length=MAX_ID_LENGTH - 5 - 3)
    return unique(f"{since.year}-{base}", set(taken))


def active_in(coop: Cooperation, year: int) -> bool:
    """The cooperation ran at some time during ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return coop.since <= end and (coop.until is None or coop.until >= start)


def filter_cooperations(data: Dataset, *, year: int | None = None) -> list[Cooperation]:
    coops = [c for c in data.cooperations.values() if year is None or active_in(c, year)]
    return sorted(coops, key=lambda c: (c.since, c.id))


def cooperation_row(data: Dataset, coop: Cooperation, year: int | None) -> dict[str, Any]:
    return {
        "id": coop.id,
        "organisation": coop.organisation,
        "organisation_name": partner_name(data, coop.organisation),
        "partner": coop.partner,
        "partner_name": partner_name(data, coop.partner),
        "partner_kind": "organisation"
        if coop.partner in data.organisations
        else "institution"
        if coop.partner in data.institutions
        else None,
        "since": coop.since,
        "until": coop.until,
        "topic": coop.topic,
        "new": coop.since.year == year if year is not None else None,
    }


# --------------------------------------------------------------------------- networks


def network_id(name: str, taken: Iterable[str]) -> str:
    base = slugify(name, max_length=MAX_ID_LENGTH - 3) or "network"
    return unique(base, set(taken))


def members(data: Dataset, network: Network) -> list[Organisation]:
    """Organisations that name the network in their ``networks``, by name."""
    return sorted(
        (org for org in data.organisations.values() if network.id in org.networks),
        key=lambda org: fold(org.name),
    )


def network_row(data: Dataset, network: Network) -> dict[str, Any]:
    return {
        "id": network.id,
        "name": network.name,
        "kind": network.kind,
        "level": network.level,
        "meeting_rhythm": network.meeting_rhythm,
        "contact_institution": network.contact_institution,
        "website": network.website,
        "members": [
            {"id": org.id, "name": org.name, "status": org.status} for org in members(data, network)
        ],
    }


# --------------------------------------------------------------------------- rooms


@dataclass
class DistrictRooms:
    """Organisations in one district that need rooms, and those that offer theirs."""

    district: str
    """A district term; empty for organisations without a district."""
    need: list[Organisation] = field(default_factory=list)
    offer: list[Organisation] = field(default_factory=list)


def needs_rooms(org: Organisation) -> bool:
    return any(need.category == ROOMS_NEED for need in org.open_needs)


def offers_rooms(org: Organisation) -> bool:
    return bool(org.rooms and org.rooms.offered_to_others)


def room_matching(data: Dataset, *, district: str | None = None) -> list[DistrictRooms]:
    """Needing and offering organisations grouped by district (declined ones left out).

    Districts appear in vocabulary order; organisations without a district last.
    """
    groups: dict[str, DistrictRooms] = {}
    for org in data.organisations.values():
        if org.status in EXCLUDED_FROM_ROOMS:
            continue
        need, offer = needs_rooms(org), offers_rooms(org)
        if not (need or offer):
            continue
        key = org.district or NO_DISTRICT
        if district is not None and key != district:
            continue
        group = groups.setdefault(key, DistrictRooms(key))
        if need:
            group.need.append(org)
        if offer:
            group.offer.append(org)
    order = {term: i for i, term in enumerate(data.config.vocabularies.districts)}
    for group in groups.values():
        group.need.sort(key=lambda o: fold(o.name))
        group.offer.sort(key=lambda o: fold(o.name))
    return sorted(
        groups.values(),
        key=lambda g: (g.district == NO_DISTRICT, order.get(g.district, len(order)), g.district),
    )


def rooms_need_since(org: Organisation) -> dt.date | None:
    for need in org.open_needs:
        if need.category == ROOMS_NEED:
            return need.since
    return None


def rooms_need_note(org: Organisation) -> str | None:
    for need in org.open_needs:
        if need.category == ROOMS_NEED:
            return need.note
    return None


__all__ = [
    "DistrictRooms",
    "Series",
    "active_in",
    "build_record",
    "cooperation_id",
    "event_id",
    "filter_cooperations",
    "filter_events",
    "members",
    "network_id",
    "require_org",
    "require_partner",
    "room_matching",
    "series_attendance",
    "with_attendance",
]


# --------------------------------------------------------------------------- building records


def build_record(model: type[R], values: Mapping[str, Any]) -> R:
    """A validated record from command-line values; a clear error instead of a traceback."""
    from mokoord.validation import validate_input

    return validate_input(model, dict(values))
