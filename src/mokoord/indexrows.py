"""The dates and facts rows of one kind's records, merged from the index's shards
when asked for, and the figures kept beside the index (:meth:`KindRows.memo`,
:meth:`KindRows.memo_by_shard`).

:func:`mokoord.index.load_kinds` hands a :class:`KindRows` to each kind's
:class:`~mokoord.records.Records`: listings and reports read rows and memos
through it, never the shard files themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mokoord.shards import Shard, ShardKey, code_stamp

if TYPE_CHECKING:
    from mokoord.index import KindIndex


_VERSIONED = re.compile(r"(.+)-[0-9a-f]{8,}\.memo")
"""A memo whose name ends in a stamp of the code that made it (``flat-<hex>.memo``)."""


def _drop_superseded(path: Path) -> None:
    """Once ``name-<stamp>.memo`` is written, remove the same memo kept under other
    stamps: one made by an earlier mokoord is never read again, and would pile up
    with every update."""
    versioned = _VERSIONED.fullmatch(path.name)
    if versioned is None:
        return
    for name in os.listdir(path.parent):
        match = _VERSIONED.fullmatch(name)
        if name != path.name and match is not None and match[1] == versioned[1]:
            with contextlib.suppress(OSError):
                (path.parent / name).unlink()


class KindRows:
    """The dates and facts rows of one kind's records, merged from its shards when asked for."""

    def __init__(
        self, index: KindIndex, keys: list[ShardKey], sources: dict[str, str], contested: set[str]
    ) -> None:
        self.index = index
        self.keys = keys
        self.sources = sources
        self.contested = contested
        """Ids held by files in several shards: the first file by path keeps them."""
        self._dates: dict[str, str] | None = None
        self._columns: dict[str, tuple[Any, ...]] | None = None
        self._fields: dict[int, dict[str, Any]] = {}

    def _merge(self, part: Callable[[Shard], dict[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for key in self.keys:
            shard = self.index.rows(key)
            try:
                found = part(shard)
            except (ValueError, TypeError, EOFError):  # a damaged part: read the files
                shard = self.index.whole(key)
                found = part(shard)
            if self.contested and not self.contested.isdisjoint(found):
                found = {
                    record_id: value
                    for record_id, value in found.items()
                    if record_id not in self.contested
                    or self.sources.get(record_id) == shard.sources.get(record_id)
                }
            merged.update(found)
        return merged

    def dates(self) -> dict[str, str]:
        if self._dates is None:
            self._dates = self._merge(Shard.record_dates)
        return self._dates

    def columns(self) -> dict[str, tuple[Any, ...]]:
        if self._columns is None:
            self._columns = self._merge(Shard.rows)
        return self._columns

    def columns_of(self, keys: list[str]) -> dict[str, tuple[Any, ...]]:
        """id → facts row of ``keys`` only, decoding just the shards that hold them
        (a report's two years of contacts, not all of them)."""
        if self._columns is not None:
            return {key: self._columns[key] for key in keys}
        wanted, found = set(keys), {}
        for shard_key in self.keys:
            shard = self.index.rows(shard_key)
            if wanted.isdisjoint(shard.sources):
                continue
            try:
                rows = shard.rows()
            except (ValueError, TypeError, EOFError):  # a damaged part: read the files
                shard = self.index.whole(shard_key)
                rows = shard.rows()
            for key in wanted.intersection(rows):
                if key not in self.contested or self.sources[key] == shard.sources.get(key):
                    found[key] = rows[key]
        return {key: found[key] for key in keys}

    def field(self, number: int) -> dict[str, Any]:
        """id → one field of the rows, made once (from the rows when they are decoded)."""
        if number not in self._fields:
            if self._columns is not None:
                self._fields[number] = {key: row[number] for key, row in self._columns.items()}
            else:
                self._fields[number] = self._merge(lambda shard: shard.field(number))
        return self._fields[number]

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``: a figure made from this kind's dates and rows alone, kept in
        ``<kind>/<name>.memo`` with the digests of the shards it was made from.
        While no shard has changed (nor mokoord), it is read back instead of made
        again: the first held contact of each organisation costs one small read,
        not the organisations and dates of 100,000 contacts. A shard with a file
        too fresh to trust, a damaged memo or one of another kind of value
        makes it anew. The value must be plain data (it is stored with marshal)."""
        import marshal

        from mokoord.yamlio import atomic_write

        shards = [self.index.shards[key] for key in self.keys]
        if any(not shard.digest for shard in shards):
            return make()
        stamp = hashlib.sha1(code_stamp().encode())
        for key, shard in zip(self.keys, shards, strict=True):
            stamp.update(marshal.dumps((key, shard.digest), 0))
        stamp.update(marshal.dumps(sorted(self.contested), 0))
        path = self.index.folder / f"{name}.memo"
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            kept, value = marshal.loads(path.read_bytes())
            if kept == stamp.digest():
                return value
        value = make()
        if self.index.write:
            with contextlib.suppress(OSError, ValueError):
                atomic_write(path, marshal.dumps((stamp.digest(), value)))
                _drop_superseded(path)
        return value

    def memo_by_shard(self, name: str, key: bytes, make: Callable[[KindRows], Any]) -> list[Any]:
        """``make(part)`` for each shard, in order: a figure made from one shard's
        records alone (``part`` gives that shard's dates and rows), kept in
        ``<kind>/<name>.memo`` with the shard's digest, ``key`` (what else the
        figure depends on) and the code stamp. A shard whose digest is the one a
        value was kept with is not read; any other shard (changed, new, or holding
        a file too fresh to trust) is made again, so after an edit only the
        edited shard's records are looked at. A damaged memo, or one kept with
        another key, is made anew; the values must be plain data (marshal)."""
        import marshal

        from mokoord.yamlio import atomic_write

        stamp = hashlib.sha1(code_stamp().encode())
        stamp.update(key)
        # an id held by several files counts in the shard of its first file by path
        stamp.update(marshal.dumps(sorted((i, self.sources[i]) for i in self.contested), 0))
        path = self.index.folder / f"{name}.memo"
        kept: dict[Any, Any] = {}
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            found_stamp, found = marshal.loads(path.read_bytes())
            if found_stamp == stamp.digest() and isinstance(found, dict):
                kept = found
        values: list[Any] = []
        keeping: dict[Any, Any] = {}
        made = False
        for shard_key in self.keys:
            shard = self.index.shards[shard_key]
            entry = kept.get(shard_key)
            if shard.digest and isinstance(entry, tuple) and entry[:-1] == (shard.digest,):
                value = entry[1]
            else:
                value = make(KindRows(self.index, [shard_key], self.sources, self.contested))
                made = True
            if shard.digest:
                keeping[shard_key] = (shard.digest, value)
            values.append(value)
        if (made or len(keeping) != len(kept)) and self.index.write:
            with contextlib.suppress(OSError, ValueError):
                atomic_write(path, marshal.dumps((stamp.digest(), keeping)))
                _drop_superseded(path)
        return values

    def complete(self) -> bool:
        """Whether every record has a facts row: those of a kind with rows all have one."""
        from mokoord.facts import ROWS

        return self.index.kind in ROWS
