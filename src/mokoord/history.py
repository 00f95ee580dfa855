"""The audit trail of one organisation, read from git, field by field.

``git log --follow`` of the organisation's file (so renames are followed) and
of its contact persons' files. Each commit becomes an :class:`Entry` with the
changes between the file before and after it: ``status: contacted →
in_dialogue``, ``fields: + youth``, ``needs[0].status: open → met``. Changes
to persons never show values (personal data): ``person p-4k2m9x: phone changed``.
The words of a change are in the current language; keys and values are shown
as the file holds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mokoord.gitops import git
from mokoord.i18n import _
from mokoord.yamlio import parse_document

_SEP = "\x1f"
_LONG = 60
_TEXT_KEYS = {"notes", "goals", "note", "reason", "status_reason", "relations_abroad"}
"""Free-text keys: the history says they changed, not what they say."""


@dataclass
class Entry:
    """One commit that touched the organisation or its persons."""

    commit: str
    date: dt.datetime
    author: str
    email: str
    message: str
    changes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "date": self.date.isoformat(),
            "author": self.author,
            "email": self.email,
            "message": self.message,
            "changes": list(self.changes),
        }


@dataclass
class _Version:
    commit: str
    date: dt.datetime
    author: str
    email: str
    message: str
    status: str
    path: str
    old_path: str | None


def _log(repo: Path, path: str) -> list[_Version]:
    """Every commit touching ``path`` (following renames), newest first."""
    fmt = _SEP.join(["%H", "%aI", "%an", "%ae", "%s"])
    out = git(
        ["log", "--follow", "-M", "--name-status", f"--format=\x1e{fmt}", "--", path],
        repo,
        check=False,
    ).stdout
    versions = []
    for block in out.split("\x1e"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        commit, date, author, email, message = lines[0].split(_SEP, 4)
        status, new, old = "M", path, None
        for line in lines[1:]:
            parts = line.split("\t")
            if parts[0].startswith("R") and len(parts) == 3:
                status, old, new = "R", parts[1], parts[2]
            elif len(parts) == 2:
                status, new = parts[0][:1], parts[1]
        versions.append(
            _Version(
                commit, dt.datetime.fromisoformat(date), author, email, message, status, new, old
            )
        )
    return versions


def _content(repo: Path, commit: str, path: str) -> dict[str, Any] | None:
    result = git(["show", f"{commit}:{path}"], repo, check=False)
    if result.returncode != 0:
        return None
    doc = parse_document(path, result.stdout.encode("utf-8"), locate=False)
    return doc.data if isinstance(doc.data, dict) else None


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


def _show(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"  # as the file says
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_text_key(key: str) -> bool:
    last = key.rsplit(".", 1)[-1].split("[", 1)[0]
    return last in _TEXT_KEYS


def _entry_of(key: str) -> str | None:
    """``needs[1].status`` → ``needs[1]``; ``None`` for keys outside list entries."""
    if "[" not in key:
        return None
    return key[: key.index("]") + 1]


def diff(
    old: dict[str, Any] | None, new: dict[str, Any] | None, *, values: bool = True
) -> list[str]:
    """Field-by-field differences between two versions of a record.

    With ``values=False`` (personal data) only the keys are named.
    """
    if old is None and new is None:
        return []
    if old is None:
        return [_("created")]
    if new is None:
        return [_("deleted")]
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old, "", before)
    _flatten(new, "", after)
    changes = []
    reported: set[str] = set()
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        entry = _entry_of(key)
        if entry and entry in reported:
            continue
        if entry and not any(_entry_of(k) == entry for k in (before if a is None else after)):
            # a whole list entry appeared or went away: one line for it
            reported.add(entry)
            source = after if a is None else before
            label = next(
                (_show(source[k]) for k in (f"{entry}.category", f"{entry}.status") if k in source),
                "",
            )
            if label and values:
                text = _("{key} added ({what})") if a is None else _("{key} removed ({what})")
            else:
                text = _("{key} added") if a is None else _("{key} removed")
            changes.append(text.format(key=entry, what=label))
            continue
        if not values:
            changes.append(_key_changed(key, a, b))
            continue
        if isinstance(a, list) or isinstance(b, list):
            a_items = (
                [_show(i) for i in a] if isinstance(a, list) else ([] if a is None else [_show(a)])
            )
            b_items = (
                [_show(i) for i in b] if isinstance(b, list) else ([] if b is None else [_show(b)])
            )
            parts = [f"+ {i}" for i in b_items if i not in a_items]
            parts += [f"− {i}" for i in a_items if i not in b_items]
            changes.append(f"{key}: {', '.join(parts) if parts else _('reordered')}")
            continue
        if _is_text_key(key) or len(_show(a)) > _LONG or len(_show(b)) > _LONG:
            changes.append(_key_changed(key, a, b))
            continue
        if a is None:
            changes.append(_("{key}: {value} (added)").format(key=key, value=_show(b)))
        elif b is None:
            changes.append(_("{key}: {value} (removed)").format(key=key, value=_show(a)))
        else:
            changes.append(f"{key}: {_show(a)} → {_show(b)}")
    return changes


def _key_changed(key: str, a: Any, b: Any) -> str:
    """``notes changed``: that a key changed, not what it holds."""
    if a is None:
        return _("{key} added").format(key=key)
    if b is None:
        return _("{key} removed").format(key=key)
    return _("{key} changed").format(key=key)


def _file_history(repo: Path, path: str, *, label: str | None, values: bool) -> list[Entry]:
    versions = _log(repo, path)
    entries = []
    for version in versions:
        new = None if version.status == "D" else _content(repo, version.commit, version.path)
        old = None
        if version.status != "A":
            old = _content(repo, f"{version.commit}^", version.old_path or version.path)
        changes = diff(old, new, values=values)
        if version.status == "R" and version.old_path:
            changes.insert(
                0, _("file renamed: {old} → {new}").format(old=version.old_path, new=version.path)
            )
        if label:
            changes = [f"{label}: {change}" for change in changes]
        entries.append(
            Entry(
                version.commit,
                version.date,
                version.author,
                version.email,
                version.message,
                changes,
            )
        )
    return entries


def organisation_history(
    repo: Path, org_path: str, person_paths: list[str] | None = None
) -> list[Entry]:
    """The audit trail of an organisation file and its persons' files, newest first.

    Paths are relative to the repository root ``repo``. Commits that touched
    several of these files become one entry.
    """
    entries: dict[str, Entry] = {}
    sources: list[tuple[str, str | None, bool]] = [(org_path, None, True)]
    for person_path in person_paths or []:
        person_id = Path(person_path).stem
        sources.append((person_path, _("person {id}").format(id=person_id), False))
    for path, label, values in sources:
        for entry in _file_history(repo, path, label=label, values=values):
            if entry.commit in entries:
                entries[entry.commit].changes.extend(entry.changes)
            else:
                entries[entry.commit] = entry
    commit_order = _commit_order(repo, list(entries))
    return sorted(entries.values(), key=lambda e: commit_order.get(e.commit, len(commit_order)))


def _commit_order(repo: Path, commits: list[str]) -> dict[str, int]:
    """Position of each commit in ``git log`` order (newest first)."""
    if not commits:
        return {}
    out = git(["rev-list", "--topo-order", "HEAD"], repo, check=False).stdout.split()
    return {commit: index for index, commit in enumerate(out)}


def first_commit_date(repo: Path, path: str) -> dt.date | None:
    """The date the file first entered git (its creation), or ``None``."""
    versions = _log(repo, path)
    return versions[-1].date.date() if versions else None
