"""The Typer application, its table of commands, its global options and the one
error boundary."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from mokoord import __version__

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
    ("register", "Register"): {
        "add-org": "Add an organisation to the register and print its id.",
        "add-person": "Add a contact person of an organisation and print the person's id.",
        "show": "Everything about one organisation: register data, persons, needs, status, activity.",
        "list": "List organisations, filtered; a table by default, or --json / --csv.",
        "search": "Find organisations by name, alias, id, goals, notes or a contact person's name.",
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
    ("activities", "Events and cooperation"): {
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
    ("activities", "Funding"): {
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


class _NotLoaded(TyperCommand):
    """A command as the help listing shows it, before its module is imported."""


class MokoordGroup(TyperGroup):
    """Loads a command's module when the command is used, and turns every
    user-caused failure into one message and an exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # Typer has converted the commands of the modules imported already
        # (tests import them all); the others stand in as the listing shows them.
        converted: dict[str, Any] = dict(self.commands)
        self.commands = {
            name: converted.pop(name, None)
            or _NotLoaded(name=name, help=help, rich_help_panel=panel)
            for name, (_, panel, help) in COMMANDS.items()
        }
        self.commands.update(converted)  # any command missing from COMMANDS

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        # The listing needs only the stand-ins; a command that runs, or shows
        # its own help, is the real one.
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _NotLoaded):
            command = self._load(command.name or "")
        return name, command, rest

    def _load(self, name: str) -> Any:
        """The command ``name``: its module imported, the command converted by Typer."""
        from typer.main import get_command_from_info, get_command_name

        module = f"mokoord.cli.{COMMANDS[name][0]}"
        importlib.import_module(module)
        for group in app.registered_groups:  # a command with subcommands (privacy)
            if group.name == name:
                self.commands[name] = _group(group, self.rich_markup_mode)
                return self.commands[name]
        for info in app.registered_commands:
            if info.callback and (info.name or get_command_name(info.callback.__name__)) == name:
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

        try:
            return super().invoke(ctx)
        except MokoordError as exc:
            from mokoord.cli._common import report_error

            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("aborted; nothing was changed", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None


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
    return get_group_from_info(info, **options)


app = typer.Typer(
    name="mokoord",
    cls=MokoordGroup,
    help=(
        "Register, contact log and yearly evaluation for a coordination office "
        "for migrant organisations. Data lives as YAML files in a git repository; "
        "every change is a commit.\n\n"
        "The store is found by --data, else $MOKOORD_DATA, else the nearest "
        "mokoord.yaml upward from here, else ./data."
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
