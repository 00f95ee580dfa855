"""The office's dates as an iCalendar file (RFC 5545) for Outlook and Thunderbird.

Four kinds of entries, each an all-day event with a German summary and a
stable UID, so that importing a newer export updates entries instead of
doubling them:

==================  =========================================  ==========================
entry               from                                       UID
==================  =========================================  ==========================
event               ``events/`` (date to end)                  ``event-<id>@mokoord``
follow-up           open ``follow_up`` of a contact            ``follow-up-<contact>@mokoord``
programme deadline  ``deadlines`` of a programme               ``deadline-<programme>-<date>[-<line>]@mokoord``
application         ``deadline`` of an application (idea,      ``application-<id>@mokoord``
deadline            draft)
==================  =========================================  ==========================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mokoord.dataset import Dataset
from mokoord.formatting import date as format_date
from mokoord.models import Event

UID_DOMAIN = "mokoord"
PRODID = "-//mokoord//Koordinierungsstelle Migrantenorganisationen//DE"
DEADLINE_STATUSES = frozenset({"idea", "draft"})
"""Applications whose deadline is still ahead of them."""


@dataclass(frozen=True)
class Entry:
    """One all-day calendar entry."""

    uid: str
    kind: str
    """``event``, ``follow-up``, ``programme-deadline`` or ``application-deadline``."""
    summary: str
    start: dt.date
    end: dt.date
    """Last day (inclusive)."""
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


def to_ical(items: list[Entry], *, name: str, now: dt.datetime | None = None) -> bytes:
    """The entries as one VCALENDAR (CRLF lines, UTF-8), as ``icalendar`` writes it."""
    from icalendar import Calendar
    from icalendar import Event as IcalEvent

    stamp = now or dt.datetime.now(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in items:
        event = IcalEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + dt.timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    result: bytes = calendar.to_ical()
    return result


__all__ = ["Entry", "entries", "to_ical"]
