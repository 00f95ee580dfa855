"""Reading the files the index must take in: one at a time in this process, or
with many of them in worker processes, :data:`CHUNK_FILES` at a time.

Each file is read, parsed and validated once (:func:`parse_file`: plain results
only, so that they pass between processes). A cold build of 100,000 files hands
the workers only :data:`IN_FLIGHT` chunks per worker ahead of the parent, and
each shard is handed on as soon as its last file is back: what the parent holds
does not grow with the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from mokoord.errors import Problem
from mokoord.shards import Parsed, ShardKey

PARALLEL_THRESHOLD = 2000
"""Parse in several processes when at least this many files must be read."""
CHUNK_FILES = 1000
"""Files a worker process parses at a time (a shard's files may be split over several)."""
IN_FLIGHT = 2
"""Chunks handed to the workers ahead of the parent, per worker: what is parsed but not
yet written stays this small however large the store."""
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called while files are parsed."""


def _rows() -> dict[str, Any]:
    from mokoord.facts import ROWS

    return ROWS


def parse_file(root: str, relative: str, kind: str, raw: bytes | None = None) -> Parsed:
    """Read, parse and validate one file (or ``raw``, its bytes as read already);
    plain results only (used in worker processes)."""
    from mokoord.checkfacts import claims_of, file_facts
    from mokoord.dataset import KINDS
    from mokoord.validation import validate_document
    from mokoord.yamlio import parse_document, read_document

    spec = KINDS[kind]
    if raw is None:
        doc = read_document(root + os.sep + relative, relative)
    else:
        doc = parse_document(relative, raw)
    record, problems = validate_document(doc, spec.model)
    payload = claims = None
    year = None
    if record is not None:
        when = getattr(record, "date", None)
        row = _rows().get(kind)
        payload = (
            record.model_dump_json(exclude_none=True, exclude_defaults=True, by_alias=True),
            record.id,
            when.isoformat() if when is not None else None,
            row(record) if row else None,
        )
        claims = claims_of(kind, record, doc)
        if spec.year_of is not None:
            year = spec.year_of(record)
    problem_rows = tuple(_problem_tuple(p) for p in problems)
    return relative, payload, problem_rows, file_facts(doc, record, year), claims


def _problem_tuple(problem: Problem) -> tuple[Any, ...]:
    return (
        problem.path,
        problem.line,
        problem.column,
        problem.severity,
        problem.code,
        problem.message,
    )


def _parse_chunk(root: str, kind: str, relatives: list[str], lang: str) -> list[Parsed]:
    from mokoord import i18n

    if i18n.language() != lang:  # a worker started afresh rather than forked
        i18n.set_language(lang)
    return [parse_file(root, relative, kind) for relative in relatives]


def _chunks(changed: dict[ShardKey, list[str]], size: int) -> Iterator[list[tuple[ShardKey, str]]]:
    """The changed files in order, ``size`` to a chunk: (shard, file name)."""
    chunk: list[tuple[ShardKey, str]] = []
    for key, names in changed.items():
        for name in names:
            chunk.append((key, name))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def parse_changed(
    root: str,
    kind: str,
    changed: dict[ShardKey, list[str]],
    lang: str,
    progress: Progress | None,
    *,
    chunk: int = CHUNK_FILES,
    parallel: int | None = None,
) -> Iterator[tuple[ShardKey, dict[str, Parsed]]]:
    """Each shard with its changed files read (name → what :func:`parse_file` found).

    With many files they are read in several processes (:func:`_parse_parallel`);
    each shard is handed on as soon as its files are read, so that its update
    and writing overlap the reading of the rest.
    """
    total = sum(len(names) for names in changed.values())
    workers = min(os.cpu_count() or 1, 4)
    if total >= (PARALLEL_THRESHOLD if parallel is None else parallel) and workers >= 2:
        yield from _parse_parallel(root, kind, changed, lang, progress, workers, total, chunk)
        return
    done = 0
    for key, names in changed.items():
        found = {}
        for name in names:
            found[name] = parse_file(root, f"{key[0]}/{name}", kind)
            done += 1
            if progress and done % 200 == 0:
                progress(done, total)
        yield key, found
    if progress:
        progress(total, total)


def _parse_parallel(
    root: str,
    kind: str,
    changed: dict[ShardKey, list[str]],
    lang: str,
    progress: Progress | None,
    workers: int,
    total: int,
    size: int,
) -> Iterator[tuple[ShardKey, dict[str, Parsed]]]:
    """Parse in ``workers`` processes, ``size`` files at a time.

    The files are cut into chunks in order, so a shard's files lie in one
    chunk or in a few that follow each other. Only :data:`IN_FLIGHT` chunks
    per worker are handed out ahead of the parent; a shard is handed on once
    all its files are back and its results dropped then, so what the parent
    holds does not grow with the store: a cold build of 100,000 files keeps
    a few thousand parsed files in memory at once, not all of them.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    waiting = {key: len(names) for key, names in changed.items()}
    found: dict[ShardKey, dict[str, Parsed]] = {}
    for key in [key for key, count in waiting.items() if not count]:
        del waiting[key]
        yield key, {}  # it lost files only
    chunks = _chunks(changed, size)
    pending: dict[Future[list[Parsed]], list[tuple[ShardKey, str]]] = {}
    done = 0
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        while True:
            while len(pending) < workers * IN_FLIGHT:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                relatives = [f"{key[0]}/{name}" for key, name in chunk]
                pending[pool.submit(_parse_chunk, root, kind, relatives, lang)] = chunk
            if not pending:
                break
            ready, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in ready:
                chunk = pending.pop(future)
                results = future.result()
                for (key, name), parsed in zip(chunk, results, strict=True):
                    found.setdefault(key, {})[name] = parsed
                    waiting[key] -= 1
                del results, future
                for key in dict.fromkeys(key for key, _name in chunk):
                    if not waiting[key]:
                        del waiting[key]
                        files = found.pop(key)
                        yield key, {name: files[name] for name in changed[key]}
                done += len(chunk)
                if progress:
                    progress(done, total)
    finally:
        # an exception (here or where the shards are taken in) leaves no work behind
        pool.shutdown(wait=True, cancel_futures=True)
