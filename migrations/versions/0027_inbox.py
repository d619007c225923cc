"""The holder's inbox of notices.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.Enum("ar", "en", name="language", native_enum=False,
                                      create_constraint=False, length=20), nullable=False),
        sa.Column("link", sa.String(length=80), nullable=True),
        sa.Column("sms_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_inbox_messages_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_messages")),
        sa.UniqueConstraint("public_id", name=op.f("uq_inbox_messages_public_id")),
        sa.UniqueConstraint("sms_message_id", name=op.f("uq_inbox_messages_sms_message_id")),
    )
    op.create_index(op.f("ix_inbox_messages_created_at"), "inbox_messages", ["created_at"])
    op.create_index("ix_inbox_messages_account_id_id", "inbox_messages", ["account_id", "id"])
    op.create_index("ix_inbox_messages_unread", "inbox_messages", ["account_id"],
                    postgresql_where=sa.text("read_at IS NULL"),
                    sqlite_where=sa.text("read_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_inbox_messages_unread", table_name="inbox_messages")
    op.drop_index("ix_inbox_messages_account_id_id", table_name="inbox_messages")
    op.drop_index(op.f("ix_inbox_messages_created_at"), table_name="inbox_messages")
    op.drop_table("inbox_messages")
