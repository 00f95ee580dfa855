"""Files that cannot be used are named by every command (issue 12, section 1).

Broken files are written by the tests themselves: bytes that are not UTF-8,
invalid YAML, a record that does not validate, git conflict markers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Cli, git_log, git_status, run_mokoord
from mokoord.store import Store

GOOD = {
    "organisations/elternverein-biebrich.yaml": (
        "id: elternverein-biebrich\nname: Elternverein Biebrich e.V.\nstatus: contacted\n"
        "district: biebrich\nneeds:\n  - {category: rooms, since: 2023-01-10}\n"
    ),
    "organisations/kulturverein-anatolia.yaml": (
        "id: kulturverein-anatolia\nname: Kulturverein Anatolia\nstatus: known\n"
    ),
    "contacts/2023/2023-03-14-k7qm.yaml": (
        "id: 2023-03-14-k7qm\ndate: 2023-03-14\norganisations: [elternverein-biebrich]\n"
        "channel: visit\ntopics: [rooms]\nsummary: Raumbedarf besprochen\n"
    ),
    "events/2023/2023-05-02-vereinsrecht.yaml": (
        "id: 2023-05-02-vereinsrecht\ntitle: Vereinsrecht\nkind: training\ndate: 2023-05-02\n"
    ),
}

# file → (line, the start of its first problem)
BROKEN = {
    "organisations/kueche.yaml": (
        b"id: kueche\nname: K\xfcchenverein\n",
        2,
        "the file is not valid UTF-8 (byte 0xfc)",
    ),
    "organisations/klammer.yaml": (
        b"id: klammer\nname: [Verein\nstatus: known\n",
        3,
        "invalid YAML",
    ),
    "organisations/bekannt.yaml": (
        b"id: bekannt\nname: Bekannter Verein\nstatus: bekannt\n",
        3,
        "Status 'bekannt' is not allowed",
    ),
    "organisations/konflikt.yaml": (
        b"id: konflikt\n<<<<<<< HEAD\nname: Konflikt e.V.\n=======\nname: Konflikt-Verein\n"
        b">>>>>>> a1b2c3d\n",
        2,
        "unresolved git merge conflict marker",
    ),
}
BROKEN_CONTACT = "contacts/2023/2023-04-01-xxxx.yaml"


def _write(root: Path, files: dict[str, bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _commit(root: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True)


@pytest.fixture
def broken(store: Store) -> Store:
    """A store with valid records and, next to them, one file of each kind of breakage."""
    _write(store.root, {k: v.encode() for k, v in GOOD.items()})
    _write(store.root, {path: content for path, (content, _, _) in BROKEN.items()})
    _write(store.root, {BROKEN_CONTACT: b"id: 2023-04-01-xxxx\ndate: 2023-04-01\n"})
    _commit(store.root, "records, some broken")
    return store


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def _assert_names_each_file(stderr: str, files: dict[str, tuple[int, str]]) -> None:
    """One warning per left-out file with path:line and its first problem, then one hint."""
    warnings = _warnings(stderr)
    assert len(warnings) == len(files), stderr
    for path, (line, problem) in files.items():
        assert any(
            w.startswith(f"warning: {path}:{line}: left out: {problem}") for w in warnings
        ), (
            path,
            stderr,
        )
    hints = [line for line in stderr.splitlines() if "mokoord check" in line]
    assert len(hints) == 1, stderr
    assert stderr.rstrip().splitlines()[-1] == hints[0]  # the hint ends the output
    count = len(files)
    assert f"{count} file{'s' if count > 1 else ''} could not be read" in hints[0]


ORGANISATIONS = {path: (line, problem) for path, (_, line, problem) in BROKEN.items()}
CONTACT = {BROKEN_CONTACT: (1, "Organisations is missing")}


@pytest.mark.parametrize(
    ("args", "kinds"),
    [
        (["list"], ("organisation", "contact")),
        (["list", "--json"], ("organisation", "contact")),
        (["search", "verein"], ("organisation", "contact")),
        (["show", "elternverein-biebrich"], ("organisation", "contact")),
        (["contacts", "--json"], ("organisation", "contact")),
        (["agenda"], ("organisation", "contact")),
        (["referrals"], ("organisation", "contact")),
        (["events", "--json"], ("organisation",)),
        (["rooms"], ("organisation",)),
        (["cooperations"], ("organisation",)),
        (["networks"], ("organisation",)),
        (["institutions"], ("contact",)),
        (["report", "--year", "2023", "--format", "json"], ("organisation", "contact")),
        (["export", "organisations", "--format", "json"], ("organisation", "contact")),
        (["export", "contacts", "--format", "csv"], ("organisation", "contact")),
    ],
)
def test_every_reading_command_names_each_file_it_left_out(
    cli: Cli, broken: Store, args: list[str], kinds: tuple[str, ...]
) -> None:
    result = cli(*args)
    expected = {
        **(ORGANISATIONS if "organisation" in kinds else {}),
        **(CONTACT if "contact" in kinds else {}),
    }
    _assert_names_each_file(result.stderr, expected)
    assert "left out" not in result.stdout
    if "--json" in args or "json" in args:
        json.loads(result.stdout)  # stdout stays clean


def test_a_command_that_reads_other_kinds_warns_of_nothing(cli: Cli, broken: Store) -> None:
    result = cli("programmes")
    assert result.exit_code == 0
    assert _warnings(result.stderr) == []
    assert "mokoord check" not in result.stderr


def test_check_names_the_files_itself_without_warnings(cli: Cli, broken: Store) -> None:
    result = cli("check")
    assert result.exit_code == 1
    assert _warnings(result.stderr) == []
    for path in BROKEN:
        assert path in result.stdout


def test_warnings_in_a_true_process_leave_json_on_stdout_clean(broken: Store) -> None:
    result = run_mokoord("--data", str(broken.root), "list", "--json", cwd=broken.root)
    assert result.returncode == 0, result.stderr
    names = {org["name"] for org in json.loads(result.stdout)}
    assert names == {"Elternverein Biebrich e.V.", "Kulturverein Anatolia"}
    _assert_names_each_file(result.stderr, {**ORGANISATIONS, **CONTACT})


# --------------------------------------------------------------------------- an id of a broken file


SINCE = ["--since", "2023-01-01", "--topic", "culture"]


def _org_commands(org: str) -> list[list[str]]:
    return [
        ["show", org],
        ["show", org, "--json"],
        ["set", org, "district=mitte"],
        ["status", org, "contacted"],
        ["add-need", org, "rooms"],
        ["close-need", org, "rooms"],
        ["add-person", org, "--name", "Erika Beispiel", "--legal-basis", "legitimate_interest"],
        ["add-contact", "--org", org, "--date", "2023-06-01", "--channel", "phone"],
        ["attend", "2023-05-02-vereinsrecht", "--org", org, "--people", "3"],
        ["add-cooperation", "--org", org, "--partner", "elternverein-biebrich", *SINCE],
        ["add-cooperation", "--org", "elternverein-biebrich", "--partner", org, *SINCE],
    ]


@pytest.mark.parametrize("path", sorted(BROKEN))
def test_an_id_of_a_broken_organisation_names_its_file(cli: Cli, broken: Store, path: str) -> None:
    org = Path(path).stem
    _content, line, problem = BROKEN[path]
    before = git_log(broken.root, "--format=%H")
    for args in _org_commands(org):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert f"error: {path} cannot be read: line {line}: {problem}" in result.stderr, (
            args,
            result.stderr,
        )
        assert f"hint: repair it with: mokoord edit {org}" in result.stderr, args
        assert f"no organisation with id '{org}'" not in result.output
    assert git_log(broken.root, "--format=%H") == before
    assert git_status(broken.root) == ""


def test_an_id_of_a_broken_contact_names_its_file(cli: Cli, broken: Store) -> None:
    for args in (
        ["follow-up-done", "2023-04-01-xxxx"],
        ["close-referral", "2023-04-01-xxxx", "--outcome", "taken_up"],
    ):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert f"error: {BROKEN_CONTACT} cannot be read: line 1: Organisations is missing" in (
            result.stderr
        )
        assert f"repair {BROKEN_CONTACT} in a text editor" in result.stderr


# --------------------------------------------------------------------------- repair with edit


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import pathlib, re, sys\n" + body, encoding="utf-8")
    return f"{sys.executable} {script}"


def test_edit_repairs_conflict_markers(cli: Cli, broken: Store, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    editor = _editor(
        tmp_path,
        f"""
f = pathlib.Path(sys.argv[1]); text = f.read_text()
pathlib.Path({str(seen)!r}).write_text(text)
body = re.sub(r"(?ms)^<<<<<<< [^\\n]*\\n(.*?)^=======\\n.*?^>>>>>>> [^\\n]*\\n", r"\\1", text)
f.write_text(body)
""",
    )
    result = cli("edit", "konflikt", env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    shown = seen.read_text()
    assert "<<<<<<< HEAD\nname: Konflikt e.V.\n=======\nname: Konflikt-Verein\n>>>>>>>" in shown
    assert ":4:1: error merge-conflict" in shown  # line 2 of the file, below two lines of notes
    path = broken.root / "organisations/konflikt.yaml"
    assert path.read_text() == "id: konflikt\nname: Konflikt e.V.\n"
    assert git_log(broken.root, "-1", "--format=%s").strip() == "edit konflikt"
    assert cli("show", "konflikt").exit_code == 0


def test_edit_repairs_a_file_that_is_not_utf8(cli: Cli, broken: Store, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    editor = _editor(
        tmp_path,
        f"""
f = pathlib.Path(sys.argv[1]); text = f.read_text(encoding="utf-8")
pathlib.Path({str(seen)!r}).write_text(text, encoding="utf-8")
f.write_text(text, encoding="utf-8")  # saved as it is
""",
    )
    result = cli("edit", "kueche", env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    assert "name: Küchenverein" in seen.read_text(encoding="utf-8")
    assert "will be saved as UTF-8" in seen.read_text(encoding="utf-8")
    path = broken.root / "organisations/kueche.yaml"
    assert path.read_bytes() == "id: kueche\nname: Küchenverein\n".encode()
    assert cli("show", "kueche").exit_code == 0


def test_edit_quit_without_saving_keeps_a_broken_file(cli: Cli, broken: Store) -> None:
    path = broken.root / "organisations/kueche.yaml"
    before = path.read_bytes()
    result = cli("edit", "kueche", env={"EDITOR": "true"})
    assert result.exit_code == 1
    assert "organisations/kueche.yaml is unchanged" in result.stderr
    assert path.read_bytes() == before
    assert git_status(broken.root) == ""


# --------------------------------------------------------------------------- export and report


def test_export_says_how_many_files_it_left_out(cli: Cli, broken: Store, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    result = cli("export", "organisations", "-o", str(out))
    assert result.exit_code == 0, result.output
    everything = ", ".join(sorted([BROKEN_CONTACT, *BROKEN]))
    assert f"2 organisations written to {out}; 5 files left out: {everything}\n" in result.stderr
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 3


def test_export_strict_refuses_and_writes_nothing(cli: Cli, broken: Store, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    result = cli("export", "organisations", "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert "error: 5 files could not be read; with --strict nothing is written" in result.stderr
    for path in [*BROKEN, BROKEN_CONTACT]:
        assert re.search(rf"^{re.escape(path)}:\d+:\d+: error ", result.stderr, re.M), path
    assert not out.exists()
    result = cli("export", "organisations", "--format", "json", "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_report_warns_at_its_top_in_every_format(cli: Cli, broken: Store, tmp_path: Path) -> None:
    md = cli("report", "--year", "2023", "--lang", "de").stdout
    head = md.split("## ")[0]  # before the first section
    assert "Achtung: unvollständige Daten" in head
    assert "fehlen in allen Zahlen des Berichts (5):" in head
    for path, (line, _problem) in {**ORGANISATIONS, **CONTACT}.items():
        assert f"> - {path}:{line}: " in head, path

    out = tmp_path / "bericht.html"
    assert cli("report", "--year", "2023", "-o", str(out), "--lang", "en").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.index("Warning: incomplete data") < html.index('id="summary"')
    assert '<section class="left-out" role="alert"' in html
    for path in [*BROKEN, BROKEN_CONTACT]:
        assert f"<code>{path}:" in html

    result = cli("report", "--year", "2023", "--format", "json")
    data = json.loads(result.stdout)
    assert [item["path"] for item in data["left_out"]] == sorted([*BROKEN, BROKEN_CONTACT])
    assert data["left_out"][0] == {
        "path": BROKEN_CONTACT,
        "line": 1,
        "column": 1,
        "severity": "error",
        "code": "missing-key",
        "message": "Organisations is missing: the key 'organisations' is required",
    }
    assert data["completeness"]["invalid_files"] == 5
    assert data["registry"]["total"] == 2


def test_report_names_left_out_files_when_written_and_strict_refuses(
    cli: Cli, broken: Store, tmp_path: Path
) -> None:
    out = tmp_path / "bericht.md"
    result = cli("report", "--year", "2023", "-o", str(out))
    assert result.exit_code == 0
    assert "5 files left out: contacts/2023/2023-04-01-xxxx.yaml, organisations/" in result.stderr
    out.unlink()
    result = cli("report", "--year", "2023", "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert "with --strict nothing is written" in result.stderr
    assert not out.exists()


def test_a_complete_store_has_no_warning_anywhere(cli: Cli, store: Store) -> None:
    _write(store.root, {k: v.encode() for k, v in GOOD.items()})
    result = cli("report", "--year", "2023")
    assert "Achtung" not in result.stdout
    assert result.stderr == ""
    data = json.loads(cli("report", "--year", "2023", "--format", "json", "--strict").stdout)
    assert data["left_out"] == []
