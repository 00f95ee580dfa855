"""Help in the chosen language.

Help texts are English literals in the code: a command's docstring, the
``help=``, ``metavar=`` and ``rich_help_panel=`` of its options and
arguments, and the listing ``_app._LISTING``. ``tools/catalogue.py extract``
puts each into the catalogue; the functions here replace them by their
translation when a command is loaded and when help is drawn, always from
the English original, so a command object can be shown in one language after
another (tests do).

What an option wants is named by its metavar, in the current language:
``--date DATUM``, ``--org ID``, ``--requested BETRAG``. It is the option's
``metavar=`` where the code gives one, else :data:`METAVARS` by the option's
long name (or an argument's parameter name), else
:data:`COMMAND_METAVARS` for an option whose meaning differs in one command.
Flags show no type at all, arguments no ``<str>`` beside their name.

A default that is a term of one of mokoord's own vocabularies is shown by its
label (:data:`DEFAULT_LABELS`), as German users type it: ``[Standard: bekannt]``.
"""

from __future__ import annotations

from typing import Any

from mokoord.cli._typer_texts import hide_type, show_default_as
from mokoord.i18n import N_, _

#: Option long name (or argument parameter name) → metavar, in English.
METAVARS: dict[str, str] = {
    # the store, files, formats
    "--data": N_("FOLDER"),
    "path": N_("FOLDER"),
    "--lang": N_("LANGUAGE"),
    "--output": N_("FILE"),
    "--mapping": N_("FILE"),
    "--save-mapping": N_("FILE"),
    "file": N_("FILE"),
    "folder": N_("FOLDER"),
    "url": N_("URL"),
    "--remote": N_("NAME"),
    "--format": N_("FORMAT"),
    "--encoding": N_("ENCODING"),
    "--sheet": N_("SHEET"),
    "--fields": N_("COLUMNS"),
    "--on-duplicate": N_("MODE"),
    "kind": N_("KIND"),
    "--kind": N_("KIND"),
    "--line-kind": N_("KIND"),
    # ids of records
    "--id": N_("ID"),
    "--org": N_("ID"),
    "--partner": N_("ID"),
    "--place-org": N_("ID"),
    "--organiser": N_("ID"),
    "--member": N_("ID"),
    "--contact-institution": N_("ID"),
    "--programme": N_("ID"),
    "--line": N_("LINE"),
    "--line-id": N_("ID"),
    "contact_id": N_("ID"),
    "--refer-to": N_("INSTITUTION"),
    # dates, years, amounts, numbers
    "--date": N_("DATE"),
    "--from": N_("DATE"),
    "--to": N_("DATE"),
    "--since": N_("DATE"),
    "--until": N_("DATE"),
    "--end": N_("DATE"),
    "--known-since": N_("DATE"),
    "--consent-date": N_("DATE"),
    "--follow-up": N_("DATE"),
    "--submitted": N_("DATE"),
    "--decided": N_("DATE"),
    "--today": N_("DATE"),
    "--deadline": N_("DEADLINE"),
    "--time": N_("TIME"),
    "--year": N_("YEAR"),
    "--days": N_("DAYS"),
    "--months": N_("MONTHS"),
    "--participants": N_("NUMBER"),
    "--people": N_("NUMBER"),
    "--max-amount": N_("AMOUNT"),
    "--max-amount-without-rooms": N_("AMOUNT"),
    "--budget": N_("AMOUNT"),
    "--requested": N_("AMOUNT"),
    "--granted": N_("AMOUNT"),
    "--per": N_("UNIT"),
    # names and free text
    "--name": N_("NAME"),
    "--alias": N_("NAME"),
    "--line-name": N_("NAME"),
    "--coordinator": N_("NAME"),
    "--funder": N_("FUNDER"),
    "--title": N_("TITLE"),
    "--city": N_("CITY"),
    "--street": N_("STREET"),
    "--postal-code": N_("POSTCODE"),
    "--address": N_("ADDRESS"),
    "--place": N_("PLACE"),
    "--department": N_("DEPARTMENT"),
    "--email": N_("EMAIL"),
    "--phone": N_("PHONE"),
    "--website": N_("URL"),
    "--notes": N_("NOTES"),
    "--note": N_("NOTE"),
    "--summary": N_("SUMMARY"),
    "--reason": N_("REASON"),
    "--refer-reason": N_("REASON"),
    "--follow-up-action": N_("TASK"),
    "--consent-source": N_("HOW"),
    # terms of the vocabularies and fixed choices
    "--status": N_("STATUS"),
    "new_status": N_("STATUS"),
    "--district": N_("DISTRICT"),
    "--field": N_("FIELD"),
    "--topic": N_("TOPIC"),
    "--channel": N_("CHANNEL"),
    "--language": N_("LANGUAGE"),
    "--origin": N_("ORIGIN"),
    "--legal-form": N_("LEGAL_FORM"),
    "--eligible": N_("LEGAL_FORM"),
    "--religion": N_("RELIGION"),
    "--tag": N_("TAG"),
    "--need": N_("NEED"),
    "--role": N_("ROLE"),
    "--person-role": N_("ROLE"),
    "--network": N_("NETWORK"),
    "--template": N_("TEMPLATE"),
    "--legal-basis": N_("LEGAL_BASIS"),
    "--consent-scope": N_("SCOPE"),
    "--initiated-by": N_("WHO"),
    "--outcome": N_("OUTCOME"),
    "--series": N_("SERIES"),
    "--level": N_("LEVEL"),
    "--rhythm": N_("RHYTHM"),
    "--ground": N_("GROUND"),
    "--redact": N_("TEXT"),
}

#: (command, option) → metavar, where an option means something else in one command.
COMMAND_METAVARS: dict[tuple[str, str], str] = {
    ("add-event", "--follow-up"): N_("TASK"),
    ("add-event", "--until"): N_("TIME"),
    ("outreach", "--output"): N_("FOLDER"),
}


#: (command, option) → label (msgid) of its default, a term of a vocabulary of
#: ``models.meta.FIXED_VOCABULARIES`` (not imported here: it loads pydantic;
#: tests/test_i18n_cli.py holds the two together).
DEFAULT_LABELS: dict[tuple[str, str], str] = {
    ("add-org", "--status"): N_("known"),
    ("add-person", "--legal-basis"): N_("consent (Art. 6(1)(a) GDPR)"),
    ("close-need", "--status"): N_("met"),
    ("add-contact", "--initiated-by"): N_("the office"),
    ("add-network", "--kind"): N_("network"),
    ("add-network", "--level"): N_("local"),
    ("add-programme", "--per"): N_("per project"),
    ("add-programme", "--line-kind"): N_("project funding"),
    ("add-application", "--status"): N_("idea"),
    ("import", "--on-duplicate"): N_("skip"),
}


def translate(obj: Any, attribute: str) -> None:
    """Set ``obj.attribute`` to the translation of its English original."""
    originals: dict[str, Any] = obj.__dict__.setdefault("_mokoord_english", {})
    if attribute not in originals:
        originals[attribute] = getattr(obj, attribute, None)
    english = originals[attribute]
    if isinstance(english, str) and english:
        setattr(obj, attribute, _(english))


def metavar(command: str | None, param: Any) -> str | None:
    """The English metavar of a parameter that takes a value (``None`` for a flag)."""
    if getattr(param, "is_flag", False):
        return None
    if param.metavar:
        return str(param.metavar)
    name = _key(param)
    return COMMAND_METAVARS.get((command or "", name)) or METAVARS.get(name)


def _key(param: Any) -> str:
    if param.param_type_name == "argument":
        return str(param.name)
    long = [opt for opt in param.opts if opt.startswith("--")]
    return long[0] if long else str(param.opts[0])


def present_command(command: Any, ctx: Any) -> None:
    """``command``'s help, panels, options and metavars in the current language."""
    for attribute in ("help", "short_help", "epilog", "rich_help_panel"):
        translate(command, attribute)
    for param in command.params:
        present_param(command.name, param)
    help_option = command.get_help_option(ctx)
    if help_option is not None:  # Click's, with help HELP_OPTION_HELP
        present_param(command.name, help_option)


def present_param(command: str | None, param: Any) -> None:
    translate(param, "help")
    translate(param, "rich_help_panel")
    originals: dict[str, Any] = param.__dict__.setdefault("_mokoord_english", {})
    if "metavar" not in originals:
        originals["metavar"] = metavar(command, param)
        if param.param_type_name == "argument":
            hide_type(param)
    label = DEFAULT_LABELS.get((command or "", _key(param)))
    if label is not None:
        show_default_as(param, _(label))
    english = originals["metavar"]
    if english is not None:
        param.metavar = _(english)
    elif getattr(param, "is_flag", False):
        param.metavar = ""  # flags show no type
    else:
        param.metavar = _key(param).strip("-").replace("-", "_").upper()
