"""Planners of contacts, referrals, follow-ups and institutions: made from records
alone, without git and without the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from mokoord import i18n
from mokoord.agenda import agenda_rows, build_agenda
from mokoord.contacts import ContactRequest, ReferralRequest, plan_contact
from mokoord.dataset import Dataset
from mokoord.errors import NotFound, UsageError
from mokoord.institutions import InstitutionRequest, institution_rows, plan_institution
from mokoord.models import Config, Contact, Institution, Organisation, Person
from mokoord.plans import Write
from mokoord.referrals import (
    CloseReferralRequest,
    FollowUpDoneRequest,
    plan_close_referral,
    plan_follow_up_done,
)

TODAY = dt.date(2023, 4, 20)


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    try:
        yield
    finally:
        i18n.set_language("en")


def data(*contacts: Contact) -> Dataset:
    orgs = [
        Organisation(id="elternverein", name="Elternverein Biebrich", status="cooperating"),
        Organisation(id="kulturverein", name="Kulturverein Schierstein"),
        Organisation(
            id="verboten", name="Bund der Verbotenen", status="declined", status_reason="§2.4"
        ),
    ]
    persons = [
        Person(id="p-4k2m9x", name="Ayşe Demir", organisation="elternverein", role="chair"),
        Person(id="p-z9y8x7", name="Ayşe Kaya", organisation="kulturverein"),
    ]
    institutions = [
        Institution(id="kulturamt", name="Kulturamt", department="Amt 41"),
        Institution(id="vhs", name="Volkshochschule Wiesbaden", kind="education_provider"),
    ]
    return Dataset(
        config=Config(),
        organisations={o.id: o for o in orgs},
        persons={p.id: p for p in persons},
        institutions={i.id: i for i in institutions},
        contacts={c.id: c for c in contacts},
    )


def request(**changes: object) -> ContactRequest:
    base: dict[str, object] = {
        "organisations": ("elternverein",),
        "channel": "phone",
        "summary": "Raumbedarf besprochen",
        "date": dt.date(2023, 3, 14),
        "today": TODAY,
    }
    return ContactRequest(**{**base, **changes})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- add-contact


def test_a_contact_plan_holds_one_new_file_with_keys_for_labels() -> None:
    plan = plan_contact(
        data(),
        request(
            organisations=("Elternverein Biebrich", "kulturverein"),
            channel="Telefon",
            topics=("Räume", "förder", "rooms"),
            persons=("ayse demir",),
            initiated_by="Organisation",
            referrals=(ReferralRequest("Kulturamt", "Raum für das Sommerfest"),),
            follow_up=dt.date(2023, 4, 1),
        ),
    )
    [write] = plan.writes
    assert isinstance(write, Write)
    assert write.previous is None  # a new file: nothing else is touched
    contact = plan.result
    assert contact.id.startswith("2023-03-14-")
    assert contact.organisations == ["elternverein", "kulturverein"]
    assert contact.channel == "phone"
    assert contact.topics == ["rooms", "funding"]
    assert contact.persons == ["p-4k2m9x"]
    assert contact.initiated_by == "organisation"
    assert [(r.institution, r.reason) for r in contact.referrals] == [
        ("kulturamt", "Raum für das Sommerfest")
    ]
    assert plan.action == f"add-contact {contact.id} (elternverein, kulturverein)"
    assert plan.summary == (
        f"contact {contact.id} with Elternverein Biebrich, Kulturverein Schierstein, 1 referral"
    )
    # what `mokoord check` will say of the file: its follow-up is overdue already
    assert [(p.severity, p.code) for p in plan.problems] == [("warning", "follow-up-overdue")]


def test_a_contact_plan_takes_a_free_id_and_today_by_default() -> None:
    plan = plan_contact(data(), request(date=None))
    assert plan.result.date == TODAY
    first = plan.result.id

    class Taken:
        def __contains__(self, item: object) -> bool:
            return item == first

    again = plan_contact(data(), request(date=None), taken=Taken())
    assert again.result.id != first


def test_a_contact_plan_warns_about_a_declined_organisation_and_a_stranger(
    german: None,
) -> None:
    plan = plan_contact(
        data(), request(organisations=("verboten",), persons=("p-4k2m9x",), channel="Brief")
    )
    assert [p.code for p in plan.warnings] == ["declined-organisation", "person-elsewhere"]
    assert plan.warnings[0].message == (
        "verboten ist abgelehnt (§ 2.4); der Kontakt wird trotzdem erfasst"
    )
    assert plan.warnings[0].path.startswith("contacts/2023/2023-03-14-")
    assert plan.errors == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organisations": ()}, "missing --org"),
        ({"channel": " "}, "missing --channel"),
        ({"channel": "fone"}, "--channel: 'fone' is not a known channel"),
        ({"topics": ("garten",)}, "'garten' is not a known topic"),
        ({"initiated_by": "Amt"}, "--initiated-by: 'Amt' is not a known initiator"),
        ({"date": dt.date(2023, 5, 1)}, "lies in the future"),
        ({"planned": True}, "has passed"),
        ({"follow_up_action": "anrufen"}, "--follow-up-action needs --follow-up"),
        ({"follow_up": dt.date(2023, 3, 1)}, "lies before the contact"),
        ({"persons": ("Fatma",)}, "no person 'Fatma' at elternverein"),
    ],
)
def test_a_contact_plan_refuses_what_names_nothing_or_breaks_a_rule(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError if "person" not in message else NotFound) as raised:
        plan_contact(data(), request(**changes))
    assert message in raised.value.message


def test_an_unknown_organisation_names_the_closest_in_german(german: None) -> None:
    with pytest.raises(NotFound) as raised:
        plan_contact(data(), request(organisations=("elternverien",)))
    assert raised.value.message == (
        "Keine Organisation „elternverien“; am ähnlichsten: elternverein (Elternverein Biebrich)"
    )
    assert (
        raised.value.hint == "die vor dem Namen gezeigte Kennung angeben, z. B. --org elternverein"
    )


def test_a_planned_appointment_may_lie_in_the_future() -> None:
    plan = plan_contact(data(), request(date=dt.date(2023, 5, 2), planned=True))
    assert plan.result.planned is True


# --------------------------------------------------------------------------- close-referral


def logged() -> Contact:
    return Contact.model_validate(
        {
            "id": "2023-03-14-bbbb",
            "date": dt.date(2023, 3, 14),
            "organisations": ["elternverein"],
            "channel": "meeting",
            "summary": "Raumsuche",
            "referrals": [
                {"institution": "kulturamt", "reason": "Sommerfest"},
                {"institution": "vhs"},
            ],
            "follow_up": {"date": dt.date(2023, 4, 1), "action": "nachfragen"},
        }
    )


def test_closing_a_referral_by_its_german_label(german: None) -> None:
    contact = logged()
    plan = plan_close_referral(
        contact,
        CloseReferralRequest(
            contact.id, "wahrgenommen", "kulturamt", dt.date(2023, 4, 2), "zugesagt", today=TODAY
        ),
        Config(),
    )
    [write] = plan.writes
    assert isinstance(write, Write)
    assert write.previous == contact
    first = plan.result.referrals[0]
    assert (first.outcome, first.outcome_date, first.note) == (
        "taken_up",
        dt.date(2023, 4, 2),
        "zugesagt",
    )
    assert plan.result.referrals[1].outcome == "pending"
    assert plan.action == "close-referral 2023-03-14-bbbb (kulturamt): taken_up"
    assert plan.summary == "Verweisung aus 2023-03-14-bbbb an kulturamt: wahrgenommen"


@pytest.mark.parametrize(
    ("outcome", "institution", "on", "message"),
    [
        ("not taken up", None, None, "2 pending referrals (kulturamt, vhs)"),
        ("pending", "kulturamt", None, "a referral is closed as 'taken up' or 'not taken up'"),
        ("vielleicht", "kulturamt", None, "--outcome: 'vielleicht' is not a known outcome"),
        ("taken_up", "jobcenter", None, "no referral to 'jobcenter'"),
        ("taken_up", "vhs", dt.date(2023, 3, 1), "lies before the contact"),
        ("taken_up", "vhs", dt.date(2023, 5, 1), "lies in the future"),
    ],
)
def test_closing_a_referral_refuses(
    outcome: str, institution: str | None, on: dt.date | None, message: str
) -> None:
    contact = logged()
    wanted = CloseReferralRequest(contact.id, outcome, institution, on, today=TODAY)
    with pytest.raises(UsageError) as raised:
        plan_close_referral(contact, wanted, Config())
    assert message in raised.value.message


def test_a_closed_referral_is_not_closed_again(german: None) -> None:
    contact = logged()
    closed = plan_close_referral(
        contact,
        CloseReferralRequest(contact.id, "nicht wahrgenommen", "vhs", today=TODAY),
        Config(),
    ).result
    with pytest.raises(UsageError) as raised:
        plan_close_referral(
            closed, CloseReferralRequest(contact.id, "taken_up", "vhs", today=TODAY), Config()
        )
    assert raised.value.message == (
        "Die Verweisung aus 2023-03-14-bbbb an vhs ist schon abgeschlossen "
        "(nicht wahrgenommen, 20.04.2023)"
    )


# --------------------------------------------------------------------------- follow-up-done


def test_a_follow_up_is_done_once() -> None:
    contact = logged()
    plan = plan_follow_up_done(contact, FollowUpDoneRequest(contact.id, today=TODAY))
    assert plan.result.follow_up.done == TODAY
    assert plan.action == "follow-up-done 2023-03-14-bbbb"
    with pytest.raises(UsageError, match="done already"):
        plan_follow_up_done(plan.result, FollowUpDoneRequest(contact.id, today=TODAY))


# --------------------------------------------------------------------------- institutions


def test_an_institution_plan_resolves_labels_and_warns_about_a_similar_name(
    german: None,
) -> None:
    plan = plan_institution(
        data(),
        InstitutionRequest("Volkshochschule  Wiesbaden", id="vhs-2", kind="Bildungsträger"),
    )
    assert plan.result.kind == "education_provider"
    assert plan.result.name == "Volkshochschule  Wiesbaden"
    assert [p.message for p in plan.warnings] == [
        "Eine ähnliche Einrichtung gibt es schon: vhs (Volkshochschule Wiesbaden)"
    ]
    assert plan.action == "add-institution vhs-2"
    with pytest.raises(UsageError, match="gibt es schon"):
        plan_institution(data(), InstitutionRequest("Kulturamt"))
    with pytest.raises(UsageError, match="keine gültige Kennung"):
        plan_institution(data(), InstitutionRequest("X", id="Bad Id"))


def test_institution_rows_count_referrals_once() -> None:
    rows = {row["id"]: row for row in institution_rows(data(logged()))}
    assert (rows["kulturamt"]["referrals"], rows["kulturamt"]["pending"]) == (1, 1)
    assert (rows["vhs"]["referrals"], rows["vhs"]["pending"]) == (1, 1)


# --------------------------------------------------------------------------- agenda


def test_agenda_rows_name_organisations_and_institutions() -> None:
    agenda = build_agenda(data(logged()), today=dt.date(2023, 7, 1), days=7)
    rows = agenda_rows(agenda, data(logged()))
    assert [(r["section"], r["days"], r["state"]) for r in rows] == [
        ("follow_up", -91, "long_overdue"),
        ("referral", 109, None),
        ("referral", 109, None),
    ]
    assert rows[0]["organisations"] == ["Elternverein Biebrich"]
    assert rows[0]["task"] == "nachfragen"
    assert [r["institution"] for r in rows[1:]] == ["Kulturamt", "Volkshochschule Wiesbaden"]
    assert rows[0]["date"] == "2023-04-01"


def test_a_contact_plan_warns_of_a_referral_check_would_call_pending() -> None:
    plan = plan_contact(
        data(),
        request(date=dt.date(2023, 1, 9), referrals=(ReferralRequest("Kulturamt", "Raum"),)),
    )
    assert plan.errors == []
    [warning] = plan.warnings
    assert warning.code == "referral-pending"
    assert "referral to kulturamt pending for 101 days" in warning.message
