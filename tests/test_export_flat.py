"""Exports from the index write the same bytes as exports from the models.

An export of organisations reads them as flat rows kept beside the index
(:mod:`mokoord.exchange.flat`), picks contact persons by their facts rows and
looks phone numbers up as dialled before; the CSV is made a column at a time.
Here every export of a store with awkward values is compared with the export
made the way it was before: every organisation and person built as a model,
each cell through :func:`mokoord.sheets.cell`.
"""

from __future__ import annotations

import dataclasses
import io
import marshal
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from mokoord.dataset import KINDS, Dataset
from mokoord.exchange import writers
from mokoord.exchange.exporter import (
    EXPORT_KINDS,
    ExportTable,
    build_export,
    organisation_columns,
)
from mokoord.records import Records
from mokoord.sheets import cell, csv_bytes
from mokoord.store import Store

AWKWARD = {
    "organisations/anfuehrung.yaml": """\
id: anfuehrung
name: 'Verein „Brücke“ "Zitat"; mit Semikolon'
aliases: ['A; B', '"C"']
status: cooperating
legal_form: registered_association
registration: {court: Amtsgericht Wiesbaden, number: VR 1}
founded: 1990
district: biebrich
address: {street: Schloßstraße 3, postal_code: "65203", city: Wiesbaden}
fields: [education, parents_family]
languages: [tr, de]
origins: [TR, SY]
members: {count: 40}
paid_staff: true
rooms: {own: false, offered_to_others: true}
offered_formats: [counselling]
needs:
  - {category: rooms, since: 2023-01-10}
  - {category: funding, status: met, closed: 2023-05-01}
  - {category: rooms, since: 2023-02-01}
website: https://bruecke.example.org
email: info@bruecke.example.org
phone: +44 20 7946 0000
tags: [schule]
goals: "=SUMME(A1:A3)"
notes: "erste Zeile\\nzweite; Zeile mit \\"Zitat\\""
known_since: 2021-03-01
last_verified: 2023-02-01
""",
    "organisations/formel.yaml": """\
id: formel
name: "-minus Verein"
district: mitte
phone: "0611 555000"
notes: "@SUM(A1:A9)"
aliases: ["-Strich", Formel]
known_since: 2022-01-01
""",
    "organisations/plus.yaml": """\
id: plus
name: "+plus e.V."
phone: "+49 611 555000"
""",
    "organisations/leer.yaml": "id: leer\nname: Leer\n",
    "persons/p-aaaaaa.yaml": "id: p-aaaaaa\nerased: 2024-02-01\n",
    "persons/p-aaaaab.yaml": """\
id: p-aaaaab
name: Wanda Widerruf
organisation: anfuehrung
legal_basis: consent
consent: {date: 2022-01-10, withdrawn: 2023-06-01}
email: wanda@example.org
""",
    "persons/p-bbbbbb.yaml": """\
id: p-bbbbbb
name: 'Jörg "Jo" Müller; Vorstand'
organisation: anfuehrung
role: "=Vorsitz"
email: joerg@example.org
phone: +49 611 999999
legal_basis: public_task
""",
    "persons/p-cccccc.yaml": """\
id: p-cccccc
name: Zweite Person
organisation: anfuehrung
legal_basis: public_task
""",
    "persons/p-dddddd.yaml": """\
id: p-dddddd
name: "@Kontakt"
organisation: formel
phone: "0611 12345"
legal_basis: public_task
""",
    "persons/p-eeeeee.yaml": "id: p-eeeeee\nname: Ohne Verein\nlegal_basis: public_task\n",
}

SELECTIONS: list[dict[str, Any]] = [
    {},
    {"personal_data": True},
    {"anonymous": True},
    {"fields": ["contact_phone", "phone", "id", "founded", "paid_staff", "contact_name"]},
    {"fields": ["known_since", "open_needs", "languages", "name"]},
]


@pytest.fixture
def awkward(store: Store, write) -> Store:  # type: ignore[no-untyped-def]
    for relative, text in AWKWARD.items():
        _age(write(relative, text))
    subprocess.run(["git", "add", "-A"], cwd=store.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "awkward"], cwd=store.root, check=True)
    assert store.load().problems == []
    return store


def _age(path: Path) -> None:
    """Make a file look written a while ago (so the index trusts it and keeps memos)."""
    then = time.time() - 10
    os.utime(path, (then, then))


def _plain(data: Dataset) -> Dataset:
    """The same records as plain mappings: every one built, no rows, nothing kept."""
    copy = dataclasses.replace(data)
    for spec in KINDS.values():
        setattr(copy, spec.folder, dict(data.records(spec.name).items()))
    return copy


def _model_table(data: Dataset, fast: ExportTable) -> ExportTable:
    """The table of ``fast`` as it was made before: the organisations' models, sorted."""
    columns = {column.key: column for column in organisation_columns(data, fast.lang)}
    records = sorted(data.organisations.values(), key=lambda org: org.id)
    return ExportTable("organisations", [columns[c.key] for c in fast.columns], records, fast.lang)


def _cell_by_cell(table: ExportTable) -> bytes:
    """The CSV as it was written before: every value displayed, then through ``cell``."""

    def text(column: Any, value: Any) -> str:
        if column.key in writers.PHONE_KEYS:
            return cell(value, kind="phone", lang=table.lang)
        if column.type in ("date", "money", "int"):
            return cell(value, kind=column.type, lang=table.lang)
        return cell(None if value is None else str(value), lang=table.lang)

    rows = [
        [text(column, value) for column, value in zip(table.columns, row, strict=True)]
        for row in table.display_rows()
    ]
    return csv_bytes(table.headers(), rows)


def _sheet(content: bytes) -> list[list[tuple[Any, str]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def _built(records: Any) -> int:
    assert isinstance(records, Records)
    return records.built


@pytest.mark.parametrize("lang", ["de", "en"])
def test_organisations_from_kept_rows_are_written_as_from_the_models(
    awkward: Store, lang: str
) -> None:
    writers.to_csv(build_export(awkward.load(), "organisations"))  # what is kept: made
    for options in SELECTIONS:
        fast_data = awkward.load()
        fast = build_export(fast_data, "organisations", lang=lang, **options)
        content = writers.to_csv(fast)
        assert _built(fast_data.organisations) == 0, options  # no organisation built
        personal = {"contact_name", "contact_phone"} & {c.key for c in fast.columns}
        assert _built(fast_data.persons) == (2 if personal else 0), options

        plain = _plain(awkward.load())
        before = _model_table(plain, build_export(plain, "organisations", lang=lang, **options))
        assert content == _cell_by_cell(before), options
        assert content == writers.to_csv(before), options
        assert writers.to_json(fast) == writers.to_json(before), options
        assert _sheet(writers.to_xlsx(fast)) == _sheet(writers.to_xlsx(before)), options


def test_the_awkward_values_are_written_as_german_excel_reads_them(awkward: Store) -> None:
    data = awkward.load()
    content = writers.to_csv(build_export(data, "organisations", personal_data=True))
    text = content.decode("utf-8-sig")
    assert '"Verein „Brücke“ ""Zitat""; mit Semikolon"' in text
    assert '"erste Zeile\nzweite; Zeile mit ""Zitat"""' in text
    assert ";'=SUMME(A1:A3);" in text
    assert "'-minus Verein" in text
    assert "'@SUM(A1:A9)" in text
    assert ";'-Strich, Formel;" in text
    assert ";0044 20 7946 0000;" in text  # as dialled, no apostrophe
    assert ";0611 555000;" in text
    assert "'+plus e.V." in text
    # the first person who may be contacted: not Wanda (consent withdrawn)
    assert '"Jörg ""Jo"" Müller; Vorstand";\'=Vorsitz;joerg@example.org;0611 999999' in text
    assert "Wanda" not in text
    assert ";'@Kontakt;;;0611 12345;" in text


def test_every_kind_and_format_is_written_as_cell_by_cell(demo: Store) -> None:
    demo.load()
    data = demo.load()
    for kind in EXPORT_KINDS:
        for options in ({}, {"personal_data": True}, {"anonymous": True}):
            table = build_export(data, kind, lang="de", **options)
            if kind == "organisations":
                before = _model_table(_plain(demo.load()), table)
                assert writers.to_json(table) == writers.to_json(before)
            else:
                before = table
            assert table.records, kind
            assert writers.to_csv(table) == _cell_by_cell(before), (kind, options)


def test_a_changed_organisation_or_person_is_exported_as_it_now_is(
    cli, awkward: Store, write
) -> None:  # type: ignore[no-untyped-def]
    first = cli("export", "organisations", "--personal-data")
    assert first.exit_code == 0, first.output
    assert cli("export", "organisations", "--personal-data").stdout == first.stdout
    assert "0044 20 7946 0000" in first.stdout
    assert "Jörg" in first.stdout

    text = AWKWARD["organisations/anfuehrung.yaml"]
    text = text.replace("phone: +44 20 7946 0000", "phone: +49 30 1234567")
    _age(write("organisations/anfuehrung.yaml", text.replace("mit Semikolon", "umbenannt")))
    person = AWKWARD["persons/p-bbbbbb.yaml"].replace("public_task", "consent")
    _age(
        write(
            "persons/p-bbbbbb.yaml", person + "consent: {date: 2022-01-10, withdrawn: 2023-06-01}\n"
        )
    )
    after = cli("export", "organisations", "--personal-data")
    assert after.exit_code == 0, after.output
    assert "umbenannt" in after.stdout
    assert "mit Semikolon" not in after.stdout
    assert "030 1234567" in after.stdout
    assert "0044" not in after.stdout
    assert "Jörg" not in after.stdout
    assert "Zweite Person" in after.stdout
    assert cli("--no-cache", "export", "organisations", "--personal-data").stdout == after.stdout


@pytest.mark.parametrize(
    "damage", ["garbage", "short rows", "unknown id", "not a date", "bad phone"]
)
def test_a_damaged_kept_export_is_made_again(cli, awkward: Store, damage: str) -> None:  # type: ignore[no-untyped-def]
    right = cli("export", "organisations", "--personal-data").stdout
    memos = sorted((awkward.root / ".mokoord" / "index" / "organisation").glob("*.memo"))
    assert {path.name.split("-")[0] for path in memos} >= {"flat", "dialled"}
    for path in memos:
        if damage == "garbage":
            path.write_bytes(b"\x00not marshal")
            continue
        stamp, value = marshal.loads(path.read_bytes())
        if isinstance(value, dict):
            value = dict.fromkeys(value, 49) if damage == "bad phone" else value
        elif damage == "short rows":
            value = [row[:3] for row in value]
        elif damage == "unknown id":
            value = [("nobody", *row[1:]) for row in value]
        elif damage == "not a date":
            value = [
                tuple("31.12.2023" if item == "2021-03-01" else item for item in row)
                for row in value
            ]
        path.write_bytes(marshal.dumps((stamp, value)))
    assert cli("export", "organisations", "--personal-data").stdout == right


def test_rows_kept_by_an_earlier_mokoord_are_removed_not_piled_up(cli, awkward: Store) -> None:  # type: ignore[no-untyped-def]
    """Each update of mokoord keeps its export rows under a new name; the old ones are
    never read again and go when the new ones are written."""
    right = cli("export", "organisations", "--personal-data").stdout
    folder = awkward.root / ".mokoord" / "index" / "organisation"
    current = {path.name for path in folder.glob("*.memo")}
    for path in folder.glob("*.memo"):
        path.unlink()
    earlier = {"flat-0123456789abcdef.memo", "dialled-phones-fedcba9876543210.memo"}
    unrelated = {"flatten-0123456789abcdef.memo", "organisations-named.memo"}
    for name in earlier | unrelated:
        (folder / name).write_bytes(marshal.dumps((b"an earlier stamp", [])))
    assert cli("export", "organisations", "--personal-data").stdout == right
    assert {path.name for path in folder.glob("*.memo")} == current | unrelated
