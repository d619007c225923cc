"""Issued documents with signed numbers, for /verify.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("other_account_id", sa.Integer(), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("superseded_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_issued_documents_account_id_accounts")),
        sa.ForeignKeyConstraint(["other_account_id"], ["accounts.id"],
                                name=op.f("fk_issued_documents_other_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_issued_documents_number")),
    )
    op.create_index("ix_issued_documents_kind_source", "issued_documents", ["kind", "source"])
    op.create_index(op.f("ix_issued_documents_account_id"), "issued_documents",
                    ["account_id"])
    op.create_index(op.f("ix_issued_documents_other_account_id"), "issued_documents",
                    ["other_account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_documents_other_account_id"), table_name="issued_documents")
    op.drop_index(op.f("ix_issued_documents_account_id"), table_name="issued_documents")
    op.drop_index("ix_issued_documents_kind_source", table_name="issued_documents")
    op.drop_table("issued_documents")
