"""One shard of the index: the files of one folder whose names fall into one bucket.

A shard file holds seven parts, each read only by the commands that need it:

1. what every command needs: a digest of the files' fingerprints (a scan
   that finds the same digest knows nothing changed), the problems of files
   that do not validate (and the language they are worded in), and id → file,
   kept marshalled apart with its checksum and decoded only when asked for (a
   listing of organisations that counts contacts from a memo never looks at
   100,000 contacts' files);
2. every file's fingerprint, read only when the digest differs;
3. the records' dates and facts rows (:mod:`mokoord.facts`), by id: what
   loading records needs (``mokoord check`` does not);
4. a summary of the shard for ``mokoord check``: what its records refer to,
   their latest date, their terms, open ends, and the facts of the few files
   with something wrong in their name or place (:func:`~mokoord.checkfacts.summary_of`);
5. every file's facts and every record's claims (:mod:`mokoord.checkfacts`),
   read only for a shard whose summary says a claim could be a problem;
6. where each record's JSON lies in part 7: the files' names and their
   offsets and lengths as packed integers (cheap to decode when a few
   records of the shard are wanted), and the date and facts row of the few
   files that do not hold their id in this shard (an id in two files);
7. the records' JSON, one after the other: a record looked at costs one read
   of its own bytes.

Its header holds a random token written anew with every version of the file.
A later part is read only from the version whose first part was read; when
another command replaced the file meanwhile, the caller reads the record's
YAML file instead. Everything is stored with :mod:`marshal` (plain data: a
tampered file cannot run code).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from array import array
from pathlib import Path
from typing import Any

from mokoord.checkfacts import Claims, FileFacts, summary_of
from mokoord.codestamp import INDEX_VERSION as INDEX_VERSION
from mokoord.codestamp import code_stamp as code_stamp
from mokoord.scanning import Fingerprint as Fingerprint
from mokoord.scanning import ShardKey as ShardKey
from mokoord.scanning import digest as digest
from mokoord.spans import Spans

MAGIC = f"MOKIDX{INDEX_VERSION:02d}".encode()
"""The first bytes of a shard file of this format (:data:`INDEX_VERSION`)."""
META, FILES, ROWS, CHECK, CLAIMS, SPANS, BLOB = range(1, 8)
PARTS = 6
"""Parts 1-6 have their length in the header; part 7 is the rest of the file."""
HEADER = 16 + 8 * PARTS
"""Magic, token, and the lengths of the parts before the last."""
BULK_SHARE = 8
"""When more than one in this many records of a shard are wanted, its JSON is read whole."""

Problems = tuple[tuple[Any, ...], ...]
Payload = tuple[str, str, str | None, tuple[Any, ...] | None]
"""A validated record: (its JSON, its id, its date or ``None``, its facts row)."""
Parsed = tuple[str, Payload | None, Problems, FileFacts, Claims | None]
"""A file read: (its path, its record, its problems, its file facts, its claims)."""
Entry = tuple[str, str | None, Any]
"""A record in a shard being updated: (its JSON, its date, its facts row)."""


def _interned(value: Any) -> Any:
    """Strings in a facts row made shared, so the index stores each once (and a command
    reading the index makes each once)."""
    kind = type(value)
    if kind is str:
        return sys.intern(value)
    if kind is tuple:
        return tuple([_interned(item) for item in value])
    return value


class Shard:
    """The index of the files of one folder whose names fall into one bucket."""

    __slots__ = (
        "_sources",
        "_sources_blob",
        "blob",
        "claims",
        "columns",
        "dates",
        "digest",
        "entries",
        "fields",
        "files",
        "fingerprints",
        "hits",
        "key",
        "lang",
        "lengths",
        "memo_key",
        "path",
        "problems",
        "records",
        "spans",
        "summary",
        "token",
    )

    def __init__(self, key: ShardKey, path: Path) -> None:
        self.key = key
        self.path = path
        self.token = b""
        self.lengths: tuple[int, ...] = ()
        self.lang = ""
        """The language the problems are worded in."""
        self.digest = b""
        """:func:`digest` of the files' fingerprints; empty when one was too fresh to trust."""
        self.memo_key = b""
        """What figures kept beside the index are kept with for this shard: its digest
        when its records last changed. A file too fresh to trust, kept with a mark of
        its content, is later kept with its fingerprint: the digest changes, the
        records do not, and neither does this (the figures stay valid)."""
        self.fingerprints: dict[str, Fingerprint | bytes | None] | None = {}
        """name → fingerprint; for a file too fresh to trust, a mark of its content
        (bytes: :func:`mokoord.index.content_mark`) or ``None`` (part 2; ``None``
        until read)."""
        self.problems: dict[str, Problems] = {}
        """name → its problems (only files that have any)."""
        self._sources: dict[str, str] | None = {}
        self._sources_blob = b""
        self.dates: dict[str, str] | None = {}
        """id → ISO date (part 3; ``None`` until read)."""
        self.columns: dict[str, tuple[Any, ...]] | None = {}
        """id → facts row (made from part 3 when asked for; see :meth:`rows`)."""
        self.fields: tuple[tuple[str, ...], bytes, tuple[bytes, ...]] | None = None
        """The ids with a facts row, the dates, and each field of the rows, marshalled
        apart: a query needing one field (the organisations a contact names) decodes
        only it."""
        self.files: dict[str, FileFacts] | None = None
        """name → its file facts (part 2; ``None`` until read)."""
        self.summary: dict[str, Any] = {}
        self.claims: dict[str, Claims] | None = None
        """name → its record's claims (part 3; ``None`` until read)."""
        self.spans: Spans | None = None
        """Where each file's JSON lies in part 7 (:class:`Spans`)."""
        self.blob: bytes | None = None
        self.hits = 0
        self.records: dict[str, Entry] | None = None
        """name → its record, while the shard is being updated (see :meth:`load_all`)."""

    # -- reading

    @classmethod
    def read(cls, path: Path, kind: str) -> Shard | None:
        """The first part of a shard file; ``None`` when it is unusable."""
        try:
            with open(path, "rb") as handle:
                header = handle.read(HEADER)
                if len(header) != HEADER or header[:8] != MAGIC:
                    return None
                lengths = tuple(
                    int.from_bytes(header[16 + 8 * i : 24 + 8 * i], "little") for i in range(PARTS)
                )
                meta = marshal.loads(handle.read(lengths[0]))
            stamp, shard_kind, folder, bucket, lang, digest, memo_key, problems, sources, check = (
                meta
            )
            if stamp != code_stamp() or shard_kind != kind:
                return None
            if not (
                isinstance(folder, str)
                and isinstance(bucket, int)
                and isinstance(lang, str)
                and isinstance(digest, bytes)
                and isinstance(memo_key, bytes)
                and isinstance(problems, dict)
                and isinstance(sources, bytes)
                and check == zlib.crc32(sources)
            ):
                return None
        except (OSError, EOFError, ValueError, TypeError):
            return None
        shard = cls((folder, bucket), path)
        shard.token = header[8:16]
        shard.lengths = lengths
        shard.lang = lang
        shard.digest = digest
        shard.memo_key = memo_key
        shard.fingerprints = None
        shard.problems = problems
        shard._sources, shard._sources_blob = None, sources
        shard.dates = shard.columns = None
        return shard

    @property
    def sources(self) -> dict[str, str]:
        """id → the file holding it (relative to the store root); ``ValueError`` if
        damaged (:meth:`load_sources` says so without raising)."""
        if not self.load_sources():
            raise ValueError("the ids of a shard are damaged")
        assert self._sources is not None
        return self._sources

    @sources.setter
    def sources(self, sources: dict[str, str]) -> None:
        self._sources = sources

    def load_sources(self) -> bool:
        """Decode id → file (kept apart in part 1); ``False`` if it is damaged."""
        if self._sources is None:
            try:
                found = marshal.loads(self._sources_blob)
            except (EOFError, ValueError, TypeError):
                return False
            if not isinstance(found, dict):
                return False
            self._sources = found
        return True

    def _part(self, number: int, handle: Any = None) -> Any:
        """Part 2, 3 or 4 (unmarshalled) or 5 (bytes) of the version read; ``None`` if replaced."""
        if not self.token:
            return None
        try:
            with contextlib.ExitStack() as stack:
                if handle is None:
                    handle = stack.enter_context(open(self.path, "rb"))
                handle.seek(0)
                if handle.read(16) != MAGIC + self.token:
                    return None
                handle.seek(HEADER + sum(self.lengths[: number - 1]))
                if number == BLOB:
                    return handle.read()
                return marshal.loads(handle.read(self.lengths[number - 1]))
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def load_fingerprints(self) -> bool:
        """Read part 2: every file's fingerprint."""
        if self.fingerprints is None:
            found = self._part(FILES)
            if not isinstance(found, dict):
                return False
            self.fingerprints = found
        return True

    def load_rows(self) -> bool:
        """Read part 3: the ids with a facts row, and the dates and each field of the
        rows, still marshalled (each is decoded when asked for)."""
        if self.fields is None and (self.dates is None or self.columns is None):
            found = self._part(ROWS)
            if not (isinstance(found, tuple) and len(found) == 3):
                return False
            ids, dates, blobs = found
            if not (
                isinstance(ids, tuple)
                and isinstance(dates, bytes)
                and isinstance(blobs, tuple)
                and all(isinstance(blob, bytes) for blob in blobs)
            ):
                return False
            self.fields = (ids, dates, blobs)
        return True

    def record_dates(self) -> dict[str, str]:
        """id → ISO date (after :meth:`load_rows`); ``ValueError`` if the part is damaged."""
        if self.dates is None:
            assert self.fields is not None
            dates = marshal.loads(self.fields[1])
            if not isinstance(dates, dict):
                raise ValueError("the dates of a shard are damaged")
            self.dates = dates
        return self.dates

    def rows(self) -> dict[str, tuple[Any, ...]]:
        """id → facts row (after :meth:`load_rows`); ``ValueError`` if the part is damaged."""
        if self.columns is None:
            assert self.fields is not None
            ids, _dates, blobs = self.fields
            values = [self._decoded(blob, len(ids)) for blob in blobs]
            self.columns = dict(zip(ids, zip(*values, strict=True), strict=True)) if values else {}
        return self.columns

    def field(self, number: int) -> dict[str, Any]:
        """id → one field of the facts rows (after :meth:`load_rows`)."""
        if self.columns is not None:
            return {key: row[number] for key, row in self.columns.items()}
        assert self.fields is not None
        ids, _dates, blobs = self.fields
        if number >= len(blobs):
            return {}
        return dict(zip(ids, self._decoded(blobs[number], len(ids)), strict=True))

    @staticmethod
    def _decoded(blob: bytes, count: int) -> tuple[Any, ...]:
        values = marshal.loads(blob)
        if not isinstance(values, tuple) or len(values) != count:
            raise ValueError("a field of the facts rows does not fit its ids")
        return values

    def load_check(self) -> bool:
        """Read part 3: the summary of the shard's files and claims."""
        if not self.summary:
            found = self._part(CHECK)
            if not isinstance(found, dict):
                return False
            self.summary = found
        return True

    def load_claims(self) -> bool:
        """Read part 4: every file's facts and the claims of every valid record."""
        if self.claims is None or self.files is None:
            found = self._part(CLAIMS)
            if not (isinstance(found, tuple) and len(found) == 2):
                return False
            files, claims = found
            if not (isinstance(files, dict) and isinstance(claims, dict)):
                return False
            self.files, self.claims = files, claims
        return True

    def _load_spans(self, handle: Any = None) -> bool:
        if self.spans is None:
            self.spans = Spans.of(self._part(SPANS, handle))
        return self.spans is not None

    def payload(self, name: str) -> str | None:
        """The JSON of the record in file ``name``; ``None`` if the shard file was replaced."""
        return self.payloads([name]).get(name)

    def payloads(self, names: list[str]) -> dict[str, str]:
        """The JSON of the records in files ``names`` (those the shard holds); empty if
        the shard file was replaced. Each is read on its own, or with many of the
        shard's records wanted the whole part at once."""
        if self.records is not None:
            return {name: self.records[name][0] for name in names if name in self.records}
        if not self._load_spans():
            return {}
        assert self.spans is not None
        spans = self.spans
        wanted = [(name, spans.span(name)) for name in names if name in spans.number]
        self.hits += len(wanted)
        if self.blob is None and self.hits * BULK_SHARE > len(spans.number):
            self.blob = self._part(BLOB)
            if self.blob is None:
                return {}
        try:
            if self.blob is not None:
                blob = self.blob
                return {
                    name: blob[span[0] : span[0] + span[1]].decode("utf-8") for name, span in wanted
                }
            with open(self.path, "rb") as handle:
                if handle.read(16) != MAGIC + self.token:
                    return {}  # replaced by another command since
                start = HEADER + sum(self.lengths)
                found = {}
                for name, span in sorted(wanted, key=lambda item: item[1][0]):
                    handle.seek(start + span[0])
                    found[name] = handle.read(span[1]).decode("utf-8")
                return found
        except (OSError, UnicodeDecodeError):
            return {}

    def load_all(self) -> bool:
        """Read every part, as an update needs them; ``False`` if the file was replaced."""
        if self.records is not None:
            return True
        try:
            with open(self.path, "rb") as handle:
                if not (
                    self.load_fingerprints()
                    and self.load_claims()
                    and self.load_rows()
                    and self.load_sources()
                    and self._load_spans(handle)
                ):
                    return False
                blob = self.blob if self.blob is not None else self._part(BLOB, handle)
        except OSError:
            return False
        if not isinstance(blob, bytes):
            return False
        assert self.spans is not None
        assert self.files is not None
        try:
            dates, columns = self.record_dates(), self.rows()
            sources, folder, extras = self.sources, self.key[0], self.spans.extras
            records: dict[str, Entry] = {}
            for name in self.spans.number:
                offset, length = self.spans.span(name)
                text = blob[offset : offset + length].decode("utf-8")
                record_id = self.files[name][0]
                if name in extras:
                    when, row = extras[name]
                elif record_id is not None and sources.get(record_id) == f"{folder}/{name}":
                    when, row = dates.get(record_id), columns.get(record_id)
                else:
                    return False  # the parts do not fit together
                records[name] = (text, when, row)
        except (UnicodeDecodeError, ValueError, TypeError, KeyError, IndexError):
            return False
        self.records = records
        return True

    # -- writing

    def trust(self, fingerprints: dict[str, Fingerprint | bytes], digest: bytes) -> bool:
        """Write the shard again with ``fingerprints`` (every file's, in the scan's order)
        and their ``digest``, after files kept with a mark of their content became old
        enough to be trusted by their fingerprint: the records are the same, so every
        other part is copied as it is (no record decoded) and :attr:`memo_key` stays.
        False when the file is no longer the version read, or cannot be written."""
        from mokoord.yamlio import atomic_write

        if not self.token:
            return False
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return False
        start = HEADER + self.lengths[0]
        rest = start + self.lengths[1]
        if raw[:16] != MAGIC + self.token or len(raw) < rest:
            return False
        try:
            meta = list(marshal.loads(raw[HEADER:start]))
        except (EOFError, ValueError, TypeError):
            return False
        meta[5] = digest  # (stamp, kind, folder, bucket, lang, digest, memo key, …)
        head = marshal.dumps(tuple(meta))
        files = marshal.dumps(fingerprints)
        token = os.urandom(8)
        lengths = (len(head), len(files), *self.lengths[2:])
        header = MAGIC + token + b"".join(length.to_bytes(8, "little") for length in lengths)
        try:
            atomic_write(self.path, header + head + files + raw[rest:])
        except OSError:
            return False
        self.token, self.lengths = token, lengths
        self.fingerprints = dict(fingerprints)
        self.digest = digest
        return True

    def write(self, kind: str) -> None:
        from mokoord.yamlio import atomic_write

        assert self.files is not None
        assert self.claims is not None
        assert self.records is not None
        folder, bucket = self.key
        sources = marshal.dumps(self.sources)
        meta = marshal.dumps(
            (
                code_stamp(),
                kind,
                folder,
                bucket,
                self.lang,
                self.digest,
                self.memo_key,
                self.problems,
                sources,
                zlib.crc32(sources),
            )
        )
        files = marshal.dumps(self.fingerprints)
        ids, blobs = self._fields_of(self.columns or {})
        rows = marshal.dumps((ids, marshal.dumps(self.dates or {}), blobs))
        check = marshal.dumps(self.summary)
        claims = marshal.dumps((self.files, self.claims))
        positions = array("q")
        extras: dict[str, tuple[str | None, Any]] = {}
        chunks: list[bytes] = []
        offset = 0
        held = self.sources
        for name, (text, when, row) in self.records.items():
            data = text.encode("utf-8")
            positions.append(offset)
            positions.append(len(data))
            chunks.append(data)
            offset += len(data)
            if held.get(self.files[name][0] or "") != f"{folder}/{name}":
                extras[name] = (when, row)
        names = tuple(self.records)
        where = marshal.dumps((names, positions.tobytes(), extras))
        spans = Spans(names, positions, extras)
        self.token = os.urandom(8)
        self.lengths = (len(meta), len(files), len(rows), len(check), len(claims), len(where))
        self.spans, self.blob = spans, b"".join(chunks)
        content = b"".join(
            (
                MAGIC,
                self.token,
                *(length.to_bytes(8, "little") for length in self.lengths),
                meta,
                files,
                rows,
                check,
                claims,
                where,
                self.blob,
            )
        )
        try:
            atomic_write(self.path, content)
        except OSError:
            return  # the index stays as it was; this command keeps the shard in memory
        # Written: the records, files and claims are read from the file when asked
        # for, so that a command reading 100,000 new files holds few of them at once.
        self.records = self.claims = self.files = None
        self.blob = None

    @staticmethod
    def _fields_of(
        columns: dict[str, tuple[Any, ...]],
    ) -> tuple[tuple[str, ...], tuple[bytes, ...]]:
        ids = tuple(columns)
        if not ids:
            return ids, ()
        width = len(next(iter(columns.values())))
        return ids, tuple(
            marshal.dumps(tuple(row[number] for row in columns.values())) for number in range(width)
        )

    # -- updating

    def start(self, lang: str) -> None:
        """Make an empty shard ready to take in files."""
        self.files, self.claims, self.records = {}, {}, {}
        self.lang = lang

    def update(
        self, parsed: list[tuple[str, Fingerprint | bytes | None, Parsed]], lang: str
    ) -> None:
        """Take in freshly read files: (name, fingerprint, what :func:`parse_file` found)."""
        assert self.files is not None
        assert self.claims is not None
        assert self.records is not None
        if lang != self.lang:
            self.lang = lang
        assert self.fingerprints is not None
        for name, fingerprint, (_relative, payload, problems, facts, claims) in parsed:
            self.fingerprints[name] = fingerprint
            if problems:
                self.problems[name] = problems
            else:
                self.problems.pop(name, None)
            self.files[name] = facts
            if payload is None or claims is None:
                self.claims.pop(name, None)
                self.records.pop(name, None)
                continue
            text, _record_id, when, row = payload
            self.claims[name] = claims
            self.records[name] = (text, when and sys.intern(when), _interned(row))

    def remove(self, names: list[str]) -> None:
        assert self.fingerprints is not None
        for name in names:
            del self.fingerprints[name]
            self.problems.pop(name, None)
            for part in (self.files, self.claims, self.records):
                if part is not None:
                    part.pop(name, None)

    def derive(self) -> None:
        """Rebuild id → file, date and row from the files (the first by name wins an id),
        and the summary of the claims."""
        assert self.files is not None
        assert self.records is not None
        folder = self.key[0]
        sources: dict[str, str] = {}
        dates: dict[str, str] = {}
        columns: dict[str, tuple[Any, ...]] = {}
        twins: set[str] = set()
        for name in sorted(self.files):
            record_id = self.files[name][0]
            if record_id is None or name not in self.records:
                continue
            if record_id in sources:
                twins.add(name)  # a second file holding an id in this shard
                continue
            record_id = sys.intern(record_id)
            sources[record_id] = f"{folder}/{name}"
            _text, when, row = self.records[name]
            if when is not None:
                dates[record_id] = when
            if row is not None:
                columns[record_id] = row
        self.sources, self.dates, self.columns = sources, dates, columns
        assert self.claims is not None
        self.summary = summary_of(folder, self.files, self.claims, twins)
