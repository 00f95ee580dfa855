"""Errors and problems.

A *problem* is a finding about the data (a value that does not validate, an
unknown reference, a follow-up left open too long). Problems are values: they
are collected, never raised, so that ``mokoord check`` can report all of them.

A :class:`MokoordError` is raised when a command cannot do what the user asked
(no store found, an unknown id, invalid input). The CLI turns it into one
clear message and an exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

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

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class GitError(MokoordError):
    """git refused or is missing; the message says what to do."""
