"""The report's figures kept beside the index are the figures made afresh.

The report keeps each shard's share of a period (its contacts' counts, its
trainings and exchange formats, its new cooperations, its funding
applications) in ``.mokoord/index/<kind>/report-<from>-<to>.memo``. These tests
make the report on the demo store three ways — through the index (making and
keeping the shares), through the index again (reading them back) and from the
records as plain mappings (no index at all) — and require the same report,
also after the store was changed in between.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord.dataset import KINDS, Dataset
from mokoord.i18n import speaking
from mokoord.records import Records
from mokoord.report.indicators import Period, build_report, year_period
from mokoord.report.render import render
from mokoord.store import Store

TODAY = dt.date(2024, 3, 1)
PERIODS = (year_period(2023), year_period(2024), Period(dt.date(2023, 7, 1), dt.date(2023, 12, 31)))
MEMO_KINDS = ("contact", "event", "cooperation", "application")


def plain(store: Store) -> Dataset:
    """The store's records as plain mappings: every record built, no index behind them."""
    data = store.load()
    for spec in KINDS.values():
        setattr(data, spec.folder, dict(data.records(spec.name).items()))
    return dataclasses.replace(data)


def report_of(data: Dataset, period: Period) -> tuple[dict[str, Any], str]:
    """The report's JSON and its Markdown (German)."""
    report = build_report(data, period, today=TODAY)
    with speaking("de"):
        markdown = render(report, "md", lang="de", store_root=Path("."))
    return report.as_json(), markdown


def memos(store: Store, period: Period) -> list[Path]:
    name = f"report-{period.start.isoformat()}-{period.end.isoformat()}.memo"
    return [store.root / ".mokoord" / "index" / kind / name for kind in MEMO_KINDS]


def built(data: Dataset, kind: str) -> int:
    records = data.records(kind)
    assert isinstance(records, Records)
    return records.built


def age(path: Path) -> None:
    """Not too fresh to trust: the shards' digests decide whether a kept value holds."""
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text("utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, f"{path.name}: nothing matched {pattern!r}"
    path.write_text(changed, "utf-8")
    age(path)


def first_file(folder: Path, must: str, must_not: str = "\x00") -> Path:
    return next(
        path
        for path in sorted(folder.glob("*.yaml"))
        if re.search(must, path.read_text("utf-8"), re.MULTILINE)
        and not re.search(must_not, path.read_text("utf-8"), re.MULTILINE)
    )


def change_the_store(root: Path) -> None:
    """One change to each kind the report keeps shares of, and one declined organisation."""
    contact = first_file(root / "contacts" / "2023", r"^channel:", r"^planned: true")
    edit(contact, r"^channel: .*$", "channel: phone\nplanned: true")
    event = first_file(root / "events" / "2023", r"^kind: info$")
    edit(event, r"^kind: info$", "kind: training")
    coop = first_file(root / "cooperations", r"^since: 2021-")
    edit(coop, r"^since: 2021-(\d\d)-(\d\d)$", r"since: 2023-\1-\2")
    app = first_file(root / "applications" / "2023", r"^submitted: 2023-")
    edit(app, r"^requested: .*$", "requested: 123456.78")
    org = first_file(root / "organisations", r"^status: contacted\nstatus_since: 2022-")
    edit(org, r"^status: contacted$", "status: declined\nstatus_reason: Keine Kooperation (§2.4).")


def test_kept_figures_are_the_figures_made_afresh_also_after_changes(demo: Store) -> None:
    demo.load()  # builds the index
    before = {}
    for period in PERIODS:
        made = report_of(demo.load(), period)  # makes and keeps the shares
        assert all(memo.is_file() for memo in memos(demo, period))
        data = demo.load()
        assert report_of(data, period) == made  # read back …
        assert [built(data, kind) for kind in ("event", "cooperation", "application")] == [0] * 3
        assert report_of(plain(demo), period) == made  # … and as without an index
        before[period] = made

    change_the_store(demo.root)
    for period in PERIODS:
        kept = report_of(demo.load(), period)  # the changed shards made again, the rest read
        assert kept == report_of(plain(demo), period)
        assert report_of(demo.load(), period) == kept
    changed = report_of(demo.load(), PERIODS[0])[0]
    was = before[PERIODS[0]][0]
    assert changed["contacts"]["total"] < was["contacts"]["total"]
    assert changed["trainings"]["held"] == was["trainings"]["held"] + 1
    assert changed["cooperations"]["new"] > was["cooperations"]["new"]
    assert changed["funding"]["requested_amount"] != was["funding"]["requested_amount"]
    assert changed["registry"]["by_status"]["declined"] == (
        was["registry"]["by_status"]["declined"] + 1
    )


@pytest.mark.parametrize("content", [b"garbage", None])
def test_a_damaged_or_foreign_kept_share_is_made_again(demo: Store, content: bytes | None) -> None:
    import marshal

    demo.load()
    period = PERIODS[0]
    expected = report_of(demo.load(), period)
    for memo in memos(demo, period):
        if content is None:  # the right stamp, values of another shape
            stamp, kept = marshal.loads(memo.read_bytes())
            memo.write_bytes(
                marshal.dumps((stamp, {key: (d, {"x": 1}) for key, (d, _) in kept.items()}))
            )
        else:
            memo.write_bytes(content)
    assert report_of(demo.load(), period) == expected
    assert report_of(demo.load(), period) == expected


def test_the_command_gives_the_same_report_in_every_format_from_kept_figures(
    demo_cli: Cli, demo: Store
) -> None:
    args = ("report", "--year", "2023", "--today", TODAY.isoformat())
    first = {fmt: demo_cli(*args, "--format", fmt) for fmt in ("md", "json")}
    assert all(memo.is_file() for memo in memos(demo, PERIODS[0]))
    for fmt, result in first.items():
        assert result.exit_code == 0, result.output
        again = demo_cli(*args, "--format", fmt)
        assert again.stdout == result.stdout
    assert json.loads(first["json"].stdout)["contacts"]["total"] > 0
