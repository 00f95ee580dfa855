"""A small office store with a history that names one person in every way it can:
their own file (edited several times), a contact naming them by id and in its
summary, a referral reason, a follow-up action, an organisation's notes, a
commit message and an annotated tag written by hand, a second branch, and an
edit backup in ``.mokoord/``. Built once per session through the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import Cli

from mokoord.newstore import init_store

NAME = "Zeynep Musterfrau"
EMAIL = "zeynep.musterfrau@example.org"
PHONE = "0611 7654321"
NOTE = "Kommt donnerstags mit dem Lastenrad zur Sprechstunde"
ORG = "kulturverein-lindenhof"
VALUES = (
    NAME,
    "Musterfrau, Zeynep",
    "Frau Musterfrau",
    EMAIL,
    PHONE,
    "0611/765 43 21",
    "7654321",
    NOTE,
)
"""Every form in which the person's data stand somewhere in the office's history."""
IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Koordination",
    "GIT_AUTHOR_EMAIL": "koordination@example.org",
    "GIT_COMMITTER_NAME": "Test Koordination",
    "GIT_COMMITTER_EMAIL": "koordination@example.org",
}


def git(root: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, input=input
    ).stdout


def build_office(root: Path) -> dict[str, str]:
    """The office store at ``root`` (created); the ids of what it holds."""
    init_store(root)
    cli = Cli(root)

    def run(*args: str) -> str:
        result = cli(*args)
        assert result.exit_code == 0, result.output
        return str(result.stdout).strip()

    org = run("add-org", "--name", "Kulturverein Lindenhof e.V.", "--district", "biebrich")
    institution = run("add-institution", "--name", "Kulturamt", "--kind", "city_office")
    person = run(
        "add-person", org, "--name", NAME, "--email", EMAIL, "--phone", PHONE,
        "--consent-date", "2023-01-10", "--consent-scope", "contact",
    )  # fmt: skip
    other = run("add-person", org, "--name", "Hans Beispiel", "--legal-basis", "public_task")
    named = run(
        "add-contact", "--org", org, "--date", "2023-03-14", "--channel", "visit",
        "--topic", "rooms", "--person", person,
        "--summary", "Frau Musterfrau erklärte den Raumbedarf; Rückruf unter 0611/765 43 21",
        "--refer-to", institution, "--refer-reason", f"Raum für {NAME}",
        "--follow-up", "2023-04-01", "--follow-up-action", f"{EMAIL} anschreiben",
    )  # fmt: skip
    plain = run(
        "add-contact", "--org", org, "--date", "2023-05-02", "--channel", "phone",
        "--topic", "funding", "--person", other, "--summary", "Förderantrag besprochen",
        "--refer-to", institution, "--refer-reason", "Förderberatung",
    )  # fmt: skip
    run("set", org, "notes=Vorsitz: Musterfrau, Zeynep")
    # by hand: a note on the person and a commit message naming her
    path = root / "persons" / f"{person}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"notes: {NOTE}\n", encoding="utf-8")
    git(root, "commit", "-qam", f"Notiz zu {NAME} ergänzt")
    git(root, "tag", "-a", "stand-2023", "-m", f"Stand mit {NAME}")
    git(root, "branch", "alte-arbeit")
    (root / ".mokoord").mkdir(exist_ok=True)
    (root / ".mokoord" / f"edit-{org}.yaml").write_text(
        f"id: {org}\nnotes: Vorsitz {NAME}\n", encoding="utf-8"
    )
    return {
        "org": org,
        "institution": institution,
        "person": person,
        "other": other,
        "named": named,
        "plain": plain,
    }


@pytest.fixture(scope="session", name="_office_template")
def office_template_fixture(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, str]]:
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("office-home")
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("MOKOORD_LANG", "en")
        for key, value in IDENTITY.items():
            patch.setenv(key, value)
        root = tmp_path_factory.mktemp("office") / "store"
        ids = build_office(root)
    return root, ids


@pytest.fixture(name="office")
def office_fixture(
    tmp_path: Path, _office_template: tuple[Path, dict[str, str]]
) -> tuple[Path, dict[str, str]]:
    """A copy of the office store (its own repository) and the ids it holds."""
    template, ids = _office_template
    root = tmp_path / "store"
    shutil.copytree(template, root, symlinks=True)
    return root, dict(ids)


def found_anywhere(root: Path, values: tuple[str, ...] = VALUES) -> list[str]:
    """Where any value still stands: files of the folder (raw bytes, .git included),
    every object of the repository, every commit and tag message."""
    found = []
    encoded = [value.encode("utf-8") for value in values]
    for folder, _names, files in os.walk(root):
        for name in files:
            data = (Path(folder) / name).read_bytes()
            found += [
                f"file {Path(folder, name).relative_to(root)}: {v!r}" for v in encoded if v in data
            ]
    objects = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    found += [f"object: {v!r}" for v in encoded if v in objects]
    messages = git(root, "log", "--all", "--format=%B") + git(
        root, "for-each-ref", "--format=%(contents)", "refs/tags"
    )
    found += [f"message: {v}" for v in values if v in messages]
    return found


def prune(root: Path) -> None:
    """What the issue asks of every repository after an erasure."""
    git(root, "reflog", "expire", "--expire=now", "--all")
    git(root, "gc", "--prune=now", "--quiet")
