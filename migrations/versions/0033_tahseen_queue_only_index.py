"""Open Tahseen tickets are found through the queue index alone.

The single-column indexes on status, office_city and created_at served no query the queue
index (status, office_city, created_at, id) does not serve better, and PostgreSQL sometimes
walked the one on created_at for an office's queue, passing every answered ticket of every
city first.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = ("status", "office_city", "created_at")


def upgrade() -> None:
    for column in DROPPED:
        op.drop_index(f"ix_tahseen_tickets_{column}", table_name="tahseen_tickets")


def downgrade() -> None:
    for column in DROPPED:
        op.create_index(f"ix_tahseen_tickets_{column}", "tahseen_tickets", [column])
