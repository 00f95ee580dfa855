"""What a sync brought in or sent, per kind of record, in plain words:
``3 neue Kontakte, 1 Organisation geändert (von Anna Beispiel)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mokoord import gitops
from mokoord.i18n import _, ngettext
from mokoord.together import FOLDERS, Target

# --------------------------------------------------------------------------- what changed


@dataclass
class Changes:
    """What came in from the server, or went out to it."""

    commits: int = 0
    authors: list[str] = field(default_factory=list)
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    """kind → {"added": n, "changed": n, "deleted": n}."""
    files: list[str] = field(default_factory=list)
    """Other files of the store that changed (``mokoord.yaml``, templates …)."""

    @property
    def empty(self) -> bool:
        return not self.commits and not self.records and not self.files

    def as_dict(self) -> dict[str, Any]:
        return {
            "commits": self.commits,
            "authors": self.authors,
            "records": self.records,
            "files": self.files,
        }


_ACTIONS = {
    "A": "added",
    "C": "added",
    "M": "changed",
    "T": "changed",
    "R": "changed",
    "D": "deleted",
}


def changes(
    target: Target,
    old: str | None,
    new: str,
    commits: str,
    *,
    known: list[tuple[str, str]] | None = None,
) -> Changes:
    """The files of the store that differ from ``old`` to ``new``, and who made the
    commits in the range ``commits`` (merges left out).

    ``known`` are the (status, path) pairs of that difference when the caller
    has them already (paths relative to the clone's top).
    """
    result = Changes()
    log = gitops.git(["log", "--no-merges", "--format=%aN", "-z", commits], target.top).stdout
    names = [name for name in log.split("\0") if name.strip()]
    result.commits = len(names)
    result.authors = list(dict.fromkeys(name.strip() for name in names))
    where = [target.prefix] if target.prefix else []
    if known is not None:
        entries = [(status, path) for status, path in known if path.startswith(target.prefix)]
    elif old is None:
        listing = gitops.git(
            ["ls-tree", "-r", "-z", "--name-only", new, "--", *where], target.top
        ).stdout
        entries = [("A", path) for path in filter(None, listing.split("\0"))]
    else:
        diff = gitops.git(
            ["diff", "--name-status", "-z", "-M", "--no-ext-diff", old, new, "--", *where],
            target.top,
        ).stdout.split("\0")
        entries = []
        index = 0
        while index < len(diff) - 1:
            status = diff[index]
            if status[:1] in ("R", "C"):
                entries.append((status[:1], diff[index + 2]))
                index += 3
            else:
                entries.append((status[:1], diff[index + 1]))
                index += 2
    for status, path in entries:
        relative = path.removeprefix(target.prefix)
        if relative.endswith("/.gitkeep") or relative.startswith("."):
            continue
        kind = FOLDERS.get(relative.split("/", 1)[0]) if relative.endswith(".yaml") else None
        if kind is None or "/" not in relative:
            result.files.append(relative)
            continue
        counts = result.records.setdefault(kind, {"added": 0, "changed": 0, "deleted": 0})
        counts[_ACTIONS.get(status, "changed")] += 1
    return result


# --------------------------------------------------------------------------- in plain words


def _phrases() -> dict[tuple[str, str], Callable[[int], str]]:
    """(kind, action) → ``n`` in words: ``3 new contacts``, ``1 organisation changed``."""
    return {
        ("organisation", "added"): lambda n: ngettext(
            "{n} new organisation", "{n} new organisations", n
        ),
        ("organisation", "changed"): lambda n: ngettext(
            "{n} organisation changed", "{n} organisations changed", n
        ),
        ("organisation", "deleted"): lambda n: ngettext(
            "{n} organisation removed", "{n} organisations removed", n
        ),
        ("person", "added"): lambda n: ngettext("{n} new person", "{n} new persons", n),
        ("person", "changed"): lambda n: ngettext("{n} person changed", "{n} persons changed", n),
        ("person", "deleted"): lambda n: ngettext("{n} person removed", "{n} persons removed", n),
        ("contact", "added"): lambda n: ngettext("{n} new contact", "{n} new contacts", n),
        ("contact", "changed"): lambda n: ngettext(
            "{n} contact changed", "{n} contacts changed", n
        ),
        ("contact", "deleted"): lambda n: ngettext(
            "{n} contact removed", "{n} contacts removed", n
        ),
        ("event", "added"): lambda n: ngettext("{n} new event", "{n} new events", n),
        ("event", "changed"): lambda n: ngettext("{n} event changed", "{n} events changed", n),
        ("event", "deleted"): lambda n: ngettext("{n} event removed", "{n} events removed", n),
        ("cooperation", "added"): lambda n: ngettext(
            "{n} new cooperation", "{n} new cooperations", n
        ),
        ("cooperation", "changed"): lambda n: ngettext(
            "{n} cooperation changed", "{n} cooperations changed", n
        ),
        ("cooperation", "deleted"): lambda n: ngettext(
            "{n} cooperation removed", "{n} cooperations removed", n
        ),
        ("network", "added"): lambda n: ngettext("{n} new network", "{n} new networks", n),
        ("network", "changed"): lambda n: ngettext(
            "{n} network changed", "{n} networks changed", n
        ),
        ("network", "deleted"): lambda n: ngettext(
            "{n} network removed", "{n} networks removed", n
        ),
        ("institution", "added"): lambda n: ngettext(
            "{n} new institution", "{n} new institutions", n
        ),
        ("institution", "changed"): lambda n: ngettext(
            "{n} institution changed", "{n} institutions changed", n
        ),
        ("institution", "deleted"): lambda n: ngettext(
            "{n} institution removed", "{n} institutions removed", n
        ),
        ("programme", "added"): lambda n: ngettext(
            "{n} new funding programme", "{n} new funding programmes", n
        ),
        ("programme", "changed"): lambda n: ngettext(
            "{n} funding programme changed", "{n} funding programmes changed", n
        ),
        ("programme", "deleted"): lambda n: ngettext(
            "{n} funding programme removed", "{n} funding programmes removed", n
        ),
        ("application", "added"): lambda n: ngettext(
            "{n} new funding application", "{n} new funding applications", n
        ),
        ("application", "changed"): lambda n: ngettext(
            "{n} funding application changed", "{n} funding applications changed", n
        ),
        ("application", "deleted"): lambda n: ngettext(
            "{n} funding application removed", "{n} funding applications removed", n
        ),
        ("erasure", "added"): lambda n: ngettext("{n} new erasure", "{n} new erasures", n),
        ("erasure", "changed"): lambda n: ngettext(
            "{n} erasure record changed", "{n} erasure records changed", n
        ),
        ("erasure", "deleted"): lambda n: ngettext(
            "{n} erasure record removed", "{n} erasure records removed", n
        ),
    }


def describe(found: Changes) -> str:
    """``3 neue Kontakte, 1 Organisation geändert (von Anna Beispiel)``; ``""`` when empty."""
    phrases = _phrases()
    parts: list[str] = []
    for kind in FOLDERS.values():
        counts = found.records.get(kind, {})
        for action in ("added", "changed", "deleted"):
            if counts.get(action):
                parts.append(phrases[kind, action](counts[action]).format(n=counts[action]))
    if found.files:
        parts.append(
            ngettext("{files} changed", "{files} changed", len(found.files)).format(
                files=", ".join(found.files)
            )
        )
    if not parts and found.commits:
        parts.append(ngettext("{n} commit", "{n} commits", found.commits).format(n=found.commits))
    text = ", ".join(parts)
    if text and found.authors:
        text += " " + _("(by {names})").format(names=names(found.authors))
    return text


def names(people: list[str]) -> str:
    """``Anna``, ``Anna and Bernd``, ``Anna, Bernd and Cem``."""
    if len(people) < 2:
        return "".join(people)
    return _("{names} and {last}").format(names=", ".join(people[:-1]), last=people[-1])
