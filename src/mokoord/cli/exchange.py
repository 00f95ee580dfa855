"""``mokoord import`` and ``mokoord export``: spreadsheets in, data out."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    done,
    left_out_note,
    print_json,
    state,
)

if TYPE_CHECKING:
    from mokoord.dataset import Dataset
    from mokoord.exchange.mapping import ColumnMapping
    from mokoord.exchange.plan import Action, Decide, Plan, Similar
    from mokoord.exchange.requests import ImportRequest
    from mokoord.exchange.tabular import Table
    from mokoord.models import Config
    from mokoord.store import Store


def _asker(config: "Config") -> "Decide":
    """``--on-duplicate ask``: what to do with a row whose record exists."""

    def ask(
        action: "Action", update: dict[str, tuple[Any, Any]], fill: dict[str, tuple[Any, Any]]
    ) -> str:
        from mokoord.cli import prompts
        from mokoord.cli.views.exchange import changes_text, kind_word
        from mokoord.exchange.plan import Action as Shown
        from mokoord.exchange.plan import match_text
        from mokoord.i18n import _

        what = f"{kind_word(action.kind)} {action.id}" + (
            f" ({action.name})" if action.name and action.kind != "person" else ""
        )
        typer.echo(
            "\n"
            + _("row {row}: {record} exists (found by {how}). The sheet differs:").format(
                row=action.row, record=what, how=match_text(action.match)
            ),
            err=True,
        )
        shown = Shown(action.row, "update", action.kind, changes=update)
        for key, line in zip(update, changes_text(config, shown, quoted=True), strict=True):
            mark = _(" (empty in the store)") if key in fill else ""
            typer.echo(f"  {line}{mark}", err=True)
        return prompts.pick_one(
            _("What to do?"),
            [
                ("skip", _("keep the record as it is")),
                ("update", _("take every value from the sheet")),
                ("fill", _("only fill the fields that are empty")),
            ],
        )

    return ask


def _confirm(action: "Action", similar: "list[Similar]") -> "Similar | None":
    """``--on-duplicate ask``: is a new record one of its look-alikes?"""
    from mokoord.cli import prompts
    from mokoord.cli.views.exchange import record_of, similar_text
    from mokoord.i18n import _

    typer.echo(
        "\n"
        + _("row {row}: {record} looks like another; possibly the same — please check:").format(
            row=action.row, record=record_of(action)
        ),
        err=True,
    )
    options = [("new", _("different: import it as a new record"))]
    options += [
        (item.id, _("the same as {similar}").format(similar=similar_text(item))) for item in similar
    ]
    chosen = prompts.pick_one(_("Which is it?"), options)
    return next((item for item in similar if item.id == chosen), None)


@app.command("import", rich_help_panel="Exchange")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file to import.", show_default=False)],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="organisations or contacts (default: guessed from the headers)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="A saved column mapping (YAML) to use.")
    ] = None,
    save_mapping: Annotated[
        Path | None,
        typer.Option("--save-mapping", help="Save the column mapping used to this YAML file."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would happen; write nothing.")
    ] = False,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="For rows matching a record: skip, update (sheet wins), fill (only empty "
            "fields) or ask (at the terminal).",
        ),
    ] = "skip",
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows and leave out invalid ones."),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Force the CSV encoding (utf-8, cp1252, …); default: detected."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX: the sheet to read (default: the first).")
    ] = None,
    legal_basis: Annotated[
        str | None,
        typer.Option(
            "--legal-basis",
            help="Legal basis of new contact persons without a consent date in the sheet: "
            "public_task, contract or legitimate_interest (asked at a terminal).",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommitOption = False,
    json_output: JsonOption = False,
) -> None:
    """Import organisations (or a contact log) from a CSV or XLSX sheet, as one commit.

    Reads CSV as German Excel writes it (semicolon or comma; UTF-8, with or
    without BOM, or Windows-1252) and XLSX. Columns are recognised by their
    German or English headers (Name/Verein, Ansprechpartner, Telefon, E-Mail,
    Straße, PLZ, Ort, Stadtteil, Tätigkeitsfeld, Sprachen, Herkunft,
    Mitglieder, Rechtsform, Registernummer, Bemerkung, …); unknown columns
    are reported. Phone numbers, e-mails, districts, fields of activity,
    languages and countries are normalised. A row is the same organisation as
    a record or an earlier row only with the same register number (VR 9014 =
    vr9014) or the same name once case, accents, umlaut spellings,
    punctuation and legal forms (e.V., gGmbH) are set aside; such rows are
    handled as --on-duplicate says. Names that are only alike are imported
    and listed as "possibly the same — please check". Contact persons become
    persons/ records. All rows are written or none (unless --skip-invalid).
    Importing the same file twice changes nothing.

    Example: [bold]mokoord import vereine.csv --dry-run[/], then
    [bold]mokoord import vereine.csv --save-mapping vereine-mapping.yaml[/]
    """
    from mokoord.cli.views import exchange as view
    from mokoord.exchange.requests import ImportRequest, read_sheet

    store = state(ctx).store()
    request = ImportRequest.of(
        store.config,
        file,
        kind=kind,
        on_duplicate=on_duplicate,
        mapping=mapping,
        save_mapping=save_mapping,
        skip_invalid=skip_invalid,
        encoding=encoding,
        sheet=sheet,
        legal_basis=legal_basis,
    )
    asking = _asking(request)
    table, columns = read_sheet(request)
    data = store.load(["organisation", "person", "network", "contact"])
    plan = _plan(data, table, columns, request, asking=asking)
    commit = None if dry_run else _apply(store, plan, request, not no_commit, json_output)
    if json_output:
        print_json({**plan.as_dict(), "dry_run": dry_run, "commit": commit})
    else:
        view.print_plan(plan, store.config, dry_run=dry_run)
        view.finish(plan, dry_run=dry_run, commit=commit, saved=save_mapping)
    if dry_run and plan.invalid_rows and not skip_invalid:
        raise typer.Exit(1)


def _plan(
    data: "Dataset",
    table: "Table",
    columns: "ColumnMapping",
    request: "ImportRequest",
    *,
    asking: bool,
) -> "Plan":
    """The import's plan; when new contact persons lack a legal basis and none was
    given, the basis asked for at a terminal and the plan made again with it."""
    from mokoord.cli import prompts
    from mokoord.cli.views.exchange import Progress
    from mokoord.exchange.importer import plan_import
    from mokoord.i18n import _
    from mokoord.vocab import choices

    config = data.config

    def make(basis: str | None) -> "Plan":
        with Progress(len(table.rows), _("reading rows")) as progress:
            return plan_import(
                table,
                columns,
                data,
                on_duplicate=request.on_duplicate,
                decide=_asker(config) if asking else None,
                confirm=_confirm if asking else None,
                progress=progress,
                legal_basis=basis,
            )

    plan = make(request.legal_basis)
    missing = any(problem.code == "legal-basis-missing" for problem in plan.problems)
    if request.legal_basis is not None or not missing or not prompts.interactive():
        return plan
    options = {k: v for k, v in choices(config, "legal_bases").items() if k != "consent"}
    chosen = prompts.choose(
        _("The sheet has contact persons without a consent date. Legal basis for them:"), options
    )
    return make(chosen) if chosen else plan


def _asking(request: "ImportRequest") -> bool:
    """Whether ``--on-duplicate ask`` asks; an error without a terminal to ask at."""
    from mokoord.cli import prompts
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    if request.on_duplicate != "ask":
        return False
    if not prompts.interactive():
        raise UsageError(
            _("--on-duplicate ask needs a terminal to ask at"),
            hint=_("choose skip, update or fill for a run without a terminal"),
        )
    return True


def _apply(
    store: "Store", plan: "Plan", request: "ImportRequest", commit: bool, json_output: bool
) -> str | None:
    """Write the plan (one commit); when it is refused, its problems first."""
    from mokoord.cli.views import exchange as view
    from mokoord.exchange.importer import apply_plan
    from mokoord.i18n import _

    try:
        with view.Progress(len(plan.writes), _("writing")) as progress:
            return apply_plan(
                store, plan, skip_invalid=request.skip_invalid, commit=commit, progress=progress
            )
    except Exception:
        if not json_output:
            view.print_plan(plan, store.config, dry_run=True, problems_only=True)
        raise


@app.command("export", rich_help_panel="Exchange")
def export(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="organisations, contacts, events, referrals or applications.", show_default=False
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, xlsx, json or hsds (organisations only). Default: from the --output "
            "file's extension, else csv.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: standard output; xlsx needs a file)."
        ),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields", help="Columns to export, comma-separated keys (e.g. id,name,district)."
        ),
    ] = None,
    anonymous: Annotated[
        bool,
        typer.Option(
            "--anonymous",
            help="Leave out persons, contact details and free text; keep what statistics need.",
        ),
    ] = False,
    personal_data: Annotated[
        bool,
        typer.Option(
            "--personal-data",
            help="Include contact persons' names, roles, e-mails and phones (left out by default).",
        ),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Only records of this year (contacts, events, referrals, applications).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse to export when a file could not be read."),
    ] = False,
) -> None:
    """Export records as CSV (German Excel), XLSX, JSON or Open Referral HSDS.

    CSV uses semicolons and UTF-8 with BOM so that German Excel opens it
    correctly; XLSX has typed cells (dates, amounts), a bold frozen header
    and filters. Cells that a spreadsheet could run as a formula (starting
    with = + - @) are neutralised. --format hsds writes organisations as HSDS 3
    organization objects for other directories. An exported CSV or XLSX of
    organisations can be imported again unchanged. Files that cannot be read
    are left out and named (--strict: an error instead, nothing written).
    Contact persons' data are left out unless asked for (--personal-data, or a
    column named in --fields); persons who withdrew their consent are never
    exported.

    Example: [bold]mokoord export organisations --format xlsx -o register.xlsx[/]
    or [bold]mokoord export contacts --year 2023 --anonymous --format csv -o kontakte.csv[/]
    """
    from mokoord.exchange.requests import ExportRequest, export_content, exported_text
    from mokoord.i18n import _, language

    store = state(ctx).store()
    request = ExportRequest.of(
        store.config,
        kind,
        fmt=fmt,
        output=output,
        fields=fields,
        anonymous=anonymous,
        personal_data=personal_data,
        year=year,
    )
    data = store.load()
    if strict:
        data.require_complete()
    content, count = export_content(data, request, language())
    note = left_out_note(data)
    what = exported_text(request.kind, count)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        if note:
            done(_("{what} exported; {note}").format(what=what, note=note))
        return
    from mokoord.faults import write_output

    write_output(output, content)
    message = _("{what} written to {path}").format(what=what, path=output)
    done(message + (f"; {note}" if note else ""))
