"""Organisations (Migrantenorganisationen) and their contact persons."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from mokoord.i18n import _
from mokoord.models.common import (
    Count,
    Email,
    FieldRuleError,
    LanguageCode,
    Model,
    Percent,
    Phone,
    PostalCode,
    Record,
    RecordId,
    ShortText,
    Term,
    TerritoryCode,
    Text,
    Url,
    Year,
)
from mokoord.models.meta import Vocab

Status = Literal[
    "known", "contacted", "in_dialogue", "cooperating", "inactive", "dissolved", "declined"
]
STATUSES: tuple[Status, ...] = (
    "known",
    "contacted",
    "in_dialogue",
    "cooperating",
    "inactive",
    "dissolved",
    "declined",
)
PIPELINE: tuple[Status, ...] = ("known", "contacted", "in_dialogue", "cooperating")
"""The outreach pipeline, in order; the other statuses leave it."""

NeedStatus = Literal["open", "in_progress", "met", "dropped"]
NEED_STATUSES: tuple[NeedStatus, ...] = ("open", "in_progress", "met", "dropped")
OPEN_NEED_STATUSES: tuple[NeedStatus, ...] = ("open", "in_progress")


class Address(Model):
    street: ShortText | None = None
    postal_code: PostalCode | None = None
    city: ShortText | None = None


class Register(Model):
    """Entry in the register of associations (Vereinsregister)."""

    court: ShortText | None = None
    number: ShortText


class Members(Model):
    count: Count | None = None
    age_groups: list[Annotated[Term, Vocab("age_groups")]] = Field(default_factory=list)
    share_born_in_germany: Percent | None = None
    """Percent of members born in Germany."""
    main_arrival_period: ShortText | None = None
    note: Text | None = None


class Rooms(Model):
    own: bool = False
    """The organisation has rooms of its own."""
    offered_to_others: bool = False
    """It lets other organisations use them (§2.5: 15 % do)."""
    note: Text | None = None


class StatusChange(Model):
    identity: ClassVar[tuple[str, ...]] = ("since", "status")

    status: Annotated[Status, Vocab("statuses")]
    since: dt.date
    reason: Text | None = None


class Need(Model):
    """A support need (Unterstützungsbedarf, §2.5)."""

    identity: ClassVar[tuple[str, ...]] = ("category", "since")

    category: Annotated[Term, Vocab("need_categories")]
    since: dt.date | None = None
    status: Annotated[NeedStatus, Vocab("need_statuses")] = "open"
    closed: dt.date | None = None
    note: Text | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NEED_STATUSES


class Organisation(Record):
    """A migrant organisation in the register: ``organisations/<id>.yaml``."""

    entity: ClassVar[str] = "organisation"

    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list)
    status: Annotated[Status, Vocab("statuses")] = "known"
    status_since: dt.date | None = None
    status_reason: Text | None = None
    status_history: list[StatusChange] = Field(default_factory=list)
    """Earlier statuses, oldest first; ``mokoord status`` appends to it."""
    known_since: dt.date | None = None
    """When the office first recorded the organisation ("new in the year")."""
    legal_form: Annotated[Term, Vocab("legal_forms")] | None = None
    registration: Register | None = None
    """Entry in the register of associations: court and number."""
    founded: Year | None = None
    district: Annotated[Term, Vocab("districts")] | None = None
    address: Address | None = None
    fields: list[Annotated[Term, Vocab("fields")]] = Field(default_factory=list)
    """Fields of activity (Tätigkeitsfelder)."""
    goals: Text | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    origins: list[TerritoryCode] = Field(default_factory=list)
    """Regions of origin: countries (TR) or UN regions (145)."""
    religion: Annotated[Term, Vocab("religions")] | None = None
    members: Members | None = None
    paid_staff: bool | None = None
    networks: list[RecordId] = Field(default_factory=list)
    """Networks and umbrella bodies it belongs to."""
    relations_abroad: Text | None = None
    rooms: Rooms | None = None
    offered_formats: list[Annotated[Term, Vocab("offered_formats")]] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    website: Url | None = None
    email: Email | None = None
    phone: Phone | None = None
    tags: list[Annotated[Term, Vocab("tags")]] = Field(default_factory=list)
    notes: Text | None = None
    last_verified: dt.date | None = None

    @model_validator(mode="after")
    def _declined_has_reason(self) -> Organisation:
        if self.status == "declined" and not self.status_reason:
            raise FieldRuleError(
                "status", _("a declined organisation needs a status_reason (§2.4)")
            )
        return self

    @property
    def open_needs(self) -> list[Need]:
        return [need for need in self.needs if need.is_open]

    @property
    def in_outreach(self) -> bool:
        """Declined, dissolved and inactive organisations never appear in outreach lists."""
        return self.status in PIPELINE


LegalBasis = Literal["consent", "contract", "public_task", "legitimate_interest"]


class Consent(Model):
    date: dt.date
    scope: list[Annotated[Term, Vocab("consent_scopes")]] = Field(default_factory=list)
    """What the person agreed to: ``contact``, ``newsletter``, ``publication``…"""
    source: ShortText | None = None
    """How it was given (form at a visit, e-mail of 3 May…)."""


class Person(Record):
    """A contact person: personal data (GDPR), kept in ``persons/<id>.yaml``.

    Ids are random (``p-4k2m9x``) so that no name ends up in a file name,
    another record or a commit message.
    """

    entity: ClassVar[str] = "person"

    name: ShortText
    organisation: RecordId | None = None
    role: Annotated[ShortText, Vocab("roles")] | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    legal_basis: Annotated[LegalBasis, Vocab("legal_bases")] = "consent"
    consent: Consent | None = None
    last_contact: dt.date | None = None
    notes: Text | None = None
