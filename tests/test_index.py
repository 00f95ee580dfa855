"""The index cache is never wrong: every way a file can change is seen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli
from mokoord import index, scanning
from mokoord.checks import check_store
from mokoord.shards import digest
from mokoord.store import Store

ORG = """id: {id}
name: {name}
status: known
"""


def _org(store: Store, org_id: str, name: str) -> Path:
    path = store.root / "organisations" / f"{org_id}.yaml"
    path.write_text(ORG.format(id=org_id, name=name), encoding="utf-8")
    return path


def _age(path: Path, seconds: float = 10.0) -> None:
    """Make a file look written a while ago (so the index trusts it)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _shard_files(store: Store, kind: str = "organisation") -> dict[str, bytes]:
    folder = store.root / ".mokoord" / "index" / kind
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.idx"))}


def _indexed(store: Store, kind: str = "organisation") -> dict[str, str | None]:
    """file → id, as a freshly read index holds them."""
    fresh = index.KindIndex(store.root, kind)
    fresh.read()
    for shard in fresh.shards.values():
        assert shard.load_all()
    return {
        f"{key[0]}/{name}": facts[0]
        for key, shard in fresh.shards.items()
        for name, facts in (shard.files or {}).items()
    }


def _names(store: Store, **kwargs: object) -> dict[str, str]:
    data = store.load(("organisation",), **kwargs)  # type: ignore[arg-type]
    return {key: org.name for key, org in data.organisations.items()}


def test_only_changed_files_are_read_again(store: Store, parses: list[str]) -> None:
    for number in range(5):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    assert len(_names(store)) == 5
    assert len(parses) == 5
    parses.clear()
    assert len(_names(store)) == 5
    assert parses == []
    path = _org(store, "verein-3", "Verein Drei")
    _age(path, 5)
    assert _names(store)["verein-3"] == "Verein Drei"
    assert parses == ["organisations/verein-3.yaml"]


def test_a_fresh_file_trusted_later_rewrites_its_shard_decoding_no_record(
    store: Store, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written just now is kept with a mark of its content; once old enough, its
    shard is written again with its fingerprint, every other part copied (no record
    decoded, no file parsed), and is then taken over by its digest as any other."""
    from mokoord.shards import Shard

    for number in range(40):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    _names(store)
    path = _org(store, "verein-3", "Frisch geschrieben")  # too fresh to trust
    assert _names(store)["verein-3"] == "Frisch geschrieben"
    key = ("organisations", index.bucket_of("verein-3.yaml"))
    shard_path = index.KindIndex(store.root, "organisation").shard_path(key)

    def fingerprint() -> object:
        shard = Shard.read(shard_path, "organisation")
        assert shard is not None
        assert shard.load_fingerprints()
        assert shard.fingerprints is not None
        return shard.fingerprints["verein-3.yaml"], shard.digest, shard.memo_key

    marked, marked_digest, memo_key = fingerprint()
    assert type(marked) is bytes  # a mark of its content
    _age(path)
    parses.clear()
    decoded: list[object] = []
    real = Shard.load_all

    def loading(self: Shard) -> bool:
        decoded.append(self.key)
        return real(self)

    monkeypatch.setattr(Shard, "load_all", loading)
    assert _names(store)["verein-3"] == "Frisch geschrieben"
    assert parses == []
    assert decoded == []
    trusted, digest, kept_key = fingerprint()
    assert type(trusted) is tuple  # its fingerprint now
    assert digest != marked_digest
    assert kept_key == memo_key  # the same records: the figures kept stay valid
    files = scanning.scan(store.root, "organisations", recursive=False, bucket=key[1])[key]
    assert digest == scanning.digest(files)  # taken over whole by the next command
    before = _shard_files(store)
    assert _names(store) == _names(store, use_cache=False)
    assert _shard_files(store) == before


def test_hand_edit_of_same_size_within_the_same_second_is_seen(store: Store) -> None:
    path = _org(store, "verein", "Verein A")
    assert _names(store) == {"verein": "Verein A"}
    stat = path.stat()
    path.write_text(ORG.format(id="verein", name="Verein B"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert _names(store) == {"verein": "Verein B"}


def test_a_fresh_file_is_kept_by_its_content_and_read_again_only_when_it_changed(
    store: Store, parses: list[str]
) -> None:
    """A file too fresh to trust by its fingerprint is kept with a mark of its
    content: while it holds that content, the next command neither reads it again
    nor rewrites its shard; an edit of the same size in the same tick is seen."""
    path = _org(store, "verein", "Verein A")  # just written: too fresh to trust
    assert _names(store) == {"verein": "Verein A"}
    assert parses == ["organisations/verein.yaml"]
    shards = _shard_files(store)
    parses.clear()
    assert _names(store) == {"verein": "Verein A"}
    assert parses == []
    assert _shard_files(store) == shards
    before = path.stat()
    path.write_text(ORG.format(id="verein", name="Verein B"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same fingerprint
    assert path.stat().st_size == before.st_size
    assert _names(store) == {"verein": "Verein B"}
    assert parses == ["organisations/verein.yaml"]


def test_a_file_kept_by_its_content_gets_its_fingerprint_once_old_enough(
    store: Store, parses: list[str]
) -> None:
    """Once old enough, a file kept by a mark of its content gets its fingerprint
    (its shard written once, the file not parsed again): the shard is then taken
    over by its digest again, not looked at file by file."""
    first = _org(store, "alpha", "Alpha")
    assert _names(store) == {"alpha": "Alpha"}
    kind = index.KindIndex(store.root, "organisation")
    kind.read()
    [shard] = kind.shards.values()
    assert shard.load_fingerprints()
    assert shard.fingerprints is not None
    assert type(shard.fingerprints["alpha.yaml"]) is bytes
    _age(first)
    parses.clear()
    assert _names(store) == {"alpha": "Alpha"}
    assert parses == []
    kind.read()
    [shard] = kind.shards.values()
    assert shard.load_fingerprints()
    assert shard.fingerprints is not None
    stat = first.stat()
    assert shard.fingerprints["alpha.yaml"] == (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    [(_key, files)] = index.scan(store.root, "organisations").items()
    assert shard.digest == digest(files)
    shards = _shard_files(store)
    assert _names(store) == {"alpha": "Alpha"}
    assert parses == []
    assert _shard_files(store) == shards


def test_deleted_and_renamed_files(store: Store) -> None:
    for org_id in ("alpha", "beta"):
        _age(_org(store, org_id, org_id.title()))
    assert set(_names(store)) == {"alpha", "beta"}
    (store.root / "organisations" / "alpha.yaml").unlink()
    assert set(_names(store)) == {"beta"}
    beta = store.root / "organisations" / "beta.yaml"
    gamma = store.root / "organisations" / "gamma.yaml"
    beta.rename(gamma)
    gamma.write_text(ORG.format(id="gamma", name="Gamma"), encoding="utf-8")
    assert _names(store) == {"gamma": "Gamma"}


def test_git_checkout_is_seen(store: Store) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=store.root, check=True, capture_output=True)

    _org(store, "verein", "Erster Name")
    git("add", "-A")
    git("commit", "-qm", "first")
    _age(store.root / "organisations" / "verein.yaml")
    assert _names(store) == {"verein": "Erster Name"}
    _org(store, "verein", "Zweiter Name, länger")
    _org(store, "neu", "Neu")
    git("add", "-A")
    git("commit", "-qm", "second")
    assert _names(store) == {"verein": "Zweiter Name, länger", "neu": "Neu"}
    git("checkout", "-q", "HEAD~1")
    assert _names(store) == {"verein": "Erster Name"}


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00\x01garbage", b"not marshal at all" * 100, None],
    ids=["empty", "binary", "text", "foreign-version"],
)
def test_corrupt_or_foreign_index_is_rebuilt(store: Store, garbage: bytes | None) -> None:
    _age(_org(store, "verein", "Verein"))
    assert _names(store) == {"verein": "Verein"}
    [cache] = (store.root / ".mokoord" / "index" / "organisation").glob("*.idx")
    if garbage is None:
        raw = cache.read_bytes()
        cache.write_bytes(raw[:8] + raw[8:].replace(index.code_stamp().encode(), b"0" * 40))
    else:
        cache.write_bytes(garbage)
    assert _names(store) == {"verein": "Verein"}
    # and it was rewritten into a usable index
    assert _indexed(store) == {"organisations/verein.yaml": "verein"}


def test_no_cache_reads_every_file_and_leaves_the_index(store: Store, parses: list[str]) -> None:
    _age(_org(store, "verein", "Verein"))
    _names(store)
    before = _shard_files(store)
    assert before
    parses.clear()
    assert _names(store, use_cache=False) == {"verein": "Verein"}
    assert parses == ["organisations/verein.yaml"]
    assert _shard_files(store) == before


def test_invalid_files_keep_their_problems_in_the_index(store: Store) -> None:
    path = store.root / "organisations" / "kaputt.yaml"
    path.write_text("id: kaputt\nname: Kaputt\nstatus: unknown-status\n", encoding="utf-8")
    _age(path)
    for _ in range(2):  # built, then from the index
        data = store.load(("organisation",))
        assert data.organisations == {} or len(data.organisations) == 0
        [problem] = data.problems
        assert (problem.path, problem.line, problem.code) == (
            "organisations/kaputt.yaml",
            3,
            "invalid-value",
        )


def test_two_processes_at_once_leave_a_correct_index(store: Store) -> None:
    for number in range(300):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    script = (
        "import sys; from pathlib import Path; from mokoord.store import Store; "
        "d = Store(Path(sys.argv[1])).load(('organisation',)); print(len(d.organisations))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(store.root)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120)[0].strip() for proc in procs]
    assert outputs == ["300"] * 3
    assert len(_indexed(store)) == 300
    assert len(_names(store)) == 300


def test_lazy_records_select_by_date_without_validating_the_rest(store: Store) -> None:
    import datetime as dt

    org = _org(store, "verein", "Verein")
    _age(org)
    for year in (2022, 2023, 2024):
        folder = store.root / "contacts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{year}-05-02-abcd.yaml").write_text(
            f"id: {year}-05-02-abcd\ndate: {year}-05-02\norganisations: [verein]\n"
            "channel: phone\nsummary: Telefonat\n",
            encoding="utf-8",
        )
    data = store.load()
    selected = data.contacts_between(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert [c.id for c in selected] == ["2023-05-02-abcd"]
    assert selected[0].date == dt.date(2023, 5, 2)
    assert len(data.contacts) == 3
    assert data.contacts["2024-05-02-abcd"].date.year == 2024


def test_progress_bar_only_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from mokoord.cli import _common

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert _common.progress_bar() is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    started: list[int] = []

    class FakeProgress:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def start(self) -> None:
            started.append(1)

        def add_task(self, *args: object, **kwargs: object) -> int:
            return 1

        def update(self, *args: object, **kwargs: object) -> None:
            pass

        def stop(self) -> None:
            started.append(-1)

    monkeypatch.setattr("rich.progress.Progress", FakeProgress)
    quick = _common.progress_bar(delay=60.0)
    assert quick is not None
    quick(100, 1000)
    assert started == []  # reading that ends within the delay shows nothing
    slow = _common.progress_bar(delay=0.0)
    assert slow is not None
    slow(100, 1000)
    slow(1000, 1000)
    assert started == [1, -1]


def test_a_large_cold_load_reports_progress(store: Store) -> None:
    for number in range(450):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    calls: list[tuple[int, int]] = []
    store.load(("organisation",), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (450, 450)
    assert (200, 450) in calls


def test_a_changed_file_rewrites_only_its_shard(store: Store) -> None:
    for number in range(64):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    assert len(_names(store)) == 64
    before = _shard_files(store)
    assert len(before) == index.BUCKETS  # 64 names spread over every bucket
    _age(_org(store, "verein-7", "Verein Sieben"), 5)
    assert _names(store)["verein-7"] == "Verein Sieben"
    after = _shard_files(store)
    assert [name for name in before if before[name] != after[name]] == [
        f"{index.KindIndex(store.root, 'organisation').shard_path(('organisations', index.bucket_of('verein-7.yaml'))).name}"
    ]


def test_a_duplicate_id_in_two_shards_goes_to_the_first_file(store: Store) -> None:
    names = [f"kopie-{number}.yaml" for number in range(40)]
    first = names[0]
    second = next(n for n in names[1:] if index.bucket_of(n) != index.bucket_of(first))
    folder = store.root / "organisations"
    for name, title in ((first, "Erste Datei"), (second, "Zweite Datei")):
        (folder / name).write_text(ORG.format(id="verein", name=title), encoding="utf-8")
        _age(folder / name)
    for _ in range(2):  # built, then from the index
        data = store.load(("organisation",))
        assert data.organisations["verein"].name == "Erste Datei"
        assert data.sources[("organisation", "verein")] == f"organisations/{first}"


def test_a_duplicate_id_taken_up_later_is_seen_by_rows_and_records(store: Store) -> None:
    """Which file keeps an id held twice is kept beside the index (so that a listing
    need not decode every shard's ids): a second file appearing later, first by path,
    takes the id over in the records and in the facts rows alike."""
    names = [f"kopie-{number}.yaml" for number in range(40)]
    later = names[0]
    earlier = next(n for n in names[1:] if index.bucket_of(n) != index.bucket_of(later))
    earlier, later = sorted((earlier, later))
    folder = store.root / "organisations"
    (folder / later).write_text(ORG.format(id="verein", name="Spätere Datei"), encoding="utf-8")
    _age(folder / later)
    for _ in range(2):
        data = store.load(("organisation",))
        assert data.organisation_facts()["verein"].name == "Spätere Datei"
    (folder / earlier).write_text(ORG.format(id="verein", name="Frühere Datei"), encoding="utf-8")
    _age(folder / earlier)
    for _ in range(2):  # built, then from the index
        data = store.load(("organisation",))
        assert data.organisation_facts()["verein"].name == "Frühere Datei"
        assert data.organisations["verein"].name == "Frühere Datei"
        assert data.sources[("organisation", "verein")] == f"organisations/{earlier}"


@pytest.mark.parametrize("collide", [False, True])
def test_ids_held_twice_are_found_from_hashes_kept_per_shard(
    store: Store, monkeypatch: pytest.MonkeyPatch, collide: bool
) -> None:
    """Which ids are held by files in several shards is found from each shard's ids'
    hashes, kept per shard: the same as merging every shard's ids, after every
    change, also when unrelated ids share a hash (``collide``: every hash one of two)."""
    from mokoord import indexrows

    if collide:
        monkeypatch.setattr(indexrows, "_id_hash", lambda record_id: len(record_id) % 2)
    folder = store.root / "organisations"
    names = [f"verein-{number}.yaml" for number in range(48)]

    def write(name: str, org_id: str) -> None:
        (folder / name).write_text(ORG.format(id=org_id, name=name), encoding="utf-8")
        _age(folder / name)

    def contested_both_ways() -> dict[str, str]:
        opened = index.open_kinds(store.root, ["organisation"])["organisation"]
        keys = sorted(key for key in opened.shards if key[1] != index.OTHER)
        from_hashes = indexrows.KindIds(opened, keys).contested()
        merged = indexrows.KindIds(opened, keys)
        merged._merge()
        assert from_hashes == merged.contested()
        return from_hashes

    for name in names:
        write(name, name.removesuffix(".yaml"))
    assert contested_both_ways() == {}
    bucket = index.bucket_of
    others = [n for n in names if bucket(n) not in (bucket(names[0]), bucket(names[9]))]
    write(others[0], "verein-0")  # in another shard than verein-0.yaml
    write(others[1], "verein-0")
    write(others[2], "verein-9")
    first = {"verein-0": min(names[0], others[0], others[1]), "verein-9": min(names[9], others[2])}
    assert contested_both_ways() == {key: f"organisations/{name}" for key, name in first.items()}
    write(others[0], others[0].removesuffix(".yaml"))  # taken back
    write(others[1], others[1].removesuffix(".yaml"))
    assert set(contested_both_ways()) == {"verein-9"}
    (folder / others[2]).unlink()
    assert contested_both_ways() == {}


def test_the_second_file_of_an_id_in_one_shard_keeps_its_own_facts(
    store: Store, parses: list[str]
) -> None:
    """Two files of one shard hold one id: the first by name keeps it. When the shard is
    updated for another file and then the first is removed, the second holds the id
    with its own name, not the first one's (kept in the shard: no file is read again)."""
    names = [f"verein-{number}.yaml" for number in range(60)]
    first = names[0]
    second, other = [n for n in names[1:] if index.bucket_of(n) == index.bucket_of(first)][:2]
    folder = store.root / "organisations"
    for name, title in ((first, "Erste Datei"), (second, "Zweite Datei")):
        (folder / name).write_text(ORG.format(id="verein", name=title), encoding="utf-8")
        _age(folder / name)
    assert store.load(("organisation",)).organisations["verein"].name == "Erste Datei"
    _age(_org(store, other.removesuffix(".yaml"), "Dritter Verein"))  # the shard is updated
    assert store.load(("organisation",)).organisations["verein"].name == "Erste Datei"
    (folder / first).unlink()
    parses.clear()
    for _ in range(2):
        data = store.load(("organisation",))
        assert data.organisations["verein"].name == "Zweite Datei"
        assert data.organisation_facts()["verein"].name == "Zweite Datei"
    assert parses == []


def test_damaged_ids_in_the_first_part_are_never_taken_for_data(store: Store) -> None:
    """The ids of a shard are decoded only when asked for; a checksum read with the
    first part makes a shard whose ids were damaged unusable (read from the files)."""
    import marshal

    for number in range(20):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    _names(store)
    fresh = index.KindIndex(store.root, "organisation")
    fresh.read()
    damaged = 0
    for shard in fresh.shards.values():
        blob = marshal.dumps(shard.sources)
        raw = shard.path.read_bytes()
        assert raw.count(blob) == 1
        at = raw.index(blob) + len(blob) // 2
        shard.path.write_bytes(raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1 :])
        damaged += 1
    assert damaged
    assert _names(store) == {f"verein-{number}": f"Verein {number}" for number in range(20)}


def test_a_record_is_right_when_another_command_rewrote_the_index_meanwhile(
    store: Store,
) -> None:
    for number in range(20):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    _names(store)
    data = store.load(("organisation",))  # holds the first part of every shard
    _age(_org(store, "verein-3", "Verein Drei"), 5)
    assert _names(store)["verein-3"] == "Verein Drei"  # another command rewrote a shard
    # the shard's records now come from the file itself, never from a mixed index
    assert data.organisations["verein-3"].name == "Verein Drei"
    assert data.organisations["verein-4"].name == "Verein 4"


def test_a_removed_folder_takes_its_shards_along(store: Store) -> None:
    _age(_org(store, "verein", "Verein"))
    for year in (2022, 2023):
        folder = store.root / "contacts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{year}-05-02-abcd.yaml"
        path.write_text(
            f"id: {year}-05-02-abcd\ndate: {year}-05-02\norganisations: [verein]\n"
            "channel: phone\nsummary: Telefonat\n",
            encoding="utf-8",
        )
        _age(path)
    assert len(store.load(("contact",)).contacts) == 2
    assert len(_shard_files(store, "contact")) == 2
    import shutil

    shutil.rmtree(store.root / "contacts" / "2022")
    assert list(store.load(("contact",)).contacts) == ["2023-05-02-abcd"]
    assert len(_shard_files(store, "contact")) == 1


@pytest.mark.parametrize("year", ["2022", "2023"])
def test_the_report_from_the_index_equals_the_report_from_the_files(
    demo_cli: Cli, year: str
) -> None:
    """Facts rows in the index (contacts, organisations) give the very figures the models give."""
    args = ("report", "--year", year, "--format", "json", "--today", "2026-01-15")
    cold = demo_cli(*args)  # builds the index
    warm = demo_cli(*args)  # from the index: facts rows, no models
    files = demo_cli("--no-cache", *args)  # every file read, facts from the models
    assert cold.exit_code == warm.exit_code == files.exit_code == 0, files.output
    assert warm.stdout == files.stdout == cold.stdout
    assert '"total"' in warm.stdout


def _many_contacts(store: Store) -> None:
    for year in (2021, 2022, 2023):
        folder = store.root / "contacts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(30):
            (folder / f"{year}-01-{number + 1:02d}-abcd.yaml").write_text("x: 1\n")
    for number in range(30):
        _org(store, f"verein-{number}", f"Verein {number}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_a_scan_split_over_two_processes_sees_every_file(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_contacts(store)
    folders = ["contacts", "organisations"]
    alone: dict[object, object] = {}
    for folder in folders:
        alone.update(index.scan(store.root, folder))
    for folder in (*folders, *(f"contacts/{year}" for year in (2021, 2022, 2023))):
        _age(store.root / folder)  # one changed just before the scan is scanned again
    monkeypatch.setattr(scanning, "FORK_THRESHOLD", 0)
    split = index.Scan(store.root, folders)
    assert split.pid
    result = split.result()
    assert split.by_child  # the child's largest unit at least
    # every shard with the digest of its files; the files where this process scanned
    assert {key: found for key, (found, _files) in result.items()} == {
        key: digest(files) for key, files in alone.items()
    }
    assert any(files is None for _found, files in result.values())  # the child's part
    assert all(files == alone[key] for key, (_found, files) in result.items() if files)
    assert sum(len(files) for files in alone.values()) == 120


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_when_the_scanning_child_fails_the_parent_scans_its_part(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_contacts(store)
    alone = index.scan(store.root, "contacts")
    parent = os.getpid()
    original = scanning.scan

    def failing_in_the_child(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise RuntimeError("child broke")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scanning, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(scanning, "scan", failing_in_the_child)
    assert index.Scan(store.root, ["contacts"]).result() == {
        key: (digest(files), files) for key, files in alone.items()
    }


def test_a_deleted_file_leaves_its_shard_even_when_nothing_else_changed(store: Store) -> None:
    names = [f"verein-{number}" for number in range(40)]
    first = names[0]
    second = next(
        n for n in names[1:] if index.bucket_of(f"{n}.yaml") == index.bucket_of(f"{first}.yaml")
    )
    for org_id in (first, second):
        _age(_org(store, org_id, org_id))
    assert set(_names(store)) == {first, second}
    (store.root / "organisations" / f"{second}.yaml").unlink()
    for _ in range(2):  # seen, then from the rewritten shard
        assert set(_names(store)) == {first}
    assert _indexed(store) == {f"organisations/{first}.yaml": first}


def test_a_changed_shard_known_by_its_digest_only_is_listed_again(store: Store) -> None:
    """The scanning child sends digests only: a shard whose digest changed is listed again."""
    for number in range(30):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    assert len(_names(store)) == 30
    _age(_org(store, "verein-7", "Ganz Neuer Name"), 5)
    digests = {
        key: (digest(files), None) for key, files in index.scan(store.root, "organisations").items()
    }
    kind = index.KindIndex(store.root, "organisation")
    kind.read()
    kind.refresh(digests, write=True)
    [key] = [key for key, shard in kind.shards.items() if "verein-7" in shard.sources]
    assert kind.scanned[key]  # listed again: its digest differed
    assert len(kind.scanned) == 1  # the others were taken over by their digests
    assert _names(store)["verein-7"] == "Ganz Neuer Name"


def test_yml_files_are_indexed_for_check_but_not_loaded(store: Store) -> None:
    path = store.root / "organisations" / "anders.yml"
    path.write_text(ORG.format(id="anders", name="Anders"), encoding="utf-8")
    _age(path)
    _age(_org(store, "verein", "Verein"))
    for _ in range(2):  # built, then from the index
        assert _names(store) == {"verein": "Verein"}
        assert store.load(("organisation",)).problems == []
    assert "organisations/anders.yml" in _indexed(store)


def test_records_read_together_are_right_after_another_command_rewrote_the_index(
    store: Store,
) -> None:
    for number in range(40):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    _names(store)
    data = store.load(("organisation",))
    for number in range(0, 40, 3):
        _age(_org(store, f"verein-{number}", f"Neu {number}"), 5)
    _names(store)  # another command rewrote most shards
    names = {org.id: org.name for org in data.organisations.values()}
    assert names == {
        f"verein-{number}": (f"Neu {number}" if number % 3 == 0 else f"Verein {number}")
        for number in range(40)
    }


@pytest.mark.parametrize("part", ["rows", "check", "claims", "spans"])
def test_a_damaged_part_of_a_shard_is_read_from_the_files(store: Store, part: str) -> None:
    """Garbage in a later part of a shard file (a disk fault, a tampered index) is never
    taken for data: the shard's records are read from their files again."""
    from mokoord import shards

    for number in range(20):
        _age(_org(store, f"verein-{number}", f"Verein {number}"))
    _names(store)
    number = {"rows": shards.ROWS, "check": shards.CHECK, "claims": shards.CLAIMS}.get(
        part, shards.SPANS
    )
    for path in (store.root / ".mokoord" / "index" / "organisation").glob("*.idx"):
        raw = bytearray(path.read_bytes())
        lengths = [
            int.from_bytes(raw[16 + 8 * i : 24 + 8 * i], "little") for i in range(shards.PARTS)
        ]
        start = shards.HEADER + sum(lengths[: number - 1])
        for offset in range(start, start + lengths[number - 1]):
            raw[offset] = 0x5A  # 'Z'
        path.write_bytes(bytes(raw))
    data = store.load(("organisation",))
    assert {key: org.name for key, org in data.organisations.items()} == {
        f"verein-{number}": f"Verein {number}" for number in range(20)
    }
    assert len(data.organisation_facts()) == 20
    assert [p.code for p in check_store(store)] == []
