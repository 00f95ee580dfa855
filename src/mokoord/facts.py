"""Compact facts about contacts, for statistics over all of them.

A report counts contacts by channel, topic, month and organisation and counts
referrals by outcome; it needs a few fields of every contact, not the whole
validated record. The index keeps these fields as a row beside each contact
(:func:`contact_row`), so a warm report reads 100,000 contacts without
building 100,000 models; a store read without the index gives the same facts
from the models (:meth:`ContactFact.of`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from mokoord.models import Contact


class ReferralFact(NamedTuple):
    institution: str
    outcome: str


class ContactFact(NamedTuple):
    id: str
    date: dt.date
    organisations: tuple[str, ...]
    planned: bool
    channel: str
    topics: tuple[str, ...]
    referrals: tuple[ReferralFact, ...]

    @classmethod
    def of(cls, contact: Contact) -> ContactFact:
        return cls(
            contact.id,
            contact.date,
            tuple(contact.organisations),
            contact.planned,
            contact.channel,
            tuple(contact.topics),
            tuple(ReferralFact(r.institution, r.outcome) for r in contact.referrals),
        )

    @classmethod
    def from_row(cls, record_id: str, day: dt.date, row: tuple[Any, ...]) -> ContactFact:
        """The fact from an index row (see :func:`contact_row`) and the contact's id and date."""
        organisations, planned, channel, topics, referrals = row
        return cls(
            record_id,
            day,
            organisations,
            planned,
            channel,
            topics,
            tuple(ReferralFact(*r) for r in referrals) if referrals else (),
        )


def contact_row(contact: Contact) -> tuple[Any, ...]:
    """The facts of a contact as plain values (what the index stores beside its id and date)."""
    return (
        tuple(contact.organisations),
        contact.planned,
        contact.channel,
        tuple(contact.topics),
        tuple((r.institution, r.outcome) for r in contact.referrals),
    )
