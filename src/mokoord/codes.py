"""Languages and countries: one table of codes for every command, ``import`` and ``check``.

Records keep codes: ISO 639 for languages (``tr``, ``ckb``, ``prs``), ISO
3166 for countries (``TR``) and UN M.49 numbers for regions (``145`` Western
Asia). People type names: ``Ukrainisch``, ``Dari``, ``Kurdisch (Sorani)``,
``Türkei``, ``Syria``. This module turns one into the other, the same way
wherever a language or a country is given — so that a code one command
accepts, every other command and ``mokoord check`` accept too.

The table is Babel's CLDR data (German and English names) plus the few codes
CLDR lacks (Dari ``prs``, Northern Kurdish ``kmr``) and the names people use
that CLDR spells otherwise (Farsi, Sorani, Kurmandschi, Turkey, USA …).

Matching ignores case, accents, umlaut spellings (ü = ue = u) and
punctuation; a unique beginning of a name is enough (``ukr`` → ``uk``). A
qualifier in brackets that names nothing more precise is dropped
(``Arabisch (syrisch)`` → ``ar``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from mokoord.errors import UsageError
from mokoord.textmatch import spelling_key

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?$")
"""The form of a language code in a record (as ``models.common.LanguageCode``)."""
COUNTRY_RE = re.compile(r"^(?:[A-Z]{2}|[0-9]{3})$")
"""The form of a country or region code in a record (as ``models.common.TerritoryCode``)."""

NAME_LANGUAGES = ("de", "en")
"""The languages whose names are accepted as input."""
MIN_PREFIX = 3
"""A beginning of a name is accepted from this many letters on (shorter: codes only)."""

# Codes CLDR lacks, and the names shown for them and for codes CLDR names
# in a way people here would not recognise.
_LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "prs": {"de": "Dari", "en": "Dari"},
    "kmr": {"de": "Nordkurdisch (Kurmandschi)", "en": "Northern Kurdish (Kurmanji)"},
    "ckb": {"de": "Zentralkurdisch (Sorani)", "en": "Central Kurdish (Sorani)"},
}
_LANGUAGE_ALIASES: dict[str, str] = {
    "Farsi": "fa",
    "Dari": "prs",
    "Afghanisches Persisch": "prs",
    "Sorani": "ckb",
    "Kurdisch (Sorani)": "ckb",
    "Kurdish (Sorani)": "ckb",
    "Kurmandschi": "kmr",
    "Kurmanci": "kmr",
    "Kurmanji": "kmr",
    "Kurdisch (Kurmandschi)": "kmr",
    "Kurdish (Kurmanji)": "kmr",
    "Zazaki": "zza",
    "Tigrinisch": "ti",
    "Tigrinja": "ti",
    "Bosnisch-Kroatisch-Serbisch": "sh",
    "BKS": "sh",
}
_COUNTRY_ALIASES: dict[str, str] = {
    "Turkey": "TR",
    "USA": "US",
    "Vereinigte Staaten von Amerika": "US",
    "UK": "GB",
    "Großbritannien": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Demokratische Republik Kongo": "CD",
    "DR Kongo": "CD",
    "DR Congo": "CD",
    "Republik Kongo": "CG",
    "Elfenbeinküste": "CI",
    "Ivory Coast": "CI",
    "Palästina": "PS",
    "Palestine": "PS",
    "Mazedonien": "MK",
    "Macedonia": "MK",
    "Weißrussland": "BY",
    "Burma": "MM",
    "Birma": "MM",
    "Holland": "NL",
    "Naher Osten": "145",
    "Nahost": "145",
    "Middle East": "145",
    "Balkan": "039",
    "Südosteuropa": "039",
}


class UnknownCode(UsageError):
    """A language or country that the table does not know (or not uniquely)."""


@dataclass
class CodeTable:
    """Codes and the names they go by, for one kind (languages or countries)."""

    kind: str
    """``language`` or ``country``."""
    codes: frozenset[str]
    display: Mapping[str, Mapping[str, str]]
    """language of the text → code → name."""
    names: dict[str, set[str]] = field(default_factory=dict)
    """spelling key of a name → the codes it names."""
    _by_lower: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_lower = {code.lower(): code for code in self.codes}

    def add_name(self, name: str, code: str) -> None:
        key = spelling_key(name)
        if key and code in self.codes:
            self.names.setdefault(key, set()).add(code)

    # ----------------------------------------------------------------- reading

    def candidates(self, text: str) -> set[str]:
        """The codes ``text`` may mean: one for a known code, name or unique beginning."""
        value = text.strip()
        code = self._by_lower.get(value.lower().replace("-", "_"))
        if code is not None:
            return {code}
        key = spelling_key(value)
        if not key:
            return set()
        if key in self.names:
            return set(self.names[key])
        if len(key.replace(" ", "")) >= MIN_PREFIX:
            found = {c for name, codes in self.names.items() if name.startswith(key) for c in codes}
            if found:
                return found
        if "(" in value:  # "Arabisch (syrisch)": the qualifier names nothing known
            return self.candidates(value.split("(")[0])
        return set()

    def find(self, text: str) -> str | None:
        """The code ``text`` means, or ``None`` when it names none or several."""
        found = self.candidates(text)
        return next(iter(found)) if len(found) == 1 else None

    def closest(self, text: str, *, limit: int = 3) -> list[str]:
        """The codes whose names are closest to ``text``, best first."""
        found = self.candidates(text)
        if len(found) > 1:
            return sorted(found, key=lambda code: self.name(code))[: max(limit, len(found))]
        from rapidfuzz import fuzz, process

        key = spelling_key(text)
        if not key:
            return []
        codes: list[str] = []
        for name, _score, _index in process.extract(
            key, list(self.names), scorer=fuzz.WRatio, limit=limit * 4
        ):
            for code in sorted(self.names[name]):
                if code not in codes:
                    codes.append(code)
        return codes[:limit]

    def name(self, code: str, lang: str | None = None) -> str:
        """The name of ``code`` in ``lang`` (default: the language texts are given in now)."""
        return _name(self.display, code, lang)

    def labelled(self, code: str, lang: str | None = None) -> str:
        """``"Ukrainisch (uk)"``: the name and the code, for messages."""
        name = self.name(code, lang)
        return f"{name} ({code})" if name != code else code

    # ----------------------------------------------------------------- checking

    def resolve(self, text: str, option: str) -> str:
        """The code ``text`` means; else an error naming the option, the value and the closest."""
        code = self.find(text)
        if code is not None:
            return code
        raise UnknownCode(self.unknown(text, option), hint=self.hint())

    def resolve_all(self, values: Iterable[str], option: str) -> list[str]:
        """Each value's code, in order, without repeats."""
        return list(dict.fromkeys(self.resolve(value, option) for value in values))

    def unknown(self, text: str, option: str | None = None) -> str:
        """One sentence: the value is no known language (country), and the closest names."""
        from mokoord.i18n import _

        several = len(self.candidates(text)) > 1
        closest = ", ".join(self.labelled(code) for code in self.closest(text))
        if self.kind == "language":
            message = (
                _("'{value}' could be several languages: {names}")
                if several
                else _("'{value}' is not a language known to mokoord; closest: {names}")
            )
        else:
            message = (
                _("'{value}' could be several countries or regions: {names}")
                if several
                else _("'{value}' is not a country or region known to mokoord; closest: {names}")
            )
        text_ = message.format(value=text.strip(), names=closest or "—")
        return f"{option}: {text_}" if option else text_

    def hint(self) -> str:
        from mokoord.i18n import _

        if self.kind == "language":
            return _(
                "give the language's German or English name or its ISO 639 code, "
                "e.g. Ukrainisch, Dari, Kurdisch (Sorani), tr"
            )
        return _(
            "give the country's German or English name or its ISO 3166 code, "
            "e.g. Türkei, Syrien, Eritrea, TR (regions: UN number, e.g. 145 Westasien)"
        )


@cache
def _babel_names(attribute: str, lang: str) -> Mapping[str, str]:
    from babel import Locale

    return {str(code): str(name) for code, name in getattr(Locale(lang), attribute).items()}


@cache
def _language_names() -> dict[str, dict[str, str]]:
    """language of the text → language code → name: what :func:`language_name` needs,
    without the names people may type (:func:`languages`)."""
    babel = {lang: _babel_names("languages", lang) for lang in NAME_LANGUAGES}
    accepted = {code for code in babel["en"] if LANGUAGE_RE.match(code)} | set(_LANGUAGE_NAMES)
    return {
        lang: {**{c: n for c, n in names.items() if c in accepted}, **_extra_names(lang)}
        for lang, names in babel.items()
    }


@cache
def languages() -> CodeTable:
    """The table of language codes (ISO 639) and their names."""
    babel = {lang: _babel_names("languages", lang) for lang in NAME_LANGUAGES}
    display = _language_names()
    accepted = set(display["en"])
    table = CodeTable("language", frozenset(accepted), display)
    for names in display.values():
        for code, name in names.items():
            table.add_name(name, code)
    for cldr in babel.values():  # "Amerikanisches Englisch" (en_US) → en
        for code, name in cldr.items():
            base = code.split("_")[0]
            if code not in accepted and base in accepted:
                table.names.setdefault(spelling_key(name), {base})
    for alias, code in _LANGUAGE_ALIASES.items():  # an alias wins over a CLDR name ("Dari")
        table.names[spelling_key(alias)] = {code}
    return table


def _extra_names(lang: str) -> dict[str, str]:
    return {code: names[lang] for code, names in _LANGUAGE_NAMES.items() if lang in names}


@cache
def _country_names() -> dict[str, dict[str, str]]:
    """language of the text → country or region code → name (:func:`country_name`)."""
    babel = {lang: _babel_names("territories", lang) for lang in NAME_LANGUAGES}
    accepted = {code for code in babel["en"] if COUNTRY_RE.match(code)}
    return {
        lang: {c: n for c, n in names.items() if c in accepted} for lang, names in babel.items()
    }


@cache
def countries() -> CodeTable:
    """The table of countries (ISO 3166) and regions (UN M.49) and their names."""
    display = _country_names()
    table = CodeTable("country", frozenset(display["en"]), display)
    for names in display.values():
        for code, name in names.items():
            table.add_name(name, code)
    for alias, code in _COUNTRY_ALIASES.items():
        table.names[spelling_key(alias)] = {code}
    return table


# --------------------------------------------------------------------------- shortcuts


def language_codes() -> frozenset[str]:
    """Every language code a record may hold."""
    return languages().codes


def country_codes() -> frozenset[str]:
    """Every country or region code a record may hold."""
    return countries().codes


def language_code(text: str, option: str = "--language") -> str:
    """``"Ukrainisch"``, ``"uk"``, ``"ukr"`` → ``"uk"``; else :class:`UnknownCode`."""
    return languages().resolve(text, option)


def country_code(text: str, option: str = "--origin") -> str:
    """``"Türkei"``, ``"tr"``, ``"Turkey"`` → ``"TR"``; else :class:`UnknownCode`."""
    return countries().resolve(text, option)


def language_name(code: str, lang: str | None = None) -> str:
    """``"uk"`` → ``"Ukrainisch"`` (in ``lang``, default the current language); unknown: the code."""
    return _name(_language_names(), code, lang)


def country_name(code: str, lang: str | None = None) -> str:
    """``"TR"`` → ``"Türkei"``, ``"145"`` → ``"Westasien"``; unknown: the code."""
    return _name(_country_names(), code, lang)


def _name(display: Mapping[str, Mapping[str, str]], code: str, lang: str | None) -> str:
    """The name of ``code`` in ``lang`` (default: the current language) among ``display``
    (language → code → name), else in English, else the code itself."""
    if lang is None:
        from mokoord.i18n import language

        lang = language()
    names = display.get(lang) or display["en"]
    return names.get(code) or display["en"].get(code) or code
