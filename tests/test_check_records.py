"""``check_records``: what ``mokoord check`` will say about records before they are written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mokoord.checks import check_records, check_store
from mokoord.dataset import kind_of, plain
from mokoord.models import Application, Contact, Organisation, Record
from mokoord.store import Change, Store

TODAY = dt.date(2024, 6, 1)
ORG = "afghanische-frauengruppe-nour"


def _records() -> list[Record]:
    contact = Contact.model_validate(
        {
            "id": "2024-01-02-abcd",
            "date": "2024-01-02",
            "organisations": [ORG, "unbekannter-verein"],
            "persons": ["p-nobody"],
            "channel": "brieftaube",
            "topics": ["funding", "raumfahrt"],
            "summary": "Neu",
            "follow_up": {"date": "2024-01-03"},
            "referrals": [{"institution": "jobcenter"}, {"institution": "nirgends"}],
        }
    )
    planned = Contact.model_validate(
        {
            "id": "2031-01-01-wxyz",
            "date": "2031-01-01",
            "organisations": [ORG],
            "channel": "phone",
            "summary": "Zukunft, nicht geplant",
        }
    )
    application = Application.model_validate(
        {
            "id": "2024-antrag-zu-viel",
            "organisation": ORG,
            "programme": "integration-durch-kultur",
            "year": 2024,
            "title": "Zu viel",
            "requested": Decimal(60000),
            "granted": Decimal(60000),
            "status": "granted",
        }
    )
    org = Organisation.model_validate(
        {
            "id": "neuer-verein",
            "name": "Neuer Verein",
            "networks": ["kein-netz"],
            "languages": ["xx"],
            "known_since": "2030-01-01",
        }
    )
    return [contact, planned, application, org]


def test_the_problems_check_will_report_once_the_records_are_written(demo: Store) -> None:
    records = _records()
    data = demo.load()
    before = check_records(data, records, today=TODAY)
    assert {p.code for p in before} >= {
        "unknown-reference",
        "undeclared-term",
        "future-date",
        "follow-up-overdue",
        "referral-pending",
        "budget-exceeded",
        "unknown-language",
    }
    paths = {kind_of(record).relative_path(record) for record in records}
    assert {p.path for p in before} <= paths
    with Change(demo, "records", commit=False) as change:
        for record in records:
            change.create(record)
    after = [p for p in check_store(demo, today=TODAY) if p.path in paths]
    assert before == after


def test_a_record_replaces_the_one_with_its_id(demo: Store) -> None:
    data = demo.load(("organisation", "institution", "programme", "application"))
    granted = [
        app
        for app in data.applications.values()
        if app.programme == "integration-durch-kultur" and app.granted and app.year == 2023
    ]
    app = max(granted, key=lambda app: app.id)  # a budget's excess is told at the last
    assert check_records(data, [app], today=TODAY) == []
    bigger = Application.model_validate({**plain(app), "granted": Decimal(60000)})
    [problem] = check_records(data, [bigger], today=TODAY)
    assert problem.code == "budget-exceeded"
    assert problem.path == data.sources[("application", app.id)]
