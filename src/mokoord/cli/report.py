"""``mokoord report``: the yearly evaluation (§3.3) as Markdown, HTML or JSON."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import done, left_out_note, parse_date_option, state

_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


@app.command(rich_help_panel="Evaluation")
def report(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="Report on this calendar year.", min=1900, max=2200),
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="First day of the period (2023-01-01 or 01.01.2023)."),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day of the period (inclusive).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html or json. Default: from the --output suffix, else md.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the terminal."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the report: de or en. Default: the store's language:.",
            show_default=False,
        ),
    ] = None,
    anonymous: Annotated[
        bool,
        typer.Option("--anonymous", help="Leave out free text (the events' notes)."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse to write the report when a file could not be read."),
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Date printed as the data's date (default: today); for reproducible files.",
            hidden=True,
        ),
    ] = None,
) -> None:
    """Write the evaluation report: every indicator for a period next to the previous one.

    Contacts, registry, trainings, exchange formats, cooperations, offered
    formats, referrals (with the referral rate) and funding, each compared with
    the previous period of equal length, plus a methods section and the data's
    completeness. German by default; --lang en for English. Without --output,
    Markdown goes to the terminal. Files that cannot be read are left out of
    every figure and named in a warning at the top of the report (--strict:
    an error instead).

    Examples: [bold]mokoord report --year 2023[/] ·
    [bold]mokoord report --year 2023 --output bericht-2023.html[/] ·
    [bold]mokoord report --from 01.07.2023 --to 31.12.2023 --format json[/]
    """
    import datetime as dt

    from mokoord.errors import UsageError
    from mokoord.report.indicators import REPORT_KINDS, Period, build_report, year_period
    from mokoord.report.render import FORMATS, render

    if year is not None and (date_from or date_to):
        raise UsageError("give either --year or --from/--to, not both")
    if year is not None:
        period = year_period(year)
    elif date_from and date_to:
        start = parse_date_option(date_from, "--from") or dt.date.min
        end = parse_date_option(date_to, "--to") or dt.date.max
        if end < start:
            raise UsageError(f"--to ({end}) lies before --from ({start})")
        period = Period(start, end)
    elif date_from or date_to:
        raise UsageError("give both --from and --to (or --year)")
    else:
        raise UsageError(
            "which period? give --year YEAR, or --from DATE and --to DATE",
            hint="for example: mokoord report --year 2023",
        )
    if fmt is None:
        fmt = "md"
        if output is not None:
            guessed = _SUFFIXES.get(output.suffix.lower())
            if guessed is None:
                raise UsageError(
                    f"cannot tell the format from '{output.name}'",
                    hint="name the file .md, .html or .json, or pass --format",
                )
            fmt = guessed
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of md, html, json")
    st = state(ctx)
    store = st.store()
    language = (lang or store.config.language).lower()
    if language not in ("de", "en"):
        raise UsageError(f"--lang: '{lang}' is not one of de, en")
    generated = parse_date_option(today, "--today") or dt.date.today()
    data = st.load(REPORT_KINDS)
    if strict:
        data.require_complete()
    model = build_report(data, period, today=generated, anonymous=anonymous)
    text = render(model, fmt, lang=language, store_root=store.root)
    if output is not None:
        from mokoord.faults import write_output

        write_output(output, text.encode("utf-8"))
        note = left_out_note(data)
        done(
            f"report {period.start} – {period.end} ({fmt}, {language}) written to {output}"
            + (f"; {note}" if note else "")
        )
        return
    if fmt == "md" and sys.stdout.isatty():
        from rich.markdown import Markdown

        from mokoord.cli._common import console

        console().print(Markdown(text))
        return
    sys.stdout.write(text)
    sys.stdout.flush()
