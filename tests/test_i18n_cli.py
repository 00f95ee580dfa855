"""Help and usage errors in one language: every command's ``--help`` in German
holds no English (neither ours nor Typer's or Click's) and no type
placeholders; in English no German. Typer's own English texts are pinned here,
so that a Typer upgrade changing one fails instead of printing English in
German help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.catalog import Catalog
from typer.testing import CliRunner

from mokoord import i18n
from mokoord.cli import app
from mokoord.cli._app import COMMANDS
from mokoord.cli._help import DEFAULT_LABELS, METAVARS, metavar
from mokoord.cli._typer_texts import (
    HELP_OPTION_HELP,
    OPTIONS_METAVAR,
    RICH_TEXTS,
    SUBCOMMAND_METAVAR,
    USAGE_ERRORS,
    USAGE_PREFIX,
    in_language,
    use_typer_texts,
)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tools import catalogue  # noqa: E402

sys.path.remove(str(REPO))

#: What Typer shows for a type instead of naming the value (and Click's names).
PLACEHOLDERS = re.compile(
    r"<(str|int|float|bool|path|file|datetime|uuid|list\[[^\]]*\]|[\w ]+ range)>"
    r"|<[\w-]+(\|[\w-]+)+>"  # <office|organisation>
    r"|\{[A-Za-z_]+\}"  # {kind}, {ID}
    r"|\b(TEXT|INTEGER|FLOAT|BOOLEAN|PATH|TERM)\b"
)
TYPER_ENGLISH = [
    "Usage:",
    "Show this message and exit",
    "Options",
    "Arguments",
    "Commands",
    "[default:",
    "[required]",
    "for help.",
    "Error",
]


@cache
def _catalogue(lang: str) -> Catalog:
    return catalogue.read(lang)


def _flat(text: str) -> str:
    """Help as one line: box borders gone, wrapped lines joined."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _pairs() -> list[tuple[str, str]]:
    """(English, German) of every message whose German differs, flattened."""
    pairs = []
    for message in _catalogue("de"):
        if isinstance(message.id, str) and message.id and message.string != message.id:
            pairs.append((_flat(_markup_free(message.id)), _flat(_markup_free(message.string))))
    return pairs


def _markup_free(text: str) -> str:
    return re.sub(r"\[/?(bold|blue|dim)?\]", "", text)


def _contains(haystack: str, needle: str) -> bool:
    if len(needle.split()) > 2:
        return needle in haystack
    return re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", haystack) is not None


def _helps(lang: str) -> dict[str, str]:
    """``mokoord --help`` and every ``mokoord COMMAND --help``, as a user sees them."""
    runner = CliRunner()
    shown = {}
    for name in ["", *COMMANDS]:
        # Typer's texts back to English, as in a fresh process: each help sets them
        i18n.set_language("en")
        use_typer_texts()
        args = ["--lang", lang, *([name] if name else []), "--help"]
        result = runner.invoke(app, args, prog_name="mokoord", env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        shown[name or "mokoord"] = result.output
    return shown


def test_help_in_german_holds_no_english() -> None:
    english_only = [
        (english, german)
        for english, german in _pairs()
        # an English text inside a German one says nothing (the import help
        # names German column headers; "Register" is the same word)
        if not any(english in other for _, other in _pairs())
    ]
    for name, output in _helps("de").items():
        flat = _flat(output)
        assert f"Aufruf: mokoord {name if name != 'mokoord' else ''}".strip() in flat, name
        untranslated = [english for english, _ in english_only if _contains(flat, english)]
        assert untranslated == [], name
        assert [text for text in TYPER_ENGLISH if text in flat] == [], name
        assert PLACEHOLDERS.findall(flat) == [], name
        if name != "mokoord":
            assert "Beispiel" in flat, name


def test_help_in_english_holds_no_german() -> None:
    english_texts = " ".join(
        _flat(_markup_free(message.id))
        for message in _catalogue("de")
        if isinstance(message.id, str) and message.id
    )
    german_only = [
        german for _, german in _pairs() if not _contains(english_texts, german) and german != ""
    ]
    for name, output in _helps("en").items():
        flat = _flat(output)
        assert "Usage: mokoord" in flat, name
        found = [german for german in german_only if _contains(flat, german)]
        assert found == [], name
        assert PLACEHOLDERS.findall(flat) == [], name
        if name != "mokoord":
            assert "Example" in flat, name


def test_options_name_what_they_take() -> None:
    """Every option says what it is for; one taking a value has a metavar,
    from the code or the table; flags show none."""
    import importlib
    import pkgutil

    import mokoord.cli

    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    from typer.main import get_command

    group = get_command(app)
    for name, command in [("", group), *group.commands.items()]:  # type: ignore[attr-defined]
        for param in command.params:
            assert param.help or param.hidden, f"{name} {param.opts}: no help"
            wanted = metavar(name, param)
            if getattr(param, "is_flag", False):
                assert wanted is None
            else:
                assert wanted, f"{name} {param.opts}: add it to _help.METAVARS"
                assert wanted.isupper() or "=" in wanted, wanted
    assert all(value == value.upper() for value in METAVARS.values())


def test_defaults_that_are_terms_are_shown_by_their_label() -> None:
    """DEFAULT_LABELS names the label of every default that is a term of one
    of mokoord's own vocabularies, as models.meta declares it."""
    import importlib
    import pkgutil

    import mokoord.cli
    from mokoord.models.meta import FIXED_VOCABULARIES

    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    from typer.main import get_command

    labels = {term: set() for terms in FIXED_VOCABULARIES.values() for term in terms}
    for terms in FIXED_VOCABULARIES.values():
        for term, label in terms.items():
            labels[term].add(label)
    for name, command in get_command(app).commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            default = getattr(param.default, "value", param.default)
            if isinstance(default, str) and default in labels:
                key = (name, param.opts[0])
                assert key in DEFAULT_LABELS, key
                assert DEFAULT_LABELS[key] in labels[default], key
    result = CliRunner().invoke(app, ["--lang", "de", "add-org", "--help"], env={"COLUMNS": "200"})
    assert "[Standard: bekannt]" in result.output


def test_german_help_of_a_command(demo_cli: Any) -> None:
    result = demo_cli("--lang", "de", "export", "--help", env={"COLUMNS": "120"})
    flat = _flat(result.output)
    assert "Aufruf: mokoord export [OPTIONEN] ART" in flat
    assert "Argumente" in flat
    assert "Optionen" in flat
    assert "* ART organisations, contacts, events, referrals oder applications" in flat
    assert "[erforderlich]" in flat
    assert (
        "--format -f FORMAT csv, xlsx, json oder hsds (nur Organisationen). Standard: nach der "
        "Endung der --output-Datei, sonst csv."
    ) in flat
    assert "--anonymous Personen, Kontaktdaten" in flat  # a flag: no type
    assert "--help -h Diese Hilfe zeigen und beenden." in flat


def test_the_german_listing_is_the_same_before_and_after_loading(
    tmp_path: Path, mokoord_process: Any
) -> None:
    """The listing drawn without loading a command equals the one drawn from
    the commands themselves, in German too."""
    import importlib

    for module in {module for module, _, _ in COMMANDS.values()}:
        importlib.import_module(f"mokoord.cli.{module}")
    env = {"COLUMNS": "100", "MOKOORD_LANG": "de"}
    loaded = CliRunner().invoke(app, ["--help"], env=env, prog_name="python -m mokoord")
    fresh = mokoord_process("--help", cwd=tmp_path, env=env)
    assert fresh.returncode == 0
    assert fresh.stdout == loaded.output
    panels = [
        line.split("─ ")[1].split(" ─")[0] for line in fresh.stdout.splitlines() if "╭─" in line
    ]
    assert panels == ["Optionen", "Datenbestand", "Zusammenarbeit", "Register", "Kontakte und Verweisungen",
                      "Ansprache und Besuche", "Veranstaltungen und Kooperation", "Förderung",
                      "Auswertung", "Datenaustausch", "Datenschutz"]  # fmt: skip


# --------------------------------------------------------------------------- usage errors

ERRORS: list[tuple[list[str], str, str]] = [
    (["list", "--no-such-flag"], "No such option: --no-such-flag", "Unbekannte Option: --no-such-flag"),
    (
        ["list", "--stal"],
        "No such option: --stal (Possible options: --all, --stale, --tag)",
        "Unbekannte Option: --stal (in Frage kommen: --all, --stale, --tag)",
    ),
    (["--bogus"], "No such option: --bogus", "Unbekannte Option: --bogus"),
    (
        ["lsit"],
        "No such command 'lsit'. Did you mean 'list'?",
        "Unbekannter Befehl „lsit“. Gemeint ist vielleicht „list“?",
    ),
    (["export"], "Missing argument 'KIND'.", "Argument „ART“ fehlt."),
    (
        ["export", "organisations", "extra"],
        "Got unexpected extra argument(s) (extra)",
        "Unerwartete zusätzliche Argumente (extra)",
    ),
    (["add-contact", "--org"], "Option '--org' requires an argument.", "Option „--org“ braucht einen Wert."),
    (
        ["export", "organisations", "--year", "abc"],
        "Invalid value for '--year': 'abc' is not a whole number",
        "Ungültiger Wert für „--year“: „abc“ ist keine ganze Zahl",
    ),
    (
        ["report", "--year", "1800"],
        "Invalid value for '--year' / '-y': '1800' is too small: at least 1900",
        "Ungültiger Wert für „--year“ / „-y“: „1800“ ist zu klein: mindestens 1900",
    ),
    (
        ["report", "--year", "2300"],
        "Invalid value for '--year' / '-y': '2300' is too large: at most 2200",
        "Ungültiger Wert für „--year“ / „-y“: „2300“ ist zu groß: höchstens 2200",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("args", "english", "german"), ERRORS)
def test_usage_errors_in_both_languages(args: list[str], english: str, german: str) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "250"}
    result = runner.invoke(app, ["--lang", "en", *args], prog_name="mokoord", env=env)
    assert result.exit_code == 2
    flat = _flat(result.output)
    assert english in flat
    assert "Error" in flat
    with_usage = "Usage: mokoord" in flat  # Click gives some errors no usage line
    assert with_usage == ("for help." in flat)
    result = runner.invoke(app, ["--lang", "de", *args], prog_name="mokoord", env=env)
    assert result.exit_code == 2
    flat = _flat(result.output)
    assert german in flat
    assert "Fehler" in flat
    assert ("Aufruf: mokoord" in flat) == ("Hilfe: „mokoord" in flat) == with_usage
    assert [text for text in TYPER_ENGLISH if text in flat] == []


def test_usage_errors_in_a_true_process(tmp_path: Path, mokoord_process: Any) -> None:
    result = mokoord_process("--lang", "de", "lsit", cwd=tmp_path)
    assert result.returncode == 2
    assert "Unbekannter Befehl „lsit“. Gemeint ist vielleicht „list“?" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_usage_error_typer_writes_is_known() -> None:
    """Errors our commands cannot cause, made with a small Typer app: each
    English text Typer writes must match one of USAGE_ERRORS."""
    small = typer.Typer()

    @small.command()
    def hello(
        name: str = typer.Option(..., "--name"),
        pair: tuple[int, int] = typer.Option((1, 2), "--pair"),
    ) -> None:
        pass

    from typer.main import get_command

    command = get_command(small)
    i18n.set_language("de")
    try:
        for args, german in [
            ([], "Option „--name“ fehlt."),
            (["--name", "x", "--pair", "1"], "Option „--pair“ braucht 2 Werte."),
        ]:
            with pytest.raises(Exception) as raised:  # noqa: PT011 - Click's own exception
                command.make_context("hello", args)
            assert in_language(raised.value).format_message() == german  # type: ignore[arg-type]
    finally:
        i18n.set_language("en")
    for template in USAGE_ERRORS:  # the German catalogue knows each of them
        assert i18n.in_language("de", template) != template


def test_typer_texts_are_still_the_ones_we_translate() -> None:
    """In a fresh interpreter: Typer's panel titles and notes, the usage line
    and the help option as Typer writes them in English."""
    probe = (
        "import json\n"
        "from typer import rich_utils\n"
        "from typer._click.formatting import HelpFormatter\n"
        "from typer.core import TyperCommand, TyperGroup\n"
        "formatter = HelpFormatter(width=80)\n"
        "formatter.write_usage('mokoord', 'x')\n"
        f"names = {sorted(RICH_TEXTS)!r}\n"
        "command = TyperCommand('x')\n"
        "import typer\n"
        "ctx = typer.Context(command)\n"
        "print(json.dumps({'rich': {n: getattr(rich_utils, n) for n in names},\n"
        "                  'usage': formatter.getvalue(),\n"
        "                  'options': command.options_metavar,\n"
        "                  'subcommands': TyperGroup().subcommand_metavar,\n"
        "                  'help': command.get_help_option(ctx).help}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["rich"] == RICH_TEXTS
    assert found["usage"].startswith(USAGE_PREFIX + "mokoord x")
    assert found["options"] == OPTIONS_METAVAR
    assert found["subcommands"] == SUBCOMMAND_METAVAR
    assert found["help"] == HELP_OPTION_HELP


def test_aborted_in_german() -> None:
    from typer import rich_utils

    i18n.set_language("de")
    try:
        use_typer_texts()
        assert rich_utils.ABORTED_TEXT == "Abgebrochen."
        assert rich_utils.DEFAULT_STRING.format("csv") == "[Standard: csv]"
    finally:
        i18n.set_language("en")
        use_typer_texts()
    assert rich_utils.ABORTED_TEXT == "Aborted."
