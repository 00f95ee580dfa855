"""The outreach letter and the data sheet in headless Chromium: A4 print size, one page
each, no console errors, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from validators import chromium, open_offline

pytestmark = pytest.mark.browser

A4 = (595, 842)  # points, as Chromium writes the MediaBox (594.96 x 841.92)
PAGE = re.compile(rb"/Type\s*/Page(?!s)")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def printed(
    browser: Any, page_file: Path, tmp_path: Path
) -> tuple[Any, bytes, list[str], list[str]]:
    """The page opened offline at A4 width, printed to PDF: (page, pdf, problems, requests)."""
    opened = open_offline(browser, page_file, {"width": 794, "height": 1123})
    page, url = opened.page, page_file.resolve().as_uri()
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    shot = tmp_path / f"{page_file.stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    return page, pdf, opened.problems, [r for r in opened.requests if r != url]


def pages(pdf: bytes) -> int:
    for width, height in MEDIA_BOX.findall(pdf):
        assert (round(float(width)), round(float(height))) == A4
    return len(PAGE.findall(pdf))


def test_letters_print_on_one_a4_page_each(browser: Any, demo_cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "briefe"
    result = demo_cli(
        "--lang", "de", "outreach", "--template", "einladung", "--field", "Eltern und Familie",
        "-f", "html", "-o", str(folder), "--no-record",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    letters = sorted(folder.glob("*.html"))
    assert letters
    languages = set()
    for letter in letters:
        page, pdf, problems, requests = printed(browser, letter, tmp_path)
        assert problems == []
        assert requests == []
        assert pages(pdf) == 1, letter.name
        languages.add(page.evaluate("document.documentElement.lang"))
        if page.evaluate("document.documentElement.dir") == "rtl":
            assert (
                page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
            )
        # printed, the address block sits in the window of a DL envelope (DIN 5008 form B)
        page.emulate_media(media="print")
        box = page.locator("address.window").bounding_box()
        assert box is not None
        assert abs(box["y"] / 3.7795 - 45) < 1.5  # mm from the top
        page.context.close()
    assert {"de", "tr"} <= languages


def test_data_sheets_print_one_organisation_per_a4_page(
    browser: Any, demo_cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "stammdatenblaetter.html"
    result = demo_cli("--lang", "de", "sheet", "--all", "--district", "Biebrich", "-o", str(target))
    assert result.exit_code == 0, result.output
    page, pdf, problems, requests = printed(browser, target, tmp_path)
    assert problems == []
    assert requests == []
    sheets = page.locator("section.sheet").count()
    assert sheets >= 2
    assert pages(pdf) == sheets
    assert page.locator("h2").first.inner_text() == "Registerdaten"
    page.context.close()
