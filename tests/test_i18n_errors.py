"""The main error of every command, in German and in English (issue 13).

A table names, for each command, the arguments that make its most common
mistake: an unknown id, an unknown term, a missing value in a script, a
period that makes no sense. Each runs with ``--lang de`` and ``--lang en``
against a fresh store. In German the output holds no text of the English
catalogue, no English of Typer or pydantic and no type placeholders; in
English no German. Every command must have its line (a test says which is
missing), so a new command cannot slip through.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from conftest import Cli
from mokoord.cli._app import COMMANDS
from mokoord.store import Store
from test_i18n_cli import PLACEHOLDERS, TYPER_ENGLISH, _catalogue, _contains, _flat, _pairs

#: command → its arguments for the main error ("{store}": the store's folder,
#: "{tmp}": an empty folder of the test).
MAIN_ERRORS: dict[str, list[str]] = {
    "init": ["init", "{store}"],
    "check": ["check"],  # with an organisation whose status is unknown, see below
    "add-org": ["add-org", "--name", "Neuer Verein", "--district", "Mars"],
    "add-person": ["add-person", "xyz-42", "--name", "Ayşe Beispiel"],
    "show": ["show", "xyz-42"],
    "list": ["list", "--district", "Mars"],
    "search": ["search", "--json"],
    "set": ["set", "xyz-42", "district=Biebrich"],
    "edit": ["edit", "xyz-42"],
    "status": ["status", "xyz-42", "kontaktiert"],
    "add-need": ["add-need", "xyz-42", "Räume"],
    "close-need": ["close-need", "xyz-42", "Räume"],
    "history": ["history", "xyz-42"],
    "add-contact": ["add-contact", "--org", "xyz-42", "--channel", "Telefon"],
    "contacts": ["contacts", "--channel", "Brieftaube"],
    "referrals": ["referrals", "--to", "xyz-42"],
    "close-referral": ["close-referral", "2023-03-14-zzzz", "--outcome", "wahrgenommen"],
    "follow-up-done": ["follow-up-done", "2023-03-14-zzzz"],
    "agenda": ["agenda", "--days", "viele"],
    "add-institution": ["add-institution", "--name", "Kulturamt", "--kind", "Raumstation"],
    "institutions": ["institutions", "--bogus"],
    "add-event": ["add-event", "--kind", "Party", "--title", "Fest", "--date", "heute"],
    "attend": ["attend", "2023-03-14-unbekannt", "--org", "xyz-42", "--people", "3"],
    "events": ["events", "--kind", "Party"],
    "add-cooperation": ["add-cooperation", "--org", "xyz-42", "--partner", "kulturamt"],
    "cooperations": ["cooperations", "--org", "xyz-42"],
    "add-network": ["add-network", "--name", "Netzwerk", "--kind", "Club"],
    "networks": ["networks", "--bogus"],
    "calendar": ["calendar", "--from", "31.02.2024"],
    "rooms": ["rooms", "--district", "Mars"],
    "outreach": ["outreach", "--template", "rundbrief", "--dry-run"],
    "sheet": ["sheet", "xyz-42"],
    "verified": ["verified", "xyz-42"],
    "add-programme": ["add-programme", "--name", "Programm", "--max-amount", "viel"],
    "programmes": ["programmes", "--bogus"],
    "add-application": ["add-application", "--org", "xyz-42", "--programme", "xyz-42"],
    "application": ["application", "xyz-42"],
    "applications": ["applications", "--year", "viele"],
    "report": ["report"],
    "import": ["import", "{tmp}/fehlt.csv"],
    "clone": ["clone", "{tmp}/kein-server"],
    "sync": ["sync"],
    "privacy": ["privacy", "export", "p-xyz42"],
    "export": ["export", "Vereine"],
}

KEYS = re.compile(r"\((?:[a-z_]+|§ [\d.]+)\)")
"""A term's key in brackets after its label, as messages name the allowed values."""
PYDANTIC_ENGLISH = re.compile(
    r"Input should|String should|Value error|validation error|Field required|"
    r"Extra inputs are not permitted|type=\w+|For further information visit"
)


def test_every_command_has_its_main_error() -> None:
    assert sorted(MAIN_ERRORS) == sorted(COMMANDS)


@cache
def _english_only() -> list[str]:
    """English texts of the catalogue whose German differs and that no German text holds."""
    pairs = _pairs()
    return [english for english, _ in pairs if not any(english in other for _, other in pairs)]


@cache
def _german_only() -> list[str]:
    english_texts = " ".join(
        _flat(message.id)
        for message in _catalogue("de")
        if isinstance(message.id, str) and message.id
    )
    return [german for _, german in _pairs() if german and not _contains(english_texts, german)]


def _run(cli: Cli, store: Store, tmp_path: Path, lang: str, command: str) -> str:
    if command == "check":
        (store.root / "organisations" / "kaputt.yaml").write_text(
            "id: kaputt\nname: Kaputter Verein\nstatus: vielleicht\n", encoding="utf-8"
        )
    args = [
        part.replace("{store}", str(store.root)).replace("{tmp}", str(tmp_path))
        for part in MAIN_ERRORS[command]
    ]
    result = cli("--lang", lang, *args, env={"COLUMNS": "250", "MOKOORD_INTERACTIVE": "0"})
    assert result.exit_code != 0, f"{command}: no error\n{result.output}"
    output = _flat(result.output)
    assert "Traceback" not in output, output
    return output


@pytest.mark.parametrize("command", sorted(MAIN_ERRORS))
def test_the_main_error_in_german(cli: Cli, store: Store, tmp_path: Path, command: str) -> None:
    output = _run(cli, store, tmp_path, "de", command)
    assert "Fehler" in output, output
    shown = KEYS.sub("", output)  # "kontaktiert (contacted)": a key beside its label
    assert [text for text in _english_only() if _contains(shown, text)] == [], output
    assert [text for text in TYPER_ENGLISH if text in output] == [], output
    assert PYDANTIC_ENGLISH.findall(output) == [], output
    assert PLACEHOLDERS.findall(output) == [], output


@pytest.mark.parametrize("command", sorted(MAIN_ERRORS))
def test_the_main_error_in_english(cli: Cli, store: Store, tmp_path: Path, command: str) -> None:
    output = _run(cli, store, tmp_path, "en", command)
    assert "rror" in output, output  # "error:", "Error" (Typer), "error invalid-value"
    assert [text for text in _german_only() if _contains(output, text)] == [], output
    assert PYDANTIC_ENGLISH.findall(output) == [], output
    assert PLACEHOLDERS.findall(output) == [], output


#: a broken record file → what ``check`` says of it in German
BROKEN_FILES: dict[str, tuple[bytes, str]] = {
    "tab": (
        b"id: kaputt\nname: Kaputt\naddress:\n\tcity: Wiesbaden\n",
        "4:1: Fehler yaml-syntax ungültiges YAML: ein Tabulatorzeichen: YAML wird mit "
        "Leerzeichen eingerückt, nie mit Tabulatoren",
    ),
    "duplicate key": (
        b"id: kaputt\nname: Kaputt\nname: Nochmal\n",
        "3:1: Fehler duplicate-key der Schlüssel „name“ kommt in dieser Zuordnung zweimal "
        "vor (zuerst in Zeile 2); einen davon behalten",
    ),
    "encoding": (
        "id: kaputt\nname: Gr\u00fcn\n".encode("latin-1"),
        "2:9: Fehler invalid-encoding die Datei ist kein gültiges UTF-8 (Byte 0xfc); "
        "als UTF-8 speichern",
    ),
    "conflict": (
        b"id: kaputt\n<<<<<<< HEAD\nname: A\n=======\nname: B\n>>>>>>> theirs\n",
        "2:1: Fehler merge-conflict nicht aufgelöste Markierung eines "
        "git-Zusammenführungskonflikts",
    ),
    "colon": (
        b"id: kaputt\nname: Verein: Kultur\n",
        "2:13: Fehler yaml-syntax ungültiges YAML: ein Doppelpunkt, wo kein Schlüssel stehen kann",
    ),
    "list": (
        b"- kaputt\n",
        "1:1: Fehler not-a-mapping erwartet wird eine Zuordnung von Schlüsseln zu Werten, "
        "gefunden wurde eine Liste",
    ),
}


@pytest.mark.parametrize("broken", sorted(BROKEN_FILES))
def test_a_broken_file_is_named_in_german(cli: Cli, store: Store, broken: str) -> None:
    raw, expected = BROKEN_FILES[broken]
    (store.root / "organisations" / "kaputt.yaml").write_bytes(raw)
    result = cli("--lang", "de", "check", env={"COLUMNS": "250"})
    assert result.exit_code == 1
    output = _flat(result.output)
    assert "organisations/kaputt.yaml:" + expected in output, output
    assert [text for text in _english_only() if _contains(output, text)] == [], output
