"""Sessions: token-based user loading, idle and absolute timeouts, forced password change."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import audit, reference_data
from app.extensions import db, login_manager
from app.models import User

# Endpoints a user who must change their password may still reach.
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "main.healthz", "static",
                  "bootstrap.static"}


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Find the active user whose current session token the cookie carries.

    The same statement reads the reference data's stamp (app/reference_data.py): every page
    loads the user first, so the pages that only read learn it without a round trip more.
    """
    found = db.session.execute(
        sa.select(User, reference_data.stamp_column())
        .where(User.session_token == session_token, User.active.is_(True))
    ).one_or_none()
    if found is None:
        return None
    user, stamp = found
    reference_data.note_stamp(stamp)
    return user


def start_session(user: User) -> None:
    """Log the user in on a clean session and stamp its start."""
    session.clear()
    login_user(user)
    now = datetime.now(UTC).timestamp()
    session["login_at"] = now
    session["seen_at"] = now
    session.permanent = True


def end_session() -> None:
    """Log out and forget everything kept in the session cookie."""
    logout_user()
    session.clear()


def session_expired() -> bool:
    """Tell whether the idle or the absolute timeout has passed."""
    now = datetime.now(UTC).timestamp()
    login_at = session.get("login_at")
    seen_at = session.get("seen_at")
    if login_at is None or seen_at is None:
        return True
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    return now - seen_at > idle or now - login_at > absolute


def check_session():
    """Before each request: end expired sessions and send users who must change password on."""
    if request.endpoint in {"static", "bootstrap.static", "main.healthz"}:
        return None
    if not current_user.is_authenticated:
        return None
    if session_expired():
        audit.record_now("session.expired")
        end_session()
        if request.method == "POST":
            # Let the unauthorised handler show the typed text back instead of losing it.
            return login_manager.unauthorized()
        flash("Votre session a expiré. Reconnectez-vous pour continuer.", "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session["seen_at"] = datetime.now(UTC).timestamp()
    if current_user.must_change_password and request.endpoint not in OPEN_ENDPOINTS:
        flash("Choisissez un nouveau mot de passe avant de continuer.", "warning")
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app) -> None:
    """Register the session checks on the application."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the rotating token does this job
    app.before_request(check_session)
