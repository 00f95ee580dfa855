"""The guard against erased data coming back, as git hooks in every clone: set up
by ``mokoord clone``, ``init`` and the first command in a plain ``git clone``,
once; a user's own hooks chained, never replaced; hooks that git runs from
elsewhere (``core.hooksPath``) left alone and named. With real clones of a real
``git daemon`` on 127.0.0.1 (see docs/privacy.md, section 6)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Cli
from tests.gitserver import GitServer, git_daemon
from tests.privacy_office import (
    NAME,
    found_anywhere,
    git,
    office_fixture,  # noqa: F401 - the fixture "office"
    office_template_fixture,  # noqa: F401 - the fixture it copies
    prune,
)

from mokoord.githooks import CHAINED, CLONE_HOOKS, HOOK_MARK

REASON = "Antrag per E-Mail vom 28.05.2025"
GUARD_LINE = "merges and pushes are refused when they would bring erased personal data back"


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[GitServer]:
    (tmp_path / "server").mkdir()
    with git_daemon(tmp_path / "server") as server:
        yield server


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _branch(root: Path) -> str:
    return git(root, "symbolic-ref", "--short", "HEAD").strip()


def _hooks(root: Path) -> Path:
    return root / ".git" / "hooks"


def _serve(office: Path, server: GitServer) -> tuple[str, Path]:
    """The office's store on the server (its branch the server's default); the URL
    and the bare repository."""
    url = server.create()
    bare = server.base / "register.git"
    branch = _branch(office)
    git(office, "remote", "add", "origin", url)
    git(office, "push", "-q", "-u", "origin", branch)
    git(bare, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
    return url, bare


def test_a_stale_clone_made_with_mokoord_clone_cannot_push_an_erased_person_back(
    office: tuple[Path, dict[str, str]], daemon: GitServer, tmp_path: Path
) -> None:
    root, ids = office
    url, bare = _serve(root, daemon)
    stale = tmp_path / "bernd"
    cloned = Cli(None)("clone", url, str(stale))
    assert cloned.exit_code == 0, cloned.output
    assert cloned.stderr.count(GUARD_LINE) == 1
    for name in CLONE_HOOKS:
        assert HOOK_MARK in (_hooks(stale) / name).read_text(encoding="utf-8")
    # the colleague works on, not knowing of the erasure to come
    own = Cli(stale)(
        "add-contact", "--org", ids["org"], "--date", "2023-06-01", "--channel", "email",
        "--topic", "events", "--summary", "Einladung zum Sommerfest verschickt",
    )  # fmt: skip
    assert own.exit_code == 0, own.output
    assert GUARD_LINE not in own.stderr  # said once, by clone

    office = Cli(root)
    erased = office("privacy", "erase", ids["person"], "--reason", REASON, "--yes")
    assert erased.exit_code == 0, erased.output
    git(root, "branch", "-D", "alte-arbeit")
    sent = office("privacy", "catch-up")
    assert sent.exit_code == 0, sent.output
    erased_tip = git(bare, "rev-parse", _branch(root)).strip()

    # git daemon runs no hook of its own: only the clone's hooks stand in the way
    git(stale, "fetch", "-q", "origin")
    server_branch = f"origin/{_branch(root)}"
    before = git(stale, "rev-parse", "HEAD")
    merged = _run(stale, "merge", "-s", "ours", "--no-edit", server_branch)
    assert merged.returncode != 0  # a merge git would finish is stopped by pre-merge-commit
    assert "this clone still holds the history from before erasure" in merged.stderr
    assert git(stale, "rev-parse", "HEAD") == before
    # a merge stopped at conflicts and committed by hand is stopped at the push
    assert _run(stale, "merge", "--no-edit", server_branch).returncode != 0
    git(stale, "checkout", "--ours", "--", ".")
    git(stale, "add", "-A")
    git(stale, "commit", "-q", "--no-edit")
    pushed = _run(stale, "push", "origin", f"HEAD:{_branch(root)}")
    assert pushed.returncode != 0
    assert "mokoord: this clone still holds the history from before erasure" in pushed.stderr
    forced = _run(stale, "push", "--force", "origin", f"HEAD:{_branch(root)}")
    assert forced.returncode != 0
    assert "mokoord: this clone still holds the history from before erasure" in forced.stderr
    assert "mokoord privacy catch-up" in forced.stderr
    assert git(bare, "rev-parse", _branch(root)).strip() == erased_tip
    prune(bare)
    assert found_anywhere(bare) == []

    # without the hook, the same push brings the person back: what the guard prevents
    (_hooks(stale) / "pre-push").unlink()
    unguarded = _run(stale, "push", "--force", "origin", f"HEAD:{_branch(root)}")
    assert unguarded.returncode == 0, unguarded.stderr
    assert f"object: {NAME.encode()!r}" in found_anywhere(bare)


def test_a_plain_git_clone_gets_the_guard_from_its_first_command_once(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ids = office
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "-q", str(root), str(plain))
    assert not (_hooks(plain) / "pre-push").exists()
    first = Cli(plain)("--lang", "de", "list")
    assert first.exit_code == 0, first.output
    assert "Pushes, die gelöschte personenbezogene Daten zurückbrächten" in first.stderr
    written = {name: (_hooks(plain) / name).read_bytes() for name in CLONE_HOOKS}
    assert all(HOOK_MARK.encode() in text for text in written.values())
    again = Cli(plain)("list")
    assert "set up" not in again.stderr
    synced = Cli(plain)("sync", "--dry-run")  # sync sets a clone up fully: nothing left to do
    assert GUARD_LINE not in synced.stderr
    assert {name: (_hooks(plain) / name).read_bytes() for name in CLONE_HOOKS} == written


def test_a_new_store_has_the_guard(tmp_path: Path) -> None:
    made = Cli(None)("init", str(tmp_path / "store"))
    assert made.exit_code == 0, made.output
    assert GUARD_LINE in made.stderr
    for name in CLONE_HOOKS:
        assert HOOK_MARK in (_hooks(tmp_path / "store") / name).read_text(encoding="utf-8")
    assert "set up" not in Cli(tmp_path / "store")("list").stderr


OWN_HOOK = """#!/bin/sh
# the user's own pre-push hook: keeps what git hands it, refuses when asked to
echo "$1 $2" > "{log}"
cat >> "{log}"
test ! -e "{refuse}"
"""


def test_a_users_own_hook_is_chained_and_still_decides(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ids = office
    server = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(server))
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "-q", str(server), str(plain))
    log, refuse = tmp_path / "own-hook.log", tmp_path / "refuse"
    own = _hooks(plain) / "pre-push"
    own.write_text(OWN_HOOK.format(log=log, refuse=refuse), encoding="utf-8")
    own.chmod(0o755)

    first = Cli(plain)("list")
    assert first.exit_code == 0, first.output
    assert "warning: your own git hook pre-push runs after the check" in " ".join(
        first.stderr.split()
    )
    chained = _hooks(plain) / f"pre-push{CHAINED}"
    assert chained.read_text(encoding="utf-8") == OWN_HOOK.format(log=log, refuse=refuse)
    assert chained.stat().st_mode & 0o111
    assert HOOK_MARK in own.read_text(encoding="utf-8")
    assert "warning" not in Cli(plain)("list").stderr  # said once

    (plain / "notiz.txt").write_text("neu\n", encoding="utf-8")
    git(plain, "add", "notiz.txt")
    git(plain, "commit", "-qm", "Notiz")
    head = git(plain, "rev-parse", "HEAD").strip()
    refuse.touch()
    refused = _run(plain, "push", "origin", "HEAD")
    assert refused.returncode != 0  # the user's hook still decides
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"origin {server}"
    assert lines[1].split()[1] == head  # it got git's ref lines on its standard input
    refuse.unlink()
    assert _run(plain, "push", "origin", "HEAD").returncode == 0


def test_hooks_that_git_runs_from_elsewhere_are_left_alone_and_named(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ids = office
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "-q", str(root), str(plain))
    git(plain, "config", "core.hooksPath", ".githooks")
    first = Cli(plain)("list")
    assert first.exit_code == 0, first.output
    said = " ".join(first.stderr.split())
    assert "git runs this repository's hooks from" in said
    assert "(core.hooksPath), so the check for erased data is not active" in said
    assert not (plain / ".githooks").exists()  # mokoord never writes there
    assert "core.hooksPath" not in Cli(plain)("list").stderr  # said once


def test_without_mokoord_the_hook_refuses_rather_than_let_anything_through(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The Python the hook names is gone and no Python on PATH has mokoord: the push is
    refused with a message, not let through unchecked."""
    root, _ids = office
    server = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(server))
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "-q", str(server), str(plain))
    assert Cli(plain)("list").exit_code == 0
    hook = _hooks(plain) / "pre-push"
    python = hook.read_text(encoding="utf-8").split('for python in "', 1)[1].split('"', 1)[0]
    hook.write_text(hook.read_text(encoding="utf-8").replace(python, "/gone/python"))
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    for name in ("python3", "python"):  # Pythons without mokoord, as the hook sees them
        fake = bin_folder / name
        fake.write_text("#!/bin/sh\nexit 99\n", encoding="utf-8")
        fake.chmod(0o755)
    (plain / "notiz.txt").write_text("neu\n", encoding="utf-8")
    git(plain, "add", "notiz.txt")
    git(plain, "commit", "-qm", "Notiz")
    pushed = subprocess.run(
        ["git", "push", "origin", "HEAD"],
        cwd=plain,
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_folder}:/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert pushed.returncode != 0
    assert "mokoord is needed to check this against the erasure log" in pushed.stderr
