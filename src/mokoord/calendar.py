"""The office's dates as an iCalendar file (RFC 5545) for Outlook and Thunderbird.

Four kinds of entries, each with a summary in the chosen language (German by
default, from the message catalogue) and a stable UID, so that importing a
newer export updates entries instead of doubling them:

==================  =========================================  ==========================
entry               from                                       UID
==================  =========================================  ==========================
event               ``events/`` (date to end)                  ``event-<id>@mokoord``
follow-up           open ``follow_up`` of a contact            ``follow-up-<contact>@mokoord``
programme deadline  ``deadlines`` of a programme               ``deadline-<programme>-<date>[-<line>]@mokoord``
application         ``deadline`` of an application (idea,      ``application-<id>@mokoord``
deadline            draft)
==================  =========================================  ==========================

Entries are all-day, except events with a ``time``: those start at that time
in the store's ``timezone`` (``DTSTART;TZID=Europe/Berlin``) and end at
``until`` on their last day; the file then carries a ``VTIMEZONE`` for that
zone, made from the zoneinfo database, so every program reads the same time.

The file has no ``METHOD``. ``METHOD`` makes a calendar an iTIP scheduling
message (RFC 5546), and then every event needs an ``ORGANIZER`` with an
e-mail address; but these dates are published for reading, nobody is invited
and nothing is to be answered, and ``mokoord.yaml`` holds no address of the
office. Without ``METHOD`` the file is a plain RFC 5545 calendar that every
program imports (and libical checks it as such in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from mokoord.dataset import Dataset
from mokoord.formatting import date as format_date
from mokoord.i18n import _, ngettext
from mokoord.models import Event

UID_DOMAIN = "mokoord"
PRODID = "-//mokoord//Koordinierungsstelle Migrantenorganisationen//DE"
DEADLINE_STATUSES = frozenset({"idea", "draft"})
"""Applications whose deadline is still ahead of them."""


@dataclass(frozen=True)
class Entry:
    """One calendar entry: all-day, or from ``start_time`` when it has one."""

    uid: str
    kind: str
    """``event``, ``follow-up``, ``programme-deadline`` or ``application-deadline``."""
    summary: str
    start: dt.date
    end: dt.date
    """Last day (inclusive)."""
    start_time: dt.time | None = None
    """Wall-clock start on ``start`` (the store's time zone); ``None``: all-day."""
    end_time: dt.time | None = None
    """Wall-clock end on ``end``; ``None``: no end time given."""
    description: str = ""
    location: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)


def _uid(*parts: str) -> str:
    return "-".join(part for part in parts if part) + f"@{UID_DOMAIN}"


def _org_names(data: Dataset, ids: list[str]) -> str:
    names = []
    for org_id in ids:
        org = data.organisations.get(org_id)
        institution = data.institutions.get(org_id)
        names.append(org.name if org else institution.name if institution else org_id)
    return ", ".join(names)


def _attendance_lines(data: Dataset, event: Event, today: dt.date) -> list[str]:
    """Who took part and how many came; of a planned event, who and how many are
    expected (never written as if it had been held)."""
    from mokoord.activities import expected_head_count, is_held, took_part

    lines = []
    if is_held(event, today):
        came = took_part(event, today)
        if came:
            names = _org_names(data, [a.organisation for a in came])
            lines.append(_("Participating organisations: {names}").format(names=names))
        if event.head_count:
            lines.append(_("Participants: {n}").format(n=event.head_count))
        return lines
    if event.attendance:
        names = _org_names(data, [a.organisation for a in event.attendance])
        lines.append(_("Expected organisations: {names}").format(names=names))
    expected = expected_head_count(event, today)
    if expected:
        lines.append(_("Expected participants: {n}").format(n=expected))
    return lines


def _event_entry(data: Dataset, event: Event, today: dt.date) -> Entry:
    from mokoord.vocab import label

    kind = label(data.config, "event_kinds", event.kind)
    summary = _("{kind}: {title}").format(kind=kind, title=event.title)
    if event.series and event.series not in event.title:
        summary = _("{summary} ({series})").format(summary=summary, series=event.series)
    lines = []
    if event.series:
        lines.append(_("Series: {series}").format(series=event.series))
    if event.topics:
        topics = ", ".join(label(data.config, "topics", t) for t in event.topics)
        lines.append(_("Topics: {topics}").format(topics=topics))
    if event.organisers:
        lines.append(_("Organised by: {names}").format(names=_org_names(data, event.organisers)))
    lines += _attendance_lines(data, event, today)
    if event.follow_up:
        lines.append(_("To follow up: {text}").format(text=event.follow_up))
    if event.notes:
        lines.append(event.notes)
    return Entry(
        uid=_uid("event", event.id),
        kind="event",
        summary=summary,
        start=event.date,
        end=event.end or event.date,
        start_time=event.time,
        end_time=event.until,
        description="\n".join(lines),
        location=_location(data, event),
        categories=(kind,),
    )


def _location(data: Dataset, event: Event) -> str | None:
    """The event's place, or the rooms (and address) of its host organisation."""
    if not event.place_org:
        return event.place
    host = data.organisations.get(event.place_org)
    if host is None:
        return event.place_org
    location = _("Rooms of {name}").format(name=host.name)
    if host.address and (host.address.street or host.address.city):
        town = " ".join(p for p in (host.address.postal_code, host.address.city) if p)
        where = ", ".join(part for part in (host.address.street, town) if part)
        location = _("{place}, {address}").format(place=location, address=where)
    return location


def _follow_ups(data: Dataset) -> list[Entry]:
    found = []
    for contact in data.contacts.values():
        follow = contact.follow_up
        if follow is None or follow.done is not None:
            continue
        summary = _("Follow up: {names}").format(names=_org_names(data, contact.organisations))
        if follow.action:
            summary = _("{summary} – {action}").format(summary=summary, action=follow.action)
        found.append(
            Entry(
                uid=_uid("follow-up", contact.id),
                kind="follow-up",
                summary=summary,
                start=follow.date,
                end=follow.date,
                description=_("Follow-up of the contact {id} of {date}").format(
                    id=contact.id, date=format_date(contact.date)
                ),
                categories=(_("Follow-up"),),
            )
        )
    return found


def _programme_deadlines(data: Dataset) -> list[Entry]:
    found = []
    for programme in data.programmes.values():
        seen: set[str] = set()
        for deadline in programme.deadlines:
            line = programme.line(deadline.line) if deadline.line else None
            summary = _("Application deadline: {programme}").format(programme=programme.name)
            if line is not None and len(programme.lines) > 1:
                summary = _("{summary} – {line}").format(summary=summary, line=line.name)
            if deadline.note:
                summary = _("{summary} ({note})").format(summary=summary, note=deadline.note)
            parts = ["deadline", programme.id, deadline.date.isoformat(), deadline.line or ""]
            uid, number = _uid(*parts), 2
            while uid in seen:
                uid, number = _uid(*parts, str(number)), number + 1
            seen.add(uid)
            description = [_("Funding programme {name}").format(name=programme.name)]
            if programme.funder:
                description.append(_("Funder: {name}").format(name=programme.funder))
            if programme.website:
                description.append(programme.website)
            found.append(
                Entry(
                    uid=uid,
                    kind="programme-deadline",
                    summary=summary,
                    start=deadline.date,
                    end=deadline.date,
                    description="\n".join(description),
                    categories=(_("Application deadline"),),
                )
            )
    return found


def _application_deadlines(data: Dataset) -> list[Entry]:
    found = []
    for app in data.applications.values():
        if app.deadline is None or app.status not in DEADLINE_STATUSES:
            continue
        org = data.organisations.get(app.organisation)
        funder = data.programmes.get(app.programme)
        summary = _("Deadline of a funding application: {title} ({organisation})").format(
            title=app.title, organisation=org.name if org else app.organisation
        )
        description = [_("Application {id}").format(id=app.id)]
        if funder is not None:
            description.append(_("Funding programme {name}").format(name=funder.name))
        found.append(
            Entry(
                uid=_uid("application", app.id),
                kind="application-deadline",
                summary=summary,
                start=app.deadline,
                end=app.deadline,
                description="\n".join(description),
                categories=(_("Application deadline"),),
            )
        )
    return found


def entries(
    data: Dataset,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Entry]:
    """Every dated entry of the store that overlaps ``start``..``end``, by date.

    Events after ``today`` (default: the real today) are planned: their
    descriptions name the expected organisations and head count as expected."""
    day = today or dt.date.today()
    found: list[Entry] = [_event_entry(data, event, day) for event in data.events.values()]
    found += _follow_ups(data) + _programme_deadlines(data) + _application_deadlines(data)
    if start is not None:
        found = [entry for entry in found if entry.end >= start]
    if end is not None:
        found = [entry for entry in found if entry.start <= end]
    return sorted(found, key=lambda e: (e.start, e.kind, e.uid))


def entries_summary(items: list[Entry]) -> str:
    """``5 entries: 3 events, 1 follow-up, 1 programme deadline``."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    kinds = {
        "event": lambda n: ngettext("{n} event", "{n} events", n),
        "follow-up": lambda n: ngettext("{n} follow-up", "{n} follow-ups", n),
        "programme-deadline": lambda n: ngettext(
            "{n} programme deadline", "{n} programme deadlines", n
        ),
        "application-deadline": lambda n: ngettext(
            "{n} application deadline", "{n} application deadlines", n
        ),
    }
    detail = ", ".join(kinds[kind](n).format(n=n) for kind, n in sorted(counts.items()))
    total = ngettext("{n} entry", "{n} entries", len(items)).format(n=len(items))
    return _("{entries}: {detail}").format(entries=total, detail=detail) if detail else total


def _span(
    item: Entry, zone: ZoneInfo
) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime | None]:
    """DTSTART and DTEND (exclusive) of an entry; DTEND ``None`` when the entry has none.

    All-day entries end the day after their last day. A timed entry ends at
    ``end_time`` on its last day; without one, a one-day entry has no end (it
    is a point in time, RFC 5545 §3.6.1) and a longer one lasts to the end of
    its last day.
    """
    if item.start_time is None:
        return item.start, item.end + dt.timedelta(days=1)
    start = dt.datetime.combine(item.start, item.start_time, tzinfo=zone)
    if item.end_time is not None:
        return start, dt.datetime.combine(item.end, item.end_time, tzinfo=zone)
    if item.end > item.start:
        return start, dt.datetime.combine(item.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, None


def to_ical(
    items: list[Entry],
    *,
    name: str,
    timezone: str = "Europe/Berlin",
    now: dt.datetime | None = None,
) -> bytes:
    """The entries as one VCALENDAR (CRLF lines, UTF-8), as ``icalendar`` writes it.

    Timed entries are written in ``timezone`` (an IANA name) with its
    ``VTIMEZONE``, covering the years of those entries.
    """
    from icalendar import Calendar, Timezone
    from icalendar import Event as IcalEvent

    zone = ZoneInfo(timezone)
    stamp = now or dt.datetime.now(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    timed: list[Entry] = []
    for item in items:
        event = IcalEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        start, end = _span(item, zone)
        event.add("dtstart", start)
        if end is not None:
            event.add("dtend", end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
        if item.start_time is not None:
            timed.append(item)
    if timed:
        vtimezone = Timezone.from_tzid(
            timezone,
            first_date=dt.date(min(item.start for item in timed).year, 1, 1),
            last_date=dt.date(max(item.end for item in timed).year + 1, 12, 31),
        )
        # icalendar notes the covered years in a COMMENT, which RFC 5545 (§3.6.5)
        # allows only inside STANDARD/DAYLIGHT; strict readers (libical) refuse it.
        vtimezone.pop("COMMENT", None)
        calendar.subcomponents.insert(0, vtimezone)
    result: bytes = calendar.to_ical()
    return result


__all__ = ["Entry", "entries", "entries_summary", "to_ical"]
