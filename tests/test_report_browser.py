"""The HTML report in headless Chromium: no console errors, no network, a screenshot,
and no accessibility violation axe-core can find, from desktop to the smallest phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord.store import Store
from report_store import fill
from validators import (
    axe_at_widths,
    axe_source,
    axe_violations,
    chromium,
    open_offline,
    vnu_problems,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize(("lang", "width"), [("de", 1100), ("en", 390)])
def test_html_report_loads_offline_without_errors(
    browser: Any, store: Store, tmp_path: Path, lang: str, width: int
) -> None:
    fill(store.root)
    page_file = tmp_path / f"bericht-{lang}.html"
    result = Cli(store.root)("report", "--year", "2023", "--lang", lang, "-o", str(page_file))
    assert result.exit_code == 0, result.output
    url = page_file.resolve().as_uri()

    opened = open_offline(browser, page_file, {"width": width, "height": 900})
    context, page = opened.context, opened.page
    problems, requests = opened.problems, opened.requests
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


AXE_WIDTHS = (1280, 768, 375, 320)
"""Desktop, tablet, phone, and the narrowest phone WCAG's reflow asks for (320 CSS px)."""


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def _report(store: Store, tmp_path: Path, lang: str) -> str:
    fill(store.root)
    page_file = tmp_path / f"bericht-{lang}.html"
    result = Cli(store.root)("report", "--year", "2023", "--lang", lang, "-o", str(page_file))
    assert result.exit_code == 0, result.output
    return page_file.resolve().as_uri()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_at_any_width(
    browser: Any, store: Store, tmp_path: Path, lang: str
) -> None:
    """axe-core, injected into the report, with every rule on: nothing at 1280, 768,
    375 and 320 px (the table boxes that scroll sideways are keyboard-reachable, the
    table of contents' links are at least 24 px high)."""
    url = _report(store, tmp_path, lang)
    assert axe_at_widths(browser, url, AXE_WIDTHS) == {}


def test_axe_reports_what_it_should(browser: Any, axe: str, store: Store, tmp_path: Path) -> None:
    """The check can fail: a scrolling box without tabindex and a tiny link are reported."""
    url = _report(store, tmp_path, "de")
    context = browser.new_context(
        viewport={"width": 320, "height": 900}, offline=True, bypass_csp=True
    )
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate(
        """() => {
          document.querySelectorAll(".table-wrap").forEach((box) => box.removeAttribute("tabindex"));
          document.querySelectorAll("nav li a").forEach((a) => { a.style.display = "inline"; a.style.padding = "0"; a.parentElement.style.lineHeight = "1"; a.style.fontSize = "12px"; });
        }"""
    )
    rules = {violation["id"] for violation in axe_violations(page, axe)}
    context.close()
    assert {"scrollable-region-focusable", "target-size"} <= rules


def test_the_html_report_is_valid_html(store: Store, tmp_path: Path) -> None:
    """The W3C's Nu Html Checker finds no error and no warning in either language."""
    pages = []
    for lang in ("de", "en"):
        _report(store, tmp_path, lang)
        pages.append(tmp_path / f"bericht-{lang}.html")
    assert vnu_problems(*pages) == []
