"""Keeping the index up to date with the files a command has just written.

A command that writes a record (``mokoord add-contact``) knows the file's
bytes; taking them into the index while git commits them spares the next
command (a report, the agenda) reading the file and rewriting its shard. The
index is a cache: whatever goes wrong here is left to the next command, which
reads a file again when its bytes are not the ones taken in
(:func:`mokoord.index.content_mark`).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

SWITCH_SECONDS = 0.0005
"""How often the interpreter passes between threads while the files are taken in
(Python's default: every 5 ms)."""


class Intake:
    """:func:`take_in` in a thread of its own, while the caller goes on (git commits);
    :meth:`finish` waits for it."""

    def __init__(self, root: Path, files: dict[str, bytes | None]) -> None:
        # The caller mostly waits for git, but starts each next git process only
        # when it gets the interpreter back from this thread: hand it over often.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_SECONDS)
        self._thread = threading.Thread(target=self._run, args=(root, files), daemon=True)
        self._thread.start()

    @staticmethod
    def _run(root: Path, files: dict[str, bytes | None]) -> None:
        with contextlib.suppress(Exception):
            take_in(root, files)

    def finish(self) -> None:
        self._thread.join()
        sys.setswitchinterval(self._interval)


def take_in(root: Path, files: dict[str, bytes | None]) -> None:
    """Bring the index up to date for ``files`` (path relative to the store → the
    content just written there, ``None`` for a file deleted).

    Each is kept with a mark of its content, not a fingerprint (the file was
    written a moment ago: too fresh to trust by its fingerprint), so the next
    command trusts it only while the file holds those bytes and reads it
    otherwise. Only shards written in the current language are changed;
    anything unusual leaves the index to the next command."""
    from mokoord.dataset import KINDS
    from mokoord.i18n import language
    from mokoord.index import KindIndex, bucket_of, content_mark, shard_digest
    from mokoord.indexparse import parse_file
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
        shard.digest = shard.memo_key = shard_digest(shard.fingerprints)
        shard.derive()
        shard.write(kind)
