"""``mokoord calendar``: the .ics file parsed back with the icalendar library,
and checked by libical, an independent strict RFC 5545/5546 implementation."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from activity_fixtures import seed
from conftest import git_status, run_mokoord
from mokoord.store import Store
from validators import libical_check

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
            "add-event",
            "--kind",
            "info",
            "--title",
            "Infoabend Förderung",
            "--date",
            "2024-03-26",
            "--time",
            "18:00",
            "--until",
            "20:30",
        ],
        [
            "add-event",
            "--kind",
            "network",
            "--title",
            "Netzwerktreffen",
            "--date",
            "2024-10-24",
            "--end",
            "2024-10-27",
            "--time",
            "9.30",
            "--until",
            "13 Uhr",
        ],
        [
            "add-event",
            "--kind",
            "info",
            "--title",
            "Sprechstunde",
            "--date",
            "2024-11-05",
            "--time",
            "10:00",
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
            "--submitted",
            "2024-11-20",
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
    result = cli("--lang", "de", "calendar", "--output", str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert b"\r\n" in raw
    assert raw.startswith(b"BEGIN:VCALENDAR")
    events = _read(target)
    assert set(events) == {
        "event-2024-03-14-vereinsrecht@mokoord",
        "event-2024-03-26-infoabend-foerderung@mokoord",
        "event-2024-07-06-sommerfest@mokoord",
        "event-2024-10-24-netzwerktreffen@mokoord",
        "event-2024-11-05-sprechstunde@mokoord",
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
    assert "8 Einträge: " in result.output  # the confirmation in German too


def test_calendar_texts_follow_the_language(cli, busy: Store, tmp_path: Path) -> None:
    target = tmp_path / "dates.ics"
    result = cli("calendar", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "8 entries: 1 application deadline, 5 events, 1 follow-up" in result.output
    events = _read(target)
    training = events["event-2024-03-14-vereinsrecht@mokoord"]
    assert str(training["SUMMARY"]) == "Training: Vereinsrecht (Vereinsarbeit kompakt)"
    assert str(training["LOCATION"]).startswith("Rooms of Elternverein Biebrich e.V.")
    assert "Participating organisations: Initiative Mitte" in str(training["DESCRIPTION"])
    deadline = events["deadline-auslaenderbeirat-2024-11-30@mokoord"]
    assert str(deadline["SUMMARY"]).startswith("Application deadline: ")
    follow = events["follow-up-2024-05-02-k7qm@mokoord"]
    assert str(follow["SUMMARY"]).startswith("Follow up: Initiative Mitte")


def test_planned_events_name_who_is_expected_not_who_took_part(
    cli, busy: Store, tmp_path: Path
) -> None:
    """An event after today is marked as expected (organisations and head count); of a
    held event, expected participation that was never confirmed is not named."""
    coming = dt.date.today() + dt.timedelta(days=20)
    added = cli(
        "add-event", "--kind", "festival", "--title", "Herbstfest", "--date",
        coming.isoformat(), "--org", "initiative-mitte", "--participants", "30",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    planned = cli("attend", added.stdout.strip(), "--org", "elternverein-biebrich", "--planned")
    assert planned.exit_code == 0, planned.output
    held = busy.root / "events" / "2024" / "2024-07-06-sommerfest.yaml"
    held.write_text(
        held.read_text(encoding="utf-8")
        + "attendance:\n  - organisation: kulturverein-anatolia\n    people: 8\n"
        + "  - organisation: initiative-mitte\n    people: 4\n    planned: true\n",
        encoding="utf-8",
    )
    target = tmp_path / "dates.ics"
    assert cli("--lang", "de", "calendar", "--output", str(target)).exit_code == 0
    events = _read(target)
    future = str(events[f"event-{added.stdout.strip()}@mokoord"]["DESCRIPTION"])
    assert "Erwartete Organisationen: Initiative Mitte, Elternverein Biebrich e.V." in future
    assert "Erwartete Teilnehmende: 30" in future
    assert "Teilnehmende Organisationen" not in future
    assert "Teilnehmende: " not in future.replace("Erwartete Teilnehmende", "")
    past = str(events["event-2024-07-06-sommerfest@mokoord"]["DESCRIPTION"])
    assert "Teilnehmende Organisationen: Kulturverein Anatolia e.V." in past
    assert "Initiative Mitte" not in past  # expected, never confirmed
    assert "Teilnehmende: 8" in past


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
        "event-2024-03-26-infoabend-foerderung@mokoord",
        "event-2024-07-06-sommerfest@mokoord",
        "follow-up-2024-05-02-k7qm@mokoord",
    }


def test_calendar_to_stdout_and_errors(cli, busy: Store, tmp_path: Path) -> None:
    result = cli("calendar", "--output", "-", "--from", "2024-11-01")
    assert result.exit_code == 0
    parsed = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert len(parsed.walk("VEVENT")) == 3
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
    assert calendar.walk("VTIMEZONE") == []  # no timed entry, no time zone
    assert libical_check(target.read_bytes()).problems == []


BERLIN = ZoneInfo("Europe/Berlin")


def test_libical_finds_no_problem_in_the_calendar(cli, busy: Store, tmp_path: Path) -> None:
    """libical parses the file and runs its RFC 5545/5546 restriction check: nothing to say.

    The file has no METHOD: it is published for reading, not an iTIP message,
    so no event needs an ORGANIZER (RFC 5546 would demand one under
    METHOD:PUBLISH, and libical would refuse every event without it).
    """
    target = tmp_path / "termine.ics"
    assert cli("calendar", "--output", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert b"\r\nMETHOD:" not in raw
    result = libical_check(raw)
    assert result.problems == []
    assert len(result.events) == 8


def test_libical_refuses_what_rfc_5546_forbids(cli, busy: Store, tmp_path: Path) -> None:
    """The check can fail: METHOD:PUBLISH without ORGANIZER is refused, as before the fix."""
    target = tmp_path / "termine.ics"
    assert cli("calendar", "--output", str(target)).exit_code == 0
    raw = target.read_bytes().replace(
        b"CALSCALE:GREGORIAN\r\n", b"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n", 1
    )
    problems = libical_check(raw).problems
    assert problems
    assert all("ORGANIZER" in problem for problem in problems)
    twice = target.read_bytes().replace(b"TRANSP:TRANSPARENT\r\n", b"DTSTART:20240101\r\n", 1)
    assert any("DTSTART" in problem for problem in libical_check(twice).problems)
    commented = target.read_bytes().replace(
        b"TZID:Europe/Berlin\r\n", b"TZID:Europe/Berlin\r\nCOMMENT:only 2024\r\n", 1
    )  # what icalendar writes by itself, and mokoord removes
    assert any("COMMENT" in problem for problem in libical_check(commented).problems)


def test_timed_events_carry_the_store_time_zone(cli, busy: Store, tmp_path: Path) -> None:
    """--time/--until give wall-clock times in Europe/Berlin; libical, reading the
    file's own VTIMEZONE, gets the same instants (winter and summer time)."""
    target = tmp_path / "termine.ics"
    assert cli("calendar", "--output", str(target)).exit_code == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    info = events["event-2024-03-26-infoabend-foerderung@mokoord"]
    assert info["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert info.decoded("DTSTART") == dt.datetime(2024, 3, 26, 18, 0, tzinfo=BERLIN)
    assert info.decoded("DTEND") == dt.datetime(2024, 3, 26, 20, 30, tzinfo=BERLIN)
    # all-day events stay all-day
    assert events["event-2024-07-06-sommerfest@mokoord"]["DTSTART"].params["VALUE"] == "DATE"

    by_uid = {event.uid: event for event in libical_check(target.read_bytes()).events}
    utc = dt.UTC
    info_read = by_uid["event-2024-03-26-infoabend-foerderung@mokoord"]
    assert (info_read.tzid, info_read.all_day) == ("Europe/Berlin", False)
    assert info_read.start == dt.datetime(2024, 3, 26, 17, 0, tzinfo=utc)  # CET, +01:00
    assert info_read.end == dt.datetime(2024, 3, 26, 19, 30, tzinfo=utc)
    network = by_uid["event-2024-10-24-netzwerktreffen@mokoord"]
    assert network.start == dt.datetime(2024, 10, 24, 7, 30, tzinfo=utc)  # CEST, +02:00
    assert network.end == dt.datetime(2024, 10, 27, 12, 0, tzinfo=utc)  # CET again
    # without --until a one-day event is a point in time (no DTEND)
    consultation = by_uid["event-2024-11-05-sprechstunde@mokoord"]
    assert "DTEND" not in events["event-2024-11-05-sprechstunde@mokoord"]
    assert consultation.start == consultation.end == dt.datetime(2024, 11, 5, 9, 0, tzinfo=utc)
    festival = by_uid["event-2024-07-06-sommerfest@mokoord"]
    assert (festival.all_day, festival.start, festival.end) == (
        True,
        dt.date(2024, 7, 6),
        dt.date(2024, 7, 7),
    )


def test_event_times_in_the_file_and_the_json(cli, busy: Store) -> None:
    text = (busy.root / "events" / "2024" / "2024-03-26-infoabend-foerderung.yaml").read_text(
        encoding="utf-8"
    )
    assert 'time: "18:00"\n' in text
    assert 'until: "20:30"\n' in text
    rows = {row["id"]: row for row in json.loads(cli("events", "--json").stdout)}
    assert (
        rows["2024-03-26-infoabend-foerderung"]["time"],
        rows["2024-03-26-infoabend-foerderung"]["until"],
    ) == ("18:00", "20:30")
    assert (rows["2024-07-06-sommerfest"]["time"], rows["2024-07-06-sommerfest"]["until"]) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--until", "20:00"], "--until needs --time"),
        (["--time", "25:00"], "'25:00' is not a time of day"),
        (["--time", "20:00", "--until", "18:00"], "until lies before the start time"),
    ],
)
def test_add_event_refuses_impossible_times(cli, store: Store, flags, message) -> None:
    result = cli("add-event", "--kind", "info", "--title", "Abend", "--date", "2024-03-26", *flags)
    assert result.exit_code != 0
    assert message in result.output
    assert git_status(store.root) == ""


def test_store_time_zone_from_mokoord_yaml(cli, store: Store, tmp_path: Path) -> None:
    """A store in another zone writes its own VTIMEZONE; an unknown zone is a clear error."""
    config = store.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    assert "timezone: Europe/Berlin\n" in text  # init writes the default
    config.write_text(text.replace("Europe/Berlin", "Europe/Istanbul"), encoding="utf-8")
    assert (
        cli(
            "add-event",
            "--kind",
            "info",
            "--title",
            "Abend",
            "--date",
            "2024-03-26",
            "--time",
            "18:00",
            "--no-commit",
        ).exit_code
        == 0
    )
    target = tmp_path / "istanbul.ics"
    assert cli("calendar", "--output", str(target)).exit_code == 0
    [event] = libical_check(target.read_bytes()).events
    assert event.tzid == "Europe/Istanbul"
    assert event.start == dt.datetime(2024, 3, 26, 15, 0, tzinfo=dt.UTC)
    config.write_text(text.replace("Europe/Berlin", "Mars/Olympus"), encoding="utf-8")
    result = cli("calendar", "--output", str(target))
    assert result.exit_code != 0
    assert "unknown time zone 'Mars/Olympus'" in result.output


def test_demo_calendar_passes_libical(demo_cli, tmp_path: Path) -> None:
    target = tmp_path / "demo.ics"
    assert demo_cli("calendar", "--output", str(target)).exit_code == 0
    result = libical_check(target.read_bytes())
    assert result.problems == []
    assert len(result.events) > 50
