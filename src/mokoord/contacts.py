"""Contacts, referrals and the coordinator's agenda: pure functions over a Dataset.

Nothing here prints or prompts; the commands in ``mokoord.cli.contacts`` ask,
call these functions and show the results. Every user-caused problem is a
:class:`~mokoord.errors.MokoordError` with a message that says what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mokoord.dataset import Dataset, plain
from mokoord.errors import NotFound, UsageError
from mokoord.i18n import _
from mokoord.models import Contact, FollowUp, Institution, Organisation, Person, Referral
from mokoord.models.activity import Outcome
from mokoord.slugs import random_suffix, slugify
from mokoord.textmatch import Match, fold, pick, similar
from mokoord.validation import validate_input

# --------------------------------------------------------------------------- ids


def new_contact_id(date: dt.date, taken: Container[str] = ()) -> str:
    """A fresh contact id ``<date>-<4 random chars>`` (``2023-03-14-k7qm``).

    The random part makes ids from two clones on the same day differ, so their
    files never collide and merge without a conflict. ``taken`` answers whether
    an id is in use (a set, or ``Store.taken(kind)`` which asks the disk).
    """
    while True:
        candidate = f"{date.isoformat()}-{random_suffix(4)}"
        if candidate not in taken:
            return candidate


def institution_id(name: str) -> str:
    """The id an institution of this name gets (``Kulturamt`` → ``kulturamt``)."""
    return slugify(name) or f"institution-{random_suffix(6)}"


# --------------------------------------------------------------------------- resolving names


def _suggest(matches: Sequence[Match], names: Mapping[str, str]) -> str:
    return ", ".join(f"{m.key} ({names.get(m.key, m.text)})" for m in matches)


def organisation_candidates(data: Dataset) -> dict[str, list[str]]:
    """Organisation id → name and aliases, for fuzzy search."""
    from mokoord.register import names_of

    return names_of(data)


def institution_candidates(data: Dataset) -> dict[str, list[str]]:
    """Institution id → name (and department), for fuzzy search."""
    result: dict[str, list[str]] = {}
    for inst in data.institutions.values():
        names = [inst.name]
        if inst.department:
            names.append(f"{inst.name} {inst.department}")
        result[inst.id] = names
    return result


def search_organisations(data: Dataset, query: str, *, limit: int = 8) -> list[Match]:
    """Organisations whose name, alias or id fits what was typed, best first."""
    return pick(query, organisation_candidates(data), limit=limit)


def search_institutions(data: Dataset, query: str, *, limit: int = 8) -> list[Match]:
    """Institutions whose name or id fits what was typed, best first."""
    return pick(query, institution_candidates(data), limit=limit)


def _closest(query: str, candidates: Mapping[str, list[str]]) -> list[Match]:
    found = pick(query, candidates, limit=3, cutoff=40.0)
    if not found:
        found = similar(query, candidates, limit=3, cutoff=50.0)
    return found


def _exact_name(query: str, candidates: Mapping[str, list[str]]) -> str | None:
    wanted = fold(query).strip()
    hits = [key for key, names in candidates.items() if any(fold(n) == wanted for n in names)]
    return hits[0] if len(hits) == 1 else None


def resolve_organisation(data: Dataset, value: str) -> Organisation:
    """An organisation by id (or by its exact name); else an error naming the closest ones."""
    return _resolve(
        data,
        data.organisations,
        lambda: organisation_candidates(data),
        value,
        what="organisation",
        flag="--org",
        otherwise="find it with `mokoord search`, or register it first with `mokoord add-org`",
    )


def resolve_institution(data: Dataset, value: str) -> Institution:
    """An institution by id (or exact name); else an error naming the closest ones."""
    return _resolve(
        data,
        data.institutions,
        lambda: institution_candidates(data),
        value,
        what="institution",
        flag="--refer-to",
        otherwise="list them with `mokoord institutions`, or add it with `mokoord add-institution`",
    )


R = TypeVar("R", Organisation, Institution)


def _resolve(
    data: Dataset,
    records: Mapping[str, R],
    candidates_of: Callable[[], Mapping[str, list[str]]],
    value: str,
    *,
    what: str,
    flag: str,
    otherwise: str,
) -> R:
    value = value.strip()
    if value in records:
        return records[value]
    broken = data.unreadable(what, value)  # the id names a file that cannot be read
    if broken is not None:
        raise broken
    candidates = candidates_of()  # names of all records: only when the id is unknown
    exact = _exact_name(value, candidates)
    if exact is not None:
        return records[exact]
    closest = _closest(value, candidates)
    if closest:
        names = {record.id: record.name for record in records.values()}
        raise NotFound(
            f"no {what} '{value}'; closest: {_suggest(closest, names)}",
            hint=f"pass the id shown before the name, e.g. {flag} {closest[0].key}",
        )
    raise NotFound(f"no {what} '{value}' in the register", hint=otherwise)


def persons_of(data: Dataset, organisation_ids: Iterable[str]) -> list[Person]:
    """The contact persons of these organisations who may be offered for a contact
    (not erased, consent not withdrawn), by name."""
    wanted = set(organisation_ids)
    return sorted(
        (p for p in data.persons.values() if p.organisation in wanted and p.offered),
        key=lambda p: (fold(p.display_name), p.id),
    )


def resolve_person(data: Dataset, value: str, organisation_ids: Sequence[str]) -> Person:
    """A person by id, or by name among the persons of the given organisations.

    A person who withdrew their consent, or was erased, is refused: the office
    may no longer record contacts with them (docs/privacy.md).
    """
    value = value.strip()
    if value in data.persons:
        person = data.persons[value]
        if not person.offered:
            raise UsageError(_not_offered(person), hint=_("leave out --person"))
        return person
    people = persons_of(data, organisation_ids)
    wanted = fold(value)
    exact = [p for p in people if fold(p.display_name) == wanted]
    if len(exact) == 1:
        return exact[0]
    candidates = {p.id: [p.display_name] for p in people}
    found = [m for m in pick(value, candidates, limit=5) if m.score >= 90.0]
    if len(exact) > 1 or len(found) > 1:
        options = exact or [data.persons[m.key] for m in found]
        raise UsageError(
            f"--person '{value}' fits several persons: "
            + ", ".join(f"{p.id} ({p.display_name})" for p in options),
            hint="pass the person's id",
        )
    if len(found) == 1:
        return data.persons[found[0].key]
    orgs = ", ".join(organisation_ids)
    if people:
        listed = ", ".join(f"{p.id} ({p.display_name})" for p in people)
        raise NotFound(f"no person '{value}' at {orgs}; known there: {listed}")
    raise NotFound(
        f"no person '{value}' at {orgs}, which has no contact persons recorded",
        hint="leave out --person, or record the person first",
    )


def _not_offered(person: Person) -> str:
    if person.erased is not None:
        return _("person {id} was erased on {date}").format(
            id=person.id, date=person.erased.isoformat()
        )
    withdrawn = person.consent.withdrawn if person.consent else None
    return _(
        "person {id} withdrew their consent on {date}; they are no longer offered for contacts"
    ).format(id=person.id, date=withdrawn.isoformat() if withdrawn else "?")


# --------------------------------------------------------------------------- vocabularies


# --------------------------------------------------------------------------- building a contact


@dataclass(frozen=True)
class ReferralRequest:
    """A referral asked for on the command line: institution and optional reason."""

    institution: str
    reason: str | None = None


def pair_referrals(targets: Sequence[str], reasons: Sequence[str]) -> list[ReferralRequest]:
    """Pair ``--refer-to`` and ``--refer-reason`` in the order given.

    The n-th reason belongs to the n-th institution; an empty reason (``''``)
    leaves one without a reason. More reasons than institutions is an error.
    """
    if len(reasons) > len(targets):
        raise UsageError(
            f"{len(reasons)} --refer-reason for {len(targets)} --refer-to",
            hint="each --refer-reason belongs to the --refer-to in the same position",
        )
    return [
        ReferralRequest(target, (reasons[i].strip() or None) if i < len(reasons) else None)
        for i, target in enumerate(targets)
    ]


def check_contact_date(date: dt.date, *, planned: bool, today: dt.date) -> None:
    """A contact lies in the past (or today) unless it is a planned appointment."""
    if date > today and not planned:
        raise UsageError(
            f"the contact date {date.isoformat()} lies in the future; a contact is logged "
            "after it took place",
            hint="if it is an arranged appointment, add --planned",
        )
    if planned and date < today:
        raise UsageError(
            f"--planned marks an appointment still to come, but {date.isoformat()} has passed",
            hint="leave out --planned to log a contact that took place",
        )


def build_contact(
    *,
    contact_id: str,
    date: dt.date,
    organisations: Sequence[str],
    channel: str,
    summary: str,
    topics: Sequence[str] = (),
    persons: Sequence[str] = (),
    initiated_by: str = "office",
    coordinator: str | None = None,
    planned: bool = False,
    follow_up: dt.date | None = None,
    follow_up_action: str | None = None,
    referrals: Sequence[ReferralRequest] = (),
) -> Contact:
    """A validated contact; invalid input is a :class:`UsageError`, not a traceback."""
    if follow_up_action and follow_up is None:
        raise UsageError("--follow-up-action needs --follow-up DATE")
    if follow_up is not None and follow_up < date:
        raise UsageError(
            f"--follow-up {follow_up.isoformat()} lies before the contact ({date.isoformat()})"
        )
    raw: dict[str, Any] = {
        "id": contact_id,
        "date": date,
        "organisations": list(dict.fromkeys(organisations)),
        "persons": list(dict.fromkeys(persons)),
        "channel": channel,
        "initiated_by": initiated_by,
        "topics": list(dict.fromkeys(topics)),
        "summary": summary,
        "coordinator": coordinator or None,
        "planned": planned,
        "referrals": [{"institution": r.institution, "reason": r.reason} for r in referrals],
    }
    if follow_up is not None:
        raw["follow_up"] = {"date": follow_up, "action": follow_up_action or None}
    return validate_input(Contact, raw)


# --------------------------------------------------------------------------- listing contacts


@dataclass(frozen=True)
class ContactFilter:
    """What ``mokoord contacts`` was asked to show."""

    organisation: str | None = None
    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    channel: str | None = None
    topic: str | None = None


def filter_contacts(contacts: Iterable[Contact], where: ContactFilter) -> list[Contact]:
    """Contacts matching every given criterion, newest first (ties by id)."""
    if where.year is not None and (where.start is not None or where.end is not None):
        raise UsageError("give either --year or --from/--to, not both")
    if where.start is not None and where.end is not None and where.end < where.start:
        raise UsageError(
            f"--to {where.end.isoformat()} lies before --from {where.start.isoformat()}"
        )
    result = []
    for contact in contacts:
        if where.organisation is not None and where.organisation not in contact.organisations:
            continue
        if where.year is not None and contact.date.year != where.year:
            continue
        if where.start is not None and contact.date < where.start:
            continue
        if where.end is not None and contact.date > where.end:
            continue
        if where.channel is not None and contact.channel != where.channel:
            continue
        if where.topic is not None and where.topic not in contact.topics:
            continue
        result.append(contact)
    return sorted(result, key=lambda c: (c.date, c.id), reverse=True)


def contact_json(contact: Contact) -> dict[str, Any]:
    """The documented JSON form of a contact (stable keys, every key always present)."""
    return {
        "id": contact.id,
        "date": contact.date.isoformat(),
        "organisations": list(contact.organisations),
        "persons": list(contact.persons),
        "channel": contact.channel,
        "initiated_by": contact.initiated_by,
        "topics": list(contact.topics),
        "summary": contact.summary,
        "coordinator": contact.coordinator,
        "planned": contact.planned,
        "follow_up": None
        if contact.follow_up is None
        else {
            "date": contact.follow_up.date.isoformat(),
            "action": contact.follow_up.action,
            "done": contact.follow_up.done.isoformat() if contact.follow_up.done else None,
        },
        "referrals": [
            {
                "institution": r.institution,
                "reason": r.reason,
                "outcome": r.outcome,
                "outcome_date": r.outcome_date.isoformat() if r.outcome_date else None,
                "note": r.note,
            }
            for r in contact.referrals
        ],
    }


CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "organisations",
    "persons",
    "channel",
    "initiated_by",
    "topics",
    "summary",
    "coordinator",
    "planned",
    "follow_up_date",
    "follow_up_action",
    "follow_up_done",
    "referrals",
)


def contact_csv_row(contact: Contact) -> dict[str, str]:
    """One CSV row; lists joined by ``;``, referrals as ``institution:outcome``."""
    follow = contact.follow_up
    return {
        "id": contact.id,
        "date": contact.date.isoformat(),
        "organisations": ";".join(contact.organisations),
        "persons": ";".join(contact.persons),
        "channel": contact.channel,
        "initiated_by": contact.initiated_by,
        "topics": ";".join(contact.topics),
        "summary": contact.summary,
        "coordinator": contact.coordinator or "",
        "planned": "yes" if contact.planned else "",
        "follow_up_date": follow.date.isoformat() if follow else "",
        "follow_up_action": (follow.action or "") if follow else "",
        "follow_up_done": follow.done.isoformat() if follow and follow.done else "",
        "referrals": ";".join(f"{r.institution}:{r.outcome}" for r in contact.referrals),
    }


# --------------------------------------------------------------------------- referrals


@dataclass(frozen=True)
class ReferralRow:
    """One referral with the contact it was made in."""

    contact: Contact
    index: int
    referral: Referral

    def days_pending(self, today: dt.date) -> int | None:
        if self.referral.outcome != "pending":
            return None
        return (today - self.contact.date).days


def referral_rows(
    data: Dataset, *, pending: bool = False, institution: str | None = None
) -> list[ReferralRow]:
    """Every referral (only pending ones, only to one institution), newest first."""
    rows = [
        ReferralRow(contact, i, referral)
        for contact in data.contacts.values()
        for i, referral in enumerate(contact.referrals)
        if (not pending or referral.outcome == "pending")
        and (institution is None or referral.institution == institution)
    ]
    return sorted(rows, key=lambda r: (r.contact.date, r.contact.id, r.index), reverse=True)


def referral_json(row: ReferralRow, data: Dataset, today: dt.date) -> dict[str, Any]:
    """The documented JSON form of one referral."""
    inst = data.institutions.get(row.referral.institution)
    return {
        "contact": row.contact.id,
        "date": row.contact.date.isoformat(),
        "organisations": list(row.contact.organisations),
        "institution": row.referral.institution,
        "institution_name": inst.name if inst else None,
        "reason": row.referral.reason,
        "outcome": row.referral.outcome,
        "outcome_date": row.referral.outcome_date.isoformat()
        if row.referral.outcome_date
        else None,
        "note": row.referral.note,
        "days_pending": row.days_pending(today),
    }


def select_referral(contact: Contact, institution: str | None) -> int:
    """Which referral of a contact ``close-referral`` means; errors when unclear."""
    if not contact.referrals:
        raise UsageError(f"contact {contact.id} has no referrals")
    candidates = [
        i
        for i, r in enumerate(contact.referrals)
        if institution is None or r.institution == institution
    ]
    if not candidates:
        made = ", ".join(r.institution for r in contact.referrals)
        raise UsageError(
            f"contact {contact.id} has no referral to '{institution}'; it referred to: {made}"
        )
    pending = [i for i in candidates if contact.referrals[i].outcome == "pending"]
    if len(pending) == 1:
        return pending[0]
    if len(pending) > 1:
        listed = ", ".join(contact.referrals[i].institution for i in pending)
        raise UsageError(
            f"contact {contact.id} has {len(pending)} pending referrals ({listed}); "
            "say which one with --to INSTITUTION",
            hint=f"e.g. mokoord close-referral {contact.id} --to "
            f"{contact.referrals[pending[0]].institution} --outcome taken_up",
        )
    closed = contact.referrals[candidates[0]]
    raise UsageError(
        f"the referral of {contact.id} to {closed.institution} is closed already "
        f"({closed.outcome}"
        + (f", {closed.outcome_date.isoformat()}" if closed.outcome_date else "")
        + ")",
        hint="to correct it, edit the contact's file and run `mokoord check`",
    )


def close_referral(
    contact: Contact,
    *,
    institution: str | None,
    outcome: Outcome,
    date: dt.date,
    note: str | None,
    today: dt.date,
) -> tuple[Contact, int]:
    """The contact with one referral's outcome recorded; and that referral's index."""
    if outcome == "pending":
        raise UsageError("--outcome must be taken_up or not_taken_up")
    index = select_referral(contact, institution)
    if date > today:
        raise UsageError(f"--date {date.isoformat()} lies in the future")
    if date < contact.date:
        raise UsageError(
            f"--date {date.isoformat()} lies before the contact ({contact.date.isoformat()})"
        )
    raw = plain(contact)
    referral = dict(raw["referrals"][index])
    referral.update({"outcome": outcome, "outcome_date": date})
    if note:
        referral["note"] = note
    raw["referrals"][index] = referral
    return validate_input(Contact, raw), index


def complete_follow_up(contact: Contact, *, date: dt.date, today: dt.date) -> Contact:
    """The contact with its follow-up marked done on ``date``."""
    if contact.follow_up is None:
        raise UsageError(f"contact {contact.id} has no follow-up")
    if contact.follow_up.done is not None:
        raise UsageError(
            f"the follow-up of {contact.id} was done already on "
            f"{contact.follow_up.done.isoformat()}"
        )
    if date > today:
        raise UsageError(f"--date {date.isoformat()} lies in the future")
    if date < contact.date:
        raise UsageError(
            f"--date {date.isoformat()} lies before the contact ({contact.date.isoformat()})"
        )
    follow = FollowUp(date=contact.follow_up.date, action=contact.follow_up.action, done=date)
    return contact.model_copy(update={"follow_up": follow})


# --------------------------------------------------------------------------- the agenda


@dataclass(frozen=True)
class FollowUpItem:
    contact: Contact
    due: dt.date
    action: str | None
    days: int
    """Days until due (negative: overdue by that many days)."""
    long_overdue: bool
    """Open longer than ``follow_up_overdue_days`` past its date."""

    @property
    def state(self) -> str:
        if self.long_overdue:
            return "long_overdue"
        return "overdue" if self.days < 0 else "due"


@dataclass(frozen=True)
class QuietItem:
    organisation: Organisation
    last_contact: dt.date | None
    days: int | None
    """Days since the last contact (``None``: never contacted)."""


@dataclass
class Agenda:
    """The coordinator's day (``mokoord agenda``)."""

    today: dt.date
    days: int
    follow_ups: list[FollowUpItem] = field(default_factory=list)
    planned: list[Contact] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    quiet: list[QuietItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.follow_ups or self.planned or self.referrals or self.quiet)


def _visible(contact: Contact, data: Dataset) -> bool:
    """False when every organisation of the contact is declined (§2.4)."""
    orgs = [data.organisations.get(o) for o in contact.organisations]
    return not orgs or any(org is None or org.status != "declined" for org in orgs)


def last_contacts(data: Dataset, today: dt.date) -> dict[str, dt.date]:
    """Organisation id → date of its latest contact that took place (planned ones left out)."""
    last: dict[str, dt.date] = {}
    for contact in data.contacts.values():
        if contact.planned or contact.date > today:
            continue
        for org in contact.organisations:
            if org not in last or contact.date > last[org]:
                last[org] = contact.date
    return last


def build_agenda(data: Dataset, *, today: dt.date, days: int = 7) -> Agenda:
    """Follow-ups due within ``days`` or overdue, planned contacts coming up,
    referrals pending longer than configured, and cooperating organisations
    without a contact for ``quiet_after_days`` (unless an appointment with them
    is planned). Declined organisations never appear.
    """
    if days < 0:
        raise UsageError("--days must be 0 or more")
    settings = data.config.settings
    agenda = Agenda(today=today, days=days)
    horizon = today + dt.timedelta(days=days)
    for contact in data.contacts.values():
        if not _visible(contact, data):
            continue
        follow = contact.follow_up
        if follow is not None and follow.done is None and follow.date <= horizon:
            delta = (follow.date - today).days
            agenda.follow_ups.append(
                FollowUpItem(
                    contact,
                    follow.date,
                    follow.action,
                    delta,
                    -delta > settings.follow_up_overdue_days,
                )
            )
        if contact.planned and today <= contact.date <= horizon:
            agenda.planned.append(contact)
        for i, referral in enumerate(contact.referrals):
            if (
                referral.outcome == "pending"
                and (today - contact.date).days > settings.referral_pending_days
            ):
                agenda.referrals.append(ReferralRow(contact, i, referral))
    agenda.follow_ups.sort(key=lambda item: (item.due, item.contact.id))
    agenda.planned.sort(key=lambda c: (c.date, c.id))
    agenda.referrals.sort(key=lambda r: (r.contact.date, r.contact.id, r.index))
    last = last_contacts(data, today)
    arranged = {
        org
        for contact in data.contacts.values()
        if contact.planned and contact.date >= today
        for org in contact.organisations
    }
    for org in data.organisations.values():
        if org.status != "cooperating" or org.id in arranged:
            continue
        seen = last.get(org.id)
        if seen is None:
            since = org.status_since or org.known_since
            if since is not None and (today - since).days <= settings.quiet_after_days:
                continue
            agenda.quiet.append(QuietItem(org, None, None))
        elif (today - seen).days >= settings.quiet_after_days:
            agenda.quiet.append(QuietItem(org, seen, (today - seen).days))
    agenda.quiet.sort(key=lambda q: (q.last_contact or dt.date.min, q.organisation.id))
    return agenda


def agenda_json(agenda: Agenda, data: Dataset) -> dict[str, Any]:
    """The documented JSON form of the agenda."""
    return {
        "today": agenda.today.isoformat(),
        "days": agenda.days,
        "follow_ups": [
            {
                "contact": item.contact.id,
                "organisations": list(item.contact.organisations),
                "due": item.due.isoformat(),
                "action": item.action,
                "days": item.days,
                "state": item.state,
            }
            for item in agenda.follow_ups
        ],
        "planned": [
            {
                "contact": c.id,
                "date": c.date.isoformat(),
                "organisations": list(c.organisations),
                "channel": c.channel,
                "summary": c.summary,
            }
            for c in agenda.planned
        ],
        "referrals": [referral_json(row, data, agenda.today) for row in agenda.referrals],
        "quiet": [
            {
                "organisation": q.organisation.id,
                "name": q.organisation.name,
                "last_contact": q.last_contact.isoformat() if q.last_contact else None,
                "days": q.days,
            }
            for q in agenda.quiet
        ],
    }


# --------------------------------------------------------------------------- institutions


def build_institution(raw: Mapping[str, Any]) -> Institution:
    """A validated institution from command-line values; errors as :class:`UsageError`."""
    return validate_input(Institution, {k: v for k, v in raw.items() if v is not None})


def institution_json(inst: Institution, data: Dataset) -> dict[str, Any]:
    """The documented JSON form of an institution, with its referral counts."""
    rows = referral_rows(data, institution=inst.id)
    return {
        "id": inst.id,
        "name": inst.name,
        "kind": inst.kind,
        "department": inst.department,
        "district": inst.district,
        "address": inst.address,
        "email": str(inst.email) if inst.email else None,
        "phone": inst.phone,
        "website": inst.website,
        "referrals": len(rows),
        "pending": sum(1 for r in rows if r.referral.outcome == "pending"),
    }
