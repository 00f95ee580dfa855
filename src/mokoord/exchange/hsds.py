"""Organisations as Open Referral HSDS 3 JSON, for other directories.

Each organisation becomes an HSDS ``organization`` with its
``organization_identifiers`` (the register number, scheme ``DE-VR``),
``contacts`` (only persons who consented to publication or sharing),
``phones`` and ``locations`` with a physical ``address``. Ids are UUIDv5,
derived from the mokoord ids, so the same record keeps the same UUID in every
export. Declined and dissolved organisations are never published.
"""

from __future__ import annotations

import uuid
from typing import Any

from mokoord.dataset import Dataset
from mokoord.models import Organisation, Person

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mokoord")
PUBLISHABLE_SCOPES = frozenset({"publication", "sharing"})
HIDDEN_STATUSES = frozenset({"declined", "dissolved"})
STATE_PROVINCE = "Hessen"
"""HSDS requires a state for every address; mokoord's stores are municipal (Wiesbaden)."""


def stable_id(*parts: str) -> str:
    """A UUIDv5 for a path of mokoord ids (``organisation/elternverein-biebrich/phone``)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _publishable(person: Person) -> bool:
    """Consent to publication or sharing, not withdrawn."""
    return (
        person.offered
        and person.consent is not None
        and bool(PUBLISHABLE_SCOPES & set(person.consent.scope))
    )


def organization(
    org: Organisation,
    data: Dataset,
    *,
    anonymous: bool = False,
    personal_data: bool = False,
    lang: str = "de",
) -> dict[str, Any]:
    """One HSDS 3 organization object."""
    vocab = data.config.vocabularies
    oid = stable_id("organisation", org.id)
    fields = [vocab.label("fields", key, lang) for key in org.fields]
    district = vocab.label("districts", org.district, lang) if org.district else None
    description = " ".join(
        part
        for part in (
            f"Migrantenorganisation in {data.config.city}"
            + (f"-{district}" if district else "")
            + ".",
            f"Tätigkeitsfelder: {', '.join(fields)}." if fields else "",
        )
        if part
    )
    result: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "alternate_name": org.aliases[0] if org.aliases else None,
        "description": description,
        "email": None if anonymous else org.email,
        "website": org.website,
        "legal_status": vocab.label("legal_forms", org.legal_form, lang)
        if org.legal_form
        else None,
        "year_incorporated": org.founded,
        "organization_identifiers": [],
        "contacts": [],
        "phones": [],
        "locations": [],
    }
    if org.registration is not None:
        result["organization_identifiers"].append(
            {
                "id": stable_id("organisation", org.id, "register"),
                "organization_id": oid,
                "identifier_scheme": "DE-VR",
                "identifier_type": "Vereinsregister"
                + (f" {org.registration.court}" if org.registration.court else ""),
                "identifier": org.registration.number,
            }
        )
    if org.phone and not anonymous:
        result["phones"].append(
            {
                "id": stable_id("organisation", org.id, "phone"),
                "organization_id": oid,
                "number": org.phone,
                "type": "voice",
                "languages": [],
            }
        )
    if personal_data and not anonymous:
        for person in sorted(data.persons.values(), key=lambda p: p.id):
            if person.organisation != org.id or not _publishable(person):
                continue
            contact_id = stable_id("person", person.id)
            phones = []
            if person.phone:
                phones.append(
                    {
                        "id": stable_id("person", person.id, "phone"),
                        "contact_id": contact_id,
                        "number": person.phone,
                        "type": "voice",
                        "languages": [],
                    }
                )
            result["contacts"].append(
                {
                    "id": contact_id,
                    "organization_id": oid,
                    "name": person.name,
                    "title": person.role,
                    "email": person.email,
                    "phones": phones,
                }
            )
    address = org.address
    if address is not None and address.street and address.postal_code:
        location_id = stable_id("organisation", org.id, "location")
        result["locations"].append(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": oid,
                "name": org.name,
                "addresses": [
                    {
                        "id": stable_id("organisation", org.id, "address"),
                        "location_id": location_id,
                        "address_1": address.street,
                        "city": address.city or data.config.city,
                        "region": district,
                        "state_province": STATE_PROVINCE,
                        "postal_code": address.postal_code,
                        "country": "DE",
                        "address_type": "physical",
                    }
                ],
            }
        )
    cleaned: dict[str, Any] = _without_nulls(result)
    return cleaned


def _without_nulls(value: Any) -> Any:
    """HSDS types optional fields as plain strings: leave out what is unknown."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def export_hsds(
    data: Dataset, *, anonymous: bool = False, personal_data: bool = False, lang: str = "de"
) -> list[dict[str, Any]]:
    """Every publishable organisation as HSDS 3 ``organization`` objects, by id."""
    return [
        organization(org, data, anonymous=anonymous, personal_data=personal_data, lang=lang)
        for org in sorted(data.organisations.values(), key=lambda o: o.id)
        if org.status not in HIDDEN_STATUSES
    ]
