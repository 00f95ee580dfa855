"""``mokoord init``: a new, valid store in its own git repository (or an existing one)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, git_log, git_status
from mokoord.dataset import KINDS
from mokoord.store import Store


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_init_makes_a_valid_store_with_one_commit(tmp_path: Path) -> None:
    cli = Cli(None)
    target = tmp_path / "register"
    result = cli("init", str(target), "--city", "Mainz")
    assert result.exit_code == 0, result.output
    assert "new store in" in result.stderr
    assert (target / "mokoord.yaml").is_file()
    assert ".mokoord/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    for spec in KINDS.values():
        assert (target / spec.folder).is_dir()
    assert len(git_log(target, "--oneline").splitlines()) == 1
    assert git_status(target) == ""
    tracked = _git(target, "ls-files").split()
    assert "mokoord.yaml" in tracked
    assert ".gitignore" in tracked
    assert Store(target).config.city == "Mainz"
    check = Cli(target)("check", "--strict")
    assert check.exit_code == 0, check.output


def test_cache_folder_is_ignored(tmp_path: Path) -> None:
    Cli(None)("init", str(tmp_path / "s"))
    cache = tmp_path / "s" / ".mokoord"
    cache.mkdir()
    (cache / "index.json").write_text("{}", encoding="utf-8")
    assert git_status(tmp_path / "s") == ""


def test_init_without_commit_makes_no_repository(tmp_path: Path) -> None:
    result = Cli(None)("init", str(tmp_path / "s"), "--no-commit")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "s" / ".git").exists()
    assert Cli(tmp_path / "s")("check").exit_code == 0


@pytest.mark.parametrize("prepare", ["file-inside", "existing-store"])
def test_init_refuses_a_used_folder(tmp_path: Path, prepare: str) -> None:
    target = tmp_path / "s"
    if prepare == "file-inside":
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    else:
        assert Cli(None)("init", str(target)).exit_code == 0
    before = sorted(p.name for p in target.iterdir())
    result = Cli(None)("init", str(target))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = "holds a mokoord store already" if prepare == "existing-store" else "is not empty"
    assert f"error: {target} {message}" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == before


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "s"
    target.write_text("x", encoding="utf-8")
    result = Cli(None)("init", str(target))
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr


def test_init_inside_an_existing_repository_commits_there(tmp_path: Path) -> None:
    repo = tmp_path / "office"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README.txt").write_text("office files\n", encoding="utf-8")
    _git(repo, "add", "README.txt")
    _git(repo, "commit", "-qm", "start")
    (repo / "staged.txt").write_text("staged, not mine\n", encoding="utf-8")
    _git(repo, "add", "staged.txt")
    result = Cli(None)("init", str(repo / "register"))
    assert result.exit_code == 0, result.output
    assert not (repo / "register" / ".git").exists()
    assert len(git_log(repo, "--oneline").splitlines()) == 2
    files = _git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "register/mokoord.yaml" in files
    assert all(name.startswith("register/") for name in files)
    assert _git(repo, "status", "--porcelain").splitlines() == ["A  staged.txt"]


def test_init_in_an_empty_git_repository(tmp_path: Path) -> None:
    target = tmp_path / "s"
    target.mkdir()
    _git(target, "init", "-q")
    result = Cli(None)("init", str(target))
    assert result.exit_code == 0, result.output
    assert len(git_log(target, "--oneline").splitlines()) == 1
    assert git_status(target) == ""


def test_init_without_a_git_identity_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name)
    target = tmp_path / "new" / "s"
    result = Cli(None)("init", str(target))
    assert result.exit_code == 1
    assert "git does not know who you are" in result.stderr
    assert "hint:" in result.stderr
    assert not (tmp_path / "new").exists()  # nothing half-made to trip over next time


def test_init_in_a_real_process(tmp_path: Path, mokoord_process: Any) -> None:
    result = mokoord_process("init", "store", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    again = mokoord_process("init", "store", cwd=tmp_path)
    assert again.returncode == 2
    assert "Traceback" not in again.stderr
    assert "holds a mokoord store already" in again.stderr


def test_another_city_starts_with_an_empty_district_list(tmp_path: Path) -> None:
    target = tmp_path / "mainz"
    result = Cli(None)("init", str(target), "--city", "Mainz")
    assert result.exit_code == 0, result.output
    assert "the district list is empty; add the districts of Mainz" in result.stderr
    config = Store(target).config
    assert config.vocabularies.districts == {}
    assert config.vocabularies.fields  # the other vocabularies are the defaults
    text = (target / "mokoord.yaml").read_text(encoding="utf-8")
    assert "# The districts of Mainz: replace {} by one line per district" in text
    assert "  districts: {}\n" in text
    assert "biebrich" not in text
    cli = Cli(target)
    refused = cli("add-org", "--name", "Verein Mainz", "--district", "mitte")
    assert refused.exit_code == 2
    assert "'mitte' is not declared in vocabularies.districts" in refused.output
    # filled in as the note says, the district is taken
    (target / "mokoord.yaml").write_text(
        text.replace("  districts: {}\n", "  districts:\n    mitte: {de: Mitte, en: Centre}\n"),
        encoding="utf-8",
    )
    assert cli("add-org", "--name", "Verein Mainz", "--district", "mitte").exit_code == 0
    assert cli("check", "--strict").exit_code == 0


@pytest.mark.parametrize("city", [None, "Wiesbaden", "wiesbaden"])
def test_wiesbaden_keeps_its_districts(tmp_path: Path, city: str | None) -> None:
    target = tmp_path / "wiesbaden"
    result = Cli(None)("init", str(target), *(["--city", city] if city else []))
    assert result.exit_code == 0, result.output
    assert "district list is empty" not in result.stderr
    assert len(Store(target).config.vocabularies.districts) == 26


def test_init_speaks_german(tmp_path: Path) -> None:
    result = Cli(None)("--lang", "de", "init", str(tmp_path / "register"), "--city", "Mainz")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "Neuer Datenbestand in" in said
    assert "(Commit " in said
    assert "Als Nächstes: die Vokabulare in" in said
    assert "Hinweis: Die Liste der Ortsbezirke ist leer" in said
    assert "new store" not in said
