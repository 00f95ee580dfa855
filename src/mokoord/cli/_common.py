"""What every command shares: the store, consoles, JSON, dates, options."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from mokoord.dataset import Dataset
    from mokoord.errors import MokoordError, Problem
    from mokoord.plans import Plan
    from mokoord.store import Store


_RETAINED: list[object] = []
"""Everything the store loaded in this process, kept alive so that the process
can exit without freeing it object by object (see ``mokoord.cli.main``)."""


@dataclass
class State:
    """Carried in ``ctx.obj`` from the global options into every command."""

    data: Path | None = None
    use_cache: bool = True
    quiet_unfinished: bool = False
    """The command speaks of an unfinished merge itself (``sync``): no notice after it."""
    warn_left_out: bool = True
    """Name every file a load leaves out on stderr (``check`` reports them itself)."""
    _warned: set[str] = field(default_factory=set, repr=False)
    _at_end: Callable[[Callable[[], None]], object] | None = field(default=None, repr=False)
    """Registers a function to run when the command line ends (the root context's close)."""
    _store: Store | None = field(default=None, repr=False)
    _root: Path | None = field(default=None, repr=False)

    def root(self) -> Path:
        """The store's folder, named by --data (or found), without reading the store.

        In a clone that lacks mokoord's git setup (made with plain ``git
        clone``), it is set up here, and said so once.
        """
        if self._root is None:
            from mokoord.location import find_store_root
            from mokoord.together import self_setup

            self._root = find_store_root(self.data)
            say_setup(self_setup(self._root))
        return self._root

    def store(self) -> Store:
        """The store named by --data (or found), set up for this command line."""
        if self._store is None:
            from mokoord.store import Store

            self._store = Store(self.root())
            _finish_interrupted_erasure(self._store)
            self._store.use_cache = self.use_cache
            self._store.retain = _RETAINED
            self._store.progress = progress_bar()
            self._store.on_left_out = self._left_out
        return self._store

    def found_root(self) -> Path | None:
        """The store's folder, if this command line has looked for it."""
        return self._root

    def _left_out(self, problems: list[Problem]) -> None:
        """Warn once per file that a load left out; one hint at the end of the command."""
        if not self.warn_left_out:
            return
        from mokoord.errors import first_errors

        new = [problem for problem in first_errors(problems) if problem.path not in self._warned]
        if not new:
            return
        if not self._warned and self._at_end is not None:
            self._at_end(self._check_hint)  # once, after the command's output
        self._warned.update(problem.path for problem in new)
        for problem in new:
            warn(left_out_message(problem))

    def _check_hint(self) -> None:
        from mokoord.i18n import _, ngettext

        count = len(self._warned)
        text = ngettext(
            "{n} file could not be read and was left out; `mokoord check` lists every problem",
            "{n} files could not be read and were left out; `mokoord check` lists every problem",
            count,
        ).format(n=count)
        label = _("hint:")
        _plain_or_styled(f"{label} {text}", f"[dim]{_escape(label)}[/] {_escape(text)}")

    def load(self, kinds: tuple[str, ...] | None = None) -> Dataset:
        """The store's records (all kinds, or those named), validated, through the index."""
        return self.store().load(kinds)


def _finish_interrupted_erasure(store: Store) -> None:
    """An erasure that was interrupted is finished (or undone) before anything else
    reads the store: it is never left half done (see mokoord.privacy.rewrite)."""
    from mokoord.store import CACHE_DIR

    if not (store.root / CACHE_DIR / "erasure.json").is_file():
        return
    from mokoord.i18n import _
    from mokoord.privacy.rewrite import recover

    outcome = recover(store)
    if outcome == "finished":
        done(_("an interrupted erasure was finished"))
    elif outcome == "undone":
        done(_("an interrupted erasure was undone; nothing was erased"))


def setup_line(what: str) -> str:
    """What was set up in a clone, said once."""
    from mokoord.i18n import _

    return _("this clone is set up for mokoord: {what}").format(what=what)


def say_setup(lines: Iterable[str]) -> None:
    """What setting up a clone did (:mod:`mokoord.together`), said once: each line as
    done, a :class:`~mokoord.together.SetupWarning` as a warning."""
    from mokoord.together import SetupWarning

    for line in lines:
        if isinstance(line, SetupWarning):
            warn(line)
        else:
            done(setup_line(line))


def notice_unfinished(state: State) -> None:
    """After a command on a store: name an unfinished merge, rebase or cherry-pick,
    its files in conflict, and the next step (on stderr)."""
    root = state.found_root()
    if root is None or state.quiet_unfinished:
        return
    from mokoord.i18n import _
    from mokoord.together import unfinished, unfinished_notice

    left = unfinished(root)
    if left is None:
        return
    what, next_step = unfinished_notice(left)
    warn(what)
    label = _("hint:")
    _plain_or_styled(f"{label} {next_step}", f"[dim]{_escape(label)}[/] {_escape(next_step)}")


def progress_bar(delay: float = 1.0) -> Callable[[int, int], None] | None:
    """A ``progress(done, total)`` callback that draws a bar on stderr once reading
    has taken ``delay`` seconds; ``None`` when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    import time

    started = time.monotonic()
    bar: Any = None
    task: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            if done >= total or time.monotonic() - started < delay:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            bar = Progress(
                TextColumn("reading files"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console(),
                transient=True,
            )
            bar.start()
            task = bar.add_task("read", total=total)
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()
            bar = None

    return progress


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):  # commands invoked without the callback (tests)
        obj = State()
        ctx.find_root().obj = obj
    if obj._at_end is None:
        obj._at_end = ctx.find_root().call_on_close
    return obj


_stdout: Console | None = None
_stderr: Console | None = None


def reset_consoles() -> None:
    """Forget the consoles, so the next output measures the terminal again (each
    command line starts afresh; tests run many in one process)."""
    global _stdout, _stderr
    _stdout = _stderr = None


def console() -> Console:
    global _stdout
    if _stdout is None:
        from rich.console import Console

        _stdout = Console(highlight=False, soft_wrap=False)
    return _stdout


def plain_stdout_width() -> int | None:
    """The width of the standard output where rich would print it without styles
    (no terminal, no colour forced), found as rich finds it; ``None`` where rich
    would style it, or where its console is made already.

    A table into a pipe or a file is then written as plain lines without
    loading rich's console (about 45 ms of imports).
    """
    import os

    if _stdout is not None or sys.platform == "win32" or "IPython" in sys.modules:
        return None
    environ = os.environ
    compatible = environ.get("TTY_COMPATIBLE", "")
    force_color = environ.get("FORCE_COLOR")
    if compatible == "1" or (compatible != "0" and force_color):
        return None
    if compatible != "0" and force_color is None:
        try:
            if sys.stdout.isatty():
                return None
        except (AttributeError, ValueError):  # replaced or closed by the caller
            pass
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):  # rich asks each standard stream in turn
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            pass
    return 80


def write_stdout(text: str) -> None:
    """``text`` on the standard output at once."""
    sys.stdout.write(text)
    sys.stdout.flush()


def err_console() -> Console:
    global _stderr
    if _stderr is None:
        from rich.console import Console

        _stderr = Console(stderr=True, highlight=False)
    return _stderr


def report_error(exc: MokoordError) -> None:
    """One error, its problems (each ``path:line:col: …``) and a hint, on stderr."""
    from mokoord.errors import InvalidData
    from mokoord.i18n import _

    out = err_console()
    error, hint = _escape(_("error:")), _escape(_("hint:"))
    # soft_wrap: never break a message (and the paths in it) at the terminal's width
    out.print(f"[bold red]{error}[/] {_escape(exc.message)}", soft_wrap=True)
    if isinstance(exc, InvalidData):
        for problem in exc.problems[exc.shown :]:
            out.print(_escape(problem.shown()), soft_wrap=True)
    if exc.hint:
        out.print(f"[dim]{hint}[/] {_escape(exc.hint)}", soft_wrap=True)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_problems(problems: list[Problem]) -> None:
    """One line per problem, in colour on a terminal; into a pipe or file the lines are
    written as they are (a check of a large store may report thousands)."""
    out = console()
    if not out.is_terminal:
        out.file.write("".join(f"{problem.shown()}\n" for problem in problems))
        out.file.flush()
        return
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        out.print(f"[{style}]{_escape(problem.shown())}[/]", soft_wrap=True)


def json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_text(data: Any) -> str:
    """Machine-readable text: UTF-8, 2-space indent, stable key order, dates ISO."""
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=json_default) + "\n"


def print_json(data: Any) -> None:
    """:func:`json_text` on stdout."""
    sys.stdout.write(json_text(data))
    sys.stdout.flush()


def write_output(path: Path, content: bytes, flag: str = "--output") -> None:
    """Write a command's result to ``path`` at once (never half a file); an error
    naming the flag and the reason when it cannot be written."""
    from mokoord.errors import UsageError
    from mokoord.i18n import _
    from mokoord.yamlio import atomic_write

    if path.is_dir():
        raise UsageError(_("{flag}: {path} is a folder; name a file").format(flag=flag, path=path))
    try:
        atomic_write(path, content)
    except OSError as exc:
        raise UsageError(
            _("{flag}: cannot write {path}: {reason}").format(
                flag=flag, path=path, reason=exc.strerror or exc
            )
        ) from None


def parse_date_option(value: str | None, flag: str) -> dt.date | None:
    """A date from a flag, German or ISO; a clear error naming the flag."""
    if value is None:
        return None
    from mokoord.dates import parse_date
    from mokoord.errors import UsageError

    try:
        return parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def parse_time_option(value: str | None, flag: str) -> dt.time | None:
    """A time of day from a flag (``18:00``, ``18.30``, ``18 Uhr``); a clear error naming the flag."""
    if value is None:
        return None
    from mokoord.dates import parse_time
    from mokoord.errors import UsageError

    try:
        return parse_time(value)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def left_out_message(problem: Problem) -> str:
    """``organisations/x.yaml:2: left out: invalid YAML: …`` (no line when the file as a whole)."""
    from mokoord.i18n import _

    place = f"{problem.path}:{problem.line}" if problem.line else problem.path
    return _("{place}: left out: {problem}").format(place=place, problem=problem.message)


def left_out_note(data: Dataset) -> str | None:
    """``2 files left out: organisations/a.yaml, contacts/2023/b.yaml``; ``None`` when none were."""
    from mokoord.i18n import ngettext

    paths = [problem.path for problem in data.left_out()]
    if not paths:
        return None
    return ngettext("{n} file left out: {files}", "{n} files left out: {files}", len(paths)).format(
        n=len(paths), files=", ".join(paths)
    )


def warn(message: str) -> None:
    """A warning on stderr (stdout stays for the result)."""
    from mokoord.i18n import _

    label = _("warning:")
    _plain_or_styled(f"{label} {message}", f"[yellow]{_escape(label)}[/] {_escape(message)}")


def warn_problems(problems: Iterable[Problem]) -> None:
    """Each problem's message as a warning on stderr (a plan's warnings)."""
    for problem in problems:
        warn(problem.message)


def run_plan(
    store: Store, make: Callable[[], Plan], *, commit: bool = True, index: bool = False
) -> Plan:
    """The seam's last steps: make the plan, show its warnings, apply it (made
    again by ``make`` when the records changed meanwhile) and confirm its
    summary. A plan with nothing to write says so and writes nothing. With
    ``index``, the files written are taken into the index while git commits them."""
    from mokoord.plans import apply

    plan = make()
    warn_problems(plan.warnings)
    if plan.empty:
        plan.raise_errors()
        done(plan.summary)
        return plan
    applied = apply(store, plan, commit=commit, replan=make, index=index)
    done(committed(applied.plan.summary, applied.short_commit))
    return applied.plan


def committed(summary: str, commit: str | None) -> str:
    """``summary (commit 3f2a91c0)``; the summary alone when nothing was committed."""
    from mokoord.i18n import _

    if not commit:
        return summary
    return _("{summary} (commit {commit})").format(summary=summary, commit=commit)


def _plain_or_styled(plain: str, styled: str) -> None:
    if _stderr is None and not _styled_stderr():
        sys.stderr.write(plain + "\n")
        sys.stderr.flush()
        return
    err_console().print(styled, soft_wrap=True)


def done(message: str) -> None:
    """A short confirmation on stderr (stdout stays for the result).

    Where stderr is no terminal (a script, a log file) the line is written as
    it is, without loading rich: that alone takes about 30 ms.
    """
    if _stderr is None and not _styled_stderr():
        sys.stderr.write(f"✓ {message}\n")
        sys.stderr.flush()
        return
    err_console().print(f"[green]✓[/] {_escape(message)}", soft_wrap=True)


def _styled_stderr() -> bool:
    """Whether rich would style stderr: a terminal, or colour forced by the environment."""
    import os

    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed by the caller
        return False


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (stable keys) instead of a table.")
]
NoCommitOption = Annotated[
    bool,
    typer.Option(
        "--no-commit",
        help="Write the change but do not commit it (also allowed outside a git repository).",
    ),
]
