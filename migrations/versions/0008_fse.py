"""FSE+ data: sensitive entry items per participant, situations after exit per pathway

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 01:44:17.757679

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('participant_fse',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('third_country_national', sa.String(length=8), nullable=False),
    sa.Column('foreign_background', sa.String(length=8), nullable=False),
    sa.Column('minority', sa.String(length=8), nullable=False),
    sa.Column('homeless', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("foreign_background IN ('', 'yes', 'no', 'refused')", name=op.f('ck_participant_fse_foreign_background')),
    sa.CheckConstraint("homeless IN ('', 'yes', 'no', 'refused')", name=op.f('ck_participant_fse_homeless')),
    sa.CheckConstraint("minority IN ('', 'yes', 'no', 'refused')", name=op.f('ck_participant_fse_minority')),
    sa.CheckConstraint("third_country_national IN ('', 'yes', 'no', 'refused')", name=op.f('ck_participant_fse_third_country_national')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_fse_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', name=op.f('pk_participant_fse'))
    )
    op.create_table('exit_follow_up',
    sa.Column('pathway_id', sa.Integer(), nullable=False),
    sa.Column('exit_situation', sa.String(length=16), nullable=False),
    sa.Column('exit_contract_type', sa.String(length=15), nullable=False),
    sa.Column('qualification_gained', sa.Boolean(), nullable=True),
    sa.Column('exit_situation_on', sa.Date(), nullable=True),
    sa.Column('post_exit_situation', sa.String(length=16), nullable=False),
    sa.Column('post_exit_improved', sa.Boolean(), nullable=True),
    sa.Column('post_exit_situation_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("exit_situation IN ('', 'employed', 'job_searching', 'education', 'inactive')", name=op.f('ck_exit_follow_up_exit_situation')),
    sa.CheckConstraint("post_exit_situation IN ('', 'employed', 'job_searching', 'education', 'inactive')", name=op.f('ck_exit_follow_up_post_exit_situation')),
    sa.ForeignKeyConstraint(['pathway_id'], ['pathway.id'], name=op.f('fk_exit_follow_up_pathway_id_pathway'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pathway_id', name=op.f('pk_exit_follow_up'))
    )


def downgrade():
    op.drop_table('exit_follow_up')
    op.drop_table('participant_fse')
