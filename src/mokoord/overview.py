"""Everything about one organisation, as plain data: what ``show`` prints and
``show --json`` gives (keys in docs/register.md, schema in
``mokoord/schemas/show.schema.json``).

It brings together the register (:mod:`mokoord.register`), the contact log, the
events (:func:`mokoord.activities.events_of`), cooperations and applications.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mokoord.activities import events_of
from mokoord.dataset import Dataset, plain
from mokoord.facts import mentioning
from mokoord.pipeline import effective_status
from mokoord.register import get_org, is_stale, persons_of


def summary(data: Dataset, org_id: str, today: dt.date | None = None) -> dict[str, Any]:
    """Everything about one organisation, as plain data (``show --json``).

    Keys: ``organisation`` (the record as in its file), ``file``,
    ``persons``, ``open_needs``, ``stale``, ``contacts`` (``count``,
    ``planned``, ``first``, ``last``, ``recent``), ``referrals``, ``events``
    (:func:`mokoord.activities.events_of`: an event after ``today`` is planned,
    ``held`` false, and planned attendance has the role ``expected``),
    ``cooperations``, ``applications``, ``effective_status``
    (:mod:`mokoord.pipeline`).
    """
    today = today or dt.date.today()
    org = get_org(data, org_id)
    contacts = sorted(
        (c for c in mentioning(data.contacts, org_id) if org_id in c.organisations),
        key=lambda c: (c.date, c.id),
    )
    done = [c for c in contacts if not c.planned]
    referrals = [
        {
            "contact": c.id,
            "date": c.date,
            "institution": r.institution,
            "institution_name": data.institutions[r.institution].name
            if r.institution in data.institutions
            else None,
            "reason": r.reason,
            "outcome": r.outcome,
            "outcome_date": r.outcome_date,
        }
        for c in contacts
        for r in c.referrals
    ]
    cooperations = [
        {
            "id": coop.id,
            "partner": coop.partner if coop.organisation == org_id else coop.organisation,
            "since": coop.since,
            "until": coop.until,
            "topic": coop.topic,
        }
        for coop in sorted(mentioning(data.cooperations, org_id), key=lambda c: (c.since, c.id))
        if org_id in (coop.organisation, coop.partner)
    ]
    applications = [
        {
            "id": app.id,
            "programme": app.programme,
            "year": app.year,
            "title": app.title,
            "status": app.status,
            "requested": app.requested,
            "granted": app.granted,
            "line": app.line,
            "line_name": _line_name(data, app.programme, app.line),
        }
        for app in sorted(mentioning(data.applications, org_id), key=lambda a: (a.year, a.id))
        if app.organisation == org_id
    ]
    return {
        "organisation": plain(org),
        "file": data.sources.get(("organisation", org_id)),
        "persons": [plain(person) for person in persons_of(data, org_id)],
        "open_needs": [need.category for need in org.open_needs],
        "stale": is_stale(org, data.config.settings.stale_after_months, today),
        "contacts": {
            "count": len(done),
            "planned": len(contacts) - len(done),
            "first": done[0].date if done else None,
            "last": done[-1].date if done else None,
            "recent": [
                {"id": c.id, "date": c.date, "channel": c.channel, "summary": c.summary}
                for c in done[-5:][::-1]
            ],
        },
        "referrals": referrals,
        "events": events_of(data, org_id, today),
        "cooperations": cooperations,
        "applications": applications,
        "effective_status": effective_status(org.status, done[0].date if done else None, today),
    }


def _line_name(data: Dataset, programme_id: str, line_id: str | None) -> str | None:
    """ "Programme – line" as the programme's file names them (``None``: not readable)."""
    programme = data.programmes.get(programme_id)
    line = programme.line(line_id) if programme is not None else None
    if programme is None or line is None:
        return programme.name if programme is not None else None
    return f"{programme.name} – {line.name}"
