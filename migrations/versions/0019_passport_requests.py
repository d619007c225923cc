"""Absher Passports: passport issue and renewal requests, passport status and travel bans.

A passport's status (valid, lost, cancelled) in the Passports registry, and the travel
bans it records. The requests themselves are rows of service_requests (its status column
is a plain string: the new "printed" state needs no change).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("passports") as batch:
        batch.add_column(sa.Column(
            "status", sa.Enum("valid", "lost", "cancelled", name="passportstatus",
                              native_enum=False, create_constraint=False, length=20),
            nullable=False, server_default="valid"))
    op.create_table(
        "travel_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.national_id"],
                                name=op.f("fk_travel_bans_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_bans")),
        sa.UniqueConstraint("person_id", name=op.f("uq_travel_bans_person_id")),
    )


def downgrade() -> None:
    op.drop_table("travel_bans")
    with op.batch_alter_table("passports") as batch:
        batch.drop_column("status")
