"""The record of processing activities (Art. 30(1) GDPR), generated, not written by hand.

Everything in it comes from the code and the store, so it cannot drift from
what mokoord does:

- categories of personal data: the fields :data:`~mokoord.models.meta.PERSONAL_DATA`
  marks as personal, grouped by category, and the free-text fields
  (:data:`~mokoord.models.meta.FREE_TEXT`) that may name persons;
- legal bases: the fixed vocabulary ``legal_bases``, with how many persons rest
  on each, and the Land's law of the public task from ``mokoord.yaml``;
- recipients: the institutions referrals go to;
- retention periods: ``privacy.retention`` of ``mokoord.yaml``;
- technical and organisational measures: what mokoord does (:data:`~mokoord.privacy.texts.MEASURES`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from mokoord import formatting
from mokoord.dataset import Dataset
from mokoord.i18n import in_language
from mokoord.models.meta import FIELD_LABELS, FREE_TEXT, PERSONAL_DATA, VOCABULARY_TITLES
from mokoord.privacy import texts as privacy_texts

RecordFormat = Literal["md", "html"]
RECORD_FORMATS: tuple[RecordFormat, ...] = ("md", "html")


def _label(key: str, lang: str) -> str:
    return in_language(lang, FIELD_LABELS.get(key, key))


def _path_label(path: tuple[str, ...], lang: str) -> str:
    return " › ".join(_label(part, lang) for part in path if part != "*")


def processing_record(data: Dataset, *, today: dt.date, lang: str = "de") -> dict[str, Any]:
    """The record's content as plain data (the same for Markdown and HTML)."""
    config = data.config
    privacy = config.privacy
    categories: dict[str, list[str]] = {}
    for kind, fields in PERSONAL_DATA.items():
        for path, personal in fields.items():
            name = privacy_texts.CATEGORIES[lang][personal.category]
            label = _path_label(path, lang)
            if kind != "person":
                label = f"{label} ({privacy_texts.KINDS[lang][kind]})"
            entries = categories.setdefault(name, [])
            if label not in entries:
                entries.append(label)
    free_text = [
        {
            "kind": privacy_texts.KINDS[lang][kind],
            "fields": [_path_label(path, lang) for path in paths],
        }
        for kind, paths in FREE_TEXT.items()
    ]
    persons = [p for p in data.persons.values() if p.erased is None]
    bases: Counter[str] = Counter(p.legal_basis or "" for p in persons)
    legal = [
        {
            "key": key,
            "label": text.format(law=privacy.public_task_law),
            "persons": bases.get(key, 0),
        }
        for key, text in privacy_texts.LEGAL_BASES[lang].items()
    ]
    referred = Counter(
        referral.institution for contact in data.contacts.values() for referral in contact.referrals
    )
    recipients = [
        {
            "id": key,
            "name": data.institutions[key].name if key in data.institutions else key,
            "referrals": count,
        }
        for key, count in sorted(referred.items(), key=lambda item: (-item[1], item[0]))
    ]
    retention = privacy.retention
    erasures = list(data.erasures.values())
    return {
        "generated": today.isoformat(),
        "language": lang,
        "controller": privacy.controller or f"{config.office}, {config.city}",
        "data_protection_officer": privacy.data_protection_officer,
        "office": config.office,
        "purposes": privacy_texts.PURPOSES[lang],
        "legal_bases": legal,
        "public_task_law": privacy.public_task_law,
        "categories": [{"category": name, "fields": fields} for name, fields in categories.items()],
        "free_text": free_text,
        "recipients": recipients,
        "retention": {
            "person_months_after_organisation_ends": retention.person_months_after_organisation_ends,
            "person_months_after_last_contact": retention.person_months_after_last_contact,
            "contact_text_years": retention.contact_text_years,
        },
        "measures": [
            {"title": title, "text": text} for title, text in privacy_texts.MEASURES[lang]
        ],
        "figures": {
            "persons": len(persons),
            "withdrawn": sum(1 for p in persons if p.consent_withdrawn),
            "erased": sum(len(e.persons) for e in erasures),
            "erasures": len(erasures),
        },
        "vocabulary_title": in_language(lang, VOCABULARY_TITLES["legal_bases"]),
    }


def render_record(record: dict[str, Any], fmt: RecordFormat, store_root: Path | None = None) -> str:
    """The record as Markdown or one self-contained HTML page."""
    from mokoord.privacy.render import render_document

    lang = record["language"]
    retention = record["retention"]
    figures = record["figures"]
    t = privacy_texts.texts(
        lang,
        date=formatting.date(dt.date.fromisoformat(record["generated"]), lang),
        office=record["office"],
        months=retention["person_months_after_last_contact"],
        years=retention["contact_text_years"],
        **figures,
    )
    t["record_retention_persons_org"] = privacy_texts.TEXTS[lang][
        "record.retention_persons_org"
    ].format(months=retention["person_months_after_organisation_ends"])
    text = render_document(f"privacy-record.{fmt}.j2", store_root, t=t, r=record)
    if fmt == "md":
        import re

        text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
    return text
