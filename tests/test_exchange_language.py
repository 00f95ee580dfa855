"""``import`` and ``export`` in the user's language: German plans, prompts,
problems and summaries; options by German labels; English sheets that import
again like German ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from conftest import Cli
from mokoord.store import Store
from test_export import ORGS, filled, read_csv  # noqa: F401 - the fixture
from test_import import csv_text, existing_store, messy_csv, second_sheet  # noqa: F401
from test_import_dedup import LOOK_ALIKES, csv_file


def said(result: Any) -> str:
    return " ".join(result.output.split())


def test_a_german_dry_run_reads_in_german(cli: Cli, messy_csv: Path) -> None:  # noqa: F811
    result = cli("--lang", "de", "import", str(messy_csv), "-n", "--legal-basis", "öffentliche")
    assert result.exit_code == 1  # a real run would refuse the invalid rows
    out = said(result)
    assert "(cp1252, Semikolon): Organisationen; Spalten: Verein → Name," in out
    assert "Ansprechpartner → Ansprechperson, Telefon → Telefon," in out
    assert "Zeile Aktion Datensatz und Einzelheiten" in out
    assert "deutsch-tuerkischer-elternverein-biebrich" in out  # never cut
    assert "überspringen" in out
    assert "ungültig" in out
    assert (
        f"{messy_csv}:1:15: Warnung unknown-column Spalte „Interne Nr.“ wurde nicht erkannt" in out
    )
    assert (
        f"{messy_csv}:5:4: Fehler invalid-value E-Mail: „kaputt@“ ist keine E-Mail-Adresse" in out
    )
    assert (
        f"{messy_csv}:5:7: Warnung unknown-term Stadtteil: „Mars“ ist unbekannt (Stadtteil)" in out
    )
    assert f"{messy_csv}:6:1: Fehler missing-value Die Organisation hat keinen Namen" in out
    assert f"{messy_csv}:8:0: Fehler broken-row Die Zeile hat 16 Zellen" in out
    assert "dieselbe Organisation wie in Zeile 2; Zeile übersprungen" in out
    assert (
        "Probelauf: 3 neu angelegt, 0 aktualisiert, 0 unverändert, 1 übersprungen, 3 ungültig"
        in out
    )
    assert "; 2 Ansprechpersonen angelegt;" in out
    assert "nichts wurde geschrieben" in out
    for english in ("row action", "created", "skipped", "error ", "warning ", "is not"):
        assert english not in out, english


def test_german_refusal_of_invalid_rows(cli: Cli, messy_csv: Path) -> None:  # noqa: F811
    result = cli("--lang", "de", "import", str(messy_csv), "--legal-basis", "public_task")
    assert result.exit_code == 1
    out = said(result)
    assert "Fehler: 3 Zeilen von" in out
    assert "sind ungültig; nichts wurde importiert" in out
    assert "--skip-invalid" in out


def test_german_look_alikes_and_summary(cli: Cli, store: Store, tmp_path: Path) -> None:
    sheet = csv_file(tmp_path / "vereine.csv", ["Verein", "Registernummer"], LOOK_ALIKES)
    out = said(cli("--lang", "de", "import", str(sheet)))
    assert "Möglicherweise identisch – bitte prüfen (als neue Einträge importiert):" in out
    assert "Zeile 3: Kurdischer Jugendverein Wiesbaden ~ Zeile 2: Kurdischer Frauenverein" in out
    assert "importiert: 12 neu angelegt, 0 aktualisiert" in out
    assert "3 möglicherweise identisch mit anderen Einträgen – bitte prüfen" in out
    again = said(cli("--lang", "de", "import", str(sheet)))
    assert "nichts zu ändern: 0 neu angelegt, 0 aktualisiert, 12 unverändert" in again


def test_on_duplicate_ask_asks_in_german_and_takes_labels(
    cli: Cli,
    store: Store,
    tmp_path: Path,
) -> None:
    existing_store(cli, tmp_path)
    sheet = second_sheet(tmp_path)
    refused = cli(
        "--lang", "de", "import", str(sheet), "--on-duplicate", "fragen",
        env={"MOKOORD_INTERACTIVE": "0"},
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "--on-duplicate ask braucht ein Terminal, um nachzufragen" in said(refused)
    asked = cli(
        "--lang", "de", "import", str(sheet), "--on-duplicate", "Fragen",
        input="3\n", env={"MOKOORD_INTERACTIVE": "1"},
    )  # fmt: skip
    assert asked.exit_code == 0, asked.output
    out = said(asked)
    assert "Zeile 2: Organisation afrikanischer-kulturverein-wiesbaden" in out
    assert "ist vorhanden (gefunden über Registernummer). Die Tabelle weicht ab:" in out
    assert "Telefon: +49 611 111111 → +49 611 222222" in out
    assert "E-Mail: — → afrika@example.org (im Datenbestand leer)" in out
    assert "Was soll geschehen?" in out
    assert "3. nur leere Felder füllen [fill]" in out
    assert "Telefon: +49 611 111111 → +49 611 222222" in out
    assert "importiert: 0 neu angelegt, 1 aktualisiert" in out


def test_on_duplicate_and_kind_take_german_labels(cli: Cli, store: Store, tmp_path: Path) -> None:
    existing_store(cli, tmp_path)
    sheet = second_sheet(tmp_path)
    report = json.loads(
        cli(
            "import", str(sheet), "--on-duplicate", "ergänzen", "--kind", "Org", "-n", "--json"
        ).stdout
    )
    assert (report["on_duplicate"], report["kind"]) == ("fill", "organisations")
    wrong = cli("--lang", "de", "import", str(sheet), "--on-duplicate", "zusammenführen")
    assert wrong.exit_code == 2
    assert (
        "--on-duplicate muss eines von skip (überspringen), update (aktualisieren), "
        "fill (ergänzen: nur leere Felder), ask (fragen) sein, nicht „zusammenführen“"
    ) in said(wrong)
    events = cli("--lang", "de", "import", str(sheet), "--kind", "Veranstaltungen")
    assert events.exit_code == 2
    assert "--kind muss eines von organisations (Organisationen), contacts (Kontakte)" in (
        said(events)
    )


def test_export_takes_german_kinds_and_speaks_german(
    cli: Cli,
    filled: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "vereine.xlsx"
    result = cli("--lang", "de", "export", "Organisationen", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "3 Organisationen in" in said(result)  # the format from the extension: xlsx
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.title == "Organisationen"
    assert sheet.cell(1, 1).value == "ID"
    wrong = cli("--lang", "de", "export", "Vereine")
    assert wrong.exit_code == 2
    assert (
        "„Vereine“ lässt sich nicht exportieren; möglich sind: organisations (Organisationen)"
        in (said(wrong))
    )
    assert "--format xlsx braucht --output DATEI" in said(
        cli("--lang", "de", "export", "kontakte", "-f", "xlsx")
    )
    assert "--year gilt für Kontakte" in said(
        cli("--lang", "de", "export", "org", "--year", "2023")
    )


def test_english_export_has_english_headers_and_labels_and_imports_again(
    cli: Cli,
    filled: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "organisations.csv"
    result = cli("--lang", "en", "export", "organisations", "--personal-data", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "3 organisations written to" in said(result)
    sheet = tmp_path / "organisations.xlsx"
    assert cli("--lang", "en", "export", "organisations", "-o", str(sheet)).exit_code == 0
    from openpyxl import load_workbook

    workbook = load_workbook(sheet).active
    assert workbook is not None
    assert (workbook.title, workbook.cell(1, 2).value) == ("Organisations", "Name")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfID;Name;Also known as;Status;Legal form;")
    rows = {row["ID"]: row for row in read_csv(out)}
    biebrich = rows["elternverein-biebrich"]
    assert biebrich["Status"] == "cooperating"
    assert biebrich["Fields of activity"] == "Education, Parents and family"
    assert biebrich["Languages"].startswith("Turkish")
    assert biebrich["Known since"] == "2021-03-01"  # ISO dates in English
    assert biebrich["Own rooms"] in ("yes", "no", "")
    again = json.loads(cli("import", str(out), "--json").stdout)
    assert again["unknown_columns"] == []
    assert again["summary"]["unchanged"] == 3, again["actions"]
    assert again["summary"]["created"] == again["summary"]["updated"] == 0


def test_german_export_csv_is_german(cli: Cli, filled: Store) -> None:  # noqa: F811
    result = cli("--lang", "de", "export", "organisations", "--fields", "id,status,known_since")
    lines = result.stdout.lstrip("\ufeff").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    assert rows[0] == ["ID", "Status", "Bekannt seit"]
    row = next(r for r in rows if r[0] == "elternverein-biebrich")
    assert row[1] == "kooperierend"
    assert row[2] == "01.03.2021"


# --------------------------------------------------------------------------- the library, no CLI


def test_requests_take_labels_and_refuse_in_the_current_language(store: Store) -> None:
    import pytest

    from mokoord.errors import UsageError
    from mokoord.exchange.requests import ExportRequest, ImportRequest
    from mokoord.i18n import speaking

    config = store.config
    request = ImportRequest.of(config, Path("x.csv"), kind="Kontakte", on_duplicate="AKTUAL")
    assert (request.kind, request.on_duplicate) == ("contacts", "update")
    assert ExportRequest.of(config, "förder", output=Path("a.XLSX")).format == "xlsx"
    assert ExportRequest.of(config, "events", output=Path("a.txt")).format == "csv"
    assert ExportRequest.of(config, "org", fields="id, name").fields == ("id", "name")
    with speaking("de"), pytest.raises(UsageError) as refused:
        ExportRequest.of(config, "contacts", fmt="hsds")
    assert refused.value.message == "--format hsds exportiert nur Organisationen"


def test_the_summary_and_values_in_either_language(store: Store) -> None:
    import datetime as dt

    from mokoord.exchange.plan import change_label, summary_text, value_text
    from mokoord.i18n import speaking

    counts = dict.fromkeys(
        ("created", "updated", "unchanged", "skipped", "invalid", "possible_duplicates"), 0
    )
    counts |= {"created": 2, "persons_created": 1}
    with speaking("de"):
        assert summary_text(counts) == (
            "2 neu angelegt, 0 aktualisiert, 0 unverändert, 0 übersprungen, 0 ungültig; "
            "1 Ansprechperson angelegt"
        )
        assert change_label("organisation", "register_number") == "Registernummer"
        assert value_text(store.config, "organisation", "district", "biebrich") == "Biebrich"
        assert value_text(store.config, "organisation", "known_since", dt.date(2023, 3, 14)) == (
            "14.03.2023"
        )
        assert value_text(store.config, "organisation", "email", None) == "—"
    with speaking("en"):
        assert summary_text(counts).startswith("2 created, 0 updated")
        assert change_label("person", "phone") == "Phone"
        assert value_text(store.config, "organisation", "fields", ["youth", "culture"]) == (
            "Youth, Culture"
        )
