"""Asking in a terminal for what ``add-contact``, ``close-referral`` and
``add-institution`` were not given.

Every question goes to stderr (stdout keeps the command's result) and accepts
what the flags accept: a number, a key or a label in German or English;
dates as ``14.03.2023``, ``2023-03-14``, ``heute`` or ``gestern``. Without a
terminal a missing required value is an error naming its flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import typer

from mokoord.cli import prompts
from mokoord.i18n import _

if TYPE_CHECKING:
    from mokoord.contacts import ContactRequest, ReferralRequest
    from mokoord.dataset import Dataset
    from mokoord.errors import UsageError
    from mokoord.models import Config, Contact


def missing(flag: str) -> UsageError:
    """The error for a required value that no terminal can be asked for."""
    from mokoord.errors import UsageError

    return UsageError(
        _("missing {flag} (no terminal to ask)").format(flag=flag),
        hint=_("pass it as an option, or run the command in a terminal to be asked"),
    )


def say(text: str) -> None:
    typer.echo(text, err=True)


# --------------------------------------------------------------------------- add-contact


def complete_contact(data: Dataset, request: ContactRequest) -> ContactRequest:
    """``request`` checked, and in a terminal completed: when organisation, channel
    or summary is missing, each missing value is asked for — the date of the
    contact too (today by default), and the optional ones offered.

    What was given is checked before anything is asked, so that a typo costs no
    answers. An organisation that is not found is offered from the closest
    matches in a terminal.
    """
    from mokoord.contacts import resolve_contact

    ask = prompts.interactive()
    request = replace(request, organisations=_given_organisations(data, request, ask))
    request = resolve_contact(data, request)
    if not request.missing:
        return request
    if not ask:
        raise missing(request.missing[0])
    return resolve_contact(data, _guided(data, request))


def _guided(data: Dataset, request: ContactRequest) -> ContactRequest:

    config = data.config
    organisations = request.organisations or _ask_organisations(data)
    day, planned = (request.date, request.planned)
    if day is None:
        day, planned = _ask_date(request.today, planned)
    persons = request.persons or _ask_person(data, organisations)
    channel = request.channel or _choose(config, "channels", _("Channel"))
    topics = request.topics or _choose_many(config, "topics", _("Topics"))
    summary = prompts.require(request.summary, "--summary", _("Summary (what was discussed)"))
    referrals = request.referrals or _ask_referrals(data)
    follow_up, action = request.follow_up, request.follow_up_action
    if follow_up is None:
        follow_up, action = _ask_follow_up(day, action)
    return replace(
        request,
        organisations=organisations,
        date=day,
        planned=planned,
        persons=persons,
        channel=channel,
        topics=topics,
        summary=summary,
        referrals=referrals,
        follow_up=follow_up,
        follow_up_action=action,
    )


def _choose(config: Config, vocabulary: str, question: str) -> str:
    """One term, by number, key, or German or English label."""
    from mokoord.vocab import choices, terms

    known = terms(config, vocabulary)
    chosen = prompts.choose(question, choices(config, vocabulary), terms=known)
    assert chosen is not None  # not optional: choose() asks until answered
    return chosen


def _choose_many(config: Config, vocabulary: str, question: str) -> tuple[str, ...]:
    from mokoord.vocab import choices, terms

    known = terms(config, vocabulary)
    return tuple(prompts.choose_many(question, choices(config, vocabulary), terms=known))


def organisation_label(data: Dataset, org_id: str) -> str:
    """An organisation's name as a picker shows it, declined ones marked."""
    org = data.organisations[org_id]
    if org.status == "declined":
        return _("{name} (declined, §2.4)").format(name=org.name)
    return org.name


def _given_organisations(data: Dataset, request: ContactRequest, ask: bool) -> tuple[str, ...]:
    """The organisations of ``--org`` by id; in a terminal, one that is not found
    is picked from the closest matches."""
    from mokoord.contacts import resolve_organisation, search_organisations
    from mokoord.errors import NotFound

    result: list[str] = []
    for value in request.organisations:
        try:
            result.append(resolve_organisation(data, value).id)
        except NotFound:
            matches = search_organisations(data, value)
            if not ask or not matches:
                raise
            say(_("no organisation with id '{id}'; did you mean:").format(id=value))
            options = [(m.key, organisation_label(data, m.key)) for m in matches]
            result.append(prompts.pick_one(_("Which organisation?"), options))
    return tuple(dict.fromkeys(result))


def _ask_organisations(data: Dataset) -> tuple[str, ...]:
    from mokoord.contacts import search_organisations

    def find(text: str) -> list[tuple[str, str]]:
        return [(m.key, organisation_label(data, m.key)) for m in search_organisations(data, text)]

    first = prompts.search(_("Organisation (type part of its name)"), find)
    assert first is not None
    chosen = [first]
    while True:
        more = prompts.search(_("Another organisation in this contact?"), find, optional=True)
        if more is None:
            return tuple(chosen)
        if more not in chosen:
            chosen.append(more)


def _ask_date(today: dt.date, planned: bool) -> tuple[dt.date, bool]:
    """The contact's date (default today), and whether it is a planned appointment:
    a date in the future is one, when the answer to that question is yes."""
    from mokoord.contacts import check_contact_date, shown_date
    from mokoord.dates import parse_date
    from mokoord.errors import UsageError

    while True:
        answer = prompts.ask(_("Date of the contact"), _("today"))
        try:
            day = parse_date(answer, today=today)
        except ValueError as exc:
            say(f"  {exc}")
            continue
        if day > today and not planned:
            question = _("{date} lies in the future: an arranged appointment?")
            if not prompts.confirm(question.format(date=shown_date(day))):
                continue
            planned = True
        try:
            check_contact_date(day, planned=planned, today=today)
        except UsageError as exc:
            say(f"  {exc.message}")
            continue
        return day, planned


def _ask_person(data: Dataset, organisations: tuple[str, ...]) -> tuple[str, ...]:
    from mokoord.contacts import persons_of
    from mokoord.vocab import label

    people = persons_of(data, organisations)
    if not people:
        return ()
    shown = {
        p.id: p.display_name + (f" ({label(data.config, 'roles', p.role)})" if p.role else "")
        for p in people
    }
    chosen = prompts.choose(_("Contact person"), shown, optional=True)
    return (chosen,) if chosen else ()


def _ask_referrals(data: Dataset) -> tuple[ReferralRequest, ...]:
    from mokoord.contacts import ReferralRequest, search_institutions

    def find(text: str) -> list[tuple[str, str]]:
        return [(m.key, data.institutions[m.key].name) for m in search_institutions(data, text)]

    referrals: list[ReferralRequest] = []
    while True:
        target = prompts.search(_("Referred to an institution?"), find, optional=True)
        if target is None:
            return tuple(referrals)
        reason = prompts.ask(_("  reason (Enter for none)")).strip()
        referrals.append(ReferralRequest(target, reason or None))


def _ask_follow_up(day: dt.date, action: str | None) -> tuple[dt.date | None, str | None]:
    from mokoord.contacts import shown_date
    from mokoord.dates import parse_date

    while True:
        answer = prompts.ask(_("Follow-up date (Enter for none)")).strip()
        if not answer:
            return None, action
        try:
            follow_up = parse_date(answer)
        except ValueError as exc:  # a typo: ask again
            say(f"  {exc}")
            continue
        if follow_up < day:
            say(_("  the follow-up lies before the contact ({date})").format(date=shown_date(day)))
            continue
        if action is None:
            action = prompts.ask(_("  action (Enter for none)")).strip() or None
        return follow_up, action


# --------------------------------------------------------------------------- close-referral


def ask_referral(contact: Contact) -> str | None:
    """Which of a contact's pending referrals is meant, when it made several."""
    pending = [r for r in contact.referrals if r.outcome == "pending"]
    if len(pending) < 2:
        return None
    options = [(r.institution, r.reason or r.institution) for r in pending]
    return prompts.pick_one(_("Which referral?"), options)


def ask_outcome(config: Config) -> str:
    """The outcome of a referral: taken up or not taken up."""
    from mokoord.vocab import choices, terms

    if not prompts.interactive():
        raise missing("--outcome")
    closing = {k: v for k, v in choices(config, "outcomes").items() if k != "pending"}
    chosen = prompts.choose(_("Outcome"), closing, terms=terms(config, "outcomes"))
    assert chosen is not None  # not optional: choose() asks until answered
    return chosen


# --------------------------------------------------------------------------- add-institution


def ask_institution(
    config: Config, name: str | None, kind: str | None, department: str | None
) -> tuple[str, str | None, str | None]:
    """Name, kind and department of a new institution: in a terminal, asked
    for when no name was given; else the name is required."""
    from mokoord.vocab import choices, terms

    if name or not prompts.interactive():
        return prompts.require(name, "--name", _("Name of the institution")), kind, department
    name = prompts.require(None, "--name", _("Name of the institution"))
    if kind is None:
        known = terms(config, "institution_kinds")
        kind = prompts.choose(
            _("Kind"), choices(config, "institution_kinds"), default="city_office", terms=known
        )
    if department is None:
        department = prompts.ask(_("Department or unit, e.g. Amt 41 (Enter for none)")).strip()
    return name, kind, department or None
