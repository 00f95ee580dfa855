"""A non-editable install ships the report templates and the compiled message
catalogues inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_with_its_templates_and_catalogues(tmp_path: Path) -> None:
    templates = sorted(
        path.relative_to(REPO / "templates").as_posix()
        for path in (REPO / "templates").rglob("*")
        if path.is_file()
    )
    assert templates, "templates/ must hold at least one file"
    source = tmp_path / "src"
    shutil.copytree(
        REPO,
        source,
        # no .mo: the build must compile the catalogues itself
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", ".cache", "*_cache", "__pycache__", "data", "dist", "*.mo"
        ),
    )
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here (offline?): {built.stderr.strip()[-300:]}")
    (wheel,) = (tmp_path / "dist").glob("mokoord-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in templates:
        assert f"mokoord/templates/{name}" in names
    assert "mokoord/cli/__init__.py" in names
    assert "mokoord/schemas/report.schema.json" in names  # the JSON schemas ship too
    for lang in ("de", "en"):
        assert f"mokoord/locale/{lang}/LC_MESSAGES/mokoord.mo" in names
        assert f"mokoord/locale/{lang}/LC_MESSAGES/mokoord.po" in names

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    unset = ("PYTHONPATH", "MOKOORD_LANG", "MOKOORD_DATA")
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env["PYTHONPATH"] = str(target)
    probe = (
        "import importlib.resources, mokoord; "
        "print(mokoord.__file__); "
        "root = importlib.resources.files('mokoord') / 'templates'; "
        "print('\\n'.join(sorted(p.name for p in root.iterdir())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    installed, *found = result.stdout.splitlines()
    assert installed.startswith(str(target))  # the installed copy, not the source tree
    assert set(found) >= {Path(name).parts[0] for name in templates}
    version = subprocess.run(
        [sys.executable, "-m", "mokoord", "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("mokoord ")
    # commands are imported by name when used: the installed copy has them all
    for args, shown in (
        (["--help"], "add-contact"),
        (["add-contact", "--help"], "--follow-up"),
        # German unless asked otherwise, from the catalogue compiled into the wheel
        (["--help"], "Aufruf: python -m mokoord"),
        (["add-contact", "--help"], "Einen Kontakt mit einer oder mehreren Organisationen"),
        (["--lang", "en", "add-contact", "--help"], "Log a contact with one or more"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "mokoord", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert shown in result.stdout
