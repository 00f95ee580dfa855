"""Writing YAML so that a person's file stays theirs: ruamel's round-trip mode.

:class:`RoundTripDocument` touches only the keys whose values changed, so
comments, key order and the lines around a change stay as they were. Strings
that some YAML reader would take for something else (``no``, ``01067``,
``+4961112345``) are quoted (:func:`yaml_value`). The bytes are written with
:func:`mokoord.yamlio.atomic_write`.
"""

from __future__ import annotations

import difflib
import functools
import io
import itertools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mokoord.yamlparse import TAG, composer


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
        if resolver.resolve(ScalarNode, value, (True, False)) != TAG + "str":
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
        return representer.represent_scalar(TAG + "float", format(data, "f"))

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
        return composer().load(text)
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
