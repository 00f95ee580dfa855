"""Listings answer from the index's facts rows exactly as from the records, building few.

Each query runs twice on the demo store: on the dataset read through the
index (facts rows; records built only where a query picks them) and on the
same records as plain mappings (every record built, no rows). The answers
must be equal, and the first must have built only the records it shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from mokoord import agenda, contacts, institutions, overview, referrals, register
from mokoord.dataset import KINDS, Dataset
from mokoord.records import Records
from mokoord.store import Store

TODAY = dt.date(2024, 3, 1)


@pytest.fixture
def both(demo: Store) -> tuple[Dataset, Dataset]:
    """The demo store through the index, and the same records as plain dicts."""
    demo.load()  # builds the index
    indexed = demo.load()
    plain = demo.load()
    for spec in KINDS.values():
        records = plain.records(spec.name)
        setattr(plain, spec.folder, dict(records.items()))
    return indexed, dataclasses.replace(plain)


def built(data: Dataset, kind: str) -> int:
    records = data.records(kind)
    assert isinstance(records, Records)
    return records.built


def test_list_is_made_from_facts_without_building_organisations(
    both: tuple[Dataset, Dataset],
) -> None:
    indexed, plain = both
    for filters in (
        register.Filters(),
        register.Filters(include_declined=True),
        register.Filters(stale=True),
        register.Filters(status="cooperating"),
        register.Filters(outreach=True, need="rooms"),
    ):
        assert register.list_rows(indexed, filters, TODAY) == register.list_rows(
            plain, filters, TODAY
        )
    assert built(indexed, "organisation") == 0
    assert built(indexed, "person") == 0


def test_search_builds_only_its_hits(both: tuple[Dataset, Dataset]) -> None:
    indexed, plain = both
    for text in ("elternverein", "verein bieb", "kultur", "ayse", "xyz"):
        hits = register.search(indexed, text)
        assert [(h.org.id, h.score, h.matched) for h in hits] == [
            (h.org.id, h.score, h.matched) for h in register.search(plain, text)
        ]
    assert 0 < built(indexed, "organisation") < len(indexed.organisations)


def _summary(data: Dataset, org_id: str) -> dict[str, Any]:
    found = overview.summary(data, org_id)
    found.pop("stale")
    return found


def test_show_builds_only_the_records_naming_the_organisation(
    both: tuple[Dataset, Dataset],
) -> None:
    indexed, plain = both
    org_ids = sorted(indexed.organisations)[:25]
    for org_id in org_ids:
        assert _summary(indexed, org_id) == _summary(plain, org_id)
    assert built(indexed, "contact") < len(indexed.contacts) / 2
    assert built(indexed, "event") < len(indexed.events)


def test_contacts_referrals_agenda_and_institutions_alike(both: tuple[Dataset, Dataset]) -> None:
    indexed, plain = both
    org = sorted(indexed.organisations)[3]
    where = contacts.ContactFilter(organisation=org)
    assert contacts.find_contacts(indexed, where) == contacts.find_contacts(plain, where)
    pending = referrals.referral_rows(indexed, pending=True)
    assert [referrals.referral_json(row, indexed, TODAY) for row in pending] == [
        referrals.referral_json(row, plain, TODAY)
        for row in referrals.referral_rows(plain, pending=True)
    ]
    for days in (0, 7, 60):
        assert agenda.agenda_json(
            agenda.build_agenda(indexed, today=TODAY, days=days), indexed
        ) == agenda.agenda_json(agenda.build_agenda(plain, today=TODAY, days=days), plain)
    assert institutions.institution_rows(indexed) == institutions.institution_rows(plain)
    assert built(indexed, "contact") < len(indexed.contacts) / 2
    for where in (
        contacts.ContactFilter(year=2023),
        contacts.ContactFilter(start=dt.date(2022, 5, 1), end=dt.date(2023, 2, 1)),
        contacts.ContactFilter(channel="phone"),
    ):
        assert contacts.find_contacts(indexed, where) == contacts.find_contacts(plain, where)
    assert [
        referrals.referral_json(row, indexed, TODAY) for row in referrals.referral_rows(indexed)
    ] == [referrals.referral_json(row, plain, TODAY) for row in referrals.referral_rows(plain)]
