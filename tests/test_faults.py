"""Faults of the machine: one message with the path and the remedy (issue 12, section 5).

A real read-only folder needs a user the permissions apply to: the tests
run as that user, or, where they run as root, start mokoord as ``nobody``
with ``runuser`` (skipped with the reason when neither works). The other
faults are real where a test can make them (a stale git lock, git missing
from PATH, a repository owned by another user) and simulated OSErrors where
it cannot (a full disk).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import mokoord
from conftest import Cli, git_log, git_status
from mokoord.store import Store

ADD = ("add-org", "--name", "Kulturverein Neu e.V.")


def _assert_one_clean_message(result: object, *parts: str) -> str:
    """Exit 1, no traceback, every part in the message; returns stderr."""
    stderr: str = getattr(result, "stderr")  # noqa: B009 - CliRunner result or CompletedProcess
    code = getattr(result, "exit_code", getattr(result, "returncode", None))
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.count("error:") == 1, stderr
    for part in parts:
        assert part in stderr, (part, stderr)
    return stderr


def _assert_nothing_changed(store: Store, log_before: str) -> None:
    assert not (store.root / "organisations" / "kulturverein-neu.yaml").exists()
    assert list(store.root.rglob(".*.tmp")) == []  # no half-written file
    assert git_status(store.root) == ""
    assert git_log(store.root, "--format=%H") == log_before


# --------------------------------------------------------------------------- a real read-only store


def _python_for_nobody() -> tuple[list[str], dict[str, str]] | str:
    """A Python command ``nobody`` can run with mokoord importable, or why there is none."""
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("runuser") is None:
        return "runuser is not installed"
    paths = [
        str(Path(mokoord.__file__).resolve().parents[1]),
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    ]
    env = {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)), "HOME": "/tmp"}
    for python in dict.fromkeys(
        [sys.executable, shutil.which("python3") or "", "/usr/bin/python3"]
    ):
        if not python:
            continue
        probe = subprocess.run(
            [
                "runuser",
                "-u",
                "nobody",
                "--",
                "env",
                *_env_args(env),
                python,
                "-c",
                "import mokoord",
            ],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return [python], env
    return "no Python interpreter that the user nobody may run can import mokoord"


def _env_args(env: dict[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in env.items()]


@pytest.fixture
def readonly_store(store: Store) -> Iterator[Store]:
    """The store made read-only for whoever runs mokoord in the test.

    As root, a copy in a folder ``nobody`` can reach (the tests' own temporary
    folders are private); otherwise the store itself, its permissions taken away.
    """
    if os.geteuid() == 0:
        folder = Path(tempfile.mkdtemp(prefix="mokoord-readonly-"))
        folder.chmod(0o755)
        root = folder / "store"
        shutil.copytree(store.root, root, symlinks=True)
    else:
        folder, root = None, store.root
    modes = {path: path.stat().st_mode for path in [root, *root.rglob("*")]}
    for path in modes:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        yield Store(root)
    finally:
        for path, mode in sorted(modes.items(), reverse=True):
            path.chmod(mode)
        if folder is not None:
            shutil.rmtree(folder)


def _run_limited(store: Store, *args: str, trust: bool = True) -> subprocess.CompletedProcess[str]:
    """mokoord as a user without write access to the store; ``trust``: git's safe.directory."""
    git_env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        **{
            f"GIT_{role}_{part}": os.environ[f"GIT_{role}_{part}"]
            for role in ("AUTHOR", "COMMITTER")
            for part in ("NAME", "EMAIL")
        },
    }
    if trust:
        git_env.update(
            {
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": "safe.directory",
                "GIT_CONFIG_VALUE_0": "*",
            }
        )
    command = ["-m", "mokoord", "--data", str(store.root), *args]
    if os.geteuid() != 0:
        return subprocess.run(
            [sys.executable, *command],
            env={**os.environ, **git_env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    found = _python_for_nobody()
    if isinstance(found, str):
        pytest.skip(f"tests run as root and cannot run mokoord as another user: {found}")
    python, env = found
    return subprocess.run(
        ["runuser", "-u", "nobody", "--", "env", *_env_args({**env, **git_env}), *python, *command],
        cwd="/tmp",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_read_only_store_gives_one_message_and_changes_nothing(readonly_store: Store) -> None:
    store = readonly_store
    before = git_log(store.root, "--format=%H")
    result = _run_limited(store, *ADD)
    stderr = _assert_one_clean_message(result, "cannot write ", "permission denied", "hint:")
    assert str(store.root) in stderr
    if os.geteuid() == 0:  # run as nobody: the store is root's
        assert "belongs to the user 'root'" in stderr
    _assert_nothing_changed(store, before)
    # reading still works: the index that cannot be written is rebuilt in memory
    listed = _run_limited(store, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "[]"


def test_a_report_into_a_read_only_folder_names_the_file(readonly_store: Store) -> None:
    target = readonly_store.root / "bericht.md"
    result = _run_limited(readonly_store, "report", "--year", "2023", "-o", str(target))
    _assert_one_clean_message(result, f"cannot write {target}: permission denied")
    assert not target.exists()
    assert [p.name for p in readonly_store.root.iterdir() if p.name.endswith(".tmp")] == []


def test_init_in_a_read_only_folder(readonly_store: Store) -> None:
    target = readonly_store.root / "organisations" / "neu"
    result = _run_limited(readonly_store, "init", str(target), "--no-commit")
    _assert_one_clean_message(result, "cannot write ", "permission denied")
    assert not target.exists()


def test_a_repository_of_another_user_is_named_with_the_remedy(readonly_store: Store) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run git as another user than the repository's owner")
    result = _run_limited(readonly_store, *ADD, trust=False)
    _assert_one_clean_message(
        result,
        f"git refuses to work in {readonly_store.root}: the repository belongs to another user",
        f"git config --global --add safe.directory {readonly_store.root}",
    )


def test_dubious_ownership_seen_by_the_owner_of_the_process(cli: Cli, store: Store) -> None:
    """The store belongs to another user than the one running mokoord (root chowns it)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give the store to another user")
    nobody = 65534
    paths = [store.root, *store.root.rglob("*")]
    for path in paths:
        os.lchown(path, nobody, nobody)
    try:
        result = cli(*ADD)
        _assert_one_clean_message(
            result,
            "the repository belongs to another user",
            "safe.directory",
        )
        assert not (store.root / "organisations" / "kulturverein-neu.yaml").exists()
    finally:
        for path in paths:
            os.lchown(path, 0, 0)


# --------------------------------------------------------------------------- simulated faults


@pytest.mark.parametrize(
    ("code", "message", "hint"),
    [
        (errno.ENOSPC, "the disk is full", "free some space"),
        (errno.EROFS, "the file system is read-only", "copy the store to a writable folder"),
        (errno.EACCES, "permission denied", "check the permissions of"),
    ],
)
def test_a_failing_write_leaves_nothing_behind(
    cli: Cli, store: Store, monkeypatch: pytest.MonkeyPatch, code: int, message: str, hint: str
) -> None:
    assert cli("add-org", "--name", "Elternverein Biebrich e.V.").exit_code == 0
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    original = path.read_bytes()
    before = git_log(store.root, "--format=%H")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if f"/{store.root.name}/organisations" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file is written")
    monkeypatch.setattr(os, "fsync", fsync)
    result = cli(*ADD)
    _assert_one_clean_message(
        result, f"cannot write {store.root}/organisations/kulturverein-neu.yaml: {message}", hint
    )
    result = cli("set", "elternverein-biebrich", "district=mitte")
    _assert_one_clean_message(result, f"cannot write {path}: {message}")
    assert path.read_bytes() == original
    _assert_nothing_changed(store, before)


def test_a_stale_git_lock_is_named_at_once(cli: Cli, store: Store) -> None:
    lock = store.root / ".git" / "index.lock"
    lock.write_bytes(b"")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    before = git_log(store.root, "--format=%H")
    started = time.monotonic()
    result = cli(*ADD)
    assert time.monotonic() - started < 10  # a lock from a crash is not waited for
    _assert_one_clean_message(
        result,
        f"the git repository is locked: {lock} exists",
        "delete it, then run the command again",
    )
    lock.unlink()
    _assert_nothing_changed(store, before)
    assert cli(*ADD).exit_code == 0  # once it is gone, the same command works


def test_a_fresh_git_lock_is_waited_for_then_named(
    cli: Cli, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mokoord import gitops

    monkeypatch.setattr(gitops, "_LOCK_RETRIES", 2)
    lock = store.root / ".git" / "index.lock"
    lock.write_bytes(b"")
    before = git_log(store.root, "--format=%H")
    result = cli(*ADD)
    _assert_one_clean_message(result, f"the git repository is locked: {lock} exists")
    lock.unlink()
    _assert_nothing_changed(store, before)


def test_git_missing_from_path(cli: Cli, store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    before = git_log(store.root, "--format=%H")
    result = cli(*ADD, env={"PATH": str(empty)})
    _assert_one_clean_message(
        result, "git was not found: it is not installed, or not on PATH", "--no-commit"
    )
    _assert_nothing_changed(store, before)
    result = cli(*ADD, "--no-commit", env={"PATH": str(empty)})
    assert result.exit_code == 0, result.output
    assert (store.root / "organisations" / "kulturverein-neu.yaml").exists()


def test_an_unforeseen_fault_is_still_one_message(
    cli: Cli, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mokoord.editing

    assert cli("add-org", "--name", "Elternverein Biebrich e.V.").exit_code == 0

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/mokoord-edit-x")

    monkeypatch.setattr(mokoord.editing.tempfile, "mkdtemp", full)
    result = cli("edit", "elternverein-biebrich", env={"EDITOR": "true"})
    _assert_one_clean_message(
        result, "cannot use /tmp/mokoord-edit-x: the disk is full", "free some space"
    )
