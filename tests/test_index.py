"""The index cache is never wrong: every way a file can change is seen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mokoord import index
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


def _names(store: Store, **kwargs: object) -> dict[str, str]:
    data = store.load(("organisation",), **kwargs)  # type: ignore[arg-type]
    return {key: org.name for key, org in data.organisations.items()}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which files the index had to parse."""
    seen: list[str] = []
    original = index.parse_file

    def counting(root: str, relative: str, kind: str):  # type: ignore[no-untyped-def]
        seen.append(relative)
        return original(root, relative, kind)

    monkeypatch.setattr(index, "parse_file", counting)
    return seen


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


def test_hand_edit_of_same_size_within_the_same_second_is_seen(store: Store) -> None:
    path = _org(store, "verein", "Verein A")
    assert _names(store) == {"verein": "Verein A"}
    stat = path.stat()
    path.write_text(ORG.format(id="verein", name="Verein B"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert _names(store) == {"verein": "Verein B"}


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
    cache = store.root / ".mokoord" / "index" / "organisation.marshal"
    assert cache.is_file()
    if garbage is None:
        import marshal

        cache.write_bytes(marshal.dumps((("old-version", "organisation"), {"x": 1})))
    else:
        cache.write_bytes(garbage)
    assert _names(store) == {"verein": "Verein"}
    # and it was rewritten into a usable index
    fresh = index.KindIndex(store.root, "organisation")
    fresh.read()
    assert set(fresh.entries) == {"organisations/verein.yaml"}


def test_no_cache_reads_every_file_and_leaves_the_index(store: Store, parses: list[str]) -> None:
    _age(_org(store, "verein", "Verein"))
    _names(store)
    cache = store.root / ".mokoord" / "index" / "organisation.marshal"
    before = cache.read_bytes()
    parses.clear()
    assert _names(store, use_cache=False) == {"verein": "Verein"}
    assert parses == ["organisations/verein.yaml"]
    assert cache.read_bytes() == before


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
    fresh = index.KindIndex(store.root, "organisation")
    fresh.read()
    assert len(fresh.entries) == 300
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
