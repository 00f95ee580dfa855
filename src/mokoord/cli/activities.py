"""Events, training series, cooperations, networks, funding, the calendar and rooms."""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mokoord.cli import prompts
from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    console,
    done,
    err_console,
    parse_date_option,
    parse_time_option,
    print_json,
    state,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from mokoord.dataset import Dataset
    from mokoord.models import Event

EVENTS = "Events and cooperation"
FUNDING = "Funding"

OrgsOption = Annotated[
    list[str] | None,
    typer.Option("--org", help="Participating organisation id; repeat for several."),
]


def _money_option(value: str | None, flag: str) -> "Decimal | None":
    if value is None:
        return None
    from mokoord.errors import UsageError
    from mokoord.money import MoneyError, parse_money

    try:
        return parse_money(value)
    except MoneyError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _year(value: int | None) -> int | None:
    from mokoord.errors import UsageError

    if value is not None and not 1900 <= value <= 2200:
        raise UsageError(f"--year: {value} is not a year")
    return value


def _lang(data: "Dataset") -> str:
    return data.config.language


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _warn(message: str) -> None:
    err_console().print(f"[yellow]note:[/] {message}", soft_wrap=True)


def _table(*columns: str, title: str | None = None) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for column in columns:
        fixed = column in {"Date", "Since", "Until", "Orgs", "People", "Requested", "Granted"}
        right = column in {"Orgs", "People", "Requested", "Granted"}
        table.add_column(
            column, overflow="fold", no_wrap=fixed, justify="right" if right else "left"
        )
    return table


def _valid(st: Any, data: "Dataset", kind: str, ids: list[str | None]) -> None:
    """Raise the file's own problems when a wanted record exists but does not validate."""
    store = st.store()
    records = data.records(kind)
    for record_id in ids:
        if record_id and record_id not in records and store.exists(kind, record_id):
            from mokoord.dataset import KINDS

            store.get(KINDS[kind].model, record_id)


def _note_replaced_counts(old: "Event", new: "Event") -> None:
    """Say so when a new head count replaces one recorded before (old → new)."""
    from mokoord.activities import replaced_head_counts
    from mokoord.i18n import _

    for org_id, before, after in replaced_head_counts(old, new):
        _warn(
            _(
                "{event}: {org} was recorded already; head count {old} → {new} "
                "(the new count replaces the old one)"
            ).format(event=new.id, org=org_id, old=before, new="–" if after is None else after)
        )


def _declined_note(data: "Dataset", org_ids: list[str]) -> None:
    for org_id in org_ids:
        org = data.organisations.get(org_id)
        if org is not None and org.status == "declined":
            _warn(f"{org_id} is declined (§2.4): {org.status_reason}")


# =========================================================================== events


@app.command("add-event", rich_help_panel=EVENTS)
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
        list[str] | None, typer.Option("--topic", help="Topic (vocabulary topics); repeatable.")
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where, as text.")] = None,
    place_org: Annotated[
        str | None, typer.Option("--place-org", help="Organisation whose rooms host it.")
    ] = None,
    org: OrgsOption = None,
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
    head counts per organisation are added with [bold]mokoord attend[/].

    Without --time it is an all-day event; --time 18:00 --until 20:00 gives
    its hours (in the store's time zone, mokoord.yaml "timezone").

    Example: [bold]mokoord add-event --kind Qualifizierung --series "Vereinsarbeit kompakt"
    --title "Vereinsrecht" --date 14.03.2023 --time 18:00 --until 20:00
    --place-org elternverein-biebrich --org elternverein-biebrich
    --org kulturverein-anatolia --participants 18[/]
    """
    from mokoord import activities
    from mokoord.errors import UsageError
    from mokoord.i18n import _
    from mokoord.lookup import lookup
    from mokoord.models import Event
    from mokoord.store import Change
    from mokoord.vocab import resolve

    st = state(ctx)
    store = st.store()
    data = lookup(store, ("organisation", "institution"))
    kinds = data.config.vocabularies.event_kinds
    if kind is None and prompts.interactive():
        kind = prompts.choose(
            "Kind of event:", {key: label.text(_lang(data)) for key, label in kinds.items()}
        )
    if kind is None:
        raise UsageError("missing --kind (no terminal to ask)")
    kind = resolve(data.config, "event_kinds", kind, flag="--kind")
    title = prompts.require(title, "--title", "Title")
    day = parse_date_option(prompts.require(date, "--date", "Date (14.03.2023)"), "--date")
    last = parse_date_option(end, "--end")
    starts, ends = parse_time_option(time, "--time"), parse_time_option(until, "--until")
    if ends is not None and starts is None:
        raise UsageError(_("--until needs --time (the start time)"))
    if place is not None and place_org is not None:
        raise UsageError("give either --place or --place-org, not both")
    topics = [resolve(data.config, "topics", t, flag="--topic") for t in topic or []]
    orgs = list(dict.fromkeys(org or []))
    _valid(st, data, "organisation", [*orgs, place_org])
    for org_id in orgs:
        activities.require_org(data, org_id)
    if place_org is not None:
        activities.require_org(data, place_org, "--place-org")
    for organiser_id in organiser or []:
        if organiser_id not in data.organisations and organiser_id not in data.institutions:
            activities.require_partner(data, organiser_id, "--organiser")
    _declined_note(data, orgs)
    with Change(store, "add-event", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("event")}
        assert day is not None
        event_id = activities.event_id(day, title, taken)
        event = activities.build_record(
            Event,
            {
                "id": event_id,
                "kind": kind,
                "title": title,
                "date": day,
                "end": last,
                "time": starts,
                "until": ends,
                "series": series,
                "topics": topics,
                "place": place,
                "place_org": place_org,
                "organisers": list(dict.fromkeys(organiser or [])),
                "participants": participants,
                "attendance": [{"organisation": org_id} for org_id in orgs],
                "notes": notes,
                "follow_up": follow_up,
            },
        )
        change.message = f"add-event {event.id}"
        path = change.create(event)
    done(f"event {event.id} recorded in {store.relative(path)}")
    typer.echo(event.id)


@app.command(rich_help_panel=EVENTS)
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
    no_commit: NoCommitOption = False,
) -> None:
    """Record that an organisation took part in an event, with its head count.

    Adds the organisation to the event's attendance, or updates its head
    count when it is listed already. One commit.

    Example: [bold]mokoord attend 2023-03-14-vereinsrecht --org elternverein-biebrich --people 4[/]
    """
    from mokoord import activities
    from mokoord.errors import UsageError
    from mokoord.lookup import lookup
    from mokoord.models import Event
    from mokoord.store import Change

    orgs = list(dict.fromkeys(org or []))
    if not orgs:
        raise UsageError("missing --org: which organisation attended?")
    if people is not None and len(orgs) > 1:
        raise UsageError("--people counts one organisation; give one --org with it")
    st = state(ctx)
    store = st.store()
    data = lookup(store, ("organisation",))
    _valid(st, data, "organisation", list(orgs))
    for org_id in orgs:
        activities.require_org(data, org_id)
    _declined_note(data, orgs)
    with Change(store, f"attend {event_id} ({', '.join(orgs)})", commit=not no_commit) as change:
        old = store.get(Event, event_id)
        new = activities.with_attendance(old, orgs, people)
        if new.attendance == old.attendance:
            done(f"{event_id}: nothing to change")
            return
        change.save(new, previous=old)
    _note_replaced_counts(old, new)
    counts = {a.organisation: a.people for a in new.attendance}
    detail = ", ".join(f"{o} ({counts[o]})" if counts[o] is not None else o for o in orgs)
    done(f"{event_id}: attendance of {detail} recorded; {len(new.attendance)} organisation(s)")


@app.command(rich_help_panel=EVENTS)
def events(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Only events of this year.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only events this organisation took part in.")
    ] = None,
    series: Annotated[
        str | None,
        typer.Option("--series", help="Attendance across the sessions of a training series."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List events, or show attendance across a training series.

    With --series NAME: one row per organisation, one column per session, and
    how many sessions each organisation attended.

    Example: [bold]mokoord events --year 2023 --kind Qualifizierung[/];
    [bold]mokoord events --series "Vereinsarbeit kompakt"[/]
    """
    from mokoord import activities
    from mokoord.vocab import resolve

    data = state(ctx).load(("organisation", "institution", "event"))
    _year(year)
    lang = _lang(data)
    vocab = data.config.vocabularies
    if kind is not None:
        kind = resolve(data.config, "event_kinds", kind, flag="--kind")
    if org is not None:
        activities.require_org(data, org)
    if series is not None:
        result = activities.series_attendance(data, series, year=year)
        if json_output:
            print_json(result.as_json())
            return
        _print_series(result)
        return
    found = activities.filter_events(data, year=year, kind=kind, org=org)
    if json_output:
        print_json([activities.event_row(data, event) for event in found])
        return
    if not found:
        err_console().print("no events match")
        return
    table = _table("Date", "Event", "Kind", "Orgs", "People")
    for event in found:
        when = event.date.isoformat() + (f"\n– {event.end.isoformat()}" if event.end else "")
        what = event.title + (f" ({event.series})" if event.series else "")
        table.add_row(
            when,
            f"{_escape(what)}\n[dim]{event.id}[/]",
            vocab.label("event_kinds", event.kind, lang),
            str(len(event.attendance)),
            str(event.head_count),
        )
    console().print(table)
    err_console().print(f"{len(found)} event(s), {sum(e.head_count for e in found)} participant(s)")


def _print_series(result: Any) -> None:
    sessions = result.sessions
    columns = [f"{i}. {s.date.strftime('%d.%m.')}" for i, s in enumerate(sessions, 1)]
    table = _table("Organisation", *columns, "Sessions", "People", title=result.name)
    for item in result.organisations:
        attended = set(item.sessions)
        cells = []
        for session in sessions:
            if session.id in attended:
                count = next(
                    (a.people for a in session.attendance if a.organisation == item.id), None
                )
                cells.append(str(count) if count is not None else "✓")
            else:
                cells.append("")
        table.add_row(
            _escape(item.name),
            *cells,
            f"{len(item.sessions)}/{len(sessions)}",
            str(item.people),
        )
    table.add_row(
        "[bold]participants[/]",
        *(str(s.head_count) for s in sessions),
        "",
        str(result.participants),
    )
    console().print(table)
    for i, session in enumerate(sessions, 1):
        err_console().print(f"{i}. {session.date.isoformat()} {session.title} ({session.id})")


# =========================================================================== cooperations


@app.command("add-cooperation", rich_help_panel=EVENTS)
def add_cooperation(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="The organisation's id.")] = None,
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="Partner: the id of an organisation or of an institution."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Start date.")] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="What the cooperation is about.")
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
    from mokoord import activities
    from mokoord.errors import UsageError
    from mokoord.lookup import lookup
    from mokoord.models import Cooperation
    from mokoord.store import Change

    st = state(ctx)
    store = st.store()
    data = lookup(store, ("organisation", "institution"))
    org_id = prompts.require(org, "--org", "Organisation id")
    partner_id = prompts.require(partner, "--partner", "Partner (organisation or institution id)")
    start = parse_date_option(prompts.require(since, "--since", "Since (date)"), "--since")
    what = prompts.require(topic, "--topic", "Topic")
    stop = parse_date_option(until, "--until")
    _valid(st, data, "organisation", [org_id, partner_id])
    _valid(st, data, "institution", [partner_id])
    organisation = activities.require_org(data, org_id)
    activities.require_partner(data, partner_id)
    if partner_id == org_id:
        raise UsageError("an organisation cannot cooperate with itself")
    for side in (organisation, data.organisations.get(partner_id)):
        if side is not None and side.status == "declined":
            raise UsageError(
                f"{side.id} is declined (§2.4: {side.status_reason}); "
                "the office does not cooperate with it"
            )
    assert start is not None
    with Change(store, "add-cooperation", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("cooperation")}
        coop = activities.build_record(
            Cooperation,
            {
                "id": activities.cooperation_id(start, org_id, partner_id, taken),
                "organisation": org_id,
                "partner": partner_id,
                "since": start,
                "until": stop,
                "topic": what,
                "notes": notes,
            },
        )
        change.message = f"add-cooperation {coop.id}"
        path = change.create(coop)
    done(f"cooperation {coop.id} recorded in {store.relative(path)}")
    typer.echo(coop.id)


@app.command(rich_help_panel=EVENTS)
def cooperations(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Cooperations running in this year (new ones marked)."),
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List cooperations; with --year those running in that year, the new ones marked.

    Example: [bold]mokoord cooperations --year 2023[/]
    """
    from mokoord import activities

    data = state(ctx).load(("organisation", "institution", "cooperation"))
    _year(year)
    found = activities.filter_cooperations(data, year=year)
    if org is not None:
        activities.require_org(data, org)
        found = [c for c in found if org in (c.organisation, c.partner)]
    rows = [activities.cooperation_row(data, coop, year) for coop in found]
    if json_output:
        print_json(rows)
        return
    if not rows:
        err_console().print("no cooperations match")
        return
    table = _table("Since", "Until", "Organisation", "Partner", "Topic", "New")
    for row in rows:
        table.add_row(
            row["since"].isoformat(),
            row["until"].isoformat() if row["until"] else "",
            _escape(row["organisation_name"]),
            _escape(row["partner_name"]),
            row["topic"],
            "new" if row["new"] else "",
        )
    console().print(table)
    new = sum(1 for row in rows if row["new"])
    err_console().print(
        f"{len(rows)} cooperation(s)" + (f", {new} new in {year}" if year is not None else "")
    )


# =========================================================================== networks


@app.command("add-network", rich_help_panel=EVENTS)
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
            "--rhythm", "--meeting-rhythm", help='How often it meets ("quarterly", "monthly").'
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
    from mokoord import activities
    from mokoord.dataset import plain
    from mokoord.errors import UsageError
    from mokoord.lookup import lookup
    from mokoord.models import Network, Organisation
    from mokoord.slugs import is_valid_id
    from mokoord.store import Change

    st = state(ctx)
    store = st.store()
    data = lookup(store, ("organisation", "institution"))
    title = prompts.require(name, "--name", "Name of the network")
    members = list(dict.fromkeys(member or []))
    _valid(st, data, "organisation", list(members))
    for org_id in members:
        activities.require_org(data, org_id, "--member")
    if contact_institution is not None and contact_institution not in data.institutions:
        raise UsageError(f"--contact-institution: no institution with id '{contact_institution}'")
    if network_id is not None and not is_valid_id(network_id):
        raise UsageError(f"--id: '{network_id}' is not an id (lower-case words joined by -)")
    with Change(store, "add-network", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("network")}
        new_id = network_id or activities.network_id(title, taken)
        network = activities.build_record(
            Network,
            {
                "id": new_id,
                "name": title,
                "kind": kind,
                "level": level,
                "meeting_rhythm": rhythm,
                "contact_institution": contact_institution,
                "website": website,
                "notes": notes,
            },
        )
        change.message = f"add-network {network.id}" + (
            f" (members: {', '.join(members)})" if members else ""
        )
        path = change.create(network)
        for org_id in members:
            old = store.get(Organisation, org_id)
            if network.id in old.networks:
                continue
            new = Organisation.model_validate(
                {**plain(old), "networks": [*old.networks, network.id]}
            )
            change.save(new, previous=old)
    done(
        f"network {network.id} recorded in {store.relative(path)}"
        + (f" with {len(members)} member(s)" if members else "")
    )
    typer.echo(network.id)


@app.command(rich_help_panel=EVENTS)
def networks(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List networks and umbrella bodies with their meeting rhythm and members.

    Members are the organisations that name the network in their networks field.

    Example: [bold]mokoord networks --json[/]
    """
    from mokoord import activities

    data = state(ctx).load(("organisation", "network"))
    rows = [
        activities.network_row(data, network)
        for network in sorted(data.networks.values(), key=lambda n: n.name.casefold())
    ]
    if json_output:
        print_json(rows)
        return
    if not rows:
        err_console().print("no networks recorded; add one with `mokoord add-network`")
        return
    table = _table("Network", "Meets", "Members")
    for row in rows:
        table.add_row(
            f"{_escape(row['name'])}\n[dim]{row['id']} · {row['kind']} · {row['level']}[/]",
            row["meeting_rhythm"] or "",
            "\n".join(_escape(m["name"]) for m in row["members"]) or "–",
        )
    console().print(table)


# =========================================================================== funding


@app.command("add-programme", rich_help_panel=FUNDING)
def add_programme(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Name of the programme.")] = None,
    programme_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the name).")
    ] = None,
    funder: Annotated[str | None, typer.Option("--funder", help="Who funds it.")] = None,
    max_amount: Annotated[
        str | None,
        typer.Option("--max-amount", help="Upper limit in euro (per --per), e.g. 2.500,00."),
    ] = None,
    per: Annotated[
        str, typer.Option("--per", help="The limit is per project, month or year.")
    ] = "project",
    max_without_rooms: Annotated[
        str | None,
        typer.Option(
            "--max-amount-without-rooms",
            help="Lower limit for organisations without rooms of their own.",
        ),
    ] = None,
    line_kind: Annotated[
        str,
        typer.Option(
            "--line-kind",
            help="project, institutional, micro_project, staff or other. Institutional "
            "funding goes to registered associations only unless --eligible says otherwise.",
        ),
    ] = "project",
    line_id: Annotated[
        str | None, typer.Option("--line-id", help="Id of the funding line (default: its kind).")
    ] = None,
    line_name: Annotated[
        str | None, typer.Option("--line-name", help="Name of the funding line.")
    ] = None,
    eligible: Annotated[
        list[str] | None,
        typer.Option("--eligible", help="Legal form that may apply (legal_forms); repeatable."),
    ] = None,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Annual budget of the programme in euro.")
    ] = None,
    deadline: Annotated[
        list[str] | None,
        typer.Option(
            "--deadline",
            help="Application deadline: a date, optionally followed by a note "
            '("31.03.2024 Projektanträge"); repeatable.',
        ),
    ] = None,
    website: Annotated[str | None, typer.Option("--website", help="Web address.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a funding programme with one funding line, its limit and deadlines.

    A simple programme has one line. For a programme with several lines (the
    foreign residents' council: institutional and project funding), add it
    with its first line and then copy the line's block in
    programmes/<id>.yaml (see docs/activities.md).

    Example: [bold]mokoord add-programme --name "Integration durch Kultur"
    --max-amount 5.000,00 --budget 50.000,00 --deadline 31.01.2024[/]
    """
    from mokoord import activities
    from mokoord.errors import UsageError
    from mokoord.models import Programme
    from mokoord.slugs import is_valid_id
    from mokoord.store import Change
    from mokoord.vocab import resolve

    st = state(ctx)
    store = st.store()
    data = st.load(("programme",))
    title = prompts.require(name, "--name", "Name of the programme")
    if programme_id is not None and not is_valid_id(programme_id):
        raise UsageError(f"--id: '{programme_id}' is not an id (lower-case words joined by -)")
    forms = [
        resolve(data.config, "legal_forms", form, flag="--eligible") for form in eligible or []
    ]
    deadlines = []
    for text in deadline or []:
        day_text, _, note = text.strip().partition(" ")
        day = parse_date_option(day_text, "--deadline")
        deadlines.append({"date": day, "note": note.strip() or None})
    kind_names = {
        "project": "Projektförderung",
        "institutional": "Institutionelle Förderung",
        "micro_project": "Mikroprojekt",
        "staff": "Personalkosten",
        "other": "Förderung",
    }
    line = {
        "id": line_id or line_kind.replace("_", "-"),
        "name": line_name or kind_names.get(line_kind, title),
        "kind": line_kind,
        "max_amount": _money_option(max_amount, "--max-amount"),
        "per": per,
        "max_amount_without_rooms": _money_option(max_without_rooms, "--max-amount-without-rooms"),
        "eligible_legal_forms": forms,
    }
    with Change(store, "add-programme", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("programme")}
        new_id = programme_id or activities.network_id(title, taken)
        programme = activities.build_record(
            Programme,
            {
                "id": new_id,
                "name": title,
                "funder": funder,
                "annual_budget": _money_option(budget, "--budget"),
                "lines": [line],
                "deadlines": deadlines,
                "website": website,
                "notes": notes,
            },
        )
        change.message = f"add-programme {programme.id}"
        path = change.create(programme)
    done(f"programme {programme.id} recorded in {store.relative(path)}")
    typer.echo(programme.id)


@app.command(rich_help_panel=FUNDING)
def programmes(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List funding programmes with their lines, limits and deadlines.

    Example: [bold]mokoord programmes[/]
    """
    from mokoord import funding
    from mokoord.formatting import money

    data = state(ctx).load(("programme",))
    found = sorted(data.programmes.values(), key=lambda p: p.name.casefold())
    if json_output:
        print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "funder": p.funder,
                    "annual_budget": p.annual_budget,
                    "lines": [
                        {
                            "id": line.id,
                            "name": line.name,
                            "kind": line.kind,
                            "max_amount": line.max_amount,
                            "per": line.per,
                            "max_amount_without_rooms": line.max_amount_without_rooms,
                            "eligible_legal_forms": funding.eligible_forms(line),
                        }
                        for line in p.lines
                    ],
                    "deadlines": [
                        {"date": d.date, "note": d.note, "line": d.line} for d in p.deadlines
                    ],
                }
                for p in found
            ]
        )
        return
    if not found:
        err_console().print("no programmes recorded; add one with `mokoord add-programme`")
        return
    table = _table("Programme", "Line", "Limit", "No own rooms", "Eligible", "Deadline")
    for p in found:
        for i, line in enumerate(p.lines):
            per = funding.PER_LABELS[line.per]
            table.add_row(
                f"{_escape(p.name)}\n[dim]{p.id}[/]" if i == 0 else "",
                f"{_escape(line.name)}\n[dim]{line.id}[/]",
                f"{money(line.max_amount)} {per}" if line.max_amount is not None else "–",
                f"{money(line.max_amount_without_rooms)} {per}"
                if line.max_amount_without_rooms is not None
                else "",
                ", ".join(funding.eligible_forms(line)) or "any",
                _next_deadline(p, line.id, first=i == 0),
            )
    console().print(table)


def _next_deadline(programme: Any, line_id: str, *, first: bool) -> str:
    """The next deadline of a line (programme-wide ones on its first line), else the last."""
    dates = sorted(
        d.date for d in programme.deadlines if d.line == line_id or (d.line is None and first)
    )
    upcoming = [day for day in dates if day >= dt.date.today()]
    if upcoming:
        return f"next {upcoming[0].isoformat()}"
    return f"last {dates[-1].isoformat()}" if dates else ""


def _check_rules(data: "Dataset", app_record: Any) -> None:
    from mokoord import funding

    programme = data.programmes[app_record.programme]
    org = data.organisations[app_record.organisation]
    vocab = data.config.vocabularies
    found = funding.violations(
        app_record,
        programme,
        org,
        others=data.applications.values(),
        legal_form_label=lambda term: vocab.label("legal_forms", term, "en"),
    )
    if found:
        raise funding.FundingRuleBroken(app_record.id, found)


@app.command("add-application", rich_help_panel=FUNDING)
def add_application(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Applying organisation's id.")] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Programme id (mokoord programmes).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Funding year.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Project or purpose.")] = None,
    requested: Annotated[
        str | None, typer.Option("--requested", help="Amount requested in euro (2.500,00).")
    ] = None,
    status: Annotated[
        str,
        typer.Option("--status", help="idea, draft, submitted, granted, rejected, proof_filed."),
    ] = "idea",
    supported: Annotated[
        bool, typer.Option("--supported", help="The office supported the application.")
    ] = False,
    line: Annotated[
        str | None,
        typer.Option("--line", help="Funding line id (needed when the programme has several)."),
    ] = None,
    months: Annotated[
        int | None,
        typer.Option(
            "--months", min=1, max=12, help="Months applied for (monthly lines; default 12)."
        ),
    ] = None,
    granted: Annotated[
        str | None, typer.Option("--granted", help="Amount granted (with --status granted).")
    ] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Deadline for this application.")
    ] = None,
    submitted: Annotated[
        str | None, typer.Option("--submitted", help="Date it was submitted.")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a funding application; refused when it breaks the programme's rules.

    The rules: the amount is at most the line's limit (per project, per month
    × months, or per year; a lower limit for organisations without rooms of
    their own), and institutional funding (or a line with eligible legal
    forms) goes only to registered associations. The refusal names the rule.

    Example: [bold]mokoord add-application --org elternverein-biebrich --programme
    auslaenderbeirat --line project --year 2024 --title "Hausaufgabenhilfe"
    --requested 2.000,00 --supported[/]
    """
    from mokoord import activities, funding
    from mokoord.errors import NotFound, UsageError
    from mokoord.lookup import lookup
    from mokoord.models import Application
    from mokoord.store import Change

    st = state(ctx)
    store = st.store()
    data = lookup(store, ("organisation", "programme", "application"))
    org_id = prompts.require(org, "--org", "Organisation id")
    programme_id = prompts.require(programme, "--programme", "Programme id")
    if year is None:
        if not prompts.interactive():
            raise UsageError("missing --year (no terminal to ask)")
        answer = prompts.require(None, "--year", "Funding year")
        if not answer.isdigit():
            raise UsageError(f"--year: '{answer}' is not a year")
        year = int(answer)
    _year(year)
    what = prompts.require(title, "--title", "Title of the project")
    amount = _money_option(
        prompts.require(requested, "--requested", "Amount requested (EUR)"), "--requested"
    )
    _valid(st, data, "organisation", [org_id])
    _valid(st, data, "programme", [programme_id])
    organisation = activities.require_org(data, org_id)
    prog = data.programmes.get(programme_id)
    if prog is None:
        known = ", ".join(sorted(data.programmes)) or "none yet"
        raise NotFound(
            f"--programme: no programme with id '{programme_id}' (known: {known})",
            hint="add it with `mokoord add-programme`",
        )
    chosen = funding.resolve_line(prog, line)
    _declined_note(data, [org_id])
    if chosen.per != "month" and months is not None:
        raise UsageError(f"--months is for monthly lines; line '{chosen.id}' is per {chosen.per}")
    if chosen.per == "month" and months is None:
        months = funding.DEFAULT_MONTHS
    from mokoord.models.funding import APPLICATION_STATUSES

    if status not in APPLICATION_STATUSES:
        raise UsageError(
            f"--status: '{status}' is not a status; use one of {', '.join(APPLICATION_STATUSES)}"
        )
    granted_amount = _money_option(granted, "--granted")
    if status in ("granted", "proof_filed") and granted_amount is None:
        raise UsageError(f"--status {status} needs --granted EUR")
    if granted_amount is not None and status not in ("granted", "proof_filed"):
        raise UsageError("--granted needs --status granted")
    submitted_on = parse_date_option(submitted, "--submitted")
    if submitted_on is None and status == "submitted":
        submitted_on = dt.date.today()
    with Change(store, "add-application", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("application")}
        record = activities.build_record(
            Application,
            {
                "id": funding.application_id(year, org_id, what, taken),
                "organisation": org_id,
                "programme": programme_id,
                "line": line if line is not None or len(prog.lines) > 1 else None,
                "year": year,
                "title": what,
                "requested": amount,
                "months": months,
                "granted": granted_amount,
                "status": status,
                "supported": supported,
                "deadline": parse_date_option(deadline, "--deadline"),
                "submitted": submitted_on,
                "notes": notes,
            },
        )
        _check_rules(data, record)
        change.message = f"add-application {record.id} ({org_id}, {programme_id})"
        path = change.create(record)
    limit = funding.limit_for(chosen, prog, organisation, record.months)
    done(
        f"application {record.id} recorded in {store.relative(path)}"
        + (f"; limit: {limit.text}" if limit else "")
    )
    typer.echo(record.id)


@app.command(rich_help_panel=FUNDING)
def application(
    ctx: typer.Context,
    application_id: Annotated[str, typer.Argument(metavar="ID", help="The application's id.")],
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="New status: idea, draft, submitted, granted, rejected, proof_filed, withdrawn.",
        ),
    ] = None,
    granted: Annotated[
        str | None, typer.Option("--granted", help="Amount granted in euro.")
    ] = None,
    requested: Annotated[
        str | None, typer.Option("--requested", help="Correct the amount requested.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="When the status was reached (fills submitted/decided/proof_filed; default today).",
        ),
    ] = None,
    supported: Annotated[
        bool | None,
        typer.Option("--supported/--not-supported", help="Whether the office supported it."),
    ] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Deadline for this application.")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Replace the notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Show an application, or update its status, amounts and dates.

    Status changes fill the matching date: submitted → submitted,
    granted/rejected → decided, proof_filed → proof_filed (--date, default
    today). Granting needs --granted. Without options it prints the application.

    Example: [bold]mokoord application 2024-elternverein-biebrich-hausaufgabenhilfe
    --status bewilligt --granted 1.800,00 --date 15.05.2024[/]
    """
    from mokoord import funding
    from mokoord.dataset import plain
    from mokoord.lookup import lookup
    from mokoord.models import Application
    from mokoord.store import Change

    st = state(ctx)
    store = st.store()
    if all(
        value is None for value in (status, granted, requested, date, supported, deadline, notes)
    ):
        record = store.get(Application, application_id)
        _print_application(lookup(store, ("organisation", "programme")), record)
        return
    on = parse_date_option(date, "--date") or dt.date.today()
    granted_amount = _money_option(granted, "--granted")
    requested_amount = _money_option(requested, "--requested")
    with Change(store, f"application {application_id}", commit=not no_commit) as change:
        old = store.get(Application, application_id)
        changes = funding.change_status(
            old, status, granted=granted_amount, requested=requested_amount, on=on
        )
        if supported is not None:
            changes["supported"] = supported
        if deadline is not None:
            changes["deadline"] = parse_date_option(deadline, "--deadline")
        if notes is not None:
            changes["notes"] = notes
        from mokoord import activities

        new = activities.build_record(Application, {**plain(old), **changes})
        data = lookup(store, ("organisation", "programme", "application"))
        if new.programme in data.programmes and new.organisation in data.organisations:
            _check_rules(data, new)
        if new == old:
            done(f"{application_id}: nothing to change")
            return
        change.message = f"application {new.id}: " + (
            f"{old.status} -> {new.status}" if new.status != old.status else "updated"
        )
        change.save(new, previous=old)
    from mokoord.formatting import money

    detail = f"status {new.status}"
    if new.granted is not None:
        detail += f", granted {money(new.granted)}"
    done(f"{new.id}: {detail}")


def _print_application(data: "Dataset", record: Any) -> None:
    from mokoord.formatting import APPLICATION_STATUS_LABELS, label, money

    org = data.organisations.get(record.organisation)
    programme = data.programmes.get(record.programme)
    rows = [
        ("id", record.id),
        ("organisation", f"{org.name if org else '?'} ({record.organisation})"),
        ("programme", f"{programme.name if programme else '?'} ({record.programme})"),
        ("line", record.line or ""),
        ("year", str(record.year)),
        ("title", record.title),
        ("requested", money(record.requested)),
        ("months", str(record.months or "")),
        ("granted", money(record.granted) if record.granted is not None else ""),
        ("status", f"{record.status} ({label(APPLICATION_STATUS_LABELS, record.status)})"),
        ("supported", "yes" if record.supported else "no"),
        ("deadline", record.deadline.isoformat() if record.deadline else ""),
        ("submitted", record.submitted.isoformat() if record.submitted else ""),
        ("decided", record.decided.isoformat() if record.decided else ""),
        ("proof_filed", record.proof_filed.isoformat() if record.proof_filed else ""),
        ("notes", record.notes or ""),
    ]
    out = console()
    for key, value in rows:
        if value:
            out.print(f"[bold]{key:>12}[/]  {value}", soft_wrap=True)


@app.command(rich_help_panel=FUNDING)
def applications(
    ctx: typer.Context,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only open ones (idea, draft, submitted).")
    ] = False,
    year: Annotated[int | None, typer.Option("--year", help="Only this funding year.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Only this programme's.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List funding applications with amounts requested and granted.

    Example: [bold]mokoord applications --year 2024 --open[/]
    """
    from mokoord import funding
    from mokoord.formatting import APPLICATION_STATUS_LABELS, label, money

    data = state(ctx).load(("organisation", "programme", "application"))
    _year(year)
    found = sorted(data.applications.values(), key=funding.sort_key)
    rows: list[dict[str, Any]] = []
    if open_only:
        found = [a for a in found if funding.is_open(a)]
    if year is not None:
        found = [a for a in found if a.year == year]
    if org is not None:
        found = [a for a in found if a.organisation == org]
    if programme is not None:
        found = [a for a in found if a.programme == programme]
    for a in found:
        prog = data.programmes.get(a.programme)
        organisation = data.organisations.get(a.organisation)
        line = prog.line(a.line) if prog else None
        limit = (
            funding.limit_for(line, prog, organisation, a.months)
            if prog and line and organisation
            else None
        )
        rows.append(
            {
                "id": a.id,
                "organisation": a.organisation,
                "organisation_name": organisation.name if organisation else None,
                "programme": a.programme,
                "programme_name": prog.name if prog else None,
                "line": line.id if line else a.line,
                "year": a.year,
                "title": a.title,
                "requested": a.requested,
                "months": a.months,
                "granted": a.granted,
                "limit": limit.amount if limit else None,
                "status": a.status,
                "supported": a.supported,
                "deadline": a.deadline,
                "submitted": a.submitted,
                "decided": a.decided,
                "proof_filed": a.proof_filed,
            }
        )
    if json_output:
        print_json(rows)
        return
    if not rows:
        err_console().print("no applications match")
        return
    lang = _lang(data)
    table = _table("Application", "Programme", "Requested", "Granted", "Status")
    for row in rows:
        supported = " · supported" if row["supported"] else ""
        table.add_row(
            f"{_escape(row['title'])} – {_escape(row['organisation_name'] or row['organisation'])}"
            f"\n[dim]{row['id']}{supported}[/]",
            f"{row['programme']}" + (f"\n{row['line']}" if row["line"] else ""),
            money(row["requested"], lang),
            money(row["granted"], lang) if row["granted"] is not None else "",
            label(APPLICATION_STATUS_LABELS, row["status"], lang),
        )
    console().print(table)
    from decimal import Decimal

    total_requested = sum((a.requested for a in found), Decimal(0))
    total_granted = sum((a.granted or Decimal(0) for a in found), Decimal(0))
    err_console().print(
        f"{len(found)} application(s); requested {money(total_requested, lang)}, "
        f"granted {money(total_granted, lang)}"
    )


# =========================================================================== calendar


@app.command("calendar", rich_help_panel=EVENTS)
def calendar_command(
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

    from mokoord import calendar
    from mokoord.errors import UsageError
    from mokoord.faults import write_output

    if output is None:
        raise UsageError("missing --output FILE.ics")
    first = parse_date_option(start, "--from")
    last = parse_date_option(end, "--to")
    if first and last and last < first:
        raise UsageError("--to lies before --from")
    data = state(ctx).load()
    items = calendar.entries(data, start=first, end=last)
    content = calendar.to_ical(
        items, name=f"{data.config.office} {data.config.city}", timezone=data.config.timezone
    )
    if str(output) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    if output.is_dir():
        raise UsageError(f"--output: {output} is a folder; name a file such as termine.ics")
    write_output(output, content)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no entries"
    done(f"{output}: {len(items)} entries ({detail})")


# =========================================================================== rooms


@app.command(rich_help_panel=EVENTS)
def rooms(
    ctx: typer.Context,
    district: Annotated[str | None, typer.Option("--district", help="Only this district.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Organisations that need rooms next to those that offer theirs, by district.

    "Need" is an open need of category rooms; "offer" is rooms.offered_to_others.
    Declined, dissolved and inactive organisations are left out.

    Example: [bold]mokoord rooms --district Biebrich[/]
    """
    from mokoord import activities
    from mokoord.vocab import resolve

    data = state(ctx).load(("organisation",))
    vocab = data.config.vocabularies
    lang = _lang(data)
    if district is not None:
        district = resolve(data.config, "districts", district, flag="--district")
    groups = activities.room_matching(data, district=district)

    def district_label(term: str) -> str:
        return vocab.label("districts", term, lang) if term else "ohne Ortsbezirk"

    if json_output:
        print_json(
            [
                {
                    "district": group.district or None,
                    "district_label": district_label(group.district),
                    "need": [
                        {
                            "id": org.id,
                            "name": org.name,
                            "since": activities.rooms_need_since(org),
                            "note": activities.rooms_need_note(org),
                        }
                        for org in group.need
                    ],
                    "offer": [
                        {
                            "id": org.id,
                            "name": org.name,
                            "note": org.rooms.note if org.rooms else None,
                        }
                        for org in group.offer
                    ],
                }
                for group in groups
            ]
        )
        return
    if not groups:
        err_console().print("no organisation needs or offers rooms")
        return
    table = _table("District", "Need rooms", "Offer rooms")
    for group in groups:
        table.add_row(
            district_label(group.district),
            "\n".join(f"{_escape(o.name)} [dim]{o.id}[/]" for o in group.need) or "–",
            "\n".join(f"{_escape(o.name)} [dim]{o.id}[/]" for o in group.offer) or "–",
        )
    console().print(table)
    needing = sum(len(g.need) for g in groups)
    offering = sum(len(g.offer) for g in groups)
    err_console().print(f"{needing} organisation(s) need rooms, {offering} offer theirs")
