"""Search terms: the strings a typed word must start, and the index range of a prefix."""

import importlib.util
from pathlib import Path

import pytest

from app.text import id_term, name_terms, prefix_bounds, search_key, search_terms

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0010_search_terms.py"


@pytest.mark.parametrize(("name", "terms"), [
    ("dupre helene", {"dupre", "helene"}),
    ("martin jean-pierre", {"martin", "jean-pierre", "pierre"}),
    ("le goff yann", {"le", "goff", "yann"}),
    ("n'diaye aminata", {"ndiaye", "diaye", "aminata"}),
    ("n\N{RIGHT SINGLE QUOTATION MARK}gom moussa", {"ngom", "gom", "moussa"}),
    ("n'diaye-kone awa", {"ndiaye-kone", "diaye-kone", "kone", "awa"}),
    ("o'", {"o"}),
    ("", set()),
])
def test_name_terms(name, terms):
    """Each part of the name and what follows each hyphen or apostrophe, apostrophes left out."""
    assert name_terms(name) == terms


def test_id_term_is_marked_and_folded():
    """An id is folded like a typed word and marked so a name prefix cannot reach it."""
    assert id_term("1234567A") == "#1234567a"
    assert id_term("") is None
    assert search_terms("roux lea", "7654321B") == {"roux", "lea", "#7654321b"}


@pytest.mark.parametrize("prefix", ["mar", "z", "é", "9", "a"])
def test_prefix_bounds_hold_exactly_the_strings_that_start_with_it(prefix):
    """low ≤ s < high exactly when s starts with the prefix, in code-point order."""
    low, high = prefix_bounds(prefix)
    candidates = ["", "a", "lz", "ma", "maq", "mar", "mara", "marz", "mas", "masa", "y", "z",
                  "za", "zz", "{", "é", "éa", "ê", "9", "99", ":", "ab", "b", "ba",
                  "mar\U0010ffff", "z\U0010ffff"]
    for text in candidates:
        assert (low <= text < high) == text.startswith(prefix), (prefix, text)


def test_prefix_bounds_skip_the_surrogates():
    """The character after U+D7FF would be a lone surrogate, which no driver can send."""
    low, high = prefix_bounds("\ud7ff")
    assert high == "\ue000"
    high.encode("utf-8")


def test_the_migration_computes_the_same_terms():
    """Migration 0010 filled the terms of existing participants as the app computes them."""
    spec = importlib.util.spec_from_file_location("search_terms_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for last, first, france_travail_id in [
        ("N'Diaye-Koné", "Aminata", "1234567A"), ("Le Goff", "Yann", ""),
        ("Straße", "Jörg", ""), ("  Dupré ", "Hélène  Marie", "ab 12")]:
        key = search_key(f"{last} {first}")
        assert migration.terms_of(key, france_travail_id) == search_terms(key, france_travail_id)
