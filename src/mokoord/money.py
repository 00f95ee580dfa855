"""Amounts of money as people type them: exact euro and cent, never a float.

The rule (documented in ``docs/activities.md``):

* digits with an optional decimal part of one or two digits after a comma or a
  dot: ``2500``, ``2500,5``, ``2500,50``, ``2500.50``;
* thousands may be grouped in threes with the *other* separator:
  ``2.500,00`` (German) or ``2,500.00`` (English); ``1.000.000`` and
  ``1,000,000`` are grouped thousands too;
* a single separator followed by exactly three digits depends on the
  language: in German a dot there groups thousands (``2.500`` is two thousand
  five hundred euro, as on every German invoice); otherwise (``2,500`` in
  German, either in English) it is **ambiguous** and refused: write ``2500``
  or ``2.500,00``;
* a trailing or leading ``€``/``EUR`` and spaces are ignored; more than two
  decimal places and negative amounts are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from mokoord.errors import UsageError
from mokoord.i18n import _, language

_PLAIN_RE = re.compile(r"^\d+$")
_DECIMALS_RE = re.compile(r"^\d{1,2}$")


class MoneyError(ValueError):
    """An amount that cannot be read unambiguously; the message says why."""


def _not_an_amount(original: str) -> MoneyError:
    return MoneyError(
        _("'{value}' is not an amount in euro; write e.g. 2500, 2500,50 or 2.500,00").format(
            value=original
        )
    )


def _integer_part(text: str, group_sep: str, original: str) -> str:
    if _PLAIN_RE.match(text):
        return text
    pattern = re.compile(rf"^\d{{1,3}}(?:{re.escape(group_sep)}\d{{3}})+$")
    if pattern.match(text):
        return text.replace(group_sep, "")
    raise _not_an_amount(original)


def _strip_unit(text: str) -> str:
    value = text.strip()
    for unit in ("€", "EUR", "Euro", "eur", "euro"):
        if value.endswith(unit):
            value = value[: -len(unit)].strip()
        if value.startswith(unit):
            value = value[len(unit) :].strip()
    return value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")


def parse_money(text: str, lang: str | None = None) -> Decimal:
    """Parse an amount in euro; raise :class:`MoneyError` with the reason.

    ``lang`` (default: the current language) decides ``2.500``: thousands in
    German, ambiguous otherwise.

    >>> parse_money("2.500,00"), parse_money("2500.5"), parse_money("1.000.000")
    (Decimal('2500.00'), Decimal('2500.50'), Decimal('1000000.00'))
    """
    original = text
    value = _strip_unit(text)
    if value.startswith("-"):
        raise MoneyError(_("'{value}' is negative; an amount is 0 or more").format(value=original))
    if value.startswith("+"):
        value = value[1:]
    if not value:
        raise _not_an_amount(original)
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        integer, _sep, fraction = value.rpartition(decimal_sep)
        if group_sep in fraction or decimal_sep in integer:
            raise _not_an_amount(original)
        integer = _integer_part(integer, group_sep, original)
    else:
        sep = "," if "," in value else "." if "." in value else ""
        if not sep:
            integer, fraction = _integer_part(value, ",", original), ""
        elif value.count(sep) > 1:
            # 1.000.000 or 1,000,000: only grouped thousands, no decimals
            integer, fraction = _integer_part(value, sep, original), ""
        else:
            integer, _sep, fraction = value.partition(sep)
            if len(fraction) == 3 and _PLAIN_RE.match(fraction) and _PLAIN_RE.match(integer):
                if sep == "." and (lang or language()) == "de" and len(integer) <= 3:
                    integer, fraction = integer + fraction, ""
                else:
                    raise _ambiguous(original, integer, fraction)
            if not _PLAIN_RE.match(integer or "0"):
                raise _not_an_amount(original)
            integer = integer or "0"
    if fraction and not _PLAIN_RE.match(fraction):
        raise _not_an_amount(original)
    if fraction and not _DECIMALS_RE.match(fraction):
        raise MoneyError(
            _("'{value}' has more than two decimal places; an amount is exact to the cent").format(
                value=original
            )
        )
    try:
        amount = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation:
        raise _not_an_amount(original) from None
    return amount.quantize(Decimal("0.01"))


def _ambiguous(original: str, integer: str, fraction: str) -> MoneyError:
    return MoneyError(
        _(
            "'{value}' is ambiguous: thousands or decimals? write {whole} or {grouped},00 "
            "for {whole} euro, or {euro},{cent} for {euro} euro and {cent} cent"
        ).format(
            value=original,
            whole=integer + fraction,
            grouped=f"{integer}.{fraction}",
            euro=integer,
            cent=fraction[:2],
        )
    )


def amount_option(value: str | None, flag: str) -> Decimal | None:
    """An amount given with ``flag`` (``None`` when not given); a
    :class:`~mokoord.errors.UsageError` naming the flag when it cannot be read."""
    if value is None:
        return None
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise UsageError(_("{flag}: {reason}").format(flag=flag, reason=exc)) from None


__all__ = ["MoneyError", "amount_option", "parse_money"]
