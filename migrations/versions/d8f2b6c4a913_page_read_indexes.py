"""indexes for the document page's distribution table and the followed-documents ranking

Revision ID: d8f2b6c4a913
Revises: c5a1e0f3d2b4
Create Date: 2026-12-02 09:45:00.000000

A document's distributions are listed a page at a time in id order and ranked by
their status: (document_id, id) including status (PostgreSQL) replaces the index on
document_id alone (the unique (document_id, organization_id) already serves lookups
by document). The unfiled ranking of
`document_progress` carries last_due, author_id and issuer_id (PostgreSQL), so that
the filter of a user's documents reads the index alone.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd8f2b6c4a913'
down_revision = 'c5a1e0f3d2b4'
branch_labels = None
depends_on = None

RANKING = [sa.text('unfiled DESC'), 'next_due', sa.text('issued_at DESC'), sa.text('document_id DESC')]


def upgrade():
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_document_id_id', ['document_id', 'id'], unique=False,
                              postgresql_include=['status'])
        batch_op.drop_index('ix_distribution_document_id')
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_document_progress_unfiled_ranking')
        batch_op.create_index('ix_document_progress_unfiled_ranking', RANKING, unique=False,
                              postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'),
                              postgresql_include=['last_due', 'author_id', 'issuer_id'])


def downgrade():
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_document_progress_unfiled_ranking')
        batch_op.create_index('ix_document_progress_unfiled_ranking', RANKING, unique=False,
                              postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'))
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_document_id', ['document_id'], unique=False)
        batch_op.drop_index('ix_distribution_document_id_id')
