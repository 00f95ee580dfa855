"""When two rows or records are the same organisation — and when they only look alike.

The rule, used by ``import`` and ``add-org`` alike:

* **The same organisation** when the register numbers are equal after
  normalising their spelling (``VR 9014`` = ``vr9014``), or — unless the
  register numbers differ — when the names are equal after normalising case,
  accents, umlaut spellings (ü = ue = u, ß = ss), punctuation, hyphens,
  spacing and legal-form words (``e.V.``, ``eingetragener Verein``,
  ``gGmbH`` …): :func:`mokoord.textmatch.identity_key`.
* **Different organisations** otherwise: a name that still differs in any
  word or number (Jugend/Frauen, Biebrich/Bierstadt, Nummer 1/Nummer 2) is
  another organisation.
* **Possibly the same**: different by the rule, but alike
  (:data:`SIMILAR_CUTOFF`); such a pair is reported for a person to check,
  never merged. Names that differ only in their numbers are not reported.

Contact persons of one organisation follow the same rule without legal forms
(:func:`same_person`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mokoord.models import Organisation
from mokoord.textmatch import fold, identity_key, name_key, spelling_key

SIMILAR_CUTOFF = 85.0
"""Similarity (0-100) from which two different names are "possibly the same".
"Kurdischer Jugendverein" / "Kurdischer Frauenverein" score 91, "Elternverein
Biebrich" / "Elternverein Bierstadt" 79, "Verein Eins" / "Verein Drei" 82."""
SIMILAR_LIMIT = 3
"""At most this many look-alikes are reported per row."""


# --------------------------------------------------------------------------- the rule


def register_key(number: str | None) -> str | None:
    """``"VR 1234"``, ``"vr-1234"`` → ``"vr1234"``; ``None`` for no number."""
    if not number:
        return None
    key = "".join(char for char in fold(number) if char.isalnum())
    return key or None


def _register_parts(key: str) -> tuple[str, str]:
    letters = "".join(char for char in key if not char.isdigit())
    digits = "".join(char for char in key if char.isdigit()).lstrip("0")
    return letters, digits


def same_register(a: str | None, b: str | None) -> bool | None:
    """Whether two register numbers are the same; ``None`` when one is missing.

    Spacing, case and punctuation are ignored; a number given without its
    register's letters (``1234``) equals one with them (``VR 1234``).
    """
    key_a, key_b = register_key(a), register_key(b)
    if key_a is None or key_b is None:
        return None
    letters_a, digits_a = _register_parts(key_a)
    letters_b, digits_b = _register_parts(key_b)
    if letters_a and letters_b and letters_a != letters_b:
        return False
    return digits_a == digits_b if (digits_a or digits_b) else letters_a == letters_b


def same_organisation(
    name_a: str | None, register_a: str | None, name_b: str | None, register_b: str | None
) -> bool:
    """The rule of this module for two organisations (name and register number each)."""
    registers = same_register(register_a, register_b)
    if registers is not None:
        return registers
    return bool(name_a and name_b) and identity_key(name_a or "") == identity_key(name_b or "")


def same_person(a: str, b: str) -> bool:
    """Two persons' names are the same name (case, accents, umlaut spellings, punctuation)."""
    return bool(a.strip()) and _person_key(a) == _person_key(b)


def _person_key(name: str) -> str:
    return spelling_key(name).replace(" ", "")


def similarity(a: str, b: str) -> float:
    """0-100: how alike two names are, legal forms and spellings ignored."""
    from rapidfuzz import fuzz

    return float(fuzz.token_sort_ratio(name_key(a), name_key(b)))


def _only_numbers_differ(a: str, b: str) -> bool:
    words_a, words_b = a.split(), b.split()
    return [w for w in words_a if not w.isdigit()] == [w for w in words_b if not w.isdigit()]


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class Found:
    key: str
    """The organisation id (store) or the key of a row (sheet) that matched."""
    how: str
    """``register``, ``name`` (the rule says: the same) or ``similar`` (possibly the same)."""
    name: str = ""
    """The name it goes by that matched."""
    score: float = 100.0


@dataclass(frozen=True)
class Lookup:
    same: Found | None
    """The entry the rule says is the same, if any."""
    similar: list[Found]
    """Different by the rule but alike, best first."""


@dataclass
class NameIndex:
    """Names by key, for the rule's exact look-up and for finding look-alikes fast."""

    by_identity: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """identity key → (key, the name as written)"""
    names: dict[str, list[str]] = field(default_factory=dict)
    _choices: list[str] = field(default_factory=list)
    _owners: list[tuple[str, str]] = field(default_factory=list)
    legal_forms: bool = True
    """Organisations' names: legal-form words do not count. Off for persons and texts."""

    def _identity(self, name: str) -> str:
        return identity_key(name) if self.legal_forms else _person_key(name)

    def _similarity_key(self, name: str) -> str:
        return name_key(name) if self.legal_forms else spelling_key(name)

    def add(self, key: str, names: Iterable[str]) -> None:
        listed = self.names.setdefault(key, [])
        for name in names:
            if not name or name in listed:
                continue
            listed.append(name)
            self.by_identity.setdefault(self._identity(name), []).append((key, name))
            self._choices.append(self._similarity_key(name))
            self._owners.append((key, name))

    def equal(self, name: str) -> list[str]:
        """The keys whose names are the same name."""
        return list(dict.fromkeys(key for key, _ in self.equal_names(name)))

    def equal_names(self, name: str) -> list[tuple[str, str]]:
        """The keys whose names are the same name, each with that name as written."""
        return list(self.by_identity.get(self._identity(name), []))

    def alike(self, name: str, *, exclude: Iterable[str] = ()) -> list[Found]:
        """Keys with a name alike (but not the same), best first; numbers-only differences left out."""
        from rapidfuzz import fuzz, process

        wanted = self._similarity_key(name)
        if not wanted or not self._choices:
            return []
        skip = set(exclude) | set(self.equal(name))
        best: dict[str, Found] = {}
        for _, score, i in process.extract(
            wanted,
            self._choices,
            scorer=fuzz.token_sort_ratio,
            processor=None,
            score_cutoff=SIMILAR_CUTOFF,
            limit=50 + len(skip),
        ):
            key, text = self._owners[i]
            if key in skip or _only_numbers_differ(wanted, self._choices[i]):
                continue
            if key not in best or score > best[key].score:
                best[key] = Found(key, "similar", text, round(float(score), 1))
        return sorted(best.values(), key=lambda f: (-f.score, f.key))[:SIMILAR_LIMIT]


@dataclass
class OrganisationIndex:
    """Organisations (or sheet rows) by register number and names, for matching rows."""

    names: NameIndex = field(default_factory=NameIndex)
    register_of: dict[str, str | None] = field(default_factory=dict)
    by_digits: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, organisations: Iterable[Organisation]) -> OrganisationIndex:
        index = cls()
        for org in organisations:
            number = org.registration.number if org.registration else None
            index.add(org.id, [org.name, *org.aliases], number)
        return index

    def add(self, key: str, names: list[str], register: str | None) -> None:
        self.names.add(key, names)
        if register_key(register) is not None:
            self.register_of[key] = register
            _, digits = _register_parts(register_key(register) or "")
            self.by_digits.setdefault(digits, []).append(key)
        else:
            self.register_of.setdefault(key, None)

    def name_of(self, key: str) -> str:
        return next(iter(self.names.names.get(key, [])), key)

    def lookup(self, name: str | None, register: str | None) -> Lookup:
        """What the rule says about a row with this name and register number."""
        if register_key(register) is not None:
            _, digits = _register_parts(register_key(register) or "")
            for key in self.by_digits.get(digits, []):
                if same_register(register, self.register_of.get(key)):
                    found = Found(key, "register", self.name_of(key))
                    similar = self.names.alike(name, exclude=[key]) if name else []
                    return Lookup(found, similar)
        if not name:
            return Lookup(None, [])
        same: Found | None = None
        conflicting: list[Found] = []
        for key, written in self.names.equal_names(name):
            if same_register(register, self.register_of.get(key)) is False:
                # the same name, but another registered association: check it
                if all(found.key != key for found in conflicting):
                    conflicting.append(Found(key, "similar", written, 100.0))
            elif same is None:
                same = Found(key, "name", written)
        exclude = [same.key] if same else []
        similar = conflicting + self.names.alike(name, exclude=exclude)
        return Lookup(same, similar[:SIMILAR_LIMIT])

    def find(self, name: str | None, register: str | None) -> Found | None:
        """The entry the rule says is the same organisation, if any."""
        return self.lookup(name, register).same


def organisation_duplicates(
    organisations: Iterable[Organisation], name: str, register: str | None = None
) -> Lookup:
    """For ``add-org``: the organisation a new one would duplicate, and look-alikes."""
    return OrganisationIndex.of(organisations).lookup(name, register)
