"""Part 6 of an index shard (:mod:`mokoord.shards`): where each file's JSON lies in part 7.

The files' names and their offsets and lengths packed as integers: decoding
them costs little when a command wants a few records of a shard (an agenda's
planned contacts, one organisation's contacts), where a mapping of tuples cost
as much as the records themselves.
"""

from __future__ import annotations

from array import array
from typing import Any


class Spans:
    """Part 6 of a shard: where each file's JSON lies in part 7."""

    __slots__ = ("extras", "number", "positions")

    def __init__(
        self,
        names: tuple[str, ...],
        positions: array[int],
        extras: dict[str, tuple[str | None, Any]],
    ) -> None:
        self.number = dict(zip(names, range(len(names)), strict=True))
        """name → its place in :attr:`positions`."""
        self.positions = positions
        """Each file's offset and length, one after the other."""
        self.extras = extras
        """name → (date, facts row) of files not holding their id in this shard."""

    @classmethod
    def of(cls, found: Any) -> Spans | None:
        """The spans unmarshalled from part 6; ``None`` if they are damaged."""
        if not (isinstance(found, tuple) and len(found) == 3):
            return None
        names, packed, extras = found
        if not (
            isinstance(names, tuple) and isinstance(packed, bytes) and isinstance(extras, dict)
        ):
            return None
        positions = array("q")
        try:
            positions.frombytes(packed)
        except ValueError:
            return None
        if len(positions) != 2 * len(names) or any(
            not (isinstance(entry, tuple) and len(entry) == 2) for entry in extras.values()
        ):
            return None
        return cls(names, positions, extras)

    def span(self, name: str) -> tuple[int, int]:
        """The offset and length of ``name``'s JSON in part 7."""
        place = 2 * self.number[name]
        return self.positions[place], self.positions[place + 1]
