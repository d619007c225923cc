"""Agency data for the e-services: vehicles with their violations, and sponsorships.

Revision ID: 0007
Revises: 0006_hot_path_indexes
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006_hot_path_indexes"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate_country", sa.String(length=3), nullable=False),
        sa.Column("plate_letters", sa.String(length=3), nullable=False),
        sa.Column("plate_number", sa.String(length=12), nullable=False),
        sa.Column("make", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.String(length=10), nullable=True),
        sa.Column("insurance_company", sa.String(length=100), nullable=True),
        sa.Column("insurance_expiry", sa.Date(), nullable=True),
        sa.Column("impounded_since", sa.Date(), nullable=True),
        sa.Column("impound_place", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["people.national_id"],
                                name=op.f("fk_vehicles_owner_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate_country", "plate_letters", "plate_number",
                            name=op.f("uq_vehicles_plate_country")),
    )
    op.create_index(op.f("ix_vehicles_owner_id"), "vehicles", ["owner_id"], unique=False)
    op.create_table(
        "traffic_violations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("status", sa.Enum("unpaid", "paid", name="violationstatus",
                                    native_enum=False, create_constraint=False, length=20),
                  nullable=False),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE",
                                name=op.f("fk_traffic_violations_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_violations")),
        sa.UniqueConstraint("reference", name=op.f("uq_traffic_violations_reference")),
    )
    op.create_index(op.f("ix_traffic_violations_vehicle_id"), "traffic_violations",
                    ["vehicle_id"], unique=False)
    op.create_table(
        "sponsorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum("domestic_worker", "worker", "visitor",
                                  name="sponsoredkind", native_enum=False,
                                  create_constraint=False, length=20), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("permit_expiry", sa.Date(), nullable=False),
        sa.Column("health_insurer", sa.String(length=100), nullable=True),
        sa.Column("health_insurance_expiry", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["sponsor_id"], ["people.national_id"],
                                name=op.f("fk_sponsorships_sponsor_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsorships")),
        sa.UniqueConstraint("person_id", name=op.f("uq_sponsorships_person_id")),
    )
    op.create_index(op.f("ix_sponsorships_sponsor_id"), "sponsorships", ["sponsor_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sponsorships_sponsor_id"), table_name="sponsorships")
    op.drop_table("sponsorships")
    op.drop_index(op.f("ix_traffic_violations_vehicle_id"), table_name="traffic_violations")
    op.drop_table("traffic_violations")
    op.drop_index(op.f("ix_vehicles_owner_id"), table_name="vehicles")
    op.drop_table("vehicles")
