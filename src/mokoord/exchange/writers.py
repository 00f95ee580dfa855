"""Writing an export: CSV for German Excel, XLSX with typed cells, JSON.

Spreadsheet safety: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return could run as a formula when opened. CSV gets a leading
``'`` (which ``mokoord import`` removes again) — phone numbers are written as
dialled instead, which no spreadsheet takes for a formula; XLSX stores such
cells explicitly as text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mokoord.exchange.tabular import FORMULA_PREFIXES

if TYPE_CHECKING:
    from mokoord.exchange.exporter import Column, ExportFormat, ExportTable

SHEET_NAMES = {
    "organisations": "Organisationen",
    "contacts": "Kontakte",
    "events": "Veranstaltungen",
    "referrals": "Verweisungen",
    "applications": "Förderanträge",
}
"""The German titles of an XLSX export's sheet."""


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: no spreadsheet runs it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


PHONE_KEYS = frozenset({"phone", "contact_phone"})
"""Columns holding phone numbers: written as dialled (:func:`mokoord.sheets.dialable`)."""


def to_csv(table: ExportTable) -> bytes:
    """CSV for German Excel (:mod:`mokoord.sheets`): semicolons, UTF-8 with BOM, CRLF,
    dates and amounts as the table's language writes them, phone numbers as dialled.

    The sheet is made a column at a time: each value goes straight from the
    record to its text (:func:`csv_text`), a plain text that needs no guard
    as it is, labels and phone numbers worked out once per distinct value (an
    export of thousands of organisations has 150,000 cells)."""
    from mokoord.sheets import FORMULA_PREFIXES, csv_bytes

    guarded = frozenset(FORMULA_PREFIXES)
    cells = []
    for column in table.columns:
        text = csv_text(table, column)
        values = list(map(column.get, table.records))
        if column.type == "text" and column.label is None and column.key not in PHONE_KEYS:
            cells.append(
                [
                    value if type(value) is str and value[:1] not in guarded else text(value)
                    for value in values
                ]
            )
        else:
            cells.append(list(map(text, values)))
    rows = zip(*cells, strict=True) if cells else ([] for _record in table.records)
    return csv_bytes(table.headers(), rows)


def csv_text(table: ExportTable, column: Column) -> Callable[[Any], str]:
    """A column's raw value (``column.get(record)``) → its CSV text: the same text as
    :func:`mokoord.sheets.cell` gives for :meth:`ExportTable.display` of the value,
    with labels and phone numbers worked out once per distinct value."""
    from mokoord.sheets import cell, dialable, neutralise

    lang = table.lang
    if column.key in PHONE_KEYS:
        known = table.dialled() if table.dialled is not None else {}
        written: dict[str, str] = {}

        def phone(value: Any) -> str:
            if value is None or value == []:
                return ""
            if type(value) is not str or column.label is not None:
                return cell(table.display(column, value), kind="phone", lang=lang)
            found = written.get(value)
            if found is None:
                number = known.get(value)
                found = neutralise(number if number is not None else dialable(value))
                written[value] = found
            return found

        return phone
    if column.type == "list":
        label = _remembered(column.label) if column.label else str
        joined: dict[tuple[Any, ...], str] = {}

        def items(value: Any) -> str:
            if value is None or value == []:
                return ""
            key = tuple(value)
            try:
                return joined[key]
            except KeyError:
                found = joined[key] = neutralise(", ".join([str(label(item)) for item in key]))
                return found
            except TypeError:  # an item not hashable
                return neutralise(", ".join([str(label(item)) for item in key]))

        return items
    if column.type == "bool":
        yes, no = ("yes", "no") if lang == "en" else ("ja", "nein")
        return lambda value: "" if value is None or value == [] else (yes if value else no)
    if column.type in ("date", "money", "int"):
        kind, plain = column.type, column.label is None

        days: dict[dt.date, str] = {}

        def typed(value: Any) -> str:
            if value is None or value == []:
                return ""
            if plain and kind == "int" and type(value) is int:
                return str(value)
            if plain and kind == "date" and type(value) is dt.date:
                found = days.get(value)
                if found is None:
                    found = days[value] = cell(value, kind=kind, lang=lang)
                return found
            return cell(table.display(column, value), kind=kind, lang=lang)

        return typed
    named = _remembered(column.label) if column.label else None

    def text(value: Any) -> str:
        if value is None or value == []:
            return ""
        shown = named(value) if named is not None else value
        return "" if shown is None else neutralise(str(shown))

    return text


def _remembered(label: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``label``, asked once per distinct value (labels of one export do not change)."""
    known: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            found = known[value] = label(value)
            return found
        except TypeError:  # not hashable
            return label(value)

    return remembered


def to_json(table: ExportTable) -> bytes:
    """A list of objects keyed by column key; dates ISO, amounts numbers, terms as keys."""
    return (json.dumps(table.raw_rows(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(table: ExportTable) -> bytes:
    """A workbook with a bold, frozen, filterable header row and typed cells."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from mokoord.exchange.headers import sheet_title

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title(table.kind, SHEET_NAMES[table.kind], table.lang)
    bold = Font(bold=True)
    headers = table.headers()
    widths = [len(header) for header in headers]
    for index, header in enumerate(headers, 1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.data_type = "s"
        cell.font = bold
    for row_number, row in enumerate(table.display_rows(), 2):
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), 1):
            if value is None:
                continue
            if column.type == "money":
                cell = sheet.cell(row=row_number, column=index, value=float(value))
                cell.number_format = '#,##0.00 "€"'
            elif column.type == "date" and isinstance(value, dt.date):
                cell = sheet.cell(row=row_number, column=index, value=value)
                cell.number_format = "DD.MM.YYYY"
            elif column.type == "int" and isinstance(value, int):
                cell = sheet.cell(row=row_number, column=index, value=value)
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                cell = sheet.cell(row=row_number, column=index, value=text)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            widths[index - 1] = max(widths[index - 1], min(len(str(value)), 60))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    if table.columns:
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(table.records) + 1, 1)}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(table: ExportTable, fmt: ExportFormat) -> bytes:
    """The export's file in ``fmt`` (``csv``, ``xlsx`` or ``json``)."""
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    return to_json(table)
