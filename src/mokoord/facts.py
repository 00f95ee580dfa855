"""Compact facts about contacts and organisations, for statistics over all of them.

A report counts contacts by channel, topic, month and organisation, counts
referrals by outcome, and takes the registry as of a day; it needs a few
fields of every contact and organisation, not the whole validated record. The
index keeps these fields as a row beside each record (:func:`contact_row`,
:func:`organisation_row`), so a warm report reads 100,000 contacts and 5,000
organisations without building a single model; a store read without the
index gives the same facts from the models (``ContactFact.of``,
``OrganisationFact.of``).

Rows hold plain values only (strings, booleans, tuples; dates as ISO
strings), because the index stores them with :mod:`marshal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from mokoord.models import Contact, Organisation


class ReferralFact(NamedTuple):
    institution: str
    outcome: str


class ContactFact(NamedTuple):
    id: str
    date: dt.date
    organisations: tuple[str, ...]
    planned: bool
    channel: str
    topics: tuple[str, ...]
    referrals: tuple[ReferralFact, ...]

    @classmethod
    def of(cls, contact: Contact) -> ContactFact:
        return cls(
            contact.id,
            contact.date,
            tuple(contact.organisations),
            contact.planned,
            contact.channel,
            tuple(contact.topics),
            tuple(ReferralFact(r.institution, r.outcome) for r in contact.referrals),
        )


def contact_row(contact: Contact) -> tuple[Any, ...]:
    """The facts of a contact as plain values (what the index stores beside its id and date)."""
    return (
        tuple(contact.organisations),
        contact.planned,
        contact.channel,
        tuple(contact.topics),
        tuple((r.institution, r.outcome) for r in contact.referrals),
    )


def contact_facts(rows: dict[str, tuple[Any, ...]], dates: dict[str, str]) -> list[ContactFact]:
    """Facts from index rows (:func:`contact_row`) and ISO dates, both by contact id.

    This runs over every contact of a store on every report, so it builds the
    tuples directly rather than through a function call per contact.
    """
    days = _days(dates.values())
    new = tuple.__new__
    referral = ReferralFact._make
    return [
        new(
            ContactFact,
            (
                key,
                days[dates[key]],
                organisations,
                planned,
                channel,
                topics,
                tuple(map(referral, referrals)) if referrals else (),
            ),
        )
        for key, (organisations, planned, channel, topics, referrals) in rows.items()
    ]


class NeedFact(NamedTuple):
    category: str
    since: dt.date | None
    closed: dt.date | None
    is_open: bool


class OrganisationFact(NamedTuple):
    id: str
    name: str
    known_since: dt.date | None
    status: str
    status_since: dt.date | None
    status_history: tuple[tuple[dt.date, str], ...]
    """Earlier statuses as (since, status), in file order."""
    last_verified: dt.date | None
    district: str | None
    fields: tuple[str, ...]
    offered_formats: tuple[str, ...]
    needs: tuple[NeedFact, ...]
    legal_form: str | None
    own_rooms: bool

    @classmethod
    def of(cls, org: Organisation) -> OrganisationFact:
        return cls(
            org.id,
            org.name,
            org.known_since,
            org.status,
            org.status_since,
            tuple((change.since, change.status) for change in org.status_history),
            org.last_verified,
            org.district,
            tuple(org.fields),
            tuple(org.offered_formats),
            tuple(NeedFact(n.category, n.since, n.closed, n.is_open) for n in org.needs),
            org.legal_form,
            bool(org.rooms and org.rooms.own),
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def organisation_row(org: Organisation) -> tuple[Any, ...]:
    """The facts of an organisation as plain values (what the index stores beside its id)."""
    return (
        org.name,
        _iso(org.known_since),
        org.status,
        _iso(org.status_since),
        tuple((change.since.isoformat(), change.status) for change in org.status_history),
        _iso(org.last_verified),
        org.district,
        tuple(org.fields),
        tuple(org.offered_formats),
        tuple((n.category, _iso(n.since), _iso(n.closed), n.is_open) for n in org.needs),
        org.legal_form,
        bool(org.rooms and org.rooms.own),
    )


def organisation_facts(rows: dict[str, tuple[Any, ...]]) -> dict[str, OrganisationFact]:
    """id → facts, from index rows (:func:`organisation_row`)."""
    isos: set[str] = set()
    for row in rows.values():
        isos.update(day for day in (row[1], row[3], row[5]) if day)
        isos.update(since for since, _status in row[4])
        for need in row[9]:
            isos.update(day for day in need[1:3] if day)
    days: dict[str | None, dt.date | None] = {None: None}
    days.update(_days(isos))
    return {
        key: OrganisationFact(
            key,
            name,
            days[known_since],
            status,
            days[status_since],
            tuple((days[since], state) for since, state in history),  # type: ignore[misc]
            days[last_verified],
            district,
            fields,
            offered,
            tuple(
                NeedFact(category, days[since], days[closed], is_open)
                for category, since, closed, is_open in needs
            ),
            legal_form,
            own_rooms,
        )
        for key, (
            name,
            known_since,
            status,
            status_since,
            history,
            last_verified,
            district,
            fields,
            offered,
            needs,
            legal_form,
            own_rooms,
        ) in rows.items()
    }


def _days(isos: Iterable[str]) -> dict[str, dt.date]:
    """ISO date → date, each distinct day parsed once (a store has a few thousand)."""
    return {iso: dt.date.fromisoformat(iso) for iso in set(isos)}


ROWS = {"contact": contact_row, "organisation": organisation_row}
"""Kinds whose records the index keeps facts rows for, and how to make the rows."""
