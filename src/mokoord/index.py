"""The index: a derived, git-ignored cache of validated records.

Parsing YAML is slow (a few thousand small files a second even with the C
parser), so reading every file on every command cannot scale. The index keeps
every file's validated content together with the file's fingerprint
(modification time in nanoseconds, size, inode). A load stats every file and
parses again only those whose fingerprint changed, so it is never wrong:

* a file edited by hand, deleted, renamed or changed by ``git checkout`` or
  ``pull`` gets a new fingerprint and is read again;
* a file written within two seconds of the scan is not trusted next time
  either ("racily clean", as git calls it), so two edits within one clock
  tick cannot hide;
* an unreadable, corrupt or foreign-version index is discarded silently and
  rebuilt;
* it is written to a temporary file and renamed into place, so concurrent
  commands each see a complete index (the last writer wins; both are right).

**Shards.** Each kind's index is split into shards: one per folder and
:data:`BUCKETS` buckets of file names (``contacts/2023`` holds 16 shards).
A shard whose files all kept their fingerprints is taken over whole, without
looking at its entries one by one; a changed file rewrites only its own
shard, a few hundred records, not the whole kind.

**Two parts per shard.** A shard file holds first what commands need about
every record (fingerprints, id → file, dates, problems and the facts rows of
:mod:`mokoord.facts`), then what only an update or a look at a record needs
(file → id, the records' JSON). The JSON is read only when a
record is looked at (:class:`~mokoord.records.Records`), so a report over
100,000 contacts never reads their JSON.

The files live in ``<store>/.mokoord/index/<kind>/`` (marshal of plain data:
no code can be run by a tampered file, unlike pickle).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from mokoord.errors import Problem
from mokoord.records import Records

INDEX_VERSION = 6
RACY_SECONDS = 2.0
PARALLEL_THRESHOLD = 2000
"""Parse in several processes when at least this many files must be read."""
BUCKETS = 16
"""Shards per folder."""

_MAGIC = b"MOKIDX06"
_HEADER = 24
"""Magic, token (8 bytes) and the length of the first part (8 bytes)."""

Fingerprint = tuple[int, int, int]
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called while files are parsed."""

Payload = tuple[str, str, str | None, tuple[Any, ...] | None]
"""A validated record: (its JSON, its id, its date or ``None``, its facts row)."""
Problems = tuple[tuple[Any, ...], ...]
ShardKey = tuple[str, int]
"""(folder relative to the store root, bucket)."""


def _rows() -> dict[str, Any]:
    from mokoord.facts import ROWS

    return ROWS


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects.

    Loading creates hundreds of thousands of small objects and no cycles; the
    collector would scan the growing heap again and again (measured: 7 times
    slower). Objects that survive are frozen out of later collections.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _code_stamp() -> str:
    """Changes whenever mokoord or its models change: such an index is foreign."""
    from mokoord import __version__, models

    digest = hashlib.sha1(f"{INDEX_VERSION}:{__version__}".encode())
    here = Path(__file__).parent
    # what decides the index's content: this module, the facts rows, the models
    sources = [
        Path(__file__),
        here / "facts.py",
        *sorted(Path(models.__file__).parent.glob("*.py")),
    ]
    for source in sources:
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()


_STAMP: str | None = None


def code_stamp() -> str:
    global _STAMP
    if _STAMP is None:
        _STAMP = _code_stamp()
    return _STAMP


def bucket_of(name: str) -> int:
    """The bucket of a file name: stable across processes and machines."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS


def scan(
    root: Path, folder: str, *, recursive: bool = True
) -> dict[ShardKey, dict[str, Fingerprint]]:
    """Every ``*.yaml`` below ``root/folder`` (hidden entries skipped), by shard: name → fingerprint.

    This runs on every command over every file, so it is kept lean: one
    ``stat`` per file, no ``Path`` objects. ``recursive=False`` takes only the
    files right in ``folder``.
    """
    found: dict[ShardKey, dict[str, Fingerprint]] = {}
    base = os.fspath(root) + os.sep
    is_regular = stat.S_ISREG
    crc32 = zlib.crc32
    stack = [folder]
    while stack:
        relative = stack.pop()
        try:
            entries = os.scandir(base + relative)
        except OSError:
            continue
        shards: list[dict[str, Fingerprint]] = [{} for _ in range(BUCKETS)]
        with entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if name.endswith(".yaml"):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if is_regular(st.st_mode):
                        # bucket_of(name), inlined: this line runs for every file
                        shards[crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS][name] = (
                            st.st_mtime_ns,
                            st.st_size,
                            st.st_ino,
                        )
                elif recursive and entry.is_dir(follow_symlinks=False):
                    stack.append(relative + "/" + name)
        for bucket, files in enumerate(shards):
            if files:
                found[(relative, bucket)] = files
    return found


FORK_THRESHOLD = 256 * 1024
"""Scan in two processes when the folders' directory sizes add up to this (≈ 5,000 files)."""


class Scan:
    """Stat'ing every file of some folders; with many files, half of it in a forked process.

    Stat'ing 100,000 files takes a good part of a second, nearly all of it in
    the kernel, so a second process halves it on a machine with two cores.
    Create the scan first, do other work (reading the index), then take
    :meth:`result`. Where ``fork`` is missing (Windows) or fails, or the child
    fails, the parent scans everything itself, so the result is always whole.
    """

    def __init__(self, root: Path, folders: list[str]) -> None:
        self.root = root
        self.units = _units(root, folders)
        self.theirs: list[tuple[str, bool]] = []
        self.pid = 0
        self.pipe = -1
        total = sum(weight for weight, _unit, _recursive in self.units)
        if total < FORK_THRESHOLD or not hasattr(os, "fork") or len(self.units) < 2:
            return
        # the child takes the larger half: the parent reads the index meanwhile
        mine_weight, theirs_weight = 0, 0
        for weight, unit, recursive in sorted(self.units, reverse=True):
            if theirs_weight <= mine_weight + total // 5:
                self.theirs.append((unit, recursive))
                theirs_weight += weight
            else:
                mine_weight += weight
        self._start()

    def _start(self) -> None:
        try:
            read_end, write_end = os.pipe()
            pid = os.fork()
        except OSError:
            self.theirs = []
            return
        if pid == 0:  # the child: scan, send, and leave without any cleanup of the parent's
            code = 1
            try:
                os.close(read_end)
                found: dict[ShardKey, dict[str, Fingerprint]] = {}
                for unit, recursive in self.theirs:
                    found.update(scan(self.root, unit, recursive=recursive))
                data = memoryview(marshal.dumps(found))
                while data:
                    data = data[os.write(write_end, data) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.pipe = pid, read_end

    def result(self) -> dict[ShardKey, dict[str, Fingerprint]]:
        theirs = {(unit, recursive) for unit, recursive in self.theirs}
        found: dict[ShardKey, dict[str, Fingerprint]] = {}
        for _weight, unit, recursive in self.units:
            if (unit, recursive) not in theirs:
                found.update(scan(self.root, unit, recursive=recursive))
        if self.pid:
            received = self._receive()
            if received is None:  # the child failed: do its part too
                for unit, recursive in self.theirs:
                    found.update(scan(self.root, unit, recursive=recursive))
            else:
                found.update(received)
        return found

    def _receive(self) -> dict[ShardKey, dict[str, Fingerprint]] | None:
        chunks = []
        with open(self.pipe, "rb", closefd=True) as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0:
            return None
        try:
            received = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        return received if isinstance(received, dict) else None


def _units(root: Path, folders: list[str]) -> list[tuple[int, str, bool]]:
    """What a scan is split into: (weight, folder, recursive).

    Each folder's own files are one unit, each of its subfolders (a year of
    contacts) another. The weight is the directory's size, which grows with
    the number of its entries on every common file system.
    """
    base = os.fspath(root) + os.sep
    units: list[tuple[int, str, bool]] = []
    for folder in folders:
        try:
            units.append((os.stat(base + folder).st_size, folder, False))
            with os.scandir(base + folder) as entries:
                for entry in entries:
                    if entry.name[0] != "." and entry.is_dir(follow_symlinks=False):
                        size = entry.stat(follow_symlinks=False).st_size
                        units.append((size, f"{folder}/{entry.name}", True))
        except OSError:
            continue
    return units


def parse_file(root: str, relative: str, kind: str) -> tuple[str, Payload | None, Problems]:
    """Read, parse and validate one file; plain results only (used in worker processes)."""
    from mokoord.dataset import KINDS
    from mokoord.validation import validate_document
    from mokoord.yamlio import read_document

    model = KINDS[kind].model
    path = Path(root) / relative
    doc = read_document(path, relative, locate=False)
    record, problems = validate_document(doc, model)
    if record is None and doc.data is not None:
        # Only a failing file needs positions: parse it again to place its problems.
        record, problems = validate_document(read_document(path, relative), model)
    payload = None
    if record is not None:
        when = getattr(record, "date", None)
        row = _rows().get(kind)
        payload = (
            record.model_dump_json(exclude_none=True, exclude_defaults=True, by_alias=True),
            record.id,
            when.isoformat() if when is not None else None,
            row(record) if row else None,
        )
    return relative, payload, tuple(_problem_tuple(p) for p in problems)


def _problem_tuple(problem: Problem) -> tuple[Any, ...]:
    return (
        problem.path,
        problem.line,
        problem.column,
        problem.severity,
        problem.code,
        problem.message,
    )


def _parse_chunk(root: str, kind: str, relatives: list[str]) -> list[tuple[str, Any, Any]]:
    return [parse_file(root, relative, kind) for relative in relatives]


def _interned(value: Any) -> Any:
    """Strings in a facts row made shared, so the index stores each once."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, tuple):
        return tuple(_interned(item) for item in value)
    return value


class Shard:
    """The index of the files of one folder whose names fall into one bucket."""

    __slots__ = (
        "columns",
        "dates",
        "fingerprints",
        "ids",
        "key",
        "path",
        "payloads",
        "problems",
        "sources",
        "token",
    )

    def __init__(self, key: ShardKey, path: Path) -> None:
        self.key = key
        self.path = path
        self.token = b""
        self.fingerprints: dict[str, Fingerprint | None] = {}
        """name → fingerprint, ``None`` when the file was too fresh to trust."""
        self.ids: dict[str, str | None] = {}
        """name → the record's id, ``None`` when the file did not validate (read with
        the JSON, in the second part: only an update needs it)."""
        self.problems: dict[str, Problems] = {}
        """name → its problems (only files that have any)."""
        self.sources: dict[str, str] = {}
        """id → the file holding it (relative to the store root)."""
        self.dates: dict[str, str] = {}
        self.columns: dict[str, tuple[Any, ...]] = {}
        self.payloads: dict[str, tuple[str, str | None, Any]] | None = None
        """name → (the record's JSON, its date, its facts row); ``None`` until read
        (see :meth:`load_payloads`)."""

    # -- reading and writing

    @classmethod
    def read(cls, path: Path, kind: str) -> Shard | None:
        """The first part of a shard file; ``None`` when it is unusable."""
        try:
            with open(path, "rb") as handle:
                header = handle.read(_HEADER)
                if len(header) != _HEADER or header[:8] != _MAGIC:
                    return None
                size = int.from_bytes(header[16:], "little")
                meta = marshal.loads(handle.read(size))
            stamp, shard_kind, folder, bucket, fingerprints, problems, sources, dates, columns = (
                meta
            )
            if stamp != code_stamp() or shard_kind != kind:
                return None
            if not (
                isinstance(folder, str)
                and isinstance(bucket, int)
                and isinstance(fingerprints, dict)
                and isinstance(problems, dict)
                and isinstance(sources, dict)
                and isinstance(dates, dict)
                and isinstance(columns, dict)
            ):
                return None
        except (OSError, EOFError, ValueError, TypeError):
            return None
        shard = cls((folder, bucket), path)
        shard.token = header[8:16]
        shard.fingerprints = fingerprints
        shard.problems = problems
        shard.sources = sources
        shard.dates = dates
        shard.columns = columns
        return shard

    def load_payloads(self) -> dict[str, tuple[str, str | None, Any]] | None:
        """The records' JSON, from the same version of the file as the first part."""
        if self.payloads is None:
            try:
                with open(self.path, "rb") as handle:
                    header = handle.read(_HEADER)
                    if header[:8] != _MAGIC or header[8:16] != self.token:
                        return None  # replaced by another command since
                    handle.seek(_HEADER + int.from_bytes(header[16:], "little"))
                    ids, payloads = marshal.loads(handle.read())
            except (OSError, EOFError, ValueError, TypeError):
                return None
            if not isinstance(ids, dict) or not isinstance(payloads, dict):
                return None
            self.ids, self.payloads = ids, payloads
        return self.payloads

    def write(self, kind: str) -> None:
        from mokoord.yamlio import atomic_write

        folder, bucket = self.key
        meta = marshal.dumps(
            (
                code_stamp(),
                kind,
                folder,
                bucket,
                self.fingerprints,
                self.problems,
                self.sources,
                self.dates,
                self.columns,
            )
        )
        self.token = os.urandom(8)
        data = b"".join(
            (
                _MAGIC,
                self.token,
                len(meta).to_bytes(8, "little"),
                meta,
                marshal.dumps((self.ids, self.payloads or {})),
            )
        )
        with contextlib.suppress(OSError):
            atomic_write(self.path, data)

    # -- updating

    def update(
        self, parsed: list[tuple[str, Fingerprint | None, Payload | None, Problems]]
    ) -> None:
        """Take in freshly parsed files: (name, fingerprint, record, problems)."""
        payloads = self.payloads if self.payloads is not None else {}
        for name, fingerprint, payload, problems in parsed:
            self.fingerprints[name] = fingerprint
            if problems:
                self.problems[name] = problems
            else:
                self.problems.pop(name, None)
            if payload is None:
                self.ids[name] = None
                payloads.pop(name, None)
                continue
            text, record_id, when, row = payload
            self.ids[name] = sys.intern(record_id)
            payloads[name] = (text, when and sys.intern(when), _interned(row))
        self.payloads = payloads

    def remove(self, names: list[str]) -> None:
        for name in names:
            del self.fingerprints[name]
            self.ids.pop(name, None)
            self.problems.pop(name, None)
            if self.payloads is not None:
                self.payloads.pop(name, None)

    def derive(self) -> None:
        """Rebuild id → file, date and row from the files (the first by name wins an id)."""
        folder = self.key[0]
        payloads = self.payloads or {}
        sources: dict[str, str] = {}
        dates: dict[str, str] = {}
        columns: dict[str, tuple[Any, ...]] = {}
        for name in sorted(self.ids):
            record_id = self.ids[name]
            if record_id is None or record_id in sources or name not in payloads:
                continue
            sources[record_id] = f"{folder}/{name}"
            _text, when, row = payloads[name]
            if when is not None:
                dates[record_id] = when
            if row is not None:
                columns[record_id] = row
        self.sources, self.dates, self.columns = sources, dates, columns


class KindIndex:
    """The index of one kind of record: its shards."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        self.folder = root / ".mokoord" / "index" / kind
        self.shards: dict[ShardKey, Shard] = {}

    def shard_path(self, key: ShardKey) -> Path:
        digest = hashlib.sha1(key[0].encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return self.folder / f"{digest}-{key[1]:02d}.idx"

    def read(self) -> None:
        """Read the first part of every shard file; anything unusable is ignored."""
        self.shards = {}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if not name.endswith(".idx"):
                continue
            shard = Shard.read(self.folder / name, self.kind)
            if shard is not None and shard.path == self.shard_path(shard.key):
                self.shards[shard.key] = shard

    def refresh(
        self,
        scanned: dict[ShardKey, dict[str, Fingerprint]],
        *,
        write: bool,
        progress: Progress | None = None,
    ) -> None:
        """Bring the shards up to date with the files, writing the changed ones.

        ``scanned`` is what :func:`scan` found in the kind's folder.
        """
        racy_ns = time.time_ns() - int(RACY_SECONDS * 1e9)
        for key in [key for key in self.shards if key not in scanned]:
            if write:
                with contextlib.suppress(OSError):
                    self.shards[key].path.unlink()
            del self.shards[key]
        changed: dict[ShardKey, list[str]] = {}
        for key, files in scanned.items():
            shard = self.shards.get(key)
            if shard is not None and shard.fingerprints == files:
                continue  # the common case: nothing in this shard changed
            if shard is None or shard.load_payloads() is None:
                shard = Shard(key, self.shard_path(key))
                self.shards[key] = shard
            known = shard.fingerprints
            shard.remove([name for name in known if name not in files])
            changed[key] = [name for name, fp in files.items() if known.get(name) != fp]
        # a shard can have changed by losing files only: it is rewritten all the same
        work = [f"{key[0]}/{name}" for key, names in changed.items() for name in names]
        results = {
            relative: (payload, problems)
            for relative, payload, problems in (self._parse(sorted(work), progress) if work else [])
        }
        for key, names in changed.items():
            shard = self.shards[key]
            parsed = []
            for name in names:
                fingerprint = scanned[key][name]
                payload, problems = results[f"{key[0]}/{name}"]
                trusted = fingerprint if fingerprint[0] < racy_ns else None
                parsed.append((name, trusted, payload, problems))
            shard.update(parsed)
            shard.derive()
            if write:
                shard.write(self.kind)

    def _parse(self, relatives: list[str], progress: Progress | None) -> list[tuple[str, Any, Any]]:
        total = len(relatives)
        workers = min(os.cpu_count() or 1, 4)
        if total < PARALLEL_THRESHOLD or workers < 2:
            results = []
            for done, relative in enumerate(relatives, 1):
                results.append(parse_file(str(self.root), relative, self.kind))
                if progress and done % 200 == 0:
                    progress(done, total)
            if progress:
                progress(total, total)
            return results
        size = max(200, total // (workers * 8))
        chunks = [relatives[i : i + size] for i in range(0, total, size)]
        results = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_parse_chunk, str(self.root), self.kind, chunk) for chunk in chunks
            ]
            for future in futures:
                results.extend(future.result())
                if progress:
                    progress(len(results), total)
        return results

    def payload(self, relative: str) -> str:
        """The JSON of the record in ``relative`` (read from the shard, else from the file)."""
        folder, _, name = relative.rpartition("/")
        shard = self.shards.get((folder, bucket_of(name)))
        if shard is not None:
            payloads = shard.load_payloads()
            if payloads is not None and name in payloads:
                return payloads[name][0]
        # the shard was replaced by another command since it was read: read the file
        _, found, _ = parse_file(str(self.root), relative, self.kind)
        if found is None:
            raise KeyError(relative)
        return found[0]


def load_kinds(
    root: Path,
    kinds: list[str],
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Iterator[tuple[str, Records[Any], list[Problem], dict[str, str]]]:
    """For each kind: its records (lazily validated), their problems, and id → file.

    With ``use_cache`` the index is used and brought up to date; without, every
    file is read (and the index left alone). The files are stat'ed while the
    index is read (:class:`Scan`).
    """
    from mokoord.dataset import KINDS

    folders = {kind: KINDS[kind].folder for kind in kinds}
    scanning = Scan(root, list(folders.values()))
    indexes = {kind: KindIndex(root, kind) for kind in kinds}
    if use_cache:
        for index in indexes.values():
            index.read()
    scanned: dict[str, dict[ShardKey, dict[str, Fingerprint]]] = {kind: {} for kind in kinds}
    owner = {folder: kind for kind, folder in folders.items()}
    for key, files in scanning.result().items():
        scanned[owner[key[0].split("/", 1)[0]]][key] = files
    for kind, index in indexes.items():
        index.refresh(scanned[kind], write=use_cache, progress=progress)
        yield (kind, *_merged(index))


def _merged(index: KindIndex) -> tuple[Records[Any], list[Problem], dict[str, str]]:
    """One kind's shards as one mapping of records."""
    from mokoord.dataset import KINDS

    sources: dict[str, str] = {}
    dates: dict[str, str] = {}
    columns: dict[str, tuple[Any, ...]] = {}
    problems: list[Problem] = []
    for key in sorted(index.shards):
        shard = index.shards[key]
        for found in shard.problems.values():
            problems.extend(Problem(*p) for p in found)
        if sources.keys().isdisjoint(shard.sources):
            sources.update(shard.sources)
            dates.update(shard.dates)
            columns.update(shard.columns)
            continue
        # a duplicate id in two files: the first file by path wins; check reports it
        for record_id, relative in shard.sources.items():
            if record_id in sources and sources[record_id] < relative:
                continue
            sources[record_id] = relative
            dates.pop(record_id, None)
            columns.pop(record_id, None)
            if record_id in shard.dates:
                dates[record_id] = shard.dates[record_id]
            if record_id in shard.columns:
                columns[record_id] = shard.columns[record_id]
    problems.sort(key=lambda p: p.path)
    model = KINDS[index.kind].model
    records: Records[Any] = Records(model, sources, index.payload, dates, columns)
    return records, problems, sources
