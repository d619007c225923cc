"""Requests with a state (birth registration, family records, and the services after them).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("service", sa.String(length=30), nullable=False),
        sa.Column("request_key", sa.String(length=60), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.String(length=10), nullable=False),
        sa.Column("status", sa.Enum("submitted", "under_review", "approved", "refused",
                                    "delivered", "cancelled", name="requeststatus",
                                    native_enum=False, create_constraint=False, length=20),
                  nullable=False),
        sa.Column("office_city", sa.String(length=100), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_service_requests_account_id_accounts")),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.id"],
                                name=op.f("fk_service_requests_bill_id_bills")),
        sa.ForeignKeyConstraint(["decided_by"], ["staff_users.id"],
                                name=op.f("fk_service_requests_decided_by_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_service_requests_number")),
        sa.UniqueConstraint("service", "request_key", name=op.f("uq_service_requests_service")),
    )
    for column in ("service", "account_id", "status", "office_city", "created_at", "changed_at"):
        op.create_index(op.f(f"ix_service_requests_{column}"), "service_requests", [column])


def downgrade() -> None:
    op.drop_table("service_requests")
