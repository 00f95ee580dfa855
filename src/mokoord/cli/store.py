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
    from mokoord.store import has_own_districts, init_store

    root, commit_id = init_store(path, city=city, commit=not no_commit)
    done(f"new store in {root}" + (f" (commit {commit_id[:8]})" if commit_id else ""))
    if commit_id:
        done(setup_line(_("records are merged field by field (git config merge.mokoord)")))
    if city and has_own_districts(city):
        err_console().print(
            _(
                "note: the district list is empty; add the districts of {city} under "
                "vocabularies.districts in {file} (an example is there)"
            ).format(city=city, file=root / "mokoord.yaml"),
            soft_wrap=True,
            markup=False,
        )
    err_console().print(
        f"next: edit {root / 'mokoord.yaml'} to adapt the vocabularies, then "
        f"[bold]mokoord --data {path} add-org[/]",
        soft_wrap=True,
    )


@app.command(rich_help_panel="Store")
def check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also reject terms not declared in mokoord.yaml.")
    ] = False,
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

    st = state(ctx)
    st.warn_left_out = False  # every problem is this command's own output
    store = st.store()
    problems = check_store(store, strict=strict, today=parse_date_option(today, "--today"))
    counts = count_by_severity(problems)
    if json_output:
        print_json([problem.as_dict() for problem in problems])
    else:
        print_problems(problems)
        if not problems:
            done(f"no problems in {store.root}")
        else:
            summary = (
                f"{_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')} "
                f"in {store.root}"
            )
            mark = "[red]✗[/]" if counts["error"] else "[yellow]![/]"
            err_console().print(f"{mark} {summary}", soft_wrap=True)
    if counts["error"]:
        raise typer.Exit(1)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
