"""Views of funding programmes and applications."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mokoord.cli._output import Column, View
from mokoord.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from decimal import Decimal

    from mokoord.models import Application, Config


def _limit(amount: Decimal | None, per: str) -> str:
    from mokoord.formatting import money
    from mokoord.funding import period_label

    if amount is None:
        return ""
    return _("{amount} {period}").format(amount=money(amount), period=period_label(per))


def _eligible(row: dict[str, Any]) -> list[str]:
    return list(row["eligible_legal_forms"]) or [_("any legal form")]


def _deadline(row: dict[str, Any]) -> str:
    from mokoord.formatting import date

    if row["deadline"] is None:
        return ""
    text = _("next {date}") if row["deadline_ahead"] else _("last {date}")
    return text.format(date=date(row["deadline"]))


PROGRAMME_LINES = View(
    columns=(
        Column("programme_name", N_("Programme"), "text"),
        Column("programme", N_("Id"), "id", drop=6),
        Column("line_name", N_("Funding line"), "text"),
        Column("kind", N_("Kind"), "term", vocabulary="line_kinds", drop=5),
        Column(
            "max_amount",
            N_("Limit"),
            "term",
            value=lambda r: _limit(r["max_amount"], r["per"]),
            drop=1,
        ),
        Column(
            "max_amount_without_rooms",
            N_("Without own rooms"),
            "term",
            value=lambda r: _limit(r["max_amount_without_rooms"], r["per"]),
            drop=4,
        ),
        Column("eligible_legal_forms", N_("Eligible"), "terms", "legal_forms", 3, _eligible),
        Column("deadline", N_("Deadline"), "term", value=_deadline, drop=2),
    ),
    title=lambda n: ngettext("{n} funding line", "{n} funding lines", n).format(n=n),
)
"""``mokoord programmes``: one row per funding line."""


APPLICATIONS = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("organisation_name", N_("Organisation"), "name"),
        Column("title", N_("Title"), "text", drop=5),
        Column("programme_name", N_("Programme"), "text", drop=7),
        Column("line_name", N_("Funding line"), "text", drop=6),
        Column("year", N_("Year"), "int", drop=4),
        Column("requested", N_("Requested"), "money", drop=2),
        Column("granted", N_("Granted"), "money", drop=3),
        Column("status", N_("Status"), "term", vocabulary="application_statuses", drop=1),
        Column("supported", N_("Supported"), "bool", drop=8),
    ),
    title=lambda n: ngettext("{n} application", "{n} applications", n).format(n=n),
)
"""``mokoord applications``."""


def application_lines(
    row: dict[str, Any], record: Application, config: Config
) -> list[tuple[str, str]]:
    """``mokoord application ID``: (label, value) for every field that holds one."""
    from mokoord import formatting as fmt
    from mokoord.models import Application as Model
    from mokoord.models.meta import field_label_id
    from mokoord.vocab import label

    def named(name: str | None, key: str | None) -> str:
        return f"{name} ({key})" if name and key else key or ""

    values: list[tuple[str, Any]] = [
        ("id", row["id"]),
        ("organisation", named(row["organisation_name"], row["organisation"])),
        ("programme", named(row["programme_name"], row["programme"])),
        ("line", named(row["line_name"], row["line"])),
        ("year", str(row["year"])),
        ("title", row["title"]),
        ("requested", fmt.money(row["requested"])),
        ("months", str(row["months"] or "")),
        ("granted", fmt.money(row["granted"]) if row["granted"] is not None else ""),
        ("status", label(config, "application_statuses", row["status"])),
        ("supported", _("yes") if row["supported"] else _("no")),
        *((key, fmt.date(row[key]) if row[key] else "") for key in _DATES),
        ("notes", record.notes or ""),
    ]
    return [(_(field_label_id(Model, key)), value) for key, value in values if value]


_DATES = ("deadline", "submitted", "decided", "proof_filed")


def print_application(lines: list[tuple[str, str]]) -> None:
    """The lines of :func:`application_lines`, labels right-aligned."""
    from rich.markup import escape

    from mokoord.cli._common import console

    width = max(len(text) for text, _value in lines)
    out = console()
    for text, value in lines:
        out.print(f"[bold]{escape(text):>{width}}[/]  {escape(value)}", soft_wrap=True)
