"""Import never merges distinct organisations: the rule for "the same", through the real CLI.

Two rows are the same organisation only when their register numbers are
equal (spelling aside) or their names are equal after normalising case,
accents, umlaut spellings, punctuation, spacing and legal-form words. Every
other pair is two organisations; look-alikes are imported and listed for a
person to check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import git_log, git_status
from mokoord.exchange.dedupe import same_organisation, same_person
from mokoord.store import Store

BASIS = ("--legal-basis", "public_task")
"""New contact persons of these sheets rest on the public task (no consent dates)."""


def csv_file(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "cp1252"
) -> Path:
    """A sheet as German Excel saves it: semicolons, CRLF, Windows-1252."""
    lines = [";".join(line) for line in [header, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def xlsx_file(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def commits(store: Store) -> int:
    return len(git_log(store.root, "--oneline").splitlines())


def org_files(store: Store) -> list[str]:
    return sorted(p.stem for p in (store.root / "organisations").glob("*.yaml"))


LOOK_ALIKES = [
    # 2
    ["Kurdischer Frauenverein Wiesbaden e.V.", "VR 9014"],
    # 3: one word differs
    ["Kurdischer Jugendverein Wiesbaden", ""],
    # 4, 5: two countries a letter apart
    ["Afrikanischer Kulturverein Biebrich", ""],
    ["Afghanischer Kulturverein Biebrich", ""],
    # 6, 7: two districts
    ["Elternverein Biebrich", ""],
    ["Elternverein Bierstadt", ""],
    # 8: row 2 in capitals, with the legal form written out
    ["KURDISCHER FRAUENVEREIN WIESBADEN eingetragener Verein", ""],
    # 9: row 2 by its register number, spelled otherwise, under a shorter name
    ["Kurdischer Frauenverein", "vr9014"],
    # 10-12: umlaut spellings, hyphens, spacing, e.V. variants
    ["Deutsch-Türkischer Sportverein Schierstein e.V.", ""],
    ["Deutsch Tuerkischer Sport-Verein Schierstein e. V.", ""],
    ["deutsch turkischer  sportverein schierstein eV", ""],
    # 13, 14: ß and gGmbH
    ["Bildungswerk Großstadt gGmbH", ""],
    ["Bildungswerk Grossstadt", ""],
    # 15, 16: the same name, but two registered associations
    ["Griechische Gemeinde", "VR 100"],
    ["Griechische Gemeinde", "VR 200"],
    # 17, 18: numbers make organisations
    ["Frauentreff 1", ""],
    ["Frauentreff 2", ""],
]


def test_look_alike_names_are_imported_and_listed_only_the_same_is_merged(cli, store, tmp_path):
    sheet = csv_file(tmp_path / "vereine.csv", ["Verein", "Registernummer"], LOOK_ALIKES)
    result = cli("import", *BASIS, str(sheet), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    actions = {a["row"]: a for a in report["actions"] if a["kind"] == "organisation"}
    assert {row for row, a in actions.items() if a["action"] == "skip"} == {8, 9, 11, 12, 14}
    assert actions[8]["match"] == "row 2"
    assert actions[9]["match"] == "row 2"  # by its register number
    assert actions[11]["match"] == actions[12]["match"] == "row 10"
    assert actions[14]["match"] == "row 13"
    assert org_files(store) == [
        "afghanischer-kulturverein-biebrich",
        "afrikanischer-kulturverein-biebrich",
        "bildungswerk-grossstadt",
        "deutsch-tuerkischer-sportverein-schierstein",
        "elternverein-biebrich",
        "elternverein-bierstadt",
        "frauentreff-1",
        "frauentreff-2",
        "griechische-gemeinde",
        "griechische-gemeinde-2",
        "kurdischer-frauenverein-wiesbaden",
        "kurdischer-jugendverein-wiesbaden",
    ]
    flagged = {
        row: [(d["row"], d["id"]) for d in a["possible_duplicates"]]
        for row, a in actions.items()
        if a["possible_duplicates"]
    }
    assert flagged == {
        3: [(2, "kurdischer-frauenverein-wiesbaden")],
        5: [(4, "afrikanischer-kulturverein-biebrich")],
        16: [(15, "griechische-gemeinde")],
    }
    assert actions[3]["possible_duplicates"][0]["name"] == "Kurdischer Frauenverein Wiesbaden e.V."
    assert 85 <= actions[3]["possible_duplicates"][0]["similarity"] < 100
    assert actions[16]["possible_duplicates"][0]["similarity"] == 100  # other register number
    assert report["summary"]["created"] == 12
    assert report["summary"]["possible_duplicates"] == 3
    assert commits(store) == 2
    assert git_status(store.root) == ""


def test_the_plan_and_the_summary_list_look_alikes_with_both_rows(cli, store, tmp_path):
    sheet = csv_file(tmp_path / "vereine.csv", ["Verein", "Registernummer"], LOOK_ALIKES)
    dry = cli("import", *BASIS, str(sheet), "--dry-run")
    assert dry.exit_code == 0, dry.output
    out = said(dry)
    assert "possibly the same as row 2:" in out  # in the plan's table
    assert "Possibly the same — please check (imported as new records):" in out
    listing = out.split("Possibly the same — please check")[1]
    assert "row 3: Kurdischer Jugendverein Wiesbaden ~ row 2: Kurdischer Frauenverein" in listing
    assert "row 5: Afghanischer Kulturverein Biebrich ~ row 4: Afrikanischer" in listing
    assert "Bierstadt" not in listing  # "Biebrich"/"Bierstadt" are not alike enough to ask
    assert "Frauentreff" not in listing  # names that differ in a number are not listed
    assert "3 possibly the same as others — please check" in out
    assert org_files(store) == []
    real = cli("import", *BASIS, str(sheet))
    assert real.exit_code == 0
    assert "imported: 12 created" in said(real)
    assert "3 possibly the same as others — please check" in said(real)


def test_1500_numbered_rows_make_1500_organisations(cli, store, tmp_path):
    rows: list[list[object]] = [
        [f"Kulturverein Nummer {i}", "Biebrich", f"VR {5000 + i}" if i % 3 == 0 else None]
        for i in range(1500)
    ]
    sheet = xlsx_file(
        tmp_path / "nummern.xlsx", ["Name des Vereins", "Ortsbezirk", "VR-Nummer"], rows
    )
    result = cli("import", *BASIS, str(sheet), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["created"] == 1500
    assert summary["skipped"] == 0
    assert summary["possible_duplicates"] == 0
    assert len(org_files(store)) == 1500
    assert commits(store) == 2
    again = json.loads(cli("import", *BASIS, str(sheet), "--json").stdout)["summary"]
    assert (again["created"], again["unchanged"]) == (0, 1500)  # each row finds its own record


def store_with_kurdish_women(cli, tmp_path: Path) -> None:
    sheet = csv_file(
        tmp_path / "start.csv",
        ["Verein", "Registernummer", "Telefon", "Ansprechpartner"],
        [["Kurdischer Frauenverein Wiesbaden e.V.", "VR 9014", "0611 111111", "Ayşe Yılmaz"]],
        encoding="utf-8-sig",
    )
    assert cli("import", *BASIS, str(sheet)).exit_code == 0


def test_against_the_store_only_the_same_organisation_is_merged(cli, store, tmp_path):
    store_with_kurdish_women(cli, tmp_path)
    sheet = csv_file(
        tmp_path / "neu.csv",
        ["Verein", "Registernummer", "E-Mail"],
        [
            ["Kurdischer Jugendverein Wiesbaden", "", "jugend@example.org"],
            ["Kurdischer Frauen-Verein", "VR-9014", "frauen@example.org"],
            ["Kurdischer Frauenverein Wiesbaden", "VR 9015", ""],
        ],
    )
    result = cli("import", *BASIS, str(sheet), "--on-duplicate", "fill", "--json")
    assert result.exit_code == 0, result.output
    actions = [a for a in json.loads(result.stdout)["actions"] if a["kind"] == "organisation"]
    youth, women, other = actions
    assert (youth["action"], youth["id"]) == ("create", "kurdischer-jugendverein-wiesbaden")
    assert youth["possible_duplicates"][0]["id"] == "kurdischer-frauenverein-wiesbaden"
    assert youth["possible_duplicates"][0]["row"] is None  # in the store, not in the sheet
    assert (women["action"], women["match"]) == ("update", "register")
    assert (other["action"], other["id"]) == ("create", "kurdischer-frauenverein-wiesbaden-2")
    data = Store(store.root).load()
    assert data.organisations["kurdischer-frauenverein-wiesbaden"].email == "frauen@example.org"
    assert data.organisations["kurdischer-jugendverein-wiesbaden"].email == "jugend@example.org"


def test_contact_persons_of_one_organisation_follow_the_same_rule(cli, store, tmp_path):
    store_with_kurdish_women(cli, tmp_path)
    header = ["Verein", "Ansprechpartner", "Telefon Ansprechpartner"]
    same = csv_file(
        tmp_path / "gleich.csv",
        header,
        [["Kurdischer Frauenverein Wiesbaden", "AYSE YILMAZ", "0611 222222"]],
        encoding="utf-8",
    )
    result = cli("import", *BASIS, str(same), "--on-duplicate", "update", "--json")
    assert result.exit_code == 0, result.output
    [person] = [a for a in json.loads(result.stdout)["actions"] if a["kind"] == "person"]
    assert (person["action"], person["match"]) == ("update", "name")
    data = Store(store.root).load()
    [ayse] = data.persons.values()
    assert (ayse.name, ayse.phone) == ("Ayşe Yılmaz", "+49 611 222222")  # spelling kept

    alike = csv_file(
        tmp_path / "aehnlich.csv",
        header,
        [["Kurdischer Frauenverein Wiesbaden", "Ayşe Yılmazer", "0611 333333"]],
        encoding="utf-16",
    )
    result = cli("import", *BASIS, str(alike), "--on-duplicate", "update", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [person] = [a for a in report["actions"] if a["kind"] == "person"]
    assert person["action"] == "create"
    assert person["possible_duplicates"][0]["id"] == ayse.id
    assert person["possible_duplicates"][0]["name"] is None  # no person's name in JSON
    assert report["summary"]["persons_created"] == 1
    assert report["summary"]["possible_duplicates"] == 1
    assert sorted(p.name for p in Store(store.root).load().persons.values()) == [
        "Ayşe Yılmaz",
        "Ayşe Yılmazer",
    ]
    log = git_log(store.root, "-1", "--format=%B")
    assert "Yılmaz" not in log


def test_contacts_are_the_same_only_with_the_same_summary(cli, store, tmp_path):
    store_with_kurdish_women(cli, tmp_path)
    header = ["Datum", "Organisation", "Kanal", "Zusammenfassung"]
    org = "kurdischer-frauenverein-wiesbaden"
    rows = [
        ["14.03.2023", org, "Telefon", "Raumbedarf für die Jugendgruppe besprochen."],
        ["14.03.2023", org, "Telefon", "raumbedarf fuer die jugendgruppe besprochen"],
        ["14.03.2023", org, "Telefon", "Raumbedarf für die Frauengruppe besprochen."],
        ["15.03.2023", org, "Telefon", "Raumbedarf für die Jugendgruppe besprochen."],
    ]
    sheet = csv_file(tmp_path / "kontakte.csv", header, rows)
    result = cli("import", *BASIS, str(sheet), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    actions = {a["row"]: a for a in report["actions"]}
    assert [actions[r]["action"] for r in (2, 3, 4, 5)] == ["create", "skip", "create", "create"]
    assert actions[3]["match"] == "row 2"
    assert [d["row"] for d in actions[4]["possible_duplicates"]] == [2]
    assert actions[5]["possible_duplicates"] == []  # another day: another contact
    again = json.loads(cli("import", *BASIS, str(sheet), "--json").stdout)
    assert again["summary"]["created"] == 0
    assert again["summary"]["possible_duplicates"] == 0


def test_ask_at_a_terminal_about_look_alikes(cli, store, tmp_path):
    store_with_kurdish_women(cli, tmp_path)
    sheet = csv_file(
        tmp_path / "fragen.csv",
        ["Verein", "E-Mail"],
        [
            ["Kurdischer Frauenverein Wiesbadn", "frauen@example.org"],  # a typo: the same
            ["Kurdischer Jugendverein Wiesbaden", "jugend@example.org"],  # another
        ],
    )
    # row 2: "2" = the same as the store's record, then "3" = fill its empty fields;
    # row 3: "1" = a different organisation
    result = cli(
        "import",
        *BASIS,
        str(sheet),
        "--on-duplicate",
        "ask",
        input="2\n3\n1\n",
        env={"MOKOORD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.output
    out = said(result)
    assert "row 2: Kurdischer Frauenverein Wiesbadn looks like another" in out
    assert "the same as kurdischer-frauenverein-wiesbaden in the store" in out
    assert "different: import it as a new record" in out
    assert "Possibly the same — please check" not in out  # every case was decided
    data = Store(store.root).load()
    assert sorted(data.organisations) == [
        "kurdischer-frauenverein-wiesbaden",
        "kurdischer-jugendverein-wiesbaden",
    ]
    women = data.organisations["kurdischer-frauenverein-wiesbaden"]
    assert (women.name, women.email) == (
        "Kurdischer Frauenverein Wiesbaden e.V.",
        "frauen@example.org",
    )


def test_ask_can_take_a_row_for_the_same_as_an_earlier_row(cli, store, tmp_path):
    sheet = csv_file(
        tmp_path / "fragen.csv",
        ["Verein"],
        [["Afrikanischer Kulturverein Biebrich"], ["Afrikanischer Kulturverein Biebric"]],
    )
    result = cli(
        "import", str(sheet), "--on-duplicate", "ask", input="2\n", env={"MOKOORD_INTERACTIVE": "1"}
    )
    assert result.exit_code == 0, result.output
    assert "the same as row 2: Afrikanischer Kulturverein Biebrich" in said(result)
    assert org_files(store) == ["afrikanischer-kulturverein-biebrich"]


# --------------------------------------------------------------------------- add-org


def test_add_org_warns_of_look_alikes_and_needs_force_only_for_the_same(cli, store, tmp_path):
    store_with_kurdish_women(cli, tmp_path)
    alike = cli("add-org", "--name", "Kurdischer Jugendverein Wiesbaden")
    assert alike.exit_code == 0, alike.output
    assert "possibly the same — please check" in said(alike)
    assert "kurdischer-frauenverein-wiesbaden" in said(alike)
    assert alike.stdout.strip() == "kurdischer-jugendverein-wiesbaden"

    before = commits(store)
    same = cli("add-org", "--name", "KURDISCHER FRAUEN-VEREIN WIESBADEN eingetragener Verein")
    assert same.exit_code == 2
    assert "this organisation is in the register already" in said(same)
    assert "kurdischer-frauenverein-wiesbaden" in said(same)
    assert "the same name as 'Kurdischer Frauenverein Wiesbaden e.V.'" in said(same)
    assert "--force" in said(same)
    assert commits(store) == before
    forced = cli("add-org", "--name", "Kurdischer Frauenverein Wiesbaden", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.strip() == "kurdischer-frauenverein-wiesbaden-2"


# --------------------------------------------------------------------------- the rule itself


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            ("Kurdischer Jugendverein Wiesbaden", None),
            ("Kurdischer Frauenverein Wiesbaden", None),
            False,
        ),
        (("Afrikanischer Kulturverein", None), ("Afghanischer Kulturverein", None), False),
        (("Elternverein Biebrich", None), ("Elternverein Bierstadt", None), False),
        (("Kulturverein Nummer 1", None), ("Kulturverein Nummer 2", None), False),
        (("Kulturverein Nummer 1", None), ("Kulturverein Nummer 12", None), False),
        (("Kulturverein Nummer 1 2", None), ("Kulturverein Nummer 12", None), False),
        (("Ev. Kirchengemeinde Biebrich", None), ("Kirchengemeinde Biebrich e.V.", None), False),
        (("Müller-Stiftung", None), ("Mueller Stiftung", None), True),
        (("Café Öztürk e.V.", None), ("cafe ozturk", None), True),
        (("Straßenfest-Verein e.V.", None), ("Strassenfest Verein", None), True),
        (("Kultur Verein Biebrich", None), ("Kulturverein Biebrich e. V.", None), True),
        (("Bildungswerk gGmbH", None), ("Bildungswerk gemeinnützige GmbH", None), True),
        (("Moscheegemeinde KdöR", None), ("Moscheegemeinde", None), True),
        (("Verein A", "VR 9014"), ("Verein B", "vr9014"), True),
        (("Verein A", "VR 9014"), ("Verein A", "VR 9015"), False),
        (("Verein A", "9014"), ("Verein A e.V.", "VR 09014"), True),
        (("Verein A", "VR 9014"), ("Verein A", "HRB 9014"), False),
        (("Verein A", None), ("Verein A", "VR 1"), True),
    ],
)
def test_the_rule(a: tuple[str, str | None], b: tuple[str, str | None], same: bool) -> None:
    assert same_organisation(*a, *b) is same
    assert same_organisation(*b, *a) is same


def test_the_rule_for_persons() -> None:
    assert same_person("Hans-Peter Müller", "hans peter mueller")
    assert same_person("Ayşe Yılmaz", "AYSE YILMAZ")
    assert not same_person("Ayşe Yılmaz", "Ayşe Yıldız")
    assert not same_person("Ali Demir", "Ali Demir Jr.")
