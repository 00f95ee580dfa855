"""Everything the store holds about one person: the right of access (Art. 15 GDPR).

:func:`access_report` gathers, for ``mokoord privacy export``:

- the person's record as stored, with its legal basis, consent and retention;
- every contact naming the person by id, with its organisations, summary,
  follow-up and referrals;
- every other free text naming the person (by name in any spelling, e-mail or
  phone: :class:`~mokoord.privacy.values.Finder`), contacts included;
- other persons named in those texts are left out of the copy (Art. 15(4));
- the change history of the person's file in git: dates, authors, fields changed.

The result is plain data (the JSON of ``--format json``, its keys documented in
docs/privacy.md); :func:`render_html` turns it into a German (or English) page
the person can read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokoord import formatting, vocab
from mokoord.dataset import Dataset, plain
from mokoord.errors import NotFound
from mokoord.i18n import _
from mokoord.models import Config, Contact, Person
from mokoord.models.meta import FIELD_LABELS, FREE_TEXT, field_label_id
from mokoord.privacy import texts as privacy_texts
from mokoord.privacy.retention import last_contacts, person_due
from mokoord.privacy.values import Finder, Matcher, excerpt, identifying_values, texts_of


def get_person(data: Dataset, person_id: str) -> Person:
    person = data.persons.get(person_id)
    if person is None:
        raise NotFound(
            _("no person with id '{id}'").format(id=person_id),
            hint=_("persons are named by their id (p-4k2m9x): see mokoord show ORGANISATION"),
        )
    return person


@dataclass(frozen=True)
class Version:
    """One commit that changed the person's file."""

    commit: str
    date: dt.datetime
    author: str
    message: str
    changed: list[str]


def record_history(repo: Path, path: str) -> list[Version]:
    """The commits that changed ``path`` (relative to ``repo``), newest first, with the
    top-level keys each one changed."""
    from mokoord.gitops import git
    from mokoord.yamlio import parse_document

    log = git(
        ["log", "--format=%x1e%H%x1f%aI%x1f%an%x1f%s", "--name-only", "--", path],
        repo,
        check=False,
    )
    versions: list[Version] = []
    commits: list[tuple[str, str, str, str]] = []
    for block in log.stdout.split("\x1e"):
        line = block.strip().splitlines()[0] if block.strip() else ""
        if line.count("\x1f") == 3:
            commit, date, author, message = line.split("\x1f")
            commits.append((commit, date, author, message))

    def content(commit: str) -> dict[str, Any]:
        shown = git(["show", f"{commit}:{path}"], repo, check=False)
        if shown.returncode != 0:
            return {}
        doc = parse_document(path, shown.stdout.encode("utf-8"), locate=False)
        return dict(doc.data) if isinstance(doc.data, dict) else {}

    for commit, date, author, message in commits:
        after = content(commit)
        before = content(f"{commit}^")
        keys = (
            [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
            if before
            else []  # the file was created: the page says so
        )
        versions.append(
            Version(
                commit, dt.datetime.fromisoformat(date), author, message, [str(k) for k in keys]
            )
        )
    return versions


def _term(config: Config, vocabulary: str, key: str | None, lang: str) -> dict[str, Any] | None:
    if key is None:
        return None
    return {"key": key, "label": vocab.label(config, vocabulary, key, lang)}


def _legal_basis(config: Config, person: Person, lang: str) -> dict[str, Any] | None:
    if person.legal_basis is None:
        return None
    law = config.privacy.public_task_law
    return {
        "key": person.legal_basis,
        "label": privacy_texts.LEGAL_BASES[lang][person.legal_basis].format(law=law),
    }


class _Others:
    """Other persons named in the texts given out: their names, e-mail addresses and
    phone numbers are left out of the copy (Art. 15(4) GDPR: the rights of others)."""

    def __init__(self, data: Dataset, person: Person, lang: str) -> None:
        self.matcher = Matcher(p for p in data.persons.values() if p.id != person.id)
        self.placeholder = privacy_texts.placeholder("other", lang)

    def __call__(self, text: str | None) -> str | None:
        if not text or not self.matcher:
            return text
        for mention in sorted(self.matcher.find(text), key=lambda m: -m.start):
            text = text[: mention.start] + self.placeholder + text[mention.end :]
        return text


def _contact(data: Dataset, contact: Contact, lang: str, shield: _Others) -> dict[str, Any]:
    config = data.config
    orgs = data.organisations
    follow = contact.follow_up
    return {
        "id": contact.id,
        "date": contact.date.isoformat(),
        "organisations": [
            {"id": org_id, "name": orgs[org_id].name if org_id in orgs else org_id}
            for org_id in contact.organisations
        ],
        "channel": _term(config, "channels", contact.channel, lang),
        "topics": [_term(config, "topics", topic, lang) for topic in contact.topics],
        "summary": shield(contact.summary),
        "follow_up": {
            "date": follow.date.isoformat(),
            "action": shield(follow.action),
            "done": follow.done.isoformat() if follow.done else None,
        }
        if follow
        else None,
        "referrals": [
            {
                "institution": referral.institution,
                "institution_name": data.institutions[referral.institution].name
                if referral.institution in data.institutions
                else referral.institution,
                "reason": shield(referral.reason),
                "outcome": _term(config, "outcomes", referral.outcome, lang),
                "outcome_date": referral.outcome_date.isoformat()
                if referral.outcome_date
                else None,
                "note": shield(referral.note),
            }
            for referral in contact.referrals
        ],
    }


def access_report(
    data: Dataset,
    person_id: str,
    *,
    history: list[Version],
    today: dt.date,
    lang: str = "de",
) -> dict[str, Any]:
    """Everything about one person, as plain data (see the module's docstring)."""
    person = get_person(data, person_id)
    config = data.config
    privacy = config.privacy
    finder = Finder(identifying_values(person))
    shield = _Others(data, person, lang)
    latest = last_contacts(c for c in data.contacts.values() if person.id in c.persons)
    retention = person_due(person, data.organisations, latest.get(person.id), privacy.retention)
    named = sorted(
        (c for c in data.contacts.values() if person.id in c.persons),
        key=lambda c: (c.date, c.id),
    )
    named_ids = {c.id for c in named}
    in_text: list[Contact] = []
    mentions: list[dict[str, Any]] = []
    if finder:
        for kind, paths in FREE_TEXT.items():
            for record in data.records(kind).values():
                for path, text in texts_of(record, paths):
                    hits = finder.find(text)
                    if not hits:
                        continue
                    if kind == "contact" and record.id not in named_ids and record not in in_text:
                        in_text.append(record)
                    mentions.append(
                        {
                            "kind": kind,
                            "id": record.id,
                            "field": path,
                            "label": _field_label(path, lang),
                            "excerpt": shield(excerpt(text, hits[0].start, hits[0].end)),
                        }
                    )
    org = data.organisations.get(person.organisation or "")
    institutions = sorted(
        {r.institution for c in named for r in c.referrals},
    )
    consent = person.consent
    return {
        "generated": today.isoformat(),
        "language": lang,
        "controller": privacy.controller or f"{config.office}, {config.city}",
        "data_protection_officer": privacy.data_protection_officer,
        "supervisory_authority": privacy.supervisory_authority,
        "person": _json_safe(plain(person)),
        "fields": [
            {
                "key": key,
                "label": _field_label(key, lang),
                "value": _shown(value, config, key, lang),
            }
            for key, value in plain(person).items()
            if key not in ("consent", "legal_basis", "organisation")
        ],
        "organisation": {"id": org.id, "name": org.name} if org else None,
        "legal_basis": _legal_basis(config, person, lang),
        "consent": {
            "date": consent.date.isoformat(),
            "scope": [_term(config, "consent_scopes", scope, lang) for scope in consent.scope],
            "source": consent.source,
            "withdrawn": consent.withdrawn.isoformat() if consent.withdrawn else None,
        }
        if consent
        else None,
        "retention": {
            "due": retention.date.isoformat(),
            "since": retention.since.isoformat(),
            "reason": retention.reason,
            "message": retention.message(privacy.retention, lang),
        }
        if retention
        else None,
        "retention_months_after_last_contact": privacy.retention.person_months_after_last_contact,
        "contact_text_years": privacy.retention.contact_text_years,
        "contacts": [_contact(data, contact, lang, shield) for contact in named],
        "contacts_in_text": [_contact(data, contact, lang, shield) for contact in in_text],
        "mentions": mentions,
        "recipients": [
            {
                "id": key,
                "name": data.institutions[key].name if key in data.institutions else key,
            }
            for key in institutions
        ],
        "history": [
            {
                "commit": version.commit,
                "date": version.date.isoformat(),
                "author": version.author,
                "message": version.message,
                "changed": version.changed,
            }
            for version in history
        ],
    }


def _json_safe(value: Any) -> Any:
    """Plain data with dates as ISO strings (the JSON of the export, and what the page reads)."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_label(path: str, lang: str) -> str:
    from mokoord.i18n import in_language

    key = path.split(".")[-1] if not path.split(".")[-1].isdigit() else path.split(".")[0]
    return in_language(lang, field_label_id(None, key) if key in FIELD_LABELS else key)


def _shown(value: Any, config: Config, key: str, lang: str) -> str:
    if isinstance(value, dt.date):
        return formatting.date(value, lang)
    if key == "languages" and isinstance(value, list):
        return ", ".join(vocab.label(config, "languages", code, lang) for code in value)
    if key == "role" and isinstance(value, str):
        return vocab.label(config, "roles", value, lang)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def render_html(report: dict[str, Any], store_root: Path | None = None) -> str:
    """The access export as one self-contained HTML page in the report's language."""
    from mokoord.privacy.render import render_document

    lang = report["language"]
    t = privacy_texts.texts(
        lang,
        controller=report["controller"],
        date=formatting.date(dt.date.fromisoformat(report["generated"]), lang),
        authority=report["supervisory_authority"],
        dpo=report["data_protection_officer"] or "",
        months=report["retention_months_after_last_contact"],
        years=report["contact_text_years"],
        id=report["person"]["id"],
    )
    return render_document(
        "privacy-access.html.j2",
        store_root,
        t=t,
        r=report,
        purposes=privacy_texts.PURPOSES[lang],
        date=lambda iso: formatting.date(dt.date.fromisoformat(iso[:10]), lang) if iso else "",
        field=lambda key: _field_label(key, lang),
    )
