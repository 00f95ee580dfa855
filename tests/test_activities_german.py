"""Events and funding in German, as the office uses them: labels typed and shown,
German messages on the main and the error paths, and the tables at 80 and 120
columns against golden files (regenerated on purpose only, with
MOKOORD_REGEN_GOLDEN=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from activity_fixtures import seed
from mokoord.models import Application, Event
from mokoord.store import Store

GOLDEN = Path(__file__).parent / "golden" / "activities"


@pytest.fixture
def busy(store: Store, cli) -> Store:  # type: ignore[no-untyped-def]
    """The fixture organisations with events, a cooperation, a network, applications."""
    seed(store.root, programme=True)
    for args in (
        ["add-event", "--kind", "Qualifizierung", "--series", "Vereinsarbeit kompakt",
         "--title", "Vereinsrecht", "--date", "14.03.2023", "--org", "elternverein-biebrich",
         "--org", "initiative-mitte", "--participants", "18", "--topic", "Vereinsrecht"],
        ["add-event", "--kind", "Qualifizierung", "--series", "Vereinsarbeit kompakt",
         "--title", "Förderanträge schreiben", "--date", "20.04.2023",
         "--org", "elternverein-biebrich"],
        ["add-event", "--kind", "Fest", "--title", "Sommerfest im Schlosspark",
         "--date", "01.07.2099", "--org", "kulturverein-anatolia"],
        ["attend", "2023-04-20-foerderantraege-schreiben", "--org", "elternverein-biebrich",
         "--people", "4"],
        ["add-cooperation", "--org", "elternverein-biebrich", "--partner", "kulturamt",
         "--since", "01.09.2023", "--topic", "Sommerfest im Schlosspark"],
        ["add-network", "--name", "Netzwerk Islamischer Gemeinden", "--kind", "Netzwerk",
         "--level", "lokal", "--rhythm", "vierteljährlich", "--member", "kulturverein-anatolia"],
        ["add-application", "--org", "elternverein-biebrich", "--programme", "auslaenderbeirat",
         "--line", "Institutionelle Förderung", "--year", "2024", "--title", "Miete",
         "--requested", "2.400,00", "--supported"],
        ["add-application", "--org", "kulturverein-anatolia", "--programme", "auslaenderbeirat",
         "--line", "Projektförderung", "--year", "2024", "--title", "Lesepaten",
         "--requested", "1.250,50", "--status", "bewilligt", "--granted", "1.000",
         "--decided", "15.03.2024"],
    ):  # fmt: skip
        result = cli("--lang", "de", *args)
        assert result.exit_code == 0, (args, result.output)
    return store


def _flat(text: str) -> str:
    return " ".join(text.split())


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MOKOORD_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with MOKOORD_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with MOKOORD_REGEN_GOLDEN=1"
    )


LISTINGS = {
    "events": ["events"],
    "series": ["events", "--series", "vereinsarbeit kompakt"],
    "cooperations": ["cooperations", "--year", "2023"],
    "networks": ["networks"],
    "programmes": ["programmes"],
    "applications": ["applications"],
    "rooms": ["rooms"],
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(LISTINGS))
def test_tables_in_german_at_80_and_120_columns(cli, busy: Store, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    result = cli("--lang", "de", *LISTINGS[name], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), result.stdout
    _check_golden(f"{name}-{width}.txt", result.stdout)


IDS = ("2023-04-20-foerderantraege-schreiben", "2024-elternverein-biebrich-miete")
WORDS = ("Elternverein", "Kulturverein", "Anatolia", "Biebrich", "Förderanträge", "Schlosspark")


def test_ids_and_names_are_never_broken(cli, busy: Store) -> None:  # type: ignore[no-untyped-def]
    for args in LISTINGS.values():
        out = cli("--lang", "de", *args, env={"COLUMNS": "80"}).stdout
        for word in out.split():
            for whole in (*IDS, *WORDS):
                broken = word != whole and whole.startswith(word) and len(word) >= 4
                assert not broken, (args, word, out)


def test_labels_in_german_sheets(cli, busy: Store) -> None:  # type: ignore[no-untyped-def]
    def sheet(*args: str) -> str:
        result = cli("--lang", "de", *args, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("\ufeff")  # German Excel: UTF-8 with BOM
        return str(result.stdout).replace("\xa0", " ")

    events = sheet("events")
    assert events.splitlines()[0].startswith("\ufeffDatum;Letzter Tag;Kennung;Veranstaltung;Art")
    assert ";Qualifizierung;" in events
    assert ";Fest;" in events
    assert ";geplant" in events
    assert ";stattgefunden" in events
    assert "training" not in events
    assert "14.03.2023" in events
    programmes = sheet("programmes")
    assert "200,00 € je Monat" in programmes
    assert "Eingetragener Verein (e.V.)" in programmes
    assert "institutionelle Förderung" in programmes
    applications = sheet("applications")
    assert ";bewilligt;" in applications
    assert ";Idee;" in applications
    assert ";Institutionelle Förderung;" in applications  # the line by its name
    networks = sheet("networks")
    assert ";vierteljährlich;" in networks
    assert ";lokal;" in networks
    assert "Kulturverein Anatolia e.V." in networks


def test_german_confirmations(cli, busy: Store) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "--lang", "de", "add-event", "--kind", "Info", "--title", "Infoabend", "--date", "heute"
    )
    assert result.exit_code == 0, result.output
    assert "Veranstaltung" in result.stderr
    assert "erfasst in events/" in result.stderr
    result = cli("--lang", "de", "attend", result.stdout.strip(), "--org", "initiative-mitte")
    assert "Teilnahme von initiative-mitte erfasst; 1 Organisation" in result.stderr
    shown = _flat(cli("--lang", "de", "application", "2024-kulturverein-anatolia-lesepaten").stdout)
    assert "Beantragter Betrag 1.250,50 €" in shown
    assert "Status bewilligt" in shown
    assert "Entschieden am 15.03.2024" in shown
    assert "Förderlinie Projektförderung (project)" in shown
    summary = cli("--lang", "de", "applications").stderr
    assert "2 Anträge; beantragt 3.650,50 €, bewilligt 1.000,00 €" in _flat(summary)


GERMAN_ERRORS = [
    (
        ["add-event", "--kind", "Party", "--title", "X", "--date", "heute"],
        "--kind: „Party“",
    ),
    (
        ["attend", "2099-07-01-sommerfest-im-schlosspark", "--org", "initiative-mitte"],
        "hat noch nicht stattgefunden",
    ),
    (["events", "--series", "Kochkurs"], "keine Veranstaltungen in einer Reihe namens „Kochkurs“"),
    (
        ["add-cooperation", "--org", "bund-abgelehnt", "--partner", "kulturamt", "--since",
         "heute", "--topic", "x"],
        "die Koordinierungsstelle kooperiert nicht mit ihr",
    ),
    (["add-network", "--name", "X", "--level", "Galaxis"], "--level: „Galaxis“"),
    (["add-programme", "--name", "X", "--per", "Woche"], "--per: „Woche“"),
    (["add-programme", "--name", "X", "--max-amount", "zwei"], "ist kein Betrag in Euro"),
    (
        ["add-application", "--org", "initiative-mitte", "--programme", "auslaenderbeirat",
         "--line", "institutionell", "--year", "2024", "--title", "Miete", "--requested", "100"],
        "Institutionelle Förderung des Programms „auslaenderbeirat“ erhalten nur",
    ),
    (
        ["add-application", "--org", "elternverein-biebrich", "--programme", "auslaenderbeirat",
         "--line", "Projekt", "--year", "2024", "--title", "Fest", "--requested", "2.600"],
        "liegt über dem Höchstbetrag: höchstens 2.500,00 € je Projekt",
    ),
    (
        ["application", "2024-elternverein-biebrich-miete", "--status", "bewilligt", "--granted",
         "100"],
        "möglich ist",
    ),
    (["applications", "--year", "3000"], "--year: 3000 ist kein Jahr"),
    (["calendar"], "--output DATEI.ics fehlt"),
    (["rooms", "--district", "Atlantis"], "--district: „Atlantis“"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "german"), GERMAN_ERRORS)
def test_error_paths_in_german(cli, busy: Store, args: list[str], german: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("--lang", "de", *args)
    assert result.exit_code != 0
    assert german in _flat(result.output)
    assert "error:" not in result.output
    assert "Traceback" not in result.output


def test_nothing_of_the_errors_was_written(cli, busy: Store) -> None:  # type: ignore[no-untyped-def]
    for args, _german in GERMAN_ERRORS:
        cli("--lang", "de", *args)
    assert busy.get(Application, "2024-elternverein-biebrich-miete").status == "idea"
    event = busy.get(Event, "2099-07-01-sommerfest-im-schlosspark")
    assert [(a.organisation, a.planned) for a in event.attendance] == [
        ("kulturverein-anatolia", True)
    ]
