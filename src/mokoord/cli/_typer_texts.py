"""Typer's and Click's own texts in the chosen language.

Typer (0.29 vendors Click as ``typer._click``) writes its texts in English and
offers no catalogue of its own. This module is the one place that translates
them, in three ways:

1. **Help and error panels**: ``typer.rich_utils`` reads module constants
   (``OPTIONS_PANEL_TITLE``, ``DEFAULT_STRING`` …) each time it draws;
   :func:`use_typer_texts` sets them from our catalogue (:data:`RICH_TEXTS`)
   just before help or an error is drawn.
2. **The usage line** (``Usage: mokoord list [OPTIONS]``): our context class
   :class:`MokoordContext` has a help formatter that writes the prefix from
   the catalogue; the commands give their usage pieces themselves
   (``_app.MokoordCommand``).
3. **Arguments without a type, defaults by their label**: Typer shows
   ``<str>`` beside an argument's name, and a default as the value in the code
   (``[default: known]``), with no setting against either; :func:`hide_type`
   and :func:`show_default_as` give the parameter object a method of its own
   (``display_type_rich``, ``_get_default_string``) that shows what we say.
4. **Usage errors** (``No such option``, ``Missing argument`` …): Click builds
   them as English sentences. At the error boundary (``_app.MokoordGroup``),
   :func:`in_language` matches the sentence against :data:`USAGE_ERRORS` (the
   English texts as msgids, with named placeholders) and builds a new error
   from the translation. The reason a value was refused comes from pydantic
   (Typer converts values with it) and is rebuilt from the error's type
   (:data:`VALUE_PROBLEMS`), so that no pydantic text reaches the user.

``tests/test_i18n_cli.py`` holds Typer to every English text listed here: a
Typer upgrade that changes one fails the tests instead of silently printing
English in German help.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import Any

import typer
from typer._click.exceptions import BadParameter, ClickException, NoArgsIsHelpError, UsageError
from typer._click.formatting import HelpFormatter

from mokoord.i18n import N_, _

#: ``typer.rich_utils`` constant → its English text (the msgid).
RICH_TEXTS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}

USAGE_PREFIX = N_("Usage: ")
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
HELP_OPTION_HELP = N_("Show this message and exit.")
QUOTED = N_("'{text}'")
"""A name or value quoted inside a message (German: „{text}“)."""

#: Click's usage errors as Click writes them; ``{name}`` stands for any text.
USAGE_ERRORS: tuple[str, ...] = (
    N_("No such option: {option}"),
    N_("No such option: {option} (Possible options: {options})"),
    N_("No such command '{name}'."),
    N_("No such command '{name}'. Did you mean {suggestions}?"),
    N_("Missing command."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Option '{option}' requires an argument."),
    N_("Option '{option}' requires {count} arguments."),
    N_("Option '{option}' does not take a value."),
    N_("Missing option '{option}'."),
    N_("Missing option '{option}'. Choose from:{choices}"),
    N_("Missing argument '{argument}'."),
    N_("Missing argument '{argument}'. Choose from:{choices}"),
    N_("Missing parameter '{parameter}'."),
    N_("Invalid value for {parameter}: {problem}"),
    N_("Invalid value: {problem}"),
)

#: pydantic's error type (Typer converts values with pydantic) → what we say instead.
VALUE_PROBLEMS: dict[str, str] = {
    "int_parsing": N_("'{value}' is not a whole number"),
    "int_type": N_("'{value}' is not a whole number"),
    "int_from_float": N_("'{value}' is not a whole number"),
    "float_parsing": N_("'{value}' is not a number"),
    "float_type": N_("'{value}' is not a number"),
    "decimal_parsing": N_("'{value}' is not a number"),
    "bool_parsing": N_("'{value}' is neither yes nor no"),
    "greater_than_equal": N_("'{value}' is too small: at least {limit}"),
    "greater_than": N_("'{value}' is too small: more than {limit}"),
    "less_than_equal": N_("'{value}' is too large: at most {limit}"),
    "less_than": N_("'{value}' is too large: less than {limit}"),
    "literal_error": N_("'{value}' is not one of {choices}"),
    "enum": N_("'{value}' is not one of {choices}"),
}
OTHER_VALUE_PROBLEM = N_("'{value}' is not a valid value here")

_LIMITS = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
}


def use_typer_texts() -> None:
    """Set Typer's panel titles and notes to the current language (before drawing)."""
    from typer import rich_utils

    for name, english in RICH_TEXTS.items():
        setattr(rich_utils, name, _(english))


def hide_type(argument: Any) -> None:
    """Draw ``argument`` in help by its metavar alone, without Typer's ``<str>``."""
    argument.display_type_rich = _no_type


def _no_type(ctx: Any = None) -> None:
    return None


def show_default_as(option: Any, text: str) -> None:
    """Show ``text`` as ``option``'s default in help (``[Standard: bekannt]``)."""
    option._get_default_string = lambda **_: text


class LocalHelpFormatter(HelpFormatter):
    """Click's help formatter with the usage line's prefix in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(USAGE_PREFIX) if prefix is None else prefix)


class MokoordContext(typer.Context):
    """The context of mokoord's commands: usage lines in the current language."""

    formatter_class = LocalHelpFormatter


# --------------------------------------------------------------------------- usage errors


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>.*?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    # the most specific first: "No such option: {option}" would match every longer one
    ordered = sorted(USAGE_ERRORS, key=lambda t: -len(re.sub(r"\{\w+\}", "", t)))
    return [(template, _pattern(template)) for template in ordered]


def in_language(error: ClickException) -> ClickException:
    """``error`` with its message in the current language.

    A new exception of the same kind of exit (``UsageError``: exit 2, with the
    usage line; others exit as ``error`` does), or ``error`` itself when its
    message is none of :data:`USAGE_ERRORS` or it is the help shown for a
    command given no arguments.
    """
    if isinstance(error, NoArgsIsHelpError):
        return error
    if isinstance(error, BadParameter):
        problem = _value_problem(error)
        if problem is not None:
            error.message = problem
    message = translate_usage_message(error.format_message())
    if message is None:
        return error
    translated: ClickException
    if isinstance(error, UsageError):
        translated = UsageError(message, ctx=error.ctx)
    else:
        translated = ClickException(message)
    translated.exit_code = error.exit_code
    return translated


def translate_usage_message(message: str) -> str | None:
    """One of Click's usage error messages in the current language; ``None`` if unknown."""
    for template, pattern in _patterns():
        found = pattern.fullmatch(message)
        if found:
            values = {name: _quoted(value) for name, value in found.groupdict().items()}
            return _(template).format(**values)
    return None


def _quoted(value: str) -> str:
    """Click's ``'--org'`` quoting in the quotes of the current language."""
    return re.sub(r"'([^'\n]*)'", lambda m: _(QUOTED).format(text=m.group(1)), value)


def _value_problem(error: BadParameter) -> str | None:
    """Why Typer refused a value, from pydantic's error type; ``None`` when
    the refusal did not come from pydantic (our own messages are translated)."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    try:
        first: dict[str, Any] = errors()[0]
    except (IndexError, TypeError):
        return None
    kind = first.get("type", "")
    context = first.get("ctx") or {}
    value = first.get("input", "")
    limit = context.get(_LIMITS.get(kind, ""), "")
    choices = _choices(error.param)
    if kind in VALUE_PROBLEMS:
        text = VALUE_PROBLEMS[kind]
    elif choices:  # Typer checks choices in a validator of its own: a value_error
        text = VALUE_PROBLEMS["literal_error"]
    else:
        text = OTHER_VALUE_PROBLEM
    return _(text).format(value=value, limit=limit, choices=choices or context.get("expected", ""))


def _choices(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    found = getattr(descriptor, "choices", None) or ()
    return ", ".join(str(c.value if isinstance(c, Enum) else c) for c in found)
