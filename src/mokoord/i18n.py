"""The language of everything a person reads: German first, English on request.

Every text a user sees is written in English in the code and marked for
translation::

    from mokoord.i18n import _, N_, ngettext

    raise NotFound(_("no organisation with id '{id}'").format(id=org_id))
    ngettext("{n} file left out", "{n} files left out", n).format(n=n)
    HEADERS = {"name": N_("Name")}      # marked here, translated where shown: _(HEADERS["name"])

Placeholders are named (``{id}``), never positional, so a translation may put
them in another order; the text is formatted *after* translation.

The catalogues are gettext files managed with Babel: the sources
``mokoord/locale/<lang>/LC_MESSAGES/mokoord.po`` and the compiled ``.mo``
beside them (see docs/DEVELOPING.md, "Messages and languages").

The language is chosen once per command line (:func:`set_language`): the
global ``--lang``, else ``$MOKOORD_LANG``, else the store's ``language:``,
else German.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("de", "en")
DEFAULT_LANGUAGE = "de"
ENV_VAR = "MOKOORD_LANG"
DOMAIN = "mokoord"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: str = DEFAULT_LANGUAGE
_catalogues: dict[str, _gettext.NullTranslations] = {}


def _catalogue(lang: str) -> _gettext.NullTranslations:
    found = _catalogues.get(lang)
    if found is None:
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with path.open("rb") as handle:
                found = _gettext.GNUTranslations(handle)
        except OSError:
            found = _gettext.NullTranslations()
        _catalogues[lang] = found
    return found


def normalise_language(value: str | None) -> str | None:
    """``"DE"``, ``"de_DE.UTF-8"``, ``"Deutsch"`` → ``"de"``; ``None`` for anything unknown."""
    if not value:
        return None
    text = value.strip().lower()
    names = {"deutsch": "de", "german": "de", "englisch": "en", "english": "en"}
    if text in names:
        return names[text]
    code = text.replace("-", "_").split("_")[0].split(".")[0]
    return code if code in LANGUAGES else None


def set_language(lang: str) -> None:
    """Use ``lang`` (one of :data:`LANGUAGES`) for every text from now on."""
    global _current
    code = normalise_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    _current = code


def language() -> str:
    """The language texts are given in now (``"de"`` or ``"en"``)."""
    return _current


def language_from_environment() -> str | None:
    """The language ``$MOKOORD_LANG`` asks for, if it names a known one."""
    return normalise_language(os.environ.get(ENV_VAR))


class UnknownLanguage(ValueError):
    """``--lang`` or ``$MOKOORD_LANG`` names a language mokoord does not speak."""

    def __init__(self, value: str, source: str) -> None:
        super().__init__(f"{source}: unknown language {value!r}; known: {', '.join(LANGUAGES)}")
        self.value = value
        self.source = source


def choose_language(explicit: str | None, store_language: Callable[[], str | None]) -> str:
    """The language of a command line: ``explicit`` (the global ``--lang``),
    else ``$MOKOORD_LANG``, else the store's ``language:`` (``store_language``
    is asked only then; ``None`` or an unknown value count as not set), else
    German.

    Raises :class:`UnknownLanguage` when ``--lang`` or ``$MOKOORD_LANG`` names
    no known language: a typing error there should not go unnoticed.
    """
    if explicit is not None:
        code = normalise_language(explicit)
        if code is None:
            raise UnknownLanguage(explicit, "--lang")
        return code
    wanted = os.environ.get(ENV_VAR, "").strip()
    if wanted:
        code = normalise_language(wanted)
        if code is None:
            raise UnknownLanguage(wanted, f"${ENV_VAR}")
        return code
    return normalise_language(store_language()) or DEFAULT_LANGUAGE


def _(message: str) -> str:
    """``message`` in the current language."""
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _catalogue(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from equal texts by ``context``."""
    return _catalogue(_current).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here (a table, a constant)."""
    return message


def in_language(lang: str, message: str) -> str:
    """``message`` in ``lang``, whatever the current language (reports in a language of their own)."""
    return _catalogue(normalise_language(lang) or DEFAULT_LANGUAGE).gettext(message)


@contextmanager
def speaking(lang: str) -> Iterator[str]:
    """Every text in ``lang`` inside the ``with`` block, the language before after it::

        with speaking(report_lang):    # the report's own --lang
            view = build_view(report)  # _(), pgettext(), labels: all in report_lang

    Yields the language's code. Messages for the person at the terminal (errors)
    belong outside the block.
    """
    global _current
    before = _current
    set_language(lang)
    try:
        yield _current
    finally:
        _current = before
