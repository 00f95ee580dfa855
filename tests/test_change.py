"""``Change``: atomic writes, exactly one commit with exactly its files, restore on failure."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import git_log, git_status
from mokoord import store as store_module
from mokoord.dataset import plain
from mokoord.errors import GitError, MokoordError
from mokoord.models import Organisation
from mokoord.newstore import init_store
from mokoord.store import Change, Store


def org(org_id: str, name: str | None = None) -> Organisation:
    return Organisation(id=org_id, name=name or org_id.title())


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def _files_of(root: Path, commit: str = "HEAD") -> list[str]:
    return sorted(_git(root, "show", "--no-renames", "--name-only", "--format=", commit).split())


def test_one_commit_with_exactly_its_files(store: Store) -> None:
    before = len(git_log(store.root, "--oneline").splitlines())
    with Change(store, "add-org kulturverein") as change:
        change.create(org("kulturverein"))
        change.create(org("sportverein"))
    assert change.commit_id is not None
    assert len(git_log(store.root, "--oneline").splitlines()) == before + 1
    assert _git(store.root, "log", "-1", "--format=%s").strip() == "add-org kulturverein"
    assert _files_of(store.root) == [
        "organisations/kulturverein.yaml",
        "organisations/sportverein.yaml",
    ]
    assert git_status(store.root) == ""


def test_foreign_changes_stay_out_of_the_commit(store: Store) -> None:
    with Change(store, "add-org a") as change:
        change.create(org("a"))
        change.create(org("b"))
    # someone staged one edit and left another unstaged, by hand
    (store.root / "organisations" / "a.yaml").write_text("id: a\nname: Staged\n", encoding="utf-8")
    _git(store.root, "add", "organisations/a.yaml")
    (store.root / "organisations" / "b.yaml").write_text(
        "id: b\nname: Unstaged\n", encoding="utf-8"
    )
    (store.root / "notes.txt").write_text("untracked\n", encoding="utf-8")
    with Change(store, "add-org c") as change:
        change.create(org("c"))
    assert _files_of(store.root) == ["organisations/c.yaml"]
    assert sorted(git_status(store.root).splitlines()) == [
        " M organisations/b.yaml",
        "?? notes.txt",
        "M  organisations/a.yaml",
    ]


def test_editing_a_record_commits_only_that_file(store: Store) -> None:
    with Change(store, "add") as change:
        change.create(org("a", "Alt"))
    with Change(store, "edit a") as change:
        old = store.get(Organisation, "a")
        change.save(Organisation.model_validate({**plain(old), "name": "Neu"}), previous=old)
    assert _files_of(store.root) == ["organisations/a.yaml"]
    assert store.get(Organisation, "a").name == "Neu"


def test_renaming_moves_the_file_in_one_commit(store: Store) -> None:
    with Change(store, "add") as change:
        change.create(org("alt"))
    old = store.get(Organisation, "alt")
    with Change(store, "rename alt neu") as change:
        change.save(Organisation.model_validate({**plain(old), "id": "neu"}), previous=old)
    assert _files_of(store.root) == ["organisations/alt.yaml", "organisations/neu.yaml"]
    assert not (store.root / "organisations" / "alt.yaml").exists()
    assert git_status(store.root) == ""


def test_moving_onto_an_existing_file_is_refused(store: Store) -> None:
    with Change(store, "add") as change:
        change.create(org("alt"))
        change.create(org("neu"))
    old = store.get(Organisation, "alt")
    with pytest.raises(MokoordError, match="exists already"), Change(store, "rename") as change:
        change.save(Organisation.model_validate({**plain(old), "id": "neu"}), previous=old)
    assert store.get(Organisation, "neu").name == "Neu"
    assert store.get(Organisation, "alt").name == "Alt"


def test_create_refuses_a_taken_id(store: Store) -> None:
    with Change(store, "add") as change:
        change.create(org("a"))
    with (
        pytest.raises(MokoordError, match="an organisation with id 'a' exists already"),
        Change(store, "add") as change,
    ):
        change.create(org("a", "Other"))
    assert store.get(Organisation, "a").name == "A"


def test_failure_inside_restores_every_file(store: Store) -> None:
    with Change(store, "add") as change:
        change.create(org("a", "Original"))
    head = _git(store.root, "rev-parse", "HEAD")
    path_a = store.root / "organisations" / "a.yaml"
    before = path_a.read_bytes()

    def broken_command() -> None:
        with Change(store, "broken") as change:
            old = store.get(Organisation, "a")
            new = Organisation.model_validate({**plain(old), "name": "Changed"})
            change.save(new, previous=old)
            change.create(org("b"))
            raise RuntimeError("something went wrong after writing")

    with pytest.raises(RuntimeError):
        broken_command()
    assert path_a.read_bytes() == before
    assert not (store.root / "organisations" / "b.yaml").exists()
    assert _git(store.root, "rev-parse", "HEAD") == head
    assert git_status(store.root) == ""


def test_failed_commit_restores_files_and_index(store: Store) -> None:
    hook = store.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    with pytest.raises(GitError, match="hook says no"), Change(store, "add") as change:
        change.create(org("a"))
    assert not (store.root / "organisations" / "a.yaml").exists()
    assert git_status(store.root) == ""


def test_refuses_outside_git_unless_told(tmp_path: Path) -> None:
    root, _ = init_store(tmp_path / "s", commit=False)
    store = Store(root)
    with pytest.raises(GitError) as info, Change(store, "add") as change:
        change.create(org("a"))
    assert "not in a git repository" in info.value.message
    assert "--no-commit" in (info.value.hint or "")
    assert not (root / "organisations" / "a.yaml").exists()
    with Change(store, "add", commit=False) as change:
        change.create(org("a"))
    assert change.commit_id is None
    assert store.get(Organisation, "a").name == "A"


def test_no_commit_leaves_the_change_uncommitted(store: Store) -> None:
    head = _git(store.root, "rev-parse", "HEAD")
    with Change(store, "add", commit=False) as change:
        change.create(org("a"))
    assert _git(store.root, "rev-parse", "HEAD") == head
    assert git_status(store.root) == "?? organisations/a.yaml\n"


def test_lock_held_too_long_is_a_clear_error(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.2)
    lock = FileLock(str(store.root / ".git" / "mokoord.lock"))
    with (
        lock,
        pytest.raises(MokoordError, match="another mokoord command"),
        Change(store, "add") as change,
    ):
        change.create(org("a"))
    assert not (store.root / "organisations" / "a.yaml").exists()


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mokoord.models import Organisation
    from mokoord.store import Change, Store

    store = Store(Path(sys.argv[1]))
    org_id = sys.argv[2]
    with Change(store, f"add-org {org_id}") as change:
        change.create(Organisation(id=org_id, name=org_id))
    print(change.commit_id)
    """
)


def test_concurrent_processes_each_make_their_own_commit(store: Store) -> None:
    ids = ["verein-a", "verein-b", "verein-c", "verein-d"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store.root), org_id],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for org_id in ids
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert len(out.strip()) == 40
    subjects = git_log(store.root, "--format=%s").splitlines()
    assert sorted(subjects[:4]) == [f"add-org {org_id}" for org_id in ids]
    for i in range(4):
        commit = f"HEAD~{i}"
        subject = _git(store.root, "log", "-1", "--format=%s", commit).strip()
        assert _files_of(store.root, commit) == [f"organisations/{subject.split()[1]}.yaml"]
    assert git_status(store.root) == ""


def test_two_clones_adding_records_merge_without_conflict(store: Store, tmp_path: Path) -> None:
    import datetime as dt

    from mokoord.checks import check_store
    from mokoord.models import Contact, Event
    from mokoord.slugs import random_suffix

    with Change(store, "add-org elternverein") as change:
        change.create(org("elternverein"))
    clones = []
    for name in ("laptop-a", "laptop-b"):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(store.root), str(clone)], check=True)
        clones.append(Store(clone))
    for clone in clones:  # both log a contact on the same day and the same event title
        day = dt.date(2023, 3, 14)
        contact = Contact(
            id=f"{day.isoformat()}-{random_suffix()}",
            date=day,
            organisations=["elternverein"],
            channel="phone",
            summary="Telefonat",
        )
        event = Event(
            id=f"{day.isoformat()}-infoabend-{random_suffix()}",
            kind="info",
            title="Infoabend",
            date=day,
        )
        with Change(clone, f"add-contact {contact.id}") as change:
            change.create(contact)
            change.create(event)
    a, b = clones
    merged = subprocess.run(
        ["git", "pull", "-q", "--no-rebase", "--no-edit", str(b.root), "HEAD"],
        cwd=a.root,
        capture_output=True,
        text=True,
    )
    assert merged.returncode == 0, merged.stderr
    assert git_status(a.root) == ""
    assert len(a.load().contacts) == 2
    assert len(a.load().events) == 2
    assert [p for p in check_store(a, today=dt.date(2023, 3, 15)) if p.severity == "error"] == []
