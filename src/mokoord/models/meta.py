"""What the models say about their fields, declared once next to them.

- :class:`Vocab` marks a field whose values are terms of a vocabulary: one of
  ``mokoord.yaml``'s vocabularies (``districts``, ``fields`` …) or one of the
  fixed ones below (``statuses``, ``outcomes`` …). Checks, labels in tables,
  and the resolution of what people type all read it through
  :func:`vocabulary_fields`.
- :data:`FIXED_VOCABULARIES` holds the terms mokoord itself defines, each with
  its label (an English msgid; German from the catalogue).
- :data:`FIELD_LABELS` names every field as people call it ("Postleitzahl"),
  for messages and forms; :func:`field_label` looks one up.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from mokoord.i18n import N_


@dataclass(frozen=True, slots=True)
class Vocab:
    """Annotation metadata: ``Annotated[Term, Vocab("districts")]``."""

    name: str


Path = tuple[str, ...]
"""A field's place in a record: keys, with ``"*"`` for every item of a list."""


# --------------------------------------------------------------------------- fixed vocabularies

FIXED_VOCABULARIES: dict[str, dict[str, str]] = {
    "statuses": {
        "known": N_("known"),
        "contacted": N_("contacted"),
        "in_dialogue": N_("in dialogue"),
        "cooperating": N_("cooperating"),
        "inactive": N_("inactive"),
        "dissolved": N_("dissolved"),
        "declined": N_("declined (§2.4)"),
    },
    "need_statuses": {
        "open": N_("open"),
        "in_progress": N_("in progress"),
        "met": N_("met"),
        "dropped": N_("dropped"),
    },
    "outcomes": {
        "pending": N_("pending"),
        "taken_up": N_("taken up"),
        "not_taken_up": N_("not taken up"),
    },
    "initiators": {
        "office": N_("the office"),
        "organisation": N_("the organisation"),
    },
    "network_kinds": {
        "network": N_("network"),
        "umbrella": N_("umbrella body"),
    },
    "meeting_rhythms": {
        "weekly": N_("weekly"),
        "monthly": N_("monthly"),
        "every_two_months": N_("every two months"),
        "quarterly": N_("quarterly"),
        "twice_a_year": N_("twice a year"),
        "yearly": N_("yearly"),
        "irregularly": N_("irregularly"),
        "as_needed": N_("as needed"),
    },
    "levels": {
        "local": N_("local"),
        "regional": N_("regional"),
        "state": N_("state"),
        "federal": N_("federal"),
        "international": N_("international"),
    },
    "line_kinds": {
        "institutional": N_("institutional funding"),
        "project": N_("project funding"),
        "micro_project": N_("micro project"),
        "staff": N_("staff funding"),
        "other": N_("other funding"),
    },
    "periods": {
        "project": N_("per project"),
        "month": N_("per month"),
        "year": N_("per year"),
    },
    "application_statuses": {
        "idea": N_("idea"),
        "draft": N_("draft"),
        "submitted": N_("submitted"),
        "granted": N_("granted"),
        "rejected": N_("rejected"),
        "proof_filed": N_("proof of use filed"),
        "withdrawn": N_("withdrawn"),
    },
    "legal_bases": {
        "consent": N_("consent (Art. 6(1)(a) GDPR)"),
        "contract": N_("contract (Art. 6(1)(b) GDPR)"),
        "public_task": N_("public task (Art. 6(1)(e) GDPR)"),
        "legitimate_interest": N_("legitimate interest (Art. 6(1)(f) GDPR)"),
    },
    "record_kinds": {
        "organisations": N_("organisations"),
        "contacts": N_("contacts"),
        "events": N_("events"),
        "referrals": N_("referrals"),
        "applications": N_("funding applications"),
    },
    "duplicate_policies": {
        "skip": N_("skip"),
        "update": N_("update"),
        "fill": N_("fill in: empty fields only"),
        "ask": N_("ask"),
    },
    "erasure_grounds": {
        "no_longer_needed": N_("no longer needed (Art. 17(1)(a) GDPR)"),
        "consent_withdrawn": N_("consent withdrawn (Art. 17(1)(b) GDPR)"),
        "objection": N_("objection (Art. 17(1)(c) GDPR)"),
        "unlawful": N_("processed unlawfully (Art. 17(1)(d) GDPR)"),
        "legal_obligation": N_("legal obligation to erase (Art. 17(1)(e) GDPR)"),
    },
}
"""The vocabularies mokoord defines itself: term → label (msgid)."""

VOCABULARY_TITLES: dict[str, str] = {
    "fields": N_("field of activity"),
    "districts": N_("district"),
    "channels": N_("channel"),
    "topics": N_("topic"),
    "need_categories": N_("need category"),
    "event_kinds": N_("kind of event"),
    "legal_forms": N_("legal form"),
    "offered_formats": N_("offered format"),
    "institution_kinds": N_("kind of institution"),
    "religions": N_("religion"),
    "age_groups": N_("age group"),
    "consent_scopes": N_("consent scope"),
    "roles": N_("role"),
    "tags": N_("tag"),
    "statuses": N_("status"),
    "need_statuses": N_("status of a need"),
    "outcomes": N_("outcome"),
    "initiators": N_("initiator"),
    "network_kinds": N_("kind of network"),
    "levels": N_("level"),
    "meeting_rhythms": N_("meeting rhythm"),
    "line_kinds": N_("kind of funding line"),
    "periods": N_("period"),
    "application_statuses": N_("status of an application"),
    "legal_bases": N_("legal basis"),
    "record_kinds": N_("kind of records"),
    "duplicate_policies": N_("way to handle duplicates"),
    "erasure_grounds": N_("ground for erasure"),
}
"""What one term of each vocabulary is called (msgid), for messages and prompts."""


OPEN_VOCABULARIES: frozenset[str] = frozenset({"roles", "meeting_rhythms"})
"""Vocabularies whose fields may also hold free text: a declared term is shown by
its label, anything else as written (a role such as "Kulturbeauftragte", a
network that meets "nach Bedarf des Vorstands")."""


# --------------------------------------------------------------------------- field labels

FIELD_LABELS: dict[str, str] = {
    "action": N_("Action"),
    "address": N_("Address"),
    "age_groups": N_("Age groups"),
    "aliases": N_("Other names"),
    "annual_budget": N_("Annual budget"),
    "attendance": N_("Attendance"),
    "author": N_("Author of commits"),
    "by": N_("Erased by"),
    "category": N_("Category"),
    "channel": N_("Channel"),
    "city": N_("City"),
    "closed": N_("Closed on"),
    "consent": N_("Consent"),
    "contact_institution": N_("Contact institution"),
    "contact_text_years": N_("Free text of contacts kept (years)"),
    "controller": N_("Controller"),
    "coordinator": N_("Coordinator"),
    "count": N_("Number of members"),
    "court": N_("Register court"),
    "data_protection_officer": N_("Data protection officer"),
    "date": N_("Date"),
    "de": N_("German label"),
    "deadline": N_("Deadline"),
    "deadlines": N_("Deadlines"),
    "decided": N_("Decided on"),
    "department": N_("Department"),
    "district": N_("District"),
    "done": N_("Done on"),
    "eligible_legal_forms": N_("Eligible legal forms"),
    "email": N_("E-mail"),
    "en": N_("English label"),
    "end": N_("End"),
    "erased": N_("Erased on"),
    "fields": N_("Fields of activity"),
    "fingerprints": N_("Fingerprints"),
    "follow_up": N_("Follow-up"),
    "follow_up_overdue_days": N_("Follow-up overdue after (days)"),
    "format": N_("Format version"),
    "founded": N_("Year founded"),
    "funder": N_("Funder"),
    "funder_institution": N_("Funding institution"),
    "goals": N_("Goals"),
    "granted": N_("Amount granted"),
    "ground": N_("Ground for erasure"),
    "id": N_("Id"),
    "initiated_by": N_("Initiated by"),
    "institution": N_("Institution"),
    "key": N_("Key of the fingerprints"),
    "kind": N_("Kind"),
    "known_since": N_("Known since"),
    "language": N_("Language"),
    "languages": N_("Languages"),
    "last_contact": N_("Last contact"),
    "last_verified": N_("Last verified"),
    "legal_basis": N_("Legal basis"),
    "legal_form": N_("Legal form"),
    "level": N_("Level"),
    "line": N_("Funding line"),
    "lines": N_("Funding lines"),
    "main_arrival_period": N_("Main period of arrival"),
    "max_amount": N_("Maximum amount"),
    "max_amount_without_rooms": N_("Maximum amount without own rooms"),
    "meeting_rhythm": N_("Meeting rhythm"),
    "members": N_("Members"),
    "months": N_("Months"),
    "name": N_("Name"),
    "need_categories": N_("Need categories"),
    "needs": N_("Needs"),
    "networks": N_("Networks"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "number": N_("Register number"),
    "offered_formats": N_("Offered formats"),
    "offered_to_others": N_("Rooms offered to others"),
    "office": N_("Office"),
    "organisation": N_("Organisation"),
    "organisations": N_("Organisations"),
    "organisers": N_("Organisers"),
    "origins": N_("Regions of origin"),
    "outcome": N_("Outcome"),
    "outcome_date": N_("Date of the outcome"),
    "own": N_("Own rooms"),
    "paid_staff": N_("Paid staff"),
    "participants": N_("Participants"),
    "partner": N_("Partner"),
    "people": N_("Head count"),
    "per": N_("Limit per"),
    "person_months_after_last_contact": N_("Persons kept after the last contact (months)"),
    "person_months_after_organisation_ends": N_(
        "Persons kept after the organisation ends (months)"
    ),
    "persons": N_("Persons"),
    "phone": N_("Phone"),
    "place": N_("Place"),
    "place_org": N_("Hosting organisation"),
    "planned": N_("Planned"),
    "postal_code": N_("Postal code"),
    "privacy": N_("Data protection"),
    "programme": N_("Funding programme"),
    "proof_filed": N_("Proof of use filed on"),
    "public_task_law": N_("Law of the public task"),
    "quiet_after_days": N_("Quiet after (days)"),
    "reason": N_("Reason"),
    "recorded": N_("Recorded on"),
    "referral_pending_days": N_("Referral pending after (days)"),
    "referrals": N_("Referrals"),
    "registration": N_("Register entry"),
    "relations_abroad": N_("Relations abroad"),
    "religion": N_("Religion"),
    "replaced": N_("Replaced commits"),
    "requested": N_("Amount requested"),
    "retention": N_("Retention periods"),
    "role": N_("Role"),
    "rooms": N_("Rooms"),
    "scope": N_("Scope of consent"),
    "sender": N_("Sender of letters"),
    "series": N_("Training series"),
    "settings": N_("Settings"),
    "share_born_in_germany": N_("Share born in Germany (%)"),
    "signature": N_("Signature"),
    "since": N_("Since"),
    "source": N_("Source of consent"),
    "stale_after_months": N_("Stale after (months)"),
    "status": N_("Status"),
    "status_history": N_("Status history"),
    "status_reason": N_("Reason for the status"),
    "status_since": N_("Status since"),
    "street": N_("Street"),
    "subject": N_("Subject"),
    "submitted": N_("Submitted on"),
    "summary": N_("Summary"),
    "supervisory_authority": N_("Supervisory authority"),
    "supported": N_("Supported by the office"),
    "tags": N_("Tags"),
    "texts": N_("Free text removed"),
    "time": N_("Start time"),
    "timezone": N_("Time zone"),
    "title": N_("Title"),
    "topic": N_("Topic"),
    "topics": N_("Topics"),
    "until": N_("Until"),
    "vocabularies": N_("Vocabularies"),
    "website": N_("Website"),
    "withdrawn": N_("Consent withdrawn on"),
    "year": N_("Year"),
}
"""Every field's label (msgid) by its key; a key means the same in every record."""

FIELD_LABEL_OVERRIDES: dict[tuple[str, str], str] = {
    ("Event", "date"): N_("Date (start)"),
    ("Contact", "date"): N_("Date of contact"),
    ("Consent", "date"): N_("Date of consent"),
    ("FollowUp", "date"): N_("Follow-up date"),
    ("Deadline", "date"): N_("Deadline date"),
    ("Event", "follow_up"): N_("Follow-up notes"),
    ("Event", "until"): N_("End time"),
    ("Config", "city"): N_("City of the office"),
    ("Erasure", "date"): N_("Date of the erasure"),
    ("Erasure", "reason"): N_("Reason for the erasure"),
    ("Erasure", "persons"): N_("Persons erased"),
    ("RedactedText", "fields"): N_("Fields removed"),
    ("RedactedText", "kind"): N_("Kind of record"),
    ("Consent", "source"): N_("How consent was given"),
}
"""(model name, key) → label, where a key means something more specific."""


def field_label_id(model: type[BaseModel] | None, key: str) -> str:
    """The label msgid of ``key`` in ``model`` (untranslated); the key itself if none."""
    if model is not None:
        found = FIELD_LABEL_OVERRIDES.get((model.__name__, key))
        if found:
            return found
    return FIELD_LABELS.get(key, key)


# --------------------------------------------------------------------------- personal data


@dataclass(frozen=True, slots=True)
class Personal:
    """What a field holds about a data subject (Art. 4(1) GDPR)."""

    category: str
    """The category of personal data, as the record of processing names it (a key of
    :data:`mokoord.privacy.texts.CATEGORIES`)."""
    search: str | None = None
    """How an erasure finds the value elsewhere (free text, the history): ``name``,
    ``email``, ``phone`` or ``text``; ``None`` for values that identify nobody on
    their own (dates, vocabulary terms, ids, a role such as "Vorsitz", how consent
    was given)."""


PERSONAL_DATA: dict[str, dict[Path, Personal]] = {
    "person": {
        ("name",): Personal("name", "name"),
        ("organisation",): Personal("affiliation"),
        ("role",): Personal("affiliation"),
        ("email",): Personal("contact", "email"),
        ("phone",): Personal("contact", "phone"),
        ("languages", "*"): Personal("languages"),
        ("legal_basis",): Personal("legal_basis"),
        ("consent", "date"): Personal("legal_basis"),
        ("consent", "scope", "*"): Personal("legal_basis"),
        ("consent", "source"): Personal("legal_basis"),
        ("consent", "withdrawn"): Personal("legal_basis"),
        ("recorded",): Personal("dates"),
        ("last_contact",): Personal("dates"),
        ("notes",): Personal("notes", "text"),
    },
    "contact": {
        ("persons", "*"): Personal("participation"),
        ("coordinator",): Personal("staff"),
    },
}
"""Every field holding personal data, by kind of record; the record of processing
(Art. 30 GDPR), the access export and the erasure read it from here."""

FREE_TEXT: dict[str, tuple[Path, ...]] = {
    "contact": (
        ("summary",),
        ("follow_up", "action"),
        ("referrals", "*", "reason"),
        ("referrals", "*", "note"),
    ),
    "organisation": (
        ("notes",),
        ("goals",),
        ("status_reason",),
        ("status_history", "*", "reason"),
        ("needs", "*", "note"),
        ("members", "note"),
        ("rooms", "note"),
        ("relations_abroad",),
    ),
    "event": (("notes",), ("follow_up",)),
    "cooperation": (("notes",),),
    "network": (("notes",),),
    "institution": (("notes",),),
    "programme": (("notes",), ("lines", "*", "notes")),
    "application": (("notes",),),
}
"""Fields where people write prose, which may name a person: ``check`` warns when
one does, an erasure redacts the person there, ``--anonymous`` leaves them out."""

CONTACT_TEXT: tuple[Path, ...] = FREE_TEXT["contact"]
"""The free text of a contact, removed when its retention period ends."""


# --------------------------------------------------------------------------- walking annotations


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside ``Annotated[...]`` and the metadata gathered on the way."""
    metadata: list[Any] = []
    while get_origin(annotation) is typing.Annotated:
        metadata.extend(annotation.__metadata__)
        annotation = get_args(annotation)[0]
    return annotation, metadata


def _walk(annotation: Any, path: Path, found: dict[Path, str], depth: int = 0) -> None:
    if depth > 8:
        return
    annotation, metadata = _unwrap(annotation)
    for item in metadata:
        if isinstance(item, Vocab):
            found[path] = item.name
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                _walk(arg, path, found, depth + 1)
    elif origin in (list, tuple, set, frozenset):
        for arg in get_args(annotation)[:1]:
            _walk(arg, (*path, "*"), found, depth + 1)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for key, info in annotation.model_fields.items():
            inner: Any = info.annotation
            extra = [m for m in info.metadata if isinstance(m, Vocab)]
            if extra:
                found[(*path, key)] = extra[-1].name
            _walk(inner, (*path, key), found, depth + 1)


@cache
def vocabulary_fields(model: type[BaseModel]) -> tuple[tuple[Path, str], ...]:
    """Every place in ``model`` that holds terms of a vocabulary: ``(path, vocabulary)``.

    ``path`` uses ``"*"`` for the items of a list: ``(("needs", "*", "category"),
    "need_categories")``.
    """
    found: dict[Path, str] = {}
    _walk(model, (), found)
    return tuple(sorted(found.items()))


def values_at(data: Any, path: Path, loc: tuple[str | int, ...] = ()) -> list[tuple[Any, Any]]:
    """``(location, value)`` for every value at ``path`` in a model or plain mapping."""
    if data is None:
        return []
    if not path:
        return [(loc, data)]
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(data, list | tuple):
            return []
        out: list[tuple[Any, Any]] = []
        for index, item in enumerate(data):
            out.extend(values_at(item, rest, (*loc, index)))
        return out
    value = data.get(head) if isinstance(data, dict) else getattr(data, head, None)
    return values_at(value, rest, (*loc, head))
