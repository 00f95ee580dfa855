"""How a change is committed: with git's plumbing when that makes the commit
``git commit`` would make, with ``git commit`` whenever it would do more."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import git_status
from mokoord import gitops
from mokoord.errors import GitError
from mokoord.models import Organisation, Person
from mokoord.newstore import init_store
from mokoord.store import Change, Store


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def _add_org(store: Store, org_id: str, message: str | None = None) -> Change:
    with Change(store, message or f"add-org {org_id}") as change:
        change.create(Organisation(id=org_id, name=org_id.title()))
    return change


@pytest.fixture
def git_commands(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git subcommands mokoord runs, in order (``-c name=value`` left out)."""
    seen: list[str] = []
    real = gitops.git

    def spy(args: Sequence[str], cwd: Path, **kwargs: Any) -> Any:
        rest = list(args)
        while rest and rest[0] == "-c":
            rest = rest[2:]
        seen.append(rest[0])
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(gitops, "git", spy)
    return seen


def _hook(folder: Path, name: str, body: str, *, executable: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755 if executable else 0o644)


# --------------------------------------------------------------------------- the plumbing


def test_plain_commit_is_what_git_commit_makes(store: Store, git_commands: list[str]) -> None:
    branch = _git(store.root, "symbolic-ref", "HEAD").strip()
    before = _git(store.root, "rev-parse", "HEAD").strip()
    change = _add_org(store, "kulturverein")
    assert "commit-tree" in git_commands
    assert "commit" not in git_commands
    head = _git(store.root, "rev-parse", "HEAD").strip()
    assert change.commit_id == head
    # the branch moved, HEAD still names it
    assert _git(store.root, "symbolic-ref", "HEAD").strip() == branch
    assert _git(store.root, "rev-parse", branch).strip() == head
    assert _git(store.root, "rev-parse", "HEAD^").strip() == before
    shown = _git(store.root, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B")
    person = "Test Koordination <koordination@example.org>"
    assert shown == f"{person}|{person}|add-org kulturverein\n\n"
    assert _git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "organisations/kulturverein.yaml"
    ]
    for ref in ("HEAD", branch):
        assert _git(store.root, "reflog", "-1", "--format=%gs", ref).strip() == (
            "commit: add-org kulturverein"
        )
    assert git_status(store.root) == ""
    assert _git(store.root, "diff-index", "--cached", "HEAD") == ""


def test_unchanged_files_make_no_commit(store: Store) -> None:
    _add_org(store, "kulturverein")
    head = _git(store.root, "rev-parse", "HEAD")
    path = store.root / "organisations" / "kulturverein.yaml"
    with Change(store, "rewrite") as change:
        change.write_bytes(path, path.read_bytes() + b"# a comment\n")
        change.write_bytes(path, path.read_bytes()[: -len(b"# a comment\n")])
    assert change.commit_id is None
    assert _git(store.root, "rev-parse", "HEAD") == head
    assert git_status(store.root) == ""


def test_deleting_and_renaming_commit_with_plumbing(store: Store, git_commands: list[str]) -> None:
    _add_org(store, "alt")
    _add_org(store, "weg")
    old = store.get(Organisation, "alt")
    with Change(store, "rename alt neu") as change:
        change.save(Organisation.model_validate({"id": "neu", "name": old.name}), previous=old)
        change.delete(store.get(Organisation, "weg"))
    assert "commit" not in git_commands
    assert sorted(
        _git(store.root, "show", "--no-renames", "--name-status", "--format=", "HEAD").splitlines()
    ) == [
        "A\torganisations/neu.yaml",
        "D\torganisations/alt.yaml",
        "D\torganisations/weg.yaml",
    ]
    assert git_status(store.root) == ""


def test_a_store_in_a_subfolder_of_the_repository(tmp_path: Path, git_commands: list[str]) -> None:
    repo = tmp_path / "verwaltung"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README").write_text("Unterlagen\n", encoding="utf-8")
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "start")
    root, _ = init_store(repo / "daten" / "mokoord")
    store = Store(root)
    git_commands.clear()
    change = _add_org(store, "kulturverein")
    assert "commit-tree" in git_commands
    assert "commit" not in git_commands
    assert change.commit_id == _git(repo, "rev-parse", "HEAD").strip()
    assert _git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "daten/mokoord/organisations/kulturverein.yaml"
    ]
    assert git_status(repo) == ""


def test_the_commit_is_made_from_heads_trees(store: Store, git_commands: list[str]) -> None:
    """Only the folders of the changed files are written again; the index is read and
    written once (no write-tree), and it ends up holding exactly the commit."""
    _add_org(store, "alt")
    git_commands.clear()
    with Change(store, "add-org neu, edit alt") as change:
        change.create(Organisation(id="neu", name="Neu"))
        old = store.get(Organisation, "alt")
        change.save(Organisation.model_validate({"id": "alt", "name": "Anders"}), previous=old)
    assert "mktree" in git_commands
    assert "write-tree" not in git_commands
    assert "commit" not in git_commands
    # the same tree git makes from the index
    assert (
        _git(store.root, "write-tree").strip()
        == _git(store.root, "rev-parse", "HEAD^{tree}").strip()
    )
    assert sorted(_git(store.root, "show", "--name-status", "--format=", "HEAD").splitlines()) == [
        "A\torganisations/neu.yaml",
        "M\torganisations/alt.yaml",
    ]
    assert change.commit_id == _git(store.root, "rev-parse", "HEAD").strip()
    assert git_status(store.root) == ""
    assert _git(store.root, "fsck", "--no-progress", "--strict") == ""


def test_other_staged_work_stays_staged_and_out_of_the_commit(
    store: Store, git_commands: list[str]
) -> None:
    (store.root / "notes.txt").write_text("half done\n", encoding="utf-8")
    _git(store.root, "add", "notes.txt")
    git_commands.clear()
    _add_org(store, "kulturverein")
    assert "commit" not in git_commands
    assert _git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "organisations/kulturverein.yaml"
    ]
    assert git_status(store.root) == "A  notes.txt\n"


def test_a_file_in_a_folder_head_lacks_is_committed_too(
    store: Store, git_commands: list[str]
) -> None:
    """The first contact of a year makes its folder: the trees come from the index."""
    from mokoord.models import Contact

    contact = Contact.model_validate(
        {
            "id": "2031-05-04-ab12",
            "date": "2031-05-04",
            "organisations": ["x"],
            "channel": "phone",
            "summary": "Termin",
            "planned": True,
        }
    )
    git_commands.clear()
    with Change(store, "add-contact") as change:
        change.create(contact)
    assert "write-tree" in git_commands
    assert _git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "contacts/2031/2031-05-04-ab12.yaml"
    ]
    assert git_status(store.root) == ""


def test_an_executable_file_keeps_its_mode(store: Store) -> None:
    _add_org(store, "kulturverein")
    path = store.root / "organisations" / "kulturverein.yaml"
    path.chmod(0o755)
    _git(store.root, "commit", "-q", "-am", "executable by mistake")
    old = store.get(Organisation, "kulturverein")
    with Change(store, "edit") as change:
        change.save(Organisation.model_validate({"id": old.id, "name": "Neu"}), previous=old)
    mode = _git(store.root, "ls-tree", "HEAD", "organisations/kulturverein.yaml").split()[0]
    assert mode == ("100755" if path.stat().st_mode & 0o111 else "100644")
    assert git_status(store.root) == ""


def test_staged_own_file_is_no_obstacle(store: Store, git_commands: list[str]) -> None:
    _add_org(store, "kulturverein")
    path = store.root / "organisations" / "kulturverein.yaml"
    path.write_text("id: kulturverein\nname: Von Hand\n", encoding="utf-8")
    _git(store.root, "add", "organisations/kulturverein.yaml")
    git_commands.clear()
    old = store.get(Organisation, "kulturverein")
    with Change(store, "edit kulturverein") as change:
        change.save(Organisation.model_validate({"id": old.id, "name": "Neu"}), previous=old)
    assert "commit" not in git_commands
    assert "name: Neu" in _git(store.root, "show", "HEAD:organisations/kulturverein.yaml")
    assert git_status(store.root) == ""


def test_message_is_cleaned_up_as_git_commit_does(store: Store) -> None:
    message = "\n\n  add-org a  \n\n\n\nmore\t \n\n"
    _add_org(store, "a", message)
    plumbing = _git(store.root, "cat-file", "commit", "HEAD").split("\n\n", 1)[1]
    (store.root / "notes.txt").write_text("x\n", encoding="utf-8")
    _git(store.root, "add", "notes.txt")
    _git(store.root, "commit", "-q", "-m", message)
    porcelain = _git(store.root, "cat-file", "commit", "HEAD").split("\n\n", 1)[1]
    assert plumbing == porcelain == "  add-org a\n\nmore\n"


def test_a_file_git_ignores_is_refused(store: Store) -> None:
    (store.root / ".gitignore").write_text(".mokoord/\npersons/\n", encoding="utf-8")
    _git(store.root, "commit", "-q", "-am", "keep persons out of git")
    with (
        pytest.raises(GitError, match="ignored"),
        Change(store, "add-person") as change,
    ):
        change.create(Person(id="p-4k2m9x", name="Ayşe Yılmaz"))
    assert not (store.root / "persons" / "p-4k2m9x.yaml").exists()
    assert "persons/p-4k2m9x.yaml" not in _git(store.root, "ls-files")
    assert git_status(store.root) == ""


def test_a_commit_that_came_first_is_built_upon(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone commits between mokoord reading HEAD and moving it: nothing is lost."""
    real = gitops.git
    seen: list[str] = []

    def commit_meanwhile(args: Sequence[str], cwd: Path, **kwargs: Any) -> Any:
        seen.append(args[0])
        if args[0] == "update-ref" and not (store.root / "notes.txt").exists():
            (store.root / "notes.txt").write_text("x\n", encoding="utf-8")
            _git(store.root, "add", "notes.txt")
            _git(store.root, "commit", "-q", "-m", "notes", "--", "notes.txt")
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(gitops, "git", commit_meanwhile)
    change = _add_org(store, "kulturverein")
    assert seen.index("update-ref") < seen.index("commit")  # git commit took over
    assert change.commit_id == _git(store.root, "rev-parse", "HEAD").strip()
    assert _git(store.root, "log", "-2", "--format=%s").splitlines() == [
        "add-org kulturverein",
        "notes",
    ]
    assert _git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "organisations/kulturverein.yaml"
    ]
    assert git_status(store.root) == ""


def test_failed_plumbing_commit_restores_files_and_index(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitops, "_LOCK_RETRIES", 2)
    head = _git(store.root, "rev-parse", "HEAD")
    branch = _git(store.root, "symbolic-ref", "HEAD").strip()
    lock = store.root / ".git" / f"{branch}.lock"
    lock.write_text("", encoding="utf-8")  # another git holds the branch
    with pytest.raises(GitError, match=r"the git repository is locked: .*heads/.*\.lock exists"):
        _add_org(store, "kulturverein")
    lock.unlink()
    assert not (store.root / "organisations" / "kulturverein.yaml").exists()
    assert _git(store.root, "rev-parse", "HEAD") == head
    assert git_status(store.root) == ""


# --------------------------------------------------------------------------- git commit


def test_commit_hooks_run(store: Store, git_commands: list[str]) -> None:
    hooks = store.root / ".git" / "hooks"
    for name in ("pre-commit", "commit-msg", "post-commit"):
        _hook(hooks, name, f"echo {name} >> '{store.root / '.git' / 'ran'}'")
    change = _add_org(store, "kulturverein")
    assert "commit" in git_commands
    assert "commit-tree" not in git_commands
    ran = (store.root / ".git" / "ran").read_text(encoding="utf-8").split()
    assert ran == ["pre-commit", "commit-msg", "post-commit"]
    assert change.commit_id == _git(store.root, "rev-parse", "HEAD").strip()
    assert git_status(store.root) == ""


def test_hooks_path_is_honoured(store: Store, git_commands: list[str]) -> None:
    _git(store.root, "config", "core.hooksPath", "githooks")
    _hook(store.root / "githooks", "commit-msg", "echo '[geprüft]' >> \"$1\"")
    _git(store.root, "add", "githooks")
    _git(store.root, "commit", "-q", "-m", "hooks")
    _add_org(store, "kulturverein")
    assert "commit" in git_commands
    assert _git(store.root, "log", "-1", "--format=%B").split() == [
        "add-org",
        "kulturverein",
        "[geprüft]",
    ]


def test_a_hook_that_is_not_executable_does_not_count(
    store: Store, git_commands: list[str]
) -> None:
    _hook(store.root / ".git" / "hooks", "pre-commit", "exit 1", executable=False)
    _add_org(store, "kulturverein")
    assert "commit-tree" in git_commands  # git would ignore the hook as well


def test_signed_commits_are_made_by_git_commit(
    store: Store, tmp_path: Path, git_commands: list[str]
) -> None:
    gpg = tmp_path / "fake-gpg"
    gpg.write_text(
        "#!/bin/sh\ncat > /dev/null\necho '[GNUPG:] SIG_CREATED ' >&2\n"
        "printf -- '-----BEGIN PGP SIGNATURE-----\\nfake\\n-----END PGP SIGNATURE-----\\n'\n",
        encoding="utf-8",
    )
    gpg.chmod(0o755)
    _git(store.root, "config", "gpg.program", str(gpg))
    _git(store.root, "config", "commit.gpgSign", "true")
    _add_org(store, "kulturverein")
    assert "commit" in git_commands
    assert "gpgsig -----BEGIN PGP SIGNATURE-----" in _git(store.root, "cat-file", "commit", "HEAD")


def test_a_change_during_an_unfinished_merge_is_refused_with_the_next_step(store: Store) -> None:
    """A write would otherwise slip into the merge commit (or fail with git's
    "cannot do a partial commit during a merge"): mokoord says what is going on."""
    branch = _git(store.root, "symbolic-ref", "--short", "HEAD").strip()
    _git(store.root, "checkout", "-q", "-b", "laptop")
    _git(store.root, "commit", "-q", "--allow-empty", "-m", "from the laptop")
    _git(store.root, "checkout", "-q", branch)
    _git(store.root, "commit", "-q", "--allow-empty", "-m", "in the office")
    _git(store.root, "merge", "-q", "--no-ff", "--no-commit", "laptop")
    head = _git(store.root, "rev-parse", "HEAD")
    with pytest.raises(GitError) as refused:
        _add_org(store, "kulturverein")
    assert "a merge is not finished" in refused.value.message
    assert refused.value.hint is not None
    assert "mokoord sync --continue" in refused.value.hint
    assert not (store.root / "organisations" / "kulturverein.yaml").exists()
    assert (store.root / ".git" / "MERGE_HEAD").exists()
    assert _git(store.root, "rev-parse", "HEAD") == head


def test_first_commit_of_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "s"
    root.mkdir()
    _git(root, "init", "-q")
    init_store(root)
    assert len(_git(root, "log", "--oneline").splitlines()) == 1
    assert git_status(root) == ""


def _stripspace(text: str) -> str:
    return subprocess.run(
        ["git", "stripspace"], input=text, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    "message",
    ["one line", "  indented  ", "\n\na\n\n\n\nb  \n\n", "a\r\nb\t\n", "", " \n \n", "x\n\n"],
)
def test_clean_message_agrees_with_git(message: str) -> None:
    expected = _stripspace(message)
    cleaned: Callable[[str], str] = gitops._clean_message
    assert cleaned(message) + ("\n" if cleaned(message) else "") == expected
