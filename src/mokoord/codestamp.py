"""The code stamp of the index: what makes an index written by other code foreign.

An index, its shards and the figures kept beside it are trusted only when they
were made by the very code reading them (:func:`code_stamp`); any change of
mokoord's reading, validating, facts or messages, or of the index's format
(:data:`INDEX_VERSION`), makes every command build it anew.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

INDEX_VERSION = 11
"""The format of the index's files (``shards.MAGIC`` names it too)."""


def _code_stamp() -> str:
    """Changes whenever mokoord, its models or its messages change: such an index is foreign."""
    from mokoord import __version__, models

    digest = hashlib.sha1(f"{INDEX_VERSION}:{__version__}".encode())
    here = Path(__file__).parent
    # what decides the index's content: reading, validating, facts, claims, the
    # models, and the catalogues that word the problems
    sources = [
        Path(__file__),
        here / "shards.py",
        *(here / name for name in ("index.py", "indexparse.py", "indexrows.py", "intake.py")),
        *(here / name for name in ("scanning.py", "spans.py", "facts.py")),
        here / "checkfacts.py",
        *(here / name for name in ("privacyfacts.py", "privacy/texts.py")),
        *(here / name for name in ("yamlparse.py", "yamlio.py", "validation.py")),
        *sorted(Path(models.__file__).parent.glob("*.py")),
        *sorted((here / "locale").glob("*/LC_MESSAGES/*.mo")),
    ]
    for source in sources:
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()


_STAMP: str | None = None


def code_stamp() -> str:
    global _STAMP
    if _STAMP is None:
        _STAMP = _code_stamp()
    return _STAMP
