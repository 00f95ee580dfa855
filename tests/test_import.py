"""``mokoord import``: messy spreadsheets from German offices, through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import git_log, git_status, run_mokoord
from mokoord.store import Store

HEADER = [
    "Verein",
    "Ansprechpartner",
    "Telefon",
    "E-Mail",
    "Straße",
    "PLZ",
    "Stadtteil",
    "Schwerpunkt",
    "Sprache(n)",
    "Herkunft",
    "Mitglieder",
    "Rechtsform",
    "Registernummer",
    "Bemerkung",
    "Interne Nr.",
]
ROWS = [
    # 2: a clean-ish row with odd formats everywhere
    [
        "Deutsch-Türkischer Elternverein Biebrich e.V.",
        "Ayse Beispiel",
        "0611 / 12 34 56",
        "info@elternverein.example.org",
        "Rathausstraße 5",
        "65203",
        "Biebrich-Mitte",
        "Bildung, Eltern/Familie",
        "Türkisch, Deutsch",
        "Türkei",
        "ca. 120",
        "e.V.",
        "VR 1234",
        "Treffen montags",
        "17",
    ],
    # 3: semicolons inside a quoted cell, unusual phone format
    [
        "Kulturverein Anatolien",
        "Max Muster",
        "(0611) 98765",
        "kultur@example.org",
        "Wiesbadener Str. 1",
        "65197",
        "Westend",
        "Kultur; Sport",
        "Türkisch",
        "Türkei",
        "80",
        "Verein",
        "VR 2001",
        "",
        "18",
    ],
    # 4: the same organisation as row 2, spelled differently
    [
        "Deutsch Türkischer Elternverein Biebrich",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Doppelt",
        "19",
    ],
    # 5: a broken e-mail and an unknown district
    [
        "Eritreische Gemeinschaft",
        "",
        "+49 (0)611 555 0",
        "kaputt@",
        "",
        "",
        "Mars",
        "Religion",
        "Tigrinya",
        "Eritrea",
        "",
        "",
        "",
        "",
        "20",
    ],
    # 6: no name
    ["", "", "", "", "", "", "", "", "", "", "", "", "", "nur eine Bemerkung", "21"],
    # 7: a phone number that lost its leading zero in Excel, two origins
    [
        "Arabischer Frauenverein",
        "",
        "611223344",
        "frauen@example.org",
        "",
        "65252",
        "Mainz-Kastel",
        "Frauen",
        "Arabisch",
        "Syrien, Irak",
        "1.200",
        "",
        "VR 777",
        "",
        "22",
    ],
]


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ";") -> str:
    def cell(value: str) -> str:
        if delimiter in value or '"' in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(v) for v in line) for line in [header, *rows]]
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """A sheet as German Excel saves it: Windows-1252, semicolons, CRLF, a broken row."""
    text = csv_text(HEADER, ROWS)
    text += "Verein mit Semikolon;im Namen;;;;;;;;;;;;;23;zu viel\r\n"  # row 8: too many cells
    path = tmp_path / "vereine.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def org_yaml(store: Store, org_id: str) -> str:
    return (store.root / "organisations" / f"{org_id}.yaml").read_text(encoding="utf-8")


def commits(store: Store) -> int:
    return len(git_log(store.root, "--oneline").splitlines())


def test_dry_run_reports_every_problem_by_row_and_writes_nothing(cli, store, messy_csv):
    result = cli("import", str(messy_csv), "--dry-run", "--legal-basis", "public_task")
    assert result.exit_code == 1  # a real run would refuse: some rows are invalid
    out = result.output
    assert "cp1252" in out
    assert "semicolon" in out
    assert f"{messy_csv}:1:15: warning unknown-column column 'Interne Nr.'" in out
    assert f"{messy_csv}:5:4: error invalid-value E-Mail: 'kaputt@'" in out
    assert f"{messy_csv}:5:7: warning unknown-term Stadtteil: 'Mars'" in out
    assert f"{messy_csv}:6:1: error missing-value the organisation has no name" in out
    assert f"{messy_csv}:8:0: error broken-row the row has 16 cells" in out
    assert f"{messy_csv}:4:0: warning duplicate-row" in out
    assert "as row 2" in out
    assert "nothing was written" in out
    assert commits(store) == 1
    assert git_status(store.root) == ""
    assert not list((store.root / "organisations").glob("*.yaml"))


def test_real_run_with_invalid_rows_writes_nothing(cli, store, messy_csv):
    result = cli("import", str(messy_csv))
    assert result.exit_code == 1
    assert "nothing was imported" in said(result)
    assert "--skip-invalid" in said(result)
    assert "Traceback" not in said(result)
    assert commits(store) == 1
    assert not list((store.root / "organisations").glob("*.yaml"))


def test_skip_invalid_imports_the_rest_as_one_commit_with_normalised_values(cli, store, messy_csv):
    result = cli("import", str(messy_csv), "--skip-invalid", "--legal-basis", "public_task")
    assert result.exit_code == 0, result.output
    assert commits(store) == 2
    assert git_status(store.root) == ""
    created = sorted(p.stem for p in (store.root / "organisations").glob("*.yaml"))
    assert created == [
        "arabischer-frauenverein",
        "deutsch-tuerkischer-elternverein-biebrich",
        "kulturverein-anatolien",
    ]
    data = Store(store.root).load()
    parents = data.organisations["deutsch-tuerkischer-elternverein-biebrich"]
    assert parents.district == "biebrich"  # "Biebrich-Mitte"
    assert parents.phone == "+49 611 123456"
    assert parents.email == "info@elternverein.example.org"
    assert parents.fields == ["education", "parents_family"]
    assert parents.languages == ["tr", "de"]
    assert parents.origins == ["TR"]
    assert parents.members is not None
    assert parents.members.count == 120
    assert parents.legal_form == "registered_association"
    assert parents.registration is not None
    assert parents.registration.number == "VR 1234"
    assert parents.address is not None
    assert parents.address.postal_code == "65203"
    assert parents.address.street == "Rathausstraße 5"
    assert parents.notes == "Treffen montags"
    assert parents.status == "known"
    assert parents.known_since == dt.date.today()
    anatolia = data.organisations["kulturverein-anatolien"]
    assert anatolia.fields == ["culture", "sport"]
    assert anatolia.district == "westend"
    assert anatolia.phone == "+49 611 98765"
    women = data.organisations["arabischer-frauenverein"]
    assert women.phone == "+49 611 223344"  # Excel had dropped the 0
    assert women.district == "mainz-kastel"
    assert women.origins == ["SY", "IQ"]
    assert women.members is not None
    assert women.members.count == 1200
    # contact persons: own files, random ids, linked by organisation
    persons = {p.name: p for p in data.persons.values()}
    assert set(persons) == {"Ayse Beispiel", "Max Muster"}
    assert persons["Ayse Beispiel"].organisation == "deutsch-tuerkischer-elternverein-biebrich"
    assert persons["Ayse Beispiel"].id.startswith("p-")
    log = git_log(store.root, "-1", "--format=%B%n", "--name-only")
    assert "Ayse" not in log
    assert "Muster" not in log
    assert "Beispiel" not in log
    assert "import organisations: 3 created" in log


def test_importing_the_same_file_twice_changes_nothing(cli, store, messy_csv):
    assert cli("import", str(messy_csv), "--skip-invalid").exit_code == 0
    before = commits(store)
    files = sorted(p.name for p in store.root.rglob("*.yaml"))
    again = cli("import", str(messy_csv), "--skip-invalid", "--on-duplicate", "update")
    assert again.exit_code == 0, again.output
    assert "nothing to change: 0 created, 0 updated, 3 unchanged" in said(again)
    assert commits(store) == before
    assert sorted(p.name for p in store.root.rglob("*.yaml")) == files
    assert git_status(store.root) == ""


@pytest.mark.parametrize(
    ("encoding", "delimiter", "detected"),
    [
        ("utf-8-sig", ";", "utf-8-sig"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("utf-8", ";", "utf-8"),
        ("cp1252", ",", "cp1252"),
        ("utf-16", "\t", "utf-16"),
    ],
)
def test_encodings_and_delimiters_are_detected(cli, tmp_path, encoding, delimiter, detected):
    path = tmp_path / "liste.csv"
    path.write_bytes(
        csv_text(
            ["Name", "Stadtteil", "Sprachen"],
            [["Café Müßiggang e.V.", "Südost", "Türkisch; Kurdisch"]],
            delimiter,
        ).encode(encoding)
    )
    result = cli("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["encoding"] == detected
    assert report["delimiter"] == delimiter
    assert report["summary"]["created"] == 1
    org = Store(cli.root).load().organisations["cafe-muessiggang"]
    assert org.name == "Café Müßiggang e.V."
    assert org.district == "suedost"
    assert org.languages == ["tr", "ku"]


def test_encoding_can_be_forced_and_a_wrong_one_is_a_clear_error(cli, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes("Name;Ort\r\nVerein Çağ;Wiesbaden\r\n".encode())
    forced = cli("import", str(path), "--encoding", "cp1252", "--dry-run", "--json")
    assert forced.exit_code == 0
    assert (
        json.loads(forced.stdout)["actions"][0]["name"] == "Verein Ã‡aÄŸ"
    )  # what the user asked for
    wrong = cli("import", str(path), "--encoding", "klingon")
    assert wrong.exit_code == 2
    assert "unknown encoding 'klingon'" in said(wrong)
    ascii_only = cli("import", str(path), "--encoding", "ascii")
    assert ascii_only.exit_code == 2
    assert "not valid ascii" in said(ascii_only)


def make_xlsx(path: Path) -> Path:
    """A workbook as offices make it: numbers as numbers, a date cell, umlauts, a notes sheet."""
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Hinweise"
    notes["A1"] = "Liste der Vereine, Stand Frühjahr"
    sheet = workbook.create_sheet("Vereine")
    sheet.append(
        [
            "Name des Vereins",
            "Kontaktperson",
            "Tel.",
            "PLZ",
            "Ortsbezirk",
            "Tätigkeitsfeld",
            "Mitglieder",
            "Registernummer",
            "Geprüft am",
            "Lieblingsfarbe",
        ]
    )
    sheet.append(
        [
            "Griechische Gemeinde Wiesbaden",
            "Eleni Beispiel",
            6119876543,
            65183,
            "Mitte",
            "Kultur, Religion",
            250,
            "VR 555",
            dt.datetime(2023, 3, 14),
            "blau",
        ]
    )
    sheet.append(
        [
            "Polnischer Kulturverein Öl",
            None,
            "+49 611 4444",
            "65187",
            "Südost",
            "Bildung",
            "45",
            None,
            None,
            "grün",
        ]
    )
    sheet.append(
        [
            "Griechische Gemeinde Wiesbaden e.V.",
            None,
            None,
            None,
            None,
            None,
            None,
            "VR555",
            None,
            None,
        ]
    )  # duplicate by register
    sheet.append([None, None, None, None, None, None, None, None, None, None])  # empty: ignored
    sheet.append(
        ["Ohne Postleitzahl", None, "abc", "Wiesbaden", None, None, None, None, None, None]
    )
    sheet.append(["Zu breit", None, None, None, None, None, None, None, None, None, "überzählig"])
    workbook.save(path)
    return path


def test_xlsx_import_with_sheet_numbers_and_dates(cli, tmp_path):
    path = make_xlsx(tmp_path / "vereine.xlsx")
    result = cli(
        "import",
        str(path),
        "--sheet",
        "Vereine",
        "--json",
        "--skip-invalid",
        "--legal-basis",
        "public_task",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sheet"] == "Vereine"
    assert report["unknown_columns"] == ["Lieblingsfarbe"]
    assert report["summary"] == {
        "rows": 5,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "invalid": 2,
        "persons_created": 1,
        "persons_updated": 0,
        "possible_duplicates": 0,
    }
    by_row = {(a["row"], a["kind"]): a for a in report["actions"]}
    assert by_row[(4, "organisation")]["action"] == "skip"
    assert by_row[(4, "organisation")]["match"] == "row 2"
    codes = {(p["line"], p["code"]) for p in report["problems"]}
    assert (6, "invalid-value") in codes  # "abc" phone, "Wiesbaden" postal code
    assert (7, "broken-row") in codes
    data = Store(cli.root).load()
    greek = data.organisations["griechische-gemeinde-wiesbaden"]
    assert greek.phone == "+49 611 9876543"
    assert greek.address is not None
    assert greek.address.postal_code == "65183"
    assert greek.district == "mitte"
    assert greek.fields == ["culture", "religion"]
    assert greek.last_verified == dt.date(2023, 3, 14)
    polish = data.organisations["polnischer-kulturverein-oel"]
    assert polish.district == "suedost"
    assert polish.members is not None
    assert polish.members.count == 45


def test_xlsx_first_sheet_by_default_and_unknown_sheet(cli, tmp_path):
    path = make_xlsx(tmp_path / "vereine.xlsx")
    first = cli("import", str(path), "--dry-run")
    assert first.exit_code == 2
    assert "no column holds the organisation's name" in said(first)
    missing = cli("import", str(path), "--sheet", "Tabelle9")
    assert missing.exit_code == 2
    assert "no sheet 'Tabelle9'" in said(missing)
    assert "Hinweise, Vereine" in said(missing)


def test_unreadable_inputs_are_clear_errors(cli, tmp_path):
    missing = cli("import", str(tmp_path / "fehlt.csv"))
    assert missing.exit_code == 2
    assert "no such file" in said(missing)
    old = tmp_path / "alt.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    legacy = cli("import", str(old))
    assert legacy.exit_code == 2
    assert "save the sheet as .xlsx" in said(legacy)
    fake = tmp_path / "kaputt.xlsx"
    fake.write_text("kein Excel")
    broken = cli("import", str(fake))
    assert broken.exit_code == 2
    assert "not a readable XLSX file" in said(broken)
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n;;\r\n")
    assert "empty" in cli("import", str(empty)).output
    bad_flag = cli("import", str(empty), "--on-duplicate", "merge")
    assert bad_flag.exit_code == 2
    assert "--on-duplicate must be one of" in said(bad_flag)


def existing_store(cli, tmp_path: Path) -> None:
    path = tmp_path / "start.csv"
    path.write_text(
        csv_text(
            ["Name", "Registernummer", "Telefon", "E-Mail", "Stadtteil"],
            [
                [
                    "Afrikanischer Kulturverein Wiesbaden e.V.",
                    "VR 3001",
                    "0611 111111",
                    "",
                    "Dotzheim",
                ]
            ],
        ),
        encoding="utf-8",
    )
    assert cli("import", str(path)).exit_code == 0


def second_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "neu.csv"
    path.write_text(
        csv_text(
            ["Name", "Registernummer", "Telefon", "E-Mail", "Stadtteil"],
            [["Afrikanischer Kulturverein", "vr3001", "0611 222222", "afrika@example.org", ""]],
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("policy", "phone", "email", "action"),
    [
        ("skip", "+49 611 111111", None, "skip"),
        ("update", "+49 611 222222", "afrika@example.org", "update"),
        ("fill", "+49 611 111111", "afrika@example.org", "update"),
    ],
)
def test_duplicates_against_the_store_follow_on_duplicate(
    cli, store, tmp_path, policy, phone, email, action
):
    existing_store(cli, tmp_path)
    before = commits(store)
    result = cli("import", str(second_sheet(tmp_path)), "--on-duplicate", policy, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [org_action] = report["actions"]
    assert org_action["action"] == action
    assert org_action["id"] == "afrikanischer-kulturverein-wiesbaden"
    assert org_action["match"] == "register"
    org = Store(store.root).load().organisations["afrikanischer-kulturverein-wiesbaden"]
    assert org.phone == phone
    assert org.email == email
    assert org.district == "dotzheim"  # an empty cell never erases
    assert (
        org.name == "Afrikanischer Kulturverein Wiesbaden e.V."
        if policy != "update"
        else org.name == "Afrikanischer Kulturverein"
    )
    assert commits(store) == before + (0 if policy == "skip" else 1)
    assert len(list((store.root / "organisations").glob("*.yaml"))) == 1


def test_name_alike_after_legal_form_and_accents_is_a_duplicate(cli, store, tmp_path):
    existing_store(cli, tmp_path)
    path = tmp_path / "namen.csv"
    path.write_text(
        csv_text(
            ["Verein", "Stadtteil"],
            [
                ["AFRIKANISCHER Kulturverein Wiesbaden", "Dotzheim"],
                ["Afrikanischer Kulturverein Wiesbaden", "Dotzheim"],
            ],
        ),
        encoding="utf-8",
    )
    report = json.loads(cli("import", str(path), "--json", "--dry-run").stdout)
    first, second = report["actions"]
    assert (first["action"], first["match"]) == ("unchanged", "name")
    assert (second["action"], second["match"]) == ("skip", "row 2")


def test_same_name_but_other_register_number_is_not_a_duplicate(cli, store, tmp_path):
    existing_store(cli, tmp_path)
    path = tmp_path / "andere.csv"
    path.write_text(
        csv_text(["Name", "Registernummer"], [["Afrikanischer Kulturverein Wiesbaden", "VR 9999"]]),
        encoding="utf-8",
    )
    report = json.loads(cli("import", str(path), "--json").stdout)
    assert report["actions"][0]["action"] == "create"
    assert report["actions"][0]["id"] == "afrikanischer-kulturverein-wiesbaden-2"


def test_ask_needs_a_terminal_and_asks_at_one(cli, store, tmp_path):
    existing_store(cli, tmp_path)
    sheet = second_sheet(tmp_path)
    refused = cli("import", str(sheet), "--on-duplicate", "ask", env={"MOKOORD_INTERACTIVE": "0"})
    assert refused.exit_code == 2
    assert "needs a terminal" in said(refused)
    asked = cli(
        "import", str(sheet), "--on-duplicate", "ask", input="3\n", env={"MOKOORD_INTERACTIVE": "1"}
    )
    assert asked.exit_code == 0, asked.output
    assert "Phone: +49 611 111111 → +49 611 222222" in said(asked)
    assert "E-mail: — → afrika@example.org (empty in the store)" in said(asked)
    org = Store(store.root).load().organisations["afrikanischer-kulturverein-wiesbaden"]
    assert (org.phone, org.email) == ("+49 611 111111", "afrika@example.org")  # 3 = fill


def test_mapping_is_saved_and_reused(cli, store, tmp_path):
    path = tmp_path / "eigen.csv"
    path.write_text(
        csv_text(
            ["Bezeichnung", "Bezirk", "Interne Nr."], [["Vietnamesischer Verein", "Biebrich", "4"]]
        ),
        encoding="utf-8",
    )
    saved = tmp_path / "mapping.yaml"
    result = cli("import", str(path), "--dry-run", "--save-mapping", str(saved))
    assert result.exit_code == 2  # no name column recognised: nothing planned, nothing saved
    assert "no column holds the organisation's name" in said(result)
    mapping = tmp_path / "meine.yaml"
    mapping.write_text(
        "kind: organisations\ncolumns:\n  Bezeichnung: name\n  Interne Nr.: null\n",
        encoding="utf-8",
    )
    planned = cli(
        "import", str(path), "--mapping", str(mapping), "--save-mapping", str(saved), "--json"
    )
    assert planned.exit_code == 0, planned.output
    report = json.loads(planned.stdout)
    assert report["mapping"] == {"Bezeichnung": "name", "Bezirk": "district", "Interne Nr.": None}
    assert report["unknown_columns"] == []
    text = saved.read_text(encoding="utf-8")
    assert "Bezeichnung: name" in text
    assert "Bezirk: district" in text
    org = Store(store.root).load().organisations["vietnamesischer-verein"]
    assert org.district == "biebrich"
    # the saved mapping works on its own
    again = cli("import", str(path), "--mapping", str(saved), "--json")
    assert json.loads(again.stdout)["summary"]["unchanged"] == 1


def test_a_bad_mapping_file_points_at_its_line(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Name\r\nVerein A\r\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: organisations\ncolumns:\n  Name: name\nspalten: 3\n", encoding="utf-8")
    result = cli("import", str(path), "--mapping", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:4:1:" in said(result)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("columns:\n  Name: vereinsname\n", encoding="utf-8")
    result = cli("import", str(path), "--mapping", str(wrong))
    assert result.exit_code == 2
    assert "'vereinsname' for column 'Name', which is no field" in said(result)


def test_contact_log_import_is_guessed_and_idempotent(cli, store, tmp_path):
    existing_store(cli, tmp_path)
    path = tmp_path / "kontakte.csv"
    path.write_text(
        csv_text(
            ["Datum", "Organisation", "Kanal", "Themen", "Zusammenfassung"],
            [
                [
                    "14.03.2023",
                    "Afrikanischer Kulturverein",
                    "Besuch vor Ort",
                    "Förderung, Räume",
                    "Vorstellung der Koordinierungsstelle",
                ],
                [
                    "2023-04-02",
                    "afrikanischer-kulturverein-wiesbaden",
                    "Telefon",
                    "Sonstiges",
                    "Rückfrage zum Antrag",
                ],
                ["31.02.2023", "Unbekannter Verein", "Brieftaube", "", "kaputt"],
            ],
        ),
        encoding="utf-8",
    )
    result = cli("import", str(path), "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["kind"] == "contacts"
    assert report["summary"]["created"] == 2
    assert report["summary"]["invalid"] == 1
    contacts = sorted(Store(store.root).load().contacts.values(), key=lambda c: c.date)
    assert [c.date for c in contacts] == [dt.date(2023, 3, 14), dt.date(2023, 4, 2)]
    assert contacts[0].organisations == ["afrikanischer-kulturverein-wiesbaden"]
    assert contacts[0].channel == "visit"
    assert contacts[0].topics == ["funding", "rooms"]
    assert contacts[0].id.startswith("2023-03-14-")
    assert (store.root / "contacts" / "2023" / f"{contacts[0].id}.yaml").is_file()
    before = commits(store)
    again = json.loads(cli("import", str(path), "--skip-invalid", "--json").stdout)
    assert again["summary"]["unchanged"] == 2
    assert commits(store) == before


def test_subprocess_dry_run_json(store, messy_csv):
    result = run_mokoord(
        "--data",
        str(store.root),
        "import",
        str(messy_csv),
        "--dry-run",
        "--json",
        "--skip-invalid",
        cwd=store.root,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "file",
        "kind",
        "encoding",
        "delimiter",
        "sheet",
        "on_duplicate",
        "mapping",
        "unknown_columns",
        "summary",
        "actions",
        "problems",
        "dry_run",
        "commit",
    }
    assert report["dry_run"] is True
    assert report["commit"] is None
    assert report["summary"]["created"] == 3
    assert {
        "row",
        "action",
        "kind",
        "id",
        "name",
        "match",
        "changes",
        "reason",
        "possible_duplicates",
    } == set(report["actions"][0])
    assert all(a["name"] is None for a in report["actions"] if a["kind"] == "person")
    assert git_status(store.root) == ""


def test_list_cells_split_on_and_only_when_no_term_says_so(cli, store, tmp_path):
    path = tmp_path / "felder.csv"
    path.write_text(
        csv_text(
            ["Name", "Tätigkeitsfelder", "Schlagworte"],
            [
                ["Verein Eins", "Religion und Kultur", "Moschee, Frauen Treff"],
                ["Verein Zwei", "Eltern und Familie; Arbeit und Beruf", ""],
                ["Verein Drei", "Jugendarbeit / Sport & Spiel", ""],
            ],
        ),
        encoding="utf-8",
    )
    assert cli("import", str(path)).exit_code == 0
    data = Store(store.root).load()
    assert data.organisations["verein-eins"].fields == ["religion", "culture"]
    assert data.organisations["verein-eins"].tags == ["moschee", "frauen-treff"]
    assert data.organisations["verein-zwei"].fields == ["parents_family", "work"]
    assert data.organisations["verein-drei"].fields[:2] == ["youth", "sport"]


def test_an_organisation_list_with_date_and_remarks_is_not_a_contact_log(cli, store, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(
        csv_text(
            ["Verein", "Straße", "Datum", "Bemerkung"],
            [["Verein Vier", "Hauptstr. 1", "01.02.2023", "x"]],
        ),
        encoding="utf-8",
    )
    report = json.loads(cli("import", str(path), "--dry-run", "--json").stdout)
    assert report["kind"] == "organisations"
    assert report["unknown_columns"] == ["Datum"]


def test_unknown_id_still_finds_the_organisation_by_register_number(cli, store, tmp_path):
    existing_store(cli, tmp_path)
    path = tmp_path / "fremd.csv"
    path.write_text(
        csv_text(
            ["ID", "Name", "Registernummer"],
            [["anderer-name", "Afrikanischer Kulturverein", "VR 3001"]],
        ),
        encoding="utf-8",
    )
    report = json.loads(cli("import", str(path), "--json").stdout)
    assert report["actions"][0]["match"] == "register"
    assert report["actions"][0]["id"] == "afrikanischer-kulturverein-wiesbaden"


def test_an_id_column_naming_a_device_gets_an_id_from_the_name(cli, store, tmp_path):
    sheet = tmp_path / "vereine.csv"
    sheet.write_text("ID;Name\nnul;Nullpunkt e.V.\n", encoding="utf-8")
    result = cli("import", str(sheet))
    assert result.exit_code == 0, result.output
    assert (store.root / "organisations" / "nullpunkt.yaml").is_file()
    assert not (store.root / "organisations" / "nul.yaml").exists()
    text = (store.root / "organisations" / "nullpunkt.yaml").read_text(encoding="utf-8")
    assert "legal_form: registered_association" in text
