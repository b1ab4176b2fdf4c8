"""whom an issued document's progress row serves: its drafting unit and its followers

Revision ID: e4a7c2d9b150
Revises: d8f2b6c4a913
Create Date: 2026-12-02 15:00:00.000000

`document_progress.drafting_unit_id` and `followers` (the author and everyone assigned
to or deciding a step, in any round: an integer array on PostgreSQL, a JSON array on
SQLite), filled from the documents and their steps; the unfiled ranking carries them
(PostgreSQL), so that the worklist's overdue panel reads a user's first page from the
index alone instead of gathering every document the user ever touched.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'e4a7c2d9b150'
down_revision = 'd8f2b6c4a913'
branch_labels = None
depends_on = None

RANKING = [sa.text('unfiled DESC'), 'next_due', sa.text('issued_at DESC'), sa.text('document_id DESC')]
INCLUDED = ['last_due', 'author_id', 'issuer_id']
MEMBERS = """SELECT {author} AS u UNION SELECT s.assignee_id FROM approval_step s WHERE s.document_id = {doc}
             UNION SELECT s.decided_by_id FROM approval_step s WHERE s.document_id = {doc}"""
BACKFILL = {
    "postgresql": f"""UPDATE document_progress p SET drafting_unit_id = d.drafting_unit_id,
        followers = ARRAY(SELECT u FROM ({MEMBERS.format(author='d.author_id', doc='p.document_id')}) m
                          WHERE u IS NOT NULL ORDER BY u)
        FROM document d WHERE d.id = p.document_id""",
    "sqlite": f"""UPDATE document_progress SET
        drafting_unit_id = (SELECT d.drafting_unit_id FROM document d WHERE d.id = document_progress.document_id),
        followers = (SELECT json_group_array(u) FROM (
            {MEMBERS.format(author='(SELECT d.author_id FROM document d WHERE d.id = document_progress.document_id)',
                            doc='document_progress.document_id')} ORDER BY 1) WHERE u IS NOT NULL)""",
}


def upgrade():
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('drafting_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('followers', sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()),
                                                                          'postgresql'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_progress_drafting_unit_id_organization'),
                                    'organization', ['drafting_unit_id'], ['id'])
    op.execute(BACKFILL[op.get_bind().dialect.name])
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_document_progress_unfiled_ranking')
        batch_op.create_index('ix_document_progress_unfiled_ranking', RANKING, unique=False,
                              postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'),
                              postgresql_include=INCLUDED + ['drafting_unit_id', 'followers'])


def downgrade():
    # Three batches: SQLite copies the table to drop the columns, and cannot copy an
    # index on expressions (the ranking's DESC keys), so that one is dropped first.
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_document_progress_unfiled_ranking')
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_progress_drafting_unit_id_organization'),
                                 type_='foreignkey')
        batch_op.drop_column('followers')
        batch_op.drop_column('drafting_unit_id')
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.create_index('ix_document_progress_unfiled_ranking', RANKING, unique=False,
                              postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'),
                              postgresql_include=INCLUDED)
