"""Building blocks shared by every record model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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
        raise ValueError("an amount has at most two decimal places (euro and cent)")
    return value.quantize(Decimal("0.01"))


Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000000")), AfterValidator(_cents)]
"""An amount in euro, exact to the cent."""

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
