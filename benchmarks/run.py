"""mokoord's speed on a large store: every figure next to its limit and a baseline.

    python benchmarks/run.py [--orgs 5000 --contacts 100000 --events 5000] [--runs 3]
                             [--rebuild] [--no-growth] [--no-beancount] [--no-watch]
                             [--stores DIR] [--only NAME ...]

Builds (or reuses) a stress store with ``benchmarks/make_store.py`` in
``benchmarks/out/`` and, for the growth figures, one three times as large.
Every figure is a real ``python -m mokoord`` process started the way a user
starts it (its output goes nowhere, as into a pipe: no terminal); each is the
median of ``--runs`` runs after one unmeasured run, with the peak memory of
the largest run (the process's maximum resident set). Figures with a baseline
(the libyaml parse floor, ``git commit``, a minimal Typer app, ``bean-check``)
measure the pair in turns, A B A B …, and give the median of the ratios, so
a comparison holds while a shared machine's speed drifts. Results also go to
``benchmarks/out/results.json``; the exit status is 1 when a limit is missed.
``--stores DIR`` measures the stores built (or builds them) there;
``--only list show`` measures just those warm figures (and their growth);
``--only cold`` the cold report against the parse floor.

The first command on each store starts its watcher (``mokoord.watching``), and
no figure is timed before it answers; ``--no-watch`` measures without one
(``MOKOORD_WATCH=0``: every command stats every file, as on a network drive).
The watchers are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
MOKOORD = [sys.executable, "-m", "mokoord"]

FLOOR_SCRIPT = """
import os, sys
import yaml
count = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), "rb") as handle:
                yaml.load(handle.read(), Loader=yaml.CSafeLoader)
            count += 1
print(count)
"""
"""The libyaml parse floor: PyYAML's C loader reads every file once, in one process."""

MINIMAL_TYPER = """
import typer
app = typer.Typer(add_completion=False)
@app.command()
def hello(name: str = "world") -> None:
    "Say hello."
    print(name)
@app.command()
def bye() -> None:
    "Say bye."
app()
"""

YEAR = "2023"
SEARCH = "elternverein"


@dataclass
class Run:
    wall: float
    peak_mib: float


@dataclass
class Timing:
    runs: list[Run]

    @property
    def median(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def peak(self) -> float:
        return max(run.peak_mib for run in self.runs)


def run_once(args: Sequence[str], *, cwd: Path | None = None) -> Run:
    """One whole process: its wall time and its peak memory (from the kernel's accounting)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(args), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_maxrss / 1024)  # KiB on Linux


def timed(
    args: Sequence[str], runs: int, *, before: Callable[[], None] | None = None, warmup: int = 1
) -> Timing:
    """``runs`` runs after ``warmup`` unmeasured ones; ``before()`` runs (untimed) before each."""
    found = []
    for number in range(warmup + runs):
        if before:
            before()
        run = run_once(args)
        if number >= warmup:
            found.append(run)
    return Timing(found)


def paired(
    a: Sequence[str],
    b: Sequence[str],
    runs: int,
    *,
    before_a: Callable[[], object] | None = None,
    before_b: Callable[[], object] | None = None,
    warmup: int = 1,
) -> tuple[Timing, Timing, float]:
    """A and B in turns; their timings and the median of the ratios A/B, pair by pair."""
    ta, tb = [], []
    for number in range(warmup + runs):
        if before_a:
            before_a()
        ra = run_once(a)
        if before_b:
            before_b()
        rb = run_once(b)
        if number >= warmup:
            ta.append(ra)
            tb.append(rb)
    ratio = statistics.median(x.wall / y.wall for x, y in zip(ta, tb, strict=True))
    return Timing(ta), Timing(tb), ratio


# --------------------------------------------------------------------------- stores


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build_store(
    root: Path, orgs: int, contacts: int, events: int, seed: int, *, repo: bool
) -> None:
    if root.exists():
        shutil.rmtree(root)
    print(f"building {root.name} …", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_store.py"),
            *("--orgs", str(orgs), "--contacts", str(contacts), "--events", str(events)),
            *("--seed", str(seed), "--output", str(root)),
        ],
        check=True,
    )
    if repo:
        if not (root / ".git").exists():
            git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "stress store")  # the identity comes from the environment
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


def store_path(orgs: int, contacts: int, events: int, seed: int, stores: Path = OUT) -> Path:
    return stores / f"stress-{orgs}-{contacts}-{events}-{seed}"


def count_files(root: Path) -> int:
    """The store's record files."""
    count = 0
    for _folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        count += sum(1 for name in files if name.endswith(".yaml") and name != "mokoord.yaml")
    return count


def first_org(root: Path) -> str:
    return sorted(path.stem for path in (root / "organisations").glob("*.yaml"))[0]


def everyday(root: Path) -> dict[str, list[str]]:
    """The commands of every day, as the issue names them (label → arguments)."""
    org = first_org(root)
    return {
        "list": ["list"],
        "show ID": ["show", org],
        "contacts --org ID": ["contacts", "--org", org],
        "referrals --pending": ["referrals", "--pending"],
        "agenda": ["agenda"],
        f"search {SEARCH}": ["search", SEARCH],
        f"events --year {YEAR}": ["events", "--year", YEAR],
        "institutions": ["institutions"],
        f"applications --year {YEAR}": ["applications", "--year", YEAR],
        f"cooperations --year {YEAR}": ["cooperations", "--year", YEAR],
    }


def tables_as_json(root: Path) -> dict[str, list[str]]:
    """The long listings once more as JSON: what their tables cost beyond the data."""
    return {
        "list --json": ["list", "--json"],
        f"events --year {YEAR} --json": ["events", "--year", YEAR, "--json"],
        f"applications --year {YEAR} --json": ["applications", "--year", YEAR, "--json"],
        f"cooperations --year {YEAR} --json": ["cooperations", "--year", YEAR, "--json"],
    }


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    store: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    growth: list[dict[str, Any]] = field(default_factory=list)

    def paired_row(
        self,
        figure: str,
        measured: tuple[Timing, Timing, float],
        baseline: str,
        limit: float | None,
        yardstick: str = "",
        *,
        peak: bool = True,
    ) -> None:
        """A row of a figure timed against its baseline in turns (:func:`paired`):
        ``limit`` is the most the median ratio may be (None: no limit)."""
        a, b, ratio = measured
        self.row(
            figure,
            a.median,
            "—" if limit is None else f"≤ {limit:g}×{yardstick}",
            None if limit is None else ratio <= limit,
            baseline=baseline,
            baseline_value=b.median,
            ratio=ratio,
            peak=a.peak if peak else None,
        )

    def row(
        self,
        figure: str,
        value: float,
        target: str,
        ok: bool | None,
        *,
        unit: str = "s",
        baseline: str = "—",
        baseline_value: float | None = None,
        ratio: float | None = None,
        peak: float | None = None,
    ) -> None:
        self.rows.append(
            {
                "figure": figure,
                "value": round(value, 3),
                "unit": unit,
                "peak_mib": round(peak, 1) if peak is not None else None,
                "baseline": baseline,
                "baseline_value": round(baseline_value, 3) if baseline_value else None,
                "ratio": round(ratio, 3) if ratio is not None else None,
                "target": target,
                "ok": ok,
            }
        )
        mark = "·" if ok is None else "✓" if ok else "✗"
        shown = f"{value:.3f} {unit}" if unit == "s" else f"{value:.0f} {unit}"
        memory = f"{peak:.0f} MiB" if peak is not None else ""
        base = f"{baseline_value:.3f} s" if baseline_value else ""
        rat = f"{ratio:.2f}×" if ratio is not None else ""
        print(
            f"{mark} {figure:<42} {shown:>11} {memory:>9}  {baseline:<28} {base:>9} {rat:>7}"
            f"  {target}",
            flush=True,
        )

    def grew(self, figure: str, small: float, large: float, limit: float) -> None:
        factor = large / small
        ok = factor <= limit
        self.growth.append(
            {
                "figure": figure,
                "small": round(small, 3),
                "large": round(large, 3),
                "factor": round(factor, 2),
                "limit": limit,
                "ok": ok,
            }
        )
        print(
            f"{'✓' if ok else '✗'} {figure:<42} {small:>8.3f} s {large:>8.3f} s {factor:>6.2f}×"
            f"  ≤ {limit:g}×",
            flush=True,
        )

    @property
    def ok(self) -> bool:
        return all(r["ok"] is not False for r in self.rows) and all(g["ok"] for g in self.growth)


def chosen(label: str, only: Sequence[str]) -> bool:
    """Whether ``--only`` takes the figure ``label`` (its first word, or the whole label)."""
    return not only or label in only or label.split()[0] in only


def warm_figures(
    report: Report, root: Path, runs: int, only: Sequence[str] = ()
) -> dict[str, float]:
    """check, report, export and the everyday commands, warm; returns label → median."""
    data = [*MOKOORD, "--data", str(root)]
    medians: dict[str, float] = {}
    warm_up(root)

    def figure(label: str, args: list[str], limit: float | None) -> None:
        if not chosen(label, only):
            return
        timing = timed([*data, *args], runs)
        medians[label] = timing.median
        ok = None if limit is None else timing.median <= limit and timing.peak <= 300
        target = "—" if limit is None else f"≤ {limit:g} s, ≤ 300 MiB"
        report.row(label, timing.median, target, ok, peak=timing.peak)

    figure("check", ["check"], 1.5)
    if "check" in only:
        figure("check --json", ["check", "--json"], None)
    figure(f"report --year {YEAR}", ["report", "--year", YEAR, "--format", "json"], 1.0)
    figure("export organisations --format csv", ["export", "organisations", "--format", "csv"], 1.0)
    for label, args in everyday(root).items():
        figure(label, args, 0.5)
    for label, args in tables_as_json(root).items():
        figure(label, args, None)
    return medians


def cold_report(report: Report, root: Path, runs: int) -> None:
    index = root / ".mokoord"
    floor = [sys.executable, "-c", FLOOR_SCRIPT, str(root)]
    cold = [*MOKOORD, "--data", str(root), "report", "--year", YEAR, "--format", "json"]
    # every file read once, unmeasured: the pairs find the files in the system's cache
    # alike (else the first cold report reads them from the disk, and the floor after it
    # from the cache)
    run_once(floor)
    measured = paired(
        cold,
        floor,
        max(1, runs - 1),
        before_a=lambda: shutil.rmtree(index, ignore_errors=True),
        warmup=0,
    )
    report.paired_row(
        "report, cold (no index)", measured, "libyaml floor (one process)", 1.3, " the floor"
    )
    run_once([*MOKOORD, "--data", str(root), "check"])  # the whole index again


def changed_check(report: Report, root: Path, runs: int) -> None:
    target = sorted((root / "contacts" / YEAR).glob("*.yaml"))[0]
    original = target.read_bytes()
    check = [*MOKOORD, "--data", str(root), "check"]
    count = iter(range(1_000_000))

    def change() -> None:
        target.write_bytes(original + f"# {next(count)}\n".encode())

    try:
        measured = paired(check, check, runs, before_a=change)
    finally:
        target.write_bytes(original)
    report.paired_row("check after one changed file", measured, "warm check", 1.2, " warm check")
    run_once(check)


WRITING = ("add-contact", "sync")
"""``--only`` names of the writing figures: add-contact's (and the report after it),
sync's (and the report right after it)."""


def writing_figures(report: Report, root: Path, runs: int, only: Sequence[str] = ()) -> None:
    """Figures of the first round (the report after a write, add-contact, help, the demo,
    sync); with ``only``, those of add-contact and/or sync."""
    data = [*MOKOORD, "--data", str(root)]
    report_args = [*data, "report", "--year", YEAR, "--format", "json"]
    warm_up(root)
    if not only or "add-contact" in only:
        _add_contact_figures(report, root, runs, data, report_args)
    if not only:
        _start_figures(report, runs)
    if not only or "sync" in only:
        _sync_figures(report, root, runs, report_args)


def _add_contact_figures(
    report: Report, root: Path, runs: int, data: list[str], report_args: list[str]
) -> None:
    institution = sorted(path.stem for path in (root / "institutions").glob("*.yaml"))
    add_contact = [
        *data,
        "add-contact",
        *("--org", first_org(root), "--date", "2023-06-01", "--channel", "phone"),
        *("--topic", "funding", "--summary", "Benchmark-Kontakt", "--initiated-by", "organisation"),
        *("--follow-up", "2023-06-15", "--follow-up-action", "Rückruf"),
    ]
    if institution:
        add_contact += ["--refer-to", institution[0], "--refer-reason", "Beratung"]
    measured = paired(
        report_args, report_args, runs, before_a=lambda: run_once(add_contact), warmup=0
    )
    report.paired_row(
        "report after one add-contact", measured, "warm report", 1.2, " warm report", peak=False
    )
    sample = sorted((root / "contacts" / YEAR).glob("*.yaml"))[0].read_text(encoding="utf-8")
    numbers = iter(range(1_000_000))

    def git_baseline() -> Run:
        path = root / "contacts" / YEAR / f"{YEAR}-06-01-gitbench{next(numbers)}.yaml"
        path.write_text(sample.replace("id: ", "id: x", 1), encoding="utf-8")
        start = time.perf_counter()
        git(root, "add", "--", str(path))
        git(root, "commit", "-qm", "baseline")
        wall = time.perf_counter() - start
        git(root, "rm", "-q", "--", str(path))
        git(root, "commit", "-qm", "remove baseline file")
        return Run(wall, 0.0)

    adds, gits = [], []
    for _ in range(runs):
        adds.append(run_once(add_contact))
        gits.append(git_baseline())
    ratio = statistics.median(a.wall / g.wall for a, g in zip(adds, gits, strict=True))
    report.row(
        "add-contact, all flags, with its commit",
        statistics.median(a.wall for a in adds),
        "≤ 1.5×",
        ratio <= 1.5,
        baseline="git add + git commit",
        baseline_value=statistics.median(g.wall for g in gits),
        ratio=ratio,
    )


def _start_figures(report: Report, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_TYPER, encoding="utf-8")
        measured = paired(
            [*MOKOORD, "--help"], [sys.executable, str(minimal), "--help"], max(5, runs)
        )
    report.paired_row("mokoord --help", measured, "minimal Typer app --help", 1.3, peak=False)
    demo = Path(tempfile.mkdtemp(prefix="mokoord-demo-"))
    try:
        shutil.copytree(REPO / "data", demo / "data", ignore=shutil.ignore_patterns(".mokoord"))
        floor = [sys.executable, "-c", FLOOR_SCRIPT, str(demo / "data")]
        listing = [*MOKOORD, "--data", str(demo / "data"), "list", "--json"]
        measured = paired(listing, floor, max(5, runs))
    finally:
        shutil.rmtree(demo, ignore_errors=True)
    report.paired_row(
        "list --json on the demo store", measured, "libyaml floor, demo store", 1.0, peak=False
    )


def _sync_figures(report: Report, root: Path, runs: int, report_args: list[str]) -> None:
    pull_time, sync_time, after_sync = sync_figures(root, report_args, runs)
    report.row(
        "sync bringing in 10 new contacts",
        sync_time,
        "≤ 1.5×",
        sync_time <= 1.5 * pull_time,
        baseline="git pull of the same commits",
        baseline_value=pull_time,
        ratio=sync_time / pull_time,
    )
    warm = timed(report_args, runs).median
    report.row(
        "report right after that sync",
        after_sync,
        "≤ 1.2× warm report",
        after_sync <= 1.2 * warm,
        baseline="warm report",
        baseline_value=warm,
        ratio=after_sync / warm,
    )


def _daemon(base: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``git daemon`` on 127.0.0.1 serving the bare repositories below ``base``."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"git://127.0.0.1:{port}"


def sync_figures(root: Path, report: list[str], runs: int) -> tuple[float, float, float]:
    """A colleague sent 10 new contacts to the server: ``git pull`` of them, then
    ``mokoord sync`` of the same commits, each from the same state; and the
    report right after a sync (the index reads the 10 new files only)."""
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    branch = subprocess.run(
        ["git", "symbolic-ref", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    folder = root / "contacts" / "2023"
    model = next(folder.glob("*.yaml")).read_text(encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mokoord-sync-", dir=OUT) as tmp:
        subprocess.run(
            ["git", "clone", "--quiet", "--bare", str(root), str(Path(tmp) / "register.git")],
            check=True,
        )
        daemon, url = _daemon(Path(tmp))
        git(root, "remote", "add", "bench", f"{url}/register.git")
        tracking = f"refs/remotes/bench/{branch}"
        try:
            for number in range(10):
                new_id = f"2023-06-02-sync{number:02d}"
                text = re.sub(r"^id: .*$", f"id: {new_id}", model, count=1, flags=re.M)
                text = re.sub(r"^date: .*$", "date: 2023-06-02", text, count=1, flags=re.M)
                (folder / f"{new_id}.yaml").write_text(text, encoding="utf-8")
            git(root, "add", "--", "contacts/2023")
            git(root, "commit", "-qm", "10 contacts from a colleague")
            git(root, "push", "-q", "bench", f"HEAD:refs/heads/{branch}")

            def back() -> None:
                git(root, "reset", "-q", "--hard", base)
                git(root, "update-ref", tracking, base)

            pull = ["git", "pull", "-q", "--no-rebase", "bench", branch]
            sync = [*MOKOORD, "--data", str(root), "sync", "--remote", "bench", "--json"]
            back()
            subprocess.run(sync, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            pulls, syncs = [], []
            for _ in range(runs):
                back()
                pulls.append(run_once(pull, cwd=root).wall)
                back()
                syncs.append(run_once(sync).wall)
            report_after = run_once(report).wall
        finally:
            git(root, "reset", "-q", "--hard", base)
            git(root, "remote", "remove", "bench")
            daemon.terminate()
            daemon.wait()
    return statistics.median(pulls), statistics.median(syncs), report_after


def beancount_figures(report: Report, root: Path, runs: int, entries: int) -> None:
    """``bean-check`` on a ledger of as many entries, next to ``mokoord check``."""
    bean_check = shutil.which(
        "bean-check", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    )
    if bean_check is None:
        print("· bean-check: not installed (pip install beancount); no comparison", flush=True)
        return
    ledger = OUT / f"ledger-{entries}.beancount"
    if not ledger.is_file():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_ledger.py"),
                "--entries",
                str(entries),
                "--output",
                str(ledger),
            ],
            check=True,
        )
    cache = ledger.parent / f".{ledger.name}.picklecache"
    check = [*MOKOORD, "--data", str(root), "check"]
    measured = paired(check, [bean_check, str(ledger)], runs)
    report.paired_row(
        f"check (warm) vs bean-check, {entries:,} entries",
        measured,
        "bean-check with its cache",
        None,
    )
    index = root / ".mokoord"
    measured = paired(
        check,
        [bean_check, str(ledger)],
        max(1, runs - 1),
        before_a=lambda: shutil.rmtree(index, ignore_errors=True),
        before_b=lambda: cache.unlink(missing_ok=True),
        warmup=0,
    )
    report.paired_row(
        "check, cold (no index) vs bean-check", measured, "bean-check without its cache", None
    )
    run_once(check)


def warm_up(root: Path) -> None:
    """The index brought up to date, and the store's watcher (started by that command)
    answering, so that no figure is timed while it makes its first scan; with
    ``MOKOORD_WATCH=0`` (``--no-watch``), no watcher."""
    from mokoord import scanning, watching

    run_once([*MOKOORD, "--data", str(root), "check"])
    if not watching.enabled():
        return
    for _ in range(600):
        if watching.ask(root, scanning.FOLDERS) is not None:
            return
        time.sleep(0.1)
    print(f"  (no watcher answered for {root.name}: every command scans)", flush=True)


def stop_watchers(*roots: Path) -> None:
    """The stores' watchers ended: a benchmark leaves no process behind."""
    from mokoord import watching

    for root in roots:
        if root.is_dir():
            watching.stop(root)


def growth_figures(report: Report, small: dict[str, float], root: Path, runs: int) -> None:
    """The same commands on a store three times as large: how much longer they take."""
    data = [*MOKOORD, "--data", str(root)]
    print(f"\non {root.name} ({count_files(root):,} files), warm:", flush=True)
    warm_up(root)
    commands = {
        "check": (["check"], 3.0),
        f"report --year {YEAR}": (["report", "--year", YEAR, "--format", "json"], 3.0),
        **{label: (args, 2.0) for label, args in everyday(root).items()},
    }
    print(f"  {'figure':<42} {'1×':>10} {'3×':>10} {'factor':>7}", flush=True)
    for label, (args, limit) in commands.items():
        if label not in small:
            continue
        report.grew(label, small[label], timed([*data, *args], runs).median, limit)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--rebuild", action="store_true", help="build the stores anew")
    parser.add_argument("--no-growth", action="store_true", help="skip the store 3× as large")
    parser.add_argument("--no-beancount", action="store_true", help="skip bean-check")
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="no store watcher (MOKOORD_WATCH=0): every command stats every file",
    )
    parser.add_argument(
        "--stores",
        type=Path,
        default=OUT,
        metavar="DIR",
        help="where the stores are (built there when missing; default benchmarks/out)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=(),
        metavar="NAME",
        help="only these warm figures (and their growth), by label or its first word "
        "(--only list show export); check also gives check after one changed file "
        "and bean-check; cold gives the cold report against the libyaml floor; "
        "add-contact gives add-contact with its commit and the report after it, sync "
        "gives sync and the report right after it",
    )
    args = parser.parse_args()
    only = tuple(args.only)
    only_check = "check" in only

    os.environ.update(
        {
            "GIT_AUTHOR_NAME": "Benchmark",
            "GIT_AUTHOR_EMAIL": "bench@example.org",
            "GIT_COMMITTER_NAME": "Benchmark",
            "GIT_COMMITTER_EMAIL": "bench@example.org",
            "MOKOORD_LANG": "de",
        }
    )
    if args.no_watch:
        os.environ["MOKOORD_WATCH"] = "0"
    else:
        os.environ.pop("MOKOORD_WATCH", None)
    # Users run from installed (compiled) modules: let Python keep its bytecode cache.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sizes = (args.orgs, args.contacts, args.events, args.seed)
    root = store_path(*sizes, stores=args.stores)
    if args.rebuild or not (root / "mokoord.yaml").is_file():
        build_store(root, *sizes, repo=True)
    large = store_path(
        args.orgs * 3, args.contacts * 3, args.events * 3, args.seed, stores=args.stores
    )
    if not args.no_growth and (args.rebuild or not (large / "mokoord.yaml").is_file()):
        build_store(large, args.orgs * 3, args.contacts * 3, args.events * 3, args.seed, repo=False)

    files = count_files(root)
    report = Report(root.name)
    print(
        f"{root.name}: {files:,} files; {platform.node()}, {os.cpu_count()} cores; "
        f"median of {args.runs} runs after one more; "
        f"{'no watcher' if args.no_watch else 'with the store watcher'}",
        flush=True,
    )
    print(
        f"  {'figure':<42} {'median':>11} {'peak':>9}  {'baseline':<28} {'':>9} {'ratio':>7}  limit"
    )
    if not only or "cold" in only:
        cold_report(report, root, args.runs)
    warm_only = [name for name in only if name not in WRITING]
    small = warm_figures(report, root, args.runs, warm_only) if warm_only or not only else {}
    if not only or only_check:
        changed_check(report, root, args.runs)
    if not only or set(WRITING) & set(only):
        writing_figures(report, root, args.runs, [name for name in only if name in WRITING])
    if (not only or only_check) and not args.no_beancount:
        beancount_figures(report, root, args.runs, files)
    if not args.no_growth:
        growth_figures(report, small, large, args.runs)
    stop_watchers(root, large)

    OUT.mkdir(parents=True, exist_ok=True)
    results = {
        "store": report.store,
        "files": files,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "runs": args.runs,
        "watcher": not args.no_watch,
        "rows": report.rows,
        "growth": report.growth,
    }
    (OUT / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nresults: {OUT / 'results.json'}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
