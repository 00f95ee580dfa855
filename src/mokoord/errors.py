"""Errors and problems.

A *problem* is a finding about the data (a value that does not validate, an
unknown reference, a follow-up left open too long). Problems are values: they
are collected, never raised, so that ``mokoord check`` can report all of them.

A :class:`MokoordError` is raised when a command cannot do what the user asked
(no store found, an unknown id, invalid input). The CLI turns it into one
clear message and an exit code, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mokoord.i18n import _, pgettext

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, pointing at its place: ``path:line:col: severity code message``.

    ``path`` is shown as given (usually relative to the store root); ``line``
    and ``column`` are 1-based, 0 when the problem concerns the file as a whole.
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def shown(self) -> str:
        """:meth:`format` as people read it: the severity in the current language
        (``Fehler``/``Warnung``); the code stays as it is, so it can be looked up."""
        severity = (
            pgettext("severity", "error")
            if self.severity == "error"
            else pgettext("severity", "warning")
        )
        return f"{self.path}:{self.line}:{self.column}: {severity} {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        # the fields in their order, without dataclasses.asdict's deep copy (a check
        # may report many thousands)
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


class MokoordError(Exception):
    """A user-facing failure: shown as one message, exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(MokoordError):
    """The command line asked for something impossible (bad value, bad combination)."""

    exit_code = 2


class StoreNotFound(MokoordError):
    """No store at the given or discovered place."""


class NotFound(MokoordError):
    """An id that names no record."""


class InvalidData(MokoordError):
    """A record would not validate; carries every problem found."""

    shown = 0
    """How many of :attr:`problems` the message itself states already."""

    def __init__(self, message: str, problems: list[Problem], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class Unreadable(InvalidData):
    """The file of a record asked for by id exists but cannot be used.

    The message names the file and its first problem (``organisations/x.yaml
    cannot be read: line 2: …``); the others follow; the hint says how to
    repair it.
    """

    shown = 1

    def __init__(self, problems: list[Problem], *, repair: str | None = None) -> None:
        first = problems[0]
        if first.line:
            message = _("{path} cannot be read: line {line}: {problem}").format(
                path=first.path, line=first.line, problem=first.message
            )
        else:
            message = _("{path} cannot be read: {problem}").format(
                path=first.path, problem=first.message
            )
        hint = (
            _("repair it with: {command}").format(command=repair)
            if repair
            else _("repair {path} in a text editor; `mokoord check` lists every problem").format(
                path=first.path
            )
        )
        super().__init__(message, problems, hint=hint)
        self.path = first.path


def first_errors(problems: Iterable[Problem]) -> list[Problem]:
    """The first error of every file that has one, by path: the files a load left out.

    Loading never uses a file with an error (and uses every other file), so
    these are exactly the files a command could not use.
    """
    first: dict[str, Problem] = {}
    for problem in problems:
        if problem.severity != "error":
            continue
        known = first.get(problem.path)
        if known is None or (problem.line, problem.column) < (known.line, known.column):
            first[problem.path] = problem
    return [first[path] for path in sorted(first)]


class GitError(MokoordError):
    """git refused or is missing; the message says what to do."""
