"""The evaluation's indicators (§3.3): pure functions over a loaded :class:`Dataset`.

Nothing here reads files, prints or knows about languages. :func:`build_report`
computes every figure for a period and for the previous period of equal
length; :meth:`Report.as_json` gives the stable JSON documented in
``docs/report.md``, which also states each definition in plain words.

Rules shared by every figure:

* A period is inclusive on both ends (``start <= date <= end``).
* The registry is taken *as of the period end*: an organisation belongs to it
  when ``known_since`` is empty or not after the end, and its status is the
  one valid on the end date (from ``status`` / ``status_since`` and
  ``status_history``) — ``contacted`` where that is ``known`` but the contact
  log holds a held contact with it by the end date (:mod:`mokoord.pipeline`).
* Organisations whose status at the period end is ``declined`` (§2.4) appear
  only in ``registry.total`` and ``registry.by_status``. Every other figure
  leaves them out: a contact whose organisations are all declined is not
  counted (nor its referrals), and neither are their events' attendance,
  cooperations, offered formats, needs or funding applications.
* Planned contacts (``planned: true``) are arrangements, not contacts held,
  and are never counted; nor are events after ``today`` (``activities.is_held``)
  and expected participation (attendance ``planned: true``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from mokoord import __version__
from mokoord.dataset import Dataset
from mokoord.dates import add_months
from mokoord.errors import Problem
from mokoord.facts import NeedFact, OrganisationFact
from mokoord.models import Config
from mokoord.models.organisation import STATUSES
from mokoord.pipeline import effective_status, first_contacts
from mokoord.report.period import Period as Period  # re-exported: the report's API
from mokoord.report.period import year_period as year_period
from mokoord.report.slices import EXCHANGE_KIND, TRAINING_KIND, PeriodSlices, period_slices

REPORT_KINDS = ("organisation", "contact", "event", "cooperation", "institution", "application")
"""The kinds of record the report reads (persons, networks and programmes it does not need)."""

GRANTED_STATUSES = frozenset({"granted", "proof_filed"})

# --------------------------------------------------------------------------- the figures


@dataclass
class ContactFigures:
    total: int
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    by_month: dict[str, int]
    organisations_reached: int
    first_contacts: int


@dataclass
class NeedFigures:
    total: int
    by_category: dict[str, int]


@dataclass
class RegistryFigures:
    total: int
    by_status: dict[str, int]
    by_field: dict[str, int]
    by_district: dict[str, int]
    new: int
    stale: int
    open_needs: NeedFigures


@dataclass
class TrainingFigures:
    held: int
    participants: int
    organisations: int


@dataclass
class ExchangeFigures:
    held: int
    participants: int


@dataclass
class CooperationFigures:
    new: int


@dataclass
class OfferedFormatFigures:
    organisations: int
    by_format: dict[str, int]


@dataclass
class InstitutionReferrals:
    total: int
    taken_up: int
    not_taken_up: int
    pending: int


@dataclass
class ReferralFigures:
    total: int
    by_institution: dict[str, InstitutionReferrals]
    taken_up: int
    not_taken_up: int
    pending: int
    rate: float | None


@dataclass
class FundingFigures:
    supported: int
    submitted: int
    granted: int
    requested_amount: Decimal
    granted_amount: Decimal


@dataclass
class Figures:
    """Every indicator for one period."""

    period: Period
    contacts: ContactFigures
    registry: RegistryFigures
    trainings: TrainingFigures
    exchange_formats: ExchangeFigures
    cooperations: CooperationFigures
    offered_formats: OfferedFormatFigures
    referrals: ReferralFigures
    funding: FundingFigures


REPORT_FORMAT_VERSION = 1
"""Version of the JSON report's layout (``meta.format_version``): raised when a key
changes meaning or disappears, not when keys are added. The layout is described by
``mokoord/schemas/report.schema.json``."""

SECTIONS: tuple[str, ...] = (
    "contacts",
    "registry",
    "trainings",
    "exchange_formats",
    "cooperations",
    "offered_formats",
    "referrals",
    "funding",
)
"""The sections of the JSON (after ``period``), in order."""


@dataclass
class Completeness:
    """How complete the data behind the report is (at the period end)."""

    organisations: int
    stale: int
    never_verified: int
    verified_in_period: int  # last_verified in the period (``mokoord verified``)
    without_district: int
    without_field: int
    contacts: int
    contacts_without_topic: int
    events_without_head_count: int
    invalid_files: int


@dataclass
class NamedItem:
    """An organisation or event listed by name in the report."""

    id: str
    name: str
    date: dt.date | None = None
    kind: str | None = None
    notes: str | None = None


@dataclass
class Report:
    """The report model: figures for the period and the previous one, plus context."""

    city: str
    office: str
    generated: dt.date
    stale_after_months: int
    current: Figures
    previous: Figures
    completeness: Completeness
    config: Config
    institution_names: dict[str, str] = field(default_factory=dict)
    new_organisations: list[NamedItem] = field(default_factory=list)
    events: list[NamedItem] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)
    """The files that could not be read and are missing from every figure: the first
    error of each (``completeness.invalid_files`` counts them)."""

    def as_json(self) -> dict[str, Any]:
        """The stable JSON: each section's keys plus ``previous`` with the same keys."""
        period = self.current.period.as_json()
        out: dict[str, Any] = {
            "period": {**period, "previous": self.previous.period.as_json()},
        }
        for name in SECTIONS:
            now = _jsonable(asdict(getattr(self.current, name)))
            before = _jsonable(asdict(getattr(self.previous, name)))
            out[name] = {**now, "previous": before}
        out["completeness"] = asdict(self.completeness)
        out["meta"] = {
            "city": self.city,
            "office": self.office,
            "generated": self.generated.isoformat(),
            "stale_after_months": self.stale_after_months,
            "format_version": REPORT_FORMAT_VERSION,
            "mokoord_version": __version__,
        }
        out["left_out"] = [problem.as_dict() for problem in self.left_out]
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


# --------------------------------------------------------------------------- registry as of a date


def status_at(org: OrganisationFact, day: dt.date) -> str | None:
    """The organisation's status on ``day``; ``None`` when it was not yet in the registry.

    ``status_history`` holds earlier statuses (each valid from its ``since``);
    the current ``status`` is valid from ``status_since`` (or, when that is
    empty, from the last history entry on). Before the first dated status an
    organisation already in the registry counts as ``known``.
    """
    if org.known_since is not None and org.known_since > day:
        return None
    timeline = sorted(org.status_history, key=lambda item: item[0])
    current_since = org.status_since or (timeline[-1][0] if timeline else dt.date.min)
    timeline.append((current_since, org.status))
    valid = [status for since, status in timeline if since <= day]
    return valid[-1] if valid else "known"


def registry_at(
    data: Dataset, day: dt.date, first_seen: dict[str, dt.date] | None = None
) -> dict[str, str]:
    """Organisation id → status on ``day``, for every organisation in the registry then.

    The status is the effective one (:mod:`mokoord.pipeline`): an organisation
    whose file says ``known`` on ``day`` but that had a held contact by then
    counts as ``contacted``. ``first_seen`` is :func:`first_contact_dates`,
    when already known.
    """
    if first_seen is None:
        first_seen = first_contact_dates(data)
    out: dict[str, str] = {}
    orgs = data.organisation_facts()
    for org_id in sorted(orgs):
        status = status_at(orgs[org_id], day)
        if status is not None:
            out[org_id] = effective_status(status, first_seen.get(org_id), day)
    return out


def stale_count(orgs: Iterable[OrganisationFact], day: dt.date, months: int) -> int:
    """Organisations not verified in the ``months`` before ``day`` (never verified is stale)."""
    cutoff = add_months(day, -months)
    return sum(1 for org in orgs if org.last_verified is None or org.last_verified < cutoff)


def _need_open_at(need: NeedFact, day: dt.date) -> bool:
    if need.since is not None and need.since > day:
        return False
    if need.is_open:
        return True
    return need.closed is not None and need.closed > day


# --------------------------------------------------------------------------- helpers


def _keyed(terms: Iterable[str], counts: Counter[str]) -> dict[str, int]:
    """Counts for every vocabulary term (zeros kept), then unknown terms in order."""
    out = {term: counts.get(term, 0) for term in terms}
    for term in sorted(counts):
        if term not in out:
            out[term] = counts[term]
    return out


def first_contact_dates(data: Dataset) -> dict[str, dt.date]:
    """Each organisation's earliest held (not planned) contact.

    Whether other organisations of a contact were declined does not matter
    here: a contact counts for every organisation in it that is not declined,
    and declined organisations are left out of the first contacts anyway.
    """
    return first_contacts(data)


# --------------------------------------------------------------------------- one period


def _declined(registry: dict[str, str]) -> set[str]:
    return {org_id for org_id, status in registry.items() if status == "declined"}


def compute_figures(
    data: Dataset,
    period: Period,
    first_seen: dict[str, dt.date] | None = None,
    registry: dict[str, str] | None = None,
    today: dt.date | None = None,
    slices: PeriodSlices | None = None,
) -> Figures:
    """Every indicator for one period (see the module docstring for the shared rules).

    ``first_seen`` is :func:`first_contact_dates` of ``data``, ``registry`` is
    :func:`registry_at` the period's end and ``slices`` :func:`period_slices`
    of the period, when already known.
    """
    vocab = data.config.vocabularies
    settings = data.config.settings
    if first_seen is None:
        first_seen = first_contact_dates(data)
    if registry is None:
        registry = registry_at(data, period.end, first_seen)
    orgs = data.organisation_facts()
    declined = _declined(registry)
    active = [orgs[org_id] for org_id in registry if org_id not in declined]
    if slices is None:
        slices = period_slices(data, period, declined)

    # contacts
    tally = slices.contacts
    first = {org for org, day in first_seen.items() if day in period and org not in declined}
    contacts = ContactFigures(
        total=tally.total,
        by_channel=_keyed(vocab.channels, tally.channels),
        by_topic=_keyed(vocab.topics, tally.topics),
        by_month={month: tally.months.get(month, 0) for month in period.months()},
        organisations_reached=len(tally.reached),
        first_contacts=len(first),
    )

    # registry at the period end
    open_needs: Counter[str] = Counter(
        need.category for org in active for need in org.needs if _need_open_at(need, period.end)
    )
    registry_figures = RegistryFigures(
        total=len(registry),
        by_status=_keyed(STATUSES, Counter(registry.values())),
        by_field=_keyed(vocab.fields, Counter(f for org in active for f in set(org.fields))),
        by_district=_keyed(
            vocab.districts, Counter(org.district for org in active if org.district)
        ),
        new=sum(1 for org in active if org.known_since in period),
        stale=stale_count(active, period.end, settings.stale_after_months),
        open_needs=NeedFigures(
            total=sum(open_needs.values()),
            by_category=_keyed(vocab.need_categories, open_needs),
        ),
    )

    # events held
    events = slices.held_events(today)
    trainings = [e for e in events if e.kind == TRAINING_KIND]
    exchanges = [e for e in events if e.kind == EXCHANGE_KIND]
    training_orgs = {org for e in trainings for org in e.attended if org not in declined}

    # offered formats (current records of the registry at the period end)
    offered: Counter[str] = Counter(f for org in active for f in set(org.offered_formats))

    # referrals made in contacts of the period; outcome as recorded now
    by_institution: dict[str, InstitutionReferrals] = {
        inst: InstitutionReferrals(0, 0, 0, 0) for inst in sorted(data.institutions)
    }
    for inst, (total, taken_up, not_taken_up, pending) in tally.referrals.items():
        entry = by_institution.setdefault(inst, InstitutionReferrals(0, 0, 0, 0))
        entry.total += total
        entry.taken_up += taken_up
        entry.not_taken_up += not_taken_up
        entry.pending += pending
    outcomes = [sum(numbers[place] for numbers in tally.referrals.values()) for place in range(4)]
    closed = outcomes[1] + outcomes[2]
    referral_figures = ReferralFigures(
        total=outcomes[0],
        by_institution=dict(sorted(by_institution.items())),
        taken_up=outcomes[1],
        not_taken_up=outcomes[2],
        pending=outcomes[3],
        rate=outcomes[1] / closed if closed else None,
    )

    # funding applications
    apps = [a for a in slices.applications if a.organisation not in declined]
    submitted = [a for a in apps if a.submitted is not None and a.submitted in period]
    granted = [
        a for a in apps if a.status in GRANTED_STATUSES and (a.decided or a.submitted) in period
    ]
    funding = FundingFigures(
        supported=sum(1 for a in apps if a.supported and a.dated in period),
        submitted=len(submitted),
        granted=len(granted),
        requested_amount=sum((a.requested for a in submitted), Decimal(0)),
        granted_amount=sum((a.granted or Decimal(0) for a in granted), Decimal(0)),
    )

    return Figures(
        period=period,
        contacts=contacts,
        registry=registry_figures,
        trainings=TrainingFigures(
            held=len(trainings),
            participants=sum(e.head_count for e in trainings),
            organisations=len(training_orgs),
        ),
        exchange_formats=ExchangeFigures(
            held=len(exchanges), participants=sum(e.head_count for e in exchanges)
        ),
        cooperations=CooperationFigures(
            new=sum(1 for org in slices.cooperations if org not in declined)
        ),
        offered_formats=OfferedFormatFigures(
            organisations=sum(1 for org in active if org.offered_formats),
            by_format=_keyed(vocab.offered_formats, offered),
        ),
        referrals=referral_figures,
        funding=funding,
    )


def completeness(
    data: Dataset,
    period: Period,
    registry: dict[str, str] | None = None,
    today: dt.date | None = None,
    slices: PeriodSlices | None = None,
) -> Completeness:
    """How complete the data is: records to verify, contacts without topic, and so on."""
    if registry is None:
        registry = registry_at(data, period.end)
    orgs = data.organisation_facts()
    active = [orgs[i] for i, status in registry.items() if status != "declined"]
    months = data.config.settings.stale_after_months
    if slices is None:
        slices = period_slices(data, period, _declined(registry))
    return Completeness(
        organisations=len(active),
        stale=stale_count(active, period.end, months),
        never_verified=sum(1 for org in active if org.last_verified is None),
        verified_in_period=sum(1 for org in active if org.last_verified in period),
        without_district=sum(1 for org in active if not org.district),
        without_field=sum(1 for org in active if not org.fields),
        contacts=slices.contacts.total,
        contacts_without_topic=slices.contacts.without_topic,
        events_without_head_count=sum(1 for e in slices.held_events(today) if e.without_head_count),
        invalid_files=len({p.path for p in data.problems if p.severity == "error"}),
    )


def build_report(
    data: Dataset, period: Period, *, today: dt.date, anonymous: bool = False
) -> Report:
    """The whole report model for ``period`` next to the previous period of equal length.

    ``anonymous`` leaves out the free text (the notes of the events listed)."""
    first_seen = first_contact_dates(data)
    registry = registry_at(data, period.end, first_seen)
    declined = _declined(registry)
    slices = period_slices(data, period, declined)
    current = compute_figures(data, period, first_seen, registry, today, slices)
    previous = compute_figures(data, period.previous(), first_seen, today=today)
    orgs = data.organisation_facts()
    new_orgs = sorted(
        (orgs[i] for i in registry if i not in declined and orgs[i].known_since in period),
        key=lambda org: (org.known_since or dt.date.min, org.name.casefold()),
    )
    listed = slices.held_events(today)
    return Report(
        city=data.config.city,
        office=data.config.office,
        generated=today,
        stale_after_months=data.config.settings.stale_after_months,
        current=current,
        previous=previous,
        completeness=completeness(data, period, registry, today, slices),
        config=data.config,
        institution_names={i: inst.name for i, inst in sorted(data.institutions.items())},
        new_organisations=[NamedItem(org.id, org.name, org.known_since) for org in new_orgs],
        events=[
            NamedItem(e.id, e.title, e.date, e.kind, None if anonymous else e.notes) for e in listed
        ],
        left_out=data.left_out(),
    )
