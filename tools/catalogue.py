"""mokoord's message catalogues: extract, compile and check them with Babel.

Run from the repository root::

    python tools/catalogue.py extract    # code → both .po files (new entries, obsolete ones dropped)
    python tools/catalogue.py compile    # .po → .mo beside them
    python tools/catalogue.py check      # exit 1 listing every message not ready to ship
    python tools/catalogue.py init fr    # start the catalogue of a new language

``extract`` reads every ``_()``, ``N_()``, ``ngettext()``, ``pgettext()`` and
``in_language()`` call in ``src/mokoord`` with Babel's Python extractor, and in
``src/mokoord/cli`` also the help the command line shows: the ``help=``,
``metavar=`` and ``rich_help_panel=`` given to ``typer.Option``/``Argument``/
``app.command``, every command's docstring and the table ``_LISTING`` in
``cli/_app.py`` (see :func:`extract_cli`). Help texts therefore stay plain
English literals in the code; the command line translates them when it shows
them.

The catalogues are those under ``src/mokoord/locale`` (``de`` and ``en``; a
new language is a new folder there, see docs/DEVELOPING.md). They are written
the same way every time — sorted by msgid, no source locations, lines wrapped
at 100 — so that branches adding messages in parallel merge cleanly. Existing translations are kept; entries whose message
left the code are dropped (and listed). The English catalogue gets
``msgstr = msgid`` for every new entry.

``check`` fails on a message of the code or of a catalogue without its
translation in every language, on fuzzy entries, on a translation whose named
placeholders (``{id}``) differ from its msgid's, and on a catalogue not in the
form ``extract`` writes.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "mokoord"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "mokoord"
WIDTH = 100
KEYWORDS: dict[str, Any] = {**DEFAULT_KEYWORDS, "in_language": (2,)}

#: Calls in CLI modules whose ``help=``/``metavar=``/… are shown to users.
_HELP_CALLS = frozenset({"Option", "Argument", "command", "callback", "Typer"})
_HELP_KEYWORDS = frozenset({"help", "short_help", "metavar", "epilog", "rich_help_panel"})
_COMMAND_DECORATORS = frozenset({"command", "callback"})
_LISTING = "_LISTING"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}")


# --------------------------------------------------------------------------- extraction


def extract_cli(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[Any, ...]]:
    """Babel extractor for ``mokoord/cli/*.py``: the ``_()`` calls, and the help.

    Besides what Babel's Python extractor finds, yields

    - string literals (or module constants) passed as ``help=``, ``short_help=``,
      ``metavar=``, ``epilog=`` or ``rich_help_panel=`` to ``typer.Option``,
      ``typer.Argument``, ``app.command``, ``app.callback`` and ``typer.Typer``,
      and ``rich_help_panel=`` given to anything;
    - the docstring of every function decorated with ``@app.command`` or
      ``@app.callback``, as ``inspect.cleandoc`` gives it (Typer shows it so);
    - the panels and help lines of the table ``_LISTING``.
    """
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)  # type: ignore[arg-type]
    tree = ast.parse(source)
    constants = _module_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            for keyword in node.keywords:
                if keyword.arg not in _HELP_KEYWORDS:
                    continue
                if name not in _HELP_CALLS and keyword.arg != "rich_help_panel":
                    continue
                text = _string(keyword.value, constants)
                if text is None:
                    if name in _HELP_CALLS and not isinstance(keyword.value, ast.Constant):
                        _warn(fileobj, keyword.value, f"{keyword.arg}= is not a string literal")
                    continue
                yield keyword.value.lineno, "_", text, []
        elif isinstance(node, ast.FunctionDef) and any(
            _call_name(d.func if isinstance(d, ast.Call) else d) in _COMMAND_DECORATORS
            for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, "_", doc, []
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == _LISTING for t in targets):
                yield from _listing(node.value, constants)


def _listing(
    value: ast.expr | None, constants: dict[str, str]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """``{(module, panel): {command: help}}``: every panel and help line."""
    if not isinstance(value, ast.Dict):
        return
    for key, commands in zip(value.keys, value.values, strict=True):
        if isinstance(key, ast.Tuple) and len(key.elts) == 2:
            panel = _string(key.elts[1], constants)
            if panel:
                yield key.lineno, "_", panel, []
        if isinstance(commands, ast.Dict):
            for help_node in commands.values:
                text = _string(help_node, constants)
                if text:
                    yield help_node.lineno, "_", text, []


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """``NAME = "text"`` at module level (panels are often named so)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            text = _string(value, found)
            if text is not None:
                found[target.id] = text
    return found


def _string(node: ast.expr, constants: dict[str, str]) -> str | None:
    """The text of a string literal, a concatenation of them, or a module constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left, constants), _string(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _warn(fileobj: IO[bytes], node: ast.expr, message: str) -> None:
    name = getattr(fileobj, "name", "?")
    print(f"{name}:{node.lineno}: {message}; it cannot be translated", file=sys.stderr)


def template(package: Path = PACKAGE) -> Catalog:
    """Every message of the code, as a catalogue without translations."""
    # Babel takes an extractor function where its annotation says a name
    method_map: Any = [("cli/**.py", extract_cli), ("**.py", "python")]
    catalog = Catalog(project="mokoord", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package), method_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


# --------------------------------------------------------------------------- the catalogues


def languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The languages with a catalogue: ``<locale_dir>/<lang>/LC_MESSAGES/mokoord.po``."""
    return sorted(path.parent.parent.name for path in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return po_path(lang, locale_dir).with_suffix(".mo")


def read(lang: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    with po_path(lang, locale_dir).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def render(catalog: Catalog) -> bytes:
    """A catalogue as ``extract`` writes it: sorted, without locations, width 100."""
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=WIDTH,
        no_location=True,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    return out.getvalue()


def merged(catalog: Catalog, source: Catalog, lang: str) -> tuple[Catalog, list[str]]:
    """``catalog`` brought up to date with the messages of ``source``.

    Returns the catalogue and the msgids dropped because the code lost them.
    Keeps the header as it was, so that extracting twice writes the same bytes.
    """
    creation, revision = catalog.creation_date, catalog.revision_date
    catalog.update(source, no_fuzzy_matching=True, update_creation_date=False)
    catalog.creation_date, catalog.revision_date = creation, revision
    dropped = sorted(_text(message.id) for message in catalog.obsolete.values())
    catalog.obsolete.clear()
    for message in catalog:
        message.locations = []
        message.auto_comments = []
        if lang == "en" and message.id and not _translated(message):
            message.string = message.id
    return catalog, dropped


def extract(locale_dir: Path = LOCALE_DIR, package: Path = PACKAGE) -> int:
    source = template(package)
    for lang in languages(locale_dir):
        catalog, dropped = merged(read(lang, locale_dir), source, lang)
        path = po_path(lang, locale_dir)
        text = render(catalog)
        if path.read_bytes() != text:
            path.write_bytes(text)
        missing = sum(1 for message in catalog if message.id and not _translated(message))
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
              f"{len(catalog)} messages, {missing} without translation")  # fmt: skip
        for msgid in dropped:
            print(f"  dropped (no longer in the code): {_short(msgid)}")
    return 0


def init(lang: str, locale_dir: Path = LOCALE_DIR, package: Path = PACKAGE) -> int:
    """Start the catalogue of a new language: every message, none translated."""
    path = po_path(lang, locale_dir)
    if path.exists():
        print(f"{path} exists already; extract updates it", file=sys.stderr)
        return 1
    catalog = Catalog(locale=lang, domain=DOMAIN, project="mokoord", copyright_holder="mokoord")
    catalog.update(template(package), no_fuzzy_matching=True)
    for message in catalog:
        message.locations = []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(catalog))
    print(f"{path}: {len(catalog)} messages to translate")
    return 0


def compile_catalogues(
    locale_dir: Path = LOCALE_DIR, *, only_stale: bool = False, quiet: bool = False
) -> list[Path]:
    """Write each ``.mo`` from its ``.po``; with ``only_stale`` only where the
    ``.po`` is newer (or the ``.mo`` missing). Returns the files written."""
    written = []
    for lang in languages(locale_dir):
        po, mo = po_path(lang, locale_dir), mo_path(lang, locale_dir)
        if only_stale and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read(lang, locale_dir)
        out = io.BytesIO()
        write_mo(out, catalog, use_fuzzy=False)
        temporary = mo.with_suffix(".mo.tmp")
        temporary.write_bytes(out.getvalue())
        temporary.replace(mo)
        written.append(mo)
        if not quiet:
            print(f"{mo}: {sum(1 for m in catalog if m.id and _translated(m))} messages")
    return written


def problems(locale_dir: Path = LOCALE_DIR, package: Path = PACKAGE) -> list[str]:
    """Everything that keeps the catalogues from shipping, one line each."""
    source = template(package)
    catalogues = {lang: read(lang, locale_dir) for lang in languages(locale_dir)}
    found: list[str] = []
    for lang, catalog in catalogues.items():
        path = po_path(lang, locale_dir)
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        if path.read_bytes() != render(read(lang, locale_dir)):
            found.append(f"{shown}: not sorted and wrapped as extract writes it: run extract")
        for message in source:
            if message.id and catalog.get(message.id, message.context) is None:
                found.append(f"{shown}: missing: {_short(_text(message.id))}")
        for message in catalog:
            if not message.id:
                continue
            msgid = _short(_text(message.id))
            if message.fuzzy:
                found.append(f"{shown}: fuzzy: {msgid}")
            if not _translated(message):
                found.append(f"{shown}: no translation: {msgid}")
                continue
            wrong = _placeholder_problem(message)
            if wrong:
                found.append(f"{shown}: {wrong}: {msgid}")
            if source.get(message.id, message.context) is None:
                found.append(f"{shown}: not in the code (run extract to drop it): {msgid}")
    return found


def check(locale_dir: Path = LOCALE_DIR, package: Path = PACKAGE) -> int:
    found = problems(locale_dir, package)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problems", file=sys.stderr)
        return 1
    print(f"catalogues complete: every message in {', '.join(languages(locale_dir))}")
    return 0


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: ``{id}``, ``{n}``, ``{amount:.2f}`` → id, n, amount."""
    return set(_PLACEHOLDER.findall(text))


def _placeholder_problem(message: Message) -> str | None:
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    expected = set().union(*(placeholders(text) for text in ids))
    for text in strings:
        if placeholders(text) != expected:
            given = ", ".join(sorted(placeholders(text))) or "none"
            wanted = ", ".join(sorted(expected)) or "none"
            return f"placeholders {given} where the msgid has {wanted}"
    return None


def _translated(message: Message) -> bool:
    if isinstance(message.string, str):
        return bool(message.string)
    return bool(message.string) and all(message.string or ())


def _text(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _short(text: str) -> str:
    line = inspect.cleandoc(text).split("\n")[0]
    return repr(line if len(line) <= 90 else line[:87] + "…")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/catalogue.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="update both .po files from the code")
    compile_parser = commands.add_parser("compile", help="write the .mo files")
    compile_parser.add_argument("--stale", action="store_true", help="only where the .po is newer")
    commands.add_parser("check", help="exit 1 listing messages not ready to ship")
    init_parser = commands.add_parser("init", help="start the catalogue of a new language")
    init_parser.add_argument("language", help="its code, e.g. fr")
    args = parser.parse_args(argv)
    if args.command == "extract":
        return extract()
    if args.command == "init":
        return init(args.language)
    if args.command == "compile":
        compile_catalogues(only_stale=args.stale)
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
