"""The example template ``mokoord init`` puts into a new store (German, fictional)."""

EXAMPLE_PATH = "templates/outreach/einladung.de.md"

EXAMPLE_TEXT = """\
---
subject: Einladung zur Qualifizierungsreihe „Vereinsarbeit stärken“
topic: Qualifizierung
channel: E-Mail
---
{# Eine Vorlage für „mokoord outreach --template einladung“. Sie sieht:
   organisation (name, district, street, postal_code, city, address, email, fields, languages),
   person (name, role, email), office (name, department, street, postal_code, place, email,
   phone, website, signature), today (14.03.2023) und today_long (14. März 2023).
   Weitere Sprachen: dieselbe Datei als einladung.tr.md, einladung.ar.md … #}
Guten Tag {{ person.name }},

die {{ office.name }} lädt {{ organisation.name }} herzlich zur Qualifizierungsreihe
**„Vereinsarbeit stärken“** ein. An vier Abenden geht es um

- Vereinsrecht und Satzung,
- Fördermittel finden und beantragen,
- Öffentlichkeitsarbeit,
- Ehrenamtliche gewinnen und halten.

Die Teilnahme ist kostenlos; Termine und Ort nennen wir mit der Anmeldebestätigung.
Bitte melden Sie sich bei uns an{% if office.email %}: {{ office.email }}{% endif %}.

Mit freundlichen Grüßen

{{ office.signature }}
"""
