"""CSRF with the check on: refused posts give the typed text back, valid ones save."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Participant, User
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    """Turn CSRF protection on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def token_from(response) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, user) -> None:
    """Log in through the form, with the token the login page hands out."""
    token = token_from(client.get("/login"))
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def new_participant(referent, **extra) -> dict:
    """Form data for a new participant typed by the référent."""
    return {
        "last_name": "Lefèvre-Quintin",
        "first_name": "Apolline",
        "sex": "F",
        "birth_date": "1992-02-29",
        "city": "Chinon-sur-Vienne",
        "referent_id": str(referent.id),
        **extra,
    }


def participant_count() -> int:
    """How many participants are stored."""
    return db.session.scalar(sa.select(sa.func.count(Participant.id)))


@pytest.mark.parametrize("token", [None, "", "jeton-invente"])
def test_post_without_valid_token_shows_typed_text(client, referent, token):
    """A post without a valid token answers 400 in French, shows the typed text, saves nothing."""
    login(client, referent)
    data = new_participant(referent)
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/participants/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le formulaire n'a pas pu être enregistré" in page
    assert "Ce que vous aviez saisi" in page
    assert "Lefèvre-Quintin" in page
    assert "Chinon-sur-Vienne" in page
    assert "jeton-invente" not in page
    assert participant_count() == 0


def test_post_with_token_saves(client, referent):
    """The same post with the token scraped from the form page is saved."""
    login(client, referent)
    token = token_from(client.get("/participants/new"))
    response = client.post("/participants/new", data=new_participant(referent, csrf_token=token))
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Participant))
    assert (saved.last_name, saved.city) == ("Lefèvre-Quintin", "Chinon-sur-Vienne")


def test_login_needs_token(client, referent):
    """The login form is protected too: without its token no session opens."""
    response = client.post("/login", data={"email": referent.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 400
    assert factories.PASSWORD not in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_needs_token(client, referent):
    """A forged logout (no token) is refused and the session goes on."""
    login(client, referent)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_admin_action_needs_token(app, client, admin, other_referent):
    """A sensitive admin action without its token changes nothing."""
    login(client, admin)
    response = client.post(f"/admin/users/{other_referent.id}/deactivate")
    assert response.status_code == 400
    assert db.session.get(User, other_referent.id).active is True
    page = client.get(f"/admin/users/{other_referent.id}/deactivate")
    response = client.post(f"/admin/users/{other_referent.id}/deactivate",
                           data={"csrf_token": token_from(page)})
    assert response.status_code == 302
    assert db.session.get(User, other_referent.id).active is False


def test_csrf_time_limit_is_a_working_day(app):
    """The token lives at least eight hours (or forever), so a long note still posts."""
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit is None or limit >= 8 * 3600


def test_form_opened_eight_hours_ago_still_posts(client, referent):
    """A form left open all day posts with its original token while the session lives."""
    with time_machine.travel(START, tick=False) as traveller:
        login(client, referent)
        token = token_from(client.get("/participants/new"))
        for _ in range(4):  # work goes on in another tab, keeping the session alive
            traveller.shift(timedelta(hours=1, minutes=55))
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=21))  # 8 h 01 min after the form was opened
        response = client.post("/participants/new",
                               data=new_participant(referent, csrf_token=token))
    assert response.status_code == 302
    assert participant_count() == 1
