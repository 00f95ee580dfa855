"""The HTML report in headless Chromium: no console errors, no network, a screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord.store import Store
from report_store import fill

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


@pytest.fixture(scope="module")
def browser() -> Any:
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip(f"chromium is not installed ({CHROMIUM} missing; apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
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


@pytest.mark.parametrize(("lang", "width"), [("de", 1100), ("en", 390)])
def test_html_report_loads_offline_without_errors(
    browser: Any, store: Store, tmp_path: Path, lang: str, width: int
) -> None:
    fill(store.root)
    page_file = tmp_path / f"bericht-{lang}.html"
    result = Cli(store.root)("report", "--year", "2023", "--lang", lang, "-o", str(page_file))
    assert result.exit_code == 0, result.output
    url = page_file.resolve().as_uri()

    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
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
    page.wait_for_timeout(200)

    assert problems == []
    assert requests == [url], f"requests other than the file itself: {requests}"
    assert page.locator("svg.chart").count() == 5
    heading = "Evaluationsbericht 2023" if lang == "de" else "Evaluation report 2023"
    assert page.locator("h1").inner_text() == heading
    # The organisation named like a script tag is shown as text, not run.
    assert page.get_by_text("<script>alert(1)</script> e.V.").count() == 1
    # No horizontal scrolling of the page itself on a phone.
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1
    shot = tmp_path / f"report-{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    context.close()
