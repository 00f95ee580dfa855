"""Amounts of money as people type them: exact euro and cent, never a float.

The rule (documented in ``docs/activities.md``):

* digits with an optional decimal part of one or two digits after a comma or a
  dot: ``2500``, ``2500,5``, ``2500,50``, ``2500.50``;
* thousands may be grouped in threes with the *other* separator:
  ``2.500,00`` (German) or ``2,500.00`` (English); ``1.000.000`` and
  ``1,000,000`` are grouped thousands too;
* a single separator followed by exactly three digits (``2.500``,
  ``2,500``) is **ambiguous** (two thousand five hundred in German, two and a
  half in English) and refused: write ``2500`` or ``2.500,00``;
* a trailing or leading ``€``/``EUR`` and spaces are ignored; more than two
  decimal places and negative amounts are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_PLAIN_RE = re.compile(r"^\d+$")
_DECIMALS_RE = re.compile(r"^\d{1,2}$")

EXAMPLES = "write e.g. 2500, 2500,50, 2.500,00 or 2500.50"


class MoneyError(ValueError):
    """An amount that cannot be read unambiguously; the message says why."""


def _integer_part(text: str, group_sep: str, original: str) -> str:
    if _PLAIN_RE.match(text):
        return text
    pattern = re.compile(rf"^\d{{1,3}}(?:{re.escape(group_sep)}\d{{3}})+$")
    if pattern.match(text):
        return text.replace(group_sep, "")
    raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}")


def parse_money(text: str) -> Decimal:
    """Parse an amount in euro; raise :class:`MoneyError` with the reason.

    >>> parse_money("2.500,00"), parse_money("2500.5"), parse_money("1.000.000")
    (Decimal('2500.00'), Decimal('2500.50'), Decimal('1000000.00'))
    """
    original = text
    value = text.strip()
    for unit in ("€", "EUR", "Euro", "eur", "euro"):
        if value.endswith(unit):
            value = value[: -len(unit)].strip()
        if value.startswith(unit):
            value = value[len(unit) :].strip()
    value = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if value.startswith("-"):
        raise MoneyError(f"'{original}' is negative; an amount is 0 or more")
    if value.startswith("+"):
        value = value[1:]
    if not value:
        raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}")
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        integer, _, fraction = value.rpartition(decimal_sep)
        if group_sep in fraction or decimal_sep in integer:
            raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}")
        integer = _integer_part(integer, group_sep, original)
    else:
        sep = "," if "," in value else "." if "." in value else ""
        if not sep:
            integer, fraction = _integer_part(value, ",", original), ""
        elif value.count(sep) > 1:
            # 1.000.000 or 1,000,000: only grouped thousands, no decimals
            integer, fraction = _integer_part(value, sep, original), ""
        else:
            integer, _, fraction = value.partition(sep)
            if len(fraction) == 3 and _PLAIN_RE.match(fraction) and _PLAIN_RE.match(integer):
                raise MoneyError(
                    f"'{original}' is ambiguous: thousands or decimals? "
                    f"write {integer}{fraction} or {integer}.{fraction},00 for "
                    f"{integer}{fraction} euro, or {integer},{fraction[:2]} for "
                    f"{integer} euro and {fraction[:2]} cent"
                )
            if not _PLAIN_RE.match(integer or "0"):
                raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}")
            integer = integer or "0"
    if fraction and not _PLAIN_RE.match(fraction):
        raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}")
    if fraction and not _DECIMALS_RE.match(fraction):
        raise MoneyError(
            f"'{original}' has more than two decimal places; an amount is exact to the cent"
        )
    try:
        amount = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation:
        raise MoneyError(f"'{original}' is not an amount in euro; {EXAMPLES}") from None
    return amount.quantize(Decimal("0.01"))


__all__ = ["MoneyError", "parse_money"]
