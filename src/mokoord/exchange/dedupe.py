"""Finding duplicates: within an imported sheet and against the store.

Two organisations are the same when they share a register number
(Vereinsregister; spacing and case ignored), or when their names are alike
after removing legal-form suffixes, accents and punctuation
(:func:`mokoord.textmatch.similar`), unless their register numbers differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mokoord.models import Organisation
from mokoord.textmatch import fold, similar

NAME_CUTOFF = 90.0


def register_key(number: str | None) -> str | None:
    """``"VR 1234"``, ``"vr1234"`` → ``"vr1234"``; ``None`` for no number."""
    if not number:
        return None
    key = "".join(char for char in fold(number) if char.isalnum())
    return key or None


@dataclass(frozen=True)
class Found:
    key: str
    """The organisation id (store) or row number (sheet) that matched."""
    how: str
    """``id``, ``register`` or ``name``."""
    score: float = 100.0


@dataclass
class OrganisationIndex:
    """Organisations by id, register number and names, for matching rows."""

    names: dict[str, list[str]] = field(default_factory=dict)
    registers: dict[str, str] = field(default_factory=dict)
    register_of: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, organisations: Iterable[Organisation]) -> OrganisationIndex:
        index = cls()
        for org in organisations:
            number = org.registration.number if org.registration else None
            index.add(org.id, [org.name, *org.aliases], number)
        return index

    def add(self, key: str, names: list[str], register: str | None) -> None:
        self.names[key] = [name for name in names if name]
        reg = register_key(register)
        self.register_of[key] = reg
        if reg is not None:
            self.registers.setdefault(reg, key)

    def find(self, name: str | None, register: str | None) -> Found | None:
        """The entry this name/register number belongs to, if any."""
        reg = register_key(register)
        if reg is not None and reg in self.registers:
            return Found(self.registers[reg], "register")
        if not name:
            return None
        for match in similar(name, self.names, limit=5, cutoff=NAME_CUTOFF):
            other = self.register_of.get(match.key)
            if reg is not None and other is not None and other != reg:
                continue  # alike names, different registered associations
            return Found(match.key, "name", match.score)
        return None
