"""Tahseen tickets and the investor record: the tickets holders send to Civil Affairs with
their answers, and the Ministry of Investment's licences.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tahseen_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("office_city", sa.String(length=100), nullable=False),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_tahseen_tickets_account_id_accounts")),
        sa.ForeignKeyConstraint(["answered_by"], ["staff_users.id"],
                                name=op.f("fk_tahseen_tickets_answered_by_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tahseen_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tahseen_tickets_number")),
    )
    for column in ("account_id", "status", "office_city", "created_at", "changed_at"):
        op.create_index(op.f(f"ix_tahseen_tickets_{column}"), "tahseen_tickets", [column])
    op.create_table(
        "investor_licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_number", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("activity", sa.String(length=200), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.national_id"],
                                name=op.f("fk_investor_licences_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investor_licences")),
        sa.UniqueConstraint("licence_number", name=op.f("uq_investor_licences_licence_number")),
    )
    op.create_index(op.f("ix_investor_licences_person_id"), "investor_licences",
                    ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_investor_licences_person_id"), table_name="investor_licences")
    op.drop_table("investor_licences")
    for column in ("account_id", "status", "office_city", "created_at", "changed_at"):
        op.drop_index(op.f(f"ix_tahseen_tickets_{column}"), table_name="tahseen_tickets")
    op.drop_table("tahseen_tickets")
