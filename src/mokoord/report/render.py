"""Rendering the report model: JSON, Markdown and HTML (jinja2 templates).

Templates are looked up in the store's own ``templates/`` folder first (a
city may override any of them), then in the packaged templates, and rendered
in a sandboxed environment. Text from the data always stays text: HTML
templates are autoescaped; Markdown templates are not (an ``&`` must stay an
``&``), but every value from the data goes through the ``mdx`` filter, which
escapes Markdown's own characters, and whatever else a Markdown template
prints has its ``<``, ``>`` and character references neutralised.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from mokoord.errors import MokoordError
from mokoord.i18n import _, speaking
from mokoord.report.indicators import Report
from mokoord.report.markup import markdown_escape, markdown_notes, markdown_safe

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
TEMPLATE_NAMES: dict[str, str] = {"md": "report.md.j2", "html": "report.html.j2"}

# --------------------------------------------------------------------------- templates


def packaged_templates() -> Path | None:
    """The built-in templates: inside the installed package, else the source checkout's."""
    from importlib.resources import files

    try:
        candidate = Path(str(files("mokoord") / "templates"))
        if (candidate / TEMPLATE_NAMES["html"]).is_file():
            return candidate
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd loaders
        pass
    checkout = Path(__file__).resolve().parents[3] / "templates"
    if (checkout / TEMPLATE_NAMES["html"]).is_file():
        return checkout
    return None


def template_dirs(store_root: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins."""
    dirs: list[Path] = []
    if store_root is not None and (store_root / "templates").is_dir():
        dirs.append(store_root / "templates")
    packaged = packaged_templates()
    if packaged is not None:
        dirs.append(packaged)
    return dirs


def environment(store_root: Path | None, *, markdown: bool = False) -> Any:
    """A sandboxed jinja2 environment: for HTML with autoescape on, for Markdown
    with autoescape off and :func:`markdown_safe` applied to every value printed."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    dirs = template_dirs(store_root)
    if not dirs:
        raise MokoordError(
            _("the report templates are missing from this installation"),
            hint=_(
                "reinstall mokoord, or put report.md.j2 and report.html.j2 into the "
                "store's templates/ folder"
            ),
        )
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        autoescape=not markdown,
        finalize=markdown_safe if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["mdx"] = markdown_escape
    env.filters["md_notes"] = markdown_notes
    return env


# --------------------------------------------------------------------------- output


def _shown(filename: str, store_root: Path | None) -> str:
    if store_root is not None:
        try:
            return Path(filename).relative_to(store_root).as_posix()
        except ValueError:
            pass
    return filename


def render_json(report: Report) -> str:
    """The report's stable JSON (UTF-8 text, two-space indent, trailing newline)."""
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"


def render_template(
    report: Report, fmt: Literal["md", "html"], lang: str, store_root: Path | None
) -> str:
    """Markdown or HTML through the (possibly overridden) templates."""
    from jinja2 import TemplateError, TemplateSyntaxError

    from mokoord.report.view import build_view

    env = environment(store_root, markdown=fmt == "md")
    with speaking(lang):
        view = build_view(report, charts=fmt == "html")
    try:
        template = env.get_template(TEMPLATE_NAMES[fmt])
        with speaking(lang):  # filters and a store's templates see the report's language
            text = str(template.render(**view))
        if fmt == "md":
            text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
        return text
    except TemplateSyntaxError as exc:
        where = f"{_shown(exc.filename or exc.name or '', store_root)}:{exc.lineno}"
        raise MokoordError(
            _("{place}: report template error: {problem}").format(place=where, problem=exc.message),
            hint=_("fix or remove the template in the store's templates/ folder"),
        ) from None
    except TemplateError as exc:
        raise MokoordError(
            _("report template {name} failed: {problem}").format(
                name=TEMPLATE_NAMES[fmt], problem=exc
            ),
            hint=_("fix or remove the template in the store's templates/ folder"),
        ) from None


def render(report: Report, fmt: Format, *, lang: str = "de", store_root: Path | None = None) -> str:
    """The report as text in ``fmt`` (``md``, ``html`` or ``json``)."""
    if fmt == "json":
        return render_json(report)
    return render_template(report, fmt, lang, store_root)
