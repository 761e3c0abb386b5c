"""Authentication rules: lockout counted in the database, password checks, safe redirects."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from app import audit
from app.extensions import db
from app.models import LoginAttempt, User
from app.passwords import hash_password, needs_rehash, verify_password


def normalise_email(email: str) -> str:
    """Compare e-mail addresses without case or surrounding spaces."""
    return (email or "").strip().lower()


def recent_failures(email: str) -> int:
    """Count failed logins for this address within the lockout window."""
    since = datetime.now(UTC) - current_app.config["LOCKOUT_WINDOW"]
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
        )
    )


def is_locked(email: str) -> bool:
    """Whether too many failures were recorded for this address recently."""
    return recent_failures(email) >= current_app.config["LOCKOUT_MAX_FAILURES"]


def authenticate(email: str, password: str, ip: str) -> tuple[User | None, str]:
    """Check credentials; return the user or None, with the outcome ('ok', 'failed', 'locked').

    Unknown addresses are counted and locked exactly like real ones, so neither the message
    nor the lockout tells whether an account exists.
    """
    email = normalise_email(email)
    if is_locked(email):
        audit.record("login.locked", actor=email)
        return None, "locked"
    user = db.session.scalar(sa.select(User).where(User.email == email))
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.active:
        db.session.add(LoginAttempt(email=email, succeeded=False, ip=ip))
        audit.record("login.failure", actor=email, reason=failure_reason(user, valid))
        return None, "failed"
    db.session.add(LoginAttempt(email=email, succeeded=True, ip=ip))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    audit.record("login.success", user=user)
    return user, "ok"


def failure_reason(user: User | None, valid: bool) -> str:
    """Why a login failed, for the audit log only (never shown to the visitor)."""
    if user is None:
        return "unknown_account"
    if not valid:
        return "bad_password"
    return "inactive_account"


def set_password(user: User, password: str, must_change: bool = False) -> None:
    """Store a new password and end every existing session of the user."""
    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    user.must_change_password = must_change
    user.rotate_session_token()


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path as a redirect target, never another site."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
