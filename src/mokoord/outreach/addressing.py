"""Who is written to in each organisation, and why an organisation is skipped.

The office writes to a contact person who consented to being contacted by it
(consent scope ``contact``, not withdrawn) or whose data it holds for its
public task (docs/privacy.md §2), and who can be reached on the channel: an
e-mail address for e-mail drafts, the organisation's postal address for
letters. Whether a person may be offered at all (not erased, consent not
withdrawn) is the privacy rule :attr:`~mokoord.models.Person.offered`.

Among those, the person in the role asked for comes first, then the chair,
then the others by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mokoord.i18n import N_, _
from mokoord.models import Organisation, Person

CHAIR = "chair"

REASONS: dict[str, str] = {
    "no_person": N_("no contact person recorded"),
    "no_consent": N_("{person}: no consent to be contacted, and no public task as legal basis"),
    "consent_withdrawn": N_("{person}: consent withdrawn on {date}"),
    "no_email": N_("{person}: no e-mail address"),
    "no_address": N_("no postal address (street, postal code and city)"),
    "no_variant": N_("no variant of the template in its languages, nor in German"),
    "dissolved": N_("dissolved"),
}
"""Why an organisation is not written to (the key is the JSON's ``reason``)."""


@dataclass(frozen=True)
class Addressee:
    """The person written to in one organisation."""

    organisation: Organisation
    person: Person


@dataclass(frozen=True)
class Skipped:
    """An organisation not written to, with the reason."""

    organisation: Organisation
    reason: str
    """A key of :data:`REASONS`."""
    person: Person | None = None
    """The person the reason is about, if it is about one."""

    @property
    def message(self) -> str:
        """The reason in the current language."""
        person = self.person
        withdrawn = person.consent.withdrawn if person and person.consent else None
        return _(REASONS[self.reason]).format(
            person=_("{name} ({id})").format(name=person.display_name, id=person.id)
            if person
            else "",
            date=_shown_date(withdrawn) if withdrawn else "",
        )


def _shown_date(day: object) -> str:
    from mokoord import formatting

    return formatting.date(day)  # type: ignore[arg-type]


def may_be_written_to(person: Person) -> str | None:
    """``None`` when the office may write to ``person``; else the reason (a key of
    :data:`REASONS`): consent withdrawn, or no consent for contact and no public task."""
    if not person.offered:
        return "consent_withdrawn" if person.consent_withdrawn else "no_person"
    if person.legal_basis == "public_task":
        return None
    if (
        person.legal_basis == "consent"
        and person.consent is not None
        and "contact" in person.consent.scope
    ):
        return None
    return "no_consent"


def ranked(persons: Iterable[Person], role: str | None) -> list[Person]:
    """The persons in the order they are asked: ``role`` (default: the chair), then
    the chair, then the others by id. Erased persons are no one to ask."""
    wanted = role or CHAIR

    def rank(person: Person) -> tuple[int, str]:
        if person.role == wanted:
            return (0, person.id)
        if person.role == CHAIR:
            return (1, person.id)
        return (2, person.id)

    return sorted((p for p in persons if p.erased is None), key=rank)


def has_postal_address(org: Organisation) -> bool:
    """Street, postal code and city: enough for an envelope."""
    address = org.address
    return bool(address and address.street and address.postal_code and address.city)


def address(
    org: Organisation, persons: Iterable[Person], *, channel: str, role: str | None = None
) -> Addressee | Skipped:
    """Who in ``org`` is written to on ``channel`` (``email`` or ``letter``), or why no one.

    The first person (in :func:`ranked` order) the office may write to and can
    reach is addressed; when there is none, the reason is that of the first
    person asked (the chair withdrew consent, has no e-mail address …).
    """
    if org.status == "dissolved":
        return Skipped(org, "dissolved")
    candidates = ranked(persons, role)
    if not candidates:
        return Skipped(org, "no_person")
    first: Skipped | None = None
    for person in candidates:
        reason = may_be_written_to(person)
        if reason is None and channel == "email" and not person.email:
            reason = "no_email"
        if reason is None:
            if channel == "letter" and not has_postal_address(org):
                return Skipped(org, "no_address")
            return Addressee(org, person)
        if first is None:
            first = Skipped(org, reason, person)
    assert first is not None
    return first
