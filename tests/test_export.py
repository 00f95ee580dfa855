"""``mokoord export``: CSV for German Excel, typed XLSX, JSON, HSDS — and back in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import git_log, git_status, run_mokoord
from mokoord.store import Store
from validators import hsds_errors

ORGS = {
    "organisations/elternverein-biebrich.yaml": """\
id: elternverein-biebrich
name: Deutsch-Türkischer Elternverein Biebrich e.V.
aliases: [DTEV]
status: cooperating
status_since: 2022-05-01
known_since: 2021-03-01
legal_form: registered_association
registration:
  court: Amtsgericht Wiesbaden
  number: VR 1234
founded: 1998
district: biebrich
address:
  street: Rathausstraße 5
  postal_code: "65203"
  city: Wiesbaden
fields: [education, parents_family]
goals: Bildungschancen für Kinder verbessern
languages: [tr, de]
origins: [TR]
religion: islam
members:
  count: 120
paid_staff: false
rooms:
  own: true
  offered_to_others: true
offered_formats: [counselling, homework_help]
needs:
  - category: rooms
    since: 2023-01-10
  - category: funding
    status: met
networks: [netzwerk-islamischer-gemeinden]
website: https://elternverein.example.org
email: info@elternverein.example.org
phone: +49 611 123456
tags: [schule]
notes: Treffen montags im Gemeindehaus
last_verified: 2023-02-01
""",
    "organisations/formel-verein.yaml": """\
id: formel-verein
name: "=HYPERLINK(\\"http://evil.example.org\\",\\"klick\\")"
district: mitte
phone: +49 611 555000
notes: "@SUM(A1:A9)"
goals: "-2+3"
known_since: 2022-01-01
""",
    "organisations/abgelehnter-verein.yaml": """\
id: abgelehnter-verein
name: Abgelehnter Verein
status: declined
status_reason: Verstoß gegen § 2.4 des Konzepts
district: westend
registration:
  number: VR 666
""",
    "persons/p-ab12cd.yaml": """\
id: p-ab12cd
name: Ayse Beispiel
organisation: elternverein-biebrich
role: Vorsitzende
email: ayse@example.org
phone: +49 611 999999
consent:
  date: 2023-01-01
  scope: [contact, publication]
""",
    "persons/p-zz99yy.yaml": """\
id: p-zz99yy
name: Zweite Person
organisation: elternverein-biebrich
email: zweite@example.org
""",
    "persons/p-fm0001.yaml": """\
id: p-fm0001
name: "+Plus Person"
organisation: formel-verein
""",
    "networks/netzwerk-islamischer-gemeinden.yaml": """\
id: netzwerk-islamischer-gemeinden
name: Netzwerk islamischer Gemeinden
""",
    "institutions/kulturamt.yaml": """\
id: kulturamt
name: Kulturamt
""",
    "contacts/2023/2023-03-14-k7qm.yaml": """\
id: 2023-03-14-k7qm
date: 2023-03-14
organisations: [elternverein-biebrich]
persons: [p-ab12cd]
channel: visit
topics: [funding, rooms]
summary: Vorstellung; Raumfrage besprochen
coordinator: Koordination
follow_up:
  date: 2023-04-01
  action: Raumliste schicken
referrals:
  - institution: kulturamt
    reason: Raum für Kulturabend
    outcome: taken_up
    outcome_date: 2023-05-02
""",
    "contacts/2022/2022-11-02-ab3d.yaml": """\
id: 2022-11-02-ab3d
date: 2022-11-02
organisations: [formel-verein]
channel: phone
summary: Erstkontakt
""",
    "events/2023/2023-06-10-sommerfest.yaml": """\
id: 2023-06-10-sommerfest
kind: festival
title: Sommerfest der Vereine
date: 2023-06-10
participants: 80
attendance:
  - organisation: elternverein-biebrich
    people: 12
notes: Sehr gut besucht
""",
    "programmes/integration-durch-kultur.yaml": """\
id: integration-durch-kultur
name: Integration durch Kultur
lines:
  - id: project
    name: Projektförderung
""",
    "applications/2023/idk-2023-elternverein.yaml": """\
id: idk-2023-elternverein
organisation: elternverein-biebrich
programme: integration-durch-kultur
year: 2023
title: Kulturabend
requested: 2500
granted: 1800.5
status: granted
supported: true
submitted: 2023-02-15
decided: 2023-04-20
notes: Jury tagte im April
""",
    "applications/2022/idk-2022-formel.yaml": """\
id: idk-2022-formel
organisation: formel-verein
programme: integration-durch-kultur
year: 2022
title: Lesung
requested: 500
""",
}


@pytest.fixture
def filled(store: Store, write) -> Store:  # type: ignore[no-untyped-def]
    for relative, text in ORGS.items():
        write(relative, text)
    subprocess.run(["git", "add", "-A"], cwd=store.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "test data"], cwd=store.root, check=True)
    data = Store(store.root).load()
    assert data.problems == [], data.problems
    return store


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def commits(store: Store) -> int:
    return len(git_log(store.root, "--oneline").splitlines())


def test_csv_is_for_german_excel_and_neutralises_formulas(cli, filled, tmp_path):
    out = tmp_path / "orgs.csv"
    result = cli(
        "--lang", "de", "export", "organisations", "--format", "csv", "--personal-data",
        "--output", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 Organisationen in" in said(result)
    rows = {row["ID"]: row for row in read_csv(out)}
    parents = rows["elternverein-biebrich"]
    assert parents["Name"] == "Deutsch-Türkischer Elternverein Biebrich e.V."
    assert parents["Stadtteil"] == "Biebrich"
    assert parents["Status"] == "kooperierend"
    assert parents["Tätigkeitsfelder"] == "Bildung, Eltern und Familie"
    assert parents["Sprachen"] == "Türkisch, Deutsch"
    assert parents["Herkunft"] == "Türkei"
    assert parents["Bekannt seit"] == "01.03.2021"
    assert parents["Mitglieder"] == "120"
    assert parents["Eigene Räume"] == "ja"
    assert parents["Offener Bedarf"] == "Räume"  # the met need is not open
    assert parents["Ansprechperson"] == "Ayse Beispiel"  # the first person by id
    evil = rows["formel-verein"]
    assert evil["Name"].startswith("'=HYPERLINK(")
    assert evil["Bemerkung"] == "'@SUM(A1:A9)"
    assert evil["Ziele"] == "'-2+3"
    assert evil["Telefon"] == "0611 555000"  # as dialled: no formula, no apostrophe
    assert evil["Ansprechperson"] == "'+Plus Person"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_xlsx_has_typed_cells_a_frozen_bold_header_and_no_formulas(cli, filled, tmp_path):
    out = tmp_path / "orgs.xlsx"
    assert (
        cli("--lang", "de", "export", "organisations", "-f", "xlsx", "-o", str(out)).exit_code == 0
    )
    sheet = load_workbook(out)["Organisationen"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["ID", "Name", "Auch bekannt als"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
    col = {name: index + 1 for index, name in enumerate(header)}
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    evil, parents = rows["formel-verein"], rows["elternverein-biebrich"]
    name_cell = sheet.cell(evil, col["Name"])
    assert name_cell.data_type == "s"
    assert name_cell.value == '=HYPERLINK("http://evil.example.org","klick")'
    assert sheet.cell(evil, col["Bemerkung"]).data_type == "s"
    assert sheet.cell(evil, col["Bemerkung"]).value == "@SUM(A1:A9)"
    assert sheet.cell(evil, col["Telefon"]).value == "+49 611 555000"
    known = sheet.cell(parents, col["Bekannt seit"])
    assert known.is_date
    assert known.value == dt.datetime(2021, 3, 1)
    assert sheet.cell(parents, col["Mitglieder"]).value == 120
    assert sheet.cell(parents, col["Gründungsjahr"]).data_type == "n"


def test_xlsx_formula_text_in_the_raw_file_is_a_string_not_a_formula(cli, filled, tmp_path):
    import zipfile

    out = tmp_path / "orgs.xlsx"
    assert cli("export", "organisations", "-f", "xlsx", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere


def test_xlsx_amounts_are_numbers_and_dates_are_dates(cli, filled, tmp_path):
    out = tmp_path / "apps.xlsx"
    assert (
        cli(
            "--lang", "de", "export", "applications", "-f", "xlsx", "-o", str(out), "--year", "2023"
        ).exit_code
        == 0
    )
    sheet = load_workbook(out)["Förderanträge"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_row == 2
    row = {name: sheet.cell(2, index + 1) for index, name in enumerate(header)}
    assert row["Beantragt (€)"].value == 2500
    assert row["Beantragt (€)"].data_type == "n"
    assert row["Bewilligt (€)"].value == 1800.5
    assert "€" in row["Bewilligt (€)"].number_format
    assert row["Eingereicht"].value == dt.datetime(2023, 2, 15)
    assert row["Status"].value == "bewilligt"
    assert row["Unterstützt"].value == "ja"


def test_applications_show_the_funding_line_by_its_name(demo_cli, tmp_path):
    """People read the line as the programme names it; the key stays in its own column."""
    out = tmp_path / "antraege.xlsx"
    assert (
        demo_cli("--lang", "de", "export", "applications", "-f", "xlsx", "-o", str(out)).exit_code
        == 0
    )
    sheet = load_workbook(out)["Förderanträge"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    culture = next(r for r in rows if r["Programm-ID"] == "integration-durch-kultur")
    assert culture["Förderlinie"] == "Kulturelle Integrationsprojekte"
    assert culture["Förderlinie-ID"] == "project"
    assert all(r["Förderlinie"] not in {"project", "staff", "institutional"} for r in rows)
    result = demo_cli("--lang", "de", "export", "applications", "-f", "json")
    records = json.loads(result.stdout)
    culture_json = next(r for r in records if r["programme"] == "integration-durch-kultur")
    assert (culture_json["line"], culture_json["line_name"]) == (
        "project",
        "Kulturelle Integrationsprojekte",
    )


def test_json_uses_keys_iso_dates_and_numbers(cli, filled):
    result = cli("export", "applications", "--format", "json")
    assert result.exit_code == 0
    records = {r["id"]: r for r in json.loads(result.stdout)}
    assert records["idk-2023-elternverein"]["granted"] == 1800.5
    assert records["idk-2023-elternverein"]["submitted"] == "2023-02-15"
    assert records["idk-2023-elternverein"]["status"] == "granted"
    assert records["idk-2022-formel"]["granted"] is None
    orgs = json.loads(cli("export", "organisations", "-f", "json").stdout)
    parents = next(o for o in orgs if o["id"] == "elternverein-biebrich")
    assert parents["fields"] == ["education", "parents_family"]
    assert parents["district"] == "biebrich"
    assert parents["rooms_own"] is True


def test_fields_select_and_order_columns(cli, filled):
    result = cli(
        "--lang", "de", "export", "organisations", "-f", "csv", "--fields", "name,district,id"
    )
    text = result.stdout.lstrip("\ufeff")
    assert text.splitlines()[0] == "Name;Stadtteil;ID"
    bad = cli("export", "organisations", "--fields", "name,lieblingsfarbe")
    assert bad.exit_code == 2
    assert "lieblingsfarbe not among the columns of organisations" in said(bad)


def test_anonymous_leaves_out_persons_and_free_text(cli, filled):
    orgs = json.loads(cli("export", "organisations", "-f", "json", "--anonymous").stdout)
    keys = set(orgs[0])
    assert {
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_role",
        "notes",
        "goals",
        "email",
        "phone",
    }.isdisjoint(keys)
    assert {
        "id",
        "name",
        "district",
        "fields",
        "members",
        "status",
        "legal_form",
        "open_needs",
    } <= keys
    contacts = json.loads(cli("export", "contacts", "-f", "json", "--anonymous").stdout)
    assert {"persons", "summary", "coordinator", "follow_up_action"}.isdisjoint(contacts[0])
    assert {"date", "channel", "topics", "organisation_ids", "referrals"} <= set(contacts[0])
    text = cli("export", "contacts", "-f", "csv", "--anonymous").stdout
    assert "Ayse" not in text
    assert "Raumfrage" not in text
    refused = cli("export", "organisations", "--anonymous", "--fields", "name,contact_name")
    assert refused.exit_code == 2
    assert "contact_name hold personal data" in said(refused)


def test_year_filters_dated_kinds(cli, filled):
    contacts = json.loads(cli("export", "contacts", "-f", "json", "--year", "2023").stdout)
    assert [c["id"] for c in contacts] == ["2023-03-14-k7qm"]
    everything = json.loads(cli("export", "contacts", "-f", "json").stdout)
    assert [c["id"] for c in everything] == ["2022-11-02-ab3d", "2023-03-14-k7qm"]
    events = json.loads(cli("export", "events", "-f", "json", "--year", "2022").stdout)
    assert events == []
    referrals = json.loads(cli("export", "referrals", "-f", "json", "--year", "2023").stdout)
    assert referrals == [
        {
            "contact": "2023-03-14-k7qm",
            "date": "2023-03-14",
            "organisations": ["elternverein-biebrich"],
            "institution": "kulturamt",
            "institution_name": "Kulturamt",
            "reason": "Raum für Kulturabend",
            "outcome": "taken_up",
            "outcome_date": "2023-05-02",
            "note": None,
        }
    ]
    refused = cli("export", "organisations", "--year", "2023")
    assert refused.exit_code == 2
    assert "--year applies to contacts" in said(refused)


def test_events_export(cli, filled):
    events = json.loads(cli("export", "events", "-f", "json").stdout)
    assert events[0]["participants"] == 80
    assert events[0]["organisations"] == 1
    assert events[0]["kind"] == "festival"


def test_usage_errors(cli, filled, tmp_path):
    assert "needs --output" in said(cli("export", "organisations", "-f", "xlsx"))
    assert "cannot export 'vereine'" in said(cli("export", "vereine"))
    assert "--format must be one of" in said(cli("export", "organisations", "-f", "pdf"))
    assert "hsds exports organisations only" in said(cli("export", "contacts", "-f", "hsds"))
    assert "is a folder" in said(cli("export", "organisations", "-o", str(tmp_path)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(cli, filled, tmp_path, fmt):
    out = tmp_path / f"register.{fmt}"
    assert cli("export", "organisations", "-f", fmt, "-o", str(out)).exit_code == 0
    before = commits(filled)
    for policy in ("skip", "update", "fill"):
        result = cli("import", str(out), "--json", "--on-duplicate", policy)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["unknown_columns"] == []
        assert report["problems"] == []
        assert report["summary"]["unchanged"] == 3, report["actions"]
        assert report["summary"]["created"] == report["summary"]["updated"] == 0
        assert report["summary"]["persons_created"] == 0
        assert report["commit"] is None
    assert commits(filled) == before
    assert git_status(filled.root) == ""


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contact_log_export_then_import_changes_nothing(cli, filled, tmp_path, fmt):
    out = tmp_path / f"kontakte.{fmt}"
    assert cli("export", "contacts", "-f", fmt, "-o", str(out)).exit_code == 0
    before = commits(filled)
    result = cli("import", str(out), "--json", "--on-duplicate", "update")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["kind"] == "contacts"
    assert report["problems"] == []
    assert report["summary"]["unchanged"] == 2, report["actions"]
    assert commits(filled) == before


def test_edited_export_imports_the_edit_only(cli, filled, tmp_path):
    out = tmp_path / "register.csv"
    assert cli("export", "organisations", "-o", str(out)).exit_code == 0
    text = (
        out.read_bytes()
        .decode("utf-8-sig")
        .replace("Treffen montags im Gemeindehaus", "Treffen dienstags")
    )
    out.write_bytes(("\ufeff" + text).encode("utf-8"))
    result = cli("import", str(out), "--on-duplicate", "update", "--json")
    report = json.loads(result.stdout)
    assert report["summary"]["updated"] == 1
    assert report["summary"]["unchanged"] == 2
    [update] = [a for a in report["actions"] if a["action"] == "update"]
    assert update["changes"] == {
        "notes": {"old": "Treffen montags im Gemeindehaus", "new": "Treffen dienstags"}
    }
    saved = (filled.root / "organisations" / "elternverein-biebrich.yaml").read_text(
        encoding="utf-8"
    )
    assert "notes: Treffen dienstags\n" in saved
    assert "  number: VR 1234\n" in saved  # the rest of the file as it was
    assert (
        git_log(filled.root, "-1", "--format=%s").strip()
        == "import organisations: 0 created, 1 updated (elternverein-biebrich)"
    )


def test_hsds_export_validates_against_the_schema(cli, filled):
    result = cli("export", "organisations", "--format", "hsds", "--personal-data")
    assert result.exit_code == 0, result.output
    organizations = json.loads(result.stdout)
    for organization in organizations:
        assert hsds_errors(organization) == []
    names = {o["name"] for o in organizations}
    assert "Abgelehnter Verein" not in names  # declined organisations are never published
    parents = next(o for o in organizations if o["name"].startswith("Deutsch-Türkischer"))
    assert uuid.UUID(parents["id"]).version == 5
    [identifier] = parents["organization_identifiers"]
    assert identifier["identifier"] == "VR 1234"
    assert identifier["identifier_type"] == "Vereinsregister Amtsgericht Wiesbaden"
    assert [c["name"] for c in parents["contacts"]] == [
        "Ayse Beispiel"
    ]  # only with consent to publish
    assert parents["phones"][0]["number"] == "+49 611 123456"
    address = parents["locations"][0]["addresses"][0]
    assert (address["postal_code"], address["city"], address["country"]) == (
        "65203",
        "Wiesbaden",
        "DE",
    )
    again = json.loads(cli("export", "organisations", "--format", "hsds", "--personal-data").stdout)
    assert again == organizations  # stable ids


def test_hsds_schema_rejects_what_it_should(cli, filled):
    """The official schemas, with format checking, can fail: each mistake is caught."""
    organizations = json.loads(cli("export", "organisations", "--format", "hsds").stdout)
    broken = json.loads(json.dumps(organizations[0]))
    del broken["description"]
    broken["phones"] = [{"id": "not-a-uuid", "number": "+49 611 1"}]
    broken["website"] = "www.example.org ohne Schema"
    broken["email"] = "keine-adresse"
    broken["additional_websites"] = ["https://example.org"]  # HSDS 3.1, not 3.0
    messages = " ".join(hsds_errors(broken))
    assert "'description' is a required property" in messages
    assert "'not-a-uuid' is not a 'uuid'" in messages
    assert "is not a 'uri'" in messages
    assert "'keine-adresse' is not a 'email'" in messages
    assert "'additional_websites' was unexpected" in messages


def test_demo_hsds_export_is_valid_hsds_3(demo_cli):
    for flags in ((), ("--anonymous",)):
        result = demo_cli("export", "organisations", "--format", "hsds", *flags)
        assert result.exit_code == 0, result.output
        organizations = json.loads(result.stdout)
        assert len(organizations) > 50
        for organization in organizations:
            assert hsds_errors(organization) == [], organization["name"]


def test_hsds_anonymous_has_no_contacts_or_phones(cli, filled):
    organizations = json.loads(cli("export", "organisations", "-f", "hsds", "--anonymous").stdout)
    for organization in organizations:
        assert not organization["contacts"]
        assert not organization["phones"]
        assert "email" not in organization
        assert hsds_errors(organization) == []


def test_subprocess_csv_to_stdout(filled):
    result = subprocess.run(
        ["git", "status", "--porcelain"],
        cwd=filled.root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == ""
    run = run_mokoord(
        "--lang",
        "de",
        "--data",
        str(filled.root),
        "export",
        "organisations",
        "--fields",
        "id,district",
        cwd=filled.root,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("\ufeffID;Stadtteil")
    assert "elternverein-biebrich;Biebrich" in run.stdout


def test_events_export_counts_only_attendance_that_happened(cli, filled, write):
    """An event after today is planned: no head count or organisation of it counts,
    and expected participation of a held event is not counted either (issue 12 §3)."""
    coming = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    added = cli(
        "add-event", "--kind", "festival", "--title", "Herbstfest", "--date", coming,
        "--org", "elternverein-biebrich", "--participants", "40",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    future_id = added.stdout.strip()
    expected = cli("attend", future_id, "--org", "formel-verein", "--people", "7", "--planned")
    assert expected.exit_code == 0, expected.output
    write(
        "events/2023/2023-09-01-austausch.yaml",
        """\
id: 2023-09-01-austausch
kind: exchange
title: Austausch der Vereine
date: 2023-09-01
attendance:
  - organisation: elternverein-biebrich
    people: 5
  - organisation: formel-verein
    people: 9
    planned: true
""",
    )
    rows = {row["id"]: row for row in json.loads(cli("export", "events", "-f", "json").stdout)}
    planned = rows[future_id]
    assert planned["held"] is False
    assert planned["participants"] is None
    assert planned["organisations"] == 0
    assert planned["organisation_ids"] == []
    assert planned["expected_participants"] == 40
    assert planned["expected_organisation_ids"] == ["elternverein-biebrich", "formel-verein"]
    held = rows["2023-09-01-austausch"]
    assert held["held"] is True
    assert held["participants"] == 5  # the 9 expected from formel-verein never came
    assert held["organisations"] == 1
    assert held["organisation_ids"] == ["elternverein-biebrich"]
    assert held["expected_participants"] is None
    assert held["expected_organisation_ids"] == ["formel-verein"]
    assert rows["2023-06-10-sommerfest"]["held"] is True

    sheet = cli("--lang", "de", "export", "events", "-f", "csv")
    assert sheet.exit_code == 0, sheet.output
    text = sheet.stdout.lstrip("\ufeff")
    german = {row["ID"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert german[future_id]["Stattgefunden"] == "nein"
    assert german[future_id]["Teilnehmende"] == ""
    assert german[future_id]["Teilnehmende Organisationen"] == "0"
    assert german[future_id]["Erwartete Teilnehmende"] == "40"
    assert german["2023-09-01-austausch"]["Stattgefunden"] == "ja"
    assert german["2023-09-01-austausch"]["Teilnehmende"] == "5"
    english = cli("--lang", "en", "export", "events", "-f", "csv").stdout
    assert "Held;Participants;Organisations taking part" in english
    assert "Expected participants;Expected organisations" in english
