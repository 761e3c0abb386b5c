"""Settings: defaults, then instance/config.py, then environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ENV_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "SESSION_COOKIE_SECURE", "PLIE_NAME")
TRUE_WORDS = {"1", "true", "yes", "on", "oui"}


def default_settings(instance_path: str) -> dict:
    """Return the built-in defaults, which are safe for a single-server install."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'jalons.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "jalons_session",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_IDLE_TIMEOUT": timedelta(hours=2),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        # A long note typed during an afternoon must still post: a working day of CSRF validity.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "BOOTSTRAP_SERVE_LOCAL": True,
        "LOCKOUT_MAX_FAILURES": 10,
        "LOCKOUT_WINDOW": timedelta(minutes=15),
        "PARTICIPANTS_PER_PAGE": 25,
        "PLIE_NAME": "PLIE",
    }


def load_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure(app, test_config: dict | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment and test overrides."""
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("SESSION_COOKIE_SECURE"):
        app.config["SESSION_COOKIE_SECURE"] = env["SESSION_COOKIE_SECURE"].lower() in TRUE_WORDS
    if env.get("PLIE_NAME"):
        app.config["PLIE_NAME"] = env["PLIE_NAME"]
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)


def normalise_database_url(url: str) -> str:
    """Map the common postgres:// forms to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
