"""The shape of the code, checked: import circles, module sizes, command bodies.

    python tools/structure.py            # report; exit 1 when a limit is broken
    python tools/structure.py --graph    # also print who imports whom

Every import counts, also those inside functions (they run later, but a
circle through them is still a circle in the design). Limits (issue 18):
no import circles among ``mokoord`` modules, no module over 600 lines, no
command body (a function decorated with ``@app.command``) over 40 lines.
The library (everything outside ``mokoord.cli`` and ``python -m mokoord``'s
``__main__``) never imports ``mokoord.cli``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
MAX_MODULE_LINES = 600
MAX_COMMAND_LINES = 40


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "mokoord").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The mokoord modules ``name`` imports, anywhere in its file."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not _type_only(node, tree):
                found.add(target)
    return found


def _type_only(node: ast.AST, tree: ast.Module) -> bool:
    """Imports under ``if TYPE_CHECKING:`` are for the type checker only."""
    for parent in ast.walk(tree):
        if (
            isinstance(parent, ast.If)
            and isinstance(parent.test, ast.Name)
            and parent.test.id == "TYPE_CHECKING"
            and any(child is node for child in ast.walk(parent))
        ):
            return True
    return False


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def command_bodies(path: Path) -> Iterator[tuple[str, int, int]]:
    """(function, first line, lines) of every ``@app.command`` function's body."""
    tree = ast.parse(path.read_text("utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if not any("command" in ast.unparse(dec) for dec in node.decorator_list):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring is help text, not code
        if body:
            first, last = body[0].lineno, max(n.end_lineno or n.lineno for n in body)
            yield node.name, first, last - first + 1


def main(argv: list[str]) -> int:
    known = modules()
    graph = {name: imports(name, path, set(known)) for name, path in known.items()}
    broken = 0
    if "--graph" in argv:
        for name in sorted(graph):
            print(f"{name} -> {', '.join(sorted(graph[name])) or '-'}")
        print()
    for group in circles(graph):
        print(f"import circle: {' <-> '.join(group)}")
        broken += 1
    for name, targets in sorted(graph.items()):
        library = not name.startswith("mokoord.cli") and name != "mokoord.__main__"
        if library and any(t.startswith("mokoord.cli") for t in targets):
            print(f"the library imports the CLI: {name}")
            broken += 1
    for name, path in sorted(known.items()):
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            print(f"module over {MAX_MODULE_LINES} lines: {path.relative_to(ROOT)} ({lines})")
            broken += 1
        if name.startswith("mokoord.cli"):
            for function, first, size in command_bodies(path):
                if size > MAX_COMMAND_LINES:
                    where = f"{path.relative_to(ROOT)}:{first}"
                    print(
                        f"command body over {MAX_COMMAND_LINES} lines: {where} {function} ({size})"
                    )
                    broken += 1
    print(f"{len(known)} modules; {broken} problem(s)")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
