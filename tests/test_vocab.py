"""Terms as people type them: key, German or English label, any case, accents or
umlaut spelling, a unique beginning; clear errors for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mokoord import i18n
from mokoord.errors import UsageError
from mokoord.models import Config, Organisation
from mokoord.vocab import label, labels, resolve, resolve_all, resolve_in_record

CONFIG = Config()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    before = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


@pytest.mark.parametrize(
    ("vocabulary", "typed", "key"),
    [
        ("districts", "biebrich", "biebrich"),  # the key
        ("districts", "Biebrich", "biebrich"),  # the label, any case
        ("districts", "BIEBRICH", "biebrich"),
        ("districts", "Südost", "suedost"),
        ("districts", "sudost", "suedost"),  # accents ignored
        ("districts", "Heßloch", "hessloch"),
        ("districts", "Bieb", "biebrich"),  # a unique beginning
        ("fields", "Kultur", "culture"),  # German label
        ("fields", "culture", "culture"),
        ("fields", "Parents and family", "parents_family"),  # English label
        ("fields", "parents family", "parents_family"),  # the key with spaces
        ("topics", "Förderung und Finanzierung", "funding"),
        ("topics", "foerderung", "funding"),  # ö written oe
        ("channels", "Telefon", "phone"),
        ("channels", "E-Mail", "email"),
        ("statuses", "im Gespräch", "in_dialogue"),  # a fixed vocabulary, German
        ("statuses", "in dialogue", "in_dialogue"),
        ("statuses", "kooperierend", "cooperating"),
        ("outcomes", "wahrgenommen", "taken_up"),
        ("legal_forms", "Eingetragener Verein (e.V.)", "registered_association"),
    ],
)
def test_a_term_is_found_by_key_or_label(vocabulary: str, typed: str, key: str) -> None:
    with speaking("de"):
        assert resolve(CONFIG, vocabulary, typed, flag="--x") == key


def test_an_ambiguous_beginning_names_the_candidates() -> None:
    with pytest.raises(UsageError) as raised:
        resolve(CONFIG, "districts", "Mainz", flag="--district")
    message = raised.value.message
    assert message.startswith("--district: 'Mainz' could mean")
    for name in ("Mainz-Amöneburg", "Mainz-Kastel", "Mainz-Kostheim"):
        assert name in message


def test_an_unknown_term_names_the_flag_the_closest_labels_and_where_terms_live() -> None:
    with pytest.raises(UsageError) as raised:
        resolve(CONFIG, "districts", "Biebrch", flag="--district")
    assert raised.value.message.startswith("--district: 'Biebrch' is not a known district")
    assert "Biebrich" in raised.value.message
    assert (
        raised.value.hint == "the terms are declared in mokoord.yaml under vocabularies.districts"
    )


def test_an_unknown_fixed_term_lists_what_is_allowed() -> None:
    with pytest.raises(UsageError) as raised:
        resolve(CONFIG, "outcomes", "vielleicht", flag="--outcome")
    assert raised.value.hint is not None
    assert raised.value.hint.startswith("allowed: pending, taken up, not taken up")


def test_errors_come_in_german_too() -> None:
    with speaking("de"), pytest.raises(UsageError) as raised:
        resolve(CONFIG, "districts", "Biebrch", flag="--district")
    assert raised.value.message == (
        "--district: „Biebrch“ ist unbekannt (Stadtteil); gemeint ist vielleicht „Biebrich“?"
    )
    assert raised.value.hint == "die Begriffe stehen in mokoord.yaml unter vocabularies.districts"


def test_open_and_empty_vocabularies_keep_what_is_written() -> None:
    assert resolve(CONFIG, "roles", "Vorsitz", flag="--role") == "chair"
    assert resolve(CONFIG, "roles", "Kulturbeauftragte", flag="--role") == "Kulturbeauftragte"
    assert resolve(CONFIG, "tags", "Sommer Fest", flag="--tag") == "sommer_fest"


def test_labels_follow_the_language() -> None:
    with speaking("de"):
        assert label(CONFIG, "statuses", "in_dialogue") == "im Gespräch"
        assert labels(CONFIG, "fields", ["culture", "youth"]) == "Kultur, Jugend"
        assert label(CONFIG, "languages", "uk") == "Ukrainisch"
    with speaking("en"):
        assert label(CONFIG, "statuses", "in_dialogue") == "in dialogue"
        assert labels(CONFIG, "fields", ["culture", "youth"]) == "Culture, Youth"
    assert label(CONFIG, "districts", "atlantis") == "atlantis"  # undeclared: as it is


def test_repeats_are_dropped_in_order() -> None:
    assert resolve_all(CONFIG, "fields", ["Kultur", "culture", "Jugend"], flag="--field") == [
        "culture",
        "youth",
    ]


def test_a_record_given_by_labels_gets_its_keys() -> None:
    data = {
        "id": "x",
        "name": "X",
        "district": "Biebrich",
        "fields": ["Kultur", "youth"],
        "needs": [{"category": "Räume", "status": "offen"}],
        "status": "kontaktiert",
    }
    with speaking("de"):
        resolved = resolve_in_record(CONFIG, Organisation, data)
    assert resolved["district"] == "biebrich"
    assert resolved["fields"] == ["culture", "youth"]
    assert resolved["needs"] == [{"category": "rooms", "status": "open"}]
    assert resolved["status"] == "contacted"
    Organisation.model_validate(resolved)
