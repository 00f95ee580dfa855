"""Building blocks shared by every record model."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from mokoord.i18n import _
from mokoord.slugs import ID_PATTERN, MAX_ID_LENGTH

TERM_PATTERN = r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$"

RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
"""An id: lower-case ASCII words joined by hyphens; safe as a file name."""

Term = Annotated[str, StringConstraints(pattern=TERM_PATTERN, max_length=60)]
"""A key of one of the store's vocabularies (``education``, ``biebrich``, ``phone``)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

PostalCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()/.-]{2,30}$")]
Email = Annotated[
    str,
    StringConstraints(
        pattern=r"^[^\s@<>(),;:\"]+@[^\s@<>(),;:\".]+(?:\.[^\s@<>(),;:\".]+)+$", max_length=254
    ),
]
"""An e-mail address (syntax only; checked by pattern so that loading stays fast —
``mokoord import`` checks addresses thoroughly with email-validator)."""
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?$")]
"""ISO 639 language code as Babel knows it (``tr``, ``ar``, ``ku``, ``ckb``)."""
TerritoryCode = Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2}|[0-9]{3})$")]
"""A country (ISO 3166, ``TR``) or a UN M.49 region (``145`` Western Asia)."""
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=500)]


def _cents(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("an amount has at most two decimal places (euro and cent)"))
    return value.quantize(Decimal("0.01"))


Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000000")), AfterValidator(_cents)]
"""An amount in euro, exact to the cent."""

_SHORT_TIME_RE = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def _time_input(value: object) -> object:
    """Let ``6:00`` stand for ``06:00``; refuse numbers (YAML 1.1 reads ``18:00`` as 1080)."""
    if isinstance(value, str):
        match = _SHORT_TIME_RE.match(value.strip())
        return f"{int(match[1]):02d}:{match[2]}" if match else value
    if isinstance(value, dt.time):
        return value
    raise ValueError(_("write a time of day as '18:00'"))


def _wall_clock(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(_("a time of day has no time zone; write 18:00 (the store's timezone)"))
    if value.second or value.microsecond:
        raise ValueError(_("a time of day is hours and minutes; write 18:00"))
    return value


TimeOfDay = Annotated[dt.time, BeforeValidator(_time_input), AfterValidator(_wall_clock)]
"""A wall-clock time (``18:00``) in the store's time zone, to the minute."""

Year = Annotated[int, Field(ge=1900, le=2200)]
Percent = Annotated[int, Field(ge=0, le=100)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


class Model(BaseModel):
    """Base of every model: unknown keys are errors, whitespace is trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        validate_default=False,
        defer_build=True,
    )

    identity: ClassVar[tuple[str, ...]] = ()
    """For an entry of a list: the fields that tell it apart from the other entries.

    Two clones that add, change or close entries of such a list (status
    history, needs, referrals …) are merged entry by entry, matched by these
    fields (:mod:`mokoord.merge`); lists of plain values merge as sets. A list
    of entries without an identity is merged as one value.
    """


class Record(Model):
    """A record that lives in a file of its own; the file name is its id."""

    entity: ClassVar[str] = "record"
    id: RecordId


def today() -> dt.date:
    return dt.date.today()


class FieldRuleError(ValueError):
    """A rule across fields, raised in a model validator, that belongs to one field.

    Error reporting places it at that field's line instead of the record's.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
