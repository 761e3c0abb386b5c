"""pathway latest index: a participant's current pathway in one index lookup

Replaces the index on pathway.participant_id alone by one on (participant_id,
orientation_date, id), which serves the same lookups and finds the latest pathway without a
sort.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 07:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.create_index('ix_pathway_participant_latest',
                              ['participant_id', 'orientation_date', 'id'], unique=False)
        batch_op.drop_index('ix_pathway_participant_id')


def downgrade():
    with op.batch_alter_table('pathway', schema=None) as batch_op:
        batch_op.create_index('ix_pathway_participant_id', ['participant_id'], unique=False)
        batch_op.drop_index('ix_pathway_participant_latest')
