"""Events, training series, cooperations, networks, the calendar and rooms."""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli import prompts
from mokoord.cli._app import app
from mokoord.cli._common import (
    NoCommitOption,
    done,
    parse_date_option,
    parse_time_option,
    run_plan,
    state,
)
from mokoord.cli._output import CsvOption, FormatOption, JsonOption, Output, OutputOption

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.models import Config
    from mokoord.plans import Plan
    from mokoord.series import Series

PANEL = "Events and cooperation"

YearOption = Annotated[int | None, typer.Option("--year", "-y", help="Only events of this year.")]


# =========================================================================== events


@app.command("add-event", rich_help_panel=PANEL)
def add_event(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="training, exchange, network, info or festival (event_kinds)."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the event.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date (2023-03-14 or 14.03.2023).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day of a multi-day event.")] = None,
    time: Annotated[
        str | None,
        typer.Option("--time", help="Start time (18:00) in the store's time zone; else all-day."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="End time (20:00) on the last day; needs --time.")
    ] = None,
    series: Annotated[
        str | None,
        typer.Option("--series", help="Training series (Qualifizierungsreihe) it belongs to."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", "-t", help="Topic (vocabulary topics); repeatable."),
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where, as text.")] = None,
    place_org: Annotated[
        str | None, typer.Option("--place-org", help="Organisation whose rooms host it.")
    ] = None,
    org: Annotated[
        list[str] | None,
        typer.Option("--org", help="Participating organisation id; repeat for several."),
    ] = None,
    organiser: Annotated[
        list[str] | None,
        typer.Option("--organiser", help="Organising organisation or institution; repeatable."),
    ] = None,
    participants: Annotated[
        int | None,
        typer.Option("--participants", min=0, help="Total head count (people from anywhere)."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="What is to follow up after the event.")
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record an event: a training session, exchange format, network meeting, info event or festival.

    The id is <date>-<title> (events/<year>/<id>.yaml). Sessions of a training
    series share --series; participating organisations are --org (repeat it),
    head counts per organisation are added with [bold]mokoord attend[/]. An
    event after today is planned: its organisations are expected, not counted
    until they are confirmed with [bold]mokoord attend[/] after the event.

    Without --time it is an all-day event; --time 18:00 --until 20:00 gives
    its hours (in the store's time zone, mokoord.yaml "timezone").

    Example: [bold]mokoord add-event --kind Qualifizierung --series "Vereinsarbeit kompakt"
    --title "Vereinsrecht" --date 14.03.2023 --time 18:00 --until 20:00
    --place-org elternverein-biebrich --org elternverein-biebrich
    --org kulturverein-anatolia --participants 18[/]
    """
    from mokoord.activities import EventRequest, plan_event
    from mokoord.i18n import _
    from mokoord.lookup import lookup

    store = state(ctx).store()
    request = EventRequest(
        kind=_event_kind(store.config, kind),
        title=prompts.require(title, "--title", _("Title")),
        date=_date(prompts.require(date, "--date", _("Date (e.g. 14.03.2023)")), "--date"),
        today=dt.date.today(),
        end=parse_date_option(end, "--end"),
        time=parse_time_option(time, "--time"),
        until=parse_time_option(until, "--until"),
        series=series,
        topics=tuple(topic or ()),
        place=place,
        place_org=place_org,
        organisations=tuple(org or ()),
        organisers=tuple(organiser or ()),
        participants=participants,
        notes=notes,
        follow_up=follow_up,
    )

    def make() -> "Plan":
        data = lookup(store, ("organisation", "institution"))
        return plan_event(data, request, store.taken("event"))

    typer.echo(run_plan(store, make, commit=not no_commit).result.id)


def _event_kind(config: "Config", kind: str | None) -> str:
    """``--kind`` as given; at a terminal chosen from the store's kinds of event."""
    from mokoord.errors import UsageError
    from mokoord.i18n import _
    from mokoord.vocab import choices, terms

    if kind is None and prompts.interactive():
        kind = prompts.choose(
            _("Kind of event:"), choices(config, "event_kinds"), terms=terms(config, "event_kinds")
        )
    if kind is None:
        raise UsageError(_("missing {flag} (no terminal to ask)").format(flag="--kind"))
    return kind


def _date(text: str, flag: str) -> dt.date:
    day = parse_date_option(text, flag)
    assert day is not None
    return day


@app.command(rich_help_panel=PANEL)
def attend(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="EVENT_ID", help="The event's id.")],
    org: Annotated[
        list[str] | None,
        typer.Option("--org", help="Attending organisation id; repeatable (without --people)."),
    ] = None,
    people: Annotated[
        int | None,
        typer.Option("--people", min=0, help="How many people came from this organisation."),
    ] = None,
    planned: Annotated[
        bool,
        typer.Option(
            "--planned", help="The event is still to come: record expected participation."
        ),
    ] = False,
    no_commit: NoCommitOption = False,
) -> None:
    """Record that an organisation took part in an event, with its head count.

    Adds the organisation to the event's attendance, or updates its head
    count when it is listed already. One commit. Before the event, --planned
    records who is expected; that counts only once confirmed after the event.

    Example: [bold]mokoord attend 2023-03-14-vereinsrecht --org elternverein-biebrich --people 4[/]
    """
    from mokoord.activities import AttendRequest, check_attend_request, plan_attendance
    from mokoord.lookup import lookup
    from mokoord.models import Event

    request = AttendRequest(
        event_id, tuple(org or ()), today=dt.date.today(), people=people, planned=planned
    )
    check_attend_request(request)
    store = state(ctx).store()

    def make() -> "Plan":
        event = store.get(Event, event_id)
        return plan_attendance(event, lookup(store, ("organisation", "institution")), request)

    run_plan(store, make, commit=not no_commit)


@app.command(rich_help_panel=PANEL)
def events(
    ctx: typer.Context,
    year: YearOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only events this organisation took part in.")
    ] = None,
    series: Annotated[
        str | None,
        typer.Option("--series", help="Attendance across the sessions of a training series."),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List events, or show attendance across a training series.

    With --series NAME: one row per organisation, one column per session, and
    how many sessions each organisation attended. Events after today are
    planned: they are listed, but not counted as held.

    Example: [bold]mokoord events --year 2023 --kind Qualifizierung[/];
    [bold]mokoord events --series "Vereinsarbeit kompakt"[/]
    """
    from mokoord import activities
    from mokoord.cli._output import emit_listing
    from mokoord.cli.views.events import EVENTS
    from mokoord.i18n import _
    from mokoord.series import series_attendance
    from mokoord.vocab import resolve

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "institution", "event"))
    activities.check_year(year)
    today = dt.date.today()
    if series is not None:
        _series(series_attendance(data, series, today=today, year=year), data, out)
        return
    wanted = resolve(data.config, "event_kinds", kind, flag="--kind") if kind else None
    if org is not None:
        activities.require_org(data, org)
    found = activities.filter_events(data, year=year, kind=wanted, org=org)
    emit_listing(
        EVENTS,
        activities.event_rows(data, found, today),
        out,
        config=data.config,
        empty=_("no events match"),
        summary=activities.events_summary(found, today),
    )


def _series(result: "Series", data: "Dataset", out: Output) -> None:
    from mokoord.cli._output import emit, emit_data
    from mokoord.cli.views.events import series_legend, series_view
    from mokoord.series import series_rows

    if out.format == "json":
        emit_data(result.as_json(), out)
        return
    emit(series_view(result), series_rows(result), out, config=data.config)
    if out.format == "table" and out.path is None:
        typer.echo("\n".join(series_legend(result)), err=True)


# =========================================================================== cooperations


@app.command("add-cooperation", rich_help_panel=PANEL)
def add_cooperation(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="The organisation's id.")] = None,
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="Partner: the id of an organisation or of an institution."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Start date.")] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="What the cooperation is about.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="End date, if it ended.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a cooperation of an organisation with an institution or another organisation.

    "New cooperations" is an indicator of the yearly evaluation. Declined
    organisations (§2.4) cannot cooperate.

    Example: [bold]mokoord add-cooperation --org elternverein-biebrich --partner kulturamt
    --since 01.09.2023 --topic "Sommerfest im Schlosspark"[/]
    """
    from mokoord.cooperation import CooperationRequest, plan_cooperation
    from mokoord.i18n import _
    from mokoord.lookup import lookup

    store = state(ctx).store()
    request = CooperationRequest(
        organisation=prompts.require(org, "--org", _("Organisation id")),
        partner=prompts.require(
            partner, "--partner", _("Partner (organisation or institution id)")
        ),
        since=_date(prompts.require(since, "--since", _("Since (date)")), "--since"),
        topic=prompts.require(topic, "--topic", _("Topic")),
        until=parse_date_option(until, "--until"),
        notes=notes,
    )

    def make() -> "Plan":
        data = lookup(store, ("organisation", "institution"))
        return plan_cooperation(data, request, store.taken("cooperation"))

    typer.echo(run_plan(store, make, commit=not no_commit).result.id)


@app.command(rich_help_panel=PANEL)
def cooperations(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="Cooperations running in this year (new ones marked)."),
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List cooperations; with --year those running in that year, the new ones marked.

    Example: [bold]mokoord cooperations --year 2023[/]
    """
    from mokoord import cooperation
    from mokoord.cli._output import emit_listing
    from mokoord.cli.views.events import COOPERATIONS
    from mokoord.i18n import _

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "institution", "cooperation"))
    found = cooperation.filter_cooperations(data, year=year, org=org)
    rows = [cooperation.cooperation_row(data, coop, year) for coop in found]
    emit_listing(
        COOPERATIONS,
        rows,
        out,
        config=data.config,
        empty=_("no cooperations match"),
        summary=cooperation.cooperations_summary(rows, year),
    )


# =========================================================================== networks


@app.command("add-network", rich_help_panel=PANEL)
def add_network(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Name of the network.")] = None,
    network_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the name).")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="network (local network) or umbrella (umbrella body).")
    ] = "network",
    level: Annotated[
        str,
        typer.Option("--level", help="local, regional, state, federal or international."),
    ] = "local",
    rhythm: Annotated[
        str | None,
        typer.Option(
            "--rhythm",
            "--meeting-rhythm",
            help="How often it meets: weekly, monthly, every two months, quarterly, "
            "twice a year, yearly, irregularly, as needed; or other words.",
        ),
    ] = None,
    contact_institution: Annotated[
        str | None,
        typer.Option("--contact-institution", help="Institution id that coordinates it."),
    ] = None,
    website: Annotated[str | None, typer.Option("--website", help="Web address.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    member: Annotated[
        list[str] | None,
        typer.Option("--member", help="Member organisation id; repeatable (sets its networks)."),
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a network or umbrella body (§2.3) and, with --member, its member organisations.

    Membership is kept in each organisation's networks field; --member adds
    the network there, in the same commit. Later members: [bold]mokoord set ORG
    networks …[/] or edit organisations/<id>.yaml.

    Example: [bold]mokoord add-network --name "Netzwerk Islamischer Gemeinden"
    --rhythm vierteljährlich --member moscheeverein-mitte --member ditib-biebrich[/]
    """
    from mokoord.cooperation import NetworkRequest, plan_network
    from mokoord.i18n import _
    from mokoord.lookup import lookup

    store = state(ctx).store()
    request = NetworkRequest(
        name=prompts.require(name, "--name", _("Name of the network")),
        id=network_id,
        kind=kind,
        level=level,
        rhythm=rhythm,
        contact_institution=contact_institution,
        website=website,
        notes=notes,
        members=tuple(member or ()),
    )

    def make() -> "Plan":
        data = lookup(store, ("organisation", "institution"))
        return plan_network(data, request, store.taken("network"))

    typer.echo(run_plan(store, make, commit=not no_commit).result.id)


@app.command(rich_help_panel=PANEL)
def networks(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List networks and umbrella bodies with their meeting rhythm and members.

    Members are the organisations that name the network in their networks field.

    Example: [bold]mokoord networks --format csv --output netzwerke.csv[/]
    """
    from mokoord.cli._output import emit_listing
    from mokoord.cli.views.events import NETWORKS
    from mokoord.cooperation import network_rows
    from mokoord.i18n import _

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "network"))
    emit_listing(
        NETWORKS,
        network_rows(data),
        out,
        config=data.config,
        empty=_("no networks recorded; add one with `mokoord add-network`"),
    )


# =========================================================================== calendar


@app.command("calendar", rich_help_panel=PANEL)
def calendar(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The .ics file to write ('-' for stdout)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Only entries on or after this date.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Only entries on or before this date.")
    ] = None,
) -> None:
    """Write events, follow-ups and funding deadlines as an iCalendar (.ics) file.

    Outlook, Thunderbird and phone calendars import it. Every entry has a
    stable UID, so importing a newer export updates the entries instead of
    doubling them. Entries are all-day, except events with a time
    (add-event --time 18:00 --until 20:00), written in the store's time zone.

    Example: [bold]mokoord calendar --output termine.ics --from 01.01.2024[/]
    """
    import sys

    from mokoord import calendar as ical
    from mokoord.errors import UsageError
    from mokoord.faults import write_output
    from mokoord.i18n import _

    if output is None:
        raise UsageError(_("missing --output FILE.ics"))
    first, last = parse_date_option(start, "--from"), parse_date_option(end, "--to")
    if first and last and last < first:
        raise UsageError(_("--to lies before --from"))
    data = state(ctx).load()
    items = ical.entries(data, start=first, end=last)
    content = ical.to_ical(
        items, name=f"{data.config.office} {data.config.city}", timezone=data.config.timezone
    )
    if str(output) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    if output.is_dir():
        raise UsageError(
            _("--output: {path} is a folder; name a file such as termine.ics").format(path=output)
        )
    write_output(output, content)
    done(_("{file}: {entries}").format(file=output, entries=ical.entries_summary(items)))


# =========================================================================== rooms


@app.command(rich_help_panel=PANEL)
def rooms(
    ctx: typer.Context,
    district: Annotated[str | None, typer.Option("--district", help="Only this district.")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Organisations that need rooms next to those that offer theirs, by district.

    "Need" is an open need of category rooms; "offer" is rooms.offered_to_others.
    Declined, dissolved and inactive organisations are left out.

    Example: [bold]mokoord rooms --district Biebrich[/]
    """
    from mokoord.cli._output import emit_listing
    from mokoord.cli.views.events import ROOMS
    from mokoord.cooperation import room_rows, rooms_summary
    from mokoord.i18n import _
    from mokoord.vocab import resolve

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation",))
    wanted = resolve(data.config, "districts", district, flag="--district") if district else None
    rows = room_rows(data, district=wanted)
    emit_listing(
        ROOMS,
        rows,
        out,
        config=data.config,
        empty=_("no organisation needs or offers rooms"),
        summary=rooms_summary(rows),
    )
