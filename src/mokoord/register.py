"""The register of organisations: finding, filters, search, staleness, summaries, status.

Pure functions over a :class:`~mokoord.dataset.Dataset` and the models; the
commands in ``mokoord.cli.register`` and ``mokoord.cli.changes`` call them and
print the results. Adding records: :mod:`mokoord.registering`; needs:
:mod:`mokoord.needs`; undeclared terms: :mod:`mokoord.terms`; the status
from the contact log: :mod:`mokoord.pipeline`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mokoord.dataset import Dataset, plain
from mokoord.dates import add_months
from mokoord.errors import MokoordError, NotFound, UsageError
from mokoord.facts import OrganisationFact, field_of, mentioning, rows_of, search_texts, select
from mokoord.models import Config, Organisation, Person, StatusChange
from mokoord.pipeline import effective_status, first_contacts
from mokoord.plans import Plan, Write
from mokoord.records import Records
from mokoord.textmatch import fold, fold_variants, pick, words_of

# --------------------------------------------------------------------------- statuses


def normalise_status(text: str, config: Config | None = None, flag: str = "--status") -> str:
    """A status by key or label in either language ("im Gespräch", "in dialogue",
    "in-dialogue", "kooperierend"); a clear error for anything else."""
    from mokoord.vocab import resolve

    return resolve(config or Config(), "statuses", text.replace("-", "_"), flag=flag)


# --------------------------------------------------------------------------- finding


def names_of(data: Dataset) -> dict[str, list[str]]:
    """Organisation id → the names it goes by (name and aliases)."""
    return {key: [org.name, *org.aliases] for key, org in data.organisation_facts().items()}


def not_found(data: Dataset, org_id: str, flag: str | None = None) -> MokoordError:
    """An error for an unknown organisation id that names the closest ids and names,
    or says that the organisation's file cannot be read."""
    broken = data.unreadable("organisation", org_id)
    if broken is not None:
        return broken
    from mokoord.i18n import _

    matches = pick(org_id.replace("-", " "), names_of(data), limit=3, cutoff=50.0)
    hint = None
    if matches:
        facts = data.organisation_facts()
        hint = _("did you mean: {candidates}").format(
            candidates=", ".join(f"{m.key} ({facts[m.key].name})" for m in matches)
        )
    else:
        hint = _("find the id with: mokoord search WORD")
    message = _("no organisation with id '{id}'").format(id=org_id)
    return NotFound(f"{flag}: {message}" if flag else message, hint=hint)


def get_org(data: Dataset, org_id: str, flag: str | None = None) -> Organisation:
    """One organisation of the dataset, or :func:`not_found` (naming ``flag`` if given)."""
    org = data.organisations.get(org_id)
    if org is None:
        raise not_found(data, org_id, flag)
    return org


def persons_of(data: Dataset, org_id: str) -> list[Person]:
    """The contact persons whose ``organisation`` is ``org_id``, by id."""
    return sorted(
        (p for p in mentioning(data.persons, org_id) if p.organisation == org_id),
        key=lambda p: p.id,
    )


def person_counts(data: Dataset) -> dict[str, int]:
    """Organisation id → how many contact persons it has (counted once per dataset)."""

    def count(data: Dataset) -> dict[str, int]:
        made = field_of(data.persons, 0)
        owners = (
            list(made.values())
            if made is not None
            else [person.organisation for person in data.persons.values()]
        )
        counts: dict[str, int] = {}
        for owner in owners:
            if owner:
                counts[owner] = counts.get(owner, 0) + 1
        return counts

    return data.derived("person-counts", count)


# --------------------------------------------------------------------------- staleness


def stale_since(org: Organisation | OrganisationFact) -> dt.date | None:
    """The date the record was last confirmed: ``last_verified``, else ``known_since``."""
    return org.last_verified or org.known_since


def is_stale(org: Organisation | OrganisationFact, months: int, today: dt.date) -> bool:
    """Not verified for more than ``months`` months (never verified and no
    ``known_since`` counts as stale)."""
    since = stale_since(org)
    return since is None or add_months(since, months) < today


# --------------------------------------------------------------------------- listing


@dataclass
class Filters:
    """What ``mokoord list`` narrows by; ``None``/empty means "any"."""

    status: str | None = None
    field: str | None = None
    district: str | None = None
    language: str | None = None
    need: str | None = None
    tag: str | None = None
    stale: bool = False
    include_declined: bool = False
    outreach: bool = False
    """Only organisations in the outreach pipeline (known → cooperating)."""

    @classmethod
    def resolved(
        cls,
        config: Config,
        *,
        status: str | None = None,
        field: str | None = None,
        district: str | None = None,
        language: str | None = None,
        need: str | None = None,
        tag: str | None = None,
        **flags: bool,
    ) -> Filters:
        """Filters from what a person typed: keys or labels in either language."""
        from mokoord.codes import language_code
        from mokoord.vocab import resolve

        def term(value: str | None, vocabulary: str, flag: str) -> str | None:
            return resolve(config, vocabulary, value, flag=flag) if value else None

        return cls(
            status=term(status, "statuses", "--status"),
            field=term(field, "fields", "--field"),
            district=term(district, "districts", "--district"),
            language=language_code(language) if language else None,
            need=term(need, "need_categories", "--need"),
            tag=term(tag, "tags", "--tag"),
            **flags,
        )


def filter_organisations(
    data: Dataset, filters: Filters, today: dt.date | None = None
) -> list[Organisation]:
    """The organisations matching every filter, sorted by name (see
    :func:`matching_organisations`; only these records are built)."""
    return [data.organisations[org.id] for org in matching_organisations(data, filters, today)]


def matching_organisations(
    data: Dataset, filters: Filters, today: dt.date | None = None
) -> list[OrganisationFact]:
    """The organisations matching every filter, sorted by name, as their facts
    (:class:`~mokoord.facts.OrganisationFact`: what a listing shows, without
    building the records).

    ``status`` is matched against the effective status (:mod:`mokoord.pipeline`):
    ``--status known`` leaves out an organisation with a logged contact.
    Declined organisations (§2.4) are left out unless the filter asks for the
    status ``declined`` or ``include_declined`` is set.
    """
    today = today or dt.date.today()
    months = data.config.settings.stale_after_months
    first = first_contacts(data) if filters.status is not None else {}
    result = []
    for org in data.organisation_facts().values():
        if (
            filters.status is not None
            and effective_status(org.status, first.get(org.id), today) != filters.status
        ):
            continue
        if (
            org.status == "declined"
            and filters.status != "declined"
            and not filters.include_declined
        ):
            continue
        if filters.outreach and not org.in_outreach:
            continue
        if filters.field and filters.field not in org.fields:
            continue
        if filters.district and org.district != filters.district:
            continue
        if filters.language and filters.language not in org.languages:
            continue
        if filters.tag and filters.tag not in org.tags:
            continue
        if filters.need and not any(n.category == filters.need for n in org.open_needs):
            continue
        if filters.stale and not is_stale(org, months, today):
            continue
        result.append(org)
    return sorted(result, key=lambda o: (fold(o.name), o.id))


def list_row(
    org: Organisation | OrganisationFact,
    data: Dataset,
    today: dt.date | None = None,
    first: Mapping[str, dt.date] | None = None,
) -> dict[str, Any]:
    """One organisation as a row of ``list --json`` (stable keys, docs/register.md).

    ``first`` is :func:`~mokoord.pipeline.first_contacts` of ``data``, when
    already known (a listing computes it once)."""
    today = today or dt.date.today()
    if first is None:
        first = first_contacts(data)
    return {
        "id": org.id,
        "name": org.name,
        "status": org.status,
        "status_since": org.status_since,
        "district": org.district,
        "fields": list(org.fields),
        "languages": list(org.languages),
        "tags": list(org.tags),
        "open_needs": [need.category for need in org.open_needs],
        "persons": person_counts(data).get(org.id, 0),
        "last_verified": org.last_verified,
        "stale": is_stale(org, data.config.settings.stale_after_months, today),
        "effective_status": effective_status(org.status, first.get(org.id), today),
    }


def list_rows(
    data: Dataset, filters: Filters, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The rows of ``mokoord list``: every organisation matching ``filters``."""
    first = first_contacts(data)
    return [
        list_row(org, data, today, first) for org in matching_organisations(data, filters, today)
    ]


# --------------------------------------------------------------------------- search


@dataclass
class Hit:
    """One organisation found by :func:`search`, with where it matched."""

    org: Organisation
    score: float
    matched: list[str] = field(default_factory=list)
    """Where the text was found: ``name``, ``alias``, ``id``, ``notes``, ``goals``, ``person p-…``."""


_WEIGHTS = {"name": 100.0, "alias": 90.0, "id": 85.0, "person": 70.0, "goals": 50.0, "notes": 45.0}


def _score_text(words: list[set[str]], tokens: Sequence[str]) -> float:
    """0..1: how well the words match a text's folded words (every word must appear)."""
    if not tokens:
        return 0.0
    target = " ".join(tokens)
    compact = "".join(tokens)
    total = 0.0
    for variants in words:
        best = 0.0
        for word in variants:
            if word in target or word in compact:
                if word in tokens:
                    best = max(best, 1.0)
                elif any(token.startswith(word) for token in tokens):
                    best = max(best, 0.9)
                else:
                    best = max(best, 0.75)
        if best == 0.0:
            return 0.0
        total += best
    return total / len(words)


def _score_fuzzy(phrase: str, tokens: Sequence[str]) -> float:
    from rapidfuzz import fuzz

    target = " ".join(tokens)
    if len(phrase) < 4 or len(target) < 4:
        return 0.0
    score = float(fuzz.partial_ratio(phrase, target))
    return (score - 80.0) / 40.0 if score >= 85.0 else 0.0  # 85 → 0.125 … 100 → 0.5


def search(data: Dataset, text: str, *, limit: int = 50) -> list[Hit]:
    """Organisations matching ``text`` in name, aliases, id, goals, notes or a person's name.

    Case, accents and punctuation are ignored ("turk" finds "Türk", "ozturk"
    finds "Öztürk", "oeztuerk" too, "ndiaye" finds "N'Diaye"). Every word must appear; a name match ranks
    above an alias, a person, goals and notes; whole words rank above
    prefixes and parts of words. Small typos in names still match, ranked
    below exact matches.
    """
    words = [
        {"".join(words_of(variant)) for variant in fold_variants(word)} - {""}
        for word in text.split()
    ]
    words = [variants for variants in words if variants]
    if not words:
        return []
    phrase = " ".join(words_of(text))
    persons: dict[str, list[tuple[str, Words]]] = {}
    for key, (owner, name) in _person_words(data.persons).items():
        persons.setdefault(owner, []).append((key, name))
    found = []
    for key, (folded, name, id_words, aliases, goals, notes) in _organisation_words(
        data.organisations
    ).items():
        candidates: list[tuple[str, Words]] = [("name", name), ("id", id_words)]
        candidates += [("alias", alias) for alias in aliases]
        candidates += [
            (f"person {person}", person_name) for person, person_name in persons.get(key, [])
        ]
        if goals:
            candidates.append(("goals", goals))
        if notes:
            candidates.append(("notes", notes))
        score = 0.0
        matched: list[str] = []
        for where, value in candidates:
            weight = _WEIGHTS[where.split()[0]]
            quality = _score_text(words, value)
            if quality == 0.0 and where in ("name", "alias"):
                quality = _score_fuzzy(phrase, value)
            if quality > 0.0:
                if where not in matched:
                    matched.append(where)
                score = max(score, weight * quality)
        if score > 0.0:
            score += min(len(matched) - 1, 3)  # small bonus for matching in several places
            found.append((round(score, 1), folded, key, matched))
    found.sort(key=lambda hit: (-hit[0], hit[1], hit[2]))
    chosen = found[:limit]
    organisations = select(data.organisations, [key for _score, _name, key, _where in chosen])
    return [
        Hit(org, score, matched)
        for org, (score, _name, _key, matched) in zip(organisations, chosen, strict=True)
    ]


Words = tuple[str, ...]
"""A text's folded words (:func:`~mokoord.textmatch.words_of`)."""


def _owner_and_name(person: Person) -> tuple[str | None, str | None]:
    return person.organisation, person.name


def _kept_as(name: str) -> str:
    """The name a memo of folded words is kept under: it changes with the folding rules."""
    return f"{name}-{_folding_stamp()}"


@functools.cache
def _folding_stamp() -> str:
    import hashlib
    from pathlib import Path

    from mokoord import textmatch

    source = Path(textmatch.__file__).read_bytes() + Path(__file__).read_bytes()
    return hashlib.sha1(source).hexdigest()[:16]


def _organisation_words(
    organisations: Mapping[str, Organisation],
) -> dict[str, tuple[str, Words, Words, tuple[Words, ...], Words, Words]]:
    """id → (folded name, and the folded words of name, id, each alias, goals, notes) of
    every organisation: what :func:`search` compares, kept beside the index (folding
    5,000 organisations' texts took most of a search)."""

    def make() -> dict[str, tuple[str, Words, Words, tuple[Words, ...], Words, Words]]:
        return {
            key: (
                fold(name),
                tuple(words_of(name)),
                tuple(words_of(key)),
                tuple(tuple(words_of(alias)) for alias in aliases),
                tuple(words_of(goals or "")),
                tuple(words_of(notes or "")),
            )
            for key, (name, aliases, goals, notes) in search_texts(organisations).items()
        }

    if isinstance(organisations, Records):
        return organisations.memo(_kept_as("search-words"), make)
    return make()


def _person_words(persons: Mapping[str, Person]) -> dict[str, tuple[str, Words]]:
    """id → (organisation, folded words of the name) of every person with both."""

    def make() -> dict[str, tuple[str, Words]]:
        rows = rows_of(persons)
        found: dict[str, tuple[str, Words]] = {}
        for key in persons:
            owner, name = rows[key][:2] if rows is not None else _owner_and_name(persons[key])
            if owner and name:
                found[key] = (owner, tuple(words_of(name)))
        return found

    if isinstance(persons, Records):
        return persons.memo(_kept_as("search-words"), make)
    return make()


def search_rows(data: Dataset, text: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The rows of ``search --json``, best first: ``id``, ``name``, ``status`` (as in
    the file), ``effective_status``, ``score`` and ``matched`` (docs/register.md)."""
    today = today or dt.date.today()
    hits = search(data, text)
    first = first_contacts(data) if hits else {}
    return [
        {
            "id": hit.org.id,
            "name": hit.org.name,
            "status": hit.org.status,
            "score": hit.score,
            "matched": hit.matched,
            "effective_status": effective_status(hit.org.status, first.get(hit.org.id), today),
        }
        for hit in hits
    ]


# --------------------------------------------------------------------------- status and needs


def change_status(
    org: Organisation,
    new_status: str,
    *,
    on: dt.date,
    reason: str | None = None,
    previous_since: dt.date | None = None,
) -> Organisation:
    """The organisation with a new status; the old one goes to ``status_history``.

    ``previous_since`` is used as the old status's date when the record does
    not say since when it held it (``status_since``, else ``known_since``).
    """
    from mokoord import formatting
    from mokoord.i18n import _
    from mokoord.vocab import label

    status = normalise_status(new_status)
    if status == org.status:
        raise UsageError(
            _("{id} is already '{status}'").format(
                id=org.id, status=label(Config(), "statuses", status)
            )
        )
    if status == "declined" and not (reason and reason.strip()):
        raise UsageError(
            _("declining an organisation needs --reason (§2.4: why cooperation is ruled out)")
        )
    since = org.status_since or org.known_since or previous_since or on
    if on < since:
        raise UsageError(
            _("--date {date} lies before the current status's date {since}").format(
                date=formatting.date(on), since=formatting.date(since)
            )
        )
    history = [
        *org.status_history,
        StatusChange(status=org.status, since=since, reason=org.status_reason),
    ]
    data = plain(org)
    data.update(
        status=status,
        status_since=on,
        status_history=[plain(change) for change in history],
    )
    data.pop("status_reason", None)
    if reason:
        data["status_reason"] = reason
    return Organisation.model_validate(data)


@dataclass(frozen=True)
class StatusRequest:
    """``mokoord status ID NEW_STATUS [--reason] [--date]``."""

    org_id: str
    status: str
    on: dt.date
    reason: str | None = None
    created: dt.date | None = None
    """When the record was created (from git), for a record that does not say
    since when it has held its status."""


def plan_status(
    org: Organisation, request: StatusRequest, config: Config, *, data: Dataset | None = None
) -> Plan:
    """Move ``org`` to a new status; its old status goes to its history."""
    status = normalise_status(request.status, config, flag="NEW_STATUS")
    new = change_status(
        org, status, on=request.on, reason=request.reason, previous_since=request.created
    )
    from mokoord.i18n import _
    from mokoord.vocab import label

    plan = Plan(
        action=f"status {org.id}: {org.status} -> {new.status}",
        writes=[Write(new, previous=org)],
        result=new,
        summary=_("{id}: {old} → {new}").format(
            id=org.id,
            old=label(config, "statuses", org.status),
            new=label(config, "statuses", new.status),
        ),
    )
    if data is None:
        return plan
    from mokoord.checks import checked

    return checked(plan, data)
