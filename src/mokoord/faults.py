"""Faults of the machine, told in one message that names the path and the remedy.

A folder that is read-only or belongs to another user, a full disk, a lock
left behind by a crashed git, git missing from PATH: none of them is the
user's data, and none may end in a traceback. :func:`file_fault` turns an
:class:`OSError` into a :class:`~mokoord.errors.MokoordError` where the path
is known (the store's writes, output files); :func:`git_fault` reads git's
own complaint and says what to do about it.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from mokoord.errors import GitError, MokoordError
from mokoord.i18n import _

STALE_LOCK_SECONDS = 60
"""A git lock file older than this is left from a crash: git holds one for milliseconds."""


class FileFault(MokoordError):
    """The machine refused to read or write a file (permissions, read-only, disk full)."""


def file_fault(exc: OSError, path: Path | str | None = None, *, writing: bool = True) -> FileFault:
    """One message for an :class:`OSError` at ``path``: what failed, why, and what to do.

    The hint names the folder's owner when it is another user, since that
    is the usual cause on a shared drive.
    """
    where = Path(path) if path is not None else Path(exc.filename) if exc.filename else None
    shown = str(where) if where is not None else "?"
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        reason = _("permission denied")
        owner = _other_owner(where)
        if owner is not None:
            hint = _(
                "{folder} belongs to the user '{owner}': work in a clone of your own, "
                "or ask '{owner}' or an administrator for write access; nothing was changed"
            ).format(folder=_existing(where), owner=owner)
        else:
            hint = _(
                "check the permissions of {folder} (ls -ld), or ask an administrator; "
                "nothing was changed"
            ).format(folder=_existing(where))
    elif code == errno.EROFS:
        reason = _("the file system is read-only")
        hint = _("copy the store to a writable folder, or mount the drive writable")
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = _("the disk is full") if code == errno.ENOSPC else _("the disk quota is used up")
        hint = _("free some space, then run the command again; nothing was changed")
    else:
        reason = exc.strerror or str(exc)
        hint = None
    if writing:
        message = _("cannot write {path}: {reason}").format(path=shown, reason=reason)
    else:
        message = _("cannot use {path}: {reason}").format(path=shown, reason=reason)
    return FileFault(message, hint=hint)


def _existing(path: Path | None) -> Path | str:
    """The path itself or its nearest existing folder (the one whose permissions matter)."""
    if path is None:
        return "?"
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def _other_owner(path: Path | None) -> str | None:
    """The name of the user owning ``path`` (or its nearest existing folder), when not us."""
    if path is None or not hasattr(os, "geteuid"):
        return None
    try:
        uid = Path(_existing(path)).stat().st_uid
    except OSError:
        return None
    if uid == os.geteuid():
        return None
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def git_missing() -> GitError:
    return GitError(
        _("git was not found: it is not installed, or not on PATH"),
        hint=_("install git, or pass --no-commit to write without a commit"),
    )


_DUBIOUS = re.compile(r"dubious ownership in repository at '([^']+)'")
_LOCKED = re.compile(r"Unable to create '([^']+\.lock)': File exists")


def git_fault(stderr: str, cwd: Path) -> GitError | None:
    """What git's complaint means for the user, when it is a fault of the machine."""
    found = _DUBIOUS.search(stderr)
    if found:
        path = found.group(1)
        owner = _other_owner(Path(path))
        return GitError(
            _("git refuses to work in {path}: the repository belongs to another user").format(
                path=path
            )
            + (f" ('{owner}')" if owner else ""),
            hint=_(
                "if you trust it: git config --global --add safe.directory {path}; "
                "or work in a clone of your own"
            ).format(path=path),
        )
    found = _LOCKED.search(stderr)
    if found:
        return GitError(
            _("the git repository is locked: {lock} exists").format(lock=found.group(1)),
            hint=_(
                "another git program may be running (an editor, a git window); if none is, "
                "a crashed one left the file behind: delete it, then run the command again; "
                "nothing was changed"
            ),
        )
    for marker, code in (
        ("No space left on device", errno.ENOSPC),
        ("Read-only file system", errno.EROFS),
        ("insufficient permission", errno.EACCES),
        ("Permission denied", errno.EACCES),
    ):
        if marker in stderr:
            fault = file_fault(OSError(code, marker), _git_dir(stderr, cwd))
            return GitError(fault.message, hint=fault.hint)
    return None


def _git_dir(stderr: str, cwd: Path) -> Path:
    """The path git names in its complaint, else the repository's .git folder."""
    named = re.search(r"'(/[^']+)'", stderr)
    if named:
        return Path(named.group(1))
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder / ".git"
    return cwd


def stale_lock(stderr: str) -> bool:
    """Whether git's complaint is about a lock file too old to belong to a running git."""
    import time

    found = _LOCKED.search(stderr)
    if not found:
        return False
    try:
        age = time.time() - Path(found.group(1)).stat().st_mtime
    except OSError:
        return False
    return age > STALE_LOCK_SECONDS


def write_output(path: Path, content: bytes) -> None:
    """Write a file the user asked for (a report, an export) atomically; a fault as one message."""
    from mokoord.yamlio import atomic_write

    try:
        atomic_write(path, content)
    except OSError as exc:
        raise file_fault(exc, path) from None
