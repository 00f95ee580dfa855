"""Finding a store's files and their fingerprints, in one or two processes.

Every command that reads records stats every file of their kinds, so that the
index (:mod:`mokoord.index`) never trusts a file that changed. The files of a
folder are split into shards by a hash of their names (:func:`bucket_of`).
Stat'ing 100,000 files takes a good part of a second, nearly all of it in the
kernel, so a forked child shares the work (:class:`Scan`).

**Sharing the work.** A scan is cut into units: each small folder's own
files, each of its subfolders (a year of contacts), and each large folder
with all it holds (:func:`_units`). A pipe holds one byte per unit;
a read of one byte from a pipe is atomic, so whoever reads a byte (the child
from its start, the parent when it asks for the result) scans that unit, and
each unit is scanned exactly once. The child starts with the largest unit
without asking, and sends each unit's shard digests (not its files) back
through a second pipe. A unit the child took but did not deliver (it failed,
or ``fork`` is missing) is scanned by the parent: a result is always whole.

**Starting at process start.** :func:`prescan`, called by ``mokoord``'s entry
point before Typer and pydantic are imported, starts such a scan of every
kind's folder (:data:`FOLDERS`), or of those the command reads first
(``mokoord.cli.FIRST_READ``), of the store the command line names; the
first :func:`take_prescan` of the process takes it when it is for the same
store, covers the folders asked for and started less than
:data:`PRESCAN_SECONDS` ago (a command that waited for its user scans
afresh); the parent waits for the child only while the child holds a unit
the command wants. This module imports only the
standard library so that starting costs nothing.

**Asking a watcher.** On a large store, the digests are asked of the store's
watcher instead (:mod:`mokoord.watching`), which keeps them up to date from
the kernel's change events: nothing is stat'ed, nothing forked. Where no
watcher answers, the scan is made as above (and, on a store large enough,
a watcher started for the next command when this one ends: :func:`start_watchers`).

**Nothing stale.** Before a unit is scanned, its folders are stat'ed; when
one has changed by the time the result is taken (a file added, deleted or
renamed, which includes every write of mokoord's, made by renaming a finished
file into place) or was changed within :data:`RACY_SECONDS` of the scan's
start, the parent scans that unit again. A file edited in place meanwhile is
seen as it was at the scan, as if it were edited just after the scan, and the
index, which trusts a fingerprint only when the file is older than
:data:`RACY_SECONDS` before the scan *started* (:attr:`Scan.started_ns`), is
never left believing stale content.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import struct
import time
import zlib

TYPE_CHECKING = False  # no import of typing (nor pathlib) before the scan has started
if TYPE_CHECKING:
    from os import PathLike

    Root = str | PathLike[str]
    """A store's folder."""

BUCKETS = 16
"""Shards per folder for ``*.yaml`` files."""
OTHER = BUCKETS
"""The bucket of a folder's ``*.yml`` files."""
RACY_SECONDS = 2.0
"""A file or folder changed this shortly before a scan is not trusted to be unchanged
when its fingerprint is (``racily clean``, as git calls it)."""
FOLDERS = (
    "organisations",
    "persons",
    "contacts",
    "events",
    "cooperations",
    "networks",
    "institutions",
    "programmes",
    "applications",
    "erasures",
)
"""Every kind's folder (``dataset.KINDS`` names the same; a test compares): what
:func:`prescan` stats, without importing the models to learn it."""

Fingerprint = tuple[int, int, int]
"""A file's modification time in nanoseconds, size and inode."""
ShardKey = tuple[str, int]
"""(folder relative to the store root, bucket)."""


_PACK = struct.Struct("<qQQI").pack
"""A file's fingerprint and the length of its name, as a digest takes them."""


def digest(files: dict[str, Fingerprint]) -> bytes:
    """A digest of a shard's files and their fingerprints, in the order a scan lists them
    (the same bytes :func:`scan` with ``digests_only`` hashes as it goes)."""
    buffer = bytearray()
    for name, (mtime, size, inode) in files.items():
        raw = name.encode("utf-8", "surrogateescape")
        _take(buffer, raw, mtime, size, inode)
    return hashlib.sha1(buffer).digest()


def _take(buffer: bytearray, raw: bytes, mtime: int, size: int, inode: int) -> None:
    """One file into a digest's bytes: its fingerprint, its name's length, its name."""
    try:
        buffer += _PACK(mtime, size, inode, len(raw))
    except struct.error:  # a number outside 64 bits (a 128-bit file id): written out
        buffer += repr((mtime, size, inode, len(raw))).encode()
    buffer += raw


def bucket_of(name: str) -> int:
    """The bucket of a file name: stable across processes and machines."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS


_BY_FD = os.scandir in os.supports_fd
"""Listing a folder by its descriptor: each file's stat then looks up one name, not a path."""
_IS_DIR = stat.S_IFDIR
_FORMAT = stat.S_IFMT(0o177777)


def scan(
    root: Root,
    folder: str,
    *,
    recursive: bool = True,
    bucket: int | None = None,
    folders: dict[str, Fingerprint] | None = None,
    buckets: set[int] | None = None,
) -> dict[ShardKey, dict[str, Fingerprint]]:
    """Every ``*.yaml`` (and ``*.yml``) below ``root/folder`` (hidden entries skipped), by
    shard: name → fingerprint.

    This runs on every command over every file, so it is kept lean: one
    ``stat`` per file (relative to the folder's descriptor where the system
    allows), no ``Path`` objects. ``recursive=False`` takes only the files
    right in ``folder``; ``bucket`` only those of one shard there (``buckets``:
    of these shards). ``folders``, when given, receives the fingerprint of
    every folder listed, taken before it is listed.
    """
    wanted = buckets if bucket is None else {bucket}
    return _scan(root, folder, recursive, wanted, folders, None, keep=True)


def scan_digests(
    root: Root,
    folder: str,
    *,
    recursive: bool,
    folders: dict[str, Fingerprint],
    keep: bool = False,
) -> tuple[dict[ShardKey, bytes], dict[ShardKey, dict[str, Fingerprint]]]:
    """Each shard's :func:`digest` of what :func:`scan` finds, the files' bytes hashed
    as they are found (hashing kept fingerprints after took a quarter of the
    scan's time); with ``keep``, the fingerprints as well (else none is kept)."""
    buffers: dict[ShardKey, bytearray] = {}
    found = _scan(root, folder, recursive, None, folders, buffers, keep=keep)
    return {key: hashlib.sha1(buffer).digest() for key, buffer in buffers.items()}, found


def _scan(
    root: Root,
    folder: str,
    recursive: bool,
    wanted: set[int] | None,
    folders: dict[str, Fingerprint] | None,
    buffers: dict[ShardKey, bytearray] | None,
    *,
    keep: bool,
) -> dict[ShardKey, dict[str, Fingerprint]]:
    """:func:`scan` of the shards ``wanted`` (None: all); with ``buffers``, each shard's
    digest bytes go there too (and the fingerprints only with ``keep``)."""
    found: dict[ShardKey, dict[str, Fingerprint]] = {}
    base = os.fspath(root) + os.sep
    crc32 = zlib.crc32
    pack = _PACK
    stack = [folder]
    while stack:
        relative = stack.pop()
        try:
            if folders is not None:
                st = os.stat(base + relative)
                folders[relative] = (st.st_mtime_ns, st.st_size, st.st_ino)
            handle = os.open(base + relative, os.O_RDONLY | os.O_DIRECTORY) if _BY_FD else -1
        except OSError:
            continue
        shards: list[dict[str, Fingerprint]] = [{} for _ in range(BUCKETS + 1)]
        hashed = [bytearray() for _ in range(BUCKETS + 1)] if buffers is not None else None
        try:
            try:
                entries = os.scandir(handle) if _BY_FD else os.scandir(base + relative)
            except OSError:
                continue
            with entries:
                for entry in entries:
                    name = entry.name
                    if name.endswith(".yaml") and name[0] != ".":
                        # bucket_of(name), inlined: this line runs for every file
                        raw = name.encode("utf-8", "surrogateescape")
                        number = crc32(raw) % BUCKETS
                        if wanted is not None and number not in wanted:
                            continue
                    elif name[0] == ".":
                        continue
                    elif name.endswith(".yml"):
                        raw = name.encode("utf-8", "surrogateescape")
                        number = OTHER
                        if wanted is not None and number not in wanted:
                            continue
                    else:
                        if recursive and wanted is None and entry.is_dir(follow_symlinks=False):
                            stack.append(relative + "/" + name)
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if st.st_mode & _FORMAT == _IS_DIR:
                        continue  # links and the like are kept: reading names them
                    mtime, size, inode = st.st_mtime_ns, st.st_size, st.st_ino
                    if keep:
                        shards[number][name] = (mtime, size, inode)
                    if hashed is None:
                        continue
                    try:  # _take(...), inlined
                        packed = pack(mtime, size, inode, len(raw))
                    except struct.error:
                        _take(hashed[number], raw, mtime, size, inode)
                        continue
                    buffer = hashed[number]
                    buffer += packed
                    buffer += raw
        finally:
            if handle >= 0:
                os.close(handle)
        for number, files in enumerate(shards):
            if files:
                found[(relative, number)] = files
        if hashed is not None and buffers is not None:
            for number, buffer in enumerate(hashed):
                if buffer:
                    buffers[(relative, number)] = buffer
    return found


Scanned = dict[ShardKey, tuple[bytes, dict[str, Fingerprint] | None]]
"""What a scan found: each shard's :func:`digest` and, where the scan was made in
this process, its files (name → fingerprint)."""

Unit = tuple[int, str, bool]
"""A part of a scan: (weight, folder, whether its subfolders too)."""


def _scan_unit(root: Root, unit: Unit, *, keep: bool) -> tuple[dict[str, Fingerprint], Scanned]:
    """One unit scanned: the fingerprints of its folders (taken first), and its shards."""
    folders: dict[str, Fingerprint] = {}
    digests, found = scan_digests(root, unit[1], recursive=unit[2], folders=folders, keep=keep)
    return folders, {
        key: (value, found.get(key) if keep else None) for key, value in digests.items()
    }


ASK_WEIGHT = 256 * 1024
"""Folders weighing this much (their directories' sizes: about 5,000 files) are asked of
the store's watcher (:mod:`mokoord.watching`, imported only then); a scan of fewer
files costs less than asking."""
FORK_THRESHOLD = 256 * 1024
"""Scan in two processes when the folders' directory sizes add up to this (≈ 5,000 files)."""
_FRAME = 8
"""Each unit the child sends: the length of its marshalled data, then the data."""


class Scan:
    """Stat'ing every file of some folders; with many files, shared with a forked process.

    Create the scan first, do other work (reading the index, importing), then
    take :meth:`result`. How the work is shared, and why the result is whole
    and never stale: see the module's documentation.
    """

    def __init__(self, root: Root, folders: list[str] | tuple[str, ...]) -> None:
        self.root: Root = root
        self.folders = tuple(folders)
        self.started_ns = time.time_ns()
        """When the scan started: a file changed after ``started_ns - RACY_SECONDS``
        is not trusted unchanged by its fingerprint alone."""
        self.units = _units(root, self.folders)
        self.pid = 0
        self.tokens = -1
        self.results = -1
        self.by_child: set[int] = set()
        """The units the child delivered (and the parent took over)."""
        self.watched: dict[ShardKey, bytes] | None = None
        """Each shard's digest as the store's watcher gave it (:mod:`mokoord.watching`)."""
        total = sum(weight for weight, _folder, _recursive in self.units)
        if total >= ASK_WEIGHT or os.environ.get("MOKOORD_WATCH"):
            from mokoord import watching

            if watching.enabled():
                self.watched = watching.ask(root, self.folders)
                if self.watched is not None:
                    return
                if total >= watching.START_WEIGHT or watching.always():
                    _watchers_wanted.append(root)
        if total >= FORK_THRESHOLD and hasattr(os, "fork") and len(self.units) >= 2:
            self._start()

    def _start(self) -> None:
        opened: list[int] = []
        try:
            tokens, give = os.pipe()
            opened += (tokens, give)
            # unit 0, the largest, is the child's from the start; one byte per other unit
            os.write(give, bytes(range(1, min(len(self.units), 256))))
            results, send = os.pipe()
            opened += (results, send)
            pid = os.fork()
        except OSError:
            for handle in opened:
                os.close(handle)
            return
        os.close(give)
        if pid == 0:  # the child: scan, send, and leave without any cleanup of the parent's
            code = 1
            try:
                os.close(results)
                _let_streams_go()
                number = 0
                while True:
                    data = marshal.dumps(
                        (number, *_scan_unit(self.root, self.units[number], keep=False))
                    )
                    frame = memoryview(len(data).to_bytes(_FRAME, "little") + data)
                    while frame:
                        frame = frame[os.write(send, frame) :]
                    token = os.read(tokens, 1)
                    if not token:
                        break
                    number = token[0]
                code = 0
            finally:
                os._exit(code)
        os.close(send)
        self.pid, self.tokens, self.results = pid, tokens, results

    def result(self, folders: list[str] | tuple[str, ...] | None = None) -> Scanned:
        """Each shard's digest, and its files where this process scanned them (the child
        sends digests only: a shard whose digest changed is listed again, see
        :meth:`KindIndex.refresh`). With ``folders``, only the shards of those: the
        units of other folders the parent takes are left unscanned, and the child is
        not waited for once it holds none of the wanted ones."""
        wanted = set(self.folders if folders is None else folders)
        mine = {
            number
            for number, (_weight, folder, _recursive) in enumerate(self.units)
            if folder.split("/", 1)[0] in wanted
        }
        found: Scanned = {}
        if self.watched is not None:
            for key, value in self.watched.items():
                if key[0].split("/", 1)[0] in wanted:
                    found[key] = (value, None)
            return found
        done: set[int] = set()
        if self.pid:
            try:
                while token := os.read(self.tokens, 1):
                    number = token[0]
                    done.add(number)
                    if number in mine:
                        found.update(_scan_unit(self.root, self.units[number], keep=True)[1])
            except OSError:
                pass
            os.close(self.tokens)
            # the wanted units the child took (it takes no more now)
            theirs = {number for number in mine if number not in done and number < 256}
            for number, folders_seen, shards in self._receive(theirs):
                if self._unchanged(folders_seen):
                    found.update(shards)
                    self.by_child.add(number)
        for number in sorted(mine):
            if number not in done and number not in self.by_child:
                found.update(_scan_unit(self.root, self.units[number], keep=True)[1])
        return found

    def _unchanged(self, folders: dict[str, Fingerprint]) -> bool:
        """Whether the folders of a unit are as the child found them, and older than the scan."""
        racy = self.started_ns - int(RACY_SECONDS * 1e9)
        base = os.fspath(self.root) + os.sep
        for relative, seen in folders.items():
            try:
                st = os.stat(base + relative)
            except OSError:
                return False
            if (st.st_mtime_ns, st.st_size, st.st_ino) != seen or seen[0] >= racy:
                return False
        return bool(folders)

    def _receive(self, theirs: set[int]) -> list[tuple[int, dict[str, Fingerprint], Scanned]]:
        """The units of ``theirs`` the child sent whole, read until it has sent them all or
        left; then the child is let go (it leaves when its unit is done)."""
        received: list[tuple[int, dict[str, Fingerprint], Scanned]] = []
        waiting = set(theirs)
        with open(self.results, "rb", closefd=True) as pipe:
            while waiting and len(size := pipe.read(_FRAME)) == _FRAME:
                length = int.from_bytes(size, "little")
                data = pipe.read(length)
                if len(data) != length:  # the child broke off
                    break
                try:
                    number, folders, shards = marshal.loads(data)
                except (EOFError, ValueError, TypeError):
                    break
                if not (isinstance(number, int) and isinstance(folders, dict)):
                    break
                if number in waiting and isinstance(shards, dict):
                    waiting.discard(number)
                    received.append((number, folders, shards))
        self.results = -1
        _let_go(self.pid)
        self.pid = 0
        return received

    def abandon(self) -> None:
        """Let the child go without its result (it ends once its unit is done)."""
        if self.pid:
            for handle in (self.tokens, self.results):
                os.close(handle)
            _let_go(self.pid)
            self.pid = 0


_watchers_wanted: list[Root] = []
"""The stores whose watcher this process found missing (:func:`start_watchers`)."""


def start_watchers() -> None:
    """Start the watchers this process found missing, at its end: ``mokoord``'s entry
    point calls this once the command is done, so that a watcher's first scan of
    every file never competes with the command that wanted it."""
    if not _watchers_wanted:
        return
    from mokoord import watching

    for root in dict.fromkeys(_watchers_wanted):
        watching.start(root)
    _watchers_wanted.clear()


def _let_streams_go() -> None:
    """In the child: hold none of the parent's standard streams. A child finishing a
    unit after the parent left must not keep a pipe open (``mokoord list | less``
    waits for the end of its input) nor write anything anywhere."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    for stream in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, stream)
    os.close(null)


_leaving: list[int] = []
"""Children let go before they left: reaped by a later scan, or gone with the process."""


def _let_go(pid: int) -> None:
    _leaving.append(pid)
    for child in list(_leaving):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(child, os.WNOHANG)[0] == 0:
                continue  # still finishing its unit
        _leaving.remove(child)


SMALL_FOLDER = 16 * 1024
"""A folder this small (a few hundred entries) is listed to find its subfolders."""


def _units(root: Root, folders: tuple[str, ...]) -> list[Unit]:
    """What a scan is split into, the largest first.

    A small folder's own files are one unit and each of its subfolders (a year
    of contacts) another; a large folder (5,000 organisations) is one unit with
    whatever it holds, so that finding the units never lists thousands of
    names. The weight is the directory's size, which grows with the number of
    its entries on every common file system.
    """
    base = os.fspath(root) + os.sep
    units: list[Unit] = []
    for folder in folders:
        try:
            size = os.stat(base + folder).st_size
            if size > SMALL_FOLDER:
                units.append((size, folder, True))
                continue
            units.append((size, folder, False))
            with os.scandir(base + folder) as entries:
                for entry in entries:
                    if entry.name[0] != "." and entry.is_dir(follow_symlinks=False):
                        size = entry.stat(follow_symlinks=False).st_size
                        units.append((size, f"{folder}/{entry.name}", True))
        except OSError:
            continue
    return sorted(units, reverse=True)


PRESCAN_SECONDS = 5.0
"""A prescan older than this is not taken: a command that waited for its user (an
editor, questions) before it reads records scans afresh."""
_early: Scan | None = None
_early_root: tuple[int, int] | None = None


def prescan(root: Root, folders: tuple[str, ...] = FOLDERS) -> None:
    """Start scanning ``folders`` (every kind's) of the store at ``root`` (see the
    module's documentation); only where the work is shared with a child, else nothing."""
    global _early, _early_root
    try:
        st = os.stat(root)
        early = Scan(root, folders)
    except OSError:
        return
    if early.pid or early.watched is not None:
        _early, _early_root = early, (st.st_dev, st.st_ino)


def take_prescan(root: Root, folders: list[str]) -> Scan | None:
    """The scan :func:`prescan` started, if it is for ``root``, covers ``folders`` and
    started less than :data:`PRESCAN_SECONDS` ago; only the first call of a process
    can take it (later ones scan afresh)."""
    global _early, _early_root
    early, identity = _early, _early_root
    _early = _early_root = None
    if early is None:
        return None
    try:
        st = os.stat(root)
    except OSError:
        st = None
    fresh = time.time_ns() - early.started_ns < PRESCAN_SECONDS * 1e9
    if (
        st is None
        or (st.st_dev, st.st_ino) != identity
        or not set(folders) <= set(early.folders)
        or not fresh
    ):
        early.abandon()
        return None
    return early
