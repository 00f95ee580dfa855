"""The planners of events, attendance, cooperations, networks, programmes and
applications: made from records alone, without git and without the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mokoord import funding
from mokoord.activities import (
    AttendRequest,
    EventRequest,
    event_totals,
    is_held,
    plan_attendance,
    plan_event,
)
from mokoord.cooperation import CooperationRequest, NetworkRequest, plan_cooperation, plan_network
from mokoord.dataset import Dataset, kind_of
from mokoord.errors import UsageError
from mokoord.funding_plans import (
    ApplicationChange,
    ApplicationRequest,
    ProgrammeRequest,
    plan_application,
    plan_application_change,
    plan_programme,
)
from mokoord.models import Application, Config, Event, Institution, Organisation, Programme
from mokoord.money import MoneyError, parse_money
from mokoord.plans import Write
from mokoord.series import series_attendance

TODAY = dt.date(2024, 6, 1)


def org(org_id: str, **fields: object) -> Organisation:
    return Organisation.model_validate({"id": org_id, "name": org_id.title(), **fields})


COUNCIL = Programme.model_validate(
    {
        "id": "auslaenderbeirat",
        "name": "Förderung durch den Ausländerbeirat",
        "lines": [
            {
                "id": "institutional",
                "name": "Institutionelle Förderung",
                "kind": "institutional",
                "max_amount": 200,
                "per": "month",
                "max_amount_without_rooms": 100,
            },
            {"id": "project", "name": "Projektförderung", "max_amount": 2500},
        ],
    }
)


def dataset(*records: object) -> Dataset:
    by_kind: dict[str, dict[str, object]] = {}
    for record in records:
        folder = kind_of(record).folder  # type: ignore[arg-type]
        by_kind.setdefault(folder, {})[record.id] = record  # type: ignore[attr-defined]
    return Dataset(config=Config(), **by_kind)  # type: ignore[arg-type]


DATA = dataset(
    org("elternverein", legal_form="registered_association", rooms={"own": True}),
    org("initiative", legal_form="initiative"),
    org("abgelehnt", status="declined", status_reason="§ 2.4"),
    Institution.model_validate({"id": "kulturamt", "name": "Kulturamt"}),
    COUNCIL,
)


def event(day: dt.date, **fields: object) -> Event:
    data = {"id": f"{day.isoformat()}-treffen", "kind": "exchange", "title": "Treffen", "date": day}
    return Event.model_validate({**data, **fields})


# --------------------------------------------------------------------------- events


def test_an_event_by_german_labels_with_one_write() -> None:
    request = EventRequest(
        "Qualifizierung",
        "Vereinsrecht",
        dt.date(2024, 3, 14),
        today=TODAY,
        topics=("Vereinsrecht", "funding"),
        organisations=("elternverein", "elternverein"),
    )
    plan = plan_event(DATA, request, taken={"2024-03-14-vereinsrecht"})
    [write] = plan.writes
    assert isinstance(write, Write)
    assert write.previous is None
    new = plan.result
    assert (new.id, new.kind, new.topics) == (
        "2024-03-14-vereinsrecht-2",
        "training",
        ["association_law", "funding"],
    )
    assert [(a.organisation, a.planned) for a in new.attendance] == [("elternverein", False)]
    assert plan.action == "add-event 2024-03-14-vereinsrecht-2"
    assert (
        plan.summary
        == "event 2024-03-14-vereinsrecht-2 recorded in events/2024/2024-03-14-vereinsrecht-2.yaml"
    )


def test_an_event_after_today_is_planned_and_its_organisations_expected() -> None:
    request = EventRequest(
        "info", "Infoabend", dt.date(2024, 9, 1), today=TODAY, organisations=("initiative",)
    )
    plan = plan_event(DATA, request, taken=set())
    assert plan.result.attendance[0].planned is True
    assert plan.result.head_count == 0
    assert not is_held(plan.result, TODAY)
    assert "planned for 1 Sept 2024" in plan.summary


def test_an_event_warns_about_a_declined_organisation_and_refuses_nonsense() -> None:
    plan = plan_event(
        DATA,
        EventRequest("info", "X", TODAY, today=TODAY, organisations=("abgelehnt",)),
        taken=set(),
    )
    assert [p.code for p in plan.warnings] == ["declined-organisation"]
    with pytest.raises(UsageError, match="--until needs --time"):
        plan_event(
            DATA, EventRequest("info", "X", TODAY, today=TODAY, until=dt.time(20)), taken=set()
        )
    with pytest.raises(UsageError, match="either --place or --place-org"):
        plan_event(
            DATA,
            EventRequest("info", "X", TODAY, today=TODAY, place="Rathaus", place_org="initiative"),
            taken=set(),
        )
    with pytest.raises(UsageError, match="'party' is not a known kind of event"):
        plan_event(DATA, EventRequest("party", "X", TODAY, today=TODAY), taken=set())


def test_is_held_up_to_and_including_today() -> None:
    assert is_held(event(TODAY), TODAY)
    assert is_held(event(TODAY - dt.timedelta(days=1)), TODAY)
    assert not is_held(event(TODAY + dt.timedelta(days=1)), TODAY)
    totals = event_totals(
        [event(TODAY, participants=12), event(dt.date(2024, 7, 1), participants=40)], TODAY
    )
    assert (totals.held, totals.planned, totals.participants) == (1, 1, 12)


# --------------------------------------------------------------------------- attendance


def test_attending_a_future_event_is_refused_unless_planned() -> None:
    future = event(dt.date(2024, 9, 1))
    with pytest.raises(UsageError, match="has not been held yet") as raised:
        plan_attendance(future, DATA, AttendRequest(future.id, ("initiative",), today=TODAY))
    assert "--planned" in (raised.value.hint or "")
    plan = plan_attendance(
        future,
        DATA,
        AttendRequest(future.id, ("initiative",), today=TODAY, people=5, planned=True),
    )
    [entry] = plan.result.attendance
    assert (entry.organisation, entry.people, entry.planned) == ("initiative", 5, True)
    assert plan.result.head_count == 0  # expected, not counted
    assert "expected participation of initiative (5)" in plan.summary


def test_planned_is_refused_for_an_event_held() -> None:
    past = event(dt.date(2024, 3, 1))
    with pytest.raises(UsageError, match="--planned is for events still to come"):
        plan_attendance(
            past, DATA, AttendRequest(past.id, ("initiative",), today=TODAY, planned=True)
        )


def test_attending_after_the_event_confirms_the_expected_entry() -> None:
    day = dt.date(2024, 5, 20)
    expected = event(day, attendance=[{"organisation": "initiative", "people": 5, "planned": True}])
    plan = plan_attendance(expected, DATA, AttendRequest(expected.id, ("initiative",), today=TODAY))
    [entry] = plan.result.attendance
    assert (entry.people, entry.planned) == (5, False)
    assert plan.result.head_count == 5
    assert [p.code for p in plan.warnings] == ["expected-count-taken"]
    again = plan_attendance(
        plan.result, DATA, AttendRequest(expected.id, ("initiative",), today=TODAY, people=3)
    )
    assert [p.code for p in again.warnings] == ["head-count-replaced"]
    assert "5 → 3" in again.warnings[0].message
    same = plan_attendance(
        again.result, DATA, AttendRequest(expected.id, ("initiative",), today=TODAY, people=3)
    )
    assert same.empty
    assert same.summary.endswith("nothing to change")


def test_a_series_counts_only_held_sessions() -> None:
    held = event(
        dt.date(2024, 5, 1),
        series="Reihe",
        attendance=[{"organisation": "initiative", "people": 2}],
    )
    planned = Event.model_validate(
        {
            "id": "2024-09-01-treffen",
            "kind": "training",
            "title": "Teil 2",
            "date": dt.date(2024, 9, 1),
            "series": "Reihe",
            "attendance": [{"organisation": "elternverein", "people": 9, "planned": True}],
        }
    )
    result = series_attendance(dataset(held, planned), "reihe", today=TODAY)
    assert [o.id for o in result.organisations] == ["initiative"]
    assert result.participants == 2
    assert [s["held"] for s in result.as_json()["sessions"]] == [True, False]


# --------------------------------------------------------------------------- cooperations, networks


def test_a_cooperation_never_with_itself_nor_with_a_declined_organisation() -> None:
    plan = plan_cooperation(
        DATA, CooperationRequest("elternverein", "kulturamt", TODAY, "Sommerfest"), taken=set()
    )
    assert plan.result.id == "2024-elternverein-kulturamt"
    with pytest.raises(UsageError, match="cannot cooperate with itself"):
        plan_cooperation(
            DATA, CooperationRequest("elternverein", "elternverein", TODAY, "x"), taken=set()
        )
    with pytest.raises(UsageError, match="does not cooperate"):
        plan_cooperation(DATA, CooperationRequest("abgelehnt", "kulturamt", TODAY, "x"), set())


def test_a_network_by_labels_and_its_members_in_one_plan() -> None:
    request = NetworkRequest(
        "Netzwerk Mitte",
        kind="Dachverband",
        level="Land",
        rhythm="Vierteljährlich",
        members=("elternverein", "initiative"),
    )
    plan = plan_network(DATA, request, taken=set())
    network = plan.result
    assert (network.kind, network.level, network.meeting_rhythm) == (
        "umbrella",
        "state",
        "quarterly",
    )
    members = [w.record for w in plan.writes if isinstance(w, Write) and w.previous is not None]
    assert [m.networks for m in members] == [["netzwerk-mitte"], ["netzwerk-mitte"]]
    free = plan_network(DATA, NetworkRequest("Runde", rhythm="nach Absprache"), taken=set())
    assert free.result.meeting_rhythm == "nach Absprache"  # other words stay as written
    with pytest.raises(UsageError, match="'club' is not a known kind of network"):
        plan_network(DATA, NetworkRequest("X", kind="club"), taken=set())


# --------------------------------------------------------------------------- funding


def test_a_programme_by_labels() -> None:
    request = ProgrammeRequest(
        "Ausländerbeirat",
        line_kind="institutionelle Förderung",
        per="je Monat",
        max_amount=Decimal(200),
        eligible=("Eingetragener Verein (e.V.)",),
        deadlines=("30.11.2024 Anträge für 2025",),
    )
    plan = plan_programme(Config(), request, taken=set())
    [line] = plan.result.lines
    assert (line.id, line.kind, line.per, line.eligible_legal_forms) == (
        "institutional",
        "institutional",
        "month",
        ["registered_association"],
    )
    assert line.name == "Institutionelle Förderung"  # the store's language: German
    assert plan.result.deadlines[0].note == "Anträge für 2025"


def _apply(**fields: object) -> ApplicationRequest:
    values: dict[str, object] = {
        "organisation": "elternverein",
        "programme": "auslaenderbeirat",
        "year": 2024,
        "title": "Chor",
        "requested": Decimal(900),
        "today": TODAY,
        "line": "Projektförderung",
    }
    return ApplicationRequest(**{**values, **fields})  # type: ignore[arg-type]


def test_an_application_with_its_line_by_name() -> None:
    plan = plan_application(DATA, _apply(status="eingereicht"), taken=set())
    record = plan.result
    assert (record.line, record.status, record.submitted) == ("project", "submitted", TODAY)
    assert "limit: at most €2,500.00" in plan.summary


def test_a_decided_application_needs_its_decision_date() -> None:
    with pytest.raises(funding.DateNeeded) as raised:
        plan_application(DATA, _apply(status="bewilligt", granted=Decimal(800)), taken=set())
    assert (raised.value.field, raised.value.flag) == ("decided", "--decided")
    plan = plan_application(
        DATA,
        _apply(status="bewilligt", granted=Decimal(800), decided=dt.date(2024, 4, 1)),
        taken=set(),
    )
    assert plan.result.decided == dt.date(2024, 4, 1)


def test_today_is_no_submission_date_for_an_earlier_year() -> None:
    with pytest.raises(funding.DateNeeded, match="application for 2023") as raised:
        plan_application(DATA, _apply(year=2023, status="submitted"), taken=set())
    assert raised.value.flag == "--submitted"


def test_the_funding_rules_refuse_with_the_rule_named() -> None:
    with pytest.raises(funding.FundingRuleBroken) as raised:
        plan_application(DATA, _apply(requested=Decimal("2500.01")), taken=set())
    assert [v.rule for v in raised.value.violations] == ["funding-limit"]
    with pytest.raises(funding.FundingRuleBroken) as raised:
        plan_application(
            DATA,
            _apply(organisation="initiative", line="institutional", requested=Decimal(100)),
            taken=set(),
        )
    rules = {v.rule for v in raised.value.violations}
    assert rules == {"funding-eligibility"}


SUBMITTED = Application.model_validate(
    {
        "id": "2023-elternverein-chor",
        "organisation": "elternverein",
        "programme": "auslaenderbeirat",
        "line": "project",
        "year": 2023,
        "title": "Chor",
        "requested": 900,
        "status": "submitted",
        "submitted": dt.date(2023, 2, 1),
    }
)


def test_a_decision_is_never_dated_today_by_itself() -> None:
    data = dataset(*DATA.organisations.values(), COUNCIL, SUBMITTED)
    change = ApplicationChange(SUBMITTED.id, today=TODAY, status="refused")
    with pytest.raises(funding.DateNeeded, match="date of the decision is missing") as raised:
        plan_application_change(SUBMITTED, data, change)
    assert (raised.value.field, raised.value.flag) == ("on", "--date")
    dated = ApplicationChange(SUBMITTED.id, today=TODAY, status="abgelehnt", on=dt.date(2023, 5, 2))
    plan = plan_application_change(SUBMITTED, data, dated)
    assert (plan.result.status, plan.result.decided) == ("rejected", dt.date(2023, 5, 2))
    assert plan.action == "application 2023-elternverein-chor: submitted -> rejected"


def test_status_changes_follow_the_transitions() -> None:
    data = dataset(*DATA.organisations.values(), COUNCIL, SUBMITTED)
    with pytest.raises(UsageError, match="it can become"):
        plan_application_change(
            SUBMITTED,
            data,
            ApplicationChange(SUBMITTED.id, today=TODAY, status="Verwendungsnachweis"),
        )
    with pytest.raises(UsageError, match="--status granted needs the amount"):
        plan_application_change(
            SUBMITTED,
            data,
            ApplicationChange(SUBMITTED.id, today=TODAY, status="granted", on=TODAY),
        )
    unchanged = plan_application_change(
        SUBMITTED, data, ApplicationChange(SUBMITTED.id, today=TODAY, supported=False)
    )
    assert unchanged.empty


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "amount"),
    [("2.500", "2500"), ("2.500,50", "2500.50"), ("12.345", "12345"), ("2.5", "2.50")],
)
def test_german_amounts_group_thousands_with_a_dot(text: str, amount: str) -> None:
    assert parse_money(text, "de") == Decimal(amount)


@pytest.mark.parametrize(("text", "lang"), [("2.500", "en"), ("2,500", "de"), ("2,500", "en")])
def test_a_separator_before_three_digits_stays_ambiguous_otherwise(text: str, lang: str) -> None:
    with pytest.raises(MoneyError, match="ambiguous"):
        parse_money(text, lang)


def test_a_grant_beyond_the_annual_budget_is_planned_with_check_s_warning() -> None:
    """``mokoord check`` warns when the grants of a year exceed the programme's
    budget; so does the plan of the grant that exceeds it (it is not refused)."""
    programme = Programme.model_validate(
        {"id": "kultur", "name": "Kultur", "annual_budget": 6000, "lines": [
            {"id": "project", "name": "Projekt", "max_amount": 5000}]}
    )  # fmt: skip
    first = Application.model_validate(
        {"id": "2024-elternverein-a", "organisation": "elternverein", "programme": "kultur",
         "year": 2024, "title": "A", "requested": 4000, "granted": 4000, "status": "granted",
         "decided": TODAY}
    )  # fmt: skip
    data = dataset(*DATA.organisations.values(), programme, first)
    request = _apply(
        programme="kultur", line=None, requested=Decimal(4000), granted=Decimal(4000),
        status="granted", decided=TODAY,
    )  # fmt: skip
    plan = plan_application(data, request, taken=set())
    assert plan.errors == []
    [warning] = plan.warnings
    assert warning.code == "budget-exceeded"
    assert "more than its annual budget of €6,000.00" in warning.message
