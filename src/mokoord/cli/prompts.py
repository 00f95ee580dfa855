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

import typer


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

    if value is not None and value.strip():
        return value.strip()
    if not interactive():
        raise UsageError(f"missing {flag} (no terminal to ask)")
    while True:
        answer = ask(question).strip()
        if answer:
            return answer
        typer.echo("  a value is needed (Ctrl-C to stop)", err=True)


def choose(
    question: str,
    choices: Mapping[str, str],
    *,
    default: str | None = None,
    optional: bool = False,
) -> str | None:
    """One term from a vocabulary, by number or by key (``choices`` maps key → label)."""
    keys = list(choices)
    typer.echo(question, err=True)
    for number, key in enumerate(keys, 1):
        typer.echo(f"  {number:>2}. {choices[key]} [{key}]", err=True)
    hint = " (Enter to skip)" if optional else ""
    while True:
        answer = ask(f"number or key{hint}", default or "").strip()
        if not answer:
            if optional:
                return None
            if default:
                return default
            continue
        if answer.isdigit() and 1 <= int(answer) <= len(keys):
            return keys[int(answer) - 1]
        if answer in choices:
            return answer
        typer.echo(f"  '{answer}' is not one of the choices", err=True)


def choose_many(question: str, choices: Mapping[str, str]) -> list[str]:
    """Several terms, comma-separated numbers or keys; empty answer for none."""
    keys = list(choices)
    typer.echo(question, err=True)
    for number, key in enumerate(keys, 1):
        typer.echo(f"  {number:>2}. {choices[key]} [{key}]", err=True)
    while True:
        answer = ask("numbers or keys, comma-separated (Enter for none)")
        picked: list[str] = []
        bad: list[str] = []
        for part in (p.strip() for p in answer.replace(";", ",").split(",")):
            if not part:
                continue
            if part.isdigit() and 1 <= int(part) <= len(keys):
                picked.append(keys[int(part) - 1])
            elif part in choices:
                picked.append(part)
            else:
                bad.append(part)
        if not bad:
            return list(dict.fromkeys(picked))
        typer.echo(f"  not among the choices: {', '.join(bad)}", err=True)


def confirm(question: str, *, default: bool = False) -> bool:
    """Yes/no; without a terminal the default holds."""
    if not interactive():
        return default
    while True:
        answer = ask(f"{question} [{'Y/n' if default else 'y/N'}]").strip().lower()
        if not answer:
            return default
        if answer in {"y", "yes", "j", "ja"}:
            return True
        if answer in {"n", "no", "nein"}:
            return False
        typer.echo("  answer y or n", err=True)


def pick_one(question: str, options: Sequence[tuple[str, str]]) -> str:
    """Pick one of a short list of (key, description), by number."""
    typer.echo(question, err=True)
    for number, (key, text) in enumerate(options, 1):
        typer.echo(f"  {number:>2}. {text} [{key}]", err=True)
    while True:
        answer = ask("number", "1").strip()
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
    hint = " (Enter for none)" if optional else ""
    while True:
        text = ask(f"{question}{hint}").strip()
        if not text:
            if optional:
                return None
            typer.echo("  type part of the name (Ctrl-C to stop)", err=True)
            continue
        options = list(find(text))
        if not options:
            typer.echo(f"  nothing fits '{text}'; try other words", err=True)
            continue
        for number, (key, description) in enumerate(options, 1):
            typer.echo(f"  {number:>2}. {description} [{key}]", err=True)
        answer = ask("number (Enter for 1, 0 to search again)", "1").strip()
        if answer in {key for key, _ in options}:
            return answer
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
