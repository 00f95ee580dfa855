"""Contacts, referrals, agenda and institutions through the real CLI with real git."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from tests.conftest import Cli, git_log, git_status, run_mokoord

from mokoord.dataset import Dataset
from mokoord.store import Store

TODAY = dt.date.today()
ID_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]{4}$")

DTEV = "deutsch-tuerkischer-elternverein-biebrich"

FIXTURE = {
    f"organisations/{DTEV}.yaml": f"""\
id: {DTEV}
name: Deutsch-Türkischer Elternverein Biebrich e.V.
aliases: [DTEV]
status: cooperating
district: biebrich
""",
    "organisations/kulturverein-schierstein.yaml": """\
id: kulturverein-schierstein
name: Kulturverein Schierstein
status: in_dialogue
""",
    "organisations/eritreische-gemeinde.yaml": """\
id: eritreische-gemeinde
name: Eritreische Gemeinde Wiesbaden
status: cooperating
""",
    "organisations/bund-der-verbotenen.yaml": """\
id: bund-der-verbotenen
name: Bund der Verbotenen
status: declined
status_reason: anti-democratic aims (§2.4)
""",
    "persons/p-4k2m9x.yaml": f"""\
id: p-4k2m9x
name: Ayşe Demir
organisation: {DTEV}
role: chair
""",
    "persons/p-7hq2ab.yaml": f"""\
id: p-7hq2ab
name: Mehmet Yılmaz
organisation: {DTEV}
role: treasurer
""",
    "persons/p-z9y8x7.yaml": """\
id: p-z9y8x7
name: Ayşe Kaya
organisation: kulturverein-schierstein
""",
    "institutions/kulturamt.yaml": """\
id: kulturamt
name: Kulturamt
kind: city_office
department: Amt 41
""",
    "institutions/freiwilligenzentrum.yaml": """\
id: freiwilligenzentrum
name: Freiwilligen-Zentrum Wiesbaden
kind: volunteer_centre
""",
}


def _commit_all(root: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True)


def _write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def reg(store: Store) -> Store:
    """A store with organisations, persons and institutions, committed."""
    _write_files(store.root, FIXTURE)
    _commit_all(store.root, "fixture")
    return store


@pytest.fixture
def rcli(reg: Store) -> Cli:
    return Cli(reg.root)


NO_TTY = {"MOKOORD_INTERACTIVE": "0"}
TTY = {"MOKOORD_INTERACTIVE": "1"}


def _load(path: Path) -> dict:  # type: ignore[type-arg]
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _contact_file(root: Path, contact_id: str) -> Path:
    return root / "contacts" / contact_id[:4] / f"{contact_id}.yaml"


def _commits(root: Path) -> list[str]:
    return git_log(root, "--format=%s").splitlines()


def _err(result: object) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(str(result.stderr).split())  # type: ignore[attr-defined]


def _add(cli: Cli, *args: str) -> str:
    result = cli("add-contact", *args, env=NO_TTY)
    assert result.exit_code == 0, result.output
    contact_id = result.stdout.strip()
    assert ID_RE.match(contact_id), result.stdout
    return contact_id


# --------------------------------------------------------------------------- add-contact


def test_add_contact_writes_one_file_and_one_commit(rcli: Cli, reg: Store) -> None:
    before = _commits(reg.root)
    result = rcli(
        "add-contact",
        "--org", DTEV,
        "--date", "14.03.2023",
        "--channel", "visit",
        "--topic", "rooms",
        "--topic", "funding",
        "--summary", "Raumbedarf für Hausaufgabenhilfe besprochen",
        "--person", "Ayse Demir",
        "--initiated-by", "organisation",
        "--refer-to", "kulturamt",
        "--refer-reason", "Raum für das Sommerfest",
        "--follow-up", "2023-04-01",
        "--follow-up-action", "Rückmeldung Kulturamt erfragen",
        "--coordinator", "KS",
        env=NO_TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    contact_id = result.stdout.strip()
    assert contact_id.startswith("2023-03-14-")
    assert ID_RE.match(contact_id)
    data = _load(_contact_file(reg.root, contact_id))
    assert data == {
        "id": contact_id,
        "date": dt.date(2023, 3, 14),
        "organisations": [DTEV],
        "persons": ["p-4k2m9x"],
        "channel": "visit",
        "initiated_by": "organisation",
        "topics": ["rooms", "funding"],
        "summary": "Raumbedarf für Hausaufgabenhilfe besprochen",
        "coordinator": "KS",
        "follow_up": {"date": dt.date(2023, 4, 1), "action": "Rückmeldung Kulturamt erfragen"},
        "referrals": [
            {"institution": "kulturamt", "reason": "Raum für das Sommerfest", "outcome": "pending"}
        ],
    }
    after = _commits(reg.root)
    assert len(after) == len(before) + 1
    assert after[0] == f"add-contact {contact_id} ({DTEV})"
    assert "Demir" not in git_log(reg.root, "-1", "--format=%B")
    changed = git_log(reg.root, "-1", "--name-only", "--format=").split()
    assert changed == [f"contacts/2023/{contact_id}.yaml"]
    assert git_status(reg.root) == ""
    # the store stays valid
    assert rcli("check").exit_code == 0


def test_a_new_contact_is_in_the_index_the_next_command_reads(
    rcli: Cli, reg: Store, parses: list[str]
) -> None:
    """add-contact takes the file it wrote into the index while git commits it: the
    next command reads no file, and finds what a fresh read of the files finds."""
    reg.load()  # the index exists
    contact_id = _add(
        rcli, "--org", DTEV, "--channel", "phone", "--summary", "Rückruf", "--date", "2023-05-02"
    )
    parses.clear()
    data = reg.load()
    assert parses == []
    assert data.contacts[contact_id].summary == "Rückruf"
    fresh = reg.load(use_cache=False)
    assert dict(data.contacts.items()) == dict(fresh.contacts.items())
    assert data.problems == fresh.problems
    # no commit: the file is written and taken in all the same
    other = _add(rcli, "--org", DTEV, "--channel", "phone", "--summary", "Notiz", "--no-commit")
    parses.clear()
    assert reg.load().contacts[other].summary == "Notiz"
    assert parses == []


def test_two_contacts_same_day_get_distinct_ids(rcli: Cli, reg: Store) -> None:
    day = ("--date", "2024-05-02")  # fixed: a run that crosses midnight keeps its day
    ids = {
        _add(rcli, "--org", DTEV, "--channel", "phone", "--summary", f"Anruf {i}", *day)
        for i in range(3)
    }
    assert len(ids) == 3
    assert all(i.startswith("2024-05-02-") for i in ids)


def test_several_organisations_and_label_as_channel(rcli: Cli, reg: Store) -> None:
    contact_id = _add(
        rcli, "--org", DTEV, "--org", "eritreische-gemeinde", "--org", DTEV,
        "--channel", "Telefon", "--summary", "Gemeinsames Fest",
    )  # fmt: skip
    data = _load(_contact_file(reg.root, contact_id))
    assert data["organisations"] == [DTEV, "eritreische-gemeinde"]
    assert data["channel"] == "phone"


def test_several_referrals_pair_reasons_in_order(rcli: Cli, reg: Store) -> None:
    contact_id = _add(
        rcli, "--org", DTEV, "--channel", "meeting", "--summary", "Vermittlung",
        "--refer-to", "kulturamt", "--refer-reason", "",
        "--refer-to", "freiwilligenzentrum", "--refer-reason", "Ehrenamtliche gewinnen",
    )  # fmt: skip
    refs = _load(_contact_file(reg.root, contact_id))["referrals"]
    assert refs == [
        {"institution": "kulturamt", "outcome": "pending"},
        {
            "institution": "freiwilligenzentrum",
            "reason": "Ehrenamtliche gewinnen",
            "outcome": "pending",
        },
    ]
    too_many = rcli(
        "add-contact", "--org", DTEV, "--channel", "phone", "--summary", "x",
        "--refer-to", "kulturamt", "--refer-reason", "a", "--refer-reason", "b", env=NO_TTY,
    )  # fmt: skip
    assert too_many.exit_code == 2
    assert "2 --refer-reason for 1 --refer-to" in _err(too_many)


def test_planned_contact_may_lie_in_the_future(rcli: Cli, reg: Store) -> None:
    future = TODAY + dt.timedelta(days=10)
    contact_id = _add(
        rcli, "--org", DTEV, "--channel", "visit", "--summary", "Besuch verabredet",
        "--date", future.strftime("%d.%m.%Y"), "--planned",
    )  # fmt: skip
    data = _load(_contact_file(reg.root, contact_id))
    assert data["planned"] is True
    assert data["date"] == future


def test_exact_ids_read_only_their_files(
    rcli: Cli, reg: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[str] = []
    real_load = Store.load

    def spy(self: Store, kinds: Iterable[str] | None = None, **kwargs: Any) -> Dataset:
        loaded.extend(kinds or ["everything"])
        return real_load(self, kinds, **kwargs)

    monkeypatch.setattr(Store, "load", spy)
    contact_id = _add(
        rcli, "--org", DTEV, "--person", "p-4k2m9x", "--channel", "visit", "--summary", "Besuch",
        "--refer-to", "kulturamt", "--refer-reason", "Raum",
    )  # fmt: skip
    assert loaded == []
    data = _load(_contact_file(reg.root, contact_id))
    assert (data["organisations"], data["persons"]) == ([DTEV], ["p-4k2m9x"])
    assert data["referrals"][0]["institution"] == "kulturamt"
    # a name instead of an id: the organisation's names are searched
    contact_id = _add(rcli, "--org", "DTEV", "--channel", "visit", "--summary", "Besuch")
    assert loaded == ["organisation"]
    assert _load(_contact_file(reg.root, contact_id))["organisations"] == [DTEV]


def test_true_subprocess_prints_only_the_id(reg: Store) -> None:
    result = run_mokoord(
        "--data", str(reg.root), "add-contact", "--org", "DTEV", "--channel", "email",
        "--summary", "Einladung verschickt", cwd=reg.root, env=NO_TTY,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    contact_id = result.stdout.strip()
    assert ID_RE.match(contact_id)
    assert _load(_contact_file(reg.root, contact_id))["organisations"] == [DTEV]
    assert "✓ contact" in _err(result)


# --------------------------------------------------------------------------- add-contact errors


def _fails(cli: Cli, reg: Store, *args: str, code: int | None = None) -> str:
    before = _commits(reg.root)
    result = cli(*args, env=NO_TTY)
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code
    assert "Traceback" not in result.output
    assert _commits(reg.root) == before
    assert git_status(reg.root) == ""
    assert not list((reg.root / "contacts").glob("*/*.yaml"))
    return _err(result)


BASE = ("add-contact", "--channel", "phone", "--summary", "Anruf")


def test_unknown_organisation_names_closest(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, *BASE, "--org", "elternverein-bibrich")
    assert "no organisation 'elternverein-bibrich'" in err
    assert DTEV in err
    assert "Elternverein Biebrich" in err


def test_unknown_institution_names_closest(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--refer-to", "kulturam")
    assert "no institution 'kulturam'" in err
    assert "kulturamt (Kulturamt)" in err


def test_an_invalid_organisation_file_is_not_taken(rcli: Cli, reg: Store) -> None:
    broken = reg.root / "organisations" / "kulturverein-schierstein.yaml"
    broken.write_text("id: kulturverein-schierstein\nstatus: nonsense\n", encoding="utf-8")
    _commit_all(reg.root, "broken by hand")
    err = _fails(rcli, reg, *BASE, "--org", "kulturverein-schierstein")
    assert (
        "organisations/kulturverein-schierstein.yaml cannot be read: line 1: Name is missing" in err
    )
    assert "repair it with: mokoord edit kulturverein-schierstein" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2023", "day is out of range for month"),
        ("2023-02-30", "day is out of range for month"),
        ("14.3.", "not a valid date"),
        ("gestern abend", "not a valid date"),
    ],
)
def test_invalid_date(rcli: Cli, reg: Store, value: str, message: str) -> None:
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--date", value, code=2)
    assert "--date" in err
    assert message in err


def test_future_date_needs_planned(rcli: Cli, reg: Store) -> None:
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--date", future, code=2)
    assert "lies in the future" in err
    assert "--planned" in err


def test_planned_in_the_past_is_refused(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--date", "01.01.2023", "--planned", code=2)
    assert "has passed" in err


def test_bad_channel_and_topic_suggest(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, "add-contact", "--org", DTEV, "--channel", "fone", "--summary", "x")
    assert "--channel: 'fone' is not a known channel" in err
    assert "'Phone'" in err
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--topic", "funds")
    assert "--topic: 'funds' is not a known topic" in err
    assert "'Funding'" in err


def test_unknown_or_ambiguous_person(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--person", "Fatma")
    assert "no person 'Fatma'" in err
    assert "p-4k2m9x" in err
    # "Ayşe" alone fits only the person of this organisation, not the namesake elsewhere
    contact_id = _add(rcli, *BASE[1:], "--org", DTEV, "--person", "ayse")
    assert _load(_contact_file(reg.root, contact_id))["persons"] == ["p-4k2m9x"]


def test_follow_up_rules(rcli: Cli, reg: Store) -> None:
    err = _fails(rcli, reg, *BASE, "--org", DTEV, "--follow-up-action", "anrufen")
    assert "--follow-up-action needs --follow-up" in err
    err = _fails(
        rcli, reg, *BASE, "--org", DTEV, "--date", "10.03.2023", "--follow-up", "01.03.2023"
    )
    assert "lies before the contact" in err


@pytest.mark.parametrize("missing", ["--org", "--channel", "--summary"])
def test_no_terminal_and_missing_flag(rcli: Cli, reg: Store, missing: str) -> None:
    args = {"--org": DTEV, "--channel": "phone", "--summary": "Anruf"}
    del args[missing]
    flat = [part for pair in args.items() for part in pair]
    err = _fails(rcli, reg, "add-contact", *flat)
    assert f"missing {missing}" in err
    assert "no terminal" in err


# --------------------------------------------------------------------------- interactive


def test_interactive_guided_contact(rcli: Cli, reg: Store) -> None:
    answers = [
        "elternverien bieb",  # organisation search, with a typo
        "1",  # first match
        "",  # no further organisation
        "gestern",  # date of the contact, in German
        "1",  # contact person: Ayşe Demir (sorted by name)
        "2",  # channel: phone
        "rooms,5",  # topics: rooms and networking
        "Telefonat zur Raumsuche",
        "kultur",  # referral search
        "1",
        "Raum für Sommerfest",
        "",  # no further referral
        "01.01.2099",  # follow-up
        "nachfragen",
    ]
    result = rcli("add-contact", input="\n".join(answers) + "\n", env=TTY)
    assert result.exit_code == 0, result.output
    contact_id = result.stdout.strip()  # prompts go to stderr: stdout is the id alone
    assert ID_RE.match(contact_id)
    assert "Deutsch-Türkischer Elternverein Biebrich" in _err(result)  # offered in the picker
    assert "Ayşe Demir (Chair)" in _err(result)  # the role by its label
    assert contact_id.startswith((TODAY - dt.timedelta(days=1)).isoformat())
    data = _load(_contact_file(reg.root, contact_id))
    assert data["date"] == TODAY - dt.timedelta(days=1)
    assert data["organisations"] == [DTEV]
    assert data["persons"] == ["p-4k2m9x"]
    assert data["channel"] == "phone"
    assert data["topics"] == ["rooms", "networking"]
    assert data["summary"] == "Telefonat zur Raumsuche"
    assert data["referrals"] == [
        {"institution": "kulturamt", "reason": "Raum für Sommerfest", "outcome": "pending"}
    ]
    assert data["follow_up"] == {"date": dt.date(2099, 1, 1), "action": "nachfragen"}
    assert _commits(reg.root)[0] == f"add-contact {contact_id} ({DTEV})"


def test_interactive_asks_what_is_missing_and_offers_the_rest(rcli: Cli, reg: Store) -> None:
    answers = [
        "",  # date: today
        "",  # contact person: none
        "fone",  # not a channel: asked again
        "email",
        "Kurze Mail",
        "",  # no referral
        "",  # no follow-up
    ]
    result = rcli(
        "add-contact", "--org", DTEV, "--topic", "rooms",
        input="\n".join(answers) + "\n", env=TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "'fone' is not one of the choices" in result.stderr
    assert "Mehmet Yılmaz (Treasurer)" in result.stderr
    contact_id = result.stdout.strip()  # prompts go to stderr
    assert ID_RE.match(contact_id)
    data = _load(_contact_file(reg.root, contact_id))
    assert data["channel"] == "email"
    assert data["summary"] == "Kurze Mail"
    assert data["topics"] == ["rooms"]
    assert "persons" not in data
    assert "referrals" not in data


def test_interactive_subprocess_keeps_stdout_for_the_id(reg: Store) -> None:
    """Prompts go to stderr, so `id=$(mokoord add-contact)` works in a terminal."""
    result = run_mokoord(
        "--data", str(reg.root), "add-contact", "--org", DTEV, "--topic", "rooms",
        cwd=reg.root, env=TTY, input="\n\n3\nBesuch\n\n\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ID_RE.match(result.stdout.strip()), result.stdout
    assert "Channel" in result.stderr
    contact_id = result.stdout.strip()
    assert _load(_contact_file(reg.root, contact_id))["channel"] == "email"


def test_interactive_input_ends_early_writes_nothing(rcli: Cli, reg: Store) -> None:
    result = rcli("add-contact", "--org", DTEV, input="\n2\n", env=TTY)
    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert not list((reg.root / "contacts").glob("*/*.yaml"))
    assert git_status(reg.root) == ""


def test_declined_organisation_is_marked_and_warned(rcli: Cli, reg: Store) -> None:
    result = rcli(
        "add-contact", "--org", "verbotenen", "--channel", "letter", "--summary", "Absage",
        input="1\n", env=TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Bund der Verbotenen (declined, §2.4)" in _err(result)
    assert "warning: bund-der-verbotenen is declined" in _err(result)
    contact_id = result.stdout.strip()
    assert _load(_contact_file(reg.root, contact_id))["organisations"] == ["bund-der-verbotenen"]


def test_interactive_with_every_required_flag_asks_nothing(rcli: Cli, reg: Store) -> None:
    result = rcli(
        "add-contact", "--org", DTEV, "--channel", "phone", "--summary", "Anruf", env=TTY
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ID_RE.match(result.stdout.strip())
    assert "Contact person" not in result.stderr


def test_interactive_unknown_org_offers_matches(rcli: Cli, reg: Store) -> None:
    result = rcli(
        "add-contact", "--org", "eritreisch", "--channel", "phone", "--summary", "x",
        input="1\n", env=TTY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    contact_id = result.stdout.strip()  # prompts go to stderr: stdout is the id alone
    assert ID_RE.match(contact_id)
    assert _load(_contact_file(reg.root, contact_id))["organisations"] == ["eritreische-gemeinde"]


# --------------------------------------------------------------------------- two clones


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_two_clones_merge_without_conflict(reg: Store, tmp_path: Path) -> None:
    """Two colleagues, each with a clone of a shared repository, log a contact with
    the same organisation on the same day; pulling merges without a conflict."""
    shared = tmp_path / "shared.git"
    assert _git(tmp_path, "clone", "-q", "--bare", str(reg.root), str(shared)).returncode == 0
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for clone in (alice, bob):
        assert _git(tmp_path, "clone", "-q", str(shared), str(clone)).returncode == 0
    ids = []
    for clone in (alice, bob):
        result = Cli(clone)(
            "add-contact", "--org", DTEV, "--channel", "visit", "--topic", "rooms",
            "--summary", f"Besuch von {clone.name}", "--refer-to", "kulturamt", env=NO_TTY,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        ids.append(result.stdout.strip())
    assert ids[0] != ids[1]
    assert ids[0][:10] == ids[1][:10] == TODAY.isoformat()
    assert _git(alice, "push", "-q", "origin", "HEAD").returncode == 0
    pull = _git(bob, "pull", "--no-rebase", "--no-edit", "origin")
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert "CONFLICT" not in pull.stdout
    assert git_status(bob) == ""
    assert "Merge" in git_log(bob, "-1", "--format=%s")
    assert _git(bob, "push", "-q", "origin", "HEAD").returncode == 0
    assert _git(alice, "pull", "-q", "--no-rebase", "--no-edit", "origin").returncode == 0
    for clone in (alice, bob):
        for contact_id in ids:
            assert _contact_file(clone, contact_id).is_file()
        listed = json.loads(Cli(clone)("contacts", "--org", DTEV, "--json").stdout)
        assert {c["id"] for c in listed} == set(ids)
        assert len(json.loads(Cli(clone)("referrals", "--pending", "--json").stdout)) == 2
        assert Cli(clone)("check").exit_code == 0


def test_no_commit_leaves_the_file_uncommitted(rcli: Cli, reg: Store) -> None:
    before = _commits(reg.root)
    contact_id = _add(rcli, "--org", DTEV, "--channel", "phone", "--summary", "x", "--no-commit")
    assert _commits(reg.root) == before
    assert git_status(reg.root).strip() == f"?? contacts/{contact_id[:4]}/"
    assert _contact_file(reg.root, contact_id).is_file()


# --------------------------------------------------------------------------- contacts


def _contact(root: Path, contact_id: str, body: str) -> None:
    _write_files(
        root, {f"contacts/{contact_id[:4]}/{contact_id}.yaml": f"id: {contact_id}\n{body}"}
    )


@pytest.fixture
def logged(reg: Store) -> Store:
    """Contacts in 2022 and 2023 with referrals and follow-ups, committed."""
    _contact(reg.root, "2022-11-02-aaaa", f"""\
date: 2022-11-02
organisations: [{DTEV}]
channel: visit
topics: [acquisition]
summary: Erster Besuch
""")  # fmt: skip
    _contact(reg.root, "2023-03-14-bbbb", f"""\
date: 2023-03-14
organisations: [{DTEV}, eritreische-gemeinde]
channel: meeting
topics: [rooms, funding]
summary: Raumsuche
referrals:
  - institution: kulturamt
    reason: Sommerfest
  - institution: freiwilligenzentrum
""")  # fmt: skip
    _contact(reg.root, "2023-06-01-cccc", """\
date: 2023-06-01
organisations: [kulturverein-schierstein]
channel: phone
topics: [funding]
summary: Förderantrag
referrals:
  - institution: kulturamt
    outcome: taken_up
    outcome_date: 2023-07-01
""")  # fmt: skip
    _commit_all(reg.root, "contacts")
    return reg


def _json(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_contacts_filters_newest_first(rcli: Cli, logged: Store) -> None:
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(_json(rcli, "contacts")) == ["2023-06-01-cccc", "2023-03-14-bbbb", "2022-11-02-aaaa"]
    assert ids(_json(rcli, "contacts", "--org", DTEV)) == ["2023-03-14-bbbb", "2022-11-02-aaaa"]
    assert ids(_json(rcli, "contacts", "--org", "eritreische-gemeinde")) == ["2023-03-14-bbbb"]
    assert ids(_json(rcli, "contacts", "--year", "2022")) == ["2022-11-02-aaaa"]
    assert ids(_json(rcli, "contacts", "--from", "01.03.2023", "--to", "2023-03-31")) == [
        "2023-03-14-bbbb"
    ]
    assert ids(_json(rcli, "contacts", "--from", "2023-03-15")) == ["2023-06-01-cccc"]
    assert ids(_json(rcli, "contacts", "--channel", "phone")) == ["2023-06-01-cccc"]
    assert ids(_json(rcli, "contacts", "--topic", "funding", "--year", "2023")) == [
        "2023-06-01-cccc",
        "2023-03-14-bbbb",
    ]
    full = _json(rcli, "contacts", "--year", "2022")[0]
    assert set(full) == {
        "id", "date", "organisations", "persons", "channel", "initiated_by", "topics",
        "summary", "coordinator", "planned", "follow_up", "referrals",
    }  # fmt: skip
    assert full["date"] == "2022-11-02"
    assert full["follow_up"] is None


def test_contacts_csv_and_table(rcli: Cli, logged: Store) -> None:
    result = rcli("contacts", "--csv", "--year", "2023")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")  # German Excel: BOM, semicolons, labels
    rows = list(csv.DictReader(io.StringIO(result.stdout[1:]), delimiter=";"))
    assert [r["Id"] for r in rows] == ["2023-06-01-cccc", "2023-03-14-bbbb"]
    assert rows[1]["Date"] == "2023-03-14"  # ISO in English, 14.03.2023 in German
    assert rows[1]["Organisations"] == (
        "Deutsch-Türkischer Elternverein Biebrich e.V., Eritreische Gemeinde Wiesbaden"
    )
    assert rows[1]["Channel"] == "Meeting at the office"
    assert rows[1]["Topics"] == "Rooms, Funding"
    assert rows[1]["Referrals"] == ("Kulturamt (pending), Freiwilligen-Zentrum Wiesbaden (pending)")
    assert rows[0]["Referrals"] == "Kulturamt (taken up)"
    table = rcli("contacts", "--org", DTEV)
    assert table.exit_code == 0
    assert "2023-03-14-bbbb" in table.stdout
    assert "14 Mar 2023" in table.stdout  # dates in the chosen language
    assert "2 contacts" in table.stdout
    german = rcli("--lang", "de", "contacts", "--org", DTEV)
    assert "14.03.2023" in german.stdout


def test_contacts_errors(rcli: Cli, logged: Store) -> None:
    for args, message in [
        (("--year", "2023", "--from", "2023-01-01"), "either --year or --from/--to"),
        (("--from", "2023-05-01", "--to", "2023-04-01"), "lies before --from"),
        (("--org", "elternverein"), "closest"),
        (("--channel", "visite"), "did you mean 'Outreach visit on site'"),
        (("--json", "--csv"), "choose one output format"),
        (("--from", "30.02.2023"), "--from"),
    ]:
        result = rcli("contacts", *args)
        assert result.exit_code != 0, args
        assert message in _err(result), (args, result.stderr)


# --------------------------------------------------------------------------- referrals


def test_referrals_listing(rcli: Cli, logged: Store) -> None:
    rows = _json(rcli, "referrals")
    assert [(r["contact"], r["institution"]) for r in rows] == [
        ("2023-06-01-cccc", "kulturamt"),
        ("2023-03-14-bbbb", "freiwilligenzentrum"),
        ("2023-03-14-bbbb", "kulturamt"),
    ]
    pending = _json(rcli, "referrals", "--pending", "--to", "kulturamt")
    assert len(pending) == 1
    assert pending[0] == {
        "contact": "2023-03-14-bbbb",
        "date": "2023-03-14",
        "organisations": [DTEV, "eritreische-gemeinde"],
        "institution": "kulturamt",
        "institution_name": "Kulturamt",
        "reason": "Sommerfest",
        "outcome": "pending",
        "outcome_date": None,
        "note": None,
        "days_pending": (TODAY - dt.date(2023, 3, 14)).days,
    }
    assert rows[0]["days_pending"] is None
    assert rows[0]["outcome_date"] == "2023-07-01"
    bad = rcli("referrals", "--to", "kulturam")
    assert bad.exit_code != 0
    assert "kulturamt (Kulturamt)" in _err(bad)


def test_close_referral_ambiguous_then_selected(rcli: Cli, logged: Store) -> None:
    before = _commits(logged.root)
    ambiguous = rcli("close-referral", "2023-03-14-bbbb", "--outcome", "taken_up")
    assert ambiguous.exit_code == 2
    assert "2 pending referrals" in _err(ambiguous)
    assert "--to" in _err(ambiguous)
    assert _commits(logged.root) == before
    result = rcli(
        "close-referral", "2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "taken_up",
        "--date", "20.04.2023", "--note", "Raum zugesagt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = _contact_file(logged.root, "2023-03-14-bbbb")
    refs = _load(path)["referrals"]
    assert refs[0] == {
        "institution": "kulturamt",
        "reason": "Sommerfest",
        "outcome": "taken_up",
        "outcome_date": dt.date(2023, 4, 20),
        "note": "Raum zugesagt",
    }
    assert refs[1] == {"institution": "freiwilligenzentrum"}  # untouched, as written
    assert _commits(logged.root)[0] == "close-referral 2023-03-14-bbbb (kulturamt): taken_up"
    assert git_status(logged.root) == ""
    # now only one is pending, so --to is not needed
    second = rcli("close-referral", "2023-03-14-bbbb", "--outcome", "not_taken_up")
    assert second.exit_code == 0, second.output
    assert _load(path)["referrals"][1]["outcome"] == "not_taken_up"
    assert _load(path)["referrals"][1]["outcome_date"] == TODAY
    assert _json(rcli, "referrals", "--pending") == []
    assert rcli("check").exit_code == 0


def test_close_referral_interactive(rcli: Cli, logged: Store) -> None:
    result = rcli("close-referral", "2023-03-14-bbbb", input="2\n2\n", env=TTY)
    assert result.exit_code == 0, result.output
    assert "Which referral?" in result.stderr
    refs = _load(_contact_file(logged.root, "2023-03-14-bbbb"))["referrals"]
    assert refs[0].get("outcome", "pending") == "pending"
    assert refs[1]["institution"] == "freiwilligenzentrum"
    assert refs[1]["outcome"] == "not_taken_up"
    missing = rcli("close-referral", "2023-03-14-bbbb", "--to", "kulturamt", env=NO_TTY)
    assert missing.exit_code == 2
    assert "missing --outcome" in _err(missing)


def test_close_referral_errors(rcli: Cli, logged: Store) -> None:
    before = _commits(logged.root)
    for args, message in [
        (("2023-06-01-cccc", "--outcome", "taken_up"), "closed already"),
        (("2022-11-02-aaaa", "--outcome", "taken_up"), "has no referrals"),
        (("2023-01-01-zzzz", "--outcome", "taken_up"), "no contact with id"),
        (("2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "taken_up", "--date", "01.01.2023"),
         "lies before the contact"),
        (("2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "taken_up",
          "--date", (TODAY + dt.timedelta(days=5)).isoformat()), "lies in the future"),
        (("2023-03-14-bbbb", "--to", "kulturamtt", "--outcome", "taken_up"), "closest"),
        (("2023-06-01-cccc", "--to", "freiwilligenzentrum", "--outcome", "taken_up"),
         "no referral to 'freiwilligenzentrum'"),
        (("2023-03-14-bbbb", "--to", "kulturamt", "--outcome", "maybe"), "maybe"),
    ]:  # fmt: skip
        result = rcli("close-referral", *args)
        assert result.exit_code != 0, args
        assert message in _err(result), (args, result.stderr)
        assert "Traceback" not in result.output
    assert _commits(logged.root) == before
    assert git_status(logged.root) == ""


# --------------------------------------------------------------------------- agenda


def _days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def busy(reg: Store) -> Store:
    """Follow-ups, planned visits, old referrals and a quiet cooperating organisation."""
    _write_files(reg.root, {
        "organisations/ruhiger-verein.yaml": """\
id: ruhiger-verein
name: Ruhiger Verein
status: cooperating
""",
    })  # fmt: skip
    # the eritrean community was contacted recently; the quiet one 200 days ago
    _contact(reg.root, f"{_days(-200)}-q001", f"""\
date: {_days(-200)}
organisations: [ruhiger-verein]
channel: phone
summary: Letzter Anruf
""")  # fmt: skip
    _contact(reg.root, f"{_days(-10)}-e001", f"""\
date: {_days(-10)}
organisations: [eritreische-gemeinde]
channel: visit
summary: Besuch
follow_up:
  date: {_days(3)}
  action: Unterlagen schicken
""")  # fmt: skip
    _contact(reg.root, f"{_days(-40)}-d001", f"""\
date: {_days(-40)}
organisations: [{DTEV}]
channel: visit
summary: Alter Besuch
follow_up:
  date: {_days(-30)}
  action: Rückruf
referrals:
  - institution: kulturamt
""")  # fmt: skip
    _contact(reg.root, f"{_days(-100)}-d002", f"""\
date: {_days(-100)}
organisations: [{DTEV}]
channel: email
summary: Vermittlung
referrals:
  - institution: freiwilligenzentrum
    reason: Ehrenamt
follow_up:
  date: {_days(30)}
""")  # fmt: skip
    _contact(reg.root, f"{_days(-5)}-x001", f"""\
date: {_days(-5)}
organisations: [bund-der-verbotenen]
channel: letter
summary: Absage
follow_up:
  date: {_days(1)}
referrals:
  - institution: kulturamt
""")  # fmt: skip
    _contact(reg.root, f"{_days(-300)}-x002", """\
date: """ + _days(-300) + """
organisations: [bund-der-verbotenen]
channel: letter
summary: Alt
referrals:
  - institution: kulturamt
""")  # fmt: skip
    _contact(reg.root, f"{_days(4)}-p001", f"""\
date: {_days(4)}
organisations: [kulturverein-schierstein]
channel: visit
summary: Vereinsabend
planned: true
""")  # fmt: skip
    _commit_all(reg.root, "busy")
    return reg


def test_agenda(rcli: Cli, busy: Store) -> None:
    result = rcli("agenda", "--json")
    assert result.exit_code == 0, result.output
    agenda = json.loads(result.stdout)
    assert agenda["today"] == TODAY.isoformat()
    assert agenda["days"] == 7
    follow = [(f["contact"], f["days"], f["state"]) for f in agenda["follow_ups"]]
    assert follow == [
        (f"{_days(-40)}-d001", -30, "long_overdue"),
        (f"{_days(-10)}-e001", 3, "due"),
    ]
    assert [p["contact"] for p in agenda["planned"]] == [f"{_days(4)}-p001"]
    assert [(r["contact"], r["institution"]) for r in agenda["referrals"]] == [
        (f"{_days(-100)}-d002", "freiwilligenzentrum")
    ]
    assert agenda["referrals"][0]["days_pending"] == 100
    assert agenda["quiet"] == [
        {"organisation": "ruhiger-verein", "name": "Ruhiger Verein",
         "last_contact": _days(-200), "days": 200}
    ]  # fmt: skip
    assert "bund-der-verbotenen" not in result.stdout  # declined: never on the agenda
    wider = json.loads(rcli("agenda", "--days", "30", "--json").stdout)
    assert f"{_days(-100)}-d002" in [f["contact"] for f in wider["follow_ups"]]
    table = rcli("agenda", env={"COLUMNS": "200"})
    assert table.exit_code == 0
    shown = " ".join(table.stdout.split())
    assert "Unterlagen schicken" in shown
    assert "Ruhiger Verein" in shown
    assert "Bund der Verbotenen" not in shown
    assert "Freiwilligen-Zentrum" in shown
    assert "in 3 days" in shown
    assert "overdue by 30 days (!)" in shown


def test_agenda_follows_settings_and_follow_up_done(rcli: Cli, busy: Store) -> None:
    config = busy.root / "mokoord.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("referral_pending_days: 90", "referral_pending_days: 30")
    text = text.replace("quiet_after_days: 120", "quiet_after_days: 365")
    assert "referral_pending_days: 30" in text
    config.write_text(text, encoding="utf-8")
    agenda = json.loads(rcli("agenda", "--json").stdout)
    assert {r["contact"] for r in agenda["referrals"]} == {
        f"{_days(-100)}-d002",
        f"{_days(-40)}-d001",
    }
    assert agenda["quiet"] == []
    # a planned appointment takes an organisation off the quiet list
    text = text.replace("quiet_after_days: 365", "quiet_after_days: 120")
    config.write_text(text, encoding="utf-8")
    assert [q["organisation"] for q in json.loads(rcli("agenda", "--json").stdout)["quiet"]] == [
        "ruhiger-verein"
    ]
    _add(
        rcli, "--org", "ruhiger-verein", "--channel", "visit", "--summary", "Termin",
        "--date", _days(60), "--planned",
    )  # fmt: skip
    assert json.loads(rcli("agenda", "--json").stdout)["quiet"] == []
    done = rcli("follow-up-done", f"{_days(-40)}-d001")
    assert done.exit_code == 0, done.output
    assert _commits(busy.root)[0] == f"follow-up-done {_days(-40)}-d001"
    agenda = json.loads(rcli("agenda", "--json").stdout)
    assert [f["contact"] for f in agenda["follow_ups"]] == [f"{_days(-10)}-e001"]
    again = rcli("follow-up-done", f"{_days(-40)}-d001")
    assert again.exit_code == 2
    assert "done already" in _err(again)


def test_agenda_empty(rcli: Cli, reg: Store) -> None:
    # the two cooperating organisations have no contact but no status date either: listed
    agenda = json.loads(rcli("agenda", "--json").stdout)
    assert {q["organisation"] for q in agenda["quiet"]} == {DTEV, "eritreische-gemeinde"}
    assert agenda["follow_ups"] == []
    assert agenda["referrals"] == []
    bad = rcli("agenda", "--days", "-1")
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- institutions


def test_add_institution(rcli: Cli, reg: Store) -> None:
    result = rcli(
        "add-institution", "--name", "Amt für Grünflächen, Landwirtschaft und Forsten",
        "--kind", "city_office", "--department", "Amt 67", "--district", "mitte",
        "--email", "gruenflaechen@example.org", "--phone", "+49 611 310",
        "--website", "https://www.wiesbaden.de",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    new_id = result.stdout.strip()
    assert new_id == "amt-fuer-gruenflaechen-landwirtschaft-und-forsten"
    data = _load(reg.root / "institutions" / f"{new_id}.yaml")
    assert data["name"] == "Amt für Grünflächen, Landwirtschaft und Forsten"
    assert data["department"] == "Amt 67"
    assert data["district"] == "mitte"
    assert _commits(reg.root)[0] == f"add-institution {new_id}"
    short = rcli(
        "add-institution", "--name", "Landeskompetenzzentrum", "--id", "lkz", "--kind", "state_body"
    )
    assert short.exit_code == 0
    assert short.stdout.strip() == "lkz"
    # now a referral to it works
    _add(rcli, "--org", DTEV, "--channel", "phone", "--summary", "x", "--refer-to", "lkz")
    rows = {r["id"]: r for r in _json(rcli, "institutions")}
    assert rows["lkz"]["referrals"] == 1
    assert rows["lkz"]["pending"] == 1
    assert rows["lkz"]["kind"] == "state_body"
    assert set(rows["kulturamt"]) == {
        "id", "name", "kind", "department", "district", "address", "email", "phone",
        "website", "referrals", "pending",
    }  # fmt: skip
    assert "Kulturamt" in rcli("institutions").stdout


def test_add_institution_interactive(rcli: Cli, reg: Store) -> None:
    result = rcli(
        "add-institution", input="Volkshochschule Wiesbaden\n3\nProgrammbereich Deutsch\n", env=TTY
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "volkshochschule-wiesbaden"
    data = _load(reg.root / "institutions" / "volkshochschule-wiesbaden.yaml")
    assert data["kind"] == "education_provider"
    assert data["department"] == "Programmbereich Deutsch"


def test_add_institution_errors(rcli: Cli, reg: Store) -> None:
    before = _commits(reg.root)
    for args, message in [
        (("--name", "Kulturamt"), "exists already"),
        (("--name", "X", "--kind", "city_ofice"), "did you mean 'City office'"),
        (("--name", "X", "--email", "not-an-email"), "email"),
        (("--name", "X", "--id", "Bad Id"), "not a valid id"),
        (("--name", "X", "--website", "www.example.org"), "Website 'www.example.org'"),
        ((), "missing --name"),
    ]:
        result = rcli("add-institution", *args, env=NO_TTY)
        assert result.exit_code != 0, args
        assert message in _err(result), (args, result.stderr)
    assert _commits(reg.root) == before
    assert git_status(reg.root) == ""


def test_pick_tolerates_typos_but_not_nonsense() -> None:
    from mokoord.textmatch import pick

    names = {
        DTEV: ["Deutsch-Türkischer Elternverein Biebrich e.V.", "DTEV"],
        "elternverein-dotzheim": ["Elternverein Dotzheim"],
        "kulturverein-schierstein": ["Kulturverein Schierstein"],
    }
    assert pick("elternverein bieb", names)[0].key == DTEV
    assert [m.key for m in pick("elternverien bieb", names)] == [DTEV]
    assert [m.key for m in pick("eltenverein biebrich", names)] == [DTEV]
    assert [m.key for m in pick("elternvereinbiebrich", names)] == [DTEV]
    exact = pick("elternverein biebrich", names)[0].score
    typo = pick("elternverien biebrich", names)[0].score
    assert exact > typo
    assert pick("xyz", names) == []
    assert pick("moschee", names) == []


@pytest.mark.parametrize("columns", ["200", "80", "40"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_agenda_into_a_pipe_is_what_rich_would_print(
    rcli: Cli, busy: Store, reg: Store, monkeypatch: pytest.MonkeyPatch, columns: str, lang: str
) -> None:
    """Without a terminal the agenda is written as plain lines, without rich's console;
    they are the very lines rich prints (the parts with an empty line between them,
    and "nothing due" alone)."""
    from mokoord.cli.views import contacts as views

    env = {"COLUMNS": columns, "MOKOORD_LANG": lang}
    for days in ("14", "0"):
        plain = rcli("agenda", "--days", days, env=env)
        with monkeypatch.context() as patched:
            patched.setattr(views, "_agenda_text", lambda *args: None)  # rich's console
            rich = rcli("agenda", "--days", days, env=env)
        assert plain.exit_code == rich.exit_code == 0
        assert plain.stdout == rich.stdout
        assert plain.stdout.strip()
