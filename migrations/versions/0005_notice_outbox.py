"""The notices' outbox: when a notice's next try is due, and when a process took it.

Revision ID: 0005_outbox
Revises: 0004
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005_outbox"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable) works on SQLite without a table copy.
    op.add_column("sms_messages", sa.Column("next_attempt_at", sa.DateTime(timezone=True),
                                            nullable=True))
    op.add_column("sms_messages", sa.Column("claimed_at", sa.DateTime(timezone=True),
                                            nullable=True))
    op.create_index(op.f("ix_sms_messages_next_attempt_at"), "sms_messages",
                    ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sms_messages_next_attempt_at"), table_name="sms_messages")
    with op.batch_alter_table("sms_messages") as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("next_attempt_at")
