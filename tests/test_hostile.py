"""Hostile and broken files: a clear problem at the right line, quickly, never a crash.

Each case is parsed directly (code, line, column, time) and, at the end, all of
them together through ``mokoord check`` on a real store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mokoord.yamlio import MAX_FILE_BYTES, parse_document, read_document

QUICK = 1.0  # seconds; every hostile file is refused far faster than this

BILLION_LAUGHS = textwrap.dedent(
    """\
    id: lol
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """
).encode()

# name → (file bytes, expected code, expected line, expected column or None)
HOSTILE: dict[str, tuple[bytes, str, int, int | None]] = {
    "python-tag": (
        b"id: evil\nname: !!python/object/apply:os.system ['touch pwned']\n",
        "forbidden-tag",
        2,
        7,
    ),
    "local-tag": (b"id: evil\nname: !secret value\n", "forbidden-tag", 2, 7),
    "tag-on-mapping": (
        b"id: evil\naddress: !!python/object:os.Foo {a: 1}\n",
        "forbidden-tag",
        2,
        10,
    ),
    "billion-laughs": (BILLION_LAUGHS, "alias", 3, 8),
    "recursive-alias": (b"id: loop\nname: &a [*a]\n", "alias", 2, 11),
    "merge-key": (b"id: m\nbase: &b {x: 1}\nother:\n  <<: *b\n", "alias", 4, 3),
    "deep-flow": (b"id: deep\nname: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "too-deep", 2, None),
    "deep-flow-mapping": (
        b"id: deep\nname: " + b"{a: " * 5_000 + b"}" * 5_000 + b"\n",
        "too-deep",
        2,
        None,
    ),
    "deep-block-sequence": (b"id: deep\nname:\n" + b"- " * 30_000 + b"x\n", "too-deep", 3, 1),
    "deep-block-mapping": (
        b"id: deep\n"
        + b"".join(b" " * i + b"k:\n" for i in range(1, 1200))
        + b" " * 1200
        + b"x: 1\n",
        "too-deep",
        None,  # type: ignore[dict-item]
        None,
    ),
    "moderately-deep": (b"id: deep\nname: " + b"[" * 100 + b"]" * 100 + b"\n", "too-deep", 2, None),
    "huge-file": (
        b"id: huge\nnotes: " + b"x" * (MAX_FILE_BYTES + 1) + b"\n",
        "file-too-large",
        1,
        1,
    ),
    "invalid-utf8": (b"id: latin\nname: Caf\xe9 Berlin\n", "invalid-encoding", 2, 10),
    "utf16": ("id: x\n".encode("utf-16"), "invalid-encoding", 1, 1),
    "nul-byte": (b"id: nul\nname: a\x00b\n", "invalid-encoding", 2, 8),
    "several-documents": (
        b"id: one\nname: One\n---\nid: two\nname: Two\n",
        "multiple-documents",
        3,
        1,
    ),
    "conflict-markers": (
        b"id: c\n<<<<<<< HEAD\nname: Ours\n=======\nname: Theirs\n>>>>>>> feature\n",
        "merge-conflict",
        2,
        1,
    ),
    "empty": (b"", "empty-file", 1, 1),
    "whitespace-only": (b"  \n\n", "empty-file", 1, 1),
    "comments-only": (b"# nothing here\n# yet\n", "empty-file", 1, 1),
    "document-marker-only": (b"---\n", "empty-file", 1, 1),
    "a-list": (b"- id: a\n- id: b\n", "not-a-mapping", 1, 1),
    "a-scalar": (b"just some words\n", "not-a-mapping", 1, 1),
    "duplicate-key": (b"id: d\nname: One\nstatus: known\nname: Two\n", "duplicate-key", 4, 1),
    "tab-indentation": (b"id: t\naddress:\n\tcity: Wiesbaden\n", "yaml-syntax", 3, 1),
    "unclosed-flow": (b"id: u\nfields: [a, b\nname: x\n", "yaml-syntax", None, None),  # type: ignore[dict-item]
    "bad-indentation": (b"id: b\nname: x\n  status: known\n", "yaml-syntax", 3, None),
    "control-character": (b"id: c\nname: a\x07b\n", "yaml-syntax", None, None),  # type: ignore[dict-item]
    "complex-key": (b"id: k\n? [a, b]\n: value\n", "invalid-key", 2, 3),
    "many-lines": (b"id: x\nname:\n" + b"- a\n" * 200_000, "too-large", 20_001, 1),
    "many-flow-items": (b"id: x\nname: [" + b"a," * 500_000 + b"]\n", "too-large", 1, 1),
    "many-values": (
        b"id: x\nname: [" + b"a, " * 19_000 + b"]\n" + b"n: [" + b"[a], " * 9_000 + b"]\n",
        "too-large",
        None,
        None,
    ),  # type: ignore[dict-item]
    "too-long-number": (b"id: n\ncount: " + b"9" * 5000 + b"\n", "invalid-number", 2, 8),
    "not-a-number": (b"id: n\namount: .nan\n", "invalid-number", 2, 9),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_quickly_at_its_line(name: str) -> None:
    raw, code, line, column = HOSTILE[name]
    start = time.perf_counter()
    doc = parse_document(f"{name}.yaml", raw)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK, f"{name} took {elapsed:.2f}s"
    codes = [problem.code for problem in doc.problems]
    assert code in codes, doc.problems
    problem = doc.problems[codes.index(code)]
    assert problem.severity == "error"
    assert problem.path == f"{name}.yaml"
    if line is not None:
        assert problem.line == line, problem
    if column is not None:
        assert problem.column == column, problem
    assert problem.message
    assert "Traceback" not in problem.message


def test_python_tag_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    raw = f"id: evil\nname: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    doc = parse_document("evil.yaml", raw)
    assert doc.data is None
    assert not marker.exists()


def test_billion_laughs_is_refused_without_expanding() -> None:
    doc = parse_document("lol.yaml", BILLION_LAUGHS)
    assert doc.data is None
    assert [p.code for p in doc.problems] == ["alias"]
    assert "aliases" in doc.problems[0].message


def test_anchor_without_alias_is_harmless() -> None:
    doc = parse_document("a.yaml", b"id: a\nname: &n Verein\n")
    assert doc.problems == []
    assert doc.data == {"id": "a", "name": "Verein"}


def test_many_duplicate_keys_give_a_bounded_report() -> None:
    doc = parse_document("d.yaml", b"id: d\n" + b"name: x\n" * 15_000)
    assert 1 <= len(doc.problems) <= 20
    assert {p.code for p in doc.problems} == {"duplicate-key"}


def test_deep_block_mapping_is_refused_before_parsing() -> None:
    raw = HOSTILE["deep-block-mapping"][0]
    doc = parse_document("deep.yaml", raw)
    assert [p.code for p in doc.problems] == ["too-deep"]
    # the line where the nesting passes the limit, not line 1
    assert doc.problems[0].line > 100


def test_nesting_just_over_the_record_limit_points_at_the_value() -> None:
    doc = parse_document("deep.yaml", b"id: deep\nname: " + b"[" * 40 + b"]" * 40 + b"\n")
    assert [p.code for p in doc.problems] == ["too-deep"]
    assert doc.problems[0].line == 2


DEEP_SCRIPT = """
import sys
from mokoord.yamlio import parse_document
depth = int(sys.argv[1])
cases = [
    b"id: deep\\nname: " + b"[" * depth + b"]" * depth + b"\\n",
    b"id: deep\\nname: " + b"{a: " * depth + b"}" * depth + b"\\n",
    b"id: deep\\nname:\\n" + b"- " * depth + b"x\\n",
    b"id: deep\\nname:\\n" + b"? " * depth + b"x\\n",
]
for raw in cases:
    doc = parse_document("deep.yaml", raw)
    assert doc.data is None
    print(doc.problems[0].code)
"""


@pytest.mark.parametrize("depth", [25_000, 100_000])
def test_very_deep_nesting_does_not_crash_the_interpreter(depth: int) -> None:
    """The C composer recurses per level and would overflow the C stack (a segfault)."""
    result = subprocess.run(
        [sys.executable, "-c", DEEP_SCRIPT, str(depth)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr  # -11 would be a segfault
    assert result.stdout.split() == ["too-deep"] * 4


def test_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    doc = read_document(folder, "a-folder.yaml")
    assert doc.data is None
    assert [p.code for p in doc.problems] == ["unreadable"]


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"id: huge\nnotes: ")
        handle.seek(200 * 1024 * 1024)
        handle.write(b"x\n")  # a sparse 200 MB file
    start = time.perf_counter()
    doc = read_document(path, "huge.yaml")
    assert time.perf_counter() - start < QUICK
    assert [p.code for p in doc.problems] == ["file-too-large"]
    assert "1 MiB" in doc.problems[0].message


# ------------------------------------------------------------------ through `mokoord check`

STORE_CASES = [
    "python-tag",
    "billion-laughs",
    "recursive-alias",
    "deep-flow",
    "deep-block-sequence",
    "huge-file",
    "invalid-utf8",
    "nul-byte",
    "several-documents",
    "conflict-markers",
    "empty",
    "comments-only",
    "a-list",
    "a-scalar",
    "duplicate-key",
    "tab-indentation",
]


def test_check_lists_every_hostile_file_with_its_line(cli, store) -> None:  # type: ignore[no-untyped-def]
    expected = {}
    for name in STORE_CASES:
        raw, code, line, _column = HOSTILE[name]
        (store.root / "organisations" / f"{name}.yaml").write_bytes(raw)
        expected[f"organisations/{name}.yaml"] = (code, line)
    start = time.perf_counter()
    result = cli("check", "--json")
    assert time.perf_counter() - start < 10
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)
    by_path: dict[str, list[dict[str, object]]] = {}
    for problem in problems:
        by_path.setdefault(str(problem["path"]), []).append(problem)
    for path, (code, line) in expected.items():
        found = by_path.get(path, [])
        assert any(p["code"] == code and p["line"] == line for p in found), (path, found)
    # the text form says the same, one line per problem, and no traceback
    text = cli("check")
    assert text.exit_code == 1
    assert "Traceback" not in text.output
    for path, (code, line) in expected.items():
        assert f"{path}:{line}:" in text.stdout
        assert f"error {code} " in text.stdout
    # the good part of the store is still readable: the config is fine
    assert "mokoord.yaml" not in text.stdout


def test_check_on_hostile_store_in_a_real_process(store, mokoord_process) -> None:  # type: ignore[no-untyped-def]
    run_mokoord = mokoord_process
    for name in ("python-tag", "billion-laughs", "deep-flow", "nul-byte", "a-list"):
        (store.root / "organisations" / f"{name}.yaml").write_bytes(HOSTILE[name][0])
    result = run_mokoord("--data", str(store.root), "check", cwd=store.root)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "organisations/python-tag.yaml:2:7: error forbidden-tag" in result.stdout
    assert "organisations/billion-laughs.yaml:3:8: error alias" in result.stdout
    assert "organisations/a-list.yaml:1:1: error not-a-mapping" in result.stdout
    assert "5 errors" in result.stderr


def test_hostile_config_file_is_reported_not_crashed(cli, store) -> None:  # type: ignore[no-untyped-def]
    (store.root / "mokoord.yaml").write_bytes(BILLION_LAUGHS)
    result = cli("check")
    assert result.exit_code == 1
    assert "mokoord.yaml:3:8: error alias" in result.stdout


def test_a_link_or_a_fifo_is_named_not_followed_nor_skipped(cli, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A record file that is a symbolic link (here to a file outside the store) or a
    FIFO is named by `check` and by a listing, without reading what lies behind it."""
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: secret\nname: Geheim e.V.\n", encoding="utf-8")
    folder = store.root / "organisations"
    (folder / "secret.yaml").symlink_to(outside)
    os.mkfifo(folder / "pipe.yaml")
    result = cli("check", "--json")
    assert result.exit_code == 1, result.output
    codes = {(p["path"], p["code"]) for p in json.loads(result.stdout)}
    assert ("organisations/secret.yaml", "symbolic-link") in codes
    assert ("organisations/pipe.yaml", "not-a-file") in codes
    listing = cli("--lang", "de", "list")
    assert "Geheim" not in listing.stdout
    assert "organisations/secret.yaml" in listing.stderr
    assert "symbolische Verknüpfung" in listing.stderr
    assert "organisations/pipe.yaml" in listing.stderr
    assert json.loads(cli("--no-cache", "check", "--json").stdout) == json.loads(result.stdout)
