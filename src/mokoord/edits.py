"""``KEY=VALUE`` assignments for ``mokoord set``: dotted keys, ``+=`` and ``-=`` for lists.

An assignment names a key of a record the way the YAML file nests it
(``address.postal_code=65203``, ``members.count=120``, ``needs.0.note=…``).
Values are read according to the field they go into: dates accept
``2023-03-14``, ``14.03.2023`` and ``today``; lists accept comma-separated
items; ``null`` (or nothing: ``website=``) clears a value. Everything else is
handed to the model as text and validated there, so the file ends up with
correctly typed values.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mokoord.errors import UsageError

Op = Literal["=", "+=", "-="]

_ASSIGNMENT_RE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*(\+=|-=|=)(.*)$", re.S
)
_NULLS = {"null", "~", "none"}
_CODE_FIELDS = ("languages", "origins")
"""Fields of language or country codes (:mod:`mokoord.codes`)."""


@dataclass(frozen=True)
class Assignment:
    """One parsed ``KEY=VALUE``: the key's parts, the operator and the raw text."""

    path: tuple[str | int, ...]
    op: Op
    raw: str

    @property
    def key(self) -> str:
        return ".".join(str(part) for part in self.path)


def parse_assignment(text: str) -> Assignment:
    """``"address.postal_code=65203"`` → ``Assignment(("address", "postal_code"), "=", "65203")``."""
    match = _ASSIGNMENT_RE.match(text)
    if not match:
        raise UsageError(
            f"'{text}' is not KEY=VALUE",
            hint="write e.g. district=biebrich, address.postal_code=65203, fields+=youth",
        )
    key, op, raw = match.groups()
    path = tuple(int(part) if part.isdigit() else part for part in key.split("."))
    if isinstance(path[0], int):
        raise UsageError(f"'{key}': a key starts with a name, not a number")
    return Assignment(path, op, _unquote(raw.strip()))  # type: ignore[arg-type]


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw


# --------------------------------------------------------------------------- field types


def _strip_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    if hasattr(annotation, "__metadata__"):  # Annotated[...]
        return _strip_optional(get_args(annotation)[0])
    return annotation


def field_type(model: type[BaseModel], path: tuple[str | int, ...]) -> Any:
    """The (unwrapped) annotation of the field a dotted key names; ``None`` if unknown."""
    current: Any = model
    for part in path:
        current = _strip_optional(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return None
            current = get_args(current)[0]
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
    return _strip_optional(current)


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list


def _convert(raw: str, annotation: Any, key: str) -> Any:
    """The raw text as the value to hand to the model for a field of this type."""
    from mokoord.dates import parse_date

    if raw.lower() in _NULLS or raw == "":
        return None
    field = next((part for part in reversed(key.split(".")) if not part.isdigit()), "")
    if field in _CODE_FIELDS:  # "Ukrainisch", "Türkei": names as every command takes them
        from mokoord import codes

        table = codes.languages() if field == "languages" else codes.countries()
        return table.resolve(raw, key)
    if annotation is dt.date:
        try:
            return parse_date(raw).isoformat()
        except ValueError as exc:
            raise UsageError(f"{key}: {exc}") from None
    if annotation is bool:
        lowered = raw.lower()
        if lowered in ("ja", "j"):
            return True
        if lowered in ("nein", "n"):
            return False
    return raw


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


# --------------------------------------------------------------------------- applying


def apply_assignments(
    data: dict[str, Any], assignments: list[Assignment], model: type[BaseModel]
) -> dict[str, Any]:
    """A copy of ``data`` (a record as plain data) with every assignment applied.

    Raises :class:`UsageError` for a key the model does not have or an
    operation that does not fit the field (``+=`` on a non-list). Validation
    of the result is left to :func:`validate`.
    """
    result = copy.deepcopy(data)
    for assignment in assignments:
        annotation = field_type(model, assignment.path)
        if annotation is None:
            raise UsageError(
                f"'{assignment.key}' is not a key of a {getattr(model, 'entity', 'record')}",
                hint=_key_hint(model, assignment.path),
            )
        if assignment.path == ("id",):
            raise UsageError("the id cannot be changed with set")
        parent, last = _parent(result, assignment.path, create=assignment.op != "-=")
        if assignment.op == "=":
            if _is_list(annotation):
                item_type = _strip_optional(get_args(annotation)[0])
                if isinstance(item_type, type) and issubclass(item_type, BaseModel):
                    raise UsageError(
                        f"{assignment.key} is a list of entries; set their keys one by one "
                        f"({assignment.key}.0.KEY=VALUE) or use the commands made for it"
                    )
                value: Any = [
                    _convert(item, item_type, assignment.key) for item in _items(assignment.raw)
                ]
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                if assignment.raw.lower() in _NULLS or assignment.raw == "":
                    value = None
                else:
                    raise UsageError(
                        f"{assignment.key} has keys of its own; set them as {assignment.key}.KEY=VALUE"
                    )
            else:
                value = _convert(assignment.raw, annotation, assignment.key)
            _set(parent, last, value)
            continue
        if not _is_list(annotation):
            raise UsageError(f"{assignment.op} works on lists only; {assignment.key} is not a list")
        item_type = _strip_optional(get_args(annotation)[0])
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            raise UsageError(f"{assignment.op} cannot add or remove entries of {assignment.key}")
        items = [_convert(item, item_type, assignment.key) for item in _items(assignment.raw)]
        if not items:
            raise UsageError(f"{assignment.key}{assignment.op}: no value given")
        current = _get(parent, last)
        current = list(current) if isinstance(current, list) else []
        if assignment.op == "+=":
            for item in items:
                if item not in current:
                    current.append(item)
        else:
            missing = [str(item) for item in items if item not in current]
            if missing:
                raise UsageError(
                    f"{assignment.key} does not contain {', '.join(missing)}",
                    hint=f"it holds: {', '.join(str(i) for i in current) or 'nothing'}",
                )
            current = [item for item in current if item not in items]
        _set(parent, last, current)
    pruned: dict[str, Any] = _prune(result)
    return pruned


def _key_hint(model: type[BaseModel], path: tuple[str | int, ...]) -> str:
    import difflib

    parent = field_type(model, path[:-1]) if len(path) > 1 else model
    known = list(getattr(parent, "model_fields", {})) if isinstance(parent, type) else []
    close = difflib.get_close_matches(str(path[-1]), known, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return "keys: " + ", ".join(known) if known else "see docs/register.md for the keys"


def _parent(
    data: dict[str, Any], path: tuple[str | int, ...], *, create: bool
) -> tuple[Any, str | int]:
    current: Any = data
    for index, part in enumerate(path[:-1]):
        nxt = path[index + 1]
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                raise UsageError(f"{'.'.join(str(p) for p in path[: index + 1])}: no such entry")
            current = current[part]
            continue
        if current.get(part) is None:
            if not create:
                raise UsageError(f"{'.'.join(str(p) for p in path[: index + 1])} is empty")
            if isinstance(nxt, int):
                raise UsageError(f"{'.'.join(str(p) for p in path[: index + 1])} has no entries")
            current[part] = {}
        current = current[part]
    last = path[-1]
    if isinstance(last, int) and (not isinstance(current, list) or last >= len(current)):
        raise UsageError(f"{'.'.join(str(p) for p in path)}: no such entry")
    return current, last


def _get(parent: Any, key: str | int) -> Any:
    if isinstance(key, int):
        return parent[key]
    return parent.get(key)


def _set(parent: Any, key: str | int, value: Any) -> None:
    if isinstance(key, int):
        parent[key] = value
    elif value is None or value == []:
        parent.pop(key, None)
    else:
        parent[key] = value


def _prune(data: Any) -> Any:
    """Drop mappings left empty (``address: {}`` after clearing its last key)."""
    if isinstance(data, dict):
        return {key: _prune(value) for key, value in data.items() if value != {}}
    if isinstance(data, list):
        return [_prune(item) for item in data]
    return data
