"""The Typer application, its table of commands, its global options, the
language of a command line and the one error boundary."""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperArgument, TyperCommand, TyperGroup

from mokoord import __version__
from mokoord.cli._argv import config_file as _config_file
from mokoord.cli._argv import global_options as _global_options
from mokoord.cli._help import present_command, present_param, translate
from mokoord.cli._typer_texts import (
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    MokoordContext,
    in_language,
    use_typer_texts,
)
from mokoord.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    UnknownLanguage,
    _,
    choose_language,
    normalise_language,
    set_language,
)

# Every command as ``mokoord --help`` lists it, in the listing's order:
# (module in mokoord.cli, help panel) → {name: first paragraph of its help}.
# The listing is drawn from this table, so ``mokoord --help`` imports no command
# module, and ``mokoord COMMAND`` imports only the module holding COMMAND.
# tests/test_cli.py checks the table against the commands themselves.
_LISTING: dict[tuple[str, str], dict[str, str]] = {
    ("store", "Store"): {
        "init": "Create a new, empty store with its configuration and a git repository.",
        "check": "Validate every file and report all problems as path:line:col: severity code message.",
    },
    ("together", "Working together"): {
        "clone": "Clone a shared store and set it up for mokoord: record merges, author, index.",
        "sync": "Bring your work and your colleagues' together: fetch, merge record by record, push.",
    },
    ("register", "Register"): {
        "add-org": "Add an organisation to the register and print its id.",
        "add-person": "Add a contact person of an organisation and print the person's id.",
        "show": "Everything about one organisation: register data, persons, needs, status, activity.",
        "list": "List organisations, filtered; a table by default, or --json / --csv.",
        "search": "Find organisations by name, alias, id, goals, notes or a contact person's name.",
    },
    ("changes", "Register"): {
        "set": "Change fields of an organisation: KEY=VALUE, lists with += and -=.",
        "edit": "Edit an organisation's YAML file in $VISUAL or $EDITOR, validated on save.",
        "status": "Move an organisation along the pipeline; the old status goes to its history.",
        "add-need": "Record a support need (§2.5) of an organisation, open from today.",
        "close-need": "Close an organisation's open need as met or dropped.",
        "history": "The audit trail of an organisation from git: who changed what, field by field.",
    },
    ("contacts", "Contacts and referrals"): {
        "add-contact": "Log a contact with one or more organisations: one new file, one commit.",
        "contacts": "List logged contacts, newest first.",
        "referrals": "List referrals (Verweisberatung) made in contacts, newest first.",
        "close-referral": "Record the outcome of a referral: taken up or not taken up.",
        "follow-up-done": "Mark a contact's follow-up as done, so it leaves the agenda.",
        "agenda": "The coordinator's day: what is due, overdue or has gone quiet.",
        "add-institution": "Add an institution: a referral target or partner (city office, provider, …).",
        "institutions": "List the institutions (referral targets and partners) with their referrals.",
    },
    ("outreach", "Outreach and visits"): {
        "outreach": "Write letters or e-mail drafts to chosen organisations and record the contacts.",
        "sheet": "Write a printable data sheet (Stammdatenblatt) to check with an organisation on site.",
        "verified": "Record that an organisation's data were checked with it: last verified, and the visit.",
    },
    ("events", "Events and cooperation"): {
        "add-event": "Record an event: a training session, exchange format, network meeting, info event or festival.",
        "attend": "Record that an organisation took part in an event, with its head count.",
        "events": "List events, or show attendance across a training series.",
        "add-cooperation": "Record a cooperation of an organisation with an institution or another organisation.",
        "cooperations": "List cooperations; with --year those running in that year, the new ones marked.",
        "add-network": "Record a network or umbrella body (§2.3) and, with --member, its member organisations.",
        "networks": "List networks and umbrella bodies with their meeting rhythm and members.",
        "calendar": "Write events, follow-ups and funding deadlines as an iCalendar (.ics) file.",
        "rooms": "Organisations that need rooms next to those that offer theirs, by district.",
    },
    ("funding", "Funding"): {
        "add-programme": "Record a funding programme with one funding line, its limit and deadlines.",
        "programmes": "List funding programmes with their lines, limits and deadlines.",
        "add-application": "Record a funding application; refused when it breaks the programme's rules.",
        "application": "Show an application, or update its status, amounts and dates.",
        "applications": "List funding applications with amounts requested and granted.",
    },
    ("report", "Evaluation"): {
        "report": "Write the evaluation report: every indicator for a period next to the previous one.",
    },
    ("exchange", "Exchange"): {
        "import": "Import organisations (or a contact log) from a CSV or XLSX sheet, as one commit.",
        "export": "Export records as CSV (German Excel), XLSX, JSON or Open Referral HSDS.",
    },
    ("privacy", "Data protection"): {
        "privacy": "Data protection (GDPR): access, erasure that reaches the history, retention, the record of processing.",
    },
}

#: command name → (module, help panel, first paragraph of its help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    name: (module, panel, help)
    for (module, panel), commands in _LISTING.items()
    for name, help in commands.items()
}


class MokoordCommand(TyperCommand):
    """A command of mokoord: help, usage line and metavars in the chosen language."""

    context_class = MokoordContext

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # the language is chosen by now (MokoordGroup.parse_args); usage errors
        # name arguments by their metavar, so translate before parsing
        present_command(self, ctx)
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        present_command(self, ctx)
        use_typer_texts()
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        # Typer writes a required argument as {ID}; we write ID, optional ones [ID]
        pieces = [_(OPTIONS_METAVAR)] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                if param.nargs != 1 and not name.endswith("..."):
                    name += "..."
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class MokoordSubGroup(TyperGroup):
    """A command with subcommands (``mokoord privacy …``): its help and its commands'
    in the chosen language, like :class:`MokoordCommand`."""

    context_class = MokoordContext

    def format_help(self, ctx: Any, formatter: Any) -> None:
        present_command(self, ctx)
        for command in self.commands.values():
            for attribute in ("help", "short_help"):
                translate(command, attribute)
        use_typer_texts()
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [_(OPTIONS_METAVAR), _(SUBCOMMAND_METAVAR)]


class _NotLoaded(TyperCommand):
    """A command as the help listing shows it, before its module is imported."""


class MokoordGroup(TyperGroup):
    """Chooses the language, loads a command's module when the command is used,
    and turns every user-caused failure into one message and an exit code."""

    context_class = MokoordContext

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # Typer has converted the commands of the modules imported already
        # (tests import them all); the others stand in as the listing shows them.
        converted: dict[str, Any] = dict(self.commands)
        self.commands = {
            name: converted.pop(name, None)
            or _NotLoaded(name=name, help=help, rich_help_panel=panel)
            for name, (_module, panel, help) in COMMANDS.items()
        }
        self.commands.update(converted)  # any command missing from COMMANDS

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _choose_language(ctx, args)
        return super().parse_args(ctx, args)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except ClickException as exc:
            raise _in_language(exc) from None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        translate(self, "help")
        for param in self.get_params(ctx):
            present_param(None, param)
        for command in self.commands.values():
            translate(command, "help")
            translate(command, "rich_help_panel")
        use_typer_texts()
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [_(OPTIONS_METAVAR), _(SUBCOMMAND_METAVAR)]

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        # The listing needs only the stand-ins; a command that runs, or shows
        # its own help, is the real one.
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, MokoordCommand):
            # a stand-in, or converted before its class was set (tests import modules)
            command = self._load(command.name or "")
        return name, command, rest

    def _load(self, name: str) -> Any:
        """The command ``name``: its module imported, the command converted by Typer."""
        from typer.main import get_command_from_info, get_command_name

        module = f"mokoord.cli.{COMMANDS[name][0]}" if name in COMMANDS else None
        if module:
            importlib.import_module(module)
        for group in app.registered_groups:  # a command with subcommands (privacy)
            if group.name == name:
                self.commands[name] = _group(group, self.rich_markup_mode)
                return self.commands[name]
        for info in app.registered_commands:
            if info.callback and (info.name or get_command_name(info.callback.__name__)) == name:
                if info.cls in (None, TyperCommand):  # what @app.command gives
                    info.cls = MokoordCommand
                command = get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=self.rich_markup_mode,
                )
                self.commands[name] = command
                return command
        raise LookupError(f"{module} has no command {name!r}; COMMANDS is out of date")

    def invoke(self, ctx: Any) -> Any:
        from mokoord.errors import MokoordError

        failure: MokoordError | None = None
        try:
            return super().invoke(ctx)
        except MokoordError as exc:
            from mokoord.cli._common import report_error

            failure = exc
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except ClickException as exc:
            raise _in_language(exc) from None
        except typer.Abort:
            use_typer_texts()  # Typer prints its "Aborted."
            raise
        except KeyboardInterrupt:
            typer.echo(_("aborted; nothing was changed"), err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:  # a fault of the machine no lower layer named: still one message
            from mokoord.cli._common import report_error
            from mokoord.faults import file_fault

            fault = file_fault(exc, writing=False)
            report_error(fault)
            raise typer.Exit(fault.exit_code) from None
        finally:
            _after(ctx, failure)


def _after(ctx: Any, failure: Exception | None) -> None:
    """After every command: an unfinished merge, rebase or cherry-pick in the store's
    clone is named with the next step, unless the command's error said so already."""
    from mokoord.cli._common import State, notice_unfinished

    if isinstance(ctx.obj, State) and not getattr(failure, "names_unfinished", False):
        with contextlib.suppress(Exception):  # a notice never turns a result into a failure
            notice_unfinished(ctx.obj)


def _in_language(error: ClickException) -> ClickException:
    """A usage error as Typer will draw it, in the current language."""
    use_typer_texts()  # the panel's title, "Try … for help."
    return in_language(error)


# --------------------------------------------------------------------------- the language


def _choose_language(ctx: Any, args: list[str]) -> None:
    """Set the language of this command line before anything is shown.

    ``--lang`` is read from the arguments here rather than by its option:
    ``--help`` and errors in parsing come before the options are processed.
    """
    explicit, data = _global_options(args)
    if explicit is not None and normalise_language(explicit) is None:
        explicit = None  # the option itself reports the unknown value
    try:
        set_language(choose_language(explicit, lambda: store_language(data)))
    except UnknownLanguage as exc:
        set_language(normalise_language(store_language(data)) or DEFAULT_LANGUAGE)
        message = _(UNKNOWN_ENVIRONMENT).format(value=exc.value, languages=", ".join(LANGUAGES))
        raise UsageError(message, ctx=ctx) from None


UNKNOWN_LANGUAGE = N_("'{value}' is not a language of mokoord; choose one of {languages}")
UNKNOWN_ENVIRONMENT = N_(
    "$MOKOORD_LANG is '{value}', not a language of mokoord; choose one of {languages}"
)


def store_language(data: str | None, cwd: Path | None = None) -> str | None:
    """The ``language:`` in the store's ``mokoord.yaml``, or ``None``.

    The store is found as ``store.find_store_root`` finds it (``--data``, else
    ``$MOKOORD_DATA``, else the nearest ``mokoord.yaml`` upward, else
    ``./data``), but without importing the store: ``mokoord --help`` asks too,
    and loading the configuration would cost more than all of the help. The
    key is read with a regular expression; anything unexpected means ``None``
    (``check`` reports a broken configuration).
    """
    import re

    try:
        config = _config_file(data, cwd or Path.cwd())
        if config is None:
            return None
        text = config.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    found = re.search(r"^language:[ \t]*([\"']?)([A-Za-z_-]+)\1[ \t]*(?:#.*)?$", text, re.M)
    return found.group(2) if found else None


def _group(info: Any, markup: Any) -> Any:
    """A group of subcommands converted by Typer (its signature differs between versions)."""
    import inspect

    from typer.main import get_group_from_info

    options: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": markup,
    }
    if "suggest_commands" in inspect.signature(get_group_from_info).parameters:
        options["suggest_commands"] = True
    for command in info.typer_instance.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = MokoordCommand
    return get_group_from_info(info, **options)


app = typer.Typer(
    name="mokoord",
    cls=MokoordGroup,
    help=(
        "Register, contact log and yearly evaluation for a coordination office "
        "for migrant organisations. Data lives as YAML files in a git repository; "
        "every change is a commit.\n\n"
        "The store is found by --data, else $MOKOORD_DATA, else the nearest "
        "mokoord.yaml upward from here, else ./data. The language is chosen by --lang, "
        "else $MOKOORD_LANG, else the store's language: in mokoord.yaml, else German."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mokoord {__version__}")
        raise typer.Exit()


def _check_language(value: str | None) -> str | None:
    # chosen already (MokoordGroup.parse_args); an unknown value is refused here
    if value is not None:
        code = normalise_language(value)
        if code is None:
            message = _(UNKNOWN_LANGUAGE).format(value=value, languages=", ".join(LANGUAGES))
            raise typer.BadParameter(message)
        set_language(code)
    return value


@app.callback()
def _main(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "-d",
            help="Store folder (holding mokoord.yaml). Default: $MOKOORD_DATA, the nearest "
            "mokoord.yaml upward, or ./data.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of everything mokoord shows: de or en. Default: $MOKOORD_LANG, "
            "else the store's language:, else de.",
            callback=_check_language,
            is_eager=True,
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every file instead of using the index cache.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    from mokoord.cli._common import State, reset_consoles

    reset_consoles()
    ctx.obj = State(data=data, use_cache=not no_cache)
