"""Signed-in devices: one row per session; the security activity read a page at a time.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=20), nullable=False),
        sa.Column("browser", sa.String(length=20), nullable=False),
        sa.Column("place_en", sa.String(length=100), nullable=True),
        sa.Column("place_ar", sa.String(length=100), nullable=True),
        sa.Column("first_of_device", sa.Boolean(), nullable=False),
        sa.Column("new_device", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("signed_out_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_device_sessions_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_sessions")),
        sa.UniqueConstraint("public_id", name=op.f("uq_device_sessions_public_id")),
    )
    for column in ("account_id", "last_seen_at", "signed_out_at"):
        op.create_index(op.f(f"ix_device_sessions_{column}"), "device_sessions", [column])
    first = sa.text("first_of_device")
    op.create_index("uq_device_sessions_first_of_device", "device_sessions",
                    ["account_id", "device", "browser"], unique=True,
                    postgresql_where=first, sqlite_where=first)
    op.create_index("ix_audit_events_account_time", "audit_events",
                    ["account_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_account_time", table_name="audit_events")
    op.drop_index("uq_device_sessions_first_of_device", table_name="device_sessions")
    for column in ("account_id", "last_seen_at", "signed_out_at"):
        op.drop_index(op.f(f"ix_device_sessions_{column}"), table_name="device_sessions")
    op.drop_table("device_sessions")
