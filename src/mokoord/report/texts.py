"""Every fixed text of the report, German and English, in one place.

Templates get these as ``t.<key>``; the methods section as ``methods``
(a list of (term, definition) pairs). Placeholders in braces are filled by
:func:`texts` with ``str.format``.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("de", "en")

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Evaluationsbericht {period}",
        "subtitle": "{office}, {city}",
        "generated": "Stand der Daten: {date}",
        "period": "Berichtszeitraum: {start} bis {end}; Vergleich: {prev_start} bis {prev_end}",
        "contents": "Inhalt",
        "summary": "Überblick",
        "key_figures": "Kennzahlen",
        "indicator": "Kennzahl",
        "current": "Berichtszeitraum",
        "previous": "Vorzeitraum",
        "change": "Veränderung",
        "count": "Anzahl",
        "category": "Kategorie",
        "share_note": "Mehrfachnennungen möglich.",
        "no_data": "Keine Daten im Zeitraum.",
        "chart_table": "Daten zum Diagramm",
        # sections
        "contacts": "Kontakte",
        "registry": "Register der Migrantenorganisationen",
        "trainings": "Qualifizierung",
        "exchange_formats": "Austauschformate",
        "cooperations": "Kooperationen",
        "offered_formats": "Angebote der Organisationen",
        "referrals": "Verweisberatung",
        "funding": "Förderung",
        "completeness": "Vollständigkeit der Daten",
        "methods": "Methodik: Definition der Kennzahlen",
        "new_organisations": "Neu in das Register aufgenommen",
        "events_held": "Durchgeführte Qualifizierungen und Austauschformate",
        # indicators
        "contacts.total": "Kontakte",
        "contacts.organisations_reached": "Erreichte Organisationen",
        "contacts.first_contacts": "Erstmals kontaktierte Organisationen",
        "contacts.by_channel": "Kontakte nach Kanal",
        "contacts.by_topic": "Kontakte nach Thema",
        "contacts.by_month": "Kontakte nach Monat",
        "registry.total": "Organisationen im Register",
        "registry.new": "Neu aufgenommene Organisationen",
        "registry.stale": "Länger als {months} Monate nicht geprüft",
        "registry.open_needs": "Offene Unterstützungsbedarfe",
        "registry.by_status": "Organisationen nach Status",
        "registry.by_field": "Organisationen nach Tätigkeitsfeld",
        "registry.by_district": "Organisationen nach Ortsbezirk",
        "registry.needs_by_category": "Offene Bedarfe nach Kategorie",
        "trainings.held": "Durchgeführte Qualifizierungen",
        "trainings.participants": "Teilnehmende an Qualifizierungen",
        "trainings.organisations": "Teilnehmende Organisationen",
        "exchange_formats.held": "Durchgeführte Austauschformate",
        "exchange_formats.participants": "Teilnehmende an Austauschformaten",
        "cooperations.new": "Neue Kooperationen",
        "offered_formats.organisations": "Organisationen mit eigenen Angeboten",
        "offered_formats.by_format": "Organisationen nach Angebot",
        "referrals.total": "Verweisungen",
        "referrals.taken_up": "davon wahrgenommen",
        "referrals.not_taken_up": "davon nicht wahrgenommen",
        "referrals.pending": "davon offen",
        "referrals.rate": "Vermittlungsquote",
        "referrals.by_institution": "Verweisungen nach Einrichtung und Ergebnis",
        "referrals.institution": "Einrichtung",
        "referrals.total_short": "gesamt",
        "funding.supported": "Begleitete Förderanträge",
        "funding.submitted": "Eingereichte Förderanträge",
        "funding.granted": "Bewilligte Förderanträge",
        "funding.requested_amount": "Beantragte Summe",
        "funding.granted_amount": "Bewilligte Summe",
        "completeness.organisations": "Organisationen im Register (ohne abgelehnte)",
        "completeness.stale": "davon länger als {months} Monate nicht geprüft",
        "completeness.never_verified": "davon nie geprüft",
        "completeness.verified_in_period": "davon im Zeitraum geprüft",
        "completeness.without_district": "davon ohne Ortsbezirk",
        "completeness.without_field": "davon ohne Tätigkeitsfeld",
        "completeness.contacts": "Kontakte im Zeitraum",
        "completeness.contacts_without_topic": "davon ohne Thema",
        "completeness.events_without_head_count": "Veranstaltungen ohne Teilnehmendenzahl",
        "completeness.invalid_files": "Dateien mit Fehlern (nicht berücksichtigt)",
        "left_out.title": "Achtung: unvollständige Daten",
        "left_out.text": "Diese Dateien konnten nicht gelesen werden und fehlen in allen Zahlen des Berichts ({total}):",
        "left_out.remedy": "`mokoord check` nennt jeden Fehler. Nach der Reparatur (z. B. mit `mokoord edit ID`) den Bericht neu erstellen.",
        # charts
        "chart.contacts_by_month": "Kontakte nach Monat",
        "chart.contacts_by_month.alt": "Balkendiagramm: Kontakte je Monat im Berichtszeitraum, {total} insgesamt; Linie: Vorzeitraum.",
        "chart.by_field": "Organisationen nach Tätigkeitsfeld",
        "chart.by_field.alt": "Balkendiagramm: Zahl der Organisationen je Tätigkeitsfeld zum Ende des Zeitraums.",
        "chart.needs": "Offene Unterstützungsbedarfe nach Kategorie",
        "chart.needs.alt": "Balkendiagramm: offene Bedarfe je Kategorie zum Ende des Zeitraums, {total} insgesamt.",
        "chart.referrals": "Verweisungen nach Einrichtung und Ergebnis",
        "chart.referrals.alt": "Gestapeltes Balkendiagramm: Verweisungen je Einrichtung, aufgeteilt in wahrgenommen, nicht wahrgenommen und offen.",
        "chart.yoy": "Berichtszeitraum im Vergleich zum Vorzeitraum",
        "chart.yoy.alt": "Balkendiagramm: wichtige Kennzahlen im Berichtszeitraum neben dem Vorzeitraum.",
        "outcome.taken_up": "wahrgenommen",
        "outcome.not_taken_up": "nicht wahrgenommen",
        "outcome.pending": "offen",
        "event_kind.training": "Qualifizierung",
        "event_kind.exchange": "Austauschformat",
        "date": "Datum",
        "name": "Name",
        "kind": "Art",
        "notes": "Notizen",
        "since": "aufgenommen am",
        "none": "keine",
    },
    "en": {
        "title": "Evaluation report {period}",
        "subtitle": "{office}, {city}",
        "generated": "Data as of {date}",
        "period": "Period: {start} to {end}; compared with {prev_start} to {prev_end}",
        "contents": "Contents",
        "summary": "Overview",
        "key_figures": "Key figures",
        "indicator": "Indicator",
        "current": "Period",
        "previous": "Previous period",
        "change": "Change",
        "count": "Number",
        "category": "Category",
        "share_note": "One record may count in several rows.",
        "no_data": "No data in this period.",
        "chart_table": "Data of the chart",
        "contacts": "Contacts",
        "registry": "Register of migrant organisations",
        "trainings": "Training",
        "exchange_formats": "Exchange formats",
        "cooperations": "Cooperations",
        "offered_formats": "What the organisations offer",
        "referrals": "Referrals",
        "funding": "Funding",
        "completeness": "Completeness of the data",
        "methods": "Methods: how each indicator is defined",
        "new_organisations": "New in the register",
        "events_held": "Trainings and exchange formats held",
        "contacts.total": "Contacts",
        "contacts.organisations_reached": "Organisations reached",
        "contacts.first_contacts": "Organisations contacted for the first time",
        "contacts.by_channel": "Contacts by channel",
        "contacts.by_topic": "Contacts by topic",
        "contacts.by_month": "Contacts by month",
        "registry.total": "Organisations in the register",
        "registry.new": "Organisations new in the register",
        "registry.stale": "Not verified for more than {months} months",
        "registry.open_needs": "Open support needs",
        "registry.by_status": "Organisations by status",
        "registry.by_field": "Organisations by field of activity",
        "registry.by_district": "Organisations by district",
        "registry.needs_by_category": "Open needs by category",
        "trainings.held": "Trainings held",
        "trainings.participants": "Training participants",
        "trainings.organisations": "Organisations taking part",
        "exchange_formats.held": "Exchange formats held",
        "exchange_formats.participants": "Exchange format participants",
        "cooperations.new": "New cooperations",
        "offered_formats.organisations": "Organisations with offers of their own",
        "offered_formats.by_format": "Organisations by offer",
        "referrals.total": "Referrals",
        "referrals.taken_up": "taken up",
        "referrals.not_taken_up": "not taken up",
        "referrals.pending": "pending",
        "referrals.rate": "Referral rate",
        "referrals.by_institution": "Referrals by institution and outcome",
        "referrals.institution": "Institution",
        "referrals.total_short": "total",
        "funding.supported": "Applications supported",
        "funding.submitted": "Applications submitted",
        "funding.granted": "Applications granted",
        "funding.requested_amount": "Amount requested",
        "funding.granted_amount": "Amount granted",
        "completeness.organisations": "Organisations in the register (declined left out)",
        "completeness.stale": "of them not verified for more than {months} months",
        "completeness.never_verified": "of them never verified",
        "completeness.verified_in_period": "of them verified in the period",
        "completeness.without_district": "of them without district",
        "completeness.without_field": "of them without field of activity",
        "completeness.contacts": "Contacts in the period",
        "completeness.contacts_without_topic": "of them without topic",
        "completeness.events_without_head_count": "Events without a head count",
        "completeness.invalid_files": "Files with errors (left out)",
        "left_out.title": "Warning: incomplete data",
        "left_out.text": "These files could not be read and are missing from every figure of this report ({total}):",
        "left_out.remedy": "`mokoord check` names every problem. Repair the files (e.g. with `mokoord edit ID`), then make the report again.",
        "chart.contacts_by_month": "Contacts by month",
        "chart.contacts_by_month.alt": "Bar chart: contacts per month in the period, {total} in all; line: previous period.",
        "chart.by_field": "Organisations by field of activity",
        "chart.by_field.alt": "Bar chart: number of organisations per field of activity at the end of the period.",
        "chart.needs": "Open support needs by category",
        "chart.needs.alt": "Bar chart: open needs per category at the end of the period, {total} in all.",
        "chart.referrals": "Referrals by institution and outcome",
        "chart.referrals.alt": "Stacked bar chart: referrals per institution, split into taken up, not taken up and pending.",
        "chart.yoy": "This period compared with the previous one",
        "chart.yoy.alt": "Bar chart: key indicators in the period next to the previous period.",
        "outcome.taken_up": "taken up",
        "outcome.not_taken_up": "not taken up",
        "outcome.pending": "pending",
        "event_kind.training": "Training",
        "event_kind.exchange": "Exchange format",
        "date": "Date",
        "name": "Name",
        "kind": "Kind",
        "notes": "Notes",
        "since": "added on",
        "none": "none",
    },
}

METHODS: dict[str, list[tuple[str, str]]] = {
    "de": [
        (
            "Zeitraum",
            "Der Berichtszeitraum schließt Anfangs- und Enddatum ein. Verglichen wird mit dem "
            "unmittelbar vorangehenden Zeitraum gleicher Länge (bei ganzen Monaten gleich viele "
            "Monate, sonst gleich viele Tage). Die Veränderung ist die Differenz "
            "Berichtszeitraum minus Vorzeitraum.",
        ),
        (
            "Kontakte",
            "Jeder protokollierte Kontakt zählt einmal, auch wenn mehrere Organisationen "
            "beteiligt waren. Nur geplante Termine zählen nicht. Ein Kontakt mit mehreren "
            "Themen zählt bei jedem Thema, daher ist die Summe nach Thema größer als die Zahl "
            "der Kontakte.",
        ),
        (
            "Erreichte Organisationen",
            "Zahl der verschiedenen Organisationen, mit denen im Zeitraum mindestens ein "
            "Kontakt stattfand. Ein Kontakt mit zwei Organisationen erreicht beide.",
        ),
        (
            "Erstmals kontaktierte Organisationen",
            "Organisationen, deren frühester protokollierter Kontakt überhaupt im Zeitraum "
            "liegt (Akquise).",
        ),
        (
            "Register",
            "Das Register wird zum Ende des Zeitraums gezählt: Eine Organisation gehört dazu, "
            "wenn sie bis dahin aufgenommen war (known_since), und sie zählt mit dem Status, "
            "der an diesem Tag galt (laut Statusverlauf); war sie danach nur „bekannt“, hatte "
            "aber bis dahin schon einen Kontakt laut Kontaktprotokoll, zählt sie als "
            "„kontaktiert“. Eine Organisation mit mehreren "
            "Tätigkeitsfeldern zählt in jedem. „Neu aufgenommen“ sind Organisationen mit "
            "Aufnahmedatum im Zeitraum.",
        ),
        (
            "Abgelehnte Organisationen (§ 2.4)",
            "Organisationen mit dem Status „abgelehnt“ am Ende des Zeitraums erscheinen nur in "
            "der Gesamtzahl und in der Zählung nach Status. In allen anderen Kennzahlen "
            "(Kontakte, erreichte Organisationen, Felder, Bezirke, Bedarfe, Angebote, "
            "Teilnahme, Kooperationen, Verweisungen, Förderung) sind sie nicht enthalten; "
            "Kontakte ausschließlich mit abgelehnten Organisationen werden nicht gezählt.",
        ),
        (
            "Nicht geprüfte Einträge",
            "Einträge, deren letzte Prüfung (last_verified) am Ende des Zeitraums mehr als "
            "{months} Monate zurückliegt oder die nie geprüft wurden. Im Zeitraum geprüft: "
            "Einträge, deren letzte Prüfung im Zeitraum liegt (eine spätere Prüfung zählt im "
            "späteren Zeitraum).",
        ),
        (
            "Offene Unterstützungsbedarfe",
            "Bedarfe, die am Ende des Zeitraums bestanden und offen oder in Bearbeitung waren "
            "(ein später erledigter Bedarf zählt, wenn er erst nach dem Ende geschlossen wurde).",
        ),
        (
            "Qualifizierungen und Austauschformate",
            "Veranstaltungen der Art „Qualifizierung“ bzw. „Austauschformat“ mit Datum im "
            "Zeitraum. Teilnehmende: die erfasste Gesamtzahl, sonst die Summe der Personen der "
            "teilnehmenden Organisationen. Teilnehmende Organisationen: verschiedene "
            "Organisationen mit erfasster Teilnahme.",
        ),
        (
            "Neue Kooperationen",
            "Kooperationen, deren Beginn (since) im Zeitraum liegt.",
        ),
        (
            "Angebote der Organisationen",
            "Zahl der Organisationen im Register am Ende des Zeitraums, die ein Angebot machen "
            "(Veranstaltungen, Beratung, Ankommenshilfe, Begleitung …), nach dem aktuellen "
            "Stand ihres Eintrags.",
        ),
        (
            "Verweisberatung und Vermittlungsquote",
            "Gezählt werden die Verweisungen, die bei Kontakten im Zeitraum ausgesprochen "
            "wurden, mit ihrem Ergebnis nach dem Stand der Daten bei Erstellung des Berichts "
            "(eine im Folgejahr wahrgenommene Verweisung zählt als wahrgenommen). "
            "Vermittlungsquote = wahrgenommen ÷ (wahrgenommen + nicht wahrgenommen). Noch "
            "offene Verweisungen sind nicht im Nenner enthalten; gibt es keine abgeschlossene "
            "Verweisung, wird keine Quote angegeben.",
        ),
        (
            "Förderung",
            "Eingereicht: Anträge mit Einreichungsdatum im Zeitraum, mit beantragter Summe. "
            "Bewilligt: bewilligte Anträge mit Entscheidungsdatum (ersatzweise "
            "Einreichungsdatum) im Zeitraum, mit bewilligter Summe. Begleitet: von der "
            "Koordinierungsstelle unterstützte Anträge, datiert nach Einreichung, sonst Frist, "
            "sonst 1. Januar des Förderjahres.",
        ),
    ],
    "en": [
        (
            "Period",
            "The period includes its first and last day. It is compared with the period of "
            "equal length just before it (the same number of months for whole months, else "
            "the same number of days). The change is this period minus the previous one.",
        ),
        (
            "Contacts",
            "Every logged contact counts once, even when several organisations took part. "
            "Planned appointments do not count. A contact with several topics counts under "
            "each, so the topics add up to more than the contacts.",
        ),
        (
            "Organisations reached",
            "The number of different organisations with at least one contact in the period. "
            "A contact with two organisations reaches both.",
        ),
        (
            "Organisations contacted for the first time",
            "Organisations whose earliest logged contact ever lies in the period (acquisition).",
        ),
        (
            "Register",
            "The register is counted at the end of the period: an organisation belongs to it "
            "when it was added by then (known_since), with the status valid on that day "
            "(from its status history); one that was merely known then but had a contact in "
            "the contact log by that day counts as contacted. An organisation with several "
            "fields of activity "
            "counts in each. New organisations were added during the period.",
        ),
        (
            "Declined organisations (§2.4)",
            "Organisations with the status declined at the end of the period appear only in "
            "the total and the count by status. Every other indicator (contacts, organisations "
            "reached, fields, districts, needs, offers, attendance, cooperations, referrals, "
            "funding) leaves them out; contacts with declined organisations only are not "
            "counted.",
        ),
        (
            "Records not verified",
            "Records whose last verification (last_verified) lies more than {months} months "
            "before the end of the period, or that were never verified. Verified in the "
            "period: records whose last verification lies in the period (a later one counts "
            "in the later period).",
        ),
        (
            "Open support needs",
            "Needs that existed at the end of the period and were open or in progress then "
            "(a need met later counts when it was closed after the end).",
        ),
        (
            "Trainings and exchange formats",
            "Events of kind training or exchange format dated in the period. Participants: "
            "the recorded total, else the sum of people of the attending organisations. "
            "Organisations taking part: different organisations with recorded attendance.",
        ),
        ("New cooperations", "Cooperations whose start (since) lies in the period."),
        (
            "What the organisations offer",
            "The number of organisations in the register at the end of the period offering "
            "each format (events, counselling, arrival help, accompaniment …), as their "
            "records stand now.",
        ),
        (
            "Referrals and referral rate",
            "Referrals made in contacts of the period, with their outcome as recorded when the "
            "report is made (a referral taken up in the next year counts as taken up). "
            "Referral rate = taken up ÷ (taken up + not taken up). Pending referrals are left "
            "out of the denominator; without any closed referral no rate is given.",
        ),
        (
            "Funding",
            "Submitted: applications with a submission date in the period, with the amount "
            "requested. Granted: granted applications with a decision date (else submission "
            "date) in the period, with the amount granted. Supported: applications the office "
            "supported, dated by submission, else deadline, else 1 January of the funding year.",
        ),
    ],
}


def texts(lang: str, **values: Any) -> dict[str, str]:
    """The fixed texts in ``lang`` with the placeholders known so far filled in."""
    out: dict[str, str] = {}
    for key, text in TEXTS[lang].items():
        try:
            out[key] = text.format(**values)
        except KeyError:
            out[key] = text
    return out


def methods(lang: str, **values: Any) -> list[tuple[str, str]]:
    """The methods section: (term, definition) pairs in ``lang``."""
    return [(term, text.format(**values)) for term, text in METHODS[lang]]
