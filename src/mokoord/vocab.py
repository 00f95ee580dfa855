"""Vocabulary terms as people type them: by key or by label, with suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from mokoord.errors import UsageError
from mokoord.models import Config, Label
from mokoord.textmatch import fold


def resolve_term(config: Config, vocabulary: str, value: str, flag: str) -> str:
    """A term of ``vocabularies.<vocabulary>`` by key or label; else an error with the closest.

    A vocabulary left empty in ``mokoord.yaml`` accepts any well-formed term.
    """
    return resolve_in(config.vocabularies.terms(vocabulary), vocabulary, value, flag)


def resolve_in(terms: Mapping[str, Label], vocabulary: str, value: str, flag: str) -> str:
    """:func:`resolve_term` over a given mapping of terms to labels."""
    text = value.strip()
    if text in terms:
        return text
    wanted = fold(text)
    for key, label in terms.items():
        if wanted in {fold(key), fold(label.de), fold(label.en or label.de)}:
            return key
    if not terms:
        from mokoord.slugs import is_valid_id

        term = text.lower().replace(" ", "_")
        if is_valid_id(term.replace("_", "-")):
            return term
    labels = {key: f"{key} ({label.de})" for key, label in terms.items()}
    lookup = {fold(key): key for key in terms} | {fold(lb.de): key for key, lb in terms.items()}
    close = difflib.get_close_matches(wanted, list(lookup), n=3, cutoff=0.5)
    keys = list(dict.fromkeys(lookup[c] for c in close))
    suggestion = f"; did you mean {', '.join(labels[k] for k in keys)}?" if keys else ""
    raise UsageError(
        f"{flag}: '{value}' is not one of the {vocabulary} of this store{suggestion}",
        hint=f"known {vocabulary}: {', '.join(terms) or '(none)'} (see mokoord.yaml)",
    )
