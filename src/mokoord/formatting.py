"""Numbers, money, dates and labels the German way (Babel), or English on request.

Every function takes ``lang``; without it, the current language
(:func:`mokoord.i18n.language`: German unless English was chosen).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Literal, cast

LOCALES = {"de": "de_DE", "en": "en_GB"}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "known": {"de": "bekannt", "en": "known"},
    "contacted": {"de": "kontaktiert", "en": "contacted"},
    "in_dialogue": {"de": "im Gespräch", "en": "in dialogue"},
    "cooperating": {"de": "kooperierend", "en": "cooperating"},
    "inactive": {"de": "inaktiv", "en": "inactive"},
    "dissolved": {"de": "aufgelöst", "en": "dissolved"},
    "declined": {"de": "abgelehnt (§ 2.4)", "en": "declined (§2.4)"},
}
NEED_STATUS_LABELS: dict[str, dict[str, str]] = {
    "open": {"de": "offen", "en": "open"},
    "in_progress": {"de": "in Bearbeitung", "en": "in progress"},
    "met": {"de": "erfüllt", "en": "met"},
    "dropped": {"de": "entfallen", "en": "dropped"},
}
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "pending": {"de": "offen", "en": "pending"},
    "taken_up": {"de": "wahrgenommen", "en": "taken up"},
    "not_taken_up": {"de": "nicht wahrgenommen", "en": "not taken up"},
}
APPLICATION_STATUS_LABELS: dict[str, dict[str, str]] = {
    "idea": {"de": "Idee", "en": "idea"},
    "draft": {"de": "Entwurf", "en": "draft"},
    "submitted": {"de": "eingereicht", "en": "submitted"},
    "granted": {"de": "bewilligt", "en": "granted"},
    "rejected": {"de": "abgelehnt", "en": "rejected"},
    "proof_filed": {"de": "Verwendungsnachweis eingereicht", "en": "proof of use filed"},
    "withdrawn": {"de": "zurückgezogen", "en": "withdrawn"},
}


def _lang(lang: str | None) -> str:
    if lang is not None:
        return lang
    from mokoord.i18n import language

    return language()


def label(table: dict[str, dict[str, str]], key: str, lang: str | None = None) -> str:
    return table.get(key, {}).get(_lang(lang), key)


def money(amount: Decimal | int | None, lang: str | None = None) -> str:
    """``2500`` → ``2.500,00 €`` (de) or ``€2,500.00`` (en)."""
    if amount is None:
        return "–"
    return _money(Decimal(amount), _lang(lang))


@functools.lru_cache(maxsize=4096)
def _money(amount: Decimal, lang: str) -> str:
    # Babel takes a tenth of a millisecond for each; a check of 2,500 funding
    # applications formats the same few limits thousands of times. (Equal
    # amounts, such as 100 and 100.00, are written alike: to the cent.)
    from babel.numbers import format_currency

    return str(format_currency(amount, "EUR", locale=LOCALES[lang]))


def number(
    value: int | float | Decimal, lang: str | None = None, *, decimals: int | None = None
) -> str:
    """``12345`` → ``12.345``; ``decimals`` fixes the places (``0,5`` → ``0,50``)."""
    from babel.numbers import format_decimal

    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(value, format=pattern, locale=LOCALES[_lang(lang)]))
    return str(format_decimal(value, locale=LOCALES[_lang(lang)]))


def percent(value: float | None, lang: str | None = None, *, decimals: int = 1) -> str:
    """``0.425`` → ``42,5 %``."""
    from babel.numbers import format_percent

    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    return str(format_percent(value, format=pattern, locale=LOCALES[_lang(lang)]))


def date(value: dt.date | None, lang: str | None = None, *, style: str = "medium") -> str:
    """``2023-03-14`` → ``14.03.2023`` (de, medium) or ``14 Mar 2023`` (en).

    What Babel's ``format_date`` gives, with the locale and its pattern looked
    up once rather than on every call (a table formats a thousand dates).
    """
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = value.date()
    pattern, locale = _date_pattern(style, LOCALES[_lang(lang)])
    return str(pattern.apply(value, locale))


@functools.cache
def _date_pattern(style: str, locale_name: str) -> tuple[Any, Any]:
    from babel import Locale
    from babel.dates import get_date_format, parse_pattern

    locale = Locale.parse(locale_name)
    if style in ("full", "long", "medium", "short"):
        named = cast(Literal["full", "long", "medium", "short"], style)
        return get_date_format(named, locale=locale), locale
    return parse_pattern(style), locale


def month_name(
    month: int,
    lang: str | None = None,
    *,
    width: Literal["abbreviated", "narrow", "wide"] = "abbreviated",
) -> str:
    from babel.dates import get_month_names

    return str(get_month_names(width, locale=LOCALES[_lang(lang)])[month])
