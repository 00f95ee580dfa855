"""Outreach templates: jinja2 Markdown in the store's ``templates/outreach/``.

A template is one file per language, ``NAME.LANG.md`` (``einladung.de.md``,
``einladung.tr.md``), opening with a front matter::

    ---
    subject: Einladung zur Qualifizierungsreihe
    topic: Qualifizierung        # the topic of the contact recorded (key or label)
    channel: E-Mail              # e-mail or letter: what the drafts are by default
    ---
    Guten Tag {{ person.name }},
    …

An organisation gets the variant in its first language that has one, else
German. Templates are rendered in the report's sandboxed environment
(:func:`mokoord.report.render.environment`); every value they see is escaped
for Markdown already, so a name can never become markup. Errors point at the
template's file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from mokoord.errors import MokoordError, NotFound
from mokoord.i18n import _
from mokoord.models import Config
from mokoord.models.common import Model, ShortText

FOLDER = Path("templates") / "outreach"
"""Where a store keeps its outreach templates, relative to its root."""

CHANNELS = ("email", "letter")
"""The channels a template may name: what the recorded contacts say."""

_FILE = re.compile(r"^(?P<name>[^./\\][^/\\]*?)\.(?P<lang>[a-z]{2,3})\.md$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


class FrontMatter(Model):
    """What a template's front matter may say."""

    subject: ShortText
    topic: ShortText | None = None
    channel: ShortText | None = None


@dataclass(frozen=True)
class Template:
    """One language variant of a template, read and checked."""

    name: str
    language: str
    shown: str
    """The file as messages name it (``templates/outreach/einladung.de.md``)."""
    subject: str
    """The subject line: a jinja2 template itself."""
    subject_line: int
    topic: str | None
    """The topic's key (``training``), or ``None``."""
    channel: str | None
    """``email``, ``letter`` or ``None`` (not said)."""
    body: str
    """The body's source, the front matter's lines left empty: line numbers are the file's."""


@dataclass(frozen=True)
class Rendered:
    """A template rendered for one addressee."""

    subject: str
    """Plain text, one line."""
    markdown: str
    """The body as Markdown (values escaped)."""

    @property
    def text(self) -> str:
        """The body as plain text: the Markdown without its backslash escapes."""
        return _ESCAPED.sub(r"\1", self.markdown)

    def html(self) -> Markup:
        """The body as HTML: raw HTML in the template shown as text, safe links only."""
        from mokoord.report.markup import notes_html

        return notes_html(self.markdown)


# --------------------------------------------------------------------------- finding


def available(root: Path) -> dict[str, list[str]]:
    """Template name → its languages, of the store at ``root``."""
    folder = root / FOLDER
    found: dict[str, list[str]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        match = _FILE.match(path.name)
        if match and path.is_file():
            found.setdefault(match["name"], []).append(match["lang"])
    return found


def load(root: Path, name: str, config: Config) -> dict[str, Template]:
    """Every language variant of the template ``name``: language → template.

    An unknown name is an error naming the available templates; a broken
    front matter or language suffix an error naming the file and line.
    """
    from mokoord.codes import language_codes

    known = available(root)
    wanted = name.removesuffix(".md")
    if wanted not in known:
        raise _unknown(root, name, known)
    variants: dict[str, Template] = {}
    for lang in known[wanted]:
        shown = (FOLDER / f"{wanted}.{lang}.md").as_posix()
        if lang not in language_codes():
            raise MokoordError(
                _("{file}: '{code}' is no language code (ISO 639, e.g. de, tr, ar)").format(
                    file=shown, code=lang
                ),
                hint=_("name the file NAME.LANGUAGE.md, e.g. einladung.tr.md"),
            )
        path = root / FOLDER / f"{wanted}.{lang}.md"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise MokoordError(
                _("{file}: cannot be read: {reason}").format(file=shown, reason=exc)
            ) from None
        variants[lang] = parse(text, wanted, lang, shown, config)
    return variants


def _unknown(root: Path, name: str, known: Mapping[str, list[str]]) -> MokoordError:
    folder = (root / FOLDER).as_posix()
    if not known:
        return NotFound(
            _("no outreach template '{name}': {folder} holds no templates").format(
                name=name, folder=folder
            ),
            hint=_("write one as NAME.LANGUAGE.md there, e.g. einladung.de.md"),
        )
    listed = ", ".join(f"{key} ({', '.join(langs)})" for key, langs in sorted(known.items()))
    return NotFound(
        _("no outreach template '{name}'; available: {templates}").format(
            name=name, templates=listed
        ),
        hint=_("templates are the files NAME.LANGUAGE.md in {folder}").format(folder=folder),
    )


def parse(text: str, name: str, lang: str, shown: str, config: Config) -> Template:
    """A template from its text: the front matter read and checked, the body kept."""
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if not lines or lines[0].rstrip() != "---" or end is None:
        raise MokoordError(
            _("{file}:1: the template needs a front matter between two lines '---'").format(
                file=shown
            ),
            hint=_("start it with ---, then subject:, topic: and channel:, then ---"),
        )
    document = parse_document(shown, "\n".join(lines[1:end]).encode("utf-8"))
    matter, problems = validate_document(document, FrontMatter)
    if matter is None or problems:
        problem = problems[0]
        raise MokoordError(
            f"{shown}:{problem.line + 1}: {problem.message}",
            hint=_("the front matter holds subject:, topic: and channel:"),
        )

    def line_of(key: str) -> int:
        return document.position((key,))[0] + 1

    topic = _term(config, "topics", matter.topic, shown, line_of("topic"))
    channel = _term(config, "channels", matter.channel, shown, line_of("channel"))
    if channel is not None and channel not in CHANNELS:
        raise MokoordError(
            _("{file}:{line}: channel: a template is sent by e-mail or letter").format(
                file=shown, line=line_of("channel")
            )
        )
    body = "\n".join(["", *([""] * (end - 1)), "", *lines[end + 1 :]])
    return Template(
        name=name,
        language=lang,
        shown=shown,
        subject=matter.subject,
        subject_line=line_of("subject"),
        topic=topic,
        channel=channel,
        body=body,
    )


def _term(config: Config, vocabulary: str, value: str | None, shown: str, line: int) -> str | None:
    from mokoord.errors import UsageError
    from mokoord.vocab import resolve

    if value is None:
        return None
    try:
        return resolve(config, vocabulary, value, flag=f"{shown}:{line}: {vocabulary[:-1]}")
    except UsageError as exc:
        raise MokoordError(exc.message, hint=exc.hint) from None


def variant_for(variants: Mapping[str, Template], languages: Sequence[str]) -> Template | None:
    """The variant in the first of ``languages`` that has one, else the German one."""
    for lang in languages:
        if lang in variants:
            return variants[lang]
    return variants.get("de")


# --------------------------------------------------------------------------- rendering


class Renderer:
    """Renders templates in the report's sandboxed environment, each compiled once."""

    def __init__(self, root: Path | None) -> None:
        from mokoord.report.render import environment

        self.env = environment(root, markdown=True)
        self._compiled: dict[tuple[str, str], Any] = {}

    def _compile(self, source: str, shown: str, line: int = 0) -> Any:
        from jinja2 import TemplateSyntaxError

        key = (shown, source)
        if key not in self._compiled:
            try:
                code = self.env.compile(source, name=shown, filename=shown)
            except TemplateSyntaxError as exc:
                raise _template_error(
                    shown, (exc.lineno or 1) + line, exc.message or str(exc)
                ) from None
            self._compiled[key] = self.env.template_class.from_code(
                self.env, code, self.env.make_globals(None), None
            )
        return self._compiled[key]

    def check(self, template: Template) -> None:
        """Compile the subject and body: a syntax error names the file and line."""
        self._compile(template.subject, template.shown, template.subject_line - 1)
        self._compile(template.body, template.shown)

    def render(self, template: Template, context: Mapping[str, Any]) -> Rendered:
        """``template`` for one addressee; a template error names the file and line."""
        # the subject is compiled as a one-line template of its own: its errors
        # are reported at the front matter's line
        subject = self._run(
            self._compile(template.subject, template.shown, template.subject_line - 1),
            context,
            template.shown,
            template.subject_line,
        )
        body = self._run(self._compile(template.body, template.shown), context, template.shown)
        body = re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"
        return Rendered(subject=" ".join(_ESCAPED.sub(r"\1", subject).split()), markdown=body)

    def _run(
        self, compiled: Any, context: Mapping[str, Any], shown: str, line: int | None = None
    ) -> str:
        from jinja2 import TemplateError

        try:
            return str(compiled.render(**context))
        except TemplateError as exc:
            where = line if line is not None else _line_in_traceback(exc, shown)
            raise _template_error(shown, where, str(exc)) from None


def _line_in_traceback(exc: BaseException, shown: str) -> int:
    """The template line a rendering error happened at (jinja2 puts the template's
    lines into the traceback's frames)."""
    found = 1
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == shown:
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _template_error(shown: str, line: int, message: str) -> MokoordError:
    return MokoordError(
        _("{file}:{line}: template error: {message}").format(
            file=shown, line=line, message=message
        ),
        hint=_("fix the template; it may use organisation, person, office and today"),
    )
