"""git talking to a server: clone, fetch and push, and what git's words say went wrong."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from mokoord.errors import GitError
from mokoord.gitops import environment
from mokoord.i18n import _

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
        raise GitError(
            _("git was not found: it is not installed, or not on PATH"), hint=_("install git")
        )
    env = {**environment(), **remote_env(interactive=interactive)}
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
