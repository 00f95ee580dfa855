"""The command line: thin Typer commands over the library.

One module per command group. Each is imported only when one of its commands
runs (the table ``_app.COMMANDS`` names the module of every command and gives
the help listing); each imports only Typer and the standard library at the
top, and the library (pydantic models, YAML, reports) inside its commands, so
that ``mokoord --help`` starts fast.
"""

from __future__ import annotations

from mokoord.cli._app import app


def main() -> None:
    """Entry point of the ``mokoord`` console script."""
    import gc

    # A command builds many small objects and few cycles, then exits: collect
    # rarely (at the default, collections took half of a report's time).
    gc.set_threshold(100_000, 50, 100)
    app()


__all__ = ["app", "main"]
