"""Configuration: the secret key is generated once, env vars win, SQLite is the default."""

from app.config import configure


class FakeApp:
    """Just enough of a Flask app for configure()."""

    def __init__(self, instance_path):
        from flask import Config

        self.instance_path = str(instance_path)
        self.config = Config(str(instance_path))


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    """Without SECRET_KEY, a random key is written to instance/ and reused afterwards."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first, second = FakeApp(tmp_path), FakeApp(tmp_path)
    configure(first)
    configure(second)
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'jalons.db'}"


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    """DATABASE_URL, SECRET_KEY and SESSION_COOKIE_SECURE come from the environment."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://jalons@db/jalons")
    monkeypatch.setenv("SECRET_KEY", "une-cle")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    app = FakeApp(tmp_path)
    configure(app)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://jalons@db/jalons"
    assert app.config["SECRET_KEY"] == "une-cle"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_real_app_has_secure_defaults(app):
    """Cookies are HttpOnly and SameSite=Lax, uploads are capped, French locale is set."""
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] <= 16 * 1024 * 1024
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Paris"
