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

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokoord import gitops
from mokoord.dataset import KINDS, plain
from mokoord.errors import GitError, MokoordError
from mokoord.githooks import CLONE_HOOKS, install_hooks
from mokoord.i18n import _
from mokoord.models import Erasure
from mokoord.privacy.erase import ErasurePlan
from mokoord.privacy.guard import read_blobs
from mokoord.privacy.repository import (
    TEMP_REFS,
    Repo,
    author,
    checkpoint,
    git,
    interrupted,
    journal_path,
    locked,
    read_journal,
    refs,
    repo_of,
    write_journal,
)
from mokoord.privacy.scrub import Scrub
from mokoord.privacy.values import Finder
from mokoord.privacy.verify import holds, leftovers, leftovers_in_objects
from mokoord.store import Store

_PLAIN_GIT_FILES = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG", "TAG_EDITMSG", "description")

Progress = Callable[[str], None]


# --------------------------------------------------------------------------- the repository


# --------------------------------------------------------------------------- the journal


def recover(store: Store, progress: Progress | None = None) -> str | None:
    """Finish or undo an interrupted erasure; ``"finished"``, ``"undone"`` or ``None``."""
    if not interrupted(store):
        return None
    repo = repo_of(store)
    with locked(repo):
        return recover_locked(store, repo, progress)


def recover_locked(store: Store, repo: Repo, progress: Progress | None) -> str | None:
    path = journal_path(store)
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
        git(["update-ref", "--stdin"], repo.top, input="".join(f"delete {r}\n" for r in temporary))
    journal_path(store).unlink(missing_ok=True)


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
    hook_notes: list[str]
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
    with locked(repo):
        recover_locked(store, repo, progress)
        branch = preconditions(store, repo, Finder(plan.values))
        who = author(store, repo)
        before = refs(repo.top)
        old_head = before[branch]
        write_journal(store, {"phase": "prepare"})
        scrub = plan.scrub(repo.prefix, today)
        try:
            say(_("copying the repository"))
            mirror = _mirror(repo)
            checkpoint("mirror")
            say(_("rewriting the history"))
            _filter(mirror, scrub)
            checkpoint("filtered")
            replaced = _first_changed(mirror)
            count = _rewritten(mirror)
            rewritten = refs(mirror)[branch]
            changed = _check_head(store, repo, mirror, old_head, rewritten, scrub)
            erasure = plan.record(
                erasure_id=_new_id(store, today),
                by=who[0],
                today=today,
                replaced=replaced,
            )
            new_head = _commit_record(
                mirror, repo, branch, rewritten, erasure, plan.commit_message(erasure.id), who
            )
            _prune(mirror)
            say(_("checking that no erased value is left"))
            left = leftovers_in_objects(mirror, plan, scrub)
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
            checkpoint("fetched")
        except BaseException:
            _discard(store, repo)
            raise
        write_journal(
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
        checkpoint("journal")
        say(_("moving the store to the rewritten history"))
        _finish(store, repo, read_journal(store), progress)
        left = leftovers(store, repo, plan, scrub)
        if left:
            raise MokoordError(
                _("the erasure is done, but erased values are still found in: {where}").format(
                    where=", ".join(left[:10])
                ),
                hint=_("remove those files by hand; see docs/privacy.md"),
            )
        notes = install_hooks(repo.git_dir, CLONE_HOOKS)
    return Result(erasure, new_head, count, changed, notes)


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
        write_journal(store, state)
        checkpoint("swapped")
    if state.get("phase") == "worktree":
        git(["read-tree", "-m", "-u", state["old_head"], state["new_head"]], repo.top)
        state["phase"] = "cleanup"
        write_journal(store, state)
        checkpoint("worktree")


def cleanup(store: Store, repo: Repo) -> None:
    """The old history gone: the index cache, the mirror, every reflog, unreachable objects."""
    shutil.rmtree(store.cache_dir / "index", ignore_errors=True)
    shutil.rmtree(repo.work, ignore_errors=True)
    git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], repo.top)
    git(["gc", "--prune=now", "--quiet"], repo.top)
    checkpoint("cleaned")
    journal_path(store).unlink(missing_ok=True)


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
        git(["update-ref", "--stdin"], repo.top, input="\n".join(lines) + "\n")


# --------------------------------------------------------------------------- the steps


def preconditions(store: Store, repo: Repo, finder: Finder | None) -> str:
    """The branch checked out, once the clone is fit for a rewrite; a clear error otherwise.

    With a ``finder``, untracked files of the store folder holding its values are refused.
    """
    branch = git(["symbolic-ref", "-q", "HEAD"], repo.top, check=False).stdout.strip()
    if not branch:
        raise GitError(
            _("the repository has no branch checked out; an erasure needs one"),
            hint=_("check out your branch: git switch main"),
        )
    if not refs(repo.top).get(branch):
        raise GitError(_("the branch has no commit yet; there is nothing to erase from"))
    state = git(
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
    worktrees = git(["worktree", "list", "--porcelain"], repo.top).stdout.count("\nworktree ")
    if worktrees:
        raise GitError(
            _("the repository has other working trees; remove them first (git worktree remove)")
        )
    if git(["diff", "--cached", "--quiet"], repo.top, check=False).returncode != 0:
        raise GitError(
            _("changes are staged for a commit; commit or unstage them first"),
            hint=_("git commit, or git restore --staged ."),
        )
    changed = git(
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
    listed = git(["ls-files", "--others", "-z", "--", "."], store.root, check=False).stdout.split(
        "\0"
    )
    listed += git(
        ["ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--", "."],
        store.root,
        check=False,
    ).stdout.split("\0")
    found = []
    for name in dict.fromkeys(filter(None, listed)):
        if name.startswith(".mokoord/"):
            continue  # mokoord's own caches: cleaned by the erasure
        path = store.root / name
        if holds(path, finder):
            found.append(name)
    return found


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
    git(["clone", "--mirror", "--quiet", "--", str(repo.git_dir), str(target)], repo.top)
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

    listed = git(["diff-tree", "-r", "--no-renames", "-z", old, new], mirror).stdout.split("\0")
    changed: dict[str, str] = {}
    for header, path in zip(listed[0::2], listed[1::2], strict=False):
        if header:
            changed[path] = header.split()[3]
    expected: list[str] = []
    tree = git(["ls-tree", "-r", "-z", old], mirror).stdout.split("\0")
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
    from mokoord.roundtrip import RoundTripDocument

    content = RoundTripDocument.new(plain(erasure)).dump()
    blob = git(["hash-object", "-w", "--stdin"], mirror, input=content).stdout.strip()
    index = mirror / "mokoord-erasure.index"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        git(["read-tree", parent], mirror, env=env)
        path = f"{repo.prefix}{KINDS['erasure'].folder}/{erasure.id}.yaml"
        git(["update-index", "--add", "--cacheinfo", f"100644,{blob},{path}"], mirror, env=env)
        tree = git(["write-tree"], mirror, env=env).stdout.strip()
    finally:
        index.unlink(missing_ok=True)
    commit = git(
        [*author[1], "commit-tree", tree, "-p", parent, "-m", message], mirror
    ).stdout.strip()
    git(["update-ref", branch, commit, parent], mirror)
    return commit


def _prune(mirror: Path) -> None:
    shutil.rmtree(mirror / "filter-repo", ignore_errors=True)
    git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], mirror)
    git(["gc", "--prune=now", "--quiet"], mirror)


def _fetch(repo: Repo, mirror: Path) -> None:
    git(
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
            if any(holds(path, finder) for path in entry.glob("*")):
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
