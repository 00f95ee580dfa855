"""Validate records against the models, and say what is wrong in words people use.

This module is the one place where a pydantic ``ValidationError`` becomes
messages: :func:`describe` turns each error into a :class:`Finding` — the
field's place, a problem code, and one sentence naming the field by its label,
the value given and what is allowed ("Postleitzahl „6520“: eine deutsche
Postleitzahl hat fünf Ziffern"). No pydantic or regex text reaches a user.

- :func:`validate_document` / :func:`problems_from`: a parsed file, with the
  line and column of every problem (``path:line:col``);
- :func:`validate_input`: values given on the command line or in a prompt;
  errors become one :class:`~mokoord.errors.UsageError`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mokoord.errors import Problem, UsageError
from mokoord.i18n import _
from mokoord.models.common import FieldRuleError
from mokoord.models.meta import field_label_id
from mokoord.yamlio import Document

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a record: where, which code, and the sentence to show."""

    loc: Loc
    code: str
    message: str


# --------------------------------------------------------------------------- the field a loc names


def _inner_model(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``list[X]`` or ``Annotated[X, …]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _is_dict(annotation: Any) -> bool:
    if getattr(annotation, "__origin__", None) is dict:
        return True
    return any(_is_dict(arg) for arg in getattr(annotation, "__args__", ()))


def _model_at(model: type[BaseModel], names: list[str]) -> Any:
    """The model whose fields come after the keys ``names`` (``None`` if there is none)."""
    owner: Any = model
    skip_key = False
    for part in names:
        if skip_key:  # a key of a mapping field (a vocabulary term), not a field name
            skip_key = False
            continue
        field = getattr(owner, "model_fields", {}).get(part)
        if field is None:
            return None
        skip_key = _is_dict(field.annotation)
        owner = _inner_model(field.annotation)
    return None if skip_key else owner


def _owner(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, str | None]:
    """The model holding the field ``loc`` ends at, and that field's key."""
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return None, None
    for cut in range(len(names) - 1, -1, -1):
        owner = _model_at(model, names[:cut])
        if owner is not None and names[cut] in owner.model_fields:
            return owner, names[cut]
    return None, names[-1]


def field_label(model: type[BaseModel], loc: Loc) -> str:
    """The label of the field ``loc`` ends at, in the current language ("Postleitzahl")."""
    owner, key = _owner(model, loc)
    if key is None:
        return _("Record")
    return _(field_label_id(owner, key))


# --------------------------------------------------------------------------- one error, one sentence


def _shown(value: Any, source: str | None) -> str:
    if source is not None:
        return source
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return str(value)


def _last_key(loc: Loc) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else ""


def _code_hint(key: str, value: str) -> str | None:
    """``Ukrainisch`` in ``languages``: the code to write instead (:mod:`mokoord.codes`)."""
    from mokoord import codes

    table = codes.languages() if key == "languages" else codes.countries()
    code = table.find(value)
    if code is None:
        return None
    return _("write the code {code} ({name})").format(code=code, name=table.name(code))


def _pattern_reason(key: str, parent: str, value: Any) -> str:
    text = str(value)
    if key == "postal_code":
        return _("a German postal code has five digits")
    if key == "phone":
        return _("a phone number has digits, spaces and + ( ) / - only, e.g. +49 611 123456")
    if key == "email":
        if "@" not in text:
            return _("an e-mail address has an @, as in name@example.org")
        domain = text.rsplit("@", 1)[1]
        if "." not in domain:
            return _("the e-mail address has no domain (name@example.org)")
        return _("this is not an e-mail address like name@example.org")
    if key in ("website", "url"):
        return _("a web address starts with http:// or https://")
    if key in ("languages", "origins"):
        hint = _code_hint(key, text)
        if hint is not None:
            return hint
    if parent == "languages" or key == "languages":
        return _("a language is an ISO 639 code such as tr, ar, ru or ckb, or its name")
    if parent == "origins" or key == "origins":
        return _(
            "a region of origin is a country code such as TR or a UN region number such as 145"
        )
    if key in ("id", "organisation", "organisations", "institution", "partner", "networks"):
        return _(
            "an id is lower-case letters and digits joined by hyphens (e.g. elternverein-biebrich)"
        )
    return _("a term is lower-case letters and digits joined by _ or - (e.g. social_counselling)")


def _message(
    error: Mapping[str, Any], model: type[BaseModel], loc: Loc, source: str | None
) -> tuple[str, str]:
    """``(code, sentence)`` for one pydantic error."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    label = field_label(model, loc)
    shown = _shown(value, source)
    key = _last_key(loc)
    parent = key
    if loc and isinstance(loc[-1], int):
        parent = _last_key(loc)
    fill = {"label": label, "value": shown}
    if kind == "missing":
        return "missing-key", _("{label} is missing: the key '{key}' is required").format(
            label=label, key=key
        )
    if kind == "extra_forbidden":
        return "unknown-key", _unknown_key(model, loc)
    if kind == "string_pattern_mismatch":
        return "invalid-value", _("{label} '{value}': {reason}").format(
            **fill, reason=_pattern_reason(key, parent, value)
        )
    if kind == "string_type":
        if isinstance(value, bool):
            return "invalid-value", _(
                "{label}: expected text, found true/false; write it in quotes"
            ).format(label=label)
        if isinstance(value, int | Decimal | float | dt.date):
            what = _("a date") if isinstance(value, dt.date) else _("a number")
            return "invalid-value", _(
                "{label}: expected text, found {what}; write it in quotes ('{value}')"
            ).format(label=label, what=what, value=source or shown)
        if value is None:
            return "invalid-value", _("{label} is empty; write a value or remove the key").format(
                label=label
            )
        return "invalid-value", _("{label}: expected text, found {what}").format(
            label=label, what=_describe(value)
        )
    if kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        limit = ctx.get("ge", ctx.get("gt"))
        return "invalid-value", _("{label}: {value} is too small: at least {limit}").format(
            **fill, limit=limit
        )
    if kind in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        limit = ctx.get("le", ctx.get("lt"))
        return "invalid-value", _("{label}: {value} is too large: at most {limit}").format(
            **fill, limit=limit
        )
    if kind == "string_too_short":
        return "invalid-value", _("{label} is empty; write a value or remove the key").format(
            label=label
        )
    if kind == "string_too_long":
        return "invalid-value", _("{label} is too long: at most {limit} characters").format(
            label=label, limit=ctx.get("max_length")
        )
    if kind == "too_short":
        return "invalid-value", _("{label} needs at least {limit} entry/entries").format(
            label=label, limit=ctx.get("min_length", 1)
        )
    if kind == "too_long":
        return "invalid-value", _("{label} has too many entries: at most {limit}").format(
            label=label, limit=ctx.get("max_length")
        )
    if kind in ("int_parsing", "int_from_float", "int_type", "int_parsing_size"):
        if key in ("founded", "year"):
            return "invalid-value", _("{label} '{value}' is not a year").format(**fill)
        return "invalid-value", _("{label} '{value}' is not a whole number").format(**fill)
    if kind in (
        "decimal_parsing",
        "decimal_type",
        "float_parsing",
        "float_type",
        "decimal_max_digits",
        "decimal_whole_digits",
        "finite_number",
    ):
        return "invalid-value", _(
            "{label} '{value}' is not an amount; write digits like 2500 or 2.500,50"
        ).format(**fill)
    if kind == "decimal_max_places":
        return "invalid-value", _(
            "{label} '{value}': an amount has at most two decimal places (euro and cent)"
        ).format(**fill)
    if kind in ("bool_parsing", "bool_type"):
        return "invalid-value", _("{label} '{value}' is not yes or no").format(**fill)
    if kind == "date_from_datetime_inexact":
        return "invalid-value", _(
            "{label} '{value}' has a time of day; write only the date (14.03.2023 or 2023-03-14)"
        ).format(**fill)
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_future"):
        return "invalid-value", _(
            "{label} '{value}' is not a valid date; write 14.03.2023 or 2023-03-14"
        ).format(**fill)
    if kind in ("list_type", "set_type", "tuple_type"):
        return "invalid-value", _("{label}: expected a list, found {what}").format(
            label=label, what=_describe(value)
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "invalid-value", _("{label}: expected keys with values, found {what}").format(
            label=label, what=_describe(value)
        )
    if kind in ("literal_error", "enum"):
        return "invalid-value", _literal(model, loc, label, shown)
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        reason = str(cause) if cause else _("the value is not valid")
        if isinstance(cause, FieldRuleError):
            return "invalid-value", _("{label}: {reason}").format(label=label, reason=reason)
        return "invalid-value", _("{label} '{value}': {reason}").format(**fill, reason=reason)
    return "invalid-value", _("{label} '{value}' is not valid here").format(**fill)


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return _("keys with values")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, bool):
        return _("true/false")
    if value is None:
        return _("an empty value")
    return f"'{value}'"


def _literal(model: type[BaseModel], loc: Loc, label: str, shown: str) -> str:
    """A value outside a fixed vocabulary: name the allowed labels."""
    from mokoord.models.meta import FIXED_VOCABULARIES, vocabulary_fields

    path = tuple("*" if isinstance(part, int) else part for part in loc)
    vocabulary = dict(vocabulary_fields(model)).get(path)
    if vocabulary in FIXED_VOCABULARIES:
        allowed = ", ".join(
            f"{_(msgid)} ({key})" for key, msgid in FIXED_VOCABULARIES[vocabulary].items()
        )
    else:
        allowed = "?"
    return _("{label} '{value}' is not allowed; allowed are: {allowed}").format(
        label=label, value=shown, allowed=allowed
    )


def _unknown_key(model: type[BaseModel], loc: Loc) -> str:
    key = str(loc[-1])
    parent = _model_at(model, [part for part in loc[:-1] if isinstance(part, str)])
    known = list(getattr(parent, "model_fields", {})) if parent else []
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return _("unknown key '{key}'; did you mean '{close}'?").format(key=key, close=close[0])
    return _("unknown key '{key}'").format(key=key)


# --------------------------------------------------------------------------- entry points


def describe(
    exc: ValidationError, model: type[BaseModel], sources: Mapping[Loc, str] | None = None
) -> list[Finding]:
    """Every error of ``exc`` as a :class:`Finding`; ``sources`` gives the text of
    a value as written in its file (``01067``, not ``1067``)."""
    findings = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error") if error["type"] == "value_error" else None
        if isinstance(cause, FieldRuleError):
            loc = (*loc, cause.field)
        source = (sources or {}).get(tuple(error["loc"]))
        code, message = _message(error, model, loc, source)
        findings.append(Finding(loc, code, message))
    return findings


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """The errors of validating ``doc`` as ``model``, at their lines and columns."""
    return [
        doc.problem(
            finding.loc, finding.code, finding.message, prefer_key=finding.code == "unknown-key"
        )
        for finding in describe(exc, model, doc.sources)
    ]


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


def messages(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """The sentences for every error of ``exc`` (values typed by a user)."""
    return [finding.message for finding in describe(exc, model)]


def validate_input(model: type[M], data: Mapping[str, Any], *, what: str | None = None) -> M:
    """``data`` as a ``model`` record, or a :class:`UsageError` whose message is the
    first problem (after ``what``: "not created") and whose hint lists the others."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = messages(exc, model)
        first = f"{what}: {found[0]}" if what else found[0]
        raise UsageError(first, hint="; ".join(found[1:]) or None) from None
