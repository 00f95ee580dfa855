"""Validate parsed documents against the models; errors point at lines.

Pydantic reports an error at a location such as ``("persons", 0, "phone")``;
:func:`validate_document` maps it to the line and column of that node in the
file and phrases the message for people who edit YAML by hand.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mokoord.errors import Problem
from mokoord.models.common import FieldRuleError
from mokoord.yamlio import Document

M = TypeVar("M", bound=BaseModel)

_PATTERN_HINTS = {
    "postal_code": "a postal code has five digits; write it in quotes, e.g. '65203'",
    "phone": "a phone number has digits, spaces and + ( ) / - only, e.g. '+49 611 123456'",
    "website": "a web address starts with http:// or https://",
    "url": "a web address starts with http:// or https://",
    "languages": "a language is an ISO 639 code such as tr, ar, ru or ckb",
    "origins": "a region of origin is a country code such as TR or a UN region number such as 145",
}
_ID_HINT = "an id is lower-case letters and digits joined by hyphens (e.g. elternverein-biebrich)"
_TERM_HINT = "a term is lower-case letters and digits joined by _ or - (e.g. social_counselling)"


def _field_hint(loc: tuple[str | int, ...], pattern: str) -> str:
    names = [part for part in loc if isinstance(part, str)]
    for name in reversed(names):
        if name in _PATTERN_HINTS:
            return _PATTERN_HINTS[name]
    if "[_-]" in pattern:
        return _TERM_HINT
    if pattern.startswith("^[a-z0-9]+(?:-"):
        return _ID_HINT
    return f"the value does not have the expected form ({pattern})"


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return repr(value) if not isinstance(value, Decimal) else str(value)


def _message(error: Mapping[str, Any], model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    where = ".".join(str(part) for part in loc)
    prefix = f"{where}: " if where else ""
    value = error.get("input")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" if loc else "missing required key"
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "string_pattern_mismatch":
        return (
            f"{prefix}{_describe(value)} is not valid: {_field_hint(loc, error['ctx']['pattern'])}"
        )
    if kind == "string_type" and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"{prefix}expected text, found the number {value}; write it in quotes ('{value}')"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"{prefix}{_describe(value)} is not a valid date; write YYYY-MM-DD, e.g. 2023-03-14"
    if kind == "literal_error":
        return f"{prefix}{_describe(value)} is not one of {error['ctx']['expected']}"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        return f"{prefix}{cause}" if cause else f"{prefix}{error['msg']}"
    return f"{prefix}{error['msg']}"


def _unknown_key(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    key = str(loc[-1])
    parent: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(parent, "model_fields", {}).get(part)
        if field is None:
            parent = None
            break
        parent = _inner_model(field.annotation)
    known = list(getattr(parent, "model_fields", {})) if parent else []
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}'{hint}"


def _inner_model(annotation: Any) -> Any:
    """The model class inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        cause = error.get("ctx", {}).get("error") if error["type"] == "value_error" else None
        if isinstance(cause, FieldRuleError):
            loc = (*loc, cause.field)
        code = {
            "missing": "missing-key",
            "extra_forbidden": "unknown-key",
        }.get(error["type"], "invalid-value")
        message = _message(error, model, loc)
        problems.append(doc.problem(loc, code, message, prefer_key=code == "unknown-key"))
    return problems


def validate_document(doc: Document, model: type[M]) -> tuple[M | None, list[Problem]]:
    """The record a document holds, or ``None`` and the problems that prevent it."""
    if doc.data is None:
        return None, list(doc.problems)
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, [*doc.problems, *problems_from(exc, doc, model)]
    if any(problem.severity == "error" for problem in doc.problems):
        return None, list(doc.problems)
    return record, list(doc.problems)
