"""Ids made from names: safe ASCII, stable, never a path outside their folder."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mokoord.slugs import (
    ID_RE,
    MAX_ID_LENGTH,
    is_device_name,
    is_valid_id,
    org_id,
    random_suffix,
    slugify,
    strip_legal_form,
    unique,
)
from mokoord.store import Store


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Deutsch-Türkischer Elternverein Biebrich e.V.",
            "deutsch-tuerkischer-elternverein-biebrich",
        ),
        ("Förderverein Schloßpark Bierstadt e. V.", "foerderverein-schlosspark-bierstadt"),
        ("ÄÖÜ äöü ß", "aeoeue-aeoeue-ss"),
        ("Şehir Kültür Derneği", "sehir-kueltuer-dernegi"),
        ("İstanbul Iğdır Ağaç", "istanbul-igdir-agac"),
        ("Русский культурный центр", "russkii-kulturnyi-tsentr"),
        ("Ελληνική Κοινότητα", "ellenike-koinoteta"),
        ("中国学生学者联合会", "zhong-guo-xue-sheng-xue-zhe-lian-he-hui"),
        ("Đặng Việt Kultur gGmbH", "dang-viet-kultur"),
    ],
)
def test_names_become_readable_ascii_ids(name: str, expected: str) -> None:
    assert org_id(name) == expected
    assert is_valid_id(org_id(name))


def test_arabic_name_becomes_a_valid_ascii_id() -> None:
    slug = org_id("الجمعية العربية الثقافية")
    assert is_valid_id(slug)
    assert slug.isascii()
    assert len(slug) >= 5


@pytest.mark.parametrize("name", ["😀🎉", "---", "....", "../..", "", "   ", "/etc/passwd"])
def test_names_without_letters_still_get_a_safe_id(name: str) -> None:
    slug = org_id(name)
    assert is_valid_id(slug)
    assert "/" not in slug
    assert ".." not in slug


def test_legal_forms_are_left_out() -> None:
    assert strip_legal_form("Elternverein Biebrich e.V.") == "Elternverein Biebrich"
    assert strip_legal_form("Kulturzentrum gGmbH") == "Kulturzentrum"
    assert strip_legal_form("Stiftung") == ""  # nothing but a legal form: org_id falls back
    assert org_id("Stiftung") == "stiftung"


def test_unique_appends_a_number() -> None:
    assert unique("verein", set()) == "verein"
    assert unique("verein", {"verein", "verein-2"}) == "verein-3"


def test_random_suffix_is_a_valid_id_part() -> None:
    for _ in range(50):
        part = random_suffix()
        assert len(part) == 4
        assert is_valid_id(part)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_safe_id(name: str) -> None:
    slug = org_id(name)
    assert ID_RE.match(slug), slug
    assert len(slug) <= MAX_ID_LENGTH
    assert "/" not in slug
    assert "\\" not in slug
    assert ".." not in slug
    assert slug == slug.lower()
    assert slug.isascii()
    assert unique(slug, {slug}) != slug
    assert is_valid_id(unique(slug, {slug}))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_slugify_never_yields_an_invalid_id(name: str) -> None:
    slug = slugify(name)
    assert slug == "" or ID_RE.match(slug), slug


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "..",
        ".",
        "x/../../etc",
        "/etc/passwd",
        "a/b",
        "A",
        "a_b",
        "a--b",
        "-a",
        "a-",
        "",
        "x" * 81,
        "a.yaml",
    ],
)
def test_invalid_ids_are_rejected(bad: str) -> None:
    assert not is_valid_id(bad)


@pytest.mark.parametrize(
    "bad", ["../x", "../../mokoord", "..", "x/../y", "/etc/passwd", "2023/../../x"]
)
def test_find_file_never_leaves_the_store(store: Store, bad: str) -> None:
    (store.root.parent / "x.yaml").write_text("id: x\nname: Outside\n", encoding="utf-8")
    for kind in ("organisation", "contact"):
        assert store.find_file(kind, bad) is None


@pytest.mark.parametrize(
    "name",
    ["CON", "con", "nul.yaml", "Aux.tar.gz", "PRN.", "com1", "COM9.txt", "lpt1 ", "LPT5. ", "com²"],
)
def test_windows_device_names_are_recognised(name: str) -> None:
    assert is_device_name(name)


@pytest.mark.parametrize("name", ["console", "com10", "lpt", "nul-verein", "aux-1", "connect.yaml"])
def test_other_names_are_no_device_names(name: str) -> None:
    assert not is_device_name(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("CON e.V.", "con-e-v"), ("Nul", "nul-1"), ("AUX", "aux-1"), ("LPT1 e. V.", "lpt1-e-v")],
)
def test_an_id_is_never_a_device_name(name: str, expected: str) -> None:
    assert org_id(name) == expected
    assert not is_device_name(slugify(name))


def test_a_device_name_never_becomes_a_file(store: Store) -> None:
    from conftest import Cli

    cli = Cli(store.root)
    result = cli("add-org", "--name", "Aux")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "aux-1"
    result = cli("add-org", "--name", "Konsolenverein", "--id", "con")
    assert result.exit_code == 2
    assert "'con' cannot be a file name: Windows keeps CON for a device" in result.stderr
    assert not (store.root / "organisations" / "con.yaml").exists()
    result = cli("add-institution", "--name", "PRN", "--kind", "other")
    assert result.exit_code == 0, result.output
    assert (store.root / "institutions" / "prn-1.yaml").is_file()
    names = [path.name for path in store.root.rglob("*")]
    assert not any(is_device_name(name) for name in names), names
