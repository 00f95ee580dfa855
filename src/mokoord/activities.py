"""Events, training series and attendance (§3.2 tasks 5-8); the lookups and record
building that cooperations, networks and funding share.

Pure functions over models and :class:`~mokoord.dataset.Dataset`; no I/O, no printing.

An event dated after today is **planned**, not held (:func:`is_held`): no list
or figure counts it as held, and attendance recorded before it
(``attend --planned``) is expected participation, counted only once it is
confirmed after the event.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from mokoord.dataset import Dataset, kind_of
from mokoord.dates import clock
from mokoord.errors import NotFound, Problem, UsageError
from mokoord.facts import field_of, mentioning, organisation_name
from mokoord.formatting import date as format_date
from mokoord.i18n import _, ngettext
from mokoord.models import Attendance, Event, Organisation, Record
from mokoord.plans import Plan, Write
from mokoord.records import between
from mokoord.slugs import MAX_ID_LENGTH, slugify, unique
from mokoord.textmatch import fold, pick

R = TypeVar("R", bound=Record)


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
    name = organisation_name(data.organisations, partner)
    if name is not None:
        return name
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
        _("{flag}: no organisation or institution with id '{id}'").format(flag=flag, id=partner),
        hint=_("did you mean: {ids}").format(ids=suggestion)
        if suggestion
        else _("a partner is the id of an organisation or of an institution in institutions/"),
    )


def check_year(year: int | None, flag: str = "--year") -> int | None:
    """``year`` when it is a plausible year (or ``None``); else a clear error."""
    if year is not None and not 1900 <= year <= 2200:
        raise UsageError(_("{flag}: {value} is not a year").format(flag=flag, value=year))
    return year


def build_record(model: type[R], values: Mapping[str, Any]) -> R:
    """A validated record from command-line values; a clear error instead of a traceback."""
    from mokoord.validation import validate_input

    return validate_input(model, dict(values))


def record_path(record: Record) -> str:
    """Where ``record`` lives in the store (``events/2023/<id>.yaml``)."""
    return kind_of(record).relative_path(record)


def declined_warnings(data: Dataset, org_ids: Iterable[str], record: Record) -> list[Problem]:
    """A warning for every declined organisation (§2.4) that ``record`` names."""
    found = []
    for org_id in org_ids:
        org = data.organisations.get(org_id)
        if org is not None and org.status == "declined":
            found.append(
                Problem(
                    record_path(record),
                    0,
                    0,
                    "warning",
                    "declined-organisation",
                    _("{id} is declined (§2.4): {reason}").format(
                        id=org_id, reason=org.status_reason or "–"
                    ),
                )
            )
    return found


# --------------------------------------------------------------------------- events


def event_id(date: dt.date, title: str, taken: Container[str]) -> str:
    """``<date>-<title slug>``, with ``-2``, ``-3``… when taken."""
    slug = slugify(title, max_length=MAX_ID_LENGTH - 11 - 3) or "event"
    return unique(f"{date.isoformat()}-{slug}", taken)


def is_held(event: Event, today: dt.date) -> bool:
    """Whether the event has taken place (or begun) by ``today``; a later one is planned."""
    return event.date <= today


def took_part(event: Event, today: dt.date) -> list[Attendance]:
    """The attendance that happened: the confirmed entries of a held event, none of
    a planned one (for exports and calendars, which must not make it look held)."""
    return event.attended if is_held(event, today) else []


def expected_head_count(event: Event, today: dt.date) -> int | None:
    """A planned event's expected head count: the total given (``add-event
    --participants``), else the sum over the organisations expected with a
    number; ``None`` for a held event or when nothing is known."""
    if is_held(event, today):
        return None
    if event.participants is not None:
        return event.participants
    counts = [entry.people for entry in event.attendance if entry.people is not None]
    return sum(counts) if counts else None


@dataclass(frozen=True)
class EventRequest:
    """``mokoord add-event``: what the person asked for, as typed (terms by key or label)."""

    kind: str
    title: str
    date: dt.date
    today: dt.date
    end: dt.date | None = None
    time: dt.time | None = None
    until: dt.time | None = None
    series: str | None = None
    topics: tuple[str, ...] = ()
    place: str | None = None
    place_org: str | None = None
    organisations: tuple[str, ...] = ()
    """Participating organisations: expected ones when the event lies after ``today``."""
    organisers: tuple[str, ...] = ()
    participants: int | None = None
    notes: str | None = None
    follow_up: str | None = None


def plan_event(data: Dataset, request: EventRequest, taken: Container[str]) -> Plan:
    """A new event; its organisations must exist, its kind and topics be declared."""
    from mokoord.vocab import resolve, resolve_all

    config = data.config
    kind = resolve(config, "event_kinds", request.kind, flag="--kind")
    if request.until is not None and request.time is None:
        raise UsageError(_("--until needs --time (the start time)"))
    if request.place is not None and request.place_org is not None:
        raise UsageError(_("give either --place or --place-org, not both"))
    topics = resolve_all(config, "topics", request.topics, flag="--topic")
    orgs = list(dict.fromkeys(request.organisations))
    for org_id in orgs:
        require_org(data, org_id)
    if request.place_org is not None:
        require_org(data, request.place_org, "--place-org")
    organisers = list(dict.fromkeys(request.organisers))
    for organiser in organisers:
        require_partner(data, organiser, "--organiser")
    planned = request.date > request.today
    values = {
        "id": event_id(request.date, request.title, taken),
        **{key: getattr(request, key) for key in ("title", "date", "end", "time", "until")},
        **{key: getattr(request, key) for key in ("series", "place", "place_org")},
        "kind": kind,
        "topics": topics,
        "organisers": organisers,
        "participants": request.participants,
        "attendance": [{"organisation": org_id, "planned": planned} for org_id in orgs],
        "notes": request.notes,
        "follow_up": request.follow_up,
    }
    event = build_record(Event, values)
    path = record_path(event)
    summary = (
        _("event {id} recorded in {path}; it is planned for {date}")
        if planned
        else _("event {id} recorded in {path}")
    )
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-event {event.id}",
            writes=[Write(event)],
            problems=declined_warnings(data, orgs, event),
            result=event,
            summary=summary.format(id=event.id, path=path, date=format_date(event.date)),
        ),
        data,
        today=request.today,
    )


@dataclass(frozen=True)
class AttendRequest:
    """``mokoord attend EVENT_ID --org ID [--people N] [--planned]``."""

    event_id: str
    organisations: tuple[str, ...]
    today: dt.date
    people: int | None = None
    planned: bool = False
    """Expected participation in an event that has not taken place yet."""


def check_attend_request(request: AttendRequest) -> None:
    """The mistakes ``attend`` refuses before reading anything."""
    if not request.organisations:
        raise UsageError(_("missing --org: which organisation attended?"))
    if request.people is not None and len(set(request.organisations)) > 1:
        raise UsageError(_("--people counts one organisation; give one --org with it"))


def plan_attendance(event: Event, data: Dataset, request: AttendRequest) -> Plan:
    """``event`` with these organisations attending (or expected, before the event)."""
    check_attend_request(request)
    orgs = list(dict.fromkeys(request.organisations))
    for org_id in orgs:
        require_org(data, org_id)
    when = format_date(event.date)
    if not is_held(event, request.today) and not request.planned:
        raise UsageError(
            _("{id} takes place on {date}: it has not been held yet").format(
                id=event.id, date=when
            ),
            hint=_("record who is expected with --planned, and who came after the event"),
        )
    if is_held(event, request.today) and request.planned:
        raise UsageError(
            _("--planned is for events still to come; {id} took place on {date}").format(
                id=event.id, date=when
            )
        )
    new = with_attendance(event, orgs, request.people, planned=request.planned)
    action = f"attend {event.id} ({', '.join(orgs)})"
    if new.attendance == event.attendance:
        return Plan(action, summary=_("{id}: nothing to change").format(id=event.id))
    from mokoord.checks import checked

    return checked(
        Plan(
            action,
            writes=[Write(new, previous=event)],
            problems=[*attendance_notes(event, new), *declined_warnings(data, orgs, event)],
            result=new,
            summary=_attendance_summary(new, orgs, planned=request.planned),
        ),
        data,
        today=request.today,
    )


def _attendance_summary(event: Event, orgs: list[str], *, planned: bool) -> str:
    counts = {entry.organisation: entry.people for entry in event.attendance}
    detail = ", ".join(
        f"{org_id} ({counts[org_id]})" if counts[org_id] is not None else org_id for org_id in orgs
    )
    if planned:
        total = sum(1 for entry in event.attendance if entry.planned)
        return ngettext(
            "{id}: expected participation of {detail} recorded; {n} organisation expected",
            "{id}: expected participation of {detail} recorded; {n} organisations expected",
            total,
        ).format(id=event.id, detail=detail, n=total)
    total = len(event.attended)
    return ngettext(
        "{id}: attendance of {detail} recorded; {n} organisation",
        "{id}: attendance of {detail} recorded; {n} organisations",
        total,
    ).format(id=event.id, detail=detail, n=total)


def with_attendance(
    event: Event, org_ids: Iterable[str], people: int | None, *, planned: bool = False
) -> Event:
    """The event with these organisations attending (expected, when ``planned``);
    ``people`` updates a known entry, and attending confirms an expected one."""
    attendance = [entry.model_copy() for entry in event.attendance]
    for org_id in org_ids:
        for i, entry in enumerate(attendance):
            if entry.organisation == org_id:
                count = entry.people if people is None else people
                attendance[i] = Attendance(organisation=org_id, people=count, planned=planned)
                break
        else:
            attendance.append(Attendance(organisation=org_id, people=people, planned=planned))
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


def attendance_notes(old: Event, new: Event) -> list[Problem]:
    """Warnings worth a look when attendance changes: a head count replaced
    (old → new), an expected head count now counted as attended."""
    path = record_path(new)
    notes = [
        Problem(
            path,
            0,
            0,
            "warning",
            "head-count-replaced",
            _(
                "{event}: {org} was recorded already; head count {old} → {new} "
                "(the new count replaces the old one)"
            ).format(event=new.id, org=org_id, old=before, new="–" if after is None else after),
        )
        for org_id, before, after in replaced_head_counts(old, new)
    ]
    expected = {entry.organisation: entry.people for entry in old.attendance if entry.planned}
    for entry in new.attendance:
        if (
            entry.planned
            or entry.people is None
            or expected.get(entry.organisation) != entry.people
        ):
            continue
        notes.append(
            Problem(
                path,
                0,
                0,
                "warning",
                "expected-count-taken",
                _(
                    "{event}: {org} confirmed with the expected head count {n}; "
                    "give --people to correct it"
                ).format(event=new.id, org=entry.organisation, n=entry.people),
            )
        )
    return notes


def filter_events(
    data: Dataset,
    *,
    year: int | None = None,
    kind: str | None = None,
    org: str | None = None,
    series: str | None = None,
) -> list[Event]:
    """Events matching every given filter, by date (with ``org``, only the events
    naming it are built)."""
    result = []
    if org is not None:
        events: Iterable[Event] = mentioning(data.events, org)
    elif year is not None:  # only that year's events are built
        events = between(data.events, dt.date(year, 1, 1), dt.date(year, 12, 31))
    else:
        events = data.events.values()
    for event in events:
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
    """The organisation attended (or is expected at), organised or hosted the event."""
    return (
        any(a.organisation == org_id for a in event.attendance)
        or org_id in event.organisers
        or event.place_org == org_id
    )


def events_of(data: Dataset, org_id: str, today: dt.date) -> list[dict[str, Any]]:
    """The events an organisation attended, is expected at, organised or hosted, by
    date (for ``show``): ``roles`` among ``attended``, ``expected``, ``organiser``,
    ``host``; ``held`` false for an event after ``today``, which is planned."""
    found = []
    for event in filter_events(data, org=org_id):
        entry = next((a for a in event.attendance if a.organisation == org_id), None)
        roles = [] if entry is None else ["expected" if entry.planned else "attended"]
        roles += ["organiser"] if org_id in event.organisers else []
        roles += ["host"] if event.place_org == org_id else []
        found.append(
            {
                "id": event.id,
                "date": event.date,
                "kind": event.kind,
                "title": event.title,
                "roles": roles,
                "people": entry.people if entry else None,
                "held": is_held(event, today),
            }
        )
    return found


def event_rows(data: Dataset, events: list[Event], today: dt.date) -> list[dict[str, Any]]:
    """Events as stable JSON keys (see :func:`event_row`), the organisations' names
    looked up in one mapping."""
    names = field_of(data.organisations, 0)  # organisation_row's first value: the name
    if names is None:
        return [event_row(data, event, today) for event in events]

    def name(partner: str) -> str:
        found = names.get(partner)
        return found if isinstance(found, str) else partner_name(data, partner)

    return [event_row(data, event, today, name=name) for event in events]


def event_row(
    data: Dataset, event: Event, today: dt.date, *, name: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """An event as stable JSON keys (documented in docs/activities.md); ``name`` gives
    an organisation's or institution's name (default :func:`partner_name`)."""
    if name is None:
        name = functools.partial(partner_name, data)
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
        "organisations": len(event.attended),
        "held": is_held(event, today),
        "attendance": [
            {
                "organisation": a.organisation,
                "name": name(a.organisation),
                "people": a.people,
                "planned": a.planned,
            }
            for a in event.attendance
        ],
    }


@dataclass(frozen=True)
class EventTotals:
    """What a list of events adds up to: only held events count."""

    held: int
    planned: int
    participants: int


def event_totals(events: Iterable[Event], today: dt.date) -> EventTotals:
    listed = list(events)
    held = [event for event in listed if is_held(event, today)]
    return EventTotals(len(held), len(listed) - len(held), sum(event.head_count for event in held))


def events_summary(events: Iterable[Event], today: dt.date) -> str:
    """``12 events held, 340 participants; 2 planned``."""
    totals = event_totals(events, today)
    text = ngettext(
        "{n} event held, {participants} participants",
        "{n} events held, {participants} participants",
        totals.held,
    ).format(n=totals.held, participants=totals.participants)
    if totals.planned:
        text = ngettext("{text}; {n} planned", "{text}; {n} planned", totals.planned).format(
            text=text, n=totals.planned
        )
    return text


__all__ = [
    "AttendRequest",
    "EventRequest",
    "EventTotals",
    "build_record",
    "check_year",
    "declined_warnings",
    "event_id",
    "event_row",
    "event_totals",
    "events_of",
    "events_summary",
    "expected_head_count",
    "filter_events",
    "is_held",
    "plan_attendance",
    "plan_event",
    "require_org",
    "require_partner",
    "took_part",
    "with_attendance",
]
