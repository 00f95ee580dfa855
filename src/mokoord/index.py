"""The index: a derived, git-ignored cache of validated records.

Parsing YAML is slow (a few thousand small files a second even with the C
parser), so reading every file on every command cannot scale. The index keeps,
per kind, every file's validated content together with the file's fingerprint
(modification time in nanoseconds, size, inode). A load stats every file and
parses again only those whose fingerprint changed, so it is never wrong:

* a file edited by hand, deleted, renamed or changed by ``git checkout`` or
  ``pull`` gets a new fingerprint and is read again;
* a file written within two seconds of the scan is not trusted next time
  either ("racily clean", as git calls it), so two edits within one clock
  tick cannot hide;
* an unreadable, corrupt or foreign-version index is discarded silently and
  rebuilt;
* it is written to a temporary file and renamed into place, so concurrent
  commands each see a complete index (the last writer wins; both are right).

The index lives in ``<store>/.mokoord/index/<kind>.marshal`` (marshal of
plain data: no code can be run by a tampered file, unlike pickle).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from mokoord.errors import Problem
from mokoord.records import Records

INDEX_VERSION = 5
RACY_SECONDS = 2.0
PARALLEL_THRESHOLD = 2000
"""Parse in several processes when at least this many files must be read."""

Fingerprint = tuple[int, int, int]
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called while files are parsed."""


Payload = tuple[str, str, str | None, tuple[Any, ...] | None]
"""A validated record: (its JSON, its id, its date or ``None``, its columns)."""


def _rows() -> dict[str, Any]:
    from mokoord.facts import contact_row

    return {"contact": contact_row}


Problems = tuple[tuple[Any, ...], ...]
Entry = tuple[Fingerprint | None, Payload | None, Problems]
"""(fingerprint or ``None`` when too fresh to trust, the record or ``None``
when it did not validate, its problems as tuples)."""


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects.

    Loading creates hundreds of thousands of small objects and no cycles; the
    collector would scan the growing heap again and again (measured: 7 times
    slower). Objects that survive are frozen out of later collections.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _code_stamp() -> str:
    """Changes whenever mokoord or its models change: such an index is foreign."""
    from mokoord import __version__, models

    digest = hashlib.sha1(f"{INDEX_VERSION}:{__version__}".encode())
    here = Path(__file__).parent
    # what decides the index's content: this module, the facts rows, the models
    sources = [
        Path(__file__),
        here / "facts.py",
        *sorted(Path(models.__file__).parent.glob("*.py")),
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


def scan(root: Path, folder: str) -> dict[str, Fingerprint]:
    """Every ``*.yaml`` below ``root/folder`` (hidden entries skipped) → fingerprint.

    This runs on every command over every file, so it is kept lean: one
    ``stat`` per file, no ``Path`` objects.
    """
    found: dict[str, Fingerprint] = {}
    base = os.fspath(root) + os.sep
    is_regular = stat.S_ISREG
    stack = [folder]
    while stack:
        relative = stack.pop()
        try:
            entries = os.scandir(base + relative)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if name.endswith(".yaml"):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if is_regular(st.st_mode):
                        found[relative + "/" + name] = (st.st_mtime_ns, st.st_size, st.st_ino)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(relative + "/" + name)
    return found


def parse_file(root: str, relative: str, kind: str) -> tuple[str, Payload | None, Problems]:
    """Read, parse and validate one file; plain results only (used in worker processes)."""
    from mokoord.store import KINDS
    from mokoord.validation import validate_document
    from mokoord.yamlio import read_document

    model = KINDS[kind].model
    path = Path(root) / relative
    doc = read_document(path, relative, locate=False)
    record, problems = validate_document(doc, model)
    if record is None and doc.data is not None:
        # Only a failing file needs positions: parse it again to place its problems.
        record, problems = validate_document(read_document(path, relative), model)
    payload = None
    if record is not None:
        when = getattr(record, "date", None)
        row = _rows().get(kind)
        payload = (
            record.model_dump_json(exclude_none=True, exclude_defaults=True, by_alias=True),
            record.id,
            when.isoformat() if when is not None else None,
            row(record) if row else None,
        )
    return relative, payload, tuple(_problem_tuple(p) for p in problems)


def _problem_tuple(problem: Problem) -> tuple[Any, ...]:
    return (
        problem.path,
        problem.line,
        problem.column,
        problem.severity,
        problem.code,
        problem.message,
    )


def _parse_chunk(root: str, kind: str, relatives: list[str]) -> list[tuple[str, Any, Any]]:
    return [parse_file(root, relative, kind) for relative in relatives]


class KindIndex:
    """The cached files of one kind."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        self.path = root / ".mokoord" / "index" / f"{kind}.marshal"
        self.entries: dict[str, Entry] = {}

    def read(self) -> None:
        """Load the index file; anything unusable is silently ignored."""
        self.entries = {}
        try:
            raw = self.path.read_bytes()
            header, entries = marshal.loads(raw)
            if header != (code_stamp(), self.kind):
                return
            if not isinstance(entries, dict):
                return
            self.entries = entries
        except (OSError, EOFError, ValueError, TypeError):
            self.entries = {}

    def write(self) -> None:
        from mokoord.yamlio import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(self.path, marshal.dumps(((code_stamp(), self.kind), self.entries)))

    def refresh(self, *, progress: Progress | None = None) -> bool:
        """Bring the entries up to date with the files; True when anything changed."""
        from mokoord.store import KINDS

        folder = KINDS[self.kind].folder
        now_ns = time.time_ns()
        racy_ns = now_ns - int(RACY_SECONDS * 1e9)
        files = scan(self.root, folder)
        changed = [
            rel for rel, fp in files.items() if (e := self.entries.get(rel)) is None or e[0] != fp
        ]
        removed = [rel for rel in self.entries if rel not in files]
        for rel in removed:
            del self.entries[rel]
        if not changed:
            return bool(removed)
        results = self._parse(sorted(changed), progress)
        for relative, payload, problems in results:
            fingerprint = files[relative]
            trusted = fingerprint if fingerprint[0] < racy_ns else None
            self.entries[relative] = (trusted, payload, problems)
        return True

    def _parse(self, relatives: list[str], progress: Progress | None) -> list[tuple[str, Any, Any]]:
        total = len(relatives)
        workers = min(os.cpu_count() or 1, 4)
        if total < PARALLEL_THRESHOLD or workers < 2:
            results = []
            for done, relative in enumerate(relatives, 1):
                results.append(parse_file(str(self.root), relative, self.kind))
                if progress and done % 200 == 0:
                    progress(done, total)
            if progress:
                progress(total, total)
            return results
        size = max(200, total // (workers * 8))
        chunks = [relatives[i : i + size] for i in range(0, total, size)]
        results = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_parse_chunk, str(self.root), self.kind, chunk) for chunk in chunks
            ]
            for future in futures:
                results.extend(future.result())
                if progress:
                    progress(len(results), total)
        return results


def load_kind(
    root: Path,
    kind: str,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> tuple[Records[Any], list[Problem], dict[str, str]]:
    """Records of one kind (lazily validated), their problems, and id → file.

    With ``use_cache`` the index is used and brought up to date; without, every
    file is read (and the index left alone).
    """
    from mokoord.store import KINDS

    index = KindIndex(root, kind)
    if use_cache:
        index.read()
    if index.refresh(progress=progress) and use_cache:
        index.write()
    payloads: dict[str, str] = {}
    dates: dict[str, str] = {}
    columns: dict[str, tuple[Any, ...]] = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for relative, (_fingerprint, payload, found) in index.entries.items():
        if found:
            problems.extend(Problem(*p) for p in found)
        if payload is None:
            continue
        text, record_id, when, values = payload
        if record_id in sources and sources[record_id] < relative:
            continue  # a duplicate id: the first file by path wins; check reports it
        payloads[record_id] = text
        sources[record_id] = relative
        if when is not None:
            dates[record_id] = when
        if values is not None:
            columns[record_id] = values
    return Records(KINDS[kind].model, payloads, dates, columns), problems, sources
