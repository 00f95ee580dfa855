"""The privacy checks as they were first written: over whole records, as models.

``mokoord check`` judges the privacy facts the index keeps
(:mod:`mokoord.privacy.checks`); the tests hold it to these, which read every
record and parse a file with positions for each problem in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mokoord import formatting
from mokoord.dataset import Dataset
from mokoord.errors import Problem, Severity
from mokoord.i18n import N_, _
from mokoord.models import Config, Person, Record
from mokoord.models.meta import FREE_TEXT
from mokoord.privacy.retention import due
from mokoord.privacy.values import FingerprintScanner, Matcher, texts_of
from mokoord.store import Store
from mokoord.yamlio import Document, read_document


@dataclass
class CheckContext:
    """The store's records as models."""

    data: Dataset
    today: dt.date
    strict: bool
    root: Any
    docs: dict[str, Document] = field(default_factory=dict)

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
        """A problem at ``loc`` in the file of ``record``."""
        path = self.data.sources[(kind, record.id)]
        doc = self.docs.get(path)
        if doc is None:
            doc = self.docs[path] = read_document(self.root / path, path)
        return doc.problem(loc, code, message, severity=severity)


def privacy_problems(store: Store, today: dt.date, *, strict: bool = False) -> list[Problem]:
    """What the privacy checks over whole records find in ``store``, sorted as check sorts."""
    ctx = CheckContext(store.load(use_cache=False), today, strict, store.root)
    problems = [problem for check in CHECKS for problem in check(ctx)]
    return sorted(problems, key=lambda p: p.sort_key)


def _loc(path: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def legal_basis(ctx: CheckContext) -> Iterator[Problem]:
    severity: Severity = "error" if ctx.strict else "warning"
    for person in ctx.data.persons.values():
        if person.erased is not None:
            continue
        if person.legal_basis is None:
            yield ctx.at(
                "person",
                person,
                ("id",),
                "legal-basis-missing",
                _(
                    "no legal basis: set legal_basis to consent (with its date), "
                    "public_task or contract"
                ),
                severity,
            )
        withdrawn = person.consent.withdrawn if person.consent else None
        if withdrawn is not None and withdrawn > ctx.today:
            yield ctx.at(
                "person",
                person,
                ("consent", "withdrawn"),
                "future-date",
                _("the consent's withdrawal {date} lies in the future").format(
                    date=formatting.date(withdrawn)
                ),
            )
        if person.legal_basis == "consent" and person.consent is None:
            yield ctx.at(
                "person",
                person,
                ("legal_basis",),
                "consent-without-date",
                _(
                    "the legal basis is consent, but no consent is recorded: add consent.date "
                    "(and its scope and source), or name the real legal basis"
                ),
                severity,
            )


def retention(ctx: CheckContext) -> Iterator[Problem]:
    periods = ctx.config.privacy.retention
    for item in due(ctx.data, ctx.today):
        if item.kind == "person":
            person = ctx.data.persons[item.id]
            loc: tuple[str | int, ...] = {
                "consent_withdrawn": ("consent", "withdrawn"),
                "organisation_ended": ("organisation",),
            }.get(item.reason, ("last_contact",) if person.last_contact else ("id",))
            yield ctx.at(
                "person",
                person,
                loc,
                "retention-ended",
                _(
                    "retention period ended on {date} ({reason}); "
                    "erase with: mokoord privacy due --erase"
                ).format(date=formatting.date(item.date), reason=item.message(periods)),
                "warning",
            )
        else:
            contact = ctx.data.contacts[item.id]
            yield ctx.at(
                "contact",
                contact,
                _loc(item.fields[0]),
                "retention-ended",
                _(
                    "the free text of this contact is past its retention period since {date} "
                    "({reason}); remove it with: mokoord privacy due --erase"
                ).format(date=formatting.date(item.date), reason=item.message(periods)),
                "warning",
            )


_KIND_WORDS = {"name": N_("name"), "email": N_("e-mail address"), "phone": N_("phone number")}


def free_text_names(ctx: CheckContext) -> Iterator[Problem]:
    matcher = Matcher(ctx.data.persons.values())
    if not matcher:
        return
    for kind, paths in FREE_TEXT.items():
        for record in ctx.data.records(kind).values():
            for path, text in texts_of(record, paths):
                seen: set[tuple[str, str]] = set()
                for mention in matcher.find(text):
                    if (mention.person, mention.kind) in seen:
                        continue
                    seen.add((mention.person, mention.kind))
                    yield ctx.at(
                        kind,
                        record,
                        _loc(path),
                        "name-in-free-text",
                        _(
                            "this text holds the {what} of contact person {id}: name persons "
                            "by id (add-contact --person), not in free text"
                        ).format(what=_(_KIND_WORDS[mention.kind]), id=mention.person),
                        "warning",
                    )


def erased_data(ctx: CheckContext) -> Iterator[Problem]:
    erasures = list(ctx.data.erasures.values())
    logged: dict[str, str] = {}
    for erasure in erasures:
        for erased in erasure.persons:
            logged.setdefault(erased.id, erasure.id)
    for person in ctx.data.persons.values():
        if person.id in logged and person.erased is None:
            yield ctx.at(
                "person",
                person,
                ("id",),
                "erased-data-returned",
                _(
                    "person {id} was erased (erasures/{erasure}.yaml), but its data are back; "
                    "restore the erased state: mokoord privacy erase {id} --reason …"
                ).format(id=person.id, erasure=logged[person.id]),
            )
        elif person.erased is not None and person.id not in logged:
            yield ctx.at(
                "person",
                person,
                ("erased",),
                "erased-without-log",
                _("this person is marked erased, but no record in erasures/ names the erasure"),
                "warning",
            )
    scanner = FingerprintScanner(erasures)
    if not scanner:
        return
    dates = {erasure.id: erasure.date for erasure in erasures}
    for person in ctx.data.persons.values():
        if person.erased is not None or person.id in logged:
            continue
        recognised = scanner.person(person)
        if not recognised or _recorded_anew(person, dates[recognised[0].erasure]):
            continue
        # An e-mail address or phone number identifies; a name alone may be someone else's.
        strong = [found for found in recognised if found.kind in ("email", "phone")]
        found = (strong or recognised)[0]
        yield ctx.at(
            "person",
            person,
            (found.kind,),
            "erased-person-returned",
            _(
                "this is the {what} of person {erased}, erased on {date}: record the person "
                "again only with a new legal basis dated after the erasure "
                "(consent.date or recorded)"
            ).format(
                what=_(_KIND_WORDS.get(found.kind, "name")),
                erased=found.person,
                date=formatting.date(dates[found.erasure]),
            ),
            "error" if strong else "warning",
        )
    for kind, paths in FREE_TEXT.items():
        for record in ctx.data.records(kind).values():
            for path, text in texts_of(record, paths):
                for found in scanner.text(text):
                    yield ctx.at(
                        kind,
                        record,
                        _loc(path),
                        "erased-name-in-free-text",
                        _(
                            "this text holds the {what} of person {erased}, erased on {date}; "
                            "remove it"
                        ).format(
                            what=_(_KIND_WORDS.get(found.kind, "name")),
                            erased=found.person,
                            date=formatting.date(dates[found.erasure]),
                        ),
                        "warning",
                    )


def _recorded_anew(person: Person, erased_on: dt.date) -> bool:
    """The person was recorded again, with a legal basis dated after the erasure."""
    dates = [person.recorded, person.consent.date if person.consent else None]
    return any(day is not None and day > erased_on for day in dates)


CHECKS = [legal_basis, retention, free_text_names, erased_data]
