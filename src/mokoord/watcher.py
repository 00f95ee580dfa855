"""A store's watcher: each shard's digest kept up to date by the kernel's change events.

Started by a command on a large store (:func:`mokoord.watching.start`) as
``python -m mokoord.watcher STORE``; what it is for and why its answers are
never stale: :mod:`mokoord.watching`.

The watcher watches the store's folder (for kind folders made, deleted or
moved) and every folder a scan lists (:data:`~mokoord.scanning.FOLDERS` and
their subfolders, hidden ones left out), each with one inotify watch, set
before the folder is scanned. An event marks what a scan must look at again:

* a file's content or times changed: its shard (:func:`~mokoord.scanning.bucket_of`);
* a file made, deleted or renamed: its shard; in a small folder every shard
  (the order in which a small folder lists its files, which a digest follows,
  may have moved: :meth:`Watcher._small`);
* a subfolder made, deleted or renamed, a watched folder gone, or events lost
  (the kernel's queue overflowed): the kind's whole folder, watched anew.

Marking is all it does as events arrive; the shards marked are scanned when
a command asks, or once no event came for :data:`QUIET_SECONDS`
(:meth:`Watcher.settle`), with the very functions a command would scan them
with, so the digests are the same bytes.
"""

from __future__ import annotations

import contextlib
import errno
import marshal
import os
import select
import socket
import sys
import time

from inotify_simple import INotify, flags

from mokoord.scanning import (
    BUCKETS,
    FOLDERS,
    OTHER,
    SMALL_FOLDER,
    ShardKey,
    bucket_of,
    digest,
    scan,
    scan_digests,
)
from mokoord.watching import (
    ASK_SECONDS,
    CLAIM_FD,
    CLAIMED,
    IDLE_SECONDS,
    MAX_REQUEST,
    address,
    same_user,
)

FILE_CHANGES = flags.MODIFY | flags.ATTRIB
LISTING_CHANGES = flags.CREATE | flags.DELETE | flags.MOVED_FROM | flags.MOVED_TO
SELF_CHANGES = flags.DELETE_SELF | flags.MOVE_SELF
MASK = FILE_CHANGES | LISTING_CHANGES | SELF_CHANGES | flags.ONLYDIR
ROOT_MASK = LISTING_CHANGES | SELF_CHANGES | flags.ONLYDIR
QUIET_SECONDS = 0.05
"""After the last change this long, the shards it touched are scanned without waiting
to be asked: the next command (typed after an edit, started after a write) finds
the digests ready."""


class Watcher:
    """The digests of a store's shards, and what changed since they were made."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.base = root + os.sep
        self.notify = INotify()
        self.where: dict[int, str] = {}
        """Each watch: the folder it watches, relative to the store ("" for the store's)."""
        self.digests: dict[ShardKey, bytes] = {}
        self.trees: set[str] = set()
        """Kind folders to watch and scan anew, whole."""
        self.listings: set[str] = set()
        """Folders where files were added, deleted or renamed."""
        self.shards: set[ShardKey] = set()
        """Shards to scan anew."""
        self.gone = False
        """Whether the store's folder was deleted or moved (the watcher ends)."""
        self.where[self.notify.add_watch(root, ROOT_MASK)] = ""
        self.trees.update(FOLDERS)
        self.settle()

    def take(self, events: list[tuple[int, int, int, str]]) -> None:
        """Mark what the events say changed (inotify's: watch, mask, cookie, name)."""
        for wd, mask, _cookie, name in events:
            if mask & flags.Q_OVERFLOW:
                self.trees.update(FOLDERS)
                continue
            folder = self.where.get(wd)
            if folder is None:
                continue
            if mask & flags.IGNORED:  # the watch is gone with its folder
                del self.where[wd]
            top = folder.split("/", 1)[0]
            if folder == "":
                if mask & (SELF_CHANGES | flags.IGNORED | flags.UNMOUNT):
                    self.gone = True
                elif name in FOLDERS:
                    self.trees.add(name)
            elif mask & (SELF_CHANGES | flags.IGNORED | flags.UNMOUNT):
                self.trees.add(top)
            elif mask & flags.ISDIR:
                if mask & LISTING_CHANGES and not name.startswith("."):
                    self.trees.add(top)
            elif name.startswith("."):
                continue
            elif name.endswith((".yaml", ".yml")):
                self.shards.add((folder, OTHER if name.endswith(".yml") else bucket_of(name)))
                if mask & LISTING_CHANGES:
                    self.listings.add(folder)

    def drain(self) -> None:
        """Take every event waiting (each change made so far has queued its event)."""
        while events := self.notify.read(timeout=0):
            self.take(events)

    def settle(self) -> None:
        """Make the digests of whatever changed again: afterwards they are what a scan
        started now would find."""
        self.drain()
        while self.trees:
            self._watch_tree(self.trees.pop())
            self.drain()  # a change while a tree was scanned: scanned again below
        per_folder: dict[str, set[int]] = {}
        for folder, bucket in self.shards:
            per_folder.setdefault(folder, set()).add(bucket)
        for folder, buckets in sorted(per_folder.items()):
            if len(buckets) > BUCKETS // 2 or (folder in self.listings and self._small(folder)):
                self._forget(folder, tree=False)
                digests, _found = scan_digests(self.root, folder, recursive=False, folders={})
                self.digests.update(digests)
                continue
            found = scan(self.root, folder, recursive=False, buckets=buckets)
            for bucket in buckets:
                files = found.get((folder, bucket))
                if files:
                    self.digests[(folder, bucket)] = digest(files)
                else:
                    self.digests.pop((folder, bucket), None)
        self.listings.clear()
        self.shards.clear()

    def _small(self, folder: str) -> bool:
        """Whether a folder is small enough to be listed whole when files were added,
        deleted or renamed in it. A small folder may list its files in another order
        after such a change (its entries are moved when it is converted to a larger
        form); a large one (ext4's, XFS's, btrfs's, tmpfs's) lists the others in
        the same order as before, so only the shards of the names changed are
        listed again (their files stat'ed, the others only named)."""
        try:
            return os.stat(self.base + folder).st_size <= SMALL_FOLDER
        except OSError:
            return True

    def _forget(self, folder: str, *, tree: bool) -> None:
        """Drop the digests of a folder's shards (with ``tree``, of its subfolders' too)."""
        inside = folder + "/"
        for key in list(self.digests):
            if key[0] == folder or (tree and key[0].startswith(inside)):
                del self.digests[key]

    def _watch_tree(self, top: str) -> None:
        """Watch a kind's folder and every subfolder a scan lists, then scan them all."""
        inside = top + "/"
        for wd, folder in list(self.where.items()):
            if folder == top or folder.startswith(inside):
                with contextlib.suppress(OSError):
                    self.notify.rm_watch(wd)
                del self.where[wd]
        self._forget(top, tree=True)
        self.listings = {f for f in self.listings if f != top and not f.startswith(inside)}
        self.shards = {k for k in self.shards if k[0] != top and not k[0].startswith(inside)}
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                wd = self.notify.add_watch(self.base + folder, MASK)
            except OSError as error:
                if error.errno in (errno.ENOENT, errno.ENOTDIR):
                    continue  # gone, or not there yet: its parent's watch sees it
                raise  # no more watches allowed, no access: a folder unwatched, no answers
            self.where[wd] = folder
            try:
                with os.scandir(self.base + folder) as entries:
                    for entry in entries:
                        if _listed_folder(entry):
                            stack.append(f"{folder}/{entry.name}")
            except OSError:
                continue
        digests, _found = scan_digests(self.root, top, recursive=True, folders={})
        self.digests.update(digests)

    def answer(self, folders: tuple[str, ...]) -> dict[ShardKey, bytes] | None:
        """The digests of the shards in ``folders``, as a scan started now would make them;
        None when a folder is asked for that is not watched (the asker scans itself)."""
        if not set(folders) <= set(FOLDERS):
            return None
        self.settle()
        wanted = set(folders)
        return {
            key: value for key, value in self.digests.items() if key[0].split("/", 1)[0] in wanted
        }


def _listed_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a scan lists the files of this entry of a folder it lists: a subfolder
    neither hidden nor named like a record's file, no link (as :func:`scan` takes them)."""
    name = entry.name
    return (
        name[0] != "."
        and not name.endswith((".yaml", ".yml"))
        and entry.is_dir(follow_symlinks=False)
    )


def serve(root: str, claim: socket.socket) -> None:
    """Watch the store and answer questions until idle, asked to stop, or the store is gone."""
    watcher = Watcher(root)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(address(root))
        listener.listen(64)
        poll = select.poll()
        poll.register(watcher.notify.fileno(), select.POLLIN)
        poll.register(listener.fileno(), select.POLLIN)
        asked = time.monotonic()
        changed_at: float | None = None
        while not watcher.gone:
            now = time.monotonic()
            left = IDLE_SECONDS - (now - asked)
            if left <= 0:
                break
            if changed_at is not None:
                quiet = changed_at + QUIET_SECONDS - now
                if quiet <= 0:  # the changes have settled: their shards scanned before asked
                    watcher.settle()
                    changed_at = None
                    continue
                left = min(left, quiet)
            for fd, _event in poll.poll(int(left * 1000) + 1):
                if fd == listener.fileno():
                    connection, _ = listener.accept()
                    asked = time.monotonic()
                    with connection:
                        if not _answer(watcher, connection):
                            return
                    changed_at = None  # settled by the answer
                else:
                    watcher.take(watcher.notify.read(timeout=0))
                    changed_at = time.monotonic()
    claim.close()


def _answer(watcher: Watcher, connection: socket.socket) -> bool:
    """Answer one question; False when asked to stop. A failure to bring the digests
    up to date is not caught: the watcher ends rather than answer wrongly."""
    try:
        connection.settimeout(ASK_SECONDS)
        if not same_user(connection):
            return True
        parts = []
        size = 0
        while chunk := connection.recv(65536):
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_REQUEST:
                return True
        request = marshal.loads(b"".join(parts))
    except (OSError, EOFError, ValueError, TypeError):
        return True  # the asker went away, or asked nothing sensible
    if request == ("stop",):
        with contextlib.suppress(OSError):
            connection.sendall(marshal.dumps(None))
        return False
    if (
        isinstance(request, tuple)
        and len(request) == 2
        and request[0] == "digests"
        and isinstance(request[1], tuple)
        and all(type(folder) is str for folder in request[1])
    ):
        answer = watcher.answer(request[1])
        with contextlib.suppress(OSError):
            connection.sendall(marshal.dumps(answer))
    return True


def main(argv: list[str]) -> int:
    """``python -m mokoord.watcher STORE``: watch the store until idle (with
    ``--claimed``, as started by :func:`mokoord.watching.start`, which holds the
    watcher's claim on :data:`~mokoord.watching.CLAIM_FD`)."""
    if len(argv) not in (1, 2) or argv[1:] not in ([], [CLAIMED]):
        print("usage: python -m mokoord.watcher STORE", file=sys.stderr)
        return 2
    root = os.path.realpath(argv[0])
    if argv[1:] == [CLAIMED]:
        claim = socket.socket(fileno=CLAIM_FD)
    else:
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(address(root, claim=True))
        except OSError:
            return 0  # another watcher starts or runs
    os.chdir("/")
    with contextlib.suppress(OSError):
        os.nice(5)
    try:
        serve(root, claim)
    except OSError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
