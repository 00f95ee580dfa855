"""Make the README screenshot of the HTML report: docs/report-screenshot.png.

Renders ``mokoord report --year YEAR`` as HTML from the demo store (``data/``)
or, when that is missing, from the test store of ``tests/report_store.py``,
opens it in headless Chromium (Debian's ``/usr/bin/chromium`` through
playwright, offline) and saves the top of the page as a PNG.

    PYTHONPATH=src python tools/screenshot_report.py [--data data] [--year 2023]
        [--output docs/report-screenshot.png] [--width 1100] [--height 1500]
"""

from __future__ import annotations

import argparse
import sys
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


def render_html(store_root: Path, year: int, target: Path) -> None:
    from mokoord.report.indicators import build_report, year_period
    from mokoord.report.render import render
    from mokoord.store import Store

    store = Store(store_root)
    import datetime as dt

    report = build_report(store.load(), year_period(year), today=dt.date(year + 1, 1, 31))
    target.write_text(render(report, "html", lang="de", store_root=store_root), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "report-screenshot.png")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1500)
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = options.data
        if not (root / "mokoord.yaml").is_file():
            from mokoord.newstore import init_store

            sys.path.insert(0, str(REPO / "tests"))
            from report_store import fill

            root, _ = init_store(Path(tmp) / "store", commit=False)
            fill(root)
            print(f"no store at {options.data}; using the test store", file=sys.stderr)
        page_file = Path(tmp) / "report.html"
        render_html(root, options.year, page_file)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(
                viewport={"width": options.width, "height": options.height}, offline=True
            )
            page = context.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            options.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(options.output), full_page=False)
            browser.close()
    print(f"wrote {options.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
