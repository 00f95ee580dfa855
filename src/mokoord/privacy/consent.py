"""Recording that a person withdrew their consent (Art. 7(3) GDPR): a plan, one commit.

From the day of the withdrawal the person is no longer offered for contacts or
mailings (:attr:`~mokoord.models.Person.offered`), and ``privacy due`` lists
them for erasure, since consent was the legal basis of their data.
"""

from __future__ import annotations

import datetime as dt

from mokoord.dataset import plain
from mokoord.errors import Problem
from mokoord.i18n import _
from mokoord.models import Person
from mokoord.plans import Plan, Write
from mokoord.validation import validate_input


def plan_withdrawal(person: Person, on: dt.date) -> Plan:
    """The person's consent marked withdrawn ``on``; errors when there is none to withdraw."""
    plan = Plan(action=f"privacy withdraw {person.id}")
    if person.erased is not None or person.consent is None or person.legal_basis != "consent":
        plan.problems.append(
            Problem(
                "",
                0,
                0,
                "error",
                "no-consent",
                _("person {id} has no consent to withdraw (legal basis: {basis})").format(
                    id=person.id, basis=person.legal_basis or "–"
                ),
            )
        )
        return plan
    if person.consent.withdrawn is not None:
        plan.summary = _("consent of {id} was withdrawn on {date} already").format(
            id=person.id, date=person.consent.withdrawn.isoformat()
        )
        return plan
    data = plain(person)
    data["consent"] = {**data["consent"], "withdrawn": on}
    new = validate_input(Person, data, what=_("not changed"))
    plan.writes.append(Write(new, previous=person))
    plan.result = new
    plan.summary = _("consent of {id} withdrawn on {date}").format(
        id=person.id, date=on.isoformat()
    )
    return plan
