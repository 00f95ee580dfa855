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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len as _rich_cell_len

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

Justify = Literal["left", "right"]

_UNUSUAL = re.compile(r"[\x00-\x1f\x7f]")
"""Line breaks, tabs and control characters: such cells are wrapped by rich."""


def cell_len(text: str) -> int:
    """The columns ``text`` takes on a terminal (rich's measure; plain ASCII at once)."""
    return len(text) if text.isascii() else _rich_cell_len(text)


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
        return "".join(line + "\n" for _kind, _pieces, line in self._lines())

    def lines(self) -> Iterator[str]:
        for _kind, _pieces, line in self._lines():
            yield line

    def _lines(self) -> Iterator[tuple[str, list[tuple[str, str | None]] | None, str]]:
        """Each line: its kind (title, header, rule, row), its styled pieces where
        a cell of it has a style, and its plain text."""
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
        styles = self.styles
        for index, row in enumerate(self.rows):
            texts = []
            for text, column in zip(row, columns, strict=True):
                room = column.width - cell_len(text)
                if room < 0 or _UNUSUAL.search(text):
                    break
                texts.append(text + " " * room if column.justify == "left" else " " * room + text)
            else:
                yield "row", _styled(texts, styles[index]) if styles else None, "   ".join(texts)
                continue
            cells = [_cell_lines(text, column) for text, column in zip(row, columns, strict=True)]
            for number in range(max(len(lines) for lines in cells)):
                texts = [
                    _at(lines, number, column.width)
                    for lines, column in zip(cells, columns, strict=True)
                ]
                yield "row", _styled(texts, styles[index]) if styles else None, "   ".join(texts)

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


def _title_lines(title: str, width: int) -> list[str]:
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
