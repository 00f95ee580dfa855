"""What the privacy checks of ``mokoord check`` need of each record, gathered once.

The privacy checks (:mod:`mokoord.privacy.checks`) look at few values: of a
person its legal basis, consent, dates, organisation and identifying values;
of an organisation whether and since when it ended; of a contact its date,
persons and the fields still holding free text; of every record with free
text that text and where it stands. The index keeps them beside each record
as the last part of its claims (:data:`~mokoord.checkfacts.PRIVACY`), made
here from the validated record and its parsed document, and sums them up per
shard (:func:`privacy_summary`), so that a warm check builds no model and
parses no file to judge them.

Every value is plain (strings, numbers, tuples, dicts): the index stores them
with :mod:`marshal`.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator
from typing import Any

from mokoord.models import Contact, Organisation, Person, Record
from mokoord.models.meta import CONTACT_TEXT, FREE_TEXT, values_at
from mokoord.privacy.texts import is_placeholder

Loc = tuple[str | int, ...]
Position = Callable[[Loc], tuple[int, int]]

# A person's privacy facts (a tuple, by these indexes):
(
    P_ERASED,
    P_LEGAL_BASIS,
    P_CONSENT,
    P_WITHDRAWN,
    P_CONSENT_DATE,
    P_ORGANISATION,
    P_LAST_CONTACT,
    P_RECORDED,
    P_NAME,
    P_EMAIL,
    P_PHONE,
    P_PLACES,
) = range(12)
PLACES: dict[str, Loc] = {
    "id": ("id",),
    "consent.withdrawn": ("consent", "withdrawn"),
    "legal_basis": ("legal_basis",),
    "organisation": ("organisation",),
    "last_contact": ("last_contact",),
    "erased": ("erased",),
    "name": ("name",),
    "email": ("email",),
    "phone": ("phone",),
}
"""Where a person's problems are placed: dotted path → location (their lines and columns
are kept in this order)."""
PLACE = {name: number for number, name in enumerate(PLACES)}
"""Dotted path → its number in a person's places."""

Texts = tuple[tuple[str, int, int, str], ...]
"""A record's free texts: (dotted path, line, column, text)."""


def texts_of(record: Any, paths: tuple[tuple[str, ...], ...]) -> Iterator[tuple[str, str]]:
    """``(dotted path, text)`` of every free-text value of ``record`` at ``paths``."""
    for path in paths:
        for loc, value in values_at(record, path):
            if isinstance(value, str) and value:
                yield ".".join(str(part) for part in loc), value


def as_loc(path: str) -> Loc:
    """A dotted path as a location (``referrals.0.note`` → ``("referrals", 0, "note")``)."""
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def _iso(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())


def privacy_claims(kind: str, record: Record, position: Position) -> dict[str, Any] | None:
    """The privacy facts of one valid record (``None``: it has none)."""
    found: dict[str, Any] = {}
    paths = FREE_TEXT.get(kind)
    if paths:
        texts = tuple(
            (path, *position(as_loc(path)), text) for path, text in texts_of(record, paths)
        )
        if texts:
            found["texts"] = texts
    if isinstance(record, Person):
        found["person"] = _person(record, position)
    elif isinstance(record, Organisation):
        if record.status in ("dissolved", "declined") and record.status_since:
            found["ended"] = record.status_since.isoformat()
    elif isinstance(record, Contact):
        fields = tuple(
            path
            for path, text in texts_of(record, CONTACT_TEXT)
            if not (path == "summary" and is_placeholder(text, "removed"))
        )
        found["contact"] = (record.date.isoformat(), record.planned, tuple(record.persons), fields)
    return found or None


def _person(person: Person, position: Position) -> tuple[Any, ...]:
    consent = person.consent
    return (
        person.erased is not None,
        person.legal_basis,
        consent is not None,
        _iso(consent.withdrawn) if consent else None,
        _iso(consent.date) if consent else None,
        person.organisation,
        _iso(person.last_contact),
        _iso(person.recorded),
        person.name,
        person.email,
        person.phone,
        tuple(position(loc) for loc in PLACES.values()),
    )


def privacy_summary(
    files: dict[str, Any], claims: dict[str, Any], twins: set[str], part: int
) -> dict[str, Any]:
    """A shard's privacy facts summed up: the persons (with their file names, to pick
    the records that keep their ids), the organisations that ended, each person's
    latest contact in the shard's records, and the contacts still holding free text
    with their date and the place of their first such field (and the earliest date)."""
    persons: dict[str, tuple[str, Any]] = {}
    ended: dict[str, tuple[str, str]] = {}
    last: dict[str, str] = {}
    texts: list[tuple[str, str, str, str, int, int]] = []
    texts_in = False
    for name, found in claims.items():
        facts = found[part]
        if facts is None:
            continue
        record_id = files[name][0]
        texts_in = texts_in or "texts" in facts
        if "person" in facts:
            persons[name] = (record_id, facts["person"])
        if "ended" in facts:
            ended[name] = (record_id, facts["ended"])
        if "contact" in facts:
            day, planned, named, fields = facts["contact"]
            if not planned and name not in twins:
                for person in named:
                    if last.get(person, "") < day:
                        last[person] = day
            if fields:
                places = {path: (line, column) for path, line, column, _text in facts["texts"]}
                line, column = places[fields[0]]
                texts.append((day, name, record_id, fields[0], line, column))
    return {
        "persons": persons,
        "ended": ended,
        "last": last,
        # read only when the earliest of them may be past its period: still marshalled
        "since": min((entry[0] for entry in texts), default=""),
        "retained": marshal.dumps(tuple(texts)),
        "texts": texts_in,
    }
