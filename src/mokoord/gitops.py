"""git as the audit trail: one commit per change, holding exactly its own files."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from mokoord.errors import GitError

_LOCK_RETRIES = 40


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_LITERAL_PATHSPECS"] = "1"
    env.setdefault("LC_ALL", "C")
    env.pop("GIT_INDEX_FILE", None)
    return env


def git(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run git; a failure becomes a :class:`GitError` with git's own words."""
    if shutil.which("git") is None:
        raise GitError("git is not installed", hint="install git, or pass --no-commit")
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=_env(),
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    if check and result.returncode != 0:
        raise GitError(f"git {args[0]} failed: {(result.stderr or result.stdout).strip()}")
    return result


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path``, or ``None``."""
    if shutil.which("git") is None:
        return None
    result = git(["rev-parse", "--show-toplevel"], path, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.strip())


def repository(path: Path) -> tuple[Path, Path] | None:
    """(work tree root, git directory) of the repository holding ``path``, or ``None``."""
    if shutil.which("git") is None:
        return None
    result = git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], path, check=False)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or len(lines) != 2:
        return None
    return Path(lines[0]), Path(lines[1])


def identity_args(repo: Path, fallback: tuple[str, str] | None) -> list[str]:
    """``-c user.name=… -c user.email=…`` when git's config lacks them and the store has one."""
    found = git(["config", "--get-regexp", r"^user\.(name|email)$"], repo, check=False).stdout
    values = dict(line.split(" ", 1) for line in found.splitlines() if " " in line)
    name, email = values.get("user.name", "").strip(), values.get("user.email", "").strip()
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


def _retry_on_lock(args: list[str], repo: Path) -> subprocess.CompletedProcess[str]:
    delay = 0.05
    for _attempt in range(_LOCK_RETRIES):
        result = git(args, repo, check=False)
        if result.returncode == 0:
            return result
        if "index.lock" not in result.stderr and "cannot lock ref" not in result.stderr:
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    raise GitError(f"git {args[0]} failed: {(result.stderr or result.stdout).strip()}")


def commit(
    repo: Path,
    paths: Sequence[Path],
    message: str,
    *,
    author: tuple[str, str] | None = None,
) -> str | None:
    """Commit exactly ``paths`` (added, changed or deleted); other staged work stays staged.

    Returns the new commit's id, or ``None`` when the files did not change.
    """
    if not paths:
        return None
    identity = identity_args(repo, author)
    specs = [os.fspath(path) for path in paths if _exists_or_tracked(repo, path)]
    if not specs:
        return None
    _retry_on_lock(["add", "--all", "--", *specs], repo)
    staged_all = git(["diff", "--cached", "--name-only", "-z", "HEAD"], repo, check=False)
    has_head = staged_all.returncode == 0
    ours = {Path(spec).resolve().relative_to(repo.resolve()).as_posix() for spec in specs}
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
