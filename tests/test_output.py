"""Confirmations on stderr: styled in a terminal, the plain line elsewhere."""

from __future__ import annotations

import sys

import pytest

from mokoord.cli import _common


@pytest.fixture(autouse=True)
def _fresh_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_stderr", None)
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_terminal_the_line_is_written_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _common.done("contact 2023-03-14-k7qm with Verein [Mainz] :smile:")
    assert capsys.readouterr().err == "✓ contact 2023-03-14-k7qm with Verein [Mainz] :smile:\n"
    assert _common._stderr is None  # rich was not needed


def test_in_a_terminal_rich_styles_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    _common.done("contact 2023-03-14-k7qm with Verein [Mainz]")
    err = capsys.readouterr().err
    assert "\x1b[" in err  # coloured
    assert "contact 2023-03-14-k7qm with Verein [Mainz]" in err
