"""Contacts: finding what people name, planning a new contact, listing contacts.

Pure functions over a :class:`~mokoord.dataset.Dataset`: nothing here prints
or prompts. ``mokoord add-contact`` builds a :class:`ContactRequest` from its
flags (and prompts), and :func:`plan_contact` turns it into a
:class:`~mokoord.plans.Plan` holding the one new file. Referrals and
follow-ups are in :mod:`mokoord.referrals`, the agenda in :mod:`mokoord.agenda`,
institutions in :mod:`mokoord.institutions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from mokoord.dataset import Dataset, kind_of
from mokoord.errors import NotFound, Problem, UsageError
from mokoord.facts import mentioning, organisation_name, selected
from mokoord.i18n import _, language, ngettext
from mokoord.models import Contact, Institution, Organisation, Person
from mokoord.plans import Plan, Write
from mokoord.slugs import random_suffix
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


def shown_date(day: dt.date) -> str:
    """A date as people read it in the current language (``14.03.2023``)."""
    from mokoord import formatting

    return formatting.date(day, language())


# --------------------------------------------------------------------------- resolving names


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


def resolve_organisation(data: Dataset, value: str, *, flag: str = "--org") -> Organisation:
    """An organisation by id (or by its exact name); else an error naming the closest ones."""
    return _resolve(
        data,
        data.organisations,
        lambda: organisation_candidates(data),
        value,
        kind="organisation",
        closest=_("no organisation '{value}'; closest: {closest}"),
        hint=_("pass the id shown before the name, e.g. {flag} {id}"),
        flag=flag,
        unknown=_("no organisation '{value}' in the register"),
        otherwise=_("find it with `mokoord search`, or register it first with `mokoord add-org`"),
    )


def resolve_institution(data: Dataset, value: str, *, flag: str = "--refer-to") -> Institution:
    """An institution by id (or exact name); else an error naming the closest ones."""
    return _resolve(
        data,
        data.institutions,
        lambda: institution_candidates(data),
        value,
        kind="institution",
        closest=_("no institution '{value}'; closest: {closest}"),
        hint=_("pass the id shown before the name, e.g. {flag} {id}"),
        flag=flag,
        unknown=_("no institution '{value}' in the register"),
        otherwise=_(
            "list them with `mokoord institutions`, or add it with `mokoord add-institution`"
        ),
    )


R = TypeVar("R", Organisation, Institution)


def _resolve(
    data: Dataset,
    records: Mapping[str, R],
    candidates_of: Callable[[], Mapping[str, list[str]]],
    value: str,
    *,
    kind: str,
    closest: str,
    hint: str,
    flag: str,
    unknown: str,
    otherwise: str,
) -> R:
    value = value.strip()
    if value in records:
        return records[value]
    broken = data.unreadable(kind, value)  # the id names a file that cannot be read
    if broken is not None:
        raise broken
    candidates = candidates_of()  # names of all records: only when the id is unknown
    exact = _exact_name(value, candidates)
    if exact is not None:
        return records[exact]
    near = _closest(value, candidates)
    if near:
        names = {record.id: record.name for record in records.values()}
        listed = ", ".join(f"{m.key} ({names.get(m.key, m.text)})" for m in near)
        raise NotFound(
            closest.format(value=value, closest=listed),
            hint=hint.format(flag=flag, id=near[0].key),
        )
    raise NotFound(unknown.format(value=value), hint=otherwise)


def persons_of(data: Dataset, organisation_ids: Iterable[str]) -> list[Person]:
    """The contact persons of these organisations who may be offered for a contact
    (not erased, consent not withdrawn), by name."""
    wanted = set(organisation_ids)
    return sorted(
        (
            p
            for p in selected(data.persons, lambda owner: owner in wanted, 0)
            if p.organisation in wanted and p.offered
        ),
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
            _("--person '{value}' fits several persons: {persons}").format(
                value=value, persons=", ".join(f"{p.id} ({p.display_name})" for p in options)
            ),
            hint=_("pass the person's id"),
        )
    if len(found) == 1:
        return data.persons[found[0].key]
    orgs = ", ".join(organisation_ids)
    if people:
        listed = ", ".join(f"{p.id} ({p.display_name})" for p in people)
        raise NotFound(
            _("no person '{value}' at {organisations}; known there: {persons}").format(
                value=value, organisations=orgs, persons=listed
            )
        )
    raise NotFound(
        _("no person '{value}' at {organisations}, which has no contact persons recorded").format(
            value=value, organisations=orgs
        ),
        hint=_("leave out --person, or record the person first"),
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


def organisation_names(data: Dataset, ids: Iterable[str]) -> list[str]:
    """The names of these organisations (an unknown id as it is)."""
    return [organisation_name(data.organisations, o) or o for o in ids]


# --------------------------------------------------------------------------- the request


@dataclass(frozen=True)
class ReferralRequest:
    """A referral asked for: the institution (id or name) and an optional reason."""

    institution: str
    reason: str | None = None


def pair_referrals(targets: Sequence[str], reasons: Sequence[str]) -> tuple[ReferralRequest, ...]:
    """Pair ``--refer-to`` and ``--refer-reason`` in the order given.

    The n-th reason belongs to the n-th institution; an empty reason (``''``)
    leaves one without a reason. More reasons than institutions is an error.
    """
    if len(reasons) > len(targets):
        raise UsageError(
            _("{reasons} --refer-reason for {targets} --refer-to").format(
                reasons=len(reasons), targets=len(targets)
            ),
            hint=_("each --refer-reason belongs to the --refer-to in the same position"),
        )
    return tuple(
        ReferralRequest(target, (reasons[i].strip() or None) if i < len(reasons) else None)
        for i, target in enumerate(targets)
    )


@dataclass(frozen=True)
class ContactRequest:
    """``mokoord add-contact``: what was asked for, as it was typed.

    Organisations, persons and institutions by id or name; channel, topics and
    initiator by key or by German or English label. ``None`` (or empty) for
    what is still to be asked: :func:`plan_contact` refuses a request without
    organisations, channel or summary.
    """

    organisations: tuple[str, ...] = ()
    channel: str | None = None
    summary: str | None = None
    date: dt.date | None = None
    """When the contact took place; ``None``: today."""
    topics: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    initiated_by: str = "office"
    referrals: tuple[ReferralRequest, ...] = ()
    follow_up: dt.date | None = None
    follow_up_action: str | None = None
    planned: bool = False
    coordinator: str | None = None
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def day(self) -> dt.date:
        return self.date or self.today

    @property
    def missing(self) -> list[str]:
        """The flags of the required values not given yet."""
        given = {
            "--org": bool(self.organisations),
            "--channel": bool(self.channel and self.channel.strip()),
            "--summary": bool(self.summary and self.summary.strip()),
        }
        return [flag for flag, present in given.items() if not present]


def check_contact_date(date: dt.date, *, planned: bool, today: dt.date) -> None:
    """A contact lies in the past (or today) unless it is a planned appointment."""
    if date > today and not planned:
        raise UsageError(
            _(
                "the contact date {date} lies in the future; "
                "a contact is logged after it took place"
            ).format(date=shown_date(date)),
            hint=_("if it is an arranged appointment, add --planned"),
        )
    if planned and date < today:
        raise UsageError(
            _("--planned marks an appointment still to come, but {date} has passed").format(
                date=shown_date(date)
            ),
            hint=_("leave out --planned to log a contact that took place"),
        )


def _check_follow_up(request: ContactRequest) -> None:
    if request.follow_up_action and request.follow_up is None:
        raise UsageError(_("--follow-up-action needs --follow-up DATE"))
    if request.follow_up is not None and request.follow_up < request.day:
        raise UsageError(
            _("--follow-up {follow_up} lies before the contact ({date})").format(
                follow_up=shown_date(request.follow_up), date=shown_date(request.day)
            )
        )


def resolve_contact(data: Dataset, request: ContactRequest) -> ContactRequest:
    """The request with what was given turned into ids and keys; an error for the
    first value that names nothing, and for dates that break the rules.

    Resolving a resolved request changes nothing, so a command may call this
    before it asks for what is missing (a typo costs no answers) and
    :func:`plan_contact` calls it again.
    """
    from mokoord.vocab import resolve, resolve_all

    config = data.config
    check_contact_date(request.day, planned=request.planned, today=request.today)
    _check_follow_up(request)
    organisations = tuple(
        dict.fromkeys(resolve_organisation(data, o).id for o in request.organisations)
    )
    persons = request.persons
    if organisations:  # names are looked for among the persons of the organisations
        persons = tuple(
            dict.fromkeys(resolve_person(data, p, organisations).id for p in request.persons)
        )
    channel = request.channel
    if channel and channel.strip():
        channel = resolve(config, "channels", channel, flag="--channel")
    referrals = tuple(
        ReferralRequest(resolve_institution(data, r.institution).id, r.reason)
        for r in request.referrals
    )
    return replace(
        request,
        organisations=organisations,
        persons=persons,
        channel=channel,
        topics=tuple(resolve_all(config, "topics", request.topics, flag="--topic")),
        initiated_by=resolve(config, "initiators", request.initiated_by, flag="--initiated-by"),
        referrals=referrals,
    )


# --------------------------------------------------------------------------- the plan


def plan_contact(data: Dataset, request: ContactRequest, *, taken: Container[str] = ()) -> Plan:
    """The new contact's file, with warnings for a declined organisation and for a
    person of another organisation. ``taken``: the contact ids in use."""
    missing = request.missing
    if missing:
        raise UsageError(_("missing {flag}").format(flag=missing[0]))
    request = resolve_contact(data, request)
    assert request.channel is not None
    assert request.summary is not None
    raw: dict[str, Any] = {
        "id": new_contact_id(request.day, taken),
        "date": request.day,
        "organisations": list(request.organisations),
        "persons": list(request.persons),
        "channel": request.channel,
        "initiated_by": request.initiated_by,
        "topics": list(request.topics),
        "summary": request.summary.strip(),
        "coordinator": request.coordinator or None,
        "planned": request.planned,
        "referrals": [
            {"institution": r.institution, "reason": r.reason} for r in request.referrals
        ],
    }
    if request.follow_up is not None:
        raw["follow_up"] = {"date": request.follow_up, "action": request.follow_up_action or None}
    contact = validate_input(Contact, raw)
    names = ", ".join(organisation_names(data, contact.organisations))
    count = len(contact.referrals)
    summary = (
        ngettext(
            "contact {id} with {organisations}, {n} referral",
            "contact {id} with {organisations}, {n} referrals",
            count,
        )
        if count
        else _("contact {id} with {organisations}")
    )
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-contact {contact.id} ({', '.join(contact.organisations)})",
            writes=[Write(contact)],
            problems=list(contact_warnings(data, contact)),
            result=contact,
            summary=summary.format(id=contact.id, organisations=names, n=count),
        ),
        data,
        today=request.today,
    )


def contact_warnings(data: Dataset, contact: Contact) -> Iterable[Problem]:
    """What deserves a look before a contact is logged: a declined organisation
    (§2.4), a person who belongs to none of the contact's organisations."""
    path = kind_of(contact).relative_path(contact)
    for org_id in contact.organisations:
        if data.organisations[org_id].status == "declined":
            yield Problem(
                path,
                0,
                0,
                "warning",
                "declined-organisation",
                _("{id} is declined (§2.4); the contact is logged all the same").format(id=org_id),
            )
    for pid in contact.persons:
        owner = data.persons[pid].organisation
        if owner not in contact.organisations:
            message = (
                _("person {id} belongs to {organisation}, not to this contact").format(
                    id=pid, organisation=owner
                )
                if owner
                else _("person {id} belongs to no organisation").format(id=pid)
            )
            yield Problem(path, 0, 0, "warning", "person-elsewhere", message)


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

    @classmethod
    def resolved(
        cls,
        data: Dataset,
        *,
        organisation: str | None = None,
        year: int | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        channel: str | None = None,
        topic: str | None = None,
    ) -> ContactFilter:
        """The filter for what was typed: an organisation by id or name, terms by
        key or label; an error for what names nothing or does not combine."""
        from mokoord.vocab import resolve

        config = data.config
        if year is not None and (start is not None or end is not None):
            raise UsageError(_("give either --year or --from/--to, not both"))
        if start is not None and end is not None and end < start:
            raise UsageError(
                _("--to {end} lies before --from {start}").format(
                    end=shown_date(end), start=shown_date(start)
                )
            )
        return cls(
            organisation=resolve_organisation(data, organisation).id if organisation else None,
            year=year,
            start=start,
            end=end,
            channel=resolve(config, "channels", channel, flag="--channel") if channel else None,
            topic=resolve(config, "topics", topic, flag="--topic") if topic else None,
        )


def filter_contacts(contacts: Iterable[Contact], where: ContactFilter) -> list[Contact]:
    """Contacts matching every given criterion, newest first (ties by id)."""
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


def find_contacts(data: Dataset, where: ContactFilter) -> list[Contact]:
    """:func:`filter_contacts` over the store's contacts, building only those it could pick."""
    if where.organisation is not None:
        candidates: Iterable[Contact] = mentioning(data.contacts, where.organisation)
    elif where.year is not None:
        candidates = data.contacts_between(dt.date(where.year, 1, 1), dt.date(where.year, 12, 31))
    elif where.start is not None or where.end is not None:
        candidates = data.contacts_between(where.start or dt.date.min, where.end or dt.date.max)
    else:
        candidates = data.contacts.values()
    return filter_contacts(candidates, where)


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


def contact_row(contact: Contact, data: Dataset) -> dict[str, Any]:
    """:func:`contact_json` with the names people read beside the ids, for tables
    and sheets: ``organisation_names``, and ``institution_name`` in each referral."""
    row = contact_json(contact)
    row["organisation_names"] = organisation_names(data, contact.organisations)
    for referral in row["referrals"]:
        inst = data.institutions.get(referral["institution"])
        referral["institution_name"] = inst.name if inst else referral["institution"]
    return row
