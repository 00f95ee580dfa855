"""Funding programmes and applications: the limits of §2.2, status changes, lists.

Pure functions over models and :class:`~mokoord.dataset.Dataset`; no I/O.

The funding rules an application must keep (each violation names its rule):

* ``funding-limit``: the requested (and the granted) amount is at most the
  line's ``max_amount`` — per project; per month × the months applied for
  (12 when ``months`` is not given); per year summed over the organisation's
  applications on that line in that year (withdrawn and rejected ones left out);
* ``funding-limit-without-rooms``: for an organisation without rooms of its
  own (``rooms.own`` not true) the line's ``max_amount_without_rooms`` applies
  instead (the foreign residents' council: 200 € a month with rooms, 100 € without);
* ``funding-eligibility``: if the line lists ``eligible_legal_forms``, the
  organisation's legal form must be one of them; institutional funding
  (``kind: institutional``) without such a list goes only to registered
  associations (``registered_association``, e.V.).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mokoord.errors import MokoordError, UsageError
from mokoord.formatting import money
from mokoord.models import Application, FundingLine, Organisation, Programme
from mokoord.models.funding import APPLICATION_STATUSES, OPEN_APPLICATION_STATUSES
from mokoord.slugs import MAX_ID_LENGTH, slugify, unique

REGISTERED_ASSOCIATION = "registered_association"
DEFAULT_MONTHS = 12
INACTIVE_STATUSES = frozenset({"withdrawn", "rejected"})
"""Applications that no longer count against a yearly limit."""

PER_LABELS = {"project": "per project", "month": "a month", "year": "a year"}


@dataclass(frozen=True)
class Violation:
    """One funding rule an application breaks."""

    rule: str
    """``funding-limit``, ``funding-limit-without-rooms`` or ``funding-eligibility``."""
    field: str
    """The application's field it concerns (``requested``, ``granted``, ``organisation``)."""
    message: str

    def format(self) -> str:
        return f"{self.message} [rule {self.rule}]"


class FundingRuleBroken(MokoordError):
    """An application that breaks a funding rule; the message names each rule."""

    def __init__(self, application_id: str, found: list[Violation]) -> None:
        lines = "\n".join(f"  - {violation.format()}" for violation in found)
        super().__init__(
            f"application {application_id} breaks the funding rules:\n{lines}",
            hint="the limits and eligible legal forms are in the programme's file in programmes/; "
            "correct the amount, or record the organisation's legal form and rooms first",
        )
        self.violations = found


@dataclass(frozen=True)
class Limit:
    """The upper limit that applies to one application."""

    amount: Decimal
    rule: str
    text: str
    """The rule in words: ``at most 100,00 € a month × 12 months without own rooms``."""


def has_own_rooms(org: Organisation) -> bool:
    return bool(org.rooms and org.rooms.own)


def resolve_line(programme: Programme, line_id: str | None) -> FundingLine:
    """The line an application is for; a clear error when it is unknown or unsaid."""
    line = programme.line(line_id)
    if line is not None:
        return line
    ids = ", ".join(item.id for item in programme.lines)
    if line_id is None:
        raise UsageError(
            f"programme '{programme.id}' has several funding lines; choose one with --line ({ids})"
        )
    raise UsageError(f"programme '{programme.id}' has no funding line '{line_id}' (it has: {ids})")


def limit_for(
    line: FundingLine, programme: Programme, org: Organisation, months: int | None
) -> Limit | None:
    """The limit for an application by ``org`` on ``line``, or ``None`` when there is none."""
    without_rooms = line.max_amount_without_rooms is not None and not has_own_rooms(org)
    base = line.max_amount_without_rooms if without_rooms else line.max_amount
    if base is None:
        return None
    rule = "funding-limit-without-rooms" if without_rooms else "funding-limit"
    rooms_text = " for organisations without rooms of their own" if without_rooms else ""
    where = f"programme '{programme.id}', line '{line.id}'"
    if line.per == "month":
        count = months or DEFAULT_MONTHS
        assumed = "" if months else " (no months given: a full year assumed)"
        return Limit(
            base * count,
            rule,
            f"at most {money(base)} a month × {count} months = {money(base * count)}"
            f"{rooms_text} ({where}){assumed}",
        )
    return Limit(base, rule, f"at most {money(base)} {PER_LABELS[line.per]}{rooms_text} ({where})")


def eligible_forms(line: FundingLine) -> list[str]:
    """The legal forms that may apply on a line; empty means any."""
    if line.eligible_legal_forms:
        return list(line.eligible_legal_forms)
    if line.kind == "institutional":
        return [REGISTERED_ASSOCIATION]
    return []


def violations(
    app: Application,
    programme: Programme,
    org: Organisation,
    *,
    others: Iterable[Application] = (),
    legal_form_label: Any = None,
) -> list[Violation]:
    """Every funding rule ``app`` breaks (empty when it keeps them all).

    ``others`` are the store's other applications (for yearly limits).
    ``legal_form_label`` maps a legal-form term to its label for messages.
    """
    line = programme.line(app.line)
    if line is None:
        return []  # unknown or unsaid line: reported by the reference check
    found: list[Violation] = []
    forms = eligible_forms(line)
    if forms and org.legal_form not in forms:
        allowed = " or ".join(_form_name(form, legal_form_label) for form in forms)
        what = "institutional funding" if line.kind == "institutional" else f"line '{line.id}'"
        has = (
            f"has legal_form {_form_name(org.legal_form, legal_form_label)}"
            if org.legal_form
            else "has no legal_form recorded"
        )
        found.append(
            Violation(
                "funding-eligibility",
                "organisation",
                f"{what} of programme '{programme.id}' goes only to {allowed}; '{org.id}' {has}",
            )
        )
    limit = limit_for(line, programme, org, app.months)
    if limit is not None:
        for field_name in ("requested", "granted"):
            amount: Decimal | None = getattr(app, field_name)
            if amount is None:
                continue
            total, summed = amount, ""
            if line.per == "year":
                same = [
                    other
                    for other in others
                    if other.id != app.id
                    and other.organisation == app.organisation
                    and other.programme == app.programme
                    and other.year == app.year
                    and (other.line or line.id) == line.id
                    and other.status not in INACTIVE_STATUSES
                ]
                if same:
                    total = amount + sum(
                        (getattr(o, field_name) or Decimal(0) for o in same), Decimal(0)
                    )
                    summed = f" (together with {', '.join(o.id for o in same)}: {money(total)})"
            if total > limit.amount:
                found.append(
                    Violation(
                        limit.rule,
                        field_name,
                        f"{field_name} {money(amount)}{summed} is above the limit: {limit.text}",
                    )
                )
    return found


def _form_name(term: str, legal_form_label: Any) -> str:
    if legal_form_label is None:
        return term
    return f"{term} ({legal_form_label(term)})"


# --------------------------------------------------------------------------- ids and statuses


def application_id(year: int, org_id: str, title: str, taken: set[str]) -> str:
    """``<year>-<organisation>-<title>``, shortened to fit, unique among ``taken``."""
    base = slugify(f"{org_id} {title}", max_length=MAX_ID_LENGTH - 5 - 4) or org_id[:60]
    return unique(f"{year}-{base}", taken)


TRANSITIONS: dict[str, tuple[str, ...]] = {
    "idea": ("draft", "submitted", "withdrawn"),
    "draft": ("idea", "submitted", "withdrawn"),
    "submitted": ("draft", "granted", "rejected", "withdrawn"),
    "granted": ("proof_filed", "withdrawn"),
    "rejected": ("submitted",),
    "proof_filed": ("granted",),
    "withdrawn": ("idea", "draft"),
}
"""Which status may follow which; ``application`` refuses the rest."""

STATUS_DATE_FIELD = {
    "submitted": "submitted",
    "granted": "decided",
    "rejected": "decided",
    "proof_filed": "proof_filed",
}
"""The date field a status change fills in (with --date, default today)."""


def change_status(
    app: Application,
    status: str | None,
    *,
    granted: Decimal | None = None,
    requested: Decimal | None = None,
    on: dt.date,
) -> dict[str, Any]:
    """The field changes for a status update (validated by the caller's model).

    ``on`` is the date the new status was reached; it fills ``submitted``,
    ``decided`` or ``proof_filed``. Raises :class:`UsageError` for a
    transition that makes no sense.
    """
    changes: dict[str, Any] = {}
    if status is not None and status not in APPLICATION_STATUSES:
        raise UsageError(
            f"--status: '{status}' is not a status; use one of {', '.join(APPLICATION_STATUSES)}"
        )
    if status is not None and status != app.status:
        allowed = TRANSITIONS[app.status]
        if status not in allowed:
            raise UsageError(
                f"{app.id} is {app.status}; it can become {', '.join(allowed)}, not {status}"
            )
        changes["status"] = status
        date_field = STATUS_DATE_FIELD.get(status)
        if date_field is not None and not (status == "granted" and app.status == "proof_filed"):
            changes[date_field] = on
        if status == "submitted" and app.status in ("idea", "draft", "rejected"):
            changes["decided"] = None
        if status == "rejected" or status in ("idea", "draft", "submitted", "withdrawn"):
            changes["granted"] = None
        if status == "granted" and app.status == "proof_filed":
            changes["proof_filed"] = None
    new_status = changes.get("status", app.status)
    if granted is not None:
        if new_status not in ("granted", "proof_filed"):
            raise UsageError(
                f"--granted needs --status granted ({app.id} is {new_status})",
            )
        changes["granted"] = granted
    elif new_status == "granted" and app.granted is None:
        raise UsageError("--status granted needs the amount: add --granted EUR")
    if requested is not None:
        changes["requested"] = requested
    return changes


def is_open(app: Application) -> bool:
    """Still to be decided: idea, draft or submitted."""
    return app.status in OPEN_APPLICATION_STATUSES


def sort_key(app: Application) -> tuple[int, str, str]:
    return (app.year, app.organisation, app.id)


__all__ = [
    "DEFAULT_MONTHS",
    "REGISTERED_ASSOCIATION",
    "TRANSITIONS",
    "FundingRuleBroken",
    "Limit",
    "Violation",
    "application_id",
    "change_status",
    "eligible_forms",
    "has_own_rooms",
    "is_open",
    "limit_for",
    "resolve_line",
    "violations",
]
