"""The erasure log: one record per erasure (Art. 17 GDPR), part of the audit trail.

An erasure record says when, by whom and on which legal ground persons were
erased or free text was removed, and which commits the rewrite of the history
replaced. It never holds an erased value: to recognise erased data that comes
back (from a clone that missed the erasure, an old spreadsheet), it keeps keyed
hashes of the values (``fingerprints``), see :mod:`mokoord.privacy.values`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from mokoord.models.common import Model, Record, RecordId, ShortText, Term, Text
from mokoord.models.meta import Vocab

ErasureGround = Literal[
    "no_longer_needed", "consent_withdrawn", "objection", "unlawful", "legal_obligation"
]
ERASURE_GROUNDS: tuple[ErasureGround, ...] = (
    "no_longer_needed",
    "consent_withdrawn",
    "objection",
    "unlawful",
    "legal_obligation",
)

Fingerprint = Annotated[str, StringConstraints(pattern=r"^(name|email|phone|text):[0-9a-f]{32}$")]
"""``kind:hash``: a keyed BLAKE2b hash of one erased value, never the value."""
CommitId = Annotated[str, StringConstraints(pattern=r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")]
Key = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ErasedPerson(Model):
    """One person erased: the id that stays, the ground, the fingerprints of the values."""

    id: RecordId
    ground: Annotated[ErasureGround, Vocab("erasure_grounds")]
    fingerprints: list[Fingerprint] = Field(default_factory=list)


class RedactedText(Model):
    """Free text removed from a record: which record, which fields (no text)."""

    kind: Term
    id: RecordId
    fields: list[ShortText] = Field(default_factory=list)
    """Dotted paths (``summary``, ``referrals.0.note``)."""
    ground: Annotated[ErasureGround, Vocab("erasure_grounds")] = "no_longer_needed"


class Erasure(Record):
    """``erasures/<id>.yaml``: one erasure, written by ``mokoord privacy erase`` or ``due --erase``."""

    entity: ClassVar[str] = "erasure"

    date: dt.date
    by: ShortText
    """Who erased: the author of the erasure's commit."""
    reason: Text
    """Why, without personal data ("Antrag per E-Mail vom 28.05.2025")."""
    persons: list[ErasedPerson] = Field(default_factory=list)
    texts: list[RedactedText] = Field(default_factory=list)
    """Records whose free text named an erased person, and where."""
    contacts_until: dt.date | None = None
    """The free text of every contact dated up to this day was removed: its retention
    period had ended (``privacy due --erase``); the contacts and their figures stay."""
    replaced: list[CommitId] = Field(default_factory=list)
    """The first commits the rewrite of the history replaced: any history that
    still holds one of them predates the erasure and is refused."""
    key: Key | None = None
    """The key of the fingerprints (one per store, repeated in every record)."""

    @property
    def person_ids(self) -> list[str]:
        return [person.id for person in self.persons]
