"""Erasure (Art. 17 GDPR) that reaches the whole git history, with real repositories:
every file, object and message; figures unchanged; check clean; the erasure
log; confirmations; clones and the server; interrupted erasures."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
from tests.conftest import Cli, run_mokoord
from tests.privacy_office import (
    EMAIL,
    NAME,
    PHONE,
    VALUES,
    found_anywhere,
    git,
    office_fixture,  # noqa: F401 - the fixture "office"
    office_template_fixture,  # noqa: F401 - the fixture it copies
    prune,
)

from mokoord.models import Person
from mokoord.store import Store

REASON = "Antrag per E-Mail vom 28.05.2025"


def _report(cli: Cli) -> dict[str, object]:
    result = cli("report", "--year", "2023", "--format", "json", "--today", "2026-01-01")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _erase(cli: Cli, person: str, *more: str) -> str:
    result = cli("privacy", "erase", person, "--reason", REASON, "--yes", *more)
    assert result.exit_code == 0, result.output
    return str(result.stdout).strip()


def test_erasure_leaves_no_value_in_any_file_object_or_message(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    assert len(found_anywhere(root)) >= len(VALUES)  # the office holds every form
    before = _report(cli)
    contacts_before = git(root, "ls-files", "contacts")

    erasure_id = _erase(cli, ids["person"])
    prune(root)

    assert found_anywhere(root) == []
    assert _report(cli) == before  # every figure of the report the same
    assert git(root, "ls-files", "contacts") == contacts_before
    check = json.loads(cli("check", "--strict", "--json").stdout)
    assert [p for p in check if p["severity"] == "error"] == []
    assert not [p for p in check if p["code"].startswith("erased")]
    # the person's file is a tombstone in every version, its id still named by the contact
    tombstone = (root / "persons" / f"{ids['person']}.yaml").read_text(encoding="utf-8")
    assert tombstone.splitlines()[0] == f"id: {ids['person']}"
    assert tombstone.splitlines()[1].startswith("erased: ")
    versions = git(root, "log", "--all", "--format=%H", "--", f"persons/{ids['person']}.yaml")
    for commit in versions.split():
        assert git(root, "show", f"{commit}:persons/{ids['person']}.yaml") == tombstone
    contact = (root / "contacts" / "2023" / f"{ids['named']}.yaml").read_text(encoding="utf-8")
    assert f"persons: [{ids['person']}]" in contact
    assert "(gelöscht) erklärte den Raumbedarf; Rückruf unter (gelöscht)" in contact
    # the organisational audit trail stays: every commit, the other person untouched
    log = git(root, "log", "--format=%s")
    assert f"add-person {ids['person']} ({ids['org']})" in log
    assert f"add-contact {ids['plain']} ({ids['org']})" in log
    assert "Hans Beispiel" in (root / "persons" / f"{ids['other']}.yaml").read_text()
    # the erasure log: date, who, the id, the ground; never a value
    record = (root / "erasures" / f"{erasure_id}.yaml").read_text(encoding="utf-8")
    assert f"id: {ids['person']}" in record
    assert "by: Test Koordination <koordination@example.org>" in record
    assert f"reason: {REASON}" in record
    assert "ground: no_longer_needed" in record
    assert git(root, "log", "-1", "--format=%s") == f"privacy erase {erasure_id}: {ids['person']}\n"
    assert git(root, "status", "--porcelain") == ""
    assert (root / ".git" / "hooks" / "pre-merge-commit").is_file()


def test_erasure_needs_yes_in_a_script_and_changes_nothing_without(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    head = git(root, "rev-parse", "HEAD")
    result = Cli(root)("privacy", "erase", ids["person"], "--reason", REASON)
    assert result.exit_code == 2
    assert "in a script pass --yes" in result.stderr
    assert git(root, "rev-parse", "HEAD") == head
    assert NAME in (root / "persons" / f"{ids['person']}.yaml").read_text()


def test_the_terminal_shows_what_will_be_erased_and_asks(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    head = git(root, "rev-parse", "HEAD")
    result = Cli(root)(
        "privacy", "erase", ids["person"], "--reason", REASON,
        input="n\n", env={"MOKOORD_INTERACTIVE": "1"},
    )  # fmt: skip
    assert result.exit_code == 1
    shown = result.stderr
    for value in (NAME, EMAIL, PHONE):
        assert value in shown
    assert f"contact {ids['named']} · summary: Frau Musterfrau erklärte" in shown
    assert f"organisation {ids['org']} · notes" in shown
    assert "nothing was erased" in shown
    assert git(root, "rev-parse", "HEAD") == head


def test_a_reason_naming_the_person_is_refused(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    result = Cli(root)("privacy", "erase", ids["person"], "--reason", f"Anruf von {NAME}", "--yes")
    assert result.exit_code == 1
    assert "reason-names-person" in result.stderr
    assert found_anywhere(root)  # nothing erased


def test_uncommitted_changes_and_loose_copies_are_refused(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    (root / "kontakte-export.csv").write_text(f"Name;E-Mail\n{NAME};{EMAIL}\n", encoding="utf-8")
    result = Cli(root)("privacy", "erase", ids["person"], "--reason", REASON, "--yes")
    assert result.exit_code == 1
    assert "kontakte-export.csv" in result.stderr
    (root / "kontakte-export.csv").unlink()
    org = root / "organisations" / f"{ids['org']}.yaml"
    org.write_text(org.read_text() + "goals: Kultur\n", encoding="utf-8")
    result = Cli(root)("privacy", "erase", ids["person"], "--reason", REASON, "--yes")
    assert result.exit_code == 1
    assert "uncommitted changes" in result.stderr


def test_surname_alone_is_shown_and_redacted_on_request(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    assert cli("set", ids["org"], "goals=Musterfrau organisiert das Sommerfest").exit_code == 0
    plan = cli("privacy", "erase", ids["person"], "--reason", REASON, input="n\n",
               env={"MOKOORD_INTERACTIVE": "1"})  # fmt: skip
    assert "not redacted" in plan.stderr
    assert "add --redact" in plan.stderr
    _erase(cli, ids["person"], "--redact", "Musterfrau")
    prune(root)
    assert found_anywhere(root, ("Musterfrau",)) == []


# --------------------------------------------------------------------------- clones and the server


def _merge_keeping_ours(root: Path, other: str) -> None:
    """A plain ``git merge``, its conflicts settled with this clone's old files."""
    merged = subprocess.run(
        ["git", "merge", "-q", "--no-edit", other], cwd=root, capture_output=True
    )
    if merged.returncode != 0:
        unmerged = git(root, "diff", "--name-only", "--diff-filter=U").split()
        git(root, "checkout", "--ours", "--", *unmerged)
        git(root, "add", "-A")
        git(root, "commit", "-q", "--no-edit")


def _branch(root: Path) -> str:
    return git(root, "symbolic-ref", "--short", "HEAD").strip()


def _server_and_clones(root: Path, tmp: Path) -> tuple[Path, Path]:
    """A bare server the office pushes to, and a colleague's clone of it."""
    server = tmp / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    git(root, "remote", "add", "origin", str(server))
    git(root, "push", "-q", "-u", "origin", _branch(root), "alte-arbeit", "--tags")
    colleague = tmp / "colleague"
    subprocess.run(["git", "clone", "-q", str(server), str(colleague)], check=True)
    return server, colleague


def test_stale_clone_is_refused_and_catches_up(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    server, colleague = _server_and_clones(root, tmp_path)
    mate = Cli(colleague)
    # the colleague logs a contact before hearing of the erasure
    own = mate(
        "add-contact", "--org", ids["org"], "--date", "2023-06-01", "--channel", "email",
        "--topic", "events", "--summary", "Einladung zum Sommerfest verschickt",
    )  # fmt: skip
    assert own.exit_code == 0, own.output
    own_id = own.stdout.strip()

    _erase(Cli(root), ids["person"])
    git(root, "branch", "-D", "alte-arbeit")  # a branch the office no longer needs
    sent = Cli(root)("privacy", "catch-up")
    assert sent.exit_code == 0, sent.output
    assert "holds the erased history now" in sent.stderr
    assert "these still hold the old history: refs/heads/alte-arbeit" in sent.stderr
    assert (server / "hooks" / "pre-receive").is_file()
    git(server, "branch", "-D", "alte-arbeit")
    prune(server)
    assert found_anywhere(server) == []

    # the library call mokoord sync makes before merging refuses the stale side
    from mokoord.privacy.guard import refusals

    git(colleague, "fetch", "-q", "origin")
    head = git(colleague, "rev-parse", "HEAD").strip()
    upstream = git(colleague, "rev-parse", f"origin/{_branch(colleague)}").strip()
    refused = refusals(colleague, [head, upstream], since=[head], here=head)
    assert refused
    assert "this clone still holds the history from before erasure" in refused[0].message
    assert "mokoord privacy catch-up" in refused[0].hint

    # a merge stopped at conflicts and committed by hand passes git's pre-merge-commit
    # hook (git runs it only on a merge it finishes itself); the push is refused
    _merge_keeping_ours(colleague, f"origin/{_branch(colleague)}")
    pushed = subprocess.run(
        ["git", "push", "origin", _branch(colleague)], cwd=colleague, capture_output=True, text=True
    )
    assert pushed.returncode != 0
    assert "mokoord:" in pushed.stderr
    assert "from before erasure" in pushed.stderr
    assert found_anywhere(server) == []

    # the colleague catches up: their own contact replayed, the old history gone
    git(colleague, "reset", "-q", "--hard", "ORIG_HEAD")
    caught = mate("privacy", "catch-up")
    assert caught.exit_code == 0, caught.output
    assert "this clone is on the erased history now (own commits replayed: 1)" in caught.stderr
    prune(colleague)
    assert found_anywhere(colleague) == []
    assert (colleague / "contacts" / "2023" / f"{own_id}.yaml").is_file()
    assert git(colleague, "rev-parse", "HEAD") == git(server, "rev-parse", _branch(root))
    # and the office gets the colleague's contact with a plain pull
    git(root, "pull", "-q", "--ff-only")
    assert (root / "contacts" / "2023" / f"{own_id}.yaml").is_file()


def test_sync_refuses_the_old_history_and_works_after_catching_up(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    _server, colleague = _server_and_clones(root, tmp_path)
    mate = Cli(colleague)
    own = mate(
        "add-contact", "--org", ids["org"], "--date", "2023-06-01", "--channel", "email",
        "--topic", "events", "--summary", "Einladung zum Sommerfest verschickt",
    )  # fmt: skip
    assert own.exit_code == 0, own.output
    _erase(Cli(root), ids["person"])
    git(root, "branch", "-D", "alte-arbeit")
    assert Cli(root)("privacy", "catch-up").exit_code == 0
    refused = mate("sync")
    assert refused.exit_code == 1
    assert "this clone still holds the history from before erasure" in refused.stderr
    assert "mokoord privacy catch-up" in refused.stderr
    assert NAME in (colleague / "persons" / f"{ids['person']}.yaml").read_text()  # unmerged
    assert mate("privacy", "catch-up").exit_code == 0
    synced = mate("sync")
    assert synced.exit_code == 0, synced.output
    prune(colleague)
    assert found_anywhere(colleague) == []


def test_old_history_merged_by_hand_is_flagged_and_refused_at_push(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    stale = tmp_path / "stale"
    subprocess.run(["git", "clone", "-q", str(root), str(stale)], check=True)
    _erase(Cli(root), ids["person"])
    git(root, "remote", "add", "stale", str(stale))
    git(root, "fetch", "-q", "stale")
    merged = subprocess.run(
        ["git", "merge", "--no-edit", f"stale/{_branch(root)}"], cwd=root, capture_output=True
    )
    assert merged.returncode != 0  # the erased file and the old one collide
    git(root, "checkout", "--theirs", "--", ".")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-edit")
    check = json.loads(Cli(root)("check", "--json").stdout)
    # the old file, or the record merged field by field: either way an error
    assert ("error", f"persons/{ids['person']}.yaml") in {(p["severity"], p["path"]) for p in check}
    backup = tmp_path / "backup.git"
    subprocess.run(["git", "init", "-q", "--bare", str(backup)], check=True)
    pushed = subprocess.run(
        ["git", "push", str(backup), "HEAD:refs/heads/main"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert pushed.returncode != 0
    assert "this clone still holds the history from before erasure" in pushed.stderr
    assert "mokoord privacy catch-up" in pushed.stderr


def test_server_with_new_commits_on_the_old_history(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A colleague pushed after the erasure but before the office sent it: the
    colleague's commit is replayed onto the erased history, nothing is lost."""
    root, ids = office
    server, colleague = _server_and_clones(root, tmp_path)
    _erase(Cli(root), ids["person"])
    mate = Cli(colleague)
    late = mate(
        "add-contact", "--org", ids["org"], "--date", "2023-07-01", "--channel", "phone",
        "--topic", "rooms", "--summary", "Raumzusage weitergegeben",
    )  # fmt: skip
    assert late.exit_code == 0, late.output
    git(colleague, "push", "-q", "origin", _branch(colleague))
    git(root, "branch", "-D", "alte-arbeit")
    git(server, "branch", "-D", "alte-arbeit")
    sent = Cli(root)("privacy", "catch-up")
    assert sent.exit_code == 0, sent.output
    assert "its commits replayed: 1" in sent.stderr
    assert (root / "contacts" / "2023" / f"{late.stdout.strip()}.yaml").is_file()
    prune(root)
    assert found_anywhere(root) == []
    assert found_anywhere(server) == []


# --------------------------------------------------------------------------- interrupted erasures


def _state(root: Path) -> dict[str, str]:
    tracked = git(root, "ls-files", "-s")
    return {
        "refs": git(root, "for-each-ref"),
        "index": tracked,
        "status": git(root, "status", "--porcelain"),
    }


@pytest.mark.parametrize(
    ("point", "outcome"),
    [
        ("mirror", "before"),
        ("filtered", "before"),
        ("fetched", "before"),
        ("filter", "before"),
        ("journal", "erased"),
        ("swapped", "erased"),
        ("worktree", "erased"),
        ("cleaned", "erased"),
    ],
)
def test_an_interrupted_erasure_leaves_the_store_as_before_or_erased(
    office, point: str, outcome: str
) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    before = _state(root)
    env = (
        {"MOKOORD_TEST_KILL_FILTER_AFTER": "3"}
        if point == "filter"
        else {"MOKOORD_TEST_KILL_AT": point}
    )
    killed = run_mokoord(
        "privacy", "erase", ids["person"], "--reason", REASON, "--yes", cwd=root, env=env
    )
    if point == "filter":  # the rewrite process died; the erasure stopped by itself
        assert killed.returncode == 1, killed.stderr
        assert "nothing was erased" in killed.stderr
    else:
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    # whatever mokoord command comes next finishes or undoes it
    after = run_mokoord("check", cwd=root)
    assert "Traceback" not in after.stderr
    assert not (root / ".mokoord" / "erasure.json").exists()
    assert not (root / ".git" / "mokoord-erasure").exists()
    assert "refs/mokoord-erasure" not in git(root, "for-each-ref")
    if outcome == "before":
        assert _state(root) == before
        assert NAME in (root / "persons" / f"{ids['person']}.yaml").read_text()
    else:
        assert "an interrupted erasure was finished" in after.stderr
        prune(root)
        assert found_anywhere(root) == []
        assert git(root, "status", "--porcelain") == ""
    assert after.returncode == 0, after.stderr


def test_recovery_runs_before_any_command_reads_the_store(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    killed = run_mokoord(
        "privacy", "erase", ids["person"], "--reason", REASON, "--yes", cwd=root,
        env={"MOKOORD_TEST_KILL_AT": "swapped"},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    # half way: the refs moved, the working tree not yet
    assert NAME in (root / "persons" / f"{ids['person']}.yaml").read_text()
    shown = run_mokoord("list", "--json", cwd=root)
    assert shown.returncode == 0, shown.stderr
    assert NAME not in (root / "persons" / f"{ids['person']}.yaml").read_text()
    assert Store(root).get(Person, ids["person"]).erased is not None


def test_due_erase_removes_old_free_text_in_every_version(office) -> None:  # type: ignore[no-untyped-def]
    root, ids = office
    cli = Cli(root)
    before = _report(cli)
    listed = json.loads(cli("privacy", "due", "--today", "2040-01-01", "--format", "json").stdout)
    assert {(d["kind"], d["id"], d["reason"]) for d in listed} == {
        ("contact", ids["named"], "contact_text"),
        ("contact", ids["plain"], "contact_text"),
        ("person", ids["person"], "no_contact"),
        ("person", ids["other"], "no_contact"),
    }
    done = cli("privacy", "due", "--today", "2040-01-01", "--erase", "--yes")
    assert done.exit_code == 0, done.output
    assert "persons erased: 2; contacts whose free text was removed: 2" in done.stderr
    prune(root)
    assert found_anywhere(root, ("Förderantrag besprochen", "Förderberatung", *VALUES)) == []
    assert _report(cli) == before
    contact = (root / "contacts" / "2023" / f"{ids['plain']}.yaml").read_text(encoding="utf-8")
    assert "summary: (Text nach Ablauf der Aufbewahrungsfrist entfernt)" in contact
    assert "institution: kulturamt" in contact
    assert "reason:" not in contact
    assert json.loads(cli("privacy", "due", "--today", "2040-01-01", "-f", "json").stdout) == []
