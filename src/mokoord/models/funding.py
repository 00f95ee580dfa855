"""Funding programmes (§2.2) and the applications the office supports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from mokoord.i18n import _
from mokoord.models.common import (
    FieldRuleError,
    Model,
    Money,
    Record,
    RecordId,
    ShortText,
    Term,
    Text,
    Url,
    Year,
)
from mokoord.models.meta import Vocab

LineKind = Literal["institutional", "project", "micro_project", "staff", "other"]
Per = Literal["project", "month", "year"]


class FundingLine(Model):
    """One line of a programme with its limits (e.g. institutional or project funding)."""

    identity: ClassVar[tuple[str, ...]] = ("id",)

    id: Term
    name: ShortText
    kind: Annotated[LineKind, Vocab("line_kinds")] = "project"
    max_amount: Money | None = None
    """Upper limit per ``per`` (per project, per month or per year)."""
    per: Annotated[Per, Vocab("periods")] = "project"
    max_amount_without_rooms: Money | None = None
    """Lower limit for organisations without rooms of their own, if the line has one."""
    eligible_legal_forms: list[Annotated[Term, Vocab("legal_forms")]] = Field(default_factory=list)
    """Only these legal forms may apply; empty means any."""
    notes: Text | None = None


class Deadline(Model):
    identity: ClassVar[tuple[str, ...]] = ("date", "line")

    date: dt.date
    note: ShortText | None = None
    line: Term | None = None


class Programme(Record):
    """A funding programme: ``programmes/<id>.yaml``."""

    entity: ClassVar[str] = "programme"

    name: ShortText
    funder: ShortText | None = None
    funder_institution: RecordId | None = None
    annual_budget: Money | None = None
    lines: list[FundingLine] = Field(min_length=1)
    deadlines: list[Deadline] = Field(default_factory=list)
    website: Url | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _unique_lines(self) -> Programme:
        ids = [line.id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise FieldRuleError("lines", _("two funding lines share an id"))
        return self

    def line(self, line_id: str | None) -> FundingLine | None:
        if line_id is None:
            return self.lines[0] if len(self.lines) == 1 else None
        return next((line for line in self.lines if line.id == line_id), None)


ApplicationStatus = Literal[
    "idea", "draft", "submitted", "granted", "rejected", "proof_filed", "withdrawn"
]
APPLICATION_STATUSES: tuple[ApplicationStatus, ...] = (
    "idea",
    "draft",
    "submitted",
    "granted",
    "rejected",
    "proof_filed",
    "withdrawn",
)
SUBMITTED_STATUSES: frozenset[str] = frozenset({"submitted", "granted", "rejected", "proof_filed"})
OPEN_APPLICATION_STATUSES: frozenset[str] = frozenset({"idea", "draft", "submitted"})


class Application(Record):
    """A funding application: ``applications/<year>/<id>.yaml``."""

    entity: ClassVar[str] = "application"

    organisation: RecordId
    programme: RecordId
    line: Term | None = None
    """The programme's funding line; may be left out when it has only one."""
    year: Year
    title: ShortText
    requested: Money
    months: int | None = Field(default=None, ge=1, le=12)
    """For monthly institutional funding: how many months are applied for."""
    granted: Money | None = None
    status: Annotated[ApplicationStatus, Vocab("application_statuses")] = "idea"
    supported: bool = False
    """The office supported the application (counselling, review)."""
    deadline: dt.date | None = None
    submitted: dt.date | None = None
    decided: dt.date | None = None
    proof_filed: dt.date | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _granted_only_when_granted(self) -> Application:
        if self.granted is not None and self.status not in ("granted", "proof_filed"):
            raise FieldRuleError(
                "granted", _("granted holds an amount only when status is granted or proof_filed")
            )
        if self.status in ("granted", "proof_filed") and self.granted is None:
            raise FieldRuleError("status", _("status granted needs the granted amount"))
        return self
