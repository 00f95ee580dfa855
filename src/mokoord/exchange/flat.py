"""Records as flat rows of plain values for an export, kept beside the index.

An export of every organisation needs some thirty values of each, most of
them not among the facts rows the index keeps (:mod:`mokoord.facts`);
building 5,000 pydantic models for them costs more than the rest of the
export. :func:`flat_records` takes each record's values once through the
export's columns (``get``), keeps them beside the index while no record of
the kind changes (:meth:`mokoord.records.Records.memo`), and hands back
:class:`FlatRecord` rows whose values the columns read by position. The
rows hold exactly what the columns' ``get`` gave (a date stays a date), so
every format writes the same bytes either way.

:func:`dialled_phones` keeps the organisations' phone numbers as a CSV writes
them (as dialled from Germany) the same way, and :func:`first_persons_of`
picks each organisation's first contact person by the persons' facts rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.models import Person

PLAIN = (type(None), bool, int, str)
"""The types of values a flat row keeps as they are (and the items of lists)."""
PLAIN_TYPES: frozenset[type] = frozenset(PLAIN)


class FlatRecord(tuple[Any, ...]):
    """One record's values in the order of the columns; the first is its id."""

    __slots__ = ()

    @property
    def id(self) -> str:
        return str(self[0])


class NotPlain(Exception):
    """A value that a flat row cannot keep: the export reads the models instead."""


def flat_records(
    records: Mapping[str, Any],
    getters: Sequence[Callable[[Any], Any]],
    dated: Sequence[bool],
    code: bytes,
) -> list[FlatRecord] | None:
    """The records ordered by id, each as the values of ``getters`` (the first gives
    the id); ``dated[i]``: getter ``i`` gives a date or ``None``. Kept beside the index
    under a stamp of ``code`` (the source that defines the getters) and of this module.
    ``None`` when a value is not plain data (then the caller reads the models)."""
    from mokoord.records import Records

    def make() -> list[tuple[Any, ...]] | None:
        try:
            return [
                tuple(_plain(get(record), day) for get, day in zip(getters, dated, strict=True))
                for record in sorted(records.values(), key=lambda record: getters[0](record))
            ]
        except NotPlain:
            return None

    if isinstance(records, Records):
        stamp = hashlib.sha1(code + Path(__file__).read_bytes()).hexdigest()[:16]
        kept = records.memo(f"flat-{stamp}", make)
        if kept is None:
            return None
        flat = _revived(kept, records, dated)
        if flat is not None:
            return flat
    made = make()  # without an index, or not what was stored: made again
    return None if made is None else _revived(made, records, dated)


def _plain(value: Any, is_date: bool) -> Any:
    """``value`` as marshal keeps it: dates as ISO text, lists of plain items as lists."""
    if is_date:
        if value is None:
            return None
        if type(value) is dt.date:
            return value.isoformat()
        raise NotPlain(value)
    kind = type(value)
    if kind in PLAIN:
        return value
    if kind is list and all(type(item) in PLAIN for item in value):
        return value
    raise NotPlain(value)


def _revived(
    kept: Any, records: Mapping[str, Any], dated: Sequence[bool]
) -> list[FlatRecord] | None:
    """The rows of a kept value with their dates as dates; ``None`` unless it is what
    :func:`flat_records` stores for these records (checked a column at a time)."""
    width = len(dated)
    if type(kept) is not list or len(kept) != len(records) or not kept:
        return [] if kept == [] and not records else None
    if not all(type(row) is tuple and len(row) == width for row in kept):
        return None
    columns: list[Any] = list(zip(*kept, strict=True))
    ids = columns[0]
    if set(map(type, ids)) != {str} or list(ids) != sorted(set(ids)):
        return None  # not one row per record, in the order of their ids
    if not all(map(records.__contains__, ids)):
        return None
    for index, values in enumerate(columns):
        kinds = set(map(type, values))
        if dated[index]:
            if not kinds <= {str, type(None)}:
                return None
            days = _days(set(values))
            if days is None:
                return None
            columns[index] = list(map(days.__getitem__, values))
        elif not kinds <= PLAIN_TYPES:
            if not kinds <= PLAIN_TYPES | {list}:
                return None
            lists = values if kinds == {list} else [v for v in values if type(v) is list]
            if not set(map(type, chain.from_iterable(lists))) <= PLAIN_TYPES:
                return None
    return [FlatRecord(row) for row in zip(*columns, strict=True)]


def _days(isos: set[str | None]) -> dict[str | None, dt.date | None] | None:
    """ISO date → date for each; ``None`` when one is not an ISO date."""
    days: dict[str | None, dt.date | None] = {None: None}
    for iso in isos:
        if iso is None:
            continue
        if len(iso) != 10:
            return None
        try:
            days[iso] = dt.date.fromisoformat(iso)
        except ValueError:
            return None
    return days


def dialled_phones(
    organisations: Mapping[str, Any], phones: Callable[[], Iterable[Any]]
) -> dict[str, str]:
    """The organisations' phone numbers as dialled (:func:`mokoord.sheets.dialable`),
    kept beside the index while no organisation changes (nor the dialling code, nor
    ``phonenumbers``): working them out costs more than the rest of a CSV export.
    ``phones()``: the organisations' phone numbers (asked for when not kept)."""
    from mokoord.records import Records
    from mokoord.sheets import dialable, dialling_stamp

    if not isinstance(organisations, Records):
        return {}

    def make() -> dict[str, str]:
        distinct = {phone for phone in phones() if type(phone) is str}
        return {phone: dialable(phone) for phone in sorted(distinct)}

    kept = organisations.memo(f"dialled-phones-{dialling_stamp()}", make)
    if isinstance(kept, dict) and all(type(k) is str and type(v) is str for k, v in kept.items()):
        return kept
    return {}  # not what was stored: each number is worked out again


def first_persons_of(data: Dataset) -> dict[str, Person]:
    """Each organisation's first contact person who may be contacted (not erased, consent
    not withdrawn: exports feed mailings). Through the index only those persons are built,
    picked by their facts rows (:data:`mokoord.facts.PERSON_OFFERED`)."""
    from mokoord.facts import PERSON_OFFERED, rows_of, select

    rows = rows_of(data.persons)
    if rows is not None:
        picked: dict[str, str] = {}
        for key in sorted(data.persons):
            row = rows.get(key)
            if type(row) is not tuple or len(row) <= PERSON_OFFERED:
                break  # not what the index should hold: decided by the models below
            owner = row[0]
            if row[PERSON_OFFERED] and owner and owner not in picked:
                picked[owner] = key
        else:
            first = dict(zip(picked, select(data.persons, list(picked.values())), strict=True))
            if all(p.offered and p.organisation == o for o, p in first.items()):
                return first
    first = {}
    for person in sorted(data.persons.values(), key=lambda p: p.id):
        if person.offered and person.organisation and person.organisation not in first:
            first[person.organisation] = person
    return first
