"""Exports for spreadsheets and other programs: what goes into CSV, XLSX and JSON.

Rows are built once per kind (:func:`build_export`) with raw values (keys,
codes, ids, ISO dates, numbers — what JSON gets) and labels for people
(German by default — what CSV and XLSX get). Headers are the German column
names that ``mokoord import`` recognises, so an exported sheet can be edited
and imported again. :mod:`mokoord.exchange.writers` writes the files.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from mokoord.codes import country_name, language_name
from mokoord.dataset import Dataset
from mokoord.dates import clock
from mokoord.errors import UsageError
from mokoord.exchange.mapping import CONTACT_TARGETS, ORGANISATION_TARGETS, kind_label
from mokoord.i18n import _
from mokoord.models import Application, Contact, Event, Organisation

ExportKind = Literal["organisations", "contacts", "events", "referrals", "applications"]
EXPORT_KINDS: tuple[ExportKind, ...] = (
    "organisations",
    "contacts",
    "events",
    "referrals",
    "applications",
)
ExportFormat = Literal["csv", "xlsx", "json", "hsds"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "json", "hsds")
ColumnType = Literal["text", "date", "int", "money", "bool", "list"]


@dataclass(frozen=True)
class Column:
    """One exported column: its key (``--fields``), header, type and how to get it."""

    key: str
    header: str
    type: ColumnType
    get: Callable[[Any], Any]
    """The raw value for JSON: keys, codes, ids, dates, numbers, lists."""
    label: Callable[[Any], Any] | None = None
    """For lists and terms: a raw item → the text people read."""
    private: bool = False
    """Personal data or free text: left out by ``--anonymous``."""
    personal: bool = False
    """A person's data (name, contact details): only when asked for, with
    ``--personal-data`` or by naming the column in ``--fields``."""


@dataclass
class ExportTable:
    kind: ExportKind
    columns: list[Column]
    records: list[Any]
    lang: str = "de"
    dialled: Callable[[], dict[str, str]] | None = None
    """Phone numbers → as dialled (:func:`mokoord.sheets.dialable`), known beforehand:
    CSV looks them up instead of working each out again."""

    def headers(self) -> list[str]:
        """The header of each column in the table's language (German: as import reads it)."""
        from mokoord.exchange.headers import header

        return [header(self.kind, c.key, c.header, self.lang) for c in self.columns]

    def raw_rows(self) -> list[dict[str, Any]]:
        return [
            {column.key: _raw(column.get(record)) for column in self.columns}
            for record in self.records
        ]

    def display_rows(self) -> list[list[Any]]:
        return [
            [self.display(column, column.get(record)) for column in self.columns]
            for record in self.records
        ]

    def display(self, column: Column, value: Any) -> Any:
        """A value for a spreadsheet: labels, ja/nein, lists joined; dates and numbers typed."""
        if value is None or value == []:
            return None
        if column.type == "list":
            items = [column.label(item) if column.label else item for item in value]
            return ", ".join(str(item) for item in items)
        if column.type == "bool":
            return ("yes" if value else "no") if self.lang == "en" else ("ja" if value else "nein")
        if column.label is not None:
            return column.label(value)
        return value


def _raw(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _header(targets: dict[str, tuple[str, ...]], key: str, fallback: str) -> str:
    return targets[key][0] if key in targets else fallback


# --------------------------------------------------------------------------- columns per kind


class _Labels:
    def __init__(self, data: Dataset, lang: str) -> None:
        from mokoord.formatting import (
            APPLICATION_STATUS_LABELS,
            OUTCOME_LABELS,
            STATUS_LABELS,
            label,
        )

        self.data = data
        self.lang = lang
        self.vocab = data.config.vocabularies
        self._label = label
        self.tables = {
            "status": STATUS_LABELS,
            "outcome": OUTCOME_LABELS,
            "application_status": APPLICATION_STATUS_LABELS,
        }

    def term(self, vocabulary: str) -> Callable[[Any], Any]:
        return lambda key: self.vocab.label(vocabulary, key, self.lang)

    def fixed(self, table: str) -> Callable[[Any], Any]:
        return lambda key: self._label(self.tables[table], key, self.lang)

    def org_name(self, key: Any) -> Any:
        org = self.data.organisations.get(key)
        return org.name if org else key

    def institution_name(self, key: Any) -> Any:
        inst = self.data.institutions.get(key)
        return inst.name if inst else key

    def person_name(self, key: Any) -> Any:
        person = self.data.persons.get(key)
        return person.display_name if person else key


def organisation_columns(data: Dataset, lang: str) -> list[Column]:
    from mokoord.exchange.flat import first_persons_of

    labels = _Labels(data, lang)
    first_persons = functools.cache(lambda: first_persons_of(data))
    """Found when a person's column is exported (it usually is not)."""

    def h(key: str) -> str:
        return _header(ORGANISATION_TARGETS, key, key)

    def person(attr: str) -> Callable[[Organisation], Any]:
        def value(org: Organisation) -> Any:
            people = first_persons()
            return getattr(people[org.id], attr) if org.id in people else None

        return value

    return [
        Column("id", h("id"), "text", lambda o: o.id),
        Column("name", h("name"), "text", lambda o: o.name),
        Column("aliases", h("aliases"), "list", lambda o: list(o.aliases)),
        Column("status", h("status"), "text", lambda o: o.status, labels.fixed("status")),
        Column(
            "legal_form",
            h("legal_form"),
            "text",
            lambda o: o.legal_form,
            labels.term("legal_forms"),
        ),
        Column(
            "register_court",
            h("register_court"),
            "text",
            lambda o: o.registration.court if o.registration else None,
        ),
        Column(
            "register_number",
            h("register_number"),
            "text",
            lambda o: o.registration.number if o.registration else None,
        ),
        Column("founded", h("founded"), "int", lambda o: o.founded),
        Column("district", h("district"), "text", lambda o: o.district, labels.term("districts")),
        Column("street", h("street"), "text", lambda o: o.address.street if o.address else None),
        Column(
            "postal_code",
            h("postal_code"),
            "text",
            lambda o: o.address.postal_code if o.address else None,
        ),
        Column("city", h("city"), "text", lambda o: o.address.city if o.address else None),
        Column("fields", h("fields"), "list", lambda o: list(o.fields), labels.term("fields")),
        Column(
            "languages",
            h("languages"),
            "list",
            lambda o: list(o.languages),
            lambda c: language_name(c, lang),
        ),
        Column(
            "origins",
            h("origins"),
            "list",
            lambda o: list(o.origins),
            lambda c: country_name(c, lang),
        ),
        Column("religion", h("religion"), "text", lambda o: o.religion, labels.term("religions")),
        Column("members", h("members"), "int", lambda o: o.members.count if o.members else None),
        Column("paid_staff", h("paid_staff"), "bool", lambda o: o.paid_staff),
        Column("rooms_own", h("rooms_own"), "bool", lambda o: o.rooms.own if o.rooms else None),
        Column(
            "rooms_offered",
            h("rooms_offered"),
            "bool",
            lambda o: o.rooms.offered_to_others if o.rooms else None,
        ),
        Column(
            "offered_formats",
            h("offered_formats"),
            "list",
            lambda o: list(o.offered_formats),
            labels.term("offered_formats"),
        ),
        Column(
            "open_needs",
            h("open_needs"),
            "list",
            lambda o: list(dict.fromkeys(n.category for n in o.open_needs)),
            labels.term("need_categories"),
        ),
        Column("networks", h("networks"), "list", lambda o: list(o.networks)),
        Column("website", h("website"), "text", lambda o: o.website),
        Column("email", h("email"), "text", lambda o: o.email, private=True),
        Column("phone", h("phone"), "text", lambda o: o.phone, private=True),
        Column(
            "contact_name", h("contact_name"), "text", person("name"), private=True, personal=True
        ),
        Column(
            "contact_role", h("contact_role"), "text", person("role"), private=True, personal=True
        ),
        Column(
            "contact_email",
            h("contact_email"),
            "text",
            person("email"),
            private=True,
            personal=True,
        ),
        Column(
            "contact_phone",
            h("contact_phone"),
            "text",
            person("phone"),
            private=True,
            personal=True,
        ),
        Column("tags", h("tags"), "list", lambda o: list(o.tags), labels.term("tags")),
        Column("goals", h("goals"), "text", lambda o: o.goals, private=True),
        Column("notes", h("notes"), "text", lambda o: o.notes, private=True),
        Column("known_since", h("known_since"), "date", lambda o: o.known_since),
        Column("last_verified", h("last_verified"), "date", lambda o: o.last_verified),
    ]


def contact_columns(data: Dataset, lang: str) -> list[Column]:
    labels = _Labels(data, lang)

    def h(key: str) -> str:
        return _header(CONTACT_TARGETS, key, key)

    initiated = {"office": "Koordinierungsstelle", "organisation": "Organisation"}
    return [
        Column("id", h("id"), "text", lambda c: c.id),
        Column("date", h("date"), "date", lambda c: c.date),
        Column(
            "organisations",
            h("organisations"),
            "list",
            lambda c: list(c.organisations),
            labels.org_name,
        ),
        Column("organisation_ids", h("organisation_ids"), "list", lambda c: list(c.organisations)),
        Column("channel", h("channel"), "text", lambda c: c.channel, labels.term("channels")),
        Column(
            "initiated_by",
            h("initiated_by"),
            "text",
            lambda c: c.initiated_by,
            lambda v: initiated.get(v, v) if lang == "de" else v,
        ),
        Column("topics", h("topics"), "list", lambda c: list(c.topics), labels.term("topics")),
        Column(
            "persons",
            "Personen",
            "list",
            lambda c: list(c.persons),
            labels.person_name,
            private=True,
            personal=True,
        ),
        Column("summary", h("summary"), "text", lambda c: c.summary, private=True),
        Column(
            "coordinator",
            h("coordinator"),
            "text",
            lambda c: c.coordinator,
            private=True,
            personal=True,
        ),
        Column(
            "follow_up_date",
            h("follow_up_date"),
            "date",
            lambda c: c.follow_up.date if c.follow_up else None,
        ),
        Column(
            "follow_up_action",
            h("follow_up_action"),
            "text",
            lambda c: c.follow_up.action if c.follow_up else None,
            private=True,
        ),
        Column("referrals", "Verweisungen", "int", lambda c: len(c.referrals)),
    ]


def event_columns(data: Dataset, lang: str, today: dt.date | None = None) -> list[Column]:
    """The events' columns. Only attendance that happened counts: an event after
    ``today`` is planned (``held`` no), its head count and organisations are
    expected ones (``expected_*``), never ``participants`` or ``organisations``."""
    from mokoord.activities import expected_head_count, is_held, took_part

    labels = _Labels(data, lang)
    day = today or dt.date.today()

    def expected(event: Event) -> list[str]:
        came = {entry.organisation for entry in took_part(event, day)}
        return [a.organisation for a in event.attendance if a.organisation not in came]

    return [
        Column("id", "ID", "text", lambda e: e.id),
        Column("date", "Datum", "date", lambda e: e.date),
        Column("end", "Ende", "date", lambda e: e.end),
        Column("time", "Beginn", "text", lambda e: clock(e.time)),
        Column("until", "Ende (Uhrzeit)", "text", lambda e: clock(e.until)),
        Column("kind", "Art", "text", lambda e: e.kind, labels.term("event_kinds")),
        Column("title", "Titel", "text", lambda e: e.title),
        Column("series", "Reihe", "text", lambda e: e.series),
        Column("topics", "Themen", "list", lambda e: list(e.topics), labels.term("topics")),
        Column("place", "Ort", "text", lambda e: e.place),
        Column("place_org", "Räume von", "text", lambda e: e.place_org),
        Column("organisers", "Veranstalter", "list", lambda e: list(e.organisers)),
        Column("held", "Stattgefunden", "bool", lambda e: is_held(e, day)),
        Column(
            "participants",
            "Teilnehmende",
            "int",
            lambda e: e.head_count if is_held(e, day) else None,
        ),
        Column(
            "organisations", "Teilnehmende Organisationen", "int", lambda e: len(took_part(e, day))
        ),
        Column(
            "organisation_ids",
            "Organisations-IDs",
            "list",
            lambda e: [a.organisation for a in took_part(e, day)],
        ),
        Column(
            "expected_participants",
            "Erwartete Teilnehmende",
            "int",
            lambda e: expected_head_count(e, day),
        ),
        Column("expected_organisation_ids", "Erwartete Organisationen", "list", expected),
        Column("notes", "Bemerkung", "text", lambda e: e.notes, private=True),
        Column("follow_up", "Nachbereitung", "text", lambda e: e.follow_up, private=True),
    ]


@dataclass(frozen=True)
class ReferralRow:
    contact: Contact
    index: int

    @property
    def referral(self) -> Any:
        return self.contact.referrals[self.index]


def referral_columns(data: Dataset, lang: str) -> list[Column]:
    labels = _Labels(data, lang)
    return [
        Column("contact", "Kontakt-ID", "text", lambda r: r.contact.id),
        Column("date", "Datum", "date", lambda r: r.contact.date),
        Column(
            "organisations", "Organisations-IDs", "list", lambda r: list(r.contact.organisations)
        ),
        Column("institution", "Einrichtung-ID", "text", lambda r: r.referral.institution),
        Column(
            "institution_name",
            "Einrichtung",
            "text",
            lambda r: labels.institution_name(r.referral.institution),
        ),
        Column("reason", "Anlass", "text", lambda r: r.referral.reason, private=True),
        Column(
            "outcome", "Ergebnis", "text", lambda r: r.referral.outcome, labels.fixed("outcome")
        ),
        Column("outcome_date", "Ergebnis am", "date", lambda r: r.referral.outcome_date),
        Column("note", "Bemerkung", "text", lambda r: r.referral.note, private=True),
    ]


def application_columns(data: Dataset, lang: str) -> list[Column]:
    labels = _Labels(data, lang)

    def programme_name(key: str) -> str:
        programme = data.programmes.get(key)
        return programme.name if programme else key

    def line_name(application: Application) -> str | None:
        """The funding line as the programme names it; its key when the programme lacks it."""
        programme = data.programmes.get(application.programme)
        line = programme.line(application.line) if programme else None
        return line.name if line else application.line

    return [
        Column("id", "ID", "text", lambda a: a.id),
        Column("organisation", "Organisation-ID", "text", lambda a: a.organisation),
        Column(
            "organisation_name", "Organisation", "text", lambda a: labels.org_name(a.organisation)
        ),
        Column("programme", "Programm-ID", "text", lambda a: a.programme),
        Column("programme_name", "Programm", "text", lambda a: programme_name(a.programme)),
        Column("line", "Förderlinie-ID", "text", lambda a: a.line),
        Column("line_name", "Förderlinie", "text", line_name),
        Column("year", "Jahr", "int", lambda a: a.year),
        Column("title", "Titel", "text", lambda a: a.title),
        Column("requested", "Beantragt (€)", "money", lambda a: a.requested),
        Column("granted", "Bewilligt (€)", "money", lambda a: a.granted),
        Column("status", "Status", "text", lambda a: a.status, labels.fixed("application_status")),
        Column("supported", "Unterstützt", "bool", lambda a: a.supported),
        Column("deadline", "Frist", "date", lambda a: a.deadline),
        Column("submitted", "Eingereicht", "date", lambda a: a.submitted),
        Column("decided", "Entschieden", "date", lambda a: a.decided),
        Column("proof_filed", "Verwendungsnachweis", "date", lambda a: a.proof_filed),
        Column("notes", "Bemerkung", "text", lambda a: a.notes, private=True),
    ]


def _records(data: Dataset, kind: ExportKind, year: int | None) -> list[Any]:
    if kind == "organisations":
        if year is not None:
            raise UsageError(_("--year applies to contacts, events, referrals and applications"))
        return sorted(data.organisations.values(), key=lambda o: o.id)
    if kind == "contacts":
        contacts: Iterable[Contact] = data.contacts.values()
        return sorted(
            (c for c in contacts if year is None or c.date.year == year),
            key=lambda c: (c.date, c.id),
        )
    if kind == "events":
        events: Iterable[Event] = data.events.values()
        return sorted(
            (e for e in events if year is None or e.date.year == year), key=lambda e: (e.date, e.id)
        )
    if kind == "referrals":
        rows = [
            ReferralRow(contact, index)
            for contact in sorted(data.contacts.values(), key=lambda c: (c.date, c.id))
            if year is None or contact.date.year == year
            for index in range(len(contact.referrals))
        ]
        return rows
    applications: Iterable[Application] = data.applications.values()
    return sorted(
        (a for a in applications if year is None or a.year == year), key=lambda a: (a.year, a.id)
    )


COLUMNS: dict[str, Callable[[Dataset, str], list[Column]]] = {
    "organisations": organisation_columns,
    "contacts": contact_columns,
    "events": event_columns,
    "referrals": referral_columns,
    "applications": application_columns,
}


def build_export(
    data: Dataset,
    kind: ExportKind,
    *,
    fields: list[str] | None = None,
    anonymous: bool = False,
    personal_data: bool = False,
    year: int | None = None,
    lang: str = "de",
    today: dt.date | None = None,
) -> ExportTable:
    """The columns and records of an export; ``fields`` picks and orders columns.

    Persons' data (``personal`` columns) are left out unless asked for with
    ``personal_data`` or by name in ``fields``; ``anonymous`` leaves out free
    text and contact details too. Events after ``today`` (default: the real
    today) are planned: nothing of theirs counts as held."""
    columns = event_columns(data, lang, today) if kind == "events" else COLUMNS[kind](data, lang)
    every, available = columns, {column.key: column for column in columns}
    if fields:
        unknown = [key for key in fields if key not in available]
        if unknown:
            raise UsageError(
                _("--fields: {fields} not among the columns of {kind}").format(
                    fields=", ".join(unknown), kind=kind_label(kind)
                ),
                hint=_("columns: {columns}").format(columns=", ".join(available)),
            )
        if anonymous:
            private = [key for key in fields if available[key].private]
            if private:
                raise UsageError(
                    _(
                        "--fields: {fields} hold personal data or free text, "
                        "which --anonymous leaves out"
                    ).format(fields=", ".join(private))
                )
        columns = [available[key] for key in dict.fromkeys(fields)]
    elif anonymous:
        columns = [column for column in columns if not column.private]
    elif not personal_data:
        columns = [column for column in columns if not column.personal]
    if kind == "organisations" and year is None:
        return _organisations_table(data, every, columns, lang)
    return ExportTable(kind, columns, _records(data, kind, year), lang)


def _organisations_table(
    data: Dataset, every: list[Column], chosen: list[Column], lang: str
) -> ExportTable:
    """The organisations as flat rows (:mod:`mokoord.exchange.flat`): through the index no
    organisation is built while none has changed; the models where a value is not plain."""
    from dataclasses import replace
    from operator import itemgetter
    from pathlib import Path

    from mokoord.exchange.flat import dialled_phones, flat_records

    kept = [column for column in every if not column.personal]
    assert kept[0].key == "id"
    getters, dated = [c.get for c in kept], [c.type == "date" for c in kept]
    records = flat_records(data.organisations, getters, dated, Path(__file__).read_bytes())
    if records is None:
        table = ExportTable("organisations", chosen, _records(data, "organisations", None), lang)
    else:
        position = {column.key: index for index, column in enumerate(kept)}
        columns = [c if c.personal else replace(c, get=itemgetter(position[c.key])) for c in chosen]
        table = ExportTable("organisations", columns, list(records), lang)
    phone = next((column.get for column in table.columns if column.key == "phone"), None)
    if phone is not None:
        phones = functools.partial(map, phone, table.records)
        table.dialled = functools.cache(lambda: dialled_phones(data.organisations, phones))
    return table
