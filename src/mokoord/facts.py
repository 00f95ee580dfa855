"""Compact facts about records, for statistics and listings over all of them.

A report counts contacts by channel, topic, month and organisation, counts
referrals by outcome, and takes the registry as of a day; it needs a few
fields of every contact and organisation, not the whole validated record. The
index keeps these fields as a row beside each record (:data:`ROWS`:
:func:`contact_row`, :func:`organisation_row` and one for persons, events,
cooperations and applications), so a warm report reads 100,000 contacts and
5,000 organisations without building a single model; a store read without
the index gives the same facts from the models (``ContactFact.of``,
``OrganisationFact.of``).

Listings use the rows to pick the few records they show before building
them: :func:`mentioning` gives the records that name an organisation (a
contact, a person, an event, a cooperation, an application), building only
those.

Rows hold plain values only (strings, booleans, tuples; dates as ISO
strings), because the index stores them with :mod:`marshal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

from mokoord.models import (
    Application,
    Contact,
    Cooperation,
    Event,
    Organisation,
    Person,
)
from mokoord.models.organisation import PIPELINE
from mokoord.records import Records

R = TypeVar("R")


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


REFERRALS = 4
"""The field of a contact's row holding its referrals as (institution, outcome)."""


def contact_row(contact: Contact) -> tuple[Any, ...]:
    """The facts of a contact as plain values (what the index stores beside its id and date):
    organisations, planned, channel, topics, referrals as (institution, outcome), and the
    follow-up as (date, done) or ``None``."""
    follow = contact.follow_up
    return (
        tuple(contact.organisations),
        contact.planned,
        contact.channel,
        tuple(contact.topics),
        tuple((r.institution, r.outcome) for r in contact.referrals),
        (follow.date.isoformat(), _iso(follow.done)) if follow else None,
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
        for key, (organisations, planned, channel, topics, referrals, _follow_up) in rows.items()
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
    aliases: tuple[str, ...]
    languages: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def open_needs(self) -> list[NeedFact]:
        return [need for need in self.needs if need.is_open]

    @property
    def in_outreach(self) -> bool:
        """As :attr:`Organisation.in_outreach`."""
        return self.status in PIPELINE

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
            tuple(org.aliases),
            tuple(org.languages),
            tuple(org.tags),
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
        tuple(org.aliases),
        tuple(org.languages),
        tuple(org.tags),
        org.goals,
        org.notes,
    )


def organisation_name(organisations: Mapping[str, Organisation], key: str) -> str | None:
    """The name of organisation ``key`` (``None`` when there is none): from the index's
    facts rows where every organisation has one, so that naming the organisations of
    1,250 events builds no organisation."""
    names = field_of(organisations, 0)  # organisation_row's first value
    if names is not None:
        name = names.get(key)
        return name if isinstance(name, str) else None
    found = organisations.get(key)
    return found.name if found is not None else None


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
            aliases,
            languages,
            tags,
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
            aliases,
            languages,
            tags,
            _goals,
            _notes,
        ) in rows.items()
    }


def _days(isos: Iterable[str]) -> dict[str, dt.date]:
    """ISO date → date, each distinct day parsed once (a store has a few thousand)."""
    return {iso: dt.date.fromisoformat(iso) for iso in set(isos)}


def search_texts(
    records: Mapping[str, Organisation],
) -> dict[str, tuple[str, tuple[str, ...], str | None, str | None]]:
    """id → (name, aliases, goals, notes) of every organisation, from the rows where kept."""
    rows = rows_of(records)
    if rows is not None:
        return {key: (row[0], row[12], row[15], row[16]) for key, row in rows.items()}
    return {
        key: (org.name, tuple(org.aliases), org.goals, org.notes) for key, org in records.items()
    }


def legal_form_and_rooms(row: tuple[Any, ...]) -> tuple[str | None, bool]:
    """From an organisation's row: its legal form, and whether it has rooms of its own."""
    return row[10], row[11]


def person_row(person: Person) -> tuple[Any, ...]:
    """A person's organisation and name, and whether the person may be offered for
    contacts and mailings (:attr:`Person.offered`: not erased, consent not withdrawn)."""
    return (person.organisation, person.name, person.offered)


PERSON_OFFERED = 2
"""The field of a person's row saying whether the person may be offered (exports)."""


def event_row(event: Event) -> tuple[Any, ...]:
    """The organisations an event names: attending, organising or hosting it."""
    named = [a.organisation for a in event.attendance] + list(event.organisers)
    if event.place_org:
        named.append(event.place_org)
    return (tuple(dict.fromkeys(named)),)


def cooperation_row(coop: Cooperation) -> tuple[Any, ...]:
    return (coop.organisation, coop.partner)


def application_row(app: Application) -> tuple[Any, ...]:
    return (app.organisation, app.programme, app.year)


ROWS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "contact": contact_row,
    "organisation": organisation_row,
    "person": person_row,
    "event": event_row,
    "cooperation": cooperation_row,
    "application": application_row,
}
"""Kinds whose records the index keeps facts rows for, and how to make the rows."""

_NAMED: dict[type, tuple[tuple[int, bool], ...]] = {
    Contact: ((0, True),),
    Person: ((0, False),),
    Event: ((0, True),),
    Cooperation: ((0, False), (1, False)),
    Application: ((0, False),),
}
"""The fields of a kind's row that name organisations: (field, whether it holds several)."""


def rows_of(records: Mapping[str, Any]) -> dict[str, tuple[Any, ...]] | None:
    """The facts rows of every record, when the mapping keeps them (read through the index)."""
    if isinstance(records, Records) and records.has_rows:
        return records.columns()
    return None


def has_rows(records: Mapping[str, Any]) -> bool:
    """Whether the mapping keeps the records' facts rows (read through the index)."""
    return isinstance(records, Records) and records.has_rows


def field_of(records: Mapping[str, Any], number: int) -> dict[str, Any] | None:
    """One field of every record's facts row (read without the rest), when kept."""
    if isinstance(records, Records) and records.has_rows:
        return records.field(number)
    return None


def select(records: Mapping[str, R], keys: list[str]) -> list[R]:
    """The records of ``keys``, read together where the mapping can (see :meth:`Records.select`)."""
    if isinstance(records, Records):
        return records.select(keys)
    return [records[key] for key in keys]


def dates_of(records: Mapping[str, Any]) -> dict[str, str]:
    """id → ISO date of every dated record, when the mapping keeps them (else empty)."""
    return records.dates() if isinstance(records, Records) else {}


def mentioning(records: Mapping[str, R], org_id: str) -> list[R]:
    """Of contacts, persons, events, cooperations or applications: those that name the
    organisation, found by their rows (only the fields naming organisations are read)
    and built without the others; where there are no rows, all of them. Either way the
    caller tests each record itself."""
    if not isinstance(records, Records) or records.model not in _NAMED or not records.has_rows:
        return list(records.values())
    held = records.memo_entry("named", org_id, lambda: _named(records))
    if held is None:
        return []  # no record names the organisation
    if not (
        isinstance(held, list)
        and all(type(pair) is tuple and len(pair) == 2 for pair in held)
        and all(type(part) is str for pair in held for part in pair)
    ):
        held = _named(records).get(org_id, [])  # not what was stored: made again
    return records.select_files(held)


def _named(records: Records[Any]) -> dict[str, list[tuple[str, str]]]:
    """Organisation id → the records naming it (from the fields of their rows that
    name organisations) with their files, in the order of the records; kept beside
    the index while none of them changes (:meth:`Records.memo_entry`)."""
    found: dict[str, dict[str, None]] = {}
    for number, several in _NAMED[records.model]:
        for key, value in records.field(number).items():
            for org in value if several else (value,):
                if org is not None:
                    found.setdefault(org, {})[key] = None
    return {org: records.files_of(list(keys)) for org, keys in found.items()}


def selected(
    records: Mapping[str, R], wanted: Callable[[Any], bool], field: int | None = None
) -> list[R]:
    """The records whose facts row (or one field of it) ``wanted`` picks; all of them
    where there are no rows. The caller tests each record itself."""
    if not isinstance(records, Records) or not records.has_rows:
        return list(records.values())
    values = records.columns() if field is None else records.field(field)
    return records.select([key for key, value in values.items() if wanted(value)])


OpenEnd = tuple[str, str, bool, str | None, bool, tuple[str, ...]]
"""A contact an agenda or the pending referrals can show: (id, ISO date, planned, its
open follow-up's due date, whether a referral of it is pending, its organisations)."""


def open_ends(contacts: Mapping[str, Any]) -> list[OpenEnd] | None:
    """The contacts planned, with an open follow-up or with a pending referral, in the
    order of the contacts; kept beside the index while no contact changes
    (:meth:`Records.memo`). ``None`` where the contacts have no rows."""
    if not (isinstance(contacts, Records) and contacts.has_rows):
        return None
    kept = contacts.memo("open-ends", lambda: _open_ends(contacts))
    if isinstance(kept, list) and all(type(item) is tuple and len(item) == 6 for item in kept):
        return kept
    return _open_ends(contacts)  # not what was stored: made again


def select_open_ends(contacts: Mapping[str, R], keys: list[str]) -> list[R]:
    """The contacts of ``keys``, each an open end (:func:`open_ends`), read by their
    files kept beside the index with the open ends: an agenda does not look up the
    files of 100,000 contacts to read 1,400 of them."""
    if not (isinstance(contacts, Records) and contacts.has_rows):
        return select(contacts, keys)
    files = contacts.memo(
        "open-end-files",
        lambda: dict(contacts.files_of([end[0] for end in open_ends(contacts) or []])),
    )
    if not (isinstance(files, dict) and all(type(files.get(key)) is str for key in keys)):
        return contacts.select(keys)  # not what was stored, or not an open end
    return contacts.select_files([(key, files[key]) for key in keys])


def _open_ends(contacts: Records[Any]) -> list[OpenEnd]:
    dates, found = contacts.dates(), []
    for key, row in contacts.columns().items():
        due = open_follow_up(row)
        pending = any(outcome == "pending" for _institution, outcome in row[REFERRALS])
        if row[1] or due is not None or pending:
            found.append((key, dates[key], bool(row[1]), due, pending, tuple(row[0])))
    return found


def open_follow_up(row: tuple[Any, ...]) -> str | None:
    """The ISO date of a contact's follow-up while it is not done (from its row)."""
    follow = row[5]
    return follow[0] if follow is not None and follow[1] is None else None
