"""The loaded data, with no I/O: the kinds of record and where their files live,
:class:`Dataset` (what queries, checks and reports work on) and :func:`plain`
(a model as the plain data of its file).

Domain modules and the index import this module; only :mod:`mokoord.store`
reads and writes the data directory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from mokoord.errors import InvalidData, Problem, Unreadable, first_errors
from mokoord.facts import ContactFact, OrganisationFact, contact_facts, organisation_facts
from mokoord.i18n import _, ngettext
from mokoord.models import (
    Application,
    Config,
    Contact,
    Cooperation,
    Erasure,
    Event,
    Institution,
    Network,
    Organisation,
    Person,
    Programme,
    Record,
)
from mokoord.records import Records, between

R = TypeVar("R", bound=Record)
T = TypeVar("T")


@dataclass(frozen=True)
class Kind:
    """One kind of record and where its files live."""

    name: str
    folder: str
    model: type[Record]
    year_of: Callable[[Any], int] | None = None
    """Records of dated kinds live in ``<folder>/<year>/``."""

    def relative_path(self, record: Record) -> str:
        if self.year_of is not None:
            return f"{self.folder}/{self.year_of(record)}/{record.id}.yaml"
        return f"{self.folder}/{record.id}.yaml"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("organisation", "organisations", Organisation),
        Kind("person", "persons", Person),
        Kind("contact", "contacts", Contact, lambda r: r.date.year),
        Kind("event", "events", Event, lambda r: r.date.year),
        Kind("cooperation", "cooperations", Cooperation),
        Kind("network", "networks", Network),
        Kind("institution", "institutions", Institution),
        Kind("programme", "programmes", Programme),
        Kind("application", "applications", Application, lambda r: r.year),
        Kind("erasure", "erasures", Erasure),
    )
}
KIND_OF_MODEL: dict[type[Record], Kind] = {kind.model: kind for kind in KINDS.values()}


def kind_of(record: Record | type[Record]) -> Kind:
    model = record if isinstance(record, type) else type(record)
    return KIND_OF_MODEL[model]


# --------------------------------------------------------------------------- plain data


def plain(model: BaseModel) -> dict[str, Any]:
    """A model as plain data for a file: field order kept, empty values left out.

    ``None``, empty lists and mappings, and ``false`` where ``false`` is the
    default are not written; everything else is, defaults included, so a file
    shows the facts that matter (``status: known``).
    """
    out: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or (isinstance(value, list | dict) and not value):
            continue
        if value is False and info.default is False:
            continue
        out[name] = _plain_value(value)
    return out


def _plain_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return plain(value)
    if isinstance(value, list | tuple):
        return [_plain_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain_value(item) for key, item in value.items()}
    if isinstance(value, str | int | float | Decimal | dt.date | bool):
        return value
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")  # 18:00, as people write it
    return str(value)


# --------------------------------------------------------------------------- the loaded data


class Sources(MutableMapping[tuple[str, str], str]):
    """(kind, id) → the record's file relative to the store root, kept per kind."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, str] | Callable[[], dict[str, str]]] = {}

    def add_kind(self, kind: str, sources: dict[str, str] | Callable[[], dict[str, str]]) -> None:
        """Take over id → file of one kind (copied: the caller's dict stays its own),
        or what makes it when first asked for."""
        self._by_kind[kind] = sources if callable(sources) else dict(sources)

    def _of(self, kind: str) -> dict[str, str]:
        found = self._by_kind[kind]
        if callable(found):
            found = self._by_kind[kind] = dict(found())
        return found

    def __getitem__(self, key: tuple[str, str]) -> str:
        kind, record_id = key
        return self._of(kind)[record_id]

    def __setitem__(self, key: tuple[str, str], value: str) -> None:
        kind, record_id = key
        if kind not in self._by_kind:
            self._by_kind[kind] = {}
        self._of(kind)[record_id] = value

    def __delitem__(self, key: tuple[str, str]) -> None:
        kind, record_id = key
        del self._of(kind)[record_id]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for kind in list(self._by_kind):
            for record_id in self._of(kind):
                yield kind, record_id

    def __len__(self) -> int:
        return sum(len(self._of(kind)) for kind in self._by_kind)


@dataclass
class Dataset:
    """Everything in a store, validated; what queries, checks and reports work on."""

    config: Config
    organisations: Mapping[str, Organisation] = field(default_factory=dict)
    persons: Mapping[str, Person] = field(default_factory=dict)
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    events: Mapping[str, Event] = field(default_factory=dict)
    cooperations: Mapping[str, Cooperation] = field(default_factory=dict)
    networks: Mapping[str, Network] = field(default_factory=dict)
    institutions: Mapping[str, Institution] = field(default_factory=dict)
    programmes: Mapping[str, Programme] = field(default_factory=dict)
    applications: Mapping[str, Application] = field(default_factory=dict)
    erasures: Mapping[str, Erasure] = field(default_factory=dict)
    """The erasure log (:mod:`mokoord.privacy`)."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found while loading (files that did not validate are left out)."""
    sources: Sources = field(default_factory=Sources)
    """(kind, id) → the file's path relative to the store root."""
    _facts: list[ContactFact] | None = field(default=None, init=False, repr=False, compare=False)
    _org_facts: dict[str, OrganisationFact] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, name: str, make: Callable[[Dataset], T]) -> T:
        """``make(self)``, made once per dataset: a figure over many records that several
        queries need (persons per organisation, referrals per institution)."""
        if name not in self._derived:
            self._derived[name] = make(self)
        found: T = self._derived[name]
        return found

    def records(self, kind: str) -> Mapping[str, Any]:
        result: Mapping[str, Any] = getattr(self, KINDS[kind].folder)
        return result

    def contacts_between(self, start: dt.date, end: dt.date) -> list[Contact]:
        """Contacts dated within ``[start, end]`` (validating only those when lazy)."""
        return between(self.contacts, start, end)

    def contact_facts(self) -> list[ContactFact]:
        """The facts statistics need of every contact (see :mod:`mokoord.facts`).

        Taken from the index when the store was read through it, so no contact
        has to be validated; computed once per dataset.
        """
        if self._facts is None:
            contacts = self.contacts
            if isinstance(contacts, Records) and contacts.has_rows:
                self._facts = contact_facts(contacts.columns(), contacts.dates())
            else:
                self._facts = [ContactFact.of(contact) for contact in contacts.values()]
        return self._facts

    def contact_facts_between(self, start: dt.date, end: dt.date) -> list[ContactFact]:
        """The facts of the contacts dated within ``[start, end]``, in the order of
        :meth:`contact_facts`; through the index only the rows of the shards that
        hold them are decoded."""
        contacts = self.contacts
        if self._facts is None and isinstance(contacts, Records) and contacts.has_rows:
            low, high = start.isoformat(), end.isoformat()
            dates = {key: when for key, when in contacts.dates().items() if low <= when <= high}
            return contact_facts(contacts.columns_of(list(dates)), dates)
        return [fact for fact in self.contact_facts() if start <= fact.date <= end]

    def organisation_facts(self) -> dict[str, OrganisationFact]:
        """id → the facts statistics need of every organisation, like :meth:`contact_facts`."""
        if self._org_facts is None:
            orgs = self.organisations
            if isinstance(orgs, Records) and orgs.has_rows:
                self._org_facts = organisation_facts(orgs.columns())
            else:
                self._org_facts = {key: OrganisationFact.of(org) for key, org in orgs.items()}
        return self._org_facts

    def events_between(self, start: dt.date, end: dt.date) -> list[Event]:
        """Events starting within ``[start, end]``."""
        return between(self.events, start, end)

    def left_out(self) -> list[Problem]:
        """The files loading left out (they did not validate): the first error of each, by path."""
        return first_errors(self.problems)

    def require_complete(self) -> None:
        """Raise when loading left files out (``--strict``): every file must count."""
        left_out = self.left_out()
        if left_out:
            raise InvalidData(
                ngettext(
                    "{n} file could not be read; with --strict nothing is written",
                    "{n} files could not be read; with --strict nothing is written",
                    len(left_out),
                ).format(n=len(left_out)),
                left_out,
                hint=_("repair them (`mokoord check` lists every problem), or leave out --strict"),
            )

    def unreadable(self, kind: str, record_id: str) -> Unreadable | None:
        """The error to raise for ``record_id`` when the file named after it was left out.

        A record's file is named after its id (``organisations/<id>.yaml``,
        ``contacts/<year>/<id>.yaml``); when that file is among the left-out
        ones, an id that "does not exist" in fact names a broken file, and the
        user must hear so rather than "no such id". ``None`` otherwise.
        """
        folder = KINDS[kind].folder
        name = f"{record_id}.yaml"
        found = [
            problem
            for problem in self.problems
            if problem.severity == "error"
            and problem.path.startswith(f"{folder}/")
            and problem.path.rsplit("/", 1)[-1] == name
            and problem.path.count("/") <= 2
        ]
        if not found:
            return None
        path = min(problem.path for problem in found)
        problems = sorted(
            dict.fromkeys(problem for problem in found if problem.path == path),
            key=lambda problem: (problem.line, problem.column),
        )
        repair = f"mokoord edit {record_id}" if kind == "organisation" else None
        return Unreadable(problems, repair=repair)
