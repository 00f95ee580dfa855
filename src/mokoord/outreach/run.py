"""One outreach: the request, the letters it makes, and the plan recording them.

:func:`prepare` selects the organisations (the filters of ``list``), addresses
a person in each (:mod:`~mokoord.outreach.addressing`) and renders the
template's variant in the organisation's language; :func:`plan_record` turns
the letters into one new contact per organisation, all in one commit.
Nothing here writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokoord.dataset import Dataset
from mokoord.errors import MokoordError, NotFound, UsageError
from mokoord.i18n import N_, _, in_language, ngettext
from mokoord.models import Config, Contact, Network, Organisation, Person
from mokoord.outreach.addressing import Addressee, Skipped, address
from mokoord.outreach.templates import Rendered, Renderer, Template, load, variant_for
from mokoord.plans import Plan, Write

LETTER_SUMMARY = N_("Outreach letter: {subject}")
"""The summary of a contact recorded for a letter, in the store's language."""

FORMATS = ("eml", "html", "csv")
"""``eml``: e-mail drafts; ``html``: printable letters; ``csv``: a serial letter's sheet."""


@dataclass(frozen=True)
class OutreachRequest:
    """``mokoord outreach``: what was asked for, as it was typed."""

    template: str
    format: str | None = None
    """``eml``, ``html`` or ``csv``; ``None``: e-mail drafts for a template sent by
    e-mail, letters otherwise."""
    person_role: str | None = None
    status: str | None = None
    field: str | None = None
    district: str | None = None
    language: str | None = None
    need: str | None = None
    tag: str | None = None
    network: str | None = None
    stale: bool = False
    today: dt.date = dataclasses.field(default_factory=dt.date.today)

    def described(self) -> str:
        """The filters as they were typed (``--field Jugend --stale``), for messages."""
        typed = [
            ("--status", self.status),
            ("--field", self.field),
            ("--district", self.district),
            ("--language", self.language),
            ("--need", self.need),
            ("--tag", self.tag),
            ("--network", self.network),
        ]
        parts = [
            f'{flag} "{value}"' if " " in value else f"{flag} {value}"
            for flag, value in typed
            if value
        ]
        if self.stale:
            parts.append("--stale")
        return " ".join(parts)


@dataclass(frozen=True)
class Letter:
    """What one organisation gets: its addressee, the variant and the rendered text."""

    addressee: Addressee
    template: Template
    rendered: Rendered

    @property
    def organisation(self) -> Organisation:
        return self.addressee.organisation

    @property
    def person(self) -> Person:
        return self.addressee.person


@dataclass
class Outreach:
    """An outreach prepared: the letters to write and the organisations skipped."""

    name: str
    format: str
    channel: str
    """``email`` or ``letter``: the channel of the contacts recorded."""
    topic: str | None
    letters: list[Letter]
    skipped: list[Skipped]
    today: dt.date


# --------------------------------------------------------------------------- preparing


def prepare(data: Dataset, root: Path, request: OutreachRequest) -> Outreach:
    """Select, address and render; errors for an unknown template, a template
    error, bad filters, and an empty selection (naming the filters)."""
    from mokoord.register import Filters, filter_organisations
    from mokoord.vocab import resolve

    config = data.config
    variants = load(root, request.template, config)
    main = variant_for(variants, ()) or next(iter(variants.values()))
    fmt = _format(request.format, main.channel)
    channel = "email" if fmt == "eml" else "letter" if fmt == "html" else main.channel or "letter"
    filters = Filters.resolved(
        config,
        status=request.status,
        field=request.field,
        district=request.district,
        language=request.language,
        need=request.need,
        tag=request.tag,
        stale=request.stale,
    )
    if filters.status == "declined":
        raise UsageError(_("declined organisations (§2.4) are never written to"))
    role = (
        resolve(config, "roles", request.person_role, flag="--person-role")
        if request.person_role
        else None
    )
    if role is not None:
        _check_role(config, data, role, request.person_role or role)
    network = resolve_network(data, request.network) if request.network else None
    selected = [
        org
        for org in filter_organisations(data, filters, request.today)
        if org.status != "declined" and (network is None or network.id in org.networks)
    ]
    if not selected:
        described = request.described()
        raise UsageError(
            _("no organisation matches {filters}").format(filters=described)
            if described
            else _("the register holds no organisation to write to"),
            hint=_("try the same filters with `mokoord list`"),
        )
    persons: dict[str, list[Person]] = {}
    for person in data.persons.values():
        if person.organisation:
            persons.setdefault(person.organisation, []).append(person)
    renderer = Renderer(root)
    for each in variants.values():  # every variant's syntax, used or not
        renderer.check(each)
    letters: list[Letter] = []
    skipped: list[Skipped] = []
    for org in selected:
        found = address(org, persons.get(org.id, []), channel=channel, role=role)
        if isinstance(found, Skipped):
            skipped.append(found)
            continue
        variant = variant_for(variants, org.languages)
        if variant is None:
            skipped.append(Skipped(org, "no_variant"))
            continue
        view = context(data, found, variant.language, request.today)
        letters.append(Letter(found, variant, renderer.render(variant, view)))
    return Outreach(
        name=main.name,
        format=fmt,
        channel=channel,
        topic=main.topic,
        letters=letters,
        skipped=skipped,
        today=request.today,
    )


def _check_role(config: Config, data: Dataset, role: str, typed: str) -> None:
    """A role nobody in the register holds and the store does not declare is a typing
    mistake, not a preference to fall back from: say so instead of writing to the chairs."""
    from mokoord.location import CONFIG_FILE
    from mokoord.vocab import closest, label, or_list, terms

    known = terms(config, "roles")
    if role in known or any(person.role == role for person in data.persons.values()):
        return
    near = [label(config, "roles", key) for key in closest(known, typed)]
    message = _("--person-role: no person in the register has the role '{role}'").format(role=typed)
    if near:
        message += _("; did you mean {candidates}?").format(candidates=or_list(near))
    raise UsageError(
        message,
        hint=_("the roles are declared in {file} under vocabularies.roles").format(
            file=CONFIG_FILE
        ),
    )


def _format(typed: str | None, channel: str | None) -> str:
    if typed is None:
        return "eml" if channel == "email" else "html"
    fmt = typed.strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(
            _("--format: '{value}' is not a format of outreach").format(value=typed),
            hint=_("allowed: {formats}").format(formats=", ".join(FORMATS)),
        )
    return fmt


def resolve_network(data: Dataset, typed: str) -> Network:
    """A network by id or by its name (any case or accents); else an error listing them."""
    from mokoord.textmatch import fold, pick

    value = typed.strip()
    if value in data.networks:
        return data.networks[value]
    wanted = fold(value)
    hits = [n for n in data.networks.values() if fold(n.name) == wanted]
    if not hits:
        hits = [n for n in data.networks.values() if fold(n.name).startswith(wanted)]
    if not hits:  # a word typed a little differently ("Islamischer" for "Islamische")
        found = pick(value, {n.id: [n.name] for n in data.networks.values()}, cutoff=80.0)
        hits = [
            data.networks[m.key]
            for m in found[:1]
            if len(found) == 1 or found[0].score > found[1].score
        ]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(
        f"{n.id} ({n.name})" for n in sorted(data.networks.values(), key=lambda n: n.id)
    )
    raise NotFound(
        _("--network: no network '{value}'").format(value=typed),
        hint=_("known: {networks}").format(networks=known or "–"),
    )


def context(data: Dataset, addressee: Addressee, lang: str, today: dt.date) -> dict[str, Any]:
    """What a template sees: ``organisation``, ``person``, ``office``, ``today``
    (German, ``14.03.2023``), ``today_long`` (``14. März 2023``) and ``language``.

    Every value is text escaped for Markdown: names print as written, never as markup.
    """
    from mokoord import formatting
    from mokoord.codes import language_name
    from mokoord.report.markup import markdown_escape as e
    from mokoord.vocab import label, labels

    config = data.config
    words = "en" if lang == "en" else "de"
    org, person = addressee.organisation, addressee.person
    place = org.address
    town = " ".join(p for p in (place.postal_code, place.city) if p) if place else ""
    sender = config.sender
    return {
        "organisation": {
            "id": e(org.id),
            "name": e(org.name),
            "district": e(label(config, "districts", org.district, words) if org.district else ""),
            "street": e(place.street or "" if place else ""),
            "postal_code": e(place.postal_code or "" if place else ""),
            "city": e(place.city or "" if place else ""),
            "address": e(", ".join(p for p in ((place.street if place else None), town) if p)),
            "email": e(org.email or ""),
            "website": e(org.website or ""),
            "fields": e(labels(config, "fields", org.fields, words)),
            "languages": e(", ".join(language_name(code, words) for code in org.languages)),
        },
        "person": {
            "name": e(person.display_name),
            "role": e(label(config, "roles", person.role, words) if person.role else ""),
            "email": e(person.email or ""),
        },
        "office": {
            "name": e(config.office),
            "city": e(config.city),
            "department": e(sender.department or "" if sender else ""),
            "street": e(sender.street or "" if sender else ""),
            "postal_code": e(sender.postal_code or "" if sender else ""),
            "place": e((sender.city if sender else None) or config.city),
            "email": e(sender.email or "" if sender else ""),
            "phone": e(sender.phone or "" if sender else ""),
            "website": e(sender.website or "" if sender else ""),
            "signature": e((sender.signature if sender else None) or config.office),
        },
        "today": e(formatting.date(today, "de")),
        "today_long": e(formatting.date(today, "de", style="long")),
        "language": lang,
    }


def require(outreach: Outreach, output: Path | None) -> Path:
    """The folder to write into; an error when none is named or no one can be written to."""
    if output is None:
        raise UsageError(
            _("missing --output FOLDER"),
            hint=_("or add --dry-run to see who would be written to"),
        )
    if not outreach.letters:
        raise MokoordError(
            ngettext(
                "the {n} organisation selected cannot be written to",
                "none of the {n} organisations selected can be written to",
                len(outreach.skipped),
            ).format(n=len(outreach.skipped)),
            hint="; ".join(f"{s.organisation.id}: {s.message}" for s in outreach.skipped),
        )
    return output


# --------------------------------------------------------------------------- the record


class _Taken:
    """Ids in the store or given out by this plan already."""

    def __init__(self, store: Container[str]) -> None:
        self.store = store
        self.mine: set[str] = set()

    def __contains__(self, item: object) -> bool:
        return item in self.mine or item in self.store


def plan_record(outreach: Outreach, config: Config, taken: Container[str] = ()) -> Plan:
    """One new contact per organisation written to (the channel, the template's
    topic, "Anschreiben: SUBJECT" in the store's language), all in one commit."""
    from mokoord.contacts import new_contact_id
    from mokoord.validation import validate_input
    from mokoord.vocab import label

    ids = _Taken(taken)
    writes: list[Write] = []
    for letter in outreach.letters:
        contact_id = new_contact_id(outreach.today, ids)
        ids.mine.add(contact_id)
        raw = {
            "id": contact_id,
            "date": outreach.today,
            "organisations": [letter.organisation.id],
            "persons": [letter.person.id],
            "channel": outreach.channel,
            "initiated_by": "office",
            "topics": [letter.template.topic] if letter.template.topic else [],
            "summary": in_language(config.language, LETTER_SUMMARY).format(
                subject=letter.rendered.subject
            ),
        }
        writes.append(Write(validate_input(Contact, raw)))
    count = len(writes)
    return Plan(
        action=f"outreach {outreach.name}: {count} contacts ({outreach.channel})",
        writes=list(writes),
        result=[write.record.id for write in writes],
        summary=ngettext(
            "{n} contact recorded ({channel}: {template})",
            "{n} contacts recorded ({channel}: {template})",
            count,
        ).format(
            n=count, channel=label(config, "channels", outreach.channel), template=outreach.name
        ),
    )


def outreach_json(outreach: Outreach) -> dict[str, Any]:
    """``outreach --json``: who is written to and who is skipped (docs/outreach.md)."""
    return {
        "template": outreach.name,
        "format": outreach.format,
        "channel": outreach.channel,
        "addressed": [
            {
                "organisation": letter.organisation.id,
                "name": letter.organisation.name,
                "person": letter.person.id,
                "language": letter.template.language,
                "subject": letter.rendered.subject,
            }
            for letter in outreach.letters
        ],
        "skipped": [
            {
                "organisation": skip.organisation.id,
                "name": skip.organisation.name,
                "reason": skip.reason,
                "person": skip.person.id if skip.person else None,
                "message": skip.message,
            }
            for skip in outreach.skipped
        ],
    }
