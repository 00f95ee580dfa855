"""Make the screenshots of docs/outreach.md: a letter and a data sheet as printed.

Renders, from the demo store (``data/``), the Turkish invitation to the
Deutsch-Türkischer Elternverein Biebrich as a printable letter
(``mokoord outreach --template einladung -f html``) and the organisation's data
sheet (``mokoord sheet``), opens both in headless Chromium (Debian's
``/usr/bin/chromium`` through playwright, offline) at A4 print size and saves
them as PNG.

    PYTHONPATH=src python tools/screenshot_outreach.py [--data data]
        [--org deutsch-tuerkischer-elternverein-biebrich] [--output docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DAY = dt.date(2026, 11, 24)
"""The date the pages show: the last day of the demo data (tools/demo_data.py)."""
A4_PX = (794, 1123)


def render(root: Path, org_id: str, folder: Path) -> tuple[Path, Path]:
    """The letter and the data sheet of ``org_id`` as HTML files in ``folder``."""
    from mokoord.i18n import set_language
    from mokoord.outreach.documents import letter_html
    from mokoord.outreach.run import OutreachRequest, prepare
    from mokoord.store import Store
    from mokoord.visits import sheet_html

    set_language("de")
    data = Store(root).load()
    outreach = prepare(
        data, root, OutreachRequest("einladung", format="html", field="parents_family", today=DAY)
    )
    letter = next(item for item in outreach.letters if item.organisation.id == org_id)
    letter_file = folder / "letter.html"
    letter_file.write_text(letter_html(letter, data.config, DAY, root), encoding="utf-8")
    sheet_file = folder / "sheet.html"
    sheet = sheet_html(data, [data.organisations[org_id]], DAY, root)
    sheet_file.write_text(sheet, encoding="utf-8")
    return letter_file, sheet_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--org", default="deutsch-tuerkischer-elternverein-biebrich")
    parser.add_argument("--output", type=Path, default=REPO / "docs")
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        files = render(options.data, options.org, Path(tmp))
        names = ("outreach-letter.png", "data-sheet.png")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(
                viewport={"width": A4_PX[0], "height": A4_PX[1]}, offline=True
            )
            page = context.new_page()
            page.emulate_media(media="print")
            options.output.mkdir(parents=True, exist_ok=True)
            for file, name in zip(files, names, strict=True):
                page.goto(file.as_uri(), wait_until="load")
                page.screenshot(path=str(options.output / name), full_page=False)
                print(f"wrote {options.output / name}")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
