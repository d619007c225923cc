"""Government fees as bills paid by bank notices, and where each bank takes refunds.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=30), nullable=False),
        sa.Column("request_key", sa.String(length=60), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("vat", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("unpaid", "paid", "expired", "cancelled", "refunding",
                                    "refunded", name="billstatus", native_enum=False,
                                    create_constraint=False, length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("paid_at", UTCDateTime(), nullable=True),
        sa.Column("bank_code", sa.String(length=20), nullable=True),
        sa.Column("bank_reference", sa.String(length=40), nullable=True),
        sa.Column("fulfilled_at", UTCDateTime(), nullable=True),
        sa.Column("fulfil_attempts", sa.Integer(), nullable=False),
        sa.Column("fulfil_error", sa.String(length=200), nullable=True),
        sa.Column("fulfil_next_at", UTCDateTime(), nullable=True),
        sa.Column("refund_requested_at", UTCDateTime(), nullable=True),
        sa.Column("refund_reason", sa.String(length=40), nullable=True),
        sa.Column("refund_attempts", sa.Integer(), nullable=False),
        sa.Column("refund_next_at", UTCDateTime(), nullable=True),
        sa.Column("refund_error", sa.String(length=200), nullable=True),
        sa.Column("refunded_at", UTCDateTime(), nullable=True),
        sa.Column("refund_reference", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_bills_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("number", name=op.f("uq_bills_number")),
        sa.UniqueConstraint("bank_code", "bank_reference", name=op.f("uq_bills_bank_code")),
    )
    for column in ("account_id", "status", "expires_at", "changed_at", "fulfil_next_at",
                   "refund_next_at"):
        op.create_index(op.f(f"ix_bills_{column}"), "bills", [column])
    unpaid = sa.text("status = 'unpaid'")
    op.create_index("uq_bills_open_request", "bills", ["service", "request_key"], unique=True,
                    postgresql_where=unpaid, sqlite_where=unpaid)
    with op.batch_alter_table("api_clients") as batch_op:
        batch_op.add_column(sa.Column("refund_url", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_clients") as batch_op:
        batch_op.drop_column("refund_url")
    op.drop_table("bills")
