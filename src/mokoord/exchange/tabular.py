"""Reading tables as offices keep them: CSV from German Excel, and XLSX.

German Excel writes "CSV (Trennzeichen-getrennt)" with semicolons in
Windows-1252, "CSV UTF-8" with a byte-order mark, and LibreOffice often
commas without a BOM. :func:`read_table` detects encoding and delimiter
(``encoding`` forces one) and returns the header and the rows with the row
numbers a spreadsheet shows, so problems can say ``file.csv:7:3``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mokoord.errors import UsageError
from mokoord.i18n import _

MAX_BYTES = 50 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    """One data row: its spreadsheet row number and its cells as text."""

    number: int
    cells: list[str]

    def get(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass
class Table:
    """A sheet: header cells, data rows, and how it was read."""

    path: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    broken: list[tuple[int, str]] = field(default_factory=list)
    """(row number, message) for rows that could not be read as the header says."""


def unneutralise(value: str) -> str:
    """Undo the ``'`` that exports put before ``=``, ``+``, ``-``, ``@`` (formula guard)."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def read_table(
    path: Path, *, encoding: str | None = None, sheet: str | None = None, display: str | None = None
) -> Table:
    """Read a CSV or XLSX file into a :class:`Table`; unreadable files are a UsageError."""
    shown = display or str(path)
    if not path.is_file():
        raise UsageError(_("{path}: no such file").format(path=shown))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if encoding:
            raise UsageError(_("--encoding applies to CSV files only"))
        return _read_xlsx(path, shown, sheet)
    if suffix in (".xls", ".ods", ".numbers"):
        raise UsageError(
            _("{path}: {suffix} files cannot be read").format(path=shown, suffix=suffix),
            hint=_("save the sheet as .xlsx or as CSV (Excel: File > Save As)"),
        )
    if sheet:
        raise UsageError(_("--sheet applies to XLSX files only"))
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(
            _("{path}: the file is larger than {size} MiB").format(
                path=shown, size=MAX_BYTES // 1024 // 1024
            )
        )
    return read_csv_bytes(path.read_bytes(), shown, encoding=encoding)


# --------------------------------------------------------------------------- CSV


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding used: forced, else BOM, else UTF-8, else Windows-1252."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                _("--encoding: unknown encoding '{value}'").format(value=encoding),
                hint=_("common ones: utf-8, utf-8-sig, cp1252 (Windows), latin-1, utf-16"),
            ) from None
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            raise UsageError(
                _("the file is not valid {encoding} (byte {byte})").format(
                    encoding=encoding, byte=exc.start
                ),
                hint=_("leave out --encoding to let mokoord detect it"),
            ) from None
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: whichever splits the first lines most consistently."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        return ";"
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        found = ""
    if found in (";", ",", "\t"):
        return found
    header = lines[0]
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv_bytes(raw: bytes, display: str, *, encoding: str | None = None) -> Table:
    """Parse CSV bytes (see module docs for what is detected)."""
    text, used = decode(raw, encoding)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: Table | None = None
    record = 0
    try:
        for cells in reader:
            record += 1
            values = [unneutralise(cell.strip()) for cell in cells]
            if not any(values):
                continue
            if table is None:
                table = Table(display, _headers(values), encoding=used, delimiter=delimiter)
                table.header_row = record
                continue
            _add_row(table, record, values)
    except csv.Error:  # the reason in Python's English; ours names what to look for
        raise UsageError(
            _(
                "{path}:{line}: not readable as CSV (a quotation mark not closed, "
                "or a cell too long?)"
            ).format(path=display, line=reader.line_num)
        ) from None
    if table is None:
        raise UsageError(_("{path}: the file is empty (no header row)").format(path=display))
    return table


def _headers(values: list[str]) -> list[str]:
    while values and not values[-1]:
        values = values[:-1]
    return values


def _add_row(table: Table, number: int, values: list[str]) -> None:
    width = len(table.headers)
    if len(values) > width and any(values[width:]):
        extra = [value for value in values[width:] if value]
        table.broken.append(
            (
                number,
                _(
                    "the row has {cells} cells but the header only {width} (extra: {extra}); "
                    "a separator inside a value must be quoted"
                ).format(
                    cells=len(values), width=width, extra=", ".join(repr(v) for v in extra[:3])
                ),
            )
        )
        return
    table.rows.append(Row(number, values[:width]))


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return unneutralise(str(value).strip())


def _read_xlsx(path: Path, display: str, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UsageError(
            _("{path}: not a readable XLSX file").format(path=display),
            hint=_("open it in the spreadsheet program and save it again as .xlsx"),
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is None:
            name = names[0]
        elif sheet in names:
            name = sheet
        else:
            raise UsageError(
                _("--sheet: no sheet '{sheet}' in {path}").format(sheet=sheet, path=display),
                hint=_("sheets: {names}").format(names=", ".join(names)),
            )
        table: Table | None = None
        for number, row in enumerate(workbook[name].iter_rows(values_only=True), 1):
            values = [_cell_text(value) for value in row]
            if not any(values):
                continue
            if table is None:
                table = Table(display, _headers(values), sheet=name)
                table.header_row = number
                continue
            _add_row(table, number, values)
    finally:
        workbook.close()
    if table is None:
        raise UsageError(
            _("{path}: sheet '{sheet}' is empty (no header row)").format(path=display, sheet=name)
        )
    return table
