"""The visit kit: the data sheet (``sheet``) and ``verified``, planners and CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import Cli, git_log
from mokoord.errors import UsageError
from mokoord.models import Config, Contact, Organisation
from mokoord.store import Store
from mokoord.visits import VerifiedRequest, plan_verified

TODAY = dt.date.today()
ORG = "elternverein-biebrich"

ORG_YAML = f"""\
id: {ORG}
name: Deutsch-Türkischer Elternverein Biebrich e.V.
status: cooperating
status_since: 2021-03-18
known_since: 2020-10-06
legal_form: registered_association
district: biebrich
address: {{street: Lindenweg 53, postal_code: "65203", city: Wiesbaden}}
fields: [parents_family, education]
languages: [tr, de]
founded: 1971
networks: [foeted]
needs:
  - {{category: rooms, since: 2023-02-01, status: open, note: Raum für die Hausaufgabenhilfe}}
  - {{category: funding, since: 2022-01-01, status: met, closed: 2023-03-01}}
last_verified: 2022-05-01
"""

PERSON_YAML = f"""\
id: p-bbbb01
name: Ayşe Öztürk
organisation: {ORG}
role: chair
email: ayse@example.org
legal_basis: consent
consent: {{date: 2023-01-10, scope: [contact, newsletter]}}
"""

NETWORK_YAML = """\
id: foeted
name: Föderation Türkischer Elternvereine in Deutschland (FÖTED)
kind: umbrella
level: federal
"""


@pytest.fixture
def vcli(store: Store) -> Cli:
    for relative, text in {
        f"organisations/{ORG}.yaml": ORG_YAML,
        "persons/p-bbbb01.yaml": PERSON_YAML,
        "networks/foeted.yaml": NETWORK_YAML,
        "organisations/kulturverein-anatolia.yaml": "id: kulturverein-anatolia\nname: Kulturverein Anatolia\nstatus: known\nfields: [culture]\n",
    }.items():
        (store.root / relative).write_text(text, encoding="utf-8")
    return Cli(store.root)


# --------------------------------------------------------------------------- the planner


def org(**changes: object) -> Organisation:
    return Organisation.model_validate({"id": ORG, "name": "Elternverein", **changes})


def visit(day: dt.date, channel: str = "visit", planned: bool = False) -> Contact:
    return Contact.model_validate(
        {
            "id": f"{day.isoformat()}-abcd",
            "date": day,
            "organisations": [ORG],
            "channel": channel,
            "summary": "x",
            "planned": planned,
        }
    )


def test_verified_sets_last_verified_and_logs_the_visit() -> None:
    day = dt.date(2024, 3, 14)
    plan = plan_verified(org(), [], VerifiedRequest(ORG, day, today=day), Config())
    assert len(plan.writes) == 2
    new_org, contact = (write.record for write in plan.writes)
    assert isinstance(new_org, Organisation)
    assert new_org.last_verified == day
    assert isinstance(contact, Contact)
    assert contact.channel == "visit"
    assert contact.date == day
    assert contact.organisations == [ORG]
    assert contact.summary == "Stammdaten mit der Organisation geprüft"  # the store's language
    assert plan.action == f"verified {ORG} (2024-03-14)"


def test_a_visit_logged_that_day_is_not_logged_again() -> None:
    day = dt.date(2024, 3, 14)
    request = VerifiedRequest(ORG, day, today=day)
    plan = plan_verified(org(), [visit(day)], request, Config())
    assert [type(w.record) for w in plan.writes] == [Organisation]
    # a phone call that day, or a visit only planned, is not the visit
    for other in (visit(day, "phone"), visit(day, planned=True)):
        plan = plan_verified(org(), [other], request, Config())
        assert len(plan.writes) == 2
    # verified already, visit logged: nothing to write
    plan = plan_verified(org(last_verified=day), [visit(day)], request, Config())
    assert plan.empty
    assert "already" in plan.summary


def test_verified_refuses_a_future_day_and_a_day_before_the_last_verification() -> None:
    day = dt.date(2024, 3, 14)
    with pytest.raises(UsageError, match="future"):
        plan_verified(
            org(), [], VerifiedRequest(ORG, day + dt.timedelta(days=1), today=day), Config()
        )
    with pytest.raises(UsageError, match="was verified on"):
        plan_verified(
            org(last_verified=day),
            [],
            VerifiedRequest(ORG, day - dt.timedelta(days=5), today=day),
            Config(),
        )


def test_topics_are_typed_as_people_say_them() -> None:
    day = dt.date(2024, 3, 14)
    request = VerifiedRequest(ORG, day, topics=("Räume",), today=day)
    plan = plan_verified(org(), [], request, Config())
    assert plan.writes[1].record.topics == ["rooms"]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the CLI


def test_verified_is_one_commit_and_leaves_the_stale_list(vcli: Cli, store: Store) -> None:
    stale = json.loads(vcli("list", "--stale", "--json").stdout)
    assert ORG in {row["id"] for row in stale}
    before = git_log(store.root, "--oneline").count("\n")
    result = vcli("verified", ORG, "--date", "heute")
    assert result.exit_code == 0, result.output
    assert git_log(store.root, "--oneline").count("\n") == before + 1
    shown = json.loads(vcli("show", ORG, "--json").stdout)
    assert shown["organisation"]["last_verified"] == TODAY.isoformat()
    assert shown["contacts"]["recent"][0]["channel"] == "visit"
    stale = json.loads(vcli("list", "--stale", "--json").stdout)
    assert ORG not in {row["id"] for row in stale}
    # the same day again: nothing new
    result = vcli("verified", ORG)
    assert result.exit_code == 0, result.output
    assert "already" in result.stderr
    assert git_log(store.root, "--oneline").count("\n") == before + 1
    contacts = json.loads(vcli("contacts", "--org", ORG, "--json").stdout)
    assert len(contacts) == 1


def test_verified_counts_in_the_report_of_its_period(vcli: Cli) -> None:
    result = vcli("verified", ORG, "--date", "14.03.2024")
    assert result.exit_code == 0, result.output
    report = json.loads(vcli("report", "--year", "2024", "-f", "json").stdout)
    assert report["completeness"]["verified_in_period"] == 1
    report = json.loads(vcli("report", "--year", "2023", "-f", "json").stdout)
    assert report["completeness"]["verified_in_period"] == 0


def test_verified_in_german(vcli: Cli) -> None:
    result = vcli("--lang", "de", "verified", ORG, "--date", "14.03.2024")
    assert result.exit_code == 0, result.output
    assert f"{ORG} am 14.03.2024 geprüft; Besuch als Kontakt 2024-03-14-" in result.stderr
    result = vcli("--lang", "de", "verified", "elternverein-bieb")
    assert result.exit_code != 0
    assert (
        "Keine Organisation mit der Kennung" in result.stderr
        or "keine Organisation" in result.stderr
    )


def test_the_data_sheet_shows_every_field_by_label_in_german(vcli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "besuch.html"
    result = vcli("--lang", "de", "sheet", ORG, "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "<title>Stammdatenblatt – Deutsch-Türkischer Elternverein Biebrich e.V.</title>" in page
    for label, value in [
        ("Rechtsform", "Eingetragener Verein (e.V.)"),
        ("Stadtteil", "Biebrich"),
        ("Anschrift: Straße", "Lindenweg 53"),
        ("Tätigkeitsfelder", "Eltern und Familie, Bildung"),
        ("Sprachen", "Türkisch, Deutsch"),
        ("Gründungsjahr", "1971"),
        ("Netzwerke", "Föderation Türkischer Elternvereine in Deutschland (FÖTED)"),
        ("Bekannt seit", "06.10.2020"),
    ]:
        assert f'<th scope="row">{label}</th><td class="value">{value}</td>' in page, label
    # empty fields are marked for filling in by hand
    assert (
        '<th scope="row">Webadresse</th><td class="value empty">fehlt – bitte ergänzen</td>' in page
    )
    # persons with their legal basis, the open need (not the met one), status and the visit
    assert "Ayşe Öztürk" in page
    assert "Vorsitz" in page
    assert "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)" in page
    assert "erteilt am 10.01.2023" in page
    assert "Räume (seit 01.02.2023)" in page
    assert "Finanzielle Förderung" not in page
    assert "Status: kooperierend" in page
    assert "Datum des Besuchs" in page
    assert "Korrektur" in page
    assert "@page { size: A4" in page


def test_sheet_all_writes_one_page_per_organisation(vcli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "alle.html"
    result = vcli("sheet", "--all", "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count('<section class="sheet"') == 2
    assert "break-after: page" in page
    result = vcli("sheet", "--all", "--field", "Kultur", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").count('<section class="sheet"') == 1


def test_sheet_errors(vcli: Cli, tmp_path: Path) -> None:
    result = vcli("sheet")
    assert result.exit_code != 0
    assert "--all" in result.stderr
    result = vcli("sheet", ORG, "--all")
    assert result.exit_code != 0
    assert "not both" in result.stderr
    result = vcli("sheet", "--all", "--district", "Dotzheim")
    assert result.exit_code != 0
    assert "no organisation matches" in result.stderr
    result = vcli("sheet", "no-such-org", "-o", str(tmp_path / "x.html"))
    assert result.exit_code != 0
    assert "no organisation with id 'no-such-org'" in result.stderr
    assert "Traceback" not in result.output


def test_sheet_default_file_name_is_german(
    vcli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = vcli("--lang", "de", "sheet", ORG)
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"stammdatenblatt-{ORG}.html").is_file()
