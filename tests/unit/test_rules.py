"""Pure helpers: search keys, ages, password policy, redirect safety, settings."""

from datetime import date

import pytest

from app.auth.operations import normalise_email, safe_next_url
from app.config import normalise_database_url
from app.domain.people import age_on
from app.passwords import hash_password, password_problems, verify_password
from app.text import search_key


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hélène", "helene"),
        ("HÉLÈNE", "helene"),
        ("  Le   Goff ", "le goff"),
        ("N'Diaye", "n'diaye"),
        ("Jean-Pierre", "jean-pierre"),
        ("Œdipe Straße", "œdipe strasse"),
    ],
)
def test_search_key_folds_accents_case_and_spaces(typed, expected):
    """Names are folded the same way whatever their accents, case and spacing."""
    assert search_key(typed) == expected


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2000, 11, 22), date(2026, 11, 22), 26),
        (date(2000, 11, 23), date(2026, 11, 22), 25),
        (date(2000, 2, 29), date(2025, 2, 28), 24),
        (date(2000, 2, 29), date(2025, 3, 1), 25),
    ],
)
def test_age_counts_whole_years_with_birthdays(born, day, age):
    """Age changes on the birthday itself, and a 29 February birthday counts on 1 March."""
    assert age_on(born, day) == age


def test_password_policy_refuses_short_and_guessable():
    """Short and common passwords are refused with a French reason; a passphrase passes."""
    assert "12 caractères" in password_problems("court")[0]
    assert "trop facile" in password_problems("motdepasse123")[0]
    assert "trop facile" in password_problems("azertyuiop12")[0]
    assert password_problems("girafe-violon-tempete-lundi") == []


def test_password_hash_is_argon2id_and_verifies():
    """Hashes are argon2id; a wrong password or a missing hash never verifies."""
    hashed = hash_password("girafe-violon-tempete-lundi")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "girafe-violon-tempete-lundi")
    assert not verify_password(hashed, "girafe-violon-tempete-mardi")
    assert not verify_password(None, "girafe-violon-tempete-lundi")
    assert not verify_password("pas-un-hash", "x")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/participants?q=dupont", "/participants?q=dupont"),
        ("/", "/"),
        (None, None),
        ("", None),
        ("https://exemple.org/", None),
        ("//exemple.org/", None),
        ("/\\exemple.org", None),
        ("javascript:alert(1)", None),
        ("participants", None),
        ("/\x00admin", None),
    ],
)
def test_safe_next_url_accepts_only_local_paths(target, expected):
    """Only a path on this site is an acceptable redirect after login."""
    assert safe_next_url(target) == expected


def test_emails_and_database_urls_are_normalised():
    """E-mails compare without case; postgres URLs get the psycopg 3 driver."""
    assert normalise_email("  Claire.Martin@Exemple.FR ") == "claire.martin@exemple.fr"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
