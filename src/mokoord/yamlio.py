"""YAML in: safe, located reading; and atomic writing of any file.

Reading (:func:`parse_document`) never constructs arbitrary Python objects.
The C parser composes a node graph; :class:`_Builder` turns it into plain data
(``dict``, ``list``, ``str``, ``int``, ``Decimal``, ``date``, ``bool``,
``None``) while recording the line and column of every key and value, so a
validation error can point at ``path:line:col``. Everything a hostile or
broken file can do is turned into a :class:`~mokoord.errors.Problem`: tags,
anchors and aliases (billion laughs), deep nesting, huge files, bad UTF-8, NUL
bytes, several documents, git conflict markers, empty files, top-level lists,
duplicate keys, and numbers that YAML readers disagree on (``01067``). The
checks before parsing and the two composers are in :mod:`mokoord.yamlparse`.

Two C parsers compose: libyaml through PyYAML for every clean record (four
times faster), and ruamel's for anything else (:func:`_read_fast` says when),
so problems are always phrased and placed by ruamel. Both give the same
document for the same bytes (tests/test_fast_read.py compares them).

Writing a record goes through ruamel's round-trip mode
(:class:`mokoord.roundtrip.RoundTripDocument`), which keeps comments, key order
and the lines around a change. Every write is atomic (:func:`atomic_write`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mokoord import yamlparse
from mokoord.errors import Problem
from mokoord.i18n import N_, _
from mokoord.yamlparse import (
    MAP,
    SEQ,
    STR,
    TAG,
    Refused,
    Unsure,
    composer,
    decode,
    first_alias,
    prescan,
    short_tag,
    too_deep,
)

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000
_MAX_PROBLEMS = 20

Key = tuple[str | int, ...]

_PLAIN_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_FLOAT_RE = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE_WORDS = frozenset({"true", "yes", "on", "y"})  # YAML 1.1 words, under a %YAML 1.1 directive
_MAX_INT_DIGITS = 30


@dataclass(slots=True)
class Document:
    """A parsed file: plain data plus where each key and value stands.

    ``data`` is ``None`` when the file could not be read at all; ``problems``
    then says why. ``values`` and ``keys`` map a location such as
    ``("persons", 0, "phone")`` to a 1-based ``(line, column)``.
    """

    path: str
    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    values: dict[Key, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Key, tuple[int, int]] = field(default_factory=dict)
    sources: dict[Key, str] = field(default_factory=dict)
    """Numbers and dates as written in the file (``1e3``), for messages."""

    def position(self, loc: Sequence[str | int], *, prefer_key: bool = False) -> tuple[int, int]:
        """Best position for a location: the value, else the key, else the nearest parent."""
        loc = tuple(loc)
        while loc:
            first, second = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            if loc in first:
                return first[loc]
            if loc in second:
                return second[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def problem(
        self,
        loc: Sequence[str | int],
        code: str,
        message: str,
        *,
        severity: str = "error",
        prefer_key: bool = False,
    ) -> Problem:
        line, column = self.position(loc, prefer_key=prefer_key)
        return Problem(self.path, line, column, severity, code, message)  # type: ignore[arg-type]


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node graph into plain data with positions."""

    def __init__(self, doc: Document, text: str = "", *, fast: bool = False) -> None:
        self.doc = doc
        self.text = text
        self.nodes = 0
        self.seen: set[int] = set()
        self.fast = fast
        """Composed by the fast reader: a plain scalar in a flow collection with ``:``
        in it or a ``?`` before it is read by ruamel again (see :func:`_read_fast`)."""

    def build(self, node: Any, loc: Key, depth: int, flow: bool = False) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Refused(
                *_mark(node), "too-large", _("the file has far too many values for a record")
            )
        if depth > MAX_DEPTH:
            raise Refused(*_mark(node), "too-deep", _("nesting is too deep for a mokoord record"))
        if id(node) in self.seen:
            raise Refused(
                *first_alias(self.text, _mark(node)),
                "alias",
                _("YAML aliases (*name) are not allowed; write the value out instead"),
            )
        self.seen.add(id(node))
        mark = node.start_mark
        self.doc.values[loc] = (mark.line + 1, mark.column + 1)
        tag: str = node.tag or ""
        if tag == STR and node.id == "scalar":  # most values: plain text
            if flow and self.fast:
                self._unsure(node)
            return node.value
        if node.id == "mapping":
            if tag != MAP:
                raise Refused(
                    *_mark(node), "forbidden-tag", f"YAML tag {short_tag(tag)} is not allowed"
                )
            return self._mapping(node, loc, depth, flow or bool(node.flow_style))
        if node.id == "sequence":
            if tag != SEQ:
                raise Refused(
                    *_mark(node), "forbidden-tag", f"YAML tag {short_tag(tag)} is not allowed"
                )
            flow = flow or bool(node.flow_style)
            return [
                self.build(item, (*loc, i), depth + 1, flow) for i, item in enumerate(node.value)
            ]
        if flow and self.fast:
            self._unsure(node)
        return self._scalar(node, loc)

    def _unsure(self, node: Any) -> None:
        if not node.style and (":" in node.value or node.value.startswith("?")):
            raise Unsure

    def _mapping(self, node: Any, loc: Key, depth: int, flow: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if flow and self.fast and key_node.id == "scalar":
                self._unsure(key_node)
            if key_node.id != "scalar":
                raise Refused(
                    *_mark(key_node),
                    "invalid-key",
                    _("a key must be a plain word, not a list or mapping"),
                )
            if key_node.tag == TAG + "merge":
                raise Refused(
                    *_mark(key_node),
                    "alias",
                    _("merge keys (<<) are not allowed; write the values out"),
                )
            key = str(key_node.value)
            child = (*loc, key)
            if key in result:
                if len(self.doc.problems) >= _MAX_PROBLEMS:
                    continue
                first = self.doc.keys[child]
                line, column = _mark(key_node)
                self.doc.problems.append(
                    Problem(
                        self.doc.path,
                        line,
                        column,
                        "error",
                        "duplicate-key",
                        _(
                            "key '{key}' appears twice in this mapping (first at line {line}); "
                            "keep one"
                        ).format(key=key, line=first[0]),
                    )
                )
                continue
            mark = key_node.start_mark
            self.doc.keys[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1, flow)
        return result

    def _scalar(self, node: Any, loc: Key) -> Any:
        tag: str = node.tag or ""
        value: str = node.value
        plain = not node.style
        if tag == TAG + "str":
            return value
        self.doc.sources[loc] = value
        if tag == TAG + "null":
            return None
        if tag == TAG + "bool":
            return value.lower() in _TRUE_WORDS
        if tag == TAG + "int":
            if _PLAIN_INT_RE.match(value):
                if len(value) > _MAX_INT_DIGITS:
                    self.doc.problems.append(
                        self.doc.problem(
                            loc,
                            "invalid-number",
                            _("a number of {digits} digits is too long").format(digits=len(value)),
                        )
                    )
                    return value
                return int(value)
            if plain:
                self._ambiguous(node, value)
            return value
        if tag == TAG + "float":
            if _PLAIN_FLOAT_RE.match(value):
                try:
                    return Decimal(value)
                except InvalidOperation:  # pragma: no cover - the pattern rules it out
                    pass
            self.doc.problems.append(
                self.doc.problem(
                    loc,
                    "invalid-number",
                    _("'{value}' is not a finite number; write digits like 12.50").format(
                        value=value
                    ),
                )
            )
            return value
        if tag == TAG + "timestamp":
            if _DATE_RE.match(value):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    return value  # the model reports the impossible date at this place
            try:
                return dt.datetime.fromisoformat(value.replace(" ", "T", 1).replace("t", "T"))
            except ValueError:
                return value
        raise Refused(*_mark(node), "forbidden-tag", f"YAML tag {short_tag(tag)} is not allowed")

    def _ambiguous(self, node: Any, value: str) -> None:
        line, column = _mark(node)
        self.doc.problems.append(
            Problem(
                self.doc.path,
                line,
                column,
                "error",
                "unquoted-number",
                _(
                    "{value} must be quoted ('{value}'): unquoted, YAML readers disagree on what "
                    "number it is (a postal code or phone number would lose its leading zero)"
                ).format(value=value),
            )
        )


_DIRECTIVE_RE = re.compile(r"^%", re.MULTILINE)


def parse_document(display_path: str, raw: bytes, *, locate: bool = True) -> Document:
    """Parse one file's bytes; never raises for anything the file contains."""
    doc = Document(display_path, None)
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise Refused(
                1,
                1,
                "file-too-large",
                _too_large(len(raw)),
            )
        text = decode(raw)
        if not text.strip():
            raise Refused(1, 1, "empty-file", _("the file is empty; delete it or write the record"))
        prescan(text)
        data = _read_fast(doc, text)
        if data is None:
            doc = Document(display_path, None)
            data = _read_root(doc, text, _compose(text))
    except Refused as refused:
        doc.problems.append(
            Problem(
                display_path, refused.line, refused.column, "error", refused.code, refused.message
            )
        )
        return doc
    if not locate:
        doc.values.clear()
        doc.keys.clear()
        doc.sources.clear()
    doc.data = data
    return doc


def _read_root(doc: Document, text: str, node: Any, *, fast: bool = False) -> dict[str, Any]:
    """The document's mapping as plain data, with positions recorded in ``doc``."""
    if node is None:
        raise Refused(
            1, 1, "empty-file", _("the file holds only comments; delete it or write the record")
        )
    if node.id == "scalar" and node.tag == TAG + "null" and not node.value:
        raise Refused(
            1, 1, "empty-file", _("the file holds no record; delete it or write the record")
        )
    if node.id != "mapping":
        raise Refused(
            *_mark(node),
            "not-a-mapping",
            _("expected a mapping of keys to values, found a list")
            if node.id == "sequence"
            else _("expected a mapping of keys to values, found a single value"),
        )
    data: dict[str, Any] = _Builder(doc, text, fast=fast).build(node, (), 0)
    return data


def _read_fast(doc: Document, text: str) -> dict[str, Any] | None:
    """The document read with the fast reader, or ``None`` to read it with ruamel.

    Only a clean record is taken: anything the fast reader fails on or finds a
    problem in (hostile and broken files, directives) is read again by ruamel,
    whose messages and places are the ones mokoord reports. So is a plain
    scalar with ``:`` inside ``[...]``/``{...}`` or one starting with ``?``
    there: the libyaml inside ruamel refuses those, PyYAML's newer one reads
    them. Everything else both compose alike.
    """
    parser = yamlparse.fast_parser()
    if parser is None or _DIRECTIVE_RE.search(text):
        return None
    try:
        data = _read_root(doc, text, parser(text).get_single_node(), fast=True)
    except Exception:  # anything unusual is left to the reader that reports it
        return None
    return None if doc.problems else data


def _compose(text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return composer().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "expected a single document" in str(exc.context or ""):
            raise Refused(
                line,
                column,
                "multiple-documents",
                _("the file holds several YAML documents; keep one record per file"),
            ) from None
        problem = exc.problem or exc.context or ""
        if _char_at(text, line, column) == "\t":
            problem = _TAB
        raise Refused(line, column, "yaml-syntax", _syntax(problem)) from None
    except RecursionError:  # only without the C extension, where the composer is Python
        raise Refused(1, 1, "too-deep", too_deep()) from None
    except (YAMLError, ValueError) as exc:  # reader errors: control characters and the like
        message = str(exc).splitlines()[0] if str(exc) else ""
        position = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (int(position[1]), int(position[2])) if position else (1, 1)
        raise Refused(line, column, "yaml-syntax", _syntax(message)) from None


_TAB = "tab"

SYNTAX_PROBLEMS: dict[str, str] = {
    _TAB: N_("a tab character: YAML is indented with spaces, never with tabs"),
    "found character that cannot start any token": N_(
        "a character no value can start with; put the value in quotes"
    ),
    "mapping values are not allowed": N_(
        "a colon where no key can stand; indent the line like the keys above it, "
        "or put a value holding ': ' in quotes"
    ),
    "could not find expected ':'": N_(
        "a line without ':'; every line holds 'key: value' or a list item '- …'"
    ),
    "expected <block end>": N_("the indentation does not fit the lines above it"),
    "did not find expected key": N_("the indentation does not fit the lines above it"),
    "did not find expected '-' indicator": N_("the indentation does not fit the list above it"),
    "found unexpected end of stream": N_("the file ends inside quotes or brackets; close them"),
    "found unknown escape character": N_(
        "an unknown escape after a backslash in double quotes; use single quotes instead"
    ),
    "unacceptable character": N_("the file holds a control character that YAML does not allow"),
    "special characters are not allowed": N_(
        "the file holds a control character that YAML does not allow"
    ),
    "did not find expected ',' or": N_(
        "a list in [ ] or a mapping in { } is not closed, or an item lacks its comma"
    ),
    "found undefined alias": N_(
        "YAML aliases (*name) are not allowed; write the value out instead"
    ),
}
"""How ruamel's wording of a syntax error begins → what mokoord says instead."""


def _syntax(problem: str) -> str:
    """``invalid YAML: …`` in the user's language: a known problem in mokoord's words,
    any other as ruamel words it (rare: none of ours fits it)."""
    for start, message in SYNTAX_PROBLEMS.items():
        if problem.startswith(start):
            return _("invalid YAML: {problem}").format(problem=_(message))
    if not problem:
        return _("invalid YAML")
    return _("invalid YAML: {problem}").format(problem=problem)


def _os_reason(exc: OSError) -> str:
    """Why a file cannot be read, in the user's language where the cause is a common one."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if exc.errno == errno.EISDIR:
        return _("this is a folder, not a file")
    if exc.errno == errno.ENOENT:
        return _("the file does not exist (any more)")
    return exc.strerror or str(exc)


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 1-based line and column ("" where there is none)."""
    lines = text.split("\n")
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _too_large(size: int) -> str:
    return _("the file is {size} KiB; a record is at most 1 MiB").format(size=size // 1024)


def read_document(path: Path | str, display_path: str, *, locate: bool = True) -> Document:
    """Read and parse a file; unreadable files become a problem, not an exception.

    A symbolic link is not followed (it could lead out of the store, to a file
    that must never become a record) and anything but a regular file (a FIFO
    would block) is not opened for reading: each is named instead.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NON_BLOCKING)
    except OSError as exc:
        if exc.errno == errno.ELOOP and os.path.islink(path):
            return _refused(display_path, "symbolic-link", _(_LINK))
        return _refused(display_path, "unreadable", _os_reason(exc))
    try:
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return _refused(display_path, "not-a-file", _(_NOT_A_FILE))
            size = status.st_size
            if size > MAX_FILE_BYTES:
                return Document(
                    display_path,
                    None,
                    [
                        Problem(
                            display_path,
                            1,
                            1,
                            "error",
                            "file-too-large",
                            _too_large(size),
                        )
                    ],
                )
            raw = handle.read()
    except OSError as exc:
        return _refused(display_path, "unreadable", _os_reason(exc))
    return parse_document(display_path, raw, locate=locate)


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
_LINK = N_(
    "a symbolic link: mokoord reads no links (one could lead out of the store); "
    "put the file itself here"
)
_NOT_A_FILE = N_("not a regular file; a record is a plain YAML file")


def _refused(display_path: str, code: str, message: str) -> Document:
    return Document(display_path, None, [Problem(display_path, 0, 0, "error", code, message)])


# --------------------------------------------------------------------------- writing


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    and the temporary file is renamed over the target (atomic on POSIX and on
    Windows). On any failure, including Ctrl-C, the temporary file is removed.
    ``durable=False`` leaves out waiting for the disk (``fsync``): for a figure
    kept beside the index, which a power cut may leave empty or cut short and
    which is then made again (its reader checks its stamp and shape).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if durable and hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """Every ``*.yaml`` file below ``folder`` (links and other non-folders too), in a
    stable order, skipping hidden entries."""
    if not folder.is_dir():
        return
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(Path(entry.path))
            elif entry.name.endswith((".yaml", ".yml")):
                yield Path(entry.path)  # a link or the like too: reading it names it
        stack.extend(reversed(subfolders))
