"""``mokoord check``: one test per problem, each asserting where it points."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mokoord.checks import CHECKS, check_store
from mokoord.store import Store

Write = Callable[[str, str], Path]

ORG = """\
id: elternverein-biebrich
name: Elternverein Biebrich
status: contacted
district: biebrich
"""

INSTITUTION = """\
id: jobcenter
name: Jobcenter Wiesbaden
kind: city_office
"""

NETWORK = """\
id: netzwerk-integration
name: Netzwerk Integration
"""

PROGRAMME = """\
id: wir-programm
name: WIR-Programm
lines:
  - id: projects
    name: Projektförderung
    max_amount: 5000
"""

PERSON = """\
id: p-4k2m9x
name: Erika Beispiel
organisation: elternverein-biebrich
legal_basis: public_task
"""


def contact(cid: str = "2023-03-14-k7qm", date: str = "2023-03-14", extra: str = "") -> str:
    return (
        f"id: {cid}\n"
        f"date: {date}\n"
        "organisations: [elternverein-biebrich]\n"
        "channel: phone\n"
        "summary: Telefonat über Räume\n" + extra
    )


@pytest.fixture
def base(write: Write) -> Write:
    """A small valid store: one of each kind that others refer to."""
    write("organisations/elternverein-biebrich.yaml", ORG)
    write("institutions/jobcenter.yaml", INSTITUTION)
    write("networks/netzwerk-integration.yaml", NETWORK)
    write("programmes/wir-programm.yaml", PROGRAMME)
    write("persons/p-4k2m9x.yaml", PERSON)
    write("contacts/2023/2023-03-14-k7qm.yaml", contact())
    return write


def problems(cli: Any, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = cli("check", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def only(found: list[dict[str, Any]], code: str) -> dict[str, Any]:
    matching = [p for p in found if p["code"] == code]
    assert len(matching) == 1, found
    return matching[0]


def test_valid_store_passes(cli: Any, base: Write) -> None:
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems" in result.stderr
    code, found = problems(cli, "--strict")
    assert (code, found) == (0, [])


def test_fresh_store_passes_strict(cli: Any) -> None:
    assert cli("check", "--strict").exit_code == 0


def test_json_has_exactly_the_documented_keys(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "status_since: tomorrow\n")
    code, found = problems(cli)
    assert code == 1
    assert found
    for problem in found:
        assert set(problem) == {"path", "line", "column", "severity", "code", "message"}
        assert isinstance(problem["line"], int)
        assert isinstance(problem["column"], int)
        assert problem["severity"] in ("error", "warning")


def test_text_output_is_path_line_col_severity_code_message(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG.replace("contacted", "bogus"))
    result = cli("check")
    assert result.exit_code == 1
    line = result.stdout.strip()
    assert line.startswith("organisations/elternverein-biebrich.yaml:3:9: error invalid-value ")
    assert "'bogus'" in line
    assert "contacted" in line  # the allowed statuses are named
    assert "1 error, 0 warnings" in result.stderr


def test_german_problem_lines_translate_the_severity_not_the_code(cli: Any, base: Write) -> None:
    """In German the severity is a German word; the code (to look up) and the JSON
    stay as they are."""
    base("organisations/elternverein-biebrich.yaml", ORG.replace("contacted", "bogus"))
    result = cli("--lang", "de", "check")
    assert result.exit_code == 1
    line = result.stdout.strip()
    assert line.startswith("organisations/elternverein-biebrich.yaml:3:9: Fehler invalid-value ")
    assert "Status „bogus“ ist nicht zulässig" in line
    assert "1 Fehler, 0 Warnungen in" in result.stderr
    as_json = json.loads(cli("--lang", "de", "check", "--format", "json").stdout)
    assert [(p["severity"], p["code"]) for p in as_json] == [("error", "invalid-value")]
    assert "Status „bogus“" in as_json[0]["message"]  # messages are text for people


def test_check_format_option(cli: Any, base: Write) -> None:
    table = cli("check", "-f", "table")
    assert (table.exit_code, table.stdout) == (0, "")
    assert json.loads(cli("check", "--format", "JSON").stdout) == []
    assert json.loads(cli("check", "--json", "--format", "json").stdout) == []
    wrong = cli("--lang", "de", "check", "--format", "csv")
    assert wrong.exit_code == 2
    assert "--format: „csv“ ist nicht zulässig; möglich sind: table, json" in wrong.stderr
    both = cli("check", "--json", "--format", "table")
    assert both.exit_code == 2
    assert "choose one output format" in both.stderr


def test_a_clean_store_in_german(cli: Any, base: Write) -> None:
    result = cli("--lang", "de", "check")
    assert result.exit_code == 0
    assert "Keine Probleme in" in result.stderr


def test_invalid_value(cli: Any, base: Write) -> None:
    base(
        "organisations/elternverein-biebrich.yaml",
        ORG + "address:\n  street: Rathausstraße 1\n  postal_code: '6520'\n",
    )
    code, found = problems(cli)
    problem = only(found, "invalid-value")
    assert (code, problem["line"], problem["column"]) == (1, 7, 16)
    assert "five digits" in problem["message"]


def test_invalid_date(cli: Any, base: Write) -> None:
    base(
        "contacts/2023/2023-03-14-k7qm.yaml",
        contact().replace("date: 2023-03-14", "date: 2023-02-30"),
    )
    _code, found = problems(cli)
    problem = only(found, "invalid-value")
    assert (problem["line"], problem["column"]) == (2, 7)
    assert "'2023-02-30' is not a valid date; write 14.03.2023 or 2023-03-14" in problem["message"]


def test_text_where_a_number_stands(cli: Any, base: Write) -> None:
    base(
        "organisations/elternverein-biebrich.yaml", ORG.replace("Elternverein Biebrich\n", "1860\n")
    )
    _code, found = problems(cli)
    problem = only(found, "invalid-value")
    assert (problem["line"], problem["column"]) == (2, 7)
    assert "quotes" in problem["message"]


def test_missing_key(cli: Any, base: Write) -> None:
    base("contacts/2023/2023-03-14-k7qm.yaml", contact().replace("channel: phone\n", ""))
    _code, found = problems(cli)
    problem = only(found, "missing-key")
    assert "'channel'" in problem["message"]
    assert problem["line"] == 1


def test_unknown_key_with_did_you_mean(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "adress:\n  city: Wiesbaden\n")
    code, found = problems(cli)
    problem = only(found, "unknown-key")
    assert (code, problem["line"], problem["column"]) == (1, 5, 1)
    assert "unknown key 'adress'; did you mean 'address'?" in problem["message"]


def test_unknown_nested_key_with_did_you_mean(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "address:\n  postcode: '65203'\n")
    _code, found = problems(cli)
    problem = only(found, "unknown-key")
    assert (problem["line"], problem["column"]) == (6, 3)
    assert "did you mean 'postal_code'?" in problem["message"]


def test_duplicate_key(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "status: known\n")
    code, found = problems(cli)
    problem = only(found, "duplicate-key")
    assert (code, problem["line"], problem["column"]) == (1, 5, 1)
    assert "first at line 3" in problem["message"]


def test_duplicate_id_in_two_year_folders(cli: Any, base: Write) -> None:
    base("contacts/2022/2023-03-14-k7qm.yaml", contact())
    code, found = problems(cli)
    problem = only(found, "duplicate-id")
    assert code == 1
    assert problem["path"] == "contacts/2023/2023-03-14-k7qm.yaml"
    assert (problem["line"], problem["column"]) == (1, 5)
    assert "contacts/2022/2023-03-14-k7qm.yaml" in problem["message"]
    # the copy in the wrong year's folder is flagged too
    wrong = only(found, "wrong-folder")
    assert wrong["path"] == "contacts/2022/2023-03-14-k7qm.yaml"
    assert wrong["severity"] == "warning"


def test_file_name_and_id_disagree(cli: Any, base: Write) -> None:
    base("organisations/elternverein.yaml", ORG)
    code, found = problems(cli)
    problem = only(found, "id-mismatch")
    assert (code, problem["path"], problem["line"], problem["column"]) == (
        1,
        "organisations/elternverein.yaml",
        1,
        5,
    )
    assert "elternverein-biebrich.yaml" in problem["message"]


def test_yml_extension_is_flagged(cli: Any, base: Write) -> None:
    base("networks/kreis.yml", "id: kreis\nname: Kreis\n")
    _code, found = problems(cli)
    problem = only(found, "file-name")
    assert problem["path"] == "networks/kreis.yml"
    assert "kreis.yaml" in problem["message"]


@pytest.mark.parametrize(
    ("path", "text", "line", "column", "target"),
    [
        (
            "contacts/2023/2023-03-14-k7qm.yaml",
            contact().replace("[elternverein-biebrich]", "[elternverein-biebrich, kulturverein]"),
            3,
            40,
            "organisation",
        ),
        (
            "contacts/2023/2023-03-14-k7qm.yaml",
            contact(extra="referrals:\n  - institution: auslaenderbehoerde\n"),
            7,
            18,
            "institution",
        ),
        (
            "contacts/2023/2023-03-14-k7qm.yaml",
            contact(extra="persons: [p-zzzzzz]\n"),
            6,
            11,
            "person",
        ),
        (
            "organisations/elternverein-biebrich.yaml",
            ORG + "networks:\n  - netzwerk-integration\n  - runder-tisch\n",
            7,
            5,
            "network",
        ),
        (
            "applications/2023/antrag-raeume.yaml",
            "id: antrag-raeume\norganisation: elternverein-biebrich\nprogramme: demokratie-leben\n"
            "year: 2023\ntitle: Räume\nrequested: 1000\n",
            3,
            12,
            "programme",
        ),
        (
            "persons/p-4k2m9x.yaml",
            PERSON.replace("organisation: elternverein-biebrich", "organisation: frauenverein"),
            3,
            15,
            "organisation",
        ),
    ],
)
def test_unknown_reference(
    cli: Any, base: Write, path: str, text: str, line: int, column: int, target: str
) -> None:
    base(path, text)
    code, found = problems(cli)
    problem = only(found, "unknown-reference")
    assert code == 1
    assert (problem["path"], problem["line"], problem["column"]) == (path, line, column)
    assert problem["message"].startswith(f"no {target} with id ")


def test_unknown_reference_suggests_a_close_id(cli: Any, base: Write) -> None:
    base(
        "contacts/2023/2023-03-14-k7qm.yaml",
        contact().replace("[elternverein-biebrich]", "[elternverein-bibrich]"),
    )
    _code, found = problems(cli)
    assert "did you mean 'elternverein-biebrich'?" in only(found, "unknown-reference")["message"]


def test_reference_to_an_invalid_file_is_not_called_unknown(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "nme: typo\n")
    _code, found = problems(cli)
    assert [p["code"] for p in found] == ["unknown-key"]


def test_future_contact_date_unless_planned(cli: Any, base: Write) -> None:
    base("contacts/2099/2099-01-05-abcd.yaml", contact("2099-01-05-abcd", "2099-01-05"))
    code, found = problems(cli)
    problem = only(found, "future-date")
    assert (code, problem["line"], problem["column"]) == (1, 2, 7)
    assert "planned: true" in problem["message"]
    base(
        "contacts/2099/2099-01-05-abcd.yaml",
        contact("2099-01-05-abcd", "2099-01-05", "planned: true\n"),
    )
    code, found = problems(cli)
    assert (code, found) == (0, [])


@pytest.mark.parametrize(
    ("addition", "line", "column"),
    [
        ("status_since: 2099-05-01\n", 5, 15),
        ("known_since: 2099-05-01\n", 5, 14),
        ("last_verified: 2099-05-01\n", 5, 16),
        ("founded: 2199\n", 5, 10),
        ("needs:\n  - category: rooms\n    since: 2099-05-01\n", 7, 12),
    ],
)
def test_future_dates_of_an_organisation(
    cli: Any, base: Write, addition: str, line: int, column: int
) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + addition)
    code, found = problems(cli)
    problem = only(found, "future-date")
    assert (code, problem["line"], problem["column"]) == (1, line, column)
    assert "lies in the future" in problem["message"]


def test_overdue_follow_up_and_pending_referral_are_warnings(cli: Any, base: Write) -> None:
    base(
        "contacts/2023/2023-03-14-k7qm.yaml",
        contact(
            extra="follow_up:\n  date: 2023-04-01\n  action: nachfragen\n"
            "referrals:\n  - institution: jobcenter\n    outcome: pending\n"
        ),
    )
    result = cli("check")
    assert result.exit_code == 0, result.output  # warnings alone pass
    code, found = problems(cli)
    assert code == 0
    follow = only(found, "follow-up-overdue")
    assert (follow["severity"], follow["line"], follow["column"]) == ("warning", 7, 9)
    referral = only(found, "referral-pending")
    assert (referral["severity"], referral["line"], referral["column"]) == ("warning", 11, 14)
    assert "jobcenter" in referral["message"]
    assert "0 errors, 2 warnings" in result.stderr


def test_dates_in_problems_are_written_as_the_language_writes_them(cli: Any, base: Write) -> None:
    base("contacts/2023/2023-03-14-k7qm.yaml", contact(extra="follow_up:\n  date: 2023-04-01\n"))
    base("organisations/elternverein-biebrich.yaml", ORG + "known_since: 2099-05-01\n")
    german = " ".join(cli("--lang", "de", "check").output.split())
    assert "Wiedervorlage zum 01.04.2023" in german
    assert "01.05.2099" in german
    assert "2023-04-01" not in german.replace("contacts/2023/2023-03-14", "")
    english = " ".join(cli("--lang", "en", "check").output.split())
    assert "follow-up due 1 Apr 2023" in english


def test_done_follow_up_and_closed_referral_are_fine(cli: Any, base: Write) -> None:
    base(
        "contacts/2023/2023-03-14-k7qm.yaml",
        contact(
            extra="follow_up:\n  date: 2023-04-01\n  done: 2023-04-02\n"
            "referrals:\n  - institution: jobcenter\n    outcome: taken_up\n"
            "    outcome_date: 2023-05-01\n"
        ),
    )
    assert problems(cli) == (0, [])


def test_undeclared_term_is_a_warning_and_an_error_with_strict(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "fields: [education, cooking]\n")
    code, found = problems(cli)
    problem = only(found, "undeclared-term")
    assert (code, problem["severity"], problem["line"], problem["column"]) == (0, "warning", 5, 21)
    assert "vocabularies.fields" in problem["message"]
    code, found = problems(cli, "--strict")
    problem = only(found, "undeclared-term")
    assert (code, problem["severity"]) == (1, "error")


def test_declaring_the_term_makes_strict_pass(cli: Any, store: Store, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG + "fields: [cooking]\n")
    config = store.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  fields:\n", "  fields:\n    cooking:\n      de: Kochen\n", 1)
    config.write_text(text, encoding="utf-8")
    assert problems(cli, "--strict") == (0, [])


def test_unquoted_postal_code_says_to_quote_it(cli: Any, base: Write) -> None:
    base(
        "organisations/elternverein-biebrich.yaml",
        ORG + "address:\n  postal_code: 01067\n  city: Dresden\n",
    )
    code, found = problems(cli)
    problem = only(found, "unquoted-number")
    assert (code, problem["line"], problem["column"]) == (1, 6, 16)
    assert "must be quoted ('01067')" in problem["message"]
    assert "1067 " not in problem["message"].replace("01067", "")


def test_rule_across_fields_points_at_the_field(cli: Any, base: Write) -> None:
    base("organisations/elternverein-biebrich.yaml", ORG.replace("contacted", "declined"))
    _code, found = problems(cli)
    problem = only(found, "invalid-value")
    assert (problem["line"], problem["column"]) == (3, 9)
    assert "status_reason" in problem["message"]


def test_invalid_config_is_reported_at_its_line(cli: Any, store: Store) -> None:
    config = store.root / "mokoord.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    code, found = problems(cli)
    problem = only(found, "unknown-key")
    assert code == 1
    assert problem["path"] == "mokoord.yaml"
    assert problem["line"] == len(config.read_text(encoding="utf-8").splitlines())


def test_every_problem_in_every_file_is_reported(cli: Any, base: Write) -> None:
    base("organisations/a.yaml", "id: a\nname: A\nstatus: nope\n")
    base("organisations/b.yaml", "id: b\nname: B\nb: 1\n")
    base(
        "contacts/2023/2023-01-01-zzzz.yaml",
        contact("2023-01-01-zzzz", "2023-01-01").replace("elternverein-biebrich", "ghost"),
    )
    code, found = problems(cli)
    assert code == 1
    assert [(p["path"], p["code"]) for p in found] == [
        ("contacts/2023/2023-01-01-zzzz.yaml", "unknown-reference"),
        ("organisations/a.yaml", "invalid-value"),
        ("organisations/b.yaml", "unknown-key"),
    ]


def test_check_store_library_call_with_a_fixed_today(store: Store, base: Write) -> None:
    import datetime as dt

    base("contacts/2023/2023-03-14-k7qm.yaml", contact(extra="follow_up:\n  date: 2023-03-20\n"))
    assert check_store(store, today=dt.date(2023, 3, 25)) == []
    late = check_store(store, today=dt.date(2023, 4, 30))
    assert [p.code for p in late] == ["follow-up-overdue"]
    assert len(CHECKS) >= 4


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("name: 1e3", "expected text, found a number; write it in quotes ('1e3')"),
        ("name: 2023-03-14", "expected text, found a date; write it in quotes ('2023-03-14')"),
        ("name: yes", None),  # YAML 1.2: plain text, fine
        ("name: true", "expected text, found true/false; write it in quotes"),
        ("name:", "Name is empty; write a value or remove the key"),
        ("name: ''", "Name is empty; write a value or remove the key"),
        ("founded: 1850", "1850 is too small: at least 1900"),
        ("founded: abc", "Year founded 'abc' is not a year"),
        ("status_since: 2023-03-14 10:00:00", "'2023-03-14 10:00:00' has a time of day"),
        ("known_since: 2023-03-14 10:00", "has a time of day; write only the date"),
        ("fields: education", "expected a list, found 'education'"),
        ("address: Hauptstraße 1", "Address: expected keys with values, found 'Hauptstraße 1'"),
        ("paid_staff: maybe", "Paid staff 'maybe' is not yes or no"),
    ],
)
def test_messages_read_well(cli: Any, base: Write, line: str, message: str | None) -> None:
    text = ORG.replace("name: Elternverein Biebrich\n", "")
    if not line.startswith("name"):
        text += "name: Elternverein Biebrich\n"
    base("organisations/elternverein-biebrich.yaml", text + line + "\n")
    code, found = problems(cli)
    if message is None:
        assert (code, found) == (0, [])
        return
    problem = only(found, "invalid-value")
    assert message in problem["message"]
    assert "Input should" not in problem["message"]
    assert problem["line"] == len(text.splitlines()) + 1


def test_unknown_key_inside_a_vocabulary_suggests_the_label_key(cli: Any, store: Store) -> None:
    config = store.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "      de: Bildung\n", "      dee: Bildung\n", 1
    )
    config.write_text(text, encoding="utf-8")
    _code, found = problems(cli)
    assert "unknown key 'dee'; did you mean 'de'?" in only(found, "unknown-key")["message"]


def test_every_problem_code_is_documented() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    source = "".join(
        (root / "src" / "mokoord" / name).read_text(encoding="utf-8")
        for name in (
            "yamlparse.py",
            "yamlio.py",
            "validation.py",
            "checks.py",
            "checkrules.py",
            "checkfacts.py",
        )
    )
    codes = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source))
    assert {"unquoted-number", "duplicate-id", "future-date"} <= codes
    docs = (root / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert sorted(code for code in codes if f"`{code}`" not in docs) == []


def test_yaml_file_outside_the_record_folders_is_flagged(cli: Any, base: Write) -> None:
    base("organisation/kulturverein.yaml", "id: kulturverein\nname: Kulturverein\n")
    base("notes.yaml", "a: 1\n")
    base("templates/custom.yaml", "a: 1\n")  # the store's own templates are fine
    code, found = problems(cli)
    assert code == 0
    assert [(p["path"], p["code"], p["severity"]) for p in found] == [
        ("notes.yaml", "stray-file", "warning"),
        ("organisation/kulturverein.yaml", "stray-file", "warning"),
    ]
    assert "organisations/" in found[0]["message"]
