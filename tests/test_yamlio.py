"""Round-trip writing: unchanged files keep their bytes, a change touches its lines only."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from mokoord.dataset import plain
from mokoord.models import Organisation
from mokoord.roundtrip import RoundTripDocument
from mokoord.store import Change, Store
from mokoord.yamlio import atomic_write, parse_document

HAND_WRITTEN = """\
# Elternverein Biebrich – entered by hand, keep the comments!
id: elternverein-biebrich
name: Elternverein Biebrich e.V.   # as in the register
status: contacted
status_since: 2022-05-01

# where they meet
address:
    street: Rathausstraße 12
    postal_code: '65203'
    city: Wiesbaden
district: biebrich
fields: [education, parents_family]
languages:
  - tr
  - ar
phone: '+49 611 123456'
goals: |
  Eltern stärken,
  Kinder begleiten.
needs:
  - category: rooms
    since: 2022-06-01   # asked at the summer festival
notes: Treffen jeden 1. Dienstag
"""

# Values YAML would read as something else if they were written plain.
MANGLED = [
    "01067",
    "+4961112345",
    "no",
    "No",
    "on",
    "off",
    "yes",
    "y",
    "n",
    "0x1F",
    "0o17",
    "1e3",
    "12:30",
    "190:20:30",
    "2023-03-14",
    "2023-03-14 10:00:00",
    "null",
    "Null",
    "~",
    "true",
    "False",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "0b101",
    "+1",
    "=",
    "<<",
    "",
    " leading",
    "trailing ",
    "a: b",
    "# not a comment",
    "- not a list",
    "*alias",
    "&anchor",
    "!tag",
    "%percent",
    "@at",
    "`tick",
    "'single'",
    '"double"',
    "[flow]",
    "{flow}",
    "line one\nline two",
    "ends with newline\n",
    "\tstarts with a tab",
    "next\x85line",
    "separator\u2028here",
    "Ümlaut ß ğ ş ı İ ж ع 中文 😀",
]

YAML11 = YAML(typ="safe", pure=True)
YAML11.version = (1, 1)  # behaves like PyYAML and other YAML 1.1 readers
YAML12 = YAML(typ="safe", pure=True)


def _write_and_read_back(value: str) -> tuple[str, object, object, object]:
    text = RoundTripDocument.new({"id": "x", "value": value}).dump()
    doc = parse_document("x.yaml", text.encode("utf-8"))
    assert doc.problems == [], (value, text, doc.problems)
    assert doc.data is not None
    return text, doc.data["value"], YAML11.load(text)["value"], YAML12.load(text)["value"]


@pytest.mark.parametrize("value", MANGLED, ids=repr)
def test_mangled_values_survive_every_reader(value: str) -> None:
    text, mokoord_value, yaml11_value, yaml12_value = _write_and_read_back(value)
    assert mokoord_value == value, text
    assert yaml11_value == value, text
    assert yaml12_value == value, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_text_survives_a_write(value: str) -> None:
    text, mokoord_value, yaml11_value, yaml12_value = _write_and_read_back(value)
    assert mokoord_value == value, text
    assert yaml11_value == value, text
    assert yaml12_value == value, text
    # and editing it in place keeps it exact too
    doc = RoundTripDocument(text)
    assert doc.dump() == text
    doc.apply({"id": "x", "value": value}, {"id": "x", "value": value + "!"})
    again = parse_document("x.yaml", doc.dump().encode("utf-8"))
    assert again.data == {"id": "x", "value": value + "!"}


def test_unquoted_postal_code_in_a_hand_edited_file_is_an_error() -> None:
    doc = parse_document("o.yaml", b"id: o\naddress:\n  postal_code: 01067\n")
    assert [(p.code, p.line, p.column) for p in doc.problems] == [("unquoted-number", 3, 16)]
    assert "'01067'" in doc.problems[0].message
    assert "quote" in doc.problems[0].message
    # never silently 1067
    assert doc.data is not None
    assert doc.data["address"]["postal_code"] != 1067


def test_numbers_dates_and_booleans_are_typed() -> None:
    doc = parse_document(
        "t.yaml", b"a: 12\nb: 12.50\nc: 2023-03-14\nd: true\ne: ~\nf: '12'\ng: -3\n"
    )
    assert doc.problems == []
    assert doc.data is not None
    from decimal import Decimal

    assert doc.data == {
        "a": 12,
        "b": Decimal("12.50"),
        "c": dt.date(2023, 3, 14),
        "d": True,
        "e": None,
        "f": "12",
        "g": -3,
    }


def test_positions_of_keys_and_values() -> None:
    doc = parse_document("o.yaml", HAND_WRITTEN.encode())
    assert doc.problems == []
    assert doc.values[("address", "postal_code")] == (10, 18)
    assert doc.keys[("address", "postal_code")] == (10, 5)
    assert doc.values[("languages", 1)] == (16, 5)
    assert doc.values[("needs", 0, "since")] == (23, 12)
    assert doc.position(("needs", 0, "nonexistent")) == (22, 5)


# ------------------------------------------------------------------ through the store


@pytest.fixture
def hand_written(store: Store) -> Path:
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=store.root, check=True)
    subprocess.run(["git", "commit", "-qm", "hand-written"], cwd=store.root, check=True)
    return path


def _numstat(root: Path) -> str:
    return subprocess.run(
        ["git", "diff", "--numstat"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_saving_unchanged_keeps_every_byte(store: Store, hand_written: Path) -> None:
    before = hand_written.read_bytes()
    org = store.get(Organisation, "elternverein-biebrich")
    _path, rendered = store.render(org, previous=org)
    assert rendered == before
    with Change(store, "noop") as change:
        change.save(org, previous=org)
    assert hand_written.read_bytes() == before
    assert change.commit_id is None  # nothing changed, nothing committed
    assert _numstat(store.root) == ""


@pytest.mark.parametrize(
    ("changes", "old_line", "new_line"),
    [
        ({"phone": "+49 611 999999"}, "phone: '+49 611 123456'", "phone: '+49 611 999999'"),
        ({"status": "in_dialogue"}, "status: contacted", "status: in_dialogue"),
        ({"district": "mitte"}, "district: biebrich", "district: mitte"),
        (
            {
                "address": {
                    "street": "Rathausstraße 12",
                    "postal_code": "01067",
                    "city": "Wiesbaden",
                }
            },
            "    postal_code: '65203'",
            "    postal_code: '01067'",
        ),
        (
            {"status_since": dt.date(2023, 1, 2)},
            "status_since: 2022-05-01",
            "status_since: 2023-01-02",
        ),
    ],
)
def test_changing_one_field_changes_exactly_one_line(
    store: Store,
    hand_written: Path,
    changes: dict[str, object],
    old_line: str,
    new_line: str,
) -> None:
    before = hand_written.read_text(encoding="utf-8")
    with Change(store, "edit elternverein-biebrich") as change:
        old = store.get(Organisation, "elternverein-biebrich")
        new = Organisation.model_validate({**plain(old), **changes})
        change.save(new, previous=old)
    after = hand_written.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [f"-{old_line}", f"+{new_line}"]
    # comments and key order stay
    assert "# Elternverein Biebrich – entered by hand, keep the comments!" in after
    assert "# as in the register" in after
    assert "# asked at the summer festival" in after
    assert [line.split(":")[0] for line in after.splitlines() if line[:1].isalpha()] == [
        line.split(":")[0] for line in before.splitlines() if line[:1].isalpha()
    ]
    # git agrees: one insertion, one deletion, in the commit
    stat = subprocess.run(
        ["git", "show", "--numstat", "--format=", "HEAD"],
        cwd=store.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert stat == ["1", "1", "organisations/elternverein-biebrich.yaml"]


def test_adding_and_removing_fields_touches_only_their_lines(
    store: Store, hand_written: Path
) -> None:
    before = hand_written.read_text(encoding="utf-8").splitlines()
    old = store.get(Organisation, "elternverein-biebrich")
    data = plain(old)
    del data["notes"]
    data["website"] = "https://elternverein.example.org"
    data["fields"] = ["education", "parents_family", "youth"]
    new = Organisation.model_validate(data)
    with Change(store, "edit") as change:
        change.save(new, previous=old)
    after = hand_written.read_text(encoding="utf-8").splitlines()
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert removed == ["fields: [education, parents_family]", "notes: Treffen jeden 1. Dienstag"]
    assert added == [
        "fields: [education, parents_family, youth]",
        "website: https://elternverein.example.org",
    ]
    assert store.get(Organisation, "elternverein-biebrich") == new


def test_multiline_text_keeps_its_block_when_unchanged(store: Store, hand_written: Path) -> None:
    old = store.get(Organisation, "elternverein-biebrich")
    new = Organisation.model_validate({**plain(old), "notes": "Neu"})
    _path, rendered = store.render(new, previous=old)
    text = rendered.decode()
    assert "goals: |\n  Eltern stärken,\n  Kinder begleiten.\n" in text
    assert "notes: Neu\n" in text


def test_new_file_reads_back_as_the_same_record(store: Store) -> None:
    org = Organisation.model_validate(
        {
            "id": "verein-01067",
            "name": "no",
            "phone": "+4961112345",
            "address": {"postal_code": "01067", "street": "yes", "city": "on"},
            "notes": "12:30\nnull",
            "aliases": ["0x1F", "1e3", "~"],
        }
    )
    with Change(store, "add") as change:
        path = change.create(org)
    assert store.get(Organisation, "verein-01067") == org
    loaded = YAML11.load(path.read_text(encoding="utf-8"))
    assert loaded["address"]["postal_code"] == "01067"
    assert loaded["phone"] == "+4961112345"
    assert loaded["name"] == "no"
    assert loaded["aliases"] == ["0x1F", "1e3", "~"]


# ------------------------------------------------------------------ atomic writes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"old\n")
    atomic_write(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_rename_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"original\n")

    def broken_replace(src: object, dst: object) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(type(failure)):
        atomic_write(path, b"half")
    assert path.read_bytes() == b"original\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError("no space left"), KeyboardInterrupt()])
def test_failed_write_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"original\n")

    def broken_fsync(fd: int) -> None:
        raise failure  # the bytes are in the temporary file, not yet on disk

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(type(failure)):
        atomic_write(path, b"new content that never lands")
    assert path.read_bytes() == b"original\n"
    assert _leftovers(tmp_path) == []


def test_interrupted_change_restores_the_file(
    store: Store, hand_written: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = hand_written.read_bytes()
    old = store.get(Organisation, "elternverein-biebrich")
    new = Organisation.model_validate({**plain(old), "name": "Neuer Name"})
    real_replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        real_replace(src, dst)
        raise KeyboardInterrupt  # Ctrl-C right after the file landed

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt), Change(store, "edit") as change:
        change.save(new, previous=old)
    monkeypatch.setattr(os, "replace", real_replace)
    assert hand_written.read_bytes() == before
    assert _leftovers(hand_written.parent) == []
    assert _numstat(store.root) == ""


def test_windows_line_endings_are_kept(store: Store) -> None:
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    path.write_bytes(HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes()
    old = store.get(Organisation, "elternverein-biebrich")
    assert store.render(old, previous=old)[1] == before
    new = Organisation.model_validate({**plain(old), "status": "in_dialogue"})
    _path, rendered = store.render(new, previous=old)
    assert rendered == before.replace(b"status: contacted\r\n", b"status: in_dialogue\r\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip()),
    notes=st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
)
def test_any_edit_of_a_hand_written_file_reads_back_and_keeps_the_rest(
    name: str, notes: str
) -> None:
    from mokoord.validation import validate_document

    original = HAND_WRITTEN
    doc = parse_document("o.yaml", original.encode())
    old, _ = validate_document(doc, Organisation)
    assert old is not None
    new = Organisation.model_validate({**plain(old), "name": name, "notes": notes})
    document = RoundTripDocument(original)
    document.apply(plain(old), plain(new))
    text = document.dump()
    again, problems = validate_document(parse_document("o.yaml", text.encode()), Organisation)
    assert problems == []
    assert again == new
    kept = [line for line in original.splitlines() if not line.startswith(("name:", "notes:"))]
    assert [line for line in kept if line not in text.splitlines()] == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(st.text(max_size=20), max_size=5),
    mapping=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=10), max_size=3),
)
def test_any_list_and_mapping_survive_a_write(items: list[str], mapping: dict[str, str]) -> None:
    text = RoundTripDocument.new({"id": "x", "items": items, "mapping": mapping}).dump()
    doc = parse_document("x.yaml", text.encode("utf-8"))
    assert doc.problems == [], text
    assert doc.data is not None
    assert doc.data["items"] == items, text
    assert (doc.data["mapping"] or {}) == mapping, text
    other = YAML11.load(text)
    assert other["items"] == items, text
    assert (other["mapping"] or {}) == mapping, text


def test_short_lists_of_words_stay_on_one_line() -> None:
    text = RoundTripDocument.new(
        {"fields": ["education", "youth"], "aliases": ["a: b", ":0"], "no": {"on": "x"}}
    ).dump()
    assert "fields: [education, youth]\n" in text
    assert "aliases:\n" in text  # items a flow list would mangle go one per line
    assert YAML11.load(text) == {
        "fields": ["education", "youth"],
        "aliases": ["a: b", ":0"],
        "no": {"on": "x"},
    }


def test_byte_order_mark_is_kept(store: Store) -> None:
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HAND_WRITTEN.encode("utf-8"))
    old = store.get(Organisation, "elternverein-biebrich")
    assert store.render(old, previous=old)[1] == path.read_bytes()
    new = Organisation.model_validate({**plain(old), "status": "known"})
    assert store.render(new, previous=old)[1].startswith(b"\xef\xbb\xbf# Elternverein")
