"""Residency and visas: iqamas, exit/re-entry and final exit visas, iqama renewals.

The iqama's expiry stays where it is (people.id_expiry, copied in sponsorships.permit_expiry
for sponsored workers); this revision adds the visas the Passports registry issues.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "visas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("open_for", sa.String(length=10), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by"], ["accounts.id"],
                                name=op.f("fk_visas_issued_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visas")),
        sa.UniqueConstraint("number", name=op.f("uq_visas_number")),
        sa.UniqueConstraint("open_for", name=op.f("uq_visas_open_for")),
    )
    op.create_index(op.f("ix_visas_person_id"), "visas", ["person_id"])
    op.create_index(op.f("ix_visas_issued_by"), "visas", ["issued_by"])


def downgrade() -> None:
    op.drop_index(op.f("ix_visas_issued_by"), table_name="visas")
    op.drop_index(op.f("ix_visas_person_id"), table_name="visas")
    op.drop_table("visas")
