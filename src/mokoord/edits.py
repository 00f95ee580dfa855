"""``KEY=VALUE`` assignments for ``mokoord set``: dotted keys, ``+=`` and ``-=`` for lists.

An assignment names a key of a record the way the YAML file nests it
(``address.postal_code=65203``, ``members.count=120``, ``needs.0.note=…``).
Values are read according to the field they go into, in the user's own words:

- terms of a vocabulary by key or label in either language
  (``district=Biebrich``, ``fields+=Kultur``, ``status=im Gespräch``);
- languages and countries by code or name (``languages+=Ukrainisch``);
- dates as ``2023-03-14``, ``14.03.2023`` or ``heute``/``today``;
- yes/no as ``ja``/``nein``/``j``/``n`` (or ``true``/``false``/``yes``/``no``);
- whole numbers with German thousands (``members.count=1.200``), amounts in
  euro as :func:`mokoord.money.parse_money` reads them;
- lists as comma-separated items; ``null`` (or nothing: ``website=``) clears
  a value.

Everything else is handed to the model as text and validated there, so the
file ends up with correctly typed values. :func:`plan_set` is the planner of
``mokoord set``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import types
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mokoord.dataset import Dataset, plain
from mokoord.errors import UsageError
from mokoord.i18n import _
from mokoord.models import Config, Organisation
from mokoord.plans import Plan, Write

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
            _("'{text}' is not KEY=VALUE").format(text=text),
            hint=_("write e.g. district=Biebrich, address.postal_code=65203, fields+=Jugend"),
        )
    key, op, raw = match.groups()
    path = tuple(int(part) if part.isdigit() else part for part in key.split("."))
    if isinstance(path[0], int):
        raise UsageError(_("'{key}': a key starts with a name, not a number").format(key=key))
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


_GROUPED_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
"""A whole number with German thousands: ``1.200``, ``12.000.000``."""


@dataclass(frozen=True)
class _Target:
    """What an assignment's value goes into: the field's type, its vocabulary, the store's terms."""

    annotation: Any
    key: str
    vocabulary: str | None = None
    config: Config | None = None


def _convert(raw: str, target: _Target) -> Any:
    """The raw text as the value to hand to the model for a field of this type."""
    from mokoord.dates import parse_date

    annotation, key = target.annotation, target.key
    if raw.lower() in _NULLS or raw == "":
        return None
    field = next((part for part in reversed(key.split(".")) if not part.isdigit()), "")
    if field in _CODE_FIELDS:  # "Ukrainisch", "Türkei": names as every command takes them
        from mokoord import codes

        table = codes.languages() if field == "languages" else codes.countries()
        return table.resolve(raw, key)
    if target.vocabulary is not None:  # "Biebrich", "im Gespräch": keys or labels
        from mokoord.vocab import resolve

        return resolve(target.config or Config(), target.vocabulary, raw, flag=key)
    if annotation is dt.date:
        try:
            return parse_date(raw).isoformat()
        except ValueError as exc:
            raise UsageError(f"{key}: {exc}") from None
    if annotation is bool:
        return _yes_no(raw)
    if annotation is int and _GROUPED_RE.match(raw.strip()):
        return raw.strip().replace(".", "")
    if annotation is Decimal:
        from mokoord.money import MoneyError, parse_money

        try:
            return str(parse_money(raw))
        except MoneyError as exc:
            raise UsageError(f"{key}: {exc}") from None
    return raw


def _yes_no(raw: str) -> Any:
    lowered = raw.strip().lower()
    if lowered in ("ja", "j", "yes", "y", "true"):
        return True
    if lowered in ("nein", "n", "no", "false"):
        return False
    return raw  # the model says what is allowed


def _vocabulary_at(model: type[BaseModel], path: tuple[str | int, ...]) -> str | None:
    """The vocabulary whose terms the field at ``path`` holds (list items: ``path`` ends in "*")."""
    from mokoord.models.meta import vocabulary_fields

    wanted = tuple("*" if isinstance(part, int) else part for part in path)
    return dict(vocabulary_fields(model)).get(wanted)


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


# --------------------------------------------------------------------------- applying


def apply_assignments(
    data: dict[str, Any],
    assignments: list[Assignment],
    model: type[BaseModel],
    config: Config | None = None,
) -> dict[str, Any]:
    """A copy of ``data`` (a record as plain data) with every assignment applied.

    Terms are resolved against ``config``'s vocabularies (default: mokoord's
    defaults). Raises :class:`UsageError` for a key the model does not have,
    an operation that does not fit the field (``+=`` on a non-list) or a value
    that names no term. Validation of the result is left to the caller.
    """
    result = copy.deepcopy(data)
    for assignment in assignments:
        annotation = field_type(model, assignment.path)
        if annotation is None:
            raise UsageError(
                _("'{key}' is not a key of this record").format(key=assignment.key),
                hint=_key_hint(model, assignment.path),
            )
        if assignment.path == ("id",):
            raise UsageError(_("the id cannot be changed with set"))
        parent, last = _parent(result, assignment.path, create=assignment.op != "-=")
        if assignment.op == "=" and not _is_list(annotation):
            _set(parent, last, _scalar(assignment, annotation, model, config))
            continue
        item = _Target(
            _item_type(assignment, annotation),
            assignment.key,
            _vocabulary_at(model, (*assignment.path, "*")),
            config,
        )
        items = [_convert(text, item) for text in _items(assignment.raw)]
        if assignment.op == "=":
            _set(parent, last, items)
            continue
        if not items:
            raise UsageError(
                _("{key}{op}: no value given").format(key=assignment.key, op=assignment.op)
            )
        _set(parent, last, _changed_list(assignment, _get(parent, last), items))
    pruned: dict[str, Any] = _prune(result)
    return pruned


def _scalar(
    assignment: Assignment, annotation: Any, model: type[BaseModel], config: Config | None
) -> Any:
    """The value of ``KEY=VALUE`` for a field that is not a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if assignment.raw.lower() in _NULLS or assignment.raw == "":
            return None
        raise UsageError(
            _("{key} has keys of its own; set them as {key}.KEY=VALUE").format(key=assignment.key)
        )
    vocabulary = _vocabulary_at(model, assignment.path)
    return _convert(assignment.raw, _Target(annotation, assignment.key, vocabulary, config))


def _item_type(assignment: Assignment, annotation: Any) -> Any:
    """The type of a list's items; refuses lists of entries and ``+=``/``-=`` on a non-list."""
    if not _is_list(annotation):
        raise UsageError(
            _("{op} works on lists only; {key} is not a list").format(
                op=assignment.op, key=assignment.key
            )
        )
    item_type = _strip_optional(get_args(annotation)[0])
    if isinstance(item_type, type) and issubclass(item_type, BaseModel):
        if assignment.op == "=":
            raise UsageError(
                _(
                    "{key} is a list of entries; set their keys one by one "
                    "({key}.0.KEY=VALUE) or use the commands made for it"
                ).format(key=assignment.key)
            )
        raise UsageError(
            _("{op} cannot add or remove entries of {key}").format(
                op=assignment.op, key=assignment.key
            )
        )
    return item_type


def _changed_list(assignment: Assignment, current: Any, items: list[Any]) -> list[Any]:
    """The list after ``+=`` (each item once) or ``-=`` (each item must be there)."""
    held: list[Any] = list(current) if isinstance(current, list) else []
    if assignment.op == "+=":
        return held + [item for item in dict.fromkeys(items) if item not in held]
    missing = [str(item) for item in items if item not in held]
    if missing:
        raise UsageError(
            _("{key} does not contain {items}").format(
                key=assignment.key, items=", ".join(missing)
            ),
            hint=_("it holds: {items}").format(
                items=", ".join(str(i) for i in held) or _("nothing")
            ),
        )
    return [item for item in held if item not in items]


def _key_hint(model: type[BaseModel], path: tuple[str | int, ...]) -> str:
    import difflib

    parent = field_type(model, path[:-1]) if len(path) > 1 else model
    known = list(getattr(parent, "model_fields", {})) if isinstance(parent, type) else []
    close = difflib.get_close_matches(str(path[-1]), known, n=3, cutoff=0.5)
    if close:
        from mokoord.vocab import or_list

        return _("did you mean {candidates}?").format(candidates=or_list(close))
    if known:
        return _("keys: {keys}").format(keys=", ".join(known))
    return _("see docs/register.md for the keys")


def _parent(
    data: dict[str, Any], path: tuple[str | int, ...], *, create: bool
) -> tuple[Any, str | int]:
    current: Any = data
    for index, part in enumerate(path[:-1]):
        nxt = path[index + 1]
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                raise UsageError(_("{key}: no such entry").format(key=_dotted(path[: index + 1])))
            current = current[part]
            continue
        if current.get(part) is None:
            if not create:
                raise UsageError(_("{key} is empty").format(key=_dotted(path[: index + 1])))
            if isinstance(nxt, int):
                raise UsageError(_("{key} has no entries").format(key=_dotted(path[: index + 1])))
            current[part] = {}
        current = current[part]
    last = path[-1]
    if isinstance(last, int) and (not isinstance(current, list) or last >= len(current)):
        raise UsageError(_("{key}: no such entry").format(key=_dotted(path)))
    return current, last


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


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


# --------------------------------------------------------------------------- a whole record


def normalise_values(data: Any, model: type[BaseModel], config: Config) -> Any:
    """A copy of ``data`` (a record as plain data, e.g. a file edited by hand) with
    values in people's words turned into what the file holds: terms given by a
    label into their key, language and country names into codes, German dates
    into dates, ``ja``/``nein`` into booleans, ``1.200`` into a number.

    Lenient: a value that names nothing is left as written, for validation to
    report with its place in the file.
    """
    return _normalised(copy.deepcopy(data), model, (), config)


def _normalised(
    node: Any, model: type[BaseModel], path: tuple[str | int, ...], config: Config
) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and (not path or field_type(model, path) is not None):
                node[key] = _normalised(value, model, (*path, key), config)
        return node
    if isinstance(node, list):
        return [_normalised(item, model, (*path, index), config) for index, item in enumerate(node)]
    if not isinstance(node, str) or not path:
        return node
    annotation = field_type(model, path)
    key = _dotted(tuple(part for part in path if isinstance(part, str)))
    try:
        value = _convert(node, _Target(annotation, key, _vocabulary_at(model, path), config))
    except UsageError:
        return node
    if value is None:
        return node
    if annotation is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if annotation is int and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


# --------------------------------------------------------------------------- the planner of set


@dataclass(frozen=True)
class SetRequest:
    """``mokoord set ID KEY=VALUE…``: the assignments as typed."""

    org_id: str
    assignments: tuple[str, ...]


def plan_set(
    org: Organisation, request: SetRequest, config: Config, *, data: Dataset | None = None
) -> Plan:
    """``org`` with every assignment applied and the whole record validated, terms
    included; an empty plan when the values are already so."""
    from mokoord.registering import validate_organisation

    parsed = [parse_assignment(text) for text in request.assignments]
    new_data = apply_assignments(plain(org), parsed, Organisation, config)
    new = validate_organisation(new_data, config, what=_("not changed"))
    if new == org:
        return Plan(
            action=f"set {org.id}",
            result=org,
            summary=_("nothing to change: the values are already so"),
        )
    keys = ", ".join(dict.fromkeys(assignment.key for assignment in parsed))
    plan = Plan(
        action=f"set {org.id}: {keys}",
        writes=[Write(new, previous=org)],
        result=new,
        summary=_("updated {id}").format(id=org.id),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)
