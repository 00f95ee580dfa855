"""The funding commands' requests, planners and JSON rows: programmes and applications.

The rules they apply are in :mod:`mokoord.funding`. Pure functions; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mokoord import funding
from mokoord.activities import (
    build_record,
    check_year,
    declined_warnings,
    record_path,
    require_org,
)
from mokoord.dataset import Dataset, plain
from mokoord.errors import UsageError
from mokoord.formatting import money
from mokoord.i18n import _, ngettext
from mokoord.models import Application, Config, Programme
from mokoord.models.funding import SUBMITTED_STATUSES
from mokoord.plans import Plan, Write
from mokoord.slugs import MAX_ID_LENGTH, is_valid_id, slugify, unique

# --------------------------------------------------------------------------- programmes


@dataclass(frozen=True)
class ProgrammeRequest:
    """``mokoord add-programme``: one programme with its first funding line.

    ``per``, ``line_kind`` and ``eligible`` by key or label; ``deadlines`` as
    typed (``"31.03.2024 Projektanträge"``: a date, optionally a note)."""

    name: str
    id: str | None = None
    funder: str | None = None
    max_amount: Decimal | None = None
    per: str = "project"
    max_amount_without_rooms: Decimal | None = None
    line_kind: str = "project"
    line_id: str | None = None
    line_name: str | None = None
    eligible: tuple[str, ...] = ()
    budget: Decimal | None = None
    deadlines: tuple[str, ...] = ()
    website: str | None = None
    notes: str | None = None


def parse_deadline(text: str, flag: str = "--deadline") -> dict[str, Any]:
    """``31.03.2024 Projektanträge`` → ``{"date": …, "note": "Projektanträge"}``."""
    from mokoord.dates import parse_date

    day_text, _sep, note = text.strip().partition(" ")
    try:
        day = parse_date(day_text)
    except ValueError as exc:
        raise UsageError(_("{flag}: {reason}").format(flag=flag, reason=exc)) from None
    return {"date": day, "note": note.strip() or None}


def plan_programme(config: Config, request: ProgrammeRequest, taken: Container[str]) -> Plan:
    """A new programme with one funding line."""
    from mokoord.vocab import resolve, resolve_all

    if request.id is not None and not is_valid_id(request.id):
        raise UsageError(
            _("--id: '{id}' is not an id (lower-case words joined by -)").format(id=request.id)
        )
    kind = resolve(config, "line_kinds", request.line_kind, flag="--line-kind")
    line = {
        "id": request.line_id or kind.replace("_", "-"),
        "name": request.line_name or funding.default_line_name(kind, config.language),
        "kind": kind,
        "max_amount": request.max_amount,
        "per": resolve(config, "periods", request.per, flag="--per"),
        "max_amount_without_rooms": request.max_amount_without_rooms,
        "eligible_legal_forms": resolve_all(
            config, "legal_forms", request.eligible, flag="--eligible"
        ),
    }
    base = slugify(request.name, max_length=MAX_ID_LENGTH - 3) or "programme"
    programme = build_record(
        Programme,
        {
            "id": request.id or unique(base, taken),
            "name": request.name,
            "funder": request.funder,
            "annual_budget": request.budget,
            "lines": [line],
            "deadlines": [parse_deadline(text) for text in request.deadlines],
            "website": request.website,
            "notes": request.notes,
        },
    )
    return Plan(
        action=f"add-programme {programme.id}",
        writes=[Write(programme)],
        result=programme,
        summary=_("programme {id} recorded in {path}").format(
            id=programme.id, path=record_path(programme)
        ),
    )


def programme_row(programme: Programme) -> dict[str, Any]:
    """A programme as stable JSON keys (documented in docs/activities.md)."""
    return {
        "id": programme.id,
        "name": programme.name,
        "funder": programme.funder,
        "annual_budget": programme.annual_budget,
        "lines": [
            {
                "id": line.id,
                "name": line.name,
                "kind": line.kind,
                "max_amount": line.max_amount,
                "per": line.per,
                "max_amount_without_rooms": line.max_amount_without_rooms,
                "eligible_legal_forms": funding.eligible_forms(line),
            }
            for line in programme.lines
        ],
        "deadlines": [
            {"date": d.date, "note": d.note, "line": d.line} for d in programme.deadlines
        ],
    }


def programmes_sorted(data: Dataset) -> list[Programme]:
    return sorted(data.programmes.values(), key=lambda p: p.name.casefold())


def programme_line_rows(data: Dataset, today: dt.date) -> list[dict[str, Any]]:
    """One row per funding line, for tables and sheets: the line's limits and its
    next deadline (``deadline_ahead``), else the last one."""
    rows = []
    for programme in programmes_sorted(data):
        for index, line in enumerate(programme.lines):
            deadline = funding.next_deadline(programme, line.id, first=index == 0, today=today)
            rows.append(
                {
                    "programme": programme.id,
                    "programme_name": programme.name,
                    "line": line.id,
                    "line_name": line.name,
                    "kind": line.kind,
                    "max_amount": line.max_amount,
                    "per": line.per,
                    "max_amount_without_rooms": line.max_amount_without_rooms,
                    "eligible_legal_forms": funding.eligible_forms(line),
                    "deadline": deadline[0] if deadline else None,
                    "deadline_ahead": deadline[1] if deadline else None,
                }
            )
    return rows


# --------------------------------------------------------------------------- new applications


@dataclass(frozen=True)
class ApplicationRequest:
    """``mokoord add-application``; ``status`` by key or label, ``line`` by id or name."""

    organisation: str
    programme: str
    year: int
    title: str
    requested: Decimal
    today: dt.date
    status: str = "idea"
    supported: bool = False
    line: str | None = None
    months: int | None = None
    granted: Decimal | None = None
    deadline: dt.date | None = None
    submitted: dt.date | None = None
    decided: dt.date | None = None
    notes: str | None = None


def plan_application(data: Dataset, request: ApplicationRequest, taken: Container[str]) -> Plan:
    """A new application, refused when it breaks a funding rule (:mod:`mokoord.funding`)."""
    check_year(request.year)
    require_org(data, request.organisation)
    programme = funding.require_programme(data, request.programme)
    line = funding.resolve_line(programme, request.line)
    months = request.months
    if line.per != "month" and months is not None:
        raise UsageError(
            _("--months is for monthly lines; line '{line}' is {period}").format(
                line=line.id, period=funding.period_label(line.per)
            )
        )
    if line.per == "month" and months is None:
        months = funding.DEFAULT_MONTHS
    status = funding.resolve_status(data.config, request.status)
    if status in ("granted", "proof_filed") and request.granted is None:
        raise UsageError(
            _("--status {status} needs --granted EUR").format(status=funding.status_label(status))
        )
    if request.granted is not None and status not in ("granted", "proof_filed"):
        raise UsageError(_("--granted needs --status granted"))
    new_id = funding.application_id(request.year, request.organisation, request.title, taken)
    record = build_record(
        Application,
        {
            "id": new_id,
            "organisation": request.organisation,
            "programme": programme.id,
            "line": line.id if request.line is not None or len(programme.lines) > 1 else None,
            "year": request.year,
            "title": request.title,
            "requested": request.requested,
            "months": months,
            "granted": request.granted,
            "status": status,
            "supported": request.supported,
            "deadline": request.deadline,
            **_new_dates(new_id, request, status),
            "notes": request.notes,
        },
    )
    funding.check_rules(data, record)
    limit = funding.limit_for(line, programme, data.organisations[request.organisation], months)
    summary = _("application {id} recorded in {path}").format(
        id=record.id, path=record_path(record)
    )
    if limit is not None:
        summary = _("{summary}; limit: {limit}").format(summary=summary, limit=limit.text)
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"add-application {record.id} ({request.organisation}, {programme.id})",
            writes=[Write(record)],
            problems=declined_warnings(data, [request.organisation], record),
            result=record,
            summary=summary,
        ),
        data,
        today=request.today,
    )


def _new_dates(app_id: str, request: ApplicationRequest, status: str) -> dict[str, Any]:
    """``submitted`` and ``decided`` of a new application in ``status``."""
    dates: dict[str, Any] = {"submitted": request.submitted}
    if status == "submitted":
        dates["submitted"] = funding.status_date(
            app_id,
            request.year,
            status,
            request.submitted,
            request.today,
            field="submitted",
            flag="--submitted",
        )
    if status in SUBMITTED_STATUSES - {"submitted"}:
        dates["decided"] = funding.status_date(
            app_id,
            request.year,
            "granted",
            request.decided,
            request.today,
            field="decided",
            flag="--decided",
        )
    elif request.decided is not None:
        raise UsageError(_("--decided is for granted or rejected applications"))
    return dates


# --------------------------------------------------------------------------- changing one


@dataclass(frozen=True)
class ApplicationChange:
    """``mokoord application ID --status … --granted … --date …`` and the rest."""

    application_id: str
    today: dt.date
    status: str | None = None
    granted: Decimal | None = None
    requested: Decimal | None = None
    on: dt.date | None = None
    """When the new status was reached (``--date``)."""
    supported: bool | None = None
    deadline: dt.date | None = None
    notes: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to change: the command shows the application."""
        return all(
            value is None
            for value in (
                self.status,
                self.granted,
                self.requested,
                self.on,
                self.supported,
                self.deadline,
                self.notes,
            )
        )


def plan_application_change(app: Application, data: Dataset, request: ApplicationChange) -> Plan:
    """``app`` with its new status (and the date it was reached), amounts and notes."""
    status = funding.resolve_status(data.config, request.status) if request.status else None
    changes = funding.change_status(
        app,
        status,
        granted=request.granted,
        requested=request.requested,
        on=request.on,
        today=request.today,
    )
    for key in ("supported", "deadline", "notes"):
        if getattr(request, key) is not None:
            changes[key] = getattr(request, key)
    new = build_record(Application, {**plain(app), **changes})
    action = f"application {app.id}"
    if new == app:
        return Plan(action, summary=_("{id}: nothing to change").format(id=app.id))
    funding.check_rules(data, new)
    summary = _("{id}: status {status}").format(id=new.id, status=funding.status_label(new.status))
    if new.granted is not None:
        summary = _("{summary}, granted {amount}").format(
            summary=summary, amount=money(new.granted)
        )
    from mokoord.checks import checked

    return checked(
        Plan(
            action=f"{action}: "
            + (f"{app.status} -> {new.status}" if new.status != app.status else "updated"),
            writes=[Write(new, previous=app)],
            result=new,
            summary=summary,
        ),
        data,
        today=request.today,
    )


# --------------------------------------------------------------------------- listing


def filter_applications(
    data: Dataset,
    *,
    open_only: bool = False,
    year: int | None = None,
    org: str | None = None,
    programme: str | None = None,
) -> list[Application]:
    """Applications matching every given filter, by year and organisation."""
    check_year(year)
    found = sorted(data.applications.values(), key=funding.sort_key)
    return [
        a
        for a in found
        if (not open_only or funding.is_open(a))
        and (year is None or a.year == year)
        and (org is None or a.organisation == org)
        and (programme is None or a.programme == programme)
    ]


def application_row(data: Dataset, app: Application, *, for_people: bool = False) -> dict[str, Any]:
    """An application as stable JSON keys (documented in docs/activities.md);
    ``for_people`` adds ``line_name`` for tables and sheets."""
    programme = data.programmes.get(app.programme)
    organisation = data.organisations.get(app.organisation)
    line = programme.line(app.line) if programme else None
    limit = (
        funding.limit_for(line, programme, organisation, app.months)
        if programme and line and organisation
        else None
    )
    row = {
        "id": app.id,
        "organisation": app.organisation,
        "organisation_name": organisation.name if organisation else None,
        "programme": app.programme,
        "programme_name": programme.name if programme else None,
        "line": line.id if line else app.line,
        "year": app.year,
        "title": app.title,
        "requested": app.requested,
        "months": app.months,
        "granted": app.granted,
        "limit": limit.amount if limit else None,
        "status": app.status,
        "supported": app.supported,
        "deadline": app.deadline,
        "submitted": app.submitted,
        "decided": app.decided,
        "proof_filed": app.proof_filed,
    }
    if for_people:
        row["line_name"] = line.name if line else app.line
    return row


def applications_summary(apps: list[Application]) -> str:
    """``3 applications; requested 3.650,50 €, granted 1.000,00 €``."""
    requested = sum((a.requested for a in apps), Decimal(0))
    granted = sum((a.granted or Decimal(0) for a in apps), Decimal(0))
    return ngettext(
        "{n} application; requested {requested}, granted {granted}",
        "{n} applications; requested {requested}, granted {granted}",
        len(apps),
    ).format(n=len(apps), requested=money(requested), granted=money(granted))


__all__ = [
    "ApplicationChange",
    "ApplicationRequest",
    "ProgrammeRequest",
    "application_row",
    "applications_summary",
    "filter_applications",
    "parse_deadline",
    "plan_application",
    "plan_application_change",
    "plan_programme",
    "programme_line_rows",
    "programme_row",
]
