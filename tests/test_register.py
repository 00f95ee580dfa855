"""The register commands through the real CLI, against real git repositories."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from tests.conftest import Cli, git_log, git_status, run_mokoord

from mokoord.newstore import init_store
from mokoord.store import Store

DTE = "deutsch-tuerkischer-elternverein"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def files_of(root: Path, commit: str = "HEAD") -> list[str]:
    out = git(root, "show", "--name-only", "--format=", commit)
    return [line for line in out.splitlines() if line]


def add(cli: Cli, name: str, *args: str) -> str:
    result = cli("add-org", "--name", name, *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture
def org(cli: Cli) -> str:
    return add(
        cli,
        "Deutsch-Türkischer Elternverein e.V.",
        "--district",
        "biebrich",
        "--field",
        "education",
        "--language",
        "tr",
        "--known-since",
        "2023-01-01",
    )


# --------------------------------------------------------------------------- add-org


def test_add_org_creates_file_prints_id_and_commits_only_it(cli: Cli, store: Store) -> None:
    result = cli(
        "add-org",
        "--name",
        "Deutsch-Türkischer Elternverein e.V.",
        "--district",
        "biebrich",
        "--field",
        "education",
        "--field",
        "parents_family",
        "--language",
        "tr",
        "--alias",
        "DTEV",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DTE}\n"
    text = (store.root / "organisations" / f"{DTE}.yaml").read_text()
    assert "name: Deutsch-Türkischer Elternverein e.V." in text
    assert "fields: [education, parents_family]" in text
    assert "&id" not in text  # no YAML anchors for shared dates
    assert git_log(store.root, "-1", "--format=%s").strip() == f"add-org {DTE}"
    assert files_of(store.root) == [f"organisations/{DTE}.yaml"]
    assert git_status(store.root) == ""


def test_add_org_without_terminal_names_the_missing_flag(cli: Cli, store: Store) -> None:
    result = cli("add-org", "--district", "biebrich", env={"MOKOORD_INTERACTIVE": "0"})
    assert result.exit_code == 2
    assert "missing --name" in result.output
    assert "Traceback" not in result.output
    assert list((store.root / "organisations").glob("*.yaml")) == []


def test_add_org_asks_for_missing_values_with_vocabulary_choices(cli: Cli, store: Store) -> None:
    # name, district (by key), fields (numbers 1 and 7 = education, youth), legal form (skip)
    answers = "Jugendclub Anadolu\nbiebrich\n1,7\n\n"
    result = cli("add-org", input=answers, env={"MOKOORD_INTERACTIVE": "1"})
    assert result.exit_code == 0, result.output
    assert "Name of the organisation" in result.output
    assert "Biebrich [biebrich]" in result.output
    org_id = result.stdout.strip().splitlines()[-1]
    assert org_id == "jugendclub-anadolu"
    text = (store.root / "organisations" / "jugendclub-anadolu.yaml").read_text()
    assert "district: biebrich" in text
    assert "fields: [education, youth]" in text
    assert "legal_form" not in text


def test_add_org_rejects_undeclared_terms_with_closest(cli: Cli, store: Store) -> None:
    result = cli("add-org", "--name", "Verein X", "--district", "bibrich")
    assert result.exit_code == 2
    assert "--district: 'bibrich' is not a known district" in result.output
    assert "did you mean 'Biebrich'" in result.output
    result = cli("add-org", "--name", "Verein X", "--field", "sprt")
    assert "did you mean 'Sport'" in result.output
    assert list((store.root / "organisations").glob("*.yaml")) == []


def test_duplicate_warning_refuses_without_terminal_and_asks_with_one(
    cli: Cli, store: Store, org: str
) -> None:
    before = git_log(store.root, "--format=%H")
    result = cli("add-org", "--name", "Deutsch Turkischer Elternverein")
    assert result.exit_code != 0
    assert "this organisation is in the register already" in result.output
    assert DTE in result.output
    assert "--force" in result.output
    assert git_log(store.root, "--format=%H") == before

    # at a terminal: asked, "n" keeps the register as it is
    result = cli(
        "add-org",
        "--name",
        "Deutsch Turkischer Elternverein",
        "--district",
        "mitte",
        "--field",
        "education",
        "--legal-form",
        "initiative",
        input="n\n",
        env={"MOKOORD_INTERACTIVE": "1"},
    )
    assert result.exit_code != 0
    assert "Create a new organisation anyway?" in result.output
    assert len(list((store.root / "organisations").glob("*.yaml"))) == 1

    # "y" creates it, with its own id
    result = cli(
        "add-org",
        "--name",
        "Deutsch Turkischer Elternverein",
        "--district",
        "mitte",
        "--field",
        "education",
        "--legal-form",
        "initiative",
        input="y\n",
        env={"MOKOORD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "deutsch-turkischer-elternverein"

    # an alias counts too; --force creates without asking
    result = cli("add-org", "--name", "DTEV Wiesbaden", "--alias", "x")
    assert result.exit_code == 0  # not similar
    cli("set", DTE, "aliases+=Elternverein Biebrich")
    refused = cli("add-org", "--name", "Elternverein Biebrich e.V.")
    assert "the same name as 'Elternverein Biebrich'" in refused.output
    assert cli("add-org", "--name", "Elternverein Biebrich e.V.", "--force").exit_code == 0


def test_mutations_refuse_outside_git_unless_no_commit(tmp_path: Path) -> None:
    root, _ = init_store(tmp_path / "plain", commit=False)
    cli = Cli(root)
    result = cli("add-org", "--name", "Kulturverein Mitte")
    assert result.exit_code == 1
    assert "not in a git repository" in result.output
    assert "--no-commit" in result.output
    assert not (root / "organisations" / "kulturverein-mitte.yaml").exists()
    result = cli("add-org", "--name", "Kulturverein Mitte", "--no-commit")
    assert result.exit_code == 0, result.output
    assert (root / "organisations" / "kulturverein-mitte.yaml").exists()
    assert cli("set", "kulturverein-mitte", "district=mitte", "--no-commit").exit_code == 0
    assert cli("status", "kulturverein-mitte", "contacted").exit_code == 1


def test_no_commit_leaves_the_change_uncommitted(cli: Cli, store: Store, org: str) -> None:
    before = git_log(store.root, "--format=%H")
    assert cli("set", org, "district=mitte", "--no-commit").exit_code == 0
    assert git_log(store.root, "--format=%H") == before
    assert git_status(store.root) == f" M organisations/{org}.yaml\n"


# --------------------------------------------------------------------------- add-person, show


def test_add_person_keeps_names_out_of_ids_files_and_commits(
    cli: Cli, store: Store, org: str
) -> None:
    result = cli(
        "add-person",
        org,
        "--name",
        "Ayşe Beispiel",
        "--role",
        "chair",
        "--email",
        "vorsitz@example.org",
        "--phone",
        "+49 611 1234",
        "--consent-date",
        "14.03.2023",
        "--consent-scope",
        "contact",
    )
    assert result.exit_code == 0, result.output
    person_id = result.stdout.strip()
    assert person_id.startswith("p-")
    path = store.root / "persons" / f"{person_id}.yaml"
    text = path.read_text()
    assert f"organisation: {org}" in text
    assert "date: 2023-03-14" in text
    message = git_log(store.root, "-1", "--format=%B")
    assert "Ayşe" not in message
    assert "Beispiel" not in message
    assert message.strip() == f"add-person {person_id} ({org})"
    assert files_of(store.root) == [f"persons/{person_id}.yaml"]

    missing = cli("add-person", org, "--name", "Bora Beispiel", env={"MOKOORD_INTERACTIVE": "0"})
    assert missing.exit_code == 2
    assert "--consent-date" in missing.output
    unknown = cli("add-person", "elternverein", "--name", "X", "--consent-date", "today")
    assert unknown.exit_code == 1
    assert org in unknown.output


def test_show_lists_everything_about_one_organisation(cli: Cli, store: Store, org: str) -> None:
    cli(
        "add-person",
        org,
        "--name",
        "Ayşe Beispiel",
        "--role",
        "chair",
        "--consent-date",
        "today",
        "--consent-scope",
        "contact",
    )
    cli("add-need", org, "rooms", "--note", "Raum für Hausaufgabenhilfe")
    cli("status", org, "contacted", "--date", "2023-03-01")
    (store.root / "institutions" / "kulturamt.yaml").write_text(
        "id: kulturamt\nname: Kulturamt\n", encoding="utf-8"
    )
    contacts = store.root / "contacts" / "2023"
    contacts.mkdir(parents=True)
    for day, summary in (("2023-03-01", "Erstbesuch"), ("2023-04-12", "Raumfrage besprochen")):
        (contacts / f"{day}-ab12.yaml").write_text(
            f"id: {day}-ab12\ndate: {day}\norganisations: [{org}]\nchannel: visit\n"
            f"summary: {summary}\nreferrals:\n  - institution: kulturamt\n    reason: Räume\n",
            encoding="utf-8",
        )
    (store.root / "cooperations" / "koop-1.yaml").write_text(
        f"id: koop-1\norganisation: {org}\npartner: kulturamt\nsince: 2023-05-01\ntopic: Sommerfest\n",
        encoding="utf-8",
    )
    result = cli("--lang", "de", "show", org)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Deutsch-Türkischer Elternverein e.V." in out
    assert "Status: kontaktiert seit 01.03.2023" in out
    assert "vorher: bekannt seit 01.01.2023" in out
    assert "Stadtteil:" in out
    assert "Biebrich" in out
    assert "Tätigkeitsfelder:" in out
    assert "Bildung" in out
    assert "Sprachen:" in out
    assert "Türkisch" in out
    assert "Ayşe Beispiel (Vorsitz)" in out
    assert "Einwilligung vom" in out
    assert "Kontaktaufnahme durch die Koordinierungsstelle" in out
    assert "Räume: offen seit" in out
    assert "Kontakte: 2, zuletzt 12.04.2023" in out
    assert "12.04.2023 Besuch vor Ort (aufsuchend): Raumfrage besprochen" in out
    assert "Verweisungen: 2" in out
    assert "→ Kulturamt: offen" in out
    assert "Kooperationen: 1" in out
    assert "mit kulturamt seit 01.05.2023: Sommerfest" in out
    for key in ("biebrich", "education", "chair", "contact", "rooms", "visit", "pending"):
        assert key not in out.replace(org, ""), key  # labels, never keys

    english = cli("--lang", "en", "show", org).stdout
    assert "Status: contacted since 1 Mar 2023" in english
    assert "Ayşe Beispiel (Chair)" in english
    assert "Rooms: open since" in english
    assert "Contacts: 2, last 12 Apr 2023" in english

    data = json.loads(cli("show", org, "--json").stdout)
    assert data["organisation"]["id"] == org
    assert data["file"] == f"organisations/{org}.yaml"
    assert [p["name"] for p in data["persons"]] == ["Ayşe Beispiel"]
    assert data["open_needs"] == ["rooms"]
    assert data["contacts"]["count"] == 2
    assert data["contacts"]["last"] == "2023-04-12"
    assert data["referrals"][0]["institution_name"] == "Kulturamt"
    assert data["cooperations"][0]["partner"] == "kulturamt"
    assert data["organisation"]["status_history"] == [
        {"status": "known", "since": data["organisation"]["known_since"]}
    ]


def test_show_unknown_id_suggests_the_closest(cli: Cli, org: str) -> None:
    result = cli("show", "elternverein-tuerk")
    assert result.exit_code == 1
    assert "no organisation with id 'elternverein-tuerk'" in result.output
    assert org in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- list


def _seed(cli: Cli) -> None:
    add(
        cli,
        "Elternverein Biebrich",
        "--district",
        "biebrich",
        "--field",
        "education",
        "--language",
        "tr",
    )
    add(
        cli,
        "Sportverein Kastel",
        "--district",
        "mainz-kastel",
        "--field",
        "sport",
        "--tag",
        "sommerfest",
    )
    add(cli, "Kulturzentrum Mitte", "--district", "mitte", "--field", "culture", "--field", "youth")
    add(cli, "Verein Abgelehnt", "--district", "mitte", "--field", "culture")
    assert (
        cli("status", "verein-abgelehnt", "declined", "--reason", "§2.4: nationalistisch").exit_code
        == 0
    )
    assert cli("add-need", "kulturzentrum-mitte", "rooms").exit_code == 0
    assert cli("set", "sportverein-kastel", "last_verified=2020-01-01").exit_code == 0


def _ids(cli: Cli, *args: str) -> list[str]:
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_list_filters_and_never_shows_declined_unless_asked(cli: Cli) -> None:
    _seed(cli)
    assert _ids(cli) == ["elternverein-biebrich", "kulturzentrum-mitte", "sportverein-kastel"]
    assert _ids(cli, "--district", "mitte") == ["kulturzentrum-mitte"]
    assert _ids(cli, "--field", "culture") == ["kulturzentrum-mitte"]
    assert _ids(cli, "--field", "culture", "--all") == ["kulturzentrum-mitte", "verein-abgelehnt"]
    assert _ids(cli, "--status", "declined") == ["verein-abgelehnt"]
    assert _ids(cli, "--language", "tr") == ["elternverein-biebrich"]
    assert _ids(cli, "--need", "rooms") == ["kulturzentrum-mitte"]
    assert _ids(cli, "--tag", "sommerfest") == ["sportverein-kastel"]
    assert _ids(cli, "--stale") == ["sportverein-kastel"]
    assert _ids(cli, "--status", "known", "--district", "mitte") == ["kulturzentrum-mitte"]
    row = json.loads(cli("list", "--json", "--stale").stdout)[0]
    assert list(row) == [
        "id", "name", "status", "status_since", "district", "fields", "languages",
        "tags", "open_needs", "persons", "last_verified", "stale", "effective_status",
    ]  # fmt: skip
    assert row["stale"] is True
    assert row["last_verified"] == "2020-01-01"
    table = cli("list").stdout
    assert "3 organisations" in table
    assert "Abgelehnt" not in table
    bad = cli("list", "--district", "mittte")
    assert bad.exit_code == 2
    assert "did you mean 'Mitte'" in bad.output


def test_list_stale_follows_the_configured_months(cli: Cli, store: Store) -> None:
    import datetime as dt

    from mokoord.dates import add_months

    add(cli, "Verein Alt")
    eight = add_months(dt.date.today(), -8).isoformat()
    cli("set", "verein-alt", f"last_verified={eight}")
    assert _ids(cli, "--stale") == []
    config = store.root / "mokoord.yaml"
    config.write_text(config.read_text().replace("stale_after_months: 12", "stale_after_months: 6"))
    assert _ids(cli, "--stale") == ["verein-alt"]


def test_list_csv_opens_in_german_excel(cli: Cli) -> None:
    _seed(cli)
    result = cli("list", "--csv", "--district", "Mitte")
    assert result.stdout_bytes.startswith("\ufeff".encode())
    assert b"\r\n" in result.stdout_bytes
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Id", "Name", "Status", "District"]
    assert rows[1][:4] == ["kulturzentrum-mitte", "Kulturzentrum Mitte", "known", "Mitte"]
    assert rows[1][4] == "Culture, Youth"  # labels, not keys
    assert len(rows) == 2


# --------------------------------------------------------------------------- search


def test_search_ignores_case_and_accents_and_ranks(cli: Cli) -> None:
    add(cli, "Öztürk Kulturverein", "--notes", "Gegründet von Familie Yılmaz")
    add(cli, "Türkischer Elternbund")
    add(cli, "Arabischer Kulturkreis", "--notes", "Kooperation mit dem Öztürk Kulturverein")
    person = cli(
        "add-person", "arabischer-kulturkreis", "--name", "Selin Öztürk-Beispiel",
        "--consent-date", "today",
    )  # fmt: skip
    assert person.exit_code == 0, person.output

    def ids(text: str) -> list[str]:
        result = cli("search", text, "--json")
        return [hit["id"] for hit in json.loads(result.stdout)]

    assert ids("turk")[0] == "tuerkischer-elternbund"  # whole-word prefix of a name
    assert set(ids("turk")) == {
        "tuerkischer-elternbund",
        "oeztuerk-kulturverein",
        "arabischer-kulturkreis",
    }
    # a name match ranks above a match in notes or a person's name
    assert ids("ozturk") == ["oeztuerk-kulturverein", "arabischer-kulturkreis"]
    assert ids("OEZTUERK")[0] == "oeztuerk-kulturverein"
    assert ids("yilmaz") == ["oeztuerk-kulturverein"]
    hits = json.loads(cli("search", "selin", "--json").stdout)
    assert hits[0]["id"] == "arabischer-kulturkreis"
    assert hits[0]["matched"][0].startswith("person p-")
    assert ids("kultur verein") == ["oeztuerk-kulturverein", "arabischer-kulturkreis"]
    assert cli("search", "nichtsdergleichen").exit_code == 1


# --------------------------------------------------------------------------- set

HAND_WRITTEN = """\
# Eintrag geprüft beim Besuch im März
id: elternverein-biebrich
name: Elternverein Biebrich e.V.   # so schreibt sich der Verein
status: known
district: biebrich
address:
  street: Rathausstraße 1
  postal_code: "65201"
fields:
  - education   # Hausaufgabenhilfe
  - sport
languages: [tr, de]
notes: |
  Treffen dienstags.
  Kontakt über die Schule.
"""


def test_set_changes_only_the_lines_it_must(cli: Cli, store: Store) -> None:
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    git(store.root, "add", ".")
    git(store.root, "commit", "-qm", "hand-written")
    result = cli(
        "set", "elternverein-biebrich", "address.postal_code=65203", "fields+=youth",
        "fields-=sport", "members.count=42", "last_verified=14.03.2023",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    diff = git(store.root, "show", "--format=", "--unified=0", "HEAD")
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [
        '-  postal_code: "65201"',
        '+  postal_code: "65203"',
        "-  - sport",
        "+  - youth",
        "+members:",
        "+  count: 42",
        "+last_verified: 2023-03-14",
    ]
    text = path.read_text()
    assert "# Eintrag geprüft beim Besuch im März" in text
    assert "# so schreibt sich der Verein" in text
    assert "- education   # Hausaufgabenhilfe" in text
    assert git_log(store.root, "-1", "--format=%s").startswith("set elternverein-biebrich: ")


def test_set_values_lists_and_null(cli: Cli, store: Store, org: str) -> None:
    assert cli("set", org, "rooms.own=ja", "paid_staff=false", "founded=1998").exit_code == 0
    text = (store.root / "organisations" / f"{org}.yaml").read_text()
    assert "rooms:\n  own: true" in text
    assert "paid_staff: false" in text
    assert "founded: 1998" in text
    assert cli("set", org, "district=null", "languages=tr,ku,ar").exit_code == 0
    text = (store.root / "organisations" / f"{org}.yaml").read_text()
    assert "district" not in text
    assert "languages: [tr, ku, ar]" in text


def test_set_validates_before_writing(cli: Cli, store: Store, org: str) -> None:
    path = store.root / "organisations" / f"{org}.yaml"
    before_text, before_log = path.read_text(), git_log(store.root, "--format=%H")
    cases = [
        (["address.postal_code=652"], "Postal code '652': a German postal code has five digits"),
        (["website=kein-link"], "Website 'kein-link'"),
        (["founded=früher"], "founded"),
        (["distrct=mitte"], "did you mean 'district'"),
        (["district=bibrich"], "did you mean 'Biebrich'"),
        (["fields-=sport"], "does not contain sport"),
        (["status=declined"], "status_reason"),
        (["name+=x"], "lists only"),
        (["last_verified=32.13.2023"], "not a valid date"),
        (["oops"], "is not KEY=VALUE"),
    ]
    for args, expected in cases:
        result = cli("set", org, *args)
        assert result.exit_code != 0, args
        assert expected in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert path.read_text() == before_text
    assert git_log(store.root, "--format=%H") == before_log


# --------------------------------------------------------------------------- edit


def _editor(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-editor.py"
    path.write_text("import sys, pathlib\n" + script, encoding="utf-8")
    import sys

    return f"{sys.executable} {path}"


def test_edit_reopens_on_error_then_saves(cli: Cli, store: Store, org: str, tmp_path: Path) -> None:
    log = tmp_path / "rounds"
    editor = _editor(
        tmp_path,
        f"""
f = pathlib.Path(sys.argv[1]); text = f.read_text()
log = pathlib.Path({str(log)!r})
rounds = log.read_text().splitlines() if log.exists() else []
log.write_text("\\n".join(rounds + [repr(text.splitlines()[:3])]))
if not rounds:
    f.write_text(text.replace("district: biebrich", "district: biebrich\\nfounded: long ago"))
else:
    f.write_text(text.replace("founded: long ago", "founded: 1998"))
""",
    )
    result = cli("edit", org, env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    rounds = log.read_text().splitlines()
    assert len(rounds) == 2
    assert "# mokoord: there are problems" in rounds[1]
    assert "founded" in rounds[1]
    text = (store.root / "organisations" / f"{org}.yaml").read_text()
    assert "founded: 1998" in text
    assert "# mokoord" not in text
    assert git_log(store.root, "-1", "--format=%s").strip() == f"edit {org}"
    assert files_of(store.root) == [f"organisations/{org}.yaml"]


def test_edit_aborted_keeps_the_original(cli: Cli, store: Store, org: str, tmp_path: Path) -> None:
    path = store.root / "organisations" / f"{org}.yaml"
    before, log_before = path.read_bytes(), git_log(store.root, "--format=%H")
    # first round: breaks the file; second round: quits without saving
    state = tmp_path / "state"
    editor = _editor(
        tmp_path,
        f"""
f = pathlib.Path(sys.argv[1])
s = pathlib.Path({str(state)!r})
if not s.exists():
    s.write_text("1"); f.write_text(f.read_text().replace("status: known", "status: kaputt"))
""",
    )
    result = cli("edit", org, env={"VISUAL": editor})
    assert result.exit_code == 1
    assert "unchanged" in result.output
    assert path.read_bytes() == before
    assert git_log(store.root, "--format=%H") == log_before
    assert git_status(store.root) == ""

    # an editor that changes nothing: nothing is written or committed
    result = cli("edit", org, env={"EDITOR": "true"})
    assert result.exit_code == 0
    assert "no changes" in result.output
    assert path.read_bytes() == before
    # a failing editor: untouched
    result = cli("edit", org, env={"EDITOR": "false"})
    assert result.exit_code == 1
    assert path.read_bytes() == before
    # no editor at all: a clear message
    result = cli("edit", org)
    assert result.exit_code == 2
    assert "$EDITOR" in result.output


# --------------------------------------------------------------------------- status, needs


def test_status_moves_along_and_keeps_history(cli: Cli, store: Store, org: str) -> None:
    assert cli("status", org, "contacted", "--date", "2023-03-01").exit_code == 0
    assert cli("status", org, "in dialogue", "--date", "14.04.2023").exit_code == 0
    text = (store.root / "organisations" / f"{org}.yaml").read_text()
    assert "status: in_dialogue" in text
    assert "status_since: 2023-04-14" in text
    data = json.loads(cli("show", org, "--json").stdout)["organisation"]
    assert [h["status"] for h in data["status_history"]] == ["known", "contacted"]
    assert data["status_history"][1]["since"] == "2023-03-01"
    assert git_log(store.root, "-1", "--format=%s").strip() == (
        f"status {org}: contacted -> in_dialogue"
    )

    refused = cli("status", org, "declined")
    assert refused.exit_code == 2
    assert "--reason" in refused.output
    typo = cli("status", org, "cooperatng")
    assert typo.exit_code == 2
    assert "did you mean 'cooperating'" in typo.output
    same = cli("status", org, "in_dialogue")
    assert same.exit_code == 2
    assert "already" in same.output
    result = cli("status", org, "declined", "--reason", "Verfassungsschutzbericht 2023")
    assert result.exit_code == 0, result.output
    assert _ids(cli) == []
    assert _ids(cli, "--status", "declined") == [org]


def test_add_and_close_needs(cli: Cli, store: Store, org: str) -> None:
    assert (
        cli("add-need", org, "rooms", "--note", "Raum für 20", "--since", "2023-02-01").exit_code
        == 0
    )
    again = cli("add-need", org, "rooms")
    assert again.exit_code == 2
    assert "close-need" in again.output
    assert cli("add-need", org, "raeume").exit_code == 2
    assert cli("add-need", org, "funding").exit_code == 0
    result = cli("close-need", org, "rooms", "--status", "met", "--date", "2023-05-01")
    assert result.exit_code == 0, result.output
    needs = json.loads(cli("show", org, "--json").stdout)["organisation"]["needs"]
    assert needs[0] == {
        "category": "rooms", "since": "2023-02-01", "status": "met",
        "closed": "2023-05-01", "note": "Raum für 20",
    }  # fmt: skip
    assert needs[1]["status"] == "open"
    assert cli("close-need", org, "rooms").exit_code == 2
    assert cli("close-need", org, "funding", "--status", "dropped").exit_code == 0
    assert git_log(store.root, "-1", "--format=%s").strip() == f"close-need {org} funding dropped"


# --------------------------------------------------------------------------- history


def test_history_field_by_field_across_commits_persons_and_a_rename(
    cli: Cli, store: Store, org: str
) -> None:
    person = cli(
        "add-person", org, "--name", "Ayşe Beispiel", "--phone", "0611 1111",
        "--consent-date", "today",
    ).stdout.strip()  # fmt: skip
    cli("status", org, "contacted")
    cli("set", org, "fields+=youth", "address.postal_code=65203")
    person_file = store.root / "persons" / f"{person}.yaml"
    person_file.write_text(person_file.read_text().replace("0611 1111", "0611 2222"))
    git(store.root, "commit", "-qam", f"update {person}")
    # a rename of the file (and id) by hand
    new_id = "dt-elternverein"
    old_file = store.root / "organisations" / f"{org}.yaml"
    git(store.root, "mv", str(old_file), f"organisations/{new_id}.yaml")
    moved = store.root / "organisations" / f"{new_id}.yaml"
    moved.write_text(moved.read_text().replace(f"id: {org}", f"id: {new_id}"))
    person_file.write_text(person_file.read_text().replace(org, new_id))
    git(store.root, "commit", "-qam", f"rename {org} -> {new_id}")
    cli("set", new_id, "district=mitte")

    result = cli("history", new_id, "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    messages = [e["message"] for e in entries]
    assert messages == [
        f"set {new_id}: district",
        f"rename {org} -> {new_id}",
        f"update {person}",
        f"set {org}: fields, address.postal_code",
        f"status {org}: known -> contacted",
        f"add-person {person} ({org})",
        f"add-org {org}",
    ]
    changes = {e["message"]: e["changes"] for e in entries}
    assert changes[f"set {new_id}: district"] == ["district: biebrich → mitte"]
    assert (
        f"file renamed: organisations/{org}.yaml → organisations/{new_id}.yaml"
        in changes[f"rename {org} -> {new_id}"]
    )
    assert f"id: {org} → {new_id}" in changes[f"rename {org} -> {new_id}"]
    assert changes[f"update {person}"] == [f"person {person}: phone changed"]
    assert changes[f"status {org}: known -> contacted"][0] == "status: known → contacted"
    assert "fields: + youth" in changes[f"set {org}: fields, address.postal_code"]
    assert changes[f"add-org {org}"] == ["created"]
    assert entries[0]["author"] == "Test Koordination"
    text = json.dumps(entries, ensure_ascii=False)
    assert "0611" not in text
    assert "Ayşe" not in text
    table = cli("history", new_id).stdout
    assert "status: known → contacted" in table


# --------------------------------------------------------------------------- git hygiene


def test_foreign_changes_are_never_swept_into_a_commit(cli: Cli, store: Store, org: str) -> None:
    (store.root / "notizen.txt").write_text("untracked\n")
    config = store.root / "mokoord.yaml"
    config.write_text(config.read_text() + "\n# local edit\n")
    staged = store.root / "organisations" / "fremd.yaml"
    staged.write_text("id: fremd\nname: Fremder Verein\n")
    git(store.root, "add", str(staged))
    before = git_status(store.root)

    assert cli("set", org, "district=mitte").exit_code == 0
    assert files_of(store.root) == [f"organisations/{org}.yaml"]
    assert cli("add-org", "--name", "Neuer Verein").exit_code == 0
    assert files_of(store.root) == ["organisations/neuer-verein.yaml"]
    assert git_status(store.root) == before  # foreign work exactly as it was, still staged


def test_parallel_commands_each_commit_their_own_files(store: Store) -> None:
    import os
    import sys

    names = ["Verein Eins", "Verein Zwei", "Verein Drei", "Verein Vier"]
    env = {**os.environ, "MOKOORD_INTERACTIVE": "0"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mokoord", "--data", str(store.root), "add-org", "--name", name],
            cwd=store.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], outputs
    assert git_status(store.root) == ""
    commits = git_log(store.root, "--format=%H %s").splitlines()[:4]
    seen = set()
    for line in commits:
        commit, message = line.split(" ", 1)
        org_id = message.removeprefix("add-org ")
        assert files_of(store.root, commit) == [f"organisations/{org_id}.yaml"]
        seen.add(org_id)
    assert seen == {"verein-eins", "verein-zwei", "verein-drei", "verein-vier"}


def test_subprocess_run_uses_store_from_environment(store: Store) -> None:
    result = run_mokoord(
        "add-org", "--name", "Verein Fünf", cwd=store.root.parent,
        env={"MOKOORD_DATA": str(store.root)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "verein-fuenf\n"


# --------------------------------------------------------------------------- a real terminal


def _expect(fd: int, wanted: str, seen: list[str], timeout: float = 60.0) -> None:
    """Read from the pseudo-terminal until ``wanted`` has appeared."""
    import os
    import select
    import time

    deadline = time.monotonic() + timeout
    while wanted not in "".join(seen):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"did not see {wanted!r} in {''.join(seen)!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            raise AssertionError(f"terminal closed before {wanted!r}: {''.join(seen)!r}")
        seen.append(chunk.decode("utf-8", "replace"))


def test_add_org_prompts_at_a_real_terminal(store: Store) -> None:
    import os
    import pty
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MOKOORD_INTERACTIVE"}
    env["TERM"] = "dumb"
    env["COLUMNS"] = "120"
    pid, fd = pty.fork()
    if pid == 0:  # the child: mokoord with its stdin on the terminal
        os.execve(
            sys.executable,
            [sys.executable, "-m", "mokoord", "--data", str(store.root), "add-org"],
            env,
        )
    seen: list[str] = []
    try:
        _expect(fd, "Name of the organisation", seen)
        os.write(fd, "Kültürverein Pseudoterminal\r".encode())
        _expect(fd, "District:", seen)
        _expect(fd, "number, key or name", seen)
        os.write(fd, b"westend\r")
        _expect(fd, "Fields of activity:", seen)
        _expect(fd, "comma-separated", seen)
        os.write(fd, b"3\r")
        _expect(fd, "Legal form:", seen)
        _expect(fd, "number, key or name", seen)
        os.write(fd, b"\r")
        _expect(fd, "kueltuerverein-pseudoterminal", seen)
    except BaseException:
        os.kill(pid, 9)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, "".join(seen)
    text = (store.root / "organisations" / "kueltuerverein-pseudoterminal.yaml").read_text()
    assert "district: westend" in text
    assert "fields: [culture]" in text
    assert (
        git_log(store.root, "-1", "--format=%s").strip() == "add-org kueltuerverein-pseudoterminal"
    )


def test_edit_repairs_a_file_broken_by_hand(
    cli: Cli, store: Store, org: str, tmp_path: Path
) -> None:
    path = store.root / "organisations" / f"{org}.yaml"
    path.write_text(path.read_text().replace("status: known", "status: bekannt"))
    assert cli("show", org).exit_code == 1  # the broken file is reported, not shown
    seen = tmp_path / "seen"
    editor = _editor(
        tmp_path,
        f"""
f = pathlib.Path(sys.argv[1]); text = f.read_text()
pathlib.Path({str(seen)!r}).write_text(text)
f.write_text(text.replace("status: bekannt", "status: known"))
""",
    )
    result = cli("edit", org, env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    first = seen.read_text()
    assert first.startswith("# mokoord: there are problems")
    assert "Status 'bekannt' is not allowed" in first
    assert "status: known" in path.read_text()
    assert "# mokoord" not in path.read_text()
    assert cli("show", org).exit_code == 0


def test_parallel_sets_on_one_organisation_lose_no_edit(cli: Cli, store: Store, org: str) -> None:
    import os
    import sys

    assignments = ["district=mitte", "founded=1998", "website=https://example.org"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mokoord", "--data", str(store.root), "set", org, value],
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for value in assignments
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    text = (store.root / "organisations" / f"{org}.yaml").read_text()
    assert "district: mitte" in text
    assert "founded: 1998" in text
    assert "website: https://example.org" in text
    messages = git_log(store.root, "-3", "--format=%s").splitlines()
    assert sorted(messages) == sorted(f"set {org}: {a.split('=')[0]}" for a in assignments)
    assert git_status(store.root) == ""


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("Elternverein Biebrich e.V.", [], "registered_association"),
        ("Kulturverein Anatolia e. V.", [], "registered_association"),
        ("Initiative Mitte", [], None),
        ("Bildungswerk e.V.", ["--legal-form", "non_profit_company"], "non_profit_company"),
    ],
)
def test_add_org_takes_the_legal_form_from_the_name_as_import_does(
    cli: Cli, store: Store, name: str, args: list[str], expected: str | None
) -> None:
    from mokoord.models import Organisation

    org_id = add(cli, name, *args)
    assert store.get(Organisation, org_id).legal_form == expected


def test_search_ignores_punctuation(cli: Cli, store: Store) -> None:
    senegal = add(cli, "Senegalesischer Verein N'Diaye e.V.")
    add(cli, "Verein O’Connor-Haus")
    other = add(cli, "Elternverein Biebrich")
    person = cli(
        "add-person", other, "--name", "Aminata N’Diaye", "--legal-basis", "legitimate_interest"
    )
    assert person.exit_code == 0, person.output

    def found(text: str) -> list[str]:
        result = cli("search", text, "--json")
        assert result.exit_code == 0, result.output
        return [hit["id"] for hit in json.loads(result.stdout)]

    assert found("ndiaye") == [senegal, other]  # the name first, then the person
    assert found("n'diaye") == [senegal, other]
    assert found("N’Diaye verein") == [senegal]  # every word in one place
    assert found("oconnor") == ["verein-oconnor-haus"]
    assert found("connor haus") == ["verein-oconnor-haus"]
