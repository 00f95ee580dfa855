"""Listings answer from the index's facts rows exactly as from the records, building few.

Each query runs twice on the demo store: on the dataset read through the
index (facts rows; records built only where a query picks them) and on the
same records as plain mappings (every record built, no rows). The answers
must be equal, and the first must have built only the records it shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import os
import time
from pathlib import Path
from typing import Any

import pytest

from mokoord import agenda, contacts, institutions, overview, referrals, register
from mokoord.dataset import KINDS, Dataset
from mokoord.facts import mentioning
from mokoord.indexrows import ENTRY_FILES
from mokoord.pipeline import first_contacts
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


def _memo(demo: Store) -> Path:
    return demo.root / ".mokoord" / "index" / "contact" / "first-contacts.memo"


def _earliest_held(data: Dataset) -> dict[str, dt.date]:
    first: dict[str, dt.date] = {}
    for contact in data.contacts.values():
        if not contact.planned:
            for org in contact.organisations:
                first[org] = min(first.get(org, contact.date), contact.date)
    return first


def _backdate_a_held_contact(demo: Store) -> tuple[Path, str]:
    """The first held contact's file rewritten (now) with the date 2001-02-03: its path
    and its text before."""
    path = next(
        path
        for path in sorted((demo.root / "contacts").rglob("*.yaml"))
        if "planned: true" not in path.read_text("utf-8")
    )
    text = path.read_text("utf-8")
    path.write_text(
        "\n".join(
            "date: 2001-02-03" if line.startswith("date:") else line for line in text.splitlines()
        )
        + "\n",
        "utf-8",
    )
    return path, text


def _count_shards_looked_at(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, how many contacts each shard had whose earliest contacts were made
    (again): one entry a shard."""
    from mokoord import pipeline

    looked_at: list[int] = []
    real = pipeline._earliest_in

    def counting(part: Any) -> dict[str, str]:
        looked_at.append(len(part.dates()))
        return real(part)

    monkeypatch.setattr(pipeline, "_earliest_in", counting)
    return looked_at


def test_first_contacts_are_kept_beside_the_index_and_follow_every_change(demo: Store) -> None:
    demo.load()
    assert first_contacts(demo.load()) == _earliest_held(demo.load())
    assert _memo(demo).is_file()
    # a contact moved back in time: the organisation's first contact moves with it
    path, text = _backdate_a_held_contact(demo)
    org = next(line for line in text.splitlines() if line.startswith("organisations:"))
    org_id = org.split("[", 1)[1].split(",")[0].strip(" ]")
    an_hour_ago = time.time() - 3600  # not too fresh to trust: the memo's digests decide
    os.utime(path, (an_hour_ago, an_hour_ago))
    data = demo.load()
    found = first_contacts(data)
    assert found == _earliest_held(demo.load())
    assert found[org_id] == dt.date(2001, 2, 3)


def test_first_contacts_after_a_change_are_made_from_the_shards_kept(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change only the changed shard's contacts are looked at again; an
    organisation's earliest contact deleted moves its first contact later."""
    data = demo.load()
    first = _earliest_held(data)
    assert first_contacts(data) == first
    assert (_memo(demo).parent / "first-contacts-by-shard.memo").is_file()
    org_id, day = min(first.items(), key=lambda item: (item[1], item[0]))
    earliest = next(
        contact
        for contact in data.contacts.values()
        if org_id in contact.organisations and contact.date == day and not contact.planned
    )
    (demo.root / data.sources[("contact", earliest.id)]).unlink()
    looked_at = _count_shards_looked_at(monkeypatch)
    data = demo.load()
    assert first_contacts(data) == _earliest_held(data)
    assert len(looked_at) == 1  # the one changed shard


def test_a_fresh_file_trusted_later_by_its_fingerprint_keeps_the_figures(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written just now is kept with a mark of its content; once old enough it
    is kept with its fingerprint and its shard is written again, holding the same
    records: the figures kept beside the index are not made again. A change after
    that is seen."""
    data = demo.load()
    assert first_contacts(data) == _earliest_held(data)
    path, text = _backdate_a_held_contact(demo)  # written now: too fresh to trust
    looked_at = _count_shards_looked_at(monkeypatch)
    data = demo.load()
    assert first_contacts(data) == _earliest_held(data)
    assert len(looked_at) == 1
    shards = demo.root / ".mokoord" / "index" / "contact"
    written = {p.name: p.stat().st_mtime_ns for p in shards.glob("*.idx")}
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))  # old enough now, content the same
    data = demo.load()
    assert first_contacts(data) == _earliest_held(data)
    assert len(looked_at) == 1  # the figures were kept
    assert {p.name: p.stat().st_mtime_ns for p in shards.glob("*.idx")} != written
    path.write_text(text, "utf-8")  # the old date back
    os.utime(path, (an_hour_ago + 60, an_hour_ago + 60))
    data = demo.load()
    assert first_contacts(data) == _earliest_held(data)
    assert len(looked_at) == 2


@pytest.mark.parametrize(
    "content", [b"garbage", marshal.dumps(("not the digest", {"x": "2020-01-01"})), None]
)
def test_a_damaged_or_foreign_memo_is_made_again(demo: Store, content: bytes | None) -> None:
    demo.load()
    expected = first_contacts(demo.load())
    memo = _memo(demo)
    if content is None:  # the right digest, a value of another shape
        stamp, _value = marshal.loads(memo.read_bytes())
        content = marshal.dumps((stamp, {"x": 1}))
    memo.write_bytes(content)
    assert first_contacts(demo.load()) == expected


def test_the_records_naming_an_organisation_follow_a_changed_contact(demo: Store) -> None:
    demo.load()
    data = demo.load()
    contact = next(c for c in data.contacts.values() if len(c.organisations) == 1)
    old, new = (
        contact.organisations[0],
        next(org for org in data.organisations if org != contact.organisations[0]),
    )
    assert contact.id in [c.id for c in mentioning(data.contacts, old)]
    folder = demo.root / ".mokoord" / "index" / "contact"
    assert len(list(folder.glob("named-*.memo"))) == ENTRY_FILES
    path = demo.root / data.sources["contact", contact.id]
    path.write_text(path.read_text("utf-8").replace(f"[{old}]", f"[{new}]"), "utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    data = demo.load()
    assert contact.id in [c.id for c in mentioning(data.contacts, new)]
    assert contact.id not in [c.id for c in mentioning(data.contacts, old)]


def test_referral_counts_follow_a_changed_contact(demo: Store) -> None:
    """An institution's referral counts are kept beside the index; a contact whose
    referral is settled changes them on the next command."""
    data = demo.load()
    before = institutions.referral_counts(demo.load())
    contact = next(
        c for c in data.contacts.values() if any(r.outcome == "pending" for r in c.referrals)
    )
    target = next(r.institution for r in contact.referrals if r.outcome == "pending")
    path = demo.root / data.sources["contact", contact.id]
    text = path.read_text("utf-8")
    path.write_text(text.replace("outcome: pending", "outcome: taken_up", 1), "utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    after = institutions.referral_counts(demo.load())
    assert after[target] == (before[target][0], before[target][1] - 1)
    assert after == institutions.referral_counts(demo.load(use_cache=False))


@pytest.mark.parametrize("content", [b"garbage", marshal.dumps((b"stamp", {})), None])
def test_the_records_naming_an_organisation_survive_a_damaged_memo(
    demo: Store, content: bytes | None
) -> None:
    """The records naming each organisation are kept in several files by organisation;
    one damaged, foreign or missing file is made again, never taken for data."""
    plain = demo.load(use_cache=False)
    expected = {
        org: sorted(c.id for c in plain.contacts.values() if org in c.organisations)
        for org in plain.organisations
    }
    demo.load()
    folder = demo.root / ".mokoord" / "index" / "contact"
    for part in folder.glob("named-*.memo"):
        if content is None:
            part.unlink()
        else:
            part.write_bytes(content)
    for _ in range(2):
        data = demo.load()
        found = {
            org: sorted(c.id for c in mentioning(data.contacts, org) if org in c.organisations)
            for org in expected
        }
        assert found == expected


def test_a_period_decodes_only_the_contacts_of_its_shards(both: tuple[Dataset, Dataset]) -> None:
    indexed, plain = both
    for start, end in ((dt.date(2023, 1, 1), dt.date(2023, 12, 31)), (TODAY, TODAY)):
        expected = [fact for fact in plain.contact_facts() if start <= fact.date <= end]
        assert indexed.contact_facts_between(start, end) == expected
        assert plain.contact_facts_between(start, end) == expected
    assert built(indexed, "contact") == 0


def test_the_agenda_and_pending_referrals_from_what_is_kept_beside_the_index(
    demo: Store, both: tuple[Dataset, Dataset]
) -> None:
    indexed, plain = both
    for today in (TODAY, dt.date(2027, 1, 5)):  # contacts after the day, and none after it
        for data in (indexed, demo.load()):  # kept values made, then read back
            for days in (0, 7, 60):
                assert agenda.agenda_json(
                    agenda.build_agenda(data, today=today, days=days), data
                ) == agenda.agenda_json(agenda.build_agenda(plain, today=today, days=days), plain)
        pending = referrals.referral_rows(data, pending=True)
        assert [referrals.referral_json(row, data, TODAY) for row in pending] == [
            referrals.referral_json(row, plain, TODAY)
            for row in referrals.referral_rows(plain, pending=True)
        ]
    folder = demo.root / ".mokoord" / "index" / "contact"
    assert (folder / "open-ends.memo").is_file()
    assert (folder / "latest-held.memo").is_file()


def test_events_and_cooperations_name_their_organisations_without_building_them(
    both: tuple[Dataset, Dataset],
) -> None:
    from mokoord.activities import event_row
    from mokoord.contacts import organisation_names
    from mokoord.cooperation import cooperation_row

    indexed, plain = both
    events = sorted(indexed.events)
    assert any(indexed.events[key].attendance for key in events)
    assert [event_row(indexed, indexed.events[key], TODAY) for key in events] == [
        event_row(plain, plain.events[key], TODAY) for key in events
    ]
    coops = sorted(indexed.cooperations)
    assert coops
    assert [cooperation_row(indexed, indexed.cooperations[key], 2023) for key in coops] == [
        cooperation_row(plain, plain.cooperations[key], 2023) for key in coops
    ]
    named = [*sorted(indexed.organisations)[:3], "no-such-organisation"]
    assert organisation_names(indexed, named) == organisation_names(plain, named)
    assert organisation_names(indexed, named)[-1] == "no-such-organisation"
    assert built(indexed, "organisation") == 0


def test_events_of_a_year_are_those_dated_in_it_building_only_them(
    both: tuple[Dataset, Dataset], demo: Store
) -> None:
    from mokoord.activities import event_rows, filter_events

    indexed, plain = both
    years = sorted({event.date.year for event in plain.events.values()})
    assert len(years) > 1
    for year in [years[0] - 1, *years]:
        found = filter_events(indexed, year=year)
        assert found == filter_events(plain, year=year)
        assert event_rows(indexed, found, TODAY) == event_rows(plain, found, TODAY)
    assert built(indexed, "organisation") == 0
    fresh = demo.load()
    found = filter_events(fresh, year=years[0])
    assert 0 < len(found) < len(plain.events)
    assert built(fresh, "event") == len(found)


def test_search_finds_what_a_record_says_now_not_what_was_kept(demo: Store) -> None:
    first = demo.load()
    key = sorted(first.organisations)[0]
    assert register.search(first, "zwiebelkuchenfest") == []  # the folded words kept
    path = demo.root / "organisations" / f"{key}.yaml"
    path.write_text(
        path.read_text("utf-8") + "notes: Organisiert das Zwiebelkuchenfest.\n", "utf-8"
    )
    past = time.time() - 60  # not too fresh to trust: the kept words are looked at again
    os.utime(path, (past, past))
    hits = register.search(demo.load(), "zwiebelkuchenfest")
    assert [(hit.org.id, hit.matched) for hit in hits] == [(key, ["notes"])]
