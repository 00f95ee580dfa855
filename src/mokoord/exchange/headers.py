"""The column headers of exports in languages other than German.

German headers are the import's first spellings (:mod:`mokoord.exchange.mapping`),
written by the exporter as they are: an exported sheet is imported again
unchanged. In another language each column gets its English header (a msgid,
translated for that language), which the import recognises too.
"""

from __future__ import annotations

from mokoord.i18n import N_, in_language

SHEETS: dict[str, str] = {
    "organisations": N_("Organisations"),
    "contacts": N_("Contacts"),
    "events": N_("Events"),
    "referrals": N_("Referrals"),
    "applications": N_("Funding applications"),
}
"""The title of an XLSX export's sheet in another language than German."""

ENGLISH: dict[str, str] = {
    "id": N_("ID"),
    "name": N_("Name"),
    "aliases": N_("Also known as"),
    "status": N_("Status"),
    "legal_form": N_("Legal form"),
    "register_court": N_("Register court"),
    "register_number": N_("Register number"),
    "founded": N_("Year founded"),
    "district": N_("District"),
    "street": N_("Street"),
    "postal_code": N_("Postal code"),
    "city": N_("City"),
    "fields": N_("Fields of activity"),
    "languages": N_("Languages"),
    "origins": N_("Origins"),
    "religion": N_("Religion"),
    "members": N_("Members"),
    "paid_staff": N_("Paid staff"),
    "rooms_own": N_("Own rooms"),
    "rooms_offered": N_("Rooms for others"),
    "offered_formats": N_("Offered formats"),
    "open_needs": N_("Open needs"),
    "networks": N_("Networks"),
    "website": N_("Website"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "contact_name": N_("Contact person"),
    "contact_role": N_("Contact role"),
    "contact_email": N_("Contact e-mail"),
    "contact_phone": N_("Contact phone"),
    "contact_consent_date": N_("Consent date"),
    "tags": N_("Tags"),
    "goals": N_("Goals"),
    "notes": N_("Notes"),
    "note": N_("Notes"),
    "known_since": N_("Known since"),
    "last_verified": N_("Last verified"),
    "date": N_("Date"),
    "organisations": N_("Organisations"),
    "organisation_ids": N_("Organisation IDs"),
    "channel": N_("Channel"),
    "initiated_by": N_("Initiated by"),
    "topics": N_("Topics"),
    "persons": N_("Persons"),
    "summary": N_("Summary"),
    "coordinator": N_("Coordinator"),
    "follow_up_date": N_("Follow-up date"),
    "follow_up_action": N_("Follow-up action"),
    "referrals": N_("Referrals"),
    "end": N_("End"),
    "time": N_("Start time"),
    "until": N_("End time"),
    "kind": N_("Kind"),
    "title": N_("Title"),
    "series": N_("Series"),
    "place": N_("Place"),
    "place_org": N_("Rooms of"),
    "organisers": N_("Organisers"),
    "participants": N_("Participants"),
    "held": N_("Held"),
    "expected_participants": N_("Expected participants"),
    "expected_organisation_ids": N_("Expected organisations"),
    "follow_up": N_("Follow-up"),
    "contact": N_("Contact ID"),
    "institution": N_("Institution ID"),
    "institution_name": N_("Institution"),
    "reason": N_("Reason"),
    "outcome": N_("Outcome"),
    "outcome_date": N_("Outcome on"),
    "organisation": N_("Organisation ID"),
    "organisation_name": N_("Organisation"),
    "programme": N_("Programme ID"),
    "programme_name": N_("Programme"),
    "line": N_("Funding line ID"),
    "line_name": N_("Funding line"),
    "year": N_("Year"),
    "requested": N_("Requested (€)"),
    "granted": N_("Granted (€)"),
    "supported": N_("Supported"),
    "deadline": N_("Deadline"),
    "submitted": N_("Submitted"),
    "decided": N_("Decided"),
    "proof_filed": N_("Proof of use filed"),
}
"""Column key → English header, for every column of every kind of export."""

BY_KIND: dict[tuple[str, str], str] = {
    ("events", "organisations"): N_("Organisations taking part"),
    ("referrals", "organisations"): N_("Organisation IDs"),
}
"""Where the same key means something else in one kind of export."""


def header(kind: str, key: str, german: str, lang: str) -> str:
    """The header of the column ``key`` of an export of ``kind`` in ``lang``."""
    if lang == "de":
        return german
    msgid = BY_KIND.get((kind, key)) or ENGLISH.get(key)
    return in_language(lang, msgid) if msgid else german


def sheet_title(kind: str, german: str, lang: str) -> str:
    """The title of the sheet of an XLSX export of ``kind`` in ``lang``."""
    return german if lang == "de" else in_language(lang, SHEETS[kind])
