"""A cold build of the index in pieces: files parsed a few at a time in worker
processes, each shard written as soon as its files are back, gives the very index,
records, problems and report of a build in one piece; one stopped by an error
leaves only whole shards, and the next command is right."""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord import index, indexparse, shards
from mokoord.dataset import KINDS
from mokoord.store import Store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes by fork")

SMALL = {"chunk": 7, "parallel": 1}
"""Every kind parsed by worker processes, seven files at a time: shards cut into chunks."""
WHOLE = {"parallel": 10**9}
"""Every file parsed in this process, a shard at a time."""
REPORT = ("report", "--year", "2023", "--format", "json", "--today", "2026-01-15")


def _prepare(demo: Store) -> None:
    """The demo store with broken files of a few kinds, every file old enough to trust."""
    broken = {
        "organisations/kaputt.yaml": "id: kaputt\nname: [unclosed\n",
        "organisations/ohne-name.yaml": "id: ohne-name\nstatus: known\n",
        "contacts/2023/2023-02-30-abcd.yaml": "id: 2023-02-30-abcd\ndate: 2023-02-30\n",
        "events/notiz.yml": "irgendwas: 1\n",
    }
    for relative, text in broken.items():
        (demo.root / relative).write_text(text, encoding="utf-8")
    then = time.time() - 60
    for path in demo.root.rglob("*.y*ml"):
        os.utime(path, (then, then))


def _build(root: Path, **sizes: int) -> None:
    shutil.rmtree(root / ".mokoord" / "index", ignore_errors=True)
    with index.quiet_gc():
        index.open_kinds(root, list(KINDS), **sizes)  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    """Marshalled data decoded, also where a part holds more of it as bytes: marshal
    writes a string shared by two places once, so equal content can differ in bytes
    between files parsed in this process and files parsed by workers."""
    if isinstance(value, bytes):
        try:
            return ("marshal", _plain(marshal.loads(value)))
        except (EOFError, ValueError, TypeError):
            return value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _content(root: Path) -> dict[str, list[Any]]:
    """Every shard file's parts, decoded (the token, new with every write, left out)."""
    found = {}
    for path in sorted((root / ".mokoord" / "index").rglob("*.idx")):
        data = path.read_bytes()
        lengths = [
            int.from_bytes(data[16 + 8 * i : 24 + 8 * i], "little") for i in range(shards.PARTS)
        ]
        parts: list[Any] = [data[:8]]
        offset = shards.HEADER
        for length in lengths:
            parts.append(_plain(marshal.loads(data[offset : offset + length])))
            offset += length
        parts.append(data[offset:])
        found[str(path.relative_to(root))] = parts
    return found


def _loaded(root: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    data = Store(root).load()
    records = {
        spec.folder: {
            key: record.model_dump_json() for key, record in getattr(data, spec.folder).items()
        }
        for spec in KINDS.values()
    }
    return records, sorted(str(problem) for problem in data.problems)


def test_a_build_in_small_chunks_equals_one_in_one_piece(demo: Store) -> None:
    _prepare(demo)
    root = demo.root
    cli = Cli(root)
    files = cli("--no-cache", *REPORT)
    assert files.exit_code == 0, files.output
    uncached = Store(root).load(use_cache=False)
    expected = _loaded(root)  # builds the index the ordinary way

    _build(root, **WHOLE)
    whole = _content(root)
    _build(root, **SMALL)
    assert _content(root) == whole
    assert len(whole) > 20  # many shards, most of them cut over several chunks

    records, problems = _loaded(root)
    assert (records, problems) == expected
    assert len(records["contacts"]) == len(uncached.contacts) > 3 * SMALL["chunk"]
    assert problems == sorted(str(problem) for problem in uncached.problems)
    assert any("kaputt.yaml" in problem for problem in problems)
    warm = cli(*REPORT)
    assert warm.exit_code == 0, warm.output
    assert warm.stdout == files.stdout


class Stop(Exception):
    pass


def _fail_parsing(relative: str) -> Any:
    original = indexparse.parse_file

    def parse(root: str, name: str, kind: str) -> Any:
        if name == relative:
            raise Stop(name)
        return original(root, name, kind)

    return parse


def _fail_writing(after: int) -> Any:
    original = shards.Shard.write
    written = [0]

    def write(self: shards.Shard, kind: str) -> None:
        if written[0] == after:
            raise Stop(kind)
        written[0] += 1
        original(self, kind)

    return write


@pytest.mark.parametrize("where", ["worker", "parent"])
def test_a_build_stopped_midway_leaves_whole_shards_and_the_next_is_right(
    demo: Store, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    _prepare(demo)
    root = demo.root
    expected = _loaded(root)
    report = Cli(root)(*REPORT).stdout
    shutil.rmtree(root / ".mokoord" / "index")

    with monkeypatch.context() as patch:
        if where == "worker":  # the workers are forked: they parse with this patch
            last = sorted((root / "contacts" / "2023").glob("*.yaml"))[-1]
            patch.setattr(indexparse, "parse_file", _fail_parsing(f"contacts/2023/{last.name}"))
        else:
            patch.setattr(shards.Shard, "write", _fail_writing(after=30))
        with pytest.raises(Stop):
            _build(root, **SMALL)

    folder = root / ".mokoord" / "index"
    written = list(folder.rglob("*.idx"))
    assert written  # stopped midway: some shards were written before
    assert [path.name for path in folder.rglob("*") if path.is_file() and path not in written] == []
    for path in written:  # each one whole
        shard = shards.Shard.read(path, path.parent.name)
        assert shard is not None
        assert shard.load_all()

    assert _loaded(root) == expected
    assert Cli(root)(*REPORT).stdout == report
