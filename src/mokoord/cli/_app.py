"""The Typer application, its global options and the one error boundary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mokoord import __version__


class MokoordGroup(TyperGroup):
    """Turns every user-caused failure into one message and an exit code."""

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
    from mokoord.cli._common import State

    ctx.obj = State(data=data, use_cache=not no_cache)
