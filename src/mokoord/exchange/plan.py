"""What an import does, row by row: the plan, its actions, merging a row into a record.

:class:`Plan` holds an :class:`Action` per record a row touches (create,
update, unchanged, skip, invalid) and the problems found; :func:`merge` and
:func:`differences` combine a row's values with a record as the
``--on-duplicate`` policy says.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from mokoord.errors import Problem
from mokoord.exchange.mapping import ColumnMapping, ImportKind
from mokoord.exchange.tabular import Table
from mokoord.i18n import _, ngettext
from mokoord.models import Config, Contact, Organisation, Person, Record

OnDuplicate = Literal["skip", "update", "fill", "ask"]
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("skip", "update", "fill", "ask")
ActionName = Literal["create", "update", "unchanged", "skip", "invalid"]

Decide = Callable[["Action", dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]], str]
"""For ``--on-duplicate ask``: (action, update changes, fill changes) → skip/update/fill."""

Confirm = Callable[["Action", "list[Similar]"], "Similar | None"]
"""For ``--on-duplicate ask``: which look-alike a new record is the same as (``None``: none)."""

# Where a flat column's value lives in a record (others are top-level fields).
ORG_PATHS: dict[str, tuple[str, ...]] = {
    "register_number": ("registration", "number"),
    "register_court": ("registration", "court"),
    "street": ("address", "street"),
    "postal_code": ("address", "postal_code"),
    "city": ("address", "city"),
    "members": ("members", "count"),
    "rooms_own": ("rooms", "own"),
    "rooms_offered": ("rooms", "offered_to_others"),
}
PERSON_PATHS: dict[str, tuple[str, ...]] = {
    "contact_name": ("name",),
    "contact_role": ("role",),
    "contact_email": ("email",),
    "contact_phone": ("phone",),
    "contact_consent_date": ("consent",),
}
CONTACT_PATHS: dict[str, tuple[str, ...]] = {
    "organisation_ids": ("organisations",),
    "follow_up_date": ("follow_up", "date"),
    "follow_up_action": ("follow_up", "action"),
}
NOT_WRITTEN = {
    "id",
    "open_needs",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_consent_date",
}


@dataclass(frozen=True)
class Similar:
    """A record (or an earlier row) that a new record looks like: possibly the same."""

    id: str
    """The record in the store, or the one an earlier row of the sheet makes."""
    name: str
    """Its name (a contact's summary); not in JSON for contact persons."""
    score: float
    """0-100."""
    row: int | None = None
    """The earlier row of the sheet it comes from; ``None`` for a record in the store."""

    def as_dict(self, *, with_name: bool = True) -> dict[str, Any]:
        return {
            "id": self.id,
            "row": self.row,
            "name": self.name if with_name else None,
            "similarity": round(self.score),
        }


@dataclass
class Action:
    """What happens to one record because of one row."""

    row: int
    action: ActionName
    kind: str
    """``organisation``, ``person`` or ``contact``."""
    id: str | None = None
    name: str | None = None
    match: str | None = None
    """How an existing record was found: ``id``, ``register``, ``name`` (or ``row N``)."""
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    reason: str | None = None
    record: Record | None = None
    previous: Record | None = None
    similar: list[Similar] = field(default_factory=list)
    """Different by the rule but alike: possibly the same — for a person to check."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "kind": self.kind,
            "id": self.id,
            "name": self.name if self.kind == "organisation" else None,
            "match": self.match,
            "changes": {
                key: {"old": _json(old), "new": _json(new)}
                for key, (old, new) in self.changes.items()
            },
            "reason": self.reason,
            "possible_duplicates": [
                item.as_dict(with_name=self.kind != "person") for item in self.similar
            ],
        }


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    return value


@dataclass
class Plan:
    """Everything an import would do, row by row."""

    table: Table
    mapping: ColumnMapping
    on_duplicate: OnDuplicate
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind(self) -> ImportKind:
        return self.mapping.kind

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({a.row for a in self.actions if a.action == "invalid"})

    def summary(self) -> dict[str, int]:
        counts = {
            "rows": len(self.table.rows) + len(self.table.broken),
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "skipped": 0,
            "invalid": 0,
            "persons_created": 0,
            "persons_updated": 0,
            "possible_duplicates": 0,
        }
        for action in self.actions:
            if action.similar and action.action == "create":
                counts["possible_duplicates"] += 1
            if action.kind == "person":
                if action.action in ("create", "update"):
                    counts[f"persons_{action.action}d"] += 1
                continue
            key = {"create": "created", "update": "updated", "skip": "skipped"}.get(
                action.action, action.action
            )
            counts[key] += 1
        return counts

    @property
    def possible_duplicates(self) -> list[Action]:
        """New records that look like another: "possibly the same — please check"."""
        return [a for a in self.actions if a.similar and a.action == "create"]

    @property
    def writes(self) -> list[Action]:
        return [a for a in self.actions if a.action in ("create", "update")]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.table.path,
            "kind": self.kind,
            "encoding": self.table.encoding,
            "delimiter": self.table.delimiter,
            "sheet": self.table.sheet,
            "on_duplicate": self.on_duplicate,
            "mapping": dict(zip(self.mapping.headers, self.mapping.targets, strict=True)),
            "unknown_columns": [self.mapping.headers[i] for i in self.mapping.unknown],
            "summary": self.summary(),
            "actions": [action.as_dict() for action in self.actions],
            "problems": [problem.as_dict() for problem in self.problems],
        }


# --------------------------------------------------------------------------- for people


def target_label(model: type[BaseModel], paths: dict[str, tuple[str, ...]], target: str) -> str:
    """What a sheet's field is called in the current language ("Registernummer")."""
    from mokoord.validation import field_label

    if target in PERSON_PATHS:
        person = {
            "contact_name": _("Contact person"),
            "contact_role": _("Contact role"),
            "contact_email": _("Contact e-mail"),
            "contact_phone": _("Contact phone"),
            "contact_consent_date": _("Consent date"),
        }
        return person[target]
    if target == "open_needs":
        return _("Open needs")
    if target == "organisation_ids":
        return field_label(model, ("organisations",))
    return field_label(model, _path(paths, target))


def _models() -> dict[str, tuple[type[BaseModel], dict[str, tuple[str, ...]]]]:
    """Each kind of action: its model and where the sheet's fields live in it."""
    return {
        "organisation": (Organisation, ORG_PATHS),
        "person": (Person, {}),
        "contact": (Contact, CONTACT_PATHS),
    }


def change_label(kind: str, key: str) -> str:
    """The label of a changed field of an action (:attr:`Action.changes`)."""
    model, paths = _models()[kind]
    return target_label(model, paths, key)


def value_text(config: Config, kind: str, key: str, value: Any, *, width: int = 40) -> str:
    """A value of a change as people read it: labels for terms, German dates, "—" for
    nothing; cut at ``width`` characters."""
    from mokoord import formatting
    from mokoord.i18n import language
    from mokoord.models.meta import vocabulary_fields
    from mokoord.vocab import label

    if _empty(value):
        return "—"
    model, paths = _models()[kind]
    path = _path(paths, key)
    declared = dict(vocabulary_fields(model))
    vocabulary = (
        "need_categories"
        if key == "open_needs"
        else declared.get(path) or declared.get((*path, "*"))
    )
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if vocabulary is not None and isinstance(item, str):
            texts.append(label(config, vocabulary, item))
        elif isinstance(item, dt.date):
            texts.append(formatting.date(item, language()))
        elif isinstance(item, bool):
            texts.append(_("yes") if item else _("no"))
        else:
            texts.append(str(item))
    text = ", ".join(texts)
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_text(counts: dict[str, int]) -> str:
    """``3 created, 0 updated, …``: the counts of :meth:`Plan.summary` for people."""
    parts = ", ".join(
        (
            _("{n} created").format(n=counts["created"]),
            _("{n} updated").format(n=counts["updated"]),
            _("{n} unchanged").format(n=counts["unchanged"]),
            _("{n} skipped").format(n=counts["skipped"]),
            _("{n} invalid").format(n=counts["invalid"]),
        )
    )
    more = []
    if counts["persons_created"]:
        n = counts["persons_created"]
        more.append(
            ngettext("{n} contact person created", "{n} contact persons created", n).format(n=n)
        )
    if counts["possible_duplicates"]:
        n = counts["possible_duplicates"]
        more.append(
            ngettext(
                "{n} possibly the same as another — please check",
                "{n} possibly the same as others — please check",
                n,
            ).format(n=n)
        )
    return "; ".join((parts, *more))


def changed_fields(
    model: type[BaseModel], paths: dict[str, tuple[str, ...]], changes: dict[str, Any]
) -> str:
    """The fields of ``changes`` by their labels: "Telefon, E-Mail"."""
    return ", ".join(target_label(model, paths, target) for target in changes)


def match_text(match: str | None) -> str:
    """How an existing record was found (:attr:`Action.match`), in words."""
    if match is None:
        return ""
    if match.startswith("row "):
        return _("row {row}").format(row=match.removeprefix("row "))
    texts = {
        "id": _("id"),
        "register": _("register number"),
        "name": _("name"),
        "confirmed": _("confirmed at the terminal"),
        "content": _("date, organisations and summary"),
    }
    return texts.get(match, match)


# --------------------------------------------------------------------------- nested values


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = data
    for part in path:
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    current = data
    for part in path[:-1]:
        current = current.setdefault(part, {})
    current[path[-1]] = value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _path(paths: dict[str, tuple[str, ...]], target: str) -> tuple[str, ...]:
    return paths.get(target, (target,))


def merge(
    old: dict[str, Any],
    values: dict[str, Any],
    paths: dict[str, tuple[str, ...]],
    policy: str,
) -> dict[str, Any]:
    """``old`` with the row's values: ``update`` overwrites, ``fill`` only fills empty fields.

    Empty cells never erase anything.
    """
    result = copy.deepcopy(old)
    for target, value in values.items():
        if target in NOT_WRITTEN or _empty(value):
            continue
        path = _path(paths, target)
        if policy == "fill" and not _empty(_get(result, path)):
            continue
        _set(result, path, value)
    return result


def differences(
    old: dict[str, Any], new: dict[str, Any], targets: list[str], paths: dict[str, tuple[str, ...]]
) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for target in targets:
        path = _path(paths, target)
        before, after = _get(old, path), _get(new, path)
        if before != after and not (_empty(before) and _empty(after)):
            changes[target] = (before, after)
    return changes


def decide_policy(
    plan: Plan,
    decide: Decide | None,
    action: Action,
    old: dict[str, Any],
    values: dict[str, Any],
    paths: dict[str, tuple[str, ...]],
) -> tuple[str, dict[str, Any]]:
    """The policy for one duplicate and the merged record data."""
    targets = [t for t in values if t not in NOT_WRITTEN]
    policy: str = plan.on_duplicate
    if policy == "ask":
        updated = merge(old, values, paths, "update")
        filled = merge(old, values, paths, "fill")
        up = differences(old, updated, targets, paths)
        if not up:
            return "update", updated
        assert decide is not None
        policy = decide(action, up, differences(old, filled, targets, paths))
    return policy, merge(old, values, paths, "update" if policy == "skip" else policy)
