"""Deciding per row: which record it is, and whether to create, update or skip.

:class:`OrganisationPlanner` handles a sheet of organisations (and the
contact persons in it), :class:`ContactPlanner` a contact log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from mokoord.dataset import plain
from mokoord.errors import Problem
from mokoord.exchange.cells import Context, read_cells, validation_problems
from mokoord.exchange.dedupe import SIMILAR_LIMIT, Lookup, NameIndex, OrganisationIndex
from mokoord.exchange.plan import (
    CONTACT_PATHS,
    NOT_WRITTEN,
    ORG_PATHS,
    PERSON_PATHS,
    Action,
    Confirm,
    Decide,
    Plan,
    Similar,
    changed_fields,
    decide_policy,
    differences,
    match_text,
    merge,
)
from mokoord.exchange.tabular import Row
from mokoord.i18n import _
from mokoord.models import Contact, Organisation, Person
from mokoord.textmatch import spelling_key
from mokoord.vocab import label


class OrganisationPlanner:
    def __init__(
        self,
        plan: Plan,
        ctx: Context,
        decide: Decide | None,
        today: dt.date,
        confirm: Confirm | None = None,
    ) -> None:
        self.plan = plan
        self.ctx = ctx
        self.decide = decide
        self.confirm = confirm
        self.today = today
        self.taken = set(ctx.data.organisations)
        self.sheet = OrganisationIndex()
        self.rows_of: dict[str, int] = {}
        self.persons: dict[str, NameIndex] = {}
        """The names of each organisation's contact persons, keyed by person id."""
        self.person_records: dict[str, Person] = {}
        for person in ctx.data.persons.values():
            if person.organisation is not None and person.name is not None:
                self._add_person(person.organisation, person)
        self.person_ids = set(ctx.data.persons)

    def _add_person(self, org_id: str, person: Person) -> None:
        self.persons.setdefault(org_id, NameIndex(legal_forms=False)).add(
            person.id, [person.display_name]
        )
        self.person_records[person.id] = person

    def row(self, row: Row) -> None:
        plan, ctx = self.plan, self.ctx
        values, problems = read_cells(row, ctx)
        plan.problems.extend(problems)
        name = values.get("name")
        register = values.get("register_number")
        action = Action(row.number, "invalid", "organisation", name=name)
        existing: Organisation | None = None
        in_store: Lookup | None = None
        wanted_id = values.get("id")
        if wanted_id and wanted_id in ctx.data.organisations:
            existing, action.match = ctx.data.organisations[wanted_id], "id"
        elif name or register:
            in_store = ctx.index.lookup(name, register)
            if in_store.same is not None:
                existing = ctx.data.organisations[in_store.same.key]
                action.match = in_store.same.how
        # the same organisation twice in the sheet
        earlier = self.rows_of.get(existing.id) if existing is not None else None
        if earlier is None and existing is None and (name or register):
            in_sheet = self.sheet.lookup(name, register)
            if in_sheet.same is not None:
                earlier = self.rows_of.get(in_sheet.same.key)
            elif name and not any(p.severity == "error" for p in problems):
                similar = self._similar(in_store, in_sheet)
                chosen = self.confirm(action, similar) if similar and self.confirm else None
                if chosen is not None and chosen.row is not None:
                    earlier = chosen.row
                elif chosen is not None and chosen.id in ctx.data.organisations:
                    existing, action.match = ctx.data.organisations[chosen.id], "confirmed"
                elif self.confirm is None:
                    action.similar = similar
        if existing is not None:
            action.id = existing.id
            action.name = action.name or existing.name
        if earlier is not None:
            action.action = "skip"
            action.match = f"row {earlier}"
            action.reason = _("the same organisation as row {row}").format(row=earlier)
            plan.problems.append(
                Problem(
                    ctx.display,
                    row.number,
                    0,
                    "warning",
                    "duplicate-row",
                    _("{name}: the same organisation as row {row}; row skipped").format(
                        name=name or action.id, row=earlier
                    ),
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
                        _("the organisation has no name"),
                    )
                )
            action.reason = _("invalid values")
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

    def _similar(self, in_store: Lookup | None, in_sheet: Lookup) -> list[Similar]:
        """The look-alikes in the store and in earlier rows, best first."""
        found: dict[str, Similar] = {}
        for match in [*(in_store.similar if in_store else []), *in_sheet.similar]:
            if match.key not in found or match.score > found[match.key].score:
                found[match.key] = Similar(
                    match.key, match.name, match.score, self.rows_of.get(match.key)
                )
        return sorted(found.values(), key=lambda s: (-s.score, s.id))[:SIMILAR_LIMIT]

    def _existing(
        self, row: Row, action: Action, existing: Organisation, values: dict[str, Any]
    ) -> None:
        old = plain(existing)
        if action.match in ("name", "confirmed"):
            values.pop("name", None)  # the same name, spelled otherwise: the store's spelling stays
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
                    _(
                        "status '{status}' differs from the store's '{current}'; change it with "
                        "`mokoord status` (left as is)"
                    ).format(
                        status=label(self.ctx.data.config, "statuses", status),
                        current=label(self.ctx.data.config, "statuses", existing.status),
                    ),
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
            self.plan.problems.extend(
                validation_problems(exc, row, self.ctx, ORG_PATHS, Organisation)
            )
            action.reason = _("invalid values")
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
            action.reason = _("exists as {id} (found by {match}); differs in {fields}").format(
                id=existing.id,
                match=match_text(action.match),
                fields=changed_fields(Organisation, ORG_PATHS, action.changes),
            )
        else:
            action.action = "update"
            action.record, action.previous = record, existing

    def _new(self, row: Row, action: Action, values: dict[str, Any], wanted_id: str | None) -> None:
        from mokoord.slugs import is_device_name, is_valid_id, legal_form_from_name, org_id, unique

        if (
            wanted_id
            and is_valid_id(wanted_id)
            and not is_device_name(wanted_id)
            and wanted_id not in self.taken
        ):
            new_id = wanted_id
        else:
            new_id = unique(org_id(values["name"]), frozenset(self.taken))
        data = merge({"id": new_id, "name": values["name"]}, values, ORG_PATHS, "update")
        data.setdefault("status", "known")
        data.setdefault("known_since", self.today)
        if "legal_form" not in data:  # "… e.V." says so, as add-org reads it
            legal_forms = self.ctx.data.config.vocabularies.legal_forms
            derived = legal_form_from_name(values["name"], legal_forms)
            if derived is not None:
                data["legal_form"] = derived
        if values.get("open_needs"):
            data["needs"] = [{"category": c, "status": "open"} for c in values["open_needs"]]
        data = _complete_registration(data)
        try:
            record = Organisation.model_validate(data)
        except ValidationError as exc:
            self.plan.problems.extend(
                validation_problems(exc, row, self.ctx, ORG_PATHS, Organisation)
            )
            action.reason = _("invalid values")
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
                        _("contact details without a contact person's name are left out"),
                    )
                )
            return
        assert org_action.id is not None
        action = Action(row.number, "invalid", "person", name=name)
        known = self.persons.get(org_action.id) or NameIndex(legal_forms=False)
        same = known.equal(name)
        existing = self.person_records[same[0]] if same else None
        if existing is None:
            similar = [Similar(match.key, match.name, match.score) for match in known.alike(name)]
            chosen = self.confirm(action, similar) if similar and self.confirm else None
            if chosen is not None and chosen.id in self.person_records:
                existing = self.person_records[chosen.id]
            elif self.confirm is None:
                action.similar = similar
        renamed = {PERSON_PATHS[t][0]: v for t, v in person_values.items()}
        if not self._legal_basis(row, renamed, existing):
            self.plan.actions.append(action)
            return
        if existing is not None:
            action.id, action.match = existing.id, "name" if same else "confirmed"
            renamed.pop("name")  # the same person, spelled otherwise: the store's spelling stays
            old = plain(existing)
            policy, new_data = decide_policy(self.plan, self.decide, action, old, renamed, {})
            try:
                record = Person.model_validate(new_data)
            except ValidationError as exc:
                self.plan.problems.extend(
                    validation_problems(exc, row, self.ctx, PERSON_PATHS, Person, person=True)
                )
                self.plan.actions.append(action)
                return
            action.changes = differences(old, plain(record), list(renamed), {})
            if not action.changes:
                action.action = "unchanged"
            elif policy == "skip":
                action.action = "skip"
                action.reason = _("contact person {id} differs").format(id=existing.id)
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
                    validation_problems(exc, row, self.ctx, PERSON_PATHS, Person, person=True)
                )
                self.plan.actions.append(action)
                return
            self.person_ids.add(new_id)
            self._add_person(org_action.id, record)
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


class ContactPlanner:
    """Rows of a contact log: date, organisations, channel, topics, summary.

    A row is the same contact as a record (or an earlier row) with the same
    date, the same organisations and the same summary (spelling ignored, as
    for names); a summary that is only alike makes a new contact, reported as
    possibly the same.
    """

    def __init__(
        self, plan: Plan, ctx: Context, decide: Decide | None, confirm: Confirm | None = None
    ) -> None:
        self.plan = plan
        self.ctx = ctx
        self.decide = decide
        self.confirm = confirm
        self.taken = set(ctx.data.contacts)
        self.seen: dict[tuple[Any, ...], int] = {}
        self.rows_of: dict[str, int] = {}
        self.by_content: dict[tuple[Any, ...], Contact] = {}
        self.groups: dict[tuple[Any, ...], NameIndex] = {}
        """Summaries of the contacts of one day with the same organisations, by contact id."""
        for contact in ctx.data.contacts.values():
            key = self._key(contact.date, contact.organisations, contact.summary)
            self.by_content[key] = contact
            self._group(key).add(contact.id, [contact.summary or ""])

    @staticmethod
    def _key(
        date: dt.date | None, organisations: list[str], summary: str | None
    ) -> tuple[Any, ...]:
        return (date, tuple(sorted(organisations)), spelling_key(summary or "").replace(" ", ""))

    def _group(self, key: tuple[Any, ...]) -> NameIndex:
        return self.groups.setdefault(key[:2], NameIndex(legal_forms=False))

    def row(self, row: Row) -> None:
        from mokoord.slugs import random_suffix

        plan, ctx = self.plan, self.ctx
        values, problems = read_cells(row, ctx)
        plan.problems.extend(problems)
        if "organisation_ids" in values:
            values["organisations"] = values.pop("organisation_ids")
        action = Action(row.number, "invalid", "contact", name=values.get("summary"))
        existing: Contact | None = None
        wanted = values.get("id")
        content = self._key(
            values.get("date"), values.get("organisations", []), values.get("summary")
        )
        if wanted and wanted in ctx.data.contacts:
            existing, action.match = ctx.data.contacts[wanted], "id"
        elif content in self.by_content:
            existing, action.match = self.by_content[content], "content"
        elif content not in self.seen and values.get("summary"):
            similar = [
                Similar(match.key, match.name, match.score, self.rows_of.get(match.key))
                for match in self._group(content).alike(values["summary"])
            ]
            chosen = self.confirm(action, similar) if similar and self.confirm else None
            if chosen is not None and chosen.row is not None:
                self.seen[content] = chosen.row
            elif chosen is not None and chosen.id in ctx.data.contacts:
                existing, action.match = ctx.data.contacts[chosen.id], "confirmed"
            elif self.confirm is None:
                action.similar = similar
        key = (existing.id,) if existing else content
        if key in self.seen:
            earlier = self.seen[key]
            action.action, action.match, action.reason = (
                "skip",
                f"row {earlier}",
                _("the same contact as row {row}").format(row=earlier),
            )
            plan.problems.append(
                Problem(
                    ctx.display,
                    row.number,
                    0,
                    "warning",
                    "duplicate-row",
                    _("the same contact as row {row}; row skipped").format(row=earlier),
                )
            )
            plan.actions.append(action)
            return
        if any(p.severity == "error" for p in problems):
            action.reason = _("invalid values")
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
            plan.problems.extend(validation_problems(exc, row, ctx, paths, Contact))
            action.reason = _("invalid values")
            plan.actions.append(action)
            return
        self.seen[key] = row.number
        self.rows_of[record.id] = row.number
        if existing is None:
            self.taken.add(record.id)
            self._group(content).add(record.id, [record.summary or ""])
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
                    _("exists as {id}; differs in {fields}").format(
                        id=existing.id, fields=changed_fields(Contact, paths, action.changes)
                    ),
                )
            else:
                action.action, action.record, action.previous = "update", record, existing
        plan.actions.append(action)
