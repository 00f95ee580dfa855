"""Asking for missing values: only when a person is at the terminal.

Every command that can prompt follows one rule: a value given as a flag is
used; a missing required value is asked for when :func:`interactive` is true,
and otherwise is an error that names the flag. Tests (and scripts that want
prompts through a pipe) set ``MOKOORD_INTERACTIVE=1``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from mokoord.models import Label


def interactive() -> bool:
    """True when prompts may be shown: stdin is a terminal, or MOKOORD_INTERACTIVE=1."""
    forced = os.environ.get("MOKOORD_INTERACTIVE")
    if forced is not None:
        return forced not in ("", "0", "false", "no")
    return sys.stdin.isatty()


def ask(question: str, default: str = "") -> str:
    """One line typed by the user; the question goes to stderr, so stdout keeps the result.

    (click's prompt writes a space to stdout, which would end up in
    ``id=$(mokoord add-contact)``.) An empty answer gives ``default``; the end
    of the input aborts.
    """
    shown = f"{question} [{default}]: " if default else f"{question}: "
    sys.stderr.write(shown)
    sys.stderr.flush()
    try:
        line = input()
    except EOFError:
        sys.stderr.write("\n")
        raise typer.Abort() from None
    return line if line.strip() else default


def require(value: str | None, flag: str, question: str) -> str:
    """The flag's value, else an answer to ``question``, else an error naming ``flag``."""
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    if value is not None and value.strip():
        return value.strip()
    if not interactive():
        raise UsageError(_("missing {flag} (no terminal to ask)").format(flag=flag))
    while True:
        answer = ask(question).strip()
        if answer:
            return answer
        typer.echo(_("  a value is needed (Ctrl-C to stop)"), err=True)


def _listed(question: str, choices: Mapping[str, str]) -> list[str]:
    typer.echo(question, err=True)
    keys = list(choices)
    for number, key in enumerate(keys, 1):
        shown = choices[key]
        typer.echo(f"  {number:>2}. {shown}" + (f" [{key}]" if shown != key else ""), err=True)
    return keys


def _pick(
    answer: str,
    keys: list[str],
    choices: Mapping[str, str],
    terms: Mapping[str, Label] | None = None,
) -> list[str]:
    """What one answer names: a number, a key, or a label (any case or accents,
    a unique beginning is enough); several keys when it is ambiguous. With
    ``terms`` (a vocabulary's labels), the German and the English label both do."""
    from mokoord.models import Label
    from mokoord.vocab import match

    if answer.isdigit() and 1 <= int(answer) <= len(keys):
        return [keys[int(answer) - 1]]
    known = {key: Label(de=choices[key] or key) for key in keys}
    if terms:
        known = {key: terms.get(key, label) for key, label in known.items()}
    return match(known, answer)


def choose(
    question: str,
    choices: Mapping[str, str],
    *,
    default: str | None = None,
    optional: bool = False,
    terms: Mapping[str, Label] | None = None,
) -> str | None:
    """One term from a vocabulary (``choices`` maps key → label): by number, key or
    label; with ``terms`` (``vocab.terms``) by its label in either language."""
    from mokoord.i18n import _

    keys = _listed(question, choices)
    hint = _(" (Enter to skip)") if optional else ""
    while True:
        answer = ask(_("number, key or name{hint}").format(hint=hint), default or "").strip()
        if not answer:
            if optional:
                return None
            if default:
                return default
            continue
        found = _pick(answer, keys, choices, terms)
        if len(found) == 1:
            return found[0]
        if found:
            typer.echo(
                _("  '{answer}' could mean {names}; write more of it").format(
                    answer=answer, names=", ".join(choices[key] for key in found)
                ),
                err=True,
            )
        else:
            typer.echo(_("  '{answer}' is not one of the choices").format(answer=answer), err=True)


def choose_many(
    question: str, choices: Mapping[str, str], *, terms: Mapping[str, Label] | None = None
) -> list[str]:
    """Several terms: numbers, keys or labels, comma-separated; empty answer for none."""
    from mokoord.i18n import _

    keys = _listed(question, choices)
    while True:
        answer = ask(_("numbers, keys or names, comma-separated (Enter for none)"))
        picked: list[str] = []
        bad: list[str] = []
        for part in (p.strip() for p in answer.replace(";", ",").split(",")):
            if not part:
                continue
            found = _pick(part, keys, choices, terms)
            if len(found) == 1:
                picked.append(found[0])
            else:
                bad.append(part)
        if not bad:
            return list(dict.fromkeys(picked))
        typer.echo(_("  not among the choices: {answers}").format(answers=", ".join(bad)), err=True)


YES = frozenset({"y", "yes", "j", "ja"})
NO = frozenset({"n", "no", "nein"})


def confirm(question: str, *, default: bool = False) -> bool:
    """Yes/no (``ja``/``nein``/``j``/``n`` as well as ``yes``/``no``); without a
    terminal the default holds."""
    from mokoord.i18n import _

    if not interactive():
        return default
    choices = _("[Y/n]") if default else _("[y/N]")
    while True:
        answer = ask(f"{question} {choices}").strip().lower()
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        typer.echo(_("  answer y or n"), err=True)


def pick_one(question: str, options: Sequence[tuple[str, str]]) -> str:
    """Pick one of a short list of (key, description), by number."""
    from mokoord.i18n import _

    typer.echo(question, err=True)
    for number, (key, text) in enumerate(options, 1):
        typer.echo(f"  {number:>2}. {text} [{key}]", err=True)
    while True:
        answer = ask(_("number"), "1").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
        if answer in {key for key, _ in options}:
            return answer


def search(
    question: str,
    find: Callable[[str], Sequence[tuple[str, str]]],
    *,
    optional: bool = False,
) -> str | None:
    """Pick a record by typing part of its name: ``find(text)`` → (key, description).

    Shows the matches numbered and asks for a number; an empty search returns
    ``None`` when ``optional``. Typing again searches again.
    """
    from mokoord.i18n import _

    hint = _(" (Enter for none)") if optional else ""
    while True:
        text = ask(f"{question}{hint}").strip()
        if not text:
            if optional:
                return None
            typer.echo(_("  type part of the name (Ctrl-C to stop)"), err=True)
            continue
        options = list(find(text))
        if not options:
            typer.echo(_("  nothing fits '{text}'; try other words").format(text=text), err=True)
            continue
        for number, (key, description) in enumerate(options, 1):
            typer.echo(f"  {number:>2}. {description} [{key}]", err=True)
        answer = ask(_("number (Enter for 1, 0 to search again)"), "1").strip()
        if answer in {key for key, _ in options}:
            return answer
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
