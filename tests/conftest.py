"""Fixtures: a database migrated once per run and copied per test, app, client, login helpers.

Set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres to run the whole
suite on PostgreSQL: the template database is then copied with CREATE DATABASE … TEMPLATE.
"""

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
USE_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
RUN_ID = uuid.uuid4().hex[:8]


def base_config(database_url: str) -> dict:
    """Settings shared by every test application."""
    return {
        "TESTING": True,
        "SECRET_KEY": "cle-de-test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": sa.pool.NullPool},
    }


def admin_engine():
    """An autocommit connection to the PostgreSQL server, for CREATE/DROP DATABASE."""
    return sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT",
                            poolclass=sa.pool.NullPool)


def database_url_named(name: str) -> str:
    """The PostgreSQL URL of another database on the same server."""
    return sa.engine.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(
        hide_password=False
    )


def migrate_to(database_url: str) -> None:
    """Build a database through the real migrations."""
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrate a template database once per run; yield how to reach it."""
    if USE_POSTGRES:
        name = f"jalons_tmpl_{RUN_ID}"
        engine = admin_engine()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        migrate_to(database_url_named(name))
        yield name
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate_to(f"sqlite:///{path}")
        yield path


@pytest.fixture
def database_url(template_database, tmp_path):
    """A fresh copy of the template database for one test."""
    if USE_POSTGRES:
        name = f"jalons_t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
        engine = admin_engine()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield database_url_named(name)
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
    else:
        path = tmp_path / "test.db"
        shutil.copy(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app_config():
    """Extra settings a test module may override."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    """The application on a fresh database, with an application context pushed."""
    application = create_app({**base_config(database_url), **app_config})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


class Auth:
    """Log a test client in and out."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=factories.PASSWORD):
        """Post the login form."""
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        """Post the logout form."""
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return Auth(client)


@pytest.fixture
def referent(app):
    """A référent with no participant yet."""
    return factories.UserFactory(role="referent", email="referente@exemple.fr",
                                 first_name="Claire", last_name="Martin")


@pytest.fixture
def other_referent(app):
    """A second référent, from another structure."""
    return factories.UserFactory(role="referent", email="autre.referent@exemple.fr",
                                 first_name="Bruno", last_name="Lefort")


@pytest.fixture
def supervisor(app):
    """A supervisor."""
    return factories.UserFactory(role="supervisor", email="superviseur@exemple.fr",
                                 first_name="Karim", last_name="Benali", structure=None)


@pytest.fixture
def admin(app):
    """An administrator."""
    return factories.UserFactory(role="admin", email="admin@exemple.fr", first_name="Sophie",
                                 last_name="Lefèvre", structure=None)


@pytest.fixture
def participant(referent):
    """A participant followed by the référent fixture."""
    return factories.ParticipantFactory(referent=referent, first_name="Hélène",
                                        last_name="Dupré")


@pytest.fixture
def fresh_request_globals(app):
    """Give every request an empty `g`, as a real request's own application context would.

    The `app` fixture keeps one application context pushed for the whole test and requests
    reuse it, so `g` (where Flask-Login caches the current user and Flask-WTF the CSRF token)
    would otherwise carry one request's state into the next, even across two test clients.
    """
    from flask import g, request_started

    def forget(_sender, **_extra):
        """Drop whatever the previous request left in `g`."""
        for name in list(g):
            g.pop(name)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@pytest.fixture(autouse=True)
def requests_forget_the_previous_user(request):
    """Apply fresh_request_globals to every test that uses the app, not only those opting in."""
    if "app" in request.fixturenames:
        request.getfixturevalue("fresh_request_globals")


@pytest.fixture(autouse=True)
def deterministic_fake_data():
    """Reseed factory_boy's Faker before each test, so fake names never vary between runs."""
    import factory.random

    factory.random.reseed_random("jalons")


@pytest.fixture(autouse=True)
def cold_reference_data():
    """Start each test with nothing kept in memory by app/reference_data.py, as a new process
    would: otherwise how many statements a page sends would depend on the tests run before."""
    from app import reference_data

    reference_data.forget_values()
