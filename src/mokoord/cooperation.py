"""Cooperations, networks and umbrella bodies, and room matching (§2.3, §3.2 tasks 9-10).

Pure functions over models and :class:`~mokoord.dataset.Dataset`; no I/O, no printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from mokoord.activities import (
    build_record,
    check_year,
    partner_name,
    record_path,
    require_org,
    require_partner,
)
from mokoord.dataset import Dataset, plain
from mokoord.errors import NotFound, UsageError
from mokoord.i18n import _, ngettext
from mokoord.models import Cooperation, Network, Organisation
from mokoord.plans import FileWrite, Plan, Write
from mokoord.slugs import MAX_ID_LENGTH, is_valid_id, slugify, unique
from mokoord.textmatch import fold

ROOMS_NEED = "rooms"
EXCLUDED_FROM_ROOMS = frozenset({"declined", "dissolved", "inactive"})
"""Organisations in these statuses are left out of room matching."""
NO_DISTRICT = ""


# --------------------------------------------------------------------------- cooperations


def cooperation_id(since: dt.date, org_id: str, partner: str, taken: Container[str]) -> str:
    """``<year>-<organisation>-<partner>``, shortened to fit, unique among ``taken``."""
    base = slugify(f"{org_id} {partner}", max_length=MAX_ID_LENGTH - 5 - 3)
    return unique(f"{since.year}-{base}", taken)


@dataclass(frozen=True)
class CooperationRequest:
    """``mokoord add-cooperation``."""

    organisation: str
    partner: str
    since: dt.date
    topic: str
    until: dt.date | None = None
    notes: str | None = None


def plan_cooperation(data: Dataset, request: CooperationRequest, taken: Container[str]) -> Plan:
    """A new cooperation; never with itself, never with a declined organisation (§2.4)."""
    organisation = require_org(data, request.organisation)
    require_partner(data, request.partner)
    if request.partner == request.organisation:
        raise UsageError(_("an organisation cannot cooperate with itself"))
    for side in (organisation, data.organisations.get(request.partner)):
        if side is not None and side.status == "declined":
            raise UsageError(
                _(
                    "{id} is declined (§2.4: {reason}); the office does not cooperate with it"
                ).format(id=side.id, reason=side.status_reason or "–")
            )
    coop = build_record(
        Cooperation,
        {
            "id": cooperation_id(request.since, request.organisation, request.partner, taken),
            "organisation": request.organisation,
            "partner": request.partner,
            "since": request.since,
            "until": request.until,
            "topic": request.topic,
            "notes": request.notes,
        },
    )
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-cooperation {coop.id}",
            writes=[Write(coop)],
            result=coop,
            summary=_("cooperation {id} recorded in {path}").format(
                id=coop.id, path=record_path(coop)
            ),
        ),
        data,
    )


def active_in(coop: Cooperation, year: int) -> bool:
    """The cooperation ran at some time during ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return coop.since <= end and (coop.until is None or coop.until >= start)


def filter_cooperations(
    data: Dataset, *, year: int | None = None, org: str | None = None
) -> list[Cooperation]:
    """Cooperations running in ``year`` and involving ``org`` (either side), by start."""
    check_year(year)
    if org is not None:
        require_org(data, org)
    coops = [
        c
        for c in data.cooperations.values()
        if (year is None or active_in(c, year))
        and (org is None or org in (c.organisation, c.partner))
    ]
    return sorted(coops, key=lambda c: (c.since, c.id))


def cooperation_row(data: Dataset, coop: Cooperation, year: int | None) -> dict[str, Any]:
    """A cooperation as stable JSON keys (documented in docs/activities.md)."""
    return {
        "id": coop.id,
        "organisation": coop.organisation,
        "organisation_name": partner_name(data, coop.organisation),
        "partner": coop.partner,
        "partner_name": partner_name(data, coop.partner),
        "partner_kind": "organisation"
        if coop.partner in data.organisations
        else "institution"
        if coop.partner in data.institutions
        else None,
        "since": coop.since,
        "until": coop.until,
        "topic": coop.topic,
        "new": coop.since.year == year if year is not None else None,
    }


def cooperations_summary(rows: list[dict[str, Any]], year: int | None) -> str:
    """``3 cooperations, 1 new in 2023``."""
    if year is None:
        return ngettext("{n} cooperation", "{n} cooperations", len(rows)).format(n=len(rows))
    new = sum(1 for row in rows if row["new"])
    return ngettext(
        "{n} cooperation, {new} new in {year}", "{n} cooperations, {new} new in {year}", len(rows)
    ).format(n=len(rows), new=new, year=year)


# --------------------------------------------------------------------------- networks


def network_id(name: str, taken: Container[str]) -> str:
    base = slugify(name, max_length=MAX_ID_LENGTH - 3) or "network"
    return unique(base, taken)


@dataclass(frozen=True)
class NetworkRequest:
    """``mokoord add-network``: kind, level and rhythm by key or label."""

    name: str
    id: str | None = None
    kind: str = "network"
    level: str = "local"
    rhythm: str | None = None
    contact_institution: str | None = None
    website: str | None = None
    notes: str | None = None
    members: tuple[str, ...] = ()


def plan_network(data: Dataset, request: NetworkRequest, taken: Container[str]) -> Plan:
    """A new network, and its members' ``networks`` naming it (one commit)."""
    from mokoord.validation import validate_input
    from mokoord.vocab import resolve

    config = data.config
    kind = resolve(config, "network_kinds", request.kind, flag="--kind")
    level = resolve(config, "levels", request.level, flag="--level")
    rhythm = (
        resolve(config, "meeting_rhythms", request.rhythm, flag="--rhythm")
        if request.rhythm
        else None
    )
    members = list(dict.fromkeys(request.members))
    organisations = [require_org(data, org_id, "--member") for org_id in members]
    institution = request.contact_institution
    if institution is not None and institution not in data.institutions:
        broken = data.unreadable("institution", institution)
        if broken is not None:
            raise broken
        raise NotFound(
            _("--contact-institution: no institution with id '{id}'").format(id=institution)
        )
    if request.id is not None and not is_valid_id(request.id):
        raise UsageError(
            _("--id: '{id}' is not an id (lower-case words joined by -)").format(id=request.id)
        )
    network = build_record(
        Network,
        {
            "id": request.id or network_id(request.name, taken),
            "name": request.name,
            "kind": kind,
            "level": level,
            "meeting_rhythm": rhythm,
            "contact_institution": institution,
            "website": request.website,
            "notes": request.notes,
        },
    )
    writes: list[Write | FileWrite] = [Write(network)]
    for org in organisations:
        if network.id not in org.networks:
            new = validate_input(
                Organisation, {**plain(org), "networks": [*org.networks, network.id]}
            )
            writes.append(Write(new, previous=org))
    summary = _("network {id} recorded in {path}").format(id=network.id, path=record_path(network))
    if members:
        summary = ngettext(
            "{summary} with {n} member", "{summary} with {n} members", len(members)
        ).format(summary=summary, n=len(members))
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-network {network.id}"
            + (f" (members: {', '.join(members)})" if members else ""),
            writes=writes,
            result=network,
            summary=summary,
        ),
        data,
    )


def members(data: Dataset, network: Network) -> list[Organisation]:
    """Organisations that name the network in their ``networks``, by name."""
    return sorted(
        (org for org in data.organisations.values() if network.id in org.networks),
        key=lambda org: fold(org.name),
    )


def network_row(data: Dataset, network: Network) -> dict[str, Any]:
    """A network as stable JSON keys (documented in docs/activities.md)."""
    return {
        "id": network.id,
        "name": network.name,
        "kind": network.kind,
        "level": network.level,
        "meeting_rhythm": network.meeting_rhythm,
        "contact_institution": network.contact_institution,
        "website": network.website,
        "members": [
            {"id": org.id, "name": org.name, "status": org.status} for org in members(data, network)
        ],
    }


def network_rows(data: Dataset) -> list[dict[str, Any]]:
    """Every network, by name."""
    return [
        network_row(data, network)
        for network in sorted(data.networks.values(), key=lambda n: fold(n.name))
    ]


# --------------------------------------------------------------------------- rooms


@dataclass
class DistrictRooms:
    """Organisations in one district that need rooms, and those that offer theirs."""

    district: str
    """A district term; empty for organisations without a district."""
    need: list[Organisation] = field(default_factory=list)
    offer: list[Organisation] = field(default_factory=list)


def needs_rooms(org: Organisation) -> bool:
    return any(need.category == ROOMS_NEED for need in org.open_needs)


def offers_rooms(org: Organisation) -> bool:
    return bool(org.rooms and org.rooms.offered_to_others)


def room_matching(data: Dataset, *, district: str | None = None) -> list[DistrictRooms]:
    """Needing and offering organisations grouped by district (declined ones left out).

    Districts appear in vocabulary order; organisations without a district last.
    """
    groups: dict[str, DistrictRooms] = {}
    for org in data.organisations.values():
        if org.status in EXCLUDED_FROM_ROOMS:
            continue
        need, offer = needs_rooms(org), offers_rooms(org)
        if not (need or offer):
            continue
        key = org.district or NO_DISTRICT
        if district is not None and key != district:
            continue
        group = groups.setdefault(key, DistrictRooms(key))
        if need:
            group.need.append(org)
        if offer:
            group.offer.append(org)
    order = {term: i for i, term in enumerate(data.config.vocabularies.districts)}
    for group in groups.values():
        group.need.sort(key=lambda o: fold(o.name))
        group.offer.sort(key=lambda o: fold(o.name))
    return sorted(
        groups.values(),
        key=lambda g: (g.district == NO_DISTRICT, order.get(g.district, len(order)), g.district),
    )


def rooms_need(org: Organisation) -> tuple[dt.date | None, str | None]:
    """Since when and why an organisation needs rooms (its open need's date and note)."""
    for need in org.open_needs:
        if need.category == ROOMS_NEED:
            return need.since, need.note
    return None, None


def district_label(data: Dataset, district: str) -> str:
    """A district's label in the current language; "without a district" for none."""
    from mokoord.vocab import label

    return label(data.config, "districts", district) if district else _("without a district")


def room_rows(data: Dataset, *, district: str | None = None) -> list[dict[str, Any]]:
    """:func:`room_matching` as stable JSON keys (documented in docs/activities.md)."""
    rows = []
    for group in room_matching(data, district=district):
        need = []
        for org in group.need:
            since, note = rooms_need(org)
            need.append({"id": org.id, "name": org.name, "since": since, "note": note})
        rows.append(
            {
                "district": group.district or None,
                "district_label": district_label(data, group.district),
                "need": need,
                "offer": [
                    {"id": org.id, "name": org.name, "note": org.rooms.note if org.rooms else None}
                    for org in group.offer
                ],
            }
        )
    return rows


def rooms_summary(rows: list[dict[str, Any]]) -> str:
    """``organisations needing rooms: 2, offering theirs: 3``."""
    return _("organisations needing rooms: {need}, offering theirs: {offer}").format(
        need=sum(len(row["need"]) for row in rows), offer=sum(len(row["offer"]) for row in rows)
    )


__all__ = [
    "CooperationRequest",
    "DistrictRooms",
    "NetworkRequest",
    "active_in",
    "cooperation_id",
    "cooperation_row",
    "filter_cooperations",
    "members",
    "network_id",
    "network_row",
    "plan_cooperation",
    "plan_network",
    "room_matching",
    "room_rows",
]
