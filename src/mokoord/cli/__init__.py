"""The command line: thin Typer commands over the library.

One module per command group. Each is imported only when one of its commands
runs (the table ``_app.COMMANDS`` names the module of every command and gives
the help listing); each imports only Typer and the standard library at the
top, and the library (pydantic models, YAML, reports) inside its commands, so
that ``mokoord --help`` starts fast.

``main`` starts stat'ing the store's files (:func:`mokoord.scanning.prescan`)
before it imports Typer, so the scan runs while Python imports; this package
therefore imports ``app`` only when it is asked for.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is imported after the scan has started
if TYPE_CHECKING:
    from typer import Typer

NO_RECORDS = frozenset({"init", "clone", "sync", "add-contact"})
"""Commands that read no records first: no scan is started for them. (``add-contact``
given ids reads just their files; a name to search for loads the organisations,
which then stats their files itself.)"""
FIRST_READ = {
    "list": ("organisations", "persons", "contacts"),
    "search": ("organisations", "persons", "contacts"),
    "contacts": ("organisations", "contacts", "institutions"),
    "referrals": ("organisations", "contacts", "institutions"),
    "agenda": ("organisations", "contacts", "institutions"),
    "institutions": ("institutions", "contacts"),
    "events": ("organisations", "institutions", "events"),
    "cooperations": ("organisations", "institutions", "cooperations"),
    "applications": ("organisations", "programmes", "applications"),
    "networks": ("organisations", "networks"),
    "programmes": ("programmes",),
    "rooms": ("organisations",),
}
"""The folders some commands read first (a test holds each to it), so that the scan
started at once stats no file they do not need; any other command: every kind's.
Too few folders cost speed only: the scan is then not taken, the files stat'ed anew."""


def __getattr__(name: str) -> Typer:
    if name == "app":
        from mokoord.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the ``mokoord`` console script."""
    import gc
    import sys

    # A command builds many small objects and few cycles, then exits: collect
    # rarely (at the default, collections took half of a report's time).
    gc.set_threshold(100_000, 50, 100)
    _start_scan(sys.argv[1:])
    _without_pydantic_plugins()
    from mokoord.cli._app import app

    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _exit_now(code)


def _start_scan(args: list[str]) -> None:
    """Start stat'ing the files of the store the command line names, while Typer and
    the command are imported (only where a command will read records; a wrong
    guess costs the other core's time, never a wrong result)."""
    import os

    from mokoord.cli._argv import command_name, config_path, global_options

    if any(arg in ("-h", "--help", "--version") for arg in args):
        return
    command = command_name(args)
    if command is None or command in NO_RECORDS:
        return
    try:
        config = config_path(global_options(args)[1], os.getcwd())
    except (OSError, ValueError):
        return
    if config is not None:
        from mokoord.scanning import FOLDERS, prescan

        prescan(os.path.dirname(config), FIRST_READ.get(command, FOLDERS))


_PLUGIN_LOADER = "pydantic.plugin._loader"


def _without_pydantic_plugins() -> None:
    """mokoord uses no pydantic plugins: turn them off (``PYDANTIC_DISABLE_PLUGINS``,
    as pydantic documents) and spare the import of their loader.

    Typer builds a pydantic adapter for each option; the first one imports
    pydantic's plugin loader, which imports ``importlib.metadata`` (about 25 ms)
    to look for plugins in every installed package. In its place stands a
    module that finds none; any other name asked of it is taken from the real
    loader. Someone who names plugins to leave out in the variable keeps pydantic's.
    """
    import os
    import sys
    import types

    chosen = os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if chosen not in ("__all__", "1", "true") or _PLUGIN_LOADER in sys.modules:
        return
    loader = types.ModuleType(_PLUGIN_LOADER)

    def get_plugins(*_args: object, **_kwargs: object) -> tuple[()]:
        return ()

    def real(name: str) -> object:
        import importlib

        if name.startswith("__"):  # what the import system asks of any module
            raise AttributeError(name)
        if sys.modules.get(_PLUGIN_LOADER) is loader:
            del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    loader.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[_PLUGIN_LOADER] = loader


def _exit_now(code: object) -> None:
    """Leave without tearing the heap down object by object.

    A command that read 100,000 records would spend a tenth of a second
    freeing them (the store keeps what it loaded alive until here: see
    ``Store.retain``). Everything a command writes is written and closed by
    the time it returns; only the standard streams need flushing.
    """
    import contextlib
    import os
    import sys

    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    scanning = sys.modules.get("mokoord.scanning")
    if scanning is not None:  # the store's watcher, started now that the command is done
        with contextlib.suppress(Exception):
            scanning.start_watchers()
    os._exit(code)


__all__ = ["app", "main"]
