"""The register: ``add-org``, ``add-person``, ``show``, ``list``, ``search``, ``set``,
``edit``, ``status``, ``add-need``, ``close-need``, ``history``."""

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

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
from mokoord.cli._output import CsvOption, FormatOption, Output, OutputOption, emit

if TYPE_CHECKING:
    from pathlib import Path

    from mokoord.dataset import Dataset
    from mokoord.exchange.dedupe import Lookup
    from mokoord.models import Config, Organisation
    from mokoord.plans import Plan
    from mokoord.store import Store

PANEL = "Register"

OrgIdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The organisation's id (see: mokoord search).")
]


def _vocab_choices(config: "Config", name: str) -> dict[str, str]:
    return {key: label.de for key, label in config.vocabularies.terms(name).items()}


def _check_terms(problems: list[str]) -> None:
    from mokoord.errors import UsageError

    if problems:
        raise UsageError(
            problems[0],
            hint="; ".join(problems[1:])
            or "the terms are declared in mokoord.yaml under vocabularies",
        )


def _validated_org(data: dict[str, Any], config: "Config", what: str) -> "Organisation":
    """Validate plain data as an organisation, vocabulary terms included."""
    from mokoord.models import Organisation
    from mokoord.register import organisation_term_problems
    from mokoord.validation import validate_input

    org = validate_input(Organisation, data, what=what)
    _check_terms(organisation_term_problems(org, config))
    return org


def _load(ctx: typer.Context) -> "tuple[Store, Dataset]":
    st = state(ctx)
    store = st.store()
    return store, store.load()


def _org_file(store: "Store", org_id: str) -> "Path":
    """The organisation's file (valid or not), or an error naming the closest ids."""
    from mokoord.register import not_found

    path = store.find_file("organisation", org_id)
    if path is None:
        raise not_found(store.load(("organisation",)), org_id)
    return path


def _repo_relative(repo: "Path", path: "Path") -> str:
    """``path`` relative to the git repository's root, as git names it."""
    return path.resolve().relative_to(repo.resolve()).as_posix()


def _read_org(store: "Store", org_id: str) -> "Organisation":
    """The organisation as it is on disk now (inside a Change: under the lock)."""
    from mokoord.errors import NotFound
    from mokoord.models import Organisation
    from mokoord.register import not_found

    try:
        return store.get(Organisation, org_id)
    except NotFound:
        raise not_found(store.load(("organisation",)), org_id) from None


# --------------------------------------------------------------------------- add-org


@app.command("add-org", rich_help_panel=PANEL)
def add_org(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Name as the organisation writes it.")
    ] = None,
    org_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the name).")
    ] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name it goes by (repeatable).")
    ] = None,
    district: Annotated[
        str | None, typer.Option("--district", help="District term (vocabularies.districts).")
    ] = None,
    fields: Annotated[
        list[str] | None, typer.Option("--field", "-f", help="Field of activity (repeatable).")
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
            help="Legal form term, e.g. registered_association (the default for a name ending in e.V.).",
        ),
    ] = None,
    religion: Annotated[
        str | None, typer.Option("--religion", help="Religion term, if any.")
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
    vocabularies as choices); in a script, --name is required. When the
    register holds an organisation of the same name (case, accents, umlaut
    spellings, punctuation and legal form aside) you are asked before a
    duplicate is created (without a terminal: refused unless --force); a name
    that only looks alike is listed as a warning. Languages and countries are
    accepted as codes or names (--language Ukrainisch --origin Türkei).

    Example: [bold]mokoord add-org --name "Elternverein Biebrich e.V." --district Biebrich --field Bildung --field "Eltern und Familie" --language Türkisch[/]
    """
    from mokoord import codes
    from mokoord.cli import prompts
    from mokoord.errors import UsageError
    from mokoord.exchange.dedupe import organisation_duplicates
    from mokoord.i18n import _
    from mokoord.register import normalise_status
    from mokoord.slugs import is_valid_id, legal_form_from_name, unique
    from mokoord.slugs import org_id as make_id
    from mokoord.store import Change

    store, data = _load(ctx)
    config = data.config
    asking = prompts.interactive()
    name = prompts.require(name, "--name", "Name of the organisation")
    found = organisation_duplicates(data.organisations.values(), name)
    _warn_duplicates(data, found)
    if found.same is not None and not force:
        if not asking:
            raise UsageError(
                _("not created: this organisation is in the register already"),
                hint=_("check it above; pass --force to create it anyway"),
            )
        if not prompts.confirm(_("Create a new organisation anyway?"), default=False):
            raise UsageError(_("not created: this organisation is in the register already"))
    if legal_form is None:
        legal_form = legal_form_from_name(name, config.vocabularies.legal_forms)  # as import does
    if asking:
        if district is None and config.vocabularies.districts:
            district = prompts.choose(
                "District:", _vocab_choices(config, "districts"), optional=True
            )
        if not fields and config.vocabularies.fields:
            fields = prompts.choose_many("Fields of activity:", _vocab_choices(config, "fields"))
        if legal_form is None and config.vocabularies.legal_forms:
            legal_form = prompts.choose(
                "Legal form:", _vocab_choices(config, "legal_forms"), optional=True
            )
    status = normalise_status(status)
    if status == "declined" and not reason:
        reason = prompts.require(reason, "--reason", "Why is cooperation ruled out (§2.4)?")
    if org_id is not None and not is_valid_id(org_id):
        raise UsageError(
            f"--id '{org_id}' is not a valid id",
            hint="lower-case letters and digits joined by hyphens, e.g. elternverein-biebrich",
        )
    today = dt.date.today()
    since = parse_date_option(known_since, "--known-since") or today
    record: dict[str, Any] = {
        "id": org_id or "placeholder",
        "name": name,
        "aliases": alias or [],
        "status": status,
        "status_since": since,
        "status_reason": reason,
        "known_since": since,
        "legal_form": legal_form,
        "district": district,
        "fields": fields or [],
        "languages": codes.languages().resolve_all(language or [], "--language"),
        "origins": codes.countries().resolve_all(origin or [], "--origin"),
        "religion": religion,
        "website": website,
        "email": email,
        "phone": phone,
        "tags": tag or [],
        "notes": notes,
        "last_verified": today,
    }
    address = {
        k: v for k, v in {"street": street, "postal_code": postal_code, "city": city}.items() if v
    }
    if address:
        record["address"] = address
    record = {key: value for key, value in record.items() if value not in (None, [])}
    _validated_org(record, config, "not created")
    with Change(store, "add-org", commit=not no_commit) as change:
        if org_id is None:
            taken = {path.stem for path in store.files("organisation")}
            record["id"] = unique(make_id(name), taken)
        org = _validated_org(record, config, "not created")
        change.message = f"add-org {org.id}"
        change.create(org)
    typer.echo(org.id)
    done(f"added {org.id}" + (f" (commit {change.commit_id[:8]})" if change.commit_id else ""))


def _warn_duplicates(data: "Dataset", found: "Lookup") -> None:
    """List the organisation a new one duplicates, and those it only looks like."""
    from mokoord.i18n import _

    out = err_console()
    if found.same is not None:
        out.print(
            "[yellow]" + _("warning:") + "[/] " + _("this organisation is in the register already:")
        )
    elif found.similar:
        out.print(
            "[yellow]"
            + _("warning:")
            + "[/] "
            + _(
                "this looks like an organisation in the register; possibly the same — please check:"
            )
        )
    for match in [*([found.same] if found.same else []), *found.similar]:
        org = data.organisations[match.key]
        line = (
            _("the same register number")
            if match.how == "register"
            else _("the same name as '{name}'").format(name=match.name)
            if match.how == "name"
            else _("{score} % alike '{name}'").format(score=round(match.score), name=match.name)
        )
        out.print(f"  {match.key}  {_esc(org.name)}  ({org.status}; {line})", highlight=False)


# --------------------------------------------------------------------------- add-person


@app.command("add-person", rich_help_panel=PANEL)
def add_person(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    name: Annotated[str | None, typer.Option("--name", "-n", help="The person's name.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Role: chair, treasurer, youth worker…")
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
            "--legal-basis", help="consent, contract, public_task or legitimate_interest."
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
        typer.Option("--consent-scope", help="What was agreed: contact, newsletter… (repeatable)."),
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
    default) the consent's date is required.

    Example: [bold]mokoord add-person elternverein-biebrich --name "Ayşe Beispiel" --role Vorsitz --email vorsitz@example.org --consent-date heute --consent-scope Kontaktaufnahme[/]
    """
    from mokoord import codes
    from mokoord.cli import prompts
    from mokoord.models import Person
    from mokoord.register import get_org, term_problems
    from mokoord.slugs import random_suffix
    from mokoord.store import Change
    from mokoord.validation import validate_input

    store, data = _load(ctx)
    get_org(data, org_id)
    name = prompts.require(name, "--name", "Name of the contact person")
    if role is None and prompts.interactive():
        role = (
            str(typer.prompt("Role (Enter to skip)", default="", show_default=False)).strip()
            or None
        )
    consent: dict[str, Any] | None = None
    if legal_basis == "consent":
        raw_date = prompts.require(
            consent_date, "--consent-date", "Date of consent (e.g. today, 14.03.2023)"
        )
        scopes = consent_scope or []
        if not scopes and prompts.interactive():
            scopes = prompts.choose_many(
                "Consent covers:", _vocab_choices(data.config, "consent_scopes")
            )
        _check_terms(term_problems(data.config, "consent_scopes", scopes, "--consent-scope"))
        consent = {"date": parse_date_option(raw_date, "--consent-date"), "scope": scopes}
        if consent_source:
            consent["source"] = consent_source
    elif consent_date:
        consent = {
            "date": parse_date_option(consent_date, "--consent-date"),
            "scope": consent_scope or [],
        }
    fields: dict[str, Any] = {
        "name": name,
        "organisation": org_id,
        "role": role,
        "email": email,
        "phone": phone,
        "languages": codes.languages().resolve_all(language or [], "--language"),
        "legal_basis": legal_basis,
        "consent": consent,
        "recorded": dt.date.today(),
    }
    fields = {key: value for key, value in fields.items() if value not in (None, [])}
    with Change(store, "add-person", commit=not no_commit) as change:
        taken = {path.stem for path in store.files("person")}
        person_id = f"p-{random_suffix(6)}"
        while person_id in taken:
            person_id = f"p-{random_suffix(6)}"
        person = validate_input(Person, {"id": person_id, **fields}, what="not added")
        change.message = f"add-person {person.id} ({org_id})"
        change.create(person)
    typer.echo(person.id)
    done(
        f"added {person.id} to {org_id}"
        + (f" (commit {change.commit_id[:8]})" if change.commit_id else "")
    )


# --------------------------------------------------------------------------- show


@app.command(rich_help_panel=PANEL)
def show(ctx: typer.Context, org_id: OrgIdArgument, json_output: JsonOption = False) -> None:
    """Everything about one organisation: register data, persons, needs, status, activity.

    Shows the record, its contact persons, its needs, its status with dates
    and history, and a summary of contacts, referrals, events, cooperations
    and funding applications. --json prints the same as data (keys in
    docs/register.md).

    Example: [bold]mokoord show elternverein-biebrich[/]
    """
    from rich.table import Table

    from mokoord import formatting as fmt
    from mokoord.i18n import _
    from mokoord.register import summary

    _store, data = _load(ctx)
    info = summary(data, org_id)
    if json_output:
        print_json(info)
        return
    org = data.organisations[org_id]
    vocab = data.config.vocabularies
    out = console()
    out.print(f"[bold]{_esc(org.name)}[/]  [dim]{org.id}[/]")
    if org.aliases:
        out.print(f"  also: {_esc(', '.join(org.aliases))}")
    status = fmt.label(fmt.STATUS_LABELS, org.status)
    out.print(
        f"  Status: [bold]{status}[/]"
        + (f" seit {fmt.date(org.status_since)}" if org.status_since else "")
    )
    if org.status_reason:
        out.print(f"    Grund: {_esc(org.status_reason)}")
    for change in reversed(org.status_history):
        out.print(
            f"    vorher: {fmt.label(fmt.STATUS_LABELS, change.status)} seit {fmt.date(change.since)}"
        )
    rows: list[tuple[str, str]] = []

    def add(label: str, value: object) -> None:
        if value not in (None, "", []):
            rows.append((label, str(value)))

    add("Rechtsform", vocab.label("legal_forms", org.legal_form) if org.legal_form else None)
    if org.registration:
        add("Vereinsregister", f"{org.registration.court or ''} {org.registration.number}".strip())
    add("Gegründet", org.founded)
    add("Stadtteil", vocab.label("districts", org.district) if org.district else None)
    if org.address:
        add(
            "Adresse",
            ", ".join(
                p
                for p in (
                    org.address.street,
                    f"{org.address.postal_code or ''} {org.address.city or ''}".strip(),
                )
                if p
            ),
        )
    add("Tätigkeitsfelder", ", ".join(vocab.label("fields", f) for f in org.fields))
    add("Sprachen", ", ".join(org.languages))
    add("Herkunft", ", ".join(org.origins))
    add("Religion", vocab.label("religions", org.religion) if org.religion else None)
    if org.members:
        add("Mitglieder", org.members.count)
    add("Angebote", ", ".join(vocab.label("offered_formats", f) for f in org.offered_formats))
    add("Netzwerke", ", ".join(org.networks))
    add("Website", org.website)
    add("E-Mail", org.email)
    add("Telefon", org.phone)
    add("Tags", ", ".join(org.tags))
    add("Bekannt seit", fmt.date(org.known_since) if org.known_since else None)
    add(
        "Geprüft",
        (fmt.date(org.last_verified) if org.last_verified else "nie")
        + (" (veraltet)" if info["stale"] else ""),
    )
    add("Datei", info["file"])
    for label, value in rows:
        out.print(f"  {label + ':':<18} {_esc(value)}")
    if org.goals:
        out.print(f"  Ziele: {_esc(org.goals)}")
    if org.notes:
        out.print(f"  Notizen: {_esc(org.notes)}")

    persons = [p for p in data.persons.values() if p.organisation == org_id]
    out.print(f"\n[bold]Ansprechpersonen[/] ({len(persons)})")
    if persons:
        table = Table(box=None, pad_edge=False)
        for column in ("id", "Name", "Rolle", "E-Mail", "Telefon", "Einwilligung"):
            table.add_column(column)
        for person in sorted(persons, key=lambda p: p.id):
            consent = (
                f"{fmt.date(person.consent.date)} ({', '.join(person.consent.scope)})"
                if person.consent
                else person.legal_basis or ""
            )
            if person.consent_withdrawn and person.consent and person.consent.withdrawn:
                consent = _("withdrawn on {date}").format(date=fmt.date(person.consent.withdrawn))
            table.add_row(
                person.id,
                _esc(person.display_name),
                _esc(person.role or ""),
                person.email or "",
                person.phone or "",
                consent,
            )
        out.print(table)

    out.print(f"\n[bold]Bedarfe[/] ({len(org.open_needs)} offen)")
    for need in org.needs:
        state_label = fmt.label(fmt.NEED_STATUS_LABELS, need.status)
        dates = f"seit {fmt.date(need.since)}" if need.since else ""
        if need.closed:
            dates += f", geschlossen {fmt.date(need.closed)}"
        note = f" – {_esc(need.note)}" if need.note else ""
        out.print(
            f"  {_esc(vocab.label('need_categories', need.category))} \\[{need.category}]: {state_label} {dates}{note}"
        )

    contacts = info["contacts"]
    out.print(
        f"\n[bold]Kontakte[/]: {contacts['count']}"
        + (f", zuletzt {fmt.date(contacts['last'])}" if contacts["last"] else "")
        + (f", {contacts['planned']} geplant" if contacts["planned"] else "")
    )
    for contact in contacts["recent"]:
        out.print(
            f"  {fmt.date(contact['date'])} {vocab.label('channels', contact['channel'])}: {_esc(contact['summary'][:70])}"
        )
    out.print(f"[bold]Verweise[/]: {len(info['referrals'])}")
    for ref in info["referrals"]:
        out.print(
            f"  {fmt.date(ref['date'])} → {_esc(ref['institution_name'] or ref['institution'])}: {fmt.label(fmt.OUTCOME_LABELS, ref['outcome'])}"
        )
    out.print(f"[bold]Veranstaltungen[/]: {len(info['events'])}")
    for event in info["events"]:
        out.print(
            f"  {fmt.date(event['date'])} {_esc(event['title'])} ({', '.join(event['roles'])})"
        )
    out.print(f"[bold]Kooperationen[/]: {len(info['cooperations'])}")
    for coop in info["cooperations"]:
        until = f" bis {fmt.date(coop['until'])}" if coop["until"] else ""
        out.print(
            f"  mit {coop['partner']} seit {fmt.date(coop['since'])}{until}: {_esc(coop['topic'])}"
        )
    out.print(f"[bold]Förderanträge[/]: {len(info['applications'])}")
    for app_ in info["applications"]:
        out.print(
            f"  {app_['year']} {_esc(app_['title'])}: {fmt.label(fmt.APPLICATION_STATUS_LABELS, app_['status'])}, {fmt.money(app_['requested'])}"
        )


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


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
        str | None, typer.Option("--language", help="Language: name or code (Türkisch, tr).")
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
    contacted, in dialogue, cooperating).

    Example: [bold]mokoord list --district Biebrich --field Jugend --stale[/]
    """
    from mokoord.cli.views.register import ORGANISATIONS
    from mokoord.register import Filters, list_rows

    out = Output.of(fmt, output, json_output, csv_output)
    _, data = _load(ctx)
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
    emit(ORGANISATIONS, list_rows(data, filters), out, config=data.config)


# --------------------------------------------------------------------------- search


@app.command(rich_help_panel=PANEL)
def search(
    ctx: typer.Context,
    text: Annotated[
        list[str], typer.Argument(metavar="WORD...", help="Words to find (all must appear).")
    ],
    json_output: JsonOption = False,
) -> None:
    """Find organisations by name, alias, id, goals, notes or a contact person's name.

    Case and accents do not matter ("turk" finds "Türk", "ozturk" finds
    "Öztürk"); results are ranked, name matches first.

    Example: [bold]mokoord search elternverein bieb[/]
    """
    from mokoord import formatting as fmt
    from mokoord.register import search as run_search

    _, data = _load(ctx)
    hits = run_search(data, " ".join(text))
    if json_output:
        print_json(
            [
                {
                    "id": h.org.id,
                    "name": h.org.name,
                    "status": h.org.status,
                    "score": h.score,
                    "matched": h.matched,
                }
                for h in hits
            ]
        )
        return
    if not hits:
        err_console().print("nothing found")
        raise typer.Exit(1)
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("id", "Name", "Status", "gefunden in"):
        table.add_column(column)
    for hit in hits:
        table.add_row(
            hit.org.id,
            _esc(hit.org.name),
            fmt.label(fmt.STATUS_LABELS, hit.org.status),
            ", ".join(hit.matched),
        )
    console().print(table)


# --------------------------------------------------------------------------- set


@app.command("set", rich_help_panel=PANEL)
def set_(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE...",
            help="KEY=VALUE, KEY+=ITEM, KEY-=ITEM (dotted keys).",
            show_default=False,
        ),
    ],
    no_commit: NoCommitOption = False,
) -> None:
    """Change fields of an organisation: KEY=VALUE, lists with += and -=.

    Keys are dotted as in the file (address.postal_code, members.count,
    needs.0.note). Dates accept 2023-03-14, 14.03.2023 and today; lists take
    comma-separated items; null (or an empty value) clears a key. The whole
    record is validated before anything is written, and the file keeps its
    comments and layout: only the changed lines differ.

    Example: [bold]mokoord set elternverein-biebrich address.postal_code=65203 fields+=Jugend fields-=Sport last_verified=heute[/]
    """
    from mokoord.dataset import plain
    from mokoord.edits import apply_assignments, parse_assignment
    from mokoord.models import Organisation
    from mokoord.store import Change

    parsed = [parse_assignment(text) for text in assignments]
    store = state(ctx).store()
    with Change(store, f"set {org_id}", commit=not no_commit) as change:
        old = _read_org(store, org_id)
        new_data = apply_assignments(plain(old), parsed, Organisation)
        new = _validated_org(new_data, store.config, "not changed")
        if new == old:
            err_console().print("nothing to change: the values are already so")
            return
        keys = ", ".join(dict.fromkeys(a.key for a in parsed))
        change.message = f"set {org_id}: {keys}"
        change.save(new, previous=old)
    done(f"updated {org_id}" + (f" (commit {change.commit_id[:8]})" if change.commit_id else ""))


# --------------------------------------------------------------------------- edit


@app.command(rich_help_panel=PANEL)
def edit(ctx: typer.Context, org_id: OrgIdArgument, no_commit: NoCommitOption = False) -> None:
    """Edit an organisation's YAML file in $VISUAL or $EDITOR, validated on save.

    You edit a copy. When you save a file with problems, all of them are
    listed at the top of the file; at a terminal you choose to open the editor
    again or to discard your changes (in a script it stops after three
    rounds). Quitting without saving keeps the original untouched. A file
    that cannot be read (wrong encoding, invalid YAML, git conflict markers)
    opens as it is, so that you can repair it. The id cannot change here.

    Example: [bold]EDITOR=nano mokoord edit elternverein-biebrich[/]
    """
    from mokoord.cli import prompts
    from mokoord.editing import EditSession, editor_command, save_edit
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    store = state(ctx).store()
    editor = editor_command()
    if not editor:
        raise UsageError(
            "no editor: set $VISUAL or $EDITOR",
            hint="e.g. export EDITOR=nano, or change single fields with: mokoord set ID KEY=VALUE",
        )
    path = _org_file(store, org_id)
    relative = store.relative(path)
    session = EditSession(
        relative,
        org_id,
        store.config,
        path.read_bytes(),
        run_editor=lambda copy: _run_editor(editor, copy),
        ask_reopen=_ask_reopen if prompts.interactive() else None,
    )
    content = session.run()
    if content is None:
        err_console().print(_("no changes; {path} is unchanged").format(path=relative))
        return
    change = save_edit(
        store, path, session.original, content, message=f"edit {org_id}", commit=not no_commit
    )
    done(f"saved {relative}" + (f" (commit {change.commit_id[:8]})" if change.commit_id else ""))


def _run_editor(editor: str, copy: "Path") -> int:
    import shlex
    import subprocess

    from mokoord.errors import UsageError
    from mokoord.i18n import _

    try:
        return subprocess.run([*shlex.split(editor), str(copy)], check=False).returncode
    except OSError as exc:
        raise UsageError(
            _("cannot start the editor '{editor}': {reason}").format(
                editor=editor, reason=exc.strerror or exc
            )
        ) from None


def _ask_reopen(problems: list[str]) -> bool:
    from mokoord.cli import prompts
    from mokoord.i18n import _, ngettext

    out = err_console()
    out.print(
        "[yellow]"
        + _esc(
            ngettext(
                "the saved file has {n} problem:", "the saved file has {n} problems:", len(problems)
            ).format(n=len(problems))
        )
        + "[/]",
        soft_wrap=True,
    )
    for problem in problems:
        out.print("  " + _esc(problem), soft_wrap=True)
    choice = prompts.choose(
        _("What now?"),
        {"reopen": _("re-open the editor"), "discard": _("discard the changes, keep the original")},
        default="reopen",
    )
    return choice == "reopen"


# --------------------------------------------------------------------------- status and needs


@app.command(rich_help_panel=PANEL)
def status(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="NEW_STATUS",
            help="known, contacted, in_dialogue, cooperating, inactive, dissolved, declined.",
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required for declined).")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Since when (default: today).")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Move an organisation along the pipeline; the old status goes to its history.

    known → contacted → in_dialogue → cooperating; or inactive, dissolved,
    declined. Declining (§2.4) needs --reason.

    Example: [bold]mokoord status elternverein-biebrich "im Gespräch" --date 14.03.2023[/]
    """
    from mokoord.plans import apply
    from mokoord.register import StatusRequest, plan_status

    store = state(ctx).store()
    request = StatusRequest(
        org_id, new_status, on=parse_date_option(date, "--date") or dt.date.today(), reason=reason
    )

    def make() -> "Plan":
        org = _read_org(store, org_id)
        created = _created(store, org) if org.status_since is org.known_since is None else None
        return plan_status(org, replace(request, created=created), store.config)

    plan = make()
    applied = apply(store, plan, commit=not no_commit, replan=make)
    done(applied.plan.summary + _committed(applied.short_commit))


def _created(store: "Store", org: "Organisation") -> "dt.date | None":
    """When the organisation's file was first committed (``None`` outside git)."""
    from mokoord import gitops
    from mokoord.history import first_commit_date

    repo = gitops.toplevel(store.root)
    if repo is None:
        return None
    return first_commit_date(repo, _repo_relative(repo, store.path_for(org)))


def _committed(commit: str | None) -> str:
    return f" (commit {commit})" if commit else ""


@app.command("add-need", rich_help_panel=PANEL)
def add_need(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    category: Annotated[
        str,
        typer.Argument(
            metavar="CATEGORY",
            help="Need category: advice, rooms, staff_training, education_work, funding, other.",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="A note on the need.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Since when (default: today).")
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a support need (§2.5) of an organisation, open from today.

    Example: [bold]mokoord add-need elternverein-biebrich Räume --note "Raum für Hausaufgabenhilfe"[/]
    """
    from mokoord.register import add_need as make_need
    from mokoord.register import term_problems
    from mokoord.store import Change

    store = state(ctx).store()
    _check_terms(term_problems(store.config, "need_categories", [category], "category"))
    on = parse_date_option(since, "--since") or dt.date.today()
    with Change(store, f"add-need {org_id} {category}", commit=not no_commit) as change:
        old = _read_org(store, org_id)
        new = make_need(old, category, since=on, note=note)
        change.save(new, previous=old)
    done(
        f"{org_id}: need {category} open"
        + (f" (commit {change.commit_id[:8]})" if change.commit_id else "")
    )


@app.command("close-need", rich_help_panel=PANEL)
def close_need(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    category: Annotated[str, typer.Argument(metavar="CATEGORY", help="Category of the open need.")],
    status_: Annotated[
        str, typer.Option("--status", help="met, dropped (or in_progress).")
    ] = "met",
    note: Annotated[str | None, typer.Option("--note", help="Added to the need's note.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Closed on (default: today).")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Close an organisation's open need as met or dropped.

    Example: [bold]mokoord close-need elternverein-biebrich Räume --status erfüllt[/]
    """
    from mokoord.register import close_need as make_closed
    from mokoord.store import Change

    store = state(ctx).store()
    on = parse_date_option(date, "--date") or dt.date.today()
    with Change(store, f"close-need {org_id} {category} {status_}", commit=not no_commit) as change:
        old = _read_org(store, org_id)
        new = make_closed(old, category, status=status_, on=on, note=note)
        change.save(new, previous=old)
    done(
        f"{org_id}: need {category} {status_}"
        + (f" (commit {change.commit_id[:8]})" if change.commit_id else "")
    )


# --------------------------------------------------------------------------- history


@app.command(rich_help_panel=PANEL)
def history(ctx: typer.Context, org_id: OrgIdArgument, json_output: JsonOption = False) -> None:
    """The audit trail of an organisation from git: who changed what, field by field.

    Follows the file across renames and includes its contact persons' files
    (named by id only, values of personal data are never shown).

    Example: [bold]mokoord history elternverein-biebrich[/]
    """
    from mokoord import gitops
    from mokoord.errors import GitError
    from mokoord.history import organisation_history

    store = state(ctx).store()
    path = _org_file(store, org_id)
    repo = gitops.toplevel(store.root)
    if repo is None:
        raise GitError(f"{store.root} is not in a git repository, so there is no history")
    data = store.load(("person",))
    person_paths = [
        _repo_relative(repo, store.root / source)
        for (kind, pid), source in data.sources.items()
        if kind == "person" and data.persons[pid].organisation == org_id
    ]
    entries = organisation_history(repo, _repo_relative(repo, path), sorted(person_paths))
    if json_output:
        print_json([entry.as_dict() for entry in entries])
        return
    if not entries:
        err_console().print(f"{org_id} has no committed history yet")
        return
    out = console()
    for entry in entries:
        out.print(
            f"[bold]{entry.date:%Y-%m-%d %H:%M}[/]  {_esc(entry.author)}  [dim]{entry.commit[:8]} {_esc(entry.message)}[/]"
        )
        for line in entry.changes:
            out.print(f"    {_esc(line)}")
