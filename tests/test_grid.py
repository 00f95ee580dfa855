"""Listings' tables are drawn line by line: they must read exactly as rich's table would."""

from __future__ import annotations

from typing import Any

import pytest
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mokoord.cli._grid import Grid
from mokoord.cli._output import Column, View, table_of

VIEW = View(
    columns=[
        Column("id", "id", kind="id"),
        Column("name", "Name", kind="name"),
        Column("status", "Status", kind="text", drop=2),
        Column("notes", "Notes on what was agreed", kind="text", drop=1),
        Column("amount", "Amount", kind="int"),
        Column("day", "Date", kind="date", drop=3),
    ],
    title=lambda count: f"{count} organisations",
)

NAMES = [
    "Elternverein Biebrich",
    "Marokkanisch-Deutscher Bildungsverein Ibn Battuta e.V.",
    "Türkisch-Deutscher Frauenverein Schierstein",
    "日本語学校 Wiesbaden",
    "Vietnamesischer Verein für Entwicklungszusammenarbeit Südost e.V.",
    "A",
]
NOTES = [
    "",
    "Termin im Rathaus, danach Rückruf",
    "eine sehr lange Bemerkung ohne Ende " * 4,
    "Wort-ohne-Leerzeichen-das-viel-zu-lang-für-jede-Spalte-ist-und-gefaltet-wird",
    "zwei\nZeilen",
]


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"org-{number}-{NAMES[number % len(NAMES)][:12].lower().replace(' ', '-')}",
            "name": NAMES[number % len(NAMES)],
            "status": ["known", "contacted", "in talks"][number % 3],
            "notes": NOTES[number % len(NOTES)],
            "amount": number * 137,
            "day": f"2023-0{1 + number % 9}-1{number % 10}",
        }
        for number in range(count)
    ]


def _as_rich(grid: Grid) -> Table:
    """The same columns and cells through rich's own table."""
    table = Table(
        title=grid.title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    for column in grid.columns:
        table.add_column(
            column.header,
            no_wrap=not column.wrap,
            justify=column.justify,
            width=column.width,
            overflow="fold",
        )
    for row in grid.rows:
        table.add_row(*(escape(text) for text in row))
    return table


def _plain(renderable: Any, width: int) -> str:
    console = Console(width=width, color_system=None, highlight=False, soft_wrap=False)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 200])
@pytest.mark.parametrize("count", [0, 1, 7, 30])
def test_a_grid_reads_as_richs_table(width: int, count: int) -> None:
    table = table_of(VIEW, _rows(count), None, width=width)
    if not isinstance(table, Grid):  # too narrow: rich draws it
        assert width <= 40
        return
    expected = _plain(_as_rich(table), width)
    assert table.text() == expected
    assert _plain(table, width) == expected  # printed through rich, too
    assert all(len(line) <= width for line in expected.splitlines())


def test_names_stack_under_their_ids_when_the_line_is_narrow() -> None:
    table = table_of(VIEW, _rows(6), None, width=60)
    assert isinstance(table, Grid)
    lines = table.text().splitlines()
    assert lines[1].startswith("id / Name")
    assert any(line.startswith("org-1-marokkanisch") for line in lines)
    assert any(line.startswith("Marokkanisch-Deutscher") for line in lines)


def test_a_terminal_sees_the_header_bold_and_the_cells_styles() -> None:
    view = View(
        columns=[
            Column("id", "id", kind="id"),
            Column("due", "Due", kind="text", style=lambda row: "yellow" if row["late"] else None),
        ]
    )
    rows = [{"id": "a", "due": "overdue", "late": True}, {"id": "b", "due": "soon", "late": False}]
    table = table_of(view, rows, None, width=80)
    console = Console(width=80, force_terminal=True, color_system="standard", highlight=False)
    with console.capture() as captured:
        console.print(table)
    shown = captured.get()
    assert "\x1b[1m" in shown  # the header
    assert "\x1b[33moverdue\x1b[0m" in shown
    assert "\x1b[33msoon" not in shown
    assert _plain(table, 80) == _plain(_as_rich(table), 80)  # type: ignore[arg-type]


WRAPPED = [
    "Verein für Bildung und Integration e.V.",
    "  zwei  Leerzeichen   zwischen  den Wörtern  ",
    "Wort-ohne-Leerzeichen-das-viel-zu-lang-für-jede-Spalte-ist",
    "kurz",
    "a b c d e f g h i j k l m n o p",
    "Straße der Arbeit 12, Rückgebäude, 2. Stock links",
    "ending with spaces      ",
    "Amt für Zuwanderung und Integration – Integrationsabteilung „Süd“ … 1.000 €",
    "日本語学校 Wiesbaden",  # wide characters: left to rich
    "tab\tinside",  # control characters: left to rich
]


@pytest.mark.parametrize("width", [1, 3, 5, 8, 13, 20, 40])
@pytest.mark.parametrize("text", WRAPPED)
def test_a_wrapped_cell_breaks_where_richs_text_breaks(text: str, width: int) -> None:
    """Plain cells are wrapped without rich's console, into the very lines rich gives."""
    from rich.cells import cell_len
    from rich.text import Text

    from mokoord.cli._grid import GridColumn, _cell_lines

    wrapped = Text(text).wrap(
        Console(width=1000, color_system=None), width, justify="left", overflow="fold"
    )
    expected = [line.plain + " " * (width - cell_len(line.plain)) for line in wrapped]
    assert _cell_lines(text, GridColumn("h", width)) == expected


def test_dates_read_as_babel_formats_them() -> None:
    """Dates are formatted with the locale's pattern found once: the same text
    Babel's ``format_date`` gives, in German and in English, for each style."""
    import datetime as dt

    from babel.dates import format_date

    from mokoord import formatting

    days = [dt.date(1999, 12, 31), dt.date(2023, 3, 4), dt.datetime(2024, 2, 29, 23, 59)]
    for lang, locale in formatting.LOCALES.items():
        for style in ("full", "long", "medium", "short", "d. MMMM y"):
            for day in days:
                assert formatting.date(day, lang, style=style) == format_date(
                    day, format=style, locale=locale
                )
    assert formatting.date(dt.date(2023, 3, 4), "de") == "04.03.2023"
