"""``mokoord show ID``: one organisation as people read it.

Everything comes from :func:`mokoord.overview.summary` (the same data as
``show --json``); this module only says how it looks: every term by its label
in the current language (legal form, district, fields, languages and
countries by name, religion, offered formats, roles, consent scopes,
statuses, needs, channels, outcomes, application statuses; funding lines by
their programme's names), dates as
``14.03.2023`` and money as ``2.500,00 €`` in German.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from mokoord import formatting as fmt
from mokoord.i18n import N_, _
from mokoord.models.meta import FIELD_LABELS
from mokoord.vocab import label, labels

if TYPE_CHECKING:
    from rich.console import Console

    from mokoord.models import Config, Organisation

EVENT_ROLES: dict[str, str] = {
    "attended": N_("took part"),
    "expected": N_("expected to take part"),
    "organiser": N_("organised"),
    "host": N_("hosted"),
}
"""What an organisation did at an event (``roles`` of ``show --json``'s events)."""


def print_organisation(
    out: Console, org: Organisation, info: dict[str, Any], config: Config
) -> None:
    """The whole of ``show``: record, persons, needs, then the activity."""
    _heading(out, org, info, config)
    _record(out, org, info, config)
    _persons(out, info["persons"], config)
    _needs(out, org, config)
    _activity(out, info, config)


def _date(value: Any) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return fmt.date(value)


def _heading(out: Console, org: Organisation, info: dict[str, Any], config: Config) -> None:
    out.print(f"[bold]{escape(org.name)}[/]  [dim]{org.id}[/]", soft_wrap=True)
    if org.aliases:
        out.print("  " + escape(_("also: {names}").format(names=", ".join(org.aliases))))
    status = label(config, "statuses", info["effective_status"])
    if info["effective_status"] != org.status:  # known, but the contact log says otherwise
        since = info["contacts"]["first"]
        line = _("Status: {status} since {date} (from the contact log)").format(
            status=status, date=_date(since)
        )
    elif org.status_since:
        line = _("Status: {status} since {date}").format(
            status=status, date=_date(org.status_since)
        )
    else:
        line = _("Status: {status}").format(status=status)
    out.print("  " + escape(line))
    if org.status_reason:
        out.print("    " + escape(_("Reason: {reason}").format(reason=org.status_reason)))
    for change in reversed(org.status_history):
        text = _("before: {status} since {date}").format(
            status=label(config, "statuses", change.status), date=_date(change.since)
        )
        out.print("    " + escape(text))


def _record(out: Console, org: Organisation, info: dict[str, Any], config: Config) -> None:
    rows: list[tuple[str, str]] = []

    def add(key: str, value: object) -> None:
        if value not in (None, "", []):
            rows.append((_(FIELD_LABELS[key]), str(value)))

    def terms(vocabulary: str, keys: Iterable[str]) -> str:
        return labels(config, vocabulary, keys)

    add("legal_form", label(config, "legal_forms", org.legal_form) if org.legal_form else None)
    if org.registration:
        court = org.registration.court or ""
        add("registration", f"{court} {org.registration.number}".strip())
    add("founded", org.founded)
    add("district", label(config, "districts", org.district) if org.district else None)
    if org.address:
        town = f"{org.address.postal_code or ''} {org.address.city or ''}".strip()
        add("address", ", ".join(part for part in (org.address.street, town) if part))
    add("fields", terms("fields", org.fields))
    add("languages", terms("languages", org.languages))
    add("origins", terms("origins", org.origins))
    add("religion", label(config, "religions", org.religion) if org.religion else None)
    if org.members:
        add("members", fmt.number(org.members.count) if org.members.count is not None else None)
    add("offered_formats", terms("offered_formats", org.offered_formats))
    add("networks", ", ".join(org.networks))
    for key in ("website", "email", "phone"):
        add(key, getattr(org, key))
    add("tags", terms("tags", org.tags))
    add("known_since", _date(org.known_since) if org.known_since else None)
    verified = _date(org.last_verified) if org.last_verified else _("never")
    add(
        "last_verified",
        _("{date} (out of date)").format(date=verified) if info["stale"] else verified,
    )
    rows.append((_("File"), info["file"] or ""))  # (not a field of the record)
    width = max(len(name) for name, _value in rows) + 1
    for name, value in rows:
        out.print(f"  {escape(name + ':'):<{width}} {escape(value)}", soft_wrap=True)
    for key, text in (("goals", org.goals), ("notes", org.notes)):
        if text:
            out.print(f"  {escape(_(FIELD_LABELS[key]))}: {escape(text)}", soft_wrap=True)


def _persons(out: Console, persons: list[dict[str, Any]], config: Config) -> None:
    """Each person as a block: id, name and role; how to reach them; the legal basis."""
    out.print("\n[bold]" + escape(_("Contact persons")) + f"[/] ({len(persons)})")
    for person in persons:
        role = person.get("role")
        head = person["name"] + (f" ({label(config, 'roles', role)})" if role else "")
        reach = " · ".join(person[key] for key in ("email", "phone") if person.get(key))
        consent = person.get("consent")
        if consent and consent.get("withdrawn"):
            basis = _("consent withdrawn on {date}").format(date=_date(consent["withdrawn"]))
        elif consent:
            scopes = labels(config, "consent_scopes", consent.get("scope", []))
            basis = _("consent of {date}: {scopes}").format(
                date=_date(consent["date"]), scopes=scopes or "–"
            )
        else:
            basis = label(config, "legal_bases", person.get("legal_basis", "consent"))
        out.print(f"  {person['id']}  {escape(head)}", soft_wrap=True)
        for line in (reach, basis):
            if line:
                out.print(" " * (len(person["id"]) + 4) + escape(line), soft_wrap=True)


def _needs(out: Console, org: Organisation, config: Config) -> None:
    heading = _("Needs")
    count = _("{n} open").format(n=len(org.open_needs))
    out.print(f"\n[bold]{escape(heading)}[/] ({escape(count)})")
    for need in org.needs:
        parts = [label(config, "need_statuses", need.status)]
        if need.since:
            parts.append(_("since {date}").format(date=_date(need.since)))
        if need.closed:
            parts.append(_("closed {date}").format(date=_date(need.closed)))
        text = f"{label(config, 'need_categories', need.category)}: {' '.join(parts)}"
        if need.note:
            text += f" – {need.note}"
        out.print("  " + escape(text), soft_wrap=True)


def _activity(out: Console, info: dict[str, Any], config: Config) -> None:
    contacts = info["contacts"]
    line = _("Contacts: {n}").format(n=contacts["count"])
    if contacts["last"]:
        line += ", " + _("last {date}").format(date=_date(contacts["last"]))
    if contacts["planned"]:
        line += ", " + _("{n} planned").format(n=contacts["planned"])
    _section(out, line)
    for contact in contacts["recent"]:
        channel = label(config, "channels", contact["channel"])
        summary = contact["summary"]
        if len(summary) > 70:
            summary = summary[:69].rstrip() + "…"
        _item(out, f"{_date(contact['date'])} {channel}: {summary}")
    _section(out, _("Referrals: {n}").format(n=len(info["referrals"])))
    for ref in info["referrals"]:
        outcome = label(config, "outcomes", ref["outcome"])
        place = ref["institution_name"] or ref["institution"]
        _item(out, f"{_date(ref['date'])} → {place}: {outcome}")
    _section(out, _("Events: {n}").format(n=len(info["events"])))
    for event in info["events"]:
        roles = ", ".join(_(EVENT_ROLES.get(role, role)) for role in event["roles"])
        text = f"{_date(event['date'])} {event['title']} ({roles})"
        held = event["held"]  # activities.events_of: false for an event after today
        _item(out, text if held else _("{session} – planned").format(session=text))
    _section(out, _("Cooperations: {n}").format(n=len(info["cooperations"])))
    for coop in info["cooperations"]:
        if coop["until"]:
            text = _("with {partner} from {since} to {until}: {topic}")
        else:
            text = _("with {partner} since {since}: {topic}")
        _item(
            out,
            text.format(
                partner=coop["partner"],
                since=_date(coop["since"]),
                until=_date(coop["until"]) if coop["until"] else "",
                topic=coop["topic"],
            ),
        )
    _section(out, _("Funding applications: {n}").format(n=len(info["applications"])))
    for app in info["applications"]:
        status = label(config, "application_statuses", app["status"])
        line = f" ({app['line_name']})" if app["line_name"] else ""
        _item(out, f"{app['year']} {app['title']}{line}: {status}, {fmt.money(app['requested'])}")


def _section(out: Console, line: str) -> None:
    head, _sep, rest = line.partition(":")
    out.print(f"[bold]{escape(head)}[/]:{escape(rest)}")


def _item(out: Console, text: str) -> None:
    out.print("  " + escape(text), soft_wrap=True)
