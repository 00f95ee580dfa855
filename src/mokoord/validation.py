"""Validate parsed documents against the models; errors point at lines.

Pydantic reports an error at a location such as ``("persons", 0, "phone")``;
:func:`validate_document` maps it to the line and column of that node in the
file and phrases the message for people who edit YAML by hand.
"""

from __future__ import annotations

import datetime as dt
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
    "email": "an e-mail address looks like name@example.org",
    "website": "a web address starts with http:// or https://",
    "url": "a web address starts with http:// or https://",
    "languages": "a language is an ISO 639 code such as tr, ar, ru or ckb",
    "origins": "a region of origin is a country code such as TR or a UN region number such as 145",
}
_ID_HINT = "an id is lower-case letters and digits joined by hyphens (e.g. elternverein-biebrich)"
_TERM_HINT = "a term is lower-case letters and digits joined by _ or - (e.g. social_counselling)"


def _field_hint(loc: tuple[str | int, ...], pattern: str, value: Any = None) -> str:
    names = [part for part in loc if isinstance(part, str)]
    for name in reversed(names):
        if name in ("languages", "origins") and isinstance(value, str):
            code_hint = _code_hint(name, value)
            if code_hint:
                return code_hint
        if name in _PATTERN_HINTS:
            return _PATTERN_HINTS[name]
    if "[_-]" in pattern:
        return _TERM_HINT
    if pattern.startswith("^[a-z0-9]+(?:-"):
        return _ID_HINT
    return f"the value does not have the expected form ({pattern})"


def _code_hint(name: str, value: str) -> str | None:
    """``Ukrainisch`` in ``languages``: the code to write instead (:mod:`mokoord.codes`)."""
    from mokoord import codes
    from mokoord.i18n import _

    table = codes.languages() if name == "languages" else codes.countries()
    code = table.find(value)
    if code is None:
        return None
    return _("write the code {code} ({name})").format(code=code, name=table.name(code))


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "an empty value"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if not isinstance(value, Decimal) else str(value)


def _message(
    error: Mapping[str, Any],
    model: type[BaseModel],
    loc: tuple[str | int, ...],
    source: str | None = None,
) -> str:
    """A message for one pydantic error; ``source`` is the value as written in the file."""
    kind = error["type"]
    where = ".".join(str(part) for part in loc)
    prefix = f"{where}: " if where else ""
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" if loc else "missing required key"
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "string_pattern_mismatch":
        return f"{prefix}{_describe(value)} is not valid: {_field_hint(loc, error['ctx']['pattern'], value)}"
    if kind == "string_type":
        if isinstance(value, int | Decimal | dt.date) and not isinstance(value, bool):
            written = source or str(value)
            what = "a date" if isinstance(value, dt.date) else "a number"
            return f"{prefix}expected text, found {what}; write it in quotes ('{written}')"
        if isinstance(value, bool):
            return f"{prefix}expected text, found true/false; write it in quotes"
        if value is None:
            return f"{prefix}the value is empty; write one or remove the key"
        return f"{prefix}expected text, found {_describe(value)}"
    if kind in ("greater_than_equal", "greater_than") and "ge" in ctx:
        return f"{prefix}{_describe(value)} is too small: at least {ctx['ge']}"
    if kind in ("less_than_equal", "less_than") and "le" in ctx:
        return f"{prefix}{_describe(value)} is too large: at most {ctx['le']}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{prefix}the text is empty; write one or remove the key"
    if kind == "string_too_long":
        return f"{prefix}the text is too long (at most {ctx.get('max_length')} characters)"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{prefix}{_describe(value)} is not a whole number"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return f"{prefix}{_describe(value)} is not a number; write digits like 12.50"
    if kind in ("bool_parsing", "bool_type"):
        return f"{prefix}{_describe(value)} is not true or false"
    if kind == "date_from_datetime_inexact":
        return f"{prefix}{source or _describe(value)} has a time of day; write only the date (YYYY-MM-DD)"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = "a list" if kind == "list_type" else "a mapping of keys to values"
        return f"{prefix}expected {wanted}, found {_describe(value)}"
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
    skip_key = False
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if skip_key:  # a key of a dict field (a vocabulary term), not a field name
            skip_key = False
            continue
        field = getattr(parent, "model_fields", {}).get(part)
        if field is None:
            parent = None
            break
        skip_key = _is_dict(field.annotation)
        parent = _inner_model(field.annotation)
    known = list(getattr(parent, "model_fields", {})) if parent else []
    if not known:
        return f"unknown key '{key}'"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}'{hint}"


def _is_dict(annotation: Any) -> bool:
    if getattr(annotation, "__origin__", None) is dict:
        return True
    return any(_is_dict(arg) for arg in getattr(annotation, "__args__", ()))


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
        message = _message(error, model, loc, doc.sources.get(tuple(error["loc"])))
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
