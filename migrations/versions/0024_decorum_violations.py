"""Public decorum violations and objections.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decorum_violations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("national_id", sa.String(length=10), nullable=False),
        sa.Column("article", sa.String(length=10), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("fine", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("unpaid", "objected", "paid", "paid_objected",
                                    "cancelled", name="decorumstatus", native_enum=False,
                                    create_constraint=False, length=20), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff_users.id"],
                                name=op.f("fk_decorum_violations_recorded_by_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decorum_violations")),
        sa.UniqueConstraint("number", name=op.f("uq_decorum_violations_number")),
    )
    with op.batch_alter_table("decorum_violations") as batch_op:
        batch_op.create_index(batch_op.f("ix_decorum_violations_national_id"), ["national_id"])
        batch_op.create_index(batch_op.f("ix_decorum_violations_recorded_at"), ["recorded_at"])
        batch_op.create_index(batch_op.f("ix_decorum_violations_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_decorum_violations_changed_at"), ["changed_at"])


def downgrade() -> None:
    op.drop_table("decorum_violations")
