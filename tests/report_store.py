"""A small hand-built store for the report tests, with known answers.

Every figure the tests expect is computed by hand in ``test_report.py`` from
the records below. Edge cases on purpose: a contact with two organisations,
a referral taken up in the next year, a declined organisation (with contacts,
attendance, a cooperation and an application that must not count), a planned
contact, an organisation added after the period, notes with HTML and a
``javascript:`` link, an organisation named like a script tag.
"""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, str] = {
    # ------------------------------------------------------------ organisations
    "organisations/elternverein-biebrich.yaml": """\
id: elternverein-biebrich
name: Elternverein Biebrich e.V.
status: cooperating
status_since: 2023-05-10
status_history:
  - {status: known, since: 2021-03-01}
  - {status: contacted, since: 2022-02-01}
  - {status: in_dialogue, since: 2022-09-01}
known_since: 2021-03-01
district: biebrich
fields: [education, parents_family]
offered_formats: [events, counselling]
needs:
  - {category: rooms, since: 2022-06-01, status: open}
  - {category: funding, since: 2022-01-01, status: met, closed: 2023-03-01}
last_verified: 2023-06-01
""",
    "organisations/kulturverein-anatolia.yaml": """\
id: kulturverein-anatolia
name: Kulturverein Anatolia
status: in_dialogue
status_since: 2023-02-01
status_history:
  - {status: contacted, since: 2022-05-01}
known_since: 2022-05-01
district: mitte
fields: [culture]
offered_formats: [events]
needs:
  - {category: advice, since: 2023-04-01}
last_verified: 2021-11-30
""",
    "organisations/script-verein.yaml": """\
id: script-verein
name: "<script>alert(1)</script> e.V."
status: contacted
status_since: 2023-03-01
known_since: 2023-02-15
district: westend
fields: [culture, youth]
last_verified: 2023-03-01
""",
    "organisations/nationalistischer-bund.yaml": """\
id: nationalistischer-bund
name: Nationalistischer Bund
status: declined
status_since: 2023-04-01
status_reason: Nationalistische Ziele laut Satzung (§ 2.4).
status_history:
  - {status: known, since: 2022-01-10}
  - {status: contacted, since: 2022-03-01}
known_since: 2022-01-10
district: mitte
fields: [sport]
offered_formats: [events]
needs:
  - {category: funding}
""",
    "organisations/frauentreff-kastel.yaml": """\
id: frauentreff-kastel
name: Frauentreff Kastel
status: known
known_since: 2023-09-01
district: mainz-kastel
fields: [women]
offered_formats: [arrival_help, counselling]
""",
    "organisations/neugruendung-2024.yaml": """\
id: neugruendung-2024
name: Neugründung 2024
known_since: 2024-01-15
district: biebrich
fields: [sport]
""",
    # ------------------------------------------------------------ institutions
    "institutions/kulturamt.yaml": "id: kulturamt\nname: Kulturamt\nkind: city_office\n",
    "institutions/ehrenamtsagentur.yaml": "id: ehrenamtsagentur\nname: Ehrenamtsagentur\nkind: provider\n",
    "institutions/landeskompetenzzentrum.yaml": "id: landeskompetenzzentrum\nname: Landeskompetenzzentrum\nkind: state\n",
    "programmes/integration-durch-kultur.yaml": """\
id: integration-durch-kultur
name: Integration durch Kultur
annual_budget: 50000
lines:
  - {id: project, name: Projektförderung, max_amount: 2500}
""",
    # ------------------------------------------------------------ contacts 2022
    "contacts/2022/2022-02-01-p1aa.yaml": """\
id: 2022-02-01-p1aa
date: 2022-02-01
organisations: [elternverein-biebrich]
channel: visit
topics: [acquisition]
summary: Vorstellung der Koordinierungsstelle.
""",
    "contacts/2022/2022-03-01-p3aa.yaml": """\
id: 2022-03-01-p3aa
date: 2022-03-01
organisations: [nationalistischer-bund]
channel: email
topics: [acquisition]
summary: Anfrage des Vereins.
""",
    "contacts/2022/2022-05-03-p2aa.yaml": """\
id: 2022-05-03-p2aa
date: 2022-05-03
organisations: [kulturverein-anatolia]
channel: phone
topics: [acquisition, events]
summary: Erstes Gespräch.
referrals:
  - {institution: kulturamt, outcome: taken_up, outcome_date: 2022-06-01}
""",
    # ------------------------------------------------------------ contacts 2023
    "contacts/2023/2023-01-10-c1aa.yaml": """\
id: 2023-01-10-c1aa
date: 2023-01-10
organisations: [elternverein-biebrich, kulturverein-anatolia]
channel: visit
topics: [rooms, funding]
summary: Gemeinsamer Besuch, Raumfrage.
referrals:
  - {institution: kulturamt, outcome: taken_up, outcome_date: 2023-02-01}
""",
    "contacts/2023/2023-03-05-c2aa.yaml": """\
id: 2023-03-05-c2aa
date: 2023-03-05
organisations: [script-verein]
channel: phone
topics: [acquisition]
summary: Erstkontakt.
""",
    "contacts/2023/2023-03-20-c3aa.yaml": """\
id: 2023-03-20-c3aa
date: 2023-03-20
organisations: [kulturverein-anatolia]
channel: email
summary: Rückfrage ohne Thema.
referrals:
  - {institution: ehrenamtsagentur}
""",
    "contacts/2023/2023-05-02-c4aa.yaml": """\
id: 2023-05-02-c4aa
date: 2023-05-02
organisations: [nationalistischer-bund]
channel: meeting
topics: [other]
summary: Gespräch zur Ablehnung.
referrals:
  - {institution: kulturamt, outcome: not_taken_up, outcome_date: 2023-06-01}
""",
    "contacts/2023/2023-11-01-c6aa.yaml": """\
id: 2023-11-01-c6aa
date: 2023-11-01
organisations: [frauentreff-kastel]
channel: phone
planned: true
summary: Geplanter Anruf.
""",
    "contacts/2023/2023-12-12-c5aa.yaml": """\
id: 2023-12-12-c5aa
date: 2023-12-12
organisations: [elternverein-biebrich]
channel: visit
topics: [funding]
summary: Förderantrag besprochen.
referrals:
  - {institution: ehrenamtsagentur, outcome: taken_up, outcome_date: 2024-01-20}
  - {institution: kulturamt, outcome: not_taken_up, outcome_date: 2023-12-20}
""",
    # ------------------------------------------------------------ events
    "events/2022/2022-04-04-austausch.yaml": """\
id: 2022-04-04-austausch
kind: exchange
title: Austausch ohne Zählung
date: 2022-04-04
""",
    "events/2022/2022-11-05-vereinsfinanzen.yaml": """\
id: 2022-11-05-vereinsfinanzen
kind: training
title: Vereinsfinanzen
date: 2022-11-05
participants: 8
attendance:
  - {organisation: elternverein-biebrich, people: 8}
""",
    "events/2023/2023-03-15-vereinsrecht.yaml": """\
id: 2023-03-15-vereinsrecht
kind: training
title: Vereinsrecht
date: 2023-03-15
participants: 12
attendance:
  - {organisation: elternverein-biebrich, people: 3}
  - {organisation: script-verein, people: 2}
  - {organisation: nationalistischer-bund, people: 1}
notes: |
  **Gut besucht.** Unterlagen: [Folien](https://example.org/folien),
  [Trick](javascript:alert(1)) und <b>fett</b> <img src=x onerror=alert(2)>
""",
    "events/2023/2023-06-01-austausch-vereine.yaml": """\
id: 2023-06-01-austausch-vereine
kind: exchange
title: Austausch der Vereine
date: 2023-06-01
participants: 20
""",
    "events/2023/2023-07-01-sommerfest.yaml": """\
id: 2023-07-01-sommerfest
kind: festival
title: Sommerfest
date: 2023-07-01
participants: 300
""",
    "events/2023/2023-10-10-foerderantraege.yaml": """\
id: 2023-10-10-foerderantraege
kind: training
title: Förderanträge schreiben
date: 2023-10-10
attendance:
  - {organisation: kulturverein-anatolia, people: 4}
  - {organisation: elternverein-biebrich, people: 2}
""",
    # ------------------------------------------------------------ cooperations
    "cooperations/elternverein-kulturamt.yaml": """\
id: elternverein-kulturamt
organisation: elternverein-biebrich
partner: kulturamt
since: 2023-05-10
topic: Kulturfest
""",
    "cooperations/bund-sport.yaml": """\
id: bund-sport
organisation: nationalistischer-bund
partner: kulturamt
since: 2023-01-01
topic: Turnier
""",
    "cooperations/anatolia-elternverein.yaml": """\
id: anatolia-elternverein
organisation: kulturverein-anatolia
partner: elternverein-biebrich
since: 2022-07-01
topic: Hausaufgabenhilfe
""",
    # ------------------------------------------------------------ applications
    "applications/2023/a1-elternverein.yaml": """\
id: a1-elternverein
organisation: elternverein-biebrich
programme: integration-durch-kultur
year: 2023
title: Kulturfest
requested: 2500
granted: 2000
status: granted
supported: true
submitted: 2023-02-01
decided: 2023-04-01
""",
    "applications/2023/a2-anatolia.yaml": """\
id: a2-anatolia
organisation: kulturverein-anatolia
programme: integration-durch-kultur
year: 2023
title: Lesungen
requested: 1200
status: submitted
supported: true
submitted: 2023-11-15
""",
    "applications/2024/a3-anatolia.yaml": """\
id: a3-anatolia
organisation: kulturverein-anatolia
programme: integration-durch-kultur
year: 2024
title: Musik
requested: 800
granted: 800
status: granted
submitted: 2023-12-01
decided: 2024-01-20
""",
    "applications/2023/a4-bund.yaml": """\
id: a4-bund
organisation: nationalistischer-bund
programme: integration-durch-kultur
year: 2023
title: Turnier
requested: 5000
status: rejected
submitted: 2023-03-01
decided: 2023-05-01
""",
    "applications/2023/a5-elternverein.yaml": """\
id: a5-elternverein
organisation: elternverein-biebrich
programme: integration-durch-kultur
year: 2023
title: Elterncafé
requested: 600
status: draft
supported: true
deadline: 2023-09-30
""",
    "applications/2022/a6-elternverein.yaml": """\
id: a6-elternverein
organisation: elternverein-biebrich
programme: integration-durch-kultur
year: 2022
title: Lernhilfe
requested: 1000.50
granted: 1000.50
status: proof_filed
supported: true
submitted: 2022-03-01
decided: 2022-05-01
""",
}


def fill(root: Path) -> None:
    """Write the test records into the store at ``root``."""
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
