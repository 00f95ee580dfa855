"""A clone's state and its own setup: where its git directory is, an unfinished
merge, rebase or cherry-pick and the files it left in conflict, and the merge
driver in the clone's config.

Cheap where every command needs it: :func:`git_dir_of`,
:func:`operation_in_progress` and :func:`merge_driver_in_place` read files
and run no git.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mokoord.errors import GitError
from mokoord.gitops import config_get, config_set, git

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


def _gone(interpreter: str) -> bool:
    """Whether a Python named by a driver is certainly gone (one that cannot be looked at,
    for another user's permissions, is left alone)."""
    try:
        return not Path(interpreter).exists()
    except OSError:
        return False


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
    if current is None or interpreter is None or _gone(interpreter):
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
        if interpreter is not None and not _gone(interpreter):
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
