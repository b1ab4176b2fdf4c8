"""index for the documents list, newest first

Revision ID: f3b9d1c7e2a6
Revises: e4a7c2d9b150
Create Date: 2026-12-02 18:10:00.000000

The documents list shows the documents a user may see, newest first (updated_at,
id), a page at a time: along this index the page's ids are found by walking from
the newest until enough visible ones are met, instead of sorting every visible
document (seventy thousand for a member of a province's issuing body).
"""
from alembic import op


revision = 'f3b9d1c7e2a6'
down_revision = 'e4a7c2d9b150'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_updated_at_id', ['updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_updated_at_id')
