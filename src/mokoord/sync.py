"""``mokoord sync``: bring my work and my colleagues' work together.

One sync (:func:`sync`):

1. refuses when there are uncommitted changes, naming them (it commits nothing
   on its own);
2. fetches the server's work and merges it; record files merge field by field
   (:mod:`mokoord.merge`), other files with git's own merge;
3. pushes;
4. when the push is refused because someone pushed meanwhile, fetches, merges
   and pushes again.

A conflict (the same field changed to two values) stops the merge unfinished,
with every file valid: in a terminal the caller's ``ask`` settles each one
(mine, theirs or a new value); otherwise :class:`Conflicts` names them all and
``sync --continue`` (after ``mokoord set``/``edit``) or ``sync --abort``
finishes or undoes the merge (:func:`finish`, :func:`abort`).

When the server cannot be reached, nothing is half done: a fetch changes no
file, a merge made before a failed push is complete and stays, and the next
sync carries on. What came in and went out is summed up per kind of record
(:class:`Changes`).

This module imports neither the models nor YAML until a conflict needs them,
so that a sync costs little more than ``git pull``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mokoord import gitops, gitremote, gitrepo
from mokoord.errors import GitError, MokoordError, UsageError
from mokoord.i18n import _
from mokoord.summary import Changes, changes
from mokoord.together import FOLDERS, Target, remote_error, shown_url, target

MAX_ATTEMPTS = 5
"""Pushes tried when the server keeps moving, each after a new fetch and merge."""
LOCK_TIMEOUT = 120

_WATCHED = ("mokoord.yaml", "templates/", *(f"{folder}/" for folder in FOLDERS))
"""Files of the store a sync refuses to leave behind uncommitted (untracked ones too)."""


# --------------------------------------------------------------------------- a sync


@dataclass
class Outcome:
    """What a sync did: what came in, what went out, and a server failure after local work."""

    target: Target
    incoming: Changes = field(default_factory=Changes)
    outgoing: Changes = field(default_factory=Changes)
    pushed: bool = False
    dry_run: bool = False
    attempts: int = 0
    """Pushes tried (more than one when the server moved meanwhile)."""
    error: MokoordError | None = None
    """The server failed after the server's work was merged here: that merge stays,
    the next sync sends it."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "remote": self.target.remote,
            "branch": self.target.remote_branch,
            "dry_run": self.dry_run,
            "incoming": self.incoming.as_dict(),
            "outgoing": self.outgoing.as_dict(),
            "pushed": self.pushed,
            "attempts": self.attempts,
            "error": self.error.message if self.error else None,
        }


Ask = Callable[[Any], Any]
"""Asks a person to settle a conflict: :data:`mokoord.conflicts.Ask`."""


class UncommittedChanges(MokoordError):
    """sync commits nothing on its own."""


def sync(
    store_root: Path,
    *,
    remote: str | None = None,
    dry_run: bool = False,
    resume: bool = False,
    ask: Ask | None = None,
    interactive: bool = False,
) -> Outcome:
    """Bring this clone's work and the server's together (see the module's docstring).

    ``resume`` (``--continue``) finishes an unfinished merge with the files as
    they are; without it an unfinished merge is settled through ``ask`` (a
    person at a terminal) or stops with :class:`~mokoord.conflicts.Conflicts`.
    """
    # Checking the work tree takes longest on a large store: it starts first and
    # runs while the clone is looked at and the server's work fetched.
    found = gitrepo.git_dir_of(store_root)
    early = fetching = None
    quiet = found is not None and gitrepo.operation_in_progress(found[1]) is None
    if quiet and not dry_run:
        early = _status_in_background(store_root)
    clone = target(store_root, remote)
    if quiet and not resume:  # (during a merge, a password prompt would cross the questions)
        fetching = _Fetching(clone, interactive=interactive)
    with _locked(clone):
        operation = gitrepo.operation_in_progress(clone.git_dir)
        start: str | None = None
        if operation == "merge" and not dry_run:
            start = _head(clone)
            if not resume:
                _settle_all(clone, ask)
            _commit_merge(clone)
        elif operation is not None:
            raise gitrepo.unfinished_error(operation, clone.top)
        elif resume:
            raise UsageError(
                _("no merge is unfinished; nothing to continue"), hint=_("run `mokoord sync`")
            )
        if operation is not None:
            early = None  # the merge was committed since: check the files anew
        return _exchange(
            clone,
            start,
            status=early,
            fetching=fetching,
            dry_run=dry_run,
            ask=ask,
            interactive=interactive,
        )


def abort(store_root: Path) -> Target:
    """Undo an unfinished merge: every file as it was before it."""
    clone = _clone(store_root)
    with _locked(clone):
        if gitrepo.operation_in_progress(clone.git_dir) != "merge":
            raise UsageError(_("no merge is unfinished; nothing to abort"))
        gitops.git(["merge", "--abort"], clone.top)
    return clone


def _clone(store_root: Path) -> Target:
    """The clone without a server (enough to abort a merge)."""
    found = gitops.repository(store_root)
    if found is None:
        raise GitError(_("{root} is not in a git repository").format(root=store_root))
    return Target(found[0], found[1], store_root.resolve(), "", "", "", "", False)


@contextlib.contextmanager
def _locked(clone: Target) -> Iterator[None]:
    """The write lock every mokoord change in this clone takes (see ``store.Change``)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(clone.git_dir / "mokoord.lock"), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise MokoordError(
            _("another mokoord command is changing this store; nothing was done"),
            hint=_("wait until it has finished, then run `mokoord sync` again"),
        ) from None
    try:
        yield
    finally:
        lock.release()


def _exchange(
    clone: Target,
    start: str | None,
    *,
    status: Any,
    fetching: _Fetching | None,
    dry_run: bool,
    ask: Ask | None,
    interactive: bool,
) -> Outcome:
    if status is None and not dry_run:
        status = _status_in_background(clone.top)
    head = _head(clone) if start or not clone.head else clone.head  # a merge moved it
    start = start or head
    try:
        server = (fetching or _Fetching(clone, interactive=interactive)).result()
    except MokoordError:
        if status is not None:
            _refuse_uncommitted(clone, status.result())
        raise
    if status is not None:
        _refuse_uncommitted(clone, status.result())
    if dry_run:
        return _preview(clone, head, server)
    outcome = Outcome(clone)
    sent_from = server
    came: list[tuple[str, str]] | None = None
    """What a single fast-forward from ``start`` brought (saves a second diff)."""
    try:
        while True:
            if server is not None and server != head:
                base = _merge_base(clone, head, server)
                forward = _fast_forward(clone, head, server) if base == head else None
                if forward is not None:
                    came = forward if head == start else None
                    head = server
                elif base != server:  # the server has work this clone lacks
                    _refuse_erased(clone, head, server)
                    _merge(clone, server, ask)
                    head = _head(clone)
                    came = None
            if head == server:
                break
            outcome.attempts += 1
            sent_from = server
            if _push(clone, interactive=interactive):
                outcome.pushed = True
                break
            if outcome.attempts >= MAX_ATTEMPTS:
                raise GitError(
                    _("the server kept changing while sending; tried {count} times").format(
                        count=outcome.attempts
                    ),
                    hint=_("your work is merged here and kept; run `mokoord sync` again"),
                )
            server = _fetch(clone, interactive=interactive)
    except MokoordError as error:
        head = _head(clone)
        if head == start or isinstance(error, _conflicts_error()):
            raise
        outcome.error = error
    outcome.incoming = changes(clone, start, head, f"{start}..{head}", known=came)
    if outcome.pushed:
        span = f"{sent_from}..{head}" if sent_from else head
        outcome.outgoing = changes(clone, sent_from, head, span)
    return outcome


def _conflicts_error() -> type[MokoordError]:
    from mokoord.conflicts import Conflicts

    return Conflicts


def _preview(clone: Target, head: str, server: str | None) -> Outcome:
    """What a sync would bring in and send, without merging or sending anything."""
    outcome = Outcome(clone, dry_run=True)
    if server is None:
        outcome.outgoing = changes(clone, None, head, head)
        return outcome
    found = gitops.git(["merge-base", head, server], clone.top, check=False).stdout.strip()
    base = found or None
    outcome.incoming = changes(clone, base, server, f"{head}..{server}")
    outcome.outgoing = changes(clone, base, head, f"{server}..{head}")
    return outcome


def _head(clone: Target) -> str:
    return gitops.git(["rev-parse", "HEAD"], clone.top).stdout.strip()


def _merge_base(clone: Target, one: str, other: str) -> str | None:
    """The newest commit both have; ``None`` when they share no history."""
    found = gitops.git(["merge-base", one, other], clone.top, check=False)
    return found.stdout.strip() or None


# --------------------------------------------------------------------------- uncommitted changes


def _status_in_background(folder: Path) -> Any:
    """``git status`` running in the background (paths relative to the clone's top)."""
    return gitops.Background(["status", "--porcelain", "-z", "--untracked-files=normal"], folder)


def _refuse_uncommitted(clone: Target, status: Any) -> None:
    """Refuse to sync with uncommitted changes: tracked files, and the store's untracked ones."""
    entries = status.stdout.split("\0")
    found: list[str] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            index += 1  # the old name follows
        relative = path.removeprefix(clone.prefix)
        if code == "??" and (
            not path.startswith(clone.prefix) or not relative.startswith(_WATCHED)
        ):
            continue
        found.append(relative if path.startswith(clone.prefix) else path)
    if not found:
        return
    shown = ", ".join(found[:10])
    if len(found) > 10:
        shown += " " + _("and {count} more").format(count=len(found) - 10)
    raise UncommittedChanges(
        _("there are uncommitted changes, and sync commits nothing on its own: {files}").format(
            files=shown
        ),
        hint=_(
            "commit them (`git add FILE` and `git commit -m …`; files written with --no-commit "
            "or by hand), or undo them with `git restore FILE`; then run `mokoord sync` again"
        ),
    )


# --------------------------------------------------------------------------- fetch, merge, push


class _Fetching:
    """A fetch from the server, running while the sync goes on (it touches no file)."""

    def __init__(self, clone: Target, *, interactive: bool) -> None:
        import threading

        self.clone = clone
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(interactive,), daemon=True)
        self._thread.start()

    def _run(self, interactive: bool) -> None:
        try:
            refspec = f"+refs/heads/{self.clone.remote_branch}:{self.clone.tracking}"
            self._result = gitremote.run_remote(
                ["fetch", "--quiet", "--no-tags", "--", self.clone.remote, refspec],
                self.clone.top,
                interactive=interactive,
            )
        except BaseException as error:  # handed to result()
            self._error = error

    def result(self) -> str | None:
        """The server's commit of the branch; ``None`` when the server has no such branch."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return _fetched(self.clone, self._result)


def _fetch(clone: Target, *, interactive: bool) -> str | None:
    """The server's commit of the branch, fetched; ``None`` when the server has no such branch."""
    return _Fetching(clone, interactive=interactive).result()


def _fetched(clone: Target, result: Any) -> str | None:
    if result.returncode != 0:
        if "couldn't find remote ref" in result.stderr.lower():
            return None  # a new, empty repository on the server: the first sync fills it
        raise _server_error(clone, result.stderr, "fetch")
    found = gitops.git(["rev-parse", "--verify", "--quiet", clone.tracking], clone.top, check=False)
    return found.stdout.strip() or None


def _server_error(clone: Target, stderr: str, action: str) -> MokoordError:
    return remote_error(
        stderr.replace(clone.url, shown_url(clone.url)), server=clone.server, action=action
    )


QUICK_LIMIT = 200
"""A fast-forward over at most this many files checks out just those files."""


def _fast_forward(clone: Target, head: str, server: str) -> list[tuple[str, str]] | None:
    """Move to the server's commit, which only adds to ours, by checking out the files
    that differ (returned as (status, path)); ``None`` when ``git merge`` must do it.

    ``git merge`` would first check every file of the work tree, which the sync
    has just done (uncommitted changes stop it); in a large store that check is
    most of a merge's time. The files about to change are checked once more
    here, so a file edited meanwhile is never overwritten: then, as for hooks,
    a sparse checkout, a file in the way or many files, ``git merge`` does it.
    """
    if not clone.quick:
        return None
    listing = gitops.git(
        ["diff", "--name-status", "-z", "--no-renames", head, server], clone.top
    ).stdout.split("\0")
    entries = list(zip(listing[0::2], listing[1::2], strict=False))
    if not entries or len(entries) > QUICK_LIMIT:
        return None
    there = [path for status, path in entries if status != "A"]
    if any(os.path.lexists(clone.top / path) for status, path in entries if status == "A"):
        return None  # an untracked file in the way: git merge refuses in its words
    if there:
        found = gitops.git(["diff-index", "--quiet", "HEAD", "--", *there], clone.top, check=False)
        if found.returncode != 0:
            return None
    keep = [path for status, path in entries if status != "D"]
    gone = [path for status, path in entries if status == "D"]
    with _uninterrupted():
        if keep:
            gitops.git(["checkout", "--quiet", server, "--", *keep], clone.top)
        if gone:
            gitops.git(["rm", "--quiet", "--", *gone], clone.top)
        message = f"sync: fast-forward to {clone.remote}/{clone.remote_branch}"
        gitops.git(
            ["update-ref", "-m", message, "--stdin"],
            clone.top,
            input=f"update HEAD {server} {head}\nupdate ORIG_HEAD {head}\n",
        )
    return entries


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits for the few steps of a fast-forward (git's children ignore it too)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _refuse_erased(clone: Target, head: str, server: str) -> None:
    """Refuse a merge that would bring back data an erasure removed from the history
    (one side still holds the history from before it): docs/privacy.md."""
    from mokoord.privacy.guard import refusals

    found = refusals(clone.top, [head, server], since=[head], here=head)
    if found:
        raise MokoordError(found[0].message, hint=found[0].hint)


def _merge(clone: Target, server: str, ask: Ask | None) -> None:
    """Merge the server's commit; conflicts are settled through ``ask`` or stop the sync."""
    identity = _identity(clone)
    message = f"sync: merge {clone.remote}/{clone.remote_branch}"
    result = gitops.git(
        [*identity, "merge", "--no-edit", "--quiet", "-m", message, server], clone.top, check=False
    )
    if result.returncode == 0:
        return
    if gitrepo.operation_in_progress(clone.git_dir) == "merge":
        _settle_all(clone, ask)
        _commit_merge(clone)
        return
    words = result.stderr or result.stdout
    if "unrelated histories" in words:
        raise GitError(
            _(
                "the server {server} holds another store (no history in common with this one)"
            ).format(server=clone.server),
            hint=_("to work on the server's store, clone it: mokoord clone URL FOLDER"),
        )
    raise GitError(
        _("git could not merge the server's work: {reason}").format(
            reason=gitremote.error_with_paths(words)
        ),
        hint=_("nothing was changed; move the files git names out of the way and sync again"),
    )


_MOVED = (
    "fetch first",
    "non-fast-forward",
    "stale info",
    "failed to update ref",
    "cannot lock",
    "incorrect old value",
)
"""How git says a push was refused because the server's branch moved meanwhile."""


def _push(clone: Target, *, interactive: bool) -> bool:
    """Send HEAD; ``False`` when the server refused because it moved meanwhile."""
    args = ["push", "--porcelain", clone.remote, f"HEAD:refs/heads/{clone.remote_branch}"]
    if not clone.has_upstream:
        args.insert(1, "--set-upstream")
    result = gitremote.run_remote(args, clone.top, interactive=interactive)
    if result.returncode == 0:
        return True
    for line in result.stdout.splitlines():
        if line.startswith("!"):
            summary = line.split("\t")[-1]
            if any(sign in summary for sign in _MOVED):
                return False
            raise _server_error(clone, f"{summary}\n{result.stderr}", "push")
    raise _server_error(clone, result.stderr, "push")


def _identity(clone: Target) -> list[str]:
    """``-c user.name=…`` for a merge commit when git lacks a name and the store has one."""
    try:
        return gitops.identity_args(clone.top, None)
    except GitError:
        from mokoord.store import Store

        author = Store(clone.store_root).config.author
        return gitops.identity_args(clone.top, (author.name, str(author.email)) if author else None)


# --------------------------------------------------------------------------- settling a merge


def _settle_all(clone: Target, ask: Ask | None) -> None:
    """Settle the merge's open conflicts through ``ask``; stop with them all otherwise."""
    from mokoord.conflicts import Conflicts, ask_all, conflict_problems, open_conflicts

    found = open_conflicts(clone)
    if not found:
        return
    if ask is not None:
        ask_all(clone, found, ask)
        found = [conflict for conflict in found if conflict.state == "text"]
        if not found:
            return
    raise Conflicts(found, conflict_problems(clone, found))


def _commit_merge(clone: Target) -> None:
    """Commit the merge with its files as they are; refused while one still holds markers
    or a record file is not a valid record."""
    from mokoord.conflicts import unfinished_problems
    from mokoord.errors import InvalidData

    problems = unfinished_problems(clone)
    if problems:
        raise InvalidData(_("the merge cannot be finished yet: files are not settled"), problems)
    paths = [entry.path for entry in gitrepo.unmerged(clone.top)]
    if paths:
        gitops.git(["add", "--all", "--", *paths], clone.top)
    gitops.git([*_identity(clone), "commit", "--no-edit", "--quiet"], clone.top)
