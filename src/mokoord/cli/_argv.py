"""What the command line names before Typer has parsed it: the global options
and the store's configuration file.

Only the standard library is imported here: ``mokoord``'s entry point asks
before it imports Typer (to start stat'ing the store's files at once, see
:func:`mokoord.scanning.prescan`), and ``mokoord --help`` asks for the store's
language.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # neither typing nor pathlib imported before the scan has started
if TYPE_CHECKING:
    from pathlib import Path

CONFIG = "mokoord.yaml"  # mokoord.location.CONFIG_FILE, without importing its catalogue


def global_options(args: list[str]) -> tuple[str | None, str | None]:
    """``--lang`` and ``--data`` as given before the command's name."""
    lang = data = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--" or not arg.startswith("-"):
            break
        name, has_value, value = arg.partition("=")
        if name in ("--lang", "--data", "-d") and not has_value:
            value = args[index + 1] if index + 1 < len(args) else ""
            index += 1
        elif name.startswith("-d") and not name.startswith("--") and len(name) > 2:
            name, value = "-d", arg[2:]
        if name == "--lang":
            lang = value
        elif name in ("--data", "-d"):
            data = value
        index += 1
    return lang, data


def command_name(args: list[str]) -> str | None:
    """The command's name: the first argument that is no global option or its value."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            return args[index + 1] if index + 1 < len(args) else None
        if not arg.startswith("-"):
            return arg
        if arg in ("--lang", "--data", "-d"):
            index += 1
        index += 1
    return None


def config_file(data: str | None, cwd: Path) -> Path | None:
    """The store's ``mokoord.yaml`` as :func:`mokoord.location.find_store_root` finds
    it (``--data``, else ``$MOKOORD_DATA``, else the nearest upward, else ``./data``),
    or ``None``."""
    from pathlib import Path

    found = config_path(data, os.fspath(cwd))
    return None if found is None else Path(found)


def config_path(data: str | None, cwd: str) -> str | None:
    """:func:`config_file` without :mod:`pathlib` (which imports much)."""
    isfile, join = os.path.isfile, os.path.join
    explicit = data or os.environ.get("MOKOORD_DATA") or None
    if explicit is not None:
        root = join(cwd, explicit)
        if os.path.basename(root) == CONFIG and isfile(root):
            return root
        return join(root, CONFIG) if isfile(join(root, CONFIG)) else None
    folder = cwd
    while True:
        if isfile(join(folder, CONFIG)):
            return join(folder, CONFIG)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    candidate = join(cwd, "data", CONFIG)
    return candidate if isfile(candidate) else None
