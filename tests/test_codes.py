"""Languages and countries: one table for every command, ``import`` and ``check``.

People give names ("Ukrainisch", "Dari", "Türkei"); records keep ISO codes.
A code that one command accepts, every other command and ``check`` accept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import git_status
from mokoord import codes, i18n
from mokoord.models.common import LanguageCode, TerritoryCode
from mokoord.store import Store


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def org_yaml(store: Store, org_id: str) -> str:
    return (store.root / "organisations" / f"{org_id}.yaml").read_text(encoding="utf-8")


def test_add_org_takes_german_and_english_names_in_any_spelling(cli, store):
    result = cli(
        "add-org",
        "--name",
        "Verein der Vielen",
        *("--language", "Ukrainisch"),
        *("--language", "DARI"),
        *("--language", "kurdisch (sorani)"),
        *("--language", "Tigrinya"),
        *("--language", "tuerkisch"),
        *("--language", "Arabic"),
        *("--language", "ukr"),  # a unique beginning; the same language again
        *("--language", "RU"),
        *("--origin", "Türkei"),
        *("--origin", "syria"),
        *("--origin", "ERITREA"),
        *("--origin", "Westasien"),
        *("--origin", "afgh"),
        *("--origin", "ua"),
    )
    assert result.exit_code == 0, result.output
    text = org_yaml(store, "verein-der-vielen")
    assert "languages: [uk, prs, ckb, ti, tr, ar, ru]" in text
    assert 'origins: [TR, SY, ER, "145", AF, UA]' in text
    check = cli("check", "--strict")
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--language", "Ukrainsch", ["--language: 'Ukrainsch'", r"Ukrain\w+ \(uk\)"]),
        ("--language", "Blubbisch", ["--language: 'Blubbisch'", "closest: "]),
        ("--language", "Kurd", ["could be several languages", r"Kurd\w+ \(ku\)", "(ckb)", "(kmr)"]),
        ("--origin", "Syrein", ["--origin: 'Syrein'", r"Syri\w+ \(SY\)"]),
        ("--origin", "Kongo", ["could be several countries", "(CD)", "(CG)"]),
    ],
)
def test_an_unknown_value_names_the_option_the_value_and_the_closest(
    cli, store, option, value, expected
):
    result = cli("add-org", "--name", "Verein X", option, value)
    assert result.exit_code == 2
    for part in expected:
        assert re.search(part if "\\" in part else re.escape(part), said(result)), part
    assert "Traceback" not in result.output
    assert not list((store.root / "organisations").glob("*.yaml"))


def test_add_person_and_list_take_names_too(cli, store):
    assert (
        cli("add-org", "--name", "Afghanischer Kulturverein", "--language", "Dari").exit_code == 0
    )
    assert cli("add-org", "--name", "Persischer Kulturverein", "--language", "Farsi").exit_code == 0
    person = cli(
        "add-person",
        "afghanischer-kulturverein",
        "--name",
        "Farid Beispiel",
        "--language",
        "Paschtu",
        "--language",
        "deutsch",
        "--legal-basis",
        "public_task",
    )
    assert person.exit_code == 0, person.output
    person_file = store.root / "persons" / f"{person.stdout.strip()}.yaml"
    assert "languages: [ps, de]" in person_file.read_text(encoding="utf-8")
    listed = cli("list", "--language", "Dari", "--json")
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.stdout)] == ["afghanischer-kulturverein"]
    bad = cli("list", "--language", "Darii")
    assert bad.exit_code == 2
    assert "'Darii'" in said(bad)


def test_set_adds_and_removes_by_name(cli, store):
    assert cli("add-org", "--name", "Verein Y", "--language", "tr").exit_code == 0
    result = cli("set", "verein-y", "languages+=Dari,Kurmandschi", "origins+=Türkei,Irak")
    assert result.exit_code == 0, result.output
    assert "languages: [tr, prs, kmr]" in org_yaml(store, "verein-y")
    assert "origins: [TR, IQ]" in org_yaml(store, "verein-y")
    assert cli("set", "verein-y", "languages-=dari").exit_code == 0
    assert "languages: [tr, kmr]" in org_yaml(store, "verein-y")
    assert cli("set", "verein-y", "languages=Türkisch, Deutsch").exit_code == 0
    assert "languages: [tr, de]" in org_yaml(store, "verein-y")
    bad = cli("set", "verein-y", "origins+=Atlantis")
    assert bad.exit_code == 2
    assert "origins: 'Atlantis' is not a country or region known to mokoord" in said(bad)
    assert cli("check", "--strict").exit_code == 0
    assert git_status(store.root) == ""


def test_import_of_dari_passes_a_strict_check(cli, store, tmp_path: Path):
    sheet = tmp_path / "vereine.csv"
    sheet.write_bytes(
        (
            "Verein;Sprachen;Herkunft\r\n"
            "Afghanischer Frauenverein;Dari, Paschtu;Afghanistan\r\n"
            "Kurdisches Kulturhaus;Kurdisch (Sorani) / Kurmandschi / Zazaki;Irak, Türkei\r\n"
            "Eritreische Gemeinde;Tigrinya;Eritrea\r\n"
            "Syrischer Verein;Arabisch (syrisch);Syrien\r\n"
            "Ferner Verein;Blubbisch;Atlantis\r\n"
        ).encode("cp1252")
    )
    result = cli("import", str(sheet), "--json")
    assert result.exit_code == 0, result.output
    data = Store(store.root).load()
    assert data.organisations["afghanischer-frauenverein"].languages == ["prs", "ps"]
    assert data.organisations["kurdisches-kulturhaus"].languages == ["ckb", "kmr", "zza"]
    assert data.organisations["kurdisches-kulturhaus"].origins == ["IQ", "TR"]
    assert data.organisations["eritreische-gemeinde"].languages == ["ti"]
    assert data.organisations["syrischer-verein"].languages == ["ar"]
    assert data.organisations["ferner-verein"].languages == []
    warnings = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert any("'Blubbisch' is not a language known to mokoord; closest:" in m for m in warnings)
    assert any("'Atlantis' is not a country or region known to mokoord" in m for m in warnings)
    check = cli("check", "--strict")
    assert check.exit_code == 0, check.output
    exported = cli("export", "organisations", "--format", "csv")
    assert "Dari" in exported.stdout
    assert "prs" not in exported.stdout


def test_check_accepts_exactly_the_codes_the_commands_write(cli, store, write):
    write(
        "organisations/verein-z.yaml",
        "id: verein-z\nname: Verein Z\nstatus: known\nlanguages: [prs, kmr, xq]\norigins: [XK, '145', QQ]\n",
    )
    result = cli("check", "--json")
    found = {(p["code"], p["message"]) for p in json.loads(result.stdout)}
    assert ("unknown-language", "'xq' is not an ISO 639 language code") in found
    assert ("unknown-region", "'QQ' is not a country or UN region code") in found
    assert len([f for f in found if f[0] in ("unknown-language", "unknown-region")]) == 2


def test_a_name_written_into_the_file_is_answered_with_its_code(cli, store, write):
    write(
        "organisations/verein-w.yaml",
        "id: verein-w\nname: Verein W\nstatus: known\nlanguages: [Ukrainisch]\n",
    )
    result = cli("check")
    assert result.exit_code == 1
    assert "organisations/verein-w.yaml:4" in said(result)
    assert re.search(r"write the code uk \(Ukrain\w+\)", said(result))


def test_every_code_of_the_table_is_a_valid_record_value():
    from pydantic import TypeAdapter

    languages = TypeAdapter(LanguageCode)
    countries = TypeAdapter(TerritoryCode)
    for code in codes.language_codes():
        assert languages.validate_python(code) == code
    for code in codes.country_codes():
        assert countries.validate_python(code) == code
    assert {"prs", "kmr", "ckb", "zza", "ti", "uk"} <= codes.language_codes()
    assert {"TR", "SY", "ER", "XK", "145", "419"} <= codes.country_codes()


def test_names_for_display_follow_the_chosen_language():
    before = i18n.language()
    try:
        i18n.set_language("de")
        assert codes.language_name("uk") == "Ukrainisch"
        assert codes.language_name("prs") == "Dari"
        assert codes.language_name("ckb") == "Zentralkurdisch (Sorani)"
        assert codes.country_name("TR") == "Türkei"
        assert codes.country_name("145") == "Westasien"
        i18n.set_language("en")
        assert codes.language_name("uk") == "Ukrainian"
        assert codes.language_name("kmr") == "Northern Kurdish (Kurmanji)"
        assert codes.country_name("SY") == "Syria"
        assert codes.language_name("uk", "de") == "Ukrainisch"
        assert codes.language_name("xq") == "xq"  # unknown: shown as written
    finally:
        i18n.set_language(before)


def test_every_german_and_english_name_finds_its_code():
    """The table reads back every name it shows, in both languages."""
    for table in (codes.languages(), codes.countries()):
        as_codes = {code.lower() for code in table.codes}
        for lang in ("de", "en"):
            for code in table.codes:
                name = table.name(code, lang)
                if name.lower() in as_codes:  # "Yi" (ii) is the code of Yiddish: codes win
                    continue
                assert table.find(name) == code, (lang, code, name)
