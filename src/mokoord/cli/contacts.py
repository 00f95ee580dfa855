"""Contacts and referrals: ``add-contact``, ``contacts``, ``referrals``,
``close-referral``, ``follow-up-done``, ``agenda``, ``add-institution``, ``institutions``."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import NoCommitOption, parse_date_option, run_plan, state
from mokoord.cli._output import (
    CsvOption,
    FormatOption,
    JsonOption,
    Output,
    OutputOption,
    emit_listing,
)

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.models import Contact
    from mokoord.plans import Plan
    from mokoord.store import Store

PANEL = "Contacts and referrals"


def _today() -> dt.date:
    return dt.date.today()


def _read_contact(store: "Store", contact_id: str, hint: str) -> "Contact":
    """The contact as it is on disk now; an error with ``hint`` when there is none."""
    from mokoord.errors import NotFound
    from mokoord.i18n import _
    from mokoord.models import Contact

    if not store.exists("contact", contact_id):
        raise NotFound(_("no contact with id '{id}'").format(id=contact_id), hint=hint)
    return store.get(Contact, contact_id)


def _checked_by(store: "Store") -> "Dataset":
    """What the checks of a changed contact judge it against: the organisations,
    persons and institutions it names, each read only when asked for."""
    from mokoord.lookup import lookup

    return lookup(store, ("organisation", "person", "institution"))


# --------------------------------------------------------------------------- add-contact


@app.command("add-contact", rich_help_panel=PANEL)
def add_contact(
    ctx: typer.Context,
    org: Annotated[
        list[str] | None,
        typer.Option("--org", help="Organisation id; repeat for a contact with several."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="When: 2023-03-14, 14.03.2023 or heute. Default: today."),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option("--channel", "-c", help="visit, phone, email, meeting, video, event, letter…"),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", "-t", help="A topic term; repeat for several."),
    ] = None,
    summary: Annotated[
        str | None,
        typer.Option("--summary", "-s", help="What was discussed, in a few words."),
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option(
            "--person",
            "-p",
            metavar="ID_OR_NAME",
            help="Contact person: id (p-4k2m9x) or name among the organisation's persons.",
        ),
    ] = None,
    initiated_by: Annotated[
        str,
        typer.Option(
            "--initiated-by",
            help="Who took the initiative: office or organisation.",
        ),
    ] = "office",
    refer_to: Annotated[
        list[str] | None,
        typer.Option("--refer-to", help="Institution id referred to; repeat for several."),
    ] = None,
    refer_reason: Annotated[
        list[str] | None,
        typer.Option(
            "--refer-reason",
            help="Reason of a referral: the n-th --refer-reason belongs to the n-th "
            "--refer-to ('' for none).",
        ),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option("--follow-up", help="Date for a follow-up (Wiedervorlage)."),
    ] = None,
    follow_up_action: Annotated[
        str | None,
        typer.Option("--follow-up-action", help="What to do at the follow-up."),
    ] = None,
    planned: Annotated[
        bool,
        typer.Option("--planned", help="An arranged appointment: the date may lie in the future."),
    ] = False,
    coordinator: Annotated[
        str | None,
        typer.Option("--coordinator", help="Who in the office held the contact."),
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Log a contact with one or more organisations: one new file, one commit.

    Prints the new contact's id (2023-03-14-k7qm). In a terminal, missing values
    are asked for: the organisation by typing part of its name, the date (today
    unless you type another), the person from that organisation's contact
    persons, channel and topics from the store's vocabularies. Without a
    terminal a missing --org, --channel or --summary is an error. Terms and
    the initiator are accepted by key or label. Referrals: each --refer-to may
    be followed by a --refer-reason; they are paired in order.

    Example: [bold]mokoord add-contact --org elternverein-biebrich --channel Telefon
    --date 14.03.2023 --topic Räume --summary "Raumbedarf besprochen" --refer-to kulturamt
    --refer-reason "Raum für Sommerfest" --follow-up 01.04.2023[/]
    """
    from mokoord.cli._contact_prompts import complete_contact
    from mokoord.contacts import ContactRequest, pair_referrals, plan_contact
    from mokoord.lookup import lookup

    store = state(ctx).store()
    # exact ids read just their files; a search, a prompt or an unknown id loads the kind
    data = lookup(store, ("organisation", "person", "institution"))
    request = ContactRequest(
        organisations=tuple(org or ()),
        channel=channel,
        summary=summary,
        date=parse_date_option(date, "--date"),  # dates first: a typo costs no prompts
        topics=tuple(topic or ()),
        persons=tuple(person or ()),
        initiated_by=initiated_by,
        referrals=pair_referrals(refer_to or [], refer_reason or []),
        follow_up=parse_date_option(follow_up, "--follow-up"),
        follow_up_action=follow_up_action,
        planned=planned,
        coordinator=coordinator,
        today=_today(),
    )
    request = complete_contact(data, request)

    def make() -> "Plan":
        return plan_contact(data, request, taken=store.taken("contact"))

    # the next command (the agenda, a report) finds the new contact in the index
    typer.echo(run_plan(store, make, commit=not no_commit, index=True).result.id)


# --------------------------------------------------------------------------- contacts


@app.command("contacts", rich_help_panel=PANEL)
def contacts(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Only this year.")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="From this date on (inclusive).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Up to this date (inclusive).")] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this channel.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Only with this topic.")
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List logged contacts, newest first.

    Filters combine. The table and --csv show organisations by name and terms
    by label; --json prints a list of contacts with the keys id, date,
    organisations, persons, channel, initiated_by, topics, summary,
    coordinator, planned, follow_up {date, action, done}, referrals
    [{institution, reason, outcome, outcome_date, note}].

    Example: [bold]mokoord contacts --org elternverein-biebrich --year 2023[/]
    """
    from mokoord.cli.views.contacts import CONTACTS
    from mokoord.contacts import ContactFilter, contact_json, contact_row, find_contacts
    from mokoord.i18n import _

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "contact", "institution"))
    where = ContactFilter.resolved(
        data,
        organisation=org,
        year=year,
        start=parse_date_option(start, "--from"),
        end=parse_date_option(end, "--to"),
        channel=channel,
        topic=topic,
    )
    found = find_contacts(data, where)
    if out.format == "json":
        rows = [contact_json(contact) for contact in found]
    else:
        rows = [contact_row(contact, data) for contact in found]
    emit_listing(CONTACTS, rows, out, config=data.config, empty=_("no contacts found"))


# --------------------------------------------------------------------------- referrals


@app.command("referrals", rich_help_panel=PANEL)
def referrals(
    ctx: typer.Context,
    pending: Annotated[
        bool, typer.Option("--pending", help="Only referrals without an outcome yet.")
    ] = False,
    to: Annotated[str | None, typer.Option("--to", help="Only to this institution.")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List referrals (Verweisberatung) made in contacts, newest first.

    --json prints a list with the keys contact, date, organisations,
    institution, institution_name, reason, outcome (pending, taken_up,
    not_taken_up), outcome_date, note, days_pending (null once closed).

    Example: [bold]mokoord referrals --pending --to kulturamt[/]
    """
    from mokoord.cli.views.contacts import REFERRALS
    from mokoord.contacts import resolve_institution
    from mokoord.i18n import _
    from mokoord.referrals import referral_json, referral_row, referral_rows

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "contact", "institution"))
    target = resolve_institution(data, to, flag="--to").id if to else None
    found = referral_rows(data, pending=pending, institution=target)
    shape = referral_json if out.format == "json" else referral_row
    rows = [shape(row, data, _today()) for row in found]
    emit_listing(REFERRALS, rows, out, config=data.config, empty=_("no referrals found"))


@app.command("close-referral", rich_help_panel=PANEL)
def close_referral(
    ctx: typer.Context,
    contact_id: Annotated[str, typer.Argument(help="The contact the referral was made in.")],
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="taken_up or not_taken_up."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="The institution, when the contact made several referrals."),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="When the outcome became known. Default: today.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note on the outcome.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record the outcome of a referral: taken up or not taken up.

    With several pending referrals in one contact, --to names the institution
    (in a terminal you are asked which). The outcome date defaults to today.

    Example: [bold]mokoord close-referral 2023-03-14-k7qm --to kulturamt
    --outcome wahrgenommen --note "Raum zugesagt"[/]
    """
    from mokoord.cli._contact_prompts import ask_outcome, ask_referral
    from mokoord.cli.prompts import interactive
    from mokoord.contacts import resolve_institution
    from mokoord.i18n import _
    from mokoord.lookup import lookup
    from mokoord.referrals import CloseReferralRequest, closing_outcome, plan_close_referral

    store = state(ctx).store()
    day = parse_date_option(date, "--date")
    hint = _("find it with `mokoord referrals --pending`")
    contact = _read_contact(store, contact_id, hint)
    target = (
        resolve_institution(lookup(store, ("institution",)), to, flag="--to").id
        if to
        else ask_referral(contact)
        if interactive()
        else None
    )
    chosen = closing_outcome(outcome, store.config) if outcome else ask_outcome(store.config)
    request = CloseReferralRequest(contact_id, chosen, target, day, note, today=_today())

    def make() -> "Plan":
        contact = _read_contact(store, contact_id, hint)
        return plan_close_referral(contact, request, store.config, data=_checked_by(store))

    run_plan(store, make, commit=not no_commit)


@app.command("follow-up-done", rich_help_panel=PANEL)
def follow_up_done(
    ctx: typer.Context,
    contact_id: Annotated[str, typer.Argument(help="The contact whose follow-up is done.")],
    date: Annotated[
        str | None, typer.Option("--date", help="When it was done. Default: today.")
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Mark a contact's follow-up as done, so it leaves the agenda.

    Example: [bold]mokoord follow-up-done 2023-03-14-k7qm --date gestern[/]
    """
    from mokoord.i18n import _
    from mokoord.referrals import FollowUpDoneRequest, plan_follow_up_done

    store = state(ctx).store()
    request = FollowUpDoneRequest(contact_id, parse_date_option(date, "--date"), today=_today())
    hint = _("see `mokoord agenda`")

    def make() -> "Plan":
        contact = _read_contact(store, contact_id, hint)
        return plan_follow_up_done(contact, request, data=_checked_by(store))

    run_plan(store, make, commit=not no_commit)


# --------------------------------------------------------------------------- agenda


@app.command("agenda", rich_help_panel=PANEL)
def agenda(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", help="Look this many days ahead.", min=0, max=3650)
    ] = 7,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """The coordinator's day: what is due, overdue or has gone quiet.

    Shows open follow-ups due within --days or overdue, planned appointments in
    that time, referrals pending longer than settings.referral_pending_days, and
    cooperating organisations without a contact for settings.quiet_after_days.
    Declined organisations (§2.4) never appear. --csv writes every item as one
    row of a sheet. --json keys: today, days, follow_ups [{contact,
    organisations, due, action, days, state}], planned [{contact, date,
    organisations, channel, summary}], referrals (as in `referrals --json`),
    quiet [{organisation, name, last_contact, days}].

    Example: [bold]mokoord agenda --days 14[/]
    """
    from mokoord.agenda import agenda_json, agenda_rows, build_agenda
    from mokoord.cli.views.contacts import emit_agenda

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "contact", "institution"))
    found = build_agenda(data, today=_today(), days=days)
    rows = [] if out.format == "json" else agenda_rows(found, data)
    emit_agenda(agenda_json(found, data), rows, out, config=data.config)


# --------------------------------------------------------------------------- institutions


@app.command("add-institution", rich_help_panel=PANEL)
def add_institution(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Name, e.g. Kulturamt.")] = None,
    id_: Annotated[
        str | None, typer.Option("--id", help="Id to use (default: made from the name).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="city_office, education_provider, volunteer_centre, …"),
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Department or unit (Amt 41, …).")
    ] = None,
    district: Annotated[str | None, typer.Option("--district", help="District term.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Postal address.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Office e-mail address.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Office phone number.")] = None,
    website: Annotated[str | None, typer.Option("--website", help="https://…")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Add an institution: a referral target or partner (city office, provider, …).

    Prints its id. The id is made from the name unless --id is given.

    Example: [bold]mokoord add-institution --name Kulturamt --kind "Städtisches Amt"
    --department "Amt 41" --website https://www.wiesbaden.de[/]
    """
    from mokoord.cli._contact_prompts import ask_institution
    from mokoord.institutions import InstitutionRequest, plan_institution

    store = state(ctx).store()
    name, kind, department = ask_institution(store.config, name, kind, department)
    request = InstitutionRequest(
        name, id_, kind, department, district, address, email, phone, website, notes
    )

    def make() -> "Plan":
        return plan_institution(store.load(("institution",)), request)

    # the next command (the agenda, a report) finds the new contact in the index
    typer.echo(run_plan(store, make, commit=not no_commit, index=True).result.id)


@app.command("institutions", rich_help_panel=PANEL)
def institutions(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List the institutions (referral targets and partners) with their referrals.

    --json keys: id, name, kind, department, district, address, email, phone,
    website, referrals (number), pending (number still pending).

    Example: [bold]mokoord institutions --csv -o einrichtungen.csv[/]
    """
    from mokoord.cli.views.contacts import INSTITUTIONS
    from mokoord.i18n import _
    from mokoord.institutions import institution_rows

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("institution", "contact"))
    empty = _("no institutions recorded; add one with `mokoord add-institution`")
    emit_listing(INSTITUTIONS, institution_rows(data), out, config=data.config, empty=empty)
