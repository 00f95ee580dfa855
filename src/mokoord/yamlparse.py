"""Beneath the YAML reader (:mod:`mokoord.yamlio`): a file's bytes to text, the
checks before parsing, and the two C composers.

:func:`decode` and :func:`prescan` refuse what would hurt a parser or cannot be
a record (UTF-16, NUL bytes, bad UTF-8, git conflict markers, huge or deeply
nested files) before any parser runs. :func:`composer` is ruamel's safe C
composer, which phrases and places every problem; :func:`fast_parser` is
libyaml's through PyYAML, about four times faster, resolving plain scalars by
ruamel's own YAML 1.2 rules so that both read the same bytes alike. A refusal is
a :class:`Refused` carrying the place and the problem code.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import re
from typing import Any

from mokoord.i18n import _

MAX_LINES = 20_000
"""A record has a few hundred lines; far more is refused before parsing (parsing costs time)."""
# The C composer recurses on nesting; far below the depth where it would
# overflow the C stack, a file is refused before parsing.
_MAX_PRESCAN_DEPTH = 1000

TAG = "tag:yaml.org,2002:"
MAP, SEQ, STR, NULL = (TAG + name for name in ("map", "seq", "str", "null"))
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
_DEEP_BLOCK_RE = re.compile(rf"^[ \t?-]{{{_MAX_PRESCAN_DEPTH},}}", re.MULTILINE)


class Unsure(Exception):
    """The fast reader may read this file otherwise than ruamel: let ruamel read it."""


class Refused(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


def too_deep() -> str:
    """The message for a file nested far too deep (the prescan and the composer)."""
    return _("nesting is far too deep for a mokoord record")


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused(
            1, 1, "invalid-encoding", _("the file is saved as UTF-16; save it as UTF-8 instead")
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        text = raw[:nul].decode("utf-8", errors="replace")
        line, column = line_col(text, len(text))
        raise Refused(
            line,
            column,
            "invalid-encoding",
            _("the file contains a NUL byte; it is not a text file"),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, column = line_col(before, len(before))
        raise Refused(
            line,
            column,
            "invalid-encoding",
            _("the file is not valid UTF-8 (byte {byte}); save it as UTF-8").format(
                byte=f"0x{raw[exc.start]:02x}"
            ),
        ) from None
    return text.removeprefix("\ufeff")


def prescan(text: str) -> None:
    """Refuse what would hurt the parser before it runs (cheap for normal files)."""
    conflict = _CONFLICT_RE.search(text)
    if conflict:
        line, column = line_col(text, conflict.start())
        raise Refused(
            line,
            column,
            "merge-conflict",
            _(
                "unresolved git merge conflict marker; keep one side, delete the markers, "
                "then commit"
            ),
        )
    lines = text.count("\n")
    if lines > MAX_LINES:
        raise Refused(
            MAX_LINES + 1,
            1,
            "too-large",
            _("the file has {lines} lines; a record has at most {limit}").format(
                lines=lines, limit=MAX_LINES
            ),
        )
    if text.count(",") > MAX_LINES:
        raise Refused(
            1,
            1,
            "too-large",
            _("the file holds more than {limit} list items; a record has far fewer").format(
                limit=MAX_LINES
            ),
        )
    deep = _DEEP_BLOCK_RE.search(text)
    if deep:
        line, column = line_col(text, deep.start())
        raise Refused(line, column, "too-deep", too_deep())
    if text.count("[") + text.count("{") > _MAX_PRESCAN_DEPTH:
        depth = 0
        for offset, char in enumerate(text):
            if char in "[{":
                depth += 1
                if depth > _MAX_PRESCAN_DEPTH:
                    line, column = line_col(text, offset)
                    raise Refused(line, column, "too-deep", too_deep())
            elif char in "]}":
                depth = max(0, depth - 1)


def first_alias(text: str, fallback: tuple[int, int]) -> tuple[int, int]:
    """Where the first alias (``*name``) of a document stands; only called on refusal."""
    from ruamel.yaml.events import AliasEvent

    with contextlib.suppress(Exception):
        for event in composer().parse(text):
            if isinstance(event, AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    return fallback


def short_tag(tag: str) -> str:
    return "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag


_safe_yaml: Any = None


def composer() -> Any:
    global _safe_yaml
    if _safe_yaml is None:
        from ruamel.yaml import YAML

        _safe_yaml = YAML(typ="safe", pure=False)
    return _safe_yaml


@functools.cache
def fast_parser() -> Any:
    """libyaml's composer through PyYAML, resolving plain scalars as ruamel does (YAML 1.2).

    It builds the same node graph as ruamel's C composer (both are libyaml) about
    four times faster. Only the resolution of plain scalars to tags comes from
    Python; it is made from ruamel's own table of YAML 1.2 rules, so both read
    ``no``, ``010`` or ``2023-03-14`` alike. ``None`` without PyYAML's C extension.
    """
    try:
        from ruamel.yaml.resolver import implicit_resolvers
        from yaml import MappingNode, ScalarNode, SequenceNode
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return None
    rules: dict[str, list[tuple[str, Any]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for char in first:
                # ruamel compiles its patterns lazily: take the compiled pattern's match
                rules.setdefault(char, []).append((tag, regexp.match))
    tags = {ScalarNode: STR, SequenceNode: SEQ, MappingNode: MAP}
    known: dict[str, str] = {}
    """plain scalar → its tag: values repeat (keys, dates, terms), matching is dear"""

    class Parser(CParser):  # type: ignore[misc]
        # The composer tells the resolver where it descends, for path-dependent
        # rules; there are none. Built-ins that take those arguments and do
        # nothing cost less than Python functions (they run for every node).
        descend_resolver = operator.is_
        ascend_resolver = tuple

        def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode and implicit[0]:
                found = known.get(value)
                if found is None:
                    found = next(
                        (tag for tag, match in rules.get(value[:1], ()) if match(value)), STR
                    )
                    if len(known) < 100_000:
                        known[value] = found
                return found
            return tags[kind]

    return Parser
