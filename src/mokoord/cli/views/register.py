"""Views of the register: ``list``, ``search`` and ``history``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mokoord.cli._output import Column, View
from mokoord.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from mokoord.history import Entry


def _stale(row: dict[str, Any]) -> str | None:
    return "yellow" if row.get("stale") else None


ORGANISATIONS = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("name", N_("Name"), "name"),
        Column("effective_status", N_("Status"), "term", vocabulary="statuses"),
        Column("district", N_("District"), "term", vocabulary="districts", drop=3),
        Column("fields", N_("Fields of activity"), "terms", vocabulary="fields", drop=4),
        Column("languages", N_("Languages"), "terms", vocabulary="languages", drop=5),
        Column("open_needs", N_("Open needs"), "terms", vocabulary="need_categories", drop=2),
        Column("persons", N_("Persons"), "int", drop=6),
        Column("last_verified", N_("Verified"), "date", drop=1, style=_stale),
    ),
    title=lambda n: ngettext("{n} organisation", "{n} organisations", n).format(n=n),
)
"""``mokoord list``: the status shown is the effective one (from the contact log
where the file says "known"), as in ``show`` and the report."""

MATCHED: dict[str, str] = {
    "name": N_("name"),
    "alias": N_("other name"),
    "id": N_("id"),
    "goals": N_("goals"),
    "notes": N_("notes"),
}
"""Where ``search`` found the words (``matched`` of its JSON), as people read it."""


def _matched(row: dict[str, Any]) -> list[str]:
    shown = []
    for where in row["matched"]:
        if where.startswith("person "):
            shown.append(_("contact person {id}").format(id=where.split(" ", 1)[1]))
        else:
            shown.append(_(MATCHED.get(where, where)))
    return shown


FOUND = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("name", N_("Name"), "name"),
        Column("effective_status", N_("Status"), "term", vocabulary="statuses"),
        Column("matched", N_("Found in"), "text", drop=1, value=_matched),
    ),
    title=lambda n: ngettext("{n} organisation found", "{n} organisations found", n).format(n=n),
)
"""``mokoord search``, best match first."""


def print_history(out: Console, entries: list[Entry]) -> None:
    """``mokoord history``: each commit (date and time, author, commit and message),
    then its changes field by field."""
    from rich.markup import escape

    from mokoord import formatting as fmt

    for entry in entries:
        when = f"{fmt.date(entry.date.date())} {entry.date:%H:%M}"
        out.print(
            f"[bold]{when}[/]  {escape(entry.author)}  "
            f"[dim]{entry.commit[:8]} {escape(entry.message)}[/]",
            soft_wrap=True,
        )
        for line in entry.changes:
            out.print(f"    {escape(line)}", soft_wrap=True)
