"""``mokoord init`` and ``mokoord check``."""

from pathlib import Path
from typing import Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    done,
    err_console,
    print_json,
    print_problems,
    setup_line,
    state,
    warn,
)


@app.command(rich_help_panel="Store")
def init(
    path: Annotated[Path, typer.Argument(help="Folder for the new store (created if missing).")],
    city: Annotated[str | None, typer.Option(help="City name shown in reports.")] = None,
    no_commit: Annotated[
        bool, typer.Option("--no-commit", help="Do not create a git repository or commit.")
    ] = False,
) -> None:
    """Create a new, empty store with its configuration and a git repository.

    Writes mokoord.yaml with the default vocabularies (adapt them to your city),
    a .gitignore for caches and a .gitattributes that lets clones merge records
    field by field, and makes a first commit. Inside an existing git
    repository the store is committed there instead.

    Example: [bold]mokoord init ~/mo-register --city Wiesbaden[/]
    """
    from mokoord.i18n import _
    from mokoord.newstore import has_own_districts, init_store
    from mokoord.together import guard_notes, guard_text

    root, commit_id = init_store(path, city=city, commit=not no_commit)
    if commit_id:
        done(_("new store in {path} (commit {commit})").format(path=root, commit=commit_id[:8]))
        done(setup_line(_("records are merged field by field (git config merge.mokoord)")))
        done(setup_line(guard_text()))
        for note in guard_notes(root):
            warn(note)
    else:
        done(_("new store in {path}").format(path=root))
    if city and has_own_districts(city):
        err_console().print(
            _(
                "note: the district list is empty; add the districts of {city} under "
                "vocabularies.districts in {file} (an example is there)"
            ).format(city=city, file=root / "mokoord.yaml"),
            soft_wrap=True,
            markup=False,
        )
    next_step = _("next: edit {file} to adapt the vocabularies, then {command}").format(
        file=root / "mokoord.yaml", command=f"mokoord --data {path} add-org"
    )
    err_console().print(next_step, soft_wrap=True, markup=False, highlight=False)


@app.command(rich_help_panel="Store")
def check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also reject terms not declared in mokoord.yaml.")
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table (one line per problem, the default) or json.",
            show_default=False,
        ),
    ] = None,
    json_output: JsonOption = False,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Judge dates as of this day (default: today).", hidden=True),
    ] = None,
) -> None:
    """Validate every file and report all problems as path:line:col: severity code message.

    Reads every file of the store (never stops at the first problem) and checks
    values, keys, ids, references between records, impossible future dates and
    open follow-ups and referrals. Exit status 1 when there is an error
    (warnings alone pass). With --json, a list of
    {path, line, column, severity, code, message}.

    Example: [bold]mokoord check --strict[/]
    """
    from mokoord.checks import check_store, count_by_severity
    from mokoord.cli._common import parse_date_option

    as_json = _check_format(fmt, json_output) == "json"
    st = state(ctx)
    st.warn_left_out = False  # every problem is this command's own output
    store = st.store()
    problems = check_store(store, strict=strict, today=parse_date_option(today, "--today"))
    counts = count_by_severity(problems)
    if as_json:
        print_json([problem.as_dict() for problem in problems])
    else:
        print_problems(problems)
        _summary(counts, str(store.root))
    if counts["error"]:
        raise typer.Exit(1)


def _check_format(fmt: str | None, json_output: bool) -> str:
    """``table`` or ``json``, from ``--format`` and ``--json``."""
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    chosen = "json" if json_output else "table"
    if fmt is not None:
        wanted = fmt.strip().lower()
        if wanted not in ("table", "json"):
            raise UsageError(
                _("--format: '{value}' is not one of {allowed}").format(
                    value=fmt, allowed="table, json"
                )
            )
        if json_output and wanted != "json":
            raise UsageError(_("choose one output format: --json, --csv or --format"))
        chosen = wanted
    return chosen


def _summary(counts: dict[str, int], root: str) -> None:
    """``✗ 1 error, 2 warnings in …`` on stderr (✓ when there is nothing)."""
    from rich.markup import escape

    from mokoord.i18n import _, ngettext

    if not counts["error"] and not counts["warning"]:
        done(_("no problems in {path}").format(path=root))
        return
    errors = ngettext("{n} error", "{n} errors", counts["error"]).format(n=counts["error"])
    warnings = ngettext("{n} warning", "{n} warnings", counts["warning"]).format(
        n=counts["warning"]
    )
    summary = _("{errors}, {warnings} in {path}").format(
        errors=errors, warnings=warnings, path=root
    )
    mark = "[red]✗[/]" if counts["error"] else "[yellow]![/]"
    err_console().print(f"{mark} {escape(summary)}", soft_wrap=True)
