"""Funding programmes and applications (§2.2): commands; the rules are in mokoord.funding."""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mokoord.cli import prompts
from mokoord.cli._app import app
from mokoord.cli._common import NoCommitOption, parse_date_option, run_plan, state
from mokoord.cli._output import CsvOption, FormatOption, JsonOption, Output, OutputOption

if TYPE_CHECKING:
    from decimal import Decimal

    from mokoord.funding import DateNeeded
    from mokoord.plans import Plan
    from mokoord.store import Store

PANEL = "Funding"


@app.command("add-programme", rich_help_panel=PANEL)
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
    from mokoord.funding_plans import ProgrammeRequest, plan_programme
    from mokoord.i18n import _
    from mokoord.money import amount_option

    store = state(ctx).store()
    request = ProgrammeRequest(
        name=prompts.require(name, "--name", _("Name of the programme")),
        id=programme_id,
        funder=funder,
        max_amount=amount_option(max_amount, "--max-amount"),
        per=per,
        max_amount_without_rooms=amount_option(max_without_rooms, "--max-amount-without-rooms"),
        line_kind=line_kind,
        line_id=line_id,
        line_name=line_name,
        eligible=tuple(eligible or ()),
        budget=amount_option(budget, "--budget"),
        deadlines=tuple(deadline or ()),
        website=website,
        notes=notes,
    )

    def make() -> "Plan":
        return plan_programme(store.config, request, store.taken("programme"))

    typer.echo(run_plan(store, make, commit=not no_commit).result.id)


@app.command(rich_help_panel=PANEL)
def programmes(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List funding programmes with their lines, limits and deadlines.

    The table has a row per funding line; --json gives one object per
    programme with its lines.

    Example: [bold]mokoord programmes[/]
    """
    from mokoord.cli._output import emit_data, emit_listing
    from mokoord.cli.views.funding import PROGRAMME_LINES
    from mokoord.funding_plans import programme_line_rows, programme_row, programmes_sorted
    from mokoord.i18n import _

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("programme",))
    if out.format == "json":
        emit_data([programme_row(programme) for programme in programmes_sorted(data)], out)
        return
    emit_listing(
        PROGRAMME_LINES,
        programme_line_rows(data, dt.date.today()),
        out,
        config=data.config,
        empty=_("no programmes recorded; add one with `mokoord add-programme`"),
    )


@app.command("add-application", rich_help_panel=PANEL)
def add_application(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Applying organisation's id.")] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Programme id (mokoord programmes).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Funding year.")] = None,
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
        typer.Option(
            "--line",
            help="Funding line, by id or name (needed when the programme has several).",
        ),
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
    decided: Annotated[
        str | None,
        typer.Option("--decided", help="Date of the decision (with --status granted or rejected)."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a funding application; refused when it breaks the programme's rules.

    The rules: the amount is at most the line's limit (per project, per month
    × months, or per year; a lower limit for organisations without rooms of
    their own), and institutional funding (or a line with eligible legal
    forms) goes only to registered associations. The refusal names the rule.
    A decided application needs the date of the decision (--decided); it is
    asked for at a terminal.

    Example: [bold]mokoord add-application --org elternverein-biebrich --programme
    auslaenderbeirat --line Projektförderung --year 2024 --title "Hausaufgabenhilfe"
    --requested 2.000,00 --supported[/]
    """
    from mokoord.funding_plans import ApplicationRequest, plan_application
    from mokoord.i18n import _
    from mokoord.lookup import lookup
    from mokoord.money import amount_option

    store = state(ctx).store()
    request = ApplicationRequest(
        organisation=prompts.require(org, "--org", _("Organisation id")),
        programme=prompts.require(programme, "--programme", _("Programme id")),
        year=_year(year),
        title=prompts.require(title, "--title", _("Title of the project")),
        requested=_amount(prompts.require(requested, "--requested", _("Amount requested (EUR)"))),
        today=dt.date.today(),
        status=status,
        supported=supported,
        line=line,
        months=months,
        granted=amount_option(granted, "--granted"),
        deadline=parse_date_option(deadline, "--deadline"),
        submitted=parse_date_option(submitted, "--submitted"),
        decided=parse_date_option(decided, "--decided"),
        notes=notes,
    )

    def make(dates: dict[str, dt.date]) -> "Plan":
        data = lookup(store, ("organisation", "programme", "application"))
        return plan_application(data, _with(request, dates), store.taken("application"))

    typer.echo(_run_asking_dates(store, make, no_commit).result.id)


def _year(year: int | None) -> int:
    """``--year``, else asked for at a terminal."""
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    if year is not None:
        return year
    answer = prompts.require(None, "--year", _("Funding year"))
    if not answer.isdigit():
        raise UsageError(_("{flag}: {value} is not a year").format(flag="--year", value=answer))
    return int(answer)


def _amount(text: str) -> "Decimal":
    from mokoord.money import amount_option

    amount = amount_option(text, "--requested")
    assert amount is not None
    return amount


def _with(request: Any, dates: dict[str, dt.date]) -> Any:
    from dataclasses import replace

    return replace(request, **dates)


def _run_asking_dates(
    store: "Store", make: Callable[[dict[str, dt.date]], "Plan"], no_commit: bool
) -> "Plan":
    """:func:`run_plan`, asking at a terminal for each date a status needs
    (:class:`~mokoord.funding.DateNeeded`); without a terminal that is an error."""
    from mokoord.funding import DateNeeded

    dates: dict[str, dt.date] = {}
    while True:
        try:
            return run_plan(store, lambda: make(dates), commit=not no_commit)
        except DateNeeded as needed:
            if needed.field in dates:
                raise
            dates[needed.field] = _ask_date(needed)


def _ask_date(needed: "DateNeeded") -> dt.date:
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    if not prompts.interactive():
        raise UsageError(
            _("{problem} (no terminal to ask)").format(problem=needed.message), hint=needed.hint
        )
    day = parse_date_option(prompts.require(None, needed.flag, _(needed.question)), needed.flag)
    assert day is not None
    return day


@app.command(rich_help_panel=PANEL)
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
            help="When the status was reached (fills submitted/decided/proof_filed). "
            "Needed for a decision; asked for at a terminal.",
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
    granted/rejected → decided, proof_filed → proof_filed (--date). A
    decision always needs its date; today is taken otherwise only for an
    application of this year or a later one. Granting needs --granted.
    Without options it prints the application.

    Example: [bold]mokoord application 2024-elternverein-biebrich-hausaufgabenhilfe
    --status bewilligt --granted 1.800,00 --date 15.05.2024[/]
    """
    from mokoord.funding_plans import ApplicationChange, plan_application_change
    from mokoord.lookup import lookup
    from mokoord.models import Application
    from mokoord.money import amount_option

    store = state(ctx).store()
    request = ApplicationChange(
        application_id,
        today=dt.date.today(),
        status=status,
        granted=amount_option(granted, "--granted"),
        requested=amount_option(requested, "--requested"),
        on=parse_date_option(date, "--date"),
        supported=supported,
        deadline=parse_date_option(deadline, "--deadline"),
        notes=notes,
    )
    if request.empty:
        _show_application(store, application_id)
        return

    def make(dates: dict[str, dt.date]) -> "Plan":
        data = lookup(store, ("organisation", "programme", "application"))
        record = store.get(Application, application_id)
        return plan_application_change(record, data, _with(request, dates))

    _run_asking_dates(store, make, no_commit)


def _show_application(store: "Store", application_id: str) -> None:
    from mokoord.cli.views.funding import application_lines, print_application
    from mokoord.funding_plans import application_row
    from mokoord.lookup import lookup
    from mokoord.models import Application

    record = store.get(Application, application_id)
    data = lookup(store, ("organisation", "programme"))
    row = application_row(data, record, for_people=True)
    print_application(application_lines(row, record, store.config))


@app.command(rich_help_panel=PANEL)
def applications(
    ctx: typer.Context,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only open ones (idea, draft, submitted).")
    ] = False,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="Only this funding year.")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Only this programme's.")
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List funding applications with amounts requested and granted.

    Example: [bold]mokoord applications --year 2024 --open[/]
    """
    from mokoord.cli._output import emit_listing
    from mokoord.cli.views.funding import APPLICATIONS
    from mokoord.funding_plans import application_row, applications_summary, filter_applications
    from mokoord.i18n import _

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).load(("organisation", "programme", "application"))
    found = filter_applications(data, open_only=open_only, year=year, org=org, programme=programme)
    emit_listing(
        APPLICATIONS,
        [application_row(data, app, for_people=out.format != "json") for app in found],
        out,
        config=data.config,
        empty=_("no applications match"),
        summary=applications_summary(found),
    )
