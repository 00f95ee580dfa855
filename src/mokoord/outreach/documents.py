"""What an outreach writes: e-mail drafts, printable letters, a serial letter's sheet.

- ``.eml``: an RFC 5322 message per person (Python's :mod:`email`), UTF-8,
  with ``To``, ``Subject``, ``Date`` and ``X-Unsent: 1`` (Outlook opens it as
  a draft to send; Thunderbird opens it too), a plain-text body and an HTML
  alternative made from the Markdown. Every header goes through the
  :mod:`email` package's header handling: a name with quotes, umlauts,
  right-to-left script or line breaks can never add a header.
- ``.html``: a letter per organisation after DIN 5008 (return line and address
  in the window of a DL envelope), the office as sender, printable on A4,
  nothing loaded from elsewhere (``templates/outreach-letter.html.j2``).
- ``.csv``: one row per addressee for a word processor's serial letter,
  German Excel (:mod:`mokoord.sheets`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from markupsafe import Markup

from mokoord.errors import UsageError
from mokoord.i18n import _, language
from mokoord.models import Config
from mokoord.outreach.run import Letter, Outreach

LETTER_TEMPLATE = "outreach-letter.html.j2"


def one_line(text: str) -> str:
    """Text for a header or an address line: every run of white space (line breaks
    included) one space."""
    return " ".join(text.split())


def direction(lang: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Persian …), else ``ltr``."""
    from babel import Locale, UnknownLocaleError

    try:
        order = Locale.parse(lang).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


# --------------------------------------------------------------------------- e-mail drafts


def email_html(letter: Letter) -> str:
    """The HTML alternative of a draft: the Markdown rendered, in the variant's language."""
    lang = letter.template.language
    return str(
        Markup(
            '<!DOCTYPE html>\n<html lang="{lang}" dir="{dir}">\n<head>\n<meta charset="utf-8">\n'
            "<title>{title}</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
        ).format(
            lang=lang,
            dir=direction(lang),
            title=letter.rendered.subject,
            body=letter.rendered.html(),
        )
    )


def eml(letter: Letter, config: Config, now: dt.datetime) -> bytes:
    """One draft as RFC 5322 bytes (CRLF line ends)."""
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    person = letter.person
    assert person.email is not None
    # Lines up to RFC 5322's limit of 998 characters: folding at 78 makes Python
    # (3.11 to 3.13) split encoded words where the space between two words is lost
    # ("Vereinsarbeit stärken" arrives as "Vereinsarbeitstärken").
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    sender = config.sender
    if sender is not None and sender.email:
        message["From"] = Address(display_name=one_line(config.office), addr_spec=sender.email)
    message["To"] = Address(display_name=one_line(person.display_name), addr_spec=person.email)
    message["Subject"] = one_line(letter.rendered.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(
        domain=(sender.email.split("@")[1] if sender and sender.email else "mokoord.invalid")
    )
    message["X-Unsent"] = "1"
    message.set_content(letter.rendered.text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        email_html(letter), subtype="html", charset="utf-8", cte="quoted-printable"
    )
    message["Content-Language"] = letter.template.language  # set_content drops Content-*
    return message.as_bytes()


# --------------------------------------------------------------------------- letters


def letter_view(letter: Letter, config: Config, today: dt.date) -> dict[str, Any]:
    """What the letter template sees: ``sender``, ``recipient`` (lines of the address
    block), ``place_date``, ``subject``, ``body`` (HTML), ``lang``, ``dir``, ``t``."""
    from mokoord import formatting

    org, person = letter.organisation, letter.person
    sender = config.sender
    place = org.address
    street = place.street if place else None
    town = " ".join(p for p in ((place.postal_code, place.city) if place else ()) if p)
    sender_town = (
        " ".join(p for p in ((sender.postal_code, sender.city) if sender else ()) if p)
        or config.city
    )
    return {
        "lang": letter.template.language,
        "dir": direction(letter.template.language),
        "sender": {
            "office": one_line(config.office),
            "department": sender.department if sender else None,
            "street": sender.street if sender else None,
            "town": sender_town,
            "email": sender.email if sender else None,
            "phone": sender.phone if sender else None,
            "website": sender.website if sender else None,
            "signature": (sender.signature if sender else None) or config.office,
        },
        "return_line": " · ".join(
            p
            for p in (one_line(config.office), sender.street if sender else None, sender_town)
            if p
        ),
        "recipient": [
            line
            for line in (
                one_line(org.name),
                _("For the attention of {name}").format(name=one_line(person.display_name)),
                street,
                town,
            )
            if line
        ],
        "place_date": _("{place}, {date}").format(
            place=(sender.city if sender and sender.city else config.city),
            date=formatting.date(today, "de"),
        ),
        "subject": letter.rendered.subject,
        "body": letter.rendered.html(),
        "t": {
            "title": _("Letter to {name}").format(name=one_line(org.name)),
            "phone": _("Phone"),
            "email": _("E-mail"),
        },
    }


def letter_html(letter: Letter, config: Config, today: dt.date, root: Path | None) -> str:
    """One printable letter (the store may override ``outreach-letter.html.j2``)."""
    from mokoord.privacy.render import render_document

    return render_document(LETTER_TEMPLATE, root, **letter_view(letter, config, today))


# --------------------------------------------------------------------------- the sheet


def serial_csv(outreach: Outreach, config: Config) -> bytes:
    """One row per addressee: the address block's parts, the subject and the text."""
    from mokoord.codes import language_name
    from mokoord.models.meta import FIELD_LABELS
    from mokoord.sheets import cell, csv_bytes
    from mokoord.vocab import label

    lang = language()
    headers = [
        _(FIELD_LABELS["organisation"]),
        _(FIELD_LABELS["id"]),
        _(FIELD_LABELS["name"]),
        _(FIELD_LABELS["role"]),
        _(FIELD_LABELS["email"]),
        _(FIELD_LABELS["street"]),
        _(FIELD_LABELS["postal_code"]),
        _(FIELD_LABELS["city"]),
        _(FIELD_LABELS["language"]),
        _(FIELD_LABELS["subject"]),
        _("Text"),
    ]
    rows = []
    for letter in outreach.letters:
        org, person = letter.organisation, letter.person
        place = org.address
        values = [
            one_line(org.name),
            org.id,
            one_line(person.display_name),
            label(config, "roles", person.role) if person.role else None,
            person.email,
            place.street if place else None,
            place.postal_code if place else None,
            place.city if place else None,
            language_name(letter.template.language),
            letter.rendered.subject,
            letter.rendered.text,
        ]
        rows.append([cell(value, lang=lang) for value in values])
    return csv_bytes(headers, rows)


# --------------------------------------------------------------------------- the folder


def files(
    outreach: Outreach, config: Config, root: Path | None, now: dt.datetime
) -> dict[str, bytes]:
    """File name → content: one ``ID.eml`` or ``ID.html`` per organisation, or ``NAME.csv``."""
    if outreach.format == "csv":
        return {f"{outreach.name}.csv": serial_csv(outreach, config)}
    if outreach.format == "eml":
        return {
            f"{letter.organisation.id}.eml": eml(letter, config, now) for letter in outreach.letters
        }
    return {
        f"{letter.organisation.id}.html": letter_html(letter, config, outreach.today, root).encode(
            "utf-8"
        )
        for letter in outreach.letters
    }


def write_files(folder: Path, content: dict[str, bytes], *, force: bool = False) -> list[Path]:
    """Write the files into ``folder`` (made if missing). A folder holding files
    already is refused unless ``force``: then the files of the same name are replaced."""
    from mokoord.faults import file_fault, write_output

    if folder.exists() and not folder.is_dir():
        raise UsageError(_("--output: {path} is a file; name a folder").format(path=folder))
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(
            _("--output: {path} holds files already").format(path=folder),
            hint=_("choose a new or empty folder, or add --force to write into it"),
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_fault(exc, folder) from None
    written = []
    for name, data in content.items():
        write_output(folder / name, data)
        written.append(folder / name)
    return written
