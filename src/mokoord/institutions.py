"""Institutions: referral targets and partners (city offices, providers, …).

``add-institution`` as a request and a planner, and the rows of
``mokoord institutions``. Nothing here prints, prompts or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mokoord.contacts import institution_candidates
from mokoord.dataset import Dataset, kind_of
from mokoord.errors import Problem, UsageError
from mokoord.facts import REFERRALS, field_of, has_rows
from mokoord.i18n import _
from mokoord.models import Institution
from mokoord.plans import Plan, Write
from mokoord.slugs import random_suffix, slugify


def institution_id(name: str) -> str:
    """The id an institution of this name gets (``Kulturamt`` → ``kulturamt``)."""
    return slugify(name) or f"institution-{random_suffix(6)}"


@dataclass(frozen=True)
class InstitutionRequest:
    """``mokoord add-institution``: what was asked for, as typed (terms by key or label)."""

    name: str
    id: str | None = None
    """The id to use; ``None``: made from the name."""
    kind: str | None = None
    """``None``: a city office."""
    department: str | None = None
    district: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    notes: str | None = None


def plan_institution(data: Dataset, request: InstitutionRequest) -> Plan:
    """The new institution's file; a warning when a very similar name is known.

    ``data`` holds the institutions of the store. A taken or malformed id is an
    error at once.
    """
    from mokoord.slugs import is_valid_id
    from mokoord.textmatch import similar
    from mokoord.validation import validate_input
    from mokoord.vocab import resolve

    config = data.config
    name = request.name.strip()
    new_id = request.id.strip() if request.id else institution_id(name)
    if not is_valid_id(new_id):
        raise UsageError(
            _("--id '{id}' is not a valid id").format(id=new_id),
            hint=_("lower-case letters and digits joined by hyphens, e.g. kulturamt"),
        )
    if new_id in data.institutions:
        raise UsageError(
            _("an institution with id '{id}' exists already ({name})").format(
                id=new_id, name=data.institutions[new_id].name
            ),
            hint=_("pass another --id"),
        )
    raw = {
        "id": new_id,
        "name": name,
        "kind": resolve(config, "institution_kinds", request.kind, flag="--kind")
        if request.kind
        else "city_office",
        "department": request.department,
        "district": resolve(config, "districts", request.district, flag="--district")
        if request.district
        else None,
        "address": request.address,
        "email": request.email,
        "phone": request.phone,
        "website": request.website,
        "notes": request.notes,
    }
    institution = validate_input(Institution, {k: v for k, v in raw.items() if v is not None})
    path = kind_of(institution).relative_path(institution)
    warnings = [
        Problem(
            path,
            0,
            0,
            "warning",
            "similar-institution",
            _("a similar institution exists: {id} ({name})").format(id=match.key, name=match.text),
        )
        for match in similar(name, institution_candidates(data), limit=3, cutoff=90.0)
    ]
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-institution {new_id}",
            writes=[Write(institution)],
            problems=warnings,
            result=institution,
            summary=_("institution {id} ({name})").format(id=new_id, name=name),
        ),
        data,
    )


def referral_counts(data: Dataset) -> dict[str, tuple[int, int]]:
    """Institution id → (referrals made to it, those still pending); from the index,
    kept beside it while no contact changes (no contact built)."""
    if has_rows(data.contacts):
        kept = data.contacts.memo("referral-counts", lambda: _counts(data))  # type: ignore[attr-defined]
        if isinstance(kept, dict) and all(
            type(value) is tuple and len(value) == 2 for value in kept.values()
        ):
            return kept
    return _counts(data)


def _counts(data: Dataset) -> dict[str, tuple[int, int]]:
    made = field_of(data.contacts, REFERRALS)
    referrals = (
        (pair for pairs in made.values() for pair in pairs)
        if made is not None
        else ((r.institution, r.outcome) for c in data.contacts.values() for r in c.referrals)
    )
    counts: dict[str, tuple[int, int]] = {}
    for institution, outcome in referrals:
        total, pending = counts.get(institution, (0, 0))
        counts[institution] = (total + 1, pending + (outcome == "pending"))
    return counts


def institution_json(inst: Institution, counts: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    """The documented JSON form of an institution, with its referral counts
    (:func:`referral_counts`)."""
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
        "referrals": counts[0],
        "pending": counts[1],
    }


def institution_rows(data: Dataset) -> list[dict[str, Any]]:
    """Every institution as :func:`institution_json`, by id."""
    counts = referral_counts(data)
    return [
        institution_json(inst, counts.get(inst.id, (0, 0)))
        for inst in sorted(data.institutions.values(), key=lambda i: i.id)
    ]
