"""Funding programmes and applications: the rules of §2.2, status changes and their dates.

Pure functions over models and :class:`~mokoord.dataset.Dataset`; no I/O. The
requests, planners and JSON rows of the funding commands are in
:mod:`mokoord.funding_plans`.

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

The dates the evaluation counts by are never guessed: a decision
(granted, rejected) needs its date, and today is taken for a submission or a
proof of use only for an application of this year or a later one
(:class:`DateNeeded`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mokoord.errors import MokoordError, NotFound, UsageError
from mokoord.formatting import money
from mokoord.i18n import N_, _, in_language
from mokoord.models import Application, FundingLine, Organisation, Programme
from mokoord.models.funding import OPEN_APPLICATION_STATUSES
from mokoord.slugs import MAX_ID_LENGTH, slugify, unique
from mokoord.textmatch import fold

if TYPE_CHECKING:
    from collections.abc import Container

    from mokoord.dataset import Dataset
    from mokoord.models import Config

REGISTERED_ASSOCIATION = "registered_association"
DEFAULT_MONTHS = 12
INACTIVE_STATUSES = frozenset({"withdrawn", "rejected"})
"""Applications that no longer count against a yearly limit."""
DECISIONS = frozenset({"granted", "rejected"})


# --------------------------------------------------------------------------- limits and rules


@dataclass(frozen=True)
class Violation:
    """One funding rule an application breaks."""

    rule: str
    """``funding-limit``, ``funding-limit-without-rooms`` or ``funding-eligibility``."""
    field: str
    """The application's field it concerns (``requested``, ``granted``, ``organisation``)."""
    message: str

    def format(self) -> str:
        return _("{message} [rule {rule}]").format(message=self.message, rule=self.rule)


class FundingRuleBroken(MokoordError):
    """An application that breaks a funding rule; the message names each rule."""

    def __init__(self, application_id: str, found: list[Violation]) -> None:
        lines = "\n".join(f"  - {violation.format()}" for violation in found)
        super().__init__(
            _("application {id} breaks the funding rules:").format(id=application_id)
            + "\n"
            + lines,
            hint=_(
                "the limits and eligible legal forms are in the programme's file in programmes/; "
                "correct the amount, or record the organisation's legal form and rooms first"
            ),
        )
        self.violations = found


@dataclass(frozen=True)
class Limit:
    """The upper limit that applies to one application."""

    amount: Decimal
    rule: str
    text: str
    """The rule in words: ``at most 100,00 € a month × 12 months … without rooms of their own``."""


def has_own_rooms(org: Organisation) -> bool:
    return bool(org.rooms and org.rooms.own)


def line_names(programme: Programme) -> str:
    """``Institutionelle Förderung (institutional), Projektförderung (project)``."""
    return ", ".join(f"{line.name} ({line.id})" for line in programme.lines)


def resolve_line(programme: Programme, typed: str | None) -> FundingLine:
    """The line an application is for, by id or name (any case or accents, a unique
    beginning); a clear error when it is unknown or unsaid."""
    from mokoord.models import Label
    from mokoord.vocab import match

    line = programme.line(typed)
    if line is not None:
        return line
    if typed is None:
        raise UsageError(
            _(
                "programme '{programme}' has several funding lines; choose one with --line ({lines})"
            ).format(programme=programme.id, lines=line_names(programme))
        )
    found = match({item.id: Label(de=item.name) for item in programme.lines}, typed)
    if len(found) == 1:
        return programme.lines[[item.id for item in programme.lines].index(found[0])]
    raise UsageError(
        _("--line: programme '{programme}' has no funding line '{line}' (it has: {lines})").format(
            programme=programme.id, line=typed, lines=line_names(programme)
        )
    )


def period_label(per: str) -> str:
    """The period of a limit in the current language ("je Monat")."""
    from mokoord.models.meta import FIXED_VOCABULARIES

    return _(FIXED_VOCABULARIES["periods"][per])


def limit_for(
    line: FundingLine, programme: Programme, org: Organisation, months: int | None
) -> Limit | None:
    """The limit for an application by ``org`` on ``line``, or ``None`` when there is none."""
    without_rooms = line.max_amount_without_rooms is not None and not has_own_rooms(org)
    base = line.max_amount_without_rooms if without_rooms else line.max_amount
    if base is None:
        return None
    rule = "funding-limit-without-rooms" if without_rooms else "funding-limit"
    count = months or DEFAULT_MONTHS
    amount = base * count if line.per == "month" else base
    if line.per == "month":
        text = _("at most {amount} a month × {months} months = {total}").format(
            amount=money(base), months=count, total=money(amount)
        )
    else:
        text = _("at most {amount} {period}").format(
            amount=money(base), period=period_label(line.per)
        )
    if without_rooms:
        text = _("{limit} for organisations without rooms of their own").format(limit=text)
    text = _("{limit} (programme '{programme}', line '{line}')").format(
        limit=text, programme=programme.id, line=line.id
    )
    if line.per == "month" and not months:
        text = _("{limit} (no months given: a full year assumed)").format(limit=text)
    return Limit(amount, rule, text)


def eligible_forms(line: FundingLine) -> list[str]:
    """The legal forms that may apply on a line; empty means any."""
    if line.eligible_legal_forms:
        return list(line.eligible_legal_forms)
    if line.kind == "institutional":
        return [REGISTERED_ASSOCIATION]
    return []


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def violations(
    app: Application,
    programme: Programme,
    org: Organisation,
    *,
    others: Iterable[Application] = (),
    legal_form_label: Callable[[str], str] | None = None,
) -> list[Violation]:
    """Every funding rule ``app`` breaks (empty when it keeps them all).

    ``others`` are the store's other applications (for yearly limits).
    ``legal_form_label`` maps a legal-form term to its label for messages.
    """
    line = programme.line(app.line)
    if line is None:
        return []  # unknown or unsaid line: reported by the reference check
    found: list[Violation] = []
    name = legal_form_label or (lambda term: term)
    forms = eligible_forms(line)
    if forms and org.legal_form not in forms:
        what = (
            _("institutional funding of programme '{programme}'")
            if line.kind == "institutional"
            else _("line '{line}' of programme '{programme}'")
        ).format(programme=programme.id, line=line.id)
        has = (
            _("'{org}' has the legal form {form}").format(org=org.id, form=name(org.legal_form))
            if org.legal_form
            else _("'{org}' has no legal form recorded").format(org=org.id)
        )
        message = _("{what} goes only to {allowed}; {has}").format(
            what=what, allowed=_or_list([name(form) for form in forms]), has=has
        )
        found.append(Violation("funding-eligibility", "organisation", message))
    limit = limit_for(line, programme, org, app.months)
    if limit is not None:
        for field_name in ("requested", "granted"):
            violation = _above_limit(app, field_name, line, limit, others)
            if violation is not None:
                found.append(violation)
    return found


def _above_limit(
    app: Application,
    field_name: str,
    line: FundingLine,
    limit: Limit,
    others: Iterable[Application],
) -> Violation | None:
    from mokoord.models.meta import field_label_id

    amount: Decimal | None = getattr(app, field_name)
    if amount is None:
        return None
    same = []
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
    total = amount + sum((getattr(o, field_name) or Decimal(0) for o in same), Decimal(0))
    if total <= limit.amount:
        return None
    label = _(field_label_id(Application, field_name))
    if same:
        message = _(
            "{field} {amount} (together with {ids}: {total}) is above the limit: {limit}"
        ).format(
            field=label,
            amount=money(amount),
            ids=", ".join(o.id for o in same),
            total=money(total),
            limit=limit.text,
        )
    else:
        message = _("{field} {amount} is above the limit: {limit}").format(
            field=label, amount=money(amount), limit=limit.text
        )
    return Violation(limit.rule, field_name, message)


def check_rules(data: Dataset, app: Application) -> None:
    """Raise :class:`FundingRuleBroken` when ``app`` breaks a rule of its programme
    (an application whose programme or organisation is unknown is left to ``check``)."""
    from mokoord.vocab import label

    programme = data.programmes.get(app.programme)
    org = data.organisations.get(app.organisation)
    if programme is None or org is None:
        return
    found = violations(
        app,
        programme,
        org,
        others=data.applications.values(),
        legal_form_label=lambda term: label(data.config, "legal_forms", term),
    )
    if found:
        raise FundingRuleBroken(app.id, found)


# --------------------------------------------------------------------------- ids, programmes


def application_id(year: int, org_id: str, title: str, taken: Container[str]) -> str:
    """``<year>-<organisation>-<title>``, shortened to fit, unique among ``taken``."""
    base = slugify(f"{org_id} {title}", max_length=MAX_ID_LENGTH - 5 - 4) or org_id[:60]
    return unique(f"{year}-{base}", taken)


def require_programme(data: Dataset, programme_id: str) -> Programme:
    """The programme with this id; the error lists the programmes there are."""
    programme = data.programmes.get(programme_id)
    if programme is not None:
        return programme
    broken = data.unreadable("programme", programme_id)
    if broken is not None:
        raise broken
    known = ", ".join(f"{p.id} ({p.name})" for p in sorted(data.programmes.values(), key=_by_id))
    raise NotFound(
        _("--programme: no programme with id '{id}' (known: {known})").format(
            id=programme_id, known=known or _("none yet")
        ),
        hint=_("add it with `mokoord add-programme`"),
    )


def _by_id(programme: Programme) -> str:
    return programme.id


def default_line_name(kind: str, lang: str) -> str:
    """A funding line's name from its kind, in the store's language ("Projektförderung")."""
    from mokoord.models.meta import FIXED_VOCABULARIES

    text = in_language(lang, FIXED_VOCABULARIES["line_kinds"][kind])
    return text[:1].upper() + text[1:]


def next_deadline(
    programme: Programme, line_id: str, *, first: bool, today: dt.date
) -> tuple[dt.date, bool] | None:
    """The next deadline of a line (programme-wide ones count for its first line) and
    ``True``; else the last one there was and ``False``; ``None`` without any."""
    dates = sorted(
        d.date for d in programme.deadlines if d.line == line_id or (d.line is None and first)
    )
    upcoming = [day for day in dates if day >= today]
    if upcoming:
        return upcoming[0], True
    return (dates[-1], False) if dates else None


# --------------------------------------------------------------------------- statuses and dates


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
"""The date field a status change fills in."""

STATUS_ALIASES = {"refused": "rejected", "refuse": "rejected"}
"""Other words people use for a status (the labels are matched anyway)."""

DATE_QUESTIONS = {
    "submitted": N_("Submitted on (e.g. 14.03.2023)"),
    "decided": N_("Decided on (e.g. 14.03.2023)"),
    "proof_filed": N_("Proof of use filed on (e.g. 14.03.2023)"),
}


def resolve_status(config: Config, typed: str, flag: str = "--status") -> str:
    """A status of an application by key, German or English label, or ``refused``."""
    from mokoord.vocab import resolve

    alias = STATUS_ALIASES.get(fold(typed).strip())
    return alias or resolve(config, "application_statuses", typed.replace("-", "_"), flag=flag)


def status_label(status: str) -> str:
    from mokoord.models.meta import FIXED_VOCABULARIES

    msgid = FIXED_VOCABULARIES["application_statuses"].get(status)
    return _(msgid) if msgid else status


class DateNeeded(UsageError):
    """A status that needs its date, which was not given (and is not to be guessed).

    ``field`` names the request's field to fill, ``flag`` the option that gives it
    and ``question`` (a msgid) how to ask for it in a terminal.
    """

    def __init__(
        self, app_id: str, date_field: str, *, field: str, flag: str, year: int | None
    ) -> None:
        if date_field == "decided":
            message = _("{id}: the date of the decision is missing; give it with {flag}")
            hint = _("a decision is counted in the year it was made, so today is never assumed")
        else:
            message = _("{id} is an application for {year}; give the date with {flag}")
            hint = _("today is assumed only for an application of this year or a later one")
        super().__init__(message.format(id=app_id, flag=flag, year=year), hint=hint)
        self.field = field
        self.flag = flag
        self.question = DATE_QUESTIONS[date_field]


def status_date(
    app_id: str,
    year: int,
    status: str,
    given: dt.date | None,
    today: dt.date,
    *,
    field: str,
    flag: str,
) -> dt.date:
    """The date a status was reached: ``given``; else today, but never for a
    decision and never for an application of an earlier year (:class:`DateNeeded`)."""
    if given is not None:
        return given
    date_field = STATUS_DATE_FIELD[status]
    if date_field == "decided" or year < today.year:
        raise DateNeeded(app_id, date_field, field=field, flag=flag, year=year)
    return today


def change_status(
    app: Application,
    status: str | None,
    *,
    granted: Decimal | None = None,
    requested: Decimal | None = None,
    on: dt.date | None,
    today: dt.date,
) -> dict[str, Any]:
    """The field changes for a status update (validated by the caller's model).

    ``on`` is the date the new status was reached (``--date``); it fills
    ``submitted``, ``decided`` or ``proof_filed`` (see :func:`status_date`).
    Raises :class:`UsageError` for a transition that makes no sense.
    """
    changes: dict[str, Any] = {}
    if status is not None and status != app.status:
        allowed = TRANSITIONS[app.status]
        if status not in allowed:
            raise UsageError(
                _("{id} is {status}; it can become {allowed}, not {new}").format(
                    id=app.id,
                    status=status_label(app.status),
                    allowed=_or_list([status_label(s) for s in allowed]),
                    new=status_label(status),
                )
            )
        changes["status"] = status
    new_status = changes.get("status", app.status)
    if granted is not None:
        if new_status not in ("granted", "proof_filed"):
            raise UsageError(
                _("--granted needs --status granted ({id} is {status})").format(
                    id=app.id, status=status_label(new_status)
                )
            )
        changes["granted"] = granted
    elif new_status == "granted" and app.granted is None:
        raise UsageError(_("--status granted needs the amount: add --granted EUR"))
    if requested is not None:
        changes["requested"] = requested
    if "status" in changes:
        changes.update(_status_dates(app, new_status, on, today))
    return changes


def _status_dates(
    app: Application, status: str, on: dt.date | None, today: dt.date
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    date_field = STATUS_DATE_FIELD.get(status)
    undo = status == "granted" and app.status == "proof_filed"
    if date_field is not None and not undo:
        changes[date_field] = status_date(
            app.id, app.year, status, on, today, field="on", flag="--date"
        )
    if status == "submitted" and app.status in ("idea", "draft", "rejected"):
        changes["decided"] = None
    if status in ("rejected", "idea", "draft", "submitted", "withdrawn"):
        changes["granted"] = None
    if undo:
        changes["proof_filed"] = None
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
    "DateNeeded",
    "FundingRuleBroken",
    "Limit",
    "Violation",
    "application_id",
    "change_status",
    "check_rules",
    "eligible_forms",
    "has_own_rooms",
    "is_open",
    "limit_for",
    "next_deadline",
    "require_programme",
    "resolve_line",
    "resolve_status",
    "status_date",
    "violations",
]
