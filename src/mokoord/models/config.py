"""The store configuration (``mokoord.yaml``): settings and vocabularies.

A city adapts mokoord by editing the vocabularies: fields of activity,
districts, channels, topics, need categories and so on. Each term is an
English key used in the data files plus labels for the reports. The defaults
fit Wiesbaden (its 26 districts, the categories of the concept paper).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from mokoord.i18n import _
from mokoord.models.common import Email, Model, Phone, PostalCode, ShortText, Term, Url

FORMAT_VERSION = 1


class Label(Model):
    de: ShortText
    en: ShortText | None = None

    def text(self, lang: str) -> str:
        return (self.en or self.de) if lang == "en" else self.de


def _labels(value: object) -> object:
    """Let a vocabulary give a plain string where German and English agree."""
    if isinstance(value, dict):
        return {
            key: {"de": label} if isinstance(label, str) else label for key, label in value.items()
        }
    return value


Vocabulary = dict[Term, Label]

VOCABULARY_NAMES: tuple[str, ...] = (
    "fields",
    "districts",
    "channels",
    "topics",
    "need_categories",
    "event_kinds",
    "legal_forms",
    "offered_formats",
    "institution_kinds",
    "religions",
    "age_groups",
    "consent_scopes",
    "roles",
    "tags",
)


def _v(*terms: tuple[str, str, str]) -> dict[str, Label]:
    return {key: Label(de=de, en=en) for key, de, en in terms}


WIESBADEN_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("aukamm", "Aukamm"),
    ("biebrich", "Biebrich"),
    ("bierstadt", "Bierstadt"),
    ("breckenheim", "Breckenheim"),
    ("delkenheim", "Delkenheim"),
    ("dotzheim", "Dotzheim"),
    ("erbenheim", "Erbenheim"),
    ("frauenstein", "Frauenstein"),
    ("hessloch", "Heßloch"),
    ("igstadt", "Igstadt"),
    ("klarenthal", "Klarenthal"),
    ("kloppenheim", "Kloppenheim"),
    ("mainz-amoeneburg", "Mainz-Amöneburg"),
    ("mainz-kastel", "Mainz-Kastel"),
    ("mainz-kostheim", "Mainz-Kostheim"),
    ("medenbach", "Medenbach"),
    ("mitte", "Mitte"),
    ("naurod", "Naurod"),
    ("nordenstadt", "Nordenstadt"),
    ("nordost", "Nordost"),
    ("rambach", "Rambach"),
    ("rheingauviertel", "Rheingauviertel/Hollerborn"),
    ("schierstein", "Schierstein"),
    ("sonnenberg", "Sonnenberg"),
    ("suedost", "Südost"),
    ("westend", "Westend/Bleichstraße"),
)


def default_vocabularies() -> dict[str, dict[str, Label]]:
    return {
        "fields": _v(
            ("education", "Bildung", "Education"),
            ("language", "Sprache und Spracherwerb", "Language learning"),
            ("culture", "Kultur", "Culture"),
            ("religion", "Religion", "Religion"),
            ("sport", "Sport", "Sport"),
            ("social_counselling", "Soziale Beratung", "Social counselling"),
            ("youth", "Jugend", "Youth"),
            ("parents_family", "Eltern und Familie", "Parents and family"),
            ("women", "Frauen", "Women"),
            ("work", "Arbeit und Beruf", "Work and employment"),
            ("health", "Gesundheit", "Health"),
            ("development_cooperation", "Entwicklungszusammenarbeit", "Development cooperation"),
            ("seniors", "Senioren", "Seniors"),
            ("refugee_support", "Unterstützung Geflüchteter", "Refugee support"),
            ("political_participation", "Politische Teilhabe", "Political participation"),
        ),
        "districts": {key: Label(de=label) for key, label in WIESBADEN_DISTRICTS},
        "channels": _v(
            ("visit", "Besuch vor Ort (aufsuchend)", "Outreach visit on site"),
            ("phone", "Telefon", "Phone"),
            ("email", "E-Mail", "E-mail"),
            ("meeting", "Termin im Amt", "Meeting at the office"),
            ("video", "Videokonferenz", "Video call"),
            ("event", "Bei einer Veranstaltung", "At an event"),
            ("letter", "Brief", "Letter"),
        ),
        "topics": _v(
            ("funding", "Förderung und Finanzierung", "Funding"),
            ("rooms", "Räume", "Rooms"),
            ("training", "Qualifizierung", "Training"),
            ("events", "Veranstaltungen", "Events"),
            ("networking", "Vernetzung", "Networking"),
            ("education", "Bildungsarbeit", "Education work"),
            (
                "organisational_development",
                "Organisationsentwicklung",
                "Organisational development",
            ),
            ("association_law", "Vereinsrecht", "Association law"),
            ("volunteering", "Ehrenamt", "Volunteering"),
            ("cooperation", "Kooperation", "Cooperation"),
            ("arrival_help", "Ankommen und Erstorientierung", "Arrival help"),
            ("labour_market", "Arbeitsmarkt", "Labour market"),
            ("acquisition", "Erstkontakt und Vorstellung", "First contact"),
            ("other", "Sonstiges", "Other"),
        ),
        "need_categories": _v(
            ("advice", "Beratung und Anlaufstelle", "Advice and contact point"),
            ("rooms", "Räume", "Rooms"),
            ("staff_training", "Qualifizierung der Aktiven", "Training for volunteers and staff"),
            ("education_work", "Unterstützung der Bildungsarbeit", "Support for education work"),
            ("funding", "Finanzielle Förderung", "Funding"),
            ("other", "Sonstiges", "Other"),
        ),
        "event_kinds": _v(
            ("training", "Qualifizierung", "Training"),
            ("exchange", "Austauschformat", "Exchange format"),
            ("network", "Netzwerktreffen", "Network meeting"),
            ("info", "Informationsveranstaltung", "Information event"),
            ("festival", "Fest", "Festival"),
        ),
        "legal_forms": _v(
            ("registered_association", "Eingetragener Verein (e.V.)", "Registered association"),
            ("association", "Nicht eingetragener Verein", "Unregistered association"),
            ("initiative", "Initiative", "Initiative"),
            ("religious_community", "Religionsgemeinschaft", "Religious community"),
            ("non_profit_company", "Gemeinnützige GmbH", "Non-profit company"),
            ("foundation", "Stiftung", "Foundation"),
            ("other", "Sonstige", "Other"),
        ),
        "offered_formats": _v(
            ("events", "Veranstaltungen", "Events"),
            ("counselling", "Beratung", "Counselling"),
            ("arrival_help", "Ankommenshilfe", "Arrival help"),
            ("accompaniment", "Begleitung (z. B. zu Behörden)", "Accompaniment"),
            ("language_courses", "Sprachkurse", "Language courses"),
            ("homework_help", "Hausaufgabenhilfe", "Homework help"),
            ("mother_tongue_lessons", "Herkunftssprachlicher Unterricht", "Mother-tongue lessons"),
        ),
        "institution_kinds": _v(
            ("city_office", "Städtisches Amt", "City office"),
            ("advisory_council", "Beirat", "Advisory council"),
            ("education_provider", "Bildungsträger", "Education provider"),
            ("welfare", "Wohlfahrtsverband", "Welfare organisation"),
            ("volunteer_centre", "Freiwilligenzentrum", "Volunteer centre"),
            ("state_body", "Landeseinrichtung", "State body"),
            ("federal_body", "Bundeseinrichtung", "Federal body"),
            ("foundation", "Stiftung", "Foundation"),
            ("other", "Sonstige", "Other"),
        ),
        "religions": _v(
            ("islam", "Islam", "Islam"),
            ("alevism", "Alevitentum", "Alevism"),
            ("christianity_catholic", "Katholisches Christentum", "Catholic Christianity"),
            ("christianity_orthodox", "Orthodoxes Christentum", "Orthodox Christianity"),
            ("christianity_protestant", "Evangelisches Christentum", "Protestant Christianity"),
            ("judaism", "Judentum", "Judaism"),
            ("yazidism", "Ezidentum", "Yazidism"),
            ("buddhism", "Buddhismus", "Buddhism"),
            ("hinduism", "Hinduismus", "Hinduism"),
            ("sikhism", "Sikhismus", "Sikhism"),
            ("bahai", "Bahai", "Baháʼí"),
        ),
        "age_groups": _v(
            ("children", "Kinder", "Children"),
            ("youth", "Jugendliche", "Young people"),
            ("adults", "Erwachsene", "Adults"),
            ("seniors", "Seniorinnen und Senioren", "Seniors"),
        ),
        "consent_scopes": _v(
            ("contact", "Kontaktaufnahme durch die Koordinierungsstelle", "Contact by the office"),
            ("newsletter", "Einladungen und Rundbriefe", "Invitations and newsletters"),
            ("publication", "Veröffentlichung im Verzeichnis", "Publication in the directory"),
            ("sharing", "Weitergabe an Fachstellen", "Passing on to other offices"),
        ),
        "roles": _v(
            ("chair", "Vorsitz", "Chair"),
            ("deputy_chair", "stellv. Vorsitz", "Deputy chair"),
            ("treasurer", "Kassenwart/in", "Treasurer"),
            ("secretary", "Schriftführung", "Secretary"),
            ("board_member", "Vorstandsmitglied", "Board member"),
            ("youth_worker", "Jugendwart/in", "Youth worker"),
            ("coordination", "Koordination", "Coordination"),
            ("project_lead", "Projektleitung", "Project lead"),
            ("imam", "Imam", "Imam"),
            ("priest", "Pfarrer/in", "Priest"),
        ),
        "tags": {},
    }


class Vocabularies(Model):
    """The terms a store may use; ``mokoord check --strict`` rejects any other."""

    fields: dict[Term, Label] = Field(default_factory=lambda: default_vocabularies()["fields"])
    districts: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["districts"]
    )
    channels: dict[Term, Label] = Field(default_factory=lambda: default_vocabularies()["channels"])
    topics: dict[Term, Label] = Field(default_factory=lambda: default_vocabularies()["topics"])
    need_categories: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["need_categories"]
    )
    event_kinds: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["event_kinds"]
    )
    legal_forms: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["legal_forms"]
    )
    offered_formats: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["offered_formats"]
    )
    institution_kinds: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["institution_kinds"]
    )
    religions: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["religions"]
    )
    age_groups: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["age_groups"]
    )
    consent_scopes: dict[Term, Label] = Field(
        default_factory=lambda: default_vocabularies()["consent_scopes"]
    )
    roles: dict[Term, Label] = Field(default_factory=lambda: default_vocabularies()["roles"])
    """Roles of contact persons; a role that is no declared term is kept as written."""
    tags: dict[Term, Label] = Field(default_factory=dict)

    _normalise = field_validator(*VOCABULARY_NAMES, mode="before")(_labels)

    def terms(self, name: str) -> dict[str, Label]:
        result: dict[str, Label] = getattr(self, name)
        return result

    def label(self, name: str, term: str, lang: str = "de") -> str:
        """The label of a term, or the term itself when it is not declared."""
        label = self.terms(name).get(term)
        return label.text(lang) if label else term


class Author(Model):
    name: ShortText
    email: Email


class Sender(Model):
    """The office as the sender of letters and e-mail drafts (``mokoord outreach``):
    the letterhead, the return address and the signature."""

    department: ShortText | None = None
    """The authority the office belongs to ("Amt für Zuwanderung und Integration")."""
    street: ShortText | None = None
    postal_code: PostalCode | None = None
    city: ShortText | None = None
    email: Email | None = None
    """The From of e-mail drafts and the e-mail address in the letterhead."""
    phone: Phone | None = None
    website: Url | None = None
    signature: ShortText | None = None
    """Who signs ("Ihre Koordinierungsstelle Migrantenorganisationen"); default: the office."""


class Settings(Model):
    stale_after_months: int = Field(12, ge=1, le=120)
    """A record not verified for longer is *stale* (``list --stale``, report)."""
    follow_up_overdue_days: int = Field(14, ge=0, le=3650)
    """An open follow-up this many days past its date is flagged by ``check``."""
    referral_pending_days: int = Field(90, ge=1, le=3650)
    """A referral pending longer is flagged by ``check`` and shown in ``agenda``."""
    quiet_after_days: int = Field(120, ge=1, le=3650)
    """``agenda`` lists cooperating organisations without a contact for this long."""


class Retention(Model):
    """How long personal data are kept (Art. 5(1)(e) GDPR); the reasons for the
    defaults are in docs/privacy.md."""

    person_months_after_organisation_ends: int = Field(6, ge=0, le=1200)
    """A contact person of a dissolved or declined organisation, counted from the
    organisation's status date."""
    person_months_after_last_contact: int = Field(36, ge=1, le=1200)
    """A contact person the office has had no contact with, counted from the last
    contact (else the consent, else when the person was recorded)."""
    contact_text_years: int = Field(5, ge=1, le=100)
    """The free text of a contact (summary, follow-up action, referral reasons and
    notes), counted from the contact's date; its figures stay."""


class Privacy(Model):
    """Data protection: the controller named in the record of processing and in
    access exports, the law of the public task, the retention periods."""

    controller: ShortText | None = None
    """The controller (Verantwortlicher); default: the office in its city."""
    data_protection_officer: ShortText | None = None
    """How to reach the data protection officer."""
    supervisory_authority: ShortText = (
        "Der Hessische Beauftragte für Datenschutz und Informationsfreiheit (HBDI), "
        "Gustav-Stresemann-Ring 1, 65189 Wiesbaden"
    )
    public_task_law: ShortText = "§ 3 Abs. 1 HDSIG"
    """The Land's law that makes the office's processing a public task (Art. 6(1)(e),
    (3) GDPR): in Hessen the HDSIG."""
    retention: Retention = Field(default_factory=Retention)


class Config(Model):
    """``mokoord.yaml`` at the root of a store."""

    format: Literal[1] = 1
    city: ShortText = "Wiesbaden"
    office: ShortText = "Koordinierungsstelle Migrantenorganisationen"
    language: Literal["de", "en"] = "de"
    timezone: ShortText = "Europe/Berlin"
    """The IANA time zone of the office: times of day in events are wall-clock times here."""
    sender: Sender | None = None
    """The office's address and signature for letters and e-mail drafts (``outreach``)."""
    author: Author | None = None
    """Author of commits when git's own user.name/user.email are not set."""
    settings: Settings = Field(default_factory=Settings)
    privacy: Privacy = Field(default_factory=Privacy)
    vocabularies: Vocabularies = Field(default_factory=Vocabularies)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                _("unknown time zone '{zone}'; write an IANA name such as Europe/Berlin").format(
                    zone=value
                )
            ) from None
        return value
