"""A table drawn line by line: the look of the listings' rich table, each row drawn once.

rich's ``Table`` measures and wraps every cell through its layout engine,
about half a millisecond a row; ``list`` prints 5,000 rows. The listings'
columns are fitted beforehand (:func:`mokoord.cli._output.table_of`), so all
that is left is to pad each cell to its column and join the cells: a
:class:`Grid` does that and gives the very lines rich's table with
``box.SIMPLE_HEAD``, no edge and one space of padding would give. A cell
that is wider than its column, or holds a line break or a control character,
is wrapped by rich's own ``Text.wrap`` (at word boundaries, longer words
folded), so wrapped names read the same too.

On a terminal the grid is printed through rich (header in bold, title in
italic, the cells' styles); anywhere else its plain lines are written at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

from rich.cells import cell_len as _rich_cell_len

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

Justify = Literal["left", "right"]

_UNUSUAL = re.compile(r"[\x00-\x1f\x7f]")
"""Line breaks, tabs and control characters: such cells are wrapped by rich."""


_NOT_NARROW = re.compile(r"[^\x20-\x7e\xa0-\xac\xae-\u02ff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0]")
"""Characters that may not take exactly one column (rich knows each one's width)."""


def cell_len(text: str) -> int:
    """The columns ``text`` takes on a terminal (rich's measure; plain text at once)."""
    return len(text) if one_column_each(text) else _rich_cell_len(text)


def one_column_each(text: str) -> bool:
    """Whether each character of ``text`` takes one column, so that its
    :func:`cell_len` is its length: ASCII, Latin letters such as „ä“ or „ß“,
    dashes, quotes and currency signs (each of them one column in rich too)."""
    return text.isascii() or _NOT_NARROW.search(text) is None


@dataclass(frozen=True)
class GridColumn:
    header: str
    width: int
    justify: Justify = "left"
    wrap: bool = True
    """Whether a cell too wide for the column wraps (else it is folded at the width)."""


@dataclass
class Grid:
    """Fitted columns and the rows' texts (and, for a terminal, each cell's style)."""

    columns: Sequence[GridColumn]
    rows: Sequence[Sequence[str]]
    styles: Sequence[Sequence[str | None]] | None = None
    title: str | None = None

    @property
    def width(self) -> int:
        return sum(column.width for column in self.columns) + 3 * (len(self.columns) - 1)

    # ----------------------------------------------------------------- plain lines

    def text(self) -> str:
        """The whole table as plain text, one ``\\n`` after each line."""
        head = [line for _kind, _pieces, line in self._head()]
        body = ["   ".join(texts) for _index, texts in self._body()]
        return "\n".join(head + body) + "\n"

    def lines(self) -> Iterator[str]:
        for _kind, _pieces, line in self._lines():
            yield line

    def _lines(self) -> Iterator[tuple[str, list[tuple[str, str | None]] | None, str]]:
        """Each line: its kind (title, header, rule, row), its styled pieces where
        a cell of it has a style, and its plain text."""
        yield from self._head()
        styles = self.styles
        for index, texts in self._body():
            pieces = _styled(texts, styles[index]) if styles else None
            yield "row", pieces, "   ".join(texts)

    def _head(self) -> Iterator[tuple[str, None, str]]:
        """The title's lines, the header's and the rule under it."""
        columns = self.columns
        if self.title:
            for line in _title_lines(self.title, self.width):
                yield "title", None, line
        headers = [_cell_lines(column.header, column) for column in columns]
        height = max(len(lines) for lines in headers)
        for number in range(height):  # headers stand on the bottom line
            yield (
                "header",
                None,
                "   ".join(
                    _at(lines, number - height + len(lines), column.width)
                    for lines, column in zip(headers, columns, strict=True)
                ),
            )
        yield "rule", None, "─" * self.width

    def _body(self) -> Iterator[tuple[int, Sequence[str]]]:
        """Each line of the rows: the row's number and its cells padded to their
        columns. Column by column: a column of plain cells that fit is padded at
        once; a row with a cell too wide, or with a line break or control
        character, is wrapped cell by cell."""
        columns, rows = self.columns, self.rows
        if not rows:
            return
        unfit: set[int] = set()
        tall: set[int] = set()
        padded = [
            _padded_column(cells, column, unfit, tall)
            for cells, column in zip(zip(*rows, strict=True), columns, strict=True)
        ]
        if not unfit and not tall:
            yield from enumerate(zip(*padded, strict=True))
            return
        for index in unfit:  # rich wraps each cell of such a row
            for cells, text, column in zip(padded, rows[index], columns, strict=True):
                cells[index] = _cell_lines(text, column)
        heights = [1] * len(rows)
        for index in unfit | tall:
            heights[index] = max(
                len(cells[index]) if isinstance(cells[index], list) else 1 for cells in padded
            )
        owners = [index for index, height in enumerate(heights) for _line in range(height)]
        lines = [
            _stretched(cells, heights, column.width)
            for cells, column in zip(padded, columns, strict=True)
        ]
        yield from zip(owners, zip(*lines, strict=True), strict=True)

    # ----------------------------------------------------------------- through rich

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment
        from rich.style import Style

        plain = console.no_color or console.color_system is None
        kinds = {"title": Style(italic=True), "header": console.get_style("table.header")}
        newline = Segment.line()
        for kind, pieces, line in self._lines():
            if plain or (pieces is None and kind not in kinds):
                yield Segment(line)
            elif pieces is None:
                yield Segment(line, kinds[kind])
            else:
                for text, style in pieces:
                    yield Segment(text, console.get_style(style) if style else None)
            yield newline


def _padded_column(
    cells: Sequence[str], column: GridColumn, unfit: set[int], tall: set[int]
) -> list[Any]:
    """A column's cells padded to its width: a text, or for a cell with line
    breaks whose lines fit, a list of them (its row's number added to ``tall``).
    The numbers of the rows whose cell does not fit, or holds a control
    character, are added to ``unfit``: rich wraps those."""
    width, left = column.width, column.justify == "left"
    joined = "".join(cells)
    unusual = _UNUSUAL.search(joined) is not None
    measure: Callable[[str], int] = len if one_column_each(joined) else cell_len
    if not unusual and measure is len and max(map(len, cells)) <= width:
        return (
            [cell.ljust(width) for cell in cells] if left else [cell.rjust(width) for cell in cells]
        )
    padded: list[Any] = []
    for number, cell in enumerate(cells):
        if unusual and _UNUSUAL.search(cell):
            parts = cell.split("\n")
            if len(parts) > 1 and all(
                _UNUSUAL.search(part) is None and measure(part) <= width for part in parts
            ):
                padded.append([_padded(part, width - measure(part), left) for part in parts])
                tall.add(number)
            else:
                padded.append(cell)
                unfit.add(number)
            continue
        room = width - measure(cell)
        if room < 0:
            unfit.add(number)
            padded.append(cell)
        else:
            padded.append(_padded(cell, room, left))
    return padded


def _stretched(cells: list[Any], heights: list[int], width: int) -> list[str]:
    """A column's lines: each cell's lines, then blank ones down to its row's height."""
    blank = " " * width
    lines: list[str] = []
    for cell, height in zip(cells, heights, strict=True):
        if height == 1:
            lines.append(cell[0] if isinstance(cell, list) else cell)
        elif isinstance(cell, list):
            lines.extend(cell)
            lines.extend([blank] * (height - len(cell)))
        else:
            lines.append(cell)
            lines.extend([blank] * (height - 1))
    return lines


def _padded(text: str, room: int, left: bool) -> str:
    return text + " " * room if left else " " * room + text


def _pad(text: str, column: GridColumn) -> str:
    room = column.width - cell_len(text)
    return text + " " * room if column.justify == "left" else " " * room + text


def _at(lines: list[str], number: int, width: int) -> str:
    return lines[number] if 0 <= number < len(lines) else " " * width


def _cell_lines(text: str, column: GridColumn) -> list[str]:
    """A cell's lines, each as wide as its column: rich's wrapping where needed."""
    if "\n" in text:  # rich wraps each line of a text apart
        return [line for part in text.split("\n") for line in _cell_lines(part, column)]
    if not _UNUSUAL.search(text) and cell_len(text) <= column.width:
        return [_pad(text, column)]
    words = _word_wrapped(text, column)
    if words is not None:
        return words
    from rich.text import Text

    wrapped = Text(text).wrap(
        _console(),
        column.width,
        justify=column.justify,
        overflow="fold",
        no_wrap=not column.wrap,
    )
    lines = []
    for line in wrapped:
        plain = line.plain
        room = column.width - cell_len(plain)
        lines.append(plain + " " * room if room >= 0 else plain)
    return lines or [" " * column.width]


def _word_wrapped(text: str, column: GridColumn) -> list[str] | None:
    """What rich's ``Text.wrap`` gives a cell of plain text (each character one
    column wide, no control character) in a left-justified column that wraps:
    its lines, broken where rich breaks them (``divide_line``), padded to the
    column; without making a console. ``None`` for any other cell."""
    width = column.width
    if not column.wrap or column.justify != "left" or _UNUSUAL.search(text):
        return None
    if not one_column_each(text) or width < 1:
        return None
    try:
        from rich._wrap import divide_line
    except ImportError:  # pragma: no cover - rich keeps it private
        return None
    bounds = [0, *divide_line(text, width, fold=True), len(text)]
    lines = []
    for start, end in pairwise(bounds):
        line = text[start:end]
        if len(line) > width:  # rich drops the spaces past the width, then crops
            line = line[: len(line) - min(len(line) - len(line.rstrip()), len(line) - width)]
            line = line[:width]
        lines.append(line.ljust(width))
    return lines


def _title_lines(title: str, width: int) -> list[str]:
    if (
        "[" not in title  # rich's markup
        and ":" not in title  # and its emoji codes
        and not _UNUSUAL.search(title)
        and one_column_each(title)
        and len(title) <= width
    ):
        return [title.ljust(width)]
    from rich.text import Text

    wrapped = Text.from_markup(title).wrap(_console(), width, justify="left", overflow="fold")
    return [line.plain + " " * (width - cell_len(line.plain)) for line in wrapped]


def _styled(texts: Sequence[str], styles: Sequence[str | None]) -> list[tuple[str, str | None]]:
    pieces: list[tuple[str, str | None]] = []
    for number, (text, style) in enumerate(zip(texts, styles, strict=True)):
        if number:
            pieces.append(("   ", None))
        if style:  # the style covers the text, not the padding after it
            stripped = text.rstrip(" ")
            pieces.append((stripped, style))
            if len(stripped) < len(text):
                pieces.append((text[len(stripped) :], None))
        else:
            pieces.append((text, None))
    return pieces


_CONSOLE: list[Console] = []


def _console() -> Console:
    """A console for rich's wrapping (it needs one; nothing is printed on it)."""
    if not _CONSOLE:
        from rich.console import Console

        _CONSOLE.append(Console(width=1000, color_system=None, highlight=False))
    return _CONSOLE[0]
