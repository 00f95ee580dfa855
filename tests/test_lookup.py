"""``lookup``: records by id from their own files, answering as ``Store.load`` would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mokoord.lookup import ById, lookup
from mokoord.models import Organisation
from mokoord.store import Store


@pytest.fixture
def orgs(store: Store, write: Callable[[str, str], Path]) -> ById[Organisation]:
    write("organisations/kulturverein.yaml", "id: kulturverein\nname: Kulturverein\n")
    write("organisations/sportverein.yaml", "id: sportverein\nname: Sportverein\n")
    write("organisations/kaputt.yaml", "id: kaputt\nstatus: nonsense\n")
    write("organisations/falsch.yaml", "id: anders\nname: Anders\n")
    data = lookup(store, ("organisation",))
    assert isinstance(data.organisations, ById)
    return data.organisations


def test_a_known_id_is_read_from_its_file(orgs: ById[Organisation]) -> None:
    assert "kulturverein" in orgs
    assert orgs["kulturverein"].name == "Kulturverein"
    assert not orgs.loaded


def test_answers_agree_with_a_full_load(store: Store, orgs: ById[Organisation]) -> None:
    full = store.load(("organisation",)).organisations
    for key in ("kulturverein", "kaputt", "falsch", "anders", "fehlt", "Kulturverein", "../x"):
        assert (key in orgs) == (key in full), key
    assert sorted(orgs) == sorted(full) == ["anders", "kulturverein", "sportverein"]
    assert len(orgs) == 3
    assert orgs.loaded


def test_an_unknown_id_loads_the_kind(orgs: ById[Organisation]) -> None:
    with pytest.raises(KeyError):
        orgs["fehlt"]
    assert orgs.loaded
    assert orgs.get("sportverein") is not None
    assert {org.name for org in orgs.values()} == {"Kulturverein", "Sportverein", "Anders"}


def test_configuration_is_the_stores(store: Store) -> None:
    assert lookup(store, ()).config == store.config
