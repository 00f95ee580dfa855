"""Support needs of an organisation (§2.5): ``add-need`` and ``close-need``.

A need is an entry of the organisation's ``needs``: a category of
``vocabularies.need_categories``, since when, a status (``open``,
``in_progress``, ``met``, ``dropped``) and the day it was closed. One open
need per category. Categories and statuses are typed as keys or labels in
either language (``Räume``, ``rooms``; ``erfüllt``, ``met``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mokoord.dataset import Dataset, plain
from mokoord.errors import UsageError
from mokoord.i18n import _
from mokoord.models import Config, Need, Organisation
from mokoord.plans import Plan, Write
from mokoord.vocab import label, labels, resolve

CLOSING_STATUSES = ("met", "dropped", "in_progress")
"""What ``close-need --status`` may set (``in_progress``: being worked on, still open)."""


@dataclass(frozen=True)
class NeedRequest:
    """``mokoord add-need ID CATEGORY [--since] [--note]``."""

    org_id: str
    category: str
    since: dt.date
    note: str | None = None


def plan_add_need(
    org: Organisation, request: NeedRequest, config: Config, *, data: Dataset | None = None
) -> Plan:
    """A new open need of ``org``; refuses a second open need of one category."""
    category = resolve(config, "need_categories", request.category, flag="CATEGORY")
    shown = label(config, "need_categories", category)
    if any(need.category == category for need in org.open_needs):
        raise UsageError(
            _("{id} has an open need '{need}' already").format(id=org.id, need=shown),
            hint=_("close it with: mokoord close-need {id} {category}").format(
                id=org.id, category=category
            ),
        )
    need = Need(category=category, since=request.since, note=request.note)
    raw = plain(org)
    raw["needs"] = [*raw.get("needs", []), plain(need)]
    new = Organisation.model_validate(raw)
    plan = Plan(
        action=f"add-need {org.id} {category}",
        writes=[Write(new, previous=org)],
        result=new,
        summary=_("{id}: need '{need}' open").format(id=org.id, need=shown),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)


@dataclass(frozen=True)
class CloseNeedRequest:
    """``mokoord close-need ID CATEGORY [--status] [--date] [--note]``."""

    org_id: str
    category: str
    on: dt.date
    status: str = "met"
    note: str | None = None


def plan_close_need(
    org: Organisation, request: CloseNeedRequest, config: Config, *, data: Dataset | None = None
) -> Plan:
    """``org`` with its open need of the category set to met, dropped or in progress."""
    status = resolve(config, "need_statuses", request.status, flag="--status")
    if status not in CLOSING_STATUSES:
        raise UsageError(
            _("--status must be {allowed}, not '{value}'").format(
                allowed=labels(config, "need_statuses", CLOSING_STATUSES), value=request.status
            )
        )
    category = resolve(config, "need_categories", request.category, flag="CATEGORY")
    index = next(
        (i for i, need in enumerate(org.needs) if need.category == category and need.is_open),
        None,
    )
    if index is None:
        open_ = [need.category for need in org.open_needs]
        raise UsageError(
            _("{id} has no open need '{need}' (open needs: {open})").format(
                id=org.id,
                need=label(config, "need_categories", category),
                open=labels(config, "need_categories", open_) if open_ else _("none"),
            )
        )
    raw = plain(org)
    need = dict(raw["needs"][index])
    need["status"] = status
    if status == "in_progress":
        need.pop("closed", None)
    else:
        need["closed"] = request.on
    if request.note:
        need["note"] = f"{need['note']}\n{request.note}" if need.get("note") else request.note
    raw["needs"][index] = need
    new = Organisation.model_validate(raw)
    plan = Plan(
        action=f"close-need {org.id} {category} {status}",
        writes=[Write(new, previous=org)],
        result=new,
        summary=_("{id}: need '{need}' {status}").format(
            id=org.id,
            need=label(config, "need_categories", category),
            status=label(config, "need_statuses", status),
        ),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)
