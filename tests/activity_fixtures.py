"""Organisations, institutions and programmes for the activity and funding tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

ORGS = {
    "elternverein-biebrich": """\
id: elternverein-biebrich
name: Elternverein Biebrich e.V.
status: cooperating
legal_form: registered_association
district: biebrich
address:
  street: Rathausstraße 1
  postal_code: '65203'
  city: Wiesbaden
rooms:
  own: true
  offered_to_others: true
""",
    "initiative-mitte": """\
id: initiative-mitte
name: Initiative Mitte
status: in_dialogue
legal_form: initiative
district: biebrich
needs:
  - category: rooms
    since: 2023-01-10
    note: Raum für Hausaufgabenhilfe
""",
    "kulturverein-anatolia": """\
id: kulturverein-anatolia
name: Kulturverein Anatolia e.V.
status: contacted
legal_form: registered_association
district: mitte
needs:
  - category: rooms
    status: met
""",
    "frauenverein-westend": """\
id: frauenverein-westend
name: Frauenverein Westend e.V.
status: known
legal_form: registered_association
district: westend
rooms:
  own: true
  offered_to_others: true
needs:
  - category: funding
""",
    "jugend-ohne-bezirk": """\
id: jugend-ohne-bezirk
name: Jugendgruppe ohne Bezirk
status: known
needs:
  - category: rooms
    status: in_progress
""",
    "bund-abgelehnt": """\
id: bund-abgelehnt
name: Abgelehnter Bund
status: declined
status_reason: nationalistische Ausrichtung (§ 2.4)
legal_form: registered_association
district: biebrich
rooms:
  own: true
  offered_to_others: true
needs:
  - category: rooms
""",
}

INSTITUTIONS = {
    "kulturamt": "id: kulturamt\nname: Kulturamt Wiesbaden\nkind: city_office\n",
}

AUSLAENDERBEIRAT = """\
id: auslaenderbeirat
name: Förderung durch den Ausländerbeirat
funder: Ausländerbeirat Wiesbaden
lines:
  - id: institutional
    name: Institutionelle Förderung
    kind: institutional
    max_amount: 200
    per: month
    max_amount_without_rooms: 100
  - id: project
    name: Projektförderung
    kind: project
    max_amount: 2500
    per: project
    eligible_legal_forms: [registered_association]
deadlines:
  - date: 2024-11-30
    note: Anträge für 2025
"""


def seed(root: Path, *, programme: bool = False) -> None:
    """Write the fixture records into a store and commit them."""
    for org_id, text in ORGS.items():
        (root / "organisations" / f"{org_id}.yaml").write_text(text, encoding="utf-8")
    for inst_id, text in INSTITUTIONS.items():
        (root / "institutions" / f"{inst_id}.yaml").write_text(text, encoding="utf-8")
    if programme:
        (root / "programmes" / "auslaenderbeirat.yaml").write_text(
            AUSLAENDERBEIRAT, encoding="utf-8"
        )
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "fixtures"], cwd=root, check=True)
