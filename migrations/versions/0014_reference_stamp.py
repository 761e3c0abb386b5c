"""reference stamp: a token that triggers change with the step types and rule parameters

The app keeps these small tables in memory, per process, and checks on each request that the
token it read them under is still the stored one (app/reference_cache.py). Triggers change the
token in the same transaction as any insert, update or delete, whatever makes it (the
administration pages, a script, SQL typed by hand).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 10:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The tables whose content the app caches.
WATCHED = ("step_type", "rule_parameter")
SQLITE_TOKEN = "lower(hex(randomblob(16)))"
POSTGRESQL_TOKEN = "md5(random()::text || clock_timestamp()::text)"


def sqlite_triggers(table: str) -> list[str]:
    """One trigger per kind of change (SQLite triggers are per row)."""
    return [f"""CREATE TRIGGER {table}_{change.lower()}_stamp AFTER {change} ON {table}
                BEGIN UPDATE reference_stamp SET token = {SQLITE_TOKEN}; END"""
            for change in ("INSERT", "UPDATE", "DELETE")]


def postgresql_triggers(table: str) -> list[str]:
    """One statement-level trigger for every kind of change, TRUNCATE included."""
    return [f"""CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reference_stamp_renew()"""]


def upgrade():
    op.create_table(
        'reference_stamp',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_stamp')),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"INSERT INTO reference_stamp (id, token) VALUES (1, {POSTGRESQL_TOKEN})")
        op.execute(f"""CREATE FUNCTION reference_stamp_renew() RETURNS trigger
                       LANGUAGE plpgsql AS $$
                       BEGIN UPDATE reference_stamp SET token = {POSTGRESQL_TOKEN};
                       RETURN NULL; END $$""")
        for table in WATCHED:
            for statement in postgresql_triggers(table):
                op.execute(statement)
    else:
        op.execute(f"INSERT INTO reference_stamp (id, token) VALUES (1, {SQLITE_TOKEN})")
        for table in WATCHED:
            for statement in sqlite_triggers(table):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}")
        else:
            for change in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{change}_stamp")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS reference_stamp_renew()")
    op.drop_table('reference_stamp')
