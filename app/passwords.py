"""Password hashing (argon2id) and the strength policy (12+ characters, zxcvbn score 3+)."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3
# zxcvbn is slow on very long inputs; a passphrase longer than this is strong anyway.
ZXCVBN_MAX_INPUT = 100
MAX_LENGTH = 256

hasher = PasswordHasher()
# Verifying against this hash for unknown accounts keeps timing equal to a real check.
DUMMY_HASH = hasher.hash("jalons-compte-inexistant")


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password against a hash, taking the same time when there is no account."""
    try:
        return hasher.verify(stored_hash or DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether the hash was made with older parameters."""
    return hasher.check_needs_rehash(stored_hash)


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """List, in French, why a new password is refused; an empty list means it is accepted."""
    if len(password) < MIN_LENGTH:
        return [f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."]
    if len(password) > MAX_LENGTH:
        return [f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères."]
    words = [word for word in (user_inputs or []) if word][:20]
    result = zxcvbn(password[:ZXCVBN_MAX_INPUT], user_inputs=words)
    if result["score"] < MIN_SCORE:
        return [
            "Ce mot de passe est trop facile à deviner. Choisissez une phrase de plusieurs "
            "mots sans lien entre eux, par exemple quatre mots séparés par des tirets."
        ]
    return []


def generate_temporary_password() -> str:
    """Return a strong random password to hand over once, on a reset."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))
