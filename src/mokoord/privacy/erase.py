"""What an erasure will change, decided before anything is written (a plan, no I/O).

:func:`plan_erasure` takes the persons to erase (and, for ``privacy due
--erase``, the contacts whose free text is past its period) and works out:

- the identifying values to redact (:func:`~mokoord.privacy.values.identifying_values`,
  plus texts given with ``--redact``), without those other records hold too
  (an association's e-mail address that is also its chair's stays the
  association's: :attr:`ErasurePlan.kept`);
- every place in the current files where a value stands (:attr:`ErasurePlan.passages`),
  shown before the erasure, and mentions of a surname alone that will *not*
  be redacted (:attr:`ErasurePlan.surnames`: add them with ``--redact``);
- problems that stop it: an unknown or erased person, a reason that names the
  person (the log must never hold an erased value).

:meth:`ErasurePlan.scrub` turns it into the :class:`~mokoord.privacy.scrub.Scrub`
the rewrite applies; :meth:`ErasurePlan.record` into the erasure log's record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mokoord.dataset import KINDS, Dataset, plain
from mokoord.errors import Problem
from mokoord.i18n import _
from mokoord.models import ErasedPerson, Erasure, Person, RedactedText
from mokoord.models.meta import FREE_TEXT
from mokoord.models.privacy import ErasureGround
from mokoord.privacy import texts as privacy_texts
from mokoord.privacy.retention import Due
from mokoord.privacy.scrub import Scrub
from mokoord.privacy.values import (
    WORD,
    Finder,
    Value,
    excerpt,
    fingerprints,
    identifying_values,
    new_key,
    phone_key,
    spellings,
)
from mokoord.textmatch import fold


@dataclass(frozen=True)
class Passage:
    """A place in a current record where an erased value stands."""

    kind: str
    id: str
    field: str
    excerpt: str
    what: str
    """``name``, ``email``, ``phone`` or ``text``."""

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "id": self.id,
            "field": self.field,
            "what": self.what,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True)
class Kept:
    """A value of an erased person that another record holds too, and keeps."""

    person: str
    field: str
    kind: str
    id: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {
            "person": self.person,
            "field": self.field,
            "kind": self.kind,
            "id": self.id,
            "where": self.where,
        }


@dataclass
class ErasurePlan:
    """Everything one erasure will do."""

    persons: list[Person]
    grounds: dict[str, ErasureGround]
    reason: str
    lang: str
    values: list[Value] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    surnames: list[Passage] = field(default_factory=list)
    expired: list[Due] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    key: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def empty(self) -> bool:
        return not self.persons and not self.expired

    @property
    def contacts_until(self) -> dt.date | None:
        """The latest date of a contact whose free text is removed."""
        return max((due.since for due in self.expired), default=None)

    def erased_fields(self, person_id: str) -> list[str]:
        """The fields of the person whose values are erased (not kept by another record)."""
        kept = {k.field for k in self.kept if k.person == person_id}
        return [f for f in ("name", "email", "phone") if f not in kept]

    def scrub(self, prefix: str, today: dt.date) -> Scrub:
        """What the rewrite does to every file and message; ``prefix`` is the store's
        folder in the repository (``""`` or ``data/``)."""
        from mokoord.roundtrip import RoundTripDocument

        tombstones = {
            f"{prefix}{KINDS['person'].folder}/{person.id}.yaml": RoundTripDocument.new(
                plain(Person(id=person.id, erased=today))
            ).dump()
            for person in self.persons
        }
        return Scrub(
            placeholder=privacy_texts.placeholder("erased", self.lang),
            removed=privacy_texts.placeholder("removed", self.lang),
            tombstones=tombstones,
            values=list(self.values),
            contacts=f"{prefix}{KINDS['contact'].folder}/",
            expired={due.id for due in self.expired},
            expired_until=self.contacts_until.isoformat() if self.contacts_until else None,
        )

    def record(
        self, *, erasure_id: str, by: str, today: dt.date, replaced: Sequence[str]
    ) -> Erasure:
        """The erasure log's record: ids, grounds and fingerprints, never a value."""
        texts: dict[tuple[str, str], list[str]] = {}
        grounds: dict[tuple[str, str], ErasureGround] = {}
        person_ground: ErasureGround = next(iter(self.grounds.values()), "no_longer_needed")
        for passage in self.passages:
            fields = texts.setdefault((passage.kind, passage.id), [])
            if passage.field not in fields:
                fields.append(passage.field)
            grounds[(passage.kind, passage.id)] = person_ground
        return Erasure(
            id=erasure_id,
            date=today,
            by=by,
            reason=self.reason,
            persons=[
                ErasedPerson(
                    id=person.id,
                    ground=self.grounds[person.id],
                    fingerprints=fingerprints(person, self.key, self.erased_fields(person.id)),
                )
                for person in self.persons
            ],
            texts=[
                RedactedText(
                    kind=kind,
                    id=record_id,
                    fields=fields,
                    ground=grounds[(kind, record_id)],
                )
                for (kind, record_id), fields in sorted(texts.items())
            ],
            contacts_until=self.contacts_until,
            replaced=list(replaced),
            key=self.key if self.persons else None,
        )

    def commit_message(self, erasure_id: str) -> str:
        """Names the erasure and ids, never a value."""
        parts = []
        if self.persons:
            parts.append(", ".join(person.id for person in self.persons))
        if self.expired:
            parts.append(f"free text of {len(self.expired)} contacts")
        return f"privacy erase {erasure_id}: " + "; ".join(parts)


def _error(code: str, message: str) -> Problem:
    return Problem("", 0, 0, "error", code, message)


def plan_erasure(
    data: Dataset,
    person_ids: Iterable[str],
    *,
    reason: str,
    grounds: dict[str, ErasureGround] | None = None,
    redact: Sequence[str] = (),
    expired: Sequence[Due] = (),
    key: str | None = None,
) -> ErasurePlan:
    """The plan of one erasure (see the module's docstring); writes nothing."""
    lang = data.config.language
    plan = ErasurePlan(persons=[], grounds={}, reason=reason.strip(), lang=lang)
    plan.expired = [due for due in expired if due.kind == "contact"]
    for person_id in dict.fromkeys(person_ids):
        person = data.persons.get(person_id)
        if person is None:
            plan.problems.append(
                _error("unknown-person", _("no person with id '{id}'").format(id=person_id))
            )
            continue
        if person.erased is not None:
            plan.problems.append(
                _error(
                    "already-erased",
                    _("person {id} was erased on {date} already").format(
                        id=person_id, date=person.erased.isoformat()
                    ),
                )
            )
            continue
        plan.persons.append(person)
        plan.grounds[person.id] = (grounds or {}).get(person.id) or (
            "consent_withdrawn" if person.consent_withdrawn else "no_longer_needed"
        )
    if not plan.reason:
        plan.problems.append(
            _error("reason-missing", _("say why: --reason (without personal data)"))
        )
    erased = {person.id for person in plan.persons}
    values: list[Value] = []
    for person in plan.persons:
        for value in identifying_values(person):
            holder = _held_elsewhere(data, value, erased)
            if holder is None:
                values.append(value)
            else:
                plan.kept.append(Kept(person.id, value.field, *holder))
    values += [Value("text", text, "--redact") for text in redact if text.strip()]
    plan.values = list(dict.fromkeys(values))
    finder = Finder(plan.values)
    if finder and finder.find(plan.reason):
        plan.problems.append(
            _error(
                "reason-names-person",
                _(
                    "the reason names the person; the erasure log must hold no erased value "
                    "(write e.g. “request by e-mail of 28 May”)"
                ),
            )
        )
    if finder:
        plan.passages = list(_passages(data, finder, erased))
    plan.surnames = list(_surnames(data, plan.persons, plan.passages))
    plan.key = key or next((e.key for e in data.erasures.values() if e.key), None) or new_key()
    return plan


def _held_elsewhere(data: Dataset, value: Value, erased: set[str]) -> tuple[str, str, str] | None:
    """(kind, id, field) of another record holding the same value in a field of its own."""
    if value.kind in ("email", "phone"):
        wanted = _normal(value.kind, value.text)
    elif value.kind == "name":
        wanted = " ".join(fold(w) for w in WORD.findall(value.text))
        for kind in ("person", "organisation", "institution", "network"):
            for record in data.records(kind).values():
                if kind == "person" and record.id in erased:
                    continue
                name = getattr(record, "name", None)
                if not name:
                    continue
                folded = " ".join(fold(w) for w in WORD.findall(name))
                if folded == wanted or (kind != "person" and f" {wanted} " in f" {folded} "):
                    return kind, record.id, "name"
        return None
    else:
        return None
    for kind in ("person", "organisation", "institution"):
        for record in data.records(kind).values():
            if kind == "person" and record.id in erased:
                continue
            other = getattr(record, value.kind, None)
            if isinstance(other, str) and _normal(value.kind, other) == wanted:
                return kind, record.id, value.kind
    return None


def _normal(kind: str, text: str) -> str | None:
    return text.lower() if kind == "email" else phone_key(text)


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _passages(data: Dataset, finder: Finder, erased: set[str]) -> Iterator[Passage]:
    for kind in KINDS:
        if kind == "erasure":
            continue
        for record in data.records(kind).values():
            if kind == "person" and record.id in erased:
                continue
            for path, text in _strings(plain(record)):
                for hit in finder.find(text):
                    shown = excerpt(text, hit.start, hit.end)
                    yield Passage(kind, record.id, path, shown, hit.value.kind)


def _surnames(
    data: Dataset, persons: Sequence[Person], passages: Sequence[Passage]
) -> Iterator[Passage]:
    """Free texts naming an erased person's surname alone: not redacted unless asked."""
    for person in persons:
        words = WORD.findall(person.name or "")
        if len(words) < 2 or len(words[-1]) < 3:
            continue
        surname = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(s) for s in spellings(words[-1])) + r")(?!\w)"
        )
        for kind, paths in FREE_TEXT.items():
            for record in data.records(kind).values():
                for path, text in _texts(record, paths):
                    if any(
                        p.kind == kind and p.id == record.id and p.field == path for p in passages
                    ):
                        continue
                    match = surname.search(text)
                    if match:
                        shown = excerpt(text, match.start(), match.end())
                        yield Passage(kind, record.id, path, shown, "surname")


def _texts(record: Any, paths: Sequence[tuple[str, ...]]) -> Iterator[tuple[str, str]]:
    from mokoord.privacy.values import texts_of

    yield from texts_of(record, paths)


def plan_due(data: Dataset, found: Sequence[Due]) -> ErasurePlan:
    """The erasure of everything past its retention period (``privacy due --erase``)."""
    persons = [item for item in found if item.kind == "person"]
    lang = "de" if data.config.language == "de" else "en"
    return plan_erasure(
        data,
        [item.id for item in persons],
        reason=privacy_texts.TEXTS[lang]["due.reason"],
        grounds={item.id: item.ground for item in persons},
        expired=[item for item in found if item.kind == "contact"],
    )
