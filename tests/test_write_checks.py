"""Write commands run the checks of ``mokoord check`` over the records they write:
its errors stop the write (exit 1, nothing written), its warnings are shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from activity_fixtures import seed
from conftest import Cli, git_log, git_status
from mokoord.models import Organisation
from mokoord.store import Store


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store.root)
    return store


def _files(root: Path, folder: str) -> list[str]:
    return sorted(p.name for p in (root / folder).rglob("*.yaml"))


def test_set_refuses_a_reference_check_would_call_unknown(cli: Cli, seeded: Store) -> None:
    before = git_log(seeded.root, "--format=%H")
    result = cli("set", "initiative-mitte", "networks=kein-netz")
    assert result.exit_code == 1
    assert "no network with id 'kein-netz'" in result.output
    assert "nothing was changed" in result.output
    assert seeded.get(Organisation, "initiative-mitte").networks == []
    assert git_log(seeded.root, "--format=%H") == before
    assert git_status(seeded.root) == ""


def test_add_contact_shows_the_warning_check_would_give(cli: Cli, seeded: Store) -> None:
    result = cli(
        "add-contact", "--org", "initiative-mitte", "--channel", "Telefon", "--summary", "Raum",
        "--date", "2023-01-09", "--refer-to", "kulturamt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "referral to kulturamt pending for" in result.stderr
    assert len(_files(seeded.root, "contacts")) == 1


def test_add_contact_refuses_an_unknown_institution(cli: Cli, seeded: Store) -> None:
    before = git_log(seeded.root, "--format=%H")
    result = cli(
        "add-contact", "--org", "initiative-mitte", "--channel", "Telefon", "--summary", "Raum",
        "--refer-to", "nirgendwo-amt",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "nirgendwo-amt" in result.output
    assert git_log(seeded.root, "--format=%H") == before
    assert not (seeded.root / "contacts").exists() or _files(seeded.root, "contacts") == []


@pytest.mark.parametrize("titles", [("A", "B"), ("B", "A")])
def test_add_application_beyond_the_annual_budget_warns(
    cli: Cli, seeded: Store, titles: tuple[str, str]
) -> None:
    """The grant that goes past the budget is warned of, whatever its id's place."""
    result = cli("add-programme", "--name", "Kultur", "--max-amount", "5000", "--budget", "6000")
    assert result.exit_code == 0, result.output
    warnings = []
    for title in titles:
        result = cli(
            "add-application", "--org", "initiative-mitte", "--programme", "kultur",
            "--year", "2024", "--title", title, "--requested", "4000", "--status", "granted",
            "--granted", "4000", "--decided", "2024-06-01",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        warnings.append("more than its annual budget" in result.stderr)
    assert warnings == [False, True]
    assert len(_files(seeded.root, "applications")) == 2


def test_attend_an_event_an_institution_organised(cli: Cli, seeded: Store) -> None:
    """The checks see institutions too: an institution as organiser is no unknown one."""
    added = cli(
        "add-event", "--kind", "info", "--title", "Info", "--date", "2023-05-02",
        "--organiser", "kulturamt",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    result = cli("attend", added.stdout.strip(), "--org", "initiative-mitte", "--people", "2")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
