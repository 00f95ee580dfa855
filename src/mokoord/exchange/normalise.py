"""Turning what people type into spreadsheets into mokoord's values.

Each function takes the text of one cell and returns the value, or raises
:class:`ValueProblem` with a message for the row's problem list. Nothing here
reads files or prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mokoord.i18n import _
from mokoord.models.config import Label
from mokoord.textmatch import fold, fold_variants

LIST_SPLIT_RE = re.compile(r"\s*[,;/\n|]\s*")
AND_SPLIT_RE = re.compile(r"\s+(?:und|and|sowie|&|\+)\s+", re.IGNORECASE)
"""Within a list item that is no term as a whole: "Religion und Kultur" → two."""


class ValueProblem(ValueError):
    """A cell that cannot be used; ``severity`` says whether the row still imports."""

    def __init__(self, message: str, *, severity: str = "error") -> None:
        super().__init__(message)
        self.severity = severity


def split_list(text: str) -> list[str]:
    """``"Türkisch, Arabisch / Kurdisch"`` → three items; empty items dropped."""
    return [part for part in (p.strip() for p in LIST_SPLIT_RE.split(text)) if part]


def _variants(text: str) -> set[str]:
    return {
        " ".join("".join(c if c.isalnum() else " " for c in v).split()) for v in fold_variants(text)
    }


# --------------------------------------------------------------------------- phone, e-mail, web


def phone(text: str) -> str:
    """A phone number in international format (``+49 611 123456``), German by default."""
    import phonenumbers

    raw = text.strip()
    cleaned = re.sub(r"\(0\)", "", raw)
    if re.fullmatch(r"[1-9][0-9]{5,12}", cleaned):
        cleaned = "0" + cleaned  # Excel dropped the leading zero of a number cell
    try:
        number = phonenumbers.parse(cleaned, "DE")
    except phonenumbers.NumberParseException:
        raise ValueProblem(_("'{value}' is not a phone number").format(value=raw)) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueProblem(
            _("'{value}' is not a possible phone number (too short or too long?)").format(value=raw)
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def email(text: str) -> str:
    """An e-mail address, checked for syntax only (offline: no DNS look-up)."""
    from email_validator import EmailNotValidError, validate_email

    raw = text.strip().removeprefix("mailto:")
    try:
        return str(validate_email(raw, check_deliverability=False).normalized)
    except EmailNotValidError:
        # the validator's own reasons are English; say what is wrong in our words
        if "@" not in raw:
            reason = _("an e-mail address has an @, as in name@example.org")
        elif "." not in raw.rsplit("@", 1)[1]:
            reason = _("the e-mail address has no domain (name@example.org)")
        else:
            reason = _("this is not an e-mail address like name@example.org")
        raise ValueProblem(
            _("'{value}' is not an e-mail address: {reason}").format(value=raw, reason=reason)
        ) from None


def website(text: str) -> str:
    """A web address with its scheme (``www.example.org`` → ``https://www.example.org``)."""
    raw = text.strip()
    if re.match(r"^https?://\S+$", raw, re.IGNORECASE):
        return raw
    if re.match(r"^[\w.-]+\.[a-z]{2,}(?:/\S*)?$", raw, re.IGNORECASE):
        return f"https://{raw}"
    raise ValueProblem(_("'{value}' is not a web address").format(value=raw), severity="warning")


# --------------------------------------------------------------------------- numbers, yes/no, codes

_YES = {"ja", "j", "yes", "y", "x", "1", "wahr", "true", "vorhanden"}
_NO = {"nein", "n", "no", "0", "falsch", "false", "keine", "-"}


def yes_no(text: str) -> bool:
    value = fold(text.strip())
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueProblem(_("'{value}' is neither ja nor nein").format(value=text), severity="warning")


def count(text: str) -> int:
    """``"ca. 1.200"`` → 1200; ``"120 Mitglieder"`` → 120."""
    match = re.search(r"\d{1,3}(?:\.\d{3})+|\d+(?:[.,]0+)?", text)
    if not match:
        raise ValueProblem(_("'{value}' is not a number").format(value=text), severity="warning")
    digits = match.group(0)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
        digits = digits.replace(".", "")
    return int(Decimal(digits.replace(",", ".")))


def year(text: str) -> int:
    match = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", text)
    if not match:
        raise ValueProblem(_("'{value}' is not a year").format(value=text), severity="warning")
    return int(match.group(1))


def postal_code(text: str) -> tuple[str, str | None]:
    """The five-digit postal code and any place name after it (``65183 Wiesbaden``)."""
    raw = text.strip()
    match = re.match(r"^(?:D-?\s*)?(\d{4,5})\b\s*(.*)$", raw)
    if not match:
        raise ValueProblem(_("'{value}' is not a postal code (five digits)").format(value=raw))
    code = match.group(1).zfill(5)
    rest = match.group(2).strip() or None
    return code, rest


def money(text: str) -> Decimal:
    raw = text.replace("€", "").replace("EUR", "").strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})*(?:,\d{1,2})?|\d+(?:,\d{1,2})?", raw):
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueProblem(_("'{value}' is not an amount").format(value=text)) from None


# --------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True)
class Vocabulary:
    """A store vocabulary prepared for matching (keys and German/English labels)."""

    name: str
    exact: Mapping[str, str]
    """canonical text → term"""

    @classmethod
    def of(
        cls, name: str, terms: Mapping[str, Label], extra: Mapping[str, str] | None = None
    ) -> Vocabulary:
        exact: dict[str, str] = {}
        for key, label in terms.items():
            spellings = [key, key.replace("_", " "), label.de, label.en or ""]
            for text in (label.de, label.en or ""):
                # "Westend/Bleichstraße", "Eingetragener Verein (e.V.)"
                spellings.extend(re.split(r"[/()]", text))
            for spelling in spellings:
                for variant in _variants(spelling):
                    if variant:
                        exact.setdefault(variant, key)
        for spelling, key in (extra or {}).items():
            if key in terms:
                for variant in _variants(spelling):
                    exact.setdefault(variant, key)
        return cls(name, exact)

    def exact_match(self, text: str) -> str | None:
        """The term spelled exactly so (key or label; case, accents, punctuation ignored)."""
        return next((self.exact[v] for v in sorted(_variants(text)) if v in self.exact), None)

    def match(self, text: str, *, cutoff: float = 85.0) -> str | None:
        """The term a text means: exact spelling, then a part of it, then a close one."""
        wanted = _variants(text)
        for variant in wanted:
            if variant in self.exact:
                return self.exact[variant]
        # "Biebrich-Mitte", "Wiesbaden-Biebrich": a part that is a known term
        parts = [p for p in re.split(r"[\s\-/,()]+", text) if p]
        for part in parts:
            for variant in _variants(part):
                if len(variant) >= 3 and variant in self.exact:
                    return self.exact[variant]
        from rapidfuzz import fuzz, process

        best: tuple[str, float] | None = None
        for variant in wanted:
            found = process.extractOne(
                variant, list(self.exact), scorer=fuzz.WRatio, score_cutoff=cutoff
            )
            if found and (best is None or found[1] > best[1]):
                best = (found[0], found[1])
        return self.exact[best[0]] if best else None

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """The terms of a list cell, and the items that matched none."""
        found: list[str] = []
        missing: list[str] = []
        for item in split_list(text):
            exact = self.exact_match(item)
            parts = [item] if exact else [p for p in AND_SPLIT_RE.split(item) if p.strip()]
            for part in parts:
                term = exact or self.match(part)
                if term is None:
                    missing.append(part)
                elif term not in found:
                    found.append(term)
        return found, missing


LEGAL_FORM_ALIASES = {
    "e.V.": "registered_association",
    "eV": "registered_association",
    "e. V.": "registered_association",
    "eingetragener Verein": "registered_association",
    "Verein": "registered_association",
    "registered association": "registered_association",
    "nicht eingetragener Verein": "association",
    "n.e.V.": "association",
    "Initiative": "initiative",
    "Gruppe": "initiative",
    "Moscheegemeinde": "religious_community",
    "Gemeinde": "religious_community",
    "gGmbH": "non_profit_company",
    "GmbH": "non_profit_company",
    "Stiftung": "foundation",
}


# --------------------------------------------------------------------------- languages, countries


def languages(text: str) -> tuple[list[str], list[str]]:
    """``"Türkisch, Arabisch"`` → ``["tr", "ar"]``, and the items that name no language.

    Codes and German or English names, as every command takes them
    (:mod:`mokoord.codes`).
    """
    from mokoord.codes import languages as table

    return _codes(text, table().find)


def origins(text: str) -> tuple[list[str], list[str]]:
    """``"Türkei; Syrien"`` → ``["TR", "SY"]``; UN regions as numbers (Westasien → 145)."""
    from mokoord.codes import countries as table

    return _codes(text, table().find)


def _codes(text: str, find: Callable[[str], str | None]) -> tuple[list[str], list[str]]:
    found: list[str] = []
    missing: list[str] = []
    for item in split_list(text):
        code = find(item)
        if code is None:
            missing.append(item)
        elif code not in found:
            found.append(code)
    return found, missing


def language_name(code: str, lang: str | None = None) -> str:
    """The name of a language code (``tr`` → ``Türkisch``); see :func:`mokoord.codes.language_name`."""
    from mokoord.codes import language_name as name

    return name(code, lang)


def territory_name(code: str, lang: str | None = None) -> str:
    """The name of a country or region code; see :func:`mokoord.codes.country_name`."""
    from mokoord.codes import country_name

    return country_name(code, lang)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)
