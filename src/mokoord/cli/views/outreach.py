"""``mokoord outreach``: who is written to, and who is skipped with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from mokoord.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from mokoord.outreach.run import Outreach

FORMAT_NAMES = {
    "eml": N_("e-mail drafts"),
    "html": N_("letters"),
    "csv": N_("serial letter sheet"),
}


def print_outreach(out: Console, outreach: Outreach, *, folder: Path | None = None) -> None:
    """The organisations addressed (with person and language) and those skipped."""
    from mokoord.codes import language_name

    count = len(outreach.letters)
    what = _(FORMAT_NAMES[outreach.format])
    if folder is None:
        heading = ngettext(
            "{n} organisation would be written to ({template}, {what}):",
            "{n} organisations would be written to ({template}, {what}):",
            count,
        )
    else:
        heading = ngettext(
            "{n} organisation written to ({template}, {what} in {folder}):",
            "{n} organisations written to ({template}, {what} in {folder}):",
            count,
        )
    out.print(
        escape(heading.format(n=count, template=outreach.name, what=what, folder=folder)),
        soft_wrap=True,
    )
    for letter in outreach.letters:
        person = _("{name} ({id})").format(name=letter.person.display_name, id=letter.person.id)
        line = _("{id}  {name} → {person}, {language}").format(
            id=letter.organisation.id,
            name=letter.organisation.name,
            person=person,
            language=language_name(letter.template.language),
        )
        out.print("  " + escape(line), soft_wrap=True)
    if outreach.skipped:
        skipped = len(outreach.skipped)
        out.print(
            escape(
                ngettext("{n} organisation skipped:", "{n} organisations skipped:", skipped).format(
                    n=skipped
                )
            ),
            soft_wrap=True,
        )
        for skip in outreach.skipped:
            line = _("{id}  {name}: {reason}").format(
                id=skip.organisation.id, name=skip.organisation.name, reason=skip.message
            )
            out.print("  " + escape(line), soft_wrap=True)
