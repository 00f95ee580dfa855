"""Reading one row of a sheet: each cell normalised into the value of its field.

:func:`read_cells` turns a row into ``{target: value}`` and a list of
problems (by row and column); unknown terms are warnings and left out,
values that cannot be read are errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from mokoord.dataset import Dataset
from mokoord.errors import Problem
from mokoord.exchange import normalise as norm
from mokoord.exchange.dedupe import OrganisationIndex
from mokoord.exchange.mapping import ColumnMapping
from mokoord.exchange.tabular import Row
from mokoord.i18n import _


@dataclass
class Context:
    data: Dataset
    mapping: ColumnMapping
    display: str
    vocabularies: dict[str, norm.Vocabulary]
    index: OrganisationIndex
    legal_basis: str | None = None
    """The legal basis of new contact persons without a consent date (``--legal-basis``)."""


def vocabularies(data: Dataset) -> dict[str, norm.Vocabulary]:
    from mokoord.formatting import STATUS_LABELS
    from mokoord.models.config import Label

    terms = data.config.vocabularies
    result = {
        name: norm.Vocabulary.of(name, terms.terms(name))
        for name in (
            "fields",
            "districts",
            "channels",
            "topics",
            "religions",
            "offered_formats",
            "need_categories",
            "tags",
        )
    }
    result["legal_forms"] = norm.Vocabulary.of(
        "legal_forms", terms.terms("legal_forms"), norm.LEGAL_FORM_ALIASES
    )
    result["status"] = norm.Vocabulary.of(
        "status",
        {key: Label(de=labels["de"], en=labels["en"]) for key, labels in STATUS_LABELS.items()},
        {"abgelehnt": "declined"},
    )
    result["initiated_by"] = norm.Vocabulary.of(
        "initiated_by",
        {
            "office": Label(de="Koordinierungsstelle", en="Office"),
            "organisation": Label(de="Organisation", en="Organisation"),
        },
        {
            "Büro": "office",
            "Stadt": "office",
            "Amt": "office",
            "Verein": "organisation",
            "MO": "organisation",
        },
    )
    return result


_SINGLE_TERMS = {
    "district": "districts",
    "legal_form": "legal_forms",
    "religion": "religions",
    "status": "status",
    "channel": "channels",
    "initiated_by": "initiated_by",
}
_LIST_TERMS = {
    "fields": "fields",
    "offered_formats": "offered_formats",
    "open_needs": "need_categories",
    "topics": "topics",
}
_TEXT = {
    "name",
    "goals",
    "notes",
    "register_number",
    "register_court",
    "street",
    "city",
    "contact_name",
    "contact_role",
    "summary",
    "coordinator",
    "follow_up_action",
}
_CODE_LISTS: dict[str, Callable[[str], tuple[list[str], list[str]]]] = {
    "languages": norm.languages,
    "origins": norm.origins,
}
"""Columns holding ISO codes given by name (:mod:`mokoord.codes`), with their parser."""


def read_cells(row: Row, ctx: Context) -> tuple[dict[str, Any], list[Problem]]:
    """The row's values by field, normalised, and the problems found."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(
        column: int, message: str, severity: str = "error", code: str = "invalid-value"
    ) -> None:
        problems.append(
            Problem(ctx.display, row.number, column + 1, severity, code, message)  # type: ignore[arg-type]
        )

    for index, target in enumerate(ctx.mapping.targets):
        if target is None:
            continue
        text = row.get(index).strip()
        if not text:
            continue
        if target == "organisations":
            ids = ctx.mapping.column_of("organisation_ids")
            if ids is not None and row.get(ids).strip():
                continue  # the ids say it exactly; names are for people
        header = ctx.mapping.headers[index]
        try:
            values.update(_value(target, text, ctx, values))
        except norm.ValueProblem as exc:
            if exc.severity == "warning":
                problem(
                    index,
                    _("{header}: {problem}; left out").format(header=header, problem=exc),
                    "warning",
                )
            else:
                problem(index, _("{header}: {problem}").format(header=header, problem=exc))
        except _Unknown as exc:
            message = _("{header}: {problem}; left out").format(header=header, problem=exc)
            problem(index, message, "warning", "unknown-term")
            values.update(exc.partial)
    return values, problems


_TITLES = {"status": "statuses", "initiated_by": "initiators"}
"""The vocabulary whose title names what an import vocabulary holds, where the names differ."""


def _what(vocabulary: norm.Vocabulary) -> str:
    """What one term of ``vocabulary`` is called, in the current language ("Stadtteil")."""
    from mokoord.vocab import title

    return title(_TITLES.get(vocabulary.name, vocabulary.name))


class _Unknown(Exception):
    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


def _value(target: str, text: str, ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    if target in _TEXT:
        return {
            target: " ".join(text.split()) if target not in ("goals", "notes", "summary") else text
        }
    if target in ("phone", "contact_phone"):
        return {target: norm.phone(text)}
    if target in ("email", "contact_email"):
        return {target: norm.email(text)}
    if target == "website":
        return {target: norm.website(text)}
    if target in _SINGLE_TERMS:
        vocabulary = ctx.vocabularies[_SINGLE_TERMS[target]]
        term = vocabulary.match(text)
        if term is None:
            raise _Unknown(
                _("'{value}' is not known ({what})").format(value=text, what=_what(vocabulary)),
                {},
            )
        return {target: term}
    if target in _LIST_TERMS:
        vocabulary = ctx.vocabularies[_LIST_TERMS[target]]
        terms, missing = vocabulary.terms(text)
        if missing:
            raise _Unknown(
                _("{values}: not known ({what})").format(
                    values=", ".join(repr(m) for m in missing), what=_what(vocabulary)
                ),
                {target: terms} if terms else {},
            )
        return {target: terms}
    if target in _CODE_LISTS:
        from mokoord import codes as code_tables

        found, missing = _CODE_LISTS[target](text)
        if missing:
            table = code_tables.languages() if target == "languages" else code_tables.countries()
            raise _Unknown(
                "; ".join(table.unknown(item) for item in missing),
                {target: found} if found else {},
            )
        return {target: found}
    if target == "postal_code":
        code, rest = norm.postal_code(text)
        result: dict[str, Any] = {"postal_code": code}
        if rest and ctx.mapping.column_of("city") is None:
            result["city"] = rest
        return result
    if target == "members":
        return {target: norm.count(text)}
    if target == "founded":
        return {target: norm.year(text)}
    if target in ("paid_staff", "rooms_own", "rooms_offered"):
        return {target: norm.yes_no(text)}
    if target in ("known_since", "last_verified", "date", "follow_up_date", "contact_consent_date"):
        from mokoord.dates import parse_date

        try:
            return {target: parse_date(text.split(" ")[0])}
        except ValueError as exc:
            raise norm.ValueProblem(str(exc)) from None
    if target == "aliases":
        return {target: norm.split_list(text)}
    if target == "tags":
        from mokoord.slugs import slugify

        tags = ctx.vocabularies["tags"]
        found_tags = [tags.exact_match(t) or slugify(t) for t in norm.split_list(text)]
        return {target: [tag for tag in dict.fromkeys(found_tags) if tag]}
    if target == "networks":
        found, missing = [], []
        network_names = {key: [net.name] for key, net in ctx.data.networks.items()}
        for item in norm.split_list(text):
            if item in ctx.data.networks:
                found.append(item)
                continue
            from mokoord.textmatch import similar

            matches = similar(item, network_names, limit=1, cutoff=90)
            (found.append(matches[0].key) if matches else missing.append(item))
        if missing:
            raise _Unknown(
                _("unknown network {names}").format(names=", ".join(repr(m) for m in missing)),
                {target: found} if found else {},
            )
        return {target: found}
    if target in ("organisations", "organisation_ids"):
        return {
            "organisation_ids" if target == "organisation_ids" else "organisations": _organisations(
                text, ctx
            )
        }
    if target == "id":
        return {"id": text.strip()}
    raise AssertionError(f"no reader for {target}")  # pragma: no cover


def _organisations(text: str, ctx: Context) -> list[str]:
    """Organisation ids for names or ids in a cell: exact id, alike name, or all words found."""
    from mokoord.textmatch import pick

    names = {key: [org.name, *org.aliases] for key, org in ctx.data.organisations.items()}
    found: list[str] = []
    for item in norm.split_list(text):
        if item in ctx.data.organisations:
            key = item
        else:
            match = ctx.index.find(item, None)
            if match is not None:
                key = match.key
            else:
                candidates = [m for m in pick(item, names, limit=3) if m.score >= 90]
                if not candidates:
                    raise norm.ValueProblem(
                        _("no organisation in the store matches '{value}'").format(value=item)
                    )
                if len(candidates) > 1:
                    raise norm.ValueProblem(
                        _("more than one organisation in the store matches '{value}'").format(
                            value=item
                        )
                    )
                key = candidates[0].key
        if key not in found:
            found.append(key)
    return found


def validation_problems(
    exc: ValidationError,
    row: Row,
    ctx: Context,
    paths: dict[str, tuple[str, ...]],
    model: type[BaseModel],
    *,
    person: bool = False,
) -> list[Problem]:
    """The errors of a record made from a row, at the row and the column of their field,
    in words people use (:func:`mokoord.validation.describe`)."""
    from mokoord.validation import describe

    reverse = {path: target for target, path in paths.items()}
    problems = []
    for finding in describe(exc, model):
        loc = tuple(str(part) for part in finding.loc)
        target = reverse.get(loc[:2]) or reverse.get(loc[:1]) or (loc[0] if loc else "")
        column = ctx.mapping.column_of(target)
        message = (
            _("contact person: {problem}").format(problem=finding.message)
            if person
            else finding.message
        )
        problems.append(
            Problem(
                ctx.display,
                row.number,
                (column + 1) if column is not None else 0,
                "error",
                finding.code if finding.code != "unknown-key" else "invalid-value",
                message,
            )
        )
    return problems
