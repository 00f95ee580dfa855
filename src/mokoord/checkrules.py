"""The checks across records, judging each record's claims (:mod:`mokoord.checkfacts`).

Each check is a function ``(ctx) -> Iterable[Problem]`` (:data:`CHECKS`). It
asks the context for the claims of the records it could find a problem in
(``ctx.claims(kind, wanted)``, where ``wanted`` picks shards by the summary of
their claims) and judges them against the rest of the store, the
configuration and today's date. The same checks judge a whole store
(:func:`mokoord.checks.check_store`) and records about to be written
(:func:`judge_records`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Container, Iterable, Iterator, Set
from decimal import Decimal
from functools import cache
from typing import Any

from mokoord.checkfacts import (
    EITHER,
    FUNDING,
    FUTURES,
    LANGUAGES,
    OPENS,
    REFS,
    REGIONS,
    STATICS,
    TERMS,
    Claims,
    claims_of,
    funding_of,
)
from mokoord.dataset import KINDS, Dataset, plain
from mokoord.errors import Problem, Severity
from mokoord.i18n import N_, _, language
from mokoord.location import CONFIG_FILE
from mokoord.models import Application, Config, Organisation, Programme, Record

Summary = dict[str, Any]
Funding = tuple[str, str, tuple[Any, ...]]
"""An application as the funding rules see it: (file, id, funding claims)."""


class ClaimsContext:
    """What the checks judge claims against: the store's records, configuration and date."""

    def __init__(self, config: Config, today: dt.date, strict: bool) -> None:
        self.config = config
        self.today = today
        self.strict = strict

    def known(self, kind: str) -> Set[str]:
        """The ids records of ``kind`` have."""
        raise NotImplementedError

    def invalid(self, kind: str) -> Container[str]:
        """Ids of files of ``kind`` that exist but do not validate (their own problems say why)."""
        raise NotImplementedError

    def ids(self, kind: str) -> Iterable[str]:
        """Every id of ``kind``, for suggestions."""
        raise NotImplementedError

    def claims(
        self, kind: str, wanted: Callable[[Summary], bool], part: int | None = None
    ) -> Iterator[tuple[str, Claims]]:
        """(file, claims) of the records to judge, in the shards ``wanted`` picks;
        with ``part``, only that part of the claims need be filled."""
        raise NotImplementedError

    def programme(self, programme_id: str) -> Programme | None:
        raise NotImplementedError

    def organisation(self, org_id: str) -> tuple[str | None, bool] | None:
        """An organisation's legal form and whether it has rooms of its own."""
        raise NotImplementedError

    def applications(self) -> list[Funding]:
        """Every application of the store, in the order of its files."""
        raise NotImplementedError

    def reports(self, path: str) -> bool:
        """Whether problems of this file are wanted."""
        return True


Check = Callable[[ClaimsContext], Iterable[Problem]]


def at(path: str, place: tuple[int, int], severity: Severity, code: str, message: str) -> Problem:
    """A problem at a (line, column) of a file."""
    return Problem(path, place[0], place[1], severity, code, message)


# --------------------------------------------------------------------------- references

REFERENCE_MESSAGES = {
    "organisation": N_("no organisation with id '{id}'"),
    "person": N_("no person with id '{id}'"),
    "institution": N_("no institution with id '{id}'"),
    "network": N_("no network with id '{id}'"),
    "programme": N_("no programme with id '{id}'"),
    EITHER: N_("no organisation or institution with id '{id}'"),
}


def _targets(target: str) -> list[str]:
    return [name for name in ("organisation", "institution") if name in target] or [target]


def _missing(
    ctx: ClaimsContext, path: str, line: int, column: int, target: str, value: str
) -> Iterator[Problem]:
    kinds = _targets(target)
    if any(value in ctx.invalid(name) for name in kinds):
        return  # the file exists; its own problems are reported
    known = [key for name in kinds for key in ctx.ids(name)]
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    message = _(REFERENCE_MESSAGES[target]).format(id=value)
    if close:
        message += _("; did you mean '{id}'?").format(id=close[0])
    yield Problem(path, line, column, "error", "unknown-reference", message)


def _refs(ctx: ClaimsContext) -> Iterator[Problem]:
    targets = {
        target: [ctx.known(name) for name in _targets(target)] for target in REFERENCE_MESSAGES
    }

    def found(target: str, value: str) -> bool:
        return any(value in known for known in targets[target])

    def wanted(summary: Summary) -> bool:
        for target, values in summary["refs"].items():
            known = targets[target]
            if not (values <= known[0] or all(found(target, value) for value in values)):
                return True
        return False

    for kind in KINDS:
        for path, claims in ctx.claims(kind, wanted):
            for line, column, target, value in claims[REFS]:
                if not found(target, value):
                    yield from _missing(ctx, path, line, column, target, value)
    for path, _app_id, funding in ctx.applications():
        if ctx.reports(path):
            yield from _programme_line(ctx, path, funding)


def _programme_line(ctx: ClaimsContext, path: str, funding: tuple[Any, ...]) -> Iterator[Problem]:
    programme_id, line_id = funding[1], funding[2]
    at_line, at_programme = funding[10], funding[11]
    programme = ctx.programme(programme_id)
    if programme is None:
        yield from _missing(ctx, path, at_programme[0], at_programme[1], "programme", programme_id)
        return
    lines = ", ".join(line.id for line in programme.lines)
    if line_id is not None and programme.line(line_id) is None:
        message = _("programme '{programme}' has no funding line '{line}' (it has: {lines})")
        yield at(
            path,
            at_line,
            "error",
            "unknown-reference",
            message.format(programme=programme.id, line=line_id, lines=lines),
        )
    elif line_id is None and len(programme.lines) > 1:
        message = _(
            "programme '{programme}' has several funding lines; say which in 'line' ({lines})"
        )
        yield at(
            path,
            at_programme,
            "error",
            "missing-key",
            message.format(programme=programme.id, lines=lines),
        )


# --------------------------------------------------------------------------- dates


def _dates(ctx: ClaimsContext) -> Iterator[Problem]:
    today = ctx.today.isoformat()

    def wanted(summary: Summary) -> bool:
        return bool(summary["latest"] > today or summary["statics"])

    for kind in KINDS:
        for path, claims in ctx.claims(kind, wanted):
            for line, column, day, what, written in claims[FUTURES]:
                if day <= today:
                    continue
                if what:
                    message = _("{what} {value} lies in the future").format(
                        what=what, value=_shown(written)
                    )
                else:
                    message = _(
                        "the contact date {date} lies in the future; "
                        "set planned: true if it is an arranged appointment"
                    ).format(date=_shown(written))
                yield Problem(path, line, column, "error", "future-date", message)
            for line, column, code, message, values in claims[STATICS]:
                yield Problem(path, line, column, "error", code, _(message).format(**values))


def _shown(day: str) -> str:
    """An ISO date as the chosen language writes it (``14.03.2023`` in German); a
    year (``founded: 2031``) as it is."""
    from mokoord.formatting import date

    return date(dt.date.fromisoformat(day)) if len(day) == 10 else day


# --------------------------------------------------------------------------- open ends


def _open_ends(ctx: ClaimsContext) -> Iterator[Problem]:
    settings = ctx.config.settings
    today = ctx.today
    limits = {
        "follow": (today - dt.timedelta(days=settings.follow_up_overdue_days)).isoformat(),
        "planned": today.isoformat(),
        "pending": (today - dt.timedelta(days=settings.referral_pending_days)).isoformat(),
    }

    for path, claims in ctx.claims("contact", lambda summary: True, OPENS):
        for what, line, column, day, institution in claims[OPENS]:
            if day >= limits[what]:
                continue
            days = (today - dt.date.fromisoformat(day)).days
            if what == "follow":
                code = "follow-up-overdue"
                message = _(
                    "follow-up due {due} is open for {days} days; "
                    "set follow_up.done when it is done"
                ).format(due=_shown(day), days=days)
            elif what == "planned":
                code = "planned-passed"
                message = _(
                    "this planned contact's date has passed; record what happened and remove planned"
                )
            else:
                code = "referral-pending"
                message = _(
                    "referral to {institution} pending for {days} days; "
                    "record its outcome (mokoord close-referral)"
                ).format(institution=institution, days=days)
            yield Problem(path, line, column, "warning", code, message)


# --------------------------------------------------------------------------- vocabularies


@cache
def _babel_codes() -> tuple[frozenset[str], frozenset[str]]:
    """The language and country codes a record may hold: the table every command uses."""
    from mokoord import codes

    return codes.language_codes(), codes.country_codes()


def _terms(ctx: ClaimsContext) -> Iterator[Problem]:
    vocab = ctx.config.vocabularies
    severity: Severity = "error" if ctx.strict else "warning"
    declared: dict[str, dict[str, Any]] = {}

    def terms(name: str) -> dict[str, Any]:
        if name not in declared:
            declared[name] = vocab.terms(name)
        return declared[name]

    def checked(name: str) -> bool:  # tags are free until the store declares some
        return name != "tags" or bool(terms(name))

    def wanted(summary: Summary) -> bool:
        return any(
            checked(name) and not used <= terms(name).keys()
            for name, used in summary["terms"].items()
        )

    for kind in KINDS:
        for path, claims in ctx.claims(kind, wanted):
            for line, column, name, term in claims[TERMS]:
                known = terms(name)
                if term in known or not checked(name):
                    continue
                listed = ", ".join(sorted(known)[:12]) + ("…" if len(known) > 12 else "")
                message = _(
                    "'{term}' is not declared in vocabularies.{vocabulary} of {file} "
                    "(declared: {declared})"
                ).format(
                    term=term,
                    vocabulary=name,
                    file=CONFIG_FILE,
                    declared=listed if known else _("none declared"),
                )
                yield Problem(path, line, column, severity, "undeclared-term", message)
    yield from _codes(ctx)


def _codes(ctx: ClaimsContext) -> Iterator[Problem]:
    # Babel's tables are made only when a record holds a code (a new contact holds none)
    def languages() -> frozenset[str]:
        return _babel_codes()[0]

    def territories() -> frozenset[str]:
        return _babel_codes()[1]

    def unknown_language(summary: Summary) -> bool:
        return bool(summary["languages"]) and not summary["languages"] <= languages()

    for kind in ("organisation", "person"):
        for path, claims in ctx.claims(kind, unknown_language):
            for line, column, code in claims[LANGUAGES]:
                if code not in languages():
                    message = _("'{code}' is not an ISO 639 language code").format(code=code)
                    yield Problem(path, line, column, "error", "unknown-language", message)

    def unknown_region(summary: Summary) -> bool:
        return bool(summary["regions"]) and not summary["regions"] <= territories()

    for path, claims in ctx.claims("organisation", unknown_region):
        for line, column, code in claims[REGIONS]:
            if code not in territories():
                message = _("'{code}' is not a country or UN region code").format(code=code)
                yield Problem(path, line, column, "error", "unknown-region", message)


# --------------------------------------------------------------------------- funding rules


def _application(app_id: str, funding: tuple[Any, ...]) -> Application:
    """The application as the funding rules read it, made from its claims."""
    organisation, programme, line, year, status, requested, granted, months = funding[:8]
    return Application.model_validate(
        {
            "id": app_id,
            "title": "-",
            "organisation": organisation,
            "programme": programme,
            "line": line,
            "year": year,
            "status": status,
            "requested": Decimal(requested),
            "granted": None if granted is None else Decimal(granted),
            "months": months,
        }
    )


@cache
def _organisation(org_id: str, legal_form: str | None, own_rooms: bool) -> Organisation:
    """The organisation as the funding rules read it: its legal form and rooms."""
    return Organisation.model_validate(
        {
            "id": org_id,
            "name": "-",
            "legal_form": legal_form,
            "rooms": {"own": True} if own_rooms else None,
        }
    )


def _funding(ctx: ClaimsContext) -> Iterator[Problem]:
    """Applications that break their funding line's limits or eligibility (§2.2)."""
    from mokoord import funding

    vocab = ctx.config.vocabularies
    apps = [
        (path, _application(app_id, claims), claims) for path, app_id, claims in ctx.applications()
    ]
    groups: dict[tuple[str, str, int], list[Application]] = {}
    for _path, app, _claims in apps:
        groups.setdefault((app.organisation, app.programme, app.year), []).append(app)
    for path, app, claims in apps:
        if not ctx.reports(path):
            continue
        programme = ctx.programme(app.programme)
        org = ctx.organisation(app.organisation)
        if programme is None or org is None:
            continue  # reported by _refs
        for violation in funding.violations(
            app,
            programme,
            _organisation(app.organisation, *org),
            others=groups[(app.organisation, app.programme, app.year)],
            legal_form_label=lambda term: vocab.label("legal_forms", term, language()),
        ):
            where = claims[9] if violation.field == "granted" else claims[8]
            yield at(path, where, "error", violation.rule, violation.message)
    yield from _budgets(ctx, apps)


def _budgets(ctx: ClaimsContext, apps: list[tuple[str, Application, Any]]) -> Iterator[Problem]:
    by_year: dict[tuple[str, int], list[tuple[str, Application, Any]]] = {}
    for entry in apps:
        if entry[1].granted is not None:
            by_year.setdefault((entry[1].programme, entry[1].year), []).append(entry)
    for (programme_id, year), granted in by_year.items():
        programme = ctx.programme(programme_id)
        if programme is None or programme.annual_budget is None:
            continue
        total = sum((app.granted or Decimal(0) for _path, app, _claims in granted), Decimal(0))
        if total <= programme.annual_budget:
            continue
        from mokoord.formatting import money

        # once, at the last of the grants this check reports on (in ``check``: the
        # last of them all; for records about to be written: the last of those)
        reported = [entry for entry in granted if ctx.reports(entry[0])]
        if reported:
            path, _last, claims = max(reported, key=lambda entry: entry[1].id)
            message = _(
                "the grants of programme '{programme}' in {year} add up to {total}, "
                "more than its annual budget of {budget}"
            ).format(
                programme=programme_id,
                year=year,
                total=money(total),
                budget=money(programme.annual_budget),
            )
            yield at(path, claims[9], "warning", "budget-exceeded", message)


CHECKS: list[Check] = [_refs, _dates, _open_ends, _terms, _funding]
"""Every check across records, in the order they run."""


# --------------------------------------------------------------------------- records to write


class RecordsContext(ClaimsContext):
    """Records about to be written, judged against a loaded store."""

    def __init__(
        self, data: Dataset, records: list[Record], *, strict: bool, today: dt.date
    ) -> None:
        from mokoord.roundtrip import RoundTripDocument
        from mokoord.yamlio import parse_document

        super().__init__(data.config, today, strict)
        self.data = data
        self.judged: dict[str, list[tuple[str, Claims]]] = {}
        self.new: dict[str, dict[str, Record]] = {}
        self.new_applications: list[Funding] = []
        self._known: dict[str, set[str]] = {}
        for record in records:
            spec = next(kind for kind in KINDS.values() if isinstance(record, kind.model))
            path = spec.relative_path(record)
            text = RoundTripDocument.new(plain(record)).dump()
            doc = parse_document(path, text.encode("utf-8"))
            claims = claims_of(spec.name, record, doc)
            self.judged.setdefault(spec.name, []).append((path, claims))
            self.new.setdefault(spec.name, {})[record.id] = record
            if claims[FUNDING] is not None:
                self.new_applications.append((path, record.id, claims[FUNDING]))
        self.paths = {path for found in self.judged.values() for path, _claims in found}

    def known(self, kind: str) -> Set[str]:
        """Of the ids of ``kind`` the judged records name, those that exist: the checks
        ask about no others, and asking reads one file each, never the whole kind."""
        if kind not in self._known:
            records, new = self.data.records(kind), self.new.get(kind, {})
            named = {
                value
                for found in self.judged.values()
                for _path, claims in found
                for _line, _column, target, value in claims[REFS]
                if kind in _targets(target)
            }
            self._known[kind] = {value for value in named if value in new or value in records}
        return self._known[kind]

    def invalid(self, kind: str) -> Container[str]:
        return ()

    def ids(self, kind: str) -> Iterable[str]:
        return {*self.data.records(kind), *self.new.get(kind, {})}  # to suggest a close one

    def claims(
        self, kind: str, wanted: Callable[[Summary], bool], part: int | None = None
    ) -> Iterator[tuple[str, Claims]]:
        yield from self.judged.get(kind, [])

    def programme(self, programme_id: str) -> Programme | None:
        found = self.new.get("programme", {}).get(programme_id)
        if found is None:
            found = self.data.programmes.get(programme_id)
        return found  # type: ignore[return-value]

    def organisation(self, org_id: str) -> tuple[str | None, bool] | None:
        org = self.new.get("organisation", {}).get(org_id) or self.data.organisations.get(org_id)
        if not isinstance(org, Organisation):
            return None
        return org.legal_form, bool(org.rooms and org.rooms.own)

    def applications(self) -> list[Funding]:
        new = self.new.get("application", {})
        sources = self.data.sources
        found: list[Funding] = [
            (sources.get(("application", app.id), ""), app.id, funding_of(app))
            for app in self.data.applications.values()
            if app.id not in new
        ]
        return found + self.new_applications

    def reports(self, path: str) -> bool:
        return path in self.paths


def judge_records(
    data: Dataset, records: list[Record], *, strict: bool, today: dt.date
) -> list[Problem]:
    ctx = RecordsContext(data, records, strict=strict, today=today)
    problems = [problem for check in CHECKS for problem in check(ctx)]
    return sorted(problems, key=lambda p: p.sort_key)
