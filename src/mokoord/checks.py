"""``mokoord check``: every problem in a store, each pointing at its line.

Checks are plain functions ``(ctx) -> Iterable[Problem]`` over the loaded data
(see :data:`CHECKS`); they never touch the disk. :func:`check_store` reads
every file once, with positions, and runs them all.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, cast

from mokoord.dataset import KINDS, Dataset
from mokoord.errors import Problem, Severity
from mokoord.models import Config, Record
from mokoord.privacy import checks as privacy_checks
from mokoord.store import CONFIG_FILE, Store
from mokoord.validation import validate_document
from mokoord.yamlio import Document, iter_yaml_files, read_document


@dataclass
class CheckContext:
    data: Dataset
    docs: dict[tuple[str, str], Document]
    today: dt.date
    strict: bool = False
    problems: list[Problem] = field(default_factory=list)
    invalid: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of files that exist but did not validate (their own problems say why)."""

    @property
    def config(self) -> Config:
        return self.data.config

    def at(
        self,
        kind: str,
        record: Record,
        loc: tuple[str | int, ...],
        code: str,
        message: str,
        severity: Severity = "error",
    ) -> Problem:
        doc = self.docs[(kind, record.id)]
        return doc.problem(loc, code, message, severity=severity)


Check = Callable[[CheckContext], Iterable[Problem]]


def check_store(
    store: Store, *, strict: bool = False, today: dt.date | None = None
) -> list[Problem]:
    """All problems of a store, sorted by file and line."""
    today = today or dt.date.today()
    config_doc = read_document(store.root / CONFIG_FILE, CONFIG_FILE)
    config, problems = validate_document(config_doc, Config)
    if config is None:
        return sorted(problems, key=lambda p: p.sort_key)
    data = Dataset(config=config)
    docs: dict[tuple[str, str], Document] = {}
    invalid: set[tuple[str, str]] = set()
    for spec, path, doc in store.documents():
        record, found = validate_document(doc, spec.model)
        problems.extend(found)
        declared = doc.data.get("id") if doc.data else None
        if isinstance(declared, str) and declared != path.stem:
            problems.append(
                doc.problem(
                    ("id",),
                    "id-mismatch",
                    f"the id '{declared}' differs from the file name '{path.name}'; "
                    f"rename the file to {declared}.yaml or change the id",
                )
            )
        if path.suffix != ".yaml":
            problems.append(
                doc.problem(
                    (),
                    "file-name",
                    f"mokoord files end in .yaml; rename {path.name} to {path.stem}.yaml",
                )
            )
        if spec.year_of is None and path.parent != store.root / spec.folder:
            problems.append(
                doc.problem(
                    ("id",),
                    "wrong-folder",
                    f"{spec.folder} belong directly in {spec.folder}/, not in a subfolder",
                )
            )
        if record is None:
            invalid.add((spec.name, path.stem))
            if isinstance(declared, str):
                invalid.add((spec.name, declared))
            continue
        records = cast(dict[str, Record], data.records(spec.name))
        if record.id in records:
            problems.append(
                doc.problem(
                    ("id",),
                    "duplicate-id",
                    f"the {spec.name} id '{record.id}' is used by "
                    f"{data.sources[(spec.name, record.id)]} too",
                )
            )
            continue
        if spec.year_of is not None:
            year = str(spec.year_of(record))
            if path.parent.name != year:
                problems.append(
                    doc.problem(
                        ("id",),
                        "wrong-folder",
                        f"{spec.folder} of {year} belong in {spec.folder}/{year}/",
                        severity="warning",
                    )
                )
        records[record.id] = record
        data.sources[(spec.name, record.id)] = doc.path
        docs[(spec.name, record.id)] = doc
    problems.extend(_stray_files(store))
    ctx = CheckContext(data=data, docs=docs, today=today, strict=strict, invalid=invalid)
    for check in CHECKS:
        problems.extend(check(ctx))
    return sorted(problems, key=lambda p: p.sort_key)


def _stray_files(store: Store) -> Iterator[Problem]:
    """YAML files mokoord never reads: a typo in a folder name hides a record."""
    folders = {spec.folder for spec in KINDS.values()} | {"templates"}
    for entry in sorted(store.root.iterdir()):
        if entry.name.startswith(".") or entry.name in folders or entry.name == CONFIG_FILE:
            continue
        paths = [entry] if entry.is_file() else list(iter_yaml_files(entry))
        for path in paths:
            if path.suffix in (".yaml", ".yml"):
                yield Problem(
                    store.relative(path),
                    0,
                    0,
                    "warning",
                    "stray-file",
                    "mokoord does not read this file: records belong in "
                    + ", ".join(f"{spec.folder}/" for spec in KINDS.values()),
                )


# --------------------------------------------------------------------------- references


def _refs(ctx: CheckContext) -> Iterator[Problem]:
    d = ctx.data

    def missing(
        kind: str, record: Record, loc: tuple[str | int, ...], target: str, value: str
    ) -> Iterator[Problem]:
        kinds = [name for name in ("organisation", "institution") if name in target] or [target]
        if any((name, value) in ctx.invalid for name in kinds):
            return  # the file exists; its own problems are reported
        known = [key for name in kinds for key in d.records(name)]
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield ctx.at(kind, record, loc, "unknown-reference", f"no {target} with id '{value}'{hint}")

    for org in d.organisations.values():
        for i, network_id in enumerate(org.networks):
            if network_id not in d.networks:
                yield from missing("organisation", org, ("networks", i), "network", network_id)
    for person in d.persons.values():
        if person.organisation and person.organisation not in d.organisations:
            yield from missing(
                "person", person, ("organisation",), "organisation", person.organisation
            )
    for contact in d.contacts.values():
        for i, org_id in enumerate(contact.organisations):
            if org_id not in d.organisations:
                yield from missing("contact", contact, ("organisations", i), "organisation", org_id)
        for i, person_id in enumerate(contact.persons):
            if person_id not in d.persons:
                yield from missing("contact", contact, ("persons", i), "person", person_id)
        for i, referral in enumerate(contact.referrals):
            if referral.institution not in d.institutions:
                yield from missing(
                    "contact",
                    contact,
                    ("referrals", i, "institution"),
                    "institution",
                    referral.institution,
                )
    for event in d.events.values():
        if event.place_org and event.place_org not in d.organisations:
            yield from missing("event", event, ("place_org",), "organisation", event.place_org)
        for i, organiser in enumerate(event.organisers):
            if organiser not in d.organisations and organiser not in d.institutions:
                yield from missing(
                    "event", event, ("organisers", i), "organisation or institution", organiser
                )
        for i, attendance in enumerate(event.attendance):
            if attendance.organisation not in d.organisations:
                yield from missing(
                    "event",
                    event,
                    ("attendance", i, "organisation"),
                    "organisation",
                    attendance.organisation,
                )
    for coop in d.cooperations.values():
        if coop.organisation not in d.organisations:
            yield from missing(
                "cooperation", coop, ("organisation",), "organisation", coop.organisation
            )
        if coop.partner not in d.organisations and coop.partner not in d.institutions:
            yield from missing(
                "cooperation", coop, ("partner",), "organisation or institution", coop.partner
            )
    for network in d.networks.values():
        if network.contact_institution and network.contact_institution not in d.institutions:
            yield from missing(
                "network",
                network,
                ("contact_institution",),
                "institution",
                network.contact_institution,
            )
    for prog in d.programmes.values():
        if prog.funder_institution and prog.funder_institution not in d.institutions:
            yield from missing(
                "programme",
                prog,
                ("funder_institution",),
                "institution",
                prog.funder_institution,
            )
    for app in d.applications.values():
        if app.organisation not in d.organisations:
            yield from missing(
                "application", app, ("organisation",), "organisation", app.organisation
            )
        programme = d.programmes.get(app.programme)
        if programme is None:
            yield from missing("application", app, ("programme",), "programme", app.programme)
        elif app.line is not None and programme.line(app.line) is None:
            yield ctx.at(
                "application",
                app,
                ("line",),
                "unknown-reference",
                f"programme '{programme.id}' has no funding line '{app.line}' "
                f"(it has: {', '.join(line.id for line in programme.lines)})",
            )
        elif app.line is None and len(programme.lines) > 1:
            yield ctx.at(
                "application",
                app,
                ("programme",),
                "missing-key",
                f"programme '{programme.id}' has several funding lines; say which in 'line' "
                f"({', '.join(line.id for line in programme.lines)})",
            )


# --------------------------------------------------------------------------- dates


def _dates(ctx: CheckContext) -> Iterator[Problem]:
    d, today = ctx.data, ctx.today

    def future(
        kind: str, record: Record, loc: tuple[str | int, ...], value: dt.date | None, what: str
    ) -> Iterator[Problem]:
        if value is not None and value > today:
            yield ctx.at(
                kind, record, loc, "future-date", f"{what} {value.isoformat()} lies in the future"
            )

    for org in d.organisations.values():
        yield from future("organisation", org, ("status_since",), org.status_since, "status_since")
        yield from future("organisation", org, ("known_since",), org.known_since, "known_since")
        yield from future(
            "organisation", org, ("last_verified",), org.last_verified, "last_verified"
        )
        if org.founded is not None and org.founded > today.year:
            yield ctx.at(
                "organisation",
                org,
                ("founded",),
                "future-date",
                f"founded {org.founded} lies in the future",
            )
        previous: dt.date | None = None
        for i, change in enumerate(org.status_history):
            yield from future(
                "organisation", org, ("status_history", i, "since"), change.since, "since"
            )
            if previous is not None and change.since < previous:
                yield ctx.at(
                    "organisation",
                    org,
                    ("status_history", i, "since"),
                    "date-order",
                    "status_history must be in date order, oldest first",
                )
            previous = change.since
        if previous is not None and org.status_since is not None and org.status_since < previous:
            yield ctx.at(
                "organisation",
                org,
                ("status_since",),
                "date-order",
                f"status_since {org.status_since} lies before the last entry of status_history ({previous})",
            )
        for i, need in enumerate(org.needs):
            yield from future("organisation", org, ("needs", i, "since"), need.since, "since")
            yield from future("organisation", org, ("needs", i, "closed"), need.closed, "closed")
    for person in d.persons.values():
        if person.consent:
            yield from future(
                "person", person, ("consent", "date"), person.consent.date, "consent date"
            )
        yield from future("person", person, ("last_contact",), person.last_contact, "last_contact")
    for contact in d.contacts.values():
        if contact.date > today and not contact.planned:
            yield ctx.at(
                "contact",
                contact,
                ("date",),
                "future-date",
                f"the contact date {contact.date.isoformat()} lies in the future; "
                "set planned: true if it is an arranged appointment",
            )
        if contact.follow_up:
            yield from future(
                "contact", contact, ("follow_up", "done"), contact.follow_up.done, "done"
            )
        for i, referral in enumerate(contact.referrals):
            yield from future(
                "contact",
                contact,
                ("referrals", i, "outcome_date"),
                referral.outcome_date,
                "outcome_date",
            )
            if referral.outcome_date is not None and referral.outcome_date < contact.date:
                yield ctx.at(
                    "contact",
                    contact,
                    ("referrals", i, "outcome_date"),
                    "date-order",
                    "the referral's outcome_date lies before the contact",
                )
    for app in d.applications.values():
        for name in ("submitted", "decided", "proof_filed"):
            yield from future("application", app, (name,), getattr(app, name), name)


# --------------------------------------------------------------------------- open ends


def _open_ends(ctx: CheckContext) -> Iterator[Problem]:
    settings = ctx.config.settings
    follow_limit = ctx.today - dt.timedelta(days=settings.follow_up_overdue_days)
    referral_limit = ctx.today - dt.timedelta(days=settings.referral_pending_days)
    for contact in ctx.data.contacts.values():
        follow_up = contact.follow_up
        if follow_up and follow_up.done is None and follow_up.date < follow_limit:
            days = (ctx.today - follow_up.date).days
            yield ctx.at(
                "contact",
                contact,
                ("follow_up", "date"),
                "follow-up-overdue",
                f"follow-up due {follow_up.date.isoformat()} is open for {days} days; "
                "set follow_up.done when it is done",
                "warning",
            )
        if contact.planned and contact.date < ctx.today:
            yield ctx.at(
                "contact",
                contact,
                ("planned",),
                "planned-passed",
                "this planned contact's date has passed; record what happened and remove planned",
                "warning",
            )
        for i, referral in enumerate(contact.referrals):
            if referral.outcome == "pending" and contact.date < referral_limit:
                days = (ctx.today - contact.date).days
                yield ctx.at(
                    "contact",
                    contact,
                    ("referrals", i, "outcome"),
                    "referral-pending",
                    f"referral to {referral.institution} pending for {days} days; "
                    "record its outcome (mokoord close-referral)",
                    "warning",
                )


# --------------------------------------------------------------------------- vocabularies


@cache
def _babel_codes() -> tuple[frozenset[str], frozenset[str]]:
    """The language and country codes a record may hold: the table every command uses."""
    from mokoord import codes

    return codes.language_codes(), codes.country_codes()


# (kind, path to the value with "*" for every list item, vocabulary)
TERM_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("organisation", ("legal_form",), "legal_forms"),
    ("organisation", ("district",), "districts"),
    ("organisation", ("fields", "*"), "fields"),
    ("organisation", ("religion",), "religions"),
    ("organisation", ("members", "age_groups", "*"), "age_groups"),
    ("organisation", ("offered_formats", "*"), "offered_formats"),
    ("organisation", ("needs", "*", "category"), "need_categories"),
    ("organisation", ("tags", "*"), "tags"),
    ("person", ("consent", "scope", "*"), "consent_scopes"),
    ("contact", ("channel",), "channels"),
    ("contact", ("topics", "*"), "topics"),
    ("event", ("kind",), "event_kinds"),
    ("event", ("topics", "*"), "topics"),
    ("institution", ("kind",), "institution_kinds"),
    ("institution", ("district",), "districts"),
    ("programme", ("lines", "*", "eligible_legal_forms", "*"), "legal_forms"),
)


def _walk(
    value: Any, path: tuple[str, ...], loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if value is None:
        return
    if not path:
        yield loc, value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(value):
            yield from _walk(item, rest, (*loc, i))
    else:
        yield from _walk(getattr(value, head, None), rest, (*loc, head))


def _terms(ctx: CheckContext) -> Iterator[Problem]:
    vocab = ctx.config.vocabularies
    severity: Severity = "error" if ctx.strict else "warning"
    for kind, path, name in TERM_FIELDS:
        declared = vocab.terms(name)
        for record in ctx.data.records(kind).values():
            for loc, term in _walk(record, path):
                if term not in declared:
                    known = ", ".join(sorted(declared)[:12]) or "none declared"
                    yield ctx.at(
                        kind,
                        record,
                        loc,
                        "undeclared-term",
                        f"'{term}' is not declared in vocabularies.{name} of {CONFIG_FILE} "
                        f"(declared: {known}{'…' if len(declared) > 12 else ''})",
                        severity,
                    )
    languages, territories = _babel_codes()
    for kind in ("organisation", "person"):
        for record in ctx.data.records(kind).values():
            for i, code in enumerate(record.languages):
                if code not in languages:
                    yield ctx.at(
                        kind,
                        record,
                        ("languages", i),
                        "unknown-language",
                        f"'{code}' is not an ISO 639 language code",
                    )
    for org in ctx.data.organisations.values():
        for i, code in enumerate(org.origins):
            if code not in territories:
                yield ctx.at(
                    "organisation",
                    org,
                    ("origins", i),
                    "unknown-region",
                    f"'{code}' is not a country or UN region code",
                )


# --------------------------------------------------------------------------- funding rules


def _funding(ctx: CheckContext) -> Iterator[Problem]:
    """Applications that break their funding line's limits or eligibility (§2.2)."""
    from mokoord import funding

    d = ctx.data
    vocab = ctx.config.vocabularies
    for app in d.applications.values():
        programme = d.programmes.get(app.programme)
        org = d.organisations.get(app.organisation)
        if programme is None or org is None:
            continue  # reported by _refs
        for violation in funding.violations(
            app,
            programme,
            org,
            others=d.applications.values(),
            legal_form_label=lambda term: vocab.label("legal_forms", term, "en"),
        ):
            field_name = "requested" if violation.field == "organisation" else violation.field
            yield ctx.at("application", app, (field_name,), violation.rule, violation.message)
    by_year: dict[tuple[str, int], list[Any]] = {}
    for app in d.applications.values():
        if app.granted is not None:
            by_year.setdefault((app.programme, app.year), []).append(app)
    for (programme_id, year), apps in by_year.items():
        programme = d.programmes.get(programme_id)
        if programme is None or programme.annual_budget is None:
            continue
        total = sum((app.granted for app in apps), start=Decimal(0))
        if total > programme.annual_budget:
            from mokoord.formatting import money

            last = max(apps, key=lambda app: app.id)
            yield ctx.at(
                "application",
                last,
                ("granted",),
                "budget-exceeded",
                f"the grants of programme '{programme_id}' in {year} add up to {money(total)}, "
                f"more than its annual budget of {money(programme.annual_budget)}",
                "warning",
            )


CHECKS: list[Check] = [_refs, _dates, _open_ends, _terms, _funding, *privacy_checks.CHECKS]
"""Every cross-record check, in the order they run."""


def count_by_severity(problems: Iterable[Problem]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0}
    for problem in problems:
        counts[problem.severity] += 1
    return counts


__all__ = ["CHECKS", "KINDS", "CheckContext", "check_store", "count_by_severity"]
