"""Retention (Art. 5(1)(e) GDPR): which persons and free texts are past their period.

The periods are set in ``mokoord.yaml`` under ``privacy: retention:``
(:class:`~mokoord.models.config.Retention`; the reasons for the defaults are in
docs/privacy.md). A contact person is due

- when their consent, the legal basis, was withdrawn (at once: Art. 17(1)(b));
- some months after their organisation was dissolved or declined;
- some months after the last contact with them (else after their consent, else
  after they were recorded);

whichever comes first. The free text of a contact (summary, follow-up action,
referral reasons and notes) is due some years after the contact; its figures
(date, organisations, channel, topics, referrals and their outcomes) stay.

Pure functions over a :class:`~mokoord.dataset.Dataset`: ``check`` warns of
what is due, ``privacy due`` lists it and ``--erase`` erases it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mokoord.dataset import Dataset
from mokoord.i18n import N_, _, in_language
from mokoord.models import Contact, Organisation, Person
from mokoord.models.config import Retention
from mokoord.models.meta import CONTACT_TEXT
from mokoord.models.privacy import ErasureGround
from mokoord.privacy.texts import is_placeholder
from mokoord.privacy.values import texts_of

_REASONS: dict[str, str] = {
    "consent_withdrawn": N_("consent withdrawn on {date}"),
    "organisation_ended": N_(
        "the organisation was dissolved or declined on {date}; persons are kept {months} "
        "months after that"
    ),
    "no_contact": N_("no contact since {date}; persons are kept {months} months after that"),
    "contact_text": N_("contact of {date}; its free text is kept {years} years"),
}


@dataclass(frozen=True)
class Due:
    """A person or a contact's free text whose retention period has ended."""

    kind: str
    """``person`` or ``contact``."""
    id: str
    reason: str
    """``consent_withdrawn``, ``organisation_ended``, ``no_contact`` or ``contact_text``."""
    date: dt.date
    """The day the period ended."""
    since: dt.date
    """The day it was counted from (the withdrawal, the organisation's end, the last contact)."""
    fields: tuple[str, ...] = ()
    """For a contact: the fields holding free text (``summary``, ``referrals.0.note``)."""

    @property
    def ground(self) -> ErasureGround:
        return "consent_withdrawn" if self.reason == "consent_withdrawn" else "no_longer_needed"

    def message(self, retention: Retention, lang: str | None = None) -> str:
        """Why it is due, for people (in ``lang``, else the current language)."""
        from mokoord import formatting
        from mokoord.i18n import language

        text = _REASONS[self.reason]
        translated = in_language(lang, text) if lang else _(text)
        return translated.format(
            date=formatting.date(self.since, lang or language()),
            months=retention.person_months_after_organisation_ends
            if self.reason == "organisation_ended"
            else retention.person_months_after_last_contact,
            years=retention.contact_text_years,
        )

    def as_dict(self, retention: Retention) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "reason": self.reason,
            "since": self.since.isoformat(),
            "due": self.date.isoformat(),
            "fields": list(self.fields),
            "message": self.message(retention),
        }


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - one of the four always exists


def last_contacts(contacts: Iterable[Contact]) -> dict[str, dt.date]:
    """Person id → the date of the latest contact naming them (planned ones left out)."""
    latest: dict[str, dt.date] = {}
    for contact in contacts:
        if contact.planned:
            continue
        for person in contact.persons:
            if person not in latest or latest[person] < contact.date:
                latest[person] = contact.date
    return latest


def person_due(
    person: Person,
    organisations: Mapping[str, Organisation],
    last_contact: dt.date | None,
    retention: Retention,
) -> Due | None:
    """When ``person``'s period ends (``None``: erased, or nothing to count from)."""
    if person.erased is not None:
        return None
    org = organisations.get(person.organisation or "")
    ended = None
    if org is not None and org.status in ("dissolved", "declined") and org.status_since:
        ended = org.status_since
    consent = person.consent
    return due_from(
        person.id,
        consent.withdrawn if person.consent_withdrawn and consent else None,
        ended,
        (last_contact, person.last_contact, consent.date if consent else None, person.recorded),
        retention,
    )


def due_from(
    person_id: str,
    withdrawn: dt.date | None,
    ended: dt.date | None,
    dates: Iterable[dt.date | None],
    retention: Retention,
) -> Due | None:
    """When a person's period ends: ``withdrawn``, the withdrawal of the consent that
    was the legal basis; ``ended``, the day their organisation was dissolved or
    declined; ``dates``, those the last contact is counted from."""
    candidates: list[Due] = []
    if withdrawn is not None:
        candidates.append(Due("person", person_id, "consent_withdrawn", withdrawn, withdrawn))
    if ended is not None:
        end = add_months(ended, retention.person_months_after_organisation_ends)
        candidates.append(Due("person", person_id, "organisation_ended", end, ended))
    latest = max((day for day in dates if day is not None), default=None)
    if latest is not None:
        end = add_months(latest, retention.person_months_after_last_contact)
        candidates.append(Due("person", person_id, "no_contact", end, latest))
    return min(candidates, key=lambda due: due.date, default=None)


def contact_text(contact: Contact) -> tuple[str, ...]:
    """The fields of ``contact`` still holding free text (not yet removed)."""
    return tuple(
        path
        for path, text in texts_of(contact, CONTACT_TEXT)
        if not (path == "summary" and is_placeholder(text, "removed"))
    )


def contact_due(contact: Contact, retention: Retention) -> Due | None:
    """When the free text of ``contact`` is due (``None`` when it holds none any more)."""
    fields = contact_text(contact)
    if not fields:
        return None
    return text_due(contact.id, contact.date, fields, retention)


def text_due(contact_id: str, day: dt.date, fields: tuple[str, ...], retention: Retention) -> Due:
    """When the free text ``fields`` of a contact of ``day`` are due."""
    end = add_months(day, 12 * retention.contact_text_years)
    return Due("contact", contact_id, "contact_text", end, day, fields)


def due(data: Dataset, today: dt.date) -> list[Due]:
    """Everything past its retention period on ``today``: persons first, then contacts."""
    retention = data.config.privacy.retention
    latest = last_contacts(data.contacts.values())
    found: list[Due] = []
    for person in sorted(data.persons.values(), key=lambda p: p.id):
        item = person_due(person, data.organisations, latest.get(person.id), retention)
        if item is not None and item.date <= today:
            found.append(item)
    limit = add_months(today, -12 * retention.contact_text_years)
    for contact in data.contacts_between(dt.date.min, limit):
        item = contact_due(contact, retention)
        if item is not None and item.date <= today:
            found.append(item)
    return found
