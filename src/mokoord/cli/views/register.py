"""Views of the register: ``list`` and ``search``."""

from __future__ import annotations

from typing import Any

from mokoord.cli._output import Column, View
from mokoord.i18n import N_, ngettext


def _stale(row: dict[str, Any]) -> str | None:
    return "yellow" if row.get("stale") else None


ORGANISATIONS = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("name", N_("Name"), "name"),
        Column("status", N_("Status"), "term", vocabulary="statuses"),
        Column("district", N_("District"), "term", vocabulary="districts", drop=3),
        Column("fields", N_("Fields of activity"), "terms", vocabulary="fields", drop=4),
        Column("languages", N_("Languages"), "terms", vocabulary="languages", drop=5),
        Column("open_needs", N_("Open needs"), "terms", vocabulary="need_categories", drop=2),
        Column("persons", N_("Persons"), "int", drop=6),
        Column("last_verified", N_("Verified"), "date", drop=1, style=_stale),
    ),
    title=lambda n: ngettext("{n} organisation", "{n} organisations", n).format(n=n),
)
"""``mokoord list``."""
