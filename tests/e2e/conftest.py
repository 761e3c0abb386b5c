"""Browser tests: a live Jalons server on demo data, Debian's Chromium, axe and screenshots.

The live server runs on its own SQLite database, built through the real migrations and seeded
with the demo data, even when TEST_DATABASE_URL points the rest of the suite at PostgreSQL.
CSRF protection stays on: the browser posts the real forms.

Chromium is the system one (/usr/bin/chromium); `playwright install` is never used. When it is
missing the browser tests are skipped, unless CI=true or JALONS_REQUIRE_BROWSER=1, where they
fail. Try it with JALONS_CHROMIUM_PATH=/nulle/part.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.demo import seed_demo
from app.extensions import db

# Debian's Chromium. JALONS_CHROMIUM_PATH exists only to exercise the skip/fail path.
CHROMIUM_PATH = os.environ.get("JALONS_CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = E2E_DIR.parent.parent
SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}
LIVE_SERVER_CONFIG = {
    "SECRET_KEY": "cle-de-test-navigateur",
    "WTF_CSRF_ENABLED": True,
    "SESSION_COOKIE_SECURE": False,
    "PLIE_NAME": "PLIE Touraine",
}


def browser_required() -> bool:
    """Whether a missing browser is an error (CI, or asked for) rather than a skip."""
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("JALONS_REQUIRE_BROWSER") == "1")


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run, or None when Chromium is there."""
    if os.access(CHROMIUM_PATH, os.X_OK):
        return None
    return (f"Chromium introuvable à {CHROMIUM_PATH} : installez le paquet Debian `chromium` "
            "(jamais `playwright install`).")


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `browser`; skip them when Chromium is missing."""
    reason = chromium_missing_reason()
    for item in items:
        if E2E_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not browser_required():
            item.add_marker(pytest.mark.skip(reason=f"tests navigateur ignorés : {reason}"))


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """In CI (or with JALONS_REQUIRE_BROWSER=1) a missing Chromium fails the browser tests.

    Session-scoped and autouse, so it runs before the browser is launched.
    """
    reason = chromium_missing_reason()
    if reason and browser_required():
        pytest.fail(f"Tests navigateur obligatoires (CI=true ou JALONS_REQUIRE_BROWSER=1) : "
                    f"{reason}", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Launch Debian's headless Chromium, never a downloaded one."""
    return {"executable_path": CHROMIUM_PATH, "headless": True, "args": CHROMIUM_ARGS}


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


def closing_responses(app):
    """The app, with every response body closed even when the browser drops the connection.

    When the browser abandons a request (a stylesheet it no longer needs), Werkzeug's server
    fails reading the dropped socket before it closes the body, leaving a static file open: a
    ResourceWarning, which the test settings turn into an error in whichever test runs next.
    A generator's finally runs when it is dropped, so the file is closed either way.
    """
    def wrapped(environ, start_response):
        """Call the app, then hand its body over through a generator that closes it."""
        body = app(environ, start_response)

        def chunks():
            """The body's chunks; the body is closed when they end or are abandoned."""
            try:
                yield from body
            finally:
                if hasattr(body, "close"):
                    body.close()

        return chunks()

    return wrapped


class LiveServer:
    """Jalons served by werkzeug in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True,
                                  request_handler=QuietRequestHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="jalons-live-server")

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A migrated, demo-seeded SQLite database served on a free port of 127.0.0.1."""
    path = tmp_path_factory.mktemp("live") / "jalons.db"
    app = create_app({**LIVE_SERVER_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        seed_demo(participant_count=40)
        db.session.remove()
        db.engine.dispose()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in page.goto() and expect(...).to_have_url() go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    """A French desktop browser on the live server."""
    return {**browser_context_args, "base_url": base_url, "locale": "fr-FR",
            "viewport": {"width": 1280, "height": 900}}


def format_violations(violations: list[dict]) -> str:
    """A readable list of axe violations, with the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def axe_check(page) -> list[dict]:
    """Run axe on the page; fail on any serious or critical violation; return the others."""
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe : violations graves sur {page.url}\n{format_violations(blocking)}",
                    pytrace=False)
    return violations


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower()).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def check_page():
    """Check a visited page: axe (no serious/critical violation), then a screenshot."""

    def check(page, name: str) -> None:
        page.wait_for_load_state("load")
        axe_check(page)
        save_screenshot(page, name)

    return check


@pytest.fixture
def console_errors(page):
    """Script errors, CSP refusals and failed sub-resources seen during the test.

    Asserted empty at teardown. HTTP error statuses of the pages themselves (401 on a wrong
    password, for instance) and the favicon Chromium asks for are expected, not errors.
    """
    errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        request = response.request
        if (response.status >= 400 and request.resource_type != "document"
                and not request.url.endswith("/favicon.ico")):
            errors.append(f"{response.status} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    yield errors
    assert errors == [], f"erreurs dans le navigateur : {errors}"
