"""The message catalogues and their tool: every message in German and English,
extracted from the code (help texts included), merged, checked and compiled."""

from __future__ import annotations

import gettext
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mokoord.cli
from mokoord import i18n
from mokoord.cli import app
from mokoord.cli._app import _LISTING

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tools import catalogue  # noqa: E402

sys.path.remove(str(REPO))


def test_every_message_has_its_german_and_english_translation() -> None:
    """Fails listing each message of the code without a German or English
    translation, a fuzzy entry, a placeholder the translation lost or added,
    or a catalogue not in the form ``extract`` writes (run
    ``python tools/catalogue.py extract`` and translate what it adds)."""
    assert catalogue.problems() == []


def test_the_check_command_agrees(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "catalogue.py"), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_help_text_of_the_command_line_is_in_the_catalogue() -> None:
    """The extractor finds what Typer shows: each command's docstring, its
    options' help and metavars, the panels and the listing."""
    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    from typer.main import get_command

    messages = {message.id for message in catalogue.template() if message.id}
    group = get_command(app)
    shown: set[str] = {inspect.cleandoc(group.help or "")}
    for command in group.commands.values():  # type: ignore[attr-defined]
        shown.add(command.help)
        shown.add(command.rich_help_panel)
        for param in command.params:
            shown.update(text for text in (param.help, param.metavar) if text)
    for (_, panel), commands in _LISTING.items():
        shown.add(panel)
        shown.update(commands.values())
    assert shown - messages == set()


def test_german_listing_lines_are_the_first_paragraphs_of_the_german_help() -> None:
    """``mokoord --help`` shows the listing without loading a command; the
    line must read as the command's own help does once it is loaded."""
    german = catalogue.read("de")
    for command in importlib.import_module("mokoord.cli._app").COMMANDS.values():
        line = command[2]
        docstrings = [
            message
            for message in german
            if isinstance(message.id, str) and message.id.startswith(line + "\n\n")
        ]
        assert len(docstrings) == 1, line
        first = docstrings[0].string.split("\n\n")[0]
        assert german[line].string == first, line


def test_every_command_help_ends_with_an_example_in_german_usage() -> None:
    from typer.main import get_command

    for module in pkgutil.iter_modules(mokoord.cli.__path__):
        importlib.import_module(f"mokoord.cli.{module.name}")
    german = catalogue.read("de")
    for name, command in get_command(app).commands.items():  # type: ignore[attr-defined]
        english = command.help.split("\n\n")[-1]
        translated = german[command.help].string.split("\n\n")[-1]
        assert english.startswith(("Example: ", "Examples: ")), name
        assert translated.startswith(("Beispiel: ", "Beispiele: ")), name
        assert f"mokoord {name}" in english.replace("\n", " "), name
        # dates as a German user types them (ids may start with an ISO date)
        assert not re.search(r"\b\d{4}-\d\d-\d\d\b(?!-)", english), name


# --------------------------------------------------------------------------- the tool


def _package(root: Path, cli_source: str, other_source: str = "") -> Path:
    package = root / "pkg"
    (package / "cli").mkdir(parents=True)
    (package / "cli" / "commands.py").write_text(cli_source, encoding="utf-8")
    (package / "errors.py").write_text(other_source, encoding="utf-8")
    return package


def _locale(root: Path, entries: dict[str, dict[str, str]]) -> Path:
    locale = root / "locale"
    for lang, translations in entries.items():
        folder = locale / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        body = "".join(
            f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n' for msgid, msgstr in translations.items()
        )
        (folder / "mokoord.po").write_text(
            f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n'
            '"Content-Type: text/plain; charset=utf-8\\n"\n\n' + body,
            encoding="utf-8",
        )
    return locale


CLI_SOURCE = '''
import typer
from mokoord.i18n import _
app = typer.Typer()
PANEL = "Register"
_LISTING = {("commands", "Listing panel"): {"greet": "Greet an organisation."}}

@app.command(rich_help_panel=PANEL)
def greet(
    org: str = typer.Argument(..., metavar="ORG", help="The organisation's id."),
    times: int = typer.Option(1, "--times", help="How often."),
) -> None:
    """Greet an organisation.

    Example: [bold]mokoord greet elternverein-biebrich[/]
    """
    print(_("hello {name}").format(name=org))
'''


def test_extract_merges_both_catalogues(tmp_path: Path) -> None:
    package = _package(tmp_path, CLI_SOURCE, 'from mokoord.i18n import N_\nX = N_("zebra")\n')
    locale = _locale(
        tmp_path,
        {
            "de": {"hello {name}": "hallo {name}", "gone": "weg"},
            "en": {"hello {name}": "hello {name}", "gone": "gone"},
        },
    )
    catalogue.extract(locale, package)
    german = catalogue.po_path("de", locale).read_text(encoding="utf-8")
    english = catalogue.po_path("en", locale).read_text(encoding="utf-8")
    expected = [
        "Greet an organisation.",
        "Greet an organisation.\\n",  # the docstring, as inspect.cleandoc gives it
        "How often.",
        "Listing panel",
        "ORG",
        "Register",
        "The organisation's id.",
        "hello {name}",
        "zebra",
    ]
    msgids = [line[7:-1] for line in german.splitlines() if line.startswith('msgid "')][1:]
    assert [m for m in msgids if m] == [m for m in expected if not m.endswith("\\n")]
    assert '"Example: [bold]mokoord greet elternverein-biebrich[/]"' in german
    assert 'msgstr "hallo {name}"' in german  # kept
    assert "gone" not in german
    assert "gone" not in english
    assert "#:" not in german  # no locations: merges stay clean
    assert 'msgid "How often."\nmsgstr ""' in german
    assert 'msgid "How often."\nmsgstr "How often."' in english  # English filled in
    before = {lang: catalogue.po_path(lang, locale).read_bytes() for lang in ("de", "en")}
    catalogue.extract(locale, package)
    assert before == {lang: catalogue.po_path(lang, locale).read_bytes() for lang in ("de", "en")}


def test_check_lists_what_keeps_a_catalogue_from_shipping(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        "from mokoord.i18n import _\n_('one {id}')\n_('two')\n_('three')\n_('four')\n",
    )
    locale = _locale(
        tmp_path,
        {
            "de": {"one {id}": "eins {nummer}", "two": "", "three": "drei"},
            "en": {"one {id}": "one {id}", "two": "two", "three": "three", "four": "four"},
        },
    )
    po = catalogue.po_path("de", locale)
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgid "three"', '#, fuzzy\nmsgid "three"'),
        encoding="utf-8",
    )
    found = "\n".join(catalogue.problems(locale, package))
    assert "de/LC_MESSAGES/mokoord.po: placeholders nummer where the msgid has id: 'one {id}'" in (
        found
    )
    assert "no translation: 'two'" in found
    assert "fuzzy: 'three'" in found
    assert "missing: 'four'" in found
    english = [line for line in found.splitlines() if "/en/" in line and "not sorted" not in line]
    assert english == []
    catalogue.extract(locale, package)  # writes the canonical form, keeps the translations
    assert "eins {nummer}" in po.read_text(encoding="utf-8")


def test_init_starts_a_new_language_that_check_wants_translated(tmp_path: Path) -> None:
    package = _package(tmp_path, "from mokoord.i18n import _\n_('Options')\n")
    locale = _locale(tmp_path, {"de": {"Options": "Optionen"}, "en": {"Options": "Options"}})
    assert catalogue.init("fr", locale, package) == 0
    assert catalogue.languages(locale) == ["de", "en", "fr"]
    assert catalogue.read("fr", locale)["Options"].string == ""
    assert any("fr/LC_MESSAGES" in line and "no translation: 'Options'" in line
               for line in catalogue.problems(locale, package))  # fmt: skip
    assert catalogue.init("fr", locale, package) == 1  # never overwrites


def test_compile_writes_catalogues_gettext_reads(tmp_path: Path) -> None:
    locale = _locale(tmp_path, {"de": {"Options": "Optionen"}, "en": {"Options": "Options"}})
    written = catalogue.compile_catalogues(locale, quiet=True)
    assert [path.name for path in written] == ["mokoord.mo", "mokoord.mo"]
    with catalogue.mo_path("de", locale).open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Options") == "Optionen"
    assert catalogue.compile_catalogues(locale, only_stale=True, quiet=True) == []


def test_the_installed_catalogues_are_compiled_from_the_sources() -> None:
    """The suite compiles stale catalogues at its start (tests/conftest.py)."""
    for lang in i18n.LANGUAGES:
        po = catalogue.po_path(lang, i18n.LOCALE_DIR)
        mo = catalogue.mo_path(lang, i18n.LOCALE_DIR)
        assert mo.stat().st_mtime >= po.stat().st_mtime
    assert i18n.in_language("de", "Options") == "Optionen"


@pytest.mark.parametrize(
    ("text", "names"),
    [("no id '{id}'", {"id"}), ("{n} files, {amount:.2f} €", {"n", "amount"}), ("{a, b}", set())],
)
def test_placeholders(text: str, names: set[str]) -> None:
    assert catalogue.placeholders(text) == names
