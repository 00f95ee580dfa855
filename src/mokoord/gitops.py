"""git as the audit trail: one commit per change, holding exactly its own files."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mokoord.errors import GitError
from mokoord.faults import git_fault, git_missing, stale_lock
from mokoord.i18n import _

_LOCK_RETRIES = 40


def _env(literal_pathspecs: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if literal_pathspecs:
        env["GIT_LITERAL_PATHSPECS"] = "1"
    else:
        env.pop("GIT_LITERAL_PATHSPECS", None)
    env.setdefault("LC_ALL", "C")
    env.pop("GIT_INDEX_FILE", None)
    return env


def git(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    input: str | None = None,
    literal_pathspecs: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run git; a failure becomes a :class:`GitError` with git's own words.

    Paths given to git are taken literally (no wildcards), unless
    ``literal_pathspecs`` is false, for the few commands that refuse that.
    """
    if shutil.which("git") is None:
        raise git_missing()
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=_env(literal_pathspecs),
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    if check and result.returncode != 0:
        raise _failure(args, result, cwd)
    return result


def _failure(args: Sequence[str], result: subprocess.CompletedProcess[str], cwd: Path) -> GitError:
    """A failed git command as an error: a fault of the machine told as such, else git's words."""
    fault = git_fault(result.stderr, cwd)
    if fault is not None:
        return fault
    output = (result.stderr or result.stdout).strip()
    return GitError(_("git {command} failed: {output}").format(command=args[0], output=output))


def _refused(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    """Raise when git refuses the repository itself (another user's), rather than
    answering as if there were no repository."""
    if result.returncode != 0 and "dubious ownership" in result.stderr:
        fault = git_fault(result.stderr, cwd)
        if fault is not None:
            raise fault


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path``, or ``None``."""
    if shutil.which("git") is None:
        return None
    result = git(["rev-parse", "--show-toplevel"], path, check=False)
    _refused(result, path)
    if result.returncode != 0:
        return None
    return Path(result.stdout.strip())


def repository(path: Path) -> tuple[Path, Path] | None:
    """(work tree root, git directory) of the repository holding ``path``, or ``None``.

    Raises when git is missing or refuses the repository (it belongs to
    another user): neither means that there is no repository.
    """
    if shutil.which("git") is None:
        raise git_missing()
    result = git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], path, check=False)
    _refused(result, path)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or len(lines) != 2:
        return None
    return Path(lines[0]), Path(lines[1])


_SETTINGS = r"^(user\.(name|email)|commit\.(gpgsign|cleanup))$"
"""The configuration a commit depends on, read with one ``git config`` call."""

_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
"""Hooks ``git commit`` runs and ``git commit-tree`` does not."""

_IN_PROGRESS = (
    "MERGE_HEAD",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "rebase-merge",
    "rebase-apply",
    "sequencer",
)
"""Files and folders in the git directory that make ``git commit`` more than a plain commit."""


def _settings(repo: Path) -> dict[str, str | None]:
    """Configuration values by lower-case key; ``None`` for a key written without ``= value``."""
    found = git(["config", "--get-regexp", _SETTINGS], repo, check=False).stdout
    values: dict[str, str | None] = {}
    for line in found.splitlines():
        key, has_value, value = line.partition(" ")
        values[key] = value if has_value else None  # the last one wins, as in git
    return values


def identity_args(repo: Path, fallback: tuple[str, str] | None) -> list[str]:
    """``-c user.name=… -c user.email=…`` when git's config lacks them and the store has one."""
    return _identity(_settings(repo), fallback)


def _identity(settings: dict[str, str | None], fallback: tuple[str, str] | None) -> list[str]:
    name = (settings.get("user.name") or "").strip()
    email = (settings.get("user.email") or "").strip()
    if name and email:
        return []
    if fallback is None:
        if os.environ.get("GIT_AUTHOR_NAME") and os.environ.get("GIT_AUTHOR_EMAIL"):
            return []
        raise GitError(
            "git does not know who you are, so the change cannot be committed",
            hint='run: git config --global user.name "Your Name" and '
            "git config --global user.email you@example.org (or set author in mokoord.yaml)",
        )
    return ["-c", f"user.name={name or fallback[0]}", "-c", f"user.email={email or fallback[1]}"]


def _is_true(value: str | None) -> bool:
    """A git boolean that is set; anything git would not read as false counts as true."""
    if value is None:
        return True
    word = value.strip().lower()
    if word in ("", "false", "no", "off"):
        return False
    try:
        return int(word) != 0
    except ValueError:
        return True


def _retry_on_lock(args: list[str], repo: Path) -> subprocess.CompletedProcess[str]:
    delay = 0.05
    for _attempt in range(_LOCK_RETRIES):
        result = git(args, repo, check=False)
        if result.returncode == 0:
            return result
        locked = "index.lock" in result.stderr or "cannot lock ref" in result.stderr
        if not locked or "but expected" in result.stderr:  # a ref that moved stays moved
            break
        if stale_lock(result.stderr):  # left by a crash: waiting will not free it
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    raise _failure(args, result, repo)


def commit(
    repo: Path,
    paths: Sequence[Path],
    message: str,
    *,
    author: tuple[str, str] | None = None,
) -> str | None:
    """Commit exactly ``paths`` (added, changed or deleted); other staged work stays staged.

    Returns the new commit's id, or ``None`` when the files did not change.

    Usually the commit is made with git's plumbing, which skips the check of
    every file in the work tree that ``git commit`` makes; in a large store
    that check is most of a commit's time. Its trees are made from HEAD's
    (``ls-tree``, ``mktree``) while ``update-index`` stages the files
    (:func:`_commit_trees`); for a new or emptied folder, from the index
    (``write-tree``). Then ``commit-tree`` and ``update-ref``. ``git commit``
    itself is used whenever it would do more than the plumbing: commit hooks to
    run, signed commits, a message cleanup set in the config, a merge,
    cherry-pick, revert or rebase under way, no commit yet, or (for trees made
    from the index) other work staged.
    """
    if not paths:
        return None
    settings = _settings(repo)
    identity = _identity(settings, author)
    specs = [os.fspath(path) for path in paths if _exists_or_tracked(repo, path)]
    if not specs:
        return None
    root = repo.resolve()
    ours = sorted({Path(spec).resolve().relative_to(root).as_posix() for spec in specs})
    plumbing = not _is_true(settings.get("commit.gpgsign", "false")) and settings.get(
        "commit.cleanup", "default"
    ) in ("default", "whitespace")
    head = _plain_head(repo) if plumbing else None
    if head is not None:
        try:
            try:
                return _commit_trees(repo, head, ours, message, identity)
            except _UseIndex:
                return _commit_plumbing(repo, head, ours, message, identity)
        except _UsePorcelain:
            pass
    return _commit_porcelain(repo, specs, set(ours), message, identity)


class _UsePorcelain(Exception):
    """The plumbing would not make the commit ``git commit`` makes; let ``git commit`` do it."""


class _UseIndex(Exception):
    """The commit's trees are not made from HEAD's alone (a new or emptied folder, a
    file that is no plain one): let ``git write-tree`` make them from the index."""


@dataclass(frozen=True)
class _Head:
    commit: str
    tree: str


def _plain_head(repo: Path) -> _Head | None:
    """HEAD's commit and tree, when a new commit on it may be made with plumbing."""
    found = git(
        [
            "rev-parse",
            "--git-path",
            "hooks",
            *(arg for name in _IN_PROGRESS for arg in ("--git-path", name)),
            "HEAD",
            "HEAD^{tree}",
            "--",
        ],
        repo,
        check=False,
    )
    lines = found.stdout.splitlines()
    if found.returncode != 0 or len(lines) != len(_IN_PROGRESS) + 4:
        return None  # no commit yet (or a git that answers differently)
    hooks = repo / lines[0]
    if any(os.access(hooks / hook, os.X_OK) for hook in _COMMIT_HOOKS):
        return None
    if any(os.path.lexists(repo / path) for path in lines[1 : len(_IN_PROGRESS) + 1]):
        return None
    return _Head(commit=lines[-3], tree=lines[-2])


def _commit_plumbing(
    repo: Path, head: _Head, ours: list[str], message: str, identity: list[str]
) -> str | None:
    text = _clean_message(message)
    if not text:
        raise _UsePorcelain  # git commit refuses an empty message in its own words
    # Other staged work is looked for while our files are staged: whether git
    # reads the index before or after, other files are staged or not the same.
    listing = _Background(["diff-index", "--cached", "--name-only", "-z", head.commit, "--"], repo)
    try:
        _stage(repo, ours)
    finally:
        staged = listing.result()
    try:
        if staged.returncode != 0 or not set(filter(None, staged.stdout.split("\0"))) <= set(ours):
            raise _UsePorcelain  # other staged work: `git commit -- paths` keeps it out
        tree = _retry_on_lock(["write-tree"], repo).stdout.strip()
        if tree == head.tree:
            return None  # the files equal what HEAD holds
        return _record(repo, head, tree, text, identity)
    except _UsePorcelain:
        raise  # git commit takes over from the index as it is, our files staged
    except BaseException:
        # Unstage what this commit staged, so a failed change leaves the index as it was.
        git(["reset", "--quiet", "--", *ours], repo, check=False)
        raise


_PLAIN = "100644"
"""The mode of a plain (not executable) file in a tree: the only one the tree path writes."""


def _commit_trees(
    repo: Path, head: _Head, ours: list[str], message: str, identity: list[str]
) -> str | None:
    """Commit ``ours`` on HEAD with the trees made from HEAD's own.

    Only the folders holding our files are listed (``ls-tree``) and written again
    (``mktree``, which sorts the entries as git does), while ``update-index``
    stages the same files in parallel: the whole index is read and written once,
    not twice as with ``write-tree``, and the commit holds HEAD plus exactly our
    files whatever else is staged (as ``git commit -- paths`` does). Anything
    the trees of HEAD cannot give simply (a new or emptied folder, a link, an
    executable file) is left to :func:`_commit_plumbing`.
    """
    text = _clean_message(message)
    if not text:
        raise _UsePorcelain  # git commit refuses an empty message in its own words
    present = [path for path in ours if _plain_file(repo / path)]
    gone = [path for path in ours if not os.path.lexists(repo / path)]
    if len(present) + len(gone) != len(ours) or any(path.startswith(":") for path in ours):
        raise _UseIndex
    folders = {path.rpartition("/")[0] for path in ours}
    for folder in list(folders):
        while folder:
            folder = folder.rpartition("/")[0]
            folders.add(folder)
    staging = _Staging(ours, repo)
    try:
        try:
            listings = {
                folder: _Background(["ls-tree", "-z", "--full-tree", f"{head.tree}:{folder}"], repo)
                for folder in folders
            }
            found = git(["hash-object", "-w", "--", *present], repo).stdout if present else ""
            blobs = dict(zip(present, found.split(), strict=True))
            trees = {folder: listing.result() for folder, listing in listings.items()}
            if any(listing.returncode != 0 for listing in trees.values()):
                raise _UseIndex  # a folder HEAD lacks
            tree = _write_trees(repo, trees, blobs, set(gone))
        finally:
            staging.wait()
        staging.result()
        if tree is None:
            raise _UseIndex
        if tree == head.tree:
            return None  # the files equal what HEAD holds
        return _record(repo, head, tree, text, identity)
    except (_UseIndex, _UsePorcelain):
        raise  # the index or git commit takes over, our files staged
    except BaseException:
        # Unstage what this commit staged, so a failed change leaves the index as it was.
        git(["reset", "--quiet", "--", *ours], repo, check=False)
        raise


def _plain_file(path: Path) -> bool:
    """A regular file, not a link, not executable: what a record's file is."""
    try:
        found = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and not found.st_mode & 0o111


def _write_trees(
    repo: Path,
    listings: dict[str, subprocess.CompletedProcess[str]],
    blobs: dict[str, str],
    gone: set[str],
) -> str | None:
    """The new root tree: each folder's listing with our files put in or taken out,
    written deepest first; ``None`` when a folder would be left empty."""
    made: dict[str, str] = {}
    for folder in sorted(listings, key=lambda name: name.count("/") + bool(name), reverse=True):
        prefix = f"{folder}/" if folder else ""
        changes: dict[str, str | None] = {}
        for path, blob in blobs.items():
            if path.rpartition("/")[0] == folder:
                changes[path.removeprefix(prefix)] = f"{_PLAIN} blob {blob}"
        for path in gone:
            if path.rpartition("/")[0] == folder:
                changes[path.removeprefix(prefix)] = None
        for child, tree in made.items():
            if child.rpartition("/")[0] == folder and child:
                changes[child.removeprefix(prefix)] = f"040000 tree {tree}"
        text = listings[folder].stdout
        if "\ufffd" in text:
            raise _UseIndex  # a name that is no UTF-8: git's index keeps it as it is
        for name, meta in changes.items():
            # the entry of ``name``, found without splitting the listing (a year of
            # contacts lists tens of thousands)
            at = text.find(f"\t{name}\0")
            if at < 0:
                continue
            start = text.rfind("\0", 0, at) + 1
            if "\t" in text[start:at] or (meta is not None and text[start : start + 6] != meta[:6]):
                raise _UseIndex  # a link, an executable file or a folder made a plain file
            text = text[:start] + text[at + len(name) + 2 :]
        text += "".join(f"{meta}\t{name}\0" for name, meta in changes.items() if meta is not None)
        if not text:
            return None
        made[folder] = git(["mktree", "-z", "--missing"], repo, input=text).stdout.strip()
    return made[""]


def _record(repo: Path, head: _Head, tree: str, text: str, identity: list[str]) -> str:
    """The commit of ``tree`` on HEAD, HEAD moved to it (unless HEAD moved meanwhile)."""
    new = git([*identity, "commit-tree", tree, "-p", head.commit, "-m", text], repo).stdout.strip()
    action = os.environ.get("GIT_REFLOG_ACTION") or "commit"
    subject = text.split("\n", 1)[0]
    try:
        # compare-and-swap: fails when HEAD moved since it was read
        _retry_on_lock(["update-ref", "-m", f"{action}: {subject}", "HEAD", new, head.commit], repo)
    except GitError as error:
        if "but expected" in error.message:
            raise _UsePorcelain from None  # another commit came first: commit on top of it
        raise
    git(["maintenance", "run", "--auto", "--quiet"], repo, check=False)  # as git commit does
    return new


class _Background:
    """A git command that runs while this process goes on with the next one."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self._result: subprocess.CompletedProcess[str] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(args, cwd), daemon=True)
        self._thread.start()

    def _run(self, args: list[str], cwd: Path) -> None:
        try:
            self._result = self._work(args, cwd)
        except BaseException as error:  # handed to result()
            self._error = error

    def _work(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return git(args, cwd, check=False)

    def wait(self) -> None:
        """Waits for the command to end (its result or failure stays for :meth:`result`)."""
        self._thread.join()

    def result(self) -> subprocess.CompletedProcess[str]:
        """Waits for the command; its failure is in the returned code, as with ``check=False``."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class _Staging(_Background):
    """:func:`_stage` of the paths ``args`` while this process goes on (``result()``
    raises its failure)."""

    def _work(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        _stage(cwd, args)
        return subprocess.CompletedProcess(args, 0)


Background = _Background
"""A git command run while the caller goes on (``result()`` waits for it)."""


def _stage(repo: Path, ours: list[str]) -> None:
    """Put the files' current state into the index."""
    ignored = 0
    if not any(path.startswith(":") for path in ours):  # pathspec magic: check-ignore can't
        ignored = git(
            ["check-ignore", "--no-index", "--", *ours],
            repo,
            check=False,
            literal_pathspecs=False,  # check-ignore takes paths as they are, and refuses it
        ).returncode
    if ignored == 1:  # none ignored: `update-index` does what `git add` would, without
        # listing the folder for other new files
        _retry_on_lock(["update-index", "--add", "--remove", "--", *ours], repo)
    else:  # `git add` refuses new files git is told to ignore
        _retry_on_lock(["add", "--all", "--", *ours], repo)


def _clean_message(message: str) -> str:
    """The message as ``git commit -m`` stores it (cleanup mode ``whitespace``), without
    its final newline: trailing blanks and blank lines at either end removed, runs of
    blank lines made one."""
    lines: list[str] = []
    for line in message.split("\n"):
        line = line.rstrip(" \t\n\v\f\r")
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _commit_porcelain(
    repo: Path, specs: list[str], ours: set[str], message: str, identity: list[str]
) -> str | None:
    """Commit with ``git commit``: its hooks run, its checks apply."""
    _retry_on_lock(["add", "--all", "--", *specs], repo)
    staged_all = git(["diff", "--cached", "--name-only", "-z", "HEAD"], repo, check=False)
    has_head = staged_all.returncode == 0
    if has_head:
        staged = set(filter(None, staged_all.stdout.split("\0")))
        if not staged & ours:
            return None  # the files equal what HEAD holds
        # Only our files staged: a plain commit (much cheaper than a partial commit
        # with paths in a large repository). Otherwise name our paths, so that
        # the other staged work stays staged and out of this commit.
        only = [] if staged <= ours else ["--", *specs]
    else:
        if not git(["status", "--porcelain", "--", *specs], repo).stdout.strip():
            return None
        only = ["--", *specs]
    try:
        _retry_on_lock([*identity, "commit", "--quiet", "--no-edit", "-m", message, *only], repo)
    except BaseException:
        # Unstage what this commit staged, so a failed change leaves the index as it was.
        if has_head:
            git(["reset", "--quiet", "--", *specs], repo, check=False)
        else:
            git(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", *specs], repo, check=False)
        raise
    return git(["rev-parse", "HEAD"], repo).stdout.strip()


def _exists_or_tracked(repo: Path, path: Path) -> bool:
    """A path git can commit: present on disk, or deleted but known to git."""
    if path.exists():
        return True
    return bool(git(["ls-files", "--", os.fspath(path)], repo, check=False).stdout.strip())


def init_repository(path: Path, message: str, *, author: tuple[str, str] | None = None) -> str:
    """``git init`` and a first commit of everything in ``path``."""
    git(["init", "--quiet"], path)
    git(["add", "--all"], path)
    identity = identity_args(path, author)
    git([*identity, "commit", "--quiet", "-m", message], path)
    return git(["rev-parse", "HEAD"], path).stdout.strip()


environment = _env
"""The environment git runs in (``LC_ALL=C``, literal paths, no foreign index file)."""


# --------------------------------------------------------------------------- objects and config


def blobs(repo: Path, ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of git objects by id, read with one ``git cat-file --batch``."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    result = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        env=_env(),
        input=("\n".join(wanted) + "\n").encode(),
        capture_output=True,
        check=False,
    )
    out = result.stdout
    found: dict[str, bytes] = {}
    offset = 0
    for blob in wanted:
        end = out.index(b"\n", offset)
        header = out[offset:end].split()
        offset = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[blob] = out[offset : offset + size]
        offset += size + 1
    return found


def config_get(repo: Path, key: str) -> str | None:
    """One value of git's configuration as this repository sees it, or ``None``."""
    result = git(["config", "--get", key], repo, check=False)
    return result.stdout.rstrip("\n") if result.returncode == 0 else None


def config_set(repo: Path, key: str, value: str) -> None:
    """Set ``key`` in the repository's own configuration (``.git/config``)."""
    git(["config", "--local", key, value], repo)
