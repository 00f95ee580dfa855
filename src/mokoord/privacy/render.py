"""Rendering the privacy documents through jinja2 templates, sandboxed like the report's.

The templates (``privacy-access.html.j2``, ``privacy-record.md.j2``,
``privacy-record.html.j2``) live beside the report's in ``templates/``; a store
may override them in its own ``templates/`` folder. Autoescaping is on for
every HTML template, Markdown templates escape what they print, and the
environment is sandboxed (:func:`mokoord.report.render.environment`): text from
the data always stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mokoord.errors import MokoordError
from mokoord.i18n import _


def render_document(name: str, store_root: Path | None, **context: Any) -> str:
    """``name`` rendered with ``context``; a clear error when a template is broken."""
    from jinja2 import TemplateError, TemplateSyntaxError

    from mokoord.report.render import environment

    env = environment(store_root, markdown=name.endswith(".md.j2"))
    try:
        template = env.get_template(name)
        return str(template.render(**context))
    except TemplateSyntaxError as exc:
        raise MokoordError(
            _("{where}:{line}: template error: {message}").format(
                where=exc.filename or exc.name or name, line=exc.lineno, message=exc.message
            ),
            hint=_("fix or remove the template in the store's templates/ folder"),
        ) from None
    except TemplateError as exc:
        raise MokoordError(
            _("template {name} failed: {error}").format(name=name, error=exc),
            hint=_("fix or remove the template in the store's templates/ folder"),
        ) from None
