"""Data protection besides erasure: the access export (Art. 15), retention and
free-text warnings of ``check``, legal bases (models, check, import), withdrawn
consent, exports and reports without personal data, the record of processing
(Art. 30) and the declarations of personal data next to the models."""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from tests.conftest import Cli
from tests.privacy_office import (
    EMAIL,
    NAME,
    NOTE,
    office_fixture,  # noqa: F401 - the fixture "office"
    office_template_fixture,  # noqa: F401 - the fixture it copies
)

from mokoord.checks import check_store
from mokoord.dataset import KINDS
from mokoord.models.meta import FREE_TEXT, PERSONAL_DATA
from mokoord.models.meta import Path as FieldPath
from mokoord.store import Store

Write = Callable[[str, str], Path]


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- access (Art. 15)


def test_access_export_gathers_everything_about_the_person(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    other_org = cli("add-org", "--name", "Elternverein Nord").stdout.strip()
    mention = cli(
        "add-contact", "--org", other_org, "--date", "2023-09-09", "--channel", "phone",
        "--topic", "rooms",
        "--summary", "Verweis auf Zeynep Musterfrau vom Kulturverein, mit Hans Beispiel",
    ).stdout.strip()  # fmt: skip
    report = _json(cli("privacy", "export", ids["person"], "--format", "json"))
    assert report["person"]["name"] == NAME
    assert report["person"]["notes"] == NOTE
    assert report["organisation"] == {"id": ids["org"], "name": "Kulturverein Lindenhof e.V."}
    assert report["legal_basis"]["key"] == "consent"
    assert report["consent"]["date"] == "2023-01-10"
    assert [s["key"] for s in report["consent"]["scope"]] == ["contact"]
    assert report["retention"]["reason"] == "no_contact"
    assert [c["id"] for c in report["contacts"]] == [ids["named"]]
    named = report["contacts"][0]
    assert named["referrals"][0]["institution_name"] == "Kulturamt"
    assert named["follow_up"]["action"] == f"{EMAIL} anschreiben"
    [in_text] = report["contacts_in_text"]
    assert in_text["id"] == mention
    # another person named there is left out of the copy (Art. 15(4))
    assert in_text["summary"] == (
        "Verweis auf Zeynep Musterfrau vom Kulturverein, mit (andere Person)"
    )
    places = {(m["kind"], m["id"], m["field"]) for m in report["mentions"]}
    assert ("organisation", ids["org"], "notes") in places
    assert ("contact", ids["named"], "referrals.0.reason") in places
    assert ("contact", mention, "summary") in places
    assert report["recipients"] == [{"id": ids["institution"], "name": "Kulturamt"}]
    history = report["history"]
    assert [h["message"] for h in history] == [
        f"Notiz zu {NAME} ergänzt",
        f"add-person {ids['person']} ({ids['org']})",
    ]
    assert history[0]["changed"] == ["notes"]
    assert history[1]["changed"] == []  # created
    assert {h["author"] for h in history} == {"Test Koordination"}
    assert all(dt.datetime.fromisoformat(h["date"]) for h in history)


def test_access_export_as_a_german_page_the_person_can_read(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    cli(
        "add-contact", "--org", ids["org"], "--date", "2023-10-10", "--channel", "visit",
        "--topic", "rooms", "--person", ids["person"], "--summary", "<script>alert(1)</script> besprochen",
    )  # fmt: skip
    page = tmp_path / "auskunft.html"
    result = cli("privacy", "export", ids["person"], "-o", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html
    assert "Content-Security-Policy" in html
    for heading in (
        "Auskunft über Ihre personenbezogenen Daten",
        "Ihre gespeicherten Angaben",
        "Rechtsgrundlage",
        "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)",
        "Speicherdauer",
        "Kontakte, an denen Sie beteiligt waren",
        "Änderungen an Ihrem Datensatz",
        "Ihre Rechte",
        "Der Hessische Beauftragte für Datenschutz",
    ):
        assert heading in html, heading
    assert NAME in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    english = cli("privacy", "export", ids["person"], "--format", "html", "--lang", "en").stdout
    assert "Information about your personal data" in english


def test_access_export_after_the_erasure_says_so(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    erased = cli("privacy", "erase", ids["person"], "--reason", "Antrag", "--yes")
    assert erased.exit_code == 0, erased.output
    report = _json(cli("privacy", "export", ids["person"]))
    assert set(report["person"]) == {"id", "erased"}
    assert report["mentions"] == []
    html = cli("privacy", "export", ids["person"], "-f", "html").stdout
    assert "Ihre Daten wurden am" in html
    unknown = cli("privacy", "export", "p-zzzzzz")
    assert unknown.exit_code == 1
    assert "no person with id 'p-zzzzzz'" in unknown.stderr


# --------------------------------------------------------------------------- check: legal basis, retention, free text


BASE = {
    "organisations/kulturverein.yaml": "id: kulturverein\nname: Kulturverein\nstatus: cooperating\n",
    "organisations/aufgeloest.yaml": (
        "id: aufgeloest\nname: Aufgelöster Verein\nstatus: dissolved\nstatus_since: 2024-01-15\n"
    ),
}


def _write_all(write: Write, files: dict[str, str]) -> None:
    for path, text in {**BASE, **files}.items():
        write(path, text)


def _codes(store: Store, today: dt.date, *, strict: bool = False) -> set[tuple[str, str, str]]:
    return {(p.path, p.code, p.severity) for p in check_store(store, strict=strict, today=today)}


def test_retention_warnings_with_fixed_dates(store: Store, write: Write) -> None:
    _write_all(
        write,
        {
            "persons/p-aaaaaa.yaml": (
                "id: p-aaaaaa\nname: Aylin Vorstand\norganisation: aufgeloest\n"
                "legal_basis: public_task\nrecorded: 2023-01-01\n"
            ),
            "persons/p-bbbbbb.yaml": (
                "id: p-bbbbbb\nname: Boris Still\norganisation: kulturverein\n"
                "legal_basis: public_task\nlast_contact: 2021-03-10\n"
            ),
            "persons/p-cccccc.yaml": (
                "id: p-cccccc\nname: Carla Widerruf\norganisation: kulturverein\n"
                "legal_basis: consent\nconsent:\n  date: 2023-01-01\n  scope: [contact]\n"
                "  withdrawn: 2024-05-02\nrecorded: 2024-04-01\n"
            ),
            "contacts/2019/2019-07-01-aaaa.yaml": (
                "id: 2019-07-01-aaaa\ndate: 2019-07-01\norganisations: [kulturverein]\n"
                "channel: visit\nsummary: Raumbedarf besprochen\n"
                "referrals:\n  - institution: kulturamt\n    reason: Raum\n"
            ),
            "contacts/2019/2019-07-02-bbbb.yaml": (
                "id: 2019-07-02-bbbb\ndate: 2019-07-02\norganisations: [kulturverein]\n"
                "channel: visit\nsummary: (Text nach Ablauf der Aufbewahrungsfrist entfernt)\n"
            ),
            "institutions/kulturamt.yaml": "id: kulturamt\nname: Kulturamt\n",
        },
    )
    ended = "retention-ended"
    # the day before each period ends: only the withdrawn consent, at once
    assert {c for c in _codes(store, dt.date(2024, 5, 2)) if c[1] == ended} == {
        ("persons/p-cccccc.yaml", ended, "warning"),
        ("persons/p-bbbbbb.yaml", ended, "warning"),  # 36 months after 2021-03-10
    }
    assert ("persons/p-aaaaaa.yaml", ended, "warning") not in _codes(store, dt.date(2024, 7, 14))
    assert ("persons/p-aaaaaa.yaml", ended, "warning") in _codes(store, dt.date(2024, 7, 15))
    assert ("contacts/2019/2019-07-01-aaaa.yaml", ended, "warning") not in _codes(
        store, dt.date(2024, 6, 30)
    )
    late = _codes(store, dt.date(2024, 7, 1))
    assert ("contacts/2019/2019-07-01-aaaa.yaml", ended, "warning") in late
    assert ("contacts/2019/2019-07-02-bbbb.yaml", ended, "warning") not in late  # removed already
    # the same through `privacy due`, with reasons and dates
    due = _json(Cli(store.root)("privacy", "due", "--today", "2024-07-15", "--format", "json"))
    reasons = {(d["id"], d["reason"], d["due"]) for d in due}
    assert reasons == {
        ("p-aaaaaa", "organisation_ended", "2024-07-15"),
        ("p-bbbbbb", "no_contact", "2024-03-10"),
        ("p-cccccc", "consent_withdrawn", "2024-05-02"),
        ("2019-07-01-aaaa", "contact_text", "2024-07-01"),
    }
    fields = next(d["fields"] for d in due if d["id"] == "2019-07-01-aaaa")
    assert fields == ["summary", "referrals.0.reason"]
    # a shorter period in mokoord.yaml
    config = store.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    assert "contact_text_years: 5" in text  # init writes the defaults, to be adapted
    config.write_text(
        text.replace("contact_text_years: 5", "contact_text_years: 3"), encoding="utf-8"
    )
    assert ("contacts/2019/2019-07-01-aaaa.yaml", ended, "warning") in _codes(
        Store(store.root), dt.date(2022, 7, 1)
    )


def test_names_in_free_text_are_warned_of(store: Store, write: Write) -> None:
    summaries = {
        "aaaa": "Gespräch mit Ayse Ozturk über Räume",
        "bbbb": "Öztürk, Ayşe meldet Bedarf",
        "cccc": "Frau Öztürk erklärte den Ablauf",
        "dddd": "Rückfrage an AYSE.OEZTUERK@example.org gesendet",
        "eeee": "Rückruf unter 0611 / 555 94 83 erbeten",
        "ffff": "Sommerfest mit der Türkischen Gemeinde geplant",
    }
    files = {
        "persons/p-ayseoz.yaml": (
            "id: p-ayseoz\nname: Ayşe Öztürk\norganisation: kulturverein\nlegal_basis: public_task\n"
            "email: ayse.oeztuerk@example.org\nphone: 0611 5559483\n"
        ),
    }
    for suffix, text in summaries.items():
        files[f"contacts/2024/2024-02-01-{suffix}.yaml"] = (
            f"id: 2024-02-01-{suffix}\ndate: 2024-02-01\norganisations: [kulturverein]\n"
            f"channel: phone\nsummary: {text}\n"
        )
    _write_all(write, files)
    warned = [
        p for p in check_store(store, today=dt.date(2024, 3, 1)) if p.code == "name-in-free-text"
    ]
    assert {p.path.split("-")[-1] for p in warned} == {
        "aaaa.yaml",
        "bbbb.yaml",
        "cccc.yaml",
        "dddd.yaml",
        "eeee.yaml",
    }
    assert all((p.line, p.column, p.severity) == (5, 10, "warning") for p in warned)
    assert "contact person p-ayseoz" in warned[0].message
    assert "Öztürk" not in " ".join(p.message for p in warned)  # the message names the id only


def test_legal_basis_is_required_and_consent_needs_its_date(store: Store, write: Write) -> None:
    _write_all(
        write,
        {
            "persons/p-aaaaaa.yaml": "id: p-aaaaaa\nname: Ohne Grundlage\n",
            "persons/p-bbbbbb.yaml": "id: p-bbbbbb\nname: Ohne Datum\nlegal_basis: consent\n",
            "persons/p-cccccc.yaml": (
                "id: p-cccccc\nname: Mit Datum\nlegal_basis: consent\nconsent:\n  date: 2024-01-01\n"
            ),
        },
    )
    today = dt.date(2024, 3, 1)
    loose = _codes(store, today)
    assert ("persons/p-aaaaaa.yaml", "legal-basis-missing", "warning") in loose
    assert ("persons/p-bbbbbb.yaml", "consent-without-date", "warning") in loose
    strict = _codes(store, today, strict=True)
    assert ("persons/p-aaaaaa.yaml", "legal-basis-missing", "error") in strict
    assert ("persons/p-bbbbbb.yaml", "consent-without-date", "error") in strict
    assert not [c for c in strict if c[0] == "persons/p-cccccc.yaml"]
    result = Cli(store.root)("check", "--strict")
    assert result.exit_code == 1
    assert "persons/p-bbbbbb.yaml:3:14: error consent-without-date" in result.stdout


def test_an_erased_person_keeps_nothing_else(store: Store, write: Write) -> None:
    _write_all(
        write, {"persons/p-aaaaaa.yaml": "id: p-aaaaaa\nerased: 2024-01-01\nphone: 0611 1\n"}
    )
    problems = check_store(store, today=dt.date(2024, 3, 1))
    assert [(p.path, p.line, p.code) for p in problems if p.severity == "error"] == [
        ("persons/p-aaaaaa.yaml", 3, "invalid-value")
    ]
    assert "an erased person keeps nothing but its id" in problems[0].message


# --------------------------------------------------------------------------- withdrawn consent


def test_withdrawn_consent_is_no_longer_offered(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    done = cli("privacy", "withdraw", ids["person"], "--date", "2024-05-02")
    assert done.exit_code == 0, done.output
    assert "withdrawn: 2024-05-02" in (root / "persons" / f"{ids['person']}.yaml").read_text()
    refused = cli(
        "add-contact", "--org", ids["org"], "--date", "2024-06-01", "--channel", "phone",
        "--topic", "rooms", "--person", ids["person"], "--summary", "Anruf",
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "withdrew their consent on 2024-05-02" in refused.stderr
    after = cli("export", "organisations", "-f", "json", "--personal-data").stdout
    assert EMAIL not in after
    assert NAME not in after  # the other person, if anyone, is the contact now
    due = _json(cli("privacy", "due", "-f", "json"))
    assert ("person", ids["person"], "consent_withdrawn") in {
        (d["kind"], d["id"], d["reason"]) for d in due
    }


# --------------------------------------------------------------------------- exports and reports


def test_exports_hold_no_personal_data_unless_asked_for(demo_cli: Cli) -> None:
    orgs = _json(demo_cli("export", "organisations", "-f", "json"))
    assert {"contact_name", "contact_email", "contact_phone", "contact_role"}.isdisjoint(orgs[0])
    assert "notes" in orgs[0]
    asked = _json(demo_cli("export", "organisations", "-f", "json", "--personal-data"))
    assert {"contact_name", "contact_email"} <= set(asked[0])
    named = _json(demo_cli("export", "organisations", "-f", "json", "--fields", "id,contact_name"))
    assert set(named[0]) == {"id", "contact_name"}
    contacts = _json(demo_cli("export", "contacts", "-f", "json"))
    assert {"persons", "coordinator"}.isdisjoint(contacts[0])
    assert "summary" in contacts[0]
    anonymous = _json(demo_cli("export", "contacts", "-f", "json", "--anonymous"))
    assert {"persons", "coordinator", "summary", "follow_up_action"}.isdisjoint(anonymous[0])
    both = demo_cli("export", "contacts", "--anonymous", "--personal-data")
    assert both.exit_code == 2


def test_report_anonymous_leaves_out_free_text(cli: Cli, write: Write) -> None:
    _write_all(
        write,
        {
            "events/2023/2023-03-14-vereinsrecht.yaml": (
                "id: 2023-03-14-vereinsrecht\nkind: training\ntitle: Vereinsrecht\n"
                "date: 2023-03-14\nparticipants: 12\nnotes: Referentin Frau Beispielmann\n"
            )
        },
    )
    full = cli("report", "--year", "2023").stdout
    anonymous = cli("report", "--year", "2023", "--anonymous").stdout
    assert "Referentin Frau Beispielmann" in full
    assert "Beispielmann" not in anonymous
    assert "Vereinsrecht" in anonymous
    figures = _json(cli("report", "--year", "2023", "-f", "json"))
    assert _json(cli("report", "--year", "2023", "-f", "json", "--anonymous")) == figures


# --------------------------------------------------------------------------- import's legal basis


SHEET = "Name;Ansprechperson;E-Mail Ansprechperson{extra_head}\nKulturverein Süd;Derya Neu;derya@example.org{extra}\n"


def _sheet(tmp_path: Path, *, consent: str | None = None) -> Path:
    path = tmp_path / "vereine.csv"
    text = SHEET.format(
        extra_head=";Einwilligung am" if consent else "", extra=f";{consent}" if consent else ""
    )
    path.write_text(text, encoding="utf-8")
    return path


def _persons(store: Store) -> list[dict[str, Any]]:
    return [
        json.loads(json.dumps(p.model_dump(mode="json")))
        for p in Store(store.root).load(("person",)).persons.values()
    ]


def test_import_sets_consent_only_with_its_date(cli: Cli, store: Store, tmp_path: Path) -> None:
    refused = cli("import", str(_sheet(tmp_path)))
    assert refused.exit_code == 1
    assert "legal-basis-missing" in refused.output
    assert "--legal-basis public_task" in refused.output
    assert _persons(store) == []
    assert cli("import", str(_sheet(tmp_path)), "--legal-basis", "consent").exit_code == 2
    done = cli("import", str(_sheet(tmp_path)), "--legal-basis", "public_task")
    assert done.exit_code == 0, done.output
    [person] = _persons(store)
    assert (person["legal_basis"], person["consent"]) == ("public_task", None)
    assert person["recorded"] == dt.date.today().isoformat()


def test_import_with_a_consent_date_column(cli: Cli, store: Store, tmp_path: Path) -> None:
    done = cli("import", str(_sheet(tmp_path, consent="14.03.2023")))
    assert done.exit_code == 0, done.output
    [person] = _persons(store)
    assert person["legal_basis"] == "consent"
    assert person["consent"]["date"] == "2023-03-14"
    assert not [p for p in check_store(Store(store.root), strict=True) if p.severity == "error"]


def test_import_asks_for_the_legal_basis_at_a_terminal(
    cli: Cli, store: Store, tmp_path: Path
) -> None:
    done = cli(
        "import", str(_sheet(tmp_path)), input="public_task\n", env={"MOKOORD_INTERACTIVE": "1"}
    )
    assert done.exit_code == 0, done.output
    assert "consent date. Legal basis for them" in done.stderr
    [person] = _persons(store)
    assert person["legal_basis"] == "public_task"


# --------------------------------------------------------------------------- the record of processing (Art. 30)


def test_the_record_of_processing_is_generated_from_models_and_config(
    demo_cli: Cli, demo: Store
) -> None:
    config = demo.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    for default, mine in (
        ("privacy:\n", "privacy:\n  controller: Landeshauptstadt Wiesbaden, Amt für Zuwanderung "
         "und Integration\n  data_protection_officer: datenschutz@example.org\n"),
        ("contact_text_years: 5", "contact_text_years: 4"),
        ("person_months_after_last_contact: 36", "person_months_after_last_contact: 24"),
    ):  # fmt: skip
        assert default in text
        text = text.replace(default, mine)
    config.write_text(text, encoding="utf-8")
    text = demo_cli("privacy", "record").stdout
    for expected in (
        "# Verzeichnis von Verarbeitungstätigkeiten",
        "Landeshauptstadt Wiesbaden, Amt für Zuwanderung und Integration",
        "datenschutz@example.org",
        "## 3. Zwecke der Verarbeitung",
        "Verweisberatung an Ämter",
        "§ 3 Abs. 1 HDSIG",
        "## 5. Kategorien betroffener Personen",
        "| Kontaktdaten | E-Mail, Telefon |",
        "Freitexte, die Personen nennen können",
        "Kulturamt (",
        "Keine.",
        "24 Monate nach dem letzten Kontakt",
        "4 Jahre nach dem Kontakt",
        "Löschung bis in die Versionsgeschichte",
    ):
        assert expected in text, expected
    persons = len(list((demo.root / "persons").glob("*.yaml")))
    counted = [line for line in text.splitlines() if line.startswith("| Einwilligung")]
    assert int(counted[0].split("|")[2]) <= persons
    page = demo_cli("privacy", "record", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>9. Löschfristen</h2>" in page
    english = demo_cli("privacy", "record", "--lang", "en").stdout
    assert "# Record of processing activities" in english


# --------------------------------------------------------------------------- declarations next to the models


def _text_fields(model: type[BaseModel], prefix: FieldPath = ()) -> set[FieldPath]:
    """Every place in ``model`` holding free text (``Text`` fields: up to 20,000 characters)."""
    found: set[FieldPath] = set()
    for key, info in model.model_fields.items():
        if info.annotation is str and any(
            getattr(m, "max_length", 0) == 20_000 for m in info.metadata
        ):  # a required Text: pydantic moved its constraints to the field
            found.add((*prefix, key))
        else:
            found |= _text_in(info.annotation, (*prefix, key))
    return found


def _text_in(annotation: Any, path: FieldPath) -> set[FieldPath]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        limits = [m for m in annotation.__metadata__ if hasattr(m, "max_length")]
        if args[0] is str and any(getattr(m, "max_length", 0) == 20_000 for m in limits):
            return {path}
        return _text_in(args[0], path)
    if origin in (list,):
        return _text_in(typing.get_args(annotation)[0], (*path, "*"))
    if origin is not None:  # a union
        found: set[FieldPath] = set()
        for arg in typing.get_args(annotation):
            found |= _text_in(arg, path)
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _text_fields(annotation, path)
    return set()


def test_every_free_text_field_is_declared() -> None:
    for kind, spec in KINDS.items():
        declared = set(FREE_TEXT.get(kind, ())) | {
            path for path, field in PERSONAL_DATA.get(kind, {}).items() if field.search == "text"
        }
        if kind == "erasure":
            declared.add(("reason",))  # checked on its own: it may never name a person
        assert _text_fields(spec.model) == declared, kind


def test_every_declared_personal_field_exists() -> None:
    from mokoord.models.meta import values_at

    for kind, fields in PERSONAL_DATA.items():
        model = KINDS[kind].model
        names = set(model.model_fields)
        for path in fields:
            assert path[0] in names, (kind, path)
    assert values_at({"consent": {"date": 1}}, ("consent", "date")) == [(("consent", "date"), 1)]


@pytest.mark.parametrize(
    "text",
    [
        "id: p-aaaaaa\nname: Alte Datei\norganisation: kulturverein\nrole: chair\n",
        "id: p-aaaaaa\nname: Alte Datei\nlegal_basis: consent\nconsent:\n  date: 2021-01-01\n"
        "  scope: [contact]\n  source: Formular\nlast_contact: 2022-02-02\n",
    ],
)
def test_persons_of_existing_stores_still_load(store: Store, write: Write, text: str) -> None:
    _write_all(write, {"persons/p-aaaaaa.yaml": text})
    data = Store(store.root).load(("person",))
    assert data.problems == []
    assert data.persons["p-aaaaaa"].name == "Alte Datei"
