"""Plans: made without writing anything, applied in one commit, re-made when stale."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import git_log, git_status
from mokoord.checks import check_records
from mokoord.dataset import Dataset
from mokoord.edits import SetRequest, plan_set
from mokoord.errors import InvalidData, MokoordError, Problem, UsageError
from mokoord.models import Config, Organisation
from mokoord.plans import FileWrite, Plan, Write, apply
from mokoord.register import StatusRequest, plan_status
from mokoord.store import Change, Store

DAY = dt.date(2023, 3, 14)


def org(**changes: object) -> Organisation:
    data = {"id": "elternverein-biebrich", "name": "Elternverein Biebrich", "known_since": DAY}
    return Organisation.model_validate({**data, **changes})


def test_a_status_plan_is_made_from_the_record_alone() -> None:
    request = StatusRequest("elternverein-biebrich", "in dialogue", on=dt.date(2023, 4, 1))
    plan = plan_status(org(), request, Config())
    assert plan.errors == []
    [write] = plan.writes
    assert isinstance(write, Write)
    assert write.previous == org()
    assert plan.result.status == "in_dialogue"
    assert [(c.status, c.since) for c in plan.result.status_history] == [("known", DAY)]
    assert plan.action == "status elternverein-biebrich: known -> in_dialogue"


def test_a_status_plan_refuses_what_the_rules_forbid() -> None:
    with pytest.raises(UsageError, match="--reason"):
        plan_status(org(), StatusRequest("x", "declined", on=DAY), Config())
    with pytest.raises(UsageError, match="lies before"):
        plan_status(org(), StatusRequest("x", "contacted", on=dt.date(2020, 1, 1)), Config())


def _stored(store: Store) -> Organisation:
    record = org()
    with Change(store, "add-org elternverein-biebrich") as change:
        change.create(record)
    return record


def test_apply_writes_one_commit(store: Store) -> None:
    record = _stored(store)
    plan = plan_status(record, StatusRequest(record.id, "contacted", on=DAY), store.config)
    applied = apply(store, plan)
    assert applied.commit is not None
    assert store.get(Organisation, record.id).status == "contacted"
    assert git_log(store.root, "-1", "--format=%s").strip() == plan.action
    assert git_status(store.root) == ""


def test_a_stale_plan_is_made_again_under_the_lock(store: Store) -> None:
    record = _stored(store)
    request = StatusRequest(record.id, "contacted", on=dt.date(2023, 5, 1))
    stale = plan_status(record, request, store.config)
    # someone else changes the record between planning and applying
    with Change(store, "set") as change:
        change.save(org(notes="neu"), previous=record)

    def again() -> Plan:
        return plan_status(store.get(Organisation, record.id), request, store.config)

    apply(store, stale, replan=again)
    now = store.get(Organisation, record.id)
    assert (now.status, now.notes) == ("contacted", "neu")  # neither change is lost


def test_a_stale_plan_without_replan_is_refused(store: Store) -> None:
    record = _stored(store)
    stale = plan_status(record, StatusRequest(record.id, "contacted", on=DAY), store.config)
    with Change(store, "set") as change:
        change.save(org(notes="neu"), previous=record)
    before = git_log(store.root, "--format=%H")
    with pytest.raises(MokoordError, match="changed the same records meanwhile"):
        apply(store, stale)
    assert git_log(store.root, "--format=%H") == before
    assert store.get(Organisation, record.id).status == "known"


def test_a_new_id_taken_meanwhile_makes_the_plan_again(store: Store) -> None:
    _stored(store)
    first = Plan("add-org elternverein-biebrich", writes=[Write(org(name="Zweiter"))])
    second = Plan(
        "add-org elternverein-biebrich-2", writes=[Write(org(id="elternverein-biebrich-2"))]
    )
    apply(store, first, replan=lambda: second)
    assert store.exists("organisation", "elternverein-biebrich-2")


def test_a_plan_with_errors_writes_nothing(store: Store) -> None:
    problem = Problem("organisations/x.yaml", 1, 1, "error", "invalid-value", "kaputt")
    plan = Plan("add-org x", writes=[Write(org(id="x"))], problems=[problem])
    with pytest.raises(InvalidData) as raised:
        apply(store, plan)
    assert raised.value.problems == [problem]
    assert not store.exists("organisation", "x")


def test_a_file_write_checks_the_file_is_as_read(store: Store) -> None:
    path = store.root / "organisations" / "x.yaml"
    path.write_text("id: x\nname: X\n")
    plan = Plan("edit x", writes=[FileWrite(path, b"id: x\nname: Y\n", base=b"id: x\nname: X\n")])
    path.write_text("id: x\nname: Z\n")  # changed by hand meanwhile
    with pytest.raises(MokoordError):
        apply(store, plan, commit=False)
    assert path.read_text() == "id: x\nname: Z\n"


# --------------------------------------------------------------------------- the checks of `check`


def test_a_change_carries_the_errors_check_would_report_and_is_refused(store: Store) -> None:
    """A write runs ``mokoord check``'s checks over its records: an unknown network
    is an error of the plan, and applying it writes nothing."""
    record = _stored(store)
    data = Dataset(config=store.config, organisations={record.id: record})
    request = SetRequest(record.id, ("networks=kein-netz",))
    plan = plan_set(record, request, store.config, data=data)
    [error] = plan.errors
    assert (error.path, error.code) == (
        "organisations/elternverein-biebrich.yaml",
        "unknown-reference",
    )
    assert "no network with id 'kein-netz'" in error.message
    before = git_log(store.root, "--format=%H")
    with pytest.raises(InvalidData):
        apply(store, plan)
    assert store.get(Organisation, record.id).networks == []
    assert git_log(store.root, "--format=%H") == before
    assert git_status(store.root) == ""


def test_a_change_is_not_refused_for_an_old_mistake_of_its_file() -> None:
    """What the file held before is ``check``'s to report, not the change's."""
    old = org(networks=["kein-netz"])
    data = Dataset(config=Config(), organisations={old.id: old})
    plan = plan_status(old, StatusRequest(old.id, "contacted", on=DAY), Config(), data=data)
    assert plan.problems == []
    assert plan.result.status == "contacted"
    # the same change that adds a mistake of its own is refused for it
    request = SetRequest(old.id, ("networks+=kein-verband",))
    [error] = plan_set(old, request, Config(), data=data).errors
    assert "kein-verband" in error.message


def test_free_tags_are_no_problem_until_the_store_declares_tags() -> None:
    new = org(tags=["sommerfest"])
    data = Dataset(config=Config(), organisations={})
    assert check_records(data, [new], today=DAY) == []
    declared = Config.model_validate({"vocabularies": {"tags": {"fest": {"de": "Fest"}}}})
    [warning] = check_records(Dataset(config=declared), [new], today=DAY)
    assert (warning.severity, warning.code) == ("warning", "undeclared-term")
