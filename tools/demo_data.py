"""Generate a realistic, fictional mokoord store through mokoord's own models.

Used by ``tools/make_demo.py`` (the demo store in ``data/``, about 60
organisations of a city like Wiesbaden) and by ``benchmarks/make_store.py``
(stress stores of any size). Everything is deterministic: the same seed and
sizes give byte-identical files. Nothing here reads the clock: dates are
fixed, so the store stays the same whenever it is regenerated.

All people, addresses, e-mail addresses, phone numbers and register numbers
are invented (``example.org``, ``0611 555…``, ``VR DEMO-…``).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mokoord.models import (
    Application,
    Contact,
    Cooperation,
    Erasure,
    Event,
    Institution,
    Network,
    Organisation,
    Person,
    Programme,
    Record,
)
from mokoord.slugs import org_id, slugify, unique

# The office starts work in 2021 (§3); the store stands as of this date.
LATEST_DATE = dt.date(2026, 11, 24)
"""No record is dated after this day, except a few planned contacts. On this day
the office erased what was past its retention period (``privacy due --erase``)."""
WITHDRAWING = 7
"""The consenting person (by order) who withdrew their consent."""

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

TAGS: dict[str, str] = {
    "amt12_survey": "Aus der Erhebung mit Amt 12",
    "women_led": "Von Frauen geführt",
    "youth_section": "Mit Jugendabteilung",
    "sports_section": "Mit Sportabteilung",
    "new_arrivals": "Arbeit mit Neuzugewanderten",
    "ukraine_help": "Ukraine-Hilfe seit 2022",
    "integration_prize": "Wiesbadener Integrationspreis",
    "house_of_resources": "Interesse am House of Resources",
    "multinational": "Herkunftsübergreifend",
    "founded_recently": "Neu gegründet",
}
"""Tags used in the generated data (declared in ``vocabularies.tags``)."""


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class Profile:
    """What organisations of one origin community typically look like."""

    adjectives: tuple[str, ...]
    languages: tuple[str, ...]
    origins: tuple[str, ...]
    religions: tuple[str | None, ...]
    arrival: tuple[str, ...]
    founded: tuple[int, int]


PROFILES: dict[str, Profile] = {
    "tr": Profile(
        ("Türkischer", "Deutsch-Türkischer", "Türkisch-Deutscher"),
        ("tr", "de"),
        ("TR",),
        ("islam", "islam", "alevism", None),
        ("1960er und 1970er (Anwerbeabkommen)", "1980er Jahre", "seit 2000"),
        (1968, 2016),
    ),
    "ku": Profile(
        ("Kurdischer", "Deutsch-Kurdischer"),
        ("ku", "ckb", "de"),
        ("TR", "IQ", "SY"),
        ("islam", "yazidism", None),
        ("1980er und 1990er Jahre", "seit 2014"),
        (1985, 2019),
    ),
    "ma": Profile(
        ("Marokkanischer", "Deutsch-Marokkanischer"),
        ("ar", "zgh", "fr", "de"),
        ("MA",),
        ("islam",),
        ("1960er und 1970er (Anwerbeabkommen)", "1990er Jahre"),
        (1975, 2018),
    ),
    "pl": Profile(
        ("Polnischer", "Deutsch-Polnischer"),
        ("pl", "de"),
        ("PL",),
        ("christianity_catholic",),
        ("1980er Jahre", "seit 2004 (EU-Beitritt)"),
        (1982, 2017),
    ),
    "ru": Profile(
        ("Russischsprachiger", "Deutsch-Russischer"),
        ("ru", "de"),
        ("RU", "KZ", "UA"),
        ("christianity_orthodox", None),
        ("1990er Jahre (Spätaussiedler)", "seit 2000"),
        (1994, 2019),
    ),
    "it": Profile(
        ("Italienischer", "Deutsch-Italienischer"),
        ("it", "de"),
        ("IT",),
        ("christianity_catholic", None),
        ("1950er und 1960er (Anwerbeabkommen)",),
        (1962, 2010),
    ),
    "sy": Profile(
        ("Syrischer", "Deutsch-Syrischer"),
        ("ar", "ku", "de"),
        ("SY",),
        ("islam", None),
        ("seit 2015",),
        (2015, 2022),
    ),
    "af": Profile(
        ("Afghanischer", "Deutsch-Afghanischer"),
        ("fa", "ps", "de"),
        ("AF",),
        ("islam",),
        ("1980er Jahre", "seit 2015", "seit 2021"),
        (1992, 2022),
    ),
    "er": Profile(
        ("Eritreischer",),
        ("ti", "de"),
        ("ER",),
        ("christianity_orthodox", "islam"),
        ("seit 2014",),
        (2012, 2021),
    ),
    "gr": Profile(
        ("Griechischer", "Deutsch-Griechischer"),
        ("el", "de"),
        ("GR",),
        ("christianity_orthodox",),
        ("1960er Jahre (Anwerbeabkommen)", "seit 2010"),
        (1965, 2012),
    ),
    "hr": Profile(
        ("Kroatischer",),
        ("hr", "de"),
        ("HR", "BA"),
        ("christianity_catholic",),
        ("1970er Jahre", "1990er Jahre"),
        (1970, 2012),
    ),
    "ba": Profile(
        ("Bosnischer", "Bosnisch-Herzegowinischer"),
        ("bs", "de"),
        ("BA",),
        ("islam", None),
        ("1990er Jahre",),
        (1993, 2015),
    ),
    "ir": Profile(
        ("Iranischer", "Persischsprachiger"),
        ("fa", "de"),
        ("IR",),
        (None, "bahai", "islam"),
        ("1980er Jahre", "seit 2010"),
        (1984, 2020),
    ),
    "gh": Profile(
        ("Ghanaischer",),
        ("ak", "tw", "en", "de"),
        ("GH",),
        ("christianity_protestant",),
        ("1980er und 1990er Jahre", "seit 2000"),
        (1990, 2018),
    ),
    "af_multi": Profile(
        ("Afrikanischer", "Deutsch-Afrikanischer"),
        ("fr", "en", "de"),
        ("002",),
        ("christianity_protestant", "islam", None),
        ("seit 2000",),
        (1998, 2020),
    ),
    "vn": Profile(
        ("Vietnamesischer", "Deutsch-Vietnamesischer"),
        ("vi", "de"),
        ("VN",),
        ("buddhism", None),
        ("1980er Jahre", "1990er Jahre"),
        (1986, 2014),
    ),
    "ua": Profile(
        ("Ukrainischer", "Deutsch-Ukrainischer"),
        ("uk", "ru", "de"),
        ("UA",),
        ("christianity_orthodox", None),
        ("seit 2022",),
        (2014, 2023),
    ),
    "es": Profile(
        ("Spanischer", "Lateinamerikanischer"),
        ("es", "pt", "de"),
        ("ES", "419"),
        ("christianity_catholic", None),
        ("1960er Jahre (Anwerbeabkommen)", "seit 2010"),
        (1966, 2016),
    ),
    "pt": Profile(
        ("Portugiesischer",),
        ("pt", "de"),
        ("PT",),
        ("christianity_catholic",),
        ("1960er und 1970er (Anwerbeabkommen)",),
        (1970, 2005),
    ),
    "so": Profile(
        ("Somalischer",), ("so", "ar", "de"), ("SO",), ("islam",), ("seit 2014",), (2014, 2021)
    ),
    "al": Profile(
        ("Albanischer", "Kosovarischer"),
        ("sq", "de"),
        ("AL", "XK"),
        ("islam", "christianity_catholic", None),
        ("1990er Jahre",),
        (1995, 2016),
    ),
    "lk": Profile(
        ("Tamilischer",), ("ta", "de"), ("LK",), ("hinduism",), ("1980er Jahre",), (1988, 2010)
    ),
    "am": Profile(
        ("Armenischer",),
        ("hy", "ru", "de"),
        ("AM",),
        ("christianity_orthodox",),
        ("1990er Jahre",),
        (1996, 2015),
    ),
    "ro": Profile(
        ("Rumänischer",),
        ("ro", "de"),
        ("RO",),
        ("christianity_orthodox",),
        ("seit 2007 (EU-Beitritt)",),
        (2008, 2020),
    ),
    "bg": Profile(
        ("Bulgarischer",),
        ("bg", "de"),
        ("BG",),
        ("christianity_orthodox", None),
        ("seit 2007 (EU-Beitritt)",),
        (2009, 2021),
    ),
    "in": Profile(
        ("Indischer",),
        ("pa", "hi", "de"),
        ("IN",),
        ("sikhism", "hinduism"),
        ("1990er Jahre", "seit 2010"),
        (1995, 2018),
    ),
    "cn": Profile(
        ("Chinesischer",), ("zh", "de"), ("CN",), ("buddhism", None), ("seit 2000",), (2001, 2019)
    ),
    "multi": Profile(
        ("Internationaler", "Interkultureller"),
        ("de", "tr", "ar", "ru", "en"),
        ("150", "145", "002"),
        (None,),
        ("gemischt", "seit 2015"),
        (1990, 2022),
    ),
}

# Field sets and offered formats by the kind of organisation.
KINDS: dict[str, dict[str, Any]] = {
    "parents": {
        "nouns": ("Elternverein", "Elternnetzwerk", "Eltern- und Familienverein"),
        "fields": ("parents_family", "education", "youth", "language"),
        "formats": ("events", "counselling", "homework_help", "mother_tongue_lessons"),
        "ages": ("children", "youth", "adults"),
        "goal": "Eltern bei Schulfragen begleiten und Kinder in Bildung und Herkunftssprache fördern",
    },
    "culture": {
        "nouns": ("Kulturverein", "Kulturzentrum", "Kultur- und Bildungsverein", "Folkloreverein"),
        "fields": ("culture", "education", "youth", "language"),
        "formats": ("events", "language_courses", "arrival_help"),
        "ages": ("children", "youth", "adults", "seniors"),
        "goal": "Kultur und Sprache pflegen, Begegnung schaffen und das Zusammenleben in der Stadt stärken",
    },
    "mosque": {
        "nouns": ("Islamische Gemeinde", "Moscheegemeinde"),
        "fields": ("religion", "education", "youth", "social_counselling"),
        "formats": ("events", "counselling", "homework_help", "accompaniment"),
        "ages": ("children", "youth", "adults", "seniors"),
        "goal": "Religiöses Gemeindeleben, Jugendarbeit und Beratung für Familien im Stadtteil",
    },
    "church": {
        "nouns": ("Gemeinde", "Mission"),
        "fields": ("religion", "culture", "social_counselling", "seniors"),
        "formats": ("events", "counselling", "arrival_help"),
        "ages": ("children", "adults", "seniors"),
        "goal": "Gottesdienste in der Muttersprache, Seelsorge und Hilfe beim Ankommen",
    },
    "women": {
        "nouns": ("Frauenverein", "Frauentreff", "Frauengruppe"),
        "fields": ("women", "social_counselling", "language", "work"),
        "formats": ("counselling", "language_courses", "accompaniment", "events"),
        "ages": ("adults",),
        "goal": "Frauen stärken: Austausch, Sprachkurse, Begleitung zu Behörden und Wege in den Beruf",
    },
    "youth": {
        "nouns": ("Jugendverein", "Jugendinitiative"),
        "fields": ("youth", "sport", "education", "political_participation"),
        "formats": ("events", "homework_help"),
        "ages": ("youth",),
        "goal": "Freizeit, Bildung und Beteiligung junger Menschen im Stadtteil",
    },
    "sport": {
        "nouns": ("Sportverein", "Sport- und Kulturverein"),
        "fields": ("sport", "youth", "culture"),
        "formats": ("events",),
        "ages": ("children", "youth", "adults"),
        "goal": "Sport für Kinder und Jugendliche und Gemeinschaft über Herkunftsgrenzen hinweg",
    },
    "education": {
        "nouns": ("Bildungsverein", "Sonntagsschule", "Schulverein"),
        "fields": ("education", "language", "parents_family", "youth"),
        "formats": ("mother_tongue_lessons", "homework_help", "language_courses", "events"),
        "ages": ("children", "youth"),
        "goal": "Herkunftssprachlicher Unterricht, Hausaufgabenhilfe und Bildungsberatung für Familien",
    },
    "academic": {
        "nouns": ("Akademikerverein", "Berufsnetzwerk"),
        "fields": ("work", "education", "political_participation"),
        "formats": ("counselling", "events", "accompaniment"),
        "ages": ("adults",),
        "goal": "Berufliche Anerkennung, Mentoring für Studierende und Wege in den Arbeitsmarkt",
    },
    "social": {
        "nouns": ("Gemeinschaft", "Sozialverein", "Union"),
        "fields": ("social_counselling", "culture", "refugee_support", "health"),
        "formats": ("counselling", "arrival_help", "accompaniment", "events"),
        "ages": ("adults", "seniors"),
        "goal": "Gegenseitige Hilfe, Beratung in Alltagsfragen und Begleitung Neuzugewanderter",
    },
    "refugee": {
        "nouns": ("Initiative", "Hilfsnetzwerk"),
        "fields": ("refugee_support", "language", "social_counselling"),
        "formats": ("arrival_help", "accompaniment", "language_courses", "counselling"),
        "ages": ("children", "adults"),
        "goal": "Geflüchtete beim Ankommen begleiten: Sprache, Wohnung, Behördengänge",
    },
    "seniors": {
        "nouns": ("Seniorenverein", "Seniorentreff"),
        "fields": ("seniors", "health", "culture"),
        "formats": ("events", "counselling"),
        "ages": ("seniors",),
        "goal": "Begegnung und Gesundheitsinformation für ältere Zugewanderte",
    },
    "development": {
        "nouns": ("Verein für Entwicklungszusammenarbeit", "Partnerschaftsverein"),
        "fields": ("development_cooperation", "education", "culture"),
        "formats": ("events",),
        "ages": ("adults",),
        "goal": "Bildungsprojekte im Herkunftsland unterstützen und hier über Entwicklungsfragen informieren",
    },
}


@dataclass(frozen=True)
class OrgSpec:
    """A hand-written organisation of the demo store (the rest is drawn from the seed)."""

    name: str
    profile: str
    kind: str
    legal_form: str
    district: str
    fate: str
    alias: str | None = None
    religion: str | None = None
    networks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    size: str | None = None
    languages: tuple[str, ...] = ()
    reason: str | None = None


RA, INI, REL = "registered_association", "initiative", "religious_community"

DEMO_ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "Deutsch-Türkischer Elternverein Biebrich e.V.",
        "tr",
        "parents",
        RA,
        "biebrich",
        "cooperating",
        "Biebrich Türk Veli Derneği",
        networks=("foeted",),
        tags=("integration_prize",),
    ),
    OrgSpec(
        "Türkisch-Islamische Gemeinde Wiesbaden-Mitte e.V.",
        "tr",
        "mosque",
        RA,
        "mitte",
        "cooperating",
        "Wiesbaden Merkez Camii Derneği",
        religion="islam",
        networks=("ditib", "netzwerk-islamische-gemeinden"),
        tags=("youth_section",),
        size="large",
    ),
    OrgSpec(
        "Alevitische Kulturgemeinde Wiesbaden e.V.",
        "tr",
        "culture",
        RA,
        "dotzheim",
        "in_dialogue",
        "Wiesbaden Alevi Kültür Merkezi",
        religion="alevism",
        size="large",
    ),
    OrgSpec(
        "Kurdisches Kulturzentrum Mesopotamien e.V.",
        "ku",
        "culture",
        RA,
        "westend",
        "in_dialogue",
        "Navenda Çanda Kurdî ya Mezopotamya",
    ),
    OrgSpec(
        "Ezidisches Forum Rhein-Main e.V.",
        "ku",
        "culture",
        RA,
        "schierstein",
        "contacted",
        religion="yazidism",
    ),
    OrgSpec(
        "Marokkanischer Kultur- und Elternverein Al-Amal e.V.",
        "ma",
        "parents",
        RA,
        "westend",
        "cooperating",
        "جمعية الأمل المغربية",
        tags=("women_led",),
    ),
    OrgSpec(
        "Islamische Gemeinde Attauba Wiesbaden e.V.",
        "ma",
        "mosque",
        RA,
        "rheingauviertel",
        "in_dialogue",
        "مسجد التوبة",
        religion="islam",
        networks=("netzwerk-islamische-gemeinden",),
        size="large",
    ),
    OrgSpec(
        "Deutsch-Marokkanischer Frauenverein Tamazight e.V.",
        "ma",
        "women",
        RA,
        "biebrich",
        "contacted",
        tags=("women_led",),
        languages=("zgh", "ar", "de"),
    ),
    OrgSpec(
        "Polnische Katholische Mission Wiesbaden",
        "pl",
        "church",
        REL,
        "mitte",
        "cooperating",
        "Polska Misja Katolicka w Wiesbaden",
        religion="christianity_catholic",
        networks=("ak-katholische-gemeinden-anderer-muttersprache",),
        size="large",
    ),
    OrgSpec(
        "Polnischer Kulturverein Most e.V.",
        "pl",
        "culture",
        RA,
        "nordost",
        "in_dialogue",
        "Polskie Stowarzyszenie Kulturalne Most",
    ),
    OrgSpec(
        "Russischsprachiger Elternverein Raduga e.V.",
        "ru",
        "parents",
        RA,
        "klarenthal",
        "cooperating",
        "Родительское общество «Радуга»",
        networks=("bvre",),
        tags=("women_led",),
    ),
    OrgSpec(
        "Deutsch-Russisches Kulturzentrum Samowar e.V.",
        "ru",
        "culture",
        RA,
        "mainz-kastel",
        "contacted",
        "Культурный центр «Самовар»",
    ),
    OrgSpec(
        "Seniorenclub Wolga e.V.",
        "ru",
        "seniors",
        RA,
        "dotzheim",
        "inactive",
        "Клуб пенсионеров «Волга»",
        size="small",
    ),
    OrgSpec(
        "Italienischer Elternverein Insieme e.V.",
        "it",
        "parents",
        RA,
        "suedost",
        "cooperating",
        "Associazione Genitori Italiani Insieme",
    ),
    OrgSpec(
        "Italienische Katholische Gemeinde Wiesbaden",
        "it",
        "church",
        REL,
        "mitte",
        "in_dialogue",
        "Missione Cattolica Italiana di Wiesbaden",
        religion="christianity_catholic",
        networks=("ak-katholische-gemeinden-anderer-muttersprache",),
    ),
    OrgSpec(
        "Circolo Culturale Sardo Wiesbaden e.V.",
        "it",
        "culture",
        RA,
        "erbenheim",
        "dissolved",
        size="small",
    ),
    OrgSpec(
        "Syrischer Kultur- und Bildungsverein Jasmin e.V.",
        "sy",
        "education",
        RA,
        "nordost",
        "cooperating",
        "جمعية الياسمين الثقافية السورية",
        tags=("new_arrivals", "house_of_resources"),
    ),
    OrgSpec(
        "Syrisch-Deutscher Akademikerverein Rhein-Main e.V.",
        "sy",
        "academic",
        RA,
        "sonnenberg",
        "in_dialogue",
        "الجمعية السورية الألمانية للأكاديميين",
    ),
    OrgSpec(
        "Initiative Neue Nachbarn Klarenthal",
        "multi",
        "refugee",
        INI,
        "klarenthal",
        "cooperating",
        tags=("new_arrivals", "multinational"),
        size="small",
        languages=("de", "ar", "fa", "ti"),
    ),
    OrgSpec(
        "Afghanischer Kulturverein Bamyan e.V.",
        "af",
        "culture",
        RA,
        "biebrich",
        "in_dialogue",
        "انجمن فرهنگی بامیان",
        tags=("new_arrivals",),
    ),
    OrgSpec(
        "Afghanische Frauengruppe Nour",
        "af",
        "women",
        INI,
        "mainz-kostheim",
        "contacted",
        tags=("women_led", "new_arrivals"),
        size="small",
    ),
    OrgSpec("Eritreische Gemeinschaft Wiesbaden e.V.", "er", "social", RA, "mitte", "contacted"),
    OrgSpec(
        "Eritreisch-Orthodoxe Tewahedo-Gemeinde Medhane Alem",
        "er",
        "church",
        REL,
        "bierstadt",
        "known",
        religion="christianity_orthodox",
        tags=("amt12_survey",),
    ),
    OrgSpec(
        "Griechische Gemeinde Wiesbaden e.V.",
        "gr",
        "culture",
        RA,
        "westend",
        "cooperating",
        "Ελληνική Κοινότητα Βισμπάντεν",
        size="large",
    ),
    OrgSpec(
        "Griechisch-Orthodoxe Gemeinde Agios Dimitrios",
        "gr",
        "church",
        REL,
        "biebrich",
        "in_dialogue",
        "Ελληνορθόδοξη Κοινότητα Αγίου Δημητρίου",
        religion="christianity_orthodox",
        networks=("ack-wiesbaden",),
    ),
    OrgSpec(
        "Griechischer Elternverein Sokrates e.V.",
        "gr",
        "parents",
        RA,
        "dotzheim",
        "inactive",
        size="small",
    ),
    OrgSpec(
        "Kroatische Katholische Gemeinde Wiesbaden",
        "hr",
        "church",
        REL,
        "mitte",
        "in_dialogue",
        "Hrvatska katolička misija Wiesbaden",
        religion="christianity_catholic",
        networks=("ak-katholische-gemeinden-anderer-muttersprache", "ack-wiesbaden"),
    ),
    OrgSpec(
        "Kroatischer Kultur- und Folkloreverein Zagorje e.V.",
        "hr",
        "culture",
        RA,
        "schierstein",
        "cooperating",
        "Hrvatsko kulturno društvo Zagorje",
        tags=("youth_section",),
    ),
    OrgSpec(
        "Iranischer Kulturverein Pars e.V.",
        "ir",
        "culture",
        RA,
        "sonnenberg",
        "contacted",
        "انجمن فرهنگی پارس",
    ),
    OrgSpec(
        "Persischsprachiger Frauentreff Simorgh",
        "ir",
        "women",
        INI,
        "nordost",
        "in_dialogue",
        "گروه زنان سیمرغ",
        tags=("women_led",),
        size="small",
    ),
    OrgSpec("Ghanaische Union Rhein-Main e.V.", "gh", "social", RA, "mainz-kastel", "contacted"),
    OrgSpec(
        "Afrikanische Pfingstgemeinde Lighthouse",
        "gh",
        "church",
        REL,
        "erbenheim",
        "known",
        religion="christianity_protestant",
        networks=("amin",),
        tags=("amt12_survey",),
    ),
    OrgSpec(
        "Deutsch-Afrikanischer Verein Sankofa e.V.",
        "af_multi",
        "development",
        RA,
        "westend",
        "cooperating",
        tags=("multinational",),
        networks=("bagiv",),
    ),
    OrgSpec(
        "Vietnamesischer Kultur- und Sozialverein Hoa Sen e.V.",
        "vn",
        "social",
        RA,
        "biebrich",
        "in_dialogue",
        "Hội Văn hóa Xã hội Việt Nam Hoa Sen",
    ),
    OrgSpec(
        "Vietnamesische Buddhistische Gemeinschaft Tâm An",
        "vn",
        "church",
        REL,
        "nordenstadt",
        "contacted",
        "Chùa Tâm An",
        religion="buddhism",
    ),
    OrgSpec(
        "Ukrainische Initiative Wiesbaden hilft",
        "ua",
        "refugee",
        INI,
        "mitte",
        "cooperating",
        "Українська ініціатива «Вісбаден допомагає»",
        tags=("ukraine_help", "founded_recently", "new_arrivals"),
    ),
    OrgSpec(
        "Ukrainischer Sonntagsschulverein Dzherelo e.V.",
        "ua",
        "education",
        RA,
        "bierstadt",
        "in_dialogue",
        "Недільна школа «Джерело»",
        tags=("ukraine_help", "founded_recently"),
    ),
    OrgSpec(
        "Bosnischer Kulturverein Sevdah e.V.",
        "ba",
        "culture",
        RA,
        "biebrich",
        "in_dialogue",
        "Bosanskohercegovačko kulturno društvo Sevdah",
    ),
    OrgSpec(
        "Bosniakische Islamische Gemeinde Wiesbaden e.V.",
        "ba",
        "mosque",
        RA,
        "mainz-kostheim",
        "contacted",
        "Džemat Wiesbaden",
        religion="islam",
        networks=("netzwerk-islamische-gemeinden",),
    ),
    OrgSpec(
        "Albanischer Kulturverein Iliria e.V.",
        "al",
        "culture",
        RA,
        "dotzheim",
        "known",
        "Shoqata Kulturore Iliria",
        tags=("amt12_survey",),
    ),
    OrgSpec(
        "Tamilischer Kultur- und Schulverein Wiesbaden e.V.",
        "lk",
        "education",
        RA,
        "schierstein",
        "contacted",
        "விஸ்பாடன் தமிழ்ப் பள்ளி",
        religion="hinduism",
    ),
    OrgSpec(
        "Spanischer Elternverein Wiesbaden e.V.",
        "es",
        "parents",
        RA,
        "rheingauviertel",
        "inactive",
        "Asociación de Padres Españoles",
        size="small",
    ),
    OrgSpec(
        "Lateinamerikanischer Kulturverein Encuentro e.V.",
        "es",
        "culture",
        RA,
        "westend",
        "in_dialogue",
        "Asociación Cultural Latinoamericana Encuentro",
        tags=("women_led", "multinational"),
        languages=("es", "pt", "de"),
    ),
    OrgSpec(
        "Portugiesischer Sport- und Kulturverein Lusitânia e.V.",
        "pt",
        "sport",
        RA,
        "mainz-kastel",
        "contacted",
        tags=("sports_section",),
    ),
    OrgSpec(
        "Türkischer Sportverein Gençlik Spor Wiesbaden e.V.",
        "tr",
        "sport",
        RA,
        "biebrich",
        "in_dialogue",
        tags=("sports_section", "youth_section"),
        size="large",
    ),
    OrgSpec(
        "Deutsch-Türkischer Frauentreff Şefkat e.V.",
        "tr",
        "women",
        RA,
        "westend",
        "cooperating",
        "Şefkat Kadın Buluşması",
        tags=("women_led",),
    ),
    OrgSpec(
        "Jugendinitiative Yıldız Klarenthal",
        "tr",
        "youth",
        INI,
        "klarenthal",
        "contacted",
        "Yıldız Gençlik Girişimi",
        size="small",
    ),
    OrgSpec(
        "Türkischer Akademikerverein Rhein-Main e.V.",
        "tr",
        "academic",
        RA,
        "sonnenberg",
        "in_dialogue",
        "Ren-Main Türk Akademisyenler Derneği",
    ),
    OrgSpec(
        "Marokkanisch-Deutscher Bildungsverein Ibn Battuta e.V.",
        "ma",
        "education",
        RA,
        "mitte",
        "in_dialogue",
        "جمعية ابن بطوطة للتعليم",
    ),
    OrgSpec(
        "Somalischer Gemeinschaftsverein Wadajir e.V.",
        "so",
        "social",
        RA,
        "aukamm",
        "contacted",
        "Ururka Bulshada Soomaaliyeed Wadajir",
        religion="islam",
    ),
    OrgSpec(
        "Armenische Gemeinde Wiesbaden e.V.",
        "am",
        "culture",
        RA,
        "igstadt",
        "known",
        "Վիսբադենի հայկական համայնք",
        religion="christianity_orthodox",
        tags=("amt12_survey",),
    ),
    OrgSpec(
        "Rumänischer Kulturverein Dor e.V.",
        "ro",
        "culture",
        RA,
        "nordost",
        "contacted",
        "Asociația Culturală Românească Dor",
    ),
    OrgSpec(
        "Bulgarischer Schulverein Kyrill und Method e.V.",
        "bg",
        "education",
        RA,
        "suedost",
        "in_dialogue",
        "Българско училище «Св. св. Кирил и Методий»",
    ),
    OrgSpec(
        "Sikh-Gemeinde Gurdwara Rhein-Main",
        "in",
        "church",
        REL,
        "mainz-amoeneburg",
        "known",
        religion="sikhism",
        tags=("amt12_survey",),
    ),
    OrgSpec(
        "Internationaler Frauentreff Biebrich",
        "multi",
        "women",
        INI,
        "biebrich",
        "cooperating",
        tags=("women_led", "multinational"),
        languages=("de", "tr", "ar", "ru", "fa"),
    ),
    OrgSpec(
        "Interkultureller Seniorentreff Südost e.V.",
        "multi",
        "seniors",
        RA,
        "suedost",
        "in_dialogue",
        tags=("multinational",),
        languages=("de", "tr", "it", "el"),
    ),
    OrgSpec(
        "Elternnetzwerk Vielfalt Wiesbaden e.V.",
        "multi",
        "parents",
        RA,
        "mitte",
        "cooperating",
        tags=("multinational",),
        networks=("bagiv", "ndo"),
        languages=("de", "tr", "ar", "pl", "ru"),
    ),
    OrgSpec(
        "Verein Neue Morgenröte e.V.",
        "multi",
        "culture",
        RA,
        "naurod",
        "declined",
        size="small",
        languages=("de",),
        reason=(
            "§2.4: Der Verein verbreitet in Veröffentlichungen und bei Veranstaltungen "
            "nationalistische und antidemokratische Positionen (gemeinsame Prüfung mit der "
            "Integrationsabteilung). Keine Kooperation; der Eintrag bleibt zur Dokumentation."
        ),
    ),
    OrgSpec(
        "Chinesischer Kulturverein Longmen e.V.",
        "cn",
        "culture",
        RA,
        "nordenstadt",
        "contacted",
        "龙门中华文化协会",
        languages=("zh", "de"),
    ),
    OrgSpec(
        "Irakisch-Kurdischer Elternverein Newroz e.V.",
        "ku",
        "parents",
        RA,
        "frauenstein",
        "in_dialogue",
        "Komeleya Dêûbavan Newroz",
        languages=("ckb", "ar", "de"),
    ),
    OrgSpec(
        "Eritreischer Frauenverein Selam e.V.",
        "er",
        "women",
        RA,
        "breckenheim",
        "contacted",
        tags=("women_led",),
        size="small",
    ),
    OrgSpec(
        "Ghanaische Frauen- und Familieninitiative Akwaaba",
        "gh",
        "women",
        INI,
        "kloppenheim",
        "known",
        tags=("women_led", "amt12_survey"),
        size="small",
    ),
)

DISTRICT_POSTAL: dict[str, str] = {
    "aukamm": "65191", "biebrich": "65203", "bierstadt": "65191", "breckenheim": "65207",
    "delkenheim": "65205", "dotzheim": "65199", "erbenheim": "65205", "frauenstein": "65199",
    "hessloch": "65207", "igstadt": "65207", "klarenthal": "65197", "kloppenheim": "65207",
    "mainz-amoeneburg": "65203", "mainz-kastel": "55252", "mainz-kostheim": "55246",
    "medenbach": "65207", "mitte": "65183", "naurod": "65207", "nordenstadt": "65205",
    "nordost": "65193", "rambach": "65207", "rheingauviertel": "65197", "schierstein": "65201",
    "sonnenberg": "65193", "suedost": "65189", "westend": "65195",
}  # fmt: skip

STREETS = (
    "Lindenweg", "Am Mühlbach", "Kastanienallee", "Brunnenstraße", "Gartenstraße", "Schulstraße",
    "Am Rosenhang", "Talstraße", "Feldbergstraße", "Weinbergweg", "Hafenstraße", "Ahornweg",
    "Bergstraße", "Rheinblick", "Am Wiesengrund", "Eichendorffweg", "Birkenweg", "Marktgasse",
)  # fmt: skip

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tr": (("Ayşe", "Mehmet", "Elif", "Murat", "Fatma", "Emre", "Zeynep", "Yusuf", "Hatice", "Ömer", "Gülşen", "Barış"), ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Doğan", "Karagöz", "Arslan")),
    "ku": (("Rojda", "Azad", "Berfin", "Serhat", "Dilan", "Şivan", "Nazê", "Hevî"), ("Amed", "Botan", "Xelîl", "Zana", "Baran", "Doski")),
    "ma": (("Fatima", "Karim", "Nadia", "Youssef", "Samira", "Hassan", "Leila", "Rachid", "Amina"), ("El Amrani", "Benali", "Bouzid", "Chakir", "El Idrissi", "Haddouchi")),
    "pl": (("Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Joanna"), ("Kowalska", "Nowak", "Wiśniewski", "Zielińska", "Wójcik", "Lewandowski")),
    "ru": (("Olga", "Dmitri", "Natalia", "Sergei", "Irina", "Jelena", "Alexander"), ("Iwanowa", "Petrow", "Smirnowa", "Kusnezow", "Popowa", "Wolkow")),
    "it": (("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Giuseppe"), ("Rossi", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci")),
    "sy": (("Rania", "Bashar", "Yara", "Mahmoud", "Lina", "Omar", "Hiba"), ("Al-Khatib", "Darwish", "Haddad", "Mansour", "Sabbagh", "Kurdi")),
    "af": (("Zahra", "Ahmad", "Mariam", "Farid", "Parwin", "Nasrin", "Jawad"), ("Haidari", "Rahimi", "Ahmadzai", "Noori", "Sultani", "Karimi")),
    "er": (("Senait", "Yonas", "Helen", "Tesfay", "Selam", "Mulu"), ("Tesfaye", "Ghebremedhin", "Haile", "Kidane", "Berhane")),
    "gr": (("Eleni", "Giorgos", "Dimitra", "Nikos", "Sofia", "Kostas"), ("Papadopoulou", "Nikolaidis", "Georgiou", "Konstantinou", "Pappas")),
    "hr": (("Ivana", "Marko", "Ana", "Josip", "Marija", "Tomislav"), ("Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak")),
    "ba": (("Emina", "Adnan", "Amra", "Senad", "Lejla", "Mirza"), ("Hodžić", "Begić", "Hadžić", "Delić", "Mehmedović")),
    "ir": (("Shirin", "Reza", "Maryam", "Dariush", "Niloofar", "Arash"), ("Tehrani", "Moradi", "Hosseini", "Rahmani", "Jafari")),
    "gh": (("Kwame", "Abena", "Kofi", "Ama", "Yaw", "Akosua"), ("Mensah", "Owusu", "Boateng", "Asante", "Adjei")),
    "af_multi": (("Aminata", "Jean-Paul", "Grace", "Moussa", "Fatou", "Emmanuel"), ("Diallo", "Ndiaye", "Okafor", "Traoré", "Mbeki", "Kamara")),
    "vn": (("Thu", "Minh", "Lan", "Huong", "Tuan", "Linh"), ("Nguyễn", "Trần", "Phạm", "Lê", "Hoàng", "Vũ")),
    "ua": (("Oksana", "Taras", "Iryna", "Andrij", "Olena", "Bohdan"), ("Schewtschenko", "Bondarenko", "Kowalenko", "Tkatschenko", "Melnyk")),
    "es": (("Lucía", "Carlos", "Sofía", "Javier", "Valentina", "Diego"), ("García", "Fernández", "López", "Martínez", "Rodríguez", "Sánchez")),
    "pt": (("João", "Ana", "Rui", "Inês", "Pedro", "Catarina"), ("Silva", "Santos", "Ferreira", "Costa", "Oliveira")),
    "so": (("Hodan", "Abdi", "Faadumo", "Mohamed", "Ayaan"), ("Warsame", "Farah", "Hassan", "Abdullahi", "Jama")),
    "al": (("Arta", "Besnik", "Drita", "Arben", "Liridona"), ("Krasniqi", "Shala", "Berisha", "Gashi", "Hoxha")),
    "lk": (("Tharani", "Suresh", "Priya", "Kannan", "Vani"), ("Sivakumar", "Rajendran", "Thevarajah", "Nadarajah")),
    "am": (("Anahit", "Aram", "Lilit", "Tigran", "Mariam"), ("Petrosyan", "Harutyunyan", "Sargsyan", "Grigoryan")),
    "ro": (("Ioana", "Andrei", "Elena", "Mihai", "Cristina"), ("Ionescu", "Popescu", "Dumitru", "Stan", "Munteanu")),
    "bg": (("Desislava", "Georgi", "Maria", "Ivan", "Petya"), ("Petrova", "Dimitrov", "Georgieva", "Todorov", "Ivanova")),
    "in": (("Harpreet", "Gurpreet", "Simran", "Manjit", "Jaspreet"), ("Singh", "Kaur", "Gill", "Sandhu", "Dhillon")),
    "cn": (("Li", "Wei", "Mei", "Jun", "Xiaoling"), ("Wang", "Zhang", "Liu", "Chen", "Yang")),
}  # fmt: skip
MIXED_NAMES = (
    tuple(first for firsts, _ in NAMES.values() for first in firsts),
    tuple(last for _, lasts in NAMES.values() for last in lasts),
)


ROLES = ("chair", "deputy_chair", "treasurer", "secretary", "youth_worker", "project_lead", "imam", "priest", "coordination")  # fmt: skip
"""Keys of vocabularies.roles: Vorsitz, stellv. Vorsitz, Kassenwart/in, Schriftführung,
Jugendwart/in, Projektleitung, Imam, Pfarrer/in, Koordination."""
COORDINATORS = ("Koordinierungsstelle",) * 8 + (
    "Integrationsabteilung",
    "Geschäftsstelle Ausländerbeirat",
)

CHANNEL_WEIGHTS = {
    "visit": 24,
    "phone": 24,
    "email": 26,
    "meeting": 12,
    "video": 6,
    "event": 7,
    "letter": 1,
}
CHANNEL_OPENERS = {
    "visit": ("Besuch im Vereinsraum", "Aufsuchender Besuch beim Vereinstreffen", "Besuch vor Ort nach dem Freitagsgebet", "Besuch beim Vorstandstreffen", "Besuch beim Sommerfest des Vereins"),
    "phone": ("Telefonat mit dem Vorstand", "Rückruf auf Anfrage des Vereins", "Telefonische Nachfrage", "Kurzes Telefonat"),
    "email": ("E-Mail-Anfrage des Vereins", "E-Mail an den Vorstand", "Schriftliche Nachfrage per E-Mail", "E-Mail-Austausch"),
    "meeting": ("Termin im Amt", "Beratungstermin in der Koordinierungsstelle", "Gespräch im Amt für Zuwanderung und Integration"),
    "video": ("Videokonferenz mit dem Vorstand", "Online-Termin"),
    "event": ("Gespräch am Rande einer Veranstaltung", "Austausch beim Netzwerktreffen", "Gespräch nach der Qualifizierung"),
    "letter": ("Schreiben an den Verein", "Brief mit Einladung und Informationsmaterial"),
}  # fmt: skip
TOPIC_PHRASES = {
    "funding": ("Fördermöglichkeiten durch den Ausländerbeirat erläutert", "Antragsentwurf für „Integration durch Kultur“ gemeinsam durchgesehen", "Hinweise zum WIR-Programm und zur Professionalisierung gegeben", "Fragen zum Verwendungsnachweis geklärt", "Finanzierungsplan für ein Stadtteilprojekt besprochen"),
    "rooms": ("Suche nach Räumen für regelmäßige Treffen besprochen", "Raumbedarf für eine größere Veranstaltung aufgenommen", "Mögliche Raumnutzung bei einem anderen Verein vermittelt", "Nutzung städtischer Räume und Bürgerhäuser erklärt"),
    "training": ("Interesse an der Qualifizierungsreihe abgefragt", "Anmeldung zur Schulung zum Vereinsrecht bestätigt", "Wünsche für neue Schulungsthemen gesammelt"),
    "events": ("Planung eines gemeinsamen Festes besprochen", "Teilnahme am Internationalen Sommerfest vorbereitet", "Einladung zum Austauschtreffen überbracht", "Termin für eine Informationsveranstaltung abgestimmt"),
    "networking": ("Kontakt zu einem Verein mit ähnlichen Zielen hergestellt", "Vorstellung der bestehenden Netzwerke in der Stadt", "Beteiligung am Netzwerktreffen angeregt"),
    "education": ("Hausaufgabenhilfe und Kooperation mit Schulen im Stadtteil besprochen", "Fragen zum herkunftssprachlichen Unterricht geklärt", "Elternabend zum hessischen Schulsystem geplant"),
    "organisational_development": ("Vorstandsarbeit und Aufgabenverteilung besprochen", "Satzungsänderung und Mitgliederversammlung vorbereitet", "Nachwuchs für den Vorstand als Thema aufgenommen"),
    "association_law": ("Fragen zur Eintragung ins Vereinsregister beantwortet", "Gemeinnützigkeit und Freistellungsbescheid erläutert", "Hinweise zur Haftung des Vorstands gegeben"),
    "volunteering": ("Gewinnung neuer Ehrenamtlicher besprochen", "Ehrenamtskarte und Versicherungsschutz erklärt", "Kontakt zum Freiwilligen-Zentrum angeboten"),
    "cooperation": ("Mögliche Kooperation mit einer Schule besprochen", "Kooperationsvereinbarung abgestimmt", "Stand der gemeinsamen Projektplanung besprochen"),
    "arrival_help": ("Angebote für Neuzugewanderte im Stadtteil abgestimmt", "Informationsmaterial in mehreren Sprachen übergeben", "Begleitung zu Behördenterminen organisiert"),
    "labour_market": ("Anerkennung ausländischer Abschlüsse als Thema aufgenommen", "Informationen zu Beratungsangeboten für Arbeitssuchende weitergegeben", "Berufsorientierung für Jugendliche besprochen"),
    "acquisition": ("Erstes Kennenlernen, Aufgaben der Koordinierungsstelle vorgestellt", "Verein erstmals besucht, Angebote der Stadt vorgestellt", "Erstkontakt, Interesse an Austausch und Qualifizierung geweckt"),
    "other": ("Allgemeine Fragen zur Stadtverwaltung beantwortet", "Rückmeldung zu einer Pressemitteilung gegeben", "Anfrage zur Teilnahme an einer Umfrage besprochen"),
}  # fmt: skip
FOLLOW_UP_ACTIONS = {
    "funding": "Unterlagen zum Förderprogramm schicken",
    "rooms": "Raumangebote zusammenstellen",
    "training": "Einladung zur nächsten Schulung senden",
    "events": "Termin abstimmen und Einladung versenden",
    "networking": "Kontaktdaten weitergeben (mit Einverständnis)",
    "education": "Ansprechpartner beim Schulamt erfragen",
    "organisational_development": "Mustersatzung schicken",
    "association_law": "Merkblatt zum Vereinsrecht senden",
    "volunteering": "Informationen des Freiwilligen-Zentrums weiterleiten",
    "cooperation": "Entwurf der Vereinbarung kommentieren",
    "arrival_help": "Mehrsprachige Broschüren nachliefern",
    "labour_market": "Termin bei der Anerkennungsberatung vermitteln",
    "acquisition": "Nachfassen: Termin für einen Besuch vereinbaren",
    "other": "Rückmeldung geben",
}
REFERRAL_TARGETS = {
    "funding": ("geschaeftsstelle-auslaenderbeirat", "integrationsabteilung", "kulturamt", "kompetenzzentrum-vielfalt-hessen", "house-of-resources-wiesbaden"),
    "rooms": ("gruenflaechenamt", "kulturamt", "sportamt"),
    "training": ("volkshochschule-wiesbaden", "buergerkolleg", "interkulturelles-bildungswerk"),
    "events": ("gruenflaechenamt", "kulturamt"),
    "education": ("bildungskoordination-neuzugewanderte", "volkshochschule-wiesbaden", "jugendamt"),
    "organisational_development": ("kompetenzzentrum-vielfalt-hessen", "buergerkolleg", "house-of-resources-wiesbaden"),
    "association_law": ("buergerkolleg", "kompetenzzentrum-vielfalt-hessen"),
    "volunteering": ("freiwilligen-zentrum",),
    "arrival_help": ("integrationsabteilung", "volkshochschule-wiesbaden"),
    "labour_market": ("jobcenter", "interkulturelles-bildungswerk"),
    "other": ("amt-fuer-statistik-und-stadtforschung", "jugendamt"),
}  # fmt: skip
REFERRAL_REASONS = {
    "gruenflaechenamt": "Genehmigung für ein Fest im Park",
    "kulturamt": "Beratung zur Kulturförderung und zu Veranstaltungsorten",
    "sportamt": "Hallenzeiten für die Sportgruppe",
    "geschaeftsstelle-auslaenderbeirat": "Antrag auf Förderung durch den Ausländerbeirat",
    "integrationsabteilung": "Förderung nach den städtischen Fördermittelrichtlinien",
    "kompetenzzentrum-vielfalt-hessen": "Beratung zum WIR-Programm und zur Professionalisierung",
    "house-of-resources-wiesbaden": "Mikroförderung und Verleih von Technik",
    "volkshochschule-wiesbaden": "Kursangebote für Mitglieder",
    "buergerkolleg": "Schulung für Vorstandsmitglieder",
    "interkulturelles-bildungswerk": "Qualifizierungsangebot",
    "bildungskoordination-neuzugewanderte": "Bildungsberatung für neu zugewanderte Familien",
    "jugendamt": "Jugendförderung und Ferienangebote",
    "freiwilligen-zentrum": "Gewinnung und Qualifizierung von Ehrenamtlichen",
    "jobcenter": "Beratung zum Arbeitsmarktzugang",
    "amt-fuer-statistik-und-stadtforschung": "Teilnahme an der Erhebung der Migrantenorganisationen",
}
# Relative contact activity by month: fewer in the summer holidays and at Christmas.
MONTH_WEIGHTS = (0.8, 1.0, 1.2, 1.1, 1.15, 1.0, 0.55, 0.45, 1.2, 1.25, 1.15, 0.6)
DEMO_CONTACTS_PER_YEAR = {2021: 180, 2022: 260, 2023: 320, 2024: 300}


# --------------------------------------------------------------------------- helpers


class Ids:
    """Random-looking but deterministic id suffixes, never repeated."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def make(self, prefix: str, length: int) -> str:
        while True:
            candidate = prefix + "".join(self.rng.choice(ID_ALPHABET) for _ in range(length))
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate


def weekdays(year: int, month: int, last_day: int | None = None) -> list[dt.date]:
    days = calendar.monthrange(year, month)[1]
    return [
        dt.date(year, month, d)
        for d in range(1, min(days, last_day or days) + 1)
        if dt.date(year, month, d).weekday() < 5
    ]


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def money(value: float | int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def phone(rng: random.Random) -> str:
    return (
        f"0611 555{rng.randrange(1000, 9999)}"
        if rng.random() < 0.6
        else f"+49 151 555{rng.randrange(10000, 99999)}"
    )


# --------------------------------------------------------------------------- static records


def institutions() -> list[Institution]:
    """City offices and partners of §3.1/§3.2 (fictional e-mail addresses)."""
    rows = (
        ("integrationsabteilung", "Amt für Zuwanderung und Integration – Integrationsabteilung", "city_office", "Integrationsabteilung", "mitte", "Koordinierungsstelle Migrantenorganisationen sitzt hier."),
        ("geschaeftsstelle-auslaenderbeirat", "Geschäftsstelle des Ausländerbeirats", "advisory_council", None, "mitte", "Verwaltet die institutionelle und die Projektförderung des Ausländerbeirats."),
        ("kulturamt", "Kulturamt", "city_office", None, "mitte", "Federführend beim Sonderetat „Integration durch Kultur“."),
        ("gruenflaechenamt", "Grünflächenamt", "city_office", None, "mitte", "Genehmigungen für Feste und Veranstaltungen in Parks."),
        ("sportamt", "Sportamt", "city_office", None, "mitte", None),
        ("jugendamt", "Amt für Soziale Arbeit – Jugendamt", "city_office", "Abteilung Jugendarbeit", "mitte", None),
        ("amt-fuer-statistik-und-stadtforschung", "Amt für Statistik und Stadtforschung (Amt 12)", "city_office", None, "mitte", "Partner der systematischen Erhebung der Migrantenorganisationen (§3.2)."),
        ("bildungskoordination-neuzugewanderte", "Bildungskoordination für Neuzugewanderte", "city_office", "Amt für Zuwanderung und Integration", "mitte", None),
        ("jobcenter", "Sozialleistungs- und Jobcenter", "city_office", None, "mitte", "Mitglied der Jury „Integration durch Kultur“."),
        ("volkshochschule-wiesbaden", "Volkshochschule Wiesbaden", "education_provider", None, "mitte", None),
        ("buergerkolleg", "Bürgerkolleg", "education_provider", None, "mitte", "Qualifizierung für bürgerschaftlich Engagierte."),
        ("interkulturelles-bildungswerk", "Interkulturelles Bildungswerk Rhein-Main (Beispielträger)", "education_provider", None, "westend", "Fiktiver Bildungsträger der Demodaten."),
        ("freiwilligen-zentrum", "Freiwilligen-Zentrum Wiesbaden", "volunteer_centre", None, "mitte", None),
        ("kompetenzzentrum-vielfalt-hessen", "Kompetenzzentrum Vielfalt Hessen", "state_body", "Landeskompetenzzentrum", None, "Berät zum WIR-Landesprogramm; Sitz in Frankfurt am Main."),
        ("hessisches-sozialministerium", "Hessisches Ministerium für Soziales und Integration", "state_body", None, None, "Fördergeber des Landesprogramms WIR."),
        ("house-of-resources-wiesbaden", "House of Resources Wiesbaden", "foundation", "Wiesbaden Stiftung", "mitte", "Gefördert durch das BAMF; Beratung, Mikroförderung, Technikverleih."),
        ("bamf", "Bundesamt für Migration und Flüchtlinge", "federal_body", None, None, None),
    )  # fmt: skip
    result: list[Institution] = []
    for key, name, kind, department, district, notes in rows:
        result.append(
            Institution.model_validate(
                {
                    "id": key,
                    "name": name,
                    "kind": kind,
                    "department": department,
                    "district": district,
                    "email": f"{key}@example.org",
                    "phone": f"0611 555{1000 + len(result) * 37}",
                    "notes": notes,
                }
            )
        )
    return result


def networks() -> list[Network]:
    """Networks of §2.3 and umbrella bodies."""
    rows = (
        ("netzwerk-islamische-gemeinden", "Netzwerk Islamische Gemeinden Wiesbaden", "network", "local", "quarterly", "integrationsabteilung", "Vertretungen der Moscheegemeinden, der Stadtverwaltung, des Ausländerbeirats und der muslimischen Gefängnisseelsorge; entsendet eine Vertretung in die Jury des Integrationspreises."),
        ("ack-wiesbaden", "Arbeitsgemeinschaft Christlicher Kirchen (ACK) Wiesbaden", "network", "local", "etwa dreimal im Jahr", None, "Mit der Integrationsabteilung entstand die AG Integration (zweimal im Jahr)."),
        ("ak-katholische-gemeinden-anderer-muttersprache", "Arbeitskreis der katholischen Gemeinden anderer Muttersprache", "network", "local", "twice_a_year", "bildungskoordination-neuzugewanderte", None),
        ("amin", "Arbeitskreis Migration und Integration (AMIN)", "network", "regional", "mehrmals im Jahr", None, "Kirchen, Freikirchen, Gemeinschaften, örtliche Allianzkreise und Missionswerke."),
        ("bvre", "Bundesverband russischsprachiger Eltern (BVRE)", "umbrella", "federal", None, None, None),
        ("foeted", "Föderation Türkischer Elternvereine in Deutschland (FÖTED)", "umbrella", "federal", None, None, None),
        ("damigra", "DaMigra – Dachverband der Migrantinnenorganisationen", "umbrella", "federal", None, None, None),
        ("ditib", "DITIB – Türkisch-Islamische Union der Anstalt für Religion", "umbrella", "federal", None, None, None),
        ("bagiv", "Bundesarbeitsgemeinschaft der Immigrantenverbände (BAGIV)", "umbrella", "federal", None, None, "Ausdrücklich multinationaler, nicht religiöser Dachverband."),
        ("ndo", "neue deutsche organisationen (ndo)", "network", "federal", "jährlicher Bundeskongress", None, "Postmigrantisches Netzwerk gegen Rassismus und für Vielfalt."),
    )  # fmt: skip
    return [
        Network.model_validate(
            {
                "id": key,
                "name": name,
                "kind": kind,
                "level": level,
                "meeting_rhythm": rhythm,
                "contact_institution": contact,
                "notes": notes,
            }
        )
        for key, name, kind, level, rhythm, contact, notes in rows
    ]


def programmes(years: Sequence[int]) -> list[Programme]:
    """Funding programmes of §2.2 with the limits the paper names."""

    def deadlines(month: int, day: int, note: str, line: str | None = None) -> list[dict[str, Any]]:
        return [
            {
                "date": dt.date(year, month, day),
                "note": f"{note} {year + (1 if month >= 9 else 0)}",
                "line": line,
            }
            for year in years
        ]

    rows: list[dict[str, Any]] = [
        {
            "id": "foerderrichtlinien-wiesbaden",
            "name": "Fördermittelrichtlinien der Landeshauptstadt Wiesbaden",
            "funder": "Landeshauptstadt Wiesbaden, Amt für Zuwanderung und Integration",
            "funder_institution": "integrationsabteilung",
            "lines": [{"id": "project", "name": "Projektförderung", "kind": "project", "notes": "Ziele der Integrationskonzepte: Bildung, Sprache, Arbeit, Gesundheit, Sport, Vielfalt."}],
            "deadlines": deadlines(9, 30, "Anträge für"),
            "notes": "Antragsberechtigt sind insbesondere Träger gemeinnütziger, karitativer, sozialer, kultureller und sportlicher Aufgaben.",
        },
        {
            "id": "integration-durch-kultur",
            "name": "Sonderetat „Integration durch Kultur“",
            "funder": "Landeshauptstadt Wiesbaden, Kulturamt (federführend)",
            "funder_institution": "kulturamt",
            "annual_budget": money(50000),
            "lines": [{"id": "project", "name": "Kulturelle Integrationsprojekte", "kind": "project"}],
            "deadlines": deadlines(3, 31, "Jurysitzung Frühjahr"),
            "notes": "Seit 2016; jährlich 50.000 € (2018: 25.000 €). Vergabe durch eine Jury aus Kulturamt, Amt für Zuwanderung und Integration und Sozialleistungs- und Jobcenter.",
        },
        {
            "id": "auslaenderbeirat-foerderung",
            "name": "Förderung durch den Ausländerbeirat",
            "funder": "Ausländerbeirat der Landeshauptstadt Wiesbaden",
            "funder_institution": "geschaeftsstelle-auslaenderbeirat",
            "lines": [
                {"id": "institutional", "name": "Institutionelle Förderung", "kind": "institutional", "max_amount": money(200), "per": "month", "max_amount_without_rooms": money(100), "eligible_legal_forms": [RA], "notes": "Höhe legt der Ausländerbeirat am Ende des Vorjahres fest."},
                {"id": "project", "name": "Projektförderung", "kind": "project", "max_amount": money(2500), "per": "project", "eligible_legal_forms": [RA]},
            ],
            "deadlines": deadlines(11, 30, "Institutionelle Förderung", "institutional") + deadlines(4, 30, "Projektförderung", "project"),
            "notes": "Für in Wiesbaden eingetragene Migrantenvereine; Grundlage: Beschluss Nr. 0384 der Stadtverordnetenversammlung vom 17.11.2016.",
        },
        {
            "id": "wir-programm",
            "name": "Landesprogramm WIR",
            "funder": "Hessisches Ministerium für Soziales und Integration",
            "funder_institution": "hessisches-sozialministerium",
            "lines": [
                {"id": "project", "name": "Modellprojekte und innovative Integrationsprojekte", "kind": "project"},
                {"id": "professionalisation", "name": "Professionalisierung von Migrantenvereinen mit Mikroprojekt", "kind": "micro_project"},
                {"id": "staff", "name": "450-€-Kraft zur Professionalisierung", "kind": "staff", "max_amount": money(450), "per": "month"},
            ],
            "deadlines": deadlines(10, 31, "Anträge für"),
            "notes": "Beratung bei der Antragstellung durch das Kompetenzzentrum Vielfalt.",
        },
        {
            "id": "house-of-resources",
            "name": "House of Resources Wiesbaden",
            "funder": "Bundesamt für Migration und Flüchtlinge, Träger: Wiesbaden Stiftung",
            "funder_institution": "house-of-resources-wiesbaden",
            "lines": [{"id": "micro", "name": "Mikroförderung und Sachmittel", "kind": "project"}],
            "deadlines": [d for d in deadlines(5, 15, "Förderrunde") if d["date"].year >= 2022],
            "notes": "Beratung, Qualifizierung, Verleih von Technik und Mikroförderung; im Aufbau seit 2022.",
        },
    ]  # fmt: skip
    return [Programme.model_validate(row) for row in rows]


# --------------------------------------------------------------------------- organisations


@dataclass
class OrgPlan:
    """An organisation while the store is generated; the record is built at the end."""

    id: str
    spec: OrgSpec
    known_since: dt.date
    weight: float
    end: dt.date | None = None
    """When it left the pipeline (declined, dissolved, inactive); no contacts after."""
    contacts: list[dt.date] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    person_start: list[dt.date] = field(default_factory=list)
    cooperation_since: dt.date | None = None
    rooms_own: bool = False
    rooms_offered: bool = False


FATE_WEIGHTS = {"cooperating": 3.0, "in_dialogue": 1.8, "contacted": 0.7, "inactive": 0.6, "dissolved": 0.5, "declined": 0.5, "known": 0.0}  # fmt: skip


def synthetic_specs(rng: random.Random, count: int, districts: Sequence[str]) -> list[OrgSpec]:
    """Organisations beyond the hand-written ones, for stores of any size."""
    fates = {
        "cooperating": 18,
        "in_dialogue": 26,
        "contacted": 30,
        "known": 14,
        "inactive": 7,
        "dissolved": 4,
        "declined": 1,
    }
    specs = []
    profile_keys = list(PROFILES)
    kind_keys = list(KINDS)
    for _ in range(count):
        profile = rng.choice(profile_keys)
        kind = rng.choice(kind_keys)
        adjective = rng.choice(PROFILES[profile].adjectives)
        noun = rng.choice(KINDS[kind]["nouns"])
        district = rng.choice(districts)
        legal = RA if rng.random() < 0.75 else (REL if kind in ("mosque", "church") else INI)
        words = [
            adjective,
            noun,
            rng.choice(
                ("", "", "Rhein-Main", "Neue Wege", "Brücke", "Zukunft", "Heimat", "Miteinander")
            ),
        ]
        name = " ".join(word for word in words if word) + f" {district.replace('-', ' ').title()}"
        fate = weighted(rng, {k: float(v) for k, v in fates.items()})
        reason = (
            "§2.4: nationalistische Positionen; keine Kooperation." if fate == "declined" else None
        )
        specs.append(
            OrgSpec(
                name + (" e.V." if legal == RA else ""),
                profile,
                kind,
                legal,
                district,
                fate,
                reason=reason,
            )
        )
    return specs  # fmt: skip


def plan_organisations(
    rng: random.Random, specs: Sequence[OrgSpec], years: Sequence[int]
) -> list[OrgPlan]:
    taken: set[str] = set()
    plans = []
    first, last = years[0], years[-1]
    for spec in specs:
        key = unique(org_id(spec.name), taken)
        taken.add(key)
        # Two in five were known to the integration department before the office opened.
        if spec.fate == "known":
            known = random_date(rng, dt.date(max(first, last - 1), 1, 10), dt.date(last, 11, 30))
        elif (
            rng.random() < (0.7 if spec.fate == "cooperating" else 0.35)
            or spec.fate in ("inactive", "dissolved")
            or "integration_prize" in spec.tags
        ):
            known = random_date(rng, dt.date(first - 2, 1, 1), dt.date(first - 1, 12, 15))
        else:
            # More organisations become known in the office's first years.
            span = (dt.date(last, 9, 30) - dt.date(first, 1, 15)).days
            known = dt.date(first, 1, 15) + dt.timedelta(days=int(rng.triangular(0, span, 0)))
        if "ukraine_help" in spec.tags:
            known = max(known, dt.date(2022, 3, 15))
        plan = OrgPlan(key, spec, known, FATE_WEIGHTS[spec.fate] * rng.uniform(0.6, 1.4))
        if spec.fate in ("inactive", "dissolved", "declined"):
            start = max(known, dt.date(first, 1, 1)) + dt.timedelta(days=120)
            plan.end = random_date(rng, start, max(start, dt.date(last, 6, 30)))
        roll = rng.random()
        plan.rooms_own = spec.kind in ("mosque", "church") or roll < 0.3
        plan.rooms_offered = (
            plan.rooms_own
            and (spec.kind in ("mosque", "church") or roll < 0.2)
            and rng.random() < 0.6
        )
        plans.append(plan)
    return plans


# --------------------------------------------------------------------------- contacts


class OrgPicker:
    """Picks an organisation active at a date, weighted by its activity, in O(log n)."""

    def __init__(self, plans: Sequence[OrgPlan]) -> None:
        self.plans = sorted((p for p in plans if p.weight > 0), key=lambda p: p.known_since)
        self.starts = [p.known_since for p in self.plans]
        self.cumulative: list[float] = []
        total = 0.0
        for plan in self.plans:
            total += plan.weight
            self.cumulative.append(total)

    def pick(self, rng: random.Random, day: dt.date, exclude: str | None = None) -> OrgPlan | None:
        count = bisect.bisect_right(self.starts, day)
        if count == 0:
            return None
        limit = self.cumulative[count - 1]
        for _ in range(30):
            index = min(bisect.bisect_left(self.cumulative, rng.random() * limit), count - 1)
            plan = self.plans[index]
            if (plan.end is None or day < plan.end) and plan.id != exclude:
                return plan
        return None


def contact_days(rng: random.Random, year: int, count: int) -> list[dt.date]:
    """Contact dates of one year with a realistic rhythm, sorted."""
    by_month = [weekdays(year, month, 20 if month == 12 else None) for month in range(1, 13)]
    months = rng.choices(range(12), weights=MONTH_WEIGHTS, k=count)
    return sorted(rng.choice(by_month[m]) for m in months)


def _summary(rng: random.Random, channel: str, topics: Sequence[str]) -> str:
    opener = rng.choice(CHANNEL_OPENERS[channel])
    phrases = [rng.choice(TOPIC_PHRASES[t]) for t in topics[:2]]
    return f"{opener}: {'; '.join(phrases)}."


@dataclass
class ContactDraft:
    date: dt.date
    orgs: list[OrgPlan]
    topics: list[str]
    first: bool


def plan_contacts(
    rng: random.Random, plans: Sequence[OrgPlan], per_year: dict[int, int]
) -> list[ContactDraft]:
    picker = OrgPicker(plans)
    seen: set[str] = set()
    drafts = []
    topic_keys = [t for t in TOPIC_PHRASES if t != "acquisition"]
    topic_weights = [
        6 if t in ("funding", "events", "training", "rooms") else 3 for t in topic_keys
    ]
    for year, count in per_year.items():
        for day in contact_days(rng, year, count):
            plan = picker.pick(rng, day)
            if plan is None:
                continue
            orgs = [plan]
            if rng.random() < 0.03:
                other = picker.pick(rng, day, exclude=plan.id)
                if other is not None:
                    orgs.append(other)
            first = plan.id not in seen
            topics = rng.sample(topic_keys, k=rng.choice((1, 1, 2, 2, 3)), counts=topic_weights)
            topics = list(dict.fromkeys(topics))
            if first:
                topics = ["acquisition", *topics[:1]]
            for org in orgs:
                seen.add(org.id)
                org.contacts.append(day)
            drafts.append(ContactDraft(day, orgs, topics, first))
    return drafts


def build_persons(
    rng: random.Random, ids: Ids, plans: Sequence[OrgPlan], domain: str
) -> list[Person]:
    """1-3 contact persons per organisation; consent given at the first contact with them."""
    persons = []
    for plan in plans:
        contacts = sorted(plan.contacts)
        wanted = rng.choice((1, 1, 2, 2, 3)) if contacts else rng.choice((0, 1))
        if wanted == 0:
            continue
        starts = [contacts[0]] if contacts else [plan.known_since]
        for _ in range(wanted - 1):
            starts.append(rng.choice(contacts) if contacts else plan.known_since)
        starts.sort()
        for number, start in enumerate(starts):
            person_id = ids.make("p-", 6)
            firsts, lasts = NAMES.get(plan.spec.profile, MIXED_NAMES)
            first, last = rng.choice(firsts), rng.choice(lasts)
            mail = slugify(f"{first} {last}", max_length=40).replace("-", ".")
            basis = "consent" if contacts else "public_task"
            consent = None
            if basis == "consent":
                scope = [
                    "contact",
                    *rng.sample(("newsletter", "publication", "sharing"), k=rng.randrange(0, 3)),
                ]
                consent = {
                    "date": start,
                    "scope": scope,
                    "source": rng.choice(
                        (
                            "Einwilligungsformular beim Besuch",
                            "E-Mail",
                            "Formular bei der Veranstaltung",
                            "mündlich, schriftlich bestätigt",
                        )
                    ),
                }
            used = [d for d in contacts if d >= start]
            persons.append(
                Person.model_validate(
                    {
                        "id": person_id,
                        "name": f"{first} {last}",
                        "organisation": plan.id,
                        "role": ROLES[0] if number == 0 else rng.choice(ROLES[1:]),
                        "email": f"{mail}@{domain}",
                        "phone": phone(rng) if rng.random() < 0.8 else None,
                        "languages": list(
                            plan.spec.languages or PROFILES[plan.spec.profile].languages
                        )[:2],
                        "legal_basis": basis,
                        "consent": consent,
                        "recorded": start,
                        "last_contact": used[-1] if used else None,
                        "notes": None
                        if contacts
                        else "Kontaktdaten aus dem öffentlichen Vereinsregister; noch keine Einwilligung.",
                    }
                )
            )
            plan.person_ids.append(person_id)
            plan.person_start.append(start)
    # One person withdrew their consent a month before the store's date.
    consenting = [p for p in persons if p.consent is not None]
    if len(consenting) > WITHDRAWING:
        chosen = consenting[WITHDRAWING]
        assert chosen.consent is not None
        withdrawn = chosen.consent.model_copy(
            update={"withdrawn": LATEST_DATE - dt.timedelta(days=30)}
        )
        persons[persons.index(chosen)] = chosen.model_copy(update={"consent": withdrawn})
    return persons  # fmt: skip


def build_contacts(
    rng: random.Random,
    ids: Ids,
    drafts: Sequence[ContactDraft],
    *,
    open_follow_ups: int,
    pending_referrals: int,
    planned: Sequence[tuple[OrgPlan, dt.date]] = (),
) -> list[Contact]:
    contacts = []
    last_index = len(drafts) - 1
    # The few open ends lie among the latest contacts, as in a real log.
    window = max(40, 8 * open_follow_ups)
    open_slots = set(range(max(0, last_index - window), last_index + 1)[::7][:open_follow_ups])
    window = max(60, 12 * pending_referrals)
    pending_slots = set(
        range(max(0, last_index - window), last_index + 1)[3::11][:pending_referrals]
    )
    for index, draft in enumerate(drafts):
        channel = weighted(
            rng,
            CHANNEL_WEIGHTS | ({"visit": 40.0, "video": 10.0} if draft.date.year == 2021 else {}),
        )
        if draft.first and channel in ("event", "letter"):
            channel = "visit"
        main = draft.orgs[0]
        persons = [
            pid
            for pid, start in zip(main.person_ids, main.person_start, strict=True)
            if start <= draft.date
        ]
        chosen = [rng.choice(persons)] if persons and rng.random() < 0.85 else []
        follow_up = None
        if rng.random() < 0.35 or index in open_slots:
            due = draft.date + dt.timedelta(days=rng.randrange(5, 22))
            done = None if index in open_slots else due + dt.timedelta(days=rng.randrange(-4, 6))
            follow_up = {
                "date": due,
                "action": FOLLOW_UP_ACTIONS[draft.topics[-1]],
                "done": done and max(done, draft.date),
            }
        referrals = []
        targets = [t for t in draft.topics if t in REFERRAL_TARGETS]
        if targets and (rng.random() < 0.22 or index in pending_slots):
            target = rng.choice(REFERRAL_TARGETS[rng.choice(targets)])
            if index in pending_slots:
                outcome = "pending"
            else:
                outcome = rng.choices(("taken_up", "not_taken_up"), weights=(7, 3))[0]
            referrals.append(
                {
                    "institution": target,
                    "reason": REFERRAL_REASONS[target],
                    "outcome": outcome,
                    "outcome_date": None
                    if outcome == "pending"
                    else draft.date + dt.timedelta(days=rng.randrange(7, 75)),
                }
            )
        contacts.append(
            Contact.model_validate(
                {
                    "id": ids.make(f"{draft.date.isoformat()}-", 4),
                    "date": draft.date,
                    "organisations": [org.id for org in draft.orgs],
                    "persons": chosen,
                    "channel": channel,
                    "initiated_by": "office"
                    if draft.first or rng.random() < 0.5
                    else "organisation",
                    "topics": draft.topics,
                    "summary": _summary(rng, channel, draft.topics),
                    "coordinator": rng.choice(COORDINATORS),
                    "follow_up": follow_up,
                    "referrals": referrals,
                }
            )
        )
    for plan, day in planned:
        contacts.append(
            Contact.model_validate(
                {
                    "id": ids.make(f"{day.isoformat()}-", 4),
                    "date": day,
                    "organisations": [plan.id],
                    "persons": plan.person_ids[:1],
                    "channel": "visit",
                    "topics": ["funding", "events"],
                    "summary": "Vereinbarter Besuch: Planung des Jahresprogramms und Förderanträge für das kommende Jahr.",
                    "coordinator": "Koordinierungsstelle",
                    "planned": True,
                }
            )
        )
    return contacts  # fmt: skip


# --------------------------------------------------------------------------- cooperations


COOPERATION_TOPICS = {
    "kulturamt": "Gemeinsame Kulturveranstaltungen im Stadtteil",
    "volkshochschule-wiesbaden": "Deutschkurse in den Vereinsräumen",
    "freiwilligen-zentrum": "Gewinnung und Schulung von Ehrenamtlichen",
    "jugendamt": "Ferienangebote für Jugendliche",
    "bildungskoordination-neuzugewanderte": "Elternabende zum Schulsystem",
    "buergerkolleg": "Vorstandsschulungen",
    "house-of-resources-wiesbaden": "Technikverleih und Mikroprojekte",
    "interkulturelles-bildungswerk": "Berufsorientierung für junge Erwachsene",
    "sportamt": "Sportangebote für Mädchen",
    "jobcenter": "Informationsabende zum Arbeitsmarkt",
}


def build_cooperations(
    rng: random.Random, plans: Sequence[OrgPlan], count: int, last_year: int
) -> list[Cooperation]:
    """Partnerships that start after an organisation's third contact."""
    eligible = [
        p
        for p in plans
        if len(p.contacts) >= 3 and p.spec.fate in ("cooperating", "inactive", "dissolved")
    ]
    eligible.sort(key=lambda p: (p.spec.fate != "cooperating", -len(p.contacts)))
    partners = [p for p in plans if p.spec.fate in ("cooperating", "in_dialogue")]
    result: list[Cooperation] = []
    taken: set[str] = set()
    index = 0
    while len(result) < count and eligible:
        plan = eligible[index % len(eligible)]
        index += 1
        if index > count * 4:
            break
        third = sorted(plan.contacts)[2]
        end = plan.end or dt.date(last_year, 12, 15)
        if third + dt.timedelta(days=14) >= end:
            continue
        since = random_date(rng, third + dt.timedelta(days=14), end)
        if rng.random() < 0.7:
            partner = rng.choice(list(COOPERATION_TOPICS))
            topic = COOPERATION_TOPICS[partner]
        else:
            others = [
                p
                for p in partners
                if p is not plan
                and p.contacts
                and min(p.contacts) <= since
                and (p.end is None or p.end > since)
            ]
            if not others:
                continue
            other = rng.choice(others)
            partner = other.id
            topic = rng.choice(
                (
                    "Gemeinsames Stadtteilfest",
                    "Raumnutzung für Gruppenangebote",
                    "Gemeinsame Hausaufgabenhilfe",
                    "Austausch der Jugendgruppen",
                )
            )
        until = None
        if plan.end is not None:
            until = plan.end
        elif rng.random() < 0.2:
            until = random_date(
                rng,
                since + dt.timedelta(days=90),
                max(since + dt.timedelta(days=90), dt.date(last_year, 12, 20)),
            )
        key = unique(f"{since.year}-" + slugify(f"{plan.id} {partner}", max_length=70), taken)
        taken.add(key)
        result.append(
            Cooperation.model_validate(
                {
                    "id": key,
                    "organisation": plan.id,
                    "partner": partner,
                    "since": since,
                    "until": until,
                    "topic": topic,
                    "notes": "Kooperation endete mit der Auflösung des Vereins."
                    if plan.spec.fate == "dissolved" and until
                    else None,
                }
            )
        )
        if plan.cooperation_since is None or since < plan.cooperation_since:
            plan.cooperation_since = since
    return result  # fmt: skip


# --------------------------------------------------------------------------- events


SERIES: dict[int, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    2021: ("Vereinsarbeit 2021", (("Vereinsrecht und Satzung", ("association_law",)), ("Fördermittel finden und beantragen", ("funding",)), ("Ehrenamtliche gewinnen", ("volunteering",)))),
    2022: ("Vereinsarbeit 2022", (("Vereinsrecht und Gemeinnützigkeit", ("association_law",)), ("Finanzen und Kassenführung", ("organisational_development",)), ("Fördermittel und Antragstellung", ("funding",)), ("Öffentlichkeitsarbeit und soziale Medien", ("organisational_development",)), ("Ehrenamtliche gewinnen und halten", ("volunteering",)))),
    2023: ("Projektmanagement 2023", (("Projektideen entwickeln", ("organisational_development",)), ("Anträge schreiben: Integration durch Kultur und WIR", ("funding",)), ("Kosten- und Finanzierungsplan", ("funding",)), ("Verwendungsnachweis", ("funding",)))),
    2024: ("Vereinsarbeit 2024", (("Vereinsrecht kompakt", ("association_law",)), ("Finanzen und Steuern im Verein", ("organisational_development",)), ("Förderprogramme in Wiesbaden und Hessen", ("funding",)), ("Pressearbeit", ("organisational_development",)), ("Freiwilligenmanagement", ("volunteering",)))),
}  # fmt: skip
MULTIPLIER = (
    ("Multiplikatorenschulung: So funktioniert die Stadtverwaltung", ("other",)),
    ("Multiplikatorenschulung: Das hessische Bildungssystem", ("education",)),
    ("Multiplikatorenschulung: Wege in den Arbeitsmarkt", ("labour_market",)),
)
OTHER_EVENTS = (
    ("exchange", "Austauschtreffen der Migrantenorganisationen", ("networking",)),
    (
        "exchange",
        "Dialogforum Migrantenorganisationen und Verwaltung",
        ("networking", "cooperation"),
    ),
    ("network", "Netzwerktreffen Islamische Gemeinden", ("networking",)),
    ("network", "AG Integration mit der ACK", ("networking",)),
    ("info", "Infoabend: Förderung durch den Ausländerbeirat", ("funding",)),
    ("info", "Infoabend: Landesprogramm WIR", ("funding",)),
    (
        "info",
        "Informationsveranstaltung House of Resources",
        ("funding", "organisational_development"),
    ),
)


def _active(plan: OrgPlan, day: dt.date) -> bool:
    return plan.end is None or day < plan.end


class AttendancePool:
    """Organisations that can attend at a date: contacted before and not yet gone."""

    def __init__(self, plans: Sequence[OrgPlan]) -> None:
        self.plans = sorted((p for p in plans if p.contacts), key=lambda p: min(p.contacts))
        self.firsts = [min(p.contacts) for p in self.plans]

    def sample(self, rng: random.Random, day: dt.date, wanted: int) -> list[OrgPlan]:
        count = bisect.bisect_right(self.firsts, day)
        if count == 0:
            return []
        picked = rng.sample(range(count), k=min(count, wanted * 2))
        chosen = [self.plans[i] for i in picked if _active(self.plans[i], day)]
        return chosen[:wanted]


def _event(
    rng: random.Random,
    pool: AttendancePool,
    taken: set[str],
    *,
    kind: str,
    title: str,
    day: dt.date,
    topics: Sequence[str],
    series: str | None = None,
    attending: tuple[int, int] = (6, 14),
    end: dt.date | None = None,
    hosts: Sequence[OrgPlan] = (),
) -> Event:
    attendees = pool.sample(rng, day, rng.randint(*attending))
    people = [rng.randint(1, 4 if kind != "festival" else 12) for _ in attendees]
    attendance = [
        {"organisation": p.id, "people": n} for p, n in zip(attendees, people, strict=True)
    ]
    head = sum(people) + rng.randint(0, 8 if kind != "festival" else 400)
    host = None
    candidates = [h for h in hosts if h.known_since <= day and (h.end is None or day < h.end)]
    if candidates and kind in ("exchange", "training", "info") and rng.random() < 0.4:
        host = rng.choice(candidates)
    place = (
        host.spec.name
        if host
        else rng.choice(
            (
                "Rathaus, Festsaal",
                "Amt für Zuwanderung und Integration, Raum 210",
                "Bürgerhaus im Stadtteil",
                "Volkshochschule, Seminarraum",
            )
        )
    )
    if kind == "festival":
        place = "Innenstadt, Schlossplatz und Dern'sches Gelände"
    key = unique(f"{day.isoformat()}-{slugify(title, max_length=60)}", taken)
    taken.add(key)
    organisers = ["integrationsabteilung"]
    if kind == "festival":
        organisers += [p.id for p in attendees[:3]]
    elif kind == "network" and "Islamische" in title:
        organisers = ["integrationsabteilung", "geschaeftsstelle-auslaenderbeirat"]
    return Event.model_validate(
        {
            "id": key, "kind": kind, "title": title, "date": day, "end": end, "series": series, "topics": list(topics),
            "place": place, "place_org": host.id if host else None, "organisers": organisers, "participants": head,
            "attendance": attendance,
            "follow_up": "Protokoll und Präsentation an die Teilnehmenden verschickt." if kind in ("training", "exchange") else None,
        }
    )  # fmt: skip


def _weekday_in(rng: random.Random, year: int, month: int, weekday: int) -> dt.date:
    total = calendar.monthrange(year, month)[1]
    days = [
        dt.date(year, month, d)
        for d in range(1, total + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    return rng.choice(days)


def build_events(
    rng: random.Random, plans: Sequence[OrgPlan], years: Sequence[int], total: int | None = None
) -> list[Event]:
    """The demo's events per year; with ``total``, cut or filled with generic events."""
    taken: set[str] = set()
    hosts = [p for p in plans if p.rooms_offered]
    pool = AttendancePool(plans)
    events: list[Event] = []
    for year in years:
        series = SERIES.get(year) or (f"Vereinsarbeit {year}", SERIES[2022][1])
        name, sessions = series
        months = (9, 10, 10, 11, 11) if year == years[0] else (2, 3, 4, 5, 6)
        for (title, topics), month in zip(sessions, months, strict=False):
            day = _weekday_in(rng, year, month, rng.choice((1, 3)))
            events.append(
                _event(
                    rng,
                    pool,
                    taken,
                    kind="training",
                    title=f"{name}: {title}",
                    day=day,
                    topics=topics,
                    series=f"Qualifizierungsreihe {name}",
                    hosts=hosts,
                )
            )
        if year > years[0]:
            title, topics = MULTIPLIER[(year - years[0] - 1) % len(MULTIPLIER)]
            events.append(
                _event(
                    rng,
                    pool,
                    taken,
                    kind="training",
                    title=title,
                    day=_weekday_in(rng, year, 9, 2),
                    topics=topics,
                    attending=(4, 9),
                    hosts=hosts,
                )
            )
        for month in (5, 11) if year == years[0] else (3, 6, 10):
            events.append(
                _event(
                    rng,
                    pool,
                    taken,
                    kind="exchange",
                    title=OTHER_EVENTS[0][1],
                    day=_weekday_in(rng, year, month, 2),
                    topics=OTHER_EVENTS[0][2],
                    attending=(8, 18),
                    hosts=hosts,
                )
            )
        if year > years[0]:
            events.append(
                _event(
                    rng,
                    pool,
                    taken,
                    kind="exchange",
                    title=OTHER_EVENTS[1][1],
                    day=_weekday_in(rng, year, 11, 3),
                    topics=OTHER_EVENTS[1][2],
                    attending=(10, 20),
                )
            )
        for month in (4, 10):
            events.append(
                _event(
                    rng,
                    pool,
                    taken,
                    kind="network",
                    title=OTHER_EVENTS[2][1],
                    day=_weekday_in(rng, year, month, 0),
                    topics=OTHER_EVENTS[2][2],
                    attending=(2, 4),
                )
            )
        events.append(
            _event(
                rng,
                pool,
                taken,
                kind="network",
                title=OTHER_EVENTS[3][1],
                day=_weekday_in(rng, year, 5, 1),
                topics=OTHER_EVENTS[3][2],
                attending=(2, 5),
            )
        )
        kind, title, topics = OTHER_EVENTS[4 + (year % 3)]
        events.append(
            _event(
                rng,
                pool,
                taken,
                kind=kind,
                title=title,
                day=_weekday_in(rng, year, 2, 3),
                topics=topics,
                attending=(8, 16),
                hosts=hosts,
            )
        )
        festival = _weekday_in(rng, year, 7, 5) if year != 2021 else dt.date(2021, 9, 4)
        events.append(
            _event(
                rng,
                pool,
                taken,
                kind="festival",
                title=f"Internationales Sommerfest {year}",
                day=festival,
                end=festival + dt.timedelta(days=1),
                topics=("events",),
                attending=(12, 25),
            )
        )
    if total is not None and len(events) > total:
        return events[:total]
    for number in range(0 if total is None else total - len(events)):
        year = years[number % len(years)]
        kind, title, topics = OTHER_EVENTS[number % len(OTHER_EVENTS)]
        month = rng.choice((1, 2, 3, 4, 5, 6, 9, 10, 11))
        events.append(
            _event(
                rng,
                pool,
                taken,
                kind=kind,
                title=title,
                day=rng.choice(weekdays(year, month)),
                topics=topics,
                attending=(3, 12),
                hosts=hosts,
            )
        )
    return events  # fmt: skip


# --------------------------------------------------------------------------- applications


LATEST_YEAR_STATUSES = ("submitted", "idea", "granted", "draft", "rejected", "granted", "withdrawn", "submitted", "draft", "granted")  # fmt: skip


def build_applications(
    rng: random.Random, plans: Sequence[OrgPlan], years: Sequence[int], count: int, last_year: int
) -> list[Application]:
    """Funding applications within each programme's limits; institutional only for e.V."""
    eligible = [p for p in plans if len(p.contacts) >= 2 and p.spec.fate != "known"]
    taken: set[str] = set()
    once: set[tuple[str, int, str]] = set()
    latest = 0
    result: list[Application] = []
    tries = 0
    while len(result) < count and eligible and tries < count * 20:
        tries += 1
        plan = rng.choice(eligible)
        year = rng.choice(years)
        start = sorted(plan.contacts)[1]
        if start.year > year or (plan.end is not None and plan.end.year <= year):
            continue
        registered = plan.spec.legal_form == RA
        choice = weighted(
            rng,
            {
                "auslaenderbeirat-foerderung/institutional": 3.0 if registered else 0.0,
                "auslaenderbeirat-foerderung/project": 3.0 if registered else 0.0,
                "integration-durch-kultur/project": 2.5,
                "foerderrichtlinien-wiesbaden/project": 1.5,
                "wir-programm/project": 0.7,
                "wir-programm/professionalisation": 0.8 if registered else 0.0,
                "wir-programm/staff": 0.3 if registered else 0.0,
                "house-of-resources/micro": 1.0 if year >= 2022 else 0.0,
            },
        )
        programme, line = choice.split("/")
        months = None
        if line == "institutional":
            months = 12
            requested = money((200 if plan.rooms_own else 100) * 12)
            title = f"Institutionelle Förderung {year}"
        elif line == "staff":
            months = rng.choice((6, 12))
            requested = money(450 * months)
            title = f"450-€-Kraft für die Vereinsorganisation {year}"
        else:
            limit = {
                "auslaenderbeirat-foerderung": 2500,
                "integration-durch-kultur": 6000,
                "foerderrichtlinien-wiesbaden": 8000,
                "wir-programm": 15000,
                "house-of-resources": 1500,
            }[programme]
            requested = money(rng.randrange(4, limit // 50 + 1) * 50)
            title = (
                rng.choice(
                    (
                        "Kulturfest im Stadtteil",
                        "Hausaufgabenhilfe für Grundschulkinder",
                        "Sprachcafé für Neuzugewanderte",
                        "Theaterprojekt mit Jugendlichen",
                        "Elternseminare zum Schulsystem",
                        "Frauengesundheitstag",
                        "Musik- und Tanzworkshops",
                        "Digitale Vereinsarbeit",
                        "Ausstellung zur Migrationsgeschichte",
                    )
                )
                + f" {year}"
            )
        if line in ("institutional", "staff"):
            if (plan.id, year, line) in once:
                continue  # one institutional (or staff) application per organisation and year
            once.add((plan.id, year, line))
        key = unique(f"{year}-" + slugify(f"{plan.id} {programme}", max_length=70), taken)
        taken.add(key)
        deadline_month = {
            "auslaenderbeirat-foerderung": 11 if line == "institutional" else 4,
            "integration-durch-kultur": 3,
            "foerderrichtlinien-wiesbaden": 9,
            "wir-programm": 10,
            "house-of-resources": 5,
        }[programme]
        deadline_year = (
            year - 1
            if line == "institutional"
            or programme in ("foerderrichtlinien-wiesbaden", "wir-programm")
            else year
        )
        deadline: dt.date | None = dt.date(
            deadline_year, deadline_month, calendar.monthrange(deadline_year, deadline_month)[1]
        )
        if deadline is not None and (deadline < start or deadline.year < years[0]):
            deadline = None
        if year == last_year:
            # The latest year shows every step of the pipeline.
            status = LATEST_YEAR_STATUSES[latest % len(LATEST_YEAR_STATUSES)]
            latest += 1
        else:
            status = weighted(
                rng, {"granted": 2, "proof_filed": 5, "rejected": 1.5, "withdrawn": 0.3}
            )
        submitted = decided = proof = granted = None
        base = deadline or dt.date(year, 3, 1)
        if status in ("submitted", "granted", "rejected", "proof_filed"):
            submitted = base - dt.timedelta(days=rng.randrange(1, 20))
            submitted = max(submitted, start)
        if status in ("granted", "rejected", "proof_filed"):
            decided = (submitted or base) + dt.timedelta(days=rng.randrange(30, 90))
        if status in ("granted", "proof_filed"):
            share = rng.choice((1.0, 1.0, 1.0, 0.8, 0.6))
            granted = (
                money(int(requested * Decimal(str(share)) / 50) * 50)
                if line not in ("institutional", "staff")
                else requested
            )
            granted = max(granted, money(100))
        if status == "proof_filed":
            proof = dt.date(year + 1, rng.randrange(2, 6), rng.randrange(1, 28))
        result.append(
            Application.model_validate(
                {
                    "id": key,
                    "organisation": plan.id,
                    "programme": programme,
                    "line": line,
                    "year": year,
                    "title": title,
                    "requested": requested,
                    "months": months,
                    "granted": granted,
                    "status": status,
                    "supported": rng.random() < 0.85,
                    "deadline": deadline,
                    "submitted": submitted,
                    "decided": decided,
                    "proof_filed": proof,
                    "notes": "Antrag zurückgezogen: Projekt wird im Folgejahr neu geplant."
                    if status == "withdrawn"
                    else None,
                }
            )
        )
    return result  # fmt: skip


# --------------------------------------------------------------------------- organisation records


GOAL_EXTRAS = (
    "Brücken zwischen den Generationen bauen",
    "Zusammenarbeit mit Schulen und Kitas im Stadtteil",
    "Beratung in der Muttersprache",
    "Beteiligung an Stadtteilfesten",
    "Unterstützung neu zugewanderter Familien",
)
RELATIONS_ABROAD = (
    "Partnerschaft mit einer Schule im Herkunftsland",
    "Kontakte zu einem Kulturverband im Herkunftsland",
    "Spendenprojekt für ein Gesundheitszentrum",
    "Austausch mit einer Jugendorganisation im Herkunftsland",
)


def _status_history(plan: OrgPlan) -> tuple[str, dt.date, list[dict[str, Any]]]:
    contacts = sorted(plan.contacts)
    steps: list[tuple[str, dt.date]] = [("known", plan.known_since)]
    if contacts:
        steps.append(("contacted", max(contacts[0], plan.known_since)))
    fate = plan.spec.fate
    if len(contacts) >= 3 and fate in ("in_dialogue", "cooperating", "inactive", "dissolved"):
        steps.append(("in_dialogue", contacts[2]))
    coop = plan.cooperation_since
    if len(contacts) >= 3 and fate != "declined":
        when = coop if coop and coop > contacts[2] else None
        if when is None and fate == "cooperating" and len(contacts) > 5:
            when = contacts[5]
        if when is not None and (plan.end is None or when < plan.end):
            if steps[-1][0] != "in_dialogue":
                steps.append(("in_dialogue", contacts[2]))
            steps.append(("cooperating", when))
    if fate in ("inactive", "dissolved", "declined") and plan.end is not None:
        steps.append((fate, max(plan.end, steps[-1][1])))
    status, since = steps[-1]
    history = [{"status": s, "since": d} for s, d in steps[:-1]]
    return status, since, history


class RegisterNumbers:
    """Register numbers that cannot be real: ``VR DEMO-0412``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def number(self) -> str:
        if len(self.taken) >= 9999:  # all four-digit numbers given: count on (large stores)
            value = f"VR DEMO-{len(self.taken) + 1:05d}"
            self.taken.add(value)
            return value
        while True:
            value = f"VR DEMO-{self.rng.randrange(1, 10000):04d}"
            if value not in self.taken:
                self.taken.add(value)
                return value


def build_organisation(
    rng: random.Random, plan: OrgPlan, reg_numbers: RegisterNumbers, last_year: int
) -> Organisation:
    spec = plan.spec
    profile = PROFILES[spec.profile]
    kind = KINDS[spec.kind]
    status, since, history = _status_history(plan)
    size = spec.size or rng.choice(("small", "medium", "medium", "large"))
    count = {
        "small": rng.randint(8, 35),
        "medium": rng.randint(35, 150),
        "large": rng.randint(150, 900),
    }[size]
    fields = list(kind["fields"][:2]) + rng.sample(
        kind["fields"][2:], k=rng.randint(0, len(kind["fields"]) - 2)
    )
    formats = rng.sample(kind["formats"], k=rng.randint(1, len(kind["formats"])))
    founded = rng.randint(*profile.founded)
    founded = min(founded, plan.known_since.year)
    if "founded_recently" in spec.tags:
        founded = max(founded, 2022)
    religion = (
        spec.religion
        if spec.religion
        else (rng.choice(profile.religions) if spec.kind in ("mosque", "church") else None)
    )
    contacts = sorted(plan.contacts)
    needs = []
    if contacts or rng.random() < 0.5:
        categories = ["rooms"] if not plan.rooms_own and rng.random() < 0.85 else []
        categories += rng.sample(
            ("advice", "staff_training", "education_work", "funding", "other"), k=rng.randint(0, 2)
        )
        for category in dict.fromkeys(categories):
            need_since = rng.choice(contacts) if contacts else plan.known_since
            state = rng.choices(("open", "in_progress", "met", "dropped"), weights=(5, 2, 3, 1))[0]
            if plan.end is not None and state in ("open", "in_progress"):
                state = "dropped"
            closed = None
            if state in ("met", "dropped"):
                closed = random_date(
                    rng,
                    need_since + dt.timedelta(days=14),
                    max(need_since + dt.timedelta(days=14), dt.date(last_year, 12, 20)),
                )
            note = {
                "rooms": "Sucht Räume für wöchentliche Treffen",
                "funding": "Möchte eine erste Projektförderung beantragen",
                "staff_training": "Vorstand wünscht Schulung zu Finanzen",
                "education_work": "Hausaufgabenhilfe braucht weitere Ehrenamtliche",
                "advice": "Fragen zur Vereinsgründung und Satzung",
                "other": "Sucht Kontakt zu Sportvereinen",
            }[category]
            needs.append(
                {
                    "category": category,
                    "since": need_since,
                    "status": state,
                    "closed": closed,
                    "note": note,
                }
            )
    registration = None
    if spec.legal_form == RA:
        registration = {"court": "Amtsgericht Wiesbaden", "number": reg_numbers.number()}
    district = spec.district
    street = rng.choice(STREETS)
    address = {
        "street": f"{street} {rng.randint(1, 120)}" if rng.random() < 0.6 else None,
        "postal_code": DISTRICT_POSTAL.get(district),
        "city": "Wiesbaden",
    }
    verified_pool = contacts[-3:] if contacts else [plan.known_since]
    last_verified = rng.choice(verified_pool)
    if status in PIPELINE_ACTIVE and rng.random() < 0.75:
        last_verified = random_date(rng, dt.date(2025, 12, 1), dt.date(2026, 11, 20))
    short = "-".join(plan.id.split("-")[:3])
    tags = list(spec.tags)
    if not tags and rng.random() < 0.15:
        tags = [rng.choice(("house_of_resources", "youth_section", "new_arrivals"))]
    status_reason = (
        spec.reason
        if status == "declined"
        else {
            "inactive": "Seit längerer Zeit keine Rückmeldung; Vorstand nicht mehr erreichbar.",
            "dissolved": "Auflösung durch die Mitgliederversammlung beschlossen.",
        }.get(status)
    )
    return Organisation.model_validate(
        {
            "id": plan.id,
            "name": spec.name,
            "aliases": [spec.alias] if spec.alias else [],
            "status": status,
            "status_since": since,
            "status_reason": status_reason,
            "status_history": history,
            "known_since": plan.known_since,
            "legal_form": spec.legal_form,
            "registration": registration,
            "founded": founded,
            "district": district,
            "address": address,
            "fields": fields,
            "goals": f"{kind['goal']}; {rng.choice(GOAL_EXTRAS)}.",
            "languages": list(spec.languages or profile.languages),
            "origins": list(profile.origins if spec.profile != "multi" else ()),
            "religion": religion,
            "members": {
                "count": count,
                "age_groups": list(kind["ages"]),
                "share_born_in_germany": rng.choice((5, 10, 20, 30, 40, 55)) if "seit 20" not in profile.arrival[-1] else rng.choice((5, 10, 15, 25, 35)),
                "main_arrival_period": rng.choice(profile.arrival),
            },
            "paid_staff": rng.random() < 0.12 if size != "small" else False,
            "networks": list(spec.networks),
            "relations_abroad": rng.choice(RELATIONS_ABROAD) if rng.random() < 0.3 else None,
            "rooms": {"own": True, "offered_to_others": plan.rooms_offered, "note": "Vereinsräume können nach Absprache genutzt werden." if plan.rooms_offered else None} if plan.rooms_own else None,
            "offered_formats": formats,
            "needs": needs,
            "website": f"https://{short}.example.org" if rng.random() < 0.35 else None,
            "email": f"kontakt.{short}@example.org" if rng.random() < 0.8 else None,
            "phone": phone(rng) if rng.random() < 0.5 else None,
            "tags": tags,
            "notes": "Wurde 2023 bei der Erhebung mit Amt 12 erstmals erfasst; noch kein persönlicher Kontakt." if "amt12_survey" in tags and status == "known" else None,
            "last_verified": last_verified,
        }
    )  # fmt: skip


PIPELINE_ACTIVE = ("contacted", "in_dialogue", "cooperating")


# --------------------------------------------------------------------------- the whole store


@dataclass
class Generated:
    """Every record of a generated store."""

    organisations: list[Organisation]
    persons: list[Person]
    contacts: list[Contact]
    events: list[Event]
    cooperations: list[Cooperation]
    networks: list[Network]
    institutions: list[Institution]
    programmes: list[Programme]
    applications: list[Application]
    erasures: list[Erasure] = field(default_factory=list)

    def records(self) -> Iterator[Record]:
        for group in (
            self.organisations, self.persons, self.contacts, self.events, self.cooperations,
            self.networks, self.institutions, self.programmes, self.applications, self.erasures,
        ):  # fmt: skip
            yield from group

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


def spread(total: int, years: Sequence[int]) -> dict[int, int]:
    """Split a number of contacts over years, growing in the first years."""
    weights = [min(1.0, 0.55 + 0.2 * i) for i in range(len(years))]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return dict(zip(years, shares, strict=True))


def generate(
    *,
    seed: int = 2021,
    orgs: int | None = None,
    contacts: int | dict[int, int] | None = None,
    events: int | None = None,
    years: Iterable[int] = (2021, 2022, 2023, 2024),
    cooperations: int | None = None,
    applications: int | None = None,
) -> Generated:
    """Generate a store; without sizes, the demo store (60 organisations, 2021-2024)."""
    rng = random.Random(seed)
    ids = Ids(rng)
    year_list = sorted(years)
    last_year = year_list[-1]
    districts = [district for district, _ in _district_keys()]
    org_count = len(DEMO_ORGS) if orgs is None else orgs
    specs = list(DEMO_ORGS[:org_count]) + synthetic_specs(
        rng, max(0, org_count - len(DEMO_ORGS)), districts
    )
    plans = plan_organisations(rng, specs, year_list)
    if contacts is None:
        per_year = {y: DEMO_CONTACTS_PER_YEAR.get(y, 300) for y in year_list}
    elif isinstance(contacts, dict):
        per_year = contacts
    else:
        per_year = spread(contacts, year_list)
    demo = orgs is None
    drafts = plan_contacts(rng, plans, per_year)
    persons = build_persons(rng, ids, plans, "example.org")
    active = [p for p in plans if p.spec.fate == "cooperating" and p.person_ids]
    planned = (
        [(active[0], dt.date(2026, 12, 3)), (active[1], dt.date(2027, 1, 19))]
        if demo and len(active) > 1
        else []
    )
    total = len(drafts)
    contact_records = build_contacts(
        rng, ids, drafts,
        open_follow_ups=3 if demo else max(1, total // 500),
        pending_referrals=3 if demo else max(1, total // 800),
        planned=planned,
    )  # fmt: skip
    coop_count = (
        cooperations if cooperations is not None else (25 if demo else max(5, org_count // 2))
    )
    coops = build_cooperations(rng, plans, coop_count, last_year)
    event_records = build_events(rng, plans, year_list, events)
    app_count = (
        applications if applications is not None else (36 if demo else max(10, org_count // 2))
    )
    app_records = build_applications(rng, plans, year_list, app_count, last_year)
    reg_numbers = RegisterNumbers(random.Random(seed + 1))
    organisations = [build_organisation(rng, plan, reg_numbers, last_year) for plan in plans]
    generated = Generated(
        organisations=organisations,
        persons=persons,
        contacts=contact_records,
        events=event_records,
        cooperations=coops,
        networks=networks(),
        institutions=institutions(),
        programmes=programmes([y for y in [*year_list, last_year + 1] if y >= 2021]),
        applications=app_records,
    )
    apply_retention(generated, rng, ids, LATEST_DATE)
    return generated


def apply_retention(generated: Generated, rng: random.Random, ids: Ids, today: dt.date) -> None:
    """What ``privacy due --erase`` does on ``today`` (no history to rewrite here): persons
    past their retention period keep only their id, old contacts lose their free text,
    and one record of the erasure log says so."""
    from mokoord.dataset import Dataset, plain
    from mokoord.models import Config
    from mokoord.privacy.erase import plan_erasure
    from mokoord.privacy.retention import due
    from mokoord.privacy.scrub import strip_contact_text
    from mokoord.privacy.texts import TEXTS, placeholder

    data = Dataset(
        config=Config(),
        organisations={org.id: org for org in generated.organisations},
        persons={person.id: person for person in generated.persons},
        contacts={contact.id: contact for contact in generated.contacts},
    )
    found = due(data, today)
    if not found:
        return
    persons = [item for item in found if item.kind == "person"]
    plan = plan_erasure(
        data,
        [item.id for item in persons],
        reason=TEXTS["de"]["due.reason"],
        grounds={item.id: item.ground for item in persons},
        expired=[item for item in found if item.kind == "contact"],
        key=f"{rng.getrandbits(256):064x}",
    )
    erased = {person.id for person in plan.persons}
    generated.persons = [
        Person(id=p.id, erased=today) if p.id in erased else p for p in generated.persons
    ]
    removed = placeholder("removed", "de")
    expired = {item.id for item in plan.expired}
    generated.contacts = [
        Contact.model_validate(strip_contact_text(plain(c), removed)) if c.id in expired else c
        for c in generated.contacts
    ]
    generated.erasures = [
        plan.record(
            erasure_id=ids.make(f"{today.isoformat()}-", 4),
            by="Koordinierungsstelle <koordination@example.org>",
            today=today,
            replaced=[],
        )
    ]


def _district_keys() -> list[tuple[str, str]]:
    from mokoord.models.config import WIESBADEN_DISTRICTS

    return list(WIESBADEN_DISTRICTS)


def tag_vocabulary() -> dict[str, dict[str, str]]:
    """The ``vocabularies.tags`` entries the generated data uses."""
    english = {
        "amt12_survey": "From the survey with the statistics office",
        "women_led": "Led by women",
        "youth_section": "Has a youth section",
        "sports_section": "Has a sports section",
        "new_arrivals": "Works with new arrivals",
        "ukraine_help": "Ukraine aid since 2022",
        "integration_prize": "Wiesbaden integration prize",
        "house_of_resources": "Interested in the House of Resources",
        "multinational": "Across origins",
        "founded_recently": "Newly founded",
    }
    return {key: {"de": label, "en": english[key]} for key, label in TAGS.items()}


__all__ = ["DEMO_ORGS", "LATEST_DATE", "Generated", "generate", "tag_vocabulary"]
