"""Text from the data made safe for the report: Markdown escaped, notes sanitised.

A name must read as written wherever it lands (a table cell, a list item) and
can never become markup: not a link, not emphasis, not a broken table, not
raw HTML once the Markdown is rendered elsewhere. Notes written in Markdown
keep their Markdown but lose raw HTML and links other than http, https and
mailto.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<>])")
_MD_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_MD_BLOCK_START = re.compile(r"^(?:(#{1,6}|[=+-])|(\d{1,9})([.)]))(?=\s|$)")


def markdown_escape(value: object) -> Markup:
    """Text from the data for a Markdown file, shown as written wherever it stands.

    Markdown's own characters (``\\ ` * _ [ ] | ~ < >``) get a backslash, so a
    name can neither break a table nor start a link, emphasis or raw HTML;
    line breaks become spaces; a ``&`` stays an ``&`` unless it would start a
    character reference (``&amp;``); a leading ``#``, ``-``, ``+``, ``=`` or
    ``1.`` cannot start a heading or list.
    """
    text = " ".join(str(value).split())
    text = _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", text))
    text = _MD_BLOCK_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text
    )
    return Markup(text)


def markdown_safe(value: object) -> object:
    """What a Markdown template prints: raw HTML and character references neutralised.

    Applied to every value a Markdown template prints, as a safety net for
    templates that print data without ``mdx``. Only a ``<``, ``>`` or
    reference-like ``&`` that no backslash escapes yet gets one, so text
    escaped already (by ``mdx``, inside a macro's table) stays as it is.
    """
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    return _MD_UNESCAPED.sub(_add_backslash, value)


_MD_UNESCAPED = re.compile(
    r"(\\*)([<>]|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};))"
)


def _add_backslash(match: re.Match[str]) -> str:
    slashes, char = match.groups()
    return f"{slashes}\\{char}" if len(slashes) % 2 == 0 else match.group(0)


_MD_LINK = re.compile(
    r"(!?)\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_MD_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(\S+).*$", re.MULTILINE)


def _link_ok(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _markdown_it() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.validateLink = _link_ok  # type: ignore[method-assign]
    md.disable(["image"])
    return md


def notes_html(text: str | None) -> Markup:
    """Notes written in Markdown as HTML: raw HTML shown as text, only http/https/mailto links."""
    if not text:
        return Markup("")
    html = _markdown_it().render(_strip_unsafe_links(text))
    # Links are restricted by validateLink; make every remaining one open safely.
    html = html.replace("<a href=", '<a rel="noopener noreferrer nofollow" href=')
    return Markup(html)


def _strip_unsafe_links(text: str) -> str:
    """Links and images whose target is not http, https or mailto keep only their text."""

    def link(match: re.Match[str]) -> str:
        bang, label, url = match.groups()
        if not bang and _link_ok(url):
            return match.group(0)
        return label

    def autolink(match: re.Match[str]) -> str:
        return match.group(0) if _link_ok(match.group(1)) else match.group(1)

    def reference(match: re.Match[str]) -> str:
        return match.group(0) if _link_ok(match.group(1).strip("<>")) else ""

    text = _MD_REFERENCE.sub(reference, text)
    return _MD_AUTOLINK.sub(autolink, _MD_LINK.sub(link, text))


def markdown_notes(text: object) -> Markup:
    """Notes for a Markdown file: Markdown kept, raw HTML and unsafe links removed."""
    if not text:
        return Markup("")
    value = _strip_unsafe_links(str(text))
    # Any other "<" would start raw HTML: show it as text.
    value = re.sub(r"<(?!(?:https?|mailto):[^>\s]*>)", r"\\<", value)
    lines = [line.rstrip() for line in value.strip().splitlines()]
    return Markup("\n".join(lines))
