"""Build a realistic, valid stress store of any size through mokoord's models.

Run from the repository root::

    python benchmarks/make_store.py --orgs 5000 --contacts 100000 --events 5000 --seed 7 \\
        --output /tmp/stress

The records come from the same generator as the demo store
(``tools/demo_data.py``): organisations with contact persons, needs and a
status history; contacts with referrals and follow-ups spread over the years
with a realistic rhythm; trainings, exchange formats and festivals with
attendance; cooperations, networks, institutions, programmes and funding
applications. ``mokoord check`` passes on the result. Files are written by
:class:`tools.fast_yaml.FastWriter`, which produces exactly the bytes
mokoord's own writer would, about 30 times faster.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if (REPO / "src" / "mokoord").is_dir():
    sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tools.demo_data import generate, tag_vocabulary  # noqa: E402
from tools.fast_yaml import FastWriter  # noqa: E402
from tools.make_demo import declare_tags  # noqa: E402

from mokoord.dataset import kind_of  # noqa: E402
from mokoord.store import Store  # noqa: E402


def parse_years(text: str) -> list[int]:
    """``2021-2024`` → [2021, 2022, 2023, 2024]."""
    try:
        first, _, last = text.partition("-")
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year range like 2021-2024") from None
    if not years or years[0] < 1990 or years[-1] > 2026:
        raise argparse.ArgumentTypeError(f"'{text}' must be a range of years between 1990 and 2026")
    return years


def build(
    output: Path,
    *,
    orgs: int,
    contacts: int,
    events: int,
    seed: int,
    years: list[int],
    quiet: bool = False,
) -> dict[str, int]:
    """Generate and write a store; returns the number of records per kind."""
    from mokoord.newstore import init_store

    started = time.perf_counter()
    generated = generate(seed=seed, orgs=orgs, contacts=contacts, events=events, years=years)
    generated_at = time.perf_counter()
    init_store(output, commit=False)
    declare_tags(output, tag_vocabulary())
    store = Store(output)
    writer = FastWriter()
    made: set[Path] = set()
    for record in generated.records():
        path = store.root / kind_of(record).relative_path(record)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        # A fresh folder: plain writes, no fsync per file (atomic_write is for edits).
        with open(path, "x", encoding="utf-8", newline="") as handle:
            handle.write(writer.dump(record))
    counts = generated.counts()
    if not quiet:
        total = sum(counts.values())
        print(
            f"wrote {total} records to {output} in {time.perf_counter() - started:.1f} s "
            f"(generating {generated_at - started:.1f} s, {writer.fallbacks} slow writes): "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build a realistic, valid mokoord store of any size (deterministic).",
        epilog="Example: python benchmarks/make_store.py --orgs 5000 --contacts 100000 --events 5000 --seed 7 --output /tmp/stress",
    )
    parser.add_argument("--orgs", type=int, required=True, help="number of organisations")
    parser.add_argument("--contacts", type=int, required=True, help="number of contacts")
    parser.add_argument("--events", type=int, required=True, help="number of events")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument(
        "--years",
        type=parse_years,
        default=parse_years("2021-2024"),
        help="contact years, e.g. 2015-2024 (default: 2021-2024)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("stress-store"),
        help="new folder for the store (default: ./stress-store)",
    )
    args = parser.parse_args(argv)
    for name in ("orgs", "contacts", "events"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must not be negative")
    if args.orgs < 2:
        parser.error("--orgs must be at least 2")
    output: Path = args.output.resolve()
    if output.exists() and any(output.iterdir()):
        parser.error(f"{args.output} exists and is not empty; choose a new folder")
    build(
        output,
        orgs=args.orgs,
        contacts=args.contacts,
        events=args.events,
        seed=args.seed,
        years=args.years,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
