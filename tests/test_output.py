"""One set of output options for listings: --format, -o/--output, --json, --csv."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Cli


@pytest.fixture
def listed(cli: Cli) -> Cli:
    for name, district in (
        ("Marokkanisch-Deutscher Bildungsverein Ibn Battuta e.V.", "mitte"),
        ("Elternverein Biebrich", "biebrich"),
    ):
        result = cli("add-org", "--name", name, "--district", district, "--field", "education")
        assert result.exit_code == 0, result.output
    return cli


def test_the_format_follows_the_output_file(listed: Cli, tmp_path: Path) -> None:
    as_json = tmp_path / "orgs.json"
    assert listed("list", "-o", str(as_json)).exit_code == 0
    assert [row["id"] for row in json.loads(as_json.read_text())] == [
        "elternverein-biebrich",
        "marokkanisch-deutscher-bildungsverein-ibn-battuta",
    ]
    as_csv = tmp_path / "orgs.csv"
    assert listed("list", "--output", str(as_csv)).exit_code == 0
    rows = list(csv.reader(io.StringIO(as_csv.read_text("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["elternverein-biebrich", "Elternverein Biebrich"]


def test_format_json_is_the_same_as_the_json_flag(listed: Cli) -> None:
    assert listed("list", "--format", "json").stdout == listed("list", "--json").stdout
    assert listed("list", "-f", "csv").stdout == listed("list", "--csv").stdout


@pytest.mark.parametrize(
    "args",
    [("--json", "--csv"), ("--json", "--format", "csv"), ("--format", "pdf")],
)
def test_conflicting_or_unknown_formats_are_refused(listed: Cli, args: tuple[str, ...]) -> None:
    result = listed("list", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "--format" in result.output or "output format" in result.output


def test_an_output_folder_is_refused(listed: Cli, tmp_path: Path) -> None:
    result = listed("list", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder" in result.output


def _table(cli: Cli, width: int) -> str:
    result = cli("list", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", [80, 120])
def test_tables_fit_names_in_full_and_never_wrap_ids(listed: Cli, width: int) -> None:
    table = _table(listed, width)
    lines = table.splitlines()
    assert all(len(line) <= width for line in lines)
    assert "marokkanisch-deutscher-bildungsverein-ibn-battuta" in table  # one piece
    words = ["Marokkanisch-Deutscher", "Bildungsverein", "Ibn", "Battuta", "e.V."]
    shown = " ".join(" ".join(lines).split())
    assert " ".join(words) in shown or all(word in table for word in words)
    for word in words:  # wrapped, if at all, between words only
        assert any(word in line for line in lines)


def test_narrow_tables_drop_the_least_important_columns_first(listed: Cli) -> None:
    wide, narrow = _table(listed, 200), _table(listed, 80)
    assert "Fields of activity" in wide
    assert "Fields of activity" not in narrow
    assert "Status" in narrow
