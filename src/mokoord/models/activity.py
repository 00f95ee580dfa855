"""What the office does: contacts with referrals, events, cooperations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from mokoord.i18n import _
from mokoord.models.common import (
    Count,
    Email,
    FieldRuleError,
    Model,
    Phone,
    Record,
    RecordId,
    ShortText,
    Term,
    Text,
    TimeOfDay,
    Url,
)
from mokoord.models.meta import Vocab

Outcome = Literal["pending", "taken_up", "not_taken_up"]
OUTCOMES: tuple[Outcome, ...] = ("pending", "taken_up", "not_taken_up")
InitiatedBy = Literal["office", "organisation"]


class Referral(Model):
    """A referral (Verweisberatung) to an institution, made during a contact."""

    identity: ClassVar[tuple[str, ...]] = ("institution",)

    institution: RecordId
    reason: Text | None = None
    outcome: Annotated[Outcome, Vocab("outcomes")] = "pending"
    outcome_date: dt.date | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _outcome_dated(self) -> Referral:
        if self.outcome == "pending" and self.outcome_date is not None:
            raise FieldRuleError("outcome_date", _("a pending referral has no outcome_date"))
        return self


class FollowUp(Model):
    date: dt.date
    action: Text | None = None
    done: dt.date | None = None
    """When the follow-up was done; empty while it is open."""


class Contact(Record):
    """One logged interaction: ``contacts/<year>/<date>-<suffix>.yaml``."""

    entity: ClassVar[str] = "contact"

    date: dt.date
    organisations: list[RecordId] = Field(min_length=1)
    persons: list[RecordId] = Field(default_factory=list)
    channel: Annotated[Term, Vocab("channels")]
    initiated_by: Annotated[InitiatedBy, Vocab("initiators")] = "office"
    topics: list[Annotated[Term, Vocab("topics")]] = Field(default_factory=list)
    summary: Text
    coordinator: ShortText | None = None
    planned: bool = False
    """A contact arranged for a future date (allowed to lie in the future)."""
    follow_up: FollowUp | None = None
    referrals: list[Referral] = Field(default_factory=list)


class Attendance(Model):
    identity: ClassVar[tuple[str, ...]] = ("organisation",)

    organisation: RecordId
    people: Count | None = None
    planned: bool = False
    """Expected participation, recorded before the event (``attend --planned``):
    not counted until confirmed after the event."""


class Event(Record):
    """An exchange format, training, network meeting, info event or festival."""

    entity: ClassVar[str] = "event"

    kind: Annotated[Term, Vocab("event_kinds")]
    """Event kind from the vocabulary (training, exchange, network, info, festival)."""
    title: ShortText
    date: dt.date
    end: dt.date | None = None
    time: TimeOfDay | None = None
    """When it starts on ``date`` (wall-clock time in the store's ``timezone``);
    empty for an all-day event."""
    until: TimeOfDay | None = None
    """When it ends on its last day (``end``, else ``date``); needs ``time``."""
    series: ShortText | None = None
    """A training series (Qualifizierungsreihe) this session belongs to."""
    topics: list[Annotated[Term, Vocab("topics")]] = Field(default_factory=list)
    place: ShortText | None = None
    place_org: RecordId | None = None
    """The organisation whose rooms hosted the event."""
    organisers: list[RecordId] = Field(default_factory=list)
    participants: Count | None = None
    """Total head count, including people from no organisation."""
    attendance: list[Attendance] = Field(default_factory=list)
    notes: Text | None = None
    follow_up: Text | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Event:
        if self.end is not None and self.end < self.date:
            raise FieldRuleError("end", _("end lies before date"))
        if self.until is not None:
            if self.time is None:
                raise FieldRuleError("until", _("until needs a start time (time)"))
            if (self.end is None or self.end == self.date) and self.until <= self.time:
                raise FieldRuleError("until", _("until lies before the start time (time)"))
        return self

    @property
    def head_count(self) -> int:
        """Participants: the recorded total, else the sum over attending organisations
        (expected participation, ``planned``, left out)."""
        if self.participants is not None:
            return self.participants
        return sum(a.people or 0 for a in self.attendance if not a.planned)

    @property
    def attended(self) -> list[Attendance]:
        """The organisations that took part (expected participation left out)."""
        return [entry for entry in self.attendance if not entry.planned]


class Cooperation(Record):
    """A partnership of an organisation with an institution or another organisation."""

    entity: ClassVar[str] = "cooperation"

    organisation: RecordId
    partner: RecordId
    """An organisation or institution id."""
    since: dt.date
    until: dt.date | None = None
    topic: ShortText
    notes: Text | None = None

    @model_validator(mode="after")
    def _until_after_since(self) -> Cooperation:
        if self.until is not None and self.until < self.since:
            raise FieldRuleError("until", _("until lies before since"))
        return self


NetworkKind = Literal["network", "umbrella"]
Level = Literal["local", "regional", "state", "federal", "international"]


class Network(Record):
    """A network or umbrella body (§2.3); members name it in ``networks``."""

    entity: ClassVar[str] = "network"

    name: ShortText
    kind: Annotated[NetworkKind, Vocab("network_kinds")] = "network"
    level: Annotated[Level, Vocab("levels")] = "local"
    meeting_rhythm: Annotated[ShortText, Vocab("meeting_rhythms")] | None = None
    """A term of ``meeting_rhythms`` (``quarterly``), or free text ("nach Bedarf")."""
    contact_institution: RecordId | None = None
    website: Url | None = None
    notes: Text | None = None


class Institution(Record):
    """A referral target or partner: a city office, a provider, a state body."""

    entity: ClassVar[str] = "institution"

    name: ShortText
    kind: Annotated[Term, Vocab("institution_kinds")] = "city_office"
    department: ShortText | None = None
    district: Annotated[Term, Vocab("districts")] | None = None
    address: ShortText | None = None
    website: Url | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Text | None = None
