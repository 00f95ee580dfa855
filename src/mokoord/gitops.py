"""git as the audit trail: one commit per change, holding exactly its own files."""

from __future__ import annotations

import os
import shutil
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

    Usually the commit is made with git's plumbing (``update-index``,
    ``write-tree``, ``commit-tree``, ``update-ref``), which skips the check of
    every file in the work tree that ``git commit`` makes; in a large store
    that check is most of a commit's time. ``git commit`` itself is used
    whenever it would do more than the plumbing: commit hooks to run, signed
    commits, a message cleanup set in the config, a merge, cherry-pick, revert
    or rebase under way, no commit yet, or other work staged.
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
            return _commit_plumbing(repo, head, ours, message, identity)
        except _UsePorcelain:
            pass
    return _commit_porcelain(repo, specs, set(ours), message, identity)


class _UsePorcelain(Exception):
    """The plumbing would not make the commit ``git commit`` makes; let ``git commit`` do it."""


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
        new = git(
            [*identity, "commit-tree", tree, "-p", head.commit, "-m", text], repo
        ).stdout.strip()
        action = os.environ.get("GIT_REFLOG_ACTION") or "commit"
        subject = text.split("\n", 1)[0]
        try:
            # compare-and-swap: fails when HEAD moved since it was read
            _retry_on_lock(
                ["update-ref", "-m", f"{action}: {subject}", "HEAD", new, head.commit], repo
            )
        except GitError as error:
            if "but expected" in error.message:
                raise _UsePorcelain from None  # another commit came first: commit on top of it
            raise
    except _UsePorcelain:
        raise  # git commit takes over from the index as it is, our files staged
    except BaseException:
        # Unstage what this commit staged, so a failed change leaves the index as it was.
        git(["reset", "--quiet", "--", *ours], repo, check=False)
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
            self._result = git(args, cwd, check=False)
        except BaseException as error:  # handed to result()
            self._error = error

    def result(self) -> subprocess.CompletedProcess[str]:
        """Waits for the command; its failure is in the returned code, as with ``check=False``."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


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
