"""Finding a store's files and their fingerprints, in one or two processes.

Every command that reads records stats every file of their kinds, so that the
index (:mod:`mokoord.index`) never trusts a file that changed. The files of a
folder are split into shards by a hash of their names (:func:`bucket_of`).
Stat'ing 100,000 files takes a good part of a second, nearly all of it in the
kernel; with many files a forked child stats part of them (:class:`Scan`)
while the parent reads the index, and sends back only each shard's digest.
"""

from __future__ import annotations

import marshal
import os
import stat
import zlib
from pathlib import Path

from mokoord.shards import Fingerprint, ShardKey, digest

BUCKETS = 16
"""Shards per folder for ``*.yaml`` files."""
OTHER = BUCKETS
"""The bucket of a folder's ``*.yml`` files."""


def bucket_of(name: str) -> int:
    """The bucket of a file name: stable across processes and machines."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS


def scan(
    root: Path, folder: str, *, recursive: bool = True, bucket: int | None = None
) -> dict[ShardKey, dict[str, Fingerprint]]:
    """Every ``*.yaml`` (and ``*.yml``) below ``root/folder`` (hidden entries skipped), by
    shard: name → fingerprint.

    This runs on every command over every file, so it is kept lean: one
    ``stat`` per file, no ``Path`` objects. ``recursive=False`` takes only the
    files right in ``folder``; ``bucket`` only those of one shard there.
    """
    found: dict[ShardKey, dict[str, Fingerprint]] = {}
    base = os.fspath(root) + os.sep
    is_dir = stat.S_ISDIR
    crc32 = zlib.crc32
    stack = [folder]
    while stack:
        relative = stack.pop()
        try:
            entries = os.scandir(base + relative)
        except OSError:
            continue
        shards: list[dict[str, Fingerprint]] = [{} for _ in range(BUCKETS + 1)]
        with entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if name.endswith(".yaml"):
                    # bucket_of(name), inlined: this line runs for every file
                    number = crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS
                elif name.endswith(".yml"):
                    number = OTHER
                else:
                    if recursive and bucket is None and entry.is_dir(follow_symlinks=False):
                        stack.append(relative + "/" + name)
                    continue
                if bucket is not None and number != bucket:
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not is_dir(st.st_mode):  # links and the like too: reading names them
                    shards[number][name] = (st.st_mtime_ns, st.st_size, st.st_ino)
        for number, files in enumerate(shards):
            if files:
                found[(relative, number)] = files
    return found


Scanned = dict[ShardKey, tuple[bytes, dict[str, Fingerprint] | None]]
"""What a scan found: each shard's :func:`~mokoord.shards.digest` and, where the
scan was made in this process, its files (name → fingerprint)."""


def _digested(found: dict[ShardKey, dict[str, Fingerprint]], *, keep: bool) -> Scanned:
    return {key: (digest(files), files if keep else None) for key, files in found.items()}


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
                found: Scanned = {}
                for unit, recursive in self.theirs:
                    found.update(_digested(scan(self.root, unit, recursive=recursive), keep=False))
                data = memoryview(marshal.dumps(found))
                while data:
                    data = data[os.write(write_end, data) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.pipe = pid, read_end

    def result(self) -> Scanned:
        """Each shard's digest, and its files where this process scanned them (the child
        sends digests only: a shard whose digest changed is listed again, see
        :meth:`KindIndex.refresh`)."""
        theirs = {(unit, recursive) for unit, recursive in self.theirs}
        found: Scanned = {}
        for _weight, unit, recursive in self.units:
            if (unit, recursive) not in theirs:
                found.update(_digested(scan(self.root, unit, recursive=recursive), keep=True))
        if self.pid:
            received = self._receive()
            if received is None:  # the child failed: do its part too
                for unit, recursive in self.theirs:
                    found.update(_digested(scan(self.root, unit, recursive=recursive), keep=True))
            else:
                found.update(received)
        return found

    def _receive(self) -> Scanned | None:
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
        if not isinstance(received, dict) or not all(
            isinstance(value, tuple) and len(value) == 2 for value in received.values()
        ):
            return None
        return received


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
