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

import datetime as dt
from collections.abc import Callable

from mokoord.dataset import Dataset, plain
from mokoord.errors import InvalidData, MokoordError, Problem, UsageError
from mokoord.exchange.cells import Context, vocabularies
from mokoord.exchange.dedupe import OrganisationIndex
from mokoord.exchange.mapping import ColumnMapping
from mokoord.exchange.plan import ON_DUPLICATE, Action, Confirm, Decide, OnDuplicate, Plan, Similar
from mokoord.exchange.planners import ContactPlanner, OrganisationPlanner
from mokoord.exchange.tabular import Table
from mokoord.i18n import _, ngettext
from mokoord.models import Contact, Organisation, Person, Record
from mokoord.store import Change, Store

__all__ = [
    "ON_DUPLICATE",
    "Action",
    "Confirm",
    "Decide",
    "OnDuplicate",
    "Plan",
    "Similar",
    "apply_plan",
    "plan_import",
]

# --------------------------------------------------------------------------- planning


def plan_import(
    table: Table,
    mapping: ColumnMapping,
    data: Dataset,
    *,
    on_duplicate: OnDuplicate = "skip",
    decide: Decide | None = None,
    confirm: Confirm | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    legal_basis: str | None = None,
) -> Plan:
    """Decide for every row what an import does; writes nothing.

    With ``on_duplicate="ask"``, ``decide`` chooses what to do with a
    duplicate and ``confirm`` whether a new record that looks like another
    is that one (:mod:`mokoord.exchange.dedupe` has the rule). A new contact
    person gets the legal basis "consent" only with a consent date from the
    sheet; otherwise ``legal_basis``, and without one the row's person is
    refused (``legal-basis-missing``), so that the caller asks or names it.
    """
    if on_duplicate == "ask" and (decide is None or confirm is None):
        raise UsageError(_("--on-duplicate ask needs a terminal to ask at"))
    ctx = Context(
        data,
        mapping,
        table.path,
        vocabularies(data),
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
    ask = confirm if on_duplicate == "ask" else None
    planner: OrganisationPlanner | ContactPlanner = (
        OrganisationPlanner(plan, ctx, decide, today or dt.date.today(), ask)
        if mapping.kind == "organisations"
        else ContactPlanner(plan, ctx, decide, ask)
    )
    for done, row in enumerate(table.rows, 1):
        planner.row(row)
        if progress is not None:
            progress(done)
    plan.actions.sort(key=lambda a: (a.row, a.kind != "organisation"))
    plan.problems.sort(key=lambda p: (p.line, p.column))
    return plan


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
        count = len(plan.invalid_rows)
        raise InvalidData(
            ngettext(
                "{n} row of {path} is invalid; nothing was imported "
                "(fix it, or import the rest with --skip-invalid)",
                "{n} rows of {path} are invalid; nothing was imported "
                "(fix them, or import the rest with --skip-invalid)",
                count,
            ).format(n=count, path=plan.table.path),
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
                        _("{id} was changed while the import was prepared").format(id=action.id),
                        hint=_("run the import again"),
                    )
                change.save(action.record, previous=current)
            if progress is not None:
                progress(done)
    return change.commit_id
