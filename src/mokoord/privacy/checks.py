"""What ``mokoord check`` says about personal data.

Each function takes the :class:`Facts` of a store (the privacy facts the index
keeps of each record, :mod:`mokoord.privacyfacts`) and yields problems, like
the checks in :mod:`mokoord.checks`, which lists them in ``RECORD_CHECKS``:

- ``legal-basis-missing``, ``consent-without-date``: every person needs a legal
  basis, and consent needs its date (warnings; errors with ``--strict``);
- ``retention-ended``: a person or a contact's free text past its retention
  period (warning; ``mokoord privacy due --erase`` removes it);
- ``name-in-free-text``: a summary, note or follow-up action naming a known
  person by name, e-mail or phone (warning: the contact log must not become a
  second register of persons; name them by id with ``--person``);
- ``erased-data-returned``, ``erased-person-returned``, ``erased-name-in-free-text``:
  data of an erased person back in the store (from a stale clone, an old
  spreadsheet); ``erased-without-log``: an erased person the log does not name.

Looking for every person in every free text is what costs: the findings are
worked out per shard of the index and kept with a key of the persons'
identifying values and the erasure log (:meth:`Facts.findings`), so that a
check looks again only at the shards whose files or whose persons changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, Protocol

from mokoord import formatting
from mokoord.errors import Problem, Severity
from mokoord.i18n import N_, _
from mokoord.models import Config, Erasure
from mokoord.privacy.retention import Due, add_months, due_from, text_due
from mokoord.privacy.values import FingerprintScanner, Matcher
from mokoord.privacyfacts import (
    P_CONSENT,
    P_CONSENT_DATE,
    P_EMAIL,
    P_ERASED,
    P_LAST_CONTACT,
    P_LEGAL_BASIS,
    P_NAME,
    P_ORGANISATION,
    P_PHONE,
    P_PLACES,
    P_RECORDED,
    P_WITHDRAWN,
    PLACE,
    Texts,
)

PersonFacts = tuple[str, str, tuple[Any, ...]]
"""A person as the checks see it: (its file, its id, its privacy facts)."""
Finding = tuple[int, int, str, str, str, str]
"""A person found in a free text: (line, column, code, kind of value, person, erasure)."""
Find = Callable[[Texts], tuple[Finding, ...]]


class Facts(Protocol):
    """The privacy facts of a store's records (those that keep their ids)."""

    config: Config
    today: dt.date
    strict: bool

    def persons(self) -> list[PersonFacts]:
        """Every person, in the order of the store."""

    def ended(self) -> dict[str, str]:
        """Organisation id → the day it was dissolved or declined."""

    def last_contacts(self) -> dict[str, str]:
        """Person id → the day of the latest contact naming them (planned ones left out)."""

    def retained(self, limit: str) -> Iterator[tuple[str, str, str, str, int, int]]:
        """(file, id, date, first field, line, column) of every contact dated up to
        ``limit`` that still holds free text."""

    def erasures(self) -> list[Erasure]: ...

    def findings(self, inputs: bytes, find: Find) -> Iterator[tuple[str, tuple[Finding, ...]]]:
        """(file, ``find(its free texts)``) of every record with findings; ``inputs``
        stands for everything ``find`` depends on besides the texts."""

    def kept(self, name: str, key: bytes, make: Callable[[], Any]) -> Any:
        """``make()``, or what it gave the last time it was made under ``key``."""


class Identity(NamedTuple):
    """What identifies a person (:class:`~mokoord.privacy.values.Identifying`)."""

    id: str
    name: str | None
    email: str | None
    phone: str | None
    erased: bool | None


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _problem(
    path: str, place: tuple[int, int], code: str, message: str, severity: Severity = "error"
) -> Problem:
    return Problem(path, place[0], place[1], severity, code, message)


def legal_basis(ctx: Facts) -> Iterator[Problem]:
    severity: Severity = "error" if ctx.strict else "warning"
    for path, _person_id, person in ctx.persons():
        if person[P_ERASED]:
            continue
        places = person[P_PLACES]
        if person[P_LEGAL_BASIS] is None:
            yield _problem(
                path,
                places[PLACE["id"]],
                "legal-basis-missing",
                _(
                    "no legal basis: set legal_basis to consent (with its date), "
                    "public_task or contract"
                ),
                severity,
            )
        withdrawn = person[P_WITHDRAWN]
        if withdrawn is not None and withdrawn > ctx.today.isoformat():
            yield _problem(
                path,
                places[PLACE["consent.withdrawn"]],
                "future-date",
                _("the consent's withdrawal {date} lies in the future").format(
                    date=formatting.date(dt.date.fromisoformat(withdrawn))
                ),
            )
        if person[P_LEGAL_BASIS] == "consent" and not person[P_CONSENT]:
            yield _problem(
                path,
                places[PLACE["legal_basis"]],
                "consent-without-date",
                _(
                    "the legal basis is consent, but no consent is recorded: add consent.date "
                    "(and its scope and source), or name the real legal basis"
                ),
                severity,
            )


_WHERE = {"consent_withdrawn": "consent.withdrawn", "organisation_ended": "organisation"}


def retention(ctx: Facts) -> Iterator[Problem]:
    periods = ctx.config.privacy.retention
    reasons: dict[tuple[str, dt.date], str] = {}

    def reason(item: Due) -> str:
        """Why ``item`` is due (worded once per reason and day: many contacts share a day)."""
        key = (item.reason, item.since)
        if key not in reasons:
            reasons[key] = item.message(periods)
        return reasons[key]

    ended, latest = ctx.ended(), ctx.last_contacts()
    for path, person_id, person in ctx.persons():
        if person[P_ERASED]:
            continue
        withdrawn = person[P_WITHDRAWN] if person[P_LEGAL_BASIS] == "consent" else None
        dates = (
            latest.get(person_id),
            person[P_LAST_CONTACT],
            person[P_CONSENT_DATE],
            person[P_RECORDED],
        )
        item = due_from(
            person_id,
            _date(withdrawn),
            _date(ended.get(person[P_ORGANISATION] or "")),
            (_date(day) for day in dates),
            periods,
        )
        if item is None or item.date > ctx.today:
            continue
        place = _WHERE.get(item.reason, "last_contact" if person[P_LAST_CONTACT] else "id")
        yield _problem(
            path,
            person[P_PLACES][PLACE[place]],
            "retention-ended",
            _(
                "retention period ended on {date} ({reason}); "
                "erase with: mokoord privacy due --erase"
            ).format(date=formatting.date(item.date), reason=reason(item)),
            "warning",
        )
    limit = add_months(ctx.today, -12 * periods.contact_text_years)
    text = _(
        "the free text of this contact is past its retention period since {date} "
        "({reason}); remove it with: mokoord privacy due --erase"
    )
    messages: dict[str, str | None] = {}  # a contact's day → its message (None: not yet due)
    for path, contact_id, day, _first, line, column in ctx.retained(limit.isoformat()):
        if day not in messages:
            due = text_due(contact_id, dt.date.fromisoformat(day), (), periods)
            messages[day] = (
                None
                if due.date > ctx.today
                else text.format(date=formatting.date(due.date), reason=reason(due))
            )
        message = messages[day]
        if message is not None:
            yield Problem(path, line, column, "warning", "retention-ended", message)


_KIND_WORDS = {"name": N_("name"), "email": N_("e-mail address"), "phone": N_("phone number")}


def free_texts(ctx: Facts) -> Iterator[Problem]:
    """Known persons (``name-in-free-text``) and erased ones (``erased-name-in-free-text``)
    in free text."""
    identities = [
        Identity(person_id, person[P_NAME], person[P_EMAIL], person[P_PHONE], None)
        for _path, person_id, person in ctx.persons()
        if not person[P_ERASED]
    ]
    erasures = ctx.erasures()
    persons = hashlib.sha1(marshal.dumps([tuple(identity) for identity in identities], 0))
    erased = marshal.dumps([erasure.model_dump_json() for erasure in erasures], 0)
    inputs = persons.digest() + erased

    def matcher() -> Matcher:
        # making it reads every person's phone number: kept while the persons stay
        state = ctx.kept("matcher", persons.digest(), lambda: Matcher(identities).state())
        return Matcher.of_state(state)

    finder = _Finder(matcher, erasures)
    dates = {erasure.id: erasure.date for erasure in erasures}
    for path, found in ctx.findings(hashlib.sha1(inputs).digest(), finder.find):
        for line, column, code, kind, person, erasure in found:
            if code == "name-in-free-text":
                message = _(
                    "this text holds the {what} of contact person {id}: name persons "
                    "by id (add-contact --person), not in free text"
                ).format(what=_(_KIND_WORDS[kind]), id=person)
            else:
                message = _(
                    "this text holds the {what} of person {erased}, erased on {date}; remove it"
                ).format(
                    what=_(_KIND_WORDS.get(kind, "name")),
                    erased=person,
                    date=formatting.date(dates[erasure]),
                )
            yield Problem(path, line, column, "warning", code, message)


class _Finder:
    """Finds the persons and erased persons in a record's free texts (built when first
    needed: a warm check takes every shard's findings from the cache)."""

    def __init__(self, matcher: Callable[[], Matcher], erasures: list[Erasure]) -> None:
        self._make, self._erasures = matcher, erasures
        self._matcher: Matcher | None = None
        self._scanner: FingerprintScanner | None = None

    def find(self, texts: Texts) -> tuple[Finding, ...]:
        if self._matcher is None or self._scanner is None:
            self._matcher = self._make()
            self._scanner = FingerprintScanner(self._erasures)
        matcher, scanner = self._matcher, self._scanner
        found: list[Finding] = []
        if matcher:
            for _path, line, column, text in texts:
                seen: set[tuple[str, str]] = set()
                for mention in matcher.find(text):
                    if (mention.person, mention.kind) not in seen:
                        seen.add((mention.person, mention.kind))
                        found.append(
                            (line, column, "name-in-free-text", mention.kind, mention.person, "")
                        )
        if scanner:
            for _path, line, column, text in texts:
                for hit in scanner.text(text):
                    found.append(
                        (
                            line,
                            column,
                            "erased-name-in-free-text",
                            hit.kind,
                            hit.person,
                            hit.erasure,
                        )
                    )
        return tuple(found)


def erased_data(ctx: Facts) -> Iterator[Problem]:
    erasures = ctx.erasures()
    logged: dict[str, str] = {}
    for erasure in erasures:
        for erased in erasure.persons:
            logged.setdefault(erased.id, erasure.id)
    persons = ctx.persons()
    for path, person_id, person in persons:
        places = person[P_PLACES]
        if person_id in logged and not person[P_ERASED]:
            yield _problem(
                path,
                places[PLACE["id"]],
                "erased-data-returned",
                _(
                    "person {id} was erased (erasures/{erasure}.yaml), but its data are back; "
                    "restore the erased state: mokoord privacy erase {id} --reason …"
                ).format(id=person_id, erasure=logged[person_id]),
            )
        elif person[P_ERASED] and person_id not in logged:
            yield _problem(
                path,
                places[PLACE["erased"]],
                "erased-without-log",
                _("this person is marked erased, but no record in erasures/ names the erasure"),
                "warning",
            )
    scanner = FingerprintScanner(erasures)
    if not scanner:
        return
    dates = {erasure.id: erasure.date for erasure in erasures}
    for path, person_id, person in persons:
        if person[P_ERASED] or person_id in logged:
            continue
        identity = Identity(person_id, person[P_NAME], person[P_EMAIL], person[P_PHONE], None)
        recognised = scanner.person(identity)
        if not recognised or _recorded_anew(person, dates[recognised[0].erasure]):
            continue
        # An e-mail address or phone number identifies; a name alone may be someone else's.
        strong = [found for found in recognised if found.kind in ("email", "phone")]
        found = (strong or recognised)[0]
        yield _problem(
            path,
            person[P_PLACES][PLACE[found.kind]],
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


def _recorded_anew(person: tuple[Any, ...], erased_on: dt.date) -> bool:
    """The person was recorded again, with a legal basis dated after the erasure."""
    dates = [person[P_RECORDED], person[P_CONSENT_DATE]]
    return any(day is not None and day > erased_on.isoformat() for day in dates)


CHECKS = [legal_basis, retention, free_texts, erased_data]
"""The privacy checks, in the order they run (registered in :data:`mokoord.checks.RECORD_CHECKS`)."""
