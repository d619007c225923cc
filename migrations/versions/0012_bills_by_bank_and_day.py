"""The payments of one bank in one day, found by index (the daily reconciliation).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_bills_bank_paid_at", "bills", ["bank_code", "paid_at"])


def downgrade() -> None:
    op.drop_index("ix_bills_bank_paid_at", table_name="bills")
