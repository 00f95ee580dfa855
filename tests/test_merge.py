"""Records merged as records: the three-way merge of two versions of a record file,
and git running it as the merge driver of a store made by ``init``."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mokoord.dataset import KINDS
from mokoord.merge import MISSING, Entry, merge_data, merge_files, model_for_path, shape_of
from mokoord.models import Contact, Event, Organisation, Programme
from mokoord.store import Store
from mokoord.together import FOLDERS
from mokoord.yamlio import parse_document


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check)


BASE = """\
# Eingetragen nach dem Stadtteilfest
id: elternverein-biebrich
name: Elternverein Biebrich e.V.
status: contacted
status_since: 2023-02-01
status_history:
  - status: known
    since: 2022-05-01
district: biebrich
address:
  street: Rathausstraße 5   # Hinterhaus
  postal_code: '65203'
fields: [education, parents_family]
languages: [tr, de]
needs:
  - category: rooms
    since: 2023-02-03
    status: open
"""


def _data(text: str) -> dict[str, Any]:
    doc = parse_document("x.yaml", text.encode())
    assert doc.data is not None, doc.problems
    return doc.data


def _merge(base: str, ours: str, theirs: str) -> tuple[str, list[Any]]:
    result = merge_files(base.encode(), ours.encode(), theirs.encode(), Organisation, "x.yaml")
    assert result is not None
    return result.text.decode(), result.conflicts


# --------------------------------------------------------------------------- shapes from the models


def test_list_fields_merge_by_their_type_in_the_model() -> None:
    shapes = shape_of(Organisation)
    for name in ("fields", "languages", "origins", "networks", "tags", "aliases"):
        assert shapes[name].kind == "set", name
    assert shapes["status_history"].kind == "entries"
    assert shapes["status_history"].date_key == "since"
    assert shapes["needs"].kind == "entries"
    assert shapes["address"].kind == "mapping"
    assert shapes["website"].kind == "value"
    assert shape_of(Contact)["referrals"].kind == "entries"
    assert shape_of(Event)["attendance"].kind == "entries"
    assert shape_of(Programme)["deadlines"].date_key == "date"


def test_the_sync_summary_knows_every_kind_of_record() -> None:
    assert {kind.folder: kind.name for kind in KINDS.values()} == FOLDERS


def test_record_files_are_told_by_their_folder(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "mokoord.yaml").write_text("city: X\n", encoding="utf-8")
    assert model_for_path("store/organisations/x.yaml", tmp_path) is Organisation
    assert model_for_path("store/contacts/2023/2023-01-01-abcd.yaml", tmp_path) is Contact
    assert model_for_path("store/contacts/x.yaml", tmp_path) is None
    assert model_for_path("store/mokoord.yaml", tmp_path) is None
    assert model_for_path("store/templates/report.md.j2", tmp_path) is None
    assert model_for_path("elsewhere/organisations/x.yaml", tmp_path) is None


# --------------------------------------------------------------------------- the merge


def test_different_fields_merge_and_the_layout_stays() -> None:
    ours = BASE.replace(
        "  street: Rathausstraße 5   # Hinterhaus", "  street: Rathausstraße 7   # Hinterhaus"
    )
    theirs = BASE.replace(
        "languages: [tr, de]\n", "languages: [tr, de]\nwebsite: https://example.org\n"
    )
    text, conflicts = _merge(BASE, ours, theirs)
    assert conflicts == []
    assert text == ours.replace(
        "languages: [tr, de]\n", "languages: [tr, de]\nwebsite: https://example.org\n"
    )
    assert text.startswith("# Eingetragen nach dem Stadtteilfest\n")
    assert "# Hinterhaus" in text


def test_comments_added_on_either_side_stay() -> None:
    ours = BASE.replace("district: biebrich", "district: biebrich   # seit dem Umzug 2022").replace(
        "fields: [education, parents_family]", "fields: [education, parents_family, youth]"
    )
    theirs = "# Ansprechpartnerin wechselt 2024\n" + BASE.replace(
        "languages: [tr, de]", "languages: [tr, de, ar]"
    )
    text, conflicts = _merge(BASE, ours, theirs)
    assert conflicts == []
    assert text.startswith(
        "# Ansprechpartnerin wechselt 2024\n# Eingetragen nach dem Stadtteilfest\n"
    )
    assert "district: biebrich   # seit dem Umzug 2022\n" in text
    assert "fields: [education, parents_family, youth]\n" in text
    assert "languages: [tr, de, ar]\n" in text
    assert "  street: Rathausstraße 5   # Hinterhaus\n" in text


def test_sets_keep_what_either_side_added_and_drop_what_either_removed() -> None:
    base = {"id": "x", "name": "X", "fields": ["education", "sport"], "languages": ["tr"]}
    ours = {**base, "fields": ["education", "sport", "youth"], "languages": []}
    theirs = {**base, "fields": ["education", "culture"], "languages": ["tr", "ar"]}
    merged, conflicts = merge_data(base, ours, theirs, Organisation)
    assert conflicts == []
    assert merged["fields"] == ["education", "youth", "culture"]
    assert merged["languages"] == ["ar"]


def test_removing_a_list_and_adding_to_it_elsewhere_keeps_the_addition() -> None:
    base = {"id": "x", "name": "X", "tags": ["a"]}
    ours = {"id": "x", "name": "X"}
    theirs = {"id": "x", "name": "X", "tags": ["a", "b"]}
    merged, conflicts = merge_data(base, ours, theirs, Organisation)
    assert (merged.get("tags"), conflicts) == (["b"], [])


def test_needs_and_status_history_merge_entry_by_entry() -> None:
    base = _data(BASE)
    ours = _data(BASE)
    ours["needs"].append({"category": "funding", "since": dt.date(2023, 3, 1), "status": "open"})
    ours["status_history"].append({"status": "contacted", "since": dt.date(2023, 2, 1)})
    theirs = _data(BASE)
    theirs["needs"][0]["status"] = "met"
    theirs["needs"][0]["closed"] = dt.date(2023, 4, 1)
    theirs["needs"].append({"category": "training", "since": dt.date(2023, 1, 5)})
    theirs["status_history"].append({"status": "contacted", "since": dt.date(2023, 2, 1)})
    theirs["status_history"].insert(0, {"status": "known", "since": dt.date(2021, 1, 1)})
    merged, conflicts = merge_data(base, ours, theirs, Organisation)
    assert conflicts == []
    # both sides' new needs, none doubled, the closing from theirs; in date order as before
    assert merged["needs"] == [
        {"category": "training", "since": dt.date(2023, 1, 5)},
        {
            "category": "rooms",
            "since": dt.date(2023, 2, 3),
            "status": "met",
            "closed": dt.date(2023, 4, 1),
        },
        {"category": "funding", "since": dt.date(2023, 3, 1), "status": "open"},
    ]
    # added on both sides: once; kept in date order because it was
    assert merged["status_history"] == [
        {"status": "known", "since": dt.date(2021, 1, 1)},
        {"status": "known", "since": dt.date(2022, 5, 1)},
        {"status": "contacted", "since": dt.date(2023, 2, 1)},
    ]
    Organisation.model_validate(merged)


def test_the_same_field_changed_twice_is_a_conflict_keeping_ours() -> None:
    ours = BASE.replace("district: biebrich", "district: mitte")
    theirs = BASE.replace("district: biebrich", "district: schierstein").replace(
        "status: open", "status: in_progress"
    )
    text, conflicts = _merge(BASE, ours, theirs)
    assert [(c.field, c.base, c.ours, c.theirs) for c in conflicts] == [
        ("district", "biebrich", "mitte", "schierstein")
    ]
    data = _data(text)
    assert data["district"] == "mitte"
    assert data["needs"][0]["status"] == "in_progress"
    assert "<<<<<<<" not in text


def test_an_entry_changed_here_and_removed_there_is_a_conflict() -> None:
    base = _data(BASE)
    ours = _data(BASE)
    ours["needs"][0]["note"] = "Raum für die Hausaufgabenhilfe"
    theirs = _data(BASE)
    del theirs["needs"]
    merged, conflicts = merge_data(base, ours, theirs, Organisation)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.location[0] == "needs"
    assert isinstance(conflict.location[1], Entry)
    assert conflict.field == "needs[rooms, 2023-02-03]"
    assert conflict.theirs is MISSING
    assert merged["needs"] == ours["needs"]


def test_nested_mappings_merge_key_by_key() -> None:
    base = {"id": "x", "name": "X"}
    ours = {**base, "address": {"street": "A-Straße 1"}}
    theirs = {**base, "address": {"postal_code": "65203"}}
    merged, conflicts = merge_data(base, ours, theirs, Organisation)
    assert conflicts == []
    assert merged["address"] == {"street": "A-Straße 1", "postal_code": "65203"}


def test_a_file_that_is_not_a_record_is_left_to_git() -> None:
    broken = "id: x\nname: [unclosed\n"
    assert merge_files(BASE.encode(), broken.encode(), BASE.encode(), Organisation, "x") is None


# --------------------------------------------------------------------------- git runs the driver


def _two_branches(store: Store, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    """Commit BASE, change it on a side branch and on the main branch, merge the side branch."""
    root = store.root
    path = root / "organisations" / "elternverein-biebrich.yaml"
    path.write_text(BASE, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    main = _git(root, "symbolic-ref", "--short", "HEAD").stdout.strip()
    _git(root, "switch", "-qc", "side")
    path.write_text(theirs, encoding="utf-8")
    _git(root, "commit", "-qam", "theirs")
    _git(root, "switch", "-q", main)
    path.write_text(ours, encoding="utf-8")
    _git(root, "commit", "-qam", "ours")
    return _git(root, "merge", "--no-edit", "side", check=False)


def test_init_makes_git_merge_records_field_by_field(store: Store) -> None:
    ours = BASE.replace(
        "fields: [education, parents_family]", "fields: [education, parents_family, youth]"
    )
    theirs = BASE.replace("fields: [education, parents_family]", "fields: [education, culture]")
    merged = _two_branches(store, ours, theirs)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = (store.root / "organisations" / "elternverein-biebrich.yaml").read_text(encoding="utf-8")
    assert "fields: [education, youth, culture]\n" in text
    assert text.startswith("# Eingetragen nach dem Stadtteilfest\n")


def test_a_clash_leaves_a_valid_file_and_an_unfinished_merge(store: Store) -> None:
    merged = _two_branches(
        store,
        BASE.replace("district: biebrich", "district: mitte"),
        BASE.replace("district: biebrich", "district: schierstein"),
    )
    assert merged.returncode == 1
    path = store.root / "organisations" / "elternverein-biebrich.yaml"
    assert _data(path.read_text(encoding="utf-8"))["district"] == "mitte"
    assert _git(store.root, "ls-files", "-u").stdout.count("elternverein-biebrich") == 3


def test_an_unreadable_record_falls_back_to_git_line_merge(store: Store) -> None:
    merged = _two_branches(
        store,
        BASE.replace("district: biebrich", "district: [mitte"),
        BASE.replace("district: biebrich", "district: schierstein"),
    )
    assert merged.returncode == 1
    text = (store.root / "organisations" / "elternverein-biebrich.yaml").read_text(encoding="utf-8")
    assert "<<<<<<< ours" in text


@pytest.mark.parametrize("kind", ["mokoord.yaml", "templates/report.md.j2"])
def test_files_that_are_not_records_merge_by_lines(store: Store, kind: str) -> None:
    attributes = _git(store.root, "check-attr", "merge", "--", kind).stdout
    assert attributes.strip().endswith("merge: unspecified")
    record = _git(store.root, "check-attr", "merge", "--", "contacts/2023/x.yaml").stdout
    assert record.strip().endswith("merge: mokoord")
