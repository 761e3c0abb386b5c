"""Random and hostile input: no form or filter ever crashes, and a refused one saves nothing.

With TESTING on, an exception inside a view propagates to the test instead of becoming a 500
page, so any crash fails the example that caused it.
"""

import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import LoginAttempt, Participant, Structure, User
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE = [
    "", " ", "   \t ", "\x00", "nom\x00caché", "a\x1bb", "\x7f", "\u202egnp.exe", "\ufeff",
    "<script>alert('x')</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "{% raw %}",
    "' OR '1'='1", "'; DROP TABLE participant; --", "1; SELECT pg_sleep(5)", "\\", "%", "_",
    "%_%", "\\%", "NULL", "None", "null", "true", "0", "-1", "1e309", "NaN", "-0", "0x1F",
    "99999999999999999999999999", "٣", "1_000", " 42 ", "2026-02-30", "0000-00-00", "0001-01-01",
    "9999-12-31", "31/12/1990", "1990-1-1", "hier", "x" * 5000, "é" * 101, "ß" * 100,
    "\ufdfa" * 100, "İ" * 254, "😀" * 60, "Ωмир中文عربى", "line\nbreak", "a\r\nb",
    "admin@exemple.fr", "ADMIN@EXEMPLE.FR ", "a@b", "@", "a@" + "b" * 300 + ".fr",
    "referente@exemple.fr", "06 12 34 56 78", "37000", "1990-05-17",
]

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=120),
    st.text(st.characters(codec="utf-8"), min_size=90, max_size=300),
    st.integers().map(str),
    st.dates().map(str),
)


def field_values(*names):
    """A strategy of form data: each named field gets a hostile value or is left out."""
    return st.fixed_dictionaries({}, optional={name: values for name in names})


def rows(model) -> int:
    """How many rows a table holds, read in a fresh transaction."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def snapshot(model, row_id, columns) -> tuple:
    """The stored values of some columns of one row, read in a fresh transaction."""
    db.session.rollback()
    row = db.session.get(model, row_id)
    return tuple(getattr(row, name) for name in columns)


USER_FIELDS = ("email", "first_name", "last_name", "phone", "role", "structure_id",
               "caseload_ceiling", "version")
USER_COLUMNS = ("email", "first_name", "last_name", "phone", "role", "structure_id",
                "caseload_ceiling", "active", "password_hash", "session_token")
PARTICIPANT_FIELDS = ("last_name", "first_name", "sex", "birth_date", "phone", "email",
                      "address", "postcode", "city", "referent_id", "version")
PARTICIPANT_COLUMNS = ("last_name", "first_name", "sex", "birth_date", "phone", "email",
                       "address", "postcode", "city", "referent_id", "version", "name_key")


CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def cheap_hashes(monkeypatch, referent):
    """Cheap argon2 hashes for unknown accounts and the référent, so 40 logins take seconds."""
    monkeypatch.setattr("app.passwords.DUMMY_HASH", CHEAP.hash("jalons-compte-inexistant"))
    referent.password_hash = CHEAP.hash(factories.PASSWORD)
    db.session.commit()


def logged_in(app, user):
    """A new test client with a session open for this user."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return browser


def hidden_version(page: str) -> str:
    """The value of the hidden version field in a form page."""
    match = re.search(r'name="version" type="hidden" value="([^"]*)"', page)
    assert match, "no version field"
    return match.group(1)


@FUZZ
@given(data=field_values("email", "password"))
def test_login_form_never_crashes(client, cheap_hashes, data):
    """Any login attempt with unknown or hostile credentials gets 400 or 401, no session."""
    response = client.post("/login", data=data)
    assert response.status_code in (400, 401)
    assert client.get("/").status_code == 302


@FUZZ
@given(password=values)
def test_login_never_crashes_for_a_real_account(client, cheap_hashes, referent, password):
    """Hostile passwords against a real account are refused; no attempt counts twice."""
    before = rows(LoginAttempt)
    response = client.post("/login", data={"email": referent.email, "password": password})
    assert response.status_code in (400, 401)
    # A refused form counts nothing; a wrong password counts one, until the lockout.
    assert rows(LoginAttempt) - before in ((0,) if response.status_code == 400 else (0, 1))
    assert client.get("/").status_code == 302


@FUZZ
@given(data=field_values(*USER_FIELDS))
def test_admin_user_create_never_crashes(client, auth, admin, data):
    """Creating an account from hostile values either works or is refused saving nothing."""
    auth.login(admin)
    before = rows(User)
    response = client.post("/admin/users/new", data=data)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert rows(User) == before
    else:
        assert rows(User) == before + 1


@FUZZ
@given(data=field_values(*USER_FIELDS), keep_version=st.booleans())
def test_admin_user_edit_never_crashes(client, auth, admin, referent, data, keep_version):
    """Editing an account with hostile values saves, or refuses and leaves the row alone."""
    auth.login(admin)
    user_id = referent.id
    if keep_version:
        page = client.get(f"/admin/users/{user_id}/edit").get_data(as_text=True)
        data = {**data, "version": hidden_version(page)}
    before = snapshot(User, user_id, USER_COLUMNS)
    response = client.post(f"/admin/users/{user_id}/edit", data=data)
    assert response.status_code in (302, 400, 409)
    if response.status_code >= 400:
        assert snapshot(User, user_id, USER_COLUMNS) == before


@FUZZ
@given(data=field_values("name", "city", "phone", "active"), edit=st.booleans())
def test_structure_form_never_crashes(client, auth, admin, data, edit):
    """Creating or editing a structure with hostile values never crashes nor half-saves."""
    auth.login(admin)
    structure_id = factories.StructureFactory().id if edit else None
    before = rows(Structure)
    url = f"/admin/structures/{structure_id}/edit" if edit else "/admin/structures/new"
    columns = ("name", "city", "phone", "active")
    saved = snapshot(Structure, structure_id, columns) if edit else None
    response = client.post(url, data=data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert rows(Structure) == before
        if edit:
            assert snapshot(Structure, structure_id, columns) == saved


@FUZZ
@given(data=field_values(*PARTICIPANT_FIELDS), own_referent=st.booleans())
def test_participant_create_never_crashes(client, auth, referent, data, own_referent):
    """Creating a participant from hostile values either works or saves nothing."""
    auth.login(referent)
    if own_referent:
        data = {**data, "referent_id": str(referent.id)}
    before = rows(Participant)
    response = client.post("/participants/new", data=data)
    assert response.status_code in (302, 400)
    assert rows(Participant) == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(data=field_values(*PARTICIPANT_FIELDS), keep_version=st.booleans())
def test_participant_edit_never_crashes(client, auth, participant, data, keep_version):
    """Editing a participant with hostile values saves, or refuses leaving the row alone."""
    auth.login(participant.referent)
    participant_id, public_id = participant.id, participant.public_id
    before = snapshot(Participant, participant_id, PARTICIPANT_COLUMNS)
    if keep_version:
        data = {**data, "version": str(before[PARTICIPANT_COLUMNS.index("version")])}
    response = client.post(f"/participants/{public_id}/edit", data=data)
    assert response.status_code in (302, 400, 409)
    if response.status_code >= 400:
        assert snapshot(Participant, participant_id, PARTICIPANT_COLUMNS) == before


@pytest.fixture
def browsers(app, participant, supervisor, admin):
    """A supervisor's and an admin's logged-in test clients."""
    return logged_in(app, supervisor), logged_in(app, admin)


@FUZZ
@given(participants=field_values("q", "tri", "page"), users=field_values("q", "role", "page"))
def test_search_query_strings_never_crash(browsers, participants, users):
    """The participant search and the user list answer 200 whatever the query string."""
    as_supervisor, as_admin = browsers
    assert as_supervisor.get("/participants", query_string=participants).status_code == 200
    assert as_admin.get("/admin/users", query_string=users).status_code == 200


@FUZZ
@given(filters=field_values("user_id", "action", "target", "start", "end", "page"))
def test_audit_filters_never_crash(client, auth, supervisor, filters):
    """The audit log answers 200 whatever the filters."""
    auth.login(supervisor)
    assert client.get("/supervision/audit", query_string=filters).status_code == 200


@pytest.mark.parametrize("method, url, data, status", [
    ("get", "/participants/abc%00def", None, 404),
    ("get", "/participants/abc%00def/edit", None, 404),
    ("get", "/participants?q=a%00b", None, 200),
    ("get", "/supervision/audit?target=x%00", None, 200),
    ("post", "/participants/new", {"last_name": "Nul\x00", "first_name": "Octet"}, 400),
])
def test_nul_bytes_never_reach_postgresql(client, auth, supervisor, method, url, data, status):
    """A NUL byte (which PostgreSQL refuses in any text) is refused or ignored, never a 500."""
    auth.login(supervisor)
    before = rows(Participant)
    response = getattr(client, method)(url, data=data)
    assert response.status_code == status
    assert rows(Participant) == before


def test_nul_byte_in_login_email_is_refused_in_french(client):
    """A login e-mail holding a NUL byte gets the French form error, not a database crash."""
    response = client.post("/login", data={"email": "a\x00@exemple.fr", "password": "x"})
    assert response.status_code == 400
    assert "Ce champ contient des caractères non autorisés." in response.get_data(as_text=True)
    assert rows(LoginAttempt) == 0


def test_nul_byte_in_user_search_is_ignored(client, auth, admin):
    """The admin's user search drops unprintable characters instead of crashing."""
    auth.login(admin)
    response = client.get("/admin/users", query_string={"q": "admin\x00@exemple"})
    assert response.status_code == 200
    assert "admin@exemple.fr" in response.get_data(as_text=True)
