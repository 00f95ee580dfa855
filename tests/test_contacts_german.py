"""Contacts, referrals, the agenda and institutions in German: prompts answered with
German labels and dates, German tables (golden files at 80 and 120 columns),
German sheets and messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests import test_contacts as english
from tests.conftest import Cli, git_log, git_status
from tests.test_contacts import (
    DTEV,
    ID_RE,
    NO_TTY,
    TODAY,
    TTY,
    _commit_all,
    _contact,
    _contact_file,
    _err,
    _load,
    _write_files,
)

from mokoord.store import Store

# the English tests' stores: organisations, persons, institutions (reg), and contacts (logged)
reg = english.reg
rcli = english.rcli
logged = english.logged

GOLDEN = Path(__file__).parent / "golden" / "contacts"
DAY = dt.date(2023, 7, 1)
"""The day the golden tables are drawn on."""
MAROC = "marokkanisch-deutscher-bildungsverein"


def _de(cli: Cli, *args: str, **kwargs: Any) -> Any:
    return cli("--lang", "de", *args, **kwargs)


# --------------------------------------------------------------------------- add-contact


def test_interactive_add_contact_takes_german_labels_and_dates(rcli: Cli, reg: Store) -> None:
    answers = [
        "elternverein bieb",  # organisation search
        "1",
        "",  # no further organisation
        "14.03.2023",  # date of the contact, as Germans write it
        "",  # no contact person
        "Telefon",  # channel by its German label
        "räume, VERNETZUNG",  # topics by label, any case
        "Telefonat zur Raumsuche",
        "",  # no referral
        "",  # no follow-up
    ]
    result = _de(rcli, "add-contact", input="\n".join(answers) + "\n", env=TTY)
    assert result.exit_code == 0, result.output
    err = _err(result)
    for prompt in (
        "Organisation (einen Teil des Namens eingeben)",
        "Datum des Kontakts [heute]",
        "Ansprechperson",
        "Kontaktweg",
        "Telefon [phone]",
        "Themen",
        "Inhalt (was besprochen wurde)",
        "An eine Einrichtung verwiesen?",
        "Datum der Wiedervorlage (Eingabetaste für keine)",
    ):
        assert prompt in err, prompt
    contact_id = result.stdout.strip()
    assert contact_id.startswith("2023-03-14-")
    data = _load(_contact_file(reg.root, contact_id))
    assert data["date"] == dt.date(2023, 3, 14)
    assert data["channel"] == "phone"
    assert data["topics"] == ["rooms", "networking"]
    assert f"✓ Kontakt {contact_id} mit Deutsch-Türkischer Elternverein Biebrich e.V." in err


def test_the_prompts_take_german_labels_in_an_english_session(rcli: Cli, reg: Store) -> None:
    """The issue: `--channel Telefon` worked, the channel prompt refused "Telefon"."""
    answers = ["", "", "Telefon", "Räume, Networking", "Anruf", "", ""]
    result = rcli("add-contact", "--org", DTEV, input="\n".join(answers) + "\n", env=TTY)
    assert result.exit_code == 0, result.output
    assert "2. Phone [phone]" in result.stderr  # shown in English
    data = _load(_contact_file(reg.root, result.stdout.strip()))
    assert (data["channel"], data["topics"]) == ("phone", ["rooms", "networking"])
    assert data["date"] == TODAY


def test_interactive_date_in_the_future_is_asked_to_be_an_appointment(
    rcli: Cli, reg: Store
) -> None:
    coming = (TODAY + dt.timedelta(days=10)).strftime("%d.%m.%Y")
    answers = [
        "31.02.2023",  # no such day: asked again
        coming,
        "nein",  # not an appointment: asked again
        "gestern",
        "",  # no person
    ]
    result = _de(
        rcli, "add-contact", "--org", DTEV, "--channel", "Brief",
        input="\n".join(answers) + "\n", env=TTY,
    )  # fmt: skip
    assert result.exit_code == 1  # the summary was never answered: nothing written
    err = _err(result)
    assert "„31.02.2023“ ist kein gültiges Datum (diesen Tag hat der Monat nicht)" in err
    assert f"{coming} liegt in der Zukunft: ein vereinbarter Termin? [j/N]" in err
    assert not list((reg.root / "contacts").glob("*/*.yaml"))
    answers = [coming, "ja", "", "", "Vereinsabend verabredet", "", ""]
    result = _de(
        rcli, "add-contact", "--org", DTEV, "--channel", "Brief",
        input="\n".join(answers) + "\n", env=TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = _load(_contact_file(reg.root, result.stdout.strip()))
    assert data["planned"] is True
    assert data["date"] == TODAY + dt.timedelta(days=10)


def test_flags_take_german_labels(rcli: Cli, reg: Store) -> None:
    result = _de(
        rcli, "add-contact", "--org", DTEV, "--channel", "Termin im Amt", "--topic", "Räume",
        "--topic", "Förderung", "--initiated-by", "Organisation", "--date", "14.03.2023",
        "--summary", "Raumsuche", "--refer-to", "Kulturamt", env=NO_TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = _load(_contact_file(reg.root, result.stdout.strip()))
    assert (data["channel"], data["topics"], data["initiated_by"]) == (
        "meeting",
        ["rooms", "funding"],
        "organisation",
    )
    assert data["referrals"] == [{"institution": "kulturamt", "outcome": "pending"}]
    assert "✓ Kontakt" in _err(result)
    assert "1 Verweisung" in _err(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "elternverein-bibrich", "--channel", "Telefon", "--summary", "x"),
         "Fehler: Keine Organisation „elternverein-bibrich“; am ähnlichsten: "
         f"{DTEV} (Deutsch-Türkischer Elternverein Biebrich e.V.)"),
        (("--org", DTEV, "--channel", "Fax", "--summary", "x"), "--channel: „Fax“"),
        (("--org", DTEV, "--channel", "Telefon"),
         "Fehler: --summary fehlt (kein Terminal für eine Rückfrage)"),
        (("--org", DTEV, "--channel", "Telefon", "--summary", "x", "--date", "31.02.2023"),
         "--date: „31.02.2023“ ist kein gültiges Datum (diesen Tag hat der Monat nicht)"),
        (("--org", DTEV, "--channel", "Telefon", "--summary", "x", "--initiated-by", "Amt"),
         "--initiated-by: „Amt“"),
        (("--org", DTEV, "--channel", "Telefon", "--summary", "x",
          "--date", (TODAY + dt.timedelta(days=2)).isoformat()),
         "liegt in der Zukunft; ein Kontakt wird erfasst, nachdem er stattgefunden hat"),
    ],
)  # fmt: skip
def test_add_contact_errors_in_german(
    rcli: Cli, reg: Store, args: tuple[str, ...], message: str
) -> None:
    result = _de(rcli, "add-contact", *args, env=NO_TTY)
    assert result.exit_code != 0
    assert message in _err(result)
    assert "error:" not in _err(result)
    assert git_status(reg.root) == ""


def test_declined_organisation_warned_in_german(rcli: Cli, reg: Store) -> None:
    result = _de(
        rcli, "add-contact", "--org", "bund-der-verbotenen", "--channel", "Brief",
        "--summary", "Absage", env=NO_TTY,
    )  # fmt: skip
    assert result.exit_code == 0
    assert (
        "Warnung: bund-der-verbotenen ist abgelehnt (§ 2.4); der Kontakt wird trotzdem erfasst"
        in _err(result)
    )


# --------------------------------------------------------------------------- referrals


def test_close_referral_by_german_outcome(rcli: Cli, logged: Store) -> None:
    result = _de(
        rcli, "close-referral", "2023-03-14-bbbb", "--to", "Kulturamt",
        "--outcome", "Wahrgenommen", "--date", "20.04.2023",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "✓ Verweisung aus 2023-03-14-bbbb an kulturamt: wahrgenommen" in _err(result)
    refs = _load(_contact_file(logged.root, "2023-03-14-bbbb"))["referrals"]
    assert refs[0]["outcome"] == "taken_up"
    assert git_log(logged.root, "-1", "--format=%s").strip() == (
        "close-referral 2023-03-14-bbbb (kulturamt): taken_up"
    )
    # the English label and the key work as well
    second = rcli("close-referral", "2023-03-14-bbbb", "--outcome", "not taken up")
    assert second.exit_code == 0, second.output
    assert _load(_contact_file(logged.root, "2023-03-14-bbbb"))["referrals"][1]["outcome"] == (
        "not_taken_up"
    )


def test_close_referral_interactive_outcome_by_german_label(rcli: Cli, logged: Store) -> None:
    result = _de(rcli, "close-referral", "2023-03-14-bbbb", input="1\nnicht wahr\n", env=TTY)
    assert result.exit_code == 0, result.output
    assert "Welche Verweisung?" in _err(result)
    assert "Ergebnis" in _err(result)
    refs = _load(_contact_file(logged.root, "2023-03-14-bbbb"))["referrals"]
    assert refs[0]["outcome"] == "not_taken_up"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "vielleicht"),
         "--outcome: „vielleicht“"),
        (("2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "offen"),
         "--outcome: Eine Verweisung wird als „wahrgenommen“ oder „nicht wahrgenommen“ "
         "abgeschlossen"),
        (("2023-03-14-bbbb", "--outcome", "wahrgenommen"),
         "Kontakt 2023-03-14-bbbb hat 2 offene Verweisungen (kulturamt, freiwilligenzentrum)"),
        (("2023-06-01-cccc", "--outcome", "wahrgenommen"),
         "Die Verweisung aus 2023-06-01-cccc an kulturamt ist schon abgeschlossen "
         "(wahrgenommen, 01.07.2023)"),
        (("2023-01-01-zzzz", "--outcome", "wahrgenommen"),
         "Kein Kontakt mit der Kennung „2023-01-01-zzzz“"),
    ],
)  # fmt: skip
def test_close_referral_errors_in_german(
    rcli: Cli, logged: Store, args: tuple[str, ...], message: str
) -> None:
    result = _de(rcli, "close-referral", *args, env=NO_TTY)
    assert result.exit_code != 0
    assert message in _err(result)
    assert git_status(logged.root) == ""


def test_follow_up_done_in_german(rcli: Cli, logged: Store) -> None:
    result = _de(rcli, "follow-up-done", "2023-03-14-bbbb")
    assert result.exit_code == 2
    assert "Fehler: Kontakt 2023-03-14-bbbb hat keine Wiedervorlage" in _err(result)


# --------------------------------------------------------------------------- sheets


def test_contacts_csv_in_german_excel(rcli: Cli, logged: Store, tmp_path: Path) -> None:
    out = tmp_path / "kontakte.csv"
    result = _de(rcli, "contacts", "--year", "2023", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert list(rows[0]) == [
        "Datum", "Kennung", "Organisationen", "Kontaktweg", "Inhalt", "Offen", "Themen",
        "Verweisungen", "Initiative von", "Bearbeitet von",
    ]  # fmt: skip
    assert rows[1]["Datum"] == "14.03.2023"
    assert rows[1]["Kontaktweg"] == "Termin im Amt"
    assert rows[1]["Themen"] == "Räume, Förderung und Finanzierung"
    assert rows[1]["Offen"] == "→ Kulturamt, Freiwilligen-Zentrum Wiesbaden"
    assert rows[0]["Verweisungen"] == "Kulturamt (wahrgenommen)"
    assert rows[0]["Initiative von"] == "Koordinierungsstelle"
    assert json.loads(rcli("contacts", "-f", "json", "--year", "2023").stdout)[0]["channel"] == (
        "phone"
    )  # the JSON keeps its keys


def test_referrals_and_institutions_csv(rcli: Cli, logged: Store) -> None:
    result = _de(rcli, "referrals", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout[1:]), delimiter=";"))
    assert rows[0]["Verwiesen an"] == "Kulturamt"
    assert rows[0]["Ergebnis"] == "wahrgenommen"
    assert rows[0]["Datum des Ergebnisses"] == "01.07.2023"
    result = _de(rcli, "institutions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout[1:]), delimiter=";"))
    assert [(r["Kennung"], r["Art"], r["Verweisungen"], r["Offen"]) for r in rows] == [
        ("freiwilligenzentrum", "Freiwilligenzentrum", "1", "1"),
        ("kulturamt", "Städtisches Amt", "2", "1"),
    ]


# --------------------------------------------------------------------------- golden tables


@pytest.fixture
def office(reg: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store on 1 July 2023: long names, contacts with several organisations,
    follow-ups due and overdue, an appointment, referrals open and closed, a
    cooperating organisation gone quiet."""
    monkeypatch.setattr("mokoord.cli.contacts._today", lambda: DAY)
    _write_files(reg.root, {
        f"organisations/{MAROC}.yaml": f"""\
id: {MAROC}
name: Marokkanisch-Deutscher Bildungsverein Ibn Battuta e.V.
status: cooperating
status_since: 2022-01-10
""",
        "organisations/ruhiger-verein.yaml": """\
id: ruhiger-verein
name: Ruhiger Verein
status: cooperating
status_since: 2021-05-01
""",
    })  # fmt: skip
    _contact(reg.root, "2023-01-05-f006", """\
date: 2023-01-05
organisations: [ruhiger-verein]
channel: phone
summary: Letzter Anruf
""")  # fmt: skip
    _contact(reg.root, "2023-06-28-a001", f"""\
date: 2023-06-28
organisations: [{DTEV}, {MAROC}]
channel: meeting
topics: [rooms, funding]
summary: Gemeinsame Raumsuche für das Sommerfest besprochen
follow_up:
  date: 2023-07-05
  action: Zusage des Kulturamts nachfragen
referrals:
  - institution: kulturamt
    reason: Raum für das Sommerfest
""")  # fmt: skip
    _contact(reg.root, "2023-06-10-b002", """\
date: 2023-06-10
organisations: [eritreische-gemeinde]
channel: phone
topics: [volunteering]
summary: Anruf wegen Ehrenamtlicher
initiated_by: organisation
follow_up:
  date: 2023-06-12
  action: Kontaktdaten schicken
referrals:
  - institution: freiwilligenzentrum
    reason: Ehrenamtliche gewinnen
""")  # fmt: skip
    _contact(reg.root, "2023-07-04-c003", """\
date: 2023-07-04
organisations: [kulturverein-schierstein]
channel: visit
summary: Vereinsabend
planned: true
""")  # fmt: skip
    _contact(reg.root, "2023-02-01-d004", f"""\
date: 2023-02-01
organisations: [{DTEV}]
channel: email
summary: Rundbrief verschickt
coordinator: KS
referrals:
  - institution: kulturamt
    outcome: taken_up
    outcome_date: 2023-02-20
""")  # fmt: skip
    _contact(reg.root, "2023-03-01-e005", f"""\
date: 2023-03-01
organisations: [{MAROC}]
channel: visit
summary: Besuch im Vereinsheim
referrals:
  - institution: kulturamt
    reason: Förderberatung
""")  # fmt: skip
    _commit_all(reg.root, "office")
    return reg


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    shown = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    if os.environ.get("MOKOORD_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with MOKOORD_REGEN_GOLDEN=1 once"
    assert shown == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with MOKOORD_REGEN_GOLDEN=1"
    )


COMMANDS = ["contacts", "referrals", "institutions", "agenda"]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", COMMANDS)
def test_german_tables_match_the_golden_files(
    rcli: Cli, office: Store, command: str, width: int
) -> None:
    result = _de(rcli, command, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    table = result.stdout
    lines = table.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    for contact_id in ("2023-06-28-a001", "2023-06-10-b002"):  # ids are never wrapped
        assert command == "institutions" or contact_id in table
    words = ["Marokkanisch-Deutscher", "Bildungsverein", "Ibn", "Battuta", "e.V."]
    if command != "institutions":
        for word in words:  # names wrap between words only
            assert any(word in line for line in lines), word
    _check_golden(f"{command}-{width}.txt", table)


def test_agenda_in_german_words(rcli: Cli, office: Store) -> None:
    shown = " ".join(_de(rcli, "agenda", env={"COLUMNS": "200"}).stdout.split())
    assert "Wiedervorlagen, fällig innerhalb von 7 Tagen oder überfällig" in shown
    assert "überfällig seit 19 Tagen (!)" in shown  # open longer than 14 days
    assert "in 4 Tagen" in shown
    assert "Vereinbarte Termine innerhalb von 7 Tagen" in shown
    assert "Verweisungen, länger als 90 Tage offen" in shown
    assert "seit 122 Tagen offen" in shown
    assert "Besuch vor Ort (aufsuchend)" in shown  # the channel by its label
    assert "12.06.2023" in shown
    one_day = _de(rcli, "agenda", "--days", "1", env={"COLUMNS": "200"}).stdout
    assert "innerhalb von 1 Tag oder überfällig" in " ".join(one_day.split())


def test_agenda_as_a_sheet_and_as_json(rcli: Cli, office: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "agenda.csv"
    assert _de(rcli, "agenda", "-o", str(sheet)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig")), delimiter=";"))
    assert [(r["Bereich"], r["Kennung"]) for r in rows] == [
        ("Wiedervorlage", "2023-06-10-b002"),
        ("Wiedervorlage", "2023-06-28-a001"),
        ("Vereinbarter Termin", "2023-07-04-c003"),
        ("Offene Verweisung", "2023-03-01-e005"),
        ("Still geworden", "ruhiger-verein"),
    ]
    assert rows[4]["Wann"] == "vor 177 Tagen"
    assert rows[0]["Wann"] == "überfällig seit 19 Tagen (!)"
    assert rows[0]["Datum"] == "12.06.2023"
    assert rows[2]["Kontaktweg"] == "Besuch vor Ort (aufsuchend)"
    assert rows[3]["Verwiesen an"] == "Kulturamt"
    document = json.loads(_de(rcli, "agenda", "--format", "json").stdout)
    assert set(document) == {"today", "days", "follow_ups", "planned", "referrals", "quiet"}
    assert document["today"] == "2023-07-01"
    assert document["follow_ups"][0]["state"] == "long_overdue"


def test_nothing_due_in_german(cli: Cli) -> None:
    result = cli("--lang", "de", "agenda", "--days", "3")
    assert result.exit_code == 0
    assert "Innerhalb von 3 Tagen ist nichts fällig. ✓" in result.stdout


def test_add_institution_interactive_in_german(rcli: Cli, reg: Store) -> None:
    result = _de(
        rcli, "add-institution", input="Volkshochschule Wiesbaden\nBildungsträger\n\n", env=TTY
    )
    assert result.exit_code == 0, result.output
    assert "Name der Einrichtung" in _err(result)
    assert result.stdout.strip() == "volkshochschule-wiesbaden"
    data = _load(reg.root / "institutions" / "volkshochschule-wiesbaden.yaml")
    assert data["kind"] == "education_provider"
    assert "department" not in data
    assert "✓ Einrichtung volkshochschule-wiesbaden (Volkshochschule Wiesbaden)" in _err(result)
    again = _de(rcli, "add-institution", "--name", "Kulturamt", env=NO_TTY)
    assert again.exit_code == 2
    assert "Eine Einrichtung mit der Kennung „kulturamt“ gibt es schon (Kulturamt)" in _err(again)


def test_ids_of_the_contacts_stay_copyable(rcli: Cli, office: Store) -> None:
    """The agenda's ids are those follow-up-done and close-referral take."""
    agenda = _de(rcli, "agenda", env={"COLUMNS": "80"}).stdout
    found = {word for word in agenda.split() if ID_RE.match(word)}
    assert found == {"2023-06-10-b002", "2023-06-28-a001", "2023-07-04-c003", "2023-03-01-e005"}
    assert "ruhiger-verein" in agenda.split()


def test_empty_listings_say_so(rcli: Cli, logged: Store) -> None:
    result = _de(rcli, "contacts", "--year", "1999")
    assert result.exit_code == 0
    assert result.stdout == ""  # no empty table
    assert "Keine Kontakte gefunden" in result.stderr
    assert json.loads(_de(rcli, "contacts", "--year", "1999", "--json").stdout) == []
    closed = _de(rcli, "referrals", "--pending", "--to", "freiwilligenzentrum")
    assert "2023-03-14-bbbb" in closed.stdout  # still pending: listed
    rcli("close-referral", "2023-03-14-bbbb", "--to", "freiwilligenzentrum", "--outcome", "nicht")
    empty = _de(rcli, "referrals", "--pending", "--to", "freiwilligenzentrum")
    assert (empty.stdout, empty.stderr.strip()) == ("", "Keine Verweisungen gefunden")
