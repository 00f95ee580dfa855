"""The privacy pages people read – the access page for the person concerned
(``privacy export --format html``, Art. 15) and the record of processing
(``privacy record --format html``, Art. 30) – held to the report's standard
(issue 19): valid HTML for the W3C's Nu Html Checker, and no violation axe-core
finds in headless Chromium, on a desktop and on a phone, in German and English."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Cli
from tests.privacy_office import (
    office_template_fixture,  # noqa: F401 - the fixture "_office_template"
)
from tests.validators import axe_at_widths, chromium, vnu_problems

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
"""A desktop and a phone (the page's reflow at 320 px is measured on its own)."""
ERASED = "p-2dk2yk"
"""A person of the demo store who was erased: their access page says so."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _pages(office: tuple[Path, dict[str, str]], demo_root: Path, folder: Path) -> list[Path]:
    """The access page of a person named everywhere (contacts, free text, referrals,
    history), of an erased one, and the record of processing, in German and English."""
    root, ids = office
    written = []
    for lang in ("de", "en"):
        for cli, args, name in (
            (Cli(root), ("privacy", "export", ids["person"]), "auskunft"),
            (Cli(demo_root), ("privacy", "export", ERASED), "geloescht"),
            (Cli(root), ("privacy", "record"), "verzeichnis"),
        ):
            page = folder / f"{name}-{lang}.html"
            result = cli("--lang", lang, *args, "--format", "html", "-o", str(page))
            assert result.exit_code == 0, result.output
            written.append(page)
    return written


@pytest.fixture(scope="module")
def pages(
    _office_template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """The pages, written once for this module from copies of the office and demo stores."""
    folder = tmp_path_factory.mktemp("privacy-pages")
    template, ids = _office_template
    shutil.copytree(template, folder / "office", symlinks=True)
    demo = folder / "demo"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", demo)
    assert "erased:" in (demo / "persons" / f"{ERASED}.yaml").read_text(encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOKOORD_LANG", "en")
        return _pages((folder / "office", dict(ids)), demo, folder)


def test_the_pages_are_valid_html(pages: list[Path]) -> None:
    """The Nu Html Checker finds no error and no warning: a language, headings in
    order, tables with header cells."""
    assert vnu_problems(*pages) == []
    text = pages[0].read_text(encoding="utf-8")
    assert '<html lang="de">' in text
    assert '<th scope="col">' in text


def test_the_validator_reports_what_it_should(pages: list[Path], tmp_path: Path) -> None:
    """The check can fail: no language, a skipped heading level and stray markup are reported."""
    broken = tmp_path / "kaputt.html"
    text = pages[0].read_text(encoding="utf-8")
    text = text.replace('<html lang="de">', "<html>").replace("<h2>", "<h4>", 1)
    broken.write_text(text.replace("</main>", "</div></main>"), encoding="utf-8")
    found = " ".join(vnu_problems(broken))
    assert "lang" in found
    assert "skipping" in found
    assert "Stray end tag" in found


def test_axe_finds_no_violation_in_the_pages_at_any_width(browser: Any, pages: list[Path]) -> None:
    found = {
        page.name: violations
        for page in pages
        if (violations := axe_at_widths(browser, page.resolve().as_uri(), WIDTHS))
    }
    assert found == {}


def test_the_pages_fit_a_phone_and_name_their_table_boxes(browser: Any, pages: list[Path]) -> None:
    """No sideways scrolling of the page itself at 320 px (WCAG 1.4.10, reflow): wide
    tables scroll in their own box, which a keyboard reaches and a screen reader names."""
    context = browser.new_context(viewport={"width": 320, "height": 900}, offline=True)
    try:
        for page_file in pages:
            page = context.new_page()
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 321, page_file.name
            boxes = page.locator(".table-wrap")
            for index in range(boxes.count()):
                box = boxes.nth(index)
                assert box.get_attribute("tabindex") == "0"
                name = page.locator(f"#{box.get_attribute('aria-labelledby')}").inner_text()
                assert name.strip(), page_file.name
            page.close()
    finally:
        context.close()


def test_axe_reports_a_table_box_that_the_keyboard_cannot_reach(
    browser: Any, pages: list[Path], tmp_path: Path
) -> None:
    """The check can fail: without its tabindex, the sideways-scrolling box of a wide
    table on a phone is reported."""
    access = next(page for page in pages if page.name == "auskunft-de.html")
    broken = tmp_path / "ohne-tabindex.html"
    broken.write_text(
        access.read_text(encoding="utf-8").replace(' tabindex="0"', ""), encoding="utf-8"
    )
    found = axe_at_widths(browser, broken.resolve().as_uri(), (320,))
    assert "scrollable-region-focusable" in {v["id"] for v in found.get(320, [])}
