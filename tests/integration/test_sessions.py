"""Sessions and login: cookie replay, timeouts, lockout, login messages, redirects, passwords."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app
from app.auth.views import FAILED_MESSAGE, LOCKED_MESSAGE
from app.extensions import db
from app.models import AuditEvent, LoginAttempt, Participant, User
from tests import factories

# Requests reuse the test's application context; without this, `g` would hand one client's
# user to the next request, even from another client, and a replayed cookie would look alive.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")

COOKIE = "jalons_session"
# A Monday morning; session timestamps are read from datetime.now(UTC), which time_machine moves.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
NEW_PASSWORD = "girafe-bruyere-lanterne-77"


def session_cookie(client) -> str:
    """The value of the client's session cookie."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def replay(app, cookie_value: str):
    """A second browser holding a copy of someone's session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie_value)
    return thief


def sent_to_login(response) -> bool:
    """Whether the response redirects to the login page."""
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def actions(name: str, user=None) -> list[AuditEvent]:
    """Audit events with this action (for one user if given)."""
    query = sa.select(AuditEvent).where(AuditEvent.action == name)
    if user is not None:
        query = query.where(AuditEvent.user_id == user.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def login_error(response) -> str:
    """The error message shown on the login page, or ''."""
    match = re.search(r'data-testid="login-error">([^<]*)<', response.get_data(as_text=True))
    return html.unescape(match.group(1)) if match else ""


def page_without(response, email: str) -> str:
    """The page text with the echoed address and any CSRF token blanked, to compare pages."""
    text = response.get_data(as_text=True).replace(email, "@")
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", text)


def failures(email: str) -> int:
    """Failed login attempts stored for this address."""
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(False)
        )
    )


# Cookie replay -------------------------------------------------------------------------------


def test_copied_cookie_dies_at_logout(app, client, auth, referent):
    """A session cookie copied before logout no longer opens a session after it."""
    auth.login(referent)
    copied = session_cookie(client)
    thief = replay(app, copied)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    assert sent_to_login(auth.logout())
    assert sent_to_login(thief.get("/"))
    assert sent_to_login(thief.get("/participants"))
    assert thief.post("/participants/new", data={"last_name": "X"}).status_code == 401


def test_copied_cookie_dies_at_password_change(app, client, auth, referent):
    """Changing one's password ends every other session; the current one continues."""
    auth.login(referent)
    thief = replay(app, session_cookie(client))
    assert thief.get("/").status_code == 200
    response = client.post("/password", data={
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert sent_to_login(thief.get("/"))
    assert client.get("/").status_code == 200
    assert len(actions("password.change", referent)) == 1


def test_copied_cookie_dies_at_deactivation(app, client, auth, referent, admin):
    """When the admin deactivates an account, its open sessions end at once."""
    auth.login(referent)
    copied = session_cookie(client)
    admin_client = app.test_client()
    assert admin_client.post("/login", data={"email": admin.email,
                                              "password": factories.PASSWORD}).status_code == 302
    response = admin_client.post(f"/admin/users/{referent.id}/deactivate")
    assert response.status_code == 302
    assert db.session.get(User, referent.id).active is False
    assert sent_to_login(client.get("/"))
    assert sent_to_login(replay(app, copied).get("/"))


def test_session_cookie_flags(client, auth, referent):
    """The session cookie is HttpOnly and SameSite=Lax."""
    response = auth.login(referent)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


# Timeouts ------------------------------------------------------------------------------------


def test_idle_timeout_after_two_hours(client, auth, referent):
    """Activity keeps the session alive; two hours without a request end it, audited."""
    with time_machine.travel(START, tick=False) as traveller:
        auth.login(referent)
        traveller.shift(timedelta(hours=1, minutes=59))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(hours=1, minutes=59))
        assert client.get("/").status_code == 200  # idle time counts from the last request
        traveller.shift(timedelta(hours=2, minutes=1))
        response = client.get("/participants")
        assert response.status_code == 302
        assert response.headers["Location"] == "/login?next=/participants"
        assert len(actions("session.expired", referent)) == 1
        assert "Votre session a expiré" in client.get("/login").get_data(as_text=True)
        assert sent_to_login(client.get("/"))


def test_absolute_timeout_after_twelve_hours(client, auth, referent):
    """Even an active session ends twelve hours after login, audited."""
    with time_machine.travel(START, tick=False) as traveller:
        auth.login(referent)
        for _ in range(6):  # a request every 1 h 50 min: never idle, up to 11 h after login
            traveller.shift(timedelta(hours=1, minutes=50))
            assert client.get("/").status_code == 200
        assert actions("session.expired") == []
        traveller.shift(timedelta(hours=1, minutes=1))
        assert sent_to_login(client.get("/"))
        assert len(actions("session.expired", referent)) == 1


def test_post_after_expiry_shows_typed_text(client, auth, referent):
    """A form posted after the session expired answers 401 with the typed text, saving nothing."""
    with time_machine.travel(START, tick=False) as traveller:
        auth.login(referent)
        traveller.shift(timedelta(hours=2, minutes=1))
        response = client.post("/participants/new", data={
            "last_name": "Lefèvre-Quintin",
            "first_name": "Apolline",
            "city": "Chinon-sur-Vienne",
            "referent_id": str(referent.id),
        })
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Votre session a expiré" in page
    assert "Lefèvre-Quintin" in page
    assert "Chinon-sur-Vienne" in page
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
    assert len(actions("session.expired", referent)) == 1


# Lockout -------------------------------------------------------------------------------------


def test_ten_failures_lock_the_address(app, client, auth, referent):
    """Ten failures lock the address, counted in the database, seen by every worker."""
    variants = [referent.email, referent.email.upper(), f"  {referent.email} "]
    for attempt in range(10):
        response = auth.login(variants[attempt % 3], "pas-le-bon-mot-de-passe")
        assert response.status_code == 401
        assert login_error(response) == FAILED_MESSAGE
    assert failures(referent.email) == 10

    response = auth.login(referent)  # the right password, too late
    assert response.status_code == 401
    assert login_error(response) == LOCKED_MESSAGE
    assert "Trop de tentatives" in LOCKED_MESSAGE
    assert sent_to_login(client.get("/"))
    assert len(actions("login.locked")) == 1

    # Another worker process (a second app on the same database) refuses the login too.
    other_worker = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {
        "poolclass": sa.pool.NullPool}})
    email = referent.email
    # End this test's own transaction first: on SQLite every transaction is BEGIN IMMEDIATE.
    db.session.rollback()
    response = other_worker.test_client().post(
        "/login", data={"email": email, "password": factories.PASSWORD}
    )
    assert login_error(response) == LOCKED_MESSAGE


def test_nine_failures_do_not_lock(client, auth, referent):
    """Below ten recent failures the right password still opens a session."""
    factories.LoginAttemptFactory.create_batch(9, email=referent.email)
    assert auth.login(referent).status_code == 302


def test_unknown_address_locked_like_a_real_one(client, auth, referent):
    """An unknown address is counted and locked exactly like an existing account."""
    unknown = "personne@exemple.fr"
    auth.login(unknown, factories.PASSWORD)
    assert failures(unknown) == 1  # counted although no account exists
    factories.LoginAttemptFactory.create_batch(9, email=unknown)
    factories.LoginAttemptFactory.create_batch(10, email=referent.email)

    for_unknown = auth.login(unknown, factories.PASSWORD)
    for_real = auth.login(referent, factories.PASSWORD)
    assert for_unknown.status_code == for_real.status_code == 401
    assert login_error(for_unknown) == login_error(for_real) == LOCKED_MESSAGE
    assert page_without(for_unknown, unknown) == page_without(for_real, referent.email)


def test_lock_lifts_after_fifteen_minutes(client, auth, referent):
    """The lock holds for fifteen minutes after the failures, then login works again."""
    with time_machine.travel(START, tick=False) as traveller:
        factories.LoginAttemptFactory.create_batch(10, email=referent.email)
        traveller.shift(timedelta(minutes=14, seconds=59))
        assert login_error(auth.login(referent)) == LOCKED_MESSAGE
        traveller.shift(timedelta(seconds=2))
        response = auth.login(referent)
        assert response.status_code == 302
        assert client.get("/").status_code == 200


# Login messages ------------------------------------------------------------------------------


def test_login_failures_do_not_reveal_accounts(client, auth, referent, other_referent):
    """Unknown address, wrong password and deactivated account get the same answer."""
    other_referent.active = False
    db.session.commit()
    unknown = auth.login("inconnu@exemple.fr", factories.PASSWORD)
    wrong = auth.login(referent, "pas-le-bon-mot-de-passe")
    inactive = auth.login(other_referent, factories.PASSWORD)  # right password
    assert unknown.status_code == wrong.status_code == inactive.status_code == 401
    assert login_error(unknown) == login_error(wrong) == login_error(inactive) == FAILED_MESSAGE
    pages = {
        page_without(response, email)
        for response, email in [(unknown, "inconnu@exemple.fr"), (wrong, referent.email),
                                (inactive, other_referent.email)]
    }
    assert len(pages) == 1
    # Only the audit log, read by supervisors, says which case it was.
    reasons = [event.detail for event in actions("login.failure")]
    assert ["unknown_account" in reasons[0], "bad_password" in reasons[1],
            "inactive_account" in reasons[2]] == [True, True, True]


# Redirect after login ------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example",
    "/\\evil",
    "///evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "https:evil.example",
])
def test_next_never_leaves_the_site(client, referent, target):
    """A next parameter pointing anywhere but a local path sends the user home instead."""
    response = client.post("/login", query_string={"next": target},
                           data={"email": referent.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_next_is_honoured(client, referent):
    """A local next path is where the user lands after login."""
    response = client.post("/login", query_string={"next": "/participants?q=dup"},
                           data={"email": referent.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/participants?q=dup"


# Passwords -----------------------------------------------------------------------------------


def test_forced_password_change_after_reset(app, client, auth, referent, admin):
    """After an admin reset, old sessions end and every page leads to /password until changed."""
    auth.login(referent)
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
    shown = admin_client.post(f"/admin/users/{referent.id}/reset-password")
    assert shown.status_code == 200
    temporary = re.search(r'data-testid="temporary-password">([^<]+)<',
                          shown.get_data(as_text=True)).group(1)
    assert sent_to_login(client.get("/"))  # the reset ended the open session

    assert auth.login(referent, temporary).status_code == 302
    for url in ("/", "/participants", "/participants/new"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/password"
    response = client.post("/participants/new", data={"last_name": "Martin"})
    assert response.headers["Location"] == "/password"
    assert client.get("/password").status_code == 200
    assert client.get("/healthz").status_code == 200

    response = client.post("/password", data={
        "current_password": temporary, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert db.session.get(User, referent.id).must_change_password is False
    assert client.get("/").status_code == 200
    assert client.get("/participants").status_code == 200


@pytest.mark.parametrize(("new_password", "confirm", "message"), [
    ("court-2026", None, "au moins 12 caractères"),
    ("motdepasse123", None, "trop facile à deviner"),
    ("aaaaaaaaaaaaaaaa", None, "trop facile à deviner"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "ne sont pas identiques"),
])
def test_weak_new_password_refused(client, auth, referent, new_password, confirm, message):
    """A short, guessable or mistyped new password is refused in French, nothing changes."""
    auth.login(referent)
    before = db.session.scalar(sa.select(User.password_hash).where(User.id == referent.id))
    response = client.post("/password", data={
        "current_password": factories.PASSWORD,
        "new_password": new_password,
        "confirm": confirm or new_password,
    })
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User.password_hash).where(User.id == referent.id)) == before
    assert actions("password.change") == []


def test_wrong_current_password_refused(client, auth, referent):
    """Changing the password needs the current one."""
    auth.login(referent)
    response = client.post("/password", data={
        "current_password": "pas-le-bon-mot-de-passe",
        "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)
    assert actions("password.change") == []
