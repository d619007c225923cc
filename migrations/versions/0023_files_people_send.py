"""Files people send: uploads stored in the database.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("account_id", "purpose", "created_at", "held_by")


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("held_by", sa.String(length=60), nullable=True),
        sa.Column("attached_at", UTCDateTime(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_uploads_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("public_id", name=op.f("uq_uploads_public_id")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_uploads_{column}"), "uploads", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_uploads_{column}"), table_name="uploads")
    op.drop_table("uploads")
