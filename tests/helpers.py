"""Helpers shared by the integration tests."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from app.clock import paris_today
from app.extensions import db


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


@contextmanager
def count_queries():
    """Count the SQL statements sent while the block runs."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        """Remember one statement."""
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
