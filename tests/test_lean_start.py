"""A warm read-only listing starts lean: the configuration is not parsed again
while its file is unchanged, and a table into a pipe is written without
rich's console. Its output stays what it was; a changed file is read again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mokoord.configfile import CACHE_FILE, read_config
from mokoord.errors import InvalidData
from mokoord.store import CACHE_DIR, Store

DRIVER = """
import json, os, sys
import mokoord.cli as cli

def leave(code):
    sys.stdout.flush()
    sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)

cli._exit_now = leave
sys.argv = ["mokoord", *sys.argv[1:]]
cli.main()
"""

HEAVY = ("ruamel.yaml", "yaml", "rich.console", "importlib.metadata")
LISTINGS = (("list", "--json"), ("list",), ("institutions",))


def _run(root: Path, *args: str) -> tuple[str, set[str]]:
    """``mokoord ARGS`` in a true process, its output into a pipe: the output
    and the modules it imported."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        cwd=root,
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return done.stdout, set(json.loads(line.removeprefix("MODULES ")))


def _aged(path: Path, seconds: float = 60) -> None:
    """As if the file had been written a while ago (a fresh file is never kept)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_warm_listing_imports_no_yaml_reader_and_no_console(demo: Store) -> None:
    _aged(demo.root / "mokoord.yaml")
    first = {args: _run(demo.root, *args)[0] for args in LISTINGS}  # builds the index
    assert (demo.root / CACHE_DIR / CACHE_FILE).is_file()
    for args in LISTINGS:
        output, modules = _run(demo.root, *args)
        assert output == first[args]  # the same bytes as when everything was parsed
        assert not modules & set(HEAVY), (args, modules & set(HEAVY))
    assert "Deutsch-Türkischer Elternverein Biebrich" in first[("list",)]

    # a changed record is read again (through the YAML readers), and listed
    organisation = demo.root / "organisations" / "deutsch-tuerkischer-elternverein-biebrich.yaml"
    text = organisation.read_text("utf-8")
    organisation.write_text(
        text.replace("Elternverein Biebrich e.V.", "Elternverein Biebrich-Süd", 1)
    )
    _aged(organisation, 30)  # else the index reads it again until it is two seconds old
    output, modules = _run(demo.root, "list")
    assert "Elternverein Biebrich-Süd" in output
    assert "yaml" in modules
    output, modules = _run(demo.root, "list")  # and the next listing is lean again
    assert "Elternverein Biebrich-Süd" in output
    assert not modules & set(HEAVY)


def test_a_changed_configuration_is_read_again(demo: Store) -> None:
    config = demo.root / "mokoord.yaml"
    _aged(config)
    _run(demo.root, "institutions")
    text = config.read_text("utf-8")
    assert "city: Wiesbaden\n" in text
    config.write_text(text.replace("city: Wiesbaden\n", "city: Mainz\n", 1), encoding="utf-8")
    _aged(config, 30)
    config_now, problems = read_config(demo.root, demo.root / CACHE_DIR)
    assert config_now is not None
    assert config_now.city == "Mainz"
    assert problems == []


def test_a_broken_configuration_is_reported_at_its_place_after_it_was_kept(demo: Store) -> None:
    config = demo.root / "mokoord.yaml"
    _aged(config)
    store = Store(demo.root)
    assert read_config(demo.root, store.cache_dir)[0] is not None
    assert (store.cache_dir / CACHE_FILE).is_file()
    text = config.read_text("utf-8")
    line = text[: text.index("  stale_after_months: 12")].count("\n") + 1
    config.write_text(text.replace("stale_after_months: 12", "stale_after_months: zwölf", 1))
    _aged(config, 30)
    with pytest.raises(InvalidData) as raised:
        Store(demo.root).load_config()
    shown = [problem.shown() for problem in raised.value.problems]
    assert any(entry.startswith(f"mokoord.yaml:{line}:23:") for entry in shown), shown


def test_a_fresh_or_damaged_cache_is_never_trusted(demo: Store) -> None:
    config = demo.root / "mokoord.yaml"
    cache = demo.root / CACHE_DIR / CACHE_FILE
    os.utime(config)  # written just now
    read_config(demo.root, demo.root / CACHE_DIR)
    assert not cache.exists()  # written just now: it could change within the clock's tick
    _aged(config)
    expected, _problems = read_config(demo.root, demo.root / CACHE_DIR)
    assert cache.is_file()
    cache.write_bytes(b"\x00not marshal")
    assert read_config(demo.root, demo.root / CACHE_DIR) == (expected, [])
    assert read_config(demo.root, None) == (expected, [])  # --no-cache parses


def test_kept_data_of_another_file_is_not_taken(demo: Store, tmp_path: Path) -> None:
    """A cache copied from another store (another fingerprint) is ignored."""
    config = demo.root / "mokoord.yaml"
    _aged(config)
    read_config(demo.root, demo.root / CACHE_DIR)
    other = tmp_path / "other"
    other.mkdir()
    (other / "mokoord.yaml").write_text(
        config.read_text("utf-8").replace("city: Wiesbaden\n", "city: Kassel\n", 1),
        encoding="utf-8",
    )
    _aged(other / "mokoord.yaml")
    kept = other / CACHE_DIR
    kept.mkdir()
    (kept / CACHE_FILE).write_bytes((demo.root / CACHE_DIR / CACHE_FILE).read_bytes())
    found, _problems = read_config(other, kept)
    assert found is not None
    assert found.city == "Kassel"
