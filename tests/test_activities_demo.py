"""Every activity and funding command on the demo store (skipped until data/ exists)."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from conftest import DEMO

pytestmark = pytest.mark.skipif(
    not (DEMO / "mokoord.yaml").is_file(), reason="the demo store data/ is not there"
)


def test_read_commands_on_the_demo_store(demo_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ["events"],
        ["cooperations", "--year", "2023"],
        ["networks"],
        ["programmes"],
        ["applications"],
        ["rooms"],
    ):
        result = demo_cli(*args)
        assert result.exit_code == 0, (args, result.output)
    events = json.loads(demo_cli("events", "--json").stdout)
    series = sorted({e["series"] for e in events if e["series"]})
    assert series, "the demo store holds a training series"
    attendance = json.loads(demo_cli("events", "--series", series[0], "--json").stdout)
    assert len(attendance["sessions"]) >= 2
    assert json.loads(demo_cli("networks", "--json").stdout)
    target = tmp_path / "demo.ics"
    assert demo_cli("calendar", "--output", str(target)).exit_code == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)) >= len(events)


def test_demo_applications_keep_the_funding_rules(demo_cli) -> None:  # type: ignore[no-untyped-def]
    problems = json.loads(demo_cli("check", "--json").stdout)
    assert not [p for p in problems if p["code"].startswith("funding-")]


def test_demo_rejects_an_application_above_the_council_limit(demo_cli) -> None:  # type: ignore[no-untyped-def]
    programmes = json.loads(demo_cli("programmes", "--json").stdout)
    council = next(
        p for p in programmes if any(line["kind"] == "institutional" for line in p["lines"])
    )
    line = next(line for line in council["lines"] if line["kind"] == "institutional")
    orgs = {
        o["id"] for group in json.loads(demo_cli("rooms", "--json").stdout) for o in group["offer"]
    }
    assert orgs
    result = demo_cli(
        "add-application",
        "--org",
        sorted(orgs)[0],
        "--programme",
        council["id"],
        "--line",
        line["id"],
        "--year",
        "2026",
        "--title",
        "Miete",
        "--requested",
        "99.999,00",
    )
    assert result.exit_code == 1
    assert "funding-" in result.output
