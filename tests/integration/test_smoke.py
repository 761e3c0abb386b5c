"""The app starts, serves its health check and login page, and logs a user in."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent


def test_healthz_reports_database_ok(client):
    """The health check answers JSON and reaches the database."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_login_page_is_french_and_secured(client):
    """The login page is in French with the security headers."""
    response = client.get("/login")
    assert response.status_code == 200
    assert "Connexion" in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_referent_logs_in_and_sees_caseload(client, auth, participant, app):
    """A référent lands on their caseload and sees their participant."""
    response = auth.login(participant.referent)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Mon portefeuille" in page.get_data(as_text=True)
    assert "DUPRÉ" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "login.success" in actions
