"""SQLite connection settings: foreign keys, WAL, busy timeout, and how transactions begin.

A transaction that writes starts with BEGIN IMMEDIATE, so that concurrent writers wait for
each other (busy timeout) instead of failing. Pages that only read (GET and HEAD requests)
begin DEFERRED instead, so that two of them read side by side under WAL rather than one
after the other; their few writes (the audit event, a refreshed evaluation) first end the
read and take the write lock with BEGIN IMMEDIATE. A read transaction that turned into a
write one would fail at once with "database is locked" if another connection had committed
in between, which is why the switch goes through a fresh BEGIN IMMEDIATE.
"""

from contextvars import ContextVar

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Set for the length of a GET or HEAD request: its transactions begin DEFERRED.
READING = ContextVar("jalons_sqlite_reading", default=False)
DEFERRED = "jalons_deferred"  # connection.info key: a read transaction is open
READ_ONLY_METHODS = {"GET", "HEAD"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def is_sqlite(dbapi_connection) -> bool:
    """Tell whether a raw DB-API connection is a pysqlite one."""
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def configure_sqlite_connection(dbapi_connection, _record):
    """Set the pragmas every SQLite connection needs and take over transaction control."""
    if not is_sqlite(dbapi_connection):
        return
    # pysqlite's own BEGIN handling is switched off so that the "begin" hook below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def begin_transaction(connection):
    """Begin SQLite transactions IMMEDIATE, or DEFERRED while a page only reads."""
    if connection.dialect.name != "sqlite":
        return
    reading = READING.get()
    connection.info[DEFERRED] = reading
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def is_write(statement: str, context) -> bool:
    """Whether a statement about to run changes the database."""
    if context is not None and (context.isinsert or context.isupdate or context.isdelete
                                or context.isddl):
        return True
    return statement.lstrip()[:7].upper().startswith(WRITES)


@event.listens_for(Engine, "before_cursor_execute")
def write_after_reading(connection, cursor, statement, _parameters, context, _many):
    """Before the first write of a read transaction, end it and begin IMMEDIATE instead."""
    if not connection.info.get(DEFERRED):
        return
    if is_write(statement, context):
        connection.info[DEFERRED] = False
        raw = cursor.connection
        raw.execute("COMMIT")
        raw.execute("BEGIN IMMEDIATE")


def mark_reading() -> None:
    """Before a request: GET and HEAD pages read, whatever they write comes after."""
    READING.set(request.method in READ_ONLY_METHODS)


def end_reading(_error=None) -> None:
    """After a request: transactions begin IMMEDIATE again (CLI, tests, the next request)."""
    READING.set(False)


def init_app(app: Flask) -> None:
    """Run before every other hook, so that loading the user already begins DEFERRED."""
    app.before_request_funcs.setdefault(None, []).insert(0, mark_reading)
    app.teardown_request(end_reading)
