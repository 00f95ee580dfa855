"""Deciding per row: which record it is, and whether to create, update or skip.

:class:`OrganisationPlanner` handles a sheet of organisations (and the
contact persons in it), :class:`ContactPlanner` a contact log.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import ValidationError

from mokoord.dataset import plain
from mokoord.errors import Problem
from mokoord.exchange.cells import Context, read_cells, validation_problems
from mokoord.exchange.dedupe import OrganisationIndex
from mokoord.exchange.plan import (
    CONTACT_PATHS,
    NOT_WRITTEN,
    ORG_PATHS,
    PERSON_PATHS,
    Action,
    Decide,
    Plan,
    decide_policy,
    differences,
    merge,
)
from mokoord.exchange.tabular import Row
from mokoord.models import Contact, Organisation, Person
from mokoord.textmatch import fold

_EV_RE = re.compile(r"\be\.\s?v\.?\s*$", re.IGNORECASE)


class OrganisationPlanner:
    def __init__(self, plan: Plan, ctx: Context, decide: Decide | None, today: dt.date) -> None:
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
            if p.organisation is not None
        }
        self.person_ids = set(ctx.data.persons)

    def row(self, row: Row) -> None:
        plan, ctx = self.plan, self.ctx
        values, problems = read_cells(row, ctx)
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
        policy, new_data = decide_policy(self.plan, self.decide, action, old, values, ORG_PATHS)
        needs = values.get("open_needs") or []
        have = {need.category for need in existing.needs}
        for category in needs:
            if category not in have:
                new_data.setdefault("needs", []).append({"category": category, "status": "open"})
        new_data = _complete_registration(new_data)
        try:
            record = Organisation.model_validate(new_data)
        except ValidationError as exc:
            self.plan.problems.extend(validation_problems(exc, row, self.ctx, ORG_PATHS))
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
            self.plan.problems.extend(validation_problems(exc, row, self.ctx, ORG_PATHS))
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
        if existing is not None:
            action.id, action.match = existing.id, "name"
            old = plain(existing)
            policy, new_data = decide_policy(self.plan, self.decide, action, old, renamed, {})
            try:
                record = Person.model_validate(new_data)
            except ValidationError as exc:
                self.plan.problems.extend(
                    validation_problems(exc, row, self.ctx, PERSON_PATHS, "contact person: ")
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
                    {"id": new_id, "organisation": org_action.id, **renamed}
                )
            except ValidationError as exc:
                self.plan.problems.extend(
                    validation_problems(exc, row, self.ctx, PERSON_PATHS, "contact person: ")
                )
                self.plan.actions.append(action)
                return
            self.person_ids.add(new_id)
            self.persons[key] = record
            action.action, action.id, action.record = "create", new_id, record
        self.plan.actions.append(action)


def _complete_registration(data: dict[str, Any]) -> dict[str, Any]:
    registration = data.get("registration")
    if isinstance(registration, dict) and not registration.get("number"):
        data = {key: value for key, value in data.items() if key != "registration"}
    return data


class ContactPlanner:
    """Rows of a contact log: date, organisations, channel, topics, summary."""

    def __init__(self, plan: Plan, ctx: Context, decide: Decide | None) -> None:
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
        values, problems = read_cells(row, ctx)
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
            policy, data = decide_policy(plan, self.decide, action, old, values, paths)
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
            plan.problems.extend(validation_problems(exc, row, ctx, paths))
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
