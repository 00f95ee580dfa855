"""The register, adding and looking up: ``add-org``, ``add-person``, ``show``,
``list``, ``search``. (Changing records: :mod:`mokoord.cli.changes`.)"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    committed,
    console,
    done,
    err_console,
    parse_date_option,
    print_json,
    state,
    warn_problems,
)
from mokoord.cli._output import (
    CsvOption,
    FormatOption,
    Output,
    OutputOption,
    emit,
    emit_listing,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from mokoord.models import Config, Organisation
    from mokoord.plans import Applied, Plan
    from mokoord.registering import AddOrganisation
    from mokoord.store import Store

PANEL = "Register"

OrgIdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The organisation's id (see: mokoord search).")
]


# --------------------------------------------------------------------------- add-org


@app.command("add-org", rich_help_panel=PANEL)
def add_org(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Option("--name", help="Name as the organisation writes it.")
    ] = None,
    org_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the name).")
    ] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name it goes by (repeatable).")
    ] = None,
    district: Annotated[
        str | None, typer.Option("--district", help="District: name or key, e.g. Biebrich.")
    ] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", help="Field of activity: name or key, e.g. Bildung (repeatable)."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language", "-l", help="Language: name or code, e.g. Türkisch, tr (repeatable)."
        ),
    ] = None,
    origin: Annotated[
        list[str] | None,
        typer.Option(
            "--origin",
            help="Region of origin: country or region, name or code, e.g. Türkei, TR, "
            "Westasien, 145 (repeatable).",
        ),
    ] = None,
    legal_form: Annotated[
        str | None,
        typer.Option(
            "--legal-form",
            help="Legal form: name or key, e.g. Initiative (a name ending in e.V. makes a "
            "registered association).",
        ),
    ] = None,
    religion: Annotated[
        str | None, typer.Option("--religion", help="Religion, if any: name or key.")
    ] = None,
    status: Annotated[str, typer.Option("--status", help="Pipeline status.")] = "known",
    reason: Annotated[
        str | None, typer.Option("--reason", help="Status reason (required for declined).")
    ] = None,
    known_since: Annotated[
        str | None, typer.Option("--known-since", help="Date first recorded (default: today).")
    ] = None,
    website: Annotated[str | None, typer.Option("--website", help="Web address.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The organisation's general e-mail.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="The organisation's general phone.")
    ] = None,
    street: Annotated[str | None, typer.Option("--street", help="Street and house number.")] = None,
    postal_code: Annotated[
        str | None, typer.Option("--postal-code", help="Postal code (five digits).")
    ] = None,
    city: Annotated[str | None, typer.Option("--city", help="Town of the address.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable).")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free notes.")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            "--allow-duplicate",
            help="Create even when the register holds an organisation of the same name.",
        ),
    ] = False,
    no_commit: NoCommitOption = False,
) -> None:
    """Add an organisation to the register and print its id.

    Missing values are asked for when you run it at a terminal (with the
    vocabularies as choices); in a script, --name is required. Terms are
    given by their name or key (--district Biebrich --field Bildung). When the
    register holds an organisation of the same name (case, accents, umlaut
    spellings, punctuation and legal form aside) you are asked before a
    duplicate is created (without a terminal: refused unless --force); a name
    that only looks alike is listed as a warning. Languages and countries are
    accepted as codes or names (--language Ukrainisch --origin Türkei).

    Example: [bold]mokoord add-org --name "Elternverein Biebrich e.V." --district Biebrich --field Bildung --field "Eltern und Familie" --language Türkisch[/]
    """
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.registering import AddOrganisation

    store = state(ctx).store()
    name = prompts.require(name, "--name", _("Name of the organisation"))
    if prompts.interactive():
        district, fields, legal_form = _ask_terms(store.config, name, district, fields, legal_form)
    request = AddOrganisation(
        name=name,
        today=dt.date.today(),
        org_id=org_id,
        aliases=tuple(alias or ()),
        district=district,
        fields=tuple(fields or ()),
        languages=tuple(language or ()),
        origins=tuple(origin or ()),
        legal_form=legal_form,
        religion=religion,
        status=status,
        reason=_declined_reason(store.config, status, reason),
        known_since=parse_date_option(known_since, "--known-since"),
        website=website,
        email=email,
        phone=phone,
        street=street,
        postal_code=postal_code,
        city=city,
        tags=tuple(tag or ()),
        notes=notes,
        force=force,
    )
    typer.echo(_create(store, request, no_commit).id)


def _create(store: "Store", request: "AddOrganisation", no_commit: bool) -> "Organisation":
    """Plan the new organisation, show what it duplicates or resembles, ask where
    needed, and write it."""
    from mokoord.registering import needs_consent, plan_organisation

    def make() -> "Plan":
        data = store.load(("organisation", "contact"))
        return plan_organisation(data, request, store.config, taken=_taken(store, "organisation"))

    plan = make()
    _warn_duplicates(plan)
    if needs_consent(plan) and not request.force:
        _consent_to_duplicate()
    org: Organisation = _apply(store, plan, make, no_commit).plan.result
    return org


def _ask_terms(
    config: "Config",
    name: str,
    district: str | None,
    fields: list[str] | None,
    legal_form: str | None,
) -> tuple[str | None, list[str] | None, str | None]:
    """At a terminal: the district, fields and legal form not given, from the vocabularies."""
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.slugs import legal_form_from_name
    from mokoord.vocab import choices, terms

    vocabularies = config.vocabularies
    if district is None and vocabularies.districts:
        district = prompts.choose(
            _("District:"),
            choices(config, "districts"),
            optional=True,
            terms=terms(config, "districts"),
        )
    if not fields and vocabularies.fields:
        fields = prompts.choose_many(
            _("Fields of activity:"), choices(config, "fields"), terms=terms(config, "fields")
        )
    if legal_form is None:
        legal_form = legal_form_from_name(name, vocabularies.legal_forms)  # as import does
    if legal_form is None and vocabularies.legal_forms:
        legal_form = prompts.choose(
            _("Legal form:"),
            choices(config, "legal_forms"),
            optional=True,
            terms=terms(config, "legal_forms"),
        )
    return district, fields, legal_form


def _declined_reason(config: "Config", status: str, reason: str | None) -> str | None:
    """The reason a declined organisation needs (§2.4): given, asked for, or an error."""
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.register import normalise_status

    if reason or normalise_status(status, config) != "declined":
        return reason
    return prompts.require(reason, "--reason", _("Why is cooperation ruled out (§2.4)?"))


def _warn_duplicates(plan: "Plan") -> None:
    """List the organisation a new one duplicates, and those it only looks like."""
    from rich.markup import escape

    from mokoord.i18n import _
    from mokoord.registering import DUPLICATE, LOOKALIKE

    alike = [problem for problem in plan.warnings if problem.code in (DUPLICATE, LOOKALIKE)]
    warn_problems([problem for problem in plan.warnings if problem not in alike])
    if not alike:
        return
    same = any(problem.code == DUPLICATE for problem in alike)
    message = (
        _("this organisation is in the register already:")
        if same
        else _("this looks like an organisation in the register; possibly the same — please check:")
    )
    out = err_console()
    out.print(f"[yellow]{escape(_('warning:'))}[/] {escape(message)}", soft_wrap=True)
    for problem in alike:
        out.print("  " + escape(problem.message), highlight=False, soft_wrap=True)


def _consent_to_duplicate() -> None:
    """Ask before creating a duplicate; without a terminal, refuse (``--force`` creates it)."""
    from mokoord.cli import prompts
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    refused = _("not created: this organisation is in the register already")
    if not prompts.interactive():
        raise UsageError(refused, hint=_("check it above; pass --force to create it anyway"))
    if not prompts.confirm(_("Create a new organisation anyway?"), default=False):
        raise UsageError(refused)


def _taken(store: "Store", kind: str) -> set[str]:
    """The ids of every file of ``kind``, readable or not (no new record may take one)."""
    return {path.stem for path in store.files(kind)}


def _apply(store: "Store", plan: "Plan", make: "Callable[[], Plan]", no_commit: bool) -> "Applied":
    """Apply ``plan`` (made again by ``make`` when stale) and confirm it on stderr."""
    from mokoord.plans import apply

    applied = apply(store, plan, commit=not no_commit, replan=make)
    done(committed(applied.plan.summary, applied.short_commit))
    return applied


# --------------------------------------------------------------------------- add-person


@app.command("add-person", rich_help_panel=PANEL)
def add_person(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Role: Vorsitz, Kassenwart/in, … or free text."),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The person's e-mail address.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The person's phone number.")] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Language: name or code (repeatable)."),
    ] = None,
    legal_basis: Annotated[
        str,
        typer.Option(
            "--legal-basis",
            help="Legal basis: consent, contract, public task or legitimate interest "
            "(name or key).",
        ),
    ] = "consent",
    consent_date: Annotated[
        str | None,
        typer.Option(
            "--consent-date", help="When consent was given (required for legal basis consent)."
        ),
    ] = None,
    consent_scope: Annotated[
        list[str] | None,
        typer.Option(
            "--consent-scope",
            help="What was agreed: name or key, e.g. Kontaktaufnahme (repeatable).",
        ),
    ] = None,
    consent_source: Annotated[
        str | None,
        typer.Option("--consent-source", help="How consent was given (form at a visit…)."),
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Add a contact person of an organisation and print the person's id.

    Persons are personal data: they live in persons/<random id>.yaml, and the
    commit message names only the ids. With the legal basis "consent" (the
    default) the consent's date is required. A role named in
    vocabularies.roles (Vorsitz, chair) is stored by its key, any other role
    as written.

    Example: [bold]mokoord add-person elternverein-biebrich --name "Ayşe Beispiel" --role Vorsitz --email vorsitz@example.org --consent-date heute --consent-scope Kontaktaufnahme[/]
    """
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.register import get_org
    from mokoord.registering import AddPerson, legal_basis_of, plan_person

    kinds = ("organisation", "person")
    store = state(ctx).store()
    data = store.load(kinds)
    get_org(data, org_id)
    name = prompts.require(name, "--name", _("Name of the contact person"))
    if role is None and prompts.interactive():
        role = prompts.ask(_("Role (Enter to skip)")).strip() or None
    basis = legal_basis_of(store.config, legal_basis)
    if basis == "consent":
        consent_date, consent_scope = _ask_consent(store.config, consent_date, consent_scope)
    request = AddPerson(
        org_id=org_id,
        name=name,
        role=role,
        email=email,
        phone=phone,
        languages=tuple(language or ()),
        legal_basis=basis,
        consent_date=parse_date_option(consent_date, "--consent-date"),
        consent_scopes=tuple(consent_scope or ()),
        consent_source=consent_source,
    )

    def make() -> "Plan":
        return plan_person(store.load(kinds), request, store.config, taken=_taken(store, "person"))

    plan = plan_person(data, request, store.config, taken=_taken(store, "person"))
    warn_problems(plan.warnings)
    applied = _apply(store, plan, make, no_commit)
    typer.echo(applied.plan.result.id)


def _ask_consent(
    config: "Config", date: str | None, scopes: list[str] | None
) -> tuple[str, list[str] | None]:
    """The consent's date (asked for at a terminal, else required) and its scopes."""
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.vocab import choices, terms

    date = prompts.require(date, "--consent-date", _("Date of consent (e.g. heute, 14.03.2023)"))
    if not scopes and prompts.interactive():
        scopes = prompts.choose_many(
            _("Consent covers:"),
            choices(config, "consent_scopes"),
            terms=terms(config, "consent_scopes"),
        )
    return date, scopes


# --------------------------------------------------------------------------- show


@app.command(rich_help_panel=PANEL)
def show(ctx: typer.Context, org_id: OrgIdArgument, json_output: JsonOption = False) -> None:
    """Everything about one organisation: register data, persons, needs, status, activity.

    Shows the record, its contact persons, its needs, its status with dates
    and history, and a summary of contacts, referrals, events, cooperations
    and funding applications, every term by its name. An organisation the
    file calls "known" that has logged contacts is shown as contacted. --json
    prints the same as data (keys in docs/register.md).

    Example: [bold]mokoord show elternverein-biebrich[/]
    """
    from mokoord.cli.views.show import print_organisation
    from mokoord.overview import summary

    data = state(ctx).store().load()
    info = summary(data, org_id)
    if json_output:
        print_json(info)
        return
    print_organisation(console(), data.organisations[org_id], info, data.config)


# --------------------------------------------------------------------------- list


@app.command("list", rich_help_panel=PANEL)
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option("--status", help="Only this status (declined shows the declined).")
    ] = None,
    field: Annotated[str | None, typer.Option("--field", help="Field of activity.")] = None,
    district: Annotated[str | None, typer.Option("--district", help="Only this district.")] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="Language: name or code (Türkisch, tr)."),
    ] = None,
    need: Annotated[
        str | None, typer.Option("--need", help="Has an open need of this category.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only with this tag.")] = None,
    stale: Annotated[
        bool,
        typer.Option(
            "--stale", help="Not verified for more than settings.stale_after_months (12)."
        ),
    ] = False,
    outreach: Annotated[
        bool,
        typer.Option(
            "--outreach", help="Only the pipeline known → cooperating (no inactive/dissolved)."
        ),
    ] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include declined organisations.")] = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List organisations, filtered; a table by default, or --json / --csv.

    Declined organisations (§2.4) never appear unless you ask for them with
    --status declined or --all. --outreach narrows to the pipeline (known,
    contacted, in dialogue, cooperating). An organisation the file calls
    "known" that has logged contacts is listed (and filtered) as contacted.

    Example: [bold]mokoord list --district Biebrich --field Jugend --stale[/]
    """
    from mokoord.cli.views.register import ORGANISATIONS
    from mokoord.i18n import _
    from mokoord.register import Filters, list_rows

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).store().load(("organisation", "person", "contact"))
    filters = Filters.resolved(
        data.config,
        status=status,
        field=field,
        district=district,
        language=language,
        need=need,
        tag=tag,
        stale=stale,
        include_declined=all_,
        outreach=outreach,
    )
    emit_listing(
        ORGANISATIONS,
        list_rows(data, filters),
        out,
        config=data.config,
        empty=_("no organisation matches these filters"),
    )


# --------------------------------------------------------------------------- search


@app.command(rich_help_panel=PANEL)
def search(
    ctx: typer.Context,
    text: Annotated[
        list[str], typer.Argument(metavar="WORD...", help="Words to find (all must appear).")
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Find organisations by name, alias, id, goals, notes or a contact person's name.

    Case and accents do not matter ("turk" finds "Türk", "ozturk" finds
    "Öztürk"); results are ranked, name matches first. A table by default, or
    --json / --csv; in a table, nothing found is exit status 1.

    Example: [bold]mokoord search elternverein bieb[/]
    """
    from mokoord.cli.views.register import FOUND
    from mokoord.i18n import _
    from mokoord.register import search_rows

    out = Output.of(fmt, output, json_output, csv_output)
    data = state(ctx).store().load(("organisation", "person", "contact"))
    rows = search_rows(data, " ".join(text))
    if not rows and not out.is_data:
        err_console().print(_("nothing found"))
        raise typer.Exit(1)
    emit(FOUND, rows, out, config=data.config)
