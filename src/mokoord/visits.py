"""The visit kit: a printable data sheet to check on site, and ``verified``.

The paper asks for a register that is checked regularly (§3.2); in practice
that is a visit with a printed data sheet (Stammdatenblatt). :func:`sheet_view`
gives every register field by its label with its value in the current
language, empty fields marked to be filled in by hand, the contact persons with
their legal basis, the open needs and the status; ``templates/sheet.html.j2``
prints it on A4, one organisation per page. :func:`plan_verified` records the
visit: ``last_verified`` and a contact (channel visit) unless that visit was
logged already, in one commit.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mokoord import formatting
from mokoord.dataset import Dataset, plain
from mokoord.errors import UsageError
from mokoord.i18n import N_, _, in_language, language
from mokoord.models import Config, Contact, Organisation, Person
from mokoord.plans import Plan, Write
from mokoord.register import Filters

SHEET_TEMPLATE = "sheet.html.j2"

NOT_ON_THE_SHEET = frozenset(
    {"id", "status", "status_since", "status_reason", "status_history", "needs", "last_verified"}
)
"""Fields the sheet shows in sections of their own (or not at all: the id is its title)."""

VISIT_SUMMARY = N_("Register data verified with the organisation")
"""The summary of the contact ``verified`` logs, in the store's language."""


# --------------------------------------------------------------------------- the data sheet


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``Address | None`` → ``Address``), if any."""
    candidates = (
        typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    )
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def shown(
    value: Any, vocabulary: str | None, config: Config, networks: dict[str, str]
) -> str | None:
    """A value as the sheet prints it; ``None`` for an empty one (to be filled in)."""
    from mokoord.vocab import label

    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, int):
        return str(value)  # a year, a share, a head count: as written
    items = value if isinstance(value, list) else [value]
    if vocabulary is not None:
        return ", ".join(label(config, vocabulary, str(item)) for item in items)
    return ", ".join(networks.get(str(item), str(item)) for item in items)


def field_rows(org: Organisation, config: Config, networks: dict[str, str]) -> list[dict[str, Any]]:
    """Every register field of ``org``: ``key``, ``label`` and ``value`` (``None``: empty).

    Walks the model, so a field added to :class:`~mokoord.models.Organisation`
    appears on the sheet by itself; nested records (address, register entry,
    members, rooms) give a row per part.
    """
    from mokoord.models.meta import field_label_id, vocabulary_fields

    vocabularies = dict(vocabulary_fields(Organisation))
    vocabularies[("languages", "*")] = "languages"
    vocabularies[("origins", "*")] = "origins"

    def vocabulary(*path: str) -> str | None:
        return vocabularies.get(path) or vocabularies.get((*path, "*"))

    rows: list[dict[str, Any]] = []
    for key, info in Organisation.model_fields.items():
        if key in NOT_ON_THE_SHEET:
            continue
        value = getattr(org, key)
        model = _nested(info.annotation)
        if model is None:
            rows.append(
                {
                    "key": key,
                    "label": _(field_label_id(Organisation, key)),
                    "value": shown(value, vocabulary(key), config, networks),
                }
            )
            continue
        group = _(field_label_id(Organisation, key))
        for part in model.model_fields:
            rows.append(
                {
                    "key": f"{key}.{part}",
                    "label": _("{group}: {part}").format(
                        group=group, part=_(field_label_id(model, part))
                    ),
                    "value": shown(
                        getattr(value, part) if value is not None else None,
                        vocabulary(key, part),
                        config,
                        networks,
                    ),
                }
            )
    return rows


def balanced(rows: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The field rows in two columns of about the same height (long values count more)."""

    def weight(row: dict[str, Any]) -> float:
        return 1.0 + len(row["value"] or "") / 26 + len(row["label"]) / 40

    total = sum(weight(row) for row in rows)
    height = 0.0
    for index, row in enumerate(rows):
        height += weight(row)
        if height >= total / 2:
            cut = index + 1 if height - total / 2 < weight(row) / 2 else index
            return [list(rows[:cut]), list(rows[cut:])]
    return [list(rows), []]


def person_row(person: Person, config: Config) -> dict[str, Any]:
    """A contact person as the sheet lists them, with the legal basis."""
    from mokoord.vocab import label, labels

    basis = label(config, "legal_bases", person.legal_basis) if person.legal_basis else None
    consent, given = person.consent, None
    if consent is not None and person.legal_basis == "consent":
        given = _("given on {date}").format(date=formatting.date(consent.date))
        if consent.scope:
            given += ": " + labels(config, "consent_scopes", consent.scope)
        if consent.withdrawn:
            given += "; " + _("withdrawn on {date}").format(date=formatting.date(consent.withdrawn))
    return {
        "id": person.id,
        "name": person.display_name,
        "role": label(config, "roles", person.role) if person.role else None,
        "email": person.email,
        "phone": person.phone,
        "languages": labels(config, "languages", person.languages) or None,
        "legal_basis": basis,
        "consent": given,
    }


def sheet_of(data: Dataset, org: Organisation, today: dt.date) -> dict[str, Any]:
    """One organisation's page: header, fields, persons, open needs and status."""
    from mokoord.pipeline import effective_status, first_contacts
    from mokoord.register import is_stale, persons_of
    from mokoord.vocab import label

    config = data.config
    networks = {n.id: n.name for n in data.networks.values()}
    status = effective_status(org.status, first_contacts(data).get(org.id), today)
    return {
        "id": org.id,
        "name": org.name,
        "status": label(config, "statuses", status),
        "status_since": formatting.date(org.status_since) if org.status_since else None,
        "last_verified": formatting.date(org.last_verified) if org.last_verified else None,
        "stale": is_stale(org, config.settings.stale_after_months, today),
        "fields": balanced(field_rows(org, config, networks)),
        "persons": [person_row(p, config) for p in persons_of(data, org.id) if p.erased is None],
        "needs": [
            {
                "category": label(config, "need_categories", need.category),
                "since": formatting.date(need.since) if need.since else None,
                "status": label(config, "need_statuses", need.status),
                "note": need.note,
            }
            for need in org.open_needs
        ],
    }


def sheet_view(data: Dataset, orgs: Sequence[Organisation], today: dt.date) -> dict[str, Any]:
    """What ``templates/sheet.html.j2`` sees: ``sheets`` (one per organisation), the
    office, the date and the texts ``t`` in the current language."""
    config = data.config
    return {
        "lang": language(),
        "office": config.office,
        "city": config.city,
        "printed": formatting.date(today),
        "sheets": [sheet_of(data, org, today) for org in orgs],
        "t": {
            "title": _("Data sheet"),
            "intro": _(
                "Please check the data with the organisation; write corrections in the "
                "right-hand column and fill in what is missing."
            ),
            "printed": _("printed on {date}").format(date=formatting.date(today)),
            "id": _("Id"),
            "status": _("Status"),
            "since": _("since {date}"),
            "last_verified": _("Last verified"),
            "never": _("never"),
            "register": _("Register data"),
            "field": _("Field"),
            "value": _("Current value"),
            "correction": _("Correction"),
            "empty": _("missing – please fill in"),
            "persons": _("Contact persons"),
            "name": _("Name"),
            "role": _("Role"),
            "reach": _("E-mail / phone"),
            "languages": _("Languages"),
            "legal_basis": _("Legal basis"),
            "new_person": _("new contact person"),
            "no_persons": _("No contact person recorded."),
            "needs": _("Open needs"),
            "no_needs": _("No open need recorded."),
            "category": _("Category"),
            "note": _("Note"),
            "visit": _("Visit"),
            "visit_date": _("Date of the visit"),
            "visited_by": _("Visited by"),
            "confirmed": _("Confirmed for the organisation (name, signature)"),
            "notes": _("Other corrections and notes"),
            "consent_note": _(
                "Kept on the legal basis named; consent can be withdrawn at any time."
            ),
        },
    }


def sheet_html(
    data: Dataset, orgs: Sequence[Organisation], today: dt.date, root: Path | None
) -> str:
    """The data sheets as one printable HTML page (the store may override the template)."""
    from mokoord.privacy.render import render_document

    return render_document(SHEET_TEMPLATE, root, **sheet_view(data, orgs, today))


@dataclass(frozen=True)
class SheetRequest:
    """``mokoord sheet ID`` or ``mokoord sheet --all [filters]``."""

    org_id: str | None
    all: bool
    filters: Filters
    today: dt.date


def sheet_file(request: SheetRequest) -> str:
    """The default file name: ``stammdatenblatt-ID.html`` (in German)."""
    if request.org_id:
        return _("data-sheet-{id}.html").format(id=request.org_id)
    return _("data-sheets.html")


def sheets_for(
    data: Dataset, request: SheetRequest, root: Path | None
) -> tuple[list[Organisation], str]:
    """The organisations asked for and their sheets as HTML."""
    from mokoord.register import filter_organisations, get_org

    if request.org_id and request.all:
        raise UsageError(_("name one organisation's id, or --all, not both"))
    if request.org_id:
        if request.filters != Filters():
            raise UsageError(_("filters select organisations for --all; leave them out with an id"))
        orgs = [get_org(data, request.org_id)]
    elif request.all:
        orgs = filter_organisations(data, request.filters, request.today)
        if not orgs:
            raise UsageError(_("no organisation matches these filters"))
    else:
        raise UsageError(
            _("name an organisation's id, or --all for every organisation the filters select")
        )
    return orgs, sheet_html(data, orgs, request.today, root)


# --------------------------------------------------------------------------- verified


@dataclass(frozen=True)
class VerifiedRequest:
    """``mokoord verified ID [--date D] [--topic T]``."""

    org_id: str
    on: dt.date
    topics: tuple[str, ...] = ()
    today: dt.date = field(default_factory=dt.date.today)


def plan_verified(
    org: Organisation,
    contacts: Iterable[Contact],
    request: VerifiedRequest,
    config: Config,
    taken: Container[str] = (),
) -> Plan:
    """``last_verified`` set to the day of the visit and, unless a visit with the
    organisation was logged that day already, a contact (channel visit), in one commit.

    ``contacts``: the contacts of that day (any organisation)."""
    from mokoord.contacts import check_contact_date, new_contact_id
    from mokoord.validation import validate_input
    from mokoord.vocab import resolve_all

    on = request.on
    check_contact_date(on, planned=False, today=request.today)
    if org.last_verified is not None and org.last_verified > on:
        raise UsageError(
            _("{id} was verified on {date}, after {day}").format(
                id=org.id, date=formatting.date(org.last_verified), day=formatting.date(on)
            ),
            hint=_("a later verification stays; log an earlier visit with `mokoord add-contact`"),
        )
    topics = resolve_all(config, "topics", request.topics, flag="--topic")
    plan = Plan(action=f"verified {org.id} ({on.isoformat()})")
    if org.last_verified != on:
        new = validate_input(Organisation, {**plain(org), "last_verified": on})
        plan.writes.append(Write(new, previous=org))
    logged = [
        c
        for c in contacts
        if c.date == on and org.id in c.organisations and c.channel == "visit" and not c.planned
    ]
    day = formatting.date(on)
    if logged:
        plan.result = logged[0].id
        plan.summary = (
            _("{id} verified on {date}; the visit was logged already ({contact})")
            if plan.writes
            else _("{id} was verified on {date} already; the visit is logged ({contact})")
        ).format(id=org.id, date=day, contact=logged[0].id)
        return plan
    contact = validate_input(
        Contact,
        {
            "id": new_contact_id(on, taken),
            "date": on,
            "organisations": [org.id],
            "channel": "visit",
            "initiated_by": "office",
            "topics": topics,
            "summary": in_language(config.language, VISIT_SUMMARY),
        },
    )
    plan.writes.append(Write(contact))
    plan.result = contact.id
    plan.summary = _("{id} verified on {date}; visit logged as contact {contact}").format(
        id=org.id, date=day, contact=contact.id
    )
    return plan
