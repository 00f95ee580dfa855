"""``mokoord report``: every JSON number against hand-computed values, golden files,
escaping, template overrides and the command line's errors.

The store is ``tests/report_store.py``; the comments below say how each
expected number follows from its records.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import mokoord
from conftest import Cli, run_mokoord
from mokoord.facts import OrganisationFact
from mokoord.models.config import default_vocabularies
from mokoord.models.organisation import Organisation
from mokoord.report.indicators import Period, status_at, year_period
from mokoord.store import Store
from report_store import fill
from validators import schema_errors

GOLDEN = Path(__file__).parent / "golden"
TODAY = "2024-02-01"
VOCAB = default_vocabularies()


def terms(vocabulary: str, **counts: int) -> dict[str, int]:
    """Every term of a default vocabulary with 0, except the given counts (order kept)."""
    out = dict.fromkeys(VOCAB[vocabulary], 0)
    for key, value in counts.items():
        assert key.replace("__", "-") in out, key
        out[key.replace("__", "-")] = value
    return out


STATUSES = ("known", "contacted", "in_dialogue", "cooperating", "inactive", "dissolved", "declined")


def statuses(**counts: int) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in STATUSES}


def months(year: int, **counts: int) -> dict[str, int]:
    return {f"{year}-{m:02d}": counts.get(f"m{m}", 0) for m in range(1, 13)}


def inst(
    total: int = 0, taken_up: int = 0, not_taken_up: int = 0, pending: int = 0
) -> dict[str, int]:
    return {"total": total, "taken_up": taken_up, "not_taken_up": not_taken_up, "pending": pending}


@pytest.fixture
def rcli(store: Store) -> Cli:
    fill(store.root)
    return Cli(store.root)


def report_json(cli: Cli, *args: str) -> dict[str, Any]:
    """The JSON report, checked against the schema mokoord ships (report.schema.json)."""
    result = cli("report", *args, "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    assert schema_errors("report", data) == []
    return data


def markdown_html(text: str) -> str:
    """Markdown as another tool would render it: tables on, raw HTML allowed."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": True}).enable("table").render(text))


# --------------------------------------------------------------------------- every number, 2023


EXPECTED_2023: dict[str, Any] = {
    "period": {
        "from": "2023-01-01",
        "to": "2023-12-31",
        "previous": {"from": "2022-01-01", "to": "2022-12-31"},
    },
    "contacts": {
        # c1 (two organisations, counts once), c2, c3, c5; c4 is with the declined
        # organisation only, c6 is planned.
        "total": 4,
        "by_channel": terms("channels", visit=2, phone=1, email=1),
        # c1 rooms+funding, c2 acquisition, c3 no topic, c5 funding
        "by_topic": terms("topics", funding=2, rooms=1, acquisition=1),
        "by_month": months(2023, m1=1, m3=2, m12=1),
        # Elternverein, Anatolia (both via c1), script-verein
        "organisations_reached": 3,
        # only script-verein had its earliest contact ever in 2023
        "first_contacts": 1,
        "previous": {
            # p1, p2 and p3: the Bund was not yet declined at the end of 2022
            "total": 3,
            "by_channel": terms("channels", visit=1, phone=1, email=1),
            "by_topic": terms("topics", acquisition=3, events=1),
            "by_month": months(2022, m2=1, m3=1, m5=1),
            "organisations_reached": 3,
            "first_contacts": 3,
        },
    },
    "registry": {
        # five organisations known by the end of 2023 (Neugründung 2024 is not)
        "total": 5,
        "by_status": statuses(known=1, contacted=1, in_dialogue=1, cooperating=1, declined=1),
        # the declined Bund (sport, mitte) counts only in total and by_status
        "by_field": terms("fields", education=1, parents_family=1, culture=2, youth=1, women=1),
        "by_district": terms("districts", biebrich=1, mitte=1, westend=1, mainz__kastel=1),
        "new": 2,  # script-verein, Frauentreff
        "stale": 2,  # Anatolia verified 2021-11-30, Frauentreff never
        "open_needs": {
            "total": 2,  # Elternverein rooms, Anatolia advice (funding was met in March)
            "by_category": terms("need_categories", rooms=1, advice=1),
        },
        "previous": {
            "total": 3,
            # Elternverein in_dialogue since 2022-09, Anatolia and the Bund contacted
            "by_status": statuses(contacted=2, in_dialogue=1),
            "by_field": terms("fields", education=1, parents_family=1, culture=1, sport=1),
            "by_district": terms("districts", biebrich=1, mitte=2),
            "new": 2,  # Anatolia, the Bund
            "stale": 2,  # Anatolia (2021-11-30 < 2021-12-31), the Bund never verified
            "open_needs": {
                # Elternverein rooms and funding (closed only in 2023), the Bund funding;
                # Anatolia's advice need arose in 2023
                "total": 3,
                "by_category": terms("need_categories", rooms=1, funding=2),
            },
        },
    },
    # Vereinsrecht 12 participants + Förderanträge 4+2 from attendance; the Bund's
    # attendance does not count as an organisation
    "trainings": {
        "held": 2,
        "participants": 18,
        "organisations": 3,
        "previous": {"held": 1, "participants": 8, "organisations": 1},
    },
    "exchange_formats": {
        "held": 1,
        "participants": 20,
        "previous": {"held": 1, "participants": 0},
    },
    # the Bund's cooperation is left out
    "cooperations": {"new": 1, "previous": {"new": 1}},
    "offered_formats": {
        "organisations": 3,
        "by_format": terms("offered_formats", events=2, counselling=2, arrival_help=1),
        "previous": {
            "organisations": 3,
            "by_format": terms("offered_formats", events=3, counselling=1),
        },
    },
    "referrals": {
        # c1 kulturamt taken up; c3 ehrenamtsagentur pending; c5 ehrenamtsagentur taken
        # up in January 2024 and kulturamt not taken up; c4 (declined) left out
        "total": 4,
        "by_institution": {
            "ehrenamtsagentur": inst(2, taken_up=1, pending=1),
            "kulturamt": inst(2, taken_up=1, not_taken_up=1),
            "landeskompetenzzentrum": inst(),
        },
        "taken_up": 2,
        "not_taken_up": 1,
        "pending": 1,
        "rate": 0.6667,  # 2 / (2 + 1), pending left out
        "previous": {
            "total": 1,
            "by_institution": {
                "ehrenamtsagentur": inst(),
                "kulturamt": inst(1, taken_up=1),
                "landeskompetenzzentrum": inst(),
            },
            "taken_up": 1,
            "not_taken_up": 0,
            "pending": 0,
            "rate": 1.0,
        },
    },
    "funding": {
        # supported: a1 (submitted 2023-02), a2 (2023-11), a5 (draft, deadline 2023-09)
        "supported": 3,
        # a1, a2, a3 (submitted 2023-12, decided 2024); a4 is the Bund's
        "submitted": 3,
        "granted": 1,  # a1; a3 was decided in 2024
        "requested_amount": 4500,
        "granted_amount": 2000,
        "previous": {
            "supported": 1,
            "submitted": 1,
            "granted": 1,
            "requested_amount": 1000.5,
            "granted_amount": 1000.5,
        },
    },
    "completeness": {
        "organisations": 4,
        "stale": 2,
        "never_verified": 1,
        "verified_in_period": 2,  # last_verified 2023-06-01 and 2023-03-01
        "without_district": 0,
        "without_field": 0,
        "contacts": 4,
        "contacts_without_topic": 1,
        "events_without_head_count": 0,
        "invalid_files": 0,
    },
    "meta": {
        "city": "Wiesbaden",
        "office": "Koordinierungsstelle Migrantenorganisationen",
        "generated": TODAY,
        "stale_after_months": 12,
        "format_version": 1,
        "mokoord_version": mokoord.__version__,
    },
    "left_out": [],
}


def test_every_json_number_matches_the_hand_computed_values(rcli: Cli) -> None:
    data = report_json(rcli, "--year", "2023")
    for section, expected in EXPECTED_2023.items():
        assert data[section] == expected, section
    assert list(data) == list(EXPECTED_2023)


def test_json_keys_are_stable_and_numbers_are_numbers(rcli: Cli) -> None:
    data = report_json(rcli, "--year", "2023")
    for section in (
        "contacts",
        "registry",
        "trainings",
        "exchange_formats",
        "cooperations",
        "offered_formats",
        "referrals",
        "funding",
    ):
        now = {k: v for k, v in data[section].items() if k != "previous"}
        assert set(now) == set(data[section]["previous"]), section

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("from", "to", "city", "office", "generated"):
                    walk(item)
        else:
            assert isinstance(value, int | float), value
            assert not isinstance(value, bool), value

    walk({k: v for k, v in data.items() if k not in ("period", "meta", "left_out")})
    assert isinstance(data["funding"]["requested_amount"], int)
    assert isinstance(data["funding"]["previous"]["granted_amount"], float)


def test_an_empty_year_gives_zeros_and_no_rate(rcli: Cli) -> None:
    data = report_json(rcli, "--year", "2019")
    assert data["period"] == {
        "from": "2019-01-01",
        "to": "2019-12-31",
        "previous": {"from": "2018-01-01", "to": "2018-12-31"},
    }
    for part in (data, {k: v.get("previous") for k, v in data.items() if isinstance(v, dict)}):
        contacts = part["contacts"]
        assert contacts["total"] == 0
        assert sum(contacts["by_month"].values()) == 0
        assert contacts["organisations_reached"] == contacts["first_contacts"] == 0
        assert part["registry"]["total"] == 0
        assert sum(part["registry"]["by_status"].values()) == 0
        assert part["referrals"]["rate"] is None
        assert part["referrals"]["total"] == 0
        assert part["funding"]["requested_amount"] == 0
        trainings = {k: v for k, v in part["trainings"].items() if k != "previous"}
        assert trainings == {"held": 0, "participants": 0, "organisations": 0}
    md = rcli("report", "--lang", "de", "--year", "2019", "--today", TODAY)
    assert md.exit_code == 0
    assert "Keine Daten im Zeitraum." in md.stdout
    assert "| Vermittlungsquote | – | – | – |" in md.stdout


def test_a_half_year_is_compared_with_the_half_year_before(rcli: Cli) -> None:
    data = report_json(rcli, "--from", "01.07.2023", "--to", "2023-12-31")
    assert data["period"] == {
        "from": "2023-07-01",
        "to": "2023-12-31",
        "previous": {"from": "2023-01-01", "to": "2023-06-30"},
    }
    assert list(data["contacts"]["by_month"]) == [f"2023-{m:02d}" for m in range(7, 13)]
    assert data["contacts"]["total"] == 1  # c5
    assert data["contacts"]["first_contacts"] == 0
    # c1, c2, c3; the Bund was declined by 30 June, so c4 is left out
    assert data["contacts"]["previous"]["total"] == 3
    assert data["contacts"]["previous"]["first_contacts"] == 1
    assert data["referrals"]["rate"] == 0.5
    assert data["referrals"]["previous"]["rate"] == 1.0  # c1 taken up, c3 pending
    assert data["registry"]["new"] == 1  # Frauentreff (September)


def test_a_referral_closed_next_year_counts_with_its_outcome(rcli: Cli) -> None:
    """The December referral taken up in January 2024 is 'taken up' in the 2023 report,
    and 2024 (where it was closed) has no referral at all."""
    data = report_json(rcli, "--year", "2024")
    assert data["referrals"]["total"] == 0
    assert data["referrals"]["previous"]["by_institution"]["ehrenamtsagentur"] == inst(
        2, taken_up=1, pending=1
    )
    # the 2024 registry includes the 2024 foundation
    assert data["registry"]["total"] == 6
    assert data["funding"]["granted"] == 1  # a3, decided 2024-01-20
    assert data["funding"]["granted_amount"] == 800


def test_periods() -> None:
    assert year_period(2024).previous() == Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    march = Period(dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert march.previous() == Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    days = Period(dt.date(2023, 3, 10), dt.date(2023, 3, 20))
    assert days.previous() == Period(dt.date(2023, 2, 27), dt.date(2023, 3, 9))
    assert Period(dt.date(2023, 11, 15), dt.date(2024, 1, 2)).months() == [
        "2023-11",
        "2023-12",
        "2024-01",
    ]


def test_status_on_a_date_follows_the_history() -> None:
    org = Organisation.model_validate(
        {
            "id": "x",
            "name": "X",
            "known_since": "2021-03-01",
            "status": "cooperating",
            "status_since": "2023-05-10",
            "status_history": [
                {"status": "contacted", "since": "2022-02-01"},
                {"status": "in_dialogue", "since": "2022-09-01"},
            ],
        }
    )
    assert status_at(OrganisationFact.of(org), dt.date(2021, 2, 28)) is None
    assert status_at(OrganisationFact.of(org), dt.date(2021, 6, 1)) == "known"
    assert status_at(OrganisationFact.of(org), dt.date(2022, 2, 1)) == "contacted"
    assert status_at(OrganisationFact.of(org), dt.date(2022, 12, 31)) == "in_dialogue"
    assert status_at(OrganisationFact.of(org), dt.date(2023, 5, 10)) == "cooperating"


def test_invalid_files_are_left_out_and_counted(rcli: Cli, store: Store) -> None:
    (store.root / "organisations" / "kaputt.yaml").write_text("id: kaputt\nname: [\n")
    data = report_json(rcli, "--year", "2023")
    assert data["completeness"]["invalid_files"] == 1
    assert data["registry"]["total"] == 5


# --------------------------------------------------------------------------- Markdown, HTML, language


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MOKOORD_REGEN_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with MOKOORD_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with MOKOORD_REGEN_GOLDEN=1"
    )


def test_markdown_matches_the_golden_file(rcli: Cli) -> None:
    result = rcli("report", "--lang", "de", "--year", "2023", "--today", TODAY)
    assert result.exit_code == 0, result.output
    _check_golden("report.md", result.stdout)
    assert "| Vermittlungsquote | 66,7 % | 100,0 % | −33,3 Pp. |" in result.stdout
    assert "| Bewilligte Summe | 2.000,00 € | 1.000,50 € | +999,50 € |" in result.stdout


def test_html_matches_the_golden_file(rcli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bericht.html"
    result = rcli(
        "report", "--lang", "de", "--year", "2023", "--today", TODAY, "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    _check_golden("report.html", out.read_text(encoding="utf-8"))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two ``#rrggbb`` colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_colours_stand_out_from_the_page(rcli: Cli, tmp_path: Path) -> None:
    """WCAG 1.4.11: every bar, line and marker of every chart has 3:1 against white
    (white itself only parts bars that touch, and fills the background)."""
    out = tmp_path / "bericht.html"
    assert rcli("report", "--year", "2023", "--output", str(out)).exit_code == 0
    svgs = re.findall(r"<svg.*?</svg>", out.read_text(encoding="utf-8"), re.S)
    assert len(svgs) == 5
    colours = {
        colour.lower()
        for svg in svgs
        for colour in re.findall(r"(?:fill|stroke): (#[0-9a-fA-F]{6})", svg)
    }
    colours -= {"#ffffff"}
    assert len(colours) >= 6  # the colours of both periods, the line and three outcomes
    weak = {c: round(contrast(c, "#ffffff"), 2) for c in colours if contrast(c, "#ffffff") < 3}
    assert weak == {}
    assert contrast("#9dc3e6", "#ffffff") < 3  # the old previous-period blue would fail


def test_html_is_self_contained_and_accessible(rcli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bericht.html"
    assert rcli("report", "--lang", "de", "--year", "2023", "--output", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:;" in html
    )
    assert '<html lang="de">' in html
    assert "@media print" in html
    assert "@media (max-width" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html.split("<main>")[0])
    assert "<script" not in html.lower()
    assert html.count("<svg") == 5  # year over year, months, fields, needs, referrals
    for chart in ("chart-yoy", "chart-months", "chart-fields", "chart-needs", "chart-referrals"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert '<th scope="col">' in html
    assert '<th scope="row">' in html
    assert "<caption id=" in html
    assert 'class="table-wrap" role="region" tabindex="0" aria-labelledby=' in html


def test_english_on_request(rcli: Cli) -> None:
    result = rcli("report", "--year", "2023", "--lang", "en", "--today", TODAY)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# Evaluation report 2023")
    assert "| Referral rate | 66.7 % | 100.0 % | −33.3 pp |" in text
    assert "| Amount granted | €2,000.00 | €1,000.50 | +€999.50 |" in text
    assert "Referral rate = taken up ÷ (taken up + not taken up)" in text
    assert "Outreach visit on site" in text
    assert "Vermittlungsquote" not in text


def test_the_report_speaks_the_language_of_the_command_line(rcli: Cli, tmp_path: Path) -> None:
    """Without its own --lang, the report is in the language of everything else:
    the global --lang, else $MOKOORD_LANG, else the store's language:."""
    english = rcli("--lang", "en", "report", "--year", "2023", "--today", TODAY)
    assert english.stdout.startswith("# Evaluation report 2023")
    german = rcli("--lang", "de", "report", "--year", "2023", "--today", TODAY)
    assert german.stdout == (GOLDEN / "report.md").read_text(encoding="utf-8")
    from_env = rcli("report", "--year", "2023", "--today", TODAY, env={"MOKOORD_LANG": "de"})
    assert from_env.stdout.startswith("# Evaluationsbericht 2023")
    # the report's own --lang wins; the messages stay in the command line's language
    out = tmp_path / "report.md"
    own = rcli("--lang", "en", "report", "--year", "2023", "--lang", "de", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Evaluationsbericht 2023")
    assert "report 1 Jan 2023 – 31 Dec 2023 (md, de) written to" in own.stderr
    deutsch = rcli("--lang", "de", "report", "-y", "2023", "--lang", "Englisch", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Evaluation report 2023")
    assert "Bericht 01.01.2023 – 31.12.2023 (md, en) in" in deutsch.stderr


def test_the_store_language_decides_without_lang_or_environment(
    rcli: Cli, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOKOORD_LANG")
    config = store.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nlanguage: de" in "\n" + text
    assert rcli("report", "--year", "2023").stdout.startswith("# Evaluationsbericht 2023")
    config.write_text(text.replace("language: de", "language: en"), encoding="utf-8")
    assert rcli("report", "--year", "2023").stdout.startswith("# Evaluation report 2023")


@pytest.mark.parametrize(
    ("args", "german"),
    [
        ((), "Welcher Zeitraum? --year JAHR oder --from DATUM und --to DATUM angeben"),
        (("--year", "2023", "--from", "2023-01-01"), "entweder --year oder --from/--to angeben"),
        (("--from", "01.05.2023", "--to", "01.04.2023"), "--to (01.04.2023) liegt vor --from"),
        (("--from", "2023-05-01", "--to", "gestern?"), "--to: „gestern?“ ist kein gültiges Datum"),
        (("-y", "2023", "-f", "pdf"), "--format: „pdf“ ist nicht zulässig; möglich sind: md, html"),
        (("-y", "2023", "-o", "bericht.txt"), "Das Format ist aus „bericht.txt“ nicht zu erkennen"),
    ],
)
def test_usage_errors_in_german(rcli: Cli, args: tuple[str, ...], german: str) -> None:
    result = rcli("--lang", "de", "report", *args)
    assert result.exit_code == 2
    assert f"Fehler: {german}" in " ".join(result.stderr.split())


def test_german_methods_define_the_referral_rate(rcli: Cli) -> None:
    text = rcli("report", "--lang", "de", "--year", "2023").stdout
    assert "Vermittlungsquote = wahrgenommen ÷ (wahrgenommen + nicht wahrgenommen)" in text
    assert "Noch offene Verweisungen sind nicht im Nenner enthalten" in text
    assert "länger als 12 Monate nicht geprüft | 2 |" in text


# --------------------------------------------------------------------------- escaping and templates


def test_text_from_the_data_stays_text(rcli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert rcli("report", "--year", "2023", "-o", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; e.V." in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "<b>fett</b>" not in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "<img" not in html
    assert "<strong>Gut besucht.</strong>" in html  # Markdown in notes is rendered
    assert 'href="https://example.org/folien"' in html
    md = rcli("report", "--year", "2023").stdout
    assert "javascript:" not in md
    assert "\\<script\\>alert(1)\\</script\\> e.V." in md  # as written, once rendered
    assert "&lt;" not in md
    assert "&amp;" not in md
    rendered = markdown_html(md)
    assert "<script" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; e.V." in rendered
    assert "<b>fett</b>" not in rendered
    assert "<img" not in rendered
    assert "[Folien](https://example.org/folien)" in md
    assert "Trick" in md
    assert "[Trick]" not in md


def test_a_store_template_overrides_the_builtin_and_is_escaped(rcli: Cli, store: Store) -> None:
    folder = store.root / "templates"
    folder.mkdir(exist_ok=True)  # init makes templates/ (for templates/outreach/)
    (folder / "report.md.j2").write_text(
        "Eigener Bericht {{ t.title }}\n{% for org in new_organisations %}{{ org.name }}\n{% endfor %}",
        encoding="utf-8",
    )
    text = rcli("report", "--lang", "de", "--year", "2023").stdout
    assert text.startswith("Eigener Bericht Evaluationsbericht 2023")
    # printed without |mdx: a Markdown template still cannot let raw HTML through
    assert "\\<script\\>alert(1)\\</script\\> e.V." in text
    assert "<script" not in markdown_html(text)
    assert "<script>" not in text
    # HTML still comes from the built-in templates
    html = rcli("report", "--lang", "de", "--year", "2023", "--format", "html").stdout
    assert "<!DOCTYPE html>" in html


def test_a_broken_store_template_is_a_clear_error(rcli: Cli, store: Store) -> None:
    folder = store.root / "templates"
    folder.mkdir(exist_ok=True)  # init makes templates/ (for templates/outreach/)
    (folder / "report.md.j2").write_text("ok\n{% for x in %}\n", encoding="utf-8")
    result = rcli("report", "--year", "2023")
    assert result.exit_code == 1
    assert "templates/report.md.j2:2: report template error" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output
    (folder / "report.md.j2").write_text("{{ t.__class__.__mro__ }}", encoding="utf-8")
    result = rcli("report", "--year", "2023")
    assert result.exit_code == 1
    assert "report template report.md.j2 failed" in result.stderr.replace("\n", "")


# --------------------------------------------------------------------------- the command line


def test_output_format_follows_the_file_suffix(rcli: Cli, tmp_path: Path) -> None:
    for name, start in (("r.json", "{"), ("r.md", "# Evaluationsbericht"), ("r.htm", "<!DOCTYPE")):
        result = rcli("report", "--lang", "de", "--year", "2023", "--output", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)
        assert "written to" in result.stderr
    result = rcli("report", "--lang", "de", "--year", "2023", "--output", str(tmp_path / "r.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format from 'r.txt'" in result.stderr
    assert not (tmp_path / "r.txt").exists()
    forced = rcli(
        "report", "--lang", "de", "-y", "2023", "-f", "json", "-o", str(tmp_path / "r.txt")
    )
    assert forced.exit_code == 0
    written = json.loads((tmp_path / "r.txt").read_text())
    assert schema_errors("report", written) == []
    assert written["contacts"]["total"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "which period? give --year YEAR"),
        (("--year", "2023", "--from", "2023-01-01"), "either --year or --from/--to"),
        (
            (
                "--from",
                "2023-01-01",
            ),
            "give both --from and --to",
        ),
        (("--from", "2023-05-01", "--to", "2023-04-01"), "lies before --from"),
        (("--from", "2023-05-01", "--to", "gestern?"), "--to: 'gestern?' is not a valid date"),
        (("--year", "2023", "--format", "pdf"), "'pdf' is not one of md, html, json"),
        (("--year", "2023", "--lang", "fr"), "'fr' is not one of de, en"),
    ],
)
def test_usage_errors_are_clear(rcli: Cli, args: tuple[str, ...], message: str) -> None:
    result = rcli("report", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_report_runs_as_a_real_process(store: Store) -> None:
    fill(store.root)
    proc = run_mokoord(
        "report",
        "--year",
        "2023",
        "--format",
        "json",
        cwd=store.root,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")},
    )
    assert proc.returncode == 0, proc.stderr
    assert schema_errors("report", json.loads(proc.stdout)) == []
    assert json.loads(proc.stdout)["referrals"]["rate"] == 0.6667
    md = run_mokoord(
        "report",
        "--lang",
        "de",
        "--year",
        "2023",
        cwd=store.root,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")},
    )
    assert md.stdout.startswith("# Evaluationsbericht 2023")  # raw Markdown when piped


# --------------------------------------------------------------------------- hostile text in Markdown

HOSTILE = 'Größenwahn & Söhne | Women\'s *Net* _x_ \\ `c` [l](javascript:x) <b>b</b> &amp; "q"'


def _hostile_store(store: Store) -> None:
    """Every text the Markdown report takes from the data made hostile."""
    from ruamel.yaml import YAML

    yaml = YAML()
    config_path = store.root / "mokoord.yaml"
    config = yaml.load(config_path.read_text(encoding="utf-8"))
    config["office"] = "Büro | <i>Stelle</i>\n# Kopf"
    vocab = config["vocabularies"]
    for vocabulary, term in (
        ("channels", "visit"),
        ("topics", "acquisition"),
        ("fields", "culture"),
        ("districts", "mitte"),
        ("need_categories", "rooms"),
        ("offered_formats", "events"),
    ):
        vocab[vocabulary][term]["de"] = f"{term}: {HOSTILE}\nzweite Zeile"
    with config_path.open("w", encoding="utf-8") as handle:
        yaml.dump(config, handle)
    for relative, key in (
        ("organisations/script-verein.yaml", "name"),
        ("institutions/kulturamt.yaml", "name"),
    ):
        path = store.root / relative
        text = path.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
        path.write_text(
            text.replace(old, f"{key}: {json.dumps('1. ' + HOSTILE)}"), encoding="utf-8"
        )
    events = sorted((store.root / "events").glob("2023/*.yaml"))
    text = events[0].read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title:"))
    events[0].write_text(text.replace(old, f"title: {json.dumps('# ' + HOSTILE)}"))


def _cells(html: str) -> list[list[int]]:
    """Per table of rendered HTML: the number of cells of each row."""
    return [
        [len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]
        for table in re.findall(r"<table>.*?</table>", html, re.S)
    ]


def test_markdown_shows_hostile_names_as_written_in_every_table(rcli: Cli, store: Store) -> None:
    import html as html_module

    _hostile_store(store)
    assert report_json(rcli, "--year", "2023")["left_out"] == []  # every file still valid
    md = rcli("report", "--lang", "de", "--year", "2023").stdout
    for entity in ("&amp;", "&#39;", "&#34;", "&quot;", "&lt;"):
        assert entity not in md.replace("\\&amp;", ""), entity  # data's own "&amp;" is escaped
    rendered = markdown_html(md)
    # no HTML from the data, no link, no emphasis made of the data's characters
    assert "<b>" not in rendered
    assert "<i>" not in rendered
    assert "javascript:" not in rendered.replace("(javascript:x)", "")
    assert re.findall(r'<a href="([^"]*)"', rendered) == ["https://example.org/folien"]
    assert "<em>Net</em>" not in rendered
    assert "<em>x</em>" not in rendered
    assert "<code>c</code>" not in rendered
    # every row of every table has as many cells as its header
    tables = _cells(rendered)
    assert len(tables) >= 15
    for rows in tables:
        assert len(set(rows)) == 1, rows
    # shown as written, in every place the data appears
    text = html_module.unescape(re.sub(r"<[^>]+>", "", rendered))
    shown = " ".join(HOSTILE.split())
    for label in ("visit", "acquisition", "culture", "mitte", "rooms", "events"):
        assert f"{label}: {shown} zweite Zeile" in text, label
    assert text.count(f"1. {shown}") == 2  # the new organisation and the institution
    assert f"# {shown}" in text  # the event title, not a heading
    assert "Büro | <i>Stelle</i> # Kopf" in text
    assert "<h1>Kopf" not in rendered
    assert "<h1># " not in rendered
