"""Views of contacts and referrals: ``contacts``, ``referrals``, ``institutions``
and the ``agenda``.

The rows come from the library (:func:`mokoord.contacts.contact_row`,
:func:`mokoord.referrals.referral_row`, :func:`mokoord.institutions.institution_rows`,
:func:`mokoord.agenda.agenda_rows`); here they get German (or English)
headers, labels for terms and words for day counts.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mokoord.cli._output import Column, Output, View
from mokoord.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from mokoord.models import Config


def _date(value: str) -> str:
    import datetime as dt

    from mokoord import formatting

    return formatting.date(dt.date.fromisoformat(value))


# --------------------------------------------------------------------------- contacts


def _open(row: dict[str, Any]) -> str:
    """What is still open about a contact: planned, a follow-up, pending referrals."""
    items = []
    if row["planned"]:
        items.append(_("planned"))
    follow = row["follow_up"]
    if follow and not follow["done"]:
        items.append(_("follow-up {date}").format(date=_date(follow["date"])))
    pending = [r["institution_name"] for r in row["referrals"] if r["outcome"] == "pending"]
    if pending:
        items.append("→ " + ", ".join(pending))
    return "; ".join(items)


def _referrals(row: dict[str, Any]) -> str:
    """Each referral's institution with its outcome: "Kulturamt (wahrgenommen)"."""
    from mokoord.models.meta import FIXED_VOCABULARIES

    outcomes = FIXED_VOCABULARIES["outcomes"]
    return ", ".join(
        f"{r['institution_name']} ({_(outcomes.get(r['outcome'], r['outcome']))})"
        for r in row["referrals"]
    )


CONTACTS = View(
    columns=(
        Column("date", N_("Date"), "date"),
        Column("id", N_("Id"), "id"),
        Column("organisation_names", N_("Organisations"), "text"),
        Column("channel", N_("Channel"), "term", vocabulary="channels", drop=3),
        Column("summary", N_("Summary"), "text", drop=1),
        Column("open", N_("Open"), "text", drop=2, value=_open),
        Column("topics", N_("Topics"), "terms", vocabulary="topics", drop=4),
        Column("referrals", N_("Referrals"), "text", drop=5, value=_referrals),
        Column("initiated_by", N_("Initiated by"), "term", vocabulary="initiators", drop=6),
        Column("coordinator", N_("Coordinator"), "text", drop=7),
    ),
    title=lambda n: ngettext("{n} contact", "{n} contacts", n).format(n=n),
)
"""``mokoord contacts``: rows of :func:`mokoord.contacts.contact_row`."""


# --------------------------------------------------------------------------- referrals


def _institution(row: dict[str, Any]) -> str:
    return str(row.get("institution_name") or row["institution"])


REFERRALS = View(
    columns=(
        Column("date", N_("Date"), "date", drop=4),  # the contact's id begins with it
        Column("contact", N_("Contact"), "id"),
        Column("organisation_names", N_("Organisations"), "text"),
        Column("institution", N_("Referred to"), "text", value=_institution),
        Column("outcome", N_("Outcome"), "term", vocabulary="outcomes"),
        Column("reason", N_("Reason"), "text", drop=2),
        Column("outcome_date", N_("Date of the outcome"), "date", drop=3),
        Column("days_pending", N_("Days pending"), "int", drop=1),
    ),
    title=lambda n: ngettext("{n} referral", "{n} referrals", n).format(n=n),
)
"""``mokoord referrals``: rows of :func:`mokoord.referrals.referral_row`."""


# --------------------------------------------------------------------------- institutions


INSTITUTIONS = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("name", N_("Name"), "name"),
        Column("kind", N_("Kind"), "term", vocabulary="institution_kinds", drop=2),
        Column("department", N_("Department"), "text", drop=3),
        Column("referrals", N_("Referrals"), "int", drop=1),
        Column("pending", N_("Pending"), "int", drop=1),
        Column("district", N_("District"), "term", vocabulary="districts", drop=4),
        Column("email", N_("E-mail"), "text", drop=5),
        Column("phone", N_("Phone"), "phone", drop=6),
        Column("website", N_("Website"), "text", drop=7),
    ),
    title=lambda n: ngettext("{n} institution", "{n} institutions", n).format(n=n),
)
"""``mokoord institutions``: rows of :func:`mokoord.institutions.institution_json`."""


# --------------------------------------------------------------------------- agenda


def _in_days(days: int) -> str:
    if days == 0:
        return _("today")
    if days < 0:
        return ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def _when(row: dict[str, Any]) -> str:
    """How far away an agenda item is, in words ("überfällig seit 12 Tagen")."""
    days = row["days"]
    section = row["section"]
    if section in ("follow_up", "planned"):
        text = _in_days(days)
        return text + " (!)" if row["state"] == "long_overdue" else text
    if section == "referral":
        return ngettext("pending for {n} day", "pending for {n} days", days).format(n=days)
    if days is None:
        return _("no contact logged")
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def _urgency(row: dict[str, Any]) -> str | None:
    return {"long_overdue": "bold red", "overdue": "yellow"}.get(row["state"] or "")


_WHEN = Column("when", N_("When"), "text", value=_when, style=_urgency)
_ORGANISATIONS = Column("organisations", N_("Organisations"), "text")
_CONTACT = Column("id", N_("Contact"), "id")

AGENDA_FOLLOW_UPS = View(
    columns=(
        Column("date", N_("Due"), "date", drop=2),
        _WHEN,
        _ORGANISATIONS,
        Column("task", N_("Task"), "text", drop=1),
        _CONTACT,
    )
)
AGENDA_PLANNED = View(
    columns=(
        Column("date", N_("Date"), "date", drop=3),
        _WHEN,
        _ORGANISATIONS,
        Column("channel", N_("Channel"), "term", vocabulary="channels", drop=2),
        Column("task", N_("Summary"), "text", drop=1),
        _CONTACT,
    )
)
AGENDA_REFERRALS = View(
    columns=(
        Column("date", N_("Date"), "date", drop=2),
        _WHEN,
        _ORGANISATIONS,
        Column("institution", N_("Referred to"), "text"),
        Column("reason", N_("Reason"), "text", drop=1),
        _CONTACT,
    )
)
AGENDA_QUIET = View(
    columns=(
        Column("id", N_("Id"), "id"),
        Column("organisations", N_("Organisation"), "name"),
        Column("date", N_("Last contact"), "date", drop=1),
        _WHEN,
    )
)

SECTION_NAMES: dict[str, str] = {
    "follow_up": N_("Follow-up"),
    "planned": N_("Planned appointment"),
    "referral": N_("Referral pending"),
    "quiet": N_("Gone quiet"),
}

AGENDA_SHEET = View(
    columns=(
        Column("section", N_("Part"), "text", value=lambda row: _(SECTION_NAMES[row["section"]])),
        Column("date", N_("Date"), "date"),
        _WHEN,
        _ORGANISATIONS,
        Column("task", N_("Task"), "text"),
        Column("channel", N_("Channel"), "term", vocabulary="channels"),
        Column("institution", N_("Referred to"), "text"),
        Column("reason", N_("Reason"), "text"),
        Column("id", N_("Id"), "id"),
    )
)
"""The agenda as one sheet (``agenda --csv``): every part, one row per item."""


def agenda_sections(days: int, config: Config) -> list[tuple[str, View]]:
    """Each part of the agenda with its view, titled as the settings say."""
    settings = config.settings
    titles = {
        "follow_up": ngettext(
            "Follow-ups due within {n} day or overdue",
            "Follow-ups due within {n} days or overdue",
            days,
        ).format(n=days),
        "planned": ngettext(
            "Planned appointments within {n} day", "Planned appointments within {n} days", days
        ).format(n=days),
        "referral": ngettext(
            "Referrals pending longer than {n} day",
            "Referrals pending longer than {n} days",
            settings.referral_pending_days,
        ).format(n=settings.referral_pending_days),
        "quiet": ngettext(
            "Cooperating organisations without a contact for {n} day",
            "Cooperating organisations without a contact for {n} days",
            settings.quiet_after_days,
        ).format(n=settings.quiet_after_days),
    }
    views = {
        "follow_up": AGENDA_FOLLOW_UPS,
        "planned": AGENDA_PLANNED,
        "referral": AGENDA_REFERRALS,
        "quiet": AGENDA_QUIET,
    }
    return [(section, _titled(view, titles[section])) for section, view in views.items()]


def _titled(view: View, title: str) -> View:
    return replace(view, title=lambda _n: title)


def emit_agenda(
    document: dict[str, Any], rows: list[dict[str, Any]], output: Output, *, config: Config
) -> None:
    """The agenda as ``output`` asks: ``document`` as JSON, one sheet as CSV, or a
    table for each part that has something in it."""
    from mokoord.cli._common import json_text, write_output
    from mokoord.cli._output import emit

    if output.format == "json":
        content = json_text(document).encode("utf-8")
        if output.path is not None:
            write_output(output.path, content)
        else:
            sys.stdout.write(content.decode("utf-8"))
            sys.stdout.flush()
        return
    if output.format == "csv":
        emit(AGENDA_SHEET, rows, output, config=config)
        return
    _agenda_tables(rows, output, days=int(document["days"]), config=config)


def _agenda_tables(
    rows: list[dict[str, Any]], output: Output, *, days: int, config: Config
) -> None:
    from mokoord.cli._common import console, plain_stdout_width, write_output, write_stdout

    if output.path is None:
        width = plain_stdout_width()
        plain = None if width is None else _agenda_text(rows, days, config, width)
        if plain is not None:  # into a pipe or a file: no rich console needed
            write_stdout(plain)
        else:
            _print_agenda(console(), rows, days, config)
        return
    from rich.console import Console

    text = Console(width=120, highlight=False, soft_wrap=False, color_system=None)
    with text.capture() as captured:
        _print_agenda(text, rows, days, config)
    write_output(output.path, captured.get().encode("utf-8"))


def _nothing_due(days: int) -> str:
    nothing = ngettext(
        "Nothing due in the next {n} day.", "Nothing due in the next {n} days.", days
    )
    return nothing.format(n=days) + " ✓"


def _agenda_text(rows: list[dict[str, Any]], days: int, config: Config, width: int) -> str | None:
    """The lines :func:`_print_agenda` prints without styles, made without rich's
    console; ``None`` where only rich can lay them out (a line or table too wide)."""
    from mokoord.cli._grid import Grid
    from mokoord.cli._output import table_of

    if not rows:
        nothing = _nothing_due(days)
        return nothing + "\n" if len(nothing) <= width else None
    tables = []
    for section, view in agenda_sections(days, config):
        part = [row for row in rows if row["section"] == section]
        if part:
            table = table_of(view, part, config, width=width)
            if not isinstance(table, Grid):
                return None
            tables.append(table.text())
    return "\n".join(tables)  # an empty line between the parts, as rich prints them


def _print_agenda(out: Console, rows: list[dict[str, Any]], days: int, config: Config) -> None:
    from mokoord.cli._output import print_table, table_of

    if not rows:
        out.print(_nothing_due(days))
        return
    shown = False
    for section, view in agenda_sections(days, config):
        part = [row for row in rows if row["section"] == section]
        if part:
            if shown:
                out.print()
            print_table(out, table_of(view, part, config, width=out.width))
            shown = True
