"""The register, changing records: ``set``, ``edit``, ``status``, ``add-need``,
``close-need``, and the audit trail ``history``. (Adding and looking up:
:mod:`mokoord.cli.register`.)"""

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from mokoord.cli._app import app
from mokoord.cli._common import (
    JsonOption,
    NoCommitOption,
    committed,
    console,
    done,
    err_console,
    parse_date_option,
    print_json,
    run_plan,
    state,
)

if TYPE_CHECKING:
    from pathlib import Path

    from mokoord.dataset import Dataset
    from mokoord.models import Organisation
    from mokoord.plans import Plan
    from mokoord.store import Store

PANEL = "Register"

OrgIdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The organisation's id (see: mokoord search).")
]


def _read_org(store: "Store", org_id: str) -> "Organisation":
    """The organisation as it is on disk now (when replanning: under the lock)."""
    from mokoord.errors import NotFound
    from mokoord.models import Organisation
    from mokoord.register import not_found

    try:
        return store.get(Organisation, org_id)
    except NotFound:
        raise not_found(store.load(("organisation",)), org_id) from None


def _checked_by(store: "Store") -> "Dataset":
    """What the checks of a changed organisation judge it against: the organisations
    and the networks it names, each read only when asked for."""
    from mokoord.lookup import lookup

    return lookup(store, ("organisation", "network"))


def _org_file(store: "Store", org_id: str) -> "Path":
    """The organisation's file (valid or not), or an error naming the closest ids."""
    from mokoord.register import not_found

    path = store.find_file("organisation", org_id)
    if path is None:
        raise not_found(store.load(("organisation",)), org_id)
    return path


def _repo_relative(repo: "Path", path: "Path") -> str:
    """``path`` relative to the git repository's root, as git names it."""
    return path.resolve().relative_to(repo.resolve()).as_posix()


# --------------------------------------------------------------------------- set


@app.command("set", rich_help_panel=PANEL)
def set_(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE...",
            help="KEY=VALUE, KEY+=ITEM, KEY-=ITEM (dotted keys).",
            show_default=False,
        ),
    ],
    no_commit: NoCommitOption = False,
) -> None:
    """Change fields of an organisation: KEY=VALUE, lists with += and -=.

    Keys are dotted as in the file (address.postal_code, members.count,
    needs.0.note). Terms are given by their name or key (district=Biebrich,
    fields+=Kultur, languages+=Ukrainisch); dates accept 2023-03-14,
    14.03.2023 and heute; yes/no accept ja and nein; lists take
    comma-separated items; null (or an empty value) clears a key. The whole
    record is validated before anything is written, and the file keeps its
    comments and layout: only the changed lines differ.

    Example: [bold]mokoord set elternverein-biebrich address.postal_code=65203 fields+=Jugend fields-=Sport last_verified=heute[/]
    """
    from mokoord.edits import SetRequest, plan_set

    store = state(ctx).store()
    request = SetRequest(org_id, tuple(assignments))
    run_plan(
        store,
        lambda: plan_set(_read_org(store, org_id), request, store.config, data=_checked_by(store)),
        commit=not no_commit,
    )


# --------------------------------------------------------------------------- edit


@app.command(rich_help_panel=PANEL)
def edit(ctx: typer.Context, org_id: OrgIdArgument, no_commit: NoCommitOption = False) -> None:
    """Edit an organisation's YAML file in $VISUAL or $EDITOR, validated on save.

    You edit a copy. Terms may be written by their name (district: Biebrich),
    languages and countries by name, dates as 14.03.2023 and yes/no as
    ja/nein: the file is saved with keys, codes and dates. When you save a
    file with problems, all of them are listed at the top of the file; at a
    terminal you choose to open the editor again or to discard your changes
    (in a script it stops after three rounds). Quitting without saving keeps
    the original untouched. A file that cannot be read (wrong encoding,
    invalid YAML, git conflict markers) opens as it is, so that you can repair
    it. The id cannot change here.

    Example: [bold]EDITOR=nano mokoord edit elternverein-biebrich[/]
    """
    from mokoord.cli import prompts
    from mokoord.editing import EditSession, editor_command, save_edit
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    store = state(ctx).store()
    editor = editor_command()
    if not editor:
        raise UsageError(
            _("no editor: set $VISUAL or $EDITOR"),
            hint=_(
                "e.g. export EDITOR=nano, or change single fields with: mokoord set ID KEY=VALUE"
            ),
        )
    path = _org_file(store, org_id)
    relative = store.relative(path)
    session = EditSession(
        relative,
        org_id,
        store.config,
        path.read_bytes(),
        run_editor=lambda copy: _run_editor(editor, copy),
        ask_reopen=_ask_reopen if prompts.interactive() else None,
    )
    content = session.run()
    if content is None:
        err_console().print(_("no changes; {path} is unchanged").format(path=relative))
        return
    change = save_edit(
        store, path, session.original, content, message=f"edit {org_id}", commit=not no_commit
    )
    commit = change.commit_id[:8] if change.commit_id else None
    done(committed(_("saved {path}").format(path=relative), commit))


def _run_editor(editor: str, copy: "Path") -> int:
    import shlex
    import subprocess

    from mokoord.errors import UsageError
    from mokoord.i18n import _

    try:
        return subprocess.run([*shlex.split(editor), str(copy)], check=False).returncode
    except OSError as exc:
        raise UsageError(
            _("cannot start the editor '{editor}': {reason}").format(
                editor=editor, reason=exc.strerror or exc
            )
        ) from None


def _ask_reopen(problems: list[str]) -> bool:
    from rich.markup import escape

    from mokoord.cli import prompts
    from mokoord.i18n import _, ngettext

    out = err_console()
    heading = ngettext(
        "the saved file has {n} problem:", "the saved file has {n} problems:", len(problems)
    ).format(n=len(problems))
    out.print(f"[yellow]{escape(heading)}[/]", soft_wrap=True)
    for problem in problems:
        out.print("  " + escape(problem), soft_wrap=True)
    choice = prompts.choose(
        _("What now?"),
        {"reopen": _("re-open the editor"), "discard": _("discard the changes, keep the original")},
        default="reopen",
    )
    return choice == "reopen"


# --------------------------------------------------------------------------- status and needs


@app.command(rich_help_panel=PANEL)
def status(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="NEW_STATUS",
            help="known, contacted, in dialogue, cooperating, inactive, dissolved, declined "
            "(name or key).",
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required for declined).")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Since when (default: today).")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Move an organisation along the pipeline; the old status goes to its history.

    known → contacted → in dialogue → cooperating; or inactive, dissolved,
    declined. Declining (§2.4) needs --reason.

    Example: [bold]mokoord status elternverein-biebrich "im Gespräch" --date 14.03.2023[/]
    """
    from mokoord.register import StatusRequest, plan_status

    store = state(ctx).store()
    request = StatusRequest(
        org_id, new_status, on=parse_date_option(date, "--date") or dt.date.today(), reason=reason
    )

    def make() -> "Plan":
        org = _read_org(store, org_id)
        created = _created(store, org) if org.status_since is org.known_since is None else None
        return plan_status(
            org, replace(request, created=created), store.config, data=_checked_by(store)
        )

    run_plan(store, make, commit=not no_commit)


def _created(store: "Store", org: "Organisation") -> "dt.date | None":
    """When the organisation's file was first committed (``None`` outside git)."""
    from mokoord import gitops
    from mokoord.history import first_commit_date

    repo = gitops.toplevel(store.root)
    if repo is None:
        return None
    return first_commit_date(repo, _repo_relative(repo, store.path_for(org)))


@app.command("add-need", rich_help_panel=PANEL)
def add_need(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    category: Annotated[
        str,
        typer.Argument(
            metavar="CATEGORY",
            help="Need category: name or key, e.g. Räume, Beratung und Anlaufstelle, rooms.",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="A note on the need.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Since when (default: today).")
    ] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Record a support need (§2.5) of an organisation, open from today.

    Example: [bold]mokoord add-need elternverein-biebrich Räume --note "Raum für Hausaufgabenhilfe"[/]
    """
    from mokoord.needs import NeedRequest, plan_add_need

    store = state(ctx).store()
    on = parse_date_option(since, "--since") or dt.date.today()
    request = NeedRequest(org_id, category, since=on, note=note)
    run_plan(
        store,
        lambda: plan_add_need(
            _read_org(store, org_id), request, store.config, data=_checked_by(store)
        ),
        commit=not no_commit,
    )


@app.command("close-need", rich_help_panel=PANEL)
def close_need(
    ctx: typer.Context,
    org_id: OrgIdArgument,
    category: Annotated[
        str, typer.Argument(metavar="CATEGORY", help="Category of the open need: name or key.")
    ],
    status_: Annotated[
        str, typer.Option("--status", help="met, dropped or in progress (name or key).")
    ] = "met",
    note: Annotated[str | None, typer.Option("--note", help="Added to the need's note.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Closed on (default: today).")] = None,
    no_commit: NoCommitOption = False,
) -> None:
    """Close an organisation's open need as met or dropped.

    Example: [bold]mokoord close-need elternverein-biebrich Räume --status erfüllt[/]
    """
    from mokoord.needs import CloseNeedRequest, plan_close_need

    store = state(ctx).store()
    on = parse_date_option(date, "--date") or dt.date.today()
    request = CloseNeedRequest(org_id, category, on=on, status=status_, note=note)
    run_plan(
        store,
        lambda: plan_close_need(
            _read_org(store, org_id), request, store.config, data=_checked_by(store)
        ),
        commit=not no_commit,
    )


# --------------------------------------------------------------------------- history


@app.command(rich_help_panel=PANEL)
def history(ctx: typer.Context, org_id: OrgIdArgument, json_output: JsonOption = False) -> None:
    """The audit trail of an organisation from git: who changed what, field by field.

    Follows the file across renames and includes its contact persons' files
    (named by id only, values of personal data are never shown).

    Example: [bold]mokoord history elternverein-biebrich[/]
    """
    from mokoord import gitops
    from mokoord.cli.views.register import print_history
    from mokoord.errors import GitError
    from mokoord.history import organisation_history
    from mokoord.i18n import _

    store = state(ctx).store()
    path = _org_file(store, org_id)
    repo = gitops.toplevel(store.root)
    if repo is None:
        raise GitError(
            _("{folder} is not in a git repository, so there is no history").format(
                folder=store.root
            )
        )
    data = store.load(("person",))
    person_paths = [
        _repo_relative(repo, store.root / source)
        for (kind, pid), source in data.sources.items()
        if kind == "person" and data.persons[pid].organisation == org_id
    ]
    entries = organisation_history(repo, _repo_relative(repo, path), sorted(person_paths))
    if json_output:
        print_json([entry.as_dict() for entry in entries])
    elif not entries:
        err_console().print(_("{id} has no committed history yet").format(id=org_id))
    else:
        print_history(console(), entries)
