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
    dates and amounts as the table's language writes them, phone numbers as dialled."""
    from mokoord.sheets import cell, csv_bytes

    def text(column: Column, value: Any) -> str:
        if column.key in PHONE_KEYS:
            return cell(value, kind="phone", lang=table.lang)
        if column.type in ("date", "money", "int"):
            return cell(value, kind=column.type, lang=table.lang)
        return cell(None if value is None else str(value), lang=table.lang)

    rows = (
        [text(column, value) for column, value in zip(table.columns, row, strict=True)]
        for row in table.display_rows()
    )
    return csv_bytes(table.headers(), rows)


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
