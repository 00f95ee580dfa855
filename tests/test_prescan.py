"""The scan started at process start (``scanning.prescan``) gives exactly what a
fresh scan gives, and never lets a change made meanwhile go unseen in the index."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli
from mokoord import index, scanning
from mokoord.cli._argv import command_name
from mokoord.dataset import KINDS
from mokoord.store import Store

ORG = "id: {id}\nname: {name}\nstatus: known\n"
CONTACT = "id: {id}\ndate: {date}\norganisations: [verein-1]\nchannel: phone\nsummary: {summary}\n"
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def _age(path: Path, seconds: float = 10.0) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _fill(store: Store) -> None:
    """Organisations and three years of contacts, every file and folder written a while ago."""
    for number in range(20):
        path = store.root / "organisations" / f"verein-{number}.yaml"
        path.write_text(ORG.format(id=f"verein-{number}", name=f"Verein {number}"), "utf-8")
        _age(path)
    for year in (2021, 2022, 2023):
        folder = store.root / "contacts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for day in range(1, 11):
            _contact(store, f"{year}-03-{day:02d}", "Telefonat")
        _age(folder)
    for folder in ("organisations", "contacts", "persons"):
        (store.root / folder).mkdir(exist_ok=True)
        _age(store.root / folder)


def _contact(store: Store, date: str, summary: str, *, age: bool = True) -> Path:
    path = store.root / "contacts" / date[:4] / f"{date}-abcd.yaml"
    path.write_text(CONTACT.format(id=f"{date}-abcd", date=date, summary=summary), "utf-8")
    if age:
        _age(path)
    return path


def _summaries(store: Store) -> dict[str, str]:
    data = store.load(("organisation", "contact"))
    return {key: contact.summary for key, contact in data.contacts.items()}


def _child_done(early: scanning.Scan) -> None:
    """Wait until the child has scanned every unit (nobody else took one)."""
    for _ in range(3000):
        if os.waitpid(early.pid, os.WNOHANG)[0]:
            return
        time.sleep(0.01)
    raise AssertionError("the scanning child did not finish")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan shared with a child even on a small store."""
    monkeypatch.setattr(scanning, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(scanning, "_early", None)
    monkeypatch.setattr(scanning, "_early_root", None)


def test_the_prescan_knows_every_kinds_folder() -> None:
    assert set(scanning.FOLDERS) == {kind.folder for kind in KINDS.values()}


@needs_fork
def test_the_prescan_gives_what_a_fresh_scan_gives(store: Store, forking: None) -> None:
    _fill(store)
    expected = _summaries(store)  # builds the index
    scanning.prescan(store.root)
    early = scanning._early
    assert early is not None
    assert early.pid
    _child_done(early)  # the child took every unit: the parent takes its work over
    assert _summaries(store) == expected
    assert scanning._early is None  # taken by the first load, and only by it
    assert early.by_child  # the child's units were taken over
    assert {"organisations", "contacts", "contacts/2021"} <= {unit[1] for unit in early.units}


def test_digests_hashed_while_scanning_are_those_of_the_fingerprints(store: Store) -> None:
    """The child hashes each shard's files as it finds them; the parent compares those
    digests with the ones the index keeps, made from fingerprints: they must agree
    for every kind of name, a ``*.yml`` file and a subfolder's files."""
    _fill(store)
    folder = store.root / "organisations"
    for name in ("straße-verein.yaml", "café-ünal.yaml", "alt.yml", "x" * 120 + ".yaml"):
        (folder / name).write_text("id: x\n", "utf-8")
    (folder / "nested").mkdir()
    (folder / "nested" / "tief.yaml").write_text("id: y\n", "utf-8")
    for name, recursive in (("organisations", True), ("contacts", True), ("contacts", False)):
        seen: dict[str, scanning.Fingerprint] = {}
        hashed, kept = scanning.scan_digests(
            store.root, name, recursive=recursive, folders=seen, keep=True
        )
        found = scanning.scan(store.root, name, recursive=recursive)
        assert hashed == {key: scanning.digest(files) for key, files in found.items()}
        assert kept == found
        alone, nothing = scanning.scan_digests(store.root, name, recursive=recursive, folders={})
        assert (alone, nothing) == (hashed, {})
        assert set(seen) >= {name}
    found = scanning.scan(store.root, "organisations")
    assert ("organisations", scanning.OTHER) in found
    assert ("organisations/nested", scanning.bucket_of("tief.yaml")) in found
    changed = dict(found[("organisations", scanning.bucket_of("straße-verein.yaml"))])
    name, (mtime, size, inode) = next(iter(changed.items()))
    before = scanning.digest(changed)
    changed[name] = (mtime + 1, size, inode)
    assert scanning.digest(changed) != before  # one nanosecond is seen
    assert scanning.digest({"a.yaml": (1, 2, 2**70)}) != scanning.digest({"a.yaml": (1, 2, 3)})


@needs_fork
@pytest.mark.parametrize("change", ["add", "delete", "rename", "edit"])
def test_a_change_after_the_prescan_is_never_trusted_stale(
    store: Store, forking: None, change: str
) -> None:
    _fill(store)
    _summaries(store)
    scanning.prescan(store.root)
    early = scanning._early
    assert early is not None
    _child_done(early)  # every unit scanned before the change
    folder = store.root / "contacts" / "2022"
    if change == "add":
        _contact(store, "2022-04-01", "Neu", age=False)
    elif change == "delete":
        (folder / "2022-03-05-abcd.yaml").unlink()
    elif change == "rename":
        (folder / "2022-03-05-abcd.yaml").rename(folder / "2022-03-05-abcd-x.yaml")
    else:  # in place, as nano or VS Code write, a second later by the clock
        path = folder / "2022-03-05-abcd.yaml"
        before = path.stat().st_mtime_ns
        with open(path, "r+", encoding="utf-8") as handle:  # same size, same inode
            text = handle.read().replace("Telefonat", "Gespraech")
            handle.seek(0)
            handle.write(text)
        os.utime(path, ns=(before + 10**9, before + 10**9))
    seen = _summaries(store)
    by_child = {early.units[number][1] for number in early.by_child}
    if change != "edit":  # the folder changed: its unit was scanned again, now
        assert "contacts/2022" not in by_child
        assert seen == _summaries(store)
    else:  # seen as it was when the command started
        assert "contacts/2022" in by_child
        assert seen["2022-03-05-abcd"] == "Telefonat"
    # an edit in place is seen by the next command at the latest, and the index
    # never keeps the old content for the new file
    fresh = _summaries(store)
    expected = {
        "add": {"2022-04-01-abcd": "Neu"},
        "delete": {},
        "rename": {"2022-03-05-abcd": "Telefonat"},  # the id the renamed file holds
        "edit": {"2022-03-05-abcd": "Gespraech"},
    }[change]
    for key, summary in expected.items():
        assert fresh[key] == summary
    if change == "delete":
        assert "2022-03-05-abcd" not in fresh
        assert "2022-03-05-abcd" not in seen
    uncached = store.load(("organisation", "contact"), use_cache=False)
    assert fresh == {key: contact.summary for key, contact in uncached.contacts.items()}


def test_a_file_written_shortly_before_the_scan_started_is_not_trusted(store: Store) -> None:
    """The racy-timestamp rule takes the time the scan started, not the time of reading:
    a prescan's stat can be a good while older than the reading."""
    path = store.root / "organisations" / "verein.yaml"
    path.write_text(ORG.format(id="verein", name="Verein"), "utf-8")
    _age(path, 5.0)  # five seconds old now, but one second old when the scan started
    started = path.stat().st_mtime_ns + 10**9
    kind = index.KindIndex(store.root, "organisation")
    found = index.scan(store.root, "organisations")
    kind.refresh(
        {key: (scanning.digest(files), files) for key, files in found.items()},
        write=True,
        stat_ns=started,
    )
    [shard] = kind.shards.values()
    assert shard.load_fingerprints()  # as written: a shard written is held by its first part
    # not its fingerprint: a mark of its content, which the next command compares
    assert shard.fingerprints == {"verein.yaml": index.content_mark(path.read_bytes())}
    assert shard.digest != scanning.digest(found[("organisations", shard.key[1])])


@needs_fork
def test_a_prescan_of_another_store_is_not_taken(
    store: Store, tmp_path: Path, forking: None
) -> None:
    _fill(store)
    other = tmp_path / "other"
    for folder in ("organisations", "contacts/2023"):
        (other / folder).mkdir(parents=True)
    (other / "contacts" / "2023" / "2023-01-01-abcd.yaml").write_text("x: 1\n")
    scanning.prescan(other)
    early = scanning._early
    assert early is not None
    assert len(_summaries(store)) == 30
    assert scanning._early is None
    assert not early.by_child


@needs_fork
def test_a_prescan_older_than_a_few_seconds_is_not_taken(store: Store, forking: None) -> None:
    """A command that waited for its user (an editor) reads what is there now."""
    _fill(store)
    _summaries(store)
    scanning.prescan(store.root)
    early = scanning._early
    assert early is not None
    _child_done(early)
    path = store.root / "contacts" / "2021" / "2021-03-01-abcd.yaml"
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text("utf-8").replace("Telefonat", "Gespraech"), "utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # in place: the folder is unchanged
    early.started_ns -= int(scanning.PRESCAN_SECONDS * 1e9)
    assert _summaries(store)["2021-03-01-abcd"] == "Gespraech"
    assert not early.by_child


@needs_fork
def test_when_the_prescan_child_fails_the_parent_scans_everything(
    store: Store, forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    expected = _summaries(store)
    parent = os.getpid()
    original = scanning._scan

    def failing_in_the_child(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(3)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scanning, "_scan", failing_in_the_child)
    scanning.prescan(store.root)
    early = scanning._early
    assert early is not None
    _contact(store, "2023-05-01", "Danach")
    assert _summaries(store) == {**expected, "2023-05-01-abcd": "Danach"}
    assert not early.by_child


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["list"], "list"),
        (["--data", "x", "--lang", "de", "show", "a"], "show"),
        (["-dx", "--no-cache", "check"], "check"),
        (["--data=x", "init", "y"], "init"),
        (["--lang"], None),
        ([], None),
    ],
)
def test_the_command_is_found_before_typer_parses(args: list[str], command: str | None) -> None:
    assert command_name(args) == command


@needs_fork
def test_true_processes_give_the_same_output_with_and_without_the_prescan(
    store: Store, tmp_path: Path
) -> None:
    """Through ``main()`` itself, with the scan shared even on a small store; and with
    a prescan of the wrong store, which must change nothing."""
    _fill(store)
    other = tmp_path / "other"
    (other / "contacts" / "2024").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("MOKOORD_DATA", None)

    def run(prelude: str, *args: str, cwd: Path) -> str:
        script = (
            "import sys; from pathlib import Path; import mokoord.scanning as s; "
            f"s.FORK_THRESHOLD = 0; {prelude}; from mokoord.cli import main; main()"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    plain = subprocess.run(
        [sys.executable, "-m", "mokoord", "contacts", "--json"],
        cwd=store.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.returncode == 0, plain.stderr
    assert '"2023-03-10-abcd"' in plain.stdout
    for _ in range(2):  # the index built or brought up to date, then as it is
        assert run("pass", "contacts", "--json", cwd=store.root) == plain.stdout
    assert run("pass", "--data", str(store.root), "contacts", "--json", cwd=tmp_path) == (
        plain.stdout
    )
    wrong = f"s.prescan(Path({str(other)!r}))"
    assert run(wrong, "--data", str(store.root), "contacts", "--json", cwd=tmp_path) == (
        plain.stdout
    )


FIRST_READ_RUNS = {
    "list": [],
    "search": ["verein"],
    "contacts": ["--org", "{org}"],
    "referrals": ["--pending"],
    "agenda": [],
    "institutions": [],
    "events": ["--year", "2023"],
    "cooperations": ["--year", "2023"],
    "applications": ["--year", "2023"],
    "networks": [],
    "programmes": [],
    "rooms": [],
}


def _record_opened(monkeypatch: pytest.MonkeyPatch, *modules: object) -> list[list[str]]:
    """The kinds each ``open_kinds`` of the modules opens, in order."""
    opened: list[list[str]] = []
    original = index.open_kinds

    def recording(root: Path, kinds: list[str], **options: object):  # type: ignore[no-untyped-def]
        opened.append(list(kinds))
        return original(root, kinds, **options)  # type: ignore[arg-type]

    for module in modules:
        monkeypatch.setattr(module, "open_kinds", recording)
    return opened


def test_the_commands_read_first_what_their_prescan_stats(
    demo_cli: Cli, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command whose first read needs a folder its prescan left out would stat
    everything again (correct, but slow): each entry of FIRST_READ is held to what
    its command reads first."""
    from mokoord import checks
    from mokoord.cli import FIRST_READ
    from mokoord.cli._app import COMMANDS

    assert set(FIRST_READ) == set(FIRST_READ_RUNS)
    assert set(FIRST_READ) <= set(COMMANDS)
    opened = _record_opened(monkeypatch, index, checks)
    org = sorted(path.stem for path in (demo.root / "organisations").glob("*.yaml"))[0]
    for command, args in FIRST_READ_RUNS.items():
        opened.clear()
        result = demo_cli(command, *(arg.format(org=org) for arg in args))
        assert result.exit_code == 0, (command, result.output)
        assert opened, command
        assert {KINDS[kind].folder for kind in opened[0]} <= set(FIRST_READ[command]), command
        assert set(FIRST_READ[command]) <= set(scanning.FOLDERS)


def test_add_contact_given_ids_reads_no_kind_so_starts_no_scan(
    demo_cli: Cli, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contact logged with ids reads just the files it names: the scan a command
    starts at once (of every file of the store) would be wasted work beside git's."""
    from mokoord.cli import NO_RECORDS

    opened = _record_opened(monkeypatch, index)
    org = sorted(path.stem for path in (demo.root / "organisations").glob("*.yaml"))[0]
    result = demo_cli(
        "add-contact",
        *("--org", org, "--channel", "phone", "--summary", "Telefonat", "--no-commit"),
    )
    assert result.exit_code == 0, result.output
    assert opened == []
    assert "add-contact" in NO_RECORDS


@needs_fork
def test_a_child_left_behind_holds_none_of_the_parents_streams(store: Store) -> None:
    """A child still scanning when the command has finished must not keep its output
    open: ``mokoord list | less`` (or a script reading the output) ends with the command."""
    _fill(store)
    script = (
        "import os, sys, time; from pathlib import Path; import mokoord.scanning as s; "
        "s.FORK_THRESHOLD = 0; parent = os.getpid(); real = s._scan_unit\n"
        "def lingering(*args, **kwargs):\n"
        "    if os.getpid() != parent:\n"
        "        time.sleep(60)\n"
        "    return real(*args, **kwargs)\n"
        "s._scan_unit = lingering; s.prescan(Path(sys.argv[1])); "
        "assert s._early is not None; print(s._early.pid, flush=True); os._exit(0)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(store.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        out, err = process.communicate(timeout=30)  # the end of both streams
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("the scanning child kept the command's output open") from None
    assert process.returncode == 0, err
    child = int(out)
    try:
        os.kill(child, 0)  # it still lingers: the streams ended without it
    except ProcessLookupError:
        pytest.fail("the child had ended: the test proves nothing")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def test_the_command_line_finds_the_store_by_the_same_file_name_as_the_library() -> None:
    from mokoord.cli import _argv
    from mokoord.location import CONFIG_FILE

    assert _argv.CONFIG == CONFIG_FILE
