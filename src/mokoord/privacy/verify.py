"""Checking that an erasure left nothing behind: every object of a repository and
every file of the store folder searched for the erased values (the objects are
named by type and id, never by a value)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from mokoord.privacy.erase import ErasurePlan
from mokoord.privacy.guard import read_blobs
from mokoord.privacy.repository import Repo, git
from mokoord.privacy.scrub import Scrub
from mokoord.privacy.values import Finder
from mokoord.store import Store


def holds(path: Path, finder: Finder, limit: int = 20 * 1024 * 1024) -> bool:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return bool(finder.find(data.decode("utf-8", errors="replace")))


def verify_finder(plan: ErasurePlan) -> Finder:
    """The values that must be gone (those other records keep are not looked for)."""
    return Finder(plan.values)


def scan_objects(repo: Path, finder: Finder) -> list[str]:
    """Objects of ``repo`` that hold a value: ``type id`` of each (never the value)."""
    process = subprocess.Popen(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=repo,
        stdout=subprocess.PIPE,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert process.stdout is not None
    found: list[str] = []
    stream = process.stdout
    while True:
        header = stream.readline()
        if not header:
            break
        oid, kind, size = header.split()
        data = stream.read(int(size))
        stream.read(1)
        if finder.find(data.decode("utf-8", errors="replace")):
            found.append(f"{kind.decode()} {oid.decode()[:12]}")
    process.wait()
    return found


def leftovers_in_objects(mirror: Path, plan: ErasurePlan, scrub: Scrub) -> list[str]:
    found = scan_objects(mirror, verify_finder(plan)) if plan.values else []
    found += expired_left(mirror, scrub)
    return found


def expired_left(repo: Path, scrub: Scrub) -> list[str]:
    """Versions of expired contacts that still hold free text."""
    if not scrub.expired:
        return []
    from mokoord.privacy.scrub import strip_contact_text
    from mokoord.yamlio import parse_document

    listed = git(["rev-list", "--all", "--objects"], repo).stdout.splitlines()
    blobs = [
        (line.split(" ", 1)[0], line.split(" ", 1)[1])
        for line in listed
        if " " in line and scrub.expired_contact(line.split(" ", 1)[1])
    ]
    contents = read_blobs(repo, [oid for oid, _ in blobs])
    left = []
    for oid, path in blobs:
        doc = parse_document(path, contents[oid], locate=False)
        if isinstance(doc.data, dict):
            plain_data = json.loads(json.dumps(doc.data, default=str))
            if strip_contact_text(plain_data, scrub.removed) != plain_data:
                left.append(path)
    return left


def leftovers(store: Store, repo: Repo, plan: ErasurePlan, scrub: Scrub) -> list[str]:
    """Anything in the repository or the store folder still holding an erased value."""
    finder = verify_finder(plan)
    found: list[str] = []
    if plan.values:
        found += scan_objects(repo.top, finder)
        roots = (
            [store.root] if repo.git_dir.is_relative_to(store.root) else [store.root, repo.git_dir]
        )
        for root in roots:
            for folder, names, files in os.walk(root):
                here = Path(folder)
                if here == repo.git_dir / "objects":
                    names.clear()
                    continue
                for name in files:
                    if holds(here / name, finder):
                        found.append(store.relative(here / name))
    found += expired_left(repo.top, scrub)
    return found
