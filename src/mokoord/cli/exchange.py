"""``mokoord import`` and ``mokoord export``: spreadsheets in, data out."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    console,
    done,
    err_console,
    left_out_note,
    print_json,
    state,
)

if TYPE_CHECKING:
    from mokoord.exchange.importer import Action, Plan, Similar

PROGRESS_FROM_ROWS = 200


class _Progress:
    """A rich progress bar on stderr, only for big jobs at a terminal."""

    def __init__(self, total: int, what: str) -> None:
        self.bar: Any = None
        if total >= PROGRESS_FROM_ROWS and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(console=err_console(), transient=True)
            self.task = self.bar.add_task(what, total=total)

    def __enter__(self) -> "_Progress":
        if self.bar is not None:
            self.bar.start()
        return self

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _ask(
    action: "Action", update: dict[str, tuple[Any, Any]], fill: dict[str, tuple[Any, Any]]
) -> str:
    from mokoord.cli import prompts

    what = f"{action.kind} {action.id}" + (
        f" ({action.name})" if action.name and action.kind != "person" else ""
    )
    typer.echo(
        f"\nrow {action.row}: {what} exists (found by {action.match}). The sheet differs:", err=True
    )
    for key, (old, new) in update.items():
        mark = " (empty in the store)" if key in fill else ""
        typer.echo(f"  {key}: {old!r} → {new!r}{mark}", err=True)
    return prompts.pick_one(
        "What to do?",
        [
            ("skip", "keep the record as it is"),
            ("update", "take every value from the sheet"),
            ("fill", "only fill the fields that are empty"),
        ],
    )


def _legal_basis_option(config: Any, value: str | None) -> str | None:
    """``--legal-basis`` resolved (consent is refused: it needs its date from the sheet)."""
    if value is None:
        return None
    from mokoord.errors import UsageError
    from mokoord.i18n import _
    from mokoord.vocab import resolve

    term = resolve(config, "legal_bases", value, flag="--legal-basis")
    if term == "consent":
        raise UsageError(
            _("--legal-basis consent needs the date of each consent"),
            hint=_("add a column with the date of consent (Einwilligung am) to the sheet"),
        )
    return term


def _ask_legal_basis(config: Any) -> str | None:
    """At a terminal: the legal basis of new persons the sheet gives no consent date for."""
    from mokoord.cli import prompts
    from mokoord.i18n import _
    from mokoord.vocab import choices

    if not prompts.interactive():
        return None
    options = {k: v for k, v in choices(config, "legal_bases").items() if k != "consent"}
    chosen = prompts.choose(
        _("The sheet has contact persons without a consent date. Legal basis for them:"), options
    )
    return chosen or None


def _record_of(action: "Action") -> str:
    """How the plan names the record of an action: its name, a person's name, a summary."""
    return _short(action.name or action.id or "")


def _similar_text(item: "Similar") -> str:
    from mokoord.i18n import _

    where = (
        _("row {row}").format(row=item.row)
        if item.row is not None
        else _("{id} in the store").format(id=item.id)
    )
    return _("{where}: {name} ({score} % alike)").format(
        where=where, name=_short(item.name), score=round(item.score)
    )


def _confirm(action: "Action", similar: "list[Similar]") -> "Similar | None":
    """``--on-duplicate ask``: is a new record one of its look-alikes?"""
    from mokoord.cli import prompts
    from mokoord.i18n import _

    typer.echo(
        "\n"
        + _("row {row}: {record} looks like another; possibly the same — please check:").format(
            row=action.row, record=_record_of(action)
        ),
        err=True,
    )
    options = [("new", _("different: import it as a new record"))]
    options += [
        (item.id, _("the same as {similar}").format(similar=_similar_text(item)))
        for item in similar
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
    from mokoord.errors import UsageError
    from mokoord.exchange.importer import ON_DUPLICATE, apply_plan, plan_import
    from mokoord.exchange.mapping import (
        IMPORT_KINDS,
        build_mapping,
        guess_kind,
        mapping_text,
        read_mapping,
    )
    from mokoord.exchange.tabular import read_table

    if kind is not None and kind not in IMPORT_KINDS:
        raise UsageError(f"--kind must be one of {', '.join(IMPORT_KINDS)}, not '{kind}'")
    if on_duplicate not in ON_DUPLICATE:
        raise UsageError(
            f"--on-duplicate must be one of {', '.join(ON_DUPLICATE)}, not '{on_duplicate}'"
        )
    decide = confirm = None
    if on_duplicate == "ask":
        from mokoord.cli import prompts

        if not prompts.interactive():
            raise UsageError(
                "--on-duplicate ask needs a terminal to ask at",
                hint="choose skip, update or fill for a run without a terminal",
            )
        decide, confirm = _ask, _confirm
    saved = read_mapping(mapping) if mapping is not None else None
    table = read_table(file, encoding=encoding, sheet=sheet, display=str(file))
    chosen: Any = (
        kind or (saved.kind if saved and saved.kind else None) or guess_kind(table.headers)
    )
    columns = build_mapping(
        table.headers, chosen, display=table.path, header_row=table.header_row, saved=saved
    )
    if save_mapping is not None:
        from mokoord.faults import write_output

        write_output(save_mapping, mapping_text(columns).encode("utf-8"))
    store = state(ctx).store()
    data = store.load(["organisation", "person", "network", "contact"])
    basis = _legal_basis_option(data.config, legal_basis)
    with _Progress(len(table.rows), "reading rows") as progress:
        plan = plan_import(
            table,
            columns,
            data,
            on_duplicate=on_duplicate,
            decide=decide,
            confirm=confirm,
            progress=progress,
            legal_basis=basis,
        )
    if basis is None and any(p.code == "legal-basis-missing" for p in plan.problems):
        basis = _ask_legal_basis(data.config)
        if basis is not None:
            plan = plan_import(
                table,
                columns,
                data,
                on_duplicate=on_duplicate,
                decide=decide,
                confirm=confirm,
                legal_basis=basis,
            )
    commit_id = None
    if not dry_run:
        try:
            with _Progress(len(plan.writes), "writing") as progress:
                commit_id = apply_plan(
                    store, plan, skip_invalid=skip_invalid, commit=not no_commit, progress=progress
                )
        except Exception:
            if not json_output:
                _print_plan(plan, dry_run=True, problems_only=True)
            raise
    if json_output:
        print_json({**plan.as_dict(), "dry_run": dry_run, "commit": commit_id})
    else:
        _print_plan(plan, dry_run=dry_run)
        if save_mapping is not None:
            done(f"mapping saved to {save_mapping}")
        text = _summary_text(plan.summary())
        if dry_run:
            err_console().print(f"dry run: {text}; nothing was written")
        elif commit_id:
            done(f"imported: {text} (commit {commit_id[:8]})")
        elif plan.writes:
            done(f"imported: {text} (not committed)")
        else:
            done(f"nothing to change: {text}")
    if dry_run and plan.invalid_rows and not skip_invalid:
        raise typer.Exit(1)


def _print_plan(plan: "Plan", *, dry_run: bool, problems_only: bool = False) -> None:
    from rich.table import Table

    from mokoord.cli._common import print_problems
    from mokoord.i18n import _

    out = console()
    if not problems_only:
        mapped = [
            f"{h} → {t}"
            for h, t in zip(plan.mapping.headers, plan.mapping.targets, strict=True)
            if t
        ]
        how = ", ".join(
            part
            for part in (
                plan.table.encoding,
                {";": "semicolon", ",": "comma", "\t": "tab"}.get(plan.table.delimiter or "", ""),
                f"sheet {plan.table.sheet}" if plan.table.sheet else "",
            )
            if part
        )
        out.print(
            f"{plan.table.path} ({how}): {plan.kind}; columns: {', '.join(mapped)}", soft_wrap=True
        )
        shown = [a for a in plan.actions if a.action != "unchanged" or dry_run]
        if shown:
            table = Table(box=None, pad_edge=False)
            for header in ("row", "action", "record", "details"):
                table.add_column(header)
            style = {
                "create": "green",
                "update": "yellow",
                "skip": "dim",
                "invalid": "red",
                "unchanged": "dim",
            }
            for action in shown:
                record = f"{action.kind} {action.id or ''}".strip()
                if action.name and action.kind == "organisation":
                    record += f" ({action.name})"
                if action.changes:
                    details = "; ".join(
                        f"{key}: {_short(old)} → {_short(new)}"
                        for key, (old, new) in action.changes.items()
                    )
                elif action.similar:
                    details = _("possibly the same as {similar} — please check").format(
                        similar=_similar_text(action.similar[0])
                    )
                else:
                    details = action.reason or (f"found by {action.match}" if action.match else "")
                table.add_row(
                    str(action.row), f"[{style[action.action]}]{action.action}[/]", record, details
                )
            out.print(table)
        _print_possible_duplicates(plan)
    if plan.problems:
        print_problems(plan.problems)


def _print_possible_duplicates(plan: "Plan") -> None:
    """Each new record that looks like another, with both rows: for a person to check."""
    from mokoord.i18n import _

    listed = plan.possible_duplicates
    if not listed:
        return
    out = console()
    out.print(
        "\n[yellow]" + _("Possibly the same — please check (imported as new records):") + "[/]",
        highlight=False,
    )
    for action in listed:
        out.print(
            "  " + _("row {row}: {record}").format(row=action.row, record=_record_of(action)),
            highlight=False,
            markup=False,
        )
        for item in action.similar:
            out.print("      ~ " + _similar_text(item), highlight=False, markup=False)


def _summary_text(summary: dict[str, int]) -> str:
    """``3 created, 0 updated, …``: the counts of the import's summary line."""
    return (
        f"{summary['created']} created, {summary['updated']} updated, "
        f"{summary['unchanged']} unchanged, {summary['skipped']} skipped, "
        f"{summary['invalid']} invalid"
        + (
            f"; {summary['persons_created']} contact person(s) created"
            if summary["persons_created"]
            else ""
        )
        + _possible_duplicates_summary(summary["possible_duplicates"])
    )


def _possible_duplicates_summary(count: int) -> str:
    from mokoord.i18n import ngettext

    if not count:
        return ""
    return "; " + ngettext(
        "{n} possibly the same as another — please check",
        "{n} possibly the same as others — please check",
        count,
    ).format(n=count)


def _short(value: Any) -> str:
    text = (
        "—"
        if value in (None, "", [])
        else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    )
    return text if len(text) <= 40 else text[:39] + "…"


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
        str, typer.Option("--format", "-f", help="csv, xlsx, json or hsds (organisations only).")
    ] = "csv",
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
            "--year", help="Only records of this year (contacts, events, referrals, applications)."
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
    from mokoord.errors import UsageError
    from mokoord.exchange.exporter import EXPORT_FORMATS, EXPORT_KINDS, build_export, render

    if kind not in EXPORT_KINDS:
        raise UsageError(f"cannot export '{kind}'; choose one of {', '.join(EXPORT_KINDS)}")
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not '{fmt}'")
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx needs --output FILE")
    if output is not None and output.is_dir():
        raise UsageError(f"--output: {output} is a folder; name a file")
    if anonymous and personal_data:
        raise UsageError("choose either --anonymous or --personal-data")
    data = state(ctx).store().load()
    if strict:
        data.require_complete()
    lang = data.config.language
    if fmt == "hsds":
        import json

        from mokoord.exchange.hsds import export_hsds

        if kind != "organisations":
            raise UsageError("--format hsds exports organisations only")
        if fields or year is not None:
            raise UsageError("--fields and --year do not apply to --format hsds")
        content = (
            json.dumps(
                export_hsds(data, anonymous=anonymous, personal_data=personal_data, lang=lang),
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        ).encode("utf-8")
        count = len(json.loads(content))
    else:
        selected = [part.strip() for part in fields.split(",") if part.strip()] if fields else None
        table = build_export(
            data,
            kind,
            fields=selected,
            anonymous=anonymous,
            personal_data=personal_data,
            year=year,
            lang=lang,
        )
        content = render(table, fmt)
        count = len(table.records)
    note = left_out_note(data)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        if note:
            done(f"{count} {kind} exported; {note}")
        return
    from mokoord.faults import write_output

    write_output(output, content)
    done(f"{count} {kind} written to {output}" + (f"; {note}" if note else ""))
