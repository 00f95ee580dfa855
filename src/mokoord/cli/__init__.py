"""The command line: thin Typer commands over the library.

Modules here import only Typer and the standard library at the top; the
library (pydantic models, YAML, reports) is imported inside each command, so
that ``mokoord --help`` starts fast.
"""

from __future__ import annotations

import importlib

from mokoord.cli._app import app

# One module per command group; each registers its commands on ``app``.
_COMMAND_MODULES = (
    "store",
    "register",
    "contacts",
    "activities",
    "report",
    "exchange",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"mokoord.cli.{_name}")


def main() -> None:
    """Entry point of the ``mokoord`` console script."""
    import gc

    # A command builds many small objects and few cycles, then exits: collect
    # rarely (at the default, collections took half of a report's time).
    gc.set_threshold(100_000, 50, 100)
    app()


__all__ = ["app", "main"]
