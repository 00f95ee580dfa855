"""What ``mokoord import`` and ``mokoord export`` are asked for, checked once.

:class:`ImportRequest` and :class:`ExportRequest` take the options as typed
(kinds and policies by key or by their German or English label, through
:func:`mokoord.vocab.resolve`) and refuse what makes no sense with a message
in the current language. :func:`read_sheet` reads the sheet and its column
mapping for an import; :func:`export_content` makes the bytes of an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mokoord.errors import UsageError
from mokoord.i18n import _

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.exchange.exporter import ExportFormat, ExportKind
    from mokoord.exchange.mapping import ColumnMapping, ImportKind
    from mokoord.exchange.plan import OnDuplicate
    from mokoord.exchange.tabular import Table
    from mokoord.models import Config


# --------------------------------------------------------------------------- choices


def _pick(config: Config, vocabulary: str, value: str) -> str | None:
    """The one term ``value`` names (key, German or English label, any case or
    accents, a unique beginning); ``None`` when it names none or several."""
    from mokoord.vocab import match, terms

    found = match(terms(config, vocabulary), value)
    return found[0] if len(found) == 1 else None


def _allowed(config: Config, vocabulary: str, only: tuple[str, ...] | None = None) -> str:
    """``organisations (Organisationen), …``: each term and its label in the current language."""
    from mokoord.vocab import label, terms

    shown = []
    for key in terms(config, vocabulary):
        if only is None or key in only:
            name = label(config, vocabulary, key)
            shown.append(key if name == key else f"{key} ({name})")
    return ", ".join(shown)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportRequest:
    """A sheet to import and how."""

    file: Path
    kind: ImportKind | None = None
    """``None``: as the saved mapping says, else guessed from the headers."""
    mapping: Path | None = None
    save_mapping: Path | None = None
    on_duplicate: OnDuplicate = "skip"
    skip_invalid: bool = False
    encoding: str | None = None
    sheet: str | None = None
    legal_basis: str | None = None
    """The legal basis of new contact persons the sheet gives no consent date for."""

    @classmethod
    def of(
        cls,
        config: Config,
        file: Path,
        *,
        kind: str | None = None,
        on_duplicate: str = "skip",
        legal_basis: str | None = None,
        **options: object,
    ) -> ImportRequest:
        """The request the options make: ``kind``, ``on_duplicate`` and ``legal_basis``
        by key or label (``consent`` is refused: it needs each consent's date)."""
        from mokoord.exchange.mapping import IMPORT_KINDS

        chosen = None
        if kind is not None:
            chosen = _pick(config, "record_kinds", kind)
            if chosen not in IMPORT_KINDS:
                raise UsageError(
                    _("--kind must be one of {allowed}, not '{value}'").format(
                        allowed=_allowed(config, "record_kinds", IMPORT_KINDS), value=kind
                    )
                )
        policy = _pick(config, "duplicate_policies", on_duplicate)
        if policy is None:
            raise UsageError(
                _("--on-duplicate must be one of {allowed}, not '{value}'").format(
                    allowed=_allowed(config, "duplicate_policies"), value=on_duplicate
                )
            )
        return cls(
            file,
            cast("ImportKind | None", chosen),
            on_duplicate=cast("OnDuplicate", policy),
            legal_basis=_legal_basis(config, legal_basis),
            **options,  # type: ignore[arg-type]
        )


def _legal_basis(config: Config, value: str | None) -> str | None:
    """``--legal-basis`` resolved; consent needs its date, so it comes from the sheet."""
    if value is None:
        return None
    from mokoord.vocab import resolve

    term = resolve(config, "legal_bases", value, flag="--legal-basis")
    if term == "consent":
        raise UsageError(
            _("--legal-basis consent needs the date of each consent"),
            hint=_("add a column with the date of consent (Einwilligung am) to the sheet"),
        )
    return term


def read_sheet(request: ImportRequest) -> tuple[Table, ColumnMapping]:
    """The sheet and the field of each of its columns; the mapping saved when asked."""
    from mokoord.exchange.mapping import build_mapping, guess_kind, mapping_text, read_mapping
    from mokoord.exchange.tabular import read_table

    saved = read_mapping(request.mapping) if request.mapping is not None else None
    table = read_table(
        request.file, encoding=request.encoding, sheet=request.sheet, display=str(request.file)
    )
    kind = request.kind or (saved.kind if saved and saved.kind else None)
    columns = build_mapping(
        table.headers,
        kind or guess_kind(table.headers),
        display=table.path,
        header_row=table.header_row,
        saved=saved,
    )
    if request.save_mapping is not None:
        from mokoord.faults import write_output

        write_output(request.save_mapping, mapping_text(columns).encode("utf-8"))
    return table, columns


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportRequest:
    """Which records to export, how and where."""

    kind: ExportKind
    format: ExportFormat = "csv"
    output: Path | None = None
    fields: tuple[str, ...] | None = None
    anonymous: bool = False
    year: int | None = None
    personal_data: bool = False
    """Contact persons' names and details, left out unless asked for."""

    @classmethod
    def of(
        cls,
        config: Config,
        kind: str,
        *,
        fmt: str | None = None,
        output: Path | None = None,
        fields: str | None = None,
        anonymous: bool = False,
        personal_data: bool = False,
        year: int | None = None,
    ) -> ExportRequest:
        """The request the options make; ``fmt`` defaults to the ``output`` file's
        extension, else CSV."""
        from mokoord.exchange.exporter import EXPORT_FORMATS

        chosen = cast("ExportKind | None", _pick(config, "record_kinds", kind))
        if chosen is None:
            raise UsageError(
                _("cannot export '{value}'; choose one of {allowed}").format(
                    value=kind, allowed=_allowed(config, "record_kinds")
                )
            )
        wanted = (fmt or _format_of(output) or "csv").strip().lower()
        if wanted not in EXPORT_FORMATS:
            raise UsageError(
                _("--format must be one of {allowed}, not '{value}'").format(
                    allowed=", ".join(EXPORT_FORMATS), value=fmt
                )
            )
        if wanted == "xlsx" and output is None:
            raise UsageError(_("--format xlsx needs --output FILE"))
        if output is not None and output.is_dir():
            raise UsageError(
                _("{flag}: {path} is a folder; name a file").format(flag="--output", path=output)
            )
        if wanted == "hsds" and chosen != "organisations":
            raise UsageError(_("--format hsds exports organisations only"))
        if wanted == "hsds" and (fields or year is not None):
            raise UsageError(_("--fields and --year do not apply to --format hsds"))
        if anonymous and personal_data:
            raise UsageError(_("choose either --anonymous or --personal-data"))
        if year is not None and chosen == "organisations":
            raise UsageError(_("--year applies to contacts, events, referrals and applications"))
        selected = tuple(part.strip() for part in (fields or "").split(",") if part.strip())
        return cls(
            chosen,
            wanted,
            output,
            selected or None,
            anonymous,
            year,
            personal_data,
        )


def _format_of(output: Path | None) -> str | None:
    """``xlsx`` for ``register.xlsx``: the format an output file's extension names."""
    if output is None:
        return None
    suffix = output.suffix.lower().lstrip(".")
    return suffix if suffix in ("csv", "xlsx", "json") else None


def export_content(data: Dataset, request: ExportRequest, lang: str) -> tuple[bytes, int]:
    """The bytes of the export and the number of records (rows) in it."""
    if request.format == "hsds":
        import json

        from mokoord.exchange.hsds import export_hsds

        organizations = export_hsds(
            data, anonymous=request.anonymous, personal_data=request.personal_data, lang=lang
        )
        text = json.dumps(organizations, ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8"), len(organizations)
    from mokoord.exchange.exporter import build_export
    from mokoord.exchange.writers import render

    table = build_export(
        data,
        request.kind,
        fields=list(request.fields) if request.fields else None,
        anonymous=request.anonymous,
        personal_data=request.personal_data,
        year=request.year,
        lang=lang,
    )
    return render(table, request.format), len(table.records)


def exported_text(kind: str, count: int) -> str:
    """``3 organisations``: how many records of a kind, in the current language."""
    from mokoord.i18n import ngettext

    if kind == "organisations":
        return ngettext("{n} organisation", "{n} organisations", count).format(n=count)
    if kind == "contacts":
        return ngettext("{n} contact", "{n} contacts", count).format(n=count)
    if kind == "events":
        return ngettext("{n} event", "{n} events", count).format(n=count)
    if kind == "referrals":
        return ngettext("{n} referral", "{n} referrals", count).format(n=count)
    return ngettext("{n} funding application", "{n} funding applications", count).format(n=count)
