"""CSV the way German Excel opens it, for every command that writes CSV.

Semicolons, UTF-8 with a byte-order mark, CRLF line ends; dates as
``14.03.2023``; amounts as ``2500,00``; yes/no as ``ja``/``nein`` (in German).

Spreadsheet safety: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return could run as a formula. Such text gets a leading ``'``
(``mokoord import`` removes it again) — except phone numbers, which are
written as a person dials them from Germany (``0611 123456``, ``0044 20 …``):
the same number, in a form no spreadsheet takes for a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: no spreadsheet runs it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def dialable(phone: str) -> str:
    """A phone number as dialled from Germany: ``+49 611 123456`` → ``0611 123456``,
    ``+44 20 7946 0000`` → ``0044 20 7946 0000``. Text that is no phone number
    is returned as it is (and neutralised when written)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, "DE")
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_possible_number(number):
        return phone
    if number.country_code == 49:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "00" + str(international).removeprefix("+")


def dialling_stamp() -> str:
    """What :func:`dialable` gives besides the number depends on: this module and the
    version of ``phonenumbers`` (its tables of numbering plans; the version is written
    in its ``__init__.py``, read here without importing it). Numbers dialled once may
    be kept under this stamp."""
    from importlib.util import find_spec

    spec = find_spec("phonenumbers")
    source = Path(__file__).read_bytes()
    if spec is not None and spec.origin is not None:
        source += Path(spec.origin).read_bytes()
    return hashlib.sha1(source).hexdigest()[:16]


def cell(value: Any, *, kind: str = "text", lang: str = "de") -> str:
    """One value as CSV text: German dates and amounts, ja/nein, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if lang == "en":
            return "yes" if value else "no"
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
    if kind == "date" and isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return cell(dt.date.fromisoformat(value), lang=lang)
    if kind == "money" or isinstance(value, Decimal):
        amount = f"{Decimal(value):.2f}"
        return amount.replace(".", ",") if lang == "de" else amount
    if isinstance(value, int | float):
        return str(value).replace(".", ",") if lang == "de" else str(value)
    if isinstance(value, list | tuple):
        return neutralise(", ".join(str(item) for item in value))
    text = str(value)
    if kind == "phone":
        text = dialable(text)
    return neutralise(text)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A sheet of already formatted cells as German Excel CSV (BOM, ``;``, CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(header) for header in headers])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
