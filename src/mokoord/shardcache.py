"""Results worked out from a shard's records, kept until the shard or their inputs change.

Some checks judge each record against all others at a cost worth sparing: the
privacy checks look for every person's name in every free text. Their
results for a shard are kept in ``<store>/.mokoord/index/<name>.cache`` under
a key made of the shard's digest (its files' fingerprints, see
:mod:`mokoord.shards`) and a digest of everything else the results depend on,
so that a check works out only the shards whose files or whose inputs
changed. A shard whose digest is empty (a file written within the clock tick
of the scan) is never taken from here nor kept.

Stored with :mod:`marshal` (plain data) and replaced atomically, like the
index; a damaged file, or one written by another version of mokoord or of the
modules that work the results out, counts as empty.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from pathlib import Path
from typing import Any

from mokoord.shards import ShardKey, code_stamp

PACKAGE = Path(__file__).parent


_STAMPS: dict[tuple[str, ...], str] = {}


def _stamp(sources: tuple[str, ...]) -> str:
    """The index's code stamp and a digest of the modules (relative to the package)
    that work the results out: results worked out by other code are not taken."""
    if sources not in _STAMPS:
        digest = hashlib.sha1(code_stamp().encode())
        for source in sources:
            with contextlib.suppress(OSError):
                digest.update((PACKAGE / source).read_bytes())
        _STAMPS[sources] = digest.hexdigest()
    return _STAMPS[sources]


class ShardCache:
    """One kind of results per shard (see the module's docstring)."""

    def __init__(
        self, root: Path, name: str, *, use: bool = True, sources: tuple[str, ...] = ()
    ) -> None:
        self.path = root / ".mokoord" / "index" / f"{name}.cache"
        self.use = use
        self.stamp = _stamp(sources)
        self._stored: dict[ShardKey, tuple[bytes, Any]] = {}
        self._kept: dict[ShardKey, tuple[bytes, Any]] = {}
        self._changed = False
        if use:
            self._stored = self._read()

    def _read(self) -> dict[ShardKey, tuple[bytes, Any]]:
        try:
            stamp, entries = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if stamp != self.stamp or not isinstance(entries, dict):
            return {}
        return entries

    @staticmethod
    def key(shard_digest: bytes, inputs: bytes) -> bytes | None:
        """The key of a shard's results (``None``: not to be cached)."""
        if not shard_digest:
            return None
        return hashlib.sha1(shard_digest + inputs).digest()

    def get(self, shard: ShardKey, key: bytes | None) -> Any:
        """The results kept for ``shard`` under ``key``, else ``None``."""
        found = self._stored.get(shard)
        if key is None or not isinstance(found, tuple) or len(found) != 2 or found[0] != key:
            return None
        self._kept[shard] = found
        return found[1]

    def put(self, shard: ShardKey, key: bytes | None, results: Any) -> None:
        if key is not None:
            self._kept[shard] = (key, results)
            self._changed = True

    def save(self) -> None:
        """Keep the results looked up or worked out by this command (and no others)."""
        from mokoord.yamlio import atomic_write

        if not self.use or not (self._changed or self._kept.keys() != self._stored.keys()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, marshal.dumps((self.stamp, self._kept)), durable=False)
        except OSError:
            pass  # the results are worked out again next time
