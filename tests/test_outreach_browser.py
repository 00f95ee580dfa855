"""The outreach letter and the data sheet in headless Chromium: A4 print size, one page
each, no console errors, nothing loaded from elsewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from validators import missing

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
A4 = (595, 842)  # points, as Chromium writes the MediaBox (594.96 x 841.92)
PAGE = re.compile(rb"/Type\s*/Page(?!s)")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")


@pytest.fixture(scope="module")
def browser() -> Any:
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        missing("chromium", f"{CHROMIUM} missing; apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright", "pip install -e '.[test]'")
    try:
        manager = sync_playwright().start()
    except Exception as exc:  # the bundled node driver may be missing or broken
        pytest.skip(f"playwright's driver cannot start: {exc}")
    try:
        instance = manager.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    except Exception as exc:
        manager.stop()
        pytest.skip(f"chromium cannot start: {str(exc).splitlines()[0]}")
    yield instance
    instance.close()
    manager.stop()


def printed(
    browser: Any, page_file: Path, tmp_path: Path
) -> tuple[Any, bytes, list[str], list[str]]:
    """The page opened offline at A4 width, printed to PDF: (page, pdf, problems, requests)."""
    url = page_file.resolve().as_uri()
    context = browser.new_context(viewport={"width": 794, "height": 1123}, offline=True)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def route(route: Any) -> None:
        requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    shot = tmp_path / f"{page_file.stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    return page, pdf, problems, [r for r in requests if r != url]


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
