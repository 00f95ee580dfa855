"""``mokoord calendar``: the .ics file parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import icalendar
import pytest

from activity_fixtures import seed
from conftest import git_status, run_mokoord
from mokoord.store import Store

CONTACTS = {
    "2024-05-02-k7qm": """\
id: 2024-05-02-k7qm
date: 2024-05-02
organisations: [initiative-mitte, kulturverein-anatolia]
channel: visit
summary: Besuch im Vereinsheim
follow_up:
  date: 2024-05-16
  action: Raumangebot schicken
""",
    "2024-05-03-x2ab": """\
id: 2024-05-03-x2ab
date: 2024-05-03
organisations: [elternverein-biebrich]
channel: phone
summary: Telefonat
follow_up:
  date: 2024-05-10
  action: erledigt
  done: 2024-05-09
""",
}


@pytest.fixture
def busy(store: Store, cli) -> Store:  # type: ignore[no-untyped-def]
    seed(store.root, programme=True)
    for contact_id, text in CONTACTS.items():
        path = store.root / "contacts" / "2024" / f"{contact_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=store.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "contacts"], cwd=store.root, check=True)
    for args in (
        [
            "add-event",
            "--kind",
            "training",
            "--series",
            "Vereinsarbeit kompakt",
            "--title",
            "Vereinsrecht",
            "--date",
            "2024-03-14",
            "--end",
            "2024-03-15",
            "--place-org",
            "elternverein-biebrich",
            "--org",
            "initiative-mitte",
            "--participants",
            "12",
        ],
        [
            "add-event",
            "--kind",
            "festival",
            "--title",
            "Sommerfest",
            "--date",
            "2024-07-06",
            "--place",
            "Schlosspark",
        ],
        [
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
            "900",
            "--status",
            "draft",
            "--deadline",
            "2024-11-30",
        ],
        [
            "add-application",
            "--org",
            "elternverein-biebrich",
            "--programme",
            "auslaenderbeirat",
            "--line",
            "project",
            "--year",
            "2025",
            "--title",
            "Chor",
            "--requested",
            "900",
            "--status",
            "submitted",
            "--deadline",
            "2024-11-30",
        ],
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return store


def _read(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_holds_events_follow_ups_and_deadlines(cli, busy: Store, tmp_path: Path) -> None:
    target = tmp_path / "termine.ics"
    result = cli("calendar", "--output", str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert b"\r\n" in raw
    assert raw.startswith(b"BEGIN:VCALENDAR")
    events = _read(target)
    assert set(events) == {
        "event-2024-03-14-vereinsrecht@mokoord",
        "event-2024-07-06-sommerfest@mokoord",
        "follow-up-2024-05-02-k7qm@mokoord",
        "deadline-auslaenderbeirat-2024-11-30@mokoord",
        "application-2025-kulturverein-anatolia-lesepaten@mokoord",
    }  # the done follow-up and the submitted application's deadline are left out
    training = events["event-2024-03-14-vereinsrecht@mokoord"]
    assert str(training["SUMMARY"]) == "Qualifizierung: Vereinsrecht (Vereinsarbeit kompakt)"
    # all-day, two days: DTEND is exclusive
    assert training.decoded("DTSTART") == dt.date(2024, 3, 14)
    assert training.decoded("DTEND") == dt.date(2024, 3, 16)
    assert training["DTSTART"].params.get("VALUE") == "DATE"
    assert str(training["LOCATION"]) == (
        "Räume von Elternverein Biebrich e.V., Rathausstraße 1, 65203 Wiesbaden"
    )
    description = str(training["DESCRIPTION"])
    assert "Reihe: Vereinsarbeit kompakt" in description
    assert "Teilnehmende Organisationen: Initiative Mitte" in description
    assert "Teilnehmende: 12" in description
    festival = events["event-2024-07-06-sommerfest@mokoord"]
    assert str(festival["SUMMARY"]) == "Fest: Sommerfest"
    assert festival.decoded("DTEND") == dt.date(2024, 7, 7)
    follow = events["follow-up-2024-05-02-k7qm@mokoord"]
    assert str(follow["SUMMARY"]) == (
        "Nachfassen: Initiative Mitte, Kulturverein Anatolia e.V. – Raumangebot schicken"
    )
    assert follow.decoded("DTSTART") == dt.date(2024, 5, 16)
    deadline = events["deadline-auslaenderbeirat-2024-11-30@mokoord"]
    assert str(deadline["SUMMARY"]) == (
        "Antragsfrist: Förderung durch den Ausländerbeirat (Anträge für 2025)"
    )
    application = events["application-2025-kulturverein-anatolia-lesepaten@mokoord"]
    assert str(application["SUMMARY"]) == (
        "Frist Förderantrag: Lesepaten (Kulturverein Anatolia e.V.)"
    )
    assert git_status(busy.root) == ""  # the export writes nothing into the store


def test_uids_are_stable_between_exports(cli, busy: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cli("calendar", "--output", str(first)).exit_code == 0
    assert cli("calendar", "--output", str(second)).exit_code == 0
    assert set(_read(first)) == set(_read(second))
    assert [str(e["SUMMARY"]) for e in _read(first).values()] == [
        str(e["SUMMARY"]) for e in _read(second).values()
    ]


def test_from_to_limits_the_entries(cli, busy: Store, tmp_path: Path) -> None:
    target = tmp_path / "sommer.ics"
    result = cli("calendar", "--output", str(target), "--from", "15.03.2024", "--to", "2024-07-31")
    assert result.exit_code == 0, result.output
    assert set(_read(target)) == {
        "event-2024-03-14-vereinsrecht@mokoord",  # runs until the 15th: overlaps
        "event-2024-07-06-sommerfest@mokoord",
        "follow-up-2024-05-02-k7qm@mokoord",
    }


def test_calendar_to_stdout_and_errors(cli, busy: Store, tmp_path: Path) -> None:
    result = cli("calendar", "--output", "-", "--from", "2024-11-01")
    assert result.exit_code == 0
    parsed = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert len(parsed.walk("VEVENT")) == 2
    result = cli("calendar")
    assert result.exit_code == 2
    assert "missing --output" in result.output
    result = cli("calendar", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder" in result.output
    result = cli(
        "calendar",
        "--output",
        str(tmp_path / "x.ics"),
        "--from",
        "2024-05-01",
        "--to",
        "2024-04-01",
    )
    assert result.exit_code == 2
    assert "--to lies before --from" in result.output


def test_calendar_of_an_empty_store_is_valid(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "leer.ics"
    result = run_mokoord(
        "--data", str(store.root), "calendar", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert calendar.walk("VEVENT") == []
