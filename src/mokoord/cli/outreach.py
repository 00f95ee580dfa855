"""Outreach and the visit kit: ``outreach``, ``sheet``, ``verified``."""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    console,
    done,
    parse_date_option,
    print_json,
    run_plan,
    state,
)

if TYPE_CHECKING:
    from mokoord.plans import Plan

PANEL = "Outreach and visits"

StatusOption = Annotated[str | None, typer.Option("--status", help="Only this status.")]
FieldOption = Annotated[str | None, typer.Option("--field", help="Field of activity.")]
DistrictOption = Annotated[str | None, typer.Option("--district", help="Only this district.")]
LanguageOption = Annotated[
    str | None, typer.Option("--language", "-l", help="Language: name or code (Türkisch, tr).")
]
NeedOption = Annotated[
    str | None, typer.Option("--need", help="Has an open need of this category.")
]
TagOption = Annotated[str | None, typer.Option("--tag", help="Only with this tag.")]
NetworkOption = Annotated[
    str | None, typer.Option("--network", help="Only members of this network (id or name).")
]
StaleOption = Annotated[
    bool, typer.Option("--stale", help="Not verified for more than settings.stale_after_months.")
]


@app.command(rich_help_panel=PANEL)
def outreach(
    ctx: typer.Context,
    template: Annotated[
        str, typer.Option("--template", help="Template name in templates/outreach/ (einladung).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the drafts, letters or sheet."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="eml (e-mail drafts), html (letters) or csv (serial letter)."
        ),
    ] = None,
    person_role: Annotated[
        str | None,
        typer.Option("--person-role", help="Write to the person in this role (default: chair)."),
    ] = None,
    status: StatusOption = None,
    field: FieldOption = None,
    district: DistrictOption = None,
    language: LanguageOption = None,
    need: NeedOption = None,
    tag: TagOption = None,
    network: NetworkOption = None,
    stale: StaleOption = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="List who would be written to; write nothing.")
    ] = False,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Do not record the contacts.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that holds files already.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Write letters or e-mail drafts to chosen organisations and record the contacts.

    Organisations are chosen with the filters of list; each gets the template's
    variant in its first language that has one (einladung.tr.md), else German.
    The person written to has consented to contact or is held for the public
    task. mokoord never sends mail: open the .eml drafts in your mail program.

    Example: [bold]mokoord outreach --template einladung --field "Eltern und Familie" -o einladung/[/]
    """
    from mokoord.cli.views.outreach import print_outreach
    from mokoord.outreach.documents import files, write_files
    from mokoord.outreach.run import OutreachRequest, outreach_json, plan_record, prepare, require

    store = state(ctx).store()
    request = OutreachRequest(
        template, fmt, person_role, status, field, district, language, need, tag, network, stale
    )
    data = store.load(("organisation", "person", "contact", "network"))
    prepared = prepare(data, store.root, request)
    if json_output:
        print_json(outreach_json(prepared))
    if dry_run:
        if not json_output:
            print_outreach(console(), prepared)
        return
    folder = require(prepared, output)
    write_files(
        folder, files(prepared, data.config, store.root, _now(data.config.timezone)), force=force
    )
    if not json_output:
        print_outreach(console(), prepared, folder=folder)
    if not no_record:
        run_plan(store, lambda: plan_record(prepared, store.config, store.taken("contact")))


def _now(zone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(zone)).replace(microsecond=0)


@app.command(rich_help_panel=PANEL)
def sheet(
    ctx: typer.Context,
    org_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="The organisation's id (or --all).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML file (default: data-sheet-ID.html).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every organisation the filters select, one per page.")
    ] = False,
    status: StatusOption = None,
    field: FieldOption = None,
    district: DistrictOption = None,
    language: LanguageOption = None,
    need: NeedOption = None,
    tag: TagOption = None,
    stale: StaleOption = False,
) -> None:
    """Write a printable data sheet (Stammdatenblatt) to check with an organisation on site.

    Every register field with its value, empty ones marked to fill in by hand,
    the contact persons with their legal basis, open needs and status, and room
    for corrections and the date of the visit; A4, one organisation per page.
    After the visit: mokoord verified ID.

    Example: [bold]mokoord sheet elternverein-biebrich -o besuch.html[/]
    """
    from mokoord.faults import write_output
    from mokoord.register import Filters
    from mokoord.visits import SheetRequest, sheet_file, sheets_for

    store = state(ctx).store()
    data = store.load(("organisation", "person", "contact", "network"))
    filters = Filters.resolved(
        data.config,
        status=status,
        field=field,
        district=district,
        language=language,
        need=need,
        tag=tag,
        stale=stale,
    )
    request = SheetRequest(org_id, all_, filters, dt.date.today())
    orgs, html = sheets_for(data, request, store.root)
    target = output or Path(sheet_file(request))
    write_output(target, html.encode("utf-8"))
    done(_sheet_written(len(orgs), target))


def _sheet_written(count: int, target: Path) -> str:
    from mokoord.i18n import ngettext

    return ngettext(
        "data sheet of {n} organisation written to {file}",
        "data sheets of {n} organisations written to {file}",
        count,
    ).format(n=count, file=target)


@app.command(rich_help_panel=PANEL)
def verified(
    ctx: typer.Context,
    org_id: Annotated[str, typer.Argument(metavar="ID", help="The organisation's id.")],
    date: Annotated[
        str | None, typer.Option("--date", help="Day of the visit (default: today).")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", "-t", help="Topic of the visit's contact (repeatable)."),
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record that an organisation's data were checked with it: last verified, and the visit.

    Sets last_verified and logs a contact (channel visit) unless a visit of
    that day is logged already: one commit. list --stale and the agenda then
    leave the organisation out until it is due again.

    Example: [bold]mokoord verified elternverein-biebrich --date 14.03.2023[/]
    """
    from mokoord.register import get_org
    from mokoord.visits import VerifiedRequest, plan_verified

    store = state(ctx).store()
    today = dt.date.today()
    request = VerifiedRequest(
        org_id, parse_date_option(date, "--date") or today, tuple(topic or ()), today
    )

    def make() -> "Plan":
        data = store.load(("organisation", "contact"))
        org, day = get_org(data, org_id), data.contacts_between(request.on, request.on)
        return plan_verified(org, day, request, data.config, store.taken("contact"))

    run_plan(store, make, commit=not no_commit)
