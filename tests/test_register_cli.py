"""The register at the command line in German, the status from the contact log
across commands, and the register's tables at 80 and 120 columns (golden files)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import Cli, git_log
from mokoord.store import Store

GOLDEN = Path(__file__).parent / "golden"
ORG = "deutsch-tuerkischer-elternverein"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MOKOORD_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with MOKOORD_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with MOKOORD_REGEN_GOLDEN=1"
    )


def ok(cli: Cli, *args: str, env: dict[str, str] | None = None) -> str:
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def german_error(cli: Cli, *args: str, env: dict[str, str] | None = None) -> str:
    result = cli("--lang", "de", *args, env=env)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Fehler: "), result.stderr
    return str(result.stderr)


@pytest.fixture
def org(cli: Cli) -> str:
    out = ok(
        cli,
        "--lang",
        "de",
        "add-org",
        "--name",
        "Deutsch-Türkischer Elternverein e.V.",
        "--district",
        "Biebrich",
        "--field",
        "Bildung",
        "--field",
        "eltern und familie",
        "--language",
        "Türkisch",
        "--origin",
        "Türkei",
        "--known-since",
        "01.01.2023",
    )
    assert out == f"{ORG}\n"
    return ORG


def _contact(cli: Cli, org_id: str, day: str) -> None:
    ok(cli, "add-contact", "--org", org_id, "--date", day, "--channel", "Telefon",
       "--summary", "Erstes Gespräch")  # fmt: skip


# --------------------------------------------------------------------------- German, main paths


def test_add_org_in_german_takes_labels_and_says_what_it_did(
    cli: Cli, store: Store, org: str
) -> None:
    text = (store.root / "organisations" / f"{org}.yaml").read_text(encoding="utf-8")
    assert "district: biebrich" in text
    assert "fields: [education, parents_family]" in text
    assert "languages: [tr]" in text
    assert "origins: [TR]" in text
    assert "legal_form: registered_association" in text
    result = cli("--lang", "de", "add-org", "--name", "Kulturverein Mitte", "--district", "Mitte")
    assert result.exit_code == 0, result.output
    assert "✓ kulturverein-mitte angelegt (Commit " in result.stderr
    assert git_log(store.root, "-1", "--format=%s").strip() == "add-org kulturverein-mitte"


def test_add_org_duplicate_warning_in_german(cli: Cli, org: str) -> None:
    result = cli("--lang", "de", "add-org", "--name", "Deutsch Turkischer Elternverein")
    assert result.exit_code == 2
    assert "Warnung: diese Organisation ist bereits im Register:" in result.stderr
    assert f"{org}  Deutsch-Türkischer Elternverein e.V.  (bekannt;" in result.stderr
    assert "Fehler: nicht angelegt: diese Organisation ist bereits im Register" in result.stderr


def test_add_person_stores_the_role_key_and_show_gives_its_label(
    cli: Cli, store: Store, org: str
) -> None:
    person = ok(
        cli, "--lang", "de", "add-person", org, "--name", "Ayşe Beispiel", "--role", "Vorsitz",
        "--consent-date", "heute", "--consent-scope", "Kontaktaufnahme",
        "--legal-basis", "Einwilligung",
    ).strip()  # fmt: skip
    text = (store.root / "persons" / f"{person}.yaml").read_text(encoding="utf-8")
    assert "role: chair" in text
    assert "scope: [contact]" in text
    free = ok(cli, "add-person", org, "--name", "Bora", "--role", "Kulturbeauftragte",
              "--legal-basis", "public task").strip()  # fmt: skip
    text = (store.root / "persons" / f"{free}.yaml").read_text(encoding="utf-8")
    assert "role: Kulturbeauftragte" in text
    assert "legal_basis: public_task" in text
    shown = ok(cli, "--lang", "de", "show", org)
    assert "Ayşe Beispiel (Vorsitz)" in shown
    assert "Bora (Kulturbeauftragte)" in shown
    assert "Wahrnehmung einer Aufgabe im öffentlichen Interesse" in shown or "öffentlich" in shown
    assert "(Chair)" in ok(cli, "--lang", "en", "show", org)


def test_set_status_and_needs_take_german_labels(cli: Cli, store: Store, org: str) -> None:
    result = cli(
        "--lang", "de", "set", org, "district=Mitte", "fields+=Kultur", "fields-=Bildung",
        "languages+=Ukrainisch", "rooms.own=ja", "members.count=1.200",
        "last_verified=14.03.2023",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"✓ {org} geändert (Commit " in result.stderr
    text = (store.root / "organisations" / f"{org}.yaml").read_text(encoding="utf-8")
    for line in ("district: mitte", "fields: [parents_family, culture]", "languages: [tr, uk]",
                 "own: true", "count: 1200", "last_verified: 2023-03-14"):  # fmt: skip
        assert line in text, line
    again = cli("--lang", "de", "set", org, "district=Mitte")
    assert again.exit_code == 0
    assert "nichts zu ändern" in again.stderr

    result = cli("--lang", "de", "status", org, "im Gespräch", "--date", "01.03.2023")
    assert result.exit_code == 0, result.output
    assert f"{org}: bekannt → im Gespräch" in result.stderr

    result = cli("--lang", "de", "add-need", org, "Räume", "--since", "01.02.2023")
    assert result.exit_code == 0, result.output
    assert f"{org}: Bedarf „Räume“ offen" in result.stderr
    result = cli("--lang", "de", "close-need", org, "räume", "--status", "erfüllt")
    assert result.exit_code == 0, result.output
    assert f"{org}: Bedarf „Räume“ erfüllt" in result.stderr
    assert git_log(store.root, "-1", "--format=%s").strip() == f"close-need {org} rooms met"


def test_history_in_german(cli: Cli, org: str) -> None:
    ok(cli, "set", org, "district=Mitte")
    out = ok(cli, "--lang", "de", "history", org)
    assert "district: biebrich → mitte" in out
    assert "angelegt" in out
    assert "set deutsch-tuerkischer-elternverein: district" in out


def test_error_paths_in_german(cli: Cli, org: str) -> None:
    assert "„Bibrich“ ist unbekannt (Stadtteil)" in german_error(
        cli, "add-org", "--name", "Verein X", "--district", "Bibrich"
    )
    assert "„distrct“ ist kein Feld dieses Datensatzes" in german_error(
        cli, "set", org, "distrct=Mitte"
    )
    assert "district: „Bibrich“ ist unbekannt" in german_error(cli, "set", org, "district=Bibrich")
    assert "keine Organisation mit der Kennung „elternverein“" in german_error(
        cli, "show", "elternverein"
    )
    assert "--consent-date fehlt" in german_error(
        cli, "add-person", org, "--name", "X", env={"MOKOORD_INTERACTIVE": "0"}
    )
    assert "hat keinen offenen Bedarf „Räume“" in german_error(cli, "close-need", org, "Räume")
    assert "ist bereits „bekannt“" in german_error(cli, "status", org, "bekannt")
    assert "kein Editor" in german_error(cli, "edit", org, env={"EDITOR": "", "VISUAL": ""})


def test_edit_saves_labels_as_keys(cli: Cli, store: Store, org: str, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, re, sys\n"
        "f = pathlib.Path(sys.argv[1])\n"
        "text = f.read_text(encoding='utf-8').replace('district: biebrich', 'district: Schierstein')\n"
        "text = re.sub(r'last_verified: .*', 'last_verified: 14.03.2023', text)\n"
        "f.write_text(text + 'paid_staff: nein\\n', encoding='utf-8')\n",
        encoding="utf-8",
    )
    result = cli("--lang", "de", "edit", org, env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 0, result.output
    assert f"organisations/{org}.yaml gespeichert" in result.stderr
    text = (store.root / "organisations" / f"{org}.yaml").read_text(encoding="utf-8")
    assert "district: schierstein" in text
    assert "paid_staff: false" in text
    assert "last_verified: 2023-03-14" in text


# --------------------------------------------------------------------------- the status from the log


def test_an_organisation_with_contacts_is_never_merely_known(cli: Cli, org: str) -> None:
    """show, list, search and the report's status breakdown agree with the contact log."""
    ok(cli, "add-org", "--name", "Kulturverein Mitte", "--known-since", "01.01.2023")
    _contact(cli, org, "14.03.2023")
    rows = {row["id"]: row for row in json.loads(ok(cli, "list", "--json"))}
    assert (rows[org]["status"], rows[org]["effective_status"]) == ("known", "contacted")
    assert rows["kulturverein-mitte"]["effective_status"] == "known"
    assert [r["id"] for r in json.loads(ok(cli, "list", "--json", "--status", "bekannt"))] == [
        "kulturverein-mitte"
    ]
    assert [r["id"] for r in json.loads(ok(cli, "list", "--json", "--status", "contacted"))] == [
        org
    ]
    table = ok(cli, "--lang", "de", "list", env={"COLUMNS": "120"})
    org_line = next(line for line in table.splitlines() if line.startswith(org))
    assert "kontaktiert" in org_line
    shown = ok(cli, "--lang", "de", "show", org)
    assert "Status: kontaktiert seit 14.03.2023 (laut Kontaktprotokoll)" in shown
    assert json.loads(ok(cli, "show", org, "--json"))["effective_status"] == "contacted"
    [hit] = json.loads(ok(cli, "search", "elternverein", "--json"))
    assert (hit["status"], hit["effective_status"]) == ("known", "contacted")
    report = json.loads(ok(cli, "report", "--year", "2023", "--format", "json"))
    assert report["registry"]["by_status"]["contacted"] == 1
    assert report["registry"]["by_status"]["known"] == 1
    before = ok(cli, "report", "--from", "01.01.2023", "--to", "13.03.2023", "--format", "json")
    assert json.loads(before)["registry"]["by_status"]["known"] == 2  # not contacted yet


# --------------------------------------------------------------------------- tables


@pytest.fixture
def register(cli: Cli) -> Cli:
    """A register with long names, every column filled, a contact and a person."""
    for name, args in (
        ("Marokkanisch-Deutscher Bildungsverein Ibn Battuta e.V.",
         ("--district", "Mitte", "--field", "Bildung", "--field", "Jugend", "--language", "ar")),
        ("Elternverein Biebrich",
         ("--district", "Biebrich", "--field", "Eltern und Familie", "--language", "Türkisch")),
        ("Vietnamesischer Kultur- und Sozialverein Hoa Sen e.V.",
         ("--district", "Westend", "--field", "Kultur", "--language", "vi", "--language", "de")),
        ("Kulturverein Anatolia", ("--district", "Mitte", "--status", "im Gespräch")),
    ):  # fmt: skip
        ok(cli, "add-org", "--name", name, "--known-since", "01.01.2023", *args)
    for org_id in ("elternverein-biebrich", "kulturverein-anatolia"):
        ok(cli, "set", org_id, "last_verified=14.03.2023")
    ok(cli, "set", "marokkanisch-deutscher-bildungsverein-ibn-battuta", "last_verified=01.06.2023")
    ok(cli, "set", "vietnamesischer-kultur-und-sozialverein-hoa-sen", "last_verified=02.02.2024")
    ok(cli, "add-need", "elternverein-biebrich", "Räume", "--since", "01.02.2023")
    ok(cli, "add-person", "elternverein-biebrich", "--name", "Ayşe Beispiel",
       "--legal-basis", "public_task")  # fmt: skip
    _contact(cli, "marokkanisch-deutscher-bildungsverein-ibn-battuta", "14.03.2023")
    return cli


@pytest.mark.parametrize("width", [80, 120])
def test_list_table_matches_the_golden_file(register: Cli, width: int) -> None:
    table = ok(register, "--lang", "de", "list", env={"COLUMNS": str(width)})
    assert all(len(line) <= width for line in table.splitlines())
    _check_golden(f"list-{width}.txt", table)


@pytest.mark.parametrize("width", [80, 120])
def test_search_table_matches_the_golden_file(register: Cli, width: int) -> None:
    table = ok(register, "--lang", "de", "search", "verein", env={"COLUMNS": str(width)})
    assert all(len(line) <= width for line in table.splitlines())
    _check_golden(f"search-{width}.txt", table)


def test_search_takes_the_listing_options(register: Cli, tmp_path: Path) -> None:
    out = tmp_path / "treffer.csv"
    assert register("search", "kultur", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Id;Name;Status;Found in"
    assert "kulturverein-anatolia;Kulturverein Anatolia;in dialogue;name, id" in lines
    rows = json.loads(ok(register, "search", "kultur", "-f", "json"))
    assert list(rows[0]) == ["id", "name", "status", "score", "matched", "effective_status"]
    nothing = register("search", "nichtsdergleichen")
    assert nothing.exit_code == 1
    assert json.loads(ok(register, "search", "nichtsdergleichen", "--json")) == []


def test_an_empty_list_says_so(register: Cli) -> None:
    result = register("--lang", "de", "list", "--district", "Schierstein")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "keine Organisation entspricht diesen Filtern" in result.stderr
    assert json.loads(ok(register, "list", "--district", "Schierstein", "--json")) == []


def test_add_org_prompts_take_labels_in_either_language(cli: Cli, store: Store) -> None:
    answers = "Verein Yıldız\nbieb\nKultur, youth\nInitiative\n"
    result = cli("--lang", "en", "add-org", input=answers, env={"MOKOORD_INTERACTIVE": "1"})
    assert result.exit_code == 0, result.output
    assert "Culture" in result.stderr  # the choices in the chosen language
    text = (store.root / "organisations" / "verein-yildiz.yaml").read_text(encoding="utf-8")
    assert "district: biebrich" in text
    assert "fields: [culture, youth]" in text
    assert "legal_form: initiative" in text
