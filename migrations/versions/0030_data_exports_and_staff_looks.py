"""Data exports and the record of staff looking at a holder's data.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_looks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("office", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"],
                                name=op.f("fk_staff_looks_staff_user_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_looks")),
    )
    op.create_index("ix_staff_looks_person_id_created_at", "staff_looks",
                    ["person_id", "created_at", "id"])
    op.create_index(op.f("ix_staff_looks_created_at"), "staff_looks", ["created_at"])
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ready_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_data_exports_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
        sa.UniqueConstraint("account_id", name=op.f("uq_data_exports_account_id")),
    )
    op.create_index(op.f("ix_data_exports_asked_at"), "data_exports", ["asked_at"])
    op.create_index(op.f("ix_data_exports_expires_at"), "data_exports", ["expires_at"])


def downgrade() -> None:
    op.drop_table("data_exports")
    op.drop_table("staff_looks")
