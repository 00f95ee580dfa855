"""The fixed texts of the privacy documents, German and English, in one place.

The access export (Art. 15) and the record of processing activities (Art. 30)
are documents in a language of their own (German unless asked otherwise), like
the evaluation report (:mod:`mokoord.report.texts`); templates get these as
``t.<key>``. The short texts written into the data in place of erased or
expired text are here too (:data:`PLACEHOLDERS`): data do not change with the
language a command line speaks.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("de", "en")

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "erased": {"de": "(gelöscht)", "en": "(erased)"},
    "removed": {
        "de": "(Text nach Ablauf der Aufbewahrungsfrist entfernt)",
        "en": "(text removed after its retention period)",
    },
    "other": {"de": "(andere Person)", "en": "(another person)"},
}
"""What stands in free text where an erased person was named (``erased``), and a
contact's summary once its free text is past its retention period (``removed``).
Neither starts with a character YAML would read as syntax."""

LEGAL_BASES: dict[str, dict[str, str]] = {
    "de": {
        "consent": "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)",
        "contract": "Vertrag oder vorvertragliche Maßnahme (Art. 6 Abs. 1 lit. b DSGVO)",
        "public_task": "Erfüllung einer Aufgabe im öffentlichen Interesse "
        "(Art. 6 Abs. 1 lit. e, Abs. 3 DSGVO i. V. m. {law})",
        "legitimate_interest": "berechtigtes Interesse (Art. 6 Abs. 1 lit. f DSGVO; "
        "nicht für Behörden in Erfüllung ihrer Aufgaben, Art. 6 Abs. 1 Unterabs. 2)",
    },
    "en": {
        "consent": "consent (Art. 6(1)(a) GDPR)",
        "contract": "contract or steps prior to one (Art. 6(1)(b) GDPR)",
        "public_task": "a task carried out in the public interest (Art. 6(1)(e), (3) GDPR "
        "with {law})",
        "legitimate_interest": "legitimate interest (Art. 6(1)(f) GDPR; not for public "
        "authorities performing their tasks, Art. 6(1) second subparagraph)",
    },
}

ERASURE_GROUNDS: dict[str, dict[str, str]] = {
    "de": {
        "no_longer_needed": "nicht mehr erforderlich (Art. 17 Abs. 1 lit. a DSGVO)",
        "consent_withdrawn": "Einwilligung widerrufen (Art. 17 Abs. 1 lit. b DSGVO)",
        "objection": "Widerspruch (Art. 17 Abs. 1 lit. c DSGVO)",
        "unlawful": "unrechtmäßig verarbeitet (Art. 17 Abs. 1 lit. d DSGVO)",
        "legal_obligation": "rechtliche Verpflichtung (Art. 17 Abs. 1 lit. e DSGVO)",
    },
    "en": {
        "no_longer_needed": "no longer needed (Art. 17(1)(a) GDPR)",
        "consent_withdrawn": "consent withdrawn (Art. 17(1)(b) GDPR)",
        "objection": "objection (Art. 17(1)(c) GDPR)",
        "unlawful": "processed unlawfully (Art. 17(1)(d) GDPR)",
        "legal_obligation": "legal obligation (Art. 17(1)(e) GDPR)",
    },
}

KINDS: dict[str, dict[str, str]] = {
    "de": {
        "person": "Ansprechpersonen",
        "contact": "Kontakte",
        "organisation": "Organisationen",
        "event": "Veranstaltungen",
        "cooperation": "Kooperationen",
        "network": "Netzwerke",
        "institution": "Einrichtungen",
        "programme": "Förderprogramme",
        "application": "Förderanträge",
        "erasure": "Löschprotokoll",
    },
    "en": {
        "person": "Contact persons",
        "contact": "Contacts",
        "organisation": "Organisations",
        "event": "Events",
        "cooperation": "Cooperations",
        "network": "Networks",
        "institution": "Institutions",
        "programme": "Funding programmes",
        "application": "Funding applications",
        "erasure": "Erasure log",
    },
}
"""Each kind of record by its plural, for the documents."""

CATEGORIES: dict[str, dict[str, str]] = {
    "de": {
        "name": "Name",
        "affiliation": "Organisation und Funktion",
        "contact": "Kontaktdaten",
        "languages": "Sprachen",
        "legal_basis": "Rechtsgrundlage und Einwilligung",
        "dates": "Daten der Kontakte",
        "notes": "Notizen zur Person",
        "participation": "Beteiligung an Kontakten",
        "staff": "Beschäftigte der Koordinierungsstelle",
    },
    "en": {
        "name": "Name",
        "affiliation": "Organisation and role",
        "contact": "Contact details",
        "languages": "Languages",
        "legal_basis": "Legal basis and consent",
        "dates": "Dates of contact",
        "notes": "Notes about the person",
        "participation": "Participation in contacts",
        "staff": "Staff of the office",
    },
}
"""The categories of personal data of :data:`~mokoord.models.meta.PERSONAL_DATA`."""

PURPOSES: dict[str, list[str]] = {
    "de": [
        "Aufbau und Pflege eines Registers der Migrantenorganisationen mit ihren "
        "Ansprechpersonen und Unterstützungsbedarfen",
        "Kontaktaufnahme, aufsuchende Arbeit, Beratung und Begleitung der Organisationen",
        "Verweisberatung an Ämter, Fachstellen und Bildungsträger und Nachhalten der Vermittlung",
        "Einladungen zu Qualifizierungen, Austauschformaten und Veranstaltungen "
        "(Rundbriefe nur mit Einwilligung)",
        "Unterstützung bei Förderanträgen",
        "Evaluation der Arbeit für den Integrationsbericht (nur anonyme Kennzahlen)",
    ],
    "en": [
        "Keeping a register of migrant organisations with their contact persons and needs",
        "Contacting, outreach, advising and accompanying the organisations",
        "Referring organisations to city offices, specialist services and education "
        "providers, and following the referrals up",
        "Invitations to trainings, exchange formats and events (newsletters only with consent)",
        "Support with funding applications",
        "Evaluating the office's work for the integration report (anonymous figures only)",
    ],
}

MEASURES: dict[str, list[tuple[str, str]]] = {
    "de": [
        (
            "Datenminimierung und Pseudonymisierung",
            "Ansprechpersonen stehen in eigenen Dateien unter zufälligen Kennungen "
            "(p-4k2m9x). Kontakte, Organisationen und Commit-Nachrichten nennen nur diese "
            "Kennung, nie einen Namen. `mokoord check` warnt, wenn ein Freitext den Namen, "
            "die E-Mail-Adresse oder Telefonnummer einer bekannten Person enthält.",
        ),
        (
            "Rechtsgrundlage je Person",
            "Jede Person trägt ihre Rechtsgrundlage; eine Einwilligung mit Datum, Umfang, "
            "Art der Erteilung und ggf. Widerruf. Nach einem Widerruf wird die Person für "
            "Kontakte und Rundbriefe nicht mehr angeboten.",
        ),
        (
            "Speicherbegrenzung",
            "Die Löschfristen stehen in `mokoord.yaml`; `mokoord check` warnt bei jedem "
            "Datensatz nach Fristablauf, `mokoord privacy due --erase` löscht.",
        ),
        (
            "Löschung bis in die Versionsgeschichte",
            "`mokoord privacy erase` entfernt die Person aus allen Dateien und der gesamten "
            "git-Geschichte (git-filter-repo), absturzsicher; das Löschprotokoll "
            "(erasures/) nennt Datum, Bearbeitung, Kennung und Rechtsgrund, nie einen "
            "gelöschten Wert. Historien, die gelöschte Daten zurückbringen würden, werden "
            "abgewiesen.",
        ),
        (
            "Nachvollziehbarkeit und Integrität",
            "Jede Änderung ist ein git-Commit mit Autorin oder Autor und Zeitpunkt; "
            "`mokoord check` prüft jede Datei.",
        ),
        (
            "Zugriffskontrolle und Verschlüsselung",
            "Die Daten liegen als Dateien auf Geräten und Laufwerken der Stadt; Zugriff "
            "über die Benutzerkonten und Freigaben der städtischen IT, Datenträger "
            "verschlüsselt (organisatorisch durch die IT sicherzustellen).",
        ),
        (
            "Weitergabe",
            "Exporte und Berichte enthalten ohne ausdrückliche Anforderung keine "
            "personenbezogenen Daten; `--anonymous` entfernt auch Freitexte. mokoord lädt "
            "zur Laufzeit nichts aus dem Netz.",
        ),
    ],
    "en": [
        (
            "Data minimisation and pseudonymisation",
            "Contact persons live in files of their own under random ids (p-4k2m9x). "
            "Contacts, organisations and commit messages name only that id, never a name. "
            "`mokoord check` warns when free text holds a known person's name, e-mail "
            "address or phone number.",
        ),
        (
            "A legal basis for every person",
            "Every person records their legal basis; consent with its date, scope, how it "
            "was given and when it was withdrawn. After a withdrawal the person is no "
            "longer offered for contacts and newsletters.",
        ),
        (
            "Storage limitation",
            "The retention periods are set in `mokoord.yaml`; `mokoord check` warns of every "
            "record past its period, `mokoord privacy due --erase` erases.",
        ),
        (
            "Erasure that reaches the history",
            "`mokoord privacy erase` removes the person from every file and the whole git "
            "history (git-filter-repo), crash-safe; the erasure log (erasures/) names the "
            "date, who erased, the id and the ground, never an erased value. Histories "
            "that would bring erased data back are refused.",
        ),
        (
            "Accountability and integrity",
            "Every change is a git commit with its author and time; `mokoord check` "
            "validates every file.",
        ),
        (
            "Access control and encryption",
            "The data are files on the city's devices and drives; access through the "
            "city IT's accounts and shares, storage encrypted (to be ensured by the IT).",
        ),
        (
            "Disclosure",
            "Exports and reports hold no personal data unless asked for; `--anonymous` "
            "removes free text too. mokoord loads nothing from the network at run time.",
        ),
    ],
}

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        # the access export
        "access.title": "Auskunft über Ihre personenbezogenen Daten",
        "access.subtitle": "nach Art. 15 der Datenschutz-Grundverordnung (DSGVO)",
        "access.intro": "{controller} speichert die folgenden Angaben über Sie. Stand: {date}.",
        "access.record": "Ihre gespeicherten Angaben",
        "access.erased": "Ihre Daten wurden am {erased} gelöscht; es ist nur noch die "
        "Kennung {id} gespeichert.",
        "access.legal_basis": "Rechtsgrundlage",
        "access.no_legal_basis": "Keine Rechtsgrundlage erfasst.",
        "access.consent": "Ihre Einwilligung",
        "access.consent_given": "erteilt am",
        "access.consent_scope": "Umfang",
        "access.consent_source": "Art der Erteilung",
        "access.consent_withdrawn": "widerrufen am",
        "access.retention": "Speicherdauer",
        "access.retention_due": "Ihre Daten werden spätestens am {due} gelöscht ({reason}).",
        "access.retention_open": "Ihre Daten werden gelöscht, sobald sie für die Arbeit der "
        "Koordinierungsstelle nicht mehr erforderlich sind, spätestens {months} Monate "
        "nach dem letzten Kontakt mit Ihnen.",
        "access.retention_text": "Freitexte zu Kontakten werden {years} Jahre nach dem Kontakt "
        "entfernt.",
        "access.contacts": "Kontakte, an denen Sie beteiligt waren",
        "access.contacts_text": "Kontakte, in deren Text Sie genannt sind",
        "access.no_contacts": "Keine.",
        "access.date": "Datum",
        "access.organisations": "Organisation",
        "access.channel": "Art",
        "access.topics": "Themen",
        "access.summary": "Inhalt",
        "access.follow_up": "Wiedervorlage",
        "access.referrals": "Verweisungen",
        "access.mentions": "Weitere Erwähnungen in Notizen und Texten",
        "access.where": "Wo",
        "access.passage": "Textstelle",
        "access.history": "Änderungen an Ihrem Datensatz",
        "access.when": "Wann",
        "access.who": "Wer",
        "access.what": "Was",
        "access.created": "angelegt",
        "access.purposes": "Zwecke der Verarbeitung",
        "access.recipients": "Empfänger",
        "access.recipients_text": "Ihre Angaben werden nur mit Ihrer Einwilligung "
        "(Umfang „Weitergabe an Fachstellen“) an andere Stellen weitergegeben. In Kontakten "
        "mit Ihnen wurde an folgende Stellen verwiesen:",
        "access.no_recipients": "Es wurden keine Angaben über Sie weitergegeben.",
        "access.source": "Herkunft der Daten",
        "access.source_text": "Die Angaben stammen von Ihnen selbst oder aus öffentlich "
        "zugänglichen Quellen (z. B. dem Vereinsregister).",
        "access.rights": "Ihre Rechte",
        "access.rights_text": "Sie haben das Recht auf Auskunft (Art. 15 DSGVO), "
        "Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung "
        "(Art. 18) und Widerspruch (Art. 21). Eine Einwilligung können Sie jederzeit mit "
        "Wirkung für die Zukunft widerrufen (Art. 7 Abs. 3). Sie können sich bei der "
        "Aufsichtsbehörde beschweren (Art. 77): {authority}.",
        "access.dpo": "Datenschutzbeauftragte Stelle: {dpo}.",
        "access.controller": "Verantwortlich",
        # the record of processing
        "record.title": "Verzeichnis von Verarbeitungstätigkeiten",
        "record.subtitle": "nach Art. 30 Abs. 1 DSGVO",
        "record.generated": "Erstellt am {date} aus dem Datenbestand und der Konfiguration "
        "von mokoord.",
        "record.controller": "Verantwortlicher",
        "record.dpo": "Datenschutzbeauftragte Stelle",
        "record.dpo_missing": "(in mokoord.yaml unter privacy.data_protection_officer eintragen)",
        "record.name": "Bezeichnung der Verarbeitung",
        "record.name_text": "Register, Kontaktprotokoll und Evaluation der {office} "
        "(Software mokoord)",
        "record.purposes": "Zwecke der Verarbeitung",
        "record.legal_bases": "Rechtsgrundlagen",
        "record.legal_basis": "Rechtsgrundlage",
        "record.persons": "Personen",
        "record.subjects": "Kategorien betroffener Personen",
        "record.subjects_list": "Ansprechpersonen der Migrantenorganisationen (Vorstände, "
        "Aktive); Personen, die in Freitexten zu Kontakten und Notizen erwähnt werden; "
        "Beschäftigte der Koordinierungsstelle als Bearbeitende (Autorinnen und Autoren "
        "der Änderungen, Feld „Koordination“ in Kontakten).",
        "record.categories": "Kategorien personenbezogener Daten",
        "record.category": "Kategorie",
        "record.fields": "Felder",
        "record.free_text": "Freitexte, die Personen nennen können",
        "record.special": "Hinweis zu besonderen Kategorien (Art. 9 DSGVO)",
        "record.special_text": "Das Register erfasst Organisationen auch nach Religion. "
        "Aus der Funktion einer Person in einer religiösen Organisation kann auf ihre "
        "religiöse Überzeugung geschlossen werden; die datenschutzbeauftragte Stelle "
        "sollte prüfen, ob dafür eine Grundlage nach Art. 9 Abs. 2 DSGVO (z. B. lit. a "
        "oder e) besteht.",
        "record.recipients": "Kategorien von Empfängern",
        "record.recipients_text": "Verweisungen gehen an die folgenden Einrichtungen; "
        "personenbezogene Daten nur mit Einwilligung (Umfang „Weitergabe an Fachstellen“):",
        "record.recipients_other": "Statistikstelle und Öffentlichkeit: nur anonyme "
        "Kennzahlen und Exporte (`--anonymous`). Veröffentlichung von Ansprechpersonen im "
        "Verzeichnis nur mit Einwilligung (Umfang „Veröffentlichung“).",
        "record.transfers": "Übermittlung an Drittländer",
        "record.transfers_text": "Keine.",
        "record.retention": "Löschfristen",
        "record.retention_persons_org": "Ansprechpersonen: {months} Monate nach Auflösung "
        "oder Ablehnung ihrer Organisation.",
        "record.retention_persons_contact": "Ansprechpersonen: {months} Monate nach dem "
        "letzten Kontakt (ohne Kontakt: nach der Einwilligung bzw. Erfassung).",
        "record.retention_withdrawn": "Nach Widerruf einer Einwilligung: unverzüglich.",
        "record.retention_text": "Freitexte von Kontakten (Zusammenfassung, Wiedervorlage, "
        "Verweisgründe und -notizen): {years} Jahre nach dem Kontakt; die Kennzahlen "
        "bleiben.",
        "record.retention_audit": "Das Löschprotokoll (erasures/) bleibt als Teil der "
        "Nachweisführung; es enthält keine gelöschten Werte.",
        "record.measures": "Technische und organisatorische Maßnahmen (Art. 32 DSGVO)",
        "record.figures": "Stand des Datenbestands",
        "record.figures_text": "{persons} Ansprechpersonen, davon {withdrawn} mit "
        "widerrufener Einwilligung; {erased} gelöschte Personen in {erasures} "
        "Löschvorgängen.",
        "record.none": "keine",
        "due.reason": "Aufbewahrungsfrist abgelaufen oder Einwilligung widerrufen "
        "(mokoord privacy due --erase)",
    },
    "en": {
        "access.title": "Information about your personal data",
        "access.subtitle": "under Art. 15 of the General Data Protection Regulation (GDPR)",
        "access.intro": "{controller} holds the following data about you. As of {date}.",
        "access.record": "Your data as stored",
        "access.erased": "Your data were erased on {erased}; only the id {id} is kept.",
        "access.legal_basis": "Legal basis",
        "access.no_legal_basis": "No legal basis recorded.",
        "access.consent": "Your consent",
        "access.consent_given": "given on",
        "access.consent_scope": "scope",
        "access.consent_source": "how it was given",
        "access.consent_withdrawn": "withdrawn on",
        "access.retention": "How long your data are kept",
        "access.retention_due": "Your data will be erased on {due} at the latest ({reason}).",
        "access.retention_open": "Your data are erased once the office no longer needs them, "
        "at the latest {months} months after the last contact with you.",
        "access.retention_text": "Free text about contacts is removed {years} years after "
        "the contact.",
        "access.contacts": "Contacts you took part in",
        "access.contacts_text": "Contacts whose text names you",
        "access.no_contacts": "None.",
        "access.date": "Date",
        "access.organisations": "Organisation",
        "access.channel": "Channel",
        "access.topics": "Topics",
        "access.summary": "Summary",
        "access.follow_up": "Follow-up",
        "access.referrals": "Referrals",
        "access.mentions": "Other mentions in notes and texts",
        "access.where": "Where",
        "access.passage": "Passage",
        "access.history": "Changes to your record",
        "access.when": "When",
        "access.who": "Who",
        "access.what": "What",
        "access.created": "created",
        "access.purposes": "Purposes of the processing",
        "access.recipients": "Recipients",
        "access.recipients_text": "Your data are passed on only with your consent (scope "
        "“passing on to other offices”). Contacts with you referred to:",
        "access.no_recipients": "No data about you were passed on.",
        "access.source": "Where the data come from",
        "access.source_text": "From you, or from public sources (such as the register of "
        "associations).",
        "access.rights": "Your rights",
        "access.rights_text": "You have the right of access (Art. 15 GDPR), rectification "
        "(Art. 16), erasure (Art. 17), restriction of processing (Art. 18) and objection "
        "(Art. 21). You may withdraw consent at any time with effect for the future "
        "(Art. 7(3)). You may lodge a complaint with the supervisory authority (Art. 77): "
        "{authority}.",
        "access.dpo": "Data protection officer: {dpo}.",
        "access.controller": "Controller",
        "record.title": "Record of processing activities",
        "record.subtitle": "under Art. 30(1) GDPR",
        "record.generated": "Generated on {date} from mokoord's data and configuration.",
        "record.controller": "Controller",
        "record.dpo": "Data protection officer",
        "record.dpo_missing": "(set privacy.data_protection_officer in mokoord.yaml)",
        "record.name": "Name of the processing",
        "record.name_text": "Register, contact log and evaluation of the {office} "
        "(software mokoord)",
        "record.purposes": "Purposes of the processing",
        "record.legal_bases": "Legal bases",
        "record.legal_basis": "Legal basis",
        "record.persons": "Persons",
        "record.subjects": "Categories of data subjects",
        "record.subjects_list": "Contact persons of migrant organisations (board members, "
        "volunteers); persons named in free text of contacts and notes; staff of the office "
        "as editors (authors of changes, the coordinator of contacts).",
        "record.categories": "Categories of personal data",
        "record.category": "Category",
        "record.fields": "Fields",
        "record.free_text": "Free text that may name persons",
        "record.special": "Special categories (Art. 9 GDPR)",
        "record.special_text": "The register records organisations by religion. A person's "
        "role in a religious organisation may reveal their religious beliefs; the data "
        "protection officer should assess whether Art. 9(2) GDPR (e.g. (a) or (e)) applies.",
        "record.recipients": "Categories of recipients",
        "record.recipients_text": "Referrals go to the following institutions; personal data "
        "only with consent (scope “passing on to other offices”):",
        "record.recipients_other": "Statistics office and public: anonymous figures and "
        "exports only (`--anonymous`). Contact persons are published in the directory only "
        "with consent (scope “publication”).",
        "record.transfers": "Transfers to third countries",
        "record.transfers_text": "None.",
        "record.retention": "Time limits for erasure",
        "record.retention_persons_org": "Contact persons: {months} months after their "
        "organisation was dissolved or declined.",
        "record.retention_persons_contact": "Contact persons: {months} months after the last "
        "contact (without contact: after the consent or when recorded).",
        "record.retention_withdrawn": "After consent is withdrawn: without delay.",
        "record.retention_text": "Free text of contacts (summary, follow-up action, referral "
        "reasons and notes): {years} years after the contact; the figures stay.",
        "record.retention_audit": "The erasure log (erasures/) stays as part of the "
        "accountability; it holds no erased value.",
        "record.measures": "Technical and organisational measures (Art. 32 GDPR)",
        "record.figures": "The data as of now",
        "record.figures_text": "{persons} contact persons, {withdrawn} of them with consent "
        "withdrawn; {erased} persons erased in {erasures} erasures.",
        "record.none": "none",
        "due.reason": "retention period ended or consent withdrawn (mokoord privacy due --erase)",
    },
}


def texts(lang: str, **values: Any) -> dict[str, str]:
    """The fixed texts in ``lang`` (``de`` or ``en``) with the placeholders known so far filled in."""
    out: dict[str, str] = {}
    for key, text in TEXTS[lang].items():
        try:
            out[key.replace(".", "_")] = text.format(**values)
        except (KeyError, IndexError):
            out[key.replace(".", "_")] = text
    return out


def placeholder(name: str, lang: str) -> str:
    """``erased`` or ``removed`` in ``lang`` (German for any other language)."""
    return PLACEHOLDERS[name].get(lang, PLACEHOLDERS[name]["de"])


def is_placeholder(text: str, name: str) -> bool:
    return text in PLACEHOLDERS[name].values()
