"""What ``mokoord report`` is asked for: the period, the format and the language.

:class:`ReportRequest` checks the combination of options once, with messages
in the current language; the command then builds and renders the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from mokoord import formatting
from mokoord.errors import UsageError
from mokoord.i18n import LANGUAGES, _, language, normalise_language
from mokoord.report.indicators import Period, year_period
from mokoord.report.render import FORMATS, Format

SUFFIXES: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
"""The format a file's extension names (``--output bericht.html``)."""


@dataclass(frozen=True)
class ReportRequest:
    """A report: which period, in which format and language."""

    period: Period
    format: Format
    lang: str

    @classmethod
    def of(
        cls,
        *,
        year: int | None,
        start: dt.date | None,
        end: dt.date | None,
        fmt: str | None,
        output: Path | None,
        lang: str,
    ) -> ReportRequest:
        """The request the options make; a :class:`UsageError` when they do not fit.

        ``lang`` is the report's ``--lang`` if given, else the language of the
        command line (global ``--lang``, ``$MOKOORD_LANG``, the store's).
        """
        return cls(report_period(year, start, end), report_format(fmt, output), report_lang(lang))


def report_period(year: int | None, start: dt.date | None, end: dt.date | None) -> Period:
    """``--year`` or ``--from`` and ``--to``: the period to report on."""
    if year is not None and (start or end):
        raise UsageError(_("give either --year or --from/--to, not both"))
    if year is not None:
        return year_period(year)
    if start is not None and end is not None:
        if end < start:
            raise UsageError(
                _("--to ({end}) lies before --from ({start})").format(
                    end=formatting.date(end, language()), start=formatting.date(start, language())
                )
            )
        return Period(start, end)
    if start is not None or end is not None:
        raise UsageError(_("give both --from and --to (or --year)"))
    raise UsageError(
        _("which period? give --year YEAR, or --from DATE and --to DATE"),
        hint=_("for example: mokoord report --year 2023"),
    )


def report_format(fmt: str | None, output: Path | None) -> Format:
    """``--format``, else what the ``--output`` file's extension says, else Markdown."""
    if fmt is None:
        if output is None:
            return "md"
        guessed = SUFFIXES.get(output.suffix.lower())
        if guessed is None:
            raise UsageError(
                _("cannot tell the format from '{name}'").format(name=output.name),
                hint=_("name the file .md, .html or .json, or pass --format"),
            )
        return guessed
    chosen = fmt.strip().lower()
    if chosen not in FORMATS:
        raise UsageError(
            _("--format: '{value}' is not one of {allowed}").format(
                value=fmt, allowed=", ".join(FORMATS)
            )
        )
    return chosen


def report_lang(lang: str) -> str:
    """The report's language code (``de``, ``Deutsch``, ``EN`` …)."""
    code = normalise_language(lang)
    if code is None:
        raise UsageError(
            _("--lang: '{value}' is not one of {allowed}").format(
                value=lang, allowed=", ".join(LANGUAGES)
            )
        )
    return code
