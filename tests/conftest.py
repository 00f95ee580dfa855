"""Shared fixtures: real stores in temporary folders, real git, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokoord import i18n
from mokoord.cli import app
from mokoord.newstore import init_store
from mokoord.store import Store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data"


def _compile_catalogues() -> None:
    """Recompile each catalogue whose .po is newer than its .mo, so that an
    edited .po is in effect without reinstalling (the build does it otherwise)."""
    sys.path.insert(0, str(REPO))
    try:
        from tools.catalogue import compile_catalogues
    finally:
        sys.path.remove(str(REPO))
    compile_catalogues(i18n.LOCALE_DIR, only_stale=True, quiet=True)


_compile_catalogues()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite reads English unless a test asks for German: $MOKOORD_LANG=en
    (inherited by subprocesses) and English for library calls made directly."""
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _no_watchers(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test starts or asks a store's watcher (``mokoord.watching``) unless it says so:
    a watcher outlives the test that started it (until idle or its folder is gone)."""
    monkeypatch.setenv("MOKOORD_WATCH", "0")


@pytest.fixture(autouse=True)
def _git_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never read the developer's git config; commits get a fixed author."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Koordination")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "koordination@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Koordination")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "koordination@example.org")
    monkeypatch.delenv("MOKOORD_DATA", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


@pytest.fixture(scope="session")
def _store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store made by ``init``; each test gets a copy (git is slow to start)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.mktemp("home") / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for role in ("AUTHOR", "COMMITTER"):
            patch.setenv(f"GIT_{role}_NAME", "Test Koordination")
            patch.setenv(f"GIT_{role}_EMAIL", "koordination@example.org")
        root, _ = init_store(tmp_path_factory.mktemp("template") / "store")
    return root


@pytest.fixture
def store(tmp_path: Path, _store_template: Path) -> Store:
    """A fresh, empty store made by ``init`` (its own git repository, one commit)."""
    root = tmp_path / "store"
    shutil.copytree(_store_template, root, symlinks=True)
    return Store(root)


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    """A copy of the demo store in its own git repository."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".mokoord"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "demo"], cwd=root, check=True)
    return Store(root)


class Cli:
    """Runs mokoord through Typer's CliRunner against one store."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        prefix = ["--data", str(self.root)] if self.root is not None else []
        return self.runner.invoke(
            app, [*prefix, *args], input=input, env=env, catch_exceptions=False
        )


@pytest.fixture
def cli(store: Store) -> Cli:
    return Cli(store.root)


@pytest.fixture
def demo_cli(demo: Store) -> Cli:
    return Cli(demo.root)


def run_mokoord(
    *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A true subprocess run of ``python -m mokoord``."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mokoord", *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def mokoord_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_mokoord


def git_log(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "log", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def git_status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def write(store: Store) -> Callable[[str, str], Path]:
    """Write a file into the store (relative path, text) and return its path."""

    def _write(relative: str, text: str) -> Path:
        path = store.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which files the index had to parse (all in this process, so all counted)."""
    from mokoord import indexparse

    seen: list[str] = []
    original = indexparse.parse_file

    def counting(root: str, relative: str, kind: str, raw: bytes | None = None):  # type: ignore[no-untyped-def]
        seen.append(relative)
        return original(root, relative, kind, raw)

    monkeypatch.setattr(indexparse, "parse_file", counting)
    monkeypatch.setattr(indexparse, "PARALLEL_THRESHOLD", 10**9)
    return seen
