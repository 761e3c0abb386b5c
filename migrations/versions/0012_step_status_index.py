"""step status index: the dashboard's lookup of open steps

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 05:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.create_index('ix_step_status_pathway_id', ['status', 'pathway_id'], unique=False)


def downgrade():
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.drop_index('ix_step_status_pathway_id')
