"""Write a beancount ledger of a given number of transactions, for comparing speeds.

    python benchmarks/make_ledger.py --entries 123136 --output benchmarks/out/ledger.beancount

``benchmarks/run.py`` times ``bean-check`` on a ledger with as many entries as
the stress store has records, next to ``mokoord check`` on the store: both
read every entry and check it against the rest. The ledger is deterministic
(a seed), balanced, and valid: ``bean-check`` reports no errors on it. It
looks like the books of a small association: income from members, grants
and events, expenses for rooms, travel and material, spread over four years.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

ASSETS = ["Assets:Bank:Girokonto", "Assets:Bank:Tagesgeld", "Assets:Kasse"]
INCOME = [
    "Income:Mitgliedsbeitraege",
    "Income:Spenden",
    "Income:Foerderung:Stadt",
    "Income:Foerderung:Land",
    "Income:Veranstaltungen",
]
EXPENSES = [
    "Expenses:Raummiete",
    "Expenses:Fahrtkosten",
    "Expenses:Material",
    "Expenses:Honorare",
    "Expenses:Verpflegung",
    "Expenses:Porto",
    "Expenses:Versicherung",
]
PAYEES = [
    "Elternverein Biebrich",
    "Kulturverein Anatolia",
    "Stadt Wiesbaden",
    "Volkshochschule",
    "Druckerei am Ring",
    "Bäckerei Schmidt",
    "Verkehrsbetriebe",
]


def ledger(entries: int, *, seed: int = 7, first_year: int = 2021, years: int = 4) -> str:
    """A valid ledger of ``entries`` transactions (plus the ``open`` directives)."""
    rng = random.Random(seed)
    start = dt.date(first_year, 1, 1)
    days = (dt.date(first_year + years, 1, 1) - start).days
    lines = ['option "operating_currency" "EUR"', ""]
    for account in ASSETS + INCOME + EXPENSES + ["Equity:Eroeffnung"]:
        lines.append(f"{start.isoformat()} open {account} EUR")
    lines.append("")
    dates = sorted(start + dt.timedelta(days=rng.randrange(days)) for _ in range(entries))
    for number, day in enumerate(dates):
        amount = f"{rng.randrange(100, 500_000) / 100:.2f}"
        asset = rng.choice(ASSETS)
        payee = rng.choice(PAYEES)
        if rng.random() < 0.45:
            other, narration = rng.choice(INCOME), f"Einnahme {number}"
            first, second = f"{asset}  {amount} EUR", f"{other}  -{amount} EUR"
        else:
            other, narration = rng.choice(EXPENSES), f"Ausgabe {number}"
            first, second = f"{other}  {amount} EUR", f"{asset}  -{amount} EUR"
        lines.append(f'{day.isoformat()} * "{payee}" "{narration}"')
        lines.append(f"  {first}")
        lines.append(f"  {second}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, required=True, help="number of transactions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(ledger(args.entries, seed=args.seed), encoding="utf-8")
    print(f"wrote {args.entries} transactions to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
