"""Stable, safe ids made from names.

An id is lower-case ASCII letters and digits in groups joined by single
hyphens (``deutsch-tuerkischer-elternverein-biebrich``). Such an id can never
name a path outside its folder: no dots, no slashes, no empty string.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Container

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
MAX_ID_LENGTH = 80

# German transliteration first (ä → ae), the rest via text-unidecode.
_REPLACEMENTS = [
    ["ä", "ae"],
    ["ö", "oe"],
    ["ü", "ue"],
    ["Ä", "Ae"],
    ["Ö", "Oe"],
    ["Ü", "Ue"],
    ["ß", "ss"],
]
_LEGAL_SUFFIX_RE = re.compile(
    r"[\s,]*\b(e\.?\s?v\.?|ev|g?gmbh|e\.?\s?g\.?|ggmbh|gbr|ug|stiftung)\s*$", re.IGNORECASE
)


_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
"""Names Windows keeps for devices: no file may be called so, whatever its extension."""


def is_valid_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and bool(ID_RE.match(value))


def is_device_name(name: str) -> bool:
    """True for a file name Windows cannot have: ``CON``, ``nul.yaml``, ``com1.tar.gz``,
    ``LPT1.``, ``aux `` (any case, with any extension, with trailing dots or spaces)."""
    stem = name.rstrip(". ").split(".", 1)[0].rstrip(" ")
    return stem.upper() in _DEVICE_NAMES


def _usable(slug: str) -> str:
    """The slug, with ``-1`` added when it is a device name (``con`` → ``con-1``)."""
    return f"{slug}-1" if slug and is_device_name(slug) else slug


def slugify(text: str, *, max_length: int = 60) -> str:
    """ASCII slug of any name: umlauts, Turkish, Cyrillic, Greek and Arabic included.

    Never a name Windows keeps for a device (``con``, ``nul``, ``com1`` …), since
    slugs become file names.
    """
    from slugify import slugify as _slugify

    slug = str(
        _slugify(text, replacements=_REPLACEMENTS, max_length=max_length, word_boundary=True)
    )
    return _usable(slug)


def strip_legal_form(name: str) -> str:
    """``"Elternverein Biebrich e.V."`` → ``"Elternverein Biebrich"``."""
    previous = None
    while previous != name:
        previous = name
        name = _LEGAL_SUFFIX_RE.sub("", name).strip()
    return name


_REGISTERED_ASSOCIATION_RE = re.compile(r"\be\.\s?v\.?\s*$", re.IGNORECASE)


def legal_form_from_name(name: str, declared: Container[str]) -> str | None:
    """The legal form a name states: "… e.V." is a registered association.

    Only when ``registered_association`` is among the ``declared`` legal
    forms; ``None`` when the name says nothing. ``add-org`` and ``import``
    both fill a missing legal form from it.
    """
    if _REGISTERED_ASSOCIATION_RE.search(name.strip()) and "registered_association" in declared:
        return "registered_association"
    return None


def org_id(name: str) -> str:
    """The id an organisation of this name gets (legal-form suffix left out)."""
    for candidate in (strip_legal_form(name), name):  # "CON e.V." → con-e-v, not con-1
        slug = str(_plain_slug(candidate))
        if slug and not is_device_name(slug):
            return slug
    return slugify(name) or f"org-{secrets.token_hex(3)}"


def _plain_slug(text: str) -> str:
    from slugify import slugify as _slugify

    return str(_slugify(text, replacements=_REPLACEMENTS, max_length=60, word_boundary=True))


def unique(base: str, taken: Container[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not yet taken (``taken``
    answers ``in``: a set, or ``Store.taken(kind)`` asking the disk)."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def random_suffix(length: int = 4) -> str:
    """A short random part for ids that must not collide across clones."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
