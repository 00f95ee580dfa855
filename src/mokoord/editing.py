"""Editing an organisation's file by hand in an external editor (``mokoord edit``).

The person edits a copy in a private temporary folder; the store's file is
written only when the copy validates, and then as one change. The session
can never run away and never leaves the copy behind:

- what the person wrote in their own words becomes what the file holds
  (:func:`keys_for_labels`): ``district: Biebrich`` is saved as
  ``district: biebrich``, ``languages: [Ukrainisch]`` as ``[uk]``,
  ``last_verified: 14.03.2023`` as a date, ``own: ja`` as ``true``;
- every problem of the saved copy is listed at once at the top of the file
  (parse and validation problems, a changed id, undeclared terms), with line
  numbers that point into the copy;
- after an invalid save the editor is opened again only when the person
  agrees (:attr:`EditSession.ask_reopen`); without anyone to ask, at most
  :data:`UNATTENDED_ROUNDS` times, then the original is kept;
- the temporary folder is removed on every way out, including SIGTERM and
  SIGHUP; should that fail, the error names where the copy is kept.

A file that cannot be read at all (bytes that are not UTF-8, invalid YAML,
git conflict markers) is opened as the text it holds, so that ``edit`` can
repair it: bytes that are not UTF-8 are read as Windows-1252 and saved as
UTF-8.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from mokoord.errors import MokoordError
from mokoord.i18n import _
from mokoord.models import Config, Organisation
from mokoord.store import Change, Store
from mokoord.terms import organisation_term_places
from mokoord.validation import validate_document
from mokoord.yamlio import parse_document

UNATTENDED_ROUNDS = 3
"""How often the editor is opened in all when nobody can be asked (a script, a pipe)."""

MARK = "# mokoord: "
"""Lines starting with this, at the top of the copy, list the problems; they are never saved."""


class EditStopped(MokoordError):
    """The edit ended without writing; the store's file is as it was."""


def decode_for_editing(raw: bytes) -> tuple[str, bool]:
    """The file's text for the editor and whether it was clean UTF-8.

    A byte order mark is dropped; text that is not UTF-8 (a file saved by an
    old Windows editor) is read as Windows-1252, byte for byte where that
    code page has no character, so an umlaut stays an umlaut.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode("utf-16"), False
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), True
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), False


def problems_of(content: str, relative: str, org_id: str, config: Config) -> list[str]:
    """Every problem of the edited text at once, each ``path:line:col: error code message``."""
    doc = parse_document(relative, content.encode("utf-8"))
    _record, found = validate_document(doc, Organisation)
    problems = [p for p in found if p.severity == "error"]
    if doc.data is not None:
        declared = doc.data.get("id")
        if isinstance(declared, str) and declared != org_id:
            problems.append(
                doc.problem(
                    ("id",),
                    "id",
                    _("the id must stay '{id}'").format(id=org_id),
                )
            )
        for loc, message in organisation_term_places(doc.data, config):
            problems.append(doc.problem(loc, "undeclared-term", message))
    problems.sort(key=lambda p: (p.line, p.column))
    return [problem.format() for problem in problems]


def keys_for_labels(content: str, config: Config) -> str:
    """The edited text with values in people's words written as the file holds them
    (:func:`mokoord.edits.normalise_values`), changing only those lines; the text
    as it is when it does not parse or nothing needs changing."""
    from ruamel.yaml.error import YAMLError

    from mokoord.edits import normalise_values
    from mokoord.roundtrip import RoundTripDocument

    doc = parse_document("edit.yaml", content.encode("utf-8"), locate=False)
    if not isinstance(doc.data, dict) or any(p.severity == "error" for p in doc.problems):
        return content
    new = normalise_values(doc.data, Organisation, config)
    if new == doc.data:
        return content
    try:
        edited = RoundTripDocument(content)
        edited.apply(doc.data, new)
        return edited.dump()
    except (YAMLError, ValueError):  # a text ruamel cannot read again stays as written
        return content


def strip_marks(text: str) -> str:
    """The copy without the problem lines mokoord put at its top."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(MARK):
        lines.pop(0)
    return "".join(lines)


def with_marks(text: str, problems: list[str], notes: list[str] | None = None) -> str:
    """The text with the problems (and notes) listed at its top, line numbers shifted to match."""
    header = [
        _("there are problems; fix them and save, or quit without saving to keep the original"),
        *(notes or []),
        *problems,
    ]
    offset = len(header)
    shifted = [
        re.sub(
            r":(\d+):(\d+):",
            lambda m: f":{int(m.group(1)) + offset}:{m.group(2)}:",
            line,
            count=1,
        )
        for line in header
    ]
    return "".join(f"{MARK}{line}\n" for line in shifted) + text


@dataclass
class EditSession:
    """One ``mokoord edit``: the copy, the rounds in the editor, the result.

    ``run_editor(path)`` opens the editor on the copy and returns its exit
    status; ``ask_reopen(problems)`` asks whether to open the editor again
    (``None`` when nobody can be asked).
    """

    relative: str
    org_id: str
    config: Config
    original: bytes
    run_editor: Callable[[Path], int]
    ask_reopen: Callable[[list[str]], bool] | None = None
    rounds: int = field(default=0, init=False)

    def run(self) -> str | None:
        """The new text to save, or ``None`` when nothing changed.

        Raises :class:`EditStopped` when the edit ends without a valid save
        (the editor failed, the person discarded the changes, the problems
        stayed, the process was told to stop).
        """
        text, clean = decode_for_editing(self.original)
        notes = [] if clean else [_("the file was not saved as UTF-8; it will be saved as UTF-8")]
        initial = self._initial_problems(text, clean)
        shown = with_marks(text, initial, notes) if initial else text
        with _stop_on_signals(self.relative), _private_folder(self.relative) as folder:
            copy = folder / f"{self.org_id}.yaml"
            while True:
                copy.write_text(shown, encoding="utf-8")
                os.utime(copy, ns=(0, 0))  # any save, even of unchanged text, gives a new time
                self.rounds += 1
                status = self.run_editor(copy)
                if status != 0:
                    raise EditStopped(
                        _("the editor exited with status {status}; {path} is unchanged").format(
                            status=status, path=self.relative
                        )
                    )
                edited = copy.read_text(encoding="utf-8", errors="replace")
                if edited == shown and copy.stat().st_mtime_ns == 0:  # quit without saving
                    if shown != text:
                        raise EditStopped(
                            _("edit abandoned; {path} is unchanged").format(path=self.relative),
                            hint=_("`mokoord check` lists the problems of the file")
                            if initial
                            else None,
                        )
                    return None
                content = keys_for_labels(strip_marks(edited), self.config)
                if clean and content == text and not initial:
                    return None
                problems = problems_of(content, self.relative, self.org_id, self.config)
                if not problems:
                    return content
                self._again(problems)
                shown = with_marks(content, problems)

    def _initial_problems(self, text: str, clean: bool) -> list[str]:
        if not clean:  # the problem is in the bytes: name it as check does
            doc = parse_document(self.relative, self.original)
            in_bytes = [p.format() for p in doc.problems if p.severity == "error"]
            return in_bytes + problems_of(text, self.relative, self.org_id, self.config)
        return problems_of(text, self.relative, self.org_id, self.config)

    def _again(self, problems: list[str]) -> None:
        """Decide whether the editor opens once more; raise when it does not."""
        if self.ask_reopen is not None:
            if not self.ask_reopen(problems):
                raise EditStopped(
                    _("changes discarded; {path} is unchanged").format(path=self.relative)
                )
            return
        if self.rounds >= UNATTENDED_ROUNDS:
            raise EditStopped(
                _(
                    "the edited file still had problems after {rounds} rounds in the editor; "
                    "{path} is unchanged"
                ).format(rounds=self.rounds, path=self.relative),
                hint=_("run `mokoord edit` at a terminal to be asked after each round"),
            )


@contextlib.contextmanager
def _private_folder(relative: str) -> Iterator[Path]:
    """A temporary folder only this user can read, removed on the way out.

    When it cannot be removed the error says where it is, so nothing is
    left behind unnoticed.
    """
    folder = Path(tempfile.mkdtemp(prefix="mokoord-edit-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            raise EditStopped(
                _("{path} is unchanged; the edited copy is kept in {folder}").format(
                    path=relative, folder=folder
                ),
                hint=_("delete that folder when you no longer need it"),
            )


class _Signalled(EditStopped):
    """The process was told to stop (SIGTERM, SIGHUP) while editing."""

    def __init__(self, signum: int, relative: str) -> None:
        name = signal.Signals(signum).name
        super().__init__(
            _("stopped by {signal}; {path} is unchanged").format(signal=name, path=relative)
        )
        self.exit_code = 128 + signum


@contextlib.contextmanager
def _stop_on_signals(relative: str) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception, so every ``finally`` runs (and the copy goes)."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Signalled(signum, relative)

    previous: dict[int, Any] = {}
    for signum in wanted:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue  # nohup and the like: ignored it stays
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def editor_command() -> str | None:
    """The editor to run: ``$VISUAL``, else ``$EDITOR``."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR")


def save_edit(
    store: Store, path: Path, original: bytes, content: str, *, message: str, commit: bool
) -> Change:
    """Write the edited text as one change, unless the file changed meanwhile.

    When someone else changed the file while it was being edited, nothing is
    written; the edited text is kept in the store's cache folder and the
    error says where.
    """
    relative = store.relative(path)
    with Change(store, message, commit=commit) as change:
        if path.read_bytes() != original:
            backup = store.cache_dir / f"edit-{path.stem}.yaml"
            backup.parent.mkdir(parents=True, exist_ok=True)
            backup.write_text(content, encoding="utf-8")
            raise MokoordError(
                _("{path} was changed by someone else while you edited; nothing written").format(
                    path=relative
                ),
                hint=_("your version is saved in {backup}").format(backup=backup),
            )
        change.write_bytes(path, content.encode("utf-8"))
    return change
