"""Referrals (Verweisberatung) and follow-ups (Wiedervorlagen) of logged contacts.

Listing referrals, and the two changes a contact gets after it was logged:
``close-referral`` records a referral's outcome, ``follow-up-done`` marks its
follow-up as done. Each is a request and a planner, as in
:mod:`mokoord.contacts`; nothing here prints, prompts or writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mokoord.contacts import organisation_names, shown_date
from mokoord.dataset import Dataset, plain
from mokoord.errors import UsageError
from mokoord.facts import REFERRALS, open_ends, select_open_ends, selected
from mokoord.i18n import _
from mokoord.models import Config, Contact, FollowUp, Referral
from mokoord.plans import Plan, Write
from mokoord.validation import validate_input

# --------------------------------------------------------------------------- listing


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

    def wanted(referrals: tuple[tuple[str, str], ...]) -> bool:
        return any(
            (not pending or outcome == "pending") and (institution is None or target == institution)
            for target, outcome in referrals
        )

    kept = open_ends(data.contacts) if pending else None
    if kept is not None:  # the few contacts with a pending referral, kept beside the index
        candidates = select_open_ends(data.contacts, [item[0] for item in kept if item[4]])
    else:
        candidates = selected(data.contacts, wanted, REFERRALS)
    rows = [
        ReferralRow(contact, i, referral)
        for contact in candidates
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


def referral_row(row: ReferralRow, data: Dataset, today: dt.date) -> dict[str, Any]:
    """:func:`referral_json` with the organisations' names (``organisation_names``),
    for tables and sheets."""
    shown = referral_json(row, data, today)
    shown["organisation_names"] = organisation_names(data, row.contact.organisations)
    return shown


# --------------------------------------------------------------------------- close-referral


@dataclass(frozen=True)
class CloseReferralRequest:
    """``mokoord close-referral CONTACT --outcome … [--to] [--date] [--note]``."""

    contact_id: str
    outcome: str
    """Key or German or English label: ``taken_up``, ``wahrgenommen``, ``not taken up`` …"""
    institution: str | None = None
    """The institution's id, when the contact made several referrals."""
    on: dt.date | None = None
    """When the outcome became known; ``None``: today."""
    note: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


def select_referral(contact: Contact, institution: str | None, config: Config) -> int:
    """Which referral of a contact ``close-referral`` means; errors when unclear."""
    from mokoord.vocab import label

    if not contact.referrals:
        raise UsageError(_("contact {id} has no referrals").format(id=contact.id))
    candidates = [
        i
        for i, r in enumerate(contact.referrals)
        if institution is None or r.institution == institution
    ]
    if not candidates:
        made = ", ".join(r.institution for r in contact.referrals)
        raise UsageError(
            _("contact {id} has no referral to '{institution}'; it referred to: {made}").format(
                id=contact.id, institution=institution, made=made
            )
        )
    pending = [i for i in candidates if contact.referrals[i].outcome == "pending"]
    if len(pending) == 1:
        return pending[0]
    if len(pending) > 1:
        listed = ", ".join(contact.referrals[i].institution for i in pending)
        raise UsageError(
            _(
                "contact {id} has {n} pending referrals ({institutions}); "
                "say which one with --to INSTITUTION"
            ).format(id=contact.id, n=len(pending), institutions=listed),
            hint=_("e.g. mokoord close-referral {id} --to {institution} --outcome taken_up").format(
                id=contact.id, institution=contact.referrals[pending[0]].institution
            ),
        )
    closed = contact.referrals[candidates[0]]
    outcome = label(config, "outcomes", closed.outcome)
    raise UsageError(
        (
            _("the referral of {id} to {institution} is closed already ({outcome}, {date})")
            if closed.outcome_date
            else _("the referral of {id} to {institution} is closed already ({outcome})")
        ).format(
            id=contact.id,
            institution=closed.institution,
            outcome=outcome,
            date=shown_date(closed.outcome_date) if closed.outcome_date else "",
        ),
        hint=_("to correct it, edit the contact's file and run `mokoord check`"),
    )


def _check_day(day: dt.date, contact: Contact, today: dt.date) -> None:
    if day > today:
        raise UsageError(_("--date {date} lies in the future").format(date=shown_date(day)))
    if day < contact.date:
        raise UsageError(
            _("--date {date} lies before the contact ({contact_date})").format(
                date=shown_date(day), contact_date=shown_date(contact.date)
            )
        )


def closing_outcome(value: str, config: Config) -> str:
    """The outcome a referral is closed with (``taken_up`` or ``not_taken_up``),
    from its key or label; an error for anything else."""
    from mokoord.vocab import label, resolve

    outcome = resolve(config, "outcomes", value, flag="--outcome")
    if outcome == "pending":
        raise UsageError(
            _("--outcome: a referral is closed as '{taken}' or '{not_taken}'").format(
                taken=label(config, "outcomes", "taken_up"),
                not_taken=label(config, "outcomes", "not_taken_up"),
            )
        )
    return outcome


def plan_close_referral(
    contact: Contact, request: CloseReferralRequest, config: Config, *, data: Dataset | None = None
) -> Plan:
    """The contact with one referral's outcome recorded (only that referral's
    lines change in its file)."""
    from mokoord.vocab import label

    outcome = closing_outcome(request.outcome, config)
    index = select_referral(contact, request.institution, config)
    day = request.on or request.today
    _check_day(day, contact, request.today)
    raw = plain(contact)
    referral = dict(raw["referrals"][index])
    referral.update({"outcome": outcome, "outcome_date": day})
    if request.note:
        referral["note"] = request.note
    raw["referrals"][index] = referral
    new = validate_input(Contact, raw)
    institution = new.referrals[index].institution
    plan = Plan(
        action=f"close-referral {contact.id} ({institution}): {outcome}",
        writes=[Write(new, previous=contact)],
        result=new,
        summary=_("referral of {id} to {institution}: {outcome}").format(
            id=contact.id, institution=institution, outcome=label(config, "outcomes", outcome)
        ),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)


# --------------------------------------------------------------------------- follow-up-done


@dataclass(frozen=True)
class FollowUpDoneRequest:
    """``mokoord follow-up-done CONTACT [--date]``."""

    contact_id: str
    on: dt.date | None = None
    """When it was done; ``None``: today."""
    today: dt.date = field(default_factory=dt.date.today)


def plan_follow_up_done(
    contact: Contact, request: FollowUpDoneRequest, *, data: Dataset | None = None
) -> Plan:
    """The contact with its follow-up marked done, so it leaves the agenda."""
    if contact.follow_up is None:
        raise UsageError(_("contact {id} has no follow-up").format(id=contact.id))
    if contact.follow_up.done is not None:
        raise UsageError(
            _("the follow-up of {id} was done already on {date}").format(
                id=contact.id, date=shown_date(contact.follow_up.done)
            )
        )
    day = request.on or request.today
    _check_day(day, contact, request.today)
    follow = FollowUp(date=contact.follow_up.date, action=contact.follow_up.action, done=day)
    new = contact.model_copy(update={"follow_up": follow})
    plan = Plan(
        action=f"follow-up-done {contact.id}",
        writes=[Write(new, previous=contact)],
        result=new,
        summary=_("follow-up of {id} done").format(id=contact.id),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)
