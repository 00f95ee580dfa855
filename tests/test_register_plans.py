"""The register's planners and the status from the contact log, without git and
without the command line: records in memory, requests as a person types them."""

from __future__ import annotations

import datetime as dt

import pytest

from mokoord import i18n
from mokoord.dataset import Dataset
from mokoord.editing import keys_for_labels
from mokoord.edits import SetRequest, plan_set
from mokoord.errors import NotFound, UsageError
from mokoord.models import Config, Contact, Organisation
from mokoord.needs import CloseNeedRequest, NeedRequest, plan_add_need, plan_close_need
from mokoord.overview import summary
from mokoord.pipeline import effective_status, first_contacts
from mokoord.plans import Write
from mokoord.register import Filters, list_rows, search_rows
from mokoord.registering import (
    DUPLICATE,
    LOOKALIKE,
    AddOrganisation,
    AddPerson,
    needs_consent,
    plan_organisation,
    plan_person,
)
from mokoord.report.indicators import registry_at

DAY = dt.date(2023, 3, 14)
CONFIG = Config()


def org(org_id: str = "elternverein-biebrich", **changes: object) -> Organisation:
    data = {"id": org_id, "name": "Elternverein Biebrich e.V.", "known_since": DAY}
    return Organisation.model_validate({**data, **changes})


def contact(day: dt.date, *orgs: str, planned: bool = False) -> Contact:
    return Contact.model_validate(
        {
            "id": f"{day.isoformat()}-{''.join(orgs)}{'p' if planned else 'h'}",
            "date": day,
            "organisations": list(orgs),
            "channel": "phone",
            "summary": "Anruf",
            "planned": planned,
        }
    )


def dataset(*orgs: Organisation, contacts: tuple[Contact, ...] = ()) -> Dataset:
    return Dataset(
        config=CONFIG,
        organisations={o.id: o for o in orgs},
        contacts={c.id: c for c in contacts},
    )


# --------------------------------------------------------------------------- add-org


def test_add_org_takes_labels_names_and_the_legal_form_from_the_name() -> None:
    request = AddOrganisation(
        name="Ukrainischer Kulturverein e.V.",
        today=DAY,
        district="bieb",
        fields=("Bildung", "KULTUR", "youth"),
        languages=("Ukrainisch", "de"),
        origins=("Ukraine",),
        religion="Orthodoxes Christentum",
        status="im Gespräch",
        tags=("Sommerfest",),
    )
    plan = plan_organisation(dataset(), request, CONFIG)
    new = plan.result
    assert (new.id, new.district, new.fields) == (
        "ukrainischer-kulturverein",
        "biebrich",
        ["education", "culture", "youth"],
    )
    assert (new.languages, new.origins) == (["uk", "de"], ["UA"])
    assert (new.religion, new.status, new.legal_form) == (
        "christianity_orthodox",
        "in_dialogue",
        "registered_association",
    )
    assert new.tags == ["sommerfest"]  # no tags declared: any well-formed tag
    assert (new.known_since, new.status_since, new.last_verified) == (DAY, DAY, DAY)
    assert plan.writes == [Write(new)]
    assert plan.action == "add-org ukrainischer-kulturverein"
    assert plan.problems == []


def test_add_org_refuses_unknown_terms_naming_the_option_and_the_closest_label() -> None:
    with pytest.raises(UsageError) as caught:
        plan_organisation(dataset(), AddOrganisation("X", DAY, district="Bibrich"), CONFIG)
    assert "--district: 'Bibrich'" in caught.value.message
    assert "'Biebrich'" in caught.value.message
    assert "vocabularies.districts" in (caught.value.hint or "")
    with pytest.raises(UsageError, match="--id 'Verein X' is not a valid id"):
        plan_organisation(dataset(), AddOrganisation("X", DAY, org_id="Verein X"), CONFIG)
    with pytest.raises(UsageError, match="status_reason"):
        plan_organisation(dataset(), AddOrganisation("X", DAY, status="abgelehnt"), CONFIG)


def test_add_org_never_takes_an_id_in_use_even_by_a_broken_file() -> None:
    data = dataset(org())
    plan = plan_organisation(data, AddOrganisation("Elternverein Biebrich", DAY), CONFIG)
    assert plan.result.id == "elternverein-biebrich-2"
    taken = {"elternverein-biebrich-2"}  # a file that does not validate
    plan = plan_organisation(
        data, AddOrganisation("Elternverein Biebrich", DAY), CONFIG, taken=taken
    )
    assert plan.result.id == "elternverein-biebrich-3"


def test_add_org_warns_of_the_same_organisation_and_of_look_alikes() -> None:
    data = dataset(org(), contacts=(contact(DAY, "elternverein-biebrich"),))
    same = plan_organisation(data, AddOrganisation("Elternverein-Biebrich", DAY), CONFIG)
    [warning] = same.warnings
    assert warning.code == DUPLICATE
    assert needs_consent(same)
    # the status shown is the one from the contact log, by its label
    assert "elternverein-biebrich" in warning.message
    assert "contacted" in warning.message
    alike = plan_organisation(data, AddOrganisation("Elternverein Bierstadt e.V.", DAY), CONFIG)
    assert not needs_consent(alike)
    assert [w.code for w in alike.warnings] in ([], [LOOKALIKE])
    kurdish = dataset(org("kurdischer-frauenverein", name="Kurdischer Frauenverein Wiesbaden"))
    plan = plan_organisation(
        kurdish, AddOrganisation("Kurdischer Jugendverein Wiesbaden", DAY), CONFIG
    )
    assert [w.code for w in plan.warnings] == [LOOKALIKE]
    assert not needs_consent(plan)


# --------------------------------------------------------------------------- add-person


def test_add_person_stores_a_declared_role_by_its_key_and_free_text_as_written() -> None:
    data = dataset(org())
    request = AddPerson(
        "elternverein-biebrich",
        "Ayşe Beispiel",
        role="Vorsitz",
        languages=("Türkisch",),
        consent_date=DAY,
        consent_scopes=("Kontaktaufnahme", "newsletter"),
    )
    person = plan_person(data, request, CONFIG).result
    assert (person.role, person.languages) == ("chair", ["tr"])
    assert person.consent is not None
    assert person.consent.scope == ["contact", "newsletter"]
    assert person.id.startswith("p-")
    free = AddPerson("elternverein-biebrich", "Bora", role="Kulturbeauftragte", consent_date=DAY)
    assert plan_person(data, free, CONFIG).result.role == "Kulturbeauftragte"
    english = AddPerson("elternverein-biebrich", "Bora", role="treasurer", consent_date=DAY)
    assert plan_person(data, english, CONFIG).result.role == "treasurer"


def test_add_person_needs_the_consent_date_unless_another_legal_basis() -> None:
    data = dataset(org())
    with pytest.raises(UsageError, match="--consent-date"):
        plan_person(data, AddPerson("elternverein-biebrich", "Bora"), CONFIG)
    public = AddPerson("elternverein-biebrich", "Bora", legal_basis="öffentliche Aufgabe")
    assert plan_person(data, public, CONFIG).result.legal_basis == "public_task"
    with pytest.raises(NotFound, match="no organisation with id 'elternverein'"):
        plan_person(data, AddPerson("elternverein", "Bora", consent_date=DAY), CONFIG)


# --------------------------------------------------------------------------- set


def test_set_reads_values_in_the_users_own_words() -> None:
    old = org(fields=["culture"])
    request = SetRequest(
        old.id,
        (
            "district=Biebrich",
            "fields+=Bildung,Jugend",
            "fields-=Kultur",
            "languages+=Ukrainisch",
            "rooms.own=ja",
            "paid_staff=nein",
            "members.count=1.200",
            "last_verified=14.03.2023",
            "legal_form=Initiative",
        ),
    )
    plan = plan_set(old, request, CONFIG)
    new = plan.result
    assert (new.district, new.fields, new.languages) == ("biebrich", ["education", "youth"], ["uk"])
    assert new.rooms is not None
    assert (new.rooms.own, new.paid_staff) == (True, False)
    assert new.members is not None
    assert new.members.count == 1200
    assert (new.last_verified, new.legal_form) == (DAY, "initiative")
    assert plan.writes == [Write(new, previous=old)]
    assert plan.action.startswith(f"set {old.id}: district, fields, languages")


def test_set_names_the_key_and_the_closest_labels_of_an_unknown_term() -> None:
    with pytest.raises(UsageError) as caught:
        plan_set(org(), SetRequest("x", ("fields+=Kulture",)), CONFIG)
    assert caught.value.message.startswith("fields: 'Kulture'")
    assert "'Culture'" in caught.value.message
    with pytest.raises(UsageError, match="does not contain"):
        plan_set(org(), SetRequest("x", ("fields-=Sport",)), CONFIG)


def test_set_with_values_already_so_plans_nothing() -> None:
    old = org(district="biebrich")
    plan = plan_set(old, SetRequest(old.id, ("district=Biebrich",)), CONFIG)
    assert plan.empty
    assert "nothing to change" in plan.summary


def test_set_in_german_says_so_in_german() -> None:
    i18n.set_language("de")
    try:
        with pytest.raises(UsageError) as caught:
            plan_set(org(), SetRequest("x", ("district=Bibrich",)), CONFIG)
        assert caught.value.message.startswith("district: „Bibrich“ ist unbekannt")
        assert "Biebrich" in caught.value.message
        plan = plan_set(org(), SetRequest("x", ("district=Biebrich",)), CONFIG)
        assert plan.summary == "elternverein-biebrich geändert"
    finally:
        i18n.set_language("en")


def test_edit_saves_labels_names_dates_and_ja_as_the_file_holds_them() -> None:
    text = (
        "id: x  # Kennung\nname: Verein X\ndistrict: Biebrich\nfields: [Kultur, youth]\n"
        "languages:\n  - Ukrainisch\nrooms:\n  own: ja\nlast_verified: 14.03.2023\n"
        "notes: heute ja\ntags: [Sommer]\n"
    )
    assert keys_for_labels(text, CONFIG) == (
        "id: x  # Kennung\nname: Verein X\ndistrict: biebrich\nfields: [culture, youth]\n"
        "languages:\n  - uk\nrooms:\n  own: true\nlast_verified: 2023-03-14\n"
        "notes: heute ja\ntags: [sommer]\n"
    )
    unknown = "id: x\nname: X\ndistrict: Bibrich\n"
    assert keys_for_labels(unknown, CONFIG) == unknown  # left for the problems to name
    assert keys_for_labels("id: [x\n", CONFIG) == "id: [x\n"


# --------------------------------------------------------------------------- needs


def test_needs_are_opened_and_closed_by_label() -> None:
    old = org()
    opened = plan_add_need(old, NeedRequest(old.id, "Räume", since=DAY, note="für 20"), CONFIG)
    assert [(n.category, n.status, n.since) for n in opened.result.needs] == [
        ("rooms", "open", DAY)
    ]
    assert opened.action == "add-need elternverein-biebrich rooms"
    with pytest.raises(UsageError, match="open need 'Rooms' already"):
        plan_add_need(opened.result, NeedRequest(old.id, "rooms", since=DAY), CONFIG)
    on = dt.date(2023, 5, 1)
    closed = plan_close_need(
        opened.result, CloseNeedRequest(old.id, "räume", on=on, status="erfüllt"), CONFIG
    )
    [need] = closed.result.needs
    assert (need.status, need.closed) == ("met", on)
    assert closed.action == "close-need elternverein-biebrich rooms met"
    with pytest.raises(UsageError, match="--status must be"):
        plan_close_need(
            opened.result, CloseNeedRequest(old.id, "rooms", on=on, status="offen"), CONFIG
        )
    with pytest.raises(UsageError, match="no open need 'Funding'"):
        plan_close_need(opened.result, CloseNeedRequest(old.id, "funding", on=on), CONFIG)


# --------------------------------------------------------------------------- the status from the contact log


def test_a_known_organisation_with_a_held_contact_is_contacted_from_that_day() -> None:
    assert effective_status("known", None, DAY) == "known"
    assert effective_status("known", DAY, DAY) == "contacted"
    assert effective_status("known", DAY, DAY - dt.timedelta(days=1)) == "known"
    for status in ("in_dialogue", "inactive", "declined"):
        assert effective_status(status, DAY, DAY) == status


def test_first_contacts_count_held_contacts_only() -> None:
    later = DAY + dt.timedelta(days=10)
    data = dataset(
        org("a"),
        org("b"),
        contacts=(
            contact(later, "a", "b"),
            contact(DAY, "a"),
            contact(DAY - dt.timedelta(days=5), "b", planned=True),
        ),
    )
    assert first_contacts(data) == {"a": DAY, "b": later}


def test_list_search_show_and_report_agree_on_the_status_from_the_log() -> None:
    today = dt.date.today()
    since = dt.date(2023, 1, 1)
    data = dataset(
        org("a", name="Verein Alpha", known_since=since),
        org("b", name="Verein Beta", known_since=since),
        org("c", name="Verein Gamma", status="in_dialogue", known_since=since),
        contacts=(contact(DAY, "a"), contact(DAY, "c"), contact(DAY, "b", planned=True)),
    )
    rows = {row["id"]: row for row in list_rows(data, Filters(), today)}
    assert [(rows[k]["status"], rows[k]["effective_status"]) for k in "abc"] == [
        ("known", "contacted"),
        ("known", "known"),  # a planned contact is no contact held
        ("in_dialogue", "in_dialogue"),
    ]
    assert [r["id"] for r in list_rows(data, Filters(status="known"), today)] == ["b"]
    assert [r["id"] for r in list_rows(data, Filters(status="contacted"), today)] == ["a"]
    assert [(r["id"], r["effective_status"]) for r in search_rows(data, "alpha", today)] == [
        ("a", "contacted")
    ]
    assert summary(data, "a")["effective_status"] == "contacted"
    assert summary(data, "b")["effective_status"] == "known"
    assert registry_at(data, DAY) == {"a": "contacted", "b": "known", "c": "in_dialogue"}
    assert registry_at(data, DAY - dt.timedelta(days=1)) == {
        "a": "known",
        "b": "known",
        "c": "in_dialogue",
    }
