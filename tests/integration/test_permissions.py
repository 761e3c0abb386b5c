"""Who may reach which page: every participant, admin and supervision route against every role."""

import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Participant, Structure, User
from tests import factories
from tests.helpers import sign_in

# Requests reuse the test's application context; without this, `g` would keep the previous
# request's user when a test switches from one role to another.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")




@pytest.fixture
def actors(referent, other_referent, supervisor, admin):
    """The users behind each role name of the matrix (anonymous is None)."""
    return {
        "assigned": referent,
        "foreign": other_referent,
        "supervisor": supervisor,
        "admin": admin,
        "anonymous": None,
    }


@pytest.fixture
def act_as(client, actors):
    """Sign the test client in as the named role and return that user."""

    def act(role: str):
        user = actors[role]
        if user is not None:
            sign_in(client, user)
        return user

    return act


def denials(user=None) -> list[dict]:
    """The access.denied events recorded so far (for one user if given), with their detail."""
    query = sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
    if user is not None:
        query = query.where(AuditEvent.user_id == user.id)
    return [
        {"user_id": e.user_id, **json.loads(e.detail or "{}")}
        for e in db.session.scalars(query.order_by(AuditEvent.id))
    ]


def stored(public_id: str) -> Participant:
    """The participant as saved in the database."""
    return db.session.scalar(sa.select(Participant).where(Participant.public_id == public_id))


def without_tokens(response) -> str:
    """The page text with its CSRF tokens blanked (they carry a timestamp, so they vary)."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", response.get_data(as_text=True))


def participant_form(participant, acting_user, **changes) -> dict:
    """Valid form data for the participant form, assignable by the acting user."""
    referent_id = participant.referent_id
    if acting_user is not None and acting_user.role == "referent":
        referent_id = acting_user.id
    data = {
        "last_name": "Martin",
        "first_name": "Léa",
        "sex": "F",
        "birth_date": "1990-05-04",
        "postcode": "37000",
        "city": "Tours",
        "referent_id": str(referent_id),
        "version": str(participant.version),
    }
    data.update(changes)
    return data


# (route name, method, expected status per role). Allowed POSTs answer 302 to the saved file.
PARTICIPANT_MATRIX = {
    "list": ("GET", {"assigned": 200, "foreign": 200, "supervisor": 200, "admin": 403}),
    "new": ("GET", {"assigned": 200, "foreign": 200, "supervisor": 200, "admin": 403}),
    "create": ("POST", {"assigned": 302, "foreign": 302, "supervisor": 302, "admin": 403}),
    "show": ("GET", {"assigned": 200, "foreign": 404, "supervisor": 200, "admin": 403}),
    "edit": ("GET", {"assigned": 200, "foreign": 404, "supervisor": 200, "admin": 403}),
    "update": ("POST", {"assigned": 302, "foreign": 404, "supervisor": 302, "admin": 403}),
}


def participant_url(route: str, participant) -> str:
    """The URL of a participant route."""
    return {
        "list": "/participants",
        "new": "/participants/new",
        "create": "/participants/new",
        "show": f"/participants/{participant.public_id}",
        "edit": f"/participants/{participant.public_id}/edit",
        "update": f"/participants/{participant.public_id}/edit",
    }[route]


MATRIX_CASES = [
    (route, role, expected)
    for route, (_method, by_role) in PARTICIPANT_MATRIX.items()
    for role, expected in by_role.items()
]


@pytest.mark.parametrize(("route", "role", "expected"), MATRIX_CASES)
def test_participant_route_by_role(client, act_as, participant, route, role, expected):
    """Each role gets the expected status on each participant route, and denials are audited."""
    user = act_as(role)
    method, _ = PARTICIPANT_MATRIX[route]
    url = participant_url(route, participant)
    public_id = participant.public_id
    before = db.session.scalar(sa.select(sa.func.count(Participant.id)))
    if method == "POST":
        data = participant_form(participant, user, last_name="Modifié")
        response = client.post(url, data=data)
    else:
        response = client.get(url)

    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    recorded = denials(user)
    if expected in (403, 404):
        assert len(recorded) == 1
        assert recorded[0]["status"] == expected
        if expected == 404:
            assert recorded[0]["requested"] == public_id
        # Nothing was created or changed by a refused request.
        assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == before
        assert stored(public_id).last_name == "Dupré"
        assert "Hélène" not in response.get_data(as_text=True)
    else:
        assert recorded == []
    if expected == 302:
        assert response.headers["Location"].startswith("/participants/")
        if route == "update":
            assert stored(public_id).last_name == "Modifié"
        else:
            assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == before + 1
    if expected == 200 and route in ("show", "edit"):
        assert "Dupré" in response.get_data(as_text=True) or "DUPRÉ" in response.get_data(
            as_text=True
        )


@pytest.mark.parametrize("route", list(PARTICIPANT_MATRIX))
def test_anonymous_is_sent_to_login(client, participant, route):
    """An anonymous visitor is redirected to /login on GET and gets the 401 page on POST."""
    method, _ = PARTICIPANT_MATRIX[route]
    url = participant_url(route, participant)
    if method == "GET":
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        response = client.post(url, data=participant_form(participant, None, city="Loches"))
        assert response.status_code == 401
        assert "Votre session a expiré" in response.get_data(as_text=True)
        assert "Loches" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1


def test_list_shows_only_the_caseload(client, act_as, participant):
    """The list shows the référent's own participants and hides other caseloads."""
    act_as("foreign")
    foreign_page = client.get("/participants").get_data(as_text=True)
    assert "DUPRÉ" not in foreign_page
    assert participant.public_id not in foreign_page
    act_as("assigned")
    own_page = client.get("/participants").get_data(as_text=True)
    assert "DUPRÉ" in own_page
    act_as("supervisor")
    assert "DUPRÉ" in client.get("/participants").get_data(as_text=True)


def test_foreign_participant_looks_missing(client, act_as, participant):
    """Another caseload's participant answers exactly like a participant that does not exist."""
    act_as("foreign")
    foreign = client.get(f"/participants/{participant.public_id}")
    missing = client.get("/participants/n-existe-pas")
    assert foreign.status_code == missing.status_code == 404
    assert without_tokens(foreign) == without_tokens(missing)
    assert [d["requested"] for d in denials()] == [participant.public_id, "n-existe-pas"]


@pytest.mark.parametrize("role", ["assigned", "supervisor"])
@pytest.mark.parametrize("suffix", ["", "/edit"])
def test_integer_ids_do_not_reach_participants(client, act_as, participant, role, suffix):
    """Participant URLs take the opaque public_id: the integer primary key answers 404."""
    act_as(role)
    assert client.get(f"/participants/{participant.public_id}{suffix}").status_code == 200
    assert client.get(f"/participants/{participant.id}{suffix}").status_code == 404


def test_links_use_public_id(client, act_as, participant):
    """The list links to files by their opaque public_id, which is not guessable."""
    act_as("assigned")
    page = client.get("/participants").get_data(as_text=True)
    assert f'href="/participants/{participant.public_id}"' in page
    assert f'href="/participants/{participant.id}"' not in page
    assert len(participant.public_id) >= 12
    assert not participant.public_id.isdigit()


@pytest.fixture
def admin_targets(other_referent):
    """The ids the admin routes act on: another user's account and a structure."""
    return {"user": other_referent.id, "structure": other_referent.structure_id}


ADMIN_ROUTES = [
    ("GET", "/admin"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/edit"),
    ("GET", "/admin/users/{user}/deactivate"),
    ("POST", "/admin/users/{user}/deactivate"),
    ("POST", "/admin/users/{user}/reactivate"),
    ("GET", "/admin/users/{user}/reset-password"),
    ("POST", "/admin/users/{user}/reset-password"),
    ("GET", "/admin/structures"),
    ("GET", "/admin/structures/new"),
    ("POST", "/admin/structures/new"),
    ("GET", "/admin/structures/{structure}/edit"),
    ("POST", "/admin/structures/{structure}/edit"),
    ("GET", "/admin/regles"),
    ("POST", "/admin/regles"),
    ("GET", "/admin/grille"),
]
ADMIN_POST_DATA = {
    "email": "pirate@exemple.fr",
    "first_name": "Pirate",
    "last_name": "Pirate",
    "role": "admin",
    "structure_id": "0",
    "caseload_ceiling": "70",
    "name": "Structure pirate",
}


def account_snapshot() -> list[tuple]:
    """Every account and structure as plain tuples, to prove nothing changed."""
    users = db.session.execute(
        sa.select(User.id, User.email, User.role, User.active, User.password_hash,
                  User.session_token, User.must_change_password).order_by(User.id)
    ).all()
    structures = db.session.execute(
        sa.select(Structure.id, Structure.name, Structure.active).order_by(Structure.id)
    ).all()
    return [tuple(row) for row in users + structures]


@pytest.mark.parametrize("role", ["assigned", "supervisor"])
@pytest.mark.parametrize(("method", "pattern"), ADMIN_ROUTES)
def test_admin_routes_refused_to_other_roles(client, act_as, admin_targets, role, method,
                                            pattern):
    """A référent or a supervisor gets 403 on every admin route, audited, with no change made."""
    user = act_as(role)
    url = pattern.format(**admin_targets)
    before = account_snapshot()
    response = client.open(url, method=method, data=ADMIN_POST_DATA if method == "POST" else None)
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)
    assert [d["status"] for d in denials(user)] == [403]
    assert account_snapshot() == before


@pytest.mark.parametrize("pattern", [p for m, p in ADMIN_ROUTES if m == "GET"])
def test_admin_reaches_admin_pages(client, act_as, admin_targets, pattern):
    """The admin reaches every admin page the matrix checks, so the URLs there are real."""
    user = act_as("admin")
    response = client.get(pattern.format(**admin_targets))
    assert response.status_code == 200
    assert denials(user) == []


@pytest.mark.parametrize("url", ["/supervision", "/supervision/audit", "/supervision/commissions",
                                 "/supervision/commissions/preparer",
                                 "/supervision/reaffectation"])
@pytest.mark.parametrize(("role", "expected"), [
    ("assigned", 403), ("foreign", 403), ("admin", 403), ("supervisor", 200),
])
def test_supervision_pages_by_role(client, act_as, url, role, expected):
    """Only the supervisor reaches supervision and the audit log; others get an audited 403."""
    user = act_as(role)
    response = client.get(url)
    assert response.status_code == expected
    assert [d["status"] for d in denials(user)] == ([403] if expected == 403 else [])


def test_sign_in_matches_a_real_login(app, client, auth, referent):
    """The sign_in() shortcut sets the same session keys as logging in through the form."""
    auth.login(referent)
    with client.session_transaction() as session:
        real = set(session.keys())
    other = app.test_client()
    sign_in(other, factories.UserFactory(role="referent"))
    with other.session_transaction() as session:
        shortcut = set(session.keys())
    # Flask-Login adds _id; flashed messages and the CSRF token come and go.
    ignored = {"_id", "_flashes", "csrf_token"}
    assert real - ignored == shortcut - ignored
    assert other.get("/").status_code == 200
