"""Terms as people read and type them: labels in the chosen language, and input by
key, German label or English label.

A *vocabulary* is either one of ``mokoord.yaml``'s (``districts``, ``fields``,
``channels`` …: a city adapts them) or one mokoord fixes itself (``statuses``,
``outcomes`` …, :data:`mokoord.models.meta.FIXED_VOCABULARIES`). Which field
takes which vocabulary is declared once, on the models (``Vocab``).

Input is matched ignoring case and accents (``suedost``, ``Südost``, ``SUDOST``),
by key or by either label; a unique beginning is enough (``Bieb`` → ``biebrich``).
An unknown value is a :class:`~mokoord.errors.UsageError` naming the option, the
value, the three closest labels and where the terms are declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mokoord.errors import UsageError
from mokoord.i18n import _, in_language, language
from mokoord.location import CONFIG_FILE
from mokoord.models import Config, Label
from mokoord.models.meta import FIXED_VOCABULARIES, OPEN_VOCABULARIES, VOCABULARY_TITLES
from mokoord.textmatch import fold, fold_variants

CODE_VOCABULARIES: frozenset[str] = frozenset({"languages", "origins"})
"""Codes (ISO 639 languages, ISO 3166 countries and UN regions) shown by their names."""


def is_fixed(vocabulary: str) -> bool:
    """Whether mokoord defines the terms itself (not ``mokoord.yaml``)."""
    return vocabulary in FIXED_VOCABULARIES


def terms(config: Config, vocabulary: str) -> dict[str, Label]:
    """Every term of ``vocabulary`` with its German and English label."""
    fixed = FIXED_VOCABULARIES.get(vocabulary)
    if fixed is not None:
        return {
            key: Label(de=in_language("de", msgid), en=in_language("en", msgid))
            for key, msgid in fixed.items()
        }
    return config.vocabularies.terms(vocabulary)


def label(config: Config, vocabulary: str, key: str, lang: str | None = None) -> str:
    """The label of ``key`` in ``lang`` (default: the current language); an
    undeclared key as it is."""
    lang = lang or language()
    if vocabulary in CODE_VOCABULARIES:
        from mokoord.codes import country_name, language_name

        return (language_name if vocabulary == "languages" else country_name)(key, lang)
    fixed = FIXED_VOCABULARIES.get(vocabulary)
    if fixed is not None:
        msgid = fixed.get(key)
        return in_language(lang, msgid) if msgid else key
    found = config.vocabularies.terms(vocabulary).get(key)
    return found.text(lang) if found else key


def labels(config: Config, vocabulary: str, keys: Iterable[str], lang: str | None = None) -> str:
    """Labels of ``keys`` joined by ", " (the way tables and sheets show lists)."""
    return ", ".join(label(config, vocabulary, key, lang) for key in keys)


def title(vocabulary: str) -> str:
    """What one term of ``vocabulary`` is called, in the current language ("Stadtteil")."""
    msgid = VOCABULARY_TITLES.get(vocabulary)
    return _(msgid) if msgid else vocabulary


def choices(config: Config, vocabulary: str, lang: str | None = None) -> dict[str, str]:
    """key → label in the current language, in the declared order (for prompts)."""
    return {key: label(config, vocabulary, key, lang) for key in terms(config, vocabulary)}


def _names(key: str, entry: Label) -> set[str]:
    """Every way to write a term: its key, and each label folded, with German
    umlauts as bare vowels and as ``ae``/``oe``/``ue`` ("Förderung", "foerderung")."""
    names = {fold(key), fold(key.replace("_", " "))}
    for text in (entry.de, entry.en or ""):
        names |= fold_variants(text)
    return {name for name in names if name}


def match(known: Mapping[str, Label], value: str) -> list[str]:
    """The keys ``value`` names: one for a clear match, several when it is ambiguous,
    none when nothing fits. Exact keys and whole names win over beginnings."""
    text = value.strip()
    if text in known:
        return [text]
    wanted = fold(text)
    if not wanted:
        return []
    names = {key: _names(key, entry) for key, entry in known.items()}
    exact = [key for key, found in names.items() if wanted in found]
    if exact:
        return exact
    return [key for key, found in names.items() if any(n.startswith(wanted) for n in found)]


def closest(known: Mapping[str, Label], value: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` keys whose key or labels look most like ``value``."""
    from rapidfuzz import fuzz, process

    wanted = fold(value)
    candidates: dict[str, str] = {}
    for key, entry in known.items():
        for name in _names(key, entry):
            candidates.setdefault(name, key)
    found = process.extract(wanted, list(candidates), scorer=fuzz.WRatio, limit=limit * 3)
    keys = [candidates[name] for name, score, _index in found if score >= 60]
    return list(dict.fromkeys(keys))[:limit]


def resolve(config: Config, vocabulary: str, value: str, *, flag: str) -> str:
    """The key ``value`` names in ``vocabulary``; else a clear error.

    A vocabulary left empty in ``mokoord.yaml`` (tags, by default) accepts any
    well-formed term; an open one (roles) keeps unknown text as written.
    """
    known = terms(config, vocabulary)
    found = match(known, value)
    if len(found) == 1:
        return found[0]
    if vocabulary in OPEN_VOCABULARIES and not found:
        return value.strip()
    if not known and not is_fixed(vocabulary):
        from mokoord.slugs import is_valid_id

        term = fold(value).strip().replace(" ", "_")
        if is_valid_id(term.replace("_", "-")):
            return term
    what = title(vocabulary)
    if found:
        raise UsageError(
            _("{flag}: '{value}' could mean {candidates}; write more of it").format(
                flag=flag,
                value=value,
                candidates=or_list(label(config, vocabulary, key) for key in found),
            )
        )
    near = [label(config, vocabulary, key) for key in closest(known, value)]
    message = _("{flag}: '{value}' is not a known {what}").format(flag=flag, value=value, what=what)
    if near:
        message += _("; did you mean {candidates}?").format(candidates=or_list(near))
    if is_fixed(vocabulary):
        hint = _("allowed: {terms}").format(terms=", ".join(choices(config, vocabulary).values()))
    else:
        hint = _("the terms are declared in {file} under vocabularies.{name}").format(
            file=CONFIG_FILE, name=vocabulary
        )
    raise UsageError(message, hint=hint)


def resolve_all(config: Config, vocabulary: str, values: Iterable[str], *, flag: str) -> list[str]:
    """:func:`resolve` for each value, keeping order and dropping repeats."""
    return list(dict.fromkeys(resolve(config, vocabulary, value, flag=flag) for value in values))


def or_list(items: Iterable[str]) -> str:
    """``'Biebrich', 'Bierstadt' or 'Mitte'``: choices as a message names them, each
    in the current language's quotes (German: „Biebrich“)."""
    shown = [_("'{item}'").format(item=item) for item in items]
    if len(shown) <= 1:
        return "".join(shown)
    return _("{items} or {last}").format(items=", ".join(shown[:-1]), last=shown[-1])


def resolve_in_record(
    config: Config, model: Any, data: dict[str, Any], *, only: Iterable[str] | None = None
) -> dict[str, Any]:
    """``data`` (a record as plain data) with every vocabulary value given by a
    label turned into its key, as declared on ``model``. Keys outside ``only``
    (top-level field names) are left as they are. Unknown values raise."""
    from mokoord.models.meta import vocabulary_fields

    wanted = set(only) if only is not None else None
    for path, vocabulary in vocabulary_fields(model):
        if wanted is not None and path[0] not in wanted:
            continue
        _resolve_at(config, vocabulary, data, path, ".".join(p for p in path if p != "*"))
    return data


def _resolve_at(
    config: Config, vocabulary: str, node: Any, path: tuple[str, ...], key: str
) -> None:
    if node is None or not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                if rest:
                    _resolve_at(config, vocabulary, item, rest, key)
                elif isinstance(item, str):
                    node[index] = resolve(config, vocabulary, item, flag=key)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _resolve_at(config, vocabulary, node[head], rest, key)
    elif isinstance(node[head], str):
        node[head] = resolve(config, vocabulary, node[head], flag=key)
