"""Working together: ``mokoord clone`` and ``mokoord sync`` against real git servers on
127.0.0.1 (``git daemon`` and smart HTTP), with records merged field by field."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import Cli, git_status
from gitserver import GitServer, free_port, git_daemon, silent_server, smart_http
from mokoord import summary
from mokoord import sync as syncing
from mokoord.newstore import init_store
from mokoord.yamlio import read_document
from validators import schema_errors

ANNA = ("Anna Beispiel", "anna@example.org")
BERND = ("Bernd Muster", "bernd@example.org")
CEM = ("Cem Yilmaz", "cem@example.org")
ORG = "organisations/elternverein-biebrich.yaml"


def _git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout


class Colleague:
    """One person's clone, and mokoord run there under that person's name."""

    def __init__(self, root: Path, who: tuple[str, str]) -> None:
        self.root = root
        self.who = who
        self.cli = Cli(root)

    def env(self, **extra: str) -> dict[str, str]:
        name, email = self.who
        return {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            **extra,
        }

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:
        result: Result = self.cli(*args, input=input, env=self.env(**env))
        return result

    def ok(self, *args: str, input: str | None = None, **env: str) -> Result:
        result = self(*args, input=input, **env)
        assert result.exit_code == 0, result.output
        return result

    def org(self, org_id: str = "elternverein-biebrich") -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.ok("show", org_id, "--json").stdout)
        return found["organisation"]  # type: ignore[no-any-return]


class Team:
    """A server with a shared store that Anna started; colleagues clone it."""

    def __init__(self, server: GitServer, tmp: Path) -> None:
        self.server = server
        self.tmp = tmp
        self.url = server.create()
        anna_root, _ = init_store(tmp / "anna", city="Wiesbaden")
        _git(anna_root, "branch", "-m", "main")  # as the server's default branch
        _git(anna_root, "remote", "add", "origin", self.url)
        self.anna = Colleague(anna_root, ANNA)
        self.anna.ok(
            "add-org",
            "--name",
            "Elternverein Biebrich",
            "--district",
            "biebrich",
            "--field",
            "education",
        )
        self.anna.ok("sync")

    def clone(self, name: str, who: tuple[str, str]) -> Colleague:
        result = Cli(None)(
            "clone", self.url, str(self.tmp / name), env=Colleague(self.tmp, who).env()
        )
        assert result.exit_code == 0, result.output
        return Colleague(self.tmp / name, who)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[GitServer]:
    (tmp_path / "server").mkdir()
    with git_daemon(tmp_path / "server") as server:
        yield server


@pytest.fixture
def team(daemon: GitServer, tmp_path: Path) -> Team:
    return Team(daemon, tmp_path)


def _valid_yaml_everywhere(root: Path) -> None:
    for path in root.rglob("*.yaml"):
        if ".git" in path.parts or ".mokoord" in path.parts:
            continue
        doc = read_document(path, str(path))
        assert doc.problems == []
        assert doc.data is not None


# --------------------------------------------------------------------------- clone and sync


@pytest.mark.parametrize("protocol", ["daemon", "http"])
def test_two_colleagues_share_a_store_through_a_server(tmp_path: Path, protocol: str) -> None:
    (tmp_path / "server").mkdir()
    serve = git_daemon if protocol == "daemon" else smart_http
    with serve(tmp_path / "server") as server:
        team = Team(server, tmp_path)
        bernd = team.clone("bernd", BERND)
        assert bernd.org()["name"] == "Elternverein Biebrich"
        driver = _git(bernd.root, "config", "merge.mokoord.driver").strip()
        assert driver.startswith(sys.executable) or sys.executable in driver
        assert (bernd.root / ".mokoord" / "index").is_dir()  # built by clone

        bernd.ok(
            "add-contact",
            "--org",
            "elternverein-biebrich",
            "--date",
            "2024-03-14",
            "--channel",
            "phone",
            "--summary",
            "Raumbedarf besprochen",
        )
        sent = bernd.ok("sync")
        assert "1 new contact (by Bernd Muster)" in sent.stderr
        came = team.anna.ok("sync")
        assert "from origin" in came.stderr
        assert "1 new contact (by Bernd Muster)" in came.stderr
        listed = json.loads(team.anna.ok("contacts", "--json").stdout)
        assert [contact["summary"] for contact in listed] == ["Raumbedarf besprochen"]
        assert git_status(team.anna.root) == ""


def test_clone_says_who_signs_and_asks_in_a_terminal(team: Team, tmp_path: Path) -> None:
    env = {
        "MOKOORD_INTERACTIVE": "1",
        "GIT_AUTHOR_NAME": "",
        "GIT_AUTHOR_EMAIL": "",
        "GIT_COMMITTER_NAME": "",
        "GIT_COMMITTER_EMAIL": "",
    }
    for key in env:
        if key.startswith("GIT_"):
            os.environ.pop(key, None)
    result = Cli(None)(
        "clone", team.url, str(tmp_path / "cem"), input="Cem Yilmaz\ncem@example.org\n", env=env
    )
    assert result.exit_code == 0, result.output
    assert "signed as Cem Yilmaz <cem@example.org>" in result.stderr
    assert _git(tmp_path / "cem", "config", "--local", "user.name").strip() == "Cem Yilmaz"
    assert _git(tmp_path / "cem", "config", "--local", "user.useConfigOnly").strip() == "true"


def test_clone_failures_leave_nothing_behind(team: Team, tmp_path: Path) -> None:
    missing = Cli(None)("clone", team.server.url("nothing.git"), str(tmp_path / "x"))
    assert missing.exit_code == 1
    assert "error:" in missing.stderr
    assert "Traceback" not in missing.output
    assert not (tmp_path / "x").exists()

    plain = team.server.base / "plain.git"
    subprocess.run(["git", "init", "-q", "--bare", str(plain)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(plain), str(work)], check=True)
    (work / "README").write_text("no store here\n", encoding="utf-8")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "readme")
    _git(work, "push", "-q", "origin", "HEAD")
    no_store = Cli(None)("clone", team.server.url("plain.git"), str(tmp_path / "y"))
    assert no_store.exit_code == 1
    assert "holds no mokoord store" in no_store.stderr
    assert not (tmp_path / "y").exists()

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("", encoding="utf-8")
    taken = Cli(None)("clone", team.url, str(tmp_path / "full"))
    assert taken.exit_code == 2
    assert "not empty" in taken.stderr


def test_a_plain_git_clone_is_set_up_by_the_first_command(team: Team, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    branch = _git(team.anna.root, "symbolic-ref", "--short", "HEAD").strip()
    subprocess.run(["git", "clone", "-q", "-b", branch, team.url, str(root)], check=True)
    first = Cli(root)("list")
    assert first.exit_code == 0, first.output
    assert "set up for mokoord" in first.stderr
    assert "merge.mokoord" in first.stderr
    second = Cli(root)("list")
    assert "set up" not in second.stderr
    # the Python the driver named has gone (a new virtual environment): repaired, said once
    _git(root, "config", "merge.mokoord.driver", "/gone/python -m mokoord.merge %O %A %B %P")
    third = Cli(root)("list")
    assert "now runs with" in third.stderr
    assert "/gone/python" in third.stderr
    assert sys.executable in _git(root, "config", "merge.mokoord.driver")
    assert "set up" not in Cli(root)("list").stderr


def test_dry_run_shows_what_would_come_and_go_and_changes_nothing(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    bernd.ok("add-org", "--name", "Kulturverein Bamyan")
    team.anna.ok("add-org", "--name", "Sportverein Schierstein")
    bernd.ok("sync")
    head = _git(team.anna.root, "rev-parse", "HEAD")
    server = _git(team.server.base / "register.git", "rev-parse", "main")
    preview = team.anna.ok("sync", "--dry-run")
    assert "would come in from origin" in preview.stderr
    assert "1 new organisation (by Bernd Muster)" in preview.stderr
    assert "would go to origin" in preview.stderr
    assert "1 new organisation (by Anna Beispiel)" in preview.stderr
    assert _git(team.anna.root, "rev-parse", "HEAD") == head
    assert _git(team.server.base / "register.git", "rev-parse", "main") == server
    as_json = json.loads(team.anna.ok("sync", "--dry-run", "--json").stdout)
    assert as_json["incoming"]["records"] == {
        "organisation": {"added": 1, "changed": 0, "deleted": 0}
    }
    assert as_json["incoming"]["authors"] == ["Bernd Muster"]
    assert as_json["dry_run"] is True
    assert as_json["pushed"] is False
    assert schema_errors("sync", as_json) == []


def test_uncommitted_changes_stop_the_sync_naming_them(team: Team) -> None:
    anna = team.anna
    (anna.root / ORG).write_text(
        (anna.root / ORG).read_text(encoding="utf-8") + "notes: von Hand\n", encoding="utf-8"
    )
    anna.ok("add-org", "--name", "Neuer Verein", "--no-commit")
    (anna.root / "bericht-2024.html").write_text("<p>report</p>", encoding="utf-8")
    head = _git(anna.root, "rev-parse", "HEAD")
    result = anna("sync")
    assert result.exit_code == 1
    assert ORG in result.stderr
    assert "organisations/neuer-verein.yaml" in result.stderr
    assert "bericht-2024.html" not in result.stderr  # not a file of the store's records
    assert "commits nothing on its own" in result.stderr
    assert _git(anna.root, "rev-parse", "HEAD") == head


def test_a_store_without_a_server_says_how_to_add_one(store: Any) -> None:
    result = Cli(store.root)("sync")
    assert result.exit_code == 2
    assert "git remote add origin URL" in result.stderr


# --------------------------------------------------------------------------- field-level merges


def test_changes_to_different_fields_of_one_record_merge(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    path = team.anna.root / ORG
    path.write_text("# Kontakt über das Stadtteilfest\n" + path.read_text("utf-8"), "utf-8")
    _git(team.anna.root, "commit", "-qam", "comment")
    team.anna.ok(
        "set", "elternverein-biebrich", "address.street=Rathausstraße 5", "fields+=culture"
    )
    team.anna.ok("add-need", "elternverein-biebrich", "rooms", "--note", "Raum am Abend")
    team.anna.ok("sync")
    bernd.ok("set", "elternverein-biebrich", "website=https://eltern.example.org", "fields+=youth")
    bernd.ok("add-need", "elternverein-biebrich", "funding")
    result = bernd.ok("sync")
    assert "1 organisation changed (by Anna Beispiel" in result.stderr
    merged = bernd.org()
    assert merged["address"]["street"] == "Rathausstraße 5"
    assert merged["website"] == "https://eltern.example.org"
    assert merged["fields"] == ["education", "youth", "culture"]
    assert sorted(need["category"] for need in merged["needs"]) == ["funding", "rooms"]
    text = (bernd.root / ORG).read_text(encoding="utf-8")
    assert text.startswith("# Kontakt über das Stadtteilfest\n")
    team.anna.ok("sync")
    assert team.anna.org() == merged


def _clash(team: Team) -> Colleague:
    """Anna and Bernd change the website of one organisation to two values; Anna sent hers."""
    bernd = team.clone("bernd", BERND)
    team.anna.ok("set", "elternverein-biebrich", "website=https://anna.example.org")
    team.anna.ok("sync")
    bernd.ok("set", "elternverein-biebrich", "website=https://bernd.example.org", "fields+=youth")
    return bernd


def test_a_clash_in_a_script_stops_naming_both_values(team: Team) -> None:
    bernd = _clash(team)
    result = bernd("sync")
    assert result.exit_code == 1
    assert "1 conflict" in result.stderr
    line = next(line for line in result.stderr.splitlines() if "merge-conflict" in line)
    assert line.startswith(f"{ORG}:")
    assert "website" in line
    assert "mine „https://bernd.example.org“ (Bernd Muster" in line
    assert "theirs „https://anna.example.org“ (Anna Beispiel" in line
    assert "sync --continue" in result.stderr
    assert "sync --abort" in result.stderr
    _valid_yaml_everywhere(bernd.root)
    assert (bernd.root / ".git" / "MERGE_HEAD").exists()
    # the record still reads, with Bernd's value and the merged-in rest
    shown = bernd.org()
    assert shown["website"] == "https://bernd.example.org"
    as_json = bernd("sync", "--json")
    assert as_json.exit_code == 1
    stopped = json.loads(as_json.stdout)
    assert stopped["conflicts"][0]["code"] == "merge-conflict"
    assert schema_errors("sync", stopped) == []


def test_settle_with_set_then_continue(team: Team) -> None:
    bernd = _clash(team)
    assert bernd("sync").exit_code == 1
    listed = bernd("list")
    assert listed.exit_code == 0
    assert f"files in conflict: {ORG}" in listed.stderr
    assert "mokoord sync --continue" in listed.stderr
    refused = bernd("add-org", "--name", "Noch ein Verein")
    assert refused.exit_code == 1
    assert refused.stderr.count("a merge is not finished") == 1  # said once, with the step
    assert "partial commit" not in refused.stderr
    bernd.ok("set", "elternverein-biebrich", "website=https://verein.example.org")
    done = bernd.ok("sync", "--continue")
    assert "to origin" in done.stderr
    assert not (bernd.root / ".git" / "MERGE_HEAD").exists()
    assert git_status(bernd.root) == ""
    team.anna.ok("sync")
    for person in (team.anna, bernd):
        assert person.org()["website"] == "https://verein.example.org"
        assert person.org()["fields"] == ["education", "youth"]


def test_a_clash_in_a_terminal_asks_which_to_keep(team: Team) -> None:
    bernd = _clash(team)
    result = bernd("sync", input="2\n", MOKOORD_INTERACTIVE="1")
    assert result.exit_code == 0, result.output
    assert "website" in result.stderr
    assert "mine: „https://bernd.example.org“ (Bernd Muster" in result.stderr
    assert "theirs: „https://anna.example.org“ (Anna Beispiel" in result.stderr
    assert bernd.org()["website"] == "https://anna.example.org"
    assert bernd.org()["fields"] == ["education", "youth"]
    assert git_status(bernd.root) == ""
    assert "to origin" in result.stderr


def test_a_new_value_typed_in_the_terminal_is_validated(team: Team) -> None:
    bernd = _clash(team)
    result = bernd(
        "sync", input="3\nkeine-url\n3\nhttps://neu.example.org\n", MOKOORD_INTERACTIVE="1"
    )
    assert result.exit_code == 0, result.output
    assert "website" in result.stderr  # the refused value is explained
    assert bernd.org()["website"] == "https://neu.example.org"
    team.anna.ok("sync")
    assert team.anna.org()["website"] == "https://neu.example.org"


def test_abort_undoes_the_merge_and_the_index_follows(team: Team) -> None:
    bernd = _clash(team)
    bernd.ok("set", "elternverein-biebrich", "district=mitte")
    before = (bernd.root / ORG).read_bytes()
    assert bernd("sync").exit_code == 1
    assert bernd.org()["district"] == "mitte"
    bernd.ok("sync", "--abort")
    assert not (bernd.root / ".git" / "MERGE_HEAD").exists()
    assert (bernd.root / ORG).read_bytes() == before
    assert bernd.org()["website"] == "https://bernd.example.org"
    assert git_status(bernd.root) == ""
    again = bernd("sync", "--abort")
    assert again.exit_code == 2
    assert "nothing to abort" in again.stderr


def test_a_clash_in_the_configuration_is_named_and_needs_its_markers_removed(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    for person, city in ((team.anna, "Mainz"), (bernd, "Kassel")):
        config = person.root / "mokoord.yaml"
        config.write_text(
            config.read_text("utf-8").replace("city: Wiesbaden", f"city: {city}"), "utf-8"
        )
        _git(person.root, "commit", "-qam", f"city {city}")
    team.anna.ok("sync")
    result = bernd("sync")
    assert result.exit_code == 1
    assert "mokoord.yaml:" in result.stderr
    assert "conflict markers" in result.stderr
    refused = bernd("sync", "--continue")
    assert refused.exit_code == 1
    assert "mokoord.yaml:" in refused.stderr
    config = bernd.root / "mokoord.yaml"
    lines = config.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("<<<<<<<"))
    end = next(i for i, line in enumerate(lines) if line.startswith(">>>>>>>"))
    middle = next(i for i, line in enumerate(lines) if line.startswith("======="))
    config.write_text("".join(lines[:start] + lines[middle + 1 : end] + lines[end + 1 :]), "utf-8")
    bernd.ok("sync", "--continue")
    team.anna.ok("sync")
    assert "city: Mainz" in (team.anna.root / "mokoord.yaml").read_text("utf-8")


# --------------------------------------------------------------------------- the server


def test_offline_keeps_local_work_and_the_next_sync_carries_on(team: Team) -> None:
    anna = team.anna
    anna.ok("add-org", "--name", "Kulturverein Bamyan")
    head = _git(anna.root, "rev-parse", "HEAD")
    _git(anna.root, "remote", "set-url", "origin", f"git://127.0.0.1:{free_port()}/register.git")
    result = anna("sync")
    assert result.exit_code == 1
    assert "cannot be reached" in result.stderr
    assert "nothing was lost" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1
    assert _git(anna.root, "rev-parse", "HEAD") == head
    assert git_status(anna.root) == ""
    _git(anna.root, "remote", "set-url", "origin", team.url)
    assert "1 new organisation" in anna.ok("sync").stderr


def test_a_refused_push_keeps_the_merge_and_the_next_sync_sends_it(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    with smart_http(tmp_path / "server") as server:
        team = Team(server, tmp_path)
        bernd = team.clone("bernd", BERND)
        bernd.ok("add-org", "--name", "Kulturverein Bamyan")
        bernd.ok("sync")
        team.anna.ok("add-org", "--name", "Sportverein Schierstein")
        server.refuse_push = True
        result = team.anna("sync")
        assert result.exit_code == 1
        assert "1 new organisation (by Bernd Muster)" in result.stderr  # what came in is said
        assert "refused access" in result.stderr
        assert git_status(team.anna.root) == ""
        server.refuse_push = False
        assert "to origin" in team.anna.ok("sync").stderr
        bernd.ok("sync")
        assert (bernd.root / "organisations" / "sportverein-schierstein.yaml").is_file()


def test_a_rejected_push_is_fetched_merged_and_sent_again(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bernd = team.clone("bernd", BERND)
    team.anna.ok("add-org", "--name", "Sportverein Schierstein")
    bernd.ok("add-org", "--name", "Kulturverein Bamyan")
    real_fetched = syncing._fetched
    calls: list[int] = []

    def fetched_while_bernd_pushes(clone: Any, result: Any) -> Any:
        found = real_fetched(clone, result)
        calls.append(1)
        if len(calls) == 1:  # Bernd sends his work between Anna's fetch and her push
            assert bernd.ok("sync").exit_code == 0
        return found

    monkeypatch.setattr(syncing, "_fetched", fetched_while_bernd_pushes)
    result = team.anna.ok("sync", "--json")
    outcome = json.loads(result.stdout)
    assert schema_errors("sync", outcome) == []
    assert outcome["attempts"] == 2
    assert outcome["pushed"] is True
    assert outcome["incoming"]["authors"] == ["Bernd Muster"]
    monkeypatch.undo()
    bernd.ok("sync")
    for person in (team.anna, bernd):
        names = {p.stem for p in (person.root / "organisations").glob("*.yaml")}
        assert names == {"elternverein-biebrich", "sportverein-schierstein", "kulturverein-bamyan"}


def test_three_clones_sync_at_the_same_time(team: Team) -> None:
    people = [team.anna, team.clone("bernd", BERND), team.clone("cem", CEM)]
    for person, name in zip(people, ("Verein Eins", "Verein Zwei", "Verein Drei"), strict=True):
        person.ok("add-org", "--name", name)
        person.ok("set", "elternverein-biebrich", f"tags+={name.split()[1].lower()}")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "mokoord", "sync"],
            cwd=person.root,
            env={**os.environ, **person.env()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for person in people
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    for person in people:
        person.ok("sync")
    for person in people:
        names = {p.stem for p in (person.root / "organisations").glob("*.yaml")}
        assert {"verein-eins", "verein-zwei", "verein-drei"} <= names
        assert person.org()["tags"]
        assert sorted(person.org()["tags"]) == ["drei", "eins", "zwei"]


def test_an_interrupted_sync_carries_on(team: Team) -> None:
    anna = team.anna
    anna.ok("add-org", "--name", "Kulturverein Bamyan")
    head = _git(anna.root, "rev-parse", "HEAD")
    with silent_server() as port:
        _git(anna.root, "remote", "set-url", "origin", f"http://127.0.0.1:{port}/register.git")
        process = subprocess.Popen(
            [sys.executable, "-m", "mokoord", "sync"],
            cwd=anna.root,
            env={**os.environ, **anna.env()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        import time

        time.sleep(2.0)  # waiting for the server that never answers
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert _git(anna.root, "rev-parse", "HEAD") == head
    assert git_status(anna.root) == ""
    _git(anna.root, "remote", "set-url", "origin", team.url)
    assert "1 new organisation" in anna.ok("sync").stderr


def test_a_merge_left_unfinished_is_finished_by_the_next_sync(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    bernd.ok("add-org", "--name", "Kulturverein Bamyan")
    bernd.ok("sync")
    team.anna.ok("add-org", "--name", "Sportverein Schierstein")
    _git(team.anna.root, "fetch", "-q", "origin")
    _git(team.anna.root, "merge", "--no-commit", "--no-ff", "origin/main")
    assert (team.anna.root / ".git" / "MERGE_HEAD").exists()
    result = team.anna.ok("sync")
    assert "1 new organisation (by Bernd Muster)" in result.stderr
    assert not (team.anna.root / ".git" / "MERGE_HEAD").exists()
    bernd.ok("sync")
    assert (bernd.root / "organisations" / "sportverein-schierstein.yaml").is_file()


# --------------------------------------------------------------------------- after a plain git pull


def test_a_plain_git_pull_with_conflicts_is_named_by_every_command(team: Team) -> None:
    bernd = _clash(team)
    pulled = subprocess.run(
        ["git", "pull", "--no-rebase", "-q", "origin", "main"],
        cwd=bernd.root,
        capture_output=True,
        text=True,
        env={**os.environ, **bernd.env()},
    )
    assert pulled.returncode != 0
    _valid_yaml_everywhere(bernd.root)  # the record merge ran: no markers
    for args in (("list",), ("show", "elternverein-biebrich"), ("report", "--year", "2024")):
        result = bernd(*args)
        assert f"files in conflict: {ORG}" in result.stderr, args
        assert "mokoord sync --continue" in result.stderr
    bernd.ok("sync", "--continue")
    assert git_status(bernd.root) == ""


def test_conflict_markers_from_git_without_the_driver_are_merged_as_records(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    team.anna.ok("set", "elternverein-biebrich", "website=https://anna.example.org")
    team.anna.ok("sync")
    bernd.ok("set", "elternverein-biebrich", "email=info@eltern.example.org")
    _git(bernd.root, "config", "--remove-section", "merge.mokoord")
    pulled = subprocess.run(
        ["git", "pull", "--no-rebase", "-q", "origin", "main"],
        cwd=bernd.root,
        capture_output=True,
        text=True,
        env={**os.environ, **bernd.env()},
    )
    assert pulled.returncode != 0
    assert "<<<<<<<" in (bernd.root / ORG).read_text("utf-8")
    result = bernd("list")
    assert f"files in conflict: {ORG}" in result.stderr
    bernd.ok("sync")  # merges the record by its fields: nothing was in conflict
    merged = bernd.org()
    assert merged["website"] == "https://anna.example.org"
    assert merged["email"] == "info@eltern.example.org"


def test_a_write_during_an_unfinished_cherry_pick_says_how_to_finish(team: Team) -> None:
    anna = team.anna
    branch = _git(anna.root, "symbolic-ref", "--short", "HEAD").strip()
    _git(anna.root, "switch", "-qc", "side")
    anna.ok("set", "elternverein-biebrich", "district=mitte")
    side = _git(anna.root, "rev-parse", "HEAD").strip()
    _git(anna.root, "switch", "-q", branch)
    anna.ok("set", "elternverein-biebrich", "district=schierstein")
    assert subprocess.run(
        ["git", "cherry-pick", side], cwd=anna.root, capture_output=True
    ).returncode
    result = anna("add-org", "--name", "Neuer Verein")
    assert result.exit_code == 1
    assert "cherry-pick is not finished" in result.stderr
    assert "git cherry-pick --continue" in result.stderr
    assert "git cherry-pick --abort" in result.stderr
    assert not (anna.root / "organisations" / "neuer-verein.yaml").exists()
    listed = anna("list")
    assert "cherry-pick is not finished" in listed.stderr
    assert ORG in listed.stderr


# --------------------------------------------------------------------------- the index


def test_a_sync_reads_only_the_new_files_into_the_index(team: Team, parses: list[str]) -> None:

    bernd = team.clone("bernd", BERND)
    for number in range(5):
        bernd.ok("add-org", "--name", f"Verein Nummer {number}", "--force")
    bernd.ok("sync")
    team.anna.ok("sync")
    team.anna.ok("list")
    old = 1_000_000_000
    for path in team.anna.root.rglob("*.yaml"):
        if ".git" not in path.parts:
            os.utime(path, (old, old))
    team.anna.ok("list")  # the index trusts every file now
    bernd.ok("add-org", "--name", "Kulturverein Bamyan")
    bernd.ok("sync")
    team.anna.ok("sync")
    parses.clear()
    parsed = parses
    listed = json.loads(team.anna.ok("list", "--json").stdout)
    assert parsed == ["organisations/kulturverein-bamyan.yaml"]
    assert len(listed) == 7


def _every_record(data: Any) -> dict[str, Any]:
    from mokoord.dataset import KINDS

    return {f"{kind}:{key}": record for kind in KINDS for key, record in data.records(kind).items()}


def test_after_a_sync_the_index_gives_what_a_fresh_build_gives(
    team: Team, parses: list[str]
) -> None:
    """The files a sync brings (too fresh to trust by their fingerprints) are read
    once, by the next command, and kept by a mark of their content: the command
    after reads none of them, and one changed in place since is read again."""
    from mokoord.store import Store

    bernd = team.clone("bernd", BERND)
    team.anna.ok("list")
    bernd.ok("add-org", "--name", "Kulturverein Bamyan")
    bernd.ok(
        "add-contact",
        *("--org", "kulturverein-bamyan", "--channel", "phone", "--date", "2023-03-14"),
        *("--summary", "Erstgespräch"),
    )
    _git(bernd.root, "rm", "-q", ORG)
    _git(bernd.root, "commit", "-qm", "no longer needed")
    bernd.ok("sync")
    team.anna.ok("sync")
    parses.clear()
    parsed = parses
    data = Store(team.anna.root).load()
    assert sorted(parsed) == [
        next(path for path in parsed if path.startswith("contacts/")),
        "organisations/kulturverein-bamyan.yaml",
    ]
    assert set(data.organisations) == {"kulturverein-bamyan"}
    assert [c.summary for c in data.contacts.values()] == ["Erstgespräch"]
    assert _every_record(data) == _every_record(Store(team.anna.root).load(use_cache=False))
    parsed.clear()
    assert _every_record(Store(team.anna.root).load()) == _every_record(data)
    assert parsed == []
    # the same size and time, other content: read again
    path = team.anna.root / "organisations" / "kulturverein-bamyan.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Bamyan", "Bamyun"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    found = Store(team.anna.root).load().organisations["kulturverein-bamyan"]
    assert found.name == "Kulturverein Bamyun"
    assert parsed == ["organisations/kulturverein-bamyan.yaml"]


# --------------------------------------------------------------------------- in German


@pytest.fixture
def german() -> Iterator[None]:
    """mokoord speaking German, as it does by default."""
    from mokoord import i18n

    before = i18n.language()
    i18n.set_language("de")
    try:
        yield
    finally:
        i18n.set_language(before)


def test_the_summary_speaks_german(german: None) -> None:
    found = summary.Changes(
        commits=4,
        authors=["Anna Beispiel"],
        records={
            "contact": {"added": 3, "changed": 0, "deleted": 0},
            "organisation": {"added": 0, "changed": 1, "deleted": 0},
        },
    )
    assert summary.describe(found) == (
        "1 Organisation geändert, 3 neue Kontakte (von Anna Beispiel)"
    )
    found.records = {"application": {"added": 1, "changed": 0, "deleted": 2}}
    found.authors = ["Anna Beispiel", "Bernd Muster", "Cem Yilmaz"]
    assert summary.describe(found) == (
        "1 neuer Förderantrag, 2 Förderanträge gelöscht "
        "(von Anna Beispiel, Bernd Muster und Cem Yilmaz)"
    )


def test_sync_reports_in_german(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    for day in ("2024-03-14", "2024-03-15"):
        bernd.ok(
            "add-contact",
            "--org",
            "elternverein-biebrich",
            "--date",
            day,
            "--channel",
            "phone",
            "--summary",
            "Telefonat",
        )
    bernd.ok("sync")
    result = team.anna.ok("sync", MOKOORD_LANG="de")
    assert "geholt von origin" in result.stderr
    assert "2 neue Kontakte (von Bernd Muster)" in result.stderr
    assert "nichts zu senden" in result.stderr


def test_a_fast_forward_checks_out_only_what_came_and_never_overwrites(team: Team) -> None:
    bernd = team.clone("bernd", BERND)
    team.anna.ok("add-org", "--name", "Kulturverein Bamyan")
    (team.anna.root / "notizen.txt").write_text("Anna's notes\n", encoding="utf-8")
    _git(team.anna.root, "add", "notizen.txt")
    _git(team.anna.root, "commit", "-qm", "notes")
    team.anna.ok("sync")
    before = _git(bernd.root, "rev-parse", "HEAD").strip()
    (bernd.root / "notizen.txt").write_text("Bernd's own notes\n", encoding="utf-8")
    refused = bernd("sync")
    assert refused.exit_code == 1
    assert "notizen.txt" in refused.stderr
    assert (bernd.root / "notizen.txt").read_text(encoding="utf-8") == "Bernd's own notes\n"
    assert _git(bernd.root, "rev-parse", "HEAD").strip() == before
    (bernd.root / "notizen.txt").unlink()
    bernd.ok("sync")
    assert _git(bernd.root, "rev-parse", "ORIG_HEAD").strip() == before
    assert "sync: fast-forward" in _git(bernd.root, "reflog", "-1", "--format=%gs")
    assert git_status(bernd.root) == ""
    assert bernd.org("kulturverein-bamyan")["name"] == "Kulturverein Bamyan"


def test_a_clash_in_a_real_terminal_is_asked_about(team: Team) -> None:
    """stdin a pseudo-terminal, no MOKOORD_INTERACTIVE: sync sees a person and asks."""
    import pty

    bernd = _clash(team)
    master, slave = pty.openpty()
    env = {**os.environ, **bernd.env()}
    env.pop("MOKOORD_INTERACTIVE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "mokoord", "sync"],
        cwd=bernd.root,
        env=env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    try:
        os.write(master, b"2\n")
        _out, err = process.communicate(timeout=120)
    finally:
        os.close(master)
    assert process.returncode == 0, err
    assert "which to keep?" in err
    assert bernd.org()["website"] == "https://anna.example.org"


def test_a_record_with_conflict_markers_is_repaired_with_edit_then_continue(
    team: Team, tmp_path: Path
) -> None:
    bernd = team.clone("bernd", BERND)
    team.anna.ok("set", "elternverein-biebrich", "website=https://anna.example.org")
    team.anna.ok("sync")
    bernd.ok("set", "elternverein-biebrich", "website=https://bernd.example.org")
    _git(bernd.root, "config", "--remove-section", "merge.mokoord")
    pulled = subprocess.run(
        ["git", "pull", "--no-rebase", "-q", "origin", "main"],
        cwd=bernd.root,
        capture_output=True,
        env={**os.environ, **bernd.env()},
    )
    assert pulled.returncode != 0
    assert "<<<<<<<" in (bernd.root / ORG).read_text("utf-8")
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import re, sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "text = re.sub(r'<<<<<<< [^\\n]*\\n(.*?)=======\\n.*?>>>>>>> [^\\n]*\\n', r'\\1', text, flags=re.S)\n"
        "open(path, 'w', encoding='utf-8').write(text)\n",
        encoding="utf-8",
    )
    edited = bernd("edit", "elternverein-biebrich", EDITOR=f"{sys.executable} {editor}")
    assert edited.exit_code == 0, edited.output
    assert "<<<<<<<" not in (bernd.root / ORG).read_text("utf-8")
    bernd.ok("sync", "--continue")
    assert bernd.org()["website"] == "https://bernd.example.org"
    assert git_status(bernd.root) == ""
    team.anna.ok("sync")
    assert team.anna.org()["website"] == "https://bernd.example.org"
