"""``mokoord report``: the yearly evaluation (§3.3) as Markdown, HTML or JSON."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import done, left_out_note, parse_date_option, state


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
            help="Language of the report: de or en. Default: the language of everything "
            "else (the global --lang, $MOKOORD_LANG, the store's language:).",
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

    from mokoord import formatting
    from mokoord.i18n import _, language
    from mokoord.report.indicators import REPORT_KINDS, build_report
    from mokoord.report.render import render
    from mokoord.report.request import ReportRequest

    request = ReportRequest.of(
        year=year,
        start=parse_date_option(date_from, "--from"),
        end=parse_date_option(date_to, "--to"),
        fmt=fmt,
        output=output,
        lang=lang or language(),
    )
    generated = parse_date_option(today, "--today") or dt.date.today()
    st = state(ctx)
    data = st.load(REPORT_KINDS)
    if strict:
        data.require_complete()
    model = build_report(data, request.period, today=generated, anonymous=anonymous)
    text = render(model, request.format, lang=request.lang, store_root=st.store().root)
    if output is None:
        _show(text, request.format)
        return
    from mokoord.faults import write_output

    write_output(output, text.encode("utf-8"))
    note = left_out_note(data)
    message = _("report {start} – {end} ({format}, {lang}) written to {path}").format(
        start=formatting.date(request.period.start, language()),
        end=formatting.date(request.period.end, language()),
        format=request.format,
        lang=request.lang,
        path=output,
    )
    done(message + (f"; {note}" if note else ""))


def _show(text: str, fmt: str) -> None:
    """The report on the terminal: Markdown drawn by rich at a terminal, else as it is."""
    if fmt == "md" and sys.stdout.isatty():
        from rich.markdown import Markdown

        from mokoord.cli._common import console

        console().print(Markdown(text))
        return
    sys.stdout.write(text)
    sys.stdout.flush()
