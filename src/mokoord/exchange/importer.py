"""Importing a sheet of organisations (or contacts): plan first, then one commit.

:func:`plan_import` reads every row, normalises its values, finds duplicates
in the sheet and in the store and decides per row: create, update, leave
unchanged, skip, or invalid (with problems by row and column). Nothing is
written. :func:`apply_plan` writes the plan as one ``store.Change`` — all of
it or, when the plan has invalid rows, nothing (unless those rows are
skipped on request). Importing the same sheet twice changes nothing: rows
find their records again by id, register number or name.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from mokoord.dataset import Dataset, plain
from mokoord.errors import InvalidData, MokoordError, Problem, UsageError
from mokoord.exchange import normalise as norm
from mokoord.exchange.dedupe import OrganisationIndex
from mokoord.exchange.mapping import ColumnMapping, ImportKind
from mokoord.exchange.tabular import Row, Table
from mokoord.i18n import _
from mokoord.models import Contact, Organisation, Person, Record
from mokoord.store import Change, Store
from mokoord.textmatch import fold

OnDuplicate = Literal["skip", "update", "fill", "ask"]
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("skip", "update", "fill", "ask")
ActionName = Literal["create", "update", "unchanged", "skip", "invalid"]

Decide = Callable[["Action", dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]], str]
"""For ``--on-duplicate ask``: (action, update changes, fill changes) → skip/update/fill."""

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
_EV_RE = re.compile(r"\be\.\s?v\.?\s*$", re.IGNORECASE)
NOT_WRITTEN = {
    "id",
    "open_needs",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_consent_date",
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "kind": self.kind,
            "id": self.id,
            "name": self.name if self.kind != "person" else None,
            "match": self.match,
            "changes": {
                key: {"old": _json(old), "new": _json(new)}
                for key, (old, new) in self.changes.items()
            },
            "reason": self.reason,
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
        }
        for action in self.actions:
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


# --------------------------------------------------------------------------- reading a row


@dataclass
class _Context:
    data: Dataset
    mapping: ColumnMapping
    display: str
    vocabularies: dict[str, norm.Vocabulary]
    index: OrganisationIndex
    legal_basis: str | None = None
    """The legal basis of new contact persons without a consent date (``--legal-basis``)."""


def _vocabularies(data: Dataset) -> dict[str, norm.Vocabulary]:
    from mokoord.formatting import STATUS_LABELS
    from mokoord.models.config import Label

    terms = data.config.vocabularies
    result = {
        name: norm.Vocabulary.of(name, terms.terms(name))
        for name in (
            "fields",
            "districts",
            "channels",
            "topics",
            "religions",
            "offered_formats",
            "need_categories",
            "tags",
        )
    }
    result["legal_forms"] = norm.Vocabulary.of(
        "legal_forms", terms.terms("legal_forms"), norm.LEGAL_FORM_ALIASES
    )
    result["status"] = norm.Vocabulary.of(
        "status",
        {key: Label(de=labels["de"], en=labels["en"]) for key, labels in STATUS_LABELS.items()},
        {"abgelehnt": "declined"},
    )
    result["initiated_by"] = norm.Vocabulary.of(
        "initiated_by",
        {
            "office": Label(de="Koordinierungsstelle", en="Office"),
            "organisation": Label(de="Organisation", en="Organisation"),
        },
        {
            "Büro": "office",
            "Stadt": "office",
            "Amt": "office",
            "Verein": "organisation",
            "MO": "organisation",
        },
    )
    return result


_SINGLE_TERMS = {
    "district": "districts",
    "legal_form": "legal_forms",
    "religion": "religions",
    "status": "status",
    "channel": "channels",
    "initiated_by": "initiated_by",
}
_LIST_TERMS = {
    "fields": "fields",
    "offered_formats": "offered_formats",
    "open_needs": "need_categories",
    "topics": "topics",
}
_TEXT = {
    "name",
    "goals",
    "notes",
    "register_number",
    "register_court",
    "street",
    "city",
    "contact_name",
    "contact_role",
    "summary",
    "coordinator",
    "follow_up_action",
}
_CODE_LISTS: dict[str, tuple[Callable[[str], tuple[list[str], list[str]]], str]] = {
    "languages": (norm.languages, "language"),
    "origins": (norm.origins, "country or region"),
}
"""Columns holding ISO codes given by name, with their parser and what they name."""


def _read_cells(row: Row, ctx: _Context) -> tuple[dict[str, Any], list[Problem]]:
    """The row's values by field, normalised, and the problems found."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(
        column: int, message: str, severity: str = "error", code: str = "invalid-value"
    ) -> None:
        problems.append(
            Problem(ctx.display, row.number, column + 1, severity, code, message)  # type: ignore[arg-type]
        )

    for index, target in enumerate(ctx.mapping.targets):
        if target is None:
            continue
        text = row.get(index).strip()
        if not text:
            continue
        if target == "organisations":
            ids = ctx.mapping.column_of("organisation_ids")
            if ids is not None and row.get(ids).strip():
                continue  # the ids say it exactly; names are for people
        header = ctx.mapping.headers[index]
        try:
            values.update(_value(target, text, ctx, values))
        except norm.ValueProblem as exc:
            severity = exc.severity
            suffix = "; left out" if severity == "warning" else ""
            problem(index, f"{header}: {exc}{suffix}", severity)
        except _Unknown as exc:
            problem(index, f"{header}: {exc}; left out", "warning", "unknown-term")
            values.update(exc.partial)
    return values, problems


class _Unknown(Exception):
    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


def _value(target: str, text: str, ctx: _Context, values: dict[str, Any]) -> dict[str, Any]:
    if target in _TEXT:
        return {
            target: " ".join(text.split()) if target not in ("goals", "notes", "summary") else text
        }
    if target in ("phone", "contact_phone"):
        return {target: norm.phone(text)}
    if target in ("email", "contact_email"):
        return {target: norm.email(text)}
    if target == "website":
        return {target: norm.website(text)}
    if target in _SINGLE_TERMS:
        vocabulary = ctx.vocabularies[_SINGLE_TERMS[target]]
        term = vocabulary.match(text)
        if term is None:
            raise _Unknown(f"'{text}' is not one of the store's {vocabulary.name}", {})
        return {target: term}
    if target in _LIST_TERMS:
        vocabulary = ctx.vocabularies[_LIST_TERMS[target]]
        terms, missing = vocabulary.terms(text)
        if missing:
            raise _Unknown(
                f"{', '.join(repr(m) for m in missing)} not among the store's {vocabulary.name}",
                {target: terms} if terms else {},
            )
        return {target: terms}
    if target in _CODE_LISTS:
        parse, what = _CODE_LISTS[target]
        codes, missing = parse(text)
        if missing:
            raise _Unknown(
                f"unknown {what} {', '.join(repr(m) for m in missing)}",
                {target: codes} if codes else {},
            )
        return {target: codes}
    if target == "postal_code":
        code, rest = norm.postal_code(text)
        result: dict[str, Any] = {"postal_code": code}
        if rest and ctx.mapping.column_of("city") is None:
            result["city"] = rest
        return result
    if target == "members":
        return {target: norm.count(text)}
    if target == "founded":
        return {target: norm.year(text)}
    if target in ("paid_staff", "rooms_own", "rooms_offered"):
        return {target: norm.yes_no(text)}
    if target in ("known_since", "last_verified", "date", "follow_up_date", "contact_consent_date"):
        from mokoord.dates import parse_date

        try:
            return {target: parse_date(text.split(" ")[0])}
        except ValueError as exc:
            raise norm.ValueProblem(str(exc)) from None
    if target == "aliases":
        return {target: norm.split_list(text)}
    if target == "tags":
        from mokoord.slugs import slugify

        tags = ctx.vocabularies["tags"]
        found_tags = [tags.exact_match(t) or slugify(t) for t in norm.split_list(text)]
        return {target: [tag for tag in dict.fromkeys(found_tags) if tag]}
    if target == "networks":
        found, missing = [], []
        network_names = {key: [net.name] for key, net in ctx.data.networks.items()}
        for item in norm.split_list(text):
            if item in ctx.data.networks:
                found.append(item)
                continue
            from mokoord.textmatch import similar

            matches = similar(item, network_names, limit=1, cutoff=90)
            (found.append(matches[0].key) if matches else missing.append(item))
        if missing:
            raise _Unknown(
                f"unknown network {', '.join(repr(m) for m in missing)}",
                {target: found} if found else {},
            )
        return {target: found}
    if target in ("organisations", "organisation_ids"):
        return {
            "organisation_ids" if target == "organisation_ids" else "organisations": _organisations(
                text, ctx
            )
        }
    if target == "id":
        return {"id": text.strip()}
    raise AssertionError(f"no reader for {target}")  # pragma: no cover


def _organisations(text: str, ctx: _Context) -> list[str]:
    """Organisation ids for names or ids in a cell: exact id, alike name, or all words found."""
    from mokoord.textmatch import pick

    names = {key: [org.name, *org.aliases] for key, org in ctx.data.organisations.items()}
    found: list[str] = []
    for item in norm.split_list(text):
        if item in ctx.data.organisations:
            key = item
        else:
            match = ctx.index.find(item, None)
            if match is not None:
                key = match.key
            else:
                candidates = [m for m in pick(item, names, limit=3) if m.score >= 90]
                if len(candidates) != 1:
                    which = "no" if not candidates else "more than one"
                    raise norm.ValueProblem(f"{which} organisation in the store matches '{item}'")
                key = candidates[0].key
        if key not in found:
            found.append(key)
    return found


def _validation_problems(
    exc: ValidationError,
    row: Row,
    ctx: _Context,
    paths: dict[str, tuple[str, ...]],
    prefix: str = "",
) -> list[Problem]:
    reverse = {path: target for target, path in paths.items()}
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(str(part) for part in error["loc"])
        target = reverse.get(loc[:2]) or reverse.get(loc[:1]) or (loc[0] if loc else "")
        column = ctx.mapping.column_of(target)
        where = ".".join(loc)
        problems.append(
            Problem(
                ctx.display,
                row.number,
                (column + 1) if column is not None else 0,
                "error",
                "invalid-value",
                f"{prefix}{where}: {error['msg']}" if where else f"{prefix}{error['msg']}",
            )
        )
    return problems


# --------------------------------------------------------------------------- planning


def plan_import(
    table: Table,
    mapping: ColumnMapping,
    data: Dataset,
    *,
    on_duplicate: OnDuplicate = "skip",
    decide: Decide | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    legal_basis: str | None = None,
) -> Plan:
    """Decide for every row what an import does; writes nothing.

    A new contact person gets the legal basis "consent" only with a consent date
    from the sheet; otherwise ``legal_basis``, and without one the row's person
    is refused (``legal-basis-missing``) so that the caller asks or names it.
    """
    if on_duplicate == "ask" and decide is None:
        raise UsageError("--on-duplicate ask needs a terminal to ask at")
    ctx = _Context(
        data,
        mapping,
        table.path,
        _vocabularies(data),
        OrganisationIndex.of(data.organisations.values()),
        legal_basis,
    )
    plan = Plan(table, mapping, on_duplicate)
    plan.problems.extend(mapping.problems)
    for number, message in table.broken:
        plan.actions.append(
            Action(
                number,
                "invalid",
                "organisation" if mapping.kind == "organisations" else "contact",
                reason=message,
            )
        )
        plan.problems.append(Problem(table.path, number, 0, "error", "broken-row", message))
    planner = _OrganisationPlanner(plan, ctx, decide, today or dt.date.today())
    contact_planner = _ContactPlanner(plan, ctx, decide)
    for done, row in enumerate(table.rows, 1):
        if mapping.kind == "organisations":
            planner.row(row)
        else:
            contact_planner.row(row)
        if progress is not None:
            progress(done)
    plan.actions.sort(key=lambda a: (a.row, a.kind != "organisation"))
    plan.problems.sort(key=lambda p: (p.line, p.column))
    return plan


def _decide(
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


class _OrganisationPlanner:
    def __init__(self, plan: Plan, ctx: _Context, decide: Decide | None, today: dt.date) -> None:
        self.plan = plan
        self.ctx = ctx
        self.decide = decide
        self.today = today
        self.taken = set(ctx.data.organisations)
        self.sheet = OrganisationIndex()
        self.rows_of: dict[str, int] = {}
        self.persons: dict[tuple[str, str], Person] = {
            (p.organisation, fold(p.name)): p
            for p in ctx.data.persons.values()
            if p.organisation is not None and p.name is not None
        }
        self.person_ids = set(ctx.data.persons)

    def row(self, row: Row) -> None:
        plan, ctx = self.plan, self.ctx
        values, problems = _read_cells(row, ctx)
        plan.problems.extend(problems)
        name = values.get("name")
        register = values.get("register_number")
        action = Action(row.number, "invalid", "organisation", name=name)
        existing: Organisation | None = None
        wanted_id = values.get("id")
        if wanted_id and wanted_id in ctx.data.organisations:
            existing, action.match = ctx.data.organisations[wanted_id], "id"
        else:
            found = ctx.index.find(name, register) if name or register else None
            if found is not None:
                existing, action.match = ctx.data.organisations[found.key], found.how
        if existing is not None:
            action.id = existing.id
            action.name = action.name or existing.name
        # the same organisation twice in the sheet
        earlier = self.rows_of.get(existing.id) if existing is not None else None
        if earlier is None and existing is None:
            same = self.sheet.find(name, register)
            earlier = self.rows_of.get(same.key) if same is not None else None
        if earlier is not None:
            action.action = "skip"
            action.match = f"row {earlier}"
            action.reason = f"the same organisation as row {earlier}"
            plan.problems.append(
                Problem(
                    ctx.display,
                    row.number,
                    0,
                    "warning",
                    "duplicate-row",
                    f"{name or action.id}: the same organisation as row {earlier}; row skipped",
                )
            )
            plan.actions.append(action)
            return
        if any(p.severity == "error" for p in problems) or (existing is None and not name):
            if existing is None and not name:
                column = ctx.mapping.column_of("name")
                plan.problems.append(
                    Problem(
                        ctx.display,
                        row.number,
                        (column + 1) if column is not None else 0,
                        "error",
                        "missing-value",
                        "the organisation has no name",
                    )
                )
            action.reason = "invalid values"
            plan.actions.append(action)
            return
        if existing is not None:
            self._existing(row, action, existing, values)
        else:
            self._new(row, action, values, wanted_id)
        plan.actions.append(action)
        if action.action != "invalid" and action.id is not None:
            self.rows_of[action.id] = row.number
            self.sheet.add(action.id, [n for n in (name, action.name) if n], register)
            if action.action != "skip":
                self._person(row, action, values)

    def _existing(
        self, row: Row, action: Action, existing: Organisation, values: dict[str, Any]
    ) -> None:
        old = plain(existing)
        if action.match == "name":
            values.pop("name", None)  # alike, not equal: the store's spelling stays
        status = values.pop("status", None)
        if status is not None and status != existing.status:
            column = self.ctx.mapping.column_of("status")
            self.plan.problems.append(
                Problem(
                    self.ctx.display,
                    row.number,
                    (column or 0) + 1,
                    "warning",
                    "status-not-imported",
                    f"status '{status}' differs from the store's '{existing.status}'; change it with `mokoord status` (left as is)",
                )
            )
        policy, new_data = _decide(self.plan, self.decide, action, old, values, ORG_PATHS)
        needs = values.get("open_needs") or []
        have = {need.category for need in existing.needs}
        for category in needs:
            if category not in have:
                new_data.setdefault("needs", []).append({"category": category, "status": "open"})
        new_data = _complete_registration(new_data)
        try:
            record = Organisation.model_validate(new_data)
        except ValidationError as exc:
            self.plan.problems.extend(_validation_problems(exc, row, self.ctx, ORG_PATHS))
            action.reason = "invalid values"
            return
        new_plain = plain(record)
        targets = [t for t in values if t not in NOT_WRITTEN]
        action.changes = differences(old, new_plain, targets, ORG_PATHS)
        if needs and new_plain.get("needs") != old.get("needs"):
            action.changes["open_needs"] = (
                [n.category for n in existing.open_needs],
                [
                    n["category"]
                    for n in new_plain.get("needs", [])
                    if n.get("status", "open") in ("open", "in_progress")
                ],
            )
        if not action.changes:
            action.action = "unchanged"
        elif policy == "skip":
            action.action = "skip"
            action.reason = f"exists as {existing.id} (found by {action.match}); differs in {', '.join(action.changes)}"
        else:
            action.action = "update"
            action.record, action.previous = record, existing

    def _new(self, row: Row, action: Action, values: dict[str, Any], wanted_id: str | None) -> None:
        from mokoord.slugs import is_valid_id, org_id, unique

        if wanted_id and is_valid_id(wanted_id) and wanted_id not in self.taken:
            new_id = wanted_id
        else:
            new_id = unique(org_id(values["name"]), frozenset(self.taken))
        data = merge({"id": new_id, "name": values["name"]}, values, ORG_PATHS, "update")
        data.setdefault("status", "known")
        data.setdefault("known_since", self.today)
        if (
            "legal_form" not in data
            and _EV_RE.search(values["name"])
            and "registered_association" in self.ctx.data.config.vocabularies.legal_forms
        ):
            data["legal_form"] = "registered_association"  # "… e.V." says so
        if values.get("open_needs"):
            data["needs"] = [{"category": c, "status": "open"} for c in values["open_needs"]]
        data = _complete_registration(data)
        try:
            record = Organisation.model_validate(data)
        except ValidationError as exc:
            self.plan.problems.extend(_validation_problems(exc, row, self.ctx, ORG_PATHS))
            action.reason = "invalid values"
            return
        self.taken.add(new_id)
        action.action, action.id, action.record = "create", new_id, record
        action.changes = {}

    def _person(self, row: Row, org_action: Action, values: dict[str, Any]) -> None:
        from mokoord.slugs import random_suffix

        person_values = {t: v for t, v in values.items() if t in PERSON_PATHS}
        name = person_values.get("contact_name")
        if not name:
            if len(person_values) > 0:
                self.plan.problems.append(
                    Problem(
                        self.ctx.display,
                        row.number,
                        0,
                        "warning",
                        "person-without-name",
                        "contact details without a contact person's name are left out",
                    )
                )
            return
        assert org_action.id is not None
        key = (org_action.id, fold(name))
        action = Action(row.number, "invalid", "person")
        existing = self.persons.get(key)
        renamed = {PERSON_PATHS[t][0]: v for t, v in person_values.items()}
        if not self._legal_basis(row, renamed, existing):
            self.plan.actions.append(action)
            return
        if existing is not None:
            action.id, action.match = existing.id, "name"
            old = plain(existing)
            policy, new_data = _decide(self.plan, self.decide, action, old, renamed, {})
            try:
                record = Person.model_validate(new_data)
            except ValidationError as exc:
                self.plan.problems.extend(
                    _validation_problems(exc, row, self.ctx, PERSON_PATHS, "contact person: ")
                )
                self.plan.actions.append(action)
                return
            action.changes = differences(old, plain(record), list(renamed), {})
            if not action.changes:
                action.action = "unchanged"
            elif policy == "skip":
                action.action, action.reason = "skip", f"contact person {existing.id} differs"
            else:
                action.action, action.record, action.previous = "update", record, existing
        else:
            new_id = f"p-{random_suffix(6)}"
            while new_id in self.person_ids:
                new_id = f"p-{random_suffix(6)}"
            try:
                record = Person.model_validate(
                    {"id": new_id, "organisation": org_action.id, "recorded": self.today, **renamed}
                )
            except ValidationError as exc:
                self.plan.problems.extend(
                    _validation_problems(exc, row, self.ctx, PERSON_PATHS, "contact person: ")
                )
                self.plan.actions.append(action)
                return
            self.person_ids.add(new_id)
            self.persons[key] = record
            action.action, action.id, action.record = "create", new_id, record
        self.plan.actions.append(action)

    def _legal_basis(self, row: Row, values: dict[str, Any], existing: Person | None) -> bool:
        """Put the person's legal basis into ``values``: consent only with its date
        (from the sheet), else ``--legal-basis``; ``False`` (a problem) without either."""
        consent_date = values.pop("consent", None)
        if consent_date is not None:
            if existing is not None and existing.consent is not None:
                values["consent"] = {**plain(existing.consent), "date": consent_date}
            else:
                values["consent"] = {"date": consent_date}
            values["legal_basis"] = "consent"
            return True
        if existing is not None:
            return True
        if self.ctx.legal_basis is not None and self.ctx.legal_basis != "consent":
            values["legal_basis"] = self.ctx.legal_basis
            return True
        self.plan.problems.append(
            Problem(
                self.ctx.display,
                row.number,
                0,
                "error",
                "legal-basis-missing",
                _(
                    "contact person without a consent date: name the legal basis with "
                    "--legal-basis public_task (or contract), or add a column with the date "
                    "of consent"
                ),
            )
        )
        return False


def _complete_registration(data: dict[str, Any]) -> dict[str, Any]:
    registration = data.get("registration")
    if isinstance(registration, dict) and not registration.get("number"):
        data = {key: value for key, value in data.items() if key != "registration"}
    return data


class _ContactPlanner:
    """Rows of a contact log: date, organisations, channel, topics, summary."""

    def __init__(self, plan: Plan, ctx: _Context, decide: Decide | None) -> None:
        self.plan = plan
        self.ctx = ctx
        self.decide = decide
        self.taken = set(ctx.data.contacts)
        self.seen: dict[tuple[Any, ...], int] = {}
        self.by_content: dict[tuple[Any, ...], Contact] = {
            self._key(c.date, c.organisations, c.summary): c for c in ctx.data.contacts.values()
        }

    @staticmethod
    def _key(
        date: dt.date | None, organisations: list[str], summary: str | None
    ) -> tuple[Any, ...]:
        return (date, tuple(sorted(organisations)), " ".join(fold(summary or "").split()))

    def row(self, row: Row) -> None:
        from mokoord.slugs import random_suffix

        plan, ctx = self.plan, self.ctx
        values, problems = _read_cells(row, ctx)
        plan.problems.extend(problems)
        if "organisation_ids" in values:
            values["organisations"] = values.pop("organisation_ids")
        action = Action(row.number, "invalid", "contact")
        existing: Contact | None = None
        wanted = values.get("id")
        if wanted and wanted in ctx.data.contacts:
            existing, action.match = ctx.data.contacts[wanted], "id"
        else:
            key = self._key(
                values.get("date"), values.get("organisations", []), values.get("summary")
            )
            if key in self.by_content:
                existing, action.match = self.by_content[key], "content"
        key = (
            (existing.id,)
            if existing
            else self._key(
                values.get("date"), values.get("organisations", []), values.get("summary")
            )
        )
        if key in self.seen:
            earlier = self.seen[key]
            action.action, action.match, action.reason = (
                "skip",
                f"row {earlier}",
                f"the same contact as row {earlier}",
            )
            plan.problems.append(
                Problem(
                    ctx.display,
                    row.number,
                    0,
                    "warning",
                    "duplicate-row",
                    f"the same contact as row {earlier}; row skipped",
                )
            )
            plan.actions.append(action)
            return
        if any(p.severity == "error" for p in problems):
            action.reason = "invalid values"
            plan.actions.append(action)
            return
        paths = CONTACT_PATHS
        if existing is not None:
            action.id = existing.id
            old = plain(existing)
            policy, data = _decide(plan, self.decide, action, old, values, paths)
        else:
            date = values.get("date")
            new_id = (
                wanted
                if wanted
                and wanted not in self.taken
                and date
                and wanted.startswith(date.isoformat())
                else None
            )
            while new_id is None or new_id in self.taken:
                new_id = f"{date.isoformat() if date else 'x'}-{random_suffix(4)}"
            policy, data = "create", merge({"id": new_id}, values, paths, "update")
        try:
            record = Contact.model_validate(data)
        except ValidationError as exc:
            plan.problems.extend(_validation_problems(exc, row, ctx, paths))
            action.reason = "invalid values"
            plan.actions.append(action)
            return
        self.seen[key] = row.number
        if existing is None:
            self.taken.add(record.id)
            action.action, action.id, action.record = "create", record.id, record
        else:
            action.changes = differences(
                old, plain(record), [t for t in values if t != "id"], paths
            )
            if not action.changes:
                action.action = "unchanged"
            elif policy == "skip":
                action.action, action.reason = (
                    "skip",
                    f"exists as {existing.id}; differs in {', '.join(action.changes)}",
                )
            else:
                action.action, action.record, action.previous = "update", record, existing
        plan.actions.append(action)


# --------------------------------------------------------------------------- writing


def commit_message(plan: Plan) -> str:
    """Names ids and counts only, never a person's name."""
    summary = plan.summary()
    main = [a for a in plan.writes if a.kind != "person"]
    ids = [a.id for a in main if a.id][:8]
    more = f" +{len(main) - len(ids)}" if len(main) > len(ids) else ""
    parts = [f"{summary['created']} created", f"{summary['updated']} updated"]
    if summary["persons_created"] or summary["persons_updated"]:
        parts.append(
            f"{summary['persons_created']} persons created, {summary['persons_updated']} updated"
        )
    listed = f" ({', '.join(ids)}{more})" if ids else ""
    return f"import {plan.kind}: {', '.join(parts)}{listed}"


def apply_plan(
    store: Store,
    plan: Plan,
    *,
    skip_invalid: bool = False,
    commit: bool = True,
    progress: Callable[[int], None] | None = None,
) -> str | None:
    """Write the plan as one change and commit; all or nothing.

    Raises :class:`InvalidData` when rows are invalid and ``skip_invalid`` is
    false. Returns the commit id (``None`` when nothing changed or no commit).
    """
    errors = [p for p in plan.problems if p.severity == "error"]
    if (errors or plan.invalid_rows) and not skip_invalid:
        raise InvalidData(
            f"{len(plan.invalid_rows)} row(s) of {plan.table.path} are invalid; nothing was imported "
            "(fix them, or import the rest with --skip-invalid)",
            errors,
        )
    writes = plan.writes
    if not writes:
        return None
    models: dict[str, type[Record]] = {
        "organisation": Organisation,
        "person": Person,
        "contact": Contact,
    }
    with Change(store, commit_message(plan), commit=commit) as change:
        for done, action in enumerate(writes, 1):
            assert action.record is not None
            if action.action == "create":
                change.create(action.record)
            else:
                assert action.previous is not None
                assert action.id is not None
                current: Record = store.get(models[action.kind], action.id)
                if plain(current) != plain(action.previous):
                    raise MokoordError(
                        f"{action.kind} {action.id} was changed while the import was prepared",
                        hint="run the import again",
                    )
                change.save(action.record, previous=current)
            if progress is not None:
                progress(done)
    return change.commit_id
