"""How an import's plan is shown: the sheet as read, a row per action, the
look-alikes to check, the problems and the summary line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from mokoord.i18n import _, pgettext

if TYPE_CHECKING:
    from pathlib import Path

    from mokoord.exchange.plan import Action, Plan, Similar
    from mokoord.models import Config

PROGRESS_FROM_ROWS = 200
STYLES = {
    "create": "green",
    "update": "yellow",
    "skip": "dim",
    "invalid": "red",
    "unchanged": "dim",
}


class Progress:
    """A rich progress bar on stderr, only for big jobs at a terminal."""

    def __init__(self, total: int, what: str) -> None:
        self.bar: Any = None
        if total >= PROGRESS_FROM_ROWS and sys.stderr.isatty():
            from rich.progress import Progress as Bar

            from mokoord.cli._common import err_console

            self.bar = Bar(console=err_console(), transient=True)
            self.task = self.bar.add_task(what, total=total)

    def __enter__(self) -> Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------- words


def action_word(action: str) -> str:
    """``create`` → ``neu``: what happens to a record, in the current language."""
    words = {
        "create": pgettext("import action", "create"),
        "update": pgettext("import action", "update"),
        "skip": pgettext("import action", "skip"),
        "invalid": pgettext("import action", "invalid"),
        "unchanged": pgettext("import action", "unchanged"),
    }
    return words.get(action, action)


def kind_word(kind: str) -> str:
    """``person`` → ``Ansprechperson``: the kind of record an action is about."""
    words = {
        "organisation": pgettext("import record", "organisation"),
        "person": pgettext("import record", "contact person"),
        "contact": pgettext("import record", "contact"),
    }
    return words.get(kind, kind)


def short(value: Any) -> str:
    text = (
        "—"
        if value in (None, "", [])
        else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    )
    return text if len(text) <= 40 else text[:39] + "…"


def record_of(action: Action) -> str:
    """How the plan names the record of an action: its name, a person's name, a summary."""
    return short(action.name or action.id or "")


def similar_text(item: Similar) -> str:
    where = (
        _("row {row}").format(row=item.row)
        if item.row is not None
        else _("{id} in the store").format(id=item.id)
    )
    return _("{where}: {name} ({score} % alike)").format(
        where=where, name=short(item.name), score=round(item.score)
    )


def changes_text(config: Config, action: Action, *, quoted: bool = False) -> list[str]:
    """``Telefon: +49 611 1 → +49 611 2`` for each field the row changes."""
    from mokoord.exchange.plan import change_label, value_text

    return [
        _("{field}: {old} → {new}").format(
            field=change_label(action.kind, key),
            old=value_text(config, action.kind, key, old, width=200 if quoted else 40),
            new=value_text(config, action.kind, key, new, width=200 if quoted else 40),
        )
        for key, (old, new) in action.changes.items()
    ]


# --------------------------------------------------------------------------- the plan


def sheet_line(plan: Plan) -> str:
    """``vereine.csv (cp1252, Semikolon): organisations; columns: Verein → name, …``."""
    from mokoord.exchange.mapping import kind_label
    from mokoord.exchange.plan import CONTACT_PATHS, ORG_PATHS, target_label
    from mokoord.models import Contact, Organisation

    model, paths = (
        (Organisation, ORG_PATHS) if plan.kind == "organisations" else (Contact, CONTACT_PATHS)
    )
    delimiters = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
    how = ", ".join(
        part
        for part in (
            plan.table.encoding,
            delimiters.get(plan.table.delimiter or "", ""),
            _("sheet {name}").format(name=plan.table.sheet) if plan.table.sheet else "",
        )
        if part
    )
    mapped = ", ".join(
        f"{header} → {target_label(model, paths, target)}"
        for header, target in zip(plan.mapping.headers, plan.mapping.targets, strict=True)
        if target
    )
    return _("{file} ({how}): {kind}; columns: {columns}").format(
        file=plan.table.path, how=how, kind=kind_label(plan.kind), columns=mapped
    )


def print_plan(plan: Plan, config: Config, *, dry_run: bool, problems_only: bool = False) -> None:
    """The plan on stdout: the sheet, a row per action, look-alikes, problems."""
    from mokoord.cli._common import console, print_problems

    out = console()
    if not problems_only:
        out.print(sheet_line(plan), soft_wrap=True, markup=False)
        shown = [a for a in plan.actions if a.action != "unchanged" or dry_run]
        if shown:
            out.print(_plan_table(shown, config))
        print_possible_duplicates(plan)
    if plan.problems:
        print_problems(plan.problems)


def _plan_table(shown: list[Action], config: Config) -> Any:
    """A row per action: the row, the action, and the record (its id, never cut, with
    its kind and name) over the details."""
    from rich.markup import escape
    from rich.table import Table

    from mokoord.exchange.plan import match_text

    table = Table(box=None, pad_edge=False)
    table.add_column(_("row"), no_wrap=True)
    table.add_column(_("action"), no_wrap=True)
    table.add_column(_("record and details"))
    for action in shown:
        what = kind_word(action.kind)
        if action.name and action.kind == "organisation":
            what = _("{kind}: {name}").format(kind=what, name=action.name)
        record = f"[bold]{escape(action.id)}[/] {escape(what)}" if action.id else escape(what)
        if action.changes:
            details = "; ".join(changes_text(config, action))
        elif action.similar:
            details = _("possibly the same as {similar} — please check").format(
                similar=similar_text(action.similar[0])
            )
        elif action.reason:
            details = action.reason
        else:
            found = match_text(action.match)
            details = _("found by {how}").format(how=found) if found else ""
        table.add_row(
            str(action.row),
            f"[{STYLES[action.action]}]{escape(action_word(action.action))}[/]",
            record + (f"\n  [dim]{escape(details)}[/]" if details else ""),
        )
    return table


def print_possible_duplicates(plan: Plan) -> None:
    """Each new record that looks like another, with both rows: for a person to check."""
    from mokoord.cli._common import console

    listed = plan.possible_duplicates
    if not listed:
        return
    out = console()
    out.print(
        "\n[yellow]" + _("Possibly the same — please check (imported as new records):") + "[/]",
        highlight=False,
    )
    for action in listed:
        out.print(
            "  " + _("row {row}: {record}").format(row=action.row, record=record_of(action)),
            highlight=False,
            markup=False,
        )
        for item in action.similar:
            out.print("      ~ " + similar_text(item), highlight=False, markup=False)


def finish(plan: Plan, *, dry_run: bool, commit: str | None, saved: Path | None) -> None:
    """The last lines on stderr: the mapping saved, what was (or would be) imported."""
    from mokoord.cli._common import done, err_console
    from mokoord.exchange.plan import summary_text

    if saved is not None:
        done(_("mapping saved to {path}").format(path=saved))
    text = summary_text(plan.summary())
    if dry_run:
        message = _("dry run: {summary}; nothing was written").format(summary=text)
        err_console().print(message, soft_wrap=True, markup=False, highlight=False)
    elif commit:
        done(_("imported: {summary} (commit {commit})").format(summary=text, commit=commit[:8]))
    elif plan.writes:
        done(_("imported: {summary} (not committed)").format(summary=text))
    else:
        done(_("nothing to change: {summary}").format(summary=text))
