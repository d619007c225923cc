"""Initial schema: the civil registry, accounts and every table the flows use.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('code_challenges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.Enum('registration', 'sign_in', 'recovery', 'change_mobile', name='codepurpose', native_enum=False, length=20), nullable=False),
    sa.Column('flow_id', sa.String(length=64), nullable=False),
    sa.Column('mobile', sa.String(length=16), nullable=False),
    sa.Column('code_hmac', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_challenges'))
    )
    with op.batch_alter_table('code_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_challenges_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_challenges_flow_id'), ['flow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_challenges_mobile'), ['mobile'], unique=False)

    op.create_table('pending_registrations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('national_id', sa.String(length=10), nullable=False),
    sa.Column('mobile', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('preferred_language', sa.Enum('ar', 'en', name='language', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registrations'))
    )
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_registrations_mobile'), ['mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_registrations_national_id'), ['national_id'], unique=False)

    op.create_table('people',
    sa.Column('national_id', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.Enum('citizen', 'resident', name='personkind', native_enum=False, length=20), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('nationality', sa.String(length=3), nullable=False),
    sa.Column('id_expiry', sa.Date(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('national_id', name=op.f('pk_people'))
    )
    op.create_table('sms_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='smsstatus', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('retryable', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages'))
    )
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_messages_to'), ['to'], unique=False)

    op.create_table('spent_tokens',
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_id', name=op.f('pk_spent_tokens'))
    )
    with op.batch_alter_table('spent_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spent_tokens_expires_at'), ['expires_at'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('office', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_users_username'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('national_id', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('mobile', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('preferred_language', sa.Enum('ar', 'en', name='language', native_enum=False, length=20), nullable=False),
    sa.Column('activation_state', sa.Enum('not_activated', 'pending', 'active', name='activationstate', native_enum=False, length=20), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures_since_recovery', sa.Integer(), nullable=False),
    sa.Column('recovery_locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['national_id'], ['people.national_id'], name=op.f('fk_accounts_national_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('mobile', name=op.f('uq_accounts_mobile')),
    sa.UniqueConstraint('national_id', name=op.f('uq_accounts_national_id'))
    )
    # Usernames are unique whatever their case.
    op.create_index('uq_accounts_username_lower', 'accounts', [sa.text('lower(username)')], unique=True)
    op.create_table('activations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('atm', 'passports', 'kiosk', name='activationchannel', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'done', 'cancelled', name='activationrequeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('bank_code', sa.String(length=20), nullable=True),
    sa.Column('atm_id', sa.String(length=40), nullable=True),
    sa.Column('reference', sa.String(length=80), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_activations_account_id_accounts')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_activations_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activations')),
    sa.UniqueConstraint('bank_code', 'reference', name=op.f('uq_activations_bank_code'))
    )
    with op.batch_alter_table('activations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activations_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activations_effective_at'), ['effective_at'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('client_address', sa.String(length=45), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_audit_events_account_id_accounts')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_audit_events_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)

    op.create_table('security_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=False),
    sa.Column('answer_hash', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_security_answers_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_answers')),
    sa.UniqueConstraint('account_id', 'question_key', name=op.f('uq_security_answers_account_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('security_answers')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_account_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('activations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activations_effective_at'))
        batch_op.drop_index(batch_op.f('ix_activations_account_id'))

    op.drop_table('activations')
    op.drop_table('accounts')
    op.drop_table('staff_users')
    with op.batch_alter_table('spent_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spent_tokens_expires_at'))

    op.drop_table('spent_tokens')
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_messages_to'))
        batch_op.drop_index(batch_op.f('ix_sms_messages_created_at'))

    op.drop_table('sms_messages')
    op.drop_table('people')
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_registrations_national_id'))
        batch_op.drop_index(batch_op.f('ix_pending_registrations_mobile'))

    op.drop_table('pending_registrations')
    with op.batch_alter_table('code_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_challenges_mobile'))
        batch_op.drop_index(batch_op.f('ix_code_challenges_flow_id'))
        batch_op.drop_index(batch_op.f('ix_code_challenges_created_at'))

    op.drop_table('code_challenges')
