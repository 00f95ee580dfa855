"""The index: a derived, git-ignored cache of validated records.

Parsing YAML is slow (a few thousand small files a second even with the C
parser), so reading every file on every command cannot scale. The index keeps
every file's validated content together with the file's fingerprint
(modification time in nanoseconds, size, inode). A load stats every file and
parses again only those whose fingerprint changed, so it is never wrong:

* a file edited by hand, deleted, renamed or changed by ``git checkout`` or
  ``pull`` gets a new fingerprint and is read again;
* a file written within two seconds before the scan started is not trusted
  by its fingerprint next time ("racily clean", as git calls it), so two
  edits within one clock tick cannot hide (the scan may have started with the
  process, a good while before the files are read:
  :func:`~mokoord.scanning.prescan`); the index keeps a mark of its content
  instead (:func:`content_mark`, of the very bytes it parsed), and the next
  command reads the file's bytes and takes the record kept only while they
  are the same, without parsing it or rewriting its shard;
* an unreadable, corrupt or foreign-version index is discarded silently and
  rebuilt;
* it is written to a temporary file and renamed into place, so concurrent
  commands each see a complete index (the last writer wins; both are right).

**Shards.** Each kind's index is split into shards: one per folder and
:data:`BUCKETS` buckets of file names (``contacts/2023`` holds 16 shards).
A shard whose files all kept their fingerprints is taken over whole, without
looking at its entries one by one; a changed file rewrites only its own
shard, a few hundred records, not the whole kind.

**Parts of a shard.** A shard file holds first what every command needs
about every record (fingerprints, id → file, dates, problems and the facts
rows of :mod:`mokoord.facts`), then what only ``mokoord check`` needs
(:mod:`mokoord.checkfacts`), then the records' JSON, each read only when its
record is looked at (:class:`~mokoord.records.Records`); see
:mod:`mokoord.shards`. A report over 100,000 contacts never reads their JSON.

**A cold build streams.** With many files to read (a store without an
index), worker processes parse them :data:`~mokoord.indexparse.CHUNK_FILES` at a time, and only
:data:`~mokoord.indexparse.IN_FLIGHT` chunks per worker are handed out ahead of the parent. A
shard is updated and written as soon as its last file is back; then its
parsed files are dropped and it is held by its first part only, read back
from the file just written, as a warm command holds it. So the parent holds
a few chunks of parsed files at once, not the whole store, and a cold
command ends with what a warm one holds. An error midway stops
the workers; every shard written by then is whole (see below) and is taken
over by the next command.

**Other YAML files.** Files ending in ``.yml`` are kept in a shard of their
own per folder (bucket :data:`OTHER`): ``mokoord check`` reports them, a load
leaves them out.

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
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mokoord import indexparse
from mokoord.errors import Problem
from mokoord.indexparse import Progress
from mokoord.indexrows import KindIds, KindRows
from mokoord.records import Records
from mokoord.scanning import (
    BUCKETS,
    OTHER,
    RACY_SECONDS,
    Scan,
    Scanned,
    bucket_of,
    scan,
    take_prescan,
)
from mokoord.shards import (
    Fingerprint,
    Parsed,
    Shard,
    ShardKey,
    code_stamp,
    digest,
)

__all__ = [
    "BUCKETS",
    "OTHER",
    "KindIndex",
    "Scan",
    "bucket_of",
    "code_stamp",
    "load_kinds",
    "open_kinds",
    "quiet_gc",
    "scan",
]


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


MARKED_LIMIT = 500
"""At most this many files too fresh to trust are kept with a mark of their content
in one update (more, as after a checkout of many files, are read again next time)."""


def content_mark(raw: bytes) -> bytes:
    """What the index keeps instead of a fingerprint for a file too fresh to trust:
    a digest of its content, so that a later command trusts the file only while it
    holds the same bytes (see :meth:`KindIndex.refresh`)."""
    return hashlib.sha1(raw).digest()


def shard_digest(fingerprints: dict[str, Any]) -> bytes:
    """The digest a shard is kept with: the scan's (:func:`digest`) while every file
    has its fingerprint; with a mark of a file's content among them, a digest of
    the content it stands for, which no scan gives (so the shard's files are
    looked at one by one) and under which memos stay valid while the content
    does; empty when a file was kept with neither."""
    if None in fingerprints.values():
        return b""
    if all(type(value) is tuple for value in fingerprints.values()):
        return digest(fingerprints)
    return hashlib.sha1(b"marked\0" + marshal.dumps(list(fingerprints.items()), 0)).digest()


def _content(path: str) -> bytes | None:
    """A regular file's bytes (no link followed); ``None`` when it cannot be read so."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read()
    except OSError:
        return None


def _racy_ns(stat_ns: int | None) -> int:
    """Files changed at or after this time are too fresh to trust by their fingerprint."""
    now = time.time_ns()
    return min(now, stat_ns or now) - int(RACY_SECONDS * 1e9)


def _language() -> str:
    from mokoord.i18n import language

    return language()


class KindIndex:
    """The index of one kind of record: its shards."""

    def __init__(
        self, root: Path, kind: str, *, chunk: int | None = None, parallel: int | None = None
    ) -> None:
        self.root = root
        self.kind = kind
        self.chunk = chunk or indexparse.CHUNK_FILES
        """Files a worker process parses at a time (:data:`~mokoord.indexparse.CHUNK_FILES`)."""
        self.parallel = indexparse.PARALLEL_THRESHOLD if parallel is None else parallel
        """Parse in several processes from this many files on (:data:`~mokoord.indexparse.PARALLEL_THRESHOLD`)."""
        self.folder = root / ".mokoord" / "index" / kind
        self.shards: dict[ShardKey, Shard] = {}
        self.scanned: dict[ShardKey, dict[str, Fingerprint]] = {}

        self.stat_ns: int | None = None
        """When the scan the shards were refreshed from started (see :meth:`_take_in`)."""
        self.write = False

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
        scanned: Scanned,
        *,
        write: bool,
        progress: Progress | None = None,
        stat_ns: int | None = None,
    ) -> None:
        """Bring the shards up to date with the files, writing the changed ones.

        ``scanned`` is what :class:`Scan` found in the kind's folder. A shard
        whose digest is the scan's is taken over as it is; otherwise its files
        are compared one by one (listed again if the scan sent only the digest).
        A shard whose problems are worded in another language than the current
        one has those files read again. ``stat_ns`` is when the scan started
        (:attr:`Scan.started_ns`).
        """
        self.write = write
        self.stat_ns = stat_ns
        lang = _language()
        for key in [key for key in self.shards if key not in scanned]:
            if write:
                with contextlib.suppress(OSError):
                    self.shards[key].path.unlink()
            del self.shards[key]
        racy_ns = _racy_ns(stat_ns)
        changed: dict[ShardKey, list[str]] = {}
        again: dict[ShardKey, bool] = {}
        same_records: set[ShardKey] = set()
        for key, (found, _files) in scanned.items():
            shard = self.shards.get(key)
            reword = shard is not None and shard.lang != lang and bool(shard.problems)
            if shard is None or shard.digest != found or reword:
                again[key] = reword
        listed = self._list_again([key for key in again if scanned[key][1] is None])
        for key, reword in again.items():
            shard = self.shards.get(key)
            files = scanned[key][1]
            if files is None:
                files = listed[key]
            self.scanned[key] = files
            promoted: dict[str, Fingerprint] = {}
            stale = None
            if shard is not None and not reword and shard.load_fingerprints():
                stale = self._stale(shard, files, racy_ns, promoted)
                assert shard.fingerprints is not None
                same_files = not stale and len(shard.fingerprints) == len(files)
                if same_files and not promoted:
                    continue  # files kept with a mark of their content, too fresh still
                if same_files and write and self._trust(shard, files, promoted):
                    continue  # the same records, now trusted by their fingerprints
            if shard is None or not shard.load_all():
                shard = Shard(key, self.shard_path(key))
                shard.start(lang)
                self.shards[key] = shard
                stale, promoted = None, {}
            known = shard.fingerprints
            assert known is not None
            gone = [name for name in known if name not in files]
            shard.remove(gone)
            if stale is None:
                stale = self._stale(shard, files, racy_ns, promoted, reword=reword)
            elif not stale and not gone:
                same_records.add(key)  # only files now trusted by their fingerprint
            known.update(promoted)
            changed[key] = stale
        # a shard can have changed by losing files only, or kept its files in another
        # order (its digest is new): it is rewritten all the same
        self._take_in(changed, lang, progress, settle=True, same_records=same_records)

    def _trust(
        self, shard: Shard, files: dict[str, Fingerprint], promoted: dict[str, Fingerprint]
    ) -> bool:
        """Keep the files of ``promoted`` with their fingerprint from now on (their shard
        otherwise unchanged: :meth:`Shard.trust`); False when that could not be done."""
        known = shard.fingerprints
        assert known is not None
        ordered: dict[str, Any] = {
            name: promoted[name] if name in promoted else known[name] for name in files
        }
        return shard.trust(ordered, shard_digest(ordered))

    def _list_again(self, keys: list[ShardKey]) -> dict[ShardKey, dict[str, Fingerprint]]:
        """The files of shards whose scan sent their digest only: a folder with more than
        one of them is listed once, not once per shard (after a cold build, every one)."""
        per_folder: dict[str, list[ShardKey]] = {}
        for key in keys:
            per_folder.setdefault(key[0], []).append(key)
        listed: dict[ShardKey, dict[str, Fingerprint]] = {}
        for folder, wanted in per_folder.items():
            if len(wanted) == 1:
                found = scan(self.root, folder, recursive=False, bucket=wanted[0][1])
            else:
                found = scan(self.root, folder, recursive=False)
            listed.update({key: found.get(key, {}) for key in wanted})
        return listed

    def _stale(
        self,
        shard: Shard,
        files: dict[str, Fingerprint],
        racy_ns: int,
        promoted: dict[str, Fingerprint],
        *,
        reword: bool = False,
    ) -> list[str]:
        """The files of ``shard`` to read again: those whose fingerprint changed, but not
        a file kept with a mark of its content (it was too fresh to trust) that still
        holds that content; such a file old enough to trust now goes into ``promoted``
        with its fingerprint, and the shard is written with it once (so that marks
        do not pile up: a shard with one is looked at file by file)."""
        known = shard.fingerprints
        assert known is not None
        stale = []
        for name, fingerprint in files.items():
            kept = known.get(name)
            if reword and name in shard.problems:
                stale.append(name)
            elif kept == fingerprint:
                continue
            elif type(kept) is bytes and self._holds(shard.key, name, kept):
                if fingerprint[0] < racy_ns:
                    promoted[name] = fingerprint
            else:
                stale.append(name)
        return stale

    def _holds(self, key: ShardKey, name: str, mark: bytes) -> bool:
        """Whether the file holds the content ``mark`` was made of."""
        raw = _content(f"{self.root}{os.sep}{key[0]}{os.sep}{name}")
        return raw is not None and content_mark(raw) == mark

    def _take_in(
        self,
        changed: dict[ShardKey, list[str]],
        lang: str,
        progress: Progress | None,
        *,
        settle: bool = False,
        same_records: set[ShardKey] | None = None,
    ) -> None:
        """Read the changed files, then update and write their shards.

        A file's fingerprint is kept only when the file is older than
        :data:`RACY_SECONDS` before its scan started (which may have been at the
        start of the process: :func:`~mokoord.scanning.prescan`); a file written
        later could change again within the same tick of its clock unseen.

        With ``settle`` each shard written is replaced by its first part read
        back (:meth:`_settle`). A shard of ``same_records`` holds the records it
        held (a file kept with a mark of its content is now kept with its
        fingerprint): it keeps its :attr:`~mokoord.shards.Shard.memo_key`, and the
        figures kept beside the index stay valid.
        """
        racy_ns = _racy_ns(self.stat_ns)
        marked = self._read_marked(changed, racy_ns)
        rest = {
            key: [name for name in names if name not in marked[key]]
            for key, names in changed.items()
        }
        for key, found in self._parse(rest, lang, progress):
            shard = self.shards[key]
            parsed: list[tuple[str, Fingerprint | bytes | None, Parsed]] = []
            for name, result in found.items():
                fingerprint = self.scanned[key][name]
                trusted = fingerprint if fingerprint[0] < racy_ns else None
                parsed.append((name, trusted, result))
            parsed.extend((name, mark, result) for name, (mark, result) in marked[key].items())
            shard.update(parsed, lang)
            assert shard.fingerprints is not None
            ordered = {name: shard.fingerprints[name] for name in self.scanned[key]}
            shard.fingerprints = ordered  # in the scan's order, as the digest takes them
            shard.digest = shard_digest(ordered)
            if not (same_records and key in same_records and shard.memo_key):
                shard.memo_key = shard.digest
            shard.derive()
            if self.write:
                shard.write(self.kind)
                if settle:
                    self._settle(shard)

    def _settle(self, shard: Shard) -> None:
        """Hold a shard just written as a command reading the index holds it: its first
        part, the rest read from the file when asked for. A cold build of 100,000
        files thus ends holding what a warm command holds, not every file's
        fingerprint, date, facts row and where its JSON lies."""
        fresh = Shard.read(shard.path, self.kind)
        if fresh is None or fresh.token != shard.token or fresh.key != shard.key:
            return  # not written (or replaced by another command meanwhile): keep it
        self.shards[shard.key] = fresh

    def _read_marked(
        self, changed: dict[ShardKey, list[str]], racy_ns: int
    ) -> dict[ShardKey, dict[str, tuple[bytes, Parsed]]]:
        """The changed files too fresh to trust, each read once: its content's mark and
        what that content holds (a few; after a checkout of many, none: they are
        read like the others and again by the next command)."""
        marked: dict[ShardKey, dict[str, tuple[bytes, Parsed]]] = {key: {} for key in changed}
        fresh = [
            (key, name)
            for key, names in changed.items()
            for name in names
            if self.scanned[key][name][0] >= racy_ns
        ]
        if len(fresh) > MARKED_LIMIT:
            return marked
        root = str(self.root)
        for key, name in fresh:
            relative = f"{key[0]}/{name}"
            raw = _content(root + os.sep + relative)
            if raw is not None:
                marked[key][name] = (
                    content_mark(raw),
                    indexparse.parse_file(root, relative, self.kind, raw),
                )
        return marked

    def whole(self, key: ShardKey) -> Shard:
        """The shard with every part read; read from the files again if it was replaced."""
        shard = self.shards[key]
        if shard.load_all():
            shard.derive()  # its ids, dates, rows and summary, from the parts read whole
            shard.fields = None
            return shard
        shard = Shard(key, self.shard_path(key))
        shard.start(_language())
        self.shards[key] = shard
        if key not in self.scanned:
            files = scan(self.root, key[0], recursive=False, bucket=key[1]).get(key, {})
            self.scanned[key] = files
        self._take_in({key: list(self.scanned[key])}, shard.lang, None)
        return shard

    def with_sources(self, key: ShardKey) -> Shard:
        """The shard with its id → file decoded (read from the files if that is damaged)."""
        shard = self.shards[key]
        return shard if shard.load_sources() else self.whole(key)

    def rows(self, key: ShardKey) -> Shard:
        """The shard with its records' dates and facts rows read."""
        shard = self.shards[key]
        return shard if shard.load_rows() else self.whole(key)

    def _parse(
        self, changed: dict[ShardKey, list[str]], lang: str, progress: Progress | None
    ) -> Iterator[tuple[ShardKey, dict[str, Parsed]]]:
        """Each shard with its changed files read (:func:`mokoord.indexparse.parse_changed`)."""
        yield from indexparse.parse_changed(
            str(self.root),
            self.kind,
            changed,
            lang,
            progress,
            chunk=self.chunk,
            parallel=self.parallel,
        )

    def payload(self, relative: str) -> str:
        """The JSON of the record in ``relative`` (read from the shard, else from the file)."""
        return self.payloads([relative])[0]

    def payloads(self, relatives: list[str]) -> list[str]:
        """The JSON of the records in ``relatives``, reading each shard once."""
        by_shard: dict[ShardKey, list[str]] = {}
        for relative in relatives:
            folder, _, name = relative.rpartition("/")
            bucket = OTHER if name.endswith(".yml") else bucket_of(name)
            by_shard.setdefault((folder, bucket), []).append(name)
        found: dict[str, str] = {}
        for key, names in by_shard.items():
            shard = self.shards.get(key)
            if shard is not None:
                for name, json in shard.payloads(names).items():
                    found[f"{key[0]}/{name}"] = json
        for relative in relatives:
            if relative not in found:
                # the shard was replaced by another command since it was read: read the file
                _, payload, _, _, _ = indexparse.parse_file(str(self.root), relative, self.kind)
                if payload is None:
                    raise KeyError(relative)
                found[relative] = payload[0]
        return [found[relative] for relative in relatives]


def load_kinds(
    root: Path,
    kinds: list[str],
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Iterator[tuple[str, Records[Any], list[Problem], Callable[[], dict[str, str]]]]:
    """For each kind: its records (lazily validated), their problems, and id → file.

    With ``use_cache`` the index is used and brought up to date; without, every
    file is read (and the index left alone). The files are stat'ed while the
    index is read (:class:`Scan`).
    """
    for kind, index in open_kinds(root, kinds, use_cache=use_cache, progress=progress).items():
        yield (kind, *_merged(index))


def open_kinds(
    root: Path,
    kinds: list[str],
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    chunk: int | None = None,
    parallel: int | None = None,
) -> dict[str, KindIndex]:
    """The index of each kind, brought up to date (as :func:`load_kinds` does);
    ``chunk`` and ``parallel`` as :class:`KindIndex` takes them."""
    from mokoord.dataset import KINDS

    folders = {kind: KINDS[kind].folder for kind in kinds}
    wanted = list(folders.values())
    scanning = take_prescan(root, wanted) or Scan(root, wanted)
    indexes = {kind: KindIndex(root, kind, chunk=chunk, parallel=parallel) for kind in kinds}
    if use_cache:
        for index in indexes.values():
            index.read()
    scanned: dict[str, Scanned] = {kind: {} for kind in kinds}
    owner = {folder: kind for kind, folder in folders.items()}
    for key, found in scanning.result(wanted).items():
        scanned[owner[key[0].split("/", 1)[0]]][key] = found
    for kind, index in indexes.items():
        index.refresh(
            scanned.pop(kind), write=use_cache, progress=progress, stat_ns=scanning.started_ns
        )
        # every file's fingerprint, after a cold build: a shard that needs its files
        # again (:meth:`KindIndex.whole`, rare) lists its folder anew
        index.scanned.clear()
    return indexes


def _merged(
    index: KindIndex,
) -> tuple[Records[Any], list[Problem], Callable[[], dict[str, str]]]:
    """One kind's shards as one mapping of records (their ids, dates and rows read
    when asked), their problems, and what gives id → file."""
    from mokoord.dataset import KINDS

    problems: list[Problem] = []
    keys = []
    for key in sorted(index.shards):
        if key[1] == OTHER:
            continue  # *.yml files: not records mokoord reads (check reports them)
        keys.append(key)
        for found in index.shards[key].problems.values():
            problems.extend(Problem(*p) for p in found)
    problems.sort(key=lambda p: p.path)
    model = KINDS[index.kind].model
    ids = KindIds(index, keys)
    rows = KindRows(index, keys, ids)
    records: Records[Any] = Records(model, ids.sources, index.payloads, rows)
    return records, problems, ids.sources
