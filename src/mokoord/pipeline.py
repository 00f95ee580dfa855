"""The status an organisation is shown and counted with: its file's, or what the
contact log says.

An organisation's file holds the status a person set (``status``, with its
``status_history``). A contact logged with the organisation says that the
office has been in touch, whatever the file says. So an organisation whose
status is ``known`` on a day and that had a held (not planned) contact on or
before that day is shown and counted as ``contacted`` on that day: its
*effective status*. Every other status is effective as it stands.

The effective status is derived from the contact log instead of being written
into the organisation's file by ``add-contact``: logging a contact then writes
one new file and nothing else, so two clones logging contacts at the same
time always merge cleanly, and deleting a contact logged by mistake leaves no
status behind. ``show``, ``list``, ``search`` and the report's status
breakdown all use it; in their JSON the key ``status`` keeps the stored
status and ``effective_status`` gives this one (docs/register.md).

Everything here reads the contacts' facts (:mod:`mokoord.facts`), so a
listing of 5,000 organisations with 100,000 contacts builds no contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mokoord.dataset import Dataset
from mokoord.facts import has_rows
from mokoord.records import Records, RowPart

KNOWN = "known"
CONTACTED = "contacted"


def first_contacts(data: Dataset) -> dict[str, dt.date]:
    """Organisation id → the date of its earliest held (not planned) contact.

    Every organisation of a contact counts, declined ones too: whether a
    figure leaves declined organisations out is the figure's rule.
    """
    if has_rows(data.contacts):
        return data.derived("first-contacts", _first_contacts_kept)
    first: dict[str, dt.date] = {}
    for fact in data.contact_facts():
        if fact.planned:
            continue
        day = fact.date
        for org in fact.organisations:
            seen = first.get(org)
            if seen is None or day < seen:
                first[org] = day
    return first


def effective_status(status: str, first_contact: dt.date | None, day: dt.date) -> str:
    """The status shown and counted on ``day``: ``contacted`` for a ``known``
    organisation with a held contact on or before ``day``, else ``status``."""
    if status == KNOWN and first_contact is not None and first_contact <= day:
        return CONTACTED
    return status


def derived_from_log(status: str, effective: str) -> bool:
    """Whether the effective status comes from the contact log (not the file)."""
    return status != effective


def _first_contacts_kept(data: Dataset) -> dict[str, dt.date]:
    """:func:`first_contacts` from the index: kept beside it until a contact changes
    (:meth:`~mokoord.records.Records.memo`), else made from each shard's earliest
    contacts, which are kept per shard (after a change, or right after a sync,
    only the changed shards' contacts are looked at)."""
    contacts: Records[Any] = data.contacts  # type: ignore[assignment]
    try:
        kept = contacts.memo("first-contacts", lambda: _earliest_by_shard(contacts))
    except TypeError:  # a value kept per shard of another shape
        kept = None
    if not (isinstance(kept, dict) and all(type(iso) is str for iso in kept.values())):
        kept = _earliest_in(contacts)  # not what was stored: made again
    days = {iso: dt.date.fromisoformat(iso) for iso in set(kept.values())}
    return {org: days[iso] for org, iso in kept.items()}


_BY_SHARD = b"first-contacts 1"
"""What the values kept per shard depend on besides the rows: a new one when
:func:`_earliest_in` counts otherwise."""


def _earliest_by_shard(contacts: Records[Any]) -> dict[str, str]:
    """Organisation id → the ISO date of its earliest held contact: the earliest
    of each shard's (:func:`_earliest_in`)."""
    earliest: dict[str, str] = {}
    for share in contacts.memo_by_shard("first-contacts-by-shard", _BY_SHARD, _earliest_in):
        if not isinstance(share, dict):
            raise TypeError("not the earliest contacts of a shard")
        for org, iso in share.items():
            if iso < earliest.get(org, "9999"):
                earliest[org] = iso
    return earliest


def _earliest_in(part: RowPart) -> dict[str, str]:
    """Of the contacts of ``part`` (one shard's, or all of them): organisation id →
    the ISO date of its earliest held contact."""
    dates = part.dates()
    earliest: dict[str, str] = {}
    for key, row in part.columns().items():
        if row[1]:  # planned
            continue
        iso = dates[key]
        for org in row[0]:
            if iso < earliest.get(org, "9999"):
                earliest[org] = iso
    return earliest
