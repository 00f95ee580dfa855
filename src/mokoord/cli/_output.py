"""One set of output options for every listing, and the views that draw rows.

Every listing takes ``-f/--format table|json|csv`` and ``-o/--output FILE``
(the format then follows the file's extension: ``.json``, ``.csv``); ``--json``
and ``--csv`` stay as short ways to say the same. The rows come from the
library (their keys are the documented JSON API); a :class:`View` says how
people see them: which columns, headed how, as which kind of value.

- ``table``: a rich table that fits the terminal: names in full, wrapped at
  word boundaries; ids, dates and amounts never wrapped; when the terminal is
  too narrow, the least important columns go first.
- ``csv``: German Excel (:mod:`mokoord.sheets`): labels rather than keys,
  German dates, every column of the view.
- ``json``: the library's rows as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from mokoord.cli._grid import Grid
    from mokoord.models import Config

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")
Kind = Literal["id", "name", "text", "date", "money", "int", "bool", "term", "terms", "phone"]

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json or csv (default: table, or what the --output file's extension says).",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of the terminal.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (stable keys); the same as --format json.")
]
CsvOption = Annotated[
    bool,
    typer.Option("--csv", help="Print CSV for German Excel; the same as --format csv."),
]


@dataclass(frozen=True)
class Output:
    """Where a listing goes and in which format."""

    format: Format = "table"
    path: Path | None = None

    @classmethod
    def of(
        cls,
        fmt: str | None = None,
        path: Path | None = None,
        json_flag: bool = False,
        csv_flag: bool = False,
    ) -> Output:
        """The output the options ask for; a clear error when they disagree."""
        from mokoord.errors import UsageError
        from mokoord.i18n import _

        asked = [name for name, flag in (("json", json_flag), ("csv", csv_flag)) if flag]
        if fmt is not None:
            chosen = fmt.strip().lower()
            if chosen not in FORMATS:
                raise UsageError(
                    _("--format: '{value}' is not one of {allowed}").format(
                        value=fmt, allowed=", ".join(FORMATS)
                    )
                )
            asked.append(chosen)
        if len(set(asked)) > 1:
            raise UsageError(_("choose one output format: --json, --csv or --format"))
        if not asked and path is not None:
            suffix = path.suffix.lower().lstrip(".")
            asked = [suffix] if suffix in ("json", "csv") else []
        return cls(format=asked[0] if asked else "table", path=path)  # type: ignore[arg-type]

    @property
    def is_data(self) -> bool:
        return self.format != "table"


@dataclass(frozen=True)
class Column:
    """One column of a view: the row key it shows, its header (an English msgid),
    what kind of value it holds and how important it is."""

    key: str
    header: str
    kind: Kind = "text"
    vocabulary: str | None = None
    """For ``term``/``terms``: the vocabulary whose labels are shown."""
    drop: int = 0
    """0: always shown; otherwise dropped when the terminal is too narrow, higher first."""
    value: Callable[[dict[str, Any]], Any] | None = None
    """Derives the value from the row, where it is not simply ``row[key]``."""
    style: Callable[[dict[str, Any]], str | None] | None = None
    """A rich style for the cell in a terminal (``"yellow"`` for what is overdue)."""

    def get(self, row: dict[str, Any]) -> Any:
        return self.value(row) if self.value is not None else row.get(self.key)


@dataclass(frozen=True)
class View:
    """How one listing is shown to people."""

    columns: Sequence[Column]
    title: Callable[[int], str] | None = None
    """The table's title for a number of rows ("12 Organisationen")."""


# --------------------------------------------------------------------------- values for people


def text_of(column: Column, value: Any, config: Config | None) -> str:
    """A value as people read it in the current language (tables)."""
    from mokoord import formatting as fmt
    from mokoord.i18n import _
    from mokoord.vocab import label

    if value is None or value == "" or value == []:
        return ""
    if column.kind == "date":
        return fmt.date(_as_date(value))
    if column.kind == "money":
        return fmt.money(value)
    if column.kind == "bool":
        return _("yes") if value else _("no")
    if column.kind in ("term", "terms") and column.vocabulary and config is not None:
        items = value if isinstance(value, list) else [value]
        return ", ".join(label(config, column.vocabulary, str(item)) for item in items)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _as_date(value: Any) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- writing


def emit(
    view: View,
    rows: list[dict[str, Any]],
    output: Output,
    *,
    config: Config | None = None,
) -> None:
    """Write ``rows`` as ``output`` asks: a table, JSON or CSV, to the terminal or a file."""
    if output.format == "json":
        from mokoord.cli._common import json_text

        _write(output, json_text(rows).encode("utf-8"))
    elif output.format == "csv":
        _write(output, csv_of(view, rows, config))
    elif output.path is not None:
        from rich.console import Console
        from rich.table import Table

        from mokoord.cli._common import write_output

        table = table_of(view, rows, config, width=120)
        if isinstance(table, Table):
            text = Console(width=120, highlight=False, soft_wrap=False, color_system=None)
            with text.capture() as captured:
                text.print(table)
            write_output(output.path, captured.get().encode("utf-8"))
        else:
            write_output(output.path, table.text().encode("utf-8"))
    else:
        from mokoord.cli._common import console, plain_stdout_width, write_stdout
        from mokoord.cli._grid import Grid

        width = plain_stdout_width()
        if width is None:
            out = console()
            print_table(out, table_of(view, rows, config, width=out.width))
            return
        table = table_of(view, rows, config, width=width)
        if isinstance(table, Grid):
            write_stdout(table.text())
        else:  # too narrow for the grid: rich's table
            console().print(table)


def print_table(out: Console, table: Grid | Table) -> None:
    """``table`` on ``out``; a grid on the standard output without colours is
    written as plain text at once (rich would split and measure its lines again)."""
    from mokoord.cli._common import console
    from mokoord.cli._grid import Grid

    if isinstance(table, Grid) and out is console() and out.color_system is None:
        out.file.write(table.text())
        out.file.flush()
    else:
        out.print(table)


def emit_data(value: Any, output: Output) -> None:
    """``value`` as JSON where ``output`` asks (a listing whose JSON is one object)."""
    from mokoord.cli._common import json_text

    _write(output, json_text(value).encode("utf-8"))


def emit_listing(
    view: View,
    rows: list[dict[str, Any]],
    output: Output,
    *,
    config: Config | None = None,
    empty: str | None = None,
    summary: str | None = None,
) -> None:
    """:func:`emit`; a table on the terminal with no rows is ``empty`` instead,
    and ``summary`` (totals) follows a table on stderr. JSON and CSV are the rows alone."""
    import typer

    on_terminal = output.format == "table" and output.path is None
    if on_terminal and not rows and empty:
        typer.echo(empty, err=True)
        return
    emit(view, rows, output, config=config)
    if on_terminal and summary:
        typer.echo(summary, err=True)


def _write(output: Output, content: bytes) -> None:
    if output.path is None:
        sys.stdout.buffer.write(content) if hasattr(sys.stdout, "buffer") else sys.stdout.write(
            content.decode("utf-8")
        )
        sys.stdout.flush()
        return
    from mokoord.cli._common import write_output

    write_output(output.path, content)


def csv_of(view: View, rows: list[dict[str, Any]], config: Config | None) -> bytes:
    """Every column of ``view`` as German Excel CSV, labels rather than keys."""
    from mokoord.i18n import _, language
    from mokoord.sheets import cell, csv_bytes

    lang = language()
    headers = [_(column.header) for column in view.columns]
    body = []
    for row in rows:
        cells = []
        for column in view.columns:
            value = column.get(row)
            if column.kind in ("term", "terms", "bool"):
                cells.append(cell(text_of(column, value, config) or None, lang=lang))
            else:
                kind = column.kind if column.kind in ("date", "money", "phone") else "text"
                cells.append(cell(value, kind=kind, lang=lang))
        body.append(cells)
    return csv_bytes(headers, body)


_NO_WRAP: frozenset[str] = frozenset({"id", "date", "money", "int", "bool", "phone"})


def table_of(
    view: View, rows: list[dict[str, Any]], config: Config | None, *, width: int
) -> Grid | Table:
    """A table that fits ``width``: names in full where they fit, else the least
    important columns dropped first; when ids and names still do not fit side by
    side, each name stands under its id. Ids are never wrapped, names only
    between words. Drawn line by line (:class:`~mokoord.cli._grid.Grid`); only a
    table wider than the line even then is left to rich's ``Table``."""
    from mokoord.cli._grid import Grid, GridColumn
    from mokoord.i18n import _

    columns = list(view.columns)
    texts = texts_of(columns, rows, config)
    headers = [_(column.header) for column in columns]
    kinds = [column.kind for column in columns]
    measures = _Measures(headers, texts)
    keep = _fitting(columns, measures, width)
    stacked = keep is None and "id" in kinds and "name" in kinds
    if stacked:
        id_at, name_at = kinds.index("id"), kinds.index("name")
        headers[id_at] = f"{headers[id_at]} / {headers[name_at]}"
        for row_texts in texts:
            row_texts[id_at] = f"{row_texts[id_at]}\n{row_texts[name_at]}"
        rest = [column for index, column in enumerate(columns) if index != name_at]
        del headers[name_at]
        for row_texts in texts:
            del row_texts[name_at]
        columns = rest
        kinds = [column.kind for column in columns]
        measures = _Measures(headers, texts)
        keep = _fitting(columns, measures, width, stacked_at=kinds.index("id"))
    if keep is None:
        keep = [index for index, column in enumerate(columns) if column.drop == 0]
    sizes = _widths(kinds, headers, measures, keep, width, stacked)
    title = view.title(len(rows)) if view.title else None
    styled = [index for index in keep if columns[index].style is not None]
    styles = None
    if styled:
        stylers = [columns[index].style for index in keep]
        styles = [
            [styler(row) if styler is not None else None for styler in stylers] for row in rows
        ]
    if sum(sizes) + 3 * (len(keep) - 1) > width:  # too narrow even so: rich squeezes
        return _rich_table(title, columns, headers, texts, keep, sizes, stacked, styles)
    grid_columns = [
        GridColumn(
            headers[index],
            size,
            justify="right" if kinds[index] in ("money", "int") else "left",
            wrap=kinds[index] not in _NO_WRAP or (stacked and kinds[index] == "id"),
        )
        for index, size in zip(keep, sizes, strict=True)
    ]
    cells = [[row_texts[index] for index in keep] for row_texts in texts]
    return Grid(grid_columns, cells, styles, title)


def texts_of(
    columns: Sequence[Column], rows: list[dict[str, Any]], config: Config | None
) -> list[list[str]]:
    """Every cell as people read it (:func:`text_of`), each distinct value formatted once."""
    made_columns: list[list[str]] = []
    for column in columns:
        if column.value is not None:
            values = list(map(column.value, rows))
        else:
            key = column.key
            values = [row.get(key) for row in rows]
        plain = column.kind in ("id", "name", "text", "int", "phone")
        made: dict[Any, str] = {}
        texts: list[str] = []
        for value in values:
            if plain and isinstance(value, str):
                texts.append(value)
                continue
            known = tuple(value) if isinstance(value, list) else value
            try:
                text = made.get(known)
            except TypeError:  # not hashable
                text, known = None, None
            if text is None:
                text = text_of(column, value, config)
                if known is not None:
                    made[known] = text
            texts.append(text)
        made_columns.append(texts)
    if not made_columns:
        return [[] for _row in rows]
    return [list(row_texts) for row_texts in zip(*made_columns, strict=True)]


def _rich_table(
    title: str | None,
    columns: Sequence[Column],
    headers: list[str],
    texts: list[list[str]],
    keep: list[int],
    sizes: list[int],
    stacked: bool,
    styles: list[list[str | None]] | None,
) -> Table:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    for index, size in zip(keep, sizes, strict=True):
        kind = columns[index].kind
        table.add_column(
            headers[index],
            no_wrap=kind in _NO_WRAP and not (stacked and kind == "id"),
            justify="right" if kind in ("money", "int") else "left",
            width=size,
            overflow="fold",
        )
    for number, row_texts in enumerate(texts):
        cells = []
        for place, index in enumerate(keep):
            style = styles[number][place] if styles else None
            text = escape(row_texts[index])
            cells.append(f"[{style}]{text}[/]" if style and text else text)
        table.add_row(*cells)
    return table


class _Measures:
    """Widths of each column's texts (header included), measured once per column."""

    def __init__(self, headers: list[str], texts: list[list[str]]) -> None:
        self.headers = headers
        self.columns: list[tuple[str, ...]] = list(zip(*texts, strict=True)) if texts else []
        self._made: dict[int, tuple[int, int, int, int]] = {}

    def of(self, index: int) -> tuple[int, int, int, int]:
        """The longest value, the longest line, the longest word and the longest
        first line of column ``index``."""
        made = self._made.get(index)
        if made is None:
            values = set(self.columns[index]) if self.columns else set()
            values.add(self.headers[index])
            made = self._made[index] = _measured(values)
        return made


def _measured(values: set[str]) -> tuple[int, int, int, int]:
    """The longest value, line, word and first line of ``values`` (at least 1 each)."""
    from mokoord.cli._grid import cell_len, one_column_each

    joined = " ".join(values)
    if one_column_each(joined.replace("\n", " ")):  # a column a character
        word = max(1, max(map(len, joined.split()), default=0))
        if "\n" not in joined:  # one line each
            value = max(1, *map(len, values))
            return value, value, word, value
        # names stacked under ids: rich counts no column for a line break in
        # a text that is not ASCII (cell_len), the length counts one in ASCII
        value = max(1, *(len(text) - (not text.isascii()) * text.count("\n") for text in values))
        line = max(1, *map(len, "\n".join(values).split("\n")))
        first = max(1, *(len(text.partition("\n")[0]) for text in values))
        return value, line, word, first
    value = line = word = first = 1
    for text in values:
        width = cell_len(text)
        value = max(value, width)
        if "\n" in text:
            lines = text.split("\n")
            line = max(line, *(cell_len(part) for part in lines))
            first = max(first, cell_len(lines[0]))
        else:
            line, first = max(line, width), max(first, width)
        if width > word:
            word = max(word, *(cell_len(part) for part in text.split() or [""]))
    return value, line, word, first


def _widths(
    kinds: list[Kind],
    headers: list[str],
    measures: _Measures,
    keep: list[int],
    width: int,
    stacked: bool,
) -> list[int]:
    """Each kept column's width: ids, names, dates and amounts in full (a stacked
    id column as wide as its longest id or word); the rest of the line shared by
    the columns that wrap, none narrower than its longest word."""
    from mokoord.cli._grid import cell_len

    full: dict[int, int] = {}
    wrapping: dict[int, tuple[int, int]] = {}
    for index in keep:
        _value, longest, word, first = measures.of(index)
        if stacked and kinds[index] == "id":
            full[index] = max(first, word)  # the longest id (or header), or word
        elif kinds[index] in (*_NO_WRAP, "name", "term"):
            full[index] = longest
        else:  # never narrower than its longest word, nor than a short header
            wrapping[index] = (max(word, min(cell_len(headers[index]), 16)), longest)
    room = width - sum(full.values()) - 3 * (len(keep) - 1)
    shares: dict[int, int] = {}
    wanted = sum(longest for _word, longest in wrapping.values()) or 1
    for index, (word, longest) in wrapping.items():
        shares[index] = max(word, min(longest, room * longest // wanted))
    # a share raised to its longest word takes room from the others: give it back
    # from those with the most to spare, so that the columns add up to the line
    excess = sum(shares.values()) - room
    while excess > 0:
        spare = {index: shares[index] - wrapping[index][0] for index in shares}
        widest = max(spare, key=lambda index: spare[index], default=None)
        if widest is None or spare[widest] <= 0:
            break
        taken = min(excess, spare[widest], max(1, spare[widest] // 2))
        shares[widest] -= taken
        excess -= taken
    return [full.get(index) or shares[index] for index in keep]


def _fitting(
    columns: Sequence[Column],
    measures: _Measures,
    width: int,
    *,
    stacked_at: int | None = None,
) -> list[int] | None:
    """Indexes of the columns to show, dropping the least important until the rest
    fit; ``None`` when they do not fit even then. Names count in full (they wrap
    only when stacked under the ids at ``stacked_at``)."""

    def need(index: int) -> int:
        value, _line, word, _first = measures.of(index)
        if index == stacked_at:
            return word
        if columns[index].kind in (*_NO_WRAP, "name", "term"):
            return value
        return min(value, max(word, 16))

    keep = list(range(len(columns)))
    while True:
        # each column: its text, one space of padding on either side, one divider
        if sum(need(index) + 3 for index in keep) - 3 <= width:
            return keep
        droppable = [index for index in keep if columns[index].drop > 0]
        if not droppable:
            return None
        keep.remove(max(droppable, key=lambda index: (columns[index].drop, index)))
