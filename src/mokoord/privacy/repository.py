"""The repository of a store, as the erasure and the catch-up use it: git on object
ids with an index of their choosing, the store's write lock, and the journal of
an erasure under way (ref names and commit ids only, never a value)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokoord import gitops
from mokoord.errors import GitError, MokoordError
from mokoord.i18n import _
from mokoord.store import LOCK_TIMEOUT, Store

JOURNAL = "erasure.json"
"""In the store's ``.mokoord/``: the state of an erasure under way (ids only)."""
WORK = "mokoord-erasure"
"""In the git directory: the mirror the history is rewritten in."""
TEMP_REFS = "refs/mokoord-erasure/"
KILL_AT = "MOKOORD_TEST_KILL_AT"
"""Crash-safety tests: the erasure kills itself at the checkpoint of this name."""


def checkpoint(name: str) -> None:
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class Repo:
    """The repository holding a store."""

    top: Path
    git_dir: Path
    prefix: str
    """The store's folder in the repository: ``""`` or ``data/``."""

    @property
    def work(self) -> Path:
        return self.git_dir / WORK


def repo_of(store: Store) -> Repo:
    found = gitops.repository(store.root)
    if found is None:
        raise GitError(
            _("{root} is not in a git repository; there is no history to erase from").format(
                root=store.root
            )
        )
    top, git_dir = found
    relative = store.root.resolve().relative_to(top.resolve()).as_posix()
    return Repo(top, git_dir, "" if relative == "." else relative + "/")


def git(
    args: list[str],
    cwd: Path,
    *,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """git with plain paths and, unlike :func:`mokoord.gitops.git`, an index of our choosing."""
    full = {**os.environ, "LC_ALL": "C", "GIT_LITERAL_PATHSPECS": "1", **(env or {})}
    if "GIT_INDEX_FILE" not in (env or {}):
        full.pop("GIT_INDEX_FILE", None)
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=full,
        input=input.encode("utf-8") if isinstance(input, str) else input,
        capture_output=True,
    )
    out = subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", errors="replace"),
        result.stderr.decode("utf-8", errors="replace"),
    )
    if check and result.returncode != 0:
        raise GitError(
            _("git {command} failed: {reason}").format(
                command=args[0], reason=(out.stderr or out.stdout).strip()
            )
        )
    return out


def refs(cwd: Path) -> dict[str, str]:
    """Every ref but symbolic ones: name → object id."""
    listed = git(["for-each-ref", "--format=%(objectname) %(refname) %(symref)"], cwd).stdout
    found: dict[str, str] = {}
    for line in listed.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and not (len(parts) > 2 and parts[2]):
            found[parts[1]] = parts[0]
    return found


@contextlib.contextmanager
def locked(repo: Repo) -> Iterator[None]:
    """The write lock every mokoord change takes (``store.Change``)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(repo.git_dir / "mokoord.lock"), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise MokoordError(
            _("another mokoord command is changing the store; nothing was erased"),
            hint=_("wait until it has finished, then run the command again"),
        ) from None
    try:
        yield
    finally:
        lock.release()


def journal_path(store: Store) -> Path:
    return store.cache_dir / JOURNAL


def write_journal(store: Store, state: dict[str, Any]) -> None:
    from mokoord.yamlio import atomic_write

    store.cache_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(journal_path(store), json.dumps(state, indent=1).encode("utf-8"))


def read_journal(store: Store) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(journal_path(store).read_text(encoding="utf-8"))
    return data


def interrupted(store: Store) -> bool:
    """An erasure was interrupted in this store (cheap: one ``stat``)."""
    return journal_path(store).is_file()


def author(store: Store, repo: Repo) -> tuple[str, list[str]]:
    """Who erases ("Name <email>") and the ``-c user.…`` arguments for the commit."""
    configured = store.config.author
    identity = gitops.identity_args(
        repo.top, (configured.name, str(configured.email)) if configured else None
    )
    ident = git([*identity, "var", "GIT_AUTHOR_IDENT"], repo.top).stdout.strip()
    return ident.rsplit(" ", 2)[0], identity
