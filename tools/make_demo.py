"""Regenerate the demo store in ``data/`` (deterministic; see docs/demo-data.md).

Run from the repository root::

    python tools/make_demo.py            # rewrites data/
    python tools/make_demo.py --output /tmp/demo

The store is created with ``mokoord.newstore.init_store`` and every record is
written through mokoord's models and ``Store.render`` with atomic writes, so
the files look exactly as if mokoord itself had written them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if (REPO / "src" / "mokoord").is_dir():
    sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from mokoord.dataset import plain  # noqa: E402
from mokoord.models import Config  # noqa: E402
from mokoord.newstore import init_store  # noqa: E402
from mokoord.roundtrip import RoundTripDocument  # noqa: E402
from mokoord.store import CONFIG_FILE, Store  # noqa: E402
from mokoord.yamlio import atomic_write  # noqa: E402
from tools.demo_data import Generated, generate, tag_vocabulary  # noqa: E402
from tools.demo_templates import SENDER, templates  # noqa: E402

DEMO_SEED = 2021


def declare_tags(root: Path, tags: dict[str, dict[str, str]]) -> None:
    """Add the generated data's tags to ``vocabularies.tags`` and the office's address
    for letters (``sender``), keeping init's file layout."""
    path = root / CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    old = Config.model_validate(RoundTripDocument(text).data)
    data = plain(old)
    data["vocabularies"] = {**data["vocabularies"], "tags": tags}
    data = {
        **{key: value for key, value in data.items() if key in ("format", "city", "office")},
        "sender": SENDER,
        **data,
    }
    new = Config.model_validate(data)
    doc = RoundTripDocument(text)
    doc.apply(plain(old), plain(new))
    atomic_write(path, doc.dump().encode("utf-8"))


def write_store(root: Path, generated: Generated) -> int:
    """Create a store at ``root`` (must not exist or be empty) and write every record."""
    init_store(root, commit=False)
    # The demo lives inside mokoord's own repository and is never synced: without
    # the attributes, commands on it leave that repository's git config alone.
    (root / ".gitattributes").unlink()
    declare_tags(root, tag_vocabulary())
    for relative, text in templates().items():
        atomic_write(root / relative, text.encode("utf-8"))
    store = Store(root)
    count = 0
    for record in generated.records():
        path, content = store.render(record)
        atomic_write(path, content)
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=REPO / "data", help="store folder (default: data/)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEMO_SEED, help="random seed (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    generated = generate(seed=args.seed)
    target: Path = args.output.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=target.parent))
    try:
        written = write_store(staging / "store", generated)
        if target.exists():
            shutil.rmtree(target)
        (staging / "store").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = ", ".join(f"{n} {name}" for name, n in generated.counts().items())
    print(f"wrote {written} records to {target}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
