"""The office's dates as an iCalendar file (RFC 5545) for Outlook and Thunderbird.

Four kinds of entries, each with a German summary and a stable UID, so that
importing a newer export updates entries instead of doubling them:

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


def _event_entry(data: Dataset, event: Event) -> Entry:
    vocab = data.config.vocabularies
    kind = vocab.label("event_kinds", event.kind)
    summary = f"{kind}: {event.title}"
    if event.series and event.series not in event.title:
        summary += f" ({event.series})"
    lines = []
    if event.series:
        lines.append(f"Reihe: {event.series}")
    if event.topics:
        lines.append("Themen: " + ", ".join(vocab.label("topics", t) for t in event.topics))
    if event.organisers:
        lines.append("Veranstaltet von: " + _org_names(data, event.organisers))
    if event.attendance:
        lines.append(
            "Teilnehmende Organisationen: "
            + _org_names(data, [a.organisation for a in event.attendance])
        )
    if event.head_count:
        lines.append(f"Teilnehmende: {event.head_count}")
    if event.follow_up:
        lines.append(f"Nachbereitung: {event.follow_up}")
    if event.notes:
        lines.append(event.notes)
    location = event.place
    if event.place_org:
        host = data.organisations.get(event.place_org)
        if host is not None:
            location = f"Räume von {host.name}"
            if host.address and (host.address.street or host.address.city):
                where = ", ".join(
                    part
                    for part in (
                        host.address.street,
                        " ".join(p for p in (host.address.postal_code, host.address.city) if p),
                    )
                    if part
                )
                location += f", {where}"
        else:
            location = event.place_org
    return Entry(
        uid=_uid("event", event.id),
        kind="event",
        summary=summary,
        start=event.date,
        end=event.end or event.date,
        start_time=event.time,
        end_time=event.until,
        description="\n".join(lines),
        location=location,
        categories=(kind,),
    )


def entries(
    data: Dataset, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[Entry]:
    """Every dated entry of the store that overlaps ``start``..``end``, by date."""
    found: list[Entry] = [_event_entry(data, event) for event in data.events.values()]
    for contact in data.contacts.values():
        follow = contact.follow_up
        if follow is None or follow.done is not None:
            continue
        names = _org_names(data, contact.organisations)
        summary = f"Nachfassen: {names}"
        if follow.action:
            summary += f" – {follow.action}"
        found.append(
            Entry(
                uid=_uid("follow-up", contact.id),
                kind="follow-up",
                summary=summary,
                start=follow.date,
                end=follow.date,
                description=f"Wiedervorlage zum Kontakt {contact.id} vom "
                f"{format_date(contact.date)}",
                categories=("Wiedervorlage",),
            )
        )
    for programme in data.programmes.values():
        seen: set[str] = set()
        for deadline in programme.deadlines:
            line = programme.line(deadline.line) if deadline.line else None
            summary = f"Antragsfrist: {programme.name}"
            if line is not None and len(programme.lines) > 1:
                summary += f" – {line.name}"
            if deadline.note:
                summary += f" ({deadline.note})"
            uid = _uid("deadline", programme.id, deadline.date.isoformat(), deadline.line or "")
            number = 2
            while uid in seen:
                uid = _uid(
                    "deadline",
                    programme.id,
                    deadline.date.isoformat(),
                    deadline.line or "",
                    str(number),
                )
                number += 1
            seen.add(uid)
            description = [f"Förderprogramm {programme.name}"]
            if programme.funder:
                description.append(f"Fördergeber: {programme.funder}")
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
                    categories=("Antragsfrist",),
                )
            )
    for app in data.applications.values():
        if app.deadline is None or app.status not in DEADLINE_STATUSES:
            continue
        org = data.organisations.get(app.organisation)
        funder = data.programmes.get(app.programme)
        summary = f"Frist Förderantrag: {app.title} ({org.name if org else app.organisation})"
        description = [f"Antrag {app.id}"]
        if funder is not None:
            description.append(f"Förderprogramm {funder.name}")
        found.append(
            Entry(
                uid=_uid("application", app.id),
                kind="application-deadline",
                summary=summary,
                start=app.deadline,
                end=app.deadline,
                description="\n".join(description),
                categories=("Antragsfrist",),
            )
        )
    if start is not None:
        found = [entry for entry in found if entry.end >= start]
    if end is not None:
        found = [entry for entry in found if entry.start <= end]
    return sorted(found, key=lambda e: (e.start, e.kind, e.uid))


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


__all__ = ["Entry", "entries", "to_ical"]
