"""The demo store's outreach templates and letterhead (fictional; see docs/outreach.md).

``mokoord init`` writes the German invitation (``einladung.de.md``); the demo
adds its Turkish and Arabic variants and a German letter about rooms, and
the office's address for letters (``sender:`` in ``mokoord.yaml``).
"""

from __future__ import annotations

from mokoord.outreach.example import EXAMPLE_PATH, EXAMPLE_TEXT

SENDER: dict[str, str] = {
    "department": "Amt für Zuwanderung und Integration",
    "street": "Beispielstraße 10",
    "postal_code": "65183",
    "city": "Wiesbaden",
    "email": "koordination@example.org",
    "phone": "0611 555 0100",
    "website": "https://koordination.example.org",
    "signature": "Ihre Koordinierungsstelle Migrantenorganisationen",
}

EINLADUNG_TR = """\
---
subject: 'Eğitim dizisine davet: „Vereinsarbeit stärken“ (Dernek çalışmasını güçlendirmek)'
topic: Qualifizierung
channel: E-Mail
---
Merhaba {{ person.name }},

{{ office.name }} olarak {{ organisation.name }} derneğini
**„Vereinsarbeit stärken“** (Dernek çalışmasını güçlendirmek) eğitim dizisine davet
ediyoruz. Dört akşam boyunca şu konular ele alınacak:

- dernek hukuku ve tüzük,
- destek fonları bulmak ve başvurmak,
- halkla ilişkiler,
- gönüllü kazanmak ve tutmak.

Katılım ücretsizdir; tarih ve yeri kayıt onayıyla birlikte bildireceğiz.
Eğitimler Almanca yapılır, sorularınızı Türkçe de sorabilirsiniz.
Lütfen bize kaydolun{% if office.email %}: {{ office.email }}{% endif %}.

Saygılarımızla

{{ office.signature }}
"""

EINLADUNG_AR = """\
---
subject: دعوة إلى سلسلة التأهيل „Vereinsarbeit stärken“ (تعزيز العمل في الجمعيات)
topic: Qualifizierung
channel: E-Mail
---
مرحباً {{ person.name }}،

يسرّ {{ office.name }} أن تدعو {{ organisation.name }}
إلى سلسلة التأهيل **„Vereinsarbeit stärken“** (تعزيز العمل في الجمعيات).
تتناول أربع أمسيات المواضيع التالية:

- قانون الجمعيات والنظام الأساسي،
- البحث عن التمويل وتقديم الطلبات،
- العلاقات العامة،
- كسب المتطوعين والحفاظ عليهم.

المشاركة مجانية، وسنرسل المواعيد والمكان مع تأكيد التسجيل.
يرجى التسجيل لدينا{% if office.email %}: {{ office.email }}{% endif %}.

مع أطيب التحيات

{{ office.signature }}
"""

RAEUME_DE = """\
---
subject: Neues Raumangebot für Vereine
topic: Räume
channel: Brief
---
Guten Tag {{ person.name }},

{{ organisation.name }} hat uns gesagt, dass Räume für die Vereinsarbeit fehlen.
Ab dem kommenden Quartal stellt das Bürgerhaus am Beispielplatz Vereinen einen
Gruppenraum für bis zu 30 Personen zur Verfügung: abends und am Wochenende,
für gemeinnützige Vereine ohne Miete.

Wenn Sie den Raum nutzen möchten, melden Sie sich bitte bei uns{% if office.phone %} unter {{ office.phone }}{% endif %}{% if office.email %} oder per E-Mail an {{ office.email }}{% endif %}.
Wir stellen den Kontakt zum Bürgerhaus her.

Mit freundlichen Grüßen

{{ office.signature }}
"""


def templates() -> dict[str, str]:
    """Path in the store → text of every outreach template of the demo."""
    return {
        EXAMPLE_PATH: EXAMPLE_TEXT,
        "templates/outreach/einladung.tr.md": EINLADUNG_TR,
        "templates/outreach/einladung.ar.md": EINLADUNG_AR,
        "templates/outreach/raeume.de.md": RAEUME_DE,
    }
