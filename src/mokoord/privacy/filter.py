"""``python -m mokoord.privacy.filter``: the history rewrite of an erasure, in a copy.

Run by :mod:`mokoord.privacy.rewrite` inside a temporary mirror of the store's
repository, never in the repository itself. It reads the :class:`~mokoord.privacy.scrub.Scrub`
as JSON on standard input (it holds the values to erase, so it never touches a
file) and lets git-filter-repo rewrite every ref: each file version through
:meth:`Scrub.blob`, each commit and tag message through :meth:`Scrub.message`.
Commits that end up changing nothing (an edit of the erased person only) are
dropped. filter-repo writes the first commits it changed to
``filter-repo/first-changed-commits``; the erasure log keeps them.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from mokoord.privacy.scrub import Scrub, ScrubError

KILL_AFTER_FILES = "MOKOORD_TEST_KILL_FILTER_AFTER"
"""Crash-safety tests: the rewrite kills itself after this many files."""


class _Files:
    def __init__(self, scrub: Scrub) -> None:
        self.scrub = scrub
        self.done: dict[tuple[bytes, bytes], bytes] = {}
        self.count = 0
        self.kill_after = int(os.environ.get(KILL_AFTER_FILES, "0") or 0)

    def __call__(self, filename: bytes, mode: bytes, blob_id: bytes, value: Any) -> Any:
        self.count += 1
        if self.kill_after and self.count >= self.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        if mode == b"160000":  # a submodule: no content here
            return filename, mode, blob_id
        key = (filename, blob_id)
        new_id = self.done.get(key)
        if new_id is None:
            path = filename.decode("utf-8", errors="surrogateescape")
            content = value.get_contents_by_identifier(blob_id)
            if content is None:
                new_id = blob_id
            else:
                scrubbed = self.scrub.blob(path, content)
                new_id = (
                    blob_id if scrubbed == content else value.insert_file_with_contents(scrubbed)
                )
            self.done[key] = new_id
        return filename, mode, new_id


def main() -> int:
    import git_filter_repo as fr

    scrub = Scrub.from_json(sys.stdin.read())
    args = fr.FilteringOptions.parse_args(["--force", "--partial", "--quiet"])
    files = _Files(scrub)
    try:
        fr.RepoFilter(args, file_info_callback=files, message_callback=scrub.message).run()
    except ScrubError as error:
        print(error.message, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
