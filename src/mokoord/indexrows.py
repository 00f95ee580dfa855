"""The dates and facts rows of one kind's records, merged from the index's shards
when asked for, and the figures kept beside the index (:meth:`KindRows.memo`,
:meth:`KindRows.memo_by_shard`).

:func:`mokoord.index.load_kinds` hands a :class:`KindRows` to each kind's
:class:`~mokoord.records.Records`: listings and reports read rows and memos
through it, never the shard files themselves.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mokoord.shards import Shard, ShardKey, code_stamp

if TYPE_CHECKING:
    from mokoord.index import KindIndex


ENTRY_FILES = 32
"""How many files a memo of many entries is kept in (:meth:`KindRows.memo_entry`)."""

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


class KindIds:
    """id → file of one kind's records, merged from its shards' when first asked for.

    An id held by files in several shards (a mistake ``mokoord check`` reports)
    is kept by the first file by path: :meth:`contested` names those, and is kept
    beside the index, so a command reading only memos and rows of unchanged
    shards never decodes the shards' ids.
    """

    def __init__(self, index: KindIndex, keys: list[ShardKey]) -> None:
        self.index = index
        self.keys = keys
        self._sources: dict[str, str] | None = None
        self._contested: dict[str, str] | None = None

    def sources(self) -> dict[str, str]:
        """id → the file holding it (relative to the store root)."""
        if self._sources is None:
            self._merge()
        assert self._sources is not None
        return self._sources

    def contested(self) -> dict[str, str]:
        """id → the file that keeps it, of the ids held by files in several shards."""
        if self._contested is None:
            kept = None
            if self._sources is None:
                rows = KindRows(self.index, self.keys, self)
                with contextlib.suppress(TypeError, ValueError):  # hashes of another shape
                    kept = rows.memo("contested", lambda: self._by_hashes(rows))
            if isinstance(kept, dict) and all(type(path) is str for path in kept.values()):
                self._contested = kept
            else:
                self._merge()  # not what was stored: made again
        assert self._contested is not None
        return self._contested

    def _by_hashes(self, rows: KindRows) -> dict[str, str]:
        """:meth:`contested` from each shard's ids as 64-bit hashes, which are kept per
        shard (:data:`_ID_HASHES`): after one shard changed, only its ids are decoded
        and hashed; the ids of shards sharing a hash with another shard's are
        decoded to find which are really held twice (none, as a rule)."""
        hashes = rows.memo_by_shard("id-hashes", _ID_HASHES, _id_hashes, by_contested=False)
        every = array.array("Q")
        for packed in hashes:
            if type(packed) is not bytes or len(packed) % 8:
                raise TypeError("not the hashes of a shard's ids")
            every.frombytes(packed)
        if len(set(every)) == len(every):
            return {}  # no hash twice: no id in two shards (the common case)
        seen: set[int] = set()
        shared: set[int] = set()
        for packed in hashes:
            mine = set(array.array("Q", packed))
            shared.update(seen.intersection(mine))
            seen.update(mine)
        if not shared:
            return {}
        held: dict[str, list[str]] = {}
        for key, packed in zip(self.keys, hashes, strict=True):
            if shared.isdisjoint(array.array("Q", packed)):
                continue
            for record_id, relative in self.index.with_sources(key).sources.items():
                if _id_hash(record_id) in shared:
                    held.setdefault(record_id, []).append(relative)
        return {
            record_id: min(files) for record_id, files in sorted(held.items()) if len(files) > 1
        }

    def _merge(self) -> dict[str, str]:
        sources: dict[str, str] = {}
        contested: set[str] = set()
        for key in self.keys:
            found = self.index.with_sources(key).sources
            if sources.keys().isdisjoint(found):
                sources.update(found)
                continue
            # a duplicate id in two files: the first file by path wins; check reports it
            for record_id, relative in found.items():
                if record_id in sources:
                    contested.add(record_id)
                    if sources[record_id] < relative:
                        continue
                sources[record_id] = relative
        self._sources = sources
        self._contested = {record_id: sources[record_id] for record_id in sorted(contested)}
        return self._contested


_ID_HASHES = b"id-hashes 1"
"""What the ids' hashes kept per shard depend on besides the ids: a new one when
:func:`_id_hash` hashes otherwise."""


def _id_hash(record_id: str) -> int:
    """A record id as 64 bits, the same in every process (``hash`` is not)."""
    raw = record_id.encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


def _id_hashes(part: KindRows) -> bytes:
    """The hashes of the ids of one shard's records, packed (8 bytes each)."""
    (key,) = part.keys
    found = part.index.with_sources(key).sources
    return array.array("Q", [_id_hash(record_id) for record_id in found]).tobytes()


class KindRows:
    """The dates and facts rows of one kind's records, merged from its shards when asked for."""

    def __init__(self, index: KindIndex, keys: list[ShardKey], ids: KindIds) -> None:
        self.index = index
        self.keys = keys
        self.ids = ids
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
            contested = self.ids.contested()
            if contested and not contested.keys().isdisjoint(found):
                held = self.index.with_sources(key).sources
                found = {
                    record_id: value
                    for record_id, value in found.items()
                    if contested.get(record_id, held.get(record_id)) == held.get(record_id)
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
        contested = self.ids.contested()
        for shard_key in self.keys:
            if wanted.isdisjoint(self.index.with_sources(shard_key).sources):
                continue
            shard = self.index.rows(shard_key)
            try:
                rows = shard.rows()
            except (ValueError, TypeError, EOFError):  # a damaged part: read the files
                shard = self.index.whole(shard_key)
                rows = shard.rows()
            held = shard.sources
            for key in wanted.intersection(rows):
                if contested.get(key, held.get(key)) == held.get(key):
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

        stamp = self._stamp()
        if stamp is None:
            return make()
        path = self.index.folder / f"{name}.memo"
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            kept, value = marshal.loads(path.read_bytes())
            if kept == stamp:
                return value
        value = make()
        if self.index.write:
            with contextlib.suppress(OSError, ValueError):
                atomic_write(path, marshal.dumps((stamp, value)), durable=False)
                _drop_superseded(path)
        return value

    def _stamp(self) -> bytes | None:
        """What a figure made from all of this kind's rows is kept with: the code and
        every shard's memo key (:attr:`~mokoord.shards.Shard.memo_key`: its digest when
        its records last changed); ``None`` while a shard holds a file kept with
        neither fingerprint nor mark."""
        import marshal

        shards = [self.index.shards[key] for key in self.keys]
        if any(not shard.memo_key for shard in shards):
            return None
        stamp = hashlib.sha1(code_stamp().encode())
        # the same memo keys mean the same records, hence the same ids held twice
        for key, shard in zip(self.keys, shards, strict=True):
            stamp.update(marshal.dumps((key, shard.memo_key), 0))
        return stamp.digest()

    def memo_entry(self, name: str, entry: str, make: Callable[[], dict[str, Any]]) -> Any:
        """``make().get(entry)``, where ``make()`` maps many entries (organisation
        ids) to what is kept for each: kept as :meth:`memo` keeps a figure, but in
        :data:`ENTRY_FILES` files by the entry's bucket, so that looking up one
        organisation reads one small file, not the entries of all of them."""
        import marshal

        from mokoord.yamlio import atomic_write

        stamp = self._stamp()
        if stamp is None:
            return make().get(entry)
        path = self._entry_file(name, entry)
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            kept, value = marshal.loads(path.read_bytes())
            if kept == stamp and isinstance(value, dict):
                return value.get(entry)
        made = make()
        if self.index.write:
            parts: dict[Path, dict[str, Any]] = {}
            for key, value in made.items():
                parts.setdefault(self._entry_file(name, key), {})[key] = value
            with contextlib.suppress(OSError, ValueError):
                for number in range(ENTRY_FILES):
                    part = self.index.folder / f"{name}-{number:02d}.memo"
                    atomic_write(part, marshal.dumps((stamp, parts.get(part, {}))), durable=False)
        return made.get(entry)

    def _entry_file(self, name: str, entry: str) -> Path:
        number = zlib.crc32(entry.encode("utf-8", "surrogateescape")) % ENTRY_FILES
        return self.index.folder / f"{name}-{number:02d}.memo"

    def memo_by_shard(
        self,
        name: str,
        key: bytes,
        make: Callable[[KindRows], Any],
        *,
        by_contested: bool = True,
    ) -> list[Any]:
        """``make(part)`` for each shard, in order: a figure made from one shard's
        records alone (``part`` gives that shard's dates and rows), kept in
        ``<kind>/<name>.memo`` with the shard's digest, ``key`` (what else the
        figure depends on) and the code stamp. A shard whose digest is the one a
        value was kept with is not read; any other shard (changed, new, or holding
        a file too fresh to trust) is made again, so after an edit only the
        edited shard's records are looked at. A damaged memo, or one kept with
        another key, is made anew; the values must be plain data (marshal).
        ``by_contested=False``: the values do not depend on which file keeps an id
        held by several (the hashes :meth:`KindIds.contested` is made from)."""
        import marshal

        from mokoord.yamlio import atomic_write

        stamp = hashlib.sha1(code_stamp().encode())
        stamp.update(key)
        if by_contested:
            # an id held by several files counts in the shard of its first file by path
            stamp.update(marshal.dumps(sorted(self.ids.contested().items()), 0))
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
            if shard.memo_key and isinstance(entry, tuple) and entry[:-1] == (shard.memo_key,):
                value = entry[1]
            else:
                value = make(KindRows(self.index, [shard_key], self.ids))
                made = True
            if shard.memo_key:
                keeping[shard_key] = (shard.memo_key, value)
            values.append(value)
        if (made or len(keeping) != len(kept)) and self.index.write:
            with contextlib.suppress(OSError, ValueError):
                atomic_write(path, marshal.dumps((stamp.digest(), keeping)), durable=False)
                _drop_superseded(path)
        return values

    def complete(self) -> bool:
        """Whether every record has a facts row: those of a kind with rows all have one."""
        from mokoord.facts import ROWS

        return self.index.kind in ROWS
