"""``mokoord clone`` and ``mokoord sync``: working together on one store through a git server."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import JsonOption, done, err_console, print_json, say_setup, state, warn

if TYPE_CHECKING:
    from mokoord.conflicts import Decision, Question
    from mokoord.sync import Outcome

PANEL = "Working together"


@app.command(rich_help_panel=PANEL)
def clone(
    url: Annotated[str, typer.Argument(help="Address of the shared store (https://… or git@…:…).")],
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder for the clone (default: the last part of the address)."),
    ] = None,
) -> None:
    """Clone a shared store and set it up for mokoord: record merges, author, index.

    Records changed in two clones are then merged field by field. In a
    terminal you are asked for your name and e-mail address when git does not
    know them yet (they sign your changes). Afterwards the index is built, so
    the first command is fast.

    Example: [bold]mokoord clone https://gitlab.example.org/koordination/register.git[/]
    """
    from mokoord import together
    from mokoord.cli._common import progress_bar
    from mokoord.cli.prompts import interactive
    from mokoord.i18n import _, ngettext

    cloned = together.clone(url, folder, cwd=Path.cwd(), interactive=interactive())
    done(_("cloned into {folder}").format(folder=cloned.top))
    for line in cloned.setup:
        if isinstance(line, together.SetupWarning):
            warn(line)
        else:
            err_console().print(f"  {_escape(line)}", soft_wrap=True)
    _check_author(cloned.top)
    count = together.build_index(cloned.store_root, progress_bar())
    done(ngettext("index built: {n} record", "index built: {n} records", count).format(n=count))
    err_console().print(
        _(
            "next: cd {folder} — every day `mokoord sync` brings your work and your "
            "colleagues' together (docs/together.md)"
        ).format(folder=cloned.top),
        soft_wrap=True,
    )


def _check_author(top: Path) -> None:
    """Say who signs this clone's changes; in a terminal, ask when git does not know."""
    from mokoord import together
    from mokoord.cli import prompts
    from mokoord.i18n import _

    who = together.identity(top)
    if who is None and prompts.interactive():
        err_console().print(_("git does not know your name yet; it signs your changes."))
        name = prompts.require(None, "user.name", _("your name"))
        email = prompts.require(None, "user.email", _("your e-mail address"))
        together.set_identity(top, name, email)
        who = (name, email)
    if who is None:
        err_console().print(
            "[yellow]"
            + _escape(
                _(
                    "warning: git does not know your name yet, so changes cannot be signed; "
                    'run: git config --global user.name "Your Name" and '
                    "git config --global user.email you@example.org"
                )
            )
            + "[/]",
            soft_wrap=True,
        )
        return
    err_console().print(
        _escape(_("your changes are signed as {name} <{email}>").format(name=who[0], email=who[1])),
        soft_wrap=True,
    )


@app.command(rich_help_panel=PANEL)
def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            help="The server to sync with (default: the branch's upstream, else origin).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would come in and go out.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--continue", help="Finish a merge stopped at conflicts, with the files as they are."
        ),
    ] = False,
    abort: Annotated[
        bool, typer.Option("--abort", help="Undo a merge stopped at conflicts.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Bring your work and your colleagues' together: fetch, merge record by record, push.

    Commits nothing on its own: uncommitted changes stop it. Records changed
    in two places merge field by field; where both changed the same field to
    different values, a terminal asks which to keep (mine, theirs or a new
    value); a script stops with exit status 1, names every conflict and
    leaves every file valid: settle with [bold]mokoord set[/] / [bold]edit[/],
    then [bold]mokoord sync --continue[/], or undo with [bold]--abort[/].
    Offline, nothing is lost: the next sync carries on.

    Example: [bold]mokoord sync[/]   ·   [bold]mokoord sync --dry-run[/]
    """
    from mokoord import sync as syncing
    from mokoord.cli.prompts import interactive
    from mokoord.conflicts import Conflicts
    from mokoord.errors import UsageError
    from mokoord.i18n import _
    from mokoord.together import setup_if_needed

    if abort and (resume or dry_run):
        raise UsageError(_("--abort goes alone, without --continue or --dry-run"))
    st = state(ctx)
    st.quiet_unfinished = True  # sync speaks of an unfinished merge itself
    root = st.root()
    say_setup(setup_if_needed(root))
    if abort:
        syncing.abort(root)
        done(_("merge undone: every file is as it was before it"))
        return
    asking = interactive() and not json_output
    try:
        outcome = syncing.sync(
            root,
            remote=remote,
            dry_run=dry_run,
            resume=resume,
            ask=_ask if asking else None,
            interactive=asking,
        )
    except KeyboardInterrupt:
        _interrupted(root)
    except Conflicts as stopped:
        if json_output:
            print_json({"conflicts": [problem.as_dict() for problem in stopped.problems]})
        raise
    _show(outcome, json_output)
    if outcome.error is not None:
        raise outcome.error


def _show(outcome: "Outcome", json_output: bool) -> None:
    from mokoord.i18n import _
    from mokoord.summary import describe

    if json_output:
        print_json(outcome.as_dict())
        return
    server = outcome.target.server
    incoming, outgoing = describe(outcome.incoming), describe(outcome.outgoing)
    if outcome.dry_run:
        lines = [
            _("would come in from {server}: {changes}").format(server=server, changes=incoming)
            if incoming
            else _("nothing new on {server}").format(server=server),
            _("would go to {server}: {changes}").format(server=server, changes=outgoing)
            if outgoing
            else _("nothing to send"),
        ]
        for line in lines:
            err_console().print(_escape(line), soft_wrap=True)
        return
    done(
        _("from {server}: {changes}").format(server=server, changes=incoming)
        if incoming
        else _("nothing new from {server}").format(server=server)
    )
    if outcome.pushed:
        done(_("to {server}: {changes}").format(server=server, changes=outgoing or "–"))
    elif outcome.error is None:
        done(_("nothing to send"))


def _ask(question: "Question") -> "Decision":
    """Show one conflict with both values, who made them and when, and ask which to keep."""
    from mokoord.cli import prompts
    from mokoord.conflicts import Decision, show_value, side_text
    from mokoord.i18n import _

    conflict, item = question.conflict, question.item
    out = err_console()
    if question.problem:
        out.print(f"[red]{_escape(question.problem)}[/]", soft_wrap=True)
    title = f" „{conflict.title}“" if conflict.title else ""
    out.print(f"\n[bold]{_escape(conflict.shown)}[/]{_escape(title)}", soft_wrap=True)
    mine, theirs = conflict.mine, conflict.theirs
    by_mine, by_theirs = side_text(mine), side_text(theirs)
    if item is None:
        removed_here = conflict.state == "deleted-here"
        mine_text = _("removed") if removed_here else _("changed")
        theirs_text = _("changed") if removed_here else _("removed")
    else:
        out.print("  " + _escape(_("field: {field}").format(field=item.field)), soft_wrap=True)
        mine_text, theirs_text = show_value(item.ours), show_value(item.theirs)
    options = [
        ("mine", _("mine: {value} ({by})").format(value=mine_text, by=by_mine)),
        ("theirs", _("theirs: {value} ({by})").format(value=theirs_text, by=by_theirs)),
    ]
    if question.can_type:
        options.append(("value", _("enter a new value")))
    choice = prompts.pick_one(_("which to keep?"), options)
    if choice == "value" and item is not None:
        typed = prompts.ask(_("new value for {field}").format(field=item.field))
        return Decision("value", typed)
    return Decision("mine" if choice == "mine" else "theirs")


def _interrupted(root: Path) -> None:
    from mokoord import together
    from mokoord.i18n import _

    left = together.unfinished(root)
    if left is not None and left.operation == "merge":
        message = _(
            "interrupted: the merge is not finished; `mokoord sync` carries on, "
            "`mokoord sync --abort` undoes it"
        )
    else:
        message = _("interrupted; nothing was lost: `mokoord sync` carries on")
    typer.echo(message, err=True)
    raise typer.Exit(130)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
