"""git as the audit trail: one commit per change, holding exactly its own files."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mokoord.errors import GitError

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
        raise GitError("git is not installed", hint="install git, or pass --no-commit")
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


# --------------------------------------------------------------------------- state of a repository


def git_dir_of(path: Path) -> tuple[Path, Path] | None:
    """(work tree root, git directory) holding ``path``, found on disk without running git.

    Cheap enough for every command. ``None`` when no ``.git`` is found upward
    (or it cannot be read); :func:`repository` asks git itself.
    """
    for folder in (path, *path.parents):
        dot_git = folder / ".git"
        try:
            if dot_git.is_dir():
                return folder, dot_git
            if dot_git.is_file():
                text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
                if not text.startswith("gitdir:"):
                    return None
                target = Path(text.removeprefix("gitdir:").strip())
                return folder, (target if target.is_absolute() else folder / target).resolve()
        except OSError:
            return None
    return None


def common_dir(git_dir: Path) -> Path:
    """The git directory shared by all work trees (where ``config`` lives)."""
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    target = Path(text)
    return (target if target.is_absolute() else git_dir / target).resolve()


_OPERATIONS = (
    ("rebase-merge", "rebase"),
    ("rebase-apply/applying", "am"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
)


def operation_in_progress(git_dir: Path) -> str | None:
    """The unfinished git operation in a work tree: ``merge``, ``rebase``, ``am``,
    ``cherry-pick`` or ``revert``; ``None`` when there is none (file checks only)."""
    for name, operation in _OPERATIONS:
        if os.path.lexists(git_dir / name):
            return operation
    return None


@dataclass(frozen=True)
class Unmerged:
    """A path git could not merge: the blob ids of its base, ours and theirs (``None`` if absent)."""

    path: str
    base: str | None
    ours: str | None
    theirs: str | None


def unmerged(repo: Path) -> list[Unmerged]:
    """Paths left in conflict by a merge (relative to the work tree root, sorted)."""
    listing = git(["ls-files", "--unmerged", "-z", "--full-name"], repo, check=False).stdout
    stages: dict[str, dict[int, str]] = {}
    for entry in filter(None, listing.split("\0")):
        info, _, path = entry.partition("\t")
        _mode, blob, stage = info.split()
        stages.setdefault(path, {})[int(stage)] = blob
    return [
        Unmerged(path, found.get(1), found.get(2), found.get(3))
        for path, found in sorted(stages.items())
    ]


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


# --------------------------------------------------------------------------- talking to a server


OFFLINE_SIGNS = (
    "could not resolve host",
    "could not resolve hostname",
    "name or service not known",
    "temporary failure in name resolution",
    "connection refused",
    "connection timed out",
    "timed out",
    "network is unreachable",
    "no route to host",
    "failed to connect",
    "unable to connect",
    "connection reset",
    "the remote end hung up",
    "could not read from remote repository",
)
DENIED_SIGNS = (
    "authentication failed",
    "permission denied",
    "access denied",
    "403",
    "401",
    "terminal prompts disabled",
    "could not read username",
    "could not read password",
    "invalid credentials",
    "not authorized",
    "protected branch",
    "pre-receive hook declined",
    "hook declined",
)
MISSING_SIGNS = ("not found", "does not appear to be a git repository", "does not exist", "404")


def remote_failure(stderr: str) -> str:
    """What kind of failure git's words describe: ``denied``, ``missing``, ``offline`` or ``other``.

    Refusals are looked for first: a server that refuses also "hangs up".
    """
    text = stderr.lower()
    if any(sign in text for sign in DENIED_SIGNS):
        return "denied"
    if any(sign in text for sign in MISSING_SIGNS):
        return "missing"
    if any(sign in text for sign in OFFLINE_SIGNS):
        return "offline"
    return "other"


def remote_env(*, interactive: bool) -> dict[str, str]:
    """Environment for git talking to a server: never waits for a password nobody can type."""
    env: dict[str, str] = {}
    if not interactive:
        env["GIT_TERMINAL_PROMPT"] = "0"
        if "GIT_SSH_COMMAND" not in os.environ and "GIT_SSH" not in os.environ:
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    return env


def run_remote(
    args: Sequence[str], cwd: Path, *, interactive: bool, identity: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """git talking to a server (clone, fetch, push); never raises for git's own failure.

    Speaks git's English (``LC_ALL=C``) so that :func:`remote_failure` can read it.
    """
    if shutil.which("git") is None:
        raise GitError("git is not installed", hint="install git")
    env = {**_env(), **remote_env(interactive=interactive)}
    return subprocess.run(
        ["git", *identity, *args],
        cwd=cwd,
        env=env,
        stdin=None if interactive else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def error_with_paths(text: str) -> str:
    """git's first error line and the paths it lists below it (indented), on one line."""
    lines = text.splitlines()
    first = first_line(text)
    paths: list[str] = []
    if first in (line.strip() for line in lines):
        start = next(i for i, line in enumerate(lines) if line.strip() == first)
        for line in lines[start + 1 :]:
            if not line.startswith(("\t", " ")) or not line.strip():
                break
            paths.append(line.strip())
    return " ".join([first.rstrip(":") + (":" if paths else ""), *paths[:10]]).strip()


def first_line(text: str) -> str:
    """git's most telling line of an error: the first ``fatal:``/``error:`` line, else the first."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for prefixes in (("fatal:", "error:"), ("remote: error", "remote: fatal", "ERROR:")):
        for line in lines:
            if line.startswith(prefixes):
                return line
    return lines[0] if lines else ""


# --------------------------------------------------------------------------- the merge driver

MERGE_DRIVER = "mokoord"
"""The name records' files carry in ``.gitattributes`` (``merge=mokoord``)."""
MERGE_MODULE = "mokoord.merge"


def merge_driver_command(executable: str | None = None) -> str:
    """The command git runs to merge a record file: this Python, by its absolute path.

    A virtual environment's interpreter is named directly, so the driver
    works without mokoord on PATH; when that interpreter moves, the
    self-setup (:func:`setup_merge_driver`) writes the new path.
    """
    python = executable or sys.executable or "python3"
    return f"{shlex.quote(python)} -m {MERGE_MODULE} %O %A %B %P"


def driver_interpreter(command: str) -> str | None:
    """The interpreter a configured driver command names, if it is mokoord's driver."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) < 3 or words[1:3] != ["-m", MERGE_MODULE]:
        return None
    return words[0]


def setup_merge_driver(repo: Path) -> list[str]:
    """Make the repository's own config run mokoord's merge driver and refuse guessed authors.

    Returns what was set or repaired, in words for the user (empty when all
    was in place). A driver that names another Python that exists is kept.
    """
    from mokoord.i18n import _

    done: list[str] = []
    found = git(
        ["config", "--local", "--get-regexp", r"^(merge\.mokoord\.|user\.useconfigonly$)"],
        repo,
        check=False,
    ).stdout
    values = dict(line.partition(" ")[::2] for line in found.splitlines())
    current = values.get(f"merge.{MERGE_DRIVER}.driver")
    interpreter = driver_interpreter(current) if current else None
    if current is None or interpreter is None or not Path(interpreter).exists():
        config_set(repo, f"merge.{MERGE_DRIVER}.name", "mokoord: records merged field by field")
        config_set(repo, f"merge.{MERGE_DRIVER}.driver", merge_driver_command())
        if current is None:
            done.append(_("records are merged field by field (git config merge.mokoord)"))
        else:
            done.append(
                _("the record merge now runs with {python} (it named {old})").format(
                    python=sys.executable, old=interpreter or current
                )
            )
    if config_get(repo, "core.untrackedCache") is None:
        config_set(repo, "core.untrackedCache", "true")  # a faster `git status` (sync asks it)
    if "user.useconfigonly" not in values:
        config_set(repo, "user.useConfigOnly", "true")
        done.append(_("git commits only under a configured name (git config user.useConfigOnly)"))
    return done


def merge_driver_in_place(git_dir: Path) -> bool:
    """Whether the config file already names mokoord's driver with an existing Python.

    Read from the file without running git, so every command can afford it.
    A ``False`` may be wrong (an unusual layout); :func:`setup_merge_driver`
    then finds all in place and changes nothing.
    """
    try:
        text = (common_dir(git_dir) / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "useconfigonly" not in text.lower():
        return False
    for line in text.splitlines():
        key, _sep, value = line.strip().partition("=")
        if key.strip().lower() != "driver" or MERGE_MODULE not in value:
            continue
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        interpreter = driver_interpreter(value)
        if interpreter is not None and Path(interpreter).exists():
            return True
    return False


# --------------------------------------------------------------------------- unfinished operations


def merge_next_step(files: Sequence[str]) -> str:
    """What to do about an unfinished merge, naming the files still in conflict."""
    from mokoord.i18n import _

    if not files:
        return _(
            "nothing is left in conflict: finish the merge with `mokoord sync --continue`, "
            "or undo it with `mokoord sync --abort`"
        )
    return _(
        "files in conflict: {files}. Settle them (in a terminal `mokoord sync` asks; or change "
        "them with `mokoord set` or `mokoord edit`), then run `mokoord sync --continue`; "
        "or undo the merge with `mokoord sync --abort`"
    ).format(files=", ".join(files))


class UnfinishedOperation(GitError):
    """A write refused while a merge, rebase or cherry-pick is unfinished."""

    names_unfinished = True
    """The message names the operation and the next step (no notice needed after it)."""


def unfinished_error(operation: str, repo: Path, *, path: str | None = None) -> GitError:
    """The error for a write while a merge, rebase, cherry-pick, revert or ``am`` is unfinished."""
    from mokoord.i18n import _

    if operation == "merge":
        files = [entry.path for entry in unmerged(repo)]
        if path is not None:
            message = _(
                "a merge is not finished in this clone, so {path} cannot be changed now "
                "(only files in conflict can)"
            ).format(path=path)
        else:
            message = _("a merge is not finished in this clone")
        return UnfinishedOperation(message, hint=merge_next_step(files))
    return UnfinishedOperation(
        _("a git {operation} is not finished in this clone; mokoord cannot commit now").format(
            operation=operation
        ),
        hint=_(
            "finish it with `git {operation} --continue`, or undo it with "
            "`git {operation} --abort`; then run the command again"
        ).format(operation=operation),
    )
