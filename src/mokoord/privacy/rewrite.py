"""The erasure itself: the files and the whole git history of the store, crash-safe.

Nothing is rewritten in place. :func:`erase`

1. takes the store's write lock and checks the clone is in a state to rewrite
   (on a branch, no merge under way, nothing staged, the store's files
   committed, no copy of erased data lying untracked in the store folder);
2. makes a mirror of the repository inside its git directory
   (``.git/mokoord-erasure/``) and rewrites every ref there with git-filter-repo
   (:mod:`mokoord.privacy.filter`): every version of an erased person's file
   becomes a tombstone, every value is redacted in every file and message,
   expired free text is removed from every version of its contact;
3. checks the result there: the current files changed exactly as planned and
   still validate, and not one object holds an erased value any more; then
   commits the erasure's record to the log on top;
4. brings the new objects into the repository and writes a journal
   (``.mokoord/erasure.json``: ref names and commit ids, never a value);
5. moves every ref to its rewritten commit in one ref transaction, updates the
   working tree, deletes the index cache and every reflog, and prunes the old
   objects (``git reflog expire --expire=now --all``, ``git gc --prune=now``);
6. checks the repository and the store folder once more and removes the journal.

If anything fails before step 5, the mirror is deleted and the store is as it
was. If the process dies at any point, the journal tells the next command what
to do: before step 5 it undoes the start (the store is as it was), from step 5
on it finishes the erasure (:func:`recover`). The store is never left half
erased.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokoord import gitops
from mokoord.dataset import KINDS, plain
from mokoord.errors import GitError, MokoordError
from mokoord.i18n import _
from mokoord.models import Erasure
from mokoord.privacy.erase import ErasurePlan
from mokoord.privacy.guard import CLONE_HOOKS, install_hooks, read_blobs
from mokoord.privacy.scrub import Scrub
from mokoord.privacy.values import Finder
from mokoord.store import LOCK_TIMEOUT, Store

JOURNAL = "erasure.json"
"""In the store's ``.mokoord/``: the state of an erasure under way (ids only)."""
WORK = "mokoord-erasure"
"""In the git directory: the mirror the history is rewritten in."""
TEMP_REFS = "refs/mokoord-erasure/"
KILL_AT = "MOKOORD_TEST_KILL_AT"
"""Crash-safety tests: the erasure kills itself at the checkpoint of this name."""
_PLAIN_GIT_FILES = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG", "TAG_EDITMSG", "description")

Progress = Callable[[str], None]


def _checkpoint(name: str) -> None:
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


# --------------------------------------------------------------------------- the repository


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


def _git(
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
    listed = _git(["for-each-ref", "--format=%(objectname) %(refname) %(symref)"], cwd).stdout
    found: dict[str, str] = {}
    for line in listed.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and not (len(parts) > 2 and parts[2]):
            found[parts[1]] = parts[0]
    return found


@contextlib.contextmanager
def _locked(repo: Repo) -> Iterator[None]:
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


# --------------------------------------------------------------------------- the journal


def _journal_path(store: Store) -> Path:
    return store.cache_dir / JOURNAL


def _write_journal(store: Store, state: dict[str, Any]) -> None:
    from mokoord.yamlio import atomic_write

    store.cache_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(_journal_path(store), json.dumps(state, indent=1).encode("utf-8"))


def interrupted(store: Store) -> bool:
    """An erasure was interrupted in this store (cheap: one ``stat``)."""
    return _journal_path(store).is_file()


def recover(store: Store, progress: Progress | None = None) -> str | None:
    """Finish or undo an interrupted erasure; ``"finished"``, ``"undone"`` or ``None``."""
    if not interrupted(store):
        return None
    repo = repo_of(store)
    with _locked(repo):
        return _recover(store, repo, progress)


def _recover(store: Store, repo: Repo, progress: Progress | None) -> str | None:
    path = _journal_path(store)
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {"phase": "prepare"}
    if state.get("phase") == "prepare":
        _discard(store, repo)
        return "undone"
    _finish(store, repo, state, progress)
    return "finished"


def _discard(store: Store, repo: Repo) -> None:
    """Undo the start of an erasure: the mirror and the temporary refs go, nothing else changed."""
    shutil.rmtree(repo.work, ignore_errors=True)
    temporary = [name for name in refs(repo.top) if name.startswith(TEMP_REFS)]
    if temporary:
        _git(["update-ref", "--stdin"], repo.top, input="".join(f"delete {r}\n" for r in temporary))
    _journal_path(store).unlink(missing_ok=True)


# --------------------------------------------------------------------------- erasing


@dataclass
class Result:
    """An erasure done."""

    erasure: Erasure
    commit: str
    replaced: int
    """Commits of the history that were rewritten (or left out, having become empty)."""
    files: list[str]
    """Files of the store the erasure changed, relative to the store."""
    foreign_hooks: list[str]
    """git hooks of the clone that exist without the guard (left alone)."""


def erase(
    store: Store,
    plan: ErasurePlan,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Result:
    """Carry out ``plan`` in the files and the whole history (see the module's docstring)."""
    say = progress or (lambda _message: None)
    if plan.errors:
        from mokoord.errors import InvalidData

        raise InvalidData(_("nothing was erased"), plan.errors)
    repo = repo_of(store)
    with _locked(repo):
        _recover(store, repo, progress)
        branch = preconditions(store, repo, Finder(plan.values))
        author = _author(store, repo)
        before = refs(repo.top)
        old_head = before[branch]
        _write_journal(store, {"phase": "prepare"})
        scrub = plan.scrub(repo.prefix, today)
        try:
            say(_("copying the repository"))
            mirror = _mirror(repo)
            _checkpoint("mirror")
            say(_("rewriting the history"))
            _filter(mirror, scrub)
            _checkpoint("filtered")
            replaced = _first_changed(mirror)
            count = _rewritten(mirror)
            rewritten = refs(mirror)[branch]
            changed = _check_head(store, repo, mirror, old_head, rewritten, scrub)
            erasure = plan.record(
                erasure_id=_new_id(store, today),
                by=author[0],
                today=today,
                replaced=replaced,
            )
            new_head = _commit_record(
                mirror, repo, branch, rewritten, erasure, plan.commit_message(erasure.id), author
            )
            _prune(mirror)
            say(_("checking that no erased value is left"))
            left = _leftovers_in_objects(mirror, plan, scrub)
            if left:
                raise MokoordError(
                    _(
                        "the rewritten history still holds erased values ({where}); nothing was erased"
                    ).format(where=", ".join(left[:5])),
                    hint=_("please report this; the store is unchanged"),
                )
            after = refs(mirror)
            _fetch(repo, mirror)
            _redact_plain_files(store, repo, scrub)
            _checkpoint("fetched")
        except BaseException:
            _discard(store, repo)
            raise
        _write_journal(
            store,
            {
                "phase": "swap",
                "erasure": erasure.id,
                "before": before,
                "after": after,
                "old_head": old_head,
                "new_head": new_head,
            },
        )
        _checkpoint("journal")
        say(_("moving the store to the rewritten history"))
        _finish(store, repo, _read_journal(store), progress)
        left = _leftovers(store, repo, plan, scrub)
        if left:
            raise MokoordError(
                _("the erasure is done, but erased values are still found in: {where}").format(
                    where=", ".join(left[:10])
                ),
                hint=_("remove those files by hand; see docs/privacy.md"),
            )
        foreign = install_hooks(repo.git_dir, CLONE_HOOKS)
    return Result(erasure, new_head, count, changed, foreign)


def _read_journal(store: Store) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_journal_path(store).read_text(encoding="utf-8"))
    return data


def _finish(store: Store, repo: Repo, state: dict[str, Any], progress: Progress | None) -> None:
    """Steps 5 and 6: every ref to its rewritten commit, the working tree, the cleanup.
    Each step can run again (after a crash) with the same result."""
    finish_move(store, repo, state)
    if progress is not None:
        progress(_("removing the old history"))
    cleanup(store, repo)


def finish_move(store: Store, repo: Repo, state: dict[str, Any]) -> None:
    """Every ref to its new commit (one transaction), then the working tree; journalled."""
    before: dict[str, str] = state.get("before", {})
    after: dict[str, str] = state.get("after", {})
    if state.get("phase") == "swap":
        _swap_refs(repo, before, after)
        state["phase"] = "worktree"
        _write_journal(store, state)
        _checkpoint("swapped")
    if state.get("phase") == "worktree":
        _git(["read-tree", "-m", "-u", state["old_head"], state["new_head"]], repo.top)
        state["phase"] = "cleanup"
        _write_journal(store, state)
        _checkpoint("worktree")


def cleanup(store: Store, repo: Repo) -> None:
    """The old history gone: the index cache, the mirror, every reflog, unreachable objects."""
    shutil.rmtree(store.cache_dir / "index", ignore_errors=True)
    shutil.rmtree(repo.work, ignore_errors=True)
    _git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], repo.top)
    _git(["gc", "--prune=now", "--quiet"], repo.top)
    _checkpoint("cleaned")
    _journal_path(store).unlink(missing_ok=True)


def _swap_refs(repo: Repo, before: dict[str, str], after: dict[str, str]) -> None:
    now = refs(repo.top)
    lines = ["start"]
    for name, new in sorted(after.items()):
        if now.get(name) != new:
            old = now.get(name)
            lines.append(f"update {name} {new} {old}" if old else f"create {name} {new}")
    for name in sorted(now):
        if (name in before and name not in after) or name.startswith(TEMP_REFS):
            lines.append(f"delete {name} {now[name]}")
    lines += ["prepare", "commit"]
    if len(lines) > 3:
        _git(["update-ref", "--stdin"], repo.top, input="\n".join(lines) + "\n")


# --------------------------------------------------------------------------- the steps


def preconditions(store: Store, repo: Repo, finder: Finder | None) -> str:
    """The branch checked out, once the clone is fit for a rewrite; a clear error otherwise.

    With a ``finder``, untracked files of the store folder holding its values are refused.
    """
    branch = _git(["symbolic-ref", "-q", "HEAD"], repo.top, check=False).stdout.strip()
    if not branch:
        raise GitError(
            _("the repository has no branch checked out; an erasure needs one"),
            hint=_("check out your branch: git switch main"),
        )
    if not refs(repo.top).get(branch):
        raise GitError(_("the branch has no commit yet; there is nothing to erase from"))
    state = _git(
        ["rev-parse", *(arg for name in gitops._IN_PROGRESS for arg in ("--git-path", name))],
        repo.top,
    ).stdout.splitlines()
    if any(os.path.lexists(repo.top / line) for line in state):
        raise GitError(
            _("a merge, rebase or cherry-pick is under way; finish or abort it first"),
            hint=_("git merge --abort, git rebase --abort or mokoord sync --continue"),
        )
    if (repo.git_dir / "objects" / "info" / "alternates").is_file():
        raise GitError(_("the repository borrows objects from another one (alternates)"))
    worktrees = _git(["worktree", "list", "--porcelain"], repo.top).stdout.count("\nworktree ")
    if worktrees:
        raise GitError(
            _("the repository has other working trees; remove them first (git worktree remove)")
        )
    if _git(["diff", "--cached", "--quiet"], repo.top, check=False).returncode != 0:
        raise GitError(
            _("changes are staged for a commit; commit or unstage them first"),
            hint=_("git commit, or git restore --staged ."),
        )
    changed = _git(
        ["status", "--porcelain", "--untracked-files=no", "--", "."], store.root
    ).stdout.splitlines()
    if changed:
        raise GitError(
            _("the store has uncommitted changes: {files}").format(
                files=", ".join(line[3:] for line in changed[:5])
            ),
            hint=_("commit them (or undo them with git restore) before erasing"),
        )
    if finder:
        loose = _untracked_with_values(store, repo, finder)
        if loose:
            raise MokoordError(
                _(
                    "files in the store folder that are not part of the store hold the "
                    "person's data: {files}"
                ).format(files=", ".join(loose[:10])),
                hint=_("delete them or move them out of the store folder, then erase again"),
            )
    return branch


def _untracked_with_values(store: Store, repo: Repo, finder: Finder) -> list[str]:
    listed = _git(["ls-files", "--others", "-z", "--", "."], store.root, check=False).stdout.split(
        "\0"
    )
    listed += _git(
        ["ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--", "."],
        store.root,
        check=False,
    ).stdout.split("\0")
    found = []
    for name in dict.fromkeys(filter(None, listed)):
        if name.startswith(".mokoord/"):
            continue  # mokoord's own caches: cleaned by the erasure
        path = store.root / name
        if _holds(path, finder):
            found.append(name)
    return found


def _holds(path: Path, finder: Finder, limit: int = 20 * 1024 * 1024) -> bool:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return bool(finder.find(data.decode("utf-8", errors="replace")))


def _author(store: Store, repo: Repo) -> tuple[str, list[str]]:
    """Who erases ("Name <email>") and the ``-c user.…`` arguments for the commit."""
    configured = store.config.author
    identity = gitops.identity_args(
        repo.top, (configured.name, str(configured.email)) if configured else None
    )
    ident = _git([*identity, "var", "GIT_AUTHOR_IDENT"], repo.top).stdout.strip()
    return ident.rsplit(" ", 2)[0], identity


def _new_id(store: Store, today: dt.date) -> str:
    from mokoord.slugs import random_suffix

    while True:
        candidate = f"{today.isoformat()}-{random_suffix(4)}"
        if not store.exists("erasure", candidate):
            return candidate


def _mirror(repo: Repo) -> Path:
    shutil.rmtree(repo.work, ignore_errors=True)
    repo.work.mkdir(parents=True)
    target = repo.work / "repo.git"
    _git(["clone", "--mirror", "--quiet", "--", str(repo.git_dir), str(target)], repo.top)
    return target


def _filter(mirror: Path, scrub: Scrub) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mokoord.privacy.filter"],
        cwd=mirror,
        input=scrub.to_json().encode("utf-8"),
        capture_output=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise MokoordError(
            _("the history could not be rewritten: {reason}").format(
                reason=reason[-1] if reason else result.returncode
            ),
            hint=_("nothing was erased; the store is unchanged"),
        )


def _first_changed(mirror: Path) -> list[str]:
    path = mirror / "filter-repo" / "first-changed-commits"
    if not path.is_file():
        return []
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()]


def _rewritten(mirror: Path) -> int:
    """How many commits the rewrite changed or left out (filter-repo's commit map)."""
    path = mirror / "filter-repo" / "commit-map"
    if not path.is_file():
        return 0
    pairs = [line.split() for line in path.read_text().splitlines()[1:]]
    return sum(1 for pair in pairs if len(pair) == 2 and pair[0] != pair[1])


def _check_head(
    store: Store, repo: Repo, mirror: Path, old: str, new: str, scrub: Scrub
) -> list[str]:
    """The current files changed exactly as the scrub says, and every changed record validates."""
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document

    listed = _git(["diff-tree", "-r", "--no-renames", "-z", old, new], mirror).stdout.split("\0")
    changed: dict[str, str] = {}
    for header, path in zip(listed[0::2], listed[1::2], strict=False):
        if header:
            changed[path] = header.split()[3]
    expected: list[str] = []
    tree = _git(["ls-tree", "-r", "-z", old], mirror).stdout.split("\0")
    contents = read_blobs(mirror, [entry.split()[2] for entry in tree if entry])
    for entry in filter(None, tree):
        meta, path = entry.split("\t", 1)
        blob = meta.split()[2]
        data = contents[blob]
        if scrub.blob(path, data) != data:
            expected.append(path)
    if sorted(changed) != sorted(expected):
        raise MokoordError(
            _("the rewrite changed other files than planned; nothing was erased"),
            hint=_("please report this; the store is unchanged"),
        )
    new_contents = read_blobs(mirror, list(changed.values()))
    for path, blob in changed.items():
        relative = path[len(repo.prefix) :]
        folder = relative.split("/", 1)[0]
        kind = next((k for k in KINDS.values() if k.folder == folder), None)
        if kind is None or not relative.endswith(".yaml"):
            continue
        doc = parse_document(relative, new_contents[blob])
        record, problems = validate_document(doc, kind.model)
        if record is None:
            raise MokoordError(
                _(
                    "{path} would not be valid after the erasure: {problem}; nothing was erased"
                ).format(path=relative, problem=problems[0].message if problems else "?"),
                hint=_("edit the record so the person's data stand only in free text, then erase"),
            )
    return sorted(path[len(repo.prefix) :] for path in changed)


def _commit_record(
    mirror: Path,
    repo: Repo,
    branch: str,
    parent: str,
    erasure: Erasure,
    message: str,
    author: tuple[str, list[str]],
) -> str:
    """Commit the erasure's record on ``branch`` of the mirror; the new commit's id."""
    from mokoord.yamlio import RoundTripDocument

    content = RoundTripDocument.new(plain(erasure)).dump()
    blob = _git(["hash-object", "-w", "--stdin"], mirror, input=content).stdout.strip()
    index = mirror / "mokoord-erasure.index"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        _git(["read-tree", parent], mirror, env=env)
        path = f"{repo.prefix}{KINDS['erasure'].folder}/{erasure.id}.yaml"
        _git(["update-index", "--add", "--cacheinfo", f"100644,{blob},{path}"], mirror, env=env)
        tree = _git(["write-tree"], mirror, env=env).stdout.strip()
    finally:
        index.unlink(missing_ok=True)
    commit = _git(
        [*author[1], "commit-tree", tree, "-p", parent, "-m", message], mirror
    ).stdout.strip()
    _git(["update-ref", branch, commit, parent], mirror)
    return commit


def _prune(mirror: Path) -> None:
    shutil.rmtree(mirror / "filter-repo", ignore_errors=True)
    _git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], mirror)
    _git(["gc", "--prune=now", "--quiet"], mirror)


def _fetch(repo: Repo, mirror: Path) -> None:
    _git(
        [
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--",
            str(mirror),
            f"+refs/*:{TEMP_REFS}*",
        ],
        repo.top,
    )


def _redact_plain_files(store: Store, repo: Repo, scrub: Scrub) -> None:
    """Files git or mokoord keep beside the history: messages of the last commit, edit
    backups of mokoord, git's remembered conflict resolutions."""
    if not scrub.values:
        return
    finder = scrub.finder
    for name in _PLAIN_GIT_FILES:
        _redact_file(repo.git_dir / name, scrub)
    rerere = repo.git_dir / "rr-cache"
    if rerere.is_dir():
        for entry in list(rerere.iterdir()):
            if any(_holds(path, finder) for path in entry.glob("*")):
                shutil.rmtree(entry, ignore_errors=True)
    if store.cache_dir.is_dir():
        for path in store.cache_dir.glob("*.yaml"):
            _redact_file(path, scrub)


def _redact_file(path: Path, scrub: Scrub) -> None:
    from mokoord.yamlio import atomic_write

    try:
        data = path.read_bytes()
    except OSError:
        return
    new = scrub.message(data)
    if new != data:
        atomic_write(path, new)


# --------------------------------------------------------------------------- checking the result


def _verify_finder(plan: ErasurePlan) -> Finder:
    """The values that must be gone (those other records keep are not looked for)."""
    return Finder(plan.values)


def _scan_objects(repo: Path, finder: Finder) -> list[str]:
    """Objects of ``repo`` that hold a value: ``type id`` of each (never the value)."""
    process = subprocess.Popen(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=repo,
        stdout=subprocess.PIPE,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert process.stdout is not None
    found: list[str] = []
    stream = process.stdout
    while True:
        header = stream.readline()
        if not header:
            break
        oid, kind, size = header.split()
        data = stream.read(int(size))
        stream.read(1)
        if finder.find(data.decode("utf-8", errors="replace")):
            found.append(f"{kind.decode()} {oid.decode()[:12]}")
    process.wait()
    return found


def _leftovers_in_objects(mirror: Path, plan: ErasurePlan, scrub: Scrub) -> list[str]:
    found = _scan_objects(mirror, _verify_finder(plan)) if plan.values else []
    found += _expired_left(mirror, scrub)
    return found


def _expired_left(repo: Path, scrub: Scrub) -> list[str]:
    """Versions of expired contacts that still hold free text."""
    if not scrub.expired:
        return []
    from mokoord.privacy.scrub import strip_contact_text
    from mokoord.yamlio import parse_document

    listed = _git(["rev-list", "--all", "--objects"], repo).stdout.splitlines()
    blobs = [
        (line.split(" ", 1)[0], line.split(" ", 1)[1])
        for line in listed
        if " " in line and scrub.expired_contact(line.split(" ", 1)[1])
    ]
    contents = read_blobs(repo, [oid for oid, _ in blobs])
    left = []
    for oid, path in blobs:
        doc = parse_document(path, contents[oid], locate=False)
        if isinstance(doc.data, dict):
            plain_data = json.loads(json.dumps(doc.data, default=str))
            if strip_contact_text(plain_data, scrub.removed) != plain_data:
                left.append(path)
    return left


def _leftovers(store: Store, repo: Repo, plan: ErasurePlan, scrub: Scrub) -> list[str]:
    """Anything in the repository or the store folder still holding an erased value."""
    finder = _verify_finder(plan)
    found: list[str] = []
    if plan.values:
        found += _scan_objects(repo.top, finder)
        roots = (
            [store.root] if repo.git_dir.is_relative_to(store.root) else [store.root, repo.git_dir]
        )
        for root in roots:
            for folder, names, files in os.walk(root):
                here = Path(folder)
                if here == repo.git_dir / "objects":
                    names.clear()
                    continue
                for name in files:
                    if _holds(here / name, finder):
                        found.append(store.relative(here / name))
    found += _expired_left(repo.top, scrub)
    return found
