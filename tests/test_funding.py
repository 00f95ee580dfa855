"""Funding programmes, applications and the §2.2 rules through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activity_fixtures import seed
from conftest import git_log, git_status, run_mokoord
from mokoord.formatting import money
from mokoord.models import Application, Programme
from mokoord.money import MoneyError, parse_money
from mokoord.store import Store


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store.root, programme=True)
    return store


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def _flat(text: str) -> str:
    """Output with line wrapping and no-break spaces folded to single spaces."""
    return " ".join(text.split())


def _apply(cli, *args: str):  # type: ignore[no-untyped-def]
    return cli("add-application", "--programme", "auslaenderbeirat", "--year", "2024", *args)


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2500", "2500.00"),
        ("2.500,00", "2500.00"),
        ("2500,5", "2500.50"),
        ("2500.50", "2500.50"),
        ("2,500.50", "2500.50"),
        ("1.000.000", "1000000.00"),
        ("1,000,000", "1000000.00"),
        ("200 €", "200.00"),
        ("EUR 12,30", "12.30"),
        ("0,99", "0.99"),
        ("12.345,67", "12345.67"),
    ],
)
def test_parse_money_accepts(text: str, amount: str) -> None:
    assert parse_money(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2.500", "ambiguous"),
        ("2,500", "ambiguous"),
        ("-5", "negative"),
        ("12,345", "ambiguous"),
        ("12,3456", "more than two decimal places"),
        ("2.5.00", "not an amount"),
        ("1.2,3", "not an amount"),
        ("zweitausend", "not an amount"),
        ("", "not an amount"),
    ],
)
def test_parse_money_refuses(text: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_money(text)


@given(st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False))
def test_german_formatting_parses_back(amount: Decimal) -> None:
    shown = money(amount, "de")
    assert shown.endswith("\xa0€")  # no-break space: never wrapped apart
    assert parse_money(shown) == amount


def test_money_is_shown_the_german_way() -> None:
    assert money(Decimal("2500"), "de") == "2.500,00\xa0€"


# --------------------------------------------------------------------------- programmes


def test_add_programme_with_limit_budget_and_deadlines(cli, store: Store) -> None:
    out = _ok(
        cli(
            "add-programme",
            "--name",
            "Integration durch Kultur",
            "--funder",
            "Landeshauptstadt Wiesbaden",
            "--max-amount",
            "5.000,00",
            "--budget",
            "50000",
            "--deadline",
            "31.01.2024 Jury-Sitzung im Frühjahr",
            "--deadline",
            "2024-09-30",
        )
    )
    assert out.strip() == "integration-durch-kultur"
    programme = store.get(Programme, "integration-durch-kultur")
    assert programme.annual_budget == Decimal("50000.00")
    [line] = programme.lines
    assert (line.id, line.kind, line.per, line.max_amount) == (
        "project",
        "project",
        "project",
        Decimal("5000.00"),
    )
    assert [(d.date.isoformat(), d.note) for d in programme.deadlines] == [
        ("2024-01-31", "Jury-Sitzung im Frühjahr"),
        ("2024-09-30", None),
    ]
    assert git_log(store.root, "-1", "--format=%s").strip() == (
        "add-programme integration-durch-kultur"
    )
    listing = json.loads(_ok(cli("programmes", "--json")))
    assert listing[0]["lines"][0]["max_amount"] == 5000.0
    assert "€5,000.00" in _ok(cli("programmes"))  # English money in an English run


def test_add_programme_institutional_line_defaults_to_registered_associations(
    cli, store: Store
) -> None:
    _ok(
        cli(
            "add-programme",
            "--name",
            "Ausländerbeirat",
            "--id",
            "abr",
            "--line-kind",
            "institutional",
            "--max-amount",
            "200",
            "--per",
            "month",
            "--max-amount-without-rooms",
            "100",
        )
    )
    listing = json.loads(_ok(cli("programmes", "--json")))
    line = listing[0]["lines"][0]
    assert line["eligible_legal_forms"] == ["registered_association"]
    assert (line["id"], line["per"], line["max_amount_without_rooms"]) == (
        "institutional",
        "month",
        100.0,
    )


def test_add_programme_refuses_ambiguous_money(cli, store: Store) -> None:
    result = cli("add-programme", "--name", "X", "--max-amount", "2.500")
    assert result.exit_code == 2
    assert "--max-amount: '2.500' is ambiguous" in _flat(result.output)
    assert not list((store.root / "programmes").glob("*.yaml"))


# --------------------------------------------------------------------------- applications and rules


def test_institutional_funding_with_own_rooms_up_to_200_a_month(cli, seeded: Store) -> None:
    out = _ok(
        _apply(
            cli,
            "--org",
            "elternverein-biebrich",
            "--line",
            "institutional",
            "--title",
            "Miete 2024",
            "--requested",
            "2.400,00",
            "--supported",
        )
    )
    app_id = out.strip()
    assert app_id == "2024-elternverein-biebrich-miete-2024"
    record = seeded.get(Application, app_id)
    assert record.requested == Decimal("2400.00")
    assert record.months == 12
    assert record.supported
    assert record.status == "idea"
    assert (seeded.root / "applications" / "2024" / f"{app_id}.yaml").is_file()
    assert git_log(seeded.root, "-1", "--format=%s").strip() == (
        f"add-application {app_id} (elternverein-biebrich, auslaenderbeirat)"
    )


def test_above_monthly_limit_is_rejected_with_the_rule(cli, seeded: Store) -> None:
    before = git_log(seeded.root, "--format=%H")
    result = _apply(
        cli,
        "--org",
        "elternverein-biebrich",
        "--line",
        "institutional",
        "--title",
        "Miete",
        "--requested",
        "2400,01",
    )
    assert result.exit_code == 1
    assert "rule funding-limit]" in _flat(result.output)
    assert "€200.00 a month × 12 months = €2,400.00" in _flat(result.output)
    assert git_log(seeded.root, "--format=%H") == before
    assert git_status(seeded.root) == ""


def test_lower_limit_without_own_rooms(cli, seeded: Store) -> None:
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "institutional",
        "--title",
        "Miete",
        "--requested",
        "1.300,00",
    )
    assert result.exit_code == 1
    assert "rule funding-limit-without-rooms" in _flat(result.output)
    assert "€100.00 a month × 12 months = €1,200.00" in _flat(result.output)
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "institutional",
        "--title",
        "Miete",
        "--requested",
        "700",
        "--months",
        "6",
    )
    assert result.exit_code == 1
    assert "× 6 months = €600.00" in _flat(result.output)
    _ok(
        _apply(
            cli,
            "--org",
            "kulturverein-anatolia",
            "--line",
            "institutional",
            "--title",
            "Miete",
            "--requested",
            "600",
            "--months",
            "6",
        )
    )


def test_institutional_funding_only_for_registered_associations(cli, seeded: Store) -> None:
    result = _apply(
        cli,
        "--org",
        "initiative-mitte",
        "--line",
        "institutional",
        "--title",
        "Miete",
        "--requested",
        "100",
    )
    assert result.exit_code == 1
    assert "rule funding-eligibility" in _flat(result.output)
    assert (
        "institutional funding of programme 'auslaenderbeirat' goes only to "
        "Registered association" in _flat(result.output)
    )
    assert "'initiative-mitte' has the legal form Initiative" in _flat(result.output)
    result = _apply(
        cli,
        "--org",
        "jugend-ohne-bezirk",
        "--line",
        "project",
        "--title",
        "Fußballturnier",
        "--requested",
        "500",
    )
    assert result.exit_code == 1
    assert "has no legal form recorded" in _flat(result.output)


def test_project_limit_2500(cli, seeded: Store) -> None:
    _ok(
        _apply(
            cli,
            "--org",
            "kulturverein-anatolia",
            "--line",
            "project",
            "--title",
            "Hausaufgabenhilfe",
            "--requested",
            "2.500,00",
        )
    )
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "project",
        "--title",
        "Sommerfest",
        "--requested",
        "2.500,01",
    )
    assert result.exit_code == 1
    assert "at most €2,500.00 per project" in _flat(result.output)
    assert "rule funding-limit]" in _flat(result.output)


def test_application_input_errors(cli, seeded: Store) -> None:
    result = _apply(cli, "--org", "kulturverein-anatolia", "--title", "X", "--requested", "10")
    assert result.exit_code == 2
    assert (
        "choose one with --line (Institutionelle Förderung (institutional), "
        "Projektförderung (project))" in _flat(result.output)
    )
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "project",
        "--months",
        "3",
        "--title",
        "X",
        "--requested",
        "10",
    )
    assert result.exit_code == 2
    assert "--months is for monthly lines" in _flat(result.output)
    result = cli(
        "add-application",
        "--org",
        "kulturverein-anatolia",
        "--programme",
        "wir",
        "--year",
        "2024",
        "--title",
        "X",
        "--requested",
        "10",
    )
    assert result.exit_code == 1
    assert "no programme with id 'wir'" in _flat(result.output)
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "project",
        "--title",
        "X",
        "--requested",
        "10",
        "--status",
        "granted",
    )
    assert result.exit_code == 2
    assert "needs --granted" in _flat(result.output)
    result = _apply(
        cli,
        "--org",
        "kulturverein-anatolia",
        "--line",
        "project",
        "--title",
        "X",
        "--requested",
        "zehn",
    )
    assert result.exit_code == 2
    assert "--requested: 'zehn' is not an amount" in _flat(result.output)
    assert not list((seeded.root / "applications").glob("*/*.yaml"))


def test_status_changes_fill_dates_and_check_the_grant(cli, seeded: Store) -> None:
    app_id = _ok(
        _apply(
            cli,
            "--org",
            "kulturverein-anatolia",
            "--line",
            "project",
            "--title",
            "Hausaufgabenhilfe",
            "--requested",
            "2000",
            "--deadline",
            "30.11.2024",
        )
    ).strip()
    _ok(cli("application", app_id, "--status", "submitted", "--date", "20.11.2024"))
    record = seeded.get(Application, app_id)
    assert record.status == "submitted"
    assert record.submitted is not None
    assert record.submitted.isoformat() == "2024-11-20"
    assert git_log(seeded.root, "-1", "--format=%s").strip() == (
        f"application {app_id}: idea -> submitted"
    )
    result = cli("application", app_id, "--status", "granted")
    assert result.exit_code == 2
    assert "--granted EUR" in _flat(result.output)
    result = cli(
        "application", app_id, "--status", "granted", "--granted", "2.600,00", "--date", "heute"
    )
    assert result.exit_code == 1
    assert "granted €2,600.00 is above the limit" in _flat(result.output)
    assert seeded.get(Application, app_id).status == "submitted"
    _ok(
        cli(
            "application",
            app_id,
            "--status",
            "granted",
            "--granted",
            "1.800,00",
            "--date",
            "2025-01-15",
        )
    )
    record = seeded.get(Application, app_id)
    assert (record.status, record.granted) == ("granted", Decimal("1800.00"))
    assert record.decided is not None
    assert record.decided.isoformat() == "2025-01-15"
    result = cli("application", app_id, "--status", "idea")
    assert result.exit_code == 2
    assert "can become proof of use filed or withdrawn, not idea" in _flat(result.output)
    _ok(cli("application", app_id, "--status", "proof_filed", "--date", "2025-03-01"))
    record = seeded.get(Application, app_id)
    assert record.proof_filed is not None
    assert record.granted == Decimal("1800.00")
    shown = _ok(cli("application", app_id))
    assert "€1,800.00" in shown
    assert "proof of use filed" in _flat(shown)
    assert "1.800,00\xa0€" in _ok(cli("--lang", "de", "application", app_id))
    assert "Verwendungsnachweis eingereicht" in _flat(
        _ok(cli("--lang", "de", "application", app_id))
    )


def test_rejected_application_loses_nothing_but_status(cli, seeded: Store) -> None:
    app_id = _ok(
        _apply(
            cli,
            "--org",
            "elternverein-biebrich",
            "--line",
            "project",
            "--title",
            "Chor",
            "--requested",
            "900",
            "--status",
            "submitted",
            "--submitted",
            "2024-02-01",
        )
    ).strip()
    _ok(cli("application", app_id, "--status", "rejected", "--date", "2024-03-01"))
    record = seeded.get(Application, app_id)
    assert record.status == "rejected"
    assert record.granted is None
    assert record.decided is not None
    assert record.submitted is not None


def test_applications_list_open_year_json_and_totals(cli, seeded: Store) -> None:
    a = _ok(
        _apply(
            cli,
            "--org",
            "elternverein-biebrich",
            "--line",
            "institutional",
            "--title",
            "Miete",
            "--requested",
            "2400",
            "--supported",
        )
    ).strip()
    b = _ok(
        _apply(
            cli,
            "--org",
            "kulturverein-anatolia",
            "--line",
            "project",
            "--title",
            "Lesepaten",
            "--requested",
            "1.250,50",
            "--status",
            "granted",
            "--granted",
            "1000",
            "--decided",
            "2024-03-01",
        )
    ).strip()
    c = _ok(
        cli(
            "add-application",
            "--org",
            "kulturverein-anatolia",
            "--programme",
            "auslaenderbeirat",
            "--line",
            "project",
            "--year",
            "2025",
            "--title",
            "Lesepaten",
            "--requested",
            "1000",
        )
    ).strip()
    rows = json.loads(_ok(cli("applications", "--json")))
    assert [r["id"] for r in rows] == [a, b, c]
    assert set(rows[0]) == {
        "id",
        "organisation",
        "organisation_name",
        "programme",
        "programme_name",
        "line",
        "year",
        "title",
        "requested",
        "months",
        "granted",
        "limit",
        "status",
        "supported",
        "deadline",
        "submitted",
        "decided",
        "proof_filed",
    }
    assert rows[0]["limit"] == 2400.0
    assert rows[0]["supported"] is True
    assert rows[1]["requested"] == 1250.5
    assert rows[1]["granted"] == 1000.0
    open_2024 = json.loads(_ok(cli("applications", "--open", "--year", "2024", "--json")))
    assert [r["id"] for r in open_2024] == [a]
    result = cli("applications", "--year", "2024")
    assert result.exit_code == 0
    assert "requested €3,650.50, granted €1,000.00" in _flat(result.output)
    assert "granted" in result.stdout
    german = _flat(cli("--lang", "de", "applications", "--year", "2024").output)
    assert "beantragt 3.650,50 €, bewilligt 1.000,00 €" in german
    assert "bewilligt" in cli("--lang", "de", "applications", "--year", "2024").stdout


def test_yearly_limit_sums_the_organisations_applications(cli, store: Store) -> None:
    seed(store.root)
    _ok(
        cli(
            "add-programme",
            "--name",
            "WIR Mikroprojekt",
            "--id",
            "wir",
            "--line-kind",
            "micro_project",
            "--max-amount",
            "3000",
            "--per",
            "year",
        )
    )
    _ok(
        cli(
            "add-application",
            "--org",
            "initiative-mitte",
            "--programme",
            "wir",
            "--year",
            "2024",
            "--title",
            "Teil 1",
            "--requested",
            "2000",
        )
    )
    result = cli(
        "add-application",
        "--org",
        "initiative-mitte",
        "--programme",
        "wir",
        "--year",
        "2024",
        "--title",
        "Teil 2",
        "--requested",
        "1500",
    )
    assert result.exit_code == 1
    assert "together with 2024-initiative-mitte-teil-1: €3,500.00" in _flat(result.output)
    _ok(
        cli(
            "add-application",
            "--org",
            "initiative-mitte",
            "--programme",
            "wir",
            "--year",
            "2025",
            "--title",
            "Teil 2",
            "--requested",
            "1500",
        )
    )


# --------------------------------------------------------------------------- mokoord check


def test_check_reports_hand_edited_violations_at_the_requested_line(
    cli, seeded: Store, write
) -> None:  # type: ignore[no-untyped-def]
    write(
        "applications/2024/2024-initiative-mitte-miete.yaml",
        "id: 2024-initiative-mitte-miete\n"
        "organisation: initiative-mitte\n"
        "programme: auslaenderbeirat\n"
        "line: institutional\n"
        "year: 2024\n"
        "title: Miete\n"
        "requested: 1500\n"
        "status: draft\n",
    )
    result = cli("check", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    found = {(p["code"], p["line"]) for p in problems if p["path"].startswith("applications/")}
    assert ("funding-eligibility", 7) in found
    assert ("funding-limit-without-rooms", 7) in found
    text = cli("check").stdout
    assert "applications/2024/2024-initiative-mitte-miete.yaml:7:12: error funding-limit" in text


def test_check_warns_when_grants_exceed_the_annual_budget(cli, store: Store, write) -> None:  # type: ignore[no-untyped-def]
    seed(store.root)
    _ok(cli("add-programme", "--name", "Kultur", "--max-amount", "5000", "--budget", "6000"))
    for title in ("A", "B"):
        _ok(
            cli(
                "add-application",
                "--org",
                "initiative-mitte",
                "--programme",
                "kultur",
                "--year",
                "2024",
                "--title",
                title,
                "--requested",
                "4000",
                "--status",
                "granted",
                "--granted",
                "4000",
                "--decided",
                "2024-06-01",
            )
        )
    problems = json.loads(cli("check", "--json").stdout)
    assert any(
        p["code"] == "budget-exceeded"
        and p["severity"] == "warning"
        and "€8,000.00" in p["message"]
        for p in problems
    )


def test_subprocess_application_rejection(seeded: Store, tmp_path: Path) -> None:
    result = run_mokoord(
        "--data",
        str(seeded.root),
        "add-application",
        "--org",
        "initiative-mitte",
        "--programme",
        "auslaenderbeirat",
        "--line",
        "institutional",
        "--year",
        "2024",
        "--title",
        "Miete",
        "--requested",
        "100",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "funding-eligibility" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- dates of decisions


def _submitted(cli, year: str = "2024") -> str:  # type: ignore[no-untyped-def]
    return _ok(
        cli(
            "add-application",
            "--org",
            "elternverein-biebrich",
            "--programme",
            "auslaenderbeirat",
            "--line",
            "Projektförderung",
            "--year",
            year,
            "--title",
            "Chor",
            "--requested",
            "900",
            "--status",
            "eingereicht",
            "--submitted",
            f"{year}-02-01",
        )
    ).strip()


def test_a_decision_without_its_date_is_an_error_in_a_script(cli, seeded: Store) -> None:
    app_id = _submitted(cli)
    before = git_log(seeded.root, "--format=%H")
    for status in ("refused", "abgelehnt", "rejected"):
        result = cli("application", app_id, "--status", status)
        assert result.exit_code == 2
        assert "the date of the decision is missing; give it with --date" in _flat(result.output)
        assert "(no terminal to ask)" in result.output
    result = cli("application", app_id, "--status", "granted", "--granted", "800")
    assert result.exit_code == 2
    assert "date of the decision is missing" in result.output
    assert git_log(seeded.root, "--format=%H") == before
    assert seeded.get(Application, app_id).decided is None


def test_a_decision_date_is_asked_for_at_a_terminal(cli, seeded: Store) -> None:
    app_id = _submitted(cli)
    result = cli(
        "application",
        app_id,
        "--status",
        "refused",
        input="15.05.2024\n",
        env={"MOKOORD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.output
    assert "Decided on" in result.output
    record = seeded.get(Application, app_id)
    assert (record.status, record.decided) == ("rejected", dt.date(2024, 5, 15))
    assert git_log(seeded.root, "-1", "--format=%s").strip() == (
        f"application {app_id}: submitted -> rejected"
    )


def test_today_is_no_date_for_an_application_of_an_earlier_year(cli, seeded: Store) -> None:
    choir = (
        "add-application", "--org", "elternverein-biebrich", "--programme", "auslaenderbeirat",
        "--line", "project", "--year", "2020", "--title", "Chor", "--requested", "900",
    )  # fmt: skip
    result = cli(*choir, "--status", "submitted")
    assert result.exit_code == 2
    assert "is an application for 2020; give the date with --submitted" in _flat(result.output)
    result = cli(*choir, "--status", "granted", "--granted", "900", "--decided", "01.07.2020")
    assert result.exit_code == 0, result.output
    record = seeded.get(Application, result.stdout.strip())
    assert (record.status, record.decided) == ("granted", dt.date(2020, 7, 1))


def test_german_amounts_are_read_as_euro_in_german(cli, store: Store) -> None:
    result = cli("--lang", "de", "add-programme", "--name", "Kultur", "--max-amount", "2.500")
    assert result.exit_code == 0, result.output
    assert store.get(Programme, "kultur").lines[0].max_amount == Decimal("2500.00")
    shown = _flat(cli("--lang", "de", "programmes").stdout)
    assert "2.500,00 € je Projekt" in shown
    assert "Projektförderung" in shown


def test_check_names_the_legal_forms_in_the_chosen_language(cli, seeded: Store) -> None:
    """A rule broken in a file written by hand: ``check`` words it in German, labels too."""
    folder = seeded.root / "applications" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-initiative-mitte-miete.yaml").write_text(
        "id: 2024-initiative-mitte-miete\n"
        "organisation: initiative-mitte\n"
        "programme: auslaenderbeirat\n"
        "line: institutional\n"
        "year: 2024\n"
        "title: Miete\n"
        "requested: 100.00\n"
        "status: submitted\n"
        "submitted: 2024-03-01\n",
        encoding="utf-8",
    )
    result = cli("--lang", "de", "check")
    assert result.exit_code == 1
    text = _flat(result.output)
    assert "funding-eligibility" in text
    assert "Eingetragener Verein (e.V.)" in text
    assert "Registered association" not in text
