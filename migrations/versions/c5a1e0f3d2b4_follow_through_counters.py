"""follow-through counters: document progress, unfiled count per obligation, duty's recipient

Revision ID: c5a1e0f3d2b4
Revises: b78dd21477a9
Create Date: 2026-12-02 08:45:00.000000

The counters are kept by the services from now on (workflow.progress); this
migration fills them from the rows already there.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1e0f3d2b4'
down_revision = 'b78dd21477a9'
branch_labels = None
depends_on = None

UNFILED = sa.text('filed_at IS NULL')
PENDING = sa.text("decision = 'pending'")

BACKFILL = [
    """UPDATE report_duty SET organization_id = (
         SELECT distribution.organization_id FROM distribution WHERE distribution.id = report_duty.distribution_id)""",
    """UPDATE reporting_obligation SET unfiled_count = (
         SELECT count(*) FROM report_duty
         WHERE report_duty.obligation_id = reporting_obligation.id AND report_duty.filed_at IS NULL)""",
    """INSERT INTO document_progress (document_id, issuer_id, author_id, issued_at, recipients, acknowledged,
         refused, reports_owed, filed, late, unfiled, next_due, last_due)
       SELECT d.id, d.issuer_id, d.author_id, COALESCE(d.issued_at, d.updated_at),
         (SELECT count(*) FROM distribution x WHERE x.document_id = d.id),
         (SELECT count(*) FROM distribution x WHERE x.document_id = d.id AND x.status = 'acknowledged'),
         (SELECT count(*) FROM distribution x WHERE x.document_id = d.id AND x.status = 'refused'),
         (SELECT count(*) FROM report_duty r WHERE r.document_id = d.id),
         (SELECT count(*) FROM report_duty r WHERE r.document_id = d.id AND r.filed_at IS NOT NULL),
         (SELECT count(*) FROM report_duty r WHERE r.document_id = d.id AND r.filed_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM report p WHERE p.duty_id = r.id)
            AND NOT EXISTS (SELECT 1 FROM report p WHERE p.duty_id = r.id AND p.late = false)),
         (SELECT count(*) FROM report_duty r WHERE r.document_id = d.id AND r.filed_at IS NULL),
         (SELECT min(r.due_date) FROM report_duty r WHERE r.document_id = d.id AND r.filed_at IS NULL),
         (SELECT max(r.due_date) FROM report_duty r WHERE r.document_id = d.id AND r.filed_at IS NULL)
       FROM document d WHERE d.state IN ('distributed', 'reported')""",
]


def upgrade():
    op.create_table('document_progress',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('acknowledged', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('refused', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('reports_owed', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('filed', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('late', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('unfiled', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('last_due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_document_progress_author_id_user_account')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_progress_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issuer_id'], ['organization.id'], name=op.f('fk_document_progress_issuer_id_organization')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_progress'))
    )
    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_progress_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_progress_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index('ix_document_progress_last_due', ['last_due'], unique=False, postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'))
        batch_op.create_index('ix_document_progress_next_due_ranking', ['next_due', sa.text('issued_at DESC'), sa.text('document_id DESC'), 'issuer_id', 'author_id'], unique=False)
        batch_op.create_index('ix_document_progress_unfiled_ranking', [sa.text('unfiled DESC'), 'next_due', sa.text('issued_at DESC'), sa.text('document_id DESC')], unique=False, postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'))

    with op.batch_alter_table('reporting_obligation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unfiled_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.create_index('ix_reporting_obligation_unfiled_document_id', ['document_id', 'due_date', 'unfiled_count'], unique=False, postgresql_where=sa.text('unfiled_count > 0'), sqlite_where=sa.text('unfiled_count > 0'))

    with op.batch_alter_table('report_duty', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))

    for statement in BACKFILL:
        op.execute(statement)

    # the worklist reads waiting documents from these two indexes alone
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_current_step_id')
        batch_op.create_index('ix_document_current_step_id', ['current_step_id', 'state', 'chain_round', 'updated_at', 'id'], unique=False)

    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_step_pending_assignee_id', postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.create_index('ix_approval_step_pending_assignee_id', ['assignee_id', 'id', 'kind'], unique=False, postgresql_where=PENDING, sqlite_where=PENDING)

    with op.batch_alter_table('report_duty', schema=None) as batch_op:
        batch_op.alter_column('organization_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_duty_organization_id_organization'), 'organization', ['organization_id'], ['id'])
        batch_op.create_index('ix_report_duty_unfiled_organization_id', ['organization_id', 'due_date', 'distribution_id'], unique=False, postgresql_where=UNFILED, sqlite_where=UNFILED)


def downgrade():
    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_step_pending_assignee_id', postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.create_index('ix_approval_step_pending_assignee_id', ['assignee_id'], unique=False, postgresql_where=PENDING, sqlite_where=PENDING)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_current_step_id')
        batch_op.create_index('ix_document_current_step_id', ['current_step_id'], unique=False)

    with op.batch_alter_table('report_duty', schema=None) as batch_op:
        batch_op.drop_index('ix_report_duty_unfiled_organization_id', postgresql_where=UNFILED, sqlite_where=UNFILED)
        batch_op.drop_constraint(batch_op.f('fk_report_duty_organization_id_organization'), type_='foreignkey')
        batch_op.drop_column('organization_id')

    with op.batch_alter_table('reporting_obligation', schema=None) as batch_op:
        batch_op.drop_index('ix_reporting_obligation_unfiled_document_id', postgresql_where=sa.text('unfiled_count > 0'), sqlite_where=sa.text('unfiled_count > 0'))
        batch_op.drop_column('unfiled_count')

    with op.batch_alter_table('document_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_document_progress_unfiled_ranking', postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'))
        batch_op.drop_index('ix_document_progress_next_due_ranking')
        batch_op.drop_index('ix_document_progress_last_due', postgresql_where=sa.text('unfiled > 0'), sqlite_where=sa.text('unfiled > 0'))
        batch_op.drop_index(batch_op.f('ix_document_progress_issuer_id'))
        batch_op.drop_index(batch_op.f('ix_document_progress_author_id'))

    op.drop_table('document_progress')
