"""What ``mokoord check`` needs to know of each record, gathered once when it is read.

The checks across records (references, dates, open ends, terms, funding) look
at a few values of every record and at where those values stand in the file.
Rather than parse 100,000 files with positions and build 100,000 models on
every ``check``, the index keeps for each file its *claims*: the references
it makes, the dates that must not lie in the future, the terms it uses and so
on, each with its line and column. They are made here from the validated
record and its parsed document (:func:`claims_of`), stored beside the record,
and judged by :mod:`mokoord.checks` against the rest of the store, the
configuration and today's date. Messages are not stored, only what they say:
they are worded when reported, in the language of the day.

Every value is plain (strings, numbers, tuples, dicts, sets): the index
stores them with :mod:`marshal`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mokoord.i18n import N_
from mokoord.models import (
    Application,
    Contact,
    Cooperation,
    Event,
    Network,
    Organisation,
    Person,
    Programme,
    Record,
)
from mokoord.privacyfacts import privacy_claims, privacy_summary
from mokoord.yamlio import Document

Loc = tuple[str | int, ...]

# One record's claims, each a tuple of entries:
REFS, FUTURES, STATICS, TERMS, LANGUAGES, REGIONS, OPENS, FUNDING, PRIVACY = range(9)
# REFS      (line, column, target, id)          target: a kind, or "organisation or institution"
# FUTURES   (line, column, ISO date, what, as written): a problem when the date is after today;
#           what "" is the contact's own date (another message)
# STATICS   (line, column, code, message, {placeholder: value}): always a problem
# TERMS     (line, column, vocabulary, term)
# LANGUAGES (line, column, code), REGIONS (line, column, code)
# OPENS     (kind of open end, line, column, ISO date, institution)
# FUNDING   an application's (organisation, programme, line, year, status, requested,
#           granted, months, position of requested, of granted, of line, of programme)
# PRIVACY   what the privacy checks need (:mod:`mokoord.privacyfacts`), or None
Claims = tuple[Any, ...]

EITHER = "organisation or institution"
"""The target of a reference that may name an organisation or an institution."""

FileFacts = tuple[str | None, str | None, int, int, int, int, int | None]
"""Of every file, valid or not: (its record's id or ``None``, the id it declares,
position of ``id``, position of the whole record, the year that decides its
folder)."""

# (kind, path to the value with "*" for every list item, vocabulary)
TERM_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("organisation", ("legal_form",), "legal_forms"),
    ("organisation", ("district",), "districts"),
    ("organisation", ("fields", "*"), "fields"),
    ("organisation", ("religion",), "religions"),
    ("organisation", ("members", "age_groups", "*"), "age_groups"),
    ("organisation", ("offered_formats", "*"), "offered_formats"),
    ("organisation", ("needs", "*", "category"), "need_categories"),
    ("organisation", ("tags", "*"), "tags"),
    ("person", ("consent", "scope", "*"), "consent_scopes"),
    ("contact", ("channel",), "channels"),
    ("contact", ("topics", "*"), "topics"),
    ("event", ("kind",), "event_kinds"),
    ("event", ("topics", "*"), "topics"),
    ("institution", ("kind",), "institution_kinds"),
    ("institution", ("district",), "districts"),
    ("programme", ("lines", "*", "eligible_legal_forms", "*"), "legal_forms"),
)


_TERM_PATHS: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _path, _vocabulary in TERM_FIELDS:
    _TERM_PATHS.setdefault(_kind, []).append((_path, _vocabulary))


def walk(value: Any, path: tuple[str, ...], loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every value at ``path`` below ``value`` (``*``: each list item), with its location."""
    if value is None:
        return
    if not path:
        yield loc, value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(value):
            yield from walk(item, rest, (*loc, i))
    else:
        yield from walk(getattr(value, head, None), rest, (*loc, head))


def file_facts(doc: Document, record: Record | None, year: int | None) -> FileFacts:
    declared = doc.data.get("id") if doc.data else None
    line, column = doc.position(("id",))
    root_line, root_column = doc.position(())
    return (
        record.id if record is not None else None,
        declared if isinstance(declared, str) else None,
        line,
        column,
        root_line,
        root_column,
        year,
    )


class _Gather:
    """Collects one record's claims, placing each at its location in the document."""

    def __init__(self, doc: Document) -> None:
        self.position = doc.position
        self.parts: list[list[Any]] = [[] for _ in range(OPENS + 1)]
        self.funding: tuple[Any, ...] | None = None
        self.privacy: dict[str, Any] | None = None

    def at(self, part: int, loc: Loc, *values: Any) -> None:
        line, column = self.position(loc)
        if part == OPENS:
            self.parts[part].append((values[0], line, column, *values[1:]))
        else:
            self.parts[part].append((line, column, *values))

    def ref(self, loc: Loc, target: str, value: str | None) -> None:
        if value:
            self.at(REFS, loc, target, value)

    def future(self, loc: Loc, day: Any, what: str) -> None:
        if day is not None:
            self.at(FUTURES, loc, day.isoformat(), what, day.isoformat())

    def result(self) -> Claims:
        return (*(tuple(part) for part in self.parts), self.funding, self.privacy)


def claims_of(kind: str, record: Record, doc: Document) -> Claims:
    """Everything the checks across records need of one valid record."""
    claims = _Gather(doc)
    gather = _GATHER.get(kind)
    if gather is not None:
        gather(claims, record)
    for path, vocabulary in _TERM_PATHS.get(kind, ()):
        for loc, term in walk(record, path):
            claims.at(TERMS, loc, vocabulary, term)
    if kind in ("organisation", "person"):
        for i, code in enumerate(record.languages):  # type: ignore[attr-defined]
            claims.at(LANGUAGES, ("languages", i), code)
    if kind == "organisation":
        for i, code in enumerate(record.origins):  # type: ignore[attr-defined]
            claims.at(REGIONS, ("origins", i), code)
    claims.privacy = privacy_claims(kind, record, doc.position)
    return claims.result()


def _organisation(claims: _Gather, org: Organisation) -> None:
    for i, network in enumerate(org.networks):
        claims.ref(("networks", i), "network", network)
    claims.future(("status_since",), org.status_since, "status_since")
    claims.future(("known_since",), org.known_since, "known_since")
    claims.future(("last_verified",), org.last_verified, "last_verified")
    if org.founded is not None:
        # founded lies in the future when its first day does
        claims.at(FUTURES, ("founded",), f"{org.founded:04d}-01-01", "founded", str(org.founded))
    previous = None
    for i, change in enumerate(org.status_history):
        claims.future(("status_history", i, "since"), change.since, "since")
        if previous is not None and change.since < previous:
            claims.at(
                STATICS,
                ("status_history", i, "since"),
                "date-order",
                N_("status_history must be in date order, oldest first"),
                {},
            )
        previous = change.since
    if previous is not None and org.status_since is not None and org.status_since < previous:
        claims.at(
            STATICS,
            ("status_since",),
            "date-order",
            N_("status_since {since} lies before the last entry of status_history ({last})"),
            {"since": org.status_since.isoformat(), "last": previous.isoformat()},
        )
    for i, need in enumerate(org.needs):
        claims.future(("needs", i, "since"), need.since, "since")
        claims.future(("needs", i, "closed"), need.closed, "closed")


def _person(claims: _Gather, person: Person) -> None:
    claims.ref(("organisation",), "organisation", person.organisation)
    if person.consent:
        claims.future(("consent", "date"), person.consent.date, "consent date")
    claims.future(("last_contact",), person.last_contact, "last_contact")


def _contact(claims: _Gather, contact: Contact) -> None:
    for i, org_id in enumerate(contact.organisations):
        claims.ref(("organisations", i), "organisation", org_id)
    for i, person_id in enumerate(contact.persons):
        claims.ref(("persons", i), "person", person_id)
    for i, referral in enumerate(contact.referrals):
        claims.ref(("referrals", i, "institution"), "institution", referral.institution)
    day = contact.date.isoformat()
    if not contact.planned:
        claims.at(FUTURES, ("date",), day, "", day)
    follow_up = contact.follow_up
    if follow_up:
        claims.future(("follow_up", "done"), follow_up.done, "done")
        if follow_up.done is None:
            claims.at(OPENS, ("follow_up", "date"), "follow", follow_up.date.isoformat(), "")
    if contact.planned:
        claims.at(OPENS, ("planned",), "planned", day, "")
    for i, referral in enumerate(contact.referrals):
        claims.future(("referrals", i, "outcome_date"), referral.outcome_date, "outcome_date")
        if referral.outcome_date is not None and referral.outcome_date < contact.date:
            claims.at(
                STATICS,
                ("referrals", i, "outcome_date"),
                "date-order",
                N_("the referral's outcome_date lies before the contact"),
                {},
            )
        if referral.outcome == "pending":
            claims.at(OPENS, ("referrals", i, "outcome"), "pending", day, referral.institution)


def _event(claims: _Gather, event: Event) -> None:
    claims.ref(("place_org",), "organisation", event.place_org)
    for i, organiser in enumerate(event.organisers):
        claims.ref(("organisers", i), EITHER, organiser)
    for i, attendance in enumerate(event.attendance):
        claims.ref(("attendance", i, "organisation"), "organisation", attendance.organisation)


def _cooperation(claims: _Gather, coop: Cooperation) -> None:
    claims.ref(("organisation",), "organisation", coop.organisation)
    claims.ref(("partner",), EITHER, coop.partner)


def _network(claims: _Gather, network: Network) -> None:
    claims.ref(("contact_institution",), "institution", network.contact_institution)


def _programme(claims: _Gather, programme: Programme) -> None:
    claims.ref(("funder_institution",), "institution", programme.funder_institution)


def _application(claims: _Gather, app: Application) -> None:
    claims.ref(("organisation",), "organisation", app.organisation)
    for name in ("submitted", "decided", "proof_filed"):
        claims.future((name,), getattr(app, name), name)
    claims.funding = funding_of(app, claims.position)


def funding_of(app: Application, position: Any = None) -> tuple[Any, ...]:
    """An application's :data:`FUNDING` claims; ``position(loc)`` places its values."""
    places = [position((name,)) if position else (0, 0) for name in FUNDING_PLACES]
    return (
        app.organisation,
        app.programme,
        app.line,
        app.year,
        app.status,
        str(app.requested),
        None if app.granted is None else str(app.granted),
        app.months,
        *places,
    )


FUNDING_PLACES = ("requested", "granted", "line", "programme")


_GATHER: dict[str, Any] = {
    "organisation": _organisation,
    "person": _person,
    "contact": _contact,
    "event": _event,
    "cooperation": _cooperation,
    "network": _network,
    "programme": _programme,
    "application": _application,
}


def summary_of(
    folder: str, files: dict[str, FileFacts], claims: dict[str, Claims], twins: set[str]
) -> dict[str, Any]:
    """What a shard's files and claims could be a problem about, so that a check can pass
    over a shard (or a part of it) none of whose claims can be one, and needs the facts
    of only a few files (see :mod:`mokoord.checks`).

    ``twins`` are the files holding an id an earlier file of the shard holds.
    """
    refs: dict[str, set[str]] = {}
    terms: dict[str, set[str]] = {}
    languages: set[str] = set()
    regions: set[str] = set()
    latest = ""
    statics = funding = False
    opens: list[tuple[str, str, tuple[Any, ...]]] = []
    for name, found in claims.items():
        for _line, _column, target, value in found[REFS]:
            refs.setdefault(target, set()).add(value)
        for entry in found[FUTURES]:
            latest = max(latest, entry[2])
        statics = statics or bool(found[STATICS])
        for _line, _column, vocabulary, term in found[TERMS]:
            terms.setdefault(vocabulary, set()).add(term)
        languages.update(entry[2] for entry in found[LANGUAGES])
        regions.update(entry[2] for entry in found[REGIONS])
        opens.extend((name, files[name][0] or "", entry) for entry in found[OPENS])
        funding = funding or found[FUNDING] is not None
    year = folder.rpartition("/")[2]
    return {
        "privacy": privacy_summary(files, claims, twins, PRIVACY),
        "refs": refs,
        "latest": latest,
        "statics": statics,
        "terms": terms,
        "languages": languages,
        "regions": regions,
        "opens": tuple(opens),
        "funding": funding,
        # files whose own facts make a problem: not valid, an id other than the
        # file name, a second holder of an id
        "odd": {
            name: facts
            for name, facts in files.items()
            if facts[0] is None or facts[1] != name.rpartition(".")[0] or name in twins
        },
        # records of a dated kind outside the folder of their year
        "misplaced": {
            name: facts
            for name, facts in files.items()
            if facts[6] is not None and str(facts[6]) != year
        },
    }
