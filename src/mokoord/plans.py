"""Plans: what a write command will change, decided before anything is written.

Every write command has the same shape::

    request  = AddOrganisation(name=..., district=...)   # from flags or prompts (CLI)
    plan     = plan_organisation(data, request)          # library: pure, no writes
    show plan.problems; ask where a warning needs consent  # CLI
    applied  = apply(store, plan)                          # one Change, one commit

A :class:`Plan` carries the records to write and its problems: errors (the
plan cannot be applied) and warnings (a possible duplicate, a declined
organisation…). Planning reads but never writes, so plans are tested without
git and without the CLI; :func:`apply` is the one place that writes them.

Concurrency: a plan is made outside the store's write lock (a prompt may wait
for a person). :func:`apply` takes the lock and checks that every record the
plan changes is still as the plan read it and that every new id is still free;
if not, it makes the plan again under the lock with ``replan`` (the same
planner, same request), or refuses with a clear message when there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mokoord.errors import InvalidData, MokoordError, Problem
from mokoord.i18n import _
from mokoord.models import Record

if TYPE_CHECKING:
    from mokoord.store import Store


@dataclass(frozen=True)
class Write:
    """One record to write: new (``previous`` is ``None``: its id must be free), or
    a change of ``previous`` (its file keeps its layout; only changed lines differ)."""

    record: Record
    previous: Record | None = None


@dataclass(frozen=True)
class FileWrite:
    """Raw bytes for a file of the store (an edited file, a template). ``base`` is
    what the file held when the plan was made (``None``: it did not exist)."""

    path: Path
    content: bytes
    base: bytes | None


@dataclass
class Plan:
    """What a command will write, and what stands in its way or deserves a look."""

    action: str
    """The commit message: the command and ids, never a person's name."""
    writes: list[Write | FileWrite] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    result: Any = None
    """What the command reports once applied (the new record, its id)."""
    summary: str = ""
    """One line for people once applied, in the current language ("… → im Gespräch")."""

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def empty(self) -> bool:
        """Nothing to write (the values are already so)."""
        return not self.writes

    def raise_errors(self, message: str | None = None) -> None:
        """An :class:`InvalidData` naming every error, if there is one."""
        if self.errors:
            raise InvalidData(message or _("nothing was changed"), self.errors)


@dataclass(frozen=True)
class Applied:
    """A plan written: its commit (``None`` without one) and the files it touched."""

    plan: Plan
    commit: str | None
    paths: list[Path]

    @property
    def short_commit(self) -> str | None:
        return self.commit[:8] if self.commit else None


def apply(
    store: Store,
    plan: Plan,
    *,
    commit: bool = True,
    replan: Callable[[], Plan] | None = None,
    index: bool = False,
) -> Applied:
    """Write ``plan`` in one :class:`~mokoord.store.Change` (atomic files, one commit).

    Refuses a plan with errors. Under the lock it checks the plan is still
    current (see the module's docstring); a stale plan is made again with
    ``replan``, or refused.
    """
    from mokoord.store import Change

    plan.raise_errors()
    with Change(store, plan.action, commit=commit, index=index) as change:
        if not _current(store, plan.writes):
            if replan is None:
                raise MokoordError(
                    _("another command changed the same records meanwhile; nothing was written"),
                    hint=_("run the command again"),
                )
            plan = replan()
            plan.raise_errors()
            if not _current(store, plan.writes):  # pragma: no cover - we hold the lock
                raise MokoordError(_("the store changed while this command ran"))
        change.message = plan.action
        for write in plan.writes:
            if isinstance(write, FileWrite):
                change.write_bytes(write.path, write.content)
            elif write.previous is None:
                change.create(write.record)
            else:
                change.save(write.record, previous=write.previous)
    return Applied(plan, change.commit_id, list(change.touched))


def _current(store: Store, writes: Iterable[Write | FileWrite]) -> bool:
    """Whether every write still applies to the files as they are now."""
    for write in writes:
        if isinstance(write, FileWrite):
            now = write.path.read_bytes() if write.path.is_file() else None
            if now != write.base:
                return False
        elif write.previous is None:
            if store.exists(_kind_name(write.record), write.record.id):
                return False
        else:
            try:
                now_record = store.get(type(write.previous), write.previous.id)
            except MokoordError:
                return False
            if now_record != write.previous:
                return False
    return True


def _kind_name(record: Record) -> str:
    from mokoord.dataset import kind_of

    return kind_of(record).name
