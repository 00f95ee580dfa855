"""Contacts and referrals: ``add-contact``, ``contacts``, ``referrals``,
``close-referral``, ``follow-up-done``, ``agenda``, ``add-institution``, ``institutions``."""

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

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
    print_json,
    state,
)

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.models import Contact

PANEL = "Contacts and referrals"


class InitiatedBy(StrEnum):
    office = "office"
    organisation = "organisation"


class ClosedOutcome(StrEnum):
    taken_up = "taken_up"
    not_taken_up = "not_taken_up"


def _today() -> dt.date:
    return dt.date.today()


def _org_names(data: "Dataset", ids: list[str]) -> str:
    return ", ".join(data.organisations[o].name if o in data.organisations else o for o in ids)


def _warn(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[yellow]warning:[/] {escape(message)}")


# --------------------------------------------------------------------------- add-contact


def _ask_organisations(data: "Dataset") -> list[str]:
    from mokoord.contacts import search_organisations

    def find(text: str) -> list[tuple[str, str]]:
        return [(m.key, _org_label(data, m.key)) for m in search_organisations(data, text)]

    chosen: list[str] = []
    first = prompts.search("Organisation (type part of its name)", find)
    assert first is not None
    chosen.append(first)
    while True:
        more = prompts.search("Another organisation in this contact?", find, optional=True)
        if more is None:
            return chosen
        if more not in chosen:
            chosen.append(more)


def _org_label(data: "Dataset", org_id: str) -> str:
    org = data.organisations[org_id]
    return org.name + (" (declined, §2.4)" if org.status == "declined" else "")


def _resolve_orgs(data: "Dataset", values: list[str]) -> list[str]:
    from mokoord.contacts import resolve_organisation, search_organisations
    from mokoord.errors import NotFound

    result: list[str] = []
    for value in values:
        try:
            result.append(resolve_organisation(data, value).id)
        except NotFound:
            matches = search_organisations(data, value)
            if not prompts.interactive() or not matches:
                raise
            typer.echo(f"no organisation with id '{value}'; did you mean:", err=True)
            key = prompts.pick_one(
                "Which organisation?", [(m.key, _org_label(data, m.key)) for m in matches]
            )
            result.append(key)
    return list(dict.fromkeys(result))


def _vocab_choices(data: "Dataset", name: str) -> dict[str, str]:
    lang = data.config.language
    return {key: label.text(lang) for key, label in data.config.vocabularies.terms(name).items()}


@app.command("add-contact", rich_help_panel=PANEL)
def add_contact(
    ctx: typer.Context,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org", "-o", metavar="ID", help="Organisation id; repeat for a contact with several."
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="When: 2023-03-14, 14.03.2023 or heute. Default: today."
        ),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            "-c",
            help="visit, phone, email, meeting, video, event, letter…",
        ),
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
        InitiatedBy,
        typer.Option("--initiated-by", help="Who took the initiative: office or organisation."),
    ] = InitiatedBy.office,
    refer_to: Annotated[
        list[str] | None,
        typer.Option(
            "--refer-to",
            metavar="INSTITUTION",
            help="Institution id referred to; repeat for several.",
        ),
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
        typer.Option("--follow-up", metavar="DATE", help="Date for a follow-up (Wiedervorlage)."),
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
    are asked for: the organisation by typing part of its name, the person from
    that organisation's contact persons, channel and topics from the store's
    vocabularies. Without a terminal a missing --org, --channel or --summary is
    an error. Referrals: each --refer-to may be followed by a --refer-reason;
    they are paired in order.

    Example: [bold]mokoord add-contact --org elternverein-biebrich --channel Telefon
    --date 14.03.2023 --topic Räume --summary "Raumbedarf besprochen" --refer-to kulturamt
    --refer-reason "Raum für Sommerfest" --follow-up 01.04.2023[/]
    """
    from mokoord.contacts import (
        ReferralRequest,
        build_contact,
        check_contact_date,
        new_contact_id,
        pair_referrals,
        persons_of,
        resolve_institution,
        resolve_person,
        search_institutions,
    )
    from mokoord.lookup import lookup
    from mokoord.store import Change
    from mokoord.vocab import resolve

    store = state(ctx).store()
    # exact ids read just their files; a search, a prompt or an unknown id loads the kind
    data = lookup(store, ("organisation", "person", "institution"))
    config = data.config
    today = _today()
    ask = prompts.interactive()
    # once something must be asked, the optional values are offered too
    guided = ask and not (org and channel and summary and summary.strip())

    # dates first: a typo there should not cost the user the prompts
    day = parse_date_option(date, "--date") or today
    check_contact_date(day, planned=planned, today=today)
    follow_date = parse_date_option(follow_up, "--follow-up")
    requests = pair_referrals(refer_to or [], refer_reason or [])
    referrals = [
        ReferralRequest(resolve_institution(data, r.institution).id, r.reason) for r in requests
    ]
    channel_term = resolve(config, "channels", channel, flag="--channel") if channel else None
    topic_terms = [resolve(config, "topics", t, flag="--topic") for t in topic or []]

    if org:
        organisations = _resolve_orgs(data, org)
    elif ask:
        organisations = _ask_organisations(data)
    else:
        raise prompts_missing("--org")
    for org_id in organisations:
        if data.organisations[org_id].status == "declined":
            _warn(f"{org_id} is declined (§2.4); the contact is logged all the same")

    person_ids = [resolve_person(data, p, organisations).id for p in person or []]
    for pid in person_ids:
        owner = data.persons[pid].organisation
        if owner not in organisations:
            _warn(f"person {pid} belongs to {owner or 'no organisation'}, not to this contact")
    if guided and not person_ids:
        people = persons_of(data, organisations)
        if people:
            chosen = prompts.choose(
                "Contact person",
                {p.id: p.display_name + (f" ({p.role})" if p.role else "") for p in people},
                optional=True,
            )
            if chosen:
                person_ids.append(chosen)

    if channel_term is None:
        if not ask:
            raise prompts_missing("--channel")
        channel_term = prompts.choose("Channel", _vocab_choices(data, "channels"))
        assert channel_term is not None
    if guided and not topic_terms:
        topic_terms = prompts.choose_many("Topics", _vocab_choices(data, "topics"))
    text = prompts.require(summary, "--summary", "Summary (what was discussed)")

    if guided and not referrals:

        def find(text: str) -> list[tuple[str, str]]:
            return [(m.key, data.institutions[m.key].name) for m in search_institutions(data, text)]

        while True:
            target = prompts.search("Referred to an institution?", find, optional=True)
            if target is None:
                break
            reason = prompts.ask("  reason (Enter for none)").strip()
            referrals.append(ReferralRequest(target, reason or None))
    if guided and follow_date is None:
        while True:
            answer = prompts.ask("Follow-up date (Enter for none)").strip()
            if not answer:
                break
            try:
                follow_date = parse_date_option(answer, "follow-up")
            except Exception as exc:  # a typo: ask again
                typer.echo(f"  {getattr(exc, 'message', exc)}", err=True)
                continue
            if follow_up_action is None:
                follow_up_action = prompts.ask("  action (Enter for none)").strip() or None
            break

    with Change(store, "", commit=not no_commit) as change:
        taken = store.taken("contact")
        contact = build_contact(
            contact_id=new_contact_id(day, taken),
            date=day,
            organisations=organisations,
            channel=channel_term,
            summary=text,
            topics=topic_terms,
            persons=person_ids,
            initiated_by=initiated_by.value,
            coordinator=coordinator,
            planned=planned,
            follow_up=follow_date,
            follow_up_action=follow_up_action,
            referrals=referrals,
        )
        change.message = f"add-contact {contact.id} ({', '.join(contact.organisations)})"
        change.create(contact)
    typer.echo(contact.id)
    extra = f", {len(contact.referrals)} referral(s)" if contact.referrals else ""
    done(f"contact {contact.id} with {_org_names(data, organisations)}{extra}")


def prompts_missing(flag: str) -> Exception:
    from mokoord.errors import UsageError

    return UsageError(
        f"missing {flag} (no terminal to ask)",
        hint="pass it as an option, or run the command in a terminal to be asked",
    )


# --------------------------------------------------------------------------- contacts


@app.command("contacts", rich_help_panel=PANEL)
def list_contacts(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", "-o", metavar="ID", help="Only this organisation.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", "-y", metavar="YEAR", help="Only this year.")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="From this date on (inclusive).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Up to this date (inclusive).")
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this channel.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Only with this topic.")
    ] = None,
    json_output: JsonOption = False,
    csv_output: Annotated[
        bool, typer.Option("--csv", help="Print CSV (UTF-8, comma-separated) instead of a table.")
    ] = False,
) -> None:
    """List logged contacts, newest first.

    Filters combine. --json prints a list of contacts with the keys id, date,
    organisations, persons, channel, initiated_by, topics, summary, coordinator,
    planned, follow_up {date, action, done}, referrals [{institution, reason,
    outcome, outcome_date, note}].

    Example: [bold]mokoord contacts --org elternverein-biebrich --year 2023[/]
    """
    from mokoord.contacts import (
        CSV_COLUMNS,
        ContactFilter,
        contact_csv_row,
        contact_json,
        filter_contacts,
        resolve_organisation,
    )
    from mokoord.errors import UsageError
    from mokoord.vocab import resolve

    if json_output and csv_output:
        raise UsageError("give either --json or --csv, not both")
    data = state(ctx).load(("organisation", "contact"))
    where = ContactFilter(
        organisation=resolve_organisation(data, org).id if org else None,
        year=year,
        start=parse_date_option(start, "--from"),
        end=parse_date_option(end, "--to"),
        channel=resolve(data.config, "channels", channel, flag="--channel") if channel else None,
        topic=resolve(data.config, "topics", topic, flag="--topic") if topic else None,
    )
    found = filter_contacts(data.contacts.values(), where)
    if json_output:
        print_json([contact_json(c) for c in found])
        return
    if csv_output:
        import csv
        import sys

        writer = csv.DictWriter(sys.stdout, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for contact in found:
            writer.writerow(contact_csv_row(contact))
        return
    _contacts_table(data, found)


def _contacts_table(data: "Dataset", found: "list[Contact]") -> None:
    from rich.table import Table

    from mokoord import formatting

    lang = data.config.language
    vocab = data.config.vocabularies
    table = Table(box=None, header_style="bold")
    table.add_column("date", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("organisations", overflow="fold")
    for column in ("channel", "topics", "summary", "open"):
        table.add_column(column, overflow="fold")
    for c in found:
        open_items = []
        if c.planned:
            open_items.append("planned")
        if c.follow_up and c.follow_up.done is None:
            open_items.append(f"follow-up {formatting.date(c.follow_up.date, lang)}")
        pending = [r.institution for r in c.referrals if r.outcome == "pending"]
        if pending:
            open_items.append("→ " + ", ".join(pending))
        summary = c.summary if len(c.summary) <= 60 else c.summary[:57] + "…"
        table.add_row(
            formatting.date(c.date, lang),
            c.id,
            _org_names(data, list(c.organisations)),
            vocab.label("channels", c.channel, lang),
            ", ".join(vocab.label("topics", t, lang) for t in c.topics),
            summary,
            "; ".join(open_items),
        )
    if found:
        console().print(table)
    err_console().print(f"{len(found)} contact(s)")


# --------------------------------------------------------------------------- referrals


@app.command("referrals", rich_help_panel=PANEL)
def list_referrals(
    ctx: typer.Context,
    pending: Annotated[
        bool, typer.Option("--pending", help="Only referrals without an outcome yet.")
    ] = False,
    to: Annotated[
        str | None, typer.Option("--to", metavar="INSTITUTION", help="Only to this institution.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List referrals (Verweisberatung) made in contacts, newest first.

    --json prints a list with the keys contact, date, organisations,
    institution, institution_name, reason, outcome (pending, taken_up,
    not_taken_up), outcome_date, note, days_pending (null once closed).

    Example: [bold]mokoord referrals --pending --to kulturamt[/]
    """
    from rich.table import Table

    from mokoord import formatting
    from mokoord.contacts import referral_json, referral_rows, resolve_institution

    data = state(ctx).load(("organisation", "contact", "institution"))
    target = resolve_institution(data, to).id if to else None
    rows = referral_rows(data, pending=pending, institution=target)
    today = _today()
    if json_output:
        print_json([referral_json(row, data, today) for row in rows])
        return
    lang = data.config.language
    table = Table(box=None, header_style="bold")
    table.add_column("date", no_wrap=True)
    table.add_column("contact", no_wrap=True)
    table.add_column("organisations", overflow="fold")
    for column in ("to", "reason", "outcome"):
        table.add_column(column, overflow="fold")
    for row in rows:
        ref = row.referral
        inst = data.institutions.get(ref.institution)
        outcome = formatting.label(formatting.OUTCOME_LABELS, ref.outcome, lang)
        if ref.outcome_date:
            outcome += f" ({formatting.date(ref.outcome_date, lang)})"
        else:
            outcome += f" ({row.days_pending(today)} d)"
        table.add_row(
            formatting.date(row.contact.date, lang),
            row.contact.id,
            _org_names(data, list(row.contact.organisations)),
            inst.name if inst else ref.institution,
            ref.reason or "",
            outcome,
        )
    if rows:
        console().print(table)
    err_console().print(f"{len(rows)} referral(s)")


@app.command("close-referral", rich_help_panel=PANEL)
def close_referral_command(
    ctx: typer.Context,
    contact_id: Annotated[str, typer.Argument(help="The contact the referral was made in.")],
    outcome: Annotated[
        ClosedOutcome | None, typer.Option("--outcome", help="taken_up or not_taken_up.")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="INSTITUTION",
            help="The institution, when the contact made several referrals.",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="When the outcome became known. Default: today."
        ),
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
    from mokoord.contacts import close_referral, resolve_institution
    from mokoord.errors import NotFound
    from mokoord.lookup import lookup
    from mokoord.models import Contact
    from mokoord.store import Change

    store = state(ctx).store()
    day = parse_date_option(date, "--date") or _today()
    if not store.exists("contact", contact_id):
        raise NotFound(
            f"no contact with id '{contact_id}'",
            hint="find it with `mokoord referrals --pending`",
        )
    target = None
    if to:
        target = resolve_institution(lookup(store, ("institution",)), to).id
    elif prompts.interactive():
        pending = [r for r in store.get(Contact, contact_id).referrals if r.outcome == "pending"]
        if len(pending) > 1:
            target = prompts.pick_one(
                "Which referral?", [(r.institution, r.reason or r.institution) for r in pending]
            )
    if outcome is None:
        if not prompts.interactive():
            raise prompts_missing("--outcome")
        chosen = prompts.choose("Outcome", {"taken_up": "taken up", "not_taken_up": "not taken up"})
        assert chosen is not None  # not optional: choose() asks until answered
        outcome = ClosedOutcome(chosen)
    with Change(store, "", commit=not no_commit) as change:
        old = store.get(Contact, contact_id)
        new, index = close_referral(
            old,
            institution=target,
            outcome=outcome.value,
            date=day,
            note=note,
            today=_today(),
        )
        institution = new.referrals[index].institution
        change.message = f"close-referral {contact_id} ({institution}): {outcome.value}"
        change.save(new, previous=old)
    done(f"referral of {contact_id} to {institution}: {outcome.value}")


@app.command("follow-up-done", rich_help_panel=PANEL)
def follow_up_done(
    ctx: typer.Context,
    contact_id: Annotated[str, typer.Argument(help="The contact whose follow-up is done.")],
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="When it was done. Default: today.")
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Mark a contact's follow-up as done, so it leaves the agenda.

    Example: [bold]mokoord follow-up-done 2023-03-14-k7qm[/]
    """
    from mokoord.contacts import complete_follow_up
    from mokoord.errors import NotFound
    from mokoord.models import Contact
    from mokoord.store import Change

    store = state(ctx).store()
    day = parse_date_option(date, "--date") or _today()
    with Change(store, f"follow-up-done {contact_id}", commit=not no_commit) as change:
        if not store.exists("contact", contact_id):
            raise NotFound(f"no contact with id '{contact_id}'", hint="see `mokoord agenda`")
        old = store.get(Contact, contact_id)
        change.save(complete_follow_up(old, date=day, today=_today()), previous=old)
    done(f"follow-up of {contact_id} done")


# --------------------------------------------------------------------------- agenda


@app.command("agenda", rich_help_panel=PANEL)
def agenda_command(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option("--days", "-n", help="Look this many days ahead.", min=0, max=3650),
    ] = 7,
    json_output: JsonOption = False,
) -> None:
    """The coordinator's day: what is due, overdue or has gone quiet.

    Shows open follow-ups due within --days or overdue, planned appointments in
    that time, referrals pending longer than settings.referral_pending_days, and
    cooperating organisations without a contact for settings.quiet_after_days.
    Declined organisations (§2.4) never appear. --json keys: today, days,
    follow_ups [{contact, organisations, due, action, days, state}], planned
    [{contact, date, organisations, channel, summary}], referrals (as in
    `referrals --json`), quiet [{organisation, name, last_contact, days}].

    Example: [bold]mokoord agenda --days 14[/]
    """
    from mokoord.contacts import agenda_json, build_agenda

    data = state(ctx).load(("organisation", "contact", "institution"))
    agenda = build_agenda(data, today=_today(), days=days)
    if json_output:
        print_json(agenda_json(agenda, data))
        return
    _print_agenda(data, agenda)


def _print_agenda(data: "Dataset", agenda: object) -> None:
    from rich.markup import escape

    from mokoord import formatting
    from mokoord.contacts import Agenda

    assert isinstance(agenda, Agenda)
    lang = data.config.language
    settings = data.config.settings
    out = console()
    if agenda.empty:
        out.print(f"Nothing due in the next {agenda.days} days. ✓")
        return
    if agenda.follow_ups:
        out.print(f"[bold]Follow-ups due within {agenda.days} days or overdue[/]")
        for item in agenda.follow_ups:
            if item.days < 0:
                when = f"overdue {-item.days} d" + (" (!)" if item.long_overdue else "")
            elif item.days == 0:
                when = "today"
            else:
                when = f"in {item.days} d"
            orgs = _org_names(data, list(item.contact.organisations))
            action = f": {item.action}" if item.action else ""
            out.print(
                escape(
                    f"  {formatting.date(item.due, lang)}  {when:<16} {orgs}{action}"
                    f"  [{item.contact.id}]"
                )
            )
    if agenda.planned:
        out.print(f"[bold]Planned appointments within {agenda.days} days[/]")
        for contact in agenda.planned:
            orgs = _org_names(data, list(contact.organisations))
            out.print(
                escape(
                    f"  {formatting.date(contact.date, lang)}  {orgs}: {contact.summary}"
                    f"  [{contact.id}]"
                )
            )
    if agenda.referrals:
        out.print(f"[bold]Referrals pending longer than {settings.referral_pending_days} days[/]")
        for row in agenda.referrals:
            inst = data.institutions.get(row.referral.institution)
            orgs = _org_names(data, list(row.contact.organisations))
            out.print(
                escape(
                    f"  {formatting.date(row.contact.date, lang)}  {orgs} → "
                    f"{inst.name if inst else row.referral.institution} "
                    f"({row.days_pending(agenda.today)} d)  [{row.contact.id}]"
                )
            )
    if agenda.quiet:
        out.print(
            "[bold]Cooperating organisations without a contact for "
            f"{settings.quiet_after_days} days[/]"
        )
        for q in agenda.quiet:
            last = (
                f"last contact {formatting.date(q.last_contact, lang)} ({q.days} d)"
                if q.last_contact
                else "no contact logged"
            )
            out.print(escape(f"  {q.organisation.name}: {last}  [{q.organisation.id}]"))


# --------------------------------------------------------------------------- institutions


@app.command("add-institution", rich_help_panel=PANEL)
def add_institution(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Name, e.g. Kulturamt.")] = None,
    id_: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="Id to use (default: made from the name)."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="city_office, education_provider, volunteer_centre, …"),
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", help="Department or unit (Amt 41, …)."),
    ] = None,
    district: Annotated[str | None, typer.Option("--district", help="District term.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Postal address.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", metavar="EMAIL", help="Office e-mail address.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", metavar="PHONE", help="Office phone number.")
    ] = None,
    website: Annotated[
        str | None, typer.Option("--website", metavar="URL", help="https://…")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Add an institution: a referral target or partner (city office, provider, …).

    Prints its id. The id is made from the name unless --id is given.

    Example: [bold]mokoord add-institution --name Kulturamt --kind "Städtisches Amt"
    --department "Amt 41" --website https://www.wiesbaden.de[/]
    """
    from mokoord.contacts import build_institution, institution_candidates, institution_id
    from mokoord.errors import UsageError
    from mokoord.slugs import is_valid_id
    from mokoord.store import Change
    from mokoord.textmatch import similar

    store = state(ctx).store()
    data = store.load(("institution",))
    config = data.config
    from mokoord.vocab import resolve

    asking = prompts.interactive() and not name
    full_name = prompts.require(name, "--name", "Name of the institution")
    if kind:
        kind_term = resolve(config, "institution_kinds", kind, flag="--kind")
    elif asking:
        kind_term = (
            prompts.choose("Kind", _vocab_choices(data, "institution_kinds"), default="city_office")
            or "city_office"
        )
    else:
        kind_term = "city_office"
    if asking and department is None:
        department = prompts.ask("Department or unit, e.g. Amt 41 (Enter for none)").strip() or None
    district_term = resolve(config, "districts", district, flag="--district") if district else None
    new_id = id_.strip() if id_ else institution_id(full_name)
    if not is_valid_id(new_id):
        raise UsageError(
            f"--id '{new_id}' is not a valid id",
            hint="lower-case letters and digits joined by hyphens, e.g. kulturamt",
        )
    if new_id in data.institutions:
        raise UsageError(
            f"an institution with id '{new_id}' exists already ({data.institutions[new_id].name})",
            hint="pass another --id",
        )
    for match in similar(full_name, institution_candidates(data), limit=3, cutoff=90.0):
        _warn(f"a similar institution exists: {match.key} ({match.text})")
    institution = build_institution(
        {
            "id": new_id,
            "name": full_name,
            "kind": kind_term,
            "department": department,
            "district": district_term,
            "address": address,
            "email": email,
            "phone": phone,
            "website": website,
            "notes": notes,
        }
    )
    with Change(store, f"add-institution {new_id}", commit=not no_commit) as change:
        change.create(institution)
    typer.echo(new_id)
    done(f"institution {new_id} ({full_name})")


@app.command("institutions", rich_help_panel=PANEL)
def list_institutions(
    ctx: typer.Context,
    json_output: JsonOption = False,
) -> None:
    """List the institutions (referral targets and partners) with their referrals.

    --json keys: id, name, kind, department, district, address, email, phone,
    website, referrals (number), pending (number still pending).

    Example: [bold]mokoord institutions[/]
    """
    from rich.table import Table

    from mokoord.contacts import institution_json

    data = state(ctx).load(("institution", "contact"))
    rows = [
        institution_json(inst, data)
        for inst in sorted(data.institutions.values(), key=lambda i: i.id)
    ]
    if json_output:
        print_json(rows)
        return
    lang = data.config.language
    vocab = data.config.vocabularies
    table = Table(box=None, header_style="bold")
    for column in ("id", "name", "kind", "department", "referrals", "pending"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["id"],
            row["name"],
            vocab.label("institution_kinds", row["kind"], lang),
            row["department"] or "",
            str(row["referrals"]),
            str(row["pending"]),
        )
    if rows:
        console().print(table)
    err_console().print(f"{len(rows)} institution(s)")
