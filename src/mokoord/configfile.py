"""The store's configuration file (``mokoord.yaml``), read and validated; what
it holds kept beside the index, so that a command need not parse it.

Every command reads the configuration. Parsing it loads the YAML readers
(libyaml through PyYAML and ruamel's rules: about 30 ms of imports) for a file
that rarely changes. So once it has been read without a single problem, its
plain data is kept in ``.mokoord/config.cache``, stored with :mod:`marshal`
(a tampered cache cannot run code) under the file's fingerprint (mtime in ns,
size, inode) and the index's code stamp (:func:`mokoord.codestamp.code_stamp`:
the readers' and the models' code). A command whose file still has that
fingerprint validates the kept data instead of parsing the file. Any doubt
parses the file as before: no cache, another fingerprint or code, a damaged
cache, a file written within two seconds of being read (two edits within one
clock tick could share a fingerprint), or a problem found in the kept data.
So every problem is still reported at its ``path:line:col`` from the file.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
from pathlib import Path
from typing import Any

from mokoord.errors import Problem
from mokoord.location import CONFIG_FILE
from mokoord.models import Config
from mokoord.validation import validate_document
from mokoord.yamlio import Document, atomic_write, read_document

CACHE_FILE = "config.cache"
FRESH_SECONDS = 2.0
"""A file modified this recently is read, never kept."""
_VERSION = 1

Key = tuple[int, str, tuple[int, int, int]]


def read_config(root: Path, cache_dir: Path | None) -> tuple[Config | None, list[Problem]]:
    """The configuration of the store at ``root`` and the problems of its file;
    through the parsed data kept in ``cache_dir`` (``None``: always parse)."""
    path = root / CONFIG_FILE
    key = _key(path) if cache_dir is not None else None
    if key is not None and cache_dir is not None:
        data = _kept(cache_dir / CACHE_FILE, key)
        if data is not None:
            config, problems = validate_document(Document(CONFIG_FILE, data), Config)
            if config is not None and not problems:
                return config, problems
    doc = read_document(path, CONFIG_FILE)  # read after its fingerprint was taken
    config, problems = validate_document(doc, Config)
    if (
        key is not None
        and cache_dir is not None
        and config is not None
        and not problems
        and doc.data is not None
        and time.time() - key[2][0] / 1e9 > FRESH_SECONDS
    ):
        _keep(cache_dir, key, doc.data)
    return config, problems


def _key(path: Path) -> Key | None:
    from mokoord.shards import code_stamp

    try:
        status = os.stat(path)
    except OSError:
        return None
    return _VERSION, code_stamp(), (status.st_mtime_ns, status.st_size, status.st_ino)


def _kept(cache: Path, key: Key) -> dict[str, Any] | None:
    try:
        kept = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(kept, tuple) or len(kept) != 2 or kept[0] != key:
        return None
    data = kept[1]
    return data if isinstance(data, dict) else None


def _keep(cache_dir: Path, key: Key, data: dict[str, Any]) -> None:
    """Keep ``data`` for the next command; silently not where it cannot be (a
    value marshal cannot store, a folder that cannot be written)."""
    with contextlib.suppress(OSError, ValueError):
        content = marshal.dumps((key, data))
        cache_dir.mkdir(exist_ok=True)
        atomic_write(cache_dir / CACHE_FILE, content)
