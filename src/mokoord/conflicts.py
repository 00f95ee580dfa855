"""The conflicts of an unfinished merge: finding them, naming them, settling them.

A record file git could not merge is merged again here from the three
versions git keeps in its index (:func:`mokoord.gitrepo.unmerged`), so the
conflicts are known without any state of mokoord's own: after ``mokoord
sync`` as after a plain ``git pull``. A key counts as settled once the file
no longer holds our value there (``mokoord set``/``edit`` changed it, or
:func:`settle` did).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mokoord import gitops, gitrepo
from mokoord.errors import InvalidData, MokoordError, Problem
from mokoord.i18n import _, ngettext
from mokoord.together import FOLDERS, Target

if TYPE_CHECKING:
    from mokoord.merge import FieldConflict


@dataclass(frozen=True)
class Side:
    """Who last changed a file on one side of a merge, and when (ISO date)."""

    who: str
    when: str


@dataclass
class Conflict:
    """A file the merge left unfinished."""

    path: str
    """Relative to the clone's top, as git names it."""
    shown: str
    """Relative to the store, as mokoord shows files."""
    state: Literal["fields", "deleted-here", "deleted-there", "text"]
    """Keys in conflict; removed here or there and changed on the other side; or
    a file merged by lines (not a record, or unreadable) that holds conflict markers."""
    kind: str | None = None
    record_id: str | None = None
    title: str | None = None
    fields: list[FieldConflict] = field(default_factory=list)
    mine: Side | None = None
    theirs: Side | None = None
    blobs: tuple[str | None, str | None] = (None, None)
    """(ours, theirs) blob ids, for settling a removed-or-changed file."""


class Conflicts(InvalidData):
    """The merge stopped at conflicts; every file is valid, the merge unfinished.

    Its problems name each conflict (``path:line:col: error merge-conflict …``).
    """

    def __init__(self, conflicts: list[Conflict], problems: list[Problem]) -> None:
        count = sum(max(1, len(conflict.fields)) for conflict in conflicts)
        super().__init__(
            ngettext(
                "sync stopped at {count} conflict; the merge is not finished",
                "sync stopped at {count} conflicts; the merge is not finished",
                count,
            ).format(count=count),
            problems,
        )
        self.hint = _(
            "each record file holds your value where the two differ. Change what should be "
            "otherwise with `mokoord set` or `mokoord edit` (other files: remove the conflict "
            "markers), then run `mokoord sync --continue`; or undo the merge with "
            "`mokoord sync --abort`. In a terminal, `mokoord sync` asks instead"
        )
        self.conflicts = conflicts


_MARKER_RE = re.compile(r"^(<{7}|>{7})(?: |$)", re.MULTILINE)


def open_conflicts(target: Target, *, repair: bool = True) -> list[Conflict]:
    """The conflicts of the unfinished merge that are not settled yet.

    Each record file git could not merge is merged again from the three
    versions git keeps; a key counts as settled when the file no longer holds
    our value there. With ``repair``, a record file holding conflict markers
    (merged by lines, without mokoord's driver) is rewritten as the record merge
    makes it, and a file that merges cleanly that way needs nothing more.
    """
    from mokoord.merge import merge_files, model_for_path

    entries = gitrepo.unmerged(target.top)
    ids = [blob for entry in entries for blob in (entry.base, entry.ours, entry.theirs) if blob]
    contents = gitops.blobs(target.top, ids)
    found: list[Conflict] = []
    sides = _Sides(target)
    for entry in entries:
        shown = _shown(target, entry.path)
        model = model_for_path(entry.path, target.top)
        file = target.top / entry.path
        if model is None:
            if _has_markers(file):
                found.append(Conflict(entry.path, shown, "text", mine=sides.ours(entry.path)))
            continue
        kind = FOLDERS.get(entry.path.removeprefix(target.prefix).split("/", 1)[0])
        record_id = Path(entry.path).stem
        if entry.ours is None or entry.theirs is None:
            state: Literal["deleted-here", "deleted-there"] = (
                "deleted-here" if entry.ours is None else "deleted-there"
            )
            found.append(
                Conflict(
                    entry.path,
                    shown,
                    state,
                    kind,
                    record_id,
                    mine=sides.ours(entry.path),
                    theirs=sides.theirs(entry.path),
                    blobs=(entry.ours, entry.theirs),
                )
            )
            continue
        merged = merge_files(
            contents.get(entry.base or "", None),
            contents[entry.ours],
            contents[entry.theirs],
            model,
            entry.path,
        )
        if merged is None:
            if _has_markers(file):
                found.append(Conflict(entry.path, shown, "text", kind, record_id))
            continue
        current = _read_data(file)
        if current is None and repair:
            from mokoord.yamlio import atomic_write

            atomic_write(file, merged.text)
            current = _read_data(file)
        unsettled = [
            conflict
            for conflict in merged.conflicts
            if current is not None and _same(_at(current, conflict.location), conflict.ours)
        ]
        if current is None:
            found.append(Conflict(entry.path, shown, "text", kind, record_id))
        elif unsettled:
            title = current.get("name") or current.get("title")
            found.append(
                Conflict(
                    entry.path,
                    shown,
                    "fields",
                    kind,
                    str(current.get("id") or record_id),
                    str(title) if title else None,
                    unsettled,
                    sides.ours(entry.path),
                    sides.theirs(entry.path),
                )
            )
    return found


class _Sides:
    """Who changed a file last on each side since the two sides parted."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._base: str | None = None

    def _last(self, tip: str, path: str) -> Side | None:
        if self._base is None:
            found = gitops.git(["merge-base", "HEAD", "MERGE_HEAD"], self.target.top, check=False)
            self._base = found.stdout.strip() or ""
        span = f"{self._base}..{tip}" if self._base else tip
        found = gitops.git(
            ["log", "-1", "--format=%aN%x00%as", span, "--", path], self.target.top, check=False
        )
        who, _sep, when = found.stdout.strip().partition("\0")
        return Side(who, when) if who else None

    def ours(self, path: str) -> Side | None:
        return self._last("HEAD", path)

    def theirs(self, path: str) -> Side | None:
        return self._last("MERGE_HEAD", path)


def _shown(target: Target, path: str) -> str:
    return path.removeprefix(target.prefix) if path.startswith(target.prefix) else path


def _has_markers(file: Path) -> bool:
    try:
        return bool(_MARKER_RE.search(file.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def _read_data(file: Path) -> dict[str, Any] | None:
    from mokoord.yamlio import read_document

    if not file.is_file():
        return None
    doc = read_document(file, file.name, locate=False)
    return doc.data if not doc.problems else None


def _same(a: Any, b: Any) -> bool:
    from mokoord.merge import same

    return same(a, b)


def _at(data: Any, location: tuple[Any, ...]) -> Any:
    """The value at a merge location, or :data:`mokoord.merge.MISSING`."""
    from mokoord.merge import MISSING, Entry

    current = data
    for step in location:
        if isinstance(step, Entry):
            if not isinstance(current, list):
                return MISSING
            current = next((item for item in current if _matches(item, step)), MISSING)
        elif isinstance(current, dict) and step in current:
            current = current[step]
        else:
            return MISSING
        if current is MISSING:
            return MISSING
    return current


def _matches(item: Any, entry: Any) -> bool:
    from mokoord.merge import _freeze

    return isinstance(item, dict) and all(
        _freeze(item.get(name)) == value for name, value in entry.identity
    )


def conflict_problems(target: Target, conflicts: list[Conflict]) -> list[Problem]:
    """Each conflict as ``path:line:col: error merge-conflict …``, both values with who and when."""
    from mokoord.yamlio import read_document

    problems: list[Problem] = []
    for conflict in conflicts:
        file = target.top / conflict.path
        if conflict.state == "text":
            line = _first_marker_line(file)
            message = _("not merged: keep the right lines and remove the conflict markers")
            problems.append(Problem(conflict.shown, line, 1, "error", "merge-conflict", message))
            continue
        if conflict.state != "fields":
            message = (
                _("removed here, changed by {who} ({when}) on the server")
                if conflict.state == "deleted-here"
                else _("changed here, removed by {who} ({when}) on the server")
            ).format(**_side_words(conflict.theirs))
            problems.append(Problem(conflict.shown, 0, 0, "error", "merge-conflict", message))
            continue
        doc = read_document(file, conflict.shown)
        for item in conflict.fields:
            line, column = doc.position(index_path(doc.data or {}, item.location))
            message = _(
                "{field}: mine {mine} ({mine_who}, {mine_when}), theirs {theirs} "
                "({theirs_who}, {theirs_when})"
            ).format(
                field=item.field,
                mine=show_value(item.ours),
                theirs=show_value(item.theirs),
                **{f"mine_{key}": value for key, value in _side_words(conflict.mine).items()},
                **{f"theirs_{key}": value for key, value in _side_words(conflict.theirs).items()},
            )
            problems.append(
                Problem(conflict.shown, line, column, "error", "merge-conflict", message)
            )
    return problems


def _side_words(side: Side | None) -> dict[str, str]:
    """Who and when, the date as the current language writes it (``14.03.2024``)."""
    if side is None:
        return {"who": _("unknown"), "when": "?"}
    import datetime as dt

    from mokoord.formatting import date
    from mokoord.i18n import language

    try:
        when = date(dt.date.fromisoformat(side.when), language())
    except ValueError:
        when = side.when
    return {"who": side.who, "when": when}


def side_text(side: Side | None) -> str:
    """``Anna Beispiel, 14.03.2024``: who changed a file last on one side, and when."""
    words = _side_words(side)
    return f"{words['who']}, {words['when']}"


def _first_marker_line(file: Path) -> int:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    found = _MARKER_RE.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def show_value(value: Any) -> str:
    """A value as one short line: ``„https://…“``, ``[education, youth]``, ``(none)``."""
    import datetime as dt

    from mokoord.merge import MISSING

    if value is MISSING or value is None:
        return _("(none)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show_value(item)}" for key, item in value.items()) + "}"
    return f"„{value}“"


def index_path(data: Any, location: tuple[Any, ...]) -> tuple[str | int, ...]:
    """A merge location as the dotted key ``mokoord set`` takes (entries by position)."""
    from mokoord.merge import Entry

    path: list[str | int] = []
    current = data
    for step in location:
        if isinstance(step, Entry):
            items = current if isinstance(current, list) else []
            position = next((i for i, item in enumerate(items) if _matches(item, step)), None)
            if position is None:
                break
            path.append(position)
            current = items[position]
        else:
            path.append(step)
            current = current.get(step) if isinstance(current, dict) else None
    return tuple(path)


# --------------------------------------------------------------------------- settling


@dataclass(frozen=True)
class Decision:
    """How to settle one conflict: keep ``mine``, take ``theirs``, or a new ``value``."""

    choice: Literal["mine", "theirs", "value"]
    value: str = ""


@dataclass(frozen=True)
class Question:
    """One conflict to settle, as a person is asked about it."""

    conflict: Conflict
    item: FieldConflict | None
    """The key in conflict; ``None`` for a file removed on one side, changed on the other."""
    problem: str | None = None
    """Why the previous answer could not be used."""
    can_type: bool = False
    """Whether a new value may be typed (one value, or a list of words)."""


Ask = Callable[[Question], Decision]
"""Asks a person how to settle one conflict."""


def ask_all(target: Target, found: list[Conflict], ask: Ask) -> None:
    """Settle every record conflict through ``ask``; an answer that does not fit is asked again."""
    for conflict in found:
        if conflict.state == "text":
            continue
        items: list[FieldConflict | None] = list(conflict.fields) or [None]
        for item in items:
            can_type = item is not None and can_take_value(target, conflict, item)
            problem: str | None = None
            while True:
                decision = ask(Question(conflict, item, problem, can_type))
                problem = settle(target, conflict, item, decision)
                if problem is None:
                    break


def settle(
    target: Target, conflict: Conflict, item: FieldConflict | None, decision: Decision
) -> str | None:
    """Write a decision into the file; the problem with it (nothing written), or ``None``."""
    from mokoord.yamlio import atomic_write

    file = target.top / conflict.path
    if item is None:  # a file removed on one side and changed on the other
        blob = conflict.blobs[0 if decision.choice == "mine" else 1]
        if blob is None:
            file.unlink(missing_ok=True)
        else:
            atomic_write(file, gitops.blobs(target.top, [blob])[blob])
        gitops.git(["add", "--all", "--", conflict.path], target.top)
        return None
    from pydantic import ValidationError

    from mokoord.edits import Assignment, apply_assignments
    from mokoord.merge import model_for_path
    from mokoord.roundtrip import RoundTripDocument
    from mokoord.validation import messages

    model = model_for_path(conflict.path, target.top)
    raw = file.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    current = _read_data(file)
    if model is None or current is None:
        return _("{path} cannot be read as a record any more").format(path=conflict.shown)
    try:
        if decision.choice == "value":
            path = index_path(current, item.location)
            new = apply_assignments(current, [Assignment(path, "=", decision.value)], model)
        else:
            new = _put(
                current, item.location, item.ours if decision.choice == "mine" else item.theirs
            )
        model.model_validate(new)
    except MokoordError as error:
        return error.message
    except ValidationError as error:
        return "; ".join(messages(error, model))
    document = RoundTripDocument(text)
    document.apply(current, new)
    atomic_write(file, bom + document.dump().encode("utf-8"))
    return None


def can_take_value(target: Target, conflict: Conflict, item: FieldConflict) -> bool:
    """Whether a new value can be typed for this key (one value or a list of words)."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    from mokoord.edits import field_type
    from mokoord.merge import model_for_path

    model = model_for_path(conflict.path, target.top)
    data = _read_data(target.top / conflict.path)
    if model is None or data is None:
        return False
    annotation = field_type(model, index_path(data, item.location))
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return annotation is not None and not (
        isinstance(annotation, type) and issubclass(annotation, BaseModel)
    )


def unfinished_problems(target: Target) -> list[Problem]:
    """Why the files of an unfinished merge cannot be committed yet: conflict markers
    left, or a record file that is not a valid record."""
    from mokoord.merge import model_for_path
    from mokoord.validation import validate_document
    from mokoord.yamlio import read_document

    problems: list[Problem] = []
    for entry in gitrepo.unmerged(target.top):
        file = target.top / entry.path
        if not file.is_file():
            continue
        shown = _shown(target, entry.path)
        line = _first_marker_line(file)
        if line:
            problems.append(
                Problem(
                    shown,
                    line,
                    1,
                    "error",
                    "merge-conflict",
                    _("conflict markers are left; keep the right lines and remove the markers"),
                )
            )
            continue
        model = model_for_path(entry.path, target.top)
        if model is not None:
            _record, found = validate_document(read_document(file, shown), model)
            problems.extend(problem for problem in found if problem.severity == "error")
    return problems


def _put(data: dict[str, Any], location: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``value`` at ``location`` (:data:`MISSING` removes it)."""
    import copy

    from mokoord.merge import MISSING, Entry

    result = copy.deepcopy(data)
    parent: Any = result
    for step in location[:-1]:
        if isinstance(step, Entry):
            parent = next(item for item in parent if _matches(item, step))
        else:
            parent = parent.setdefault(step, {})
    last = location[-1]
    if isinstance(last, Entry):
        position = next((i for i, item in enumerate(parent) if _matches(item, last)), None)
        if value is MISSING:
            if position is not None:
                del parent[position]
        elif position is None:
            parent.append(copy.deepcopy(value))
        else:
            parent[position] = copy.deepcopy(value)
    elif value is MISSING:
        parent.pop(last, None)
    else:
        parent[last] = copy.deepcopy(value)
    return result
