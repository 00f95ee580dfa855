"""Terms of a record that its store does not declare, as messages.

``add-org``, ``set`` and ``edit`` check every vocabulary field of an
organisation (as declared on the model, ``Vocab``) against the store's
``mokoord.yaml`` before writing; the messages name the field, the value, the
closest labels and where the terms are declared. (What people type is
resolved to keys before, by :mod:`mokoord.vocab`; these checks catch what a
file or a resolution left undeclared.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mokoord.models import Config, Organisation


def term_problems(
    config: Config, vocabulary: str, terms: Iterable[str], key: str, *, lenient_empty: bool = False
) -> list[str]:
    """Messages for terms not declared in ``vocabularies.<vocabulary>``, each naming
    the closest labels."""
    from mokoord.i18n import _
    from mokoord.location import CONFIG_FILE
    from mokoord.vocab import closest, label, or_list

    declared = config.vocabularies.terms(vocabulary)
    if lenient_empty and not declared:
        return []
    messages = []
    for term in terms:
        if term in declared:
            continue
        message = _(
            "{key}: '{value}' is not declared in vocabularies.{vocabulary} of {file}"
        ).format(key=key, value=term, vocabulary=vocabulary, file=CONFIG_FILE)
        near = [label(config, vocabulary, k) for k in closest(declared, term)]
        if near:
            message += _("; did you mean {candidates}?").format(candidates=or_list(near))
        messages.append(message)
    return messages


def organisation_term_problems(org: Organisation, config: Config) -> list[str]:
    """Every undeclared vocabulary term of an organisation, as a message.

    The fields that hold terms are declared on the model (``Vocab``). Tags are
    only checked when the store declares tags at all (the default vocabulary
    has none, so free tags work until a city fixes its list).
    """
    return [message for _loc, message in organisation_term_places(org, config)]


def organisation_term_places(
    data: Organisation | Mapping[str, Any], config: Config
) -> list[tuple[tuple[str | int, ...], str]]:
    """(where, message) for every undeclared term of an organisation, as a model or
    as plain data that may not validate otherwise (``mokoord edit`` reports these
    together with every other problem of the file)."""
    from mokoord.models.meta import (
        FIXED_VOCABULARIES,
        OPEN_VOCABULARIES,
        values_at,
        vocabulary_fields,
    )

    found: list[tuple[tuple[str | int, ...], str]] = []
    for path, vocabulary in vocabulary_fields(Organisation):
        if vocabulary in FIXED_VOCABULARIES or vocabulary in OPEN_VOCABULARIES:
            continue
        key = ".".join(part for part in path if part != "*")
        for loc, value in values_at(data, path):
            if not isinstance(value, str):
                continue  # a value of the wrong type: validation says so
            for message in term_problems(
                config, vocabulary, [value], key, lenient_empty=vocabulary == "tags"
            ):
                found.append((loc, message))
    return found
