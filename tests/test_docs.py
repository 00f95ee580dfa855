"""The documentation is held to the code, as sqlite-utils holds its own:

- the command reference (docs/commands.md, docs/befehle.md) is what ``--help`` says
  (``python tools/reference.py`` writes it);
- every command, every option and every problem code made anywhere in ``src/`` is
  named in the written documentation (README.md and docs/, the reference aside);
- every command function is named after its command.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import keyword
import pkgutil
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import mokoord.cli
from mokoord.cli import app
from mokoord.cli._app import COMMANDS

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "mokoord"
sys.path.insert(0, str(REPO))
from tools import reference  # noqa: E402

sys.path.remove(str(REPO))

CODE = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
"""What a problem code looks like: ``unknown-reference``."""
CODE_PARAMETERS = frozenset({"code", "rule"})
"""The names of the parameters (and variables) that hold problem codes."""


@cache
def written_docs() -> str:
    """README.md and every page of docs/ but the generated reference, as one text."""
    generated = {path.resolve() for path in reference.FILES.values()}
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    return "\n".join(
        page.read_text(encoding="utf-8") for page in pages if page.resolve() not in generated
    )


def _named(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _load_commands() -> None:
    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")


# --------------------------------------------------------------------------- the reference


def test_the_command_reference_is_what_help_says() -> None:
    stale = [str(path.relative_to(REPO)) for path in reference.stale()]
    assert stale == [], "run: python tools/reference.py"


def test_the_reference_lists_every_command_with_its_options() -> None:
    text = reference.FILES["en"].read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## mokoord {name}\n" in text, name


# --------------------------------------------------------------------------- commands, options


def _options() -> Iterator[tuple[str, str]]:
    """(command, long option name) of every option, the global ones as command ""."""
    from typer.main import get_command

    _load_commands()
    group = get_command(app)
    commands = [("", group), *group.commands.items()]  # type: ignore[attr-defined]
    for name, command in list(commands):
        for sub, subcommand in getattr(command, "commands", {}).items() if name else ():
            commands.append((f"{name} {sub}", subcommand))  # privacy export, …
    for name, command in commands:
        for param in command.params:
            if param.param_type_name != "option" or param.hidden:
                continue
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--") and opt != "--help":
                    yield name, opt


def test_every_command_is_in_the_written_docs() -> None:
    text = written_docs()
    missing = [name for name in COMMANDS if not _named(text, f"mokoord {name}")]
    assert missing == [], "name these commands (as `mokoord NAME …`) in README.md or docs/"


def test_every_option_is_in_the_written_docs() -> None:
    text = written_docs()
    missing = sorted({f"{command} {opt}".strip() for command, opt in _options()
                      if not _named(text, opt)})  # fmt: skip
    assert missing == [], "describe these options in README.md or docs/"


# --------------------------------------------------------------------------- problem codes


def _signatures(trees: dict[Path, ast.Module]) -> dict[str, set[tuple[int, int]]]:
    """Callable name → (position, number of parameters) of its parameters holding problem codes:
    ``code`` beside a ``message`` (``code`` alone is also a language's), or ``rule``.
    Functions and methods (without ``self``), classes by their ``__init__`` or, for
    dataclasses, their fields."""
    found: dict[str, set[tuple[int, int]]] = {}

    def note(name: str, names: list[str]) -> None:
        if names and names[0] in ("self", "cls"):
            names = names[1:]
        positions = {
            (index, len(names))
            for index, param in enumerate(names)
            if param == "rule" or (param == "code" and "message" in names)
        }
        if positions:
            found.setdefault(name, set()).update(positions)

    def params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        return [arg.arg for arg in function.args.posonlyargs + function.args.args]

    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                note(node.name, params(node))
            elif isinstance(node, ast.ClassDef):
                init = [
                    item
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__"
                ]
                fields = [
                    item.target.id
                    for item in node.body
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                ]
                note(node.name, params(init[0]) if init else fields)
    return found


def _constants(node: ast.AST | None) -> Iterator[str]:
    """The string constants an expression can give (``a if x else b``: both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _constants(value)


def _argument(call: ast.Call, position: int, count: int) -> ast.expr | None:
    """The argument given for parameter ``position`` of ``count``; after a ``*args``,
    counted from the end (``_Refused(*_mark(node), "code", "message")``)."""
    starred = [i for i, arg in enumerate(call.args) if isinstance(arg, ast.Starred)]
    if not starred or position < starred[0]:
        return call.args[position] if position < len(call.args) else None
    from_end = count - position
    if call.keywords or from_end > len(call.args) - starred[-1] - 1:
        return None
    return call.args[-from_end]


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def problem_codes() -> dict[str, str]:
    """Every problem code made in ``src/`` → the file making it.

    A code is a string given to a parameter named ``code`` or ``rule`` (by
    position or by keyword), assigned to a variable of that name, or returned
    first of a ``(code, sentence)`` pair by a function annotated ``tuple[str, str]``.
    """
    trees = {path: ast.parse(path.read_text("utf-8")) for path in sorted(SRC.rglob("*.py"))}
    signatures = _signatures(trees)
    codes: dict[str, str] = {}

    def add(values: Iterator[str], path: Path) -> None:
        for value in values:
            if CODE.match(value):
                codes.setdefault(value, str(path.relative_to(REPO)))

    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for position, count in signatures.get(_callee(node) or "", set()):
                    add(_constants(_argument(node, position, count)), path)
                for kw in node.keywords:
                    if kw.arg in CODE_PARAMETERS:
                        add(_constants(kw.value), path)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id in CODE_PARAMETERS for t in targets):
                    add(_constants(node.value), path)
            elif isinstance(node, ast.FunctionDef) and ast.unparse(node.returns or ast.Pass()) in (
                "tuple[str, str]",
            ):
                for item in ast.walk(node):
                    if isinstance(item, ast.Return) and isinstance(item.value, ast.Tuple):
                        add(_constants(item.value.elts[0]), path)
    return codes


def test_problem_codes_are_found() -> None:
    """The search finds codes made in each of the ways mokoord makes them."""
    codes = problem_codes()
    for made in (
        "unknown-reference",  # checks: ctx.at(…, code, …)
        "yaml-syntax",  # yamlio: Problem(…) in its reader
        "missing-key",  # validation: (code, sentence) pairs
        "funding-limit-without-rooms",  # funding: rule = … if … else …
        "funding-eligibility",  # funding: Violation(…, rule, …)
        "unknown-column",  # import: Problem(…, "warning", code, …)
        "duplicate-row",
    ):
        assert made in codes, made
    assert "rev-parse" not in codes  # a git command, no problem code
    assert "de" not in codes  # a language code, no problem code


def test_every_problem_code_is_in_the_written_docs() -> None:
    text = written_docs()
    missing = {code: path for code, path in problem_codes().items() if not _named(text, code)}
    assert missing == {}, "explain these problem codes in docs/ (docs/troubleshooting.md)"


# --------------------------------------------------------------------------- function names


def _expected_function(command: str) -> set[str]:
    name = command.replace("-", "_")
    if keyword.iskeyword(name) or hasattr(builtins, name):
        return {name + "_"}
    return {name}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_function_is_named_after_its_command(command: str) -> None:
    """A command's function bears its name; a command with subcommands (``privacy``)
    has none of its own, and each subcommand's function bears the subcommand's."""
    _load_commands()
    groups = {group.name: group.typer_instance for group in app.registered_groups}
    infos = groups[command].registered_commands if command in groups else app.registered_commands
    callbacks = {
        info.name or (info.callback.__name__.replace("_", "-") if info.callback else ""): info
        for info in infos
        if not info.hidden  # an alias (privacy auskunft) calls its command's function
    }
    for name, info in callbacks.items():
        if command not in groups and name != command:
            continue
        assert info.callback is not None
        assert info.callback.__name__ in _expected_function(name), (
            f"rename {info.callback.__module__}.{info.callback.__name__} to "
            f"{' or '.join(_expected_function(name))}"
        )
    assert callbacks, command
