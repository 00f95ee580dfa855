"""The coordinator's day (``mokoord agenda``): follow-ups due or overdue, planned
appointments, referrals pending too long, cooperating organisations gone quiet.

:func:`build_agenda` decides what is on it; :func:`agenda_json` is the
documented JSON, :func:`agenda_rows` the rows people read in tables and sheets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mokoord.contacts import organisation_names
from mokoord.dataset import Dataset
from mokoord.errors import UsageError
from mokoord.facts import dates_of, field_of, has_rows, open_ends, select, select_open_ends
from mokoord.i18n import _
from mokoord.models import Contact, Organisation
from mokoord.referrals import ReferralRow, referral_json


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
    facts = data.organisation_facts()
    orgs = [facts.get(o) for o in contact.organisations]
    return not orgs or any(org is None or org.status != "declined" for org in orgs)


def last_contacts(data: Dataset, today: dt.date) -> dict[str, dt.date]:
    """Organisation id → date of its latest contact that took place (planned ones left out)."""
    if has_rows(data.contacts):  # from the index: ISO dates compare as dates do
        until = today.isoformat()
        latest = _kept_latest(data)
        if not all(day <= until for day in latest.values()):  # a contact dated ahead
            latest = _latest_held(data, until)
        return {org: dt.date.fromisoformat(day) for org, day in latest.items()}
    last: dict[str, dt.date] = {}
    for contact in data.contacts.values():
        if contact.planned or contact.date > today:
            continue
        for org in contact.organisations:
            if org not in last or contact.date > last[org]:
                last[org] = contact.date
    return last


def _latest_held(data: Dataset, until: str = "9999-12-31") -> dict[str, str]:
    """Organisation id → ISO date of its latest held contact up to ``until`` (from the rows)."""
    rows, dates = field_of(data.contacts, 0) or {}, dates_of(data.contacts)
    planned = field_of(data.contacts, 1) or {}
    latest: dict[str, str] = {}
    for key, organisations in rows.items():
        day = dates[key]
        if planned[key] or day > until:
            continue
        for org in organisations:
            if day > latest.get(org, ""):
                latest[org] = day
    return latest


def _kept_latest(data: Dataset) -> dict[str, str]:
    """:func:`_latest_held` kept beside the index while no contact changes (see
    :meth:`~mokoord.records.Records.memo`); made again if what was kept is not that."""

    def made() -> dict[str, str]:
        return _latest_held(data)

    kept = data.contacts.memo("latest-held", made)  # type: ignore[attr-defined]
    if isinstance(kept, dict) and all(type(day) is str for day in kept.values()):
        return kept
    return made()


def build_agenda(data: Dataset, *, today: dt.date, days: int = 7) -> Agenda:
    """Follow-ups due within ``days`` or overdue, planned contacts coming up,
    referrals pending longer than configured, and cooperating organisations
    without a contact for ``quiet_after_days`` (unless an appointment with them
    is planned). Declined organisations never appear.
    """
    if days < 0:
        raise UsageError(_("--days must be 0 or more"))
    settings = data.config.settings
    agenda = Agenda(today=today, days=days)
    horizon = today + dt.timedelta(days=days)
    contacts = _on_agenda(data, today, horizon)
    # the organisations the agenda names, read together (a shard at a time) rather than
    # one file each when the agenda is shown
    named = {org for contact in contacts for org in contact.organisations}
    select(data.organisations, sorted(org for org in named if org in data.organisations))
    for contact in contacts:
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
    agenda.quiet = _quiet(data, today)
    return agenda


def _on_agenda(data: Dataset, today: dt.date, horizon: dt.date) -> list[Contact]:
    """The contacts that could be on the agenda: an open follow-up due by ``horizon``, a
    planned date in ``[today, horizon]``, a referral pending long. Where the index keeps
    facts rows, only those are built; otherwise all (the agenda tests each exactly)."""
    if not has_rows(data.contacts):
        return list(data.contacts.values())
    first, last = today.isoformat(), horizon.isoformat()
    pending_days = data.config.settings.referral_pending_days
    long_ago = (today - dt.timedelta(days=pending_days)).isoformat()
    wanted = [
        key
        for key, day, planned, due, pending, _orgs in open_ends(data.contacts) or []
        if (due is not None and due <= last)
        or (planned and first <= day <= last)
        or (day < long_ago and pending)
    ]
    return select_open_ends(data.contacts, wanted)


def _arranged(data: Dataset, today: dt.date) -> set[str]:
    """Organisations with a planned contact today or later."""
    if has_rows(data.contacts):
        first = today.isoformat()
        return {
            org
            for _key, day, planned, _due, _pending, orgs in open_ends(data.contacts) or []
            if planned and day >= first
            for org in orgs
        }
    return {
        org
        for contact in data.contacts.values()
        if contact.planned and contact.date >= today
        for org in contact.organisations
    }


def _quiet(data: Dataset, today: dt.date) -> list[QuietItem]:
    settings = data.config.settings
    last = last_contacts(data, today)
    arranged = _arranged(data, today)
    found: list[tuple[str, dt.date | None]] = []
    for org in data.organisation_facts().values():  # records built only for the quiet ones
        if org.status != "cooperating" or org.id in arranged:
            continue
        seen = last.get(org.id)
        if seen is None:
            since = org.status_since or org.known_since
            if since is not None and (today - since).days <= settings.quiet_after_days:
                continue
            found.append((org.id, None))
        elif (today - seen).days >= settings.quiet_after_days:
            found.append((org.id, seen))
    organisations = select(data.organisations, [key for key, _seen in found])  # read together
    quiet = [
        QuietItem(organisation, seen, None if seen is None else (today - seen).days)
        for organisation, (_key, seen) in zip(organisations, found, strict=True)
    ]
    return sorted(quiet, key=lambda q: (q.last_contact or dt.date.min, q.organisation.id))


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


SECTIONS: tuple[str, ...] = ("follow_up", "planned", "referral", "quiet")
"""The agenda's parts, in the order shown."""


def agenda_rows(agenda: Agenda, data: Dataset) -> list[dict[str, Any]]:
    """Everything on the agenda as rows of one shape, for tables and sheets.

    Keys: ``section`` (one of :data:`SECTIONS`), ``date`` (due, appointment,
    contact or last contact), ``days`` (until due or the appointment: negative
    when overdue; since the contact for referrals and quiet organisations),
    ``state`` (of a follow-up), ``organisations`` (names), ``channel``,
    ``task`` (what to do or what was discussed), ``institution`` (name),
    ``reason`` and ``id`` (the contact's, or the quiet organisation's).
    """
    today = agenda.today

    def row(section: str, day: dt.date | None, days: int | None, **more: Any) -> dict[str, Any]:
        base: dict[str, Any] = dict.fromkeys(
            ("state", "organisations", "channel", "task", "institution", "reason", "id")
        )
        return {**base, "section": section, "date": day, "days": days, **more}

    rows = [
        row(
            "follow_up",
            item.due,
            item.days,
            state=item.state,
            organisations=organisation_names(data, item.contact.organisations),
            task=item.action,
            id=item.contact.id,
        )
        for item in agenda.follow_ups
    ]
    rows += [
        row(
            "planned",
            contact.date,
            (contact.date - today).days,
            organisations=organisation_names(data, contact.organisations),
            channel=contact.channel,
            task=contact.summary,
            id=contact.id,
        )
        for contact in agenda.planned
    ]
    for ref in agenda.referrals:
        inst = data.institutions.get(ref.referral.institution)
        rows.append(
            row(
                "referral",
                ref.contact.date,
                ref.days_pending(today),
                organisations=organisation_names(data, ref.contact.organisations),
                institution=inst.name if inst else ref.referral.institution,
                reason=ref.referral.reason,
                id=ref.contact.id,
            )
        )
    rows += [
        row(
            "quiet",
            q.last_contact,
            q.days,
            organisations=[q.organisation.name],
            id=q.organisation.id,
        )
        for q in agenda.quiet
    ]
    return [{**r, "date": r["date"].isoformat() if r["date"] else None} for r in rows]
