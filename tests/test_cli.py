"""The command line as a whole: the help listing, lazily loaded commands,
unknown commands, --version and the error boundary."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import mokoord.cli
from mokoord import __version__
from mokoord.cli import app
from mokoord.cli._app import COMMANDS

# The modules ``mokoord --help`` and ``mokoord`` may import: no command module.
STARTUP_MODULES = [
    "mokoord",
    "mokoord.cli",
    "mokoord.cli._app",
    "mokoord.cli._argv",
    "mokoord.cli._help",
    "mokoord.cli._typer_texts",
    "mokoord.i18n",
]


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_command_table_matches_the_commands() -> None:
    """COMMANDS, which draws the help listing, names every command of every
    module, with its module, panel and the first paragraph of its help."""
    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    commands = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        help = info.short_help or info.help or inspect.getdoc(info.callback) or ""
        assert name not in commands, f"two commands named {name}"
        # the listing's stand-ins carry neither flag
        assert not info.hidden, name
        assert not info.deprecated, name
        commands[name] = (
            info.callback.__module__.removeprefix("mokoord.cli."),
            info.rich_help_panel,
            inspect.cleandoc(help).split("\n\n")[0],
        )
    for group in app.registered_groups:  # commands with subcommands (privacy)
        instance = group.typer_instance
        assert group.name is not None
        assert instance is not None
        module = instance.registered_commands[0].callback.__module__  # type: ignore[union-attr]
        help = str(instance.info.help or "")
        commands[group.name] = (
            module.removeprefix("mokoord.cli."),
            group.rich_help_panel,
            inspect.cleandoc(help).split("\n\n")[0],
        )
    assert commands == COMMANDS


def test_help_and_no_arguments_import_no_command_module(tmp_path: Path) -> None:
    probe = (
        "import json, sys\n"
        "from mokoord.cli import app\n"
        "sys.argv = ['mokoord', *{args}]\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('mokoord'))\n"
        "print(json.dumps([code, loaded]), file=sys.stderr)\n"
    )
    for args, code in ((["--help"], 0), (["-h"], 0), ([], 2)):
        result = _python(probe.format(args=args), tmp_path)
        assert json.loads(result.stderr.splitlines()[-1]) == [code, STARTUP_MODULES], args
        assert "╭─ Funding " in result.stdout


def test_help_lists_every_command_as_the_commands_describe_themselves(
    tmp_path: Path, mokoord_process: Any
) -> None:
    """The listing drawn from COMMANDS in a fresh process looks exactly like
    the one drawn from the commands themselves once their modules are loaded."""
    for module in {module for module, _, _ in COMMANDS.values()}:
        importlib.import_module(f"mokoord.cli.{module}")
    env = {"COLUMNS": "100"}
    loaded = CliRunner().invoke(app, ["--help"], env=env, prog_name="python -m mokoord")
    assert loaded.exit_code == 0
    fresh = mokoord_process("--help", cwd=tmp_path, env=env)
    assert fresh.returncode == 0
    assert fresh.stdout == loaded.output
    panels = [line.split(" ")[1] for line in fresh.stdout.splitlines() if line.startswith("╭─")]
    assert panels == ["Options", "Store", "Working", "Register", "Contacts", "Outreach", "Events", "Funding",
                      "Evaluation", "Exchange", "Data"]  # fmt: skip
    listed = [line.split()[1] for line in fresh.stdout.splitlines() if line.startswith("│ ")]
    for name in COMMANDS:
        assert name in listed


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    """``mokoord COMMAND --help`` shows the command's own help and imports the
    one module holding it (and the helpers every command module shares)."""
    probe = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from mokoord.cli import app\n"
        "from mokoord.cli._app import COMMANDS\n"
        "shared = {'mokoord.cli._common', 'mokoord.cli._output', 'mokoord.cli.prompts'}\n"
        "report = {}\n"
        "for name in COMMANDS:\n"
        "    before = set(sys.modules)\n"
        "    result = CliRunner().invoke(app, [name, '--help'], prog_name='mokoord')\n"
        "    new = sorted(m for m in set(sys.modules) - before\n"
        "                 if m.startswith('mokoord.cli.') and m not in shared)\n"
        "    report[name] = [result.exit_code, result.output, new]\n"
        "print(json.dumps(report))\n"
    )
    result = _python(probe, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    imported: set[str] = set()
    for name, (module, _, help) in COMMANDS.items():
        code, output, new = report[name]
        assert code == 0, output
        assert f"Usage: mokoord {name} [OPTIONS]" in output
        assert " ".join(help.split()[:4]) in " ".join(output.split())
        expected = [] if module in imported else [f"mokoord.cli.{module}"]
        assert new == expected, name
        imported.add(module)


def test_unknown_command_suggests_the_nearest(tmp_path: Path, mokoord_process: Any) -> None:
    result = mokoord_process("lsit", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such command 'lsit'. Did you mean 'list'?" in result.stderr
    result = mokoord_process("add-contakt", "--help", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such command 'add-contakt'. Did you mean 'add-contact'," in result.stderr
    typo = CliRunner().invoke(app, ["exprot"])
    assert typo.exit_code == 2
    assert "Did you mean 'export'?" in typo.output


def test_version(tmp_path: Path, mokoord_process: Any) -> None:
    result = mokoord_process("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"mokoord {__version__}\n"


def test_errors_of_a_lazily_loaded_command_are_one_message(
    tmp_path: Path, mokoord_process: Any
) -> None:
    missing = tmp_path / "nowhere"
    result = mokoord_process("--data", str(missing), "list", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: --data names ")
    assert "hint: create one with: mokoord init" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_console_script_flushes_its_output_and_keeps_exit_codes(
    demo: Any, mokoord_process: Any
) -> None:
    """``main`` leaves with ``os._exit``: nothing written may be lost, no exit code changed."""
    report = mokoord_process(
        "--data", str(demo.root), "report", "--year", "2023", "--format", "json", cwd=demo.root
    )
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["contacts"]["total"] > 0
    missing = mokoord_process("--data", str(demo.root / "nowhere"), "list", cwd=demo.root)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error:")
    usage = mokoord_process("--data", str(demo.root), "list", "--no-such-flag", cwd=demo.root)
    assert usage.returncode == 2
    assert "No such option" in usage.stderr


def _all_commands() -> list[tuple[str, Any]]:
    """(path, click command) of every command and subcommand, fully loaded."""
    from typer._click import Context
    from typer.main import get_command

    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    root = get_command(app)
    ctx = Context(root)
    found: list[tuple[str, Any]] = []

    def walk(group: Any, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if hasattr(command, "list_commands"):
                walk(command, f"{prefix}{name} ")
            else:
                found.append((f"{prefix}{name}", command))

    walk(root, "")
    return found


def test_a_short_option_means_the_same_in_every_command() -> None:
    """docs/DEVELOPING.md's table: ``-o`` is ``--output`` everywhere, and so on."""
    meaning: dict[str, tuple[str, str]] = {}
    for path, command in _all_commands():
        for param in command.params:
            shorts = [o for o in param.opts if o.startswith("-") and not o.startswith("--")]
            longs = [o for o in param.opts if o.startswith("--")]
            for short in shorts:
                if short in ("-h",):
                    continue
                seen = meaning.setdefault(short, (longs[0], path))
                assert seen[0] == longs[0], (
                    f"{short} is {seen[0]} in {seen[1]}, {longs[0]} in {path}"
                )
    assert meaning["-o"][0] == "--output"
    assert meaning["-f"][0] == "--format"
    assert meaning["-n"][0] == "--dry-run"
