"""Bringing a clone and its server to the erased history: ``mokoord privacy catch-up``.

An erasure rewrites the history of the clone it ran in. Two cases remain:

- **the server is stale** (the erasing clone has not sent its history yet, or
  a colleague pushed on top of the old one meanwhile): the server's commits
  that the erased history lacks are replayed onto it, scrubbed; then the
  result replaces the server's branch (a push with ``--force-with-lease``, so
  nothing pushed meanwhile is lost). A server that is a folder (a network
  share) also gets the guard as its ``pre-receive`` hook and its old objects
  pruned;
- **this clone is stale** (another clone erased and sent its history): this
  clone's own commits are replayed onto the server's erased history, scrubbed
  with the values this clone still holds; then the branch moves there and the
  old history is pruned here (reflogs expired, ``git gc --prune=now``).

*Replaying* a commit applies its change to the erased history as it would look
after the erasure: the files before and after the commit are scrubbed like the
erasure scrubbed the history (:class:`~mokoord.privacy.scrub.Scrub`), then
merged file by file with what the erased history holds; a change to an erased
person's file falls away. Which commits are a clone's own is told by their
author and committer and the times of both, which the rewrite keeps: a commit
of the old history has its twin in the new one.

The branch moves with the erasure's journal (:mod:`mokoord.privacy.rewrite`),
so an interrupted catch-up is finished by the next command like an erasure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mokoord.errors import GitError, MokoordError
from mokoord.githooks import CLONE_HOOKS, SERVER_HOOKS, install_hooks
from mokoord.i18n import _
from mokoord.models import Erasure, Person
from mokoord.privacy import texts as privacy_texts
from mokoord.privacy.guard import (
    is_ancestor,
    known_erasures,
    read_blobs,
    stale,
    store_prefix,
)
from mokoord.privacy.repository import (
    Repo,
    checkpoint,
    git,
    locked,
    refs,
    repo_of,
    write_journal,
)
from mokoord.privacy.rewrite import cleanup, finish_move, preconditions, recover_locked
from mokoord.privacy.scrub import Scrub
from mokoord.privacy.values import identifying_values
from mokoord.store import Store

Progress = Callable[[str], None]


class Conflict(MokoordError):
    """A commit of the stale history cannot be replayed onto the erased one."""


@dataclass
class CatchUp:
    """What a catch-up did."""

    remote: str
    stale: str
    """``none`` (nothing to do), ``here`` (this clone was stale) or ``server``."""
    replayed: list[str] = field(default_factory=list)
    """The new commits made from the stale side's own commits."""
    dropped: int = 0
    """Own commits that changed nothing once scrubbed (an edit of an erased person)."""
    pushed: bool = False
    server_pruned: bool = False
    hook_notes: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    """Refs on the server still holding the old history (no counterpart here to send)."""


@dataclass(frozen=True)
class _Server:
    remote: str
    url: str
    branch: str
    """The branch on the server (``main``)."""

    @property
    def tracking(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    @property
    def folder(self) -> Path | None:
        """The server's repository when it is a folder this machine reaches."""
        url = self.url.removeprefix("file://")
        if "://" in url or (":" in url.split("/", 1)[0] and not Path(url).exists()):
            return None
        path = Path(url)
        return path if path.exists() else None


def _server(repo: Repo, branch: str, remote: str | None) -> _Server:
    short = branch.removeprefix("refs/heads/")
    configured = git(["config", "--get", f"branch.{short}.remote"], repo.top, check=False)
    name = remote or configured.stdout.strip() or "origin"
    url = git(["remote", "get-url", name], repo.top, check=False)
    if url.returncode != 0:
        raise GitError(
            _("this clone has no server '{remote}' to catch up with").format(remote=name),
            hint=_("name it with --remote; `git remote -v` lists the servers"),
        )
    merge = git(["config", "--get", f"branch.{short}.merge"], repo.top, check=False).stdout
    server_branch = merge.strip().removeprefix("refs/heads/") or short
    return _Server(name, url.stdout.strip(), server_branch)


def catch_up(
    store: Store,
    *,
    remote: str | None = None,
    progress: Progress | None = None,
) -> CatchUp:
    """Bring this clone and its server to the erased history (see the module's docstring)."""
    say = progress or (lambda _message: None)
    repo = repo_of(store)
    with locked(repo):
        recover_locked(store, repo, progress)
        branch = git(["symbolic-ref", "-q", "HEAD"], repo.top, check=False).stdout.strip()
        if not branch:
            raise GitError(_("the repository has no branch checked out; check one out first"))
        server = _server(repo, branch, remote)
        say(_("fetching from {remote}").format(remote=server.remote))
        fetched = git(
            [
                "fetch",
                "--quiet",
                "--no-tags",
                server.remote,
                f"+refs/heads/{server.branch}:{server.tracking}",
            ],
            repo.top,
            check=False,
        )
        if fetched.returncode != 0:
            raise GitError(
                _("cannot fetch from {remote}: {reason}").format(
                    remote=server.remote, reason=" ".join(fetched.stderr.strip().splitlines()[-1:])
                )
            )
        head = refs(repo.top)[branch]
        there = refs(repo.top).get(server.tracking, "")
        erasures = known_erasures(repo.top, [head, there])
        result = CatchUp(server.remote, "none")
        result.hook_notes = install_hooks(repo.git_dir, CLONE_HOOKS)
        if not erasures:
            return result
        here_stale = stale(repo.top, head, erasures)
        there_stale = stale(repo.top, there, erasures) if there else None
        if here_stale and there_stale:
            raise MokoordError(
                _(
                    "both this clone and the server hold the history from before erasure {id}"
                ).format(id=here_stale.id),
                hint=_("run mokoord privacy catch-up in the clone that made the erasure"),
            )
        if here_stale is None and there_stale is None:
            if there and not is_ancestor(repo.top, there, head):
                return result  # a normal sync is due, nothing erased is at stake
            _prune_server(server, result)
            return result
        preconditions(store, repo, None)
        lang = store.config.language
        if here_stale is not None:
            result.stale = "here"
            say(_("replaying this clone's own commits onto the erased history"))
            scrub = scrub_for(repo.top, head, erasures, lang)
            tip, result.replayed, result.dropped = replay(repo, head, there, scrub)
            remote_stale = [
                name
                for name, oid in refs(repo.top).items()
                if name.startswith("refs/remotes/")
                and name != server.tracking
                and stale(repo.top, oid, erasures)
            ]
            git(
                ["fetch", "--quiet", "--force", server.remote, "+refs/tags/*:refs/tags/*"], repo.top
            )
            _refuse_other_refs(repo, branch, erasures)
            _move(store, repo, branch, head, tip, remote_stale)
            cleanup(store, repo)
            if tip != there:
                result.pushed = _push(repo, server, tip, lease=None)
            _prune_server(server, result)
        else:
            result.stale = "server"
            say(_("replaying the server's new commits onto the erased history"))
            scrub = scrub_for(repo.top, there, erasures, lang)
            tip, result.replayed, result.dropped = replay(repo, there, head, scrub)
            if tip != head:
                _move(store, repo, branch, head, tip, [])
            say(_("sending the erased history to {remote}").format(remote=server.remote))
            result.pushed = _push(repo, server, tip, lease=there)
            result.left = _send_other_refs(repo, server, erasures)
            cleanup(store, repo)
            _prune_server(server, result)
    return result


def _push(repo: Repo, server: _Server, tip: str, *, lease: str | None) -> bool:
    args = ["push", "--quiet", "--no-verify"]
    if lease is not None:
        args.append(f"--force-with-lease=refs/heads/{server.branch}:{lease}")
    pushed = git([*args, server.remote, f"{tip}:refs/heads/{server.branch}"], repo.top, check=False)
    if pushed.returncode != 0:
        raise GitError(
            _("the erased history could not be sent to {remote}: {reason}").format(
                remote=server.remote, reason=pushed.stderr.strip()
            ),
            hint=_("this clone is erased; run mokoord privacy catch-up again"),
        )
    git(["update-ref", server.tracking, tip], repo.top)
    return True


_SERVER_REFS = "refs/mokoord-server/"


def _send_other_refs(repo: Repo, server: _Server, erasures: list[Erasure]) -> list[str]:
    """The server's other branches and tags that hold the old history: each replaced by
    this clone's rewritten one of the same name; the names of those without one."""
    git(
        [
            "fetch",
            "--quiet",
            "--no-tags",
            server.remote,
            f"+refs/heads/*:{_SERVER_REFS}heads/*",
            f"+refs/tags/*:{_SERVER_REFS}tags/*",
        ],
        repo.top,
    )
    mine = refs(repo.top)
    left = []
    try:
        for name, oid in refs(repo.top).items():
            if not name.startswith(_SERVER_REFS):
                continue
            target = "refs/" + name[len(_SERVER_REFS) :]
            if target == f"refs/heads/{server.branch}" or stale(repo.top, oid, erasures) is None:
                continue
            local = mine.get(target)
            if local is None or stale(repo.top, local, erasures) is not None:
                left.append(target)
                continue
            git(
                ["push", "--quiet", "--no-verify", f"--force-with-lease={target}:{oid}",
                 server.remote, f"{local}:{target}"],
                repo.top,
            )  # fmt: skip
    finally:
        temporary = [name for name in refs(repo.top) if name.startswith(_SERVER_REFS)]
        if temporary:
            git(
                ["update-ref", "--stdin"],
                repo.top,
                input="".join(f"delete {name}\n" for name in temporary),
            )
    return left


def _prune_server(server: _Server, result: CatchUp) -> None:
    """A server in a folder: the guard as its pre-receive hook, its old objects pruned."""
    folder = server.folder
    if folder is None:
        return
    found = git(["rev-parse", "--absolute-git-dir"], folder, check=False)
    if found.returncode != 0:
        return
    git_dir = Path(found.stdout.strip())
    result.hook_notes += install_hooks(git_dir, SERVER_HOOKS)
    git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], git_dir)
    git(["gc", "--prune=now", "--quiet"], git_dir)
    result.server_pruned = True


def _refuse_other_refs(repo: Repo, branch: str, erasures: list[Erasure]) -> None:
    held = [
        name
        for name, oid in refs(repo.top).items()
        if not name.startswith(("refs/remotes/", "refs/mokoord"))
        and name != branch
        and stale(repo.top, oid, erasures)
    ]
    if held:
        raise MokoordError(
            _("these refs still hold the history from before the erasure: {refs}").format(
                refs=", ".join(held)
            ),
            hint=_("delete them (git branch -D, git tag -d, git stash drop) or catch each up"),
        )


def _move(store: Store, repo: Repo, branch: str, old: str, new: str, delete: Sequence[str]) -> None:
    before = {branch: old, **{name: refs(repo.top)[name] for name in delete}}
    state = {
        "phase": "swap",
        "before": before,
        "after": {branch: new},
        "old_head": old,
        "new_head": new,
    }
    write_journal(store, state)
    checkpoint("catch-up-journal")
    finish_move(store, repo, state)


# --------------------------------------------------------------------------- scrubbing and replaying


def scrub_for(top: Path, stale_tip: str, erasures: Sequence[Erasure], lang: str) -> Scrub:
    """The scrub of the erasures ``stale_tip`` predates, with the values its history still holds."""
    from mokoord.dataset import KINDS, plain
    from mokoord.roundtrip import RoundTripDocument
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document

    prefix = store_prefix(top, stale_tip) or ""
    scrub = Scrub(
        placeholder=privacy_texts.placeholder("erased", lang),
        removed=privacy_texts.placeholder("removed", lang),
        contacts=f"{prefix}{KINDS['contact'].folder}/",
    )
    for erasure in erasures:
        if not any(is_ancestor(top, oid, stale_tip) for oid in erasure.replaced if oid):
            continue
        for erased in erasure.persons:
            path = f"{prefix}{KINDS['person'].folder}/{erased.id}.yaml"
            scrub.tombstones[path] = RoundTripDocument.new(
                plain(Person(id=erased.id, erased=erasure.date))
            ).dump()
            versions = git(["log", "--format=%H", stale_tip, "--", path], top).stdout.split()
            for commit in versions:
                shown = git(["show", f"{commit}:{path}"], top, check=False)
                if shown.returncode != 0:
                    continue
                person, _problems = validate_document(
                    parse_document(path, shown.stdout.encode("utf-8"), locate=False), Person
                )
                if person is not None and person.erased is None:
                    scrub.values.extend(identifying_values(person))
        if erasure.contacts_until is not None:
            until = erasure.contacts_until.isoformat()
            scrub.expired_until = max(scrub.expired_until or until, until)
    scrub.values = list(dict.fromkeys(scrub.values))
    return scrub


_FIELDS = "%H%x1f%P%x1f%an%x1f%ae%x1f%ad%x1f%cn%x1f%ce%x1f%cd%x1f%B"


def _commits(top: Path, *revisions: str) -> list[tuple[str, list[str], tuple[str, ...], str]]:
    """(id, parents, author and committer with their times, message) of each commit."""
    out = git(
        ["log", "-z", "--reverse", "--topo-order", f"--format={_FIELDS}", "--date=raw", *revisions],
        top,
    )
    found = []
    for record in filter(None, out.stdout.split("\0")):
        commit, parents, *who, message = record.split("\x1f", 8)
        found.append((commit, parents.split(), tuple(who), message.rstrip("\n")))
    return found


def replay(repo: Repo, stale_tip: str, onto: str, scrub: Scrub) -> tuple[str, list[str], int]:
    """``stale_tip``'s own commits applied onto ``onto``: (new tip, new commits, dropped).

    A commit is *not* the stale side's own when ``onto`` holds its twin: the same
    author and committer, the same times, and the message as the erasure left it.
    """
    top = repo.top
    base = git(["merge-base", stale_tip, onto], top, check=False).stdout.strip()
    limit = [f"^{base}"] if base else []
    twins = {(who, message) for _c, _p, who, message in _commits(top, onto, *limit)}
    tip, made, dropped = onto, [], 0
    for commit, parents, who, message in _commits(top, stale_tip, f"^{onto}"):
        scrubbed = scrub.message(message.encode("utf-8")).decode("utf-8")
        if (who, scrubbed) in twins or len(parents) != 1:
            continue
        new = _apply(repo, commit, parents[0], tip, scrub)
        if new is None:
            dropped += 1
            continue
        tip = new
        made.append(new)
    return tip, made, dropped


def _entries(top: Path, commit: str, paths: Sequence[str]) -> dict[str, str]:
    """path → blob id in ``commit`` (paths missing there left out)."""
    if not paths:
        return {}
    listed = git(["ls-tree", "-z", commit, "--", *paths], top).stdout.split("\0")
    found = {}
    for entry in filter(None, listed):
        meta, path = entry.split("\t", 1)
        found[path] = meta.split()[2]
    return found


def _apply(repo: Repo, commit: str, parent: str, tip: str, scrub: Scrub) -> str | None:
    """One commit's change, scrubbed, merged onto ``tip``; ``None`` when nothing is left."""
    top = repo.top
    changed = [
        path
        for path in git(
            ["diff-tree", "-r", "--no-renames", "--name-only", "-z", parent, commit], top
        ).stdout.split("\0")
        if path
    ]
    before, after, ours = (_entries(top, oid, changed) for oid in (parent, commit, tip))
    contents = read_blobs(top, [*before.values(), *after.values(), *ours.values()])
    result: dict[str, bytes | None] = {}
    for path in changed:
        base = scrub.blob(path, contents[before[path]]) if path in before else None
        theirs = scrub.blob(path, contents[after[path]]) if path in after else None
        mine = contents[ours[path]] if path in ours else None
        if base == theirs or theirs == mine:
            continue
        if mine == base:
            result[path] = theirs
            continue
        if base is None or theirs is None or mine is None:
            raise _conflict(top, commit, path)
        result[path] = _merge_text(repo, mine, base, theirs, commit, path)
    if not result:
        return None
    blobs = {
        path: git(["hash-object", "-w", "--stdin"], top, input=data).stdout.strip()
        for path, data in result.items()
        if data is not None
    }
    index = repo.work / "catch-up.index"
    index.parent.mkdir(parents=True, exist_ok=True)
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        git(["read-tree", tip], top, env=env)
        for path, data in result.items():
            if data is None:
                git(["update-index", "--force-remove", "--", path], top, env=env)
            else:
                git(
                    ["update-index", "--add", "--cacheinfo", f"100644,{blobs[path]},{path}"],
                    top,
                    env=env,
                )
        tree = git(["write-tree"], top, env=env).stdout.strip()
    finally:
        index.unlink(missing_ok=True)
    fields = git(
        [
            "log",
            "-1",
            "--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B",
            "--date=raw",
            commit,
        ],
        top,
    ).stdout.split("\0", 6)
    text = scrub.message(fields[6].rstrip("\n").encode("utf-8")).decode("utf-8")
    # The replayed commit keeps its author and committer, as the rewrite does: it is
    # the same commit on the erased history (and a second catch-up knows it as such).
    env = dict(
        zip(
            (
                "GIT_AUTHOR_NAME",
                "GIT_AUTHOR_EMAIL",
                "GIT_AUTHOR_DATE",
                "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL",
                "GIT_COMMITTER_DATE",
            ),
            fields[:6],
            strict=True,
        )
    )
    return git(["commit-tree", tree, "-p", tip, "-m", text], top, env=env).stdout.strip()


def _merge_text(
    repo: Repo, mine: bytes, base: bytes, theirs: bytes, commit: str, path: str
) -> bytes:
    folder = repo.work / "merge"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    try:
        for data in (mine, base, theirs):
            handle, name = tempfile.mkstemp(dir=folder)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            files.append(name)
        merged = git(["merge-file", "-p", "--quiet", *files], repo.top, check=False)
        if merged.returncode != 0:
            raise _conflict(repo.top, commit, path)
        return merged.stdout.encode("utf-8")
    finally:
        for name in files:
            Path(name).unlink(missing_ok=True)


def _conflict(top: Path, commit: str, path: str) -> Conflict:
    subject = git(["log", "-1", "--format=%ad %s", "--date=short", commit], top).stdout.strip()
    return Conflict(
        _(
            "the commit “{subject}” changes {path}, which the erased history changed too; "
            "nothing was changed"
        ).format(subject=subject, path=path),
        hint=_("note the change, undo the commit (git revert), catch up, then make it again"),
    )


__all__ = ["CatchUp", "Conflict", "catch_up", "replay", "scrub_for"]
