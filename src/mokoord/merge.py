"""Merging records as records: a three-way merge of two versions of one file.

When two clones changed the same record file, git hands both versions and
their common ancestor to this module (it is registered as the merge driver
``mokoord`` for the record folders; see :mod:`mokoord.together`). The three
files are parsed and merged key by key, the way the record's model shapes
them (:func:`shape_of`):

* a key changed on one side only takes that side's value;
* nested mappings (``address``, ``members``) merge key by key;
* lists of plain values (``fields``, ``languages``, ``origins``, ``networks``,
  ``tags`` …) merge as sets: what either side added is in, what either side
  removed is out;
* lists of entries whose model names an ``identity`` (status history, needs,
  referrals, attendance …) merge entry by entry, matched by that identity, so
  no entry is lost or doubled, and dated ones stay in date order;
* the same key changed to two different values is a conflict
  (:class:`FieldConflict`). The merged file then holds *our* value there, so it
  stays a valid record; git is told the file is not merged.

The merged file is our file with only the merged-in keys rewritten
(:meth:`~mokoord.yaml.RoundTripDocument.apply`): its comments and layout stay.
A file that cannot be read as a record falls back to git's line merge.

Run as ``python -m mokoord.merge BASE OURS THEIRS PATH`` by git (``%O %A %B %P``).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import subprocess
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mokoord.roundtrip import RoundTripDocument
from mokoord.yamlio import parse_document


class _Missing(enum.Enum):
    MISSING = "missing"

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""A key or entry that one version does not have."""


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Shape:
    """How a field merges, derived from its type in the model."""

    kind: Literal["value", "mapping", "set", "entries"]
    model: type[BaseModel] | None = None
    """The nested model (``mapping``) or the model of the list's entries (``entries``)."""
    date_key: str | None = None
    """``entries``: the identity field holding a date; the list is kept in its order."""


VALUE = Shape("value")


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` → ``X``."""
    while True:
        if get_origin(annotation) in (Union, types.UnionType):
            args = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        elif hasattr(annotation, "__metadata__"):
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@functools.cache
def shape_of(model: type[BaseModel]) -> dict[str, Shape]:
    """Field name → how it merges, from the model's field types.

    Lists of plain values are sets; lists of models that declare an
    ``identity`` (:attr:`mokoord.models.Model.identity`) merge entry by entry;
    nested models merge key by key; anything else is one value.
    """
    shapes: dict[str, Shape] = {}
    for name, info in model.model_fields.items():
        annotation = _unwrap(info.annotation)
        if _is_model(annotation):
            shapes[name] = Shape("mapping", annotation)
        elif get_origin(annotation) is list:
            item = _unwrap(get_args(annotation)[0])
            if not _is_model(item):
                shapes[name] = Shape("set")
            elif getattr(item, "identity", ()):
                identity: tuple[str, ...] = item.identity
                dated = [
                    key for key in identity if _unwrap(item.model_fields[key].annotation) is dt.date
                ]
                shapes[name] = Shape("entries", item, dated[0] if dated else None)
            else:
                shapes[name] = VALUE
        else:
            shapes[name] = VALUE
    return shapes


# --------------------------------------------------------------------------- locations and conflicts


@dataclass(frozen=True)
class Entry:
    """A step into a list of entries: the entry with this identity."""

    identity: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        shown = ", ".join(_text(value) for _key, value in self.identity if value is not None)
        return f"[{shown}]"


Step = str | Entry
Location = tuple[Step, ...]


def location_text(location: Location) -> str:
    """``needs[rooms, 2023-02-03].status`` for showing a location."""
    text = ""
    for step in location:
        if isinstance(step, Entry):
            text += str(step)
        else:
            text += ("." if text else "") + step
    return text


@dataclass(frozen=True)
class FieldConflict:
    """One key both sides changed to different values; the merge keeps ``ours``."""

    location: Location
    base: Any
    ours: Any
    theirs: Any

    @property
    def field(self) -> str:
        return location_text(self.location)


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


# --------------------------------------------------------------------------- merging data


def merge_data(
    base: Mapping[str, Any] | None,
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    model: type[BaseModel],
) -> tuple[dict[str, Any], list[FieldConflict]]:
    """Three-way merge of a record as plain data; conflicts keep ``ours``' value."""
    conflicts: list[FieldConflict] = []
    merged = _mapping(base or {}, ours, theirs, model, (), conflicts)
    return merged, conflicts


def same(a: Any, b: Any) -> bool:
    """Equal as data: ``True`` and ``1`` differ, ``1`` and ``1.0`` do not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping | list) or isinstance(b, Mapping | list):
        return False
    return bool(type(a) is type(b) or (_number(a) and _number(b))) and bool(a == b)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) or type(value).__name__ == "Decimal"


def _mapping(
    base: Mapping[str, Any],
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    model: type[BaseModel] | None,
    location: Location,
    conflicts: list[FieldConflict],
) -> dict[str, Any]:
    shapes = shape_of(model) if model is not None else {}
    keys = list(ours)
    for previous, key in zip([None, *theirs], theirs, strict=False):
        if key not in keys:  # a key only theirs has: after the key it follows there
            keys.insert(keys.index(previous) + 1 if previous in keys else len(keys), key)
    merged: dict[str, Any] = {}
    for key in keys:
        value = _value(
            base.get(key, MISSING),
            ours.get(key, MISSING),
            theirs.get(key, MISSING),
            shapes.get(key, VALUE),
            (*location, key),
            conflicts,
        )
        if value is not MISSING:
            merged[key] = value
    return merged


def _value(
    base: Any, ours: Any, theirs: Any, shape: Shape, location: Location, conflicts: list[Any]
) -> Any:
    if same(ours, theirs):
        return ours
    if same(ours, base):
        return theirs
    if same(theirs, base):
        return ours
    if shape.kind == "mapping" and _all(Mapping, base, ours, theirs):
        merged = _mapping(
            _or(base, {}), _or(ours, {}), _or(theirs, {}), shape.model, location, conflicts
        )
        return merged or MISSING
    if shape.kind in ("set", "entries") and _all(list, base, ours, theirs):
        lists = (_or(base, []), _or(ours, []), _or(theirs, []))
        if shape.kind == "entries":
            result = _entries(*lists, shape, location, conflicts)
        else:
            result = _set(*lists)
        return result or MISSING
    conflicts.append(FieldConflict(location, base, ours, theirs))
    return ours


def _all(kind: Any, *values: Any) -> bool:
    """Each value is of ``kind`` or missing, and at least one is there."""
    present = [value for value in values if value is not MISSING and value is not None]
    return bool(present) and all(isinstance(value, kind) for value in present)


def _or(value: Any, empty: Any) -> Any:
    return empty if value is MISSING or value is None else value


def _contains(items: Sequence[Any], value: Any) -> bool:
    return any(same(item, value) for item in items)


def _set(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """What either side added is in, what either side removed is out; ours' order first."""
    merged: list[Any] = []
    for item in ours:
        removed_by_them = _contains(base, item) and not _contains(theirs, item)
        if not removed_by_them and not _contains(merged, item):
            merged.append(item)
    for item in theirs:
        if not _contains(base, item) and not _contains(merged, item):
            merged.append(item)
    return merged


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple((key, _freeze(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _keyed(items: list[Any], identity: tuple[str, ...]) -> dict[Entry, Any] | None:
    """Entries by identity; ``None`` when an entry is no mapping or two share an identity."""
    found: dict[Entry, Any] = {}
    for item in items:
        if not isinstance(item, Mapping):
            return None
        key = Entry(tuple((name, _freeze(item.get(name))) for name in identity))
        if key in found:
            return None
        found[key] = item
    return found


def _entries(
    base: list[Any],
    ours: list[Any],
    theirs: list[Any],
    shape: Shape,
    location: Location,
    conflicts: list[FieldConflict],
) -> list[Any]:
    """Entries matched by their identity, each merged key by key."""
    assert shape.model is not None
    identity: tuple[str, ...] = getattr(shape.model, "identity", ())
    by_base, by_ours, by_theirs = (_keyed(items, identity) for items in (base, ours, theirs))
    if by_base is None or by_ours is None or by_theirs is None:
        return _set(base, ours, theirs)  # entries told apart by all their values
    merged: list[Any] = []
    for key, mine in by_ours.items():
        here = (*location, key)
        if key in by_theirs:
            merged.append(
                _mapping(by_base.get(key, {}), mine, by_theirs[key], shape.model, here, conflicts)
            )
        elif key in by_base and not same(mine, by_base[key]):
            conflicts.append(FieldConflict(here, by_base[key], mine, MISSING))
            merged.append(mine)  # changed here, removed there: ours is kept
        elif key not in by_base:
            merged.append(mine)
    added = False
    for key, other in by_theirs.items():
        if key in by_ours:
            continue
        if key in by_base:
            if not same(other, by_base[key]):  # removed here, changed there: stays removed
                conflicts.append(FieldConflict((*location, key), by_base[key], MISSING, other))
            continue
        merged.append(other)
        added = True
    if added and shape.date_key is not None:
        merged = _in_date_order(merged, ours, shape.date_key)
    return merged


def _in_date_order(merged: list[Any], ours: list[Any], key: str) -> list[Any]:
    """Entries sorted by date when ours were (new entries from theirs go to their place)."""

    def dated(items: list[Any]) -> list[dt.date] | None:
        dates = [item.get(key) for item in items]
        return dates if all(isinstance(value, dt.date) for value in dates) else None

    mine = dated(ours)
    if dated(merged) is None or mine is None or mine != sorted(mine):
        return merged
    return sorted(merged, key=lambda item: item[key])


# --------------------------------------------------------------------------- merging files


@dataclass(frozen=True)
class FileMerge:
    """The merge of one record file: its text, and the keys left in conflict."""

    text: bytes
    conflicts: list[FieldConflict]
    ours: dict[str, Any]
    theirs: dict[str, Any]


def merge_files(
    base: bytes | None, ours: bytes, theirs: bytes, model: type[BaseModel], path: str
) -> FileMerge | None:
    """Merge three versions of a record file; ``None`` when one cannot be read as a record.

    The result is ``ours`` with only the merged-in keys rewritten, so its
    comments, key order and quoting stay.
    """
    versions: list[dict[str, Any] | None] = []
    for raw in (base, ours, theirs):
        if raw is None:
            versions.append(None)
            continue
        doc = parse_document(path, raw, locate=False)
        if doc.data is None or doc.problems:
            return None
        versions.append(doc.data)
    base_data, ours_data, theirs_data = versions
    assert ours_data is not None
    assert theirs_data is not None
    merged, conflicts = merge_data(base_data, ours_data, theirs_data, model)
    bom = b"\xef\xbb\xbf" if ours.startswith(b"\xef\xbb\xbf") else b""
    mine = _rewritten(ours, ours_data, merged)
    if mine is None:
        mine = RoundTripDocument.new(merged).dump().encode("utf-8")
    elif base is not None and base_data is not None:
        # Both sides' comments and layout: each version rewritten to hold the merged
        # data, so that the three differ only where a side changed comments or layout.
        other = _rewritten(theirs, theirs_data, merged)
        common = _rewritten(base, base_data, merged)
        if other is not None and common is not None and other != mine:
            mine = _layouts(mine, common, other, merged) or mine
    return FileMerge(bom + mine, conflicts, ours_data, theirs_data)


def _rewritten(raw: bytes, data: dict[str, Any], merged: dict[str, Any]) -> bytes | None:
    """A file rewritten to hold ``merged`` instead of ``data``, its layout kept; ``None``
    when the result would not read back as ``merged``."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    document = RoundTripDocument(text)
    document.apply(data, merged)
    result = document.dump().encode("utf-8")
    check = parse_document("", result, locate=False)
    if check.data is None or check.problems or not same(check.data, merged):
        return None
    return result


def _layouts(mine: bytes, common: bytes, other: bytes, merged: dict[str, Any]) -> bytes | None:
    """git's line merge of three files holding the same data: what differs between them
    is comments and layout, merged when the two sides changed different lines."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mokoord-merge-") as folder:
        files = []
        for name, content in (("mine", mine), ("base", common), ("other", other)):
            file = Path(folder) / name
            file.write_bytes(content)
            files.append(str(file))
        result = subprocess.run(
            ["git", "merge-file", "-p", "--quiet", *files], capture_output=True, check=False
        )
    if result.returncode != 0:
        return None
    check = parse_document("", result.stdout, locate=False)
    if check.data is None or check.problems or not same(check.data, merged):
        return None
    return result.stdout


def model_for_path(path: str, cwd: Path) -> type[BaseModel] | None:
    """The model of the record file at ``path`` (relative to ``cwd``), or ``None``.

    The store is the nearest folder above the file holding ``mokoord.yaml``;
    the file's folder in it names its kind.
    """
    from mokoord.dataset import KINDS

    parts = Path(path).parts
    for cut in range(len(parts) - 2, -1, -1):
        if not (cwd.joinpath(*parts[:cut]) / "mokoord.yaml").is_file():
            continue
        inner = parts[cut:]
        for kind in KINDS.values():
            depth = 3 if kind.year_of is not None else 2
            if len(inner) == depth and inner[0] == kind.folder and inner[-1].endswith(".yaml"):
                return kind.model
        return None
    return None


def _line_merge(ours: str, base: str, theirs: str) -> int:
    """git's own line merge into ``ours`` (conflict markers where lines clash)."""
    result = subprocess.run(
        ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", ours, base, theirs],
        check=False,
    )
    return 0 if result.returncode == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    """The merge driver: ``BASE OURS THEIRS PATH``; the result is written to OURS.

    Exit status 0 when merged cleanly, 1 when a key is left in conflict (the
    file then holds our value there and is valid) or the line merge clashed.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 4:
        sys.stderr.write("usage: python -m mokoord.merge BASE OURS THEIRS PATH\n")
        return 2
    base_file, ours_file, theirs_file, path = args
    try:
        model = model_for_path(path, Path.cwd())
        if model is not None:
            base = Path(base_file).read_bytes()
            result = merge_files(
                base or None,
                Path(ours_file).read_bytes(),
                Path(theirs_file).read_bytes(),
                model,
                path,
            )
            if result is not None:
                Path(ours_file).write_bytes(result.text)
                return 1 if result.conflicts else 0
    except Exception:  # never leave a merge without a result: git's line merge takes over
        pass
    return _line_merge(ours_file, base_file, theirs_file)


if __name__ == "__main__":
    sys.exit(main())
