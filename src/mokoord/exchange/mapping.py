"""Which column holds what: mapping spreadsheet headers to mokoord fields.

Headers are recognised in German and English ("Verein", "Name der
Organisation", "Ansprechpartner", "E-Mail", "PLZ", "Stadtteil"…), compared
after :func:`mokoord.textmatch.fold` (case, accents, punctuation ignored).
A saved mapping (YAML) names the field of each header explicitly and wins
over the guess; ``null`` ignores a column::

    kind: organisations
    columns:
      Verein: name
      Tel. (dienstlich): phone
      Interne Nummer: null
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from mokoord.errors import InvalidData, Problem, UsageError
from mokoord.i18n import _
from mokoord.models.common import Model

ImportKind = Literal["organisations", "contacts"]
IMPORT_KINDS: tuple[ImportKind, ...] = ("organisations", "contacts")

# target field → header spellings (German first; the first is what exports write)
ORGANISATION_TARGETS: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Kennung", "mokoord-ID"),
    "name": (
        "Name",
        "Verein",
        "Organisation",
        "Organisationsname",
        "Name der Organisation",
        "Name des Vereins",
        "Vereinsname",
        "Migrantenorganisation",
        "MO",
        "Organization",
        "Organisation name",
        "Organization name",
    ),
    "aliases": ("Auch bekannt als", "Kurzname", "Abkürzung", "Alias", "Aliases", "Also known as"),
    "status": ("Status", "Kooperationsstatus", "Cooperation status"),
    "legal_form": ("Rechtsform", "Organisationsform", "Legal form", "Legal status"),
    "register_number": (
        "Registernummer",
        "Vereinsregisternummer",
        "Vereinsregister",
        "VR-Nummer",
        "VR Nr",
        "Register-Nr",
        "Registernr",
        "Register number",
        "Registration number",
    ),
    "register_court": ("Registergericht", "Amtsgericht", "Register court"),
    "founded": ("Gründungsjahr", "Gegründet", "Gründung", "Founded", "Year founded"),
    "district": (
        "Stadtteil",
        "Ortsbezirk",
        "Ortsteil",
        "Bezirk",
        "Quartier",
        "District",
        "Neighbourhood",
        "Neighborhood",
    ),
    "street": (
        "Straße",
        "Strasse",
        "Str",
        "Straße und Hausnummer",
        "Anschrift",
        "Adresse",
        "Street",
        "Address",
    ),
    "postal_code": (
        "PLZ",
        "Postleitzahl",
        "Postal code",
        "Post code",
        "Postcode",
        "Zip",
        "Zip code",
    ),
    "city": ("Ort", "Stadt", "Wohnort", "City", "Town"),
    "fields": (
        "Tätigkeitsfelder",
        "Tätigkeitsfeld",
        "Schwerpunkt",
        "Schwerpunkte",
        "Arbeitsschwerpunkte",
        "Themen",
        "Handlungsfelder",
        "Fields",
        "Fields of activity",
        "Focus",
    ),
    "goals": ("Ziele", "Vereinsziele", "Zweck", "Vereinszweck", "Goals", "Aims", "Purpose"),
    "languages": ("Sprachen", "Sprache", "Sprache(n)", "Languages", "Language"),
    "origins": (
        "Herkunft",
        "Herkunftsland",
        "Herkunftsländer",
        "Herkunftsregion",
        "Herkunftsregionen",
        "Origin",
        "Origins",
        "Country of origin",
        "Countries of origin",
    ),
    "religion": ("Religion", "Religionszugehörigkeit", "Konfession"),
    "members": (
        "Mitglieder",
        "Mitgliederzahl",
        "Anzahl Mitglieder",
        "Mitgliederanzahl",
        "Members",
        "Number of members",
    ),
    "paid_staff": ("Hauptamtliche", "Hauptamtliches Personal", "Bezahltes Personal", "Paid staff"),
    "rooms_own": ("Eigene Räume", "Räume", "Own rooms"),
    "rooms_offered": ("Räume für andere", "Räume an andere", "Rooms offered", "Rooms for others"),
    "offered_formats": ("Angebote", "Angebotsformate", "Formate", "Offered formats", "Offers"),
    "open_needs": ("Offener Bedarf", "Bedarf", "Unterstützungsbedarf", "Needs", "Open needs"),
    "networks": ("Netzwerke", "Dachverbände", "Networks"),
    "website": ("Website", "Webseite", "Homepage", "Internet", "Internetseite", "URL", "Web"),
    "email": ("E-Mail", "Email", "Mail", "E-Mail-Adresse", "Emailadresse", "E-mail address"),
    "phone": ("Telefon", "Tel", "Telefonnummer", "Tel.-Nr", "Festnetz", "Phone", "Telephone"),
    "contact_name": (
        "Ansprechperson",
        "Ansprechpartner",
        "Ansprechpartnerin",
        "Ansprechpartner/in",
        "Ansprechpartner:in",
        "Kontaktperson",
        "Kontakt",
        "Vorsitz",
        "Vorsitzende",
        "Vorsitzender",
        "Contact person",
        "Contact",
        "Contact name",
    ),
    "contact_role": ("Funktion", "Rolle", "Funktion Ansprechperson", "Role", "Contact role"),
    "contact_email": (
        "E-Mail Ansprechperson",
        "E-Mail Ansprechpartner",
        "E-Mail Kontaktperson",
        "Contact e-mail",
        "Contact email",
    ),
    "contact_phone": (
        "Telefon Ansprechperson",
        "Telefon Ansprechpartner",
        "Mobil",
        "Handy",
        "Mobilnummer",
        "Contact phone",
        "Mobile",
    ),
    "contact_consent_date": (
        "Einwilligung am",
        "Einwilligungsdatum",
        "Datum der Einwilligung",
        "Einwilligung",
        "Consent date",
        "Consent given",
    ),
    "tags": ("Schlagworte", "Stichworte", "Tags"),
    "notes": (
        "Bemerkung",
        "Bemerkungen",
        "Anmerkung",
        "Anmerkungen",
        "Notizen",
        "Notiz",
        "Kommentar",
        "Notes",
        "Remarks",
        "Comment",
    ),
    "known_since": ("Bekannt seit", "Erfasst am", "Known since"),
    "last_verified": ("Zuletzt geprüft", "Geprüft am", "Stand", "Last verified"),
}

CONTACT_TARGETS: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Kennung"),
    "date": ("Datum", "Kontaktdatum", "Date"),
    "organisations": (
        "Organisationen",
        "Organisation",
        "Verein",
        "Vereine",
        "Organisations",
        "Organizations",
    ),
    "organisation_ids": ("Organisations-IDs", "Organisation-IDs", "Organisation IDs"),
    "channel": ("Kanal", "Kontaktweg", "Art", "Kontaktart", "Channel"),
    "initiated_by": ("Initiative", "Initiiert von", "Initiated by"),
    "topics": ("Themen", "Thema", "Topics", "Topic"),
    "summary": ("Zusammenfassung", "Inhalt", "Gesprächsinhalt", "Notiz", "Bemerkung", "Summary"),
    "coordinator": ("Koordination", "Bearbeitet von", "Mitarbeiter", "Coordinator"),
    "follow_up_date": ("Wiedervorlage", "Nachfassen am", "Follow-up", "Follow-up date"),
    "follow_up_action": ("Nächster Schritt", "Wiedervorlage Aktion", "Follow-up action"),
}

TARGETS: dict[str, dict[str, tuple[str, ...]]] = {
    "organisations": ORGANISATION_TARGETS,
    "contacts": CONTACT_TARGETS,
}

# Columns that exports write but that no import sets (derived values).
IGNORED_BY_DEFAULT: dict[str, tuple[str, ...]] = {
    "organisations": ("Anzahl Ansprechpersonen", "Persons"),
    "contacts": ("Verweisungen", "Referrals", "Personen", "Persons"),
}


def header_key(header: str) -> str:
    """A header reduced for comparison: folded, letters and digits only."""
    from mokoord.textmatch import fold

    return "".join(char for char in fold(header) if char.isalnum())


def _lookup(kind: str) -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for target, spellings in TARGETS[kind].items():
        for spelling in (target, *spellings):
            table.setdefault(header_key(spelling), target)
    for spelling in IGNORED_BY_DEFAULT[kind]:
        table.setdefault(header_key(spelling), None)
    return table


def guess_kind(headers: list[str]) -> ImportKind:
    """``contacts`` for a contact log (a date, and a channel or a summary), else organisations.

    A list of organisations with a "Datum" and a "Bemerkung" column stays
    organisations: it has columns only organisations have (address, phone…).
    """
    keys = {header_key(header) for header in headers}
    found = {_lookup("contacts").get(key) for key in keys}
    as_org = {_lookup("organisations").get(key) for key in keys}
    only_org = as_org - {None, "id", "name", "notes", "fields"} - set(CONTACT_TARGETS)
    if "date" in found and "channel" in found:
        return "contacts"
    if "date" in found and "summary" in found and not only_org:
        return "contacts"
    return "organisations"


class MappingFile(Model):
    """A saved column mapping (``--mapping``/``--save-mapping``)."""

    kind: ImportKind | None = None
    columns: dict[str, str | None] = Field(default_factory=dict)


@dataclass
class ColumnMapping:
    """The field each column goes to (``None``: ignored), and what was not understood."""

    kind: ImportKind
    targets: list[str | None]
    headers: list[str]
    unknown: list[int] = field(default_factory=list)
    """Indexes of columns whose header was not recognised."""
    problems: list[Problem] = field(default_factory=list)

    def column_of(self, target: str) -> int | None:
        for index, name in enumerate(self.targets):
            if name == target:
                return index
        return None

    def as_file(self) -> MappingFile:
        return MappingFile(
            kind=self.kind, columns=dict(zip(self.headers, self.targets, strict=True))
        )


def kind_label(kind: str) -> str:
    from mokoord.models.meta import FIXED_VOCABULARIES

    return _(FIXED_VOCABULARIES["record_kinds"].get(kind, kind))


def build_mapping(
    headers: list[str],
    kind: ImportKind,
    *,
    display: str,
    header_row: int = 1,
    saved: MappingFile | None = None,
) -> ColumnMapping:
    """Map each header to a field: the saved mapping first, then the known spellings."""
    lookup = _lookup(kind)
    valid = set(TARGETS[kind])
    explicit = {header_key(key): value for key, value in (saved.columns if saved else {}).items()}
    targets: list[str | None] = []
    unknown: list[int] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        column = index + 1
        if not key:
            targets.append(None)
            continue
        if key in explicit:
            target = explicit[key]
        elif key in lookup:
            target = lookup[key]
        else:
            targets.append(None)
            unknown.append(index)
            problems.append(
                Problem(
                    display,
                    header_row,
                    column,
                    "warning",
                    "unknown-column",
                    _(
                        "column '{header}' is not recognised and is left out "
                        "(name its field in a mapping file, see --save-mapping)"
                    ).format(header=header),
                )
            )
            continue
        if target is not None and target not in valid:
            raise UsageError(
                _(
                    "the mapping names '{field}' for column '{header}', which is no field of {kind}"
                ).format(field=target, header=header, kind=kind_label(kind)),
                hint=_("fields: {fields}").format(fields=", ".join(sorted(valid))),
            )
        if target is not None and target in seen:
            problems.append(
                Problem(
                    display,
                    header_row,
                    column,
                    "warning",
                    "duplicate-column",
                    _(
                        "column '{header}' maps to {field} like column {column} ('{other}'); "
                        "only the first is used"
                    ).format(
                        header=header,
                        field=target,
                        column=seen[target] + 1,
                        other=headers[seen[target]],
                    ),
                )
            )
            target = None
        if target is not None:
            seen[target] = index
        targets.append(target)
    mapping = ColumnMapping(kind, targets, list(headers), unknown, problems)
    if (
        kind == "organisations"
        and mapping.column_of("name") is None
        and mapping.column_of("id") is None
    ):
        raise UsageError(
            _("{path}: no column holds the organisation's name (headers: {headers})").format(
                path=display, headers=", ".join(repr(h) for h in headers[:12])
            ),
            hint=_("name the column 'Name' or 'Verein', or give a mapping with --mapping"),
        )
    if kind == "contacts" and mapping.column_of("date") is None and mapping.column_of("id") is None:
        raise UsageError(
            _("{path}: no column holds the date of the contact").format(path=display),
            hint=_("name the column 'Datum', or give a mapping with --mapping"),
        )
    return mapping


def read_mapping(path: Path) -> MappingFile:
    """A saved mapping; problems point at its lines."""
    from mokoord.validation import validate_document
    from mokoord.yamlio import read_document

    if not path.is_file():
        raise UsageError(_("--mapping: no such file {path}").format(path=path))
    mapping, problems = validate_document(read_document(path, str(path)), MappingFile)
    if mapping is None:
        raise InvalidData(_("{path} is not a valid mapping file").format(path=path), problems)
    return mapping


def mapping_text(mapping: ColumnMapping) -> str:
    """The YAML text of a mapping, for ``--save-mapping``."""
    from mokoord.roundtrip import RoundTripDocument

    data = {
        "kind": mapping.kind,
        "columns": dict(zip(mapping.headers, mapping.targets, strict=True)),
    }
    header = _(
        "mokoord import mapping: spreadsheet column → field (null: column ignored).\n"
        "Use it with: mokoord import FILE --mapping THIS-FILE"
    )
    return RoundTripDocument.new(data, header=header).dump()
