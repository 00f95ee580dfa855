"""``mokoord outreach``: who is addressed, in which language, the drafts and letters it
writes, and the contacts it records, through the real CLI with real git."""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, git_log, git_status
from mokoord.store import Store

TODAY = dt.date.today()

ELTERN = "elternverein-biebrich"
ARAB = "arabischer-elternverein"
FRANZ = "franzoesischer-elternkreis"
LEER = "elterninitiative-ohne-personen"
BRIEFLOS = "elterncafe-ohne-anschrift"
ABGELEHNT = "abgelehnter-elternbund"
SPORT = "sportverein-schierstein"

INJECTED_NAME = 'Ali "der Große" Öztürk\nBcc: victim@example.org'

STORE: dict[str, str] = {
    f"organisations/{ELTERN}.yaml": f"""\
id: {ELTERN}
name: Deutsch-Türkischer Elternverein Biebrich e.V.
status: cooperating
district: biebrich
address: {{street: Lindenweg 53, postal_code: "65203", city: Wiesbaden}}
fields: [parents_family, education]
languages: [tr, de]
""",
    f"organisations/{ARAB}.yaml": f"""\
id: {ARAB}
name: "Arabischer Elternverein\\nBcc: victim@example.org <script>x</script>"
status: in_dialogue
address: {{street: Am Markt 1, postal_code: "65183", city: Wiesbaden}}
fields: [parents_family]
languages: [ku, ar]
""",
    f"organisations/{FRANZ}.yaml": f"""\
id: {FRANZ}
name: Französischer Elternkreis
status: contacted
address: {{street: Rue 3, postal_code: "65189", city: Wiesbaden}}
fields: [parents_family]
languages: [fr]
""",
    f"organisations/{LEER}.yaml": f"""\
id: {LEER}
name: Elterninitiative ohne Personen
status: known
fields: [parents_family]
""",
    f"organisations/{BRIEFLOS}.yaml": f"""\
id: {BRIEFLOS}
name: Elterncafé ohne Anschrift
status: known
fields: [parents_family]
languages: [de]
""",
    f"organisations/{ABGELEHNT}.yaml": f"""\
id: {ABGELEHNT}
name: Abgelehnter Elternbund
status: declined
status_reason: anti-democratic aims (§2.4)
fields: [parents_family]
""",
    f"organisations/{SPORT}.yaml": f"""\
id: {SPORT}
name: Sportverein Schierstein
status: cooperating
fields: [sport]
""",
    # Elternverein: the chair (consent to contact) and a treasurer held for the public task
    "persons/p-aaaa01.yaml": f"""\
id: p-aaaa01
name: {json.dumps(INJECTED_NAME)}
organisation: {ELTERN}
role: chair
email: ali.oeztuerk@example.org
legal_basis: consent
consent: {{date: 2023-01-10, scope: [contact]}}
""",
    "persons/p-aaaa02.yaml": f"""\
id: p-aaaa02
name: Elif Kaya
organisation: {ELTERN}
role: treasurer
email: elif.kaya@example.org
legal_basis: public_task
""",
    # Arabischer Elternverein: the chair withdrew consent, the secretary is held for the public task
    "persons/p-aaaa03.yaml": f"""\
id: p-aaaa03
name: Karim Haddad
organisation: {ARAB}
role: chair
email: karim.haddad@example.org
legal_basis: consent
consent: {{date: 2022-01-10, scope: [contact], withdrawn: 2023-05-01}}
""",
    "persons/p-aaaa04.yaml": f"""\
id: p-aaaa04
name: محمد الأحمد
organisation: {ARAB}
role: secretary
email: m.alahmad@example.org
legal_basis: public_task
""",
    # Französischer Elternkreis: consent to publication only, not to contact
    "persons/p-aaaa05.yaml": f"""\
id: p-aaaa05
name: Claire Martin
organisation: {FRANZ}
role: chair
email: claire.martin@example.org
legal_basis: consent
consent: {{date: 2022-03-01, scope: [publication]}}
""",
    # Elterncafé: a chair without an e-mail address (letters only)
    "persons/p-aaaa06.yaml": f"""\
id: p-aaaa06
name: Jana Novak
organisation: {BRIEFLOS}
role: chair
legal_basis: public_task
""",
    "persons/p-aaaa07.yaml": f"""\
id: p-aaaa07
name: Boris Abgelehnt
organisation: {ABGELEHNT}
role: chair
email: boris@example.org
legal_basis: public_task
""",
}

TEMPLATE_DE = """\
---
subject: Einladung für {{ organisation.name }}
topic: Qualifizierung
channel: E-Mail
---
Guten Tag {{ person.name }},

wir laden {{ organisation.name }} ein (Stand {{ today }}).

{{ office.signature }}
"""

TEMPLATE_TR = """\
---
subject: Davet – {{ organisation.name }}
topic: training
channel: email
---
Merhaba {{ person.name }},

{{ organisation.name }} derneğini davet ediyoruz.
"""

TEMPLATE_AR = """\
---
subject: دعوة
topic: training
channel: email
---
مرحباً {{ person.name }}،
"""


@pytest.fixture
def ocli(store: Store) -> Cli:
    """A store with parents' associations, their persons and a template in three languages."""
    for relative, text in STORE.items():
        path = store.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    folder = store.root / "templates" / "outreach"
    (folder / "einladung.de.md").write_text(TEMPLATE_DE, encoding="utf-8")
    (folder / "einladung.tr.md").write_text(TEMPLATE_TR, encoding="utf-8")
    (folder / "einladung.ar.md").write_text(TEMPLATE_AR, encoding="utf-8")
    config = store.root / "mokoord.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "sender:\n  email: koordination@example.org\n  street: Beispielstraße 10\n"
        "  postal_code: '65183'\n  city: Wiesbaden\n  signature: Ihre Koordinierungsstelle\n",
        encoding="utf-8",
    )
    subprocess_commit(store.root)
    return Cli(store.root)


def subprocess_commit(root: Path) -> None:
    import subprocess

    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "fixture"], cwd=root, check=True)


def outreach_json(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("outreach", "--template", "einladung", "--dry-run", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def decoded(path: Path, header: str) -> str:
    """A header's value decoded by RFC 2047's rules (encoded words joined)."""
    from email.header import decode_header, make_header

    raw = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)[header]
    return str(make_header(decode_header(raw)))


def parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --------------------------------------------------------------------------- addressing


def test_who_is_addressed_and_who_is_skipped_with_the_reason(ocli: Cli) -> None:
    data = outreach_json(ocli, "--field", "Eltern und Familie")
    addressed = {row["organisation"]: row for row in data["addressed"]}
    skipped = {row["organisation"]: row for row in data["skipped"]}
    # declined organisations never appear (§2.4); other fields are not selected
    assert ABGELEHNT not in addressed
    assert ABGELEHNT not in skipped
    assert SPORT not in addressed
    assert SPORT not in skipped
    assert set(addressed) == {ELTERN, ARAB}
    assert addressed[ELTERN]["person"] == "p-aaaa01"  # the chair, who consented to contact
    # the chair withdrew consent: the secretary, held for the public task, is written to
    assert addressed[ARAB]["person"] == "p-aaaa04"
    assert skipped[FRANZ]["reason"] == "no_consent"
    assert skipped[FRANZ]["person"] == "p-aaaa05"
    assert skipped[LEER]["reason"] == "no_person"
    assert skipped[BRIEFLOS]["reason"] == "no_email"
    assert "no e-mail address" in skipped[BRIEFLOS]["message"]
    assert data["format"] == "eml"
    assert data["channel"] == "email"


def test_the_role_asked_for_comes_first(ocli: Cli) -> None:
    data = outreach_json(ocli, "--field", "parents_family", "--person-role", "Kassenwart/in")
    addressed = {row["organisation"]: row["person"] for row in data["addressed"]}
    assert addressed[ELTERN] == "p-aaaa02"  # the treasurer
    assert addressed[ARAB] == "p-aaaa04"  # no treasurer there: the others in turn


def test_a_role_nobody_holds_is_an_error_not_a_silent_fallback(ocli: Cli) -> None:
    result = ocli(
        "--lang", "de", "outreach", "--template", "einladung", "--person-role", "Kasenwart",
        "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 2  # a usage error, as any unknown term
    assert "Niemand im Register hat die Rolle „Kasenwart“" in result.stderr
    assert "Kassenwart/in" in result.stderr  # the closest role
    assert "Traceback" not in result.output


def test_a_withdrawn_consent_is_named_as_the_reason(ocli: Cli, store: Store) -> None:
    (store.root / "persons" / "p-aaaa04.yaml").unlink()  # only the withdrawn chair is left
    data = outreach_json(ocli, "--field", "parents_family")
    skipped = {row["organisation"]: row for row in data["skipped"]}
    assert skipped[ARAB]["reason"] == "consent_withdrawn"
    assert "consent withdrawn on" in skipped[ARAB]["message"]


def test_letters_need_a_postal_address_not_an_e_mail_address(ocli: Cli) -> None:
    data = outreach_json(ocli, "--field", "parents_family", "--format", "html")
    assert data["channel"] == "letter"
    addressed = {row["organisation"] for row in data["addressed"]}
    skipped = {row["organisation"]: row["reason"] for row in data["skipped"]}
    assert FRANZ not in addressed  # still no consent
    assert skipped[BRIEFLOS] == "no_address"  # the chair is fine, the address is missing


def test_each_organisation_gets_its_first_language_that_has_a_variant(ocli: Cli) -> None:
    data = outreach_json(ocli, "--field", "parents_family")
    languages = {row["organisation"]: row["language"] for row in data["addressed"]}
    assert languages == {ELTERN: "tr", ARAB: "ar"}  # [tr, de] → tr; [ku, ar] → ar


def test_without_a_variant_in_its_languages_an_organisation_gets_german(
    ocli: Cli, store: Store
) -> None:
    (store.root / "templates" / "outreach" / "einladung.tr.md").unlink()
    data = outreach_json(ocli, "--field", "parents_family")
    languages = {row["organisation"]: row["language"] for row in data["addressed"]}
    assert languages[ELTERN] == "de"
    subjects = {row["organisation"]: row["subject"] for row in data["addressed"]}
    assert subjects[ELTERN] == "Einladung für Deutsch-Türkischer Elternverein Biebrich e.V."


def test_filters_combine_as_in_list(ocli: Cli) -> None:
    data = outreach_json(ocli, "--language", "Arabisch")
    assert [row["organisation"] for row in data["addressed"]] == [ARAB]
    data = outreach_json(ocli, "--district", "Biebrich", "--status", "kooperierend")
    assert [row["organisation"] for row in data["addressed"]] == [ELTERN]


# --------------------------------------------------------------------------- the drafts


def test_eml_drafts_parse_back_with_their_headers_and_bodies(
    ocli: Cli, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "entwuerfe"
    result = ocli(
        "outreach", "--template", "einladung", "--field", "parents_family", "-o", str(folder)
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [f"{ARAB}.eml", f"{ELTERN}.eml"]

    turkish = parse(folder / f"{ELTERN}.eml")
    assert turkish["X-Unsent"] == "1"  # Outlook opens it as a draft
    assert turkish["Content-Language"] == "tr"
    assert turkish["From"].addresses[0].addr_spec == "koordination@example.org"
    (to,) = turkish["To"].addresses
    assert to.addr_spec == "ali.oeztuerk@example.org"
    # RFC 2047 as mail programs decode it (Python's address parser keeps the space
    # between two folded encoded words: "example. org")
    assert decoded(folder / f"{ELTERN}.eml", "To") == (
        'Ali "der Große" Öztürk Bcc: victim@example.org <ali.oeztuerk@example.org>'
    )
    assert turkish["Subject"] == "Davet – Deutsch-Türkischer Elternverein Biebrich e.V."
    sent = email.utils.parsedate_to_datetime(turkish["Date"])
    assert sent.tzinfo is not None
    # written now, in the office's time zone (which may already be tomorrow in UTC)
    assert abs(sent - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    plain = turkish.get_body(("plain",))
    html = turkish.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content_charset() == "utf-8"
    text = plain.get_content()
    assert text.startswith('Merhaba Ali "der Große" Öztürk Bcc: victim@example.org,')
    assert "Deutsch-Türkischer Elternverein Biebrich e.V. derneğini davet ediyoruz." in text
    assert "\\" not in text  # Markdown's escapes are gone from the plain text
    assert '<html lang="tr" dir="ltr">' in html.get_content()

    arabic = parse(folder / f"{ARAB}.eml")
    assert arabic["Subject"] == "دعوة"
    assert arabic["To"].addresses[0].display_name == "محمد الأحمد"
    assert 'dir="rtl"' in arabic.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_names_cannot_add_headers_or_markup(ocli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    result = ocli(
        "outreach", "--template", "einladung", "--field", "parents_family", "-o", str(folder)
    )
    assert result.exit_code == 0, result.output
    for path in folder.iterdir():
        raw = path.read_bytes()
        message = parse(path)
        assert message.get_all("Bcc") is None
        assert len(message.get_all("To")) == 1
        assert b"\nBcc:" not in raw
        assert b"\r\nBcc:" not in raw
        for line in raw.split(b"\r\n"):
            assert len(line) <= 998  # RFC 5322 line length
    arabic = parse(folder / f"{ARAB}.eml")
    # the organisation's name carries a line break, a Bcc and a script tag: one header line
    assert arabic["To"].addresses[0].addr_spec == "m.alahmad@example.org"
    html = arabic.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html


def test_letters_are_printable_pages_with_sender_and_address(ocli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "briefe"
    result = ocli(
        "outreach", "--template", "einladung", "--district", "Biebrich", "-f", "html",
        "-o", str(folder), "--no-record",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (folder / f"{ELTERN}.html").read_text(encoding="utf-8")
    assert "@page { size: A4" in page
    assert "Lindenweg 53" in page
    assert "65203 Wiesbaden" in page
    assert "Beispielstraße 10" in page  # the office as sender
    assert "&#34;der Große&#34;" in page or "&quot;der Große&quot;" in page
    assert "http://" not in page  # nothing loaded from elsewhere
    assert "https://" not in page


def test_csv_is_one_row_per_addressee_for_german_excel(ocli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "serienbrief"
    result = ocli(
        "--lang", "de", "outreach", "--template", "einladung", "--field", "Eltern und Familie",
        "-f", "csv", "-o", str(folder), "--no-record",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = (folder / "einladung.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Organisation", "Kennung", "Name", "Funktion"] or rows[0][1] == "Kennung"
    by_id = {row[1]: row for row in rows[1:]}
    assert set(by_id) == {ELTERN, ARAB}  # letters: the Elterncafé has no address


# --------------------------------------------------------------------------- the record


def test_contacts_are_recorded_in_one_commit_and_counted(
    ocli: Cli, store: Store, tmp_path: Path
) -> None:
    before = git_log(store.root, "--oneline").count("\n")
    result = ocli(
        "outreach",
        "--template",
        "einladung",
        "--field",
        "parents_family",
        "-o",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 0, result.output
    log = git_log(store.root, "--oneline")
    assert log.count("\n") == before + 1
    assert "outreach einladung: 2 contacts (email)" in log.splitlines()[0]
    assert git_status(store.root) == ""
    contacts = json.loads(ocli("contacts", "--json").stdout)
    assert {c["organisations"][0] for c in contacts} == {ELTERN, ARAB}
    for contact in contacts:
        assert contact["channel"] == "email"
        assert contact["topics"] == ["training"]
        assert contact["summary"].startswith("Anschreiben: ")  # the store's language
    show = json.loads(ocli("show", ELTERN, "--json").stdout)
    assert show["contacts"]["count"] == 1
    report = json.loads(ocli("report", "--year", str(TODAY.year), "--format", "json").stdout)
    assert report["contacts"]["total"] == 2
    assert report["contacts"]["by_channel"]["email"] == 2


def test_no_record_writes_the_files_and_commits_nothing(
    ocli: Cli, store: Store, tmp_path: Path
) -> None:
    before = git_log(store.root, "--oneline")
    result = ocli(
        "outreach", "--template", "einladung", "--field", "parents_family",
        "-o", str(tmp_path / "o"), "--no-record",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert git_log(store.root, "--oneline") == before
    assert len(list((tmp_path / "o").iterdir())) == 2


def test_dry_run_lists_and_writes_nothing(ocli: Cli, store: Store, tmp_path: Path) -> None:
    before = git_log(store.root, "--oneline")
    result = ocli(
        "--lang", "de", "outreach", "--template", "einladung", "--field", "Eltern und Familie",
        "-o", str(tmp_path / "o"), "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 Organisationen würden angeschrieben" in result.stdout
    assert "übersprungen" in result.stdout
    assert "keine Ansprechperson erfasst" in result.stdout
    assert "keine E-Mail-Adresse" in result.stdout
    assert not (tmp_path / "o").exists()
    assert git_log(store.root, "--oneline") == before


# --------------------------------------------------------------------------- bad input


def test_an_unknown_template_names_the_available_ones(ocli: Cli) -> None:
    result = ocli("outreach", "--template", "einladungg", "--dry-run")
    assert result.exit_code != 0
    assert "no outreach template 'einladungg'; available: einladung (ar, de, tr)" in result.stderr
    assert "Traceback" not in result.output


def test_a_template_error_points_at_file_and_line(ocli: Cli, store: Store) -> None:
    path = store.root / "templates" / "outreach" / "einladung.de.md"
    path.write_text(TEMPLATE_DE.replace("{{ today }}", "{{ today }"), encoding="utf-8")
    result = ocli("outreach", "--template", "einladung", "--dry-run")
    assert result.exit_code != 0
    assert "templates/outreach/einladung.de.md:8: template error" in result.stderr
    path.write_text(TEMPLATE_DE, encoding="utf-8")
    turkish = path.with_name("einladung.tr.md")
    turkish.write_text(
        TEMPLATE_TR.replace("davet ediyoruz", "{{ tomorrow.date }}"), encoding="utf-8"
    )
    result = ocli("outreach", "--template", "einladung", "--district", "Biebrich", "--dry-run")
    assert result.exit_code != 0
    assert (
        "templates/outreach/einladung.tr.md:8: template error: 'tomorrow' is undefined"
        in result.stderr
    )
    turkish.write_text(TEMPLATE_TR, encoding="utf-8")
    path.write_text(
        TEMPLATE_DE.replace("topic: Qualifizierung", "topic: Quatsch"), encoding="utf-8"
    )
    result = ocli("outreach", "--template", "einladung", "--dry-run")
    assert "templates/outreach/einladung.de.md:3: topic" in result.stderr


def test_the_sandbox_refuses_what_templates_must_not_do(ocli: Cli, store: Store) -> None:
    path = store.root / "templates" / "outreach" / "einladung.tr.md"
    path.write_text(TEMPLATE_TR + "{{ person.name.__class__.__mro__ }}\n", encoding="utf-8")
    result = ocli(
        "outreach", "--template", "einladung", "--district", "Biebrich", "-f", "html", "--dry-run"
    )
    assert result.exit_code != 0
    assert "einladung.tr.md:9: template error: access to attribute '__class__'" in result.stderr


def test_an_empty_selection_repeats_the_filters(ocli: Cli) -> None:
    result = ocli(
        "outreach", "--template", "einladung", "--district", "Dotzheim", "--stale", "--dry-run"
    )
    assert result.exit_code != 0
    assert "no organisation matches --district Dotzheim --stale" in result.stderr


def test_declined_organisations_are_never_written_to(ocli: Cli) -> None:
    result = ocli("outreach", "--template", "einladung", "--status", "abgelehnt", "--dry-run")
    assert result.exit_code != 0
    assert "never written to" in result.stderr


def test_a_folder_with_files_is_refused_unless_forced(ocli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "voll"
    folder.mkdir()
    (folder / "alt.txt").write_text("x")
    args = ("outreach", "--template", "einladung", "--field", "parents_family", "-o", str(folder))
    result = ocli(*args, "--no-record")
    assert result.exit_code != 0
    assert "holds files already" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["alt.txt"]
    result = ocli(*args, "--no-record", "--force")
    assert result.exit_code == 0, result.output
    assert len(list(folder.iterdir())) == 3


def test_output_is_required_to_write(ocli: Cli) -> None:
    result = ocli("outreach", "--template", "einladung", "--field", "parents_family")
    assert result.exit_code != 0
    assert "missing --output FOLDER" in result.stderr


# --------------------------------------------------------------------------- init and the demo


def test_init_writes_a_german_example_that_renders(cli: Cli, store: Store, tmp_path: Path) -> None:
    example = store.root / "templates" / "outreach" / "einladung.de.md"
    assert example.is_file()
    assert "templates/outreach/einladung.de.md" in git_log(store.root, "--stat")
    (store.root / "organisations" / f"{ELTERN}.yaml").write_text(
        STORE[f"organisations/{ELTERN}.yaml"]
    )
    (store.root / "persons" / "p-aaaa02.yaml").write_text(STORE["persons/p-aaaa02.yaml"])
    result = cli("outreach", "--template", "einladung", "-o", str(tmp_path / "o"), "--no-record")
    assert result.exit_code == 0, result.output
    message = parse(tmp_path / "o" / f"{ELTERN}.eml")
    assert message["Subject"] == "Einladung zur Qualifizierungsreihe „Vereinsarbeit stärken“"
    assert "Guten Tag Elif Kaya," in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_demo_invites_parents_associations_in_german_turkish_and_arabic(demo_cli: Cli) -> None:
    data = outreach_json(demo_cli, "--field", "Eltern und Familie")
    languages = {row["language"] for row in data["addressed"]}
    assert {"de", "tr", "ar"} <= languages
    assert all(row["reason"] for row in data["skipped"])
