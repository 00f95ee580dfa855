"""mokoord's speed, measured against baselines taken in the same run.

    python benchmarks/run.py [--orgs 5000 --contacts 100000 --events 5000] [--rebuild]

Builds (or reuses) a stress store with ``benchmarks/make_store.py`` in
``benchmarks/out/``, then times each figure of issue 7 next to its baseline
and prints the ratio and whether it meets the target. Every figure is a real
``mokoord`` process started the way a user starts it; the median of several
runs is taken. Results also go to ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
MOKOORD = [sys.executable, "-m", "mokoord"]

FLOOR_SCRIPT = """
import os, sys
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=False)
count = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), "rb") as handle:
                yaml.load(handle.read())
            count += 1
print(count)
"""

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

PEAK_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(args: list[str], *, cwd: Path | None = None, runs: int = 3) -> float:
    """Median wall time of ``runs`` runs of a command (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build_store(root: Path, orgs: int, contacts: int, events: int, seed: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    print(
        f"building a stress store: {orgs} organisations, {contacts} contacts, {events} events …",
        flush=True,
    )
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_store.py"),
            "--orgs",
            str(orgs),
            "--contacts",
            str(contacts),
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--output",
            str(root),
        ],
        check=True,
    )
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(
        root,
        "-c",
        "user.name=Benchmark",
        "-c",
        "user.email=bench@example.org",
        "commit",
        "-qm",
        "stress store",
    )
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


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
                pulls.append(timed(pull, cwd=root, runs=1))
                back()
                syncs.append(timed(sync, runs=1))
            report_after = timed(report, runs=1)
        finally:
            git(root, "reset", "-q", "--hard", base)
            git(root, "remote", "remove", "bench")
            daemon.terminate()
            daemon.wait()
    return statistics.median(pulls), statistics.median(syncs), report_after


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="build the stress store anew")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()

    name = f"stress-{args.orgs}-{args.contacts}-{args.events}-{args.seed}"
    root = OUT / name
    if args.rebuild or not (root / "mokoord.yaml").is_file():
        build_store(root, args.orgs, args.contacts, args.events, args.seed)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Benchmark",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Benchmark",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    os.environ.update(env)
    # Users run from installed (compiled) modules: let Python keep its bytecode cache.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    data = ["--data", str(root)]
    report = [*MOKOORD, *data, "report", "--year", "2023", "--format", "json"]
    index_dir = root / ".mokoord"
    rows: list[dict[str, object]] = []

    def row(
        figure: str,
        value: float,
        baseline_name: str,
        baseline: float | None,
        target: str,
        ok: bool,
        unit: str = "s",
    ) -> None:
        ratio = value / baseline if baseline else None
        rows.append(
            {
                "figure": figure,
                "value": round(value, 3),
                "unit": unit,
                "baseline": baseline_name,
                "baseline_value": round(baseline, 3) if baseline else None,
                "ratio": round(ratio, 3) if ratio is not None else None,
                "target": target,
                "ok": ok,
            }
        )
        shown = f"{value:.3f} {unit}" if unit == "s" else f"{value:.0f} {unit}"
        base = f"{baseline:.3f} s" if baseline else "—"
        rat = f"{ratio:.2f}×" if ratio is not None else "—"
        print(
            f"{'✓' if ok else '✗'} {figure:<44} {shown:>12}  {baseline_name:<34} {base:>10}  {rat:>7}  target {target}",
            flush=True,
        )

    print(f"measuring (median of {args.runs} runs each) …", flush=True)
    floor = timed([sys.executable, "-c", FLOOR_SCRIPT, str(root)], runs=1)

    shutil.rmtree(index_dir, ignore_errors=True)
    cold_times = []
    for _ in range(max(1, args.runs - 1)):
        shutil.rmtree(index_dir, ignore_errors=True)
        cold_times.append(timed(report, runs=1))
    cold = statistics.median(cold_times)
    warm = timed(report, runs=args.runs)
    row(
        "report --year 2023 --format json, warm",
        warm,
        "parse floor (C YAML loader)",
        floor,
        "≤ 0.1× and ≤ 1.0 s",
        warm <= 0.1 * floor and warm <= 1.0,
    )
    row(
        "the same, cold (no index)",
        cold,
        "parse floor (C YAML loader)",
        floor,
        "≤ 1.3×",
        cold <= 1.3 * floor,
    )

    org_id = sorted(p.stem for p in (root / "organisations").glob("*.yaml"))[0]
    institution = sorted(p.stem for p in (root / "institutions").glob("*.yaml"))
    add_contact = [
        *MOKOORD,
        *data,
        "add-contact",
        "--org",
        org_id,
        "--date",
        "2023-06-01",
        "--channel",
        "phone",
        "--topic",
        "funding",
        "--summary",
        "Benchmark-Kontakt",
        "--initiated-by",
        "organisation",
        "--follow-up",
        "2023-06-15",
        "--follow-up-action",
        "Rückruf",
    ]
    if institution:
        add_contact += ["--refer-to", institution[0], "--refer-reason", "Beratung"]
    adds = []
    for _ in range(args.runs):
        adds.append(timed(add_contact, runs=1))
    add_time = statistics.median(adds)
    after = []
    for _ in range(args.runs):
        subprocess.run(add_contact, stdout=subprocess.DEVNULL, check=True)
        after.append(timed(report, runs=1))
    after_add = statistics.median(after)
    row(
        "report after one add-contact",
        after_add,
        "warm report",
        warm,
        "≤ 1.2×",
        after_add <= 1.2 * warm,
    )

    git_times = []
    for number in range(args.runs):
        path = root / "contacts" / "2023" / f"2023-06-01-gitbench{number}.yaml"
        path.write_text(
            (root / "contacts" / "2023")
            .glob("*.yaml")
            .__next__()
            .read_text(encoding="utf-8")
            .replace("id: ", "id: x", 1),
            encoding="utf-8",
        )
        start = time.perf_counter()
        git(root, "add", "--", str(path))
        git(root, "commit", "-qm", "baseline")
        git_times.append(time.perf_counter() - start)
        git(root, "rm", "-q", "--", str(path))
        git(root, "commit", "-qm", "remove baseline file")
    git_baseline = statistics.median(git_times)
    row(
        "add-contact, all flags, with its commit",
        add_time,
        "git add + git commit of one file",
        git_baseline,
        "≤ 1.5×",
        add_time <= 1.5 * git_baseline,
    )

    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_TYPER, encoding="utf-8")
        typer_help = timed([sys.executable, str(minimal), "--help"], runs=max(5, args.runs))
    help_time = timed([*MOKOORD, "--help"], runs=max(5, args.runs))
    row(
        "mokoord --help",
        help_time,
        "minimal Typer app --help",
        typer_help,
        "≤ 1.3×",
        help_time <= 1.3 * typer_help,
    )

    demo = Path(tempfile.mkdtemp(prefix="mokoord-demo-"))
    try:
        shutil.copytree(REPO / "data", demo / "data", ignore=shutil.ignore_patterns(".mokoord"))
        demo_floor = timed([sys.executable, "-c", FLOOR_SCRIPT, str(demo / "data")], runs=args.runs)
        list_cmd = [*MOKOORD, "--data", str(demo / "data"), "list", "--json"]
        subprocess.run(list_cmd, stdout=subprocess.DEVNULL, check=True)  # builds the index
        list_time = timed(list_cmd, runs=max(5, args.runs))
    finally:
        shutil.rmtree(demo, ignore_errors=True)
    row(
        "list --json on the demo store",
        list_time,
        "parse floor of the demo store",
        demo_floor,
        "≤ 1.0×",
        list_time <= demo_floor,
    )

    pull_time, sync_time, report_after_sync = sync_figures(root, report, args.runs)
    row(
        "sync bringing in 10 new contacts",
        sync_time,
        "git pull of the same commits",
        pull_time,
        "≤ 1.5×",
        sync_time <= 1.5 * pull_time,
    )
    row(
        "report after that sync",
        report_after_sync,
        "warm report",
        warm,
        "≤ 1.2×",
        report_after_sync <= 1.2 * warm,
    )

    peak_kib = int(
        subprocess.run(
            [sys.executable, "-c", PEAK_SCRIPT, *report], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    peak_mib = peak_kib / 1024
    row(
        "peak memory of the warm report",
        peak_mib,
        "—",
        None,
        "≤ 300 MiB",
        peak_mib <= 300,
        unit="MiB",
    )

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(
        json.dumps({"store": name, "rows": rows}, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
