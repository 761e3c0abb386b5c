"""The database schema: models match migrations, the audit log is append-only, SQLite pragmas."""

import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import check, downgrade, upgrade

from app import audit
from app.extensions import db, migrate
from app.models import AuditEvent, Participant
from app.models.audit import AppendOnlyError
from tests.conftest import USE_POSTGRES


def schema_differences(metadata: sa.MetaData) -> list:
    """What Alembic's autogenerate would write to bring the database to this metadata."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def copy_of_models() -> sa.MetaData:
    """A private copy of the models' metadata that a test may alter freely."""
    copy = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def test_models_match_migrations(app):
    """The migrated database and the models agree, as `flask db check` sees it."""
    # `flask db check` exits with status 1 when autogenerate finds a difference. Checked by
    # appending sa.Column("nickname", sa.String(50)) to Participant.__table__ before calling this
    # test: check() logged "New upgrade operations detected: [('add_column', None,
    # 'participant', Column('nickname', ...))]" and raised SystemExit, failing the test.
    check()
    assert schema_differences(db.metadata) == []


def test_drift_detection_can_fail(app):
    """The comparison used above does notice a column or a type the migrations lack."""
    models = copy_of_models()
    models.tables["participant"].append_column(sa.Column("nickname", sa.String(50)))
    models.tables["participant"].c.city.type = sa.String(300)
    found = schema_differences(models)
    kinds = [diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in found]
    assert "add_column" in kinds
    assert "modify_type" in kinds
    assert len(found) == 2


def test_database_is_at_the_head_revision(app):
    """The test database was built by the migrations, up to their single head."""
    script = ScriptDirectory.from_config(migrate.get_config())
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert len(script.get_heads()) == 1
    assert current == tuple(script.get_heads())


def test_migrations_go_down_and_up_again(app):
    """Every migration can be undone and replayed, ending with the same schema."""
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_differences(db.metadata) == []


@pytest.fixture
def event(app):
    """One stored audit event."""
    audit.record("participant.view", actor="referente@exemple.fr", note="original")
    db.session.commit()
    return db.session.scalar(sa.select(AuditEvent))


def stored_events() -> list[tuple]:
    """Every audit event as plain values, read straight from the table."""
    db.session.rollback()
    rows = db.session.execute(sa.text("SELECT id, action, actor, detail FROM audit_event"))
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'falsifie'",
    "UPDATE audit_event SET detail = '' WHERE id = :id",
    "DELETE FROM audit_event WHERE id = :id",
    "DELETE FROM audit_event",
])
def test_raw_sql_cannot_change_audit_log(event, statement):
    """A database trigger refuses UPDATE and DELETE on audit_event, whoever sends them."""
    before = stored_events()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text(statement), {"id": before[0][0]})
    db.session.rollback()
    assert stored_events() == before


@pytest.mark.skipif(not USE_POSTGRES, reason="TRUNCATE exists only on PostgreSQL")
def test_truncate_cannot_wipe_audit_log(event):
    """On PostgreSQL a statement trigger refuses TRUNCATE of the audit log too."""
    before = stored_events()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("TRUNCATE audit_event"))
    db.session.rollback()
    assert stored_events() == before


def test_bulk_orm_update_hits_the_trigger(event):
    """A bulk ORM UPDATE skips the mapper hooks but the database still refuses it."""
    before = stored_events()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditEvent).values(actor="quelqu'un d'autre"))
    db.session.rollback()
    assert stored_events() == before


def test_orm_update_raises_append_only_error(event):
    """Changing a loaded audit event raises AppendOnlyError at flush."""
    before = stored_events()
    event = db.session.get(AuditEvent, before[0][0])
    event.action = "falsifie"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    assert stored_events() == before


def test_orm_delete_raises_append_only_error(event):
    """Deleting a loaded audit event raises AppendOnlyError at flush."""
    before = stored_events()
    db.session.delete(db.session.get(AuditEvent, before[0][0]))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    assert stored_events() == before


def test_audit_log_still_accepts_new_events(event):
    """Append-only means appends still work."""
    audit.record("logout", actor="referente@exemple.fr")
    db.session.commit()
    events = stored_events()
    assert [row[1] for row in events] == ["participant.view", "logout"]
    assert json.loads(events[0][3]) == {"note": "original"}


def test_foreign_keys_are_enforced(app):
    """A participant cannot point to an account that does not exist."""
    db.session.add(Participant(first_name="Léa", last_name="Martin", name_key="martin lea",
                               referent_id=999_999))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.skipif(USE_POSTGRES, reason="SQLite connection settings")
def test_sqlite_connection_settings(app):
    """Every SQLite connection has foreign keys on, WAL, a busy timeout and synchronous=NORMAL."""
    for _ in range(2):  # two separate connections (the tests use NullPool)
        with db.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("foreign_keys") == 1
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == 10000
            assert pragma("synchronous") == 1  # NORMAL


def other_connection(database_url: str):
    """A raw SQLite connection of its own, as another gunicorn worker would hold."""
    import sqlite3

    path = sa.engine.make_url(database_url).database
    connection = sqlite3.connect(path, isolation_level=None, timeout=0)
    connection.execute("PRAGMA busy_timeout=0")
    return connection


@pytest.mark.skipif(USE_POSTGRES, reason="SQLite transactions")
def test_pages_that_read_do_not_hold_the_write_lock(app, database_url):
    """During a GET, the transaction begins DEFERRED: another worker can write meanwhile."""
    from app.database import READING

    token = READING.set(True)
    try:
        db.session.execute(sa.select(Participant.id)).all()  # the read transaction is open
        other = other_connection(database_url)
        other.execute("BEGIN IMMEDIATE")  # would fail at once under BEGIN IMMEDIATE reads
        other.execute("ROLLBACK")
        other.close()
    finally:
        READING.reset(token)
        db.session.rollback()


@pytest.mark.skipif(USE_POSTGRES, reason="SQLite transactions")
def test_a_write_after_reading_waits_for_the_lock_instead_of_failing(app, database_url):
    """A GET that writes (its audit event) after another worker committed still succeeds:
    its read transaction is ended and the write begins IMMEDIATE. Without that switch,
    SQLite refuses to turn the stale read into a write ("database is locked")."""
    from app.database import READING

    token = READING.set(True)
    try:
        db.session.execute(sa.select(Participant.id)).all()
        other = other_connection(database_url)
        other.execute("INSERT INTO structure (name, city, phone, active, created_at) "
                      "VALUES ('Autre worker', 'Tours', '', 1, '2026-11-23 08:00:00')")
        other.close()
        audit.record("participant.list", query="")
        db.session.commit()
    finally:
        READING.reset(token)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) >= 1


@pytest.mark.skipif(USE_POSTGRES, reason="SQLite transactions")
def test_other_requests_and_scripts_begin_immediate(app, database_url):
    """Outside GET requests, a transaction takes the write lock from its start."""
    db.session.execute(sa.select(Participant.id)).all()
    other = other_connection(database_url)
    with pytest.raises(sqlite3_error()):
        other.execute("BEGIN IMMEDIATE")
    other.close()
    db.session.rollback()


def sqlite3_error():
    """The error raised when the lock is taken (busy timeout 0)."""
    import sqlite3

    return sqlite3.OperationalError
