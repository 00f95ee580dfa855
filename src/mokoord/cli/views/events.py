"""Views of events, training series, cooperations, networks and rooms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mokoord.cli._output import Column, View
from mokoord.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from mokoord.series import Series


def _title(row: dict[str, Any]) -> str:
    title = str(row["title"])
    series = row.get("series")
    return f"{title} ({series})" if series and series not in title else title


def _held(row: dict[str, Any]) -> str:
    return _("held") if row["held"] else _("planned")


def _planned_style(row: dict[str, Any]) -> str | None:
    return None if row["held"] else "dim"


EVENTS = View(
    columns=(
        Column("date", N_("Date"), "date", drop=6),  # the id begins with it
        Column("end", N_("Last day"), "date", drop=5),
        Column("id", N_("Id"), "id"),
        Column("title", N_("Event"), "name", value=_title),
        Column("kind", N_("Kind"), "term", vocabulary="event_kinds", drop=3),
        Column("organisations", N_("Organisations"), "int", drop=4),
        Column("participants", N_("Participants"), "int", drop=2),
        Column("held", N_("Status"), "term", value=_held, style=_planned_style, drop=1),
    ),
    title=lambda n: ngettext("{n} event", "{n} events", n).format(n=n),
)
"""``mokoord events``."""


def series_view(series: Series) -> View:
    """``mokoord events --series NAME``: one column per session, numbered as in
    :func:`series_legend` (the head count an organisation sent, or ✓ when it is
    not known)."""
    columns = [Column("name", N_("Organisation"), "text")]
    for number, session in enumerate(series.sessions, 1):
        columns.append(
            Column(
                session.id,
                f"{number}.",
                "term",
                value=_session(session.id),
            )
        )
    columns += [
        Column("sessions", N_("Sessions"), "term"),
        Column("people", N_("People"), "int"),
    ]
    return View(columns=columns, title=lambda _n: series.name)


def _session(session_id: str) -> Callable[[dict[str, Any]], str]:
    """The cell of one session: the head count sent, ✓ when it is not known."""

    def cell(row: dict[str, Any]) -> str:
        value = row["attended"].get(session_id)
        if value is None or value is False:
            return ""
        return "✓" if value is True else str(value)

    return cell


def series_legend(series: Series) -> list[str]:
    """``1. 14.03.2023 Vereinsrecht (2023-03-14-vereinsrecht)`` for every session,
    the planned ones marked."""
    from mokoord import formatting
    from mokoord.activities import is_held

    lines = []
    for number, session in enumerate(series.sessions, 1):
        text = f"{number}. {formatting.date(session.date)} {session.title} ({session.id})"
        if not is_held(session, series.today):
            text = _("{session} – planned").format(session=text)
        lines.append(text)
    return lines


def _new(row: dict[str, Any]) -> str:
    return _("new") if row["new"] else ""


COOPERATIONS = View(
    columns=(
        Column("since", N_("Since"), "date"),
        Column("until", N_("Until"), "date", drop=3),
        Column("organisation_name", N_("Organisation"), "text"),
        Column("partner_name", N_("Partner"), "text"),
        Column("topic", N_("Topic"), "text", drop=2),
        Column("new", N_("New"), "text", value=_new, drop=1),
        Column("id", N_("Id"), "id", drop=4),
    ),
    title=lambda n: ngettext("{n} cooperation", "{n} cooperations", n).format(n=n),
)
"""``mokoord cooperations``."""


NETWORKS = View(
    columns=(
        Column("name", N_("Network"), "text"),
        Column("id", N_("Id"), "id", drop=3),
        Column("kind", N_("Kind"), "term", vocabulary="network_kinds", drop=4),
        Column("level", N_("Level"), "term", vocabulary="levels", drop=5),
        Column("meeting_rhythm", N_("Meets"), "term", vocabulary="meeting_rhythms", drop=2),
        Column(
            "members",
            N_("Members"),
            "text",
            value=lambda row: [member["name"] for member in row["members"]],
            drop=1,
        ),
    ),
    title=lambda n: ngettext("{n} network", "{n} networks", n).format(n=n),
)
"""``mokoord networks``."""


def _names(key: str) -> Callable[[dict[str, Any]], str]:
    """One organisation's name a line."""
    return lambda row: "\n".join(org["name"] for org in row[key])


ROOMS = View(
    columns=(
        Column("district_label", N_("District"), "text"),
        Column("need", N_("Need rooms"), "text", value=_names("need")),
        Column("offer", N_("Offer rooms"), "text", value=_names("offer")),
    ),
)
"""``mokoord rooms``: by district, the organisations that need rooms and those
that offer theirs (by name; ``--json`` has their ids)."""
