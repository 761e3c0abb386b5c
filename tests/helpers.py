"""Helpers shared by the integration tests."""

from datetime import UTC, datetime, timedelta

from app.clock import paris_today


def sign_in(client, user) -> None:
    """Open a session for the user as start_session() does, without the slow password check.

    test_permissions.py checks that this gives the same session as a real login.
    """
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
        session["login_at"] = now
        session["seen_at"] = now
        session.permanent = True


def day(offset: int) -> str:
    """An ISO date `offset` days from today (Paris), as a date input sends it."""
    return (paris_today() + timedelta(days=offset)).isoformat()
