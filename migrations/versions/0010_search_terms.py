"""search terms: one indexed row per name part and France Travail id of each participant

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-23 04:30:00

A search word is then an index range on these terms instead of LIKE '%…%' over every name.
The existing participants get their terms here, computed as app/text.py does.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None

TERM_MAX_LENGTH = 100
APOSTROPHES = ("'", "\N{RIGHT SINGLE QUOTATION MARK}")
BATCH = 5000


def search_key(text):
    """app/text.py search_key as of this revision."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def without_apostrophes(text):
    """The text with its apostrophes left out."""
    for mark in APOSTROPHES:
        text = text.replace(mark, "")
    return text


def terms_of(name_key, france_travail_id):
    """app/text.py name_terms and id_term as of this revision."""
    terms = set()
    for part in name_key.split():
        terms.add(without_apostrophes(part))
        for index, char in enumerate(part):
            if char == "-" or char in APOSTROPHES:
                terms.add(without_apostrophes(part[index + 1:]))
    folded = search_key(france_travail_id or "").replace(" ", "")
    if folded:
        terms.add("#" + folded)
    return {term[:TERM_MAX_LENGTH] for term in terms if term}


def upgrade():
    term_type = sa.String(length=TERM_MAX_LENGTH).with_variant(
        sa.String(length=TERM_MAX_LENGTH, collation="C"), "postgresql")
    terms = op.create_table('participant_search_term',
    sa.Column('term', term_type, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_search_term_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'participant_id', name=op.f('pk_participant_search_term'))
    )
    with op.batch_alter_table('participant_search_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_search_term_participant_id'), ['participant_id'], unique=False)

    connection = op.get_bind()
    participant = sa.table('participant', sa.column('id'), sa.column('name_key'),
                           sa.column('france_travail_id'))
    rows = []
    for participant_id, name_key, france_travail_id in connection.execute(
            sa.select(participant.c.id, participant.c.name_key,
                      participant.c.france_travail_id)).all():
        rows += [{"term": term, "participant_id": participant_id}
                 for term in sorted(terms_of(name_key or "", france_travail_id))]
        if len(rows) >= BATCH:
            connection.execute(terms.insert(), rows)
            rows = []
    if rows:
        connection.execute(terms.insert(), rows)


def downgrade():
    with op.batch_alter_table('participant_search_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_search_term_participant_id'))

    op.drop_table('participant_search_term')
