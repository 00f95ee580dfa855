"""A person's identifying values, found in any text, and their keyed fingerprints.

*Identifying values* are the fields :data:`~mokoord.models.meta.PERSONAL_DATA`
marks with a ``search`` kind: the name, e-mail address, phone number and notes
of a person. Values that identify nobody on their own (a role such as
"Vorsitz", languages, dates, consent terms) are not searched: they vanish with
the person's file, but the same words may stand anywhere else.

A :class:`Finder` finds the values of a few persons in text as people write
them: the name in either order, with or without accents or in German
transliteration (``Öztürk``, ``Ozturk``, ``Oeztuerk``), the surname after a
salutation (``Frau Öztürk``), across line breaks of a YAML file; an e-mail
address in any case; a phone number in any format (``0611 5559483``,
``+49 (0)611 555 94 83``), recognised with the ``phonenumbers`` library.

A :class:`Matcher` does the same for every person of a store at once, by
words rather than one pattern per person (``mokoord check``).

*Fingerprints* are keyed BLAKE2b hashes of normalised values. The erasure log
keeps them instead of the values, so that erased data coming back can be
recognised (:class:`FingerprintScanner`) without the log holding it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

from mokoord.models import Erasure, Person
from mokoord.models.meta import PERSONAL_DATA, values_at
from mokoord.textmatch import fold

_fold_word = lru_cache(maxsize=200_000)(fold)
"""A word folded (:func:`~mokoord.textmatch.fold`): the words of summaries repeat a lot."""

MIN_TEXT = 12
"""Notes shorter than this are not searched elsewhere ("Vorsitzende" names nobody)."""
SALUTATIONS: tuple[str, ...] = (
    "frau",
    "herrn",
    "herr",
    "fr",
    "hr",
    "dr",
    "prof",
    "mrs",
    "mr",
    "ms",
)
WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
DIGITS = re.compile(r"\d[\d\s/().+-]{4,}\d")
_SEPARATOR = r"[\s\-'’.,]{1,40}"
"""Between the words of a name: blanks (a YAML line break and its indentation
included), hyphens, apostrophes (doubled in single-quoted YAML), a comma."""
_SALUTATION = r"(?:(?:Frau|Herrn?|Fr|Hr|Dr|Prof|Mrs|Mr|Ms)\.?\s{1,40})+"


class Identifying(Protocol):
    """What identifies a person (a :class:`~mokoord.models.Person`, or its facts in the index)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def erased(self) -> Any: ...


@dataclass(frozen=True)
class Value:
    """One identifying value of a person."""

    kind: str
    """``name``, ``email``, ``phone`` or ``text``."""
    text: str
    field: str
    """Where it is in the person's record (``name``, ``notes``)."""


@dataclass(frozen=True)
class Hit:
    """A value found in a text, at ``text[start:end]``."""

    start: int
    end: int
    value: Value


def identifying_values(person: Person) -> list[Value]:
    """The values of ``person`` an erasure searches everywhere."""
    found: list[Value] = []
    for path, personal in PERSONAL_DATA["person"].items():
        if personal.search is None:
            continue
        for loc, value in values_at(person, path):
            if not isinstance(value, str) or not value.strip():
                continue
            if personal.search == "text" and len(value.strip()) < MIN_TEXT:
                continue
            found.append(Value(personal.search, value, ".".join(str(part) for part in loc)))
    return found


# --------------------------------------------------------------------------- spellings


def _german(text: str) -> str:
    return (
        text.replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("Ä", "Ae")
        .replace("Ö", "Oe")
        .replace("Ü", "Ue")
        .replace("ß", "ss")
    )


def spellings(word: str) -> list[str]:
    """A word as written, without accents and in German transliteration."""
    return list(dict.fromkeys([word, _strip_accents(word), _german(word)]))


def _strip_accents(word: str) -> str:
    """Accents removed, case kept: ``Öztürk`` → ``Ozturk``."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _word_pattern(word: str) -> str:
    return "(?:" + "|".join(re.escape(s) for s in spellings(word)) + ")"


def name_pattern(name: str) -> str | None:
    """A regular expression for a name as people write it (see the module's docstring)."""
    words = WORD.findall(name)
    if not words:
        return None
    forward = _SEPARATOR.join(_word_pattern(word) for word in words)
    options = [forward]
    if len(words) >= 2:
        surname = _word_pattern(words[-1])
        rest = _SEPARATOR.join(_word_pattern(word) for word in words[:-1])
        options.append(surname + _SEPARATOR + rest)
        options.append(_SALUTATION + surname)
    return r"(?<!\w)(?:" + "|".join(options) + r")(?!\w)"


def email_pattern(email: str) -> str:
    return r"(?<![\w.+-])" + re.escape(email) + r"(?![\w-]|\.\w)"


def text_pattern(text: str) -> str | None:
    words = WORD.findall(text)
    if not words:
        return None
    return r"(?<!\w)" + r"\W{1,40}".join(re.escape(word) for word in words) + r"(?!\w)"


# --------------------------------------------------------------------------- phones


@cache
def _phonenumbers() -> Any:
    import phonenumbers

    return phonenumbers


def phone_key(text: str) -> str | None:
    """A phone number as E.164 (``+496115559483``), German numbers by default."""
    pn = _phonenumbers()
    try:
        number = pn.parse(text, "DE")
    except pn.NumberParseException:
        digits = re.sub(r"\D", "", text)
        return digits or None
    return str(pn.format_number(number, pn.PhoneNumberFormat.E164))


def phones_in(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, E.164)`` of every phone number in ``text``."""
    if not DIGITS.search(text):
        return
    pn = _phonenumbers()
    for match in pn.PhoneNumberMatcher(text, "DE", leniency=pn.Leniency.POSSIBLE):
        yield (
            match.start,
            match.end,
            str(pn.format_number(match.number, pn.PhoneNumberFormat.E164)),
        )


# --------------------------------------------------------------------------- a few persons


class Finder:
    """Finds the values of a few persons in text (erasure, access export)."""

    def __init__(self, values: Iterable[Value]) -> None:
        self.values = list(dict.fromkeys(values))
        patterns: list[tuple[str, Value]] = []
        self._phones: dict[str, Value] = {}
        self._phone_tails: set[str] = set()
        for value in self.values:
            if value.kind == "phone":
                key = phone_key(value.text)
                if key:
                    self._phones[key] = value
                    self._phone_tails.add(key[-4:])
                continue
            pattern = (
                name_pattern(value.text)
                if value.kind == "name"
                else email_pattern(value.text)
                if value.kind == "email"
                else text_pattern(value.text)
            )
            if pattern:
                patterns.append((pattern, value))
        self._patterns = [
            (re.compile(pattern, re.IGNORECASE), value) for pattern, value in patterns
        ]

    def __bool__(self) -> bool:
        return bool(self.values)

    def find(self, text: str) -> list[Hit]:
        """Every value in ``text``, left to right, none overlapping (the longer wins)."""
        hits: list[Hit] = []
        for regex, value in self._patterns:
            hits.extend(Hit(m.start(), m.end(), value) for m in regex.finditer(text))
        if self._phones and self._has_tail(text):
            for start, end, key in phones_in(text):
                if key in self._phones:
                    hits.append(Hit(start, end, self._phones[key]))
        hits.sort(key=lambda hit: (hit.start, -hit.end))
        kept: list[Hit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        return kept

    def _has_tail(self, text: str) -> bool:
        digits = re.sub(r"\D", "", text)
        return any(tail in digits for tail in self._phone_tails)

    def redact(self, text: str, placeholder: str) -> str:
        """``text`` with every value replaced by ``placeholder``."""
        hits = self.find(text)
        for hit in reversed(hits):
            text = text[: hit.start] + placeholder + text[hit.end :]
        return text


def excerpt(text: str, hit_start: int, hit_end: int, width: int = 30) -> str:
    """The words around ``text[hit_start:hit_end]``, on one line, to recognise the passage."""
    start = max(0, hit_start - width)
    end = min(len(text), hit_end + width)
    shown = " ".join(text[start:end].split())
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")


# --------------------------------------------------------------------------- every person


@dataclass(frozen=True)
class Mention:
    """A known person named in a text."""

    person: str
    kind: str
    """``name``, ``email`` or ``phone``."""
    start: int
    end: int


class Matcher:
    """Finds any of many persons' names, e-mail addresses and phones in text, by words.

    A name is found in either order and spelling, or its surname after a
    salutation ("Frau Öztürk"); names of one word are not looked for (too many
    words of a summary would match).
    """

    def __init__(self, persons: Iterable[Identifying]) -> None:
        self._names: dict[tuple[str, ...], str] = {}
        self._surnames: dict[str, str] = {}
        self._words: set[str] = set()
        self._longest = 0
        self._emails: dict[str, str] = {}
        self._phones: dict[str, str] = {}
        for person in persons:
            if person.erased is not None:
                continue
            if person.name:
                for spelling in dict.fromkeys((person.name, _german(person.name))):
                    words = [fold(word) for word in WORD.findall(spelling)]
                    if len(words) < 2:
                        continue
                    self._names[tuple(sorted(words))] = person.id
                    self._surnames.setdefault(words[-1], person.id)
                    self._words.update(words)
                    self._longest = max(self._longest, len(words))
            if person.email:
                self._emails[person.email.lower()] = person.id
            if person.phone:
                key = phone_key(person.phone)
                if key and len(key) >= 7:
                    self._phones[key] = person.id

    def __bool__(self) -> bool:
        return bool(self._names or self._emails or self._phones)

    def state(self) -> tuple[Any, ...]:
        """What the matcher knows, as plain data (to keep it between commands)."""
        return (self._names, self._surnames, self._words, self._longest, self._emails, self._phones)

    @classmethod
    def of_state(cls, state: tuple[Any, ...]) -> Matcher:
        """The matcher whose :meth:`state` this is."""
        matcher = cls(())
        (
            matcher._names,
            matcher._surnames,
            matcher._words,
            matcher._longest,
            matcher._emails,
            matcher._phones,
        ) = state
        return matcher

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        words = [(m.start(), m.end(), _fold_word(m.group())) for m in WORD.finditer(text)]
        index = 0
        while index < len(words):
            start, _end, word = words[index]
            matched = 0
            if word in SALUTATIONS and index + 1 < len(words):
                surname = words[index + 1]
                person = self._surnames.get(surname[2])
                if person is not None:
                    found.append(Mention(person, "name", start, surname[1]))
                    matched = 2
            if not matched and word in self._words:
                for length in range(self._longest, 1, -1):
                    window = words[index : index + length]
                    if len(window) == length and all(w in self._words for _, _, w in window):
                        person = self._names.get(tuple(sorted(w for _, _, w in window)))
                        if person is not None:
                            found.append(Mention(person, "name", start, window[-1][1]))
                            matched = length
                            break
            index += matched or 1
        if self._emails and "@" in text:
            for match in EMAIL.finditer(text):
                person = self._emails.get(match.group().lower().rstrip("."))
                if person is not None:
                    found.append(Mention(person, "email", match.start(), match.end()))
        if self._phones:
            for start, end, key in phones_in(text):
                person = self._phones.get(key)
                if person is not None:
                    found.append(Mention(person, "phone", start, end))
        return found


# --------------------------------------------------------------------------- fingerprints


def new_key() -> str:
    """A fresh key for the fingerprints of a store."""
    return secrets.token_hex(32)


def normal_name(text: str) -> str:
    """Words folded and sorted: the same for "Emre Beispiel" and "Beispiel, Emre"."""
    return " ".join(sorted(fold(word) for word in WORD.findall(text)))


def _hash(key: str, kind: str, normal: str) -> str:
    digest = hashlib.blake2b(normal.encode("utf-8"), key=bytes.fromhex(key), digest_size=16)
    return f"{kind}:{digest.hexdigest()}"


def fingerprints(person: Identifying, key: str, fields: Iterable[str] | None = None) -> list[str]:
    """Keyed hashes of the person's name (both spellings), e-mail and phone; with
    ``fields``, only of those fields (the values an erasure erased)."""
    wanted = set(fields) if fields is not None else {"name", "email", "phone"}
    found: list[str] = []
    if "name" in wanted and person.name and len(WORD.findall(person.name)) >= 2:
        for spelling in (person.name, _german(person.name)):
            found.append(_hash(key, "name", normal_name(spelling)))
    if "email" in wanted and person.email:
        found.append(_hash(key, "email", person.email.lower()))
    if "phone" in wanted and person.phone:
        phone = phone_key(person.phone)
        if phone:
            found.append(_hash(key, "phone", phone))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Recognised:
    """An erased person's value recognised by its fingerprint."""

    erasure: str
    person: str
    kind: str


class FingerprintScanner:
    """Recognises erased persons' values in text and records by their fingerprints."""

    def __init__(self, erasures: Iterable[Erasure]) -> None:
        self._known: dict[str, dict[str, Recognised]] = {}
        for erasure in erasures:
            if erasure.key is None:
                continue
            table = self._known.setdefault(erasure.key, {})
            for person in erasure.persons:
                for print_ in person.fingerprints:
                    kind = print_.split(":", 1)[0]
                    table[print_] = Recognised(erasure.id, person.id, kind)

    def __bool__(self) -> bool:
        return any(self._known.values())

    def person(self, person: Identifying) -> list[Recognised]:
        """The erased persons whose name, e-mail or phone this record has."""
        found: list[Recognised] = []
        for key, table in self._known.items():
            for print_ in fingerprints(person, key):
                if print_ in table:
                    found.append(table[print_])
        return found

    def text(self, text: str) -> list[Recognised]:
        """The erased persons a free text names (a name of two to four words, an
        e-mail address or a phone number)."""
        if not self:
            return []
        words = [_fold_word(word) for word in WORD.findall(text)]
        candidates: list[tuple[str, str]] = []
        for length in (2, 3, 4):
            for index in range(len(words) - length + 1):
                candidates.append(("name", " ".join(sorted(words[index : index + length]))))
        if "@" in text:
            candidates += [("email", m.group().lower().rstrip(".")) for m in EMAIL.finditer(text)]
        candidates += [("phone", key) for _, _, key in phones_in(text)]
        found: list[Recognised] = []
        for key, table in self._known.items():
            for kind, normal in dict.fromkeys(candidates):
                hit = table.get(_hash(key, kind, normal))
                if hit is not None:
                    found.append(hit)
        return list(dict.fromkeys(found))


def texts_of(record: Any, paths: Sequence[tuple[str, ...]]) -> Iterator[tuple[str, str]]:
    """``(dotted path, text)`` of every free-text value of ``record`` at ``paths``."""
    for path in paths:
        for loc, value in values_at(record, path):
            if isinstance(value, str) and value:
                yield ".".join(str(part) for part in loc), value
