"""Refusing history that brings erased data back: for ``mokoord sync`` and git hooks.

After an erasure, other clones and the server still hold the old history until
they catch up (:mod:`mokoord.privacy.catchup`). Merging or pushing that old
history would bring the erased person back. :func:`refusals` tells, for the
commits a merge or push would leave in a branch, whether they

1. hold history from before an erasure: a commit the erasure's rewrite
   replaced (``replaced`` in its record) is among their ancestors;
2. give an erased person's file back its data;
3. bring, in commits made before the erasure, a value recognised by the
   erasure's fingerprints.

The erasure records are read from the commits themselves (``erasures/`` of each
tip), so a clone that has not seen the erasure yet learns of it from what comes
in. Everything here is plumbing on object ids: no checkout, no working tree.

Hand-over to ``mokoord sync``: before merging the server's commit, call
``refusals(top, [head, server], since=[head])``; on a refusal, stop and name
:attr:`Refusal.hint` (``mokoord privacy catch-up``), or call
:func:`mokoord.privacy.catchup.catch_up` itself.
:func:`mokoord.githooks.install_hooks` puts the same check into git's
``pre-merge-commit`` and ``pre-push`` hooks of every clone and the
``pre-receive`` hook of a server repository (``python -m
mokoord.privacy.hook``), so that plain ``git pull`` and ``git push`` are
refused too.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mokoord.i18n import _

if TYPE_CHECKING:  # the models are imported only once a store holds erasures
    from mokoord.models import Erasure

ZERO = "0" * 40


@dataclass(frozen=True)
class Refusal:
    """Why a history may not come in, for people."""

    erasure: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}"


def _git(
    args: Sequence[str], cwd: Path, *, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C"}
    env.pop("GIT_INDEX_FILE", None)
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def store_prefix(repo: Path, commit: str) -> str | None:
    """The store's folder in ``commit`` (``""`` at the top), ``None`` when it holds no store."""
    top = _git(["ls-tree", "--name-only", commit], repo)
    if top.returncode != 0:
        return None
    if "mokoord.yaml" in top.stdout.splitlines():
        return ""
    listed = _git(["ls-tree", "-r", "--name-only", commit], repo).stdout.splitlines()
    found = sorted(
        (path for path in listed if path.endswith("/mokoord.yaml")), key=lambda p: p.count("/")
    )
    return found[0][: -len("mokoord.yaml")] if found else None


def erasures_at(repo: Path, commit: str) -> list[Erasure]:
    """The erasure records in ``commit`` (invalid ones left out)."""
    prefix = store_prefix(repo, commit)
    if prefix is None:
        return []
    listed = _git(["ls-tree", "--name-only", commit, f"{prefix}erasures/"], repo)
    if not any(path.endswith(".yaml") for path in listed.stdout.splitlines()):
        return []  # no erasure yet: nothing to load
    from mokoord.models import Erasure
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document

    found: list[Erasure] = []
    for path in listed.stdout.splitlines():
        if not path.endswith(".yaml"):
            continue
        shown = _git(["show", f"{commit}:{path}"], repo)
        if shown.returncode != 0:
            continue
        record, _problems = validate_document(
            parse_document(path, shown.stdout.encode("utf-8"), locate=False), Erasure
        )
        if record is not None:
            found.append(record)
    return found


def _exists(repo: Path, oid: str) -> bool:
    return _git(["cat-file", "-e", f"{oid}^{{commit}}"], repo).returncode == 0


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return _git(["merge-base", "--is-ancestor", older, newer], repo).returncode == 0


def stale(repo: Path, tip: str, erasures: Iterable[Erasure]) -> Erasure | None:
    """The first erasure whose replaced history ``tip`` still holds."""
    for erasure in erasures:
        for oid in erasure.replaced:
            if _exists(repo, oid) and is_ancestor(repo, oid, tip):
                return erasure
    return None


def known_erasures(repo: Path, commits: Iterable[str]) -> list[Erasure]:
    """The erasure records of all ``commits``, by id."""
    found: dict[str, Erasure] = {}
    for commit in dict.fromkeys(commits):
        if commit and commit != ZERO:
            for erasure in erasures_at(repo, commit):
                found.setdefault(erasure.id, erasure)
    return sorted(found.values(), key=lambda e: e.id)


def refusals(
    repo: Path,
    tips: Sequence[str],
    *,
    also_known: Sequence[str] = (),
    since: Sequence[str] = (),
    here: str | None = None,
) -> list[Refusal]:
    """Why a branch holding ``tips`` (a merge of them, or a push of one) would bring
    erased data back; empty when it would not.

    Erasures are read from ``tips`` and ``also_known``; the commits of ``tips``
    not reachable from ``since`` are the new ones, whose files are looked into.
    ``here`` names the tip that is this clone's own, for the wording.
    """
    erasures = known_erasures(repo, [*tips, *also_known])
    if not erasures:
        return []
    found: list[Refusal] = []
    for tip in tips:
        erasure = stale(repo, tip, erasures)
        if erasure is None:
            continue
        if tip == here:
            message = _(
                "this clone still holds the history from before erasure {id} ({date}); "
                "merging would bring the erased data back"
            )
        else:
            message = _(
                "the commits coming in hold the history from before erasure {id} ({date}), "
                "with the erased data"
            )
        found.append(
            Refusal(
                erasure.id,
                message.format(id=erasure.id, date=erasure.date.isoformat()),
                _("bring both to the erased history with: mokoord privacy catch-up"),
            )
        )
    if found:
        return found
    return _new_commits(repo, tips, since, erasures)


def _new_commits(
    repo: Path, tips: Sequence[str], since: Sequence[str], erasures: list[Erasure]
) -> list[Refusal]:
    """Erased persons' files with data again, or old values, in commits not in ``since``."""
    from mokoord.models import Person
    from mokoord.privacy.values import FingerprintScanner
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document

    exclude = [f"^{oid}" for oid in since if oid and oid != ZERO]
    log = _git(
        ["log", "--format=%x1e%H %ct", "--raw", "--no-renames", "--no-abbrev", *tips, *exclude],
        repo,
    ).stdout
    erased = {person.id: erasure for erasure in erasures for person in erasure.persons}
    scanner = FingerprintScanner(erasures)
    dates = {erasure.id: erasure.date for erasure in erasures}
    last = max(dates.values())
    changes: list[tuple[str, dt.date, str, str]] = []
    for block in filter(None, log.split("\x1e")):
        lines = block.strip().splitlines()
        commit, when = lines[0].split()
        day = dt.datetime.fromtimestamp(int(when), dt.UTC).date()
        for line in lines[1:]:
            if line.startswith(":") and "\t" in line:
                meta, path = line.split("\t", 1)
                blob = meta.split()[3]
                if blob != ZERO and path.endswith(".yaml"):
                    changes.append((commit, day, path, blob))
    person_files = [c for c in changes if _person_id(c[2]) in erased]
    scanned = [c for c in changes if scanner and c[1] <= last and _person_id(c[2]) not in erased]
    contents = read_blobs(repo, [c[3] for c in (*person_files, *scanned)])
    found: list[Refusal] = []
    for commit, _day, path, blob in person_files:
        person_id = _person_id(path)
        record, _problems = validate_document(
            parse_document(path, contents[blob], locate=False), Person
        )
        if record is None or record.erased is None:
            erasure = erased[person_id]
            found.append(
                Refusal(
                    erasure.id,
                    _(
                        "commit {commit} gives person {id}, erased on {date}, their data back"
                    ).format(commit=commit[:8], id=person_id, date=erasure.date.isoformat()),
                    _("leave that change out: mokoord privacy catch-up"),
                )
            )
    seen: set[tuple[str, str]] = set()
    for commit, day, path, blob in scanned:
        text = contents[blob].decode("utf-8", errors="replace")
        for hit in scanner.text(text):
            if day > dates[hit.erasure] or (hit.erasure, hit.person) in seen:
                continue
            seen.add((hit.erasure, hit.person))
            found.append(
                Refusal(
                    hit.erasure,
                    _(
                        "commit {commit} ({path}) holds data of person {id}, erased on {date}"
                    ).format(
                        commit=commit[:8],
                        path=path,
                        id=hit.person,
                        date=dates[hit.erasure].isoformat(),
                    ),
                    _("bring the commit to the erased history: mokoord privacy catch-up"),
                )
            )
    return found


def _person_id(path: str) -> str:
    parts = path.split("/")
    if len(parts) >= 2 and parts[-2] == "persons" and parts[-1].endswith(".yaml"):
        return parts[-1][: -len(".yaml")]
    return ""


def read_blobs(repo: Path, ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of objects by id, read with one ``git cat-file --batch``."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    env = {**os.environ, "LC_ALL": "C"}
    out = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input="".join(f"{oid}\n" for oid in wanted).encode(),
        capture_output=True,
        check=True,
        env=env,
    ).stdout
    found: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if len(header) < 3 or header[1] == b"missing":
            position = end + 1
            continue
        size = int(header[2])
        found[oid] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return found
