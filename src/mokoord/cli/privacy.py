"""``mokoord privacy``: access (Art. 15), erasure (Art. 17), retention, the record (Art. 30).

Thin commands over :mod:`mokoord.privacy`; the design is in docs/privacy.md.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mokoord.cli._app import MokoordSubGroup, app
from mokoord.cli._common import done, err_console, state, warn, write_output

if TYPE_CHECKING:
    from mokoord.privacy.erase import ErasurePlan
    from mokoord.store import Store

PANEL = "Data protection"

privacy_app = typer.Typer(
    name="privacy",
    cls=MokoordSubGroup,
    help="Data protection (GDPR): access, erasure that reaches the history, retention, the "
    "record of processing.\n\n"
    "Commands: export (what the store holds about a person, Art. 15), erase (Art. 17), due "
    "(what is past its retention period), withdraw (a consent withdrawn), record (Art. 30), "
    "catch-up (bring this clone and its server to the erased history). Details: "
    "docs/privacy.md.\n\n"
    "Example: [bold]mokoord privacy export p-4k2m9x -o auskunft.html[/]",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(privacy_app, name="privacy", rich_help_panel=PANEL)

OutputFile = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file.", show_default=False),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="de or en (default: the store's language).", show_default=False),
]
YesOption = Annotated[
    bool, typer.Option("--yes", help="Do not ask; required where no one can answer.")
]


def _language(store: "Store", lang: str | None) -> str:
    from mokoord.errors import UsageError
    from mokoord.i18n import _, normalise_language

    chosen = normalise_language(lang or store.config.language)
    if chosen is None:
        raise UsageError(_("--lang: '{value}' is not one of de, en").format(value=lang))
    return chosen


def _format(fmt: str | None, output: Path | None, allowed: tuple[str, ...], default: str) -> str:
    from mokoord.errors import UsageError
    from mokoord.i18n import _

    if fmt is None and output is not None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
        if fmt not in allowed:
            fmt = default
    chosen = (fmt or default).lower()
    if chosen not in allowed:
        raise UsageError(
            _("--format: '{value}' is not one of {allowed}").format(
                value=fmt, allowed=", ".join(allowed)
            )
        )
    return chosen


def _emit(text: str, output: Path | None) -> None:
    import sys

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_output(output, text.encode("utf-8"))


# --------------------------------------------------------------------------- export (Art. 15)


@privacy_app.command("export")
def export(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="PERSON", help="The person's id (p-4k2m9x).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="json or html (default: from the --output file's extension, else json).",
            show_default=False,
        ),
    ] = None,
    output: OutputFile = None,
    lang: LangOption = None,
) -> None:
    """Everything the store holds about one person (Art. 15 GDPR), as JSON or an HTML page.

    The person's record with its legal basis, consent and retention; every
    contact, referral and note naming them, by id or in free text (name in
    any spelling, e-mail, phone); the change history of their record (dates
    and authors). The HTML page is in German (--lang en for English), for the
    person to read.

    Example: [bold]mokoord privacy export p-4k2m9x -o auskunft.html[/]
    """
    import datetime as dt

    from mokoord.privacy.access import access_report, get_person, record_history, render_html

    chosen = _format(fmt, output, ("json", "html"), "json")
    store = state(ctx).store()
    data = store.load()
    get_person(data, person)
    language = _language(store, lang)
    history = []
    path = store.find_file("person", person)
    repo = _repository(store)
    if repo is not None and path is not None:
        history = record_history(repo, path.resolve().relative_to(repo.resolve()).as_posix())
    report = access_report(data, person, history=history, today=dt.date.today(), lang=language)
    if chosen == "json":
        from mokoord.cli._common import json_text

        _emit(json_text(report), output)
    else:
        _emit(render_html(report, store.root), output)
    if output is not None:
        from mokoord.i18n import _

        done(_("access export of {id} written to {path}").format(id=person, path=output))


def _repository(store: "Store") -> Path | None:
    from mokoord import gitops

    found = gitops.repository(store.root)
    return found[0] if found else None


# --------------------------------------------------------------------------- erase (Art. 17)


@privacy_app.command("erase")
def erase(
    ctx: typer.Context,
    persons: Annotated[
        list[str], typer.Argument(metavar="PERSON", help="The person's id (p-4k2m9x).")
    ],
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why, without personal data (request by e-mail of 28 May). Kept in the log.",
        ),
    ] = None,
    ground: Annotated[
        str | None,
        typer.Option(
            "--ground",
            help="Legal ground: no_longer_needed, consent_withdrawn, objection, unlawful or "
            "legal_obligation (default: consent_withdrawn when it was, else no_longer_needed).",
            show_default=False,
        ),
    ] = None,
    redact: Annotated[
        list[str] | None,
        typer.Option(
            "--redact",
            help="Also redact this text wherever it stands (a nickname, a surname alone).",
        ),
    ] = None,
    yes: YesOption = False,
) -> None:
    """Erase a person everywhere, the git history included (Art. 17 GDPR).

    The person's file keeps only its id and the date; their name (in any
    spelling), e-mail and phone are redacted in every file and every commit of
    the history; contacts and their figures stay. The erasure log
    (erasures/) records the date, who erased, the id and the legal ground,
    never an erased value. A terminal shows what will be erased and asks;
    a script must pass --yes. Other clones and the server follow with
    `mokoord privacy catch-up`.

    Example: [bold]mokoord privacy erase p-4k2m9x --reason "Antrag per E-Mail vom 28.05.2025"[/]
    """
    from mokoord.i18n import _
    from mokoord.privacy.erase import plan_erasure
    from mokoord.vocab import resolve

    store = state(ctx).store()
    data = store.load()
    if reason is None:
        from mokoord.cli import prompts

        reason = prompts.require(reason, "--reason", _("Reason (without personal data)"))
    grounds: dict[str, Any] = {}
    if ground is not None:
        term = resolve(data.config, "erasure_grounds", ground, flag="--ground")
        grounds = dict.fromkeys(persons, term)
    plan = plan_erasure(data, persons, reason=reason, grounds=grounds, redact=redact or [])
    if plan.errors:
        from mokoord.errors import InvalidData

        raise InvalidData(_("nothing was erased"), plan.errors)
    _show_plan(plan)
    _confirm(yes, _("Erase this for good, in every file and the whole history?"))
    result = _run(store, plan)
    typer.echo(result.erasure.id)
    done(
        _(
            "erased {persons}; files changed: {files}, commits of the history rewritten: {commits}"
        ).format(
            persons=", ".join(plan_person.id for plan_person in plan.persons),
            files=len(result.files),
            commits=result.replaced,
        )
    )
    _after_erasure(store, result.hook_notes)


def _confirm(yes: bool, question: str) -> None:
    from mokoord.cli import prompts
    from mokoord.errors import MokoordError, UsageError
    from mokoord.i18n import _

    if yes:
        return
    if not prompts.interactive():
        raise UsageError(
            _("erasing needs a confirmation; in a script pass --yes"),
            hint=_("run it in a terminal to see what will be erased first"),
        )
    if not prompts.confirm(question):
        raise MokoordError(_("nothing was erased"))


def _run(store: "Store", plan: "ErasurePlan") -> Any:
    import datetime as dt

    from mokoord.privacy.rewrite import erase as run_erasure

    out = err_console()
    return run_erasure(
        store,
        plan,
        today=dt.date.today(),
        progress=lambda step: out.print(f"[dim]… {step}[/]", soft_wrap=True),
    )


def _show_plan(plan: "ErasurePlan") -> None:
    from rich.markup import escape

    from mokoord.i18n import _

    out = err_console()
    for person in plan.persons:
        out.print(
            _("[bold]person {id}[/] ({organisation}) – ground: {ground}").format(
                id=person.id,
                organisation=person.organisation or "–",
                ground=plan.grounds[person.id],
            ),
            soft_wrap=True,
        )
        for value in (person.name, person.email, person.phone):
            if value:
                out.print(f"  {escape(value)}", soft_wrap=True)
    if plan.passages:
        out.print(_("redacted in the current files (and in every older version):"))
        for passage in plan.passages:
            out.print(
                f"  {passage.kind} {passage.id} · {passage.field}: {escape(passage.excerpt)}",
                soft_wrap=True,
            )
    if plan.expired:
        out.print(
            _("contacts past their retention period whose free text is removed: {count}").format(
                count=len(plan.expired)
            )
        )
    for kept in plan.kept:
        out.print(
            _(
                "[yellow]kept:[/] the {field} is also the {where} of {kind} {id}, which keeps it"
            ).format(field=kept.field, where=kept.where, kind=kept.kind, id=kept.id),
            soft_wrap=True,
        )
    for passage in plan.surnames:
        out.print(
            _(
                "[yellow]not redacted:[/] the surname alone in {kind} {id} · {field}: {excerpt} "
                "(add --redact to remove it too)"
            ).format(
                kind=passage.kind,
                id=passage.id,
                field=passage.field,
                excerpt=escape(passage.excerpt),
            ),
            soft_wrap=True,
        )


def _after_erasure(store: "Store", hook_notes: list[str]) -> None:
    from mokoord import gitops
    from mokoord.i18n import _

    out = err_console()
    remotes = gitops.git(["remote"], store.root, check=False).stdout.split()
    if remotes:
        out.print(
            _(
                "next: the server and other clones still hold the old history; send the erased "
                "one with [bold]mokoord privacy catch-up[/] (see docs/privacy.md)"
            ),
            soft_wrap=True,
        )
    _after_erasure_hooks(hook_notes)


# --------------------------------------------------------------------------- due (retention)


@privacy_app.command("due")
def due(
    ctx: typer.Context,
    erase_due: Annotated[
        bool, typer.Option("--erase", help="Erase all of it, after one confirmation.")
    ] = False,
    yes: YesOption = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="table, json or csv.", show_default=False
        ),
    ] = None,
    output: OutputFile = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Count the periods to this day (default: today).", hidden=True
        ),
    ] = None,
) -> None:
    """Persons and free texts whose retention period has ended, each with the reason and date.

    Persons: consent withdrawn, their organisation dissolved or declined some
    months ago, or no contact for long (periods in mokoord.yaml under
    privacy.retention). Contacts: free text older than its period (its
    figures stay). With --erase, all of it is erased after one confirmation,
    in one rewrite of the history.

    Example: [bold]mokoord privacy due[/], then [bold]mokoord privacy due --erase[/]
    """
    import datetime as dt

    from mokoord.cli._common import parse_date_option
    from mokoord.cli._output import Output, emit
    from mokoord.i18n import _
    from mokoord.privacy.erase import plan_due
    from mokoord.privacy.retention import due as find_due

    store = state(ctx).store()
    data = store.load()
    found = find_due(data, parse_date_option(today, "--today") or dt.date.today())
    rows = [item.as_dict(data.config.privacy.retention) for item in found]
    if not erase_due:
        emit(_due_view(), rows, Output.of(fmt, output), config=data.config)
        return
    if not found:
        done(_("nothing is past its retention period"))
        return
    plan = plan_due(data, found)
    emit(_due_view(), rows, Output.of("table"), config=data.config)
    _show_plan(plan)
    _confirm(yes, _("Erase all of this for good, in every file and the whole history?"))
    result = _run(store, plan)
    typer.echo(result.erasure.id)
    done(
        _("persons erased: {persons}; contacts whose free text was removed: {contacts}").format(
            persons=len(plan.persons), contacts=len(plan.expired)
        )
    )
    _after_erasure(store, result.hook_notes)


def _due_view() -> Any:
    from mokoord.cli._output import Column, View
    from mokoord.i18n import N_, _

    kinds = {"person": N_("contact person"), "contact": N_("contact")}
    return View(
        [
            Column("kind", N_("Kind"), "text", value=lambda row: _(kinds[row["kind"]])),
            Column("id", N_("Id"), "id"),
            Column("due", N_("Due since"), "date"),
            Column("message", N_("Reason"), "text"),
        ],
        title=lambda n: _("past their retention period: {count}").format(count=n),
    )


# --------------------------------------------------------------------------- record (Art. 30)


@privacy_app.command("record")
def record(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md or html (default: from the --output file's extension, else md).",
            show_default=False,
        ),
    ] = None,
    output: OutputFile = None,
    lang: LangOption = None,
) -> None:
    """The record of processing activities (Art. 30 GDPR), generated from the models and mokoord.yaml.

    Categories of data subjects and of personal data (the fields marked as
    personal), purposes, legal bases with how many persons rest on each,
    recipients (the institutions referrals go to), retention periods, and the
    technical and organisational measures. German by default.

    Example: [bold]mokoord privacy record -o verarbeitungsverzeichnis.html[/]
    """
    import datetime as dt

    from mokoord.privacy.record import processing_record, render_record

    chosen = _format(fmt, output, ("md", "html"), "md")
    store = state(ctx).store()
    data = store.load()
    content = processing_record(data, today=dt.date.today(), lang=_language(store, lang))
    _emit(render_record(content, chosen, store.root), output)  # type: ignore[arg-type]
    if output is not None:
        from mokoord.i18n import _

        done(_("record of processing written to {path}").format(path=output))


# --------------------------------------------------------------------------- withdraw


@privacy_app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="PERSON", help="The person's id (p-4k2m9x).")],
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help="When consent was withdrawn (default: today).", show_default=False
        ),
    ] = None,
) -> None:
    """Record that a person withdrew their consent: no more contacts or mailings.

    From that day the person is not offered for contacts (add-contact refuses
    them) or in exports for mailings, and `privacy due` lists them for erasure.

    Example: [bold]mokoord privacy withdraw p-4k2m9x --date 28.05.2025[/]
    """
    import datetime as dt

    from mokoord.cli._common import parse_date_option
    from mokoord.lookup import lookup
    from mokoord.plans import apply
    from mokoord.privacy.access import get_person
    from mokoord.privacy.consent import plan_withdrawal

    store = state(ctx).store()
    day = parse_date_option(on, "--date") or dt.date.today()

    def make() -> "Any":
        return plan_withdrawal(get_person(lookup(store, ("person",)), person), day)

    plan = make()
    plan.raise_errors()
    if not plan.empty:
        apply(store, plan, replan=make)
    done(plan.summary)


# --------------------------------------------------------------------------- catch-up


@privacy_app.command("catch-up")
def catch_up(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option("--remote", help="The server to catch up with (default: the branch's)."),
    ] = None,
) -> None:
    """Bring this clone and its server to the erased history after an erasure.

    In the clone that erased: replays what colleagues pushed meanwhile onto the
    erased history and sends it to the server, replacing the old one. In any
    other clone: replays this clone's own commits onto the server's erased
    history and removes the old one here. Either way the old objects are
    pruned and git hooks refuse bringing them back.

    Example: [bold]mokoord privacy catch-up[/]
    """
    from mokoord.privacy.catchup import catch_up as run

    store = state(ctx).store()
    out = err_console()
    result = run(
        store, remote=remote, progress=lambda step: out.print(f"[dim]… {step}[/]", soft_wrap=True)
    )
    _report_catch_up(result)


def _report_catch_up(result: Any) -> None:
    from mokoord.i18n import _

    out = err_console()
    if result.stale == "none":
        done(
            _("this clone and {remote} hold no history from before an erasure").format(
                remote=result.remote
            )
        )
    elif result.stale == "here":
        done(
            _("this clone is on the erased history now (own commits replayed: {count})").format(
                count=len(result.replayed)
            )
        )
    else:
        done(
            _("{remote} holds the erased history now (its commits replayed: {count})").format(
                remote=result.remote, count=len(result.replayed)
            )
        )
    if result.left:
        out.print(
            _(
                "[yellow]warning:[/] on {remote} these still hold the old history: {refs}; "
                "delete them there (git push {remote} --delete NAME)"
            ).format(remote=result.remote, refs=", ".join(result.left)),
            soft_wrap=True,
        )
    if result.stale != "none" and not result.server_pruned:
        out.print(
            _(
                "the server is not a folder here: ask its administrator to prune its old "
                "objects (git gc --prune=now) and to install the guard (docs/privacy.md)"
            ),
            soft_wrap=True,
        )
    _after_erasure_hooks(result.hook_notes)


def _after_erasure_hooks(notes: list[str]) -> None:
    for note in notes:
        warn(note)


# German names of the commands (not listed in the help)
privacy_app.command("auskunft", hidden=True)(export)
privacy_app.command("loeschen", hidden=True)(erase)
privacy_app.command("faellig", hidden=True)(due)
privacy_app.command("verzeichnis", hidden=True)(record)
privacy_app.command("nachziehen", hidden=True)(catch_up)
privacy_app.command("widerruf", hidden=True)(withdraw)
