"""What the report takes from each kind of record for one period, made once.

A report sums up a period's contacts (counts by channel, topic and month, the
organisations reached, referrals by institution and outcome), lists its
trainings and exchange formats, and counts its new cooperations and its
funding applications. :func:`period_slices` gathers all of that for one
period in one pass per kind, so the figures, the completeness section and the
list of events all work from the same :class:`PeriodSlices`.

**Kept beside the index.** Through the index, each kind's share is made per
shard and kept in ``<kind>/report-<from>-<to>.memo``
(:meth:`mokoord.records.Records.memo_by_shard`): a warm report reads back
one small file per kind instead of decoding two years of contacts and
building their events, cooperations and applications, and after an edit only
the shards that changed are looked at again. The contacts' share also depends
on which organisations were declined at the period's end (their contacts do not
count), so that set is part of what the kept values are stamped with; so is the
source of this module. Whether an event was held by ``today`` is decided after
reading back (the events are kept with their dates). A store read without the
index, or a kept value that does not have the expected shape, gives the same
slices from the records themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from mokoord.dataset import Dataset
from mokoord.facts import ContactFact, contact_facts
from mokoord.models import Application, Cooperation, Event
from mokoord.records import Records, RowPart
from mokoord.report.period import Period

TRAINING_KIND = "training"
EXCHANGE_KIND = "exchange"
LISTED_KINDS = (TRAINING_KIND, EXCHANGE_KIND)
"""The kinds of event the report counts and lists."""

OUTCOMES = ("taken_up", "not_taken_up", "pending")


@dataclass
class ContactTally:
    """The period's contacts that count (held, with an organisation not declined)."""

    total: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    """Each contact counts once per topic it names."""
    months: Counter[str] = field(default_factory=Counter)
    reached: set[str] = field(default_factory=set)
    """The organisations not declined that a counted contact names."""
    referrals: dict[str, list[int]] = field(default_factory=dict)
    """Institution → [referrals, taken up, not taken up, pending]."""
    without_topic: int = 0

    def add(self, facts: Iterable[ContactFact], declined: set[str]) -> None:
        for fact in facts:
            if not counts(fact.organisations, fact.planned, declined):
                continue
            self.total += 1
            self.channels[fact.channel] += 1
            if fact.topics:
                self.topics.update(set(fact.topics))
            else:
                self.without_topic += 1
            self.months[f"{fact.date.year:04d}-{fact.date.month:02d}"] += 1
            self.reached.update(org for org in fact.organisations if org not in declined)
            for referral in fact.referrals:
                entry = self.referrals.setdefault(referral.institution, [0, 0, 0, 0])
                entry[0] += 1
                entry[1 + OUTCOMES.index(referral.outcome)] += 1

    def plain(self) -> tuple[Any, ...]:
        return (
            self.total,
            dict(self.channels),
            dict(self.topics),
            dict(self.months),
            sorted(self.reached),
            {key: tuple(value) for key, value in self.referrals.items()},
            self.without_topic,
        )

    def merge(self, kept: tuple[Any, ...]) -> None:
        total, channels, topics, months, reached, referrals, without_topic = kept
        self.total += int(total)
        self.channels.update(_counts_of(channels))
        self.topics.update(_counts_of(topics))
        self.months.update(_counts_of(months))
        self.reached.update(str(org) for org in reached)
        for institution, numbers in dict(referrals).items():
            entry = self.referrals.setdefault(str(institution), [0, 0, 0, 0])
            for place, number in enumerate(numbers):
                entry[place] += int(number)
        self.without_topic += int(without_topic)


def counts(organisations: Iterable[str], planned: bool, declined: set[str]) -> bool:
    """A contact counts when it was held (not planned) with an organisation not declined."""
    if planned:
        return False
    return declined.isdisjoint(organisations) or any(org not in declined for org in organisations)


class EventItem(NamedTuple):
    """What the report needs of a training or exchange format of the period."""

    id: str
    date: dt.date
    kind: str
    title: str
    notes: str | None
    head_count: int
    without_head_count: bool
    """No total given and no attending organisation with a number of people."""
    attended: tuple[str, ...]
    """The organisations that took part."""

    @classmethod
    def of(cls, event: Event) -> EventItem:
        attended = event.attended
        return cls(
            event.id,
            event.date,
            event.kind,
            event.title,
            event.notes,
            event.head_count,
            event.participants is None and not any(a.people for a in attended),
            tuple(a.organisation for a in attended),
        )

    def plain(self) -> tuple[Any, ...]:
        return (*self[:1], self.date.isoformat(), *self[2:])

    @classmethod
    def from_plain(cls, kept: tuple[Any, ...]) -> EventItem:
        key, day, kind, title, notes, head_count, without, attended = kept
        return cls(
            str(key),
            dt.date.fromisoformat(day),
            str(kind),
            str(title),
            None if notes is None else str(notes),
            int(head_count),
            bool(without),
            tuple(map(str, attended)),
        )


class ApplicationItem(NamedTuple):
    """What the report needs of a funding application touching the period."""

    organisation: str
    submitted: dt.date | None
    decided: dt.date | None
    dated: dt.date
    """Submitted, else the deadline, else 1 January of its year."""
    status: str
    supported: bool
    requested: Decimal
    granted: Decimal | None

    @classmethod
    def of(cls, app: Application) -> ApplicationItem:
        dated = app.submitted or app.deadline or dt.date(app.year, 1, 1)
        return cls(
            app.organisation,
            app.submitted,
            app.decided,
            dated,
            app.status,
            app.supported,
            app.requested,
            app.granted,
        )

    def touches(self, period: Period) -> bool:
        return any(day in period for day in (self.submitted, self.decided, self.dated))

    def plain(self) -> tuple[Any, ...]:
        return (
            self.organisation,
            _iso(self.submitted),
            _iso(self.decided),
            self.dated.isoformat(),
            self.status,
            self.supported,
            str(self.requested),
            None if self.granted is None else str(self.granted),
        )

    @classmethod
    def from_plain(cls, kept: tuple[Any, ...]) -> ApplicationItem:
        org, submitted, decided, dated, status, supported, requested, granted = kept
        return cls(
            str(org),
            _date(submitted),
            _date(decided),
            dt.date.fromisoformat(dated),
            str(status),
            bool(supported),
            Decimal(requested),
            None if granted is None else Decimal(granted),
        )


@dataclass
class PeriodSlices:
    """Everything the report takes from the records of one period."""

    period: Period
    contacts: ContactTally
    events: list[EventItem]
    """The period's trainings and exchange formats (held or not), by date and id."""
    cooperations: list[str]
    """The organisation of each cooperation that began in the period."""
    applications: list[ApplicationItem]
    """The applications submitted, decided or dated in the period."""

    def held_events(self, today: dt.date | None) -> list[EventItem]:
        """The events that have taken place by ``today`` (all of them without one)."""
        return [e for e in self.events if today is None or e.date <= today]


def period_slices(data: Dataset, period: Period, declined: set[str]) -> PeriodSlices:
    """The period's slices of every kind, kept beside the index where there is one."""
    kept = _kept_slices(data, period, declined)
    if kept is not None:
        return kept
    tally = ContactTally()
    tally.add(data.contact_facts_between(period.start, period.end), declined)
    return PeriodSlices(
        period,
        tally,
        _sorted_events(
            EventItem.of(e)
            for e in data.events_between(period.start, period.end)
            if e.kind in LISTED_KINDS
        ),
        _cooperations(data.cooperations.values(), period),
        _applications(data.applications.values(), period),
    )


# --------------------------------------------------------------------------- one kind's share


def _sorted_events(events: Iterable[EventItem]) -> list[EventItem]:
    return sorted(events, key=lambda e: (e.date, e.id))


def _cooperations(coops: Iterable[Cooperation], period: Period) -> list[str]:
    return [c.organisation for c in coops if c.since in period]


def _applications(apps: Iterable[Application], period: Period) -> list[ApplicationItem]:
    items = (ApplicationItem.of(app) for app in apps)
    return [item for item in items if item.touches(period)]


def _in_period(part: RowPart, period: Period) -> dict[str, str]:
    low, high = period.start.isoformat(), period.end.isoformat()
    return {key: when for key, when in part.dates().items() if low <= when <= high}


_SOURCE: bytes | None = None


def _stamp(period: Period, declined: set[str] | None = None) -> bytes:
    """What kept slices are valid for: this module's source, the period and the
    organisations declined at its end (for the contacts)."""
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = Path(__file__).read_bytes()
    digest = hashlib.sha1(_SOURCE)
    digest.update(f"{period.start}:{period.end}".encode())
    if declined is not None:
        digest.update("\n".join(sorted(declined)).encode())
    return digest.digest()


def _kept_slices(data: Dataset, period: Period, declined: set[str]) -> PeriodSlices | None:
    """The slices from values kept per shard; ``None`` without an index (or with a
    kept value of another shape: then they are made from the records)."""
    contacts, events = _indexed(data.contacts), _indexed(data.events)
    coops, apps = _indexed(data.cooperations), _indexed(data.applications)
    if contacts is None or events is None or coops is None or apps is None:
        return None
    name = f"report-{period.start.isoformat()}-{period.end.isoformat()}"

    def contact_share(part: RowPart) -> Any:
        dates = _in_period(part, period)
        if not dates:
            return None
        rows = part.columns()
        tally = ContactTally()
        tally.add(contact_facts({key: rows[key] for key in dates}, dates), declined)
        return tally.plain()

    def event_share(part: RowPart) -> Any:
        dates = _in_period(part, period)
        found = events.select(list(dates)) if dates else []
        return [EventItem.of(e).plain() for e in found if e.kind in LISTED_KINDS]

    def coop_share(part: RowPart) -> Any:
        return _cooperations(coops.select(list(part.columns())), period)

    def app_share(part: RowPart) -> Any:
        return [item.plain() for item in _applications(apps.select(list(part.columns())), period)]

    try:
        tally = ContactTally()
        for share in contacts.memo_by_shard(name, _stamp(period, declined), contact_share):
            if share is not None:
                tally.merge(share)
        stamp = _stamp(period)
        listed = _sorted_events(
            EventItem.from_plain(item)
            for share in events.memo_by_shard(name, stamp, event_share)
            for item in share
        )
        began = [
            str(org) for share in coops.memo_by_shard(name, stamp, coop_share) for org in share
        ]
        touching = [
            ApplicationItem.from_plain(item)
            for share in apps.memo_by_shard(name, stamp, app_share)
            for item in share
        ]
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None  # a kept value of another shape
    return PeriodSlices(period, tally, listed, began, touching)


def _indexed(records: Mapping[str, Any]) -> Records[Any] | None:
    return records if isinstance(records, Records) and records.has_rows else None


def _counts_of(kept: Mapping[str, int]) -> dict[str, int]:
    return {str(key): int(number) for key, number in dict(kept).items()}


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)
