"""The index kept up to date by ``mokoord sync``: what a fast-forward brings is
taken into the index (:func:`mokoord.index.absorb`) from git's objects while
the sync checks the work tree and git writes the files, so that the first
command after a sync finds the index ready.

The index is a cache: whatever goes wrong here is left to the next command,
and a file that ends up on disk otherwise than git's object says (a filter, an
edit) is read again by it (the index keeps these files by a mark of their
content, not by their fingerprint). Like :mod:`mokoord.sync`, this module
imports neither the models nor YAML until there is something to take in.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from mokoord import gitops
from mokoord.together import Target

LIMIT = 200
"""A fast-forward over more files than this leaves them to the next command."""


_PREPARING: list[threading.Thread] = []


def prepare(store_root: Path) -> None:
    """When the store has an index, import what reading records takes (the models,
    the YAML parser) in a thread, while the sync waits for the server: the
    files a fast-forward brings are then taken in without that wait."""
    if _PREPARING or not (store_root / ".mokoord" / "index").is_dir():
        return
    thread = threading.Thread(target=_imports, daemon=True)
    thread.start()
    _PREPARING.append(thread)


def _imports() -> None:
    with contextlib.suppress(Exception):
        from mokoord import index
        from mokoord.yamlio import parse_document

        index.parse_file("", "organisations/x.yaml", "organisation", b"id: x\nname: X\n")
        parse_document("x.yaml", b"a: 1\n")


class Absorbing:
    """:func:`absorb` in a thread of its own, while the sync goes on; :meth:`finish`
    lets it finish the shard it is writing and leave the others to the next
    command, so that a sync never waits long for it."""

    def __init__(self, clone: Target, head: str, server: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(clone, head, server), daemon=True)
        self._thread.start()

    def _run(self, clone: Target, head: str, server: str) -> None:
        for thread in _PREPARING:
            thread.join()
        with contextlib.suppress(Exception):
            absorb(clone, head, server, stop=self._stop.is_set)

    def finish(self) -> None:
        self._stop.set()
        self._thread.join()


def absorb(
    clone: Target, head: str, server: str, *, stop: Callable[[], bool] = lambda: False
) -> None:
    """Take the store's files that differ between ``head`` and ``server`` into the
    index as ``server`` holds them, when ``server`` only adds to ``head`` (shard by
    shard until ``stop()``)."""
    if not (clone.store_root / ".mokoord" / "index").is_dir():
        return  # no index yet: the next command builds it
    base = gitops.git(["merge-base", head, server], clone.top, check=False).stdout.strip()
    if base != head:
        return  # a merge: the files will be the merge's
    listing = gitops.git(
        ["diff", "--name-status", "-z", "--no-renames", head, server], clone.top
    ).stdout.split("\0")
    entries = list(zip(listing[0::2], listing[1::2], strict=False))
    if len(entries) > LIMIT:
        return
    ours = {
        path: path.removeprefix(clone.prefix)
        for _status, path in entries
        if path.startswith(clone.prefix)
    }
    names = [f"{server}:{path}" for status, path in entries if status != "D" and path in ours]
    found = gitops.blobs(clone.top, names)
    files = {
        relative: None if status == "D" else found[f"{server}:{path}"]
        for status, path in entries
        if (relative := ours.get(path)) is not None
        and (status == "D" or f"{server}:{path}" in found)
    }
    if files:
        take_in(clone.store_root, files, stop=stop)


def take_in(
    root: Path, files: dict[str, bytes | None], *, stop: Callable[[], bool] = lambda: False
) -> None:
    """Bring the index up to date for ``files`` (path relative to the store → the
    content git is putting there, ``None`` for a file git deletes), as ``mokoord
    sync`` does with what a fast-forward brings while git writes the files.

    Each is kept with a mark of its content, not a fingerprint (the file is new on
    disk, or not even written yet), so the next command trusts it only when the
    file holds those bytes and reads it otherwise. Only shards written in the
    current language are changed; anything unusual leaves the index to the next
    command; so are the shards not yet changed once ``stop()`` is true."""
    from mokoord.dataset import KINDS
    from mokoord.i18n import language
    from mokoord.index import KindIndex, bucket_of, content_mark, parse_file, shard_digest
    from mokoord.shards import Shard, ShardKey

    owner = {spec.folder: kind for kind, spec in KINDS.items()}
    lang = language()
    groups: dict[tuple[str, ShardKey], dict[str, bytes | None]] = {}
    for relative, raw in files.items():
        folder, _, name = relative.rpartition("/")
        kind = owner.get(folder.split("/", 1)[0])
        if kind is None or not name.endswith(".yaml"):
            continue
        groups.setdefault((kind, (folder, bucket_of(name))), {})[name] = raw
    for (kind, key), group in groups.items():
        if stop():
            return
        index = KindIndex(root, kind)
        path = index.shard_path(key)
        if path.exists():
            shard = Shard.read(path, kind)
            if shard is None or shard.key != key or (shard.lang != lang and shard.problems):
                continue
            if not shard.load_all():
                continue
        else:  # a new shard: files of its bucket the sync did not bring are read next time
            shard = Shard(key, path)
            shard.start(lang)
            path.parent.mkdir(parents=True, exist_ok=True)
        assert shard.fingerprints is not None
        shard.remove(
            [name for name, raw in group.items() if raw is None and name in shard.fingerprints]
        )
        root_text = str(root)
        shard.update(
            [
                (name, content_mark(raw), parse_file(root_text, f"{key[0]}/{name}", kind, raw))
                for name, raw in group.items()
                if raw is not None
            ],
            lang,
        )
        shard.digest = shard_digest(shard.fingerprints)
        shard.derive()
        shard.write(kind)
