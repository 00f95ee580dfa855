"""Asking a store's watcher what its files are like, instead of stat'ing them all.

Every command stats every file of the kinds it reads (:mod:`mokoord.scanning`),
so that the index never trusts a changed file. That grows with the store: on
a store of 370,000 files it is most of what an everyday command waits for. On
a large store (:data:`START_WEIGHT`) the first command therefore starts a
*watcher* (:mod:`mokoord.watcher`) in the background when it ends
(:func:`mokoord.scanning.start_watchers`): a process that asks the
kernel (Linux's inotify) to tell it of every change in the store's folders,
keeps each shard's digest as a scan would make it, and makes a digest again
only for a shard whose files changed. A later command asks it for the digests
(:func:`ask`), which takes a millisecond, and scans itself only when no
watcher answers. This is what ``git``'s ``core.fsmonitor`` does with a file
system monitor, for the same reason.

**Nothing stale.** Linux queues an inotify event within the system call that
changes a file, so once a change is made, the event is waiting for the
watcher; before it answers, the watcher reads every waiting event and makes
the digests of the shards they name again (:meth:`mokoord.watcher.Watcher.settle`).
Its answer is thus what a scan started when the command asked would find,
and the index treats it as such (a changed digest means the shard's files
are listed again, as after a scan in a second process). When events were
lost (the kernel's queue overflowed: a checkout of a whole branch), the
watcher scans every folder again. A watcher is only started on a local file
system (:func:`local`): on a network drive another machine's changes send no
events. It reads no file's content, only names and fingerprints.

**Whose watcher.** A watcher listens on an abstract Unix socket named after
the store's folder (its real path, device and inode), the user and this code
(:func:`address`); either side checks that the other is the same user. It
ends after :data:`IDLE_SECONDS` without a question, when the store's folder
is deleted or moved, or when asked to (:func:`stop`). ``MOKOORD_WATCH=0``
turns watchers off (no command starts or asks one); ``MOKOORD_WATCH=always``
has one watch a store of any size.

This module imports only the standard library: it runs before anything else.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import socket
import struct
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mokoord.scanning import Root, ShardKey

START_WEIGHT = 1024 * 1024
"""Start a watcher when none answered and the folders to scan weigh this much (their
directories' sizes: about 20,000 files, whose scan takes a good tenth of a second).
A command asks a watcher from :data:`mokoord.scanning.ASK_WEIGHT` on."""
ASK_SECONDS = 5.0
"""How long a command waits for a watcher's answer before it scans itself."""
IDLE_SECONDS = 30 * 60.0
"""A watcher asked nothing for this long ends."""
OFF = ("0", "off", "no", "false", "nein", "aus")
"""Values of ``MOKOORD_WATCH`` that turn watchers off."""
ALWAYS = "always"
"""The value of ``MOKOORD_WATCH`` that has every command ask (and start) a watcher,
whatever the store's size (any other value: from :data:`START_WEIGHT` on)."""
LOCAL_FILE_SYSTEMS = frozenset(
    (
        "ext2",
        "ext3",
        "ext4",
        "xfs",
        "btrfs",
        "bcachefs",
        "f2fs",
        "jfs",
        "reiserfs",
        "zfs",
        "tmpfs",
        "overlay",
        "vfat",
        "exfat",
        "ntfs3",
    )
)
"""File systems whose every change the kernel reports (no network or FUSE file systems)."""
CLAIM_FD = 3
"""Where a started watcher finds the socket holding its claim (:func:`address`), bound
by the command that started it, so that no second one starts meanwhile."""
CLAIMED = "--claimed"
MOUNTINFO = "/proc/self/mountinfo"
MAX_REQUEST = 64 * 1024
_CREDENTIALS = struct.Struct("3i")
"""``SO_PEERCRED``: the other side's process id, user id and group id."""


def enabled() -> bool:
    """Whether watchers are used: on Linux, unless ``MOKOORD_WATCH`` turns them off."""
    setting = os.environ.get("MOKOORD_WATCH", "").strip().lower()
    return sys.platform == "linux" and setting not in OFF


def always() -> bool:
    """Whether ``MOKOORD_WATCH=always`` asks for a watcher whatever the store's size."""
    return os.environ.get("MOKOORD_WATCH", "").strip().lower() == ALWAYS


def address(root: Root, *, claim: bool = False) -> bytes:
    """The abstract socket name of the watcher of the store at ``root``: one per store
    folder, user and version of the watcher's code. ``claim`` gives the name a
    starting watcher holds, so that only one starts."""
    real = os.path.realpath(root)
    st = os.stat(real)
    here = os.path.dirname(os.path.abspath(__file__))
    code = []
    for module in ("scanning.py", "watching.py", "watcher.py"):
        try:
            mine = os.stat(os.path.join(here, module))
            code.append(f"{mine.st_mtime_ns}:{mine.st_size}")
        except OSError:
            code.append("-")
    key = "\0".join((real, str(st.st_dev), str(st.st_ino), str(os.getuid()), *code))
    name = hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"\0mokoord-watch-{name}{'-claim' if claim else ''}".encode()


def same_user(connection: socket.socket) -> bool:
    """Whether the process at the other end of ``connection`` runs as this user."""
    raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _CREDENTIALS.size)
    return bool(_CREDENTIALS.unpack(raw)[1] == os.getuid())


def ask(root: Root, folders: tuple[str, ...]) -> dict[ShardKey, bytes] | None:
    """Each shard's digest in ``folders`` (relative to ``root``), from the store's
    watcher: what a scan started now would find. None when no watcher answers
    (none runs, it is busy for longer than :data:`ASK_SECONDS`, it gave a
    malformed answer): the caller scans itself."""
    data = _request(root, ("digests", tuple(folders)))
    if data is None:
        return None
    try:
        answer = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(answer, dict):
        return None
    for key, value in answer.items():
        if not (
            type(key) is tuple
            and len(key) == 2
            and type(key[0]) is str
            and type(key[1]) is int
            and type(value) is bytes
        ):
            return None
    return answer


def stop(root: Root) -> bool:
    """Ask the store's watcher to end; whether one was there to ask."""
    return _request(root, ("stop",)) is not None


def _request(root: Root, request: tuple[str] | tuple[str, tuple[str, ...]]) -> bytes | None:
    """Send ``request`` to the store's watcher and read its whole answer; None when no
    watcher of this user answers (none listening, timed out, went away)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(ASK_SECONDS)
            connection.connect(address(root))
            if not same_user(connection):
                return None
            connection.sendall(marshal.dumps(request))
            connection.shutdown(socket.SHUT_WR)
            parts = []
            while chunk := connection.recv(65536):
                parts.append(chunk)
    except OSError:
        return None
    return b"".join(parts)


_started: list[int] = []
"""Watchers this process started: reaped when they end (they outlive it as a rule)."""


def start(root: Root) -> bool:
    """Start a watcher for the store at ``root`` in the background, unless one is
    starting or running already or the store is not on a local file system;
    whether one was started."""
    for pid in list(_started):
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                _started.remove(pid)
        except ChildProcessError:
            _started.remove(pid)
    if not sys.executable or not local(root):
        return False
    null = os.devnull
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as claim:
            claim.bind(address(root, claim=True))  # held while a watcher starts and runs
            pid = os.posix_spawn(
                sys.executable,
                [sys.executable, "-m", "mokoord.watcher", os.path.realpath(root), CLAIMED],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, claim.fileno(), CLAIM_FD),
                ],
                setsid=True,
            )
    except OSError:  # the name is taken: a watcher starts or runs
        return False
    _started.append(pid)
    return True


def local(root: Root) -> bool:
    """Whether the store's folder lies on a file system of :data:`LOCAL_FILE_SYSTEMS`
    (by the mount point that holds it, as ``/proc/self/mountinfo`` lists them)."""
    real = os.path.realpath(root)
    kind = None
    longest = -1
    try:
        with open(MOUNTINFO, encoding="utf-8", errors="surrogateescape") as lines:
            for line in lines:
                fields = line.split()
                try:
                    separator = fields.index("-")
                except ValueError:
                    continue
                if len(fields) <= separator + 1 or len(fields) < 5:
                    continue
                point = _unescape(fields[4])
                inside = real == point or real.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= longest:
                    longest, kind = len(point), fields[separator + 1]
    except OSError:
        return False
    return kind in LOCAL_FILE_SYSTEMS


def _unescape(field: str) -> str:
    """A path of ``mountinfo``, whose spaces, tabs, newlines and backslashes are octal."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field
