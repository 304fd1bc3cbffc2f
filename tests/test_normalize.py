"""One normalisation for names: transliteration variants fold together."""

import pytest

from kg.normalize import clean_typography, name_key, name_keys


@pytest.mark.parametrize(
    "variants",
    [
        ["Deir ez-Zour", "Deir ez-Zor", "Dayr az-Zawr", "Deir al-Zour"],
        ["Lattakia", "Latakia"],
        ["ar-Raqqa", "al-Raqqah", "Raqqa", "Raqqah"],
        ["Hamah", "Hama"],
        ["Qamishli", "Kamishli"],
        ["Bashar al-Assad", "Bashar Assad"],
    ],
)
def test_variants_share_a_key(variants):
    keys = [name_keys(v) for v in variants]
    assert all(keys[0] & k for k in keys[1:]), keys


def test_glued_article_spelling_matches():
    assert name_keys("Deir Ezzor") & name_keys("Deir ez-Zour")


def test_distinct_places_stay_distinct():
    assert name_key("Homs") != name_key("Hama")
    assert name_key("Idlib") != name_key("Aleppo")


def test_typography_cleaning_keeps_length():
    text = "ISIS’s “gains” – near Dera’a\u00a0Province—today"
    assert len(clean_typography(text)) == len(text)
    assert clean_typography(text) == "ISIS's \"gains\" - near Dera'a Province-today"
