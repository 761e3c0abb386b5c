"""SQLite connection settings: foreign keys, WAL, busy timeout and BEGIN IMMEDIATE."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
def begin_immediate(connection):
    """Start SQLite transactions with BEGIN IMMEDIATE so concurrent writers wait, not fail."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
