"""Benchmark diagnostics: SQL statements and server time per request, in response headers.

Only when the environment sets JALONS_COUNT_QUERIES=1 (bench/run.py does): a production
server never pays for the listener nor tells clients how it queries its database.
"""

import os
import time

import sqlalchemy as sa
from flask import has_request_context, request, request_started


def init_app(app) -> None:
    """Count statements and time requests when JALONS_COUNT_QUERIES=1."""
    if os.environ.get("JALONS_COUNT_QUERIES") != "1":
        return
    # Listening on every engine once per process, however many apps are built (tests).
    if not sa.event.contains(sa.engine.Engine, "before_cursor_execute", count_statement):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", count_statement)
    # A signal, not before_request: it fires before every before_request hook (user loading).
    request_started.connect(start_counting, app)
    app.after_request(add_headers)


# Kept in the WSGI environ rather than in g: g belongs to the application context, which
# tests share between requests, while the environ is the request's own.
COUNT = "jalons.query_count"
STARTED = "jalons.started_at"


def start_counting(_sender, **_extra) -> None:
    """Reset the counter and the clock at the start of a request."""
    request.environ[COUNT] = 0
    request.environ[STARTED] = time.perf_counter()


def count_statement(_conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    """Count one statement sent to the database during a request."""
    if has_request_context() and COUNT in request.environ:
        request.environ[COUNT] += 1


def add_headers(response):
    """Report the statement count and the time spent so far (the body is already rendered)."""
    if COUNT in request.environ:
        response.headers["X-Query-Count"] = str(request.environ[COUNT])
        elapsed = (time.perf_counter() - request.environ[STARTED]) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
    return response
