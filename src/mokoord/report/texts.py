"""Every fixed text of the report, from the message catalogues.

The report is written in a language of its own (``report --lang``): these
functions give the texts in the language current when they are called, and
:mod:`mokoord.report.render` calls them inside :func:`mokoord.i18n.speaking`.
Templates get the texts as ``t.<key>`` (a store's own templates use the same
keys); the methods section as ``methods``, a list of (term, definition)
pairs. Placeholders in braces are filled by :func:`texts` with
``str.format``; the English is the msgid, the German is in the ``de``
catalogue, each under a context (``report section``, ``report indicator``,
``report chart``, ``report method`` or ``report``) because the same English
word is sometimes two German ones.
"""

from __future__ import annotations

from typing import Any

from mokoord.i18n import pgettext

LANGUAGES = ("de", "en")


def _texts() -> dict[str, str]:
    """Every fixed text by key, in the current language."""
    return {
        "title": pgettext("report", "Evaluation report {period}"),
        "subtitle": pgettext("report", "{office}, {city}"),
        "generated": pgettext("report", "Data as of {date}"),
        "period": pgettext(
            "report", "Period: {start} to {end}; compared with {prev_start} to {prev_end}"
        ),
        "contents": pgettext("report", "Contents"),
        "summary": pgettext("report", "Overview"),
        "key_figures": pgettext("report", "Key figures"),
        "indicator": pgettext("report", "Indicator"),
        "current": pgettext("report", "Period"),
        "previous": pgettext("report", "Previous period"),
        "change": pgettext("report", "Change"),
        "count": pgettext("report", "Number"),
        "category": pgettext("report", "Category"),
        "share_note": pgettext("report", "One record may count in several rows."),
        "no_data": pgettext("report", "No data in this period."),
        "chart_table": pgettext("report", "Data of the chart"),
        "contacts": pgettext("report section", "Contacts"),
        "registry": pgettext("report section", "Register of migrant organisations"),
        "trainings": pgettext("report section", "Training"),
        "exchange_formats": pgettext("report section", "Exchange formats"),
        "cooperations": pgettext("report section", "Cooperations"),
        "offered_formats": pgettext("report section", "What the organisations offer"),
        "referrals": pgettext("report section", "Referrals"),
        "funding": pgettext("report section", "Funding"),
        "completeness": pgettext("report section", "Completeness of the data"),
        "methods": pgettext("report section", "Methods: how each indicator is defined"),
        "new_organisations": pgettext("report section", "New in the register"),
        "events_held": pgettext("report section", "Trainings and exchange formats held"),
        "contacts.total": pgettext("report indicator", "Contacts"),
        "contacts.organisations_reached": pgettext("report indicator", "Organisations reached"),
        "contacts.first_contacts": pgettext(
            "report indicator", "Organisations contacted for the first time"
        ),
        "contacts.by_channel": pgettext("report indicator", "Contacts by channel"),
        "contacts.by_topic": pgettext("report indicator", "Contacts by topic"),
        "contacts.by_month": pgettext("report indicator", "Contacts by month"),
        "registry.total": pgettext("report indicator", "Organisations in the register"),
        "registry.new": pgettext("report indicator", "Organisations new in the register"),
        "registry.stale": pgettext(
            "report indicator", "Not verified for more than {months} months"
        ),
        "registry.open_needs": pgettext("report indicator", "Open support needs"),
        "registry.by_status": pgettext("report indicator", "Organisations by status"),
        "registry.by_field": pgettext("report indicator", "Organisations by field of activity"),
        "registry.by_district": pgettext("report indicator", "Organisations by district"),
        "registry.needs_by_category": pgettext("report indicator", "Open needs by category"),
        "trainings.held": pgettext("report indicator", "Trainings held"),
        "trainings.participants": pgettext("report indicator", "Training participants"),
        "trainings.organisations": pgettext("report indicator", "Organisations taking part"),
        "exchange_formats.held": pgettext("report indicator", "Exchange formats held"),
        "exchange_formats.participants": pgettext(
            "report indicator", "Exchange format participants"
        ),
        "cooperations.new": pgettext("report indicator", "New cooperations"),
        "offered_formats.organisations": pgettext(
            "report indicator", "Organisations with offers of their own"
        ),
        "offered_formats.by_format": pgettext("report indicator", "Organisations by offer"),
        "referrals.total": pgettext("report indicator", "Referrals"),
        "referrals.taken_up": pgettext("report indicator", "taken up"),
        "referrals.not_taken_up": pgettext("report indicator", "not taken up"),
        "referrals.pending": pgettext("report indicator", "pending"),
        "referrals.rate": pgettext("report indicator", "Referral rate"),
        "referrals.by_institution": pgettext(
            "report indicator", "Referrals by institution and outcome"
        ),
        "referrals.institution": pgettext("report indicator", "Institution"),
        "referrals.total_short": pgettext("report indicator", "total"),
        "funding.supported": pgettext("report indicator", "Applications supported"),
        "funding.submitted": pgettext("report indicator", "Applications submitted"),
        "funding.granted": pgettext("report indicator", "Applications granted"),
        "funding.requested_amount": pgettext("report indicator", "Amount requested"),
        "funding.granted_amount": pgettext("report indicator", "Amount granted"),
        "completeness.organisations": pgettext(
            "report indicator", "Organisations in the register (declined left out)"
        ),
        "completeness.stale": pgettext(
            "report indicator", "of them not verified for more than {months} months"
        ),
        "completeness.never_verified": pgettext("report indicator", "of them never verified"),
        "completeness.verified_in_period": pgettext(
            "report indicator", "of them verified in the period"
        ),
        "completeness.without_district": pgettext("report indicator", "of them without district"),
        "completeness.without_field": pgettext(
            "report indicator", "of them without field of activity"
        ),
        "completeness.contacts": pgettext("report indicator", "Contacts in the period"),
        "completeness.contacts_without_topic": pgettext(
            "report indicator", "of them without topic"
        ),
        "completeness.events_without_head_count": pgettext(
            "report indicator", "Events without a head count"
        ),
        "completeness.invalid_files": pgettext("report indicator", "Files with errors (left out)"),
        "left_out.title": pgettext("report", "Warning: incomplete data"),
        "left_out.text": pgettext(
            "report",
            "These files could not be read and are missing from every figure of this report "
            "({total}):",
        ),
        "left_out.remedy": pgettext(
            "report",
            "`mokoord check` names every problem. Repair the files (e.g. with `mokoord edit "
            "ID`), then make the report again.",
        ),
        "chart.contacts_by_month": pgettext("report chart", "Contacts by month"),
        "chart.contacts_by_month.alt": pgettext(
            "report chart",
            "Bar chart: contacts per month in the period, {total} in all; line: previous period.",
        ),
        "chart.by_field": pgettext("report chart", "Organisations by field of activity"),
        "chart.by_field.alt": pgettext(
            "report chart",
            "Bar chart: number of organisations per field of activity at the end of the period.",
        ),
        "chart.needs": pgettext("report chart", "Open support needs by category"),
        "chart.needs.alt": pgettext(
            "report chart",
            "Bar chart: open needs per category at the end of the period, {total} in all.",
        ),
        "chart.referrals": pgettext("report chart", "Referrals by institution and outcome"),
        "chart.referrals.alt": pgettext(
            "report chart",
            "Stacked bar chart: referrals per institution, split into taken up, not taken up "
            "and pending.",
        ),
        "chart.yoy": pgettext("report chart", "This period compared with the previous one"),
        "chart.yoy.alt": pgettext(
            "report chart", "Bar chart: key indicators in the period next to the previous period."
        ),
        "outcome.taken_up": pgettext("report", "taken up"),
        "outcome.not_taken_up": pgettext("report", "not taken up"),
        "outcome.pending": pgettext("report", "pending"),
        "event_kind.training": pgettext("report", "Training"),
        "event_kind.exchange": pgettext("report", "Exchange format"),
        "date": pgettext("report", "Date"),
        "name": pgettext("report", "Name"),
        "kind": pgettext("report", "Kind"),
        "notes": pgettext("report", "Notes"),
        "since": pgettext("report", "added on"),
        "none": pgettext("report", "none"),
    }


def _methods() -> list[tuple[str, str]]:
    """The methods section's (term, definition) pairs, in the current language."""
    return [
        (
            pgettext("report method", "Period"),
            pgettext(
                "report method",
                "The period includes its first and last day. It is compared with the period of "
                "equal length just before it (the same number of months for whole months, else "
                "the same number of days). The change is this period minus the previous one.",
            ),
        ),
        (
            pgettext("report method", "Contacts"),
            pgettext(
                "report method",
                "Every logged contact counts once, even when several organisations took part. "
                "Planned appointments do not count. A contact with several topics counts under "
                "each, so the topics add up to more than the contacts.",
            ),
        ),
        (
            pgettext("report method", "Organisations reached"),
            pgettext(
                "report method",
                "The number of different organisations with at least one contact in the period."
                " A contact with two organisations reaches both.",
            ),
        ),
        (
            pgettext("report method", "Organisations contacted for the first time"),
            pgettext(
                "report method",
                "Organisations whose earliest logged contact ever lies in the period "
                "(acquisition).",
            ),
        ),
        (
            pgettext("report method", "Register"),
            pgettext(
                "report method",
                "The register is counted at the end of the period: an organisation belongs to "
                "it when it was added by then (known_since), with the status valid on that day "
                "(from its status history); one that was merely known then but had a contact in "
                "the contact log by that day counts as contacted. An organisation with several "
                "fields of activity counts in each. New organisations were added during the "
                "period.",
            ),
        ),
        (
            pgettext("report method", "Declined organisations (§2.4)"),
            pgettext(
                "report method",
                "Organisations with the status declined at the end of the period appear only in"
                " the total and the count by status. Every other indicator (contacts, "
                "organisations reached, fields, districts, needs, offers, attendance, "
                "cooperations, referrals, funding) leaves them out; contacts with declined "
                "organisations only are not counted.",
            ),
        ),
        (
            pgettext("report method", "Records not verified"),
            pgettext(
                "report method",
                "Records whose last verification (last_verified) lies more than {months} months"
                " before the end of the period, or that were never verified.",
            ),
        ),
        (
            pgettext("report method", "Records verified in the period"),
            pgettext(
                "report method",
                "Records whose last verification (last_verified, set by mokoord verified after a"
                " visit) lies in the period; one verified again later counts in the later period.",
            ),
        ),
        (
            pgettext("report method", "Open support needs"),
            pgettext(
                "report method",
                "Needs that existed at the end of the period and were open or in progress then "
                "(a need met later counts when it was closed after the end).",
            ),
        ),
        (
            pgettext("report method", "Trainings and exchange formats"),
            pgettext(
                "report method",
                "Events of kind training or exchange format dated in the period. Participants: "
                "the recorded total, else the sum of people of the attending organisations. "
                "Organisations taking part: different organisations with recorded attendance.",
            ),
        ),
        (
            pgettext("report method", "New cooperations"),
            pgettext(
                "report method",
                "Cooperations whose start (since) lies in the period.",
            ),
        ),
        (
            pgettext("report method", "What the organisations offer"),
            pgettext(
                "report method",
                "The number of organisations in the register at the end of the period offering "
                "each format (events, counselling, arrival help, accompaniment …), as their "
                "records stand now.",
            ),
        ),
        (
            pgettext("report method", "Referrals and referral rate"),
            pgettext(
                "report method",
                "Referrals made in contacts of the period, with their outcome as recorded when "
                "the report is made (a referral taken up in the next year counts as taken up). "
                "Referral rate = taken up ÷ (taken up + not taken up). Pending referrals are "
                "left out of the denominator; without any closed referral no rate is given.",
            ),
        ),
        (
            pgettext("report method", "Funding"),
            pgettext(
                "report method",
                "Submitted: applications with a submission date in the period, with the amount "
                "requested. Granted: granted applications with a decision date (else submission"
                " date) in the period, with the amount granted. Supported: applications the "
                "office supported, dated by submission, else deadline, else 1 January of the "
                "funding year.",
            ),
        ),
    ]


def texts(**values: Any) -> dict[str, str]:
    """The fixed texts in the current language with the placeholders known so far filled in."""
    out: dict[str, str] = {}
    for key, text in _texts().items():
        try:
            out[key] = text.format(**values)
        except KeyError:
            out[key] = text
    return out


def methods(**values: Any) -> list[tuple[str, str]]:
    """The methods section: (term, definition) pairs in the current language."""
    return [(term, text.format(**values)) for term, text in _methods()]
