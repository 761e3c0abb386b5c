"""caseload snapshot: the step shown, open steps and next appointment in pathway_progress

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 04:40:00

The caseload then reads one row per pathway instead of ranking steps and appointments with
window functions. Every stored evaluation is marked for re-evaluation: pages refresh the rows
they show, and `flask refresh-progress` (nightly) refreshes the rest.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pathway_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_type', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('step_status', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('open_steps', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_appointment_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_appointment_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('next_appointment_purpose', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('pathway_progress', schema=None) as batch_op:
        for name in ('step_type', 'step_status', 'open_steps', 'next_appointment_purpose'):
            batch_op.alter_column(name, server_default=None)
    op.execute("UPDATE pathway_progress SET evaluated_on = NULL")


def downgrade():
    with op.batch_alter_table('pathway_progress', schema=None) as batch_op:
        batch_op.drop_column('next_appointment_purpose')
        batch_op.drop_column('next_appointment_time')
        batch_op.drop_column('next_appointment_on')
        batch_op.drop_column('open_steps')
        batch_op.drop_column('step_status')
        batch_op.drop_column('step_type')
