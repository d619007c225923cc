"""Passports: each person's current passport, from the Passports registry.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=11), nullable=False),
        sa.Column("issuing_country", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.national_id"],
                                name=op.f("fk_passports_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports")),
        sa.UniqueConstraint("person_id", name=op.f("uq_passports_person_id")),
    )
    op.create_index(op.f("ix_passports_number"), "passports", ["number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_passports_number"), table_name="passports")
    op.drop_table("passports")
