"""Indexes for the hot paths at national scale: a holder's bills of one service, an
office's queue of one service, and an office's Tahseen tickets.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each e-service's list of the holder's bills of that service, the newest first.
    op.create_index("ix_bills_account_service_created", "bills",
                    ["account_id", "service", "created_at"])
    # An office's queue of one service, oldest first (and its capped count).
    op.create_index("ix_service_requests_queue", "service_requests",
                    ["status", "office_city", "service", "changed_at", "id"])
    # An office's open Tahseen tickets, oldest first (and their capped count).
    op.create_index("ix_tahseen_tickets_queue", "tahseen_tickets",
                    ["status", "office_city", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_tahseen_tickets_queue", table_name="tahseen_tickets")
    op.drop_index("ix_service_requests_queue", table_name="service_requests")
    op.drop_index("ix_bills_account_service_created", table_name="bills")
