"""A store's watcher (``mokoord.watcher``, asked through ``mokoord.watching``) answers
exactly what a fresh scan finds, after every kind of change, and a command that asks
it shows what a command reading every file shows."""

from __future__ import annotations

import errno
import marshal
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli, run_mokoord
from mokoord import scanning, watcher, watching
from mokoord.store import Store

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="watchers use Linux's inotify")

ORG = "id: {id}\nname: {name}\nstatus: known\n"
CONTACT = "id: {id}\ndate: {date}\norganisations: [verein-1]\nchannel: phone\nsummary: {summary}\n"


def _fresh(root: Path) -> dict[scanning.ShardKey, bytes]:
    """What a scan started now finds: each shard's digest."""
    found: dict[scanning.ShardKey, bytes] = {}
    for folder in scanning.FOLDERS:
        digests, _ = scanning.scan_digests(root, folder, recursive=True, folders={})
        found.update(digests)
    return found


def _fill(root: Path) -> None:
    for number in range(30):
        path = root / "organisations" / f"verein-{number}.yaml"
        path.write_text(ORG.format(id=f"verein-{number}", name=f"Verein {number}"), "utf-8")
    for year in (2022, 2023):
        folder = root / "contacts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for day in range(1, 21):
            date = f"{year}-03-{day:02d}"
            (folder / f"{date}-abcd.yaml").write_text(
                CONTACT.format(id=f"{date}-abcd", date=date, summary="Telefonat"), "utf-8"
            )


@pytest.fixture
def watched(store: Store) -> Iterator[watcher.Watcher]:
    _fill(store.root)
    found = watcher.Watcher(str(store.root))
    yield found
    found.notify.close()


def _change(root: Path, step: str, number: int) -> None:
    """One change of the kind ``step`` names, as users, editors and git make them."""
    orgs = root / "organisations"
    contacts = root / "contacts"
    names = sorted(p for p in orgs.glob("*.yaml") if p.is_file() and not p.is_symlink())
    some = names[number % len(names)] if names else None
    if step == "append" and some:
        with some.open("a", encoding="utf-8") as handle:
            handle.write(f"# {number}\n")
    elif step == "same size, old time" and some:
        st = some.stat()
        text = some.read_bytes()
        some.write_bytes(text[:-1] + (b"X" if text[-1:] != b"X" else b"Y"))
        os.utime(some, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif step == "touch" and some:
        os.utime(some, ns=(number, number * 1000))
    elif step == "add":
        (orgs / f"neu-{number}.yaml").write_text(ORG.format(id=f"neu-{number}", name="Neu"))
    elif step == "delete" and some:
        some.unlink()
    elif step == "rename in place" and some:
        some.rename(orgs / f"umbenannt-{number}.yaml")
    elif step == "replace by rename" and some:  # how editors and mokoord write
        temporary = orgs / f".tmp-{number}"
        temporary.write_text(ORG.format(id=some.stem, name=f"Ersetzt {number}"))
        temporary.replace(some)
    elif step == "move to contacts" and some:
        (contacts / "2023").mkdir(parents=True, exist_ok=True)
        some.rename(contacts / "2023" / some.name)
    elif step == "new year folder":
        folder = contacts / str(2030 + number % 5)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number}.yaml").write_text("id: x\n")
    elif step == "rename year folder":
        years = sorted(p for p in contacts.glob("20*") if p.is_dir()) if contacts.is_dir() else []
        if years and not (contacts / f"19{number % 100:02d}").exists():
            years[0].rename(contacts / f"19{number % 100:02d}")
    elif step == "remove year folder":
        years = sorted(p for p in contacts.glob("*") if p.is_dir()) if contacts.is_dir() else []
        if years:
            shutil.rmtree(years[-1])
    elif step == "remove kind folder":
        shutil.rmtree(root / "events", ignore_errors=True)
    elif step == "make kind folder":
        (root / "events").mkdir(exist_ok=True)
        (root / "events" / f"fest-{number}.yaml").write_text("id: fest\n")
    elif step == "other files":
        (orgs / f".hidden-{number}.yaml").write_text("x")
        (orgs / f"notes-{number}.txt").write_text("x")
        (orgs / f"alt-{number}.yml").write_text("id: alt\n")
    elif step == "folder named like a file":  # a scan lists neither it nor what it holds
        (orgs / f"ordner-{number}.yaml").mkdir(exist_ok=True)
        (orgs / f"ordner-{number}.yaml" / "drin.yaml").write_text("id: drin\n")
        (orgs / f"ordner-{number}.yml").mkdir(exist_ok=True)
        (orgs / f"ordner-{number}.yml" / "drin.yaml").write_text("id: drin\n")
    elif step == "symlink":
        link = orgs / f"link-{number}.yaml"
        if not os.path.lexists(link) and some:
            link.symlink_to(some)


STEPS = (
    "append",
    "same size, old time",
    "touch",
    "add",
    "delete",
    "rename in place",
    "replace by rename",
    "move to contacts",
    "new year folder",
    "rename year folder",
    "remove year folder",
    "remove kind folder",
    "make kind folder",
    "other files",
    "folder named like a file",
    "symlink",
)


@pytest.mark.parametrize("step", STEPS)
def test_after_each_kind_of_change_the_watcher_answers_what_a_scan_finds(
    watched: watcher.Watcher, store: Store, step: str
) -> None:
    assert watched.answer(scanning.FOLDERS) == _fresh(store.root)
    _change(store.root, step, 3)
    assert watched.answer(scanning.FOLDERS) == _fresh(store.root)
    _change(store.root, step, 4)  # twice: a change right after an answer
    assert watched.answer(scanning.FOLDERS) == _fresh(store.root)


def test_after_many_changes_in_any_order_the_watcher_answers_what_a_scan_finds(
    watched: watcher.Watcher, store: Store
) -> None:
    chance = random.Random(16)
    for number in range(150):
        for _ in range(chance.randint(1, 4)):  # several changes between two questions
            _change(store.root, chance.choice(STEPS), number)
        assert watched.answer(scanning.FOLDERS) == _fresh(store.root), number


def test_in_a_large_folder_only_the_shards_of_changed_names_are_listed_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large folder lists its other files in the same order after one is added,
    deleted or renamed: the watcher stats only the changed names' shards there, and
    still answers what a fresh scan finds."""
    orgs = store.root / "organisations"
    for number in range(700):
        (orgs / f"verein-mit-langem-namen-{number:04d}.yaml").write_text(f"id: v{number}\n")
    assert orgs.stat().st_size > scanning.SMALL_FOLDER
    watched = watcher.Watcher(str(store.root))
    whole: list[str] = []
    real = watcher.scan_digests

    def spy(root: object, folder: str, **options: object) -> object:
        whole.append(folder)
        return real(root, folder, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher, "scan_digests", spy)
    chance = random.Random(7)
    for number in range(60):
        _change(store.root, chance.choice(("add", "delete", "rename in place", "append")), number)
        assert watched.answer(scanning.FOLDERS) == _fresh(store.root), number
    assert whole == []
    watched.notify.close()


def test_a_question_names_the_folders_it_wants(watched: watcher.Watcher, store: Store) -> None:
    answer = watched.answer(("contacts",))
    assert answer
    assert {key[0].split("/")[0] for key in answer} == {"contacts"}
    assert answer == {k: v for k, v in _fresh(store.root).items() if k[0].startswith("contacts")}


def test_a_folder_it_does_not_watch_is_not_answered_for(watched: watcher.Watcher) -> None:
    """An answer without a folder's shards would say that folder is empty."""
    assert watched.answer(("organisations", "notizen")) is None
    assert watched.answer(("organisations",))


def test_a_folder_it_cannot_watch_ends_the_watcher(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of watches (the system's limit), the watcher must not answer for a folder
    whose changes it would not see: it stops, and commands scan."""
    _fill(store.root)
    real = watcher.INotify.add_watch

    def limited(self: watcher.INotify, path: str, mask: int) -> int:
        if path.endswith("2023"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(real(self, path, mask))

    monkeypatch.setattr(watcher.INotify, "add_watch", limited)
    with pytest.raises(OSError, match="No space"):
        watcher.Watcher(str(store.root))


def test_lost_events_make_the_watcher_scan_everything_again(
    watched: watcher.Watcher, store: Store
) -> None:
    _change(store.root, "append", 1)
    _change(store.root, "new year folder", 2)
    watched.notify.read(timeout=0)  # the events are lost, as when the queue overflows
    assert watched.answer(scanning.FOLDERS) != _fresh(store.root)
    watched.take([(-1, watcher.flags.Q_OVERFLOW, 0, "")])
    assert watched.answer(scanning.FOLDERS) == _fresh(store.root)


def test_the_watcher_ends_when_its_store_goes(watched: watcher.Watcher, store: Store) -> None:
    assert not watched.gone
    moved = store.root.with_name("anderswo")
    store.root.rename(moved)
    watched.drain()
    assert watched.gone


# ------------------------------------------------------------------ as a process


def _wait_for_answer(root: Path) -> dict[scanning.ShardKey, bytes]:
    for _ in range(500):
        answer = watching.ask(root, scanning.FOLDERS)
        if answer is not None:
            return answer
        time.sleep(0.02)
    raise AssertionError("no watcher answered")


@pytest.fixture
def running(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real watcher process for the store, asked by every scan (even of few files)."""
    monkeypatch.setenv("MOKOORD_WATCH", "1")
    monkeypatch.setattr(scanning, "ASK_WEIGHT", 0)
    _fill(store.root)
    if not watching.local(store.root):
        pytest.skip("the temporary folder is not on a local file system")
    assert watching.start(store.root)
    assert not watching.start(store.root)  # one is starting: no second one
    _wait_for_answer(store.root)
    yield store.root
    watching.stop(store.root)


def test_a_started_watcher_answers_and_stops_when_asked(running: Path) -> None:
    assert _wait_for_answer(running) == _fresh(running)
    (running / "organisations" / "verein-1.yaml").write_text(ORG.format(id="verein-1", name="B"))
    assert watching.ask(running, scanning.FOLDERS) == _fresh(running)
    pid = watching._started[-1]
    assert watching.stop(running)
    for _ in range(500):
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.01)
    else:
        raise AssertionError("the watcher did not end")
    assert watching.ask(running, scanning.FOLDERS) is None
    assert not watching.stop(running)


def test_a_watcher_ends_when_its_store_folder_is_deleted(running: Path) -> None:
    pid = watching._started[-1]
    shutil.rmtree(running)
    for _ in range(500):
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.01)
    raise AssertionError("the watcher outlived its store")


def test_commands_asking_the_watcher_see_every_change(running: Path) -> None:
    """What ``list`` and ``contacts`` show with the watcher asked is what they show
    reading every file, after hand edits within the same second, renames,
    deletions and a branch switch."""
    cli = Cli(running)
    subprocess.run(["git", "add", "-A"], cwd=running, check=True)
    subprocess.run(["git", "commit", "-qm", "Füllung"], cwd=running, check=True)
    scan = scanning.Scan(running, ["organisations"])
    assert scan.watched is not None  # asked,
    assert not scan.pid  # nothing forked

    def same() -> str:
        asked = cli("list", "--json")
        read = cli("--no-cache", "list", "--json")
        assert asked.exit_code == 0, asked.output
        assert asked.output == read.output
        contacts = cli("contacts", "--org", "verein-1", "--json")
        assert (
            contacts.output == cli("--no-cache", "contacts", "--org", "verein-1", "--json").output
        )
        return asked.output

    first = same()
    path = running / "organisations" / "verein-2.yaml"
    for name in ("Erster Name", "Zweiter Name", "Dritter Name"):  # within one second
        path.write_text(ORG.format(id="verein-2", name=name), "utf-8")
        assert name in same()
    (running / "organisations" / "verein-3.yaml").unlink()
    assert "verein-3" not in same()
    (running / "organisations" / "verein-4.yaml").rename(running / "organisations" / "v4.yaml")
    same()
    (running / "contacts" / "2023" / "2023-03-01-abcd.yaml").write_text(
        CONTACT.format(id="2023-03-01-abcd", date="2023-03-01", summary="Besuch")
    )
    same()
    subprocess.run(["git", "checkout", "-qb", "anderer-zweig"], cwd=running, check=True)
    subprocess.run(["git", "add", "-A"], cwd=running, check=True)
    subprocess.run(["git", "commit", "-qm", "Änderungen"], cwd=running, check=True)
    subprocess.run(["git", "checkout", "-q", "-"], cwd=running, check=True)
    assert same() == first


def test_a_command_starts_the_watcher_and_the_next_see_changes_through_it(store: Store) -> None:
    """True processes, as a user runs them: the first command starts the watcher
    (``MOKOORD_WATCH=always``: whatever the store's size), which answers; the next
    commands show every change."""
    _fill(store.root)
    always = {"MOKOORD_WATCH": "always"}
    if not watching.local(store.root):
        pytest.skip("the temporary folder is not on a local file system")
    try:
        first = run_mokoord("list", "--json", cwd=store.root, env=always)
        assert first.returncode == 0, first.stderr
        assert _wait_for_answer(store.root) == _fresh(store.root)
        path = store.root / "organisations" / "verein-5.yaml"
        path.write_text(ORG.format(id="verein-5", name="Umbenannter Verein"), "utf-8")
        (store.root / "organisations" / "verein-6.yaml").unlink()
        second = run_mokoord("list", "--json", cwd=store.root, env=always)
        assert "Umbenannter Verein" in second.stdout
        assert "verein-6" not in second.stdout
        assert second.stdout == run_mokoord("--no-cache", "list", "--json", cwd=store.root).stdout
        assert pgrep_watchers(store.root) == 1  # the second command started none
    finally:
        watching.stop(store.root)


def pgrep_watchers(root: Path) -> int:
    """How many watcher processes of the store run (by their command lines)."""
    wanted = ["-m", "mokoord.watcher", os.path.realpath(root)]
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if any(words[i : i + 3] == wanted for i in range(len(words))):
            count += 1
    return count


def test_no_watcher_is_asked_or_started_when_turned_off(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanning, "ASK_WEIGHT", 0)
    monkeypatch.setattr(watching, "START_WEIGHT", 0)
    _fill(store.root)
    monkeypatch.setattr(scanning, "_watchers_wanted", [])
    for value in ("0", "off", "nein"):
        monkeypatch.setenv("MOKOORD_WATCH", value)
        assert not watching.enabled()
        scan = scanning.Scan(store.root, list(scanning.FOLDERS))
        scan.abandon()
        assert scan.watched is None
        assert scanning._watchers_wanted == []  # none to start
    monkeypatch.setenv("MOKOORD_WATCH", "1")
    assert watching.enabled()
    scanning.Scan(store.root, list(scanning.FOLDERS)).abandon()
    assert scanning._watchers_wanted == [store.root]  # started when the command ends


def test_a_stranger_at_the_watchers_address_is_not_believed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever answers at the address must give digests keyed by shard; anything else
    (garbage, wrong types) counts as no answer, and the command scans itself."""
    answers = [b"\x00\x01garbage", marshal.dumps({("organisations", 1): "text"}), marshal.dumps([])]
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(watching.address(store.root))
        listener.listen(4)

        def serve() -> None:
            for answer in answers:
                connection, _ = listener.accept()
                with connection:
                    while connection.recv(65536):
                        pass
                    connection.sendall(answer)

        thread = threading.Thread(target=serve)
        thread.start()
        for _ in answers:
            assert watching.ask(store.root, scanning.FOLDERS) is None
        thread.join()


def test_changes_are_scanned_once_quiet_before_anyone_asks(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a write, the watcher scans the touched shards by itself once no event came
    for a moment, so the next command's question is answered at once; the answer is
    still what a fresh scan finds."""
    _fill(store.root)
    settled: list[tuple[int, int]] = []
    real = watcher.Watcher.settle

    def counting(self: watcher.Watcher) -> None:
        settled.append((len(self.shards), len(self.trees)))
        real(self)

    monkeypatch.setattr(watcher.Watcher, "settle", counting)
    claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    claim.bind(watching.address(store.root, claim=True))
    thread = threading.Thread(target=watcher.serve, args=(str(store.root), claim))
    thread.start()
    try:
        _wait_for_answer(store.root)
        before = len(settled)
        (store.root / "organisations" / "verein-3.yaml").write_text("id: verein-3\nname: X\n")
        for _ in range(200):
            if len(settled) > before:
                break
            time.sleep(0.01)
        assert len(settled) > before  # settled unasked,
        assert settled[before][0] >= 1  # the shard of the write marked
        assert watching.ask(store.root, scanning.FOLDERS) == _fresh(store.root)
    finally:
        watching.stop(store.root)
        thread.join(timeout=10)


def test_an_idle_watcher_ends(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watcher, "IDLE_SECONDS", 0.3)
    claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    claim.bind(watching.address(store.root, claim=True))
    thread = threading.Thread(target=watcher.serve, args=(str(store.root), claim))
    thread.start()
    assert _wait_for_answer(store.root) == _fresh(store.root)
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert watching.ask(store.root, scanning.FOLDERS) is None


def test_only_local_file_systems_are_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mountinfo"
    mounts.write_text(
        "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "40 22 0:50 / /mnt/amt rw - cifs //server/amt rw\n"
        "41 22 0:51 / /home/my\\040files rw - nfs4 server:/home rw\n"
        "42 22 0:52 / /media/stick rw shared:1 - vfat /dev/sdb1 rw\n"
        "43 40 0:53 / /mnt/amt/lokal rw - tmpfs tmpfs rw\n"
    )
    monkeypatch.setattr(watching, "MOUNTINFO", str(mounts))
    monkeypatch.setattr(os.path, "realpath", lambda path: str(path))
    assert watching.local("/home/office/store")
    assert not watching.local("/mnt/amt/store")
    assert watching.local("/mnt/amtx")  # a sibling's name is not inside /mnt/amt
    assert not watching.local("/home/my files/store")
    assert watching.local("/media/stick/store")
    assert watching.local("/mnt/amt/lokal/store")
    monkeypatch.setattr(watching, "MOUNTINFO", str(tmp_path / "missing"))
    assert not watching.local("/home/office/store")
