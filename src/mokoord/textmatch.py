"""Matching names as people type them: case, accents and legal forms ignored.

Used by ``search``, the duplicate warning of ``add-org``, the organisation
picker of ``add-contact`` and the duplicate detection of ``import``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Letters that do not decompose into base letter + accent.
_FOLD = str.maketrans(
    {"ß": "ss", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"}
)


class _Marks(dict[int, int | None]):
    """Code point → ``None`` for combining marks, itself otherwise; filled as met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _Marks()


def fold(text: str) -> str:
    """Lower case without accents: ``"Öztürk Kültür"`` → ``"ozturk kultur"``.

    Umlauts fold to the bare vowel, so "turk" finds "Türk" and "ozturk" finds
    "Öztürk"; use :func:`fold_variants` to also match the German spelling "oe".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    if decomposed.isascii():
        return decomposed
    return decomposed.translate(_WITHOUT_MARKS)  # search folds thousands of texts


def fold_variants(text: str) -> set[str]:
    """``fold`` plus the German transliteration (ü → ue), for matching either spelling."""
    german = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return {fold(text), fold(german)}


_WORD = re.compile(r"[^\W_]+")
"""A run of letters and digits (what ``str.isalnum`` takes: the word characters but ``_``)."""
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘ʼ`´", ""))


def words_of(text: str) -> list[str]:
    """The folded words of a text, punctuation ignored: ``"N'Diaye-Verein"`` → ``["ndiaye", "verein"]``.

    Apostrophes join what they separate (so "ndiaye" finds "N'Diaye"); any
    other punctuation separates words.
    """
    return _WORD.findall(fold(text).translate(_APOSTROPHES))


_UMLAUT_SPELLINGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))

# Legal-form words as the tokens :func:`spelling_key` leaves of them, longest first.
# The short ones (e.V., eG, UG) are left alone at the start of a name, where
# "Ev." means "Evangelische".
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(form.split())
            for form in (
                "eingetragener verein",
                "eingetr verein",
                "nicht eingetragener verein",
                "gemeinnutziger eingetragener verein",
                "registered association",
                "e v",
                "ev",
                "n e v",
                "nev",
                "gemeinnutzige gmbh",
                "ggmbh",
                "gmbh",
                "gemeinnutzige ug",
                "gug",
                "ug",
                "haftungsbeschrankt",
                "e g",
                "eg",
                "gbr",
                "kdor",
                "k d o r",
                "korperschaft des offentlichen rechts",
            )
        ),
        key=len,
        reverse=True,
    )
)
_LONG_FORM = 3
"""Legal forms of at least this many letters are removed at the start of a name too."""


def spelling_key(text: str) -> str:
    """Words as spelled, whatever the spelling: ``"Müller-Lüdenscheidt"``, ``"Mueller Ludenscheidt"``
    → ``"muller ludenscheidt"``.

    Case, accents, the German umlaut spellings (ü = ue = u, ß = ss),
    punctuation, hyphens and spacing are ignored; every other letter and
    digit counts.
    """
    base = fold(text)
    for spelled, vowel in _UMLAUT_SPELLINGS:
        base = base.replace(spelled, vowel)
    return " ".join("".join(char if char.isalnum() else " " for char in base).split())


def name_words(name: str) -> list[str]:
    """The words of an organisation's name without legal-form words (``e.V.``, ``gGmbH`` …)."""
    words = spelling_key(name).split()
    kept: list[str] = []
    i = 0
    while i < len(words):
        for form in _LEGAL_FORMS:
            if tuple(words[i : i + len(form)]) == form and (
                i > 0 or len("".join(form)) >= _LONG_FORM
            ):
                i += len(form)
                break
        else:
            kept.append(words[i])
            i += 1
    return kept or words


def name_key(name: str) -> str:
    """A name reduced for similarity: no legal form, accents, umlaut spellings, punctuation."""
    return " ".join(name_words(name))


def identity_key(name: str) -> str:
    """Two names are the same name when their keys are equal.

    :func:`name_key` without spaces (``"Kultur-Verein"`` = ``"Kulturverein"``),
    except between two numbers (``"Nummer 1 2"`` ≠ ``"Nummer 12"``).
    """
    words = name_words(name)
    joined: list[str] = []
    for word in words:
        if joined and joined[-1][-1].isdigit() and word[0].isdigit():
            joined.append(" ")
        joined.append(word)
    return "".join(joined)


@dataclass(frozen=True)
class Match:
    key: str
    """The id of what matched."""
    score: float
    """0-100, higher is closer."""
    text: str
    """The text that matched best."""


def similar(
    query: str,
    candidates: Mapping[str, Iterable[str]],
    *,
    limit: int = 5,
    cutoff: float = 80.0,
) -> list[Match]:
    """Candidates whose names are alike ``query`` (e.g. duplicates), best first.

    ``candidates`` maps an id to the names it goes by (name and aliases).
    """
    from rapidfuzz import fuzz

    wanted = name_key(query)
    if not wanted:
        return []
    best: dict[str, Match] = {}
    for key, names in candidates.items():
        for name in names:
            score = fuzz.token_sort_ratio(wanted, name_key(name))
            if score >= cutoff and (key not in best or score > best[key].score):
                best[key] = Match(key, float(score), name)
    return sorted(best.values(), key=lambda m: (-m.score, m.key))[:limit]


def _word_score(word: str, target: str, tokens: list[str], compact: str) -> float:
    """1.0 when ``word`` appears in ``target``; 0.8-1.0 for a near miss (a typo); else 0."""
    from rapidfuzz import fuzz

    if word in target or word in compact:
        return 1.0
    if len(word) < 4:
        return 0.0
    best = 0.0
    for token in tokens:
        if len(token) < len(word) - 2:
            continue
        best = max(best, fuzz.ratio(word, token), fuzz.ratio(word, token[: len(word)]))
    return best / 100.0 if best >= 80.0 else 0.0


def pick(
    query: str,
    candidates: Mapping[str, Iterable[str]],
    *,
    limit: int = 8,
    cutoff: float = 55.0,
) -> list[Match]:
    """Fuzzy search for a picker: every word typed should appear ("elternverein bieb").

    A word that appears in a name scores best; a word with a typo
    ("elternverien") still finds the name, ranked below exact hits.
    """
    from rapidfuzz import fuzz

    wanted = fold(query).split()
    if not wanted:
        return []
    phrase = " ".join(wanted)
    results: list[Match] = []
    for key, names in candidates.items():
        best: Match | None = None
        for name in [*names, key]:
            target = fold(name)
            tokens = "".join(c if c.isalnum() else " " for c in target).split()
            compact = "".join(tokens)
            scores = [_word_score(word, target, tokens, compact) for word in wanted]
            exact = sum(1 for s in scores if s == 1.0)
            if exact == len(wanted):
                # every typed word appears: rank by how much of the name they cover
                score = 90.0 + 10.0 * min(len(phrase) / max(len(target), 1), 1.0)
            elif all(scores):
                # every word appears, some with a typo
                score = 75.0 + 10.0 * sum(scores) / len(scores)
            else:
                fuzzy = float(fuzz.token_set_ratio(phrase, target)) if len(target) > 3 else 0.0
                found = sum(scores)
                score = min(fuzzy, 85.0) * (0.5 + 0.5 * found / len(wanted))
            if best is None or score > best.score:
                best = Match(key, score, name)
        if best is not None and best.score >= cutoff:
            results.append(best)
    return sorted(results, key=lambda m: (-m.score, m.key))[:limit]
