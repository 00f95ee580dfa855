"""YAML in and out: safe, located reading and layout-keeping, atomic writing.

Reading (:func:`parse_document`) never constructs arbitrary Python objects.
The C parser composes a node graph; :class:`_Builder` turns it into plain data
(``dict``, ``list``, ``str``, ``int``, ``Decimal``, ``date``, ``bool``,
``None``) while recording the line and column of every key and value, so a
validation error can point at ``path:line:col``. Everything a hostile or
broken file can do is turned into a :class:`~mokoord.errors.Problem`: tags,
anchors and aliases (billion laughs), deep nesting, huge files, bad UTF-8, NUL
bytes, several documents, git conflict markers, empty files, top-level lists,
duplicate keys, and numbers that YAML readers disagree on (``01067``).

Two C parsers compose: libyaml through PyYAML for every clean record (four
times faster), and ruamel's for anything else (:func:`_read_fast` says when),
so problems are always phrased and placed by ruamel. Both give the same
document for the same bytes (tests/test_fast_read.py compares them).

Writing goes through ruamel's round-trip mode (:class:`RoundTripDocument`):
only the keys whose values changed are touched, so comments, key order and
the lines around a change stay as they were. Strings that some YAML reader
would take for something else (``no``, ``01067``, ``+4961112345``) are quoted.
Every write is atomic (:func:`atomic_write`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import io
import itertools
import operator
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mokoord.errors import Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_LINES = 20_000
"""A record has a few hundred lines; far more is refused before parsing (parsing costs time)."""
_MAX_PROBLEMS = 20
# The C composer recurses on nesting; far below the depth where it would
# overflow the C stack, a file is refused before parsing.
_MAX_PRESCAN_DEPTH = 1000

Key = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _STR, _NULL = (_TAG + name for name in ("map", "seq", "str", "null"))
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
_DEEP_BLOCK_RE = re.compile(rf"^[ \t?-]{{{_MAX_PRESCAN_DEPTH},}}", re.MULTILINE)
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


class _Unsure(Exception):
    """The fast reader may read this file otherwise than ruamel: let ruamel read it."""


class _Refused(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Refused(
            1, 1, "invalid-encoding", "the file is saved as UTF-16; save it as UTF-8 instead"
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        text = raw[:nul].decode("utf-8", errors="replace")
        line, column = _line_col(text, len(text))
        raise _Refused(
            line, column, "invalid-encoding", "the file contains a NUL byte; it is not a text file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, column = _line_col(before, len(before))
        raise _Refused(
            line,
            column,
            "invalid-encoding",
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _prescan(text: str) -> None:
    """Refuse what would hurt the parser before it runs (cheap for normal files)."""
    conflict = _CONFLICT_RE.search(text)
    if conflict:
        line, column = _line_col(text, conflict.start())
        raise _Refused(
            line,
            column,
            "merge-conflict",
            "unresolved git merge conflict marker; keep one side, delete the markers, then commit",
        )
    lines = text.count("\n")
    if lines > MAX_LINES:
        raise _Refused(
            MAX_LINES + 1,
            1,
            "too-large",
            f"the file has {lines:,} lines; a record has at most {MAX_LINES:,}",
        )
    if text.count(",") > MAX_LINES:
        raise _Refused(
            1,
            1,
            "too-large",
            f"the file holds more than {MAX_LINES:,} list items; a record has far fewer",
        )
    deep = _DEEP_BLOCK_RE.search(text)
    if deep:
        line, column = _line_col(text, deep.start())
        raise _Refused(line, column, "too-deep", "nesting is far too deep for a mokoord record")
    if text.count("[") + text.count("{") > _MAX_PRESCAN_DEPTH:
        depth = 0
        for offset, char in enumerate(text):
            if char in "[{":
                depth += 1
                if depth > _MAX_PRESCAN_DEPTH:
                    line, column = _line_col(text, offset)
                    raise _Refused(
                        line, column, "too-deep", "nesting is far too deep for a mokoord record"
                    )
            elif char in "]}":
                depth = max(0, depth - 1)


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
            raise _Refused(
                *_mark(node), "too-large", "the file has far too many values for a record"
            )
        if depth > MAX_DEPTH:
            raise _Refused(*_mark(node), "too-deep", "nesting is too deep for a mokoord record")
        if id(node) in self.seen:
            raise _Refused(
                *_first_alias(self.text, _mark(node)),
                "alias",
                "YAML aliases (*name) are not allowed; write the value out instead",
            )
        self.seen.add(id(node))
        mark = node.start_mark
        self.doc.values[loc] = (mark.line + 1, mark.column + 1)
        tag: str = node.tag or ""
        if tag == _STR and node.id == "scalar":  # most values: plain text
            if flow and self.fast:
                self._unsure(node)
            return node.value
        if node.id == "mapping":
            if tag != _MAP:
                raise _Refused(
                    *_mark(node), "forbidden-tag", f"YAML tag {_short_tag(tag)} is not allowed"
                )
            return self._mapping(node, loc, depth, flow or bool(node.flow_style))
        if node.id == "sequence":
            if tag != _SEQ:
                raise _Refused(
                    *_mark(node), "forbidden-tag", f"YAML tag {_short_tag(tag)} is not allowed"
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
            raise _Unsure

    def _mapping(self, node: Any, loc: Key, depth: int, flow: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if flow and self.fast and key_node.id == "scalar":
                self._unsure(key_node)
            if key_node.id != "scalar":
                raise _Refused(
                    *_mark(key_node),
                    "invalid-key",
                    "a key must be a plain word, not a list or mapping",
                )
            if key_node.tag == _TAG + "merge":
                raise _Refused(
                    *_mark(key_node),
                    "alias",
                    "merge keys (<<) are not allowed; write the values out",
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
                        f"key '{key}' appears twice in this mapping (first at line {first[0]}); "
                        "keep one",
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
        if tag == _TAG + "str":
            return value
        self.doc.sources[loc] = value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return value.lower() in _TRUE_WORDS
        if tag == _TAG + "int":
            if _PLAIN_INT_RE.match(value):
                if len(value) > _MAX_INT_DIGITS:
                    self.doc.problems.append(
                        self.doc.problem(
                            loc, "invalid-number", f"a number of {len(value)} digits is too long"
                        )
                    )
                    return value
                return int(value)
            if plain:
                self._ambiguous(node, value)
            return value
        if tag == _TAG + "float":
            if _PLAIN_FLOAT_RE.match(value):
                try:
                    return Decimal(value)
                except InvalidOperation:  # pragma: no cover - the pattern rules it out
                    pass
            self.doc.problems.append(
                self.doc.problem(
                    loc,
                    "invalid-number",
                    f"'{value}' is not a finite number; write digits like 12.50",
                )
            )
            return value
        if tag == _TAG + "timestamp":
            if _DATE_RE.match(value):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    return value  # the model reports the impossible date at this place
            try:
                return dt.datetime.fromisoformat(value.replace(" ", "T", 1).replace("t", "T"))
            except ValueError:
                return value
        raise _Refused(*_mark(node), "forbidden-tag", f"YAML tag {_short_tag(tag)} is not allowed")

    def _ambiguous(self, node: Any, value: str) -> None:
        line, column = _mark(node)
        self.doc.problems.append(
            Problem(
                self.doc.path,
                line,
                column,
                "error",
                "unquoted-number",
                f"{value} must be quoted ('{value}'): unquoted, YAML readers disagree on what "
                "number it is (a postal code or phone number would lose its leading zero)",
            )
        )


def _first_alias(text: str, fallback: tuple[int, int]) -> tuple[int, int]:
    """Where the first alias (``*name``) of a document stands; only called on refusal."""
    from ruamel.yaml.events import AliasEvent

    with contextlib.suppress(Exception):
        for event in _composer().parse(text):
            if isinstance(event, AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    return fallback


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


_safe_yaml: Any = None


def _composer() -> Any:
    global _safe_yaml
    if _safe_yaml is None:
        from ruamel.yaml import YAML

        _safe_yaml = YAML(typ="safe", pure=False)
    return _safe_yaml


_DIRECTIVE_RE = re.compile(r"^%", re.MULTILINE)


@functools.cache
def _fast_parser() -> Any:
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
    tags = {ScalarNode: _STR, SequenceNode: _SEQ, MappingNode: _MAP}
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
                        (tag for tag, match in rules.get(value[:1], ()) if match(value)), _STR
                    )
                    if len(known) < 100_000:
                        known[value] = found
                return found
            return tags[kind]

    return Parser


def parse_document(display_path: str, raw: bytes, *, locate: bool = True) -> Document:
    """Parse one file's bytes; never raises for anything the file contains."""
    doc = Document(display_path, None)
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise _Refused(
                1,
                1,
                "file-too-large",
                f"the file is {len(raw) // 1024} KiB; a record is at most 1 MiB",
            )
        text = _decode(raw)
        if not text.strip():
            raise _Refused(1, 1, "empty-file", "the file is empty; delete it or write the record")
        _prescan(text)
        data = _read_fast(doc, text)
        if data is None:
            doc = Document(display_path, None)
            data = _read_root(doc, text, _compose(text))
    except _Refused as refused:
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
        raise _Refused(
            1, 1, "empty-file", "the file holds only comments; delete it or write the record"
        )
    if node.id == "scalar" and node.tag == _TAG + "null" and not node.value:
        raise _Refused(
            1, 1, "empty-file", "the file holds no record; delete it or write the record"
        )
    if node.id != "mapping":
        found = "a list" if node.id == "sequence" else "a single value"
        raise _Refused(
            *_mark(node),
            "not-a-mapping",
            f"expected a mapping of keys to values, found {found}",
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
    parser = _fast_parser()
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
        return _composer().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "expected a single document" in str(exc.context or ""):
            raise _Refused(
                line,
                column,
                "multiple-documents",
                "the file holds several YAML documents; keep one record per file",
            ) from None
        problem = exc.problem or exc.context or "invalid YAML"
        raise _Refused(line, column, "yaml-syntax", f"invalid YAML: {problem}") from None
    except RecursionError:  # only without the C extension, where the composer is Python
        raise _Refused(1, 1, "too-deep", "nesting is far too deep for a mokoord record") from None
    except (YAMLError, ValueError) as exc:  # reader errors: control characters and the like
        message = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        position = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (int(position[1]), int(position[2])) if position else (1, 1)
        raise _Refused(line, column, "yaml-syntax", f"invalid YAML: {message}") from None


def read_document(path: Path | str, display_path: str, *, locate: bool = True) -> Document:
    """Read and parse a file; unreadable files become a problem, not an exception."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
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
                            f"the file is {size // 1024} KiB; a record is at most 1 MiB",
                        )
                    ],
                )
            raw = handle.read()
    except OSError as exc:
        return Document(
            display_path,
            None,
            [Problem(display_path, 0, 0, "error", "unreadable", exc.strerror or str(exc))],
        )
    return parse_document(display_path, raw, locate=locate)


# --------------------------------------------------------------------------- writing


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    and the temporary file is renamed over the target (atomic on POSIX and on
    Windows). On any failure, including Ctrl-C, the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
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
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


@functools.cache
def _resolvers() -> tuple[Any, ...]:
    """YAML 1.1 and 1.2 resolvers, built once (building one costs about 0.1 ms)."""
    from ruamel.yaml.resolver import VersionedResolver

    return tuple(VersionedResolver(version=version) for version in ((1, 1), (1, 2)))


def _needs_quotes(value: str) -> bool:
    """True when some YAML reader (1.1 or 1.2) would not read ``value`` back as this string."""
    from ruamel.yaml.nodes import ScalarNode

    if value == "" or value != value.strip() or "\n" in value:
        return False  # the emitter quotes or blocks these itself
    for resolver in _resolvers():
        if resolver.resolve(ScalarNode, value, (True, False)) != _TAG + "str":
            return True
    return bool(re.match(r"^[-+]?[0-9][0-9_:.,eE+-]*$", value))


def yaml_value(value: Any) -> Any:
    """Convert plain Python data to values ruamel writes the way any reader reads back."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[_yaml_key(key)] = yaml_value(item)
        return mapping
    if isinstance(value, list | tuple):
        seq = CommentedSeq(yaml_value(item) for item in value)
        if all(_flow_item(item) for item in value):
            seq.fa.set_flow_style()  # [education, youth]: short lists of words on one line
        return seq
    if isinstance(value, str):
        if _UNSAFE_CHARS_RE.search(value):
            return DoubleQuotedScalarString(
                value
            )  # escapes what a plain or block scalar cannot hold
        if "\n" in value:
            if _literal_ok(value):
                return LiteralScalarString(value)
            return DoubleQuotedScalarString(value)
        if _needs_quotes(value):
            return DoubleQuotedScalarString(value)
        return value
    return value


# Line separators other than \n, control characters, BOM and surrogates: only a
# double-quoted scalar (with escapes) carries them through every reader.
_UNSAFE_CHARS_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
)


_FLOW_WORDS_RE = re.compile(r"\w[\w.@/+()-]*(?: [\w.@/+()-]+)*")


def _flow_item(item: Any) -> bool:
    """True for list items that read the same written plainly inside ``[...]``."""
    if isinstance(item, bool):
        return False
    if isinstance(item, int | Decimal):
        return True
    return isinstance(item, str) and len(item) < 60 and bool(_FLOW_WORDS_RE.fullmatch(item))


def _yaml_key(key: Any) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(key, str) and (
        key == ""
        or key != key.strip()
        or "\n" in key
        or _UNSAFE_CHARS_RE.search(key)
        or _needs_quotes(key)
        or not _FLOW_WORDS_RE.fullmatch(key)
    ):
        return DoubleQuotedScalarString(key)
    return key


def _literal_ok(value: str) -> bool:
    """True when a ``|`` block scalar keeps ``value`` exactly (no edge whitespace per line)."""
    body = value[:-1] if value.endswith("\n") else value
    lines = body.split("\n")
    if not lines[0].strip() or lines[0] != lines[0].lstrip() or "\t" in value:
        return False
    return all(line.strip() or not line for line in lines) and not body.endswith("\n")


def _make_rt_yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # Never write anchors and aliases: a value used twice (the same date object
    # in two fields) would otherwise be written as ``&id001``/``*id001``, which
    # the reader refuses (alias bombs).
    yaml.representer.ignore_aliases = lambda data: True

    def represent_decimal(representer: RoundTripRepresenter, data: Decimal) -> Any:
        return representer.represent_scalar(_TAG + "float", format(data, "f"))

    yaml.representer.add_representer(Decimal, represent_decimal)
    # The same date object in two places must be written twice, never as an
    # anchor and alias (which mokoord refuses to read).
    yaml.representer.ignore_aliases = lambda *_: True
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation used by a hand-written file."""
    mapping, offset = 2, 2
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    found_map = found_seq = False
    for previous, line in itertools.pairwise(lines):
        if not previous.rstrip().endswith(":"):
            continue
        parent = len(previous) - len(previous.lstrip(" "))
        if parent and previous.lstrip().startswith("- "):
            parent += 2
        indent = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- "):
            if not found_seq and indent >= parent:
                offset, found_seq = indent - parent, True
        elif not found_map and indent > parent:
            mapping, found_map = indent - parent, True
        if found_map and found_seq:
            break
    return mapping, offset + 2, offset


class RoundTripDocument:
    """One file loaded for editing; :meth:`apply` changes only what differs."""

    def __init__(self, text: str) -> None:
        self.original = text
        mapping, sequence, offset = _guess_indent(text)
        self._yaml = _make_rt_yaml(mapping, sequence, offset)
        self.data = self._yaml.load(text)
        self._base: str | None = None

    @classmethod
    def new(cls, data: Mapping[str, Any], header: str | None = None) -> RoundTripDocument:
        doc = cls.__new__(cls)
        doc.original = ""
        doc._base = None
        doc._yaml = _make_rt_yaml()
        doc.data = yaml_value(data)
        if header:
            doc.data.yaml_set_start_comment(header)
        return doc

    def apply(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        """Make the document say ``new`` where it said ``old``, touching nothing else.

        ``old`` and ``new`` are plain data (as a model dumps it); only keys
        whose values differ between them are written into the document.
        """
        _merge(self.data, old, new)

    def dump(self) -> str:
        """The document's text: the original bytes where nothing changed.

        ruamel re-emits a whole file, and for hand-written files that can
        re-indent or re-space lines nobody touched. So the edited document is
        compared with a dump of the unedited one, and only the lines that
        differ between those two replace lines of the original text.
        """
        after = self._dump(self.data)
        if not self.original:
            return after
        if self._base is None:
            self._base = self._dump(self._yaml.load(self.original))
        return _transplant(self.original, self._base, after)

    def _dump(self, data: Any) -> str:
        out = io.StringIO()
        self._yaml.dump(data, out)
        return out.getvalue()


def _transplant(original: str, base: str, after: str) -> str:
    """Apply the line changes from ``base`` to ``after`` onto ``original``.

    ``base`` is ruamel's rendering of ``original`` unchanged. When the two
    line up one to one, lines the edit left alone are taken from the original;
    the result is used only if it reads back as the same data as ``after``.
    """
    if base == after:
        return original
    if base == original:
        return after
    if "\r\n" in original:
        base, after = base.replace("\r\n", "\n"), after.replace("\r\n", "\n")
    old_lines = _lines(original)
    base_lines = _lines(base)
    if len(old_lines) != len(base_lines):
        return after
    new_lines = _lines(after)
    matcher = difflib.SequenceMatcher(None, base_lines, new_lines, autojunk=False)
    if "\r\n" in original:  # keep Windows line ends (ruamel writes \n, but keeps comments' \r)
        new_lines = [line.rstrip("\r\n") + "\r\n" for line in new_lines]
    result: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        result.extend(old_lines[i1:i2] if op == "equal" else new_lines[j1:j2])
    merged = "".join(result)
    if _plain_data(merged) != _plain_data(after):
        return after
    return merged


def _lines(text: str) -> list[str]:
    """Lines with their ends, split at \\n only (not at the other breaks str.splitlines knows)."""
    return _LINE_RE.findall(text)


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _plain_data(text: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _composer().load(text)
    except (YAMLError, ValueError):
        return object()  # never equal


def _equal(a: Any, b: Any) -> bool:
    return (bool(a == b) and type(a) is type(b)) or (_is_number(a) and _is_number(b) and a == b)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def _merge(target: Any, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    keys_in_order = list(new)
    for key in list(target.keys()):
        if key in old and key not in new:
            del target[key]
    for index, key in enumerate(keys_in_order):
        value = new[key]
        if key in target and key in old and _equal(old[key], value):
            continue
        previous = old.get(key) if key in target else None
        if (
            isinstance(value, Mapping)
            and isinstance(previous, Mapping)
            and isinstance(target.get(key), Mapping)
        ):
            _merge(target[key], previous, value)
            continue
        if (
            isinstance(value, list)
            and isinstance(previous, list)
            and isinstance(target.get(key), list)
        ):
            _merge_list(target[key], previous, value)
            continue
        if key in target:
            target[key] = _replacement(target[key], value)
        else:
            _insert(target, keys_in_order, index, key, yaml_value(value))


def _replacement(current: Any, value: Any) -> Any:
    """``value`` for the file, in the quote style the file used for the value it replaces."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    new = yaml_value(value)
    if (
        isinstance(current, SingleQuotedScalarString)
        and isinstance(new, DoubleQuotedScalarString)
        and "\n" not in value
        and not _UNSAFE_CHARS_RE.search(value)
    ):
        return SingleQuotedScalarString(value)
    return new


def _insert(target: Any, order: list[str], index: int, key: str, value: Any) -> None:
    """Insert a new key after the nearest key that precedes it in the model's order."""
    position = 0
    existing = list(target.keys())
    for earlier in reversed(order[:index]):
        if earlier in existing:
            position = existing.index(earlier) + 1
            break
    target.insert(position, key, value)


def _merge_list(target: Any, old: list[Any], new: list[Any]) -> None:
    if len(target) != len(old):
        target[:] = [yaml_value(item) for item in new]
        return
    # Items removed or appended at the end keep every other line as it was.
    common = 0
    while common < min(len(old), len(new)) and _equal(old[common], new[common]):
        common += 1
    if common == len(new):
        del target[common:]
        return
    if common == len(old):
        for item in new[common:]:
            target.append(yaml_value(item))
        return
    if len(old) == len(new):
        for i, (before, after) in enumerate(zip(old, new, strict=True)):
            if _equal(before, after):
                continue
            if (
                isinstance(before, Mapping)
                and isinstance(after, Mapping)
                and isinstance(target[i], Mapping)
            ):
                _merge(target[i], before, after)
            else:
                target[i] = _replacement(target[i], after)
        return
    if len(new) == len(old) - 1:
        for i in range(len(new) + 1):
            if old[:i] + old[i + 1 :] == new:
                del target[i]
                return
    target[:] = [yaml_value(item) for item in new]


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """Every ``*.yaml`` file below ``folder``, in a stable order, skipping hidden entries."""
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
            elif entry.name.endswith((".yaml", ".yml")) and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)
        stack.extend(reversed(subfolders))
