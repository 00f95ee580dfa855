"""KEY=VALUE parsing and the field-by-field diff of the history (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from mokoord.edits import apply_assignments, parse_assignment
from mokoord.errors import UsageError
from mokoord.history import diff
from mokoord.models import Organisation

BASE = {
    "id": "verein",
    "name": "Verein",
    "fields": ["education"],
    "needs": [{"category": "rooms", "status": "open"}],
}


def apply(*texts: str) -> dict[str, object]:
    return apply_assignments(BASE, [parse_assignment(t) for t in texts], Organisation)


def test_parse_assignment_forms() -> None:
    assert parse_assignment("address.postal_code=65203").path == ("address", "postal_code")
    assert parse_assignment("fields+=youth").op == "+="
    assert parse_assignment("fields -= sport").op == "-="
    assert parse_assignment("needs.0.note='a = b'").path == ("needs", 0, "note")
    assert parse_assignment("needs.0.note='a = b'").raw == "a = b"
    with pytest.raises(UsageError):
        parse_assignment("no assignment")
    with pytest.raises(UsageError):
        parse_assignment("0.note=x")


def test_values_follow_the_field_type() -> None:
    today = dt.date.today().isoformat()
    result = apply("last_verified=heute", "known_since=14.03.2023", "languages=tr, ar")
    assert result["last_verified"] == today
    assert result["known_since"] == "2023-03-14"
    assert result["languages"] == ["tr", "ar"]
    assert apply("rooms.own=nein")["rooms"] == {"own": False}
    assert apply("needs.0.note=Raum ab März")["needs"] == [
        {"category": "rooms", "status": "open", "note": "Raum ab März"}
    ]
    assert "fields" not in apply("fields-=education")
    assert apply("fields+=youth,education")["fields"] == ["education", "youth"]
    assert "address" not in apply("address.city=Wiesbaden", "address.city=null")
    assert BASE["fields"] == ["education"]  # the input is not changed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nmae=x", "did you mean 'name'"),
        ("id=other", "id cannot be changed"),
        ("needs=x", "list of entries"),
        ("needs+=x", "cannot add or remove entries"),
        ("address=x", "has keys of its own"),
        ("needs.3.note=x", "no such entry"),
        ("name-=x", "lists only"),
        ("founded=", None),
    ],
)
def test_wrong_assignments_are_clear(text: str, message: str | None) -> None:
    if message is None:
        assert "founded" not in apply(text)
        return
    with pytest.raises(UsageError) as caught:
        apply(text)
    assert message in caught.value.message + (caught.value.hint or "")


def test_diff_names_fields_and_hides_personal_values() -> None:
    old = {"id": "v", "status": "known", "fields": ["education", "sport"], "notes": "alt"}
    new = {
        "id": "v",
        "status": "contacted",
        "fields": ["education", "youth"],
        "notes": "neu",
        "needs": [{"category": "rooms", "status": "open"}],
    }
    assert diff(old, new) == [
        "status: known → contacted",
        "fields: + youth, − sport",
        "notes changed",
        "needs[0] added (rooms)",
    ]
    person_old = {"id": "p-1", "name": "A", "phone": "0611 1"}
    person_new = {"id": "p-1", "name": "B", "email": "b@example.org"}
    assert diff(person_old, person_new, values=False) == [
        "name changed",
        "phone removed",
        "email added",
    ]
    assert diff(None, new) == ["created"]
    assert diff(old, None) == ["deleted"]
