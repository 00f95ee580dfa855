"""Finding the store, loading it, reading single records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord.errors import InvalidData, NotFound, StoreNotFound
from mokoord.models import Contact, Organisation
from mokoord.newstore import init_store
from mokoord.store import Store, find_store_root

ORG = "id: elternverein\nname: Elternverein\n"


def _store(path: Path) -> Path:
    root, _ = init_store(path, commit=False)
    return root


def test_data_option_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _store(tmp_path / "a"), _store(tmp_path / "b")
    monkeypatch.setenv("MOKOORD_DATA", str(b))
    monkeypatch.chdir(b)
    assert find_store_root(a) == a
    assert find_store_root(Path("../a")) == a  # relative to the current folder
    assert find_store_root(a / "mokoord.yaml") == a  # the config file itself is fine too


def test_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _store(tmp_path / "a"), _store(tmp_path / "b")
    monkeypatch.setenv("MOKOORD_DATA", str(b))
    monkeypatch.chdir(a)
    assert find_store_root() == b


def test_nearest_store_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = _store(tmp_path / "outer")
    deep = outer / "organisations" / "sub" / "deeper"
    deep.mkdir(parents=True)
    (tmp_path / "outer" / "data").mkdir()
    monkeypatch.chdir(deep)
    assert find_store_root() == outer


def test_data_folder_of_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _store(tmp_path / "project" / "data")
    monkeypatch.chdir(tmp_path / "project")
    assert find_store_root() == data


def test_no_store_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreNotFound) as info:
        find_store_root()
    assert "mokoord init" in (info.value.hint or "")


def test_cli_without_store_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = Cli(None)("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error: no mokoord store found here" in result.stderr
    assert "hint: create one with `mokoord init PATH`" in result.stderr
    assert "--data" in result.stderr
    assert "MOKOORD_DATA" in result.stderr


def test_cli_with_wrong_data_option(tmp_path: Path) -> None:
    result = Cli(tmp_path / "nowhere")("check")
    assert result.exit_code == 1
    assert "--data names" in result.stderr
    assert "mokoord.yaml is missing" in result.stderr
    assert "mokoord init" in result.stderr


def test_cli_with_wrong_environment_variable(tmp_path: Path) -> None:
    result = Cli(None)("check", env={"MOKOORD_DATA": str(tmp_path / "nowhere")})
    assert result.exit_code == 1
    assert "$MOKOORD_DATA names" in result.stderr


def test_cli_finds_the_store_from_a_subfolder(tmp_path: Path, mokoord_process: Any) -> None:
    root = _store(tmp_path / "s")
    result = mokoord_process("check", cwd=root / "organisations")
    assert result.returncode == 0, result.stderr
    assert str(root) in result.stderr
    env_run = mokoord_process("check", cwd=tmp_path, env={"MOKOORD_DATA": str(root)})
    assert env_run.returncode == 0, env_run.stderr
    nowhere = mokoord_process("check", cwd=tmp_path)
    assert nowhere.returncode == 1
    assert "no mokoord store found" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr


def test_get_and_load(store: Store, write: Any) -> None:
    write("organisations/elternverein.yaml", ORG)
    write("organisations/broken.yaml", "id: broken\nname: [\n")
    org = store.get(Organisation, "elternverein")
    assert org.name == "Elternverein"
    with pytest.raises(NotFound):
        store.get(Organisation, "nobody")
    with pytest.raises(NotFound):
        store.get(Organisation, "../organisations/elternverein")
    with pytest.raises(InvalidData) as info:
        store.get(Organisation, "broken")
    assert info.value.problems[0].path == "organisations/broken.yaml"
    data = store.load()
    assert list(data.organisations) == ["elternverein"]
    assert data.sources[("organisation", "elternverein")] == "organisations/elternverein.yaml"
    assert [p.code for p in data.problems] == ["yaml-syntax"]


def test_dated_records_are_found_in_any_year_folder(store: Store, write: Any) -> None:
    write(
        "contacts/2022/2023-01-05-abcd.yaml",
        "id: 2023-01-05-abcd\ndate: 2023-01-05\norganisations: [x]\nchannel: phone\nsummary: s\n",
    )
    assert store.get(Contact, "2023-01-05-abcd").date.year == 2023
    assert store.exists("contact", "2023-01-05-abcd")


def test_invalid_config_is_a_clear_error(cli: Any, store: Store) -> None:
    (store.root / "mokoord.yaml").write_text("format: 7\n", encoding="utf-8")
    with pytest.raises(InvalidData):
        store.load()
    result = cli("check")
    assert result.exit_code == 1
    assert "mokoord.yaml:1:9: error invalid-value" in result.stdout
