"""Every JSON output against the JSON Schema mokoord ships for it (mokoord/schemas).

Each command runs with ``--json`` (``--format json``) on the demo store, on
the report test store, on a store holding edge cases (empty texts left out,
times of day, unknown institutions, a declined organisation, names like
formulas) and on an empty store; each output must validate against the
schema of its kind, with format checking. The schemas list every key, so a
key added, renamed or dropped fails here first.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from activity_fixtures import seed
from conftest import Cli
from mokoord.schemas import KINDS, schema, schema_text
from mokoord.store import Store
from report_store import fill
from validators import schema_errors

EDGE_RECORDS = {
    "contacts/2024/2024-05-02-k7qm.yaml": """\
id: 2024-05-02-k7qm
date: 2024-05-02
organisations: [initiative-mitte, kulturverein-anatolia]
channel: visit
summary: Besuch im Vereinsheim
follow_up:
  date: 2024-05-16
referrals:
  - institution: nirgendwo-amt
  - institution: kulturamt
    outcome: taken_up
    outcome_date: 2024-06-01
    reason: Raum
    note: zugesagt
""",
    "contacts/2023/2023-01-09-ab12.yaml": """\
id: 2023-01-09-ab12
date: 2023-01-09
organisations: [bund-abgelehnt]
channel: phone
initiated_by: organisation
summary: "=SUM(A1:A3)"
coordinator: Koordination
planned: true
""",
    "events/2024/2024-03-26-infoabend.yaml": """\
id: 2024-03-26-infoabend
kind: info
title: Infoabend
date: 2024-03-26
time: "18:00"
until: "20:30"
series: Reihe A
attendance:
  - organisation: initiative-mitte
  - organisation: kulturverein-anatolia
    people: 4
""",
    "events/2024/2024-04-26-wochenende.yaml": """\
id: 2024-04-26-wochenende
kind: training
title: Wochenende
date: 2024-04-26
end: 2024-04-28
time: "09:30"
series: Reihe A
place: Jugendherberge
participants: 12
""",
    "cooperations/2024-initiative-mitte-kulturamt.yaml": """\
id: 2024-initiative-mitte-kulturamt
organisation: initiative-mitte
partner: kulturamt
since: 2024-01-01
until: 2024-12-31
topic: Sommerfest
""",
    "networks/netzwerk-ohne-mitglieder.yaml": """\
id: netzwerk-ohne-mitglieder
name: Netzwerk ohne Mitglieder
kind: umbrella
level: state
""",
}

IMPORT_CSV = "Name;Stadtteil;E-Mail;PLZ\nVerein A e.V.;Biebrich;a@example.org;65203\n;Mitte;;\n"


def _commit(root: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "records"], cwd=root, check=True)


@pytest.fixture(params=["demo", "report", "edge", "empty"])
def any_store(request: pytest.FixtureRequest, store: Store) -> Iterator[tuple[str, Cli, Store]]:
    if request.param == "demo":
        demo: Store = request.getfixturevalue("demo")
        yield "demo", Cli(demo.root), demo
        return
    if request.param == "report":
        fill(store.root)
        _commit(store.root)
    elif request.param == "edge":
        seed(store.root, programme=True)
        for relative, text in EDGE_RECORDS.items():
            path = store.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _commit(store.root)
    yield request.param, Cli(store.root), store


def _json(cli: Cli, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code in (0, 1), result.output  # check exits 1 on errors, search on none
    return json.loads(result.stdout)


def _org_ids(root: Path) -> list[str]:
    return sorted(path.stem for path in (root / "organisations").glob("*.yaml"))


def _series(cli: Cli) -> list[str]:
    return sorted({e["series"] for e in _json(cli, "events", "--json") if e["series"]})


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    ids = set()
    for kind in KINDS:
        loaded = schema(kind)
        Draft202012Validator.check_schema(loaded)
        assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert loaded["$id"].endswith(f"/{kind}.schema.json")
        ids.add(loaded["$id"])
        assert schema_text(kind).endswith("\n")
    assert len(ids) == len(KINDS)
    shipped = {
        p.name for p in resources.files("mokoord.schemas").iterdir() if p.name.endswith(".json")
    }
    assert shipped == {f"{kind}.schema.json" for kind in KINDS}


def test_every_json_output_matches_its_schema(any_store: tuple[str, Cli, Store]) -> None:
    name, cli, store = any_store
    outputs: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    outputs["report"] += [
        _json(cli, "report", "--year", year, "--format", "json") for year in ("2023", "2024")
    ]
    outputs["list"] += [_json(cli, "list", "--json"), _json(cli, "list", "--all", "--json")]
    outputs["search"].append(_json(cli, "search", "verein", "--json"))
    outputs["contacts"].append(_json(cli, "contacts", "--json"))
    outputs["referrals"].append(_json(cli, "referrals", "--json"))
    outputs["agenda"] += [
        _json(cli, "agenda", "--json"),
        _json(cli, "agenda", "--days", "3650", "--json"),
    ]
    outputs["institutions"].append(_json(cli, "institutions", "--json"))
    outputs["events"].append(_json(cli, "events", "--json"))
    outputs["series"] += [_json(cli, "events", "--series", s, "--json") for s in _series(cli)]
    outputs["cooperations"] += [
        _json(cli, "cooperations", "--json"),
        _json(cli, "cooperations", "--year", "2024", "--json"),
    ]
    outputs["networks"].append(_json(cli, "networks", "--json"))
    outputs["programmes"].append(_json(cli, "programmes", "--json"))
    outputs["applications"].append(_json(cli, "applications", "--json"))
    outputs["rooms"].append(_json(cli, "rooms", "--json"))
    outputs["check"].append(_json(cli, "check", "--json"))
    for org_id in _org_ids(store.root)[:8]:
        outputs["show"].append(_json(cli, "show", org_id, "--json"))
    for org_id in _org_ids(store.root)[:2]:
        outputs["history"].append(_json(cli, "history", org_id, "--json"))
    for kind in ("organisations", "contacts", "events", "referrals", "applications"):
        outputs[f"export-{kind}"] += [
            _json(cli, "export", kind, "--format", "json"),
            _json(cli, "export", kind, "--format", "json", "--anonymous"),
        ]
    persons = sorted(path.stem for path in (store.root / "persons").glob("*.yaml"))
    for person in [*persons[:3], *persons[-2:]]:  # the demo's last ones include erased persons
        outputs["privacy-export"].append(_json(cli, "privacy", "export", person))
    outputs["privacy-due"].append(_json(cli, "privacy", "due", "--format", "json"))
    table = store.root.parent / "vereine.csv"
    table.write_text(IMPORT_CSV, encoding="utf-8")
    outputs["import"].append(_json(cli, "import", str(table), "--dry-run", "--json"))
    if name != "empty":  # an empty register has no one to write to
        outputs["outreach"] += [
            _json(cli, "outreach", "--template", "einladung", "--dry-run", "--json"),
            _json(cli, "outreach", "--template", "einladung", "-f", "html", "--dry-run", "--json"),
        ]

    problems = {
        f"{kind} #{index}": errors
        for kind, documents in outputs.items()
        for index, document in enumerate(documents)
        if (errors := schema_errors(kind, document))
    }
    assert problems == {}
    if name != "empty":
        # sync needs a server: its outputs are checked in tests/test_together.py
        optional = {"series", "history", "sync"} | (set() if persons else {"privacy-export"})
        assert all(outputs[kind] for kind in KINDS if kind not in optional)


def test_import_and_its_dry_run_match_the_schema(store: Store, cli: Cli) -> None:
    table = store.root.parent / "vereine.csv"
    table.write_text(IMPORT_CSV, encoding="utf-8")
    done = _json(cli, "import", str(table), "--skip-invalid", "--json")
    assert done["commit"] is not None
    assert schema_errors("import", done) == []
    again = _json(cli, "import", str(table), "--skip-invalid", "--on-duplicate", "update", "--json")
    assert schema_errors("import", again) == []


def test_the_schemas_catch_a_changed_key(demo_cli: Cli) -> None:
    """The check can fail: a renamed, an added and a mistyped key are each reported."""
    report = _json(demo_cli, "report", "--year", "2023", "--format", "json")
    report["contacts"]["totals"] = report["contacts"].pop("total")
    report["meta"]["format_version"] = 2
    report["period"]["from"] = "01.01.2023"
    messages = " ".join(schema_errors("report", report))
    assert "'total' is a required property" in messages
    assert "'totals'" in messages  # not allowed: unevaluated
    assert "1 was expected" in messages
    assert "is not a 'date'" in messages
    events = _json(demo_cli, "events", "--json")
    events[0]["time"] = "18 Uhr"
    events[1]["colour"] = "blue"
    messages = " ".join(schema_errors("events", events))
    assert "does not match" in messages
    assert "'colour' was unexpected" in messages
