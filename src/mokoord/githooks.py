"""The git hooks that keep erased personal data out of a clone and its server.

``python -m mokoord.privacy.hook NAME`` is the guard
(:mod:`mokoord.privacy.guard`): it refuses a merge or push that would bring
back what an erasure removed from the history. Here it is installed as git
hooks: ``pre-merge-commit`` and ``pre-push`` in every clone (by ``init``,
``clone``, the self-setup of a plain ``git clone``, ``privacy erase`` and
``privacy catch-up``), ``pre-receive`` in a server repository that is a folder.

Installing is idempotent and never destroys a hook of the user's:

- no hook of that name: the guard is written;
- the guard is there: left as it is (rewritten only when it names another
  Python than this one, by ``install_hooks``; the cheap check
  :func:`hooks_in_place` never rewrites);
- another hook is there: it is **chained**: renamed to ``NAME.before-mokoord``
  (mode kept) and run by the guard after its own check, with the same
  arguments and standard input; its exit status is the hook's. A refused
  history stops before it. When ``NAME.before-mokoord`` exists already (a hook
  manager replaced the guard since), nothing is touched and the hook is named;
- git runs the hooks from elsewhere (``core.hooksPath``, often a folder shared
  by all repositories of a user or committed in a project): the guard is
  written to the repository's own ``hooks/`` folder, where it is inactive,
  and the user is told to add it to the hooks git runs. mokoord never writes
  into a ``core.hooksPath`` folder.

Files only, no git, in :func:`hooks_in_place`: every command can afford it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from mokoord.i18n import _

HOOK_MARK = "# mokoord: refuse history that brings erased personal data back"
CLONE_HOOKS = ("pre-merge-commit", "pre-push")
SERVER_HOOKS = ("pre-receive",)
CHAINED = ".before-mokoord"
"""Suffix of a hook that was there before the guard, and runs after it."""
_STDIN_HOOKS = frozenset({"pre-push", "pre-receive"})


def hook_script(name: str) -> str:
    """The hook ``name``: the guard run with this Python, else any Python that has
    mokoord; then the hook it replaced, if any (``NAME.before-mokoord``)."""
    python = sys.executable or "python3"
    lines = [
        "#!/bin/sh",
        f"{HOOK_MARK} (docs/privacy.md)",
        f"# A hook that was here before runs after the check: {name}{CHAINED}",
    ]
    if name in _STDIN_HOOKS:
        lines += ["input=$(cat; echo x)", "input=${input%x}"]
        feed = 'printf "%s" "$input" | '
    else:
        feed = ""
    lines += [
        "# exit status 99: this Python has no mokoord, try the next",
        "check='import sys",
        "try:",
        "    from mokoord.privacy.hook import main",
        "except ImportError:",
        "    sys.exit(99)",
        "sys.exit(main())'",
        "guard() {",
        f'  for python in "{python}" python3 python; do',
        '    command -v "$python" >/dev/null 2>&1 || continue',
        f'    {feed}"$python" -c "$check" {name} "$@"',
        "    status=$?",
        '    [ "$status" -eq 99 ] || return "$status"',
        "  done",
        '  echo "mokoord is needed to check this against the erasure log (docs/privacy.md)" >&2',
        "  return 1",
        "}",
        'guard "$@" || exit 1',
        f'own="$(dirname "$0")/{name}{CHAINED}"',
        'if [ -x "$own" ]; then',
        f'  {feed}"$own" "$@"',
        "  exit $?",
        "fi",
        "exit 0",
    ]
    return "\n".join(lines) + "\n"


def _common_dir(git_dir: Path) -> Path:
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    target = Path(text)
    return (target if target.is_absolute() else git_dir / target).resolve()


def hooks_folder(git_dir: Path) -> Path:
    """The repository's own hooks folder (``.git/hooks``, shared by its work trees)."""
    return _common_dir(git_dir) / "hooks"


def _ours(path: Path) -> bool:
    try:
        return HOOK_MARK in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def hooks_in_place(git_dir: Path, names: Sequence[str] = CLONE_HOOKS) -> bool:
    """Whether the guard was set up for every hook of ``names``: it is there, or a
    hook it had chained replaced it since (then it was said once already).
    Reads a few files; runs no git."""
    folder = hooks_folder(git_dir)
    return all(_ours(folder / name) or (folder / f"{name}{CHAINED}").exists() for name in names)


def _configured_hooks_path(git_dir: Path) -> Path | None:
    """The folder git runs hooks from when ``core.hooksPath`` moves them elsewhere."""
    env = {**os.environ, "LC_ALL": "C"}
    env.pop("GIT_INDEX_FILE", None)
    found = subprocess.run(
        ["git", "config", "--path", "--get", "core.hooksPath"],
        cwd=git_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not found:
        return None
    path = Path(found).expanduser()
    if not path.is_absolute():
        work_tree = git_dir.parent if git_dir.name == ".git" else git_dir
        path = work_tree / path
    try:
        if path.resolve() == hooks_folder(git_dir).resolve():
            return None
    except OSError:
        pass
    return path


def install_hooks(git_dir: Path, names: Sequence[str]) -> list[str]:
    """Install the guard as the hooks ``names`` of a repository (see the module's
    rules); returns what the user should know, in words (empty when nothing
    needs saying: the guard newly in place is said by the caller)."""
    from mokoord.yamlio import atomic_write

    folder = hooks_folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    for name in names:
        path = folder / name
        script = hook_script(name)
        chained = folder / f"{name}{CHAINED}"
        if path.exists() and not _ours(path):
            if chained.exists():
                notes.append(
                    _(
                        "the git hook {name} exists already and was left alone; "
                        "add `python -m mokoord.privacy.hook {name}` to it"
                    ).format(name=name)
                )
                continue
            os.replace(path, chained)
            notes.append(
                _(
                    "your own git hook {name} runs after the check for erased data (kept as {file})"
                ).format(name=name, file=chained.name)
            )
        elif path.exists() and path.read_text(encoding="utf-8", errors="replace") == script:
            continue
        atomic_write(path, script.encode("utf-8"))
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    elsewhere = _configured_hooks_path(git_dir)
    if elsewhere is not None:
        notes.append(
            _(
                "git runs this repository's hooks from {path} (core.hooksPath), so the check "
                "for erased data is not active: add `python -m mokoord.privacy.hook NAME` "
                "to the hooks {names} there (docs/privacy.md)"
            ).format(path=elsewhere, names=", ".join(names))
        )
    return notes


__all__ = [
    "CHAINED",
    "CLONE_HOOKS",
    "HOOK_MARK",
    "SERVER_HOOKS",
    "hook_script",
    "hooks_folder",
    "hooks_in_place",
    "install_hooks",
]
