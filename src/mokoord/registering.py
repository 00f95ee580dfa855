"""Adding to the register: an organisation (``add-org``) and a contact person (``add-person``).

Each is a request (what a person typed, or answered at the prompts) and a
pure planner that resolves the terms, applies the register's rules and
validates the record before anything is written:

- terms are typed as keys or labels in either language (``--district
  Biebrich --field Bildung --legal-form "e.V."``), languages and countries as
  codes or names (``Ukrainisch``, ``Türkei``), roles as a declared role
  (``Vorsitz``, ``chair``) or free text;
- a name ending in ``e.V.`` makes a registered association, as ``import`` does;
- a duplicate by the rule of :mod:`mokoord.exchange.dedupe` is a warning
  (:data:`DUPLICATE`) that needs consent or ``--force``; a name that only
  looks alike is a warning (:data:`LOOKALIKE`) and nothing more;
- with the legal basis ``consent`` a person's consent needs its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from mokoord.dataset import Dataset
from mokoord.errors import Problem, UsageError
from mokoord.i18n import _
from mokoord.models import Config, Organisation, Person
from mokoord.plans import Plan, Write
from mokoord.register import get_org, normalise_status
from mokoord.terms import organisation_term_problems
from mokoord.vocab import label, resolve, resolve_all

DUPLICATE = "duplicate"
"""Warning code: the register holds this organisation already (by the rule)."""
LOOKALIKE = "possible-duplicate"
"""Warning code: an organisation whose name only looks alike — possibly the same."""


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class AddOrganisation:
    """``mokoord add-org``: every value as typed (keys or labels), ``None`` where not given."""

    name: str
    today: dt.date
    org_id: str | None = None
    aliases: tuple[str, ...] = ()
    district: str | None = None
    fields: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    legal_form: str | None = None
    religion: str | None = None
    status: str = "known"
    reason: str | None = None
    known_since: dt.date | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    force: bool = False
    """Create it even when the register holds the same organisation."""


def plan_organisation(
    data: Dataset, request: AddOrganisation, config: Config, *, taken: Collection[str] = ()
) -> Plan:
    """A new organisation, or :class:`UsageError` for a value that cannot be used.

    ``taken`` are the ids of the store's organisation files (readable or not);
    a new id is made from the name and never one of them. The plan's warnings
    name the organisations it duplicates (:data:`DUPLICATE`) or looks like
    (:data:`LOOKALIKE`); :func:`needs_consent` says whether to ask first.
    """
    from mokoord.slugs import is_valid_id, legal_form_from_name, unique
    from mokoord.slugs import org_id as make_id

    if request.org_id is not None and not is_valid_id(request.org_id):
        raise UsageError(
            _("--id '{id}' is not a valid id").format(id=request.org_id),
            hint=_("lower-case letters and digits joined by hyphens, e.g. elternverein-biebrich"),
        )
    record = _organisation_data(request, config)
    if record.get("legal_form") is None:  # as import does
        record["legal_form"] = legal_form_from_name(request.name, config.vocabularies.legal_forms)
    record["id"] = request.org_id or unique(
        make_id(request.name), {*taken, *data.organisations.keys()}
    )
    org = validate_organisation(_present(record), config, what=_("not created"))
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-org {org.id}",
            writes=[Write(org)],
            problems=duplicate_warnings(data, request.name, config, today=request.today),
            result=org,
            summary=_("added {id}").format(id=org.id),
        ),
        data,
        today=request.today,
    )


def _organisation_data(request: AddOrganisation, config: Config) -> dict[str, Any]:
    from mokoord import codes

    def term(vocabulary: str, value: str | None, flag: str) -> str | None:
        return resolve(config, vocabulary, value, flag=flag) if value else None

    since = request.known_since or request.today
    address = {"street": request.street, "postal_code": request.postal_code, "city": request.city}
    return {
        "name": request.name,
        "aliases": list(request.aliases),
        "status": normalise_status(request.status, config),
        "status_since": since,
        "status_reason": request.reason,
        "known_since": since,
        "legal_form": term("legal_forms", request.legal_form, "--legal-form"),
        "district": term("districts", request.district, "--district"),
        "fields": resolve_all(config, "fields", request.fields, flag="--field"),
        "languages": codes.languages().resolve_all(request.languages, "--language"),
        "origins": codes.countries().resolve_all(request.origins, "--origin"),
        "religion": term("religions", request.religion, "--religion"),
        "website": request.website,
        "email": request.email,
        "phone": request.phone,
        "address": {key: value for key, value in address.items() if value} or None,
        "tags": resolve_all(config, "tags", request.tags, flag="--tag"),
        "notes": request.notes,
        "last_verified": request.today,
    }


def _present(record: dict[str, Any]) -> dict[str, Any]:
    """The keys that hold something (an empty list or ``None`` is left out of the file)."""
    return {key: value for key, value in record.items() if value not in (None, [])}


def validate_organisation(data: dict[str, Any], config: Config, *, what: str) -> Organisation:
    """Plain data as an organisation, every term declared; else one clear error."""
    from mokoord.validation import validate_input

    org = validate_input(Organisation, data, what=what)
    problems = organisation_term_problems(org, config)
    if problems:
        raise UsageError(
            f"{what}: {problems[0]}",
            hint="; ".join(problems[1:])
            or _("the terms are declared in {file} under vocabularies").format(file="mokoord.yaml"),
        )
    return org


def duplicate_warnings(
    data: Dataset, name: str, config: Config, *, today: dt.date | None = None
) -> list[Problem]:
    """Warnings for the organisation ``name`` duplicates (:data:`DUPLICATE`) and for
    those it only looks like (:data:`LOOKALIKE`), each naming id, name and status."""
    from mokoord.exchange.dedupe import organisation_duplicates
    from mokoord.pipeline import effective_status, first_contacts

    found = organisation_duplicates(data.organisations.values(), name)
    matches = [*([found.same] if found.same else []), *found.similar]
    first = first_contacts(data) if matches else {}
    problems = []
    for match in matches:
        org = data.organisations[match.key]
        how = (
            _("the same register number")
            if match.how == "register"
            else _("the same name as '{name}'").format(name=match.name)
            if match.how == "name"
            else _("{score} % alike '{name}'").format(score=round(match.score), name=match.name)
        )
        status = effective_status(org.status, first.get(org.id), today or dt.date.today())
        problems.append(
            Problem(
                data.sources.get(("organisation", org.id), ""),
                0,
                0,
                "warning",
                DUPLICATE if match is found.same else LOOKALIKE,
                _("{id}  {name}  ({status}; {how})").format(
                    id=org.id, name=org.name, status=label(config, "statuses", status), how=how
                ),
            )
        )
    return problems


def needs_consent(plan: Plan) -> bool:
    """Whether the plan creates an organisation the register holds already."""
    return any(problem.code == DUPLICATE for problem in plan.warnings)


# --------------------------------------------------------------------------- persons


@dataclass(frozen=True)
class AddPerson:
    """``mokoord add-person ID``: every value as typed, ``None`` where not given."""

    org_id: str
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    languages: tuple[str, ...] = ()
    legal_basis: str = "consent"
    consent_date: dt.date | None = None
    consent_scopes: tuple[str, ...] = ()
    consent_source: str | None = None
    person_id: str | None = None
    """The new person's id (default: ``p-`` and six random characters)."""
    today: dt.date | None = None
    """The day the person is recorded (default: today): retention counts from it."""


def legal_basis_of(config: Config, typed: str) -> str:
    """The legal basis ``typed`` names: key or label (``Einwilligung``, ``consent``)."""
    return resolve(config, "legal_bases", typed, flag="--legal-basis")


def plan_person(
    data: Dataset, request: AddPerson, config: Config, *, taken: Collection[str] = ()
) -> Plan:
    """A new contact person of an existing organisation; the consent's date is
    required for the legal basis ``consent``. ``taken``: ids of the person files."""
    from mokoord import codes
    from mokoord.validation import validate_input

    get_org(data, request.org_id)
    basis = legal_basis_of(config, request.legal_basis)
    scopes = resolve_all(config, "consent_scopes", request.consent_scopes, flag="--consent-scope")
    consent: dict[str, Any] | None = None
    if request.consent_date is not None:
        consent = {"date": request.consent_date, "scope": scopes}
        if request.consent_source:
            consent["source"] = request.consent_source
    elif basis == "consent":
        raise UsageError(
            _("missing --consent-date: the legal basis is consent"),
            hint=_("give the date of consent, or another --legal-basis"),
        )
    record = {
        "id": request.person_id or _new_person_id({*taken, *data.persons.keys()}),
        "name": request.name,
        "organisation": request.org_id,
        "role": resolve(config, "roles", request.role, flag="--role") if request.role else None,
        "email": request.email,
        "phone": request.phone,
        "languages": codes.languages().resolve_all(request.languages, "--language"),
        "legal_basis": basis,
        "consent": consent,
        "recorded": request.today or dt.date.today(),
    }
    person = validate_input(Person, _present(record), what=_("not added"))
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-person {person.id} ({request.org_id})",
            writes=[Write(person)],
            result=person,
            summary=_("added {id} to {org}").format(id=person.id, org=request.org_id),
        ),
        data,
        today=request.today,
    )


def _new_person_id(taken: Iterable[str]) -> str:
    from mokoord.slugs import random_suffix

    used = set(taken)
    while True:
        candidate = f"p-{random_suffix(6)}"
        if candidate not in used:
            return candidate
