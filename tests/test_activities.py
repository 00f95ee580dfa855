"""Events, training series, cooperations, networks and rooms through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activity_fixtures import seed
from conftest import git_log, git_status, run_mokoord
from mokoord.models import Event, Network, Organisation
from mokoord.store import Store


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store.root)
    return store


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


# --------------------------------------------------------------------------- events


def test_add_event_writes_dated_file_and_one_commit(cli, seeded: Store) -> None:
    out = _ok(
        cli(
            "add-event",
            "--kind",
            "training",
            "--series",
            "Vereinsarbeit kompakt",
            "--title",
            "Vereinsrecht für Vorstände",
            "--date",
            "14.03.2023",
            "--end",
            "2023-03-15",
            "--topic",
            "association_law",
            "--topic",
            "Förderung und Finanzierung",
            "--place-org",
            "elternverein-biebrich",
            "--org",
            "elternverein-biebrich",
            "--org",
            "initiative-mitte",
            "--participants",
            "18",
        )
    )
    event_id = out.strip()
    assert event_id == "2023-03-14-vereinsrecht-fuer-vorstaende"
    path = seeded.root / "events" / "2023" / f"{event_id}.yaml"
    assert path.is_file()
    event = seeded.get(Event, event_id)
    assert event.kind == "training"
    assert event.series == "Vereinsarbeit kompakt"
    assert event.topics == ["association_law", "funding"]  # label resolved to its key
    assert event.end is not None
    assert event.end.isoformat() == "2023-03-15"
    assert [a.organisation for a in event.attendance] == [
        "elternverein-biebrich",
        "initiative-mitte",
    ]
    assert event.participants == 18
    assert git_log(seeded.root, "-1", "--format=%s").strip() == f"add-event {event_id}"
    assert git_status(seeded.root) == ""


def test_event_ids_get_a_suffix_when_taken(cli, seeded: Store) -> None:
    args = ("add-event", "--kind", "exchange", "--title", "Austausch", "--date", "2023-05-02")
    first = _ok(cli(*args)).strip()
    second = _ok(cli(*args)).strip()
    assert (first, second) == ("2023-05-02-austausch", "2023-05-02-austausch-2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "party"], "'party' is not a known kind of event"),
        (
            ["--kind", "info", "--place", "Rathaus", "--place-org", "elternverein-biebrich"],
            "either --place or --place-org",
        ),
        (
            ["--kind", "info", "--org", "elternverein-biebrch"],
            "no organisation with id 'elternverein-biebrch'",
        ),
        (["--kind", "info", "--topic", "cooking"], "'cooking' is not a known topic"),
        (["--kind", "info", "--end", "2023-01-01"], "end lies before date"),
    ],
)
def test_add_event_refuses_bad_input_without_writing(
    cli, seeded: Store, args: list[str], message: str
) -> None:
    before = git_log(seeded.root, "--format=%H")
    result = cli("add-event", "--title", "Info", "--date", "2023-02-01", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert git_log(seeded.root, "--format=%H") == before
    assert not list((seeded.root / "events").glob("*/*.yaml"))


def test_unknown_org_suggests_the_close_id(cli, seeded: Store) -> None:
    result = cli(
        "add-event",
        "--kind",
        "info",
        "--title",
        "X",
        "--date",
        "2023-02-01",
        "--org",
        "elternverein-biebrch",
    )
    assert "did you mean: elternverein-biebrich" in result.output


def test_attend_adds_then_updates_head_count(cli, seeded: Store) -> None:
    event_id = _ok(
        cli(
            "add-event",
            "--kind",
            "exchange",
            "--title",
            "Runder Tisch",
            "--date",
            "2023-06-01",
            "--org",
            "elternverein-biebrich",
        )
    ).strip()
    commits = len(git_log(seeded.root, "--format=%H").split())
    _ok(cli("attend", event_id, "--org", "kulturverein-anatolia", "--people", "3"))
    first = cli("attend", event_id, "--org", "elternverein-biebrich", "--people", "5")
    assert "was recorded already" not in first.stderr  # listed at add-event, without a count
    again = cli("attend", event_id, "--org", "kulturverein-anatolia", "--people", "4")
    assert again.exit_code == 0, again.output
    assert (
        f"{event_id}: kulturverein-anatolia was recorded already; head count 3 → 4 "
        "(the new count replaces the old one)" in again.stderr
    )
    event = seeded.get(Event, event_id)
    assert {a.organisation: a.people for a in event.attendance} == {
        "elternverein-biebrich": 5,
        "kulturverein-anatolia": 4,
    }
    assert event.head_count == 9  # no total given: the sum over organisations
    log = git_log(seeded.root, "--format=%s").splitlines()
    assert len(log) == commits + 3
    assert log[0] == f"attend {event_id} (kulturverein-anatolia)"
    # the same again changes nothing and makes no commit
    result = cli("attend", event_id, "--org", "kulturverein-anatolia", "--people", "4")
    assert result.exit_code == 0
    assert "nothing to change" in result.output
    assert len(git_log(seeded.root, "--format=%H").split()) == commits + 3


def test_attend_errors(cli, seeded: Store) -> None:
    result = cli("attend", "2099-01-01-nothing", "--org", "elternverein-biebrich")
    assert result.exit_code == 1
    assert "no event with id '2099-01-01-nothing'" in result.output
    event_id = _ok(
        cli("add-event", "--kind", "info", "--title", "I", "--date", "2023-01-05")
    ).strip()
    result = cli("attend", event_id, "--org", "a", "--org", "b", "--people", "3")
    assert result.exit_code == 2
    assert "one --org" in result.output


def _series(cli) -> list[str]:  # type: ignore[no-untyped-def]
    ids = []
    sessions = [
        ("2023-03-14", "Vereinsrecht", ["elternverein-biebrich", "initiative-mitte"]),
        ("2023-04-20", "Förderanträge schreiben", ["elternverein-biebrich"]),
        ("2023-05-25", "Öffentlichkeitsarbeit", []),
    ]
    for day, title, orgs in sessions:
        args = [
            "add-event",
            "--kind",
            "training",
            "--series",
            "Vereinsarbeit kompakt",
            "--title",
            title,
            "--date",
            day,
        ]
        for org in orgs:
            args += ["--org", org]
        ids.append(_ok(cli(*args)).strip())
    _ok(
        cli(
            "add-event",
            "--kind",
            "exchange",
            "--title",
            "Austausch",
            "--date",
            "2023-04-01",
            "--org",
            "kulturverein-anatolia",
        )
    )
    _ok(cli("attend", ids[0], "--org", "elternverein-biebrich", "--people", "3"))
    _ok(cli("attend", ids[1], "--org", "elternverein-biebrich", "--people", "2"))
    _ok(cli("attend", ids[1], "--org", "kulturverein-anatolia", "--people", "4"))
    _ok(cli("attend", ids[2], "--org", "elternverein-biebrich", "--people", "1"))
    return ids


def test_series_attendance_across_sessions(cli, seeded: Store) -> None:
    ids = _series(cli)
    data = json.loads(_ok(cli("events", "--series", "vereinsarbeit KOMPAKT", "--json")))
    assert data["series"] == "Vereinsarbeit kompakt"
    assert [s["id"] for s in data["sessions"]] == ids
    by_org = {o["id"]: o for o in data["organisations"]}
    assert by_org["elternverein-biebrich"]["sessions_attended"] == 3
    assert by_org["elternverein-biebrich"]["people"] == 6
    assert by_org["initiative-mitte"]["sessions"] == [ids[0]]
    assert by_org["kulturverein-anatolia"]["sessions"] == [ids[1]]
    # most faithful organisation first
    assert data["organisations"][0]["id"] == "elternverein-biebrich"
    assert data["participants"] == 3 + 6 + 1
    table = _ok(cli("events", "--series", "Vereinsarbeit kompakt"))
    assert "3/3" in table
    assert "1/3" in table


def test_unknown_series_lists_known_ones(cli, seeded: Store) -> None:
    _series(cli)
    result = cli("events", "--series", "Kochkurs")
    assert result.exit_code == 1
    assert "no events in a series named 'Kochkurs'" in result.output
    assert "Vereinsarbeit kompakt" in result.output


def test_events_filters_and_json(cli, seeded: Store) -> None:
    _series(cli)
    _ok(
        cli(
            "add-event",
            "--kind",
            "festival",
            "--title",
            "Sommerfest",
            "--date",
            "2024-07-06",
            "--place",
            "Schlosspark",
            "--participants",
            "250",
        )
    )
    all_events = json.loads(_ok(cli("events", "--json")))
    assert len(all_events) == 5
    assert [e["date"] for e in all_events] == sorted(e["date"] for e in all_events)
    assert set(all_events[0]) >= {
        "id",
        "kind",
        "title",
        "date",
        "end",
        "series",
        "topics",
        "place",
        "place_org",
        "organisers",
        "participants",
        "organisations",
        "attendance",
    }
    in_2024 = json.loads(_ok(cli("events", "--year", "2024", "--json")))
    assert [e["title"] for e in in_2024] == ["Sommerfest"]
    assert in_2024[0]["participants"] == 250
    trainings = json.loads(_ok(cli("events", "--kind", "training", "--json")))
    assert len(trainings) == 3
    anatolia = json.loads(_ok(cli("events", "--org", "kulturverein-anatolia", "--json")))
    assert [e["kind"] for e in anatolia] == ["exchange", "training"]
    text = _ok(cli("events", "--year", "2023"))
    assert "Vereinsrecht" in text
    assert "Sommerfest" not in text


# --------------------------------------------------------------------------- cooperations


def test_cooperations_with_institution_and_org(cli, seeded: Store) -> None:
    first = _ok(
        cli(
            "add-cooperation",
            "--org",
            "elternverein-biebrich",
            "--partner",
            "kulturamt",
            "--since",
            "01.09.2023",
            "--topic",
            "Sommerfest im Schlosspark",
        )
    ).strip()
    assert first == "2023-elternverein-biebrich-kulturamt"
    assert (seeded.root / "cooperations" / f"{first}.yaml").is_file()
    assert git_log(seeded.root, "-1", "--format=%s").strip() == f"add-cooperation {first}"
    _ok(
        cli(
            "add-cooperation",
            "--org",
            "initiative-mitte",
            "--partner",
            "elternverein-biebrich",
            "--since",
            "2022-02-01",
            "--until",
            "2022-12-31",
            "--topic",
            "Raumnutzung",
        )
    )
    in_2023 = json.loads(_ok(cli("cooperations", "--year", "2023", "--json")))
    assert [c["id"] for c in in_2023] == [first]
    assert in_2023[0]["new"] is True
    assert in_2023[0]["partner_kind"] == "institution"
    assert in_2023[0]["partner_name"] == "Kulturamt Wiesbaden"
    in_2022 = json.loads(_ok(cli("cooperations", "--year", "2022", "--json")))
    assert [c["partner_kind"] for c in in_2022] == ["organisation"]
    assert len(json.loads(_ok(cli("cooperations", "--json")))) == 2
    table = _ok(cli("cooperations", "--year", "2023"))
    assert "Kulturamt" in table
    assert "new" in table


def test_cooperation_refusals(cli, seeded: Store) -> None:
    result = cli(
        "add-cooperation",
        "--org",
        "bund-abgelehnt",
        "--partner",
        "kulturamt",
        "--since",
        "2023-01-01",
        "--topic",
        "x",
    )
    assert result.exit_code == 2
    assert "declined" in result.output
    result = cli(
        "add-cooperation",
        "--org",
        "elternverein-biebrich",
        "--partner",
        "kulturamtt",
        "--since",
        "2023-01-01",
        "--topic",
        "x",
    )
    assert result.exit_code == 1
    assert "no organisation or institution with id 'kulturamtt'" in result.output
    assert "kulturamt" in result.output.split("did you mean:")[1]
    result = cli(
        "add-cooperation",
        "--org",
        "elternverein-biebrich",
        "--partner",
        "kulturamt",
        "--since",
        "2023-05-01",
        "--until",
        "2023-01-01",
        "--topic",
        "x",
    )
    assert result.exit_code == 2
    assert "until lies before since" in result.output
    assert not list((seeded.root / "cooperations").glob("*.yaml"))


# --------------------------------------------------------------------------- networks


def test_add_network_with_members_in_one_commit(cli, seeded: Store) -> None:
    org_file = seeded.root / "organisations" / "kulturverein-anatolia.yaml"
    before = org_file.read_text(encoding="utf-8")
    out = _ok(
        cli(
            "add-network",
            "--name",
            "Netzwerk Islamischer Gemeinden",
            "--rhythm",
            "vierteljährlich",
            "--member",
            "kulturverein-anatolia",
            "--member",
            "elternverein-biebrich",
        )
    )
    network_id = out.strip()
    assert network_id == "netzwerk-islamischer-gemeinden"
    assert seeded.get(Network, network_id).meeting_rhythm == "quarterly"  # the label's term
    assert seeded.get(Organisation, "kulturverein-anatolia").networks == [network_id]
    after = org_file.read_text(encoding="utf-8")
    # one line added, the rest of the file kept as it was
    assert after.replace(f"networks: [{network_id}]\n", "") == before
    files = git_log(seeded.root, "-1", "--name-only", "--format=").split()
    assert sorted(files) == [
        "networks/netzwerk-islamischer-gemeinden.yaml",
        "organisations/elternverein-biebrich.yaml",
        "organisations/kulturverein-anatolia.yaml",
    ]
    _ok(cli("add-network", "--name", "DaMigra", "--kind", "Dachverband", "--level", "bund"))
    listing = json.loads(_ok(cli("networks", "--json")))
    assert [n["id"] for n in listing] == ["damigra", network_id]
    assert listing[0]["members"] == []
    assert (listing[0]["kind"], listing[0]["level"]) == ("umbrella", "federal")
    assert [m["id"] for m in listing[1]["members"]] == [
        "elternverein-biebrich",
        "kulturverein-anatolia",
    ]
    assert listing[1]["meeting_rhythm"] == "quarterly"
    table = " ".join(_ok(cli("networks")).split())  # names wrap between words
    assert "Kulturverein Anatolia" in table
    assert "quarterly" in table
    german = _ok(cli("--lang", "de", "networks", env={"COLUMNS": "160"}))
    assert "vierteljährlich" in german
    assert "Dachverband" in german  # kinds and levels by their labels too
    assert "quarterly" not in german


def test_add_network_refuses_unknown_member(cli, seeded: Store) -> None:
    result = cli("add-network", "--name", "X", "--member", "gibt-es-nicht")
    assert result.exit_code == 1
    assert "--member: no organisation" in result.output
    assert not list((seeded.root / "networks").glob("*.yaml"))
    result = cli("add-network", "--name", "X", "--kind", "club")
    assert result.exit_code == 2
    assert "--kind: 'club' is not a known kind of network" in result.output


# --------------------------------------------------------------------------- rooms


def test_rooms_by_district_without_declined(cli, seeded: Store) -> None:
    groups = json.loads(_ok(cli("rooms", "--json")))
    assert [g["district"] for g in groups] == ["biebrich", "westend", None]
    biebrich = groups[0]
    assert [o["id"] for o in biebrich["need"]] == ["initiative-mitte"]
    assert biebrich["need"][0]["note"] == "Raum für Hausaufgabenhilfe"
    assert [o["id"] for o in biebrich["offer"]] == ["elternverein-biebrich"]
    assert groups[1]["need"] == []
    assert [o["id"] for o in groups[1]["offer"]] == ["frauenverein-westend"]
    assert [o["id"] for o in groups[2]["need"]] == ["jugend-ohne-bezirk"]  # in_progress counts
    flat = json.dumps(groups)
    assert "bund-abgelehnt" not in flat  # declined (§2.4)
    assert "kulturverein-anatolia" not in flat  # its rooms need is met
    only = json.loads(_ok(cli("rooms", "--district", "Biebrich", "--json")))
    assert [g["district"] for g in only] == ["biebrich"]
    table = _ok(cli("rooms"))
    assert "Biebrich" in table
    assert "without a district" in table
    assert "ohne Ortsbezirk" in _ok(cli("--lang", "de", "rooms"))


def test_invalid_org_file_is_reported_with_its_line(cli, seeded: Store) -> None:
    path = seeded.root / "organisations" / "initiative-mitte.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    result = cli(
        "add-event",
        "--kind",
        "info",
        "--title",
        "I",
        "--date",
        "2023-01-05",
        "--org",
        "initiative-mitte",
    )
    assert result.exit_code == 1
    assert "organisations/initiative-mitte.yaml:" in result.output
    assert "colour" in result.output


def test_subprocess_add_event_and_events(seeded: Store, tmp_path: Path) -> None:
    result = run_mokoord(
        "--data",
        str(seeded.root),
        "add-event",
        "--kind",
        "info",
        "--title",
        "Infoabend Vereinsgründung",
        "--date",
        "heute",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    listed = run_mokoord("--data", str(seeded.root), "events", "--json", cwd=tmp_path)
    assert json.loads(listed.stdout)[0]["title"] == "Infoabend Vereinsgründung"
    bad = run_mokoord(
        "--data",
        str(seeded.root),
        "add-event",
        "--title",
        "X",
        "--date",
        "2023-01-01",
        cwd=tmp_path,
    )
    assert bad.returncode == 2
    assert "missing --kind" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_add_event_asks_for_missing_values_at_a_terminal(cli, seeded: Store) -> None:
    result = cli(
        "add-event",
        "--org",
        "initiative-mitte",
        "--organiser",
        "kulturamt",
        input="2\nElterncafé\n05.09.2023\n",
        env={"MOKOORD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.output
    event = seeded.get(Event, "2023-09-05-elterncafe")
    assert event.kind == "exchange"  # choice 2 of event_kinds
    assert event.organisers == ["kulturamt"]


def test_unknown_organiser_names_its_flag(cli, seeded: Store) -> None:
    result = cli(
        "add-event",
        "--kind",
        "info",
        "--title",
        "I",
        "--date",
        "2023-01-05",
        "--organiser",
        "stadtamt",
    )
    assert result.exit_code == 1
    assert "--organiser: no organisation or institution with id 'stadtamt'" in result.output


# --------------------------------------------------------------------------- planned events


def test_an_event_after_today_is_planned_and_attendance_is_expected(cli, seeded: Store) -> None:
    event_id = _ok(
        cli(
            "add-event",
            "--kind",
            "Austauschformat",
            "--title",
            "Sommerfest",
            "--date",
            "2099-07-01",
            "--org",
            "initiative-mitte",
        )
    ).strip()
    [row] = json.loads(_ok(cli("events", "--json")))
    assert row["held"] is False
    assert row["attendance"][0]["planned"] is True
    assert (row["participants"], row["organisations"]) == (0, 0)
    before = git_log(seeded.root, "--format=%H")
    refused = cli("attend", event_id, "--org", "elternverein-biebrich", "--people", "3")
    assert refused.exit_code == 2
    assert f"{event_id} takes place on" in refused.output
    assert "has not been held yet" in refused.output
    assert "--planned" in refused.output
    assert git_log(seeded.root, "--format=%H") == before
    expected = cli(
        "attend", event_id, "--org", "elternverein-biebrich", "--people", "3", "--planned"
    )
    assert expected.exit_code == 0, expected.output
    assert "expected participation of elternverein-biebrich (3)" in expected.stderr
    event = seeded.get(Event, event_id)
    assert [(a.organisation, a.people, a.planned) for a in event.attendance] == [
        ("initiative-mitte", None, True),
        ("elternverein-biebrich", 3, True),
    ]
    listed = cli("events")
    assert "planned" in listed.stdout
    assert "0 events held, 0 participants; 1 planned" in listed.stderr


def test_show_keeps_a_planned_event_apart_from_a_held_one(cli, seeded: Store) -> None:
    """``show`` (German) and ``show --json`` mark an event after today as planned and
    an organisation expected there as expected, not as having taken part."""
    from validators import schema_errors

    _ok(cli(
        "add-event", "--kind", "training", "--title", "Vereinsrecht", "--date", "2023-03-14",
        "--org", "initiative-mitte", "--participants", "12",
    ))  # fmt: skip
    _ok(cli(
        "add-event", "--kind", "festival", "--title", "Sommerfest", "--date", "2099-07-01",
        "--org", "initiative-mitte",
    ))  # fmt: skip
    shown = cli("--lang", "de", "show", "initiative-mitte")
    assert shown.exit_code == 0, shown.output
    assert "14.03.2023 Vereinsrecht (teilgenommen)\n" in shown.stdout
    assert "01.07.2099 Sommerfest (Teilnahme erwartet) – geplant" in shown.stdout
    info = json.loads(_ok(cli("show", "initiative-mitte", "--json")))
    assert schema_errors("show", info) == []
    events = {event["title"]: event for event in info["events"]}
    assert (events["Vereinsrecht"]["roles"], events["Vereinsrecht"]["held"]) == (
        ["attended"],
        True,
    )
    assert (events["Sommerfest"]["roles"], events["Sommerfest"]["held"]) == (["expected"], False)


def test_planned_is_refused_after_the_event(cli, seeded: Store) -> None:
    event_id = _ok(
        cli("add-event", "--kind", "info", "--title", "Info", "--date", "2023-01-05")
    ).strip()
    result = cli("attend", event_id, "--org", "initiative-mitte", "--planned")
    assert result.exit_code == 2
    assert "--planned is for events still to come" in result.output


def test_the_report_counts_an_event_only_once_held(cli, seeded: Store) -> None:
    _ok(
        cli(
            "add-event",
            "--kind",
            "training",
            "--title",
            "Vereinsrecht",
            "--date",
            "2023-06-01",
            "--org",
            "elternverein-biebrich",
            "--participants",
            "30",
        )
    )

    def trainings(today: str) -> dict[str, int]:
        result = cli("report", "--year", "2023", "--format", "json", "--today", today)
        assert result.exit_code == 0, result.output
        figures = json.loads(result.stdout)["trainings"]
        return {key: figures[key] for key in ("held", "participants", "organisations")}

    assert trainings("2023-05-31") == {"held": 0, "participants": 0, "organisations": 0}
    assert trainings("2023-06-01") == {"held": 1, "participants": 30, "organisations": 1}
