"""``mokoord check`` through the index finds exactly what reading every file finds.

A store with broken files of every kind: each check is run from the
index (cold, then warm) and with ``--no-cache`` (every file read), and the
three must agree, also after edits in the same clock tick, renames, deletes,
a changed configuration and a branch switch. The index must spare the files
that did not change.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from mokoord import index
from mokoord.store import Store

BROKEN: dict[str, str | bytes] = {
    # files that cannot be read
    "organisations/kaputt-syntax.yaml": "id: kaputt-syntax\nname: [Kaputt\n",
    "organisations/kaputt-leer.yaml": "",
    "organisations/kaputt-liste.yaml": "- id: a\n- id: b\n",
    "organisations/kaputt-alias.yaml": "id: kaputt-alias\nname: &n Name\naliases: [*n]\n",
    "organisations/kaputt-tag.yaml": "id: kaputt-tag\nname: !!python/object:os.system x\n",
    "organisations/kaputt-konflikt.yaml": "id: k\n<<<<<<< HEAD\nname: A\n=======\nname: B\n>>>>>>> x\n",
    "persons/p-kaputt.yaml": b"id: p-kaputt\nname: Caf\xe9\n",
    "events/2023/2023-05-05-doppelt.yaml": "id: 2023-05-05-doppelt\ntitle: A\ntitle: B\n",
    # files that do not validate
    "organisations/unbekannter-schluessel.yaml": "id: unbekannter-schluessel\nname: X\nnme: Y\n",
    "organisations/falscher-status.yaml": "id: falscher-status\nname: X\nstatus: irgendwas\n",
    "institutions/ohne-name.yaml": "id: ohne-name\nkind: city_office\n",
    "contacts/2023/2023-02-02-ungl.yaml": "id: 2023-02-02-ungl\ndate: 2023-02-30\n"
    "organisations: [afghanische-frauengruppe-nour]\nchannel: phone\nsummary: X\n",
    "applications/2023/antrag-kaputt.yaml": "id: antrag-kaputt\norganisation: x\n",
    "programmes/programm-kaputt.yaml": "id: programm-kaputt\nname: P\nlines: []\n",
    "cooperations/koop-kaputt.yaml": "id: koop-kaputt\norganisation: a\n",
    "networks/netz-kaputt.yaml": "id: netz-kaputt\nlevel: galactic\nname: N\n",
    # names, folders and ids
    "organisations/anderer-name.yaml": "id: ganz-anders\nname: Anders\n",
    "organisations/unterordner/verein-im-unterordner.yaml": "id: verein-im-unterordner\nname: U\n",
    "networks/kreis.yml": "id: kreis\nname: Kreis\n",
    "contacts/2022/2023-03-03-jahr.yaml": "id: 2023-03-03-jahr\ndate: 2023-03-03\n"
    "organisations: [afghanische-frauengruppe-nour]\nchannel: phone\nsummary: Falsches Jahr\n",
    "contacts/2021/2023-03-03-jahr.yaml": "id: 2023-03-03-jahr\ndate: 2023-03-03\n"
    "organisations: [afghanische-frauengruppe-nour]\nchannel: phone\nsummary: Noch eins\n",
    "organisations/zz-doppelt.yaml": "id: afghanische-frauengruppe-nour\nname: Doppelt\n",
    "organisation/tippfehler.yaml": "id: tippfehler\nname: T\n",
    # references, dates, open ends, terms
    "contacts/2023/2023-04-04-refs.yaml": "id: 2023-04-04-refs\ndate: 2023-04-04\n"
    "organisations: [afghanische-frauengruppe-nuor, unbekannt, falscher-status]\n"
    "persons: [p-zzzzzz]\nchannel: brieftaube\ntopics: [raumfahrt]\nsummary: Refs\n"
    "referrals:\n  - institution: nirgendwo\n  - institution: jobcenter\n"
    "    outcome: taken_up\n    outcome_date: 2023-01-01\n"
    "follow_up:\n  date: 2023-04-10\n",
    "contacts/2030/2030-01-01-zukunft.yaml": "id: 2030-01-01-zukunft\ndate: 2030-01-01\n"
    "organisations: [afghanische-frauengruppe-nour]\nchannel: phone\nsummary: Zukunft\n",
    "contacts/2024/2024-01-01-geplant.yaml": "id: 2024-01-01-geplant\ndate: 2024-01-01\n"
    "organisations: [afghanische-frauengruppe-nour]\nchannel: phone\nsummary: Geplant\n"
    "planned: true\n",
    "organisations/daten-verein.yaml": "id: daten-verein\nname: Daten\nstatus: contacted\n"
    "status_since: 2020-01-01\nstatus_history:\n  - status: known\n    since: 2021-01-01\n"
    "  - status: known\n    since: 2019-01-01\nfounded: 2031\nlanguages: [xx, tr]\n"
    "origins: [XX, TR]\nnetworks: [runder-tisch]\ndistrict: atlantis\n",
    "persons/p-zukunf.yaml": "id: p-zukunf\nname: Z\norganisation: nirgends\n"
    "last_contact: 2031-01-01\nlanguages: [qqq]\n",
    "events/2023/2023-06-06-fest.yaml": "id: 2023-06-06-fest\nkind: rave\ntitle: Fest\n"
    "date: 2023-06-06\nplace_org: weg\norganisers: [auch-weg]\n"
    "attendance:\n  - organisation: fort\n    people: 3\n",
    "cooperations/koop-weg.yaml": "id: koop-weg\norganisation: weg\npartner: auch-weg\n"
    "since: 2023-01-01\ntopic: T\n",
    "networks/netz.yaml": "id: netz\nname: Netz\ncontact_institution: weg\n",
    "institutions/amt-x.yaml": "id: amt-x\nname: Amt X\nkind: raumschiff\n",
    "applications/2023/antrag-linie.yaml": "id: antrag-linie\norganisation: afghanische-frauengruppe-nour\n"
    "programme: auslaenderbeirat-foerderung\nyear: 2023\ntitle: T\nrequested: 100\n",
    "applications/2023/antrag-falsche-linie.yaml": "id: antrag-falsche-linie\n"
    "organisation: afghanische-frauengruppe-nour\nprogramme: auslaenderbeirat-foerderung\n"
    "line: nix\nyear: 2023\ntitle: T\nrequested: 100\n",
    "applications/2023/antrag-viel.yaml": "id: antrag-viel\norganisation: afghanische-frauengruppe-nour\n"
    "programme: auslaenderbeirat-foerderung\nline: project\nyear: 2023\ntitle: T\n"
    "requested: 99000\ngranted: 99000\nstatus: granted\nsubmitted: 2031-01-01\n",
    "applications/2023/zz-antrag-budget.yaml": "id: zz-antrag-budget\n"
    "organisation: afghanische-frauengruppe-nour\nprogramme: integration-durch-kultur\n"
    "line: project\nyear: 2023\ntitle: T\nrequested: 60000\ngranted: 60000\nstatus: granted\n",
    "applications/2023/antrag-ohne-programm.yaml": "id: antrag-ohne-programm\n"
    "organisation: afghanische-frauengruppe-nour\nprogramme: programm-kaputt\nyear: 2023\n"
    "title: T\nrequested: 1\n",
}


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)


def _same_with_and_without_cache(cli: Cli, *args: str) -> list[dict[str, Any]]:
    """check from the index, twice, and from every file: all three alike."""
    cold = cli("check", "--json", *args)
    warm = cli("check", "--json", *args)
    files = cli("--no-cache", "check", "--json", *args)
    assert cold.exit_code == warm.exit_code == files.exit_code
    assert cold.stdout == warm.stdout == files.stdout
    found: list[dict[str, Any]] = json.loads(files.stdout)
    return found


DEMO = Path(__file__).resolve().parent.parent / "data"
FROM_DEMO = [
    "organisations/afghanische-frauengruppe-nour.yaml",
    "institutions/jobcenter.yaml",
    "programmes/auslaenderbeirat-foerderung.yaml",
    "programmes/integration-durch-kultur.yaml",
    *(str(path.relative_to(DEMO)) for path in sorted(DEMO.glob("contacts/2023/2023-0[1-3]-*"))),
]


@pytest.fixture
def broken(store: Store) -> Store:
    """A store with a few valid records and broken files of every kind."""
    config = (DEMO / "mokoord.yaml").read_text(encoding="utf-8")
    (store.root / "mokoord.yaml").write_text(config, encoding="utf-8")
    _write(store.root, {relative: (DEMO / relative).read_bytes() for relative in FROM_DEMO})
    _write(store.root, BROKEN)
    return store


def _codes(found: list[dict[str, Any]]) -> set[str]:
    return {problem["code"] for problem in found}


def test_broken_files_of_every_kind_give_the_same_problems_from_the_index(
    broken: Store, cli: Cli
) -> None:
    found = _same_with_and_without_cache(cli)
    assert {
        "yaml-syntax",
        "empty-file",
        "not-a-mapping",
        "alias",
        "forbidden-tag",
        "merge-conflict",
        "invalid-encoding",
        "duplicate-key",
        "unknown-key",
        "invalid-value",
        "missing-key",
        "id-mismatch",
        "file-name",
        "wrong-folder",
        "duplicate-id",
        "stray-file",
        "unknown-reference",
        "future-date",
        "date-order",
        "follow-up-overdue",
        "planned-passed",
        "referral-pending",
        "undeclared-term",
        "unknown-language",
        "unknown-region",
        "funding-limit",
        "budget-exceeded",
    } <= _codes(found)
    strict = _same_with_and_without_cache(cli, "--strict")
    assert any(p["code"] == "undeclared-term" and p["severity"] == "error" for p in strict)
    by_path = {(p["path"], p["code"]) for p in found}
    # a reference to a file that exists but does not validate is not called unknown
    refs = [p for p in found if p["path"] == "contacts/2023/2023-04-04-refs.yaml"]
    assert [p["message"] for p in refs if p["code"] == "unknown-reference"] == [
        "no organisation with id 'afghanische-frauengruppe-nuor'; "
        "did you mean 'afghanische-frauengruppe-nour'?",
        "no organisation with id 'unbekannt'",
        "no person with id 'p-zzzzzz'",
        "no institution with id 'nirgendwo'",
    ]
    # the first file holding an id keeps it; the others are duplicates
    assert ("organisations/zz-doppelt.yaml", "duplicate-id") in by_path
    assert ("contacts/2022/2023-03-03-jahr.yaml", "duplicate-id") in by_path
    assert ("contacts/2021/2023-03-03-jahr.yaml", "wrong-folder") in by_path


def _touch_same_tick(path: Path, text: str) -> None:
    """Rewrite a file with the same size and modification time."""
    before = path.stat()
    assert len(text.encode("utf-8")) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_the_same_after_edits_renames_deletes_and_a_new_configuration(
    broken: Store, cli: Cli
) -> None:
    root = broken.root
    before = _same_with_and_without_cache(cli)
    # an edit within the same clock tick as the check before: an unknown id changes
    refs = root / "contacts/2023/2023-04-04-refs.yaml"
    text = refs.read_text(encoding="utf-8")
    os.utime(refs)
    cli("check")  # the index holds the file, written a moment ago
    _touch_same_tick(refs, text.replace("unbekannt,", "unbekannx,"))
    after = _same_with_and_without_cache(cli)
    messages = {p["message"] for p in after}
    assert "no organisation with id 'unbekannx'" in messages
    assert "no organisation with id 'unbekannt'" not in messages
    # the winner of a duplicate id is deleted: the other file keeps the id now
    (root / "contacts/2021/2023-03-03-jahr.yaml").unlink()
    after = _same_with_and_without_cache(cli)
    assert not any(p["code"] == "duplicate-id" and "2023-03-03" in p["path"] for p in after)
    # a renamed file: its problems move with it
    (root / "organisations/anderer-name.yaml").rename(root / "organisations/ganz-anders-2.yaml")
    after = _same_with_and_without_cache(cli)
    assert ("organisations/ganz-anders-2.yaml", "id-mismatch") in {
        (p["path"], p["code"]) for p in after
    }
    # a file that did not validate is fixed: references to it are fine, and it is checked
    (root / "organisations/falscher-status.yaml").write_text(
        "id: falscher-status\nname: X\nstatus: known\n", encoding="utf-8"
    )
    # the configuration declares a term: it is no longer a problem anywhere
    config = root / "mokoord.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "vocabularies:\n", "vocabularies:\n  event_kinds:\n    rave: {de: Rave, en: Rave}\n", 1
        )
        if "  event_kinds:\n" not in config.read_text(encoding="utf-8")
        else config.read_text(encoding="utf-8").replace(
            "  event_kinds:\n", "  event_kinds:\n    rave: {de: Rave, en: Rave}\n", 1
        ),
        encoding="utf-8",
    )
    after = _same_with_and_without_cache(cli)
    assert "'rave' is not declared" not in json.dumps(after)
    assert len(after) != len(before)


def test_a_branch_switch_is_seen(broken: Store, cli: Cli) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=broken.root, check=True, capture_output=True)

    git("add", "-A")
    git("commit", "-qm", "broken files")
    git("checkout", "-qb", "other")
    (broken.root / "organisations/kaputt-syntax.yaml").unlink()
    (broken.root / "persons/p-zukunf.yaml").write_text("id: p-zukunf\nname: Z\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "fixed on a branch")
    fixed = _same_with_and_without_cache(cli)
    git("checkout", "-q", "-")
    broken_again = _same_with_and_without_cache(cli)
    found = {(p["path"], p["code"]) for p in broken_again} - {(p["path"], p["code"]) for p in fixed}
    assert {
        ("organisations/kaputt-syntax.yaml", "yaml-syntax"),
        ("persons/p-zukunf.yaml", "unknown-reference"),
        ("persons/p-zukunf.yaml", "future-date"),
    } <= found


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which files the index had to read."""
    seen: list[str] = []
    original = index.parse_file

    def counting(root: str, relative: str, kind: str):  # type: ignore[no-untyped-def]
        seen.append(relative)
        return original(root, relative, kind)

    monkeypatch.setattr(index, "parse_file", counting)
    monkeypatch.setattr(index, "PARALLEL_THRESHOLD", 10**9)  # counted in this process
    return seen


def _age_everything(root: Path) -> None:
    then = os.stat(root / "mokoord.yaml").st_mtime - 60
    for path in root.rglob("*.y*ml"):
        if ".mokoord" not in path.parts:
            os.utime(path, (then, then))


def test_an_unchanged_file_is_not_read_again(broken: Store, cli: Cli, parses: list[str]) -> None:
    _age_everything(broken.root)
    first = cli("check", "--json")
    assert len(parses) > 50
    parses.clear()
    again = cli("check", "--json")
    assert parses == []
    assert again.stdout == first.stdout
    path = broken.root / "contacts/2023/2023-04-04-refs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("raumfahrt", "rooms"))
    changed = cli("check", "--json")
    assert parses == ["contacts/2023/2023-04-04-refs.yaml"]
    assert "'raumfahrt'" in first.stdout
    assert "'raumfahrt'" not in changed.stdout


def test_problems_in_another_language_are_worded_again(
    broken: Store, cli: Cli, parses: list[str]
) -> None:
    _age_everything(broken.root)
    english = json.loads(cli("check", "--json").stdout)
    parses.clear()
    german = json.loads(cli("--lang", "de", "check", "--json").stdout)
    assert "keine Organisation mit der Kennung „unbekannt“" in {p["message"] for p in german}

    def unknown_key(found: list[dict[str, Any]]) -> str:
        [message] = [p["message"] for p in found if p["code"] == "unknown-key"]
        return message

    assert unknown_key(german) != unknown_key(english)  # the stored problem, worded again
    # only the files whose problems are stored in words are read again
    assert sorted(parses) == sorted(
        relative
        for relative in BROKEN
        if relative.startswith(
            (
                "organisations/kaputt",
                "persons/p-kaputt",
                "events/2023/2023-05-05",
                "organisations/unbekannter",
                "organisations/falscher",
                "institutions/ohne",
                "contacts/2023/2023-02-02",
                "applications/2023/antrag-kaputt",
                "programmes/",
                "cooperations/koop-kaputt",
                "networks/netz-kaputt",
            )
        )
    )


# --------------------------------------------------------------------------- privacy

KEY = "ab" * 32
TODAY = "2025-06-01"


def _privacy_files() -> dict[str, str]:
    """Persons with and without a legal basis, consent, erased persons (logged, not
    logged, returned), names in free text, contacts past their retention period."""
    from mokoord.models import Person
    from mokoord.privacy.values import fingerprints

    erased = Person(id="p-erikag", name="Erika Gelöscht", email="erika.g@example.org")
    prints = "".join(f"      - {p}\n" for p in fingerprints(erased, KEY))
    org = "afghanische-frauengruppe-nour"
    contact = f"organisations: [{org}]\nchannel: phone\n"
    return {
        "persons/p-ayseoz.yaml": f"id: p-ayseoz\nname: Ayşe Öztürk\norganisation: {org}\n"
        "legal_basis: consent\nconsent:\n  date: 2023-01-10\n  scope: [contact]\n"
        "email: ayse.oeztuerk@example.org\nphone: 0611 5559483\n",
        "persons/p-hansbe.yaml": "id: p-hansbe\nname: Hans Beispiel\nlegal_basis: public_task\n"
        "recorded: 2019-01-01\n",
        "persons/p-ohnegr.yaml": "id: p-ohnegr\nname: Olga Ohnegrund\n",
        "persons/p-konsen.yaml": "id: p-konsen\nname: Karl Konsens\nlegal_basis: consent\n",
        "persons/p-widerr.yaml": "id: p-widerr\nname: Wanda Widerruf\nlegal_basis: consent\n"
        "consent:\n  date: 2022-01-10\n  withdrawn: 2023-06-01\n",
        "persons/p-zukwid.yaml": "id: p-zukwid\nname: Zora Zukunft\nlegal_basis: consent\n"
        "consent:\n  date: 2024-01-10\n  withdrawn: 2031-06-01\n",
        "persons/p-aufgel.yaml": "id: p-aufgel\nname: Anton Aufgelöst\nlegal_basis: public_task\n"
        "organisation: aufgeloester-verein\nrecorded: 2024-01-01\n",
        "persons/p-erikag.yaml": "id: p-erikag\nerased: 2024-02-01\n",
        "persons/p-ohnelg.yaml": "id: p-ohnelg\nerased: 2024-02-01\n",
        "persons/p-zuruck.yaml": "id: p-zuruck\nname: Zacharias Zurück\nlegal_basis: public_task\n",
        "persons/p-neuauf.yaml": "id: p-neuauf\nname: E. G.\nlegal_basis: public_task\n"
        "email: Erika.G@example.org\n",
        "organisations/aufgeloester-verein.yaml": "id: aufgeloester-verein\nname: Aufgelöst e.V.\n"
        "status: dissolved\nstatus_since: 2024-01-01\nnotes: Vorsitz Hans Beispiel\n",
        "erasures/2024-02-01-loeschung.yaml": "id: 2024-02-01-loeschung\ndate: 2024-02-01\n"
        f"by: Test\nreason: Antrag\nkey: {KEY}\npersons:\n  - id: p-erikag\n"
        f"    ground: no_longer_needed\n    fingerprints:\n{prints}"
        "  - id: p-zuruck\n    ground: objection\n",
        "contacts/2023/2023-07-01-namen.yaml": "id: 2023-07-01-namen\ndate: 2023-07-01\n"
        f"{contact}persons: [p-ayseoz]\n"
        "summary: Gespräch mit Frau Öztürk über Räume; Rückruf unter 0611/555 94 83\n"
        "follow_up:\n  date: 2023-08-01\n  done: 2023-08-01\n"
        "  action: ayse.oeztuerk@example.org anschreiben\n",
        "contacts/2023/2023-07-02-geloescht.yaml": "id: 2023-07-02-geloescht\ndate: 2023-07-02\n"
        f"{contact}summary: Erika Gelöscht kam wieder; Mail an erika.g@example.org\n",
        "contacts/2018/2018-03-01-alt.yaml": "id: 2018-03-01-alt\ndate: 2018-03-01\n"
        f"{contact}persons: [p-hansbe]\nsummary: Ein altes Gespräch mit Hans Beispiel\n",
        "contacts/2018/2018-04-01-entfernt.yaml": "id: 2018-04-01-entfernt\ndate: 2018-04-01\n"
        f"{contact}summary: (text removed after its retention period)\n"
        "referrals:\n  - institution: jobcenter\n    reason: Arbeitssuche\n"
        "    outcome: taken_up\n",
        "contacts/2019/2019-05-01-leer.yaml": "id: 2019-05-01-leer\ndate: 2019-05-01\n"
        f"{contact}summary: (Text nach Ablauf der Aufbewahrungsfrist entfernt)\n",
        "contacts/2026/2026-01-01-geplant.yaml": "id: 2026-01-01-geplant\ndate: 2026-01-01\n"
        f"{contact}persons: [p-hansbe]\nsummary: Beispiel, Hans besuchen\nplanned: true\n",
    }


@pytest.fixture
def private(broken: Store) -> Store:
    """The broken store with persons, consent, erasures and free text of every kind."""
    _write(broken.root, _privacy_files())
    return broken


NAME_OF = "this text holds the name of contact person"
BY_ID = ": name persons by id (add-contact --person), not in free text"
PRIVACY_CODES = {
    "legal-basis-missing",
    "consent-without-date",
    "retention-ended",
    "name-in-free-text",
    "erased-data-returned",
    "erased-person-returned",
    "erased-name-in-free-text",
    "erased-without-log",
}


def _as_reference(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What check reports when its privacy checks are the first ones, over whole records."""
    import datetime as dt

    from mokoord import checks
    from privacy_reference import privacy_problems

    today = dt.date.fromisoformat(TODAY)
    with monkeypatch.context() as patch:
        patch.setattr(checks, "RECORD_CHECKS", [])
        others = checks.check_store(store, today=today)
    found = sorted([*others, *privacy_problems(store, today)], key=lambda p: p.sort_key)
    return [problem.as_dict() for problem in found]


def test_privacy_problems_are_the_same_from_the_index_as_over_whole_records(
    private: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _same_with_and_without_cache(cli, "--today", TODAY)
    assert _codes(found) >= PRIVACY_CODES
    assert found == json.loads(json.dumps(_as_reference(private, monkeypatch)))
    places = {(p["path"], p["line"], p["column"], p["code"]) for p in found}
    assert {
        ("contacts/2023/2023-07-01-namen.yaml", 6, 10, "name-in-free-text"),  # name and phone
        ("contacts/2023/2023-07-01-namen.yaml", 10, 11, "name-in-free-text"),  # e-mail
        ("contacts/2018/2018-04-01-entfernt.yaml", 8, 13, "retention-ended"),  # not the summary
        ("persons/p-widerr.yaml", 6, 14, "retention-ended"),  # at the withdrawal
        ("persons/p-aufgel.yaml", 4, 15, "retention-ended"),  # at the organisation
        ("persons/p-neuauf.yaml", 4, 8, "erased-person-returned"),
    } <= places
    assert not any(p["path"] == "contacts/2019/2019-05-01-leer.yaml" for p in found)
    german = cli("--lang", "de", "check", "--json", "--today", TODAY).stdout
    assert german == cli("--lang", "de", "--no-cache", "check", "--json", "--today", TODAY).stdout
    assert [(p["path"], p["line"], p["code"]) for p in json.loads(german)] == [
        (p["path"], p["line"], p["code"]) for p in found
    ]
    assert "die Organisation wurde am 01.01.2024 aufgelöst" in german


def test_privacy_problems_follow_edits_of_persons_contacts_and_erasures(
    private: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = private.root
    _same_with_and_without_cache(cli, "--today", TODAY)
    # a person renamed (the free texts naming the old name name nobody any more), a
    # contact edited within the clock tick of the last check, the erasure log changed
    _touch_same_tick(
        root / "persons/p-ayseoz.yaml",
        (root / "persons/p-ayseoz.yaml").read_text(encoding="utf-8").replace("Öztürk", "Yıldız"),
    )
    _touch_same_tick(
        root / "contacts/2018/2018-03-01-alt.yaml",
        (root / "contacts/2018/2018-03-01-alt.yaml")
        .read_text(encoding="utf-8")
        .replace("Ein altes Gespräch mit", "Frau Yıldız angerufen"),
    )
    (root / "erasures/2024-02-01-loeschung.yaml").unlink()
    found = _same_with_and_without_cache(cli, "--today", TODAY)
    assert found == json.loads(json.dumps(_as_reference(private, monkeypatch)))
    named = [(p["path"], p["message"]) for p in found if p["code"] == "name-in-free-text"]
    assert ("contacts/2018/2018-03-01-alt.yaml", f"{NAME_OF} p-ayseoz{BY_ID}") in named
    assert not any(path.endswith("-namen.yaml") and "the name" in said for path, said in named)
    assert not _codes(found) & {"erased-person-returned", "erased-name-in-free-text"}
    # another day: retention is judged anew
    later = _same_with_and_without_cache(cli, "--today", "2029-01-01")
    assert sum(p["code"] == "retention-ended" for p in later) > sum(
        p["code"] == "retention-ended" for p in found
    )


def test_a_warm_check_looks_for_names_only_in_the_shards_that_changed(
    private: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mokoord.privacy.values import Matcher

    searched: list[str] = []
    find = Matcher.find

    def counting(self: Matcher, text: str):  # type: ignore[no-untyped-def]
        searched.append(text)
        return find(self, text)

    monkeypatch.setattr(Matcher, "find", counting)
    _age_everything(private.root)
    first = cli("check", "--json", "--today", TODAY)
    assert len(searched) > 10
    searched.clear()
    assert cli("check", "--json", "--today", TODAY).stdout == first.stdout
    assert searched == []
    path = private.root / "contacts/2023/2023-07-01-namen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("über Räume", "über Säle"))
    changed = cli("check", "--json", "--today", TODAY)
    assert any(text.startswith("Gespräch mit Frau Öztürk über Säle") for text in searched)
    assert all("Hans Beispiel" not in text for text in searched)  # other shards spared
    assert changed.stdout == first.stdout  # the persons' matcher kept from the first check
