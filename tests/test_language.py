"""Choosing the language: --lang, else $MOKOORD_LANG, else the store's
``language:``, else German; the report keeps a language of its own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mokoord import i18n
from mokoord.cli import app
from mokoord.cli._app import store_language
from mokoord.errors import StoreNotFound
from mokoord.store import find_store_root

GERMAN = "Aufruf: mokoord"
ENGLISH = "Usage: mokoord"


def _help(*args: str, env: dict[str, str | None] | None = None, cwd: Path | None = None) -> str:
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, [*args, "--help"], env=env, prog_name="mokoord")
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return result.output


def _store(root: Path, language: str | None, comment: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    line = f"language: {language}{comment}\n" if language is not None else ""
    (root / "mokoord.yaml").write_text(
        f"format: 1\ncity: Wiesbaden\n{line}vocabularies:\n  tags: {{}}\n", encoding="utf-8"
    )
    return root


# --------------------------------------------------------------------------- the rule


def test_choose_language_follows_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def asked() -> str:
        raise AssertionError("the store is asked only when nothing else decides")

    assert i18n.choose_language("en", asked) == "en"
    assert i18n.choose_language("Deutsch", asked) == "de"
    monkeypatch.setenv(i18n.ENV_VAR, "de_DE.UTF-8")
    assert i18n.choose_language(None, asked) == "de"
    monkeypatch.delenv(i18n.ENV_VAR)
    assert i18n.choose_language(None, lambda: "en") == "en"
    assert i18n.choose_language(None, lambda: None) == "de"
    assert i18n.choose_language(None, lambda: "fr") == "de"  # the store's problem; check reports it


def test_unknown_languages_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(i18n.UnknownLanguage) as raised:
        i18n.choose_language("fr", lambda: None)
    assert raised.value.source == "--lang"
    monkeypatch.setenv(i18n.ENV_VAR, "klingon")
    with pytest.raises(i18n.UnknownLanguage) as raised:
        i18n.choose_language(None, lambda: None)
    assert (raised.value.source, raised.value.value) == ("$MOKOORD_LANG", "klingon")


# --------------------------------------------------------------------------- the store's language


def test_the_stores_language_is_read_where_the_store_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``store_language`` finds mokoord.yaml exactly as ``find_store_root`` does."""
    english = _store(tmp_path / "english", "en", "   # the office works in English")
    german = _store(tmp_path / "german", "'de'")
    nested = german / "organisations" / "deep"
    nested.mkdir(parents=True)
    _store(tmp_path / "plain" / "data", "en")
    (tmp_path / "nowhere").mkdir()
    cases: list[tuple[str | None, Path, str | None]] = [
        (str(english), tmp_path, "en"),
        (str(english / "mokoord.yaml"), tmp_path, "en"),
        ("english", tmp_path, "en"),
        (None, nested, "de"),
        (None, tmp_path / "plain", "en"),
        (None, tmp_path / "nowhere", None),
        (str(tmp_path / "nowhere"), tmp_path, None),
    ]
    for data, cwd, expected in cases:
        assert store_language(data, cwd) == expected, (data, cwd)
        try:
            root = find_store_root(Path(data) if data else None, cwd=cwd)
        except StoreNotFound:
            assert expected is None
        else:
            assert store_language(str(root), cwd) == expected
    monkeypatch.setenv("MOKOORD_DATA", str(english))
    assert store_language(None, nested) == "en"


def test_a_broken_configuration_is_no_reason_to_fail(tmp_path: Path) -> None:
    (tmp_path / "mokoord.yaml").write_bytes(b"\xff\xfe not yaml: [")
    assert store_language(None, tmp_path) is None
    _store(tmp_path / "unset", None)
    assert store_language(None, tmp_path / "unset") is None
    output = _help("--data", str(tmp_path), env={"MOKOORD_LANG": None})
    assert GERMAN in output


# --------------------------------------------------------------------------- on the command line


def test_german_unless_told_otherwise(tmp_path: Path) -> None:
    assert GERMAN in _help(env={"MOKOORD_LANG": None}, cwd=tmp_path)
    assert GERMAN in _help("add-contact", env={"MOKOORD_LANG": None}, cwd=tmp_path)


def test_lang_option(tmp_path: Path) -> None:
    assert ENGLISH in _help("--lang", "en", env={"MOKOORD_LANG": "de"}, cwd=tmp_path)
    assert GERMAN in _help("--lang=de", "list", env={"MOKOORD_LANG": "en"}, cwd=tmp_path)
    assert "Aufruf: mokoord list [OPTIONEN]" in _help("--lang", "de", "list")


def test_environment(tmp_path: Path) -> None:
    assert GERMAN in _help("export", env={"MOKOORD_LANG": "de"}, cwd=tmp_path)
    assert ENGLISH in _help("export", env={"MOKOORD_LANG": "en"}, cwd=tmp_path)


def test_the_stores_language(tmp_path: Path) -> None:
    store = _store(tmp_path / "store", "en")
    unset = {"MOKOORD_LANG": None}
    assert ENGLISH in _help("--data", str(store), "list", env=unset)
    assert ENGLISH in _help("-d", str(store), env=unset)
    assert ENGLISH in _help(f"-d{store}", env=unset)
    assert ENGLISH in _help(env={**unset, "MOKOORD_DATA": str(store)}, cwd=tmp_path)
    assert ENGLISH in _help("list", env=unset, cwd=store)  # found upward from here
    # the environment and --lang come first
    assert GERMAN in _help("--data", str(store), "list", env={"MOKOORD_LANG": "de"})
    assert GERMAN in _help("--data", str(store), "--lang", "de", env=unset)


def test_unknown_languages_are_clear_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--lang", "fr", "list"], env={"MOKOORD_LANG": None})
    assert result.exit_code == 2
    assert "Ungültiger Wert für „--lang“: „fr“ ist keine Sprache von mokoord" in result.output
    result = runner.invoke(app, ["list"], env={"MOKOORD_LANG": "fr"})
    assert result.exit_code == 2
    assert "$MOKOORD_LANG is „fr“" not in result.output
    assert "$MOKOORD_LANG ist „fr“, keine Sprache von mokoord; möglich sind: de, en" in (
        result.output
    )
    result = runner.invoke(app, ["--lang", "en", "--version"], env={"MOKOORD_LANG": "fr"})
    assert result.exit_code == 0  # --lang decides; the environment is not asked
    result = runner.invoke(app, ["--lang", "fr", "list"], env={"COLUMNS": "200"})
    assert (
        "Invalid value for '--lang': 'fr' is not a language of mokoord; choose one of de, en"
        in result.output
    )


def test_the_language_is_chosen_before_the_library_speaks(demo_cli: Any) -> None:
    """The command runs in the chosen language: ``_()`` in the library answers in it."""
    from mokoord.cli._app import _choose_language

    _choose_language(None, ["--lang", "de", "list"])
    assert i18n.language() == "de"
    assert i18n._("Options") == "Optionen"
    _choose_language(None, ["list"])  # $MOKOORD_LANG=en in the tests
    assert i18n.language() == "en"


def test_the_report_keeps_its_own_language(demo_cli: Any) -> None:
    german = demo_cli("--lang", "en", "report", "--year", "2023", "--lang", "de")
    english = demo_cli("--lang", "de", "report", "--year", "2023", "--lang", "en")
    assert german.exit_code == english.exit_code == 0
    assert "Kontakte" in german.output
    assert "Contacts" in english.output
    assert "Kontakte" not in english.output
