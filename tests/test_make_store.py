"""The demo store in data/, its generator, and the stress-store generator."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from mokoord.dataset import plain
from mokoord.models import Contact, Organisation
from mokoord.roundtrip import RoundTripDocument
from mokoord.store import Store
from mokoord.yamlio import parse_document

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
sys.path.insert(0, str(REPO))

from tools.demo_data import LATEST_DATE, generate  # noqa: E402
from tools.fast_yaml import FastWriter  # noqa: E402

from conftest import run_mokoord  # noqa: E402

EXPECTED_WARNINGS = {"follow-up-overdue", "referral-pending", "planned-passed", "retention-ended"}
"""Realistic open ends; and, as time passes the store's date, records past their retention period."""


def _script(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


# --------------------------------------------------------------------------- the demo store


def test_demo_store_passes_strict_check_through_the_cli(demo_cli) -> None:  # type: ignore[no-untyped-def]
    result = demo_cli("check", "--strict", "--json", "--today", LATEST_DATE.isoformat())
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)
    assert not [p for p in problems if p["severity"] == "error"]
    # Only the deliberate, realistic open ends: a few overdue follow-ups and pending referrals.
    assert {p["code"] for p in problems} <= EXPECTED_WARNINGS
    assert 1 <= len(problems) <= 10


def test_demo_store_passes_check_in_a_real_process(tmp_path: Path) -> None:
    result = run_mokoord("--data", str(DATA), "check", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "0 errors" in result.stdout + result.stderr


def test_committed_demo_store_is_what_the_generator_writes() -> None:
    """data/ holds exactly the generator's output: regenerate with tools/make_demo.py."""
    store = Store(DATA)
    generated = generate()
    expected = {}
    for record in generated.records():
        path, content = store.render(record)
        expected[path.relative_to(DATA).as_posix()] = content
    on_disk = {
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*.yaml")
        if path.name != "mokoord.yaml"
    }
    assert on_disk == set(expected), "run: python tools/make_demo.py"
    stale = [rel for rel, content in expected.items() if (DATA / rel).read_bytes() != content]
    assert not stale, f"data/ is out of date ({len(stale)} files); run: python tools/make_demo.py"


def test_committed_demo_templates_are_what_the_generator_writes() -> None:
    """data/templates/outreach/ and the letterhead hold exactly tools/demo_templates.py."""
    from tools.demo_templates import SENDER, templates

    expected = templates()
    on_disk = {
        path.relative_to(DATA).as_posix()
        for path in (DATA / "templates").rglob("*")
        if path.is_file()
    }
    assert on_disk == set(expected), "run: python tools/make_demo.py"
    for relative, text in expected.items():
        assert (DATA / relative).read_text(encoding="utf-8") == text, relative
    config = Store(DATA).config
    assert config.sender is not None
    assert plain(config.sender) == SENDER


def test_demo_store_content_is_varied_and_plausible() -> None:
    data = Store(DATA).load()
    assert not data.problems
    orgs = list(data.organisations.values())
    assert 55 <= len(orgs) <= 65
    statuses = Counter(org.status for org in orgs)
    assert set(statuses) == {
        "known",
        "contacted",
        "in_dialogue",
        "cooperating",
        "inactive",
        "dissolved",
        "declined",
    }
    declined = [org for org in orgs if org.status == "declined"]
    assert 1 <= len(declined) <= 2
    assert all("§2.4" in (org.status_reason or "") for org in declined)
    assert len({code for org in orgs for code in org.origins}) >= 15
    assert len({lang for org in orgs for lang in org.languages}) >= 20
    assert len({org.district for org in orgs}) >= 15
    assert Counter(org.legal_form for org in orgs).most_common(1)[0][0] == "registered_association"
    offering = sum(1 for org in orgs if org.rooms and org.rooms.offered_to_others)
    needing = sum(1 for org in orgs if any(n.category == "rooms" and n.is_open for n in org.needs))
    assert 0.05 <= offering / len(orgs) <= 0.25
    assert needing > offering
    assert any(
        any("\u0400" <= ch <= "\u04ff" for ch in alias) for org in orgs for alias in org.aliases
    )
    assert any(
        any("\u0600" <= ch <= "\u06ff" for ch in alias) for org in orgs for alias in org.aliases
    )
    assert any(ch in org.name for org in orgs for ch in "şğı")
    for org in orgs:
        if org.registration:
            assert org.registration.number.startswith("VR DEMO-")
    # Persons: invented, example.org only, consent or another legal basis recorded.
    erased = [person for person in data.persons.values() if person.erased]
    for person in data.persons.values():
        if person.erased:
            continue
        assert person.email is None or person.email.endswith("@example.org")
        assert person.organisation in data.organisations
        assert person.legal_basis is not None
        assert person.consent is not None or person.legal_basis != "consent"
    # The office erased what was past its retention period on the store's date.
    [erasure] = data.erasures.values()
    assert {p.id for p in erasure.persons} == {p.id for p in erased}
    assert 5 <= len(erased) <= 20
    assert "consent_withdrawn" in {p.ground for p in erasure.persons}
    # Contacts: a few hundred a year 2021-2024, fewer in August than in October.
    by_year = Counter(c.date.year for c in data.contacts.values() if not c.planned)
    assert {y: by_year[y] for y in range(2021, 2025)} == {
        2021: 180,
        2022: 260,
        2023: 320,
        2024: 300,
    }
    months = Counter(c.date.month for c in data.contacts.values())
    assert months[8] < months[10] / 2
    assert months[12] < months[11]
    planned = [c for c in data.contacts.values() if c.planned]
    assert 1 <= len(planned) <= 3
    assert all(c.date <= LATEST_DATE for c in data.contacts.values() if not c.planned)
    with_referrals = sum(1 for c in data.contacts.values() if c.referrals)
    assert 0.12 <= with_referrals / len(data.contacts) <= 0.25
    # No contact with a declined organisation after it was declined.
    for org in declined:
        assert all(
            c.date < org.status_since  # type: ignore[operator]
            for c in data.contacts.values()
            if org.id in c.organisations
        )
    # Trainings in a series, the summer festival, attendance.
    events = list(data.events.values())
    series = Counter(e.series for e in events if e.series)
    assert series["Qualifizierungsreihe Vereinsarbeit 2022"] == 5
    assert any(e.kind == "festival" for e in events)
    assert all(e.attendance for e in events)
    assert 20 <= len(data.cooperations) <= 30
    assert 30 <= len(data.applications) <= 40


def test_demo_applications_respect_the_programme_limits() -> None:
    data = Store(DATA).load()
    for app in data.applications.values():
        programme = data.programmes[app.programme]
        line = programme.line(app.line)
        assert line is not None
        org = data.organisations[app.organisation]
        if line.eligible_legal_forms:
            assert org.legal_form in line.eligible_legal_forms, app.id
        if line.max_amount is not None:
            months = app.months or 1
            limit = line.max_amount
            if line.max_amount_without_rooms is not None and not (org.rooms and org.rooms.own):
                limit = line.max_amount_without_rooms
            assert app.requested <= limit * months, app.id
        if app.granted is not None:
            assert app.granted <= app.requested
    abr = data.programmes["auslaenderbeirat-foerderung"]
    institutional = abr.line("institutional")
    assert institutional is not None
    assert institutional.max_amount == Decimal("200.00")
    assert institutional.per == "month"
    assert institutional.max_amount_without_rooms == Decimal("100.00")
    assert data.programmes["integration-durch-kultur"].annual_budget == Decimal("50000.00")


# --------------------------------------------------------------------------- writing


def test_fast_writer_writes_exactly_what_mokoord_writes() -> None:
    writer = FastWriter()
    generated = generate(seed=11, orgs=90, contacts=900, events=80)
    for record in generated.records():
        assert writer.dump(record) == RoundTripDocument.new(plain(record)).dump(), record.id
    assert writer.fallbacks == 0


def test_fast_writer_falls_back_for_multiline_text() -> None:
    contact = Contact.model_validate(
        {
            "id": "2023-03-14-k7qm",
            "date": "2023-03-14",
            "organisations": ["a"],
            "channel": "phone",
            "summary": "Erste Zeile\nzweite Zeile: mit Doppelpunkt",
        }
    )
    writer = FastWriter()
    assert writer.dump(contact) == RoundTripDocument.new(plain(contact)).dump()
    assert writer.fallbacks == 1


def test_a_date_used_twice_is_written_twice_not_as_an_alias() -> None:
    """Regression: ruamel wrote &id001/*id001 for one date object in two fields."""
    day = dt.date(2023, 5, 2)
    org = Organisation.model_validate(
        {
            "id": "verein",
            "name": "Verein",
            "known_since": day,
            "status_since": day,
            "last_verified": day,
        }
    )
    text = RoundTripDocument.new(plain(org)).dump()
    assert "&" not in text
    assert "*" not in text
    doc = parse_document("organisations/verein.yaml", text.encode())
    assert not doc.problems
    assert text.count("2023-05-02") == 3


# --------------------------------------------------------------------------- the stress store


def test_make_store_writes_a_valid_store_of_the_asked_size(tmp_path: Path) -> None:
    out = tmp_path / "stress"
    result = _script(
        "benchmarks/make_store.py", "--orgs", "50", "--contacts", "500", "--events", "40",
        "--seed", "3", "--output", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    assert len(list((out / "organisations").glob("*.yaml"))) == 50
    assert len(list((out / "contacts").rglob("*.yaml"))) == 500
    assert len(list((out / "events").rglob("*.yaml"))) == 40
    check = run_mokoord("--data", str(out), "check", "--strict", "--json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    problems = json.loads(check.stdout)
    assert {p["code"] for p in problems} <= EXPECTED_WARNINGS


def test_make_store_beyond_the_hand_written_organisations_is_valid(tmp_path: Path) -> None:
    out = tmp_path / "big"
    result = _script(
        "benchmarks/make_store.py", "--orgs", "120", "--contacts", "1500", "--events", "90",
        "--seed", "9", "--years", "2019-2024", "--output", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    check = run_mokoord("--data", str(out), "check", "--strict", "--json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert {p["code"] for p in json.loads(check.stdout)} <= EXPECTED_WARNINGS
    data = Store(out).load()
    assert len(data.organisations) == 120
    assert len(data.contacts) == 1500
    assert {c.date.year for c in data.contacts.values()} == set(range(2019, 2025))


def test_make_store_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        args = ("--orgs", "20", "--contacts", "150", "--events", "20", "--seed", "5")
        result = _script("benchmarks/make_store.py", *args, "--output", str(out))
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.yaml")})
    assert outputs[0] == outputs[1]


def test_make_store_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("x")
    result = _script(
        "benchmarks/make_store.py", "--orgs", "5", "--contacts", "5", "--events", "5",
        "--output", str(tmp_path / "taken"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("years", ["2021-20x", "1800-1801", "2024-2021"])
def test_make_store_rejects_bad_year_ranges(tmp_path: Path, years: str) -> None:
    result = _script(
        "benchmarks/make_store.py", "--orgs", "5", "--contacts", "5", "--events", "5",
        "--years", years, "--output", str(tmp_path / "x"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
