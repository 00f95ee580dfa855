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
    """A person's consent (Art. 6(1)(a), Art. 7 GDPR): when, to what, how; withdrawn when."""

    date: dt.date
    scope: list[Annotated[Term, Vocab("consent_scopes")]] = Field(default_factory=list)
    """What the person agreed to: ``contact``, ``newsletter``, ``publication``…"""
    source: ShortText | None = None
    """How it was given (form at a visit, e-mail of 3 May…)."""
    withdrawn: dt.date | None = None
    """When the person withdrew it: from then on they are offered for no contact or
    mailing, and ``mokoord privacy due`` lists them for erasure."""

    @model_validator(mode="after")
    def _withdrawn_after_given(self) -> Consent:
        if self.withdrawn is not None and self.withdrawn < self.date:
            raise FieldRuleError("withdrawn", _("consent cannot be withdrawn before it was given"))
        return self


PERSON_DATA_KEYS: tuple[str, ...] = (
    "name",
    "organisation",
    "role",
    "email",
    "phone",
    "languages",
    "legal_basis",
    "consent",
    "recorded",
    "last_contact",
    "notes",
)
"""Every key of a person but ``id`` and ``erased``: what an erasure removes."""


class Person(Record):
    """A contact person: personal data (GDPR), kept in ``persons/<id>.yaml``.

    Ids are random (``p-4k2m9x``) so that no name ends up in a file name,
    another record or a commit message. An erased person keeps only its id and
    the date of the erasure (``erased``), in every version of its file: the
    contacts naming the id keep their meaning ("a person, since erased") and
    nothing identifies the person any more (see docs/privacy.md).
    """

    entity: ClassVar[str] = "person"

    name: ShortText | None = None
    organisation: RecordId | None = None
    role: Annotated[ShortText, Vocab("roles")] | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    legal_basis: Annotated[LegalBasis, Vocab("legal_bases")] | None = None
    """Why the office may hold the person's data (Art. 6(1) GDPR)."""
    consent: Consent | None = None
    recorded: dt.date | None = None
    """When the office recorded the person; retention is measured from here while
    there has been no contact with them."""
    last_contact: dt.date | None = None
    notes: Text | None = None
    erased: dt.date | None = None
    """Set by ``mokoord privacy erase``: the person's data are gone, only the id stays."""

    @model_validator(mode="after")
    def _named_or_erased(self) -> Person:
        if self.erased is not None:
            for key in PERSON_DATA_KEYS:
                if getattr(self, key) not in (None, []):
                    raise FieldRuleError(
                        key, _("an erased person keeps nothing but its id and the erasure date")
                    )
        elif self.name is None:
            raise FieldRuleError("name", _("a contact person needs a name"))
        return self

    @property
    def consent_withdrawn(self) -> bool:
        """The person's consent was withdrawn (and it was the legal basis)."""
        return (
            self.legal_basis == "consent"
            and self.consent is not None
            and self.consent.withdrawn is not None
        )

    @property
    def offered(self) -> bool:
        """May be offered for contacts and mailings: not erased, consent not withdrawn."""
        return self.erased is None and not self.consent_withdrawn

    @property
    def display_name(self) -> str:
        """The name, or a neutral placeholder for an erased person."""
        return self.name or _("(erased person)")
