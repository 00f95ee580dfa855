"""``python -m mokoord.privacy.hook NAME``: the git hooks :func:`~mokoord.privacy.guard.install_hooks`
installs. Each exits 1 with the reason on standard error when the history it is
asked about would bring erased data back (:func:`~mokoord.privacy.guard.refusals`).

- ``pre-receive`` (a server repository): every ref update pushed; a push that
  replaces a stale history by the erased one is let through;
- ``pre-push`` (a clone): every ref about to be pushed;
- ``pre-merge-commit`` (a clone): the merge of the commits ``git merge`` names into
  ``HEAD``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mokoord.privacy.guard import ZERO, Refusal, _git, refusals


def _pre_receive(repo: Path, lines: list[str]) -> list[Refusal]:
    found: list[Refusal] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] == ZERO:
            continue
        old, new, _ref = parts
        found += refusals(repo, [new], also_known=[old], since=[old])
    return found


def _pre_push(repo: Path, lines: list[str]) -> list[Refusal]:
    found: list[Refusal] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 4 or parts[1] == ZERO:
            continue
        _local_ref, local, _remote_ref, remote = parts
        known = _git(["cat-file", "-e", f"{remote}^{{commit}}"], repo).returncode == 0
        base = [remote] if remote != ZERO and known else []
        found += refusals(repo, [local], also_known=base, since=base, here=local)
    return found


def _incoming(repo: Path) -> list[str]:
    """The commits ``git merge`` is merging into ``HEAD``.

    git writes ``MERGE_HEAD`` only after the hook (when the merge stops), so
    they are read from the ``GITHEAD_<commit>`` variables it sets for its
    strategies; ``MERGE_HEAD`` where a git version has it already.
    """
    found = [
        key.removeprefix("GITHEAD_")
        for key in os.environ
        if key.startswith("GITHEAD_") and len(key) in (8 + 40, 8 + 64)
    ]
    merge_head = _git(["rev-parse", "--git-path", "MERGE_HEAD"], repo).stdout.strip()
    path = Path(merge_head) if Path(merge_head).is_absolute() else repo / merge_head
    if path.is_file():
        found += path.read_text(encoding="ascii", errors="replace").split()
    return list(dict.fromkeys(found))


def _pre_merge_commit(repo: Path) -> list[Refusal]:
    head = _git(["rev-parse", "HEAD"], repo).stdout.strip()
    return refusals(repo, [head, *_incoming(repo)], since=[head], here=head)


def main(argv: list[str] | None = None) -> int:
    from mokoord.i18n import DEFAULT_LANGUAGE, language_from_environment, set_language

    set_language(language_from_environment() or DEFAULT_LANGUAGE)
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else ""
    repo = Path.cwd()
    if name == "pre-receive":
        found = _pre_receive(repo, sys.stdin.read().splitlines())
    elif name == "pre-push":
        found = _pre_push(repo, sys.stdin.read().splitlines())
    elif name == "pre-merge-commit":
        found = _pre_merge_commit(repo)
    else:
        print(f"unknown hook {name!r}", file=sys.stderr)
        return 2
    for refusal in found:
        print(f"mokoord: {refusal}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
