"""The fast reader (libyaml through PyYAML) reads every file exactly as ruamel's reader does.

Plain reads compose with PyYAML's C parser, four times faster than ruamel's;
ruamel stays for errors (their message and place), directives, and editing.
Both must give the same document: data, problems, and every position.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mokoord import yamlio, yamlparse
from test_hostile import HOSTILE

REPO = Path(__file__).resolve().parent.parent

# Plain scalars that YAML 1.1 and 1.2 readers, or the resolvers, treat differently
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "True", "TRUE", "false", "FALSE",
    "null", "Null", "NULL", "~", "", "010", "0o17", "0x1f", "0b101", "1_000", "1:20", "1:20.5",
    "+1", "-1", "0", "-0", "1.5", "1.", ".5", "-.5", "1e3", "1E-3", "1.5e+3", ".inf", "-.Inf",
    ".nan", ".NaN", "2023-03-14", "2023-3-14", "2023-02-30", "2023-03-14 10:00:00",
    "2023-03-14T10:00:00Z", "2023-03-14t10:00:00.5+01:00", "2023-03-14 10:00", "<<", "=",
    "65203", "+49 611 123456", "12.50", "12,50", "a: b", "Straße", "x#y", "@home",
]  # fmt: skip


def _without_fast_reader(raw: bytes) -> yamlio.Document:
    fast = yamlparse.fast_parser
    yamlparse.fast_parser = lambda: None  # type: ignore[assignment]
    try:
        return yamlio.parse_document("x.yaml", raw)
    finally:
        yamlparse.fast_parser = fast


def _same(raw: bytes) -> None:
    assert yamlparse.fast_parser() is not None, "PyYAML's C extension is missing"
    fast = yamlio.parse_document("x.yaml", raw)
    slow = _without_fast_reader(raw)
    assert fast == slow, raw


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_read_alike(name: str) -> None:
    _same(HOSTILE[name][0])


def _store_files() -> Iterator[Path]:
    yield from sorted((REPO / "data").rglob("*.yaml"))
    yield from sorted((REPO / "tests").rglob("*.yaml"))


def test_every_file_of_the_demo_store_reads_alike() -> None:
    files = list(_store_files())
    assert len(files) > 50
    for path in files:
        _same(path.read_bytes())


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_plain_scalars_read_alike(value: str) -> None:
    for text in (
        f"id: x\nvalue: {value}\n",
        f"id: x\nvalue: [{value}, '{value}']\n",
        f"id: x\nvalue:\n  - {value}\n  - k: {value}\n",
        f"{value}: 1\n",
    ):
        _same(text.encode("utf-8"))


def test_directives_go_through_ruamel() -> None:
    for text in ("%YAML 1.1\n---\na: yes\nb: 010\n", "%TAG ! tag:yaml.org,2002:\n---\na: !str 1\n"):
        _same(text.encode())


SCALARS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet="ab0123456789.-+:_ eE~xo", max_size=12),
)
PIECES = st.sampled_from(
    ["\n", "  ", "- ", ": ", "[", "]", "{", "}", ", ", "'", '"', "#", "&a ", "*a", "!!str ",
     "! ", "|", ">", "? ", "---\n", "\t", "key", "id: x\n"]
)  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Mostly well-formed mappings with nested lists and mappings, some broken."""
    lines = ["id: x"]
    for number in range(draw(st.integers(0, 6))):
        style = draw(st.integers(0, 4))
        value = draw(SCALARS)
        if style == 0:
            lines.append(f"k{number}: {value}")
        elif style == 1:
            items = draw(st.lists(SCALARS, max_size=4))
            lines.append(f"k{number}: [{', '.join(items)}]")
        elif style == 2:
            lines.append(f"k{number}:")
            lines += [f"  - {item}" for item in draw(st.lists(SCALARS, max_size=3))]
        elif style == 3:
            lines.append(f"k{number}:\n  inner: {value}\n  other: '{value}'")
        else:
            lines.append("".join(draw(st.lists(PIECES, max_size=8))) + str(value))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_alike(text: str) -> None:
    _same(text.encode("utf-8"))
